/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness for the world map loader (core/world.c): the shipped
 * data/world.map is trusted input, but a packager's or a user's copy may
 * not be, and the loader runs before the dashboard starts.  Every input
 * either loads with every point in range or fails with a message that
 * names the file.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/world.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct world	*w;
	char		*cause = NULL;
	size_t		 i, j;

	w = world_parse("fuzz.map", (const char *)data, size, &cause);
	if (w == NULL) {
		if (cause == NULL || strncmp(cause, "fuzz.map:", 9) != 0)
			abort();
		free(cause);
		return (0);
	}
	for (i = 0; i < w->nlines; i++)
		for (j = 0; j < w->lines[i].npts; j++)
			if (w->lines[i].pts[j].lon < -180 ||
			    w->lines[i].pts[j].lon > 180 ||
			    w->lines[i].pts[j].lat < -90 ||
			    w->lines[i].pts[j].lat > 90)
				abort();
	world_free(w);
	return (0);
}
