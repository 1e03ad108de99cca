/* SPDX-License-Identifier: ISC */
/*
 * The notifier's syslog destination: one datagram per message on a
 * local socket (/dev/log unless told), formatted here as RFC 5424 (the
 * default) or RFC 3164, since syslog(3) may block when the daemon is
 * slow and the loop must not.  The socket is non-blocking: a full one
 * fails the batch, which the engine retries.  A batch larger than
 * NOTIFY_SYSLOG_LINES sends that many and one "and N more".
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/notify.h"
#include "core/util.h"

#define NOTIFY_SYSLOG_PATH	"/dev/log"
#define NOTIFY_SYSLOG_LINES	100
#define NOTIFY_SYSLOG_MAX	2048	/* RFC 5424 6.1: every receiver */

struct notify_syslog {
	int		 fd;
	char		 host[256];
};

static int	 notify_syslog_start(struct notify_dest *, char **);
static void	 notify_syslog_stop(struct notify_dest *);
static void	 notify_syslog_send(struct notify_dest *,
		    struct notify_batch *);

const struct notify_kind notify_kind_syslog = {
	.name = "syslog",
	.start = notify_syslog_start,
	.stop = notify_syslog_stop,
	.send = notify_syslog_send,
};

/* RFC 5424 6.2.1 (the same numbers as RFC 3164 4.1.1). */
static const struct {
	const char	*name;
	int		 code;
} notify_facilities[] = {
	{ "kern", 0 }, { "user", 1 }, { "mail", 2 }, { "daemon", 3 },
	{ "auth", 4 }, { "syslog", 5 }, { "lpr", 6 }, { "news", 7 },
	{ "uucp", 8 }, { "cron", 9 }, { "authpriv", 10 }, { "ftp", 11 },
	{ "local0", 16 }, { "local1", 17 }, { "local2", 18 },
	{ "local3", 19 }, { "local4", 20 }, { "local5", 21 },
	{ "local6", 22 }, { "local7", 23 },
};

int
notify_facility_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < nitems(notify_facilities); i++)
		if (strcmp(notify_facilities[i].name, name) == 0)
			return (notify_facilities[i].code);
	return (-1);
}

/* Severity: the level's; a resolution is a notice (5). */
static int
notify_syslog_severity(const struct notify_item *it)
{
	if (it->what == NOTIFY_RESOLVED)
		return (5);
	switch (it->ev.level) {
	case LVL_CRITICAL:
		return (2);
	case LVL_ERROR:
		return (3);
	case LVL_WARNING:
		return (4);
	default:
		return (6);
	}
}

/*
 * RFC 5424 6: <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID - MSG, the
 * MSGID the event's type; RFC 3164 4.1: <PRI>Mmm dd hh:mm:ss HOSTNAME
 * TAG[PID]: MSG in local time.  it NULL with a line in host's place is
 * not used: the caller writes "and N more" as an item of its own.
 */
size_t
notify_syslog_format(char *buf, size_t len, const struct notify_dest_conf *dc,
    const char *host, long pid, const struct notify_item *it)
{
	char		 line[NOTIFY_SYSLOG_MAX], when[TIME_ISO_LEN], msgid[33];
	int		 pri = dc->facility * 8 + notify_syslog_severity(it);
	int		 n;
	size_t		 i;
	time_t		 t;
	struct tm	 tm;

	notify_line(it, line, sizeof line);
	if (dc->syslog_format == NOTIFY_RFC3164) {
		t = (time_t)(now_wall_ms() / 1000);
		localtime_r(&t, &tm);
		strftime(when, sizeof when, "%b %e %H:%M:%S", &tm);
		n = snprintf(buf, len, "<%d>%s %s peertop[%ld]: %s", pri, when,
		    host, pid, line);
	} else {
		/* MSGID: 1*32PRINTUSASCII. */
		for (i = 0; i < sizeof msgid - 1 && it->ev.type[i] != '\0';
		    i++)
			msgid[i] = it->ev.type[i] > ' ' && it->ev.type[i] < 127 ?
			    it->ev.type[i] : '_';
		msgid[i] = '\0';
		if (i == 0)
			strlcpy_pt(msgid, "-", sizeof msgid);
		n = snprintf(buf, len, "<%d>1 %s %s peertop %ld %s - %s", pri,
		    time_iso(when, sizeof when, now_wall_ms(), 1), host, pid,
		    msgid, line);
	}
	if (n < 0)
		return (0);
	return ((size_t)n < len ? (size_t)n : len - 1);
}

