/* SPDX-License-Identifier: ISC */
/*
 * The built-in prober: ICMP echo (IPv4 and IPv6) and TCP connect time to
 * many targets, each with its own interval and timeout, driven by
 * libevent timers on the caller's event base.
 *
 * ICMP uses one socket per address family for every target.  An
 * unprivileged datagram ICMP socket (socket(AF_INET, SOCK_DGRAM,
 * IPPROTO_ICMP)) is used when net.ipv4.ping_group_range admits the
 * process's group, a raw socket otherwise.  Open them once at start with
 * latency_probe_open_sockets() while still privileged, then drop privileges
 * (latency_probe_drop_privileges() or the caller's own code): the sockets stay
 * usable.  TCP sockets need no privilege and are opened per probe.
 *
 * Replies are matched by sequence number and source address (and by the
 * ICMP identifier on raw sockets; on datagram sockets the kernel sets the
 * identifier and only hands this socket its own replies).  Receive times
 * come from the kernel (SO_TIMESTAMPNS) where it gives them, else from
 * clock_gettime() right after the read.  ICMP send times come from the
 * kernel too (SO_TIMESTAMPING, software transmit stamps, read from the
 * error queue) where it gives them; else, and for TCP, they are taken
 * right before sendto()/connect().
 *
 * TCP: the round trip is the time until the non-blocking connect()
 * completes.  A refused connection (RST, ECONNREFUSED) counts as a reply
 * with its round trip, like hping's RST answers: the host answered, and
 * the error text "connection refused" tells the caller the port is closed.
 * A connection reset before the callback ran ("connection reset") had
 * completed its handshake and counts as a reply too.
 * Unreachable errors and timeouts count as lost.
 *
 * Nothing here prints or exits: every problem (no socket permission, an
 * unreachable network, a timeout) reaches the callback of the target
 * concerned as a lost probe with an error text.
 */
#ifndef PEERTOP_LATENCY_PROBE_H
#define PEERTOP_LATENCY_PROBE_H

#include <stdint.h>

#include "core/util.h"

struct event_base;
struct probe;

enum probe_kind {
	PROBE_ICMP,
	PROBE_TCP
};

/* Which kind of ICMP socket latency_probe_open_sockets() opens. */
enum probe_sockmode {
	PROBE_SOCK_AUTO,	/* datagram if allowed, else raw */
	PROBE_SOCK_DGRAM,	/* datagram only */
	PROBE_SOCK_RAW		/* raw only */
};

#define PROBE_SIZE_DEFAULT	56	/* ICMP payload bytes, like ping */
#define PROBE_SIZE_MAX		1472

struct probe_target {
	enum probe_kind	 kind;
	struct addr	 addr;		/* IPv4 or IPv6 */
	uint16_t	 port;		/* TCP only */
	unsigned int	 interval_ms;	/* > 0 */
	unsigned int	 timeout_ms;	/* > 0 */
	unsigned int	 size;		/* ICMP payload; 0: default */
	unsigned int	 count;		/* stop after this many; 0: never */
};

/*
 * One result: the target's id, the wall-clock time of the send in ms,
 * the round trip in microseconds or -1 when lost, and an error text
 * (NULL when all went well; "connection refused" comes with an RTT).
 */
/*
 * The callback may add and remove targets (its own too), but must not
 * call latency_probe_free().
 */
typedef void (*probe_cb)(void *arg, int id, int64_t time_ms, int64_t rtt_us,
    const char *error);

/*
 * How late the timer's turns sent probes after their due time: bucket 0
 * under 1 us, bucket i from 2^(i-1) to 2^i us, the last one beyond.
 */
#define PROBE_LATE_BUCKETS	24

/* Counters over the prober's life. */
struct probe_stats {
	uint64_t	sent;
	uint64_t	received;
	uint64_t	lost;		/* timeouts and send errors */
	uint64_t	late;		/* ours, but after its timeout */
	uint64_t	mismatched;	/* right id and sequence, wrong source */
	uint64_t	kernel_ts;	/* replies timed by the kernel */
	uint64_t	kernel_tx_ts;	/* ... whose send was timed by it too */
	uint64_t	send_late[PROBE_LATE_BUCKETS];	/* sends, by lateness */
};

struct probe	*latency_probe_new(struct event_base *, probe_cb, void *);
/* 0 if at least one family has a socket; the failures stay per family. */
int		 latency_probe_open_sockets(struct probe *,
	    enum probe_sockmode);
/* 1 if the family's ICMP socket is a datagram one, 0 raw, -1 none. */
int		 latency_probe_socket_dgram(struct probe *, sa_family_t);
int		 latency_probe_add_target(struct probe *,
	    const struct probe_target *);
int		 latency_probe_remove(struct probe *, int);
void		 latency_probe_get_stats(struct probe *, struct probe_stats *);
void		 latency_probe_free(struct probe *);
/* setgroups/setgid/setuid to user; 0 or -1 with errno. */
int		 latency_probe_drop_privileges(const char *);
/* 1 if ping_group_range admits gid, 0 if not, -1 unreadable. */
int		 latency_probe_ping_group_allows(gid_t);

#endif
