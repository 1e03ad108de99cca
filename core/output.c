/*
 * Non-interactive views of the model: --once and the Q snapshot.  Each
 * format is one entry in outputs[] (bgpctl's struct output); both print
 * the same things in the same order: status, collectors, partners with
 * their redundancy, sessions, branches, recent events.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect-bmp.h"
#include "latmon.h"
#include "output.h"
#include "rib.h"
#include "routemon.h"

static void	output_text(FILE *, const struct model *, size_t);
static void	output_json(FILE *, const struct model *, size_t);
static void	output_prefixes_text(FILE *, const struct model *);
static void	output_prefix_json(FILE *, const struct model *,
		    const struct branch_prefix *);
static void	output_bmp_text(FILE *, const struct model *);
static void	output_bmp_json(FILE *, const struct model *);
static const char *output_bmp_kinds(unsigned int, char *, size_t);
static void	json_str(FILE *, const char *, const char *, int);
static void	json_time(FILE *, const char *, int64_t, int);

static const struct output outputs[] = {
	{ "text", output_text },
	{ "json", output_json },
};

static const char *status_names[] = { "OK", "WARNING", "CRITICAL" };

const struct output *
output_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < nitems(outputs); i++)
		if (strcmp(outputs[i].name, name) == 0)
			return (&outputs[i]);
	return (NULL);
}

/*
 * The worst current condition: the model's (sessions, redundancy,
 * collectors) and the registered prefixes' route state.
 */
static enum level
output_worst(const struct model *m)
{
	enum level	 worst = model_worst(m), l;
	size_t		 i, j;

	for (i = 0; i < m->nbranches; i++) {
		for (j = 0; j < m->branches[i]->nprefixes; j++) {
			l = (enum level)routemon_flags_level(
			    m->branches[i]->prefixes[j].flags);
			if (l > worst)
				worst = l;
		}
		if ((m->branches[i]->suboptimal ||
		    m->branches[i]->lat_suboptimal) && worst < LVL_WARNING)
			worst = LVL_WARNING;
		for (j = 0; j < m->branches[i]->nlinks; j++) {
			l = m->branches[i]->links[j]->flags == 0 ? LVL_INFO :
			    (m->branches[i]->links[j]->flags & LAT_F_LOSS) &&
			    m->branches[i]->links[j]->loss_pct >= 100 ?
			    LVL_ERROR : LVL_WARNING;
			if (l > worst)
				worst = l;
		}
	}
	return (worst);
}

/* Milliseconds with three decimals, "-" style null when none. */
static void
json_ms(FILE *f, const char *key, double us, int valid, int comma)
{
	if (valid)
		fprintf(f, "\"%s\": %.3f%s", key, us / 1000, comma ? ", " : "");
	else
		fprintf(f, "\"%s\": null%s", key, comma ? ", " : "");
}

/* The branch's latency links (mtr's columns) and nearest edge by latency. */
static void
output_latency_json(FILE *f, const struct model *m, const struct branch *b)
{
	const struct latlink	*l;
	const char		*name;
	size_t			 i;
	unsigned		 bit, n;
	int			 r;

	fprintf(f, "\"latency\": [");
	for (i = 0; i < b->nlinks; i++) {
		l = b->links[i];
		r = l->received > 0;
		fprintf(f, "%s{", i ? ", " : "");
		json_str(f, "edge", m->edges[l->edge_idx].code, 1);
		json_str(f, "target", l->target, 1);
		json_str(f, "source", lat_source_name(l->source), 1);
		fprintf(f, "\"sent\": %u, \"received\": %u, \"loss_pct\": "
		    "%.1f, ", l->sent, l->received, l->loss_pct);
		json_ms(f, "last_ms", (double)l->last_us, l->last_us >= 0, 1);
		json_ms(f, "avg_ms", l->avg_us, r, 1);
		json_ms(f, "best_ms", (double)l->best_us, r, 1);
		json_ms(f, "worst_ms", (double)l->worst_us, r, 1);
		json_ms(f, "stdev_ms", l->stdev_us, r, 1);
		json_ms(f, "median_ms", l->median_us, r, 1);
		json_ms(f, "p95_ms", (double)l->p95_us, r, 1);
		json_ms(f, "jitter_ms", l->jitter_us, r, 1);
		fprintf(f, "\"flags\": [");
		for (bit = 0, n = 0; (name = latmon_flag_name(bit)) != NULL;
		    bit++)
			if (l->flags & (1u << bit))
				fprintf(f, "%s\"%s\"", n++ ? ", " : "", name);
		fprintf(f, "]}");
	}
	fprintf(f, "], ");
	if (b->lat_nearest >= 0 && (size_t)b->lat_nearest < m->nedges) {
		fprintf(f, "\"nearest_latency\": {");
		json_str(f, "code", m->edges[b->lat_nearest].code, 1);
		json_ms(f, "median_ms", b->lat_nearest_us, 1, 0);
		fprintf(f, "}, ");
	} else
		fprintf(f, "\"nearest_latency\": null, ");
	fprintf(f, "\"latency_suboptimal\": %s, ", b->lat_suboptimal ?
	    "true" : "false");
}

