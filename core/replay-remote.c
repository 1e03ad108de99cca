/* SPDX-License-Identifier: ISC */
/* Replay through a collector's control socket (replay-remote.h). */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/control-client.h"
#include "core/model.h"
#include "core/replay-remote.h"
#include "core/replica.h"
#include "core/util.h"

#define RREPLAY_TIMEOUT_MS	10000	/* a load of a long window */

struct rreplay {
	char		*path;
	struct ctlc	*c;
};

struct rreplay *
rreplay_open(const char *path, char **cause)
{
	struct rreplay	*rr;
	json_t		*cmd, *r;
	int		 ok;

	rr = xcalloc(1, sizeof *rr);
	rr->path = xstrdup(path);
	if ((rr->c = ctlc_open(path, 2000, NULL, cause)) == NULL) {
		rreplay_close(rr);
		return (NULL);
	}
	/* The collector says now whether it has a history to read. */
	cmd = json_pack("{s:s, s:s}", "cmd", "replay_span", "client",
	    "replay");
	r = ctlc_request(rr->c, cmd, "replay_span", RREPLAY_TIMEOUT_MS, cause);
	json_decref(cmd);
	ok = r != NULL;
	if (r != NULL)
		json_decref(r);
	if (!ok) {
		rreplay_close(rr);
		return (NULL);
	}
	return (rr);
}

void
rreplay_close(struct rreplay *rr)
{
	if (rr == NULL)
		return;
	ctlc_close(rr->c);
	free(rr->path);
	free(rr);
}

/*
 * One request and its reply, the connection opened again once when it
 * broke (the collector restarted).  NULL on failure (cause dropped: the
 * callers' answer is -1, as for a file that cannot be read).
 */
static json_t *
rreplay_ask(struct rreplay *rr, json_t *cmd, const char *want)
{
	json_t	*r = NULL;
	char	*cause = NULL;
	int	 try;

	for (try = 0; try < 2 && r == NULL; try++) {
		if (rr->c == NULL &&
		    (rr->c = ctlc_open(rr->path, 2000, NULL, &cause)) == NULL)
			break;
		if ((r = ctlc_request(rr->c, cmd, want, RREPLAY_TIMEOUT_MS,
		    &cause)) == NULL && (cause == NULL ||
		    strstr(cause, "connection closed") != NULL ||
		    strstr(cause, "no answer") != NULL)) {
			ctlc_close(rr->c);
			rr->c = NULL;
		} else if (r == NULL)
			break;		/* the collector said no */
		free(cause);
		cause = NULL;
	}
	free(cause);
	json_decref(cmd);
	return (r);
}

static int
rreplay_ok(json_t *r)
{
	return (r != NULL && json_is_true(json_object_get(r, "ok")));
}

int
rreplay_span(struct rreplay *rr, int64_t *oldest, int64_t *newest)
{
	json_t	*r = rreplay_ask(rr, json_pack("{s:s}", "cmd", "replay_span"),
		    "replay_span");
	int	 rc = rreplay_ok(r) ? 0 : -1;

	if (rc == 0) {
		*oldest = json_integer_value(json_object_get(r, "oldest_ms"));
		*newest = json_integer_value(json_object_get(r, "newest_ms"));
	}
	if (r != NULL)
		json_decref(r);
	return (rc);
}

int
rreplay_step(struct rreplay *rr, int64_t t, int dir, int64_t *out)
{
	json_t	*r = rreplay_ask(rr, json_pack("{s:s, s:I, s:i}", "cmd",
		    "replay_step", "t_ms", (json_int_t)t, "dir", dir),
		    "replay_step");
	int	 rc = rreplay_ok(r) ? 0 : -1;

	if (rc == 0)
		*out = json_integer_value(json_object_get(r, "at_ms"));
	if (r != NULL)
		json_decref(r);
	return (rc);
}

static void
rreplay_str(char *dst, size_t len, json_t *o, const char *k)
{
	const char	*s = json_string_value(json_object_get(o, k));

	if (s == NULL)
		s = "";
	sanitize(dst, len, s, strlen(s));
}

