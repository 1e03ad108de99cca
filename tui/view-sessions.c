/* SPDX-License-Identifier: ISC */
/*
 * The Sessions view, laid out like `show bgp summary`: one row per
 * configured session, worst first (down, flapping, administratively down
 * or unknown, then Established; by name within each), or by any column
 * (, . F6 I), with the BGP state as a
 * word and a marker (RFC 4271 8.2.2 names), how long it has been in that
 * state, prefixes received and sent, flaps, the edge and role it serves,
 * where the state comes from (a BIRD socket or a BMP stream) and the last
 * error.  The selected session's neighbor, source, how many of the
 * registered prefixes it carries and its full error go on a detail line.
 * Enter drills down to the session's events; on a session a BMP stream
 * reports it first opens the session's page: its router as the router
 * named itself (RFC 7854 4.3 sysName/sysDescr) with its message counts,
 * the monitored peer and its Statistics Report counters (4.8) by name.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/tui.h"
#include "core/collect-bmp.h"
#include "core/rib.h"

/* Where a session is in a BMP collector: router i, peer j. */
struct view_sessions_bmp {
	const struct collector	*c;
	size_t			 i, j;
	struct bmp_router_info	 ri;
	struct bmp_peer_info	 pi;
};

enum {
	SS_ROUTER, SS_SESSION, SS_NEIGHBOR, SS_AS, SS_STATE, SS_UPDOWN,
	SS_RCVD, SS_SENT, SS_FLAPS, SS_EDGE, SS_SRC, SS_ERROR, SS_NCOLS
};

/* Names are cut in the middle, the neighbor's address never: it goes
 * first (it is on the detail line). */
static const struct draw_col sessions_cols[SS_NCOLS] = {
	[SS_ROUTER] =	{ "Router", 10, 24, 0, DC_NAME },
	[SS_SESSION] =	{ "Session", 12, 24, 0, DC_NAME },
	[SS_NEIGHBOR] =	{ "Neighbor", 7, 7, 3, DC_ADDR },
	[SS_AS] =	{ "AS", 5, 10, 0, DC_RIGHT },
	[SS_STATE] =	{ "State", 13, 13, 0, DC_DESC },
	[SS_UPDOWN] =	{ "Up/Down", 7, 8, 0, DC_RIGHT },
	[SS_RCVD] =	{ "PfxRcd", 6, 8, 1, DC_RIGHT | DC_DESC },
	[SS_SENT] =	{ "PfxSnt", 6, 8, 2, DC_RIGHT | DC_DESC },
	[SS_FLAPS] =	{ "Flaps", 5, 6, 2, DC_RIGHT | DC_DESC },
	[SS_EDGE] =	{ "Edge", 7, 11, 1, 0 },
	[SS_SRC] =	{ "Src", 4, 4, 3, 0 },
	[SS_ERROR] =	{ "Last error", 10, 200, 1, 0 },
};

/* The view's own state (tui_view_data()). */
struct view_sessions_state {
	int	 page;		/* the selected BMP session's page is open */
};

static void	*view_sessions_init(struct tui *);
static void	 view_sessions_enter(struct tui *);
static int	 view_sessions_back(struct tui *);
static void	 view_sessions_draw(struct tui *, int, int, int);
static void	 view_sessions_was(const struct session *, char *, size_t);
static void	 view_sessions_row(struct tui *, const struct draw_col *,
		    const struct session *, int, const int *, int);
static void	 view_sessions_bgp_role(const struct session *, char *, size_t);
static void	 view_sessions_detail(struct tui *, const struct session *,
		    int, int);
static int	 view_sessions_bmp(const struct session *,
		    struct view_sessions_bmp *);
static const char *view_sessions_kinds(unsigned int, char *, size_t);
static int	 view_sessions_field(struct tui *, int, int, int, int,
		    const char *, enum color_role, const char *);
