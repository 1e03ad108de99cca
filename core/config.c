/* SPDX-License-Identifier: ISC */
/*
 * The configuration parser (peertop.conf(5)): the grammar.  The lexer in
 * core/config-lex.c turns the file into words, "quoted strings" and
 * braces; here a table of keywords per context (top level, edge, geoip,
 * routes; the collector blocks' in config-collect.c, partners' and
 * branches' in config-partner.c, the latency family's in
 * config-latency.c, the values' parsers in config-value.c) drives the
 * parser, so the "expected one of" lists
 * in error messages come from the same tables that do the parsing.  Object
 * counts are bounded like the lexer's file size, token length and include
 * depth, because the parser is fuzzed and a config check (-n) must never
 * hang or crash.  The first error stops the parse and is reported as
 * "file:line:column: message", with the column of the offending token.
 */

#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/collector.h"
#include "core/config.h"
#include "core/config-lex.h"
#include "core/config-private.h"
#include "core/geo.h"
#include "core/model.h"
#include "core/util.h"


#ifndef PEERTOP_DATADIR
#define PEERTOP_DATADIR "/usr/local/share/peertop"
#endif
#ifndef PEERTOP_SYSCONFDIR
#define PEERTOP_SYSCONFDIR "/etc"
#endif

#define CONFIG_EDGES_MAX	1024

static int	 cfg_statements(struct parser *);
static void	 cfg_parser_free(struct parser *);
static int	 cfg_run(struct model *, const char *, const char *, size_t,
		    int, dev_t, ino_t, char **);

static int	 cfg_include(struct parser *, const struct loc *, void *);
static int	 cfg_database(struct parser *, const struct loc *, void *);
static int	 cfg_datadir(struct parser *, const struct loc *, void *);
static int	 cfg_geoip(struct parser *, const struct loc *, void *);
static int	 cfg_geoip_city(struct parser *, const struct loc *, void *);
static int	 cfg_geoip_asn(struct parser *, const struct loc *, void *);
static int	 cfg_edge(struct parser *, const struct loc *, void *);
static int	 cfg_edge_metro(struct parser *, const struct loc *, void *);
static int	 cfg_edge_country(struct parser *, const struct loc *, void *);
static int	 cfg_edge_location(struct parser *, const struct loc *, void *);
static int	 cfg_routes(struct parser *, const struct loc *, void *);
static int	 cfg_routes_tolerance(struct parser *, const struct loc *,
		    void *);
static int	 cfg_routes_asrel(struct parser *, const struct loc *,
		    void *);
static int	 cfg_routes_roa_expiry(struct parser *, const struct loc *,
		    void *);
static int	 cfg_routes_max_path(struct parser *, const struct loc *,
		    void *);

static const struct keyword cfg_top_keywords[] = {
	{ "include", cfg_include },
	{ "database", cfg_database },
	{ "datadir", cfg_datadir },
	{ "geoip", cfg_geoip },
	{ "edge", cfg_edge },
	{ "bird", cfg_bird },
	{ "bmp", cfg_bmp },
	{ "routes", cfg_routes },
	{ "latency", cfg_latency },
	{ "probe", cfg_probe },
	{ "prometheus", cfg_prometheus },
	{ "ingest", cfg_ingest },
	{ "agent", cfg_agent },
	{ "control", cfg_control },
	{ "api", cfg_api },
	{ "metrics", cfg_metrics },
	{ "notify", cfg_notify },
	{ "partner", cfg_partner },
	{ "branch", cfg_branch },
	{ "rpki", cfg_rpki },
	{ "turnup", cfg_turnup },
	{ NULL, NULL }
};

static const struct keyword cfg_geoip_keywords[] = {
	{ "city", cfg_geoip_city },
	{ "asn", cfg_geoip_asn },
	{ NULL, NULL }
};

static const struct keyword cfg_edge_keywords[] = {
	{ "metro", cfg_edge_metro },
	{ "country", cfg_edge_country },
	{ "location", cfg_edge_location },
	{ NULL, NULL }
};

