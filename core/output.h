/* SPDX-License-Identifier: ISC */
/*
 * Every non-interactive output (--once, the Q snapshot, "peertop mrt -c",
 * "peertop report") goes through one struct output of per-object
 * callbacks (bgpctl's struct output), one per format: text, JSON, CSV
 * (core/output-text.c, output-json.c, output-csv.c).  The walks call
 * them; no format walks the model by itself:
 *
 *   output_print()   the model: header, then each section in the order
 *                    of enum output_section (section(), its objects,
 *                    section_end()), then tail.  With OUTPUT_NESTED a
 *                    branch's prefixes and latency links are written
 *                    inside the branch by its own callback, and the
 *                    PREFIXES and LATENCY sections are not walked.
 *   the feed         events as they are raised ("peertop mrt -c"):
 *                    feed_begin, feed_event each, feed_end with counts.
 *   report_print()   (report.c) a report: report_head, then each report
 *                    section the format asks for in report_sections.
 */
#ifndef PEERTOP_OUTPUT_H
#define PEERTOP_OUTPUT_H

#include <stdint.h>
#include <stdio.h>

#include "core/json.h"
#include "core/model.h"

struct collector;
struct bmp_router_info;
struct latlink;
struct report;
struct report_track;
struct report_lat;
struct report_prefix;
struct report_event;

enum output_section {
	OUT_COLLECTORS, OUT_BMP, OUT_PARTNERS, OUT_SESSIONS, OUT_BRANCHES,
	OUT_LATENCY, OUT_PREFIXES, OUT_EVENTS
};

/* The report's sections, in their order; a format asks for some. */
enum report_section {
	RS_SESSIONS, RS_SESSION_STATES, RS_PARTNERS, RS_LATENCY, RS_PREFIXES,
	RS_ROUTES, RS_ROUTE_EDGES, RS_EVENTS, RS_MAX
};
#define RS_BIT(s)	(1u << (s))

/* What the feed saw, for its end. */
struct output_feed {
	unsigned long long	 records, updates, errors;
	size_t			 peers, prefixes;
};

/*
 * What output_print_sections() keeps of its sections (the HTTP API's
 * queries, core/api.c); zeros keep everything.
 */
struct output_filter {
	const char	*branch;	/* branches, prefixes: this one's */
	int64_t		 since_ms;	/* events: raised at or after (wall) */
	enum level	 level;		/* events: this level or worse */
	int		 open;		/* events: openers still open */
};

/* One output in progress: where it goes and the format's own state. */
struct output_ctx {
	FILE		*f;
	struct json_w	 json;
	int		 w[4];		/* text: column widths */
	uint64_t	 now_mono;
	int64_t		 wall;		/* shown time: replay or now */
	const struct output_filter *filter;	/* NULL: everything */
	int		 flat;		/* prefixes walked outside branches */
};

/* Callbacks marked "may be NULL" are skipped when a format has none. */
struct output {
	const char	*name;
	unsigned	 flags;
#define OUTPUT_NESTED		0x01	/* prefixes, latency in the branch */
#define OUTPUT_NEWEST_FIRST	0x02	/* events newest first */

	void	(*header)(struct output_ctx *, const struct model *);
	void	(*section)(struct output_ctx *, const struct model *,
		    enum output_section);
	void	(*section_end)(struct output_ctx *, const struct model *,
		    enum output_section);		/* may be NULL */
	void	(*collector)(struct output_ctx *, const struct model *,
		    const struct collector *);
	/* A BMP router with its peers and their statistics. */
	void	(*bmp_router)(struct output_ctx *, const struct collector *,
		    size_t, const struct bmp_router_info *);
	void	(*partner)(struct output_ctx *, const struct partner *);
	void	(*session)(struct output_ctx *, const struct model *,
		    const struct session *);
	void	(*branch)(struct output_ctx *, const struct model *,
		    const struct branch *);
	void	(*latency)(struct output_ctx *, const struct model *,
		    const struct branch *, const struct latlink *);
	void	(*prefix)(struct output_ctx *, const struct model *,
		    const struct branch *, const struct branch_prefix *);
	void	(*event)(struct output_ctx *, const struct event *);
	void	(*tail)(struct output_ctx *, const struct model *); /* NULL */

	void	(*feed_begin)(struct output_ctx *);		/* may be NULL */
	void	(*feed_event)(struct output_ctx *, const struct event *);
	void	(*feed_end)(struct output_ctx *,
		    const struct output_feed *);		/* may be NULL */

	unsigned report_sections;	/* RS_BIT()s walked */
	void	(*report_head)(struct output_ctx *, const struct report *);
	void	(*report_section)(struct output_ctx *, const struct report *,
		    enum report_section);
	void	(*report_section_end)(struct output_ctx *,
		    const struct report *, enum report_section); /* NULL */
	/* Sessions, their states, partners, routes, their edges. */
	void	(*report_track)(struct output_ctx *, const struct report *,
		    enum report_section, const struct report_track *);
	void	(*report_lat)(struct output_ctx *, const struct report *,
		    const struct report_lat *);
	void	(*report_prefix)(struct output_ctx *, const struct report *,
		    const struct report_prefix *);
	void	(*report_event)(struct output_ctx *, const struct report *,
		    const struct report_event *);
	void	(*report_tail)(struct output_ctx *,
		    const struct report *);			/* may be NULL */
};

extern const struct output output_text, output_json, output_csv;

/* "text", "json", "csv"; NULL for another name. */
const struct output *output_find(const char *name);
void	 output_init(struct output_ctx *, FILE *);

/* --once and the Q snapshot: the model with its nevents newest events. */
void	 output_print(const struct output *, FILE *, const struct model *,
	    size_t nevents);
/*
 * Some sections alone (OUT_BIT()s), each kept to what filter selects
 * (NULL: all): the header, those sections in their order, the tail.
 * A format that nests prefixes in branches gets them as a section of
 * their own here when asked for.
 */
#define OUT_BIT(s)	(1u << (s))
void	 output_print_sections(const struct output *, FILE *,
	    const struct model *, unsigned sections,
	    const struct output_filter *, size_t nevents);
/* The feed: events as they are raised, then what was read. */
void	 output_feed_begin(const struct output *, struct output_ctx *);
void	 output_feed_event(const struct output *, struct output_ctx *,
	    const struct event *);
void	 output_feed_end(const struct output *, struct output_ctx *,
	    const struct output_feed *);
/* Exit status for --once: 0 OK, 1 warning, 2 critical. */
int	 output_status(const struct model *);

/*
 * For the back ends: objects in a section (0: the optional sections
 * BMP, LATENCY and PREFIXES are left out), names, ages.
 */
size_t	 output_count(const struct model *, enum output_section);
/*
 * Text columns by display width, not bytes: output_width() is the
 * columns a UTF-8 string takes on a terminal (a wide character 2, a
 * combining mark 0, a byte that is not UTF-8 1), output_pad() the
 * printf field width that pads s to w columns, as in
 * printf("%-*s", output_pad(s, 20), s).
 */
int	 output_width(const char *);
int	 output_pad(const char *, int);
const char *output_status_name(const struct model *, int lower);
const char *output_collector_state(const struct collector *);
long long output_collector_age(const struct output_ctx *,
	    const struct collector *);
const char *output_loc_name(int);
const char *output_bmp_kinds(unsigned int, char *, size_t);
/* A latency link's flags as "loss,jitter" (sep ","), "" none. */
const char *output_lat_flags(const struct latlink *, char *, size_t);
const char *output_best_session(const struct model *,
	    const struct branch_prefix *);

#endif
