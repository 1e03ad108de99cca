/* SPDX-License-Identifier: ISC */
/*
 * BIRD's control socket protocol and "show protocols all".
 *
 * BIRD's user guide ("Remote control") and doc/reply_codes define the
 * wire format: every line begins with a four-digit reply code followed by
 * '-' when the reply goes on or ' ' when this line ends it; a line that
 * begins with a space continues the previous code.  0xxx report success,
 * 1xxx are table rows, 2xxx table headings, 8xxx run-time and 9xxx parse
 * errors.  Lines starting with '+' are asynchronous messages (only sent
 * after "echo"), which we skip.  The reader below turns bytes into lines
 * and lines into replies under fixed bounds; the protocol decoder reads the
 * 1002 rows ("Name Proto Table State Since Info") and their 1006 details.
 *
 * The "since" column depends on BIRD's "timeformat protocol": the peertop
 * lab configures "timeformat protocol iso long" ("2026-11-25 19:01:02"),
 * BIRD 2's default is "iso short ms" ("19:01:02.123" for today, the date
 * alone for older times); all are parsed as local time.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/decode-bird.h"

/* A bounded cursor over one line of text. */
struct tcur {
	const char	*p;
	size_t		 len;
	size_t		 off;
};

static int	 decode_bird_fail(struct decode_bird_reply *, char **,
		    const char *, ...) printflike(3, 4);
static int	 decode_bird_prefix_ok(const char *, size_t);
static int	 decode_bird_line_end(struct decode_bird_reply *, char **);
static void	 decode_bird_store(struct decode_bird_reply *, int,
		    const char *, size_t);

static void	 tcur_init(struct tcur *, const char *, size_t);
static size_t	 tcur_left(const struct tcur *);
static void	 tcur_ws(struct tcur *);
static int	 tcur_word(struct tcur *, const char **, size_t *);
static int	 tcur_u32(struct tcur *, uint32_t *);
static int	 tcur_lit(struct tcur *, const char *);
static void	 tcur_trim(struct tcur *);

static int	 decode_bird_digits(const char *, size_t, int *);
static size_t	 decode_bird_date_len(const char *, size_t);
static size_t	 decode_bird_time_len(const char *, size_t);
static int	 decode_bird_row(struct bird_proto *, const char *, size_t,
		    char *, size_t);
static void	 decode_bird_detail(struct bird_proto *, const char *, size_t,
		    int *);
static void	 decode_bird_routes(struct bird_proto *, struct tcur *);
static void	 decode_bird_copy(char *, size_t, const char *, size_t);
static uint32_t	 decode_bird_sat_add(uint32_t, uint32_t);
static int	decode_bird_code_is_error(int code);
static const char	*decode_bird_reply_line(const struct decode_bird_reply *,
		    size_t i, int *code);

void
decode_bird_reply_init(struct decode_bird_reply *r)
{
	memset(r, 0, sizeof *r);
	r->lastcode = -1;
	r->code = -1;
}

void
decode_bird_reply_free(struct decode_bird_reply *r)
{
	free(r->text);
	free(r->lines);
	decode_bird_reply_init(r);
}

void
decode_bird_reply_reset(struct decode_bird_reply *r)
{
	r->plen = 0;
	r->textlen = 0;
	r->nlines = 0;
	r->lastcode = -1;
	r->code = -1;
	r->complete = 0;
	r->failed = 0;
}

static int
decode_bird_fail(struct decode_bird_reply *r, char **cause, const char *fmt,
    ...)
{
	va_list	 ap;
	char	*msg;

	r->failed = 1;
	if (cause != NULL) {
		va_start(ap, fmt);
		xvasprintf(&msg, fmt, ap);
		va_end(ap);
		*cause = msg;
	}
	return (-1);
}

/*
 * Can the start of a line still become a valid one?  Checked as bytes
 * arrive, so binary junk fails at once instead of after 4 KiB.
 */
static int
decode_bird_prefix_ok(const char *p, size_t len)
{
	size_t	 i;

	if (len == 0 || p[0] == ' ' || p[0] == '+')
		return (1);
	for (i = 0; i < len && i < 4; i++)
		if (!isdigit((unsigned char)p[i]))
			return (0);
	if (len > 4 && p[4] != '-' && p[4] != ' ')
		return (0);
	return (1);
}

