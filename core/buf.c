/*
 * Bounded read cursor (see buf.h).  Each function either consumes exactly
 * what it was asked for or nothing at all.
 */
#include <string.h>

#include "buf.h"

void
buf_init(struct buf *b, const void *p, size_t len)
{
	b->p = p;
	b->len = len;
	b->off = 0;
}

size_t
buf_left(const struct buf *b)
{
	return (b->len - b->off);
}

const uint8_t *
buf_ptr(const struct buf *b)
{
	return (b->p + b->off);
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
buf_skip(struct buf *b, size_t n)
{
	if (buf_left(b) < n)
		return (-1);
	b->off += n;
	return (0);
}

int
buf_sub(struct buf *b, struct buf *sub, size_t n)
{
	if (buf_left(b) < n)
		return (-1);
	buf_init(sub, b->p + b->off, n);
	b->off += n;
	return (0);
}

int
buf_get_u8(struct buf *b, uint8_t *v)
{
	if (buf_left(b) < 1)
		return (-1);
	*v = b->p[b->off++];
	return (0);
}

int
buf_get_u16(struct buf *b, uint16_t *v)
{
	const uint8_t	*p;

	if (buf_left(b) < 2)
		return (-1);
	p = b->p + b->off;
	*v = (uint16_t)(p[0] << 8 | p[1]);
	b->off += 2;
	return (0);
}

int
buf_get_u32(struct buf *b, uint32_t *v)
{
	const uint8_t	*p;

	if (buf_left(b) < 4)
		return (-1);
	p = b->p + b->off;
	*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
	b->off += 4;
	return (0);
}

int
buf_get_u64(struct buf *b, uint64_t *v)
{
	uint32_t	 hi, lo;

	if (buf_left(b) < 8)
		return (-1);
	buf_get_u32(b, &hi);
	buf_get_u32(b, &lo);
	*v = (uint64_t)hi << 32 | lo;
	return (0);
}