/* A value in ms for the text table, "-" when there is none. */
static const char *
text_ms(char *buf, size_t len, double us, int valid)
{
	if (!valid)
		return ("-");
	snprintf(buf, len, "%.1f", us / 1000);
	return (buf);
}

/* mtr's columns per branch and edge target, only when there are any. */
static void
output_latency_text(FILE *f, const struct model *m)
{
	const struct latlink	*l;
	const struct branch	*b;
	char			 c[8][16], flags[48];
	const char		*name;
	size_t			 i, j, n = 0;
	unsigned		 bit;
	int			 r;

	for (i = 0; i < m->nbranches; i++)
		n += m->branches[i]->nlinks;
	if (n == 0)
		return;
	fprintf(f, "\n%-20s %-5s %-22s %6s %5s %7s %7s %7s %7s %7s %7s %s\n",
	    "BRANCH", "EDGE", "TARGET", "LOSS%", "SNT", "LAST", "AVG", "BEST",
	    "WRST", "STDEV", "MEDIAN", "FLAGS");
	for (i = 0; i < m->nbranches; i++) {
		b = m->branches[i];
		for (j = 0; j < b->nlinks; j++) {
			l = b->links[j];
			r = l->received > 0;
			flags[0] = '\0';
			for (bit = 0; (name = latmon_flag_name(bit)) != NULL;
			    bit++) {
				if (!(l->flags & (1u << bit)))
					continue;
				if (flags[0] != '\0')
					strlcpy_pt(flags + strlen(flags), ",",
					    sizeof flags - strlen(flags));
				strlcpy_pt(flags + strlen(flags), name,
				    sizeof flags - strlen(flags));
			}
			fprintf(f, "%-20s %-5s %-22s %6.1f %5u %7s %7s %7s %7s "
			    "%7s %7s %s\n", b->name, m->edges[l->edge_idx].code,
			    l->target[0] != '\0' ? l->target : "-",
			    l->loss_pct, l->sent,
			    text_ms(c[0], sizeof c[0], (double)l->last_us,
			    l->last_us >= 0),
			    text_ms(c[1], sizeof c[1], l->avg_us, r),
			    text_ms(c[2], sizeof c[2], (double)l->best_us, r),
			    text_ms(c[3], sizeof c[3], (double)l->worst_us, r),
			    text_ms(c[4], sizeof c[4], l->stdev_us, r),
			    text_ms(c[5], sizeof c[5], l->median_us, r),
			    flags[0] != '\0' ? flags : "-");
		}
	}
}

int
output_status(const struct model *m)
{
	switch (output_worst(m)) {
	case LVL_CRITICAL:
		return (2);
	case LVL_WARNING:
	case LVL_ERROR:
		return (1);
	default:
		return (0);
	}
}

static const char *
collector_state_name(enum collector_state s)
{
	switch (s) {
	case COL_UP:
		return ("up");
	case COL_DOWN:
		return ("down");
	default:
		return ("starting");
	}
}

static const char *
loc_name(enum loc_source l)
{
	switch (l) {
	case LOC_CONFIG:
		return ("config");
	case LOC_GEOIP:
		return ("geoip");
	default:
		return ("unknown");
	}
}

/* Seconds a collector has been in its state. */
static long long
collector_age(const struct collector *c, uint64_t now)
{
	return (c->state_mono == 0 ? 0 :
	    (long long)(now - c->state_mono) / 1000);
}

