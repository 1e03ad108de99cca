/* SPDX-License-Identifier: ISC */
/*
 * The configuration's latency keywords (peertop.conf(5)): the "latency"
 * block (window, thresholds, retention), the prober's defaults ("probe"
 * block), a branch's "probe" and "latency" lines, the "prometheus"
 * collector, the "ingest" endpoint agents push to, and the "agent" block
 * peertop agent reads.  Same rules as config.c: a table per context,
 * every value checked with its range in the message, nothing given twice.
 */

#include <sys/types.h>

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/collector.h"
#include "core/config-private.h"
#include "core/model.h"
#include "core/latency-probe.h"
#include "core/util.h"

#define LAT_DELAY_MAX_MS	(60 * 1000)		/* an RTT bound */
#define LAT_WINDOW_MAX_MS	(24 * 3600 * 1000)
#define LAT_KEEP_MAX_MS		((int64_t)3650 * 86400 * 1000)
#define PROBE_INTERVAL_MIN_MS	10
#define PROBE_INTERVAL_MAX_MS	(3600 * 1000)
#define PROBE_PER_BRANCH_MAX	64
#define PROM_PORT_DEFAULT	9090
#define INGEST_PORT_DEFAULT	8425
#define AGENT_BUFFER_MAX	10000000
#define AGENT_BATCH_MAX		10000	/* INGEST_SAMPLES_MAX */
#define INGEST_BODY_MAX		(64 * 1024 * 1024)
#define INGEST_CONNS_MAX	10000	/* as latency-ingest.h */

/* A block or option list being read: which keywords were seen. */
struct lat_ctx {
	void		*obj;		/* what the keywords fill */
	const char	*where;		/* "latency", "probe", ... for messages */
	unsigned	 seen;
};

/* Keyword given twice in ctx? Else mark it. */
static int
cfg_once(struct parser *p, const struct loc *kw, struct lat_ctx *ctx,
    unsigned bit, const char *word)
{
	if (ctx->seen & bit)
		return (cfg_lex_error(&p->lx, kw, "%s given twice for %s",
		    word, ctx->where));
	ctx->seen |= bit;
	return (0);
}

/* "5%" or "5" or "0.5%": a percentage above 0 and at most 100. */
static int
cfg_percent(struct parser *p, const char *word, double *out)
{
	struct token	*t;
	char		 buf[16], q[CFG_LEX_QUOTE_LEN], what[64], *end;
	size_t		 n;
	double		 v = -1;

	snprintf(what, sizeof what, "a percentage after %s", word);
	if (cfg_lex_value(&p->lx, &t, what) == -1)
		return (-1);
	n = strlen(t->text);
	if (n > 0 && t->text[n - 1] == '%')
		n--;
	if (t->type == TOK_WORD && n > 0 && n < sizeof buf &&
	    strspn(t->text, "0123456789.") >= n) {
		memcpy(buf, t->text, n);
		buf[n] = '\0';
		v = strtod(buf, &end);
		if (*end != '\0')
			v = -1;
	}
	if (!(v > 0 && v <= 100))
		return (cfg_lex_error(&p->lx, &t->loc, "bad %s \"%s\": expected "
		    "a percentage above 0 and at most 100, e.g. 5%%", word,
		    cfg_lex_quote(t->text, q, sizeof q)));
	*out = v;
	return (0);
}

/* ---- Thresholds: shared by the latency block and a branch's line. ---- */

#define SEEN_HIGH	0x01
#define SEEN_LOSS	0x02
#define SEEN_SHIFT	0x04

static int
cfg_th_high(struct parser *p, const struct loc *kw, void *arg)
{
	struct lat_ctx		*ctx = arg;
	struct lat_thresholds	*th = ctx->obj;

	if (cfg_once(p, kw, ctx, SEEN_HIGH, "high") == -1 ||
	    cfg_span(p, "high", 1, LAT_DELAY_MAX_MS, &th->high_us) == -1)
		return (-1);
	th->high_us *= 1000;
	return (0);
}

static int
cfg_th_loss(struct parser *p, const struct loc *kw, void *arg)
{
	struct lat_ctx		*ctx = arg;
	struct lat_thresholds	*th = ctx->obj;

	if (cfg_once(p, kw, ctx, SEEN_LOSS, "loss") == -1)
		return (-1);
	return (cfg_percent(p, "loss", &th->loss_pct));
}

