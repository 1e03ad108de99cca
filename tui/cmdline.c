/* SPDX-License-Identifier: ISC */
/*
 * The ":" command line, as k9s has it: ":" opens a prompt on the bottom
 * row; Tab completes command names and their arguments from the model
 * (branch, session and prefix names, the ids of open events), a second
 * Tab goes through the candidates; Up and Down walk this run's history
 * of commands; Esc cancels, Enter runs.  The commands are one const
 * table (tmux's cmd_table), each with its own completion.  The same row
 * carries the one-line outcome of a command, of a and of A for a few
 * seconds, and :who and :help put a few lines above it until the next
 * key.  What is typed is the user's own, but whatever is echoed goes
 * through sanitize() like any other text.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/turnup.h"
#include "tui/tui.h"

#define CMDLINE_LEN	256
#define CMDLINE_HIST	32	/* commands remembered */
#define CMDLINE_CANDS	64	/* completions kept (and counted past) */
#define CMDLINE_CANDW	96
#define CMDLINE_WORDS	4	/* words a command is split into */
#define CMDLINE_POPUP	16	/* lines of :who and :help */
#define CMDLINE_MSG_MS	10000	/* a message stays this long */

struct cmdline_cmd {
	const char	*name;
	const char	*alias;		/* NULL: none */
	const char	*usage;		/* "ack ID [comment]" */
	const char	*help;		/* the Help view's 29 columns */
	const char	*about;		/* for :help, beside usage */
	/* argv[i] is word i; tail[i] the line from word i on, spaces and
	 * all (a comment, a name with spaces).  ACT_* flags. */
	int		(*exec)(struct tui *, int argc, char **argv,
			    char **tail);
	/* Offer candidates for word n (1: the first argument). */
	void		(*complete)(struct tui *, int n, char **argv,
			    const char *word);
};

static int	 cmdline_ack_exec(struct tui *, int, char **, char **);
static int	 cmdline_goto_exec(struct tui *, int, char **, char **);
static int	 cmdline_time_exec(struct tui *, int, char **, char **);
static int	 cmdline_who_exec(struct tui *, int, char **, char **);
static int	 cmdline_turnup_exec(struct tui *, int, char **, char **);
static int	 cmdline_quit_exec(struct tui *, int, char **, char **);
static int	 cmdline_help_exec(struct tui *, int, char **, char **);
static void	 cmdline_ack_complete(struct tui *, int, char **,
		    const char *);
static void	 cmdline_goto_complete(struct tui *, int, char **,
		    const char *);
static const struct cmdline_cmd *cmdline_find(const char *);
static int	 cmdline_ack_check(struct tui *, int64_t);
static void	 cmdline_cand(const char *, const char *);
static void	 cmdline_names(struct tui *, const char *, const char *);
static void	 cmdline_candidates(struct tui *);
static void	 cmdline_put(const char *, size_t, const char *);
static void	 cmdline_tab(struct tui *);
static void	 cmdline_history(int);
static void	 cmdline_run(struct tui *);
static int	 cmdline_select(struct tui *, const struct view *,
		    const char *);
static void	 cmdline_popup(const char *, ...) printflike(1, 2);
static void	 cmdline_draw_prompt(struct tui *, int);

static const char *const cmdline_kinds[] = { "branch", "session", "prefix" };

static const struct cmdline_cmd cmdline_cmds[] = {
	{ "ack", NULL, "ack ID [comment]", "ID [comment]: acknowledge",
	    "acknowledge an open Error or Critical",
	    cmdline_ack_exec, cmdline_ack_complete },
	{ "goto", NULL, "goto [branch|session|prefix] NAME",
	    "[kind] NAME: show and select", "its view, on its row",
	    cmdline_goto_exec, cmdline_goto_complete },
	{ "time", NULL, "time hh:mm|ISO 8601|-15m", "TIME: the dashboard then",
	    "replay there (live: freeze there)", cmdline_time_exec, NULL },
	{ "who", NULL, "who", "who else is attached",
	    "the viewers of the collector", cmdline_who_exec, NULL },
	{ "turnup", NULL, "turnup [PARTNER[/EDGE]]",
	    "[PARTNER[/EDGE]]: the Turn-up checklist",
	    "its sessions' turn-up (none: the turnup block)",
	    cmdline_turnup_exec, NULL },
	{ "quit", "q", "quit, q", "quit (also :q)", "quit",
	    cmdline_quit_exec, NULL },
	{ "help", NULL, "help", "these commands", "this list",
	    cmdline_help_exec, NULL },
};