static void
decode_bird_store(struct decode_bird_reply *r, int code, const char *text,
    size_t len)
{
	struct decode_bird_line	*l;
	size_t			 need;

	need = r->textlen + len + 1;
	if (need > r->textalloc) {
		size_t	 n = r->textalloc == 0 ? 4096 : r->textalloc;

		while (n < need)
			n *= 2;
		r->text = xreallocarray(r->text, 1, n);
		r->textalloc = n;
	}
	if (r->nlines == r->linesalloc) {
		r->linesalloc = r->linesalloc == 0 ? 64 : r->linesalloc * 2;
		r->lines = xreallocarray(r->lines, r->linesalloc,
		    sizeof *r->lines);
	}
	l = &r->lines[r->nlines++];
	l->code = code;
	l->off = r->textlen;
	l->len = len;
	memcpy(r->text + r->textlen, text, len);
	r->text[r->textlen + len] = '\0';
	r->textlen = need;
}

/* A whole line is in r->partial (without its newline). */
static int
decode_bird_line_end(struct decode_bird_reply *r, char **cause)
{
	const char	*p = r->partial;
	size_t		 len = r->plen;
	int		 code, final = 0;

	if (len > 0 && p[len - 1] == '\r')
		len--;
	if (len == 0)
		return (decode_bird_fail(r, cause,
		    "empty line where a reply code was expected"));
	if (p[0] == '+')
		return (0);	/* asynchronous message, not ours */
	if (p[0] == ' ') {
		if (r->lastcode < 0)
			return (decode_bird_fail(r, cause,
			    "continuation line before any reply code"));
		code = r->lastcode;
		p++;
		len--;
	} else {
		if (len < 4 || decode_bird_digits(p, 4, &code) != 0)
			return (decode_bird_fail(r, cause,
			    "line does not start with a reply code"));
		if (len == 4)
			final = 1;
		else if (p[4] == ' ')
			final = 1;
		else if (p[4] != '-')
			return (decode_bird_fail(r, cause,
			    "reply code %04d not followed by '-' or ' '",
			    code));
		p += len == 4 ? 4 : 5;
		len -= len == 4 ? 4 : 5;
		r->lastcode = code;
	}
	if (r->textlen + len + 1 > DECODE_BIRD_REPLY_MAX)
		return (decode_bird_fail(r, cause,
		    "reply longer than %d bytes", DECODE_BIRD_REPLY_MAX));
	decode_bird_store(r, code, p, len);
	if (final) {
		r->code = code;
		r->complete = 1;
	}
	return (0);
}

int
decode_bird_reply_feed(struct decode_bird_reply *r, const void *buf,
    size_t len, size_t *used, char **cause)
{
	const char	*p = buf;
	size_t		 i;

	*used = 0;
	if (r->failed)
		return (decode_bird_fail(r, cause, "reader already failed"));
	if (r->complete)
		return (1);
	for (i = 0; i < len; i++) {
		if (p[i] == '\n') {
			if (decode_bird_line_end(r, cause) != 0) {
				*used = i + 1;
				return (-1);
			}
			r->plen = 0;
			if (r->complete) {
				*used = i + 1;
				return (1);
			}
			continue;
		}
		if (p[i] == '\0') {
			*used = i + 1;
			return (decode_bird_fail(r, cause, "NUL byte in reply"));
		}
		if (r->plen >= DECODE_BIRD_LINE_MAX) {
			*used = i + 1;
			return (decode_bird_fail(r, cause,
			    "line longer than %d bytes", DECODE_BIRD_LINE_MAX));
		}
		r->partial[r->plen++] = p[i];
		if (r->plen <= 5 && !decode_bird_prefix_ok(r->partial, r->plen)) {
			*used = i + 1;
			return (decode_bird_fail(r, cause,
			    "line does not start with a reply code"));
		}
	}
	*used = len;
	return (0);
}

int
decode_bird_reply_eof(const struct decode_bird_reply *r, char **cause)
{
	if (r->complete || (r->plen == 0 && r->nlines == 0))
		return (0);
	if (cause != NULL)
		*cause = xstrdup("connection closed in the middle of a reply");
	return (-1);
}

int
decode_bird_reply_code(const struct decode_bird_reply *r)
{
	return (r->complete ? r->code : -1);
}

static const char *
decode_bird_reply_line(const struct decode_bird_reply *r, size_t i, int *code)
{
	if (i >= r->nlines)
		return (NULL);
	if (code != NULL)
		*code = r->lines[i].code;
	return (r->text + r->lines[i].off);
}

