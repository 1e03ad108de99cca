/* SPDX-License-Identifier: ISC */
/*
 * The key table: every binding peertop has, in one place, in the
 * k9s/htop/atop tradition (? help, / filter, Enter drill-down, Esc back,
 * vi keys and arrows, q quit, Q quit with a snapshot): a table of global
 * keys, one of replay's and one per view (the view points at it).  tui.c
 * looks a key up in the current view's table first, then replay's, then
 * the global one; the Help view is generated from these tables so it
 * cannot drift.  Actions change state
 * and return ACT_* flags; they never draw.  Entries without help text are
 * aliases (arrow keys beside their vi keys) and stay out of the help.
 */

#include <string.h>

#include "tui/tui.h"

/* Cursor movements (the action argument). */
#define MOVE_DOWN	1
#define MOVE_UP		-1
#define MOVE_PGDN	2
#define MOVE_PGUP	-2
#define MOVE_END	3
#define MOVE_HOME	-3

/* Map pan directions (the action argument). */
#define PAN_LEFT	0
#define PAN_RIGHT	1
#define PAN_UP		2
#define PAN_DOWN	3

/* Map region presets, by the action argument; names as view-map.c has them. */
static const char *const keys_regions[] = {
	"World", "NA", "SA", "EU", "AF", "ME", "APAC", "OC"
};

static int	keys_view(struct tui *, const struct key_binding *);
static int	keys_cycle(struct tui *, const struct key_binding *);
static int	keys_help(struct tui *, const struct key_binding *);
static int	keys_filter(struct tui *, const struct key_binding *);
static int	keys_escape(struct tui *, const struct key_binding *);
static int	keys_quit(struct tui *, const struct key_binding *);
static int	keys_move(struct tui *, const struct key_binding *);
static int	keys_repaint(struct tui *, const struct key_binding *);
static int	keys_drill_overview(struct tui *, const struct key_binding *);
static int	keys_drill_branch(struct tui *, const struct key_binding *);
static int	keys_branch_span(struct tui *, const struct key_binding *);
static int	keys_branch_link(struct tui *, const struct key_binding *);
static int	keys_drill_sessions(struct tui *, const struct key_binding *);
static int	keys_drill_prefixes(struct tui *, const struct key_binding *);
static int	keys_drill_turnup(struct tui *, const struct key_binding *);
static int	keys_map_zoom(struct tui *, const struct key_binding *);
static int	keys_map_pan(struct tui *, const struct key_binding *);
static int	keys_map_region(struct tui *, const struct key_binding *);
static int	keys_map_mode(struct tui *, const struct key_binding *);
static int	keys_freeze(struct tui *, const struct key_binding *);
static int	keys_replay_step(struct tui *, const struct key_binding *);
static int	keys_replay_move(struct tui *, const struct key_binding *);
static int	keys_replay_play(struct tui *, const struct key_binding *);
static int	keys_replay_jump(struct tui *, const struct key_binding *);
static int	keys_drill_events(struct tui *, const struct key_binding *);
static int	keys_events_fold(struct tui *, const struct key_binding *);
static int	keys_events_open(struct tui *, const struct key_binding *);
static int	keys_events_replay(struct tui *, const struct key_binding *);
static int	keys_events_ack(struct tui *, const struct key_binding *);
static int	keys_cmdline(struct tui *, const struct key_binding *);
static int	keys_sort(struct tui *, const struct key_binding *);

#define KEY_TABLE(name, b)	const struct key_table name = { b, nitems(b) }
/* Enter, as Return, newline and the keypad's Enter. */
#define KEYS_ENTER(action, help)					\
	{ '\r', action, "Enter", help, 0, 0 },				\
	{ '\n', action, NULL, NULL, 0, 0 },				\
	{ KEY_ENTER, action, NULL, NULL, 0, 0 }
/*
 * A table's sort column, as htop's , and . (its < and >, unshifted:
 * those are replay's play speed here) and F6; I reverses (htop's too).
 */
#define KEYS_SORT							\
	{ '.', keys_sort, "./,/F6", "sort by next / previous column",	\
	    1, 0 },							\
	{ ',', keys_sort, NULL, NULL, -1, 0 },				\
	{ KEY_F(6), keys_sort, NULL, NULL, 1, 0 },			\
	{ 'I', keys_sort, "I", "reverse the sort order", 0, 0 }

