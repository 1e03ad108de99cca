/* SPDX-License-Identifier: ISC */
/*
 * The control socket (control.h): the listener, the clients and their
 * commands.  What is sent to attached viewers is control-delta.c's.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <jansson.h>

#include "core/config.h"
#include "core/control.h"
#include "core/control-private.h"
#include "core/output.h"
#include "core/proto.h"
#include "core/store.h"
#include "core/util.h"

#define CONTROL_ACCEPT_PAUSE_MS	1000	/* out of descriptors */
#define CONTROL_CLOSE_MS	2000	/* last words, then closed anyway */
#define CONTROL_CONFIG_MAX	(4 * 1024 * 1024)
#define CONTROL_ONCE_EVENTS	20
/* Connections beyond max-viewers, for --once, --who, ack and a viewer's
 * queries: a full house of viewers does not make a check UNKNOWN. */
#define CONTROL_ONESHOT_EXTRA	16
#define CONTROL_COPY_MAX	4096	/* ctl_send() copies frames this small */

static int	 ctl_listen(struct control *, const char *, char **);
static void	 ctl_accept_cb(evutil_socket_t, short, void *);
static void	 ctl_pause_cb(evutil_socket_t, short, void *);
static void	 ctl_client_new(struct control *, int);
static void	 ctl_read_cb(struct bufferevent *, void *);
static void	 ctl_write_cb(struct bufferevent *, void *);
static void	 ctl_event_cb(struct bufferevent *, short, void *);
static void	 ctl_deadline_cb(evutil_socket_t, short, void *);
static int	 ctl_gone(struct ctl_client *);
static void	 ctl_free(struct ctl_client *);
static void	 ctl_command(struct ctl_client *, const char *, size_t);
static void	 ctl_reply_error(struct ctl_client *, json_t *, const char *,
		    int);
static void	 ctl_once(struct ctl_client *, json_t *);
static void	 ctl_who(struct ctl_client *, json_t *);
static void	 ctl_ack(struct ctl_client *, json_t *);
static void	 ctl_latency_span(struct ctl_client *, json_t *);
static void	 ctl_latency_buckets(struct ctl_client *, json_t *);
static void	 ctl_begin(struct control *, struct json_w *,
		    struct evbuffer *, const char *, json_t *);
static char	*ctl_config_text(const char *);

char *
control_path(const struct model *m, const char *opt)
{
	const char	*env = getenv("PEERTOP_SOCKET");

	if (opt != NULL)
		return (xstrdup(opt));
	if (m != NULL && m->control.path != NULL)
		return (xstrdup(m->control.path));
	if (env != NULL && *env != '\0')
		return (xstrdup(env));
	return (xstrdup(CONTROL_PATH_DEFAULT));
}

