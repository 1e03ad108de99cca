/* SPDX-License-Identifier: ISC */
/*
 * Geography: the edge catalogue file, GeoIP placement of branches through
 * libmaxminddb (the only file that includes maxminddb.h), great-circle
 * distances and the nearest edge.
 */
#ifndef PEERTOP_GEO_H
#define PEERTOP_GEO_H

#include "core/model.h"

/*
 * Load the edge catalogue CSV (code,metro,country,lat,lon,source) into
 * m->edges via model_edge_set().  -1 and *cause on error (file:line).
 */
int	 geo_edges_load(struct model *m, const char *path, char **cause);

/* Great-circle distance in km (haversine, mean Earth radius 6371.0088). */
double	 geo_distance_km(double lat1, double lon1, double lat2, double lon2);

/* Index of the nearest edge and its distance; -1 if no edges. */
int	 geo_nearest_edge(const struct model *m, double lat, double lon,
	    double *km);

struct geo;	/* opened databases */

/*
 * Open the City and ASN databases (either path may be NULL).  Never fails:
 * a missing, unreadable or corrupt database yields one warning each in
 * *warnings (malloc'd, "; "-separated, NULL if none) and is not used.
 */
struct geo *geo_open(const char *city, const char *asn, char **warnings);
void	 geo_close(struct geo *);

struct geo_result {
	int	 found;		/* location found */
	double	 lat, lon;
	char	 city[NAME_MAX_PT];	/* sanitised UTF-8, English name */
	char	 country[3];
	uint32_t asn;
	char	 asname[NAME_MAX_PT];	/* sanitised */
};
/* Look up one address; bad data in the database gives found = 0. */
void	 geo_lookup(struct geo *, const struct addr *, struct geo_result *);

/*
 * Place every branch: config location first, else the first address that
 * the City database locates, else LOC_UNKNOWN.  Fills nearest/nearest_km.
 */
void	 geo_place_branches(struct model *m, struct geo *g);

#endif
