/* SPDX-License-Identifier: ISC */
/*
 * "peertop report FILE [-b|--since T] [-e|--until T] [-o text|csv|json]
 * [--utc]":
 * availability, flaps, redundancy, latency, registered prefixes'
 * visibility, branches' routes and event counts over a window of a
 * recorded history (core/report.c, read by core/store-report.c),
 * read-only.  The window is
 * [since, until): until defaults to the newest time in the file, or now
 * for a file with no rows, since to the oldest time in the file; a relative
 * --since (-15m) counts back from until, a relative --until from the
 * newest time.  An --until in the future is cut to now (or to the newest
 * time, if a copied file's clock ran ahead): time that has not come yet
 * is neither recorded nor missing.  Exit status: 0, 2 on a usage error
 * or a file that cannot be read.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/output.h"
#include "core/report.h"
#include "core/store.h"
#include "core/util.h"
#include "tui/tui.h"

/* The default window of a history without rows: the last day. */
#define CMD_REPORT_EMPTY_MS	(86400 * 1000LL)

static void
cmd_report_usage(FILE *f)
{
	fprintf(f, "usage: peertop report file [-b|--since time] "
	    "[-e|--until time]\n"
	    "                      [-o text|csv|json] [--utc]\n"
	    "  time: 2026-11-25 10:00 (local time, UTC with --utc), "
	    "2026-11-25T10:00Z,\n"
	    "  2026-11-25 10:00 +05:30, 10:00 (the last day), or -15m, -2h, "
	    "-1d\n");
}

/*
 * A --since or --until argument against ref (NULL: none given); ref 0
 * when only checking it before the file is opened.
 */
static int
cmd_report_time(const char *arg, int64_t ref, int64_t *ms)
{
	if (arg == NULL || time_parse(arg, ref, TIME_CLOCK, ms) == 0)
		return (0);
	fprintf(stderr, "peertop report: bad time: %s (use "
	    "2026-11-25 10:00, 2026-11-25T10:00:00Z, 10:00 or -15m)\n", arg);
	return (-1);
}

int
cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "since",	required_argument,	NULL, 'b' },
		{ "begin",	required_argument,	NULL, 'b' },
		{ "until",	required_argument,	NULL, 'e' },
		{ "end",	required_argument,	NULL, 'e' },
		{ "utc",	no_argument,		NULL, 'U' },
		{ "output",	required_argument,	NULL, 'o' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	struct report		*r;
	const struct output	*fmt = &output_text;
	const char		*since = NULL, *until = NULL;
	char			*cause;
	int64_t			 since_ms = 0, until_ms = 0, newest;
	int			 ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "b:e:o:h", longopts, NULL)) !=
	    -1) {
		switch (ch) {
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
			if ((fmt = output_find(optarg)) == NULL) {
				fprintf(stderr, "peertop report: unknown "
				    "format: %s\n", optarg);
				return (2);
			}
			break;
		case 'h':
			cmd_report_usage(stdout);
			return (0);
		default:
			cmd_report_usage(stderr);
			return (2);
		}
	}
	if (argc - optind != 1) {
		cmd_report_usage(stderr);
		return (2);
	}
	if (cmd_report_time(since, 0, &since_ms) != 0 ||
	    cmd_report_time(until, 0, &until_ms) != 0)
		return (2);
	if ((r = store_report_open(argv[optind], &cause)) == NULL) {
		fprintf(stderr, "peertop report: %s\n", cause);
		free(cause);
		return (2);
	}

	/*
	 * The window is half-open, so a row at exactly the newest time is
	 * outside the default one: an event or sample there counts only
	 * with a later --until.
	 */
	newest = r->newest_ms >= 0 ? r->newest_ms : now_wall_ms();
	if (until == NULL)
		until_ms = newest;
	else {
		(void)cmd_report_time(until, newest, &until_ms);
		if (until_ms > newest && until_ms > now_wall_ms())
			until_ms = newest > now_wall_ms() ? newest :
			    now_wall_ms();
	}
	if (since == NULL)
		since_ms = r->oldest_ms >= 0 ? r->oldest_ms :
		    until_ms - CMD_REPORT_EMPTY_MS;
	else
		(void)cmd_report_time(since, until_ms, &since_ms);
	/* All rows at one time: up to now rather than an empty window. */
	if (until == NULL && until_ms <= since_ms && now_wall_ms() > since_ms)
		until_ms = now_wall_ms();
	if (store_report_run(r, since_ms, until_ms, &cause) != 0) {
		fprintf(stderr, "peertop report: %s\n", cause);
		free(cause);
		store_report_free(r);
		return (2);
	}
	/* Said on stderr too: a crafted or damaged file is news. */
	if (r->ignored_rows > 0)
		fprintf(stderr, "peertop report: %s: %lld rows timed outside "
		    "1970-9999 ignored\n", r->path, (long long)r->ignored_rows);
	report_print(r, stdout, fmt);
	store_report_free(r);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "peertop report: writing the report failed\n");
		return (2);
	}
	return (0);
}
