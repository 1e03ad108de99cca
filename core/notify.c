/* SPDX-License-Identifier: ISC */
/*
 * The notifier's engine (notify.h).  A model observer hears every event
 * and acknowledgement as it happens, so a storm larger than the event
 * ring loses nothing.  Per notify block it keeps the open events it
 * selected (struct notify_alert): an opener waits out the block's hold,
 * is raised, reminded every repeat until acknowledged, and resolved by
 * its restoring event; one that closes within the hold sends nothing.
 * Per destination a bounded queue of messages; one timer groups what
 * arrives within NOTIFY_GROUP_MS into one batch (one request, one run),
 * and the tick retries with backoff until NOTIFY_GIVE_UP_MS.  Nothing is
 * done from inside the observer but queueing: sending and raising
 * NotifyFailed happen from the loop.
 */

#include <sys/types.h>

#include <event2/event.h>

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/collector.h"
#include "core/notify.h"
#include "core/util.h"

#define NOTIFY_TICK_MS		200
#define NOTIFY_REPORT_MS	(60 * 1000)	/* NotifyFailed, at most */

struct notify_alert {
	struct notify_alert *next;
	struct event	 ev;		/* the opener, acks copied in */
	int64_t		 follows;	/* carried over: the earlier run's */
	uint64_t	 due_mono;	/* held until then; 0: raised */
	uint64_t	 last_mono;	/* raised or reminded */
	uint64_t	 seen_mono;
};

struct notify_block {
	struct notify	*n;
	const struct notify_conf *conf;
	struct notify_alert *alerts;
	size_t		 nalerts;
	uint64_t	 over;		/* openers not tracked: too many */
};

struct notify_dest {
	struct notify	*n;
	struct notify_block *block;
	const struct notify_dest_conf *conf;
	struct collector *row;
	struct notify_item *head, **tail;
	size_t		 nqueue;
	size_t		 inflight;	/* batches */
	struct notify_batch *flying;	/* those batches */
	size_t		 inflight_items;
	uint64_t	 retry_mono;	/* nothing sent before */
	unsigned	 backoff_ms;
	uint64_t	 resend_mono;	/* Alertmanager's next re-post */
	int		 started;	/* its kind's start succeeded */
	int		 failing;	/* gave up or dropped, since no success */
	uint64_t	 unreported;	/* undelivered, not yet an event */
	uint64_t	 unreported_full;	/* of them, the queue full */
	uint64_t	 reported_mono;
	struct notify_stats st;
	void		*priv;
};

struct notify {
	struct model	*m;
	struct event_base *base;
	struct model_observer obs;
	struct notify_block *blocks;
	size_t		 nblocks;
	struct notify_dest **dests;
	size_t		 ndests;
	struct event	*tick, *flush;
	char		 instance[256];
	int64_t		 first_id;	/* the events before the start */
	int		 stopping;
	int		 quiet;		/* notify-test: its own report */
};

static uint64_t	(*notify_clock)(void) = now_mono_ms;

static uint64_t	 notify_now(void);
static void	 notify_event_cb(void *, const struct event *);
static void	 notify_ack_cb(void *, const struct event *);
static void	 notify_block_event(struct notify_block *,
		    const struct event *);
static struct notify_alert *notify_alert_find(struct notify_block *,
		    int64_t);
/* How an alert starts: raised now, held, or raised before a restart. */
#define NOTIFY_ALERT_RAISE	0
#define NOTIFY_ALERT_HOLD	1
#define NOTIFY_ALERT_RAISED	2
static struct notify_alert *notify_alert_add(struct notify_block *,
		    const struct event *, int);
static void	 notify_alert_remove(struct notify_block *,
		    struct notify_alert *);
static void	 notify_alert_carry(struct notify_block *,
		    const struct event *);
static void	 notify_queue_block(struct notify_block *, enum notify_what,
		    const struct event *, const struct event *, int64_t);
static void	 notify_enqueue(struct notify_dest *, enum notify_what,
		    const struct event *, const struct event *, int64_t);
