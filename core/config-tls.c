/* SPDX-License-Identifier: ISC */
/*
 * tls { certificate "F" key "F" ca "F" client-certificates none|optional|
 * require }: TLS on an HTTP listener (api, metrics, ingest) or client
 * (agent: ca, and certificate and key for a client certificate).  The
 * files are read here, so that peertop -n says which one is missing,
 * unreadable or not matching, at its line; the running collector reads
 * them again on start and SIGHUP (core/tls.c).  A listener other hosts
 * can reach without tls is a warning at -n: its token and answers cross
 * the network in clear.
 */

#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/config-lex.h"
#include "core/config-private.h"
#include "core/model.h"
#include "core/tls.h"
#include "core/util.h"

struct tls_ctx_cfg {
	struct tls_conf	*tc;
	unsigned	 seen;
};
#define SEEN_TCERT	0x01
#define SEEN_TKEY	0x02
#define SEEN_TCA	0x04
#define SEEN_TCC	0x08

static int	cfg_tls_file(struct parser *, const struct loc *,
		    struct tls_ctx_cfg *, unsigned, const char *, char *);
static int	cfg_tls_cert(struct parser *, const struct loc *, void *);
static int	cfg_tls_key(struct parser *, const struct loc *, void *);
static int	cfg_tls_ca(struct parser *, const struct loc *, void *);
static int	cfg_tls_cc(struct parser *, const struct loc *, void *);

static const struct keyword cfg_tls_server_keywords[] = {
	{ "certificate", cfg_tls_cert },
	{ "key", cfg_tls_key },
	{ "ca", cfg_tls_ca },
	{ "client-certificates", cfg_tls_cc },
	{ NULL, NULL }
};

static const struct keyword cfg_tls_client_keywords[] = {
	{ "ca", cfg_tls_ca },
	{ "certificate", cfg_tls_cert },
	{ "key", cfg_tls_key },
	{ NULL, NULL }
};

/* A file's name, and the file readable now: else an error at the name. */
static int
cfg_tls_file(struct parser *p, const struct loc *kw, struct tls_ctx_cfg *ctx,
    unsigned bit, const char *word, char *dst)
{
	struct token	*t;
	FILE		*f;
	char		 what[64];

	if (ctx->seen & bit)
		return (cfg_lex_error(&p->lx, kw, "%s given twice in tls",
		    word));
	ctx->seen |= bit;
	snprintf(what, sizeof what, "a file name after %s", word);
	if (cfg_lex_value(&p->lx, &t, what) == -1 ||
	    cfg_lex_name(&p->lx, t, dst, TLS_PATH_MAX, word) == -1)
		return (-1);
	/* Whole, not shortened: the name is the point (valid UTF-8). */
	if ((f = fopen(dst, "r")) == NULL)
		return (cfg_lex_error(&p->lx, &t->loc, "cannot read %s \"%s\": "
		    "%s", word, dst, strerror(errno)));
	fclose(f);
	return (0);
}

static int
cfg_tls_cert(struct parser *p, const struct loc *kw, void *arg)
{
	struct tls_ctx_cfg	*ctx = arg;

	return (cfg_tls_file(p, kw, ctx, SEEN_TCERT, "certificate",
	    ctx->tc->certificate));
}

static int
cfg_tls_key(struct parser *p, const struct loc *kw, void *arg)
{
	struct tls_ctx_cfg	*ctx = arg;

	return (cfg_tls_file(p, kw, ctx, SEEN_TKEY, "key", ctx->tc->key));
}

static int
cfg_tls_ca(struct parser *p, const struct loc *kw, void *arg)
{
	struct tls_ctx_cfg	*ctx = arg;

	return (cfg_tls_file(p, kw, ctx, SEEN_TCA, "ca", ctx->tc->ca));
}

