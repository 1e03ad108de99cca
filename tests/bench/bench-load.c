/* SPDX-License-Identifier: ISC */
/*
 * The routers of tests/bench/bench-load.sh: N BMP routers, each on its own
 * TCP connection, each sending the same full IPv4 + IPv6 table as fast as
 * the collector reads it.  The table is built once from real MRT files:
 *
 *   BGP4MP / BGP4MP_ET files: every UPDATE as the router packed it (the
 *     577k-prefix updates.et-header.2015 is a whole IPv4 table);
 *   TABLE_DUMP_V2 RIB files (IPv4 and IPv6): the first entry of every
 *     prefix, its attributes made into an UPDATE of that one prefix
 *     (RFC 6396 4.3.4 keeps only the next hop of MP_REACH_NLRI: the
 *     attribute is written out again whole, RFC 4760 3).
 *
 * Each router (sysName from the sessions file) sends an Initiation
 * (RFC 7854 4.3), a Peer Up (4.10) for each of its sessions, then the
 * table as Route Monitoring (4.6) of its first session.  A router that
 * has written everything waits until its socket's send queue is empty
 * (the collector has read every byte) and says so on stdout:
 *   "drained ROUTER SECONDS MESSAGES BYTES"
 * (seconds since the start), then stays connected until killed: a closed
 * connection would take its peers down.  The parent first prints
 * "table UPDATES BYTES"; on SIGTERM it ends the routers and exits.
 *
 * usage: bench-load -p PORT -s SESSIONS-FILE file.mrt[.gz] ...
 *   SESSIONS-FILE: lines "ROUTER NEIGHBOR AS", grouped by router.
 */

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <linux/sockios.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/decode-bgp.h"
#include "core/decode-bmp.h"
#include "core/decode-mrt.h"
#include "core/util.h"
#include "tests/bench/bench-util.h"

#define BENCH_LOAD_ROUTERS	64
#define BENCH_LOAD_CHUNK	(1024 * 1024)
#define BENCH_LOAD_AS_TRANS	23456		/* RFC 6793 9 */

/* The table: BGP messages, each after one byte saying 4-octet AS_PATH. */
struct bench_load_table {
	uint8_t		*buf;
	size_t		 len, cap;
	uint64_t	 updates;
};

struct bench_load_session {
	struct addr	 addr;
	uint32_t	 as;
};

struct bench_load_router {
	char				 name[64];
	struct bench_load_session	*sessions;
	size_t				 nsessions;
};

/* One router's output, written in chunks as it is made. */
struct bench_load_out {
	int		 fd;
	uint8_t		*buf;
	size_t		 len;
	uint64_t	 bytes, messages;
};

static void	 bench_load_term_cb(int);
static void	 bench_load_noop_cb(const struct mrt_elem *, void *);
static void	 bench_load_grow(uint8_t **, size_t *, size_t, size_t);
static void	 bench_load_add(struct bench_load_table *, int, const void *,
		    size_t);
static int	 bench_load_attrs_update(struct bench_load_table *,
		    const struct prefix *, struct buf *);
static int	 bench_load_file(struct bench_load_table *, const char *);
static int	 bench_load_sessions(const char *, struct bench_load_router *,
		    size_t *);
static void	 bench_load_write(struct bench_load_out *, const void *,
		    size_t);
static void	 bench_load_flush(struct bench_load_out *);
static void	 bench_load_bmp(struct bench_load_out *, uint8_t,
		    const struct bench_load_session *, int, const uint8_t *,
		    size_t, const uint8_t *, size_t);
static size_t	 bench_load_open_msg(uint8_t *, uint32_t, uint32_t);
static void	 bench_load_router_run(const struct bench_load_router *,
		    const struct bench_load_table *, int, double);

static volatile sig_atomic_t bench_load_term;

static void
bench_load_term_cb(int sig)
{
	(void)sig;
	bench_load_term = 1;
}

static void
bench_load_grow(uint8_t **p, size_t *cap, size_t len, size_t more)
{
	if (len + more <= *cap)
		return;
	if (*cap == 0)
		*cap = BENCH_LOAD_CHUNK;
	while (len + more > *cap)
		*cap *= 2;
	*p = xreallocarray(*p, *cap, 1);
}

