/* SPDX-License-Identifier: ISC */
/*
 * The Prefixes view: one row per registered prefix of every branch, worst
 * first, with what the route monitor (core/routemon.c) found for it: how
 * many of the partner's primary and backup sessions carry it, the origin
 * and AS path of the best route, and its validation state as short words
 * (OK, or hijack, no-backup, no-8007 ...) so that a NOC engineer reads
 * the problem without opening anything; any column re-sorts it (, . F6
 * I), and the Prefix column is as wide as the widest prefix, never cut.
 * The selected prefix's worst problem goes on a detail line at the
 * bottom.
 *
 * Enter opens a page with every field of the selected prefix: each
 * problem in words, since when, the best route and which session and edge
 * carry it, the branch's routed and nearest edge, and each of the
 * partner's sessions with whether it carries the prefix; with VRPs (an
 * rpki collector), the RPKI state of the registered origin and the VRPs
 * covering the prefix, with AS, maxLength and expiry.  j/k step
 * through the prefixes there; Enter or Esc goes back to the list.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/tui.h"
#include "core/routemon.h"
#include "core/vrp.h"

enum {
	PX_BRANCH, PX_PREFIX, PX_ORIGIN, PX_PRI, PX_BKP, PX_STATE, PX_SINCE,
	PX_BEST, PX_PATH, PX_NCOLS
};

/*
 * At 80 columns Since, the registered origin (configuration, not news)
 * and the best route's origin (the last AS of the path, and State says
 * hijack) go, so that the names stay whole: a branch, a whole IPv4
 * prefix, two words of State ("! no-backup,no-8007") and a two-AS path;
 * wider terminals give the AS path the most.
 */
static const struct draw_col prefixes_cols[PX_NCOLS] = {
	[PX_BRANCH] =	{ "Branch", 12, 16, 0, DC_NAME },
	[PX_PREFIX] =	{ "Prefix", 9, 9, 0, DC_ADDR },	/* as wide as needed */
	[PX_ORIGIN] =	{ "Origin", 6, 10, 3, DC_RIGHT },
	[PX_PRI] =	{ "Pri", 4, 5, 0, DC_RIGHT | DC_DESC },
	[PX_BKP] =	{ "Bkp", 4, 5, 0, DC_RIGHT | DC_DESC },
	[PX_STATE] =	{ "State", 19, 34, 0, DC_DESC },
	[PX_SINCE] =	{ "Since", 6, 7, 4, DC_RIGHT },
	[PX_BEST] =	{ "SeenAS", 6, 10, 2, DC_RIGHT },
	[PX_PATH] =	{ "AS path", 16, 60, 1, 0 },
};

/*
 * How bad a row is: its rank, colour and marker.  A problem's severity is
 * the level of the event the route monitor raises for it
 * (routemon_flags_level()), so the view and the Events agree.
 */
enum pfx_sev {
	SEV_CRIT = 0, SEV_ERROR, SEV_WARN,
	SEV_UNKNOWN,		/* some session's routes are unknown */
	SEV_UNSEEN, SEV_OK
};

/* Worst first: the order the words are written in. */
static const struct view_prefixes_flag {
	unsigned	 flag;
	const char	*word;		/* short, for the table */
	const char	*text;		/* in words, for the detail page */
} view_prefixes_flags[] = {
	{ PFX_ORIGIN, "hijack", "announced from another origin AS" },
	{ PFX_SUBHIJACK, "sub-hijack",
	    "a more-specific comes from another origin AS" },
	{ PFX_INVISIBLE, "invisible", "no configured session carries it" },
	{ PFX_RPKI_INVALID, "rpki-inv", "a route for it or a more-specific "
	    "is RPKI invalid" },
	{ PFX_LEAK, "leak", "the AS path leaks (leaves and re-enters, or a "
	    "bad AS)" },
	{ PFX_ASPA, "aspa", "ASPA verification finds the AS path invalid" },
	{ PFX_OTC, "otc", "the route breaks an RFC 9234 OTC rule for the "
	    "session's relation" },
	{ PFX_UPSTREAM, "upstream", "the first hop is not an allowed upstream" },
	{ PFX_RPKI_NOTFOUND, "no-roa", "no ROA covers it (RPKI not-found)" },
	{ PFX_ROA_EXPIRING, "roa-exp", "its ROAs expire soon" },
	{ PFX_NOPRIMARY, "no-primary", "not announced on every primary "
	    "session" },
	{ PFX_NOBACKUP, "no-backup", "not announced on every backup session" },
	{ PFX_MORESPEC, "more-spec", "a more-specific comes from the "
	    "registered origin" },
	{ PFX_NO8007, "no-8007", "community 8075:8007 is missing" },
	{ PFX_LONGPATH, "path>3", "the AS path is longer than 3 ASes" },
	{ PFX_PRIVATE, "private-AS", "a private ASN is in the AS path" },
	{ PFX_PREPEND, "prepend", "the AS path is prepended" },
};

