/*
 * Benchmark of the prober (issue 4: 5,000 probes/s on one core with a
 * timestamp error under 1 ms, compared in the same run with fping sending
 * the same probes).  tests/bench/bench-probe.sh sets up the targets: a
 * network namespace whose addresses are answered by tests/lab/responder
 * after a known delay, and runs this pinned to one core.
 *
 * Each tool sends COUNT = seconds x rate / targets ICMP echo requests
 * (56 bytes of data) to every target, every PERIOD = targets x 1000 /
 * rate ms, with a timeout of one period (fping's default in count
 * mode), so the aggregate rate is the one asked for:
 *  - peertop: core/probe.c on a default libevent base, as peertop runs
 *    it, on a raw socket; a target is removed when its COUNT results
 *    (answers or timeouts) are in;
 *  - fping (-F PATH): "fping -C COUNT -p PERIOD -i 1000/rate -t PERIOD
 *    -q" in a child process, its per-probe RTTs (ms, stderr) parsed.
 * Figures per tool, the same way for both:
 *  - rate: probes sent / (wall time - the median RTT), the wall time from
 *    the start to the last answer; a tool that keeps its schedule reaches
 *    the asked rate, one that falls behind takes longer;
 *  - CPU: user + system time (getrusage of this process for peertop,
 *    wait4 of the child for fping) over the wall time, and per probe;
 *  - loss, and the timestamp error |RTT - DELAY| over the answered
 *    probes: median, p99, max.  It includes the responder's own timer
 *    error and the veth round trip, the same for both tools.
 * Then the ratios peertop/fping and PASS or MISS for the targets: the
 * rate asked on one core with CPU < 100%, and a p99 error under 1 ms.
 * The sustained rate is counted for peertop from its probes' send times
 * (ms): the sum over targets of (probes - 1) / (last send - first send),
 * which a schedule kept exactly gives whatever each target's phase; it
 * passes within 0.1% (the ms resolution of the send times).  The
 * start-to-end figure also carries start-up.
 * With -R PID -S FILE (the responder's pid and its -S file), each run
 * is followed by the responder's own account of it (SIGUSR1): how late
 * its replies left after their due time, median, p99 and max, printed
 * under the tool's row as "reference": the part of the error that is
 * the lab's, not the tool's.
 * With -n RUNS the two tools take turns RUNS times; every run is
 * printed, then the median of each figure over the runs, which the
 * verdicts use (a virtual machine's stolen time puts a tail on a run
 * now and then, the same for both tools).
 * Exit 0 either way, 1 when a run cannot start.
 *
 * usage: bench-probe [-n runs] [-d delay-ms] [-r rate] [-s seconds]
 *            [-F fping] [-R pid -S file] address...
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "core/probe.h"
#include "core/util.h"
#include "tests/bench/bench-util.h"

#define BENCH_PROBE_TARGET_US	1000	/* p99 timestamp error */

struct bench_probe_res {
	const char	*tool;
	long		 sent;
	long		 lost;
	double		 wall;		/* s */
	double		 cpu;		/* s, user + system */
	int64_t		*err;		/* |rtt - delay|, us */
	long		 nerr;
	int64_t		*rtt;		/* us */
	uint64_t	 kernel_ts;	/* peertop only */
	double		 steady;	/* peertop only: sustained rate */
};

/* One run's figures for one tool; the medians over runs likewise. */
enum {
	FIG_RATE, FIG_LOSS, FIG_CPU, FIG_CPUPROBE, FIG_WALL, FIG_ERRMED,
	FIG_ERRP99, FIG_ERRMAX, FIG_STEADY, FIG_N
};
#define BENCH_PROBE_MAXRUNS	9

struct bench_probe_tgt {
	int		 id;
	long		 done;
	int64_t		 first_ms;	/* its first and last send */
	int64_t		 last_ms;
};

static struct event_base	*bench_probe_base;
static struct probe		*bench_probe_p;
static struct bench_probe_tgt	*bench_probe_tgts;
static int			 bench_probe_left;
static long			 bench_probe_count;
static int64_t			 bench_probe_delay_us;
static double			 bench_probe_end;
static struct bench_probe_res	 bench_probe_pt;