static void
output_text(FILE *f, const struct model *m, size_t nevents)
{
	const struct collector	*c;
	const struct partner	*p;
	const struct session	*s;
	const struct branch	*b;
	const struct event	*ev;
	uint64_t		 now = now_mono_ms();
	int64_t			 wall = m->replay_ms != 0 ? m->replay_ms :
				    now_wall_ms();
	char			 t[32], a[ADDR_STRLEN], d[16], loc[96];
	size_t			 i, first;

	fprintf(f, "peertop %s at %s%s\n\n", status_names[output_status(m)],
	    fmt_time(t, sizeof t, wall, 0), m->replay_ms != 0 ?
	    " (replay of the history)" : "");

	fprintf(f, "%-24s %-8s %-8s %s\n", "COLLECTOR", "STATE", "FOR",
	    "ERROR");
	for (i = 0; i < m->ncollectors; i++) {
		c = m->collectors[i];
		fprintf(f, "%-24s %-8s %-8s %s\n", c->name,
		    collector_state_name(c->state),
		    fmt_duration(d, sizeof d, collector_age(c, now)),
		    c->error);
	}
	output_bmp_text(f, m);

	fprintf(f, "\n%-20s %-8s %-10s %s\n", "PARTNER", "AS", "REDUNDANCY",
	    "REASON");
	for (i = 0; i < m->npartners; i++) {
		p = m->partners[i];
		fprintf(f, "%-20s %-8u %-10s %s\n", p->name, p->asn,
		    redundancy_name(p->red), p->reason);
	}

	fprintf(f, "\n%-16s %-12s %-16s %-8s %-5s %-7s %-11s %-8s %7s %7s "
	    "%5s %s\n", "SESSION", "ROUTER", "NEIGHBOR", "AS", "EDGE", "ROLE",
	    "STATE", "FOR", "RCVD", "SENT", "FLAPS", "LAST ERROR");
	for (i = 0; i < m->nsessions; i++) {
		s = m->sessions[i];
		fprintf(f, "%-16s %-12s %-16s %-8u %-5s %-7s %-11s %-8s %7u "
		    "%7u %5u %s\n", s->name, s->router,
		    addr_fmt(&s->neighbor, a, sizeof a), s->remote_as,
		    s->edge, role_name(s->role), bgp_state_name(s->state),
		    s->since_ms == 0 ? "-" : fmt_duration(d, sizeof d,
		    (wall - s->since_ms) / 1000), s->routes_imported,
		    s->routes_exported, s->flaps, s->last_error);
	}

	fprintf(f, "\n%-20s %-28s %-14s %-6s %-6s %-10s %s\n", "BRANCH",
	    "LOCATION", "NEAREST EDGE", "ROUTED", "SESS", "REDUNDANCY",
	    "LAST EVENT");
	for (i = 0; i < m->nbranches; i++) {
		char	 near[32], sess[16], routed[16];

		b = m->branches[i];
		if (b->loc == LOC_UNKNOWN)
			strlcpy_pt(loc, "location unknown", sizeof loc);
		else
			snprintf(loc, sizeof loc, "%s%s%s", b->city,
			    *b->city != '\0' ? ", " : "", *b->country != '\0' ?
			    b->country : "(configured)");
		if (b->nearest >= 0)
			snprintf(near, sizeof near, "%s %.0fkm",
			    m->edges[b->nearest].code, b->nearest_km);
		else
			strlcpy_pt(near, "-", sizeof near);
		snprintf(sess, sizeof sess, "%d/%d", b->sessions_up,
		    b->sessions_total);
		/* "!" marks SuboptimalRouting (not by colour alone). */
		if (b->routed >= 0 && (size_t)b->routed < m->nedges)
			snprintf(routed, sizeof routed, "%s%s",
			    m->edges[b->routed].code, b->suboptimal ? "!" : "");
		else
			strlcpy_pt(routed, "-", sizeof routed);
		fprintf(f, "%-20s %-28s %-14s %-6s %-6s %-10s %s\n", b->name,
		    loc, near, routed, sess, b->partner != NULL ?
		    redundancy_name(b->partner->red) : "-", b->last_event);
	}

	output_latency_text(f, m);
	output_prefixes_text(f, m);

	fprintf(f, "\n%-19s %-11s %-20s %s\n", "TIME", "LEVEL", "TYPE",
	    "SUMMARY");
	first = m->nevents > nevents ? m->nevents - nevents : 0;
	for (i = m->nevents; i-- > first; ) {
		ev = model_event(m, i);
		fprintf(f, "%-19s %-11s %-20s %s\n",
		    fmt_time(t, sizeof t, ev->time_ms, 0),
		    level_name(ev->level), ev->type, ev->summary);
	}
}