/* One command line per process, as there is one terminal (tui.c). */
static struct {
	int		 open;
	char		 line[CMDLINE_LEN];
	char		 hist[CMDLINE_HIST][CMDLINE_LEN];	/* oldest first */
	size_t		 nhist, hpos;	/* hpos == nhist: the line typed */
	char		 saved[CMDLINE_LEN];	/* ... kept while Up walks */

	char		 cand[CMDLINE_CANDS][CMDLINE_CANDW];
	size_t		 ncand, nfound;	/* kept, found */
	size_t		 wordat;	/* the completed word's offset */
	size_t		 cycle;		/* Tab again: candidate cycle - 1 */

	char		 msg[256];
	enum color_role	 msg_role;
	int64_t		 msg_mono;
	char		 popup[CMDLINE_POPUP][128];	/* [0]: its title */
	size_t		 npopup;
} cl;

/* The Help view lists the commands from the table too. */
const char *
cmdline_command(size_t i, const char **help)
{
	if (i >= nitems(cmdline_cmds))
		return (NULL);
	*help = cmdline_cmds[i].help;
	return (cmdline_cmds[i].name);
}

void
cmdline_message(struct tui *tui, enum color_role role, const char *fmt,
    ...)
{
	char	 buf[sizeof cl.msg];
	va_list	 ap;

	(void)tui;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	sanitize(cl.msg, sizeof cl.msg, buf, strlen(buf));
	cl.msg_role = role;
	cl.msg_mono = (int64_t)now_mono_ms();
}

/* A line for :who's or :help's lines above the prompt; [0] the title. */
static void
cmdline_popup(const char *fmt, ...)
{
	char	 buf[sizeof cl.popup[0]];
	va_list	 ap;

	if (cl.npopup >= CMDLINE_POPUP)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	sanitize(cl.popup[cl.npopup], sizeof cl.popup[0], buf, strlen(buf));
	cl.npopup++;
}

/* ":" and A: open the prompt with text already typed. */
int
cmdline_open(struct tui *tui, const char *text)
{
	cl.open = 1;
	strlcpy_pt(cl.line, text, sizeof cl.line);
	cl.hpos = cl.nhist;
	cl.ncand = cl.cycle = 0;
	cl.msg[0] = '\0';
	return (ACT_REDRAW);
}

/*
 * Every key comes here first.  A message goes at the next key, :who's
 * lines too (Esc, Enter, q or space only close them); while the prompt
 * is open every key is its.
 */
int
cmdline_key(struct tui *tui, int key)
{
	size_t	 len = strlen(cl.line);
	int	 popup = cl.npopup > 0;

	cl.msg[0] = '\0';
	cl.npopup = 0;
	if (!cl.open)
		return (popup && (key == KEY_ESC || key == 'q' || key == ' ' ||
		    key == '\r' || key == '\n' || key == KEY_ENTER));
	if (key != '\t')
		cl.cycle = 0;
	switch (key) {
	case '\r':
	case '\n':
	case KEY_ENTER:
		cl.open = 0;
		cmdline_run(tui);
		return (1);
	case KEY_ESC:
		cl.open = 0;
		return (1);
	case '\t':
		cmdline_tab(tui);
		return (1);
	case KEY_UP:
	case KEY_DOWN:
		cmdline_history(key == KEY_UP ? -1 : 1);
		return (1);
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (len == 0) {
			cl.open = 0;	/* as vi's: out of the prompt */
			return (1);
		}
		/* A whole UTF-8 sequence. */
		while (len > 1 && ((unsigned char)cl.line[len - 1] & 0xc0) ==
		    0x80)
			len--;
		cl.line[len - 1] = '\0';
		cl.ncand = 0;
		return (1);
	case KEY_CTRL('U'):
		cl.line[0] = '\0';
		cl.ncand = 0;
		return (1);
	case KEY_CTRL('W'):
		while (len > 0 && cl.line[len - 1] == ' ')
			len--;
		while (len > 0 && cl.line[len - 1] != ' ')
			len--;
		cl.line[len] = '\0';
		cl.ncand = 0;
		return (1);
	}
	if (key >= 0x20 && key < 0x100 && key != 0x7f &&
	    len + 1 < sizeof cl.line) {
		cl.line[len] = (char)key;
		cl.line[len + 1] = '\0';
		cl.ncand = 0;
	}
	return (1);
}

