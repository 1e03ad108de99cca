/* SPDX-License-Identifier: ISC */
/* The client end of the control socket (control-client.h). */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/control-client.h"
#include "core/proto.h"
#include "core/util.h"

#define CTLC_READ	65536

struct ctlc {
	int		 fd;
	char		*buf;
	size_t		 start, len, cap, scanned;	/* buf[start, len) */
	json_t		*hello;
};

int
ctlc_fd(const struct ctlc *c)
{
	return (c->fd);
}

json_t *
ctlc_hello(const struct ctlc *c)
{
	return (c->hello);
}

int
ctlc_same_config(const struct ctlc *c, const char *path)
{
	struct stat	 a, b;
	const char	*theirs;

	theirs = json_string_value(json_object_get(c->hello, "config"));
	if (theirs == NULL || stat(path, &a) == -1 || stat(theirs, &b) == -1)
		return (0);
	return (a.st_dev == b.st_dev && a.st_ino == b.st_ino);
}

void
ctlc_close(struct ctlc *c)
{
	if (c == NULL)
		return;
	if (c->fd != -1)
		close(c->fd);
	if (c->hello != NULL)
		json_decref(c->hello);
	free(c->buf);
	free(c);
}

int
ctlc_fill(struct ctlc *c, char **cause)
{
	ssize_t	 n;
	size_t	 had;

	/* The frames taken leave room at the front: reuse it first. */
	if (c->start > 0) {
		memmove(c->buf, c->buf + c->start, c->len - c->start);
		c->len -= c->start;
		c->scanned -= c->start;
		c->start = 0;
	}
	had = c->len;
	for (;;) {
		if (c->cap - c->len < CTLC_READ) {
			if (c->cap > PROTO_FRAME_MAX + CTLC_READ) {
				xasprintf(cause, "a frame longer than %d MiB",
				    PROTO_FRAME_MAX >> 20);
				return (-1);
			}
			c->cap = c->cap * 2 + CTLC_READ;
			c->buf = realloc(c->buf, c->cap);
			if (c->buf == NULL)
				fatalx("out of memory");
		}
		n = read(c->fd, c->buf + c->len, c->cap - c->len);
		if (n > 0) {
			c->len += (size_t)n;
			continue;
		}
		/*
		 * The last words (a refusal, an error) come with the EOF:
		 * they are taken first, the EOF is seen by the next fill.
		 */
		if (n == 0 && c->len > had)
			return (0);
		if (n == 0) {
			xasprintf(cause, "connection closed");
			return (-1);
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return (0);
		xasprintf(cause, "read: %s", strerror(errno));
		return (-1);
	}
}

json_t *
ctlc_next(struct ctlc *c, char **cause)
{
	json_error_t	 err;
	json_t		*o;
	char		*nl;
	size_t		 n;

	if (c->scanned < c->start)
		c->scanned = c->start;
	nl = c->len > c->scanned ? memchr(c->buf + c->scanned, '\n',
	    c->len - c->scanned) : NULL;
	if (nl == NULL) {
		c->scanned = c->len;
		if (c->len - c->start > PROTO_FRAME_MAX)
			xasprintf(cause, "a frame longer than %d MiB",
			    PROTO_FRAME_MAX >> 20);
		return (NULL);
	}
	n = (size_t)(nl - (c->buf + c->start));
	o = json_loadb(c->buf + c->start, n, 0, &err);
	c->start += n + 1;
	c->scanned = c->start;
	if (o == NULL || !json_is_object(o)) {
		if (o != NULL)
			json_decref(o);
		xasprintf(cause, "a malformed frame from the collector: %s",
		    err.text);
		return (NULL);
	}
	return (o);
}

json_t *
ctlc_read(struct ctlc *c, int timeout_ms, char **cause)
{
	struct pollfd	 pfd = { c->fd, POLLIN, 0 };
	uint64_t	 deadline = now_mono_ms() + (uint64_t)timeout_ms;
	json_t		*o;
	int		 left, rc;

	for (;;) {
		*cause = NULL;
		if ((o = ctlc_next(c, cause)) != NULL || *cause != NULL)
			return (o);
		left = timeout_ms < 0 ? -1 : (int)(deadline - now_mono_ms());
		if (timeout_ms >= 0 && (left <= 0 ||
		    now_mono_ms() >= deadline)) {
			xasprintf(cause, "no answer from the collector within "
			    "%d s", (timeout_ms + 999) / 1000);
			return (NULL);
		}
		if ((rc = poll(&pfd, 1, left)) == -1 && errno != EINTR) {
			xasprintf(cause, "poll: %s", strerror(errno));
			return (NULL);
		}
		if (rc > 0 && ctlc_fill(c, cause) == -1)
			return (NULL);
	}
}

int
ctlc_send(struct ctlc *c, json_t *cmd)
{
	char	*s;
	size_t	 len, off = 0;
	ssize_t	 n;
	struct pollfd pfd = { c->fd, POLLOUT, 0 };

	if ((s = json_dumps(cmd, JSON_COMPACT)) == NULL)
		return (-1);
	len = strlen(s);
	s[len++] = '\n';	/* json_dumps' NUL becomes the line's end */
	while (off < len) {
		n = write(c->fd, s + off, len - off);
		if (n > 0)
			off += (size_t)n;
		else if (n == -1 && (errno == EAGAIN || errno == EINTR))
			(void)poll(&pfd, 1, 1000);
		else {
			free(s);
			return (-1);
		}
	}
	free(s);
	return (0);
}

json_t *
ctlc_request(struct ctlc *c, json_t *cmd, const char *want, int timeout_ms,
    char **cause)
{
	json_t		*o, *e;
	const char	*t;

	if (ctlc_send(c, cmd) != 0) {
		xasprintf(cause, "cannot send to the collector: %s",
		    strerror(errno));
		return (NULL);
	}
	while ((o = ctlc_read(c, timeout_ms, cause)) != NULL) {
		t = json_string_value(json_object_get(o, "t"));
		if (t != NULL && strcmp(t, want) == 0)
			return (o);
		if (t != NULL && strcmp(t, "error") == 0) {
			e = json_object_get(o, "error");
			xasprintf(cause, "%s", json_is_string(e) ?
			    json_string_value(e) : "error");
			json_decref(o);
			return (NULL);
		}
		json_decref(o);
	}
	return (NULL);
}

/* A connect that gives up after timeout_ms (a wedged collector). */
static int
ctlc_connect(const char *path, int timeout_ms, int *absent, char **cause)
{
	struct sockaddr_un	 sun;
	struct pollfd		 pfd;
	socklen_t		 len = sizeof pfd.revents;
	uint64_t		 deadline;
	int			 fd, err = 0, rc;

	*absent = 0;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlcpy_pt(sun.sun_path, path, sizeof sun.sun_path) >=
	    sizeof sun.sun_path) {
		xasprintf(cause, "%s: path too long for a socket", path);
		return (-1);
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1) {
		xasprintf(cause, "socket: %s", strerror(errno));
		return (-1);
	}
	/* A full backlog (a burst of clients): EAGAIN, try again shortly. */
	deadline = now_mono_ms() + (uint64_t)timeout_ms;
	while ((rc = connect(fd, (struct sockaddr *)&sun, sizeof sun)) == -1 &&
	    errno == EAGAIN && now_mono_ms() < deadline)
		(void)poll(NULL, 0, 10);
	if (rc == -1 && errno == EAGAIN)
		errno = ETIMEDOUT;
	if (rc == -1) {
		if (errno == EINPROGRESS) {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			if (poll(&pfd, 1, timeout_ms) <= 0)
				err = ETIMEDOUT;
			else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err,
			    &len) == -1)
				err = errno;
		} else
			err = errno;
	}
	if (err != 0) {
		*absent = err == ENOENT || err == ECONNREFUSED;
		xasprintf(cause, "%s: %s", path, err == EACCES ? "permission "
		    "denied (not in the control socket's group?)" :
		    err == ECONNREFUSED ? "no collector listening" :
		    strerror(err));
		close(fd);
		return (-1);
	}
	return (fd);
}

