/* SPDX-License-Identifier: ISC */
/*
 * The agent's FIFO and pusher (core/latency-agent.c).  The FIFO: order kept,
 * overflow counted exactly, an acknowledgement removes exactly the batch
 * in flight, also when the FIFO overflows while the batch is out.  The
 * pusher against the real ingest server (core/latency-ingest.c) on a free
 * loopback port in the same loop: batches arrive whole and in order; a
 * collector that is not there yet gets everything once it listens; a
 * wrong token keeps the samples (401), a malformed batch is dropped and
 * counted (400), another web server's 200 is no acknowledgement;
 * latency_agent_finish() drains the queue or gives up.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include "core/latency-agent.h"
#include "core/latency-ingest.h"
#include "core/util.h"

/* ------------------------------------------------------------ FIFO */

static struct agent_sample
sample(int64_t n)
{
	struct agent_sample	 s = { "branch", "sea", "192.0.2.1", 0, 0, 0 };

	s.time_ms = 1764000000000LL + n;
	s.rtt_us = n;
	return (s);
}

/* The FIFO holds exactly first..first+n-1, oldest first. */
static void
holds(const struct agent_fifo *f, int64_t first, size_t n)
{
	size_t	 i;

	assert_int_equal(f->len, n);
	for (i = 0; i < n; i++)
		assert_int_equal(latency_agent_fifo_at(f, i)->rtt_us,
		    first + (int64_t)i);
	assert_null(latency_agent_fifo_at(f, n));
}

static void
test_fifo_order(void **state)
{
	struct agent_fifo	 f;
	struct agent_sample	 s;
	int64_t			 i;

	(void)state;
	latency_agent_fifo_init(&f, 5);
	for (i = 0; i < 3; i++) {
		s = sample(i);
		assert_int_equal(latency_agent_fifo_push(&f, &s), 0);
	}
	holds(&f, 0, 3);
	latency_agent_fifo_hold(&f, 2);
	assert_int_equal(latency_agent_fifo_ack(&f), 2);
	holds(&f, 2, 1);
	/* Wrap around the ring: still in order. */
	for (i = 3; i < 7; i++) {
		s = sample(i);
		assert_int_equal(latency_agent_fifo_push(&f, &s), 0);
	}
	holds(&f, 2, 5);
	/* A failed push keeps everything. */
	latency_agent_fifo_hold(&f, 4);
	latency_agent_fifo_release(&f);
	holds(&f, 2, 5);
	assert_int_equal(f.held, 0);
	/* Holding more than there is holds what there is. */
	latency_agent_fifo_hold(&f, 100);
	assert_int_equal(latency_agent_fifo_ack(&f), 5);
	holds(&f, 0, 0);
	assert_int_equal(f.overflow, 0);
	latency_agent_fifo_free(&f);
}

static void
test_fifo_overflow(void **state)
{
	struct agent_fifo	 f;
	struct agent_sample	 s;
	int64_t			 i;
	int			 dropped = 0;

	(void)state;
	latency_agent_fifo_init(&f, 3);
	for (i = 0; i < 10; i++) {
		s = sample(i);
		dropped += latency_agent_fifo_push(&f, &s);
	}
	assert_int_equal(dropped, 7);
	assert_int_equal(f.overflow, 7);
	holds(&f, 7, 3);	/* the newest three */
	/* Numbered in the order added, consecutive in the ring. */
	for (i = 0; i < 3; i++)
		assert_int_equal(latency_agent_fifo_at(&f, (size_t)i)->n,
		    7 + i);
	assert_int_equal(f.next_n, 10);
	latency_agent_fifo_free(&f);
}

/*
 * Overflow while a batch is out: the in-flight samples are already in the
 * request, so an acknowledgement removes the batch's count, and what was
 * dropped is exactly the overflow count whichever way the push ends.
 */