/* Up (-1) and Down (+1) through the history; the line typed is kept. */
static void
cmdline_history(int dir)
{
	if (dir < 0 && cl.hpos > 0) {
		if (cl.hpos == cl.nhist)
			strlcpy_pt(cl.saved, cl.line, sizeof cl.saved);
		strlcpy_pt(cl.line, cl.hist[--cl.hpos], sizeof cl.line);
	} else if (dir > 0 && cl.hpos < cl.nhist) {
		if (++cl.hpos == cl.nhist)
			strlcpy_pt(cl.line, cl.saved, sizeof cl.line);
		else
			strlcpy_pt(cl.line, cl.hist[cl.hpos], sizeof cl.line);
	}
	cl.ncand = 0;
}

/* A command by its name or alias, else by a beginning only it has. */
static const struct cmdline_cmd *
cmdline_find(const char *name)
{
	const struct cmdline_cmd	*found = NULL;
	size_t				 i, n = 0;

	for (i = 0; i < nitems(cmdline_cmds); i++) {
		if (strcasecmp(cmdline_cmds[i].name, name) == 0 ||
		    (cmdline_cmds[i].alias != NULL &&
		    strcasecmp(cmdline_cmds[i].alias, name) == 0))
			return (&cmdline_cmds[i]);
		if (strncasecmp(cmdline_cmds[i].name, name, strlen(name)) ==
		    0) {
			found = &cmdline_cmds[i];
			n++;
		}
	}
	return (n == 1 && *name != '\0' ? found : NULL);
}