static int
cfg_th_shift(struct parser *p, const struct loc *kw, void *arg)
{
	struct lat_ctx		*ctx = arg;
	struct lat_thresholds	*th = ctx->obj;

	if (cfg_once(p, kw, ctx, SEEN_SHIFT, "shift") == -1 ||
	    cfg_span(p, "shift", 1, LAT_DELAY_MAX_MS, &th->shift_us) == -1)
		return (-1);
	th->shift_us *= 1000;
	return (0);
}

static const struct keyword cfg_th_keywords[] = {
	{ "high", cfg_th_high },
	{ "loss", cfg_th_loss },
	{ "shift", cfg_th_shift },
	{ NULL, NULL }
};

/* ---- latency { window recent margin keep high loss shift max-samples }
 * ---- */

#define SEEN_WINDOW	0x10
#define SEEN_RECENT	0x20
#define SEEN_MARGIN	0x40
#define SEEN_KEEP_RAW	0x80
#define SEEN_KEEP_MIN	0x100
#define SEEN_KEEP_HOUR	0x200
#define SEEN_MAX_SAMPLES 0x400
#define LAT_SAMPLES_MAX	1000000		/* max-samples: 16 MB a link */

static int
cfg_lat_window(struct parser *p, const struct loc *kw, void *arg)
{
	struct lat_ctx	*ctx = arg;

	if (cfg_once(p, kw, ctx, SEEN_WINDOW, "window") == -1)
		return (-1);
	return (cfg_span(p, "window", 1000, LAT_WINDOW_MAX_MS,
	    &p->m->lat.window_ms));
}

static int
cfg_lat_recent(struct parser *p, const struct loc *kw, void *arg)
{
	struct lat_ctx	*ctx = arg;

	if (cfg_once(p, kw, ctx, SEEN_RECENT, "recent") == -1)
		return (-1);
	return (cfg_span(p, "recent", 1000, LAT_WINDOW_MAX_MS,
	    &p->m->lat.shift_ms));
}

static int
cfg_lat_margin(struct parser *p, const struct loc *kw, void *arg)
{
	struct lat_ctx	*ctx = arg;

	if (cfg_once(p, kw, ctx, SEEN_MARGIN, "margin") == -1)
		return (-1);
	if (cfg_span(p, "margin", 1, LAT_DELAY_MAX_MS, &p->m->lat.margin_us) ==
	    -1)
		return (-1);
	p->m->lat.margin_us *= 1000;
	return (0);
}

/* keep samples|minutes|hours DURATION: the history's retention. */
static int
cfg_lat_keep(struct parser *p, const struct loc *kw, void *arg)
{
	static const struct {
		const char	*word;
		const char	*what;		/* in messages */
		unsigned	 seen;
		int64_t		 min_ms;
		size_t		 off;		/* in struct lat_conf */
	} keeps[] = {
		{ "samples", "keep samples", SEEN_KEEP_RAW, 60000,
		  offsetof(struct lat_conf, keep_raw_ms) },
		{ "minutes", "keep minutes", SEEN_KEEP_MIN, 60000,
		  offsetof(struct lat_conf, keep_minute_ms) },
		{ "hours", "keep hours", SEEN_KEEP_HOUR, 3600000,
		  offsetof(struct lat_conf, keep_hour_ms) },
	};
	struct lat_ctx	*ctx = arg;
	struct token	*t;
	char		 d[CFG_LEX_DESCRIBE_LEN];
	size_t		 i;

	if (cfg_lex_next(&p->lx, &t) == -1)
		return (-1);
	for (i = 0; t->type == TOK_WORD && i < nitems(keeps); i++) {
		if (strcmp(t->text, keeps[i].word) != 0)
			continue;
		if (cfg_once(p, kw, ctx, keeps[i].seen, keeps[i].what) == -1)
			return (-1);
		return (cfg_span(p, keeps[i].what, keeps[i].min_ms,
		    LAT_KEEP_MAX_MS,
		    (int64_t *)((char *)&p->m->lat + keeps[i].off)));
	}
	return (cfg_lex_error(&p->lx, &t->loc, "expected samples, minutes or "
	    "hours after keep, got %s", cfg_lex_describe(t, d, sizeof d)));
}

/* The cap on what one link's live window holds (latency-mon.c). */
static int
cfg_lat_max_samples(struct parser *p, const struct loc *kw, void *arg)
{
	struct lat_ctx	*ctx = arg;
	unsigned long	 v;

	if (cfg_once(p, kw, ctx, SEEN_MAX_SAMPLES, "max-samples") == -1 ||
	    cfg_number(p, "max-samples", 16, LAT_SAMPLES_MAX, &v) == -1)
		return (-1);
	p->m->lat.max_samples = (unsigned)v;
	return (0);
}

