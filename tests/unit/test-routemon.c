/* SPDX-License-Identifier: ISC */
/*
 * Tests for the route monitor (core/routemon.c, core/routemon-check.c)
 * and the "upstream" list of a registered prefix (core/config.c): a real
 * RIB fed with hand-built path attributes, a model from a configuration
 * string, and every route event checked for its type, level, subject,
 * time, that it is raised once, and its restoring event; the derived
 * prefix fields, the routed edge and SuboptimalRouting; nothing raised
 * for an unrelated prefix; route security (issue 16): the valley-free
 * leak by CAIDA relationships, the RFC 9234 OTC rules and ASPA, by the
 * session's relation, each with its restoring event; RPKI (issue 16):
 * PrefixRPKIInvalid, PrefixRPKINotFound, ROAChanged and ROAExpiring
 * from VRP sets and their diffs, and the rpki collector giving the
 * monitor its ASPAs (PrefixASPAInvalid from an rpki-client file).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <event2/event.h>

#include "core/asrel.h"
#include "core/bgp-role.h"
#include "core/collector.h"
#include "core/config.h"
#include "core/geo.h"
#include "core/model.h"
#include "core/rib.h"
#include "core/routemon.h"
#include "core/routemon-check.h"
#include "core/util.h"
#include "core/vrp.h"

#ifndef TOP_SRCDIR
#define TOP_SRCDIR "."
#endif
#define CONFDIR TOP_SRCDIR "/tests/conf/"

/*
 * Partner AS64500 (documentation ASNs, RFC 5398, so that none is
 * private): two primary sessions at Seattle, one backup at Amsterdam.
 * The branch sits in Seattle; 203.0.113.0/24 is originated by the
 * branch's AS64501 through the partner or upstream AS64502.
 */
static const char conf[] =
    "partner \"isp\" as 64500 {\n"
    "\tsession \"p1\" neighbor 192.0.2.1 router \"r1\" edge sea "
    "role primary\n"
    "\tsession \"p2\" neighbor 192.0.2.2 router \"r2\" edge sea "
    "role primary\n"
    "\tsession \"b1\" neighbor 192.0.2.3 router \"r3\" edge ams "
    "role backup\n"
    "}\n"
    "branch \"hq\" {\n"
    "\tpartner \"isp\"\n"
    "\taddress 203.0.113.10\n"
    "\tprefix 203.0.113.0/24 origin 64501 upstream 64502\n"
    "\tprefix 198.51.100.0/24 origin 64500\n"
    "\tprefix 2001:db8:1::/48 origin 64501\n"
    "\tlocation 47.6 -122.3\n"
    "}\n";

struct fix {
	struct model	*m;
	struct rib	*rib;
	struct routemon	*rm;
	int		 p1, p2, b1;	/* RIB peers of the sessions */
	int		 thief;		/* an unconfigured peer */
	int64_t		 now;
	size_t		 seen;		/* events looked at so far */
	uint32_t	 otc;		/* RFC 9234 OTC on announces, 0 none */
};

static struct model *
new_model(void)
{
	static const struct edge edges[] = {
		{ "sea", "Seattle", "US", 47.61, -122.33, "ER|PL" },
		{ "lax", "Los Angeles", "US", 34.05, -118.24, "ER|PL" },
		{ "ams", "Amsterdam", "NL", 52.37, 4.90, "ER|PL|PS" },
	};
	struct model	*m;
	size_t		 i;

	m = model_new();
	for (i = 0; i < nitems(edges); i++)
		model_edge_set(m, &edges[i]);
	return (m);
}

/* A model (with the edges) from configuration text, which must parse. */
static struct model *
parse_model(const char *text, size_t len)
{
	struct model	*m;
	char		*cause = NULL;

	m = new_model();
	if (config_parse_buffer(m, "t.conf", text, len, &cause) != 0)
		fail_msg("config: %s", cause);
	return (m);
}

/* A file of tests/conf/ that is refused, with "path:tail" as cause. */
struct conf_err {
	const char	*file, *tail;
};

static void
conf_errors(const struct conf_err *errs, size_t n)
{
	struct model	*m;
	char		*cause = NULL, *path, *want;
	size_t		 i;

	for (i = 0; i < n; i++) {
		m = new_model();
		xasprintf(&path, "%s%s", CONFDIR, errs[i].file);
		assert_int_equal(config_parse(m, path, &cause), -1);
		assert_non_null(cause);
		xasprintf(&want, "%s:%s", path, errs[i].tail);
		if (strcmp(cause, want) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", errs[i].file,
			    cause, want);
		free(want);
		free(path);
		free(cause);
		cause = NULL;
		model_free(m);
	}
}

static int
peer_add(struct rib *rib, const char *router, const char *addr,
    uint32_t as, enum rib_peer_kind kind, struct session *s)
{
	struct rib_peer_key	 k;
	int			 id;

	memset(&k, 0, sizeof k);
	strlcpy_pt(k.router, router, sizeof k.router);
	assert_int_equal(addr_parse(addr, &k.addr), 0);
	k.asn = as;
	k.kind = kind;
	id = rib_peer_get(rib, &k);
	rib_peer(rib, id)->session = s;
	return (id);
}

static int
setup(void **state)
{
	struct fix	*f;
	struct branch	*b;

	f = xcalloc(1, sizeof *f);
	f->m = parse_model(conf, strlen(conf));
	b = f->m->branches[0];
	b->loc = LOC_CONFIG;
	b->lat = b->cfg_lat;
	b->lon = b->cfg_lon;
	b->nearest = geo_nearest_edge(f->m, b->lat, b->lon, &b->nearest_km);
	f->rib = rib_new();
	f->p1 = peer_add(f->rib, "r1", "192.0.2.1", 64500,
	    RIB_PEER_ADJ_IN_POST, model_session_find(f->m, "p1"));
	f->p2 = peer_add(f->rib, "r2", "192.0.2.2", 64500,
	    RIB_PEER_ADJ_IN_PRE, model_session_find(f->m, "p2"));
	f->b1 = peer_add(f->rib, "r3", "192.0.2.3", 64500,
	    RIB_PEER_ADJ_IN_POST, model_session_find(f->m, "b1"));
	f->thief = peer_add(f->rib, "", "10.9.9.9", 64999, RIB_PEER_MRT,
	    NULL);
	f->rm = routemon_new(f->m, f->rib);
	assert_ptr_equal(f->m->routemon, f->rm);
	assert_ptr_equal(f->m->rib, f->rib);
	f->now = 1700000000000LL;
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fix	*f = *state;

	routemon_free(f->rm);
	assert_null(f->m->routemon);
	rib_free(f->rib);
	model_free(f->m);
	free(f);
	return (0);
}

/*
 * Path attributes as a router sends them: ORIGIN IGP, a 4-octet AS_PATH
 * sequence, NEXT_HOP, optionally MED, and COMMUNITIES when given.
 */
static struct rib_attr *
attr(struct fix *f, const uint32_t *path, size_t npath,
    const uint32_t *comms, size_t ncomms, int med)
{
	struct bgp_decode_opts	 o = { .as4 = 1 };
	struct rib_attr		*a;
	uint8_t			 b[512];
	size_t			 n = 0, i;
	char			*cause = NULL;
	int			 taw = 0;

	b[n++] = 0x40; b[n++] = BGP_ATTR_ORIGIN; b[n++] = 1; b[n++] = 0;
	b[n++] = 0x40; b[n++] = BGP_ATTR_AS_PATH;
	b[n++] = (uint8_t)(npath > 0 ? 2 + 4 * npath : 0);
	if (npath > 0) {
		b[n++] = BGP_AS_SEQUENCE;
		b[n++] = (uint8_t)npath;
		for (i = 0; i < npath; i++) {
			b[n++] = (uint8_t)(path[i] >> 24);
			b[n++] = (uint8_t)(path[i] >> 16);
			b[n++] = (uint8_t)(path[i] >> 8);
			b[n++] = (uint8_t)path[i];
		}
	}
	b[n++] = 0x40; b[n++] = BGP_ATTR_NEXT_HOP; b[n++] = 4;
	b[n++] = 192; b[n++] = 0; b[n++] = 2; b[n++] = 99;
	if (med >= 0) {
		b[n++] = 0x80; b[n++] = BGP_ATTR_MED; b[n++] = 4;
		b[n++] = 0; b[n++] = 0; b[n++] = 0; b[n++] = (uint8_t)med;
	}
	if (f->otc != 0) {
		b[n++] = 0xc0; b[n++] = BGP_ATTR_OTC; b[n++] = 4;
		b[n++] = (uint8_t)(f->otc >> 24);
		b[n++] = (uint8_t)(f->otc >> 16);
		b[n++] = (uint8_t)(f->otc >> 8);
		b[n++] = (uint8_t)f->otc;
	}
	if (ncomms > 0) {
		b[n++] = 0xc0; b[n++] = BGP_ATTR_COMMUNITIES;
		b[n++] = (uint8_t)(4 * ncomms);
		for (i = 0; i < ncomms; i++) {
			b[n++] = (uint8_t)(comms[i] >> 24);
			b[n++] = (uint8_t)(comms[i] >> 16);
			b[n++] = (uint8_t)(comms[i] >> 8);
			b[n++] = (uint8_t)comms[i];
		}
	}
	a = rib_attr_get(f->rib, b, n, &o, &taw, &cause);
	if (a == NULL)
		fail_msg("rib_attr_get: %s", cause != NULL ? cause : "taw");
	return (a);
}

