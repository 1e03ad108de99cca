/* SPDX-License-Identifier: ISC */
/*
 * The "rpki" collector: the VRP source of the configuration's rpki block
 * (core/rpki-source.c: an RTR cache through RTRlib, or a VRP file with
 * its SLURM file), shown in the collector list with its state, VRP count,
 * serial and age.  It keeps the model's RIB (when there is one) validated
 * against the current VRPs and points m->vrps at them; the judgements on
 * them (events, views) are the evaluation pass's.
 *
 * The source going down keeps the VRPs, so the routes keep their states:
 * an RTR cache's expire with RTRlib's expire interval (RFC 8210 6), a
 * file's when a good file replaces it.  A file that nobody rewrites any
 * more (the validator stopped: rpki-client and Routinator rewrite theirs
 * every hour or so) is RPKISourceStale once it is a day old, until it is
 * written again.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "core/collect-rpki.h"
#include "core/collector.h"
#include "core/model.h"
#include "core/routemon.h"
#include "core/rpki-source.h"
#include "core/util.h"
#include "core/vrp.h"

#define COLLECT_RPKI_FILE_MS	10000	/* files checked every */
#define COLLECT_RPKI_RTR_S	60	/* RTR refresh interval */
#define COLLECT_RPKI_STALE_S	86400	/* a file this old is stale */
#define COLLECT_RPKI_STALE_MS	60000	/* its age looked at every */

struct collect_rpki {
	struct collector	*c;
	struct model		*m;
	struct rpki_source	*src;
	int			 loaded;	/* had VRPs: diffs are news */
	struct event		*stale_ev;
	int			 stale;		/* RPKISourceStale raised */
};

static int	 collect_rpki_start(struct collector *, struct model *,
		    struct event_base *, char **);
static void	 collect_rpki_stop(struct collector *);
static void	 collect_rpki_describe(const struct collector *, char *,
		    size_t);
static int	 collect_rpki_settled(const struct collector *);
static void	 collect_rpki_cb(struct rpki_source *, const struct vrp_diff *,
		    void *);
static void	 collect_rpki_stale(struct collect_rpki *);
static void	 collect_rpki_stale_cb(evutil_socket_t, short, void *);
static void	 collect_rpki_routemon(struct collect_rpki *,
		    const struct vrp_index *, const struct vrp_diff *);

const struct collector_ops collector_rpki = {
	.name = "rpki",
	.start = collect_rpki_start,
	.stop = collect_rpki_stop,
	.describe = collect_rpki_describe,
	.settled = collect_rpki_settled,
};

/*
 * New VRPs ix for the route monitor: ASPA verification while the set has
 * ASPAs (PrefixASPAInvalid), and the RPKI judgements of the registered
 * prefixes under what changed (the first set is no change: d NULL).
 * Called from within rpki_source_file() too, before cr->src is set.
 */
static void
collect_rpki_routemon(struct collect_rpki *cr, const struct vrp_index *ix,
    const struct vrp_diff *d)
{
	struct routemon	*rm = cr->m->routemon;
	size_t		 n;

	if (rm == NULL || ix == NULL)
		return;
	(void)vrp_index_aspas(ix, &n);
	if (n > 0)
		routemon_set_aspa(rm, routemon_vrps_aspa, cr->m);
	else
		routemon_set_aspa(rm, NULL, NULL);
	routemon_vrps_changed(rm, cr->loaded ? d : NULL, now_wall_ms());
	cr->loaded = 1;
}

/* A file source's file: RPKISourceStale while it is over a day old. */
static void
collect_rpki_stale(struct collect_rpki *cr)
{
	struct collector	*c = cr->c;
	struct stat		 sb;
	char			 subject[96], age[16];
	int64_t			 s;
	int			 stale;

	if (c->rtr_host != NULL || c->path == NULL ||
	    stat(c->path, &sb) != 0)
		return;		/* unreadable: the source says so, down */
	s = now_wall_ms() / 1000 - (int64_t)sb.st_mtime;
	stale = s > COLLECT_RPKI_STALE_S;
	if (stale == cr->stale)
		return;
	cr->stale = stale;
	snprintf(subject, sizeof subject, "collector %s", c->name);
	fmt_duration(age, sizeof age, s > 0 ? s : 0);
	if (stale)
		model_eventf(cr->m, "RPKISourceStale", LVL_WARNING, subject,
		    c->path, "%s: the VRP file was last written %s ago: is its "
		    "validator still running?", c->name, age);
	else
		model_eventf(cr->m, "RPKISourceStaleResolved", LVL_INFO,
		    subject, c->path, "%s: the VRP file was written %s ago",
		    c->name, age);
}