/* Enter: into the history, split into words, run. */
static void
cmdline_run(struct tui *tui)
{
	const struct cmdline_cmd	*cmd;
	char				 words[CMDLINE_LEN], whole[CMDLINE_LEN];
	char				*argv[CMDLINE_WORDS], *tail[CMDLINE_WORDS];
	char				*p, *end;
	int				 argc = 0, flags;

	/* No trailing blanks, in the history or in a comment. */
	end = cl.line + strlen(cl.line);
	while (end > cl.line && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	if (cl.line[strspn(cl.line, " \t")] == '\0')
		return;
	if (cl.nhist == 0 || strcmp(cl.hist[cl.nhist - 1], cl.line) != 0) {
		if (cl.nhist == CMDLINE_HIST) {
			memmove(cl.hist[0], cl.hist[1],
			    (CMDLINE_HIST - 1) * sizeof cl.hist[0]);
			cl.nhist--;
		}
		strlcpy_pt(cl.hist[cl.nhist++], cl.line, sizeof cl.hist[0]);
	}
	cl.hpos = cl.nhist;

	strlcpy_pt(words, cl.line, sizeof words);
	strlcpy_pt(whole, cl.line, sizeof whole);
	for (p = words; argc < CMDLINE_WORDS; argc++) {
		p += strspn(p, " \t");
		if (*p == '\0')
			break;
		argv[argc] = p;
		tail[argc] = whole + (p - words);
		p += strcspn(p, " \t");
		if (*p != '\0')
			*p++ = '\0';
	}
	if ((cmd = cmdline_find(argv[0])) == NULL) {
		cmdline_message(tui, CR_CRIT, "unknown command :%s (:help "
		    "lists them)", argv[0]);
		return;
	}
	flags = cmd->exec(tui, argc, argv, tail);
	if (flags & (ACT_QUIT | ACT_SNAPSHOT))
		tui->quit |= flags & (ACT_QUIT | ACT_SNAPSHOT);
}

/* Offer c for word when it starts with it (any case), once. */
static void
cmdline_cand(const char *word, const char *c)
{
	size_t	 i;

	if (strncasecmp(c, word, strlen(word)) != 0)
		return;
	for (i = 0; i < cl.ncand; i++)
		if (strcmp(cl.cand[i], c) == 0)
			return;
	cl.nfound++;
	if (cl.ncand < CMDLINE_CANDS)
		strlcpy_pt(cl.cand[cl.ncand++], c, sizeof cl.cand[0]);
}

/* The model's names of kind (NULL: every kind) for :goto. */
static void
cmdline_names(struct tui *tui, const char *kind, const char *word)
{
	struct model	*m = tui->model;
	char		 pfx[PREFIX_STRLEN];
	size_t		 i, j;

	if (kind == NULL || strcasecmp(kind, "branch") == 0)
		for (i = 0; i < m->nbranches; i++)
			cmdline_cand(word, m->branches[i]->name);
	if (kind == NULL || strcasecmp(kind, "session") == 0)
		for (i = 0; i < m->nsessions; i++)
			cmdline_cand(word, m->sessions[i]->name);
	if (kind == NULL || strcasecmp(kind, "prefix") == 0)
		for (i = 0; i < m->nbranches; i++)
			for (j = 0; j < m->branches[i]->nprefixes; j++)
				cmdline_cand(word, prefix_fmt(
				    &m->branches[i]->prefixes[j].prefix, pfx,
				    sizeof pfx));
}

static void
cmdline_goto_complete(struct tui *tui, int n, char **argv, const char *word)
{
	size_t	 i;

	if (n == 1) {
		for (i = 0; i < nitems(cmdline_kinds); i++)
			cmdline_cand(word, cmdline_kinds[i]);
		cmdline_names(tui, NULL, word);
	} else if (n == 2) {
		for (i = 0; i < nitems(cmdline_kinds); i++)
			if (strcasecmp(argv[1], cmdline_kinds[i]) == 0)
				cmdline_names(tui, cmdline_kinds[i], word);
	}
}

/* What a can take: open Error and Critical nobody has acknowledged. */
static void
cmdline_ack_complete(struct tui *tui, int n, char **argv, const char *word)
{
	const struct condition	*c;
	char			 id[32];
	size_t			 i;

	if (n != 1 || tui_replaying(tui))
		return;
	for (i = 0; i < tui->model->nconds; i++) {
		c = &tui->model->conds[i];
		if (c->level < LVL_ERROR || c->ack_ms != 0)
			continue;
		snprintf(id, sizeof id, "%lld", (long long)c->opened_id);
		cmdline_cand(word, id);
	}
}

/*
 * The candidates for the last word of the line (after its last blank):
 * the first word is a command's name, the others its arguments.
 */
static void
cmdline_candidates(struct tui *tui)
{
	const struct cmdline_cmd	*cmd;
	char				 words[CMDLINE_LEN], *argv[CMDLINE_WORDS];
	char				*p, *word;
	size_t				 i;
	int				 n = 0;

	cl.ncand = cl.nfound = 0;
	p = strrchr(cl.line, ' ');
	cl.wordat = p != NULL ? (size_t)(p - cl.line) + 1 : 0;
	word = cl.line + cl.wordat;
	strlcpy_pt(words, cl.line, sizeof words);
	words[cl.wordat] = '\0';
	for (p = strtok(words, " \t"); p != NULL && n < CMDLINE_WORDS;
	    p = strtok(NULL, " \t"))
		argv[n++] = p;
	if (n == 0) {
		for (i = 0; i < nitems(cmdline_cmds); i++)
			cmdline_cand(word, cmdline_cmds[i].name);
		return;
	}
	if (n < CMDLINE_WORDS && (cmd = cmdline_find(argv[0])) != NULL &&
	    cmd->complete != NULL)
		cmd->complete(tui, n, argv, word);
}

/* Replace the word being completed by len bytes of c, then suffix. */
static void
cmdline_put(const char *c, size_t len, const char *suffix)
{
	size_t	 room = sizeof cl.line - cl.wordat;

	if (len + 1 < room)
		room = len + 1;
	strlcpy_pt(cl.line + cl.wordat, c, room);
	strlcpy_pt(cl.line + strlen(cl.line), suffix,
	    sizeof cl.line - strlen(cl.line));
}

/*
 * Tab: one candidate is taken whole, with a blank after it; several
 * give their common beginning, or are listed when they have no more in
 * common; Tab again then goes through them.
 */
static void
cmdline_tab(struct tui *tui)
{
	size_t	 i, common;

	if (cl.cycle > 0 && cl.ncand > 1) {
		i = (cl.cycle++ - 1) % cl.ncand;
		cmdline_put(cl.cand[i], strlen(cl.cand[i]), "");
		return;
	}
	cmdline_candidates(tui);
	if (cl.ncand == 0)
		return;
	if (cl.ncand == 1) {
		cmdline_put(cl.cand[0], strlen(cl.cand[0]), " ");
		cl.ncand = 0;
		return;
	}
	common = strlen(cl.cand[0]);
	for (i = 1; i < cl.ncand; i++)
		while (common > 0 && strncasecmp(cl.cand[0], cl.cand[i],
		    common) != 0)
			common--;
	if (common > strlen(cl.line + cl.wordat))
		cmdline_put(cl.cand[0], common, "");
	else
		cl.cycle = 1;	/* listed; the next Tab takes the first */
}

/*
 * Why id cannot be acknowledged from here, as a message, or 0.  An id
 * not in the recent events goes to the hook: the condition, or the
 * collector, may still know it.
 */
static int
cmdline_ack_check(struct tui *tui, int64_t id)
{
	const struct event	*e;
	char			 when[FMT_TIME_LEN];
	long long		 n = (long long)id;

	if (tui_replaying(tui)) {
		cmdline_message(tui, CR_WARN, "nothing to acknowledge in a "
		    "replay%s", tui->model_new != NULL ? " (z: live)" : "");
		return (-1);
	}
	if (tui->ack == NULL) {
		cmdline_message(tui, CR_WARN, "acknowledging is not "
		    "available here");
		return (-1);
	}
	if (tui->detached) {
		cmdline_message(tui, CR_CRIT, "cannot acknowledge: %s",
		    tui->attach_status[0] != '\0' ? tui->attach_status :
		    "the collector is gone");
		return (-1);
	}
	if ((e = model_event_find(tui->model, id)) == NULL)
		return (0);
	if (e->cond != EVC_OPENS)
		cmdline_message(tui, CR_WARN, "#%lld %s is %s: nothing to "
		    "acknowledge", n, e->type, e->cond == EVC_CLOSES ?
		    "a restoration" : "a notice");
	else if (e->closed_ms != 0 && (e->cflags & EVF_FOLLOWED))
		cmdline_message(tui, CR_WARN, "#%lld %s was raised again as "
		    "#%lld: acknowledge that one", n, e->type,
		    (long long)e->closed_by);
	else if (e->closed_ms != 0)
		cmdline_message(tui, CR_WARN, "#%lld %s is resolved since %s: "
		    "nothing to acknowledge", n, e->type, fmt_time(when,
		    sizeof when, e->closed_ms, FMT_TIME_CLOCKZ));
	else if (e->level < LVL_ERROR)
		cmdline_message(tui, CR_WARN, "#%lld %s is a %s: only Error "
		    "and Critical are acknowledged", n, e->type,
		    level_name(e->level));
	else if (e->ack_ms != 0)
		cmdline_message(tui, CR_WARN, "#%lld %s was acknowledged by "
		    "%s at %s", n, e->type, e->ack_user, fmt_time(when,
		    sizeof when, e->ack_ms, FMT_TIME_CLOCKZ));
	else
		return (0);
	return (-1);
}

/* a and :ack: the checks, then the hook; its answer as a message. */
int
cmdline_ack(struct tui *tui, int64_t id, const char *comment)
{
	const struct event	*e;
	char			 what[160] = "", *cause = NULL;

	if (cmdline_ack_check(tui, id) != 0)
		return (ACT_REDRAW);
	if ((e = model_event_find(tui->model, id)) != NULL)
		snprintf(what, sizeof what, " %s %s", e->type, e->subject);
	if (tui->ack(tui, id, comment, &cause) != 0) {
		cmdline_message(tui, CR_CRIT, "not acknowledged: %s",
		    cause != NULL ? cause : "no reason given");
		free(cause);
		return (ACT_REDRAW);
	}
	cmdline_message(tui, CR_OK, "acknowledged #%lld%s", (long long)id,
	    what);
	return (ACT_REDRAW);
}

/* A: the checks first, so nobody types a comment for nothing. */
int
cmdline_ack_ask(struct tui *tui, int64_t id)
{
	char	 line[64];

	if (cmdline_ack_check(tui, id) != 0)
		return (ACT_REDRAW);
	snprintf(line, sizeof line, "ack %lld ", (long long)id);
	return (cmdline_open(tui, line));
}

static int
cmdline_ack_exec(struct tui *tui, int argc, char **argv, char **tail)
{
	const char	*s;
	char		*end;
	long long	 id;

	if (argc < 2) {
		cmdline_message(tui, CR_WARN, "usage: :ack ID [comment] "
		    "(Tab offers the open ones)");
		return (ACT_REDRAW);
	}
	s = argv[1][0] == '#' ? argv[1] + 1 : argv[1];
	id = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || id <= 0) {
		cmdline_message(tui, CR_CRIT, "not an event id: %s", argv[1]);
		return (ACT_REDRAW);
	}
	return (cmdline_ack(tui, id, argc > 2 ? tail[2] : NULL));
}

