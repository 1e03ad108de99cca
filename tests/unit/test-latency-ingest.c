/* SPDX-License-Identifier: ISC */
/*
 * The ingest endpoint (core/latency-ingest.c): latency_ingest_parse() on valid
 * batches and on malformed and hostile ones (wrong types, missing fields, deep
 * nesting, long names, control characters and terminal escapes, times
 * out of range, too many samples), each refused whole; then the server on
 * a free loopback port driven by an evhttp client: a good batch (200 and
 * the counts), no or a wrong token (401, nothing delivered), malformed
 * (400 with the reason), a body over the limit (413), another method
 * (405) or path (404), a callback that cannot store (503), and a stop
 * between the check and the written answer (nothing stored); last, the
 * ingest collector from an "ingest" line feeding a model (mapped and
 * unmapped samples, 503 while the history fails).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
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
#include <event2/keyvalq_struct.h>

#include "core/collector.h"
#include "core/config.h"
#include "core/eval.h"
#include "core/latency.h"
#include "core/latency-ingest.h"
#include "core/latency-mon.h"
#include "core/util.h"

#define NOW	1764000000000LL

static const struct ingest_limits limits = { 0, 100, NOW, 0, 0 };

/* One sample with a given member text spliced in, as a whole batch. */
static char *
batch1(const char *sample)
{
	char	*s;

	xasprintf(&s, "{\"agent\":\"seattle-hq\",\"seq\":7,\"samples\":[%s]}",
	    sample);
	return (s);
}

/* Parse text; expect refusal with err containing want. */
static void
refused(const char *text, const char *want)
{
	struct ingest_batch	 b;
	char			 err[INGEST_ERR_MAX];

	memset(&b, 0xa5, sizeof b);
	assert_int_equal(latency_ingest_parse(text, strlen(text), &limits, &b,
	    err), -1);
	assert_null(b.samples);
	assert_int_equal(b.nsamples, 0);
	if (strstr(err, want) == NULL)
		fail_msg("error \"%s\" lacks \"%s\" for %s", err, want, text);
}

static void
refused1(const char *sample, const char *want)
{
	char	*s = batch1(sample);

	refused(s, want);
	free(s);
}

static void
test_valid(void **state)
{
	const char *text = "{\"agent\":\"seattle-hq\",\"seq\":42,\"samples\":["
	    "{\"branch\":\"seattle\",\"edge\":\"sea\",\"target\":\"192.0.2.1\","
	    "\"time_ms\":1764000000000,\"rtt_us\":30123},"
	    "{\"branch\":\"seattle\",\"edge\":\"lax\",\"target\":\"192.0.2.2\","
	    "\"time_ms\":1763999999000,\"rtt_us\":null},"
	    "{\"branch\":\"london\",\"edge\":\"lon\",\"time_ms\":1764000000500,"
	    "\"rtt_us\":-5,\"extra\":[1,2]}],\"version\":1}";
	struct ingest_batch	 b;
	char			 err[INGEST_ERR_MAX];

	(void)state;
	assert_int_equal(latency_ingest_parse(text, strlen(text), &limits, &b,
	    err), 0);
	assert_string_equal(b.agent, "seattle-hq");
	assert_int_equal(b.seq, 42);
	assert_int_equal(b.nsamples, 3);
	assert_string_equal(b.samples[0].branch, "seattle");
	assert_string_equal(b.samples[0].edge, "sea");
	assert_string_equal(b.samples[0].target, "192.0.2.1");
	assert_int_equal(b.samples[0].time_ms, 1764000000000LL);
	assert_int_equal(b.samples[0].rtt_us, 30123);
	assert_string_equal(b.samples[1].edge, "lax");
	assert_int_equal(b.samples[1].time_ms, 1763999999000LL);
	assert_int_equal(b.samples[1].rtt_us, -1);	/* null: lost */
	assert_string_equal(b.samples[2].branch, "london");
	assert_string_equal(b.samples[2].target, "");	/* none given */
	assert_int_equal(b.samples[2].rtt_us, -1);	/* negative: lost */
	latency_ingest_batch_free(&b);
	assert_null(b.samples);
}

static void
test_empty_batch(void **state)
{
	const char		*text = "{\"agent\":\"a\",\"seq\":0,\"samples\":[]}";
	struct ingest_batch	 b;
	char			 err[INGEST_ERR_MAX];

	(void)state;
	assert_int_equal(latency_ingest_parse(text, strlen(text), &limits, &b,
	    err), 0);
	assert_int_equal(b.nsamples, 0);
	assert_null(b.samples);
	assert_string_equal(b.agent, "a");
}

static void
test_not_json(void **state)
{
	(void)state;
	refused("", "body of 0 bytes");
	refused("not json", "bad JSON");
	refused("{\"agent\":\"a\",\"seq\":1,\"samples\":[", "bad JSON");
	refused("[1,2,3]", "not a JSON object");
	refused("\"a string\"", "bad JSON");	/* jansson wants a container */
	refused("{\"agent\":\"a\",\"agent\":\"b\",\"seq\":1,\"samples\":[]}",
	    "duplicate");
}

static void
test_top_fields(void **state)
{
	(void)state;
	refused("{\"seq\":1,\"samples\":[]}", "no \"agent\"");
	refused("{\"agent\":5,\"seq\":1,\"samples\":[]}",
	    "\"agent\" is not a string");
	refused("{\"agent\":\"\",\"seq\":1,\"samples\":[]}",
	    "\"agent\" is empty");
	refused("{\"agent\":\"a\",\"samples\":[]}", "\"seq\" missing");
	refused("{\"agent\":\"a\",\"seq\":-1,\"samples\":[]}",
	    "non-negative integer");
	refused("{\"agent\":\"a\",\"seq\":1.5,\"samples\":[]}",
	    "non-negative integer");
	refused("{\"agent\":\"a\",\"seq\":1}", "\"samples\" missing");
	refused("{\"agent\":\"a\",\"seq\":1,\"samples\":{}}",
	    "\"samples\" is not an array");
}

