/* SPDX-License-Identifier: ISC */
/*
 * notify "NAME" { ... } (peertop.conf(5)): which events (level, type
 * globs, partner, branch) go where (alertmanager, webhook, exec,
 * syslog), when (hold, repeat) and how hard to try (timeout, give-up,
 * queue).  Each destination also becomes a row among the collectors
 * ("notify NAME/webhook"), so that the dashboard and its viewers show
 * how delivery goes.  What works but should not (a webhook over plain
 * HTTP to another host, a missing file) is a warning at -n.
 */

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/socket.h>

#include <event2/http.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/collector.h"
#include "core/config.h"
#include "core/config-lex.h"
#include "core/config-private.h"
#include "core/model.h"
#include "core/notify.h"
#include "core/util.h"

#define CONFIG_NOTIFY_MAX	32

static int	 cfg_notify_level(struct parser *, const struct loc *, void *);
static int	 cfg_notify_type(struct parser *, const struct loc *, void *);
static int	 cfg_notify_partner(struct parser *, const struct loc *,
		    void *);
static int	 cfg_notify_branch(struct parser *, const struct loc *, void *);
static int	 cfg_notify_am(struct parser *, const struct loc *, void *);
static int	 cfg_notify_webhook(struct parser *, const struct loc *, void *);
static int	 cfg_notify_exec(struct parser *, const struct loc *, void *);
static int	 cfg_notify_syslog(struct parser *, const struct loc *, void *);
static int	 cfg_notify_repeat(struct parser *, const struct loc *, void *);
static int	 cfg_notify_hold(struct parser *, const struct loc *, void *);
static int	 cfg_notify_timeout(struct parser *, const struct loc *,
		    void *);
static int	 cfg_notify_give_up(struct parser *, const struct loc *,
		    void *);
static int	 cfg_notify_queue(struct parser *, const struct loc *, void *);
static int	 cfg_notify_tls(struct parser *, const struct loc *, void *);
static int	 cfg_notify_format(struct parser *, const struct loc *, void *);
static int	 cfg_notify_running(struct parser *, const struct loc *,
		    void *);
static int	 cfg_notify_facility(struct parser *, const struct loc *,
		    void *);
static int	 cfg_notify_socket(struct parser *, const struct loc *, void *);
static int	 cfg_notify_url(struct parser *, const struct loc *,
		    const char *, const char *);

static const struct keyword cfg_notify_keywords[] = {
	{ "level", cfg_notify_level },
	{ "type", cfg_notify_type },
	{ "partner", cfg_notify_partner },
	{ "branch", cfg_notify_branch },
	{ "alertmanager", cfg_notify_am },
	{ "webhook", cfg_notify_webhook },
	{ "exec", cfg_notify_exec },
	{ "syslog", cfg_notify_syslog },
	{ "repeat", cfg_notify_repeat },
	{ "hold", cfg_notify_hold },
	{ "timeout", cfg_notify_timeout },
	{ "give-up", cfg_notify_give_up },
	{ "queue", cfg_notify_queue },
	{ "tls", cfg_notify_tls },
	{ NULL, NULL }
};

static const struct keyword cfg_notify_webhook_keywords[] = {
	{ "format", cfg_notify_format },
	{ NULL, NULL }
};

static const struct keyword cfg_notify_exec_keywords[] = {
	{ "max-running", cfg_notify_running },
	{ NULL, NULL }
};

static const struct keyword cfg_notify_syslog_keywords[] = {
	{ "facility", cfg_notify_facility },
	{ "socket", cfg_notify_socket },
	{ "format", cfg_notify_format },
	{ NULL, NULL }
};

static int
cfg_notify_level(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg)
{
	static const char	*words[] = { "info", "warning", "error",
				    "critical" };
	struct notify_conf	*nc = arg;
	struct token		*t;
	char			 q[CFG_LEX_QUOTE_LEN];
	size_t			 i;

	if (cfg_lex_value(&p->lx, &t, "a level after level") == -1)
		return (-1);
	for (i = 0; i < nitems(words); i++)
		if (strcasecmp(t->text, words[i]) == 0 ||
		    strcasecmp(t->text, level_name((enum level)i)) == 0) {
			nc->level = (enum level)i;
			return (0);
		}
	return (cfg_lex_error(&p->lx, &t->loc, "bad level \"%s\": expected "
	    "info, warning, error or critical",
	    cfg_lex_quote(t->text, q, sizeof q)));
}

