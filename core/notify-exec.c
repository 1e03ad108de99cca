/* SPDX-License-Identifier: ISC */
/*
 * The notifier's exec destination: a program run with a fixed argv (no
 * shell between), the event JSON on its stdin (the object; an array of
 * them when a batch groups several), PEERTOP_* in its environment, its
 * stdout and stderr on /dev/null, in its own process group.  At most
 * max-running at once; one that outlives the block's timeout is killed,
 * its group with it (a script's children), and counts as a failure, as
 * does a status other than 0.  The pipe is written without blocking and
 * the child reaped by polling waitpid(WNOHANG) from a timer, so that no
 * SIGCHLD handler is shared with the rest of the program.
 */

#include <sys/types.h>
#include <sys/wait.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/json.h"
#include "core/notify.h"
#include "core/util.h"

#define NOTIFY_EXEC_POLL_MS	20
#define NOTIFY_EXEC_ENV		16	/* PEERTOP_* variables */

extern char	**environ;

struct notify_run {
	struct notify_run *next;
	struct notify_batch *bt;
	struct notify_dest *d;
	pid_t		 pid;
	int		 fd;		/* its stdin, -1 once closed */
	struct evbuffer	*in;
	struct event	*wev, *poll;
	uint64_t	 started;
	int		 killed;
};

struct notify_exec {
	struct notify_run *runs;
	unsigned	 running;
};

static int	 notify_exec_start(struct notify_dest *, char **);
static void	 notify_exec_stop(struct notify_dest *);
static void	 notify_exec_send(struct notify_dest *, struct notify_batch *);
static unsigned	 notify_exec_slots(const struct notify_dest *);
static void	 notify_exec_write_cb(evutil_socket_t, short, void *);
static void	 notify_exec_poll_cb(evutil_socket_t, short, void *);
static void	 notify_exec_end(struct notify_run *, int, const char *);
static char	**notify_exec_env(const struct notify_dest *,
		    const struct notify_batch *);

const struct notify_kind notify_kind_exec = {
	.name = "exec",
	.start = notify_exec_start,
	.stop = notify_exec_stop,
	.send = notify_exec_send,
	.slots = notify_exec_slots,
};

static int
notify_exec_start(struct notify_dest *d, char **cause)
{
	const struct notify_dest_conf	*dc = notify_dest_conf(d);

	if (dc->argc == 0 || dc->argv[0][0] != '/') {
		xasprintf(cause, "notify %s: exec needs an absolute path",
		    notify_dest_block(d)->name);
		return (-1);
	}
	notify_dest_set_priv(d, xcalloc(1, sizeof (struct notify_exec)));
	return (0);
}

static unsigned
notify_exec_slots(const struct notify_dest *d)
{
	const struct notify_dest_conf	*dc = notify_dest_conf(d);

	return (dc->max_running != 0 ? dc->max_running : NOTIFY_EXEC_RUNNING);
}

static void
notify_exec_free_run(struct notify_run *r)
{
	if (r->fd != -1)
		close(r->fd);
	if (r->wev != NULL)
		event_free(r->wev);
	if (r->poll != NULL)
		event_free(r->poll);
	evbuffer_free(r->in);
	free(r);
}

/* The program and what it started: its process group. */
static void
notify_exec_kill(pid_t pid)
{
	if (kill(-pid, SIGKILL) == -1)
		kill(pid, SIGKILL);
}

static void
notify_exec_stop(struct notify_dest *d)
{
	struct notify_exec	*x = notify_dest_priv(d);
	struct notify_run	*r;

	if (x == NULL)
		return;
	while ((r = x->runs) != NULL) {
		x->runs = r->next;
		notify_exec_kill(r->pid);
		while (waitpid(r->pid, NULL, 0) == -1 && errno == EINTR)
			;
		notify_batch_drop(r->bt);
		notify_exec_free_run(r);
	}
	free(x);
	notify_dest_set_priv(d, NULL);
}