static void
test_sample_fields(void **state)
{
	(void)state;
	refused1("5", "sample 0: not an object");
	refused1("{\"edge\":\"sea\",\"time_ms\":1764000000000,\"rtt_us\":1}",
	    "sample 0: no \"branch\"");
	refused1("{\"branch\":\"b\",\"time_ms\":1764000000000,\"rtt_us\":1}",
	    "no \"edge\"");
	refused1("{\"branch\":\"b\",\"edge\":\"sea\",\"rtt_us\":1}",
	    "\"time_ms\" missing");
	refused1("{\"branch\":\"b\",\"edge\":\"sea\",\"time_ms\":1764000000000}",
	    "no \"rtt_us\"");
	refused1("{\"branch\":[],\"edge\":\"sea\",\"time_ms\":1764000000000,"
	    "\"rtt_us\":1}", "\"branch\" is not a string");
	refused1("{\"branch\":\"b\",\"edge\":\"sea\",\"target\":1,"
	    "\"time_ms\":1764000000000,\"rtt_us\":1}",
	    "\"target\" is not a string");
	refused1("{\"branch\":\"b\",\"edge\":\"sea\",\"time_ms\":"
	    "\"1764000000000\",\"rtt_us\":1}", "\"time_ms\" is not an integer");
	refused1("{\"branch\":\"b\",\"edge\":\"sea\",\"time_ms\":1764000000000.0,"
	    "\"rtt_us\":1}", "\"time_ms\" is not an integer");
	refused1("{\"branch\":\"b\",\"edge\":\"sea\",\"time_ms\":1764000000000,"
	    "\"rtt_us\":1.5}", "\"rtt_us\" is not an integer or null");
	refused1("{\"branch\":\"b\",\"edge\":\"sea\",\"time_ms\":1764000000000,"
	    "\"rtt_us\":true}", "\"rtt_us\" is not an integer or null");
	refused1("{\"branch\":\"b\",\"edge\":\"\",\"time_ms\":1764000000000,"
	    "\"rtt_us\":1}", "\"edge\" is empty");
}

static void
test_ranges(void **state)
{
	struct ingest_batch	 b;
	char			 err[INGEST_ERR_MAX], *s;

	(void)state;
	/* A minute is the largest round trip taken. */
	s = batch1("{\"branch\":\"b\",\"edge\":\"sea\",\"time_ms\":"
	    "1764000000000,\"rtt_us\":60000000}");
	assert_int_equal(latency_ingest_parse(s, strlen(s), &limits, &b, err),
	    0);
	assert_int_equal(b.samples[0].rtt_us, 60000000);
	latency_ingest_batch_free(&b);
	free(s);
	refused1("{\"branch\":\"b\",\"edge\":\"sea\",\"time_ms\":1764000000000,"
	    "\"rtt_us\":60000001}", "\"rtt_us\" 60000001 over 60000000");
	refused1("{\"branch\":\"b\",\"edge\":\"sea\",\"time_ms\":1764000000000,"
	    "\"rtt_us\":99999999999999999999}", "bad JSON");
	/* Seven days back and five minutes ahead of "now". */
	refused1("{\"branch\":\"b\",\"edge\":\"sea\",\"time_ms\":1763395199999,"
	    "\"rtt_us\":1}", "more than 604800 s from now");
	refused1("{\"branch\":\"b\",\"edge\":\"sea\",\"time_ms\":1764000300001,"
	    "\"rtt_us\":1}", "more than 300 s from now");
	refused1("{\"branch\":\"b\",\"edge\":\"sea\",\"time_ms\":0,"
	    "\"rtt_us\":1}", "from now");
	s = batch1("{\"branch\":\"b\",\"edge\":\"sea\",\"time_ms\":1764000300000,"
	    "\"rtt_us\":1}");
	assert_int_equal(latency_ingest_parse(s, strlen(s), &limits, &b, err),
	    0);
	assert_int_equal(b.nsamples, 1);
	latency_ingest_batch_free(&b);
	free(s);
}

static void
test_names(void **state)
{
	struct ingest_batch	 b;
	char			 err[INGEST_ERR_MAX], name[NAME_MAX_PT + 1];
	char			*sample, *s;

	(void)state;
	/* NAME_MAX_PT - 1 bytes fit, one more does not. */
	memset(name, 'x', NAME_MAX_PT - 1);
	name[NAME_MAX_PT - 1] = '\0';
	xasprintf(&sample, "{\"branch\":\"%s\",\"edge\":\"sea\",\"time_ms\":"
	    "1764000000000,\"rtt_us\":1}", name);
	s = batch1(sample);
	assert_int_equal(latency_ingest_parse(s, strlen(s), &limits, &b, err),
	    0);
	assert_int_equal(strlen(b.samples[0].branch), NAME_MAX_PT - 1);
	latency_ingest_batch_free(&b);
	free(s);
	free(sample);
	name[NAME_MAX_PT - 1] = 'x';
	name[NAME_MAX_PT] = '\0';
	xasprintf(&sample, "{\"branch\":\"%s\",\"edge\":\"sea\",\"time_ms\":"
	    "1764000000000,\"rtt_us\":1}", name);
	refused1(sample, "\"branch\" longer than 63 bytes");
	free(sample);

	/* Control characters, ESC, DEL, C1 CSI: refused, not rewritten. */
	refused1("{\"branch\":\"a\\nb\",\"edge\":\"sea\",\"time_ms\":"
	    "1764000000000,\"rtt_us\":1}", "\"branch\" has control characters");
	refused1("{\"branch\":\"b\",\"edge\":\"\\u001b[2J\",\"time_ms\":"
	    "1764000000000,\"rtt_us\":1}", "\"edge\" has control characters");
	refused1("{\"branch\":\"b\",\"edge\":\"sea\",\"target\":\"x\\u007f\","
	    "\"time_ms\":1764000000000,\"rtt_us\":1}",
	    "\"target\" has control characters");
	refused1("{\"branch\":\"\\u009b31m\",\"edge\":\"sea\",\"time_ms\":"
	    "1764000000000,\"rtt_us\":1}", "\"branch\" has control characters");
	refused("{\"agent\":\"\\u001b]0;pwned\\u0007\",\"seq\":1,"
	    "\"samples\":[]}", "\"agent\" has control characters");
	/* NUL inside a string: jansson refuses it. */
	refused1("{\"branch\":\"a\\u0000b\",\"edge\":\"sea\",\"time_ms\":"
	    "1764000000000,\"rtt_us\":1}", "bad JSON");
	/* Invalid UTF-8 straight in the body. */
	refused1("{\"branch\":\"\xc3\x28\",\"edge\":\"sea\",\"time_ms\":"
	    "1764000000000,\"rtt_us\":1}", "bad JSON");

	/* Valid UTF-8 is a name like any other. */
	s = batch1("{\"branch\":\"z\xc3\xbcrich\",\"edge\":\"sea\","
	    "\"time_ms\":1764000000000,\"rtt_us\":1}");
	assert_int_equal(latency_ingest_parse(s, strlen(s), &limits, &b, err),
	    0);
	assert_string_equal(b.samples[0].branch, "z\xc3\xbcrich");
	latency_ingest_batch_free(&b);
	free(s);
}

