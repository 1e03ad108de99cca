/* SPDX-License-Identifier: ISC */
/*
 * The built-in prober (see latency-probe.h).  ICMP echo per RFC 792 (IPv4) and
 * RFC 4443 4.1/4.2 (IPv6); TCP connect time per RFC 9293 3.5 (the SYN,
 * SYN-ACK or RST round trip).
 *
 * One timer drives every target: the targets sit in a binary min-heap
 * keyed by the earlier of their next send and the timeout of their
 * oldest ICMP probe in flight, and the timer is armed for the top.
 * At 20,000 probes/s that is one timer and no event allocated per probe
 * (an event per target and one per probe cost a heap operation inside
 * libevent each, and an allocation); probes in flight come from a free
 * list.  The cadence is libevent's persistent-timer rule as before: the
 * next send is the last one's due time plus the interval, or now plus
 * the interval when a whole interval was missed.  TCP probes keep their
 * own event: they wait on their socket.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/icmp6.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "core/buf.h"
#include "core/latency-probe.h"

#define PROBE_NSEQ	65536		/* one slot per ICMP sequence */
#define ICMP_HDRLEN	8
#define PROBE_RCVBUF	(2 * 1024 * 1024)	/* bytes, per ICMP socket */
#define PROBE_BATCH	32		/* packets per recvmmsg() */
#define PROBE_SLACK_NS	500000		/* a timer turn may be this late */

/* recvmmsg() buffers, one set per prober (one loop, one read at a time). */
struct probe_rx {
	struct mmsghdr		 mm[PROBE_BATCH];
	struct iovec		 iov[PROBE_BATCH];
	struct sockaddr_storage	 from[PROBE_BATCH];
	uint8_t			 pkt[PROBE_BATCH][2048];
	uint8_t			 ctl[PROBE_BATCH][512];
};

struct probe_tgt;

/* One probe in flight. */
struct probe_pending {
	struct probe		*p;
	struct probe_tgt	*t;
	uint16_t		 seq;		/* ICMP only */
	int			 fd;		/* TCP only, else -1 */
	struct timespec		 sent;
	int64_t			 sent_ms;
	int64_t			 deadline;	/* ICMP: monotonic ns */
	int			 kernel_tx;	/* sent is the kernel's */
	struct event		*ev;		/* TCP: write or timeout */
	TAILQ_ENTRY(probe_pending) entry;	/* also the free list */
};

struct probe_tgt {
	int			 id;
	struct probe_target	 cfg;
	struct probe		*p;
	int64_t			 due;		/* next send, monotonic ns */
	int64_t			 key;		/* its place in the heap */
	size_t			 slot;		/* index in the heap */
	int			 stopped;	/* its count is sent */
	unsigned int		 sent;		/* probes sent so far */
	TAILQ_HEAD(, probe_pending) pending;
	TAILQ_ENTRY(probe_tgt)	 entry;
};

struct probe_sock {
	int		 fd;
	int		 dgram;
	int		 tx_ts;		/* the kernel stamps our sends */
	int		 error;		/* errno of the failed open */
	struct event	*ev;
};

struct probe {
	struct event_base	*base;
	probe_cb		 cb;
	void			*arg;
	struct probe_sock	 s4;
	struct probe_sock	 s6;
	int			 opened;
	uint16_t		 ident;		/* raw sockets' ICMP id */
	uint16_t		 nextseq;
	struct probe_pending	**inflight;	/* by sequence */
	int			 nextid;
	struct probe_stats	 stats;
	TAILQ_HEAD(, probe_tgt)	 targets;
	struct probe_tgt	**heap;		/* min-heap by key */
	size_t			 nheap, heapcap;
	struct event		*tick;		/* the one timer */
	int			 tfd;		/* its timerfd, or -1 */
	int64_t			 tick_at;	/* the key it is armed for, -1 */
	struct probe_tgt	*cur;		/* the target the tick runs */
	int			 cur_gone;	/* ... removed meanwhile */
	TAILQ_HEAD(, probe_pending) spare;	/* free probe_pendings */
	struct probe_rx		*rx;
};

static int	 latency_probe_open_one(struct probe *, struct probe_sock *,
		    int, enum probe_sockmode);
static void	 latency_probe_tick_cb(evutil_socket_t, short, void *);
static int64_t	 latency_probe_mono_ns(void);
static int64_t	 latency_probe_key(const struct probe_tgt *);
static void	 latency_probe_heap_swap(struct probe *, size_t, size_t);
static void	 latency_probe_heap_fix(struct probe *, size_t);
static void	 latency_probe_heap_push(struct probe *, struct probe_tgt *);
static void	 latency_probe_heap_del(struct probe *, struct probe_tgt *);
static void	 latency_probe_rekey(struct probe_tgt *);
static void	 latency_probe_arm(struct probe *);
static void	 latency_probe_run(struct probe_tgt *, int64_t);
static void	 latency_probe_late(struct probe *, int64_t);
static void	 latency_probe_send(struct probe_tgt *);
static void	 latency_probe_send_icmp(struct probe_tgt *);
static void	 latency_probe_send_tcp(struct probe_tgt *);
static void	 latency_probe_tcp_cb(evutil_socket_t, short, void *);
static void	 latency_probe_read_cb(evutil_socket_t, short, void *);
static void	 latency_probe_drain(struct probe *, struct probe_sock *, int);
static int	 latency_probe_recv(struct probe *, int, int);
static int	 latency_probe_echo_hdr(struct buf *, uint8_t *, uint16_t *,
		    uint16_t *);
