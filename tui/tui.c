/* SPDX-License-Identifier: ISC */
/*
 * The terminal side of peertop: curses set-up and teardown, the libevent
 * events that drive it (stdin, SIGWINCH, SIGINT/SIGTERM/SIGHUP, a coalesced
 * redraw when the model is dirty, a one-second clock), key dispatch
 * through the key tables (keys.c) and the one redraw pass that lays out
 * the title bar, the current view's body and the status bar.  Like tmux's
 * server_loop, events only mark things dirty; drawing happens in one
 * place, and curses sends only the cells that changed.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include <sys/ioctl.h>

#include <ctype.h>
#include <poll.h>
#include <langinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "tui/tui.h"
#include "core/collector.h"
#include "core/condition.h"
#include "core/health.h"

/* Views in tab order; the index is also the key into cursor[]/scroll[]. */
const struct view *const tui_views[] = {
	&view_overview,
	&view_sessions,
	&view_events,
	&view_map,
	&view_prefixes,
	&view_turnup,
	&view_help,
	&view_branch,		/* no tab: Enter on an Overview row */
};
const size_t tui_nviews = nitems(tui_views);
_Static_assert(nitems(tui_views) <= TUI_VIEWS_MAX,
    "struct tui's per-view arrays are too short");

#define TUI_MIN_X	80
#define TUI_MIN_Y	24

/*
 * One terminal per process: the fatal hook needs to find it.  SIGQUIT
 * (^\ in cbreak mode) dumps core like a crash and is handled like one.
 */
static const int tui_crash_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL,
    SIGABRT, SIGQUIT };

static struct {
	struct tui	*tui;
	SCREEN		*screen;
	FILE		*out;		/* /dev/tty when stdout is redirected */
	FILE		*in;
	int		 own_out, own_in;
	int		 active;	/* curses is running */
	int		 resized;
	int		 empty_reads;	/* readable stdin with nothing in it */
	int		 repaint;	/* Ctrl-L: force a full repaint */
	struct event	*ev_stdin;
	struct event	*ev_winch;
	struct event	*ev_int;
	struct event	*ev_term;
	struct event	*ev_hup;
	struct event	*ev_redraw;
	struct event	*ev_clock;
	FILE		*keylog;	/* $PEERTOP_KEYLOG: key read -> frame */
	uint64_t	 drawn_ms;	/* the last frame, monotonic */
} tui_state;

/*
 * Changes to the model redraw at most this often.  A collector streaming
 * tables or a viewer taking 5,000 probe results a second makes the model
 * dirty every loop turn, and a 200x60 frame of 500 branches costs a few
 * milliseconds: drawn each turn, the frames took most of the CPU and a
 * key waited behind one.  A key, a resize and the clock draw at once.
 */
#define TUI_FRAME_MS	50

static int	 tui_open_terminal(struct tui *, char **);
static void	 tui_restore(void);
static void	 tui_crash(int);
static void	 tui_resize(struct tui *);
static int	 tui_size_changed(struct tui *);
static void	 tui_key(struct tui *, int);
static int	 tui_filter_key(struct tui *, int);
static void	 tui_schedule_clock(void);
static void	 tui_title_tab(struct tui *, const struct view *, size_t,
		    int, char *, size_t);
static size_t	 tui_title_worst(struct tui *, char (*)[160],
		    enum color_role *);
static const struct condition *tui_title_condition(const struct model *);
static int	 tui_draw_title_right(struct tui *, int, char (*)[160],
		    size_t, enum color_role);
static size_t	 tui_title_unacked(struct tui *, char (*)[32],
		    enum color_role *);
static int	 tui_title_tabs(struct tui *, int);
static int	 tui_title_unack_fit(struct tui *, int, char (*)[160], size_t,
		    char (*)[32], size_t);
static int	 tui_title_where(size_t);
static int	 tui_title_compact(struct tui *, char (*)[160], size_t,
		    enum color_role, int);
static void	 tui_draw_status(struct tui *);
static void	 tui_draw_collectors(struct tui *, int, int, int);
static void	 tui_draw_small(struct tui *);
static void	 tui_collector_item(const struct collector *, uint64_t, char *,
		    size_t, enum color_role *);
static void	 tui_stdin_cb(evutil_socket_t, short, void *);
static int	 tui_stdin_gone(int, int *);
static void	 tui_winch_cb(evutil_socket_t, short, void *);
static void	 tui_quit_cb(evutil_socket_t, short, void *);
static void	 tui_redraw_cb(evutil_socket_t, short, void *);
static void	 tui_clock_cb(evutil_socket_t, short, void *);
static void	 tui_dirty_cb(void *);
static void	tui_redraw(struct tui *);
static double	tui_keylog_now(void);

/*
 * Open curses on the controlling terminal.  When stdout is redirected (Q
 * prints a snapshot there), draw on /dev/tty instead so the snapshot file
 * gets only the snapshot.  An unknown or missing TERM falls back to
 * xterm, vt100 and dumb, quietly on screen but in the log.
 */
static int
tui_open_terminal(struct tui *tui, char **cause)
{
	static const char *const fallbacks[] = { "xterm", "vt100", "dumb" };
	const char	*term;
	size_t		 i;

	tui_state.out = stdout;
	tui_state.in = stdin;
	if (!isatty(STDOUT_FILENO)) {
		if ((tui_state.out = fopen("/dev/tty", "w")) == NULL) {
			xasprintf(cause, "no terminal: stdout is not a tty "
			    "and /dev/tty cannot be opened");
			return (-1);
		}
		tui_state.own_out = 1;
	}
	if (!isatty(STDIN_FILENO)) {
		if ((tui_state.in = fopen("/dev/tty", "r")) == NULL) {
			xasprintf(cause, "no terminal: stdin is not a tty "
			    "and /dev/tty cannot be opened");
			return (-1);
		}
		tui_state.own_in = 1;
	}

	term = getenv("TERM");
	if (term != NULL && *term != '\0')
		tui_state.screen = newterm(term, tui_state.out, tui_state.in);
	for (i = 0; tui_state.screen == NULL && i < nitems(fallbacks); i++) {
		log_warnx("terminal type \"%s\" unknown, trying %s",
		    term == NULL ? "" : term, fallbacks[i]);
		tui_state.screen = newterm(fallbacks[i], tui_state.out,
		    tui_state.in);
	}
	if (tui_state.screen == NULL) {
		xasprintf(cause, "cannot initialise the terminal (TERM=%s)",
		    term == NULL ? "" : term);
		return (-1);
	}
	set_term(tui_state.screen);
	(void)tui;
	return (0);
}

