/* SPDX-License-Identifier: ISC */
/*
 * Removing a BMP speaker's own AS from the front of an Adj-RIB-In
 * AS_PATH: see core/bmp-unprepend.h.
 */
#include <string.h>

#include "core/bmp-unprepend.h"

#define ATTR_EXTENDED	0x10	/* RFC 4271 4.3: two-octet attribute length */
#define ATTR_AS_PATH	2
#define SEG_SEQUENCE	2

static uint16_t
get16(const uint8_t *p)
{
	return ((uint16_t)(p[0] << 8 | p[1]));
}

static void
put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

size_t
bmp_unprepend(const uint8_t *body, size_t len, int as4, uint32_t asn,
    uint8_t *out, uint32_t *firstp)
{
	size_t		 wlen, alen, off, end, hlen, vlen, w, cut, cutlen;
	uint32_t	 first, none;
	const uint8_t	*seg;

	if (firstp == NULL)
		firstp = &none;
	*firstp = 0;
	w = as4 ? 4 : 2;
	if (len < 4)
		return (0);
	wlen = get16(body);
	if (2 + wlen + 2 > len)
		return (0);
	alen = get16(body + 2 + wlen);
	off = 2 + wlen + 2;
	end = off + alen;
	if (end > len)
		return (0);
	while (off < end) {
		if (end - off < 3)
			return (0);
		hlen = (body[off] & ATTR_EXTENDED) ? 4 : 3;
		if (end - off < hlen)
			return (0);
		vlen = hlen == 4 ? get16(body + off + 2) : body[off + 2];
		if (end - off - hlen < vlen)
			return (0);
		if (body[off + 1] != ATTR_AS_PATH) {
			off += hlen + vlen;
			continue;
		}
		seg = body + off + hlen;
		if (vlen < 2 + w || seg[0] != SEG_SEQUENCE || seg[1] == 0 ||
		    vlen < 2 + seg[1] * w)
			return (0);
		first = as4 ? (uint32_t)seg[2] << 24 | (uint32_t)seg[3] << 16 |
		    (uint32_t)seg[4] << 8 | seg[5] : get16(seg + 2);
		*firstp = first;
		if (first != asn)
			return (0);
		/* One ASN, or the whole segment when it was the only one. */
		if (seg[1] == 1) {
			cut = off + hlen;
			cutlen = 2 + w;
		} else {
			cut = off + hlen + 2;
			cutlen = w;
		}
		memcpy(out, body, cut);
		memcpy(out + cut, body + cut + cutlen, len - cut - cutlen);
		put16(out + 2 + wlen, alen - cutlen);
		if (hlen == 4)
			put16(out + off + 2, vlen - cutlen);
		else
			out[off + 2] = (uint8_t)(vlen - cutlen);
		if (seg[1] != 1)
			out[off + hlen + 1] = (uint8_t)(seg[1] - 1);
		return (len - cutlen);
	}
	return (0);
}
