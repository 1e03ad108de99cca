/* SPDX-License-Identifier: ISC */
/*
 * peertop: start-up and the modes of the program.  Loads the edge
 * catalogue, the configuration and the GeoIP databases into the model,
 * opens the history, starts the collectors on one libevent loop and then
 * either runs the dashboard, runs headless (collect and record only),
 * prints the model once (--once) or just checks the configuration (-n).
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "core/api.h"
#include "core/collector.h"
#include "core/control.h"
#include "core/control-client.h"
#include "core/condition.h"
#include "core/config.h"
#include "core/eval.h"
#include "core/geo.h"
#include "core/health.h"
#include "core/latency-mon.h"
#include "core/output.h"
#include "core/latency-probe.h"
#include "core/metrics-http.h"
#include "core/notify.h"
#include "core/reload.h"
#include "core/replay.h"
#include "core/rib.h"
#include "core/routemon.h"
#include "core/sdnotify.h"
#include "core/store.h"
#include "core/turnup.h"
#include "core/world.h"
#include "tui/attach.h"
#include "tui/tui.h"

#ifndef PEERTOP_DATADIR
#define PEERTOP_DATADIR "/usr/local/share/peertop"
#endif
#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1"
#endif

#define ONCE_TIMEOUT_MS	10000	/* --once waits at most this for collectors */
#define ONCE_PROBES	5	/* --once sends this many probes per target */
#define ONCE_EVENTS	20	/* recent events printed by --once */
#define STORE_FLUSH_MS	500	/* a crash loses at most about this much */

enum mode { MODE_TUI, MODE_CHECK, MODE_ONCE, MODE_HEADLESS, MODE_WHO };

struct options {
	enum mode	 mode;
	const char	*config;
	const char	*replay;	/* -r FILE */
	const char	*begin, *end;	/* -b/--since, -e/--until */
	const char	*database;
	const char	*output;
	const char	*logfile;
	int		 ascii;
	int		 mono;
	const char	*socket;	/* -S */
	int		 standalone;	/* --standalone */
	const char	*turnup;	/* --turnup PARTNER[/EDGE] */
};

struct once_wait {
	struct model	*m;
	struct event_base *base;
	uint64_t	 deadline;
	struct event	*ev;
};

/*
 * The live program's parts, from the configuration to the event loop:
 * what run_setup() and run_start() make and run_teardown() undoes.
 */
struct run {
	struct options	*o;
	char		*path;		/* the configuration file */
	char		*datadir;
	char		*warnings;	/* GeoIP's, NULL: none */
	struct model	*m;
	struct geo	*geo;
	struct store	*store;		/* the history, NULL: none */
	struct event_base *base;
	struct event	*summaries;	/* log_due() every second */
	struct control	*control;	/* -H: the viewers' socket */
	struct api	*api;		/* -H: the HTTP API, NULL: none */
	struct metrics_http *metrics;	/* -H: GET /metrics, NULL: none */
	struct notify	*notify;	/* -H: notify blocks, NULL: none */
};

static __dead void	usage(int);
static struct event_base *main_base_new(void);
static void		parse_options(int, char **, struct options *);
static void		 load_history(struct model *, const char *);
static void		 once_check_cb(evutil_socket_t, short, void *);
static void		 routes_start(struct model *);
static void		 quit_cb(evutil_socket_t, short, void *);
static void		 summaries_cb(evutil_socket_t, short, void *);
static struct event	*summaries_start(struct event_base *);
static void		 logfile_open(struct options *);
static void		 start_collectors(struct model *, struct event_base *,
			    int);
static const char	*store_status_cb(void *);
static struct model	*model_again(void *, char **);
static int		 replay_main(struct options *);
static int		 dashboard(struct tui *, const char *);
static struct model	*replay_model(struct options *, struct replay *,
			    char **, char **);
static int		 replay_when(const char *, const char *, int64_t,
			    int64_t *);
static int		 run_config(struct run *);
static void		 config_warn(struct run *);
static void		 run_setup(struct run *);
static int		 run_start(struct run *);
static int		 run_once(struct run *);
static void		 run_headless(struct run *);
static int		 run_dashboard(struct run *);
static void		 run_teardown(struct run *);
static int		 attached_main(struct options *);
static struct attach	*attached_wait(struct options *, const char *,
			    const char *, char **);
static int		 once_remote(struct options *, int *);
static int		 who_main(struct options *);
static void		 control_open(struct run *);
static void		 control_precheck(struct run *);
static int		 control_same_history(struct ctlc *, const char *);
static const char	*history_status_cb(void *);
static struct model	*attached_again(void *, char **);
static int		 turnup_option(struct tui *, struct options *);

/* What z needs to build a second model: the file and the GeoIP. */
struct model_again_arg {
	const char	*path;
	struct geo	*geo;
};

/*
 * The loop of every mode: two priorities, the keyboard alone in the
 * first (tui_start() puts it there), everything else in the second, the
 * default.  libevent runs every active callback of a priority before it
 * polls again; with ten BMP routers and the viewers all readable that is
 * one long turn before a key is even seen.  So after 2 ms of callbacks
 * of the second priority it polls again, and a key waiting by then runs
 * before the rest of them (bgpd's RDE likewise goes back to poll() between
 * bounded runs of its queues).
 */
static struct event_base *
main_base_new(void)
{
	struct event_config	*cfg;
	struct event_base	*base;
	struct timeval		 tv = { 0, 2000 };

	if ((cfg = event_config_new()) == NULL ||
	    event_config_set_max_dispatch_interval(cfg, &tv, -1, 1) != 0 ||
	    (base = event_base_new_with_config(cfg)) == NULL ||
	    event_base_priority_init(base, 2) != 0)
		fatalx("event_base_new failed");
	event_config_free(cfg);
	return (base);
}

