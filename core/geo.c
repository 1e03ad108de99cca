/* SPDX-License-Identifier: ISC */
/*
 * Geography: where branches and Microsoft edges are, and which edge is
 * nearest.  The edge catalogue is a small CSV file shipped in data/ (and
 * extended by the configuration); branch locations come from the
 * configuration or from a MaxMind City database, AS names from a MaxMind
 * ASN database.  This is the only file that includes maxminddb.h: the rest
 * of peertop sees struct geo and struct geo_result.
 *
 * GeoIP data is advisory.  A database that is missing, unreadable or
 * corrupt costs one warning and leaves branches "location unknown"; a
 * lookup that runs into bad data returns found = 0.  Nothing here may
 * crash, hang or block on the network (no DNS: addresses are turned into a
 * sockaddr by hand).
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <maxminddb.h>

#include "core/geo.h"
#include "core/util.h"

#ifndef M_PI
#define M_PI			3.14159265358979323846
#endif

#define GEO_EARTH_RADIUS_KM	6371.0088	/* IUGG mean radius R1 */
#define GEO_CSV_HEADER		"code,metro,country,lat,lon,source"
#define GEO_CSV_FIELDS		6
#define GEO_CSV_FIELD_MAX	128
#define GEO_CSV_LINE_MAX	1024

struct geo {
	MMDB_s		 city;
	int		 city_ok;
	MMDB_s		 asn;
	int		 asn_ok;
};

/* One parsed catalogue line, kept until the whole file is good. */
struct geo_csv_edge {
	struct edge	 edge;
	size_t		 line;
};

static int	 geo_csv_split(const char *, size_t,
		    char [][GEO_CSV_FIELD_MAX], size_t *, const char **);
static int	 geo_csv_edge(char [][GEO_CSV_FIELD_MAX], struct edge *,
		    char *, size_t);
static int	 geo_parse_degrees(const char *, double, double *);
static int	 geo_open_one(MMDB_s *, const char *, const char *,
		    const char *, char **);
static void	 geo_warn_append(char **, const char *);
static int	 geo_sockaddr(const struct addr *, struct sockaddr_storage *);
static int	 geo_entry(const MMDB_s *, const struct addr *,
		    MMDB_entry_s *);
static int	 geo_get_double(MMDB_entry_s *, double *, const char *,
		    const char *);
static int	 geo_get_string(MMDB_entry_s *, char *, size_t, const char *,
		    const char *, const char *);
static int	 geo_get_uint32(MMDB_entry_s *, uint32_t *, const char *);
static void	 geo_lookup_city(struct geo *, const struct addr *,
		    struct geo_result *);
static void	 geo_lookup_asn(struct geo *, const struct addr *,
		    struct geo_result *);
static int	 geo_nearest_of(const struct model *, double, double,
		    const struct branch *, int, double *);
static int	 geo_edge_sessions(const struct branch *, int, int);
static int	 geo_partner_any(const struct model *, const struct branch *,
		    int *);

/* ------------------------------------------------------------------ */
/* The edge catalogue. */

/*
 * Split one CSV line (RFC 4180 quoting: a field may be "quoted", with ""
 * for a quote inside) into at most GEO_CSV_FIELDS fields.  Returns 0 and
 * the count in *nf, or -1 with *why.
 */
