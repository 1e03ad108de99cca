/* SPDX-License-Identifier: ISC */
/*
 * Latency blocks (schema 7): each series' hour of round trips in one row
 * of latency_block, so that a report's exact medians over days read a row
 * an hour a series instead of a row a sample (issue 18: the 18 million
 * samples of a week took 6-9 s to read one by one).
 *
 * A row is (hour_ms, branch, edge, target, n, rtts): n samples of which
 * the replies' round trips, sorted, are in rtts as LEB128 varints, the
 * count of replies first and then each value as its difference from the
 * one before; the losses are n less that count.  A value is what a
 * reader of latency_sample takes it for (NULL lost, the integer cut to
 * 32 bits, a negative one lost), so a block answers exactly as the raw
 * samples do, even of a damaged file.
 *
 * The writer's flush (store-write.c) calls store_block_pending() for
 * every series and hour it writes samples of: a pending row (rtts NULL),
 * or a sealed one pending again when a late sample joins its hour.
 * store_block_seal(), from the retention timer, seals the pending rows
 * of hours that are over, a few at a time, each from its samples
 * through the (branch, edge, time) index.  A reader trusts a row only
 * while its n is the hour roll-up's sent (written in the same
 * transactions as the samples) and its bytes decode to as many replies
 * as that row's received: else it reads the samples.  Retention deletes the blocks with the samples.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/latency.h"
#include "core/store.h"
#include "core/store-private.h"
#include "core/util.h"

static int
store_block_cmp(const void *a, const void *b)
{
	int32_t	x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x < y ? -1 : x > y);
}

static size_t
store_block_varint(unsigned char *p, uint32_t v)
{
	size_t	n = 0;

	while (v >= 0x80) {
		p[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (unsigned char)v;
	return (n);
}

/*
 * The replies' round trips (each >= 0; sorted here) as a block's bytes:
 * allocated, its length in *len.
 */
unsigned char *
store_block_encode(int32_t *rtt, size_t n, size_t *len)
{
	unsigned char	*out, *p;
	uint32_t	 prev = 0;
	size_t		 i;

	qsort(rtt, n, sizeof *rtt, store_block_cmp);
	out = p = xreallocarray(NULL, n + 1, 5);
	p += store_block_varint(p, (uint32_t)n);
	for (i = 0; i < n; i++) {
		p += store_block_varint(p, (uint32_t)rtt[i] - prev);
		prev = (uint32_t)rtt[i];
	}
	*len = (size_t)(p - out);
	return (out);
}

static int
store_block_get(const unsigned char **p, const unsigned char *end,
    uint32_t *v)
{
	uint32_t	 x = 0;
	int		 shift;

	for (shift = 0; shift <= 28; shift += 7) {
		if (*p >= end)
			return (-1);
		x |= (uint32_t)(**p & 0x7f) << shift;
		if ((*(*p)++ & 0x80) == 0) {
			*v = x;
			return (0);
		}
	}
	return (-1);
}

/*
 * A block's bytes appended to *out (*n values, room for *cap): exactly
 * want replies, each <= INT32_MAX, and nothing after them; 0, or -1
 * with *n as it was.
 */
int
store_block_decode(const void *blob, size_t len, size_t want, int32_t **out,
    size_t *n, size_t *cap)
{
	const unsigned char	*p = blob, *end = p + len;
	uint32_t		 count, d, v = 0;
	size_t			 i, n0 = *n;

	if (p == NULL || store_block_get(&p, end, &count) != 0 ||
	    count != want || (size_t)(end - p) < count)
		return (-1);
	if (*cap - *n < count) {
		while (*cap - *n < count)
			*cap = *cap < 1024 ? 1024 : *cap * 2;
		*out = xreallocarray(*out, *cap, sizeof **out);
	}
	for (i = 0; i < count; i++) {
		if (store_block_get(&p, end, &d) != 0 ||
		    d > (uint32_t)INT32_MAX - v) {
			*n = n0;
			return (-1);
		}
		v += d;
		(*out)[(*n)++] = (int32_t)v;
	}
	if (p != end) {
		*n = n0;
		return (-1);
	}
	return (0);
}

/*
 * A flush wrote samples of the series' hour: its block is pending (a
 * sealed one again), unless the cache says this run made it so since
 * the blocks last changed otherwise.  An SQLite code.
 */
int
store_block_pending(struct store *s, int64_t hour_ms, const char *branch,
    const char *edge, const char *target)
{
	sqlite3_stmt		*st[] = { s->clr_block, s->ins_block };
	const char		*names[] = { branch, edge, target };
	struct store_block_seen	*seen;
	const unsigned char	*p;
	uint64_t		 h = 0xcbf29ce484222325ULL;	/* FNV-1a */
	size_t			 i;
	int			 rc = SQLITE_OK, col;

	for (i = 0; i < nitems(names); i++)
		for (p = (const unsigned char *)names[i]; ; p++) {
			h = (h ^ *p) * 0x100000001b3ULL;
			if (*p == '\0')
				break;
		}
	if (s->block_seen == NULL)
		s->block_seen = xcalloc(STORE_BLOCK_SEEN, sizeof *seen);
	seen = &s->block_seen[h & (STORE_BLOCK_SEEN - 1)];
	if (seen->key == h && seen->hour_ms == hour_ms &&
	    seen->gen == s->block_gen + 1)
		return (SQLITE_OK);
	for (i = 0; rc == SQLITE_OK && i < nitems(st); i++) {
		sqlite3_bind_int64(st[i], 1, hour_ms);
		for (col = 0; col < 3; col++)
			sqlite3_bind_text(st[i], col + 2, names[col], -1,
			    SQLITE_STATIC);
		rc = store_sql_step(st[i]);
	}
	if (rc == SQLITE_OK) {
		seen->key = h;
		seen->hour_ms = hour_ms;
		seen->gen = s->block_gen + 1;
	}
	return (rc);
}

