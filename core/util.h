/* SPDX-License-Identifier: ISC */
/*
 * Small shared helpers for every layer: allocation that never returns NULL,
 * logging, clocks, network addresses and prefixes, and the sanitiser that
 * every string from the network passes through before it reaches a
 * terminal, a log or the history file.
 */
#ifndef PEERTOP_UTIL_H
#define PEERTOP_UTIL_H

#include <sys/types.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

#ifndef __dead
#define __dead __attribute__((__noreturn__))
#endif
#define printflike(a, b) __attribute__((format(printf, a, b)))

/* Allocation: these never return NULL; fatal() on out-of-memory. */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...) printflike(2, 3);
int	 xvasprintf(char **, const char *, va_list) printflike(2, 0);
size_t	 strlcpy_pt(char *, const char *, size_t);

/*
 * Logging.  log_open() picks the destination (NULL: stderr); -1 with
 * errno when the file cannot be opened (the log stays where it was).
 * The TUI sends logs to a file so they never scribble over the screen.
 * Every line is sanitised and rate-limited: a repeated line is counted
 * ("last message repeated N times"), and beyond a ceiling per window
 * lines are counted ("N messages suppressed").  log_due() writes the
 * summaries whose time has come (the event loop calls it every second),
 * log_flush() all of them (registered with atexit() at the first line;
 * fatal() calls it too).  log_libevent() routes libevent's own messages
 * into the log.  fatal() restores the terminal through the hook
 * registered with log_set_fatal_hook().
 */
enum log_level { LOG_LVL_DEBUG, LOG_LVL_INFO, LOG_LVL_WARN, LOG_LVL_ERROR };
int	 log_open(const char *path, enum log_level min);
void	 log_set_quiet(int);		/* 1: drop everything below WARN */
void	 log_set_fatal_hook(void (*)(void));
void	 log_set_clock(uint64_t (*)(void));	/* tests; NULL: monotonic */
void	 log_libevent(void);
void	 log_due(void);
void	 log_flush(void);
void	 log_write(enum log_level, const char *, ...) printflike(2, 3);
void	 log_debug(const char *, ...) printflike(1, 2);
void	 log_info(const char *, ...) printflike(1, 2);
void	 log_warnx(const char *, ...) printflike(1, 2);
__dead void fatal(const char *, ...) printflike(1, 2);
__dead void fatalx(const char *, ...) printflike(1, 2);

/* Clocks: monotonic for ages, rates and timeouts; wall for display/store. */
uint64_t now_mono_ms(void);
int64_t	 now_wall_ms(void);

/* Addresses and prefixes (IPv4 and IPv6). */
struct addr {
	sa_family_t	af;		/* AF_INET, AF_INET6, or 0 (unset) */
	union {
		struct in_addr	v4;
		struct in6_addr	v6;
		uint8_t		b[16];
	};
};

struct prefix {
	struct addr	addr;
	uint8_t		len;
};

#define ADDR_STRLEN	46	/* INET6_ADDRSTRLEN */
#define PREFIX_STRLEN	50

int	 addr_parse(const char *, struct addr *);	/* 0 ok, -1 bad */
int	 addr_cmp(const struct addr *, const struct addr *);
char	*addr_fmt(const struct addr *, char *, size_t);
/* 0 ok; -1 syntax (cause "bad prefix"), -2 host bits set. */
int	 prefix_parse(const char *, struct prefix *);
char	*prefix_fmt(const struct prefix *, char *, size_t);
int	 prefix_contains(const struct prefix *, const struct addr *);
/* RFC 1071 Internet checksum of len bytes, in host order. */
uint16_t inet_cksum(const uint8_t *, size_t);

