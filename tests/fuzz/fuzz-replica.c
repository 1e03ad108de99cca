/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness for a viewer's replica (core/replica.c): the frames
 * come from whatever answers on the control socket.  Each line of the
 * input is one frame, applied to a model made from a small
 * configuration; the model must stay consistent (counts within bounds,
 * strings NUL-terminated and sanitised) and free cleanly.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/config.h"
#include "core/model.h"
#include "core/replica.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char conf[] =
    "partner \"contoso\" as 64500 {\n"
    "\tsession \"lon-r1-msft\" neighbor 192.0.2.1 router \"lon-r1\" "
    "edge lon role primary\n"
    "}\n"
    "branch \"london-office\" {\n"
    "\tpartner \"contoso\"\n"
    "\taddress 81.2.69.10\n"
    "\tprefix 81.2.69.0/24 origin 64501\n"
    "}\n"
    "bmp listen 127.0.0.1 port 11019\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model	*m = model_new();
	struct edge	 e = { .code = "lon", .metro = "London" };
	struct replica	 rp;
	const char	*p = (const char *)data, *end = p + size, *nl;
	json_t		*o;
	char		*cause = NULL;
	unsigned	 n = 0;
	size_t		 i;

	model_edge_set(m, &e);
	if (config_parse_buffer(m, "f.conf", conf, sizeof conf - 1, &cause))
		abort();
	m->replica = 1;
	memset(&rp, 0, sizeof rp);
	rp.m = m;
	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if ((o = json_loadb(p, (size_t)(nl - p), 0, NULL)) != NULL) {
			(void)replica_apply(&rp, o, &cause);
			free(cause);
			cause = NULL;
			json_decref(o);
		}
		p = nl + 1;
	}
	if (m->nevents > MODEL_EVENTS_MAX)
		abort();
	for (i = 0; i < 4; i++)
		n += m->level_counts[i];
	if (n != m->nevents)
		abort();
	for (i = 0; i < m->nevents; i++)
		if (memchr(model_event(m, i)->summary, '\0',
		    sizeof model_event(m, i)->summary) == NULL ||
		    strchr(model_event(m, i)->summary, '\x1b') != NULL)
			abort();
	if (strchr(m->sessions[0]->last_error, '\x1b') != NULL)
		abort();
	model_free(m);
	return (0);
}