/*
 * Show view v with the row of key selected: its filter goes if one is
 * set (it might hide the row), its page closes, and the list is read
 * now so the cursor is on the row before anything moves it.
 */
static int
cmdline_select(struct tui *tui, const struct view *v, const char *key)
{
	size_t	 idx = (size_t)tui_view_index(v);

	tui_set_view(tui, v);
	if (tui_filter(tui) != NULL)
		tui_set_filter(tui, NULL);
	if (v->back != NULL)
		v->back(tui);
	strlcpy_pt(tui->selected[idx], key, sizeof tui->selected[idx]);
	if (v->rows != NULL)
		v->rows(tui);
	return (ACT_REDRAW);
}

/*
 * :goto: a branch opens Branch detail (Esc: the Overview, on it), a
 * session the Sessions view on its row, a prefix the Prefixes view on
 * the first branch's row of it.  Without a kind, the first that has
 * the name, in that order.  Names are matched exactly, else in any case.
 */
static int
cmdline_goto_exec(struct tui *tui, int argc, char **argv, char **tail)
{
	struct model	*m = tui->model;
	struct branch	*b = NULL;
	struct session	*s = NULL;
	struct prefix	 p;
	const char	*kind = NULL, *name;
	char		 a[PREFIX_STRLEN], key[128];
	size_t		 i, j, k;

	for (k = 0; argc > 1 && k < nitems(cmdline_kinds); k++)
		if (strcasecmp(argv[1], cmdline_kinds[k]) == 0)
			kind = cmdline_kinds[k];
	if (argc < 2 || (kind != NULL && argc < 3)) {
		cmdline_message(tui, CR_WARN, "usage: :goto [branch|session|"
		    "prefix] NAME (Tab completes)");
		return (ACT_REDRAW);
	}
	name = kind != NULL ? tail[2] : tail[1];
	if (kind == NULL || kind[0] == 'b') {
		if ((b = model_branch_find(m, name)) == NULL)
			for (i = 0; i < m->nbranches && b == NULL; i++)
				if (strcasecmp(m->branches[i]->name, name) == 0)
					b = m->branches[i];
		if (b != NULL) {
			cmdline_select(tui, &view_overview, b->name);
			return (view_branch_open(tui, b));
		}
	}
	if (kind == NULL || kind[0] == 's') {
		if ((s = model_session_find(m, name)) == NULL)
			for (i = 0; i < m->nsessions && s == NULL; i++)
				if (strcasecmp(m->sessions[i]->name, name) == 0)
					s = m->sessions[i];
		if (s != NULL)
			return (cmdline_select(tui, &view_sessions, s->name));
	}
	if ((kind == NULL || kind[0] == 'p') && prefix_parse(name, &p) == 0) {
		prefix_fmt(&p, key, sizeof key);
		for (i = 0; i < m->nbranches; i++)
			for (j = 0; j < m->branches[i]->nprefixes; j++) {
				prefix_fmt(&m->branches[i]->prefixes[j].prefix,
				    a, sizeof a);
				if (strcmp(a, key) != 0)
					continue;
				snprintf(key, sizeof key, "%s %s",
				    m->branches[i]->name, a);
				return (cmdline_select(tui, &view_prefixes,
				    key));
			}
	}
	cmdline_message(tui, CR_CRIT, "no %s \"%s\" (Tab completes)",
	    kind != NULL ? kind : "branch, session or prefix", name);
	return (ACT_REDRAW);
}