static __dead void
usage(int status)
{
	FILE	*f = status == 0 ? stdout : stderr;

	fprintf(f,
"usage: peertop [-n] [-c file] [-d database] [-l logfile] [-S socket]\n"
"               [--standalone] [--ascii] [--mono] [--utc]\n"
"               [--turnup partner[/edge]]\n"
"       peertop --once [-o text|json|csv] [-c file] [-S socket] [--utc]\n"
"       peertop -H [-c file] [-d database] [-l logfile] [-S socket]\n"
"       peertop --who [-c file] [-S socket]\n"
"       peertop ack [-c file] [-S socket] id [comment]\n"
"       peertop notify-test [-c file] name[/destination]\n"
"       peertop -r file [-b time] [-e time] [-c file] [--once [-o fmt]]\n"
"       peertop mrt [--dump] [--vrp file [--slurm file]] file ...\n"
"       peertop mrt -c file [-o text|json|csv] [--vrp file] file ...\n"
"       peertop agent [-nv] [-c file]\n"
"       peertop report file [-b time] [-e time] [-o text|csv|json] [--utc]\n"
"       peertop turnup [-c file] [-S socket] [-r file [-b time] [-e time]]\n"
"               [-o text|markdown|json] [--utc] [partner[/edge]]\n"
"\n"
"  -c, --config FILE     configuration file (default: $PEERTOP_CONF,\n"
"                        ~/.config/peertop/peertop.conf, %s/peertop.conf)\n"
"  -n, --check           check the configuration and exit (1 on error)\n"
"  -d, --database FILE   history database (overrides the configuration)\n"
"      --once            print sessions, branches, redundancy, latency and\n"
"                        recent events once and exit 0/1/2\n"
"                        (OK/warning/critical)\n"
"  -o, --output FMT      output format for --once: text (default), json\n"
"                        or csv\n"
"  -H, --headless        the collector service: collect and record history\n"
"                        without the dashboard; viewers attach to its\n"
"                        control socket\n"
"  -S, --socket PATH     the control socket; default: the configuration's\n"
"                        control, $PEERTOP_SOCKET, " CONTROL_PATH_DEFAULT "\n"
"      --standalone      collect in this process even when a collector\n"
"                        answers on the control socket; the dashboard and\n"
"                        --once attach to one by default\n"
"      --who             list the viewers attached to the collector\n"
"      --turnup P[/E]    open on the Turn-up checklist (key 6) of partner\n"
"                        P, or only its sessions at edge E; BIRD is polled\n"
"                        every 500 ms while it is open (standalone)\n"
"  -r, --replay FILE     replay a history read-only: the dashboard as it\n"
"                        was (t/T next/previous change, b jump, p play)\n"
"  -b, --since TIME      replay from TIME (also --begin): see TIME below\n"
"  -e, --until TIME      replay up to TIME (also --end)\n"
"  -l, --log FILE        append the log to FILE (opened first: exit 1 if\n"
"                        it cannot be)\n"
"      --ascii           ASCII only (no UTF-8 line or Braille glyphs)\n"
"      --mono            no colours (also when NO_COLOR is set)\n"
"      --utc             show and read times in UTC, not in local time\n"
"  -V, --version         print the version\n"
"  -h, --help            this help\n"
"\n"
"TIME: 2026-11-25 10:00[:00] or 2026-11-25T10:00, in local time (UTC\n"
"with --utc) unless a zone follows (Z, UTC, +05:30, EST); hh:mm on the\n"
"day of the newest record; -15m, +2h, -1d from the newest record.\n"
"Times are shown in the same zone, named; JSON and CSV write ISO 8601\n"
"in UTC (Z).  See TIME in peertop(1).\n"
"\n"
"Keys in the dashboard: ? shows them all; q quits, Q quits and prints a\n"
"snapshot.  See peertop(1) and peertop.conf(5).\n",
#ifdef PEERTOP_SYSCONFDIR
	    PEERTOP_SYSCONFDIR
#else
	    "/etc"
#endif
	    );
	exit(status);
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "config",	required_argument,	NULL, 'c' },
		{ "check",	no_argument,		NULL, 'n' },
		{ "database",	required_argument,	NULL, 'd' },
		{ "once",	no_argument,		NULL, '1' },
		{ "output",	required_argument,	NULL, 'o' },
		{ "headless",	no_argument,		NULL, 'H' },
		{ "log",	required_argument,	NULL, 'l' },
		{ "replay",	required_argument,	NULL, 'r' },
		{ "begin",	required_argument,	NULL, 'b' },
		{ "since",	required_argument,	NULL, 'b' },
		{ "end",	required_argument,	NULL, 'e' },
		{ "until",	required_argument,	NULL, 'e' },
		{ "utc",	no_argument,		NULL, 'u' },
		{ "ascii",	no_argument,		NULL, 'a' },
		{ "mono",	no_argument,		NULL, 'm' },
		{ "version",	no_argument,		NULL, 'V' },
		{ "socket",	required_argument,	NULL, 'S' },
		{ "standalone",	no_argument,		NULL, 's' },
		{ "who",	no_argument,		NULL, 'w' },
		{ "turnup",	required_argument,	NULL, 't' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int	 ch;

	memset(o, 0, sizeof *o);
	o->output = "text";
	while ((ch = getopt_long(argc, argv, "c:nd:o:Hl:r:b:e:S:Vh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			o->config = optarg;
			break;
		case 'n':
			o->mode = MODE_CHECK;
			break;
		case 'd':
			o->database = optarg;
			break;
		case '1':
			o->mode = MODE_ONCE;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'H':
			o->mode = MODE_HEADLESS;
			break;
		case 'l':
			o->logfile = optarg;
			break;
		case 'r':
			o->replay = optarg;
			break;
		case 'b':
			o->begin = optarg;
			break;
		case 'e':
			o->end = optarg;
			break;
		case 'a':
			o->ascii = 1;
			break;
		case 'm':
			o->mono = 1;
			break;
		case 'u':
			time_set_utc(1);
			break;
		case 'S':
			o->socket = optarg;
			break;
		case 's':
			o->standalone = 1;
			break;
		case 'w':
			o->mode = MODE_WHO;
			break;
		case 't':
			o->turnup = optarg;
			break;
		case 'V':
			printf("peertop %s\n", PACKAGE_VERSION);
			exit(0);
		case 'h':
			usage(0);
		default:
			usage(2);
		}
	}
	if (optind != argc)
		usage(2);
	if ((o->begin != NULL || o->end != NULL) && o->replay == NULL) {
		fprintf(stderr, "peertop: -b/--since and -e/--until go with "
		    "-r FILE\n");
		exit(2);
	}
	if (o->replay != NULL && o->mode != MODE_TUI && o->mode != MODE_ONCE) {
		fprintf(stderr, "peertop: -r replays in the dashboard or "
		    "with --once\n");
		exit(2);
	}
	if (output_find(o->output) == NULL) {
		fprintf(stderr, "peertop: unknown output format \"%s\", "
		    "expected text, json or csv\n", o->output);
		exit(2);
	}
	if (getenv("NO_COLOR") != NULL && *getenv("NO_COLOR") != '\0')
		o->mono = 1;
}


/*
 * The RIB and the route monitor, when there are routes to watch (a bmp
 * collector feeds the RIB) or prefixes to report on; the first pass
 * fills the prefixes' session counts (nothing is raised without routes).
 */
static void
routes_start(struct model *m)
{
	struct rib	*rib;
	size_t		 i, n = 0;
	int		 bmp = 0;

	for (i = 0; i < m->nbranches; i++)
		n += m->branches[i]->nprefixes;
	for (i = 0; i < m->ncollectors; i++)
		if (strcmp(m->collectors[i]->ops->name, "bmp") == 0)
			bmp = 1;
	if (!bmp && n == 0)
		return;
	rib = rib_new();
	routemon_new(m, rib);
}

/* Prefill the event list from the history so the Events view has context. */
static void
load_history(struct model *m, const char *path)
{
	struct store	*s;
	struct event	*evs;
	char		*cause = NULL;
	size_t		 i, n;

	if (path == NULL || access(path, R_OK) != 0)
		return;
	if ((s = store_open(path, 1, &cause)) == NULL) {
		free(cause);
		return;
	}
	evs = xcalloc(MODEL_EVENTS_MAX, sizeof *evs);
	n = store_recent_events(s, evs, MODEL_EVENTS_MAX);
	for (i = 0; i < n; i++)
		model_event_add(m, &evs[i]);
	/* An earlier run's: what it left open is not known to be now. */
	condition_end(m);
	/* New events number on from the newest stored (the same #id live
	 * and in a replay of this file). */
	if (store_last_event_id(s) > m->evseq)
		m->evseq = store_last_event_id(s);
	free(evs);
	store_close(s);
}

/*
 * Each collector; one that cannot start is down and says why.  A
 * headless collector (strict) whose listener's port is taken exits
 * instead: another collector has it, and routers and agents would reach
 * that one, not this.
 */
static void
start_collectors(struct model *m, struct event_base *base, int strict)
{
	struct collector	*c;
	char			*cause;
	size_t			 i;

	for (i = 0; i < m->ncollectors; i++) {
		c = m->collectors[i];
		cause = NULL;
		errno = 0;
		if (c->ops->start(c, m, base, &cause) != 0) {
			if (strict && errno == EADDRINUSE) {
				fprintf(stderr, "peertop: %s: the port is "
				    "taken (another peertop -H?); a headless "
				    "collector needs its listeners, not "
				    "starting\n", cause != NULL ? cause :
				    c->name);
				exit(1);
			}
			log_warnx("%s: %s", c->name, cause != NULL ? cause :
			    "cannot start");
			model_collector_state(m, c, COL_DOWN, cause);
			free(cause);
		}
	}
}

/* --once: stop when every collector has answered (or failed), or later. */
static void
once_check_cb(evutil_socket_t fd, short what, void *arg)
{
	struct once_wait	*w = arg;

	/* model_synced(): a bmp collector waits for End-of-RIB too. */
	if (!model_synced(w->m) && now_mono_ms() < w->deadline)
		return;
	event_base_loopbreak(w->base);
}

/* The status bar asks on every redraw: disk full shows while it lasts. */
static const char *
store_status_cb(void *arg)
{
	return (store_error(arg));
}

/*
 * The control socket a viewer, --once, --who or ack asks: -S, else the
 * configuration's control (when there is a configuration to read),
 * else $PEERTOP_SOCKET, else the default; and in *expected (may be
 * NULL) whether a collector should be answering there even when none
 * does: the configuration names its control socket, or the default
 * one's directory exists (systemd's RuntimeDirectory, kept across a
 * restart).  A dashboard must not then
 * collect in its own process: it would take the collector's history and
 * listeners while the service restarts.
 */
char *
tui_socket_path(const char *socket, const char *config, int *expected)
{
	struct model	*m = NULL;
	struct stat	 st;
	char		*cfg, *cause = NULL, *path;

	if (socket == NULL) {
		cfg = config != NULL ? xstrdup(config) :
		    config_default_path();
		if (cfg != NULL && access(cfg, R_OK) == 0)
			m = config_load(cfg, NULL, NULL, &cause);
		free(cause);
		free(cfg);
	}
	path = control_path(m, socket);
	if (expected != NULL)
		*expected = (m != NULL && m->control.set) ||
		    (strcmp(path, CONTROL_PATH_DEFAULT) == 0 &&
		    stat(CONTROL_RUN_DIR, &st) == 0 && S_ISDIR(st.st_mode));
	model_free(m);
	return (path);
}

/* z in an attached viewer: the collector's configuration again. */
static struct model *
attached_again(void *arg, char **cause)
{
	return (attach_model_new(arg, cause));
}

/*
 * A collector is expected on path but does not answer (restarting, or
 * stopped): the configuration's model, waiting for it.  NULL when there
 * is no configuration to draw.
 */
static struct attach *
attached_wait(struct options *o, const char *path, const char *why,
    char **datadir)
{
	struct model	*m;
	char		*cfg, *cause = NULL;

	cfg = o->config != NULL ? xstrdup(o->config) : config_default_path();
	if (cfg == NULL || (m = config_load(cfg, NULL, datadir, &cause)) ==
	    NULL) {
		free(cause);
		free(cfg);
		return (NULL);
	}
	m->config_file = cfg;
	m->replica = 1;
	return (attach_waiting(path, m, why));
}

/*
 * The dashboard attached to a running collector.  -1 when nobody
 * listens on the socket and none was named (the caller runs
 * standalone), else the exit status.
 */
static int
attached_main(struct options *o)
{
	struct attach		*a;
	struct model		*m;
	struct store		*store = NULL;
	struct event_base	*base;
	struct event		*tick;
	struct tui		 tui;
	char			*path, *cause = NULL, *datadir = NULL;
	int			 absent = 0, status, expected;

	path = tui_socket_path(o->socket, o->config, &expected);
	if ((a = attach_open(path, o->socket == NULL ? o->config : NULL,
	    &absent, &cause)) == NULL) {
		/* Nobody there and nobody expected, or a collector of
		 * another configuration (the demo beside the service). */
		if (absent && o->socket == NULL && (!expected ||
		    absent == ATTACH_OTHER_CONFIG)) {
			free(cause);
			free(path);
			return (-1);
		}
		if (!absent || (a = attached_wait(o, path, cause,
		    &datadir)) == NULL) {
			fprintf(stderr, "peertop: cannot attach: %s\n", cause);
			free(cause);
			free(path);
			return (1);
		}
	}
	free(cause);
	free(path);
	m = attach_model(a);
	base = main_base_new();
	/* Longer graphs and z read the history, read-only, when we may. */
	if (m->database != NULL && access(m->database, R_OK) == 0 &&
	    (store = store_open(m->database, 1, &cause)) == NULL) {
		log_warnx("history graphs: %s", cause);
		free(cause);
	}
	memset(&tui, 0, sizeof tui);
	tui.model = m;
	tui.base = base;
	tui.ascii = o->ascii;
	tui.mono = o->mono;
	if (turnup_option(&tui, o) != 0)
		return (1);
	tui.store = store;
	tui.model_new = attached_again;
	tui.model_new_arg = a;
	if (o->logfile == NULL)
		log_open("/dev/null", LOG_LVL_INFO);
	log_set_quiet(0);
	attach_start(a, &tui);
	tick = summaries_start(base);
	status = dashboard(&tui, attach_datadir(a) != NULL ?
	    attach_datadir(a) : datadir != NULL ? datadir : PEERTOP_DATADIR);
	free(datadir);
	tui_replay_stop(&tui);
	event_free(tick);
	if (store != NULL)
		store_close(store);
	m = tui.model;
	attach_free(a);
	model_free(m);
	event_base_free(base);
	return (status);
}

/*
 * --once asked of a running collector: its picture, nothing polled
 * again.  -1 when nobody listens (the caller polls itself), else 0 and
 * *status (3, UNKNOWN to Nagios, when the collector cannot answer).
 */
static int
once_remote(struct options *o, int *status)
{
	struct ctlc	*c;
	json_t		*cmd, *r, *out;
	char		*path, *cause = NULL;
	int		 absent = 0, expected;

	path = tui_socket_path(o->socket, o->config, &expected);
	if ((c = ctlc_open(path, 5000, &absent, &cause)) == NULL) {
		if (absent && o->socket == NULL && !expected) {
			free(cause);
			free(path);
			return (-1);
		}
		fprintf(stderr, "peertop: %s%s\n", cause, absent ? "; the "
		    "collector is expected there (--standalone polls the "
		    "routers from this process)" : "");
		free(cause);
		free(path);
		*status = 3;
		return (0);
	}
	free(path);
	/* -c another file than the collector's: that one is wanted. */
	if (o->socket == NULL && o->config != NULL &&
	    !ctlc_same_config(c, o->config)) {
		ctlc_close(c);
		return (-1);
	}
	cmd = json_pack("{s:s, s:s, s:b, s:s}", "cmd", "once", "format",
	    o->output, "raw", 1, "client", "once");
	r = ctlc_request(c, cmd, "once", 10000, &cause);
	json_decref(cmd);
	ctlc_close(c);
	if (r == NULL) {
		fprintf(stderr, "peertop: the collector: %s\n", cause);
		free(cause);
		*status = 3;
		return (0);
	}
	out = json_object_get(r, "output");
	fputs(json_is_string(out) ? json_string_value(out) : "", stdout);
	*status = (int)json_integer_value(json_object_get(r, "status"));
	json_decref(r);
	return (0);
}

/* --who: the collector's clients. */
static int
who_main(struct options *o)
{
	char	*path = tui_socket_path(o->socket, o->config, NULL), *cause = NULL, **lines;
	size_t	 i;

	if ((lines = attach_who_lines(path, &cause)) == NULL) {
		fprintf(stderr, "peertop: %s\n", cause);
		free(cause);
		free(path);
		return (1);
	}
	printf("%-12s %-12s %-8s %-11s %s\n", "USER", "TTY", "CLIENT", "PID",
	    "SINCE");
	for (i = 0; lines[i] != NULL; i++) {
		printf("%s\n", lines[i]);
		free(lines[i]);
	}
	free(lines);
	free(path);
	return (0);
}

/* The history's trouble now, for the viewers' status bars. */
static const char *
history_status_cb(void *arg)
{
	struct run	*r = arg;

	if (r->store != NULL)
		return (store_error(r->store));
	return (r->m->database != NULL ? "history disabled" : NULL);
}

/* -H: exit 1 when a collector answers on our control socket already. */
static void
control_precheck(struct run *r)
{
	struct ctlc	*c;
	char		*path, *cause = NULL;

	path = control_path(r->m, r->o->socket);
	/* Our own history's writer: its lock names it better (pid and
	 * since when) a moment later. */
	if ((c = ctlc_open(path, 2000, NULL, &cause)) != NULL &&
	    (r->m->database == NULL || !control_same_history(c,
	    r->m->database))) {
		fprintf(stderr, "peertop: control socket %s: another collector "
		    "is listening on it, pid %lld (peertop --who -S %s lists "
		    "its viewers); not starting\n", path, (long long)
		    json_integer_value(json_object_get(ctlc_hello(c), "pid")),
		    path);
		ctlc_close(c);
		exit(1);
	}
	ctlc_close(c);
	free(cause);
	free(path);
}

/* Whether the collector at c writes the history path (the same file). */
static int
control_same_history(struct ctlc *c, const char *path)
{
	struct stat	 a, b;
	const char	*theirs;

	theirs = json_string_value(json_object_get(ctlc_hello(c),
	    "database"));
	if (theirs == NULL || stat(theirs, &a) == -1 || stat(path, &b) == -1)
		return (0);
	return (a.st_dev == b.st_dev && a.st_ino == b.st_ino);
}

/*
 * -H: the control socket viewers attach to.  One named (-S, control,
 * $PEERTOP_SOCKET) must open; the default one may fail (no /run/peertop
 * for a user): the collector runs, said to be unreachable.
 */
static void
control_open(struct run *r)
{
	char	*path, *cause = NULL;
	int	 named;

	named = r->o->socket != NULL || r->m->control.set ||
	    (getenv("PEERTOP_SOCKET") != NULL &&
	    *getenv("PEERTOP_SOCKET") != '\0');
	path = control_path(r->m, r->o->socket);
	r->control = control_start(r->m, r->base, path, r->store,
	    history_status_cb, r, &cause);
	if (r->control == NULL) {
		if (named) {
			fprintf(stderr, "peertop: %s; not starting\n", cause);
			exit(1);
		}
		fprintf(stderr, "peertop: warning: %s: no viewer can attach "
		    "(set control in the configuration)\n", cause);
		log_warnx("%s: no viewer can attach", cause);
	}
	free(cause);
	free(path);
}

/*
 * The dashboard until q: the world map from datadir, curses, the event
 * loop; then Q's snapshot, of what was shown (live, frozen or replayed).
 * 0, or 1 when the terminal cannot be used.
 */
static int
dashboard(struct tui *tui, const char *datadir)
{
	char	*file, *cause = NULL;
	int	 status = 0;

	xasprintf(&file, "%s/world.map", datadir);
	if ((tui->world = world_load(file, &cause)) == NULL) {
		log_warnx("world map: %s", cause);
		free(cause);
		cause = NULL;
	}
	free(file);
	signal(SIGPIPE, SIG_IGN);
	if (tui_start(tui, &cause) != 0) {
		fprintf(stderr, "peertop: %s\n", cause);
		free(cause);
		status = 1;
	} else {
		event_base_dispatch(tui->base);
		tui_stop(tui);
		if (tui->quit & ACT_SNAPSHOT)
			output_print(output_find("text"), stdout, tui->model,
			    ONCE_EVENTS);
	}
	world_free(tui->world);
	tui->world = NULL;
	return (status);
}

/* z: the configuration loaded again, for the frozen view. */
static struct model *
model_again(void *arg, char **cause)
{
	struct model_again_arg	*a = arg;
	struct model		*m;

	if ((m = config_load(a->path, NULL, NULL, cause)) == NULL)
		return (NULL);
	m->config_file = xstrdup(a->path);
	geo_place_branches(m, a->geo);
	health_update(m);
	return (m);
}

/*
 * The model a replay shows: from -c when given, else from the
 * configuration the recording read (kept in the file since schema 3),
 * else from the default path.  *datadir as config_load() gives it.
 */
static struct model *
replay_model(struct options *o, struct replay *r, char **datadir,
    char **cause)
{
	struct model	*m;
	char		*text, *from = NULL, *path, tmp[PATH_MAX];
	const char	*dir = getenv("TMPDIR");
	int		 fd;
	size_t		 len;

	if (o->config == NULL && (text = replay_config(r, &from)) != NULL) {
		/* config_load() reads a file: the stored text goes in one. */
		snprintf(tmp, sizeof tmp, "%s/peertop-replay-conf.XXXXXX",
		    dir != NULL && *dir != '\0' ? dir : "/tmp");
		len = strlen(text);
		if ((fd = mkstemp(tmp)) == -1 ||
		    write(fd, text, len) != (ssize_t)len) {
			xasprintf(cause, "%s: cannot write the stored "
			    "configuration: %s", tmp, strerror(errno));
			if (fd != -1) {
				close(fd);
				unlink(tmp);
			}
			free(text);
			free(from);
			return (NULL);
		}
		close(fd);
		free(text);
		m = config_load(tmp, NULL, datadir, cause);
		unlink(tmp);
		if (m == NULL) {
			/* Name the recorded file, not the temporary copy. */
			text = *cause;
			xasprintf(cause, "the configuration stored in the "
			    "history (%s): %s", from != NULL ? from : "?",
			    text);
			free(text);
			free(from);
			return (NULL);
		}
		m->config_file = from != NULL ? from : xstrdup(o->replay);
		return (m);
	}
	path = o->config != NULL ? xstrdup(o->config) : config_default_path();
	if (path == NULL) {
		xasprintf(cause, "%s holds no configuration (recorded before "
		    "schema 3): give one with -c FILE", o->replay);
		return (NULL);
	}
	if ((m = config_load(path, NULL, datadir, cause)) == NULL) {
		free(path);
		return (NULL);
	}
	m->config_file = path;
	return (m);
}

/* -b/-e: a time against the file's newest record. */
static int
replay_when(const char *opt, const char *s, int64_t newest, int64_t *out)
{
	if (s == NULL) {
		*out = 0;
		return (0);
	}
	if (time_parse(s, newest, TIME_CLOCK, out) != 0) {
		fprintf(stderr, "peertop: %s %s: not a time (2026-11-25 "
		    "03:12, 03:12, 2026-11-25T03:12Z, -15m)\n", opt, s);
		return (-1);
	}
	return (0);
}

/*
 * peertop -r FILE: the dashboard over a recorded history, read-only; no
 * collector runs.  With --once, the state at -b (or at the end) printed
 * as --once prints the live one.
 */
static int
replay_main(struct options *o)
{
	struct replay		*r;
	struct model		*m;
	struct geo		*geo;
	struct store		*store;
	struct event_base	*base;
	struct event		*tick;
	struct tui		 tui;
	char			*cause = NULL, *datadir = NULL, *warnings = NULL;
	int64_t			 oldest, newest, begin, end, at;
	int			 status = 0;

	if ((r = replay_open(o->replay, &cause)) == NULL) {
		fprintf(stderr, "peertop: %s\n", cause);
		free(cause);
		return (4);
	}
	if (replay_span(r, &oldest, &newest) != 0) {
		fprintf(stderr, "peertop: %s: the history holds no rows\n",
		    o->replay);
		replay_close(r);
		return (4);
	}
	if (replay_when("-b", o->begin, newest, &begin) != 0 ||
	    replay_when("-e", o->end, newest, &end) != 0) {
		replay_close(r);
		return (4);
	}
	if (begin != 0 && end != 0 && end < begin) {
		fprintf(stderr, "peertop: -e is before -b\n");
		replay_close(r);
		return (4);
	}
	if ((m = replay_model(o, r, &datadir, &cause)) == NULL) {
		/* The catalogue's messages name the program already. */
		fprintf(stderr, "%s%s\n", strncmp(cause, "peertop:", 8) == 0 ?
		    "" : "peertop: ", cause);
		free(cause);
		replay_close(r);
		return (1);
	}
	geo = geo_open(m->geoip_city, m->geoip_asn, &warnings);
	if (warnings != NULL)
		fprintf(stderr, "peertop: warning: %s\n", warnings);
	geo_place_branches(m, geo);
	health_update(m);
	base = main_base_new();
	memset(&tui, 0, sizeof tui);
	tui.base = base;
	tui.ascii = o->ascii;
	tui.mono = o->mono;
	/* Longer graphs in Branch detail, from the same file, read-only. */
	if ((store = store_open(o->replay, 1, &cause)) == NULL) {
		log_warnx("history graphs: %s", cause);
		free(cause);
		cause = NULL;
	}
	tui.store = store;
	at = begin != 0 ? begin : (o->mode == MODE_ONCE ? newest : oldest);
	tui_replay_start(&tui, r, m, NULL, o->replay, begin, end, at);

	if (o->mode == MODE_ONCE) {
		output_print(output_find(o->output), stdout, m, ONCE_EVENTS);
		status = output_status(m);
	} else {
		if (o->logfile == NULL)
			log_open("/dev/null", LOG_LVL_INFO);
		tick = summaries_start(base);
		if (turnup_option(&tui, o) != 0)
			status = 1;
		else
			status = dashboard(&tui, datadir);
		event_free(tick);
	}
	tui_replay_stop(&tui);
	if (store != NULL)
		store_close(store);
	model_free(m);
	geo_close(geo);
	event_base_free(base);
	free(datadir);
	free(warnings);
	return (status);
}

static void
quit_cb(evutil_socket_t sig, short what, void *arg)
{
	log_info("signal %d, exiting", (int)sig);
	event_base_loopbreak(arg);
}

/* The log's summaries ("last message repeated") come in bounded time. */
static void
summaries_cb(evutil_socket_t fd, short what, void *arg)
{
	log_due();
}

static struct event *
summaries_start(struct event_base *base)
{
	struct event	*ev;
	struct timeval	 tv = { 1, 0 };

	if ((ev = event_new(base, -1, EV_PERSIST, summaries_cb, NULL)) == NULL)
		fatalx("event_new failed");
	event_add(ev, &tv);
	return (ev);
}

/*
 * -l FILE: opened first, before the configuration is read and long
 * before privileges are dropped, so that root's log stays root's; a log
 * that cannot be opened stops the program rather than going silently to
 * stderr.  The dashboard's log goes to FILE or nowhere (it would
 * scribble over the screen); headless without -l logs to stderr.
 */
static void
logfile_open(struct options *o)
{
	if (o->logfile == NULL ||
	    (o->mode != MODE_HEADLESS && o->mode != MODE_TUI))
		return;
	if (log_open(o->logfile, LOG_LVL_INFO) != 0) {
		fprintf(stderr, "peertop: cannot open the log %s: %s\n",
		    o->logfile, errno == ELOOP ? "a symbolic link (peertop "
		    "writes its log only to a file named as itself; give the "
		    "real path)" : strerror(errno));
		exit(1);
	}
}

/*
 * The configuration: the catalogue, then the file over it
 * (config_load()), and -d over the file's database.  -1 when it cannot
 * be loaded, said on stderr.
 */
static int
run_config(struct run *r)
{
	char	*cause = NULL;

	r->path = r->o->config != NULL ? xstrdup(r->o->config) :
	    config_default_path();
	if (r->path == NULL) {
		fprintf(stderr, "peertop: no configuration file: use -c FILE, "
		    "or create ~/.config/peertop/peertop.conf (see "
		    "peertop.conf(5))\n");
		return (-1);
	}
	if ((r->m = config_load(r->path, NULL, &r->datadir, &cause)) == NULL) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		free(r->path);
		free(r->datadir);
		return (-1);
	}
	r->m->config_file = r->path;
	if (r->o->database != NULL) {
		free(r->m->database);
		r->m->database = xstrdup(r->o->database);
	}
	config_warn(r);
	return (0);
}

