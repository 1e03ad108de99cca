/* SPDX-License-Identifier: ISC */
/*
 * The Prometheus side of latency collection: latency_prom_parse() on responses
 * shaped like the real HTTP API's answers to blackbox_exporter queries, on
 * Prometheus errors and on malformed and hostile bodies; then the poller
 * (collect-prom.c) against a small evhttp server on 127.0.0.1:0 serving
 * canned bodies, a 500, a server that never answers, one that closes the
 * connection, and a port nobody listens on.
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
#include <unistd.h>
#include <cmocka.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>

#include "core/collect-prom.h"
#include "core/latency-prom.h"
#include "core/util.h"

static const struct prom_map map = { "branch", "edge", "instance", 1e6, 0 };

/* blackbox_exporter probe_icmp_duration_seconds, relabelled by Prometheus. */
static const char *vector_icmp =
    "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
    "{\"metric\":{\"__name__\":\"probe_icmp_duration_seconds\","
    "\"branch\":\"hq-london\",\"edge\":\"msft-lon\",\"instance\":"
    "\"192.0.2.1\",\"job\":\"blackbox-icmp\",\"phase\":\"rtt\"},"
    "\"value\":[1700000000.5,\"0.004321\"]},"
    "{\"metric\":{\"__name__\":\"probe_icmp_duration_seconds\","
    "\"branch\":\"hq-london\",\"edge\":\"msft-ams\",\"instance\":"
    "\"192.0.2.2\",\"job\":\"blackbox-icmp\",\"phase\":\"rtt\"},"
    "\"value\":[1700000000.5,\"1.2e-02\"]}]}}";

static void
test_vector(void **state)
{
	struct prom_result	r;

	assert_int_equal(latency_prom_parse(vector_icmp, strlen(vector_icmp),
	    &map, &r), PROM_OK);
	assert_int_equal(r.nseries, 2);
	assert_int_equal(r.nsamples, 2);
	assert_int_equal(r.nerrors, 0);
	assert_string_equal(r.samples[0].branch, "hq-london");
	assert_string_equal(r.samples[0].edge, "msft-lon");
	assert_string_equal(r.samples[0].target, "192.0.2.1");
	assert_int_equal(r.samples[0].time_ms, 1700000000500LL);
	assert_int_equal(r.samples[0].rtt_us, 4321);
	assert_false(r.samples[0].lost);
	assert_string_equal(r.samples[1].edge, "msft-ams");
	assert_int_equal(r.samples[1].rtt_us, 12000);
	latency_prom_result_free(&r);
}

/* probe_duration_seconds with instance/job only: map those instead. */
static void
test_mapping(void **state)
{
	const char		*b =
	    "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
	    "\"result\":[{\"metric\":{\"__name__\":\"probe_duration_seconds\","
	    "\"instance\":\"10.1.1.1:443\",\"job\":\"branch-paris\"},"
	    "\"value\":[1700000001,\"0.25\"]},"
	    "{\"metric\":{\"job\":\"branch-paris\"},"
	    "\"value\":[1700000001,\"0.25\"]}]}}";
	struct prom_map		 m = { "job", "instance", NULL, 1e3, 0 };
	struct prom_result	 r;

	assert_int_equal(latency_prom_parse(b, strlen(b), &m, &r), PROM_OK);
	assert_int_equal(r.nsamples, 1);
	assert_string_equal(r.samples[0].branch, "branch-paris");
	assert_string_equal(r.samples[0].edge, "10.1.1.1:443");
	assert_string_equal(r.samples[0].target, "");
	/* Scale 1e3: the metric was taken as milliseconds. */
	assert_int_equal(r.samples[0].rtt_us, 250);
	assert_int_equal(r.nerrors, 1);
	assert_int_equal(r.errors[0].index, 1);
	assert_non_null(strstr(r.errors[0].error, "no label instance"));
	latency_prom_result_free(&r);
}

