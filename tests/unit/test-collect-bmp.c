/* SPDX-License-Identifier: ISC */
/*
 * The BMP collector on a real loopback socket: the collector listens on an
 * ephemeral port, plain client sockets stream the real router captures of
 * tests/data/bmp/ in small chunks while the event loop runs, and the
 * configured sessions must follow the Peer Up / Peer Down messages.  A
 * garbage stream closes only its own connection; the allow list, the
 * connection limit and a failed bind are checked too; the BGP Roles of a
 * Peer Up's OPENs (RFC 9234) reach the session.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <event2/event.h>

#include "core/collect-bmp.h"
#include "core/decode-bmp.h"
#include "core/eval.h"
#include "core/model.h"
#include "core/rib.h"
#include "core/routemon.h"
#include "core/util.h"
#include "tests/unit/unit.h"

#define FRR_ROUTER	"daisy-ietf-ipf-zbl1843-r-daisy-58"
#define CAP_205		"205-BMP-6wind-FRR-peer_down/traffic-00.bmp"
#define CAP_206		"206-BMP-high-availability/traffic-00.bmp"
#define CAP_201		"201-BMP-CISCO-rd_instance/traffic-00.bmp"
#define CAP_200		"200-BMP-HUAWEI-locrib_instance/traffic-00.bmp"
#define CISCO_ROUTER	"ipf-zbl1843-r-daisy-55"
#define HUAWEI_ROUTER	"ipf-zbl1843-r-daisy-61"
#define CHUNK		509	/* odd, so messages straddle chunks */
#define NTRANS		64

struct file {
	uint8_t	*data;
	size_t	 len;
};

/* A client connection streaming a capture. */
struct client {
	int		 fd;
	struct file	 f;
	size_t		 off;
};

struct trans {
	const struct session	*s;
	enum bgp_state		 state;
	char			 error[ERR_MAX];
};

struct fixture {
	struct event_base	*base;
	struct model		*m;
	struct collector	*c;
	struct event		*ev_tick;
	struct trans		 trans[NTRANS];
	size_t			 ntrans;
	size_t			 want;		/* for pred_routers/refused */
};

/* A capture from tests/data/bmp. */
static struct file
load(const char *name)
{
	struct test_file	 t = test_load("tests/data/bmp", name);
	struct file		 f = { (uint8_t *)t.data, t.len };

	return (f);
}

static struct session *
add_session(struct model *m, struct partner *p, const char *name,
    const char *neighbor, const char *router)
{
	struct session	*s;

	s = xcalloc(1, sizeof *s);
	strlcpy_pt(s->name, name, sizeof s->name);
	assert_int_equal(addr_parse(neighbor, &s->neighbor), 0);
	strlcpy_pt(s->router, router, sizeof s->router);
	strlcpy_pt(s->edge, "sea", sizeof s->edge);
	s->partner = p;
	m->sessions = xreallocarray(m->sessions, m->nsessions + 1,
	    sizeof *m->sessions);
	m->sessions[m->nsessions++] = s;
	p->sessions = xreallocarray(p->sessions, p->nsessions + 1,
	    sizeof *p->sessions);
	p->sessions[p->nsessions++] = s;
	return (s);
}

/* The model's sink: remember every transition with its error text. */
static void
sink_state(void *arg, const struct session *s, enum bgp_state old,
    int64_t when)
{
	struct fixture	*f = arg;
	struct trans	*t;

	if (f->ntrans >= NTRANS)
		return;
	t = &f->trans[f->ntrans++];
	t->s = s;
	t->state = s->state;
	strlcpy_pt(t->error, s->last_error, sizeof t->error);
}

static void
tick_cb(evutil_socket_t fd, short events, void *arg)
{
}

static int
fixture_setup(void **state)
{
	struct fixture	*f;
	struct partner	*p;
	struct edge	 e;
	struct timeval	 tv = { 0, 10000 };

	f = xcalloc(1, sizeof *f);
	f->base = event_base_new();
	f->m = model_new();
	f->m->sink.arg = f;
	f->m->sink.session_state = sink_state;
	memset(&e, 0, sizeof e);
	strlcpy_pt(e.code, "sea", sizeof e.code);
	strlcpy_pt(e.metro, "Seattle", sizeof e.metro);
	model_edge_set(f->m, &e);

	p = xcalloc(1, sizeof *p);
	strlcpy_pt(p->name, "example-isp", sizeof p->name);
	p->asn = 64496;
	f->m->partners = xcalloc(1, sizeof *f->m->partners);
	f->m->partners[f->m->npartners++] = p;
	add_session(f->m, p, "s44", "203.0.113.44", FRR_ROUTER);
	add_session(f->m, p, "s28", "203.0.113.28", FRR_ROUTER);
	add_session(f->m, p, "s22", "198.51.100.22", FRR_ROUTER);
	/* The same neighbor behind another router: never reported. */
	add_session(f->m, p, "other", "203.0.113.44", "lax-r1");

	f->c = xcalloc(1, sizeof *f->c);
	f->c->ops = &collector_bmp;
	strlcpy_pt(f->c->name, "bmp", sizeof f->c->name);
	f->c->listen.af = AF_INET;
	f->c->listen.v4.s_addr = htonl(INADDR_LOOPBACK);
	f->c->port = 0;
	assert_int_equal(prefix_parse("127.0.0.0/8", &f->c->allow[0]), 0);
	f->c->nallow = 1;
	f->m->collectors = xcalloc(1, sizeof *f->m->collectors);
	f->m->collectors[f->m->ncollectors++] = f->c;

	f->ev_tick = event_new(f->base, -1, EV_PERSIST, tick_cb, f);
	event_add(f->ev_tick, &tv);
	*state = f;
	return (0);
}

static int
fixture_teardown(void **state)
{
	struct fixture	*f = *state;

	if (f->m != NULL)
		model_free(f->m);	/* stops the collector */
	event_free(f->ev_tick);
	event_base_free(f->base);
	free(f);
	return (0);
}

static void
fixture_start(struct fixture *f)
{
	char	*cause = NULL;

	if (collector_bmp.start(f->c, f->m, f->base, &cause) != 0)
		fail_msg("start: %s", cause);
	assert_int_equal(f->c->state, COL_UP);
	assert_true(collect_bmp_port(f->c) > 0);
}

/* A non-blocking client connected to the collector, from src if given. */
static int
client_connect(struct fixture *f, const char *src)
{
	struct sockaddr_in	 sin;
	int			 fd, flags;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd != -1);
	if (src != NULL) {
		memset(&sin, 0, sizeof sin);
		sin.sin_family = AF_INET;
		assert_int_equal(inet_pton(AF_INET, src, &sin.sin_addr), 1);
		assert_int_equal(bind(fd, (struct sockaddr *)&sin,
		    sizeof sin), 0);
	}
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)collect_bmp_port(f->c));
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	flags = fcntl(fd, F_GETFL);
	assert_int_equal(fcntl(fd, F_SETFL, flags | O_NONBLOCK), 0);
	return (fd);
}

/* Write up to limit bytes of the capture in CHUNK pieces, running the
 * loop between them; returns when done or after max_ms. */
static void
client_stream(struct fixture *f, struct client *cl, size_t limit, int max_ms)
{
	uint64_t	 start = now_mono_ms();
	size_t		 n;
	ssize_t		 w;

	if (limit > cl->f.len)
		limit = cl->f.len;
	while (cl->off < limit && now_mono_ms() - start < (uint64_t)max_ms) {
		n = limit - cl->off;
		if (n > CHUNK)
			n = CHUNK;
		w = send(cl->fd, cl->f.data + cl->off, n, MSG_NOSIGNAL);
		if (w == -1) {
			if (errno != EAGAIN && errno != EINTR)
				fail_msg("send: %s", strerror(errno));
		} else
			cl->off += (size_t)w;
		event_base_loop(f->base, EVLOOP_NONBLOCK);
	}
	assert_int_equal(cl->off, limit);
}

/* Run the loop for ms, or until pred(f) holds. */
static void
run_for(struct fixture *f, int (*pred)(struct fixture *), int ms)
{
	uint64_t	 start = now_mono_ms();

	while ((pred == NULL || !pred(f)) &&
	    now_mono_ms() - start < (uint64_t)ms)
		event_base_loop(f->base, EVLOOP_ONCE);
}

static int
pred_s44_idle_twice(struct fixture *f)
{
	size_t	 i, n = 0;

	for (i = 0; i < f->ntrans; i++)
		if (strcmp(f->trans[i].s->name, "s44") == 0 &&
		    f->trans[i].state == BGP_IDLE)
			n++;
	return (n >= 2);
}

static int
pred_no_routers(struct fixture *f)
{
	return (collect_bmp_routers(f->c) == 0);
}

static int
pred_one_router(struct fixture *f)
{
	return (collect_bmp_routers(f->c) == 1);
}

static int
pred_routers(struct fixture *f)
{
	return (collect_bmp_routers(f->c) == f->want);
}