/* One row: a registered prefix and its branch. */
struct view_prefixes_row {
	struct branch		*b;
	struct branch_prefix	*p;
	size_t			 bi, pi;	/* config order, the last key */
	enum pfx_sev		 sev;
	int			 nflags;
};

/* The view's own state (tui_view_data()). */
struct view_prefixes_state {
	int	 page;		/* the selected prefix's page is open */
};

static void	*view_prefixes_init(struct tui *);
static struct view_prefixes_state *view_prefixes_state(struct tui *);
static void	 view_prefixes_enter(struct tui *);
static int	 view_prefixes_back(struct tui *);
static void	 view_prefixes_draw(struct tui *, int, int, int);
static size_t	 view_prefixes_rows(struct tui *);
static struct view_prefixes_row *view_prefixes_list(struct tui *, size_t *);
static void	 view_prefixes_key(const void *, size_t, char *, size_t);
static int	 view_prefixes_cmp(const void *, const void *, int);
static int	 view_prefixes_cmp_count(unsigned, unsigned, unsigned,
		    unsigned);
static enum pfx_sev view_prefixes_sev(const struct branch_prefix *, int *);
static enum pfx_sev view_prefixes_flag_sev(unsigned);
static enum color_role view_prefixes_role(enum pfx_sev);
static enum glyph view_prefixes_glyph(enum pfx_sev);
static void	 view_prefixes_words(const struct branch_prefix *, char *,
		    size_t);
static void	 view_prefixes_count(char *, size_t, unsigned, unsigned,
		    unsigned, int);
static enum color_role view_prefixes_count_role(unsigned, unsigned,
		    unsigned, int, enum pfx_sev);
static const char *view_prefixes_problem(const struct branch_prefix *,
		    const char *);
static void	 view_prefixes_cat(char *, const char *, size_t);
static void	 view_prefixes_table(struct tui *, struct view_prefixes_row *,
		    size_t, int, int, int);
static void	 view_prefixes_table_row(struct tui *, const struct draw_col *,
		    struct view_prefixes_row *, int, const int *, int);
static void	 view_prefixes_detail(struct tui *, struct view_prefixes_row *,
		    int, int);
static void	 view_prefixes_page(struct tui *, struct view_prefixes_row *,
		    int, int, int);
static int	 view_prefixes_page_state(struct tui *,
		    struct view_prefixes_row *, const char *, int, int, int,
		    int);
static int	 view_prefixes_page_route(struct tui *,
		    struct view_prefixes_row *, int, int, int, int);
static int	 view_prefixes_page_rpki(struct tui *,
		    const struct branch_prefix *, int, int, int, int);
static int	 view_prefixes_page_edge(struct tui *, struct branch *, int,
		    int, int, int);
static void	 view_prefixes_page_sessions(struct tui *,
		    struct branch_prefix *, struct partner *, int, int, int,
		    int);
static int	 view_prefixes_field(struct tui *, int, int, int, int,
		    const char *, enum color_role, const char *);

const struct view view_prefixes = {
	.name = "prefixes",
	.title = "Prefixes",
	.keys = &keys_prefixes,
	.init = view_prefixes_init,
	.enter = view_prefixes_enter,
	.draw = view_prefixes_draw,
	.rows = view_prefixes_rows,
	.key = view_prefixes_key,
	.back = view_prefixes_back,
	.cols = prefixes_cols,
	.ncols = PX_NCOLS,
	.sort_default = PX_STATE,
	.cmp = view_prefixes_cmp,
};

static void *
view_prefixes_init(struct tui *tui)
{
	return (xcalloc(1, sizeof (struct view_prefixes_state)));
}

static struct view_prefixes_state *
view_prefixes_state(struct tui *tui)
{
	return (tui_view_data(tui, &view_prefixes));
}

int
view_prefixes_paged(struct tui *tui)
{
	return (view_prefixes_state(tui)->page);
}

/* Coming back to the view shows the list, not an old detail page. */
static void
view_prefixes_enter(struct tui *tui)
{
	view_prefixes_state(tui)->page = 0;
}

/* Esc, or /: the page closes first. */
static int
view_prefixes_back(struct tui *tui)
{
	struct view_prefixes_state	*vs = view_prefixes_state(tui);

	if (!vs->page)
		return (0);
	vs->page = 0;
	return (1);
}

/* One problem's severity, from its event's level. */
static enum pfx_sev
view_prefixes_flag_sev(unsigned flag)
{
	switch (routemon_flags_level(flag)) {
	case LVL_CRITICAL:
		return (SEV_CRIT);
	case LVL_ERROR:
		return (SEV_ERROR);
	default:
		return (SEV_WARN);	/* any flag is a problem */
	}
}

