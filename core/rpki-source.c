/* SPDX-License-Identifier: ISC */
/*
 * VRP sources (rpki-source.h): files checked on a timer, and RTR caches
 * through RTRlib.
 *
 * RTRlib runs each cache connection in a thread of its own and calls
 * back from there: for every record added or removed (pfx_update_fp,
 * which gets no argument of ours: the source is found by its pfx_table)
 * and on every connection state change.  Those callbacks only set a flag
 * and write one byte to a pipe the loop watches; the loop then waits
 * RPKI_SOURCE_SETTLE_MS for the rest of the burst and has a new index
 * built, so the RIB and the model are only ever touched from the loop.
 *
 * Building an index is the heavy part (a full table, some 500,000 VRPs
 * today: reading the JSON or copying RTRlib's table under its own lock,
 * sorting, the diff against the installed one), a few hundred
 * milliseconds that would freeze every view.  After the first read at
 * start it runs in a thread of its own, one at a time per source (a
 * change while one runs starts another after it), on data no one else
 * writes: the files, RTRlib's locked table, and the installed index,
 * which is only replaced once the thread is done.  The loop then installs
 * it: the routes under the diff revalidated, the owner told.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#ifdef HAVE_RTRLIB
#include <rtrlib/rtrlib.h>
#endif

#include "core/rib.h"
#include "core/rpki-source.h"
#include "core/util.h"
#include "core/vrp.h"

#define RPKI_SOURCE_SETTLE_MS	100
#define RPKI_SOURCE_DBG_PREFIX	"(2"	/* RTRlib's "(2026/12/07 ...): " */
#define RPKI_SOURCE_RTR_EXPIRE	7200	/* RFC 8210 6: the default */
#define RPKI_SOURCE_RTR_RETRY	5
#define RPKI_SOURCE_QUIET_MS	200	/* see rpki_source_quiesce() */

#ifdef HAVE_RTRLIB
/*
 * Debian's RTRlib is built with its debug output on: some twenty lines
 * on stderr for each connection attempt, from its threads, which would
 * scribble over the dashboard and flood a collector's journal.  stderr
 * (the FILE, which RTRlib writes through) becomes a stream that drops
 * RTRlib's lines, "(YYYY/MM/DD hh:mm:ss:usec): ...", and passes every
 * other line on to descriptor 2 unchanged.  Only stdio is filtered:
 * what writes to the descriptor itself (a sanitizer's report) is not
 * touched.  The cookie is called from RTRlib's threads, under the
 * stream's own lock.
 */
struct rpki_quiet {
	int	 dropping;	/* inside a line of RTRlib's */
	int	 at_start;	/* the next byte starts a line */
};

static ssize_t
rpki_quiet_write(void *cookie, const char *buf, size_t len)
{
	struct rpki_quiet	*q = cookie;
	const char		*p = buf, *end = buf + len, *nl;
	size_t			 n;
	ssize_t			 w;

	while (p < end) {
		if (q->at_start) {
			n = (size_t)(end - p);
			if (n > strlen(RPKI_SOURCE_DBG_PREFIX))
				n = strlen(RPKI_SOURCE_DBG_PREFIX);
			q->dropping = strncmp(p, RPKI_SOURCE_DBG_PREFIX,
			    n) == 0 && n == strlen(RPKI_SOURCE_DBG_PREFIX);
		}
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl != NULL ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		q->at_start = nl != NULL;
		if (!q->dropping) {
			while (n > 0 && (w = write(STDERR_FILENO, p, n)) != 0) {
				if (w == -1) {
					if (errno == EINTR)
						continue;
					return ((ssize_t)len);	/* as stderr */
				}
				p += w;
				n -= (size_t)w;
			}
		}
		p += n;
	}
	return ((ssize_t)len);
}

static void
rpki_quiet(void)
{
	static struct rpki_quiet	 q = { 0, 1 };
	static int			 done;
	cookie_io_functions_t		 io = { NULL, rpki_quiet_write, NULL,
					     NULL };
	FILE				*f;

	if (done++)
		return;
	if ((f = fopencookie(&q, "w", io)) == NULL)
		return;		/* noisy, but working */
	setvbuf(f, NULL, _IOLBF, 0);
	fflush(stderr);
	stderr = f;
}
#endif

/* What a file looked like when it was read. */
struct rpki_source_stamp {
	int		 ok;
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	struct timespec	 mtime;
};

