/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness for the configuration parser: each input is parsed as
 * a whole file into a fresh model that holds a small edge catalogue (so
 * session edge codes can resolve), then the model is freed; then the
 * history's redacted copy is made of it (config_redact()).  Any crash,
 * hang, leak or sanitizer report is a bug; parse errors are expected.
 * Without --enable-fuzzing, tests/fuzz/driver.c runs this over the seeds.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/model.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct edge edges[] = {
		{ "sea", "Seattle", "US", 47.61, -122.33, "ER|PL" },
		{ "lax", "Los Angeles", "US", 34.05, -118.24, "ER|PL" },
		{ "ams", "Amsterdam", "NL", 52.37, 4.90, "ER|PL|PS" },
		{ "lon", "London", "GB", 51.51, -0.13, "ER|PL" },
	};
	struct model	*m;
	char		*cause = NULL, *redacted;
	size_t		 i, rlen;

	m = model_new();
	for (i = 0; i < sizeof edges / sizeof edges[0]; i++)
		model_edge_set(m, &edges[i]);
	/*
	 * A name without a directory: includes resolve against the cwd, and
	 * the parser only opens regular files without blocking.
	 */
	if (config_parse_buffer(m, "fuzz.conf", (const char *)data, size,
	    &cause) == -1) {
		/* Every error names where it happened. */
		if (cause == NULL || strncmp(cause, "fuzz.conf:", 10) != 0)
			abort();
	} else if (cause != NULL)
		abort();
	free(cause);
	model_free(m);

	/* The history's copy: any input, a NUL-terminated text or NULL. */
	if ((redacted = config_redact("fuzz.conf", (const char *)data, size,
	    &rlen)) != NULL) {
		if (strlen(redacted) > rlen)
			abort();
		free(redacted);
	}
	return (0);
}