/* The RIB views a BMP peer was seen in, "pre,post" ("-" none). */
static const char *
output_bmp_kinds(unsigned int kinds, char *buf, size_t len)
{
	static const char *const names[] = {
		[RIB_PEER_ADJ_IN_PRE] = "pre",
		[RIB_PEER_ADJ_IN_POST] = "post",
		[RIB_PEER_ADJ_OUT_PRE] = "adj-out-pre",
		[RIB_PEER_ADJ_OUT_POST] = "adj-out-post",
		[RIB_PEER_LOC_RIB] = "loc-rib",
	};
	size_t	 k, used = 0;

	buf[0] = '\0';
	for (k = 0; k < sizeof names / sizeof names[0]; k++) {
		if ((kinds & (1U << k)) == 0 || used >= len)
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    used > 0 ? "," : "", names[k]);
	}
	if (buf[0] == '\0')
		strlcpy_pt(buf, "-", len);
	return (buf);
}

/*
 * Each BMP collector's routers: what the router said of itself in its
 * Initiation (RFC 7854 4.3, sysName/sysDescr), its message counts, then
 * its monitored peers with their Statistics Report counters (4.8) by
 * name.  Nothing at all without a bmp collector.
 */
static void
output_bmp_text(FILE *f, const struct model *m)
{
	const struct collector	*c;
	struct bmp_router_info	 ri;
	struct bmp_peer_info	 pi;
	char			 t[32], peers[24], as[16], kinds[64];
	size_t			 i, r, j, k, nbmp = 0;
	unsigned int		 type;
	uint64_t		 value;
	const char		*sname;

	for (i = 0; i < m->ncollectors; i++) {
		c = m->collectors[i];
		if (c->ops != &collector_bmp)
			continue;
		if (nbmp++ == 0)
			fprintf(f, "\n%-32s %-22s %-19s %-7s %9s %9s %8s %6s "
			    "%s\n", "BMP ROUTER", "ADDRESS", "CONNECTED",
			    "PEERS", "MESSAGES", "ROUTE-MON", "ROUTES",
			    "ERRORS", "STATE");
		for (r = 0; collect_bmp_router_info(c, r, &ri); r++) {
			snprintf(peers, sizeof peers, "%zu/%zu", ri.peers_up,
			    ri.peers);
			snprintf(t, sizeof t, "%s:%u", ri.addr, ri.port);
			fprintf(f, "%-32s %-22s ", ri.name[0] != '\0' ?
			    ri.name : "(unnamed)", t);
			fprintf(f, "%-19s %-7s %9llu %9llu %8zu %6llu %s%s\n",
			    ri.connected_ms != 0 ? fmt_time(t, sizeof t,
			    ri.connected_ms, 0) : "-", peers,
			    (unsigned long long)ri.messages,
			    (unsigned long long)ri.route_monitoring, ri.routes,
			    (unsigned long long)ri.errors, ri.terminated ?
			    "terminated: " : (ri.synced ? "synced" : "syncing"),
			    ri.terminated ? ri.term_reason : "");
			fprintf(f, "  sysDescr: %s\n", ri.descr[0] != '\0' ?
			    ri.descr : "-");
			if (ri.last_error[0] != '\0')
				fprintf(f, "  last error: %s\n", ri.last_error);
			if (ri.peers == 0)
				continue;
			fprintf(f, "  %-39s %-10s %-4s %-16s %8s %8s %6s %-3s "
			    "%s\n", "PEER", "AS", "UP", "KINDS", "ROUTES",
			    "UPDATES", "ERRORS", "EOR", "SESSION");
			for (j = 0; collect_bmp_peer_info(c, r, j, &pi); j++) {
				snprintf(as, sizeof as, "%u", pi.asn);
				fprintf(f, "  %-39s %-10s %-4s %-16s %8zu %8llu "
				    "%6llu %-3s %s\n", pi.addr[0] != '\0' ?
				    pi.addr : "(Loc-RIB)", as, pi.up ? "yes" :
				    "no", output_bmp_kinds(pi.kinds, kinds,
				    sizeof kinds), pi.routes,
				    (unsigned long long)pi.updates,
				    (unsigned long long)pi.errors,
				    pi.eor ? "yes" : "no", pi.session[0] != '\0' ?
				    pi.session : "-");
				if (pi.last_error[0] != '\0')
					fprintf(f, "    last error: %s\n",
					    pi.last_error);
				for (k = 0; collect_bmp_peer_stat(c, r, j, k,
				    &type, &sname, &value); k++)
					fprintf(f, "    stat %-2u %-48s %llu\n",
					    type, sname,
					    (unsigned long long)value);
			}
		}
	}
}

