/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness for the Prometheus response parser (core/latency-prom.c):
 * the body comes from whatever answers on the configured port.  Every result
 * must be consistent (samples within the series count, sanitised strings
 * NUL-terminated, an error text on failure) and freed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/latency-prom.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prom_map		 map = { "branch", "edge", "instance", 1e6,
				    0 };
	struct prom_result	 r;
	enum prom_status	 st;
	size_t			 i;

	/* The first byte picks NaN handling, so both paths get fuzzed. */
	if (size > 0)
		map.nan_is_loss = data[0] & 1;
	st = latency_prom_parse((const char *)data, size, &map, &r);
	if (st != PROM_OK && r.error[0] == '\0')
		abort();
	if (r.nsamples > r.nseries || r.nkept > PROM_SERIES_ERRORS_MAX)
		abort();
	for (i = 0; i < r.nsamples; i++) {
		if (memchr(r.samples[i].branch, '\0', PROM_NAME_MAX) == NULL ||
		    r.samples[i].branch[0] == '\0' ||
		    (!r.samples[i].lost &&
		    r.samples[i].rtt_us > PROM_RTT_MAX_US))
			abort();
	}
	latency_prom_result_stale(&r, 1700000000000LL, 30000);
	latency_prom_result_free(&r);
	return (0);
}
