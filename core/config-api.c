/* SPDX-License-Identifier: ISC */
/*
 * api listen ADDRESS [port N] [{ token "t" max-connections N
 * request-timeout D tls { ... } }]: where the collector serves its
 * read-only JSON API (core/api.c).  Loopback unless told otherwise;
 * another address without a token is said at -n, as for ingest, since
 * anyone reaching the port would read the whole network's state, and
 * one without tls (config-tls.c).  The options may also follow the port
 * on the same line.
 */

#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/config-lex.h"
#include "core/config-private.h"
#include "core/model.h"
#include "core/util.h"

static int	 cfg_api_port(struct parser *, const struct loc *, void *);
static int	 cfg_api_token(struct parser *, const struct loc *, void *);
static int	 cfg_api_conns(struct parser *, const struct loc *, void *);
static int	 cfg_api_timeout(struct parser *, const struct loc *, void *);
static int	 cfg_api_tls(struct parser *, const struct loc *, void *);

static const struct keyword cfg_api_keywords[] = {
	{ "port", cfg_api_port },
	{ "token", cfg_api_token },
	{ "max-connections", cfg_api_conns },
	{ "request-timeout", cfg_api_timeout },
	{ "tls", cfg_api_tls },
	{ NULL, NULL }
};

static int
cfg_api_port(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg CFG_UNUSED)
{
	return (cfg_port(p, &p->m->api.port));
}

static int
cfg_api_token(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg CFG_UNUSED)
{
	return (cfg_string(p, "token", p->m->api.token,
	    sizeof p->m->api.token));
}

static int
cfg_api_conns(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg CFG_UNUSED)
{
	unsigned long	 v;

	if (cfg_number(p, "max-connections", 1, API_CONNS_MAX, &v) == -1)
		return (-1);
	p->m->api.max_conns = (unsigned)v;
	return (0);
}

/* A whole request, however slowly it comes. */
static int
cfg_api_timeout(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg CFG_UNUSED)
{
	int64_t		 v;

	if (cfg_span(p, "request-timeout", 1000, 300 * 1000, &v) == -1)
		return (-1);
	p->m->api.request_timeout_ms = (unsigned)v;
	return (0);
}

static int
cfg_api_tls(struct parser *p, const struct loc *kw, void *arg CFG_UNUSED)
{
	return (cfg_tls(p, kw, &p->m->api.tls, 0, "api"));
}

int
cfg_api(struct parser *p, const struct loc *kw, void *arg CFG_UNUSED)
{
	struct api_conf	*ac = &p->m->api;
	struct token	*t, *close;
	struct loc	 l;

	if (ac->enabled)
		return (cfg_lex_error(&p->lx, kw, "api given twice"));
	if (cfg_lex_expect(&p->lx, TOK_WORD, "listen", "api") == -1 ||
	    cfg_addr(p, &ac->listen, "an address after listen", &l) == -1)
		return (-1);
	ac->enabled = 1;
	ac->port = API_PORT_DEFAULT;
	if (cfg_options(p, cfg_api_keywords, NULL) == -1 ||
	    cfg_lex_peek(&p->lx, &t) == -1)
		return (-1);
	if (t->type == TOK_LBRACE && (cfg_lex_next(&p->lx, &t) == -1 ||
	    cfg_block(p, cfg_api_keywords, NULL, "api", &close) == -1))
		return (-1);
	cfg_listen_check(p, &l, "api", &ac->listen, ac->port,
	    ac->token[0] != '\0' || (ac->tls.enabled &&
	    ac->tls.client_certs == TLS_CC_REQUIRE), "token", "read the state "
	    "of every session, partner and branch");
	cfg_tls_check(p, &l, "api", &ac->listen, &ac->tls,
	    "the token and every answer");
	return (0);
}
