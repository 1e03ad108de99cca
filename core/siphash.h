/* SPDX-License-Identifier: ISC */
/*
 * SipHash-1-3 (Aumasson and Bernstein, "SipHash: a fast short-input
 * PRF", 2012): a keyed 64-bit hash for tables whose keys come from the
 * network.  With a secret random key an outsider cannot choose inputs
 * that collide, which an unkeyed hash over attribute bytes any AS can
 * set would allow (a full table crafted to land in one chain).  One
 * compression and three finalisation rounds, as the authors' reduced
 * variant that CPython and Rust use for their hash tables.
 */
#ifndef PEERTOP_SIPHASH_H
#define PEERTOP_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

struct siphash_key {
	uint64_t	k0;
	uint64_t	k1;
};

uint64_t siphash13(const struct siphash_key *, const void *, size_t);

/*
 * A random key: getrandom(2) if it need not wait, else arc4random_buf(3),
 * else /dev/urandom; if none of them answers, the clock, the process id
 * and an address, which an outsider can guess at best roughly (better
 * than a fixed key, not secret).  Returns 0, or -1 when it had to fall
 * back that far.  The RIB needs no fixed key for reproducible tests:
 * the key changes only where sets sit in the table, never what a lookup
 * finds.
 */
int	 siphash_key_random(struct siphash_key *);

#endif
