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
extern const struct collector_ops collector_bmp;

/* The bmp collector's bound port (-1 if not listening), routers
 * connected and connections refused (allow list or limit). */
int		 collect_bmp_port(const struct collector *);
size_t		 collect_bmp_routers(const struct collector *);
uint64_t	 collect_bmp_refused(const struct collector *);
/* Last value of a Statistics Report counter of a router's peer (by
 * sysName and address) and the peer's report count; -1 if unknown. */
int		 collect_bmp_stat(const struct collector *, const char *router,
		    const struct addr *, unsigned int type, uint64_t *value,
		    uint64_t *reports);

/* All collector kinds, NULL-terminated. */
extern const struct collector_ops *collector_table[];
const struct collector_ops *collector_find(const char *name);

#endif
