/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the notifier (core/notify*.c, core/config-notify.c):
 * the engine's decisions on a fake destination kind and a fake clock
 * (hold, repeat, acknowledgement, resolve only what was raised, filters,
 * grouping, the queue bound, retries and giving up, no loop through a
 * failing destination), and the bodies (valid JSON, Slack's and Teams'
 * shapes, Alertmanager's alerts, syslog lines).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <jansson.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/condition.h"
#include "core/config.h"
#include "core/model.h"
#include "core/notify.h"
#include "tests/unit/unit.h"

/* ------------------------------------------------ the fake kind */

enum fake_mode { FAKE_OK, FAKE_FAIL, FAKE_PENDING };

static struct {
	enum fake_mode	 mode;
	size_t		 batches;
	size_t		 items;
	char		 log[4096];	/* "raised SessionDown 3;..." */
	struct notify_batch *pending[8];
	size_t		 npending;
	unsigned	 slots;
	int		 start_fails;	/* this many starts fail */
} fake;

static uint64_t	 fake_now = 1000000;

static uint64_t
fake_clock(void)
{
	return (fake_now);
}

static int
fake_start(struct notify_dest *d NOTIFY_UNUSED, char **cause)
{
	if (fake.start_fails > 0) {
		fake.start_fails--;
		xasprintf(cause, "no CA");
		return (-1);
	}
	return (0);
}

static void
fake_stop(struct notify_dest *d NOTIFY_UNUSED)
{
	while (fake.npending > 0)
		notify_batch_drop(fake.pending[--fake.npending]);
}

static unsigned
fake_slots(const struct notify_dest *d NOTIFY_UNUSED)
{
	return (fake.slots != 0 ? fake.slots : 1);
}

/* The oldest batch in flight is done. */
static void
fake_finish(int ok)
{
	struct notify_batch	*bt = fake.pending[0];

	memmove(fake.pending, fake.pending + 1,
	    --fake.npending * sizeof *fake.pending);
	notify_batch_done(bt, ok, ok ? NULL : "boom");
}

static void
fake_send(struct notify_dest *d NOTIFY_UNUSED, struct notify_batch *bt)
{
	size_t	 i, len;

	fake.batches++;
	fake.items += bt->n;
	for (i = 0; i < bt->n; i++) {
		len = strlen(fake.log);
		snprintf(fake.log + len, sizeof fake.log - len, "%s %s%s%s;",
		    notify_what_name(bt->items[i]->what),
		    bt->items[i]->ev.type, bt->items[i]->ev.ack_user[0] != '\0' ?
		    "@" : "", bt->items[i]->ev.ack_user);
		if (bt->items[i]->follows != 0) {
			len = strlen(fake.log) - 1;
			snprintf(fake.log + len, sizeof fake.log - len,
			    "~%lld;", (long long)bt->items[i]->follows);
		}
	}
	switch (fake.mode) {
	case FAKE_OK:
		notify_batch_done(bt, 1, NULL);
		break;
	case FAKE_FAIL:
		notify_batch_done(bt, 0, "boom");
		break;
	case FAKE_PENDING:
		assert_true(fake.npending < 8);
		fake.pending[fake.npending++] = bt;
		break;
	}
}

static const struct notify_kind fake_kind = {
	.name = "fake",
	.start = fake_start,
	.stop = fake_stop,
	.send = fake_send,
	.slots = fake_slots,
};

/* The same, taking Alertmanager's messages (re-posts, supersedes). */
static const struct notify_kind fake_am_kind = {
	.name = "fake-am",
	.start = fake_start,
	.stop = fake_stop,
	.send = fake_send,
	.slots = fake_slots,
	.alertmanager = 1,
};

/* ------------------------------------------------ setup */

static const char conf_head[] =
    "partner \"contoso\" as 64500 {\n"
    "\tsession \"lon-r1\" neighbor 192.0.2.1 router \"r1\" edge lon "
    "role primary\n"
    "\tsession \"lon-r2\" neighbor 192.0.2.2 router \"r2\" edge lon "
    "role backup\n"
    "}\n"
    "branch \"london-office\" {\n"
    "\tpartner \"contoso\"\n"
    "\taddress 81.2.69.10\n"
    "}\n";

struct fixture {
	struct model		*m;
	struct event_base	*base;
	struct notify		*n;
};

/* A model with one notify block (its body: block), its one destination
 * made the fake kind. */
static void
setup(struct fixture *f, const char *block)
{
	struct edge	 e = { .code = "lon", .metro = "London" };
	char		*buf, *cause = NULL;

	memset(&fake, 0, sizeof fake);
	fake_now = 1000000;
	notify_set_clock(fake_clock);
	f->m = model_new();
	model_edge_set(f->m, &e);
	xasprintf(&buf, "%snotify \"t\" {\n%s\n\tsyslog socket \"/nonexistent\"\n}\n",
	    conf_head, block);
	if (config_parse_buffer(f->m, "t.conf", buf, strlen(buf), &cause) != 0)
		fail_msg("config: %s", cause);
	free(buf);
	assert_int_equal(f->m->nnotify, 1);
	f->m->notify[0]->dest[0].kind = &fake_kind;
	f->base = event_base_new();
	f->n = notify_start(f->m, f->base, NULL, NULL, &cause);
	if (f->n == NULL)
		fail_msg("notify_start: %s", cause != NULL ? cause : "NULL");
}

static void
teardown(struct fixture *f)
{
	notify_stop(f->n);
	model_free(f->m);
	event_base_free(f->base);
	notify_set_clock(NULL);
}

static void
advance(struct fixture *f, uint64_t ms)
{
	fake_now += ms;
	notify_poll(f->n);
}

static const struct event *
raise_ev(struct fixture *f, const char *type, enum level l,
    const char *subject)
{
	model_eventf(f->m, type, l, subject, NULL, "%s %s", type, subject);
	return (model_event(f->m, f->m->nevents - 1));
}

/* ------------------------------------------------ the engine */

/* hold 0: raised at once, resolved by its restoration. */
static void
test_raise_resolve(void **state)
{
	struct fixture	 f;
	const struct event *e;

	(void)state;
	setup(&f, "\tlevel warning");
	e = raise_ev(&f, "SessionDown", LVL_ERROR, "session lon-r1");
	assert_int_equal(e->cond, EVC_OPENS);
	advance(&f, 0);
	assert_string_equal(fake.log, "raised SessionDown;");
	raise_ev(&f, "SessionUp", LVL_INFO, "session lon-r1");
	advance(&f, 0);
	assert_string_equal(fake.log,
	    "raised SessionDown;resolved SessionDown;");
	assert_int_equal(notify_dest_stats(notify_dest(f.n, 0))->delivered,
	    2);
	teardown(&f);
}

/* A restoration whose opener was never raised sends nothing. */
static void
test_resolve_only_raised(void **state)
{
	struct fixture	 f;

	(void)state;
	setup(&f, "\tlevel error");
	raise_ev(&f, "SessionDown", LVL_WARNING, "session lon-r1");	/* below */
	raise_ev(&f, "SessionUp", LVL_INFO, "session lon-r1");
	raise_ev(&f, "SessionUp", LVL_INFO, "session lon-r2");	/* no opener */
	advance(&f, 1000);
	assert_string_equal(fake.log, "");
	assert_int_equal(fake.batches, 0);
	teardown(&f);
}

/* hold: an event that closes within it sends nothing at all. */
static void
test_hold(void **state)
{
	struct fixture	 f;

	(void)state;
	setup(&f, "\tlevel warning\n\thold 30s");
	raise_ev(&f, "SessionDown", LVL_ERROR, "session lon-r1");
	advance(&f, 10000);
	raise_ev(&f, "SessionUp", LVL_INFO, "session lon-r1");
	advance(&f, 60000);
	assert_string_equal(fake.log, "");
	/* Still open after the hold: raised then, resolved later. */
	raise_ev(&f, "SessionDown", LVL_ERROR, "session lon-r2");
	advance(&f, 29000);
	assert_string_equal(fake.log, "");
	advance(&f, 1500);
	assert_string_equal(fake.log, "raised SessionDown;");
	raise_ev(&f, "SessionUp", LVL_INFO, "session lon-r2");
	advance(&f, 0);
	assert_string_equal(fake.log,
	    "raised SessionDown;resolved SessionDown;");
	teardown(&f);
}

/* repeat: reminders while open; acknowledging stops them. */
static void
test_repeat_ack(void **state)
{
	struct fixture	 f;
	const struct event *e;
	char		*cause = NULL;
	int64_t		 id;

	(void)state;
	setup(&f, "\tlevel warning\n\trepeat 1h");
	e = raise_ev(&f, "SessionDown", LVL_ERROR, "session lon-r1");
	id = e->id;
	advance(&f, 0);
	advance(&f, 3600 * 1000 - 1000);
	assert_string_equal(fake.log, "raised SessionDown;");
	advance(&f, 1000);
	assert_string_equal(fake.log,
	    "raised SessionDown;reminder SessionDown;");
	advance(&f, 3600 * 1000);
	assert_string_equal(fake.log, "raised SessionDown;"
	    "reminder SessionDown;reminder SessionDown;");
	assert_int_equal(model_event_ack(f.m, id, "alice", "on it", 0,
	    &cause), 0);
	advance(&f, 3 * 3600 * 1000);
	assert_string_equal(fake.log, "raised SessionDown;"
	    "reminder SessionDown;reminder SessionDown;");
	teardown(&f);
}

/* The resolution names who acknowledged it. */
static void
test_ack_in_resolution(void **state)
{
	struct fixture	 f;
	const struct event *e;
	char		*cause = NULL;

	(void)state;
	setup(&f, "\tlevel warning");
	e = raise_ev(&f, "SessionDown", LVL_ERROR, "session lon-r1");
	advance(&f, 0);
	assert_int_equal(model_event_ack(f.m, e->id, "alice", "", 0,
	    &cause), 0);
	raise_ev(&f, "SessionUp", LVL_INFO, "session lon-r1");
	advance(&f, 0);
	assert_string_equal(fake.log,
	    "raised SessionDown;resolved SessionDown@alice;");
	teardown(&f);
}

/* level, type globs, partner, branch. */
static void
test_filters(void **state)
{
	struct notify_conf	 nc;
	struct event		 e;

	(void)state;
	memset(&nc, 0, sizeof nc);
	memset(&e, 0, sizeof e);
	nc.level = LVL_ERROR;
	strlcpy_pt(e.type, "SessionDown", sizeof e.type);
	e.level = LVL_WARNING;
	assert_false(notify_match(&nc, &e));
	e.level = LVL_CRITICAL;
	assert_true(notify_match(&nc, &e));
	strlcpy_pt(nc.types[0], "Prefix*", sizeof nc.types[0]);
	strlcpy_pt(nc.types[1], "Redundancy*", sizeof nc.types[1]);
	nc.ntypes = 2;
	assert_false(notify_match(&nc, &e));
	strlcpy_pt(nc.types[2], "Session*", sizeof nc.types[2]);
	nc.ntypes = 3;
	assert_true(notify_match(&nc, &e));
	strlcpy_pt(nc.partner, "contoso", sizeof nc.partner);
	assert_false(notify_match(&nc, &e));
	strlcpy_pt(e.rel.partner, "contoso", sizeof e.rel.partner);
	assert_true(notify_match(&nc, &e));
	strlcpy_pt(nc.branch, "london", sizeof nc.branch);
	strlcpy_pt(e.rel.branch, "london-office boxford", sizeof e.rel.branch);
	assert_false(notify_match(&nc, &e));	/* a word, not a prefix */
	strlcpy_pt(e.rel.branch, "boxford london", sizeof e.rel.branch);
	assert_true(notify_match(&nc, &e));
}

/* A storm goes as few batches: one up to NOTIFY_BATCH_MAX messages. */
static void
test_grouping(void **state)
{
	struct fixture	 f;
	int		 i;

	(void)state;
	setup(&f, "\tlevel info\n\tqueue 5000");
	for (i = 0; i < 1000; i++)
		model_eventf(f.m, "ConfigWarning", LVL_WARNING, "config", NULL,
		    "storm %d", i);
	advance(&f, 0);
	assert_int_equal(fake.items, 1000);
	assert_int_equal(fake.batches, 1000 / NOTIFY_BATCH_MAX);
	teardown(&f);
}

/* The queue is bounded: what does not fit is dropped and counted. */
static void
test_queue_bound(void **state)
{
	struct fixture		 f;
	const struct notify_stats *st;
	int			 i;

	(void)state;
	setup(&f, "\tlevel info\n\tqueue 10");
	fake.mode = FAKE_PENDING;
	for (i = 0; i < 30; i++)
		model_eventf(f.m, "ConfigWarning", LVL_WARNING, "config", NULL,
		    "n %d", i);
	st = notify_dest_stats(notify_dest(f.n, 0));
	assert_int_equal(st->dropped, 20);
	advance(&f, 0);
	assert_int_equal(fake.items, 10);
	/* Told as one NotifyFailed event, not sent to itself. */
	assert_string_equal(model_event(f.m, f.m->nevents - 1)->type,
	    "NotifyFailed");
	assert_string_equal(model_event(f.m, f.m->nevents - 1)->summary,
	    "20 notifications of t to syslog not delivered: the queue was "
	    "full (10)");
	fake_finish(1);
	fake.mode = FAKE_OK;
	advance(&f, 100);
	assert_null(strstr(fake.log, "NotifyFailed"));
	teardown(&f);
}

/* At most the kind's slots in flight at once (exec's max-running). */
static void
test_slots(void **state)
{
	struct fixture	 f;

	(void)state;
	setup(&f, "\tlevel info");
	fake.mode = FAKE_PENDING;
	fake.slots = 2;
	raise_ev(&f, "ConfigWarning", LVL_WARNING, "config");
	advance(&f, 0);
	raise_ev(&f, "ConfigWarning", LVL_WARNING, "config");
	advance(&f, 0);
	raise_ev(&f, "ConfigWarning", LVL_WARNING, "config");
	advance(&f, 0);
	assert_int_equal(fake.batches, 2);
	assert_int_equal(notify_dest_stats(notify_dest(f.n, 0))->queued, 3);
	fake_finish(1);
	advance(&f, 0);
	assert_int_equal(fake.batches, 3);
	fake_finish(1);
	fake_finish(1);
	assert_int_equal(notify_dest_stats(notify_dest(f.n, 0))->delivered,
	    3);
	assert_int_equal(notify_dest_stats(notify_dest(f.n, 0))->queued, 0);
	teardown(&f);
}

/* One that cannot start is tried again, its messages kept meanwhile. */
static void
test_start_failure(void **state)
{
	struct fixture		 f;
	const struct notify_stats *st;

	(void)state;
	fake.start_fails = 0;
	setup(&f, "\tlevel warning");
	fake.start_fails = 2;
	/* Stop it and start it again through the engine's path. */
	notify_stop(f.n);
	f.n = notify_start(f.m, f.base, NULL, NULL, &(char *){ NULL });
	assert_non_null(f.n);
	st = notify_dest_stats(notify_dest(f.n, 0));
	assert_string_equal(st->last_error, "no CA");
	raise_ev(&f, "SessionDown", LVL_ERROR, "session lon-r1");
	advance(&f, 0);
	assert_int_equal(fake.batches, 0);
	assert_int_equal(st->retries, 1);
	assert_int_equal(st->queued, 1);
	advance(&f, 1000);
	assert_int_equal(fake.batches, 1);
	assert_int_equal(st->delivered, 1);
	teardown(&f);
}

/* Failures are retried with backoff, then given up, counted, told. */
static void
test_retry_give_up(void **state)
{
	struct fixture		 f;
	const struct notify_stats *st;
	size_t			 i;

	(void)state;
	setup(&f, "\tlevel warning\n\tgive-up 5s");
	fake.mode = FAKE_FAIL;
	raise_ev(&f, "SessionDown", LVL_ERROR, "session lon-r1");
	advance(&f, 0);
	st = notify_dest_stats(notify_dest(f.n, 0));
	assert_int_equal(fake.batches, 1);
	assert_int_equal(st->retries, 1);
	advance(&f, 100);			/* backing off */
	assert_int_equal(fake.batches, 1);
	for (i = 0; i < 10; i++)
		advance(&f, 1000);
	assert_true(fake.batches >= 3 && fake.batches < 10);
	assert_int_equal(st->failed, 1);
	assert_int_equal(st->queued, 0);
	assert_string_equal(st->last_error, "boom");
	assert_string_equal(model_event(f.m, f.m->nevents - 1)->type,
	    "NotifyFailed");
	assert_string_equal(model_event(f.m, f.m->nevents - 1)->summary,
	    "1 notification of t to syslog not delivered: boom");
	/* Its NotifyFailed did not come back to it. */
	assert_null(strstr(fake.log, "NotifyFailed"));
	teardown(&f);
}

/* The destination's row among the collectors. */
static const struct collector *
dest_row(struct fixture *f)
{
	size_t	 i;

	for (i = 0; i < f->m->ncollectors; i++)
		if (f->m->collectors[i]->ops == &collector_notify)
			return (f->m->collectors[i]);
	fail_msg("no notify row");
	return (NULL);
}

/* DOWN with the reason from the first failed attempt, UP at a success. */
static void
test_down_while_retrying(void **state)
{
	struct fixture		 f;
	const struct collector	*c;

	(void)state;
	setup(&f, "\tlevel warning");
	c = dest_row(&f);
	fake.mode = FAKE_FAIL;
	raise_ev(&f, "SessionDown", LVL_ERROR, "session lon-r1");
	raise_ev(&f, "SessionDown", LVL_ERROR, "session lon-r2");
	advance(&f, 0);
	assert_int_equal(fake.batches, 1);
	assert_int_equal(c->state, COL_DOWN);
	assert_string_equal(c->error, "retrying: boom, 2 queued");
	fake.mode = FAKE_OK;
	advance(&f, 1000);
	assert_int_equal(notify_dest_stats(notify_dest(f.n, 0))->delivered,
	    2);
	assert_int_equal(c->state, COL_UP);
	assert_string_equal(c->error, "");
	teardown(&f);
}

/* Raised again at another level: the new one is sent, once. */
static void
test_followed(void **state)
{
	struct fixture	 f;

	(void)state;
	setup(&f, "\tlevel warning");
	raise_ev(&f, "RedundancyDegraded", LVL_WARNING, "partner contoso");
	raise_ev(&f, "RedundancyDegraded", LVL_CRITICAL, "partner contoso");
	advance(&f, 0);
	/* Superseded goes to Alertmanager only. */
	assert_string_equal(fake.log, "raised RedundancyDegraded;"
	    "raised RedundancyDegraded;");
	raise_ev(&f, "RedundancyRestored", LVL_INFO, "partner contoso");
	advance(&f, 0);
	assert_string_equal(fake.log, "raised RedundancyDegraded;"
	    "raised RedundancyDegraded;resolved RedundancyDegraded;");
	teardown(&f);
}

/*
 * Alertmanager: open alerts posted again every resend so that they do
 * not expire; a follow at another level ends the old alert; nothing
 * once resolved.
 */
static void
test_alertmanager_repost(void **state)
{
	struct fixture	 f;

	(void)state;
	setup(&f, "\tlevel warning");
	notify_stop(f.n);
	f.m->notify[0]->dest[0].kind = &fake_am_kind;
	f.n = notify_start(f.m, f.base, NULL, NULL, &(char *){ NULL });
	advance(&f, 0);		/* the first tick sets the resend clock */
	raise_ev(&f, "SessionDown", LVL_ERROR, "session lon-r1");
	advance(&f, 0);
	assert_string_equal(fake.log, "raised SessionDown;");
	advance(&f, NOTIFY_AM_RESEND_MS);
	assert_string_equal(fake.log, "raised SessionDown;firing SessionDown;");
	raise_ev(&f, "SessionDown", LVL_CRITICAL, "session lon-r1");
	advance(&f, 0);
	assert_string_equal(fake.log, "raised SessionDown;firing SessionDown;"
	    "superseded SessionDown;raised SessionDown;");
	raise_ev(&f, "SessionUp", LVL_INFO, "session lon-r1");
	advance(&f, 0);
	fake.log[0] = '\0';
	advance(&f, 2 * NOTIFY_AM_RESEND_MS);
	assert_string_equal(fake.log, "");
	teardown(&f);
}

/*
 * A restart with the history: the opener an earlier run left open, as
 * read back (acknowledged by alice), and one not acknowledged; the
 * collector stops (condition_end()) and the sessions are still down.
 */
static void
restart(struct fixture *f, int64_t opened_ago_ms, int64_t ran_ms,
    int64_t *ids)
{
	struct event	 ev;
	const char	*subj[2] = { "session lon-r1", "session lon-r2" };
	int64_t		 now = now_wall_ms();
	int		 i;

	notify_stop(f->n);
	for (i = 0; i < 2; i++) {
		memset(&ev, 0, sizeof ev);
		ev.time_ms = now - opened_ago_ms;
		strlcpy_pt(ev.type, "SessionDown", sizeof ev.type);
		ev.level = LVL_ERROR;
		strlcpy_pt(ev.subject, subj[i], sizeof ev.subject);
		if (i == 0) {
			ev.ack_ms = ev.time_ms + 1000;
			strlcpy_pt(ev.ack_user, "alice", sizeof ev.ack_user);
			strlcpy_pt(ev.ack_comment, "ticket",
			    sizeof ev.ack_comment);
		}
		model_event_add(f->m, &ev);
		ids[i] = ev.id;
	}
	/* The earlier run's last word, ran_ms after the openers. */
	model_event_at(f->m, now - opened_ago_ms + ran_ms, "ConfigWarning",
	    LVL_WARNING, "config", NULL, "the last one");
	condition_end(f->m);
	f->n = notify_start(f->m, f->base, NULL, NULL, &(char *){ NULL });
	assert_non_null(f->n);
	fake.log[0] = '\0';
}

/*
 * Still down after the restart: the same condition, its opener follows
 * the earlier one, keeps its acknowledgement (the model's, so every view
 * has it), raises nothing new (paged before), reminds only if nobody
 * acknowledged it, and its resolution names the earlier opener.
 */
static void
test_carried_over(void **state)
{
	struct fixture	 f;
	const struct event *e;
	char		 line[512], want[256];
	struct notify_item it;
	int64_t		 ids[2];

	(void)state;
	setup(&f, "\tlevel warning\n\trepeat 1h");
	restart(&f, 600 * 1000, 300 * 1000, ids);
	e = raise_ev(&f, "SessionDown", LVL_ERROR, "session lon-r1");
	assert_int_equal(e->resolves, ids[0]);
	assert_int_equal(e->ack_ms != 0, 1);
	assert_string_equal(e->ack_user, "alice");
	assert_string_equal(e->ack_comment, "ticket");
	assert_non_null(condition_of(f.m, e));
	assert_int_equal(condition_of(f.m, e)->ack_ms, e->ack_ms);
	e = raise_ev(&f, "SessionDown", LVL_ERROR, "session lon-r2");
	assert_int_equal(e->resolves, ids[1]);
	assert_int_equal(e->ack_ms, 0);
	advance(&f, 0);
	assert_string_equal(fake.log, "");
	advance(&f, 3600 * 1000);
	snprintf(want, sizeof want, "reminder SessionDown~%lld;",
	    (long long)ids[1]);
	assert_string_equal(fake.log, want);
	raise_ev(&f, "SessionUp", LVL_INFO, "session lon-r1");
	advance(&f, 0);
	snprintf(want, sizeof want, "reminder SessionDown~%lld;"
	    "resolved SessionDown@alice~%lld;", (long long)ids[1],
	    (long long)ids[0]);
	assert_string_equal(fake.log, want);
	/* The text and the JSON name it too. */
	memset(&it, 0, sizeof it);
	it.what = NOTIFY_RESOLVED;
	it.ev = *e;
	it.follows = ids[1];
	notify_line(&it, line, sizeof line);
	snprintf(want, sizeof want, "(#%lld, follows #%lld, ",
	    (long long)e->id, (long long)ids[1]);
	assert_non_null(strstr(line, want));
	teardown(&f);
}

/* The earlier run ended within the hold: not paged then, raised now. */
static void
test_carried_over_held(void **state)
{
	struct fixture	 f;
	int64_t		 ids[2];
	char		 want[64];

	(void)state;
	setup(&f, "\tlevel warning\n\thold 30s");
	restart(&f, 600 * 1000, 10 * 1000, ids);
	raise_ev(&f, "SessionDown", LVL_ERROR, "session lon-r2");
	advance(&f, 0);
	assert_string_equal(fake.log, "");
	advance(&f, 21 * 1000);		/* the rest of the hold */
	snprintf(want, sizeof want, "raised SessionDown~%lld;",
	    (long long)ids[1]);
	assert_string_equal(fake.log, want);
	teardown(&f);
}

/* A notice (no lifecycle) is sent once. */
static void
test_notice(void **state)
{
	struct fixture	 f;

	(void)state;
	setup(&f, "\tlevel warning\n\ttype Config*\n\trepeat 1m");
	raise_ev(&f, "ConfigWarning", LVL_WARNING, "config");
	raise_ev(&f, "SessionDown", LVL_ERROR, "session lon-r1");
	advance(&f, 0);
	advance(&f, 3600 * 1000);
	assert_string_equal(fake.log, "notice ConfigWarning;");
	teardown(&f);
}

/* Occurrences of word in the fake's log. */
static size_t
log_count(const char *word)
{
	const char	*p;
	size_t		 n = 0;

	for (p = fake.log; (p = strstr(p, word)) != NULL; p++)
		n++;
	return (n);
}

/*
 * A destination back after failing: its backlog (the raise) goes, and
 * no reminder right behind it; the next one a repeat after it.
 */
static void
test_reminder_after_backlog(void **state)
{
	struct fixture	 f;
	int		 i;

	(void)state;
	setup(&f, "\tlevel warning\n\trepeat 1m\n\tgive-up 1h");
	fake.mode = FAKE_FAIL;
	raise_ev(&f, "SessionDown", LVL_ERROR, "session lon-r1");
	for (i = 0; i < 90; i++)
		advance(&f, 1000);
	assert_int_equal(notify_dest_stats(notify_dest(f.n, 0))->queued, 1);
	fake.mode = FAKE_OK;
	fake.log[0] = '\0';
	for (i = 0; i < 30 && fake.log[0] == '\0'; i++)
		advance(&f, 1000);
	assert_string_equal(fake.log, "raised SessionDown;");
	advance(&f, 59 * 1000);
	assert_string_equal(fake.log, "raised SessionDown;");
	advance(&f, 1000);
	assert_string_equal(fake.log, "raised SessionDown;"
	    "reminder SessionDown;");
	teardown(&f);

	/* In flight when the reminder falls due: not queued behind it. */
	setup(&f, "\tlevel warning\n\trepeat 1m");
	fake.mode = FAKE_PENDING;
	raise_ev(&f, "SessionDown", LVL_ERROR, "session lon-r1");
	advance(&f, 0);
	advance(&f, 61 * 1000);
	assert_int_equal(notify_dest_stats(notify_dest(f.n, 0))->queued, 1);
	fake_finish(1);
	fake.mode = FAKE_OK;
	advance(&f, 59 * 1000);
	assert_int_equal(log_count("reminder"), 0);
	advance(&f, 1000);
	assert_int_equal(log_count("reminder"), 1);
	teardown(&f);
}

/* ------------------------------------------------ over HTTP */

static size_t	 http_hits;

/* 200 with a body larger than the client takes (64 KiB). */
static void
http_big_cb(struct evhttp_request *req, void *arg)
{
	struct evbuffer	*b = evbuffer_new();
	static char	 chunk[4096];
	int		 i;

	(void)arg;
	http_hits++;
	memset(chunk, 'x', sizeof chunk);
	for (i = 0; i < 64; i++)
		evbuffer_add(b, chunk, sizeof chunk);
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}

/*
 * A real destination (dest: its line; NULL: a webhook to a loopback
 * server answering cb) for run_ms; events SessionDown; its stats in out.
 */
static void
http_run(void (*cb)(struct evhttp_request *, void *), const char *opts,
    const char *dest, int events, int run_ms, struct notify_stats *out)
{
	struct fixture		 f;
	struct edge		 e = { .code = "lon", .metro = "London" };
	struct evhttp		*http;
	struct evhttp_bound_socket *bs;
	struct sockaddr_in	 sin;
	socklen_t		 slen = sizeof sin;
	struct timeval		 tv = { run_ms / 1000, (run_ms % 1000) * 1000 };
	char			*buf, *cause = NULL, line[512];
	int			 i;

	memset(&fake, 0, sizeof fake);
	http_hits = 0;
	signal(SIGPIPE, SIG_IGN);	/* as the collector: a peer gone */
	notify_set_clock(NULL);
	f.base = event_base_new();
	http = evhttp_new(f.base);
	assert_non_null(bs = evhttp_bind_socket_with_handle(http, "127.0.0.1",
	    0));
	assert_int_equal(getsockname(evhttp_bound_socket_get_fd(bs),
	    (struct sockaddr *)&sin, &slen), 0);
	evhttp_set_gencb(http, cb, NULL);
	f.m = model_new();
	model_edge_set(f.m, &e);
	if (dest == NULL)
		snprintf(line, sizeof line, "webhook \"http://127.0.0.1:%d/"
		    "hook\"", ntohs(sin.sin_port));
	else
		strlcpy_pt(line, dest, sizeof line);
	xasprintf(&buf, "%snotify \"t\" {\n\tlevel warning\n%s\n\t%s\n}\n",
	    conf_head, opts, line);
	if (config_parse_buffer(f.m, "t.conf", buf, strlen(buf), &cause) != 0)
		fail_msg("config: %s", cause);
	free(buf);
	f.n = notify_start(f.m, f.base, NULL, NULL, &cause);
	assert_non_null(f.n);
	for (i = 0; i < events; i++)
		model_eventf(f.m, "SessionDown", LVL_ERROR, i % 2 == 0 ?
		    "session lon-r1" : "session lon-r2", NULL, "down %d", i);
	event_base_loopexit(f.base, &tv);
	event_base_dispatch(f.base);
	*out = *notify_dest_stats(notify_dest(f.n, 0));
	notify_stop(f.n);
	evhttp_free(http);
	model_free(f.m);
	event_base_free(f.base);
}

/* A 2xx is delivered whatever its body: not retried, not sent again. */
static void
test_http_big_body(void **state)
{
	struct notify_stats	 st;

	(void)state;
	http_run(http_big_cb, "", NULL, 1, 2000, &st);
	assert_int_equal(http_hits, 1);
	assert_int_equal(st.delivered, 1);
	assert_int_equal(st.retries, 0);
	assert_int_equal(st.queued, 0);
}

/* A process gone or a zombie (init may reap late). */
static int
proc_gone(long pid)
{
	char	 path[64], buf[256], *p;
	FILE	*f;
	int	 gone = 1;

	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return (1);
	if (fgets(buf, sizeof buf, f) != NULL && (p = strrchr(buf, ')')) !=
	    NULL && p[1] == ' ')
		gone = p[2] == 'Z' || p[2] == 'X';
	fclose(f);
	return (gone);
}

/* exec over its time limit: its children die with it. */
static void
test_exec_group_killed(void **state)
{
	struct notify_stats	 st;
	char			 dir[] = "/tmp/peertop-notify-XXXXXX";
	char			 script[128], pidf[128], dest[300];
	FILE			*f;
	long			 pid = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(script, sizeof script, "%s/hook.sh", dir);
	snprintf(pidf, sizeof pidf, "%s/pid", dir);
	assert_non_null(f = fopen(script, "w"));
	fprintf(f, "#!/bin/sh\nsleep 600 &\necho $! >%s\nwait\n", pidf);
	fclose(f);
	assert_int_equal(chmod(script, 0755), 0);
	snprintf(dest, sizeof dest, "exec \"%s\"", script);
	http_run(http_big_cb, "\ttimeout 300ms\n\tgive-up 1s", dest, 1,
	    1500, &st);
	assert_int_equal(st.failed, 1);
	assert_non_null(f = fopen(pidf, "r"));
	assert_int_equal(fscanf(f, "%ld", &pid), 1);
	fclose(f);
	assert_true(pid > 1);
	if (!proc_gone(pid)) {
		kill((pid_t)pid, SIGKILL);
		fail_msg("the program's child %ld outlived it", pid);
	}
	unlink(pidf);
	unlink(script);
	rmdir(dir);
}

/* ------------------------------------------------ bodies */

static struct notify_item *
item(enum notify_what w, int64_t id, const char *summary)
{
	struct notify_item	*it = calloc(1, sizeof *it);

	it->what = w;
	it->ev.id = id;
	it->ev.time_ms = 1764064800000LL;	/* 2025-11-25T10:00:00Z */
	it->ev.level = LVL_ERROR;
	strlcpy_pt(it->ev.type, "SessionDown", sizeof it->ev.type);
	strlcpy_pt(it->ev.subject, "session lon-r1", sizeof it->ev.subject);
	strlcpy_pt(it->ev.summary, summary, sizeof it->ev.summary);
	strlcpy_pt(it->ev.rel.partner, "contoso", sizeof it->ev.rel.partner);
	if (w == NOTIFY_RESOLVED) {
		it->resolved_ms = it->ev.time_ms + 60000;
		it->resolved_by = id + 1;
		strlcpy_pt(it->resolved_summary, "back",
		    sizeof it->resolved_summary);
	}
	return (it);
}

static json_t *
body(enum notify_format f, struct notify_item **items, size_t n, int am)
{
	struct evbuffer	*b = evbuffer_new();
	json_error_t	 err;
	json_t		*j;
	size_t		 len;
	char		*s;

	if (am)
		notify_body_alertmanager(b, "oncall", "host1", items, n,
		    1764064900000LL);
	else
		notify_body_webhook(b, f, "oncall", "host1", items, n);
	len = evbuffer_get_length(b);
	s = calloc(1, len + 1);
	evbuffer_remove(b, s, len);
	evbuffer_free(b);
	if ((j = json_loads(s, 0, &err)) == NULL)
		fail_msg("not JSON (%s): %s", err.text, s);
	free(s);
	return (j);
}

static void
test_bodies(void **state)
{
	struct notify_item	*items[15];
	json_t			*j, *o;
	const char		*text;
	size_t			 i;

	(void)state;
	items[0] = item(NOTIFY_RAISED, 7, "quote \" newline \n tab \t <&>");
	for (i = 1; i < 15; i++)
		items[i] = item(i % 2 ? NOTIFY_RESOLVED : NOTIFY_RAISED,
		    (int64_t)(10 + i), "x");

	/* json: an array of the events, every field. */
	j = body(NOTIFY_JSON, items, 2, 0);
	assert_true(json_is_array(j));
	assert_int_equal(json_array_size(j), 2);
	o = json_array_get(j, 0);
	assert_string_equal(json_string_value(json_object_get(o, "summary")),
	    "quote \" newline \n tab \t <&>");
	assert_string_equal(json_string_value(json_object_get(o, "state")),
	    "raised");
	assert_string_equal(json_string_value(json_object_get(o, "raised")),
	    "2025-11-25T10:00:00Z");
	assert_true(json_is_null(json_object_get(o, "resolved")));
	assert_string_equal(json_string_value(json_object_get(o, "partner")),
	    "contoso");
	o = json_array_get(j, 1);
	assert_string_equal(json_string_value(json_object_get(o, "resolved")),
	    "2025-11-25T10:01:00Z");
	assert_int_equal(json_integer_value(json_object_get(o,
	    "resolved_by")), 12);
	json_decref(j);

	/* slack: {"text"}, escaped, the first lines and "and N more". */
	j = body(NOTIFY_SLACK, items, 15, 0);
	text = json_string_value(json_object_get(j, "text"));
	assert_non_null(text);
	assert_non_null(strstr(text, "15 notifications"));
	assert_non_null(strstr(text, "&lt;&amp;&gt;"));
	assert_non_null(strstr(text, "[RAISED] Error SessionDown"));
	assert_non_null(strstr(text, "[RESOLVED]"));
	assert_non_null(strstr(text, "\nand 5 more"));
	json_decref(j);

	/* teams: a message with one Adaptive Card. */
	j = body(NOTIFY_TEAMS, items, 15, 0);
	assert_string_equal(json_string_value(json_object_get(j, "type")),
	    "message");
	o = json_array_get(json_object_get(j, "attachments"), 0);
	assert_string_equal(json_string_value(json_object_get(o,
	    "contentType")), "application/vnd.microsoft.card.adaptive");
	o = json_object_get(o, "content");
	assert_string_equal(json_string_value(json_object_get(o, "type")),
	    "AdaptiveCard");
	o = json_object_get(o, "body");
	assert_int_equal(json_array_size(o), 1 + 10 + 1);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(o, 11), "text")), "and 5 more");
	json_decref(j);

	/* alertmanager: labels, startsAt, endsAt ahead or at the end. */
	j = body(NOTIFY_JSON, items, 2, 1);
	assert_int_equal(json_array_size(j), 2);
	o = json_array_get(j, 0);
	assert_string_equal(json_string_value(json_object_get(
	    json_object_get(o, "labels"), "alertname")), "SessionDown");
	assert_string_equal(json_string_value(json_object_get(
	    json_object_get(o, "labels"), "severity")), "error");
	assert_string_equal(json_string_value(json_object_get(
	    json_object_get(o, "labels"), "instance")), "host1");
	assert_null(json_object_get(json_object_get(o, "labels"), "branch"));
	assert_string_equal(json_string_value(json_object_get(o,
	    "startsAt")), "2025-11-25T10:00:00Z");
	assert_string_equal(json_string_value(json_object_get(o, "endsAt")),
	    "2025-11-25T10:05:40Z");	/* now + 4 resends */
	o = json_array_get(j, 1);
	assert_string_equal(json_string_value(json_object_get(o, "endsAt")),
	    "2025-11-25T10:01:00Z");	/* its resolution */
	json_decref(j);

	/* branch: a label when one, the annotation branches when more. */
	strlcpy_pt(items[0]->ev.rel.branch, "london-office",
	    sizeof items[0]->ev.rel.branch);
	strlcpy_pt(items[1]->ev.rel.branch, "london-office boxford-lab",
	    sizeof items[1]->ev.rel.branch);
	j = body(NOTIFY_JSON, items, 2, 1);
	o = json_array_get(j, 0);
	assert_string_equal(json_string_value(json_object_get(
	    json_object_get(o, "labels"), "branch")), "london-office");
	assert_null(json_object_get(json_object_get(o, "annotations"),
	    "branches"));
	o = json_array_get(j, 1);
	assert_null(json_object_get(json_object_get(o, "labels"), "branch"));
	assert_string_equal(json_string_value(json_object_get(
	    json_object_get(o, "annotations"), "branches")),
	    "london-office boxford-lab");
	json_decref(j);
	for (i = 0; i < 15; i++)
		free(items[i]);
}