static void
output_bmp_json(FILE *f, const struct model *m)
{
	const struct collector	*c;
	struct bmp_router_info	 ri;
	struct bmp_peer_info	 pi;
	char			 kinds[64];
	size_t			 i, r, j, k, n = 0;
	unsigned int		 type;
	uint64_t		 value;
	const char		*sname;
	int			 open = 0;

	/* The caller's next section closes the array with "]". */
	for (i = 0; i < m->ncollectors; i++) {
		c = m->collectors[i];
		if (c->ops != &collector_bmp)
			continue;
		if (!open++)
			fprintf(f, "\n  ],\n  \"bmp_routers\": [");
		for (r = 0; collect_bmp_router_info(c, r, &ri); r++) {
			fprintf(f, "%s\n    {", n++ ? "," : "");
			json_str(f, "collector", c->name, 1);
			json_str(f, "name", ri.name, 1);
			json_str(f, "descr", ri.descr, 1);
			json_str(f, "address", ri.addr, 1);
			fprintf(f, "\"port\": %u, ", ri.port);
			json_time(f, "connected", ri.connected_ms, 1);
			fprintf(f, "\"peers_total\": %zu, \"peers_up\": %zu, "
			    "\"messages\": %llu, \"route_monitoring\": %llu, "
			    "\"statistics\": %llu, \"peer_up\": %llu, "
			    "\"peer_down\": %llu, \"routes\": %zu, "
			    "\"errors\": %llu, ", ri.peers, ri.peers_up,
			    (unsigned long long)ri.messages,
			    (unsigned long long)ri.route_monitoring,
			    (unsigned long long)ri.statistics,
			    (unsigned long long)ri.peer_up,
			    (unsigned long long)ri.peer_down, ri.routes,
			    (unsigned long long)ri.errors);
			json_str(f, "last_error", ri.last_error, 1);
			fprintf(f, "\"synced\": %s, \"terminated\": %s, ",
			    ri.synced ? "true" : "false",
			    ri.terminated ? "true" : "false");
			json_str(f, "term_reason", ri.term_reason, 1);
			fprintf(f, "\"peers\": [");
			for (j = 0; collect_bmp_peer_info(c, r, j, &pi); j++) {
				fprintf(f, "%s\n      {", j ? "," : "");
				json_str(f, "address", pi.addr, 1);
				fprintf(f, "\"as\": %u, ", pi.asn);
				json_str(f, "type", pi.type_name, 1);
				fprintf(f, "\"up\": %s, ", pi.up ? "true" :
				    "false");
				json_str(f, "kinds", output_bmp_kinds(pi.kinds,
				    kinds, sizeof kinds), 1);
				json_str(f, "session", pi.session, 1);
				fprintf(f, "\"routes\": %zu, \"updates\": %llu, "
				    "\"errors\": %llu, \"end_of_rib\": %s, ",
				    pi.routes, (unsigned long long)pi.updates,
				    (unsigned long long)pi.errors,
				    pi.eor ? "true" : "false");
				json_str(f, "last_error", pi.last_error, 1);
				fprintf(f, "\"stat_reports\": %llu, "
				    "\"stats\": [", (unsigned long long)
				    pi.stat_reports);
				for (k = 0; collect_bmp_peer_stat(c, r, j, k,
				    &type, &sname, &value); k++) {
					fprintf(f, "%s{\"type\": %u, ",
					    k ? ", " : "", type);
					json_str(f, "name",
					    sname, 1);
					fprintf(f, "\"value\": %llu}",
					    (unsigned long long)value);
				}
				fprintf(f, "]}");
			}
			fprintf(f, "%s]}", j ? "\n    " : "");
		}
	}
}

/*
 * Registered prefixes: sessions carrying them (primary and backup, of
 * those configured), the best path, the PFX_* flags as words and the
 * worst problem.  "unseen" until a session's routes or any route for
 * the prefix were seen.
 */