/* PEERTOP_* first (they win over inherited ones), then the rest. */
static char **
notify_exec_env(const struct notify_dest *d, const struct notify_batch *bt)
{
	const struct notify_item	*it = bt->items[0];
	const struct event		*e = &it->ev;
	char				**env, when[TIME_ISO_LEN];
	size_t				 n = 0, i, k = 0;

	while (environ[n] != NULL)
		n++;
	env = xcalloc(n + NOTIFY_EXEC_ENV + 1, sizeof *env);
	xasprintf(&env[k++], "PEERTOP_NOTIFY=%s", notify_dest_block(d)->name);
	xasprintf(&env[k++], "PEERTOP_COUNT=%zu", bt->n);
	xasprintf(&env[k++], "PEERTOP_STATE=%s", notify_what_name(it->what));
	xasprintf(&env[k++], "PEERTOP_EVENT_ID=%lld", (long long)e->id);
	if (it->follows != 0)
		xasprintf(&env[k++], "PEERTOP_FOLLOWS=%lld",
		    (long long)it->follows);
	xasprintf(&env[k++], "PEERTOP_LEVEL=%s", level_name(e->level));
	xasprintf(&env[k++], "PEERTOP_TYPE=%s", e->type);
	xasprintf(&env[k++], "PEERTOP_SUBJECT=%s", e->subject);
	xasprintf(&env[k++], "PEERTOP_SUMMARY=%s", e->summary);
	xasprintf(&env[k++], "PEERTOP_PARTNER=%s", e->rel.partner);
	xasprintf(&env[k++], "PEERTOP_BRANCH=%s", e->rel.branch);
	xasprintf(&env[k++], "PEERTOP_SESSION=%s", e->rel.session);
	xasprintf(&env[k++], "PEERTOP_RAISED=%s", time_iso(when, sizeof when,
	    e->time_ms, 0));
	if (it->resolved_ms != 0)
		time_iso(when, sizeof when, it->resolved_ms, 0);
	else
		when[0] = '\0';
	xasprintf(&env[k++], "PEERTOP_RESOLVED=%s", when);
	xasprintf(&env[k++], "PEERTOP_ACK_USER=%s", e->ack_user);
	for (i = 0; i < n; i++)
		env[k++] = xstrdup(environ[i]);
	env[k] = NULL;
	return (env);
}

