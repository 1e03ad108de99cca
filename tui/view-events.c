/* SPDX-License-Identifier: ISC */
/*
 * The Events view: the model's ring of recent events, newest first, with
 * time, a short level word (CRIT, ERR, WARN, INFO: never colour alone),
 * a mark (open condition, group), type, where a problem is in its life
 * (OPEN, acknowledged by whom, resolved when), subject and summary.  A
 * burst of the same type and level (ten LossHigh for one fault) is one
 * row that + or Enter expands, so an older Critical stays in sight; o
 * shows only the openers of conditions still open, worst first and the
 * unacknowledged before the acknowledged, the list a NOC works through.
 * a and A acknowledge the selected event (tui/cmdline.c runs it).  Enter
 * on an event opens its page (tui/view-event.c).  The filter matches
 * every name an event is related to, not only its subject.  The status
 * bar's counters (open conditions, the last 24 hours' events) are made
 * here too.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/tui.h"
#include "core/condition.h"

#define EVENTS_GROUP_MIN	3	/* a burst: at least this many */
#define EVENTS_GROUP_GAP_MS	60000	/* ... each within this of the next */
#define EVENTS_GROUP_LOOK	64	/* groups looked at for a new member */
#define EVENTS_DAY_MS		(24 * 3600 * 1000LL)

enum {
	EV_TIME, EV_LEVEL, EV_MARK, EV_TYPE, EV_STATE, EV_SUBJECT, EV_SUMMARY,
	EV_NCOLS
};

/*
 * At 80 columns with the longest type (36) State still fits when the
 * summary, which the detail line below the list has whole, gives up 8.
 */
static const struct draw_col events_cols[EV_NCOLS] = {
	[EV_TIME] =	{ "Time", 8, 8, 0, 0 },
	[EV_LEVEL] =	{ "Lvl", 4, 4, 0, 0 },
	[EV_MARK] =	{ "", 2, 2, 0, 0 },
	[EV_TYPE] =	{ "Type", 24, 36, 0, 0 },	/* the longest: 36 */
	[EV_STATE] =	{ "State", 9, 16, 1, 0 },	/* "ack alice" */
	[EV_SUBJECT] =	{ "Subject", 14, 28, 2, 0 },	/* detail line at 80 */
	[EV_SUMMARY] =	{ "Summary", 24, 400, 0, 0 },
};
#define EVENTS_SUMMARY_NARROW	16	/* Summary's min, narrow, long type */

/* A row of the list: one event, a group of them, or a group's member. */
struct events_row {
	const struct event	*e;	/* the event; a group: its newest */
	const struct event	*oldest;	/* a group's */
	size_t			 n;	/* a group's members, else 1 */
	int			 member;	/* a row of an expanded group */
	int			 expanded;	/* a group shown open */
	int			 open;		/* some member still open */
	int			 unacked;	/* some open one not acknowledged */
	int			 same_subject;	/* a group's members agree */
};

/* The view's state (tui_view_data()). */
struct events_state {
	int		 open_only;	/* o */
	int		 page;		/* the selected event's page is open */
	int64_t		*expanded;	/* groups opened, by oldest member id */
	size_t		 nexpanded;
};

static void		*view_events_init(struct tui *);
static void		 view_events_free(void *);
static void		 view_events_enter(struct tui *);
static int		 view_events_back(struct tui *);
static void		 view_events_draw(struct tui *, int, int, int);
static size_t		 view_events_rows(struct tui *);
static struct events_row *view_events_list(struct tui *, size_t *);
static int	 view_events_cmp(const void *, const void *);
static int	 view_events_cmp_open(const void *, const void *);
static void	 view_events_state(const struct events_row *, int, char *,
		    size_t, enum color_role *);
static void		 view_events_key(const void *, size_t, char *, size_t);
static int		 view_events_match(struct tui *, const struct event *);
static size_t		 view_events_group(struct tui *, const struct event **,
			    size_t, struct events_row *);
