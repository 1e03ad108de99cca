/* SPDX-License-Identifier: ISC */
/*
 * The world map loader: reads data/world.map (format in world.h) into
 * polylines with a bounding box each, so the map view can skip lines
 * outside its window without touching their points.  Parsing is strict
 * and bounded: every text line is checked against WORLD_LINE_MAX, every
 * count against the WORLD_*_MAX limits, every number by hand (no strtod,
 * whose decimal point follows LC_NUMERIC), and each error names the file
 * and line.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/world.h"

#define WORLD_FILE_MAX	(16 * 1024 * 1024)	/* bytes */

/* A cursor over one text line: [p, end). */
struct world_cur {
	const char	*p;
	const char	*end;
};

/* Parser state, for error messages. */
struct world_ctx {
	const char	*name;
	size_t		 lineno;
	char		**cause;
};

static int	world_error(struct world_ctx *, const char *, ...)
		    printflike(2, 3);
static void	world_skip_space(struct world_cur *);
static int	world_get_uint(struct world_cur *, size_t, size_t *);
static int	world_get_deg(struct world_cur *, double, float *);
static void	world_line_finish(struct world_line *);

static int
world_error(struct world_ctx *ctx, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	if (ctx->cause != NULL)
		xasprintf(ctx->cause, "%s:%zu: %s", ctx->name, ctx->lineno,
		    msg);
	free(msg);
	return (-1);
}

static void
world_skip_space(struct world_cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

/* An unsigned decimal no larger than max.  -1 on syntax or overflow. */
static int
world_get_uint(struct world_cur *c, size_t max, size_t *out)
{
	size_t	v = 0;
	int	digits = 0;

	while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
		if (v > (max - (size_t)(*c->p - '0')) / 10)
			return (-1);
		v = v * 10 + (size_t)(*c->p - '0');
		c->p++;
		digits++;
	}
	if (digits == 0)
		return (-1);
	*out = v;
	return (0);
}

/*
 * A signed decimal in [-limit, limit] with at most WORLD_DECIMALS
 * fractional digits: [-]digits[.digits].  Parsed as an integer count of
 * millionths so that rounding cannot creep in before the range check.
 */
static int
world_get_deg(struct world_cur *c, double limit, float *out)
{
	long long	 ipart = 0, frac = 0, scale = 1;
	int		 neg = 0, idigits = 0, fdigits = 0;
	double		 v;

	if (c->p < c->end && (*c->p == '-' || *c->p == '+')) {
		neg = (*c->p == '-');
		c->p++;
	}
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
		if (++idigits > 3)
			return (-1);	/* no degree value needs 4 digits */
		ipart = ipart * 10 + (*c->p - '0');
		c->p++;
	}
	if (c->p < c->end && *c->p == '.') {
		c->p++;
		while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
			if (++fdigits > WORLD_DECIMALS)
				return (-1);
			frac = frac * 10 + (*c->p - '0');
			scale *= 10;
			c->p++;
		}
		if (fdigits == 0)
			return (-1);	/* "12." */
	}
	if (idigits == 0 && fdigits == 0)
		return (-1);
	/* The number must end at a space or the end of the line. */
	if (c->p < c->end && *c->p != ' ' && *c->p != '\t')
		return (-1);

	v = (double)ipart + (double)frac / (double)scale;
	if (v > limit)
		return (-1);
	*out = (float)(neg ? -v : v);
	return (0);
}

/* Compute the bounding box of a completed polyline. */
static void
world_line_finish(struct world_line *wl)
{
	size_t	i;

	wl->minlon = wl->maxlon = wl->pts[0].lon;
	wl->minlat = wl->maxlat = wl->pts[0].lat;
	for (i = 1; i < wl->npts; i++) {
		if (wl->pts[i].lon < wl->minlon)
			wl->minlon = wl->pts[i].lon;
		if (wl->pts[i].lon > wl->maxlon)
			wl->maxlon = wl->pts[i].lon;
		if (wl->pts[i].lat < wl->minlat)
			wl->minlat = wl->pts[i].lat;
		if (wl->pts[i].lat > wl->maxlat)
			wl->maxlat = wl->pts[i].lat;
	}
}

