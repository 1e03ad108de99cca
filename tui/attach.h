/* SPDX-License-Identifier: ISC */
/* A viewer attached to a headless collector (tui/attach.c). */
#ifndef PEERTOP_ATTACH_H
#define PEERTOP_ATTACH_H

struct attach;
struct model;
struct tui;

/*
 * Connect to the control socket at path, attach and build the replica
 * from the configuration and snapshot the collector sends.  NULL and
 * *cause on failure; *absent set when nobody listens there (1), or to
 * ATTACH_OTHER_CONFIG when config (NULL: any) is not the file the
 * collector runs.
 */
#define ATTACH_OTHER_CONFIG	2
struct attach	*attach_open(const char *path, const char *config,
		    int *absent, char **cause);
/*
 * No collector answers at path, but one is expected there: the views
 * draw m (from the configuration) greyed, "waiting for the collector",
 * until it answers (why: what the last try said).
 */
struct attach	*attach_waiting(const char *path, struct model *m,
		    const char *why);
/* The replica the views draw, and the datadir its catalogue came from. */
struct model	*attach_model(struct attach *);
const char	*attach_datadir(struct attach *);
/* z: a model from the collector's configuration, for a frozen view. */
struct model	*attach_model_new(void *, char **);
/* Follow the collector from tui's loop: changes, loss, reattaching. */
void		 attach_start(struct attach *, struct tui *);
void		 attach_free(struct attach *);	/* not the model */
/* The clients of the collector at path, one line each (--who, :who). */
char		**attach_who_lines(const char *path, char **cause);

#endif