static int		 view_events_is_expanded(struct events_state *,
			    int64_t);
static void		 view_events_reselect(struct tui *, struct events_row *,
			    size_t);
static void		 view_events_draw_row(struct tui *,
			    const struct events_row *, int,
			    const struct draw_col *, const int *, int);
static void		 view_events_row_cells(struct tui *,
			    const struct events_row *, char *, size_t, char *,
			    size_t, char *, size_t);

const struct view view_events = {
	.name = "events",
	.title = "Events",
	.keys = &keys_events,
	.init = view_events_init,
	.free = view_events_free,
	.enter = view_events_enter,
	.draw = view_events_draw,
	.rows = view_events_rows,
	.back = view_events_back,
	.key = view_events_key,
};

static void *
view_events_init(struct tui *tui)
{
	return (xcalloc(1, sizeof (struct events_state)));
}

static void
view_events_free(void *data)
{
	struct events_state	*vs = data;

	if (vs != NULL)
		free(vs->expanded);
	free(vs);
}

/* Coming back to the view shows the list, not an old event's page. */
static void
view_events_enter(struct tui *tui)
{
	((struct events_state *)tui_view_data(tui, &view_events))->page = 0;
}

/* Esc, or /: the page closes first. */
static int
view_events_back(struct tui *tui)
{
	struct events_state	*vs = tui_view_data(tui, &view_events);

	if (!vs->page)
		return (0);
	vs->page = 0;
	return (1);
}

/* The short level word of the Lvl column. */
const char *
view_events_level(enum level l)
{
	switch (l) {
	case LVL_CRITICAL:
		return ("CRIT");
	case LVL_ERROR:
		return ("ERR");
	case LVL_WARNING:
		return ("WARN");
	default:
		return ("INFO");
	}
}

/* The filter: any word of the event or any name it is related to. */
static int
view_events_match(struct tui *tui, const struct event *e)
{
	char	 text[1280];

	if (tui_filter(tui) == NULL)
		return (1);
	snprintf(text, sizeof text, "%s %s %s %s %s %s|%s|%s|%s|%s|%s",
	    level_name(e->level), view_events_level(e->level), e->type,
	    e->subject, e->summary, e->details, e->rel.branch,
	    e->rel.partner, e->rel.session, e->rel.router, e->rel.prefix);
	return (tui_match(tui, text));
}

static int
view_events_is_expanded(struct events_state *vs, int64_t id)
{
	size_t	 i;

	for (i = 0; i < vs->nexpanded; i++)
		if (vs->expanded[i] == id)
			return (1);
	return (0);
}

/*
 * Rows from the matching events f (newest first): a burst of the same
 * type and level, each within EVENTS_GROUP_GAP_MS of the next, of at
 * least EVENTS_GROUP_MIN events is one row where its newest is, followed
 * by its members when expanded.  The events between stay where they are.
 */
static size_t
view_events_group(struct tui *tui, const struct event **f, size_t n,
    struct events_row *rows)
{
	struct events_state	*vs = tui_view_data(tui, &view_events);
	size_t			*grp, *head, *tail, *next, *count, ng = 0;
	size_t			 i, g, k, nrows = 0;
	const struct event	*o;

	grp = xcalloc(n + 1, sizeof *grp);
	head = xcalloc(n + 1, sizeof *head);
	tail = xcalloc(n + 1, sizeof *tail);
	next = xcalloc(n + 1, sizeof *next);
	count = xcalloc(n + 1, sizeof *count);
	for (i = 0; i < n; i++) {
		next[i] = n;
		for (k = 0; k < ng && k < EVENTS_GROUP_LOOK; k++) {
			g = ng - 1 - k;
			o = f[tail[g]];
			/* Acknowledged apart: a and A act on one of each. */
			if (o->level == f[i]->level &&
			    (o->ack_ms != 0) == (f[i]->ack_ms != 0) &&
			    strcmp(o->type, f[i]->type) == 0 &&
			    o->time_ms - f[i]->time_ms <= EVENTS_GROUP_GAP_MS)
				break;
		}
		if (k < ng && k < EVENTS_GROUP_LOOK) {
			g = ng - 1 - k;
			next[tail[g]] = i;
		} else {
			g = ng++;
			head[g] = i;
		}
		tail[g] = i;
		count[g]++;
		grp[i] = g;
	}