static const struct key_binding keys_global_b[] = {
	{ '1', keys_view, "1", "Overview, worst branch first", 0, 0 },
	{ '2', keys_view, "2", "Sessions (show bgp summary)", 1, 0 },
	{ '3', keys_view, "3", "Events, newest first", 2, 0 },
	{ '4', keys_view, "4", "Map of branches and edges", 3, 0 },
	{ '5', keys_view, "5", "Prefixes, worst first", 4, 0 },
	{ '6', keys_view, "6", "Turn-up checklist (--turnup)", 5, 0 },
	{ '\t', keys_cycle, "Tab", "next view", 1, 0 },
	{ KEY_BTAB, keys_cycle, "S-Tab", "previous view", -1, 0 },
	{ '?', keys_help, "?", "this help (again: back)", 0, 0 },
	{ '/', keys_filter, "/", "filter rows (Esc clears)", 0, 0 },
	{ ':', keys_cmdline, ":", "command line (:help lists)", 0, 0 },
	{ KEY_ESC, keys_escape, "Esc", "clear the filter, or go back", 0, 0 },
	{ 'j', keys_move, "j/Down", "move down", MOVE_DOWN, 0 },
	{ KEY_DOWN, keys_move, NULL, NULL, MOVE_DOWN, 0 },
	{ 'k', keys_move, "k/Up", "move up", MOVE_UP, 0 },
	{ KEY_UP, keys_move, NULL, NULL, MOVE_UP, 0 },
	{ KEY_NPAGE, keys_move, "PgDn/^F", "page down", MOVE_PGDN, 0 },
	{ KEY_CTRL('F'), keys_move, NULL, NULL, MOVE_PGDN, 0 },
	{ ' ', keys_move, NULL, NULL, MOVE_PGDN, 0 },
	{ KEY_PPAGE, keys_move, "PgUp/^B", "page up", MOVE_PGUP, 0 },
	{ KEY_CTRL('B'), keys_move, NULL, NULL, MOVE_PGUP, 0 },
	{ 'g', keys_move, "g/Home", "first row", MOVE_HOME, 0 },
	{ KEY_HOME, keys_move, NULL, NULL, MOVE_HOME, 0 },
	{ 'G', keys_move, "G/End", "last row", MOVE_END, 0 },
	{ KEY_END, keys_move, NULL, NULL, MOVE_END, 0 },
	{ KEY_CTRL('L'), keys_repaint, "^L", "repaint the screen", 0,
	    KB_ANYSIZE },
	{ 'q', keys_quit, "q", "quit", ACT_QUIT, KB_ANYSIZE },
	{ 'Q', keys_quit, "Q", "quit, print a text snapshot",
	    ACT_QUIT | ACT_SNAPSHOT, KB_ANYSIZE },
	/* History: z freezes the live dashboard into its history. */
	{ 'z', keys_freeze, "z", "freeze into history / live", 0, 0 },
};
KEY_TABLE(keys_global, keys_global_b);

/* Replay (-r, or after z): looked up while replaying. */
static const struct key_binding keys_replay_b[] = {
	{ 't', keys_replay_step, "t/T", "next / previous change", 1, 0 },
	{ 'T', keys_replay_step, NULL, NULL, -1, 0 },
	{ ']', keys_replay_move, "[/]", "a minute back / on",
	    REPLAY_MOVE_FWD, 0 },
	{ '[', keys_replay_move, NULL, NULL, REPLAY_MOVE_BACK, 0 },
	{ '}', keys_replay_move, "{/}", "an hour back / on",
	    REPLAY_MOVE_FWD_BIG, 0 },
	{ '{', keys_replay_move, NULL, NULL, REPLAY_MOVE_BACK_BIG, 0 },
	{ '^', keys_replay_move, "^/$", "start / end of the span",
	    REPLAY_MOVE_START, 0 },
	{ '$', keys_replay_move, NULL, NULL, REPLAY_MOVE_END, 0 },
	{ 'b', keys_replay_jump, "b", "jump to hh:mm, ISO 8601, -15m", 0, 0 },
	{ 'p', keys_replay_play, "p", "play / pause", 0, 0 },
	{ '<', keys_replay_play, "</>", "play slower / faster", -1, 0 },
	{ '>', keys_replay_play, NULL, NULL, 1, 0 },
};
KEY_TABLE(keys_replay, keys_replay_b);

