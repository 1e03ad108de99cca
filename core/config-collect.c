/* SPDX-License-Identifier: ISC */
/*
 * The collector blocks of the configuration (peertop.conf(5)): "bird"
 * (a BIRD control socket per router) and "bmp" (the BMP listener and
 * which routers may connect), each a collector added to the model.  The
 * latency family's collectors (probe, prometheus, ingest) are
 * config-latency.c's.
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

#define BIRD_INTERVAL_MS	5000
#define BMP_PORT_DEFAULT	11019
#define BMP_ROUTERS_MAX		4096
#define BMP_HOLD_MIN_MS		1000
#define BMP_HOLD_MAX_MS		(24 * 3600 * 1000)
#define BMP_PEERS_MAX		65536	/* per router */

static int	 cfg_bird_router(struct parser *, const struct loc *, void *);
static int	 cfg_bird_interval(struct parser *, const struct loc *, void *);
static int	 cfg_bmp_port(struct parser *, const struct loc *, void *);
static int	 cfg_bmp_allow(struct parser *, const struct loc *, void *);
static int	 cfg_bmp_count(struct parser *, const struct loc *, int *,
		    const char *, unsigned long, unsigned long,
		    unsigned long *);
static int	 cfg_bmp_max_routers(struct parser *, const struct loc *,
		    void *);
static int	 cfg_bmp_init_timeout(struct parser *, const struct loc *,
		    void *);
static int	 cfg_bmp_message_timeout(struct parser *, const struct loc *,
		    void *);
static int	 cfg_bmp_hold_time(struct parser *, const struct loc *,
		    void *);
static int	 cfg_bmp_max_peers(struct parser *, const struct loc *,
		    void *);
static int	 cfg_bmp_max_prefix(struct parser *, const struct loc *,
		    void *);
static int	 cfg_bmp_max_routes(struct parser *, const struct loc *,
		    void *);

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
	{ "init-timeout", cfg_bmp_init_timeout },
	{ "message-timeout", cfg_bmp_message_timeout },
	{ "hold-time", cfg_bmp_hold_time },
	{ "max-peers", cfg_bmp_max_peers },
	{ "max-prefix", cfg_bmp_max_prefix },
	{ "max-routes", cfg_bmp_max_routes },
	{ NULL, NULL }
};

/* A bird statement being read. */
struct bird_ctx {
	struct collector *c;
	int		 has_router, has_interval;
};

/* A bmp statement being read. */
struct bmp_ctx_cfg {
	struct collector *c;
	int		 has_port, has_max, has_max_peers, has_max_routes;
	int		 has_init, has_message, has_hold;
};

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
int
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

	if (ctx->has_interval)
		return (cfg_lex_error(&p->lx, kw, "interval given twice for "
		    "bird"));
	if (cfg_interval(p, "a duration after interval",
	    &ctx->c->interval_ms) == -1)
		return (-1);
	ctx->has_interval = 1;
	return (0);
}

/* A collector's poll interval, 100ms to 1h, into *ms. */
int
cfg_interval(struct parser *p, const char *what, int *ms)
{
	struct token	*t;
	char		 q[CFG_LEX_QUOTE_LEN];

	if (cfg_lex_value(&p->lx, &t, what) == -1)
		return (-1);
	if (t->type != TOK_WORD || cfg_parse_duration(t->text, ms) == -1)
		return (cfg_lex_error(&p->lx, &t->loc, "bad duration \"%s\": "
		    "expected 100ms to 1h, e.g. 500ms, 5s, 1m (a bare number "
		    "is seconds)", cfg_lex_quote(t->text, q, sizeof q)));
	return (0);
}


/*
 * bmp listen ADDRESS [port N] [{ allow PREFIX... max-routers N
 *     init-timeout DURATION message-timeout DURATION hold-time DURATION|off
 *     max-peers N max-prefix N [warning|drop] max-routes N }]
 */
int
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
	int				 n, guarded;

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
	/* allow 0.0.0.0/0 restricts nothing either. */
	for (i = 0, guarded = c->nallow != 0; i < c->nallow; i++)
		if (c->allow[i].len == 0)
			guarded = 0;
	cfg_listen_check(p, &l, "bmp", &c->listen, c->port, guarded,
	    "allow", "stream BMP as a router");
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

	if (ctx->has_port)
		return (cfg_lex_error(&p->lx, kw, "port given twice for bmp"));
	if (cfg_port(p, &ctx->c->port) == -1)
		return (-1);
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

