/* SPDX-License-Identifier: ISC */
/*
 * The terminal interface: shared state, views, colour roles, glyphs and
 * the key table.  tui/ draws the model and turns keys into actions; it
 * never opens a socket, runs SQL or parses a wire format.  Only tui/
 * includes curses.
 */
#ifndef PEERTOP_TUI_H
#define PEERTOP_TUI_H

#include <curses.h>

#include "core/model.h"
#include "core/world.h"

struct event_base;
struct store;
struct lat_bucket;
struct rreplay;
struct latency_stats;

/* Colour roles, mapped through a theme (tui/draw.c). */
enum color_role {
	CR_NORMAL = 0,
	CR_HEADER,		/* table headers */
	CR_TITLE,		/* top bar */
	CR_STATUS,		/* bottom status bar */
	CR_SELECTED,		/* cursor row */
	CR_OK,			/* Established, REDUNDANT, collector up */
	CR_WARN,		/* DEGRADED, NO-BACKUP, Warning */
	CR_CRIT,		/* DOWN, Critical, Error */
	CR_STALE,		/* unknown / no data / collector down */
	CR_DIM,			/* secondary text */
	CR_LAND,		/* map land */
	CR_EDGE,		/* map: Microsoft edge */
	CR_BRANCH,		/* map: branch (colour by health overrides) */
	CR_FILTER,		/* filter prompt */
	CR_MAX
};

/* Glyphs: parallel UTF-8 and ASCII tables (tui/draw.c). */
enum glyph {
	GL_EDGE,		/* map edge symbol */
	GL_BRANCH,		/* map branch symbol (letters are used too) */
	GL_UP,			/* state up marker */
	GL_DOWN,		/* state down marker */
	GL_WARN,
	GL_UNKNOWN,
	GL_HLINE,
	GL_VLINE,
	GL_ARROW,		/* "->" */
	GL_ELLIPSIS,
	GL_BAR_FULL,
	GL_BAR_EMPTY,
	GL_CRIT,		/* Critical or Error health */
	/* Issue 12: "!" means Warning only; these had shared it. */
	GL_DETOUR,		/* Via: routed farther than it could be */
	GL_ADMIN,		/* session AdminDown (shut on purpose) */
	GL_DEGRADED,		/* redundancy DEGRADED or NOBACKUP */
	GL_SORT_DESC,		/* header: sorted most / worst first */
	GL_SORT_ASC,		/* header: sorted least / A first */
	GL_OVER,		/* a figure over its threshold: "226↑" */
	GL_MAX
};

/* Canvas rendering modes: the index into canvas_modes[] (tui/canvas.h). */
enum map_mode { MAP_BRAILLE, MAP_BLOCK, MAP_ASCII };

/* Action result flags. */
#define ACT_NONE	0x00
#define ACT_REDRAW	0x01
#define ACT_QUIT	0x02
#define ACT_SNAPSHOT	0x04	/* quit and print a plain-text snapshot */
#define ACT_REPAINT	0x08	/* repaint every cell, not only changes */

/* Key codes beside curses' KEY_*: control characters and Esc. */
#define KEY_CTRL(c)	((c) & 0x1f)
#define KEY_ESC		27

struct tui;

/*
 * The key table: one binding per key, in tables (global, replay and one
 * per view) that the Help view lists, so help cannot drift from what the
 * keys do.  Actions change state and return ACT_* flags; they never draw.
 */
struct key_binding {
	int		 key;		/* curses key code or character */
	int		(*action)(struct tui *, const struct key_binding *);
	const char	*keyname;	/* as shown in help: "j/Down"; NULL:
					   an alias, left out of the help */
	const char	*help;
	intptr_t	 arg;		/* action argument */
	int		 flags;		/* KB_* */
};
#define KB_ANYSIZE	0x01	/* works on a terminal too small to draw */

struct key_table {
	const struct key_binding *bindings;
	size_t		 n;
};
extern const struct key_table keys_global;	/* tui/keys.c */
extern const struct key_table keys_replay;	/* while replaying */
extern const struct key_table keys_overview;
extern const struct key_table keys_events;
extern const struct key_table keys_branch;
extern const struct key_table keys_sessions;
extern const struct key_table keys_prefixes;
extern const struct key_table keys_map;
extern const struct key_table keys_turnup;
/* The binding of key in the table, or NULL. */
const struct key_binding *keys_find(const struct key_table *, int);