static void
test_nan_inf(void **state)
{
	const char		*b =
	    "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
	    "\"result\":["
	    "{\"metric\":{\"branch\":\"a\",\"edge\":\"e1\"},\"value\":[1,\"NaN\"]},"
	    "{\"metric\":{\"branch\":\"a\",\"edge\":\"e2\"},\"value\":[1,\"+Inf\"]},"
	    "{\"metric\":{\"branch\":\"a\",\"edge\":\"e3\"},\"value\":[1,\"-Inf\"]},"
	    "{\"metric\":{\"branch\":\"a\",\"edge\":\"e4\"},\"value\":[1,\"0.001\"]}"
	    "]}}";
	struct prom_map		 m = map;
	struct prom_result	 r;

	assert_int_equal(latency_prom_parse(b, strlen(b), &m, &r), PROM_OK);
	assert_int_equal(r.nsamples, 1);
	assert_string_equal(r.samples[0].edge, "e4");
	assert_int_equal(r.samples[0].rtt_us, 1000);
	assert_int_equal(r.nerrors, 3);
	assert_non_null(strstr(r.errors[0].error, "NaN"));
	assert_non_null(strstr(r.errors[1].error, "infinite"));
	latency_prom_result_free(&r);

	m.nan_is_loss = 1;
	assert_int_equal(latency_prom_parse(b, strlen(b), &m, &r), PROM_OK);
	assert_int_equal(r.nsamples, 4);
	assert_true(r.samples[0].lost);
	assert_true(r.samples[2].lost);
	assert_false(r.samples[3].lost);
	latency_prom_result_free(&r);
}

static void
test_prometheus_error(void **state)
{
	const char		*b = "{\"status\":\"error\",\"errorType\":"
	    "\"bad_data\",\"error\":\"1:5: parse error: unexpected "
	    "\\u001b[31m\\n<EOF>\"}";
	struct prom_result	 r;

	assert_int_equal(latency_prom_parse(b, strlen(b), &map, &r),
	    PROM_ERR_PROMETHEUS);
	assert_string_equal(r.error_type, "bad_data");
	assert_non_null(strstr(r.error, "bad_data"));
	assert_non_null(strstr(r.error, "parse error"));
	/* The escape and the newline are gone. */
	assert_null(strchr(r.error, '\033'));
	assert_null(strchr(r.error, '\n'));
	latency_prom_result_free(&r);
}

static void
test_result_types(void **state)
{
	const char		*sc = "{\"status\":\"success\",\"data\":{"
	    "\"resultType\":\"scalar\",\"result\":[1700000000,\"1\"]}}";
	const char		*mx = "{\"status\":\"success\",\"data\":{"
	    "\"resultType\":\"matrix\",\"result\":[]}}";
	const char		*str = "{\"status\":\"success\",\"data\":{"
	    "\"resultType\":\"string\",\"result\":[1,\"x\"]}}";
	struct prom_result	 r;

	assert_int_equal(latency_prom_parse(sc, strlen(sc), &map, &r),
	    PROM_ERR_SHAPE);
	assert_non_null(strstr(r.error, "scalar"));
	latency_prom_result_free(&r);
	assert_int_equal(latency_prom_parse(mx, strlen(mx), &map, &r),
	    PROM_ERR_SHAPE);
	assert_non_null(strstr(r.error, "matrix"));
	latency_prom_result_free(&r);
	assert_int_equal(latency_prom_parse(str, strlen(str), &map, &r),
	    PROM_ERR_SHAPE);
	latency_prom_result_free(&r);
}

static void
test_malformed(void **state)
{
	static const char	*const bad[] = {
		"{\"status\":\"success\",\"data\":{",	/* truncated */
		"<html>502 Bad Gateway</html>",
		"{\"status\":\"success\",\"status\":\"error\"}",
		"\"success\"",
		"{}",
		"{\"status\":1}",
		"{\"status\":\"success\"}",
		"{\"status\":\"success\",\"data\":[]}",
		"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\"}}",
		"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
		    "\"result\":{}}}",
		/* jansson refuses these whole: overflow, NUL in a string. */
		"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
		    "\"result\":[{\"metric\":{},\"value\":[1e400,\"1\"]}]}}",
		"{\"status\":\"error\",\"error\":\"a\\u0000b\"}",
	};
	struct prom_result	 r;
	size_t			 i;

	for (i = 0; i < nitems(bad); i++) {
		assert_int_not_equal(latency_prom_parse(bad[i], strlen(bad[i]),
		    &map, &r), PROM_OK);
		assert_true(r.error[0] != '\0');
		assert_int_equal(r.nsamples, 0);
		latency_prom_result_free(&r);
	}
	assert_int_equal(latency_prom_parse("", 0, &map, &r), PROM_ERR_SIZE);
	latency_prom_result_free(&r);
	/* Not NUL-terminated: only len bytes are read. */
	assert_int_equal(latency_prom_parse("{}garbage", 2, &map, &r),
	    PROM_ERR_SHAPE);
	latency_prom_result_free(&r);
}