/* The configuration as the viewers get it: its secrets redacted. */
static char *
ctl_config_text(const char *path)
{
	struct stat	 st;
	char		*buf, *clean;
	size_t		 len;
	ssize_t		 n;
	int		 fd;

	if (path == NULL || (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (NULL);
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > CONTROL_CONFIG_MAX) {
		close(fd);
		return (NULL);
	}
	buf = xmalloc((size_t)st.st_size + 1);
	for (len = 0; len < (size_t)st.st_size; len += (size_t)n)
		if ((n = read(fd, buf + len, (size_t)st.st_size - len)) <= 0)
			break;
	close(fd);
	buf[len] = '\0';
	clean = config_redact(path, buf, len, &len);
	free(buf);
	return (clean);
}

/*
 * Bind with the socket file private (umask), then give it its group and
 * mode, then listen: nobody outside the group can connect at any moment.
 */
static int
ctl_bind(struct control *ctl, const char *path, struct sockaddr_un *sun,
    char **cause)
{
	struct control_conf	*cc = &ctl->m->control;
	mode_t			 old;
	int			 rc;

	old = umask(0177);
	rc = bind(ctl->fd, (struct sockaddr *)sun, sizeof *sun);
	umask(old);
	if (rc == -1) {
		xasprintf(cause, "control socket %s: bind: %s", path,
		    strerror(errno));
		return (-1);
	}
	if (ctl->group != (gid_t)-1 && chown(path, (uid_t)-1, ctl->group) == -1) {
		xasprintf(cause, "control socket %s: group %s: %s", path,
		    ctl->group_name, strerror(errno));
		return (-1);
	}
	if (chmod(path, cc->mode != 0 ? cc->mode : CONTROL_MODE_DEFAULT) == -1) {
		xasprintf(cause, "control socket %s: chmod: %s", path,
		    strerror(errno));
		return (-1);
	}
	if (listen(ctl->fd, 128) == -1) {
		xasprintf(cause, "control socket %s: listen: %s", path,
		    strerror(errno));
		return (-1);
	}
	return (0);
}

/*
 * A socket file already there: another collector's when something
 * answers on it (refuse), else left by one that died (replace).  Only a
 * socket is ever removed.
 */
static int
ctl_stale(const char *path, struct sockaddr_un *sun, char **cause)
{
	struct stat	 st;
	int		 fd, rc;

	if (lstat(path, &st) == -1)
		return (errno == ENOENT ? 0 : (xasprintf(cause, "control "
		    "socket %s: %s", path, strerror(errno)), -1));
	if (!S_ISSOCK(st.st_mode)) {
		xasprintf(cause, "control socket %s: exists and is not a "
		    "socket; not replacing it", path);
		return (-1);
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		xasprintf(cause, "socket: %s", strerror(errno));
		return (-1);
	}
	rc = connect(fd, (struct sockaddr *)sun, sizeof *sun);
	close(fd);
	if (rc == 0) {
		xasprintf(cause, "control socket %s: another collector is "
		    "listening on it (peertop --who -S %s lists its viewers)",
		    path, path);
		return (-1);
	}
	if (unlink(path) == -1) {
		xasprintf(cause, "control socket %s: a stale socket that "
		    "cannot be removed: %s", path, strerror(errno));
		return (-1);
	}
	return (0);
}

static int
ctl_listen(struct control *ctl, const char *path, char **cause)
{
	struct sockaddr_un	 sun;
	struct group		*gr;
	char			 dir[PATH_MAX], *slash;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlcpy_pt(sun.sun_path, path, sizeof sun.sun_path) >=
	    sizeof sun.sun_path) {
		xasprintf(cause, "control socket %s: path too long", path);
		return (-1);
	}
	ctl->group = (gid_t)-1;
	if (ctl->m->control.group[0] != '\0') {
		if ((gr = getgrnam(ctl->m->control.group)) == NULL) {
			xasprintf(cause, "control socket %s: no group %s",
			    path, ctl->m->control.group);
			return (-1);
		}
		ctl->group = gr->gr_gid;
		strlcpy_pt(ctl->group_name, gr->gr_name,
		    sizeof ctl->group_name);
	}
	/* /run/peertop: systemd's RuntimeDirectory, or made here. */
	strlcpy_pt(dir, path, sizeof dir);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
			xasprintf(cause, "control socket directory %s: %s",
			    dir, strerror(errno));
			return (-1);
		}
	}
	if (ctl_stale(path, &sun, cause) == -1)
		return (-1);
	if ((ctl->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0)) == -1) {
		xasprintf(cause, "socket: %s", strerror(errno));
		return (-1);
	}
	if (ctl_bind(ctl, path, &sun, cause) == -1) {
		close(ctl->fd);
		ctl->fd = -1;
		unlink(path);
		return (-1);
	}
	return (0);
}

struct control *
control_start(struct model *m, struct event_base *base, const char *path,
    struct store *store, const char *(*history)(void *), void *history_arg,
    char **cause)
{
	struct control	*ctl;

	ctl = xcalloc(1, sizeof *ctl);
	ctl->m = m;
	ctl->base = base;
	ctl->fd = -1;
	TAILQ_INIT(&ctl->clients);
	ctl->max = m->control.max_clients != 0 ? m->control.max_clients :
	    CONTROL_CLIENTS_DEFAULT;
	ctl->store = store;
	ctl->history = history;
	ctl->history_arg = history_arg;
	if (ctl_listen(ctl, path, cause) == -1) {
		free(ctl);
		return (NULL);
	}
	ctl->path = xstrdup(path);
	/* Absolute: a viewer elsewhere resolves its includes from it. */
	if (m->config_file != NULL &&
	    (ctl->config_path = realpath(m->config_file, NULL)) == NULL)
		ctl->config_path = xstrdup(m->config_file);
	ctl->config_text = ctl_config_text(m->config_file);
	ctl->ev_accept = event_new(base, ctl->fd, EV_READ | EV_PERSIST,
	    ctl_accept_cb, ctl);
	ctl->ev_pause = evtimer_new(base, ctl_pause_cb, ctl);
	if (ctl->ev_accept == NULL || ctl->ev_pause == NULL)
		fatalx("event_new failed");
	event_add(ctl->ev_accept, NULL);
	ctl_delta_init(ctl);
	log_info("control socket %s: listening (mode %04o%s%s)", path,
	    m->control.mode != 0 ? m->control.mode : CONTROL_MODE_DEFAULT,
	    ctl->group_name[0] != '\0' ? ", group " : "", ctl->group_name);
	return (ctl);
}

