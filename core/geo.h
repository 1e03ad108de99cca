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

/*
 * Whether branch b's partner can deliver traffic at edge e: it has a
 * session there not known to be down (every edge without a partner, or
 * when the partner's sessions name no known edge).  Pure.
 */
int	 geo_edge_deliverable(const struct model *m, const struct branch *b,
	    int e);
/*
 * Why b's partner cannot deliver at edge e, in words for a detail line:
 * "no session with this partner" (returns 0) or "its sessions there are
 * down" (returns 1).
 */
int	 geo_edge_why(const struct branch *b, int e, char *buf, size_t len);
/*
 * The nearest edge b's partner can deliver at (geo_edge_deliverable())
 * and its distance: what SuboptimalRouting judges the routed edge
 * against.  The geographic nearest (b->nearest) when b has no partner;
 * -1 when b has no place.  Pure.
 */
int	 geo_deliverable_edge(const struct model *m, const struct branch *b,
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
