/* SPDX-License-Identifier: ISC */
/*
 * Shared helpers: allocators that never fail, logging with a hook that
 * restores the terminal before a fatal exit, clocks, address and prefix
 * handling for IPv4/IPv6, and the sanitiser for strings from the network.
 */
#include <sys/socket.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "core/util.h"

static FILE		*log_file;
static enum log_level	 log_min = LOG_LVL_INFO;
static int		 log_quiet;
static void		(*log_fatal_hook)(void);

static void	log_vwrite(enum log_level, const char *, va_list)
		    printflike(2, 0);

void *
xmalloc(size_t size)
{
	void	*p;

	if (size == 0)
		size = 1;
	if ((p = malloc(size)) == NULL)
		fatal("xmalloc");
	return (p);
}

void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if (n == 0 || size == 0)
		n = size = 1;
	if ((p = calloc(n, size)) == NULL)
		fatal("xcalloc");
	return (p);
}

void *
xreallocarray(void *old, size_t n, size_t size)
{
	void	*p;

	if (n == 0 || size == 0)
		n = size = 1;
	if (size != 0 && n > SIZE_MAX / size)
		fatalx("xreallocarray: overflow");
	if ((p = realloc(old, n * size)) == NULL)
		fatal("xreallocarray");
	return (p);
}

char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		fatal("xstrdup");
	return (p);
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	if ((p = strndup(s, n)) == NULL)
		fatal("xstrndup");
	return (p);
}

int
xvasprintf(char **ret, const char *fmt, va_list ap)
{
	int	 n;

	if ((n = vasprintf(ret, fmt, ap)) < 0)
		fatal("xvasprintf");
	return (n);
}

int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = xvasprintf(ret, fmt, ap);
	va_end(ap);
	return (n);
}

/* strlcpy by another name so it never clashes with libc's. */
size_t
strlcpy_pt(char *dst, const char *src, size_t size)
{
	size_t	 len = strlen(src);

	if (size != 0) {
		size_t n = len >= size ? size - 1 : len;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return (len);
}

/*
 * The log.  Every line is sanitised (a peer's string cannot move the
 * cursor or forge a line of its own) and rate-limited as syslogd does:
 * a line identical to the last one is counted, not written, and "last
 * message repeated N times" follows when another line comes, when
 * log_due() finds the count older than LOG_REPEAT_MS, or at log_flush();
 * beyond LOG_WINDOW_LINES lines in LOG_WINDOW_MS the rest are counted
 * and one "N messages suppressed" line says so when the window ends.  A
 * flood therefore writes a bounded number of lines, whatever its source.
 */
#define LOG_LINE_MAX		2048	/* longer lines are cut */
#define LOG_REPEAT_MS		30000
#define LOG_WINDOW_MS		60000
#define LOG_WINDOW_LINES	300	/* 5 a second, sustained */

static struct {
	char		 last[LOG_LINE_MAX];	/* sanitised, no prefix */
	enum log_level	 last_level;
	int		 has_last;
	uint64_t	 repeats;		/* of last, not yet said */
	uint64_t	 repeat_since;
	uint64_t	 window_start;
	unsigned	 window_lines;
	uint64_t	 suppressed;		/* in this window */
	int		 atexit_done;
} log_state;
static uint64_t	(*log_clock)(void) = now_mono_ms;

static void	log_line(enum log_level, const char *);
static void	log_say_repeats(void);
static void	log_say_suppressed(void);
static void	log_libevent_cb(int, const char *);
static void	log_fatal(const char *, va_list, const char *)
		    printflike(1, 0);

int
log_open(const char *path, enum log_level min)
{
	FILE	*f = NULL;
	int	 fd, saved;

	/*
	 * Never through a symbolic link (ELOOP): as root, a link planted
	 * where the log goes would have it appended to any file.
	 */
	if (path != NULL) {
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW |
		    O_CLOEXEC, 0640);
		if (fd == -1)
			return (-1);
		if ((f = fdopen(fd, "a")) == NULL) {
			saved = errno;
			close(fd);
			errno = saved;
			return (-1);
		}
	}
	log_flush();
	if (log_file != NULL && log_file != stderr)
		fclose(log_file);
	log_file = f;
	if (f != NULL)
		setvbuf(f, NULL, _IOLBF, 0);
	log_min = min;
	return (0);
}