static void
bench_load_add(struct bench_load_table *t, int as4, const void *msg,
    size_t len)
{
	bench_load_grow(&t->buf, &t->cap, t->len, len + 1);
	t->buf[t->len++] = (uint8_t)as4;
	memcpy(t->buf + t->len, msg, len);
	t->len += len;
	t->updates++;
}

/*
 * RFC 4271 4.3: an UPDATE announcing pfx with a RIB entry's attributes;
 * for IPv6 the NLRI goes into MP_REACH_NLRI (RFC 4760 3), rebuilt from
 * the next hop the dump kept.  An IPv4 entry's MP_REACH_NLRI is dropped.
 */
static int
bench_load_attrs_update(struct bench_load_table *t, const struct prefix *pfx,
    struct buf *attrs)
{
	uint8_t		 m[8192], flags, type, nhlen;
	struct buf	 v;
	size_t		 n = 23, plen = (pfx->len + 7) / 8, alen, mp;
	uint16_t	 l16;
	uint8_t		 l8;

	memset(m, 0xff, 16);				/* marker */
	m[18] = 2;					/* UPDATE */
	m[19] = m[20] = 0;				/* no withdrawals */
	while (buf_left(attrs) > 0) {
		if (buf_get_u8(attrs, &flags) || buf_get_u8(attrs, &type))
			return (-1);
		if (flags & 0x10) {
			if (buf_get_u16(attrs, &l16))
				return (-1);
		} else {
			if (buf_get_u8(attrs, &l8))
				return (-1);
			l16 = l8;
		}
		if (buf_sub(attrs, &v, l16) || n + 4 + l16 + 64 > sizeof m)
			return (-1);
		if (type != 14) {			/* copied as it is */
			m[n++] = flags | 0x10;
			m[n++] = type;
			m[n++] = (uint8_t)(l16 >> 8);
			m[n++] = (uint8_t)l16;
			memcpy(m + n, buf_ptr(&v), l16);
			n += l16;
			continue;
		}
		if (pfx->addr.af != AF_INET6 || buf_get_u8(&v, &nhlen) ||
		    buf_left(&v) < nhlen)
			continue;
		/* AFI, SAFI, next hop, reserved, the one prefix. */
		mp = 2 + 1 + 1 + nhlen + 1 + 1 + plen;
		m[n++] = 0x80 | 0x10;			/* optional, extended */
		m[n++] = 14;
		m[n++] = (uint8_t)(mp >> 8);
		m[n++] = (uint8_t)mp;
		m[n++] = 0;
		m[n++] = 2;				/* AFI IPv6 */
		m[n++] = 1;				/* SAFI unicast */
		m[n++] = nhlen;
		memcpy(m + n, buf_ptr(&v), nhlen);
		n += nhlen;
		m[n++] = 0;				/* reserved */
		m[n++] = pfx->len;
		memcpy(m + n, pfx->addr.b, plen);
		n += plen;
	}
	alen = n - 23;
	m[21] = (uint8_t)(alen >> 8);
	m[22] = (uint8_t)alen;
	if (pfx->addr.af == AF_INET) {			/* NLRI */
		m[n++] = pfx->len;
		memcpy(m + n, pfx->addr.b, plen);
		n += plen;
	}
	m[16] = (uint8_t)(n >> 8);
	m[17] = (uint8_t)n;
	bench_load_add(t, 1, m, n);			/* dumps: 4-octet */
	return (0);
}

static void
bench_load_noop_cb(const struct mrt_elem *e, void *arg)
{
	(void)e;
	(void)arg;
}

