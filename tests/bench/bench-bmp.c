/* SPDX-License-Identifier: ISC */
/*
 * Benchmark of the BMP collector feeding the RIB: real BGP UPDATEs from
 * an MRT file (BGP4MP / BGP4MP_ET messages, as the routers packed them,
 * several prefixes per UPDATE) are wrapped into BMP Route Monitoring
 * messages (RFC 7854 4.6), one monitored peer per MRT peer, after an
 * Initiation.  The whole stream is encoded in memory first; then a child
 * process writes it over loopback TCP to the real bmp collector, which
 * runs on a libevent loop in this process with a real RIB (core/rib.c)
 * behind it.  The clock runs from the fork until the collector has
 * applied the last Route Monitoring message, so the figure covers
 * reading, framing, decoding and the RIB inserts on one core (the
 * sender is cheap: it only writes the prepared bytes).
 *
 * Prefixes are the announcements plus withdrawals the RIB applied.  The
 * output is a readable line with prefixes/s, the target (1,000,000/s)
 * and PASS or MISS; exit 0 either way, 1 when the run fails.
 *
 * usage: bench-bmp [-n runs] file.mrt[.gz|.bz2]
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
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
#define BENCH_BMP_MAXRUNS	9
#define BENCH_BMP_PEERS		256
#define BENCH_BMP_TIMEOUT_S	120

struct bench_bmp_peer {
	struct addr	 addr;
	uint32_t	 as;
	int		 as4;
};

struct bench_bmp_stream {
	uint8_t			*buf;
	size_t			 len, cap;
	uint64_t		 messages;	/* Route Monitoring */
	uint64_t		 updates_skipped;
	struct bench_bmp_peer	 peers[BENCH_BMP_PEERS];
	size_t			 npeers;
};

static void	 bench_bmp_put(struct bench_bmp_stream *, const void *, size_t);
static int	 bench_bmp_peer_idx(struct bench_bmp_stream *,
		    const struct addr *, uint32_t, int);
static void	 bench_bmp_rm(struct bench_bmp_stream *, size_t,
		    const uint8_t *, size_t);
static int	 bench_bmp_load(const char *, struct bench_bmp_stream *);
static int	 bench_bmp_run(const struct bench_bmp_stream *, double *,
		    uint64_t *, size_t *);

static void
bench_bmp_put(struct bench_bmp_stream *st, const void *p, size_t len)
{
	if (st->len + len > st->cap) {
		st->cap = st->cap == 0 ? 1 << 20 : st->cap * 2;
		while (st->len + len > st->cap)
			st->cap *= 2;
		st->buf = xreallocarray(st->buf, st->cap, 1);
	}
	memcpy(st->buf + st->len, p, len);
	st->len += len;
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

/* RFC 7854 4.1, 4.2, 4.6: common header, per-peer header, the UPDATE. */
static void
bench_bmp_rm(struct bench_bmp_stream *st, size_t peer, const uint8_t *bgp,
    size_t bgplen)
{
	const struct bench_bmp_peer	*p = &st->peers[peer];
	uint8_t				 h[BMP_HDR_LEN + BMP_PEER_HDR_LEN];
	uint32_t			 len = sizeof h + bgplen;

	memset(h, 0, sizeof h);
	h[0] = BMP_VERSION;
	h[1] = (uint8_t)(len >> 24);
	h[2] = (uint8_t)(len >> 16);
	h[3] = (uint8_t)(len >> 8);
	h[4] = (uint8_t)len;
	h[5] = BMP_ROUTE_MONITORING;
	h[6] = BMP_PEER_GLOBAL;				/* peer type */
	h[7] = (p->addr.af == AF_INET6 ? BMP_PEER_FLAG_V : 0) |
	    (p->as4 ? 0 : BMP_PEER_FLAG_A);		/* flags */
	/* distinguisher 0 (8 octets), address (16), AS, BGP id, time */
	if (p->addr.af == AF_INET6)
		memcpy(h + 16, &p->addr.v6, 16);
	else
		memcpy(h + 28, &p->addr.v4, 4);
	h[32] = (uint8_t)(p->as >> 24);
	h[33] = (uint8_t)(p->as >> 16);
	h[34] = (uint8_t)(p->as >> 8);
	h[35] = (uint8_t)p->as;
	memcpy(h + 36, h + 28, 4);			/* BGP id */
	bench_bmp_put(st, h, sizeof h);
	bench_bmp_put(st, bgp, bgplen);
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
	bench_bmp_put(st, init, BMP_HDR_LEN + 4 + n);

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
		return (-1);
	}
	return (0);
}

