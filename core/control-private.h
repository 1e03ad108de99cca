/* SPDX-License-Identifier: ISC */
/* The control socket's shared state: control.c and control-delta.c. */
#ifndef PEERTOP_CONTROL_PRIVATE_H
#define PEERTOP_CONTROL_PRIVATE_H

#include <sys/queue.h>
#include <sys/types.h>

#include <stdint.h>

#include <jansson.h>

#include "core/eval.h"
#include "core/model.h"
#include "core/siphash.h"

struct bufferevent;
struct evbuffer;
struct event;
struct json_w;
struct store;
struct replay;

struct ctl_client {
	TAILQ_ENTRY(ctl_client)	 entry;
	struct control		*ctl;
	struct bufferevent	*bev;
	struct event		*deadline;	/* first command, whole line */
	uid_t			 uid;
	gid_t			 gid;
	pid_t			 pid;
	char			 user[32];
	char			 tty[64];	/* as the client says */
	char			 kind[16];	/* "viewer", "once", ... */
	int64_t			 since_ms;
	int			 attached;	/* gets the changes */
	int			 spoke;		/* a whole command came */
	int			 closing;	/* flushing its last words */
	int			 eof;		/* half-closed, still attached */
};
TAILQ_HEAD(ctl_clients, ctl_client);

/*
 * What the attached viewers have been sent, to send only what changed:
 * a hash of each object's last frame, the newest event id and each
 * link's sample count.  Indexes follow the model's arrays.
 */
struct ctl_seen {
	uint64_t		*sessions, *partners, *branches;
	uint64_t		*collectors, *bmp;
	/* Per branch, per link: the frame's hash and the samples sent. */
	struct ctl_seen_links {
		uint64_t	*hash;
		uint64_t	*total;
		size_t		 n;
	}			*links;
	int64_t			 event_id;	/* newest sent */
	int64_t			 ev_ids[MODEL_EVENTS_MAX];	/* by ring slot */
	uint64_t		 ev_hash[MODEL_EVENTS_MAX];
	uint64_t		 conditions;
	char			 history[128];
};

struct control {
	struct model		*m;
	struct event_base	*base;
	char			*path;
	int			 fd;
	struct event		*ev_accept;
	struct event		*ev_pause;	/* out of descriptors */
	struct ctl_clients	 clients;
	size_t			 nclients, max;
	gid_t			 group;		/* (gid_t)-1: none */
	char			 group_name[64];
	char			*config_path, *config_text;
	struct store		*store;		/* history queries, or NULL */
	struct replay		*replay;	/* replay_*, read-only */
	struct model		*replay_m;	/* what replay_load fills */
	const char		*(*history)(void *);
	void			*history_arg;

	struct eval_sink	 sink;
	unsigned		 dirty;
	struct event		*flush;		/* CONTROL_FLUSH_MS after */
	struct event		*tick;		/* collectors' counters */
	struct ctl_seen		 seen;
	struct siphash_key	 key;
	struct evbuffer		*scratch;	/* replies */
	struct evbuffer		*frame;		/* one object */
	uint64_t		 refused, dropped;
};

/* control.c */
void	 ctl_send(struct ctl_client *, struct evbuffer *);
void	 ctl_drop(struct ctl_client *, const char *why);
/* Free the half-closed viewers whose end is gone (each tick). */
void	 ctl_reap(struct control *);

/* control-replay.c: 1 when name was a replay_* command. */
int	 ctl_replay_command(struct ctl_client *, const char *, json_t *);
void	 ctl_replay_free(struct control *);

/* control-delta.c */
void	 ctl_delta_init(struct control *);
void	 ctl_delta_free(struct control *);
/* Pending changes out to every attached client now. */
void	 ctl_delta_flush(struct control *);
/* The configuration and the whole model to one client. */
void	 ctl_snapshot(struct control *, struct ctl_client *);
/* After each pass: schedule a flush. */
void	 ctl_delta_changed(void *, struct model *, unsigned);

#endif