static int
pred_refused(struct fixture *f)
{
	return (collect_bmp_refused(f->c) == f->want);
}

/* The peer closed (or reset) the connection within 5 s. */
static int
client_closed(int fd)
{
	struct pollfd	 pfd = { fd, POLLIN, 0 };
	char		 c;
	ssize_t		 n;

	if (poll(&pfd, 1, 5000) != 1)
		return (0);
	n = recv(fd, &c, 1, 0);
	return (n == 0 || (n == -1 && errno != EAGAIN));
}

static int
pred_s28_up(struct fixture *f)
{
	return (model_session_find(f->m, "s28")->state == BGP_ESTABLISHED);
}

/*
 * What the decoder alone says about a peer's Statistics Reports in a
 * capture: the last value of each type below 16 and the report count.
 */
static void
expected_stats(const struct file *cap, const char *peer, uint64_t *last,
    uint64_t *reports)
{
	struct bmp_framer	 fr;
	struct bmp_ctx		 ctx;
	struct bmp_msg		*msg;
	struct addr		 a;
	const uint8_t		*p;
	size_t			 len, i;
	uint64_t		 off;
	char			*cause = NULL;

	assert_int_equal(addr_parse(peer, &a), 0);
	memset(last, 0, 18 * sizeof *last);
	*reports = 0;
	msg = xmalloc(sizeof *msg);
	decode_bmp_framer_init(&fr);
	decode_bmp_ctx_init(&ctx);
	assert_int_equal(decode_bmp_framer_feed(&fr, cap->data, cap->len,
	    &cause), 0);
	while (decode_bmp_framer_next(&fr, &p, &len, &off, &cause) == 1) {
		assert_int_equal(decode_bmp(&ctx, p, len, off, msg, &cause),
		    0);
		if (msg->type == BMP_STATISTICS &&
		    msg->peer.type != BMP_PEER_LOC_RIB &&
		    addr_cmp(&msg->peer.addr, &a) == 0) {
			(*reports)++;
			for (i = 0; i < msg->nstats; i++)
				if (msg->stats[i].type < 18)
					last[msg->stats[i].type] =
					    msg->stats[i].value;
		}
		decode_bmp_msg_free(msg);
	}
	decode_bmp_framer_free(&fr);
	decode_bmp_ctx_free(&ctx);
	free(msg);
}

/* The collector keeps each peer's counters as the decoder reads them. */
static void
check_stats(struct fixture *f, const struct file *cap, const char *peer)
{
	struct addr	 a;
	struct bmp_peer_info	 pi;
	uint64_t	 last[18], reports, v, n;
	unsigned int	 t, prev = 0, nonzero = 0;
	const char	*name;
	size_t		 j, k;

	expected_stats(cap, peer, last, &reports);
	assert_true(reports > 0);
	assert_int_equal(addr_parse(peer, &a), 0);
	for (t = 0; t < 18; t++) {
		assert_int_equal(collect_bmp_stat(f->c, FRR_ROUTER, &a, t, &v,
		    &n), 0);
		assert_int_equal(v, last[t]);
		assert_int_equal(n, reports);
		if (v != 0)
			nonzero++;
	}
	/* The same counters through the TUI's accessor, in type order. */
	for (j = 0; collect_bmp_peer_info(f->c, 0, j, &pi); j++)
		if (strcmp(pi.addr, peer) == 0)
			break;
	assert_string_equal(pi.addr, peer);
	assert_int_equal(pi.stat_reports, reports);
	for (k = 0; collect_bmp_peer_stat(f->c, 0, j, k, &t, &name, &v); k++) {
		assert_string_equal(name, decode_bmp_stat_name(t));
		assert_true(t < 18);
		assert_true(k == 0 || t > prev);
		assert_int_equal(v, last[t]);
		prev = t;
	}
	assert_true(k > 0);
	print_message("# %s: %ju reports, %u nonzero counters\n", peer,
	    (uintmax_t)reports, nonzero);
	assert_int_equal(collect_bmp_stat(f->c, "nobody", &a, 0, &v, &n), -1);
	assert_int_equal(collect_bmp_stat(f->c, FRR_ROUTER, &a, 18, &v, &n),
	    -1);
}

/* Start the collector and stream a capture into it, then wait for pred. */
static void
stream_capture(struct fixture *f, struct client *cl, const char *name,
    int (*pred)(struct fixture *))
{
	fixture_start(f);
	memset(cl, 0, sizeof *cl);
	cl->f = load(name);
	cl->fd = client_connect(f, NULL);
	client_stream(f, cl, cl->f.len, 10000);
	run_for(f, pred, 5000);
}

/*
 * Capture 205 (6WIND/FRR): 203.0.113.44 comes up, goes down twice with
 * Cease NOTIFICATIONs (Administrative Reset, then Administrative Shutdown;
 * test-bmp.c checks them against pmacct) and comes back each time.
 */
static void
test_peer_up_down(void **state)
{
	struct fixture	*f = *state;
	struct client	 cl;
	struct session	*s44, *s28, *s22, *other;
	const struct trans *t;
	size_t		 i, up = 0, idle = 0;
	char		 d[256];

	stream_capture(f, &cl, CAP_205, pred_s44_idle_twice);

	s44 = model_session_find(f->m, "s44");
	s28 = model_session_find(f->m, "s28");
	other = model_session_find(f->m, "other");

	/* Established on each Peer Up, Idle with the reason on each Down. */
	for (i = 0; i < f->ntrans; i++) {
		t = &f->trans[i];
		if (t->s != s44)
			continue;
		print_message("# s44 -> %s: %s\n", bgp_state_name(t->state),
		    t->error);
		if (t->state == BGP_ESTABLISHED) {
			assert_int_equal(idle, up);
			up++;
		} else if (t->state == BGP_IDLE) {
			assert_int_equal(up, idle + 1);
			idle++;
			assert_non_null(strstr(t->error, "Cease"));
			assert_non_null(strstr(t->error, idle == 1 ?
			    "Reset" : "Shutdown"));
		}
	}
	/* Up, down, up, down, up: the capture ends with the peer back. */
	assert_int_equal(idle, 2);
	assert_int_equal(up, 3);
	assert_int_equal(s44->state, BGP_ESTABLISHED);
	assert_int_equal(s44->flaps, 2);
	assert_int_equal(s44->remote_as, 64496);
	assert_ptr_equal(s44->source, f->c);
	assert_string_equal(s44->proto, FRR_ROUTER);
	/* BMP reports routes: its sessions count in the prefixes' totals. */
	assert_true(collector_bmp.routes);
	assert_false(session_routes_unreported(s44));

	assert_int_equal(s28->state, BGP_ESTABLISHED);
	assert_int_equal(s28->remote_as, 64496);
	assert_string_equal(s28->last_error, "");
	/* Only VPN routes (SAFI 128) from 203.0.113.28: none counted. */
	assert_int_equal(s28->routes_imported, 0);
	/* pmacct: 47 post-policy IPv4 unicast updates from 198.51.100.22 */
	s22 = model_session_find(f->m, "s22");
	assert_int_equal(s22->state, BGP_ESTABLISHED);
	assert_int_equal(s22->routes_imported, 47);
	assert_int_equal(s22->routes_exported, 0);

	assert_int_equal(other->state, BGP_UNKNOWN);
	assert_null(other->source);

	assert_int_equal(collect_bmp_routers(f->c), 1);
	assert_int_equal(f->c->failures, 0);
	check_stats(f, &cl.f, "203.0.113.44");
	check_stats(f, &cl.f, "203.0.113.28");
	collector_bmp.describe(f->c, d, sizeof d);
	print_message("# %s\n", d);
	assert_non_null(strstr(d, "1 router"));
	assert_non_null(strstr(d, "127.0.0.1:"));

	/* The router goes away: its sessions are no longer known. */
	close(cl.fd);
	run_for(f, pred_no_routers, 5000);
	assert_int_equal(collect_bmp_routers(f->c), 0);
	assert_int_equal(s28->state, BGP_UNKNOWN);
	assert_int_equal(f->c->failures, 0);
	free(cl.f.data);
}

/* Garbage closes only its own connection; the other router carries on. */
static void
test_garbage(void **state)
{
	struct fixture	*f = *state;
	struct client	 good, bad;
	uint8_t		 junk[64];
	struct session	*s28;

	fixture_start(f);
	memset(&good, 0, sizeof good);
	good.f = load(CAP_206);
	good.fd = client_connect(f, NULL);
	client_stream(f, &good, good.f.len / 2, 10000);

	memset(&bad, 0, sizeof bad);
	memset(junk, 0xff, sizeof junk);	/* BMP version 255 */
	bad.f.data = junk;
	bad.f.len = sizeof junk;
	bad.fd = client_connect(f, NULL);
	f->want = 2;
	run_for(f, pred_routers, 5000);
	assert_int_equal(collect_bmp_routers(f->c), 2);
	client_stream(f, &bad, bad.f.len, 5000);
	run_for(f, pred_one_router, 5000);
	assert_int_equal(collect_bmp_routers(f->c), 1);
	assert_int_equal(f->c->failures, 1);
	assert_int_equal(f->c->state, COL_UP);
	print_message("# %s\n", f->c->error);
	assert_non_null(strstr(f->c->error, "127.0.0.1"));
	/* The collector closed the bad connection: EOF (or a reset). */
	assert_true(client_closed(bad.fd));
	close(bad.fd);

	/* The good one still streams and is decoded. */
	client_stream(f, &good, good.f.len, 10000);
	run_for(f, pred_s28_up, 5000);
	s28 = model_session_find(f->m, "s28");
	assert_int_equal(s28->state, BGP_ESTABLISHED);
	assert_int_equal(collect_bmp_routers(f->c), 1);
	assert_int_equal(f->c->failures, 1);
	close(good.fd);
	free(good.f.data);
}

