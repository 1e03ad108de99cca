/* SPDX-License-Identifier: ISC */
/*
 * Turn-up (SPEC.md "Field engineers during turn-ups"): the checklist a
 * field engineer watches while sessions at a new edge come up, as a pure
 * evaluation over the model.  The scope is a partner, optionally one of
 * its edge metros ("example-isp/sea"), or the sessions of the
 * configuration's turnup block; each check (collector reachability, each
 * session's FSM, capabilities and max-prefix headroom, each registered
 * prefix as Microsoft validates it, RPKI, latency to the edge,
 * redundancy) has a state, the reason in words and the time it first
 * turned green.  turnup_eval() only reads the model; the view
 * (tui/view-turnup.c) and the record (peertop turnup, core/turnup-record.c)
 * show the same checks.  Nothing here knows about curses.
 */
#ifndef PEERTOP_TURNUP_H
#define PEERTOP_TURNUP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/model.h"

/* Worst last: turnup_worst() ranks by turnup_rank(). */
enum turnup_state {
	TU_WAITING = 0,		/* nothing has happened yet */
	TU_PROGRESS,		/* moving (a session in OpenSent ...) */
	TU_GREEN,
	TU_FAILED,		/* with the reason in words */
	TU_UNCHECKED,		/* no source can tell (no BMP, no RPKI) */
};
/* "waiting", "in progress", "green", "failed", "not checked" */
const char	*turnup_state_name(enum turnup_state);
/* How bad: FAILED 4, PROGRESS 3, WAITING 2, UNCHECKED 1, GREEN 0. */
int		 turnup_rank(enum turnup_state);

enum turnup_kind {
	TU_COLLECTOR,		/* 1: BIRD socket, BMP stream */
	TU_FSM,			/* 2: a session's BGP FSM */
	TU_CAPS,		/* 3: capabilities of its OPENs */
	TU_PREFIX,		/* 4: a registered prefix */
	TU_MAXPFX,		/* 4: a session's counts and max-prefix */
	TU_RPKI,		/* 4: RPKI validity of the prefixes */
	TU_LATENCY,		/* 5: a branch to the new edge */
	TU_REDUNDANCY,		/* 6: the partner's */
	TU_NKINDS
};
/* "collector", "bgp", "capabilities", "prefix", "max-prefix", "rpki",
 * "latency", "redundancy" */
const char	*turnup_kind_name(enum turnup_kind);

/* Capabilities Microsoft expects agreed (BMP_CAP_*, collect-bmp.h). */
struct turnup_check {
	enum turnup_kind kind;
	char		 subject[96];	/* "session sea-r1", "prefix P" ... */
	enum turnup_state state;
	char		 reason[256];	/* in words, the portal's for prefixes */
	int64_t		 left_ms;	/* first left waiting, 0 not yet */
	int64_t		 green_ms;	/* first turned green, 0 never */
	int		 judged;	/* by turnup_eval() once */
	/* When its current state began as the model knows it (a step's,
	 * a prefix's or redundancy's since), 0 unknown; and the last
	 * evaluation that saw it not green: the first-green time is the
	 * since when it falls after that one, else the evaluation's. */
	int64_t		 since_ms;
	int64_t		 bad_ms;
	/* When its state as last judged began, as well as known: what the
	 * timeline says (a record made later still has the times). */
	int64_t		 at_ms;

	/* What it is about (the view's Enter); NULL / -1 when not. */
	struct collector *c;
	struct session	*s;
	struct branch	*b;
	struct branch_prefix *p;
	int		 edge_idx;

	/* TU_CAPS: the Peer Up's OPENs; TU_LATENCY: the figures. */
	int		 caps_known;
	unsigned	 caps_local, caps_remote, caps_expected;
	enum bgp_role	 role_local, role_remote;	/* the session's */
	double		 median_us, loss_pct;	/* < 0: none */
	uint32_t	 count_in, count_out, limit;	/* TU_MAXPFX */
};

/* A check's change of state, as turnup_eval() saw it (the timeline). */
#define TURNUP_TIMELINE_MAX	512
struct turnup_change {
	int64_t		 ms;
	size_t		 check;		/* index into checks */
	enum turnup_state state;
	char		 reason[256];
};

struct turnup {
	char		 scope[2 * NAME_MAX_PT];	/* "partner[/edge]" */
	struct model	*m;		/* the checks point into it */
	struct partner	*partner;
	int		 edge_idx;	/* -1: every edge of the scope */
	struct session	**sessions;	/* in scope, config order */
	size_t		 nsessions;
	struct turnup_check *checks;
	size_t		 nchecks;
	/* Judged from a recorded history (turnup_replay()): what it does
	 * not record (collectors, capabilities) is not checked. */
	int		 history;

	/* Derived by turnup_eval(). */
	enum turnup_state verdict;
	char		 summary[128];	/* "2 failed, 3 in progress, 9 green" */
	int64_t		 start_ms;	/* the first check left waiting */
	int64_t		 green_ms;	/* every check green since, 0 not */
	int64_t		 now_ms;	/* of the last evaluation */
	/* Every check's changes of state, oldest first; the first
	 * TURNUP_TIMELINE_MAX are kept, ntimeline counts them all. */
	struct turnup_change *timeline;
	size_t		 ntimeline;
};

/*
 * A turn-up over the model's partner PARTNER, or only its sessions at
 * EDGE for "PARTNER/EDGE"; NULL or "" scope: the configuration's turnup
 * block (model->turnup_sessions).  NULL and *cause (malloc'd, one line)
 * when there is no such partner or edge, or the scope has no session.
 * The caller frees it with turnup_free(); it points into the model,
 * which must outlive it.
 */
struct turnup	*turnup_new(struct model *, const char *scope, char **cause);
void		 turnup_free(struct turnup *);
/* Judge every check as the model is at now_ms; first times are kept. */
void		 turnup_eval(struct turnup *, int64_t now_ms);
/* The worst check's index (the first of the worst), -1 with none. */
int		 turnup_worst(const struct turnup *);
/* The capabilities in words, e.g. "4-octet AS, IPv4 unicast". */
char		*turnup_caps_fmt(unsigned, char *, size_t);

/*
 * The record for the change ticket (core/turnup-record.c): the scope,
 * the verdict, every check with its first-green time, each session's FSM
 * steps, its capabilities and the latency figures, as text, a markdown
 * table or JSON.  0, or -1 for an unknown format.
 */
enum turnup_format { TURNUP_TEXT, TURNUP_MARKDOWN, TURNUP_JSON };
struct replay;
/*
 * The turn-up as a recorded history saw it: the model loaded at from_ms
 * and at every recorded change up to to_ms (replay_step()), each
 * session's FSM steps taken from the states it went through and every
 * check judged at each change, so the first-green times are the
 * history's.  At most max_steps changes (0: no limit; *truncated set
 * when more were left).  0, or -1 and *cause.
 */
int		 turnup_replay(struct turnup *, struct replay *,
		    int64_t from_ms, int64_t to_ms, size_t max_steps,
		    int *truncated, char **cause);
int		 turnup_format_parse(const char *, enum turnup_format *);
void		 turnup_record(FILE *, const struct turnup *,
		    enum turnup_format);

#endif