static int
decode_bird_code_is_error(int code)
{
	return (code >= 8000 && code <= 9999);
}

/* ---------------------------------------------------------------- cursor */

static void
tcur_init(struct tcur *c, const char *p, size_t len)
{
	c->p = p;
	c->len = len;
	c->off = 0;
}

static size_t
tcur_left(const struct tcur *c)
{
	return (c->len - c->off);
}

static void
tcur_ws(struct tcur *c)
{
	while (c->off < c->len && (c->p[c->off] == ' ' || c->p[c->off] == '\t'))
		c->off++;
}

/* Next whitespace-delimited word; -1 at the end of the line. */
static int
tcur_word(struct tcur *c, const char **w, size_t *wl)
{
	size_t	 start;

	tcur_ws(c);
	start = c->off;
	while (c->off < c->len && c->p[c->off] != ' ' && c->p[c->off] != '\t')
		c->off++;
	if (c->off == start)
		return (-1);
	*w = c->p + start;
	*wl = c->off - start;
	return (0);
}

/* Decimal number; -1 if none or it does not fit. */
static int
tcur_u32(struct tcur *c, uint32_t *v)
{
	uint64_t	 n = 0;
	size_t		 start;

	tcur_ws(c);
	start = c->off;
	while (c->off < c->len && isdigit((unsigned char)c->p[c->off])) {
		n = n * 10 + (uint64_t)(c->p[c->off] - '0');
		if (n > UINT32_MAX)
			return (-1);
		c->off++;
	}
	if (c->off == start)
		return (-1);
	*v = (uint32_t)n;
	return (0);
}

/* Match a literal at the cursor and step over it. */
static int
tcur_lit(struct tcur *c, const char *lit)
{
	size_t	 n = strlen(lit);

	if (tcur_left(c) < n || memcmp(c->p + c->off, lit, n) != 0)
		return (-1);
	c->off += n;
	return (0);
}

/* Skip leading and drop trailing blanks. */
static void
tcur_trim(struct tcur *c)
{
	tcur_ws(c);
	while (c->len > c->off &&
	    (c->p[c->len - 1] == ' ' || c->p[c->len - 1] == '\t'))
		c->len--;
}

/* ---------------------------------------------------------------- times */

/* Exactly n decimal digits. */
static int
decode_bird_digits(const char *p, size_t n, int *v)
{
	size_t	 i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)p[i]))
			return (-1);
		*v = *v * 10 + (p[i] - '0');
	}
	return (0);
}

/* Length of a "YYYY-MM-DD" at p, else 0. */
static size_t
decode_bird_date_len(const char *p, size_t len)
{
	int	 v;

	if (len < 10 || decode_bird_digits(p, 4, &v) != 0 || p[4] != '-' ||
	    decode_bird_digits(p + 5, 2, &v) != 0 || p[7] != '-' ||
	    decode_bird_digits(p + 8, 2, &v) != 0)
		return (0);
	if (len > 10 && p[10] != ' ' && p[10] != '\t')
		return (0);
	return (10);
}

/* Length of a "HH:MM:SS[.fff...]" at p, else 0. */
static size_t
decode_bird_time_len(const char *p, size_t len)
{
	size_t	 n;
	int	 v;

	if (len < 8 || decode_bird_digits(p, 2, &v) != 0 || p[2] != ':' ||
	    decode_bird_digits(p + 3, 2, &v) != 0 || p[5] != ':' ||
	    decode_bird_digits(p + 6, 2, &v) != 0)
		return (0);
	n = 8;
	if (n < len && p[n] == '.') {
		n++;
		while (n < len && isdigit((unsigned char)p[n]))
			n++;
		if (n == 9)
			return (0);
	}
	if (n < len && p[n] != ' ' && p[n] != '\t')
		return (0);
	return (n);
}

