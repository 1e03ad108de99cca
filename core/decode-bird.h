/* SPDX-License-Identifier: ISC */
/*
 * Decoder for BIRD's control socket: the reply-code line protocol that
 * birdc speaks, and the text of "show protocols all" built on it.  Pure
 * parsing, no I/O: collect-bird.c feeds it the bytes it reads and gets back
 * complete replies and an array of protocols.  Nothing here trusts BIRD:
 * lines and replies are bounded, and every string kept is sanitised.
 */
#ifndef PEERTOP_DECODE_BIRD_H
#define PEERTOP_DECODE_BIRD_H

#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "core/util.h"

#define DECODE_BIRD_LINE_MAX	4096		/* bytes, without the newline */
#define DECODE_BIRD_REPLY_MAX	(4 * 1024 * 1024)	/* text of one reply */

/* Reply codes used here (BIRD's doc/reply_codes). */
#define BIRD_CODE_OK		0	/* 0000: command done */
#define BIRD_CODE_WELCOME	1	/* 0001: greeting */
#define BIRD_CODE_PROTO_LIST	1002	/* one row of "show protocols" */
#define BIRD_CODE_PROTO_DETAILS	1006	/* its "all" details */
#define BIRD_CODE_PROTO_HEADING	2002	/* the column heading */
#define BIRD_CODE_NO_MATCH	8003	/* "No protocols match" */

/* One line of a reply: its code and raw text (owned by the reply). */
struct decode_bird_line {
	int		 code;
	size_t		 off;	/* into the reply's text buffer */
	size_t		 len;
};

/*
 * Incremental reader of one reply.  Feed it bytes as they arrive; it keeps
 * a partial line between calls.  Zero it (or call _init) before use and
 * _free it when done.
 */
struct decode_bird_reply {
	char		 partial[DECODE_BIRD_LINE_MAX + 1];
	size_t		 plen;

	char		*text;		/* NUL-separated line texts */
	size_t		 textlen, textalloc;
	struct decode_bird_line *lines;
	size_t		 nlines, linesalloc;

	int		 lastcode;	/* for " text" continuation lines */
	int		 code;		/* code of the final line */
	int		 complete;
	int		 failed;
};

void	 decode_bird_reply_init(struct decode_bird_reply *);
void	 decode_bird_reply_free(struct decode_bird_reply *);
/* Forget the current reply (keeps memory) to read the next one. */
void	 decode_bird_reply_reset(struct decode_bird_reply *);

/*
 * Feed len bytes.  Returns 1 when a reply is complete (*used says how many
 * bytes were consumed: the rest belongs to the next reply; call _reset
 * before feeding it), 0 when more bytes are needed (*used == len), -1 when
 * the bytes are not BIRD's protocol or exceed the bounds (*cause, caller
 * frees; the reader stays failed until _reset).
 */
int	 decode_bird_reply_feed(struct decode_bird_reply *, const void *,
	    size_t len, size_t *used, char **cause);
/* The peer closed the stream: -1 and *cause if a reply was cut short. */
int	 decode_bird_reply_eof(const struct decode_bird_reply *, char **cause);

/* Accessors for a complete reply.  Line text is raw and NUL-terminated. */
int	 decode_bird_reply_code(const struct decode_bird_reply *);
/* 8xxx and 9xxx: run-time and parse-time errors. */

/* One protocol from "show protocols all"; every string is sanitised. */
struct bird_proto {
	char		 name[64];
	char		 proto[16];		/* "BGP", "Device", ... */
	char		 table[32];
	char		 state[16];		/* "up", "down", "start", ... */
	char		 since[32];		/* as BIRD printed it */
	char		 info[64];		/* "Established", "Active" ... */
	int64_t		 since_ms;		/* wall ms, 0 if unparsable */

	int		 is_bgp;
	struct addr	 neighbor;		/* af 0 if absent */
	uint32_t	 neighbor_as, local_as;
	char		 bgp_state[16];		/* "BGP state:" line */
	char		 last_error[128];	/* "Last error:" line */
	char		 description[64];	/* "Description:" line */
	char		 message[128];		/* "Message:" (RFC 8203 text) */
	uint32_t	 imported, exported, filtered, preferred;  /* all channels */
	int		 nchannels;
	enum bgp_state	 state_bgp;		/* mapped, BGP_UNKNOWN if not BGP */
};

/*
 * Decode a complete reply to "show protocols [all]" into a new array
 * (*out, caller frees; *n entries).  now_ms is the wall clock used for the
 * "today" time format.  An error reply (8xxx/9xxx other than "No protocols
 * match") or a malformed one returns -1 and *cause (caller frees).
 */
int	 decode_bird_protocols(const struct decode_bird_reply *, int64_t now_ms,
	    struct bird_proto **out, size_t *n, char **cause);

/*
 * Parse one of BIRD's "since" formats into wall ms (local time): "YYYY-MM-DD
 * HH:MM:SS[.fff]", "YYYY-MM-DD" and "HH:MM:SS[.fff]" (today, or yesterday
 * if that would be in the future).  -1 if none matches.
 */
int	 decode_bird_since(const char *, int64_t now_ms, int64_t *out);

/*
 * The error text to show for a protocol, into buf: the last error, with
 * the RFC 8203 shutdown message when it explains an administrative
 * shutdown or reset, or the message alone for a disabled protocol.  BIRD
 * keeps the message after the session comes back, so it is not shown
 * otherwise.  Returns buf.
 */
char	*decode_bird_error(const struct bird_proto *, char *buf, size_t len);

/* Map BIRD's BGP state words to the model's FSM states. */
enum bgp_state decode_bird_bgp_state(const struct bird_proto *);

#endif