static void	 notify_tick_cb(evutil_socket_t, short, void *);
static void	 notify_flush_cb(evutil_socket_t, short, void *);
static void	 notify_flush_soon(struct notify *);
static int	 notify_pending(const struct notify_dest *, int64_t);
static int	 notify_dest_start(struct notify_dest *);
static void	 notify_kick(struct notify_dest *);
static void	 notify_report(struct notify_dest *, uint64_t);
static void	 notify_row(struct notify_dest *, enum collector_state,
		    const char *);
static int	 notify_row_start(struct collector *, struct model *,
		    struct event_base *, char **);
static void	 notify_row_describe(const struct collector *, char *, size_t);

/*
 * A row among the collectors per destination, made by the configuration
 * so that viewers have it too; idle unless the collector (-H) runs the
 * notifier, which sets priv.
 */
const struct collector_ops collector_notify = {
	.name = "notify",
	.start = notify_row_start,
	.describe = notify_row_describe,
	.latency = 1,		/* health does not wait for it */
};

static const char *notify_whats[] = {
	"raised", "resolved", "reminder", "notice", "test", "firing",
	"superseded"
};

static uint64_t
notify_now(void)
{
	return (notify_clock());
}

void
notify_set_clock(uint64_t (*clock)(void))
{
	notify_clock = clock != NULL ? clock : now_mono_ms;
}

void
notify_poll(struct notify *n)
{
	notify_tick_cb(-1, 0, n);
}

const char *
notify_what_name(enum notify_what w)
{
	return ((size_t)w < nitems(notify_whats) ? notify_whats[w] : "?");
}

static const struct notify_kind *notify_kinds[] = {
	&notify_kind_alertmanager,
	&notify_kind_webhook,
	&notify_kind_exec,
	&notify_kind_syslog,
};

const struct notify_kind *
notify_kind_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < nitems(notify_kinds); i++)
		if (strcmp(notify_kinds[i]->name, name) == 0)
			return (notify_kinds[i]);
	return (NULL);
}

/* Does the block select this event (its level, type, partner, branch)? */
int
notify_match(const struct notify_conf *nc, const struct event *e)
{
	const char	*p;
	size_t		 i, len;

	if (e->level < nc->level)
		return (0);
	for (i = 0; i < nc->ntypes; i++)
		if (fnmatch(nc->types[i], e->type, 0) == 0)
			break;
	if (nc->ntypes != 0 && i == nc->ntypes)
		return (0);
	if (nc->partner[0] != '\0' && strcmp(nc->partner, e->rel.partner) != 0)
		return (0);
	if (nc->branch[0] == '\0')
		return (1);
	/* rel.branch: names separated by spaces. */
	len = strlen(nc->branch);
	for (p = e->rel.branch; (p = strstr(p, nc->branch)) != NULL; p += len)
		if ((p == e->rel.branch || p[-1] == ' ') &&
		    (p[len] == '\0' || p[len] == ' '))
			return (1);
	return (0);
}

static int
notify_row_start(struct collector *c, struct model *m NOTIFY_UNUSED,
    struct event_base *base NOTIFY_UNUSED, char **cause NOTIFY_UNUSED)
{
	c->state = COL_UP;
	c->state_mono = notify_now();
	return (0);
}

static void
notify_row_describe(const struct collector *c, char *buf, size_t len)
{
	if (c->priv == NULL)
		snprintf(buf, len, "idle: only the collector (peertop -H) "
		    "sends notifications");
	else
		notify_dest_describe(c->priv, buf, len);
}

void
notify_dest_describe(const struct notify_dest *d, char *buf, size_t len)
{
	const struct notify_stats	*st = &d->st;

	snprintf(buf, len, "%llu sent, %llu queued, %llu failed, %llu "
	    "dropped%s%s", (unsigned long long)st->delivered,
	    (unsigned long long)st->queued, (unsigned long long)st->failed,
	    (unsigned long long)st->dropped, st->last_error[0] != '\0' ?
	    "; last error: " : "", st->last_error);
}

const struct notify_stats *
notify_row_stats(const struct collector *c, const char **block,
    const char **dest)
{
	const struct notify_dest	*d;

	if (c->ops != &collector_notify || (d = c->priv) == NULL)
		return (NULL);
	*block = d->block->conf->name;
	*dest = d->conf->label;
	return (&d->st);
}

const struct notify_stats *
notify_dest_stats(const struct notify_dest *d)
{
	return (&d->st);
}