static void
output_prefixes_text(FILE *f, const struct model *m)
{
	const struct branch		*b;
	const struct branch_prefix	*bp;
	char				 pfx[PREFIX_STRLEN], pri[16], bak[16];
	char				 flags[160], origin[16];
	size_t				 i, j, n = 0;

	for (i = 0; i < m->nbranches; i++)
		n += m->branches[i]->nprefixes;
	if (n == 0)
		return;
	fprintf(f, "\n%-20s %-20s %-8s %-5s %-5s %-8s %-16s %-24s %s\n",
	    "PREFIX", "BRANCH", "ORIGIN", "PRI", "BAK", "BEST AS", "BEST VIA",
	    "STATE", "PROBLEM");
	for (i = 0; i < m->nbranches; i++) {
		b = m->branches[i];
		for (j = 0; j < b->nprefixes; j++) {
			bp = &b->prefixes[j];
			snprintf(pri, sizeof pri, "%u/%u", bp->nprimary,
			    bp->nprimary_total);
			snprintf(bak, sizeof bak, "%u/%u", bp->nbackup,
			    bp->nbackup_total);
			if (bp->best_origin != 0)
				snprintf(origin, sizeof origin, "%u",
				    bp->best_origin);
			else
				strlcpy_pt(origin, "-", sizeof origin);
			if (!bp->seen)
				strlcpy_pt(flags, "unseen", sizeof flags);
			else if (bp->flags == 0)
				strlcpy_pt(flags, "ok", sizeof flags);
			else
				routemon_flags_fmt(bp->flags, flags,
				    sizeof flags);
			fprintf(f, "%-20s %-20s %-8u %-5s %-5s %-8s %-16s "
			    "%-24s %s\n", prefix_fmt(&bp->prefix, pfx,
			    sizeof pfx), b->name, bp->origin, pri, bak, origin,
			    bp->best_session >= 0 && (size_t)bp->best_session <
			    m->nsessions ? m->sessions[bp->best_session]->name :
			    "-", flags, bp->problem);
		}
	}
}

/*
 * Print a JSON string member: "key": "escaped".  JSON is UTF-8, but names
 * from the configuration are bytes: invalid sequences become '?' through
 * sanitize(), run by run between control characters (which json_escape()
 * writes as \uXXXX).  The buffers fit the whole value, so nothing is
 * cut in the middle of a character.
 */
static void
json_str(FILE *f, const char *key, const char *value, int comma)
{
	char	*clean, *esc;
	size_t	 len = strlen(value), i, j, o = 0;

	clean = xmalloc(len + 1);
	for (i = 0; i < len; i = j) {
		if ((unsigned char)value[i] < 0x20 || value[i] == 0x7f) {
			clean[o++] = value[i];
			j = i + 1;
			continue;
		}
		for (j = i; j < len && (unsigned char)value[j] >= 0x20 &&
		    value[j] != 0x7f; j++)
			;
		sanitize(clean + o, j - i + 1, value + i, j - i);
		o += strlen(clean + o);
	}
	clean[o] = '\0';
	esc = xmalloc(6 * o + 1);	/* "\u001f" for each byte at most */
	fprintf(f, "\"%s\": \"%s\"%s", key, json_escape(esc, 6 * o + 1, clean),
	    comma ? ", " : "");
	free(esc);
	free(clean);
}

static void
json_time(FILE *f, const char *key, int64_t ms, int comma)
{
	char	 t[32];

	if (ms == 0) {
		fprintf(f, "\"%s\": null%s", key, comma ? ", " : "");
		return;
	}
	fmt_time(t, sizeof t, ms, 1);
	t[10] = 'T';
	fprintf(f, "\"%s\": \"%sZ\"%s", key, t, comma ? ", " : "");
}

