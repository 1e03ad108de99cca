/* SPDX-License-Identifier: ISC */
/*
 * What attached viewers are sent (control.h): on attach the
 * configuration and every object; then, CONTROL_FLUSH_MS after a pass
 * changed something, the objects whose frame differs from the one sent
 * last (a hash of each is kept), the events newer than the newest sent,
 * ring events whose lifecycle changed (resolved, acknowledged) and each
 * latency link's new samples.  The frames are made once and copied to
 * every viewer: a viewer costs a copy, not a serialisation.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "core/collector.h"
#include "core/control.h"
#include "core/control-private.h"
#include "core/json.h"
#include "core/latency.h"
#include "core/proto.h"
#include "core/siphash.h"
#include "core/util.h"

#define CTL_TICK_MS	1000	/* collectors' counters, the history */

static void	 ctl_flush_cb(evutil_socket_t, short, void *);
static void	 ctl_tick_cb(evutil_socket_t, short, void *);

/*
 * The frame just written into ctl->frame: moved to out when its hash
 * differs from *seen (which takes the new one) or force is set (the
 * snapshot), else dropped.
 */
static void
ctl_keep(struct control *ctl, struct evbuffer *out, uint64_t *seen,
    int force)
{
	struct evbuffer	*f = ctl->frame;
	uint64_t	 h;

	evbuffer_add(f, "\n", 1);
	h = siphash13(&ctl->key, evbuffer_pullup(f, -1), evbuffer_get_length(f));
	if (force || h != *seen) {
		*seen = h;
		evbuffer_add_buffer(out, f);
	} else
		evbuffer_drain(f, evbuffer_get_length(f));
}

static void
ctl_seen_size(struct control *ctl)
{
	struct model	*m = ctl->m;
	struct ctl_seen	*s = &ctl->seen;

	s->sessions = xcalloc(m->nsessions + 1, sizeof *s->sessions);
	s->partners = xcalloc(m->npartners + 1, sizeof *s->partners);
	s->branches = xcalloc(m->nbranches + 1, sizeof *s->branches);
	s->collectors = xcalloc(m->ncollectors + 1, sizeof *s->collectors);
	s->bmp = xcalloc(m->ncollectors + 1, sizeof *s->bmp);
	s->links = xcalloc(m->nbranches + 1, sizeof *s->links);
}

void
ctl_delta_init(struct control *ctl)
{
	struct timeval	 tv = { CTL_TICK_MS / 1000, 0 };

	(void)siphash_key_random(&ctl->key);
	ctl->scratch = evbuffer_new();
	ctl->frame = evbuffer_new();
	ctl_seen_size(ctl);
	ctl->flush = evtimer_new(ctl->base, ctl_flush_cb, ctl);
	ctl->tick = event_new(ctl->base, -1, EV_PERSIST, ctl_tick_cb, ctl);
	if (ctl->scratch == NULL || ctl->frame == NULL || ctl->flush == NULL || ctl->tick == NULL)
		fatalx("event_new failed");
	event_add(ctl->tick, &tv);
	ctl->sink.name = "control";
	ctl->sink.changed = ctl_delta_changed;
	ctl->sink.arg = ctl;
	eval_sink_add(ctl->m, &ctl->sink);
}

void
ctl_delta_free(struct control *ctl)
{
	struct ctl_seen	*s = &ctl->seen;
	size_t		 i;

	eval_sink_remove(ctl->m, &ctl->sink);
	event_free(ctl->flush);
	event_free(ctl->tick);
	evbuffer_free(ctl->scratch);
	evbuffer_free(ctl->frame);
	for (i = 0; i < ctl->m->nbranches; i++) {
		free(s->links[i].hash);
		free(s->links[i].total);
	}
	free(s->links);
	free(s->sessions);
	free(s->partners);
	free(s->branches);
	free(s->collectors);
	free(s->bmp);
}

void
ctl_delta_changed(void *arg, struct model *m, unsigned dirty)
{
	struct control	*ctl = arg;
	struct timeval	 tv = { 0, CONTROL_FLUSH_MS * 1000 };

	(void)m;
	ctl->dirty |= dirty;
	if (!evtimer_pending(ctl->flush, NULL))
		evtimer_add(ctl->flush, &tv);
}