void
control_stop(struct control *ctl)
{
	struct ctl_client	*c;

	if (ctl == NULL)
		return;
	while ((c = TAILQ_FIRST(&ctl->clients)) != NULL)
		ctl_free(c);
	ctl_delta_free(ctl);
	ctl_replay_free(ctl);
	event_free(ctl->ev_accept);
	event_free(ctl->ev_pause);
	close(ctl->fd);
	unlink(ctl->path);
	free(ctl->path);
	free(ctl->config_path);
	free(ctl->config_text);
	free(ctl);
}

size_t
control_clients(const struct control *ctl, size_t *attached)
{
	const struct ctl_client	*c;
	size_t			 n = 0;

	if (ctl == NULL) {
		if (attached != NULL)
			*attached = 0;
		return (0);
	}
	TAILQ_FOREACH(c, &ctl->clients, entry)
		n += c->attached;
	if (attached != NULL)
		*attached = n;
	return (ctl->nclients);
}

/* Out of descriptors: stop accepting for a while rather than spin. */
static void
ctl_pause_cb(evutil_socket_t fd, short what, void *arg)
{
	struct control	*ctl = arg;

	event_add(ctl->ev_accept, NULL);
}

static void
ctl_accept_cb(evutil_socket_t lfd, short what, void *arg)
{
	struct control	*ctl = arg;
	struct timeval	 tv = { CONTROL_ACCEPT_PAUSE_MS / 1000, 0 };
	int		 fd;

	for (;;) {
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd == -1) {
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM) {
				log_warnx("control socket: accept: %s; "
				    "pausing for a second", strerror(errno));
				event_del(ctl->ev_accept);
				evtimer_add(ctl->ev_pause, &tv);
			}
			return;
		}
		ctl_client_new(ctl, fd);
	}
}

/*
 * Whether uid may attach: root, the collector's own user, or a member of
 * the socket's group (the file's mode says so already; this is the same
 * rule said again, should the file have been chmod'ed by hand).
 */
static int
ctl_allowed(struct control *ctl, uid_t uid, gid_t gid, const char *user)
{
	gid_t	 groups[256];
	int	 n = (int)nitems(groups), i;

	if (uid == 0 || uid == geteuid())
		return (1);
	if (ctl->group == (gid_t)-1)
		return (0);
	if (gid == ctl->group)
		return (1);
	if (user == NULL || getgrouplist(user, gid, groups, &n) == -1)
		return (0);
	for (i = 0; i < n; i++)
		if (groups[i] == ctl->group)
			return (1);
	return (0);
}

static void
ctl_client_new(struct control *ctl, int fd)
{
	struct ctl_client	*c;
	struct ucred		 cred;
	socklen_t		 len = sizeof cred;
	struct passwd		*pw;
	struct timeval		 tv = { CONTROL_IDLE_MS / 1000, 0 };
	char			 msg[160];
	int			 full;

	memset(&cred, 0, sizeof cred);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1) {
		close(fd);
		return;
	}
	pw = getpwuid(cred.uid);
	full = ctl->nclients >= ctl->max + CONTROL_ONESHOT_EXTRA;
	if (!ctl_allowed(ctl, cred.uid, cred.gid, pw != NULL ? pw->pw_name :
	    NULL) || full) {
		ctl->refused++;
		if (full)
			snprintf(msg, sizeof msg, "{\"t\":\"error\",\"error\":"
			    "\"too many clients (max-viewers %zu and %d more)\"}\n",
			    ctl->max, CONTROL_ONESHOT_EXTRA);
		else
			snprintf(msg, sizeof msg, "{\"t\":\"error\",\"error\":"
			    "\"uid %u may not attach\"}\n", (unsigned)cred.uid);
		(void)write(fd, msg, strlen(msg));
		log_warnx("control socket: refused uid %u pid %d: %s",
		    (unsigned)cred.uid, (int)cred.pid,
		    full ? "too many clients" : "not in the socket's group");
		close(fd);
		return;
	}
	c = xcalloc(1, sizeof *c);
	c->ctl = ctl;
	c->uid = cred.uid;
	c->gid = cred.gid;
	c->pid = cred.pid;
	if (pw != NULL)
		sanitize(c->user, sizeof c->user, pw->pw_name,
		    strlen(pw->pw_name));
	else
		snprintf(c->user, sizeof c->user, "uid %u", (unsigned)cred.uid);
	strlcpy_pt(c->kind, "?", sizeof c->kind);
	c->since_ms = now_wall_ms();
	c->bev = bufferevent_socket_new(ctl->base, fd, BEV_OPT_CLOSE_ON_FREE);
	c->deadline = evtimer_new(ctl->base, ctl_deadline_cb, c);
	if (c->bev == NULL || c->deadline == NULL)
		fatalx("bufferevent_socket_new failed");
	bufferevent_setcb(c->bev, ctl_read_cb, NULL, ctl_event_cb, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	evtimer_add(c->deadline, &tv);
	TAILQ_INSERT_TAIL(&ctl->clients, c, entry);
	ctl->nclients++;
	ctl_begin(ctl, NULL, ctl->scratch, "hello", NULL);
	ctl_send(c, ctl->scratch);
	log_debug("control socket: %s (pid %d) connected", c->user,
	    (int)c->pid);
}

