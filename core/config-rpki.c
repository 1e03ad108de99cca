/* SPDX-License-Identifier: ISC */
/*
 * The rpki block of the configuration (peertop.conf(5)): where the VRPs
 * for RPKI origin validation come from, one collector "rpki":
 *
 *	rpki { rtr "HOST" [port N] [refresh DURATION] }
 *	rpki { file "VRPS.json" [slurm "SLURM.json"] [interval DURATION] }
 *
 * One per configuration: every route has one state, against one set of
 * VRPs.
 */
#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/collector.h"
#include "core/config.h"
#include "core/config-lex.h"
#include "core/config-private.h"
#include "core/model.h"
#include "core/util.h"

#define RPKI_RTR_PORT	323	/* IANA rpki-rtr (RFC 6810 7) */

/* An rpki block being read. */
struct rpki_ctx {
	struct collector *c;
	int		 has_port, has_interval;
	struct loc	 port_at;
};

static int	cfg_rpki_rtr(struct parser *, const struct loc *, void *);
static int	cfg_rpki_file(struct parser *, const struct loc *, void *);
static int	cfg_rpki_slurm(struct parser *, const struct loc *, void *);
static int	cfg_rpki_port(struct parser *, const struct loc *, void *);
static int	cfg_rpki_interval(struct parser *, const struct loc *,
		    void *);

static const struct keyword cfg_rpki_keywords[] = {
	{ "rtr", cfg_rpki_rtr },
	{ "port", cfg_rpki_port },
	{ "refresh", cfg_rpki_interval },
	{ "file", cfg_rpki_file },
	{ "slurm", cfg_rpki_slurm },
	{ "interval", cfg_rpki_interval },
	{ NULL, NULL }
};

static int
cfg_rpki_rtr(struct parser *p, const struct loc *kw, void *arg)
{
	struct rpki_ctx	*ctx = arg;

	if (ctx->c->rtr_host != NULL || ctx->c->path != NULL)
		return (cfg_lex_error(&p->lx, kw, "rpki takes one source: "
		    "rtr or file"));
	return (cfg_lex_path(&p->lx, &ctx->c->rtr_host,
	    "a host after rtr", NULL));
}

static int
cfg_rpki_file(struct parser *p, const struct loc *kw, void *arg)
{
	struct rpki_ctx	*ctx = arg;

	if (ctx->c->rtr_host != NULL || ctx->c->path != NULL)
		return (cfg_lex_error(&p->lx, kw, "rpki takes one source: "
		    "rtr or file"));
	return (cfg_lex_path(&p->lx, &ctx->c->path,
	    "a VRP file after file", NULL));
}

static int
cfg_rpki_slurm(struct parser *p, const struct loc *kw, void *arg)
{
	struct rpki_ctx	*ctx = arg;

	if (ctx->c->slurm != NULL)
		return (cfg_lex_error(&p->lx, kw, "slurm given twice for "
		    "rpki"));
	return (cfg_lex_path(&p->lx, &ctx->c->slurm,
	    "a SLURM file after slurm", NULL));
}

static int
cfg_rpki_port(struct parser *p, const struct loc *kw, void *arg)
{
	struct rpki_ctx	*ctx = arg;

	if (ctx->has_port)
		return (cfg_lex_error(&p->lx, kw, "port given twice for rpki"));
	if (cfg_port(p, &ctx->c->port) == -1)
		return (-1);
	ctx->has_port = 1;
	ctx->port_at = *kw;
	return (0);
}

/* interval (file check) and refresh (RTR): one duration. */
static int
cfg_rpki_interval(struct parser *p, const struct loc *kw, void *arg)
{
	struct rpki_ctx	*ctx = arg;

	if (ctx->has_interval)
		return (cfg_lex_error(&p->lx, kw, "interval or refresh given "
		    "twice for rpki"));
	if (cfg_interval(p, "a duration", &ctx->c->interval_ms) == -1)
		return (-1);
	ctx->has_interval = 1;
	return (0);
}

int
cfg_rpki(struct parser *p, const struct loc *kw, void *arg CFG_UNUSED)
{
	struct model	*m = p->m;
	struct collector *c;
	struct rpki_ctx	 ctx;
	struct token	*close;
	size_t		 i;
	int		 n;

	for (i = 0; i < m->ncollectors; i++) {
		if (m->collectors[i]->ops == &collector_rpki)
			return (cfg_lex_error(&p->lx, kw, "only one rpki "
			    "block: every route is validated against one "
			    "set of VRPs"));
	}
	if ((c = cfg_collector_new(p, kw, "rpki")) == NULL)
		return (-1);
	if (cfg_lex_expect(&p->lx, TOK_LBRACE, NULL, "rpki") == -1)
		return (-1);
	memset(&ctx, 0, sizeof ctx);
	ctx.c = c;
	if (cfg_block(p, cfg_rpki_keywords, &ctx, "rpki", &close) == -1)
		return (-1);
	if (c->rtr_host == NULL && c->path == NULL)
		return (cfg_lex_error(&p->lx, &close->loc, "rpki needs a "
		    "source: rtr \"HOST\" or file \"VRPS.json\""));
	if (c->rtr_host != NULL && c->slurm != NULL)
		return (cfg_lex_error(&p->lx, kw, "slurm is for a file "
		    "source: the RTR cache applies its own"));
	if (c->path != NULL && ctx.has_port)
		return (cfg_lex_error(&p->lx, &ctx.port_at, "port is for an "
		    "rtr source"));
	if (c->rtr_host != NULL && !ctx.has_port)
		c->port = RPKI_RTR_PORT;
	if (c->rtr_host != NULL)
		n = snprintf(c->name, sizeof c->name, "rpki %s:%d",
		    c->rtr_host, c->port);
	else
		n = snprintf(c->name, sizeof c->name, "rpki %s", c->path);
	if (n < 0)
		c->name[0] = '\0';
	return (0);
}