void
log_set_quiet(int quiet)
{
	log_quiet = quiet;
}

void
log_set_fatal_hook(void (*hook)(void))
{
	log_fatal_hook = hook;
}

void
log_set_clock(uint64_t (*clock)(void))
{
	log_clock = clock != NULL ? clock : now_mono_ms;
}

/* One line as it is written: time (to a file), program, level, text. */
static void
log_line(enum log_level level, const char *text)
{
	static const char *const names[] = { "debug", "info", "warning",
	    "error" };
	FILE		*f = log_file != NULL ? log_file : stderr;
	char		 ts[FMT_TIME_LEN];

	if (f != stderr) {
		fmt_time(ts, sizeof ts, now_wall_ms(), FMT_TIME_FULL);
		fprintf(f, "%s ", ts);
	}
	fprintf(f, "peertop: %s: %s\n", names[level], text);
}

static void
log_say_repeats(void)
{
	char	 msg[64];

	if (log_state.repeats == 0)
		return;
	snprintf(msg, sizeof msg, "last message repeated %llu time%s",
	    (unsigned long long)log_state.repeats,
	    log_state.repeats == 1 ? "" : "s");
	log_state.repeats = 0;
	log_line(log_state.last_level, msg);
}

static void
log_say_suppressed(void)
{
	char	 msg[96];

	if (log_state.suppressed == 0)
		return;
	snprintf(msg, sizeof msg, "%llu messages suppressed (more than %d "
	    "lines in %d s)", (unsigned long long)log_state.suppressed,
	    LOG_WINDOW_LINES, LOG_WINDOW_MS / 1000);
	log_state.suppressed = 0;
	log_line(LOG_LVL_WARN, msg);
}

/* The summaries whose time has come; the event loop calls it now and then. */
void
log_due(void)
{
	uint64_t	 now = log_clock();

	if (log_state.repeats != 0 &&
	    now - log_state.repeat_since >= LOG_REPEAT_MS)
		log_say_repeats();
	if (now - log_state.window_start >= LOG_WINDOW_MS) {
		log_say_suppressed();
		log_state.window_start = now;
		log_state.window_lines = 0;
	}
}

/* Every summary now: at exit, before a fatal message, on log_open(). */
void
log_flush(void)
{
	log_say_repeats();
	log_say_suppressed();
	if (log_file != NULL)
		fflush(log_file);
}

static void
log_vwrite(enum log_level level, const char *fmt, va_list ap)
{
	char		 raw[LOG_LINE_MAX], text[LOG_LINE_MAX];
	uint64_t	 now;

	if (level < log_min || (log_quiet && level < LOG_LVL_WARN))
		return;
	vsnprintf(raw, sizeof raw, fmt, ap);
	sanitize(text, sizeof text, raw, strlen(raw));

	if (!log_state.atexit_done) {
		/* exit() from anywhere still says what was counted. */
		atexit(log_flush);
		log_state.atexit_done = 1;
	}
	log_due();
	now = log_clock();
	if (log_state.has_last && level == log_state.last_level &&
	    strcmp(text, log_state.last) == 0) {
		if (log_state.repeats++ == 0)
			log_state.repeat_since = now;
		return;
	}
	log_say_repeats();
	if (log_state.window_lines >= LOG_WINDOW_LINES) {
		/* Not the last line written any more: A B A B... in a full
		 * window must not write "repeated 1 time" for each A. */
		log_state.has_last = 0;
		log_state.suppressed++;
		return;
	}
	log_state.window_lines++;
	log_line(level, text);
	strlcpy_pt(log_state.last, text, sizeof log_state.last);
	log_state.last_level = level;
	log_state.has_last = 1;
}