static void
output_json(FILE *f, const struct model *m, size_t nevents)
{
	static const char *status_lower[] = { "ok", "warning", "critical" };
	const struct collector	*c;
	const struct partner	*p;
	const struct session	*s;
	const struct branch	*b;
	const struct event	*ev;
	uint64_t		 now = now_mono_ms();
	char			 a[ADDR_STRLEN], detail[256];
	size_t			 i, j, first;

	fprintf(f, "{\n  ");
	json_time(f, "generated", now_wall_ms(), 1);
	if (m->replay_ms != 0)
		json_time(f, "replay", m->replay_ms, 1);
	json_str(f, "status", status_lower[output_status(m)], 0);

	fprintf(f, ",\n  \"collectors\": [");
	for (i = 0; i < m->ncollectors; i++) {
		c = m->collectors[i];
		fprintf(f, "%s\n    {", i ? "," : "");
		json_str(f, "name", c->name, 1);
		json_str(f, "kind", c->ops != NULL ? c->ops->name : "", 1);
		json_str(f, "path", c->path != NULL ? c->path : "", 1);
		json_str(f, "router", c->router, 1);
		json_str(f, "state", collector_state_name(c->state), 1);
		fprintf(f, "\"age_s\": %lld, ", collector_age(c, now));
		detail[0] = '\0';
		if (c->ops != NULL && c->ops->describe != NULL)
			c->ops->describe(c, detail, sizeof detail);
		json_str(f, "detail", detail, 1);
		json_str(f, "error", c->error, 0);
		fprintf(f, "}");
	}
	output_bmp_json(f, m);

	fprintf(f, "\n  ],\n  \"partners\": [");
	for (i = 0; i < m->npartners; i++) {
		p = m->partners[i];
		fprintf(f, "%s\n    {", i ? "," : "");
		json_str(f, "name", p->name, 1);
		fprintf(f, "\"as\": %u, \"backup_none\": %s, ", p->asn,
		    p->backup_none ? "true" : "false");
		json_str(f, "redundancy", redundancy_name(p->red), 1);
		json_str(f, "reason", p->reason, 1);
		json_time(f, "since", p->red_since_ms, 0);
		fprintf(f, "}");
	}

	fprintf(f, "\n  ],\n  \"sessions\": [");
	for (i = 0; i < m->nsessions; i++) {
		s = m->sessions[i];
		fprintf(f, "%s\n    {", i ? "," : "");
		json_str(f, "name", s->name, 1);
		json_str(f, "partner", s->partner != NULL ?
		    s->partner->name : "", 1);
		json_str(f, "router", s->router, 1);
		json_str(f, "neighbor", addr_fmt(&s->neighbor, a, sizeof a), 1);
		json_str(f, "edge", s->edge, 1);
		json_str(f, "role", role_name(s->role), 1);
		json_str(f, "state", bgp_state_name(s->state), 1);
		json_time(f, "since", s->since_ms, 1);
		fprintf(f, "\"remote_as\": %u, \"routes_imported\": %u, "
		    "\"routes_exported\": %u, \"flaps\": %u, \"flapping\": %s, ",
		    s->remote_as, s->routes_imported, s->routes_exported,
		    s->flaps, s->flapping ? "true" : "false");
		json_str(f, "protocol", s->proto, 1);
		json_str(f, "last_error", s->last_error, 0);
		fprintf(f, "}");
	}

	fprintf(f, "\n  ],\n  \"branches\": [");
	for (i = 0; i < m->nbranches; i++) {
		b = m->branches[i];
		fprintf(f, "%s\n    {", i ? "," : "");
		json_str(f, "name", b->name, 1);
		json_str(f, "partner", b->partner != NULL ?
		    b->partner->name : "", 1);
		fprintf(f, "\"addresses\": [");
		for (j = 0; j < b->naddrs; j++)
			fprintf(f, "%s\"%s\"", j ? ", " : "",
			    addr_fmt(&b->addrs[j], a, sizeof a));
		fprintf(f, "], \"prefixes\": [");
		for (j = 0; j < b->nprefixes; j++) {
			fprintf(f, "%s", j ? ", " : "");
			output_prefix_json(f, m, &b->prefixes[j]);
		}
		fprintf(f, "], \"location\": {");
		json_str(f, "source", loc_name(b->loc), b->loc != LOC_UNKNOWN);
		if (b->loc != LOC_UNKNOWN) {
			fprintf(f, "\"lat\": %.4f, \"lon\": %.4f, ", b->lat,
			    b->lon);
			json_str(f, "city", b->city, 1);
			json_str(f, "country", b->country, 0);
		}
		fprintf(f, "}, \"asn\": %u, ", b->asn);
		json_str(f, "as_name", b->asname, 1);
		if (b->nearest >= 0) {
			fprintf(f, "\"nearest_edge\": {");
			json_str(f, "code", m->edges[b->nearest].code, 1);
			json_str(f, "metro", m->edges[b->nearest].metro, 1);
			fprintf(f, "\"distance_km\": %.1f}, ", b->nearest_km);
		} else
			fprintf(f, "\"nearest_edge\": null, ");
		if (b->routed >= 0 && (size_t)b->routed < m->nedges) {
			fprintf(f, "\"routed_edge\": {");
			json_str(f, "code", m->edges[b->routed].code, 1);
			json_str(f, "metro", m->edges[b->routed].metro, 0);
			fprintf(f, "}, ");
		} else
			fprintf(f, "\"routed_edge\": null, ");
		fprintf(f, "\"suboptimal\": %s, ", b->suboptimal ? "true" :
		    "false");
		output_latency_json(f, m, b);
		fprintf(f, "\"sessions_up\": %d, \"sessions_total\": %d, ",
		    b->sessions_up, b->sessions_total);
		json_str(f, "redundancy", b->partner != NULL ?
		    redundancy_name(b->partner->red) : "UNKNOWN", 1);
		json_str(f, "last_event", b->last_event, 0);
		fprintf(f, "}");
	}

	fprintf(f, "\n  ],\n  \"events\": [");
	first = m->nevents > nevents ? m->nevents - nevents : 0;
	for (i = first; i < m->nevents; i++) {
		ev = model_event(m, i);
		fprintf(f, "%s\n    {\"id\": %lld, ", i > first ? "," : "",
		    (long long)ev->id);
		json_time(f, "time", ev->time_ms, 1);
		json_str(f, "type", ev->type, 1);
		json_str(f, "level", level_name(ev->level), 1);
		json_str(f, "subject", ev->subject, 1);
		json_str(f, "summary", ev->summary, 1);
		json_str(f, "details", ev->details, 0);
		fprintf(f, "}");
	}
	fprintf(f, "\n  ]\n}\n");
}