static void	 latency_probe_reply(struct probe *, struct probe_sock *, int);
static void	 latency_probe_txts(struct probe *, struct probe_sock *, int);
static void	 latency_probe_finish(struct probe_pending *, int64_t,
		    const char *);
static void	 latency_probe_pending_free(struct probe_pending *);
static void	 latency_probe_report(struct probe_tgt *, int64_t, int64_t,
		    const char *);
static int64_t	 latency_probe_ts_diff_us(const struct timespec *,
		    const struct timespec *);
static socklen_t latency_probe_sockaddr(const struct addr *, uint16_t,
		    struct sockaddr_storage *);
static struct probe_tgt *latency_probe_find(struct probe *, int);

struct probe *
latency_probe_new(struct event_base *base, probe_cb cb, void *arg)
{
	struct probe	*p;

	p = xcalloc(1, sizeof *p);
	p->base = base;
	p->cb = cb;
	p->arg = arg;
	p->s4.fd = p->s6.fd = -1;
	p->s4.error = p->s6.error = ENOTCONN;
	p->inflight = xcalloc(PROBE_NSEQ, sizeof *p->inflight);
	/* Random start so two peertops on one host rarely share a raw id. */
	p->ident = (uint16_t)arc4random_uniform(65536);
	p->nextseq = (uint16_t)arc4random_uniform(65536);
	p->nextid = 1;
	TAILQ_INIT(&p->targets);
	TAILQ_INIT(&p->spare);
	p->rx = xcalloc(1, sizeof *p->rx);
	/*
	 * A timerfd on CLOCK_MONOTONIC, armed for absolute times, wakes
	 * the loop on time: libevent's own timers run on its coarse clock
	 * (a scheduler tick, 4-10 ms) and would send most probes that late.
	 * Without one, a libevent timer.
	 */
	p->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (p->tfd != -1)
		p->tick = event_new(base, p->tfd, EV_READ | EV_PERSIST,
		    latency_probe_tick_cb, p);
	else
		p->tick = event_new(base, -1, 0, latency_probe_tick_cb, p);
	p->tick_at = -1;
	return (p);
}

/* ------------------------------------------------------------ schedule */

static int64_t
latency_probe_mono_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

/*
 * When a target next needs the timer: its next send (none once its count
 * is sent) or the timeout of its oldest ICMP probe in flight, whichever
 * comes first.  Probes in flight are in sending order with one timeout,
 * so the oldest times out first.
 */
static int64_t
latency_probe_key(const struct probe_tgt *t)
{
	const struct probe_pending	*pp = TAILQ_FIRST(&t->pending);
	int64_t				 k = t->stopped ? INT64_MAX : t->due;

	if (pp != NULL && pp->fd == -1 && pp->deadline < k)
		k = pp->deadline;
	return (k);
}

static void
latency_probe_heap_swap(struct probe *p, size_t a, size_t b)
{
	struct probe_tgt	*t = p->heap[a];

	p->heap[a] = p->heap[b];
	p->heap[b] = t;
	p->heap[a]->slot = a;
	p->heap[b]->slot = b;
}