struct notify_dest *
notify_dest(const struct notify *n, size_t i)
{
	return (i < n->ndests ? n->dests[i] : NULL);
}

const struct notify_dest_conf *
notify_dest_conf(const struct notify_dest *d)
{
	return (d->conf);
}

const struct notify_conf *
notify_dest_block(const struct notify_dest *d)
{
	return (d->block->conf);
}

struct event_base *
notify_dest_base(const struct notify_dest *d)
{
	return (d->n->base);
}

const char *
notify_dest_instance(const struct notify_dest *d)
{
	return (d->n->instance);
}

void *
notify_dest_priv(const struct notify_dest *d)
{
	return (d->priv);
}

void
notify_dest_set_priv(struct notify_dest *d, void *priv)
{
	d->priv = priv;
}

int64_t
notify_dest_timeout(const struct notify_dest *d)
{
	return (d->block->conf->timeout_ms != 0 ? d->block->conf->timeout_ms :
	    NOTIFY_TIMEOUT_MS);
}

static int64_t
notify_give_up(const struct notify_dest *d)
{
	return (d->block->conf->give_up_ms != 0 ? d->block->conf->give_up_ms :
	    NOTIFY_GIVE_UP_MS);
}

/* The row of block's destination dc, made by the configuration. */
static struct collector *
notify_row_find(struct model *m, const struct notify_conf *nc,
    const struct notify_dest_conf *dc)
{
	char	 name[NAME_MAX_PT];
	size_t	 i;

	snprintf(name, sizeof name, "notify %s/%s", nc->name, dc->label);
	for (i = 0; i < m->ncollectors; i++)
		if (m->collectors[i]->ops == &collector_notify &&
		    strcmp(m->collectors[i]->name, name) == 0)
			return (m->collectors[i]);
	return (NULL);
}

struct notify *
notify_start(struct model *m, struct event_base *base, const char *only,
    const char *kind, char **cause)
{
	struct notify		*n;
	struct notify_block	*b;
	struct notify_dest	*d;
	const struct notify_conf *nc;
	struct timeval		 tv = { 0, NOTIFY_TICK_MS * 1000 };
	size_t			 i, j;

	*cause = NULL;
	n = xcalloc(1, sizeof *n);
	n->m = m;
	n->base = base;
	n->first_id = m->evseq;
	if (gethostname(n->instance, sizeof n->instance) != 0)
		strlcpy_pt(n->instance, "localhost", sizeof n->instance);
	n->instance[sizeof n->instance - 1] = '\0';
	n->blocks = xcalloc(m->nnotify + 1, sizeof *n->blocks);
	for (i = 0; i < m->nnotify; i++) {
		nc = m->notify[i];
		if (only != NULL && strcmp(only, nc->name) != 0)
			continue;
		b = &n->blocks[n->nblocks++];
		b->n = n;
		b->conf = nc;
		for (j = 0; j < nc->ndest; j++) {
			if (kind != NULL && strcmp(kind, nc->dest[j].label) != 0)
				continue;
			d = xcalloc(1, sizeof *d);
			d->n = n;
			d->block = b;
			d->conf = &nc->dest[j];
			d->tail = &d->head;
			d->backoff_ms = NOTIFY_BACKOFF_MIN_MS;
			n->dests = xreallocarray(n->dests, n->ndests + 1,
			    sizeof *n->dests);
			n->dests[n->ndests++] = d;
			if ((d->row = notify_row_find(m, nc, d->conf)) != NULL)
				d->row->priv = d;
			notify_dest_start(d);
		}
	}
	if (n->ndests == 0) {
		if (only != NULL)
			xasprintf(cause, "no notify %s%s%s in the "
			    "configuration", only, kind != NULL ? "/" : "",
			    kind != NULL ? kind : "");
		notify_stop(n);
		return (NULL);
	}
	n->obs.event = notify_event_cb;
	n->obs.ack = notify_ack_cb;
	n->obs.arg = n;
	model_observer_add(m, &n->obs);
	n->tick = event_new(base, -1, EV_PERSIST, notify_tick_cb, n);
	event_add(n->tick, &tv);
	n->flush = evtimer_new(base, notify_flush_cb, n);
	return (n);
}