static int
pred_failures(struct fixture *f)
{
	return (f->c->failures == f->want);
}

/*
 * A stream that ends inside a message (capture 202: 185 bytes announced,
 * 156 present) and a common header announcing 4 GB: each closes its own
 * connection, counted, with the cause shown.
 */
static void
test_truncated_and_huge(void **state)
{
	struct fixture	*f = *state;
	struct client	 cl, huge;
	uint8_t		 hdr[6] = { 3, 0xff, 0xff, 0xff, 0xff, 0 };

	fixture_start(f);
	memset(&cl, 0, sizeof cl);
	cl.f = load("202-BMP-CISCO-HUAWEI-multiple-sources/traffic-02.bmp");
	cl.fd = client_connect(f, NULL);
	client_stream(f, &cl, cl.f.len, 10000);
	shutdown(cl.fd, SHUT_WR);
	f->want = 1;
	run_for(f, pred_failures, 5000);
	assert_int_equal(f->c->failures, 1);
	print_message("# %s\n", f->c->error);
	assert_non_null(strstr(f->c->error, "inside a message (156 bytes "
	    "pending)"));
	/* Named by its sysName (the Initiation came first). */
	assert_non_null(strstr(f->c->error, "router ipf-"));
	assert_int_equal(collect_bmp_routers(f->c), 0);
	close(cl.fd);
	free(cl.f.data);

	memset(&huge, 0, sizeof huge);
	huge.f.data = hdr;
	huge.f.len = sizeof hdr;
	huge.fd = client_connect(f, NULL);
	client_stream(f, &huge, huge.f.len, 5000);
	f->want = 2;
	run_for(f, pred_failures, 5000);
	assert_int_equal(f->c->failures, 2);
	print_message("# %s\n", f->c->error);
	assert_true(client_closed(huge.fd));
	close(huge.fd);
	assert_int_equal(collect_bmp_routers(f->c), 0);
	assert_int_equal(f->c->state, COL_UP);
}

/* Sources outside the allow list, and over the limit, are refused. */
static void
test_allow_and_limit(void **state)
{
	struct fixture	*f = *state;
	int		 fd1, fd2, fd3;

	assert_int_equal(prefix_parse("127.0.0.1/32", &f->c->allow[0]), 0);
	f->c->max_routers = 1;
	fixture_start(f);

	fd1 = client_connect(f, "127.0.0.2");
	f->want = 1;
	run_for(f, pred_refused, 5000);
	assert_int_equal(collect_bmp_routers(f->c), 0);
	assert_int_equal(collect_bmp_refused(f->c), 1);
	assert_true(client_closed(fd1));
	close(fd1);

	fd2 = client_connect(f, "127.0.0.1");
	run_for(f, pred_one_router, 5000);
	assert_int_equal(collect_bmp_routers(f->c), 1);

	fd3 = client_connect(f, NULL);		/* over the limit */
	f->want = 2;
	run_for(f, pred_refused, 5000);
	assert_int_equal(collect_bmp_routers(f->c), 1);
	assert_int_equal(collect_bmp_refused(f->c), 2);
	assert_true(client_closed(fd3));
	close(fd3);
	close(fd2);
	run_for(f, pred_no_routers, 5000);
	assert_int_equal(collect_bmp_routers(f->c), 0);
}

static int
pred_timeouts(struct fixture *f)
{
	return (collect_bmp_timeouts(f->c) == f->want);
}

/*
 * Deadlines: a silent connection is closed init-timeout after it opened,
 * a message begun but not finished message-timeout after its first
 * bytes; a router done sending stays (no hold-time) until hold-time is
 * set.  Each counts as timed out and says why in the collector's error.
 */
static void
test_timeouts(void **state)
{
	struct fixture	*f = *state;
	struct client	 cl;
	uint64_t	 t0;
	uint32_t	 len;
	int		 fd;
	char		 d[256];

	f->c->init_timeout_ms = 200;
	f->c->message_timeout_ms = 300;
	f->c->hold_ms = 700;
	fixture_start(f);

	t0 = now_mono_ms();
	fd = client_connect(f, NULL);
	f->want = 1;
	run_for(f, pred_timeouts, 3000);
	assert_int_equal(collect_bmp_timeouts(f->c), 1);
	assert_true(now_mono_ms() - t0 >= 200);
	assert_non_null(strstr(f->c->error, "no Initiation message within "
	    "200 ms"));
	assert_true(client_closed(fd));
	close(fd);

	/* The Initiation, then the first 6 bytes of the next message. */
	cl.f = load(CAP_205);
	cl.off = 0;
	cl.fd = client_connect(f, NULL);
	len = (uint32_t)cl.f.data[1] << 24 | (uint32_t)cl.f.data[2] << 16 |
	    (uint32_t)cl.f.data[3] << 8 | cl.f.data[4];
	client_stream(f, &cl, len + 6, 2000);
	t0 = now_mono_ms();
	f->want = 2;
	run_for(f, pred_timeouts, 3000);
	assert_int_equal(collect_bmp_timeouts(f->c), 2);
	assert_true(now_mono_ms() - t0 >= 250);
	assert_non_null(strstr(f->c->error, "a message still incomplete "
	    "after 300 ms, 6 bytes of it received"));
	assert_true(client_closed(cl.fd));
	close(cl.fd);

	/* A whole capture: it stays while it sends, and hold-time after. */
	cl.off = 0;
	cl.fd = client_connect(f, NULL);
	client_stream(f, &cl, cl.f.len, 5000);
	run_for(f, NULL, 300);
	assert_int_equal(collect_bmp_routers(f->c), 1);
	f->want = 3;
	run_for(f, pred_timeouts, 3000);
	assert_int_equal(collect_bmp_timeouts(f->c), 3);
	assert_non_null(strstr(f->c->error, "nothing received for 700 ms "
	    "(hold-time)"));
	assert_int_equal(collect_bmp_routers(f->c), 0);
	collector_bmp.describe(f->c, d, sizeof d);
	print_message("# %s\n", d);
	assert_non_null(strstr(d, " routers up, 3 timed out, last error: "));
	close(cl.fd);
	free(cl.f.data);
}

/* A port in use: start fails with a cause naming address and port. */
static void
test_bind_fails(void **state)
{
	struct fixture		*f = *state;
	struct collector	 c2;
	char			*cause = NULL, want[128];

	fixture_start(f);
	memset(&c2, 0, sizeof c2);
	c2.ops = &collector_bmp;
	strlcpy_pt(c2.name, "bmp2", sizeof c2.name);
	c2.port = collect_bmp_port(f->c);
	assert_int_equal(collector_bmp.start(&c2, f->m, f->base, &cause), -1);
	snprintf(want, sizeof want, "bmp: cannot listen on 127.0.0.1:%d: "
	    "Address already in use", c2.port);
	assert_string_equal(cause, want);
	assert_null(c2.priv);
	assert_int_equal(collect_bmp_port(&c2), -1);
	free(cause);
}

/* ------------------------------------------------------------ the RIB */

/*
 * Capture 201 (Cisco IOS-XR, RD instance peers): the IPv4 and IPv6
 * unicast prefixes each peer announced, counted from pmacct's
 * output-bmp-00.json (distinct ip_prefix of route_monitor updates, safi 1,
 * none withdrawn); all peers are pre-policy with route distinguisher
 * 0:64499:<rd>.
 */