static int
geo_csv_split(const char *line, size_t len,
    char fields[][GEO_CSV_FIELD_MAX], size_t *nf, const char **why)
{
	size_t	 pos = 0, n = 0, flen;
	int	 quoted;

	*nf = 0;
	for (;;) {
		if (n == GEO_CSV_FIELDS) {
			*why = "too many fields";
			return (-1);
		}
		flen = 0;
		quoted = 0;
		if (pos < len && line[pos] == '"') {
			quoted = 1;
			pos++;
		}
		for (;;) {
			if (pos >= len) {
				if (quoted) {
					*why = "unterminated quoted field";
					return (-1);
				}
				break;
			}
			if (quoted && line[pos] == '"') {
				if (pos + 1 < len && line[pos + 1] == '"')
					pos++;	/* "" is a literal quote */
				else {
					pos++;
					quoted = 0;
					if (pos < len && line[pos] != ',') {
						*why = "text after a closing"
						    " quote";
						return (-1);
					}
					break;
				}
			} else if (!quoted && line[pos] == ',')
				break;
			else if (!quoted && line[pos] == '"') {
				*why = "a quote inside an unquoted field";
				return (-1);
			}
			if (flen + 1 >= GEO_CSV_FIELD_MAX) {
				*why = "field too long";
				return (-1);
			}
			fields[n][flen++] = line[pos++];
		}
		fields[n][flen] = '\0';
		n++;
		if (pos >= len)
			break;
		pos++;		/* the comma */
	}
	*nf = n;
	return (0);
}

/* A latitude or longitude: a whole decimal number within +-limit. */
static int
geo_parse_degrees(const char *s, double limit, double *out)
{
	char	*end;
	double	 v;

	/* Plain decimal only: strtod() would also take hex, inf and nan. */
	if (*s == '\0' || strspn(s, "0123456789.+-eE") != strlen(s))
		return (-1);
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v))
		return (-1);
	if (v < -limit || v > limit)
		return (-1);
	*out = v;
	return (0);
}

/* Check and convert one line's fields; -1 with what was expected. */
static int
geo_csv_edge(char f[][GEO_CSV_FIELD_MAX], struct edge *e, char *why,
    size_t whylen)
{
	size_t	 i, len;

	memset(e, 0, sizeof *e);

	len = strlen(f[0]);
	if (len == 0 || len >= sizeof e->code)
		goto badcode;
	for (i = 0; i < len; i++) {
		if ((f[0][i] < 'a' || f[0][i] > 'z') &&
		    (f[0][i] < '0' || f[0][i] > '9'))
			goto badcode;
	}
	memcpy(e->code, f[0], len + 1);

	len = strlen(f[1]);
	if (len == 0 || len >= sizeof e->metro) {
		snprintf(why, whylen, "expected a metro name of 1 to %zu"
		    " characters", sizeof e->metro - 1);
		return (-1);
	}
	for (i = 0; i < len; i++) {
		if ((unsigned char)f[1][i] < 0x20 || f[1][i] == 0x7f) {
			snprintf(why, whylen, "expected a metro name without"
			    " control characters");
			return (-1);
		}
	}
	sanitize(e->metro, sizeof e->metro, f[1], len);

	if (strlen(f[2]) != 2 || f[2][0] < 'A' || f[2][0] > 'Z' ||
	    f[2][1] < 'A' || f[2][1] > 'Z') {
		snprintf(why, whylen, "expected a two-letter country code"
		    " (ISO 3166), got \"%.16s\"", f[2]);
		return (-1);
	}
	memcpy(e->country, f[2], 3);

	if (geo_parse_degrees(f[3], 90.0, &e->lat) != 0) {
		snprintf(why, whylen, "expected a latitude between -90 and 90,"
		    " got \"%.32s\"", f[3]);
		return (-1);
	}
	if (geo_parse_degrees(f[4], 180.0, &e->lon) != 0) {
		snprintf(why, whylen, "expected a longitude between -180 and"
		    " 180, got \"%.32s\"", f[4]);
		return (-1);
	}

	len = strlen(f[5]);
	if (len >= sizeof e->source) {
		snprintf(why, whylen, "expected a source of at most %zu"
		    " characters", sizeof e->source - 1);
		return (-1);
	}
	sanitize(e->source, sizeof e->source, f[5], len);
	return (0);

badcode:
	snprintf(why, whylen, "expected an edge code of 1 to %zu lowercase"
	    " letters or digits, got \"%.16s\"", sizeof e->code - 1, f[0]);
	return (-1);
}