	for (i = 0; i < n; i++) {
		g = grp[i];
		if (count[g] < EVENTS_GROUP_MIN) {
			rows[nrows].e = f[i];
			rows[nrows].oldest = f[i];
			rows[nrows].n = 1;
			rows[nrows].open = EVENT_OPEN(f[i]);
			nrows++;
			continue;
		}
		if (head[g] != i)
			continue;	/* shown with its group */
		rows[nrows].e = f[i];
		rows[nrows].oldest = f[tail[g]];
		rows[nrows].n = count[g];
		rows[nrows].same_subject = 1;
		for (k = i; k < n; k = next[k]) {
			rows[nrows].open |= EVENT_OPEN(f[k]);
			rows[nrows].unacked |= EVENT_OPEN(f[k]) &&
			    f[k]->ack_ms == 0;
			if (strcmp(f[k]->subject, f[i]->subject) != 0)
				rows[nrows].same_subject = 0;
		}
		rows[nrows].expanded = view_events_is_expanded(vs,
		    f[tail[g]]->id);
		nrows++;
		if (!rows[nrows - 1].expanded)
			continue;
		for (k = i; k < n; k = next[k]) {
			rows[nrows].e = rows[nrows].oldest = f[k];
			rows[nrows].n = 1;
			rows[nrows].member = 1;
			rows[nrows].open = EVENT_OPEN(f[k]);
			nrows++;
		}
	}
	free(grp);
	free(head);
	free(tail);
	free(next);
	free(count);
	return (nrows);
}

/*
 * The selected event went into a burst that is folded: select the
 * burst's row, so that the cursor stays on what it was on.
 */
static void
view_events_reselect(struct tui *tui, struct events_row *rows, size_t n)
{
	char			*sel = tui->selected[tui_view_index(&view_events)];
	const struct event	*e;
	size_t			 i;
	int64_t			 id;

	if (sel[0] < '0' || sel[0] > '9')
		return;		/* none, or a burst's */
	id = strtoll(sel, NULL, 10);
	for (i = 0; i < n; i++)
		if (rows[i].n == 1 && rows[i].e->id == id)
			return;
	if ((e = model_event_find(tui->model, id)) == NULL)
		return;
	for (i = 0; i < n; i++) {
		if (rows[i].n == 1 || rows[i].expanded ||
		    strcmp(e->type, rows[i].e->type) != 0 ||
		    e->level != rows[i].e->level ||
		    e->time_ms < rows[i].oldest->time_ms ||
		    e->time_ms > rows[i].e->time_ms)
			continue;
		view_events_key(rows, i, sel, sizeof tui->selected[0]);
		return;
	}
}

/* Newer first; of the same time, the one added later (its id). */
static int
view_events_cmp(const void *a, const void *b)
{
	const struct event	*ea = *(const struct event *const *)a;
	const struct event	*eb = *(const struct event *const *)b;

	if (ea->time_ms != eb->time_ms)
		return (ea->time_ms > eb->time_ms ? -1 : 1);
	if (ea->id != eb->id)
		return (ea->id > eb->id ? -1 : 1);
	return (0);
}

/*
 * o: the worst first, and of a level what nobody has acknowledged yet
 * before what somebody has, then newer first: the order a NOC works in.
 */
static int
view_events_cmp_open(const void *a, const void *b)
{
	const struct event	*ea = *(const struct event *const *)a;
	const struct event	*eb = *(const struct event *const *)b;

	if (ea->level != eb->level)
		return (ea->level > eb->level ? -1 : 1);
	if ((ea->ack_ms != 0) != (eb->ack_ms != 0))
		return (ea->ack_ms == 0 ? -1 : 1);
	return (view_events_cmp(a, b));
}