static const struct keyword cfg_routes_keywords[] = {
	{ "tolerance", cfg_routes_tolerance },
	{ "max-path", cfg_routes_max_path },
	{ "asrel", cfg_routes_asrel },
	{ "roa-expiry", cfg_routes_roa_expiry },
	{ NULL, NULL }
};

/* An edge block being read: fields given so far. */
struct edge_ctx {
	struct edge	 e;
	int		 has_metro, has_country, has_location;
};


const struct keyword *
cfg_keyword_find(const struct keyword *tab, const char *word)
{
	for (; tab->name != NULL; tab++) {
		if (strcmp(tab->name, word) == 0)
			return (tab);
	}
	return (NULL);
}

/* "session, backup": the table as a list for messages. */
void
cfg_keyword_list(const struct keyword *tab, char *buf, size_t len)
{
	buf[0] = '\0';
	for (; tab->name != NULL; tab++) {
		if (buf[0] != '\0')
			strlcpy_pt(buf + strlen(buf), ", ", len - strlen(buf));
		strlcpy_pt(buf + strlen(buf), tab->name, len - strlen(buf));
	}
}

/* The token is not one of the keywords allowed here. */
int
cfg_unknown(struct parser *p, const struct token *t,
    const struct keyword *tab)
{
	char	 list[256], d[CFG_LEX_DESCRIBE_LEN];

	cfg_keyword_list(tab, list, sizeof list);
	if (t->type == TOK_WORD)
		return (cfg_lex_error(&p->lx, &t->loc, "unknown keyword %s, "
		    "expected one of %s", cfg_lex_describe(t, d, sizeof d),
		    list));
	return (cfg_lex_error(&p->lx, &t->loc, "expected one of %s, got %s",
	    list, cfg_lex_describe(t, d, sizeof d)));
}

/*
 * A brace block of keyword statements, after the opening brace.  On
 * success *close is the closing brace (for messages about the block).
 */
int
cfg_block(struct parser *p, const struct keyword *tab, void *arg,
    const char *what, struct token **close)
{
	const struct keyword	*kw;
	struct token		*t;
	struct loc		 l;

	for (;;) {
		if (cfg_lex_next(&p->lx, &t) == -1)
			return (-1);
		if (t->type == TOK_RBRACE) {
			*close = t;
			return (0);
		}
		if (t->type == TOK_EOF)
			return (cfg_lex_error(&p->lx, &t->loc, "unexpected end "
			    "of file, expected \"}\" to close %s", what));
		if (t->type != TOK_WORD ||
		    (kw = cfg_keyword_find(tab, t->text)) == NULL)
			return (cfg_unknown(p, t, tab));
		l = t->loc;
		if (kw->fn(p, &l, arg) == -1)
			return (-1);
	}
}

#define CONFIG_WARNINGS_MAX	64

void
cfg_warn(struct parser *p, const struct loc *l, const char *fmt, ...)
{
	struct model	*m = p->m;
	va_list		 ap;
	char		*msg;

	if (m->nconfig_warnings >= CONFIG_WARNINGS_MAX)
		return;
	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	m->config_warnings = xreallocarray(m->config_warnings,
	    m->nconfig_warnings + 1, sizeof *m->config_warnings);
	xasprintf(&m->config_warnings[m->nconfig_warnings++], "%s:%u:%u: %s",
	    l->file, l->line, l->col, msg);
	free(msg);
}

/* 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104: this host only. */
int
cfg_loopback(const struct addr *a)
{
	static const uint8_t	 v6[16] = { [15] = 1 };
	static const uint8_t	 mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (a->af == AF_INET)
		return (a->b[0] == 127);
	if (a->af == AF_INET6)
		return (memcmp(a->b, v6, 16) == 0 ||
		    (memcmp(a->b, mapped, 12) == 0 && a->b[12] == 127));
	return (0);
}

/*
 * Item 14 of issue 13: a listener that any host can reach must say so
 * at -n and at start-up, not silently accept the world.
 */
void
cfg_listen_check(struct parser *p, const struct loc *l, const char *what,
    const struct addr *addr, int port, int guarded, const char *guard,
    const char *can)
{
	char	 a[ADDR_STRLEN];

	if (guarded || cfg_loopback(addr))
		return;
	addr_fmt(addr, a, sizeof a);
	cfg_warn(p, l, "%s listen %s without %s: any host that reaches port "
	    "%d can %s", what, a, guard, port, can);
}