static void	 view_sessions_page(struct tui *, const struct session *,
		    const struct view_sessions_bmp *, int, int, int);
static int	 view_sessions_router(struct tui *,
		    const struct bmp_router_info *, int, int, int, int);
static void	 view_sessions_sync(const struct bmp_router_info *, char *,
		    size_t);
static void	 view_sessions_stats(struct tui *,
		    const struct view_sessions_bmp *, int, int, int, int);
static size_t	 view_sessions_rows(struct tui *);
static struct session **view_sessions_list(struct tui *, size_t *);
static int	 view_sessions_branch_match(struct tui *,
		    const struct session *);
static void	 view_sessions_key(const void *, size_t, char *, size_t);
static int	 view_sessions_rank(const struct session *);
static int	 view_sessions_cmp(const void *, const void *, int);
static const char *view_sessions_source(const struct session *);
static void	 view_sessions_prefixes(struct tui *, const struct session *,
		    char *, size_t);

const struct view view_sessions = {
	.name = "sessions",
	.title = "Sessions",
	.keys = &keys_sessions,
	.init = view_sessions_init,
	.enter = view_sessions_enter,
	.draw = view_sessions_draw,
	.rows = view_sessions_rows,
	.key = view_sessions_key,
	.back = view_sessions_back,
	.cols = sessions_cols,
	.ncols = SS_NCOLS,
	.sort_default = SS_STATE,
	.cmp = view_sessions_cmp,
};

static void *
view_sessions_init(struct tui *tui)
{
	return (xcalloc(1, sizeof (struct view_sessions_state)));
}

int
view_sessions_paged(struct tui *tui)
{
	struct view_sessions_state	*vs;

	vs = tui_view_data(tui, &view_sessions);
	return (vs->page);
}

void
view_sessions_set_page(struct tui *tui, int open)
{
	struct view_sessions_state	*vs;

	vs = tui_view_data(tui, &view_sessions);
	vs->page = open;
}

/* Coming back to the view shows the list, not an old page. */
static void
view_sessions_enter(struct tui *tui)
{
	view_sessions_set_page(tui, 0);
}

/* Esc, or /: the page closes before anything else. */
static int
view_sessions_back(struct tui *tui)
{
	int	 was = view_sessions_paged(tui);

	view_sessions_set_page(tui, 0);
	return (was);
}

/*
 * The BMP peer reporting the session: the collector's peer the session
 * was matched to, else the peer with its neighbor address on a router
 * whose sysName is the session's router.  1 and *b, or 0.
 */
static int
view_sessions_bmp(const struct session *s, struct view_sessions_bmp *b)
{
	char	 addr[ADDR_STRLEN];
	int	 pass;

	if (s->source == NULL || s->source->ops != &collector_bmp)
		return (0);
	b->c = s->source;
	addr_fmt(&s->neighbor, addr, sizeof addr);
	for (pass = 0; pass < 2; pass++) {
		for (b->i = 0; collect_bmp_router_info(b->c, b->i, &b->ri);
		    b->i++) {
			if (pass == 1 && strcmp(b->ri.name, s->router) != 0)
				continue;
			for (b->j = 0; collect_bmp_peer_info(b->c, b->i, b->j,
			    &b->pi); b->j++) {
				if (pass == 0 &&
				    strcmp(b->pi.session, s->name) == 0)
					return (1);
				if (pass == 1 && strcmp(b->pi.addr, addr) == 0)
					return (1);
			}
		}
	}
	return (0);
}