static void
ctl_free(struct ctl_client *c)
{
	struct control	*ctl = c->ctl;

	TAILQ_REMOVE(&ctl->clients, c, entry);
	ctl->nclients--;
	event_free(c->deadline);
	bufferevent_free(c->bev);
	free(c);
}

/* Say why (a frame, when it can still be sent), then close. */
void
ctl_drop(struct ctl_client *c, const char *why)
{
	struct timeval	 tv = { CONTROL_CLOSE_MS / 1000, 0 };
	struct json_w	 j;

	if (c->closing)
		return;
	log_warnx("control socket: %s (pid %d, %s) dropped: %s", c->user,
	    (int)c->pid, c->kind, why);
	c->ctl->dropped++;
	c->closing = 1;
	c->attached = 0;
	bufferevent_disable(c->bev, EV_READ);
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) <
	    CONTROL_OUT_MAX) {
		json_w_init_evbuffer(&j, bufferevent_get_output(c->bev), 0);
		json_w_object(&j, NULL, 0);
		json_w_string(&j, "t", "error");
		json_w_bool(&j, "fatal", 1);
		json_w_string(&j, "error", why);
		json_w_end(&j);
		evbuffer_add(bufferevent_get_output(c->bev), "\n", 1);
	} else
		evbuffer_drain(bufferevent_get_output(c->bev),
		    evbuffer_get_length(bufferevent_get_output(c->bev)));
	bufferevent_setcb(c->bev, NULL, ctl_write_cb, ctl_event_cb, c);
	evtimer_add(c->deadline, &tv);
}

static void
ctl_write_cb(struct bufferevent *bev, void *arg)
{
	struct ctl_client	*c = arg;

	if (c->closing && evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		ctl_free(c);
}

/* A last command without its newline, before a half-close: still one. */
static void
ctl_last_line(struct ctl_client *c)
{
	struct evbuffer	*in = bufferevent_get_input(c->bev);
	size_t		 len = evbuffer_get_length(in);
	char		*line;

	if (len == 0 || len > PROTO_CMD_MAX)
		return;
	line = xmalloc(len + 1);
	evbuffer_remove(in, line, len);
	line[len] = '\0';
	c->spoke = 1;
	ctl_command(c, line, len);
	free(line);
}

static void
ctl_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct ctl_client	*c = arg;
	struct timeval		 tv = { CONTROL_IDLE_MS / 1000, 0 };

	/*
	 * EOF is the client's half-close (echo '{"cmd":"once"}' | socat):
	 * what it asked for is still sent, and an attached one still
	 * follows the changes until it closes its end too.
	 */
	if ((what & BEV_EVENT_EOF) && !(what & BEV_EVENT_ERROR) &&
	    !c->closing) {
		ctl_last_line(c);
		if (c->closing)
			return;		/* dropped: its own last words */
		bufferevent_disable(bev, EV_READ);
		evtimer_del(c->deadline);
		if (c->attached && !ctl_gone(c)) {
			c->eof = 1;
			return;
		}
		if (evbuffer_get_length(bufferevent_get_output(bev)) > 0) {
			/* Its answer, read within the idle time, then go. */
			c->closing = 1;
			bufferevent_setcb(bev, NULL, ctl_write_cb, ctl_event_cb,
			    c);
			evtimer_add(c->deadline, &tv);
			return;
		}
	}
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		log_debug("control socket: %s (pid %d) left", c->user,
		    (int)c->pid);
		ctl_free(c);
	}
}

