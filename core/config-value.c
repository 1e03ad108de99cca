/* SPDX-License-Identifier: ISC */
/*
 * The configuration's values (peertop.conf(5)): AS numbers, durations,
 * coordinates, addresses, prefixes, names and counts, each parsed and
 * range-checked once here for every block of the grammar (config.c,
 * config-collect.c, config-partner.c, config-latency.c), with the error
 * at the offending token.
 */

#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/collector.h"
#include "core/config.h"
#include "core/config-lex.h"
#include "core/config-private.h"
#include "core/geo.h"
#include "core/model.h"
#include "core/util.h"

static int	cfg_parse_coord(const char *, double, double, double *);

#define DURATION_MIN_MS		100
#define DURATION_MAX_MS		(3600 * 1000)

/* AS number: 1..4294967295, optionally written "AS65002". */
int
cfg_parse_asn(const char *s, uint32_t *asn)
{
	unsigned long long	 v = 0;
	size_t			 n;

	if (strncasecmp(s, "as", 2) == 0)
		s += 2;
	n = strlen(s);
	if (n == 0 || n > 10)
		return (-1);
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return (-1);
		v = v * 10 + (unsigned)(*s - '0');
	}
	if (v < 1 || v > UINT32_MAX)
		return (-1);
	*asn = (uint32_t)v;
	return (0);
}

/* "500ms", "5s", "1m", "1h", "7d", or a bare number of seconds. */
int
cfg_parse_ms(const char *s, int64_t min, int64_t max, int64_t *ms)
{
	uint64_t	 v = 0, mult;
	size_t		 n = 0;

	while (s[n] >= '0' && s[n] <= '9') {
		if (n == 9)
			return (-1);
		v = v * 10 + (uint64_t)(s[n] - '0');
		n++;
	}
	if (n == 0)
		return (-1);
	s += n;
	if (*s == '\0' || strcmp(s, "s") == 0)
		mult = 1000;
	else if (strcmp(s, "ms") == 0)
		mult = 1;
	else if (strcmp(s, "m") == 0)
		mult = 60 * 1000;
	else if (strcmp(s, "h") == 0)
		mult = 3600 * 1000;
	else if (strcmp(s, "d") == 0)
		mult = 86400 * 1000;
	else
		return (-1);
	v *= mult;
	if (v < (uint64_t)min || v > (uint64_t)max)
		return (-1);
	*ms = (int64_t)v;
	return (0);
}

int
cfg_parse_duration(const char *s, int *ms)
{
	int64_t	 v;

	if (cfg_parse_ms(s, DURATION_MIN_MS, DURATION_MAX_MS, &v) == -1)
		return (-1);
	*ms = (int)v;
	return (0);
}

/* A decimal degree in [min, max]; no hex, exponents, nan or inf. */
static int
cfg_parse_coord(const char *s, double min, double max, double *out)
{
	const char	*c;
	char		*end;
	double		 v;

	if (*s == '\0' || strlen(s) > 32)
		return (-1);
	for (c = s; *c != '\0'; c++) {
		if (strchr("+-.0123456789", *c) == NULL)
			return (-1);
	}
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || end == s || !isfinite(v))
		return (-1);
	if (v < min || v > max)
		return (-1);
	*out = v;
	return (0);
}

int
cfg_asn(struct parser *p, uint32_t *asn, const char *what)
{
	struct token	*t;
	char		 q[CFG_LEX_QUOTE_LEN];

	if (cfg_lex_value(&p->lx, &t, what) == -1)
		return (-1);
	if (t->type != TOK_WORD || cfg_parse_asn(t->text, asn) == -1)
		return (cfg_lex_error(&p->lx, &t->loc, "bad AS number \"%s\": "
		    "expected 1 to 4294967295", cfg_lex_quote(t->text, q,
		    sizeof q)));
	return (0);
}

/* An IPv4 or IPv6 address; *where is where it was written. */
int
cfg_addr(struct parser *p, struct addr *a, const char *what,
    struct loc *where)
{
	struct token	*t;
	char		 q[CFG_LEX_QUOTE_LEN];