/* The rows shown, newest first (o: worst first); caller frees them. */
static struct events_row *
view_events_list(struct tui *tui, size_t *np)
{
	struct events_state	 *vs = tui_view_data(tui, &view_events);
	struct model		 *m = tui->model;
	const struct event	**f, *e;
	struct events_row	 *rows;
	size_t			  i, n = 0;

	f = xcalloc(m->nevents + 1, sizeof *f);
	for (i = m->nevents; i > 0; i--) {
		if ((e = model_event(m, i - 1)) == NULL)
			continue;
		if (vs->open_only && !EVENT_OPEN(e))
			continue;
		if (view_events_match(tui, e))
			f[n++] = e;
	}
	/*
	 * Newest first by the time of what happened: latency events carry
	 * their samples' time and may be added after a later event.
	 */
	qsort(f, n, sizeof *f, vs->open_only ? view_events_cmp_open :
	    view_events_cmp);
	/* Each event is in at most one row and one member row. */
	rows = xcalloc(2 * n + 1, sizeof *rows);
	n = view_events_group(tui, f, n, rows);
	free(f);
	view_events_reselect(tui, rows, n);
	tui_select(tui, &view_events, rows, n);
	*np = n;
	return (rows);
}

/* A row's key: the event's id; a group's, "g" and its oldest's. */
static void
view_events_key(const void *list, size_t i, char *buf, size_t len)
{
	const struct events_row	*r = &((const struct events_row *)list)[i];

	if (r->n > 1)
		snprintf(buf, len, "g%lld", (long long)r->oldest->id);
	else
		snprintf(buf, len, "%lld", (long long)r->e->id);
}

static size_t
view_events_rows(struct tui *tui)
{
	struct events_row	*rows;
	size_t			 n;

	rows = view_events_list(tui, &n);
	free(rows);
	return (n);
}

/* The mark, subject and summary cells of a row. */
static void
view_events_row_cells(struct tui *tui, const struct events_row *r,
    char *mark, size_t mlen, char *subject, size_t slen, char *summary,
    size_t sumlen)
{
	const char	*open, *grp = "";
	char		 span[16];

	open = !r->open ? " " : tui->ascii ? "*" : "\xe2\x97\x8f";   /* ● */
	if (r->n > 1)
		grp = r->expanded ? (tui->ascii ? "-" : "\xe2\x96\xbe") :
		    (tui->ascii ? "+" : "\xe2\x96\xb8");	/* ▾ ▸ */
	else if (r->member)
		grp = tui->ascii ? "|" : "\xe2\x94\x82";	/* │ */
	snprintf(mark, mlen, "%s%s", open, grp);
	if (r->n == 1) {
		snprintf(subject, slen, "%s", r->e->subject);
		snprintf(summary, sumlen, "%s", r->e->summary);
		return;
	}
	if (r->same_subject)
		snprintf(subject, slen, "%s", r->e->subject);
	else
		snprintf(subject, slen, "%s +more", r->e->subject);
	fmt_duration(span, sizeof span,
	    (r->e->time_ms - r->oldest->time_ms) / 1000);
	snprintf(summary, sumlen, "%zu in %s, newest: %s", r->n, span,
	    r->e->summary);
}