/* The worst problem's severity and the number of problems. */
static enum pfx_sev
view_prefixes_sev(const struct branch_prefix *p, int *nflags)
{
	enum pfx_sev	 sev = SEV_OK;
	size_t		 i;

	*nflags = 0;
	if (!p->seen)
		return (SEV_UNSEEN);
	for (i = 0; i < nitems(view_prefixes_flags); i++) {
		if ((p->flags & view_prefixes_flags[i].flag) == 0)
			continue;
		(*nflags)++;
		if (view_prefixes_flag_sev(view_prefixes_flags[i].flag) < sev)
			sev = view_prefixes_flag_sev(view_prefixes_flags[i].flag);
	}
	/* Nothing wrong known, part of it unknown: not OK. */
	if (sev == SEV_OK && p->nunknown > 0)
		sev = SEV_UNKNOWN;
	return (sev);
}

static enum color_role
view_prefixes_role(enum pfx_sev sev)
{
	switch (sev) {
	case SEV_CRIT:
	case SEV_ERROR:
		return (CR_CRIT);
	case SEV_WARN:
		return (CR_WARN);
	case SEV_UNKNOWN:
	case SEV_UNSEEN:
		return (CR_STALE);
	default:
		return (CR_OK);
	}
}

/* A marker beside the word, so the state never rests on colour alone. */
static enum glyph
view_prefixes_glyph(enum pfx_sev sev)
{
	switch (sev) {
	case SEV_CRIT:
	case SEV_ERROR:
		return (GL_DOWN);
	case SEV_WARN:
		return (GL_WARN);
	case SEV_UNKNOWN:
	case SEV_UNSEEN:
		return (GL_UNKNOWN);
	default:
		return (GL_UP);
	}
}

/* "hijack,no-8007", "OK", "no data" or "unknown: src down", worst first
 * (the real problems, then what is unknown: 17 columns, whole at 80). */
static void
view_prefixes_words(const struct branch_prefix *p, char *buf, size_t len)
{
	size_t	 i;

	buf[0] = '\0';
	if (!p->seen) {
		strlcpy_pt(buf, "no data", len);
		return;
	}
	for (i = 0; i < nitems(view_prefixes_flags); i++) {
		if ((p->flags & view_prefixes_flags[i].flag) == 0)
			continue;
		if (buf[0] != '\0')
			view_prefixes_cat(buf, ",", len);
		view_prefixes_cat(buf, view_prefixes_flags[i].word, len);
	}
	/* Some session's routes went with their source (routes_lost). */
	if (p->nunknown > 0)
		view_prefixes_cat(buf, buf[0] != '\0' ? ",unknown" :
		    "unknown: src down", len);
	/* A flag this table does not know yet still shows as a problem. */
	if (buf[0] == '\0' && p->flags != 0)
		snprintf(buf, len, "flags 0x%x", p->flags);
	if (buf[0] == '\0')
		strlcpy_pt(buf, "OK", len);
}

/*
 * "2/2", or "-" when unknown or nothing configured.  Sessions whose
 * routes are unknown are not missing: "2/4?" (2 of 4 known to carry it,
 * the others unknown), "?/4" (all of them unknown).
 */
static void
view_prefixes_count(char *buf, size_t len, unsigned n, unsigned total,
    unsigned unknown, int seen)
{
	if (!seen || total == 0)
		snprintf(buf, len, "-");
	else if (unknown > 0 && n == 0 && unknown >= total)
		snprintf(buf, len, "?/%u", total);
	else
		snprintf(buf, len, "%u/%u%s", n, total, unknown > 0 ? "?" : "");
}

static enum color_role
view_prefixes_count_role(unsigned n, unsigned total, unsigned unknown,
    int primary, enum pfx_sev sev)
{
	if (sev == SEV_UNSEEN || total == 0)
		return (CR_STALE);
	if (n >= total)
		return (CR_OK);
	if (unknown > 0)
		return (CR_STALE);
	if (n == 0 && primary)
		return (CR_CRIT);
	return (CR_WARN);
}

/*
 * The problem without the prefix it starts with (the detail line and the
 * page name the prefix already): "routes unknown since ...", or " on s1:
 * ..." (a leading space: it reads on from the prefix).
 */
static const char *
view_prefixes_problem(const struct branch_prefix *p, const char *pfx)
{
	size_t	 n = strlen(pfx);

	if (strncmp(p->problem, pfx, n) != 0)
		return (p->problem);
	if (p->problem[n] == ':' && p->problem[n + 1] == ' ')
		return (p->problem + n + 2);
	if (p->problem[n] == ' ')
		return (p->problem + n);
	return (p->problem);
}

/* Append s to buf (len bytes in all), truncating, as strlcat(3). */
static void
view_prefixes_cat(char *buf, const char *s, size_t len)
{
	size_t	 used = strlen(buf);

	if (used + 1 < len)
		strlcpy_pt(buf + used, s, len - used);
}

