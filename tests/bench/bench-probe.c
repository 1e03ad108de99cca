/* SPDX-License-Identifier: ISC */
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
 *  - peertop: core/latency-probe.c on a default libevent base, as peertop runs
 *    it, on a raw socket; a target is removed when its COUNT results
 *    (answers or timeouts) are in;
 *  - fping (-F PATH): "fping -C COUNT -p PERIOD -i 0 -t PERIOD -q" in a
 *    child process, its per-probe RTTs (ms, stderr) parsed.
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
 * With -T TCPDUMP -I INTERFACE (the veth's end on this side) one more
 * run of each tool follows, captured (tcpdump -w, nanosecond kernel
 * timestamps, on CPU 1 when there is one; not the timed runs, as the
 * capture costs the sending CPU time), and each answered probe's round
 * trip on the wire, the request leaving to the reply coming in, is set
 * against what the tool measured for it (the k-th result of a target is
 * its k-th request: each tool reports a target's probes in sending
 * order): "wire" rows, |tool RTT - wire RTT|, median, p99, max.  That is
 * the tool's own timestamp error, with the responder's out of it; the
 * verdict uses it when there is a capture.
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
 * fping runs at its best setting, "-i 0" (no gap imposed between two
 * sends; as root it takes it): 11-12k probes/s here against 2.5-3k with
 * the gap of the asked rate, "-i 0.05"; -i MS gives it another.
 *
 * usage: bench-probe [-n runs] [-d delay-ms] [-r rate] [-s seconds]
 *            [-F fping [-i ms]] [-R pid -S file] [-T tcpdump -I interface]
 *            address...
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sched.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "core/latency-probe.h"
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
	int64_t		*ord;		/* per target, results in order */
	long		*nord;
	int64_t		*werr;		/* |rtt - wire rtt|, us */
	long		 nwerr;
	long		 unmatched;	/* answered by one only */
};