/* type GLOB ...: the words up to the next keyword or the brace. */
static int
cfg_notify_type(struct parser *p, const struct loc *kw, void *arg)
{
	struct notify_conf	*nc = arg;
	struct token		*t;
	size_t			 before = nc->ntypes;

	for (;;) {
		if (cfg_lex_peek(&p->lx, &t) == -1)
			return (-1);
		if ((t->type != TOK_WORD && t->type != TOK_STRING) ||
		    (t->type == TOK_WORD &&
		    cfg_keyword_find(cfg_notify_keywords, t->text) != NULL))
			break;
		if (nc->ntypes == NOTIFY_TYPES_MAX)
			return (cfg_lex_error(&p->lx, &t->loc, "too many types "
			    "(at most %d)", NOTIFY_TYPES_MAX));
		if (cfg_lex_next(&p->lx, &t) == -1 ||
		    cfg_lex_name(&p->lx, t, nc->types[nc->ntypes],
		    sizeof nc->types[0], "type") == -1)
			return (-1);
		nc->ntypes++;
	}
	if (nc->ntypes == before)
		return (cfg_lex_error(&p->lx, kw, "an event type or pattern "
		    "after type, e.g. Session*"));
	return (0);
}

/*
 * partner NAME, branch NAME: one that exists, maybe defined further on
 * (checked once the file is read, cfg_resolve()).
 */
static int
cfg_notify_ref(struct parser *p, const char *ref, char *dst, size_t len)
{
	struct pending	*pd;
	struct token	*t;
	char		 what[32];

	snprintf(what, sizeof what, "a name after %s", ref);
	if (cfg_lex_value(&p->lx, &t, what) == -1 ||
	    cfg_lex_name(&p->lx, t, dst, len, ref) == -1)
		return (-1);
	p->pending = xreallocarray(p->pending, p->npending + 1,
	    sizeof *p->pending);
	pd = &p->pending[p->npending++];
	memset(pd, 0, sizeof *pd);
	pd->ref = ref;
	strlcpy_pt(pd->name, dst, sizeof pd->name);
	pd->file = xstrdup(t->loc.file);
	pd->line = t->loc.line;
	pd->col = t->loc.col;
	return (0);
}

static int
cfg_notify_partner(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg)
{
	struct notify_conf	*nc = arg;

	return (cfg_notify_ref(p, "partner", nc->partner, sizeof nc->partner));
}

static int
cfg_notify_branch(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg)
{
	struct notify_conf	*nc = arg;

	return (cfg_notify_ref(p, "branch", nc->branch, sizeof nc->branch));
}

static int
cfg_notify_repeat(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg)
{
	return (cfg_span(p, "repeat", 0, 7 * 86400 * 1000LL,
	    &((struct notify_conf *)arg)->repeat_ms));
}

static int
cfg_notify_hold(struct parser *p, const struct loc *kw CFG_UNUSED, void *arg)
{
	return (cfg_span(p, "hold", 0, 86400 * 1000LL,
	    &((struct notify_conf *)arg)->hold_ms));
}

static int
cfg_notify_timeout(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg)
{
	return (cfg_span(p, "timeout", 100, 300 * 1000LL,
	    &((struct notify_conf *)arg)->timeout_ms));
}

static int
cfg_notify_give_up(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg)
{
	return (cfg_span(p, "give-up", 1000, 7 * 86400 * 1000LL,
	    &((struct notify_conf *)arg)->give_up_ms));
}

static int
cfg_notify_queue(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg)
{
	struct notify_conf	*nc = arg;
	unsigned long		 v;

	if (cfg_number(p, "queue", 1, NOTIFY_QUEUE_MAX, &v) == -1)
		return (-1);
	nc->queue_max = (unsigned)v;
	return (0);
}

/* tls { ca "F" certificate "F" key "F" }: for https:// destinations,
 * read now as the notifier will (config-tls.c). */
