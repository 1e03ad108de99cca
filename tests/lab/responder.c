/* SPDX-License-Identifier: ISC */
/*
 * A delaying ICMP echo responder for the latency lab and
 * tests/integration/test-probe.sh.  Run it inside a network namespace
 * whose kernel echo replies are off (net.ipv4.icmp_echo_ignore_all=1):
 * for every ADDRESS,DELAY_MS[,drop] it answers each echo request (RFC
 * 792) to the address with an echo reply from it carrying the same
 * identifier, sequence and data, DELAY_MS later.  One raw ICMP socket
 * serves every address (the request's IP header names the address, and
 * IP_PKTINFO sets the reply's source): with a socket bound to each, the
 * kernel would try every one of them for each packet, in the softirq of
 * whoever sent it, so a benchmark's prober would pay for a thousand
 * addresses' lookups.
 * With ",drop" every other request (the 2nd, 4th, ...) goes unanswered.
 *
 * With -t PORT it answers TCP connects to ADDRESS:PORT after the same
 * delay.  The kernel would answer a SYN at once (SYN-ACK, or RST for a
 * closed port), so the responder listens on the port with a backlog of 0
 * and fills that accept queue with one connection of its own: Linux then
 * drops further SYNs silently (RFC 9293 3.10.7.2 leaves a full queue to
 * the implementation), a raw TCP socket sees them, and the responder
 * sends the SYN-ACK (RFC 9293 3.5) itself DELAY_MS later.  The prober's
 * connect completes on it; the kernel here then resets the connection
 * (it knows nothing of it when the ACK comes), which core/latency-probe.c
 * counts as a completed handshake ("connection reset").
 *
 * The delay runs from the request's kernel receive time (SO_TIMESTAMPNS),
 * so the responder's own wake-up latency does not add to it.  With -b it
 * spins instead of sleeping, so that the reply leaves within
 * microseconds of its time even where waking a CPU takes a millisecond
 * (virtual machines): tests/bench/bench-probe.sh uses it as a reference
 * more precise than the prober it measures.
 *
 * With -S FILE, each SIGUSR1 appends to FILE a line on the replies sent
 * since the last one, "replies N late_us MEDIAN P99 MAX": how late each
 * left after its due time (request received + delay), the error of the
 * reference itself, which the benchmark prints beside the prober's.
 *
 * With -C FILE, SIGHUP re-reads FILE, lines of ADDRESS,DELAY_MS[,drop]
 * (blank lines and # comments skipped), and gives each address named
 * there the new delay and drop flag: the lab's timeline makes an edge
 * slower or lossy and then restores it without restarting anything.
 *
 * IPv4 only.  Runs until killed; prints nothing unless setup fails.
 *
 * usage: responder [-b] [-C FILE] [-S FILE] [-t PORT]
 *            ADDRESS,DELAY_MS[,drop] ...
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "core/util.h"

#define MAXPKT	2048
#define LATE_MAX	100000	/* us; later replies count here */

struct resp {
	struct event_base	*base;
	int			 fd;
	unsigned int		 delay_ms;
	int			 drop;
	uint64_t		 seen;
	struct event		*ev;
	struct in_addr		 addr;
	int			 tfd;		/* raw TCP, or -1 */
	int			 lfd, cfd;	/* the full listener */
	uint64_t		 tseen;
	struct event		*tev;
	TAILQ_ENTRY(resp)	 entry;
};

static uint16_t		 tcp_port;
static TAILQ_HEAD(, resp) resps = TAILQ_HEAD_INITIALIZER(resps);
static const char	*ctl_file;

struct reply {
	struct resp		*r;
	struct sockaddr_in	 to;
	int			 fd;
	int			 from_addr;	/* send from r->addr (ICMP) */
	uint8_t			 pkt[MAXPKT];
	size_t			 len;
	int64_t			 due_us;	/* wall clock */
};

/* The addresses, sorted, for the shared ICMP socket's lookups. */
static struct resp	**by_addr;
static size_t		  nresps;

/* -S: how late replies left, 1 us buckets, since the last SIGUSR1. */
static const char	*stats_file;
static uint64_t		*late;
static uint64_t		 nlate;

static void	responder_tcp_cb(evutil_socket_t, short, void *);
static int	responder_tcp_open(struct resp *);

static void	responder_read_cb(evutil_socket_t, short, void *);
static void	responder_send_cb(evutil_socket_t, short, void *);
static void	responder_send_from(struct reply *);
static int	responder_addr_cmp(const void *, const void *);
static ssize_t	responder_recv(int, uint8_t *, size_t, struct sockaddr_in *,
		    size_t *, struct timespec *);
