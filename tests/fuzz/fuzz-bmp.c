/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness for the BMP framer and decoder (core/decode-bmp.c):
 * routers are trusted to speak BMP, not to speak it well, and one bad
 * message must only close that router's connection.  The input is fed in
 * chunks whose sizes come from its first byte; every framed message is
 * decoded with one context, as the collector does.  Errors must carry a
 * cause; everything decoded is freed.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/decode-bmp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bmp_framer	 fr;
	struct bmp_ctx		 c;
	struct bmp_msg		*m;
	const uint8_t		*p;
	size_t			 off = 1, chunk, len;
	uint64_t		 moff;
	char			*cause = NULL;
	int			 rv = 0;

	if (size < 1)
		return (0);
	chunk = data[0] == 0 ? size : data[0];
	m = xmalloc(sizeof *m);
	decode_bmp_framer_init(&fr);
	decode_bmp_ctx_init(&c);
	while (off < size && rv != -1) {
		if (chunk > size - off)
			chunk = size - off;
		if (decode_bmp_framer_feed(&fr, data + off, chunk,
		    &cause) == -1)
			abort();
		off += chunk;
		while ((rv = decode_bmp_framer_next(&fr, &p, &len, &moff,
		    &cause)) == 1) {
			if (len < BMP_HDR_LEN || len > BMP_MSG_MAX)
				abort();
			if (decode_bmp(&c, p, len, moff, m, &cause) == -1) {
				if (cause == NULL)
					abort();
				free(cause);
				cause = NULL;
				continue;
			}
			decode_bmp_msg_free(m);
		}
		if (rv == -1) {
			if (cause == NULL)
				abort();
			free(cause);
			cause = NULL;
		}
	}
	decode_bmp_framer_free(&fr);
	decode_bmp_ctx_free(&c);
	free(m);
	return (0);
}