/*
 * Whether the client's end is closed, not just half-closed: with reading
 * off after its EOF nothing else tells, and without changes to write a
 * viewer killed with -9 would stay in --who for ever.
 */
static int
ctl_gone(struct ctl_client *c)
{
	struct pollfd	 pfd;

	pfd.fd = bufferevent_getfd(c->bev);
	pfd.events = 0;
	pfd.revents = 0;
	return (poll(&pfd, 1, 0) == 1 &&
	    (pfd.revents & (POLLHUP | POLLERR)) != 0);
}

void
ctl_reap(struct control *ctl)
{
	struct ctl_client	*c, *next;

	for (c = TAILQ_FIRST(&ctl->clients); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (c->eof && !c->closing && ctl_gone(c)) {
			log_debug("control socket: %s (pid %d) left",
			    c->user, (int)c->pid);
			ctl_free(c);
		}
	}
}

static void
ctl_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ctl_client	*c = arg;

	if (c->closing) {
		ctl_free(c);
		return;
	}
	/* Half a line is unfinished whether or not one came before. */
	ctl_drop(c, evbuffer_get_length(bufferevent_get_input(c->bev)) > 0 ?
	    "a command left unfinished for 10 s" : c->spoke ?
	    "idle for 10 s without attaching" :
	    "no command within 10 s of connecting");
}

/* Append a frame to the client's output, within its bound. */
void
ctl_send(struct ctl_client *c, struct evbuffer *frame)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);
	size_t		 len;

	if (c->closing) {
		evbuffer_drain(frame, evbuffer_get_length(frame));
		return;
	}
	if (evbuffer_get_length(out) > CONTROL_OUT_MAX) {
		evbuffer_drain(frame, evbuffer_get_length(frame));
		ctl_drop(c, "stalled: more than 16 MiB waiting to be read");
		return;
	}
	/*
	 * A small frame is copied in, not its chains moved: those are
	 * half empty (a 777-byte --once reply takes 1.7 KB of them), and
	 * the bound above is meant to bound the memory too.
	 */
	if ((len = evbuffer_get_length(frame)) <= CONTROL_COPY_MAX) {
		evbuffer_add(out, evbuffer_pullup(frame, -1), len);
		evbuffer_drain(frame, len);
	} else
		evbuffer_add_buffer(out, frame);
}

static void
ctl_read_cb(struct bufferevent *bev, void *arg)
{
	struct ctl_client	*c = arg;
	struct evbuffer		*in = bufferevent_get_input(bev);
	struct timeval		 tv = { CONTROL_IDLE_MS / 1000, 0 };
	size_t			 len;
	char			*line;

	while (!c->closing &&
	    (line = evbuffer_readln(in, &len, EVBUFFER_EOL_LF)) != NULL) {
		if (len > PROTO_CMD_MAX) {
			free(line);
			ctl_drop(c, "a command longer than 64 KiB");
			return;
		}
		/* Re-armed below for what is left of the next line. */
		evtimer_del(c->deadline);
		c->spoke = 1;
		if (len > 0)
			ctl_command(c, line, len);
		free(line);
	}
	if (c->closing)
		return;
	if (evbuffer_get_length(in) > PROTO_CMD_MAX) {
		ctl_drop(c, "a command longer than 64 KiB");
		return;
	}
	/*
	 * A line begun must end soon; a client that is not following the
	 * changes must ask again soon or go (idle ones would hold the
	 * slots); an attached viewer may be quiet for ever.
	 */
	if (evbuffer_get_length(in) > 0 || !c->attached) {
		if (!evtimer_pending(c->deadline, NULL))
			evtimer_add(c->deadline, &tv);
	} else
		evtimer_del(c->deadline);
}

/* {"t": type, "re": the command's id} open in j over buf. */
static void
ctl_begin(struct control *ctl, struct json_w *jp, struct evbuffer *buf,
    const char *type, json_t *cmd)
{
	struct json_w	 local, *j = jp != NULL ? jp : &local;
	json_t		*id = cmd != NULL ? json_object_get(cmd, "id") : NULL;

	json_w_init_evbuffer(j, buf, 0);
	json_w_object(j, NULL, 0);
	json_w_string(j, "t", type);
	if (json_is_integer(id))
		json_w_int(j, "re", json_integer_value(id));
	else if (json_is_string(id))
		json_w_string(j, "re", json_string_value(id));
	if (strcmp(type, "hello") == 0) {
		json_w_int(j, "proto", PROTO_VERSION);
		json_w_string(j, "peertop", PACKAGE_VERSION);
		json_w_int(j, "pid", (long long)getpid());
		json_w_string(j, "config", ctl->config_path != NULL ?
		    ctl->config_path : "");
		json_w_string(j, "database", ctl->m->database != NULL ?
		    ctl->m->database : "");
	}
	if (jp == NULL) {
		json_w_end(j);
		evbuffer_add(buf, "\n", 1);
	}
}