int
decode_bird_since(const char *s, int64_t now_ms, int64_t *out)
{
	struct tm	 tm;
	time_t		 now, t;
	size_t		 len = strlen(s), n;
	int		 year, mon, day, hour = 0, min = 0, sec = 0, ms = 0;
	int		 have_date = 0, have_time = 0, i;

	if (decode_bird_date_len(s, len) == 10) {
		decode_bird_digits(s, 4, &year);
		decode_bird_digits(s + 5, 2, &mon);
		decode_bird_digits(s + 8, 2, &day);
		have_date = 1;
		s += 10;
		len -= 10;
		if (len > 0 && *s == ' ') {
			s++;
			len--;
		}
	}
	if (len > 0) {
		if ((n = decode_bird_time_len(s, len)) == 0 || n != len)
			return (-1);
		decode_bird_digits(s, 2, &hour);
		decode_bird_digits(s + 3, 2, &min);
		decode_bird_digits(s + 6, 2, &sec);
		/* Milliseconds from the first three fraction digits. */
		for (i = 0; i < 3; i++) {
			ms *= 10;
			if (9 + (size_t)i < n)
				ms += s[9 + i] - '0';
		}
		have_time = 1;
	}
	if (!have_date && !have_time)
		return (-1);
	if (hour > 23 || min > 59 || sec > 60)
		return (-1);

	memset(&tm, 0, sizeof tm);
	if (have_date) {
		if (mon < 1 || mon > 12 || day < 1 || day > 31 || year < 1970)
			return (-1);
		tm.tm_year = year - 1900;
		tm.tm_mon = mon - 1;
		tm.tm_mday = day;
	} else {
		now = (time_t)(now_ms / 1000);
		if (localtime_r(&now, &tm) == NULL)
			return (-1);
	}
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	if ((t = mktime(&tm)) == (time_t)-1)
		return (-1);
	/*
	 * A time without a date is within the last day: if it lies ahead of
	 * us, BIRD meant yesterday (a minute of slack for clock steps).
	 */
	if (!have_date && (int64_t)t * 1000 > now_ms + 60 * 1000) {
		tm.tm_mday--;
		tm.tm_hour = hour;
		tm.tm_min = min;
		tm.tm_sec = sec;
		tm.tm_isdst = -1;
		if ((t = mktime(&tm)) == (time_t)-1)
			return (-1);
	}
	*out = (int64_t)t * 1000 + ms;
	return (0);
}

/* ---------------------------------------------------------------- protocols */

static void
decode_bird_copy(char *dst, size_t dstlen, const char *src, size_t srclen)
{
	sanitize(dst, dstlen, src, srclen);
}

static uint32_t
decode_bird_sat_add(uint32_t a, uint32_t b)
{
	return (a > UINT32_MAX - b ? UINT32_MAX : a + b);
}

/*
 * A 1002 row: "ms_sea1    BGP        ---        up     2026-11-25 19:05:40
 * Established   ".  BGP's info column is the state padded to a width,
 * then the last error; the part after the padding goes to extra.
 */
static int
decode_bird_row(struct bird_proto *p, const char *text, size_t len,
    char *extra, size_t extralen)
{
	struct tcur	 c;
	const char	*w, *since, *info;
	size_t		 wl, n, sincelen, i;

	tcur_init(&c, text, len);
	if (tcur_word(&c, &w, &wl) != 0)
		return (-1);
	decode_bird_copy(p->name, sizeof p->name, w, wl);
	if (tcur_word(&c, &w, &wl) != 0)
		return (-1);
	decode_bird_copy(p->proto, sizeof p->proto, w, wl);
	if (tcur_word(&c, &w, &wl) != 0)
		return (-1);
	decode_bird_copy(p->table, sizeof p->table, w, wl);
	if (tcur_word(&c, &w, &wl) != 0)
		return (-1);
	decode_bird_copy(p->state, sizeof p->state, w, wl);

	/* Since: date and time, date, time, or one word of some format. */
	tcur_ws(&c);
	since = c.p + c.off;
	sincelen = 0;
	if ((n = decode_bird_date_len(since, tcur_left(&c))) != 0) {
		sincelen = n;
		if (n + 1 < tcur_left(&c) && since[n] == ' ' &&
		    (n = decode_bird_time_len(since + n + 1,
		    tcur_left(&c) - n - 1)) != 0)
			sincelen += 1 + n;
		c.off += sincelen;
	} else if ((n = decode_bird_time_len(since, tcur_left(&c))) != 0) {
		sincelen = n;
		c.off += n;
	} else if (tcur_word(&c, &since, &sincelen) != 0)
		sincelen = 0;
	decode_bird_copy(p->since, sizeof p->since, since, sincelen);

	/* Info, then whatever follows a run of two or more blanks. */
	tcur_trim(&c);
	info = c.p + c.off;
	n = tcur_left(&c);
	for (i = 0; i + 1 < n; i++)
		if (info[i] == ' ' && info[i + 1] == ' ')
			break;
	if (i + 1 >= n)
		i = n;
	decode_bird_copy(p->info, sizeof p->info, info, i);
	c.off += i;
	tcur_ws(&c);
	decode_bird_copy(extra, extralen, c.p + c.off, tcur_left(&c));
	return (0);
}