void
notify_stop(struct notify *n)
{
	struct notify_dest	*d;
	struct notify_item	*it;
	struct notify_alert	*a;
	size_t			 i, lost;

	if (n == NULL)
		return;
	n->stopping = 1;
	model_observer_remove(n->m, &n->obs);
	for (i = 0; i < n->ndests; i++) {
		d = n->dests[i];
		lost = d->nqueue + d->inflight_items;
		if (d->conf->kind->stop != NULL)
			d->conf->kind->stop(d);
		while ((it = d->head) != NULL) {
			d->head = it->next;
			free(it);
		}
		if (lost != 0 && !n->quiet)
			log_warnx("notify %s/%s: %zu notification%s not "
			    "delivered at stop", d->block->conf->name,
			    d->conf->label, lost, lost == 1 ? "" : "s");
		if (d->row != NULL)
			d->row->priv = NULL;
		free(d);
	}
	for (i = 0; i < n->nblocks; i++)
		while ((a = n->blocks[i].alerts) != NULL) {
			n->blocks[i].alerts = a->next;
			free(a);
		}
	if (n->tick != NULL)
		event_free(n->tick);
	if (n->flush != NULL)
		event_free(n->flush);
	free(n->dests);
	free(n->blocks);
	free(n);
}

void
notify_test(struct notify *n)
{
	struct event	 ev;
	size_t		 i;

	n->quiet = 1;
	memset(&ev, 0, sizeof ev);
	ev.time_ms = now_wall_ms();
	strlcpy_pt(ev.type, "NotifyTest", sizeof ev.type);
	ev.level = LVL_INFO;
	snprintf(ev.subject, sizeof ev.subject, "notify test");
	snprintf(ev.summary, sizeof ev.summary, "a test notification from "
	    "peertop on %s", n->instance);
	for (i = 0; i < n->ndests; i++)
		notify_enqueue(n->dests[i], NOTIFY_TEST, &ev, NULL, 0);
	notify_flush_soon(n);
}

int
notify_idle(const struct notify *n)
{
	size_t	 i;

	for (i = 0; i < n->ndests; i++)
		if (n->dests[i]->nqueue != 0 || n->dests[i]->inflight != 0)
			return (0);
	return (1);
}

static void
notify_event_cb(void *arg, const struct event *e)
{
	struct notify	*n = arg;
	size_t		 i;

	for (i = 0; i < n->nblocks; i++)
		notify_block_event(&n->blocks[i], e);
}

/* Acknowledged: no more reminders; later messages name who. */
static void
notify_ack_cb(void *arg, const struct event *e)
{
	struct notify		*n = arg;
	struct notify_alert	*a;
	size_t			 i;

	for (i = 0; i < n->nblocks; i++) {
		if ((a = notify_alert_find(&n->blocks[i], e->id)) == NULL)
			continue;
		a->ev.ack_ms = e->ack_ms;
		memcpy(a->ev.ack_user, e->ack_user, sizeof a->ev.ack_user);
		memcpy(a->ev.ack_comment, e->ack_comment,
		    sizeof a->ev.ack_comment);
	}
}

static void
notify_block_event(struct notify_block *b, const struct event *e)
{
	struct notify_alert	*a;
	int			 sent;

	if (e->cond == EVC_CLOSES) {
		/* Only what was raised is resolved; within hold, nothing. */
		if ((a = notify_alert_find(b, e->resolves)) == NULL)
			return;
		if (a->due_mono == 0)
			notify_queue_block(b, NOTIFY_RESOLVED, &a->ev, e,
			    a->follows);
		notify_alert_remove(b, a);
		return;
	}
	if (e->cond == EVC_OPENS && e->resolves != 0 &&
	    (a = notify_alert_find(b, e->resolves)) != NULL) {
		/* Raised again at another level: one alert goes on. */
		sent = a->due_mono == 0;
		if (sent)
			notify_queue_block(b, notify_match(b->conf, e) ?
			    NOTIFY_SUPERSEDED : NOTIFY_RESOLVED, &a->ev, e,
			    a->follows);
		notify_alert_remove(b, a);
		if (notify_match(b->conf, e))
			notify_alert_add(b, e, sent ? NOTIFY_ALERT_RAISE :
			    NOTIFY_ALERT_HOLD);
		return;
	}
	if (!notify_match(b->conf, e))
		return;
	if (e->cond == EVC_OPENS && e->resolves != 0 &&
	    e->resolves <= b->n->first_id) {
		if (EVENT_OPEN(e))
			notify_alert_carry(b, e);
	} else if (e->cond == EVC_OPENS) {
		if (EVENT_OPEN(e))
			notify_alert_add(b, e, NOTIFY_ALERT_HOLD);
	} else
		notify_queue_block(b, NOTIFY_NOTICE, e, NULL, 0);
}

