/*
 * The Sessions view, laid out like `show bgp summary`: one row per
 * configured session in configuration order, with the BGP state as a
 * word and a marker (RFC 4271 8.2.2 names), how long it has been in that
 * state, prefixes received and sent, flaps, the edge and role it serves,
 * where the state comes from (a BIRD socket or a BMP stream) and the last
 * error.  The selected session's neighbor, source, how many of the
 * registered prefixes it carries and its full error go on a detail line.
 * Enter drills down to the session's events.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"
#include "../core/collector.h"

enum {
	SS_ROUTER, SS_SESSION, SS_NEIGHBOR, SS_AS, SS_STATE, SS_UPDOWN,
	SS_RCVD, SS_SENT, SS_FLAPS, SS_EDGE, SS_SRC, SS_ERROR, SS_NCOLS
};

static const struct draw_col sessions_cols[SS_NCOLS] = {
	[SS_ROUTER] =	{ "Router", 6, 14, 0, 0 },
	[SS_SESSION] =	{ "Session", 12, 20, 0, 0 },
	[SS_NEIGHBOR] =	{ "Neighbor", 15, 30, 3, 0 },
	[SS_AS] =	{ "AS", 5, 10, 0, 1 },
	[SS_STATE] =	{ "State", 13, 13, 0, 0 },
	[SS_UPDOWN] =	{ "Up/Down", 7, 8, 0, 1 },
	[SS_RCVD] =	{ "PfxRcd", 6, 8, 1, 1 },
	[SS_SENT] =	{ "PfxSnt", 6, 8, 2, 1 },
	[SS_FLAPS] =	{ "Flaps", 5, 5, 2, 1 },
	[SS_EDGE] =	{ "Edge", 7, 11, 1, 0 },
	[SS_SRC] =	{ "Src", 4, 4, 3, 0 },
	[SS_ERROR] =	{ "Last error", 10, 200, 1, 0 },
};

static void	 view_sessions_draw(struct tui *, int, int, int);
static size_t	 view_sessions_rows(struct tui *);
static struct session **view_sessions_list(struct tui *, size_t *);
static const char *view_sessions_source(const struct session *);
static void	 view_sessions_prefixes(struct tui *, const struct session *,
		    char *, size_t);

const struct view view_sessions = {
	.name = "sessions",
	.title = "Sessions",
	.draw = view_sessions_draw,
	.rows = view_sessions_rows,
};

/* "bird" or "bmp": the kind of collector that reports it, "-" if none. */
static const char *
view_sessions_source(const struct session *s)
{
	if (s->source == NULL || s->source->ops == NULL ||
	    s->source->ops->name == NULL)
		return ("-");
	return (s->source->ops->name);
}

/*
 * ", carries 2 of 3 registered prefixes" when the route monitor has seen
 * the partner's registered prefixes, else "".
 */
static void
view_sessions_prefixes(struct tui *tui, const struct session *s, char *buf,
    size_t len)
{
	struct model		*m = tui->model;
	struct branch		*b;
	struct branch_prefix	*p;
	size_t			 i, j, n = 0, total = 0;

	buf[0] = '\0';
	for (i = 0; i < m->nbranches; i++) {
		b = m->branches[i];
		if (b->partner == NULL || b->partner != s->partner)
			continue;
		for (j = 0; j < b->nprefixes; j++) {
			p = &b->prefixes[j];
			if (!p->seen)
				continue;
			total++;
			n += view_prefixes_carries(p, s->name);
		}
	}
	if (total > 0)
		snprintf(buf, len, ", carries %zu of %zu registered prefix%s",
		    n, total, total == 1 ? "" : "es");
}

/* Sessions matching the filter (partner, router, name, neighbor, edge). */
static struct session **
view_sessions_list(struct tui *tui, size_t *np)
{
	struct model	 *m = tui->model;
	struct session	**list, *s;
	char		  text[512], addr[ADDR_STRLEN];
	size_t		  i, n = 0;

	list = xcalloc(m->nsessions + 1, sizeof *list);
	for (i = 0; i < m->nsessions; i++) {
		s = m->sessions[i];
		addr_fmt(&s->neighbor, addr, sizeof addr);
		snprintf(text, sizeof text, "%s %s %s %s %s %s %s",
		    s->partner != NULL ? s->partner->name : "", s->router,
		    s->name, addr, s->edge, bgp_state_name(s->state),
		    view_sessions_source(s));
		if (tui_match(tui, text))
			list[n++] = s;
	}
	*np = n;
	return (list);
}

static size_t
view_sessions_rows(struct tui *tui)
{
	struct session	**list;
	size_t		  n;

	list = view_sessions_list(tui, &n);
	free(list);
	return (n);
}

/* Enter: the events about the selected session. */
int
view_sessions_drill(struct tui *tui)
{
	struct session	**list;
	char		  name[NAME_MAX_PT];
	size_t		  n, cur = tui->cursor[tui_view_index(&view_sessions)];

	list = view_sessions_list(tui, &n);
	if (cur >= n) {
		free(list);
		return (ACT_NONE);
	}
	strlcpy_pt(name, list[cur]->name, sizeof name);
	free(list);
	tui_set_view(tui, &view_events);
	tui_set_filter(tui, name);
	return (ACT_REDRAW);
}

