/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the log in core/util.c: repeated lines are counted and
 * summarised, a flood of distinct lines is bounded, summaries are not
 * lost at exit, lines are sanitised, libevent's messages are routed in,
 * and a log that cannot be opened is an error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/util.h>

#include "core/util.h"

static uint64_t	 fake_now = 1000000;

static uint64_t
fake_clock(void)
{
	return (fake_now);
}

/* A fresh log file in $TMPDIR, on the fake clock. */
static char *
log_start(void)
{
	const char	*dir = getenv("TMPDIR");
	char		*path;
	int		 fd;

	xasprintf(&path, "%s/test-log.XXXXXX", dir != NULL && *dir != '\0' ?
	    dir : "/tmp");
	if ((fd = mkstemp(path)) == -1)
		fail_msg("mkstemp: %s", strerror(errno));
	close(fd);
	log_set_clock(fake_clock);
	fake_now += 3600 * 1000;	/* out of any earlier test's windows */
	assert_int_equal(log_open(path, LOG_LVL_DEBUG), 0);
	log_set_quiet(0);
	return (path);
}

/*
 * The lines written so far; those containing what are counted in
 * *nmatch, the last of them copied into last.
 */
static size_t
log_lines(const char *path, const char *what, size_t *nmatch, char *last,
    size_t lastlen)
{
	FILE	*f;
	char	 line[4096];
	size_t	 n = 0;

	if ((f = fopen(path, "r")) == NULL)
		fail_msg("%s: %s", path, strerror(errno));
	if (nmatch != NULL)
		*nmatch = 0;
	while (fgets(line, sizeof line, f) != NULL) {
		n++;
		if (what != NULL && strstr(line, what) != NULL) {
			if (nmatch != NULL)
				(*nmatch)++;
			if (last != NULL)
				strlcpy_pt(last, line, lastlen);
		}
	}
	fclose(f);
	return (n);
}

static void
log_end(char *path)
{
	log_open(NULL, LOG_LVL_INFO);
	unlink(path);
	free(path);
}

/* 10,000 identical lines: the first, then one "repeated 9999 times". */
static void
test_log_repeated(void **state)
{
	char	*path = log_start(), last[4096];
	size_t	 n, nrep;
	int	 i;

	for (i = 0; i < 10000; i++)
		log_warnx("Error from accept() call: Too many open files");
	log_info("something else");
	n = log_lines(path, "repeated", &nrep, last, sizeof last);
	assert_int_equal(n, 3);
	assert_int_equal(nrep, 1);
	assert_non_null(strstr(last, "last message repeated 9999 times"));
	log_end(path);
}

/* The summary comes after a while even if nothing else is said. */
static void
test_log_repeated_due(void **state)
{
	char	*path = log_start(), last[4096];
	size_t	 nrep;
	int	 i;

	for (i = 0; i < 50; i++)
		log_warnx("same");
	log_due();
	assert_int_equal(log_lines(path, "repeated", &nrep, NULL, 0), 1);
	fake_now += 60 * 1000;
	log_due();
	assert_int_equal(log_lines(path, "repeated", &nrep, last,
	    sizeof last), 2);
	assert_non_null(strstr(last, "last message repeated 49 times"));
	/* Still the last line: counted again, said at exit. */
	for (i = 0; i < 5; i++)
		log_warnx("same");
	log_flush();
	assert_int_equal(log_lines(path, "repeated", &nrep, last,
	    sizeof last), 3);
	assert_non_null(strstr(last, "last message repeated 5 times"));
	log_end(path);
}

/* A flood of distinct lines writes a bounded number of them. */
static void
test_log_flood(void **state)
{
	char	*path = log_start(), last[4096];
	size_t	 n, nsup;
	int	 i;

	for (i = 0; i < 100000; i++)
		log_warnx("refused connection from 192.0.2.%d port %d",
		    i % 256, i);
	log_flush();
	n = log_lines(path, "suppressed", &nsup, last, sizeof last);
	assert_true(n <= 310);
	assert_int_equal(nsup, 1);
	assert_non_null(strstr(last, "messages suppressed"));
	/* After the window, lines are written again. */
	fake_now += 3600 * 1000;
	log_warnx("after the flood");
	n = log_lines(path, "after the flood", &nsup, NULL, 0);
	assert_int_equal(nsup, 1);
	log_end(path);
}

/* Two lines in turn, many times: bounded too. */
static void
test_log_alternate(void **state)
{
	char	*path = log_start();
	size_t	 n, nsup;
	int	 i;

	for (i = 0; i < 100000; i++)
		log_warnx("%s", i % 2 ? "refused A" : "refused B");
	log_flush();
	n = log_lines(path, "suppressed", &nsup, NULL, 0);
	assert_true(n <= 310);
	assert_int_equal(nsup, 1);
	log_end(path);
}

/* What comes from the network cannot forge lines or move the cursor. */
static void
test_log_sanitised(void **state)
{
	char	*path = log_start(), last[4096];
	size_t	 n, nm;

	log_warnx("peer says %s", "x\nFAKE: line\033[2J\033]0;title\a");
	n = log_lines(path, "peer says", &nm, last, sizeof last);
	assert_int_equal(n, 1);
	assert_null(strchr(last, '\033'));
	assert_null(strchr(last, '\a'));
	assert_non_null(strstr(last, "x?FAKE: line?[2J?]0;title?"));
	log_end(path);
}

/* libevent's warnings land in the log, not on stderr. */
static void
test_log_libevent(void **state)
{
	char	*path = log_start(), last[4096];
	size_t	 nm;

	log_libevent();
	/* libevent warns about fcntl() on a descriptor that is not open. */
	assert_int_equal(evutil_make_socket_nonblocking(-1), -1);
	log_lines(path, "libevent:", &nm, last, sizeof last);
	assert_int_equal(nm, 1);
	assert_non_null(strstr(last, "warning: libevent: fcntl(-1"));
	log_end(path);
}

/* A log that cannot be opened is an error, and the old log stays. */
static void
test_log_open_fails(void **state)
{
	char	*path = log_start();
	size_t	 nm;

	errno = 0;
	assert_int_equal(log_open("/nonexistent-dir/peertop.log",
	    LOG_LVL_INFO), -1);
	assert_int_equal(errno, ENOENT);
	log_warnx("still here");
	log_lines(path, "still here", &nm, NULL, 0);
	assert_int_equal(nm, 1);
	log_end(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log_repeated),
		cmocka_unit_test(test_log_repeated_due),
		cmocka_unit_test(test_log_flood),
		cmocka_unit_test(test_log_alternate),
		cmocka_unit_test(test_log_sanitised),
		cmocka_unit_test(test_log_libevent),
		cmocka_unit_test(test_log_open_fails),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