static void
test_depth_and_count(void **state)
{
	struct ingest_limits	 lim = limits;
	struct ingest_batch	 b;
	struct evbuffer		*eb;
	char			 err[INGEST_ERR_MAX], *s;
	size_t			 i;

	(void)state;
	/* 10,000 levels would recurse in jansson: refused before it. */
	eb = evbuffer_new();
	evbuffer_add_printf(eb, "{\"agent\":\"a\",\"seq\":1,\"samples\":");
	for (i = 0; i < 10000; i++)
		evbuffer_add(eb, "[", 1);
	for (i = 0; i < 10000; i++)
		evbuffer_add(eb, "]", 1);
	evbuffer_add(eb, "}", 2);
	s = (char *)evbuffer_pullup(eb, -1);
	refused(s, "nested deeper than 8");
	evbuffer_free(eb);
	/* Brackets inside strings are not nesting. */
	s = batch1("{\"branch\":\"[[[[[[[[[[\",\"edge\":\"sea\",\"target\":"
	    "\"{{{{{{{{{{\\\"[[[[[[[\",\"time_ms\":1764000000000,\"rtt_us\":1}");
	assert_int_equal(latency_ingest_parse(s, strlen(s), &limits, &b, err),
	    0);
	assert_string_equal(b.samples[0].branch, "[[[[[[[[[[");
	assert_string_equal(b.samples[0].target, "{{{{{{{{{{\"[[[[[[[");
	latency_ingest_batch_free(&b);
	free(s);

	/* max_samples: 3 taken, 4 refused. */
	lim.max_samples = 3;
	eb = evbuffer_new();
	evbuffer_add_printf(eb, "{\"agent\":\"a\",\"seq\":1,\"samples\":[");
	for (i = 0; i < 4; i++)
		evbuffer_add_printf(eb, "%s{\"branch\":\"b\",\"edge\":\"sea\","
		    "\"time_ms\":1764000000000,\"rtt_us\":%zu}", i ? "," : "",
		    i);
	evbuffer_add(eb, "]}", 3);
	s = (char *)evbuffer_pullup(eb, -1);
	assert_int_equal(latency_ingest_parse(s, strlen(s), &lim, &b, err), -1);
	assert_string_equal(err, "4 samples (limit 3)");
	assert_null(b.samples);
	lim.max_samples = 4;
	assert_int_equal(latency_ingest_parse(s, strlen(s), &lim, &b, err), 0);
	assert_int_equal(b.nsamples, 4);
	assert_int_equal(b.samples[3].rtt_us, 3);
	latency_ingest_batch_free(&b);
	/* And the body limit. */
	lim.max_body = strlen(s) - 1;
	assert_int_equal(latency_ingest_parse(s, strlen(s), &lim, &b, err), -1);
	assert_non_null(strstr(err, "bytes (limit"));
	evbuffer_free(eb);
}

/* One bad sample among good ones: nothing of the batch is taken. */
static void
test_all_or_nothing(void **state)
{
	const char *text = "{\"agent\":\"a\",\"seq\":1,\"samples\":["
	    "{\"branch\":\"b\",\"edge\":\"sea\",\"time_ms\":1764000000000,"
	    "\"rtt_us\":1},"
	    "{\"branch\":\"b\",\"edge\":\"sea\",\"time_ms\":1764000000000,"
	    "\"rtt_us\":2},"
	    "{\"branch\":\"b\",\"edge\":\"sea\",\"time_ms\":1764000000000,"
	    "\"rtt_us\":\"3\"}]}";

	(void)state;
	refused(text, "sample 2: \"rtt_us\" is not an integer or null");
}

/* ------------------------------------------------------------ the server */

struct srv {
	struct event_base	*base;
	struct ingest		*in;
	int			 calls;		/* batches delivered */
	size_t			 delivered;	/* samples in them */
	int			 fail;		/* callback says 503 */
	int			 checks;	/* commit 0 calls */
	int			 port;		/* 0: latency_ingest_port(in) */
	uint64_t		 queued;	/* history rows "queued" */
	int			 history;	/* 200s wait for a commit */
};

struct reply {
	struct event_base	*base;
	int			 code;
	char			 body[512];
	char			 allow[32];
};

/*
 * Maps samples of branch "known" only; -1 when told to fail.  Counts
 * what is committed, and checks every commit had its check first.
 */
