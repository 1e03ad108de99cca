/* SPDX-License-Identifier: ISC */
/*
 * Replay in the dashboard, atop -r style: every view shows a recorded
 * history as it was at one moment.  Two ways in: "peertop -r FILE" (the
 * model never sees a collector; the file may be one a live peertop is
 * still writing) and z in the live dashboard, which freezes the view into
 * the live history while collection goes on; z again returns to live.
 *
 * The shown model is a second model from the same configuration whose
 * live part replay_load() (core/store-replay.c) sets from the file; the
 * views do not know the difference except through tui_now().  Time moves
 * by t/T (next/previous change), [ ] and { } (a minute, an hour), ^ and
 * $ (start, end), b (a typed time), Enter on an event (its time) and p
 * (play, < > for the speed).  The status bar carries the REPLAY banner,
 * the shown time and a timeline of the span: where events cluster (by
 * level) and where nothing was recorded, a long unrecorded gap squeezed
 * into one marked cell so that the recorded time keeps the width.  t/T
 * say on the status line which change they stepped to.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "tui/tui.h"
#include "core/replay.h"
#include "core/replay-remote.h"
#include "core/store.h"

#define REPLAY_MINUTE_MS	(60 * 1000)
#define REPLAY_HOUR_MS		(60 * 60 * 1000)
#define REPLAY_TICK_MS		250	/* play mode's step */
#define REPLAY_CELLS_MAX	512	/* timeline cells */

/* Play speeds: shown seconds per wall second. */
static const int replay_speeds[] = { 1, 10, 60, 600, 3600 };

struct tui_replay {
	struct replay	*r;
	struct rreplay	*rr;		/* z attached: the collector's, not r */
	struct model	*m;		/* shown */
	struct model	*live;		/* z: the live model; NULL for -r */
	char		*path;
	int64_t		 t;		/* the shown time */
	int64_t		 begin, end;	/* -b/-e, else the file's span */
	int		 fixed_begin, fixed_end;
	size_t		 unknown;	/* rows naming what the config lacks */
	int		 covered;	/* a recording run covers t */
	int		 playing;
	size_t		 speed;		/* index into replay_speeds[] */
	struct event	*ev_play;
	int		 prompting;	/* b: reading a time */
	char		 input[40];
	char		 msg[160];	/* one line for the status bar */
	char		 note[160];	/* t/T: the change, beside the timeline */

	/* The timeline's cells (core/store-replay.c keeps the answer). */
	uint8_t		 tl_level[REPLAY_CELLS_MAX];
	uint8_t		 tl_data[REPLAY_CELLS_MAX];
	int64_t		 tl_edge[REPLAY_CELLS_MAX + 1];
};

static void	 replay_play_cb(evutil_socket_t, short, void *);
static void	 rp_span(struct tui_replay *);
static void	 replay_swap(struct tui *, struct model *);
static int	 replay_begin(struct tui *, struct replay *, struct rreplay *,
		    struct model *, struct model *, const char *, int64_t,
		    int64_t, int64_t);
static size_t	 rp_timeline(struct tui *, size_t);
static void	 rp_change(struct tui *, const struct replay_change *, char *,
		    size_t);

int64_t
tui_now(struct tui *tui)
{
	if (tui->replay != NULL)
		return (tui->replay->t);
	return (now_wall_ms());
}

int
tui_replaying(struct tui *tui)
{
	return (tui->replay != NULL);
}

/* The span shown: -b/-e where given, else what the file holds now. */
static void
rp_span(struct tui_replay *rp)
{
	int64_t	 oldest, newest;

	if ((rp->rr != NULL ? rreplay_span(rp->rr, &oldest, &newest) :
	    replay_span(rp->r, &oldest, &newest)) != 0)
		oldest = newest = rp->t;
	if (rp->live != NULL && newest < rp->t)
		newest = rp->t;
	if (!rp->fixed_begin)
		rp->begin = oldest;
	if (!rp->fixed_end)
		rp->end = newest;
	if (rp->end < rp->begin)
		rp->end = rp->begin;
}

