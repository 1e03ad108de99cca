/* SPDX-License-Identifier: ISC */
/*
 * The streaming JSON writer (json.h): a stack of open containers, each
 * knowing whether it is broken over lines and how many items it holds,
 * decides the separator, newline and indent before every item.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "core/json.h"
#include "core/util.h"

static void	json_w_put(struct json_w *, const char *);
static void	json_w_item(struct json_w *, const char *, int);
static void	json_w_open(struct json_w *, const char *, int, int);
static void	json_w_file_put(void *, const char *, size_t);
static void	json_w_evbuffer_put(void *, const char *, size_t);
static void	json_w_init(struct json_w *,
		    void (*)(void *, const char *, size_t), void *, int spaced);

static void
json_w_file_put(void *arg, const char *s, size_t len)
{
	fwrite(s, 1, len, arg);
}

static void
json_w_init(struct json_w *j, void (*put)(void *, const char *, size_t),
    void *arg, int spaced)
{
	memset(j, 0, sizeof *j);
	j->put = put;
	j->arg = arg;
	j->spaced = spaced;
}

void
json_w_init_file(struct json_w *j, FILE *f, int spaced)
{
	json_w_init(j, json_w_file_put, f, spaced);
}

static void
json_w_evbuffer_put(void *arg, const char *s, size_t len)
{
	if (evbuffer_add(arg, s, len) != 0)
		fatalx("evbuffer_add");
}

void
json_w_init_evbuffer(struct json_w *j, struct evbuffer *b, int spaced)
{
	json_w_init(j, json_w_evbuffer_put, b, spaced);
}

static void
json_w_put(struct json_w *j, const char *s)
{
	j->put(j->arg, s, strlen(s));
}

/* A newline and two spaces per broken container open. */
static void
json_w_newline(struct json_w *j, int nbrk)
{
	static const char	 spaces[] = "                ";
	int			 n = 2 * nbrk;

	json_w_put(j, "\n");
	for (; n > 0; n -= (int)sizeof spaces - 1)
		j->put(j->arg, spaces, (size_t)n < sizeof spaces - 1 ?
		    (size_t)n : sizeof spaces - 1);
}

/* Separator, line break and key before an item of the innermost. */
static void
json_w_item(struct json_w *j, const char *key, int container)
{
	char	 buf[6 * 32 + 1], *esc;
	size_t	 len;
	int	 nl;

	if (j->depth == 0)
		return;
#define TOP	(j->st[j->depth - 1])
	nl = TOP.brk && (TOP.array || TOP.items == 0 || container ||
	    TOP.last_container);
	if (TOP.items > 0)
		json_w_put(j, ",");
	if (nl)
		json_w_newline(j, j->nbrk);
	else if (TOP.items > 0 && j->spaced)
		json_w_put(j, " ");
	TOP.items++;
	TOP.last_container = container;
	if (key != NULL && !TOP.array) {
		/* Keys are ours, bar a report's state names: mostly short. */
		len = 6 * strlen(key) + 1;
		esc = len <= sizeof buf ? buf : xmalloc(len);
		json_w_put(j, "\"");
		json_w_put(j, json_escape(esc, len, key));
		json_w_put(j, j->spaced ? "\": " : "\":");
		if (esc != buf)
			free(esc);
	}
#undef TOP
}

static void
json_w_open(struct json_w *j, const char *key, int brk, int array)
{
	if (j->depth == JSON_DEPTH_MAX)
		fatalx("json: nested deeper than %d", JSON_DEPTH_MAX);
	json_w_item(j, key, 1);
	json_w_put(j, array ? "[" : "{");
	memset(&j->st[j->depth], 0, sizeof j->st[j->depth]);
	j->st[j->depth].close = array ? ']' : '}';
	j->st[j->depth].brk = brk;
	j->st[j->depth].array = array;
	j->depth++;
	if (brk)
		j->nbrk++;
}

void
json_w_object(struct json_w *j, const char *key, int brk)
{
	json_w_open(j, key, brk, 0);
}

void
json_w_array(struct json_w *j, const char *key, int brk)
{
	json_w_open(j, key, brk, 1);
}

void
json_w_end(struct json_w *j)
{
	char	 close[2];

	if (j->depth == 0)
		fatalx("json: end without an open container");
	j->depth--;
	if (j->st[j->depth].brk)
		json_w_newline(j, --j->nbrk);
	close[0] = j->st[j->depth].close;
	close[1] = '\0';
	json_w_put(j, close);
}

/*
 * Names from the configuration and the network are bytes: each run
 * between control characters goes through sanitize() (invalid UTF-8,
 * bidi and invisible characters to '?').  Of the control characters only
 * tab and newline stay, for json_escape() to write as \u0009 and \n;
 * the others (ESC, BEL, CR...) become '?' like everywhere else, so that
 * `jq -r` cannot hand a terminal an escape from a crafted history.  The
 * buffers fit the whole value.
 */
void
json_w_string(struct json_w *j, const char *key, const char *value)
{
	char	*clean, *esc;
	size_t	 len = strlen(value), i, k, o = 0;

	clean = xmalloc(len + 1);
	for (i = 0; i < len; i = k) {
		if ((unsigned char)value[i] < 0x20 || value[i] == 0x7f) {
			clean[o++] = value[i] == '\t' || value[i] == '\n' ?
			    value[i] : '?';
			k = i + 1;
			continue;
		}
		for (k = i; k < len && (unsigned char)value[k] >= 0x20 &&
		    value[k] != 0x7f; k++)
			;
		sanitize(clean + o, k - i + 1, value + i, k - i);
		o += strlen(clean + o);
	}
	clean[o] = '\0';
	esc = xmalloc(6 * o + 1);	/* "\u001f" for each byte at most */
	json_w_item(j, key, 0);
	json_w_put(j, "\"");
	json_w_put(j, json_escape(esc, 6 * o + 1, clean));
	json_w_put(j, "\"");
	free(esc);
	free(clean);
}

void
json_w_uint(struct json_w *j, const char *key, unsigned long long v)
{
	char	 buf[24];

	snprintf(buf, sizeof buf, "%llu", v);
	json_w_item(j, key, 0);
	json_w_put(j, buf);
}

void
json_w_int(struct json_w *j, const char *key, long long v)
{
	char	 buf[24];

	snprintf(buf, sizeof buf, "%lld", v);
	json_w_item(j, key, 0);
	json_w_put(j, buf);
}

void
json_w_double(struct json_w *j, const char *key, double v, int decimals)
{
	char	 buf[64];

	if (!isfinite(v)) {
		json_w_null(j, key);
		return;
	}
	snprintf(buf, sizeof buf, "%.*f", decimals, v);
	json_w_item(j, key, 0);
	json_w_put(j, buf);
}

void
json_w_bool(struct json_w *j, const char *key, int v)
{
	json_w_item(j, key, 0);
	json_w_put(j, v ? "true" : "false");
}

void
json_w_null(struct json_w *j, const char *key)
{
	json_w_item(j, key, 0);
	json_w_put(j, "null");
}

void
json_w_time(struct json_w *j, const char *key, int64_t ms, int frac)
{
	char	 t[TIME_ISO_LEN];

	json_w_item(j, key, 0);
	json_w_put(j, "\"");
	json_w_put(j, time_iso(t, sizeof t, ms, frac));
	json_w_put(j, "\"");
}
