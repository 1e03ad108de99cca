/* SPDX-License-Identifier: ISC */
/*
 * Replay for the viewers (peertop-control(7), core/replay-remote.c): z
 * in an attached dashboard asks the collector, which reads its own
 * history read-only (a connection of its own, as -r does) into a model
 * made from its configuration and sends that model as frames.  A viewer
 * that may not read the history file still freezes and steps through it.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <jansson.h>

#include "core/control.h"
#include "core/control-private.h"
#include "core/latency.h"
#include "core/proto.h"
#include "core/replay.h"
#include "core/replica.h"
#include "core/util.h"

#define CTL_REPLAY_CELLS	4096	/* a timeline's cells at most */

/* The replay handle and its model, made on the first request. */
static int
ctl_replay_ready(struct control *ctl, char **cause)
{
	struct model	*m;

	if (ctl->m->database == NULL) {
		xasprintf(cause, "the collector keeps no history");
		return (-1);
	}
	if (ctl->replay == NULL &&
	    (ctl->replay = replay_open(ctl->m->database, cause)) == NULL)
		return (-1);
	if (ctl->replay_m != NULL)
		return (0);
	if ((m = replica_model(ctl->config_text != NULL ? ctl->config_text :
	    "", ctl->config_path != NULL ? ctl->config_path : "", NULL,
	    cause)) == NULL)
		return (-1);
	/* Where the branches are is the live model's (GeoIP, once). */
	replica_places(m, ctl->m);
	ctl->replay_m = m;
	return (0);
}

void
ctl_replay_free(struct control *ctl)
{
	if (ctl->replay != NULL)
		replay_close(ctl->replay);
	model_free(ctl->replay_m);
	ctl->replay = NULL;
	ctl->replay_m = NULL;
}

/* Every object of m as frames, for a replayed time. */
static void
ctl_model_frames(struct evbuffer *out, const struct model *m)
{
	struct json_w	 j;
	struct branch	*b;
	size_t		 i, k;

#define CTL_FRAME(call) do {						\
	json_w_init_evbuffer(&j, out, 0);				\
	call;								\
	evbuffer_add(out, "\n", 1);					\
} while (0)
	for (i = 0; i < m->nsessions; i++)
		CTL_FRAME(proto_session(&j, m, m->sessions[i]));
	for (i = 0; i < m->npartners; i++)
		CTL_FRAME(proto_partner(&j, m->partners[i]));
	for (i = 0; i < m->nbranches; i++) {
		b = m->branches[i];
		for (k = 0; k < b->nlinks; k++)
			CTL_FRAME(proto_latency(&j, m, b, b->links[k],
			    latency_series_count(b->links[k]->ring)));
		CTL_FRAME(proto_branch(&j, m, b));
	}
	for (i = 0; i < m->nevents; i++)
		CTL_FRAME(proto_event(&j, model_event(m, i)));
	CTL_FRAME(proto_conditions(&j, m));
#undef CTL_FRAME
}

/* The reply object opened: {"t": type, "re": id, "ok": ok, ...}. */
static void
ctl_replay_begin(struct ctl_client *c, struct json_w *j, const char *type,
    json_t *cmd, int ok)
{
	json_t	*id = json_object_get(cmd, "id");

	json_w_init_evbuffer(j, c->ctl->scratch, 0);
	json_w_object(j, NULL, 0);
	json_w_string(j, "t", type);
	if (json_is_integer(id))
		json_w_int(j, "re", json_integer_value(id));
	json_w_bool(j, "ok", ok);
}

static void
ctl_replay_end(struct ctl_client *c, struct json_w *j)
{
	json_w_end(j);
	evbuffer_add(c->ctl->scratch, "\n", 1);
	ctl_send(c, c->ctl->scratch);
}

static void
ctl_replay_load(struct ctl_client *c, json_t *cmd, int64_t t)
{
	struct control	*ctl = c->ctl;
	struct json_w	 j;
	size_t		 unknown = 0;
	char		*cause = NULL;
	int		 ok;

	ctl->replay_m->replay_ms = t;
	ok = replay_load(ctl->replay, ctl->replay_m, t, &unknown, &cause) == 0;
	if (ok)
		ctl_model_frames(ctl->scratch, ctl->replay_m);
	ctl_replay_begin(c, &j, "replay_load", cmd, ok);
	json_w_uint(&j, "unknown", unknown);
	json_w_string(&j, "error", cause != NULL ? cause : "");
	free(cause);
	/* The frames and the reply go out as one: the snapshot's way. */
	json_w_end(&j);
	evbuffer_add(ctl->scratch, "\n", 1);
	evbuffer_add_buffer(bufferevent_get_output(c->bev), ctl->scratch);
}