/* Collectors' counters and ages move without a pass; so may the disk. */
static void
ctl_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct control	*ctl = arg;

	ctl_reap(ctl);
	ctl_delta_changed(ctl, ctl->m, DIRTY_COLLECTORS);
}

static void
ctl_flush_cb(evutil_socket_t fd, short what, void *arg)
{
	ctl_delta_flush(arg);
}

/* A link's seen entry, grown as the branch gains links. */
static struct ctl_seen_links *
ctl_links(struct control *ctl, size_t bi)
{
	struct ctl_seen_links	*sl = &ctl->seen.links[bi];
	size_t			 n = ctl->m->branches[bi]->nlinks;

	if (sl->n < n) {
		sl->hash = xreallocarray(sl->hash, n, sizeof *sl->hash);
		sl->total = xreallocarray(sl->total, n, sizeof *sl->total);
		memset(sl->hash + sl->n, 0, (n - sl->n) * sizeof *sl->hash);
		memset(sl->total + sl->n, 0, (n - sl->n) * sizeof *sl->total);
		sl->n = n;
	}
	return (sl);
}

/* The latency links into out: every sample (all), or the new ones. */
static void
ctl_latency(struct control *ctl, struct evbuffer *out, int all)
{
	struct model		*m = ctl->m;
	struct ctl_seen_links	*sl;
	struct latlink		*l;
	struct json_w		 j;
	size_t			 bi, li, n;
	uint64_t		 total;

	for (bi = 0; bi < m->nbranches; bi++) {
		sl = ctl_links(ctl, bi);
		for (li = 0; li < m->branches[bi]->nlinks; li++) {
			l = m->branches[bi]->links[li];
			total = latency_series_total(l->ring);
			n = latency_series_count(l->ring);
			if (!all && total - sl->total[li] < n)
				n = (size_t)(total - sl->total[li]);
			json_w_init_evbuffer(&j, ctl->frame, 0);
			proto_latency(&j, m, m->branches[bi], l, n);
			ctl_keep(ctl, out, &sl->hash[li], all || n > 0);
			sl->total[li] = total;
		}
	}
}

/* The events newer than the newest sent, and those whose state moved. */
static void
ctl_events(struct control *ctl, struct evbuffer *out, int all)
{
	struct model		*m = ctl->m;
	struct ctl_seen		*s = &ctl->seen;
	const struct event	*e;
	struct json_w		 j;
	size_t			 i, slot;
	int64_t			 newest = s->event_id;

	for (i = 0; i < m->nevents; i++) {
		e = model_event(m, i);
		slot = (m->evhead + i) % MODEL_EVENTS_MAX;
		json_w_init_evbuffer(&j, ctl->frame, 0);
		proto_event(&j, e);
		ctl_keep(ctl, out, &s->ev_hash[slot], all ||
		    e->id > s->event_id || s->ev_ids[slot] != e->id);
		s->ev_ids[slot] = e->id;
		if (e->id > newest)
			newest = e->id;
	}
	s->event_id = newest;
	json_w_init_evbuffer(&j, ctl->frame, 0);
	proto_conditions(&j, m);
	ctl_keep(ctl, out, &s->conditions, all);
}

/* The history's state and the viewers count, as one small frame. */
static void
ctl_status(struct control *ctl, struct evbuffer *out, int all)
{
	const char	*h = ctl->history != NULL ?
			    ctl->history(ctl->history_arg) : NULL;
	struct json_w	 j;
	size_t		 attached;

	control_clients(ctl, &attached);
	if (!all && strcmp(h != NULL ? h : "", ctl->seen.history) == 0)
		return;
	strlcpy_pt(ctl->seen.history, h != NULL ? h : "",
	    sizeof ctl->seen.history);
	json_w_init_evbuffer(&j, out, 0);
	json_w_object(&j, NULL, 0);
	json_w_string(&j, "t", "status");
	json_w_string(&j, "history", h != NULL ? h : "");
	json_w_uint(&j, "viewers", attached);
	json_w_end(&j);
	evbuffer_add(out, "\n", 1);
}