static const struct keyword cfg_latency_keywords[] = {
	{ "window", cfg_lat_window },
	{ "recent", cfg_lat_recent },
	{ "margin", cfg_lat_margin },
	{ "keep", cfg_lat_keep },
	{ "max-samples", cfg_lat_max_samples },
	{ "high", cfg_th_high },
	{ "loss", cfg_th_loss },
	{ "shift", cfg_th_shift },
	{ NULL, NULL }
};

int
cfg_latency(struct parser *p, const struct loc *kw, void *arg CFG_UNUSED)
{
	struct lat_ctx	 ctx;
	struct token	*close;

	if (p->blocks & CFG_BLOCK_LATENCY)
		return (cfg_lex_error(&p->lx, kw, "latency block given twice"));
	p->blocks |= CFG_BLOCK_LATENCY;
	memset(&ctx, 0, sizeof ctx);
	ctx.obj = &p->m->lat.th;
	ctx.where = "latency";
	if (cfg_lex_expect(&p->lx, TOK_LBRACE, NULL, "latency") == -1)
		return (-1);
	return (cfg_block(p, cfg_latency_keywords, &ctx, "latency", &close));
}

/* ---- probe { interval timeout size socket user } ---- */

#define SEEN_INTERVAL	0x01
#define SEEN_TIMEOUT	0x02
#define SEEN_SIZE	0x04
#define SEEN_SOCKET	0x08
#define SEEN_USER	0x10
#define SEEN_TCP	0x20

/* interval/timeout/size into a probe_conf (a branch's probe or the
 * defaults, which share the fields' meaning). */
static int
cfg_pr_interval(struct parser *p, const struct loc *kw, void *arg)
{
	struct lat_ctx		*ctx = arg;
	struct probe_conf	*pc = ctx->obj;
	int64_t			 v;

	if (cfg_once(p, kw, ctx, SEEN_INTERVAL, "interval") == -1 ||
	    cfg_span(p, "interval", PROBE_INTERVAL_MIN_MS,
	    PROBE_INTERVAL_MAX_MS, &v) == -1)
		return (-1);
	pc->interval_ms = (unsigned)v;
	return (0);
}

static int
cfg_pr_timeout(struct parser *p, const struct loc *kw, void *arg)
{
	struct lat_ctx		*ctx = arg;
	struct probe_conf	*pc = ctx->obj;
	int64_t			 v;

	if (cfg_once(p, kw, ctx, SEEN_TIMEOUT, "timeout") == -1 ||
	    cfg_span(p, "timeout", PROBE_INTERVAL_MIN_MS, LAT_DELAY_MAX_MS,
	    &v) == -1)
		return (-1);
	pc->timeout_ms = (unsigned)v;
	return (0);
}

static int
cfg_pr_size(struct parser *p, const struct loc *kw, void *arg)
{
	struct lat_ctx		*ctx = arg;
	struct probe_conf	*pc = ctx->obj;
	unsigned long		 v;

	if (cfg_once(p, kw, ctx, SEEN_SIZE, "size") == -1 ||
	    cfg_number(p, "size", 8, PROBE_SIZE_MAX, &v) == -1)
		return (-1);
	pc->size = (unsigned)v;
	return (0);
}

static int
cfg_pr_socket(struct parser *p, const struct loc *kw, void *arg)
{
	struct lat_ctx	*ctx = arg;
	struct token	*t;
	char		 q[CFG_LEX_QUOTE_LEN];

	if (cfg_once(p, kw, ctx, SEEN_SOCKET, "socket") == -1 ||
	    cfg_lex_value(&p->lx, &t, "auto, datagram or raw after socket") ==
	    -1)
		return (-1);
	if (strcmp(t->text, "auto") == 0)
		p->m->lat.sockmode = PROBE_SOCK_AUTO;
	else if (strcmp(t->text, "datagram") == 0)
		p->m->lat.sockmode = PROBE_SOCK_DGRAM;
	else if (strcmp(t->text, "raw") == 0)
		p->m->lat.sockmode = PROBE_SOCK_RAW;
	else
		return (cfg_lex_error(&p->lx, &t->loc, "bad socket \"%s\": "
		    "expected auto, datagram or raw", cfg_lex_quote(t->text, q,
		    sizeof q)));
	return (0);
}

static int
cfg_pr_user(struct parser *p, const struct loc *kw, void *arg)
{
	struct lat_ctx	*ctx = arg;

	if (cfg_once(p, kw, ctx, SEEN_USER, "user") == -1)
		return (-1);
	return (cfg_string(p, "user", p->m->lat.user, sizeof p->m->lat.user));
}

