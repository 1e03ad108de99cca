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
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "core/collector.h"
#include "core/config.h"
#include "core/eval.h"
#include "core/geo.h"
#include "core/health.h"
#include "core/latmon.h"
#include "core/output.h"
#include "core/probe.h"
#include "core/replay.h"
#include "core/rib.h"
#include "core/routemon.h"
#include "core/store.h"
#include "core/world.h"
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

enum mode { MODE_TUI, MODE_CHECK, MODE_ONCE, MODE_HEADLESS };

struct options {
	enum mode	 mode;
	const char	*config;
	const char	*replay;	/* -r FILE */
	const char	*begin, *end;	/* -b, -e */
	const char	*database;
	const char	*output;
	const char	*logfile;
	int		 ascii;
	int		 mono;
};

struct once_wait {
	struct model	*m;
	struct event_base *base;
	uint64_t	 deadline;
	struct event	*ev;
};

static __dead void	usage(int);
static void		parse_options(int, char **, struct options *);
static void		 load_history(struct model *, const char *);
static void		 once_check_cb(evutil_socket_t, short, void *);
static void		 routes_start(struct model *);
static void		 quit_cb(evutil_socket_t, short, void *);
static void		 start_collectors(struct model *, struct event_base *);
static const char	*store_status_cb(void *);
static struct model	*model_again(void *, char **);
static int		 replay_main(struct options *);
static int		 dashboard(struct tui *, const char *);
static struct model	*replay_model(struct options *, struct replay *,
			    char **, char **);
static int		 replay_when(const char *, const char *, int64_t,
			    int64_t *);

/* What z needs to build a second model: the file and the GeoIP. */
struct model_again_arg {
	const char	*path;
	struct geo	*geo;
};

