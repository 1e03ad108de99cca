/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for core/latency-probe.c against loopback: ICMP echo over raw and
 * (where the sysctl can allow it) datagram sockets for 127.0.0.1 and ::1,
 * TCP connect time to a listening and to a closed port, losses (a full
 * accept queue, TEST-NET-2, the IPv6 discard prefix), sequence matching with
 * 50 targets on one socket, the one timer's schedule (cadences, counts,
 * timeouts, targets removed and added by a callback), target removal,
 * bad input, fd leaks, and probing on the opened raw socket after
 * dropping privileges.
 * Raw sockets need root (or CAP_NET_RAW); without them those cases skip.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <event2/event.h>

#include "core/collector.h"
#include "core/config.h"
#include "core/eval.h"
#include "core/latency-mon.h"
#include "core/model.h"
#include "core/latency-probe.h"

#define MAXID	128

struct result {
	int	 n;		/* results */
	int	 ok;		/* with an RTT */
	int	 lost;
	int	 refused;
	int64_t	 min_us;
	int64_t	 max_us;
	char	 error[128];	/* the last one */
};

struct run {
	struct result	 r[MAXID];
	int		 bad_id;
	int		 bad_time;
};

static void
result_cb(void *arg, int id, int64_t time_ms, int64_t rtt_us,
    const char *error)
{
	struct run	*run = arg;
	struct result	*r;

	if (id <= 0 || id >= MAXID) {
		run->bad_id++;
		return;
	}
	if (time_ms < 1000000000000LL)	/* before 2001: not a wall time */
		run->bad_time++;
	r = &run->r[id];
	if (r->n == 0)
		r->min_us = INT64_MAX;
	r->n++;
	if (rtt_us >= 0) {
		r->ok++;
		if (rtt_us < r->min_us)
			r->min_us = rtt_us;
		if (rtt_us > r->max_us)
			r->max_us = rtt_us;
	} else
		r->lost++;
	if (error != NULL) {
		if (strcmp(error, "connection refused") == 0)
			r->refused++;
		snprintf(r->error, sizeof r->error, "%s", error);
	} else
		r->error[0] = '\0';
}

static void
run_for(struct event_base *base, int ms)
{
	struct timeval	tv = { ms / 1000, (ms % 1000) * 1000 };

	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

static int
count_fds(void)
{
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	d = opendir("/proc/self/fd");
	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return (n);
}

static int
have_raw(void)
{
	int	fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);

	if (fd == -1)
		return (0);
	close(fd);
	return (1);
}

static struct probe_target
target(enum probe_kind kind, const char *address, uint16_t port,
    unsigned int interval, unsigned int timeout)
{
	struct probe_target	t;

	memset(&t, 0, sizeof t);
	t.kind = kind;
	assert_int_equal(addr_parse(address, &t.addr), 0);
	t.port = port;
	t.interval_ms = interval;
	t.timeout_ms = timeout;
	return (t);
}