static const struct {
	const char	*addr;
	unsigned	 rd;
	size_t		 routes;
} rib201[] = {
	{ "192.0.11.161", 14, 9 }, { "192.0.11.162", 14, 9 },
	{ "192.0.11.219", 14, 11 }, { "192.0.12.171", 24, 9 },
	{ "192.0.12.172", 24, 9 }, { "192.0.13.181", 34, 9 },
	{ "192.0.13.182", 34, 9 }, { "192.0.21.161", 44, 6 },
	{ "192.0.21.162", 44, 6 }, { "192.0.21.219", 44, 1 },
	{ "192.0.22.171", 54, 6 }, { "192.0.22.172", 54, 6 },
	{ "192.0.23.181", 64, 6 }, { "192.0.23.182", 64, 6 },
	{ "192.0.31.161", 74, 5 }, { "192.0.31.162", 74, 5 },
	{ "192.0.31.219", 74, 1 }, { "192.0.32.171", 84, 5 },
	{ "192.0.32.172", 84, 5 }, { "192.0.33.181", 94, 5 },
	{ "192.0.33.182", 94, 5 },
	{ "2001:db8:11::161", 14, 7 }, { "2001:db8:11::162", 14, 6 },
	{ "2001:db8:11::219", 14, 1 }, { "2001:db8:12::171", 24, 6 },
	{ "2001:db8:12::172", 24, 6 }, { "2001:db8:13::181", 34, 6 },
	{ "2001:db8:13::182", 34, 6 }, { "2001:db8:21::161", 44, 6 },
	{ "2001:db8:21::162", 44, 6 }, { "2001:db8:21::219", 44, 1 },
	{ "2001:db8:22::171", 54, 6 }, { "2001:db8:22::172", 54, 6 },
	{ "2001:db8:23::181", 64, 6 }, { "2001:db8:23::182", 64, 6 },
	{ "2001:db8:31::161", 74, 5 }, { "2001:db8:31::162", 74, 5 },
	{ "2001:db8:31::219", 74, 1 }, { "2001:db8:32::171", 84, 5 },
	{ "2001:db8:32::172", 84, 5 }, { "2001:db8:33::181", 94, 3 },
	{ "2001:db8:33::182", 94, 3 },
};

/* RFC 4364 4.2 type 0: 2-octet admin 64499, 4-octet assigned number. */
static uint64_t
rd0(unsigned int n)
{
	return ((uint64_t)64499 << 32 | n);
}

/* The RIB peer of (router, address, distinguisher, kind), or -1. */
static int
rib_peer_of(struct rib *rib, const char *router, const char *addr,
    uint64_t rd, enum rib_peer_kind kind)
{
	struct rib_peer	*rp;
	struct addr	 a;
	size_t		 i;

	memset(&a, 0, sizeof a);
	if (addr != NULL)
		assert_int_equal(addr_parse(addr, &a), 0);
	for (i = 0; i < rib_npeers(rib); i++) {
		rp = rib_peer(rib, (int)i);
		if (strcmp(rp->key.router, router) == 0 &&
		    addr_cmp(&rp->key.addr, &a) == 0 &&
		    rp->key.distinguisher == rd && rp->key.kind == kind)
			return ((int)i);
	}
	return (-1);
}

static size_t
rib_routes(struct rib *rib)
{
	struct rib_stats	 st;

	rib_stats(rib, &st);
	return (st.routes);
}

static size_t	 want_routes;

static int
pred_rib_routes(struct fixture *f)
{
	return (rib_routes(f->m->rib) == want_routes);
}

/* The per-peer header of addr's first Peer Up in a capture (42 bytes). */
static void
peer_header(const struct file *cap, const char *addr, uint8_t *hdr)
{
	struct bmp_framer	 fr;
	struct bmp_ctx		 ctx;
	struct bmp_msg		*msg;
	struct addr		 a;
	const uint8_t		*p;
	size_t			 len;
	uint64_t		 off;
	char			*cause = NULL;
	int			 found = 0;

	assert_int_equal(addr_parse(addr, &a), 0);
	msg = xmalloc(sizeof *msg);
	decode_bmp_framer_init(&fr);
	decode_bmp_ctx_init(&ctx);
	assert_int_equal(decode_bmp_framer_feed(&fr, cap->data, cap->len,
	    &cause), 0);
	while (!found && decode_bmp_framer_next(&fr, &p, &len, &off,
	    &cause) == 1) {
		assert_int_equal(decode_bmp(&ctx, p, len, off, msg, &cause),
		    0);
		if (msg->type == BMP_PEER_UP &&
		    addr_cmp(&msg->peer.addr, &a) == 0) {
			memcpy(hdr, p + BMP_HDR_LEN, BMP_PEER_HDR_LEN);
			found = 1;
		}
		decode_bmp_msg_free(msg);
	}
	decode_bmp_framer_free(&fr);
	decode_bmp_ctx_free(&ctx);
	free(msg);
	assert_true(found);
}

/* A BMP message of type with the per-peer header and body; its length. */
static size_t
bmp_build(uint8_t *out, uint8_t type, const uint8_t *hdr, const uint8_t *body,
    size_t blen)
{
	size_t	 len = BMP_HDR_LEN + BMP_PEER_HDR_LEN + blen;

	out[0] = 3;
	out[1] = (uint8_t)(len >> 24);
	out[2] = (uint8_t)(len >> 16);
	out[3] = (uint8_t)(len >> 8);
	out[4] = (uint8_t)len;
	out[5] = type;
	memcpy(out + BMP_HDR_LEN, hdr, BMP_PEER_HDR_LEN);
	memcpy(out + BMP_HDR_LEN + BMP_PEER_HDR_LEN, body, blen);
	return (len);
}

/* A BGP UPDATE whose withdrawn routes length overruns it (RFC 4271 6.3:
 * a session-reset class error); with a bad marker if marker is 0. */
static size_t
bad_update(uint8_t *out, uint8_t marker)
{
	memset(out, marker, 16);
	out[16] = 0;
	out[17] = 23;
	out[18] = 2;				/* UPDATE */
	out[19] = 0xff;				/* withdrawn length 65535 */
	out[20] = 0xff;
	out[21] = 0;				/* attributes length */
	out[22] = 0;
	return (23);
}

/* A BGP UPDATE announcing 198.51.100.0/24: ORIGIN IGP, AS_PATH 65000
 * (4-octet), NEXT_HOP 192.0.2.1 (RFC 4271 4.3, 5.1). */
static size_t
good_update(uint8_t *out)
{
	static const uint8_t body[] = {
		0, 0,				/* withdrawn length */
		0, 20,				/* attributes length */
		0x40, 1, 1, 0,			/* ORIGIN IGP */
		0x40, 2, 6, 2, 1, 0, 0, 0xfd, 0xe8,	/* AS_PATH 65000 */
		0x40, 3, 4, 192, 0, 2, 1,	/* NEXT_HOP */
		24, 198, 51, 100		/* NLRI */
	};

	memset(out, 0xff, 16);
	out[16] = 0;
	out[17] = (uint8_t)(19 + sizeof body);
	out[18] = 2;				/* UPDATE */
	memcpy(out + 19, body, sizeof body);
	return (19 + sizeof body);
}

static void
send_all(struct fixture *f, int fd, uint8_t *p, size_t len)
{
	struct client	 cl;

	memset(&cl, 0, sizeof cl);
	cl.fd = fd;
	cl.f.data = p;
	cl.f.len = len;
	client_stream(f, &cl, len, 5000);
}

static int
pred_router_errors(struct fixture *f)
{
	struct bmp_router_info	 ri;

	return (collect_bmp_router_info(f->c, 0, &ri) && ri.errors == 1);
}

static int
pred_router_loaded(struct fixture *f)
{
	struct bmp_router_info	 ri;

	return (collect_bmp_router_info(f->c, 0, &ri) && ri.loaded);
}

/* The decoded attributes of the route of peer id to prefix, which exists. */
static void
route_attrs(struct rib *rib, int id, const char *prefix, struct bgp_attrs *at)
{
	struct rib_route	rt;
	struct prefix		pfx;

	assert_int_equal(prefix_parse(prefix, &pfx), 0);
	assert_int_equal(rib_lookup(rib, id, &pfx, 0, &rt), 1);
	assert_int_equal(rib_attr_decode(rt.attr, at), 0);
}

/*
 * Capture 201 into the RIB: every peer's routes (counted by pmacct), a
 * prefix's AS path and next hop, the session of a configured neighbor, a
 * Peer Down flushing one peer, a refused UPDATE counted without closing
 * the router, a broken BGP header closing only that router (capture 205
 * streams on beside it) and flushing its routes.
 */