struct world *
world_parse(const char *name, const char *buf, size_t len, char **cause)
{
	struct world_ctx	 ctx = { name, 0, cause };
	struct world		*w;
	struct world_line	*wl = NULL;
	struct world_cur	 c;
	const char		*p = buf, *end = buf + len, *nl;
	size_t			 want = 0, alloc_lines = 0, n, header = 0;
	size_t			 cap = 0;
	float			 lon, lat;

	if (cause != NULL)
		*cause = NULL;
	w = xcalloc(1, sizeof *w);

	while (p < end) {
		ctx.lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		c.p = p;
		c.end = (nl != NULL) ? nl : end;
		p = (nl != NULL) ? nl + 1 : end;
		if (c.end > c.p && c.end[-1] == '\r')
			c.end--;
		if ((size_t)(c.end - c.p) > WORLD_LINE_MAX) {
			world_error(&ctx, "line longer than %d bytes",
			    WORLD_LINE_MAX);
			goto fail;
		}
		if (memchr(c.p, '\0', (size_t)(c.end - c.p)) != NULL) {
			world_error(&ctx, "NUL byte in text");
			goto fail;
		}
		world_skip_space(&c);
		if (c.p == c.end || *c.p == '#')
			continue;

		if (want == 0) {
			/* Between polylines: "L n". */
			if (*c.p != 'L' || c.p + 1 >= c.end ||
			    (c.p[1] != ' ' && c.p[1] != '\t')) {
				world_error(&ctx, "expected \"L count\"");
				goto fail;
			}
			c.p++;
			world_skip_space(&c);
			if (world_get_uint(&c, WORLD_POINTS_MAX, &n) != 0) {
				world_error(&ctx, "expected a point count "
				    "from 2 to %d", WORLD_POINTS_MAX);
				goto fail;
			}
			world_skip_space(&c);
			if (c.p != c.end) {
				world_error(&ctx, "expected end of line "
				    "after the point count");
				goto fail;
			}
			if (n < 2) {
				world_error(&ctx, "expected a point count "
				    "from 2 to %d", WORLD_POINTS_MAX);
				goto fail;
			}
			if (w->nlines >= WORLD_LINES_MAX) {
				world_error(&ctx, "more than %d polylines",
				    WORLD_LINES_MAX);
				goto fail;
			}
			if (w->npoints + n > WORLD_TOTAL_MAX) {
				world_error(&ctx, "more than %d points in all",
				    WORLD_TOTAL_MAX);
				goto fail;
			}
			if (w->nlines == alloc_lines) {
				alloc_lines = alloc_lines ? alloc_lines * 2 :
				    64;
				w->lines = xreallocarray(w->lines,
				    alloc_lines, sizeof *w->lines);
			}
			wl = &w->lines[w->nlines++];
			memset(wl, 0, sizeof *wl);
			/*
			 * Points are added as they are read, so a header
			 * that lies about its count costs no memory.
			 */
			wl->pts = NULL;
			cap = 0;
			want = n;
			header = ctx.lineno;
			continue;
		}

		/* Inside a polyline: "lon lat". */
		if (world_get_deg(&c, 180.0, &lon) != 0) {
			world_error(&ctx, "expected a longitude "
			    "(-180 to 180) then a latitude");
			goto fail;
		}
		world_skip_space(&c);
		if (world_get_deg(&c, 90.0, &lat) != 0) {
			world_error(&ctx, "expected a latitude (-90 to 90) "
			    "after the longitude");
			goto fail;
		}
		world_skip_space(&c);
		if (c.p != c.end) {
			world_error(&ctx, "expected end of line after "
			    "\"lon lat\"");
			goto fail;
		}
		/* Grow by doubling, never beyond the header's count. */
		if (wl->npts == cap) {
			cap = cap ? cap * 2 : 16;
			if (cap > wl->npts + want)
				cap = wl->npts + want;
			wl->pts = xreallocarray(wl->pts, cap, sizeof *wl->pts);
		}
		wl->pts[wl->npts].lon = lon;
		wl->pts[wl->npts].lat = lat;
		wl->npts++;
		w->npoints++;
		if (--want == 0)
			world_line_finish(wl);
	}

	if (ctx.lineno == 0)
		ctx.lineno = 1;		/* an empty file: point at line 1 */
	if (want != 0) {
		world_error(&ctx, "unexpected end of file: the polyline "
		    "at line %zu needs %zu more points", header, want);
		goto fail;
	}
	if (w->nlines == 0) {
		world_error(&ctx, "no polylines (expected \"L count\")");
		goto fail;
	}
	return (w);

fail:
	world_free(w);
	return (NULL);
}

struct world *
world_load(const char *path, char **cause)
{
	struct world	*w;
	FILE		*f;
	char		*buf;
	size_t		 len = 0, n, alloc = 64 * 1024;

	if (cause != NULL)
		*cause = NULL;
	if ((f = fopen(path, "r")) == NULL) {
		if (cause != NULL)
			xasprintf(cause, "%s: %s", path, strerror(errno));
		return (NULL);
	}
	buf = xmalloc(alloc);
	for (;;) {
		if (len == alloc) {
			if (alloc >= WORLD_FILE_MAX) {
				if (cause != NULL)
					xasprintf(cause, "%s: larger than %d "
					    "bytes", path, WORLD_FILE_MAX);
				goto fail;
			}
			alloc *= 2;
			buf = xreallocarray(buf, alloc, 1);
		}
		n = fread(buf + len, 1, alloc - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		if (cause != NULL)
			xasprintf(cause, "%s: read error", path);
		goto fail;
	}
	fclose(f);
	w = world_parse(path, buf, len, cause);
	free(buf);
	return (w);

fail:
	fclose(f);
	free(buf);
	return (NULL);
}

void
world_free(struct world *w)
{
	size_t	i;

	if (w == NULL)
		return;
	for (i = 0; i < w->nlines; i++)
		free(w->lines[i].pts);
	free(w->lines);
	free(w);
}