/*
 * Load the catalogue.  The whole file is checked before anything reaches
 * the model, so a bad file leaves the model as it was.
 */
int
geo_edges_load(struct model *m, const char *path, char **cause)
{
	FILE			*f;
	char			*line = NULL;
	size_t			 linesz = 0, lineno = 0, len, nf, i, j;
	ssize_t			 n;
	struct geo_csv_edge	*list = NULL;
	size_t			 nlist = 0;
	char			 fields[GEO_CSV_FIELDS][GEO_CSV_FIELD_MAX];
	char			 why[160];
	const char		*what;
	int			 seen_header = 0;

	*cause = NULL;
	if ((f = fopen(path, "r")) == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (-1);
	}
	while ((n = getline(&line, &linesz, f)) != -1) {
		lineno++;
		len = (size_t)n;
		if (len > 0 && line[len - 1] == '\n')
			len--;
		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (memchr(line, '\0', len) != NULL) {
			xasprintf(cause, "%s:%zu: unexpected NUL byte", path,
			    lineno);
			goto fail;
		}
		if (len > GEO_CSV_LINE_MAX) {
			xasprintf(cause, "%s:%zu: line longer than %d bytes",
			    path, lineno, GEO_CSV_LINE_MAX);
			goto fail;
		}
		line[len] = '\0';
		if (!seen_header) {
			/* Allow a UTF-8 byte order mark from spreadsheets. */
			what = line;
			if (len >= 3 && memcmp(what, "\xef\xbb\xbf", 3) == 0)
				what += 3;
			if (strcmp(what, GEO_CSV_HEADER) != 0) {
				xasprintf(cause, "%s:%zu: expected the header"
				    " line \"%s\"", path, lineno,
				    GEO_CSV_HEADER);
				goto fail;
			}
			seen_header = 1;
			continue;
		}
		if (len == 0)
			continue;
		if (geo_csv_split(line, len, fields, &nf, &what) != 0) {
			xasprintf(cause, "%s:%zu: %s; expected %d fields (%s)",
			    path, lineno, what, GEO_CSV_FIELDS,
			    GEO_CSV_HEADER);
			goto fail;
		}
		if (nf != GEO_CSV_FIELDS) {
			xasprintf(cause, "%s:%zu: expected %d fields (%s),"
			    " got %zu", path, lineno, GEO_CSV_FIELDS,
			    GEO_CSV_HEADER, nf);
			goto fail;
		}
		list = xreallocarray(list, nlist + 1, sizeof *list);
		if (geo_csv_edge(fields, &list[nlist].edge, why,
		    sizeof why) != 0) {
			xasprintf(cause, "%s:%zu: %s", path, lineno, why);
			goto fail;
		}
		list[nlist].line = lineno;
		for (j = 0; j < nlist; j++) {
			if (strcmp(list[j].edge.code,
			    list[nlist].edge.code) == 0) {
				xasprintf(cause, "%s:%zu: duplicate edge code"
				    " \"%s\" (first on line %zu)", path,
				    lineno, list[j].edge.code, list[j].line);
				goto fail;
			}
		}
		nlist++;
	}
	if (ferror(f)) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!seen_header) {
		xasprintf(cause, "%s:1: expected the header line \"%s\"",
		    path, GEO_CSV_HEADER);
		goto fail;
	}
	fclose(f);
	free(line);

	for (i = 0; i < nlist; i++)
		model_edge_set(m, &list[i].edge);
	free(list);
	return (0);

fail:
	fclose(f);
	free(line);
	free(list);
	return (-1);
}

/* ------------------------------------------------------------------ */
/* Distances. */

/*
 * Haversine great-circle distance on a sphere of the mean Earth radius.
 * Good to about 0.5% against the ellipsoid, which is plenty for "which
 * edge is nearest".  The clamp keeps rounding from pushing asin() past 1
 * for antipodal points.
 */