/* Move the entry at i up or down to where its key belongs. */
static void
latency_probe_heap_fix(struct probe *p, size_t i)
{
	size_t	 c;

	while (i > 0 && p->heap[i]->key < p->heap[(i - 1) / 2]->key) {
		latency_probe_heap_swap(p, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	for (;;) {
		c = 2 * i + 1;
		if (c >= p->nheap)
			break;
		if (c + 1 < p->nheap && p->heap[c + 1]->key < p->heap[c]->key)
			c++;
		if (p->heap[c]->key >= p->heap[i]->key)
			break;
		latency_probe_heap_swap(p, i, c);
		i = c;
	}
}

static void
latency_probe_heap_push(struct probe *p, struct probe_tgt *t)
{
	if (p->nheap == p->heapcap) {
		p->heapcap = p->heapcap == 0 ? 64 : p->heapcap * 2;
		p->heap = xreallocarray(p->heap, p->heapcap, sizeof *p->heap);
	}
	t->key = latency_probe_key(t);
	t->slot = p->nheap;
	p->heap[p->nheap++] = t;
	latency_probe_heap_fix(p, t->slot);
}

static void
latency_probe_heap_del(struct probe *p, struct probe_tgt *t)
{
	size_t	 i = t->slot;

	if (i != --p->nheap) {
		latency_probe_heap_swap(p, i, p->nheap);
		latency_probe_heap_fix(p, i);
	}
}

static void
latency_probe_rekey(struct probe_tgt *t)
{
	int64_t	 k = latency_probe_key(t);

	if (k != t->key) {
		t->key = k;
		latency_probe_heap_fix(t->p, t->slot);
	}
}

/*
 * Arm the timer for the top of the heap unless it already fires by
 * then.  Keys only fall when a target is added or run by the tick, which
 * both arm; a reply raises one, so the timer may fire early and find
 * nothing due, which costs one turn.
 */
static void
latency_probe_arm(struct probe *p)
{
	struct itimerspec its;
	struct timeval	 tv;
	int64_t		 key, d;

	key = p->nheap > 0 ? p->heap[0]->key : INT64_MAX;
	if (key == INT64_MAX) {
		/* Nothing to wait for: no event held, as without targets. */
		if (p->tick_at != -1 && p->tfd != -1) {
			memset(&its, 0, sizeof its);	/* disarmed */
			(void)timerfd_settime(p->tfd, TFD_TIMER_ABSTIME, &its,
			    NULL);
		}
		event_del(p->tick);
		p->tick_at = -1;
		return;
	}
	/*
	 * Up to PROBE_SLACK_NS late: what falls due meanwhile goes in the
	 * same turn, a wake-up per half millisecond at most rather than one
	 * per probe.
	 */
	key += PROBE_SLACK_NS;
	if (p->tick_at != -1 && p->tick_at <= key)
		return;
	if (p->tfd != -1) {
		if (!event_pending(p->tick, EV_READ, NULL))
			event_add(p->tick, NULL);
		memset(&its, 0, sizeof its);
		its.it_value.tv_sec = (time_t)(key / 1000000000);
		its.it_value.tv_nsec = (long)(key % 1000000000);
		if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
			its.it_value.tv_nsec = 1;	/* 0 would disarm */
		if (timerfd_settime(p->tfd, TFD_TIMER_ABSTIME, &its,
		    NULL) == 0) {
			p->tick_at = key;
			return;
		}
	}
	if ((d = key - latency_probe_mono_ns()) < 0)
		d = 0;
	d = (d + 999) / 1000;		/* us, rounded up: not before it */
	tv.tv_sec = (time_t)(d / 1000000);
	tv.tv_usec = (suseconds_t)(d % 1000000);
	event_add(p->tick, &tv);
	p->tick_at = key;
}

/*
 * The timer: run every target whose key has come, earliest first.  A
 * result's callback may add and remove targets (the one being run too),
 * so the heap's top is looked at afresh each time.
 */
static void
latency_probe_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct probe		*p = arg;
	struct probe_tgt	*t;
	uint64_t		 n;
	int64_t			 now;

	(void)what;
	if (fd != -1 && read(fd, &n, sizeof n) != sizeof n)
		return;		/* not expired (EAGAIN): a stale wake-up */
	now = latency_probe_mono_ns();
	p->tick_at = -1;
	while (p->nheap > 0 && (t = p->heap[0])->key <= now) {
		p->cur = t;
		p->cur_gone = 0;
		latency_probe_run(t, now);
		if (!p->cur_gone)
			latency_probe_rekey(t);
		p->cur = NULL;
	}
	latency_probe_arm(p);
}

/* Count a send ns late after its due time (a log2 histogram in us). */
static void
latency_probe_late(struct probe *p, int64_t ns)
{
	uint64_t	 us = ns > 0 ? (uint64_t)ns / 1000 : 0;
	unsigned int	 i = 0;

	while (us != 0 && i < PROBE_LATE_BUCKETS - 1) {
		us >>= 1;
		i++;
	}
	p->stats.send_late[i]++;
}

/* A target's turn: time out what is overdue, then send if due. */
static void
latency_probe_run(struct probe_tgt *t, int64_t now)
{
	struct probe		*p = t->p;
	struct probe_pending	*pp;
	int64_t			 iv = (int64_t)t->cfg.interval_ms * 1000000;

	while ((pp = TAILQ_FIRST(&t->pending)) != NULL && pp->fd == -1 &&
	    pp->deadline <= now) {
		latency_probe_finish(pp, -1, "timeout");
		if (p->cur_gone)
			return;
	}
	if (t->stopped || t->due > now)
		return;
	latency_probe_late(p, now - t->due);
	/* libevent's rule for a persistent timer that missed a turn. */
	t->due += iv;
	if (t->due <= now)
		t->due = now + iv;
	t->sent++;
	/* A counted target (ping -c) stops sending after its count. */
	if (t->cfg.count != 0 && t->sent >= t->cfg.count)
		t->stopped = 1;
	latency_probe_send(t);
}

int
latency_probe_ping_group_allows(gid_t gid)
{
	FILE		*f;
	unsigned long	 lo, hi;
	int		 n;

	if ((f = fopen("/proc/sys/net/ipv4/ping_group_range", "r")) == NULL)
		return (-1);
	n = fscanf(f, "%lu %lu", &lo, &hi);
	fclose(f);
	if (n != 2)
		return (-1);
	return (gid >= lo && gid <= hi);
}

/*
 * Open an ICMP socket for one family.  Datagram first (when the sysctl
 * admits our group; the sysctl covers IPv6 too), raw as the fallback.
 */
static int
latency_probe_open_one(struct probe *p, struct probe_sock *s, int af,
    enum probe_sockmode mode)
{
	int	 proto = af == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	int	 fd = -1, on = 1, dgram = 0, tsflags;
	int	 rcvbuf = PROBE_RCVBUF;

	if (mode != PROBE_SOCK_RAW &&
	    (mode == PROBE_SOCK_DGRAM ||
	    latency_probe_ping_group_allows(getegid()) == 1)) {
		fd = socket(af, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    proto);
		dgram = fd != -1;
	}
	if (fd == -1 && mode != PROBE_SOCK_DGRAM)
		fd = socket(af, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	if (fd == -1) {
		s->error = errno;
		return (-1);
	}
	/* Kernel receive timestamps; without them we fall back to reads. */
	(void)setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
	/*
	 * And send timestamps, taken where the packet leaves (the driver's
	 * transmit, Documentation/networking/timestamping.rst): the time
	 * read before sendto() also counts whatever delays the call, a
	 * preemption on a busy CPU included.  They come back on the error
	 * queue with a copy of the packet, whose sequence names the probe.
	 */
	tsflags = SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
	s->tx_ts = setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &tsflags,
	    sizeof tsflags) == 0;
	/*
	 * Those stamps take receive buffer space with the replies: room
	 * for a few thousand of each through a stall of the loop (beyond
	 * rmem_max where we may, while still privileged).
	 */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
	    sizeof rcvbuf) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
		    sizeof rcvbuf);
	if (af == AF_INET6 && !dgram) {
		struct icmp6_filter	 f;

		/* Raw ICMPv6 sees everything: let only echo replies in. */
		ICMP6_FILTER_SETBLOCKALL(&f);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
		(void)setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f,
		    sizeof f);
	}
	s->fd = fd;
	s->dgram = dgram;
	s->error = 0;
	s->ev = event_new(p->base, fd, EV_READ | EV_PERSIST,
	    latency_probe_read_cb, p);
	event_add(s->ev, NULL);
	return (0);
}

