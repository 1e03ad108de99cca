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
/*
 * One event: a line "2015-04-01T00:00:04Z Warning Type [subject]
 * summary" (UTC), or a JSON object without a newline.
 */
void	 output_event_text(FILE *, const struct event *);
void	 output_event_json(FILE *, const struct event *);

#endif
