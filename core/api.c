/* SPDX-License-Identifier: ISC */
/*
 * The read-only HTTP API (api.h).  Each request is answered at once from
 * the model, through the JSON output's own object writers
 * (output_print_sections()), so an object here is byte for byte what
 * --once prints.  The listener's bounds (connections, request time,
 * header size) are httpd's; a request may carry no body at all.
 *
 * The order of the checks: the token first, so that a client without
 * it learns nothing, not even which paths exist; then the path; then
 * the method.
 */
#include <sys/types.h>
#include <sys/queue.h>

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "core/api.h"
#include "core/httpd.h"
#include "core/json.h"
#include "core/model.h"
#include "core/output.h"
#include "core/util.h"

#define API_HEADERS_MAX	(8 * 1024)	/* a request is a line and a token */
#define API_BODY_MAX	(64 * 1024)	/* read, then refused with a 413 */
#define API_PREFIX	"/v1/"
#define API_BRANCH	"/v1/branches/"

struct api {
	struct model	*m;
	struct httpd	*h;
	char		 token[128];
};

/* One path: the sections of the document it answers with. */
struct api_route {
	const char	*path;
	unsigned	 sections;	/* OUT_BIT()s */
	int		 status;	/* 503 when critical */
	int		 events;	/* takes the events' filters */
};

static const struct api_route api_routes[] = {
	{ "/v1/status", 0, 1, 0 },
	{ "/v1/sessions", OUT_BIT(OUT_SESSIONS), 0, 0 },
	{ "/v1/partners", OUT_BIT(OUT_PARTNERS), 0, 0 },
	{ "/v1/branches", OUT_BIT(OUT_BRANCHES), 0, 0 },
	{ "/v1/prefixes", OUT_BIT(OUT_PREFIXES), 0, 0 },
	{ "/v1/events", OUT_BIT(OUT_EVENTS), 0, 1 },
	{ "/v1/collectors", OUT_BIT(OUT_COLLECTORS) | OUT_BIT(OUT_BMP), 0, 0 },
	{ "/v1/latency", OUT_BIT(OUT_LATENCY), 0, 0 },
};

static void	api_request_cb(struct evhttp_request *, void *);
static void	api_error(struct api *, struct evhttp_request *, int,
		    const char *);
static const struct api_route *api_route_find(const char *);
static int	api_route(struct api *, struct evhttp_request *,
		    const struct api_route **, char *, size_t, const char **);
static int	api_events_filter(const char *, struct output_filter *,
		    char *, size_t);
static int	api_level(const char *, enum level *);

struct api *
api_start(struct model *m, struct event_base *base, char **cause)
{
	struct api		*a;
	struct httpd_conf	 hc;

	*cause = NULL;
	if (!m->api.enabled)
		return (NULL);
	a = xcalloc(1, sizeof *a);
	a->m = m;
	strlcpy_pt(a->token, m->api.token, sizeof a->token);
	memset(&hc, 0, sizeof hc);
	hc.name = "api";
	hc.listen = m->api.listen;
	hc.port = m->api.port;
	/*
	 * GET only: a body is refused, in JSON and after the token, by the
	 * handler; evhttp's own (HTML) 413 is left for bodies over this.
	 */
	hc.max_body = API_BODY_MAX;
	hc.max_headers = API_HEADERS_MAX;
	hc.request_timeout_ms = m->api.request_timeout_ms != 0 ?
	    m->api.request_timeout_ms : API_TIMEOUT_DEFAULT_MS;
	hc.max_conns = m->api.max_conns != 0 ? m->api.max_conns :
	    API_CONNS_DEFAULT;
	hc.tls = &m->api.tls;
	hc.request = api_request_cb;
	hc.arg = a;
	if ((a->h = httpd_new(base, &hc, cause)) == NULL) {
		free(a);
		return (NULL);
	}
	log_info("api: listening on %s%s", httpd_where(a->h),
	    a->token[0] != '\0' ? "" : ", no token");
	return (a);
}

void
api_stop(struct api *a)
{
	if (a == NULL)
		return;
	httpd_free(a->h);
	free(a);
}

int
api_port(const struct api *a)
{
	return (httpd_port(a->h));
}

/* {"error": why} with code, logged (rate-limited) with the peer. */
static void
api_error(struct api *a, struct evhttp_request *req, int code,
    const char *why)
{
	struct evbuffer	*out;
	struct json_w	 j;
	char		 peer[ADDR_STRLEN];

	httpd_peer(req, peer, sizeof peer);
	httpd_log(a->h, "api: %s: %d %s", peer, code, why);
	if ((out = evbuffer_new()) == NULL)
		fatalx("evbuffer_new");
	json_w_init_evbuffer(&j, out, 0);
	json_w_object(&j, NULL, 0);
	json_w_string(&j, "error", why);
	json_w_end(&j);
	evbuffer_add(out, "\n", 1);
	httpd_reply(req, code, out, "GET, HEAD");
	evbuffer_free(out);
}

static const struct api_route *
api_route_find(const char *path)
{
	size_t	 i;

	for (i = 0; i < nitems(api_routes); i++)
		if (strcmp(path, api_routes[i].path) == 0)
			return (&api_routes[i]);
	return (NULL);
}

/*
 * The route of req's path, and for /v1/branches/NAME the branch's name
 * (decoded) in name ("" otherwise).  0, or the HTTP code to refuse with
 * and *why.
 */