/*
 * What the configuration allows but should not (a listener open to any
 * host): on stderr before anything runs (the dashboard's would be drawn
 * over: run_start() makes them events there), headless also in its log.
 */
static void
config_warn(struct run *r)
{
	struct model	*m = r->m;
	size_t		 i;

	for (i = 0; i < m->nconfig_warnings; i++) {
		if (r->o->mode != MODE_TUI)
			fprintf(stderr, "peertop: warning: %s\n",
			    m->config_warnings[i]);
		if (r->o->mode == MODE_HEADLESS && r->o->logfile != NULL)
			log_warnx("%s", m->config_warnings[i]);
	}
}

/*
 * Setup: places from GeoIP, first judgements, the RIB, the event loop
 * and the history (read for context, then opened for writing unless
 * --once).
 */
static void
run_setup(struct run *r)
{
	struct model	*m = r->m;
	char		*cause = NULL;

	/* Another collector on our socket: say so before touching the
	 * history (a second one must not even create its file). */
	if (r->o->mode == MODE_HEADLESS)
		control_precheck(r);
	r->geo = geo_open(m->geoip_city, m->geoip_asn, &r->warnings);
	if (r->warnings != NULL) {
		fprintf(stderr, "peertop: warning: %s\n", r->warnings);
		model_eventf(m, "GeoIPUnavailable", LVL_WARNING, "geoip",
		    NULL, "%s", r->warnings);
	}
	geo_place_branches(m, r->geo);
	model_health(m);	/* judged by the first pass */
	routes_start(m);

	r->base = main_base_new();
	r->summaries = summaries_start(r->base);

	if (r->o->mode == MODE_ONCE) {
		load_history(m, m->database);
		return;
	}
	if (m->database == NULL)
		return;
	load_history(m, m->database);
	if ((r->store = store_open(m->database, m->database_any_owner ?
	    STORE_ANY_OWNER : 0, &cause)) == NULL) {
		/* A collector without its history records nothing. */
		if (r->o->mode == MODE_HEADLESS) {
			fprintf(stderr, "peertop: %s; a headless collector "
			    "needs its history, not starting\n", cause);
			free(cause);
			exit(1);
		}
		fprintf(stderr, "peertop: history disabled: %s\n", cause);
		model_eventf(m, "HistoryUnavailable", LVL_ERROR, "history",
		    m->database, "%s", cause);
		free(cause);
		return;
	}
	store_attach(r->store, m);
	store_run_begin(r->store, PACKAGE_VERSION, m->config_file);
	store_start(r->store, r->base, STORE_FLUSH_MS);
	store_retention(r->store, r->base, m->lat.keep_raw_ms,
	    m->lat.keep_minute_ms, m->lat.keep_hour_ms);
}