/*
 * Show the model as of t (clamped to the span).  The branch a Branch
 * detail page shows is found again by name in the reloaded model.
 */
int
tui_replay_goto(struct tui *tui, int64_t t)
{
	struct tui_replay	*rp = tui->replay;
	char			*cause = NULL;

	if (rp == NULL)
		return (ACT_NONE);
	rp_span(rp);
	if (t < rp->begin)
		t = rp->begin;
	if (t > rp->end)
		t = rp->end;
	rp->t = t;
	rp->m->replay_ms = t;
	rp->unknown = 0;
	if ((rp->rr != NULL ? rreplay_load(rp->rr, rp->m, t, &rp->unknown,
	    &cause) : replay_load(rp->r, rp->m, t, &rp->unknown, &cause)) != 0) {
		snprintf(rp->msg, sizeof rp->msg, "%s", cause != NULL ? cause :
		    "cannot read the history");
		free(cause);
		rp->playing = 0;
	}
	rp->covered = rp->rr != NULL ? rreplay_covered(rp->rr, t) :
	    replay_covered(rp->r, t);
	if (view_branch_rebind(tui, rp->m) == NULL &&
	    tui->view == &view_branch)
		tui_set_view(tui, &view_overview);
	model_touch(rp->m, DIRTY_ALL);
	return (ACT_REDRAW);
}

/* Make m the shown model, and hand it the redraw hook of the old one. */
static void
replay_swap(struct tui *tui, struct model *m)
{
	struct model	*old = tui->model;

	m->on_dirty = old->on_dirty;
	m->on_dirty_arg = old->on_dirty_arg;
	view_branch_rebind(tui, m);
	tui->model = m;
}

/*
 * Start a replay: r and m (a model from the configuration) are the
 * replay's from now on; live is the live model for z, NULL for -r.
 * begin/end (0: the file's span) bound it; it starts at start.
 */
int
tui_replay_start(struct tui *tui, struct replay *r, struct model *m,
    struct model *live, const char *path, int64_t begin, int64_t end,
    int64_t start)
{
	return (replay_begin(tui, r, NULL, m, live, path, begin, end, start));
}

/* A replay of a file (r) or of a collector's history (rr). */
static int
replay_begin(struct tui *tui, struct replay *r, struct rreplay *rr,
    struct model *m, struct model *live, const char *path, int64_t begin,
    int64_t end, int64_t start)
{
	struct tui_replay	*rp;

	rp = xcalloc(1, sizeof *rp);
	rp->r = r;
	rp->rr = rr;
	rp->m = m;
	rp->live = live;
	rp->path = xstrdup(path);
	rp->begin = begin;
	rp->end = end;
	rp->fixed_begin = begin != 0;
	rp->fixed_end = end != 0;
	rp->speed = 2;
	rp->t = start;
	tui->replay = rp;
	if (tui->model != NULL && tui->model != m)
		replay_swap(tui, m);
	else
		tui->model = m;
	return (tui_replay_goto(tui, start));
}

/* The end of a replay; a frozen dashboard goes back to live. */
void
tui_replay_stop(struct tui *tui)
{
	struct tui_replay	*rp = tui->replay;

	if (rp == NULL)
		return;
	if (rp->ev_play != NULL)
		event_free(rp->ev_play);
	if (rp->live != NULL) {
		replay_swap(tui, rp->live);
		model_free(rp->m);
		model_touch(tui->model, DIRTY_ALL);
	}
	if (rp->r != NULL)
		replay_close(rp->r);
	rreplay_close(rp->rr);
	free(rp->path);
	free(rp);
	tui->replay = NULL;
}

/*
 * z: freeze the live dashboard at now (the queued rows flushed first, so
 * the history has everything shown), or go back to live.  at_ms, when not
 * 0, is the time to show (Enter on an event).
 */
/*
 * z attached to a collector whose history this user may not read: the
 * collector replays it and sends what it read (core/replay-remote.c).
 */