#define PS	RM_COMMUNITY_PS

/* Announce pfx from peer with this path (8075:8007 unless nocomm). */
static void
announce(struct fix *f, int peer, const char *pfx, const uint32_t *path,
    size_t npath, int nocomm)
{
	static const uint32_t	 comms[] = { PS, (64500U << 16) | 100 };
	struct rib_attr		*a;
	struct prefix		 p;

	assert_int_equal(prefix_parse(pfx, &p), 0);
	a = attr(f, path, npath, comms, nocomm ? 0 : 2, -1);
	rib_announce(f->rib, peer, &p, 0, a);
	rib_attr_put(f->rib, a);
}

static void
withdraw(struct fix *f, int peer, const char *pfx)
{
	struct prefix	 p;

	assert_int_equal(prefix_parse(pfx, &p), 0);
	rib_withdraw(f->rib, peer, &p, 0);
}

static void
eval(struct fix *f)
{
	f->now += 1000;
	routemon_eval(f->rm, f->now);
}

/* Events of this type raised since the last call to new_events(). */
static size_t
count(struct fix *f, const char *type)
{
	const struct event	*ev;
	size_t			 i, n = 0;

	for (i = f->seen; (ev = model_event(f->m, i)) != NULL; i++)
		if (strcmp(ev->type, type) == 0)
			n++;
	return (n);
}

static const struct event *
find(struct fix *f, const char *type)
{
	const struct event	*ev;
	size_t			 i;

	for (i = f->seen; (ev = model_event(f->m, i)) != NULL; i++)
		if (strcmp(ev->type, type) == 0)
			return (ev);
	fail_msg("no %s event", type);
	return (NULL);
}

/* Exactly one event of type, with level and subject, at f->now. */
static const struct event *
one(struct fix *f, const char *type, enum level level, const char *subject)
{
	const struct event	*ev;

	if (count(f, type) != 1)
		fail_msg("%zu %s events, expected 1", count(f, type), type);
	ev = find(f, type);
	assert_int_equal(ev->level, level);
	assert_string_equal(ev->subject, subject);
	assert_true(ev->time_ms == f->now);
	return (ev);
}

static size_t
nnew(struct fix *f)
{
	return (f->m->nevents - f->seen);
}

static void
new_events(struct fix *f)
{
	f->seen = f->m->nevents;
}

static const uint32_t good[] = { 64500, 64501 };
static const char pfx[] = "prefix 203.0.113.0/24";

/* Announce the good path on every session and settle. */
static void
all_good(struct fix *f)
{
	announce(f, f->p1, "203.0.113.0/24", good, 2, 0);
	announce(f, f->p2, "203.0.113.0/24", good, 2, 0);
	announce(f, f->b1, "203.0.113.0/24", good, 2, 0);
	eval(f);
	new_events(f);
}

/*
 * Evaluating again raises nothing new, even with every prefix marked
 * dirty: events come from changes of state only.
 */
static void
assert_settled(struct fix *f)
{
	new_events(f);
	eval(f);
	routemon_dirty_all(f->rm);
	eval(f);
	assert_int_equal(nnew(f), 0);
}

static void
test_announce_withdraw(void **state)
{
	struct fix		*f = *state;
	struct branch_prefix	*bp = &f->m->branches[0]->prefixes[0];
	const struct event	*ev;
	char			 w[128];

	/*
	 * Nothing yet: not carried is the state (the sessions' peers are
	 * there), but never carried since start-up is no news.
	 */
	eval(f);
	assert_int_equal(nnew(f), 0);
	assert_int_equal(bp->best_session, -1);
	assert_int_equal(bp->flags, PFX_INVISIBLE | PFX_NOPRIMARY |
	    PFX_NOBACKUP);
	assert_string_equal(bp->problem, "203.0.113.0/24 is not carried by "
	    "any session of isp");
	assert_true(bp->seen);

	announce(f, f->p1, "203.0.113.0/24", good, 2, 0);
	eval(f);
	ev = one(f, "PrefixAnnouncementEvent", LVL_INFO, pfx);
	assert_non_null(strstr(ev->summary, "p1"));
	assert_non_null(strstr(ev->details, "path 64500 64501"));
	assert_non_null(strstr(ev->details, "8075:8007"));
	assert_int_equal(nnew(f), 1);
	assert_int_equal(bp->nprimary, 1);
	assert_int_equal(bp->nprimary_total, 2);
	assert_int_equal(bp->nbackup, 0);
	assert_int_equal(bp->nbackup_total, 1);
	assert_int_equal(bp->flags, PFX_NOPRIMARY | PFX_NOBACKUP);
	assert_string_equal(routemon_flags_fmt(bp->flags, w, sizeof w),
	    "not-all-primary not-all-backup");
	assert_int_equal(routemon_flags_level(bp->flags), LVL_WARNING);
	assert_true(bp->seen);
	assert_int_equal(bp->best_origin, 64501);
	assert_string_equal(bp->best_path, "64500 64501");
	assert_ptr_equal(f->m->sessions[bp->best_session],
	    model_session_find(f->m, "p1"));
	assert_string_equal(bp->carried, "p1");
	assert_true(bp->since_ms == f->now);
	assert_int_equal(f->m->branches[0]->routed,
	    model_edge_find(f->m, "sea"));
	assert_true(f->m->dirty & DIRTY_ROUTES);

	/* The same again: nothing new. */
	new_events(f);
	announce(f, f->p1, "203.0.113.0/24", good, 2, 0);
	eval(f);
	eval(f);
	assert_int_equal(nnew(f), 0);

	/* Backup and second primary. */
	announce(f, f->b1, "203.0.113.0/24", good, 2, 0);
	announce(f, f->p2, "203.0.113.0/24", good, 2, 0);
	eval(f);
	one(f, "PrefixBackupRouteAnnouncementEvent", LVL_INFO, pfx);
	one(f, "PrefixAnnouncementEvent", LVL_INFO, pfx);
	assert_int_equal(nnew(f), 2);
	assert_int_equal(bp->flags, 0);
	assert_string_equal(bp->carried, "p1 p2 b1");
	assert_string_equal(bp->problem, "");
	new_events(f);

	/* Withdrawals, primary then backup. */
	withdraw(f, f->p1, "203.0.113.0/24");
	eval(f);
	one(f, "PrefixWithdrawalEvent", LVL_WARNING, pfx);
	assert_int_equal(bp->flags, PFX_NOPRIMARY);
	assert_ptr_equal(f->m->sessions[bp->best_session],
	    model_session_find(f->m, "p2"));
	new_events(f);
	withdraw(f, f->b1, "203.0.113.0/24");
	eval(f);
	one(f, "PrefixBackupRouteWithdrawalEvent", LVL_WARNING, pfx);
	assert_int_equal(nnew(f), 1);
	new_events(f);

	/* The last one: visibility lost, then restored. */
	withdraw(f, f->p2, "203.0.113.0/24");
	eval(f);
	one(f, "PrefixWithdrawalEvent", LVL_WARNING, pfx);
	ev = one(f, "PrefixVisibilityLost", LVL_CRITICAL, pfx);
	assert_true(bp->flags & PFX_INVISIBLE);
	assert_int_equal(bp->best_session, -1);
	assert_int_equal(bp->best_origin, 0);
	assert_string_equal(bp->carried, "");
	assert_string_equal(bp->problem, ev->summary);
	assert_int_equal(f->m->branches[0]->routed, -1);
	assert_settled(f);
	announce(f, f->b1, "203.0.113.0/24", good, 2, 0);
	eval(f);
	one(f, "PrefixVisibilityRestored", LVL_INFO, pfx);
	one(f, "PrefixBackupRouteAnnouncementEvent", LVL_INFO, pfx);
	/* Through Amsterdam only, for a branch in Seattle. */
	one(f, "SuboptimalRouting", LVL_WARNING, "branch hq");
	assert_int_equal(nnew(f), 3);
}

static void
test_origin(void **state)
{
	struct fix		*f = *state;
	struct branch_prefix	*bp = &f->m->branches[0]->prefixes[0];
	static const uint32_t	 hijack[] = { 64999 };
	static const uint32_t	 other[] = { 64500, 64777 };
	const struct event	*ev;

	all_good(f);
	/* An unconfigured peer originates the exact prefix. */
	announce(f, f->thief, "203.0.113.0/24", hijack, 1, 1);
	eval(f);
	ev = one(f, "PrefixOriginAsChangeEvent", LVL_CRITICAL, pfx);
	assert_non_null(strstr(ev->summary, "AS64999"));
	assert_non_null(strstr(ev->summary, "10.9.9.9"));
	assert_int_equal(nnew(f), 1);
	assert_int_equal(bp->bad_origin, 64999);
	assert_int_equal(bp->flags, PFX_ORIGIN);
	assert_string_equal(bp->problem, ev->summary);
	assert_int_equal(routemon_flags_level(bp->flags), LVL_CRITICAL);
	/* Still the registered origin on the sessions. */
	assert_int_equal(bp->best_origin, 64501);
	assert_settled(f);
	withdraw(f, f->thief, "203.0.113.0/24");
	eval(f);
	one(f, "PrefixOriginAsChangeResolved", LVL_INFO, pfx);
	assert_int_equal(bp->flags, 0);
	assert_int_equal(bp->bad_origin, 0);
	new_events(f);

	/* Only the backup session has another origin: Error. */
	announce(f, f->b1, "203.0.113.0/24", other, 2, 0);
	eval(f);
	ev = one(f, "PrefixBackupRouteOriginAsChangeEvent", LVL_ERROR, pfx);
	assert_non_null(strstr(ev->summary, "session b1"));
	assert_int_equal(count(f, "PrefixOriginAsChangeEvent"), 0);
	assert_int_equal(bp->bad_origin, 64777);
	/* Path rules are not applied to the other origin's path. */
	assert_int_equal(bp->flags, PFX_ORIGIN);
	new_events(f);
	announce(f, f->b1, "203.0.113.0/24", good, 2, 0);
	eval(f);
	one(f, "PrefixOriginAsChangeResolved", LVL_INFO, pfx);
	assert_int_equal(nnew(f), 1);
}

