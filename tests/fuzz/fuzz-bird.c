/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness for the BIRD decoder: each input is a byte stream as
 * read from a control socket (greeting, then replies).  It is fed to the
 * reply reader twice, once whole and once in chunks whose sizes come from
 * the input, and every complete reply goes through the protocol decoder;
 * both runs must agree, and every decoded string must be terminated and
 * free of control characters.  Errors are expected; crashes, hangs, leaks
 * and disagreements are bugs.  Without --enable-fuzzing, tests/fuzz/driver.c
 * runs this over the seeds.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/decode-bird.h"

/* A fixed clock (2026-11-25 19:05:40 UTC): results must not drift. */
#define FUZZ_BIRD_NOW	INT64_C(1795633540000)
#define FUZZ_BIRD_MAX	64	/* protocols remembered for comparison */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct fuzz_bird_run {
	int		 results[FUZZ_BIRD_MAX];	/* per reply */
	size_t		 nresults;
	size_t		 nprotos;
	uint32_t	 hash;
	int		 failed;
};

static void
fuzz_bird_check_str(const char *s, size_t size)
{
	size_t	 i;

	if (memchr(s, '\0', size) == NULL)
		abort();
	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			abort();
}

static uint32_t
fuzz_bird_hash(uint32_t h, const void *p, size_t len)
{
	const unsigned char	*c = p;
	size_t			 i;

	for (i = 0; i < len; i++)
		h = (h ^ c[i]) * 16777619u;
	return (h);
}

static void
fuzz_bird_reply(struct fuzz_bird_run *run, const struct decode_bird_reply *r)
{
	struct bird_proto	*ps;
	size_t			 n, i;
	char			*cause = NULL;
	int			 rv;

	rv = decode_bird_protocols(r, FUZZ_BIRD_NOW, &ps, &n, &cause);
	if (run->nresults < FUZZ_BIRD_MAX)
		run->results[run->nresults++] = rv;
	if (rv != 0) {
		if (cause == NULL || ps != NULL)
			abort();
		free(cause);
		return;
	}
	for (i = 0; i < n; i++) {
		fuzz_bird_check_str(ps[i].name, sizeof ps[i].name);
		fuzz_bird_check_str(ps[i].proto, sizeof ps[i].proto);
		fuzz_bird_check_str(ps[i].table, sizeof ps[i].table);
		fuzz_bird_check_str(ps[i].state, sizeof ps[i].state);
		fuzz_bird_check_str(ps[i].since, sizeof ps[i].since);
		fuzz_bird_check_str(ps[i].info, sizeof ps[i].info);
		fuzz_bird_check_str(ps[i].bgp_state, sizeof ps[i].bgp_state);
		fuzz_bird_check_str(ps[i].last_error, sizeof ps[i].last_error);
		fuzz_bird_check_str(ps[i].description,
		    sizeof ps[i].description);
		fuzz_bird_check_str(ps[i].message, sizeof ps[i].message);
		if ((unsigned)ps[i].state_bgp > BGP_ADMIN_DOWN)
			abort();
		run->hash = fuzz_bird_hash(run->hash, &ps[i], sizeof ps[i]);
	}
	run->nprotos += n;
	free(ps);
}

/* chunk 0: all at once; otherwise sizes taken from the input itself. */
static void
fuzz_bird_feed(struct fuzz_bird_run *run, const uint8_t *data, size_t size,
    int chunked)
{
	struct decode_bird_reply r;
	size_t			 off = 0, len, used, k = 0;
	char			*cause = NULL;
	int			 rv;

	memset(run, 0, sizeof *run);
	run->hash = 2166136261u;
	decode_bird_reply_init(&r);
	while (off < size) {
		len = size - off;
		if (chunked && size > 0) {
			len = 1 + data[k++ % size] % 61;
			if (len > size - off)
				len = size - off;
		}
		rv = decode_bird_reply_feed(&r, data + off, len, &used, &cause);
		if (used > len)
			abort();
		off += used;
		if (rv == -1) {
			if (cause == NULL)
				abort();
			free(cause);
			cause = NULL;
			run->failed = 1;
			break;
		}
		if (rv == 1) {
			fuzz_bird_reply(run, &r);
			decode_bird_reply_reset(&r);
		} else if (used != len)
			abort();
	}
	if (!run->failed && decode_bird_reply_eof(&r, &cause) != 0)
		free(cause);
	decode_bird_reply_free(&r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_bird_run	 whole, chunks;
	char			 since[40];
	int64_t			 t;

	fuzz_bird_feed(&whole, data, size, 0);
	fuzz_bird_feed(&chunks, data, size, 1);
	if (whole.failed != chunks.failed || whole.nresults != chunks.nresults ||
	    whole.nprotos != chunks.nprotos || whole.hash != chunks.hash ||
	    memcmp(whole.results, chunks.results,
	    whole.nresults * sizeof whole.results[0]) != 0)
		abort();

	/* The time parser on its own, on a bounded prefix. */
	if (size < sizeof since) {
		memcpy(since, data, size);
		since[size] = '\0';
		(void)decode_bird_since(since, FUZZ_BIRD_NOW, &t);
	}
	return (0);
}
