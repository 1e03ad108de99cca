/* SPDX-License-Identifier: ISC */
/*
 * Benchmark of the BMP collector feeding the RIB: real BGP UPDATEs from
 * an MRT file (BGP4MP / BGP4MP_ET messages, as the routers packed them,
 * several prefixes per UPDATE) are wrapped into BMP Route Monitoring
 * messages (RFC 7854 4.6), one monitored peer per MRT peer, after an
 * Initiation and each peer's Peer Up.  The whole stream is encoded in
 * memory first; then a child process (on CPU 1) writes it over loopback
 * TCP to the real bmp collector, which runs on a libevent loop in this
 * process (on CPU 0) with a real RIB (core/rib.c) behind it.  The clock
 * runs from the fork until the collector has applied the last Route
 * Monitoring message, so the figure covers reading, framing, decoding
 * and the RIB inserts on one core (the sender is cheap: it only writes
 * the prepared bytes); the collector's CPU time over the same span is
 * taken too.
 *
 * With -P PMBMPD, pmacct's BMP collector gets the same bytes from the
 * same sender after each run (a fresh pmbmpd each time, on CPU 0 too):
 * its wall time until it has applied everything and its CPU time (see
 * bench_bmp_pm_run() for how the end is found), and with -V the entry
 * count of its next table dump after the last run, which must equal the
 * routes peertop's RIB holds.  The ratio per CPU-second is held against
 * 5x; the wall-time ratio is printed with it.
 *
 * Prefixes are the announcements plus withdrawals the RIB applied.  The
 * output is readable lines with prefixes/s, the targets and PASS or
 * MISS; exit 0 either way, 1 when a run fails or the dump differs.
 *
 * usage: bench-bmp [-V] [-n runs] [-P pmbmpd] [-w stream-file] file
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "core/buf.h"
#include "core/collect-bmp.h"
#include "core/decode-bmp.h"
#include "core/decode-mrt.h"
#include "core/model.h"
#include "core/rib.h"
#include "core/util.h"
#include "tests/bench/bench-util.h"

#define BENCH_BMP_TARGET	1000000.0	/* prefixes/s */
#define BENCH_BMP_PEER_TARGET	5.0		/* x pmbmpd, per CPU-second */
#define BENCH_BMP_MAXRUNS	9
#define BENCH_BMP_PEERS		256
#define BENCH_BMP_TIMEOUT_S	120
#define BENCH_BMP_LOCAL_AS	64496		/* RFC 5398 */

struct bench_bmp_peer {
	struct addr	 addr;
	uint32_t	 as;
	int		 as4;
};

struct bench_bmp_bytes {
	uint8_t			*buf;
	size_t			 len, cap;
};

struct bench_bmp_stream {
	uint8_t			*buf;		/* the whole stream */
	size_t			 len;
	struct bench_bmp_bytes	 rm;		/* Route Monitoring */
	uint64_t		 messages;	/* Route Monitoring */
	uint64_t		 updates_skipped;
	struct bench_bmp_peer	 peers[BENCH_BMP_PEERS];
	size_t			 npeers;
};

/* One run's figures. */
struct bench_bmp_fig {
	double		 secs;		/* wall, until the last is applied */
	double		 cpu;		/* the collector's CPU time */
	uint64_t	 prefixes;	/* peertop: announced + withdrawn */
	size_t		 routes;	/* peertop: held at the end */
	size_t		 mem;		/* peertop: rib_stats().mem */
	long		 rss_kb;	/* pmbmpd: RSS growth */
	long		 entries;	/* pmbmpd: its dump's count, or -1 */
};

/* A pmbmpd (pmacct's BMP collector) to compare with. */
struct bench_bmp_pm {
	const char	*path;
	char		 dir[PATH_MAX];
	char		 conf[PATH_MAX + 16];
	char		 log[PATH_MAX + 16];
	int		 port;
	pid_t		 pid;
};

static void	 bench_bmp_put(struct bench_bmp_bytes *, const void *, size_t);
static void	 bench_bmp_peer_hdr(uint8_t *, const struct bench_bmp_peer *);
static size_t	 bench_bmp_open(uint8_t *, uint32_t, uint32_t, int);
static void	 bench_bmp_peer_up(struct bench_bmp_bytes *,
		    const struct bench_bmp_peer *);
static int	 bench_bmp_peer_idx(struct bench_bmp_stream *,
		    const struct addr *, uint32_t, int);
static void	 bench_bmp_rm(struct bench_bmp_stream *, size_t,
		    const uint8_t *, size_t);
static int	 bench_bmp_load(const char *, struct bench_bmp_stream *);
static void	 bench_bmp_pin(int);
static double	 bench_bmp_cpu_self(void);
static void	 bench_bmp_sender(const struct bench_bmp_stream *, int, int);
static pid_t	 bench_bmp_spawn(const struct bench_bmp_stream *, int, int *);
static int	 bench_bmp_run(const struct bench_bmp_stream *,
		    struct bench_bmp_fig *);
