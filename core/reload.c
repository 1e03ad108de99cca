/* SPDX-License-Identifier: ISC */
/*
 * SIGHUP's reload (reload.h).  The new file becomes a second model that
 * is never started; each part of the configuration is compared with the
 * running model's, in the order of peertop.conf(5), and either copied
 * over (a value the judgements read afresh on every pass or every
 * UPDATE) or reported as needing a restart (anything that made sockets,
 * timers, rings, RIB watches or history rows at start-up).  The new model
 * is freed at the end: nothing of the running one points into it.
 *
 * Each configuration field has its place here, compared or applied: a
 * field added to the grammar and not here would be ignored by a reload
 * without a word.
 *
 * The listeners' TLS certificates are the exception to "made at start":
 * they are read again on every reload, whatever changed (a renewed
 * certificate keeps its file's name), and a bad new file keeps the old
 * ones (reload_tls()).
 */
#include <sys/types.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/collector.h"
#include "core/config.h"
#include "core/httpd.h"
#include "core/latency-mon.h"
#include "core/model.h"
#include "core/notify.h"
#include "core/reload.h"
#include "core/routemon.h"
#include "core/tls.h"
#include "core/util.h"

#define RELOAD_RESTART	"needs a restart: "
#define RELOAD_KEPT	"not applied: "	/* bad, the running one stays */

struct reload {
	struct model		*m;	/* running */
	struct model		*n;	/* just parsed, never started */
	struct reload_report	*out;
	int			 rejudge;	/* latency judged again now */
};

/* The three thresholds, in the order of the LAT_F_* bits. */
static const struct reload_th {
	const char	*name;		/* the latency block's keyword */
	const char	*event;
	unsigned	 flag;
} reload_ths[] = {
	{ "high", "LatencyHigh", LAT_F_HIGH },
	{ "loss", "LossHigh", LAT_F_LOSS },
	{ "shift", "LatencyShift", LAT_F_SHIFT },
};

static void	 reload_note(struct reload *, int, const char *, ...)
		    printflike(3, 4);
static int	 reload_str_eq(const char *, const char *);
static char	*reload_fmt_us(char *, size_t, int64_t, const char *);
static char	*reload_fmt_ms(char *, size_t, int64_t, const char *);
static void	 reload_top(struct reload *);
static void	 reload_tls_one(struct reload *, const char *, int,
		    struct tls_conf *, const struct tls_conf *);
static void	 reload_tls(struct reload *);
static void	 reload_edges(struct reload *);
static int	 reload_ingest_same(const struct ingest_conf *,
		    const struct ingest_conf *);
static int	 reload_collector_same(const struct collector *,
		    const struct collector *);
static void	 reload_collector_limits(struct reload *, struct collector *,
		    const struct collector *);
static void	 reload_collectors(struct reload *);
static int	 reload_notify_same(const struct model *,
		    const struct model *);
static int	 reload_partner_same(const struct partner *,
		    const struct partner *);
static void	 reload_partners(struct reload *);
static int	 reload_session_same(const struct session *,
		    const struct session *);
static char	*reload_fmt_mp(char *, size_t, const struct max_prefix *);
static void	 reload_sessions(struct reload *);
static int	 reload_probes_same(const struct branch *,
		    const struct branch *);
static const char *reload_branch_diff(const struct branch *,
		    const struct branch *);
static void	 reload_branches(struct reload *);
static double	 reload_th_get(const struct lat_thresholds *, size_t);
static void	 reload_th_copy(struct lat_thresholds *,
		    const struct lat_thresholds *, size_t);
static char	*reload_th_fmt(char *, size_t, size_t, double, const char *);
static const struct branch *reload_th_blocked(struct reload *, size_t);
static void	 reload_threshold(struct reload *, size_t);
static void	 reload_latency(struct reload *);
static void	 reload_probe_block(struct reload *);
static void	 reload_routes(struct reload *);
static void	 reload_rejudge(struct model *);
static void	 reload_finish(struct reload *, const char *);

/*
 * One line of the report; restart lines (1) are left as they run, and
 * so are kept ones (2): what was given is bad, fixing it and another
 * reload will do.
 */
static void
reload_note(struct reload *rl, int restart, const char *fmt, ...)
{
	struct reload_report	*out = rl->out;
	va_list			 ap;
	char			*text;

	va_start(ap, fmt);
	xvasprintf(&text, fmt, ap);
	va_end(ap);
	out->lines = xreallocarray(out->lines, out->nlines + 1,
	    sizeof *out->lines);
	if (restart) {
		xasprintf(&out->lines[out->nlines++], "%s%s", restart == 2 ?
		    RELOAD_KEPT : RELOAD_RESTART, text);
		free(text);
		out->nrestart++;
	} else {
		out->lines[out->nlines++] = text;
		out->napplied++;
	}
}

