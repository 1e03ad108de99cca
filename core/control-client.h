/* SPDX-License-Identifier: ISC */
/*
 * The client end of the control socket (peertop-control(7)): connect,
 * read the collector's hello, send commands, read frames.  Blocking with
 * a timeout for the short exchanges (--once, --who, ack, an attach's
 * snapshot); a viewer then reads the same connection from its event
 * loop with ctlc_fill() and ctlc_next().
 */
#ifndef PEERTOP_CONTROL_CLIENT_H
#define PEERTOP_CONTROL_CLIENT_H

#include <stddef.h>

#include <jansson.h>

struct ctlc;

/*
 * Connect to path and read the hello (its protocol version must be
 * ours).  NULL and *cause (malloc'd) when nothing answers: *absent is
 * set when nobody listens there at all (no file, or a stale one), as
 * opposed to a collector that refused us or spoke another protocol.
 */
struct ctlc	*ctlc_open(const char *path, int timeout_ms, int *absent,
		    char **cause);
void		 ctlc_close(struct ctlc *);
int		 ctlc_fd(const struct ctlc *);
/* The hello's members ("config", "database", "peertop", "pid"). */
json_t		*ctlc_hello(const struct ctlc *);

/* Whether the collector runs the configuration file path (the same
 * file, not a copy). */
int		 ctlc_same_config(const struct ctlc *, const char *path);

/* One command line; the object is not consumed.  0 or -1. */
int		 ctlc_send(struct ctlc *, json_t *);
/*
 * The next frame, waiting at most timeout_ms (-1: for ever).  NULL and
 * *cause on EOF, timeout, a line over PROTO_FRAME_MAX or one that is not
 * a JSON object.  An error frame from the collector is returned as any
 * other (t "error").
 */
json_t		*ctlc_read(struct ctlc *, int timeout_ms, char **cause);
/*
 * Send cmd, then read until the reply of type want (or an error frame,
 * which becomes *cause): the frames between (an attached viewer's
 * changes) are skipped.  The reply, or NULL.
 */
json_t		*ctlc_request(struct ctlc *, json_t *cmd, const char *want,
		    int timeout_ms, char **cause);

/*
 * Non-blocking, from an event loop: read what is there (0; -1 and
 * *cause at EOF or on error), then take the complete frames one by one
 * (NULL: none complete; *cause set when one is malformed).
 */
int		 ctlc_fill(struct ctlc *, char **cause);
json_t		*ctlc_next(struct ctlc *, char **cause);

#endif