/* include "file": the lexer finds and opens it, its statements go here. */
static int
cfg_include(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg CFG_UNUSED)
{
	struct token	*t;
	int		 rv;

	if (cfg_lex_value(&p->lx, &t, "a file name after include") == -1 ||
	    cfg_lex_include(&p->lx, t) == -1)
		return (-1);
	rv = cfg_statements(p);
	cfg_lex_pop(&p->lx);
	return (rv);
}

/* database FILE [any-owner]: the history, and whose it may be. */
static int
cfg_database(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg CFG_UNUSED)
{
	struct token	*t;

	if (cfg_lex_path(&p->lx, &p->m->database, "a file name after "
	    "database", NULL) == -1 || cfg_lex_peek(&p->lx, &t) == -1)
		return (-1);
	p->m->database_any_owner = 0;
	if (t->type == TOK_WORD && strcmp(t->text, "any-owner") == 0) {
		p->m->database_any_owner = 1;
		return (cfg_lex_next(&p->lx, &t));
	}
	return (0);
}

static int
cfg_datadir(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg CFG_UNUSED)
{
	return (cfg_lex_path(&p->lx, &p->m->datadir, "a directory after "
	    "datadir", NULL));
}

/* geoip city|asn "file" */
static int
cfg_geoip(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg)
{
	const struct keyword	*k;
	struct token		*t;
	struct loc		 l;

	if (cfg_lex_next(&p->lx, &t) == -1)
		return (-1);
	if (t->type != TOK_WORD ||
	    (k = cfg_keyword_find(cfg_geoip_keywords, t->text)) == NULL)
		return (cfg_unknown(p, t, cfg_geoip_keywords));
	l = t->loc;
	return (k->fn(p, &l, arg));
}

static int
cfg_geoip_city(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg CFG_UNUSED)
{
	return (cfg_lex_path(&p->lx, &p->m->geoip_city, "a file name after "
	    "geoip city", NULL));
}

static int
cfg_geoip_asn(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg CFG_UNUSED)
{
	return (cfg_lex_path(&p->lx, &p->m->geoip_asn, "a file name after "
	    "geoip asn", NULL));
}

/* edge CODE { metro "Name" country XX location LAT LON } */
static int
cfg_edge(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg CFG_UNUSED)
{
	struct model	*m = p->m;
	struct edge_ctx	 ctx;
	struct token	*t, *close;
	struct loc	 l;
	char		 q[CFG_LEX_QUOTE_LEN], what[64], missing[64];
	size_t		 i;
	int		 idx;

	if (cfg_lex_value(&p->lx, &t, "an edge code after edge") == -1)
		return (-1);
	l = t->loc;
	if (t->len < 2 || t->len > 7)
		goto bad;
	for (i = 0; i < t->len; i++) {
		if (!((t->text[i] >= 'a' && t->text[i] <= 'z') ||
		    (t->text[i] >= '0' && t->text[i] <= '9')))
			goto bad;
	}

	memset(&ctx, 0, sizeof ctx);
	idx = model_edge_find(m, t->text);
	if (idx >= 0)
		ctx.e = m->edges[idx];
	else
		strlcpy_pt(ctx.e.code, t->text, sizeof ctx.e.code);
	snprintf(what, sizeof what, "edge \"%s\"", ctx.e.code);

	if (cfg_lex_expect(&p->lx, TOK_LBRACE, NULL, what) == -1)
		return (-1);
	if (cfg_block(p, cfg_edge_keywords, &ctx, what, &close) == -1)
		return (-1);

	if (idx < 0) {
		missing[0] = '\0';
		cfg_missing(missing, sizeof missing, ctx.has_metro, " metro");
		cfg_missing(missing, sizeof missing, ctx.has_country,
		    " country");
		cfg_missing(missing, sizeof missing, ctx.has_location,
		    " location");
		if (missing[0] != '\0')
			return (cfg_lex_error(&p->lx, &l, "new edge \"%s\" "
			    "needs metro, country and location (missing:%s)",
			    ctx.e.code, missing));
		if (m->nedges >= CONFIG_EDGES_MAX)
			return (cfg_lex_error(&p->lx, &l, "too many edges (at "
			    "most %d)", CONFIG_EDGES_MAX));
	}
	strlcpy_pt(ctx.e.source, "config", sizeof ctx.e.source);
	model_edge_set(m, &ctx.e);
	return (0);

bad:
	return (cfg_lex_error(&p->lx, &l, "bad edge code \"%s\": expected 2 to "
	    "7 lowercase letters or digits", cfg_lex_quote(t->text, q,
	    sizeof q)));
}