static void
test_more_specific(void **state)
{
	struct fix		*f = *state;
	struct branch_prefix	*bp = &f->m->branches[0]->prefixes[0];
	static const uint32_t	 hijack[] = { 64999 };
	const struct event	*ev;

	all_good(f);
	announce(f, f->thief, "203.0.113.128/25", hijack, 1, 1);
	eval(f);
	ev = one(f, "PrefixSubPrefixHijack", LVL_CRITICAL, pfx);
	assert_non_null(strstr(ev->summary, "203.0.113.128/25"));
	assert_non_null(strstr(ev->summary, "AS64999"));
	assert_int_equal(nnew(f), 1);
	assert_int_equal(bp->flags, PFX_SUBHIJACK);
	new_events(f);
	withdraw(f, f->thief, "203.0.113.128/25");
	eval(f);
	one(f, "PrefixSubPrefixHijackResolved", LVL_INFO, pfx);
	new_events(f);

	announce(f, f->p1, "203.0.113.0/25", good, 2, 0);
	eval(f);
	ev = one(f, "PrefixMoreSpecific", LVL_WARNING, pfx);
	assert_non_null(strstr(ev->summary, "203.0.113.0/25"));
	assert_int_equal(bp->flags, PFX_MORESPEC);
	assert_int_equal(nnew(f), 1);
	new_events(f);
	withdraw(f, f->p1, "203.0.113.0/25");
	eval(f);
	one(f, "PrefixMoreSpecificResolved", LVL_INFO, pfx);
	assert_int_equal(nnew(f), 1);
}

/* Announce path on p1 alone (p2, b1 good) and expect type raised. */
static const struct event *
bad_path(struct fix *f, const uint32_t *path, size_t n, int nocomm,
    const char *type, enum level level, unsigned flag)
{
	struct branch_prefix	*bp = &f->m->branches[0]->prefixes[0];
	const struct event	*ev;

	new_events(f);
	announce(f, f->p1, "203.0.113.0/24", path, n, nocomm);
	eval(f);
	ev = one(f, type, level, pfx);
	assert_non_null(strstr(ev->summary, "on p1"));
	assert_non_null(strstr(ev->details, "session p1 edge sea primary"));
	assert_true(bp->flags & flag);
	new_events(f);
	announce(f, f->p1, "203.0.113.0/24", good, 2, 0);
	eval(f);
	assert_int_equal(bp->flags, 0);
	return (ev);
}

static void
test_path_rules(void **state)
{
	struct fix		*f = *state;
	static const uint32_t	 via_up[] = { 64500, 64502, 64501 };
	static const uint32_t	 bad_up[] = { 64500, 64503, 64501 };
	static const uint32_t	 leak[] = { 64500, 64510, 64502, 64501 };
	static const uint32_t	 reenter[] = { 64500, 64502, 64500, 64501 };
	static const uint32_t	 priv[] = { 64500, 64502, 64501, 64501 };
	static const uint32_t	 priv4[] = { 4200000001U, 64500, 64501 };
	static const uint32_t	 prep[] = { 64500, 64500, 64500, 64501 };
	static const uint32_t	 ms[] = { 8075, 64500, 64501 };
	struct branch_prefix	*bp = &f->m->branches[0]->prefixes[0];
	const struct event	*ev;

	all_good(f);
	/* Through the allowed upstream: fine. */
	announce(f, f->p1, "203.0.113.0/24", via_up, 3, 0);
	eval(f);
	assert_int_equal(nnew(f), 0);
	assert_int_equal(bp->flags, 0);

	ev = bad_path(f, bad_up, 3, 0, "PrefixUnexpectedUpstream",
	    LVL_WARNING, PFX_UPSTREAM);
	assert_non_null(strstr(ev->summary, "AS64503"));
	one(f, "PrefixUnexpectedUpstreamResolved", LVL_INFO, pfx);

	ev = bad_path(f, leak, 4, 0, "PrefixRouteLeak", LVL_ERROR, PFX_LEAK);
	assert_non_null(strstr(ev->summary, "AS64510"));
	one(f, "PrefixRouteLeakResolved", LVL_INFO, pfx);
	new_events(f);
	/* The same path also broke the path length rule. */
	ev = bad_path(f, leak, 4, 0, "PrefixPathTooLong", LVL_WARNING,
	    PFX_LONGPATH);
	assert_non_null(strstr(ev->summary, "4 ASes"));

	ev = bad_path(f, reenter, 4, 0, "PrefixRouteLeak", LVL_ERROR,
	    PFX_LEAK);
	assert_non_null(strstr(ev->summary, "leaves AS64500"));

	ev = bad_path(f, good, 2, 1, "PrefixCommunityMissing", LVL_WARNING,
	    PFX_NO8007);
	one(f, "PrefixCommunityMissingResolved", LVL_INFO, pfx);

	ev = bad_path(f, prep, 4, 0, "PrefixPrepended", LVL_WARNING,
	    PFX_PREPEND);
	assert_non_null(strstr(ev->summary, "AS64500 appears 3 times"));
	one(f, "PrefixPrependedResolved", LVL_INFO, pfx);
	/* Prepends are counted once for the length rule. */
	new_events(f);
	announce(f, f->p1, "203.0.113.0/24", prep, 4, 0);
	eval(f);
	assert_int_equal(bp->flags, PFX_PREPEND);
	announce(f, f->p1, "203.0.113.0/24", good, 2, 0);
	eval(f);

	/* Origin prepended after the upstream: prepend, not private. */
	(void)priv;
	ev = bad_path(f, priv4, 3, 0, "PrefixPrivateAsn", LVL_WARNING,
	    PFX_PRIVATE);
	assert_non_null(strstr(ev->summary, "AS4200000001"));
	one(f, "PrefixPrivateAsnResolved", LVL_INFO, pfx);

	/* Microsoft's AS at the front (a view from behind it) is fine. */
	new_events(f);
	announce(f, f->p1, "203.0.113.0/24", ms, 3, 0);
	eval(f);
	assert_int_equal(bp->flags, 0);
	assert_int_equal(nnew(f), 0);
}

static void
test_check_rules(void **state)
{
	(void)state;
	assert_true(routemon_private_as(64512));
	assert_true(routemon_private_as(65534));
	assert_true(routemon_private_as(65535));
	assert_true(routemon_private_as(4200000000U));
	assert_true(routemon_private_as(4294967295U));
	assert_false(routemon_private_as(64511));
	assert_false(routemon_private_as(65536));
	assert_false(routemon_private_as(8075));
	assert_false(routemon_private_as(4199999999U));
}

static void
test_suboptimal(void **state)
{
	struct fix	*f = *state;
	struct branch	*b = f->m->branches[0];
	const struct event *ev;

	all_good(f);
	assert_int_equal(b->nearest, model_edge_find(f->m, "sea"));
	assert_int_equal(b->routed, b->nearest);
	assert_false(b->suboptimal);

	/* Only the Amsterdam backup left: 8,000 km away. */
	withdraw(f, f->p1, "203.0.113.0/24");
	withdraw(f, f->p2, "203.0.113.0/24");
	eval(f);
	assert_int_equal(b->routed, model_edge_find(f->m, "ams"));
	ev = one(f, "SuboptimalRouting", LVL_WARNING, "branch hq");
	assert_non_null(strstr(ev->summary, "ams"));
	assert_non_null(strstr(ev->details, "session b1"));
	assert_true(b->suboptimal);
	assert_settled(f);

	/* An Established session wins over the primary role. */
	model_session_find(f->m, "b1")->state = BGP_ESTABLISHED;
	announce(f, f->p2, "203.0.113.0/24", good, 2, 0);
	eval(f);
	assert_int_equal(b->routed, model_edge_find(f->m, "ams"));
	assert_int_equal(count(f, "SuboptimalRoutingResolved"), 0);
	model_session_find(f->m, "p2")->state = BGP_ESTABLISHED;
	routemon_dirty_all(f->rm);
	eval(f);
	assert_int_equal(b->routed, model_edge_find(f->m, "sea"));
	one(f, "SuboptimalRoutingResolved", LVL_INFO, "branch hq");
	assert_false(b->suboptimal);

	/* Within the tolerance: no event. */
	new_events(f);
	routemon_set_limits(f->rm, 10000, ROUTEMON_PATH_MAX);
	withdraw(f, f->p2, "203.0.113.0/24");
	eval(f);
	assert_int_equal(b->routed, model_edge_find(f->m, "ams"));
	assert_int_equal(count(f, "SuboptimalRouting"), 0);
}