#define LOG_FN(fn, lvl)						\
void								\
fn(const char *fmt, ...)					\
{								\
	va_list	 ap;						\
	va_start(ap, fmt);					\
	log_vwrite(lvl, fmt, ap);				\
	va_end(ap);						\
}
LOG_FN(log_debug, LOG_LVL_DEBUG)
LOG_FN(log_info, LOG_LVL_INFO)
LOG_FN(log_warnx, LOG_LVL_WARN)

/*
 * libevent's own messages ("Error from accept() call", in a flood when
 * descriptors run out) go through the same sanitiser and limits instead
 * of straight to stderr, over the dashboard.
 */
static void
log_libevent_cb(int severity, const char *msg)
{
	enum log_level	 level;

	switch (severity) {
	case EVENT_LOG_DEBUG:
		level = LOG_LVL_DEBUG;
		break;
	case EVENT_LOG_MSG:
		level = LOG_LVL_INFO;
		break;
	case EVENT_LOG_WARN:
		level = LOG_LVL_WARN;
		break;
	default:
		level = LOG_LVL_ERROR;
		break;
	}
	log_write(level, "libevent: %s", msg);
}

void
log_libevent(void)
{
	event_set_log_callback(log_libevent_cb);
}

void
log_write(enum log_level level, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vwrite(level, fmt, ap);
	va_end(ap);
}

/* A fatal message, sanitised, to stderr once the terminal is restored. */
static void
log_fatal(const char *fmt, va_list ap, const char *err)
{
	char	 raw[LOG_LINE_MAX], text[LOG_LINE_MAX];

	log_flush();
	if (log_fatal_hook != NULL)
		log_fatal_hook();
	vsnprintf(raw, sizeof raw, fmt, ap);
	sanitize(text, sizeof text, raw, strlen(raw));
	if (err != NULL)
		fprintf(stderr, "peertop: fatal: %s: %s\n", text, err);
	else
		fprintf(stderr, "peertop: fatal: %s\n", text);
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_fatal(fmt, ap, strerror(saved));
	va_end(ap);
	exit(3);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_fatal(fmt, ap, NULL);
	va_end(ap);
	exit(3);
}

uint64_t
now_mono_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

int64_t
now_wall_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

int
addr_parse(const char *s, struct addr *a)
{
	memset(a, 0, sizeof *a);
	if (inet_pton(AF_INET, s, &a->v4) == 1) {
		a->af = AF_INET;
		return (0);
	}
	if (inet_pton(AF_INET6, s, &a->v6) == 1) {
		a->af = AF_INET6;
		return (0);
	}
	memset(a, 0, sizeof *a);
	return (-1);
}

int
addr_cmp(const struct addr *a, const struct addr *b)
{
	if (a->af != b->af)
		return (a->af < b->af ? -1 : 1);
	if (a->af == AF_INET)
		return (memcmp(&a->v4, &b->v4, sizeof a->v4));
	if (a->af == AF_INET6)
		return (memcmp(&a->v6, &b->v6, sizeof a->v6));
	return (0);
}

char *
addr_fmt(const struct addr *a, char *buf, size_t len)
{
	if (a->af == 0 || inet_ntop(a->af, a->b, buf, len) == NULL)
		strlcpy_pt(buf, "-", len);
	return (buf);
}

int
prefix_parse(const char *s, struct prefix *p)
{
	char		 tmp[PREFIX_STRLEN], *slash, *end;
	unsigned long	 len;
	unsigned	 max, i, bits;

	memset(p, 0, sizeof *p);
	if (strlen(s) >= sizeof tmp)
		return (-1);
	strlcpy_pt(tmp, s, sizeof tmp);
	if ((slash = strchr(tmp, '/')) == NULL)
		return (-1);
	*slash++ = '\0';
	if (*slash < '0' || *slash > '9')
		return (-1);
	errno = 0;
	len = strtoul(slash, &end, 10);
	if (errno != 0 || *end != '\0')
		return (-1);
	if (addr_parse(tmp, &p->addr) != 0)
		return (-1);
	max = p->addr.af == AF_INET ? 32 : 128;
	if (len > max)
		return (-1);
	p->len = (uint8_t)len;
	/* Host bits below the mask must be zero. */
	for (i = 0; i < max / 8; i++) {
		bits = i * 8 >= len ? 0 : (len - i * 8 >= 8 ? 8 : len - i * 8);
		if (p->addr.b[i] & (uint8_t)(0xff >> bits))
			return (-2);
	}
	return (0);
}

