/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness for the RPKI readers (core/vrp.c, core/vrp-slurm.c):
 * each input is read as a VRP JSON file and as a SLURM file.  A VRP set
 * that loads is indexed, a few routes are validated and their covering
 * VRPs listed, and it is diffed against the same set after the SLURM
 * file (when that loads too) is applied.  Any crash, leak or sanitizer
 * report is a bug; a rejected file must say where ("fuzz.json...") and
 * must leave the set as it was.  Without --enable-fuzzing,
 * tests/fuzz/driver.c runs this over the seeds.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/vrp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const routes[] = {
		"0.0.0.0/0", "1.0.0.0/24", "10.0.0.0/8", "192.0.2.128/25",
		"255.255.255.255/32", "::/0", "2001:db8::/32",
		"2001:610:240::/48", "ffff::1/128",
	};
	struct vrp_set		*s = vrp_set_new(), *t;
	struct vrp_slurm	*sl;
	struct vrp_index	*a, *b;
	struct vrp_diff		 d;
	const struct vrp	*cov[4];
	struct prefix		 p;
	char			*cause = NULL;
	size_t			 i;

	if (vrp_set_load_buf(s, "fuzz.json", (const char *)data, size,
	    &cause) != 0) {
		if (cause == NULL || strncmp(cause, "fuzz.json", 9) != 0 ||
		    s->n != 0 || s->naspa != 0)
			abort();
		free(cause);
		cause = NULL;
	}
	if ((sl = vrp_slurm_load_buf("fuzz.json", (const char *)data, size,
	    &cause)) == NULL) {
		if (cause == NULL || strncmp(cause, "fuzz.json", 9) != 0)
			abort();
		free(cause);
	}

	a = vrp_index_new(s);
	for (i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		if (prefix_parse(routes[i], &p) != 0)
			abort();
		(void)vrp_validate(a, &p, 13335);
		(void)vrp_validate(a, &p, 0);
		if (vrp_covering(a, &p, cov, 4) > vrp_index_count(a))
			abort();
	}
	for (i = 0; i < s->naspa; i++)
		if (vrp_set_aspa_find(s, s->aspa[i].customer,
		    s->aspa[i].afi) == NULL)
			abort();
	t = vrp_set_new();
	for (i = 0; i < s->n; i++)
		vrp_set_add(t, &s->v[i]);
	if (sl != NULL)
		(void)vrp_slurm_apply(sl, t);
	b = vrp_index_new(t);
	vrp_diff(a, b, &d);
	if (d.nadded > vrp_index_count(b) || d.nremoved > vrp_index_count(a))
		abort();
	vrp_diff_free(&d);

	vrp_index_free(a);
	vrp_index_free(b);
	vrp_set_free(t);
	vrp_set_free(s);
	vrp_slurm_free(sl);
	return (0);
}