/*
 * Issue 12: SuboptimalRouting is judged against the edges the partner can
 * deliver at.  A branch in Los Angeles, where the partner has no session,
 * routed at Seattle (its nearest deliverable edge, 1,500 km away) is not
 * suboptimal; an edge whose sessions are all known down is no reference
 * (the redundancy verdict says it), one in no known state yet still is.
 */
static void
test_suboptimal_deliverable(void **state)
{
	struct fix	*f = *state;
	struct branch	*b = f->m->branches[0];
	const struct event *ev;
	char		 why[48];
	double		 km;

	b->lat = 34.05;
	b->lon = -118.24;
	b->nearest = geo_nearest_edge(f->m, b->lat, b->lon, &b->nearest_km);
	assert_int_equal(b->nearest, model_edge_find(f->m, "lax"));
	assert_int_equal(geo_deliverable_edge(f->m, b, &km),
	    model_edge_find(f->m, "sea"));
	assert_true(km > 1000 && km < 1600);
	assert_false(geo_edge_deliverable(f->m, b, b->nearest));
	assert_int_equal(geo_edge_why(b, b->nearest, why, sizeof why), 0);
	assert_string_equal(why, "no session with this partner");
	all_good(f);
	assert_int_equal(b->routed, model_edge_find(f->m, "sea"));
	assert_false(b->suboptimal);
	assert_int_equal(count(f, "SuboptimalRouting"), 0);

	/* To Amsterdam while Seattle's sessions are not known down. */
	withdraw(f, f->p1, "203.0.113.0/24");
	withdraw(f, f->p2, "203.0.113.0/24");
	eval(f);
	assert_int_equal(b->routed, model_edge_find(f->m, "ams"));
	ev = one(f, "SuboptimalRouting", LVL_WARNING, "branch hq");
	assert_non_null(strstr(ev->summary, "farther than sea, the nearest "
	    "edge its partner has a session at"));
	assert_non_null(strstr(ev->details, "geographic nearest lax"));
	assert_non_null(strstr(ev->details, "no session with this partner"));

	/* Seattle's sessions down: Amsterdam is all it can deliver at. */
	model_session_find(f->m, "p1")->state = BGP_IDLE;
	model_session_find(f->m, "p2")->state = BGP_ADMIN_DOWN;
	model_session_find(f->m, "b1")->state = BGP_ESTABLISHED;
	routemon_dirty_all(f->rm);
	eval(f);
	assert_false(geo_edge_deliverable(f->m, b, model_edge_find(f->m,
	    "sea")));
	assert_int_equal(geo_edge_why(b, model_edge_find(f->m, "sea"), why,
	    sizeof why), 1);
	one(f, "SuboptimalRoutingResolved", LVL_INFO, "branch hq");
	assert_false(b->suboptimal);

	/* Every session down: all of them are the reference again. */
	model_session_find(f->m, "b1")->state = BGP_ACTIVE;
	assert_int_equal(geo_deliverable_edge(f->m, b, NULL),
	    model_edge_find(f->m, "sea"));
	/* No partner: every edge, the geographic nearest. */
	b->partner = NULL;
	assert_int_equal(geo_deliverable_edge(f->m, b, NULL), b->nearest);
	assert_true(geo_edge_deliverable(f->m, b, b->nearest));
}

static void
test_unrelated(void **state)
{
	struct fix		*f = *state;
	struct branch_prefix	*bp;
	static const uint32_t	 hijack[] = { 64999 };

	all_good(f);
	announce(f, f->thief, "192.0.2.0/24", hijack, 1, 1);
	announce(f, f->p1, "203.0.112.0/24", good, 2, 1);
	announce(f, f->thief, "203.0.0.0/16", hijack, 1, 1);
	announce(f, f->p1, "198.51.101.0/24", hijack, 1, 1);
	eval(f);
	routemon_dirty_all(f->rm);
	eval(f);
	assert_int_equal(nnew(f), 0);
	assert_int_equal(f->m->branches[0]->prefixes[0].flags, 0);
	/* IPv4 sessions are not expected to carry an IPv6 prefix. */
	bp = &f->m->branches[0]->prefixes[2];
	assert_int_equal(bp->nprimary_total + bp->nbackup_total, 0);
	assert_int_equal(bp->flags, 0);
	/* Registered, never carried: flagged, no event. */
	bp = &f->m->branches[0]->prefixes[1];
	assert_int_equal(bp->nprimary_total, 2);
	assert_int_equal(bp->flags, PFX_INVISIBLE | PFX_NOPRIMARY |
	    PFX_NOBACKUP);
}

/* A peer down flushes its routes: withdrawal events follow. */
static void
test_peer_flush(void **state)
{
	struct fix	*f = *state;

	all_good(f);
	rib_peer_flush(f->rib, f->b1);
	eval(f);
	one(f, "PrefixBackupRouteWithdrawalEvent", LVL_WARNING, pfx);
	assert_int_equal(f->m->branches[0]->prefixes[0].nbackup, 0);
}

/*
 * The source of a session's routes goes away (a BMP router's connection
 * closed): its routes are unknown, not withdrawn.  Nothing is withdrawn
 * nor raised nor resolved until the source is back; then what it sends
 * is compared with what the session carried before.
 */
static void
test_source_lost(void **state)
{
	struct fix		*f = *state;
	struct branch_prefix	*bp = &f->m->branches[0]->prefixes[0];
	struct session		*p1 = model_session_find(f->m, "p1");
	struct session		*p2 = model_session_find(f->m, "p2");
	struct session		*b1 = model_session_find(f->m, "b1");
	static const uint32_t	 hijack[] = { 64999 };

	all_good(f);
	/* A sub-prefix hijack seen by the thief's collector, raised. */
	announce(f, f->thief, "203.0.113.128/25", hijack, 1, 0);
	eval(f);
	one(f, "PrefixSubPrefixHijack", LVL_CRITICAL, pfx);
	new_events(f);

	/* p1's router goes: its routes with it, and the thief's. */
	model_session_routes(f->m, p1, 1, "BMP from r1 closed");
	rib_peer_flush(f->rib, f->p1);
	rib_peer_flush(f->rib, f->thief);
	eval(f);
	assert_int_equal(nnew(f), 0);
	assert_int_equal(bp->nunknown, 1);
	assert_int_equal(bp->nprimary, 1);
	assert_string_equal(bp->carried, "p2 b1");
	/* Not resolved on a partial picture. */
	assert_true(bp->flags & PFX_SUBHIJACK);

	/* Every source gone: still nothing, not even invisibility. */
	model_session_routes(f->m, p2, 1, "BMP from r1 closed");
	model_session_routes(f->m, b1, 1, "BMP from r1 closed");
	rib_peer_flush(f->rib, f->p2);
	rib_peer_flush(f->rib, f->b1);
	eval(f);
	assert_int_equal(nnew(f), 0);
	assert_int_equal(bp->nunknown, 3);
	assert_false(bp->flags & PFX_INVISIBLE);
	assert_settled(f);

	/* p1 and p2 back with the same table: no news. */
	announce(f, f->p1, "203.0.113.0/24", good, 2, 0);
	announce(f, f->p2, "203.0.113.0/24", good, 2, 0);
	model_session_routes(f->m, p1, 0, "BMP from r1 closed");
	model_session_routes(f->m, p2, 0, "BMP from r1 closed");
	eval(f);
	assert_int_equal(count(f, "PrefixAnnouncementEvent"), 0);
	assert_int_equal(count(f, "PrefixWithdrawalEvent"), 0);
	assert_int_equal(bp->nunknown, 1);
	/* b1 is still unknown: the hijack is not declared over yet. */
	assert_int_equal(count(f, "PrefixSubPrefixHijackResolved"), 0);

	/* b1 back without the prefix: withdrawn while nobody looked. */
	model_session_routes(f->m, b1, 0, "BMP from r1 closed");
	eval(f);
	one(f, "PrefixBackupRouteWithdrawalEvent", LVL_WARNING, pfx);
	one(f, "PrefixSubPrefixHijackResolved", LVL_INFO, pfx);
	assert_int_equal(nnew(f), 2);
	assert_int_equal(bp->nunknown, 0);
	assert_settled(f);
}

/*
 * While the primaries' routes are unknown (their router's BMP connection
 * closed) the branch is not routed via the backup that is left: the edge
 * last known stays, no SuboptimalRouting.  Once they are back without
 * the prefix, it is compared: via the backup, raised.
 */
