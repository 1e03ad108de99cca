/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for core/geo.c: haversine distances, the edge catalogue
 * parser, nearest edges, lookups in MaxMind's own test databases (checked
 * against the JSON source those databases were built from), every damaged
 * database in tests/data/geoip/broken/, and branch placement.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/geo.h"
#include "core/model.h"
#include "core/util.h"
#include "tests/unit/unit.h"

/* cmocka's assert_float_equal() works in float; distances need double. */
#define assert_near(a, b, eps) do {					\
	double	 a_ = (a), b_ = (b);					\
	if (!(fabs(a_ - b_) <= (eps)))					\
		fail_msg("%s = %.6f, expected %.6f +- %g", #a, a_, b_,	\
		    (double)(eps));					\
} while (0)

static char	*srcpath(const char *);
static char	*write_tmp(const char *, const char *);
static struct addr parse(const char *);
static struct model *model_with_edges(void);
static const char *nearest_code(const struct model *, double, double,
		    double *);
static struct branch *add_branch(struct model *, const char *,
		    const char *const *, size_t);
static void	 expect_load_error(const char *, const char *, const char *);

static char	 tmpdir[64];

static char *
srcpath(const char *rel)
{
	char		*p;

	xasprintf(&p, "%s/%s", test_top_srcdir(), rel);
	return (p);
}