static const struct keyword cfg_probe_keywords[] = {
	{ "interval", cfg_pr_interval },
	{ "timeout", cfg_pr_timeout },
	{ "size", cfg_pr_size },
	{ "socket", cfg_pr_socket },
	{ "user", cfg_pr_user },
	{ NULL, NULL }
};

int
cfg_probe(struct parser *p, const struct loc *kw, void *arg CFG_UNUSED)
{
	struct lat_conf		*lc = &p->m->lat;
	struct probe_conf	 defaults;
	struct lat_ctx		 ctx;
	struct token		*close;

	if (p->blocks & CFG_BLOCK_PROBE)
		return (cfg_lex_error(&p->lx, kw, "probe block given twice"));
	p->blocks |= CFG_BLOCK_PROBE;
	memset(&defaults, 0, sizeof defaults);
	memset(&ctx, 0, sizeof ctx);
	ctx.obj = &defaults;
	ctx.where = "probe";
	if (cfg_lex_expect(&p->lx, TOK_LBRACE, NULL, "probe") == -1 ||
	    cfg_block(p, cfg_probe_keywords, &ctx, "probe", &close) == -1)
		return (-1);
	lc->interval_ms = defaults.interval_ms;
	lc->timeout_ms = defaults.timeout_ms;
	lc->size = defaults.size;
	return (0);
}

/* ---- branch: probe EDGE ADDRESS [icmp | tcp port N] [interval ...] ---- */

static int
cfg_bp_icmp(struct parser *p, const struct loc *kw, void *arg)
{
	struct lat_ctx	*ctx = arg;

	return (cfg_once(p, kw, ctx, SEEN_TCP, "icmp or tcp"));
}

static int
cfg_bp_tcp(struct parser *p, const struct loc *kw, void *arg)
{
	struct lat_ctx		*ctx = arg;
	struct probe_conf	*pc = ctx->obj;
	int			 port;

	if (cfg_once(p, kw, ctx, SEEN_TCP, "icmp or tcp") == -1 ||
	    cfg_lex_expect(&p->lx, TOK_WORD, "port", "tcp") == -1 ||
	    cfg_port(p, &port) == -1)
		return (-1);
	pc->tcp = 1;
	pc->port = (uint16_t)port;
	return (0);
}

static const struct keyword cfg_branch_probe_keywords[] = {
	{ "icmp", cfg_bp_icmp },
	{ "tcp", cfg_bp_tcp },
	{ "interval", cfg_pr_interval },
	{ "timeout", cfg_pr_timeout },
	{ "size", cfg_pr_size },
	{ NULL, NULL }
};

int
cfg_branch_probe(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg)
{
	struct branch		*b = arg;
	struct probe_conf	 pc;
	struct lat_ctx		 ctx;
	struct token		*t;
	struct loc		 l;
	char			 q[CFG_LEX_QUOTE_LEN];
	size_t			 i;
	int			 idx;

	memset(&pc, 0, sizeof pc);
	if (cfg_lex_value(&p->lx, &t, "an edge code after probe") == -1)
		return (-1);
	if (t->len >= EDGE_CODE_MAX ||
	    (idx = model_edge_find(p->m, t->text)) < 0)
		return (cfg_lex_error(&p->lx, &t->loc, "unknown edge \"%s\"",
		    cfg_lex_quote(t->text, q, sizeof q)));
	strlcpy_pt(pc.edge, p->m->edges[idx].code, sizeof pc.edge);
	pc.edge_idx = idx;
	if (cfg_addr(p, &pc.addr, "a target address after the edge", &l) ==
	    -1)
		return (-1);
	addr_fmt(&pc.addr, pc.target, sizeof pc.target);

	memset(&ctx, 0, sizeof ctx);
	ctx.obj = &pc;
	ctx.where = "probe";
	if (cfg_options(p, cfg_branch_probe_keywords, &ctx) == -1)
		return (-1);
	/* A TCP target is named with its port, "[2001:db8::1]:443". */
	if (pc.tcp) {
		char	 a[ADDR_STRLEN];

		addr_fmt(&pc.addr, a, sizeof a);
		snprintf(pc.target, sizeof pc.target, pc.addr.af == AF_INET6 ?
		    "[%s]:%u" : "%s:%u", a, pc.port);
	}
	for (i = 0; i < b->nprobes; i++) {
		if (strcmp(b->probes[i].edge, pc.edge) == 0 &&
		    strcmp(b->probes[i].target, pc.target) == 0 &&
		    b->probes[i].tcp == pc.tcp)
			return (cfg_lex_error(&p->lx, &l, "probe %s %s given "
			    "twice for branch \"%s\"", pc.edge, pc.target,
			    cfg_lex_quote(b->name, q, sizeof q)));
	}
	if (b->nprobes >= PROBE_PER_BRANCH_MAX)
		return (cfg_lex_error(&p->lx, &l, "too many probes in branch "
		    "(at most %d)", PROBE_PER_BRANCH_MAX));
	b->probes = xreallocarray(b->probes, b->nprobes + 1,
	    sizeof *b->probes);
	b->probes[b->nprobes++] = pc;
	return (0);
}