/* One registered prefix and its route state. */
static void
output_prefix_json(FILE *f, const struct model *m,
    const struct branch_prefix *bp)
{
	char		 pfx[PREFIX_STRLEN], flags[160], *w, *last;
	size_t		 i;
	int		 n;

	fprintf(f, "{\"prefix\": \"%s\", \"origin\": %u, \"upstreams\": [",
	    prefix_fmt(&bp->prefix, pfx, sizeof pfx), bp->origin);
	for (i = 0; i < bp->nupstreams; i++)
		fprintf(f, "%s%u", i ? ", " : "", bp->upstreams[i]);
	fprintf(f, "], \"seen\": %s, \"flags\": [", bp->seen ? "true" :
	    "false");
	routemon_flags_fmt(bp->flags, flags, sizeof flags);
	n = 0;
	for (w = strtok_r(flags, " ", &last); w != NULL;
	    w = strtok_r(NULL, " ", &last))
		fprintf(f, "%s\"%s\"", n++ ? ", " : "", w);
	fprintf(f, "], \"primary\": %u, \"primary_total\": %u, "
	    "\"backup\": %u, \"backup_total\": %u, ", bp->nprimary,
	    bp->nprimary_total, bp->nbackup, bp->nbackup_total);
	fprintf(f, "\"best_origin\": %u, ", bp->best_origin);
	json_str(f, "best_path", bp->best_path, 1);
	json_str(f, "best_session", bp->best_session >= 0 &&
	    (size_t)bp->best_session < m->nsessions ?
	    m->sessions[bp->best_session]->name : "", 1);
	json_str(f, "carried", bp->carried, 1);
	fprintf(f, "\"bad_origin\": %u, ", bp->bad_origin);
	json_str(f, "problem", bp->problem, 1);
	json_time(f, "since", bp->since_ms, 0);
	fprintf(f, "}");
}

void
output_event_text(FILE *f, const struct event *ev)
{
	char	 t[32];

	fmt_time(t, sizeof t, ev->time_ms, 1);
	t[10] = 'T';
	fprintf(f, "%sZ %s %s [%s] %s\n", t, level_name(ev->level), ev->type,
	    ev->subject, ev->summary);
}

void
output_event_json(FILE *f, const struct event *ev)
{
	fprintf(f, "{");
	json_time(f, "time", ev->time_ms, 1);
	json_str(f, "type", ev->type, 1);
	json_str(f, "level", level_name(ev->level), 1);
	json_str(f, "subject", ev->subject, 1);
	json_str(f, "summary", ev->summary, 1);
	json_str(f, "details", ev->details, 0);
	fprintf(f, "}");
}