/*
 * Still open after a restart (it follows an opener of the earlier run):
 * raised then already, so no new RAISED but reminders on (unless
 * acknowledged), and its RESOLVED names the earlier opener too.  One the
 * earlier run had not held long enough is held for the rest.
 */
static void
notify_alert_carry(struct notify_block *b, const struct event *e)
{
	struct notify_alert	*a;
	const struct event	*was;
	int64_t			 held = -1;

	was = model_event_find(b->n->m, e->resolves);
	if (was != NULL && was->closed_ms >= was->time_ms)
		held = was->closed_ms - was->time_ms;
	if (held >= 0 && held < b->conf->hold_ms) {
		if ((a = notify_alert_add(b, e, NOTIFY_ALERT_HOLD)) != NULL) {
			a->follows = e->resolves;
			a->due_mono -= (uint64_t)held;
		}
		return;
	}
	if ((a = notify_alert_add(b, e, NOTIFY_ALERT_RAISED)) == NULL)
		return;
	a->follows = e->resolves;
	/* Alertmanager: the same labels, the same alert, refreshed. */
	notify_queue_block(b, NOTIFY_FIRING, &a->ev, NULL, a->follows);
}

static struct notify_alert *
notify_alert_find(struct notify_block *b, int64_t id)
{
	struct notify_alert	*a;

	for (a = b->alerts; a != NULL; a = a->next)
		if (a->ev.id == id)
			return (a);
	return (NULL);
}

static struct notify_alert *
notify_alert_add(struct notify_block *b, const struct event *e, int how)
{
	struct notify_alert	*a;
	uint64_t		 now = notify_now();

	if (b->nalerts >= NOTIFY_ALERTS_MAX) {
		if (b->over++ == 0)
			log_warnx("notify %s: more than %d open events, the "
			    "newer ones are not tracked", b->conf->name,
			    NOTIFY_ALERTS_MAX);
		return (NULL);
	}
	a = xcalloc(1, sizeof *a);
	a->ev = *e;
	a->seen_mono = now;
	if (how == NOTIFY_ALERT_HOLD && b->conf->hold_ms > 0)
		a->due_mono = now + (uint64_t)b->conf->hold_ms;
	else {
		a->last_mono = now;
		if (how != NOTIFY_ALERT_RAISED)
			notify_queue_block(b, NOTIFY_RAISED, e, NULL, 0);
	}
	a->next = b->alerts;
	b->alerts = a;
	b->nalerts++;
	return (a);
}

static void
notify_alert_remove(struct notify_block *b, struct notify_alert *a)
{
	struct notify_alert	**pp;

	for (pp = &b->alerts; *pp != NULL; pp = &(*pp)->next)
		if (*pp == a) {
			*pp = a->next;
			b->nalerts--;
			free(a);
			return;
		}
}

/* To each of the block's destinations that takes it. */
static void
notify_queue_block(struct notify_block *b, enum notify_what what,
    const struct event *ev, const struct event *closer, int64_t follows)
{
	struct notify	*n = b->n;
	size_t		 i;

	for (i = 0; i < n->ndests; i++)
		if (n->dests[i]->block == b)
			notify_enqueue(n->dests[i], what, ev, closer,
			    follows);
	notify_flush_soon(n);
}