/* Probe 127.0.0.1 and ::1 ten times each on sockets of the given mode. */
static void
icmp_loopback(enum probe_sockmode mode, int want_dgram)
{
	struct event_base	*base = event_base_new();
	struct run		 run;
	struct probe		*p;
	struct probe_target	 t;
	struct probe_stats	 st;
	int			 id4, id6;

	memset(&run, 0, sizeof run);
	p = latency_probe_new(base, result_cb, &run);
	assert_int_equal(latency_probe_open_sockets(p, mode), 0);
	assert_int_equal(latency_probe_socket_dgram(p, AF_INET), want_dgram);
	assert_int_equal(latency_probe_socket_dgram(p, AF_INET6), want_dgram);
	t = target(PROBE_ICMP, "127.0.0.1", 0, 50, 500);
	id4 = latency_probe_add_target(p, &t);
	t = target(PROBE_ICMP, "::1", 0, 50, 500);
	t.size = 1000;
	id6 = latency_probe_add_target(p, &t);
	assert_true(id4 > 0 && id6 > 0 && id4 != id6);
	run_for(base, 560);

	assert_int_equal(run.bad_id, 0);
	assert_int_equal(run.bad_time, 0);
	assert_in_range(run.r[id4].n, 8, 12);
	assert_in_range(run.r[id6].n, 8, 12);
	assert_int_equal(run.r[id4].lost, 0);
	assert_int_equal(run.r[id6].lost, 0);
	assert_int_equal(run.r[id4].ok, run.r[id4].n);
	assert_string_equal(run.r[id4].error, "");
	assert_string_equal(run.r[id6].error, "");
	assert_in_range(run.r[id4].max_us, 0, 50000);
	assert_in_range(run.r[id6].max_us, 0, 50000);
	latency_probe_get_stats(p, &st);
	assert_int_equal(st.mismatched, 0);
	/* Kernel timestamps for every reply on this Linux. */
	assert_int_equal(st.kernel_ts, st.received);
	/* And their sends (software transmit stamps; loopback has them). */
	assert_int_equal(st.kernel_tx_ts, st.received);
	print_message("# %s: v4 rtt %lld-%lld us, v6 %lld-%lld us\n",
	    want_dgram ? "dgram" : "raw",
	    (long long)run.r[id4].min_us, (long long)run.r[id4].max_us,
	    (long long)run.r[id6].min_us, (long long)run.r[id6].max_us);
	latency_probe_free(p);
	event_base_free(base);
}

static void
test_icmp_raw(void **state)
{
	(void)state;
	if (!have_raw())
		skip();
	icmp_loopback(PROBE_SOCK_RAW, 0);
}

/*
 * The datagram path needs net.ipv4.ping_group_range to admit our group.
 * As root, widen it for the test and put it back; else use it only if it
 * already allows us.
 */
static const char	*dgram_path = "/proc/sys/net/ipv4/ping_group_range";
static char		 dgram_saved[64];
static int		 dgram_changed;

/* A teardown, so a failed assertion still puts the sysctl back. */
static int
dgram_restore(void **state)
{
	FILE	*f;

	(void)state;
	if (!dgram_changed)
		return (0);
	dgram_changed = 0;
	if ((f = fopen(dgram_path, "w")) == NULL)
		return (-1);
	fputs(dgram_saved, f);
	return (fclose(f) == 0 ? 0 : -1);
}

static void
test_icmp_dgram(void **state)
{
	const char	*path = dgram_path;
	char		*saved = dgram_saved;
	FILE		*f = NULL;

	(void)state;
	if (latency_probe_ping_group_allows(getegid()) != 1) {
		if (geteuid() != 0 || (f = fopen(path, "r")) == NULL) {
			print_message("# ping_group_range excludes us and we "
			    "are not root: datagram case skipped\n");
			skip();
		}
		if (fgets(saved, sizeof dgram_saved, f) == NULL)
			saved[0] = '\0';
		fclose(f);
		if ((f = fopen(path, "w")) == NULL) {
			print_message("# %s not writable: skipped\n", path);
			skip();
		}
		fprintf(f, "0 2147483647\n");
		if (fclose(f) != 0) {
			print_message("# %s not writable: skipped\n", path);
			skip();
		}
		dgram_changed = 1;
	}
	assert_int_equal(latency_probe_ping_group_allows(getegid()), 1);
	icmp_loopback(PROBE_SOCK_DGRAM, 1);
	if (dgram_changed) {
		assert_int_equal(dgram_restore(NULL), 0);
		assert_int_equal(latency_probe_ping_group_allows(getegid()), 0);
	}
}

/* A listening port on address; returns the fd and sets *port. */
static int
listener(int af, uint16_t *port, int do_listen)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	int			 fd;

	memset(&ss, 0, sizeof ss);
	ss.ss_family = af;
	if (af == AF_INET) {
		((struct sockaddr_in *)&ss)->sin_addr.s_addr =
		    htonl(INADDR_LOOPBACK);
		len = sizeof(struct sockaddr_in);
	} else {
		((struct sockaddr_in6 *)&ss)->sin6_addr = in6addr_loopback;
		len = sizeof(struct sockaddr_in6);
	}
	fd = socket(af, SOCK_STREAM, 0);
	assert_true(fd != -1);
	assert_int_equal(bind(fd, (struct sockaddr *)&ss, len), 0);
	if (do_listen)
		assert_int_equal(listen(fd, 128), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
	*port = ntohs(af == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
	    ((struct sockaddr_in6 *)&ss)->sin6_port);
	return (fd);
}

