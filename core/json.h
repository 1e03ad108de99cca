/* SPDX-License-Identifier: ISC */
/*
 * The one JSON writer: --once, "peertop mrt -o json", "peertop report -o
 * json", the agent's batches and the ingest endpoint's replies all go
 * through it.  It streams (bgpctl's
 * json.c), so a large report or a replay's events are never held whole.
 *
 * Layout: compact ("a":1,"b":2) or spaced ("a": 1, "b": 2).  A container
 * opened with brk set puts its items on lines of their own, indented two
 * spaces per open broken container: every element of an array, and of an
 * object its first member, every container member and the member after
 * one.  Everything else stays on one line.
 *
 * jansson reads JSON here (latency-prom.c, latency-ingest.c) but does not write
 * it: its dumper knows neither this layout, which the golden files pin, nor a
 * fixed number of decimals ("12.000"), and escapes differently.  Its
 * names (json_object(), json_string() ...) are why these are json_w_*.
 */
#ifndef PEERTOP_JSON_H
#define PEERTOP_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_DEPTH_MAX	8

struct json_w {
	void		(*put)(void *, const char *, size_t);
	void		*arg;
	int		 spaced;
	int		 depth, nbrk;
	struct {
		char	 close;
		int	 brk, array;
		size_t	 items;
		int	 last_container;
	} st[JSON_DEPTH_MAX];
};

/* Write to a FILE. */
void	 json_w_init_file(struct json_w *, FILE *, int spaced);
struct evbuffer;
/* Append to a libevent buffer (an HTTP body). */
void	 json_w_init_evbuffer(struct json_w *, struct evbuffer *, int spaced);

/* key is NULL for an array element or the root. */
void	 json_w_object(struct json_w *, const char *key, int brk);
void	 json_w_array(struct json_w *, const char *key, int brk);
void	 json_w_end(struct json_w *);	/* closes the innermost */

/*
 * A string: invalid UTF-8 becomes '?' (sanitize()), control characters
 * \uXXXX; never cut.
 */
void	 json_w_string(struct json_w *, const char *key, const char *);
void	 json_w_uint(struct json_w *, const char *key, unsigned long long);
void	 json_w_int(struct json_w *, const char *key, long long);
/* Fixed decimals ("%.3f"); null when not finite (JSON has no NaN). */
void	 json_w_double(struct json_w *, const char *key, double, int decimals);
void	 json_w_bool(struct json_w *, const char *key, int);
void	 json_w_null(struct json_w *, const char *key);
/* time_iso() as a string; frac as there. */
void	 json_w_time(struct json_w *, const char *key, int64_t ms, int frac);

#endif