int
latency_probe_open_sockets(struct probe *p, enum probe_sockmode mode)
{
	if (p->opened)
		return (p->s4.fd != -1 || p->s6.fd != -1 ? 0 : -1);
	p->opened = 1;
	latency_probe_open_one(p, &p->s4, AF_INET, mode);
	latency_probe_open_one(p, &p->s6, AF_INET6, mode);
	return (p->s4.fd != -1 || p->s6.fd != -1 ? 0 : -1);
}

int
latency_probe_socket_dgram(struct probe *p, sa_family_t af)
{
	struct probe_sock	*s = af == AF_INET ? &p->s4 : &p->s6;

	if (s->fd == -1)
		return (-1);
	return (s->dgram);
}

int
latency_probe_drop_privileges(const char *user)
{
	struct passwd	*pw;

	if ((pw = getpwnam(user)) == NULL) {
		errno = ENOENT;
		return (-1);
	}
	if (setgroups(1, &pw->pw_gid) == -1 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)
		return (-1);
	return (0);
}

int
latency_probe_add_target(struct probe *p, const struct probe_target *cfg)
{
	struct probe_tgt	*t;
	unsigned int		 jitter;

	if (cfg->interval_ms == 0 || cfg->timeout_ms == 0 ||
	    cfg->size > PROBE_SIZE_MAX ||
	    (cfg->addr.af != AF_INET && cfg->addr.af != AF_INET6) ||
	    (cfg->kind == PROBE_TCP && cfg->port == 0) ||
	    (cfg->kind != PROBE_TCP && cfg->kind != PROBE_ICMP))
		return (-1);
	if (cfg->kind == PROBE_ICMP && !p->opened)
		latency_probe_open_sockets(p, PROBE_SOCK_AUTO);

	t = xcalloc(1, sizeof *t);
	t->p = p;
	t->cfg = *cfg;
	if (t->cfg.size == 0)
		t->cfg.size = PROBE_SIZE_DEFAULT;
	t->id = p->nextid++;
	TAILQ_INIT(&t->pending);
	TAILQ_INSERT_TAIL(&p->targets, t, entry);

	/* Spread the first sends over one interval so targets don't burst. */
	jitter = arc4random_uniform(cfg->interval_ms);
	t->due = latency_probe_mono_ns() + (int64_t)jitter * 1000000;
	latency_probe_heap_push(p, t);
	latency_probe_arm(p);
	return (t->id);
}

