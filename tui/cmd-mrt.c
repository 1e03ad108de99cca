/*
 * "peertop mrt --dump FILE...": decode MRT files (raw, .gz or .bz2) and
 * print one line per element in the format of "bgpdump -m"; without
 * --dump, one summary line per file.  Decode errors go to stderr, located
 * by file, record number and offset; a malformed record is counted and
 * skipped, a truncated or damaged file ends that file.  The exit status
 * is 0 when every file decoded cleanly, 1 when any error was seen, 2 on a
 * usage error.  The decoding itself lives in core/mrt-dump.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mrt-dump.h"
#include "core/util.h"
#include "tui/tui.h"

static void
cmd_mrt_usage(FILE *f)
{
	fprintf(f, "usage: peertop mrt [--dump] file ...\n");
}

int
cmd_mrt(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dump",	no_argument,	NULL,	'D' },
		{ "help",	no_argument,	NULL,	'h' },
		{ NULL,		0,		NULL,	0 }
	};
	static char		 outbuf[1 << 16];
	struct mrt_dump_stats	 st;
	int			 ch, dump = 0, i, rv = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'D':
			dump = 1;
			break;
		case 'h':
			cmd_mrt_usage(stdout);
			return (0);
		default:
			cmd_mrt_usage(stderr);
			return (2);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		cmd_mrt_usage(stderr);
		return (2);
	}
	setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	for (i = 0; i < argc; i++) {
		if (mrt_dump_file(argv[i], dump ? stdout : NULL, stderr,
		    &st) != 0)
			rv = 1;
		if (!dump)
			printf("%s: %llu records, %llu elements, %llu skipped, "
			    "%llu errors\n", argv[i],
			    (unsigned long long)st.records,
			    (unsigned long long)st.elems,
			    (unsigned long long)st.skipped,
			    (unsigned long long)st.errors);
	}
	fflush(stdout);
	return (rv);
}
