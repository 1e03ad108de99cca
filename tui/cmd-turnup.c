/* SPDX-License-Identifier: ISC */
/*
 * "peertop turnup [-c file] [-S socket] [-r file [-b time] [-e time]]
 * [-o text|markdown|json] [--utc] [partner[/edge]]": the turn-up record
 * for the change ticket (core/turnup.h).  Without -r it asks the
 * running collector, through its control socket, for its picture as a
 * viewer's dashboard gets it, FSM steps included; with -r it walks a
 * recorded history from -b (its oldest record) to -e (its newest), so
 * the record says what the state was at each step of last night's
 * turn-up.  The scope is a partner, optionally one of its edge metros,
 * or without one the configuration's turnup block.
 *
 * Exit status: 0 every check green, 1 still in progress or waiting, 2 a
 * check failed, 3 the record could not be made (usage, no collector, a
 * bad file).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/control.h"
#include "core/replay.h"
#include "core/turnup.h"
#include "core/util.h"
#include "tui/attach.h"
#include "tui/tui.h"

/* Changes walked in a history at most: a long file is cut, and says so. */
#define CMD_TURNUP_STEPS	200000

static int	 cmd_turnup_history(const char *, const char *, const char *,
		    const char *, const char *, enum turnup_format);
static int	 cmd_turnup_live(const char *, const char *, const char *,
		    enum turnup_format);
static int	 cmd_turnup_print(struct turnup *, enum turnup_format);

static void
cmd_turnup_usage(FILE *f)
{
	fprintf(f, "usage: peertop turnup [-c file] [-S socket] "
	    "[-r file [-b time] [-e time]]\n"
	    "                      [-o text|markdown|json] [--utc] "
	    "[partner[/edge]]\n");
}

int
cmd_turnup(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config",	required_argument,	NULL, 'c' },
		{ "socket",	required_argument,	NULL, 'S' },
		{ "replay",	required_argument,	NULL, 'r' },
		{ "since",	required_argument,	NULL, 'b' },
		{ "begin",	required_argument,	NULL, 'b' },
		{ "until",	required_argument,	NULL, 'e' },
		{ "end",	required_argument,	NULL, 'e' },
		{ "utc",	no_argument,		NULL, 'U' },
		{ "output",	required_argument,	NULL, 'o' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	enum turnup_format	 fmt = TURNUP_TEXT;
	const char		*config = NULL, *sock = NULL, *hist = NULL;
	const char		*since = NULL, *until = NULL, *scope = NULL;
	char			*cfg;
	int			 ch, status;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:S:r:b:e:o:h", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			config = optarg;
			break;
		case 'S':
			sock = optarg;
			break;
		case 'r':
			hist = optarg;
			break;
		case 'b':
			since = optarg;
			break;
		case 'e':
			until = optarg;
			break;
		case 'U':
			time_set_utc(1);
			break;
		case 'o':
			if (turnup_format_parse(optarg, &fmt) != 0) {
				fprintf(stderr, "peertop turnup: unknown "
				    "format: %s (text, markdown or json)\n",
				    optarg);
				return (3);
			}
			break;
		case 'h':
			cmd_turnup_usage(stdout);
			return (0);
		default:
			cmd_turnup_usage(stderr);
			return (3);
		}
	}
	if (argc - optind > 1 || ((since != NULL || until != NULL) &&
	    hist == NULL)) {
		cmd_turnup_usage(stderr);
		return (3);
	}
	if (argc - optind == 1)
		scope = argv[optind];
	cfg = config != NULL ? xstrdup(config) : config_default_path();
	if (cfg == NULL) {
		fprintf(stderr, "peertop turnup: no configuration: give -c "
		    "file\n");
		return (3);
	}
	if (hist != NULL)
		status = cmd_turnup_history(cfg, hist, since, until, scope,
		    fmt);
	else
		status = cmd_turnup_live(cfg, sock, scope, fmt);
	free(cfg);
	return (status);
}