double
geo_distance_km(double lat1, double lon1, double lat2, double lon2)
{
	double	 p1, p2, dp, dl, h;

	p1 = lat1 * M_PI / 180.0;
	p2 = lat2 * M_PI / 180.0;
	dp = (lat2 - lat1) * M_PI / 180.0;
	dl = (lon2 - lon1) * M_PI / 180.0;
	h = sin(dp / 2) * sin(dp / 2) +
	    cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2);
	if (h > 1.0)
		h = 1.0;
	if (h < 0.0)
		h = 0.0;
	return (2.0 * GEO_EARTH_RADIUS_KM * asin(sqrt(h)));
}

int
geo_nearest_edge(const struct model *m, double lat, double lon, double *km)
{
	return (geo_nearest_of(m, lat, lon, NULL, 0, km));
}

/*
 * The nearest edge to (lat, lon), of all, or (only set) of those where
 * only's partner has a session (geo_edge_sessions()).
 */
static int
geo_nearest_of(const struct model *m, double lat, double lon,
    const struct branch *only, int any, double *km)
{
	size_t	 i;
	int	 best = -1;
	double	 d, bestd = 0;

	for (i = 0; i < m->nedges; i++) {
		if (only != NULL && !geo_edge_sessions(only, (int)i, any))
			continue;
		d = geo_distance_km(lat, lon, m->edges[i].lat,
		    m->edges[i].lon);
		if (best == -1 || d < bestd) {
			best = (int)i;
			bestd = d;
		}
	}
	if (km != NULL)
		*km = best == -1 ? 0 : bestd;
	return (best);
}

/*
 * Where a branch's partner can deliver its traffic to Microsoft: the
 * edges it has a session at.  An edge whose sessions are all known to be
 * down (AdminDown, Idle, ...) cannot take traffic now, so it is no
 * reference for "suboptimal" (the redundancy verdict already says it is
 * down); a session in no known state yet still counts.  When every
 * session of the partner is down, all of them count, so that the
 * judgement keeps its reference while the partner is DOWN.
 */
static int
geo_edge_sessions(const struct branch *b, int e, int any)
{
	const struct partner	*p = b->partner;
	const struct session	*s;
	size_t			 i;

	for (i = 0; i < p->nsessions; i++) {
		s = p->sessions[i];
		if (s->edge_idx != e)
			continue;
		if (any || s->state == BGP_ESTABLISHED ||
		    s->state == BGP_UNKNOWN)
			return (1);
	}
	return (0);
}

/*
 * Whether some session of b's partner is at a known edge; *any is set
 * when none of those is Established or in no known state yet (all down).
 */
static int
geo_partner_any(const struct model *m, const struct branch *b, int *any)
{
	const struct session	*s;
	size_t			 i;
	int			 edges = 0;

	*any = 1;
	for (i = 0; i < b->partner->nsessions; i++) {
		s = b->partner->sessions[i];
		if (s->edge_idx < 0 || (size_t)s->edge_idx >= m->nedges)
			continue;
		edges = 1;
		if (s->state == BGP_ESTABLISHED || s->state == BGP_UNKNOWN)
			*any = 0;
	}
	return (edges);
}

int
geo_edge_why(const struct branch *b, int e, char *buf, size_t len)
{
	size_t	 i, n = 0;

	if (b->partner != NULL)
		for (i = 0; i < b->partner->nsessions; i++)
			if (b->partner->sessions[i]->edge_idx == e)
				n++;
	snprintf(buf, len, n == 0 ? "no session with this partner" :
	    "its sessions there are down");
	return (n != 0);
}

int
geo_edge_deliverable(const struct model *m, const struct branch *b, int e)
{
	int	 any;

	if (e < 0 || (size_t)e >= m->nedges)
		return (0);
	if (b->partner == NULL || !geo_partner_any(m, b, &any))
		return (1);
	return (geo_edge_sessions(b, e, any));
}

