/* SPDX-License-Identifier: ISC */
/*
 * The Help view, generated from the key tables (keys.c) so it cannot
 * drift from what the keys do: global keys first, then replay's, then
 * each view's own table under the view's title, then the ":" commands
 * from their table (cmdline.c), flowed into
 * as many 40-column columns as the terminal has room for.  Then the
 * legend: every glyph and counter the views show, the glyphs from the
 * same tables the views draw them from (draw.c), so ASCII mode shows the
 * ASCII ones.  j/k scroll it when it does not fit; Esc returns to the
 * previous view.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/tui.h"

#define HELP_COLW	40
#define HELP_KEYW	10

struct help_line {
	const char	*key;		/* NULL: a heading (text) */
	const char	*text;
	int		 glyph;		/* enum glyph after key, -1 none */
	int		 legend;	/* a legend heading: no " view" */
};

/* The ":" commands' keys (":ack"), made from their table in cmdline.c. */
#define HELP_CMDS_MAX	16
static char	 help_cmd_keys[HELP_CMDS_MAX][16];

/*
 * The legend: what each glyph and counter means, grouped by where it is
 * shown.  Texts fit the 29 columns a 40-column help column leaves.
 */
#define HELP_NOGLYPH	-1
static const struct help_line help_legend[] = {
	{ NULL, "Legend: health", HELP_NOGLYPH, 1 },
	{ "", "Critical or Error", GL_CRIT, 0 },
	{ "", "Warning", GL_WARN, 0 },
	{ "", "OK", GL_UP, 0 },
	{ NULL, "", HELP_NOGLYPH, 0 },
	{ NULL, "Legend: redundancy", HELP_NOGLYPH, 1 },
	{ "", "REDUNDANT", GL_UP, 0 },
	{ "", "DEGRADED, NOBACKUP: no spare", GL_DEGRADED, 0 },
	{ "", "DOWN: nothing carries it", GL_DOWN, 0 },
	{ "", "UNKNOWN: no state reported", GL_UNKNOWN, 0 },
	{ NULL, "", HELP_NOGLYPH, 0 },
	{ NULL, "Legend: sessions", HELP_NOGLYPH, 1 },
	{ "", "Established", GL_UP, 0 },
	{ "", "down: Idle, Connect, Active", GL_DOWN, 0 },
	{ "", "AdminDown: shut on purpose", GL_ADMIN, 0 },
	{ "", "state not reported yet", GL_UNKNOWN, 0 },
	{ "3!", "Flaps: flapping now", HELP_NOGLYPH, 0 },
	{ NULL, "", HELP_NOGLYPH, 0 },
	{ NULL, "Legend: Via (routed edge)", HELP_NOGLYPH, 1 },
	{ "sea =", "nearest edge with a session", HELP_NOGLYPH, 0 },
	{ "sea ", "SuboptimalRouting: farther", GL_DETOUR, 0 },
	{ "sea", "farther, within tolerance", HELP_NOGLYPH, 0 },
	{ "sea ", "routes unknown: last known", GL_UNKNOWN, 0 },
	{ "-", "no route seen yet", HELP_NOGLYPH, 0 },
	{ NULL, "", HELP_NOGLYPH, 0 },
	{ NULL, "Legend: latency", HELP_NOGLYPH, 1 },
	{ "360", "over its threshold", GL_OVER, 0 },
	{ "sea =", "Lat: the nearest is fastest", HELP_NOGLYPH, 0 },
	{ "x", "Trend: every probe lost", HELP_NOGLYPH, 0 },
	{ "-", "no data", HELP_NOGLYPH, 0 },
	{ "~", "map line: near its limit", HELP_NOGLYPH, 0 },
	{ "", "map line: over its limit", GL_OVER, 0 },
	{ NULL, "", HELP_NOGLYPH, 0 },
	{ NULL, "Legend: prefixes", HELP_NOGLYPH, 1 },
	{ "", "hijack, invisible, leak", GL_DOWN, 0 },
	{ "", "warning: no backup, path..", GL_WARN, 0 },
	{ "", "ok on every session", GL_UP, 0 },
	{ "", "not seen yet, or unknown", GL_UNKNOWN, 0 },
	{ "Pri 2/4", "primaries carrying / total", HELP_NOGLYPH, 0 },
	{ "Bkp 1/2", "backups carrying / total", HELP_NOGLYPH, 0 },
	{ NULL, "", HELP_NOGLYPH, 0 },
	{ NULL, "Legend: counters", HELP_NOGLYPH, 1 },
	{ "C:E:W:I:", "events by level: Critical..", HELP_NOGLYPH, 0 },
	{ "open:", "conditions open now, by level", HELP_NOGLYPH, 0 },
	{ "Sess 5/6", "sessions up / configured", HELP_NOGLYPH, 0 },
	{ "unack'd", "2C 1E: open, not ack'd yet", HELP_NOGLYPH, 0 },
	{ NULL, "", HELP_NOGLYPH, 0 },
	{ NULL, "Legend: event State", HELP_NOGLYPH, 1 },
	{ "OPEN", "open, not acknowledged", HELP_NOGLYPH, 0 },
	{ "ack bob", "open, acknowledged by bob", HELP_NOGLYPH, 0 },
	{ "res", "res 13:55: resolved then", HELP_NOGLYPH, 0 },
	{ "again", "raised again: a newer row", HELP_NOGLYPH, 0 },
	{ "ended", "open when its record ended", HELP_NOGLYPH, 0 },
	{ NULL, "", HELP_NOGLYPH, 0 },
	{ NULL, "Legend: map and text", HELP_NOGLYPH, 1 },
	{ "", "Microsoft edge", GL_EDGE, 0 },
	{ "", "branch (or its letter)", GL_BRANCH, 0 },
	{ "", "cut: the status line has it", GL_ELLIPSIS, 0 },
};