static void
test_source_lost_routed(void **state)
{
	struct fix	*f = *state;
	struct branch	*b = f->m->branches[0];
	struct session	*p1 = model_session_find(f->m, "p1");
	struct session	*p2 = model_session_find(f->m, "p2");
	int		 sea = model_edge_find(f->m, "sea");

	all_good(f);
	assert_int_equal(b->routed, sea);
	model_session_routes(f->m, p1, 1, "BMP from r1 closed");
	model_session_routes(f->m, p2, 1, "BMP from r1 closed");
	rib_peer_flush(f->rib, f->p1);
	rib_peer_flush(f->rib, f->p2);
	eval(f);
	assert_int_equal(b->routed, sea);
	assert_false(b->suboptimal);
	assert_int_equal(nnew(f), 0);
	/* The problem says since when and why, the prefix once. */
	assert_int_equal(b->prefixes[0].nprimary_unknown, 2);
	assert_int_equal(b->prefixes[0].nbackup_unknown, 0);
	assert_non_null(strstr(b->prefixes[0].problem,
	    "203.0.113.0/24: routes unknown since "));
	assert_non_null(strstr(b->prefixes[0].problem,
	    "(BMP from r1 closed); last seen: "));
	assert_null(strstr(b->prefixes[0].problem + 1, "203.0.113.0/24"));
	assert_settled(f);

	model_session_routes(f->m, p1, 0, NULL);
	model_session_routes(f->m, p2, 0, NULL);
	eval(f);
	assert_int_equal(b->routed, model_edge_find(f->m, "ams"));
	one(f, "SuboptimalRouting", LVL_WARNING, "branch hq");
}

/*
 * The first table a session's source sends (start-up, or back after its
 * routes were unknown) is the state: no announcement.  A prefix
 * announced later is news.
 */
static void
test_first_table(void **state)
{
	struct fix	*f = *state;
	struct session	*p1 = model_session_find(f->m, "p1");
	struct session	*b1 = model_session_find(f->m, "b1");

	model_session_routes_loading(f->m, p1);
	model_session_routes_loading(f->m, b1);
	announce(f, f->p1, "203.0.113.0/24", good, 2, 0);
	eval(f);
	announce(f, f->b1, "203.0.113.0/24", good, 2, 0);
	model_session_routes(f->m, p1, 0, NULL);
	model_session_routes(f->m, b1, 0, NULL);
	eval(f);
	assert_int_equal(count(f, "PrefixAnnouncementEvent"), 0);
	assert_int_equal(count(f, "PrefixBackupRouteAnnouncementEvent"), 0);
	assert_int_equal(f->m->branches[0]->prefixes[0].nprimary, 1);
	assert_int_equal(f->m->branches[0]->prefixes[0].nbackup, 1);
	assert_settled(f);

	/* p2 was not loading: its route is news. */
	announce(f, f->p2, "203.0.113.0/24", good, 2, 0);
	eval(f);
	one(f, "PrefixAnnouncementEvent", LVL_INFO, pfx);

	/* Unknown, then back with a route it did not carry: a state. */
	model_session_routes(f->m, b1, 1, "BMP from r1 closed");
	rib_peer_flush(f->rib, f->b1);
	eval(f);
	new_events(f);
	announce(f, f->b1, "203.0.113.0/24", good, 2, 0);
	model_session_routes(f->m, b1, 0, NULL);
	eval(f);
	assert_int_equal(nnew(f), 0);

	/* Withdrawn and announced again later: news both times. */
	withdraw(f, f->b1, "203.0.113.0/24");
	eval(f);
	one(f, "PrefixBackupRouteWithdrawalEvent", LVL_WARNING, pfx);
	new_events(f);
	announce(f, f->b1, "203.0.113.0/24", good, 2, 0);
	eval(f);
	one(f, "PrefixBackupRouteAnnouncementEvent", LVL_INFO, pfx);
}

/* What the model's sink was told: the history's prefix and route rows. */
struct sink_log {
	const struct branch_prefix *watch;	/* count this prefix only */
	size_t		 nprefix, nroute;
	struct branch_prefix last;	/* as the last prefix call saw it */
	int64_t		 prefix_ms, route_ms;
	int		 routed, suboptimal;
};

static void
sink_prefix_cb(void *arg, const struct branch *b,
    const struct branch_prefix *bp, int64_t when_ms)
{
	struct sink_log	*sl = arg;

	assert_string_equal(b->name, "hq");
	if (bp != sl->watch)
		return;
	sl->nprefix++;
	sl->last = *bp;
	sl->prefix_ms = when_ms;
}

static void
sink_route_cb(void *arg, const struct branch *b, int64_t when_ms)
{
	struct sink_log	*sl = arg;

	assert_string_equal(b->name, "hq");
	sl->nroute++;
	sl->route_ms = when_ms;
	sl->routed = b->routed;
	sl->suboptimal = b->suboptimal;
}

/*
 * The sink hears of a prefix's state when it is first seen and when a
 * recorded field changes, of the routed edge and SuboptimalRouting when
 * they change, at the eval's time; never on an eval that changes nothing.
 */
static void
test_sink_hooks(void **state)
{
	struct fix		*f = *state;
	struct branch		*b = f->m->branches[0];
	struct branch_prefix	*bp = &b->prefixes[0];
	struct sink_log		 sl;
	static const uint32_t	 longer[] = { 64500, 64502, 64501 };
	int			 sea = model_edge_find(f->m, "sea");
	int			 ams = model_edge_find(f->m, "ams");

	memset(&sl, 0, sizeof sl);
	sl.watch = bp;
	f->m->sink.arg = &sl;
	f->m->sink.prefix = sink_prefix_cb;
	f->m->sink.route = sink_route_cb;

	all_good(f);
	assert_int_equal(sl.nprefix, 1);	/* first seen */
	assert_true(sl.prefix_ms == f->now);
	assert_int_equal(sl.last.nprimary, 2);
	assert_int_equal(sl.last.nbackup, 1);
	assert_int_equal(sl.last.best_origin, 64501);
	assert_string_equal(sl.last.best_path, "64500 64501");
	assert_int_equal(sl.nroute, 1);		/* unknown -> sea */
	assert_int_equal(sl.routed, sea);
	assert_false(sl.suboptimal);
	assert_true(sl.route_ms == f->now);

	/* Nothing changed: nothing recorded. */
	assert_settled(f);
	assert_int_equal(sl.nprefix, 1);
	assert_int_equal(sl.nroute, 1);

	/* One primary fewer: the prefix, not the route. */
	withdraw(f, f->p1, "203.0.113.0/24");
	eval(f);
	assert_int_equal(sl.nprefix, 2);
	assert_int_equal(sl.last.nprimary, 1);
	assert_int_equal(sl.last.nprimary_total, 2);
	assert_true(sl.prefix_ms == f->now);
	assert_int_equal(sl.nroute, 1);

	/* The last primary gone: to Amsterdam, SuboptimalRouting. */
	withdraw(f, f->p2, "203.0.113.0/24");
	eval(f);
	assert_int_equal(sl.nprefix, 3);
	assert_int_equal(sl.last.nprimary, 0);
	assert_true(sl.last.flags & PFX_NOPRIMARY);
	assert_int_equal(sl.nroute, 2);
	assert_int_equal(sl.routed, ams);
	assert_true(sl.suboptimal);
	assert_true(sl.route_ms == f->now);
	assert_settled(f);
	assert_int_equal(sl.nprefix, 3);
	assert_int_equal(sl.nroute, 2);

	/* A longer path on the backup: only best_path changes. */
	announce(f, f->b1, "203.0.113.0/24", longer, 3, 0);
	eval(f);
	assert_int_equal(sl.nprefix, 4);
	assert_string_equal(sl.last.best_path, "64500 64502 64501");
	assert_int_equal(sl.nroute, 2);
}

static void
test_config_upstream(void **state)
{
	struct model	*m;
	static const char *ok =
	    "branch \"x\" {\n"
	    "\taddress 192.0.2.1\n"
	    "\tprefix 192.0.2.0/24 origin 64501 upstream 64502 AS64503\n"
	    "\tprefix 198.51.100.0/24 origin 64501\n"
	    "\tprefix 2001:db8::/32 origin 64501 upstream 64504\n"
	    "}\n";
	static const struct conf_err errs[] = {
		{ "err-upstream-missing.conf", "4:1: expected an AS number "
		  "after upstream, got \"}\"" },
		{ "err-upstream-bad.conf", "3:44: bad AS number \"x\": expected "
		  "1 to 4294967295" },
		{ "err-upstream-origin.conf", "3:50: upstream AS64501 is the "
		  "origin of the prefix" },
		{ "err-upstream-twice.conf", "3:50: upstream AS64502 given "
		  "twice" },
	};
	struct branch	*b;

	(void)state;
	m = parse_model(ok, strlen(ok));
	b = m->branches[0];
	assert_int_equal(b->nprefixes, 3);
	assert_int_equal(b->prefixes[0].nupstreams, 2);
	assert_int_equal(b->prefixes[0].upstreams[0], 64502);
	assert_int_equal(b->prefixes[0].upstreams[1], 64503);
	assert_int_equal(b->prefixes[1].nupstreams, 0);
	assert_null(b->prefixes[1].upstreams);
	assert_int_equal(b->prefixes[2].nupstreams, 1);
	assert_int_equal(b->prefixes[2].upstreams[0], 64504);
	model_free(m);
	conf_errors(errs, nitems(errs));
}