int
geo_deliverable_edge(const struct model *m, const struct branch *b,
    double *km)
{
	int	 any;

	if (km != NULL)
		*km = 0;
	if (b->loc == LOC_UNKNOWN)
		return (-1);
	if (b->partner == NULL || !geo_partner_any(m, b, &any)) {
		if (km != NULL)
			*km = b->nearest_km;
		return (b->nearest);
	}
	return (geo_nearest_of(m, b->lat, b->lon, b, any, km));
}

/* ------------------------------------------------------------------ */
/* MaxMind databases. */

static void
geo_warn_append(char **warnings, const char *msg)
{
	char	*s;

	if (warnings == NULL)
		return;
	if (*warnings == NULL) {
		*warnings = xstrdup(msg);
		return;
	}
	xasprintf(&s, "%s; %s", *warnings, msg);
	free(*warnings);
	*warnings = s;
}

/*
 * Open one database.  Only a regular file is handed to libmaxminddb: a
 * FIFO or device would block open() or read forever.
 */
static int
geo_open_one(MMDB_s *db, const char *path, const char *what,
    const char *consequence, char **warnings)
{
	struct stat	 sb;
	char		*msg, buf[256];
	const char	*why;
	int		 error;

	memset(db, 0, sizeof *db);
	if (stat(path, &sb) != 0)
		why = strerror(errno);
	else if (S_ISDIR(sb.st_mode))
		why = "is a directory";
	else if (!S_ISREG(sb.st_mode))
		why = "not a regular file";
	else if (access(path, R_OK) != 0)
		why = strerror(errno);
	else {
		errno = 0;
		error = MMDB_open(path, MMDB_MODE_MMAP, db);
		if (error == MMDB_SUCCESS)
			return (0);
		if ((error == MMDB_FILE_OPEN_ERROR ||
		    error == MMDB_IO_ERROR) && errno != 0)
			why = strerror(errno);
		else if (error == MMDB_INVALID_METADATA_ERROR ||
		    error == MMDB_UNKNOWN_DATABASE_FORMAT_ERROR)
			why = "not a MaxMind DB file, or its metadata is"
			    " corrupt";
		else if (error == MMDB_OUT_OF_MEMORY_ERROR)
			why = MMDB_strerror(error);
		else {
			snprintf(buf, sizeof buf, "corrupt MaxMind DB file"
			    " (%s)", MMDB_strerror(error));
			why = buf;
		}
	}
	xasprintf(&msg, "GeoIP %s database %s: cannot open: %s; %s", what,
	    path, why, consequence);
	geo_warn_append(warnings, msg);
	free(msg);
	memset(db, 0, sizeof *db);
	return (-1);
}

struct geo *
geo_open(const char *city, const char *asn, char **warnings)
{
	struct geo	*g;

	if (warnings != NULL)
		*warnings = NULL;
	g = xcalloc(1, sizeof *g);
	if (city != NULL && *city != '\0') {
		g->city_ok = geo_open_one(&g->city, city, "city",
		    "branches without a location override show as location"
		    " unknown", warnings) == 0;
	}
	if (asn != NULL && *asn != '\0') {
		g->asn_ok = geo_open_one(&g->asn, asn, "ASN",
		    "AS names are not shown", warnings) == 0;
	}
	return (g);
}

void
geo_close(struct geo *g)
{
	if (g == NULL)
		return;
	if (g->city_ok)
		MMDB_close(&g->city);
	if (g->asn_ok)
		MMDB_close(&g->asn);
	free(g);
}

/*
 * Build a sockaddr by hand: MMDB_lookup_string() would go through
 * getaddrinfo(), which we never want on the event loop.  IPv4-mapped IPv6
 * addresses are looked up as IPv4 so that they work in IPv4-only trees
 * too (libmaxminddb maps IPv4 into the ::/96 subtree of IPv6 trees).
 */
