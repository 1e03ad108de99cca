/* SPDX-License-Identifier: ISC */
/*
 * The BMP collector's listener: accepting routers (the allow list,
 * max-routers), summarising refusals, and pausing with a backoff when
 * accept() runs out of descriptors (issue 13).
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "core/collect-bmp-private.h"

int
collect_bmp_allowed(const struct collect_bmp *cb, const struct addr *a)
{
	size_t	 i;

	if (cb->c->nallow == 0)
		return (1);
	for (i = 0; i < cb->c->nallow && i < COLLECTOR_ALLOW_MAX; i++)
		if (prefix_contains(&cb->c->allow[i], a))
			return (1);
	return (0);
}

void
collect_bmp_accept_cb(evutil_socket_t lfd, short events, void *arg)
{
	struct collect_bmp		*cb = arg;
	struct collect_bmp_router	*r;
	struct sockaddr_storage		 ss;
	socklen_t			 sslen = sizeof ss;
	struct addr			 from;
	uint16_t			 port;
	char				 a[ADDR_STRLEN], why[64];
	int				 fd;

	if ((fd = accept(lfd, (struct sockaddr *)&ss, &sslen)) == -1) {
		if (errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR && errno != ECONNABORTED)
			collect_bmp_accept_fail(cb, errno);
		return;
	}
	if (cb->accept_fails > 0)
		collect_bmp_accept_ok(cb);
	collect_bmp_sockaddr(&ss, &from, &port);
	addr_fmt(&from, a, sizeof a);
	if (!collect_bmp_allowed(cb, &from)) {
		close(fd);
		collect_bmp_refuse(cb, &from, port, "not in the allow list");
		return;
	}
	if (cb->nrouters >= (size_t)cb->max) {
		close(fd);
		snprintf(why, sizeof why, "%d routers connected (max-routers)",
		    cb->max);
		collect_bmp_refuse(cb, &from, port, why);
		return;
	}
	if (collect_bmp_nonblock(fd) == -1) {
		log_warnx("%s: fcntl: %s", cb->c->name, strerror(errno));
		close(fd);
		return;
	}

	r = xcalloc(1, sizeof *r);
	r->cb = cb;
	r->fd = fd;
	r->from = from;
	r->from_port = port;
	r->connected_ms = now_wall_ms();
	r->connected_mono = r->rx_mono = now_mono_ms();
	strlcpy_pt(r->key, a, sizeof r->key);
	decode_bmp_framer_init(&r->fr);
	decode_bmp_ctx_init(&r->ctx);
	/* The RIB decodes UPDATEs itself; so does collect_bmp_count(). */
	r->ctx.raw_updates = 1;
	r->ev = event_new(cb->base, fd, EV_READ | EV_PERSIST,
	    collect_bmp_read_cb, r);
	r->ev_timer = evtimer_new(cb->base, collect_bmp_timer_cb, r);
	if (r->ev == NULL || r->ev_timer == NULL)
		fatalx("bmp: cannot create router event");
	event_add(r->ev, NULL);
	collect_bmp_arm(r);
	TAILQ_INSERT_TAIL(&cb->routers, r, entry);
	cb->nrouters++;
	collect_bmp_parts(cb);
	collect_bmp_router_back(r);
	log_info("%s: router %s port %u connected", cb->c->name, a, port);
	model_touch(cb->m, DIRTY_COLLECTORS);
}

/*
 * A connection refused (closed already): counted, and logged when it is
 * the first in COLLECT_BMP_REFUSED_MS; later ones make one summary line
 * an interval while they go on, so a flood writes a line a minute.
 */
void
collect_bmp_refuse(struct collect_bmp *cb, const struct addr *from,
    uint16_t port, const char *why)
{
	struct timeval	 tv;
	char		 a[ADDR_STRLEN];
	size_t		 i;

	cb->refused++;
	addr_fmt(from, a, sizeof a);
	if (!evtimer_pending(cb->ev_refused, NULL)) {
		log_warnx("%s: refused %s port %u: %s", cb->c->name, a, port,
		    why);
		cb->refused_spell_mono = now_mono_ms();
		tv.tv_sec = COLLECT_BMP_REFUSED_MS / 1000;
		tv.tv_usec = 0;
		evtimer_add(cb->ev_refused, &tv);
		return;
	}
	cb->refused_n++;
	for (i = 0; i < cb->refused_naddrs; i++)
		if (addr_cmp(&cb->refused_from[i], from) == 0)
			break;
	if (i == cb->refused_naddrs) {
		if (i < COLLECT_BMP_REFUSED_ADDRS)
			cb->refused_from[cb->refused_naddrs++] = *from;
		else
			cb->refused_more = 1;
	}
	snprintf(cb->refused_last, sizeof cb->refused_last, "%s port %u: %s",
	    a, port, why);
}

