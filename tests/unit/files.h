/*
 * Whole-file helpers shared by the unit tests that check a history's
 * bytes (test-store.c, test-report.c).  Include after cmocka.h.
 */
#ifndef PEERTOP_TESTS_FILES_H
#define PEERTOP_TESTS_FILES_H

#include <stdio.h>

#include "core/util.h"

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
	buf = xmalloc(n > 0 ? n : 1);
	*len = fread(buf, 1, n, f);
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

#endif