static struct probe_tgt *
latency_probe_find(struct probe *p, int id)
{
	struct probe_tgt	*t;

	TAILQ_FOREACH(t, &p->targets, entry)
		if (t->id == id)
			return (t);
	return (NULL);
}

int
latency_probe_remove(struct probe *p, int id)
{
	struct probe_tgt	*t;
	struct probe_pending	*pp;

	if ((t = latency_probe_find(p, id)) == NULL)
		return (-1);
	while ((pp = TAILQ_FIRST(&t->pending)) != NULL)
		latency_probe_pending_free(pp);
	latency_probe_heap_del(p, t);
	if (t == p->cur)
		p->cur_gone = 1;
	TAILQ_REMOVE(&p->targets, t, entry);
	free(t);
	return (0);
}

void
latency_probe_get_stats(struct probe *p, struct probe_stats *st)
{
	*st = p->stats;
}

void
latency_probe_free(struct probe *p)
{
	struct probe_tgt	*t;
	struct probe_pending	*pp;

	if (p == NULL)
		return;
	while ((t = TAILQ_FIRST(&p->targets)) != NULL)
		latency_probe_remove(p, t->id);
	if (p->s4.ev != NULL)
		event_free(p->s4.ev);
	if (p->s6.ev != NULL)
		event_free(p->s6.ev);
	if (p->s4.fd != -1)
		close(p->s4.fd);
	if (p->s6.fd != -1)
		close(p->s6.fd);
	while ((pp = TAILQ_FIRST(&p->spare)) != NULL) {
		TAILQ_REMOVE(&p->spare, pp, entry);
		free(pp);
	}
	event_free(p->tick);
	if (p->tfd != -1)
		close(p->tfd);
	free(p->rx);
	free(p->heap);
	free(p->inflight);
	free(p);
}

static void
latency_probe_send(struct probe_tgt *t)
{
	if (t->cfg.kind == PROBE_ICMP)
		latency_probe_send_icmp(t);
	else
		latency_probe_send_tcp(t);
}

static void
latency_probe_report(struct probe_tgt *t, int64_t sent_ms, int64_t rtt_us,
    const char *error)
{
	if (rtt_us < 0)
		t->p->stats.lost++;
	else
		t->p->stats.received++;
	t->p->cb(t->p->arg, t->id, sent_ms, rtt_us, error);
}

static struct probe_pending *
latency_probe_pending_new(struct probe_tgt *t)
{
	struct probe_pending	*pp;

	if ((pp = TAILQ_FIRST(&t->p->spare)) != NULL) {
		TAILQ_REMOVE(&t->p->spare, pp, entry);
		memset(pp, 0, sizeof *pp);
	} else
		pp = xcalloc(1, sizeof *pp);
	pp->p = t->p;
	pp->t = t;
	pp->fd = -1;
	TAILQ_INSERT_TAIL(&t->pending, pp, entry);
	return (pp);
}

static void
latency_probe_pending_free(struct probe_pending *pp)
{
	struct probe	*p = pp->p;

	if (pp->t->cfg.kind == PROBE_ICMP && p->inflight[pp->seq] == pp)
		p->inflight[pp->seq] = NULL;
	if (pp->ev != NULL)
		event_free(pp->ev);
	if (pp->fd != -1)
		close(pp->fd);
	TAILQ_REMOVE(&pp->t->pending, pp, entry);
	TAILQ_INSERT_HEAD(&p->spare, pp, entry);
}

/* Report a result for a probe in flight and forget it. */
static void
latency_probe_finish(struct probe_pending *pp, int64_t rtt_us,
    const char *error)
{
	struct probe_tgt	*t = pp->t;
	int64_t			 sent_ms = pp->sent_ms;

	latency_probe_pending_free(pp);
	/* Its oldest probe may have gone: a later timeout, or none. */
	latency_probe_rekey(t);
	latency_probe_report(t, sent_ms, rtt_us, error);
}

static void
latency_probe_arm_timeout(struct probe_pending *pp, int fd, short what,
    event_callback_fn fn)
{
	struct timeval	 tv;

	tv.tv_sec = pp->t->cfg.timeout_ms / 1000;
	tv.tv_usec = (pp->t->cfg.timeout_ms % 1000) * 1000;
	pp->ev = event_new(pp->p->base, fd, what, fn, pp);
	event_add(pp->ev, &tv);
}

static void
latency_probe_stamp(struct probe_pending *pp)
{
	clock_gettime(CLOCK_REALTIME, &pp->sent);
	pp->sent_ms = (int64_t)pp->sent.tv_sec * 1000 +
	    pp->sent.tv_nsec / 1000000;
}

static socklen_t
latency_probe_sockaddr(const struct addr *a, uint16_t port,
    struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (a->af == AF_INET) {
		struct sockaddr_in	*sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_addr = a->v4;
		sin->sin_port = htons(port);
		return (sizeof *sin);
	} else {
		struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = a->v6;
		sin6->sin6_port = htons(port);
		return (sizeof *sin6);
	}
}