/* The summary of the connections refused since the last line, if any. */
void
collect_bmp_refused_log(struct collect_bmp *cb)
{
	if (cb->refused_n == 0)
		return;
	log_warnx("%s: refused %" PRIu64 " connection%s from %s%zu "
	    "address%s in the last %" PRIu64 " s, last from %s", cb->c->name,
	    cb->refused_n, cb->refused_n == 1 ? "" : "s",
	    cb->refused_more ? "over " : "", cb->refused_naddrs,
	    cb->refused_naddrs == 1 && !cb->refused_more ? "" : "es",
	    (now_mono_ms() - cb->refused_spell_mono + 500) / 1000,
	    cb->refused_last);
	cb->refused_n = 0;
	cb->refused_naddrs = 0;
	cb->refused_more = 0;
}

/* An interval is over: sum it up and start another, or end the spell
 * (the next refusal is logged in full) when nothing was refused. */
void
collect_bmp_refused_cb(evutil_socket_t fd, short events, void *arg)
{
	struct collect_bmp	*cb = arg;
	struct timeval		 tv;

	if (cb->refused_n == 0)
		return;
	collect_bmp_refused_log(cb);
	cb->refused_spell_mono = now_mono_ms();
	tv.tv_sec = COLLECT_BMP_REFUSED_MS / 1000;
	tv.tv_usec = 0;
	evtimer_add(cb->ev_refused, &tv);
}

/*
 * accept() failed other than for a connection gone before we took it:
 * out of descriptors (EMFILE, ENFILE) or kernel memory (ENOBUFS, ENOMEM)
 * most likely.  The connection stays queued, so the listener would fire
 * again at once and spin: stop watching it for a while instead, longer
 * each time it still fails.  One warning per episode; the collector's
 * error says it until accept() works again.
 */
void
collect_bmp_accept_fail(struct collect_bmp *cb, int error)
{
	struct timeval	 tv;
	char		*msg;

	if (cb->accept_fails++ == 0) {
		cb->accept_mono = now_mono_ms();
		cb->accept_errno = error;
		cb->backoff_ms = COLLECT_BMP_BACKOFF_MIN_MS;
		xasprintf(&msg, "accept: %s; not accepting routers for now",
		    strerror(error));
		log_warnx("%s: %s (retrying after %d ms, then up to %d s)",
		    cb->c->name, msg, COLLECT_BMP_BACKOFF_MIN_MS,
		    COLLECT_BMP_BACKOFF_MAX_MS / 1000);
		model_collector_state(cb->m, cb->c, COL_UP, msg);
		free(msg);
	} else if (cb->backoff_ms < COLLECT_BMP_BACKOFF_MAX_MS) {
		cb->backoff_ms *= 2;
		if (cb->backoff_ms > COLLECT_BMP_BACKOFF_MAX_MS)
			cb->backoff_ms = COLLECT_BMP_BACKOFF_MAX_MS;
	}
	cb->accept_errors++;
	cb->paused = 1;
	event_del(cb->ev);
	tv.tv_sec = cb->backoff_ms / 1000;
	tv.tv_usec = (cb->backoff_ms % 1000) * 1000;
	evtimer_add(cb->ev_resume, &tv);
}

/* accept() works again: close the episode with one line. */
void
collect_bmp_accept_ok(struct collect_bmp *cb)
{
	char	*msg;

	xasprintf(&msg, "accept failed %" PRIu64 " time%s in %" PRIu64 " s "
	    "(%s); accepting again", cb->accept_fails,
	    cb->accept_fails == 1 ? "" : "s",
	    (now_mono_ms() - cb->accept_mono + 500) / 1000,
	    strerror(cb->accept_errno));
	log_info("%s: %s", cb->c->name, msg);
	model_collector_state(cb->m, cb->c, COL_UP, msg);
	free(msg);
	cb->accept_fails = 0;
}

/* The pause is over: watch the listener again (it fires at once for a
 * queued connection, and accept() says whether it works now). */
void
collect_bmp_resume_cb(evutil_socket_t fd, short events, void *arg)
{
	struct collect_bmp	*cb = arg;

	cb->paused = 0;
	event_add(cb->ev, NULL);
}