static void
test_rib_201(void **state)
{
	struct fixture		*f = *state;
	struct client		 cl, frr;
	struct rib		*rib;
	struct session		*s161;
	struct bmp_router_info	 ri;
	struct bmp_peer_info	 pi;
	struct bgp_attrs	 at;
	struct addr		 nh;
	uint8_t			 hdr[BMP_PEER_HDR_LEN], msg[256], upd[64];
	size_t			 i, total = 0, n, len, after205;
	int			 id;

	f->m->rib = rib = rib_new();
	s161 = add_session(f->m, f->m->partners[0], "s161", "192.0.11.161",
	    CISCO_ROUTER);
	fixture_start(f);
	memset(&cl, 0, sizeof cl);
	cl.f = load(CAP_201);
	cl.fd = client_connect(f, NULL);
	client_stream(f, &cl, cl.f.len, 10000);
	for (i = 0; i < nitems(rib201); i++)
		total += rib201[i].routes;
	want_routes = total;
	run_for(f, pred_rib_routes, 5000);
	print_message("# capture 201: %zu routes in the RIB\n",
	    rib_routes(rib));
	assert_int_equal(rib_routes(rib), total);

	/* Each peer's routes, as pmacct saw them. */
	for (i = 0; i < nitems(rib201); i++) {
		id = rib_peer_of(rib, CISCO_ROUTER, rib201[i].addr,
		    rd0(rib201[i].rd), RIB_PEER_ADJ_IN_PRE);
		if (id == -1)
			fail_msg("no RIB peer %s", rib201[i].addr);
		assert_int_equal(rib_peer(rib, id)->nroutes, rib201[i].routes);
	}

	/* pmacct: 123.123.123.123/32 from 192.0.11.161, AS path 65537
	 * 65536 65555, next hop 192.0.11.161. */
	id = rib_peer_of(rib, CISCO_ROUTER, "192.0.11.161", rd0(14),
	    RIB_PEER_ADJ_IN_PRE);
	assert_ptr_equal(rib_peer(rib, id)->session, s161);
	route_attrs(rib, id, "123.123.123.123/32", &at);
	assert_int_equal(at.aspath.nasns, 3);
	assert_int_equal(at.aspath.asns[0], 65537);
	assert_int_equal(at.aspath.asns[1], 65536);
	assert_int_equal(at.aspath.asns[2], 65555);
	assert_int_equal(addr_parse("192.0.11.161", &nh), 0);
	assert_int_equal(addr_cmp(&at.nexthop, &nh), 0);
	decode_bgp_attrs_free(&at);
	/* And 2001:db8::10/128 from 2001:db8:11::161: 65537 65000, MP
	 * next hop the peer. */
	id = rib_peer_of(rib, CISCO_ROUTER, "2001:db8:11::161", rd0(14),
	    RIB_PEER_ADJ_IN_PRE);
	assert_true(id != -1);
	route_attrs(rib, id, "2001:db8::10/128", &at);
	assert_int_equal(at.aspath.nasns, 2);
	assert_int_equal(at.aspath.asns[0], 65537);
	assert_int_equal(at.aspath.asns[1], 65000);
	assert_int_equal(addr_parse("2001:db8:11::161", &nh), 0);
	assert_int_equal(addr_cmp(&at.mp_nexthop, &nh), 0);
	decode_bgp_attrs_free(&at);

	/* The session's routes come from the RIB. */
	assert_int_equal(s161->state, BGP_ESTABLISHED);
	assert_int_equal(s161->routes_imported, 9);
	assert_string_equal(s161->sources, "bmp");

	/* What the TUI shows. */
	assert_int_equal(collect_bmp_router_info(f->c, 0, &ri), 1);
	assert_int_equal(collect_bmp_router_info(f->c, 1, &ri), 0);
	assert_int_equal(collect_bmp_router_info(f->c, 0, &ri), 1);
	print_message("# %s (%s) %s: %zu peers (%zu up), %ju messages, "
	    "%zu routes\n", ri.name, ri.addr, ri.descr, ri.peers, ri.peers_up,
	    (uintmax_t)ri.messages, ri.routes);
	assert_string_equal(ri.name, CISCO_ROUTER);
	assert_non_null(strstr(ri.descr, "7.4.1"));
	assert_string_equal(ri.addr, "127.0.0.1");
	assert_int_equal(ri.peers, nitems(rib201));
	assert_int_equal(ri.peers_up, nitems(rib201));
	assert_int_equal(ri.routes, total);
	assert_int_equal(ri.errors, 0);
	assert_true(ri.route_monitoring > 0);
	assert_int_equal(ri.peer_up, nitems(rib201));
	/* The .219 peers never send End-of-RIB: not synced, and --once
	 * waits for the grace period. */
	assert_false(ri.synced);
	assert_false(model_synced(f->m));
	/*
	 * Issue 12: the page said "syncing" for ever.  Their initial dump
	 * is over once they are quiet: the tables are taken as loaded, the
	 * missing End-of-RIB counted, with how long they have been up.
	 */
	assert_true(ri.noeor > 0 && ri.noeor < ri.peers_up);
	run_for(f, pred_router_loaded, 5000);
	assert_int_equal(collect_bmp_router_info(f->c, 0, &ri), 1);
	assert_true(ri.loaded);
	assert_false(ri.synced);
	assert_true(ri.noeor > 0);
	assert_true(ri.noeor_ms >= 1000);
	for (n = 0; collect_bmp_peer_info(f->c, 0, n, &pi); n++)
		if (strcmp(pi.addr, "192.0.11.219") == 0)
			break;
	assert_string_equal(pi.addr, "192.0.11.219");
	assert_false(pi.eor);
	assert_true(pi.table);
	assert_true(pi.up_ms >= 1000);
	for (n = 0; collect_bmp_peer_info(f->c, 0, n, &pi); n++)
		if (strcmp(pi.addr, "192.0.11.161") == 0)
			break;
	assert_int_equal(n < ri.peers, 1);
	assert_string_equal(pi.session, "s161");
	assert_int_equal(pi.routes, 9);
	assert_true(pi.eor);
	assert_int_equal(pi.kinds, 1U << RIB_PEER_ADJ_IN_PRE);
	assert_int_equal(pi.distinguisher, rd0(14));
	assert_int_equal(collect_bmp_peer_info(f->c, 0, ri.peers, &pi), 0);

	/* A second router (capture 205) streams beside it. */
	memset(&frr, 0, sizeof frr);
	frr.f = load(CAP_205);
	frr.fd = client_connect(f, NULL);
	client_stream(f, &frr, frr.f.len, 10000);
	f->want = 2;
	run_for(f, pred_routers, 5000);
	/* pmacct, 205: 47 + 46 post-policy, 48 Loc-RIB, 1 from 0.0.0.0. */
	want_routes = total + 47 + 46 + 48 + 1;
	run_for(f, pred_rib_routes, 5000);
	assert_int_equal(rib_routes(rib), total + 47 + 46 + 48 + 1);
	assert_int_equal(model_session_find(f->m, "s22")->routes_imported, 47);
	after205 = 47 + 46 + 48 + 1;

	/* Peer Down (reason 4: remote closed, no data) for 192.0.11.161. */
	peer_header(&cl.f, "192.0.11.161", hdr);
	upd[0] = 4;
	len = bmp_build(msg, BMP_PEER_DOWN, hdr, upd, 1);
	send_all(f, cl.fd, msg, len);
	want_routes = total - 9 + after205;
	run_for(f, pred_rib_routes, 5000);
	assert_int_equal(rib_routes(rib), total - 9 + after205);
	id = rib_peer_of(rib, CISCO_ROUTER, "192.0.11.161", rd0(14),
	    RIB_PEER_ADJ_IN_PRE);
	assert_int_equal(rib_peer(rib, id)->nroutes, 0);
	assert_int_equal(s161->state, BGP_IDLE);
	assert_int_equal(s161->routes_imported, 0);
	assert_non_null(strstr(s161->last_error, "BMP Peer Down"));

	/* A refused UPDATE from 192.0.11.162: counted, router kept. */
	peer_header(&cl.f, "192.0.11.162", hdr);
	len = bmp_build(msg, BMP_ROUTE_MONITORING, hdr, upd,
	    bad_update(upd, 0xff));
	send_all(f, cl.fd, msg, len);
	run_for(f, pred_router_errors, 5000);
	assert_int_equal(collect_bmp_router_info(f->c, 0, &ri), 1);
	assert_int_equal(ri.errors, 1);
	print_message("# refused: %s\n", ri.last_error);
	assert_true(ri.last_error[0] != '\0');
	assert_int_equal(collect_bmp_routers(f->c), 2);
	assert_int_equal(f->c->failures, 0);
	assert_int_equal(rib_routes(rib), total - 9 + after205);

	/*
	 * RFC 8671: the same peer's post-policy Adj-RIB-Out (flags O and
	 * L) is a RIB peer of its own: 198.51.100.0/24, path 65000.
	 */
	hdr[1] |= BMP_PEER_FLAG_O | BMP_PEER_FLAG_L;
	len = bmp_build(msg, BMP_ROUTE_MONITORING, hdr, upd,
	    good_update(upd));
	send_all(f, cl.fd, msg, len);
	want_routes = total - 9 + after205 + 1;
	run_for(f, pred_rib_routes, 5000);
	assert_int_equal(rib_routes(rib), total - 9 + after205 + 1);
	id = rib_peer_of(rib, CISCO_ROUTER, "192.0.11.162", rd0(14),
	    RIB_PEER_ADJ_OUT_POST);
	assert_true(id != -1);
	assert_int_equal(rib_peer(rib, id)->nroutes, 1);
	id = rib_peer_of(rib, CISCO_ROUTER, "192.0.11.162", rd0(14),
	    RIB_PEER_ADJ_IN_PRE);
	assert_int_equal(rib_peer(rib, id)->nroutes, 9);
	for (n = 0; collect_bmp_peer_info(f->c, 0, n, &pi); n++)
		if (strcmp(pi.addr, "192.0.11.162") == 0)
			break;
	assert_int_equal(pi.kinds, 1U << RIB_PEER_ADJ_IN_PRE |
	    1U << RIB_PEER_ADJ_OUT_POST);
	assert_int_equal(pi.routes, 10);
	assert_int_equal(pi.errors, 1);
	hdr[1] &= (uint8_t)~(BMP_PEER_FLAG_O | BMP_PEER_FLAG_L);

	/* A broken BGP marker: the BMP framing is broken, router closed,
	 * its routes flushed; the FRR router's stay. */
	len = bmp_build(msg, BMP_ROUTE_MONITORING, hdr, upd,
	    bad_update(upd, 0));
	send_all(f, cl.fd, msg, len);
	assert_true(client_closed(cl.fd));
	f->want = 1;
	run_for(f, pred_routers, 5000);
	assert_int_equal(collect_bmp_routers(f->c), 1);
	assert_int_equal(f->c->failures, 1);
	assert_int_equal(rib_routes(rib), after205);
	assert_int_equal(collect_bmp_router_info(f->c, 0, &ri), 1);
	assert_string_equal(ri.name, FRR_ROUTER);
	assert_int_equal(s161->state, BGP_UNKNOWN);

	/* The FRR router leaves: nothing left. */
	close(frr.fd);
	run_for(f, pred_no_routers, 5000);
	assert_int_equal(rib_routes(rib), 0);

	close(cl.fd);
	free(cl.f.data);
	free(frr.f.data);
	model_free(f->m);	/* stops the collector before the RIB goes */
	f->m = NULL;
	rib_free(rib);
}

