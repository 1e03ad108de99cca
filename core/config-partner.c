/* SPDX-License-Identifier: ISC */
/*
 * Partners and branches in the configuration (peertop.conf(5)): a
 * "partner" with its sessions (neighbor, router, edge, role) and backup
 * policy, a "branch" with its addresses, registered prefixes and their
 * upstreams, and, once the whole file is read, cfg_resolve() giving each
 * branch its partner.  A branch's latency and probe lines are
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

#define CONFIG_PARTNERS_MAX	4096
#define CONFIG_SESSIONS_MAX	16384
#define CONFIG_BRANCHES_MAX	16384
#define CONFIG_ADDRS_MAX	64	/* per branch */
#define CONFIG_PREFIXES_MAX	1024	/* per branch */
#define CONFIG_UPSTREAMS_MAX	32	/* per registered prefix */

static int	 cfg_partner_backup(struct parser *, const struct loc *,
		    void *);
static int	 cfg_session(struct parser *, const struct loc *, void *);
static int	 cfg_session_neighbor(struct parser *, const struct loc *,
		    void *);
static int	 cfg_session_router(struct parser *, const struct loc *,
		    void *);
static int	 cfg_session_edge(struct parser *, const struct loc *, void *);
static int	 cfg_session_role(struct parser *, const struct loc *, void *);
static int	 cfg_session_max_prefix(struct parser *, const struct loc *,
		    void *);
static int	 cfg_session_relation(struct parser *, const struct loc *,
		    void *);
static int	 cfg_branch_partner(struct parser *, const struct loc *,
		    void *);
static int	 cfg_branch_address(struct parser *, const struct loc *,
		    void *);
static int	 cfg_branch_prefix(struct parser *, const struct loc *, void *);
static int	 cfg_branch_upstreams(struct parser *, struct branch_prefix *);
static int	 cfg_branch_location(struct parser *, const struct loc *,
		    void *);

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
	{ "max-prefix", cfg_session_max_prefix },
	{ "relation", cfg_session_relation },
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

/* A session statement being read. */
struct session_ctx {
	struct session	*s;
	int		 has_neighbor, has_router, has_edge, has_role;
	int		 has_relation;
	struct loc	 neighbor_loc;	/* same file: sessions never span one */
};

/* partner "name" as ASN { session ... backup none } */
int
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
 * session "name" neighbor ADDR [router "r"] edge CODE role primary|backup
 * [max-prefix N [warning|drop]], options in any order.  Session names are global across partners.
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

/* A BMP peer that is this session: its own limit, not the collector's. */
static int
cfg_session_max_prefix(struct parser *p, const struct loc *kw, void *arg)
{
	struct session_ctx	*ctx = arg;
	char			 q[CFG_LEX_QUOTE_LEN], what[96];

	snprintf(what, sizeof what, "session \"%s\"",
	    cfg_lex_quote(ctx->s->name, q, sizeof q));
	return (cfg_max_prefix(p, kw, &ctx->s->max_prefix, what));
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

/*
 * relation customer|peer|provider|rs|rs-client: what the neighbor is to
 * the partner's router (RFC 9234 roles); unset, the neighbor's announced
 * BGP Role or peer (bgp_role_effective()).
 */
static int
cfg_session_relation(struct parser *p, const struct loc *kw, void *arg)
{
	struct session_ctx	*ctx = arg;
	struct token		*t;
	char			 q[CFG_LEX_QUOTE_LEN];

	if (ctx->has_relation)
		return (cfg_lex_error(&p->lx, kw, "relation given twice for "
		    "session \"%s\"", cfg_lex_quote(ctx->s->name, q,
		    sizeof q)));
	if (cfg_lex_value(&p->lx, &t, "customer, peer, provider, rs or "
	    "rs-client after relation") == -1)
		return (-1);
	if (bgp_role_parse(t->text, &ctx->s->relation) == -1)
		return (cfg_lex_error(&p->lx, &t->loc, "bad relation \"%s\": "
		    "expected customer, peer, provider, rs or rs-client",
		    cfg_lex_quote(t->text, q, sizeof q)));
	ctx->has_relation = 1;
	return (0);
}

/* branch "name" { [partner "p"] address A... prefix P origin AS ... } */
int
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

/*
 * Give each branch its partner: the one named, else the one whose AS
 * originates the branch's first prefix, else the only partner.
 */
int
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
		l.file = pd->file;
		l.line = pd->line;
		l.col = pd->col;
		if ((b = pd->branch) == NULL) {
			/* A notify block's: it names one that exists. */
			if (strcmp(pd->ref, "partner") == 0 ?
			    model_partner_find(m, pd->name) != NULL :
			    model_branch_find(m, pd->name) != NULL)
				continue;
			return (cfg_lex_error(&p->lx, &l, "notify: unknown %s "
			    "\"%s\"", pd->ref, cfg_lex_quote(pd->name, q,
			    sizeof q)));
		}
		if ((b->partner = model_partner_find(m, b->partner_name)) ==
		    NULL)
			return (cfg_lex_error(&p->lx, &l, "unknown partner "
			    "\"%s\"", cfg_lex_quote(b->partner_name, q,
			    sizeof q)));
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