static int
cfg_edge_metro(struct parser *p, const struct loc *kw, void *arg)
{
	struct edge_ctx	*ctx = arg;
	struct token	*t;

	if (ctx->has_metro)
		return (cfg_lex_error(&p->lx, kw, "metro given twice for edge "
		    "\"%s\"", ctx->e.code));
	if (cfg_lex_value(&p->lx, &t, "a metro name after metro") == -1 ||
	    cfg_lex_name(&p->lx, t, ctx->e.metro, sizeof ctx->e.metro,
	    "metro name") == -1)
		return (-1);
	ctx->has_metro = 1;
	return (0);
}

static int
cfg_edge_country(struct parser *p, const struct loc *kw, void *arg)
{
	struct edge_ctx	*ctx = arg;
	struct token	*t;
	char		 q[CFG_LEX_QUOTE_LEN];

	if (ctx->has_country)
		return (cfg_lex_error(&p->lx, kw, "country given twice for "
		    "edge \"%s\"", ctx->e.code));
	if (cfg_lex_value(&p->lx, &t, "a country code after country") == -1)
		return (-1);
	if (t->len != 2 || !isalpha((unsigned char)t->text[0]) ||
	    !isalpha((unsigned char)t->text[1]))
		return (cfg_lex_error(&p->lx, &t->loc, "bad country \"%s\": "
		    "expected a two-letter ISO 3166 code",
		    cfg_lex_quote(t->text, q, sizeof q)));
	ctx->e.country[0] = (char)toupper((unsigned char)t->text[0]);
	ctx->e.country[1] = (char)toupper((unsigned char)t->text[1]);
	ctx->e.country[2] = '\0';
	ctx->has_country = 1;
	return (0);
}

static int
cfg_edge_location(struct parser *p, const struct loc *kw, void *arg)
{
	struct edge_ctx	*ctx = arg;

	if (ctx->has_location)
		return (cfg_lex_error(&p->lx, kw, "location given twice for "
		    "edge \"%s\"", ctx->e.code));
	if (cfg_location(p, &ctx->e.lat, &ctx->e.lon) == -1)
		return (-1);
	ctx->has_location = 1;
	return (0);
}

/*
 * Options that follow a statement without a block (bird, session): take
 * keywords from tab while the next token is one of them.
 */
int
cfg_options(struct parser *p, const struct keyword *tab, void *arg)
{
	const struct keyword	*kw;
	struct token		*t;
	struct loc		 l;

	for (;;) {
		if (cfg_lex_peek(&p->lx, &t) == -1)
			return (-1);
		if (t->type != TOK_WORD ||
		    (kw = cfg_keyword_find(tab, t->text)) == NULL)
			return (0);
		l = t->loc;
		if (cfg_lex_next(&p->lx, &t) == -1 || kw->fn(p, &l, arg) == -1)
			return (-1);
	}
}

/*
 * routes { tolerance 500km max-path 3 asrel "FILE" }: the route monitor's
 * tuning (SuboptimalRouting's tolerance, Microsoft's AS path length, the
 * CAIDA AS relationships of the valley-free check).
 */
static int
cfg_routes(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg CFG_UNUSED)
{
	struct token	*close;

	if (cfg_lex_expect(&p->lx, TOK_LBRACE, NULL, "routes") == -1 ||
	    cfg_block(p, cfg_routes_keywords, NULL, "routes", &close) == -1)
		return (-1);
	return (0);
}