static int	 bench_bmp_free_port(void);
static int	 bench_bmp_tcpq(int, int, unsigned int, unsigned long *,
		    unsigned long *);
static long long bench_bmp_cpu_ns(pid_t, int *);
static long	 bench_bmp_rss_kb(pid_t);
static int	 bench_bmp_pm_start(struct bench_bmp_pm *);
static void	 bench_bmp_pm_stop(struct bench_bmp_pm *);
static long	 bench_bmp_pm_entries(const struct bench_bmp_pm *);
static int	 bench_bmp_pm_run(const struct bench_bmp_stream *,
		    struct bench_bmp_pm *, int, struct bench_bmp_fig *);
static double	 bench_bmp_median(const struct bench_bmp_fig *, int, int);

static void
bench_bmp_put(struct bench_bmp_bytes *bb, const void *p, size_t len)
{
	if (bb->len + len > bb->cap) {
		bb->cap = bb->cap == 0 ? 1 << 20 : bb->cap * 2;
		while (bb->len + len > bb->cap)
			bb->cap *= 2;
		bb->buf = xreallocarray(bb->buf, bb->cap, 1);
	}
	memcpy(bb->buf + bb->len, p, len);
	bb->len += len;
}

static int
bench_bmp_peer_idx(struct bench_bmp_stream *st, const struct addr *a,
    uint32_t as, int as4)
{
	size_t	 i;

	for (i = 0; i < st->npeers; i++)
		if (addr_cmp(&st->peers[i].addr, a) == 0 &&
		    st->peers[i].as == as && st->peers[i].as4 == as4)
			return ((int)i);
	if (st->npeers == BENCH_BMP_PEERS)
		return (-1);
	st->peers[st->npeers].addr = *a;
	st->peers[st->npeers].as = as;
	st->peers[st->npeers].as4 = as4;
	return ((int)st->npeers++);
}

/* RFC 7854 4.2: the per-peer header of a global instance peer. */
static void
bench_bmp_peer_hdr(uint8_t *h, const struct bench_bmp_peer *p)
{
	memset(h, 0, BMP_PEER_HDR_LEN);
	h[0] = BMP_PEER_GLOBAL;				/* peer type */
	h[1] = (p->addr.af == AF_INET6 ? BMP_PEER_FLAG_V : 0) |
	    (p->as4 ? 0 : BMP_PEER_FLAG_A);		/* flags */
	/* distinguisher 0 (8 octets), address (16), AS, BGP id, time */
	if (p->addr.af == AF_INET6)
		memcpy(h + 10, &p->addr.v6, 16);
	else
		memcpy(h + 22, &p->addr.v4, 4);
	h[26] = (uint8_t)(p->as >> 24);
	h[27] = (uint8_t)(p->as >> 16);
	h[28] = (uint8_t)(p->as >> 8);
	h[29] = (uint8_t)p->as;
	memcpy(h + 30, h + 22, 4);			/* BGP id */
}

/*
 * RFC 4271 4.2: an OPEN with the capabilities (RFC 5492) a router sends
 * for IPv4 and IPv6 unicast (RFC 4760 8), plus 4-octet AS numbers (RFC
 * 6793 3) when the peer speaks them: the MRT subtype says which.  Returns
 * its length.
 */
static size_t
bench_bmp_open(uint8_t *o, uint32_t as, uint32_t id, int as4)
{
	static const uint8_t	 mp[2][6] = {
		{ 1, 4, 0, 1, 0, 1 },			/* IPv4 unicast */
		{ 1, 4, 0, 2, 0, 1 }			/* IPv6 unicast */
	};
	size_t			 len = 29, caps = 29;

	memset(o, 0xff, 16);				/* marker */
	o[18] = 1;					/* OPEN */
	o[19] = 4;					/* version */
	o[20] = (uint8_t)((as > 65535 ? 23456 : as) >> 8);	/* AS_TRANS */
	o[21] = (uint8_t)(as > 65535 ? 23456 : as);
	o[22] = 0;
	o[23] = 180;					/* hold time */
	o[24] = (uint8_t)(id >> 24);
	o[25] = (uint8_t)(id >> 16);
	o[26] = (uint8_t)(id >> 8);
	o[27] = (uint8_t)id;
	o[29] = 2;					/* capabilities */
	len += 2;
	memcpy(o + len, mp[0], 6);
	memcpy(o + len + 6, mp[1], 6);
	len += 12;
	if (as4) {
		o[len] = 65;
		o[len + 1] = 4;
		o[len + 2] = (uint8_t)(as >> 24);
		o[len + 3] = (uint8_t)(as >> 16);
		o[len + 4] = (uint8_t)(as >> 8);
		o[len + 5] = (uint8_t)as;
		len += 6;
	}
	o[caps + 1] = (uint8_t)(len - caps - 2);	/* parameter length */
	o[28] = (uint8_t)(len - caps);			/* optional params */
	o[16] = (uint8_t)(len >> 8);
	o[17] = (uint8_t)len;
	return (len);
}