static void
test_fifo_overflow_in_flight(void **state)
{
	struct agent_fifo	 f;
	struct agent_sample	 s;
	int64_t			 i;

	(void)state;
	latency_agent_fifo_init(&f, 4);
	for (i = 0; i < 4; i++) {
		s = sample(i);
		latency_agent_fifo_push(&f, &s);
	}
	latency_agent_fifo_hold(&f, 2);		/* 0 and 1 are out */
	for (i = 4; i < 6; i++) {
		s = sample(i);
		assert_int_equal(latency_agent_fifo_push(&f, &s), 1);
	}
	assert_int_equal(f.overflow, 2);
	/* Acknowledged: 0 and 1 arrived, 2 and 3 were dropped. */
	assert_int_equal(latency_agent_fifo_ack(&f), 2);
	holds(&f, 4, 2);
	latency_agent_fifo_free(&f);

	/* The same, but the push fails: 0 and 1 (the oldest) are lost. */
	latency_agent_fifo_init(&f, 4);
	for (i = 0; i < 4; i++) {
		s = sample(i);
		latency_agent_fifo_push(&f, &s);
	}
	latency_agent_fifo_hold(&f, 2);
	for (i = 4; i < 6; i++) {
		s = sample(i);
		latency_agent_fifo_push(&f, &s);
	}
	latency_agent_fifo_release(&f);
	holds(&f, 2, 4);
	assert_int_equal(f.overflow, 2);
	latency_agent_fifo_free(&f);

	/* Everything in flight: the new sample is the one dropped. */
	latency_agent_fifo_init(&f, 2);
	for (i = 0; i < 2; i++) {
		s = sample(i);
		latency_agent_fifo_push(&f, &s);
	}
	latency_agent_fifo_hold(&f, 2);
	s = sample(2);
	assert_int_equal(latency_agent_fifo_push(&f, &s), 1);
	assert_int_equal(f.overflow, 1);
	holds(&f, 0, 2);
	assert_int_equal(latency_agent_fifo_ack(&f), 2);
	holds(&f, 0, 0);
	latency_agent_fifo_free(&f);
}

/* ------------------------------------------------------------ pusher */

struct rig {
	struct event_base	*base;
	struct ingest		*in;
	struct ingest_conf	 iconf;
	struct agent		*agent;
	struct agent_conf	 aconf;
	int64_t			 got[256];	/* rtt_us in arrival order */
	size_t			 ngot;
	int			 batches;
	int			 done;
	int			 (*until)(struct rig *);
};

static int
rig_cb(void *arg, const struct ingest_batch *b, int commit, uint64_t *wait)
{
	struct rig	*r = arg;
	size_t		 i;

	if (!commit)
		return ((int)b->nsamples);
	*wait = 0;	/* no history: answered at once */

	r->batches++;
	for (i = 0; i < b->nsamples && r->ngot < nitems(r->got); i++)
		r->got[r->ngot++] = b->samples[i].rtt_us;
	return ((int)b->nsamples);
}

static void
rig_check_cb(evutil_socket_t fd, short what, void *arg)
{
	struct rig	*r = arg;

	(void)fd;
	(void)what;
	if (r->until != NULL && r->until(r))
		event_base_loopbreak(r->base);
}

/* Run the loop until until(r) or ms have passed; returns until(r). */
static int
rig_run(struct rig *r, int (*until)(struct rig *), int ms)
{
	struct event	*check;
	struct timeval	 tv = { 0, 10 * 1000 }, end;

	r->until = until;
	check = event_new(r->base, -1, EV_PERSIST, rig_check_cb, r);
	event_add(check, &tv);
	end.tv_sec = ms / 1000;
	end.tv_usec = (ms % 1000) * 1000;
	event_base_loopexit(r->base, &end);
	event_base_dispatch(r->base);
	event_free(check);
	return (until != NULL ? until(r) : 0);
}

static void
rig_listen(struct rig *r, int port)
{
	r->iconf.port = port;
	r->in = latency_ingest_new(r->base, &r->iconf, rig_cb, r, NULL);
	assert_non_null(r->in);
}