/*
 * A view: a const table entry (tmux's window_mode).  Its state is its
 * own: init allocates it the first time tui_view_data() asks, free
 * releases it when the terminal goes (tui_views_free()), like tmux's
 * window_mode_entry.data.
 */
struct view {
	const char	*name;		/* "overview" */
	const char	*title;		/* "Overview" */
	const struct key_table *keys;	/* its own bindings, may be NULL */
	void		*(*init)(struct tui *);	/* its state, may be NULL */
	void		(*free)(void *);	/* NULL: free() */
	/* Called when the view becomes current (may be NULL). */
	void		(*enter)(struct tui *);
	/* Called when another view becomes current (may be NULL). */
	void		(*leave)(struct tui *);
	/* Draw into the body area: rows [y, y+h), columns [0, w). */
	void		(*draw)(struct tui *, int y, int h, int w);
	/* Number of selectable rows (for cursor movement), may be NULL. */
	size_t		(*rows)(struct tui *);
	/* Close the page open over the list: 1 if one was (may be NULL). */
	int		(*back)(struct tui *);
	/* The key of row i of the view's list (as its rows are built), so
	 * the selection follows the item, not the row (may be NULL). */
	void		(*key)(const void *list, size_t i, char *, size_t);
	/* Its table, re-sortable by column (, . F6 I), NULL: not.  cmp
	 * compares two rows of its list by column col in the column's
	 * own order (worst, most or A first), 0 when equal there; the
	 * default order is by column sort_default. */
	const struct draw_col *cols;
	size_t		 ncols;
	int		 sort_default;
	int		(*cmp)(const void *, const void *, int col);
};

extern const struct view view_overview;
extern const struct view view_sessions;
extern const struct view view_events;
extern const struct view view_map;
extern const struct view view_prefixes;
extern const struct view view_turnup;
extern const struct view view_help;
extern const struct view view_branch;	/* Enter on an Overview row */

#define TUI_VIEWS_MAX	8

struct tui {
	struct model	*model;
	struct world	*world;		/* may be NULL: no map data */
	struct event_base *base;

	int		 ascii;		/* ASCII glyphs (--ascii or locale) */
	int		 mono;		/* --mono or NO_COLOR */
	int		 colors;	/* terminal has colours */
	enum map_mode	 map_mode;	/* the Map's and the graphs' (c) */

	const struct view *view;	/* current */
	const struct view *prev;	/* for Esc from help */
	size_t		 cursor[TUI_VIEWS_MAX];	/* per view, by index */
	size_t		 scroll[TUI_VIEWS_MAX];
	/* The selected item's key per view (view->key), "": none yet or
	 * the cursor moved, the row index wins until it is read again. */
	char		 selected[TUI_VIEWS_MAX][128];
	/* Each table's order (tui_sort()): by column sort_col + 1, 0 is
	 * the view's default; reversed or not. */
	int		 sort_col[TUI_VIEWS_MAX];
	int		 sort_rev[TUI_VIEWS_MAX];
	void		*view_data[TUI_VIEWS_MAX];	/* tui_view_data() */

	char		 filter[64];	/* "/" filter, "" = none */
	/* The Turn-up view's scope, PARTNER[/EDGE] (--turnup, :turnup);
	 * "": the configuration's turnup block, if any. */
	char		 turnup[128];
	char		 filters[TUI_VIEWS_MAX][64];	/* the others' */
	int		 filtering;	/* prompt open */

	/* The history for longer graphs (store.h), NULL: none. */
	struct store	*store;

	int		 quit;		/* ACT_QUIT / ACT_SNAPSHOT once done */
	int		 sx, sy;	/* terminal size */
	int		 too_small;
	const char	*store_error;	/* shown in the status bar, may be NULL */
	/* Optional: the store's error now (NULL when healthy); wins over
	 * store_error when set, so a disk-full during the run shows up. */
	const char	*(*store_status)(void *);
	void		*store_status_arg;

	/* Replay (tui/replay.c): non-NULL while the model shown is a
	 * recorded history at one time, from -r or z. */
	struct tui_replay *replay;
	/* z: a fresh model from the configuration (main.c), NULL: no z. */
	struct model	*(*model_new)(void *, char **);
	void		*model_new_arg;
	const char	*note;		/* one-off status bar note, or NULL */

