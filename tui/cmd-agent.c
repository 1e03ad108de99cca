/* SPDX-License-Identifier: ISC */
/*
 * "peertop agent": run at a branch, probe the configured edges with the
 * built-in prober and push the samples to a collector's ingest endpoint
 * (core/latency-agent.c).  The configuration is peertop's own: the branches and
 * their "probe" lines, the "probe" block's defaults and user, and an
 * "agent" block naming the collector.
 *
 * SIGINT, SIGTERM and SIGHUP stop the probing and push what is queued,
 * for at most a push timeout and a second; a second signal exits at
 * once.  The last line on stderr is the account of every sample probed:
 * sent, queued (lost on exit: the collector did not take them),
 * overflowed and rejected.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "core/latency-agent.h"
#include "core/collect-probe.h"
#include "core/config.h"
#include "core/geo.h"
#include "core/model.h"
#include "core/latency-probe.h"
#include "core/util.h"
#include "tui/tui.h"

#ifndef PEERTOP_DATADIR
#define PEERTOP_DATADIR "/usr/local/share/peertop"
#endif

#define CMD_AGENT_STATUS_MS	60000	/* status line; -v: 5 s */
#define CMD_AGENT_STATUS_V_MS	5000

struct cmd_agent {
	struct model		*m;
	struct event_base	*base;
	struct agent		*agent;
	struct collect_probe_run	*run;
	struct event		*deadline;
	int			 stopping;
	uint64_t		 probed, lost;
};

static void	cmd_agent_usage(FILE *);
static int	cmd_agent_model(const char *, struct model **);
static void	cmd_agent_sample_cb(void *, struct branch *,
		    const struct probe_conf *, int64_t, int64_t, const char *);
static void	cmd_agent_signal_cb(evutil_socket_t, short, void *);
static void	cmd_agent_done_cb(void *);
static void	cmd_agent_deadline_cb(evutil_socket_t, short, void *);
static void	cmd_agent_status_cb(evutil_socket_t, short, void *);
static void	cmd_agent_counters(const struct cmd_agent *);
static int	cmd_agent_options(int, char **, const char **, int *, int *);
static int	cmd_agent_conf(struct cmd_agent *, const char *, int);
static int	cmd_agent_start(struct cmd_agent *);
static void	cmd_agent_run(struct cmd_agent *, int);

static void
cmd_agent_usage(FILE *f)
{
	fprintf(f, "usage: peertop agent [-nv] [-c file]\n");
}

/* The edge catalogue, then the configuration (config_load()). */
static int
cmd_agent_model(const char *config, struct model **mp)
{
	char	*cause = NULL;

	if ((*mp = config_load(config, NULL, NULL, &cause)) == NULL) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		return (-1);
	}
	return (0);
}

static void
cmd_agent_sample_cb(void *arg, struct branch *b, const struct probe_conf *pc,
    int64_t time_ms, int64_t rtt_us, const char *error)
{
	struct cmd_agent	*ca = arg;
	struct agent_sample	 s;

	(void)error;
	if (ca->stopping)
		return;
	s.branch = b->name;
	s.edge = pc->edge;
	s.target = pc->target;
	s.time_ms = time_ms;
	s.rtt_us = rtt_us;
	ca->probed++;
	if (rtt_us < 0)
		ca->lost++;
	latency_agent_add(ca->agent, &s);
}

/*
 * The first signal stops probing and drains the queue within a bound;
 * the second gives up on it.
 */
static void
cmd_agent_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct cmd_agent	*ca = arg;
	struct timeval		 tv;

	(void)what;
	if (ca->stopping) {
		event_base_loopbreak(ca->base);
		return;
	}
	log_info("agent %s: signal %d, pushing what is queued",
	    ca->m->agent.name, (int)sig);
	ca->stopping = 1;
	collect_probe_run_free(ca->run);
	ca->run = NULL;
	tv.tv_sec = (AGENT_TIMEOUT_MS + 1000) / 1000;
	tv.tv_usec = 0;
	evtimer_add(ca->deadline, &tv);
	latency_agent_finish(ca->agent, cmd_agent_done_cb, ca);
}

static void
cmd_agent_done_cb(void *arg)
{
	struct cmd_agent	*ca = arg;

	event_base_loopbreak(ca->base);
}

