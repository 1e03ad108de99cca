/* SPDX-License-Identifier: ISC */
/*
 * Benchmark of the MRT decoder alone (core/decode-mrt.c and the shared
 * BGP decoder): every element of a file is decoded into a struct
 * mrt_elem and handed to a callback that only counts it, nothing is
 * formatted or printed.  Two modes per file:
 *
 *	file	decode_mrt_open() and decode_mrt_next() over the file, as
 *		"peertop mrt" and bgpdump read it (a raw file is read from
 *		the page cache after the first run);
 *	memory	the raw bytes loaded once, decoded with decode_mrt_mem(),
 *		so the figure is the decoder's without any I/O (raw MRT
 *		files only; skipped for gzip and bzip2).
 *
 * Each mode runs once to warm up, then RUNS times (clock_gettime
 * CLOCK_MONOTONIC around each run); the median is reported.  With -p
 * the output is one "mode elements seconds" line per mode for
 * tests/bench/bench-mrt.sh, else a readable line with elements/s.
 *
 * usage: bench-mrt [-p] [-n runs] file ...
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/decode-mrt.h"
#include "core/util.h"

#define BENCH_MRT_MAXRUNS	101

struct bench_mrt_count {
	uint64_t	elems;
	uint64_t	sink;		/* keeps the elements "used" */
};

struct bench_mrt_result {
	uint64_t	elems;
	uint64_t	errors;
	uint64_t	records;
	int		failed;		/* could not open or read */
};

static void
bench_mrt_elem(const struct mrt_elem *e, void *arg)
{
	struct bench_mrt_count	*c = arg;

	c->elems++;
	c->sink += e->type + e->peer_as;
	if (e->nlri != NULL)
		c->sink += e->nlri->prefix.len;
}

static double
bench_mrt_now(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
		perror("clock_gettime");
		exit(2);
	}
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

/* Decode every record the reader gives; the reader is closed. */
static void
bench_mrt_decode(struct mrt_reader *r, struct bench_mrt_result *res)
{
	struct mrt_decoder	 d;
	struct mrt_record	 rec;
	struct bench_mrt_count	 c;
	const char		*name = decode_mrt_name(r);
	char			*cause = NULL;
	int			 rv;

	memset(&c, 0, sizeof c);
	memset(res, 0, sizeof *res);
	decode_mrt_init(&d);
	while ((rv = decode_mrt_next(r, &rec, &cause)) == 1) {
		if (decode_mrt_record(&d, &rec, name, bench_mrt_elem, &c,
		    &cause) != 0) {
			res->errors++;
			free(cause);
			cause = NULL;
		}
	}
	if (rv == -1) {
		res->errors++;
		free(cause);
	}
	res->elems = c.elems;
	res->records = d.nrecords;
	decode_mrt_free(&d);
	decode_mrt_close(r);
	if (c.sink == UINT64_MAX)	/* never; stops the count being elided */
		putchar('\0');
}

static void
bench_mrt_file(const char *path, struct bench_mrt_result *res)
{
	struct mrt_reader	*r;
	char			*cause = NULL;

	if ((r = decode_mrt_open(path, &cause)) == NULL) {
		fprintf(stderr, "bench-mrt: %s\n", cause);
		free(cause);
		memset(res, 0, sizeof *res);
		res->failed = 1;
		return;
	}
	bench_mrt_decode(r, res);
}

static void
bench_mrt_memory(const uint8_t *buf, size_t len, const char *path,
    struct bench_mrt_result *res)
{
	bench_mrt_decode(decode_mrt_mem(buf, len, path), res);
}

/* The whole file in memory, or NULL (with a message) on error. */
static uint8_t *
bench_mrt_load(const char *path, size_t *lenp)
{
	FILE	*f;
	uint8_t	*buf = NULL;
	size_t	 len = 0, size = 0, n;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "bench-mrt: %s: %s\n", path, strerror(errno));
		return (NULL);
	}
	for (;;) {
		if (size - len < 65536) {
			size = size == 0 ? 1024 * 1024 : size * 2;
			buf = xreallocarray(buf, 1, size);
		}
		if ((n = fread(buf + len, 1, size - len, f)) == 0)
			break;
		len += n;
	}
	if (ferror(f)) {
		fprintf(stderr, "bench-mrt: %s: read error\n", path);
		free(buf);
		fclose(f);
		return (NULL);
	}
	fclose(f);
	*lenp = len;
	return (buf);
}

static int
bench_mrt_cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

/*
 * One warm-up run, then runs timed ones; the median seconds.  buf NULL
 * means the file mode.
 */
static double
bench_mrt_time(const char *path, const uint8_t *buf, size_t len, int runs,
    struct bench_mrt_result *res)
{
	double	t[BENCH_MRT_MAXRUNS], start;
	int	i;

	for (i = -1; i < runs; i++) {
		start = bench_mrt_now();
		if (buf == NULL)
			bench_mrt_file(path, res);
		else
			bench_mrt_memory(buf, len, path, res);
		if (res->failed)
			return (-1);
		if (i >= 0)
			t[i] = bench_mrt_now() - start;
	}
	qsort(t, runs, sizeof t[0], bench_mrt_cmp);
	if (runs % 2 == 1)
		return (t[runs / 2]);
	return ((t[runs / 2 - 1] + t[runs / 2]) / 2);
}

static void
bench_mrt_report(const char *mode, const char *path, int parse, double s,
    const struct bench_mrt_result *res)
{
	if (parse) {
		printf("%s %llu %.6f\n", mode, (unsigned long long)res->elems,
		    s);
		return;
	}
	printf("%-7s %s: %llu elements, %llu records, %llu errors, "
	    "median %.3f s, %.0f elements/s\n", mode, path,
	    (unsigned long long)res->elems, (unsigned long long)res->records,
	    (unsigned long long)res->errors, s,
	    s > 0 ? res->elems / s : 0.0);
}

static void
bench_mrt_usage(void)
{
	fprintf(stderr, "usage: bench-mrt [-p] [-n runs] file ...\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct bench_mrt_result	 res;
	uint8_t			*buf;
	size_t			 len;
	double			 s;
	int			 ch, i, runs = 5, parse = 0, rv = 0;
	char			*end;

	while ((ch = getopt(argc, argv, "n:p")) != -1) {
		switch (ch) {
		case 'n':
			runs = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || runs < 1 ||
			    runs > BENCH_MRT_MAXRUNS)
				bench_mrt_usage();
			break;
		case 'p':
			parse = 1;
			break;
		default:
			bench_mrt_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		bench_mrt_usage();

	for (i = 0; i < argc; i++) {
		if ((s = bench_mrt_time(argv[i], NULL, 0, runs, &res)) < 0) {
			rv = 1;
			continue;
		}
		bench_mrt_report("file", argv[i], parse, s, &res);

		if ((buf = bench_mrt_load(argv[i], &len)) == NULL) {
			rv = 1;
			continue;
		}
		/* decode_mrt_mem() takes raw MRT only. */
		if (len >= 3 && ((buf[0] == 0x1f && buf[1] == 0x8b) ||
		    memcmp(buf, "BZh", 3) == 0)) {
			if (!parse)
				printf("memory  %s: compressed, skipped\n",
				    argv[i]);
		} else {
			s = bench_mrt_time(argv[i], buf, len, runs, &res);
			bench_mrt_report("memory", argv[i], parse, s, &res);
		}
		free(buf);
	}
	return (rv);
}