	if (cfg_lex_value(&p->lx, &t, what) == -1)
		return (-1);
	memset(a, 0, sizeof *a);
	if (t->type != TOK_WORD || addr_parse(t->text, a) == -1)
		return (cfg_lex_error(&p->lx, &t->loc, "bad address \"%s\": "
		    "expected an IPv4 or IPv6 address", cfg_lex_quote(t->text,
		    q, sizeof q)));
	*where = t->loc;
	return (0);
}

/*
 * The name token of a new partner, branch or session (kind, plural kinds)
 * must be unique (dup: the caller's model lookup found it) and the count n
 * below max.  Called last in a chain, so that the lookup sees the name.
 */
int
cfg_new_name(struct parser *p, const struct token *t, const char *kind,
    const char *kinds, int dup, size_t n, size_t max)
{
	char	 q[CFG_LEX_QUOTE_LEN];

	if (dup)
		return (cfg_lex_error(&p->lx, &t->loc, "duplicate %s \"%s\"",
		    kind, cfg_lex_quote(t->text, q, sizeof q)));
	if (n >= max)
		return (cfg_lex_error(&p->lx, &t->loc, "too many %s (at most "
		    "%zu)", kinds, max));
	return (0);
}

/* Add " word" to a list of missing options unless it was given. */
void
cfg_missing(char *buf, size_t len, int given, const char *word)
{
	size_t	 n = strlen(buf);

	if (!given)
		strlcpy_pt(buf + n, word, len - n);
}

/* "location LAT LON" after the keyword. */
int
cfg_location(struct parser *p, double *lat, double *lon)
{
	struct token	*t;
	char		 q[CFG_LEX_QUOTE_LEN];

	if (cfg_lex_value(&p->lx, &t, "a latitude") == -1)
		return (-1);
	if (t->type != TOK_WORD ||
	    cfg_parse_coord(t->text, -90, 90, lat) == -1)
		return (cfg_lex_error(&p->lx, &t->loc, "bad latitude \"%s\": "
		    "expected a number from -90 to 90", cfg_lex_quote(t->text,
		    q, sizeof q)));
	if (cfg_lex_value(&p->lx, &t, "a longitude") == -1)
		return (-1);
	if (t->type != TOK_WORD ||
	    cfg_parse_coord(t->text, -180, 180, lon) == -1)
		return (cfg_lex_error(&p->lx, &t->loc, "bad longitude \"%s\": "
		    "expected a number from -180 to 180", cfg_lex_quote(t->text,
		    q, sizeof q)));
	return (0);
}

/* The prefix a user with host bits set probably meant, for the hint. */
int
cfg_prefix_mask(const char *s, char *out, size_t len)
{
	char		 a[PREFIX_STRLEN];
	const char	*slash;
	struct prefix	 pfx;
	u_int		 plen = 0, i, max;

	if ((slash = strchr(s, '/')) == NULL ||
	    (size_t)(slash - s) >= sizeof a)
		return (-1);
	memcpy(a, s, slash - s);
	a[slash - s] = '\0';
	memset(&pfx, 0, sizeof pfx);
	if (addr_parse(a, &pfx.addr) == -1)
		return (-1);
	max = pfx.addr.af == AF_INET ? 32 : 128;
	for (i = 1; slash[i] != '\0'; i++) {
		if (slash[i] < '0' || slash[i] > '9' || i > 3)
			return (-1);
		plen = plen * 10 + (u_int)(slash[i] - '0');
	}
	if (i == 1 || plen > max)
		return (-1);
	for (i = 0; i < max / 8; i++) {
		if (i * 8 >= plen)
			pfx.addr.b[i] = 0;
		else if (i * 8 + 8 > plen)
			pfx.addr.b[i] &=
			    (uint8_t)(0xff << (8 - (plen - i * 8)));
	}
	pfx.len = (uint8_t)plen;
	prefix_fmt(&pfx, out, len);
	return (0);
}

/* A decimal number from 0 to max. */
int
cfg_parse_uint(const char *s, unsigned long max, unsigned long *v)
{
	size_t	 n = strlen(s);

	*v = 0;
	if (n == 0 || n > 10)
		return (-1);
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return (-1);
		*v = *v * 10 + (unsigned long)(*s - '0');
	}
	return (*v > max ? -1 : 0);
}