/* Is the session name one of the words of p->carried? */
int
view_prefixes_carries(const struct branch_prefix *p, const char *name)
{
	const char	*s = p->carried, *e;
	size_t		 n = strlen(name);

	if (n == 0)
		return (0);
	while (*s != '\0') {
		while (*s == ' ' || *s == ',')
			s++;
		e = s;
		while (*e != '\0' && *e != ' ' && *e != ',')
			e++;
		if ((size_t)(e - s) == n && strncmp(s, name, n) == 0)
			return (1);
		s = e;
	}
	return (0);
}

/* Fewer of its sessions carrying it first (n of total). */
static int
view_prefixes_cmp_count(unsigned na, unsigned ta, unsigned nb, unsigned tb)
{
	unsigned long	 a = (unsigned long)na * (tb > 0 ? tb : 1);
	unsigned long	 b = (unsigned long)nb * (ta > 0 ? ta : 1);

	return ((a > b) - (a < b));
}

/*
 * Two rows by column col.  State (the default): worst severity, then
 * more problems, then branch and config order.  Sessions carrying it:
 * fewest first; the time since: newest first; the rest A or low first.
 */
static int
view_prefixes_cmp(const void *a, const void *b, int col)
{
	const struct view_prefixes_row	*ra = a, *rb = b;
	const struct branch_prefix	*pa = ra->p, *pb = rb->p;
	int				 c;

	switch (col) {
	case PX_BRANCH:
		return (strcmp(ra->b->name, rb->b->name));
	case PX_PREFIX:
		if ((c = addr_cmp(&pa->prefix.addr, &pb->prefix.addr)) != 0)
			return (c);
		return ((int)pa->prefix.len - (int)pb->prefix.len);
	case PX_ORIGIN:
		return ((pa->origin > pb->origin) - (pa->origin < pb->origin));
	case PX_PRI:
		return (view_prefixes_cmp_count(pa->nprimary,
		    pa->nprimary_total, pb->nprimary, pb->nprimary_total));
	case PX_BKP:
		return (view_prefixes_cmp_count(pa->nbackup,
		    pa->nbackup_total, pb->nbackup, pb->nbackup_total));
	case PX_SINCE:
		return ((pa->since_ms < pb->since_ms) -
		    (pa->since_ms > pb->since_ms));
	case PX_BEST:
		return ((pa->best_origin > pb->best_origin) -
		    (pa->best_origin < pb->best_origin));
	case PX_PATH:
		return (strcmp(pa->best_path, pb->best_path));
	default:
		break;
	}
	if (ra->sev != rb->sev)
		return ((int)ra->sev - (int)rb->sev);
	if (ra->nflags != rb->nflags)
		return (rb->nflags - ra->nflags);
	if ((c = strcmp(ra->b->name, rb->b->name)) != 0)
		return (c);
	if (ra->bi != rb->bi)
		return (ra->bi < rb->bi ? -1 : 1);
	return (ra->pi < rb->pi ? -1 : ra->pi > rb->pi);
}

/* Rows matching the filter, sorted; caller frees. */
static struct view_prefixes_row *
view_prefixes_list(struct tui *tui, size_t *np)
{
	struct model			*m = tui->model;
	struct view_prefixes_row	*list, *r;
	struct branch			*b;
	struct branch_prefix		*p;
	char				 text[1024], pfx[PREFIX_STRLEN];
	char				 words[192];
	size_t				 i, j, total = 0, n = 0;

	for (i = 0; i < m->nbranches; i++)
		total += m->branches[i]->nprefixes;
	list = xcalloc(total + 1, sizeof *list);
	for (i = 0; i < m->nbranches; i++) {
		b = m->branches[i];
		for (j = 0; j < b->nprefixes; j++) {
			p = &b->prefixes[j];
			prefix_fmt(&p->prefix, pfx, sizeof pfx);
			view_prefixes_words(p, words, sizeof words);
			snprintf(text, sizeof text, "%s %s AS%u %s %s %s %s "
			    "%s", b->name, pfx, p->origin, words,
			    b->partner != NULL ? b->partner->name :
			    b->partner_name, p->best_path, p->carried,
			    p->problem);
			if (!tui_match(tui, text))
				continue;
			r = &list[n++];
			r->b = b;
			r->p = p;
			r->bi = i;
			r->pi = j;
			r->sev = view_prefixes_sev(p, &r->nflags);
		}
	}
	tui_sort(tui, &view_prefixes, list, n, sizeof *list);
	tui_select(tui, &view_prefixes, list, n);
	*np = n;
	return (list);
}

/* A row's key: the branch and the prefix. */
static void
view_prefixes_key(const void *list, size_t i, char *buf, size_t len)
{
	const struct view_prefixes_row	*r;
	char				 pfx[PREFIX_STRLEN];

	r = &((const struct view_prefixes_row *)list)[i];
	prefix_fmt(&r->p->prefix, pfx, sizeof pfx);
	snprintf(buf, len, "%s %s", r->b->name, pfx);
}