/* RFC 792 / RFC 4443 4.1: type, code, checksum, identifier, sequence. */
static void
latency_probe_send_icmp(struct probe_tgt *t)
{
	struct probe		*p = t->p;
	struct probe_sock	*s = t->cfg.addr.af == AF_INET ? &p->s4 : &p->s6;
	struct probe_pending	*pp;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	uint8_t			 pkt[ICMP_HDRLEN + PROBE_SIZE_MAX];
	size_t			 len = ICMP_HDRLEN + t->cfg.size, i;
	uint16_t		 seq, ck;
	char			 err[128];
	struct timespec		 now;

	if (s->fd == -1) {
		clock_gettime(CLOCK_REALTIME, &now);
		snprintf(err, sizeof err, "no ICMP socket: %s",
		    strerror(s->error));
		p->stats.sent++;
		latency_probe_report(t, (int64_t)now.tv_sec * 1000 +
		    now.tv_nsec / 1000000, -1, err);
		return;
	}
	/* Next free sequence; all 65536 busy means far too many in flight. */
	for (i = 0; i < PROBE_NSEQ; i++) {
		seq = p->nextseq++;
		if (p->inflight[seq] == NULL)
			break;
	}
	if (i == PROBE_NSEQ) {
		clock_gettime(CLOCK_REALTIME, &now);
		p->stats.sent++;
		latency_probe_report(t, (int64_t)now.tv_sec * 1000 +
		    now.tv_nsec / 1000000, -1, "too many probes in flight");
		return;
	}

	memset(pkt, 0, len);
	pkt[0] = t->cfg.addr.af == AF_INET ? ICMP_ECHO : ICMP6_ECHO_REQUEST;
	pkt[4] = p->ident >> 8;
	pkt[5] = p->ident & 0xff;
	pkt[6] = seq >> 8;
	pkt[7] = seq & 0xff;
	for (i = ICMP_HDRLEN; i < len; i++)
		pkt[i] = (uint8_t)i;
	if (t->cfg.addr.af == AF_INET) {
		/* ICMPv6's checksum covers a pseudo-header: the kernel's job. */
		ck = inet_cksum(pkt, len);
		pkt[2] = ck >> 8;
		pkt[3] = ck & 0xff;
	}
	sslen = latency_probe_sockaddr(&t->cfg.addr, 0, &ss);

	pp = latency_probe_pending_new(t);
	pp->seq = seq;
	p->inflight[seq] = pp;
	p->stats.sent++;
	latency_probe_stamp(pp);
	pp->deadline = latency_probe_mono_ns() +
	    (int64_t)t->cfg.timeout_ms * 1000000;
	if (sendto(s->fd, pkt, len, 0, (struct sockaddr *)&ss, sslen) == -1) {
		snprintf(err, sizeof err, "send: %s", strerror(errno));
		latency_probe_finish(pp, -1, err);
		return;
	}
	/* The tick times it out (its target's key covers the deadline). */
}

static int64_t
latency_probe_ts_diff_us(const struct timespec *a, const struct timespec *b)
{
	int64_t	ns;

	ns = ((int64_t)b->tv_sec - a->tv_sec) * 1000000000 +
	    (b->tv_nsec - a->tv_nsec);
	if (ns < 0)	/* the wall clock stepped back */
		ns = 0;
	return (ns / 1000);
}

/*
 * Up to PROBE_BATCH packets, or error-queue entries with MSG_ERRQUEUE,
 * from one socket in one call into the prober's receive buffers: how
 * many, 0 or -1 when none is waiting.
 */
static int
latency_probe_recv(struct probe *p, int fd, int flags)
{
	struct probe_rx	*rx = p->rx;
	struct msghdr	*m;
	int		 i;

	for (i = 0; i < PROBE_BATCH; i++) {
		rx->iov[i].iov_base = rx->pkt[i];
		rx->iov[i].iov_len = sizeof rx->pkt[i];
		m = &rx->mm[i].msg_hdr;
		memset(m, 0, sizeof *m);
		m->msg_name = &rx->from[i];
		m->msg_namelen = sizeof rx->from[i];
		m->msg_iov = &rx->iov[i];
		m->msg_iovlen = 1;
		m->msg_control = rx->ctl[i];
		m->msg_controllen = sizeof rx->ctl[i];
	}
	return (recvmmsg(fd, rx->mm, PROBE_BATCH, flags | MSG_DONTWAIT, NULL));
}

/*
 * Read every queued echo reply on one ICMP socket, its send stamps first
 * (a probe's stamp is queued when it leaves, before its reply can
 * exist).
 */
static void
latency_probe_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct probe		*p = arg;
	struct probe_sock	*s = fd == p->s4.fd ? &p->s4 : &p->s6;

	(void)what;
	if (s->tx_ts)
		latency_probe_drain(p, s, MSG_ERRQUEUE);
	latency_probe_drain(p, s, 0);
}