struct rpki_source {
	struct event_base	*base;
	rpki_source_cb		 cb;
	void			*arg;
	struct vrp_index	*vrps;
	struct rpki_source_status st;

	struct rib		*rib;
	void			(*rib_cb)(const struct rib_route *, int, void *);
	void			*rib_arg;

	/* File. */
	char			*vrp_path, *slurm_path;
	struct rpki_source_stamp vrp_stamp, slurm_stamp;
	struct event		*tick;
	int			 interval_ms;

	/* The build running off the loop, NULL none; another one to
	 * start when it is done. */
	struct rpki_job		*job;
	int			 again;
	int			 jpipe[2];
	struct event		*jev;

	/* RTR. */
	int			 rtr;
	int			 pipe[2];
	struct event		*wake;
	struct event		*settle;
	pthread_mutex_t		 lock;		/* guards the three below */
	int			 table_dirty;
	int			 state_dirty;
	enum rpki_source_state	 rtr_state;
	char			 rtr_error[128];
	uint64_t		 cb_mono;	/* RTRlib's last status call */
#ifdef HAVE_RTRLIB
	struct tr_socket	 tr;
	struct tr_tcp_config	 tcp;
	struct rtr_socket	 rs;
	struct rtr_socket	*rsv[1];
	struct rtr_mgr_group	 group;
	struct rtr_mgr_config	*mgr;
	char			 port[8];
#endif
};

/* A new index built by a thread, with its diff against the installed. */
struct rpki_job {
	struct rpki_source	*src;
	pthread_t		 thread;
	const struct vrp_index	*old;	/* the installed one, read-only */
	struct vrp_index	*ix;	/* NULL: failed, with cause */
	struct vrp_diff		 d;
	char			*cause;
	int			 threaded;	/* else built on the loop */
};

static void	rpki_source_install(struct rpki_source *, struct vrp_index *,
		    struct vrp_diff *);
static void	rpki_source_build(struct rpki_source *);
static void	*rpki_source_job_run(void *);
static void	rpki_source_job_done_cb(evutil_socket_t, short, void *);
static void	rpki_source_job_wait(struct rpki_source *);
static struct vrp_index *rpki_source_load(struct rpki_source *, char **);
static int	rpki_source_pipe(int [2], char **);
#ifdef HAVE_RTRLIB
static void	rpki_source_copy(const struct pfx_record *, void *);
#endif
static void	rpki_source_down(struct rpki_source *, const char *);
static int	rpki_source_stamp(const char *, struct rpki_source_stamp *);
static int	rpki_source_changed(const char *,
		    const struct rpki_source_stamp *);
static void	rpki_source_read(struct rpki_source *);
static void	rpki_source_tick_cb(evutil_socket_t, short, void *);

/*
 * Switch to a new index whose diff against the installed one is d: the
 * RIB first (only the routes under the diff), then the owner hears of
 * it, then the old index goes, and the diff.
 */
static void
rpki_source_install(struct rpki_source *src, struct vrp_index *ix,
    struct vrp_diff *dp)
{
	struct vrp_index	*old = src->vrps;
	struct vrp_diff		 d = *dp;

	if (src->rib != NULL) {
		if (old == NULL)
			rib_rov_set(src->rib, ix, src->rib_cb, src->rib_arg);
		else
			rib_rov_update(src->rib, ix, &d, src->rib_cb,
			    src->rib_arg);
	}
	src->st.nvrps = vrp_index_count(ix);
	src->st.updated_mono = now_mono_ms();
	src->st.updates++;
	src->st.state = RPKI_SOURCE_UP;
	src->st.error[0] = '\0';
	src->vrps = ix;
	if (src->cb != NULL)
		src->cb(src, &d, src->arg);
	vrp_diff_free(&d);
	vrp_index_free(old);
}

/* Down with a reason; the VRPs stay. */
static void
rpki_source_down(struct rpki_source *src, const char *why)
{
	src->st.state = RPKI_SOURCE_DOWN;
	snprintf(src->st.error, sizeof src->st.error, "%s", why);
	if (src->cb != NULL)
		src->cb(src, NULL, src->arg);
}

const struct vrp_index *
rpki_source_vrps(const struct rpki_source *src)
{
	return (src->vrps);
}