static void
test_hostile(void **state)
{
	const char		*b =
	    "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
	    "\"result\":["
	    "{\"metric\":{\"branch\":\"a\",\"edge\":\"e\"},\"value\":[1,\"1e308\"]},"
	    "{\"metric\":{\"branch\":\"a\",\"edge\":\"e\"},\"value\":[1e15,\"1\"]},"
	    "{\"metric\":{\"branch\":\"a\",\"edge\":\"e\"},\"value\":[-5,\"1\"]},"
	    "{\"metric\":{\"branch\":\"a\",\"edge\":\"e\"},\"value\":[1,\"-0.5\"]},"
	    "{\"metric\":{\"branch\":\"a\",\"edge\":\"e\"},\"value\":[1,0.5]},"
	    "{\"metric\":{\"branch\":\"a\",\"edge\":\"e\"},\"value\":[1,\"0x10\"]},"
	    "{\"metric\":{\"branch\":\"a\",\"edge\":\"e\"},\"value\":[1,\"nan\"]},"
	    "{\"metric\":{\"branch\":\"a\",\"edge\":\"e\"},\"value\":[1,\" 1\"]},"
	    "{\"metric\":{\"branch\":\"a\",\"edge\":\"e\"},\"value\":[1,\"1x\"]},"
	    "{\"metric\":{\"branch\":\"a\",\"edge\":\"e\"},\"value\":[1]},"
	    "{\"metric\":{\"branch\":\"a\",\"edge\":\"e\"}},"
	    "{\"metric\":{\"branch\":[\"a\"],\"edge\":\"e\"},\"value\":[1,\"1\"]},"
	    "{\"metric\":{\"branch\":\"\",\"edge\":\"e\"},\"value\":[1,\"1\"]},"
	    "{\"metric\":\"branch\",\"value\":[1,\"1\"]},"
	    "17,"
	    "{\"metric\":{\"branch\":\"\\u001b[2Jx\",\"edge\":"
	    "\"\\u00e9\\r\\n\"},\"value\":[1,\"0.000001\"]}"
	    "]}}";
	struct prom_result	 r;

	assert_int_equal(latency_prom_parse(b, strlen(b), &map, &r), PROM_OK);
	assert_int_equal(r.nseries, 16);
	/* Only the last series is a sample; its labels are sanitised. */
	assert_int_equal(r.nsamples, 1);
	assert_int_equal(r.nerrors, 15);
	assert_int_equal(r.nkept, 15);
	assert_null(strchr(r.samples[0].branch, '\033'));
	assert_string_equal(r.samples[0].branch, "?[2Jx");
	assert_string_equal(r.samples[0].edge, "\xc3\xa9??");
	assert_int_equal(r.samples[0].rtt_us, 1);
	assert_non_null(strstr(r.errors[0].error, "out of range"));
	assert_non_null(strstr(r.errors[1].error, "bad timestamp"));
	latency_prom_result_free(&r);
}