/* The record, and the exit status its verdict gives. */
static int
cmd_turnup_print(struct turnup *t, enum turnup_format fmt)
{
	turnup_record(stdout, t, fmt);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "peertop turnup: writing the record failed\n");
		return (3);
	}
	switch (t->verdict) {
	case TU_GREEN:
		return (0);
	case TU_FAILED:
		return (2);
	default:
		break;
	}
	return (1);
}

/* From a recorded history, read-only. */
static int
cmd_turnup_history(const char *cfg, const char *hist, const char *since,
    const char *until, const char *scope, enum turnup_format fmt)
{
	struct model	*m;
	struct replay	*rp;
	struct turnup	*t;
	char		*cause = NULL;
	int64_t		 oldest, newest, from, to;
	int		 status = 3, truncated;

	if ((m = config_load(cfg, NULL, NULL, &cause)) == NULL) {
		fprintf(stderr, "peertop turnup: %s\n", cause);
		free(cause);
		return (3);
	}
	if ((rp = replay_open(hist, &cause)) == NULL) {
		fprintf(stderr, "peertop turnup: %s\n", cause);
		free(cause);
		model_free(m);
		return (3);
	}
	if (replay_span(rp, &oldest, &newest) != 0) {
		fprintf(stderr, "peertop turnup: %s: no records\n", hist);
		goto out;
	}
	from = oldest;
	to = newest;
	if ((since != NULL && time_parse(since, newest, TIME_CLOCK,
	    &from) != 0) || (until != NULL && time_parse(until, newest,
	    TIME_CLOCK, &to) != 0)) {
		fprintf(stderr, "peertop turnup: bad time: %s (use "
		    "2026-11-25 10:00, 2026-11-25T10:00:00Z, 10:00 or "
		    "-15m)\n", since != NULL ? since : until);
		goto out;
	}
	if ((t = turnup_new(m, scope, &cause)) == NULL) {
		fprintf(stderr, "peertop turnup: %s\n", cause);
		free(cause);
		goto out;
	}
	if (turnup_replay(t, rp, from, to, CMD_TURNUP_STEPS, &truncated,
	    &cause) != 0) {
		fprintf(stderr, "peertop turnup: %s\n", cause);
		free(cause);
	} else {
		if (truncated)
			fprintf(stderr, "peertop turnup: %s: stopped after "
			    "%d changes; give -b and -e\n", hist,
			    CMD_TURNUP_STEPS);
		status = cmd_turnup_print(t, fmt);
	}
	turnup_free(t);
out:
	replay_close(rp);
	model_free(m);
	return (status);
}

/* From the running collector: its picture now. */
static int
cmd_turnup_live(const char *cfg, const char *sock, const char *scope,
    enum turnup_format fmt)
{
	struct model	*cm = NULL, *m;
	struct attach	*a;
	struct turnup	*t;
	char		*path, *cause = NULL;
	int		 absent = 0, status;

	if (sock == NULL && (cm = config_load(cfg, NULL, NULL,
	    &cause)) == NULL) {
		fprintf(stderr, "peertop turnup: %s\n", cause);
		free(cause);
		return (3);
	}
	path = control_path(cm, sock);
	model_free(cm);
	if ((a = attach_open(path, sock == NULL ? cfg : NULL, &absent,
	    &cause)) == NULL) {
		fprintf(stderr, "peertop turnup: %s%s\n", cause, absent ?
		    "; without a collector give its history with -r" : "");
		free(cause);
		free(path);
		return (3);
	}
	free(path);
	m = attach_model(a);
	if ((t = turnup_new(m, scope, &cause)) == NULL) {
		fprintf(stderr, "peertop turnup: %s\n", cause);
		free(cause);
		status = 3;
	} else {
		turnup_eval(t, now_wall_ms());
		status = cmd_turnup_print(t, fmt);
		turnup_free(t);
	}
	attach_free(a);
	model_free(m);
	return (status);
}
