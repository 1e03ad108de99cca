/* SPDX-License-Identifier: ISC */
/*
 * The table of collector kinds.  The configuration keyword of a collector
 * ("bird") selects its operations here, so adding a source means adding a
 * line, not a case to every switch.
 */
#include <string.h>

#include "core/collector.h"
#include "core/notify.h"

const struct collector_ops *collector_table[] = {
	&collector_bird,
	&collector_bmp,
	&collector_probe,
	&collector_prom,
	&collector_ingest,
	&collector_notify,
	NULL
};

const struct collector_ops *
collector_find(const char *name)
{
	size_t	 i;

	for (i = 0; collector_table[i] != NULL; i++)
		if (strcmp(collector_table[i]->name, name) == 0)
			return (collector_table[i]);
	return (NULL);
}
