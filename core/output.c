/* SPDX-License-Identifier: ISC */
/*
 * The walks of the model for every format (output.h): --once and the Q
 * snapshot through output_print(), and the helpers the back ends share.
 * Each format is one entry of outputs[]; what it writes for each object
 * is its own file's (output-text.c, output-json.c, output-csv.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/collect-bmp.h"
#include "core/latency-mon.h"
#include "core/output.h"
#include "core/rib.h"
#include "core/routemon.h"

static const struct output *const outputs[] = {
	&output_text, &output_json, &output_csv,
};

static void	output_walk_branches(struct output_ctx *,
		    const struct output *, const struct model *,
		    enum output_section);
static void	output_walk_events(struct output_ctx *,
		    const struct output *, const struct model *, size_t);
static int	output_branch_kept(const struct output_ctx *,
		    const struct branch *);
static int	output_event_kept(const struct output_ctx *,
		    const struct event *);

const struct output *
output_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < nitems(outputs); i++)
		if (strcmp(outputs[i]->name, name) == 0)
			return (outputs[i]);
	return (NULL);
}

void
output_init(struct output_ctx *ctx, FILE *f)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->f = f;
	ctx->now_mono = now_mono_ms();
	ctx->wall = now_wall_ms();
}

/*
 * The worst current condition: the model's (sessions, redundancy,
 * collectors) and the registered prefixes' route state.
 */
static enum level
output_worst(const struct model *m)
{
	enum level	 worst = model_worst(m), l;
	size_t		 i, j;

	for (i = 0; i < m->nbranches; i++) {
		for (j = 0; j < m->branches[i]->nprefixes; j++) {
			l = (enum level)routemon_flags_level(
			    m->branches[i]->prefixes[j].flags);
			if (l > worst)
				worst = l;
		}
		if ((m->branches[i]->suboptimal ||
		    m->branches[i]->lat_suboptimal) && worst < LVL_WARNING)
			worst = LVL_WARNING;
		for (j = 0; j < m->branches[i]->nlinks; j++) {
			l = m->branches[i]->links[j]->flags == 0 ? LVL_INFO :
			    (m->branches[i]->links[j]->flags & LAT_F_LOSS) &&
			    m->branches[i]->links[j]->loss_pct >= 100 ?
			    LVL_ERROR : LVL_WARNING;
			if (l > worst)
				worst = l;
		}
	}
	return (worst);
}

int
output_status(const struct model *m)
{
	switch (output_worst(m)) {
	case LVL_CRITICAL:
		return (2);
	case LVL_WARNING:
	case LVL_ERROR:
		return (1);
	default:
		return (0);
	}
}

const char *
output_status_name(const struct model *m, int lower)
{
	static const char *const upper[] = { "OK", "WARNING", "CRITICAL" };
	static const char *const low[] = { "ok", "warning", "critical" };

	return ((lower ? low : upper)[output_status(m)]);
}

const char *
output_collector_state(const struct collector *c)
{
	switch (c->state) {
	case COL_UP:
		return ("up");
	case COL_DOWN:
		return ("down");
	default:
		return ("starting");
	}
}

const char *
output_loc_name(int l)
{
	switch (l) {
	case LOC_CONFIG:
		return ("config");
	case LOC_GEOIP:
		return ("geoip");
	default:
		return ("unknown");
	}
}

/* Seconds a collector has been in its state. */
long long
output_collector_age(const struct output_ctx *ctx, const struct collector *c)
{
	return (c->state_mono == 0 ? 0 :
	    (long long)(ctx->now_mono - c->state_mono) / 1000);
}

/* The RIB views a BMP peer was seen in, "pre,post" ("-" none). */
const char *
output_bmp_kinds(unsigned int kinds, char *buf, size_t len)
{
	static const char *const names[] = {
		[RIB_PEER_ADJ_IN_PRE] = "pre",
		[RIB_PEER_ADJ_IN_POST] = "post",
		[RIB_PEER_ADJ_OUT_PRE] = "adj-out-pre",
		[RIB_PEER_ADJ_OUT_POST] = "adj-out-post",
		[RIB_PEER_LOC_RIB] = "loc-rib",
	};
	size_t	 k, used = 0;

	buf[0] = '\0';
	for (k = 0; k < sizeof names / sizeof names[0]; k++) {
		if ((kinds & (1U << k)) == 0 || used >= len)
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    used > 0 ? "," : "", names[k]);
	}
	if (buf[0] == '\0')
		strlcpy_pt(buf, "-", len);
	return (buf);
}

const char *
output_lat_flags(const struct latlink *l, char *buf, size_t len)
{
	const char	*name;
	unsigned	 bit;

	buf[0] = '\0';
	for (bit = 0; (name = latency_mon_flag_name(bit)) != NULL; bit++) {
		if (!(l->flags & (1u << bit)))
			continue;
		if (buf[0] != '\0')
			strlcpy_pt(buf + strlen(buf), ",", len - strlen(buf));
		strlcpy_pt(buf + strlen(buf), name, len - strlen(buf));
	}
	return (buf);
}