/*
 * RFC 7854 4.10: Peer Up before a peer's routes, as a router sends it
 * (collectors such as pmbmpd drop Route Monitoring of peers they have
 * not seen come up): local address and ports, then the OPEN the router
 * sent and the one it received.
 */
static void
bench_bmp_peer_up(struct bench_bmp_bytes *bb, const struct bench_bmp_peer *p)
{
	uint8_t		 m[BMP_HDR_LEN + BMP_PEER_HDR_LEN + 20 + 2 * 64];
	size_t		 len = BMP_HDR_LEN + BMP_PEER_HDR_LEN;
	uint32_t	 id;

	memset(m, 0, sizeof m);
	bench_bmp_peer_hdr(m + BMP_HDR_LEN, p);
	/* Local address: 192.0.2.1 or 2001:db8::1 (RFC 5737, RFC 3849). */
	if (p->addr.af == AF_INET6) {
		m[len] = 0x20;
		m[len + 1] = 0x01;
		m[len + 2] = 0x0d;
		m[len + 3] = 0xb8;
		m[len + 15] = 1;
	} else {
		m[len + 12] = 192;
		m[len + 14] = 2;
		m[len + 15] = 1;
	}
	m[len + 16] = 0x9c;				/* local port 40000 */
	m[len + 17] = 0x40;
	m[len + 19] = 179;				/* remote port */
	len += 20;
	len += bench_bmp_open(m + len, BENCH_BMP_LOCAL_AS, 0xc0000201,
	    p->as4);
	memcpy(&id, m + BMP_HDR_LEN + 30, 4);
	len += bench_bmp_open(m + len, p->as, ntohl(id), p->as4);
	m[0] = BMP_VERSION;
	m[1] = (uint8_t)(len >> 24);
	m[2] = (uint8_t)(len >> 16);
	m[3] = (uint8_t)(len >> 8);
	m[4] = (uint8_t)len;
	m[5] = BMP_PEER_UP;
	bench_bmp_put(bb, m, len);
}

/* RFC 7854 4.1, 4.2, 4.6: common header, per-peer header, the UPDATE. */
static void
bench_bmp_rm(struct bench_bmp_stream *st, size_t peer, const uint8_t *bgp,
    size_t bgplen)
{
	uint8_t		 h[BMP_HDR_LEN + BMP_PEER_HDR_LEN];
	uint32_t	 len = sizeof h + bgplen;

	h[0] = BMP_VERSION;
	h[1] = (uint8_t)(len >> 24);
	h[2] = (uint8_t)(len >> 16);
	h[3] = (uint8_t)(len >> 8);
	h[4] = (uint8_t)len;
	h[5] = BMP_ROUTE_MONITORING;
	bench_bmp_peer_hdr(h + BMP_HDR_LEN, &st->peers[peer]);
	bench_bmp_put(&st->rm, h, sizeof h);
	bench_bmp_put(&st->rm, bgp, bgplen);
	st->messages++;
}

/*
 * RFC 6396 4.4.2-4.4.3: BGP4MP_MESSAGE(_AS4) records hold a peer AS,
 * local AS, interface, AFI, the two addresses and a whole BGP message;
 * each UPDATE becomes one Route Monitoring message of its peer.
 * ADD-PATH subtypes and everything else are skipped.
 */