/* branch: latency [high D] [loss P] [shift D] */
int
cfg_branch_latency(struct parser *p, const struct loc *kw, void *arg)
{
	struct branch	*b = arg;
	struct lat_ctx	 ctx;
	struct token	*t;

	if (b->th.high_us != 0 || b->th.loss_pct != 0 || b->th.shift_us != 0)
		return (cfg_lex_error(&p->lx, kw, "latency given twice for "
		    "branch"));
	memset(&ctx, 0, sizeof ctx);
	ctx.obj = &b->th;
	ctx.where = "the branch's latency";
	if (cfg_options(p, cfg_th_keywords, &ctx) == -1)
		return (-1);
	if (ctx.seen == 0) {
		if (cfg_lex_peek(&p->lx, &t) == -1)
			return (-1);
		return (cfg_unknown(p, t, cfg_th_keywords));
	}
	return (0);
}

/* ---- prometheus ADDRESS [port N] { query ... } ---- */

#define SEEN_QUERY	0x01
#define SEEN_BLABEL	0x02
#define SEEN_ELABEL	0x04
#define SEEN_TLABEL	0x08
#define SEEN_SCALE	0x10
#define SEEN_PINTERVAL	0x20
#define SEEN_NAN	0x40

static int
cfg_pm_query(struct parser *p, const struct loc *kw, void *arg)
{
	struct lat_ctx		*ctx = arg;
	struct collector	*c = ctx->obj;

	if (cfg_once(p, kw, ctx, SEEN_QUERY, "query") == -1)
		return (-1);
	return (cfg_lex_path(&p->lx, &c->query, "a PromQL query after query",
	    NULL));
}

/* branch|edge|target label "name" */
static int
cfg_pm_label(struct parser *p, const struct loc *kw, struct lat_ctx *ctx,
    int which)
{
	static const char *const words[] = { "branch label", "edge label",
	    "target label" };
	struct collector	*c = ctx->obj;
	char			 what[32];

	if (cfg_once(p, kw, ctx, SEEN_BLABEL << which, words[which]) == -1)
		return (-1);
	snprintf(what, sizeof what, "%.6s", words[which]);
	if (cfg_lex_expect(&p->lx, TOK_WORD, "label", what) == -1)
		return (-1);
	return (cfg_string(p, words[which], c->prom_label[which],
	    sizeof c->prom_label[which]));
}

static int
cfg_pm_branch(struct parser *p, const struct loc *kw, void *arg)
{
	return (cfg_pm_label(p, kw, arg, 0));
}

static int
cfg_pm_edge(struct parser *p, const struct loc *kw, void *arg)
{
	return (cfg_pm_label(p, kw, arg, 1));
}

static int
cfg_pm_target(struct parser *p, const struct loc *kw, void *arg)
{
	return (cfg_pm_label(p, kw, arg, 2));
}

/* scale N: value * N = microseconds (1000000 for seconds, the default). */
static int
cfg_pm_scale(struct parser *p, const struct loc *kw, void *arg)
{
	struct lat_ctx		*ctx = arg;
	struct collector	*c = ctx->obj;
	struct token		*t;
	char			 q[CFG_LEX_QUOTE_LEN], *end;
	double			 v = 0;

	if (cfg_once(p, kw, ctx, SEEN_SCALE, "scale") == -1 ||
	    cfg_lex_value(&p->lx, &t, "a number after scale") == -1)
		return (-1);
	if (t->type == TOK_WORD && t->len < 24 &&
	    strspn(t->text, "0123456789.") == t->len) {
		v = strtod(t->text, &end);
		if (*end != '\0')
			v = 0;
	}
	if (!(v > 0 && v <= 1e9))
		return (cfg_lex_error(&p->lx, &t->loc, "bad scale \"%s\": "
		    "expected a number above 0 and at most 1000000000 "
		    "(1000000 when the values are seconds)",
		    cfg_lex_quote(t->text, q, sizeof q)));
	c->prom_scale = v;
	return (0);
}