static void
cmd_agent_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct cmd_agent	*ca = arg;

	(void)fd;
	(void)what;
	log_warnx("agent %s: the collector did not take the queue in time",
	    ca->m->agent.name);
	event_base_loopbreak(ca->base);
}

static void
cmd_agent_status_cb(evutil_socket_t fd, short what, void *arg)
{
	struct cmd_agent	*ca = arg;

	(void)fd;
	(void)what;
	log_info("agent %s: %llu probed (%llu lost), %s", ca->m->agent.name,
	    (unsigned long long)ca->probed, (unsigned long long)ca->lost,
	    latency_agent_status(ca->agent));
}

/* The account: every sample probed is in exactly one of the counts. */
static void
cmd_agent_counters(const struct cmd_agent *ca)
{
	const struct agent_stats	*st = latency_agent_stats(ca->agent);

	fprintf(stderr, "agent %s: %llu probed, %llu sent, %zu queued, %llu "
	    "overflowed, %llu rejected\n", ca->m->agent.name,
	    (unsigned long long)ca->probed, (unsigned long long)st->sent,
	    st->queued, (unsigned long long)st->dropped_overflow,
	    (unsigned long long)st->dropped_rejected);
	if (st->queued == 0)
		return;
	if (st->first_error[0] != '\0' &&
	    strcmp(st->first_error, st->last_error) != 0)
		fprintf(stderr, "agent %s: %zu samples lost on exit (the "
		    "collector did not take them: %s; at first: %s)\n",
		    ca->m->agent.name, st->queued, st->last_error,
		    st->first_error);
	else
		fprintf(stderr, "agent %s: %zu samples lost on exit (the "
		    "collector did not take them%s%s)\n", ca->m->agent.name,
		    st->queued, st->last_error[0] != '\0' ? ": " : "",
		    st->last_error);
}

/*
 * The command line into *config, *check and *verbose: -1 to go on, or
 * the exit status (-h, a usage error).
 */
static int
cmd_agent_options(int argc, char **argv, const char **config, int *check,
    int *verbose)
{
	static const struct option longopts[] = {
		{ "config",	required_argument,	NULL, 'c' },
		{ "check",	no_argument,		NULL, 'n' },
		{ "verbose",	no_argument,		NULL, 'v' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int	 ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:nvh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			*config = optarg;
			break;
		case 'n':
			*check = 1;
			break;
		case 'v':
			*verbose = 1;
			break;
		case 'h':
			cmd_agent_usage(stdout);
			return (0);
		default:
			cmd_agent_usage(stderr);
			return (2);
		}
	}
	if (optind != argc) {
		cmd_agent_usage(stderr);
		return (2);
	}
	return (-1);
}

/*
 * Does the configuration at path give the agent something to do (an
 * agent block, probe lines)?  -1 to go on, or the exit status (with -n,
 * 0 once it is checked).
 */
static int
cmd_agent_conf(struct cmd_agent *ca, const char *path, int check)
{
	size_t	 i, nprobes = 0;

	if (!ca->m->agent.enabled) {
		fprintf(stderr, "peertop agent: %s has no agent block (agent "
		    "\"NAME\" { collector ADDRESS [port N] token \"...\" }, "
		    "see peertop.conf(5))\n", path);
		return (1);
	}
	for (i = 0; i < ca->m->nbranches; i++)
		nprobes += ca->m->branches[i]->nprobes;
	if (nprobes == 0) {
		fprintf(stderr, "peertop agent: %s has no probe lines: give a "
		    "branch \"probe EDGE ADDRESS\" to measure\n", path);
		return (1);
	}
	if (check) {
		printf("%s: agent %s OK (%zu probes, pushing to %s port %d "
		    "over %s)\n", path, ca->m->agent.name, nprobes,
		    ca->m->agent.host, ca->m->agent.port != 0 ?
		    ca->m->agent.port : 8425, ca->m->agent.tls.enabled ?
		    "https" : "http");
		return (0);
	}
	return (-1);
}

/*
 * The event base, the pusher and the prober (its ICMP sockets opened
 * before privileges go), then drop them; -1 when one fails.
 */
