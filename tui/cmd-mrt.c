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
 * --vrp FILE (rpki-client, Routinator or StayRTR JSON; repeatable) and
 * --slurm FILE (RFC 8416; applied on top): every route is validated (RFC
 * 6811) as it is stored; --dump prints the state as one more column, the
 * summary counts the routes in each state.
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
#include "core/vrp.h"
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

/*
 * The RIB of the last replay, left for the process's exit to take back:
 * freeing a full table's attribute sets one by one was 5% of "peertop
 * mrt -c".  Kept here, it stays reachable, so leak checkers do not count
 * it.
 */
static struct rib	*cmd_mrt_rib;

/* The VRP and SLURM files of --vrp and --slurm. */
struct cmd_mrt_files {
	const char	**v;
	size_t		  n;
};

static void	cmd_mrt_usage(FILE *);
static void	cmd_mrt_file_add(struct cmd_mrt_files *, const char *);
static struct vrp_index *cmd_mrt_vrps(const struct cmd_mrt_files *,
		    const struct cmd_mrt_files *);
static int	cmd_mrt_dump(int, char **, const struct vrp_index *);
static int	cmd_mrt_model(const char *, struct model **);
static void	cmd_mrt_event_cb(void *, struct event *);
static void	cmd_mrt_error_cb(void *, const char *);

static void
cmd_mrt_usage(FILE *f)
{
	fprintf(f, "usage: peertop mrt [--dump] [--vrp file [--slurm file]] "
	    "file ...\n"
	    "       peertop mrt -c config [-o text|json|csv] "
	    "[--vrp file [--slurm file]] file ...\n");
}

static void
cmd_mrt_file_add(struct cmd_mrt_files *f, const char *path)
{
	f->v = xreallocarray(f->v, f->n + 1, sizeof *f->v);
	f->v[f->n++] = path;
}

/* The VRPs of every --vrp file with every --slurm file applied; NULL on
 * an error (said on stderr). */
static struct vrp_index *
cmd_mrt_vrps(const struct cmd_mrt_files *vf, const struct cmd_mrt_files *sf)
{
	struct vrp_set		*s = vrp_set_new();
	struct vrp_slurm	*sl;
	struct vrp_index	*ix = NULL;
	char			*cause = NULL;
	size_t			 i;

	for (i = 0; i < vf->n; i++) {
		if (vrp_set_load(s, vf->v[i], &cause) != 0)
			goto fail;
	}
	for (i = 0; i < sf->n; i++) {
		if ((sl = vrp_slurm_load(sf->v[i], &cause)) == NULL)
			goto fail;
		vrp_slurm_apply(sl, s);
		vrp_slurm_free(sl);
	}
	ix = vrp_index_new(s);
	vrp_set_free(s);
	return (ix);

fail:
	fprintf(stderr, "peertop: %s\n", cause);
	free(cause);
	vrp_set_free(s);
	return (NULL);
}

/* --dump: bgpdump -m lines (with the RPKI state as one more column). */
static int
cmd_mrt_dump(int argc, char **argv, const struct vrp_index *vrps)
{
	static char		 outbuf[1 << 16];
	struct mrt_dump_stats	 st;
	int			 i, rv = 0;

	setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	for (i = 0; i < argc; i++) {
		if (mrt_dump_file_vrp(argv[i], stdout, stderr, vrps, &st) != 0)
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
		{ "vrp",	required_argument,	NULL,	'V' },
		{ "slurm",	required_argument,	NULL,	'L' },
		{ "help",	no_argument,		NULL,	'h' },
		{ NULL,		0,			NULL,	0 }
	};
	struct cmd_mrt_run	 run;
	struct output_feed	 fd;
	struct rib_stats	 st;
	struct rib_peer		*p;
	struct cmd_mrt_files	 vf, sf;
	struct vrp_index	*vrps = NULL;
	size_t			 rov[4], naspa;
	const char		*config = NULL, *fmt = "text";
	uint64_t		 updates = 0;
	size_t			 i;
	int			 ch, dump = 0, rv = 0;

	memset(&vf, 0, sizeof vf);
	memset(&sf, 0, sizeof sf);
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
		case 'V':
			cmd_mrt_file_add(&vf, optarg);
			break;
		case 'L':
			cmd_mrt_file_add(&sf, optarg);
			break;
		case 'h':
			free(vf.v);
			free(sf.v);
			cmd_mrt_usage(stdout);
			return (0);
		default:
			free(vf.v);
			free(sf.v);
			cmd_mrt_usage(stderr);
			return (2);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0 || (dump && config != NULL) || output_find(fmt) == NULL ||
	    (sf.n != 0 && vf.n == 0)) {
		free(vf.v);
		free(sf.v);
		cmd_mrt_usage(stderr);
		return (2);
	}
	if (vf.n != 0)
		vrps = cmd_mrt_vrps(&vf, &sf);
	free(vf.v);
	free(sf.v);
	if (vf.n != 0 && vrps == NULL)
		return (4);
	if (dump) {
		rv = cmd_mrt_dump(argc, argv, vrps);
		vrp_index_free(vrps);
		return (rv);
	}

	memset(&run, 0, sizeof run);
	run.out = output_find(fmt);
	output_init(&run.ctx, stdout);
	if (config != NULL && cmd_mrt_model(config, &run.rp.m) != 0) {
		vrp_index_free(vrps);
		return (4);
	}
	run.rp.rib = rib_new();
	/* Routes are validated as they are stored. */
	if (vrps != NULL)
		rib_rov_set(run.rp.rib, vrps, NULL, NULL);
	run.rp.error = cmd_mrt_error_cb;
	if (run.rp.m != NULL) {
		routemon_new(run.rp.m, run.rp.rib);
		/* The RPKI events and ASPA judge against the --vrp files. */
		run.rp.m->vrps = vrps;
		if (vrps != NULL && vrp_index_aspas(vrps, &naspa) != NULL &&
		    naspa > 0)
			routemon_set_aspa(run.rp.m->routemon,
			    routemon_vrps_aspa, run.rp.m);
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
		if (vrps != NULL) {
			rib_rov_counts(run.rp.rib, rov);
			printf("RPKI, %zu VRPs: %zu valid, %zu invalid-origin, "
			    "%zu invalid-length, %zu not-found\n",
			    vrp_index_count(vrps), rov[VRP_VALID],
			    rov[VRP_INVALID_ORIGIN], rov[VRP_INVALID_LENGTH],
			    rov[VRP_NOTFOUND]);
		}
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
	rib_free(cmd_mrt_rib);
	cmd_mrt_rib = run.rp.rib;
	vrp_index_free(vrps);
	fflush(stdout);
	return (rv);
}