/* One row of the list at screen row y. */
static void
view_events_draw_row(struct tui *tui, const struct events_row *r, int y,
    const struct draw_col *cols, const int *widths, int selected)
{
	char		 when[32], mark[16], state[48];
	char		 subject[160], summary[320];
	const char	*cells[EV_NCOLS];
	enum color_role	 roles[EV_NCOLS], role;
	size_t		 i;

	fmt_time(when, sizeof when, r->e->time_ms, FMT_TIME_DATE);
	role = draw_level_role(r->e->level);
	view_events_row_cells(tui, r, mark, sizeof mark, subject,
	    sizeof subject, summary, sizeof summary);
	for (i = 0; i < EV_NCOLS; i++)
		roles[i] = CR_NORMAL;
	view_events_state(r, widths[EV_STATE] >= 14, state, sizeof state,
	    &roles[EV_STATE]);
	/* "YYYY-MM-DD HH:MM:SS": keep the time of day when narrow. */
	cells[EV_TIME] = (widths[EV_TIME] < 19 && strlen(when) >= 19) ?
	    when + 11 : when;
	cells[EV_LEVEL] = view_events_level(r->e->level);
	cells[EV_MARK] = mark;
	cells[EV_TYPE] = r->e->type;
	cells[EV_STATE] = state;
	cells[EV_SUBJECT] = subject;
	cells[EV_SUMMARY] = summary;
	roles[EV_LEVEL] = role;
	roles[EV_MARK] = role;
	roles[EV_TYPE] = role;
	if (r->member)
		roles[EV_SUMMARY] = roles[EV_SUBJECT] = CR_DIM;
	draw_row(tui, y, cols, EV_NCOLS, widths, cells, roles, CR_NORMAL,
	    selected);
}

/*
 * The State cell of an opener: OPEN in its level's colour (nobody has
 * taken it), "ack alice" (somebody has), "res 13:55" (resolved, at that
 * time of day; its page has the date), "again" (raised again: a newer
 * row carries it on), "ended" (open when its run's record ended).  Wide,
 * the words in full.  A notice or a restoration has none; a burst is
 * OPEN while one of it is open and not acknowledged, ack'd when all
 * that are open are.
 */
static void
view_events_state(const struct events_row *r, int wide, char *buf,
    size_t len, enum color_role *role)
{
	const struct event	*e = r->e;
	char			 when[32];

	buf[0] = '\0';
	*role = CR_DIM;
	if (r->n > 1 || e->cond != EVC_OPENS) {
		/* A burst: OPEN while one of it waits for somebody. */
		if (r->n > 1 && r->unacked) {
			snprintf(buf, len, "OPEN");
			*role = draw_level_role(e->level);
		} else if (r->n > 1 && r->open) {
			snprintf(buf, len, "%s", wide ? "all ack'd" : "ack'd");
			*role = CR_NORMAL;
		}
		return;
	}
	if (e->closed_ms == 0 && e->ack_ms == 0) {
		snprintf(buf, len, "OPEN");
		*role = draw_level_role(e->level);
	} else if (e->closed_ms == 0) {
		snprintf(buf, len, "%s %s", wide ? "ack'd by" : "ack",
		    e->ack_user);
		*role = CR_NORMAL;
	} else if (e->cflags & EVF_FOLLOWED)
		snprintf(buf, len, "%s", wide ? "raised again" : "again");
	else if (e->cflags & EVF_ENDED)
		snprintf(buf, len, "ended");
	else {
		fmt_time(when, sizeof when, e->closed_ms, FMT_TIME_CLOCK);
		snprintf(buf, len, "%s %.5s", wide ? "resolved" : "res", when);
	}
}

