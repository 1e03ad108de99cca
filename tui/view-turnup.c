/* SPDX-License-Identifier: ISC */
/*
 * The Turn-up view (key 6, peertop --turnup PARTNER[/EDGE]): the
 * checklist of core/turnup.c for the sessions being brought up, one row
 * per check in the order a turn-up goes (collectors, each session's FSM,
 * capabilities, prefixes, max-prefix, RPKI, latency, redundancy), each
 * with its state as a glyph and a word, the time it first turned green
 * and the reason in words.  Two lines above the table give the verdict,
 * the time since the turn-up started and the worst check, so the check
 * that fails is on screen whatever the scroll; the selected check's
 * whole reason is on the bottom line.
 *
 * Enter opens what the selected check is about: the session's row in
 * Sessions, the prefix's page, the branch's detail, the
 * partner's sessions.  While the view is open a standalone peertop
 * polls BIRD every TURNUP_POLL_MS (model->poll_fast_ms), and says so.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/tui.h"
#include "core/turnup.h"

/* BIRD's poll while the view is open (standalone). */
#define TURNUP_POLL_MS	500

enum { TU_COL_STATE, TU_COL_CHECK, TU_COL_GREEN, TU_COL_REASON,
	TU_NCOLS };

/*
 * At 80 columns: the state word, a session's or prefix's check name
 * whole, the clock time and some 30 columns of reason; the selected
 * check's whole reason is on the bottom line.
 */
static const struct draw_col turnup_cols[TU_NCOLS] = {
	[TU_COL_STATE] =	{ "State", 14, 14, 0, DC_NOSORT },
	[TU_COL_CHECK] =	{ "Check", 20, 26, 0, DC_NAME | DC_NOSORT },
	[TU_COL_GREEN] =	{ "Green at", 8, 8, 0, DC_NOSORT },
	[TU_COL_REASON] =	{ "Reason", 20, 200, 0, DC_NOSORT },
};

/* The view's own state (tui_view_data()). */
struct view_turnup_state {
	struct turnup	*t;
	struct model	*m;		/* t was made for it */
	char		 scope[sizeof ((struct tui *)0)->turnup];
	char		 error[160];	/* why there is no turn-up */
};

static void	*view_turnup_init(struct tui *);
static void	 view_turnup_free(void *);
static void	 view_turnup_enter(struct tui *);
static void	 view_turnup_leave(struct tui *);
static void	 view_turnup_draw(struct tui *, int, int, int);
static size_t	 view_turnup_rows(struct tui *);
static void	 view_turnup_key(const void *, size_t, char *, size_t);
static struct turnup *view_turnup_get(struct tui *);
static void	 view_turnup_head(struct tui *, struct turnup *, int, int);
static void	 view_turnup_row(struct tui *, const struct turnup_check *,
		    int, const int *, int);
static enum color_role view_turnup_role(enum turnup_state);
static enum glyph view_turnup_glyph(enum turnup_state);

const struct view view_turnup = {
	.name = "turnup",
	.title = "Turn-up",
	.keys = &keys_turnup,
	.init = view_turnup_init,
	.free = view_turnup_free,
	.enter = view_turnup_enter,
	.leave = view_turnup_leave,
	.draw = view_turnup_draw,
	.rows = view_turnup_rows,
	.key = view_turnup_key,
};

static void *
view_turnup_init(struct tui *tui)
{
	(void)tui;
	return (xcalloc(1, sizeof (struct view_turnup_state)));
}

static void
view_turnup_free(void *p)
{
	struct view_turnup_state	*vs = p;

	if (vs != NULL)
		turnup_free(vs->t);
	free(vs);
}

/* Open: BIRD is polled fast until the view is left. */
static void
view_turnup_enter(struct tui *tui)
{
	if (!tui->model->replica && !tui_replaying(tui))
		tui->model->poll_fast_ms = TURNUP_POLL_MS;
}

static void
view_turnup_leave(struct tui *tui)
{
	tui->model->poll_fast_ms = 0;
}

/* The view shows a turn-up (--turnup, :turnup or the turnup block). */
int
view_turnup_active(struct tui *tui)
{
	return (tui->turnup[0] != '\0' || tui->model->nturnup_sessions > 0);
}

/*
 * The turn-up of the scope over the model shown, judged now; made again
 * when the scope or the model changed (replay swaps models).  NULL with
 * the reason in the state's error.
 */
static struct turnup *
view_turnup_get(struct tui *tui)
{
	struct view_turnup_state	*vs = tui_view_data(tui, &view_turnup);
	char				*cause = NULL;

	if (vs->t == NULL || vs->m != tui->model ||
	    strcmp(vs->scope, tui->turnup) != 0) {
		turnup_free(vs->t);
		vs->m = tui->model;
		strlcpy_pt(vs->scope, tui->turnup, sizeof vs->scope);
		vs->error[0] = '\0';
		if ((vs->t = turnup_new(tui->model, tui->turnup,
		    &cause)) == NULL) {
			strlcpy_pt(vs->error, cause, sizeof vs->error);
			free(cause);
		}
	}
	if (vs->t != NULL) {
		/* A replayed history: what it does not record is not
		 * checked (turnup.h). */
		vs->t->history = tui_replaying(tui);
		turnup_eval(vs->t, tui_now(tui));
	}
	return (vs->t);
}