static void
rig_init(struct rig *r, const char *token)
{
	memset(r, 0, sizeof *r);
	r->base = event_base_new();
	strlcpy_pt(r->iconf.token, "t0ken", sizeof r->iconf.token);
	strlcpy_pt(r->aconf.name, "test-latency-agent", sizeof r->aconf.name);
	strlcpy_pt(r->aconf.host, "127.0.0.1", sizeof r->aconf.host);
	strlcpy_pt(r->aconf.token, token, sizeof r->aconf.token);
	r->aconf.batch = 10;
	r->aconf.buffer = 100;
	r->aconf.push_ms = 100;
}

/* The endpoint on a free port and the agent pushing to it. */
static void
rig_start(struct rig *r)
{
	rig_listen(r, -1);
	r->aconf.port = latency_ingest_port(r->in);
	r->agent = latency_agent_new(r->base, &r->aconf, NULL);
	assert_non_null(r->agent);
}

static void
rig_free(struct rig *r)
{
	latency_agent_free(r->agent);
	latency_ingest_free(r->in);
	event_base_free(r->base);
}

static void
rig_add(struct rig *r, int64_t from, int64_t to)
{
	struct agent_sample	 s;
	int64_t			 i;

	for (i = from; i < to; i++) {
		s = sample(i);
		s.time_ms = now_wall_ms();
		latency_agent_add(r->agent, &s);
	}
}

static int
sent25(struct rig *r)
{
	return (latency_agent_stats(r->agent)->sent == 25);
}

static int
failed_once(struct rig *r)
{
	return (latency_agent_stats(r->agent)->failures >= 1);
}

static int
is_done(struct rig *r)
{
	return (r->done);
}

static void
done_cb(void *arg)
{
	((struct rig *)arg)->done = 1;
}

static void
test_push(void **state)
{
	const struct agent_stats	*st;
	struct rig			 r;
	size_t				 i;

	(void)state;
	rig_init(&r, "t0ken");
	rig_start(&r);
	rig_add(&r, 0, 25);
	assert_true(rig_run(&r, sent25, 5000));
	st = latency_agent_stats(r.agent);
	assert_int_equal(st->added, 25);
	assert_int_equal(st->sent, 25);
	assert_int_equal(st->queued, 0);
	assert_int_equal(st->failures, 0);
	assert_int_equal(st->last_code, 200);
	/* 10 + 10 + 5, in order. */
	assert_int_equal(r.batches, 3);
	assert_int_equal(r.ngot, 25);
	for (i = 0; i < 25; i++)
		assert_int_equal(r.got[i], (int64_t)i);
	assert_int_equal(latency_ingest_stats(r.in)->accepted, 25);
	assert_non_null(strstr(latency_agent_status(r.agent), ": ok, 25 sent"));
	rig_free(&r);
}

/* Nobody listens at first: the samples wait, then all arrive in order. */
static void
test_outage(void **state)
{
	const struct agent_stats	*st;
	struct rig			 r;
	size_t				 i;
	int				 port;

	(void)state;
	rig_init(&r, "t0ken");
	rig_listen(&r, -1);
	port = latency_ingest_port(r.in);
	latency_ingest_free(r.in);
	r.in = NULL;
	r.aconf.port = port;
	r.agent = latency_agent_new(r.base, &r.aconf, NULL);
	rig_add(&r, 0, 15);
	assert_true(rig_run(&r, failed_once, 3000));
	st = latency_agent_stats(r.agent);
	assert_int_equal(st->sent, 0);
	assert_int_equal(st->queued, 15);
	assert_string_equal(st->last_error, "connection refused");
	assert_int_equal(st->last_code, 0);
	assert_non_null(strstr(latency_agent_status(r.agent), "retry in"));

	rig_listen(&r, port);
	rig_add(&r, 15, 25);
	assert_true(rig_run(&r, sent25, 15000));
	assert_int_equal(st->queued, 0);
	assert_int_equal(st->dropped_overflow, 0);
	assert_int_equal(r.ngot, 25);
	for (i = 0; i < 25; i++)
		assert_int_equal(r.got[i], (int64_t)i);
	rig_free(&r);
}