struct ctlc *
ctlc_open(const char *path, int timeout_ms, int *absent, char **cause)
{
	struct ctlc	*c;
	json_t		*h;
	const char	*t;
	int		 fd, dummy;

	if (absent == NULL)
		absent = &dummy;
	if ((fd = ctlc_connect(path, timeout_ms, absent, cause)) == -1)
		return (NULL);
	c = xcalloc(1, sizeof *c);
	c->fd = fd;
	if ((h = ctlc_read(c, timeout_ms, cause)) == NULL) {
		ctlc_close(c);
		return (NULL);
	}
	t = json_string_value(json_object_get(h, "t"));
	if (t != NULL && strcmp(t, "error") == 0) {
		xasprintf(cause, "%s: %s", path, json_is_string(json_object_get(
		    h, "error")) ? json_string_value(json_object_get(h,
		    "error")) : "refused");
		json_decref(h);
		ctlc_close(c);
		return (NULL);
	}
	if (t == NULL || strcmp(t, "hello") != 0 ||
	    json_integer_value(json_object_get(h, "proto")) != PROTO_VERSION) {
		xasprintf(cause, "%s: not a peertop collector of protocol %d "
		    "(it says proto %lld)", path, PROTO_VERSION,
		    (long long)json_integer_value(json_object_get(h, "proto")));
		json_decref(h);
		ctlc_close(c);
		return (NULL);
	}
	c->hello = h;
	return (c);
}
