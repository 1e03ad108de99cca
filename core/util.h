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
 * Logging.  log_open() picks the destination (NULL: stderr); the TUI sends
 * logs to a file so they never scribble over the screen.  fatal() restores
 * the terminal through the hook registered with log_set_fatal_hook().
 */
enum log_level { LOG_LVL_DEBUG, LOG_LVL_INFO, LOG_LVL_WARN, LOG_LVL_ERROR };
void	 log_open(const char *path, enum log_level min);
void	 log_set_quiet(int);		/* 1: drop everything below WARN */
void	 log_set_fatal_hook(void (*)(void));
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
 * Sanitise a string from the network into dst (always NUL-terminated):
 * control characters, escapes and invalid UTF-8 become '?'; valid UTF-8 is
 * kept.  Returns dst.
 */
char	*sanitize(char *dst, size_t dstlen, const char *src, size_t srclen);

/* "3d04h", "12m05s", "45s": compact durations for 80 columns. */
char	*fmt_duration(char *, size_t, int64_t seconds);
/* "2026-11-25 18:59:45" for the screen (UTC when utc != 0, else local). */
char	*fmt_time(char *, size_t, int64_t wall_ms, int utc);

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
 * newest, the window's end): ISO 8601 in UTC, "2026-11-25T10:00:00Z"
 * (the Z and the seconds may be left out, a space may replace the T),
 * an offset from ref "-15m", "+2h", "-1d", "+30s", and with TIME_CLOCK
 * also "hh:mm[:ss]" on ref's day in local time.  0 and *out, or -1.
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