static int
replay_freeze_remote(struct tui *tui, int64_t at)
{
	struct rreplay	*rr;
	struct model	*m;
	char		*cause = NULL;

	if ((rr = tui->replay_remote(tui, &cause)) == NULL) {
		log_warnx("freeze: %s", cause);
		free(cause);
		tui->note = "z: the collector cannot replay its history";
		return (ACT_REDRAW);
	}
	if ((m = tui->model_new(tui->model_new_arg, &cause)) == NULL) {
		log_warnx("freeze: %s", cause);
		free(cause);
		rreplay_close(rr);
		tui->note = "z: cannot load the configuration again";
		return (ACT_REDRAW);
	}
	tui->note = NULL;
	return (replay_begin(tui, NULL, rr, m, tui->model,
	    m->database != NULL ? m->database : "the collector's history", 0,
	    0, at));
}

int
tui_replay_freeze(struct tui *tui, int64_t at_ms)
{
	struct replay	*r;
	struct model	*m;
	char		*cause = NULL;
	int64_t		 now = now_wall_ms();

	if (tui->replay != NULL) {
		if (tui->replay->live == NULL) {
			snprintf(tui->replay->msg, sizeof tui->replay->msg,
			    "replaying %s: there is no live view",
			    tui->replay->path);
			return (ACT_REDRAW);
		}
		tui_replay_stop(tui);
		return (ACT_REDRAW);
	}
	if (tui->store == NULL && tui->replay_remote != NULL &&
	    tui->model_new != NULL)
		return (replay_freeze_remote(tui, at_ms != 0 ? at_ms : now));
	if (tui->model->database == NULL || tui->store == NULL ||
	    tui->model_new == NULL) {
		tui->note = "z: no history to freeze into (database)";
		return (ACT_REDRAW);
	}
	if (store_flush(tui->store, &cause) != 0) {
		free(cause);		/* the store shows its own error */
		cause = NULL;
	}
	if ((r = replay_open(tui->model->database, &cause)) == NULL) {
		/* Attached: the collector can read what this user cannot. */
		if (tui->replay_remote != NULL) {
			log_warnx("freeze: %s; asking the collector", cause);
			free(cause);
			return (replay_freeze_remote(tui, at_ms != 0 ? at_ms :
			    now));
		}
		log_warnx("freeze: %s", cause);
		free(cause);
		tui->note = "z: cannot read the history";
		return (ACT_REDRAW);
	}
	if ((m = tui->model_new(tui->model_new_arg, &cause)) == NULL) {
		log_warnx("freeze: %s", cause);
		free(cause);
		replay_close(r);
		tui->note = "z: cannot load the configuration again";
		return (ACT_REDRAW);
	}
	tui->note = NULL;
	return (tui_replay_start(tui, r, m, tui->model,
	    tui->model->database, 0, 0, at_ms != 0 ? at_ms : now));
}

/*
 * A change in words for the status line: "sea-r1 Established->Idle",
 * "SessionDown session sea-r1", with how many more happened with it.
 */
static void
rp_change(struct tui *tui, const struct replay_change *c, char *buf,
    size_t len)
{
	const char	*arrow = draw_glyph(tui, GL_ARROW);
	size_t		 used;

	switch (c->kind) {
	case REPLAY_CHANGE_SESSION:
	case REPLAY_CHANGE_REDUNDANCY:
		snprintf(buf, len, "%s%s %s%s%s",
		    c->kind == REPLAY_CHANGE_REDUNDANCY ? "partner " : "",
		    c->subject, c->from[0] != '\0' ? c->from : "?", arrow,
		    c->to);
		break;
	case REPLAY_CHANGE_EVENT:
		snprintf(buf, len, "%s %s", c->to, c->subject);
		break;
	case REPLAY_CHANGE_ROUTE:
		snprintf(buf, len, "branch %s via %s%s", c->subject,
		    c->to[0] != '\0' ? c->to : "no edge",
		    c->from[0] != '\0' ? " (suboptimal)" : "");
		break;
	case REPLAY_CHANGE_PREFIX:
		snprintf(buf, len, "prefix %s: %s", c->subject,
		    c->to[0] != '\0' ? c->to : "ok");
		break;
	}
	used = strlen(buf);
	if (c->more > 0 && used < len)
		snprintf(buf + used, len - used, " +%zu more", c->more);
}

