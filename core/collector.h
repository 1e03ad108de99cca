/* SPDX-License-Identifier: ISC */
/*
 * The collector interface: each data source is a const table of
 * operations (tmux's cmd_table style).  A collector runs on the libevent
 * loop, never blocks, reports through model_session_report(),
 * model_collector_state() and latency_mon_sample(), and leaves the judgements
 * to the evaluation pass (eval.h).  The collectors' own APIs are in
 * collect-bmp.h and collect-probe.h.
 */
#ifndef PEERTOP_COLLECTOR_H
#define PEERTOP_COLLECTOR_H

#include "core/model.h"

struct event_base;

struct collector_ops {
	const char	*name;		/* config keyword, e.g. "bird" */
	/* Start polling/listening; -1 and *cause on setup error. */
	int		(*start)(struct collector *, struct model *,
			    struct event_base *, char **cause);
	void		(*stop)(struct collector *);
	/* One line for the status bar / --once, into buf. */
	void		(*describe)(const struct collector *, char *, size_t);
	/*
	 * Has it seen what there is to see (for --once, model_settled())?
	 * NULL: yes once it left COL_STARTING.
	 */
	int		(*settled)(const struct collector *);
	/* A latency source only: health does not wait for it. */
	int		 latency;
	/* Reports the sessions' routes, not only their state (BMP). */
	int		 routes;
};

extern const struct collector_ops collector_bird;
extern const struct collector_ops collector_bmp;

extern const struct collector_ops collector_probe;
extern const struct collector_ops collector_prom;
extern const struct collector_ops collector_ingest;
extern const struct collector_ops collector_rpki;

/* All collector kinds, NULL-terminated. */
extern const struct collector_ops *collector_table[];
const struct collector_ops *collector_find(const char *name);

#endif