/* The "routes" block: tolerance and max-path reach the route monitor. */
static void
test_config_routes(void **state)
{
	static const char *text =
	    "routes {\n"
	    "\ttolerance 9000km\n"
	    "\tmax-path 2\n"
	    "\troa-expiry 3d\n"
	    "}\n";
	static const struct conf_err errs[] = {
		{ "err-routes-tolerance.conf", "2:12: bad tolerance \"far\": "
		  "expected 1 to 20000 km, e.g. 500km" },
		{ "err-routes-max-path.conf", "2:11: bad max-path \"0\": "
		  "expected 1 to 255" },
		{ "err-routes-twice.conf", "3:2: max-path given twice for "
		  "routes" },
		{ "err-routes-roa-expiry.conf", "2:13: bad roa-expiry \"30s\": "
		  "expected 60000ms to 365d, e.g. 1h, 7d" },
	};
	struct fix		*f;
	struct model		*m;
	static const uint32_t	 three[] = { 64500, 64502, 64501 };
	char			*buf;

	m = parse_model(text, strlen(text));
	assert_true(m->route_tolerance_km == 9000);
	assert_int_equal(m->route_max_path, 2);
	assert_true(m->route_roa_expiry_ms == 3 * 86400 * 1000LL);
	model_free(m);
	m = parse_model("routes { }", 10);
	assert_true(m->route_tolerance_km == 0);
	assert_int_equal(m->route_max_path, 0);
	model_free(m);

	conf_errors(errs, nitems(errs));

	/* The fixture's model with the block: 3 ASes are too many now. */
	xasprintf(&buf, "%s%s", conf, text);
	f = xcalloc(1, sizeof *f);
	f->m = parse_model(buf, strlen(buf));
	free(buf);
	f->rib = rib_new();
	f->p1 = peer_add(f->rib, "r1", "192.0.2.1", 64500,
	    RIB_PEER_ADJ_IN_POST, model_session_find(f->m, "p1"));
	f->rm = routemon_new(f->m, f->rib);
	announce(f, f->p1, "203.0.113.0/24", three, 3, 0);
	eval(f);
	one(f, "PrefixPathTooLong", LVL_WARNING, pfx);
	*state = f;
	teardown(state);
}

/*
 * routes { asrel "FILE" }: the route monitor reads the relationships
 * when it starts.  In tests/data/asrel/serial-1.txt 64497 is a provider
 * of the partner 64500, which must not pass its routes to Microsoft.
 */
static void
test_config_asrel(void **state)
{
	static const uint32_t	 via[] = { 64500, 64497, 64501 };
	struct fix		*f;
	const struct event	*ev;
	char			*buf;

	xasprintf(&buf, "%sroutes {\n\tasrel \"%s/tests/data/asrel/"
	    "serial-1.txt\"\n}\n", conf, TOP_SRCDIR);
	f = xcalloc(1, sizeof *f);
	f->m = parse_model(buf, strlen(buf));
	free(buf);
	assert_non_null(strstr(f->m->route_asrel, "serial-1.txt"));
	f->rib = rib_new();
	f->p1 = peer_add(f->rib, "r1", "192.0.2.1", 64500,
	    RIB_PEER_ADJ_IN_POST, model_session_find(f->m, "p1"));
	f->rm = routemon_new(f->m, f->rib);
	announce(f, f->p1, "203.0.113.0/24", via, 3, 0);
	eval(f);
	ev = find(f, "PrefixRouteLeak");
	assert_non_null(strstr(ev->summary, "AS64500 passes a route from its "
	    "provider AS64497"));
	*state = f;
	teardown(state);
}

/*
 * RFC 6793 4.2.3 through the RIB: a registered 4-octet origin (AS65537,
 * RFC 5398) behind a 2-octet speaker whose UPDATE carries AS_TRANS in
 * AS_PATH, a real AGGREGATOR and AS4_PATH.  The merged path ends in the
 * registered origin: no PrefixOriginAsChangeEvent.  Only with
 * AS4_AGGREGATOR as well is AS4_PATH stale, and AS_TRANS the origin.
 */
static void
test_as4_origin_old_speaker(void **state)
{
	static const char *text =
	    "partner \"isp\" as 64500 {\n"
	    "\tsession \"p1\" neighbor 192.0.2.1 router \"r1\" edge sea "
	    "role primary\n"
	    "}\n"
	    "branch \"hq\" {\n"
	    "\tpartner \"isp\"\n"
	    "\taddress 203.0.113.10\n"
	    "\tprefix 203.0.113.0/24 origin 65537\n"
	    "}\n";
	static const uint8_t upd[] = {
		0, 0,				/* no withdrawn routes */
		0, 45,				/* path attributes */
		0x40, 1, 1, 0,			/* ORIGIN IGP */
		0x40, 2, 6, 2, 2, 0xfb, 0xf4, 0x5b, 0xa0, /* 64500 23456 */
		0x40, 3, 4, 192, 0, 2, 1,	/* NEXT_HOP */
		0xc0, 7, 6, 0xfb, 0xf4, 192, 0, 2, 1,	/* AGGREGATOR 64500 */
		0xc0, 17, 6, 2, 1, 0, 1, 0, 1,	/* AS4_PATH 65537 */
		0xc0, 8, 4, 0x1f, 0x8b, 0x1f, 0x47,	/* 8075:8007 */
		24, 203, 0, 113,		/* NLRI */
	};
	static const uint8_t aggr4[] = {	/* AS4_AGGREGATOR 65537 */
		0xc0, 18, 8, 0, 1, 0, 1, 192, 0, 2, 1,
	};
	struct bgp_decode_opts	 o = { .as4 = 0 };
	struct branch_prefix	*bp;
	struct fix		*f;
	uint8_t			 msg[sizeof upd + sizeof aggr4];
	size_t			 n;
	char			*cause = NULL;

	f = xcalloc(1, sizeof *f);
	f->m = parse_model(text, strlen(text));
	bp = &f->m->branches[0]->prefixes[0];
	f->rib = rib_new();
	f->p1 = peer_add(f->rib, "r1", "192.0.2.1", 64500,
	    RIB_PEER_ADJ_IN_POST, model_session_find(f->m, "p1"));
	f->rm = routemon_new(f->m, f->rib);
	f->now = 1700000000000LL;
	if (rib_update(f->rib, f->p1, upd, sizeof upd, &o, NULL,
	    &cause) != 1)
		fail_msg("rib_update: %s", cause);
	eval(f);
	assert_int_equal(count(f, "PrefixOriginAsChangeEvent"), 0);
	assert_int_equal(bp->best_origin, 65537);
	assert_int_equal(bp->flags & PFX_ORIGIN, 0);
	new_events(f);

	/* The same with AS4_AGGREGATOR: AS_TRANS is the origin now. */
	n = sizeof upd - 4;
	memcpy(msg, upd, n);
	memcpy(msg + n, aggr4, sizeof aggr4);
	memcpy(msg + n + sizeof aggr4, upd + n, 4);
	msg[3] += sizeof aggr4;
	if (rib_update(f->rib, f->p1, msg, sizeof msg, &o, NULL,
	    &cause) != 1)
		fail_msg("rib_update: %s", cause);
	eval(f);
	one(f, "PrefixOriginAsChangeEvent", LVL_CRITICAL,
	    "prefix 203.0.113.0/24");
	assert_int_equal(bp->bad_origin, 23456);
	*state = f;
	teardown(state);
}

/*
 * A session polled only through BIRD's control socket reports its state,
 * never its routes: it is not counted, neither carrying nor missing, and
 * nothing is judged on it.  One BIRD and BMP both report counts (BMP gives
 * its routes), and its real withdrawal is news.
 */
static void
test_state_only_source(void **state)
{
	static const struct collector_ops bird = { .name = "bird" };
	static const struct collector_ops bmp = { .name = "bmp",
	    .routes = 1 };
	struct fix		*f = *state;
	struct branch_prefix	*bp = &f->m->branches[0]->prefixes[0];
	struct session		*p1 = model_session_find(f->m, "p1");
	struct session		*p2 = model_session_find(f->m, "p2");
	struct session		*b1 = model_session_find(f->m, "b1");
	struct collector	 cbird, cbmp;
	struct session_report	 rep;

	memset(&cbird, 0, sizeof cbird);
	memset(&cbmp, 0, sizeof cbmp);
	cbird.ops = &bird;
	cbmp.ops = &bmp;
	memset(&rep, 0, sizeof rep);
	rep.state = BGP_ESTABLISHED;
	/* Nobody reported p2 yet: counted, as before any source. */
	assert_false(session_routes_unreported(p2));
	model_session_report(f->m, p1, &cbird, &rep);
	model_session_report(f->m, p1, &cbmp, &rep);
	model_session_report(f->m, p2, &cbird, &rep);
	model_session_report(f->m, b1, &cbmp, &rep);
	assert_false(session_routes_unreported(p1));
	assert_true(session_routes_unreported(p2));
	assert_false(session_routes_unreported(b1));
	/* No RIB peer speaks for p2: BIRD gives no routes. */
	rib_peer(f->rib, f->p2)->session = NULL;

	announce(f, f->p1, "203.0.113.0/24", good, 2, 0);
	announce(f, f->b1, "203.0.113.0/24", good, 2, 0);
	eval(f);
	assert_int_equal(bp->nprimary, 1);
	assert_int_equal(bp->nprimary_total, 1);
	assert_int_equal(bp->nbackup, 1);
	assert_int_equal(bp->nbackup_total, 1);
	assert_int_equal(bp->nunknown, 0);
	assert_int_equal(bp->flags, 0);
	assert_string_equal(bp->problem, "");
	assert_string_equal(bp->carried, "p1 b1");
	assert_int_equal(count(f, "PrefixWithdrawalEvent"), 0);
	assert_settled(f);

	/* p1's real withdrawal (BMP) still counts. */
	withdraw(f, f->p1, "203.0.113.0/24");
	eval(f);
	one(f, "PrefixWithdrawalEvent", LVL_WARNING, pfx);
	assert_int_equal(bp->nprimary, 0);
	assert_int_equal(bp->nprimary_total, 1);
	assert_int_equal(bp->flags, PFX_NOPRIMARY);
	assert_settled(f);
}