static void
test_bounds(void **state)
{
	struct prom_result	 r;
	const char		*instr = "{\"status\":\"error\",\"error\":"
	    "\"[[[[[[[[[[[[[[[[[[[[[[[[[\"}";
	char			*b;
	size_t			 i, n, off;

	/* Nested deeper than PROM_DEPTH_MAX; brackets in strings do not count. */
	b = xmalloc(200001);
	for (i = 0; i < 100000; i++)
		b[i] = '[';
	for (; i < 200000; i++)
		b[i] = ']';
	assert_int_equal(latency_prom_parse(b, 200000, &map, &r),
	    PROM_ERR_JSON);
	assert_non_null(strstr(r.error, "nested"));
	latency_prom_result_free(&r);
	free(b);
	assert_int_equal(latency_prom_parse(instr, strlen(instr), &map, &r),
	    PROM_ERR_PROMETHEUS);
	latency_prom_result_free(&r);

	/* Over the body limit: refused unread. */
	n = PROM_BODY_MAX + 1;
	b = xmalloc(n);
	memset(b, ' ', n);
	assert_int_equal(latency_prom_parse(b, n, &map, &r), PROM_ERR_SIZE);
	latency_prom_result_free(&r);
	free(b);

	/* More series than PROM_SERIES_MAX. */
	n = (PROM_SERIES_MAX + 1) * 3 + 128;
	b = xmalloc(n);
	off = (size_t)snprintf(b, n, "{\"status\":\"success\",\"data\":{"
	    "\"resultType\":\"vector\",\"result\":[");
	for (i = 0; i <= PROM_SERIES_MAX; i++)
		off += (size_t)snprintf(b + off, n - off, "%s{}",
		    i ? "," : "");
	off += (size_t)snprintf(b + off, n - off, "]}}");
	assert_int_equal(latency_prom_parse(b, off, &map, &r), PROM_ERR_SHAPE);
	assert_non_null(strstr(r.error, "series"));
	latency_prom_result_free(&r);

	/* Exactly at the limit: every series an error, only some kept. */
	off = (size_t)snprintf(b, n, "{\"status\":\"success\",\"data\":{"
	    "\"resultType\":\"vector\",\"result\":[");
	for (i = 0; i < PROM_SERIES_MAX; i++)
		off += (size_t)snprintf(b + off, n - off, "%s{}",
		    i ? "," : "");
	off += (size_t)snprintf(b + off, n - off, "]}}");
	assert_int_equal(latency_prom_parse(b, off, &map, &r), PROM_OK);
	assert_int_equal(r.nerrors, PROM_SERIES_MAX);
	assert_int_equal(r.nkept, PROM_SERIES_ERRORS_MAX);
	latency_prom_result_free(&r);
	free(b);
}

static void
test_stale(void **state)
{
	struct prom_result	r;

	assert_int_equal(latency_prom_parse(vector_icmp, strlen(vector_icmp),
	    &map, &r), PROM_OK);
	/* 2 s later, 3 s allowed: both fresh. */
	assert_int_equal(latency_prom_result_stale(&r, 1700000002500LL, 3000),
	    0);
	assert_int_equal(r.nsamples, 2);
	/* 90 s later: both stale, in words. */
	assert_int_equal(latency_prom_result_stale(&r, 1700000090500LL, 3000),
	    2);
	assert_int_equal(r.nsamples, 0);
	assert_int_equal(r.nstale, 2);
	assert_non_null(strstr(r.errors[0].error, "stale, 90 s old"));
	latency_prom_result_free(&r);
}

/* ------------------------------------------------------ the poller */

struct server {
	struct event_base		*base;
	struct evhttp			*http;
	struct evconnlistener		*raw;	/* hang/close modes */
	uint16_t			 port;
	uint16_t			 raw_port;
	int				 code;
	const char			*body;
	char				 uri[1024];
	int				 requests;
	int				 close;	/* raw: close at once */
	int				 rawfd;
};

struct poll_result {
	int	 calls;
	int	 ok;
	size_t	 nsamples;
	char	 edge[PROM_NAME_MAX];
	uint32_t rtt_us;
};

static void
server_cb(struct evhttp_request *req, void *arg)
{
	struct server	*s = arg;
	struct evbuffer	*b = evbuffer_new();

	s->requests++;
	strlcpy_pt(s->uri, evhttp_request_get_uri(req), sizeof s->uri);
	evbuffer_add(b, s->body, strlen(s->body));
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "application/json");
	evhttp_send_reply(req, s->code, s->code == 200 ? "OK" : "Oops", b);
	evbuffer_free(b);
}