/*
 * A crash must not leave the terminal in raw mode with no cursor.  endwin()
 * is not async-signal-safe, but the process is dying anyway; the signal
 * is then re-raised with its default action so the core dump still
 * happens.
 */
static void
tui_crash(int sig)
{
	tui_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Restore the terminal; safe to call more than once and from fatal(). */
static void
tui_restore(void)
{
	if (!tui_state.active)
		return;
	tui_state.active = 0;
	curs_set(1);
	endwin();
	fflush(tui_state.out);
}

int
tui_start(struct tui *tui, char **cause)
{
	struct sigaction sa;
	const char	*cs;
	size_t		 i;

	if (tui_open_terminal(tui, cause) != 0)
		return (-1);
	tui_state.tui = tui;
	tui_state.active = 1;
	log_set_fatal_hook(tui_restore);
	atexit(tui_restore);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = tui_crash;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	for (i = 0; i < nitems(tui_crash_signals); i++)
		sigaction(tui_crash_signals[i], &sa, NULL);

	/* Glyphs: UTF-8 only when the locale says so. */
	cs = nl_langinfo(CODESET);
	if (cs == NULL || (strcasecmp(cs, "UTF-8") != 0 &&
	    strcasecmp(cs, "utf8") != 0))
		tui->ascii = 1;

	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	mousemask(0, NULL);
	set_escdelay(25);	/* a lone Esc must not stall the loop */
	curs_set(0);

	tui->colors = 0;
	if (!tui->mono && has_colors() && start_color() == OK) {
		use_default_colors();
		tui->colors = 1;
	}
	draw_init(tui);

	/*
	 * PEERTOP_KEYLOG=FILE: one line per read of the keyboard, the
	 * milliseconds from reading the keys to the frame written
	 * (tests/bench/bench-load.sh); undocumented, for benchmarks.
	 */
	cs = getenv("PEERTOP_KEYLOG");
	if (cs != NULL && *cs != '\0' && tui_state.keylog == NULL)
		tui_state.keylog = fopen(cs, "a");

	if (tui->view == NULL)
		tui->view = &view_overview;
	else if (tui->view->enter != NULL)	/* --turnup */
		tui->view->enter(tui);
	getmaxyx(stdscr, tui->sy, tui->sx);

	tui_state.ev_stdin = event_new(tui->base, fileno(tui_state.in),
	    EV_READ | EV_PERSIST, tui_stdin_cb, tui);
	/* Keys first when the loop has priorities (main_base_new()). */
	if (tui_state.ev_stdin != NULL &&
	    event_base_get_npriorities(tui->base) > 1)
		event_priority_set(tui_state.ev_stdin, 0);
	tui_state.ev_winch = evsignal_new(tui->base, SIGWINCH, tui_winch_cb,
	    tui);
	tui_state.ev_int = evsignal_new(tui->base, SIGINT, tui_quit_cb, tui);
	tui_state.ev_term = evsignal_new(tui->base, SIGTERM, tui_quit_cb,
	    tui);
	/* kill -HUP or a closed terminal: quit cleanly, history flushed. */
	tui_state.ev_hup = evsignal_new(tui->base, SIGHUP, tui_quit_cb, tui);
	tui_state.ev_redraw = event_new(tui->base, -1, 0, tui_redraw_cb, tui);
	tui_state.ev_clock = evtimer_new(tui->base, tui_clock_cb, tui);
	if (tui_state.ev_stdin == NULL || tui_state.ev_winch == NULL ||
	    tui_state.ev_int == NULL || tui_state.ev_term == NULL ||
	    tui_state.ev_hup == NULL || tui_state.ev_redraw == NULL ||
	    tui_state.ev_clock == NULL)
		fatalx("tui: cannot create events");
	event_add(tui_state.ev_stdin, NULL);
	evsignal_add(tui_state.ev_winch, NULL);
	evsignal_add(tui_state.ev_int, NULL);
	evsignal_add(tui_state.ev_term, NULL);
	evsignal_add(tui_state.ev_hup, NULL);
	tui_schedule_clock();

	tui->model->on_dirty = tui_dirty_cb;
	tui->model->on_dirty_arg = tui;

	/* SIGWINCH is now ours, so pick up the size ourselves. */
	tui_state.resized = 1;
	tui_redraw(tui);
	return (0);
}

void
tui_stop(struct tui *tui)
{
	struct event	**evs[] = { &tui_state.ev_stdin, &tui_state.ev_winch,
	    &tui_state.ev_int, &tui_state.ev_term, &tui_state.ev_hup,
	    &tui_state.ev_redraw, &tui_state.ev_clock };
	size_t		 i;

	if (tui_state.keylog != NULL) {
		fclose(tui_state.keylog);
		tui_state.keylog = NULL;
	}
	if (tui->model != NULL && tui->model->on_dirty == tui_dirty_cb) {
		tui->model->on_dirty = NULL;
		tui->model->on_dirty_arg = NULL;
	}
	for (i = 0; i < nitems(evs); i++) {
		if (*evs[i] != NULL) {
			event_free(*evs[i]);
			*evs[i] = NULL;
		}
	}
	tui_restore();
	tui_views_free(tui);
	for (i = 0; i < nitems(tui_crash_signals); i++)
		signal(tui_crash_signals[i], SIG_DFL);
	if (tui_state.screen != NULL) {
		delscreen(tui_state.screen);
		tui_state.screen = NULL;
	}
	if (tui_state.own_out)
		fclose(tui_state.out);
	if (tui_state.own_in)
		fclose(tui_state.in);
	tui_state.own_out = tui_state.own_in = 0;
	tui_state.tui = NULL;
}

/*
 * The model changed: one redraw, however many changes, as soon as the
 * last frame is TUI_FRAME_MS old.
 */
static void
tui_dirty_cb(void *arg)
{
	struct timeval	 tv;
	uint64_t	 since;

	(void)arg;
	if (tui_state.ev_redraw == NULL || !tui_state.active ||
	    event_pending(tui_state.ev_redraw, EV_TIMEOUT, NULL))
		return;		/* coming already */
	since = now_mono_ms() - tui_state.drawn_ms;
	if (since >= TUI_FRAME_MS) {
		event_active(tui_state.ev_redraw, EV_TIMEOUT, 0);
		return;
	}
	tv.tv_sec = 0;
	tv.tv_usec = (suseconds_t)(TUI_FRAME_MS - since) * 1000;
	evtimer_add(tui_state.ev_redraw, &tv);
}

static void
tui_redraw_cb(evutil_socket_t fd, short events, void *arg)
{
	tui_redraw(arg);
}

/* Tick on the next wall-clock second so the clock never lags. */
static void
tui_schedule_clock(void)
{
	struct timeval	 tv;
	int64_t		 ms;

	ms = 1000 - (now_wall_ms() % 1000);
	if (ms <= 0 || ms > 1000)
		ms = 1000;
	tv.tv_sec = 0;
	tv.tv_usec = (suseconds_t)(ms * 1000);
	evtimer_add(tui_state.ev_clock, &tv);
}

static void
tui_clock_cb(evutil_socket_t fd, short events, void *arg)
{
	tui_redraw(arg);
	tui_schedule_clock();
}

static void
tui_quit_cb(evutil_socket_t fd, short events, void *arg)
{
	struct tui	*tui = arg;

	tui->quit |= ACT_QUIT;
	event_base_loopbreak(tui->base);
}

static void
tui_winch_cb(evutil_socket_t fd, short events, void *arg)
{
	struct tui	*tui = arg;

	tui_state.resized = 1;
	tui_redraw(tui);
}

/* Ask the terminal its size and resize curses to match. */
static void
tui_resize(struct tui *tui)
{
	struct winsize	 ws;

	if (ioctl(fileno(tui_state.out), TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	getmaxyx(stdscr, tui->sy, tui->sx);
	if (tui->sy < 0)
		tui->sy = 0;
	if (tui->sx < 0)
		tui->sx = 0;
	werase(stdscr);
}

/* Is the terminal's size not the one drawn for? */
static int
tui_size_changed(struct tui *tui)
{
	struct winsize	 ws;

	return (ioctl(fileno(tui_state.out), TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_row > 0 && ws.ws_col > 0 && (ws.ws_row != tui->sy ||
	    ws.ws_col != tui->sx));
}

/* Milliseconds on the monotonic clock, for $PEERTOP_KEYLOG. */
static double
tui_keylog_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6);
}

/* Read every key that is waiting: the input fd is readable. */
static void
tui_stdin_cb(evutil_socket_t fd, short events, void *arg)
{
	struct tui	*tui = arg;
	int		 key, n = 0;
	double		 t0 = 0;

	if (tui_state.keylog != NULL)
		t0 = tui_keylog_now();
	while (!tui->quit && (key = getch()) != ERR) {
		n++;
		if (key == KEY_RESIZE) {
			tui_state.resized = 1;
			continue;
		}
		tui_key(tui, key);
	}
	if (n == 0 && tui_stdin_gone(fd, &tui_state.empty_reads)) {
		/*
		 * Readable but nothing to read: the terminal has gone (a
		 * closed ssh session under nohup).  Without this the loop
		 * would spin on the readable fd.
		 */
		log_warnx("terminal closed, exiting");
		tui->quit = ACT_QUIT;
	}
	if (tui->quit) {
		event_base_loopbreak(tui->base);
		return;
	}
	if (n > 0) {
		tui_state.empty_reads = 0;
		tui_redraw(tui);
		/* For tests/bench/bench-load.sh: the keys' frame is out. */
		if (tui_state.keylog != NULL) {
			fprintf(tui_state.keylog, "%.3f\n",
			    tui_keylog_now() - t0);
			fflush(tui_state.keylog);
		}
	}
}

/*
 * The input fd reports a hangup, or woke us this many times in a row with
 * nothing to read.
 */
static int
tui_stdin_gone(int fd, int *empty)
{
	struct pollfd	 pfd = { .fd = fd, .events = POLLIN };
	int		 avail = 0;

	if (poll(&pfd, 1, 0) == 1 &&
	    (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)))
		return (1);
	if (ioctl(fd, FIONREAD, &avail) == 0 && avail == 0)
		return (++*empty >= 100);
	*empty = 0;
	return (0);
}

/* Line editing for the "/" prompt; returns 1 when the key was used. */
static int
tui_filter_key(struct tui *tui, int key)
{
	size_t	 len = strlen(tui->filter);

	switch (key) {
	case '\r':
	case '\n':
	case KEY_ENTER:
		tui->filtering = 0;
		return (1);
	case KEY_ESC:		/* cancel and clear */
		tui->filtering = 0;
		tui_set_filter(tui, NULL);
		return (1);
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (len > 0) {
			/* Drop a whole UTF-8 sequence. */
			while (len > 0 &&
			    ((unsigned char)tui->filter[len - 1] & 0xc0) == 0x80)
				len--;
			if (len > 0)
				len--;
			tui->filter[len] = '\0';
			tui_set_filter(tui, tui->filter);
		} else
			tui->filtering = 0;
		return (1);
	case KEY_CTRL('U'):
		tui_set_filter(tui, NULL);
		return (1);
	}
	if (key >= 0x20 && key < 0x100 && key != 0x7f) {
		if (len + 1 < sizeof tui->filter) {
			tui->filter[len] = (char)key;
			tui->filter[len + 1] = '\0';
			tui_set_filter(tui, tui->filter);
		}
		return (1);
	}
	return (0);
}

/* One key: the prompt first, then the view's bindings, then global. */
static void
tui_key(struct tui *tui, int key)
{
	const struct key_binding	*found;
	int				 flags;

	tui->note = NULL;
	if (cmdline_key(tui, key))	/* the ":" prompt, its messages */
		return;
	if (tui->replay != NULL && tui_replay_key(tui, key))
		return;
	if (tui->filtering && tui_filter_key(tui, key))
		return;
	/* The view's keys, then replay's, then the global ones. */
	found = keys_find(tui->view->keys, key);
	if (found == NULL && (found = keys_find(&keys_replay, key)) != NULL &&
	    tui->replay == NULL) {
		/* Live, a word on how to get there. */
		if (!tui->too_small)
			tui->note = "replay keys: z freezes the dashboard "
			    "into its history first";
		return;
	}
	if (found == NULL)
		found = keys_find(&keys_global, key);
	if (found == NULL || found->action == NULL)
		return;
	if (tui->too_small && !(found->flags & KB_ANYSIZE))
		return;

	flags = found->action(tui, found);
	if (flags & (ACT_QUIT | ACT_SNAPSHOT)) {
		tui->quit |= flags & (ACT_QUIT | ACT_SNAPSHOT);
		event_base_loopbreak(tui->base);
	}
	if (flags & ACT_REPAINT)
		tui_state.repaint = 1;
}

int
tui_view_index(const struct view *v)
{
	size_t	 i;

	for (i = 0; i < tui_nviews; i++) {
		if (tui_views[i] == v)
			return ((int)i);
	}
	return (0);
}

/*
 * The view's own state, allocated by its init the first time it is
 * asked for (NULL for a view without state); freed by tui_views_free().
 */
void *
tui_view_data(struct tui *tui, const struct view *v)
{
	size_t	 idx = (size_t)tui_view_index(v);

	if (tui->view_data[idx] == NULL && v->init != NULL)
		tui->view_data[idx] = v->init(tui);
	return (tui->view_data[idx]);
}

void
tui_views_free(struct tui *tui)
{
	const struct view	*v;
	size_t			 i;

	for (i = 0; i < tui_nviews; i++) {
		v = tui_views[i];
		if (tui->view_data[i] == NULL)
			continue;
		if (v->free != NULL)
			v->free(tui->view_data[i]);
		else
			free(tui->view_data[i]);
		tui->view_data[i] = NULL;
	}
}

void
tui_set_view(struct tui *tui, const struct view *v)
{
	if (v == tui->view)
		return;
	if (tui->view != &view_help)
		tui->prev = tui->view;
	if (tui->view != NULL && tui->view->leave != NULL)
		tui->view->leave(tui);
	/* Each view keeps its own filter (k9s): put this one's away. */
	if (tui->view != NULL)
		strlcpy_pt(tui->filters[tui_view_index(tui->view)],
		    tui->filter, sizeof tui->filters[0]);
	tui->view = v;
	tui->filtering = 0;
	strlcpy_pt(tui->filter, tui->filters[tui_view_index(v)],
	    sizeof tui->filter);
	if (v->enter != NULL)
		v->enter(tui);
}

void
tui_set_filter(struct tui *tui, const char *s)
{
	size_t	 idx = (size_t)tui_view_index(tui->view);

	if (s == NULL)
		tui->filter[0] = '\0';
	else if (s != tui->filter)
		strlcpy_pt(tui->filter, s, sizeof tui->filter);
	tui->cursor[idx] = 0;
	tui->scroll[idx] = 0;
	tui->selected[idx][0] = '\0';
}

const char *
tui_filter(struct tui *tui)
{
	if (tui->filter[0] == '\0')
		return (NULL);
	return (tui->filter);
}

/* Case-insensitive (ASCII) substring match of the filter in text. */
int
tui_match(struct tui *tui, const char *text)
{
	const char	*f = tui_filter(tui), *t;
	size_t		 flen, i;

	if (f == NULL)
		return (1);
	if (text == NULL)
		return (0);
	flen = strlen(f);
	for (t = text; *t != '\0'; t++) {
		for (i = 0; i < flen && t[i] != '\0'; i++) {
			if (tolower((unsigned char)t[i]) !=
			    tolower((unsigned char)f[i]))
				break;
		}
		if (i == flen)
			return (1);
	}
	return (0);
}

/*
 * The selection follows the item (htop, k9s): find the remembered key's
 * row again and move the cursor there, and the scroll by as much, so a
 * row arriving above (a newer event) leaves the selected row where it was
 * on the screen.  Gone: the row index stays, clamped.
 */
void
tui_select(struct tui *tui, const struct view *v, const void *list,
    size_t n)
{
	size_t	 idx = (size_t)tui_view_index(v), i, *cur, *scr;
	char	 key[sizeof tui->selected[0]];

	if (v->key == NULL)
		return;
	cur = &tui->cursor[idx];
	scr = &tui->scroll[idx];
	for (i = 0; tui->selected[idx][0] != '\0' && i < n; i++) {
		v->key(list, i, key, sizeof key);
		if (strcmp(key, tui->selected[idx]) != 0)
			continue;
		if (i > *cur)
			*scr += i - *cur;
		else
			*scr = *scr > *cur - i ? *scr - (*cur - i) : 0;
		*cur = i;
		break;
	}
	if (n > 0 && *cur >= n)
		*cur = n - 1;
	if (*cur < n)
		v->key(list, *cur, tui->selected[idx],
		    sizeof tui->selected[idx]);
	else
		tui->selected[idx][0] = '\0';
}

/* The cursor moved by row: read the list again to take the new row's key
 * now, before an update can move that row. */
void
tui_select_moved(struct tui *tui, const struct view *v)
{
	tui->selected[tui_view_index(v)][0] = '\0';
	if (v->key != NULL && v->rows != NULL)
		v->rows(tui);
}

/*
 * Sorting by column (htop's , and . or F6, I to reverse).  The order is
 * the view's: cmp knows what "worst first" means for its State column;
 * here only the column, the direction and stability are decided.
 */
int
tui_sort_col(struct tui *tui, const struct view *v, int *reverse)
{
	size_t	 idx = (size_t)tui_view_index(v);
	int	 col = tui->sort_col[idx] - 1;

	if (col < 0 || (size_t)col >= v->ncols)
		col = v->sort_default;
	if (reverse != NULL)
		*reverse = tui->sort_rev[idx];
	return (col);
}

/* A and b by the sort column, reversed maybe, ties by the default's. */
static int
tui_sort_cmp(const struct view *v, int col, int rev, const void *a,
    const void *b)
{
	int	 c;

	c = v->cmp(a, b, col);
	if (rev)
		c = -c;
	if (c == 0 && col != v->sort_default)
		c = v->cmp(a, b, v->sort_default);
	return (c);
}

/* Merge sort of n rows at base through tmp: stable, unlike qsort(3). */
static void
tui_sort_merge(const struct view *v, int col, int rev, char *base,
    char *tmp, size_t n, size_t size)
{
	size_t	 half = n / 2, i = 0, j = half, k = 0;

	if (n < 2)
		return;
	tui_sort_merge(v, col, rev, base, tmp, half, size);
	tui_sort_merge(v, col, rev, base + half * size, tmp, n - half, size);
	while (i < half && j < n) {
		/* The left one on a tie: that is what keeps it stable. */
		if (tui_sort_cmp(v, col, rev, base + j * size,
		    base + i * size) < 0)
			memcpy(tmp + k++ * size, base + j++ * size, size);
		else
			memcpy(tmp + k++ * size, base + i++ * size, size);
	}
	if (i < half)
		memcpy(tmp + k * size, base + i * size, (half - i) * size);
	else if (j < n)
		memcpy(tmp + k * size, base + j * size, (n - j) * size);
	memcpy(base, tmp, n * size);
}

void
tui_sort(struct tui *tui, const struct view *v, void *base, size_t n,
    size_t size)
{
	char	*tmp;
	int	 col, rev;

	if (v->cmp == NULL || n < 2)
		return;
	col = tui_sort_col(tui, v, &rev);
	tmp = xcalloc(n, size);
	tui_sort_merge(v, col, rev, base, tmp, n, size);
	free(tmp);
}

/*
 * The next or previous sort column among those shown at this width, or
 * the order reversed (dir 0).  The cursor stays on its item: tui_select()
 * finds its key in the list sorted the new way.
 */
int
tui_sort_step(struct tui *tui, int dir)
{
	const struct view	*v = tui->view;
	size_t			 idx = (size_t)tui_view_index(v), k;
	int			 widths[32], col;

	if (v->cmp == NULL || v->cols == NULL || v->ncols > nitems(widths))
		return (ACT_NONE);
	col = tui_sort_col(tui, v, NULL);
	if (dir == 0)
		tui->sort_rev[idx] = !tui->sort_rev[idx];
	else {
		draw_layout(v->cols, v->ncols, tui->sx, widths);
		for (k = 0; k < v->ncols; k++) {
			col = (col + (int)v->ncols + (dir > 0 ? 1 : -1)) %
			    (int)v->ncols;
			if (widths[col] > 0 &&
			    !(v->cols[col].flags & DC_NOSORT))
				break;
		}
		tui->sort_col[idx] = col + 1;
		tui->sort_rev[idx] = 0;
	}
	return (ACT_REDRAW);
}

void
tui_draw_header(struct tui *tui, const struct view *v, int y,
    const struct draw_col *cols, const int *widths)
{
	int	 col, rev;

	col = tui_sort_col(tui, v, &rev);
	draw_header_sort(tui, y, cols, v->ncols, widths,
	    v->cmp != NULL ? col : -1, rev);
}

int
tui_body_rows(struct tui *tui)
{
	return (tui->sy > 2 ? tui->sy - 2 : 0);
}

/*
 * " 5 Prefixes ", " ? Help ": a view's tab in the title bar; compact 1,
 * the others' keys only, 2 every one's.  Branch detail has no key of
 * its own, so its tab shows only while it is open.
 */
static void
tui_title_tab(struct tui *tui, const struct view *v, size_t i, int compact,
    char *buf, size_t len)
{
	if (v == &view_branch)		/* its page names the branch */
		snprintf(buf, len, "%s", tui->view == v && compact < 2 ?
		    " Branch " : "");
	else if (v == &view_turnup && tui->view != v &&
	    !view_turnup_active(tui))	/* key 6 opens it anyway */
		snprintf(buf, len, "%s", "");
	else if (v == &view_help)
		snprintf(buf, len, compact > 1 || (compact &&
		    tui->view != v) ? " ? " : " ? %s ", v->title);
	else if (compact > 1 || (compact && tui->view != v))
		snprintf(buf, len, " %zu ", i + 1);
	else if (v == &view_events && view_events_showing_open(tui))
		snprintf(buf, len, " %zu Open events ", i + 1);	/* o */
	else
		snprintf(buf, len, " %zu %s ", i + 1, v->title);
}

/*
 * The title bar's right end: the first of the n texts that fits
 * (" X CRITICAL: hijack london-office ", " X CRIT hijack "), else the last
 * one cut.  Returns the columns it took.
 */
static int
tui_draw_title_right(struct tui *tui, int x, char (*texts)[160], size_t n,
    enum color_role role)
{
	size_t	 i;
	int	 w = 0;

	for (i = 0; i < n; i++) {
		w = draw_width(tui, texts[i]);
		if (x + 1 + w <= tui->sx)
			break;
	}
	if (i == n) {
		i = n - 1;
		w = tui->sx - x - 1;
	}
	if (w <= 4)
		return (0);
	draw_text_attr(tui, 0, tui->sx - w, w,
	    draw_attr(tui, role) | A_REVERSE, texts[i]);
	return (w);
}

/*
 * What nobody has acknowledged yet, for the title bar, longest first:
 * " 2 crit 1 err unack'd ", " 2C 1E unack'd ".  The number of texts
 * (0: nothing waits) and their role.
 */
static size_t
tui_title_unacked(struct tui *tui, char (*texts)[32], enum color_role *role)
{
	unsigned	 nc, ne;
	char		 c[16] = "", e[16] = "", cs[16] = "", es[16] = "";

	nc = model_open_unacked(tui->model, LVL_CRITICAL);
	ne = model_open_unacked(tui->model, LVL_ERROR);
	if (nc + ne == 0)
		return (0);
	if (nc > 0) {
		snprintf(c, sizeof c, " %u crit", nc);
		snprintf(cs, sizeof cs, " %uC", nc);
	}
	if (ne > 0) {
		snprintf(e, sizeof e, " %u err", ne);
		snprintf(es, sizeof es, " %uE", ne);
	}
	snprintf(texts[0], sizeof texts[0], "%s%s unack'd ", c, e);
	snprintf(texts[1], sizeof texts[1], "%s%s unack'd ", cs, es);
	*role = draw_level_role(nc > 0 ? LVL_CRITICAL : LVL_ERROR);
	return (2);
}

/*
 * The worst open condition, the newest of equals; NULL when none.  A
 * branch's conditions are in its health already; one worse than every
 * branch belongs to none (a collector down).
 */
static const struct condition *
tui_title_condition(const struct model *m)
{
	const struct condition	*c, *oc = NULL;
	size_t			 i;

	for (i = 0; i < m->nconds; i++) {
		c = &m->conds[i];
		if (oc == NULL || c->level > oc->level ||
		    (c->level == oc->level && c->opened_ms > oc->opened_ms))
			oc = c;
	}
	return (oc);
}

/*
 * The title bar's texts for the worst thing in the system, longest
 * first: an open condition worse than every branch, a branch's health
 * when it is worse than every partner's redundancy (and how many more
 * branches are as bad), else the worst redundancy.  The number of texts
 * (0: all is quiet) and their role.
 */
static size_t
tui_title_worst(struct tui *tui, char (*texts)[160], enum color_role *role)
{
	struct model		*m = tui->model;
	struct partner		*p, *worst = NULL;
	const struct branch	*hb;
	const struct condition	*oc;
	struct health		 h;
	char			 more[16] = "";
	const char		*glyph, *what, *subject, *about = "";
	size_t			 i, nworst = 0, nsame = 0;
	enum level		 level;
	int			 rank, wrank = -1;
	static const int red_rank[] = {
		[RED_UNKNOWN] = 1, [RED_REDUNDANT] = 0, [RED_NOBACKUP] = 2,
		[RED_DEGRADED] = 3, [RED_DOWN] = 4,
	};

	for (i = 0; i < m->npartners; i++) {
		p = m->partners[i];
		rank = (p->red < nitems(red_rank)) ? red_rank[p->red] : 1;
		if (p->red == RED_DOWN && p->turnup)
			rank = red_rank[RED_DEGRADED];	/* a Warning */
		if (rank > wrank) {
			wrank = rank;
			worst = p;
			nworst = 1;
		} else if (rank == wrank)
			nworst++;
	}
	hb = health_worst_n(m, &h, &nsame);
	oc = tui_title_condition(m);
	if (oc != NULL && oc->level > (hb != NULL ? h.level : LVL_INFO) &&
	    (worst == NULL || oc->level > health_red_level(worst))) {
		level = oc->level;
		what = condition_kinds[oc->kind].opens[0];
		subject = oc->subject;
	} else if (hb != NULL && h.kind != HK_REDUNDANCY && (worst == NULL ||
	    h.level > health_red_level(worst))) {
		level = h.level;
		what = h.what;
		about = h.subject;	/* "81.2.69.0/24" */
		subject = hb->name;
		if (nsame > 0)
			snprintf(more, sizeof more, " +%zu", nsame);
	} else if (worst != NULL) {
		/* The worst state and who is in it; the state when narrow. */
		glyph = draw_glyph(tui, draw_red_glyph(worst->red));
		if (nworst > 1)
			snprintf(more, sizeof more, " +%zu", nworst - 1);
		snprintf(texts[0], sizeof texts[0], " %s %s %s%s ", glyph,
		    redundancy_name(worst->red), worst->name, more);
		snprintf(texts[1], sizeof texts[1], " %s %s ", glyph,
		    redundancy_name(worst->red));
		*role = draw_red_role(worst->red == RED_DOWN && worst->turnup ?
		    RED_DEGRADED : worst->red);
		return (2);
	} else
		return (0);

	glyph = draw_glyph(tui, draw_level_glyph(level));
	snprintf(texts[0], sizeof texts[0], " %s %s: %s%s%s %s%s ", glyph,
	    draw_level_word(level, 0, 1), what, *about != '\0' ? " " : "",
	    about, subject, more);
	snprintf(texts[1], sizeof texts[1], " %s %s %s %s%s ", glyph,
	    draw_level_word(level, 0, 0), what, subject, more);
	snprintf(texts[2], sizeof texts[2], " %s %s %s ", glyph,
	    draw_level_word(level, 0, 0), what);
	snprintf(texts[3], sizeof texts[3], " %s %s ", glyph,
	    draw_level_word(level, 0, 1));
	*role = draw_level_role(level);
	return (4);
}

/*
 * Row 0: name, view tabs, what nobody has acknowledged and the worst
 * thing in the system.  The name goes first when there is room for it
 * beside every tab and the worst state; when the worst thing and where
 * it is would not fit beside every tab (80 columns), the other tabs
 * shrink to their keys ("2 3 4 5 ?"): what is wrong matters more than
 * the tabs' names, which Help has.  The unacknowledged count goes left
 * of the worst thing only while that still says what and where (its
 * first two texts): it never pushes the worst thing out.
 */
void
tui_draw_title(struct tui *tui)
{
	char		 tab[32], texts[4][160], unack[2][32];
	enum color_role	 role = CR_TITLE, urole = CR_CRIT;
	size_t		 i, n, nu;
	int		 x, w, u, uw = 0, compact;

	n = tui_title_worst(tui, texts, &role);
	nu = tui_title_unacked(tui, unack, &urole);
	if (nu > 0)
		uw = draw_width(tui, unack[1]);
	compact = tui_title_compact(tui, texts, n, role, uw);
	draw_text(tui, 0, 0, tui->sx, CR_TITLE, "");
	x = tui_title_tabs(tui, compact);
	if (!compact && x + 9 + 13 + uw <= tui->sx) {
		draw_text(tui, 0, 0, 9, CR_TITLE, " peertop ");
		x = 9;
	} else
		x = 0;
	for (i = 0; i < tui_nviews; i++) {
		tui_title_tab(tui, tui_views[i], i, compact, tab, sizeof tab);
		w = draw_width(tui, tab);
		if (x + w > tui->sx)
			break;
		draw_text_attr(tui, 0, x, w, tui_views[i] == tui->view ?
		    draw_attr(tui, CR_SELECTED) | A_BOLD :
		    draw_attr(tui, CR_TITLE), tab);
		x += w;
	}
	u = tui_title_unack_fit(tui, x, texts, n, unack, nu);
	uw = u >= 0 ? draw_width(tui, unack[u]) : 0;
	w = n > 0 ? tui_draw_title_right(tui, x + uw, texts, n, role) : 0;
	if (uw > 0)
		draw_text_attr(tui, 0, tui->sx - w - uw, uw,
		    draw_attr(tui, urole) | A_BOLD, unack[u]);
}

/*
 * How far the tabs shrink (tui_title_tab()) for the worst thing and
 * what nobody has acknowledged (uw columns, 0: nothing): with nothing
 * unacknowledged, to their keys when the worst thing's where would not
 * fit beside them; else as little as lets the longest worst text fit
 * beside the count, else the second (what and where).
 */
static int
tui_title_compact(struct tui *tui, char (*texts)[160], size_t n,
    enum color_role role, int uw)
{
	int	 c, t, w, where = tui_title_where(n);

	if (n == 0 || role == CR_OK)
		return (0);
	for (t = 0; uw > 0 && t <= where; t++) {
		w = 1 + draw_width(tui, texts[t]) + uw;
		for (c = 0; c <= 2; c++)
			if (tui_title_tabs(tui, c) + w <= tui->sx)
				return (c);
	}
	return (tui_title_tabs(tui, 0) + 1 + draw_width(tui, texts[where]) >
	    tui->sx);
}

/*
 * The shortest of the worst thing's n texts that still says what and
 * where: the second of a condition's four ("✖ CRIT DOWN northwind-net"),
 * the first of a redundancy's two (the second is the state alone).
 */
static int
tui_title_where(size_t n)
{
	return (n >= 4 ? 1 : 0);
}

/*
 * Which of the nu unacknowledged texts goes left of the worst thing,
 * the tabs ending at x: the longest that leaves the worst thing the
 * text the shortest would; -1, none, when even the shortest would push
 * out the worst thing's where (its first two texts).
 */
static int
tui_title_unack_fit(struct tui *tui, int x, char (*texts)[160], size_t n,
    char (*unack)[32], size_t nu)
{
	int	 u, t, nt = n > 0 ? tui_title_where(n) + 1 : 0, ww = 0;

	if (nu == 0)
		return (-1);
	for (t = 0; t < nt; t++) {
		ww = draw_width(tui, texts[t]);
		if (x + 1 + ww + draw_width(tui, unack[nu - 1]) <= tui->sx)
			break;
	}
	if (nt > 0 && t == nt)
		return (-1);
	for (u = 0; u < (int)nu; u++)
		if (x + 1 + ww + draw_width(tui, unack[u]) <= tui->sx)
			return (u);
	return (-1);
}

/* The tabs' width at a compact level. */
static int
tui_title_tabs(struct tui *tui, int compact)
{
	char	 tab[32];
	size_t	 i;
	int	 x = 0;

	for (i = 0; i < tui_nviews; i++) {
		tui_title_tab(tui, tui_views[i], i, compact, tab, sizeof tab);
		x += draw_width(tui, tab);
	}
	return (x);
}

/*
 * Last row: the filter prompt while typing; otherwise each collector with
 * its state word and age, event counts by level, the store error and the
 * clock on the right.
 */
/* One message of the status bar from column x, cut at limit: the next x. */
static int
tui_status_item(struct tui *tui, int y, int x, int limit,
    enum color_role role, const char *prefix, const char *text)
{
	char	 item[256];
	int	 w;

	snprintf(item, sizeof item, "%s%s ", prefix, text);
	w = draw_width(tui, item);
	if (w > limit - x)
		w = limit - x;
	draw_text(tui, y, x, w, role, item);
	return (x + w);
}

static void
tui_draw_status(struct tui *tui)
{
	char			 right[128], item[160], clock[FMT_TIME_LEN];
	char			 open[48], day[64];
	const char		*err;
	enum color_role		 orole;
	int			 y = tui->sy - 1, x = 0, w, rw, ow, limit;

	if (cmdline_draw(tui, y))
		return;
	if (tui->filtering) {
		snprintf(item, sizeof item, "/%s_", tui->filter);
		draw_text(tui, y, 0, tui->sx, CR_FILTER, item);
		return;
	}
	if (tui->replay != NULL) {
		tui_replay_draw_status(tui, y);
		return;
	}

	fmt_time(clock, sizeof clock, now_wall_ms(), FMT_TIME_CLOCKZ);
	/* What is open now beside the day's log (view-events.c). */
	orole = view_events_counts(tui, open, sizeof open, day, sizeof day);
	/* Narrow: the collectors need the room more than the day's log,
	 * which the Events view's header keeps. */
	if (tui->sx < 120)
		snprintf(right, sizeof right, " %s %s", open, clock);
	else
		snprintf(right, sizeof right, " %s | %s %s", open, day, clock);
	rw = draw_width(tui, right);
	if (rw > tui->sx)
		rw = tui->sx;
	limit = tui->sx - rw;

	draw_text(tui, y, 0, limit, CR_STATUS, "");
	if (tui_filter(tui) != NULL) {
		snprintf(item, sizeof item, "[/%s] ", tui->filter);
		w = draw_width(tui, item);
		if (x + w <= limit) {
			draw_text(tui, y, x, w, CR_FILTER, item);
			x += w;
		}
	}
	if (tui->note != NULL)
		x = tui_status_item(tui, y, x, limit, CR_WARN, "", tui->note);
	if (tui->detached)
		x = tui_status_item(tui, y, x, limit, CR_CRIT, "",
		    tui->attach_status);
	err = tui->store_error;
	if (tui->store_status != NULL)
		err = tui->store_status(tui->store_status_arg);
	if (err != NULL && *err != '\0')
		x = tui_status_item(tui, y, x, limit, CR_CRIT, "store: ", err);
	/* Detached, their states are the last picture's: not news.
	 * Attached, say so: this dashboard is not the collector. */
	if (!tui->detached && tui->attached && x + 9 < limit) {
		draw_text(tui, y, x, 9, CR_STATUS, "attached ");
		x += 9;
	}
	if (!tui->detached)
		tui_draw_collectors(tui, y, x, limit);
	draw_text(tui, y, tui->sx - rw, rw, CR_STATUS, right);
	snprintf(item, sizeof item, " %s", open);
	ow = draw_width(tui, item);
	if (ow < rw)
		draw_text(tui, y, tui->sx - rw, ow, orole, item);
}

/*
 * The status bar's collectors from column x up to limit: every one with
 * its age when they fit; otherwise the ones not up (they are the news)
 * and a count of those that are.
 */
static void
tui_draw_collectors(struct tui *tui, int y, int x, int limit)
{
	struct model		*m = tui->model;
	struct collector	*c;
	char			 item[160], summary[64];
	enum color_role		 role;
	uint64_t		 now = now_mono_ms();
	size_t			 i, nup;
	int			 w, sw, total, compact;

	total = 0;
	nup = 0;
	for (i = 0; i < m->ncollectors; i++) {
		c = m->collectors[i];
		tui_collector_item(c, now, item, sizeof item, &role);
		total += draw_width(tui, item) + 2;
		nup += (c->state == COL_UP && c->nparts_up >= c->nparts);
	}
	compact = (x + total > limit);
	summary[0] = '\0';
	if (compact)
		snprintf(summary, sizeof summary, "%zu/%zu collectors up", nup,
		    m->ncollectors);
	sw = draw_width(tui, summary);
	for (i = 0; i < m->ncollectors; i++) {
		c = m->collectors[i];
		if (compact && c->state == COL_UP && c->nparts_up >= c->nparts)
			continue;
		tui_collector_item(c, now, item, sizeof item, &role);
		w = draw_width(tui, item);
		if (x + w + 2 + sw > limit)
			break;
		draw_text(tui, y, x, w, role, item);
		x += w + 2;
	}
	if (compact && x + sw <= limit)
		draw_text(tui, y, x, sw, nup == m->ncollectors ? CR_STATUS :
		    CR_CRIT, summary);
}

/* "bird sea-r1 DOWN 35s" and its role: state as a word, not only colour. */
static void
tui_collector_item(const struct collector *c, uint64_t now, char *buf,
    size_t len, enum color_role *role)
{
	const char	*word;
	char		 age[16], parts[48];

	switch (c->state) {
	case COL_UP:
		word = "up";
		*role = CR_STATUS;
		if (c->nparts_up < c->nparts) {
			/* bmp: a router went away ("up 1/2 routers"). */
			snprintf(parts, sizeof parts, "up %zu/%zu routers",
			    c->nparts_up, c->nparts);
			word = parts;
			*role = CR_WARN;
		}
		break;
	case COL_DOWN:
		word = "DOWN";
		*role = CR_CRIT;
		break;
	default:
		word = "starting";
		*role = CR_STALE;
		break;
	}
	fmt_duration(age, sizeof age, c->state_mono != 0 &&
	    now > c->state_mono ? (int64_t)((now - c->state_mono) / 1000) : 0);
	snprintf(buf, len, "%s %s %s", c->name, word, age);
}

/* Below 80x24: one line and nothing else, at any size down to 1x1. */
static void
tui_draw_small(struct tui *tui)
{
	char	 line[128];
	int	 y;

	snprintf(line, sizeof line,
	    "peertop: terminal too small (%dx%d), need %dx%d",
	    tui->sx, tui->sy, TUI_MIN_X, TUI_MIN_Y);
	for (y = 0; y < tui->sy; y++)
		draw_text(tui, y, 0, tui->sx, CR_NORMAL, y == 0 ? line : "");
}

static void
tui_redraw(struct tui *tui)
{
	int	 h;

	if (!tui_state.active)
		return;
	/*
	 * The terminal may have changed size before SIGWINCH arrives: what
	 * would be drawn at the old width wraps on the new one, and curses,
	 * which sends only changes, would leave it there.  Ask the terminal
	 * its size on every redraw, and repaint every cell after a resize.
	 */
	if (tui_state.resized || tui_size_changed(tui)) {
		tui_state.resized = 0;
		tui_resize(tui);
		tui_state.repaint = 1;
	}
	if (tui_state.repaint) {
		tui_state.repaint = 0;
		clearok(curscr, TRUE);
	}

	tui->too_small = (tui->sx < TUI_MIN_X || tui->sy < TUI_MIN_Y);
	if (tui->sx <= 0 || tui->sy <= 0)
		return;
	if (tui->too_small)
		tui_draw_small(tui);
	else {
		tui_draw_title(tui);
		h = tui_body_rows(tui);
		tui->view->draw(tui, 1, h, tui->sx);
		tui_draw_status(tui);
	}
	tui->model->dirty = 0;
	wnoutrefresh(stdscr);
	doupdate();
	tui_state.drawn_ms = now_mono_ms();
}