static int
srv_cb(void *arg, const struct ingest_batch *b, int commit, uint64_t *wait)
{
	struct srv	*s = arg;
	size_t		 i;
	int		 mapped = 0;

	if (s->fail)
		return (-1);
	for (i = 0; i < b->nsamples; i++)
		if (strcmp(b->samples[i].branch, "known") == 0)
			mapped++;
	if (!commit) {
		s->checks++;
		return (mapped);
	}
	assert_int_equal(s->checks, s->calls + 1);
	s->calls++;
	s->delivered += b->nsamples;
	s->queued += (uint64_t)mapped;
	*wait = s->history && mapped > 0 ? s->queued : 0;
	return (mapped);
}

static void
reply_cb(struct evhttp_request *req, void *arg)
{
	struct reply	*r = arg;
	struct evbuffer	*b;
	const char	*allow;
	size_t		 n;

	r->code = req != NULL ? evhttp_request_get_response_code(req) : -1;
	if (req != NULL) {
		b = evhttp_request_get_input_buffer(req);
		n = evbuffer_get_length(b);
		if (n >= sizeof r->body)
			n = sizeof r->body - 1;
		evbuffer_remove(b, r->body, n);
		r->body[n] = '\0';
		allow = evhttp_find_header(evhttp_request_get_input_headers(req),
		    "Allow");
		if (allow != NULL)
			strlcpy_pt(r->allow, allow, sizeof r->allow);
	}
	event_base_loopbreak(r->base);
}

/* One request on a fresh connection; runs the loop until it is answered. */
static int
request(struct srv *s, enum evhttp_cmd_type cmd, const char *path,
    const char *auth, const char *body, size_t len, struct reply *r)
{
	struct evhttp_connection	*c;
	struct evhttp_request		*req;
	struct evkeyvalq		*h;

	memset(r, 0, sizeof *r);
	r->base = s->base;
	r->code = -2;
	c = evhttp_connection_base_new(s->base, NULL, "127.0.0.1",
	    (uint16_t)(s->port != 0 ? s->port : latency_ingest_port(s->in)));
	assert_non_null(c);
	evhttp_connection_set_timeout(c, 5);
	req = evhttp_request_new(reply_cb, r);
	h = evhttp_request_get_output_headers(req);
	evhttp_add_header(h, "Host", "127.0.0.1");
	if (auth != NULL)
		evhttp_add_header(h, "Authorization", auth);
	if (body != NULL)
		evbuffer_add(evhttp_request_get_output_buffer(req), body, len);
	assert_int_equal(evhttp_make_request(c, req, cmd, path), 0);
	event_base_dispatch(s->base);
	evhttp_connection_free(c);
	return (r->code);
}

static const char good[] = "{\"agent\":\"t\",\"seq\":1,\"samples\":["
    "{\"branch\":\"known\",\"edge\":\"sea\",\"target\":\"192.0.2.1\","
    "\"time_ms\":%lld,\"rtt_us\":1000},"
    "{\"branch\":\"known\",\"edge\":\"sea\",\"target\":\"192.0.2.1\","
    "\"time_ms\":%lld,\"rtt_us\":null},"
    "{\"branch\":\"elsewhere\",\"edge\":\"sea\",\"target\":\"192.0.2.1\","
    "\"time_ms\":%lld,\"rtt_us\":2000}]}";

static const char *const bad_auth[] = {
	NULL, "Bearer s3cret-tokeN", "Bearer s3cret-toke",
	"Bearer s3cret-token2", "Basic s3cret-token"
};

static const struct {
	enum evhttp_cmd_type	 cmd;
	const char		*path;
	int			 code;
} routes[] = {
	{ EVHTTP_REQ_GET, "/v1/samples", 405 },
	{ EVHTTP_REQ_PUT, "/v1/samples", 405 },
	{ EVHTTP_REQ_POST, "/v1/other", 404 },
	{ EVHTTP_REQ_POST, "/v1/samples/x", 404 },
	{ EVHTTP_REQ_POST, "/v1/samples?x=1", 200 }
};