	/*
	 * a, A and :ack: acknowledge the open event id with an optional
	 * comment (may be NULL).  Attached to a collector it goes through
	 * the control socket; standalone, into the model (and its history).
	 * 0, or -1 and *cause (malloc'd, one line).  NULL: nothing may be
	 * acknowledged (replay).
	 */
	int		(*ack)(struct tui *, int64_t id, const char *comment,
			    char **cause);
	/*
	 * :who: the viewers attached to the collector, one line each
	 * ("alice  pts/3  since 10:02"), a malloc'd NULL-terminated array of
	 * malloc'd lines; NULL and *cause when it cannot be known.  NULL
	 * hook: standalone, nobody else.
	 */
	char		**(*who)(struct tui *, char **cause);
	void		*hook_arg;	/* for ack, who and the history */
	/*
	 * Branch detail's long graphs and spans when tui->store is NULL:
	 * an attached viewer that may not read the collector's history
	 * asks the collector (store.h has what they answer).  NULL: none.
	 */
	int64_t		(*lat_span)(struct tui *, const char *branch,
			    const char *edge, const char *target, int64_t from,
			    int64_t to, struct latency_stats *);
	int		(*lat_buckets)(struct tui *, const char *branch,
			    const char *edge, const char *target, int64_t from,
			    int64_t to, struct lat_bucket *, size_t n);
	/* z without the history file: the collector's replay (NULL: none). */
	struct rreplay	*(*replay_remote)(struct tui *, char **cause);
	/*
	 * Attached to a collector (tui/attach.c): detached is set while
	 * its connection is gone; the picture is the last one, drawn
	 * greyed, and attach_status says why and since when.
	 */
	int		 attached;
	int		 detached;
	char		 attach_status[128];
};

/* tui/replay.c */
struct replay;
#define REPLAY_MOVE_START	0	/* ^ */
#define REPLAY_MOVE_END		1	/* $ */
#define REPLAY_MOVE_BACK	2	/* [ a minute */
#define REPLAY_MOVE_FWD		3	/* ] */
#define REPLAY_MOVE_BACK_BIG	4	/* { an hour */
#define REPLAY_MOVE_FWD_BIG	5	/* } */
int64_t	 tui_now(struct tui *);		/* the shown time: replay or wall */
int	 tui_replaying(struct tui *);
int	 tui_replay_start(struct tui *, struct replay *, struct model *,
	    struct model *live, const char *path, int64_t begin, int64_t end,
	    int64_t start);
void	 tui_replay_stop(struct tui *);
int	 tui_replay_goto(struct tui *, int64_t);
int	 tui_replay_freeze(struct tui *, int64_t at_ms);	/* z */
int	 tui_replay_step(struct tui *, int dir);		/* t T */
int	 tui_replay_move(struct tui *, int what);	/* REPLAY_MOVE_* */
int	 tui_replay_play(struct tui *, int what);	/* p 0, < -1, > +1 */
int	 tui_replay_prompt(struct tui *);		/* b */
int	 tui_replay_key(struct tui *, int);	/* the b prompt's keys */
int	 tui_replay_event(struct tui *, const struct event *);
void	 tui_replay_draw_status(struct tui *, int y);

/* tui/tui.c */
int	 tui_start(struct tui *, char **cause);	/* initscr, events */
void	 tui_stop(struct tui *);		/* restore the terminal */
int	 tui_view_index(const struct view *);
void	*tui_view_data(struct tui *, const struct view *);
void	 tui_views_free(struct tui *);		/* every view's state */
const char *tui_filter(struct tui *);		/* NULL when none */
int	 tui_match(struct tui *, const char *);	/* filter matches text */

/* tui/draw.c */
void	 draw_init(struct tui *);
attr_t	 draw_attr(struct tui *, enum color_role);
short	 draw_pair(struct tui *, enum color_role);
const char *draw_glyph(struct tui *, enum glyph);
/* The ASCII table's glyph whatever the terminal (the ASCII map). */
const char *draw_glyph_ascii(enum glyph);
/* Print at most w columns of s at (y, x) with role; pads with spaces. */
void	 draw_text(struct tui *, int y, int x, int w, enum color_role,
	    const char *s);
enum color_role draw_state_role(enum bgp_state);
enum color_role draw_red_role(enum redundancy);
enum color_role draw_level_role(enum level);

/* tui/view-map.c actions (bound in tui/keys.c) */
int	 view_map_zoom(struct tui *, int dir);	/* +1 in, -1 out */
int	 view_map_pan(struct tui *, int dx, int dy);
int	 view_map_region(struct tui *, const char *); /* "NA", "EU", ... */
int	 view_map_cycle_mode(struct tui *);
/* A link's colour on the map by latency and loss; fallback: no data. */
enum color_role view_map_lat_role(const struct lat_thresholds *,
	    const struct latlink *, enum color_role fallback);

