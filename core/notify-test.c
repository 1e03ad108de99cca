/* SPDX-License-Identifier: ISC */
/*
 * peertop notify-test NAME[/DEST]: one test message through each
 * destination of a notify block (or the one named), each attempted once
 * within the block's timeout, no retries, and a line per destination
 * saying delivered or failed and why.  The same engine and kinds as the
 * collector's (notify.c), on a loop of its own.
 */

#include <sys/types.h>

#include <event2/event.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/notify.h"
#include "core/util.h"

struct notify_test_wait {
	struct notify	*n;
	struct event_base *base;
	uint64_t	 deadline;
};

static void
notify_test_check_cb(evutil_socket_t fd NOTIFY_UNUSED,
    short what NOTIFY_UNUSED, void *arg)
{
	struct notify_test_wait	*w = arg;
	struct notify_dest	*d;
	size_t			 i;
	int			 done = 1;

	/* Done once each destination delivered or failed once. */
	for (i = 0; (d = notify_dest(w->n, i)) != NULL; i++)
		if (notify_dest_stats(d)->delivered == 0 &&
		    notify_dest_stats(d)->retries == 0)
			done = 0;
	if (done || now_mono_ms() >= w->deadline)
		event_base_loopbreak(w->base);
}

int
notify_test_run(struct model *m, const char *what, FILE *out)
{
	struct notify_test_wait	 w;
	struct notify_dest	*d;
	const struct notify_stats *st;
	const struct notify_conf *nc;
	struct event		*ev;
	struct timeval		 tv = { 0, 20 * 1000 };
	char			 name[NAME_MAX_PT * 2], *slash, *cause = NULL;
	int64_t			 longest = 0;
	size_t			 i;
	int			 status = 0;

	strlcpy_pt(name, what, sizeof name);
	if ((slash = strchr(name, '/')) != NULL)
		*slash++ = '\0';
	signal(SIGPIPE, SIG_IGN);
	memset(&w, 0, sizeof w);
	if ((w.base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	if ((w.n = notify_start(m, w.base, name, slash, &cause)) == NULL) {
		fprintf(stderr, "peertop: notify-test: %s\n", cause != NULL ?
		    cause : "nothing to test");
		free(cause);
		event_base_free(w.base);
		return (1);
	}
	for (i = 0; (d = notify_dest(w.n, i)) != NULL; i++)
		if (notify_dest_timeout(d) > longest)
			longest = notify_dest_timeout(d);
	w.deadline = now_mono_ms() + (uint64_t)longest + 2000;
	notify_test(w.n);
	ev = event_new(w.base, -1, EV_PERSIST, notify_test_check_cb, &w);
	event_add(ev, &tv);
	event_base_dispatch(w.base);
	event_free(ev);
	for (i = 0; (d = notify_dest(w.n, i)) != NULL; i++) {
		st = notify_dest_stats(d);
		nc = notify_dest_block(d);
		if (st->delivered != 0)
			fprintf(out, "%s/%s: delivered\n", nc->name,
			    notify_dest_conf(d)->label);
		else {
			fprintf(out, "%s/%s: failed: %s\n", nc->name,
			    notify_dest_conf(d)->label, st->last_error[0] !=
			    '\0' ? st->last_error : "no answer in time");
			status = 1;
		}
	}
	notify_stop(w.n);
	event_base_free(w.base);
	return (status);
}
