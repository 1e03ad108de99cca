/*
 * Non-interactive output of the model (--once, Q snapshot): one const
 * table of formats, each printing sessions, branches, redundancy and
 * recent events.
 */
#ifndef PEERTOP_OUTPUT_H
#define PEERTOP_OUTPUT_H

#include <stdio.h>

#include "model.h"

struct output {
	const char	*name;		/* "text", "json" */
	void		(*print)(FILE *, const struct model *, size_t nevents);
};

const struct output *output_find(const char *name);
/* Exit status for --once: 0 OK, 1 warning, 2 critical. */
int	 output_status(const struct model *);

#endif