/* One run's figures for one tool; the medians over runs likewise. */
enum {
	FIG_RATE, FIG_LOSS, FIG_CPU, FIG_CPUPROBE, FIG_WALL, FIG_ERRMED,
	FIG_ERRP99, FIG_ERRMAX, FIG_STEADY, FIG_WMED, FIG_WP99, FIG_WMAX,
	FIG_N
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
static void	bench_probe_result(struct bench_probe_res *, int, int64_t);
static void	bench_probe_alloc(struct bench_probe_res *, int);
static pid_t	bench_probe_capture(const char *, const char *, const char *);
static int	bench_probe_wire(const char *, char **, int,
		    struct bench_probe_res *);
static pid_t	bench_probe_cap_start(const char *, const char *, char *,
		    size_t);
static int	bench_probe_cap_end(pid_t, const char *, char **, int,
		    struct bench_probe_res *);
static void	bench_probe_wrow(const double *);
static void	bench_probe_row(const char *, struct bench_probe_res *,
		    double *, pid_t, const char *, char **, int);
static int64_t	bench_probe_pct(int64_t *, long, int);
static double	bench_probe_cpu(void);
static void	bench_probe_late(const struct probe_stats *);
static int	bench_probe_peertop(char **, int, unsigned int);
static int	bench_probe_fping(const char *, char **, int, unsigned int,
		    double, struct bench_probe_res *);

/*
 * The prober's own account of its schedule: how late after their due
 * time its timer's turns sent the probes (a log2 histogram), p50 and
 * p99 as the bucket's upper bound.  Late sends are what a missed rate
 * is made of; they are not timestamp error (the send time is the
 * kernel's).
 */
static void
bench_probe_late(const struct probe_stats *st)
{
	uint64_t	 all = 0, sum = 0;
	long		 pct[2] = { -1, -1 };
	int		 i, k;

	for (i = 0; i < PROBE_LATE_BUCKETS; i++)
		all += st->send_late[i];
	for (i = 0; i < PROBE_LATE_BUCKETS && all > 0; i++) {
		sum += st->send_late[i];
		for (k = 0; k < 2; k++)
			if (pct[k] == -1 && sum * 100 >= all * (k ? 99 : 50))
				pct[k] = 1L << i;
	}
	printf("note: sends after their due time: p50 < %ld us, p99 < %ld "
	    "us%s\n",
	    pct[0], pct[1], st->send_late[PROBE_LATE_BUCKETS - 1] != 0 ?
	    " (some beyond 4 s)" : "");
}

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
bench_probe_alloc(struct bench_probe_res *r, int n)
{
	size_t	all = (size_t)(bench_probe_count * n);

	r->err = xcalloc(all, sizeof *r->err);
	r->rtt = xcalloc(all, sizeof *r->rtt);
	r->ord = xcalloc(all, sizeof *r->ord);
	r->nord = xcalloc((size_t)n, sizeof *r->nord);
	r->werr = xcalloc(all, sizeof *r->werr);
}

/* Target i's next result, in order; -1 lost. */
static void
bench_probe_result(struct bench_probe_res *r, int i, int64_t rtt_us)
{
	if (r->nord[i] < bench_probe_count)
		r->ord[(long)i * bench_probe_count + r->nord[i]++] = rtt_us;
	r->sent++;
	if (rtt_us < 0)
		r->lost++;
	else
		bench_probe_add(r, rtt_us);
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
	if (t->done == 0)
		t->first_ms = time_ms;
	t->last_ms = time_ms;
	bench_probe_result(r, (int)(t - bench_probe_tgts), rtt_us);
	if (++t->done == bench_probe_count) {
		/* Its COUNT probes are in: no more sends to it. */
		latency_probe_remove(bench_probe_p, t->id);
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
	bench_probe_alloc(r, n);
	bench_probe_base = event_base_new();
	bench_probe_p = latency_probe_new(bench_probe_base, bench_probe_cb,
	    &first);
	if (latency_probe_open_sockets(bench_probe_p, PROBE_SOCK_RAW) == -1) {
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
		if ((bench_probe_tgts[i].id =
		    latency_probe_add_target(bench_probe_p, &t)) == -1)
			return (-1);
		if (first == -1)
			first = bench_probe_tgts[i].id;
	}
	event_base_dispatch(bench_probe_base);
	r->wall = bench_probe_end - start;
	r->cpu = bench_probe_cpu() - cpu0;
	latency_probe_get_stats(bench_probe_p, &st);
	r->kernel_ts = st.kernel_ts;
	if (st.kernel_ts != (uint64_t)r->nerr)
		printf("note: %llu of %ld answers timed by the kernel\n",
		    (unsigned long long)st.kernel_ts, r->nerr);
	if (st.kernel_tx_ts != (uint64_t)r->nerr)
		printf("note: %llu of %ld answers' sends timed by the "
		    "kernel\n", (unsigned long long)st.kernel_tx_ts, r->nerr);
	bench_probe_late(&st);
	/* Each target's probes over the time from its first to its last. */
	for (i = 0; i < n; i++) {
		tg = &bench_probe_tgts[i];
		if (tg->last_ms > tg->first_ms)
			r->steady += (tg->done - 1) * 1000.0 /
			    (double)(tg->last_ms - tg->first_ms);
	}
	free(bench_probe_tgts);
	latency_probe_free(bench_probe_p);
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
	static char	 opt_q[] = "-q", opt_c[] = "-C", opt_p[] = "-p",
			 opt_t[] = "-t", opt_i[] = "-i", opt_b[] = "-b",
			 size[] = "56";
	char		**argv, cnt[32], per[32], gap[32], *line = NULL, *tok;
	char		*sp, path[4096];
	size_t		 linesize = 0;
	double		 start, ms;
	int		 pfd[2], status, i, k;
	pid_t		 pid;

	r->tool = "fping";
	bench_probe_alloc(r, n);
	snprintf(cnt, sizeof cnt, "%ld", bench_probe_count);
	snprintf(per, sizeof per, "%u", period);
	snprintf(gap, sizeof gap, "%.3f", interval);
	/* execv() takes char *const []: writable strings, no casts. */
	argv = xcalloc((size_t)n + 16, sizeof *argv);
	snprintf(path, sizeof path, "%s", fping);
	k = 0;
	argv[k++] = path;
	argv[k++] = opt_q;
	argv[k++] = opt_c;
	argv[k++] = cnt;
	argv[k++] = opt_p;
	argv[k++] = per;
	argv[k++] = opt_t;
	argv[k++] = per;
	argv[k++] = opt_i;
	argv[k++] = gap;
	argv[k++] = opt_b;
	argv[k++] = size;
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
		*strstr(line, " : ") = '\0';
		for (i = 0; i < n; i++)
			if (strcmp(line, addrs[i]) == 0)
				break;
		if (i == n)
			continue;
		tok = strtok_r(line + strlen(line) + 3, " \n", &sp);
		for (; tok != NULL; tok = strtok_r(NULL, " \n", &sp)) {
			if (r->nord[i] == bench_probe_count)
				break;
			ms = strtod(tok, NULL);
			bench_probe_result(r, i, strcmp(tok, "-") == 0 ? -1 :
			    (int64_t)(ms * 1000 + 0.5));
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

/*
 * tcpdump writing FILE from INTERFACE, ICMP only, nanosecond kernel
 * timestamps, on CPU 1 when there is one (the tools run on CPU 0); back
 * once it says it is listening.  Its pid, or -1.
 */
static pid_t
bench_probe_capture(const char *tcpdump, const char *iface, const char *file)
{
	cpu_set_t	 set;
	FILE		*f;
	char		 line[256];
	int		 pfd[2];
	pid_t		 pid;

	if (pipe(pfd) == -1 || (pid = fork()) == -1)
		return (-1);
	if (pid == 0) {
		close(pfd[0]);
		dup2(pfd[1], STDERR_FILENO);
		close(pfd[1]);
		CPU_ZERO(&set);
		CPU_SET(1, &set);
		(void)sched_setaffinity(0, sizeof set, &set);
		execl(tcpdump, tcpdump, "-i", iface, "-w", file, "-Z", "root",
		    "-n", "-s", "96", "-B", "32768",
		    "--time-stamp-precision=nano", "icmp", (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	if ((f = fdopen(pfd[0], "r")) == NULL)
		return (-1);
	while (fgets(line, sizeof line, f) != NULL)
		if (strstr(line, "listening on") != NULL)
			break;
	/* Its later lines (the counts at exit) go nowhere. */
	fclose(f);
	return (pid);
}

/* A little-endian or big-endian u32 of a pcap header. */
static uint32_t
bench_probe_u32(const uint8_t *p, int swap)
{
	return (swap ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3] : (uint32_t)p[3] << 24 |
	    (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0]);
}

struct bench_probe_wreq {
	uint16_t	id, seq;
	int64_t		tx_ns, rx_ns;	/* rx_ns 0: no reply seen */
};

/*
 * The capture (pcap, Ethernet, nanosecond magic a1b23c4d): each
 * target's echo requests in order with the time their reply came in,
 * matched by identifier and sequence; then the tool's k-th result of a
 * target against its k-th request on the wire.
 */
static int
bench_probe_wire(const char *file, char **addrs, int n,
    struct bench_probe_res *r)
{
	struct bench_probe_wreq	**req, *q;
	struct in_addr		 *tin;
	FILE			 *f;
	uint8_t			  gh[24], ph[16], pkt[96], *ip, *ic;
	uint32_t		  magic, caplen;
	long			 *nreq, k, j, max = bench_probe_count * 2 + 16;
	int64_t			  ns, wire, e;
	int			  swap, i, type, ihl;
	struct in_addr		  a;

	if ((f = fopen(file, "r")) == NULL)
		return (-1);
	if (fread(gh, 1, sizeof gh, f) != sizeof gh) {
		fclose(f);
		return (-1);
	}
	magic = bench_probe_u32(gh, 0);
	if (magic == 0xa1b23c4d)
		swap = 0;
	else if (magic == 0x4d3cb2a1)
		swap = 1;
	else {
		fclose(f);
		fprintf(stderr, "bench-probe: %s: not a nanosecond pcap\n",
		    file);
		return (-1);
	}
	tin = xcalloc((size_t)n, sizeof *tin);
	for (i = 0; i < n; i++)
		inet_pton(AF_INET, addrs[i], &tin[i]);
	req = xcalloc((size_t)n, sizeof *req);
	nreq = xcalloc((size_t)n, sizeof *nreq);
	for (i = 0; i < n; i++)
		req[i] = xcalloc((size_t)max, sizeof **req);
	while (fread(ph, 1, sizeof ph, f) == sizeof ph) {
		caplen = bench_probe_u32(ph + 8, swap);
		if (caplen > sizeof pkt) {
			fseek(f, (long)caplen, SEEK_CUR);
			continue;
		}
		if (fread(pkt, 1, caplen, f) != caplen)
			break;
		ns = (int64_t)bench_probe_u32(ph, swap) * 1000000000 +
		    bench_probe_u32(ph + 4, swap);
		/* Ethernet II, IPv4 (RFC 791), ICMP echo (RFC 792). */
		if (caplen < 14 + 20 + 8 || pkt[12] != 0x08 || pkt[13] != 0)
			continue;
		ip = pkt + 14;
		ihl = (ip[0] & 0x0f) * 4;
		if ((ip[0] >> 4) != 4 || ip[9] != 1 ||
		    caplen < (uint32_t)(14 + ihl + 8))
			continue;
		ic = ip + ihl;
		type = ic[0];
		if (type != 8 && type != 0)
			continue;
		memcpy(&a, type == 8 ? ip + 16 : ip + 12, sizeof a);
		for (i = 0; i < n; i++)
			if (tin[i].s_addr == a.s_addr)
				break;
		if (i == n)
			continue;
		if (type == 8) {
			if (nreq[i] == max)
				continue;
			q = &req[i][nreq[i]++];
			q->id = (uint16_t)(ic[4] << 8 | ic[5]);
			q->seq = (uint16_t)(ic[6] << 8 | ic[7]);
			q->tx_ns = ns;
			continue;
		}
		/* A reply: its request, looking back from the latest. */
		for (j = nreq[i] - 1; j >= 0 && j >= nreq[i] - 64; j--) {
			q = &req[i][j];
			if (q->id == (ic[4] << 8 | ic[5]) &&
			    q->seq == (ic[6] << 8 | ic[7]) && q->rx_ns == 0) {
				q->rx_ns = ns;
				break;
			}
		}
	}
	fclose(f);
	for (i = 0; i < n; i++) {
		for (k = 0; k < r->nord[i] && k < nreq[i]; k++) {
			q = &req[i][k];
			if ((r->ord[(long)i * bench_probe_count + k] < 0) !=
			    (q->rx_ns == 0)) {
				r->unmatched++;
				continue;
			}
			if (q->rx_ns == 0)
				continue;
			wire = (q->rx_ns - q->tx_ns) / 1000;
			e = r->ord[(long)i * bench_probe_count + k] - wire;
			r->werr[r->nwerr++] = e < 0 ? -e : e;
		}
		free(req[i]);
	}
	free(req);
	free(nreq);
	free(tin);
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
	qsort(r->werr, (size_t)r->nwerr, sizeof *r->werr, bench_probe_cmp);
	f[FIG_WMED] = (double)bench_probe_pct(r->werr, r->nwerr, 50);
	f[FIG_WP99] = (double)bench_probe_pct(r->werr, r->nwerr, 99);
	f[FIG_WMAX] = (double)bench_probe_pct(r->werr, r->nwerr, 100);
	free(r->err);
	free(r->rtt);
	free(r->ord);
	free(r->nord);
	free(r->werr);
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

/* A run under capture: start tcpdump; -1 when there is none. */
static pid_t
bench_probe_cap_start(const char *tcpdump, const char *iface, char *file,
    size_t size)
{
	int	fd;

	if (tcpdump == NULL)
		return (-1);
	snprintf(file, size, "%s/bench-probe-XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if ((fd = mkstemp(file)) == -1)
		return (-1);
	close(fd);
	return (bench_probe_capture(tcpdump, iface, file));
}

/* Stop the capture; with R, set the tool's results against it. */
static int
bench_probe_cap_end(pid_t pid, const char *file, char **addrs, int n,
    struct bench_probe_res *r)
{
	int	rc = -1;

	if (pid == -1)
		return (-1);
	kill(pid, SIGINT);
	waitpid(pid, NULL, 0);
	if (r != NULL)
		rc = bench_probe_wire(file, addrs, n, r);
	unlink(file);
	return (rc);
}

static void
bench_probe_wrow(const double *f)
{
	printf("%-14s %8s %7s %7s %7s %6s %7.0f %7.0f %7.0f\n", "  wire", "",
	    "", "", "", "", f[FIG_WMED], f[FIG_WP99], f[FIG_WMAX]);
}

/* A tool's run: its figures and row, and the wire row under it. */
static void
bench_probe_row(const char *what, struct bench_probe_res *r, double *f,
    pid_t cpid, const char *cap, char **addrs, int n)
{
	long	nwerr, unmatched;
	int	wire;

	wire = bench_probe_cap_end(cpid, cap, addrs, n, r) == 0;
	nwerr = r->nwerr;
	unmatched = r->unmatched;
	bench_probe_figures(r, f);
	bench_probe_print(what, f);
	if (wire) {
		bench_probe_wrow(f);
		if (unmatched != 0)
			printf("  (wire: %ld probes answered on one side only, "
			    "%ld compared)\n", unmatched, nwerr);
	} else
		f[FIG_WP99] = -1;
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
	double			 fping_gap = 0;	/* fping's best */
	double			 ptf[FIG_N][BENCH_PROBE_MAXRUNS];
	double			 fpf[FIG_N][BENCH_PROBE_MAXRUNS];
	double			 one[FIG_N], ptm[FIG_N], fpm[FIG_N];
	double			 ref[2][BENCH_PROBE_MAXRUNS];
	double			 ptw[FIG_N], fpw[FIG_N];
	const char		*stats = NULL, *tcpdump = NULL, *iface = NULL;
	char			 what[32], cap[PATH_MAX];
	unsigned int		 period;
	pid_t			 resp = -1, cpid;
	int			 ch, k, n, run, runs = 1, rc = 0, fpok = 0;
	int			 captured;

	while ((ch = getopt(argc, argv, "d:F:i:I:n:r:R:s:S:T:")) != -1) {
		switch (ch) {
		case 'i':
			fping_gap = strtod(optarg, NULL);
			break;
		case 'd':
			bench_probe_delay_us = strtoll(optarg, NULL, 10) * 1000;
			break;
		case 'F':
			fping = optarg;
			break;
		case 'I':
			iface = optarg;
			break;
		case 'T':
			tcpdump = optarg;
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
	    runs > BENCH_PROBE_MAXRUNS || (tcpdump != NULL && iface == NULL))
		goto usage;
	/* Whole milliseconds per target, as a probe config has them. */
	period = (unsigned int)(n * 1000 / rate + 0.5);
	if (period == 0)
		period = 1;
	rate = n * 1000.0 / period;
	interval = fping_gap >= 0 ? fping_gap : 1000.0 / rate;
	bench_probe_count = (long)(seconds * 1000 / period + 0.5);
	if (bench_probe_count < 2)
		bench_probe_count = 2;

	printf("bench-probe: %d targets, every %u ms each: %.0f probes/s, "
	    "%ld per target (%.1f s), timeout %u ms, responder delay "
	    "%lld ms, %d run%s\n", n, period, rate, bench_probe_count,
	    bench_probe_count * period / 1000.0, period,
	    (long long)(bench_probe_delay_us / 1000), runs,
	    runs > 1 ? "s" : "");
	if (fping != NULL)
		printf("fping: -q -C %ld -p %u -t %u -i %g -b 56 ADDRESS...\n",
		    bench_probe_count, period, period, interval);
	printf("%-14s %8s %7s %7s %7s %6s %7s %7s %7s\n", "tool", "probes/s",
	    "loss", "cpu", "us cpu", "wall", "err.med", "err.p99", "err.max");
	printf("%-14s %8s %7s %7s %7s %6s %7s %7s %7s\n", "", "", "", "",
	    "/probe", "s", "us", "us", "us");
	/*
	 * The timed runs, then with tcpdump one captured run of each tool
	 * for the wire figures alone (the capture costs the sending CPU
	 * time, which would blur the rates and CPU figures).
	 */
	ptw[FIG_WP99] = fpw[FIG_WP99] = -1;
	for (run = 0; run < runs + (tcpdump != NULL); run++) {
		captured = run == runs;
		if (captured)
			printf("captured with tcpdump, for the wire rows:\n");
		memset(pt, 0, sizeof *pt);
		cpid = bench_probe_cap_start(captured ? tcpdump : NULL, iface,
		    cap, sizeof cap);
		if (bench_probe_peertop(argv, n, period) == -1)
			return (1);
		snprintf(what, sizeof what, "peertop #%d", run + 1);
		bench_probe_row(what, pt, one, cpid, cap, argv, n);
		for (k = 0; k < FIG_N; k++) {
			if (captured)
				ptw[k] = one[k];
			else
				ptf[k][run] = one[k];
		}
		if (stats != NULL && !captured)
			ref[0][run] = bench_probe_ref(resp, stats);
		if (fping == NULL)
			continue;
		memset(&fp, 0, sizeof fp);
		cpid = bench_probe_cap_start(captured ? tcpdump : NULL, iface,
		    cap, sizeof cap);
		if (bench_probe_fping(fping, argv, n, period, interval,
		    &fp) == -1) {
			bench_probe_cap_end(cpid, cap, argv, n, NULL);
			printf("fping: no figures (see above)\n");
			fping = NULL;
			rc = 1;
			continue;
		}
		snprintf(what, sizeof what, "fping #%d", run + 1);
		bench_probe_row(what, &fp, one, cpid, cap, argv, n);
		for (k = 0; k < FIG_N; k++) {
			if (captured)
				fpw[k] = one[k];
			else
				fpf[k][run] = one[k];
		}
		if (captured)
			continue;
		fpok++;
		if (stats != NULL)
			ref[1][run] = bench_probe_ref(resp, stats);
	}
	for (k = 0; k < FIG_N; k++) {
		ptm[k] = k >= FIG_WMED ? ptw[k] : bench_median(ptf[k], runs);
		if (fpok == runs)
			fpm[k] = k >= FIG_WMED ? fpw[k] :
			    bench_median(fpf[k], runs);
	}
	if (runs > 1) {
		printf("median of %d runs (wire: the captured run):\n", runs);
		bench_probe_print("peertop", ptm);
		if (ptm[FIG_WP99] >= 0)
			bench_probe_wrow(ptm);
		if (fpok == runs) {
			bench_probe_print("fping", fpm);
			if (fpm[FIG_WP99] >= 0)
				bench_probe_wrow(fpm);
		}
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
	if (fpok == runs && ptm[FIG_WP99] >= 0 && fpm[FIG_WP99] >= 0)
		printf("peertop/fping against the wire: p99 error %.2fx, "
		    "median error %.2fx\n",
		    bench_probe_ratio(ptm[FIG_WP99], fpm[FIG_WP99]),
		    bench_probe_ratio(ptm[FIG_WMED], fpm[FIG_WMED]));
	printf("%s rate: %.1f probes/s sustained on one core (%.1f/s start "
	    "to end), CPU %.1f%% (target >= %.0f/s)\n",
	    ptm[FIG_STEADY] >= rate * 0.999 && ptm[FIG_CPU] < 100 ?
	    "PASS" : "MISS", ptm[FIG_STEADY], ptm[FIG_RATE], ptm[FIG_CPU],
	    rate);
	/* Against the wire when captured, else against the delay. */
	k = ptm[FIG_WP99] >= 0 ? FIG_WP99 : FIG_ERRP99;
	printf("%s timestamp error: p99 %.0f us %s (target < %d us)\n",
	    ptm[k] >= 0 && ptm[k] < BENCH_PROBE_TARGET_US ? "PASS" : "MISS",
	    ptm[k], k == FIG_WP99 ? "against the wire" :
	    "against the responder's delay", BENCH_PROBE_TARGET_US);
	return (rc);

usage:
	fprintf(stderr, "usage: bench-probe [-n runs] [-d delay-ms] "
	    "[-r rate] [-s seconds] [-F fping [-i ms]] address...\n");
	return (1);
}