static size_t
view_turnup_rows(struct tui *tui)
{
	struct turnup	*t = view_turnup_get(tui);

	return (t != NULL ? t->nchecks : 0);
}

static void
view_turnup_key(const void *list, size_t i, char *buf, size_t len)
{
	strlcpy_pt(buf, ((const struct turnup_check *)list)[i].subject, len);
}

static enum color_role
view_turnup_role(enum turnup_state st)
{
	switch (st) {
	case TU_GREEN:
		return (CR_OK);
	case TU_FAILED:
		return (CR_CRIT);
	case TU_PROGRESS:
		return (CR_WARN);
	case TU_UNCHECKED:
		return (CR_DIM);
	case TU_WAITING:
		break;
	}
	return (CR_NORMAL);
}

static enum glyph
view_turnup_glyph(enum turnup_state st)
{
	switch (st) {
	case TU_GREEN:
		return (GL_UP);
	case TU_FAILED:
		return (GL_CRIT);
	case TU_PROGRESS:
		return (GL_ARROW);
	case TU_UNCHECKED:
		return (GL_UNKNOWN);
	case TU_WAITING:
		break;
	}
	return (GL_ELLIPSIS);
}

/*
 * Two lines: the scope, verdict, elapsed time and BIRD's poll; then the
 * worst check (or every check green, since when).
 */
static void
view_turnup_head(struct tui *tui, struct turnup *t, int y, int w)
{
	const struct turnup_check	*ck;
	char				 line[512], el[32], at[FMT_TIME_LEN];
	char				 poll[64];
	int				 worst = turnup_worst(t);

	if (tui->model->replica)
		strlcpy_pt(poll, "BIRD polled by the collector", sizeof poll);
	else if (tui_replaying(tui))
		strlcpy_pt(poll, "replay", sizeof poll);
	else if (tui->model->poll_fast_ms > 0)
		snprintf(poll, sizeof poll, "BIRD every %d ms",
		    tui->model->poll_fast_ms);
	else
		strlcpy_pt(poll, "BIRD at its interval", sizeof poll);
	if (t->start_ms != 0 && t->green_ms >= t->start_ms) {
		/* Done: how long it took, and when. */
		fmt_duration(el, sizeof el, (t->green_ms - t->start_ms) / 1000);
		fmt_time(at, sizeof at, t->green_ms, FMT_TIME_CLOCK);
		snprintf(line, sizeof line, " %s %s  %s after %s, at %s; "
		    "%s%s%s", draw_glyph(tui, view_turnup_glyph(t->verdict)),
		    t->scope, turnup_state_name(t->verdict), el, at, poll,
		    w >= 120 ? "; " : "", w >= 120 ? t->summary : "");
	} else if (t->start_ms != 0) {
		fmt_duration(el, sizeof el, (t->now_ms - t->start_ms) / 1000);
		fmt_time(at, sizeof at, t->start_ms, FMT_TIME_CLOCK);
		snprintf(line, sizeof line, " %s %s  %s, elapsed %s since "
		    "%s; %s%s%s", draw_glyph(tui,
		    view_turnup_glyph(t->verdict)), t->scope,
		    turnup_state_name(t->verdict), el, at, poll,
		    w >= 120 ? "; " : "", w >= 120 ? t->summary : "");
	} else
		snprintf(line, sizeof line, " %s %s  %s, nothing has moved "
		    "yet; %s", draw_glyph(tui,
		    view_turnup_glyph(t->verdict)), t->scope,
		    turnup_state_name(t->verdict), poll);
	draw_text(tui, y, 0, w, view_turnup_role(t->verdict), line);

	if (t->verdict == TU_GREEN) {
		fmt_time(at, sizeof at, t->green_ms, FMT_TIME_CLOCK);
		snprintf(line, sizeof line, " every check green since %s "
		    "(%s)", at, t->summary);
		draw_text(tui, y + 1, 0, w, CR_OK, line);
		return;
	}
	ck = &t->checks[worst];
	snprintf(line, sizeof line, " worst: %s %s: %s", draw_glyph(tui,
	    view_turnup_glyph(ck->state)), ck->subject, ck->reason);
	draw_text(tui, y + 1, 0, w, view_turnup_role(ck->state), line);
}

