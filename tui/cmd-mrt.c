/* SPDX-License-Identifier: ISC */
/*
 * "peertop mrt": MRT files (raw, .gz or .bz2) offline.
 *
 * --dump FILE...: one line per element in the format of "bgpdump -m"
 * (core/mrt-dump.c), so the decoder can be checked against bgpdump.
 *
 * -c CONFIG FILE...: replay the files through a RIB and the route
 * monitor, as if a BMP feed had delivered them: every record goes into
 * the RIB (rib_mrt_record()), MRT peers are mapped to the configured
 * sessions by neighbor address, and the route monitor evaluates after
 * each record at the record's time, so the events carry the time the
 * route changed (core/routemon-mrt.c).  The route events are printed as
 * the model's event sink sees them, through the feed of a struct output
 * (text lines, JSON or CSV).
 *
 * Neither: load the files into a RIB and print a summary.
 *
 * Decode errors go to stderr, located by file, record number and offset;
 * a malformed record is counted and skipped, a truncated or damaged file
 * ends that file.  Exit status: see peertop(1).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/geo.h"
#include "core/model.h"
#include "core/mrt-dump.h"
#include "core/output.h"
#include "core/rib.h"
#include "core/routemon.h"
#include "core/util.h"
#include "tui/tui.h"

#ifndef PEERTOP_DATADIR
#define PEERTOP_DATADIR "/usr/local/share/peertop"
#endif

/* A replay: the RIB, the model when -c was given, what was printed. */
struct cmd_mrt_run {
	struct routemon_replay	 rp;
	const struct output	*out;
	struct output_ctx	 ctx;
	enum level		 worst;
};

static void	cmd_mrt_usage(FILE *);
static int	cmd_mrt_dump(int, char **);
static int	cmd_mrt_model(const char *, struct model **);
static void	cmd_mrt_event_cb(void *, struct event *);
static void	cmd_mrt_error_cb(void *, const char *);

static void
cmd_mrt_usage(FILE *f)
{
	fprintf(f, "usage: peertop mrt [--dump] file ...\n"
	    "       peertop mrt -c config [-o text|json|csv] file ...\n");
}

/* --dump: bgpdump -m lines. */
static int
cmd_mrt_dump(int argc, char **argv)
{
	static char		 outbuf[1 << 16];
	struct mrt_dump_stats	 st;
	int			 i, rv = 0;

	setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	for (i = 0; i < argc; i++) {
		if (mrt_dump_file(argv[i], stdout, stderr, &st) != 0)
			rv = 1;
	}
	fflush(stdout);
	return (rv);
}

/*
 * The model as peertop itself would load it: the edge catalogue, then
 * the configuration (again over another catalogue if it names a
 * datadir), then branch placement for the nearest edges.
 */
static int
cmd_mrt_model(const char *config, struct model **mp)
{
	struct model	*m;
	struct geo	*geo;
	char		*cause = NULL, *warnings = NULL;

	if ((m = config_load(config, NULL, NULL, &cause)) == NULL) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		return (-1);
	}
	geo = geo_open(m->geoip_city, m->geoip_asn, &warnings);
	if (warnings != NULL)
		fprintf(stderr, "peertop: warning: %s\n", warnings);
	free(warnings);
	geo_place_branches(m, geo);
	geo_close(geo);
	*mp = m;
	return (0);
}

/* The model's event sink: print each event as it is raised. */
static void
cmd_mrt_event_cb(void *arg, struct event *ev)
{
	struct cmd_mrt_run	*run = arg;

	if (ev->level > run->worst)
		run->worst = ev->level;
	output_feed_event(run->out, &run->ctx, ev);
}

static void
cmd_mrt_error_cb(void *arg, const char *cause)
{
	(void)arg;
	fprintf(stderr, "peertop: %s\n", cause);
}

int
cmd_mrt(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dump",	no_argument,		NULL,	'D' },
		{ "config",	required_argument,	NULL,	'c' },
		{ "output",	required_argument,	NULL,	'o' },
		{ "help",	no_argument,		NULL,	'h' },
		{ NULL,		0,			NULL,	0 }
	};
	struct cmd_mrt_run	 run;
	struct output_feed	 fd;
	struct rib_stats	 st;
	struct rib_peer		*p;
	const char		*config = NULL, *fmt = "text";
	uint64_t		 updates = 0;
	size_t			 i;
	int			 ch, dump = 0, rv = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:ho:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'D':
			dump = 1;
			break;
		case 'c':
			config = optarg;
			break;
		case 'o':
			fmt = optarg;
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
	if (argc == 0 || (dump && config != NULL) || output_find(fmt) == NULL) {
		cmd_mrt_usage(stderr);
		return (2);
	}
	if (dump)
		return (cmd_mrt_dump(argc, argv));

	memset(&run, 0, sizeof run);
	run.out = output_find(fmt);
	output_init(&run.ctx, stdout);
	if (config != NULL && cmd_mrt_model(config, &run.rp.m) != 0)
		return (4);
	run.rp.rib = rib_new();
	run.rp.error = cmd_mrt_error_cb;
	if (run.rp.m != NULL) {
		routemon_new(run.rp.m, run.rp.rib);
		run.rp.m->sink.event = cmd_mrt_event_cb;
		run.rp.m->sink.arg = &run;
		output_feed_begin(run.out, &run.ctx);
	}
	for (i = 0; i < (size_t)argc; i++)
		(void)routemon_replay_file(&run.rp, argv[i]);

	rib_stats(run.rp.rib, &st);
	for (i = 0; i < rib_npeers(run.rp.rib); i++) {
		p = rib_peer(run.rp.rib, (int)i);
		updates += p->announced + p->withdrawn;
	}
	if (run.rp.m == NULL) {
		printf("%llu records", (unsigned long long)run.rp.records);
		if (run.rp.skipped != 0)
			printf(" (%llu of types not decoded)",
			    (unsigned long long)run.rp.skipped);
		printf(", %llu updates, %zu peers, %zu prefixes, %zu routes, "
		    "%zu attribute sets, %llu error%s\n",
		    (unsigned long long)updates, rib_npeers(run.rp.rib),
		    st.prefixes, st.routes, st.attrs,
		    (unsigned long long)run.rp.errors,
		    run.rp.errors == 1 ? "" : "s");
		rv = run.rp.errors != 0;
	} else {
		fd.records = run.rp.records;
		fd.updates = updates;
		fd.errors = run.rp.errors;
		fd.peers = rib_npeers(run.rp.rib);
		fd.prefixes = st.prefixes;
		output_feed_end(run.out, &run.ctx, &fd);
		if (run.rp.errors != 0)
			rv = 4;
		else if (run.worst == LVL_CRITICAL)
			rv = 2;
		else if (run.worst != LVL_INFO)
			rv = 1;
		routemon_free(run.rp.m->routemon);
		model_free(run.rp.m);
	}
	rib_free(run.rp.rib);
	fflush(stdout);
	return (rv);
}