static void	responder_later(struct resp *, struct reply *,
		    const struct timespec *);
static int	responder_spec(const char *, struct in_addr *, unsigned int *,
		    int *);
static void	responder_reload_cb(evutil_socket_t, short, void *);
static void	responder_stats_cb(evutil_socket_t, short, void *);
static int64_t	responder_now_us(void);

/*
 * The next IPv4 packet on a raw socket (RFC 791: the header comes with
 * it): its length, with *off at the payload and *rx its receive time
 * (the kernel's, else now); -1 when none is waiting.
 */
static ssize_t
responder_recv(int fd, uint8_t *buf, size_t size, struct sockaddr_in *from,
    size_t *off, struct timespec *rx)
{
	struct msghdr	 msg;
	struct iovec	 iov;
	struct cmsghdr	*cm;
	uint8_t		 ctl[128];
	ssize_t		 n;

	for (;;) {
		memset(&msg, 0, sizeof msg);
		iov.iov_base = buf;
		iov.iov_len = size;
		msg.msg_name = from;
		msg.msg_namelen = sizeof *from;
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = ctl;
		msg.msg_controllen = sizeof ctl;
		n = recvmsg(fd, &msg, 0);
		if (n == -1)
			return (-1);
		clock_gettime(CLOCK_REALTIME, rx);
		for (cm = CMSG_FIRSTHDR(&msg); cm != NULL;
		    cm = CMSG_NXTHDR(&msg, cm)) {
			if (cm->cmsg_level == SOL_SOCKET &&
			    cm->cmsg_type == SCM_TIMESTAMPNS &&
			    cm->cmsg_len >= CMSG_LEN(sizeof *rx))
				memcpy(rx, CMSG_DATA(cm), sizeof *rx);
		}
		if (n < 20 || (buf[0] >> 4) != 4)
			continue;
		*off = (size_t)(buf[0] & 0x0f) * 4;
		if ((size_t)n >= *off)
			return (n);
	}
}

/* Send the reply the address's delay after the request came in. */
static void
responder_later(struct resp *r, struct reply *rp, const struct timespec *rx)
{
	struct timespec	now;
	struct timeval	tv;
	int64_t		us;

	clock_gettime(CLOCK_REALTIME, &now);
	rp->due_us = (int64_t)rx->tv_sec * 1000000 + rx->tv_nsec / 1000 +
	    (int64_t)r->delay_ms * 1000;
	us = (int64_t)r->delay_ms * 1000 -
	    (((int64_t)now.tv_sec - rx->tv_sec) * 1000000 +
	    (now.tv_nsec - rx->tv_nsec) / 1000);
	if (us < 0 || us > (int64_t)r->delay_ms * 1000)
		us = us < 0 ? 0 : (int64_t)r->delay_ms * 1000;
	tv.tv_sec = (time_t)(us / 1000000);
	tv.tv_usec = (suseconds_t)(us % 1000000);
	event_base_once(r->base, -1, EV_TIMEOUT, responder_send_cb, rp, &tv);
}

static void
responder_send_cb(evutil_socket_t fd, short what, void *arg)
{
	struct reply	*rp = arg;
	int64_t		 us;

	(void)fd;
	(void)what;
	if (late != NULL) {
		us = responder_now_us() - rp->due_us;
		late[us < 0 ? 0 : us > LATE_MAX ? LATE_MAX : us]++;
		nlate++;
	}
	if (rp->from_addr)
		responder_send_from(rp);
	else
		(void)sendto(rp->fd, rp->pkt, rp->len, 0,
		    (struct sockaddr *)&rp->to, sizeof rp->to);
	free(rp);
}

static int
responder_addr_cmp(const void *a, const void *b)
{
	uint32_t	x = ntohl((*(struct resp *const *)a)->addr.s_addr);
	uint32_t	y = ntohl((*(struct resp *const *)b)->addr.s_addr);

	return (x < y ? -1 : x > y);
}

