/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness for the CAIDA AS relationships reader (core/asrel.c):
 * each input is a whole file, plain or bzip2.  A load that fails must say
 * where ("fuzz.txt:" or "fuzz.txt: " for a damaged bzip2 stream).  A
 * loaded table must be consistent: every relationship read both ways is
 * the mirror of the other, and the valley-free check of a path made of
 * the input's numbers must end, name a leaker that is on the path, and
 * describe it in a terminated string.  Without --enable-fuzzing,
 * tests/fuzz/driver.c runs this over the seeds.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/asrel.h"

#define FUZZ_ASREL_PATH	64

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static enum asrel_rel
fuzz_asrel_mirror(enum asrel_rel r)
{
	return (r == ASREL_P2C ? ASREL_C2P : r == ASREL_C2P ? ASREL_P2C : r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct asrel		*r;
	struct asrel_leak	 l;
	uint32_t		 path[FUZZ_ASREL_PATH];
	size_t			 n = 0, i;
	const char		*s = (const char *)data, *end = s + size;
	char			*cause = NULL, *e, buf[256];
	unsigned long		 v;
	enum asrel_vf		 vf;

	if ((r = asrel_load_mem("fuzz.txt", data, size, &cause)) == NULL) {
		if (cause == NULL || strncmp(cause, "fuzz.txt:", 9) != 0)
			abort();
		free(cause);
		return (0);
	}
	if (cause != NULL)
		abort();

	/* The numbers of the input, in order, as a path. */
	while (s < end && n < FUZZ_ASREL_PATH) {
		if (*s < '0' || *s > '9') {
			s++;
			continue;
		}
		v = 0;
		for (e = (char *)(uintptr_t)s; e < end && *e >= '0' &&
		    *e <= '9' && v < 0xffffffffUL; e++)
			v = v * 10 + (unsigned long)(*e - '0');
		path[n++] = (uint32_t)v;
		s = e;
	}
	for (i = 0; i + 1 < n; i++) {
		if (asrel_get(r, path[i], path[i + 1]) !=
		    fuzz_asrel_mirror(asrel_get(r, path[i + 1], path[i])))
			abort();
	}
	for (i = 0; i <= ASREL_P2P; i++) {
		vf = asrel_valley_free(r, path, n, (enum asrel_rel)i, &l);
		if (vf == ASREL_VF_LEAK) {
			size_t	 j;

			for (j = 0; j < n && path[j] != l.leaker; j++)
				;
			if (j == n || !l.found)
				abort();
			asrel_leak_str(&l, buf, sizeof buf);
			if (memchr(buf, '\0', sizeof buf) == NULL ||
			    buf[0] == '\0')
				abort();
		} else if (l.found || l.leaker != 0)
			abort();
	}
	asrel_free(r);
	return (0);
}