static void
ctl_replay_timeline(struct ctl_client *c, json_t *cmd)
{
	struct json_w	 j;
	json_int_t	 n = json_integer_value(json_object_get(cmd, "n"));
	int64_t		 from, to, *edge;
	uint8_t		*level, *data;
	size_t		 i;
	int		 ok;

	if (n < 1 || n > CTL_REPLAY_CELLS)
		n = 1;
	from = json_integer_value(json_object_get(cmd, "from_ms"));
	to = json_integer_value(json_object_get(cmd, "to_ms"));
	level = xcalloc((size_t)n, 1);
	data = xcalloc((size_t)n, 1);
	edge = xcalloc((size_t)n + 1, sizeof *edge);
	ok = replay_timeline(c->ctl->replay, from, to, (size_t)n, level, data,
	    edge) == 0;
	ctl_replay_begin(c, &j, "replay_timeline", cmd, ok);
	json_w_array(&j, "level", 0);
	for (i = 0; ok && i < (size_t)n; i++)
		json_w_uint(&j, NULL, level[i]);
	json_w_end(&j);
	json_w_array(&j, "data", 0);
	for (i = 0; ok && i < (size_t)n; i++)
		json_w_uint(&j, NULL, data[i]);
	json_w_end(&j);
	json_w_array(&j, "edge", 0);
	for (i = 0; ok && i <= (size_t)n; i++)
		json_w_int(&j, NULL, edge[i]);
	json_w_end(&j);
	ctl_replay_end(c, &j);
	free(level);
	free(data);
	free(edge);
}

/*
 * A replay_* command: 1 when it was one (answered), else 0.  Times
 * outside what a history holds are the replay's to refuse.
 */
int
ctl_replay_command(struct ctl_client *c, const char *name, json_t *cmd)
{
	struct control		*ctl = c->ctl;
	struct replay_change	 ch;
	struct json_w		 j;
	int64_t			 t, a, b;
	char			*cause = NULL;
	int			 ok;

	if (strncmp(name, "replay_", 7) != 0)
		return (0);
	if (ctl_replay_ready(ctl, &cause) != 0) {
		ctl_replay_begin(c, &j, "error", cmd, 0);
		json_w_string(&j, "error", cause);
		ctl_replay_end(c, &j);
		free(cause);
		return (1);
	}
	t = json_integer_value(json_object_get(cmd, "t_ms"));
	if (strcmp(name, "replay_span") == 0) {
		ok = replay_span(ctl->replay, &a, &b) == 0;
		ctl_replay_begin(c, &j, name, cmd, ok);
		json_w_int(&j, "oldest_ms", ok ? a : 0);
		json_w_int(&j, "newest_ms", ok ? b : 0);
		ctl_replay_end(c, &j);
	} else if (strcmp(name, "replay_step") == 0) {
		ok = replay_step(ctl->replay, t, json_integer_value(
		    json_object_get(cmd, "dir")) < 0 ? -1 : 1, &a) == 0;
		ctl_replay_begin(c, &j, name, cmd, ok);
		json_w_int(&j, "at_ms", ok ? a : 0);
		ctl_replay_end(c, &j);
	} else if (strcmp(name, "replay_change") == 0) {
		ok = replay_change(ctl->replay, t, &ch) == 0;
		ctl_replay_begin(c, &j, name, cmd, ok);
		if (ok) {
			json_w_uint(&j, "kind", ch.kind);
			json_w_string(&j, "subject", ch.subject);
			json_w_string(&j, "from", ch.from);
			json_w_string(&j, "to", ch.to);
			json_w_uint(&j, "more", ch.more);
		}
		ctl_replay_end(c, &j);
	} else if (strcmp(name, "replay_covered") == 0) {
		ctl_replay_begin(c, &j, name, cmd, 1);
		json_w_bool(&j, "covered", replay_covered(ctl->replay, t));
		ctl_replay_end(c, &j);
	} else if (strcmp(name, "replay_timeline") == 0)
		ctl_replay_timeline(c, cmd);
	else if (strcmp(name, "replay_load") == 0)
		ctl_replay_load(c, cmd, t);
	else
		return (0);
	return (1);
}