/* tui/tui.c: view switching and helpers for the views and keys. */
extern const struct view *const tui_views[];
extern const size_t tui_nviews;
void	 tui_set_view(struct tui *, const struct view *);
void	 tui_set_filter(struct tui *, const char *);	/* NULL clears */
int	 tui_body_rows(struct tui *);	/* rows in the body area */
/* Put the view's cursor on the row of its selected key in list (of n
 * rows, after a re-sort or an update), else keep the row index, clamped;
 * then remember the key of the row under the cursor. */
void	 tui_select(struct tui *, const struct view *, const void *list,
	    size_t n);
/* The cursor moved by row: take the key of its new row. */
void	 tui_select_moved(struct tui *, const struct view *);
/* The view's sort column and whether it is reversed. */
int	 tui_sort_col(struct tui *, const struct view *, int *reverse);
/* Sort the view's list (n rows of size bytes) by its sort column, stable:
 * ties in its default column's order, then as they were. */
void	 tui_sort(struct tui *, const struct view *, void *, size_t n,
	    size_t size);
/* , . F6 I: sort by the next (+1) or previous (-1) column shown, or
 * reverse the order (0); ACT_* flags. */
int	 tui_sort_step(struct tui *, int dir);
/* The view's table header, its sort column marked. */
void	 tui_draw_header(struct tui *, const struct view *, int y,
	    const struct draw_col *, const int *widths);
/* Row 0: the tabs and the worst open condition (public for the tests). */
void	 tui_draw_title(struct tui *);

/* tui/draw.c: text width, fills, markers and a table helper. */
int	 draw_width(struct tui *, const char *);	/* display columns */
void	 draw_text_attr(struct tui *, int y, int x, int w, attr_t,
	    const char *);
void	 draw_fill(struct tui *, int y, int h, int w, enum color_role);
/* A table row past the list's n rows: blank, or on the first row of an
 * empty list nomatch (a filter is set) or none. */
void	 draw_empty_row(struct tui *, int y, int w, int row, size_t n,
	    const char *nomatch, const char *none);
/* A detail page's "Label   value" line at row (of h) below y, the label
 * lw columns wide (at most half of w); returns the next row. */
int	 draw_field(struct tui *, int y, int row, int h, int w, int lw,
	    const char *label, enum color_role, const char *value);
/* draw_field() over as many lines as the value needs (maxlines, 0: any). */
int	 draw_field_wrap(struct tui *, int y, int row, int h, int w, int lw,
	    const char *label, enum color_role, const char *value,
	    int maxlines);
enum glyph draw_state_glyph(enum bgp_state);
enum glyph draw_red_glyph(enum redundancy);
/* A health level's glyph and word ("CRIT" short, "CRITICAL" long). */
enum glyph draw_level_glyph(enum level);
const char *draw_level_word(enum level, int ok, int full);

struct draw_col {
	const char	*title;
	int		 min, max;	/* width range */
	int		 prio;		/* 0 always shown, higher hides first */
	int		 flags;		/* DC_* */
};
#define DC_RIGHT	0x01	/* right-aligned */
#define DC_NAME		0x02	/* a name: cut in the middle, its end kept */
#define DC_ADDR		0x04	/* an address: max wide or hidden, never cut */
#define DC_DESC		0x08	/* sorts most / worst first */
#define DC_NOSORT	0x10	/* not a sort column */
/* Column widths for w columns; hidden columns get 0. */
void	 draw_layout(const struct draw_col *, size_t, int w, int *widths);
void	 draw_header(struct tui *, int y, const struct draw_col *, size_t,
	    const int *widths);
/* The header with the sort column sort (-1: none) marked in its
 * direction: the column's own order (DC_DESC or A first), or reversed. */
void	 draw_header_sort(struct tui *, int y, const struct draw_col *,
	    size_t, const int *widths, int sort, int reverse);
/* s in at most w columns, cut in the middle (the end kept), into buf. */
char	*draw_elide(struct tui *, const char *s, int w, char *buf, size_t);
/* Widen an address column to fit s (DC_ADDR: its max is its width). */
void	 draw_fit(struct tui *, struct draw_col *, const char *s);
void	 draw_row(struct tui *, int y, const struct draw_col *, size_t,
	    const int *widths, const char **cells, const enum color_role *,
	    enum color_role, int selected);