static void
raw_accept_cb(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct server	*s = arg;

	s->requests++;
	if (s->close)
		close(fd);
	else {
		if (s->rawfd != -1)
			close(s->rawfd);
		s->rawfd = fd;	/* never answered */
	}
}

static uint16_t
sock_port(int fd)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof sin;

	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	return (ntohs(sin.sin_port));
}

static int
server_setup(void **state)
{
	struct server			*s = xcalloc(1, sizeof *s);
	struct evhttp_bound_socket	*bs;
	struct sockaddr_in		 sin;

	s->base = event_base_new();
	s->http = evhttp_new(s->base);
	evhttp_set_gencb(s->http, server_cb, s);
	bs = evhttp_bind_socket_with_handle(s->http, "127.0.0.1", 0);
	assert_non_null(bs);
	s->port = sock_port(evhttp_bound_socket_get_fd(bs));
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->raw = evconnlistener_new_bind(s->base, raw_accept_cb, s,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 8,
	    (struct sockaddr *)&sin, sizeof sin);
	assert_non_null(s->raw);
	s->raw_port = sock_port(evconnlistener_get_fd(s->raw));
	s->code = 200;
	s->rawfd = -1;
	*state = s;
	return (0);
}

static int
server_teardown(void **state)
{
	struct server	*s = *state;

	if (s->rawfd != -1)
		close(s->rawfd);
	evconnlistener_free(s->raw);
	evhttp_free(s->http);
	event_base_free(s->base);
	free(s);
	return (0);
}

static void
poll_cb(struct collect_prom *cp, int ok, const struct prom_result *r,
    void *arg)
{
	struct poll_result	*pr = arg;

	pr->calls++;
	pr->ok = ok;
	if (ok) {
		pr->nsamples = r->nsamples;
		if (r->nsamples > 0) {
			strlcpy_pt(pr->edge, r->samples[0].edge,
			    sizeof pr->edge);
			pr->rtt_us = r->samples[0].rtt_us;
		}
	}
}

static void
giveup_cb(evutil_socket_t fd, short ev, void *arg)
{
	event_base_loopbreak(arg);
}

/*
 * One poll of host:port with query, run until the callback fired once
 * (checked every 10 ms) or 5 s passed.  Returns the poller for status.
 */
static struct collect_prom *
poll_once(struct server *s, uint16_t port, const char *query,
    uint32_t timeout_ms, struct poll_result *pr)
{
	struct collect_prom_conf	 c;
	struct collect_prom		*cp;
	struct event			*giveup;
	struct timeval			 tv = { 5, 0 }, tick = { 0, 10000 };
	char				*cause = NULL;

	memset(&c, 0, sizeof c);
	memset(pr, 0, sizeof *pr);
	c.host = "127.0.0.1";
	c.port = port;
	c.query = query;
	c.interval_ms = 1000;
	c.timeout_ms = timeout_ms;
	c.map = map;
	cp = collect_prom_new(s->base, &c, poll_cb, pr, &cause);
	assert_non_null(cp);
	giveup = evtimer_new(s->base, giveup_cb, s->base);
	evtimer_add(giveup, &tv);
	collect_prom_start(cp);
	while (pr->calls == 0 && evtimer_pending(giveup, NULL)) {
		event_base_loopexit(s->base, &tick);
		event_base_dispatch(s->base);
	}
	event_free(giveup);
	return (cp);
}