/* t/T: the next or previous recorded change, named on the status line. */
int
tui_replay_step(struct tui *tui, int dir)
{
	struct tui_replay	*rp = tui->replay;
	struct replay_change	 c;
	int64_t			 t;
	int			 flags;

	if (rp == NULL)
		return (ACT_NONE);
	if ((rp->rr != NULL ? rreplay_step(rp->rr, rp->t, dir, &t) :
	    replay_step(rp->r, rp->t, dir, &t)) != 0) {
		snprintf(rp->msg, sizeof rp->msg, "no %s change",
		    dir > 0 ? "later" : "earlier");
		return (ACT_REDRAW);
	}
	flags = tui_replay_goto(tui, t);
	/* Clamped to -b/-e: then it is not that change that is shown. */
	if (rp->t == t && (rp->rr != NULL ? rreplay_change(rp->rr, t, &c) :
	    replay_change(rp->r, t, &c)) == 0)
		rp_change(tui, &c, rp->note, sizeof rp->note);
	return (flags);
}

/* [ ] { }: a fixed step; ^ $: the start or the end of the span. */
int
tui_replay_move(struct tui *tui, int what)
{
	struct tui_replay	*rp = tui->replay;

	if (rp == NULL)
		return (ACT_NONE);
	switch (what) {
	case REPLAY_MOVE_START:
		rp_span(rp);
		return (tui_replay_goto(tui, rp->begin));
	case REPLAY_MOVE_END:
		rp_span(rp);
		return (tui_replay_goto(tui, rp->end));
	case REPLAY_MOVE_BACK:
		return (tui_replay_goto(tui, rp->t - REPLAY_MINUTE_MS));
	case REPLAY_MOVE_FWD:
		return (tui_replay_goto(tui, rp->t + REPLAY_MINUTE_MS));
	case REPLAY_MOVE_BACK_BIG:
		return (tui_replay_goto(tui, rp->t - REPLAY_HOUR_MS));
	case REPLAY_MOVE_FWD_BIG:
		return (tui_replay_goto(tui, rp->t + REPLAY_HOUR_MS));
	}
	return (ACT_NONE);
}

static void
replay_play_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tui		*tui = arg;
	struct tui_replay	*rp = tui->replay;
	int64_t			 step;

	(void)fd;
	(void)what;
	if (rp == NULL || !rp->playing)
		return;
	step = (int64_t)replay_speeds[rp->speed] * REPLAY_TICK_MS;
	rp_span(rp);
	if (rp->t + step >= rp->end) {
		rp->playing = 0;
		event_del(rp->ev_play);
		snprintf(rp->msg, sizeof rp->msg, "end of the history");
	}
	tui_replay_goto(tui, rp->t + step);
}

/* p: play from the shown time, or pause; < >: slower, faster. */
int
tui_replay_play(struct tui *tui, int what)
{
	struct tui_replay	*rp = tui->replay;
	struct timeval		 tv = { 0, REPLAY_TICK_MS * 1000 };

	if (rp == NULL)
		return (ACT_NONE);
	if (what < 0 && rp->speed > 0)
		rp->speed--;
	else if (what > 0 && rp->speed + 1 < nitems(replay_speeds))
		rp->speed++;
	if (what != 0)
		return (ACT_REDRAW);
	if (rp->ev_play == NULL)
		rp->ev_play = event_new(tui->base, -1, EV_PERSIST,
		    replay_play_cb, tui);
	rp->playing = !rp->playing;
	if (rp->playing)
		event_add(rp->ev_play, &tv);
	else
		event_del(rp->ev_play);
	return (ACT_REDRAW);
}

