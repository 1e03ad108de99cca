/* SPDX-License-Identifier: ISC */
/*
 * GET /metrics over HTTP for Prometheus (metrics-http.h).  A scrape is
 * one small request: headers only, no body, answered at once from the
 * model as it is now, so unlike the ingest endpoint nothing waits on the
 * history.  Its limits are those of the ingest endpoint and the API
 * (core/httpd.c): bounded headers, no body, a connection cap and a
 * deadline on the first request of a connection.  A connection kept
 * alive between scrapes is closed by evhttp's timeout per read once
 * idle, quietly: Prometheus comes back at the next scrape.
 */
#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "core/httpd.h"
#include "core/metrics.h"
#include "core/metrics-http.h"
#include "core/model.h"
#include "core/rib.h"
#include "core/store.h"
#include "core/util.h"

#define METRICS_HEADERS_MAX	(8 * 1024)
#define METRICS_DEADLINE_MS	10000	/* a request, and an idle connection */
#define METRICS_CONNS_MAX	32	/* a Prometheus pair and a few curls */

struct metrics_http {
	struct model		*m;
	struct store		*store;
	struct httpd		*h;
};

static void	metrics_http_request_cb(struct evhttp_request *, void *);
static void	metrics_http_reply(struct evhttp_request *, int,
		    const char *);

struct metrics_http *
metrics_http_start(struct model *m, struct event_base *base,
    struct store *store, char **cause)
{
	struct metrics_http	*mh;
	struct httpd_conf	 hc;

	*cause = NULL;
	if (!m->metrics.enabled)
		return (NULL);
	mh = xcalloc(1, sizeof *mh);
	mh->m = m;
	mh->store = store;
	memset(&hc, 0, sizeof hc);
	hc.name = "metrics";
	hc.listen = m->metrics.listen;
	hc.port = m->metrics.port == 0 ? METRICS_PORT_DEFAULT :
	    m->metrics.port;
	hc.max_headers = METRICS_HEADERS_MAX;
	hc.request_timeout_ms = METRICS_DEADLINE_MS;
	hc.max_conns = METRICS_CONNS_MAX;
	hc.tls = &m->metrics.tls;
	hc.request = metrics_http_request_cb;
	hc.arg = mh;
	if ((mh->h = httpd_new(base, &hc, cause)) == NULL) {
		free(mh);
		return (NULL);
	}
	log_info("metrics: listening on %s", httpd_where(mh->h));
	return (mh);
}

void
metrics_http_stop(struct metrics_http *mh)
{
	if (mh == NULL)
		return;
	httpd_free(mh->h);
	free(mh);
}

int
metrics_http_port(const struct metrics_http *mh)
{
	return (httpd_port(mh->h));
}

/* A short plain-text answer for what is not a scrape. */
static void
metrics_http_reply(struct evhttp_request *req, int code, const char *reason)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);
	struct evbuffer		*out;

	if ((out = evbuffer_new()) == NULL)
		fatalx("evbuffer_new");
	evbuffer_add_printf(out, "%s\n", reason);
	evhttp_add_header(h, "Content-Type", "text/plain; charset=utf-8");
	if (code == 405)
		evhttp_add_header(h, "Allow", "GET, HEAD");
	evhttp_send_reply(req, code, reason, out);
	evbuffer_free(out);
}

static void
metrics_http_request_cb(struct evhttp_request *req, void *arg)
{
	struct metrics_http	*mh = arg;
	struct metrics_stats	 st;
	struct evbuffer		*out;
	const char		*path, *accept;
	enum metrics_format	 fmt;
	char			*text = NULL;
	size_t			 len = 0;
	FILE			*f;

	/* Read in time; answered now, and the connection may idle. */
	httpd_deadline(mh->h, evhttp_request_get_connection(req), 0);
	path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	if (path == NULL || strcmp(path, METRICS_PATH) != 0) {
		metrics_http_reply(req, 404, "Not Found");
		return;
	}
	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET &&
	    evhttp_request_get_command(req) != EVHTTP_REQ_HEAD) {
		metrics_http_reply(req, 405, "Method Not Allowed");
		return;
	}
	memset(&st, 0, sizeof st);
	if (mh->m->rib != NULL) {
		st.have_rib = 1;
		rib_stats(mh->m->rib, &st.rib);
	}
	if (mh->store != NULL) {
		st.have_store = 1;
		store_writer_stats(mh->store, &st.store);
	}
	if ((f = open_memstream(&text, &len)) == NULL)
		fatal("open_memstream");
	/* Prometheus asks for OpenMetrics first; curl takes anything. */
	accept = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Accept");
	fmt = accept != NULL && strstr(accept, "application/openmetrics-text")
	    != NULL ? METRICS_OPENMETRICS : METRICS_TEXT;
	if (metrics_write(f, mh->m, &st, fmt) == -1 || fclose(f) != 0)
		fatalx("metrics: out of memory");
	if ((out = evbuffer_new()) == NULL)
		fatalx("evbuffer_new");
	evbuffer_add(out, text, len);
	free(text);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", fmt == METRICS_OPENMETRICS ?
	    METRICS_CONTENT_TYPE : METRICS_TEXT_TYPE);
	evhttp_send_reply(req, 200, "OK", out);
	evbuffer_free(out);
}