void
rpki_source_status(const struct rpki_source *src,
    struct rpki_source_status *st)
{
	*st = src->st;
#ifdef HAVE_RTRLIB
	if (src->rtr && src->st.updates > 0) {
		st->has_serial = 1;
		st->serial = src->rs.serial_number;
	}
#endif
}

void
rpki_source_set_rib(struct rpki_source *src, struct rib *rib,
    void (*cb)(const struct rib_route *, int, void *), void *arg)
{
	if (src->rib != NULL && src->rib != rib)
		rib_rov_set(src->rib, NULL, NULL, NULL);
	src->rib = rib;
	src->rib_cb = cb;
	src->rib_arg = arg;
	if (rib != NULL)
		rib_rov_set(rib, src->vrps, cb, arg);
}

/* ------------------------------------------------------------------ files */

static int
rpki_source_stamp(const char *path, struct rpki_source_stamp *s)
{
	struct stat	 sb;

	memset(s, 0, sizeof *s);
	if (path == NULL)
		return (0);
	if (stat(path, &sb) != 0)
		return (-1);
	s->ok = 1;
	s->dev = sb.st_dev;
	s->ino = sb.st_ino;
	s->size = sb.st_size;
	s->mtime = sb.st_mtim;
	return (0);
}

static int
rpki_source_changed(const char *path, const struct rpki_source_stamp *old)
{
	struct rpki_source_stamp	 now;

	if (path == NULL)
		return (0);
	if (rpki_source_stamp(path, &now) != 0)
		return (old->ok);
	return (!old->ok || now.dev != old->dev || now.ino != old->ino ||
	    now.size != old->size || now.mtime.tv_sec != old->mtime.tv_sec ||
	    now.mtime.tv_nsec != old->mtime.tv_nsec);
}

/*
 * The index of the VRP file with the SLURM file applied, or NULL and
 * *cause.  Reads only the paths, which do not change: safe off the loop.
 */
static struct vrp_index *
rpki_source_load(struct rpki_source *src, char **cause)
{
	struct vrp_set		*s = vrp_set_new();
	struct vrp_slurm	*sl = NULL;
	struct vrp_index	*ix;

	if (vrp_set_load(s, src->vrp_path, cause) != 0 ||
	    (src->slurm_path != NULL &&
	    (sl = vrp_slurm_load(src->slurm_path, cause)) == NULL)) {
		vrp_set_free(s);
		return (NULL);
	}
	if (sl != NULL)
		vrp_slurm_apply(sl, s);
	vrp_slurm_free(sl);
	ix = vrp_index_new(s);
	vrp_set_free(s);
	return (ix);
}

/*
 * Read both files, on the loop (the first time, so that the VRPs are
 * there when the collector says it started); on any error keep what we
 * had.
 */
static void
rpki_source_read(struct rpki_source *src)
{
	struct vrp_index	*ix;
	struct vrp_diff		 d;
	char			*cause = NULL;

	/* Stamped before reading: a change while we read is seen next. */
	rpki_source_stamp(src->vrp_path, &src->vrp_stamp);
	rpki_source_stamp(src->slurm_path, &src->slurm_stamp);
	if ((ix = rpki_source_load(src, &cause)) == NULL) {
		src->st.errors++;
		rpki_source_down(src, cause);
		free(cause);
		return;
	}
	vrp_diff(src->vrps, ix, &d);
	rpki_source_install(src, ix, &d);
}

/* ------------------------------------------------- builds off the loop */

static int
rpki_source_pipe(int fds[2], char **cause)
{
	int	 fl, k;

	if (pipe(fds) != 0) {
		xasprintf(cause, "pipe: %s", strerror(errno));
		fds[0] = fds[1] = -1;
		return (-1);
	}
	for (k = 0; k < 2; k++) {
		fl = fcntl(fds[k], F_GETFL);
		fcntl(fds[k], F_SETFL, fl | O_NONBLOCK);
		fcntl(fds[k], F_SETFD, FD_CLOEXEC);
	}
	return (0);
}

/* In the thread: the new index and its diff, then wake the loop. */
static void *
rpki_source_job_run(void *arg)
{
	struct rpki_job		*job = arg;
	struct rpki_source	*src = job->src;
	char			 c = 0;

#ifdef HAVE_RTRLIB
	if (src->rtr) {
		struct vrp_set	*s = vrp_set_new();

		pfx_table_for_each_ipv4_record(src->mgr->pfx_table,
		    rpki_source_copy, s);
		pfx_table_for_each_ipv6_record(src->mgr->pfx_table,
		    rpki_source_copy, s);
		job->ix = vrp_index_new(s);
		vrp_set_free(s);
	} else
#endif
		job->ix = rpki_source_load(src, &job->cause);
	if (job->ix != NULL)
		vrp_diff(job->old, job->ix, &job->d);
	while (write(src->jpipe[1], &c, 1) == -1 && errno == EINTR)
		;
	return (NULL);
}