static size_t
view_prefixes_rows(struct tui *tui)
{
	struct view_prefixes_row	*list;
	size_t				 n;

	list = view_prefixes_list(tui, &n);
	free(list);
	return (n);
}

/* Enter: open the selected prefix's page, or close it. */
int
view_prefixes_drill(struct tui *tui)
{
	if (view_prefixes_back(tui))
		return (ACT_REDRAW);
	if (view_prefixes_rows(tui) == 0)
		return (ACT_NONE);
	view_prefixes_state(tui)->page = 1;
	return (ACT_REDRAW);
}

static void
view_prefixes_draw(struct tui *tui, int y, int h, int w)
{
	struct view_prefixes_state	*vs = view_prefixes_state(tui);
	struct view_prefixes_row	*list;
	size_t				 n;
	size_t				 idx = (size_t)tui_view_index(
					     &view_prefixes);

	if (h < 3)
		return;
	list = view_prefixes_list(tui, &n);
	/* The page needs a row; a filter may have emptied the list. */
	if (vs->page && n == 0)
		vs->page = 0;
	if (vs->page) {
		draw_scroll(&tui->cursor[idx], &tui->scroll[idx], n, h - 2);
		view_prefixes_page(tui, &list[tui->cursor[idx]], y, h, w);
	} else
		view_prefixes_table(tui, list, n, y, h, w);
	free(list);
}

static void
view_prefixes_table(struct tui *tui, struct view_prefixes_row *list,
    size_t n, int y, int h, int w)
{
	struct draw_col		 cols[PX_NCOLS];
	char			 pfx[PREFIX_STRLEN];
	size_t			 i, idx = (size_t)tui_view_index(
				     &view_prefixes);
	int			 widths[PX_NCOLS], rows, row;

	/* The Prefix column as wide as the widest prefix: never cut. */
	memcpy(cols, prefixes_cols, sizeof cols);
	cols[PX_PREFIX].max = (int)strlen(cols[PX_PREFIX].title);
	for (i = 0; i < n; i++) {
		prefix_fmt(&list[i].p->prefix, pfx, sizeof pfx);
		draw_fit(tui, &cols[PX_PREFIX], pfx);
	}
	draw_layout(cols, PX_NCOLS, w, widths);
	tui_draw_header(tui, &view_prefixes, y, cols, widths);
	rows = h - 2;			/* header and detail line */
	draw_scroll(&tui->cursor[idx], &tui->scroll[idx], n, rows);

	for (row = 0; row < rows; row++) {
		i = tui->scroll[idx] + (size_t)row;
		if (i >= n) {
			draw_empty_row(tui, y + 1 + row, w, row, n,
			    "no prefix matches the filter",
			    "no registered prefixes (add \"prefix P origin "
			    "AS\" to a branch)");
			continue;
		}
		view_prefixes_table_row(tui, cols, &list[i], y + 1 + row,
		    widths, i == tui->cursor[idx]);
	}

	view_prefixes_detail(tui, tui->cursor[idx] < n ?
	    &list[tui->cursor[idx]] : NULL, y + h - 1, w);
}

/* One row of the table at line y: its cells, each in the colour it earns. */
static void
view_prefixes_table_row(struct tui *tui, const struct draw_col *cols,
    struct view_prefixes_row *r, int y, const int *widths, int selected)
{
	struct branch_prefix	*p = r->p;
	size_t			 i;
	char			 pfx[PREFIX_STRLEN], origin[16], pri[16];
	char			 bkp[16], best[16], state[224], since[16];
	char			 words[192];
	const char		*cells[PX_NCOLS];
	enum color_role		 roles[PX_NCOLS];

	prefix_fmt(&p->prefix, pfx, sizeof pfx);
	snprintf(origin, sizeof origin, "%u", p->origin);
	view_prefixes_count(pri, sizeof pri, p->nprimary, p->nprimary_total,
	    p->nprimary_unknown, p->seen);
	view_prefixes_count(bkp, sizeof bkp, p->nbackup, p->nbackup_total,
	    p->nbackup_unknown, p->seen);
	if (p->seen && p->best_origin != 0)
		snprintf(best, sizeof best, "%u", p->best_origin);
	else
		snprintf(best, sizeof best, "-");
	view_prefixes_words(p, words, sizeof words);
	snprintf(state, sizeof state, "%s %s",
	    draw_glyph(tui, view_prefixes_glyph(r->sev)), words);
	if (p->seen && p->since_ms > 0)
		fmt_duration(since, sizeof since,
		    (tui_now(tui) - p->since_ms) / 1000);
	else
		snprintf(since, sizeof since, "-");