static int
reload_str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == b);
	return (strcmp(a, b) == 0);
}

/* A time in microseconds as people write it; zero, if zero is given. */
static char *
reload_fmt_us(char *buf, size_t len, int64_t us, const char *zero)
{
	if (us == 0 && zero != NULL)
		strlcpy_pt(buf, zero, len);
	else if (us % 1000 == 0)
		snprintf(buf, len, "%lld ms", (long long)(us / 1000));
	else
		snprintf(buf, len, "%.3f ms", (double)us / 1000);
	return (buf);
}

/* A duration in milliseconds, in its largest whole unit. */
static char *
reload_fmt_ms(char *buf, size_t len, int64_t ms, const char *zero)
{
	if (ms == 0 && zero != NULL)
		strlcpy_pt(buf, zero, len);
	else if (ms % 60000 == 0)
		snprintf(buf, len, "%lld min", (long long)(ms / 60000));
	else if (ms % 1000 == 0)
		snprintf(buf, len, "%lld s", (long long)(ms / 1000));
	else
		snprintf(buf, len, "%lld ms", (long long)ms);
	return (buf);
}

/* The notify blocks (core/notify.h): fixed-size, zero-filled, compared
 * whole. */
static int
reload_notify_same(const struct model *m, const struct model *n)
{
	size_t	 i;

	if (m->nnotify != n->nnotify)
		return (0);
	for (i = 0; i < m->nnotify; i++)
		if (memcmp(m->notify[i], n->notify[i],
		    sizeof *m->notify[i]) != 0)
			return (0);
	return (1);
}

/*
 * The history, GeoIP and the shipped data are opened once, at start:
 * the store is the history's only writer and owns its file.
 */
static void
reload_top(struct reload *rl)
{
	struct model	*m = rl->m, *n = rl->n;

	if (!rl->out->database_fixed && (!reload_str_eq(m->database,
	    n->database) || m->database_any_owner != n->database_any_owner))
		reload_note(rl, 1, "database %s -> %s", m->database != NULL ?
		    m->database : "none", n->database != NULL ? n->database :
		    "none");
	if (!reload_str_eq(m->geoip_city, n->geoip_city))
		reload_note(rl, 1, "geoip city %s -> %s", m->geoip_city !=
		    NULL ? m->geoip_city : "none", n->geoip_city != NULL ?
		    n->geoip_city : "none");
	if (!reload_str_eq(m->geoip_asn, n->geoip_asn))
		reload_note(rl, 1, "geoip asn %s -> %s", m->geoip_asn != NULL ?
		    m->geoip_asn : "none", n->geoip_asn != NULL ?
		    n->geoip_asn : "none");
	/* The control socket was made with its group and mode at start. */
	if (!reload_str_eq(m->control.path, n->control.path) ||
	    strcmp(m->control.group, n->control.group) != 0 ||
	    m->control.mode != n->control.mode ||
	    m->control.max_clients != n->control.max_clients)
		reload_note(rl, 1, "control changed (its socket is made at "
		    "start)");
	if (!reload_str_eq(m->datadir, n->datadir))
		reload_note(rl, 1, "datadir %s -> %s", m->datadir != NULL ?
		    m->datadir : "default", n->datadir != NULL ? n->datadir :
		    "default");
	if (!reload_ingest_same(&m->ingest, &n->ingest))
		reload_note(rl, 1, "ingest changed (its listener is made at "
		    "start)");
	if (!reload_notify_same(m, n))
		reload_note(rl, 1, "notify changed (the notifier reads its "
		    "blocks at start)");
	/* The API's listener holds its token and bounds from its start. */
	if (m->api.enabled != n->api.enabled ||
	    addr_cmp(&m->api.listen, &n->api.listen) != 0 ||
	    m->api.port != n->api.port ||
	    strcmp(m->api.token, n->api.token) != 0 ||
	    m->api.max_conns != n->api.max_conns ||
	    m->api.request_timeout_ms != n->api.request_timeout_ms)
		reload_note(rl, 1, "api changed (its listener is made at "
		    "start)");
	if (m->metrics.enabled != n->metrics.enabled ||
	    addr_cmp(&m->metrics.listen, &n->metrics.listen) != 0 ||
	    m->metrics.port != n->metrics.port)
		reload_note(rl, 1, "metrics changed (its listener is made at "
		    "start)");
	/* The agent block is peertop agent's; the collector has no use. */
}