static int
bench_bmp_load(const char *path, struct bench_bmp_stream *st)
{
	struct mrt_reader	*rd;
	struct mrt_record	 rec;
	struct buf		 b;
	struct bench_bmp_bytes	 all;
	struct addr		 a;
	uint32_t		 pas, las;
	uint16_t		 ifx, afi, as16;
	uint8_t			 init[64];
	const char		*name = "bench-bmp";
	char			*cause = NULL;
	int			 rv, as4, idx;
	size_t			 n;

	/* RFC 7854 4.3: Initiation with sysName (type 2). */
	n = strlen(name);
	init[0] = BMP_VERSION;
	init[1] = init[2] = init[3] = 0;
	init[4] = (uint8_t)(BMP_HDR_LEN + 4 + n);
	init[5] = BMP_INITIATION;
	init[6] = 0;
	init[7] = 2;
	init[8] = 0;
	init[9] = (uint8_t)n;
	memcpy(init + 10, name, n);
	memset(&all, 0, sizeof all);
	bench_bmp_put(&all, init, BMP_HDR_LEN + 4 + n);

	if ((rd = decode_mrt_open(path, &cause)) == NULL) {
		fprintf(stderr, "bench-bmp: %s\n", cause);
		free(cause);
		return (-1);
	}
	while ((rv = decode_mrt_next(rd, &rec, &cause)) == 1) {
		if (rec.type != MRT_BGP4MP && rec.type != MRT_BGP4MP_ET)
			continue;
		if (rec.subtype != 1 && rec.subtype != 4)
			continue;		/* MESSAGE, MESSAGE_AS4 */
		as4 = rec.subtype == 4;
		buf_init(&b, rec.body, rec.len);
		if (as4) {
			if (buf_get_u32(&b, &pas) || buf_get_u32(&b, &las))
				continue;
		} else {
			if (buf_get_u16(&b, &as16))
				continue;
			pas = as16;
			if (buf_get_u16(&b, &as16))
				continue;
		}
		if (buf_get_u16(&b, &ifx) || buf_get_u16(&b, &afi))
			continue;
		memset(&a, 0, sizeof a);
		if (afi == 1) {
			a.af = AF_INET;
			if (buf_get(&b, &a.v4, 4) || buf_skip(&b, 4))
				continue;
		} else if (afi == 2) {
			a.af = AF_INET6;
			if (buf_get(&b, &a.v6, 16) || buf_skip(&b, 16))
				continue;
		} else
			continue;
		/* The BGP message: an UPDATE (type 2) only. */
		if (buf_left(&b) < 19 || buf_ptr(&b)[18] != 2)
			continue;
		if ((idx = bench_bmp_peer_idx(st, &a, pas, as4)) == -1) {
			st->updates_skipped++;
			continue;
		}
		bench_bmp_rm(st, (size_t)idx, buf_ptr(&b), buf_left(&b));
	}
	decode_mrt_close(rd);
	if (rv == -1) {
		fprintf(stderr, "bench-bmp: %s\n", cause);
		free(cause);
		free(all.buf);
		return (-1);
	}
	/* Initiation, every peer's Peer Up, then the routes. */
	for (n = 0; n < st->npeers; n++)
		bench_bmp_peer_up(&all, &st->peers[n]);
	bench_bmp_put(&all, st->rm.buf, st->rm.len);
	free(st->rm.buf);
	memset(&st->rm, 0, sizeof st->rm);
	st->buf = all.buf;
	st->len = all.len;
	return (0);
}

/* Pin the caller to one CPU when there are two or more. */
static void
bench_bmp_pin(int cpu)
{
	cpu_set_t	 set;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	(void)sched_setaffinity(0, sizeof set, &set);
}

static double
bench_bmp_cpu_self(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

/*
 * The router, in a child on the other CPU: connect, tell the parent its
 * local port, write everything, say so, and linger until killed (a
 * closed connection makes a collector drop the peers' routes).
 */
static void
bench_bmp_sender(const struct bench_bmp_stream *st, int port, int wfd)
{
	struct sockaddr_in	 sin;
	socklen_t		 sl = sizeof sin;
	uint16_t		 lport;
	size_t			 off;
	ssize_t			 w;
	int			 fd, sbuf;

	bench_bmp_pin(1);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	/*
	 * A send buffer that holds the whole stream (root may exceed
	 * wmem_max): the writes return at once and the kernel moves the
	 * bytes as the collector reads, in the collector's context, so a
	 * busy CPU 1 does not hold the collector back.
	 */
	sbuf = st->len > INT_MAX / 2 ? INT_MAX / 2 : (int)st->len;
	if (fd != -1 && setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sbuf,
	    sizeof sbuf) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sbuf,
		    sizeof sbuf);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	if (fd == -1 || connect(fd, (struct sockaddr *)&sin, sizeof sin) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &sl) == -1)
		_exit(2);
	lport = ntohs(sin.sin_port);
	if (write(wfd, &lport, sizeof lport) != sizeof lport)
		_exit(2);
	for (off = 0; off < st->len; off += (size_t)w)
		if ((w = write(fd, st->buf + off, st->len - off)) <= 0)
			_exit(3);
	if (write(wfd, "", 1) != 1)
		_exit(2);
	pause();
	_exit(0);
}

/* The sender in a child; *rfd is where it reports.  Its pid or -1. */
static pid_t
bench_bmp_spawn(const struct bench_bmp_stream *st, int port, int *rfd)
{
	pid_t	 pid;
	int	 pfd[2];

	if (pipe(pfd) == -1 || (pid = fork()) == -1) {
		perror("bench-bmp: pipe or fork");
		return (-1);
	}
	if (pid == 0) {
		close(pfd[0]);
		bench_bmp_sender(st, port, pfd[1]);
	}
	close(pfd[1]);
	*rfd = pfd[0];
	return (pid);
}