/* The RIB views a peer was seen in: "pre, post" (Adj-RIB-In). */
static const char *
view_sessions_kinds(unsigned int kinds, char *buf, size_t len)
{
	static const char *const names[] = {
		[RIB_PEER_ADJ_IN_PRE] = "pre",
		[RIB_PEER_ADJ_IN_POST] = "post",
		[RIB_PEER_ADJ_OUT_PRE] = "Adj-RIB-Out pre",
		[RIB_PEER_ADJ_OUT_POST] = "Adj-RIB-Out post",
		[RIB_PEER_LOC_RIB] = "Loc-RIB",
	};
	size_t	 k, used = 0;

	buf[0] = '\0';
	for (k = 0; k < nitems(names); k++) {
		if ((kinds & (1U << k)) == 0 || used >= len)
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    used > 0 ? ", " : "", names[k]);
	}
	if (buf[0] == '\0')
		strlcpy_pt(buf, "none yet", len);
	return (buf);
}

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

/* Does the filter name a branch the session's partner serves? */
static int
view_sessions_branch_match(struct tui *tui, const struct session *s)
{
	const struct model	*m = tui->model;
	size_t			 i;

	if (s->partner == NULL)
		return (0);
	for (i = 0; i < m->nbranches; i++)
		if (m->branches[i]->partner == s->partner &&
		    tui_match(tui, m->branches[i]->name))
			return (1);
	return (0);
}

/*
 * Sessions matching the filter (partner, router, name, neighbor, edge,
 * state, source, or a branch their partner serves).
 */
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
		if (tui_filter(tui) == NULL) {	/* all in: no text to make */
			list[n++] = s;
			continue;
		}
		addr_fmt(&s->neighbor, addr, sizeof addr);
		snprintf(text, sizeof text, "%s %s %s %s %s %s %s",
		    s->partner != NULL ? s->partner->name : "", s->router,
		    s->name, addr, s->edge, bgp_state_name(s->state),
		    view_sessions_source(s));
		if (tui_match(tui, text) || view_sessions_branch_match(tui, s))
			list[n++] = s;
	}
	tui_sort(tui, &view_sessions, list, n, sizeof *list);
	tui_select(tui, &view_sessions, list, n);
	*np = n;
	return (list);
}

/*
 * How bad a session is, worst 0: down (not Established, not stopped on
 * purpose), flapping, administratively down or not known, Established.
 */
static int
view_sessions_rank(const struct session *s)
{
	switch (s->state) {
	case BGP_ESTABLISHED:
		return (s->flapping ? 1 : 3);
	case BGP_ADMIN_DOWN:
	case BGP_UNKNOWN:
		return (s->flapping ? 1 : 2);
	default:
		return (0);
	}
}

/* Two sessions by column col: worst, most, newest or A first. */
static int
view_sessions_cmp(const void *va, const void *vb, int col)
{
	const struct session	*a = *(struct session *const *)va;
	const struct session	*b = *(struct session *const *)vb;
	int			 c = 0;

	switch (col) {
	case SS_ROUTER:
		c = strcmp(a->router, b->router);
		break;
	case SS_NEIGHBOR:
		c = addr_cmp(&a->neighbor, &b->neighbor);
		break;
	case SS_AS:
		c = (a->remote_as > b->remote_as) - (a->remote_as <
		    b->remote_as);
		break;
	case SS_STATE:
		c = view_sessions_rank(a) - view_sessions_rank(b);
		if (c == 0)
			c = strcmp(a->name, b->name);
		break;
	case SS_UPDOWN:
		/* The latest change first; never last. */
		c = (a->since_ms < b->since_ms) - (a->since_ms > b->since_ms);
		if (a->since_ms == 0 || b->since_ms == 0)
			c = (a->since_ms == 0) - (b->since_ms == 0);
		break;
	case SS_RCVD:
		c = (a->routes_imported < b->routes_imported) -
		    (a->routes_imported > b->routes_imported);
		break;
	case SS_SENT:
		c = (a->routes_exported < b->routes_exported) -
		    (a->routes_exported > b->routes_exported);
		break;
	case SS_FLAPS:
		c = (a->flaps < b->flaps) - (a->flaps > b->flaps);
		break;
	case SS_EDGE:
		if ((c = strcmp(a->edge, b->edge)) == 0)
			c = (int)a->role - (int)b->role;
		break;
	case SS_SRC:
		c = strcmp(view_sessions_source(a), view_sessions_source(b));
		break;
	case SS_ERROR:
		c = strcmp(a->last_error, b->last_error);
		break;
	case SS_SESSION:
	default:
		c = strcmp(a->name, b->name);
		break;
	}
	return (c);
}