static void
view_events_draw(struct tui *tui, int y, int h, int w)
{
	struct events_state	 *vs = tui_view_data(tui, &view_events);
	struct draw_col		  cols[EV_NCOLS];
	struct events_row	 *rows, *r;
	size_t			  n, i, idx = (size_t)tui_view_index(&view_events);
	int			  widths[EV_NCOLS], nshow, row;
	char			  when[32], detail[512];
	char			  open[96], day[64], total[64], both[160];
	enum color_role		  orole;
	int64_t			  oldest, newest;
	int			  ow, tw;

	if (h < 3)
		return;
	rows = view_events_list(tui, &n);
	/* The page needs a row; a filter may have emptied the list. */
	if (vs->page && tui->cursor[idx] >= n)
		vs->page = 0;
	if (vs->page) {
		view_event_draw(tui, rows[tui->cursor[idx]].e, y, h, w);
		free(rows);
		return;
	}

	/* Dates only when there is room for them; Type as wide as the
	 * longest type of the list, the rest goes to the summary. */
	memcpy(cols, events_cols, sizeof cols);
	if (w >= 120)
		cols[EV_TIME].min = cols[EV_TIME].max = 19;
	for (i = 0, tw = 12; i < n; i++)
		if ((int)strlen(rows[i].e->type) > tw)
			tw = (int)strlen(rows[i].e->type);
	if (tw <= cols[EV_TYPE].max)
		cols[EV_TYPE].min = cols[EV_TYPE].max = tw;
	/* Narrow, State stays short; with a long type, the summary gives
	 * way to it (the detail line below has the summary whole). */
	if (w < 100) {
		cols[EV_STATE].max = cols[EV_STATE].min;
		if (cols[EV_TIME].min + cols[EV_LEVEL].min + cols[EV_MARK].min +
		    tw + cols[EV_STATE].min + cols[EV_SUMMARY].min + 5 > w)
			cols[EV_SUMMARY].min = EVENTS_SUMMARY_NARROW;
	}
	draw_layout(cols, EV_NCOLS, w, widths);
	draw_header(tui, y, cols, EV_NCOLS, widths);
	/* What is open, at the header's right end (replay has no counters
	 * in its status bar); "only" while o hides the rest. */
	orole = view_events_counts(tui, open + 1, sizeof open - 1, total,
	    sizeof total);
	open[0] = ' ';
	if (condition_span(tui->model, &oldest, &newest) == 0 &&
	    tui_now(tui) > oldest) {
		fmt_duration(day, sizeof day, (tui_now(tui) - oldest) / 1000);
		strlcpy_pt(open + strlen(open), ", oldest ",
		    sizeof open - strlen(open));
		strlcpy_pt(open + strlen(open), day, sizeof open - strlen(open));
	}
	if (vs->open_only)
		strlcpy_pt(open + strlen(open), ", showing only these (o: all)",
		    sizeof open - strlen(open));
	strlcpy_pt(open + strlen(open), " ", sizeof open - strlen(open));
	/* The day's log too when the status bar leaves it out. */
	snprintf(both, sizeof both, "%s| %s ", open, total);
	if (tui->sx < 120 && (ow = draw_width(tui, both)) < w - 30)
		draw_text(tui, y, w - ow, ow, vs->open_only ? CR_FILTER :
		    orole, both);
	else if ((ow = draw_width(tui, open)) < w - 40)
		draw_text(tui, y, w - ow, ow, vs->open_only ? CR_FILTER :
		    orole, open);
	else if (vs->open_only)		/* the tab may be only its key */
		draw_text(tui, y, w - 20, 20, CR_FILTER, " open only (o: all) ");

	nshow = h - 2;
	draw_scroll(&tui->cursor[idx], &tui->scroll[idx], n, nshow);
	for (row = 0; row < nshow; row++) {
		i = tui->scroll[idx] + (size_t)row;
		if (i < n) {
			view_events_draw_row(tui, &rows[i], y + 1 + row, cols,
			    widths, i == tui->cursor[idx]);
			continue;
		}
		if (n == 0 && row == 0 && vs->open_only &&
		    tui_filter(tui) == NULL)
			draw_text(tui, y + 1, 0, w, CR_NORMAL,
			    "nothing open (o: every event)");
		else
			draw_empty_row(tui, y + 1 + row, w, row, n,
			    "no event matches the filter", "no events yet");
	}

	if (tui->cursor[idx] < n) {
		r = &rows[tui->cursor[idx]];
		fmt_time(when, sizeof when, r->e->time_ms, FMT_TIME_FULL);
		if (r->n > 1)
			snprintf(detail, sizeof detail, "%zu %s %s, %s: "
			    "Enter or + %s", r->n, r->e->type, r->same_subject ?
			    r->e->subject : "of several subjects", when,
			    r->expanded ? "folds them" : "shows each");
		else
			snprintf(detail, sizeof detail, "%s %s %s: %s", when,
			    r->e->type, r->e->subject, r->e->details[0] !=
			    '\0' ? r->e->details : r->e->summary);
		draw_text(tui, y + h - 1, 0, w, draw_level_role(r->e->level),
		    detail);
	} else
		draw_text(tui, y + h - 1, 0, w, CR_NORMAL, "");
	free(rows);
}

