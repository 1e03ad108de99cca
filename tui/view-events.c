/* SPDX-License-Identifier: ISC */
/*
 * The Events view: the model's ring of recent events, newest first, with
 * time, level (Microsoft's names: Information, Warning, Error, Critical),
 * type, subject and summary, coloured by level and always named in words.
 * The selected event's details go on the bottom line.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/tui.h"

enum {
	EV_TIME, EV_LEVEL, EV_TYPE, EV_SUBJECT, EV_SUMMARY, EV_NCOLS
};

static const struct draw_col events_cols[EV_NCOLS] = {
	[EV_TIME] =	{ "Time", 8, 8, 0, 0 },
	[EV_LEVEL] =	{ "Level", 11, 11, 0, 0 },
	[EV_TYPE] =	{ "Type", 18, 22, 0, 0 },
	[EV_SUBJECT] =	{ "Subject", 14, 28, 1, 0 },	/* detail line at 80 */
	[EV_SUMMARY] =	{ "Summary", 30, 400, 0, 0 },
};

static void	 view_events_draw(struct tui *, int, int, int);
static size_t	 view_events_rows(struct tui *);
static const struct event **view_events_list(struct tui *, size_t *);
static void	 view_events_key(const void *, size_t, char *, size_t);

const struct view view_events = {
	.name = "events",
	.title = "Events",
	.keys = &keys_events,
	.draw = view_events_draw,
	.rows = view_events_rows,
	.key = view_events_key,
};

/* Events matching the filter, newest first; caller frees the array. */
static const struct event **
view_events_list(struct tui *tui, size_t *np)
{
	struct model		 *m = tui->model;
	const struct event	**list, *e;
	char			  text[512];
	size_t			  i, n = 0;

	list = xcalloc(m->nevents + 1, sizeof *list);
	for (i = m->nevents; i > 0; i--) {
		if ((e = model_event(m, i - 1)) == NULL)
			continue;
		snprintf(text, sizeof text, "%s %s %s %s", level_name(e->level),
		    e->type, e->subject, e->summary);
		if (tui_match(tui, text))
			list[n++] = e;
	}
	tui_select(tui, &view_events, list, n);
	*np = n;
	return (list);
}

/* A row's key: the event's id. */
static void
view_events_key(const void *list, size_t i, char *buf, size_t len)
{
	snprintf(buf, len, "%lld",
	    (long long)((const struct event *const *)list)[i]->id);
}

static size_t
view_events_rows(struct tui *tui)
{
	const struct event	**list;
	size_t			  n;

	list = view_events_list(tui, &n);
	free(list);
	return (n);
}

static void
view_events_draw(struct tui *tui, int y, int h, int w)
{
	struct draw_col		  cols[EV_NCOLS];
	const struct event	**list, *e;
	size_t			  n, i, idx = (size_t)tui_view_index(&view_events);
	int			  widths[EV_NCOLS], rows, row;
	char			  when[32], detail[512];
	const char		 *cells[EV_NCOLS];
	enum color_role		  roles[EV_NCOLS], role;

	if (h < 3)
		return;
	/* Dates only when there is room for them. */
	memcpy(cols, events_cols, sizeof cols);
	if (w >= 120)
		cols[EV_TIME].min = cols[EV_TIME].max = 19;
	draw_layout(cols, EV_NCOLS, w, widths);
	draw_header(tui, y, cols, EV_NCOLS, widths);

	list = view_events_list(tui, &n);
	rows = h - 2;
	draw_scroll(&tui->cursor[idx], &tui->scroll[idx], n, rows);

	for (row = 0; row < rows; row++) {
		i = tui->scroll[idx] + (size_t)row;
		if (i >= n) {
			draw_empty_row(tui, y + 1 + row, w, row, n,
			    "no event matches the filter", "no events yet");
			continue;
		}
		e = list[i];
		fmt_time(when, sizeof when, e->time_ms, FMT_TIME_DATE);
		role = draw_level_role(e->level);
		/* "YYYY-MM-DD HH:MM:SS": keep the time of day when narrow. */
		cells[EV_TIME] = (widths[EV_TIME] < 19 && strlen(when) >= 19) ?
		    when + 11 : when;
		cells[EV_LEVEL] = level_name(e->level);
		cells[EV_TYPE] = e->type;
		cells[EV_SUBJECT] = e->subject;
		cells[EV_SUMMARY] = e->summary;
		for (i = 0; i < EV_NCOLS; i++)
			roles[i] = CR_NORMAL;
		roles[EV_LEVEL] = role;
		roles[EV_TYPE] = role;
		draw_row(tui, y + 1 + row, cols, EV_NCOLS, widths, cells,
		    roles, CR_NORMAL,
		    tui->scroll[idx] + (size_t)row == tui->cursor[idx]);
	}

	if (tui->cursor[idx] < n) {
		e = list[tui->cursor[idx]];
		fmt_time(when, sizeof when, e->time_ms, FMT_TIME_FULL);
		snprintf(detail, sizeof detail, "%s %s %s: %s", when, e->type,
		    e->subject, e->details[0] != '\0' ? e->details :
		    e->summary);
		draw_text(tui, y + h - 1, 0, w, draw_level_role(e->level),
		    detail);
	} else
		draw_text(tui, y + h - 1, 0, w, CR_NORMAL, "");
	free(list);
}

/* The event under the cursor (Enter jumps to its time), NULL when none. */
const struct event *
view_events_selected(struct tui *tui)
{
	const struct event	**list, *e = NULL;
	size_t			  n, idx = (size_t)tui_view_index(&view_events);

	list = view_events_list(tui, &n);
	if (tui->cursor[idx] < n)
		e = list[tui->cursor[idx]];
	free(list);
	return (e);
}