char *
prefix_fmt(const struct prefix *p, char *buf, size_t len)
{
	char	 a[ADDR_STRLEN];

	snprintf(buf, len, "%s/%u", addr_fmt(&p->addr, a, sizeof a), p->len);
	return (buf);
}

int
prefix_contains(const struct prefix *p, const struct addr *a)
{
	unsigned	 i, full = p->len / 8, rest = p->len % 8;
	uint8_t		 mask;

	if (p->addr.af != a->af)
		return (0);
	for (i = 0; i < full; i++)
		if (p->addr.b[i] != a->b[i])
			return (0);
	if (rest != 0) {
		mask = (uint8_t)(0xff << (8 - rest));
		if ((p->addr.b[full] & mask) != (a->b[full] & mask))
			return (0);
	}
	return (1);
}

/*
 * Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid,
 * and its code point in *cpp.  Rejects overlongs, surrogates and code
 * points above U+10FFFF, and the C1 controls (U+0080..U+009F) which some
 * terminals treat as escapes.
 */
static size_t
utf8_valid(const unsigned char *s, size_t n, uint32_t *cpp)
{
	uint32_t	 cp;
	size_t		 len, i;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return (0);
	len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
	if (len > n)
		return (0);
	cp = s[0] & (0x7f >> len);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (0);
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp <= 0x9f)
		return (0);
	*cpp = cp;
	return (len);
}

/*
 * Code points that are valid but must not reach a person as they are:
 * the bidirectional controls (U+061C, U+200E-U+200F, U+202A-U+202E,
 * U+2066-U+2069), which reorder what follows them on the line (the
 * "Trojan Source" trick: a name reading as another), and the invisible
 * ones (U+200B-U+200D zero widths, U+2028-U+2029 line and paragraph
 * separators, U+FEFF the byte order mark), which make two names look
 * alike.
 */