static const struct key_binding keys_overview_b[] = {
	KEYS_ENTER(keys_drill_overview,
	    "branch detail: latency graph, mtr table"),
	KEYS_SORT,
};
KEY_TABLE(keys_overview, keys_overview_b);

static const struct key_binding keys_events_b[] = {
	KEYS_ENTER(keys_drill_events,
	    "the event's page, or unfold a burst (again: back)"),
	{ '+', keys_events_fold, "+/-", "unfold / fold the burst", 0, 0 },
	{ '-', keys_events_fold, NULL, NULL, -1, 0 },
	{ 'o', keys_events_open, "o", "open only, worst first / all", 0, 0 },
	{ 'a', keys_events_ack, "a", "acknowledge (Error, Critical)", 0, 0 },
	{ 'A', keys_events_ack, "A", "acknowledge with a comment", 1, 0 },
	{ 'r', keys_events_replay, "r", "the dashboard at the event's time",
	    0, 0 },
};
KEY_TABLE(keys_events, keys_events_b);

static const struct key_binding keys_branch_b[] = {
	KEYS_ENTER(keys_drill_branch, "sessions of the branch's partner"),
	{ 's', keys_branch_span, "s/S",
	    "graph span: live, 1h, 6h, 24h, 7d (history)", 1, 0 },
	{ 'S', keys_branch_span, NULL, NULL, -1, 0 },
	{ 'l', keys_branch_link, "l/L", "graph the next link (as j/k)", 1, 0 },
	{ 'L', keys_branch_link, NULL, NULL, -1, 0 },
	{ 'c', keys_map_mode, "c", "cycle Braille/block/ASCII", 0, 0 },
};
KEY_TABLE(keys_branch, keys_branch_b);

static const struct key_binding keys_sessions_b[] = {
	KEYS_ENTER(keys_drill_sessions,
	    "BMP session: its page; then its events"),
	KEYS_SORT,
};
KEY_TABLE(keys_sessions, keys_sessions_b);

static const struct key_binding keys_prefixes_b[] = {
	KEYS_ENTER(keys_drill_prefixes, "prefix details (again: back)"),
	KEYS_SORT,
};
KEY_TABLE(keys_prefixes, keys_prefixes_b);

static const struct key_binding keys_turnup_b[] = {
	KEYS_ENTER(keys_drill_turnup,
	    "what the check is about: session, prefix, branch"),
};
KEY_TABLE(keys_turnup, keys_turnup_b);

/* Map: these take precedence over the global j/k and arrows. */
static const struct key_binding keys_map_b[] = {
	{ '+', keys_map_zoom, "+/=", "zoom in", 1, 0 },
	{ '=', keys_map_zoom, NULL, NULL, 1, 0 },
	{ '-', keys_map_zoom, "-", "zoom out", -1, 0 },
	{ 'h', keys_map_pan, "h/Left", "pan west", PAN_LEFT, 0 },
	{ KEY_LEFT, keys_map_pan, NULL, NULL, PAN_LEFT, 0 },
	{ 'l', keys_map_pan, "l/Right", "pan east", PAN_RIGHT, 0 },
	{ KEY_RIGHT, keys_map_pan, NULL, NULL, PAN_RIGHT, 0 },
	{ 'k', keys_map_pan, "k/Up", "pan north", PAN_UP, 0 },
	{ KEY_UP, keys_map_pan, NULL, NULL, PAN_UP, 0 },
	{ 'j', keys_map_pan, "j/Down", "pan south", PAN_DOWN, 0 },
	{ KEY_DOWN, keys_map_pan, NULL, NULL, PAN_DOWN, 0 },
	{ 'w', keys_map_region, "w", "whole world", 0, 0 },
	{ 'n', keys_map_region, "n", "North America", 1, 0 },
	{ 's', keys_map_region, "s", "South America", 2, 0 },
	{ 'e', keys_map_region, "e", "Europe", 3, 0 },
	{ 'f', keys_map_region, "f", "Africa", 4, 0 },
	{ 'm', keys_map_region, "m", "Middle East", 5, 0 },
	{ 'a', keys_map_region, "a", "Asia-Pacific", 6, 0 },
	{ 'o', keys_map_region, "o", "Oceania", 7, 0 },
	{ 'c', keys_map_mode, "c", "cycle Braille/block/ASCII", 0, 0 },
};
KEY_TABLE(keys_map, keys_map_b);