/* Start a build, or another one after the one running. */
static void
rpki_source_build(struct rpki_source *src)
{
	struct rpki_job	*job;
	char		*cause = NULL;

	if (src->job != NULL) {
		src->again = 1;
		return;
	}
	if (src->jev == NULL) {
		if (rpki_source_pipe(src->jpipe, &cause) != 0) {
			/* No thread then: on the loop, as at start. */
			log_warnx("rpki: %s; VRPs built on the loop", cause);
			free(cause);
			rpki_source_read(src);
			return;
		}
		src->jev = event_new(src->base, src->jpipe[0],
		    EV_READ | EV_PERSIST, rpki_source_job_done_cb, src);
		event_add(src->jev, NULL);
	}
	src->again = 0;
	if (!src->rtr) {
		rpki_source_stamp(src->vrp_path, &src->vrp_stamp);
		rpki_source_stamp(src->slurm_path, &src->slurm_stamp);
	}
	job = xcalloc(1, sizeof *job);
	job->src = src;
	job->old = src->vrps;
	src->job = job;
	if ((errno = pthread_create(&job->thread, NULL, rpki_source_job_run,
	    job)) != 0) {
		log_warnx("rpki: pthread_create: %s; VRPs built on the loop",
		    strerror(errno));
		rpki_source_job_run(job);
	} else
		job->threaded = 1;
}

/* Wait for the running build and drop what it made (the source goes). */
static void
rpki_source_job_wait(struct rpki_source *src)
{
	struct rpki_job	*job = src->job;

	if (job == NULL)
		return;
	if (job->threaded)
		pthread_join(job->thread, NULL);
	if (job->ix != NULL)
		vrp_diff_free(&job->d);
	vrp_index_free(job->ix);
	free(job->cause);
	free(job);
	src->job = NULL;
}

/* On the loop: the thread is done; install what it built. */
static void
rpki_source_job_done_cb(evutil_socket_t fd, short events, void *arg)
{
	struct rpki_source	*src = arg;
	struct rpki_job		*job = src->job;
	char			 buf[16];

	(void)events;
	while (read(fd, buf, sizeof buf) > 0)
		;
	if (job == NULL)
		return;
	if (job->threaded)
		pthread_join(job->thread, NULL);
	src->job = NULL;
	if (job->ix == NULL) {
		src->st.errors++;
		rpki_source_down(src, job->cause);
	} else {
		rpki_source_install(src, job->ix, &job->d);
#ifdef HAVE_RTRLIB
		/* The cache went down while the thread built: say so. */
		if (src->rtr) {
			char	 error[sizeof src->rtr_error];
			int	 down;

			pthread_mutex_lock(&src->lock);
			down = src->rtr_state == RPKI_SOURCE_DOWN;
			memcpy(error, src->rtr_error, sizeof error);
			pthread_mutex_unlock(&src->lock);
			if (down)
				rpki_source_down(src, error);
		}
#endif
	}
	free(job->cause);
	free(job);
	if (src->again)
		rpki_source_build(src);
}

static void
rpki_source_tick_cb(evutil_socket_t fd, short events, void *arg)
{
	struct rpki_source	*src = arg;

	(void)fd;
	(void)events;
	if (src->job == NULL &&
	    (rpki_source_changed(src->vrp_path, &src->vrp_stamp) ||
	    rpki_source_changed(src->slurm_path, &src->slurm_stamp)))
		rpki_source_build(src);
}

struct rpki_source *
rpki_source_file(struct event_base *base, const char *vrp, const char *slurm,
    int interval_ms, rpki_source_cb cb, void *arg, char **cause)
{
	struct rpki_source	*src;
	struct timeval		 tv;

	(void)cause;
	src = xcalloc(1, sizeof *src);
	src->base = base;
	src->cb = cb;
	src->arg = arg;
	src->pipe[0] = src->pipe[1] = -1;
	src->jpipe[0] = src->jpipe[1] = -1;
	src->vrp_path = xstrdup(vrp);
	src->slurm_path = slurm != NULL ? xstrdup(slurm) : NULL;
	src->interval_ms = interval_ms > 0 ? interval_ms : 10000;
	rpki_source_read(src);
	src->tick = event_new(base, -1, EV_PERSIST, rpki_source_tick_cb, src);
	tv.tv_sec = src->interval_ms / 1000;
	tv.tv_usec = (src->interval_ms % 1000) * 1000;
	event_add(src->tick, &tv);
	return (src);
}

