/* SPDX-License-Identifier: ISC */
/*
 * Notifications (peertop.conf(5) "notify"): the collector pushes the
 * events a notify block selects to its destinations (Alertmanager,
 * webhooks, a program, syslog) so that someone hears about them when
 * nobody is watching the dashboard.
 *
 * The engine (notify.c) watches events and acknowledgements through a
 * model observer (model_observer_add()), keeps the open ones it raised
 * (hold, repeat, resolve), and queues messages per destination; each
 * destination kind (const struct notify_kind) sends a batch of queued
 * messages at a time and says when it is done.  Delivery never blocks
 * the loop: bounded queues, retries with backoff, a bounded time before
 * giving up; what is not delivered is counted, logged, stored as a
 * NotifyFailed event and shown as the destination's row among the
 * collectors.  notify-body.c writes the bodies, notify-http.c speaks to
 * Alertmanager and webhooks, notify-exec.c runs programs,
 * notify-syslog.c writes syslog datagrams, config-notify.c parses the
 * blocks.
 */
#ifndef PEERTOP_NOTIFY_H
#define PEERTOP_NOTIFY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/model.h"

struct event_base;
struct evbuffer;
struct json_w;
struct notify;
struct notify_dest;
struct notify_batch;

#define NOTIFY_UNUSED	__attribute__((__unused__))

#define NOTIFY_DESTS_MAX	8	/* destinations in one block */
#define NOTIFY_TYPES_MAX	16	/* type globs in one block */
#define NOTIFY_ARGS_MAX		16	/* exec argv, the path included */
#define NOTIFY_STR_MAX		512
#define NOTIFY_QUEUE_DEFAULT	5000	/* messages waiting per destination */
#define NOTIFY_QUEUE_MAX	100000
#define NOTIFY_BATCH_MAX	500	/* messages in one request or run */
#define NOTIFY_GROUP_MS		50	/* wait for more before sending */
#define NOTIFY_TIMEOUT_MS	10000	/* one request or run */
#define NOTIFY_GIVE_UP_MS	(5 * 60 * 1000)	/* retrying one message */
#define NOTIFY_BACKOFF_MIN_MS	500
#define NOTIFY_BACKOFF_MAX_MS	30000
#define NOTIFY_EXEC_RUNNING	4	/* programs of one exec at once */
#define NOTIFY_ALERTS_MAX	10000	/* open events tracked per block */
/*
 * Alertmanager forgets a firing alert whose endsAt passed: firing alerts
 * carry endsAt = now + 4 resends and are posted again every resend while
 * open, as Prometheus does (its resend delay is a minute).
 */
#define NOTIFY_AM_RESEND_MS	(60 * 1000)
#define NOTIFY_AM_PATH		"/api/v2/alerts"

enum notify_format { NOTIFY_JSON = 0, NOTIFY_SLACK, NOTIFY_TEAMS };
enum notify_syslog_format { NOTIFY_RFC5424 = 0, NOTIFY_RFC3164 };

/* One destination of a block, as configured. */
struct notify_dest_conf {
	const struct notify_kind *kind;
	char		 label[NAME_MAX_PT];	/* "webhook", "webhook-2" */
	char		 url[NOTIFY_STR_MAX];	/* alertmanager, webhook */
	enum notify_format format;
	char		 argv[NOTIFY_ARGS_MAX][NOTIFY_STR_MAX / 2];	/* exec */
	size_t		 argc;
	unsigned	 max_running;	/* exec; 0: NOTIFY_EXEC_RUNNING */
	int		 facility;	/* syslog, 0..23 */
	char		 socket[NOTIFY_STR_MAX];	/* syslog; "": /dev/log */
	enum notify_syslog_format syslog_format;
};

/* notify "NAME" { ... }: what to send where. */
struct notify_conf {
	char		 name[NAME_MAX_PT];
	enum level	 level;		/* this and worse */
	char		 types[NOTIFY_TYPES_MAX][40];	/* globs; none: any */
	size_t		 ntypes;
	char		 partner[NAME_MAX_PT];	/* "": any */
	char		 branch[NAME_MAX_PT];	/* "": any */
	int64_t		 repeat_ms;	/* 0: never */
	int64_t		 hold_ms;	/* 0: at once */
	int64_t		 timeout_ms;	/* 0: NOTIFY_TIMEOUT_MS */
	int64_t		 give_up_ms;	/* 0: NOTIFY_GIVE_UP_MS */
	unsigned	 queue_max;	/* 0: NOTIFY_QUEUE_DEFAULT */
	struct tls_conf	 tls;		/* for https:// destinations */
	struct notify_dest_conf dest[NOTIFY_DESTS_MAX];
	size_t		 ndest;
};

/* What a message says about its event. */
enum notify_what {
	NOTIFY_RAISED = 0,	/* opened (and held long enough) */
	NOTIFY_RESOLVED,	/* its restoring event came */
	NOTIFY_REMINDER,	/* still open, not acknowledged (repeat) */
	NOTIFY_NOTICE,		/* an event without a lifecycle */
	NOTIFY_TEST,		/* peertop notify-test */
	NOTIFY_FIRING,		/* Alertmanager only: still firing */
	NOTIFY_SUPERSEDED,	/* Alertmanager only: raised again at
				   another level, this alert ends */
};
const char	*notify_what_name(enum notify_what);	/* "raised" ... */