const struct key_binding *
keys_find(const struct key_table *kt, int key)
{
	size_t	 i;

	if (kt == NULL)
		return (NULL);
	for (i = 0; i < kt->n; i++) {
		if (kt->bindings[i].key == key)
			return (&kt->bindings[i]);
	}
	return (NULL);
}

static int
keys_view(struct tui *tui, const struct key_binding *kb)
{
	if (kb->arg < 0 || (size_t)kb->arg >= tui_nviews)
		return (ACT_NONE);
	tui_set_view(tui, tui_views[kb->arg]);
	return (ACT_REDRAW);
}

/* Tab cycles the data views; Help is not part of the ring. */
static int
keys_cycle(struct tui *tui, const struct key_binding *kb)
{
	const struct view	*from = tui->view;
	size_t			 n = tui_nviews, i;

	if (from == &view_help && tui->prev != NULL)
		from = tui->prev;
	i = (size_t)tui_view_index(from);
	do
		i = (i + n + (size_t)(kb->arg > 0 ? 1 : n - 1)) % n;
	while (tui_views[i] == &view_help || tui_views[i] == &view_branch ||
	    (tui_views[i] == &view_turnup && !view_turnup_active(tui)));
	tui_set_view(tui, tui_views[i]);
	return (ACT_REDRAW);
}

static int
keys_help(struct tui *tui, const struct key_binding *kb)
{
	if (tui->view == &view_help)
		tui_set_view(tui, tui->prev != NULL ? tui->prev :
		    &view_overview);
	else
		tui_set_view(tui, &view_help);
	return (ACT_REDRAW);
}

static int
keys_filter(struct tui *tui, const struct key_binding *kb)
{
	if (tui->view->rows == NULL || tui->view == &view_help ||
	    tui->view == &view_branch)
		return (ACT_NONE);	/* nothing to filter */
	if (tui->view->back != NULL)
		tui->view->back(tui);	/* the filter is for the list */
	tui->filtering = 1;
	return (ACT_REDRAW);
}

/*
 * Esc: close the view's page first (a prefix's or a session's: the
 * deepest level), then clear the filter, then go up the drill-down path.
 */
static int
keys_escape(struct tui *tui, const struct key_binding *kb)
{
	if (tui->view->back != NULL && tui->view->back(tui))
		return (ACT_REDRAW);
	if (tui_filter(tui) != NULL) {
		tui_set_filter(tui, NULL);
		return (ACT_REDRAW);
	}
	if (tui->view == &view_help)
		tui_set_view(tui, tui->prev != NULL ? tui->prev :
		    &view_overview);
	else if (tui->view == &view_events)
		tui_set_view(tui, &view_sessions);
	else if (tui->view != &view_overview)
		tui_set_view(tui, &view_overview);
	return (ACT_REDRAW);
}

static int
keys_quit(struct tui *tui, const struct key_binding *kb)
{
	return ((int)kb->arg);
}

static int
keys_move(struct tui *tui, const struct key_binding *kb)
{
	size_t	 idx = (size_t)tui_view_index(tui->view), n, page, *cur;

	if (tui->view->rows == NULL)
		return (ACT_NONE);
	n = tui->view->rows(tui);
	cur = &tui->cursor[idx];
	page = tui_body_rows(tui) > 3 ? (size_t)tui_body_rows(tui) - 3 : 1;
	switch (kb->arg) {
	case MOVE_DOWN:
		if (*cur + 1 < n)
			(*cur)++;
		break;
	case MOVE_UP:
		if (*cur > 0)
			(*cur)--;
		break;
	case MOVE_PGDN:
		*cur += page;
		if (n > 0 && *cur >= n)
			*cur = n - 1;
		break;
	case MOVE_PGUP:
		*cur = *cur > page ? *cur - page : 0;
		break;
	case MOVE_HOME:
		*cur = 0;
		break;
	case MOVE_END:
		*cur = n > 0 ? n - 1 : 0;
		break;
	}
	tui_select_moved(tui, tui->view);
	return (ACT_REDRAW);
}