/* Every UPDATE of one MRT file into the table (see the top). */
static int
bench_load_file(struct bench_load_table *t, const char *path)
{
	struct mrt_reader	*rd;
	struct mrt_record	 rec;
	struct mrt_decoder	 d;
	struct mrt_bgp4mp_hdr	 h;
	struct mrt_rib_entry	 e;
	struct prefix		 pfx;
	struct buf		 b;
	const char		*what;
	char			*cause = NULL;
	uint8_t			 safi;
	uint16_t		 count;
	int			 rv, af, addpath;

	if ((rd = decode_mrt_open(path, &cause)) == NULL) {
		fprintf(stderr, "bench-load: %s\n", cause);
		free(cause);
		return (-1);
	}
	decode_mrt_init(&d);
	while ((rv = decode_mrt_next(rd, &rec, &cause)) == 1) {
		buf_init(&b, rec.body, rec.len);
		switch (decode_mrt_kind(&rec, &af, &safi, &addpath)) {
		case MRT_KIND_PEER_INDEX:
			if (decode_mrt_record(&d, &rec, path,
			    bench_load_noop_cb, NULL, &cause) != 0)
				goto bad;
			break;
		case MRT_KIND_RIB:
			if (safi != 1 || decode_mrt_rib_header(&b, af, &pfx,
			    &count, &what) != 0 || count == 0 ||
			    decode_mrt_rib_entry(&d, &b, addpath, &e,
			    &what) != 0)
				break;
			bench_load_attrs_update(t, &pfx, &e.attrs);
			break;
		case MRT_KIND_BGP4MP:
			cause = NULL;
			if (decode_mrt_bgp4mp_header(&d, &rec, &b, &h, &what,
			    &cause) != 0) {
				free(cause);
				break;
			}
			if (h.state || h.addpath || h.msg_type != 2)
				break;
			/* The whole message: b is still at its header. */
			bench_load_add(t, h.as4, buf_ptr(&b),
			    BGP_HEADER_LEN + h.msg_len);
			break;
		default:
			break;
		}
	}
	decode_mrt_free(&d);
	decode_mrt_close(rd);
	if (rv == -1) {
		fprintf(stderr, "bench-load: %s\n", cause);
		free(cause);
		return (-1);
	}
	return (0);
bad:
	fprintf(stderr, "bench-load: %s\n", cause);
	free(cause);
	decode_mrt_free(&d);
	decode_mrt_close(rd);
	return (-1);
}

static int
bench_load_sessions(const char *path, struct bench_load_router *r,
    size_t *nr)
{
	FILE				*f;
	char				 line[256], name[64], nb[64];
	unsigned long			 as;
	struct bench_load_router	*cur = NULL;
	struct bench_load_session	*s;

	if ((f = fopen(path, "r")) == NULL) {
		perror(path);
		return (-1);
	}
	*nr = 0;
	while (fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "%63s %63s %lu", name, nb, &as) != 3)
			continue;
		if (cur == NULL || strcmp(cur->name, name) != 0) {
			if (*nr == BENCH_LOAD_ROUTERS) {
				fprintf(stderr, "bench-load: too many "
				    "routers\n");
				fclose(f);
				return (-1);
			}
			cur = &r[(*nr)++];
			strlcpy_pt(cur->name, name, sizeof cur->name);
		}
		cur->sessions = xreallocarray(cur->sessions,
		    cur->nsessions + 1, sizeof *cur->sessions);
		s = &cur->sessions[cur->nsessions++];
		if (addr_parse(nb, &s->addr) != 0) {
			fprintf(stderr, "bench-load: bad address %s\n", nb);
			fclose(f);
			return (-1);
		}
		s->as = (uint32_t)as;
	}
	fclose(f);
	return (*nr > 0 ? 0 : -1);
}

static void
bench_load_flush(struct bench_load_out *o)
{
	size_t	 off;
	ssize_t	 w;

	for (off = 0; off < o->len; off += (size_t)w) {
		if ((w = write(o->fd, o->buf + off, o->len - off)) == -1 &&
		    errno == EINTR)
			w = 0;
		else if (w <= 0)
			_exit(3);
	}
	o->bytes += o->len;
	o->len = 0;
}

static void
bench_load_write(struct bench_load_out *o, const void *p, size_t len)
{
	if (o->len + len > BENCH_LOAD_CHUNK)
		bench_load_flush(o);
	memcpy(o->buf + o->len, p, len);
	o->len += len;
}

/*
 * RFC 7854 4.1 common header and 4.2 per-peer header (global instance
 * peer, 4-octet AS_PATH unless as4 is 0), then a and b (either may be
 * empty).
 */