/* One run: a fresh model, RIB and collector; the child sends. */
static int
bench_bmp_run(const struct bench_bmp_stream *st, struct bench_bmp_fig *fig)
{
	struct event_base	*base;
	struct model		*m;
	struct collector	*c;
	struct rib		*rib;
	struct rib_stats	 rs;
	struct rib_peer		*rp;
	struct bmp_router_info	 ri;
	char			*cause = NULL;
	double			 t0, c0;
	pid_t			 pid;
	size_t			 i;
	int			 status, done = 0, rfd;

	base = event_base_new();
	m = model_new();
	m->rib = rib = rib_new();
	c = xcalloc(1, sizeof *c);
	c->ops = &collector_bmp;
	strlcpy_pt(c->name, "bmp", sizeof c->name);
	c->listen.af = AF_INET;
	c->listen.v4.s_addr = htonl(INADDR_LOOPBACK);
	c->port = 0;
	m->collectors = xcalloc(1, sizeof *m->collectors);
	m->collectors[m->ncollectors++] = c;
	if (collector_bmp.start(c, m, base, &cause) != 0) {
		fprintf(stderr, "bench-bmp: %s\n", cause);
		return (-1);
	}
	c0 = bench_bmp_cpu_self();
	t0 = bench_now();
	if ((pid = bench_bmp_spawn(st, collect_bmp_port(c), &rfd)) == -1)
		return (-1);

	while (!done && bench_now() - t0 < BENCH_BMP_TIMEOUT_S) {
		event_base_loop(base, EVLOOP_ONCE);
		if (collect_bmp_router_info(c, 0, &ri) &&
		    ri.route_monitoring == st->messages)
			done = 1;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			fprintf(stderr, "bench-bmp: sender exited %d\n",
			    WEXITSTATUS(status));
			return (-1);
		}
	}
	fig->secs = bench_now() - t0;
	fig->cpu = bench_bmp_cpu_self() - c0;
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	close(rfd);
	if (!done) {
		fprintf(stderr, "bench-bmp: timed out\n");
		return (-1);
	}
	fig->prefixes = 0;
	for (i = 0; i < rib_npeers(rib); i++) {
		rp = rib_peer(rib, (int)i);
		fig->prefixes += rp->announced + rp->withdrawn;
	}
	rib_stats(rib, &rs);
	fig->routes = rs.routes;
	fig->mem = rs.mem;
	if (ri.errors != 0)
		fprintf(stderr, "bench-bmp: %ju UPDATEs refused: %s\n",
		    (uintmax_t)ri.errors, ri.last_error);
	model_free(m);
	rib_free(rib);
	event_base_free(base);
	return (0);
}

/* ------------------------------------------------------------ pmbmpd */

static int
bench_bmp_free_port(void)
{
	struct sockaddr_in	 sin;
	socklen_t		 sl = sizeof sin;
	int			 fd, port = -1;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return (-1);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &sl) == 0)
		port = ntohs(sin.sin_port);
	close(fd);
	return (port);
}

/*
 * The queues of the IPv4 TCP socket lport -> rport in state st (1
 * established, 0x0a listening) from /proc/net/tcp: *tx bytes sent but
 * not acknowledged, *rx bytes received but not read by its owner.  0
 * when found, else -1.
 */
static int
bench_bmp_tcpq(int lport, int rport, unsigned int st, unsigned long *tx,
    unsigned long *rx)
{
	FILE		*f;
	char		 line[512];
	unsigned int	 lp, rp, state;
	unsigned long	 t, r;
	int		 rv = -1;

	if ((f = fopen("/proc/net/tcp", "r")) == NULL)
		return (-1);
	while (rv == -1 && fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, " %*u: %*x:%x %*x:%x %x %lx:%lx", &lp, &rp,
		    &state, &t, &r) != 5)
			continue;
		if ((int)lp == lport && (int)rp == rport && state == st) {
			*tx = t;
			*rx = r;
			rv = 0;
		}
	}
	fclose(f);
	return (rv);
}

/*
 * CPU time of all the threads of pid in ns, from schedstat (exact for a
 * thread that sleeps, to the scheduler tick for one that runs); *running
 * when one of them is running.  -1 when pid is gone.
 */
static long long
bench_bmp_cpu_ns(pid_t pid, int *running)
{
	DIR		*d;
	struct dirent	*de;
	FILE		*f;
	char		 path[96], line[512], *p;
	long long	 sum = 0, ns;

	*running = 0;
	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	if ((d = opendir(path)) == NULL)
		return (-1);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/%d/task/%.16s/schedstat",
		    (int)pid, de->d_name);
		if ((f = fopen(path, "r")) != NULL) {
			if (fscanf(f, "%lld", &ns) == 1)
				sum += ns;
			fclose(f);
		}
		snprintf(path, sizeof path, "/proc/%d/task/%.16s/stat",
		    (int)pid, de->d_name);
		if ((f = fopen(path, "r")) != NULL) {
			if (fgets(line, sizeof line, f) != NULL &&
			    (p = strrchr(line, ')')) != NULL && p[1] == ' ' &&
			    p[2] == 'R')
				*running = 1;
			fclose(f);
		}
	}
	closedir(d);
	return (sum);
}