/*
 * Start: the log where the mode wants it, the collectors, then the
 * privileges dropped and the evaluation pass scheduled.  -1 when the
 * privileges cannot be dropped.
 */
static int
run_start(struct run *r)
{
	struct model	*m = r->m;
	char		*cause;
	size_t		 i;

	if (r->o->mode == MODE_TUI) {
		/* Logs would scribble over the screen: -l's file (open
		 * since logfile_open()) or nowhere. */
		if (r->o->logfile == NULL)
			log_open("/dev/null", LOG_LVL_INFO);
		log_set_quiet(0);
	}
	/* --once: a fixed count per probe target, every fate known. */
	if (r->o->mode == MODE_ONCE)
		m->lat.count = ONCE_PROBES;
	/* The configuration's warnings, recorded with the history. */
	for (i = 0; r->o->mode != MODE_ONCE && i < m->nconfig_warnings; i++)
		model_eventf(m, "ConfigWarning", LVL_WARNING, "config", NULL,
		    "%s", m->config_warnings[i]);
	start_collectors(m, r->base, r->o->mode == MODE_HEADLESS);
	/* The collector service: its viewers' socket, its HTTP API. */
	if (r->o->mode == MODE_HEADLESS) {
		control_open(r);
		if ((r->api = api_start(m, r->base, &cause)) == NULL &&
		    cause != NULL) {
			fprintf(stderr, "peertop: %s; not starting\n", cause);
			free(cause);
			return (-1);
		}
		/* Its /metrics, as the API. */
		if ((r->metrics = metrics_http_start(m, r->base, r->store,
		    &cause)) == NULL && cause != NULL) {
			fprintf(stderr, "peertop: %s; not starting\n", cause);
			free(cause);
			return (-1);
		}
		/* Its notifications: only the collector sends them. */
		if ((r->notify = notify_start(m, r->base, NULL, NULL,
		    &cause)) == NULL && cause != NULL) {
			fprintf(stderr, "peertop: %s; not starting\n", cause);
			free(cause);
			return (-1);
		}
	}
	/* The prober's ICMP sockets are open: privileges can go now. */
	if (m->lat.user[0] != '\0' && geteuid() == 0 &&
	    latency_probe_drop_privileges(m->lat.user) == -1) {
		fprintf(stderr, "peertop: cannot drop privileges to %s: %s\n",
		    m->lat.user, errno == ENOENT ? "no such user" :
		    strerror(errno));
		return (-1);
	}
	/* The judgements: once per loop turn, in a fixed order. */
	eval_start(m, r->base);
	return (0);
}