/*
 * Seal one pending row from its samples (up), or delete it (del) when
 * they are gone: an SQLite code.
 */
static int
store_block_one(sqlite3_stmt *pend, sqlite3_stmt *rd, sqlite3_stmt *up,
    sqlite3_stmt *del, int32_t **buf, size_t *cap)
{
	unsigned char	*blob;
	size_t		 n = 0, nrtt = 0, len;
	int64_t		 v;
	int		 rc, i;

	sqlite3_reset(rd);
	for (i = 0; i < 4; i++)
		sqlite3_bind_value(rd, i + 1, sqlite3_column_value(pend, i));
	while ((rc = sqlite3_step(rd)) == SQLITE_ROW) {
		n++;
		if (sqlite3_column_type(rd, 0) == SQLITE_NULL)
			continue;
		v = (int32_t)sqlite3_column_int64(rd, 0);
		if (v < 0)
			continue;		/* a loss, as readers take it */
		if (nrtt == *cap) {
			*cap = *cap == 0 ? 512 : *cap * 2;
			*buf = xreallocarray(*buf, *cap, sizeof **buf);
		}
		(*buf)[nrtt++] = (int32_t)v;
	}
	if (rc != SQLITE_DONE)
		return (rc);
	if (n == 0) {
		sqlite3_reset(del);
		for (i = 0; i < 4; i++)
			sqlite3_bind_value(del, i + 1,
			    sqlite3_column_value(pend, i));
		rc = sqlite3_step(del);
		sqlite3_reset(del);
		return (rc == SQLITE_DONE ? SQLITE_OK : rc);
	}
	blob = store_block_encode(*buf, nrtt, &len);
	sqlite3_reset(up);
	for (i = 0; i < 4; i++)
		sqlite3_bind_value(up, i + 1, sqlite3_column_value(pend, i));
	sqlite3_bind_int64(up, 5, (int64_t)n);
	sqlite3_bind_blob(up, 6, blob, (int)len, SQLITE_TRANSIENT);
	rc = sqlite3_step(up);
	free(blob);
	sqlite3_reset(up);
	return (rc == SQLITE_DONE ? SQLITE_OK : rc);
}

/*
 * Seal at most max pending rows of hours that ended by before_ms, oldest
 * first, in one transaction: how many, or -1 and *cause.  A row whose
 * samples are gone (pruned before it was sealed) goes.
 */
int64_t
store_block_seal(struct store *s, int64_t before_ms, int64_t max,
    char **cause)
{
	sqlite3_stmt	*pend = NULL, *rd = NULL, *up = NULL, *del = NULL;
	int32_t		*buf = NULL;
	size_t		 cap = 0;
	int64_t		 done = 0;
	int		 rc;

	*cause = NULL;
	if (s->readonly || s->db == NULL || s->version < 7)
		return (0);
	if ((rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL,
	    NULL)) != SQLITE_OK) {
		*cause = store_dberr(s, rc, "sealing latency blocks");
		return (-1);
	}
	if ((rc = sqlite3_prepare_v2(s->db, "SELECT hour_ms, branch, edge, "
	    "target FROM latency_block WHERE rtts IS NULL AND hour_ms < ?1 "
	    "ORDER BY hour_ms LIMIT ?2", -1, &pend, NULL)) != SQLITE_OK ||
	    (rc = sqlite3_prepare_v2(s->db, "SELECT rtt_us FROM "
	    "latency_sample WHERE branch = ?2 AND edge = ?3 AND time_ms >= ?1 "
	    "AND time_ms < ?1 + 3600000 AND target = ?4", -1, &rd, NULL)) !=
	    SQLITE_OK ||
	    (rc = sqlite3_prepare_v2(s->db, "UPDATE latency_block SET n = ?5, "
	    "rtts = ?6 WHERE hour_ms = ?1 AND branch = ?2 AND edge = ?3 AND "
	    "target = ?4", -1, &up, NULL)) != SQLITE_OK ||
	    (rc = sqlite3_prepare_v2(s->db, "DELETE FROM latency_block WHERE "
	    "hour_ms = ?1 AND branch = ?2 AND edge = ?3 AND target = ?4", -1,
	    &del, NULL)) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(pend, 1, before_ms);
	sqlite3_bind_int64(pend, 2, max);
	while ((rc = sqlite3_step(pend)) == SQLITE_ROW) {
		if ((rc = store_block_one(pend, rd, up, del, &buf, &cap)) !=
		    SQLITE_OK)
			goto out;
		done++;
	}
	if (rc != SQLITE_DONE)
		goto out;
	rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	if (done > 0)
		s->block_gen++;	/* a late sample may clear these again */
out:
	sqlite3_finalize(pend);
	sqlite3_finalize(rd);
	sqlite3_finalize(up);
	sqlite3_finalize(del);
	free(buf);
	if (rc != SQLITE_OK) {
		*cause = store_dberr(s, rc, "sealing latency blocks");
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return (-1);
	}
	return (done);
}