/* VmRSS of pid in kB, -1 if unknown. */
static long
bench_bmp_rss_kb(pid_t pid)
{
	FILE	*f;
	char	 path[64], line[256];
	long	 kb = -1;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return (-1);
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	fclose(f);
	return (kb);
}

/*
 * Start pmbmpd on a fresh loopback port with a configuration that keeps
 * every peer's table (what it does with Route Monitoring anyway: one
 * table a peer, best path only so one bucket a peer, the documented
 * default) and dumps it every 60 s, the shortest period it accepts.  It
 * inherits this process's CPU (0).  0 once it listens, -1 if not.
 */
static int
bench_bmp_pm_start(struct bench_bmp_pm *pm)
{
	FILE		*f;
	unsigned long	 tx, rx;
	double		 t0;
	int		 fd, status;

	if ((pm->port = bench_bmp_free_port()) == -1)
		return (-1);
	snprintf(pm->conf, sizeof pm->conf, "%s/pmbmpd.conf", pm->dir);
	snprintf(pm->log, sizeof pm->log, "%s/pmbmpd.log", pm->dir);
	unlink(pm->log);
	if ((f = fopen(pm->conf, "w")) == NULL)
		return (-1);
	fprintf(f, "bmp_daemon_ip: 127.0.0.1\n"
	    "bmp_daemon_port: %d\n"
	    "bmp_daemon_max_peers: 10\n"
	    "bmp_table_per_peer_buckets: 1\n"
	    "bmp_dump_file: %s/dump.json\n"
	    "bmp_dump_refresh_time: 60\n"
	    "logfile: %s\n", pm->port, pm->dir, pm->log);
	if (fclose(f) != 0)
		return (-1);

	if ((pm->pid = fork()) == -1)
		return (-1);
	if (pm->pid == 0) {
		if ((fd = open("/dev/null", O_RDWR)) != -1) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(pm->path, pm->path, "-f", pm->conf, (char *)NULL);
		_exit(127);
	}
	t0 = bench_now();
	while (bench_now() - t0 < 10) {
		if (bench_bmp_tcpq(pm->port, 0, 0x0a, &tx, &rx) == 0)
			return (0);
		if (waitpid(pm->pid, &status, WNOHANG) == pm->pid) {
			pm->pid = -1;
			break;
		}
		usleep(10000);
	}
	fprintf(stderr, "bench-bmp: %s did not listen on 127.0.0.1:%d "
	    "(see %s)\n", pm->path, pm->port, pm->log);
	return (-1);
}

static void
bench_bmp_pm_stop(struct bench_bmp_pm *pm)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[PATH_MAX + 300];

	if (pm->pid > 0) {
		kill(pm->pid, SIGKILL);
		waitpid(pm->pid, NULL, 0);
		pm->pid = -1;
	}
	/* Its table dumps, 240 MB for the default file. */
	if ((d = opendir(pm->dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, "dump", 4) == 0) {
			snprintf(path, sizeof path, "%s/%s", pm->dir,
			    de->d_name);
			unlink(path);
		}
	closedir(d);
}

/*
 * The entries of pmbmpd's next table dump, from its log line "Dumping
 * BMP tables - END (... ENTRIES: N ...)", waiting up to 90 s (it dumps
 * at the next multiple of 60 s); -1 if none came.
 */
static long
bench_bmp_pm_entries(const struct bench_bmp_pm *pm)
{
	FILE	*f;
	char	 line[1024], *p;
	double	 t0 = bench_now();
	long	 n = -1;

	while (n == -1 && bench_now() - t0 < 90) {
		usleep(200000);
		if ((f = fopen(pm->log, "r")) == NULL)
			continue;
		while (fgets(line, sizeof line, f) != NULL)
			if (strstr(line, "Dumping BMP tables - END") != NULL &&
			    (p = strstr(line, "ENTRIES: ")) != NULL)
				n = strtol(p + 9, NULL, 10);
		fclose(f);
	}
	return (n);
}

/*
 * One pmbmpd run: a fresh pmbmpd, the same stream from the same sender.
 * pmbmpd says nothing when it has applied a message, so the run ends
 * when everything was sent, acknowledged and read (the sender's send
 * queue and pmbmpd's receive queue both empty in /proc/net/tcp), its
 * threads sleep, and their CPU time has not moved for 20 ms: the wall
 * time is taken when that CPU time last moved (sampled every 0.5 ms),
 * the CPU time is what its threads used from the connection on.
 */