static void
notify_enqueue(struct notify_dest *d, enum notify_what what,
    const struct event *ev, const struct event *closer, int64_t follows)
{
	struct notify_item	*it;
	unsigned		 max = d->block->conf->queue_max;

	if ((what == NOTIFY_FIRING || what == NOTIFY_SUPERSEDED) &&
	    !d->conf->kind->alertmanager)
		return;
	/*
	 * Ours about a destination goes to the others only, and not to one
	 * failing itself: a failure cannot feed a loop of failures.
	 */
	if (strcmp(ev->type, "NotifyFailed") == 0 && (d->failing ||
	    (d->row != NULL && strcmp(ev->subject, d->row->name) == 0)))
		return;
	/* One message about an event waiting is enough: its backlog does
	 * not turn into a reminder right behind it. */
	if (what == NOTIFY_REMINDER && notify_pending(d, ev->id))
		return;
	if (max == 0)
		max = NOTIFY_QUEUE_DEFAULT;
	if (d->nqueue >= max) {
		/* A refresh need not push out what is news. */
		if (what == NOTIFY_FIRING)
			return;
		d->st.dropped++;
		d->unreported++;
		d->unreported_full++;
		if (!d->failing)
			notify_row(d, COL_DOWN, "queue full, notifications "
			    "dropped");
		d->failing = 1;
		return;
	}
	it = xcalloc(1, sizeof *it);
	it->what = what;
	it->ev = *ev;
	it->follows = follows;
	if (closer != NULL) {
		it->resolved_ms = closer->time_ms;
		it->resolved_by = closer->id;
		strlcpy_pt(it->resolved_summary, closer->summary,
		    sizeof it->resolved_summary);
	}
	it->queued_mono = it->event_mono = notify_now();
	*d->tail = it;
	d->tail = &it->next;
	d->nqueue++;
	d->st.queued = d->nqueue + d->inflight_items;
}

/* A message about event id queued to d or in flight. */
static int
notify_pending(const struct notify_dest *d, int64_t id)
{
	const struct notify_item	*it;
	const struct notify_batch	*bt;
	size_t				 i;

	for (it = d->head; it != NULL; it = it->next)
		if (it->ev.id == id)
			return (1);
	for (bt = d->flying; bt != NULL; bt = bt->next)
		for (i = 0; i < bt->n; i++)
			if (bt->items[i] != NULL && bt->items[i]->ev.id == id)
				return (1);
	return (0);
}

static void
notify_flush_soon(struct notify *n)
{
	struct timeval	 tv = { 0, NOTIFY_GROUP_MS * 1000 };

	if (n->flush != NULL && !evtimer_pending(n->flush, NULL))
		evtimer_add(n->flush, &tv);
}

static void
notify_flush_cb(evutil_socket_t fd NOTIFY_UNUSED, short what NOTIFY_UNUSED,
    void *arg)
{
	struct notify	*n = arg;
	size_t		 i;

	for (i = 0; i < n->ndests; i++)
		notify_kick(n->dests[i]);
}

/* Holds ending, reminders due, Alertmanager's re-posts, failures told. */
static void
notify_tick_cb(evutil_socket_t fd NOTIFY_UNUSED, short what NOTIFY_UNUSED,
    void *arg)
{
	struct notify		*n = arg;
	struct notify_block	*b;
	struct notify_alert	*a;
	struct notify_dest	*d;
	uint64_t		 now = notify_now();
	size_t			 i;

	for (i = 0; i < n->nblocks; i++) {
		b = &n->blocks[i];
		for (a = b->alerts; a != NULL; a = a->next) {
			if (a->due_mono != 0 && now >= a->due_mono) {
				a->due_mono = 0;
				a->last_mono = now;
				notify_queue_block(b, NOTIFY_RAISED, &a->ev,
				    NULL, a->follows);
			} else if (a->due_mono == 0 && b->conf->repeat_ms > 0 &&
			    a->ev.ack_ms == 0 && now - a->last_mono >=
			    (uint64_t)b->conf->repeat_ms) {
				a->last_mono = now;
				notify_queue_block(b, NOTIFY_REMINDER, &a->ev,
				    NULL, a->follows);
			}
		}
	}
	for (i = 0; i < n->ndests; i++) {
		d = n->dests[i];
		if (d->conf->kind->alertmanager && now >= d->resend_mono) {
			if (d->resend_mono != 0)
				for (a = d->block->alerts; a != NULL;
				    a = a->next)
					if (a->due_mono == 0)
						notify_enqueue(d, NOTIFY_FIRING,
						    &a->ev, NULL, a->follows);
			d->resend_mono = now + NOTIFY_AM_RESEND_MS;
		}
		notify_report(d, now);
		notify_kick(d);
	}
}