static void
test_server(void **state)
{
	struct ingest_conf		 conf;
	const struct ingest_stats	*st;
	struct srv			 s;
	struct reply			 r;
	char				*body, *big;
	size_t				 i;
	long long			 now = (long long)now_wall_ms();

	(void)state;
	memset(&s, 0, sizeof s);
	memset(&conf, 0, sizeof conf);
	conf.port = -1;
	conf.max_body = 4096;
	strlcpy_pt(conf.token, "s3cret-token", sizeof conf.token);
	s.base = event_base_new();
	s.in = latency_ingest_new(s.base, &conf, srv_cb, &s, NULL);
	assert_non_null(s.in);
	assert_true(latency_ingest_port(s.in) > 0);
	assert_int_not_equal(latency_ingest_port(s.in), 8425);
	assert_non_null(strstr(latency_ingest_status(s.in),
	    "listening on 127.0.0.1:"));
	xasprintf(&body, good, now, now, now);

	/* The good batch: 2 of 3 samples mapped. */
	assert_int_equal(request(&s, EVHTTP_REQ_POST, "/v1/samples",
	    "Bearer s3cret-token", body, strlen(body), &r), 200);
	assert_string_equal(r.body, "{\"accepted\":2,\"unmapped\":1}\n");
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.delivered, 3);

	/* No token, a wrong one, one a byte short or long, another scheme:
	 * 401 and nothing delivered. */
	for (i = 0; i < nitems(bad_auth); i++) {
		assert_int_equal(request(&s, EVHTTP_REQ_POST, "/v1/samples",
		    bad_auth[i], body, strlen(body), &r), 401);
		assert_string_equal(r.body,
		    "{\"error\":\"missing or wrong token\"}\n");
	}
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.delivered, 3);

	/* Malformed: 400 with the reason, nothing delivered. */
	assert_int_equal(request(&s, EVHTTP_REQ_POST, "/v1/samples",
	    "Bearer s3cret-token", "{\"agent\":\"t\"}", 13, &r), 400);
	assert_string_equal(r.body, "{\"error\":\"\\\"seq\\\" missing\"}\n");
	assert_int_equal(request(&s, EVHTTP_REQ_POST, "/v1/samples",
	    "Bearer s3cret-token", "", 0, &r), 400);

	/* Over max_body: 413 from evhttp, nothing delivered. */
	big = xcalloc(1, 8192);
	memset(big, ' ', 8191);
	assert_int_equal(request(&s, EVHTTP_REQ_POST, "/v1/samples",
	    "Bearer s3cret-token", big, 8191, &r), 413);
	free(big);

	/* Method and path; a query string does not change the path. */
	for (i = 0; i < nitems(routes); i++) {
		assert_int_equal(request(&s, routes[i].cmd, routes[i].path,
		    "Bearer s3cret-token", body, strlen(body), &r),
		    routes[i].code);
		if (routes[i].code == 405)
			assert_string_equal(r.allow, "POST");
	}
	assert_int_equal(s.calls, 2);

	/* The store cannot take it: 503, retry later. */
	s.fail = 1;
	assert_int_equal(request(&s, EVHTTP_REQ_POST, "/v1/samples",
	    "Bearer s3cret-token", body, strlen(body), &r), 503);
	assert_string_equal(r.body,
	    "{\"error\":\"history unavailable, retry later\"}\n");
	assert_int_equal(s.calls, 2);

	st = latency_ingest_stats(s.in);
	assert_int_equal(st->requests, 14);	/* the 413 never reached it */
	assert_int_equal(st->batches, 2);
	assert_int_equal(st->accepted, 4);
	assert_int_equal(st->unmapped, 2);
	assert_int_equal(st->rejected[INGEST_REJ_AUTH], 5);
	assert_int_equal(st->rejected[INGEST_REJ_MALFORMED], 2);
	assert_int_equal(st->rejected[INGEST_REJ_METHOD], 2);
	assert_int_equal(st->rejected[INGEST_REJ_PATH], 2);
	assert_int_equal(st->rejected[INGEST_REJ_UNAVAILABLE], 1);
	assert_string_equal(st->last_agent, "t");
	assert_string_equal(latency_ingest_reject_name(INGEST_REJ_AUTH),
	    "unauthorised");

	free(body);
	latency_ingest_free(s.in);
	event_base_free(s.base);
}

/* No token configured: any request is taken; a port in use is refused. */
static void
test_server_open(void **state)
{
	struct ingest_conf	 conf;
	struct srv		 s;
	struct reply		 r;
	struct ingest		*second;
	char			*body, *cause = NULL;
	long long		 now = (long long)now_wall_ms();

	(void)state;
	memset(&s, 0, sizeof s);
	memset(&conf, 0, sizeof conf);
	conf.port = -1;
	s.base = event_base_new();
	s.in = latency_ingest_new(s.base, &conf, srv_cb, &s, &cause);
	assert_non_null(s.in);
	assert_non_null(strstr(latency_ingest_status(s.in), ", no token"));
	xasprintf(&body, good, now, now, now);
	assert_int_equal(request(&s, EVHTTP_REQ_POST, "/v1/samples", NULL,
	    body, strlen(body), &r), 200);
	assert_int_equal(s.delivered, 3);

	conf.port = latency_ingest_port(s.in);
	second = latency_ingest_new(s.base, &conf, srv_cb, &s, &cause);
	assert_null(second);
	assert_non_null(strstr(cause, "ingest: cannot listen on 127.0.0.1 "
	    "port"));
	free(cause);
	conf.port = 70000;
	cause = NULL;
	assert_null(latency_ingest_new(s.base, &conf, srv_cb, &s, &cause));
	assert_string_equal(cause, "ingest: bad port 70000");
	free(cause);

	free(body);
	latency_ingest_free(s.in);
	event_base_free(s.base);
}

/* A fresh loopback socket connected to port. */
static int
raw_connect(int port)
{
	struct sockaddr_in	 sin;
	int			 fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* The kernel completes the handshake from the listen backlog. */
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	return (fd);
}

/* A raw POST of body on a fresh loopback socket; returns the socket. */
static int
raw_post(int port, const char *body)
{
	char	*req;
	int	 fd;

	xasprintf(&req, "POST /v1/samples HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
	fd = raw_connect(port);
	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	free(req);
	return (fd);
}

/* Run the loop for ms milliseconds. */
static void
run_for(struct event_base *base, int ms)
{
	struct timeval	 tv = { ms / 1000, (ms % 1000) * 1000 };

	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

/*
 * With a history the 200 waits for the commit of the batch's rows: none
 * before it, one as soon as latency_ingest_committed() reaches them.
 * Stopped before that, the batch is stored but never answered, and the
 * agent, which keeps what is not acknowledged, sends it again.
 */
static void
test_server_commit(void **state)
{
	struct ingest_conf	 conf;
	struct srv		 s;
	char			*body, buf[512];
	ssize_t			 n;
	int			 fd, fd2;
	long long		 now = (long long)now_wall_ms();

	(void)state;
	memset(&s, 0, sizeof s);
	memset(&conf, 0, sizeof conf);
	conf.port = -1;
	s.history = 1;
	s.base = event_base_new();
	s.in = latency_ingest_new(s.base, &conf, srv_cb, &s, NULL);
	assert_non_null(s.in);
	xasprintf(&body, good, now, now, now);

	fd = raw_post(latency_ingest_port(s.in), body);
	run_for(s.base, 200);
	assert_int_equal(s.calls, 1);		/* stored ... */
	assert_int_equal(latency_ingest_waiting(s.in), 1);
	assert_int_equal(recv(fd, buf, sizeof buf, MSG_DONTWAIT), -1);
	assert_int_equal(latency_ingest_stats(s.in)->batches, 0);

	/* A commit short of its rows answers nothing. */
	latency_ingest_committed(s.in, s.queued - 1);
	run_for(s.base, 100);
	assert_int_equal(recv(fd, buf, sizeof buf, MSG_DONTWAIT), -1);
	latency_ingest_committed(s.in, s.queued);
	run_for(s.base, 100);
	n = recv(fd, buf, sizeof buf - 1, MSG_DONTWAIT);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "HTTP/1.1 200 OK"));
	assert_non_null(strstr(buf, "{\"accepted\":2,\"unmapped\":1}"));
	assert_int_equal(latency_ingest_waiting(s.in), 0);
	assert_int_equal(latency_ingest_stats(s.in)->batches, 1);
	assert_int_equal(latency_ingest_stats(s.in)->accepted, 2);
	close(fd);

	/* Stopped before the commit: no answer, counted undelivered. */
	fd2 = raw_post(latency_ingest_port(s.in), body);
	run_for(s.base, 200);
	assert_int_equal(s.calls, 2);
	assert_int_equal(latency_ingest_waiting(s.in), 1);
	latency_ingest_free(s.in);
	n = read(fd2, buf, sizeof buf - 1);
	assert_true(n <= 0);	/* EOF or reset: no answer */
	close(fd2);
	free(body);
	event_base_free(s.base);
}