static void	 view_help_draw(struct tui *, int, int, int);
static size_t	 view_help_rows(struct tui *);
static struct help_line *view_help_lines(size_t *);
static size_t	 view_help_flow(struct tui *, const struct help_line *,
		    size_t, size_t, int, int, int, int);
static void	 view_help_group(struct help_line *, size_t *,
		    const struct key_table *, const char *);

const struct view view_help = {
	.name = "help",
	.title = "Help",
	.draw = view_help_draw,
	.rows = view_help_rows,
};

/* Append a heading and the bindings of one table, if it has any. */
static void
view_help_group(struct help_line *lines, size_t *n,
    const struct key_table *kt, const char *heading)
{
	const struct key_binding	*kb;
	size_t				 i, start = *n;

	if (kt == NULL)
		return;
	lines[(*n)++] = (struct help_line){ NULL, heading, HELP_NOGLYPH, 0 };
	for (i = 0; i < kt->n; i++) {
		kb = &kt->bindings[i];
		if (kb->help == NULL || kb->keyname == NULL)
			continue;
		lines[(*n)++] = (struct help_line){ kb->keyname, kb->help,
		    HELP_NOGLYPH, 0 };
	}
	if (*n == start + 1)
		(*n)--;		/* no keys: no heading */
	else
		lines[(*n)++] = (struct help_line){ NULL, "", HELP_NOGLYPH,
		    0 };
}