static int
cfg_pm_interval(struct parser *p, const struct loc *kw, void *arg)
{
	struct lat_ctx		*ctx = arg;
	struct collector	*c = ctx->obj;
	int64_t			 v;

	if (cfg_once(p, kw, ctx, SEEN_PINTERVAL, "interval") == -1 ||
	    cfg_span(p, "interval", 100, 3600 * 1000, &v) == -1)
		return (-1);
	c->interval_ms = (int)v;
	return (0);
}

/* nan loss|skip: what a NaN (blackbox_exporter's failed probe) means. */
static int
cfg_pm_nan(struct parser *p, const struct loc *kw, void *arg)
{
	struct lat_ctx		*ctx = arg;
	struct collector	*c = ctx->obj;
	struct token		*t;
	char			 q[CFG_LEX_QUOTE_LEN];

	if (cfg_once(p, kw, ctx, SEEN_NAN, "nan") == -1 ||
	    cfg_lex_value(&p->lx, &t, "loss or skip after nan") == -1)
		return (-1);
	if (strcmp(t->text, "loss") == 0)
		c->prom_nan_loss = 1;
	else if (strcmp(t->text, "skip") == 0)
		c->prom_nan_loss = 0;
	else
		return (cfg_lex_error(&p->lx, &t->loc, "bad nan \"%s\": "
		    "expected loss or skip", cfg_lex_quote(t->text, q,
		    sizeof q)));
	return (0);
}

static const struct keyword cfg_prom_keywords[] = {
	{ "query", cfg_pm_query },
	{ "branch", cfg_pm_branch },
	{ "edge", cfg_pm_edge },
	{ "target", cfg_pm_target },
	{ "scale", cfg_pm_scale },
	{ "interval", cfg_pm_interval },
	{ "nan", cfg_pm_nan },
	{ NULL, NULL }
};

int
cfg_prometheus(struct parser *p, const struct loc *kw, void *arg CFG_UNUSED)
{
	struct collector	*c;
	struct lat_ctx		 ctx;
	struct token		*t, *close;
	struct loc		 l;
	char			 a[ADDR_STRLEN], missing[64];

	if ((c = cfg_collector_new(p, kw, "prometheus")) == NULL ||
	    cfg_addr(p, &c->listen, "the Prometheus server's address", &l) ==
	    -1)
		return (-1);
	c->port = PROM_PORT_DEFAULT;
	c->interval_ms = 10000;
	c->prom_scale = 1e6;
	if (cfg_lex_peek(&p->lx, &t) == -1)
		return (-1);
	if (t->type == TOK_WORD && strcmp(t->text, "port") == 0 &&
	    (cfg_lex_next(&p->lx, &t) == -1 || cfg_port(p, &c->port) == -1))
		return (-1);
	memset(&ctx, 0, sizeof ctx);
	ctx.obj = c;
	ctx.where = "prometheus";
	if (cfg_lex_expect(&p->lx, TOK_LBRACE, NULL, "prometheus") == -1 ||
	    cfg_block(p, cfg_prom_keywords, &ctx, "prometheus", &close) == -1)
		return (-1);
	missing[0] = '\0';
	if (!(ctx.seen & SEEN_QUERY))
		strlcpy_pt(missing, " query", sizeof missing);
	if (!(ctx.seen & SEEN_BLABEL))
		strlcpy_pt(missing + strlen(missing), " branch label",
		    sizeof missing - strlen(missing));
	if (!(ctx.seen & SEEN_ELABEL))
		strlcpy_pt(missing + strlen(missing), " edge label",
		    sizeof missing - strlen(missing));
	if (missing[0] != '\0')
		return (cfg_lex_error(&p->lx, &close->loc, "prometheus needs "
		    "query, branch label and edge label (missing:%s)",
		    missing));
	addr_fmt(&c->listen, a, sizeof a);
	snprintf(c->name, sizeof c->name, c->listen.af == AF_INET6 ?
	    "prometheus [%s]:%d" : "prometheus %s:%d", a, c->port);
	return (0);
}

/* ---- ingest listen ADDRESS [port N] [token "t"] [max-body N]
 *	[request-timeout D] [max-connections N] [tls { ... }], the options
 *	on the line or in a block ---- */

#define SEEN_IPORT	0x01
#define SEEN_ITOKEN	0x02
#define SEEN_IBODY	0x04
#define SEEN_ITIMEOUT	0x08
#define SEEN_ICONNS	0x10