static void
test_tcp(void **state)
{
	struct event_base	*base = event_base_new();
	struct run		 run;
	struct probe		*p;
	struct probe_target	 t;
	uint16_t		 port4, port6, closed;
	int			 l4, l6, c, id4, id6, idc;

	(void)state;
	memset(&run, 0, sizeof run);
	l4 = listener(AF_INET, &port4, 1);
	l6 = listener(AF_INET6, &port6, 1);
	/* Bound but not listening: the kernel answers with RST. */
	c = listener(AF_INET, &closed, 0);

	p = latency_probe_new(base, result_cb, &run);
	t = target(PROBE_TCP, "127.0.0.1", port4, 100, 500);
	id4 = latency_probe_add_target(p, &t);
	t = target(PROBE_TCP, "::1", port6, 100, 500);
	id6 = latency_probe_add_target(p, &t);
	t = target(PROBE_TCP, "127.0.0.1", closed, 100, 500);
	idc = latency_probe_add_target(p, &t);
	assert_true(id4 > 0 && id6 > 0 && idc > 0);
	run_for(base, 550);

	assert_int_equal(run.bad_id, 0);
	assert_in_range(run.r[id4].n, 3, 6);
	assert_int_equal(run.r[id4].ok, run.r[id4].n);
	assert_int_equal(run.r[id6].ok, run.r[id6].n);
	assert_string_equal(run.r[id4].error, "");
	assert_string_equal(run.r[id6].error, "");
	assert_in_range(run.r[id4].min_us, 1, 50000);
	assert_in_range(run.r[id4].max_us, 1, 50000);
	assert_in_range(run.r[id6].max_us, 1, 50000);
	/* Refused: a reply with a round trip, flagged by the error text. */
	assert_in_range(run.r[idc].n, 3, 6);
	assert_int_equal(run.r[idc].refused, run.r[idc].n);
	assert_int_equal(run.r[idc].lost, 0);
	assert_in_range(run.r[idc].max_us, 0, 50000);
	print_message("# tcp rtt v4 %lld-%lld us, refused %lld-%lld us\n",
	    (long long)run.r[id4].min_us, (long long)run.r[id4].max_us,
	    (long long)run.r[idc].min_us, (long long)run.r[idc].max_us);

	latency_probe_free(p);
	close(l4);
	close(l6);
	close(c);
	event_base_free(base);
}

/*
 * Losses that cannot hang: TCP to a loopback listener whose accept queue
 * is full (Linux then drops the SYN, so the connect times out; a TEST-NET
 * address is no good here, sandboxes proxy or own them), and ICMP to
 * TEST-NET-2 198.51.100.1 (RFC 5737) and the IPv6 discard prefix 100::1
 * (RFC 6666): the probe leaves and times out, or there is no route and
 * the send fails at once.  Either way a loss with an error text.
 */