static int
api_route(struct api *a, struct evhttp_request *req,
    const struct api_route **rp, char *name, size_t len, const char **why)
{
	const char	*path;
	char		*dec;
	size_t		 declen;
	int		 known;

	name[0] = '\0';
	*why = "no such path (GET " API_PREFIX "status, sessions, partners, "
	    "branches[/NAME], prefixes, events, collectors, latency)";
	path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	if (path == NULL)
		return (404);
	if ((*rp = api_route_find(path)) != NULL)
		return (0);
	if (strncmp(path, API_BRANCH, strlen(API_BRANCH)) != 0 ||
	    path[strlen(API_BRANCH)] == '\0')
		return (404);
	if ((dec = evhttp_uridecode(path + strlen(API_BRANCH), 0,
	    &declen)) == NULL)
		fatalx("evhttp_uridecode");
	strlcpy_pt(name, dec, len);
	/* "%00" would cut the name short: "london%00x" is not london. */
	known = declen == strlen(dec) && declen < len &&
	    model_branch_find(a->m, dec) != NULL;
	free(dec);
	if (!known) {
		*why = "no such branch";
		return (404);
	}
	*rp = api_route_find("/v1/branches");	/* kept to the one */
	return (0);
}

/* "Error", "error", "critical": a level name, any case. */
static int
api_level(const char *s, enum level *l)
{
	enum level	 i;

	for (i = LVL_INFO; i <= LVL_CRITICAL; i++)
		if (strcasecmp(s, level_name(i)) == 0) {
			*l = i;
			return (0);
		}
	return (-1);
}

/*
 * since=ISO 8601 or wall milliseconds, level=NAME (that or worse),
 * open=1|0.  0, or -1 with why for a 400.
 */
static int
api_events_filter(const char *query, struct output_filter *f, char *why,
    size_t len)
{
	struct evkeyvalq	 q;
	struct evkeyval		*kv;
	const char		*v;
	char			*end;
	int			 rv = -1;

	TAILQ_INIT(&q);
	if (query != NULL && evhttp_parse_query_str(query, &q) != 0) {
		snprintf(why, len, "malformed query");
		return (-1);
	}
	TAILQ_FOREACH(kv, &q, next) {
		v = kv->value;
		if (strcmp(kv->key, "since") == 0) {
			f->since_ms = strtoll(v, &end, 10);
			if (*v != '\0' && isdigit((unsigned char)*v) &&
			    *end == '\0')
				continue;
			if (time_parse(v, now_wall_ms(), 0, &f->since_ms) == 0)
				continue;
			snprintf(why, len, "since: expected an ISO 8601 time "
			    "or milliseconds since 1970");
		} else if (strcmp(kv->key, "level") == 0) {
			if (api_level(v, &f->level) == 0)
				continue;
			snprintf(why, len, "level: expected Information, "
			    "Warning, Error or Critical");
		} else if (strcmp(kv->key, "open") == 0) {
			f->open = strcmp(v, "1") == 0 || strcmp(v, "true") == 0;
			if (f->open || strcmp(v, "0") == 0 ||
			    strcmp(v, "false") == 0)
				continue;
			snprintf(why, len, "open: expected 1 or 0");
		} else
			snprintf(why, len, "unknown parameter (since, level, "
			    "open)");
		goto out;
	}
	rv = 0;
out:
	evhttp_clear_headers(&q);
	return (rv);
}

static void
api_request_cb(struct evhttp_request *req, void *arg)
{
	struct api		*a = arg;
	const struct api_route	*r = NULL;
	const char		*err;
	struct output_filter	 flt;
	struct evbuffer		*out;
	char			 name[NAME_MAX_PT], why[128], *doc = NULL;
	size_t			 len = 0;
	FILE			*f;
	int			 code;

	/* Answered now: the next request on this connection gets its own. */
	httpd_deadline(a->h, evhttp_request_get_connection(req), 1);
	if (!httpd_bearer_ok(a->token, req)) {
		api_error(a, req, 401, "missing or wrong token");
		return;
	}
	if ((code = api_route(a, req, &r, name, sizeof name, &err)) != 0) {
		api_error(a, req, code, err);
		return;
	}
	if (evbuffer_get_length(evhttp_request_get_input_buffer(req)) > 0) {
		api_error(a, req, 413, "read-only: a request has no body");
		return;
	}
	/* HEAD: the GET's code and headers, evhttp leaves out the body. */
	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET &&
	    evhttp_request_get_command(req) != EVHTTP_REQ_HEAD) {
		api_error(a, req, 405, "read-only: use GET or HEAD");
		return;
	}
	memset(&flt, 0, sizeof flt);
	flt.branch = name[0] != '\0' ? name : NULL;
	if (r->events && api_events_filter(evhttp_uri_get_query(
	    evhttp_request_get_evhttp_uri(req)), &flt, why, sizeof why) != 0) {
		api_error(a, req, 400, why);
		return;
	}
	if ((f = open_memstream(&doc, &len)) == NULL)
		fatalx("open_memstream failed");
	output_print_sections(&output_json, f, a->m, r->sections, &flt,
	    SIZE_MAX);
	fclose(f);
	if ((out = evbuffer_new()) == NULL)
		fatalx("evbuffer_new");
	evbuffer_add(out, doc, len);
	free(doc);
	/* check_http and load balancers read the code, not the body. */
	code = r->status && output_status(a->m) == 2 ? 503 : 200;
	httpd_reply(req, code, out, NULL);
	evbuffer_free(out);
}
