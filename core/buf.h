/* SPDX-License-Identifier: ISC */
/*
 * A bounded read cursor for wire formats (BGP, BMP, MRT).  Every read
 * checks the remaining length and returns -1 on underrun, so decoders
 * chain reads with || into one "goto fail" and never step a pointer by
 * hand (OpenBGPD's ibuf style).  Multi-byte integers are big-endian
 * (network order).  A cursor never owns its bytes.
 *
 * The fixed-size readers are inline: they run for every attribute of
 * every RIB entry loaded, where a call each would show in the load time.
 */
#ifndef PEERTOP_BUF_H
#define PEERTOP_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
	const uint8_t	*p;
	size_t		 len;
	size_t		 off;
};

void	 buf_init(struct buf *, const void *, size_t);
/* Pointer to the unread bytes (valid for buf_left() bytes), to hand a
 * whole field to an API that takes pointer and length. */
const uint8_t *buf_ptr(const struct buf *);
/* Bytes read so far (error positions). */
size_t	 buf_offset(const struct buf *);

int	 buf_get_u64(struct buf *, uint64_t *);
int	 buf_get(struct buf *, void *, size_t);
/*
 * The bytes read between mark (a copy of b taken earlier) and b, as
 * their own cursor: a field re-read or copied whole after it was parsed.
 */
int	 buf_since(const struct buf *mark, const struct buf *b, struct buf *);

static inline size_t
buf_left(const struct buf *b)
{
	return (b->len - b->off);
}

/* The next byte without consuming it. */
static inline int
buf_peek_u8(const struct buf *b, uint8_t *v)
{
	if (b->off >= b->len)
		return (-1);
	*v = b->p[b->off];
	return (0);
}

static inline int
buf_get_u8(struct buf *b, uint8_t *v)
{
	if (b->off >= b->len)
		return (-1);
	*v = b->p[b->off++];
	return (0);
}

static inline int
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

static inline int
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

static inline int
buf_skip(struct buf *b, size_t n)
{
	if (buf_left(b) < n)
		return (-1);
	b->off += n;
	return (0);
}

/* The next len bytes as their own cursor (nested TLVs); skips them here. */
static inline int
buf_sub(struct buf *b, struct buf *sub, size_t n)
{
	if (buf_left(b) < n)
		return (-1);
	sub->p = b->p + b->off;
	sub->len = n;
	sub->off = 0;
	b->off += n;
	return (0);
}

#endif