int
rreplay_change(struct rreplay *rr, int64_t t, struct replay_change *c)
{
	json_t	*r = rreplay_ask(rr, json_pack("{s:s, s:I}", "cmd",
		    "replay_change", "t_ms", (json_int_t)t), "replay_change");
	int	 rc = rreplay_ok(r) ? 0 : -1;
	int	 kind;

	if (rc == 0) {
		memset(c, 0, sizeof *c);
		kind = (int)json_integer_value(json_object_get(r, "kind"));
		c->kind = kind >= REPLAY_CHANGE_SESSION &&
		    kind <= REPLAY_CHANGE_PREFIX ? (enum replay_change_kind)kind :
		    REPLAY_CHANGE_EVENT;
		rreplay_str(c->subject, sizeof c->subject, r, "subject");
		rreplay_str(c->from, sizeof c->from, r, "from");
		rreplay_str(c->to, sizeof c->to, r, "to");
		c->more = (size_t)json_integer_value(json_object_get(r,
		    "more"));
	}
	if (r != NULL)
		json_decref(r);
	return (rc);
}

int
rreplay_timeline(struct rreplay *rr, int64_t from, int64_t to, size_t n,
    uint8_t *level, uint8_t *data, int64_t *edge)
{
	json_t	*r, *lv, *dt, *ed;
	size_t	 i;
	int	 rc = -1;

	r = rreplay_ask(rr, json_pack("{s:s, s:I, s:I, s:I}", "cmd",
	    "replay_timeline", "from_ms", (json_int_t)from, "to_ms",
	    (json_int_t)to, "n", (json_int_t)n), "replay_timeline");
	lv = json_object_get(r, "level");
	dt = json_object_get(r, "data");
	ed = json_object_get(r, "edge");
	if (rreplay_ok(r) && json_array_size(lv) == n &&
	    json_array_size(dt) == n && json_array_size(ed) == n + 1) {
		for (i = 0; i < n; i++) {
			level[i] = (uint8_t)json_integer_value(
			    json_array_get(lv, i));
			data[i] = (uint8_t)json_integer_value(
			    json_array_get(dt, i));
		}
		for (i = 0; i <= n; i++)
			edge[i] = json_integer_value(json_array_get(ed, i));
		rc = 0;
	}
	if (r != NULL)
		json_decref(r);
	return (rc);
}

int
rreplay_covered(struct rreplay *rr, int64_t t)
{
	json_t	*r = rreplay_ask(rr, json_pack("{s:s, s:I}", "cmd",
		    "replay_covered", "t_ms", (json_int_t)t), "replay_covered");
	int	 covered = r != NULL &&
		    json_is_true(json_object_get(r, "covered"));

	if (r != NULL)
		json_decref(r);
	return (covered);
}

/*
 * The model as the collector's history had it at t: the frames of the
 * collector's replay model, up to the reply, applied to m (its events
 * and latency links forgotten first, as replay_load() does).
 */
int
rreplay_load(struct rreplay *rr, struct model *m, int64_t t,
    size_t *unknown, char **cause)
{
	struct replica	 rp;
	json_t		*cmd, *o;
	const char	*type;
	int		 rc = -1, try;

	memset(&rp, 0, sizeof rp);
	rp.m = m;
	for (try = 0; try < 2 && rc != 0; try++) {
		if (rr->c == NULL && (rr->c = ctlc_open(rr->path, 2000, NULL,
		    cause)) == NULL)
			return (-1);
		cmd = json_pack("{s:s, s:I}", "cmd", "replay_load", "t_ms",
		    (json_int_t)t);
		if (ctlc_send(rr->c, cmd) != 0) {
			json_decref(cmd);
			ctlc_close(rr->c);
			rr->c = NULL;
			continue;
		}
		json_decref(cmd);
		replica_reset(&rp);
		while ((o = ctlc_read(rr->c, RREPLAY_TIMEOUT_MS, cause)) !=
		    NULL) {
			type = json_string_value(json_object_get(o, "t"));
			if (type != NULL && strcmp(type, "error") == 0) {
				xasprintf(cause, "the collector: %s",
				    json_string_value(json_object_get(o,
				    "error")) ?: "error");
				json_decref(o);
				return (-1);
			}
			if (type != NULL && strcmp(type, "replay_load") == 0) {
				if (unknown != NULL)
					*unknown = (size_t)json_integer_value(
					    json_object_get(o, "unknown"));
				json_decref(o);
				rc = 0;
				break;
			}
			(void)replica_apply(&rp, o, cause);
			free(*cause);
			*cause = NULL;
			json_decref(o);
		}
		if (rc != 0) {
			ctlc_close(rr->c);
			rr->c = NULL;
			if (try == 0) {		/* once more, reconnected */
				free(*cause);
				*cause = NULL;
			}
		}
	}
	if (rc != 0 && *cause == NULL)
		xasprintf(cause, "the collector does not answer");
	model_touch(m, DIRTY_ALL);
	return (rc);
}