/*
 * Sessions, branches and the map hold edge indexes: an edge added,
 * removed or moved is a restart.
 */
static void
reload_edges(struct reload *rl)
{
	const struct edge	*a, *b;
	size_t			 i;

	if (rl->m->nedges != rl->n->nedges) {
		reload_note(rl, 1, "edges: %zu -> %zu", rl->m->nedges,
		    rl->n->nedges);
		return;
	}
	for (i = 0; i < rl->m->nedges; i++) {
		a = &rl->m->edges[i];
		b = &rl->n->edges[i];
		if (strcmp(a->code, b->code) != 0 ||
		    strcmp(a->metro, b->metro) != 0 ||
		    strcmp(a->country, b->country) != 0 || a->lat != b->lat ||
		    a->lon != b->lon || strcmp(a->source, b->source) != 0)
			reload_note(rl, 1, "edge %s changed", b->code);
	}
}

/*
 * One listener's TLS (name: "ingest"; running: it is configured in both
 * files).  Turning TLS on or off remakes the listener: a restart.
 * Otherwise its files are read again, new names or not.
 */
static void
reload_tls_one(struct reload *rl, const char *name, int running,
    struct tls_conf *m, const struct tls_conf *n)
{
	char	*cause = NULL, why[TLS_PATH_MAX + 96];
	int	 rv;

	if (!running)
		return;
	if (m->enabled != n->enabled) {
		reload_note(rl, 1, "%s tls %s (its listener is made at start)",
		    name, n->enabled ? "added" : "removed");
		return;
	}
	if (!n->enabled || (rv = httpd_tls_reload(name, n, &cause)) == -2)
		return;		/* not listening: -n, tests */
	if (rv == -1) {
		reload_note(rl, 2, "%s; the certificate loaded before stays",
		    cause);
		free(cause);
		return;
	}
	if (rv == 1 || strcmp(m->certificate, n->certificate) != 0 ||
	    strcmp(m->key, n->key) != 0 || strcmp(m->ca, n->ca) != 0 ||
	    m->client_certs != n->client_certs)
		reload_note(rl, 0, "%s tls: certificate %s loaded%s", name,
		    n->certificate, rv == 1 ? " (a new one)" : "");
	if (tls_certificate_expiry(n->certificate, why, sizeof why))
		log_warnx("reload: %s tls: %s", name, why);
	*m = *n;
}

static void
reload_tls(struct reload *rl)
{
	struct model	*m = rl->m, *n = rl->n;

	reload_tls_one(rl, "ingest", m->ingest.enabled && n->ingest.enabled,
	    &m->ingest.tls, &n->ingest.tls);
	reload_tls_one(rl, "api", m->api.enabled && n->api.enabled,
	    &m->api.tls, &n->api.tls);
	reload_tls_one(rl, "metrics", m->metrics.enabled &&
	    n->metrics.enabled, &m->metrics.tls, &n->metrics.tls);
}

static int
reload_ingest_same(const struct ingest_conf *a, const struct ingest_conf *b)
{
	return (a->enabled == b->enabled &&
	    addr_cmp(&a->listen, &b->listen) == 0 && a->port == b->port &&
	    strcmp(a->token, b->token) == 0 && a->max_body == b->max_body &&
	    a->request_timeout_ms == b->request_timeout_ms &&
	    a->max_conns == b->max_conns);
}

/*
 * Everything of a collector but its limits: the socket, the listener,
 * its timers and who may connect are made by its start.
 */
static int
reload_collector_same(const struct collector *a, const struct collector *b)
{
	size_t	 i;

	if (a->ops != b->ops || strcmp(a->name, b->name) != 0 ||
	    !reload_str_eq(a->path, b->path) ||
	    strcmp(a->router, b->router) != 0 ||
	    a->interval_ms != b->interval_ms ||
	    addr_cmp(&a->listen, &b->listen) != 0 || a->port != b->port ||
	    a->nallow != b->nallow || a->max_routers != b->max_routers ||
	    a->init_timeout_ms != b->init_timeout_ms ||
	    a->message_timeout_ms != b->message_timeout_ms ||
	    a->hold_ms != b->hold_ms || a->max_peers != b->max_peers ||
	    !reload_str_eq(a->query, b->query) ||
	    a->prom_scale != b->prom_scale ||
	    a->prom_nan_loss != b->prom_nan_loss)
		return (0);
	for (i = 0; i < nitems(a->prom_label); i++)
		if (strcmp(a->prom_label[i], b->prom_label[i]) != 0)
			return (0);
	for (i = 0; i < a->nallow; i++)
		if (addr_cmp(&a->allow[i].addr, &b->allow[i].addr) != 0 ||
		    a->allow[i].len != b->allow[i].len)
			return (0);
	return (1);
}

