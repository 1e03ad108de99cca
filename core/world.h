/* SPDX-License-Identifier: ISC */
/*
 * The shipped world map (data/world.map): Natural Earth 1:110m land
 * outlines as polylines of lon/lat points, in a small text format
 * converted once from GeoJSON by data/mkworld.py (see data/README).
 * Loaded by core, drawn by tui/view-map.c.
 *
 * The format, one item per line:
 *
 *	# comment		ignored, as are blank lines
 *	L n			a polyline of n points follows (2 <= n)
 *	lon lat			n lines of decimal degrees, e.g. "-3.19 55.95"
 *
 * Numbers are plain decimals ("-180" to "180", "-90" to "90"), at most
 * WORLD_DECIMALS digits after the point, parsed without the C locale so
 * a decimal comma locale cannot change them.  Land rings are closed
 * (first point == last point) but the loader does not require it.
 */
#ifndef PEERTOP_WORLD_H
#define PEERTOP_WORLD_H

#include <stddef.h>

#define WORLD_LINE_MAX		128	/* bytes per text line */
#define WORLD_LINES_MAX		65536	/* polylines per file */
#define WORLD_POINTS_MAX	100000	/* points per polyline */
#define WORLD_TOTAL_MAX		2000000	/* points per file */
#define WORLD_DECIMALS		6

struct world_point {
	float	lon, lat;
};

struct world_line {
	struct world_point *pts;
	size_t		 npts;
	float		 minlon, minlat, maxlon, maxlat;	/* bbox */
};

struct world {
	struct world_line *lines;
	size_t		 nlines;
	size_t		 npoints;	/* over all lines */
};

/*
 * Load a map file.  NULL and *cause (malloc'd, "path:line: what was
 * expected") on error.  The caller owns the result: world_free().
 */
struct world	*world_load(const char *path, char **cause);
/* The same from a buffer; name is used in messages. */
struct world	*world_parse(const char *name, const char *buf, size_t len,
		    char **cause);
void		 world_free(struct world *);

#endif