/*
 * Everything queued on a socket (its error queue with MSG_ERRQUEUE), a
 * batch per call; a short batch means the queue is empty, so no call
 * is made just to hear EAGAIN.  Errors wait for the next time.
 */
static void
latency_probe_drain(struct probe *p, struct probe_sock *s, int flags)
{
	int	 n, i;

	do {
		if ((n = latency_probe_recv(p, s->fd, flags)) <= 0)
			return;
		for (i = 0; i < n; i++) {
			if (flags & MSG_ERRQUEUE)
				latency_probe_txts(p, s, i);
			else
				latency_probe_reply(p, s, i);
		}
	} while (n == PROBE_BATCH);
}

/* RFC 792 / RFC 4443 4.1, 4.2: the echo header's fields we match on. */
static int
latency_probe_echo_hdr(struct buf *b, uint8_t *type, uint16_t *id,
    uint16_t *seq)
{
	if (buf_get_u8(b, type) == -1 ||			/* type */
	    buf_skip(b, 3) == -1 ||				/* code, cksum */
	    buf_get_u16(b, id) == -1 ||				/* identifier */
	    buf_get_u16(b, seq) == -1)				/* sequence */
		return (-1);
	return (0);
}

/* One received packet (batch slot i): an echo reply of ours, or not. */
static void
latency_probe_reply(struct probe *p, struct probe_sock *s, int i)
{
	struct probe_rx		*prx = p->rx;
	struct msghdr		*msg = &prx->mm[i].msg_hdr;
	struct sockaddr_storage	*from = &prx->from[i];
	int			 v6 = s == &p->s6;
	struct probe_pending	*pp;
	struct addr		 src;
	struct cmsghdr		*cm;
	struct timespec		 rx;
	struct buf		 b;
	uint8_t			 vhl, type;
	uint16_t		 id, seq;
	int			 have_ts = 0;

	for (cm = CMSG_FIRSTHDR(msg); cm != NULL; cm = CMSG_NXTHDR(msg, cm)) {
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_TIMESTAMPNS &&
		    cm->cmsg_len >= CMSG_LEN(sizeof rx)) {
			memcpy(&rx, CMSG_DATA(cm), sizeof rx);
			have_ts = 1;
		}
	}
	if (!have_ts)
		clock_gettime(CLOCK_REALTIME, &rx);

	buf_init(&b, prx->pkt[i], prx->mm[i].msg_len);
	/* Raw IPv4 sockets hand over the IP header (RFC 791 3.1) too. */
	if (!v6 && !s->dgram) {
		if (buf_get_u8(&b, &vhl) == -1 ||		/* version, IHL */
		    (vhl >> 4) != 4 || (vhl & 0x0f) < 5 ||
		    buf_skip(&b, (size_t)(vhl & 0x0f) * 4 - 1) == -1)
			return;
	}
	/* RFC 792 Echo Reply / RFC 4443 4.2 */
	if (latency_probe_echo_hdr(&b, &type, &id, &seq) == -1 ||
	    type != (v6 ? ICMP6_ECHO_REPLY : ICMP_ECHOREPLY))
		return;
	if (!s->dgram && id != p->ident)
		return;		/* someone else's ping */
	if ((pp = p->inflight[seq]) == NULL) {
		p->stats.late++;
		return;
	}

	memset(&src, 0, sizeof src);
	if (from->ss_family == AF_INET) {
		src.af = AF_INET;
		src.v4 = ((struct sockaddr_in *)from)->sin_addr;
	} else if (from->ss_family == AF_INET6) {
		src.af = AF_INET6;
		src.v6 = ((struct sockaddr_in6 *)from)->sin6_addr;
	}
	if (addr_cmp(&src, &pp->t->cfg.addr) != 0) {
		p->stats.mismatched++;
		return;
	}
	if (have_ts)
		p->stats.kernel_ts++;
	if (pp->kernel_tx)
		p->stats.kernel_tx_ts++;
	latency_probe_finish(pp, latency_probe_ts_diff_us(&pp->sent, &rx),
	    NULL);
}

/*
 * One error-queue entry (batch slot i): a send stamp of ours, or not.
 * It comes with the echo request it stamps (with the headers it left
 * with), so its sequence finds the probe; the kernel's time replaces
 * the one read before sendto().
 */
