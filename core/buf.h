/*
 * A bounded read cursor for wire formats (BGP, BMP, MRT).  Every read
 * checks the remaining length and returns -1 on underrun, so decoders
 * chain reads with || into one "goto fail" and never step a pointer by
 * hand (OpenBGPD's ibuf style).  Multi-byte integers are big-endian
 * (network order).  A cursor never owns its bytes.
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
size_t	 buf_left(const struct buf *);
/* Pointer to the unread bytes (valid for buf_left() bytes). */
const uint8_t *buf_ptr(const struct buf *);

int	 buf_get_u8(struct buf *, uint8_t *);
int	 buf_get_u16(struct buf *, uint16_t *);
int	 buf_get_u32(struct buf *, uint32_t *);
int	 buf_get_u64(struct buf *, uint64_t *);
int	 buf_get(struct buf *, void *, size_t);
int	 buf_skip(struct buf *, size_t);
/* The next len bytes as their own cursor (nested TLVs); skips them here. */
int	 buf_sub(struct buf *, struct buf *, size_t);

#endif