/*
 * What could not be delivered becomes a NotifyFailed event (a Warning),
 * at most once a NOTIFY_REPORT_MS per destination, the count summed.
 */
static void
notify_report(struct notify_dest *d, uint64_t now)
{
	unsigned long long	 n = d->unreported;
	unsigned		 max = d->block->conf->queue_max;
	char			 why[ERR_MAX + 64];

	if (n == 0 || (d->reported_mono != 0 &&
	    now - d->reported_mono < NOTIFY_REPORT_MS))
		return;
	/* Given up (the last error says why), or dropped, or both. */
	if (d->unreported_full != 0)
		snprintf(why, sizeof why, "%s%sthe queue was full (%u)",
		    d->unreported_full < n ? d->st.last_error : "",
		    d->unreported_full < n ? "; " : "",
		    max != 0 ? max : NOTIFY_QUEUE_DEFAULT);
	else
		strlcpy_pt(why, d->st.last_error, sizeof why);
	log_warnx("%s: %llu notification%s not delivered: %s", d->row != NULL ?
	    d->row->name : d->conf->label, n, n == 1 ? "" : "s", why);
	model_eventf(d->n->m, "NotifyFailed", LVL_WARNING, d->row != NULL ?
	    d->row->name : d->conf->label, d->conf->url[0] != '\0' ?
	    d->conf->url : d->conf->argv[0], "%llu notification%s of %s to %s "
	    "not delivered: %s", n, n == 1 ? "" : "s", d->block->conf->name,
	    d->conf->label, why);
	d->unreported = d->unreported_full = 0;
	d->reported_mono = now;
}

/*
 * Its kind's state (a connection's host and TLS context, ...).  One that
 * cannot start (a CA file missing) does not stop the collector: it is
 * DOWN with the reason and tried again before each send, its messages
 * failing, retried and given up as any others.
 */
static int
notify_dest_start(struct notify_dest *d)
{
	char	*cause = NULL;

	if (d->started)
		return (0);
	if (d->conf->kind->stop != NULL)
		d->conf->kind->stop(d);		/* what a failed start left */
	if (d->conf->kind->start(d, &cause) == 0) {
		d->started = 1;
		notify_row(d, COL_UP, NULL);
		return (0);
	}
	if (!d->n->quiet && strcmp(d->st.last_error, cause != NULL ? cause :
	    "cannot start") != 0)
		log_warnx("%s", cause != NULL ? cause : "cannot start");
	sanitize(d->st.last_error, sizeof d->st.last_error, cause != NULL ?
	    cause : "cannot start", strlen(cause != NULL ? cause :
	    "cannot start"));
	notify_row(d, COL_DOWN, d->st.last_error);
	free(cause);
	return (-1);
}

/* Send what is queued, as many batches as the kind takes at once. */
static void
notify_kick(struct notify_dest *d)
{
	struct notify_batch	*bt;
	struct notify_item	*it;
	unsigned		 slots;
	uint64_t		 now = notify_now();
	char			 why[ERR_MAX];
	int			 broken;

	slots = d->conf->kind->slots != NULL ? d->conf->kind->slots(d) : 1;
	while (!d->n->stopping && d->nqueue != 0 && d->inflight < slots &&
	    now >= d->retry_mono) {
		broken = notify_dest_start(d) != 0;
		bt = xcalloc(1, sizeof *bt);
		bt->dest = d;
		bt->items = xreallocarray(NULL, d->nqueue < NOTIFY_BATCH_MAX ?
		    d->nqueue : NOTIFY_BATCH_MAX, sizeof *bt->items);
		while (bt->n < NOTIFY_BATCH_MAX && (it = d->head) != NULL) {
			d->head = it->next;
			it->next = NULL;
			bt->items[bt->n++] = it;
			d->nqueue--;
		}
		if (d->head == NULL)
			d->tail = &d->head;
		bt->next = d->flying;
		d->flying = bt;
		d->inflight++;
		d->inflight_items += bt->n;
		d->st.requests++;
		if (broken) {
			strlcpy_pt(why, d->st.last_error, sizeof why);
			notify_batch_done(bt, 0, why);
			break;
		}
		d->conf->kind->send(d, bt);
	}
}