static __dead void
usage(int status)
{
	FILE	*f = status == 0 ? stdout : stderr;

	fprintf(f,
"usage: peertop [-n] [-c file] [-d database] [-l logfile] [--ascii] [--mono]\n"
"       peertop --once [-o text|json] [-c file]\n"
"       peertop -H [-c file] [-d database] [-l logfile]\n"
"       peertop -r file [-b time] [-e time] [-c file] [--once [-o json]]\n"
"       peertop mrt [--dump] file ...\n"
"       peertop mrt -c file [-o text|json] file ...\n"
"       peertop agent [-nv] [-c file]\n"
"       peertop report file [--since time] [--until time] [-o text|csv|json]\n"
"\n"
"  -c, --config FILE     configuration file (default: $PEERTOP_CONF,\n"
"                        ~/.config/peertop/peertop.conf, %s/peertop.conf)\n"
"  -n, --check           check the configuration and exit (1 on error)\n"
"  -d, --database FILE   history database (overrides the configuration)\n"
"      --once            print sessions, branches, redundancy, latency and\n"
"                        recent events once and exit 0/1/2\n"
"                        (OK/warning/critical)\n"
"  -o, --output FMT      output format for --once: text (default) or json\n"
"  -H, --headless        collect and record history without the dashboard\n"
"  -r, --replay FILE     replay a history read-only: the dashboard as it\n"
"                        was (t/T next/previous change, b jump, p play)\n"
"  -b, --begin TIME      replay from TIME: hh:mm, 2026-11-25T03:12Z, -15m\n"
"  -e, --end TIME        replay up to TIME\n"
"  -l, --log FILE        write the log to FILE\n"
"      --ascii           ASCII only (no UTF-8 line or Braille glyphs)\n"
"      --mono            no colours (also when NO_COLOR is set)\n"
"  -V, --version         print the version\n"
"  -h, --help            this help\n"
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
		{ "end",	required_argument,	NULL, 'e' },
		{ "ascii",	no_argument,		NULL, 'a' },
		{ "mono",	no_argument,		NULL, 'm' },
		{ "version",	no_argument,		NULL, 'V' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int	 ch;

	memset(o, 0, sizeof *o);
	o->output = "text";
	while ((ch = getopt_long(argc, argv, "c:nd:o:Hl:r:b:e:Vh", longopts,
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
		fprintf(stderr, "peertop: -b and -e go with -r FILE\n");
		exit(2);
	}
	if (o->replay != NULL && o->mode != MODE_TUI && o->mode != MODE_ONCE) {
		fprintf(stderr, "peertop: -r replays in the dashboard or "
		    "with --once\n");
		exit(2);
	}
	if (output_find(o->output) == NULL) {
		fprintf(stderr, "peertop: unknown output format \"%s\", "
		    "expected text or json\n", o->output);
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
	free(evs);
	store_close(s);
}

static void
start_collectors(struct model *m, struct event_base *base)
{
	struct collector	*c;
	char			*cause;
	size_t			 i;

	for (i = 0; i < m->ncollectors; i++) {
		c = m->collectors[i];
		cause = NULL;
		if (c->ops->start(c, m, base, &cause) != 0) {
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
			output_find("text")->print(stdout, tui->model,
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
	if (tui_replay_parse_time(s, newest, out) != 0) {
		fprintf(stderr, "peertop: %s %s: not a time (hh:mm, "
		    "2026-11-25T03:12Z, -15m)\n", opt, s);
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
	if ((base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
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
		output_find(o->output)->print(stdout, m, ONCE_EVENTS);
		status = output_status(m);
	} else {
		log_open(o->logfile != NULL ? o->logfile : "/dev/null",
		    LOG_LVL_INFO);
		status = dashboard(&tui, datadir);
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

int
main(int argc, char **argv)
{
	struct options		 o;
	struct model		*m;
	struct geo		*geo;
	struct store		*store = NULL;
	struct event_base	*base;
	struct rib		*rib;
	struct tui		 tui;
	struct model_again_arg	 again;
	char			*path, *datadir = NULL, *cause = NULL;
	char			*warnings = NULL;
	int			 status = 0;

	/*
	 * The locale's character set decides UTF-8 glyphs and widths, but
	 * numbers stay C: strtod() reads the edge catalogue and the config,
	 * and printf() writes JSON, neither of which has a decimal comma.
	 */
	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");
	if (argc > 1 && strcmp(argv[1], "mrt") == 0)
		return (cmd_mrt(argc - 1, argv + 1));
	if (argc > 1 && strcmp(argv[1], "agent") == 0)
		return (cmd_agent(argc - 1, argv + 1));
	if (argc > 1 && strcmp(argv[1], "report") == 0)
		return (cmd_report(argc - 1, argv + 1));
	parse_options(argc, argv, &o);
	log_open(NULL, LOG_LVL_INFO);
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

	path = o.config != NULL ? xstrdup(o.config) : config_default_path();
	if (path == NULL) {
		fprintf(stderr, "peertop: no configuration file: use -c FILE, "
		    "or create ~/.config/peertop/peertop.conf (see "
		    "peertop.conf(5))\n");
		return (1);
	}
	/* The catalogue, then the file over it (config_load()). */
	if ((m = config_load(path, NULL, &datadir, &cause)) == NULL)
		goto config_failed;
	m->config_file = path;
	if (o.mode == MODE_CHECK) {
		printf("%s: configuration OK (%zu partners, %zu sessions, "
		    "%zu branches, %zu collectors)\n", path, m->npartners,
		    m->nsessions, m->nbranches, m->ncollectors);
		model_free(m);
		free(datadir);
		return (0);
	}
	if (o.database != NULL) {
		free(m->database);
		m->database = xstrdup(o.database);
	}

	geo = geo_open(m->geoip_city, m->geoip_asn, &warnings);
	if (warnings != NULL) {
		fprintf(stderr, "peertop: warning: %s\n", warnings);
		model_eventf(m, "GeoIPUnavailable", LVL_WARNING, "geoip",
		    NULL, "%s", warnings);
	}
	geo_place_branches(m, geo);
	model_health(m);	/* judged by the first pass */
	routes_start(m);

	if ((base = event_base_new()) == NULL)
		fatalx("event_base_new failed");

	if (o.mode == MODE_ONCE)
		load_history(m, m->database);
	else if (m->database != NULL) {
		load_history(m, m->database);
		if ((store = store_open(m->database, 0, &cause)) == NULL) {
			fprintf(stderr, "peertop: history disabled: %s\n",
			    cause);
			model_eventf(m, "HistoryUnavailable", LVL_ERROR,
			    "history", m->database, "%s", cause);
		} else {
			store_attach(store, m);
			store_run_begin(store, PACKAGE_VERSION,
			    m->config_file);
			store_start(store, base, STORE_FLUSH_MS);
			store_retention(store, base, m->lat.keep_raw_ms,
			    m->lat.keep_minute_ms, m->lat.keep_hour_ms);
		}
	}

	if (o.mode == MODE_TUI) {
		/* Logs would scribble over the screen: file or nowhere. */
		log_open(o.logfile != NULL ? o.logfile : "/dev/null",
		    LOG_LVL_INFO);
		log_set_quiet(0);
	}
	/* --once: a fixed count per probe target, every fate known. */
	if (o.mode == MODE_ONCE)
		m->lat.count = ONCE_PROBES;
	start_collectors(m, base);
	/* The prober's ICMP sockets are open: privileges can go now. */
	if (m->lat.user[0] != '\0' && geteuid() == 0 &&
	    probe_drop_privileges(m->lat.user) == -1) {
		fprintf(stderr, "peertop: cannot drop privileges to %s: %s\n",
		    m->lat.user, errno == ENOENT ? "no such user" :
		    strerror(errno));
		status = 1;
		goto out;
	}
	/* The judgements: once per loop turn, in a fixed order. */
	eval_start(m, base);

	switch (o.mode) {
	case MODE_ONCE: {
		struct once_wait	 w = { m, base, now_mono_ms() +
		    ONCE_TIMEOUT_MS, NULL };
		struct timeval		 tv = { 0, 100 * 1000 };

		if (m->ncollectors != 0) {
			w.ev = event_new(base, -1, EV_PERSIST, once_check_cb,
			    &w);
			event_add(w.ev, &tv);
			event_base_dispatch(base);
			event_free(w.ev);
		}
		eval_run(m, now_wall_ms());
		output_find(o.output)->print(stdout, m, ONCE_EVENTS);
		status = output_status(m);
		break;
	}
	case MODE_HEADLESS: {
		struct event	*sigint, *sigterm, *sighup;

		if (o.logfile != NULL)
			log_open(o.logfile, LOG_LVL_INFO);
		signal(SIGPIPE, SIG_IGN);
		sigint = evsignal_new(base, SIGINT, quit_cb, base);
		sigterm = evsignal_new(base, SIGTERM, quit_cb, base);
		/* A closed terminal must not cost the queued history. */
		sighup = evsignal_new(base, SIGHUP, quit_cb, base);
		evsignal_add(sigint, NULL);
		evsignal_add(sigterm, NULL);
		evsignal_add(sighup, NULL);
		log_info("headless: %zu collectors, history %s",
		    m->ncollectors, store != NULL ? m->database : "off");
		event_base_dispatch(base);
		event_free(sigint);
		event_free(sigterm);
		event_free(sighup);
		break;
	}
	default:
		memset(&tui, 0, sizeof tui);
		tui.model = m;
		tui.base = base;
		tui.ascii = o.ascii;
		tui.mono = o.mono;
		tui.store = store;	/* longer graphs in Branch detail */
		tui.store_error = store != NULL ? NULL : (m->database != NULL ?
		    "history disabled" : NULL);
		if (store != NULL) {
			tui.store_status = store_status_cb;
			tui.store_status_arg = store;
		}
		again.path = path;
		again.geo = geo;
		tui.model_new = model_again;
		tui.model_new_arg = &again;
		status = dashboard(&tui, datadir);
		tui_replay_stop(&tui);
		break;
	}

out:
	/*
	 * The route monitor before the model (it unhooks itself), the RIB
	 * after it (stopping the BMP collector flushes its peers).
	 */
	rib = m->rib;
	eval_stop(m);
	routemon_free(m->routemon);
	/* Collectors first (they may report), then the last flush. */
	model_free(m);
	rib_free(rib);
	if (store != NULL)
		store_close(store);
	geo_close(geo);
	event_base_free(base);
	free(datadir);
	free(warnings);
	return (status);

config_failed:
	fprintf(stderr, "%s\n", cause);
	free(cause);
	free(path);
	free(datadir);
	model_free(m);
	return (1);
}
