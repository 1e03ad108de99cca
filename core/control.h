/* SPDX-License-Identifier: ISC */
/*
 * The control socket of a headless collector (peertop-control(7)): a
 * unix stream socket viewers attach to, like tmux's server socket or
 * bgpd's control socket.  Its file's group and mode say who may connect
 * (set before listen(), so there is no moment it is open to others);
 * SO_PEERCRED names each client's user, for --who and acknowledgements.
 *
 * Each client gets the configuration and a snapshot of the model when
 * it attaches, then what changed after each evaluation pass, coalesced
 * (core/control-delta.c).  A client is dropped, and nothing else
 * affected, when it sends garbage or a line longer than PROTO_CMD_MAX,
 * says nothing for CONTROL_IDLE_MS after connecting or leaves a line
 * unfinished that long, or reads so slowly that more than
 * CONTROL_OUT_MAX bytes wait for it: a stalled viewer never holds the
 * collector up.
 */
#ifndef PEERTOP_CONTROL_H
#define PEERTOP_CONTROL_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct model;
struct control;
struct store;

#define CONTROL_IDLE_MS		10000
#define CONTROL_OUT_MAX		(16 * 1024 * 1024)
#define CONTROL_FLUSH_MS	100	/* changes are sent this soon */

/*
 * The control socket path: -S (opt), else the configuration's control,
 * else $PEERTOP_SOCKET, else CONTROL_PATH_DEFAULT.  Malloc'd.
 */
char	*control_path(const struct model *, const char *opt);

/*
 * Listen on path (its directory is made, mode 0755, when missing; a
 * stale socket nobody answers on is replaced; a live one is another
 * collector's: -1).  The store (may be NULL) answers the viewers'
 * history queries (Branch detail's long graphs).  history, when set,
 * says what is wrong with the history now (NULL: healthy), for the
 * viewers' status bars.  NULL and *cause (malloc'd, one line) on error.
 */
struct control	*control_start(struct model *, struct event_base *,
		    const char *path, struct store *,
		    const char *(*history)(void *), void *history_arg,
		    char **cause);
/* Close every client and the socket; remove the socket file. */
void		 control_stop(struct control *);
/* Clients connected now, and of them attached (for sd_notify's STATUS). */
size_t		 control_clients(const struct control *, size_t *attached);

#endif