static int
cmd_agent_start(struct cmd_agent *ca)
{
	char	*cause = NULL;

	if ((ca->base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	if ((ca->agent = latency_agent_new(ca->base, &ca->m->agent,
	    &cause)) == NULL) {
		fprintf(stderr, "peertop %s\n", cause);
		free(cause);
		return (-1);
	}
	/* Opens the ICMP sockets: before privileges go. */
	if ((ca->run = collect_probe_run_new(ca->m, ca->base,
	    cmd_agent_sample_cb, ca, &cause)) == NULL) {
		fprintf(stderr, "peertop agent: %s\n", cause != NULL ? cause :
		    "cannot start the prober");
		free(cause);
		return (-1);
	}
	if (ca->m->lat.user[0] != '\0' && geteuid() == 0 &&
	    latency_probe_drop_privileges(ca->m->lat.user) == -1) {
		fprintf(stderr, "peertop agent: cannot drop privileges to %s: "
		    "%s\n", ca->m->lat.user, errno == ENOENT ? "no such user" :
		    strerror(errno));
		return (-1);
	}
	if (collect_probe_run_unprobed(ca->run) > 0)
		log_warnx("agent %s: %zu ICMP targets not probed: %s",
		    ca->m->agent.name, collect_probe_run_unprobed(ca->run),
		    collect_probe_run_socket(ca->run));
	return (0);
}

/*
 * The signals and the status line, then the loop until a signal has
 * drained the queue; the account on stderr last.
 */
static void
cmd_agent_run(struct cmd_agent *ca, int verbose)
{
	struct event	*sig[3], *status;
	struct timeval	 tv;
	size_t		 i;

	signal(SIGPIPE, SIG_IGN);
	sig[0] = evsignal_new(ca->base, SIGINT, cmd_agent_signal_cb, ca);
	sig[1] = evsignal_new(ca->base, SIGTERM, cmd_agent_signal_cb, ca);
	sig[2] = evsignal_new(ca->base, SIGHUP, cmd_agent_signal_cb, ca);
	for (i = 0; i < nitems(sig); i++)
		evsignal_add(sig[i], NULL);
	ca->deadline = evtimer_new(ca->base, cmd_agent_deadline_cb, ca);
	status = event_new(ca->base, -1, EV_PERSIST, cmd_agent_status_cb, ca);
	tv.tv_sec = (verbose ? CMD_AGENT_STATUS_V_MS : CMD_AGENT_STATUS_MS) /
	    1000;
	tv.tv_usec = 0;
	event_add(status, &tv);
	log_info("agent %s: %zu targets (%s), pushing to %s port %d over %s",
	    ca->m->agent.name, collect_probe_run_targets(ca->run),
	    collect_probe_run_socket(ca->run), ca->m->agent.host,
	    ca->m->agent.port != 0 ? ca->m->agent.port : 8425,
	    ca->m->agent.tls.enabled ? "https" : "http");

	event_base_dispatch(ca->base);

	cmd_agent_counters(ca);
	for (i = 0; i < nitems(sig); i++)
		event_free(sig[i]);
	event_free(status);
	event_free(ca->deadline);
}

int
cmd_agent(int argc, char **argv)
{
	struct cmd_agent	 ca;
	char			*path;
	const char		*config = NULL;
	int			 check = 0, verbose = 0, rv;

	rv = cmd_agent_options(argc, argv, &config, &check, &verbose);
	if (rv != -1)
		return (rv);
	log_open(NULL, verbose ? LOG_LVL_DEBUG : LOG_LVL_INFO);
	path = config != NULL ? xstrdup(config) : config_default_path();
	if (path == NULL) {
		fprintf(stderr, "peertop agent: no configuration file: use -c "
		    "FILE (see peertop.conf(5))\n");
		return (1);
	}
	memset(&ca, 0, sizeof ca);
	if (cmd_agent_model(path, &ca.m) != 0) {
		free(path);
		return (1);
	}
	if ((rv = cmd_agent_conf(&ca, path, check)) == -1) {
		rv = 1;
		if (cmd_agent_start(&ca) == 0) {
			cmd_agent_run(&ca, verbose);
			rv = 0;
		}
	}

	collect_probe_run_free(ca.run);
	latency_agent_free(ca.agent);
	if (ca.base != NULL)
		event_base_free(ca.base);
	free(path);
	model_free(ca.m);
	return (rv);
}
