/* SPDX-License-Identifier: ISC */
/*
 * The turnup block (peertop.conf(5)): the sessions being brought up, for
 * the Turn-up view and "peertop turnup" when no PARTNER[/EDGE] is named
 * (core/turnup.c).  turnup { session "NAME" ... }: each a session
 * configured above the block, none twice.
 */

#include <stdlib.h>
#include <string.h>

#include "core/config-private.h"

static int	 cfg_turnup_session(struct parser *, const struct loc *,
		    void *);

static const struct keyword cfg_turnup_keywords[] = {
	{ "session", cfg_turnup_session },
	{ NULL, NULL }
};

int
cfg_turnup(struct parser *p, const struct loc *kw, void *arg CFG_UNUSED)
{
	struct token	*close;

	if (p->m->nturnup_sessions > 0)
		return (cfg_lex_error(&p->lx, kw, "turnup given twice"));
	if (cfg_lex_expect(&p->lx, TOK_LBRACE, NULL, "turnup") == -1 ||
	    cfg_block(p, cfg_turnup_keywords, NULL, "turnup", &close) == -1)
		return (-1);
	if (p->m->nturnup_sessions == 0)
		return (cfg_lex_error(&p->lx, &close->loc, "turnup names no "
		    "session"));
	return (0);
}

/* session "NAME": one of the sessions configured so far. */
static int
cfg_turnup_session(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg CFG_UNUSED)
{
	struct model	*m = p->m;
	struct token	*t;
	char		 name[NAME_MAX_PT], q[CFG_LEX_QUOTE_LEN];
	size_t		 i;

	if (cfg_lex_value(&p->lx, &t, "a session name after session") ==
	    -1 || cfg_lex_name(&p->lx, t, name, sizeof name,
	    "session name") == -1)
		return (-1);
	if (model_session_find(m, name) == NULL)
		return (cfg_lex_error(&p->lx, &t->loc, "turnup: unknown "
		    "session \"%s\" (configure it in a partner above)",
		    cfg_lex_quote(name, q, sizeof q)));
	for (i = 0; i < m->nturnup_sessions; i++)
		if (strcmp(m->turnup_sessions[i], name) == 0)
			return (cfg_lex_error(&p->lx, &t->loc, "turnup: "
			    "session \"%s\" given twice",
			    cfg_lex_quote(name, q, sizeof q)));
	m->turnup_sessions = xreallocarray(m->turnup_sessions,
	    m->nturnup_sessions + 1, sizeof *m->turnup_sessions);
	m->turnup_sessions[m->nturnup_sessions++] = xstrdup(name);
	return (0);
}