static int
geo_sockaddr(const struct addr *a, struct sockaddr_storage *ss)
{
	struct sockaddr_in	*sin;
	struct sockaddr_in6	*sin6;

	memset(ss, 0, sizeof *ss);
	if (a->af == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&a->v6)) {
		sin = (struct sockaddr_in *)ss;
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, &a->v6.s6_addr[12], 4);
		return (0);
	}
	switch (a->af) {
	case AF_INET:
		sin = (struct sockaddr_in *)ss;
		sin->sin_family = AF_INET;
		sin->sin_addr = a->v4;
		return (0);
	case AF_INET6:
		sin6 = (struct sockaddr_in6 *)ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = a->v6;
		return (0);
	}
	return (-1);
}

/* Find the entry for an address; 0 if there is one. */
static int
geo_entry(const MMDB_s *db, const struct addr *a, MMDB_entry_s *entry)
{
	struct sockaddr_storage	 ss;
	MMDB_lookup_result_s	 r;
	int			 error = MMDB_SUCCESS;

	if (geo_sockaddr(a, &ss) != 0)
		return (-1);
	r = MMDB_lookup_sockaddr(db, (struct sockaddr *)&ss, &error);
	if (error != MMDB_SUCCESS || !r.found_entry)
		return (-1);
	*entry = r.entry;
	return (0);
}

/* A double (or float) at a two-key path. */
static int
geo_get_double(MMDB_entry_s *entry, double *out, const char *k1,
    const char *k2)
{
	MMDB_entry_data_s	 d;

	if (MMDB_get_value(entry, &d, k1, k2, NULL) != MMDB_SUCCESS ||
	    !d.has_data)
		return (-1);
	if (d.type == MMDB_DATA_TYPE_DOUBLE)
		*out = d.double_value;
	else if (d.type == MMDB_DATA_TYPE_FLOAT)
		*out = d.float_value;
	else
		return (-1);
	if (!isfinite(*out))
		return (-1);
	return (0);
}

/* A UTF-8 string at a path of up to three keys (k3 may be NULL). */
static int
geo_get_string(MMDB_entry_s *entry, char *dst, size_t dstlen,
    const char *k1, const char *k2, const char *k3)
{
	MMDB_entry_data_s	 d;

	if (MMDB_get_value(entry, &d, k1, k2, k3, NULL) != MMDB_SUCCESS ||
	    !d.has_data || d.type != MMDB_DATA_TYPE_UTF8_STRING ||
	    d.data_size == 0)
		return (-1);
	sanitize(dst, dstlen, d.utf8_string, d.data_size);
	return (0);
}

/* An unsigned number that fits in 32 bits, whatever its stored width. */
static int
geo_get_uint32(MMDB_entry_s *entry, uint32_t *out, const char *k1)
{
	MMDB_entry_data_s	 d;

	if (MMDB_get_value(entry, &d, k1, NULL) != MMDB_SUCCESS ||
	    !d.has_data)
		return (-1);
	switch (d.type) {
	case MMDB_DATA_TYPE_UINT16:
		*out = d.uint16;
		return (0);
	case MMDB_DATA_TYPE_UINT32:
		*out = d.uint32;
		return (0);
	case MMDB_DATA_TYPE_INT32:
		if (d.int32 < 0)
			return (-1);
		*out = (uint32_t)d.int32;
		return (0);
	case MMDB_DATA_TYPE_UINT64:
		if (d.uint64 > UINT32_MAX)
			return (-1);
		*out = (uint32_t)d.uint64;
		return (0);
	}
	return (-1);
}

/*
 * GeoIP2/GeoLite2 City layout: location.latitude/longitude,
 * city.names.en, country.iso_code (registered_country when the country is
 * absent, as for anycast networks).  A location is only "found" when both
 * coordinates are present and in range.
 */