void
notify_batch_done(struct notify_batch *bt, int ok, const char *error)
{
	struct notify_dest	*d = bt->dest;
	struct notify_item	*it, **keep;
	struct notify_alert	*a;
	uint64_t		 now = notify_now();
	size_t			 i, gave_up = 0;
	char			 why[ERR_MAX], tail[32];
	int			 n;

	d->inflight--;
	d->inflight_items -= bt->n;
	if (ok) {
		d->st.delivered += bt->n;
		for (i = 0; i < bt->n; i++) {
			it = bt->items[i];
			d->st.latency_ms_sum += now - it->event_mono;
			/* The next reminder counts from this one. */
			if ((it->what == NOTIFY_RAISED ||
			    it->what == NOTIFY_REMINDER) &&
			    (a = notify_alert_find(d->block, it->ev.id)) != NULL)
				a->last_mono = now;
		}
		d->st.last_ok_ms = now_wall_ms();
		d->backoff_ms = NOTIFY_BACKOFF_MIN_MS;
		d->failing = 0;
		notify_row(d, COL_UP, NULL);
		notify_batch_drop(bt);
		d->st.queued = d->nqueue + d->inflight_items;
		notify_flush_soon(d->n);
		return;
	}
	d->st.retries++;
	sanitize(d->st.last_error, sizeof d->st.last_error, error != NULL ?
	    error : "failed", strlen(error != NULL ? error : "failed"));
	/* Back to the head of the queue, in order, unless too old. */
	keep = &d->head;
	for (i = 0; i < bt->n; i++) {
		it = bt->items[i];
		bt->items[i] = NULL;
		if (now - it->queued_mono >= (uint64_t)notify_give_up(d)) {
			free(it);
			gave_up++;
			continue;
		}
		it->next = *keep;
		*keep = it;
		keep = &it->next;
		if (it->next == NULL)
			d->tail = &it->next;
		d->nqueue++;
	}
	if (gave_up != 0) {
		d->st.failed += gave_up;
		d->unreported += gave_up;
		d->failing = 1;
	}
	d->retry_mono = now + d->backoff_ms;
	d->backoff_ms *= 2;
	if (d->backoff_ms > NOTIFY_BACKOFF_MAX_MS)
		d->backoff_ms = NOTIFY_BACKOFF_MAX_MS;
	notify_batch_drop(bt);
	d->st.queued = d->nqueue + d->inflight_items;
	/* DOWN from the first failed attempt until one succeeds. */
	if (d->st.queued != 0) {
		/* The count fits the row's reason: the error gives way. */
		n = snprintf(tail, sizeof tail, ", %llu queued",
		    (unsigned long long)d->st.queued);
		snprintf(why, sizeof why, "retrying: %.*s%s",
		    (int)(ERR_MAX - 1 - sizeof "retrying: " + 1 - (size_t)n),
		    d->st.last_error, tail);
		notify_row(d, COL_DOWN, why);
	} else
		notify_row(d, COL_DOWN, d->st.last_error);
}

void
notify_batch_drop(struct notify_batch *bt)
{
	struct notify_batch	**pp;
	size_t			 i;

	for (pp = &bt->dest->flying; *pp != NULL; pp = &(*pp)->next)
		if (*pp == bt) {
			*pp = bt->next;
			break;
		}

	for (i = 0; i < bt->n; i++)
		free(bt->items[i]);
	free(bt->items);
	free(bt);
}

/*
 * The destination's row: set here, not by model_collector_state(), whose
 * CollectorDown would be one more event to notify about a notifier.
 */
static void
notify_row(struct notify_dest *d, enum collector_state state,
    const char *error)
{
	struct collector	*c = d->row;
	uint64_t		 now = notify_now();

	if (c == NULL)
		return;
	if (error != NULL)
		sanitize(c->error, sizeof c->error, error, strlen(error));
	else if (state == COL_UP)
		c->error[0] = '\0';
	if (state == COL_UP && error == NULL)
		c->last_ok_mono = now;
	if (c->state != state) {
		c->state = state;
		c->state_mono = now;
	}
	c->polls = d->st.requests;
	c->failures = d->st.failed + d->st.dropped;
	model_touch(d->n->m, DIRTY_COLLECTORS);
}