/* The shared ICMP socket: the reply leaves from the address asked. */
static void
responder_send_from(struct reply *rp)
{
	struct msghdr	 msg;
	struct iovec	 iov;
	struct cmsghdr	*cm;
	struct in_pktinfo pi;
	uint8_t		 ctl[CMSG_SPACE(sizeof pi)];

	memset(&msg, 0, sizeof msg);
	memset(ctl, 0, sizeof ctl);
	memset(&pi, 0, sizeof pi);
	pi.ipi_spec_dst = rp->r->addr;
	iov.iov_base = rp->pkt;
	iov.iov_len = rp->len;
	msg.msg_name = &rp->to;
	msg.msg_namelen = sizeof rp->to;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl;
	msg.msg_controllen = sizeof ctl;
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = IPPROTO_IP;
	cm->cmsg_type = IP_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof pi);
	memcpy(CMSG_DATA(cm), &pi, sizeof pi);
	(void)sendmsg(rp->fd, &msg, 0);
}

static void
responder_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct resp		*r, key, *kp = &key;
	struct resp		**found;
	struct reply		*rp;
	struct sockaddr_in	 from;
	struct timespec		 rx;
	uint8_t			 buf[MAXPKT];
	ssize_t			 n;
	size_t			 off;
	uint16_t		 ck;

	(void)what;
	(void)arg;
	while ((n = responder_recv(fd, buf, sizeof buf, &from, &off,
	    &rx)) != -1) {
		if ((size_t)n < off + 8 || buf[off] != 8 || buf[off + 1] != 0)
			continue;	/* not an echo request */
		/* RFC 791 3.1: the destination address, octets 16-19. */
		memcpy(&key.addr, buf + 16, 4);
		found = bsearch(&kp, by_addr, nresps, sizeof *by_addr,
		    responder_addr_cmp);
		if (found == NULL)
			continue;	/* not one of ours */
		r = *found;
		if (r->drop && (r->seen++ & 1))
			continue;
		rp = calloc(1, sizeof *rp);
		if (rp == NULL)
			continue;
		rp->r = r;
		rp->fd = fd;
		rp->from_addr = 1;
		rp->to = from;
		rp->len = (size_t)n - off;
		memcpy(rp->pkt, buf + off, rp->len);
		rp->pkt[0] = 0;		/* echo reply */
		rp->pkt[2] = rp->pkt[3] = 0;
		ck = inet_cksum(rp->pkt, rp->len);
		rp->pkt[2] = ck >> 8;
		rp->pkt[3] = ck & 0xff;
		responder_later(r, rp, &rx);
	}
}

/* The TCP pseudo-header checksum (RFC 9293 3.1) of a 20-byte segment. */
static uint16_t
responder_tcp_cksum(struct in_addr src, struct in_addr dst, uint8_t *seg,
    size_t len)
{
	uint8_t	buf[12 + 60];

	memcpy(buf, &src, 4);
	memcpy(buf + 4, &dst, 4);
	buf[8] = 0;
	buf[9] = IPPROTO_TCP;
	buf[10] = (uint8_t)(len >> 8);
	buf[11] = (uint8_t)len;
	memcpy(buf + 12, seg, len);
	return (inet_cksum(buf, 12 + len));
}

static void
responder_tcp_cb(evutil_socket_t fd, short what, void *arg)
{
	struct resp		*r = arg;
	struct reply		*rp;
	struct sockaddr_in	 from;
	struct timespec		 rx;
	uint8_t			 buf[MAXPKT], *t, *o;
	ssize_t			 n;
	size_t			 off;
	uint32_t		 seq, isn;
	uint16_t		 ck;

	(void)what;
	while ((n = responder_recv(fd, buf, sizeof buf, &from, &off,
	    &rx)) != -1) {
		if ((size_t)n < off + 20)
			continue;
		t = buf + off;
		/* A bare SYN to our port, not our own filler's. */
		if ((t[2] << 8 | t[3]) != tcp_port || (t[13] & 0x12) != 0x02 ||
		    from.sin_addr.s_addr == r->addr.s_addr)
			continue;
		if (r->drop && (r->tseen++ & 1))
			continue;
		if ((rp = calloc(1, sizeof *rp)) == NULL)
			continue;
		rp->r = r;
		rp->fd = r->tfd;
		rp->to = from;
		rp->to.sin_port = 0;
		rp->len = 20;
		o = rp->pkt;
		seq = (uint32_t)t[4] << 24 | (uint32_t)t[5] << 16 |
		    (uint32_t)t[6] << 8 | t[7];
		seq++;
		isn = (uint32_t)random();
		o[0] = t[2]; o[1] = t[3];		/* source port */
		o[2] = t[0]; o[3] = t[1];		/* destination port */
		o[4] = isn >> 24; o[5] = isn >> 16; o[6] = isn >> 8; o[7] = isn;
		o[8] = seq >> 24; o[9] = seq >> 16; o[10] = seq >> 8; o[11] = seq;
		o[12] = 5 << 4;				/* data offset */
		o[13] = 0x12;				/* SYN, ACK */
		o[14] = 0xff; o[15] = 0xff;		/* window */
		ck = responder_tcp_cksum(r->addr, from.sin_addr, o, 20);
		o[16] = ck >> 8;
		o[17] = ck & 0xff;
		responder_later(r, rp, &rx);
	}
}