/* b: open the prompt. */
int
tui_replay_prompt(struct tui *tui)
{
	if (tui->replay == NULL)
		return (ACT_NONE);
	tui->replay->prompting = 1;
	tui->replay->input[0] = '\0';
	return (ACT_REDRAW);
}

/* Line editing for the b prompt; 1 when the key was used. */
int
tui_replay_key(struct tui *tui, int key)
{
	struct tui_replay	*rp = tui->replay;
	size_t			 len;
	int64_t			 t;

	if (rp == NULL)
		return (0);
	rp->msg[0] = '\0';
	rp->note[0] = '\0';
	if (!rp->prompting)
		return (0);
	len = strlen(rp->input);
	switch (key) {
	case '\r':
	case '\n':
	case KEY_ENTER:
		rp->prompting = 0;
		if (rp->input[0] == '\0')
			return (1);
		if (time_parse(rp->input, rp->t, TIME_CLOCK, &t) != 0) {
			snprintf(rp->msg, sizeof rp->msg, "not a time: "
			    "\"%s\" (hh:mm, 2026-11-25T03:12Z, -15m)",
			    rp->input);
			return (1);
		}
		tui_replay_goto(tui, t);
		return (1);
	case 27:
		rp->prompting = 0;
		return (1);
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (len > 0)
			rp->input[len - 1] = '\0';
		else
			rp->prompting = 0;
		return (1);
	}
	if (key >= 0x20 && key < 0x7f && len + 1 < sizeof rp->input) {
		rp->input[len] = (char)key;
		rp->input[len + 1] = '\0';
	}
	return (1);
}

/*
 * The timeline's cells for n columns (at most REPLAY_CELLS_MAX); returns
 * n.  replay_timeline() keeps its last answer while the span, the width
 * and the file stay the same, so asking on every redraw costs nothing.
 */
static size_t
rp_timeline(struct tui *tui, size_t n)
{
	struct tui_replay	*rp = tui->replay;
	size_t			 i;

	if (n > REPLAY_CELLS_MAX)
		n = REPLAY_CELLS_MAX;
	if (n > 0 && (rp->rr != NULL ? rreplay_timeline(rp->rr, rp->begin,
	    rp->end + 1, n, rp->tl_level, rp->tl_data, rp->tl_edge) :
	    replay_timeline(rp->r, rp->begin, rp->end + 1, n,
	    rp->tl_level, rp->tl_data, rp->tl_edge)) != 0) {
		memset(rp->tl_level, 0, n);
		memset(rp->tl_data, REPLAY_CELL_DATA, n);
		/* Unreadable: even cells, so the cursor still moves. */
		for (i = 0; i <= n; i++)
			rp->tl_edge[i] = rp->begin + (int64_t)((double)i /
			    (double)n * (double)(rp->end + 1 - rp->begin));
	}
	return (n);
}

/*
 * The status bar in replay: the banner with the shown time, what the
 * time is (no data, playing), the timeline with the shown time marked,
 * or the b prompt, or a message.
 */