/* --once: wait for the collectors (or the timeout), print, exit status. */
static int
run_once(struct run *r)
{
	struct model		*m = r->m;
	struct once_wait	 w = { m, r->base, now_mono_ms() +
				    ONCE_TIMEOUT_MS, NULL };
	struct timeval		 tv = { 0, 100 * 1000 };

	if (m->ncollectors != 0) {
		w.ev = event_new(r->base, -1, EV_PERSIST, once_check_cb, &w);
		event_add(w.ev, &tv);
		event_base_dispatch(r->base);
		event_free(w.ev);
	}
	eval_run(m, now_wall_ms());
	output_print(output_find(r->o->output), stdout, m, ONCE_EVENTS);
	return (output_status(m));
}

/*
 * -H's line for systemctl status: the collectors up and the history.
 * Defined here, with no prototype at the top, to keep the service's part
 * of this file in one place.
 */
static void
headless_status_cb(evutil_socket_t fd, short what, void *arg)
{
	struct run	*r = arg;
	const char	*err;
	size_t		 i, up = 0, viewers;

	for (i = 0; i < r->m->ncollectors; i++)
		if (r->m->collectors[i]->state == COL_UP)
			up++;
	err = r->store != NULL ? store_error(r->store) : NULL;
	control_clients(r->control, &viewers);
	sdnotify_status("%zu of %zu collectors up, %zu viewer%s, history "
	    "%s%s", up, r->m->ncollectors, viewers, viewers == 1 ? "" : "s",
	    r->store == NULL ? "off" : err != NULL ? "failing: " : "ok",
	    err != NULL ? err : "");
}