static int
bench_bmp_pm_run(const struct bench_bmp_stream *st, struct bench_bmp_pm *pm,
    int verify, struct bench_bmp_fig *fig)
{
	unsigned long	 tx, rx;
	long long	 c0, c, last = -1;
	double		 t0, now, tlast = 0;
	long		 rss0;
	pid_t		 pid;
	uint16_t	 lport;
	char		 ch;
	int		 rfd, running, written = 0, done = 0, status;

	memset(fig, 0, sizeof *fig);
	fig->entries = -1;
	if (bench_bmp_pm_start(pm) == -1)
		return (-1);
	rss0 = bench_bmp_rss_kb(pm->pid);
	c0 = bench_bmp_cpu_ns(pm->pid, &running);
	t0 = bench_now();
	if ((pid = bench_bmp_spawn(st, pm->port, &rfd)) == -1) {
		bench_bmp_pm_stop(pm);
		return (-1);
	}
	if (read(rfd, &lport, sizeof lport) != sizeof lport) {
		fprintf(stderr, "bench-bmp: the sender could not connect to "
		    "pmbmpd\n");
		goto fail;
	}
	(void)fcntl(rfd, F_SETFL, O_NONBLOCK);

	while (!done && bench_now() - t0 < BENCH_BMP_TIMEOUT_S) {
		usleep(500);
		if (waitpid(pid, &status, WNOHANG) == pid) {
			fprintf(stderr, "bench-bmp: sender exited %d\n",
			    WEXITSTATUS(status));
			pid = -1;
			goto fail;
		}
		if ((c = bench_bmp_cpu_ns(pm->pid, &running)) == -1) {
			fprintf(stderr, "bench-bmp: pmbmpd exited\n");
			goto fail;
		}
		now = bench_now();
		if (c != last) {
			last = c;
			tlast = now;
			continue;
		}
		if (!written && read(rfd, &ch, 1) != 1)
			continue;
		written = 1;
		if (running || now - tlast < 0.020 ||
		    bench_bmp_tcpq(pm->port, lport, 1, &tx, &rx) == -1 ||
		    rx != 0 ||
		    bench_bmp_tcpq(lport, pm->port, 1, &tx, &rx) == -1 ||
		    tx != 0)
			continue;
		done = 1;
	}
	if (!done) {
		fprintf(stderr, "bench-bmp: pmbmpd timed out\n");
		goto fail;
	}
	fig->secs = tlast - t0;
	fig->cpu = (double)(last - c0) / 1e9;
	fig->rss_kb = bench_bmp_rss_kb(pm->pid) - rss0;
	if (verify)
		fig->entries = bench_bmp_pm_entries(pm);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	close(rfd);
	bench_bmp_pm_stop(pm);
	return (0);

fail:
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
	close(rfd);
	bench_bmp_pm_stop(pm);
	return (-1);
}

static double
bench_bmp_median(const struct bench_bmp_fig *f, int n, int cpu)
{
	double	 v[BENCH_BMP_MAXRUNS];
	int	 i;

	for (i = 0; i < n; i++)
		v[i] = cpu ? f[i].cpu : f[i].secs;
	return (bench_median(v, n));
}