/* "Routes: 3 imported, 1 filtered, 2 exported, 3 preferred" */
static void
decode_bird_routes(struct bird_proto *p, struct tcur *c)
{
	const char	*w;
	size_t		 wl;
	uint32_t	 v;

	for (;;) {
		if (tcur_u32(c, &v) != 0 || tcur_word(c, &w, &wl) != 0)
			return;
		if (wl > 0 && w[wl - 1] == ',')
			wl--;
		if (wl == 8 && memcmp(w, "imported", 8) == 0)
			p->imported = decode_bird_sat_add(p->imported, v);
		else if (wl == 8 && memcmp(w, "exported", 8) == 0)
			p->exported = decode_bird_sat_add(p->exported, v);
		else if (wl == 8 && memcmp(w, "filtered", 8) == 0)
			p->filtered = decode_bird_sat_add(p->filtered, v);
		else if (wl == 9 && memcmp(w, "preferred", 9) == 0)
			p->preferred = decode_bird_sat_add(p->preferred, v);
	}
}

/*
 * One 1006 line ("Key:   value").  Values that do not parse are left
 * unset rather than failing the whole reply: one odd protocol must not
 * hide all the others.
 */
static void
decode_bird_detail(struct bird_proto *p, const char *text, size_t len,
    int *in_channel)
{
	struct tcur	 c;
	const char	*w;
	size_t		 wl, i;
	char		 buf[ADDR_STRLEN + 1];
	uint32_t	 v;

	tcur_init(&c, text, len);
	tcur_trim(&c);
	if (tcur_lit(&c, "Channel ") == 0) {
		*in_channel = 1;
		p->nchannels++;
		return;
	}
	if (tcur_lit(&c, "BGP state:") == 0) {
		tcur_ws(&c);
		decode_bird_copy(p->bgp_state, sizeof p->bgp_state,
		    c.p + c.off, tcur_left(&c));
	} else if (tcur_lit(&c, "Neighbor address:") == 0) {
		if (tcur_word(&c, &w, &wl) != 0)
			return;
		/* A link-local neighbor carries "%iface". */
		for (i = 0; i < wl && w[i] != '%'; i++)
			;
		if (i >= sizeof buf)
			return;
		memcpy(buf, w, i);
		buf[i] = '\0';
		if (addr_parse(buf, &p->neighbor) != 0)
			memset(&p->neighbor, 0, sizeof p->neighbor);
	} else if (tcur_lit(&c, "Neighbor AS:") == 0) {
		if (tcur_u32(&c, &v) == 0)
			p->neighbor_as = v;
	} else if (tcur_lit(&c, "Local AS:") == 0) {
		if (tcur_u32(&c, &v) == 0)
			p->local_as = v;
	} else if (tcur_lit(&c, "Last error:") == 0) {
		tcur_ws(&c);
		decode_bird_copy(p->last_error, sizeof p->last_error,
		    c.p + c.off, tcur_left(&c));
	} else if (tcur_lit(&c, "Description:") == 0) {
		tcur_ws(&c);
		decode_bird_copy(p->description, sizeof p->description,
		    c.p + c.off, tcur_left(&c));
	} else if (tcur_lit(&c, "Message:") == 0) {
		tcur_ws(&c);
		decode_bird_copy(p->message, sizeof p->message,
		    c.p + c.off, tcur_left(&c));
	} else if (*in_channel && tcur_lit(&c, "Routes:") == 0)
		decode_bird_routes(p, &c);
}