/*
 * max-prefix and max-routes of a bmp block: read from the collector on
 * every Route Monitoring message, so they hold from each router's next
 * UPDATE on (a limit raised resolves MaxPrefixExceeded then, not now).
 */
static void
reload_collector_limits(struct reload *rl, struct collector *c,
    const struct collector *nc)
{
	char	 a[48], b[48];

	if (memcmp(&c->max_prefix, &nc->max_prefix, sizeof c->max_prefix)
	    != 0) {
		reload_note(rl, 0, "%s max-prefix %s -> %s (from the next "
		    "UPDATE)", c->name, reload_fmt_mp(a, sizeof a,
		    &c->max_prefix), reload_fmt_mp(b, sizeof b,
		    &nc->max_prefix));
		c->max_prefix = nc->max_prefix;
	}
	if (c->max_routes != nc->max_routes ||
	    c->max_routes_set != nc->max_routes_set) {
		snprintf(a, sizeof a, "%u", c->max_routes);
		snprintf(b, sizeof b, "%u", nc->max_routes);
		reload_note(rl, 0, "%s max-routes %s -> %s (from the next "
		    "UPDATE)", c->name, c->max_routes_set ? a : "default",
		    nc->max_routes_set ? b : "default");
		c->max_routes = nc->max_routes;
		c->max_routes_set = nc->max_routes_set;
	}
}

/* Matched by name: the running ones first, then those only in the file. */
static void
reload_collectors(struct reload *rl)
{
	struct collector	*c, *nc;
	size_t			 i, j;
	char			*used;

	used = xcalloc(rl->n->ncollectors + 1, 1);
	for (i = 0; i < rl->m->ncollectors; i++) {
		c = rl->m->collectors[i];
		for (j = 0; j < rl->n->ncollectors; j++)
			if (!used[j] &&
			    strcmp(rl->n->collectors[j]->name, c->name) == 0)
				break;
		if (j == rl->n->ncollectors) {
			reload_note(rl, 1, "collector %s removed", c->name);
			continue;
		}
		used[j] = 1;
		nc = rl->n->collectors[j];
		if (!reload_collector_same(c, nc))
			reload_note(rl, 1, "collector %s changed", c->name);
		else
			reload_collector_limits(rl, c, nc);
	}
	for (j = 0; j < rl->n->ncollectors; j++)
		if (!used[j])
			reload_note(rl, 1, "collector %s added",
			    rl->n->collectors[j]->name);
	free(used);
}

static int
reload_partner_same(const struct partner *a, const struct partner *b)
{
	size_t	 i;

	if (a->asn != b->asn || a->backup_none != b->backup_none ||
	    a->nsessions != b->nsessions)
		return (0);
	for (i = 0; i < a->nsessions; i++)
		if (strcmp(a->sessions[i]->name, b->sessions[i]->name) != 0)
			return (0);
	return (1);
}

/* Redundancy verdicts and history rows are kept per partner. */
static void
reload_partners(struct reload *rl)
{
	struct partner	*p, *np;
	size_t		 i;

	for (i = 0; i < rl->m->npartners; i++) {
		p = rl->m->partners[i];
		if ((np = model_partner_find(rl->n, p->name)) == NULL)
			reload_note(rl, 1, "partner %s removed", p->name);
		else if (!reload_partner_same(p, np))
			reload_note(rl, 1, "partner %s changed", p->name);
	}
	for (i = 0; i < rl->n->npartners; i++)
		if (model_partner_find(rl->m, rl->n->partners[i]->name) ==
		    NULL)
			reload_note(rl, 1, "partner %s added",
			    rl->n->partners[i]->name);
}

/* What maps a collector's report, or a BMP peer, to the session. */
static int
reload_session_same(const struct session *a, const struct session *b)
{
	return (addr_cmp(&a->neighbor, &b->neighbor) == 0 &&
	    strcmp(a->router, b->router) == 0 &&
	    strcmp(a->edge, b->edge) == 0 && a->role == b->role &&
	    strcmp(a->partner->name, b->partner->name) == 0);
}

static char *
reload_fmt_mp(char *buf, size_t len, const struct max_prefix *mp)
{
	if (!mp->set)
		strlcpy_pt(buf, "default", len);
	else if (mp->limit == 0)
		strlcpy_pt(buf, "none", len);
	else
		snprintf(buf, len, "%u%s", mp->limit, mp->drop ? " drop" :
		    " warning");
	return (buf);
}

