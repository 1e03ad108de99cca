/*
 * The configuration parser (peertop.conf(5)): the grammar.  The lexer in
 * core/config-lex.c turns the file into words, "quoted strings" and
 * braces; here a table of keywords per context (top level, edge, partner,
 * session, branch, bird) drives the parser, so the "expected one of" lists
 * in error messages come from the same tables that do the parsing.  Object
 * counts are bounded like the lexer's file size, token length and include
 * depth, because the parser is fuzzed and a config check (-n) must never
 * hang or crash.  The first error stops the parse and is reported as
 * "file:line:column: message", with the column of the offending token.
 */

#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <math.h>
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
#define CONFIG_PARTNERS_MAX	4096
#define CONFIG_SESSIONS_MAX	16384
#define CONFIG_BRANCHES_MAX	16384
#define CONFIG_ADDRS_MAX	64	/* per branch */
#define CONFIG_PREFIXES_MAX	1024	/* per branch */
#define CONFIG_UPSTREAMS_MAX	32	/* per registered prefix */

#define DURATION_MIN_MS		100
#define DURATION_MAX_MS		(3600 * 1000)
#define BIRD_INTERVAL_MS	5000
#define BMP_PORT_DEFAULT	11019
#define BMP_ROUTERS_MAX		4096

static void	 cfg_keyword_list(const struct keyword *, char *, size_t);

static int	 cfg_parse_asn(const char *, uint32_t *);
static int	 cfg_parse_duration(const char *, int *);
static int	 cfg_parse_coord(const char *, double, double, double *);
static int	 cfg_asn(struct parser *, uint32_t *, const char *);
static int	 cfg_new_name(struct parser *, const struct token *,
		    const char *, const char *, int, size_t, size_t);
static void	 cfg_missing(char *, size_t, int, const char *);
static int	 cfg_location(struct parser *, double *, double *);
static int	 cfg_prefix_mask(const char *, char *, size_t);

static int	 cfg_statements(struct parser *);
static int	 cfg_resolve(struct parser *);
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
static int	 cfg_bird(struct parser *, const struct loc *, void *);
static int	 cfg_bird_router(struct parser *, const struct loc *, void *);
static int	 cfg_bird_interval(struct parser *, const struct loc *, void *);
static int	 cfg_bmp(struct parser *, const struct loc *, void *);
static int	 cfg_bmp_port(struct parser *, const struct loc *, void *);
static int	 cfg_bmp_allow(struct parser *, const struct loc *, void *);
static int	 cfg_bmp_max_routers(struct parser *, const struct loc *,
		    void *);
static int	 cfg_routes(struct parser *, const struct loc *, void *);
static int	 cfg_routes_tolerance(struct parser *, const struct loc *,
		    void *);
static int	 cfg_routes_max_path(struct parser *, const struct loc *,
		    void *);
static int	 cfg_partner(struct parser *, const struct loc *, void *);
static int	 cfg_partner_backup(struct parser *, const struct loc *,
		    void *);
static int	 cfg_session(struct parser *, const struct loc *, void *);
static int	 cfg_session_neighbor(struct parser *, const struct loc *,
		    void *);
static int	 cfg_session_router(struct parser *, const struct loc *,
		    void *);
static int	 cfg_session_edge(struct parser *, const struct loc *, void *);
static int	 cfg_session_role(struct parser *, const struct loc *, void *);
static int	 cfg_branch(struct parser *, const struct loc *, void *);
static int	 cfg_branch_partner(struct parser *, const struct loc *,
		    void *);
static int	 cfg_branch_address(struct parser *, const struct loc *,
		    void *);