/* The listener with its accept queue full, and the raw TCP socket. */
static int
responder_tcp_open(struct resp *r)
{
	struct sockaddr_in	sin;
	int			on = 1;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr = r->addr;
	sin.sin_port = htons(tcp_port);
	if ((r->lfd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    setsockopt(r->lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) ||
	    bind(r->lfd, (struct sockaddr *)&sin, sizeof sin) == -1 ||
	    listen(r->lfd, 0) == -1)
		return (-1);
	if ((r->cfd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    connect(r->cfd, (struct sockaddr *)&sin, sizeof sin) == -1)
		return (-1);
	r->tfd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK, IPPROTO_TCP);
	sin.sin_port = 0;
	if (r->tfd == -1 ||
	    setsockopt(r->tfd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) ||
	    bind(r->tfd, (struct sockaddr *)&sin, sizeof sin) == -1)
		return (-1);
	r->tev = event_new(r->base, r->tfd, EV_READ | EV_PERSIST,
	    responder_tcp_cb, r);
	event_add(r->tev, NULL);
	return (0);
}

static int64_t
responder_now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

/* The value below which pct% of the counted replies fall. */
static long
responder_late_pct(int pct)
{
	uint64_t	want, sum = 0;
	long		i;

	want = (nlate * (uint64_t)pct + 99) / 100;
	for (i = 0; i <= LATE_MAX; i++)
		if ((sum += late[i]) >= want && sum > 0)
			return (i);
	return (-1);
}

/* SIGUSR1: one line on the replies since the last, then start over. */
static void
responder_stats_cb(evutil_socket_t sig, short what, void *arg)
{
	FILE	*f;

	(void)sig;
	(void)what;
	(void)arg;
	if ((f = fopen(stats_file, "a")) == NULL) {
		fprintf(stderr, "responder: %s: %s\n", stats_file,
		    strerror(errno));
		return;
	}
	fprintf(f, "replies %llu late_us %ld %ld %ld\n",
	    (unsigned long long)nlate, responder_late_pct(50),
	    responder_late_pct(99), responder_late_pct(100));
	fclose(f);
	memset(late, 0, (LATE_MAX + 1) * sizeof *late);
	nlate = 0;
}

/* ADDRESS,DELAY_MS[,drop]: 0, or -1 when it does not parse. */
static int
responder_spec(const char *arg, struct in_addr *addr, unsigned int *delay,
    int *drop)
{
	char	 spec[128], *a, *d, *f, *end;

	snprintf(spec, sizeof spec, "%s", arg);
	a = strtok(spec, ",");
	d = strtok(NULL, ",");
	f = strtok(NULL, ",");
	if (a == NULL || d == NULL || inet_pton(AF_INET, a, addr) != 1)
		return (-1);
	*delay = (unsigned int)strtoul(d, &end, 10);
	if (*end != '\0' || (f != NULL && strcmp(f, "drop") != 0))
		return (-1);
	*drop = f != NULL;
	return (0);
}

/* SIGHUP: new delays and drop flags from the control file. */
static void
responder_reload_cb(evutil_socket_t sig, short what, void *arg)
{
	struct resp	*r;
	struct in_addr	 addr;
	FILE		*f;
	char		*line = NULL, *p;
	size_t		 size = 0;
	unsigned int	 delay;
	int		 drop;

	(void)sig;
	(void)what;
	(void)arg;
	if ((f = fopen(ctl_file, "r")) == NULL) {
		fprintf(stderr, "responder: %s: %s\n", ctl_file,
		    strerror(errno));
		return;
	}
	while (getline(&line, &size, f) != -1) {
		line[strcspn(line, "#\r\n")] = '\0';
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		if (*p == '\0')
			continue;
		if (responder_spec(p, &addr, &delay, &drop) == -1) {
			fprintf(stderr, "responder: %s: bad line %s\n",
			    ctl_file, p);
			continue;
		}
		TAILQ_FOREACH(r, &resps, entry) {
			if (r->addr.s_addr != addr.s_addr)
				continue;
			r->delay_ms = delay;
			r->drop = drop;
		}
	}
	free(line);
	fclose(f);
}

int
main(int argc, char **argv)
{
	struct event_config	*cfg;
	struct event_base	*base;
	struct event		*hup, *usr1, *icmp_ev;
	struct resp		*r;
	struct sockaddr_in	 sin;
	int			 i, ch, spin = 0, on = 1, icmp_fd;

	while ((ch = getopt(argc, argv, "bC:S:t:")) != -1) {
		switch (ch) {
		case 'b':
			spin = 1;
			break;
		case 'C':
			ctl_file = optarg;
			break;
		case 'S':
			stats_file = optarg;
			break;
		case 't':
			tcp_port = (uint16_t)strtoul(optarg, NULL, 10);
			break;
		default:
			goto usage;
		}
	}
	if (optind >= argc)
		goto usage;
	srandom((unsigned int)getpid());
	/*
	 * Precise timers: libevent's default coarse monotonic clock ticks
	 * in jiffies and would answer up to a few ms early.
	 */
	if ((cfg = event_config_new()) == NULL)
		return (1);
	event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER);
	if ((base = event_base_new_with_config(cfg)) == NULL)
		return (1);
	event_config_free(cfg);
	for (i = optind; i < argc; i++) {
		r = calloc(1, sizeof *r);
		if (r == NULL)
			return (1);
		r->base = base;
		memset(&sin, 0, sizeof sin);
		sin.sin_family = AF_INET;
		if (responder_spec(argv[i], &sin.sin_addr, &r->delay_ms,
		    &r->drop) == -1) {
			fprintf(stderr, "responder: bad spec %s\n", argv[i]);
			return (2);
		}
		/* The address must be ours: a bind says so. */
		r->fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK, IPPROTO_ICMP);
		if (r->fd == -1 ||
		    bind(r->fd, (struct sockaddr *)&sin, sizeof sin) == -1) {
			fprintf(stderr, "responder: %s: %s\n", argv[i],
			    strerror(errno));
			return (1);
		}
		close(r->fd);
		r->fd = -1;
		r->addr = sin.sin_addr;
		r->tfd = r->lfd = r->cfd = -1;
		if (tcp_port != 0 && responder_tcp_open(r) == -1) {
			fprintf(stderr, "responder: tcp %s: %s\n", argv[i],
			    strerror(errno));
			return (1);
		}
		TAILQ_INSERT_TAIL(&resps, r, entry);
		nresps++;
	}
	/* One ICMP socket for them all, unbound: it sees every request. */
	if ((by_addr = calloc(nresps, sizeof *by_addr)) == NULL)
		return (1);
	i = 0;
	TAILQ_FOREACH(r, &resps, entry)
		by_addr[i++] = r;
	qsort(by_addr, nresps, sizeof *by_addr, responder_addr_cmp);
	icmp_fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK, IPPROTO_ICMP);
	if (icmp_fd == -1 || setsockopt(icmp_fd, SOL_SOCKET, SO_TIMESTAMPNS,
	    &on, sizeof on) == -1) {
		fprintf(stderr, "responder: raw ICMP socket: %s\n",
		    strerror(errno));
		return (1);
	}
	icmp_ev = event_new(base, icmp_fd, EV_READ | EV_PERSIST,
	    responder_read_cb, NULL);
	event_add(icmp_ev, NULL);
	if (ctl_file != NULL) {
		hup = evsignal_new(base, SIGHUP, responder_reload_cb, NULL);
		if (hup == NULL || evsignal_add(hup, NULL) == -1)
			return (1);
	}
	if (stats_file != NULL) {
		late = calloc(LATE_MAX + 1, sizeof *late);
		usr1 = evsignal_new(base, SIGUSR1, responder_stats_cb, NULL);
		if (late == NULL || usr1 == NULL ||
		    evsignal_add(usr1, NULL) == -1)
			return (1);
	}
	if (!spin)
		event_base_dispatch(base);
	else {
		/* Never sleep: every pass checks the sockets and timers. */
		for (;;)
			if (event_base_loop(base, EVLOOP_NONBLOCK) == -1)
				break;
	}
	return (0);

usage:
	fprintf(stderr, "usage: responder [-b] [-C file] [-S file] "
	    "[-t port] ADDRESS,DELAY_MS[,drop] ...\n");
	return (2);
}