static int
notify_syslog_start(struct notify_dest *d, char **cause NOTIFY_UNUSED)
{
	struct notify_syslog	*s = xcalloc(1, sizeof *s);
	char			*dot;

	s->fd = -1;
	if (gethostname(s->host, sizeof s->host) != 0 || s->host[0] == '\0')
		strlcpy_pt(s->host, "-", sizeof s->host);
	s->host[sizeof s->host - 1] = '\0';
	/* RFC 3164 wants the name without the domain. */
	if (notify_dest_conf(d)->syslog_format == NOTIFY_RFC3164 &&
	    (dot = strchr(s->host, '.')) != NULL)
		*dot = '\0';
	notify_dest_set_priv(d, s);
	return (0);
}

static void
notify_syslog_stop(struct notify_dest *d)
{
	struct notify_syslog	*s = notify_dest_priv(d);

	if (s == NULL)
		return;
	if (s->fd != -1)
		close(s->fd);
	free(s);
	notify_dest_set_priv(d, NULL);
}

static int
notify_syslog_connect(struct notify_syslog *s, const char *path,
    char *why, size_t len)
{
	struct sockaddr_un	 sun;

	if (s->fd != -1)
		return (0);
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlcpy_pt(sun.sun_path, path, sizeof sun.sun_path) >=
	    sizeof sun.sun_path) {
		snprintf(why, len, "%s: path too long", path);
		return (-1);
	}
	if ((s->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1) {
		snprintf(why, len, "socket: %s", strerror(errno));
		return (-1);
	}
	if (connect(s->fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		snprintf(why, len, "%s: %s", path, strerror(errno));
		close(s->fd);
		s->fd = -1;
		return (-1);
	}
	return (0);
}

static void
notify_syslog_send(struct notify_dest *d, struct notify_batch *bt)
{
	const struct notify_dest_conf	*dc = notify_dest_conf(d);
	struct notify_syslog		*s = notify_dest_priv(d);
	struct notify_item		 more;
	const struct notify_item	*it;
	const char			*path = dc->socket[0] != '\0' ?
					    dc->socket : NOTIFY_SYSLOG_PATH;
	char				 msg[NOTIFY_SYSLOG_MAX], why[ERR_MAX];
	size_t				 i, len, shown;

	if (notify_syslog_connect(s, path, why, sizeof why) == -1) {
		notify_batch_done(bt, 0, why);
		return;
	}
	shown = bt->n > NOTIFY_SYSLOG_LINES ? NOTIFY_SYSLOG_LINES : bt->n;
	for (i = 0; i <= shown; i++) {
		if (i == shown) {
			if (bt->n == shown)
				break;
			more = *bt->items[0];
			more.what = NOTIFY_NOTICE;
			more.resolved_ms = 0;
			snprintf(more.ev.summary, sizeof more.ev.summary,
			    "and %zu more", bt->n - shown);
			strlcpy_pt(more.ev.type, "NotifyGrouped",
			    sizeof more.ev.type);
			it = &more;
		} else
			it = bt->items[i];
		len = notify_syslog_format(msg, sizeof msg, dc, s->host,
		    (long)getpid(), it);
		if (send(s->fd, msg, len, MSG_NOSIGNAL) == -1) {
			snprintf(why, sizeof why, "%s: %s", path,
			    errno == EAGAIN ? "the socket is full" :
			    strerror(errno));
			close(s->fd);
			s->fd = -1;
			notify_batch_done(bt, 0, why);
			return;
		}
	}
	notify_batch_done(bt, 1, NULL);
}
