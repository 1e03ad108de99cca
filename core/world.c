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

/* Parser state: where we are, for error messages, and the open polyline. */
struct world_ctx {
	const char		*name;
	size_t			 lineno;
	char			**cause;
	struct world_line	*wl;		/* the polyline being read */
	size_t			 want;		/* its points still to come */
	size_t			 cap;		/* its points allocated */
	size_t			 header;	/* its "L n" line */
	size_t			 alloc_lines;	/* w->lines allocated */
};

static int	world_error(struct world_ctx *, const char *, ...)
		    printflike(2, 3);
static void	world_skip_space(struct world_cur *);
static int	world_get_uint(struct world_cur *, size_t, size_t *);
static int	world_get_deg(struct world_cur *, double, float *);
static void	world_line_finish(struct world_line *);
static int	world_next_line(struct world_ctx *, const char **,
		    const char *, struct world_cur *);
static int	world_header(struct world_ctx *, struct world_cur *,
		    struct world *);
static int	world_point(struct world_ctx *, struct world_cur *,
		    struct world *);

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

/*
 * Cut the next text line out of [*pp, end) into c and check it: 1 if it
 * holds something, 0 if it is blank or a comment, -1 on an error.
 */
static int
world_next_line(struct world_ctx *ctx, const char **pp, const char *end,
    struct world_cur *c)
{
	const char	*nl;

	ctx->lineno++;
	nl = memchr(*pp, '\n', (size_t)(end - *pp));
	c->p = *pp;
	c->end = (nl != NULL) ? nl : end;
	*pp = (nl != NULL) ? nl + 1 : end;
	if (c->end > c->p && c->end[-1] == '\r')
		c->end--;
	if ((size_t)(c->end - c->p) > WORLD_LINE_MAX)
		return (world_error(ctx, "line longer than %d bytes",
		    WORLD_LINE_MAX));
	if (memchr(c->p, '\0', (size_t)(c->end - c->p)) != NULL)
		return (world_error(ctx, "NUL byte in text"));
	world_skip_space(c);
	if (c->p == c->end || *c->p == '#')
		return (0);
	return (1);
}

/* Between polylines: "L n" opens a new, empty polyline of n points. */
static int
world_header(struct world_ctx *ctx, struct world_cur *c, struct world *w)
{
	size_t	 n;

	if (*c->p != 'L' || c->p + 1 >= c->end ||
	    (c->p[1] != ' ' && c->p[1] != '\t'))
		return (world_error(ctx, "expected \"L count\""));
	c->p++;
	world_skip_space(c);
	if (world_get_uint(c, WORLD_POINTS_MAX, &n) != 0)
		return (world_error(ctx, "expected a point count from 2 to %d",
		    WORLD_POINTS_MAX));
	world_skip_space(c);
	if (c->p != c->end)
		return (world_error(ctx, "expected end of line after the "
		    "point count"));
	if (n < 2)
		return (world_error(ctx, "expected a point count from 2 to %d",
		    WORLD_POINTS_MAX));
	if (w->nlines >= WORLD_LINES_MAX)
		return (world_error(ctx, "more than %d polylines",
		    WORLD_LINES_MAX));
	if (w->npoints + n > WORLD_TOTAL_MAX)
		return (world_error(ctx, "more than %d points in all",
		    WORLD_TOTAL_MAX));
	if (w->nlines == ctx->alloc_lines) {
		ctx->alloc_lines = ctx->alloc_lines ? ctx->alloc_lines * 2 : 64;
		w->lines = xreallocarray(w->lines, ctx->alloc_lines,
		    sizeof *w->lines);
	}
	ctx->wl = &w->lines[w->nlines++];
	memset(ctx->wl, 0, sizeof *ctx->wl);
	/*
	 * Points are added as they are read, so a header that lies about
	 * its count costs no memory.
	 */
	ctx->wl->pts = NULL;
	ctx->cap = 0;
	ctx->want = n;
	ctx->header = ctx->lineno;
	return (0);
}

/* Inside a polyline: "lon lat" adds a point to the open polyline. */
static int
world_point(struct world_ctx *ctx, struct world_cur *c, struct world *w)
{
	struct world_line	*wl = ctx->wl;
	float			 lon, lat;

	if (world_get_deg(c, 180.0, &lon) != 0)
		return (world_error(ctx, "expected a longitude (-180 to 180) "
		    "then a latitude"));
	world_skip_space(c);
	if (world_get_deg(c, 90.0, &lat) != 0)
		return (world_error(ctx, "expected a latitude (-90 to 90) "
		    "after the longitude"));
	world_skip_space(c);
	if (c->p != c->end)
		return (world_error(ctx, "expected end of line after "
		    "\"lon lat\""));
	/* Grow by doubling, never beyond the header's count. */
	if (wl->npts == ctx->cap) {
		ctx->cap = ctx->cap ? ctx->cap * 2 : 16;
		if (ctx->cap > wl->npts + ctx->want)
			ctx->cap = wl->npts + ctx->want;
		wl->pts = xreallocarray(wl->pts, ctx->cap, sizeof *wl->pts);
	}
	wl->pts[wl->npts].lon = lon;
	wl->pts[wl->npts].lat = lat;
	wl->npts++;
	w->npoints++;
	if (--ctx->want == 0)
		world_line_finish(wl);
	return (0);
}

struct world *
world_parse(const char *name, const char *buf, size_t len, char **cause)
{
	struct world_ctx	 ctx;
	struct world		*w;
	struct world_cur	 c;
	const char		*p = buf, *end = buf + len;
	int			 rv;

	memset(&ctx, 0, sizeof ctx);
	ctx.name = name;
	ctx.cause = cause;
	if (cause != NULL)
		*cause = NULL;
	w = xcalloc(1, sizeof *w);

	while (p < end) {
		if ((rv = world_next_line(&ctx, &p, end, &c)) == 0)
			continue;
		if (rv == -1)
			goto fail;
		if (ctx.want == 0)
			rv = world_header(&ctx, &c, w);
		else
			rv = world_point(&ctx, &c, w);
		if (rv != 0)
			goto fail;
	}

	if (ctx.lineno == 0)
		ctx.lineno = 1;		/* an empty file: point at line 1 */
	if (ctx.want != 0) {
		world_error(&ctx, "unexpected end of file: the polyline "
		    "at line %zu needs %zu more points", ctx.header, ctx.want);
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
