/* SPDX-License-Identifier: ISC */
/*
 * SipHash-1-3 (see siphash.h), written from the paper's description:
 * four 64-bit words of state initialised from the key, each 8-byte
 * little-endian word of input XORed into v3, one SipRound, XORed into
 * v0; the last word holds the remaining bytes with the length (mod 256)
 * in its top byte; then 0xff into v2 and three SipRounds, and the XOR
 * of the four words is the hash.
 */
#include <sys/types.h>
#ifdef HAVE_GETRANDOM
#include <sys/random.h>
#endif

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/siphash.h"

#define ROTL(x, b)	(((x) << (b)) | ((x) >> (64 - (b))))

/* Eight bytes as a little-endian word: one load where that is native. */
static uint64_t
siphash_le64(const uint8_t *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t	v;

	memcpy(&v, p, sizeof v);
	return (v);
#else
	return ((uint64_t)p[0] | (uint64_t)p[1] << 8 |
	    (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
	    (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
	    (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56);
#endif
}

/* The ARX round of the paper's figure. */
#define SIPROUND(v0, v1, v2, v3) do {					\
	v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);	\
	v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;				\
	v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;				\
	v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);	\
} while (0)

uint64_t
siphash13(const struct siphash_key *k, const void *data, size_t len)
{
	const uint8_t	*p = data, *end = p + (len & ~(size_t)7);
	uint64_t	 v0, v1, v2, v3, m;
	size_t		 i;

	/* "somepseudorandomlygeneratedbytes" */
	v0 = k->k0 ^ 0x736f6d6570736575ULL;
	v1 = k->k1 ^ 0x646f72616e646f6dULL;
	v2 = k->k0 ^ 0x6c7967656e657261ULL;
	v3 = k->k1 ^ 0x7465646279746573ULL;
	for (; p < end; p += 8) {
		m = siphash_le64(p);
		v3 ^= m;
		SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	m = (uint64_t)(len & 0xff) << 56;
	for (i = 0; i < (len & 7); i++)
		m |= (uint64_t)p[i] << (8 * i);
	v3 ^= m;
	SIPROUND(v0, v1, v2, v3);
	v0 ^= m;
	v2 ^= 0xff;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	return (v0 ^ v1 ^ v2 ^ v3);
}

/* /dev/urandom, whole or not at all. */
static int
siphash_urandom(void *buf, size_t len)
{
	ssize_t	n;
	size_t	got = 0;
	int	fd;

	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) == -1)
		return (-1);
	while (got < len) {
		if ((n = read(fd, (char *)buf + got, len - got)) <= 0)
			break;
		got += n;
	}
	close(fd);
	return (got == len ? 0 : -1);
}

int
siphash_key_random(struct siphash_key *k)
{
	uint8_t		 b[16];
	struct timespec	 ts;

#if defined(HAVE_GETRANDOM)
	/* Early at boot this would block: /dev/urandom does not. */
	if (getrandom(b, sizeof b, GRND_NONBLOCK) == (ssize_t)sizeof b)
		goto done;
#endif
#if defined(HAVE_ARC4RANDOM_BUF)
	arc4random_buf(b, sizeof b);
	goto done;
#endif
	if (siphash_urandom(b, sizeof b) == 0)
		goto done;

	/* Nothing random at hand: what an outsider cannot know exactly. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	k->k0 = (uint64_t)ts.tv_nsec << 32 ^ (uint64_t)ts.tv_sec;
	clock_gettime(CLOCK_REALTIME, &ts);
	k->k1 = (uint64_t)ts.tv_nsec ^ (uint64_t)getpid() << 32 ^
	    (uint64_t)(uintptr_t)&ts;
	return (-1);
done:
	k->k0 = siphash_le64(b);
	k->k1 = siphash_le64(b + 8);
	return (0);
}