/*
 * The route monitor and the BMP peers hold session indexes and pointers:
 * one added, removed or remapped is a restart.  max-prefix is read on
 * every UPDATE (collect_bmp_limit()), the relation at every route check.
 */
static void
reload_sessions(struct reload *rl)
{
	struct session	*s, *ns;
	char		 a[48], b[48];
	size_t		 i;

	for (i = 0; i < rl->m->nsessions; i++) {
		s = rl->m->sessions[i];
		if ((ns = model_session_find(rl->n, s->name)) == NULL) {
			reload_note(rl, 1, "session %s removed", s->name);
			continue;
		}
		if (!reload_session_same(s, ns)) {
			reload_note(rl, 1, "session %s changed", s->name);
			continue;
		}
		/* The relation is read at each route check: in place. */
		if (s->relation != ns->relation) {
			reload_note(rl, 0, "session %s relation %s -> %s",
			    s->name, bgp_role_name(s->relation),
			    bgp_role_name(ns->relation));
			s->relation = ns->relation;
		}
		if (memcmp(&s->max_prefix, &ns->max_prefix,
		    sizeof s->max_prefix) == 0)
			continue;
		reload_note(rl, 0, "session %s max-prefix %s -> %s (from the "
		    "next UPDATE)", s->name, reload_fmt_mp(a, sizeof a,
		    &s->max_prefix), reload_fmt_mp(b, sizeof b,
		    &ns->max_prefix));
		s->max_prefix = ns->max_prefix;
	}
	for (i = 0; i < rl->n->nsessions; i++)
		if (model_session_find(rl->m, rl->n->sessions[i]->name) ==
		    NULL)
			reload_note(rl, 1, "session %s added",
			    rl->n->sessions[i]->name);
}

static int
reload_probes_same(const struct branch *a, const struct branch *b)
{
	const struct probe_conf	*p, *q;
	size_t			 i;

	if (a->nprobes != b->nprobes)
		return (0);
	for (i = 0; i < a->nprobes; i++) {
		p = &a->probes[i];
		q = &b->probes[i];
		if (strcmp(p->edge, q->edge) != 0 ||
		    strcmp(p->target, q->target) != 0 || p->tcp != q->tcp ||
		    addr_cmp(&p->addr, &q->addr) != 0 || p->port != q->port ||
		    p->interval_ms != q->interval_ms ||
		    p->timeout_ms != q->timeout_ms || p->size != q->size)
			return (0);
	}
	return (1);
}

/*
 * What of a branch cannot change live, in words, or NULL.  Its place
 * came from GeoIP at start, its prefixes are the route monitor's
 * watches, its probes the prober's targets (their ICMP sockets were
 * opened before privileges were dropped).
 */
static const char *
reload_branch_diff(const struct branch *a, const struct branch *b)
{
	size_t	 i, j;

	if (a->naddrs != b->naddrs)
		return ("addresses");
	for (i = 0; i < a->naddrs; i++)
		if (addr_cmp(&a->addrs[i], &b->addrs[i]) != 0)
			return ("addresses");
	if (a->has_location != b->has_location || a->cfg_lat != b->cfg_lat ||
	    a->cfg_lon != b->cfg_lon)
		return ("location");
	if (strcmp(a->partner_name, b->partner_name) != 0)
		return ("partner");
	if (a->nprefixes != b->nprefixes)
		return ("prefixes");
	for (i = 0; i < a->nprefixes; i++) {
		if (addr_cmp(&a->prefixes[i].prefix.addr,
		    &b->prefixes[i].prefix.addr) != 0 ||
		    a->prefixes[i].prefix.len != b->prefixes[i].prefix.len ||
		    a->prefixes[i].origin != b->prefixes[i].origin ||
		    a->prefixes[i].nupstreams != b->prefixes[i].nupstreams)
			return ("prefixes");
		for (j = 0; j < a->prefixes[i].nupstreams; j++)
			if (a->prefixes[i].upstreams[j] !=
			    b->prefixes[i].upstreams[j])
				return ("prefixes");
	}
	if (!reload_probes_same(a, b))
		return ("probes");
	return (NULL);
}

/* Branches by name; their thresholds are reload_threshold()'s. */
static void
reload_branches(struct reload *rl)
{
	struct branch	*b, *nb;
	const char	*what;
	size_t		 i;

	for (i = 0; i < rl->m->nbranches; i++) {
		b = rl->m->branches[i];
		if ((nb = model_branch_find(rl->n, b->name)) == NULL)
			reload_note(rl, 1, "branch %s removed", b->name);
		else if ((what = reload_branch_diff(b, nb)) != NULL)
			reload_note(rl, 1, "branch %s %s changed", b->name,
			    what);
	}
	for (i = 0; i < rl->n->nbranches; i++)
		if (model_branch_find(rl->m, rl->n->branches[i]->name) == NULL)
			reload_note(rl, 1, "branch %s added",
			    rl->n->branches[i]->name);
}