static void
view_sessions_draw(struct tui *tui, int y, int h, int w)
{
	struct session	**list, *s;
	size_t		  n, i, idx = (size_t)tui_view_index(&view_sessions);
	int		  widths[SS_NCOLS], rows, row;
	char		  addr[ADDR_STRLEN], as[16], state[48], updown[16];
	char		  rcvd[16], sent[16], flaps[16], edge[32];
	char		  detail[640], pfx[96];
	const char	 *cells[SS_NCOLS];
	enum color_role	  roles[SS_NCOLS];

	if (h < 3)
		return;
	draw_layout(sessions_cols, SS_NCOLS, w, widths);
	draw_header(tui, y, sessions_cols, SS_NCOLS, widths);

	list = view_sessions_list(tui, &n);
	rows = h - 2;
	draw_scroll(&tui->cursor[idx], &tui->scroll[idx], n, rows);

	for (row = 0; row < rows; row++) {
		i = tui->scroll[idx] + (size_t)row;
		if (i >= n) {
			draw_text(tui, y + 1 + row, 0, w, CR_NORMAL,
			    (n == 0 && row == 0) ? (tui_filter(tui) != NULL ?
			    "no session matches the filter" :
			    "no sessions configured") : "");
			continue;
		}
		s = list[i];
		addr_fmt(&s->neighbor, addr, sizeof addr);
		/* The neighbor's AS as the router reports it (AS8075). */
		if (s->remote_as != 0)
			snprintf(as, sizeof as, "%u", s->remote_as);
		else
			snprintf(as, sizeof as, "-");
		snprintf(state, sizeof state, "%s %s",
		    draw_glyph(tui, draw_state_glyph(s->state)),
		    bgp_state_name(s->state));
		if (s->since_ms > 0 && s->state != BGP_UNKNOWN)
			fmt_duration(updown, sizeof updown,
			    (now_wall_ms() - s->since_ms) / 1000);
		else
			snprintf(updown, sizeof updown, "never");
		if (s->state == BGP_ESTABLISHED) {
			snprintf(rcvd, sizeof rcvd, "%u", s->routes_imported);
			snprintf(sent, sizeof sent, "%u", s->routes_exported);
		} else {
			snprintf(rcvd, sizeof rcvd, "-");
			snprintf(sent, sizeof sent, "-");
		}
		snprintf(flaps, sizeof flaps, "%u%s", s->flaps,
		    s->flapping ? "!" : "");
		/* "sea primary" when there is room, "sea pri" otherwise. */
		if (widths[SS_EDGE] >= 11)
			snprintf(edge, sizeof edge, "%s %s", s->edge,
			    role_name(s->role));
		else
			snprintf(edge, sizeof edge, "%s %.3s", s->edge,
			    role_name(s->role));

		cells[SS_ROUTER] = s->router[0] != '\0' ? s->router : "-";
		cells[SS_SESSION] = s->name;
		cells[SS_NEIGHBOR] = addr;
		cells[SS_AS] = as;
		cells[SS_STATE] = state;
		cells[SS_UPDOWN] = updown;
		cells[SS_RCVD] = rcvd;
		cells[SS_SENT] = sent;
		cells[SS_FLAPS] = flaps;
		cells[SS_EDGE] = edge;
		cells[SS_SRC] = view_sessions_source(s);
		cells[SS_ERROR] = s->last_error[0] != '\0' ? s->last_error :
		    "";

		for (i = 0; i < SS_NCOLS; i++)
			roles[i] = CR_NORMAL;
		roles[SS_STATE] = draw_state_role(s->state);
		roles[SS_FLAPS] = s->flaps > 0 ? CR_WARN : CR_NORMAL;
		roles[SS_ERROR] = s->state == BGP_ESTABLISHED ? CR_NORMAL :
		    CR_CRIT;

		draw_row(tui, y + 1 + row, sessions_cols, SS_NCOLS, widths,
		    cells, roles, CR_NORMAL,
		    tui->scroll[idx] + (size_t)row == tui->cursor[idx]);
	}

	if (tui->cursor[idx] < n) {
		s = list[tui->cursor[idx]];
		addr_fmt(&s->neighbor, addr, sizeof addr);
		view_sessions_prefixes(tui, s, pfx, sizeof pfx);
		snprintf(detail, sizeof detail,
		    "%s: neighbor %s, partner %s, edge %s %s, %u flap%s%s, "
		    "from %s%s%s%s%s%s",
		    s->name, addr, s->partner != NULL ? s->partner->name : "-",
		    s->edge, role_name(s->role), s->flaps,
		    s->flaps == 1 ? "" : "s", s->flapping ? " (FLAPPING)" : "",
		    view_sessions_source(s), s->proto[0] != '\0' ? " " : "",
		    s->proto, pfx,
		    s->last_error[0] != '\0' ? ", last error: " : "",
		    s->last_error);
		draw_text(tui, y + h - 1, 0, w, draw_state_role(s->state),
		    detail);
	} else
		draw_text(tui, y + h - 1, 0, w, CR_NORMAL, "");
	free(list);
}