static int	 cfg_branch_prefix(struct parser *, const struct loc *, void *);
static int	 cfg_branch_upstreams(struct parser *, struct branch_prefix *);
static int	 cfg_branch_location(struct parser *, const struct loc *,
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
	{ "partner", cfg_partner },
	{ "branch", cfg_branch },
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

static const struct keyword cfg_bird_keywords[] = {
	{ "router", cfg_bird_router },
	{ "interval", cfg_bird_interval },
	{ NULL, NULL }
};

static const struct keyword cfg_bmp_keywords[] = {
	{ "port", cfg_bmp_port },
	{ NULL, NULL }
};

static const struct keyword cfg_bmp_block_keywords[] = {
	{ "allow", cfg_bmp_allow },
	{ "max-routers", cfg_bmp_max_routers },
	{ NULL, NULL }
};

static const struct keyword cfg_routes_keywords[] = {
	{ "tolerance", cfg_routes_tolerance },
	{ "max-path", cfg_routes_max_path },
	{ NULL, NULL }
};

static const struct keyword cfg_partner_keywords[] = {
	{ "session", cfg_session },
	{ "backup", cfg_partner_backup },
	{ NULL, NULL }
};

static const struct keyword cfg_session_keywords[] = {
	{ "neighbor", cfg_session_neighbor },
	{ "router", cfg_session_router },
	{ "edge", cfg_session_edge },
	{ "role", cfg_session_role },
	{ NULL, NULL }
};

static const struct keyword cfg_branch_keywords[] = {
	{ "partner", cfg_branch_partner },
	{ "address", cfg_branch_address },
	{ "prefix", cfg_branch_prefix },
	{ "location", cfg_branch_location },
	{ "probe", cfg_branch_probe },
	{ "latency", cfg_branch_latency },
	{ NULL, NULL }
};

/* An edge block being read: fields given so far. */
struct edge_ctx {
	struct edge	 e;
	int		 has_metro, has_country, has_location;
};

/* A bird statement being read. */
struct bird_ctx {
	struct collector *c;
	int		 has_router, has_interval;
};

/* A bmp statement being read. */
struct bmp_ctx_cfg {
	struct collector *c;
	int		 has_port, has_max;
};

/* A session statement being read. */
struct session_ctx {
	struct session	*s;
	int		 has_neighbor, has_router, has_edge, has_role;
	struct loc	 neighbor_loc;	/* same file: sessions never span one */
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
static void
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

/* AS number: 1..4294967295, optionally written "AS65002". */
static int
cfg_parse_asn(const char *s, uint32_t *asn)
{
	unsigned long long	 v = 0;
	size_t			 n;

	if (strncasecmp(s, "as", 2) == 0)
		s += 2;
	n = strlen(s);
	if (n == 0 || n > 10)
		return (-1);
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return (-1);
		v = v * 10 + (unsigned)(*s - '0');
	}
	if (v < 1 || v > UINT32_MAX)
		return (-1);
	*asn = (uint32_t)v;
	return (0);
}

/* "500ms", "5s", "1m", "1h", "7d", or a bare number of seconds. */
int
cfg_parse_ms(const char *s, int64_t min, int64_t max, int64_t *ms)
{
	uint64_t	 v = 0, mult;
	size_t		 n = 0;

	while (s[n] >= '0' && s[n] <= '9') {
		if (n == 9)
			return (-1);
		v = v * 10 + (uint64_t)(s[n] - '0');
		n++;
	}
	if (n == 0)
		return (-1);
	s += n;
	if (*s == '\0' || strcmp(s, "s") == 0)
		mult = 1000;
	else if (strcmp(s, "ms") == 0)
		mult = 1;
	else if (strcmp(s, "m") == 0)
		mult = 60 * 1000;
	else if (strcmp(s, "h") == 0)
		mult = 3600 * 1000;
	else if (strcmp(s, "d") == 0)
		mult = 86400 * 1000;
	else
		return (-1);
	v *= mult;
	if (v < (uint64_t)min || v > (uint64_t)max)
		return (-1);
	*ms = (int64_t)v;
	return (0);
}

static int
cfg_parse_duration(const char *s, int *ms)
{
	int64_t	 v;

	if (cfg_parse_ms(s, DURATION_MIN_MS, DURATION_MAX_MS, &v) == -1)
		return (-1);
	*ms = (int)v;
	return (0);
}

/* A decimal degree in [min, max]; no hex, exponents, nan or inf. */
static int
cfg_parse_coord(const char *s, double min, double max, double *out)
{
	const char	*c;
	char		*end;
	double		 v;

	if (*s == '\0' || strlen(s) > 32)
		return (-1);
	for (c = s; *c != '\0'; c++) {
		if (strchr("+-.0123456789", *c) == NULL)
			return (-1);
	}
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || end == s || !isfinite(v))
		return (-1);
	if (v < min || v > max)
		return (-1);
	*out = v;
	return (0);
}

static int
cfg_asn(struct parser *p, uint32_t *asn, const char *what)
{
	struct token	*t;
	char		 q[CFG_LEX_QUOTE_LEN];

	if (cfg_lex_value(&p->lx, &t, what) == -1)
		return (-1);
	if (t->type != TOK_WORD || cfg_parse_asn(t->text, asn) == -1)
		return (cfg_lex_error(&p->lx, &t->loc, "bad AS number \"%s\": "
		    "expected 1 to 4294967295", cfg_lex_quote(t->text, q,
		    sizeof q)));
	return (0);
}

/* An IPv4 or IPv6 address; *where is where it was written. */
int
cfg_addr(struct parser *p, struct addr *a, const char *what,
    struct loc *where)
{
	struct token	*t;
	char		 q[CFG_LEX_QUOTE_LEN];

	if (cfg_lex_value(&p->lx, &t, what) == -1)
		return (-1);
	memset(a, 0, sizeof *a);
	if (t->type != TOK_WORD || addr_parse(t->text, a) == -1)
		return (cfg_lex_error(&p->lx, &t->loc, "bad address \"%s\": "
		    "expected an IPv4 or IPv6 address", cfg_lex_quote(t->text,
		    q, sizeof q)));
	*where = t->loc;
	return (0);
}

/*
 * The name token of a new partner, branch or session (kind, plural kinds)
 * must be unique (dup: the caller's model lookup found it) and the count n
 * below max.  Called last in a chain, so that the lookup sees the name.
 */
static int
cfg_new_name(struct parser *p, const struct token *t, const char *kind,
    const char *kinds, int dup, size_t n, size_t max)
{
	char	 q[CFG_LEX_QUOTE_LEN];

	if (dup)
		return (cfg_lex_error(&p->lx, &t->loc, "duplicate %s \"%s\"",
		    kind, cfg_lex_quote(t->text, q, sizeof q)));
	if (n >= max)
		return (cfg_lex_error(&p->lx, &t->loc, "too many %s (at most "
		    "%zu)", kinds, max));
	return (0);
}

/* Add " word" to a list of missing options unless it was given. */
static void
cfg_missing(char *buf, size_t len, int given, const char *word)
{
	size_t	 n = strlen(buf);

	if (!given)
		strlcpy_pt(buf + n, word, len - n);
}