/*
 * :time: the dashboard at that time: a replay jumps there, the live
 * dashboard freezes into its history there (z at a time), as r does
 * for an event.  The times b takes (tui/replay.c), the same parser.
 */
static int
cmdline_time_exec(struct tui *tui, int argc, char **argv, char **tail)
{
	int64_t	 t;

	if (argc < 2) {
		cmdline_message(tui, CR_WARN, "usage: :time hh:mm (or "
		    "2026-11-25T03:12Z, -15m)");
		return (ACT_REDRAW);
	}
	if (time_parse(tail[1], tui_now(tui), TIME_CLOCK, &t) != 0) {
		cmdline_message(tui, CR_CRIT, "not a time: \"%s\" (hh:mm, "
		    "2026-11-25T03:12Z, -15m)", tail[1]);
		return (ACT_REDRAW);
	}
	if (tui_replaying(tui))
		return (tui_replay_goto(tui, t));
	return (tui_replay_freeze(tui, t));
}

/* :turnup [PARTNER[/EDGE]]: the Turn-up view of that scope. */
static int
cmdline_turnup_exec(struct tui *tui, int argc, char **argv, char **tail)
{
	struct turnup	*t;
	const char	*scope = argc >= 2 ? argv[1] : "";
	char		*cause = NULL;

	(void)tail;
	if (strlen(scope) >= sizeof tui->turnup) {
		cmdline_message(tui, CR_CRIT, "turnup: too long a scope");
		return (ACT_REDRAW);
	}
	if ((t = turnup_new(tui->model, scope, &cause)) == NULL) {
		cmdline_message(tui, CR_CRIT, "%s", cause);
		free(cause);
		return (ACT_REDRAW);
	}
	turnup_free(t);
	strlcpy_pt(tui->turnup, scope, sizeof tui->turnup);
	tui_set_view(tui, &view_turnup);
	return (ACT_REDRAW);
}