/* A row's key: the session's name. */
static void
view_sessions_key(const void *list, size_t i, char *buf, size_t len)
{
	strlcpy_pt(buf, ((struct session *const *)list)[i]->name, len);
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

/*
 * Enter: a BMP session's page first (from the list), else the events
 * about the selected session.
 */
int
view_sessions_drill(struct tui *tui)
{
	struct session		**list;
	struct view_sessions_bmp  b;
	char			  name[NAME_MAX_PT];
	size_t			  n, cur = tui->cursor[tui_view_index(
				      &view_sessions)];

	list = view_sessions_list(tui, &n);
	if (cur >= n) {
		free(list);
		view_sessions_set_page(tui, 0);
		return (ACT_NONE);
	}
	if (!view_sessions_paged(tui) && view_sessions_bmp(list[cur], &b)) {
		free(list);
		view_sessions_set_page(tui, 1);
		return (ACT_REDRAW);
	}
	view_sessions_set_page(tui, 0);
	strlcpy_pt(name, list[cur]->name, sizeof name);
	free(list);
	tui_set_view(tui, &view_events);
	tui_set_filter(tui, name);
	return (ACT_REDRAW);
}

/*
 * A session whose collector lost it: what was last known and why, e.g.
 * "was Established; BMP from r2 closed"; "" otherwise.
 */
static void
view_sessions_was(const struct session *s, char *buf, size_t len)
{
	buf[0] = '\0';
	if (s->state != BGP_UNKNOWN || s->known == BGP_UNKNOWN)
		return;
	snprintf(buf, len, "was %s%s%s", bgp_state_name(s->known),
	    s->routes_lost ? "; " : "", s->routes_lost ? s->routes_why : "");
}

/* One session's row of the table. */
static void
view_sessions_row(struct tui *tui, const struct draw_col *cols,
    const struct session *s, int y, const int *widths, int selected)
{
	size_t		  i;
	char		  addr[ADDR_STRLEN], as[16], state[48], updown[16];
	char		  rcvd[16], sent[16], flaps[16], edge[32];
	char		  was[160];
	const char	 *cells[SS_NCOLS];
	enum color_role	  roles[SS_NCOLS];

	addr_fmt(&s->neighbor, addr, sizeof addr);
	/* The neighbor's AS as the router reports it (AS8075). */
	if (s->remote_as != 0)
		snprintf(as, sizeof as, "%u", s->remote_as);
	else
		snprintf(as, sizeof as, "-");
	snprintf(state, sizeof state, "%s %s",
	    draw_glyph(tui, draw_state_glyph(s->state)),
	    bgp_state_name(s->state));
	/* Unknown since the collector lost it, or never reported. */
	if (s->since_ms > 0)
		fmt_duration(updown, sizeof updown,
		    (tui_now(tui) - s->since_ms) / 1000);
	else
		snprintf(updown, sizeof updown, "never");
	view_sessions_was(s, was, sizeof was);
	if (s->state == BGP_ESTABLISHED && s->routes_unrecorded) {
		/* Replay of a time the history kept no counts for. */
		snprintf(rcvd, sizeof rcvd, "n/a");
		snprintf(sent, sizeof sent, "n/a");
	} else if (s->state == BGP_ESTABLISHED) {
		snprintf(rcvd, sizeof rcvd, "%u", s->routes_imported);
		snprintf(sent, sizeof sent, "%u", s->routes_exported);
	} else {
		snprintf(rcvd, sizeof rcvd, "-");
		snprintf(sent, sizeof sent, "-");
	}
	snprintf(flaps, sizeof flaps, "%u%s", s->flaps,
	    s->flapping ? "!" : "");
	/* "sea primary" when there is room, "sea pri" / "sea bkp" else. */
	if (widths[SS_EDGE] >= 11)
		snprintf(edge, sizeof edge, "%s %s", s->edge,
		    role_name(s->role));
	else
		snprintf(edge, sizeof edge, "%s %s", s->edge,
		    s->role == ROLE_PRIMARY ? "pri" : "bkp");

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
	cells[SS_ERROR] = was[0] != '\0' ? was : s->last_error;

	for (i = 0; i < SS_NCOLS; i++)
		roles[i] = CR_NORMAL;
	roles[SS_STATE] = draw_state_role(s->state);
	roles[SS_FLAPS] = s->flaps > 0 ? CR_WARN : CR_NORMAL;
	roles[SS_ERROR] = s->state == BGP_ESTABLISHED ? CR_NORMAL :
	    (was[0] != '\0' ? CR_STALE : CR_CRIT);

	draw_row(tui, y, cols, SS_NCOLS, widths, cells, roles, CR_NORMAL,
	    selected);
}

/*
 * ", BGP role provider/customer" (ours/theirs, RFC 9234) when its BMP
 * Peer Up OPENs carried one, with a mismatch or a malformed one said.
 */
static void
view_sessions_bgp_role(const struct session *s, char *buf, size_t len)
{
	buf[0] = '\0';
	if (s->role_sent == BGP_ROLE_NONE &&
	    s->role_received == BGP_ROLE_NONE && !s->role_error)
		return;
	snprintf(buf, len, ", BGP role %s/%s%s", bgp_role_name(s->role_sent),
	    bgp_role_name(s->role_received), s->role_error ? " (malformed)" :
	    bgp_role_agree(s->role_sent, s->role_received) == -1 ?
	    " (MISMATCH)" : "");
}

/*
 * The detail line: the selected session in words.  A session that is not
 * up says its error first, whole: the Last error column is cut at 80.
 */
static void
view_sessions_detail(struct tui *tui, const struct session *s, int y, int w)
{
	char	 addr[ADDR_STRLEN], detail[720], pfx[96], was[160];
	char	 err[ERR_MAX + 32], brole[80];
	int	 first;

	addr_fmt(&s->neighbor, addr, sizeof addr);
	view_sessions_prefixes(tui, s, pfx, sizeof pfx);
	view_sessions_was(s, was, sizeof was);
	first = s->state != BGP_ESTABLISHED && s->last_error[0] != '\0';
	err[0] = '\0';
	if (first)
		snprintf(err, sizeof err, "%s, last error: %s; ",
		    bgp_state_name(s->state), s->last_error);
	view_sessions_bgp_role(s, brole, sizeof brole);
	snprintf(detail, sizeof detail,
	    "%s: %s%s%sneighbor %s, partner %s, edge %s %s, %u flap%s%s%s, "
	    "from %s%s%s%s%s%s",
	    s->name, err, was, was[0] != '\0' ? ", " : "", addr,
	    s->partner != NULL ? s->partner->name : "-",
	    s->edge, role_name(s->role), s->flaps,
	    s->flaps == 1 ? "" : "s", s->flapping ? " (FLAPPING)" : "", brole,
	    view_sessions_source(s), s->proto[0] != '\0' ? " " : "",
	    s->proto, pfx,
	    s->last_error[0] != '\0' && !first ? ", last error: " : "",
	    first ? "" : s->last_error);
	draw_text(tui, y, 0, w, draw_state_role(s->state), detail);
}

static void
view_sessions_draw(struct tui *tui, int y, int h, int w)
{
	struct session		**list;
	struct view_sessions_bmp  b;
	struct draw_col		  cols[SS_NCOLS];
	char			  addr[ADDR_STRLEN];
	size_t			  n, i, idx;
	int			  widths[SS_NCOLS], rows, row;

	if (h < 3)
		return;
	idx = (size_t)tui_view_index(&view_sessions);
	list = view_sessions_list(tui, &n);
	rows = h - 2;
	draw_scroll(&tui->cursor[idx], &tui->scroll[idx], n, rows);
	/* The page needs a BMP session (the stream may have gone). */
	if (view_sessions_paged(tui)) {
		if (tui->cursor[idx] < n &&
		    view_sessions_bmp(list[tui->cursor[idx]], &b)) {
			view_sessions_page(tui, list[tui->cursor[idx]], &b, y,
			    h, w);
			free(list);
			return;
		}
		view_sessions_set_page(tui, 0);
	}
	/* The Neighbor column as wide as its widest address. */
	memcpy(cols, sessions_cols, sizeof cols);
	for (i = 0; i < n; i++) {
		addr_fmt(&list[i]->neighbor, addr, sizeof addr);
		draw_fit(tui, &cols[SS_NEIGHBOR], addr);
	}
	draw_layout(cols, SS_NCOLS, w, widths);
	tui_draw_header(tui, &view_sessions, y, cols, widths);

	for (row = 0; row < rows; row++) {
		i = tui->scroll[idx] + (size_t)row;
		if (i >= n)
			draw_empty_row(tui, y + 1 + row, w, row, n,
			    "no session matches the filter",
			    "no sessions configured");
		else
			view_sessions_row(tui, cols, list[i], y + 1 + row,
			    widths, i == tui->cursor[idx]);
	}
	if (tui->cursor[idx] < n)
		view_sessions_detail(tui, list[tui->cursor[idx]], y + h - 1,
		    w);
	else
		draw_text(tui, y + h - 1, 0, w, CR_NORMAL, "");
	free(list);
}

/* One "Label   value" line of the page; returns the next row. */
static int
view_sessions_field(struct tui *tui, int y, int row, int h, int w,
    const char *label, enum color_role role, const char *value)
{
	return (draw_field(tui, y, row, h, w, 15, label, role, value));
}

/*
 * A session page's rows about the BMP router from row on (of body rows
 * below y); returns the next row.
 */
static int
view_sessions_router(struct tui *tui, const struct bmp_router_info *ri,
    int y, int row, int body, int w)
{
	char	 line[512], when[32], sync[128];

	/* The router, as its Initiation named it (RFC 7854 4.3). */
	row = view_sessions_field(tui, y, row, body, w, "Router sysName",
	    ri->name[0] != '\0' ? CR_NORMAL : CR_STALE,
	    ri->name[0] != '\0' ? ri->name : "-");
	row = view_sessions_field(tui, y, row, body, w, "sysDescr",
	    ri->descr[0] != '\0' ? CR_NORMAL : CR_STALE,
	    ri->descr[0] != '\0' ? ri->descr : "-");
	if (ri->connected_ms != 0)
		fmt_time(when, sizeof when, ri->connected_ms, FMT_TIME_FULL);
	else
		strlcpy_pt(when, "-", sizeof when);
	snprintf(line, sizeof line, "%s port %u, connected %s", ri->addr,
	    ri->port, when);
	row = view_sessions_field(tui, y, row, body, w, "Router address",
	    CR_NORMAL, line);
	snprintf(line, sizeof line, "%llu (%llu route monitoring, %llu "
	    "statistics, %llu peer up, %llu peer down)",
	    (unsigned long long)ri->messages,
	    (unsigned long long)ri->route_monitoring,
	    (unsigned long long)ri->statistics,
	    (unsigned long long)ri->peer_up,
	    (unsigned long long)ri->peer_down);
	row = view_sessions_field(tui, y, row, body, w, "Messages", CR_NORMAL,
	    line);
	view_sessions_sync(ri, sync, sizeof sync);
	snprintf(line, sizeof line, "%zu/%zu up, %zu routes, %s",
	    ri->peers_up, ri->peers, ri->routes, sync);
	row = view_sessions_field(tui, y, row, body, w, "Router peers",
	    ri->terminated ? CR_WARN : CR_NORMAL, line);
	snprintf(line, sizeof line, "%llu%s%s", (unsigned long long)ri->errors,
	    ri->last_error[0] != '\0' ? ", last: " : "", ri->last_error);
	row = view_sessions_field(tui, y, row, body, w, "Router errors",
	    ri->errors > 0 ? CR_CRIT : CR_NORMAL, line);
	return (row);
}

/*
 * Where the router's first tables stand, in words.  A peer's table is
 * complete at its End-of-RIB (RFC 4724 2, sent in Route Monitoring, RFC
 * 7854 4.6), or once its initial dump is over (quiet, or up long enough:
 * some routers never send End-of-RIB for some peers), so "syncing" lasts
 * seconds; a missing End-of-RIB is said as such, with how long.
 */
static void
view_sessions_sync(const struct bmp_router_info *ri, char *buf, size_t len)
{
	char	 age[16];

	fmt_duration(age, sizeof age, ri->noeor_ms / 1000);
	if (ri->terminated)
		snprintf(buf, len, "terminated: %s", ri->term_reason);
	else if (ri->peers_up == 0)
		snprintf(buf, len, "no peer up");
	else if (ri->synced || ri->noeor == 0)
		snprintf(buf, len, "synced (End-of-RIB)");
	else if (!ri->loaded)
		snprintf(buf, len, "syncing (%s)", age);
	else
		snprintf(buf, len, "no End-of-RIB yet from %zu peer%s (%s), "
		    "tables taken as loaded", ri->noeor,
		    ri->noeor == 1 ? "" : "s", age);
}

/* A session page's Statistics Report counters, from row on. */
static void
view_sessions_stats(struct tui *tui, const struct view_sessions_bmp *b,
    int y, int row, int body, int w)
{
	const struct bmp_peer_info	*pi = &b->pi;
	char				 line[512];
	size_t				 k, nstats = 0;
	unsigned int			 type;
	uint64_t			 value;
	const char			*sname;

	/* Its Statistics Report counters (RFC 7854 4.8), last values. */
	while (collect_bmp_peer_stat(b->c, b->i, b->j, nstats, &type, &sname,
	    &value))
		nstats++;
	if (row < body) {
		snprintf(line, sizeof line, "Statistics Report counters "
		    "(%llu report%s)", (unsigned long long)pi->stat_reports,
		    pi->stat_reports == 1 ? "" : "s");
		draw_text(tui, y + row++, 0, w, CR_HEADER, line);
	}
	if (nstats == 0 && row < body)
		draw_text(tui, y + row++, 0, w, CR_STALE,
		    "  none received (the router sends none, or not yet)");
	for (k = 0; k < nstats && row < body; k++) {
		if (row + 1 == body && k + 1 < nstats) {
			snprintf(line, sizeof line, "  %s %zu more (--once "
			    "lists them all)", draw_glyph(tui, GL_ELLIPSIS),
			    nstats - k);
			draw_text(tui, y + row++, 0, w, CR_DIM, line);
			break;
		}
		if (!collect_bmp_peer_stat(b->c, b->i, b->j, k, &type, &sname,
		    &value))
			break;
		snprintf(line, sizeof line, "%12llu  %s (type %u)",
		    (unsigned long long)value, sname,
		    type);
		draw_text(tui, y + row++, 0, w, CR_NORMAL, line);
	}
}

/*
 * The page of a session a BMP stream reports: the session, its router
 * (what it said in its Initiation, its message counts and errors), the
 * monitored peer, then the peer's Statistics Report counters by name,
 * one a line, as many as fit.  The last row says how to get on.  At
 * 80x24 the whole of it fits with seven counters (FRR sends seven).
 */
static void
view_sessions_page(struct tui *tui, const struct session *s,
    const struct view_sessions_bmp *b, int y, int h, int w)
{
	const struct bmp_peer_info	*pi = &b->pi;
	char				 line[512], addr[ADDR_STRLEN];
	char				 age[16], kinds[96];
	int				 row = 0, body = h - 1;

	draw_fill(tui, y, h, w, CR_NORMAL);
	addr_fmt(&s->neighbor, addr, sizeof addr);
	snprintf(line, sizeof line, "Session %s: neighbor %s, from BMP",
	    s->name, addr);
	draw_text(tui, y + row++, 0, w, CR_HEADER, line);

	if (s->since_ms > 0)
		fmt_duration(age, sizeof age,
		    (tui_now(tui) - s->since_ms) / 1000);
	else
		strlcpy_pt(age, "never", sizeof age);
	snprintf(line, sizeof line, "%s %s for %s%s%s",
	    draw_glyph(tui, draw_state_glyph(s->state)),
	    bgp_state_name(s->state), age, s->last_error[0] != '\0' ?
	    ", last error: " : "", s->last_error);
	row = view_sessions_field(tui, y, row, body, w, "State",
	    draw_state_role(s->state), line);

	row = view_sessions_router(tui, &b->ri, y, row, body, w);

	/* The monitored peer (RFC 7854 4.2). */
	snprintf(line, sizeof line, "%s AS%u, %s, %s; %s",
	    pi->addr[0] != '\0' ? pi->addr : "Loc-RIB", pi->asn,
	    pi->up ? "up" : "down", pi->type_name,
	    view_sessions_kinds(pi->kinds, kinds, sizeof kinds));
	row = view_sessions_field(tui, y, row, body, w, "BMP peer",
	    pi->up ? CR_OK : CR_CRIT, line);
	/* RFC 4724 2: End-of-RIB marks the end of the first table. */
	fmt_duration(age, sizeof age, pi->up_ms / 1000);
	snprintf(line, sizeof line, "%zu routes, %llu updates, %llu errors, "
	    "End-of-RIB %s%s%s%s", pi->routes,
	    (unsigned long long)pi->updates, (unsigned long long)pi->errors,
	    pi->eor ? "yes" : !pi->up ? "-" : pi->table ? "none yet (" :
	    "not yet, loading (", pi->eor || !pi->up ? "" : age,
	    pi->eor || !pi->up ? "" : ")", pi->eor || !pi->up ||
	    !pi->table ? "" : ", table taken as loaded");
	row = view_sessions_field(tui, y, row, body, w, "Peer routes",
	    pi->errors > 0 ? CR_WARN : CR_NORMAL, line);
	if (pi->last_error[0] != '\0')
		row = view_sessions_field(tui, y, row, body, w,
		    "Peer down", CR_WARN, pi->last_error);
	/* Only when it matters: a peer under its limit loses no row. */
	if (pi->max_prefix_over || pi->dropped != 0) {
		snprintf(line, sizeof line, "%u (%s): %s, %llu prefixes "
		    "dropped%s", pi->max_prefix, pi->max_prefix_drop ?
		    "drop" : "warning", pi->max_prefix_over ? "exceeded" :
		    "under it again", (unsigned long long)pi->dropped,
		    pi->max_prefix_over && pi->max_prefix_drop ?
		    ", new prefixes not stored" : "");
		row = view_sessions_field(tui, y, row, body, w, "Max-prefix",
		    !pi->max_prefix_over ? CR_NORMAL : pi->max_prefix_drop ?
		    CR_CRIT : CR_WARN, line);
	}

	view_sessions_stats(tui, b, y, row, body, w);

	draw_text(tui, y + h - 1, 0, w, CR_DIM,
	    "Enter: its events   Esc: back to the list   j/k: next/previous");
}