/* ^L: the next frame repaints every cell (a garbled terminal). */
static int
keys_repaint(struct tui *tui, const struct key_binding *kb)
{
	return (ACT_REDRAW | ACT_REPAINT);
}

static int
keys_drill_overview(struct tui *tui, const struct key_binding *kb)
{
	return (view_overview_drill(tui));
}

static int
keys_drill_branch(struct tui *tui, const struct key_binding *kb)
{
	return (view_branch_drill(tui));
}

static int
keys_branch_span(struct tui *tui, const struct key_binding *kb)
{
	return (view_branch_span(tui, (int)kb->arg));
}

static int
keys_branch_link(struct tui *tui, const struct key_binding *kb)
{
	return (view_branch_link(tui, (int)kb->arg) | ACT_REDRAW);
}

static int
keys_drill_sessions(struct tui *tui, const struct key_binding *kb)
{
	return (view_sessions_drill(tui));
}

static int
keys_drill_prefixes(struct tui *tui, const struct key_binding *kb)
{
	return (view_prefixes_drill(tui));
}

static int
keys_drill_turnup(struct tui *tui, const struct key_binding *kb)
{
	return (view_turnup_drill(tui));
}

static int
keys_map_zoom(struct tui *tui, const struct key_binding *kb)
{
	return (view_map_zoom(tui, (int)kb->arg) | ACT_REDRAW);
}

static int
keys_map_pan(struct tui *tui, const struct key_binding *kb)
{
	static const int	 d[4][2] = {
		[PAN_LEFT] = { -1, 0 }, [PAN_RIGHT] = { 1, 0 },
		[PAN_UP] = { 0, 1 }, [PAN_DOWN] = { 0, -1 },
	};

	if (kb->arg < 0 || kb->arg >= 4)
		return (ACT_NONE);
	return (view_map_pan(tui, d[kb->arg][0], d[kb->arg][1]) | ACT_REDRAW);
}

static int
keys_map_region(struct tui *tui, const struct key_binding *kb)
{
	if (kb->arg < 0 || (size_t)kb->arg >= nitems(keys_regions))
		return (ACT_NONE);
	return (view_map_region(tui, keys_regions[kb->arg]) | ACT_REDRAW);
}

static int
keys_map_mode(struct tui *tui, const struct key_binding *kb)
{
	return (view_map_cycle_mode(tui) | ACT_REDRAW);
}

static int
keys_freeze(struct tui *tui, const struct key_binding *kb)
{
	return (tui_replay_freeze(tui, 0));
}

static int
keys_replay_step(struct tui *tui, const struct key_binding *kb)
{
	return (tui_replay_step(tui, (int)kb->arg));
}

static int
keys_replay_move(struct tui *tui, const struct key_binding *kb)
{
	return (tui_replay_move(tui, (int)kb->arg));
}

static int
keys_replay_play(struct tui *tui, const struct key_binding *kb)
{
	return (tui_replay_play(tui, (int)kb->arg));
}

static int
keys_replay_jump(struct tui *tui, const struct key_binding *kb)
{
	return (tui_replay_prompt(tui));
}

static int
keys_sort(struct tui *tui, const struct key_binding *kb)
{
	return (tui_sort_step(tui, (int)kb->arg));
}

/* Enter on an event: its page; on a burst: its events. */
static int
keys_drill_events(struct tui *tui, const struct key_binding *kb)
{
	return (view_events_drill(tui));
}

static int
keys_events_fold(struct tui *tui, const struct key_binding *kb)
{
	return (view_events_fold(tui, (int)kb->arg));
}

static int
keys_events_open(struct tui *tui, const struct key_binding *kb)
{
	return (view_events_open_only(tui));
}

/* r: the dashboard at the event's moment; the cursor stays on it. */
static int
keys_events_replay(struct tui *tui, const struct key_binding *kb)
{
	return (view_events_replay(tui));
}

/* a, A (arg 1: with a comment): the selected event. */
static int
keys_events_ack(struct tui *tui, const struct key_binding *kb)
{
	return (view_events_ack(tui, (int)kb->arg));
}

/* ":": the command line on the bottom row. */
static int
keys_cmdline(struct tui *tui, const struct key_binding *kb)
{
	return (cmdline_open(tui, ""));
}