	cells[PX_BRANCH] = r->b->name;
	cells[PX_PREFIX] = pfx;
	cells[PX_ORIGIN] = origin;
	cells[PX_PRI] = pri;
	cells[PX_BKP] = bkp;
	cells[PX_STATE] = state;
	cells[PX_SINCE] = since;
	cells[PX_BEST] = best;
	cells[PX_PATH] = p->seen && p->best_path[0] != '\0' ?
	    p->best_path : "-";

	for (i = 0; i < PX_NCOLS; i++)
		roles[i] = CR_NORMAL;
	roles[PX_PRI] = view_prefixes_count_role(p->nprimary,
	    p->nprimary_total, p->nprimary_unknown, 1, r->sev);
	roles[PX_BKP] = view_prefixes_count_role(p->nbackup,
	    p->nbackup_total, p->nbackup_unknown, 0, r->sev);
	roles[PX_STATE] = view_prefixes_role(r->sev);
	if (p->seen && p->best_origin != 0 && p->best_origin != p->origin)
		roles[PX_BEST] = CR_CRIT;
	if (!p->seen)
		roles[PX_PATH] = roles[PX_BEST] = CR_STALE;

	draw_row(tui, y, cols, PX_NCOLS, widths, cells, roles, CR_NORMAL,
	    selected);
}

/* Detail line: the selected prefix's worst problem in words (r NULL: none). */
static void
view_prefixes_detail(struct tui *tui, struct view_prefixes_row *r, int y,
    int w)
{
	struct branch_prefix	*p;
	char			 pfx[PREFIX_STRLEN], detail[512];
	const char		*problem;

	if (r == NULL) {
		draw_text(tui, y, 0, w, CR_NORMAL, "");
		return;
	}
	p = r->p;
	prefix_fmt(&p->prefix, pfx, sizeof pfx);
	if (!p->seen)
		snprintf(detail, sizeof detail, "%s %s: no route data yet (no "
		    "BMP peer mapped to a session)", r->b->name, pfx);
	else if (p->problem[0] != '\0') {
		problem = view_prefixes_problem(p, pfx);
		snprintf(detail, sizeof detail, "%s %s%s%s; Enter for details",
		    r->b->name, pfx, problem[0] == ' ' ? "" : ": ", problem);
	} else
		snprintf(detail, sizeof detail, "%s %s: all checks pass, on %s",
		    r->b->name, pfx, p->carried[0] != '\0' ? p->carried : "-");
	draw_text(tui, y, 0, w, view_prefixes_role(r->sev), detail);
}

/*
 * With VRPs: the RPKI state of the registered origin, and the VRPs
 * covering the prefix (three, then how many more); the next row.
 */
static int
view_prefixes_page_rpki(struct tui *tui, const struct branch_prefix *p,
    int y, int row, int body, int w)
{
	const struct model	*m = tui->model;
	const struct vrp	*v[3];
	char			 line[160], pfx[PREFIX_STRLEN];
	char			 when[FMT_TIME_LEN];
	enum color_role		 role;
	size_t			 i, n;
	int			 st;

	if ((st = routemon_rpki_state(m, p)) < 0)
		return (row);
	role = st == VRP_VALID ? CR_OK : st == VRP_NOTFOUND ? CR_WARN :
	    CR_CRIT;
	snprintf(line, sizeof line, "%s (AS%u)", vrp_state_name(
	    (enum vrp_state)st), p->origin);
	row = view_prefixes_field(tui, y, row, body, w, "RPKI", role, line);
	n = vrp_covering(m->vrps, &p->prefix, v, nitems(v));
	if (n == 0)
		return (view_prefixes_field(tui, y, row, body, w, "ROAs",
		    CR_WARN, "none covers it"));
	for (i = 0; i < n && i < nitems(v); i++) {
		if (v[i]->expires != 0)
			fmt_time(when, sizeof when, v[i]->expires * 1000,
			    FMT_TIME_DATE);
		snprintf(line, sizeof line, "%s max /%u AS%u%s%s",
		    prefix_fmt(&v[i]->prefix, pfx, sizeof pfx),
		    v[i]->maxlen, v[i]->asn, v[i]->expires != 0 ?
		    ", expires " : "", v[i]->expires != 0 ? when : "");
		row = view_prefixes_field(tui, y, row, body, w,
		    i == 0 ? "ROAs" : "", CR_NORMAL, line);
	}
	if (n > nitems(v)) {
		snprintf(line, sizeof line, "and %zu more", n - nitems(v));
		row = view_prefixes_field(tui, y, row, body, w, "", CR_DIM,
		    line);
	}
	return (row);
}

/* One "Label   value" line of the page; returns the next row. */
static int
view_prefixes_field(struct tui *tui, int y, int row, int h, int w,
    const char *label, enum color_role role, const char *value)
{
	return (draw_field(tui, y, row, h, w, 18, label, role, value));
}

/*
 * The page of one prefix: every field, one per line, the problems one per
 * line in words, then the partner's sessions with whether each carries it.
 * The last row says how to get back.
 */