static int
pred_synced(struct fixture *f)
{
	return (model_synced(f->m));
}

/*
 * Capture 200 (Huawei, RFC 9069 Loc-RIB instance): the Loc-RIB peer's 3
 * IPv4 + 2 IPv6 unicast routes (pmacct) and End-of-RIB for both AFs: the
 * collector is synced long before its grace period, so --once need not
 * wait.  A Termination (not in the capture) flushes the router's routes.
 */
static size_t	 nevents(struct fixture *, const char *);

static void
test_rib_200_locrib(void **state)
{
	struct fixture		*f = *state;
	struct client		 cl;
	struct rib		*rib;
	struct bmp_router_info	 ri;
	uint8_t			 term[12];
	uint64_t		 start;
	const struct event	*ev;
	size_t			 nsessions, i;
	int			 id;

	f->m->rib = rib = rib_new();
	fixture_start(f);
	start = now_mono_ms();
	assert_false(model_synced(f->m));	/* no router yet */
	memset(&cl, 0, sizeof cl);
	cl.f = load(CAP_200);
	cl.fd = client_connect(f, NULL);
	client_stream(f, &cl, cl.f.len, 10000);
	want_routes = 5;
	run_for(f, pred_rib_routes, 5000);
	/*
	 * The fixture's sessions are peers of another router that never
	 * connects: while nobody reports them the collector waits (for a
	 * late router), up to its grace period.  Without them it is done.
	 */
	run_for(f, pred_synced, 300);
	assert_false(model_synced(f->m));
	nsessions = f->m->nsessions;
	f->m->nsessions = 0;
	run_for(f, pred_synced, 5000);
	assert_true(model_synced(f->m));
	f->m->nsessions = nsessions;
	print_message("# synced after %ju ms\n",
	    (uintmax_t)(now_mono_ms() - start));
	assert_true(now_mono_ms() - start < 4000);
	id = rib_peer_of(rib, HUAWEI_ROUTER, NULL, rd0(11), RIB_PEER_LOC_RIB);
	assert_true(id != -1);
	assert_int_equal(rib_peer(rib, id)->nroutes, 5);
	assert_null(rib_peer(rib, id)->session);
	assert_int_equal(collect_bmp_router_info(f->c, 0, &ri), 1);
	assert_true(ri.synced);
	assert_int_equal(ri.routes, 5);
	assert_string_equal(ri.name, HUAWEI_ROUTER);
	assert_non_null(strstr(ri.descr, "Huawei"));
	assert_false(ri.terminated);

	/* RFC 7854 4.5: Termination, reason 0 (TLV type 1, length 2): the
	 * router's routes go at once, before it closes. */
	memcpy(term, "\x03\x00\x00\x00\x0c\x05\x00\x01\x00\x02\x00\x00", 12);
	send_all(f, cl.fd, term, 12);
	want_routes = 0;
	run_for(f, pred_rib_routes, 5000);
	assert_int_equal(rib_routes(rib), 0);
	assert_int_equal(collect_bmp_router_info(f->c, 0, &ri), 1);
	assert_true(ri.terminated);
	assert_string_equal(ri.term_reason, "session administratively closed");
	assert_int_equal(ri.routes, 0);
	/* One BmpRouterDown, for the Termination, none for the close. */
	assert_int_equal(nevents(f, "BmpRouterDown"), 1);
	close(cl.fd);
	run_for(f, pred_no_routers, 5000);
	assert_int_equal(rib_routes(rib), 0);
	assert_int_equal(nevents(f, "BmpRouterDown"), 1);
	for (i = 0; (ev = model_event(f->m, i)) != NULL; i++)
		if (strcmp(ev->type, "BmpRouterDown") == 0)
			assert_non_null(strstr(ev->summary, "terminated: "
			    "session administratively closed"));
	free(cl.f.data);
	model_free(f->m);
	f->m = NULL;
	rib_free(rib);
}

/* Events of this type in the model's ring. */
static size_t
nevents(struct fixture *f, const char *type)
{
	const struct event	*ev;
	size_t			 i, n = 0;

	for (i = 0; (ev = model_event(f->m, i)) != NULL; i++)
		if (strcmp(ev->type, type) == 0)
			n++;
	return (n);
}

static struct session	*lost_s, *quiet_s;

static int
pred_lost(struct fixture *f)
{
	return (collect_bmp_routers(f->c) == 0 && lost_s->routes_lost &&
	    f->m->branches[0]->prefixes[0].nunknown == 1);
}

static int
pred_known(struct fixture *f)
{
	return (!lost_s->routes_lost &&
	    f->m->branches[0]->prefixes[0].nprimary == 1);
}

static int
pred_quiet_known(struct fixture *f)
{
	(void)f;
	return (!quiet_s->routes_lost);
}

static int
pred_withdrawn(struct fixture *f)
{
	return (nevents(f, "PrefixWithdrawalEvent") > 0);
}

/*
 * The router's connection closing is no withdrawal: capture 201's
 * 123.123.123.123/32 from 192.0.11.161 (session s161, a branch's
 * registered prefix) is announced; the router goes away and the
 * prefix's routes on s161 are unknown, with nothing raised, through
 * the same evaluation pass as live; the router comes back with the
 * same table: still nothing; a real Peer Down then withdraws it.  The
 * .219 peer sends no End-of-RIB: its session's routes are known again
 * after a quiet spell.
 */