/* Bytes waiting on fd, 0 at EOF (or a reset), -1 when none yet. */
static ssize_t
peek(int fd, char *buf, size_t len)
{
	ssize_t	 n;

	n = recv(fd, buf, len - 1, MSG_DONTWAIT);
	if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
		n = 0;
	if (n > 0)
		buf[n] = '\0';
	return (n);
}

/*
 * The whole-request deadline (issue 13, item 4): headers dripped a byte
 * every 200 ms keep evhttp's per-read timeout happy, but the connection
 * is closed once the request is not whole after the deadline; a batch
 * whose commit does not come by then is answered 503.
 */
static void
test_server_deadline(void **state)
{
	struct ingest_conf	 conf;
	struct srv		 s;
	const char		 drip[] = "POST /v1/samples HTTP/1.1\r\nHost: xx";
	char			*body, buf[512];
	size_t			 i;
	ssize_t			 n = -1;
	int			 fd;
	long long		 now = (long long)now_wall_ms();

	(void)state;
	memset(&s, 0, sizeof s);
	memset(&conf, 0, sizeof conf);
	conf.port = -1;
	conf.request_timeout_ms = 1000;
	s.history = 1;
	s.base = event_base_new();
	s.in = latency_ingest_new(s.base, &conf, srv_cb, &s, NULL);
	assert_non_null(s.in);

	fd = raw_connect(latency_ingest_port(s.in));
	/* 200 ms a byte: open at 0.8 s, closed by 1.6 s. */
	for (i = 0; i < sizeof drip - 1; i++) {
		if (write(fd, drip + i, 1) != 1)
			break;
		run_for(s.base, 200);
		n = peek(fd, buf, sizeof buf);
		if (i == 3)
			assert_int_equal(n, -1);
		if (n == 0)
			break;
	}
	assert_int_equal(n, 0);
	assert_true(i >= 4 && i <= 8);
	assert_int_equal(latency_ingest_stats(s.in)->timeouts, 1);
	assert_int_equal(s.calls, 0);
	close(fd);

	/* Stored, never committed: 503 at the deadline. */
	xasprintf(&body, good, now, now, now);
	fd = raw_post(latency_ingest_port(s.in), body);
	run_for(s.base, 600);
	assert_int_equal(s.calls, 1);
	assert_int_equal(peek(fd, buf, sizeof buf), -1);
	run_for(s.base, 600);
	assert_true(peek(fd, buf, sizeof buf) > 0);
	assert_non_null(strstr(buf, "HTTP/1.1 503"));
	assert_non_null(strstr(buf, "history not written in time"));
	assert_int_equal(latency_ingest_stats(s.in)->uncommitted, 1);
	assert_int_equal(latency_ingest_waiting(s.in), 0);
	close(fd);
	free(body);
	latency_ingest_free(s.in);
	event_base_free(s.base);
}

/* ------------------------------------------------------ the collector */

static const char *
disk_full_cb(void *arg, size_t rows)
{
	(void)arg;
	(void)rows;
	return ("history.db: database or disk is full");
}

/*
 * The model with edge "sea" (*sea its index) and conf, whose one
 * collector, the ingest one, is started on a free port (s->port).
 */
static struct collector *
collector_setup(struct model *m, const char *conf, struct srv *s, int *sea)
{
	struct collector	*c;
	struct edge		 e;
	char			*cause = NULL;

	memset(&e, 0, sizeof e);
	strlcpy_pt(e.code, "sea", sizeof e.code);
	strlcpy_pt(e.metro, "Seattle", sizeof e.metro);
	e.lat = 47.6;
	e.lon = -122.3;
	*sea = model_edge_set(m, &e);
	if (config_parse_buffer(m, "test.conf", conf, strlen(conf), &cause) !=
	    0)
		fail_msg("%s", cause);
	assert_int_equal(m->ncollectors, 1);
	c = m->collectors[0];
	assert_ptr_equal(c->ops, &collector_ingest);
	m->ingest.port = -1;
	memset(s, 0, sizeof *s);
	s->base = event_base_new();
	eval_start(m, s->base);
	if (c->ops->start(c, m, s->base, &cause) != 0)
		fail_msg("%s", cause);
	assert_int_equal(c->state, COL_UP);
	assert_true(collect_ingest_port(c) > 0);
	s->port = collect_ingest_port(c);
	return (c);
}

/* A fake history: rows numbered as the model hands samples over. */
struct fake_history {
	struct model	*m;
	struct event	*ev;
	uint64_t	 queued, committed;
	int		 soon;		/* flush_soon calls */
	int		 commit;	/* commit on flush_soon */
};