static void
ctl_reply_error(struct ctl_client *c, json_t *cmd, const char *msg,
    int fatal)
{
	struct json_w	 j;

	/* ctl_drop() sends the one error frame, marked fatal. */
	if (fatal) {
		ctl_drop(c, msg);
		return;
	}
	ctl_begin(c->ctl, &j, c->ctl->scratch, "error", cmd);
	json_w_string(&j, "error", msg);
	json_w_end(&j);
	evbuffer_add(c->ctl->scratch, "\n", 1);
	ctl_send(c, c->ctl->scratch);
}

/* Viewers attached now (max-viewers bounds them). */
static size_t
ctl_viewers(const struct control *ctl)
{
	size_t	 attached;

	control_clients(ctl, &attached);
	return (attached);
}

static void
ctl_command(struct ctl_client *c, const char *line, size_t len)
{
	struct control	*ctl = c->ctl;
	json_t		*cmd = NULL, *v;
	json_error_t	 err;
	const char	*name;
	char		 msg[192];

	if (!json_depth_ok(line, len, 8) ||
	    (cmd = json_loadb(line, len, JSON_REJECT_DUPLICATES, &err)) ==
	    NULL || !json_is_object(cmd)) {
		snprintf(msg, sizeof msg, "not a JSON object (%s; one command "
		    "a line, see peertop-control(7))", cmd != NULL ?
		    "another JSON value" : !json_depth_ok(line, len, 8) ?
		    "nested too deep" : err.text);
		if (cmd != NULL)
			json_decref(cmd);
		sanitize(msg, sizeof msg, msg, strlen(msg));
		ctl_reply_error(c, NULL, msg, 1);
		return;
	}
	v = json_object_get(cmd, "cmd");
	if (!json_is_string(v)) {
		ctl_reply_error(c, cmd, "\"cmd\" must be a string, e.g. "
		    "{\"cmd\":\"once\"}", 0);
		json_decref(cmd);
		return;
	}
	name = json_string_value(v);
	/* Who is asking, for --who: any command may say. */
	if (json_is_string(v = json_object_get(cmd, "client")))
		sanitize(c->kind, sizeof c->kind, json_string_value(v),
		    strlen(json_string_value(v)));
	if (strcmp(name, "hello") == 0) {
		if (json_is_string(v = json_object_get(cmd, "tty")))
			sanitize(c->tty, sizeof c->tty, json_string_value(v),
			    strlen(json_string_value(v)));
	} else if (strcmp(name, "attach") == 0) {
		if (!c->attached && ctl_viewers(ctl) >= ctl->max) {
			snprintf(msg, sizeof msg, "too many viewers "
			    "(max-viewers %zu)", ctl->max);
			ctl_reply_error(c, cmd, msg, 1);
		} else if (!c->attached) {
			if (strcmp(c->kind, "?") == 0)
				strlcpy_pt(c->kind, "viewer", sizeof c->kind);
			/* What the others have not had yet goes first, so
			 * that the snapshot and the changes after it meet. */
			ctl_delta_flush(ctl);
			ctl_snapshot(ctl, c);
			c->attached = !c->closing;
		}
	} else if (strcmp(name, "once") == 0)
		ctl_once(c, cmd);
	else if (strcmp(name, "who") == 0)
		ctl_who(c, cmd);
	else if (strcmp(name, "ack") == 0)
		ctl_ack(c, cmd);
	else if (strcmp(name, "latency_span") == 0)
		ctl_latency_span(c, cmd);
	else if (strcmp(name, "latency_buckets") == 0)
		ctl_latency_buckets(c, cmd);
	else if (ctl_replay_command(c, name, cmd))
		;	/* replay_*: control-replay.c */
	else if (strcmp(name, "ping") == 0) {
		ctl_begin(ctl, NULL, ctl->scratch, "pong", cmd);
		ctl_send(c, ctl->scratch);
	} else {
		snprintf(msg, sizeof msg, "unknown command \"%.32s\"", name);
		sanitize(msg, sizeof msg, msg, strlen(msg));
		ctl_reply_error(c, cmd, msg, 0);
	}
	json_decref(cmd);
}