/* -------------------------------------------------------------------- RTR */

#ifdef HAVE_RTRLIB
/* pfx_update_fp has no argument of ours: sources by their table. */
static pthread_mutex_t		 rpki_source_reg_lock =
    PTHREAD_MUTEX_INITIALIZER;
static struct rpki_source	*rpki_source_reg[16];

static void	rpki_source_wake(struct rpki_source *);
static void	rpki_source_quiesce(struct rpki_source *);
static void	rpki_source_pfx_cb(struct pfx_table *, const struct pfx_record,
		    const bool);
static void	rpki_source_status_cb(const struct rtr_mgr_group *,
		    enum rtr_mgr_status, const struct rtr_socket *, void *);
static void	rpki_source_wake_cb(evutil_socket_t, short, void *);
static void	rpki_source_settle_cb(evutil_socket_t, short, void *);

/*
 * RTRlib 0.8's rtr_mgr_stop() holds the manager's mutex while it joins
 * the cache's thread, and that thread takes the same mutex in the status
 * callback of an error or a reconnect: a stop that meets one hangs for
 * ever (fixed upstream by rtrlib#270, after 0.8).  Those callbacks come
 * in bursts (an error, then "connecting", then the retry's sleep), and
 * the loop hears of the first at once, so a source freed on a failure
 * met the second; so did one freed as soon as it started (the first
 * connect fails at once on a closed port).  Wait until RTRlib has been
 * quiet a moment since it started or last called, at most a second,
 * before stopping it.
 */
static void
rpki_source_quiesce(struct rpki_source *src)
{
	uint64_t	 start = now_mono_ms(), last, now;

	for (;;) {
		pthread_mutex_lock(&src->lock);
		last = src->cb_mono;
		pthread_mutex_unlock(&src->lock);
		now = now_mono_ms();
		if (now - last >= RPKI_SOURCE_QUIET_MS ||
		    now - start >= 1000)
			return;
		usleep(10 * 1000);
	}
}

/* From any thread: have the loop look (one byte however many calls). */
static void
rpki_source_wake(struct rpki_source *src)
{
	char	 c = 0;

	if (write(src->pipe[1], &c, 1) == -1 && errno != EAGAIN)
		return;
}

static void
rpki_source_pfx_cb(struct pfx_table *t, const struct pfx_record rec,
    const bool added)
{
	struct rpki_source	*src = NULL;
	size_t			 i;
	int			 wake = 0;

	(void)rec;
	(void)added;
	pthread_mutex_lock(&rpki_source_reg_lock);
	for (i = 0; i < sizeof rpki_source_reg / sizeof rpki_source_reg[0];
	    i++) {
		if (rpki_source_reg[i] != NULL &&
		    rpki_source_reg[i]->mgr != NULL &&
		    rpki_source_reg[i]->mgr->pfx_table == t)
			src = rpki_source_reg[i];
	}
	if (src != NULL) {
		pthread_mutex_lock(&src->lock);
		wake = !src->table_dirty;
		src->table_dirty = 1;
		pthread_mutex_unlock(&src->lock);
		if (wake)
			rpki_source_wake(src);
	}
	pthread_mutex_unlock(&rpki_source_reg_lock);
}

static void
rpki_source_status_cb(const struct rtr_mgr_group *g,
    enum rtr_mgr_status status, const struct rtr_socket *rs, void *arg)
{
	struct rpki_source	*src = arg;

	(void)g;
	pthread_mutex_lock(&src->lock);
	src->cb_mono = now_mono_ms();
	switch (status) {
	case RTR_MGR_ESTABLISHED:
		src->rtr_state = RPKI_SOURCE_UP;
		src->rtr_error[0] = '\0';
		break;
	case RTR_MGR_CONNECTING:
		break;
	default:
		src->rtr_state = RPKI_SOURCE_DOWN;
		snprintf(src->rtr_error, sizeof src->rtr_error, "RTR cache "
		    "%s port %s: %s (%s)", src->tcp.host, src->port,
		    status == RTR_MGR_CLOSED ? "connection closed" :
		    "unreachable or failed", rs != NULL ?
		    rtr_state_to_str(rs->state) : rtr_mgr_status_to_str(status));
		break;
	}
	src->state_dirty = 1;
	pthread_mutex_unlock(&src->lock);
	rpki_source_wake(src);
}