static void
geo_lookup_city(struct geo *g, const struct addr *a, struct geo_result *r)
{
	MMDB_entry_s	 entry;
	double		 lat, lon;
	char		 cc[8];

	if (!g->city_ok || geo_entry(&g->city, a, &entry) != 0)
		return;
	if (geo_get_double(&entry, &lat, "location", "latitude") != 0 ||
	    geo_get_double(&entry, &lon, "location", "longitude") != 0)
		return;
	if (lat < -90.0 || lat > 90.0 || lon < -180.0 || lon > 180.0)
		return;
	r->found = 1;
	r->lat = lat;
	r->lon = lon;
	if (geo_get_string(&entry, r->city, sizeof r->city, "city", "names",
	    "en") != 0)
		r->city[0] = '\0';
	if (geo_get_string(&entry, cc, sizeof cc, "country", "iso_code",
	    NULL) != 0 && geo_get_string(&entry, cc, sizeof cc,
	    "registered_country", "iso_code", NULL) != 0)
		return;
	if (strlen(cc) == 2 && cc[0] >= 'A' && cc[0] <= 'Z' &&
	    cc[1] >= 'A' && cc[1] <= 'Z')
		memcpy(r->country, cc, 3);
}

/* GeoLite2 ASN layout. */
static void
geo_lookup_asn(struct geo *g, const struct addr *a, struct geo_result *r)
{
	MMDB_entry_s	 entry;
	uint32_t	 asn;

	if (!g->asn_ok || geo_entry(&g->asn, a, &entry) != 0)
		return;
	if (geo_get_uint32(&entry, &asn, "autonomous_system_number") != 0)
		return;
	r->asn = asn;
	if (geo_get_string(&entry, r->asname, sizeof r->asname,
	    "autonomous_system_organization", NULL, NULL) != 0)
		r->asname[0] = '\0';
}

void
geo_lookup(struct geo *g, const struct addr *a, struct geo_result *r)
{
	memset(r, 0, sizeof *r);
	if (g == NULL || a == NULL)
		return;
	geo_lookup_city(g, a, r);
	geo_lookup_asn(g, a, r);
}

/*
 * Place every branch.  The configured location wins (the operator knows
 * where the office is; GeoIP of an office's NAT address is often the
 * ISP's city), then the first address the City database locates.  The AS
 * comes from the first address the ASN database knows, whatever placed
 * the branch.
 */
void
geo_place_branches(struct model *m, struct geo *g)
{
	struct branch		*b;
	struct geo_result	 r;
	size_t			 i, j;
	int			 placed, named;

	for (i = 0; i < m->nbranches; i++) {
		b = m->branches[i];
		b->loc = LOC_UNKNOWN;
		b->lat = b->lon = 0;
		b->city[0] = '\0';
		b->country[0] = '\0';
		b->asn = 0;
		b->asname[0] = '\0';
		b->nearest = -1;
		b->nearest_km = 0;

		placed = 0;
		if (b->has_location) {
			b->loc = LOC_CONFIG;
			b->lat = b->cfg_lat;
			b->lon = b->cfg_lon;
			placed = 1;
		}
		named = 0;
		for (j = 0; j < b->naddrs && (!placed || !named); j++) {
			geo_lookup(g, &b->addrs[j], &r);
			if (!placed && r.found) {
				b->loc = LOC_GEOIP;
				b->lat = r.lat;
				b->lon = r.lon;
				strlcpy_pt(b->city, r.city, sizeof b->city);
				memcpy(b->country, r.country,
				    sizeof b->country);
				placed = 1;
			}
			if (!named && r.asn != 0) {
				b->asn = r.asn;
				strlcpy_pt(b->asname, r.asname,
				    sizeof b->asname);
				named = 1;
			}
		}
		if (placed)
			b->nearest = geo_nearest_edge(m, b->lat, b->lon,
			    &b->nearest_km);
	}
	model_touch(m, DIRTY_BRANCHES);
}
