/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness for the ingest batch parser (core/latency-ingest.c): the
 * body comes from whoever reaches the ingest port.  A batch is all or nothing:
 * on failure nothing is left and an error says why; on success every
 * name is non-empty (the target may be), NUL-terminated and free of
 * control characters, every time within the limits and every RTT either
 * -1 or at most a minute.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/latency-ingest.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Set, non-empty unless empty_ok, and no byte below 0x20 or 0x7f. */
static int
fuzz_ingest_name_ok(const char *s, int empty_ok)
{
	size_t	 i, len;

	if (memchr(s, '\0', NAME_MAX_PT) == NULL)
		return (0);
	len = strlen(s);
	if (len == 0 && !empty_ok)
		return (0);
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return (0);
	return (1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ingest_limits	 lim;
	struct ingest_batch	 b;
	const struct ingest_sample *s;
	char			 err[INGEST_ERR_MAX];
	size_t			 i;

	/* A fixed "now" near the seeds' times keeps runs reproducible. */
	memset(&lim, 0, sizeof lim);
	lim.now_ms = 1764000000000LL;
	lim.max_samples = 64;
	if (latency_ingest_parse((const char *)data, size, &lim, &b,
	    err) != 0) {
		if (err[0] == '\0' || b.samples != NULL || b.nsamples != 0)
			abort();
		return (0);
	}
	if (b.nsamples > lim.max_samples || !fuzz_ingest_name_ok(b.agent, 0))
		abort();
	for (i = 0; i < b.nsamples; i++) {
		s = &b.samples[i];
		if (!fuzz_ingest_name_ok(s->branch, 0) ||
		    !fuzz_ingest_name_ok(s->edge, 0) ||
		    !fuzz_ingest_name_ok(s->target, 1))
			abort();
		if (s->time_ms < lim.now_ms - 7LL * 86400 * 1000 ||
		    s->time_ms > lim.now_ms + 5LL * 60 * 1000)
			abort();
		if (s->rtt_us < -1 || s->rtt_us > INGEST_RTT_MAX_US)
			abort();
	}
	latency_ingest_batch_free(&b);
	return (0);
}
