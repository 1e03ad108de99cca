/* SPDX-License-Identifier: ISC */
/*
 * What the unit tests share: where the source tree's test data is,
 * reading and writing whole files, and the loop turn of the tests that
 * feed the model by hand.  Include after <cmocka.h> (the helpers fail
 * the running test with cmocka's fail_msg and asserts).
 *
 * The tree is $top_srcdir when make check exports it (out-of-tree and
 * ASan builds), else the TOP_SRCDIR the Makefile compiled in.
 */

#ifndef PEERTOP_TESTS_UNIT_H
#define PEERTOP_TESTS_UNIT_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/eval.h"
#include "core/util.h"

#ifndef TOP_SRCDIR
#define TOP_SRCDIR "."
#endif

/* A file's bytes, NUL-terminated (data[len] == '\0'); free(data). */
struct test_file {
	char	*data;
	size_t	 len;
};

/* The source tree's top directory. */
static inline const char *
test_top_srcdir(void)
{
	const char	*top = getenv("top_srcdir");

	return (top == NULL || *top == '\0' ? TOP_SRCDIR : top);
}

/*
 * "TOP/SUB/NAME" into buf; NAME alone when it is absolute, SUB/NAME
 * under the top directory otherwise.  Fails the test when it does not fit.
 */
static inline const char *
test_path(char *buf, size_t size, const char *sub, const char *name)
{
	int	 n;

	if (name[0] == '/')
		n = snprintf(buf, size, "%s", name);
	else
		n = snprintf(buf, size, "%s/%s/%s", test_top_srcdir(), sub,
		    name);
	if (n < 0 || (size_t)n >= size)
		fail_msg("test data path too long: %s/%s", sub, name);
	return (buf);
}

/* The whole of SUB/NAME (see test_path); a missing or empty file fails. */
static inline struct test_file
test_load(const char *sub, const char *name)
{
	struct test_file	 b = { NULL, 0 };
	char			 path[4096];
	FILE			*f;
	long			 n = 0;

	test_path(path, sizeof path, sub, name);
	if ((f = fopen(path, "rb")) == NULL)
		fail_msg("cannot open %s: %s", path, strerror(errno));
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0)
		fail_msg("%s: empty or unreadable", path);
	rewind(f);
	b.data = xmalloc((size_t)n + 1);
	if (fread(b.data, 1, (size_t)n, f) != (size_t)n)
		fail_msg("%s: short read", path);
	b.data[n] = '\0';
	b.len = (size_t)n;
	fclose(f);
	return (b);
}

/* The file's bytes (caller frees) and their count; NULL if unreadable. */
static inline char *
slurp(const char *path, size_t *len)
{
	FILE	*f;
	char	*buf;
	long	 n;

	if ((f = fopen(path, "rb")) == NULL)
		return (NULL);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = xmalloc(n > 0 ? (size_t)n : 1);
	*len = fread(buf, 1, n > 0 ? (size_t)n : 0, f);
	fclose(f);
	return (buf);
}

/* Write len bytes as the whole file. */
static inline void
spit(const char *path, const void *buf, size_t len)
{
	FILE	*f;

	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/*
 * One loop turn, for the tests that feed the model by hand: what
 * collectors report in one callback is judged by one evaluation pass
 * (core/eval.h) at the end of the turn.  turn_begin() and turn_end()
 * bracket the reports of one turn (a poll, an outage); outside them
 * turn() makes each report a turn of its own.
 */
static int	 turn_open __attribute__((unused));

static inline void
turn_begin(void)
{
	turn_open = 1;
}

static inline void
turn_end(struct model *m)
{
	turn_open = 0;
	eval_run(m, now_wall_ms());
}

static inline void
turn(struct model *m)
{
	if (!turn_open)
		eval_run(m, now_wall_ms());
}

#endif
