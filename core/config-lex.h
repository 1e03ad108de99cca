/* SPDX-License-Identifier: ISC */
/*
 * The configuration lexer, private to core/config.c and core/config-lex.c:
 * words, "quoted strings" and braces with their file:line:column, the
 * stack of files being read (include), reading a file with bounds, and the
 * first error as "file:line:column: message".  The grammar (keywords and
 * what they mean) is in core/config.c; nothing else includes this header.
 */
#ifndef PEERTOP_CONFIG_LEX_H
#define PEERTOP_CONFIG_LEX_H

#include <sys/types.h>

#include <stddef.h>

#include "core/util.h"

#define CONFIG_FILE_MAX		(4 * 1024 * 1024)	/* bytes per file */
#define CONFIG_TOKEN_MAX	4096	/* longest word or string */
#define CONFIG_INCLUDE_MAX	8	/* include nesting */
/* Includes in all, however they nest: fan-out cannot multiply the work. */
#define CONFIG_INCLUDED_FILES_MAX	256
#define CONFIG_INCLUDED_BYTES_MAX	(16 * 1024 * 1024)
#define CONFIG_QUOTE_MAX	48	/* token text shown in messages */

/* Buffers for cfg_lex_quote() and cfg_lex_describe(). */
#define CFG_LEX_QUOTE_LEN	(CONFIG_QUOTE_MAX * 4 + 8)
#define CFG_LEX_DESCRIBE_LEN	(CONFIG_QUOTE_MAX * 4 + 16)

enum token_type {
	TOK_EOF,
	TOK_WORD,
	TOK_STRING,
	TOK_LBRACE,
	TOK_RBRACE,
};

/* Where a token starts; file points into the lexer's file stack. */
struct loc {
	const char	*file;
	u_int		 line;
	u_int		 col;
};

struct token {
	enum token_type	 type;
	struct loc	 loc;
	size_t		 len;
	char		 text[CONFIG_TOKEN_MAX + 1];
};

struct cfile;

/* Lexer state: the files being read and the first error. */
struct cfg_lex {
	char		*cause;		/* first error, caller frees */
	struct cfile	*file;		/* innermost file */
	int		 depth;		/* files on the stack */
	u_int		 included;	/* include statements read, in all */
	size_t		 included_bytes; /* and their files' bytes */
};

/* Record the first error as "file:line:col: message"; always -1. */
int	 cfg_lex_error(struct cfg_lex *, const struct loc *, const char *,
	    ...) printflike(3, 4);

/* Token text fit for a message: sanitised and shortened into buf. */
const char *cfg_lex_quote(const char *, char *, size_t);
/* How a token reads in "expected X, got Y", into buf. */
const char *cfg_lex_describe(const struct token *, char *, size_t);

/*
 * Tokens.  A token from peek or next stays valid until the next peek or
 * next.  value wants a word or a string (what names it in the message);
 * expect wants a brace (word NULL) or that exact word, after "after".
 */
int	 cfg_lex_peek(struct cfg_lex *, struct token **);
int	 cfg_lex_next(struct cfg_lex *, struct token **);
int	 cfg_lex_value(struct cfg_lex *, struct token **, const char *);
int	 cfg_lex_expect(struct cfg_lex *, enum token_type, const char *,
	    const char *);

/* A token's text into a fixed field: non-empty and short enough. */
int	 cfg_lex_name(struct cfg_lex *, const struct token *, char *, size_t,
	    const char *);
/*
 * A path value into a malloc'd field, replacing an earlier one; where, if
 * not NULL, is set to the value's location.
 */
int	 cfg_lex_path(struct cfg_lex *, char **, const char *, struct loc *);

/*
 * Files.  read takes a whole regular file (at most CONFIG_FILE_MAX bytes,
 * caller frees *buf) or sets *why.  push makes buf (which must outlive the
 * pop) the file tokens come from; has_id says dev and ino identify it.
 * include reads and pushes the file an include token names, relative to
 * the current file, refusing cycles, deep nesting, and more than
 * CONFIG_INCLUDED_FILES_MAX files or CONFIG_INCLUDED_BYTES_MAX bytes
 * included in all (the same file included twice counts twice).
 */
int	 cfg_lex_read(const char *, char **, size_t *, dev_t *, ino_t *,
	    const char **);
void	 cfg_lex_push(struct cfg_lex *, const char *, const char *, size_t,
	    int, dev_t, ino_t);
int	 cfg_lex_include(struct cfg_lex *, const struct token *);
void	 cfg_lex_pop(struct cfg_lex *);

#endif