const char *
output_best_session(const struct model *m, const struct branch_prefix *bp)
{
	if (bp->best_session >= 0 && (size_t)bp->best_session < m->nsessions)
		return (m->sessions[bp->best_session]->name);
	return (NULL);
}

/*
 * Zero-width (combining marks, zero-width spaces and joiners, variation
 * selectors) and wide (East Asian Wide and Fullwidth, emoji) code point
 * ranges, after Unicode's EastAsianWidth.txt and the general category
 * Mn, in order: what a terminal gives 0 or 2 columns.
 */
static const struct {
	uint32_t	 lo, hi;
	int		 w;
} output_widths[] = {
	{ 0x0300, 0x036f, 0 }, { 0x0483, 0x0489, 0 }, { 0x0591, 0x05bd, 0 },
	{ 0x0610, 0x061a, 0 }, { 0x064b, 0x065f, 0 }, { 0x0e31, 0x0e31, 0 },
	{ 0x0e34, 0x0e3a, 0 }, { 0x0e47, 0x0e4e, 0 }, { 0x1100, 0x115f, 2 },
	{ 0x1ab0, 0x1aff, 0 }, { 0x1dc0, 0x1dff, 0 }, { 0x200b, 0x200f, 0 },
	{ 0x2060, 0x2064, 0 }, { 0x20d0, 0x20ff, 0 }, { 0x231a, 0x231b, 2 },
	{ 0x2e80, 0x303e, 2 }, { 0x3041, 0x33ff, 2 }, { 0x3400, 0x4dbf, 2 },
	{ 0x4e00, 0x9fff, 2 }, { 0xa000, 0xa4cf, 2 }, { 0xac00, 0xd7a3, 2 },
	{ 0xf900, 0xfaff, 2 }, { 0xfe00, 0xfe0f, 0 }, { 0xfe20, 0xfe2f, 0 },
	{ 0xfe30, 0xfe4f, 2 }, { 0xff00, 0xff60, 2 }, { 0xffe0, 0xffe6, 2 },
	{ 0x1f300, 0x1f64f, 2 }, { 0x1f900, 0x1f9ff, 2 },
	{ 0x20000, 0x3fffd, 2 }, { 0xe0100, 0xe01ef, 0 },
};

/* The columns code point cp takes. */
static int
output_cp_width(uint32_t cp)
{
	size_t	 lo = 0, hi = nitems(output_widths), mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (cp < output_widths[mid].lo)
			hi = mid;
		else if (cp > output_widths[mid].hi)
			lo = mid + 1;
		else
			return (output_widths[mid].w);
	}
	return (1);
}