static void
collect_rpki_stale_cb(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	collect_rpki_stale(arg);
}

/* On the loop: the source changed its state or its VRPs. */
static void
collect_rpki_cb(struct rpki_source *src, const struct vrp_diff *d,
    void *arg)
{
	struct collect_rpki		*cr = arg;
	struct rpki_source_status	 st;

	rpki_source_status(src, &st);
	cr->m->vrps = rpki_source_vrps(src);
	cr->c->polls++;
	if (d != NULL) {
		cr->c->last_ok_mono = now_mono_ms();
		collect_rpki_routemon(cr, cr->m->vrps, d);
	}
	if (st.state == RPKI_SOURCE_DOWN)
		cr->c->failures++;
	/* The new index is in place once the callback returns. */
	model_collector_state(cr->m, cr->c, st.state == RPKI_SOURCE_DOWN ?
	    COL_DOWN : COL_UP, st.state == RPKI_SOURCE_DOWN ? st.error : NULL);
	collect_rpki_stale(cr);
}

static int
collect_rpki_start(struct collector *c, struct model *m,
    struct event_base *base, char **cause)
{
	struct collect_rpki	*cr;
	struct timeval		 tv;

	cr = xcalloc(1, sizeof *cr);
	cr->c = c;
	cr->m = m;
	c->priv = cr;
	if (c->rtr_host != NULL)
		cr->src = rpki_source_rtr(base, c->rtr_host, c->port,
		    c->interval_ms > 0 ? (c->interval_ms + 999) / 1000 :
		    COLLECT_RPKI_RTR_S, collect_rpki_cb, cr, cause);
	else
		cr->src = rpki_source_file(base, c->path, c->slurm,
		    c->interval_ms > 0 ? c->interval_ms : COLLECT_RPKI_FILE_MS,
		    collect_rpki_cb, cr, cause);
	if (cr->src == NULL) {
		c->priv = NULL;
		free(cr);
		return (-1);
	}
	if (m->rib != NULL)
		rpki_source_set_rib(cr->src, m->rib, NULL, NULL);
	if (c->rtr_host == NULL) {
		tv.tv_sec = COLLECT_RPKI_STALE_MS / 1000;
		tv.tv_usec = 0;
		cr->stale_ev = event_new(base, -1, EV_PERSIST,
		    collect_rpki_stale_cb, cr);
		event_add(cr->stale_ev, &tv);
	}
	/* A file is read at once: say how that went. */
	if (c->rtr_host == NULL)
		collect_rpki_cb(cr->src, NULL, cr);
	return (0);
}

static void
collect_rpki_stop(struct collector *c)
{
	struct collect_rpki	*cr = c->priv;

	if (cr == NULL)
		return;
	cr->m->vrps = NULL;
	if (cr->stale_ev != NULL)
		event_free(cr->stale_ev);
	if (cr->m->routemon != NULL)
		routemon_set_aspa(cr->m->routemon, NULL, NULL);
	rpki_source_free(cr->src);
	free(cr);
	c->priv = NULL;
}

/* "rtr 127.0.0.1:8282: 267772 VRPs, serial 12, 40s ago" */
static void
collect_rpki_describe(const struct collector *c, char *buf, size_t len)
{
	const struct collect_rpki	*cr = c->priv;
	struct rpki_source_status	 st;
	char				 age[32] = "";
	int				 n;

	if (c->rtr_host != NULL)
		n = snprintf(buf, len, "rtr %s:%d", c->rtr_host, c->port);
	else
		n = snprintf(buf, len, "file %s", c->path);
	if (n < 0 || (size_t)n >= len || cr == NULL)
		return;
	rpki_source_status(cr->src, &st);
	if (st.updated_mono != 0)
		snprintf(age, sizeof age, ", %llus ago", (unsigned long long)
		    ((now_mono_ms() - st.updated_mono) / 1000));
	if (st.has_serial)
		snprintf(buf + n, len - (size_t)n, ": %zu VRPs, serial %u%s",
		    st.nvrps, st.serial, age);
	else
		snprintf(buf + n, len - (size_t)n, ": %zu VRPs%s", st.nvrps,
		    age);
}

/* Settled with its first VRPs, or once it is down. */
static int
collect_rpki_settled(const struct collector *c)
{
	const struct collect_rpki	*cr = c->priv;

	return (cr == NULL || rpki_source_vrps(cr->src) != NULL ||
	    c->state == COL_DOWN);
}

int
collect_rpki_status(const struct collector *c, struct rpki_source_status *st)
{
	const struct collect_rpki	*cr = c->priv;

	if (c->ops != &collector_rpki || cr == NULL)
		return (-1);
	rpki_source_status(cr->src, st);
	return (0);
}