static double
reload_th_get(const struct lat_thresholds *th, size_t k)
{
	if (k == 0)
		return ((double)th->high_us);
	if (k == 1)
		return (th->loss_pct);
	return ((double)th->shift_us);
}

static void
reload_th_copy(struct lat_thresholds *to, const struct lat_thresholds *from,
    size_t k)
{
	if (k == 0)
		to->high_us = from->high_us;
	else if (k == 1)
		to->loss_pct = from->loss_pct;
	else
		to->shift_us = from->shift_us;
}

static char *
reload_th_fmt(char *buf, size_t len, size_t k, double v, const char *zero)
{
	if (v == 0)
		strlcpy_pt(buf, zero, len);
	else if (k == 1)
		snprintf(buf, len, "%g%%", v);
	else
		reload_fmt_us(buf, len, (int64_t)v, zero);
	return (buf);
}

/*
 * A threshold turned off while a link has its condition raised would
 * leave the condition open for good: with no threshold the judgement
 * (latency_mon_judge()) neither raises nor resolves it.  The branch that
 * would, or NULL.  A branch's own threshold wins over the global one
 * (latency_mon_thresholds()); a branch the file no longer has keeps its
 * own.
 */
static const struct branch *
reload_th_blocked(struct reload *rl, size_t k)
{
	const struct branch	*b, *nb;
	const struct lat_thresholds *bth;
	double			 was, will;
	size_t			 i, j;

	for (i = 0; i < rl->m->nbranches; i++) {
		b = rl->m->branches[i];
		nb = model_branch_find(rl->n, b->name);
		bth = nb != NULL ? &nb->th : &b->th;
		was = reload_th_get(&b->th, k) != 0 ? reload_th_get(&b->th, k) :
		    reload_th_get(&rl->m->lat.th, k);
		will = reload_th_get(bth, k) != 0 ? reload_th_get(bth, k) :
		    reload_th_get(&rl->n->lat.th, k);
		if (was == 0 || will != 0)
			continue;
		for (j = 0; j < b->nlinks; j++)
			if (b->links[j]->flags & reload_ths[k].flag)
				return (b);
	}
	return (NULL);
}

/* One of the thresholds, the global one and each branch's. */
static void
reload_threshold(struct reload *rl, size_t k)
{
	const struct reload_th	*t = &reload_ths[k];
	const struct branch	*blocked;
	struct branch		*b, *nb;
	char			 x[32], y[32];
	size_t			 i;

	if ((blocked = reload_th_blocked(rl, k)) != NULL) {
		reload_note(rl, 1, "latency %s off for branch %s: its open %s "
		    "would never be resolved", t->name, blocked->name,
		    t->event);
		return;
	}
	if (reload_th_get(&rl->m->lat.th, k) != reload_th_get(&rl->n->lat.th,
	    k)) {
		reload_note(rl, 0, "latency %s %s -> %s", t->name,
		    reload_th_fmt(x, sizeof x, k, reload_th_get(&rl->m->lat.th,
		    k), "off"), reload_th_fmt(y, sizeof y, k,
		    reload_th_get(&rl->n->lat.th, k), "off"));
		reload_th_copy(&rl->m->lat.th, &rl->n->lat.th, k);
		rl->rejudge = 1;
	}
	for (i = 0; i < rl->m->nbranches; i++) {
		b = rl->m->branches[i];
		if ((nb = model_branch_find(rl->n, b->name)) == NULL ||
		    reload_th_get(&b->th, k) == reload_th_get(&nb->th, k))
			continue;
		reload_note(rl, 0, "branch %s latency %s %s -> %s", b->name,
		    t->name, reload_th_fmt(x, sizeof x, k, reload_th_get(&b->th,
		    k), "global"), reload_th_fmt(y, sizeof y, k,
		    reload_th_get(&nb->th, k), "global"));
		reload_th_copy(&b->th, &nb->th, k);
		rl->rejudge = 1;
	}
}

/*
 * The latency block.  The window is read on every judgement, but each
 * link's ring was sized at its first sample to hold the window at the
 * fastest probe rate (latency_mon_link_new()): a shorter window fits it,
 * a longer one would be cut short by it.  Retention runs on a timer the
 * history was given at start, max-samples sized the rings.
 */