static void
view_prefixes_page(struct tui *tui, struct view_prefixes_row *r, int y,
    int h, int w)
{
	struct branch		*b = r->b;
	struct partner		*pt = b->partner;
	char			 line[512], pfx[PREFIX_STRLEN];
	int			 row = 0, body = h - 1;

	draw_fill(tui, y, h, w, CR_NORMAL);
	prefix_fmt(&r->p->prefix, pfx, sizeof pfx);
	snprintf(line, sizeof line, "Prefix %s of branch %s, partner %s",
	    pfx, b->name, pt != NULL ? pt->name : (b->partner_name[0] != '\0' ?
	    b->partner_name : "none"));
	draw_text(tui, y + row++, 0, w, CR_HEADER, line);

	row = view_prefixes_page_state(tui, r, pfx, y, row, body, w);
	row = view_prefixes_page_route(tui, r, y, row, body, w);
	row = view_prefixes_page_rpki(tui, r->p, y, row, body, w);
	row = view_prefixes_page_edge(tui, b, y, row, body, w);
	view_prefixes_page_sessions(tui, r->p, pt, y, row, body, w);

	draw_text(tui, y + h - 1, 0, w, CR_DIM,
	    "Enter/Esc: back to the list   j/k: next/previous prefix");
}

/* The page's State, each problem in words, and since when; the next row. */
static int
view_prefixes_page_state(struct tui *tui, struct view_prefixes_row *r,
    const char *pfx, int y, int row, int body, int w)
{
	struct branch_prefix	*p = r->p;
	char			 line[512], words[192], when[32], age[16];
	size_t			 i;
	enum color_role		 role = view_prefixes_role(r->sev);

	view_prefixes_words(p, words, sizeof words);
	snprintf(line, sizeof line, "%s %s",
	    draw_glyph(tui, view_prefixes_glyph(r->sev)), words);
	row = view_prefixes_field(tui, y, row, body, w, "State", role, line);
	for (i = 0; i < nitems(view_prefixes_flags); i++) {
		if (!p->seen || (p->flags & view_prefixes_flags[i].flag) == 0)
			continue;
		snprintf(line, sizeof line, "%s: %s",
		    view_prefixes_flags[i].word, view_prefixes_flags[i].text);
		row = view_prefixes_field(tui, y, row, body, w, "",
		    view_prefixes_role(view_prefixes_flag_sev(
		    view_prefixes_flags[i].flag)), line);
	}
	if (p->problem[0] != '\0')
		/* Up to 160 bytes from the route monitor: 3 lines. */
		row = draw_field_wrap(tui, y, row, body, w, 18, "Problem",
		    role, view_prefixes_problem(p, pfx)[0] == ' ' ?
		    p->problem : view_prefixes_problem(p, pfx), 3);
	if (p->seen && p->since_ms > 0) {
		fmt_time(when, sizeof when, p->since_ms, FMT_TIME_FULL);
		fmt_duration(age, sizeof age,
		    (tui_now(tui) - p->since_ms) / 1000);
		snprintf(line, sizeof line, "%s (%s ago)", when, age);
	} else
		snprintf(line, sizeof line, "-");
	return (view_prefixes_field(tui, y, row, body, w, "Since", CR_NORMAL,
	    line));
}

/*
 * The page's origins, upstreams, best route and the primary and backup
 * sessions that carry it; returns the next row.
 */