static int
cfg_tls_cc(struct parser *p, const struct loc *kw, void *arg)
{
	struct tls_ctx_cfg	*ctx = arg;
	struct token		*t;
	char			 q[CFG_LEX_QUOTE_LEN];

	if (ctx->seen & SEEN_TCC)
		return (cfg_lex_error(&p->lx, kw, "client-certificates given "
		    "twice in tls"));
	ctx->seen |= SEEN_TCC;
	if (cfg_lex_value(&p->lx, &t, "none, optional or require after "
	    "client-certificates") == -1)
		return (-1);
	if (strcmp(t->text, "none") == 0)
		ctx->tc->client_certs = TLS_CC_NONE;
	else if (strcmp(t->text, "optional") == 0)
		ctx->tc->client_certs = TLS_CC_OPTIONAL;
	else if (strcmp(t->text, "require") == 0)
		ctx->tc->client_certs = TLS_CC_REQUIRE;
	else
		return (cfg_lex_error(&p->lx, &t->loc, "bad "
		    "client-certificates \"%s\": expected none, optional or "
		    "require", cfg_lex_quote(t->text, q, sizeof q)));
	return (0);
}

int
cfg_tls(struct parser *p, const struct loc *kw, struct tls_conf *tc,
    int client, const char *where)
{
	struct tls_ctx_cfg	 ctx;
	struct token		*close;
	struct tls_server	*ts;
	struct tls_client	*tcl;
	char			*cause = NULL, why[TLS_PATH_MAX + 96];

	if (tc->enabled)
		return (cfg_lex_error(&p->lx, kw, "tls given twice in %s",
		    where));
	memset(tc, 0, sizeof *tc);
	memset(&ctx, 0, sizeof ctx);
	ctx.tc = tc;
	if (cfg_lex_expect(&p->lx, TOK_LBRACE, NULL, "tls") == -1 ||
	    cfg_block(p, client ? cfg_tls_client_keywords :
	    cfg_tls_server_keywords, &ctx, "tls", &close) == -1)
		return (-1);
	tc->enabled = 1;
	if (!client && (tc->certificate[0] == '\0' || tc->key[0] == '\0'))
		return (cfg_lex_error(&p->lx, &close->loc, "tls in %s needs "
		    "certificate \"FILE\" and key \"FILE\"", where));
	if (client && tc->key[0] != '\0' && tc->certificate[0] == '\0')
		return (cfg_lex_error(&p->lx, &close->loc, "tls in %s: a key "
		    "without its certificate", where));
	if (tc->client_certs != TLS_CC_NONE && tc->ca[0] == '\0')
		return (cfg_lex_error(&p->lx, &close->loc, "tls in %s: "
		    "client-certificates needs the ca that signs them", where));
	if (!client && tc->ca[0] != '\0' && tc->client_certs == TLS_CC_NONE)
		cfg_warn(p, kw, "tls in %s: ca is only used with "
		    "client-certificates optional or require", where);
	if (tls_certificate_expiry(tc->certificate, why, sizeof why))
		cfg_warn(p, kw, "tls in %s: %s", where, why);
	/* What the collector will do with them: the same errors, now. */
	if (client) {
		if ((tcl = tls_client_new(tc, where, &cause)) != NULL)
			tls_client_free(tcl);
	} else if ((ts = tls_server_new(tc, where, &cause)) != NULL)
		tls_server_free(ts);
	if (cause != NULL) {
		cfg_lex_error(&p->lx, kw, "%s", cause);
		free(cause);
		return (-1);
	}
	return (0);
}

/*
 * A listener (what: "api") on addr without tls: a warning, unless only
 * this host can reach it.  can: what crosses the network in clear.
 */
void
cfg_tls_check(struct parser *p, const struct loc *l, const char *what,
    const struct addr *addr, const struct tls_conf *tc, const char *can)
{
	char	 a[ADDR_STRLEN];

	if (tc->enabled || cfg_loopback(addr))
		return;
	addr_fmt(addr, a, sizeof a);
	cfg_warn(p, l, "%s listen %s without tls: %s cross the network in "
	    "clear", what, a, can);
}