#define ROUTES_TOLERANCE_MAX	20000	/* km: half the Earth's girth */
#define ROUTES_MAX_PATH_MAX	255

/* tolerance N[km]: how much farther than the nearest edge is fine. */
static int
cfg_routes_tolerance(struct parser *p, const struct loc *kw,
    void *arg CFG_UNUSED)
{
	struct token	*t;
	char		 q[CFG_LEX_QUOTE_LEN], num[16];
	unsigned long	 v;
	size_t		 n;

	if (p->m->route_tolerance_km != 0)
		return (cfg_lex_error(&p->lx, kw, "tolerance given twice for "
		    "routes"));
	if (cfg_lex_value(&p->lx, &t, "a distance after tolerance") == -1)
		return (-1);
	/* The number, without a "km" suffix. */
	n = strlen(t->text);
	if (n > 2 && strcmp(t->text + n - 2, "km") == 0)
		n -= 2;
	v = 0;
	if (t->type == TOK_WORD && n > 0 && n < sizeof num) {
		memcpy(num, t->text, n);
		num[n] = '\0';
		if (cfg_parse_uint(num, ROUTES_TOLERANCE_MAX, &v) == -1)
			v = 0;
	}
	if (v == 0)
		return (cfg_lex_error(&p->lx, &t->loc, "bad tolerance \"%s\": "
		    "expected 1 to %d km, e.g. 500km", cfg_lex_quote(t->text, q,
		    sizeof q), ROUTES_TOLERANCE_MAX));
	p->m->route_tolerance_km = (double)v;
	return (0);
}

/*
 * asrel "FILE": CAIDA's AS relationships (serial-1 or serial-2, plain or
 * .bz2), read when the route monitor starts (routemon_new()).
 */
static int
cfg_routes_asrel(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg CFG_UNUSED)
{
	return (cfg_lex_path(&p->lx, &p->m->route_asrel, "a file name after "
	    "asrel", NULL));
}

/* max-path N: the longest AS path allowed (Microsoft says 3). */
static int
cfg_routes_max_path(struct parser *p, const struct loc *kw,
    void *arg CFG_UNUSED)
{
	struct token	*t;
	char		 q[CFG_LEX_QUOTE_LEN];
	unsigned long	 v;

	if (p->m->route_max_path != 0)
		return (cfg_lex_error(&p->lx, kw, "max-path given twice for "
		    "routes"));
	if (cfg_lex_value(&p->lx, &t, "a number after max-path") == -1)
		return (-1);
	if (t->type != TOK_WORD ||
	    cfg_parse_uint(t->text, ROUTES_MAX_PATH_MAX, &v) == -1 || v == 0)
		return (cfg_lex_error(&p->lx, &t->loc, "bad max-path \"%s\": "
		    "expected 1 to %d", cfg_lex_quote(t->text, q, sizeof q),
		    ROUTES_MAX_PATH_MAX));
	p->m->route_max_path = (unsigned)v;
	return (0);
}

/* roa-expiry DURATION: ROAExpiring this long before a ROA expires. */
static int
cfg_routes_roa_expiry(struct parser *p, const struct loc *kw,
    void *arg CFG_UNUSED)
{
	if (p->m->route_roa_expiry_ms != 0)
		return (cfg_lex_error(&p->lx, kw, "roa-expiry given twice for "
		    "routes"));
	return (cfg_span(p, "roa-expiry", 60 * 1000, 365LL * 86400 * 1000,
	    &p->m->route_roa_expiry_ms));
}

/* The statements of the current file (the top file or an include). */
static int
cfg_statements(struct parser *p)
{
	const struct keyword	*kw;
	struct token		*t;
	struct loc		 l;

	for (;;) {
		if (cfg_lex_next(&p->lx, &t) == -1)
			return (-1);
		if (t->type == TOK_EOF)
			return (0);
		if (t->type == TOK_RBRACE)
			return (cfg_lex_error(&p->lx, &t->loc, "unexpected "
			    "\"}\" outside any block"));
		if (t->type != TOK_WORD ||
		    (kw = cfg_keyword_find(cfg_top_keywords, t->text)) ==
		    NULL)
			return (cfg_unknown(p, t, cfg_top_keywords));
		l = t->loc;
		if (kw->fn(p, &l, NULL) == -1)
			return (-1);
	}
}