/*
 * SIGHUP: the configuration again (core/reload.c), what can change live
 * applied, the rest logged as needing a restart.  systemd hears
 * RELOADING=1 and READY=1 around it, a file that does not load included
 * (the service still runs, on the configuration it had).
 */
static void
headless_reload_cb(evutil_socket_t sig, short what, void *arg)
{
	struct run		*r = arg;
	struct reload_report	 rep;
	char			*cause = NULL;

	sdnotify_reloading();
	log_info("signal %d, reloading %s", (int)sig, r->path);
	memset(&rep, 0, sizeof rep);
	rep.database_fixed = r->o->database != NULL;
	reload_config(r->m, r->path, &rep, &cause);
	reload_report_free(&rep);
	free(cause);
	headless_status_cb(-1, 0, r);
	sdnotify_ready();
}

/*
 * -H: collect and record until SIGINT or SIGTERM; SIGHUP reloads the
 * configuration.  Under systemd (Type=notify, core/sdnotify.c) READY=1
 * goes once the collectors run and privileges are dropped, STOPPING=1
 * before the history's last flush.
 */
static void
run_headless(struct run *r)
{
	struct event	*sigint, *sigterm, *sighup, *status;
	struct timeval	 tv = { 5, 0 };	/* the status line's refresh */

	signal(SIGPIPE, SIG_IGN);
	sigint = evsignal_new(r->base, SIGINT, quit_cb, r->base);
	sigterm = evsignal_new(r->base, SIGTERM, quit_cb, r->base);
	sighup = evsignal_new(r->base, SIGHUP, headless_reload_cb, r);
	status = event_new(r->base, -1, EV_PERSIST, headless_status_cb, r);
	evsignal_add(sigint, NULL);
	evsignal_add(sigterm, NULL);
	evsignal_add(sighup, NULL);
	event_add(status, &tv);
	log_info("headless: %zu collectors, history %s", r->m->ncollectors,
	    r->store != NULL ? r->m->database : "off");
	sdnotify_start(r->base);
	headless_status_cb(-1, 0, r);
	sdnotify_ready();
	event_base_dispatch(r->base);
	sdnotify_stopping();
	event_free(sigint);
	event_free(sigterm);
	event_free(sighup);
	event_free(status);
}