static int
cmdline_who_exec(struct tui *tui, int argc, char **argv, char **tail)
{
	char	**lines, *cause = NULL;
	size_t	  i, n;

	if (tui->who == NULL) {
		cmdline_message(tui, CR_NORMAL, "standalone: nobody else is "
		    "attached");
		return (ACT_REDRAW);
	}
	if ((lines = tui->who(tui, &cause)) == NULL) {
		cmdline_message(tui, CR_CRIT, "who: %s", cause != NULL ?
		    cause : "not known");
		free(cause);
		return (ACT_REDRAW);
	}
	for (n = 0; lines[n] != NULL; n++)
		;
	cl.npopup = 0;
	cmdline_popup("attached to the collector: %zu (Esc closes)", n);
	for (i = 0; i < n; i++) {
		if (i + 2 == CMDLINE_POPUP && n > i + 1) {
			cmdline_popup("  and %zu more", n - i);
			break;
		}
		cmdline_popup("  %s", lines[i]);
	}
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	return (ACT_REDRAW);
}

static int
cmdline_quit_exec(struct tui *tui, int argc, char **argv, char **tail)
{
	return (ACT_QUIT);
}

static int
cmdline_help_exec(struct tui *tui, int argc, char **argv, char **tail)
{
	size_t	 i;

	cl.npopup = 0;
	cmdline_popup("commands: Tab completes, Up/Down: history, Esc "
	    "closes; ? has the keys");
	for (i = 0; i < nitems(cmdline_cmds); i++)
		cmdline_popup("  :%-34s %s", cmdline_cmds[i].usage,
		    cmdline_cmds[i].about);
	return (ACT_REDRAW);
}