/* Clamp cursor to nrows and scroll so it is visible in h rows. */
void	 draw_scroll(size_t *cursor, size_t *scroll, size_t nrows, int h);

/* Drill-down actions (Enter), bound in tui/keys.c. */
int	 view_overview_drill(struct tui *);	/* opens Branch detail */
int	 view_branch_open(struct tui *, struct branch *);
int	 view_branch_drill(struct tui *);	/* the partner's sessions */
int	 view_branch_span(struct tui *, int dir);	/* +1 longer, -1 */
int	 view_branch_link(struct tui *, int dir);	/* next, previous */
/* The branch shown, NULL: none; the graph's span ("live", "1h" ...). */
struct branch *view_branch_shown(struct tui *);
const char *view_branch_span_name(struct tui *);
/* The model's branches are new (replay): the shown one again, by name. */
struct branch *view_branch_rebind(struct tui *, struct model *);
int	 view_sessions_drill(struct tui *);	/* BMP: page, then events */
int	 view_sessions_paged(struct tui *);	/* a session's page is open */
void	 view_sessions_set_page(struct tui *, int);
int	 view_prefixes_drill(struct tui *);	/* opens or closes the page */
int	 view_prefixes_paged(struct tui *);	/* a prefix's page is open */
/* The Events view's selected event, NULL when none. */
const struct event *view_events_selected(struct tui *);
int	 view_events_drill(struct tui *);	/* Enter: page, or a burst */
int	 view_events_paged(struct tui *);	/* an event's page is open */
int	 view_events_fold(struct tui *, int);	/* + 0 toggles, - -1 folds */
int	 view_events_open_only(struct tui *);	/* o */
int	 view_events_replay(struct tui *);	/* r: replay at its time */
int	 view_events_ack(struct tui *, int ask);	/* a 0, A 1 */
int	 view_events_showing_open(struct tui *);	/* o is on */
const char *view_events_level(enum level);	/* "CRIT", "ERR" ... */
/* The status bar's open conditions and 24 hours' counts; the colour. */
enum color_role view_events_counts(struct tui *, char *, size_t, char *,
	    size_t);
/* tui/view-event.c: an event's page. */
void	 view_event_draw(struct tui *, const struct event *, int y, int h,
	    int w);
/* tui/view-turnup.c: Enter on a check; is a turn-up shown? */
int	 view_turnup_drill(struct tui *);
int	 view_turnup_active(struct tui *);
/* Does the prefix's carried list name the session? */
int	 view_prefixes_carries(const struct branch_prefix *, const char *);

/*
 * tui/cmdline.c: the ":" command line (k9s) on the bottom row, and the
 * one-line messages of a, A and the commands there until the next key.
 * One per process, like the terminal.  tui.c hands it every key first
 * and lets it draw the status bar.
 */
int	 cmdline_open(struct tui *, const char *text);	/* text typed */
int	 cmdline_key(struct tui *, int);	/* 1: the key was its */
int	 cmdline_draw(struct tui *, int y);	/* 1: it drew row y */
void	 cmdline_message(struct tui *, enum color_role, const char *, ...)
	    printflike(3, 4);
/* Acknowledge the event id (comment may be NULL): checks, the ack hook,
 * the outcome as a message; A: the checks, then ":ack ID " to finish. */
int	 cmdline_ack(struct tui *, int64_t id, const char *comment);
int	 cmdline_ack_ask(struct tui *, int64_t id);
/* The i-th command's name and help for the Help view; NULL past the end. */
const char *cmdline_command(size_t i, const char **help);

/* tui/cmd-mrt.c: "peertop mrt --dump FILE..." (argv[0] is "mrt"). */
int	 cmd_mrt(int, char **);
int	 cmd_agent(int, char **);	/* tui/cmd-agent.c */
int	 cmd_report(int, char **);	/* tui/cmd-report.c */
int	 cmd_turnup(int, char **);	/* tui/cmd-turnup.c */
int	 cmd_ack(int, char **);		/* tui/cmd-alert.c */
int	 cmd_notify_test(int, char **);	/* tui/cmd-alert.c */
/*
 * The control socket to use (tui/main.c): socket (-S), else the
 * configuration's (config, NULL: the default file), else
 * $PEERTOP_SOCKET, else the default; in *expected (may be NULL) whether
 * a collector should be answering there.  Malloc'd.
 */
char	*tui_socket_path(const char *socket, const char *config,
	    int *expected);

#endif