static void
fake_latency_cb(void *arg, const struct latlink *l, int64_t t, int64_t rtt)
{
	struct fake_history	*h = arg;

	(void)l;
	(void)t;
	(void)rtt;
	h->queued++;
}

static uint64_t
fake_seq_cb(void *arg, uint64_t *committed)
{
	struct fake_history	*h = arg;

	*committed = h->committed;
	return (h->queued);
}

static void
fake_commit_cb(evutil_socket_t fd, short events, void *arg)
{
	struct fake_history	*h = arg;

	(void)fd;
	(void)events;
	h->committed = h->queued;
	h->m->sink.committed(h->m->sink.committed_arg, h->committed);
}

static void
fake_soon_cb(void *arg)
{
	struct fake_history	*h = arg;
	struct timeval		 tv = { 0, 20 * 1000 };

	h->soon++;
	if (h->commit)
		evtimer_add(h->ev, &tv);
}


/* POST a numbered batch of n samples for hq/sea from sample number first. */
static int
request_body(struct srv *s, const char *run, int first, int n, long long t,
    struct reply *r)
{
	char	*body, *tmp;
	int	 i, code;

	xasprintf(&body, "{\"agent\":\"a\",\"seq\":9,\"run\":\"%s\","
	    "\"first\":%d,\"samples\":[", run, first);
	for (i = 0; i < n; i++) {
		xasprintf(&tmp, "%s%s{\"branch\":\"hq\",\"edge\":\"sea\","
		    "\"target\":\"192.0.2.1\",\"time_ms\":%lld,\"rtt_us\":"
		    "%d}", body, i ? "," : "", t + i, 1000 + i);
		free(body);
		body = tmp;
	}
	xasprintf(&tmp, "%s]}", body);
	free(body);
	code = request(s, EVHTTP_REQ_POST, "/v1/samples", "Bearer tk", tmp,
	    strlen(tmp), r);
	free(tmp);
	return (code);
}

/* The same, which must be answered 200 with want. */
static void
post_numbered(struct srv *s, const char *run, int first, int n, long long t,
    const char *want)
{
	struct reply	 r;

	assert_int_equal(request_body(s, run, first, n, t, &r), 200);
	assert_string_equal(r.body, want);
}

/*
 * The ingest collector (collect-ingest.c) from an "ingest" line: known
 * branch and edge feed the model as agent samples, unknown names are
 * unmapped, and a failing history turns batches away with a 503 before
 * anything reaches the model.
 */
static void
test_collector(void **state)
{
	const char conf[] =
	    "ingest listen 127.0.0.1 port 8425 token \"tk\"\n"
	    "branch \"hq\" {\n address 192.0.2.10\n location 47.6 -122.3\n}\n";
	const char batch[] = "{\"agent\":\"a\",\"seq\":1,\"samples\":["
	    "{\"branch\":\"hq\",\"edge\":\"sea\",\"target\":\"192.0.2.1\","
	    "\"time_ms\":%lld,\"rtt_us\":1500},"
	    "{\"branch\":\"hq\",\"edge\":\"sea\",\"target\":\"192.0.2.1\","
	    "\"time_ms\":%lld,\"rtt_us\":null},"
	    "{\"branch\":\"hq\",\"edge\":\"zzz\",\"time_ms\":%lld,"
	    "\"rtt_us\":1},"
	    "{\"branch\":\"nowhere\",\"edge\":\"sea\",\"time_ms\":%lld,"
	    "\"rtt_us\":1}]}";
	struct model		*m = model_new();
	struct collector	*c;
	struct latlink		*l;
	struct srv		 s;
	struct reply		 r;
	char			*body, desc[512];
	long long		 now = (long long)now_wall_ms();
	int			 sea;

	(void)state;
	c = collector_setup(m, conf, &s, &sea);
	assert_non_null(collect_ingest_server(c));
	assert_int_equal(latency_ingest_port(collect_ingest_server(c)), s.port);

	xasprintf(&body, batch, now, now + 1, now, now);
	assert_int_equal(request(&s, EVHTTP_REQ_POST, "/v1/samples",
	    "Bearer tk", body, strlen(body), &r), 200);
	assert_string_equal(r.body, "{\"accepted\":2,\"unmapped\":2}\n");
	l = latency_mon_link_find(m->branches[0], sea, "192.0.2.1");
	assert_non_null(l);
	assert_int_equal(l->total, 2);
	assert_int_equal(l->sent, 2);
	assert_int_equal(l->received, 1);
	assert_int_equal(l->source, LAT_AGENT);
	assert_int_equal(l->last_ms, now + 1);
	assert_int_equal(m->branches[0]->nlinks, 1);
	c->ops->describe(c, desc, sizeof desc);
	assert_non_null(strstr(desc, "1 batches, 2 samples (2 unmapped)"));
	assert_non_null(strstr(desc, "unmapped: branch nowhere/sea"));

	/* The history fails: 503, and the model sees nothing more. */
	m->sink.failing = disk_full_cb;
	assert_int_equal(request(&s, EVHTTP_REQ_POST, "/v1/samples",
	    "Bearer tk", body, strlen(body), &r), 503);
	assert_int_equal(l->total, 2);
	c->ops->describe(c, desc, sizeof desc);
	assert_non_null(strstr(desc, "refusing, history: history.db: "
	    "database or disk is full"));
	m->sink.failing = NULL;
	assert_int_equal(request(&s, EVHTTP_REQ_POST, "/v1/samples",
	    "Bearer tk", body, strlen(body), &r), 200);
	assert_int_equal(l->total, 4);
	free(body);

	/*
	 * Numbered batches ("run", "first"): samples 0-2 of run r1 are
	 * stored; the same batch again (its answer lost) is accepted and
	 * not stored; 2-4 stores 3 and 4 only; a new run r2 from 0 stores.
	 */
	post_numbered(&s, "r1", 0, 3, now + 10, "{\"accepted\":3,"
	    "\"unmapped\":0}\n");
	assert_int_equal(l->total, 7);
	post_numbered(&s, "r1", 0, 3, now + 10, "{\"accepted\":3,"
	    "\"unmapped\":0}\n");
	assert_int_equal(l->total, 7);
	post_numbered(&s, "r1", 2, 3, now + 12, "{\"accepted\":3,"
	    "\"unmapped\":0}\n");
	assert_int_equal(l->total, 9);
	post_numbered(&s, "r2", 0, 2, now + 20, "{\"accepted\":2,"
	    "\"unmapped\":0}\n");
	assert_int_equal(l->total, 11);
	c->ops->describe(c, desc, sizeof desc);
	assert_non_null(strstr(desc, "; 4 repeated"));

	c->ops->stop(c);
	assert_int_equal(collect_ingest_port(c), -1);
	eval_stop(m);
	model_free(m);
	event_base_free(s.base);
}