/*
 * The prompt: ":" and the line (its end when it is longer than the
 * row), and on the right what Tab offers, or what the command takes.
 */
static void
cmdline_draw_prompt(struct tui *tui, int y)
{
	const struct cmdline_cmd	*cmd;
	char				 shown[CMDLINE_LEN * 2], hint[256];
	char				 first[CMDLINE_LEN];
	const char			*s = shown;
	size_t				 i, len;
	int				 w, hw, avail;

	sanitize(shown, sizeof shown - 1, cl.line, strlen(cl.line));
	strlcpy_pt(shown + strlen(shown), "_", sizeof shown - strlen(shown));
	hint[0] = '\0';
	if (cl.ncand > 1) {
		for (i = 0; i < cl.ncand; i++) {
			len = strlen(hint);
			snprintf(hint + len, sizeof hint - len, "%s%s",
			    i > 0 ? " " : "", cl.cand[i]);
		}
		if (cl.nfound > cl.ncand) {
			len = strlen(hint);
			snprintf(hint + len, sizeof hint - len, " +%zu",
			    cl.nfound - cl.ncand);
		}
	} else {
		strlcpy_pt(first, cl.line + strspn(cl.line, " "),
		    sizeof first);
		first[strcspn(first, " ")] = '\0';
		if ((cmd = cmdline_find(first)) != NULL)
			snprintf(hint, sizeof hint, cmd->exec ==
			    cmdline_ack_exec && strchr(cl.line, ' ') != NULL ?
			    "%s: Enter acknowledges" : "%s", cmd->usage);
		else if (cl.line[0] == '\0')
			snprintf(hint, sizeof hint, "Tab: the commands  "
			    "Esc: cancel");
	}
	sanitize(hint, sizeof hint, hint, strlen(hint));
	draw_text(tui, y, 0, tui->sx, CR_FILTER, ":");
	/* The hint on the right, cut, in what the line leaves. */
	w = tui->sx - 1;
	hw = draw_width(tui, hint);
	avail = w - draw_width(tui, shown) - 2;
	if (hw > 0 && avail >= 12) {
		if (hw > avail)
			hw = avail;
		draw_text(tui, y, tui->sx - hw, hw, CR_DIM, hint);
	}
	while (*s != '\0' && draw_width(tui, s) > w)
		s++;
	draw_text(tui, y, 1, draw_width(tui, s), CR_FILTER, s);
}

/*
 * The status bar's row y: the prompt, or a message while it is fresh;
 * :who's and :help's lines above it.  1 when row y is drawn here.
 */
int
cmdline_draw(struct tui *tui, int y)
{
	size_t	 i, n = cl.npopup;
	int	 top;

	if (n > 0 && (int)n > y - 1)
		n = (size_t)(y - 1);
	for (i = 0, top = y - (int)n; i < n; i++)
		draw_text(tui, top + (int)i, 0, tui->sx, i == 0 ? CR_HEADER :
		    CR_NORMAL, cl.popup[i]);
	if (cl.open) {
		cmdline_draw_prompt(tui, y);
		return (1);
	}
	if (cl.msg[0] != '\0' &&
	    (int64_t)now_mono_ms() - cl.msg_mono > CMDLINE_MSG_MS)
		cl.msg[0] = '\0';
	if (cl.msg[0] == '\0')
		return (0);
	draw_text(tui, y, 0, tui->sx, cl.msg_role, cl.msg);
	return (1);
}