/* An agent with the wrong token, after its first push failed. */
static const struct agent_stats *
rig_wrong_token(struct rig *r)
{
	rig_init(r, "wrong");
	rig_start(r);
	rig_add(r, 0, 5);
	assert_true(rig_run(r, failed_once, 3000));
	return (latency_agent_stats(r->agent));
}

/* A wrong token keeps the samples; a malformed batch is dropped. */
static void
test_refused(void **state)
{
	const struct agent_stats	*st;
	struct agent_sample		 s;
	struct rig			 r;

	(void)state;
	st = rig_wrong_token(&r);
	assert_int_equal(st->last_code, 401);
	assert_int_equal(st->queued, 5);
	assert_int_equal(st->sent, 0);
	assert_int_equal(st->dropped_rejected, 0);
	assert_string_equal(st->last_error,
	    "HTTP 401: missing or wrong token");
	assert_int_equal(r.batches, 0);
	assert_int_equal(latency_ingest_stats(r.in)->rejected[INGEST_REJ_AUTH],
	    1);
	latency_agent_free(r.agent);

	/* Right token, but a sample from 1970: 400, the batch dropped. */
	strlcpy_pt(r.aconf.token, "t0ken", sizeof r.aconf.token);
	r.agent = latency_agent_new(r.base, &r.aconf, NULL);
	s = sample(0);
	s.time_ms = 1000;
	latency_agent_add(r.agent, &s);
	rig_add(&r, 1, 3);
	assert_true(rig_run(&r, failed_once, 3000));
	st = latency_agent_stats(r.agent);
	assert_int_equal(st->last_code, 400);
	assert_int_equal(st->dropped_rejected, 3);
	assert_int_equal(st->queued, 0);
	assert_int_equal(st->sent, 0);
	assert_non_null(strstr(st->last_error, "HTTP 400: sample 0: "
	    "\"time_ms\" 1000 is more than"));
	assert_int_equal(r.batches, 0);
	rig_free(&r);
}

static int
refused_after(struct rig *r)
{
	return (strcmp(latency_agent_stats(r->agent)->last_error,
	    "connection refused") == 0);
}

/*
 * The streak's first error stays: a wrong token, then the collector gone
 * ("connection refused"), is about the token (the exit line says both).
 */
static void
test_first_error(void **state)
{
	const struct agent_stats	*st;
	struct rig			 r;

	(void)state;
	st = rig_wrong_token(&r);
	assert_string_equal(st->first_error,
	    "HTTP 401: missing or wrong token");
	latency_ingest_free(r.in);
	r.in = NULL;
	assert_true(rig_run(&r, refused_after, 10000));
	assert_string_equal(st->first_error,
	    "HTTP 401: missing or wrong token");
	assert_int_equal(st->queued, 5);
	rig_free(&r);
}

/* latency_agent_finish(): pushes at once, batch after batch, then done. */
static void
test_finish(void **state)
{
	const struct agent_stats	*st;
	struct rig			 r;
	int				 port;

	(void)state;
	rig_init(&r, "t0ken");
	r.aconf.push_ms = 3600 * 1000;	/* never by the tick */
	rig_start(&r);
	rig_add(&r, 0, 25);
	latency_agent_finish(r.agent, done_cb, &r);
	assert_true(rig_run(&r, is_done, 3000));
	st = latency_agent_stats(r.agent);
	assert_int_equal(st->sent, 25);
	assert_int_equal(st->queued, 0);
	assert_int_equal(r.batches, 3);
	port = latency_ingest_port(r.in);
	latency_ingest_free(r.in);
	r.in = NULL;
	latency_agent_free(r.agent);

	/* Collector gone: one try, then done with the queue left. */
	r.aconf.port = port;
	r.done = 0;
	r.agent = latency_agent_new(r.base, &r.aconf, NULL);
	rig_add(&r, 0, 7);
	latency_agent_finish(r.agent, done_cb, &r);
	assert_true(rig_run(&r, is_done, 3000));
	st = latency_agent_stats(r.agent);
	assert_int_equal(st->sent, 0);
	assert_int_equal(st->queued, 7);
	assert_int_equal(st->failures, 1);
	rig_free(&r);
}

