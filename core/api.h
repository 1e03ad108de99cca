/* SPDX-License-Identifier: ISC */
/*
 * The collector's read-only HTTP API (issue 15): the objects of
 * "--once -o json" over HTTP, for scripts, load balancers and Nagios'
 * check_http.  GET (or HEAD: the same code and headers), no body:
 *
 *	/v1/status		the document's header; 503 when critical
 *	/v1/sessions, /v1/partners, /v1/branches, /v1/prefixes
 *	/v1/branches/NAME	that branch alone (404 when unknown)
 *	/v1/events?since=ISO|ms&level=Error&open=1
 *	/v1/collectors		the collectors and BMP routers, with status
 *	/v1/latency		each latency link's figures
 *
 * Every answer is a JSON object: "generated" and "status" as --once's
 * header, then the section asked for; an error is {"error": "..."}
 * with 400, 401 (missing or wrong bearer token), 404 or 405.
 */
#ifndef PEERTOP_API_H
#define PEERTOP_API_H

struct api;
struct event_base;
struct model;

/*
 * Listen as m->api says.  NULL with *cause NULL when no api is
 * configured, NULL with *cause (the caller's to free) when the listener
 * cannot open.  The model must outlive the API.
 */
struct api	*api_start(struct model *, struct event_base *, char **cause);
void		 api_stop(struct api *);
int		 api_port(const struct api *);	/* bound port */

#endif