static void
bench_load_bmp(struct bench_load_out *o, uint8_t type,
    const struct bench_load_session *s, int as4, const uint8_t *a,
    size_t alen, const uint8_t *b, size_t blen)
{
	uint8_t		 h[BMP_HDR_LEN + BMP_PEER_HDR_LEN];
	uint32_t	 len = (uint32_t)(sizeof h + alen + blen);
	uint8_t		 v6 = s->addr.af == AF_INET6;

	memset(h, 0, sizeof h);
	h[0] = BMP_VERSION;
	h[1] = (uint8_t)(len >> 24);
	h[2] = (uint8_t)(len >> 16);
	h[3] = (uint8_t)(len >> 8);
	h[4] = (uint8_t)len;
	h[5] = type;
	h[6] = BMP_PEER_GLOBAL;
	h[7] = (v6 ? BMP_PEER_FLAG_V : 0) | (as4 ? 0 : BMP_PEER_FLAG_A);
	/* h[8..15] distinguisher 0; h[16..31] the address */
	memcpy(h + (v6 ? 16 : 28), s->addr.b, v6 ? 16 : 4);
	h[32] = (uint8_t)(s->as >> 24);			/* peer AS */
	h[33] = (uint8_t)(s->as >> 16);
	h[34] = (uint8_t)(s->as >> 8);
	h[35] = (uint8_t)s->as;
	memcpy(h + 36, h + 28, 4);			/* peer BGP id */
	/* h[40..47] timestamp 0 */
	bench_load_write(o, h, sizeof h);
	if (alen > 0)
		bench_load_write(o, a, alen);
	if (blen > 0)
		bench_load_write(o, b, blen);
	o->messages++;
}

/* RFC 4271 4.2 OPEN with IPv4 and IPv6 unicast (RFC 4760 8) and 4-octet
 * AS numbers (RFC 6793 3). */
static size_t
bench_load_open_msg(uint8_t *m, uint32_t as, uint32_t id)
{
	static const uint8_t	 caps[] = {
		2, 18,				/* capabilities parameter */
		1, 4, 0, 1, 0, 1,		/* MP IPv4 unicast */
		1, 4, 0, 2, 0, 1,		/* MP IPv6 unicast */
		65, 4, 0, 0, 0, 0		/* 4-octet AS, filled below */
	};
	uint16_t		 as2 = as > 0xffff ? BENCH_LOAD_AS_TRANS :
				    (uint16_t)as;
	size_t			 n = 29 + sizeof caps;

	memset(m, 0xff, 16);
	m[16] = (uint8_t)(n >> 8);
	m[17] = (uint8_t)n;
	m[18] = 1;					/* OPEN */
	m[19] = 4;					/* version */
	m[20] = (uint8_t)(as2 >> 8);
	m[21] = (uint8_t)as2;
	m[22] = 0;					/* hold time 90 */
	m[23] = 90;
	memcpy(m + 24, &id, 4);
	m[28] = sizeof caps;
	memcpy(m + 29, caps, sizeof caps);
	m[29 + 16] = (uint8_t)(as >> 24);
	m[29 + 17] = (uint8_t)(as >> 16);
	m[29 + 18] = (uint8_t)(as >> 8);
	m[29 + 19] = (uint8_t)as;
	return (n);
}

