/* SPDX-License-Identifier: ISC */
/*
 * The collector's notifications to systemd (sdnotify.h).  Built with
 * libsystemd (configure finds it, or --with-systemd) they go through its
 * sd_notify(); without it peertop speaks the protocol itself, because it
 * is small and documented as stable (sd_notify(3), "notification
 * protocol"): one datagram of newline-separated VAR=value lines to the
 * AF_UNIX socket $NOTIFY_SOCKET names, a path or, with a leading '@', an
 * abstract name.  So a build without libsystemd-dev still runs as
 * Type=notify; what the library adds (vsock, credentials) a collector on
 * the same host does not need.
 *
 * A notification is one non-blocking send: the event loop never waits for
 * the service manager.  One that fails is logged, and the next goes on.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#ifdef HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "core/sdnotify.h"

static struct event	*sdnotify_watchdog;
static char		*sdnotify_last;		/* the last STATUS= sent */

static void	 sdnotify_send(const char *);
static uint64_t	 sdnotify_watchdog_usec(void);
static void	 sdnotify_watchdog_cb(evutil_socket_t, short, void *);

#ifdef HAVE_SYSTEMD
static void
sdnotify_send(const char *msg)
{
	int	 rc;

	if ((rc = sd_notify(0, msg)) < 0)
		log_warnx("sd_notify: %s", strerror(-rc));
}

static uint64_t
sdnotify_watchdog_usec(void)
{
	uint64_t	 usec;

	return (sd_watchdog_enabled(0, &usec) > 0 ? usec : 0);
}
#else
static void
sdnotify_send(const char *msg)
{
	struct sockaddr_un	 sun;
	const char		*path = getenv("NOTIFY_SOCKET");
	size_t			 len;
	int			 fd;

	/* Not under systemd; or a vsock address, which needs the library. */
	if (path == NULL || (path[0] != '/' && path[0] != '@'))
		return;
	if ((len = strlen(path)) >= sizeof sun.sun_path) {
		log_warnx("sd_notify: NOTIFY_SOCKET too long");
		return;
	}
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, len);
	if (path[0] == '@')
		sun.sun_path[0] = '\0';	/* the abstract namespace */
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1 || sendto(fd, msg, strlen(msg), MSG_NOSIGNAL,
	    (struct sockaddr *)&sun, offsetof(struct sockaddr_un, sun_path) +
	    len) == -1)
		log_warnx("sd_notify: %s: %s", path, strerror(errno));
	if (fd != -1)
		close(fd);
}

/* $WATCHDOG_USEC, when $WATCHDOG_PID is unset or is this process. */
static uint64_t
sdnotify_watchdog_usec(void)
{
	const char		*s, *pid = getenv("WATCHDOG_PID");
	char			*end;
	unsigned long long	 v;

	if (pid != NULL && strtoll(pid, NULL, 10) != (long long)getpid())
		return (0);
	if ((s = getenv("WATCHDOG_USEC")) == NULL)
		return (0);
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0')
		return (0);
	return (v);
}
#endif

static void
sdnotify_watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	sdnotify_send("WATCHDOG=1");
}

void
sdnotify_start(struct event_base *base)
{
	struct timeval	 tv;
	uint64_t	 usec;

	if (sdnotify_watchdog != NULL || (usec = sdnotify_watchdog_usec()) == 0)
		return;
	/* Half the interval: one late ping is not yet a missed one. */
	usec /= 2;
	tv.tv_sec = (time_t)(usec / 1000000);
	tv.tv_usec = (suseconds_t)(usec % 1000000);
	sdnotify_watchdog = event_new(base, -1, EV_PERSIST,
	    sdnotify_watchdog_cb, NULL);
	if (sdnotify_watchdog == NULL)
		fatalx("event_new failed");
	event_add(sdnotify_watchdog, &tv);
	log_info("watchdog: a ping every %llu ms",
	    (unsigned long long)(usec / 1000));
}

void
sdnotify_ready(void)
{
	sdnotify_send("READY=1");
}

void
sdnotify_reloading(void)
{
	struct timespec	 ts;
	char		 msg[64];

	/* The clock systemd compares with the time it sent SIGHUP. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(msg, sizeof msg, "RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)ts.tv_sec * 1000000 +
	    (unsigned long long)ts.tv_nsec / 1000);
	sdnotify_send(msg);
}

void
sdnotify_stopping(void)
{
	sdnotify_send("STOPPING=1");
	if (sdnotify_watchdog != NULL) {
		event_free(sdnotify_watchdog);
		sdnotify_watchdog = NULL;
	}
	free(sdnotify_last);
	sdnotify_last = NULL;
}

void
sdnotify_status(const char *fmt, ...)
{
	va_list	 ap;
	char	*text, *msg, *p;

	if (getenv("NOTIFY_SOCKET") == NULL)
		return;
	va_start(ap, fmt);
	xvasprintf(&text, fmt, ap);
	va_end(ap);
	/* A newline would start another variable. */
	for (p = text; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (sdnotify_last != NULL && strcmp(sdnotify_last, text) == 0) {
		free(text);
		return;
	}
	xasprintf(&msg, "STATUS=%s", text);
	sdnotify_send(msg);
	free(msg);
	free(sdnotify_last);
	sdnotify_last = text;
}