/* The event under the cursor (a group: its newest), NULL when none. */
const struct event *
view_events_selected(struct tui *tui)
{
	struct events_row	*rows;
	const struct event	*e = NULL;
	size_t			 n, idx = (size_t)tui_view_index(&view_events);

	rows = view_events_list(tui, &n);
	if (tui->cursor[idx] < n)
		e = rows[tui->cursor[idx]].e;
	free(rows);
	return (e);
}

int
view_events_paged(struct tui *tui)
{
	return (((struct events_state *)tui_view_data(tui,
	    &view_events))->page);
}

/*
 * + (dir 0: toggle), - (dir -1: fold): the burst under the cursor, or
 * the one a member row belongs to; the cursor stays on the burst's row.
 */
int
view_events_fold(struct tui *tui, int dir)
{
	struct events_state	*vs = tui_view_data(tui, &view_events);
	struct events_row	*rows, *r = NULL;
	size_t			 n, i, idx = (size_t)tui_view_index(&view_events);
	int64_t			 id;

	rows = view_events_list(tui, &n);
	if (vs->page || tui->cursor[idx] >= n) {
		free(rows);
		return (ACT_NONE);
	}
	for (i = tui->cursor[idx] + 1; i > 0; i--) {
		r = &rows[i - 1];
		if (!r->member)
			break;
	}
	if (r == NULL || r->n == 1 || (dir < 0 && !r->expanded)) {
		free(rows);
		return (ACT_NONE);
	}
	id = r->oldest->id;
	if (r->expanded) {
		for (i = 0; i < vs->nexpanded; i++)
			if (vs->expanded[i] == id)
				vs->expanded[i] = vs->expanded[--vs->nexpanded];
	} else {
		vs->expanded = xreallocarray(vs->expanded, vs->nexpanded + 1,
		    sizeof *vs->expanded);
		vs->expanded[vs->nexpanded++] = id;
	}
	snprintf(tui->selected[idx], sizeof tui->selected[idx], "g%lld",
	    (long long)id);
	free(rows);
	view_events_rows(tui);		/* the cursor to the burst's row */
	return (ACT_REDRAW);
}

/* Enter: a burst folds or unfolds; an event's page opens or closes. */
int
view_events_drill(struct tui *tui)
{
	struct events_state	*vs = tui_view_data(tui, &view_events);
	struct events_row	*rows;
	size_t			 n, idx = (size_t)tui_view_index(&view_events);
	int			 group;

	if (view_events_back(tui))
		return (ACT_REDRAW);
	rows = view_events_list(tui, &n);
	if (tui->cursor[idx] >= n) {
		free(rows);
		return (ACT_NONE);
	}
	group = rows[tui->cursor[idx]].n > 1;
	free(rows);
	if (group)
		return (view_events_fold(tui, 0));
	vs->page = 1;
	return (ACT_REDRAW);
}

/* o: only the events whose condition is still open, or all again. */
int
view_events_open_only(struct tui *tui)
{
	struct events_state	*vs = tui_view_data(tui, &view_events);
	size_t			 idx = (size_t)tui_view_index(&view_events);
	char			 before[sizeof tui->selected[0]];

	vs->open_only = !vs->open_only;
	vs->page = 0;
	/* The selected event stays selected when it is listed; else the
	 * newest, not whatever the cursor's row number now holds. */
	strlcpy_pt(before, tui->selected[idx], sizeof before);
	view_events_rows(tui);
	if (strcmp(before, tui->selected[idx]) != 0) {
		tui->cursor[idx] = tui->scroll[idx] = 0;
		tui_select_moved(tui, &view_events);
	}
	return (ACT_REDRAW);
}