/* The buffer bound: the oldest go, counted; what is left is sent. */
static void
test_overflow_push(void **state)
{
	const struct agent_stats	*st;
	struct rig			 r;
	size_t				 i;

	(void)state;
	rig_init(&r, "t0ken");
	r.aconf.buffer = 5;
	r.aconf.push_ms = 3600 * 1000;	/* nothing pushed before finish */
	rig_start(&r);
	rig_add(&r, 0, 12);
	st = latency_agent_stats(r.agent);
	assert_int_equal(st->dropped_overflow, 7);
	assert_int_equal(st->queued, 5);
	latency_agent_finish(r.agent, done_cb, &r);
	assert_true(rig_run(&r, is_done, 3000));
	assert_int_equal(st->sent, 5);
	assert_int_equal(st->added, st->sent + st->dropped_overflow +
	    st->queued + st->dropped_rejected);
	assert_int_equal(r.ngot, 5);
	for (i = 0; i < 5; i++)
		assert_int_equal(r.got[i], (int64_t)(7 + i));
	rig_free(&r);
}

/* Some web server's 200, not an ingest answer: the samples stay. */
static void
other_server_cb(struct evhttp_request *req, void *arg)
{
	struct evbuffer	*b = evbuffer_new();

	(void)arg;
	evbuffer_add_printf(b, "<html>hello</html>\n");
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}

static void
test_not_ingest(void **state)
{
	const struct agent_stats	*st;
	struct evhttp			*http;
	struct evhttp_bound_socket	*bs;
	struct rig			 r;
	struct sockaddr_in		 sin;
	socklen_t			 len = sizeof sin;

	(void)state;
	rig_init(&r, "t0ken");
	http = evhttp_new(r.base);
	evhttp_set_gencb(http, other_server_cb, NULL);
	bs = evhttp_bind_socket_with_handle(http, "127.0.0.1", 0);
	assert_non_null(bs);
	assert_int_equal(getsockname(evhttp_bound_socket_get_fd(bs),
	    (struct sockaddr *)&sin, &len), 0);
	r.aconf.port = ntohs(sin.sin_port);
	r.agent = latency_agent_new(r.base, &r.aconf, NULL);
	rig_add(&r, 0, 4);
	assert_true(rig_run(&r, failed_once, 3000));
	st = latency_agent_stats(r.agent);
	assert_int_equal(st->last_code, 200);
	assert_int_equal(st->sent, 0);
	assert_int_equal(st->queued, 4);
	assert_string_equal(st->last_error, "HTTP 200 without the count of "
	    "this batch (not a peertop ingest endpoint?)");
	latency_agent_free(r.agent);
	r.agent = NULL;
	evhttp_free(http);
	rig_free(&r);
}

static void
test_new_errors(void **state)
{
	struct agent_conf	 c;
	struct event_base	*base = event_base_new();
	char			*cause = NULL;

	(void)state;
	memset(&c, 0, sizeof c);
	assert_null(latency_agent_new(base, &c, &cause));
	assert_string_equal(cause, "agent: no collector address");
	free(cause);
	strlcpy_pt(c.host, "127.0.0.1", sizeof c.host);
	c.port = 65536;
	assert_null(latency_agent_new(base, &c, &cause));
	assert_string_equal(cause, "agent: bad collector port 65536");
	free(cause);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fifo_order),
		cmocka_unit_test(test_fifo_overflow),
		cmocka_unit_test(test_fifo_overflow_in_flight),
		cmocka_unit_test(test_push),
		cmocka_unit_test(test_outage),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_first_error),
		cmocka_unit_test(test_finish),
		cmocka_unit_test(test_overflow_push),
		cmocka_unit_test(test_not_ingest),
		cmocka_unit_test(test_new_errors),
	};

	log_open("/dev/null", LOG_LVL_ERROR);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