/* One message queued for one destination. */
struct notify_item {
	struct notify_item *next;
	enum notify_what what;
	struct event	 ev;		/* the opener or notice, ack included */
	int64_t		 resolved_ms;	/* RESOLVED: its restoration's time */
	int64_t		 resolved_by;	/* and id */
	int64_t		 follows;	/* still open after a restart: the
					   opener of the earlier run */
	char		 resolved_summary[160];
	uint64_t	 queued_mono;
	uint64_t	 event_mono;	/* when the event was seen (latency) */
};

/* What a destination has done; the collector list and /metrics show it. */
struct notify_stats {
	uint64_t	 delivered;	/* messages */
	uint64_t	 failed;	/* given up after retries */
	uint64_t	 dropped;	/* its queue was full */
	uint64_t	 retries;	/* attempts that failed */
	uint64_t	 requests;	/* attempts (requests, runs, batches) */
	uint64_t	 queued;	/* waiting now, in flight included */
	int64_t		 last_ok_ms;	/* wall, 0 never */
	uint64_t	 latency_ms_sum;	/* event seen -> delivered */
	char		 last_error[ERR_MAX];
};

/*
 * A destination kind: start makes its state (d's kind_priv) or says why
 * not; send takes a batch and calls notify_batch_done() once, now or
 * later, never from inside a model callback; cancel drops what is in
 * flight (stop).  slots: batches in flight at once.
 */
struct notify_kind {
	const char	*name;	/* config keyword */
	int		(*start)(struct notify_dest *, char **cause);
	void		(*stop)(struct notify_dest *);
	void		(*send)(struct notify_dest *, struct notify_batch *);
	unsigned	(*slots)(const struct notify_dest *);
	/* Takes only the Alertmanager-only messages (FIRING, SUPERSEDED). */
	int		 alertmanager;
};
extern const struct notify_kind notify_kind_alertmanager;
extern const struct notify_kind notify_kind_webhook;
extern const struct notify_kind notify_kind_exec;
extern const struct notify_kind notify_kind_syslog;
const struct notify_kind *notify_kind_find(const char *);

/* A batch in flight: the kinds read these. */
struct notify_batch {
	struct notify_batch *next;	/* the engine's: in flight */
	struct notify_dest *dest;
	struct notify_item **items;
	size_t		 n;
	void		*priv;		/* the kind's */
};

/* What a kind may ask of its destination. */
const struct notify_dest_conf *notify_dest_conf(const struct notify_dest *);
const struct notify_conf *notify_dest_block(const struct notify_dest *);
struct event_base *notify_dest_base(const struct notify_dest *);
const char	*notify_dest_instance(const struct notify_dest *);
void		*notify_dest_priv(const struct notify_dest *);
void		 notify_dest_set_priv(struct notify_dest *, void *);
int64_t		 notify_dest_timeout(const struct notify_dest *);
/* The batch went (ok), or not (error says why, sanitised here). */
void		 notify_batch_done(struct notify_batch *, int ok,
		    const char *error);
/* Free a batch and its messages, untold (a kind's stop). */
void		 notify_batch_drop(struct notify_batch *);

/*
 * The engine.  notify_start() makes one destination per configured one
 * (only of block only, and only of kind only, when not NULL: notify-test)
 * and a row among m's collectors for each; NULL with *cause when one
 * cannot start, NULL without a cause when there is nothing to do.
 * notify_stop() ends it all, undelivered messages counted as failed,
 * before model_free().
 */
struct notify	*notify_start(struct model *, struct event_base *,
		    const char *only, const char *kind, char **cause);
void		 notify_stop(struct notify *);
/*
 * peertop notify-test NAME[/DEST] (notify-test.c): a test message
 * through each destination, a line each on out; 0 when all delivered.
 */
int		 notify_test_run(struct model *, const char *, FILE *);
/* Queue a test message to every destination (notify-test). */
void		 notify_test(struct notify *);
/* Nothing queued or in flight anywhere. */
int		 notify_idle(const struct notify *);
/* i-th destination, NULL past the end; with its name and stats. */
struct notify_dest *notify_dest(const struct notify *, size_t i);
void		 notify_dest_describe(const struct notify_dest *, char *,
		    size_t);
const struct notify_stats *notify_dest_stats(const struct notify_dest *);
/* A collector row of the notifier's: its stats, or NULL. */
const struct notify_stats *notify_row_stats(const struct collector *,
		    const char **block, const char **dest);
extern const struct collector_ops collector_notify;

/* Tests: the engine's clock (NULL: monotonic) and one tick now (holds,
 * reminders, re-posts, failures told, queues sent). */
void		 notify_set_clock(uint64_t (*)(void));
void		 notify_poll(struct notify *);
/* The engine's decisions, exposed for tests. */
int		 notify_match(const struct notify_conf *, const struct event *);

/* notify-body.c: the bodies. */
void		 notify_body_event(struct json_w *, const char *key,
		    const char *block, const struct notify_item *);
void		 notify_body_webhook(struct evbuffer *, enum notify_format,
		    const char *block, const char *instance,
		    struct notify_item **, size_t);
void		 notify_body_alertmanager(struct evbuffer *, const char *block,
		    const char *instance, struct notify_item **, size_t,
		    int64_t now_ms);
/* "[RESOLVED] Error SessionDown session sea-1: ..." into buf. */
char		*notify_line(const struct notify_item *, char *, size_t);
/* The kind's keyword table for config-notify.c. */
const char	*notify_format_name(enum notify_format);
int		 notify_format_find(const char *);
/* notify-syslog.c: one datagram's text, for tests. */
size_t		 notify_syslog_format(char *, size_t,
		    const struct notify_dest_conf *, const char *host,
		    long pid, const struct notify_item *);
int		 notify_facility_find(const char *);

#endif
