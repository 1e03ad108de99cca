/* SPDX-License-Identifier: ISC */
/*
 * metrics listen ADDR [port N] [{ tls { ... } }]: where a headless
 * collector serves GET /metrics in OpenMetrics text
 * (core/metrics-http.c).  The endpoint has no access control of its
 * own, like bgpctl's and bird_exporter's: loopback by default, and any
 * other address is a warning at -n, as for the ingest endpoint without
 * a token; without tls too (config-tls.c).  The options may also follow
 * the address on the same line.
 */

#include <sys/types.h>

#include <stdio.h>
#include <string.h>

#include "core/config.h"
#include "core/config-lex.h"
#include "core/config-private.h"
#include "core/metrics.h"
#include "core/model.h"
#include "core/util.h"

static int	 cfg_metrics_port(struct parser *, const struct loc *, void *);
static int	 cfg_metrics_tls(struct parser *, const struct loc *, void *);

static const struct keyword cfg_metrics_keywords[] = {
	{ "port", cfg_metrics_port },
	{ "tls", cfg_metrics_tls },
	{ NULL, NULL }
};

static int
cfg_metrics_port(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg CFG_UNUSED)
{
	return (cfg_port(p, &p->m->metrics.port));
}

static int
cfg_metrics_tls(struct parser *p, const struct loc *kw, void *arg CFG_UNUSED)
{
	return (cfg_tls(p, kw, &p->m->metrics.tls, 0, "metrics"));
}

int
cfg_metrics(struct parser *p, const struct loc *kw, void *arg CFG_UNUSED)
{
	struct metrics_conf	*mc = &p->m->metrics;
	struct token		*t, *close;
	struct loc		 l;

	if (mc->enabled)
		return (cfg_lex_error(&p->lx, kw, "metrics given twice"));
	if (cfg_lex_expect(&p->lx, TOK_WORD, "listen", "metrics") == -1 ||
	    cfg_addr(p, &mc->listen, "an address after listen", &l) == -1)
		return (-1);
	mc->enabled = 1;
	mc->port = METRICS_PORT_DEFAULT;
	if (cfg_options(p, cfg_metrics_keywords, NULL) == -1 ||
	    cfg_lex_peek(&p->lx, &t) == -1)
		return (-1);
	if (t->type == TOK_LBRACE && (cfg_lex_next(&p->lx, &t) == -1 ||
	    cfg_block(p, cfg_metrics_keywords, NULL, "metrics", &close) == -1))
		return (-1);
	/* Client certificates required are its access control. */
	cfg_listen_check(p, &l, "metrics", &mc->listen, mc->port,
	    mc->tls.enabled && mc->tls.client_certs == TLS_CC_REQUIRE,
	    "access control", "read every session, partner and branch");
	cfg_tls_check(p, &l, "metrics", &mc->listen, &mc->tls,
	    "every scrape and its answer");
	return (0);
}