static void
latency_probe_txts(struct probe *p, struct probe_sock *s, int i)
{
	struct probe_rx		*rx = p->rx;
	struct msghdr		*msg = &rx->mm[i].msg_hdr;
	const uint8_t		*pkt = rx->pkt[i];
	size_t			 n = rx->mm[i].msg_len;
	struct probe_pending	*pp;
	struct cmsghdr		*cm;
	struct scm_timestamping	 tss;
	struct buf		 b;
	uint8_t			 vhl, type;
	uint16_t		 id, seq;
	int			 have = 0;

	for (cm = CMSG_FIRSTHDR(msg); cm != NULL; cm = CMSG_NXTHDR(msg, cm))
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_TIMESTAMPING &&
		    cm->cmsg_len >= CMSG_LEN(sizeof tss)) {
			memcpy(&tss, CMSG_DATA(cm), sizeof tss);
			have = tss.ts[0].tv_sec != 0;
		}
	if (!have)
		return;
	buf_init(&b, pkt, n);
	/*
	 * The packet as it left, link-layer header included: an Ethernet
	 * one (loopback, veth, NICs: IEEE 802.3 type 0x0800 or 0x86dd at
	 * octet 12) is skipped; then RFC 791 3.1 / RFC 8200 3, the IP
	 * header.
	 */
	if (n >= 34 && pkt[12] == (s == &p->s6 ? 0x86 : 0x08) &&
	    pkt[13] == (s == &p->s6 ? 0xdd : 0x00) &&
	    (pkt[14] >> 4) == (s == &p->s6 ? 6 : 4))
		(void)buf_skip(&b, 14);				/* Ethernet */
	if (buf_get_u8(&b, &vhl) == -1)				/* version */
		return;
	if ((vhl >> 4) == 4) {
		if ((vhl & 0x0f) < 5 ||
		    buf_skip(&b, (size_t)(vhl & 0x0f) * 4 - 1) == -1)
			return;
	} else if ((vhl >> 4) == 6) {
		if (buf_skip(&b, 39) == -1)			/* fixed header */
			return;
	} else
		return;
	/* RFC 792 Echo / RFC 4443 4.1 */
	if (latency_probe_echo_hdr(&b, &type, &id, &seq) == -1 ||
	    type != (s == &p->s6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO) ||
	    (!s->dgram && id != p->ident) ||
	    (pp = p->inflight[seq]) == NULL || pp->kernel_tx)
		return;
	/* Not a stamp of an older probe that had this sequence. */
	if (latency_probe_ts_diff_us(&pp->sent, &tss.ts[0]) > 1000000 ||
	    latency_probe_ts_diff_us(&tss.ts[0], &pp->sent) > 1000)
		return;
	pp->sent = tss.ts[0];
	pp->kernel_tx = 1;
}

static void
latency_probe_send_tcp(struct probe_tgt *t)
{
	struct probe_pending	*pp;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	struct timespec		 now;
	char			 err[128];
	int			 fd;

	t->p->stats.sent++;
	fd = socket(t->cfg.addr.af, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd == -1) {
		clock_gettime(CLOCK_REALTIME, &now);
		snprintf(err, sizeof err, "socket: %s", strerror(errno));
		latency_probe_report(t, (int64_t)now.tv_sec * 1000 +
		    now.tv_nsec / 1000000, -1, err);
		return;
	}
	sslen = latency_probe_sockaddr(&t->cfg.addr, t->cfg.port, &ss);
	pp = latency_probe_pending_new(t);
	pp->fd = fd;
	latency_probe_stamp(pp);
	if (connect(fd, (struct sockaddr *)&ss, sslen) == 0) {
		/* Loopback can complete at once. */
		clock_gettime(CLOCK_REALTIME, &now);
		latency_probe_finish(pp, latency_probe_ts_diff_us(&pp->sent,
		    &now), NULL);
		return;
	}
	if (errno == ECONNREFUSED) {
		clock_gettime(CLOCK_REALTIME, &now);
		latency_probe_finish(pp, latency_probe_ts_diff_us(&pp->sent,
		    &now), "connection refused");
		return;
	}
	if (errno != EINPROGRESS) {
		snprintf(err, sizeof err, "connect: %s", strerror(errno));
		latency_probe_finish(pp, -1, err);
		return;
	}
	latency_probe_arm_timeout(pp, fd, EV_WRITE, latency_probe_tcp_cb);
}

static void
latency_probe_tcp_cb(evutil_socket_t fd, short what, void *arg)
{
	struct probe_pending	*pp = arg;
	struct timespec		 now;
	socklen_t		 len;
	char			 err[128];
	int			 soerr = 0;

	clock_gettime(CLOCK_REALTIME, &now);
	if (what & EV_TIMEOUT) {
		latency_probe_finish(pp, -1, "timeout");
		return;
	}
	len = sizeof soerr;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == -1)
		soerr = errno;
	if (soerr == 0)
		latency_probe_finish(pp, latency_probe_ts_diff_us(&pp->sent,
		    &now), NULL);
	else if (soerr == ECONNREFUSED)
		latency_probe_finish(pp, latency_probe_ts_diff_us(&pp->sent,
		    &now), "connection refused");
	else if (soerr == ECONNRESET)
		/*
		 * Only an established connection is reset (an RST in
		 * SYN-SENT is a refusal): the handshake completed, so this
		 * is a reply, reset before we got to look at it.
		 */
		latency_probe_finish(pp, latency_probe_ts_diff_us(&pp->sent,
		    &now), "connection reset");
	else {
		snprintf(err, sizeof err, "connect: %s", strerror(soerr));
		latency_probe_finish(pp, -1, err);
	}
}
