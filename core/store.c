/* SPDX-License-Identifier: ISC */
/*
 * The SQLite history, the writer's side (the store family: only
 * core/store*.c include sqlite3.h, tests/check-layers.sh says so).
 * store_open() has store-schema.c check the file before SQLite may touch
 * it and bring its schema up to STORE_SCHEMA_VERSION, and store-write.c
 * prepare the statements of its write queue; store_start() runs the
 * queue's flush on a libevent timer every few hundred milliseconds and
 * store_retention() the pruning of old latency rows.  What the views ask
 * of a live history is store-query.c's; the two readers of a history
 * handed over are store-replay.c and store-report.c.  All of them speak
 * SQLite through one helper layer, store-sql.c (store-private.h).  The
 * schema is an interface, described in man/schema.mdoc: change it only by
 * adding a migration (store-schema.c).
 */

#include <sys/types.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <sqlite3.h>

#include "core/latency-mon.h"
#include "core/store.h"
#include "core/store-private.h"

static void	store_timer_cb(evutil_socket_t, short, void *);
static void	store_retention_cb(evutil_socket_t, short, void *);

/* A message for an SQLite failure of this history, naming the file. */
char *
store_dberr(struct store *s, int rc, const char *doing)
{
	return (store_sql_error(s->db, s->path, rc, doing, s->readonly ?
	    STORE_SQL_REVIEWER : STORE_SQL_WRITER));
}

/*
 * The path SQLite is given for writing: SQLITE_OPEN_NOFOLLOW refuses a
 * symbolic link anywhere in it, so a history under a linked directory
 * (/var/lib -> /data/lib) is named through the directory's real path;
 * the file itself must still not be a link (store_precheck()).  Paths
 * without a link in their directory are kept as given.
 */
static char *
store_write_path(const char *path)
{
	struct stat	 sb;
	char		*dir, *real, *out, c;
	const char	*base;
	size_t		 i, n;
	int		 link = 0;

	if ((base = strrchr(path, '/')) == NULL || base == path)
		return (xstrdup(path));
	dir = xstrndup(path, (size_t)(base - path));
	/* Each of the directory's prefixes: "a", "a/b", ... "a/b/c". */
	n = strlen(dir);
	for (i = 1; !link && i <= n; i++) {
		if (i < n && dir[i] != '/')
			continue;
		c = dir[i];
		dir[i] = '\0';
		link = lstat(dir, &sb) == 0 && S_ISLNK(sb.st_mode);
		dir[i] = c;
	}
	if (!link || (real = realpath(dir, NULL)) == NULL) {
		free(dir);
		return (xstrdup(path));
	}
	xasprintf(&out, "%s%s", strcmp(real, "/") == 0 ? "" : real, base);
	free(real);
	free(dir);
	return (out);
}

/*
 * One writer per history: PATH.lock, beside it, is held with flock()
 * while the store is open for writing and says who holds it ("PID
 * START_MS").  A second collector (or dashboard) on the same file is
 * refused with that pid and since when, instead of both writing every
 * event twice.  The lock goes with the process, however it ends; the
 * file stays, and is taken over by the next writer.
 */
int
store_lock(struct store *s, char **cause)
{
	struct stat	 sb;
	char		*name, buf[64], when[64];
	long long	 pid, since;
	ssize_t		 n;
	int		 fd;

	xasprintf(&name, "%s.lock", s->path);
	fd = open(name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1) {
		xasprintf(cause, "%s: %s", name, errno == ELOOP ?
		    "a symbolic link: refused" : strerror(errno));
		free(name);
		return (-1);
	}
	/* As the history itself: ours, one link, written by us alone. */
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_nlink != 1) {
		xasprintf(cause, "%s: not a plain file of its own: refused; "
		    "remove it", name);
		goto fail;
	}
	if (store_trust(name, &sb, s->anyowner, cause) != 0)
		goto fail;
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno != EWOULDBLOCK) {
			xasprintf(cause, "%s: %s", name, strerror(errno));
			goto fail;
		}
		n = pread(fd, buf, sizeof buf - 1, 0);
		buf[n > 0 ? n : 0] = '\0';
		if (sscanf(buf, "%lld %lld", &pid, &since) == 2) {
			fmt_time(when, sizeof when, since, FMT_TIME_FULL);
			xasprintf(cause, "%s: in use by peertop pid %lld since "
			    "%s: one collector writes a history; stop it, or "
			    "give this one another database", s->path, pid,
			    when);
		} else
			xasprintf(cause, "%s: in use by another peertop (%s "
			    "is locked): one collector writes a history",
			    s->path, name);
		goto fail;
	}
	n = snprintf(buf, sizeof buf, "%ld %lld\n", (long)getpid(),
	    (long long)now_wall_ms());
	if (ftruncate(fd, 0) == -1 || pwrite(fd, buf, (size_t)n, 0) != n)
		log_warnx("%s: cannot say who holds it: %s", name,
		    strerror(errno));
	s->lock_fd = fd;
	free(name);
	return (0);

fail:
	close(fd);
	free(name);
	return (-1);
}

struct store *
store_open(const char *path, int flags, char **cause)
{
	struct store	*s;

	*cause = NULL;
	s = xcalloc(1, sizeof *s);
	s->readonly = (flags & STORE_READONLY) != 0;
	s->path = s->readonly ? xstrdup(path) : store_write_path(path);
	s->anyowner = (flags & STORE_ANY_OWNER) != 0;
	s->queue_max = STORE_QUEUE_MAX;
	s->lock_fd = -1;

	if (store_schema_open(s, cause) != 0)
		goto fail;
	if (!s->readonly && store_write_prepare(s, cause) != 0)
		goto fail;
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, NULL);
	return (s);