/* An ASPA set for the route security test: 64501 lists aspa_provider. */
static uint32_t	aspa_provider;

static int
aspa_cb(uint32_t customer, const uint32_t **prov, size_t *n, void *arg)
{
	(void)arg;
	if (customer != 64501)
		return (0);
	*prov = &aspa_provider;
	*n = 1;
	return (1);
}

static struct asrel *
rels(const char *text)
{
	struct asrel	*r;
	char		*cause = NULL;

	if ((r = asrel_load_mem("rels", text, strlen(text), &cause)) == NULL)
		fail_msg("%s", cause);
	return (r);
}

static void
test_route_security(void **state)
{
	struct fix		*f = *state;
	static const uint32_t	 via_up[] = { 64500, 64502, 64501 };
	struct branch_prefix	*bp = &f->m->branches[0]->prefixes[0];
	struct session		*p1 = model_session_find(f->m, "p1");
	const struct event	*ev;

	all_good(f);
	/*
	 * Valley-free: 64502 is the partner's provider, so the partner
	 * must not pass 64502's route to Microsoft, its peer (the default
	 * relation).  64501 -- 64500 is not in the data: no verdict.
	 */
	routemon_set_asrel(f->rm, rels("64502|64500|-1\n64502|64501|-1\n"));
	eval(f);
	assert_int_equal(nnew(f), 0);
	announce(f, f->p1, "203.0.113.0/24", via_up, 3, 0);
	eval(f);
	ev = one(f, "PrefixRouteLeak", LVL_ERROR, pfx);
	assert_non_null(strstr(ev->summary, "AS64500 passes a route from its "
	    "provider AS64502 to its peer the receiver"));
	assert_non_null(strstr(ev->summary, "on p1"));
	assert_true(bp->flags & PFX_LEAK);
	assert_settled(f);
	/* The relationships change (a new file): no leak any more. */
	routemon_set_asrel(f->rm, rels("64500|64502|-1\n64502|64501|-1\n"));
	eval(f);
	one(f, "PrefixRouteLeakResolved", LVL_INFO, pfx);
	assert_int_equal(bp->flags, 0);
	new_events(f);
	/* Back, and the session's relation decides the last hop. */
	routemon_set_asrel(f->rm, rels("64502|64500|-1\n64502|64501|-1\n"));
	eval(f);
	one(f, "PrefixRouteLeak", LVL_ERROR, pfx);
	new_events(f);
	p1->relation = BGP_ROLE_PROVIDER;	/* the partner is its provider */
	routemon_dirty_all(f->rm);
	eval(f);
	one(f, "PrefixRouteLeakResolved", LVL_INFO, pfx);
	new_events(f);
	routemon_set_asrel(f->rm, NULL);
	announce(f, f->p1, "203.0.113.0/24", good, 2, 0);
	eval(f);
	assert_int_equal(nnew(f), 0);

	/* RFC 9234 5: OTC from a customer is a leak. */
	p1->relation = BGP_ROLE_CUSTOMER;
	f->otc = 64502;
	announce(f, f->p1, "203.0.113.0/24", good, 2, 0);
	eval(f);
	ev = one(f, "PrefixOTCLeak", LVL_ERROR, pfx);
	assert_non_null(strstr(ev->summary, "route with OTC from a customer"));
	assert_non_null(strstr(ev->summary, "relation customer"));
	assert_true(bp->flags & PFX_OTC);
	new_events(f);
	f->otc = 0;
	announce(f, f->p1, "203.0.113.0/24", good, 2, 0);
	eval(f);
	one(f, "PrefixOTCLeakResolved", LVL_INFO, pfx);
	new_events(f);
	/* From a peer (the default), OTC must be the peer's own AS. */
	p1->relation = BGP_ROLE_NONE;
	f->otc = 64500;
	announce(f, f->p1, "203.0.113.0/24", good, 2, 0);
	eval(f);
	assert_int_equal(nnew(f), 0);
	f->otc = 64502;
	announce(f, f->p1, "203.0.113.0/24", good, 2, 0);
	eval(f);
	ev = one(f, "PrefixOTCLeak", LVL_ERROR, pfx);
	assert_non_null(strstr(ev->summary, "another AS in OTC"));
	new_events(f);
	/* The neighbor announced it is our provider: no OTC rule broken. */
	p1->role_received = BGP_ROLE_PROVIDER;
	routemon_dirty_all(f->rm);
	eval(f);
	one(f, "PrefixOTCLeakResolved", LVL_INFO, pfx);
	p1->role_received = BGP_ROLE_NONE;
	f->otc = 0;
	announce(f, f->p1, "203.0.113.0/24", good, 2, 0);
	eval(f);
	new_events(f);

	/* ASPA: 64501 lists only 64999, so 64500 is no provider of it. */
	aspa_provider = 64999;
	routemon_set_aspa(f->rm, aspa_cb, NULL);
	eval(f);
	ev = one(f, "PrefixASPAInvalid", LVL_ERROR, pfx);
	assert_non_null(strstr(ev->summary, "ASPA upstream: AS64501 does not "
	    "authorise AS64500 as a provider"));
	assert_true(bp->flags & PFX_ASPA);
	assert_settled(f);
	aspa_provider = 64500;
	routemon_dirty_all(f->rm);
	eval(f);
	one(f, "PrefixASPAInvalidResolved", LVL_INFO, pfx);
	assert_int_equal(bp->flags, 0);
	routemon_set_aspa(f->rm, NULL, NULL);

	/* A file that does not load keeps what the monitor had. */
	assert_int_equal(routemon_load_asrel(f->rm, "/nonexistent/as-rel"),
	    -1);
}

/* A VRP index from rpki-client JSON text, which must load. */
static struct vrp_index *
vrps(const char *json)
{
	struct vrp_set		*s = vrp_set_new();
	struct vrp_index	*ix;
	char			*cause = NULL;

	if (vrp_set_load_buf(s, "t.json", json, strlen(json), &cause) != 0)
		fail_msg("vrp: %s", cause);
	ix = vrp_index_new(s);
	vrp_set_free(s);
	return (ix);
}

/* Switch the RIB and the monitor from old to ix, as the collector does. */
static void
vrps_switch(struct fix *f, const struct vrp_index *old,
    const struct vrp_index *ix)
{
	struct vrp_diff	 d;

	vrp_diff(old, ix, &d);
	if (old == NULL)
		rib_rov_set(f->rib, ix, NULL, NULL);
	else
		rib_rov_update(f->rib, ix, &d, NULL, NULL);
	f->m->vrps = ix;
	routemon_vrps_changed(f->rm, old == NULL ? NULL : &d, f->now + 1000);
	vrp_diff_free(&d);
}