static int
utf8_hidden(uint32_t cp)
{
	return (cp == 0x061c || (cp >= 0x200b && cp <= 0x200f) ||
	    (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	    cp == 0xfeff);
}

size_t
sanitize_len(const char *src, size_t srclen, size_t *skip)
{
	const unsigned char	*s = (const unsigned char *)src;
	uint32_t		 cp;
	size_t			 n;

	*skip = 1;
	if (srclen == 0)
		return (0);
	if (s[0] < 0x80)
		return (s[0] >= 0x20 && s[0] < 0x7f ? 1 : 0);
	if ((n = utf8_valid(s, srclen, &cp)) == 0)
		return (0);
	*skip = n;
	return (utf8_hidden(cp) ? 0 : n);
}

char *
sanitize(char *dst, size_t dstlen, const char *src, size_t srclen)
{
	size_t	 i = 0, o = 0, n, skip;

	if (dstlen == 0)
		return (dst);
	while (i < srclen && src[i] != '\0' && o + 1 < dstlen) {
		if ((n = sanitize_len(src + i, srclen - i, &skip)) == 0) {
			/* One '?' for each bad byte or hidden character. */
			dst[o++] = '?';
			i += skip;
			continue;
		}
		if (o + n >= dstlen)
			break;
		/* memmove: sanitize(s, len, s, len) cleans in place. */
		memmove(dst + o, src + i, n);
		o += n;
		i += n;
	}
	dst[o] = '\0';
	return (dst);
}

char *
fmt_duration(char *buf, size_t len, int64_t secs)
{
	if (secs < 0)
		secs = 0;
	if (secs < 60)
		snprintf(buf, len, "%llds", (long long)secs);
	else if (secs < 3600)
		snprintf(buf, len, "%lldm%02llds", (long long)secs / 60,
		    (long long)secs % 60);
	else if (secs < 86400)
		snprintf(buf, len, "%lldh%02lldm", (long long)secs / 3600,
		    (long long)(secs % 3600) / 60);
	else
		snprintf(buf, len, "%lldd%02lldh", (long long)secs / 86400,
		    (long long)(secs % 86400) / 3600);
	return (buf);
}

/* --utc: people's times in UTC rather than in TZ's zone. */
static int	time_utc;

void
time_set_utc(int on)
{
	time_utc = on;
}

int
time_get_utc(void)
{
	return (time_utc);
}

/* ms as broken-down time in the people's zone, whole seconds floored. */
static int
time_split(int64_t ms, struct tm *tm)
{
	time_t	 t = (time_t)(ms / 1000 - (ms % 1000 < 0));

	if (time_utc)
		return (gmtime_r(&t, tm) == NULL ? -1 : 0);
	return (localtime_r(&t, tm) == NULL ? -1 : 0);
}

/* The zone's name at tm: "UTC" under --utc, TZ's "EST", else "-0500". */
static void
time_zone(const struct tm *tm, char *buf, size_t len)
{
	if (time_utc)
		snprintf(buf, len, "UTC");
	else if (strftime(buf, len, "%Z", tm) == 0 || buf[0] == '\0')
		if (strftime(buf, len, "%z", tm) == 0)
			buf[0] = '\0';
}

char *
fmt_time(char *buf, size_t len, int64_t wall_ms, enum fmt_time_style style)
{
	struct tm	 tm;
	char		 day[16], zone[16];

	if (len == 0)
		return (buf);
	buf[0] = '\0';
	if (time_split(wall_ms, &tm) != 0)
		return (buf);
	time_zone(&tm, zone, sizeof zone);
	if (style == FMT_TIME_ZONE) {
		snprintf(buf, len, "%s", zone);
		return (buf);
	}
	if (style == FMT_TIME_DAY)
		snprintf(day, sizeof day, "%02d-%02d ", tm.tm_mon + 1,
		    tm.tm_mday);
	else if (style == FMT_TIME_FULL || style == FMT_TIME_DATE)
		snprintf(day, sizeof day, "%04d-%02d-%02d ",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	else
		day[0] = '\0';
	if (style == FMT_TIME_DATE || style == FMT_TIME_CLOCK)
		zone[0] = '\0';
	snprintf(buf, len, "%s%02d:%02d:%02d%s%s", day, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, zone[0] != '\0' ? " " : "", zone);
	return (buf);
}

/*
 * The one ISO 8601 writer: UTC, whole seconds floored (a time before
 * 1970 is not rounded up into the next second).
 */
char *
time_iso(char *buf, size_t len, int64_t ms, int frac)
{
	int64_t		 secs = ms / 1000, rest = ms % 1000;
	time_t		 t;
	struct tm	 tm;
	size_t		 n;

	if (rest < 0) {
		rest += 1000;
		secs--;
	}
	t = (time_t)secs;
	if (len == 0)
		return (buf);
	if (gmtime_r(&t, &tm) == NULL ||
	    (n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm)) == 0) {
		buf[0] = '\0';
		return (buf);
	}
	if (frac && rest != 0)
		snprintf(buf + n, len - n, ".%03dZ", (int)rest);
	else
		snprintf(buf + n, len - n, "Z");
	return (buf);
}

/* "15m" after the sign: milliseconds, or -1. */
static int64_t
time_parse_offset(const char *s)
{
	char		*end;
	long long	 n;
	int64_t		 unit;

	if (!isdigit((unsigned char)*s))
		return (-1);
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0 || n > 100000 * 24LL)
		return (-1);
	switch (*end) {
	case 's':
		unit = 1000;
		break;
	case 'm':
		unit = 60 * 1000;
		break;
	case 'h':
		unit = 3600 * 1000;
		break;
	case 'd':
		unit = 86400 * 1000;
		break;
	default:
		return (-1);
	}
	if (end[1] != '\0')
		return (-1);
	return ((int64_t)n * unit);
}

/* Exactly n digits at *s (advanced past them): the number, or -1. */
static int
time_parse_digits(const char **s, int min, int max)
{
	int	 v = 0, n = 0;

	while (n < max && isdigit((unsigned char)(*s)[n]))
		v = v * 10 + ((*s)[n++] - '0');
	if (n < min)
		return (-1);
	*s += n;
	return (v);
}