static int
cfg_in_port(struct parser *p, const struct loc *kw, void *arg)
{
	struct lat_ctx	*ctx = arg;

	if (cfg_once(p, kw, ctx, SEEN_IPORT, "port") == -1)
		return (-1);
	return (cfg_port(p, &p->m->ingest.port));
}

static int
cfg_in_token(struct parser *p, const struct loc *kw, void *arg)
{
	struct lat_ctx	*ctx = arg;
	char		*dst = ctx->obj;

	if (cfg_once(p, kw, ctx, SEEN_ITOKEN, "token") == -1)
		return (-1);
	return (cfg_string(p, "token", dst, sizeof p->m->ingest.token));
}

static int
cfg_in_body(struct parser *p, const struct loc *kw, void *arg)
{
	struct lat_ctx	*ctx = arg;
	unsigned long	 v;

	if (cfg_once(p, kw, ctx, SEEN_IBODY, "max-body") == -1 ||
	    cfg_number(p, "max-body", 1024, INGEST_BODY_MAX, &v) == -1)
		return (-1);
	p->m->ingest.max_body = v;
	return (0);
}

/* A whole request, headers and body, however slowly it comes. */
static int
cfg_in_timeout(struct parser *p, const struct loc *kw, void *arg)
{
	struct lat_ctx	*ctx = arg;
	int64_t		 v;

	if (cfg_once(p, kw, ctx, SEEN_ITIMEOUT, "request-timeout") == -1 ||
	    cfg_span(p, "request-timeout", 1000, 300 * 1000, &v) == -1)
		return (-1);
	p->m->ingest.request_timeout_ms = (unsigned)v;
	return (0);
}

static int
cfg_in_conns(struct parser *p, const struct loc *kw, void *arg)
{
	struct lat_ctx	*ctx = arg;
	unsigned long	 v;

	if (cfg_once(p, kw, ctx, SEEN_ICONNS, "max-connections") == -1 ||
	    cfg_number(p, "max-connections", 1, INGEST_CONNS_MAX, &v) == -1)
		return (-1);
	p->m->ingest.max_conns = (unsigned)v;
	return (0);
}

static int
cfg_in_tls(struct parser *p, const struct loc *kw, void *arg CFG_UNUSED)
{
	return (cfg_tls(p, kw, &p->m->ingest.tls, 0, "ingest"));
}

static const struct keyword cfg_ingest_keywords[] = {
	{ "port", cfg_in_port },
	{ "token", cfg_in_token },
	{ "max-body", cfg_in_body },
	{ "request-timeout", cfg_in_timeout },
	{ "max-connections", cfg_in_conns },
	{ "tls", cfg_in_tls },
	{ NULL, NULL }
};

int
cfg_ingest(struct parser *p, const struct loc *kw, void *arg CFG_UNUSED)
{
	struct ingest_conf	*ic = &p->m->ingest;
	struct collector	*c;
	struct lat_ctx		 ctx;
	struct token		*t, *close;
	struct loc		 l;
	char			 a[ADDR_STRLEN];

	if (ic->enabled)
		return (cfg_lex_error(&p->lx, kw, "ingest given twice"));
	if ((c = cfg_collector_new(p, kw, "ingest")) == NULL ||
	    cfg_lex_expect(&p->lx, TOK_WORD, "listen", "ingest") == -1 ||
	    cfg_addr(p, &ic->listen, "an address after listen", &l) == -1)
		return (-1);
	ic->enabled = 1;
	ic->port = INGEST_PORT_DEFAULT;
	memset(&ctx, 0, sizeof ctx);
	ctx.obj = ic->token;
	ctx.where = "ingest";
	if (cfg_options(p, cfg_ingest_keywords, &ctx) == -1 ||
	    cfg_lex_peek(&p->lx, &t) == -1)
		return (-1);
	if (t->type == TOK_LBRACE && (cfg_lex_next(&p->lx, &t) == -1 ||
	    cfg_block(p, cfg_ingest_keywords, &ctx, "ingest", &close) == -1))
		return (-1);
	c->listen = ic->listen;
	c->port = ic->port;
	cfg_listen_check(p, &l, "ingest", &ic->listen, ic->port,
	    ic->token[0] != '\0' || (ic->tls.enabled &&
	    ic->tls.client_certs == TLS_CC_REQUIRE), "token",
	    "post latency samples");
	cfg_tls_check(p, &l, "ingest", &ic->listen, &ic->tls,
	    "the token and every sample");
	addr_fmt(&ic->listen, a, sizeof a);
	snprintf(c->name, sizeof c->name, ic->listen.af == AF_INET6 ?
	    "ingest [%s]:%d" : "ingest %s:%d", a, ic->port);
	return (0);
}