void
tui_replay_draw_status(struct tui *tui, int y)
{
	struct tui_replay	*rp = tui->replay;
	static const char *const cells_utf8[] = { "\xe2\x94\x80",
	    "\xe2\x96\x81", "\xe2\x96\x84", "\xe2\x96\x86",
	    "\xe2\x96\x88" };			/* ─ ▁ ▄ ▆ █ */
	static const char *const cells_ascii[] = { "-", ".", "o", "O", "#" };
	static const char gap_utf8[] = "\xe2\x94\x86";	/* ┆ */
	static const enum color_role cell_roles[] = { CR_DIM, CR_OK, CR_WARN,
	    CR_CRIT, CR_CRIT };
	char			 banner[96], when[FMT_TIME_LEN], state[48];
	char			 cell[8];
	size_t			 n, i, at;
	int			 x, w, lv;

	/* At 80 columns the year goes: the timeline needs the room. */
	fmt_time(when, sizeof when, rp->t, tui->sx >= 100 ? FMT_TIME_FULL :
	    FMT_TIME_DAY);
	snprintf(banner, sizeof banner, " REPLAY %s ", when);
	w = draw_width(tui, banner);
	draw_text_attr(tui, y, 0, w, draw_attr(tui, CR_WARN) | A_REVERSE |
	    A_BOLD, banner);
	x = w;

	if (rp->prompting) {
		snprintf(banner, sizeof banner, " jump to (hh:mm, ISO 8601, "
		    "-15m): %s_", rp->input);
		draw_text(tui, y, x, tui->sx - x, CR_FILTER, banner);
		return;
	}
	if (rp->msg[0] != '\0') {
		draw_text(tui, y, x, tui->sx - x, CR_WARN, rp->msg);
		return;
	}
	if (rp->live != NULL) {
		draw_text(tui, y, x, 7, CR_STATUS, " z:live");
		x += 7;
	}
	if (!rp->covered)
		snprintf(state, sizeof state, " no data ");
	else if (rp->playing)
		snprintf(state, sizeof state, " %s%dx ", tui->ascii ? ">" :
		    "\xe2\x96\xb6", replay_speeds[rp->speed]);	/* ▶ */
	else
		snprintf(state, sizeof state, " ");
	w = draw_width(tui, state);
	draw_text(tui, y, x, w, rp->covered ? CR_STATUS : CR_STALE, state);
	x += w;
	/* Rows about sessions, partners or branches the config lacks. */
	if (rp->unknown > 0) {
		snprintf(state, sizeof state, "%zu unknown ", rp->unknown);
		w = draw_width(tui, state);
		draw_text(tui, y, x, w, CR_STALE, state);
		x += w;
	}
	/* t/T's change, leaving the timeline 12 cells at least. */
	if (rp->note[0] != '\0' && tui->sx - x - 2 - 12 >= 12) {
		w = draw_width(tui, rp->note) + 1;
		if (w > tui->sx - x - 2 - 12)
			w = tui->sx - x - 2 - 12;
		draw_text(tui, y, x, w - 1, CR_FILTER, rp->note);
		x += w;
	}
	if (tui->sx - x < 3) {
		return;
	}
	/* The timeline between brackets. */
	n = (size_t)(tui->sx - x - 2);
	n = rp_timeline(tui, n);
	draw_text(tui, y, x++, 1, CR_STATUS, "[");
	/* The cursor in the cell that holds t: the cells' own edges. */
	at = replay_cell(rp->tl_edge, n, rp->t);
	for (i = 0; i < n; i++) {
		lv = rp->tl_level[i] > 4 ? 4 : rp->tl_level[i];
		if (rp->tl_data[i] == REPLAY_CELL_GAP)
			snprintf(cell, sizeof cell, "%s", tui->ascii ? ":" :
			    gap_utf8);
		else if (!rp->tl_data[i] && lv == 0)
			snprintf(cell, sizeof cell, " ");
		else
			snprintf(cell, sizeof cell, "%s", tui->ascii ?
			    cells_ascii[lv] : cells_utf8[lv]);
		if (i == at)
			draw_text_attr(tui, y, x + (int)i, 1,
			    draw_attr(tui, CR_SELECTED) | A_BOLD, tui->ascii ?
			    "|" : cell);
		else
			draw_text(tui, y, x + (int)i, 1,
			    rp->tl_data[i] == REPLAY_CELL_DATA ?
			    cell_roles[lv] : CR_STALE, cell);
	}
	draw_text(tui, y, x + (int)n, tui->sx - x - (int)n, CR_STATUS, "]");
}

/* Enter on an event: show the dashboard at its time (live: freeze). */
int
tui_replay_event(struct tui *tui, const struct event *e)
{
	int64_t	 t;

	if (e == NULL)
		return (ACT_NONE);
	t = e->time_ms;
	if (tui->replay == NULL)
		return (tui_replay_freeze(tui, t));
	return (tui_replay_goto(tui, t));
}