/* Every help line; caller frees. */
static struct help_line *
view_help_lines(size_t *np)
{
	struct help_line	*lines;
	const char		*name, *help;
	size_t			 i, n = 0, max;

	/* At most a heading and a blank per table, plus every binding;
	 * the commands' heading, blank and lines. */
	max = keys_global.n + keys_replay.n + 2 * (tui_nviews + 2) + 1 +
	    nitems(help_legend) + 2;
	for (i = 0; cmdline_command(i, &help) != NULL; i++)
		max++;
	for (i = 0; i < tui_nviews; i++) {
		if (tui_views[i]->keys != NULL)
			max += tui_views[i]->keys->n;
	}
	lines = xcalloc(max, sizeof *lines);
	view_help_group(lines, &n, &keys_global, "Global keys");
	view_help_group(lines, &n, &keys_replay, "Replay keys (-r, z)");
	for (i = 0; i < tui_nviews; i++)
		view_help_group(lines, &n, tui_views[i]->keys,
		    tui_views[i]->title);
	/* The ":" commands, from their table (cmdline.c) as the keys. */
	lines[n++] = (struct help_line){ NULL, "Commands (:)", HELP_NOGLYPH,
	    1 };
	for (i = 0; i < HELP_CMDS_MAX &&
	    (name = cmdline_command(i, &help)) != NULL; i++) {
		snprintf(help_cmd_keys[i], sizeof help_cmd_keys[i], ":%s",
		    name);
		lines[n++] = (struct help_line){ help_cmd_keys[i], help,
		    HELP_NOGLYPH, 0 };
	}
	lines[n++] = (struct help_line){ NULL, "", HELP_NOGLYPH, 0 };
	for (i = 0; i < nitems(help_legend); i++)
		lines[n++] = help_legend[i];
	*np = n;
	return (lines);
}

static size_t
view_help_rows(struct tui *tui)
{
	struct help_line	*lines;
	size_t			 n;

	lines = view_help_lines(&n);
	free(lines);
	return (n);
}

/*
 * Lay the lines out from line top: down each column, a heading never left
 * alone at the bottom of one, no blank line at the top of one.  Returns
 * how many lines fit.  With draw set, draws them too.
 */
static size_t
view_help_flow(struct tui *tui, const struct help_line *lines, size_t n,
    size_t top, int y, int h, int w, int draw)
{
	const struct help_line	*l;
	char			 buf[128];
	size_t			 i;
	int			 ncols, colw, col = 0, row = 0, x;

	ncols = w / HELP_COLW;
	if (ncols < 1)
		ncols = 1;
	colw = w / ncols;
	if (draw)
		draw_fill(tui, y, h, w, CR_NORMAL);
	for (i = top; i < n; i++) {
		l = &lines[i];
		if (l->key == NULL && l->text[0] == '\0' && row == 0)
			continue;
		if (l->key == NULL && l->text[0] != '\0' && row + 2 > h &&
		    row > 0) {
			col++;
			row = 0;
		}
		if (row >= h) {
			col++;
			row = 0;
		}
		if (col >= ncols)
			break;
		x = col * colw;
		if (draw && l->key == NULL && l->text[0] != '\0') {
			snprintf(buf, sizeof buf, "%s%s", l->text,
			    l->legend || strstr(l->text, " keys") != NULL ?
			    "" : " view");
			draw_text(tui, y + row, x, colw - 1, CR_HEADER, buf);
		} else if (draw && l->key != NULL) {
			snprintf(buf, sizeof buf, " %s%s", l->key,
			    l->glyph == HELP_NOGLYPH ? "" : draw_glyph(tui,
			    (enum glyph)l->glyph));
			draw_text_attr(tui, y + row, x, HELP_KEYW,
			    draw_attr(tui, CR_NORMAL) | A_BOLD, buf);
			draw_text(tui, y + row, x + HELP_KEYW,
			    colw - HELP_KEYW - 1, CR_NORMAL, l->text);
		}
		row++;
	}
	return (i - top);
}

static void
view_help_draw(struct tui *tui, int y, int h, int w)
{
	struct help_line	*lines;
	size_t			 n, top, idx;

	idx = (size_t)tui_view_index(&view_help);
	if (h < 1)
		return;
	lines = view_help_lines(&n);

	/* The cursor is the first line shown; stop once the end is in view. */
	top = tui->cursor[idx];
	if (top >= n)
		top = n > 0 ? n - 1 : 0;
	while (top > 0 &&
	    view_help_flow(tui, lines, n, top - 1, y, h, w, 0) ==
	    n - (top - 1))
		top--;
	tui->cursor[idx] = top;
	tui->scroll[idx] = top;
	view_help_flow(tui, lines, n, top, y, h, w, 1);
	free(lines);
}