static void
test_close_not_withdrawal(void **state)
{
	struct fixture		*f = *state;
	struct client		 cl;
	struct branch		*b;
	struct partner		*other;
	struct routemon		*rm;
	struct rib		*rib;
	uint8_t			 hdr[BMP_PEER_HDR_LEN], msg[64], down = 4;
	char			 d[256];
	size_t			 len;

	f->m->rib = rib = rib_new();
	lost_s = add_session(f->m, f->m->partners[0], "s161", "192.0.11.161",
	    CISCO_ROUTER);
	/* Another partner's: not about the branch's prefix. */
	other = xcalloc(1, sizeof *other);
	strlcpy_pt(other->name, "other-isp", sizeof other->name);
	f->m->partners = xreallocarray(f->m->partners, 2,
	    sizeof *f->m->partners);
	f->m->partners[f->m->npartners++] = other;
	quiet_s = add_session(f->m, other, "s219", "192.0.11.219",
	    CISCO_ROUTER);
	b = xcalloc(1, sizeof *b);
	strlcpy_pt(b->name, "hq", sizeof b->name);
	b->partner = f->m->partners[0];
	b->nearest = b->routed = -1;
	b->prefixes = xcalloc(1, sizeof *b->prefixes);
	b->nprefixes = 1;
	assert_int_equal(prefix_parse("123.123.123.123/32",
	    &b->prefixes[0].prefix), 0);
	b->prefixes[0].origin = 65555;
	f->m->branches = xcalloc(1, sizeof *f->m->branches);
	f->m->branches[f->m->nbranches++] = b;
	rm = routemon_new(f->m, rib);
	eval_start(f->m, f->base);
	fixture_start(f);

	memset(&cl, 0, sizeof cl);
	cl.f = load(CAP_201);
	cl.fd = client_connect(f, NULL);
	client_stream(f, &cl, cl.f.len, 10000);
	run_for(f, pred_known, 5000);
	assert_int_equal(b->prefixes[0].nprimary, 1);
	/* The first table is the state, not news. */
	assert_int_equal(nevents(f, "PrefixAnnouncementEvent"), 0);
	assert_false(lost_s->routes_loading);
	assert_int_equal(f->c->nparts, 1);
	assert_int_equal(f->c->nparts_up, 1);

	close(cl.fd);
	run_for(f, pred_lost, 5000);
	run_for(f, pred_withdrawn, 300);
	assert_true(lost_s->routes_lost);
	assert_true(quiet_s->routes_lost);
	assert_int_equal(lost_s->state, BGP_UNKNOWN);
	assert_int_equal(b->prefixes[0].nunknown, 1);
	assert_int_equal(nevents(f, "PrefixWithdrawalEvent"), 0);
	assert_int_equal(nevents(f, "PrefixVisibilityLost"), 0);
	/* Losing the router is a Warning, and the collector says so. */
	assert_int_equal(nevents(f, "BmpRouterDown"), 1);
	assert_int_equal(f->c->nparts, 1);
	assert_int_equal(f->c->nparts_up, 0);
	collector_bmp.describe(f->c, d, sizeof d);
	assert_non_null(strstr(d, " 0/1 routers up"));
	assert_non_null(strstr(lost_s->routes_why, "closed"));
	assert_true(lost_s->routes_lost_ms > 0);

	/* Back with the same table: compared, nothing new. */
	cl.off = 0;
	cl.fd = client_connect(f, NULL);
	client_stream(f, &cl, cl.f.len, 10000);
	run_for(f, pred_known, 5000);
	run_for(f, pred_withdrawn, 300);
	assert_false(lost_s->routes_lost);
	assert_int_equal(b->prefixes[0].nunknown, 0);
	assert_int_equal(nevents(f, "PrefixWithdrawalEvent"), 0);
	assert_int_equal(nevents(f, "PrefixAnnouncementEvent"), 0);
	assert_int_equal(nevents(f, "BmpRouterDown"), 1);
	assert_int_equal(nevents(f, "BmpRouterUp"), 1);
	assert_int_equal(f->c->nparts_up, 1);
	run_for(f, pred_quiet_known, 6000);
	assert_false(quiet_s->routes_lost);

	/* A Peer Down of a peer that is no configured session. */
	peer_header(&cl.f, "192.0.11.162", hdr);
	len = bmp_build(msg, BMP_PEER_DOWN, hdr, &down, 1);
	send_all(f, cl.fd, msg, len);
	run_for(f, pred_withdrawn, 300);
	assert_int_equal(collect_bmp_routers(f->c), 1);

	/* A Peer Down is a withdrawal. */
	peer_header(&cl.f, "192.0.11.161", hdr);
	len = bmp_build(msg, BMP_PEER_DOWN, hdr, &down, 1);
	send_all(f, cl.fd, msg, len);
	run_for(f, pred_withdrawn, 5000);
	assert_int_equal(nevents(f, "PrefixWithdrawalEvent"), 1);

	close(cl.fd);
	free(cl.f.data);
	eval_stop(f->m);
	routemon_free(rm);
	model_free(f->m);	/* stops the collector before the RIB goes */
	f->m = NULL;
	rib_free(rib);
}

/* A BGP OPEN of AS64500 with the RFC 9234 BGP Role capability. */
static size_t
role_open(uint8_t *out, uint8_t role)
{
	static const uint8_t body[] = {
		4, 0xfb, 0xf4, 0, 90, 192, 0, 2, 1,	/* v4, AS, hold, id */
		11, 2, 9,				/* capabilities */
		65, 4, 0, 0, 0xfb, 0xf4,		/* 4-octet AS */
		9, 1, 0,				/* BGP Role */
	};

	memset(out, 0xff, 16);
	out[16] = 0;
	out[17] = (uint8_t)(19 + sizeof body);
	out[18] = 1;				/* OPEN */
	memcpy(out + 19, body, sizeof body);
	out[19 + sizeof body - 1] = role;
	return (19 + sizeof body);
}

static int
pred_s44_role(struct fixture *f)
{
	return (model_session_find(f->m, "s44")->role_received !=
	    BGP_ROLE_NONE);
}

/*
 * RFC 9234 4.1 through a Peer Up (RFC 7854 4.10): the roles in both
 * OPENs are kept on the session, none when the OPENs have none (the
 * FRR capture).
 */
static void
test_peer_up_roles(void **state)
{
	struct fixture	*f = *state;
	struct client	 cl;
	struct session	*s44;
	uint8_t		 hdr[BMP_PEER_HDR_LEN], body[160], msg[256];
	size_t		 n = 0;

	stream_capture(f, &cl, CAP_205, pred_s44_idle_twice);
	s44 = model_session_find(f->m, "s44");
	assert_int_equal(s44->state, BGP_ESTABLISHED);
	assert_int_equal(s44->role_sent, BGP_ROLE_NONE);
	assert_int_equal(s44->role_received, BGP_ROLE_NONE);

	/* Local address and ports, then the OPENs sent and received. */
	memset(body, 0, 16);
	body[10] = body[11] = 0xff;
	body[12] = 203; body[14] = 113; body[15] = 1;
	n = 16;
	body[n++] = 0; body[n++] = 179;
	body[n++] = 0xc0; body[n++] = 0x01;
	n += role_open(body + n, 0);		/* we are the provider */
	n += role_open(body + n, 3);		/* it is our customer */
	peer_header(&cl.f, "203.0.113.44", hdr);
	send_all(f, cl.fd, msg, bmp_build(msg, BMP_PEER_UP, hdr, body, n));
	run_for(f, pred_s44_role, 5000);
	assert_int_equal(s44->role_sent, BGP_ROLE_PROVIDER);
	assert_int_equal(s44->role_received, BGP_ROLE_CUSTOMER);
	assert_false(s44->role_error);
	assert_int_equal(bgp_role_agree(s44->role_sent, s44->role_received),
	    1);
	assert_int_equal(bgp_role_effective(s44->relation,
	    s44->role_received), BGP_ROLE_CUSTOMER);
	assert_int_equal(f->c->failures, 0);
	close(cl.fd);
	free(cl.f.data);
}

/* Start the collector and stream capture 201 into it till it is loaded. */
static void
stream_201(struct fixture *f, struct client *cl)
{
	stream_capture(f, cl, CAP_201, pred_router_loaded);
}

/* Events of type at level whose subject starts with subject. */
static size_t
nevents_at(struct fixture *f, const char *type, enum level level,
    const char *subject)
{
	const struct event	*ev;
	size_t			 i, n = 0;

	for (i = 0; (ev = model_event(f->m, i)) != NULL; i++)
		if (strcmp(ev->type, type) == 0 && ev->level == level &&
		    strncmp(ev->subject, subject, strlen(subject)) == 0)
			n++;
	return (n);
}

static int
pred_resolved(struct fixture *f)
{
	return (nevents(f, "MaxPrefixExceededResolved") == f->want);
}

/*
 * max-prefix (issue 13, item 5) on capture 201: a session's own warning
 * limit keeps every route and raises a Warning; the collector's drop
 * limit for the other peers stores no more than it and raises an Error
 * saying how many were dropped; peers under it raise nothing.  A Peer
 * Down and the router's close resolve them; max-peers bounds the peers
 * a router may report.
 */