/* Write a file into the test's temporary directory; caller frees path. */
static char *
write_tmp(const char *name, const char *content)
{
	char	*p;
	FILE	*f;

	xasprintf(&p, "%s/%s", tmpdir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
	return (p);
}

static struct addr
parse(const char *s)
{
	struct addr	 a;

	assert_int_equal(addr_parse(s, &a), 0);
	return (a);
}

static struct model *
model_with_edges(void)
{
	struct model	*m;
	char		*path, *cause = NULL;

	m = model_new();
	path = srcpath("data/edges.csv");
	if (geo_edges_load(m, path, &cause) != 0)
		fail_msg("%s", cause);
	free(path);
	return (m);
}

static const char *
nearest_code(const struct model *m, double lat, double lon, double *km)
{
	int	 i;

	i = geo_nearest_edge(m, lat, lon, km);
	assert_true(i >= 0);
	return (m->edges[i].code);
}

static struct branch *
add_branch(struct model *m, const char *name, const char *const *addrs,
    size_t n)
{
	struct branch	*b;
	size_t		 i;

	b = xcalloc(1, sizeof *b);
	strlcpy_pt(b->name, name, sizeof b->name);
	b->addrs = xcalloc(n == 0 ? 1 : n, sizeof *b->addrs);
	for (i = 0; i < n; i++)
		b->addrs[i] = parse(addrs[i]);
	b->naddrs = n;
	b->nearest = 99;	/* must be overwritten */
	m->branches = xreallocarray(m->branches, m->nbranches + 1,
	    sizeof *m->branches);
	m->branches[m->nbranches++] = b;
	return (b);
}

/* ------------------------------------------------------------------ */

static void
test_distance(void **state)
{
	(void)state;
	/* Hand-computed with R = 6371.0088 km: London-Paris, NYC-LA. */
	assert_near(geo_distance_km(51.5074, -0.1278, 48.8566, 2.3522),
	    343.56, 0.05);
	assert_near(geo_distance_km(40.7128, -74.0060, 34.0522,
	    -118.2437), 3935.75, 0.05);
	assert_near(geo_distance_km(0, 0, 0, 180), 20015.11, 0.05);
	assert_near(geo_distance_km(90, 0, -90, 0), 20015.11, 0.05);
	assert_near(geo_distance_km(0, 0, 0, 90), 10007.56, 0.05);
	assert_near(geo_distance_km(47.25, -122.31, 47.25, -122.31),
	    0.0, 1e-9);
	/* Symmetric, and across the antimeridian the short way round. */
	assert_near(geo_distance_km(48.8566, 2.3522, 51.5074, -0.1278),
	    343.56, 0.05);
	assert_near(geo_distance_km(0, 179.5, 0, -179.5),
	    111.19, 0.05);
	/* Nearly antipodal points must not produce NaN. */
	assert_false(isnan(geo_distance_km(45, 0, -45, 180)));
}

static void
test_edges_load(void **state)
{
	struct model	*m;
	int		 i;

	(void)state;
	m = model_with_edges();
	assert_int_equal(m->nedges, 75);

	i = model_edge_find(m, "sea");
	assert_true(i >= 0);
	assert_string_equal(m->edges[i].metro, "Seattle");
	assert_string_equal(m->edges[i].country, "US");
	assert_near(m->edges[i].lat, 47.61, 1e-9);
	assert_near(m->edges[i].lon, -122.33, 1e-9);

	i = model_edge_find(m, "ams");
	assert_true(i >= 0);
	assert_string_equal(m->edges[i].source, "ER|PL|PS");
	i = model_edge_find(m, "iad");
	assert_true(i >= 0);
	assert_string_equal(m->edges[i].metro, "Washington DC (Ashburn)");
	model_free(m);
}

static void
test_edges_quoting(void **state)
{
	struct model	*m = model_new();
	char		*p, *cause = NULL;
	int		 i;

	(void)state;
	p = write_tmp("quoted.csv",
	    "code,metro,country,lat,lon,source\r\n"
	    "xyz,\"Springfield, \"\"North\"\"\",US,1.5,-2.25,config\r\n"
	    "\r\n"
	    "abc,Nowhere,ZZ,-90,180,\r\n");
	if (geo_edges_load(m, p, &cause) != 0)
		fail_msg("%s", cause);
	assert_int_equal(m->nedges, 2);
	i = model_edge_find(m, "xyz");
	assert_true(i >= 0);
	assert_string_equal(m->edges[i].metro, "Springfield, \"North\"");
	assert_near(m->edges[i].lon, -2.25, 1e-12);
	assert_string_equal(m->edges[i].source, "config");
	i = model_edge_find(m, "abc");
	assert_true(i >= 0);
	assert_string_equal(m->edges[i].source, "");
	free(p);
	model_free(m);
}

/* Load content and expect an error naming file:line and containing want. */
static void
expect_load_error(const char *content, const char *line, const char *want)
{
	struct model	*m = model_new();
	char		*p, *cause = NULL, *prefix;

	p = write_tmp("bad.csv", content);
	assert_int_equal(geo_edges_load(m, p, &cause), -1);
	assert_non_null(cause);
	xasprintf(&prefix, "%s:%s: ", p, line);
	if (strncmp(cause, prefix, strlen(prefix)) != 0 ||
	    strstr(cause, want) == NULL)
		fail_msg("got \"%s\", want \"%s...%s\"", cause, prefix, want);
	/* A bad file changes nothing. */
	assert_int_equal(m->nedges, 0);
	free(prefix);
	free(cause);
	free(p);
	model_free(m);
}

#define HDR "code,metro,country,lat,lon,source\n"
#define OK1 "sea,Seattle,US,47.61,-122.33,ER\n"

static void
test_edges_errors(void **state)
{
	(void)state;
	expect_load_error(HDR OK1 "lax,Los Angeles,US,abc,-118.24,ER\n", "3",
	    "expected a latitude between -90 and 90, got \"abc\"");
	expect_load_error(HDR "lax,Los Angeles,US,91,-118.24,ER\n", "2",
	    "expected a latitude");
	expect_load_error(HDR "lax,Los Angeles,US,nan,-118.24,ER\n", "2",
	    "expected a latitude");
	expect_load_error(HDR "lax,Los Angeles,US,34, -118.24,ER\n", "2",
	    "expected a longitude");
	expect_load_error(HDR "lax,Los Angeles,US,34,0x10,ER\n", "2",
	    "expected a longitude");
	expect_load_error(HDR "lax,Los Angeles,US,inf,10,ER\n", "2",
	    "expected a latitude");
	expect_load_error(HDR "lax,Los Angeles,US,34,180.5,ER\n", "2",
	    "expected a longitude between -180 and 180");
	expect_load_error(HDR OK1 "lax,Los Angeles,US,34.05\n", "3",
	    "expected 6 fields (code,metro,country,lat,lon,source), got 4");
	expect_load_error(HDR "lax,Los Angeles,US,34,-118,ER,extra\n", "2",
	    "too many fields");
	expect_load_error(HDR OK1 "chi,Chicago,US,41.88,-87.63,ER\n"
	    "sea,Seattle again,US,47.61,-122.33,ER\n", "4",
	    "duplicate edge code \"sea\" (first on line 2)");
	expect_load_error(OK1, "1", "expected the header line");
	expect_load_error("", "1", "expected the header line");
	expect_load_error(HDR "SEA,Seattle,US,47.61,-122.33,ER\n", "2",
	    "expected an edge code");
	expect_load_error(HDR "toolongcode,Seattle,US,47.61,-122.33,ER\n",
	    "2", "expected an edge code");
	expect_load_error(HDR "sea,,US,47.61,-122.33,ER\n", "2",
	    "expected a metro name");
	expect_load_error(HDR "sea,Seattle,USA,47.61,-122.33,ER\n", "2",
	    "expected a two-letter country code");
	expect_load_error(HDR "sea,\"Seattle,US,47.61,-122.33,ER\n", "2",
	    "unterminated quoted field");
	expect_load_error(HDR "sea,Sea\"ttle,US,47.61,-122.33,ER\n", "2",
	    "quote inside an unquoted field");
	expect_load_error(HDR "sea,Seattle,US,47.61,-122.33,"
	    "a-source-that-is-too-long\n", "2", "expected a source");
}

static void
test_edges_missing(void **state)
{
	struct model	*m = model_new();
	char		*cause = NULL;

	(void)state;
	assert_int_equal(geo_edges_load(m, "/nonexistent/edges.csv", &cause),
	    -1);
	assert_non_null(strstr(cause, "/nonexistent/edges.csv: "));
	assert_non_null(strstr(cause, "No such file"));
	free(cause);
	model_free(m);
}

static void
test_nearest(void **state)
{
	struct model	*m = model_with_edges();
	double		 km;

	(void)state;
	/* The MaxMind test cities (locations from GeoIP2-City-Test.json). */
	assert_string_equal(nearest_code(m, 51.5142, -0.0931, &km), "lon");
	assert_near(km, 2.60, 0.05);
	assert_string_equal(nearest_code(m, 47.2513, -122.3149, &km), "sea");
	assert_near(km, 39.90, 0.05);
	assert_string_equal(nearest_code(m, 32.7203, -117.1552, &km), "lax");
	assert_near(km, 178.90, 0.05);
	assert_string_equal(nearest_code(m, 58.4167, 15.6167, &km), "sto");
	assert_string_equal(nearest_code(m, 1.336, 103.7716, &km), "sin");
	assert_string_equal(nearest_code(m, -37.8159, 144.9669, &km), "mel");
	assert_string_equal(nearest_code(m, 43.88, 125.3228, &km), "sel");
	assert_near(km, 715.36, 0.05);
	model_free(m);

	/* No edges: -1, distance 0. */
	m = model_new();
	km = 42;
	assert_int_equal(geo_nearest_edge(m, 0, 0, &km), -1);
	assert_near(km, 0, 0);
	model_free(m);
}

struct city_case {
	const char	*ip;
	const char	*city;
	const char	*country;
	double		 lat, lon;
};

static void
test_lookup_city(void **state)
{
	/* Ground truth: MaxMind-DB source-data/GeoIP2-City-Test.json. */
	static const struct city_case cases[] = {
		{ "81.2.69.142", "London", "GB", 51.5142, -0.0931 },
		{ "81.2.69.143", "London", "GB", 51.5142, -0.0931 },
		{ "216.160.83.56", "Milton", "US", 47.2513, -122.3149 },
		{ "2001:480:10::", "San Diego", "US", 32.7203, -117.1552 },
		{ "2001:480:10:ffff::1", "San Diego", "US", 32.7203,
		    -117.1552 },
		{ "89.160.20.112", "Link\xc3\xb6ping", "SE", 58.4167, 15.6167 },
		{ "175.16.199.0", "Changchun", "CN", 43.88, 125.3228 },
		{ "175.16.199.255", "Changchun", "CN", 43.88, 125.3228 },
		{ "214.0.0.0", "Singapore", "SG", 1.336, 103.7716 },
		{ "214.0.1.7", "Melbourne", "AU", -37.8159, 144.9669 },
		{ "2.2.3.1", "Boxford", "GB", 51.75, -1.25 },
		/* IPv4-mapped IPv6 goes to the IPv4 subtree. */
		{ "::ffff:81.2.69.142", "London", "GB", 51.5142, -0.0931 },
		/* Located, but without a city name. */
		{ "202.196.224.0", "", "PH", 13.0, 122.0 },
	};
	struct geo		*g;
	struct geo_result	 r;
	struct addr		 a;
	char			*city, *w = NULL;
	size_t			 i;

	(void)state;
	city = srcpath("data/geoip-test/GeoIP2-City-Test.mmdb");
	g = geo_open(city, NULL, &w);
	assert_null(w);
	for (i = 0; i < nitems(cases); i++) {
		a = parse(cases[i].ip);
		geo_lookup(g, &a, &r);
		if (!r.found)
			fail_msg("%s not found", cases[i].ip);
		assert_string_equal(r.city, cases[i].city);
		assert_string_equal(r.country, cases[i].country);
		assert_near(r.lat, cases[i].lat, 1e-6);
		assert_near(r.lon, cases[i].lon, 1e-6);
		assert_int_equal(r.asn, 0);	/* no ASN database open */
	}

	/* Not in the database. */
	a = parse("10.0.0.1");
	geo_lookup(g, &a, &r);
	assert_int_equal(r.found, 0);
	assert_string_equal(r.city, "");
	a = parse("2001:db8::1");
	geo_lookup(g, &a, &r);
	assert_int_equal(r.found, 0);
	a.af = 0;			/* an unset address */
	geo_lookup(g, &a, &r);
	assert_int_equal(r.found, 0);
	geo_lookup(NULL, &a, &r);
	assert_int_equal(r.found, 0);
	geo_close(g);
	free(city);
}

static void
test_lookup_asn(void **state)
{
	struct geo		*g;
	struct geo_result	 r;
	struct addr		 a;
	char			*asn, *w = NULL;

	(void)state;
	asn = srcpath("data/geoip-test/GeoLite2-ASN-Test.mmdb");
	g = geo_open(NULL, asn, &w);
	assert_null(w);

	/* Ground truth: MaxMind-DB source-data/GeoLite2-ASN-Test.json. */
	a = parse("1.128.0.0");
	geo_lookup(g, &a, &r);
	assert_int_equal(r.found, 0);	/* no City database */
	assert_int_equal(r.asn, 1221);
	assert_string_equal(r.asname, "Telstra Pty Ltd");

	a = parse("1.159.255.255");	/* end of 1.128.0.0/11 */
	geo_lookup(g, &a, &r);
	assert_int_equal(r.asn, 1221);

	a = parse("12.81.92.7");
	geo_lookup(g, &a, &r);
	assert_int_equal(r.asn, 7018);
	assert_string_equal(r.asname, "AT&T Services");

	a = parse("12.81.96.1");	/* number without an organisation */
	geo_lookup(g, &a, &r);
	assert_int_equal(r.asn, 7018);
	assert_string_equal(r.asname, "");

	a = parse("2001:1700::1");
	geo_lookup(g, &a, &r);
	assert_int_equal(r.asn, 6730);
	assert_string_equal(r.asname, "Sunrise Communications AG");

	a = parse("10.1.2.3");
	geo_lookup(g, &a, &r);
	assert_int_equal(r.asn, 0);
	assert_string_equal(r.asname, "");
	geo_close(g);

	/* The ASN database given as the City one: nothing is located. */
	g = geo_open(asn, NULL, &w);
	assert_null(w);
	a = parse("1.128.0.0");
	geo_lookup(g, &a, &r);
	assert_int_equal(r.found, 0);
	assert_int_equal(r.asn, 0);
	geo_close(g);
	free(asn);
}

/* Addresses for poking at damaged databases. */
static void
poke(struct geo *g, const char *file)
{
	static const char *const fixed[] = {
		"81.2.69.142", "216.160.83.56", "2001:480:10::",
		"89.160.20.112", "175.16.199.0", "214.0.0.0", "1.1.1.1",
		"1.1.1.32", "1.1.1.255", "0.0.0.0", "255.255.255.255", "::",
		"::1", "::ffff:1.1.1.1", "ffff:ffff:ffff:ffff::",
		"2001:db8::1",
	};
	struct geo_result	 r;
	struct addr		 a;
	char			 s[ADDR_STRLEN];
	size_t			 i;
	unsigned		 n;

	for (i = 0; i < nitems(fixed); i++) {
		a = parse(fixed[i]);
		geo_lookup(g, &a, &r);
		if (r.found && (!isfinite(r.lat) || !isfinite(r.lon) ||
		    fabs(r.lat) > 90 || fabs(r.lon) > 180))
			fail_msg("%s: %s: bad location", file, fixed[i]);
	}
	/* A sweep over the IPv4 space and some of IPv6. */
	for (n = 0; n < 4096; n++) {
		snprintf(s, sizeof s, "%u.%u.%u.%u", (n * 16) & 0xff,
		    n & 0xff, (n >> 4) & 0xff, (n * 7) & 0xff);
		a = parse(s);
		geo_lookup(g, &a, &r);
		if (r.found && (!isfinite(r.lat) || fabs(r.lat) > 90))
			fail_msg("%s: %s: bad location", file, s);
		snprintf(s, sizeof s, "%x:%x::%x", 0x2000 + n,
		    (n * 31) & 0xffff, n);
		a = parse(s);
		geo_lookup(g, &a, &r);
		if (r.found && (!isfinite(r.lat) || fabs(r.lat) > 90))
			fail_msg("%s: %s: bad location", file, s);
	}
}

static void
test_broken_dbs(void **state)
{
	struct geo		*g;
	struct geo_result	 r;
	struct addr		 a;
	struct dirent		*de;
	DIR			*d;
	char			*dir, *path, *w;
	size_t			 nfiles = 0, nwarn = 0;

	(void)state;
	/* A hang is a failure too: SIGALRM ends the test. */
	alarm(60);
	dir = srcpath("tests/data/geoip/broken");
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		xasprintf(&path, "%s/%s", dir, de->d_name);
		w = NULL;
		g = geo_open(path, path, &w);
		assert_non_null(g);
		if (w != NULL) {
			/* One warning per database, naming the file. */
			assert_non_null(strstr(w, path));
			assert_non_null(strstr(w, "cannot open: "));
			assert_non_null(strstr(w, "GeoIP city database"));
			assert_non_null(strstr(w, "GeoIP ASN database"));
			nwarn++;
		}
		poke(g, path);

		/* Known bad data under a real record: not found. */
		if (strstr(de->d_name, "Broken-Double-Format") != NULL) {
			assert_null(w);
			a = parse("81.2.69.142");
			geo_lookup(g, &a, &r);
			assert_int_equal(r.found, 0);
		}
		/* Opened, but has no location data at all. */
		if (strstr(de->d_name, "broken-pointers") != NULL) {
			assert_null(w);
			a = parse("1.1.1.1");
			geo_lookup(g, &a, &r);
			assert_int_equal(r.found, 0);
		}
		if (strstr(de->d_name, "Invalid-Node-Count") != NULL ||
		    strstr(de->d_name, "metadata-marker-only") != NULL ||
		    strstr(de->d_name, "invalid-bytes-length") != NULL)
			assert_non_null(w);
		geo_close(g);
		free(w);
		free(path);
		nfiles++;
	}
	closedir(d);
	free(dir);
	alarm(0);
	assert_true(nfiles >= 9);
	assert_true(nwarn >= 3);
}