int
main(int argc, char **argv)
{
	struct bench_bmp_stream	 st;
	struct bench_bmp_fig	 pt[BENCH_BMP_MAXRUNS], pmf[BENCH_BMP_MAXRUNS];
	struct bench_bmp_pm	 pm;
	const char		*wpath = NULL, *tmp;
	double			 t, tc, pt_rate, pt_cpu, pm_t, pm_tc;
	double			 ratio, ratio_wall;
	FILE			*f;
	int			 ch, runs = 1, verify = 0, i, rv = 0;

	memset(&pm, 0, sizeof pm);
	pm.pid = -1;
	while ((ch = getopt(argc, argv, "n:P:Vw:")) != -1) {
		switch (ch) {
		case 'n':
			runs = atoi(optarg);
			if (runs < 1 || runs > BENCH_BMP_MAXRUNS)
				runs = 1;
			break;
		case 'P':
			pm.path = optarg;
			break;
		case 'V':
			verify = 1;
			break;
		case 'w':
			wpath = optarg;
			break;
		default:
			goto usage;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		goto usage;
	signal(SIGPIPE, SIG_IGN);
	log_open(NULL, LOG_LVL_WARN);

	memset(&st, 0, sizeof st);
	if (bench_bmp_load(argv[0], &st) == -1)
		return (1);
	if (st.messages == 0) {
		fprintf(stderr, "bench-bmp: no BGP4MP UPDATE in %s\n",
		    argv[0]);
		return (1);
	}
	if (wpath != NULL) {
		if ((f = fopen(wpath, "w")) == NULL ||
		    fwrite(st.buf, 1, st.len, f) != st.len || fclose(f) != 0) {
			fprintf(stderr, "bench-bmp: %s: %s\n", wpath,
			    strerror(errno));
			return (1);
		}
	}
	if (pm.path != NULL) {
		if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
			tmp = "/tmp";
		snprintf(pm.dir, sizeof pm.dir, "%s/bench-bmp.XXXXXX", tmp);
		if (mkdtemp(pm.dir) == NULL) {
			fprintf(stderr, "bench-bmp: mkdtemp: %s\n",
			    strerror(errno));
			return (1);
		}
	}
	/* The collectors on CPU 0, the sender on CPU 1. */
	bench_bmp_pin(0);
	printf("bench-bmp: %s: %ju Route Monitoring messages from %zu "
	    "peers (after an Initiation and their Peer Up), %.1f MB over "
	    "loopback TCP\n", argv[0], (uintmax_t)st.messages, st.npeers,
	    (double)st.len / 1e6);
	fflush(stdout);
	for (i = 0; i < runs; i++) {
		if (bench_bmp_run(&st, &pt[i]) == -1) {
			rv = 1;
			goto out;
		}
		if (pm.path != NULL && bench_bmp_pm_run(&st, &pm,
		    verify && i == runs - 1, &pmf[i]) == -1) {
			rv = 1;
			goto out;
		}
	}
	t = bench_bmp_median(pt, runs, 0);
	tc = bench_bmp_median(pt, runs, 1);
	pt_rate = (double)pt[0].prefixes / t;
	pt_cpu = (double)pt[0].prefixes / tc;
	printf("bench-bmp: peertop: %ju prefixes (announced + withdrawn, "
	    "%.2f per UPDATE) into the RIB in %.3f s wall, %.3f s CPU "
	    "(medians of %d): %.0f prefixes/s, %.0f per CPU-second; %zu "
	    "routes held, %.1f bytes/route\n", (uintmax_t)pt[0].prefixes,
	    (double)pt[0].prefixes / (double)st.messages, t, tc, runs,
	    pt_rate, pt_cpu, pt[0].routes,
	    (double)pt[0].mem / (double)pt[0].routes);
	printf("bench-bmp: target %.0f prefixes/s on one core: %s\n",
	    BENCH_BMP_TARGET, pt_rate >= BENCH_BMP_TARGET ? "PASS" : "MISS");
	if (pm.path == NULL)
		goto out;

	pm_t = bench_bmp_median(pmf, runs, 0);
	pm_tc = bench_bmp_median(pmf, runs, 1);
	printf("bench-bmp: pmbmpd: the same stream applied in %.3f s wall, "
	    "%.3f s CPU (medians of %d): %.0f prefixes/s, %.0f per "
	    "CPU-second; RSS +%.1f MB (%.0f bytes/route)\n", pm_t, pm_tc,
	    runs, (double)pt[0].prefixes / pm_t,
	    (double)pt[0].prefixes / pm_tc, (double)pmf[0].rss_kb / 1024,
	    (double)pmf[0].rss_kb * 1024 / (double)pt[0].routes);
	for (i = 0; i < runs; i++)
		printf("bench-bmp:   run %d: peertop %.3f s wall %.3f s CPU, "
		    "pmbmpd %.3f s wall %.3f s CPU\n", i + 1, pt[i].secs,
		    pt[i].cpu, pmf[i].secs, pmf[i].cpu);
	if (verify) {
		if (pmf[runs - 1].entries == -1)
			printf("bench-bmp: pmbmpd's table: no dump in 90 s\n");
		else
			printf("bench-bmp: pmbmpd's table: %ld entries in its "
			    "dump, peertop's RIB %zu routes: %s\n",
			    pmf[runs - 1].entries, pt[0].routes,
			    (size_t)pmf[runs - 1].entries == pt[0].routes ?
			    "the same" : "DIFFERENT");
		if ((size_t)pmf[runs - 1].entries != pt[0].routes)
			rv = 1;
	}
	ratio = pm_tc / tc;
	ratio_wall = pm_t / t;
	printf("bench-bmp: peertop/pmbmpd %.2fx per CPU-second, %.2fx by "
	    "wall time; target %.0fx on one core: %s\n", ratio, ratio_wall,
	    BENCH_BMP_PEER_TARGET, ratio >= BENCH_BMP_PEER_TARGET ? "PASS" :
	    "MISS");
out:
	if (pm.path != NULL) {
		bench_bmp_pm_stop(&pm);
		unlink(pm.conf);
		unlink(pm.log);
		rmdir(pm.dir);
	}
	free(st.buf);
	return (rv);

usage:
	fprintf(stderr, "usage: bench-bmp [-V] [-n runs] [-P pmbmpd] "
	    "[-w stream-file] file\n");
	return (1);
}