static void
test_poll_ok(void **state)
{
	struct server		*s = *state;
	struct poll_result	 pr;
	struct collect_prom	*cp;
	char			*body;
	int64_t			 now = now_wall_ms();

	/* A fresh series and a stale one (100 s old, 3 s allowed). */
	xasprintf(&body, "{\"status\":\"success\",\"data\":{\"resultType\":"
	    "\"vector\",\"result\":[{\"metric\":{\"branch\":\"hq\",\"edge\":"
	    "\"sea\",\"instance\":\"x\"},\"value\":[%lld.%03lld,\"0.0105\"]},"
	    "{\"metric\":{\"branch\":\"hq\",\"edge\":\"old\"},\"value\":"
	    "[%lld,\"0.01\"]}]}}", (long long)(now / 1000),
	    (long long)(now % 1000), (long long)(now / 1000 - 100));
	s->body = body;
	cp = poll_once(s, s->port, "probe_duration_seconds{job=\"bb\"} > 0",
	    2000, &pr);
	assert_int_equal(pr.calls, 1);
	assert_true(pr.ok);
	assert_int_equal(pr.nsamples, 1);
	assert_string_equal(pr.edge, "sea");
	assert_int_equal(pr.rtt_us, 10500);
	assert_string_equal(s->uri, "/api/v1/query?query=probe_duration_seconds"
	    "%7Bjob%3D%22bb%22%7D%20%3E%200");
	assert_string_equal(collect_prom_uri(cp), s->uri);
	assert_int_equal(collect_prom_stats(cp)->stale, 1);
	assert_int_equal(collect_prom_stats(cp)->samples, 1);
	assert_non_null(strstr(collect_prom_status(cp), "ok: 1 samples"));
	assert_non_null(strstr(collect_prom_status(cp), "stale, 100 s old"));
	collect_prom_free(cp);
	free(body);
}

static void
test_poll_http_errors(void **state)
{
	struct server		*s = *state;
	struct poll_result	 pr;
	struct collect_prom	*cp;

	s->code = 500;
	s->body = "internal trouble";
	cp = poll_once(s, s->port, "up", 2000, &pr);
	assert_int_equal(pr.calls, 1);
	assert_false(pr.ok);
	assert_string_equal(collect_prom_status(cp), "HTTP 500 Oops");
	assert_int_equal(collect_prom_stats(cp)->failed, 1);
	collect_prom_free(cp);

	/* Prometheus' own 400 with an error body. */
	s->code = 400;
	s->body = "{\"status\":\"error\",\"errorType\":\"bad_data\","
	    "\"error\":\"parse error\"}";
	cp = poll_once(s, s->port, "up{", 2000, &pr);
	assert_false(pr.ok);
	assert_string_equal(collect_prom_status(cp),
	    "HTTP 400: Prometheus error bad_data: parse error");
	collect_prom_free(cp);

	/* 200 with garbage, and 200 with a Prometheus error. */
	s->code = 200;
	s->body = "{\"status\":";
	cp = poll_once(s, s->port, "up", 2000, &pr);
	assert_false(pr.ok);
	assert_non_null(strstr(collect_prom_status(cp), "bad JSON"));
	collect_prom_free(cp);
	s->body = "{\"status\":\"error\",\"errorType\":\"timeout\","
	    "\"error\":\"query timed out\"}";
	cp = poll_once(s, s->port, "up", 2000, &pr);
	assert_false(pr.ok);
	assert_string_equal(collect_prom_status(cp),
	    "Prometheus error timeout: query timed out");
	collect_prom_free(cp);
}