static void
rpki_source_wake_cb(evutil_socket_t fd, short events, void *arg)
{
	struct rpki_source	*src = arg;
	struct timeval		 tv = { 0, RPKI_SOURCE_SETTLE_MS * 1000 };
	char			 buf[64];
	int			 dirty;

	(void)events;
	while (read(fd, buf, sizeof buf) > 0)
		;
	pthread_mutex_lock(&src->lock);
	dirty = src->table_dirty;
	pthread_mutex_unlock(&src->lock);
	if (dirty && !evtimer_pending(src->settle, NULL))
		evtimer_add(src->settle, &tv);
	else if (!dirty)
		rpki_source_settle_cb(-1, 0, src);
}

static void
rpki_source_copy(const struct pfx_record *rec, void *arg)
{
	struct vrp_set	*s = arg;
	struct vrp	 v;
	uint32_t	 w;
	int		 i;

	memset(&v, 0, sizeof v);
	if (rec->prefix.ver == LRTR_IPV4) {
		v.prefix.addr.af = AF_INET;
		w = rec->prefix.u.addr4.addr;
		v.prefix.addr.b[0] = (uint8_t)(w >> 24);
		v.prefix.addr.b[1] = (uint8_t)(w >> 16);
		v.prefix.addr.b[2] = (uint8_t)(w >> 8);
		v.prefix.addr.b[3] = (uint8_t)w;
	} else {
		v.prefix.addr.af = AF_INET6;
		for (i = 0; i < 4; i++) {
			w = rec->prefix.u.addr6.addr[i];
			v.prefix.addr.b[4 * i] = (uint8_t)(w >> 24);
			v.prefix.addr.b[4 * i + 1] = (uint8_t)(w >> 16);
			v.prefix.addr.b[4 * i + 2] = (uint8_t)(w >> 8);
			v.prefix.addr.b[4 * i + 3] = (uint8_t)w;
		}
	}
	v.prefix.len = rec->min_len;
	v.maxlen = rec->max_len;
	v.asn = rec->asn;
	vrp_set_add(s, &v);
}

/* On the loop: the state, and the table copied into a new index. */
static void
rpki_source_settle_cb(evutil_socket_t fd, short events, void *arg)
{
	struct rpki_source	*src = arg;
	enum rpki_source_state	 state;
	char			 error[sizeof src->rtr_error];
	int			 table, statechg;

	(void)fd;
	(void)events;
	pthread_mutex_lock(&src->lock);
	table = src->table_dirty;
	statechg = src->state_dirty;
	state = src->rtr_state;
	memcpy(error, src->rtr_error, sizeof error);
	src->table_dirty = src->state_dirty = 0;
	pthread_mutex_unlock(&src->lock);
	if (table)
		rpki_source_build(src);
	if (state == RPKI_SOURCE_DOWN && (statechg || table)) {
		src->st.errors++;
		rpki_source_down(src, error);
	} else if (statechg && state != src->st.state &&
	    state == RPKI_SOURCE_UP) {
		src->st.state = state;
		src->st.error[0] = '\0';
		if (src->cb != NULL)
			src->cb(src, NULL, src->arg);
	}
}

