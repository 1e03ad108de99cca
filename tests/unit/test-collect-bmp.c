/*
 * The BMP collector on a real loopback socket: the collector listens on an
 * ephemeral port, plain client sockets stream the real router captures of
 * tests/data/bmp/ in small chunks while the event loop runs, and the
 * configured sessions must follow the Peer Up / Peer Down messages.  A
 * garbage stream closes only its own connection; the allow list, the
 * connection limit and a failed bind are checked too.
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

#include "core/collector.h"
#include "core/decode-bmp.h"
#include "core/model.h"
#include "core/util.h"

#define FRR_ROUTER	"daisy-ietf-ipf-zbl1843-r-daisy-58"
#define CAP_205		"205-BMP-6wind-FRR-peer_down/traffic-00.bmp"
#define CAP_206		"206-BMP-high-availability/traffic-00.bmp"
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

static const char *
datadir(void)
{
	static char	 dir[1024];
	const char	*top = getenv("top_srcdir");

	if (top == NULL || *top == '\0')
		top = TOP_SRCDIR;
	snprintf(dir, sizeof dir, "%s/tests/data/bmp", top);
	return (dir);
}

static struct file
load(const char *name)
{
	struct file	 b = { NULL, 0 };
	char		 path[1200];
	FILE		*f;
	long		 n;

	snprintf(path, sizeof path, "%s/%s", datadir(), name);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s: %s", path, strerror(errno));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	b.data = xmalloc((size_t)n);
	assert_int_equal(fread(b.data, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	b.len = (size_t)n;
	return (b);
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
	memset(last, 0, 16 * sizeof *last);
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
				if (msg->stats[i].type < 16)
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
	uint64_t	 last[16], reports, v, n;
	unsigned int	 t, nonzero = 0;

	expected_stats(cap, peer, last, &reports);
	assert_true(reports > 0);
	assert_int_equal(addr_parse(peer, &a), 0);
	for (t = 0; t < 16; t++) {
		assert_int_equal(collect_bmp_stat(f->c, FRR_ROUTER, &a, t, &v,
		    &n), 0);
		assert_int_equal(v, last[t]);
		assert_int_equal(n, reports);
		if (v != 0)
			nonzero++;
	}
	print_message("# %s: %ju reports, %u nonzero counters\n", peer,
	    (uintmax_t)reports, nonzero);
	assert_int_equal(collect_bmp_stat(f->c, "nobody", &a, 0, &v, &n), -1);
	assert_int_equal(collect_bmp_stat(f->c, FRR_ROUTER, &a, 16, &v, &n),
	    -1);
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

	fixture_start(f);
	memset(&cl, 0, sizeof cl);
	cl.f = load(CAP_205);
	cl.fd = client_connect(f, NULL);
	client_stream(f, &cl, cl.f.len, 10000);
	run_for(f, pred_s44_idle_twice, 5000);

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_peer_up_down,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_garbage,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_truncated_and_huge,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_allow_and_limit,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_bind_fails,
		    fixture_setup, fixture_teardown),
	};

	log_open(NULL, LOG_LVL_WARN);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
