/*
 * A delaying ICMP echo responder for the latency lab and
 * tests/integration/test-probe.sh.  Run it inside a network namespace
 * whose kernel echo replies are off (net.ipv4.icmp_echo_ignore_all=1):
 * for every ADDRESS,DELAY_MS[,drop] it binds a raw ICMP socket to the
 * address, and answers each echo request (RFC 792) to it with an echo
 * reply carrying the same identifier, sequence and data, DELAY_MS later.
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
 * (it knows nothing of it when the ACK comes), which core/probe.c counts
 * as a completed handshake ("connection reset").
 *
 * IPv4 only.  Runs until killed; prints nothing unless setup fails.
 *
 * usage: responder [-t PORT] ADDRESS,DELAY_MS[,drop] ...
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "core/util.h"

#define MAXPKT	2048

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
};

static uint16_t		 tcp_port;

struct reply {
	struct resp		*r;
	struct sockaddr_in	 to;
	int			 fd;
	uint8_t			 pkt[MAXPKT];
	size_t			 len;
};

static void	responder_tcp_cb(evutil_socket_t, short, void *);
static int	responder_tcp_open(struct resp *);

static void	responder_read_cb(evutil_socket_t, short, void *);
static void	responder_send_cb(evutil_socket_t, short, void *);
static ssize_t	responder_recv(int, uint8_t *, size_t, struct sockaddr_in *,
		    size_t *);
static void	responder_later(struct resp *, struct reply *);

/*
 * The next IPv4 packet on a raw socket (RFC 791: the header comes with
 * it): its length, with *off at the payload; -1 when none is waiting.
 */
static ssize_t
responder_recv(int fd, uint8_t *buf, size_t size, struct sockaddr_in *from,
    size_t *off)
{
	socklen_t	 fromlen;
	ssize_t		 n;

	for (;;) {
		fromlen = sizeof *from;
		n = recvfrom(fd, buf, size, 0, (struct sockaddr *)from,
		    &fromlen);
		if (n == -1)
			return (-1);
		if (n < 20 || (buf[0] >> 4) != 4)
			continue;
		*off = (size_t)(buf[0] & 0x0f) * 4;
		if ((size_t)n >= *off)
			return (n);
	}
}

/* Send the reply after the address's delay. */
static void
responder_later(struct resp *r, struct reply *rp)
{
	struct timeval	tv;

	tv.tv_sec = r->delay_ms / 1000;
	tv.tv_usec = (r->delay_ms % 1000) * 1000;
	event_base_once(r->base, -1, EV_TIMEOUT, responder_send_cb, rp, &tv);
}

static void
responder_send_cb(evutil_socket_t fd, short what, void *arg)
{
	struct reply	*rp = arg;

	(void)fd;
	(void)what;
	(void)sendto(rp->fd, rp->pkt, rp->len, 0,
	    (struct sockaddr *)&rp->to, sizeof rp->to);
	free(rp);
}

static void
responder_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct resp		*r = arg;
	struct reply		*rp;
	struct sockaddr_in	 from;
	uint8_t			 buf[MAXPKT];
	ssize_t			 n;
	size_t			 off;
	uint16_t		 ck;

	(void)what;
	while ((n = responder_recv(fd, buf, sizeof buf, &from, &off)) != -1) {
		if ((size_t)n < off + 8 || buf[off] != 8 || buf[off + 1] != 0)
			continue;	/* not an echo request */
		if (r->drop && (r->seen++ & 1))
			continue;
		rp = calloc(1, sizeof *rp);
		if (rp == NULL)
			continue;
		rp->r = r;
		rp->fd = r->fd;
		rp->to = from;
		rp->len = (size_t)n - off;
		memcpy(rp->pkt, buf + off, rp->len);
		rp->pkt[0] = 0;		/* echo reply */
		rp->pkt[2] = rp->pkt[3] = 0;
		ck = inet_cksum(rp->pkt, rp->len);
		rp->pkt[2] = ck >> 8;
		rp->pkt[3] = ck & 0xff;
		responder_later(r, rp);
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
	uint8_t			 buf[MAXPKT], *t, *o;
	ssize_t			 n;
	size_t			 off;
	uint32_t		 seq, isn;
	uint16_t		 ck;

	(void)what;
	while ((n = responder_recv(fd, buf, sizeof buf, &from, &off)) != -1) {
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
		responder_later(r, rp);
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
	    bind(r->tfd, (struct sockaddr *)&sin, sizeof sin) == -1)
		return (-1);
	r->tev = event_new(r->base, r->tfd, EV_READ | EV_PERSIST,
	    responder_tcp_cb, r);
	event_add(r->tev, NULL);
	return (0);
}

int
main(int argc, char **argv)
{
	struct event_config	*cfg;
	struct event_base	*base;
	struct resp		*r;
	struct sockaddr_in	 sin;
	char			 spec[128], *addr, *delay, *flag;
	int			 i, first = 1;

	if (argc > 2 && strcmp(argv[1], "-t") == 0) {
		tcp_port = (uint16_t)strtoul(argv[2], NULL, 10);
		first = 3;
	}
	if (argc <= first) {
		fprintf(stderr, "usage: responder [-t PORT] "
		    "ADDRESS,DELAY_MS[,drop] ...\n");
		return (2);
	}
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
	for (i = first; i < argc; i++) {
		snprintf(spec, sizeof spec, "%s", argv[i]);
		addr = strtok(spec, ",");
		delay = strtok(NULL, ",");
		flag = strtok(NULL, ",");
		if (addr == NULL || delay == NULL) {
			fprintf(stderr, "responder: bad spec %s\n", argv[i]);
			return (2);
		}
		r = calloc(1, sizeof *r);
		if (r == NULL)
			return (1);
		r->base = base;
		r->delay_ms = (unsigned int)strtoul(delay, NULL, 10);
		r->drop = flag != NULL && strcmp(flag, "drop") == 0;
		memset(&sin, 0, sizeof sin);
		sin.sin_family = AF_INET;
		if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1) {
			fprintf(stderr, "responder: bad address %s\n", addr);
			return (2);
		}
		r->fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK, IPPROTO_ICMP);
		if (r->fd == -1 ||
		    bind(r->fd, (struct sockaddr *)&sin, sizeof sin) == -1) {
			fprintf(stderr, "responder: %s: %s\n", addr,
			    strerror(errno));
			return (1);
		}
		r->ev = event_new(base, r->fd, EV_READ | EV_PERSIST,
		    responder_read_cb, r);
		event_add(r->ev, NULL);
		r->addr = sin.sin_addr;
		r->tfd = r->lfd = r->cfd = -1;
		if (tcp_port != 0 && responder_tcp_open(r) == -1) {
			fprintf(stderr, "responder: tcp %s: %s\n", addr,
			    strerror(errno));
			return (1);
		}
	}
	event_base_dispatch(base);
	return (0);
}