static void
notify_exec_strv_free(char **v)
{
	size_t	 i;

	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

static void
notify_exec_send(struct notify_dest *d, struct notify_batch *bt)
{
	const struct notify_dest_conf	*dc = notify_dest_conf(d);
	struct notify_exec		*x = notify_dest_priv(d);
	struct notify_run		*r;
	struct json_w			 j;
	struct timeval			 tv = { 0, NOTIFY_EXEC_POLL_MS * 1000 };
	char				*argv[NOTIFY_ARGS_MAX + 1], **env;
	char				 args[NOTIFY_ARGS_MAX][NOTIFY_STR_MAX / 2];
	int				 p[2], null;
	size_t				 i;
	pid_t				 pid;

	/* execve() wants them writable. */
	memcpy(args, dc->argv, sizeof args);
	for (i = 0; i < dc->argc; i++)
		argv[i] = args[i];
	argv[i] = NULL;
	if (pipe2(p, O_CLOEXEC) == -1) {
		notify_batch_done(bt, 0, strerror(errno));
		return;
	}
	env = notify_exec_env(d, bt);
	switch ((pid = fork())) {
	case -1:
		close(p[0]);
		close(p[1]);
		notify_exec_strv_free(env);
		notify_batch_done(bt, 0, strerror(errno));
		return;
	case 0:
		/* The child: only async-signal-safe calls until exec.  Its
		 * own process group, killed whole (what it started too). */
		setpgid(0, 0);
		signal(SIGPIPE, SIG_DFL);
		if (dup2(p[0], STDIN_FILENO) == -1)
			_exit(126);
		if ((null = open("/dev/null", O_WRONLY)) != -1) {
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
		closefrom(STDERR_FILENO + 1);
		execve(argv[0], argv, env);
		_exit(127);
	}
	setpgid(pid, pid);	/* either wins the race; the same group */
	close(p[0]);
	notify_exec_strv_free(env);
	r = xcalloc(1, sizeof *r);
	r->bt = bt;
	r->d = d;
	r->pid = pid;
	r->fd = p[1];
	r->started = now_mono_ms();
	r->in = evbuffer_new();
	json_w_init_evbuffer(&j, r->in, 0);
	if (bt->n == 1)
		notify_body_event(&j, NULL, notify_dest_block(d)->name,
		    bt->items[0]);
	else {
		json_w_array(&j, NULL, 0);
		for (i = 0; i < bt->n; i++)
			notify_body_event(&j, NULL, notify_dest_block(d)->name,
			    bt->items[i]);
		json_w_end(&j);
	}
	evbuffer_add(r->in, "\n", 1);
	evutil_make_socket_nonblocking(r->fd);
	r->wev = event_new(notify_dest_base(d), r->fd, EV_WRITE | EV_PERSIST,
	    notify_exec_write_cb, r);
	r->poll = event_new(notify_dest_base(d), -1, EV_PERSIST,
	    notify_exec_poll_cb, r);
	event_add(r->wev, NULL);
	event_add(r->poll, &tv);
	r->next = x->runs;
	x->runs = r;
	x->running++;
}

/* Its stdin, as it reads; a program that does not read loses it. */
static void
notify_exec_write_cb(evutil_socket_t fd, short what NOTIFY_UNUSED, void *arg)
{
	struct notify_run	*r = arg;
	int			 n;

	n = evbuffer_write(r->in, fd);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n >= 0 && evbuffer_get_length(r->in) != 0)
		return;
	event_del(r->wev);
	close(r->fd);
	r->fd = -1;
}

static void
notify_exec_poll_cb(evutil_socket_t fd NOTIFY_UNUSED,
    short what NOTIFY_UNUSED, void *arg)
{
	struct notify_run	*r = arg;
	int64_t			 limit = notify_dest_timeout(r->d);
	char			 why[ERR_MAX];
	int			 st;
	pid_t			 p;

	if ((p = waitpid(r->pid, &st, WNOHANG)) == 0) {
		if (!r->killed && (int64_t)(now_mono_ms() - r->started) >=
		    limit) {
			notify_exec_kill(r->pid);
			r->killed = 1;
		}
		return;
	}
	if (p == -1)
		snprintf(why, sizeof why, "waitpid: %s", strerror(errno));
	else if (r->killed)
		snprintf(why, sizeof why, "%s killed after %lld ms",
		    notify_dest_conf(r->d)->argv[0], (long long)limit);
	else if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		why[0] = '\0';
	else if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		snprintf(why, sizeof why, "%s: cannot run it",
		    notify_dest_conf(r->d)->argv[0]);
	else if (WIFEXITED(st))
		snprintf(why, sizeof why, "%s: exit status %d",
		    notify_dest_conf(r->d)->argv[0], WEXITSTATUS(st));
	else
		snprintf(why, sizeof why, "%s: killed by signal %d",
		    notify_dest_conf(r->d)->argv[0], WTERMSIG(st));
	notify_exec_end(r, why[0] == '\0', why);
}

static void
notify_exec_end(struct notify_run *r, int ok, const char *why)
{
	struct notify_exec	*x = notify_dest_priv(r->d);
	struct notify_run	**pp;
	struct notify_batch	*bt = r->bt;

	for (pp = &x->runs; *pp != NULL; pp = &(*pp)->next)
		if (*pp == r) {
			*pp = r->next;
			break;
		}
	x->running--;
	notify_exec_free_run(r);
	notify_batch_done(bt, ok, ok ? NULL : why);
}