/*
 * --once through the socket: the document --once prints, made from the
 * collector's model (nothing polled again).  JSON goes in as an object,
 * its layout's line breaks taken out (json_w escapes those in strings);
 * text and CSV as a string.
 */
static void
ctl_once(struct ctl_client *c, json_t *cmd)
{
	struct control		*ctl = c->ctl;
	const struct output	*o;
	struct json_w		 j;
	json_t			*v = json_object_get(cmd, "format");
	const char		*fmt = json_is_string(v) ?
				    json_string_value(v) : "json";
	char			*doc = NULL, *p, *q;
	size_t			 len = 0;
	FILE			*f;

	if (strcmp(c->kind, "?") == 0)
		strlcpy_pt(c->kind, "once", sizeof c->kind);
	if ((o = output_find(fmt)) == NULL) {
		ctl_reply_error(c, cmd, "unknown format: text, json or csv",
		    0);
		return;
	}
	if ((f = open_memstream(&doc, &len)) == NULL)
		fatalx("open_memstream failed");
	output_print(o, f, ctl->m, CONTROL_ONCE_EVENTS);
	fclose(f);
	ctl_begin(ctl, &j, ctl->scratch, "once", cmd);
	json_w_int(&j, "status", output_status(ctl->m));
	json_w_string(&j, "format", o->name);
	/* "raw": the bytes --once prints, for peertop --once itself. */
	if (strcmp(o->name, "json") == 0 &&
	    !json_is_true(json_object_get(cmd, "raw"))) {
		for (p = q = doc; *p != '\0'; p++) {
			if (*p == '\n') {
				while (p[1] == ' ')
					p++;
				continue;
			}
			*q++ = *p;
		}
		*q = '\0';
		/* The writer's object stays open: the document goes in raw. */
		evbuffer_add_printf(ctl->scratch, ",\"document\":%s}", doc);
	} else {
		json_w_string(&j, "output", doc);
		json_w_end(&j);
	}
	evbuffer_add(ctl->scratch, "\n", 1);
	ctl_send(c, ctl->scratch);
	free(doc);
}

static void
ctl_who(struct ctl_client *c, json_t *cmd)
{
	struct control		*ctl = c->ctl;
	struct ctl_client	*o;
	struct json_w		 j;

	ctl_begin(ctl, &j, ctl->scratch, "who", cmd);
	json_w_array(&j, "clients", 0);
	TAILQ_FOREACH(o, &ctl->clients, entry) {
		if (o->closing)
			continue;
		json_w_object(&j, NULL, 0);
		json_w_string(&j, "user", o->user);
		json_w_uint(&j, "uid", o->uid);
		json_w_int(&j, "pid", (long long)o->pid);
		json_w_string(&j, "tty", o->tty);
		json_w_string(&j, "client", o->kind);
		json_w_bool(&j, "attached", o->attached);
		json_w_bool(&j, "you", o == c);
		json_w_int(&j, "since_ms", o->since_ms);
		json_w_time(&j, "since", o->since_ms, 0);
		json_w_end(&j);
	}
	json_w_end(&j);
	json_w_end(&j);
	evbuffer_add(ctl->scratch, "\n", 1);
	ctl_send(c, ctl->scratch);
}

/* Acknowledge as the user SO_PEERCRED names; every viewer sees it. */
static void
ctl_ack(struct ctl_client *c, json_t *cmd)
{
	struct control	*ctl = c->ctl;
	struct json_w	 j;
	json_t		*id = json_object_get(cmd, "event");
	json_t		*comment = json_object_get(cmd, "comment");
	char		*cause = NULL;

	if (!json_is_integer(id)) {
		ctl_reply_error(c, cmd, "ack: \"event\" must be an event id",
		    0);
		return;
	}
	if (model_event_ack(ctl->m, json_integer_value(id), c->user,
	    json_is_string(comment) ? json_string_value(comment) : NULL, 0,
	    &cause) != 0) {
		ctl_reply_error(c, cmd, cause, 0);
		free(cause);
		return;
	}
	log_info("event #%lld acknowledged by %s (pid %d)",
	    (long long)json_integer_value(id), c->user, (int)c->pid);
	ctl_begin(ctl, &j, ctl->scratch, "ack", cmd);
	json_w_int(&j, "event", json_integer_value(id));
	json_w_string(&j, "user", c->user);
	json_w_end(&j);
	evbuffer_add(ctl->scratch, "\n", 1);
	ctl_send(c, ctl->scratch);
}