static void
reload_latency(struct reload *rl)
{
	struct lat_conf	*a = &rl->m->lat;
	const struct lat_conf *b = &rl->n->lat;
	int64_t		 was, will;
	char		 x[32], y[32];

	was = a->window_ms > 0 ? a->window_ms : LAT_WINDOW_DEFAULT_MS;
	will = b->window_ms > 0 ? b->window_ms : LAT_WINDOW_DEFAULT_MS;
	if (will != was)
		reload_note(rl, will > was, "latency window %s -> %s%s",
		    reload_fmt_ms(x, sizeof x, was, NULL),
		    reload_fmt_ms(y, sizeof y, will, NULL), will > was ?
		    " (the links' rings hold the shorter one)" : "");
	if (will < was) {
		a->window_ms = b->window_ms;
		rl->rejudge = 1;
	}
	if (a->shift_ms != b->shift_ms) {
		reload_note(rl, 0, "latency recent %s -> %s",
		    reload_fmt_ms(x, sizeof x, a->shift_ms, "default"),
		    reload_fmt_ms(y, sizeof y, b->shift_ms, "default"));
		a->shift_ms = b->shift_ms;
		rl->rejudge = 1;
	}
	if (a->margin_us != b->margin_us) {
		reload_note(rl, 0, "latency margin %s -> %s",
		    reload_fmt_us(x, sizeof x, a->margin_us, "default"),
		    reload_fmt_us(y, sizeof y, b->margin_us, "default"));
		a->margin_us = b->margin_us;
		rl->rejudge = 1;
	}
	if (a->keep_raw_ms != b->keep_raw_ms ||
	    a->keep_minute_ms != b->keep_minute_ms ||
	    a->keep_hour_ms != b->keep_hour_ms)
		reload_note(rl, 1, "latency keep changed (the history's "
		    "retention is set at start)");
	if (a->max_samples != b->max_samples)
		reload_note(rl, 1, "latency max-samples %u -> %u", a->max_samples,
		    b->max_samples);
	reload_probe_block(rl);
}

/* The prober's targets and sockets are made at start, before the drop. */
static void
reload_probe_block(struct reload *rl)
{
	const struct lat_conf	*a = &rl->m->lat, *b = &rl->n->lat;

	if (a->interval_ms != b->interval_ms ||
	    a->timeout_ms != b->timeout_ms || a->size != b->size ||
	    a->sockmode != b->sockmode || strcmp(a->user, b->user) != 0)
		reload_note(rl, 1, "probe block changed (the prober's targets "
		    "and sockets are made at start)");
}

/* The routes block: the route monitor judges every prefix again. */
static void
reload_routes(struct reload *rl)
{
	struct model	*m = rl->m, *n = rl->n;
	int		 changed = 0;

	if (m->route_tolerance_km != n->route_tolerance_km) {
		reload_note(rl, 0, "routes tolerance %g km -> %g km",
		    m->route_tolerance_km > 0 ? m->route_tolerance_km :
		    ROUTEMON_TOLERANCE_KM, n->route_tolerance_km > 0 ?
		    n->route_tolerance_km : ROUTEMON_TOLERANCE_KM);
		m->route_tolerance_km = n->route_tolerance_km;
		changed = 1;
	}
	if (m->route_max_path != n->route_max_path) {
		reload_note(rl, 0, "routes max-path %u -> %u",
		    m->route_max_path > 0 ? m->route_max_path :
		    ROUTEMON_PATH_MAX, n->route_max_path > 0 ?
		    n->route_max_path : ROUTEMON_PATH_MAX);
		m->route_max_path = n->route_max_path;
		changed = 1;
	}
	if (m->route_roa_expiry_ms != n->route_roa_expiry_ms) {
		reload_note(rl, 0, "routes roa-expiry %llds -> %llds",
		    (long long)(m->route_roa_expiry_ms > 0 ?
		    m->route_roa_expiry_ms : 86400000) / 1000,
		    (long long)(n->route_roa_expiry_ms > 0 ?
		    n->route_roa_expiry_ms : 86400000) / 1000);
		m->route_roa_expiry_ms = n->route_roa_expiry_ms;
		if (m->routemon != NULL)
			routemon_set_roa_expiry(m->routemon,
			    m->route_roa_expiry_ms);
	}
	/* A new file, or the same one again: read now. */
	if (!reload_str_eq(m->route_asrel, n->route_asrel)) {
		reload_note(rl, 0, "routes asrel %s -> %s",
		    m->route_asrel != NULL ? m->route_asrel : "none",
		    n->route_asrel != NULL ? n->route_asrel : "none");
		free(m->route_asrel);
		m->route_asrel = n->route_asrel;
		n->route_asrel = NULL;
		if (m->routemon != NULL && m->route_asrel == NULL)
			routemon_set_asrel(m->routemon, NULL);
	}
	if (m->routemon != NULL && m->route_asrel != NULL)
		routemon_load_asrel(m->routemon, m->route_asrel);
	if (changed && m->routemon != NULL)
		routemon_set_limits(m->routemon, m->route_tolerance_km > 0 ?
		    m->route_tolerance_km : ROUTEMON_TOLERANCE_KM,
		    m->route_max_path > 0 ? m->route_max_path :
		    ROUTEMON_PATH_MAX);
}