/*
 * The one sanitiser of every text that reaches a person (the terminal,
 * --once and report's text and CSV, JSON, the log): a string from the
 * network or a file into dst (always NUL-terminated, never split inside a
 * character): control characters (C0, DEL, C1), escapes and invalid UTF-8
 * become one '?' a byte, and so does each bidirectional or invisible
 * character (U+061C, U+200B-U+200F, U+2028-U+202E, U+2066-U+2069,
 * U+FEFF); other valid UTF-8 is kept.  dst may be src (in place).
 * Returns dst.
 */
char	*sanitize(char *dst, size_t dstlen, const char *src, size_t srclen);
/*
 * The character at s (at most len bytes) as sanitize() judges it: its
 * length when it may be shown as it is, 0 when it must be replaced; *skip
 * is the bytes it takes either way (a whole hidden character, or one bad
 * byte).  For a drawing loop that measures characters itself.
 */
size_t	 sanitize_len(const char *s, size_t len, size_t *skip);

/* "3d04h", "12m05s", "45s": compact durations for 80 columns. */
char	*fmt_duration(char *, size_t, int64_t seconds);
/*
 * Times for people.  Every view, --once's text, report's text, the
 * replay bar and the log write a wall time with fmt_time(): in local time
 * (TZ), or in UTC after time_set_utc(1) (--utc), and with the zone as the
 * C library names it ("EST", "IST", "UTC").  Where a screen has no room
 * for the zone in a cell, the cell is FMT_TIME_DATE or FMT_TIME_CLOCK and
 * the zone is on the same screen (the status line's clock, the replay
 * bar).  Machine formats (JSON, CSV) use time_iso() instead.
 */
enum fmt_time_style {
	FMT_TIME_FULL,		/* "2026-12-06 20:13:55 EST" */
	FMT_TIME_DAY,		/* "12-06 20:13:55 EST" (80 columns) */
	FMT_TIME_DATE,		/* "2026-12-06 20:13:55" (a table cell) */
	FMT_TIME_CLOCK,		/* "20:13:55" (a table cell) */
	FMT_TIME_CLOCKZ,	/* "20:13:55 EST" (a clock) */
	FMT_TIME_ZONE		/* "EST" */
};
#define FMT_TIME_LEN	48
char	*fmt_time(char *, size_t, int64_t wall_ms,
	    enum fmt_time_style);
/* --utc: people's times in UTC, written and parsed (default: local). */
void	 time_set_utc(int);
int	 time_get_utc(void);

/*
 * The program's one ISO 8601 writer and one time parser.  time_iso()
 * writes "2026-11-25T10:00:00Z" (UTC), with ".250" before the Z when
 * frac is set and the time has milliseconds; TIME_ISO_LEN holds it.
 */
#define TIME_ISO_LEN	32
char	*time_iso(char *, size_t, int64_t ms, int frac);
/*
 * A time as a user gives it (report's --since/--until, the replay's -b/-e
 * and its jump prompt), against ref_ms (the shown time, the file's
 * newest, the window's end):
 *   "2026-11-25T10:00:00", "2026-11-25 10:00" (seconds optional, a space
 *   for the T), and with TIME_CLOCK "10:00[:00]" on ref's day;
 *   in local time (UTC under --utc) unless a zone follows: "Z", "UTC",
 *   "+05:30", "-0400", "+01", or the local zone's own name ("EST", "EDT",
 *   so what fmt_time() wrote reads back, and picks the hour a DST change
 *   repeats); a local time a DST change skips is refused, one it repeats
 *   without a zone is the earlier;
 *   or an offset from ref: "-15m", "+2h", "-1d", "+30s".
 * 0 and *out, or -1.
 */
#define TIME_CLOCK	0x01
int	 time_parse(const char *, int64_t ref_ms, int flags, int64_t *out);

/* Escape for JSON string content (no quotes added). */
char	*json_escape(char *, size_t, const char *);
/*
 * 1 if the JSON text nests at most max levels of brackets (counted outside
 * strings), else 0: checked before jansson, whose parser recurses once
 * per level (up to 2048), sees a body from the network.
 */
int	 json_depth_ok(const char *, size_t, int max);

#endif