/* The list shows only what is open (o), for the title bar's tab. */
int
view_events_showing_open(struct tui *tui)
{
	return (((struct events_state *)tui_view_data(tui,
	    &view_events))->open_only);
}

/*
 * a (ask 0) and A (ask 1): acknowledge the selected event, A with a
 * comment typed on the command line first.  The row is found again by
 * the selected key (tui->selected[], through tui_select()), so a new
 * event sorted in above it since the last frame does not change what a
 * acts on.  A burst is many events: one of them is acknowledged.
 */
int
view_events_ack(struct tui *tui, int ask)
{
	struct events_state	*vs;
	struct events_row	*rows;
	const struct event	*e;
	size_t			 n, nb = 0, idx;
	int64_t			 id = 0;
	int			 flags, was;

	idx = (size_t)tui_view_index(&view_events);
	rows = view_events_list(tui, &n);
	if (tui->cursor[idx] < n) {
		nb = rows[tui->cursor[idx]].n;
		id = rows[tui->cursor[idx]].e->id;
	}
	free(rows);
	if (tui_replaying(tui) || (nb == 1 && ask))	/* replay: why not */
		return (ask ? cmdline_ack_ask(tui, id) :
		    cmdline_ack(tui, id, NULL));
	if (nb == 1) {
		e = model_event_find(tui->model, id);
		was = e != NULL && e->ack_ms != 0;
		flags = cmdline_ack(tui, id, NULL);
		/* o: what was acknowledged sorts below what was not; the
		 * cursor stays on its row, now the next one to take. */
		vs = tui_view_data(tui, &view_events);
		if (vs->open_only && !was && e != NULL && e->ack_ms != 0) {
			tui->selected[idx][0] = '\0';
			view_events_rows(tui);
		}
		return (flags);
	}
	if (nb == 0)
		cmdline_message(tui, CR_WARN, "no event selected to "
		    "acknowledge");
	else
		cmdline_message(tui, CR_WARN, "a burst of %zu events: + "
		    "unfolds it, then a acknowledges one of them", nb);
	return (ACT_REDRAW);
}

/* r: the dashboard at the selected event's time (replay). */
int
view_events_replay(struct tui *tui)
{
	return (tui_replay_event(tui, view_events_selected(tui)));
}

/*
 * The status bar's counters: what is open now by level ("open C:1 W:3",
 * "open: none") into open, the last 24 hours' events by level into day;
 * returns the colour of the worst open level.
 */
enum color_role
view_events_counts(struct tui *tui, char *open, size_t olen, char *day,
    size_t dlen)
{
	static const char	 letters[] = "IWEC";
	struct model		*m = tui->model;
	const struct event	*e;
	unsigned		 n[4] = { 0, 0, 0, 0 };
	int64_t			 since = tui_now(tui) - EVENTS_DAY_MS;
	size_t			 i, len;
	int			 l, worst = -1;

	for (i = m->nevents; i > 0; i--) {
		e = model_event(m, i - 1);
		if (e->time_ms >= since)
			n[e->level]++;
	}
	snprintf(day, dlen, "24h C:%u E:%u W:%u I:%u", n[LVL_CRITICAL],
	    n[LVL_ERROR], n[LVL_WARNING], n[LVL_INFO]);

	snprintf(open, olen, "open:");
	for (l = LVL_CRITICAL; l >= LVL_INFO; l--) {
		if (m->open_counts[l] == 0)
			continue;
		if (worst < 0)
			worst = l;
		len = strlen(open);
		snprintf(open + len, olen - len, " %c:%u", letters[l],
		    m->open_counts[l]);
	}
	if (worst < 0) {
		snprintf(open, olen, "open: none");
		return (CR_OK);
	}
	return (draw_level_role((enum level)worst));
}