/* Every object of a kind the dirty flags name (all: every kind). */
static void
ctl_objects(struct control *ctl, struct evbuffer *out, unsigned dirty,
    int all)
{
	struct model	*m = ctl->m;
	struct json_w	 j;
	size_t		 i;
	int64_t		 wall = now_wall_ms();
	uint64_t	 mono = now_mono_ms();

	for (i = 0; (dirty & DIRTY_COLLECTORS) && i < m->ncollectors; i++) {
		json_w_init_evbuffer(&j, ctl->frame, 0);
		proto_collector(&j, m->collectors[i], wall, mono);
		ctl_keep(ctl, out, &ctl->seen.collectors[i], all);
		if (m->collectors[i]->ops == NULL ||
		    strcmp(m->collectors[i]->ops->name, "bmp") != 0)
			continue;
		json_w_init_evbuffer(&j, ctl->frame, 0);
		proto_bmp(&j, m->collectors[i]);
		ctl_keep(ctl, out, &ctl->seen.bmp[i], all);
	}
	for (i = 0; (dirty & DIRTY_SESSIONS) && i < m->nsessions; i++) {
		json_w_init_evbuffer(&j, ctl->frame, 0);
		proto_session(&j, m, m->sessions[i]);
		ctl_keep(ctl, out, &ctl->seen.sessions[i], all);
	}
	for (i = 0; (dirty & (DIRTY_SESSIONS | DIRTY_BRANCHES)) &&
	    i < m->npartners; i++) {
		json_w_init_evbuffer(&j, ctl->frame, 0);
		proto_partner(&j, m->partners[i]);
		ctl_keep(ctl, out, &ctl->seen.partners[i], all);
	}
	if (dirty & DIRTY_LATENCY)
		ctl_latency(ctl, out, all);
	for (i = 0; (dirty & (DIRTY_BRANCHES | DIRTY_ROUTES | DIRTY_LATENCY |
	    DIRTY_SESSIONS)) && i < m->nbranches; i++) {
		json_w_init_evbuffer(&j, ctl->frame, 0);
		proto_branch(&j, m, m->branches[i]);
		ctl_keep(ctl, out, &ctl->seen.branches[i], all);
	}
	if (dirty & DIRTY_EVENTS)
		ctl_events(ctl, out, all);
	ctl_status(ctl, out, all);
}

void
ctl_delta_flush(struct control *ctl)
{
	struct ctl_client	*c, *next;
	struct evbuffer		*batch, *copy;
	unsigned		 dirty = ctl->dirty;
	size_t			 attached;

	evtimer_del(ctl->flush);
	ctl->dirty = 0;
	control_clients(ctl, &attached);
	/* Nobody to tell: the next viewer gets a snapshot anyway. */
	if (dirty == 0 || attached == 0)
		return;
	if ((batch = evbuffer_new()) == NULL || (copy = evbuffer_new()) == NULL)
		fatalx("evbuffer_new failed");
	ctl_objects(ctl, batch, dirty, 0);
	if (evbuffer_get_length(batch) > 0)
		for (c = TAILQ_FIRST(&ctl->clients); c != NULL; c = next) {
			/* A stalled one is dropped (not freed) on the way. */
			next = TAILQ_NEXT(c, entry);
			if (!c->attached)
				continue;
			evbuffer_add_buffer_reference(copy, batch);
			ctl_send(c, copy);
		}
	evbuffer_free(batch);
	evbuffer_free(copy);
}

/*
 * The configuration (the text the collector read, secrets redacted),
 * then every object between "snapshot" frames.  The seen hashes are set
 * as for a flush, so that the next flush sends only what changes after.
 */
void
ctl_snapshot(struct control *ctl, struct ctl_client *c)
{
	struct evbuffer	*out = ctl->scratch;
	struct json_w	 j;

	json_w_init_evbuffer(&j, out, 0);
	json_w_object(&j, NULL, 0);
	json_w_string(&j, "t", "config");
	json_w_string(&j, "path", ctl->config_path != NULL ?
	    ctl->config_path : "");
	json_w_string(&j, "text", ctl->config_text != NULL ?
	    ctl->config_text : "");
	json_w_string(&j, "database", ctl->m->database != NULL ?
	    ctl->m->database : "");
	json_w_end(&j);
	evbuffer_add(out, "\n", 1);
	evbuffer_add_printf(out, "{\"t\":\"snapshot\",\"phase\":\"begin\"}\n");
	ctl_objects(ctl, out, DIRTY_ALL, 1);
	evbuffer_add_printf(out, "{\"t\":\"snapshot\",\"phase\":\"end\"}\n");
	/* The snapshot is not bounded: its size is the model's. */
	evbuffer_add_buffer(bufferevent_get_output(c->bev), out);
}
