/* SPDX-License-Identifier: ISC */
/*
 * Bounded read cursor (see buf.h).  Each function either consumes exactly
 * what it was asked for or nothing at all.
 */
#include <string.h>

#include "core/buf.h"

void
buf_init(struct buf *b, const void *p, size_t len)
{
	b->p = p;
	b->len = len;
	b->off = 0;
}

const uint8_t *
buf_ptr(const struct buf *b)
{
	return (b->p + b->off);
}

size_t
buf_offset(const struct buf *b)
{
	return (b->off);
}

int
buf_get(struct buf *b, void *dst, size_t n)
{
	if (buf_left(b) < n)
		return (-1);
	if (n != 0)
		memcpy(dst, b->p + b->off, n);
	b->off += n;
	return (0);
}

int
buf_since(const struct buf *mark, const struct buf *b, struct buf *out)
{
	if (mark->p != b->p || mark->len != b->len || mark->off > b->off)
		return (-1);
	buf_init(out, b->p + mark->off, b->off - mark->off);
	return (0);
}

int
buf_get_u64(struct buf *b, uint64_t *v)
{
	uint32_t	 hi = 0, lo = 0;

	if (buf_left(b) < 8)
		return (-1);
	buf_get_u32(b, &hi);
	buf_get_u32(b, &lo);
	*v = (uint64_t)hi << 32 | lo;
	return (0);
}