static void
test_timeout(void **state)
{
	struct event_base	*base = event_base_new();
	struct run		 run;
	struct probe		*p;
	struct probe_target	 t;
	struct sockaddr_in	 sin;
	uint16_t		 port;
	int			 l, fill[4], idt, idi = -1, idi6 = -1, i;

	(void)state;
	memset(&run, 0, sizeof run);
	l = listener(AF_INET, &port, 0);
	assert_int_equal(listen(l, 0), 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(port);
	/* Backlog 0 admits one; a few more make sure the queue is full. */
	for (i = 0; i < 4; i++) {
		fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		assert_true(fill[i] != -1);
		(void)connect(fill[i], (struct sockaddr *)&sin, sizeof sin);
	}
	p = latency_probe_new(base, result_cb, &run);
	t = target(PROBE_TCP, "127.0.0.1", port, 100, 150);
	idt = latency_probe_add_target(p, &t);
	if (have_raw()) {
		latency_probe_open_sockets(p, PROBE_SOCK_RAW);
		t = target(PROBE_ICMP, "198.51.100.1", 0, 100, 150);
		idi = latency_probe_add_target(p, &t);
		t = target(PROBE_ICMP, "100::1", 0, 100, 150);
		idi6 = latency_probe_add_target(p, &t);
	}
	run_for(base, 600);
	assert_in_range(run.r[idt].n, 3, 6);
	assert_int_equal(run.r[idt].lost, run.r[idt].n);
	assert_int_equal(run.r[idt].ok, 0);
	assert_string_equal(run.r[idt].error, "timeout");
	if (idi > 0) {
		assert_in_range(run.r[idi].n, 3, 6);
		assert_int_equal(run.r[idi].lost, run.r[idi].n);
		assert_true(run.r[idi].error[0] != '\0');
		print_message("# icmp to TEST-NET-2: %s\n", run.r[idi].error);
		assert_in_range(run.r[idi6].n, 3, 6);
		assert_int_equal(run.r[idi6].lost, run.r[idi6].n);
		assert_true(run.r[idi6].error[0] != '\0');
		print_message("# icmp to 100::1: %s\n", run.r[idi6].error);
	}
	latency_probe_free(p);
	for (i = 0; i < 4; i++)
		close(fill[i]);
	close(l);
	event_base_free(base);
}

/*
 * Fifty targets on one raw socket, 127.0.1.1 to 127.0.1.50, every 50 ms:
 * every probe answered and credited to its own target (the kernel answers
 * from the address probed, so a mix-up shows as a mismatch).
 */
static void
test_many(void **state)
{
	struct event_base	*base = event_base_new();
	struct run		 run;
	struct probe		*p;
	struct probe_target	 t;
	struct probe_stats	 st;
	char			 a[32];
	int			 ids[50], i, total = 0;

	(void)state;
	if (!have_raw())
		skip();
	memset(&run, 0, sizeof run);
	p = latency_probe_new(base, result_cb, &run);
	assert_int_equal(latency_probe_open_sockets(p, PROBE_SOCK_RAW), 0);
	for (i = 0; i < 50; i++) {
		snprintf(a, sizeof a, "127.0.1.%d", i + 1);
		t = target(PROBE_ICMP, a, 0, 50, 1000);
		ids[i] = latency_probe_add_target(p, &t);
		assert_true(ids[i] > 0);
	}
	run_for(base, 1020);
	for (i = 0; i < 50; i++) {
		assert_in_range(run.r[ids[i]].n, 17, 21);
		assert_int_equal(run.r[ids[i]].ok, run.r[ids[i]].n);
		assert_int_equal(run.r[ids[i]].lost, 0);
		total += run.r[ids[i]].n;
	}
	latency_probe_get_stats(p, &st);
	assert_int_equal(st.mismatched, 0);
	assert_int_equal(st.late, 0);
	assert_int_equal(st.lost, 0);
	assert_int_equal(st.received, (uint64_t)total);
	assert_true(st.sent >= st.received);
	assert_true(st.sent - st.received <= 50);	/* still in flight */
	latency_probe_free(p);
	event_base_free(base);
}

/* A removed target gets no more results; bad targets are refused. */
static void
test_remove_and_bad(void **state)
{
	struct event_base	*base = event_base_new();
	struct run		 run;
	struct probe		*p;
	struct probe_target	 t;
	uint16_t		 port;
	int			 l, id, n;

	(void)state;
	memset(&run, 0, sizeof run);
	l = listener(AF_INET, &port, 1);
	p = latency_probe_new(base, result_cb, &run);
	t = target(PROBE_TCP, "127.0.0.1", port, 0, 100);
	assert_int_equal(latency_probe_add_target(p, &t), -1);
	t = target(PROBE_TCP, "127.0.0.1", 0, 100, 100);
	assert_int_equal(latency_probe_add_target(p, &t), -1);
	t = target(PROBE_TCP, "127.0.0.1", port, 100, 0);
	assert_int_equal(latency_probe_add_target(p, &t), -1);
	t = target(PROBE_ICMP, "127.0.0.1", 0, 100, 100);
	t.size = PROBE_SIZE_MAX + 1;
	assert_int_equal(latency_probe_add_target(p, &t), -1);
	t = target(PROBE_TCP, "127.0.0.1", port, 50, 100);
	id = latency_probe_add_target(p, &t);
	assert_true(id > 0);
	run_for(base, 200);
	n = run.r[id].n;
	assert_true(n >= 2);
	assert_int_equal(latency_probe_remove(p, id), 0);
	assert_int_equal(latency_probe_remove(p, id), -1);
	run_for(base, 200);
	assert_int_equal(run.r[id].n, n);
	latency_probe_free(p);
	close(l);
	event_base_free(base);
}

/*
 * The point of latency_probe_open_sockets(): open as root, drop to nobody, and
 * the raw socket still probes while a new one can no longer be opened.
 * In a child, so this process keeps its privileges.
 */
static void
test_drop_privileges(void **state)
{
	struct event_base	*base;
	struct run		 run;
	struct probe		*p;
	struct probe_target	 t;
	pid_t			 pid;
	int			 status, id;

	(void)state;
	if (geteuid() != 0 || !have_raw() || getpwnam("nobody") == NULL) {
		print_message("# not root or no user nobody: privilege drop "
		    "not tested\n");
		skip();
	}
	if ((pid = fork()) == 0) {
		memset(&run, 0, sizeof run);
		base = event_base_new();
		p = latency_probe_new(base, result_cb, &run);
		if (latency_probe_open_sockets(p, PROBE_SOCK_RAW) != 0)
			_exit(10);
		if (latency_probe_drop_privileges("nobody") != 0)
			_exit(11);
		if (geteuid() == 0 || getuid() == 0 || have_raw())
			_exit(12);
		t = target(PROBE_ICMP, "127.0.0.1", 0, 50, 500);
		id = latency_probe_add_target(p, &t);
		run_for(base, 300);
		if (run.r[id].n < 4 || run.r[id].ok != run.r[id].n)
			_exit(13);
		latency_probe_free(p);
		event_base_free(base);
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(latency_probe_drop_privileges("no-such-user-here"),
	    -1);
}

/* Open everything, probe, free: the fd count comes back where it was. */
static void
test_no_fd_leak(void **state)
{
	struct event_base	*base = event_base_new();
	struct run		 run;
	struct probe		*p;
	struct probe_target	 t;
	uint16_t		 port;
	int			 before, l, i;

	(void)state;
	memset(&run, 0, sizeof run);
	l = listener(AF_INET, &port, 1);
	before = count_fds();
	for (i = 0; i < 3; i++) {
		p = latency_probe_new(base, result_cb, &run);
		latency_probe_open_sockets(p, PROBE_SOCK_AUTO);
		t = target(PROBE_TCP, "127.0.0.1", port, 20, 500);
		latency_probe_add_target(p, &t);
		t = target(PROBE_TCP, "192.0.2.1", 9, 20, 500);
		latency_probe_add_target(p, &t);	/* in flight at free */
		t = target(PROBE_ICMP, "127.0.0.1", 0, 20, 500);
		latency_probe_add_target(p, &t);
		t = target(PROBE_ICMP, "::1", 0, 20, 500);
		latency_probe_add_target(p, &t);
		run_for(base, 150);
		assert_true(count_fds() > before);
		latency_probe_free(p);
		assert_int_equal(count_fds(), before);
	}
	close(l);
	event_base_free(base);
}

/*
 * A counted target (ping -c) sends exactly its count; the "probe"
 * collector built from probe lines (collect-probe.c) maps results back to
 * branch and edge, is settled only when every target has its count, and
 * with no ICMP socket leaves ICMP targets out (not probed, a warning
 * event) while the TCP ones run.
 */
static void
test_count_and_collector(void **state)
{
	static const struct edge sea = { "sea", "Seattle", "US", 47.61,
	    -122.33, "ER|PL" };
	struct event_base	*base = event_base_new();
	struct model		*m;
	struct collector	*c;
	struct branch		*b;
	struct latlink		*l;
	struct run		 run;
	struct probe		*p;
	struct probe_target	 t;
	char			*conf, *cause = NULL, desc[512];
	uint16_t		 closed;
	int			 cl, id;

	(void)state;
	cl = listener(AF_INET, &closed, 0);	/* refused: quick answers */

	memset(&run, 0, sizeof run);
	p = latency_probe_new(base, result_cb, &run);
	t = target(PROBE_TCP, "127.0.0.1", closed, 20, 500);
	t.count = 3;
	id = latency_probe_add_target(p, &t);
	run_for(base, 300);
	assert_int_equal(run.r[id].n, 3);
	latency_probe_free(p);

	m = model_new();
	model_edge_set(m, &sea);
	xasprintf(&conf, "probe { interval 20ms socket datagram }\n"
	    "branch \"hq\" { address 192.0.2.1\n"
	    "  probe sea 127.0.0.1 tcp port %u timeout 500ms\n"
	    "  probe sea 127.0.0.1\n"
	    "}\n", closed);
	assert_int_equal(config_parse_buffer(m, "t.conf", conf, strlen(conf),
	    &cause), 0);
	free(conf);
	assert_int_equal(m->ncollectors, 1);
	c = m->collectors[0];
	b = m->branches[0];
	m->lat.count = 4;
	/* Datagram only: without ping_group_range admitting us, no ICMP. */
	eval_start(m, base);
	assert_int_equal(c->ops->start(c, m, base, &cause), 0);
	assert_int_equal(c->state, COL_UP);
	assert_false(c->ops->settled(c));
	run_for(base, 400);
	assert_true(c->ops->settled(c));
	l = latency_mon_link_find(b, 0, "");
	assert_null(l);
	xasprintf(&conf, "127.0.0.1:%u", closed);
	l = latency_mon_link_find(b, 0, conf);
	free(conf);
	assert_non_null(l);
	assert_int_equal(l->sent, 4);
	assert_int_equal(l->received, 4);	/* refused counts as a reply */
	assert_int_equal(l->source, LAT_PROBE);
	if (latency_probe_ping_group_allows(getegid()) == 1) {
		assert_int_equal(b->nlinks, 2);
		assert_int_equal(latency_mon_link_find(b, 0, "127.0.0.1")->sent,
		    4);
	} else {
		assert_int_equal(b->nlinks, 1);
		assert_string_equal(model_event(m, m->nevents - 1)->type,
		    "ProbeTargetsUnprobed");
		c->ops->describe(c, desc, sizeof desc);
		assert_non_null(strstr(desc, "1 targets, no ICMP socket"));
		assert_non_null(strstr(desc, "1 ICMP targets not probed"));
	}
	eval_stop(m);
	model_free(m);
	close(cl);
	event_base_free(base);
}

/*
 * The one timer for all targets (a heap keyed by next send or oldest
 * timeout): targets of different intervals each keep their cadence and
 * report in sending order; a counted target stops at its count; probes
 * that go unanswered time out once each; a target removed by its own
 * callback inside the timer's turn (a timeout) gets nothing more, and
 * one added there starts probing.
 */
struct sched_run {
	struct run	 run;
	struct probe	*p;
	int		 gone;		/* removed at its 2nd result */
	int		 added;		/* added then */
	int64_t		 first_ms[MAXID];
	int64_t		 last_ms[MAXID];
	int		 backwards;	/* a result older than the last */
};

static void
sched_cb(void *arg, int id, int64_t time_ms, int64_t rtt_us,
    const char *error)
{
	struct sched_run	*sr = arg;
	struct probe_target	 t;

	result_cb(&sr->run, id, time_ms, rtt_us, error);
	if (id <= 0 || id >= MAXID)
		return;
	if (sr->run.r[id].n == 1)
		sr->first_ms[id] = time_ms;
	else if (time_ms < sr->last_ms[id])
		sr->backwards++;
	sr->last_ms[id] = time_ms;
	if (id == sr->gone && sr->run.r[id].n == 2) {
		assert_int_equal(latency_probe_remove(sr->p, id), 0);
		t = target(PROBE_ICMP, "127.0.2.5", 0, 10, 500);
		sr->added = latency_probe_add_target(sr->p, &t);
		assert_true(sr->added > 0);
	}
}

static void
test_schedule(void **state)
{
	static const struct {
		const char	*addr;
		unsigned int	 interval, timeout, count;
	} spec[] = {
		{ "127.0.2.1", 10, 500, 0 },
		{ "127.0.2.2", 30, 500, 0 },
		{ "127.0.2.3", 70, 500, 0 },
		{ "198.51.100.1", 20, 15, 0 },	/* TEST-NET-2: lost */
		{ "127.0.2.4", 5, 500, 7 },
		{ "198.51.100.2", 10, 10, 0 },	/* removed by its callback */
	};
	struct event_base	*base = event_base_new();
	struct sched_run	 sr;
	struct probe_target	 t;
	struct probe_stats	 st;
	uint64_t		 lost = 0, ok = 0, late;
	double			 spacing;
	int			 ids[6], i, n;

	(void)state;
	if (!have_raw())
		skip();
	memset(&sr, 0, sizeof sr);
	sr.p = latency_probe_new(base, sched_cb, &sr);
	assert_int_equal(latency_probe_open_sockets(sr.p, PROBE_SOCK_RAW), 0);
	for (i = 0; i < 6; i++) {
		t = target(PROBE_ICMP, spec[i].addr, 0, spec[i].interval,
		    spec[i].timeout);
		t.count = spec[i].count;
		ids[i] = latency_probe_add_target(sr.p, &t);
		assert_true(ids[i] > 0);
	}
	sr.gone = ids[5];
	run_for(base, 700);

	assert_int_equal(sr.run.bad_id, 0);
	assert_int_equal(sr.backwards, 0);
	for (i = 0; i < 3; i++) {
		/* 700 ms / interval sends, less a stall or two. */
		n = (int)(700 / spec[i].interval);
		assert_in_range(sr.run.r[ids[i]].n, n * 8 / 10, n + 1);
		assert_int_equal(sr.run.r[ids[i]].lost, 0);
		spacing = (double)(sr.last_ms[ids[i]] - sr.first_ms[ids[i]]) /
		    (sr.run.r[ids[i]].n - 1);
		print_message("# every %u ms: %d results, %.1f ms apart\n",
		    spec[i].interval, sr.run.r[ids[i]].n, spacing);
		assert_true(spacing >= spec[i].interval * 0.95 &&
		    spacing <= spec[i].interval * 1.25);
	}
	/* Unanswered: each probe reported lost once. */
	assert_in_range(sr.run.r[ids[3]].n, 25, 35);
	assert_int_equal(sr.run.r[ids[3]].lost, sr.run.r[ids[3]].n);
	assert_int_equal(sr.run.r[ids[4]].n, 7);
	assert_int_equal(sr.run.r[ids[5]].n, 2);
	assert_true(sr.added > 0);
	assert_in_range(sr.run.r[sr.added].n, 30, 70);
	assert_int_equal(sr.run.r[sr.added].lost, 0);
	for (i = 1; i < MAXID; i++) {
		lost += (uint64_t)sr.run.r[i].lost;
		ok += (uint64_t)sr.run.r[i].ok;
	}
	latency_probe_get_stats(sr.p, &st);
	/* Every send is in the lateness histogram once. */
	for (i = 0, late = 0; i < PROBE_LATE_BUCKETS; i++)
		late += st.send_late[i];
	assert_int_equal(late, st.sent);
	assert_int_equal(st.lost, lost);
	assert_int_equal(st.received, ok);
	assert_int_equal(st.mismatched, 0);
	latency_probe_free(sr.p);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_count_and_collector),
		cmocka_unit_test(test_icmp_raw),
		cmocka_unit_test_teardown(test_icmp_dgram, dgram_restore),
		cmocka_unit_test(test_tcp),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_schedule),
		cmocka_unit_test(test_remove_and_bad),
		cmocka_unit_test(test_no_fd_leak),
		cmocka_unit_test(test_drop_privileges),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
