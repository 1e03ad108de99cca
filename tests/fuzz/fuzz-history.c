/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness for the history readers: each input is written out
 * as a file and read the way peertop -r and peertop report read a
 * history someone handed over (core/store-replay.c, core/store-report.c):
 * opened, its span read, loaded into a model at its first, middle and
 * last time, stepped and each step's change named, its timeline drawn
 * and the cursor placed in it, and reported over its span in every
 * format.  SQLite itself refuses damaged pages; this is about what
 * the readers do with the values a well-formed file may hold (NULLs,
 * huge or negative times, odd names, states and levels).  A refused file
 * must say so in a message naming it.  Any crash, hang, leak or
 * sanitizer report is a bug.  Seeds: real histories of each schema.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "core/model.h"
#include "core/output.h"
#include "core/replay.h"
#include "core/report.h"
#include "core/store.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Names the seeds use, so that rows find their sessions and branches. */
static const char fuzz_conf[] =
    "partner \"example-isp\" as 64500 {\n"
    "  session \"sea-r1\" neighbor 192.0.2.1 router \"sea-r1\" edge sea "
    "role primary\n"
    "  session \"lax-r1\" neighbor 192.0.2.9 router \"lax-r1\" edge lax "
    "role backup\n"
    "}\n"
    "branch \"hq\" {\n"
    "  partner \"example-isp\"\n"
    "  address 192.0.2.10\n"
    "  location 47.61 -122.33\n"
    "  prefix 203.0.113.0/24 origin 64500\n"
    "  probe sea 192.0.2.1\n"
    "}\n";

static void
fuzz_model_load(struct replay *r, int64_t t)
{
	static const struct edge edges[] = {
		{ "sea", "Seattle", "US", 47.61, -122.33, "ER|PL" },
		{ "lax", "Los Angeles", "US", 34.05, -118.24, "ER|PL" },
		{ "ams", "Amsterdam", "NL", 52.37, 4.90, "ER|PL|PS" },
	};
	struct model	*m;
	char		*cause = NULL;
	size_t		 i, unknown = 0;

	m = model_new();
	for (i = 0; i < sizeof edges / sizeof edges[0]; i++)
		model_edge_set(m, &edges[i]);
	if (config_parse_buffer(m, "fuzz.conf", fuzz_conf, strlen(fuzz_conf),
	    &cause) != 0)
		abort();
	if (replay_load(r, m, t, &unknown, &cause) != 0 && cause == NULL)
		abort();		/* a failure says why */
	free(cause);
	model_free(m);
}

static void
fuzz_report(const char *path, int64_t lo, int64_t hi, FILE *null)
{
	struct report	*rep;
	char		*cause = NULL;

	if ((rep = store_report_open(path, &cause)) == NULL) {
		if (cause == NULL || strstr(cause, path) == NULL)
			abort();
		free(cause);
		return;
	}
	if (store_report_run(rep, lo, hi, &cause) == 0) {
		report_print(rep, null, output_find("text"));
		report_print(rep, null, output_find("csv"));
		report_print(rep, null, output_find("json"));
	} else
		free(cause);
	store_report_free(rep);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char	 path[64], side[80];
	static FILE	*null;
	struct replay	*r;
	struct replay_change c;
	uint8_t		 level[16], cover[16];
	int64_t		 edge[17];
	char		*cause = NULL, *cpath = NULL, *text;
	int64_t		 lo, hi, t;
	FILE		*f;

	if (path[0] == '\0') {
		snprintf(path, sizeof path, "fuzz-history-%ld.db",
		    (long)getpid());
		if ((null = fopen("/dev/null", "w")) == NULL)
			abort();
	}
	if ((f = fopen(path, "wb")) == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);

	if ((r = replay_open(path, &cause)) == NULL) {
		if (cause == NULL || strstr(cause, path) == NULL)
			abort();
		free(cause);
		goto out;
	}
	if (replay_span(r, &lo, &hi) == 0) {
		if (hi < lo)
			abort();
		fuzz_model_load(r, lo);
		fuzz_model_load(r, hi);
		fuzz_model_load(r, lo + (hi - lo) / 2);
		if (replay_step(r, lo, 1, &t) == 0) {
			if (t <= lo)
				abort();
			replay_change(r, t, &c);
		}
		if (replay_step(r, hi, -1, &t) == 0) {
			if (t >= hi)
				abort();
			replay_change(r, t, &c);
		}
		replay_change(r, lo, &c);
		if (replay_timeline(r, lo, hi < INT64_MAX ? hi + 1 : hi,
		    sizeof level, level, cover, edge) == 0) {
			/* Edges in order, from lo to the end. */
			for (t = 0; t < (int64_t)sizeof level; t++)
				if (edge[t] > edge[t + 1])
					abort();
			if (edge[0] != lo || replay_cell(edge, sizeof level,
			    hi) >= sizeof level)
				abort();
		}
		replay_covered(r, lo);
		fuzz_report(path, lo, hi < INT64_MAX ? hi + 1 : hi, null);
	}
	if ((text = replay_config(r, &cpath)) != NULL)
		free(text);
	free(cpath);
	replay_close(r);
out:
	unlink(path);
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
	return (0);
}