static int
view_prefixes_page_route(struct tui *tui, struct view_prefixes_row *r, int y,
    int row, int body, int w)
{
	struct model		*m = tui->model;
	struct branch_prefix	*p = r->p;
	struct session		*s;
	char			 line[512], as[16];
	size_t			 i;

	snprintf(line, sizeof line, "AS%u", p->origin);
	row = view_prefixes_field(tui, y, row, body, w, "Registered origin",
	    CR_NORMAL, line);
	if (p->nupstreams > 0) {
		line[0] = '\0';
		for (i = 0; i < p->nupstreams; i++) {
			snprintf(as, sizeof as, "%sAS%u", i > 0 ? " " : "",
			    p->upstreams[i]);
			view_prefixes_cat(line, as, sizeof line);
		}
		row = view_prefixes_field(tui, y, row, body, w,
		    "Upstreams", CR_NORMAL, line);
	}
	if (p->seen && p->best_origin != 0) {
		snprintf(line, sizeof line, "AS%u%s", p->best_origin,
		    p->best_origin != p->origin ? " (not the registered one)" :
		    "");
		row = view_prefixes_field(tui, y, row, body, w, "Best origin",
		    p->best_origin != p->origin ? CR_CRIT : CR_NORMAL, line);
	} else
		row = view_prefixes_field(tui, y, row, body, w, "Best origin",
		    CR_STALE, "-");
	row = view_prefixes_field(tui, y, row, body, w, "Best AS path",
	    CR_NORMAL, p->seen && p->best_path[0] != '\0' ? p->best_path :
	    "-");
	if (p->best_session >= 0 && (size_t)p->best_session < m->nsessions) {
		s = m->sessions[p->best_session];
		snprintf(line, sizeof line, "%s (%s %s)", s->name, s->edge,
		    role_name(s->role));
		row = view_prefixes_field(tui, y, row, body, w,
		    "Best session", CR_NORMAL, line);
	}
	if (p->bad_origin != 0) {
		snprintf(line, sizeof line, "AS%u", p->bad_origin);
		row = view_prefixes_field(tui, y, row, body, w,
		    "Other origin seen", CR_CRIT, line);
	}
	view_prefixes_count(as, sizeof as, p->nprimary, p->nprimary_total,
	    p->nprimary_unknown, p->seen);
	snprintf(line, sizeof line, "%s primary sessions carry it%s", as,
	    p->nprimary_unknown > 0 ? " (? routes unknown)" : "");
	row = view_prefixes_field(tui, y, row, body, w, "Primary",
	    view_prefixes_count_role(p->nprimary, p->nprimary_total,
	    p->nprimary_unknown, 1, r->sev), line);
	view_prefixes_count(as, sizeof as, p->nbackup, p->nbackup_total,
	    p->nbackup_unknown, p->seen);
	snprintf(line, sizeof line, "%s backup sessions carry it%s", as,
	    p->nbackup_unknown > 0 ? " (? routes unknown)" : "");
	return (view_prefixes_field(tui, y, row, body, w, "Backup",
	    view_prefixes_count_role(p->nbackup, p->nbackup_total,
	    p->nbackup_unknown, 0, r->sev), line));
}

/* The branch's routed edge beside its nearest one; returns the next row. */
static int
view_prefixes_page_edge(struct tui *tui, struct branch *b, int y, int row,
    int body, int w)
{
	struct model		*m = tui->model;
	const struct edge	*near, *routed;
	char			 line[512];

	near = (b->nearest >= 0 && (size_t)b->nearest < m->nedges) ?
	    &m->edges[b->nearest] : NULL;
	routed = (b->routed >= 0 && (size_t)b->routed < m->nedges) ?
	    &m->edges[b->routed] : NULL;
	if (routed != NULL)
		snprintf(line, sizeof line, "%s (%s), nearest %s%s",
		    routed->code, routed->metro,
		    near != NULL ? near->code : "unknown",
		    b->suboptimal ? ": SuboptimalRouting" : "");
	else
		snprintf(line, sizeof line, "unknown, nearest %s",
		    near != NULL ? near->code : "unknown");
	return (view_prefixes_field(tui, y, row, body, w, "Branch routed via",
	    b->suboptimal ? CR_WARN : (routed != NULL ? CR_NORMAL : CR_STALE),
	    line));
}

/*
 * Does the session carry the prefix: "carries it", "missing", or neither
 * known (its routes' source went away, or its sources report no routes:
 * BIRD's control socket gives the state only).
 */
static const char *
view_prefixes_carried(struct branch_prefix *p, const struct session *s)
{
	if (!p->seen)
		return ("-");
	if (view_prefixes_carries(p, s->name))
		return ("carries it");
	if (s->routes_lost)
		return ("unknown (routes)");
	if (session_routes_unreported(s))
		return ("not reported by this source");
	return ("missing");
}

/* Each of the partner's sessions: does it carry the prefix? */
static void
view_prefixes_page_sessions(struct tui *tui, struct branch_prefix *p,
    struct partner *pt, int y, int row, int body, int w)
{
	struct session	*s;
	char		 line[512], name[NAME_MAX_PT];
	size_t		 i;
	int		 pad;

	if (pt != NULL && row + 1 < body) {
		draw_text(tui, y + row++, 0, w, CR_HEADER, "Sessions");
		for (i = 0; i < pt->nsessions && row < body; i++) {
			s = pt->sessions[i];
			/* 16 columns: a longer name loses its middle. */
			draw_elide(tui, s->name, 16, name, sizeof name);
			pad = 16 - draw_width(tui, name);
			snprintf(line, sizeof line, "%s%*s %-4s %-7s "
			    "%s %-11s %s", name, pad > 0 ? pad : 0, "",
			    s->edge, role_name(s->role),
			    draw_glyph(tui, draw_state_glyph(s->state)),
			    bgp_state_name(s->state),
			    view_prefixes_carried(p, s));
			draw_text(tui, y + row++, 0, w, !p->seen ? CR_STALE :
			    view_prefixes_carries(p, s->name) ? CR_OK :
			    s->routes_lost || session_routes_unreported(s) ?
			    CR_STALE : CR_WARN, line);
		}
	} else if (row < body)
		view_prefixes_field(tui, y, row, body, w, "Carried on",
		    CR_NORMAL, p->carried[0] != '\0' ? p->carried : "-");
}