static void
test_rpki(void **state)
{
	struct fix		*f = *state;
	static const uint32_t	 thief[] = { 64999 };
	struct branch_prefix	*bp = &f->m->branches[0]->prefixes[0];
	struct branch_prefix	*bp6 = &f->m->branches[0]->prefixes[2];
	struct vrp_index	*ix1, *ix2, *ix3;
	const struct event	*ev;
	char			*json;

	all_good(f);
	/* 203.0.113.0/24 and 198.51.100.0/24 have ROAs, the v6 one none. */
	ix1 = vrps("{\"roas\": ["
	    "{\"asn\": 64501, \"prefix\": \"203.0.113.0/24\", "
	    "\"maxLength\": 24, \"ta\": \"t\", \"expires\": 1900000000},"
	    "{\"asn\": 64500, \"prefix\": \"198.51.100.0/24\", "
	    "\"maxLength\": 24, \"ta\": \"t\", \"expires\": 1900000000}]}");
	vrps_switch(f, NULL, ix1);
	eval(f);
	ev = one(f, "PrefixRPKINotFound", LVL_WARNING, "prefix 2001:db8:1::/48");
	assert_non_null(strstr(ev->summary, "not covered by any ROA"));
	assert_int_equal(count(f, "PrefixRPKIInvalid"), 0);
	assert_int_equal(count(f, "ROAChanged"), 0);	/* the first set */
	assert_true(bp6->flags & PFX_RPKI_NOTFOUND);
	assert_int_equal(bp->flags, 0);
	assert_settled(f);

	/* A hijacker's more-specific: invalid-origin, the ROA named. */
	announce(f, f->thief, "203.0.113.128/25", thief, 1, 1);
	eval(f);
	ev = one(f, "PrefixRPKIInvalid", LVL_CRITICAL, "prefix 203.0.113.0/24");
	assert_non_null(strstr(ev->summary, "more-specific 203.0.113.128/25 "
	    "from peer 10.9.9.9 AS64999 is RPKI invalid-origin: origin "
	    "AS64999, 203.0.113.0/24-24 AS64501"));
	assert_true(bp->flags & PFX_RPKI_INVALID);
	assert_settled(f);
	withdraw(f, f->thief, "203.0.113.128/25");
	eval(f);
	one(f, "PrefixRPKIInvalidResolved", LVL_INFO, "prefix 203.0.113.0/24");
	new_events(f);

	/*
	 * The /24's ROA goes, the v6 prefix gets one that expires within
	 * the day: ROAChanged for both (Warning for the removal), and
	 * only they are judged again.
	 */
	xasprintf(&json, "{\"roas\": ["
	    "{\"asn\": 64501, \"prefix\": \"2001:db8::/32\", "
	    "\"maxLength\": 48, \"ta\": \"t\", \"expires\": %lld},"
	    "{\"asn\": 64500, \"prefix\": \"198.51.100.0/24\", "
	    "\"maxLength\": 24, \"ta\": \"t\", \"expires\": 1900000000}]}",
	    (long long)(f->now / 1000 + 3600));
	ix2 = vrps(json);
	free(json);
	vrps_switch(f, ix1, ix2);
	ev = find(f, "ROAChanged");
	assert_int_equal(count(f, "ROAChanged"), 2);
	assert_int_equal(ev->level, LVL_WARNING);
	assert_string_equal(ev->subject, "prefix 203.0.113.0/24");
	assert_non_null(strstr(ev->summary, "0 ROAs added, 1 removed: "
	    "removed: 203.0.113.0/24-24 AS64501"));
	new_events(f);
	eval(f);
	one(f, "PrefixRPKINotFound", LVL_WARNING, "prefix 203.0.113.0/24");
	one(f, "PrefixRPKINotFoundResolved", LVL_INFO,
	    "prefix 2001:db8:1::/48");
	ev = one(f, "ROAExpiring", LVL_WARNING, "prefix 2001:db8:1::/48");
	assert_non_null(strstr(ev->summary, "ROA 2001:db8::/32-48 AS64501 "
	    "expires"));
	assert_true(bp6->flags & PFX_ROA_EXPIRING);
	assert_int_equal(count(f, "ROAChanged"), 0);
	assert_settled(f);
	/* roa-expiry 30m (a reload): an hour away is not soon any more. */
	routemon_set_roa_expiry(f->rm, 30 * 60 * 1000);
	eval(f);
	one(f, "ROAExpiringResolved", LVL_INFO, "prefix 2001:db8:1::/48");
	new_events(f);
	routemon_set_roa_expiry(f->rm, 0);
	eval(f);
	one(f, "ROAExpiring", LVL_WARNING, "prefix 2001:db8:1::/48");
	new_events(f);

	/* The /24 authorised for another AS: the partner's route invalid. */
	ix3 = vrps("{\"roas\": ["
	    "{\"asn\": 64777, \"prefix\": \"203.0.112.0/23\", "
	    "\"maxLength\": 24, \"ta\": \"t\"},"
	    "{\"asn\": 64501, \"prefix\": \"2001:db8::/32\", "
	    "\"maxLength\": 48, \"ta\": \"t\"}]}");
	vrps_switch(f, ix2, ix3);
	new_events(f);
	eval(f);
	ev = one(f, "PrefixRPKIInvalid", LVL_CRITICAL, "prefix 203.0.113.0/24");
	assert_non_null(strstr(ev->summary, "203.0.113.0/24 on "));
	assert_non_null(strstr(ev->summary, "is RPKI invalid-origin: origin "
	    "AS64501, 203.0.112.0/23-24 AS64777"));
	one(f, "PrefixRPKINotFoundResolved", LVL_INFO, "prefix 203.0.113.0/24");
	/* No expiry in the file: nothing expires. */
	one(f, "ROAExpiringResolved", LVL_INFO, "prefix 2001:db8:1::/48");
	/* 198.51.100.0/24 lost its ROA. */
	one(f, "PrefixRPKINotFound", LVL_WARNING, "prefix 198.51.100.0/24");
	assert_settled(f);

	/* No VRPs any more: nothing to judge, everything resolved. */
	rib_rov_set(f->rib, NULL, NULL, NULL);
	f->m->vrps = NULL;
	routemon_vrps_changed(f->rm, NULL, f->now);
	eval(f);
	one(f, "PrefixRPKIInvalidResolved", LVL_INFO, "prefix 203.0.113.0/24");
	one(f, "PrefixRPKINotFoundResolved", LVL_INFO,
	    "prefix 198.51.100.0/24");
	assert_int_equal(bp->flags, 0);
	vrp_index_free(ix1);
	vrp_index_free(ix2);
	vrp_index_free(ix3);
}

/*
 * The rpki collector hands the monitor the ASPAs of its file: 64501
 * lists only 64999 as its provider, so the partner's path 64500 64501
 * is ASPA-invalid; the file rewritten with 64500 resolves it.  A
 * malformed file is CollectorDown and changes no judgement.  A file two
 * days old is RPKISourceStale until it is written again.
 */
static void
test_rpki_collector_aspa(void **state)
{
	struct fix		*f = *state;
	struct collector	*c = NULL;
	struct event_base	*base = event_base_new();
	struct timeval		 times[2];
	char			 dir[] = "/tmp/test-routemon.XXXXXX", path[64];
	char			 text[512], *cause = NULL;
	struct model		*m;
	FILE			*fp;
	size_t			 i;
	const struct event	*ev;
	static const char	 fmt[] = "{\"roas\": [{\"asn\": 64501, "
	    "\"prefix\": \"203.0.113.0/24\", \"maxLength\": 24, \"ta\": "
	    "\"t\"}], \"aspas\": [{\"customer_asid\": 64501, "
	    "\"expires\": 1900000000, \"providers\": [%u]}]}\n";

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/vrps.json", dir);
	assert_non_null(fp = fopen(path, "w"));
	fprintf(fp, fmt, 64999U);
	fclose(fp);
	/* Last written two days ago: its validator stopped. */
	times[0].tv_sec = times[1].tv_sec = time(NULL) - 2 * 86400;
	times[0].tv_usec = times[1].tv_usec = 0;
	assert_int_equal(utimes(path, times), 0);
	/* The fixture's model, with an rpki block for the file. */
	snprintf(text, sizeof text, "%srpki {\n\tfile \"%s\"\n"
	    "\tinterval 100ms\n}\n", conf, path);
	m = parse_model(text, strlen(text));
	for (i = 0; i < m->ncollectors; i++)
		if (strcmp(m->collectors[i]->ops->name, "rpki") == 0)
			c = m->collectors[i];
	assert_non_null(c);
	/* Its collector, started on the fixture's model and RIB. */
	all_good(f);
	f->m->collectors = xreallocarray(f->m->collectors,
	    f->m->ncollectors + 1, sizeof *f->m->collectors);
	f->m->collectors[f->m->ncollectors++] = m->collectors[i - 1];
	for (i = 0; i < m->ncollectors; i++)
		if (m->collectors[i] == c)
			m->collectors[i] = m->collectors[--m->ncollectors];
	if (c->ops->start(c, f->m, base, &cause) != 0)
		fail_msg("start: %s", cause);
	assert_non_null(f->m->vrps);
	ev = find(f, "RPKISourceStale");
	assert_int_equal(ev->level, LVL_WARNING);
	assert_non_null(strstr(ev->summary, "the VRP file was last written "
	    "2d"));
	eval(f);
	ev = one(f, "PrefixASPAInvalid", LVL_ERROR, "prefix 203.0.113.0/24");
	assert_non_null(strstr(ev->summary, "AS64501 does not authorise "
	    "AS64500 as a provider"));
	new_events(f);
	/* A new file (another size: the change is seen) resolves it. */
	assert_non_null(fp = fopen(path, "w"));
	fprintf(fp, fmt, 64500U);
	fputs("\n\n", fp);
	fclose(fp);
	for (i = 0; i < 50 && count(f, "PrefixASPAInvalidResolved") == 0;
	    i++) {
		event_base_loop(base, EVLOOP_ONCE);
		eval(f);
	}
	assert_int_equal(count(f, "PrefixASPAInvalidResolved"), 1);
	assert_int_equal(count(f, "RPKISourceStaleResolved"), 1);
	new_events(f);
	/*
	 * A malformed file: the source is down (CollectorDown, naming the
	 * file), the VRPs and the judgements stay.
	 */
	assert_non_null(fp = fopen(path, "w"));
	fputs("{\"roas\": [", fp);
	fclose(fp);
	for (i = 0; i < 50 && count(f, "CollectorDown") == 0; i++) {
		event_base_loop(base, EVLOOP_ONCE);
		eval(f);
	}
	ev = find(f, "CollectorDown");
	assert_non_null(strstr(ev->summary, "vrps.json"));
	assert_non_null(f->m->vrps);
	assert_int_equal(count(f, "PrefixASPAInvalid"), 0);
	assert_int_equal(count(f, "PrefixRPKINotFound"), 0);
	c->ops->stop(c);
	assert_null(f->m->vrps);
	unlink(path);
	rmdir(dir);
	model_free(m);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_announce_withdraw,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_origin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_more_specific, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_path_rules, setup,
		    teardown),
		cmocka_unit_test(test_check_rules),
		cmocka_unit_test_setup_teardown(test_suboptimal_deliverable,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_suboptimal, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unrelated, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_peer_flush, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_source_lost, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_source_lost_routed,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_table,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_sink_hooks, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rpki, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rpki_collector_aspa,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_route_security, setup,
		    teardown),
		cmocka_unit_test(test_config_upstream),
		cmocka_unit_test(test_config_routes),
		cmocka_unit_test(test_config_asrel),
		cmocka_unit_test(test_as4_origin_old_speaker),
		cmocka_unit_test_setup_teardown(test_state_only_source,
		    setup, teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