static void
view_turnup_row(struct tui *tui, const struct turnup_check *ck, int y,
    const int *widths, int selected)
{
	const char	*cells[TU_NCOLS];
	enum color_role	 roles[TU_NCOLS];
	char		 state[32], green[FMT_TIME_LEN];

	snprintf(state, sizeof state, "%s %s", draw_glyph(tui,
	    view_turnup_glyph(ck->state)), turnup_state_name(ck->state));
	if (ck->green_ms != 0)
		fmt_time(green, sizeof green, ck->green_ms, FMT_TIME_CLOCK);
	else
		strlcpy_pt(green, "-", sizeof green);
	cells[TU_COL_STATE] = state;
	cells[TU_COL_CHECK] = ck->subject;
	cells[TU_COL_GREEN] = green;
	cells[TU_COL_REASON] = ck->reason;
	roles[TU_COL_STATE] = view_turnup_role(ck->state);
	roles[TU_COL_CHECK] = CR_NORMAL;
	roles[TU_COL_GREEN] = ck->green_ms != 0 ? CR_NORMAL : CR_DIM;
	roles[TU_COL_REASON] = ck->state == TU_FAILED ? CR_CRIT : CR_NORMAL;
	draw_row(tui, y, turnup_cols, TU_NCOLS, widths, cells, roles,
	    CR_NORMAL, selected);
}

static void
view_turnup_draw(struct tui *tui, int y, int h, int w)
{
	struct view_turnup_state	*vs = tui_view_data(tui, &view_turnup);
	struct turnup			*t;
	const struct turnup_check	*ck;
	char				 line[512];
	int				 widths[TU_NCOLS], rows, row;
	size_t				 i, idx = (size_t)tui_view_index(
					     &view_turnup);

	if (h < 5)
		return;
	if (!view_turnup_active(tui)) {
		draw_fill(tui, y, h, w, CR_NORMAL);
		draw_text(tui, y + 1, 2, w - 2, CR_NORMAL, "No turn-up: "
		    "start peertop with --turnup PARTNER[/EDGE], type "
		    ":turnup PARTNER[/EDGE],");
		draw_text(tui, y + 2, 2, w - 2, CR_NORMAL, "or add a turnup "
		    "block to the configuration.");
		return;
	}
	if ((t = view_turnup_get(tui)) == NULL) {
		draw_fill(tui, y, h, w, CR_NORMAL);
		draw_text(tui, y + 1, 2, w - 2, CR_CRIT, vs->error);
		return;
	}
	view_turnup_head(tui, t, y, w);
	rows = h - 4;
	tui_select(tui, &view_turnup, t->checks, t->nchecks);
	draw_scroll(&tui->cursor[idx], &tui->scroll[idx], t->nchecks, rows);
	draw_layout(turnup_cols, TU_NCOLS, w, widths);
	draw_header(tui, y + 2, turnup_cols, TU_NCOLS, widths);
	for (row = 0; row < rows; row++) {
		i = tui->scroll[idx] + (size_t)row;
		if (i >= t->nchecks)
			draw_empty_row(tui, y + 3 + row, w, row, t->nchecks,
			    "", "no checks");
		else
			view_turnup_row(tui, &t->checks[i], y + 3 + row,
			    widths, i == tui->cursor[idx]);
	}
	if (tui->cursor[idx] < t->nchecks) {
		ck = &t->checks[tui->cursor[idx]];
		snprintf(line, sizeof line, " %s: %s", ck->subject,
		    ck->reason);
		draw_text(tui, y + h - 1, 0, w, view_turnup_role(ck->state),
		    line);
	} else
		draw_text(tui, y + h - 1, 0, w, CR_NORMAL, "");
}

/*
 * Enter: what the selected check is about.  A session's checks open the
 * Sessions view on it (Enter there: its BMP page), a prefix its page,
 * latency the branch's detail, redundancy and the collectors the
 * partner's sessions.
 */
int
view_turnup_drill(struct tui *tui)
{
	struct turnup			*t = view_turnup_get(tui);
	const struct turnup_check	*ck;
	char				 key[128], pfx[PREFIX_STRLEN];
	size_t				 cur = tui->cursor[tui_view_index(
					     &view_turnup)];
	int				 vi;

	if (t == NULL || cur >= t->nchecks)
		return (ACT_NONE);
	ck = &t->checks[cur];
	if (ck->kind == TU_LATENCY && ck->b != NULL)
		return (view_branch_open(tui, ck->b));
	if (ck->p != NULL) {
		prefix_fmt(&ck->p->prefix, pfx, sizeof pfx);
		snprintf(key, sizeof key, "%s %s", ck->b->name, pfx);
		vi = tui_view_index(&view_prefixes);
		tui->filters[vi][0] = '\0';
		strlcpy_pt(tui->selected[vi], key, sizeof tui->selected[vi]);
		tui_set_view(tui, &view_prefixes);
		return (view_prefixes_drill(tui));
	}
	vi = tui_view_index(&view_sessions);
	if (ck->s != NULL) {
		tui->filters[vi][0] = '\0';
		strlcpy_pt(tui->selected[vi], ck->s->name,
		    sizeof tui->selected[vi]);
		tui_set_view(tui, &view_sessions);
		return (ACT_REDRAW);
	}
	strlcpy_pt(tui->filters[vi], t->partner != NULL ?
	    t->partner->name : "", sizeof tui->filters[vi]);
	tui_set_view(tui, &view_sessions);
	return (ACT_REDRAW);
}
