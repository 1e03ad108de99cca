/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness for the MRT reader and decoder (core/decode-mrt.c)
 * and the bgpdump -m formatter (core/mrt-dump.c): the input is a raw MRT
 * stream.  Every record either decodes or fails with a cause that names
 * the record and its offset; the reader always ends.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/decode-mrt.h"
#include "core/mrt-dump.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE		*devnull;
	struct mrt_reader	*r;
	struct mrt_decoder	 d;
	struct mrt_record	 rec;
	char			*cause = NULL;
	int			 rv;

	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	r = decode_mrt_mem(data, size, "fuzz");
	decode_mrt_init(&d);
	while ((rv = decode_mrt_next(r, &rec, &cause)) == 1) {
		if (rec.len > size)
			abort();
		if (decode_mrt_record(&d, &rec, "fuzz", mrt_dump_elem,
		    devnull, &cause) != 0) {
			if (cause == NULL || strstr(cause, " at offset ") ==
			    NULL)
				abort();
			free(cause);
			cause = NULL;
		}
	}
	if (rv == -1) {
		if (cause == NULL || strncmp(cause, "fuzz: record ", 13) != 0)
			abort();
		free(cause);
	}
	decode_mrt_free(&d);
	decode_mrt_close(r);
	return (0);
}