/* "location LAT LON" after the keyword. */
static int
cfg_location(struct parser *p, double *lat, double *lon)
{
	struct token	*t;
	char		 q[CFG_LEX_QUOTE_LEN];

	if (cfg_lex_value(&p->lx, &t, "a latitude") == -1)
		return (-1);
	if (t->type != TOK_WORD ||
	    cfg_parse_coord(t->text, -90, 90, lat) == -1)
		return (cfg_lex_error(&p->lx, &t->loc, "bad latitude \"%s\": "
		    "expected a number from -90 to 90", cfg_lex_quote(t->text,
		    q, sizeof q)));
	if (cfg_lex_value(&p->lx, &t, "a longitude") == -1)
		return (-1);
	if (t->type != TOK_WORD ||
	    cfg_parse_coord(t->text, -180, 180, lon) == -1)
		return (cfg_lex_error(&p->lx, &t->loc, "bad longitude \"%s\": "
		    "expected a number from -180 to 180", cfg_lex_quote(t->text,
		    q, sizeof q)));
	return (0);
}

/* The prefix a user with host bits set probably meant, for the hint. */
static int
cfg_prefix_mask(const char *s, char *out, size_t len)
{
	char		 a[PREFIX_STRLEN];
	const char	*slash;
	struct prefix	 pfx;
	u_int		 plen = 0, i, max;

	if ((slash = strchr(s, '/')) == NULL ||
	    (size_t)(slash - s) >= sizeof a)
		return (-1);
	memcpy(a, s, slash - s);
	a[slash - s] = '\0';
	memset(&pfx, 0, sizeof pfx);
	if (addr_parse(a, &pfx.addr) == -1)
		return (-1);
	max = pfx.addr.af == AF_INET ? 32 : 128;
	for (i = 1; slash[i] != '\0'; i++) {
		if (slash[i] < '0' || slash[i] > '9' || i > 3)
			return (-1);
		plen = plen * 10 + (u_int)(slash[i] - '0');
	}
	if (i == 1 || plen > max)
		return (-1);
	for (i = 0; i < max / 8; i++) {
		if (i * 8 >= plen)
			pfx.addr.b[i] = 0;
		else if (i * 8 + 8 > plen)
			pfx.addr.b[i] &=
			    (uint8_t)(0xff << (8 - (plen - i * 8)));
	}
	pfx.len = (uint8_t)plen;
	prefix_fmt(&pfx, out, len);
	return (0);
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

static int
cfg_database(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg CFG_UNUSED)
{
	return (cfg_lex_path(&p->lx, &p->m->database, "a file name after "
	    "database", NULL));
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
 * A new collector of kind name, added to the model (so that model_free()
 * frees it whatever happens next); NULL after an error message.
 */
struct collector *
cfg_collector_new(struct parser *p, const struct loc *kw, const char *name)
{
	struct model			*m = p->m;
	const struct collector_ops	*ops;
	struct collector		*c;

	if ((ops = collector_find(name)) == NULL) {
		cfg_lex_error(&p->lx, kw, "the %s collector is not built in",
		    name);
		return (NULL);
	}
	if (m->ncollectors >= CONFIG_COLLECTORS_MAX) {
		cfg_lex_error(&p->lx, kw, "too many collectors (at most %d)",
		    CONFIG_COLLECTORS_MAX);
		return (NULL);
	}
	c = xcalloc(1, sizeof *c);
	c->ops = ops;
	m->collectors = xreallocarray(m->collectors, m->ncollectors + 1,
	    sizeof *m->collectors);
	m->collectors[m->ncollectors++] = c;
	return (c);
}

/* bird "socket" [router "name"] [interval 5s] */
static int
cfg_bird(struct parser *p, const struct loc *kw, void *arg CFG_UNUSED)
{
	struct model			*m = p->m;
	const struct collector_ops	*ops;
	struct collector		*c;
	struct bird_ctx			 ctx;
	struct loc			 l;
	size_t				 i;
	int				 n;

	if ((c = cfg_collector_new(p, kw, "bird")) == NULL)
		return (-1);
	ops = c->ops;
	c->interval_ms = BIRD_INTERVAL_MS;

	if (cfg_lex_path(&p->lx, &c->path, "a socket path after bird",
	    &l) == -1)
		return (-1);

	memset(&ctx, 0, sizeof ctx);
	ctx.c = c;
	if (cfg_options(p, cfg_bird_keywords, &ctx) == -1)
		return (-1);

	for (i = 0; i + 1 < m->ncollectors; i++) {
		if (m->collectors[i]->ops == ops &&
		    m->collectors[i]->path != NULL &&
		    strcmp(m->collectors[i]->path, c->path) == 0 &&
		    strcmp(m->collectors[i]->router, c->router) == 0)
			return (cfg_lex_error(&p->lx, &l, "duplicate bird "
			    "collector for this socket and router"));
	}
	n = snprintf(c->name, sizeof c->name, "bird %s",
	    c->router[0] != '\0' ? c->router : c->path);
	if (n < 0)
		c->name[0] = '\0';
	return (0);
}

static int
cfg_bird_router(struct parser *p, const struct loc *kw, void *arg)
{
	struct bird_ctx	*ctx = arg;
	struct token	*t;

	if (ctx->has_router)
		return (cfg_lex_error(&p->lx, kw, "router given twice for "
		    "bird"));
	if (cfg_lex_value(&p->lx, &t, "a router name after router") == -1 ||
	    cfg_lex_name(&p->lx, t, ctx->c->router, sizeof ctx->c->router,
	    "router name") == -1)
		return (-1);
	ctx->has_router = 1;
	return (0);
}

static int
cfg_bird_interval(struct parser *p, const struct loc *kw, void *arg)
{
	struct bird_ctx	*ctx = arg;
	struct token	*t;
	char		 q[CFG_LEX_QUOTE_LEN];

	if (ctx->has_interval)
		return (cfg_lex_error(&p->lx, kw, "interval given twice for "
		    "bird"));
	if (cfg_lex_value(&p->lx, &t, "a duration after interval") == -1)
		return (-1);
	if (t->type != TOK_WORD ||
	    cfg_parse_duration(t->text, &ctx->c->interval_ms) == -1)
		return (cfg_lex_error(&p->lx, &t->loc, "bad duration \"%s\": "
		    "expected 100ms to 1h, e.g. 500ms, 5s, 1m (a bare number "
		    "is seconds)", cfg_lex_quote(t->text, q, sizeof q)));
	ctx->has_interval = 1;
	return (0);
}

/* A decimal number from 0 to max. */
int
cfg_parse_uint(const char *s, unsigned long max, unsigned long *v)
{
	size_t	 n = strlen(s);

	*v = 0;
	if (n == 0 || n > 10)
		return (-1);
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return (-1);
		*v = *v * 10 + (unsigned long)(*s - '0');
	}
	return (*v > max ? -1 : 0);
}

/* bmp listen ADDRESS [port N] [{ allow PREFIX... max-routers N }] */
static int
cfg_bmp(struct parser *p, const struct loc *kw, void *arg CFG_UNUSED)
{
	struct model			*m = p->m;
	const struct collector_ops	*ops;
	struct collector		*c;
	struct bmp_ctx_cfg		 ctx;
	struct token			*t, *close;
	struct loc			 l;
	char				 a[ADDR_STRLEN];
	size_t				 i;
	int				 n;

	if ((c = cfg_collector_new(p, kw, "bmp")) == NULL)
		return (-1);
	ops = c->ops;
	c->port = BMP_PORT_DEFAULT;

	if (cfg_lex_expect(&p->lx, TOK_WORD, "listen", "bmp") == -1 ||
	    cfg_addr(p, &c->listen, "an address after listen", &l) == -1)
		return (-1);

	memset(&ctx, 0, sizeof ctx);
	ctx.c = c;
	if (cfg_options(p, cfg_bmp_keywords, &ctx) == -1)
		return (-1);
	if (cfg_lex_peek(&p->lx, &t) == -1)
		return (-1);
	if (t->type == TOK_LBRACE) {
		if (cfg_lex_next(&p->lx, &t) == -1 ||
		    cfg_block(p, cfg_bmp_block_keywords, &ctx, "bmp", &close)
		    == -1)
			return (-1);
	}

	for (i = 0; i + 1 < m->ncollectors; i++) {
		if (m->collectors[i]->ops == ops &&
		    addr_cmp(&m->collectors[i]->listen, &c->listen) == 0 &&
		    m->collectors[i]->port == c->port)
			return (cfg_lex_error(&p->lx, &l, "duplicate bmp "
			    "listener for this address and port"));
	}
	addr_fmt(&c->listen, a, sizeof a);
	n = snprintf(c->name, sizeof c->name, c->listen.af == AF_INET6 ?
	    "bmp [%s]:%d" : "bmp %s:%d", a, c->port);
	if (n < 0)
		c->name[0] = '\0';
	return (0);
}

static int
cfg_bmp_port(struct parser *p, const struct loc *kw, void *arg)
{
	struct bmp_ctx_cfg	*ctx = arg;
	struct token		*t;
	unsigned long		 v;
	char			 q[CFG_LEX_QUOTE_LEN];

	if (ctx->has_port)
		return (cfg_lex_error(&p->lx, kw, "port given twice for bmp"));
	if (cfg_lex_value(&p->lx, &t, "a port number after port") == -1)
		return (-1);
	if (t->type != TOK_WORD || cfg_parse_uint(t->text, 65535, &v) == -1 ||
	    v == 0)
		return (cfg_lex_error(&p->lx, &t->loc, "bad port \"%s\": "
		    "expected 1 to 65535", cfg_lex_quote(t->text, q,
		    sizeof q)));
	ctx->c->port = (int)v;
	ctx->has_port = 1;
	return (0);
}

/* allow PREFIX [PREFIX ...]: an address alone is a host prefix. */
static int
cfg_bmp_allow(struct parser *p, const struct loc *kw CFG_UNUSED, void *arg)
{
	struct bmp_ctx_cfg	*ctx = arg;
	struct collector	*c = ctx->c;
	struct token		*t;
	struct prefix		 pfx;
	char			 q[CFG_LEX_QUOTE_LEN];
	char			 fix[PREFIX_STRLEN];
	int			 rv, first = 1;

	for (;;) {
		if (first) {
			if (cfg_lex_value(&p->lx, &t,
			    "a prefix after allow") == -1)
				return (-1);
		} else {
			if (cfg_lex_peek(&p->lx, &t) == -1)
				return (-1);
			if (t->type != TOK_WORD || cfg_keyword_find(
			    cfg_bmp_block_keywords, t->text) != NULL)
				return (0);
			if (cfg_lex_next(&p->lx, &t) == -1)
				return (-1);
		}
		first = 0;
		memset(&pfx, 0, sizeof pfx);
		rv = -1;
		if (t->type == TOK_WORD && strchr(t->text, '/') == NULL) {
			if (addr_parse(t->text, &pfx.addr) == 0) {
				pfx.len = pfx.addr.af == AF_INET ? 32 : 128;
				rv = 0;
			}
		} else if (t->type == TOK_WORD)
			rv = prefix_parse(t->text, &pfx);
		if (rv == -2 && cfg_prefix_mask(t->text, fix,
		    sizeof fix) == 0)
			return (cfg_lex_error(&p->lx, &t->loc, "prefix %s has "
			    "host bits set (did you mean %s?)",
			    cfg_lex_quote(t->text, q, sizeof q), fix));
		if (rv != 0)
			return (cfg_lex_error(&p->lx, &t->loc, "bad prefix "
			    "\"%s\": expected ADDRESS/LENGTH or ADDRESS, e.g. "
			    "192.0.2.0/24 or 2001:db8::1",
			    cfg_lex_quote(t->text, q, sizeof q)));
		if (c->nallow >= COLLECTOR_ALLOW_MAX)
			return (cfg_lex_error(&p->lx, &t->loc, "too many allow "
			    "prefixes for bmp (at most %d)",
			    COLLECTOR_ALLOW_MAX));
		c->allow[c->nallow++] = pfx;
	}
}

static int
cfg_bmp_max_routers(struct parser *p, const struct loc *kw, void *arg)
{
	struct bmp_ctx_cfg	*ctx = arg;
	struct token		*t;
	unsigned long		 v;
	char			 q[CFG_LEX_QUOTE_LEN];

	if (ctx->has_max)
		return (cfg_lex_error(&p->lx, kw, "max-routers given twice "
		    "for bmp"));
	if (cfg_lex_value(&p->lx, &t, "a number after max-routers") == -1)
		return (-1);
	if (t->type != TOK_WORD ||
	    cfg_parse_uint(t->text, BMP_ROUTERS_MAX, &v) == -1 || v == 0)
		return (cfg_lex_error(&p->lx, &t->loc, "bad max-routers "
		    "\"%s\": expected 1 to %d", cfg_lex_quote(t->text, q,
		    sizeof q), BMP_ROUTERS_MAX));
	ctx->c->max_routers = (int)v;
	ctx->has_max = 1;
	return (0);
}

/*
 * routes { tolerance 500km max-path 3 }: the route monitor's tuning
 * (SuboptimalRouting's tolerance, Microsoft's AS path length).
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

/* partner "name" as ASN { session ... backup none } */
static int
cfg_partner(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg CFG_UNUSED)
{
	struct model	*m = p->m;
	struct partner	*pt;
	struct token	*t, *close;
	char		 name[NAME_MAX_PT], q[CFG_LEX_QUOTE_LEN];
	char		 what[NAME_MAX_PT * 4 + 16];

	if (cfg_lex_value(&p->lx, &t, "a partner name after partner") == -1 ||
	    cfg_lex_name(&p->lx, t, name, sizeof name, "partner name") == -1 ||
	    cfg_new_name(p, t, "partner", "partners",
	    model_partner_find(m, name) != NULL, m->npartners,
	    CONFIG_PARTNERS_MAX) == -1)
		return (-1);

	pt = xcalloc(1, sizeof *pt);
	memcpy(pt->name, name, sizeof pt->name);
	m->partners = xreallocarray(m->partners, m->npartners + 1,
	    sizeof *m->partners);
	m->partners[m->npartners++] = pt;

	snprintf(what, sizeof what, "partner \"%s\"",
	    cfg_lex_quote(name, q, sizeof q));
	if (cfg_lex_expect(&p->lx, TOK_WORD, "as", what) == -1 ||
	    cfg_asn(p, &pt->asn, "an AS number after as") == -1 ||
	    cfg_lex_expect(&p->lx, TOK_LBRACE, NULL, what) == -1)
		return (-1);
	return (cfg_block(p, cfg_partner_keywords, pt, what, &close));
}

/* backup none: no backup metro, failover is to the Internet. */
static int
cfg_partner_backup(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg)
{
	struct partner	*pt = arg;
	struct token	*t;
	char		 d[CFG_LEX_DESCRIBE_LEN];

	if (cfg_lex_next(&p->lx, &t) == -1)
		return (-1);
	if (t->type != TOK_WORD || strcmp(t->text, "none") != 0)
		return (cfg_lex_error(&p->lx, &t->loc, "expected \"none\" "
		    "after backup, got %s (the backup metro comes from "
		    "sessions with role backup)", cfg_lex_describe(t, d,
		    sizeof d)));
	pt->backup_none = 1;
	return (0);
}

/*
 * session "name" neighbor ADDR [router "r"] edge CODE role primary|backup,
 * options in any order.  Session names are global across partners.
 */
static int
cfg_session(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg)
{
	struct model		*m = p->m;
	struct partner		*pt = arg;
	struct session		*s, *o;
	struct session_ctx	 ctx;
	struct token		*t;
	char			 name[NAME_MAX_PT], missing[64], list[128];
	char			 q[CFG_LEX_QUOTE_LEN];
	char			 d[CFG_LEX_DESCRIBE_LEN];
	char			 a[ADDR_STRLEN], r[CFG_LEX_QUOTE_LEN];
	size_t			 i;

	if (cfg_lex_value(&p->lx, &t, "a session name after session") == -1 ||
	    cfg_lex_name(&p->lx, t, name, sizeof name, "session name") == -1 ||
	    cfg_new_name(p, t, "session", "sessions",
	    model_session_find(m, name) != NULL, m->nsessions,
	    CONFIG_SESSIONS_MAX) == -1)
		return (-1);

	s = xcalloc(1, sizeof *s);
	memcpy(s->name, name, sizeof s->name);
	s->edge_idx = -1;
	s->partner = pt;
	m->sessions = xreallocarray(m->sessions, m->nsessions + 1,
	    sizeof *m->sessions);
	m->sessions[m->nsessions++] = s;
	pt->sessions = xreallocarray(pt->sessions, pt->nsessions + 1,
	    sizeof *pt->sessions);
	pt->sessions[pt->nsessions++] = s;

	memset(&ctx, 0, sizeof ctx);
	ctx.s = s;
	if (cfg_options(p, cfg_session_keywords, &ctx) == -1)
		return (-1);

	missing[0] = '\0';
	cfg_missing(missing, sizeof missing, ctx.has_neighbor, " neighbor");
	cfg_missing(missing, sizeof missing, ctx.has_edge, " edge");
	cfg_missing(missing, sizeof missing, ctx.has_role, " role");
	if (missing[0] != '\0') {
		if (cfg_lex_peek(&p->lx, &t) == -1)
			return (-1);
		/* A word that fits nowhere is a typo: name what fits. */
		if (t->type == TOK_WORD &&
		    cfg_keyword_find(cfg_partner_keywords, t->text) == NULL)
			return (cfg_unknown(p, t, cfg_session_keywords));
		cfg_keyword_list(cfg_session_keywords, list, sizeof list);
		return (cfg_lex_error(&p->lx, &t->loc, "session \"%s\" is "
		    "missing%s (expected one of %s, got %s)",
		    cfg_lex_quote(name, q, sizeof q), missing, list,
		    cfg_lex_describe(t, d, sizeof d)));
	}

	if (!ctx.has_router)
		memcpy(s->router, s->name, sizeof s->router);

	for (i = 0; i + 1 < m->nsessions; i++) {
		o = m->sessions[i];
		if (addr_cmp(&o->neighbor, &s->neighbor) == 0 &&
		    strcmp(o->router, s->router) == 0) {
			return (cfg_lex_error(&p->lx, &ctx.neighbor_loc,
			    "neighbor %s on router \"%s\" is already session "
			    "\"%s\"", addr_fmt(&s->neighbor, a, sizeof a),
			    cfg_lex_quote(s->router, r, sizeof r),
			    cfg_lex_quote(o->name, q, sizeof q)));
		}
	}
	return (0);
}

static int
cfg_session_neighbor(struct parser *p, const struct loc *kw, void *arg)
{
	struct session_ctx	*ctx = arg;
	char			 q[CFG_LEX_QUOTE_LEN];

	if (ctx->has_neighbor)
		return (cfg_lex_error(&p->lx, kw, "neighbor given twice for "
		    "session \"%s\"", cfg_lex_quote(ctx->s->name, q,
		    sizeof q)));
	/* Its location is kept for the duplicate check after all options. */
	if (cfg_addr(p, &ctx->s->neighbor, "an address after neighbor",
	    &ctx->neighbor_loc) == -1)
		return (-1);
	ctx->has_neighbor = 1;
	return (0);
}

static int
cfg_session_router(struct parser *p, const struct loc *kw, void *arg)
{
	struct session_ctx	*ctx = arg;
	struct token		*t;
	char			 q[CFG_LEX_QUOTE_LEN];

	if (ctx->has_router)
		return (cfg_lex_error(&p->lx, kw, "router given twice for "
		    "session \"%s\"", cfg_lex_quote(ctx->s->name, q,
		    sizeof q)));
	if (cfg_lex_value(&p->lx, &t, "a router name after router") == -1 ||
	    cfg_lex_name(&p->lx, t, ctx->s->router, sizeof ctx->s->router,
	    "router name") == -1)
		return (-1);
	ctx->has_router = 1;
	return (0);
}

static int
cfg_session_edge(struct parser *p, const struct loc *kw, void *arg)
{
	struct session_ctx	*ctx = arg;
	struct token		*t;
	char			 q[CFG_LEX_QUOTE_LEN];
	int			 idx;

	if (ctx->has_edge)
		return (cfg_lex_error(&p->lx, kw, "edge given twice for "
		    "session \"%s\"", cfg_lex_quote(ctx->s->name, q,
		    sizeof q)));
	if (cfg_lex_value(&p->lx, &t, "an edge code after edge") == -1)
		return (-1);
	if (t->len >= EDGE_CODE_MAX ||
	    (idx = model_edge_find(p->m, t->text)) < 0)
		return (cfg_lex_error(&p->lx, &t->loc, "unknown edge \"%s\"",
		    cfg_lex_quote(t->text, q, sizeof q)));
	strlcpy_pt(ctx->s->edge, p->m->edges[idx].code, sizeof ctx->s->edge);
	ctx->s->edge_idx = idx;
	ctx->has_edge = 1;
	return (0);
}

static int
cfg_session_role(struct parser *p, const struct loc *kw, void *arg)
{
	struct session_ctx	*ctx = arg;
	struct token		*t;
	char			 q[CFG_LEX_QUOTE_LEN];

	if (ctx->has_role)
		return (cfg_lex_error(&p->lx, kw, "role given twice for "
		    "session \"%s\"", cfg_lex_quote(ctx->s->name, q,
		    sizeof q)));
	if (cfg_lex_value(&p->lx, &t, "primary or backup after role") == -1)
		return (-1);
	if (strcmp(t->text, "primary") == 0)
		ctx->s->role = ROLE_PRIMARY;
	else if (strcmp(t->text, "backup") == 0)
		ctx->s->role = ROLE_BACKUP;
	else
		return (cfg_lex_error(&p->lx, &t->loc, "bad role \"%s\": "
		    "expected primary or backup", cfg_lex_quote(t->text, q,
		    sizeof q)));
	ctx->has_role = 1;
	return (0);
}

/* branch "name" { [partner "p"] address A... prefix P origin AS ... } */
static int
cfg_branch(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg CFG_UNUSED)
{
	struct model	*m = p->m;
	struct branch	*b;
	struct token	*t, *close;
	char		 name[NAME_MAX_PT], q[CFG_LEX_QUOTE_LEN];
	char		 what[NAME_MAX_PT * 4 + 16];

	if (cfg_lex_value(&p->lx, &t, "a branch name after branch") == -1 ||
	    cfg_lex_name(&p->lx, t, name, sizeof name, "branch name") == -1 ||
	    cfg_new_name(p, t, "branch", "branches",
	    model_branch_find(m, name) != NULL, m->nbranches,
	    CONFIG_BRANCHES_MAX) == -1)
		return (-1);

	b = xcalloc(1, sizeof *b);
	memcpy(b->name, name, sizeof b->name);
	b->nearest = -1;
	b->routed = -1;
	b->lat_nearest = -1;
	b->lat_main = -1;
	m->branches = xreallocarray(m->branches, m->nbranches + 1,
	    sizeof *m->branches);
	m->branches[m->nbranches++] = b;

	snprintf(what, sizeof what, "branch \"%s\"",
	    cfg_lex_quote(name, q, sizeof q));
	if (cfg_lex_expect(&p->lx, TOK_LBRACE, NULL, what) == -1 ||
	    cfg_block(p, cfg_branch_keywords, b, what, &close) == -1)
		return (-1);
	if (b->naddrs == 0)
		return (cfg_lex_error(&p->lx, &close->loc, "%s needs at least "
		    "one address", what));
	return (0);
}

static int
cfg_branch_partner(struct parser *p, const struct loc *kw, void *arg)
{
	struct branch	*b = arg;
	struct pending	*pd;
	struct token	*t;

	if (b->partner_name[0] != '\0')
		return (cfg_lex_error(&p->lx, kw, "partner given twice for "
		    "branch"));
	if (cfg_lex_value(&p->lx, &t, "a partner name after partner") == -1 ||
	    cfg_lex_name(&p->lx, t, b->partner_name, sizeof b->partner_name,
	    "partner name") == -1)
		return (-1);
	/* Partners may come later in the file: resolve at the end. */
	p->pending = xreallocarray(p->pending, p->npending + 1,
	    sizeof *p->pending);
	pd = &p->pending[p->npending++];
	pd->branch = b;
	pd->file = xstrdup(t->loc.file);
	pd->line = t->loc.line;
	pd->col = t->loc.col;
	return (0);
}

static int
cfg_branch_address(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg)
{
	struct branch	*b = arg;
	struct addr	 a;
	struct loc	 l;

	if (cfg_addr(p, &a, "an address after address", &l) == -1)
		return (-1);
	if (b->naddrs >= CONFIG_ADDRS_MAX)
		return (cfg_lex_error(&p->lx, &l, "too many addresses in "
		    "branch (at most %d)", CONFIG_ADDRS_MAX));
	b->addrs = xreallocarray(b->addrs, b->naddrs + 1, sizeof *b->addrs);
	b->addrs[b->naddrs++] = a;
	return (0);
}

static int
cfg_branch_prefix(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg)
{
	struct branch		*b = arg;
	struct token		*t;
	struct branch_prefix	 bp;
	char			 q[CFG_LEX_QUOTE_LEN];
	char			 fix[PREFIX_STRLEN], what[PREFIX_STRLEN + 16];
	int			 rv;

	if (cfg_lex_value(&p->lx, &t, "a prefix after prefix") == -1)
		return (-1);
	memset(&bp, 0, sizeof bp);
	bp.best_session = -1;
	rv = t->type == TOK_WORD ? prefix_parse(t->text, &bp.prefix) : -1;
	if (rv == -2) {
		if (cfg_prefix_mask(t->text, fix, sizeof fix) == 0)
			return (cfg_lex_error(&p->lx, &t->loc, "prefix %s has "
			    "host bits set (did you mean %s?)",
			    cfg_lex_quote(t->text, q, sizeof q), fix));
		return (cfg_lex_error(&p->lx, &t->loc, "prefix %s has host "
		    "bits set", cfg_lex_quote(t->text, q, sizeof q)));
	}
	if (rv != 0)
		return (cfg_lex_error(&p->lx, &t->loc, "bad prefix \"%s\": "
		    "expected ADDRESS/LENGTH, e.g. 192.0.2.0/24 or "
		    "2001:db8::/32", cfg_lex_quote(t->text, q, sizeof q)));
	if (b->nprefixes >= CONFIG_PREFIXES_MAX)
		return (cfg_lex_error(&p->lx, &t->loc, "too many prefixes in "
		    "branch (at most %d)", CONFIG_PREFIXES_MAX));
	snprintf(what, sizeof what, "prefix %s", cfg_lex_quote(t->text, q,
	    sizeof q));
	if (cfg_lex_expect(&p->lx, TOK_WORD, "origin", what) == -1 ||
	    cfg_asn(p, &bp.origin, "an AS number after origin") == -1)
		return (-1);
	/* Added first, so that model_free() frees the upstreams. */
	b->prefixes = xreallocarray(b->prefixes, b->nprefixes + 1,
	    sizeof *b->prefixes);
	b->prefixes[b->nprefixes++] = bp;
	if (cfg_lex_peek(&p->lx, &t) == -1)
		return (-1);
	if (t->type == TOK_WORD && strcmp(t->text, "upstream") == 0)
		return (cfg_lex_next(&p->lx, &t) == -1 ? -1 :
		    cfg_branch_upstreams(p, &b->prefixes[b->nprefixes - 1]));
	return (0);
}

/*
 * "upstream AS [AS ...]" after a prefix: the ASes allowed next to the
 * origin on the way to Microsoft.  The list ends at the first word that
 * is not an AS number (the next statement).
 */
static int
cfg_branch_upstreams(struct parser *p, struct branch_prefix *bp)
{
	struct token	*t;
	struct loc	 l;
	uint32_t	 as;
	char		 q[CFG_LEX_QUOTE_LEN];
	size_t		 i;

	if (cfg_lex_value(&p->lx, &t, "an AS number after upstream") == -1)
		return (-1);
	if (t->type != TOK_WORD || cfg_parse_asn(t->text, &as) == -1)
		return (cfg_lex_error(&p->lx, &t->loc, "bad AS number \"%s\": "
		    "expected 1 to 4294967295", cfg_lex_quote(t->text, q,
		    sizeof q)));
	for (;;) {
		l = t->loc;
		for (i = 0; i < bp->nupstreams; i++)
			if (bp->upstreams[i] == as)
				break;
		if (as == bp->origin)
			return (cfg_lex_error(&p->lx, &l, "upstream AS%u is "
			    "the origin of the prefix", as));
		if (i < bp->nupstreams)
			return (cfg_lex_error(&p->lx, &l, "upstream AS%u "
			    "given twice", as));
		if (bp->nupstreams >= CONFIG_UPSTREAMS_MAX)
			return (cfg_lex_error(&p->lx, &l, "too many upstreams "
			    "for prefix (at most %d)", CONFIG_UPSTREAMS_MAX));
		bp->upstreams = xreallocarray(bp->upstreams,
		    bp->nupstreams + 1, sizeof *bp->upstreams);
		bp->upstreams[bp->nupstreams++] = as;
		if (cfg_lex_peek(&p->lx, &t) == -1)
			return (-1);
		if (t->type != TOK_WORD || cfg_parse_asn(t->text, &as) == -1)
			return (0);
		if (cfg_lex_next(&p->lx, &t) == -1)
			return (-1);
	}
}

static int
cfg_branch_location(struct parser *p, const struct loc *kw, void *arg)
{
	struct branch	*b = arg;

	if (b->has_location)
		return (cfg_lex_error(&p->lx, kw, "location given twice for "
		    "branch"));
	if (cfg_location(p, &b->cfg_lat, &b->cfg_lon) == -1)
		return (-1);
	b->has_location = 1;
	return (0);
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

/*
 * Give each branch its partner: the one named, else the one whose AS
 * originates the branch's first prefix, else the only partner.
 */
static int
cfg_resolve(struct parser *p)
{
	struct model	*m = p->m;
	struct collector *c;
	struct branch	*b;
	struct pending	*pd;
	struct loc	 l;
	char		 q[CFG_LEX_QUOTE_LEN];
	size_t		 i, j;

	for (i = 0; i < p->npending; i++) {
		pd = &p->pending[i];
		b = pd->branch;
		if ((b->partner = model_partner_find(m, b->partner_name)) ==
		    NULL) {
			l.file = pd->file;
			l.line = pd->line;
			l.col = pd->col;
			return (cfg_lex_error(&p->lx, &l, "unknown partner "
			    "\"%s\"", cfg_lex_quote(b->partner_name, q,
			    sizeof q)));
		}
	}
	for (i = 0; i < m->nbranches; i++) {
		b = m->branches[i];
		if (b->partner != NULL || b->partner_name[0] != '\0')
			continue;
		if (b->nprefixes > 0) {
			for (j = 0; j < m->npartners; j++) {
				if (m->partners[j]->asn ==
				    b->prefixes[0].origin) {
					b->partner = m->partners[j];
					break;
				}
			}
		}
		if (b->partner == NULL && m->npartners == 1)
			b->partner = m->partners[0];
	}
	/* Probe lines make the built-in prober a collector. */
	for (i = 0; i < m->nbranches; i++) {
		if (m->branches[i]->nprobes == 0)
			continue;
		l.file = "the configuration";
		l.line = l.col = 0;
		if ((c = cfg_collector_new(p, &l, "probe")) == NULL)
			return (-1);
		strlcpy_pt(c->name, "probe", sizeof c->name);
		break;
	}
	return (0);
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
 * The edge catalogue (datadir's edges.csv) first, so that the file can
 * override its edges and sessions can name them; then the file.  A
 * datadir set in the file means another catalogue: parse again on top of
 * that one.
 */
struct model *
config_load(const char *path, const char *datadir, char **used,
    char **cause)
{
	struct model	*m;
	const char	*env = getenv("PEERTOP_DATADIR");
	char		*dir, *file, *why = NULL;
	int		 pass, rc;

	*cause = NULL;
	if (datadir == NULL)
		datadir = env != NULL && *env != '\0' ? env : PEERTOP_DATADIR;
	dir = xstrdup(datadir);
	for (pass = 0; pass < 2; pass++) {
		m = model_new();
		xasprintf(&file, "%s/edges.csv", dir);
		rc = geo_edges_load(m, file, &why);
		free(file);
		if (rc != 0) {
			xasprintf(cause, "peertop: edge catalogue: %s (set "
			    "PEERTOP_DATADIR or datadir)", why);
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