/*
 * "max-prefix N [warning|drop]" after the keyword, for what (a session's
 * or a collector's) in the errors: N from 0 (no limit) to 4294967295;
 * without a word, drop, as a router's maximum-prefix without
 * warning-only acts (we cannot tear a session down, only stop storing).
 */
int
cfg_max_prefix(struct parser *p, const struct loc *kw, struct max_prefix *mp,
    const char *what)
{
	struct token	*t;
	unsigned long	 v;
	char		 q[CFG_LEX_QUOTE_LEN];

	if (mp->set)
		return (cfg_lex_error(&p->lx, kw, "max-prefix given twice for "
		    "%s", what));
	if (cfg_lex_value(&p->lx, &t, "a number of routes after "
	    "max-prefix") == -1)
		return (-1);
	if (t->type != TOK_WORD || cfg_parse_uint(t->text, UINT32_MAX,
	    &v) == -1)
		return (cfg_lex_error(&p->lx, &t->loc, "bad max-prefix \"%s\" "
		    "for %s: expected a number of routes, 0 (no limit) to "
		    "4294967295", cfg_lex_quote(t->text, q, sizeof q), what));
	mp->limit = (uint32_t)v;
	mp->drop = 1;
	mp->set = 1;
	if (cfg_lex_peek(&p->lx, &t) == -1)
		return (-1);
	if (t->type != TOK_WORD || (strcmp(t->text, "warning") != 0 &&
	    strcmp(t->text, "drop") != 0))
		return (0);
	mp->drop = strcmp(t->text, "drop") == 0;
	return (cfg_lex_next(&p->lx, &t));
}

/* A duration value in [min, max] ms. */
int
cfg_span(struct parser *p, const char *word, int64_t min, int64_t max,
    int64_t *out)
{
	struct token	*t;
	char		 what[64], q[CFG_LEX_QUOTE_LEN];

	snprintf(what, sizeof what, "a duration after %s", word);
	if (cfg_lex_value(&p->lx, &t, what) == -1)
		return (-1);
	if (t->type != TOK_WORD || cfg_parse_ms(t->text, min, max, out) == -1) {
		if (max >= 86400 * 1000)
			return (cfg_lex_error(&p->lx, &t->loc, "bad %s \"%s\": "
			    "expected %lldms to %lldd, e.g. 1h, 7d", word,
			    cfg_lex_quote(t->text, q, sizeof q),
			    (long long)min, (long long)(max / 86400000)));
		return (cfg_lex_error(&p->lx, &t->loc, "bad %s \"%s\": "
		    "expected %lldms to %llds, e.g. 500ms, 2s", word,
		    cfg_lex_quote(t->text, q, sizeof q), (long long)min,
		    (long long)(max / 1000)));
	}
	return (0);
}

/* An unsigned number in [min, max]. */
int
cfg_number(struct parser *p, const char *word, unsigned long min,
    unsigned long max, unsigned long *out)
{
	struct token	*t;
	char		 what[64], q[CFG_LEX_QUOTE_LEN];

	snprintf(what, sizeof what, "a number after %s", word);
	if (cfg_lex_value(&p->lx, &t, what) == -1)
		return (-1);
	if (t->type != TOK_WORD || cfg_parse_uint(t->text, max, out) == -1 ||
	    *out < min)
		return (cfg_lex_error(&p->lx, &t->loc, "bad %s \"%s\": expected "
		    "%lu to %lu", word, cfg_lex_quote(t->text, q, sizeof q),
		    min, max));
	return (0);
}

/* A port after "port". */
int
cfg_port(struct parser *p, int *port)
{
	unsigned long	 v;

	if (cfg_number(p, "port", 1, 65535, &v) == -1)
		return (-1);
	*port = (int)v;
	return (0);
}

/* A string value (name, token, label) into a fixed buffer. */
int
cfg_string(struct parser *p, const char *word, char *dst, size_t len)
{
	struct token	*t;
	char		 what[64];

	snprintf(what, sizeof what, "a value after %s", word);
	if (cfg_lex_value(&p->lx, &t, what) == -1)
		return (-1);
	return (cfg_lex_name(&p->lx, t, dst, len, word));
}
