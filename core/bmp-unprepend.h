/* SPDX-License-Identifier: ISC */
/*
 * Some BMP speakers put their own AS in front of the AS_PATH of the
 * Adj-RIB-In routes they report: FRR up to 10.x encodes Route Monitoring
 * with the attribute writer it uses towards an eBGP peer, which prepends
 * the local AS (FRRouting/frr#21815, fixed in 2026).  A route an eBGP
 * neighbor sent can never start with the receiver's own AS (RFC 4271
 * 5.1.2: the neighbor put its own AS first, and 9.1.2 drops a path with
 * the receiver's AS in it), so a pre-policy Adj-RIB-In path from an eBGP
 * neighbor that starts with the monitored router's AS starts with that
 * artefact.  The caller leaves post-policy Adj-RIB-In, Adj-RIB-Out
 * (RFC 8671) and Loc-RIB alone: an import policy may prepend the
 * router's own AS, and an export adds it, so there it may belong.
 */
#ifndef PEERTOP_BMP_UNPREPEND_H
#define PEERTOP_BMP_UNPREPEND_H

#include <stddef.h>
#include <stdint.h>

/*
 * body/len: a BGP UPDATE after its 19-byte header; as4: its AS_PATH has
 * 4-octet ASNs.  If the AS_PATH's first segment is an AS_SEQUENCE whose
 * first ASN is asn, writes the UPDATE without that one ASN to out (len
 * bytes are enough) and returns its length.  Returns 0 when there is
 * nothing to remove, and also when the UPDATE is malformed (the caller
 * passes the original on, and the RIB says what is wrong with it).
 * *first (may be NULL) is the path's first ASN when it starts with an
 * AS_SEQUENCE, else 0 (no AS_PATH, an AS_SET first, malformed).
 */
size_t	 bmp_unprepend(const uint8_t *body, size_t len, int as4,
	    uint32_t asn, uint8_t *out, uint32_t *first);

#endif
