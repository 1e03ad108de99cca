/* SPDX-License-Identifier: ISC */
/*
 * metrics listen ADDR [port N]: where a headless collector serves
 * GET /metrics in OpenMetrics text (core/metrics-http.c).  The endpoint
 * has no access control of its own, like bgpctl's and bird_exporter's:
 * loopback by default, and any other address is a warning at -n, as
 * for the ingest endpoint without a token.
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

int
cfg_metrics(struct parser *p, const struct loc *kw, void *arg CFG_UNUSED)
{
	struct metrics_conf	*mc = &p->m->metrics;
	struct token		*t;
	struct loc		 l;

	if (mc->enabled)
		return (cfg_lex_error(&p->lx, kw, "metrics given twice"));
	if (cfg_lex_expect(&p->lx, TOK_WORD, "listen", "metrics") == -1 ||
	    cfg_addr(p, &mc->listen, "an address after listen", &l) == -1 ||
	    cfg_lex_peek(&p->lx, &t) == -1)
		return (-1);
	mc->enabled = 1;
	mc->port = METRICS_PORT_DEFAULT;
	if (t->type == TOK_WORD && strcmp(t->text, "port") == 0 &&
	    (cfg_lex_next(&p->lx, &t) == -1 || cfg_port(p, &mc->port) == -1))
		return (-1);
	cfg_listen_check(p, &l, "metrics", &mc->listen, mc->port, 0,
	    "access control", "read every session, partner and branch");
	return (0);
}