static int
cfg_notify_tls(struct parser *p, const struct loc *kw, void *arg)
{
	struct notify_conf	*nc = arg;
	char			 where[NAME_MAX_PT + 16];

	snprintf(where, sizeof where, "notify %s", nc->name);
	return (cfg_tls(p, kw, &nc->tls, 1, where));
}

static int
cfg_notify_format(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg)
{
	struct notify_dest_conf	*dc = arg;
	struct token		*t;
	char			 q[CFG_LEX_QUOTE_LEN];
	int			 f;

	if (cfg_lex_value(&p->lx, &t, "a format after format") == -1)
		return (-1);
	if (dc->kind == &notify_kind_syslog) {
		if (strcasecmp(t->text, "rfc5424") == 0)
			dc->syslog_format = NOTIFY_RFC5424;
		else if (strcasecmp(t->text, "rfc3164") == 0)
			dc->syslog_format = NOTIFY_RFC3164;
		else
			return (cfg_lex_error(&p->lx, &t->loc, "unknown syslog "
			    "format \"%s\": expected rfc5424 or rfc3164",
			    cfg_lex_quote(t->text, q, sizeof q)));
		return (0);
	}
	if ((f = notify_format_find(t->text)) == -1)
		return (cfg_lex_error(&p->lx, &t->loc, "unknown format \"%s\": "
		    "expected slack, teams or json",
		    cfg_lex_quote(t->text, q, sizeof q)));
	dc->format = (enum notify_format)f;
	return (0);
}

static int
cfg_notify_running(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg)
{
	struct notify_dest_conf	*dc = arg;
	unsigned long		 v;

	if (cfg_number(p, "max-running", 1, 64, &v) == -1)
		return (-1);
	dc->max_running = (unsigned)v;
	return (0);
}

static int
cfg_notify_facility(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg)
{
	struct notify_dest_conf	*dc = arg;
	struct token		*t;
	char			 q[CFG_LEX_QUOTE_LEN];

	if (cfg_lex_value(&p->lx, &t, "a facility after facility") == -1)
		return (-1);
	if ((dc->facility = notify_facility_find(t->text)) == -1)
		return (cfg_lex_error(&p->lx, &t->loc, "unknown facility "
		    "\"%s\": expected daemon, user, local0 to local7, ...",
		    cfg_lex_quote(t->text, q, sizeof q)));
	return (0);
}

static int
cfg_notify_socket(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg)
{
	struct notify_dest_conf	*dc = arg;

	return (cfg_string(p, "socket", dc->socket, sizeof dc->socket));
}

/*
 * An http:// or https:// URL the collector can use: a host, a port 1 to
 * 65535 if any, no spaces or control characters, and what evhttp takes.
 */
