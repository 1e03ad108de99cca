/*
 * The collector interface: each data source is a const table of
 * operations (tmux's cmd_table style).  A collector runs on the libevent
 * loop, never blocks, and reports through model_session_report() and
 * model_collector_state().
 */
#ifndef PEERTOP_COLLECTOR_H
#define PEERTOP_COLLECTOR_H

#include "model.h"

struct event_base;

struct collector_ops {
	const char	*name;		/* config keyword, e.g. "bird" */
	/* Start polling/listening; -1 and *cause on setup error. */
	int		(*start)(struct collector *, struct model *,
			    struct event_base *, char **cause);
	void		(*stop)(struct collector *);
	/* One line for the status bar / --once, into buf. */
	void		(*describe)(const struct collector *, char *, size_t);
};

extern const struct collector_ops collector_bird;

/* All collector kinds, NULL-terminated. */
extern const struct collector_ops *collector_table[];
const struct collector_ops *collector_find(const char *name);

#endif
