/* SPDX-License-Identifier: ISC */
/*
 * control "PATH" [{ group NAME mode 0660 max-viewers N }]: where a
 * headless collector listens for viewers (core/control.c), and who may
 * attach.  The socket file's group and mode are the access control, as
 * for tmux's and bgpd's sockets.
 */

#include <sys/types.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/config-lex.h"
#include "core/config-private.h"
#include "core/model.h"
#include "core/util.h"

#define CONTROL_CLIENTS_MAX	1024

static int	 cfg_ctl_group(struct parser *, const struct loc *, void *);
static int	 cfg_ctl_mode(struct parser *, const struct loc *, void *);
static int	 cfg_ctl_clients(struct parser *, const struct loc *, void *);

static const struct keyword cfg_control_keywords[] = {
	{ "group", cfg_ctl_group },
	{ "mode", cfg_ctl_mode },
	{ "max-viewers", cfg_ctl_clients },
	{ NULL, NULL }
};

static int
cfg_ctl_group(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg CFG_UNUSED)
{
	struct token	*t;

	if (cfg_lex_value(&p->lx, &t, "a group name after group") == -1)
		return (-1);
	return (cfg_lex_name(&p->lx, t, p->m->control.group,
	    sizeof p->m->control.group, "group"));
}

/* An octal mode; the owner keeps read and write, nobody gets execute. */
static int
cfg_ctl_mode(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg CFG_UNUSED)
{
	struct token	*t;
	char		 q[CFG_LEX_QUOTE_LEN], *end;
	unsigned long	 v;

	if (cfg_lex_value(&p->lx, &t, "an octal mode after mode") == -1)
		return (-1);
	v = strtoul(t->text, &end, 8);
	if (t->type != TOK_WORD || t->text[0] == '\0' || *end != '\0' ||
	    v > 0777 || (v & 0600) != 0600 || (v & 0111) != 0)
		return (cfg_lex_error(&p->lx, &t->loc, "bad mode \"%s\": "
		    "expected an octal mode with rw for the owner and no x, "
		    "e.g. 0660", cfg_lex_quote(t->text, q, sizeof q)));
	p->m->control.mode = (unsigned)v;
	return (0);
}

static int
cfg_ctl_clients(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg CFG_UNUSED)
{
	struct token	*t;
	char		 q[CFG_LEX_QUOTE_LEN];
	unsigned long	 v;

	if (cfg_lex_value(&p->lx, &t, "a number after max-viewers") == -1)
		return (-1);
	if (t->type != TOK_WORD ||
	    cfg_parse_uint(t->text, CONTROL_CLIENTS_MAX, &v) == -1 || v < 1)
		return (cfg_lex_error(&p->lx, &t->loc, "bad max-viewers \"%s\": "
		    "expected 1 to %d", cfg_lex_quote(t->text, q, sizeof q),
		    CONTROL_CLIENTS_MAX));
	p->m->control.max_clients = (unsigned)v;
	return (0);
}

int
cfg_control(struct parser *p, const struct loc *kw, void *arg CFG_UNUSED)
{
	struct control_conf	*cc = &p->m->control;
	struct token		*t, *close;
	struct loc		 l;

	if (cc->set)
		return (cfg_lex_error(&p->lx, kw, "control given twice"));
	if (cfg_lex_path(&p->lx, &cc->path, "a socket path after control",
	    &l) == -1)
		return (-1);
	if (strlen(cc->path) >= 104)	/* sun_path, with its NUL */
		return (cfg_lex_error(&p->lx, &l, "control socket path too "
		    "long (at most 103 bytes)"));
	cc->set = 1;
	if (cfg_lex_peek(&p->lx, &t) == -1)
		return (-1);
	if (t->type != TOK_LBRACE)
		return (0);
	if (cfg_lex_next(&p->lx, &t) == -1)
		return (-1);
	return (cfg_block(p, cfg_control_keywords, NULL, "control", &close));
}