struct rpki_source *
rpki_source_rtr(struct event_base *base, const char *host, int port,
    int refresh, rpki_source_cb cb, void *arg, char **cause)
{
	struct rpki_source	*src;
	size_t			 i;

	src = xcalloc(1, sizeof *src);
	src->base = base;
	src->cb = cb;
	src->arg = arg;
	src->rtr = 1;
	src->jpipe[0] = src->jpipe[1] = -1;
	pthread_mutex_init(&src->lock, NULL);
	if (rpki_source_pipe(src->pipe, cause) != 0) {
		rpki_source_free(src);
		return (NULL);
	}
	src->wake = event_new(base, src->pipe[0], EV_READ | EV_PERSIST,
	    rpki_source_wake_cb, src);
	event_add(src->wake, NULL);
	src->settle = evtimer_new(base, rpki_source_settle_cb, src);

	snprintf(src->port, sizeof src->port, "%d", port);
	src->tcp.host = xstrdup(host);
	src->tcp.port = src->port;
	src->tcp.connect_timeout = 5;
	tr_tcp_init(&src->tcp, &src->tr);
	src->rs.tr_socket = &src->tr;
	src->rsv[0] = &src->rs;
	src->group.sockets = src->rsv;
	src->group.sockets_len = 1;
	src->group.preference = 1;

	pthread_mutex_lock(&rpki_source_reg_lock);
	for (i = 0; i < sizeof rpki_source_reg / sizeof rpki_source_reg[0];
	    i++) {
		if (rpki_source_reg[i] == NULL)
			break;
	}
	if (i == sizeof rpki_source_reg / sizeof rpki_source_reg[0]) {
		pthread_mutex_unlock(&rpki_source_reg_lock);
		xasprintf(cause, "rtr: too many RTR sources");
		rpki_source_free(src);
		return (NULL);
	}
	rpki_source_reg[i] = src;
	/* Its first callbacks come as soon as it starts. */
	src->cb_mono = now_mono_ms();
	rpki_quiet();
	/* RFC 8210 6: refresh 1..86400, expire 600..172800. */
	if (rtr_mgr_init(&src->mgr, &src->group, 1,
	    (unsigned int)(refresh > 0 ? refresh : 60),
	    RPKI_SOURCE_RTR_EXPIRE, RPKI_SOURCE_RTR_RETRY,
	    rpki_source_pfx_cb, NULL, rpki_source_status_cb, src) !=
	    RTR_SUCCESS) {
		src->mgr = NULL;
		rpki_source_reg[i] = NULL;
		pthread_mutex_unlock(&rpki_source_reg_lock);
		xasprintf(cause, "rtr %s port %d: RTRlib refused the "
		    "configuration", host, port);
		rpki_source_free(src);
		return (NULL);
	}
	pthread_mutex_unlock(&rpki_source_reg_lock);
	if (rtr_mgr_start(src->mgr) != RTR_SUCCESS) {
		xasprintf(cause, "rtr %s port %d: RTRlib cannot start",
		    host, port);
		rpki_source_free(src);
		return (NULL);
	}
	return (src);
}
#else
struct rpki_source *
rpki_source_rtr(struct event_base *base, const char *host, int port,
    int refresh, rpki_source_cb cb, void *arg, char **cause)
{
	(void)base;
	(void)refresh;
	(void)cb;
	(void)arg;
	xasprintf(cause, "rtr %s port %d: peertop was built without RTRlib "
	    "(install librtr-dev and run configure again)", host, port);
	return (NULL);
}
#endif

void
rpki_source_free(struct rpki_source *src)
{
#ifdef HAVE_RTRLIB
	size_t	 i;
#endif

	if (src == NULL)
		return;
	/* Before RTRlib's table goes: the thread may be reading it. */
	rpki_source_job_wait(src);
#ifdef HAVE_RTRLIB
	if (src->rtr) {
		if (src->mgr != NULL) {
			rpki_source_quiesce(src);
			rtr_mgr_stop(src->mgr);
			pthread_mutex_lock(&rpki_source_reg_lock);
			for (i = 0; i < sizeof rpki_source_reg /
			    sizeof rpki_source_reg[0]; i++) {
				if (rpki_source_reg[i] == src)
					rpki_source_reg[i] = NULL;
			}
			pthread_mutex_unlock(&rpki_source_reg_lock);
			rtr_mgr_free(src->mgr);
		}
		free(src->tcp.host);
	}
#endif
	if (src->rtr)
		pthread_mutex_destroy(&src->lock);
	if (src->wake != NULL)
		event_free(src->wake);
	if (src->settle != NULL)
		event_free(src->settle);
	if (src->tick != NULL)
		event_free(src->tick);
	if (src->pipe[0] != -1) {
		close(src->pipe[0]);
		close(src->pipe[1]);
	}
	if (src->jev != NULL)
		event_free(src->jev);
	if (src->jpipe[0] != -1) {
		close(src->jpipe[0]);
		close(src->jpipe[1]);
	}
	if (src->rib != NULL)
		rib_rov_set(src->rib, NULL, NULL, NULL);
	vrp_index_free(src->vrps);
	free(src->vrp_path);
	free(src->slurm_path);
	free(src);
}