/*
 * The collector with a history: a batch's 200 waits for the commit of
 * its rows, asked for soon; a history that does not commit has it
 * answered 503 at the deadline.  A link's live window keeps at most
 * "max-samples": the samples it pushes out early are counted and shown,
 * and every one still reaches the history.
 */
static void
test_collector_history(void **state)
{
	const char conf[] =
	    "ingest listen 127.0.0.1 port 8425 token \"tk\"\n"
	    "latency { window 1h max-samples 16 }\n"
	    "branch \"hq\" {\n address 192.0.2.10\n location 47.6 -122.3\n}\n";
	struct model		*m = model_new();
	struct collector	*c;
	struct latlink		*l;
	struct fake_history	 h;
	struct srv		 s;
	struct reply		 r;
	char			 desc[512], *body, *tmp;
	long long		 now = (long long)now_wall_ms();
	int			 sea, i;

	(void)state;
	c = collector_setup(m, conf, &s, &sea);
	memset(&h, 0, sizeof h);
	h.m = m;
	h.ev = evtimer_new(s.base, fake_commit_cb, &h);
	h.commit = 1;
	m->sink.arg = &h;
	m->sink.latency = fake_latency_cb;
	m->sink.seq = fake_seq_cb;
	m->sink.flush_soon = fake_soon_cb;
	assert_non_null(m->sink.committed);

	/* 40 samples a millisecond apart: the window holds 16. */
	post_numbered(&s, "r1", 0, 40, now, "{\"accepted\":40,"
	    "\"unmapped\":0}\n");
	assert_int_equal(h.soon, 1);
	assert_int_equal(h.queued, 40);
	assert_int_equal(h.committed, 40);
	l = latency_mon_link_find(m->branches[0], sea, "192.0.2.1");
	assert_non_null(l);
	assert_int_equal(latency_series_count(l->ring), 16);
	assert_int_equal(l->capped, 24);
	assert_int_equal(m->lat_capped, 24);
	c->ops->describe(c, desc, sizeof desc);
	assert_non_null(strstr(desc, "; 24 samples over a link's cap"));

	/* 300 more targets: the branch keeps 256 links, all reach history. */
	xasprintf(&body, "{\"agent\":\"b\",\"seq\":1,\"samples\":[");
	for (i = 0; i < 300; i++) {
		xasprintf(&tmp, "%s%s{\"branch\":\"hq\",\"edge\":\"sea\","
		    "\"target\":\"t%d\",\"time_ms\":%lld,\"rtt_us\":5}", body,
		    i ? "," : "", i, now);
		free(body);
		body = tmp;
	}
	xasprintf(&tmp, "%s]}", body);
	free(body);
	assert_int_equal(request(&s, EVHTTP_REQ_POST, "/v1/samples",
	    "Bearer tk", tmp, strlen(tmp), &r), 200);
	free(tmp);
	assert_int_equal(h.queued, 340);
	assert_int_equal(h.committed, 340);
	assert_int_equal(m->branches[0]->nlinks, 256);
	assert_int_equal(m->lat_nolink, 45);
	c->ops->describe(c, desc, sizeof desc);
	assert_non_null(strstr(desc, "; 24 samples over a link's cap, 45 over "
	    "a branch's links"));
	assert_int_equal(h.soon, 2);

	/* Sent again (its 200 lost): no new rows, answered at once. */
	post_numbered(&s, "r1", 0, 40, now, "{\"accepted\":40,"
	    "\"unmapped\":0}\n");
	assert_int_equal(h.queued, 340);
	assert_int_equal(h.soon, 2);

	/* No commit comes: 503 at the deadline (1 s here). */
	c->ops->stop(c);
	m->ingest.request_timeout_ms = 1000;
	assert_int_equal(c->ops->start(c, m, s.base, NULL), 0);
	s.port = collect_ingest_port(c);
	h.commit = 0;
	assert_int_equal(request_body(&s, "r2", 0, 2, now + 100, &r), 503);
	assert_non_null(strstr(r.body, "history not written in time"));
	assert_int_equal(h.queued, 342);

	c->ops->stop(c);
	assert_null(m->sink.committed);
	eval_stop(m);
	event_free(h.ev);
	model_free(m);
	event_base_free(s.base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_empty_batch),
		cmocka_unit_test(test_not_json),
		cmocka_unit_test(test_top_fields),
		cmocka_unit_test(test_sample_fields),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_depth_and_count),
		cmocka_unit_test(test_all_or_nothing),
		cmocka_unit_test(test_server),
		cmocka_unit_test(test_server_open),
		cmocka_unit_test(test_server_commit),
		cmocka_unit_test(test_server_deadline),
		cmocka_unit_test(test_collector),
		cmocka_unit_test(test_collector_history),
	};

	log_open("/dev/null", LOG_LVL_ERROR);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