static void
test_max_prefix(void **state)
{
	struct fixture		*f = *state;
	struct client		 cl;
	struct rib		*rib;
	struct session		*s161;
	struct rib_peer		*rp;
	struct bmp_router_info	 ri;
	struct bmp_peer_info	 pi;
	const struct event	*ev;
	uint8_t			 hdr[BMP_PEER_HDR_LEN], msg[64], down = 4;
	size_t			 i, over = 0, len;
	int			 id;

	f->m->rib = rib = rib_new();
	s161 = add_session(f->m, f->m->partners[0], "s161", "192.0.11.161",
	    CISCO_ROUTER);
	s161->max_prefix.limit = 3;
	s161->max_prefix.set = 1;
	f->c->max_prefix.limit = 6;
	f->c->max_prefix.drop = 1;
	f->c->max_prefix.set = 1;
	stream_201(f, &cl);

	for (i = 0; i < nitems(rib201); i++) {
		id = rib_peer_of(rib, CISCO_ROUTER, rib201[i].addr,
		    rd0(rib201[i].rd), RIB_PEER_ADJ_IN_PRE);
		assert_true(id != -1);
		rp = rib_peer(rib, id);
		if (strcmp(rib201[i].addr, "192.0.11.161") == 0) {
			/* warning: all kept. */
			assert_int_equal(rp->nroutes, rib201[i].routes);
			assert_int_equal(rp->dropped, 0);
			continue;
		}
		if (rib201[i].routes > 6) {
			assert_int_equal(rp->nroutes, 6);
			assert_int_equal(rp->dropped, rib201[i].routes - 6);
			over++;
		} else {
			assert_int_equal(rp->nroutes, rib201[i].routes);
			assert_int_equal(rp->dropped, 0);
		}
	}
	print_message("# %zu peers over max-prefix 6\n", over);
	assert_true(over > 0);
	assert_int_equal(nevents_at(f, "MaxPrefixExceeded", LVL_WARNING,
	    "session s161"), 1);
	assert_int_equal(nevents_at(f, "MaxPrefixExceeded", LVL_ERROR,
	    "BMP peer "), over);
	assert_int_equal(nevents(f, "MaxPrefixExceeded"), over + 1);
	assert_int_equal(f->m->nconds, over + 1);
	/* 192.0.11.219 (1 route) is no configured session: 11 announced. */
	for (i = 0; (ev = model_event(f->m, i)) != NULL; i++)
		if (strcmp(ev->subject, "BMP peer 192.0.11.219 rd 64499:14")
		    == 0)
			break;
	assert_non_null(ev);
	assert_string_equal(ev->rel.router, CISCO_ROUTER);
	assert_non_null(strstr(ev->summary, "max-prefix 6"));
	assert_non_null(strstr(ev->details, "5 prefixes dropped"));
	/* What the TUI and --once show. */
	assert_int_equal(collect_bmp_router_info(f->c, 0, &ri), 1);
	assert_true(ri.dropped > 0);
	assert_int_equal(ri.peers_skipped, 0);
	for (i = 0; collect_bmp_peer_info(f->c, 0, i, &pi); i++)
		if (strcmp(pi.addr, "192.0.11.161") == 0)
			break;
	/* limit, drop, over, dropped */
	assert_true(pi.max_prefix == 3 && !pi.max_prefix_drop &&
	    pi.max_prefix_over && pi.dropped == 0);
	for (i = 0; collect_bmp_peer_info(f->c, 0, i, &pi); i++)
		if (strcmp(pi.addr, "192.0.11.219") == 0)
			break;
	assert_true(pi.max_prefix == 6 && pi.max_prefix_drop &&
	    pi.max_prefix_over && pi.dropped == 5);
	assert_int_equal(pi.routes, 6);

	/* A Peer Down takes its routes: resolved, with the count. */
	peer_header(&cl.f, "192.0.11.219", hdr);
	len = bmp_build(msg, BMP_PEER_DOWN, hdr, &down, 1);
	send_all(f, cl.fd, msg, len);
	run_for(f, NULL, 300);
	assert_int_equal(nevents(f, "MaxPrefixExceededResolved"), 1);
	for (i = 0; (ev = model_event(f->m, i)) != NULL; i++)
		if (strcmp(ev->type, "MaxPrefixExceededResolved") == 0)
			break;
	assert_non_null(ev);
	assert_string_equal(ev->subject, "BMP peer 192.0.11.219 rd 64499:14");
	assert_non_null(strstr(ev->details, "5 prefixes were dropped"));
	assert_int_equal(f->m->nconds, over);

	/* The router goes: every condition is resolved. */
	close(cl.fd);
	f->want = over + 1;
	run_for(f, pred_resolved, 5000);
	assert_int_equal(nevents(f, "MaxPrefixExceededResolved"), over + 1);
	/* Only BmpRouterDown is left open. */
	assert_int_equal(f->m->nconds, 1);

	/* max-peers: a router reporting more peers gets no more. */
	f->c->max_peers = 10;
	cl.off = 0;
	cl.fd = client_connect(f, NULL);
	client_stream(f, &cl, cl.f.len, 10000);
	run_for(f, pred_router_loaded, 5000);
	assert_int_equal(collect_bmp_router_info(f->c, 0, &ri), 1);
	assert_int_equal(ri.peers, 10);
	assert_true(ri.peers_skipped > 0);

	close(cl.fd);
	free(cl.f.data);
	model_free(f->m);	/* stops the collector before the RIB goes */
	f->m = NULL;
	rib_free(rib);
}

/* Every route of a router's RIB peers: the sum max-routes bounds. */
static size_t
router_routes(struct rib *rib, const char *router)
{
	struct rib_peer	*rp;
	size_t		 i, n = 0;

	for (i = 0; i < rib_npeers(rib); i++)
		if ((rp = rib_peer(rib, (int)i)) != NULL &&
		    strcmp(rp->key.router, router) == 0)
			n += rp->nroutes;
	return (n);
}

/*
 * max-routes (issue 13, item 5) on capture 201, whose 42 peers each stay
 * under their max-prefix: the router as a whole stores no more than its
 * max-routes, counts the prefixes it refused, and raises one
 * MaxRoutesExceeded (Error) about the router, resolved only once Peer
 * Downs bring it under 90% of the limit; the collector's status and the
 * router's info say so, and the count outlives the router.
 */
static void
test_max_routes(void **state)
{
	struct fixture		*f = *state;
	struct client		 cl;
	struct rib		*rib;
	struct bmp_router_info	 ri;
	const struct event	*ev;
	uint8_t			 hdr[BMP_PEER_HDR_LEN], msg[64], down = 4;
	char			 detail[256];
	size_t			 i, len, n, dropped, held = 0;

	f->m->rib = rib = rib_new();
	f->c->max_routes = 100;
	f->c->max_routes_set = 1;
	stream_201(f, &cl);

	assert_int_equal(router_routes(rib, CISCO_ROUTER), 100);
	assert_int_equal(collect_bmp_router_info(f->c, 0, &ri), 1);
	assert_int_equal(ri.routes, 100);
	assert_int_equal(ri.max_routes, 100);
	assert_true(ri.max_routes_over);
	assert_true(ri.max_routes_dropped > 0);
	dropped = ri.max_routes_dropped;
	print_message("# %zu prefixes dropped at max-routes 100\n", dropped);
	/* No peer is over its own limit: nothing said about peers. */
	assert_int_equal(ri.dropped, 0);
	assert_int_equal(nevents(f, "MaxPrefixExceeded"), 0);
	assert_int_equal(nevents_at(f, "MaxRoutesExceeded", LVL_ERROR,
	    "BMP router " CISCO_ROUTER), 1);
	assert_int_equal(nevents(f, "MaxRoutesExceeded"), 1);
	for (i = 0; (ev = model_event(f->m, i)) != NULL; i++)
		if (strcmp(ev->type, "MaxRoutesExceeded") == 0)
			break;
	assert_non_null(ev);
	assert_string_equal(ev->rel.router, CISCO_ROUTER);
	assert_non_null(strstr(ev->summary, "max-routes 100"));
	assert_non_null(strstr(ev->details, "prefixes dropped so far"));
	f->c->ops->describe(f->c, detail, sizeof detail);
	assert_non_null(strstr(detail, ", max-routes: 1 router full, "));

	/* Peer Downs: resolved below 90 routes, not before, and once. */
	for (i = 0; i < nitems(rib201); i++) {
		n = router_routes(rib, CISCO_ROUTER);
		assert_int_equal(nevents(f, "MaxRoutesExceededResolved"),
		    n < 90 ? 1 : 0);
		if (n >= 90 && n < 100)
			held++;		/* under the limit, not yet resolved */
		if (n < 80)
			break;
		peer_header(&cl.f, rib201[i].addr, hdr);
		len = bmp_build(msg, BMP_PEER_DOWN, hdr, &down, 1);
		send_all(f, cl.fd, msg, len);
		run_for(f, NULL, 100);
	}
	assert_true(i < nitems(rib201));
	assert_true(held > 0);
	assert_int_equal(collect_bmp_router_info(f->c, 0, &ri), 1);
	assert_false(ri.max_routes_over);
	assert_int_equal(ri.max_routes_dropped, dropped);
	for (i = 0; (ev = model_event(f->m, i)) != NULL; i++)
		if (strcmp(ev->type, "MaxRoutesExceededResolved") == 0)
			break;
	assert_non_null(ev);
	assert_string_equal(ev->subject, "BMP router " CISCO_ROUTER);
	assert_int_equal(ev->level, LVL_INFO);
	assert_non_null(strstr(ev->details, "prefixes were dropped"));

	/* The router goes: the count stays in the collector's status. */
	close(cl.fd);
	f->want = 0;
	run_for(f, pred_routers, 5000);
	assert_int_equal(router_routes(rib, CISCO_ROUTER), 0);
	for (i = 0; i < rib_npeers(rib); i++)
		assert_null(rib_peer(rib, (int)i)->quota);
	f->c->ops->describe(f->c, detail, sizeof detail);
	snprintf((char *)msg, sizeof msg, "0 routers full, %zu prefixes",
	    dropped);
	assert_non_null(strstr(detail, (char *)msg));
	assert_int_equal(nevents(f, "MaxRoutesExceeded"), 1);
	assert_int_equal(nevents(f, "MaxRoutesExceededResolved"), 1);

	free(cl.f.data);
	model_free(f->m);	/* stops the collector before the RIB goes */
	f->m = NULL;
	rib_free(rib);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_peer_up_down,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_peer_up_roles,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_garbage,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_truncated_and_huge,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_allow_and_limit,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_rib_201,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_rib_200_locrib,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_close_not_withdrawal,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_timeouts,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_max_prefix,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_max_routes,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_bind_fails,
		    fixture_setup, fixture_teardown),
	};

	log_open(NULL, LOG_LVL_WARN);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