static void
test_unusable_files(void **state)
{
	struct geo		*g;
	struct geo_result	 r;
	struct addr		 a;
	char			*text, *empty, *fifo, *w = NULL;
	const char		*paths[4];
	size_t			 i;

	(void)state;
	text = write_tmp("not-an-mmdb.txt", "this is not a MaxMind DB\n");
	empty = write_tmp("empty.mmdb", "");
	xasprintf(&fifo, "%s/fifo.mmdb", tmpdir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	paths[0] = "/nonexistent/GeoLite2-City.mmdb";
	paths[1] = text;
	paths[2] = empty;
	paths[3] = fifo;

	alarm(20);	/* opening a FIFO must not block */
	for (i = 0; i < nitems(paths); i++) {
		w = NULL;
		g = geo_open(paths[i], NULL, &w);
		assert_non_null(g);
		assert_non_null(w);
		assert_non_null(strstr(w, "GeoIP city database "));
		assert_non_null(strstr(w, paths[i]));
		assert_non_null(strstr(w, ": cannot open: "));
		assert_non_null(strstr(w, "; branches without a location"
		    " override show as location unknown"));
		a = parse("81.2.69.142");
		geo_lookup(g, &a, &r);
		assert_int_equal(r.found, 0);
		geo_close(g);
		free(w);
	}
	alarm(0);

	/* The missing file says why; a directory is not a database. */
	g = geo_open(paths[0], tmpdir, &w);
	assert_non_null(strstr(w, "No such file or directory"));
	assert_non_null(strstr(w, "GeoIP ASN database"));
	assert_non_null(strstr(w, "is a directory"));
	geo_close(g);
	free(w);

	/* No databases configured: no warnings, nothing found. */
	w = text;	/* must be reset */
	g = geo_open(NULL, NULL, &w);
	assert_null(w);
	geo_close(g);
	geo_close(NULL);

	unlink(text);
	unlink(empty);
	unlink(fifo);
	free(text);
	free(empty);
	free(fifo);
}

static void
test_place_branches(void **state)
{
	static const char *const london[] = { "81.2.69.142" };
	static const char *const sandiego[] = { "10.0.0.1", "2001:480:10::1" };
	static const char *const nowhere[] = { "10.0.0.1", "192.0.2.1" };
	static const char *const telstra[] = { "1.128.0.1", "175.16.199.3" };
	struct model	*m = model_with_edges();
	struct branch	*b1, *b2, *b3, *b4, *b5;
	struct geo	*g;
	char		*city, *asn, *w = NULL;

	(void)state;
	b1 = add_branch(m, "override", london, 1);
	b1->has_location = 1;
	b1->cfg_lat = 47.6062;
	b1->cfg_lon = -122.3321;
	b2 = add_branch(m, "sandiego", sandiego, 2);
	b3 = add_branch(m, "nowhere", nowhere, 2);
	b4 = add_branch(m, "changchun", telstra, 2);
	b5 = add_branch(m, "noaddr", NULL, 0);

	city = srcpath("data/geoip-test/GeoIP2-City-Test.mmdb");
	asn = srcpath("data/geoip-test/GeoLite2-ASN-Test.mmdb");
	g = geo_open(city, asn, &w);
	assert_null(w);
	m->dirty = 0;
	geo_place_branches(m, g);
	assert_true(m->dirty & DIRTY_BRANCHES);

	/* The config location wins over GeoIP (which says London). */
	assert_int_equal(b1->loc, LOC_CONFIG);
	assert_near(b1->lat, 47.6062, 1e-9);
	assert_string_equal(m->edges[b1->nearest].code, "sea");
	assert_true(b1->nearest_km < 5);
	assert_string_equal(b1->city, "");

	/* The first address that the City database locates. */
	assert_int_equal(b2->loc, LOC_GEOIP);
	assert_string_equal(b2->city, "San Diego");
	assert_string_equal(b2->country, "US");
	assert_string_equal(m->edges[b2->nearest].code, "lax");
	assert_near(b2->nearest_km, 178.90, 0.05);

	assert_int_equal(b3->loc, LOC_UNKNOWN);
	assert_int_equal(b3->nearest, -1);
	assert_string_equal(b3->city, "");

	/* Placed by the second address, named by the first. */
	assert_int_equal(b4->loc, LOC_GEOIP);
	assert_string_equal(b4->city, "Changchun");
	assert_string_equal(m->edges[b4->nearest].code, "sel");
	assert_int_equal(b4->asn, 1221);
	assert_string_equal(b4->asname, "Telstra Pty Ltd");

	assert_int_equal(b5->loc, LOC_UNKNOWN);
	assert_int_equal(b5->nearest, -1);
	geo_close(g);

	/* Without a usable database only the override places a branch. */
	g = geo_open("/nonexistent.mmdb", NULL, &w);
	assert_non_null(w);
	free(w);
	geo_place_branches(m, g);
	assert_int_equal(b1->loc, LOC_CONFIG);
	assert_int_equal(b2->loc, LOC_UNKNOWN);
	assert_int_equal(b2->nearest, -1);
	assert_string_equal(b2->city, "");
	assert_int_equal(b4->loc, LOC_UNKNOWN);
	assert_int_equal(b4->asn, 0);
	geo_close(g);

	free(city);
	free(asn);
	model_free(m);
}

static int
setup(void **state)
{
	(void)state;
	strlcpy_pt(tmpdir, "/tmp/test-geo.XXXXXX", sizeof tmpdir);
	if (mkdtemp(tmpdir) == NULL)
		return (-1);
	return (0);
}

static int
teardown(void **state)
{
	char	*p;

	(void)state;
	xasprintf(&p, "%s/quoted.csv", tmpdir);
	unlink(p);
	free(p);
	xasprintf(&p, "%s/bad.csv", tmpdir);
	unlink(p);
	free(p);
	rmdir(tmpdir);
	return (0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_edges_load),
		cmocka_unit_test(test_edges_quoting),
		cmocka_unit_test(test_edges_errors),
		cmocka_unit_test(test_edges_missing),
		cmocka_unit_test(test_nearest),
		cmocka_unit_test(test_lookup_city),
		cmocka_unit_test(test_lookup_asn),
		cmocka_unit_test(test_broken_dbs),
		cmocka_unit_test(test_unusable_files),
		cmocka_unit_test(test_place_branches),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