static int
cfg_notify_url(struct parser *p, const struct loc *l, const char *word,
    const char *url)
{
	struct evhttp_uri	*u;
	const char		*s, *e, *host, *port = NULL, *why = NULL;
	char			 q[CFG_LEX_QUOTE_LEN];
	unsigned long		 v = 0;

	if (strncasecmp(url, "http://", 7) == 0)
		s = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		s = url + 8;
	else
		return (cfg_lex_error(&p->lx, l, "%s \"%s\": expected an "
		    "http:// or https:// URL", word, cfg_lex_quote(url, q,
		    sizeof q)));
	/* The authority, [user@]host[:port], up to the path. */
	e = s + strcspn(s, "/?#");
	for (host = s; s < e; s++)
		if (*s == '@')
			host = s + 1;
	if (*host == '[') {
		if ((s = memchr(host, ']', (size_t)(e - host))) == NULL ||
		    s == host + 1)
			why = "no host";
		else if (s + 1 < e && s[1] != ':')
			why = "junk after the host";
		else if (s + 1 < e)
			port = s + 2;
	} else if ((s = memchr(host, ':', (size_t)(e - host))) != NULL) {
		port = s + 1;
		if (s == host)
			why = "no host";
	} else if (host == e)
		why = "no host";
	if (port == e)
		port = NULL;	/* "host:": the scheme's */
	if (why == NULL && port != NULL) {
		for (s = port; s < e && *s >= '0' && *s <= '9' && v <= 65535;
		    s++)
			v = v * 10 + (unsigned long)(*s - '0');
		if (s != e || v < 1 || v > 65535)
			why = "bad port: expected 1 to 65535";
	}
	for (s = url; why == NULL && *s != '\0'; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			why = "a space or control character in it";
	if (why == NULL) {
		if ((u = evhttp_uri_parse(url)) == NULL)
			why = "not a URL the HTTP client takes";
		else
			evhttp_uri_free(u);
	}
	if (why != NULL)
		return (cfg_lex_error(&p->lx, l, "%s \"%s\": %s", word,
		    cfg_lex_quote(url, q, sizeof q), why));
	return (0);
}

/* A webhook over plain HTTP to another host: its bodies in clear. */
static void
cfg_notify_url_check(struct parser *p, const struct loc *l,
    const struct notify_dest_conf *dc)
{
	static const uint8_t	 v6[16] = { [15] = 1 };
	char		 host[256];
	const char	*s, *e;
	struct addr	 a;
	size_t		 n;

	if (strncasecmp(dc->url, "http://", 7) != 0)
		return;
	s = dc->url + 7;
	if (*s == '[') {
		s++;
		e = strchr(s, ']');
	} else
		e = s + strcspn(s, ":/?");
	n = e != NULL ? (size_t)(e - s) : strlen(s);
	if (n >= sizeof host)
		n = sizeof host - 1;
	memcpy(host, s, n);
	host[n] = '\0';
	if (strcasecmp(host, "localhost") == 0)
		return;
	if (addr_parse(host, &a) == 0 && ((a.af == AF_INET && a.b[0] == 127) ||
	    (a.af == AF_INET6 && memcmp(a.b, v6, sizeof v6) == 0)))
		return;
	cfg_warn(p, l, "%s \"%s\" is plain HTTP to another host: anyone on "
	    "the way reads every notification (use https://)",
	    dc->kind->name, dc->url);
}

/* alertmanager "URL" | webhook "URL" [format F] | exec "/path" ["arg"
 * ...] [max-running N] | syslog [facility F] [socket "P"] [format F] */
static int
cfg_notify_dest(struct parser *p, const struct loc *kw, void *arg,
    const char *word)
{
	struct notify_conf	*nc = arg;
	struct notify_dest_conf	*dc;
	struct collector	*c;
	struct token		*t;
	struct stat		 sb;
	struct loc		 l = *kw;
	size_t			 i, same = 0;

	if (nc->ndest == NOTIFY_DESTS_MAX)
		return (cfg_lex_error(&p->lx, kw, "too many destinations in "
		    "one notify block (at most %d)", NOTIFY_DESTS_MAX));
	dc = &nc->dest[nc->ndest];
	memset(dc, 0, sizeof *dc);
	dc->kind = notify_kind_find(word);
	dc->facility = 3;	/* daemon */
	for (i = 0; i < nc->ndest; i++)
		same += nc->dest[i].kind == dc->kind;
	if (same == 0)
		strlcpy_pt(dc->label, word, sizeof dc->label);
	else
		snprintf(dc->label, sizeof dc->label, "%s-%zu", word, same + 1);
	if (dc->kind == &notify_kind_syslog) {
		if (cfg_options(p, cfg_notify_syslog_keywords, dc) == -1)
			return (-1);
	} else if (dc->kind == &notify_kind_exec) {
		if (cfg_lex_value(&p->lx, &t, "a program after exec") == -1 ||
		    cfg_lex_name(&p->lx, t, dc->argv[0], sizeof dc->argv[0],
		    "exec") == -1)
			return (-1);
		l = t->loc;
		dc->argc = 1;
		if (dc->argv[0][0] != '/')
			return (cfg_lex_error(&p->lx, &t->loc, "exec \"%s\": "
			    "not an absolute path (no shell runs it, no PATH "
			    "is searched)", dc->argv[0]));
		if (stat(dc->argv[0], &sb) != 0 || !S_ISREG(sb.st_mode) ||
		    access(dc->argv[0], X_OK) != 0)
			cfg_warn(p, &l, "exec \"%s\" is not an executable file",
			    dc->argv[0]);
		for (;;) {
			if (cfg_lex_peek(&p->lx, &t) == -1)
				return (-1);
			if (t->type != TOK_STRING)
				break;
			if (dc->argc == NOTIFY_ARGS_MAX)
				return (cfg_lex_error(&p->lx, &t->loc, "too "
				    "many arguments (at most %d)",
				    NOTIFY_ARGS_MAX - 1));
			if (cfg_lex_next(&p->lx, &t) == -1)
				return (-1);
			if (t->len >= sizeof dc->argv[0])
				return (cfg_lex_error(&p->lx, &t->loc,
				    "argument too long"));
			memcpy(dc->argv[dc->argc++], t->text, t->len + 1);
		}
		if (cfg_options(p, cfg_notify_exec_keywords, dc) == -1)
			return (-1);
	} else {
		if (cfg_lex_value(&p->lx, &t, "a URL") == -1 ||
		    cfg_lex_name(&p->lx, t, dc->url, sizeof dc->url,
		    word) == -1)
			return (-1);
		l = t->loc;
		if (cfg_notify_url(p, &t->loc, word, dc->url) == -1)
			return (-1);
		if (dc->kind == &notify_kind_webhook &&
		    cfg_options(p, cfg_notify_webhook_keywords, dc) == -1)
			return (-1);
		cfg_notify_url_check(p, &l, dc);
	}
	nc->ndest++;
	/* Its row among the collectors. */
	if ((c = cfg_collector_new(p, kw, "notify")) == NULL)
		return (-1);
	snprintf(c->name, sizeof c->name, "notify %s/%s", nc->name, dc->label);
	c->path = xstrdup(dc->url[0] != '\0' ? dc->url : dc->argc != 0 ?
	    dc->argv[0] : dc->socket[0] != '\0' ? dc->socket : "/dev/log");
	return (0);
}

static int
cfg_notify_am(struct parser *p, const struct loc *kw, void *arg)
{
	return (cfg_notify_dest(p, kw, arg, "alertmanager"));
}

static int
cfg_notify_webhook(struct parser *p, const struct loc *kw, void *arg)
{
	return (cfg_notify_dest(p, kw, arg, "webhook"));
}

static int
cfg_notify_exec(struct parser *p, const struct loc *kw, void *arg)
{
	return (cfg_notify_dest(p, kw, arg, "exec"));
}

static int
cfg_notify_syslog(struct parser *p, const struct loc *kw, void *arg)
{
	return (cfg_notify_dest(p, kw, arg, "syslog"));
}

int
cfg_notify(struct parser *p, const struct loc *kw CFG_UNUSED,
    void *arg CFG_UNUSED)
{
	struct model		*m = p->m;
	struct notify_conf	*nc;
	struct token		*t, *close;
	char			 name[NAME_MAX_PT], q[CFG_LEX_QUOTE_LEN];
	char			 what[NAME_MAX_PT * 4 + 16];
	size_t			 i;
	int			 dup = 0;

	if (cfg_lex_value(&p->lx, &t, "a name after notify") == -1 ||
	    cfg_lex_name(&p->lx, t, name, sizeof name, "notify name") == -1)
		return (-1);
	for (i = 0; i < m->nnotify; i++)
		dup |= strcmp(m->notify[i]->name, name) == 0;
	if (strchr(name, '/') != NULL)
		return (cfg_lex_error(&p->lx, &t->loc, "notify \"%s\": a name "
		    "without /", cfg_lex_quote(name, q, sizeof q)));
	if (cfg_new_name(p, t, "notify", "notify blocks", dup, m->nnotify,
	    CONFIG_NOTIFY_MAX) == -1)
		return (-1);
	nc = xcalloc(1, sizeof *nc);
	strlcpy_pt(nc->name, name, sizeof nc->name);
	nc->level = LVL_WARNING;
	m->notify = xreallocarray(m->notify, m->nnotify + 1,
	    sizeof *m->notify);
	m->notify[m->nnotify++] = nc;
	snprintf(what, sizeof what, "notify \"%s\"",
	    cfg_lex_quote(name, q, sizeof q));
	if (cfg_lex_expect(&p->lx, TOK_LBRACE, NULL, what) == -1 ||
	    cfg_block(p, cfg_notify_keywords, nc, what, &close) == -1)
		return (-1);
	if (nc->ndest == 0)
		return (cfg_lex_error(&p->lx, &close->loc, "%s has no "
		    "destination (alertmanager, webhook, exec or syslog)",
		    what));
	return (0);
}