/* "hh:mm" or "hh:mm:ss" (one or two digits each) and nothing after. */
static int
time_parse_clock(const char **s, struct tm *tm)
{
	int	 h, m, sec = 0;

	if ((h = time_parse_digits(s, 1, 2)) < 0 || *(*s)++ != ':' ||
	    (m = time_parse_digits(s, 2, 2)) < 0)
		return (-1);
	if (**s == ':') {
		(*s)++;
		if ((sec = time_parse_digits(s, 2, 2)) < 0)
			return (-1);
	}
	if (h > 23 || m > 59 || sec > 59)
		return (-1);
	tm->tm_hour = h;
	tm->tm_min = m;
	tm->tm_sec = sec;
	return (0);
}

/*
 * A zone after a time: "Z", "UTC", "GMT", "+05:30", "+0530", "+05" (east
 * of UTC in seconds in *off, *dst -1), or TZ's own name for standard or
 * summer time ("EST" *dst 0, "EDT" *dst 1, *off unset).  Nothing: 1.
 */
static int
time_parse_zone(const char *s, int *off, int *dst)
{
	const char	*p = s;
	int		 h, m = 0;

	if (*p == ' ')
		p++;
	if (*p == '\0')
		return (*s == '\0' ? 1 : -1);
	*dst = -1;
	if (strcmp(p, "Z") == 0 || strcmp(p, "z") == 0 ||
	    strcmp(p, "UTC") == 0 || strcmp(p, "GMT") == 0) {
		*off = 0;
		return (0);
	}
	if (*p == '+' || *p == '-') {
		s = p + 1;
		if ((h = time_parse_digits(&s, 2, 2)) < 0)
			return (-1);
		if (*s == ':')
			s++;
		if (*s != '\0' && (m = time_parse_digits(&s, 2, 2)) < 0)
			return (-1);
		if (*s != '\0' || h > 23 || m > 59)
			return (-1);
		*off = (*p == '-' ? -1 : 1) * (h * 3600 + m * 60);
		return (0);
	}
	if (time_utc)
		return (-1);
	tzset();
	if (strcmp(p, tzname[0]) == 0)
		*dst = 0;
	else if (daylight && strcmp(p, tzname[1]) == 0)
		*dst = 1;
	else
		return (-1);
	return (0);
}

/*
 * want (a local wall-clock time) as a time_t: of the readings with and
 * without summer time (only dst's when it is 0 or 1), the earlier of
 * those the zone really shows, so an hour a DST change repeats is its
 * first, and one the change skips is refused.  mktime() alone would
 * move a skipped 02:30 to 03:30 without a word.
 */
static int
time_local(const struct tm *want, int dst, time_t *out)
{
	struct tm	 tm, back;
	time_t		 t;
	int		 found = 0, i;

	for (i = 0; i <= 1; i++) {
		if (dst != -1 && dst != i)
			continue;
		tm = *want;
		tm.tm_isdst = i;
		if ((t = mktime(&tm)) == (time_t)-1 ||
		    localtime_r(&t, &back) == NULL)
			continue;
		if (back.tm_isdst != i || back.tm_year != want->tm_year ||
		    back.tm_mon != want->tm_mon ||
		    back.tm_mday != want->tm_mday ||
		    back.tm_hour != want->tm_hour ||
		    back.tm_min != want->tm_min || back.tm_sec != want->tm_sec)
			continue;
		if (!found || t < *out)
			*out = t;
		found = 1;
	}
	return (found ? 0 : -1);
}