static void
test_poll_hang_close_refused(void **state)
{
	struct server		*s = *state;
	struct poll_result	 pr;
	struct collect_prom	*cp;
	int			 fd;
	uint16_t		 port;
	uint64_t		 t0;

	/* Accepted, never answered: the timeout ends it. */
	t0 = now_mono_ms();
	cp = poll_once(s, s->raw_port, "up", 300, &pr);
	assert_int_equal(pr.calls, 1);
	assert_false(pr.ok);
	assert_string_equal(collect_prom_status(cp), "timeout after 300 ms");
	assert_true(now_mono_ms() - t0 >= 250);
	assert_true(now_mono_ms() - t0 < 3000);
	collect_prom_free(cp);

	/* Accepted and closed. */
	s->close = 1;
	cp = poll_once(s, s->raw_port, "up", 2000, &pr);
	assert_int_equal(pr.calls, 1);
	assert_false(pr.ok);
	assert_non_null(strstr(collect_prom_status(cp), "closed"));
	collect_prom_free(cp);

	/* Nobody listening: a port bound, then released. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	{
		struct sockaddr_in sin;

		memset(&sin, 0, sizeof sin);
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		assert_int_equal(bind(fd, (struct sockaddr *)&sin,
		    sizeof sin), 0);
	}
	port = sock_port(fd);
	close(fd);
	cp = poll_once(s, port, "up", 2000, &pr);
	assert_int_equal(pr.calls, 1);
	assert_false(pr.ok);
	assert_string_equal(collect_prom_status(cp), "connection refused");
	collect_prom_free(cp);
}

/* A poller runs run_ms on its own interval; returns it for its stats. */
static struct collect_prom *
poll_run(struct server *s, uint16_t port, uint32_t interval_ms,
    uint32_t timeout_ms, int run_ms, struct poll_result *pr)
{
	struct collect_prom_conf	 c;
	struct collect_prom		*cp;
	struct timeval			 tv;
	char				*cause = NULL;

	memset(&c, 0, sizeof c);
	memset(pr, 0, sizeof *pr);
	c.host = "127.0.0.1";
	c.port = port;
	c.query = "up";
	c.interval_ms = interval_ms;
	c.timeout_ms = timeout_ms;
	c.map = map;
	cp = collect_prom_new(s->base, &c, poll_cb, pr, &cause);
	assert_non_null(cp);
	collect_prom_start(cp);
	tv.tv_sec = run_ms / 1000;
	tv.tv_usec = (run_ms % 1000) * 1000;
	event_base_loopexit(s->base, &tv);
	event_base_dispatch(s->base);
	return (cp);
}

static void
test_poll_repeat(void **state)
{
	struct server		*s = *state;
	struct poll_result	 pr;
	struct collect_prom	*cp;

	/* Every 100 ms for 550 ms: the first poll at once, then 5 more. */
	s->body = "{\"status\":\"success\",\"data\":{\"resultType\":"
	    "\"vector\",\"result\":[]}}";
	cp = poll_run(s, s->port, 100, 0, 550, &pr);
	assert_in_range(pr.calls, 4, 7);
	assert_int_equal(collect_prom_stats(cp)->ok, pr.calls);
	assert_int_equal(s->requests, pr.calls);
	assert_int_equal(collect_prom_stats(cp)->overruns, 0);
	assert_string_equal(collect_prom_status(cp), "ok: 0 samples");
	collect_prom_free(cp);

	/* A server that never answers: ticks during the poll are skipped. */
	cp = poll_run(s, s->raw_port, 100, 1000, 550, &pr);
	assert_int_equal(pr.calls, 0);
	assert_int_equal(collect_prom_stats(cp)->polls, 1);
	assert_in_range(collect_prom_stats(cp)->overruns, 3, 6);
	/* Freed with its request in flight: no callback, no leak. */
	collect_prom_free(cp);
}

static void
test_poll_conf(void **state)
{
	struct server			*s = *state;
	struct collect_prom_conf	 c;
	char				*cause = NULL;

	memset(&c, 0, sizeof c);
	c.host = "127.0.0.1";
	c.query = "up";
	c.map = map;
	c.path = "/x?y";
	assert_null(collect_prom_new(s->base, &c, NULL, NULL, &cause));
	assert_non_null(strstr(cause, "bad path"));
	free(cause);
	c.path = NULL;
	c.query = "";
	assert_null(collect_prom_new(s->base, &c, NULL, NULL, &cause));
	assert_non_null(strstr(cause, "no query"));
	free(cause);
	c.query = "up";
	c.map.scale = 0;
	assert_null(collect_prom_new(s->base, &c, NULL, NULL, &cause));
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector),
		cmocka_unit_test(test_mapping),
		cmocka_unit_test(test_nan_inf),
		cmocka_unit_test(test_prometheus_error),
		cmocka_unit_test(test_result_types),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_stale),
		cmocka_unit_test_setup_teardown(test_poll_ok, server_setup,
		    server_teardown),
		cmocka_unit_test_setup_teardown(test_poll_http_errors,
		    server_setup, server_teardown),
		cmocka_unit_test_setup_teardown(test_poll_hang_close_refused,
		    server_setup, server_teardown),
		cmocka_unit_test_setup_teardown(test_poll_repeat, server_setup,
		    server_teardown),
		cmocka_unit_test_setup_teardown(test_poll_conf, server_setup,
		    server_teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