fail:
	sqlite3_close_v2(s->db);
	s->db = NULL;
	if (s->lock_fd != -1)
		close(s->lock_fd);
	free(s->path);
	free(s);
	return (NULL);
}

void
store_close(struct store *s)
{
	char	*cause;

	if (s == NULL)
		return;
	if (s->timer != NULL)
		event_free(s->timer);
	if (s->retention != NULL)
		event_free(s->retention);
	/* Off the loop now: the last flush may wait for a lock. */
	if (s->db != NULL)
		sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	/* The last flush also says when this run ended. */
	s->closing = 1;
	if (s->db != NULL && store_flush(s, &cause) != 0) {
		log_warnx("%s; lost on exit", cause);
		free(cause);
	}
	store_write_free(s);
	if (s->db != NULL && sqlite3_close(s->db) != SQLITE_OK)
		log_warnx("%s: close: %s", s->path, sqlite3_errmsg(s->db));
	/* The history is whole: the next writer may have it. */
	if (s->lock_fd != -1)
		close(s->lock_fd);
	free(s->failure);
	free(s->error);
	free(s->path);
	free(s);
}

/*
 * A flush on the event loop: the tick's, or one asked for sooner
 * (store_soon_cb); a failure is logged once per kind, and its end.
 */
void
store_tick(struct store *s)
{
	char		*cause, *before;

	before = s->error != NULL ? xstrdup(s->error) : NULL;
	if (store_flush(s, &cause) != 0) {
		/* Say it once per kind of failure, not every tick. */
		if (before == NULL || strcmp(before, cause) != 0)
			log_warnx("%s", cause);
		free(cause);
	} else if (before != NULL && s->error == NULL)
		log_info("%s: writing again", s->path);
	free(before);
}

static void
store_timer_cb(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	store_tick(arg);
}

void
store_start(struct store *s, struct event_base *base, int interval_ms)
{
	struct timeval	tv;

	if (s->readonly)
		return;
	/*
	 * From here flushes run on the event loop, which must never wait
	 * for another program's lock: a busy file fails the flush at once,
	 * the rows stay queued and the next tick tries again.
	 */
	sqlite3_busy_timeout(s->db, 0);
	if (interval_ms <= 0)
		interval_ms = 500;
	if (s->timer != NULL)
		event_free(s->timer);
	s->timer = event_new(base, -1, EV_PERSIST, store_timer_cb, s);
	if (s->timer == NULL)
		fatalx("event_new failed");
	tv.tv_sec = interval_ms / 1000;
	tv.tv_usec = (interval_ms % 1000) * 1000;
	evtimer_add(s->timer, &tv);
}

/*
 * Retention on the loop: every STORE_PRUNE_MS delete what is older than
 * the limits, at most STORE_PRUNE_ROWS rows per table at a time, and seal
 * at most STORE_SEAL_ROWS latency blocks; while a pass finds that many,
 * the next slice follows after STORE_PRUNE_NEXT_MS, so a backlog of days
 * (an upgraded file's week of samples) never holds up the loop for long.
 */
#define STORE_PRUNE_MS		(60 * 1000)
#define STORE_PRUNE_FIRST_MS	5000
#define STORE_PRUNE_NEXT_MS	200
#define STORE_PRUNE_ROWS	5000
/* Latency blocks sealed a slice (a few ms: a few hundred samples each). */
#define STORE_SEAL_ROWS		16

/* A slice's outcome: its failure said, or the next slice soon. */
static void
store_retention_more(int64_t n, int64_t slice, char *cause,
    struct timeval *tv)
{
	if (n == -1) {
		log_warnx("%s", cause);
		free(cause);
	} else if (n >= slice) {
		tv->tv_sec = 0;
		tv->tv_usec = STORE_PRUNE_NEXT_MS * 1000;
	}
}

static void
store_retention_cb(evutil_socket_t fd, short what, void *arg)
{
	struct store	*s = arg;
	struct timeval	 tv = { STORE_PRUNE_MS / 1000, 0 };
	int64_t		 now = now_wall_ms(), n;
	char		*cause;

	(void)fd;
	(void)what;
	n = store_latency_prune(s, now - s->keep_raw_ms,
	    now - s->keep_minute_ms, now - s->keep_hour_ms, STORE_PRUNE_ROWS,
	    &cause);
	store_retention_more(n, STORE_PRUNE_ROWS, cause, &tv);
	/* The hours that are over, in blocks (store-block.c). */
	n = store_block_seal(s, now - now % STORE_BLOCK_HOUR_MS,
	    STORE_SEAL_ROWS, &cause);
	store_retention_more(n, STORE_SEAL_ROWS, cause, &tv);
	evtimer_add(s->retention, &tv);
}

void
store_retention(struct store *s, struct event_base *base,
    int64_t keep_raw_ms, int64_t keep_minute_ms, int64_t keep_hour_ms)
{
	struct timeval	 tv = { STORE_PRUNE_FIRST_MS / 1000, 0 };

	if (s->readonly)
		return;
	s->keep_raw_ms = keep_raw_ms > 0 ? keep_raw_ms :
	    LAT_KEEP_RAW_DEFAULT_MS;
	s->keep_minute_ms = keep_minute_ms > 0 ? keep_minute_ms :
	    LAT_KEEP_MIN_DEFAULT_MS;
	s->keep_hour_ms = keep_hour_ms > 0 ? keep_hour_ms :
	    STORE_KEEP_HOUR_DEFAULT_MS;
	if (s->retention == NULL &&
	    (s->retention = evtimer_new(base, store_retention_cb, s)) == NULL)
		fatalx("event_new failed");
	evtimer_add(s->retention, &tv);
}

const char *
store_error(const struct store *s)
{
	return (s->error);
}