enum bgp_state
decode_bird_bgp_state(const struct bird_proto *p)
{
	static const struct {
		const char	*word;
		enum bgp_state	 state;
	} map[] = {
		{ "Established", BGP_ESTABLISHED },
		{ "Idle", BGP_IDLE },
		{ "Connect", BGP_CONNECT },
		{ "Active", BGP_ACTIVE },
		/* Passive TCP establishment waits in Active (RFC 4271 8.2.1). */
		{ "Passive", BGP_ACTIVE },
		{ "OpenSent", BGP_OPENSENT },
		{ "OpenConfirm", BGP_OPENCONFIRM },
		{ "Close", BGP_IDLE },
		{ "Down", BGP_IDLE },
	};
	const char	*word;
	size_t		 i;

	if (!p->is_bgp)
		return (BGP_UNKNOWN);
	/*
	 * A BGP protocol is "down" only when disabled: by the operator
	 * ("birdc disable", "disabled" in the config; BIRD then shows no
	 * error) or by BIRD itself after an error such as a route limit.
	 */
	if (strcmp(p->state, "down") == 0) {
		if (*p->last_error == '\0' ||
		    strstr(p->last_error, "shut") != NULL ||
		    strstr(p->last_error, "Shut") != NULL ||
		    strstr(p->last_error, "disabled") != NULL ||
		    strstr(p->last_error, "Manual") != NULL)
			return (BGP_ADMIN_DOWN);
		return (BGP_IDLE);
	}
	word = *p->bgp_state != '\0' ? p->bgp_state : p->info;
	for (i = 0; i < nitems(map); i++)
		if (strcmp(word, map[i].word) == 0)
			return (map[i].state);
	if (strcmp(p->state, "up") == 0)
		return (BGP_ESTABLISHED);
	return (BGP_UNKNOWN);
}

char *
decode_bird_error(const struct bird_proto *p, char *buf, size_t len)
{
	if (*p->last_error != '\0' && *p->message != '\0' &&
	    strstr(p->last_error, "Administrative") != NULL)
		snprintf(buf, len, "%s (%s)", p->last_error, p->message);
	else if (*p->last_error != '\0')
		snprintf(buf, len, "%s", p->last_error);
	else if (*p->message != '\0' && p->state_bgp == BGP_ADMIN_DOWN)
		snprintf(buf, len, "%s", p->message);
	else if (len > 0)
		*buf = '\0';
	return (buf);
}

int
decode_bird_protocols(const struct decode_bird_reply *r, int64_t now_ms,
    struct bird_proto **out, size_t *n, char **cause)
{
	struct bird_proto	*ps = NULL, *p = NULL;
	size_t			 np = 0, nalloc = 0, i;
	const char		*text;
	char			 extra[128];
	int			 code, in_channel = 0;

	*out = NULL;
	*n = 0;
	if (!r->complete) {
		*cause = xstrdup("incomplete reply");
		return (-1);
	}
	if (r->code == BIRD_CODE_NO_MATCH)
		return (0);
	if (decode_bird_code_is_error(r->code)) {
		char	 clean[128];

		text = decode_bird_reply_line(r, r->nlines - 1, NULL);
		sanitize(clean, sizeof clean, text, strlen(text));
		xasprintf(cause, "BIRD error %04d: %s", r->code, clean);
		return (-1);
	}
	if (r->code != BIRD_CODE_OK) {
		xasprintf(cause, "unexpected reply code %04d", r->code);
		return (-1);
	}

	for (i = 0; i < r->nlines; i++) {
		text = decode_bird_reply_line(r, i, &code);
		switch (code) {
		case BIRD_CODE_OK:
		case BIRD_CODE_PROTO_HEADING:
			break;
		case BIRD_CODE_PROTO_LIST:
			if (np == nalloc) {
				nalloc = nalloc == 0 ? 16 : nalloc * 2;
				ps = xreallocarray(ps, nalloc, sizeof *ps);
			}
			p = &ps[np++];
			memset(p, 0, sizeof *p);
			in_channel = 0;
			if (decode_bird_row(p, text, r->lines[i].len, extra,
			    sizeof extra) != 0) {
				xasprintf(cause, "protocol row %zu has too "
				    "few columns", np);
				goto fail;
			}
			p->is_bgp = strcmp(p->proto, "BGP") == 0;
			/* Brief listings have no "Last error:" line. */
			if (p->is_bgp)
				strlcpy_pt(p->last_error, extra,
				    sizeof p->last_error);
			break;
		case BIRD_CODE_PROTO_DETAILS:
			if (p == NULL) {
				*cause = xstrdup("protocol details before any "
				    "protocol row");
				goto fail;
			}
			decode_bird_detail(p, text, r->lines[i].len,
			    &in_channel);
			break;
		default:
			xasprintf(cause, "unexpected line with code %04d in a "
			    "protocol list", code);
			goto fail;
		}
	}

	for (i = 0; i < np; i++) {
		p = &ps[i];
		p->state_bgp = decode_bird_bgp_state(p);
		/* Sanitising leaves the digits of a valid time alone. */
		if (decode_bird_since(p->since, now_ms, &p->since_ms) != 0)
			p->since_ms = 0;
	}
	*out = ps;
	*n = np;
	return (0);

fail:
	free(ps);
	return (-1);
}