int
time_parse(const char *s, int64_t ref_ms, int flags, int64_t *out)
{
	struct tm	 tm, back;
	time_t		 t;
	int64_t		 off;
	int		 y = -1, mon = 0, d = 0, zoff = 0, dst = -1, zone;
	int		 fixed;		/* UTC plus zoff, not TZ's rules */

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '+' || *s == '-') {
		if ((off = time_parse_offset(s + 1)) < 0)
			return (-1);
		*out = *s == '+' ? ref_ms + off : ref_ms - off;
		return (0);
	}

	/* A date "2026-11-25" and a T or space, or with TIME_CLOCK none. */
	memset(&tm, 0, sizeof tm);
	if (strlen(s) > 4 && s[4] == '-') {
		if ((y = time_parse_digits(&s, 4, 4)) < 0 || *s++ != '-' ||
		    (mon = time_parse_digits(&s, 2, 2)) < 0 || *s++ != '-' ||
		    (d = time_parse_digits(&s, 2, 2)) < 0 ||
		    (*s != 'T' && *s != ' '))
			return (-1);
		s++;
		if (mon < 1 || mon > 12 || d < 1 || d > 31)
			return (-1);
	} else if (!(flags & TIME_CLOCK))
		return (-1);
	if (time_parse_clock(&s, &tm) != 0 ||
	    (zone = time_parse_zone(s, &zoff, &dst)) < 0)
		return (-1);
	fixed = time_utc || (zone == 0 && dst == -1);

	/* A clock alone is on ref's day as seen in its zone. */
	if (y == -1) {
		t = (time_t)(ref_ms / 1000 - (ref_ms % 1000 < 0)) + zoff;
		if ((fixed ? gmtime_r(&t, &back) : localtime_r(&t, &back)) ==
		    NULL)
			return (-1);
		y = back.tm_year + 1900;
		mon = back.tm_mon + 1;
		d = back.tm_mday;
	}
	tm.tm_year = y - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = d;

	if (fixed) {
		/* timegm() carries the 30th of February into March: refuse. */
		if ((t = timegm(&tm)) == (time_t)-1 ||
		    gmtime_r(&t, &back) == NULL || back.tm_mday != d)
			return (-1);
		t -= zoff;
	} else if (time_local(&tm, dst, &t) != 0)
		return (-1);
	*out = (int64_t)t * 1000;
	return (0);
}

/* Length of buf[0..n) without a UTF-8 sequence cut at its end. */
static size_t
utf8_trim(const char *buf, size_t n)
{
	const unsigned char	*b = (const unsigned char *)buf;
	size_t			 lead = n, need;

	while (lead > 0 && (b[lead - 1] & 0xc0) == 0x80 && n - lead < 3)
		lead--;
	if (lead == 0 || b[lead - 1] < 0xc0)
		return (n);
	lead--;
	need = b[lead] >= 0xf0 ? 4 : b[lead] >= 0xe0 ? 3 : 2;
	return (n - lead < need ? lead : n);
}

char *
json_escape(char *buf, size_t len, const char *s)
{
	size_t	 o = 0;
	char	 esc[8];
	const char *add;

	if (len == 0)
		return (buf);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		esc[0] = *s;
		esc[1] = '\0';
		add = esc;
		if (c == '"')
			add = "\\\"";
		else if (c == '\\')
			add = "\\\\";
		else if (c == '\n')
			add = "\\n";
		else if (c < 0x20 || c == 0x7f) {
			snprintf(esc, sizeof esc, "\\u%04x", c);
			add = esc;
		}
		if (o + strlen(add) >= len) {
			o = utf8_trim(buf, o);
			break;
		}
		memcpy(buf + o, add, strlen(add));
		o += strlen(add);
	}
	buf[o] = '\0';
	return (buf);
}

uint16_t
inet_cksum(const uint8_t *b, size_t len)
{
	uint32_t	sum = 0;
	size_t		i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint32_t)(b[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ((uint16_t)~sum);
}

int
json_depth_ok(const char *p, size_t len, int max)
{
	size_t	 i;
	int	 depth = 0, instr = 0;

	for (i = 0; i < len; i++) {
		if (instr) {
			if (p[i] == '\\')
				i++;
			else if (p[i] == '"')
				instr = 0;
		} else if (p[i] == '"')
			instr = 1;
		else if (p[i] == '[' || p[i] == '{') {
			if (++depth > max)
				return (0);
		} else if (p[i] == ']' || p[i] == '}')
			depth--;
	}
	return (1);
}