/*
 * Standalone, a and :ack acknowledge in this process's own model (and so
 * in its history), as the user running it; a uid without a name by its
 * number.
 */
static int
local_ack(struct tui *tui, int64_t id, const char *comment, char **cause)
{
	struct passwd	*pw = getpwuid(getuid());
	char		 user[32];

	if (pw != NULL)
		strlcpy_pt(user, pw->pw_name, sizeof user);
	else
		snprintf(user, sizeof user, "uid %u", (unsigned)getuid());
	return (model_event_ack(tui->model, id, user, comment, 0, cause));
}

/* The live dashboard, with z's way to a second model. */
static int
run_dashboard(struct run *r)
{
	struct tui		 tui;
	struct model_again_arg	 again;
	int			 status;

	memset(&tui, 0, sizeof tui);
	tui.model = r->m;
	tui.base = r->base;
	tui.ascii = r->o->ascii;
	tui.mono = r->o->mono;
	if (turnup_option(&tui, r->o) != 0)
		return (1);
	tui.store = r->store;	/* longer graphs in Branch detail */
	tui.store_error = r->store != NULL ? NULL :
	    (r->m->database != NULL ? "history disabled" : NULL);
	if (r->store != NULL) {
		tui.store_status = store_status_cb;
		tui.store_status_arg = r->store;
	}
	again.path = r->path;
	again.geo = r->geo;
	tui.model_new = model_again;
	tui.model_new_arg = &again;
	tui.ack = local_ack;
	status = dashboard(&tui, r->datadir);
	tui_replay_stop(&tui);
	return (status);
}