int
output_width(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 cp;
	size_t			 len, i;
	int			 w = 0;

	while (*p != '\0') {
		len = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc0 ? 2 : 1;
		cp = len == 1 ? *p : *p & (0x7f >> len);
		for (i = 1; i < len; i++) {
			if ((p[i] & 0xc0) != 0x80)
				break;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if (i < len || *p > 0xf4 || (*p & 0xc0) == 0x80) {
			/* Not UTF-8: a byte, one column (as printed). */
			w++;
			p++;
			continue;
		}
		w += output_cp_width(cp);
		p += len;
	}
	return (w);
}

int
output_pad(const char *s, int w)
{
	return (w + (int)strlen(s) - output_width(s));
}

size_t
output_count(const struct model *m, enum output_section sec)
{
	size_t	 i, n = 0;

	switch (sec) {
	case OUT_BMP:
		for (i = 0; i < m->ncollectors; i++)
			n += m->collectors[i]->ops == &collector_bmp;
		return (n);
	case OUT_LATENCY:
		for (i = 0; i < m->nbranches; i++)
			n += m->branches[i]->nlinks;
		return (n);
	case OUT_PREFIXES:
		for (i = 0; i < m->nbranches; i++)
			n += m->branches[i]->nprefixes;
		return (n);
	case OUT_COLLECTORS:
		return (m->ncollectors);
	case OUT_PARTNERS:
		return (m->npartners);
	case OUT_SESSIONS:
		return (m->nsessions);
	case OUT_BRANCHES:
		return (m->nbranches);
	case OUT_EVENTS:
		return (m->nevents);
	}
	return (0);
}

/* The section's objects: the one place that walks the model. */
static void
output_walk(struct output_ctx *ctx, const struct output *o,
    const struct model *m, enum output_section sec, size_t nevents)
{
	const struct collector	*c;
	struct bmp_router_info	 ri;
	size_t			 i, r;

	switch (sec) {
	case OUT_COLLECTORS:
		for (i = 0; i < m->ncollectors; i++)
			o->collector(ctx, m, m->collectors[i]);
		break;
	case OUT_BMP:
		for (i = 0; i < m->ncollectors; i++) {
			c = m->collectors[i];
			if (c->ops != &collector_bmp)
				continue;
			for (r = 0; collect_bmp_router_info(c, r, &ri); r++)
				o->bmp_router(ctx, c, r, &ri);
		}
		break;
	case OUT_PARTNERS:
		for (i = 0; i < m->npartners; i++)
			o->partner(ctx, m->partners[i]);
		break;
	case OUT_SESSIONS:
		for (i = 0; i < m->nsessions; i++)
			o->session(ctx, m, m->sessions[i]);
		break;
	case OUT_BRANCHES:
		for (i = 0; i < m->nbranches; i++)
			if (output_branch_kept(ctx, m->branches[i]))
				o->branch(ctx, m, m->branches[i]);
		break;
	case OUT_LATENCY:
	case OUT_PREFIXES:
		output_walk_branches(ctx, o, m, sec);
		break;
	case OUT_EVENTS:
		output_walk_events(ctx, o, m, nevents);
		break;
	}
}

static void
output_walk_branches(struct output_ctx *ctx, const struct output *o,
    const struct model *m, enum output_section sec)
{
	const struct branch	*b;
	size_t			 i, j;

	for (i = 0; i < m->nbranches; i++) {
		b = m->branches[i];
		if (!output_branch_kept(ctx, b))
			continue;
		if (sec == OUT_LATENCY)
			for (j = 0; j < b->nlinks; j++)
				o->latency(ctx, m, b, b->links[j]);
		else
			for (j = 0; j < b->nprefixes; j++)
				o->prefix(ctx, m, b, &b->prefixes[j]);
	}
}

static void
output_walk_events(struct output_ctx *ctx, const struct output *o,
    const struct model *m, size_t nevents)
{
	size_t	 i, first;

	first = m->nevents > nevents ? m->nevents - nevents : 0;
	if (o->flags & OUTPUT_NEWEST_FIRST) {
		for (i = m->nevents; i-- > first; )
			if (output_event_kept(ctx, model_event(m, i)))
				o->event(ctx, model_event(m, i));
	} else {
		for (i = first; i < m->nevents; i++)
			if (output_event_kept(ctx, model_event(m, i)))
				o->event(ctx, model_event(m, i));
	}
}

static int
output_branch_kept(const struct output_ctx *ctx, const struct branch *b)
{
	const struct output_filter	*f = ctx->filter;

	return (f == NULL || f->branch == NULL ||
	    strcmp(f->branch, b->name) == 0);
}

static int
output_event_kept(const struct output_ctx *ctx, const struct event *ev)
{
	const struct output_filter	*f = ctx->filter;

	if (f == NULL)
		return (1);
	return (ev->time_ms >= f->since_ms && ev->level >= f->level &&
	    (!f->open || EVENT_OPEN(ev)));
}

void
output_print(const struct output *o, FILE *f, const struct model *m,
    size_t nevents)
{
	unsigned	 all = OUT_BIT(OUT_EVENTS + 1) - 1;

	if (o->flags & OUTPUT_NESTED)
		all &= ~(OUT_BIT(OUT_LATENCY) | OUT_BIT(OUT_PREFIXES));
	output_print_sections(o, f, m, all, NULL, nevents);
}

void
output_print_sections(const struct output *o, FILE *f, const struct model *m,
    unsigned sections, const struct output_filter *filter, size_t nevents)
{
	struct output_ctx	 ctx;
	enum output_section	 sec;

	output_init(&ctx, f);
	ctx.filter = filter;
	if (m->replay_ms != 0)
		ctx.wall = m->replay_ms;
	o->header(&ctx, m);
	for (sec = OUT_COLLECTORS; sec <= OUT_EVENTS; sec++) {
		if ((sections & OUT_BIT(sec)) == 0)
			continue;
		/* Asked for alone, nested objects say whose they are. */
		ctx.flat = (o->flags & OUTPUT_NESTED) &&
		    (sec == OUT_LATENCY || sec == OUT_PREFIXES);
		o->section(&ctx, m, sec);
		output_walk(&ctx, o, m, sec, nevents);
		if (o->section_end != NULL)
			o->section_end(&ctx, m, sec);
	}
	if (o->tail != NULL)
		o->tail(&ctx, m);
}

void
output_feed_begin(const struct output *o, struct output_ctx *ctx)
{
	if (o->feed_begin != NULL)
		o->feed_begin(ctx);
}

void
output_feed_event(const struct output *o, struct output_ctx *ctx,
    const struct event *ev)
{
	o->feed_event(ctx, ev);
}

void
output_feed_end(const struct output *o, struct output_ctx *ctx,
    const struct output_feed *fd)
{
	if (o->feed_end != NULL)
		o->feed_end(ctx, fd);
}