static void
cfg_parser_free(struct parser *p)
{
	size_t	 i;

	for (i = 0; i < p->npending; i++)
		free(p->pending[i].file);
	free(p->pending);
}

static int
cfg_run(struct model *m, const char *name, const char *buf, size_t len,
    int has_id, dev_t dev, ino_t ino, char **cause)
{
	struct parser	 p;
	int		 rv;

	memset(&p, 0, sizeof p);
	p.m = m;
	cfg_lex_push(&p.lx, name, buf, len, has_id, dev, ino);
	rv = cfg_statements(&p);
	cfg_lex_pop(&p.lx);
	if (rv == 0)
		rv = cfg_resolve(&p);
	cfg_parser_free(&p);
	if (rv == 0) {
		free(p.lx.cause);
		return (0);
	}
	if (p.lx.cause == NULL)
		xasprintf(&p.lx.cause, "%s: parse error", name);
	if (cause != NULL)
		*cause = p.lx.cause;
	else
		free(p.lx.cause);
	return (-1);
}

int
config_parse(struct model *m, const char *path, char **cause)
{
	char		*buf;
	const char	*why;
	size_t		 len;
	dev_t		 dev;
	ino_t		 ino;
	int		 rv;

	if (cause != NULL)
		*cause = NULL;
	if (cfg_lex_read(path, &buf, &len, &dev, &ino, &why) == -1) {
		if (cause != NULL)
			xasprintf(cause, "%s: %s", path, why);
		return (-1);
	}
	rv = cfg_run(m, path, buf, len, 1, dev, ino, cause);
	free(buf);
	return (rv);
}

int
config_parse_buffer(struct model *m, const char *name, const char *buf,
    size_t len, char **cause)
{
	if (cause != NULL)
		*cause = NULL;
	if (len > CONFIG_FILE_MAX) {
		if (cause != NULL)
			xasprintf(cause, "%s: file too large (more than 4 MiB)",
			    name);
		return (-1);
	}
	return (cfg_run(m, name, buf, len, 0, 0, 0, cause));
}

/*
 * The datadir the file names, found before the catalogue is loaded
 * (the built-in one may be what is missing): top-level words and
 * includes only, the last datadir winning as in the parse.  NULL when
 * there is none or the file cannot be scanned; the parse proper says
 * what is wrong with it.
 */
static char *
cfg_scan_datadir(const char *path)
{
	struct cfg_lex	 lx;
	struct token	*t;
	char		*buf, *dir = NULL;
	const char	*why;
	size_t		 len;
	dev_t		 dev;
	ino_t		 ino;
	int		 depth = 0, rv = 0;

	if (cfg_lex_read(path, &buf, &len, &dev, &ino, &why) == -1)
		return (NULL);
	memset(&lx, 0, sizeof lx);
	cfg_lex_push(&lx, path, buf, len, 1, dev, ino);
	while (rv == 0 && (rv = cfg_lex_next(&lx, &t)) == 0) {
		if (t->type == TOK_EOF) {
			if (lx.depth == 1)
				break;
			cfg_lex_pop(&lx);
		} else if (t->type == TOK_LBRACE)
			depth++;
		else if (t->type == TOK_RBRACE)
			depth--;
		else if (depth != 0 || t->type != TOK_WORD)
			continue;
		else if (strcmp(t->text, "datadir") == 0)
			rv = cfg_lex_path(&lx, &dir, "a directory", NULL);
		else if (strcmp(t->text, "include") == 0 &&
		    (rv = cfg_lex_value(&lx, &t, "a file")) == 0)
			rv = cfg_lex_include(&lx, t);
	}
	while (lx.file != NULL)
		cfg_lex_pop(&lx);
	free(lx.cause);
	free(buf);
	return (dir);
}

/*
 * An uninstalled build's data: data/ next to the binary (an in-tree
 * build) or one directory up (a build directory inside the source tree,
 * or libtool's .libs), wherever it holds edges.csv.
 */