/* One run: a fresh model, RIB and collector; the child sends. */
static int
bench_bmp_run(const struct bench_bmp_stream *st, double *secs,
    uint64_t *prefixes, size_t *routes)
{
	struct event_base	*base;
	struct model		*m;
	struct collector	*c;
	struct rib		*rib;
	struct rib_stats	 rs;
	struct rib_peer		*rp;
	struct bmp_router_info	 ri;
	struct sockaddr_in	 sin;
	char			*cause = NULL;
	double			 t0;
	pid_t			 pid;
	size_t			 off, i;
	ssize_t			 w;
	int			 fd, status, done = 0;

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

	t0 = bench_now();
	if ((pid = fork()) == -1) {
		perror("bench-bmp: fork");
		return (-1);
	}
	if (pid == 0) {
		/* The router: connect and write everything, then linger
		 * until the collector is done (the parent kills us). */
		fd = socket(AF_INET, SOCK_STREAM, 0);
		memset(&sin, 0, sizeof sin);
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sin.sin_port = htons((uint16_t)collect_bmp_port(c));
		if (fd == -1 || connect(fd, (struct sockaddr *)&sin,
		    sizeof sin) == -1)
			_exit(2);
		for (off = 0; off < st->len; off += (size_t)w)
			if ((w = write(fd, st->buf + off, st->len - off)) <= 0)
				_exit(3);
		pause();
		_exit(0);
	}

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
	*secs = bench_now() - t0;
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	if (!done) {
		fprintf(stderr, "bench-bmp: timed out\n");
		return (-1);
	}
	*prefixes = 0;
	for (i = 0; i < rib_npeers(rib); i++) {
		rp = rib_peer(rib, (int)i);
		*prefixes += rp->announced + rp->withdrawn;
	}
	rib_stats(rib, &rs);
	*routes = rs.routes;
	if (ri.errors != 0)
		fprintf(stderr, "bench-bmp: %ju UPDATEs refused: %s\n",
		    (uintmax_t)ri.errors, ri.last_error);
	model_free(m);
	rib_free(rib);
	event_base_free(base);
	return (0);
}

int
main(int argc, char **argv)
{
	struct bench_bmp_stream	 st;
	double			 secs[BENCH_BMP_MAXRUNS], t, best;
	uint64_t		 prefixes = 0;
	size_t			 routes = 0, i;
	int			 ch, runs = 1;

	while ((ch = getopt(argc, argv, "n:")) != -1) {
		switch (ch) {
		case 'n':
			runs = atoi(optarg);
			if (runs < 1 || runs > BENCH_BMP_MAXRUNS)
				runs = 1;
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
	for (i = 0; i < (size_t)runs; i++)
		if (bench_bmp_run(&st, &secs[i], &prefixes, &routes) == -1)
			return (1);
	t = bench_median(secs, runs);
	best = (double)prefixes / t;
	printf("bench-bmp: %s: %ju Route Monitoring messages from %zu "
	    "peers, %.1f MB over loopback TCP\n", argv[0],
	    (uintmax_t)st.messages, st.npeers, (double)st.len / 1e6);
	printf("bench-bmp: %ju prefixes (announced + withdrawn, %.2f per "
	    "UPDATE) into the RIB in %.3f s (median of %d): %.0f prefixes/s; "
	    "%zu routes held at the end\n", (uintmax_t)prefixes,
	    (double)prefixes / (double)st.messages, t, runs, best, routes);
	printf("bench-bmp: target %.0f prefixes/s on one core: %s\n",
	    BENCH_BMP_TARGET, best >= BENCH_BMP_TARGET ? "PASS" : "MISS");
	free(st.buf);
	return (0);

usage:
	fprintf(stderr, "usage: bench-bmp [-n runs] file\n");
	return (1);
}