static void	bench_probe_add(struct bench_probe_res *, int64_t);
static int	bench_probe_cmp(const void *, const void *);
static void	bench_probe_figures(struct bench_probe_res *, double *);
static void	bench_probe_print(const char *, const double *);
static double	bench_probe_ref(pid_t, const char *);
static int64_t	bench_probe_pct(int64_t *, long, int);
static double	bench_probe_cpu(void);
static int	bench_probe_peertop(char **, int, unsigned int);
static int	bench_probe_fping(const char *, char **, int, unsigned int,
		    double, struct bench_probe_res *);

static double
bench_probe_cpu(void)
{
	struct rusage	ru;

	getrusage(RUSAGE_SELF, &ru);
	return ((double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
}

/* One answered probe's RTT into a result. */
static void
bench_probe_add(struct bench_probe_res *r, int64_t rtt_us)
{
	int64_t	e = rtt_us - bench_probe_delay_us;

	r->rtt[r->nerr] = rtt_us;
	r->err[r->nerr++] = e < 0 ? -e : e;
}

static void
bench_probe_cb(void *arg, int id, int64_t time_ms, int64_t rtt_us,
    const char *error)
{
	struct bench_probe_tgt	*t = &bench_probe_tgts[id - *(int *)arg];
	struct bench_probe_res	*r = &bench_probe_pt;

	(void)error;
	if (t->done >= bench_probe_count)
		return;
	r->sent++;
	if (t->done == 0)
		t->first_ms = time_ms;
	t->last_ms = time_ms;
	if (rtt_us < 0)
		r->lost++;
	else
		bench_probe_add(r, rtt_us);
	if (++t->done == bench_probe_count) {
		/* Its COUNT probes are in: no more sends to it. */
		probe_remove(bench_probe_p, t->id);
		if (--bench_probe_left == 0) {
			bench_probe_end = bench_now();
			event_base_loopbreak(bench_probe_base);
		}
	}
}

static int
bench_probe_peertop(char **addrs, int n, unsigned int period)
{
	struct bench_probe_res	*r = &bench_probe_pt;
	struct probe_target	 t;
	struct probe_stats	 st;
	struct bench_probe_tgt	*tg;
	double			 start, cpu0;
	int			 i, first = -1;

	r->tool = "peertop";
	r->err = xcalloc((size_t)(bench_probe_count * n), sizeof *r->err);
	r->rtt = xcalloc((size_t)(bench_probe_count * n), sizeof *r->rtt);
	bench_probe_base = event_base_new();
	bench_probe_p = probe_new(bench_probe_base, bench_probe_cb, &first);
	if (probe_open_sockets(bench_probe_p, PROBE_SOCK_RAW) == -1) {
		fprintf(stderr, "bench-probe: no raw ICMP socket (root?)\n");
		return (-1);
	}
	bench_probe_tgts = xcalloc((size_t)n, sizeof *bench_probe_tgts);
	bench_probe_left = n;
	cpu0 = bench_probe_cpu();
	start = bench_now();
	for (i = 0; i < n; i++) {
		memset(&t, 0, sizeof t);
		t.kind = PROBE_ICMP;
		if (addr_parse(addrs[i], &t.addr) == -1) {
			fprintf(stderr, "bench-probe: bad address %s\n",
			    addrs[i]);
			return (-1);
		}
		t.interval_ms = period;
		t.timeout_ms = period;
		t.size = PROBE_SIZE_DEFAULT;
		if ((bench_probe_tgts[i].id = probe_add_target(bench_probe_p,
		    &t)) == -1)
			return (-1);
		if (first == -1)
			first = bench_probe_tgts[i].id;
	}
	event_base_dispatch(bench_probe_base);
	r->wall = bench_probe_end - start;
	r->cpu = bench_probe_cpu() - cpu0;
	probe_get_stats(bench_probe_p, &st);
	r->kernel_ts = st.kernel_ts;
	if (st.kernel_ts != (uint64_t)r->nerr)
		printf("note: %llu of %ld answers timed by the kernel\n",
		    (unsigned long long)st.kernel_ts, r->nerr);
	/* Each target's probes over the time from its first to its last. */
	for (i = 0; i < n; i++) {
		tg = &bench_probe_tgts[i];
		if (tg->last_ms > tg->first_ms)
			r->steady += (tg->done - 1) * 1000.0 /
			    (double)(tg->last_ms - tg->first_ms);
	}
	free(bench_probe_tgts);
	probe_free(bench_probe_p);
	event_base_free(bench_probe_base);
	return (0);
}

/*
 * fping in count mode, verbose (-C): on stderr one line per target,
 * "ADDRESS : RTT RTT - RTT ...", RTTs in ms and "-" for a lost probe.
 */
static int
bench_probe_fping(const char *fping, char **addrs, int n,
    unsigned int period, double interval, struct bench_probe_res *r)
{
	struct rusage	 ru;
	FILE		*f;
	char		**argv, cnt[32], per[32], gap[32], *line = NULL, *tok;
	char		*sp;
	size_t		 linesize = 0;
	double		 start, ms;
	int		 pfd[2], status, i, k;
	pid_t		 pid;

	r->tool = "fping";
	r->err = xcalloc((size_t)(bench_probe_count * n), sizeof *r->err);
	r->rtt = xcalloc((size_t)(bench_probe_count * n), sizeof *r->rtt);
	snprintf(cnt, sizeof cnt, "%ld", bench_probe_count);
	snprintf(per, sizeof per, "%u", period);
	snprintf(gap, sizeof gap, "%.3f", interval);
	argv = xcalloc((size_t)n + 16, sizeof *argv);
	k = 0;
	argv[k++] = (char *)fping;
	argv[k++] = (char *)"-q";
	argv[k++] = (char *)"-C";
	argv[k++] = cnt;
	argv[k++] = (char *)"-p";
	argv[k++] = per;
	argv[k++] = (char *)"-t";
	argv[k++] = per;
	argv[k++] = (char *)"-i";
	argv[k++] = gap;
	argv[k++] = (char *)"-b";
	argv[k++] = (char *)"56";
	for (i = 0; i < n; i++)
		argv[k++] = addrs[i];
	argv[k] = NULL;

	if (pipe(pfd) == -1)
		return (-1);
	start = bench_now();
	if ((pid = fork()) == -1)
		return (-1);
	if (pid == 0) {
		close(pfd[0]);
		dup2(pfd[1], STDERR_FILENO);
		close(pfd[1]);
		execv(fping, argv);
		_exit(127);
	}
	close(pfd[1]);
	free(argv);
	if ((f = fdopen(pfd[0], "r")) == NULL)
		return (-1);
	while (getline(&line, &linesize, f) != -1) {
		if (strstr(line, " : ") == NULL) {
			fprintf(stderr, "bench-probe: fping: %s", line);
			continue;
		}
		tok = strtok_r(strstr(line, " : ") + 3, " \n", &sp);
		for (; tok != NULL; tok = strtok_r(NULL, " \n", &sp)) {
			if (r->sent == bench_probe_count * n)
				break;
			r->sent++;
			if (strcmp(tok, "-") == 0) {
				r->lost++;
				continue;
			}
			ms = strtod(tok, NULL);
			bench_probe_add(r, (int64_t)(ms * 1000 + 0.5));
		}
	}
	free(line);
	fclose(f);
	while (wait4(pid, &status, 0, &ru) == -1)
		if (errno != EINTR)
			return (-1);
	r->wall = bench_now() - start;
	r->cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	/* fping exits 1 when some target lost probes, 2+ on errors. */
	if (!WIFEXITED(status) || WEXITSTATUS(status) > 1 || r->sent == 0) {
		fprintf(stderr, "bench-probe: %s failed (status %d, %ld "
		    "results)\n", fping, status, r->sent);
		return (-1);
	}
	return (0);
}

static int
bench_probe_cmp(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x < y ? -1 : x > y);
}

/* The pct-th percentile (nearest rank) of n sorted values; -1 if none. */
static int64_t
bench_probe_pct(int64_t *v, long n, int pct)
{
	long	k;

	if (n == 0)
		return (-1);
	k = (n * pct + 99) / 100;
	if (k < 1)
		k = 1;
	return (v[k - 1]);
}

/*
 * The figures of a result.  Rate: probes over the wall time less the
 * median RTT (the wait for the last answer).
 */
static void
bench_probe_figures(struct bench_probe_res *r, double *f)
{
	double	busy;

	qsort(r->rtt, (size_t)r->nerr, sizeof *r->rtt, bench_probe_cmp);
	qsort(r->err, (size_t)r->nerr, sizeof *r->err, bench_probe_cmp);
	busy = r->wall - (double)bench_probe_pct(r->rtt, r->nerr, 50) / 1e6;
	f[FIG_RATE] = busy > 0 ? r->sent / busy : 0;
	f[FIG_LOSS] = r->sent ? 100.0 * r->lost / r->sent : 0;
	f[FIG_CPU] = 100 * r->cpu / r->wall;
	f[FIG_CPUPROBE] = r->sent ? 1e6 * r->cpu / r->sent : 0;
	f[FIG_WALL] = r->wall;
	f[FIG_ERRMED] = (double)bench_probe_pct(r->err, r->nerr, 50);
	f[FIG_ERRP99] = (double)bench_probe_pct(r->err, r->nerr, 99);
	f[FIG_ERRMAX] = (double)bench_probe_pct(r->err, r->nerr, 100);
	f[FIG_STEADY] = r->steady;
	free(r->err);
	free(r->rtt);
}

static void
bench_probe_print(const char *what, const double *f)
{
	printf("%-14s %8.1f %6.2f%% %6.1f%% %7.2f %6.2f %7.0f %7.0f %7.0f\n",
	    what, f[FIG_RATE], f[FIG_LOSS], f[FIG_CPU], f[FIG_CPUPROBE],
	    f[FIG_WALL], f[FIG_ERRMED], f[FIG_ERRP99], f[FIG_ERRMAX]);
}

/*
 * The responder's account of the run just done: SIGUSR1 makes it append
 * "replies N late_us MEDIAN P99 MAX" to its -S file.  Printed as a row;
 * its p99 returned (-1 when it did not answer).
 */
static double
bench_probe_ref(pid_t pid, const char *file)
{
	FILE		*f;
	char		 line[256], last[256];
	double		 deadline;
	long		 n0 = 0, n, med, p99, max;
	unsigned long	 replies;

	if ((f = fopen(file, "r")) != NULL) {
		while (fgets(line, sizeof line, f) != NULL)
			n0++;
		fclose(f);
	}
	if (kill(pid, SIGUSR1) == -1)
		return (-1);
	for (deadline = bench_now() + 2; bench_now() < deadline;
	    usleep(10000)) {
		if ((f = fopen(file, "r")) == NULL)
			continue;
		for (n = 0; fgets(line, sizeof line, f) != NULL; n++)
			memcpy(last, line, sizeof last);
		fclose(f);
		if (n > n0 && sscanf(last, "replies %lu late_us %ld %ld %ld",
		    &replies, &med, &p99, &max) == 4) {
			printf("%-14s %8s %7s %7s %7s %6s %7ld %7ld %7ld\n",
			    "  reference", "", "", "", "", "", med, p99, max);
			return ((double)p99);
		}
	}
	return (-1);
}

static double
bench_probe_ratio(double a, double b)
{
	return (b > 0 ? a / b : 0);
}

int
main(int argc, char **argv)
{
	struct bench_probe_res	 fp, *pt = &bench_probe_pt;
	const char		*fping = NULL;
	double			 rate = 5000, seconds = 10, interval;
	double			 ptf[FIG_N][BENCH_PROBE_MAXRUNS];
	double			 fpf[FIG_N][BENCH_PROBE_MAXRUNS];
	double			 one[FIG_N], ptm[FIG_N], fpm[FIG_N];
	double			 ref[2][BENCH_PROBE_MAXRUNS];
	const char		*stats = NULL;
	char			 what[32];
	unsigned int		 period;
	pid_t			 resp = -1;
	int			 ch, k, n, run, runs = 1, rc = 0, fpok = 0;

	while ((ch = getopt(argc, argv, "d:F:n:r:R:s:S:")) != -1) {
		switch (ch) {
		case 'd':
			bench_probe_delay_us = strtoll(optarg, NULL, 10) * 1000;
			break;
		case 'F':
			fping = optarg;
			break;
		case 'n':
			runs = atoi(optarg);
			break;
		case 'r':
			rate = strtod(optarg, NULL);
			break;
		case 'R':
			resp = (pid_t)strtol(optarg, NULL, 10);
			break;
		case 'S':
			stats = optarg;
			break;
		case 's':
			seconds = strtod(optarg, NULL);
			break;
		default:
			goto usage;
		}
	}
	argc -= optind;
	argv += optind;
	if ((n = argc) < 1 || rate <= 0 || seconds <= 0 || runs < 1 ||
	    runs > BENCH_PROBE_MAXRUNS)
		goto usage;
	/* Whole milliseconds per target, as a probe config has them. */
	period = (unsigned int)(n * 1000 / rate + 0.5);
	if (period == 0)
		period = 1;
	rate = n * 1000.0 / period;
	interval = 1000.0 / rate;
	bench_probe_count = (long)(seconds * 1000 / period + 0.5);
	if (bench_probe_count < 2)
		bench_probe_count = 2;

	printf("bench-probe: %d targets, every %u ms each: %.0f probes/s, "
	    "%ld per target (%.1f s), timeout %u ms, responder delay "
	    "%lld ms, %d run%s\n", n, period, rate, bench_probe_count,
	    bench_probe_count * period / 1000.0, period,
	    (long long)(bench_probe_delay_us / 1000), runs,
	    runs > 1 ? "s" : "");
	printf("%-14s %8s %7s %7s %7s %6s %7s %7s %7s\n", "tool", "probes/s",
	    "loss", "cpu", "us cpu", "wall", "err.med", "err.p99", "err.max");
	printf("%-14s %8s %7s %7s %7s %6s %7s %7s %7s\n", "", "", "", "",
	    "/probe", "s", "us", "us", "us");
	for (run = 0; run < runs; run++) {
		memset(pt, 0, sizeof *pt);
		if (bench_probe_peertop(argv, n, period) == -1)
			return (1);
		bench_probe_figures(pt, one);
		for (k = 0; k < FIG_N; k++)
			ptf[k][run] = one[k];
		snprintf(what, sizeof what, "peertop #%d", run + 1);
		bench_probe_print(what, one);
		if (stats != NULL)
			ref[0][run] = bench_probe_ref(resp, stats);
		if (fping == NULL)
			continue;
		memset(&fp, 0, sizeof fp);
		if (bench_probe_fping(fping, argv, n, period, interval,
		    &fp) == -1) {
			printf("fping: no figures (see above)\n");
			fping = NULL;
			rc = 1;
			continue;
		}
		fpok++;
		bench_probe_figures(&fp, one);
		for (k = 0; k < FIG_N; k++)
			fpf[k][run] = one[k];
		snprintf(what, sizeof what, "fping #%d", run + 1);
		bench_probe_print(what, one);
		if (stats != NULL)
			ref[1][run] = bench_probe_ref(resp, stats);
	}
	for (k = 0; k < FIG_N; k++) {
		ptm[k] = bench_median(ptf[k], runs);
		if (fpok == runs)
			fpm[k] = bench_median(fpf[k], runs);
	}
	if (runs > 1) {
		printf("median of %d runs:\n", runs);
		bench_probe_print("peertop", ptm);
		if (fpok == runs)
			bench_probe_print("fping", fpm);
	}
	if (stats != NULL) {
		printf("reference p99 (the responder's lateness), median over "
		    "runs: %.0f us in peertop's runs", bench_median(ref[0],
		    runs));
		if (fpok == runs)
			printf(", %.0f us in fping's", bench_median(ref[1],
			    runs));
		printf("\n");
	}
	if (fpok == runs)
		printf("peertop/fping: rate %.2fx, CPU per probe %.2fx, "
		    "p99 error %.2fx, median error %.2fx\n",
		    bench_probe_ratio(ptm[FIG_RATE], fpm[FIG_RATE]),
		    bench_probe_ratio(ptm[FIG_CPUPROBE], fpm[FIG_CPUPROBE]),
		    bench_probe_ratio(ptm[FIG_ERRP99], fpm[FIG_ERRP99]),
		    bench_probe_ratio(ptm[FIG_ERRMED], fpm[FIG_ERRMED]));
	printf("%s rate: %.1f probes/s sustained on one core (%.1f/s start "
	    "to end), CPU %.1f%% (target >= %.0f/s)\n",
	    ptm[FIG_STEADY] >= rate * 0.999 && ptm[FIG_CPU] < 100 ?
	    "PASS" : "MISS", ptm[FIG_STEADY], ptm[FIG_RATE], ptm[FIG_CPU],
	    rate);
	printf("%s timestamp error: p99 %.0f us (target < %d us)\n",
	    ptm[FIG_ERRP99] >= 0 && ptm[FIG_ERRP99] < BENCH_PROBE_TARGET_US ?
	    "PASS" : "MISS", ptm[FIG_ERRP99], BENCH_PROBE_TARGET_US);
	return (rc);

usage:
	fprintf(stderr, "usage: bench-probe [-n runs] [-d delay-ms] "
	    "[-r rate] [-s seconds] [-F fping] address...\n");
	return (1);
}