static char *
cfg_build_datadir(void)
{
	char		 exe[PATH_MAX], *dir, *slash, *file;
	const char	*up[] = { "/data", "/../data" };
	ssize_t		 n;
	size_t		 i;

	if ((n = readlink("/proc/self/exe", exe, sizeof exe - 1)) <= 0)
		return (NULL);
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return (NULL);
	*slash = '\0';
	for (i = 0; i < nitems(up); i++) {
		xasprintf(&dir, "%s%s", exe, up[i]);
		xasprintf(&file, "%s/edges.csv", dir);
		if (access(file, R_OK) == 0) {
			free(file);
			return (dir);
		}
		free(file);
		free(dir);
	}
	return (NULL);
}

/*
 * Where the catalogue is: the caller's, else the file's datadir, else
 * $PEERTOP_DATADIR, else the installed one if it is there, else an
 * uninstalled build's data/ (else the installed path, for the message).
 */
static char *
cfg_find_datadir(const char *path, const char *datadir)
{
	const char	*env = getenv("PEERTOP_DATADIR");
	char		*dir;

	if (datadir != NULL)
		return (xstrdup(datadir));
	if ((dir = cfg_scan_datadir(path)) != NULL)
		return (dir);
	if (env != NULL && *env != '\0')
		return (xstrdup(env));
	if (access(PEERTOP_DATADIR "/edges.csv", R_OK) != 0 &&
	    (dir = cfg_build_datadir()) != NULL)
		return (dir);
	return (xstrdup(PEERTOP_DATADIR));
}

/*
 * The edge catalogue (datadir's edges.csv) first, so that the file can
 * override its edges and sessions can name them; then the file.  Should
 * the parse find another datadir than the scan did (a word "datadir"
 * the scan took for the statement), parse again over that catalogue.
 */
struct model *
config_load(const char *path, const char *datadir, char **used,
    char **cause)
{
	struct model	*m;
	char		*dir, *file, *why = NULL, *scanned;
	int		 pass, rc;

	*cause = NULL;
	dir = cfg_find_datadir(path, datadir);
	for (pass = 0; pass < 2; pass++) {
		m = model_new();
		xasprintf(&file, "%s/edges.csv", dir);
		rc = geo_edges_load(m, file, &why);
		free(file);
		if (rc != 0) {
			/* The file's own datadir: say it is the one. */
			scanned = pass == 0 && datadir == NULL ?
			    cfg_scan_datadir(path) : NULL;
			if (pass == 1 || (scanned != NULL &&
			    strcmp(scanned, dir) == 0))
				xasprintf(cause, "peertop: edge catalogue: %s "
				    "(from datadir in %s; a relative one is "
				    "taken from the working directory)", why,
				    path);
			else
				xasprintf(cause, "peertop: edge catalogue: %s "
				    "(set PEERTOP_DATADIR or datadir)", why);
			free(scanned);
			free(why);
			break;
		}
		if ((rc = config_parse(m, path, cause)) != 0)
			break;
		if (m->datadir == NULL || strcmp(m->datadir, dir) == 0)
			break;
		free(dir);
		dir = xstrdup(m->datadir);
		model_free(m);
		m = NULL;
	}
	if (rc != 0) {
		model_free(m);
		free(dir);
		return (NULL);
	}
	if (used != NULL)
		*used = dir;
	else
		free(dir);
	return (m);
}

/*
 * $PEERTOP_CONF (returned even if unreadable, so that a wrong setting is
 * reported rather than silently skipped), ~/.config/peertop/peertop.conf,
 * then SYSCONFDIR/peertop.conf: the first readable.
 */
char *
config_default_path(void)
{
	const char	*env, *home;
	char		*path;

	if ((env = getenv("PEERTOP_CONF")) != NULL && *env != '\0')
		return (xstrdup(env));
	if ((home = getenv("HOME")) != NULL && *home != '\0') {
		xasprintf(&path, "%s/.config/peertop/peertop.conf", home);
		if (access(path, R_OK) == 0)
			return (path);
		free(path);
	}
	path = xstrdup(PEERTOP_SYSCONFDIR "/peertop.conf");
	if (access(path, R_OK) == 0)
		return (path);
	free(path);
	return (NULL);
}