/*
 * New thresholds or windows are judged on the next pass, on the samples
 * the links hold, rather than at each link's next sample: Prometheus and
 * agents may be minutes apart.  Stamped, as always, with the last
 * sample's time.
 */
static void
reload_rejudge(struct model *m)
{
	struct branch	*b;
	size_t		 i, j;

	for (i = 0; i < m->nbranches; i++) {
		b = m->branches[i];
		for (j = 0; j < b->nlinks; j++) {
			if (b->links[j]->total == 0)
				continue;
			b->links[j]->stale = 1;
			if (!b->lat_stale || b->links[j]->last_ms >
			    b->lat_stale_ms)
				b->lat_stale_ms = b->links[j]->last_ms;
			b->lat_stale = 1;
		}
	}
	model_pending(m, PENDING_LATENCY);
}

/* The log, one line a difference, and one event for the history. */
static void
reload_finish(struct reload *rl, const char *path)
{
	struct reload_report	*out = rl->out;
	char			*details = NULL, *p;
	size_t			 i;

	for (i = 0; i < rl->n->nconfig_warnings; i++)
		log_warnx("reload: %s", rl->n->config_warnings[i]);
	for (i = 0; i < out->nlines; i++) {
		if (strncmp(out->lines[i], RELOAD_RESTART,
		    strlen(RELOAD_RESTART)) == 0 || strncmp(out->lines[i],
		    RELOAD_KEPT, strlen(RELOAD_KEPT)) == 0)
			log_warnx("reload: %s", out->lines[i]);
		else
			log_info("reload: %s", out->lines[i]);
		p = details;
		xasprintf(&details, "%s%s%s", p != NULL ? p : "", p != NULL ?
		    "; " : "", out->lines[i]);
		free(p);
	}
	if (out->nlines == 0) {
		log_info("reload: %s: no changes", path);
		model_eventf(rl->m, "ConfigReloaded", LVL_INFO, "config", path,
		    "configuration reloaded: no changes");
	} else
		model_eventf(rl->m, "ConfigReloaded", out->nrestart != 0 ?
		    LVL_WARNING : LVL_INFO, "config", details,
		    "configuration reloaded: %zu applied, %zu %s a restart",
		    out->napplied, out->nrestart, out->nrestart == 1 ?
		    "needs" : "need");
	free(details);
	if (rl->rejudge)
		reload_rejudge(rl->m);
	if (out->napplied != 0)
		model_touch(rl->m, DIRTY_ALL);
}

int
reload_config(struct model *m, const char *path, struct reload_report *out,
    char **cause)
{
	struct reload	 rl;
	char		*why = NULL;
	size_t		 k;

	*cause = NULL;
	out->lines = NULL;
	out->nlines = out->napplied = out->nrestart = 0;
	memset(&rl, 0, sizeof rl);
	rl.m = m;
	rl.out = out;
	/* As at start: the catalogue from $PEERTOP_DATADIR or installed. */
	if ((rl.n = config_load(path, NULL, NULL, &why)) == NULL) {
		log_warnx("reload: %s; still running the configuration "
		    "loaded before", why);
		model_eventf(m, "ConfigReloadFailed", LVL_WARNING, "config",
		    why, "configuration %s not reloaded: it does not load; "
		    "still running the one loaded before", path);
		*cause = why;
		return (-1);
	}
	reload_top(&rl);
	reload_tls(&rl);
	reload_edges(&rl);
	reload_collectors(&rl);
	reload_partners(&rl);
	reload_sessions(&rl);
	reload_branches(&rl);
	for (k = 0; k < nitems(reload_ths); k++)
		reload_threshold(&rl, k);
	reload_latency(&rl);
	reload_routes(&rl);
	reload_finish(&rl, path);
	model_free(rl.n);
	return (0);
}

void
reload_report_free(struct reload_report *out)
{
	size_t	 i;

	for (i = 0; i < out->nlines; i++)
		free(out->lines[i]);
	free(out->lines);
	out->lines = NULL;
	out->nlines = out->napplied = out->nrestart = 0;
}