/*
 * Teardown.  The route monitor before the model (it unhooks itself), the
 * RIB after it (stopping the BMP collector flushes its peers); the
 * collectors go with the model (they may report), then the last flush.
 */
static void
run_teardown(struct run *r)
{
	struct rib	*rib = r->m->rib;

	api_stop(r->api);
	notify_stop(r->notify);		/* its rows go before the model */
	control_stop(r->control);	/* its sink goes before the pass */
	metrics_http_stop(r->metrics);
	eval_stop(r->m);
	routemon_free(r->m->routemon);
	model_free(r->m);
	rib_free(rib);
	if (r->store != NULL)
		store_close(r->store);
	geo_close(r->geo);
	event_free(r->summaries);
	event_base_free(r->base);
	log_flush();
	free(r->datadir);
	free(r->warnings);
}

int
main(int argc, char **argv)
{
	struct options	 o;
	struct run	 r;
	int		 status = 0;

	/*
	 * The locale's character set decides UTF-8 glyphs and widths, but
	 * numbers stay C: strtod() reads the edge catalogue and the config,
	 * and printf() writes JSON, neither of which has a decimal comma.
	 */
	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");
	/* libevent's own warnings through the log, never onto the screen. */
	log_libevent();
	if (argc > 1 && strcmp(argv[1], "mrt") == 0)
		return (cmd_mrt(argc - 1, argv + 1));
	if (argc > 1 && strcmp(argv[1], "agent") == 0)
		return (cmd_agent(argc - 1, argv + 1));
	if (argc > 1 && strcmp(argv[1], "report") == 0)
		return (cmd_report(argc - 1, argv + 1));
	if (argc > 1 && strcmp(argv[1], "turnup") == 0)
		return (cmd_turnup(argc - 1, argv + 1));
	if (argc > 1 && strcmp(argv[1], "ack") == 0)
		return (cmd_ack(argc - 1, argv + 1));
	if (argc > 1 && strcmp(argv[1], "notify-test") == 0)
		return (cmd_notify_test(argc - 1, argv + 1));
	parse_options(argc, argv, &o);
	if (o.mode == MODE_WHO)
		return (who_main(&o));
	log_open(NULL, LOG_LVL_INFO);
	logfile_open(&o);
	if (o.replay != NULL) {
		log_set_quiet(1);
		return (replay_main(&o));
	}
	/*
	 * The dashboard's log goes to a file from the collectors' start on;
	 * until then only warnings (about the configuration) reach the
	 * terminal.
	 */
	if (o.mode == MODE_ONCE || o.mode == MODE_CHECK || o.mode == MODE_TUI)
		log_set_quiet(1);
	/*
	 * A collector answering on the control socket: the dashboard
	 * attaches to it, --once asks it (nothing polled twice, no
	 * second writer of the history); nobody there, this process
	 * collects (--standalone always does).
	 */
	if (!o.standalone && o.mode == MODE_ONCE &&
	    once_remote(&o, &status) == 0)
		return (status);
	if (!o.standalone && o.mode == MODE_TUI &&
	    (status = attached_main(&o)) >= 0)
		return (status);
	status = 0;

	memset(&r, 0, sizeof r);
	r.o = &o;
	if (run_config(&r) != 0)
		return (1);
	if (o.mode == MODE_CHECK) {
		printf("%s: configuration OK (%zu partners, %zu sessions, "
		    "%zu branches, %zu collectors)\n", r.path, r.m->npartners,
		    r.m->nsessions, r.m->nbranches, r.m->ncollectors);
		model_free(r.m);
		free(r.datadir);
		return (0);
	}
	run_setup(&r);
	if (run_start(&r) != 0)
		status = 1;
	else if (o.mode == MODE_ONCE)
		status = run_once(&r);
	else if (o.mode == MODE_HEADLESS)
		run_headless(&r);
	else
		status = run_dashboard(&r);
	run_teardown(&r);
	return (status);
}

/*
 * --turnup PARTNER[/EDGE]: the dashboard opens on the Turn-up view of
 * that scope; a partner or edge the configuration lacks is an error
 * before the screen is taken.  0, or -1 (said on stderr).
 */
static int
turnup_option(struct tui *tui, struct options *o)
{
	struct turnup	*t;
	char		*cause = NULL;

	if (o->turnup == NULL)
		return (0);
	if ((t = turnup_new(tui->model, o->turnup, &cause)) == NULL) {
		fprintf(stderr, "peertop: %s\n", cause);
		free(cause);
		return (-1);
	}
	turnup_free(t);
	strlcpy_pt(tui->turnup, o->turnup, sizeof tui->turnup);
	tui->view = &view_turnup;
	return (0);
}