/* "word N", N from min to max, given once (*has). */
static int
cfg_bmp_count(struct parser *p, const struct loc *kw, int *has,
    const char *word, unsigned long min, unsigned long max, unsigned long *v)
{
	struct token		*t;
	char			 q[CFG_LEX_QUOTE_LEN], what[32];

	if (*has)
		return (cfg_lex_error(&p->lx, kw, "%s given twice for bmp",
		    word));
	snprintf(what, sizeof what, "a number after %s", word);
	if (cfg_lex_value(&p->lx, &t, what) == -1)
		return (-1);
	if (t->type != TOK_WORD ||
	    cfg_parse_uint(t->text, max, v) == -1 || *v < min)
		return (cfg_lex_error(&p->lx, &t->loc, "bad %s \"%s\": "
		    "expected %lu to %lu", word, cfg_lex_quote(t->text, q,
		    sizeof q), min, max));
	*has = 1;
	return (0);
}

static int
cfg_bmp_max_routers(struct parser *p, const struct loc *kw, void *arg)
{
	struct bmp_ctx_cfg	*ctx = arg;
	unsigned long		 v;

	if (cfg_bmp_count(p, kw, &ctx->has_max, "max-routers", 1,
	    BMP_ROUTERS_MAX, &v) == -1)
		return (-1);
	ctx->c->max_routers = (int)v;
	return (0);
}

/* max-peers N: how many peers one router may report (fake peers). */
static int
cfg_bmp_max_peers(struct parser *p, const struct loc *kw, void *arg)
{
	struct bmp_ctx_cfg	*ctx = arg;
	unsigned long		 v;

	if (cfg_bmp_count(p, kw, &ctx->has_max_peers, "max-peers", 1,
	    BMP_PEERS_MAX, &v) == -1)
		return (-1);
	ctx->c->max_peers = (int)v;
	return (0);
}

/* max-prefix N [warning|drop]: for every peer without its own. */
static int
cfg_bmp_max_prefix(struct parser *p, const struct loc *kw, void *arg)
{
	struct bmp_ctx_cfg	*ctx = arg;

	return (cfg_max_prefix(p, kw, &ctx->c->max_prefix, "bmp"));
}

/* max-routes N: every view of every peer of one router together; 0: none. */
static int
cfg_bmp_max_routes(struct parser *p, const struct loc *kw, void *arg)
{
	struct bmp_ctx_cfg	*ctx = arg;
	unsigned long		 v;

	if (cfg_bmp_count(p, kw, &ctx->has_max_routes, "max-routes", 0,
	    UINT32_MAX, &v) == -1)
		return (-1);
	ctx->c->max_routes = (uint32_t)v;
	ctx->c->max_routes_set = 1;
	return (0);
}

/*
 * One of the bmp block's durations: name DURATION, given once, within
 * min_ms..max_ms (range says it in words), or "off" (0) when off is set.
 */
static int
cfg_bmp_duration(struct parser *p, const struct loc *kw, const char *name,
    int64_t min_ms, int64_t max_ms, const char *range, int off, int *has,
    int *ms)
{
	struct token	*t;
	int64_t		 v;
	char		 what[64], q[CFG_LEX_QUOTE_LEN];

	if (*has)
		return (cfg_lex_error(&p->lx, kw, "%s given twice for bmp",
		    name));
	snprintf(what, sizeof what, "a duration after %s", name);
	if (cfg_lex_value(&p->lx, &t, what) == -1)
		return (-1);
	if (t->type == TOK_WORD && off && strcmp(t->text, "off") == 0)
		v = 0;
	else if (t->type != TOK_WORD ||
	    cfg_parse_ms(t->text, min_ms, max_ms, &v) == -1)
		return (cfg_lex_error(&p->lx, &t->loc, "bad %s \"%s\": "
		    "expected %s%s, e.g. 500ms, 10s, 2m (a bare number is "
		    "seconds)", name, cfg_lex_quote(t->text, q, sizeof q),
		    off ? "off or " : "", range));
	*ms = (int)v;
	*has = 1;
	return (0);
}

/* init-timeout DURATION: the Initiation must come this soon. */
static int
cfg_bmp_init_timeout(struct parser *p, const struct loc *kw, void *arg)
{
	struct bmp_ctx_cfg	*ctx = arg;

	return (cfg_bmp_duration(p, kw, "init-timeout", 100, 3600 * 1000,
	    "100ms to 1h", 0, &ctx->has_init, &ctx->c->init_timeout_ms));
}

/* message-timeout DURATION: a message begun is whole this soon. */
static int
cfg_bmp_message_timeout(struct parser *p, const struct loc *kw, void *arg)
{
	struct bmp_ctx_cfg	*ctx = arg;

	return (cfg_bmp_duration(p, kw, "message-timeout", 100, 3600 * 1000,
	    "100ms to 1h", 0, &ctx->has_message, &ctx->c->message_timeout_ms));
}

/* hold-time DURATION|off: a router silent this long is closed. */
static int
cfg_bmp_hold_time(struct parser *p, const struct loc *kw, void *arg)
{
	struct bmp_ctx_cfg	*ctx = arg;

	return (cfg_bmp_duration(p, kw, "hold-time", BMP_HOLD_MIN_MS,
	    BMP_HOLD_MAX_MS, "1s to 24h", 1, &ctx->has_hold, &ctx->c->hold_ms));
}