/*
 * The series a history query names: branch, edge and (optional) target
 * strings, and a span within the times a history holds.  0, or -1 after
 * an error reply.
 */
static int
ctl_series(struct ctl_client *c, json_t *cmd, const char **branch,
    const char **edge, const char **target, int64_t *from, int64_t *to)
{
	json_t	*t = json_object_get(cmd, "target");

	*branch = json_string_value(json_object_get(cmd, "branch"));
	*edge = json_string_value(json_object_get(cmd, "edge"));
	*target = json_is_string(t) ? json_string_value(t) : NULL;
	*from = json_integer_value(json_object_get(cmd, "from_ms"));
	*to = json_integer_value(json_object_get(cmd, "to_ms"));
	if (c->ctl->store == NULL) {
		ctl_reply_error(c, cmd, "the collector keeps no history", 0);
		return (-1);
	}
	if (*branch == NULL || *edge == NULL || *from < 0 || *to <= *from ||
	    *to > 253402300799999LL) {
		ctl_reply_error(c, cmd, "a history query needs branch, edge, "
		    "from_ms < to_ms", 0);
		return (-1);
	}
	return (0);
}

/* Branch detail's figures over a span, from the collector's history. */
static void
ctl_latency_span(struct ctl_client *c, json_t *cmd)
{
	struct latency_stats	 ls;
	struct json_w		 j;
	const char		*branch, *edge, *target;
	int64_t			 from, to, n;

	if (ctl_series(c, cmd, &branch, &edge, &target, &from, &to) != 0)
		return;
	memset(&ls, 0, sizeof ls);
	n = store_latency_span(c->ctl->store, branch, edge, target, from, to,
	    &ls);
	ctl_begin(c->ctl, &j, c->ctl->scratch, "latency_span", cmd);
	json_w_int(&j, "count", n);
	json_w_uint(&j, "sent", ls.sent);
	json_w_uint(&j, "received", ls.received);
	json_w_double(&j, "loss_pct", ls.loss_pct, 6);
	json_w_double(&j, "avg_us", ls.avg_us, 3);
	json_w_int(&j, "best_us", ls.best_us);
	json_w_int(&j, "worst_us", ls.worst_us);
	json_w_double(&j, "stdev_us", ls.stdev_us, 3);
	json_w_int(&j, "first_ms", ls.first_ms);
	json_w_int(&j, "last_ms", ls.last_ms);
	json_w_end(&j);
	evbuffer_add(c->ctl->scratch, "\n", 1);
	ctl_send(c, c->ctl->scratch);
}

#define CTL_BUCKETS_MAX	4096	/* a graph's columns, wide terminals too */

/* Branch detail's long graph: n buckets of a span, from the history. */
static void
ctl_latency_buckets(struct ctl_client *c, json_t *cmd)
{
	struct lat_bucket	*bk;
	struct json_w		 j;
	const char		*branch, *edge, *target;
	int64_t			 from, to, n;
	int			 i, got;

	if (ctl_series(c, cmd, &branch, &edge, &target, &from, &to) != 0)
		return;
	n = json_integer_value(json_object_get(cmd, "n"));
	if (n < 1 || n > CTL_BUCKETS_MAX) {
		ctl_reply_error(c, cmd, "n: 1 to 4096 buckets", 0);
		return;
	}
	bk = xcalloc((size_t)n, sizeof *bk);
	got = store_latency_buckets(c->ctl->store, branch, edge, target, from,
	    to, bk, (size_t)n);
	ctl_begin(c->ctl, &j, c->ctl->scratch, "latency_buckets", cmd);
	json_w_int(&j, "count", got);
	json_w_array(&j, "buckets", 0);
	for (i = 0; i < got; i++) {
		json_w_array(&j, NULL, 0);
		json_w_int(&j, NULL, bk[i].from_ms);
		json_w_uint(&j, NULL, bk[i].sent);
		json_w_uint(&j, NULL, bk[i].received);
		json_w_double(&j, NULL, bk[i].median_us, 3);
		json_w_int(&j, NULL, bk[i].lo_us);
		json_w_int(&j, NULL, bk[i].hi_us);
		json_w_bool(&j, NULL, bk[i].exact);
		json_w_end(&j);
	}
	json_w_end(&j);
	json_w_end(&j);
	evbuffer_add(c->ctl->scratch, "\n", 1);
	ctl_send(c, c->ctl->scratch);
	free(bk);
}