static void
test_syslog_format(void **state)
{
	struct notify_dest_conf	 dc;
	struct notify_item	*it = item(NOTIFY_RAISED, 7, "down");
	char			 buf[2048];

	(void)state;
	memset(&dc, 0, sizeof dc);
	dc.facility = 19;	/* local3 */
	notify_syslog_format(buf, sizeof buf, &dc, "host1", 42, it);
	/* 19 * 8 + 3 (err) */
	assert_int_equal(strncmp(buf, "<155>1 ", 7), 0);
	assert_non_null(strstr(buf, "Z host1 peertop 42 SessionDown - "
	    "[RAISED] Error SessionDown session lon-r1: down"));
	dc.syslog_format = NOTIFY_RFC3164;
	it->what = NOTIFY_RESOLVED;
	notify_syslog_format(buf, sizeof buf, &dc, "host1", 42, it);
	assert_int_equal(strncmp(buf, "<157>", 5), 0);	/* notice */
	assert_non_null(strstr(buf, " host1 peertop[42]: [RESOLVED]"));
	free(it);
}

/* ------------------------------------------------ configuration */

static void
test_config(void **state)
{
	struct model	*m = model_new();
	char		*cause = NULL;
	const char	 good[] =
	    "notify \"oncall\" {\n"
	    "\tlevel critical\n"
	    "\ttype Prefix* Session*\n"
	    "\tpartner \"contoso\"\n"
	    "\talertmanager \"http://127.0.0.1:9093\"\n"
	    "\twebhook \"https://hooks.example/T0/B0\" format teams\n"
	    "\texec \"/bin/true\" \"a\" \"b c\" max-running 2\n"
	    "\tsyslog facility local7 socket \"/dev/log\" format rfc3164\n"
	    "\trepeat 1h\n\thold 30s\n\ttimeout 5s\n\tgive-up 10m\n"
	    "\tqueue 100\n"
	    "}\n"
	    "partner \"contoso\" as 64500 { }\n";	/* after it: fine */
	const struct notify_conf *nc;

	(void)state;
	if (config_parse_buffer(m, "t.conf", good, sizeof good - 1,
	    &cause) != 0)
		fail_msg("config: %s", cause);
	nc = m->notify[0];
	assert_string_equal(nc->name, "oncall");
	assert_int_equal(nc->level, LVL_CRITICAL);
	assert_int_equal(nc->ntypes, 2);
	assert_string_equal(nc->types[1], "Session*");
	assert_int_equal(nc->ndest, 4);
	assert_ptr_equal(nc->dest[0].kind, &notify_kind_alertmanager);
	assert_int_equal(nc->dest[1].format, NOTIFY_TEAMS);
	assert_int_equal(nc->dest[2].argc, 3);
	assert_string_equal(nc->dest[2].argv[2], "b c");
	assert_int_equal(nc->dest[2].max_running, 2);
	assert_int_equal(nc->dest[3].facility, 23);
	assert_int_equal(nc->dest[3].syslog_format, NOTIFY_RFC3164);
	assert_int_equal(nc->repeat_ms, 3600 * 1000);
	assert_int_equal(nc->hold_ms, 30 * 1000);
	assert_int_equal(nc->queue_max, 100);
	/* A row per destination among the collectors. */
	assert_int_equal(m->ncollectors, 4);
	assert_string_equal(m->collectors[1]->name, "notify oncall/webhook");
	model_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_raise_resolve),
		cmocka_unit_test(test_resolve_only_raised),
		cmocka_unit_test(test_hold),
		cmocka_unit_test(test_repeat_ack),
		cmocka_unit_test(test_ack_in_resolution),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_grouping),
		cmocka_unit_test(test_queue_bound),
		cmocka_unit_test(test_slots),
		cmocka_unit_test(test_start_failure),
		cmocka_unit_test(test_retry_give_up),
		cmocka_unit_test(test_down_while_retrying),
		cmocka_unit_test(test_reminder_after_backlog),
		cmocka_unit_test(test_followed),
		cmocka_unit_test(test_alertmanager_repost),
		cmocka_unit_test(test_notice),
		cmocka_unit_test(test_carried_over),
		cmocka_unit_test(test_carried_over_held),
		cmocka_unit_test(test_http_big_body),
		cmocka_unit_test(test_exec_group_killed),
		cmocka_unit_test(test_bodies),
		cmocka_unit_test(test_syslog_format),
		cmocka_unit_test(test_config),
	};

	log_open("/dev/null", LOG_LVL_INFO);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