/* ---- agent "name" { collector ADDR [port N] token buffer batch ... } */

#define SEEN_ACOLL	0x01
#define SEEN_ATOKEN	0x02
#define SEEN_ABUF	0x04
#define SEEN_ABATCH	0x08
#define SEEN_AINT	0x10

static int
cfg_ag_collector(struct parser *p, const struct loc *kw, void *arg)
{
	struct lat_ctx		*ctx = arg;
	struct agent_conf	*ac = &p->m->agent;
	struct addr		 a;
	struct token		*t;
	struct loc		 l;

	if (cfg_once(p, kw, ctx, SEEN_ACOLL, "collector") == -1 ||
	    cfg_addr(p, &a, "the collector's address", &l) == -1)
		return (-1);
	addr_fmt(&a, ac->host, sizeof ac->host);
	if (cfg_lex_peek(&p->lx, &t) == -1)
		return (-1);
	if (t->type == TOK_WORD && strcmp(t->text, "port") == 0)
		return (cfg_lex_next(&p->lx, &t) == -1 ? -1 :
		    cfg_port(p, &ac->port));
	return (0);
}

static int
cfg_ag_buffer(struct parser *p, const struct loc *kw, void *arg)
{
	struct lat_ctx	*ctx = arg;
	unsigned long	 v;

	if (cfg_once(p, kw, ctx, SEEN_ABUF, "buffer") == -1 ||
	    cfg_number(p, "buffer", 1, AGENT_BUFFER_MAX, &v) == -1)
		return (-1);
	p->m->agent.buffer = v;
	return (0);
}

static int
cfg_ag_batch(struct parser *p, const struct loc *kw, void *arg)
{
	struct lat_ctx	*ctx = arg;
	unsigned long	 v;

	if (cfg_once(p, kw, ctx, SEEN_ABATCH, "batch") == -1 ||
	    cfg_number(p, "batch", 1, AGENT_BATCH_MAX, &v) == -1)
		return (-1);
	p->m->agent.batch = v;
	return (0);
}

static int
cfg_ag_interval(struct parser *p, const struct loc *kw, void *arg)
{
	struct lat_ctx	*ctx = arg;
	int64_t		 v;

	if (cfg_once(p, kw, ctx, SEEN_AINT, "interval") == -1 ||
	    cfg_span(p, "interval", 100, 3600 * 1000, &v) == -1)
		return (-1);
	p->m->agent.push_ms = (unsigned)v;
	return (0);
}

/* tls { ca "F" certificate "F" key "F" }: https to the collector. */
static int
cfg_ag_tls(struct parser *p, const struct loc *kw, void *arg CFG_UNUSED)
{
	return (cfg_tls(p, kw, &p->m->agent.tls, 1, "agent"));
}

static const struct keyword cfg_agent_keywords[] = {
	{ "collector", cfg_ag_collector },
	{ "token", cfg_in_token },
	{ "buffer", cfg_ag_buffer },
	{ "batch", cfg_ag_batch },
	{ "interval", cfg_ag_interval },
	{ "tls", cfg_ag_tls },
	{ NULL, NULL }
};

int
cfg_agent(struct parser *p, const struct loc *kw, void *arg CFG_UNUSED)
{
	struct agent_conf	*ac = &p->m->agent;
	struct lat_ctx		 ctx;
	struct token		*t, *close;
	struct addr		 a;

	if (ac->enabled)
		return (cfg_lex_error(&p->lx, kw, "agent given twice"));
	if (cfg_lex_value(&p->lx, &t, "the agent's name after agent") == -1 ||
	    cfg_lex_name(&p->lx, t, ac->name, sizeof ac->name, "agent name") ==
	    -1)
		return (-1);
	ac->enabled = 1;
	memset(&ctx, 0, sizeof ctx);
	ctx.obj = ac->token;
	ctx.where = "agent";
	if (cfg_lex_expect(&p->lx, TOK_LBRACE, NULL, "agent") == -1 ||
	    cfg_block(p, cfg_agent_keywords, &ctx, "agent", &close) == -1)
		return (-1);
	if (!(ctx.seen & SEEN_ACOLL))
		return (cfg_lex_error(&p->lx, &close->loc, "agent \"%s\" needs "
		    "collector ADDRESS [port N]", ac->name));
	if (!ac->tls.enabled && addr_parse(ac->host, &a) == 0 &&
	    !cfg_loopback(&a))
		cfg_warn(p, kw, "agent \"%s\" pushes to %s without tls: the "
		    "token and every sample cross the network in clear",
		    ac->name, ac->host);
	return (0);
}