/* A child: connect, send, wait for the queue to empty, report, linger. */
static void
bench_load_router_run(const struct bench_load_router *r,
    const struct bench_load_table *t, int port, double t0)
{
	struct bench_load_out	 o;
	struct sockaddr_in	 sin;
	uint8_t			 init[128], up[20 + 2 * 64], open[64];
	size_t			 i, n, off, len;
	uint32_t		 id;
	int			 queued;

	memset(&o, 0, sizeof o);
	o.buf = xmalloc(BENCH_LOAD_CHUNK);
	if ((o.fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		_exit(2);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	if (connect(o.fd, (struct sockaddr *)&sin, sizeof sin) == -1) {
		perror("bench-load: connect");
		_exit(2);
	}

	/* RFC 7854 4.3: Initiation, sysName (type 2). */
	n = strlen(r->name);
	len = BMP_HDR_LEN + 4 + n;
	init[0] = BMP_VERSION;
	init[1] = init[2] = init[3] = 0;
	init[4] = (uint8_t)len;
	init[5] = BMP_INITIATION;
	init[6] = 0;
	init[7] = 2;
	init[8] = 0;
	init[9] = (uint8_t)n;
	memcpy(init + 10, r->name, n);
	bench_load_write(&o, init, len);

	/* RFC 7854 4.10: local address and ports, the two OPENs. */
	for (i = 0; i < r->nsessions; i++) {
		memset(up, 0, 20);
		up[16] = 0;				/* local port 179 */
		up[17] = 179;
		up[18] = (uint8_t)(40000 >> 8);		/* remote port */
		up[19] = (uint8_t)(40000 & 0xff);
		id = htonl(0x0a000001);
		len = bench_load_open_msg(open, 8075, id);
		memcpy(up + 20, open, len);
		memcpy(&id, r->sessions[i].addr.af == AF_INET ?
		    r->sessions[i].addr.b : r->sessions[i].addr.b + 12, 4);
		n = bench_load_open_msg(open, r->sessions[i].as, id);
		memcpy(up + 20 + len, open, n);
		bench_load_bmp(&o, BMP_PEER_UP, &r->sessions[i], 1, up,
		    20 + len + n, NULL, 0);
	}

	/* RFC 7854 4.6: the table on the first session. */
	for (off = 0; off < t->len; off += 1 + len) {
		len = ((size_t)t->buf[off + 17] << 8) | t->buf[off + 18];
		bench_load_bmp(&o, BMP_ROUTE_MONITORING, &r->sessions[0],
		    t->buf[off], t->buf + off + 1, len, NULL, 0);
	}
	bench_load_flush(&o);

	/* The collector has read it all when our send queue is empty. */
	for (;;) {
		if (ioctl(o.fd, SIOCOUTQ, &queued) == -1 || queued == 0)
			break;
		usleep(1000);
	}
	printf("drained %s %.3f %ju %ju\n", r->name, bench_now() - t0,
	    (uintmax_t)o.messages, (uintmax_t)o.bytes);
	fflush(stdout);
	for (;;)
		pause();
}

int
main(int argc, char **argv)
{
	static struct bench_load_router	 routers[BENCH_LOAD_ROUTERS];
	struct bench_load_table		 t;
	const char			*sessions = NULL;
	pid_t				 pids[BENCH_LOAD_ROUTERS], pid;
	struct sigaction		 sa;
	size_t				 nr = 0, i;
	double				 t0;
	int				 ch, port = 0, status, a;

	while ((ch = getopt(argc, argv, "p:s:")) != -1) {
		switch (ch) {
		case 'p':
			port = atoi(optarg);
			break;
		case 's':
			sessions = optarg;
			break;
		default:
			goto usage;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || port <= 0 || port > 65535 || sessions == NULL)
		goto usage;
	signal(SIGPIPE, SIG_IGN);
	log_open(NULL, LOG_LVL_WARN);
	if (bench_load_sessions(sessions, routers, &nr) == -1)
		return (1);
	memset(&t, 0, sizeof t);
	for (a = 0; a < argc; a++)
		if (bench_load_file(&t, argv[a]) == -1)
			return (1);
	printf("table %ju %zu\n", (uintmax_t)t.updates, t.len);
	fflush(stdout);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = bench_load_term_cb;	/* no SA_RESTART: wait() ends */
	sigaction(SIGTERM, &sa, NULL);
	t0 = bench_now();
	for (i = 0; i < nr; i++) {
		if ((pids[i] = fork()) == -1) {
			perror("bench-load: fork");
			return (1);
		}
		if (pids[i] == 0) {
			signal(SIGTERM, SIG_DFL);
			bench_load_router_run(&routers[i], &t, port, t0);
		}
	}
	/* The children linger; one exiting early is a failed run. */
	for (;;) {
		pid = wait(&status);
		if (pid == -1 && errno == EINTR && !bench_load_term)
			continue;
		for (i = 0; i < nr; i++)
			if (pids[i] != pid)
				kill(pids[i], SIGTERM);
		while (wait(NULL) != -1 || errno == EINTR)
			;
		if (bench_load_term)
			return (0);
		fprintf(stderr, "bench-load: a router exited (%d)\n",
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return (1);
	}

usage:
	fprintf(stderr, "usage: bench-load -p port -s sessions file ...\n");
	return (1);
}
