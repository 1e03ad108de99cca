/* SPDX-License-Identifier: ISC */
/*
 * The configuration lexer (see core/config-lex.h): turns the bytes of a
 * file into words, "quoted strings" and braces, each with the line and
 * column it starts at, keeps the stack of files that include opens, and
 * records the first error as "file:line:column: message".  Everything is
 * bounded (file size, token length, include depth, and the files and
 * bytes included in all, so that 100 includes of a file with 100
 * includes... cannot take minutes and gigabytes) because the parser is
 * fuzzed and a config check (-n) must never hang or crash.  The keywords
 * and what they mean are core/config.c's business.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config-lex.h"
#include "core/util.h"

/* One file being read; files nest through include. */
struct cfile {
	const char	*name;		/* as shown in messages */
	char		*dir;		/* for relative includes, NULL: cwd */
	const char	*buf;
	size_t		 len;
	size_t		 off;
	u_int		 line;
	u_int		 col;
	int		 peeked;	/* tok holds the next token */
	struct token	 tok;
	int		 has_id;	/* dev/ino valid (a real file) */
	dev_t		 dev;
	ino_t		 ino;
	char		*path;		/* include: owned name and buffer */
	char		*data;
	struct cfile	*parent;
};

static int	 cfg_lex_token(struct cfg_lex *, struct token *);
static char	*cfg_lex_dirname(const char *);

/* Record the first error as "file:line:col: message"; always -1. */
int
cfg_lex_error(struct cfg_lex *lx, const struct loc *l, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	if (lx->cause != NULL)
		return (-1);
	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	xasprintf(&lx->cause, "%s:%u:%u: %s", l->file, l->line, l->col, msg);
	free(msg);
	return (-1);
}

/* Token text fit for a message: sanitised and shortened. */
const char *
cfg_lex_quote(const char *s, char *buf, size_t len)
{
	size_t	 n = strlen(s);

	if (n <= CONFIG_QUOTE_MAX) {
		sanitize(buf, len, s, n);
		return (buf);
	}
	sanitize(buf, len > 4 ? len - 3 : len, s, CONFIG_QUOTE_MAX);
	if (len > 4)
		strlcpy_pt(buf + strlen(buf), "...", 4);
	return (buf);
}

/* How a token reads in "expected X, got Y". */
const char *
cfg_lex_describe(const struct token *t, char *buf, size_t len)
{
	char	 q[CFG_LEX_QUOTE_LEN];

	switch (t->type) {
	case TOK_EOF:
		snprintf(buf, len, "end of file");
		break;
	case TOK_LBRACE:
		snprintf(buf, len, "\"{\"");
		break;
	case TOK_RBRACE:
		snprintf(buf, len, "\"}\"");
		break;
	case TOK_WORD:
		snprintf(buf, len, "\"%s\"",
		    cfg_lex_quote(t->text, q, sizeof q));
		break;
	case TOK_STRING:
		snprintf(buf, len, "string \"%s\"",
		    cfg_lex_quote(t->text, q, sizeof q));
		break;
	}
	return (buf);
}

/*
 * The lexer.  Words run until white space, a brace, a quote or '#';
 * strings take \" and \\ and end on the same line; control characters
 * outside comments are errors.
 */
static int
cfg_lex_token(struct cfg_lex *lx, struct token *t)
{
	struct cfile	*f = lx->file;
	unsigned char	 c;
	struct loc	 esc;

	t->len = 0;
	t->text[0] = '\0';
	for (;;) {
		if (f->off >= f->len) {
			t->type = TOK_EOF;
			t->loc.file = f->name;
			t->loc.line = f->line;
			t->loc.col = f->col;
			return (0);
		}
		c = f->buf[f->off];
		if (c == '\n') {
			f->off++;
			f->line++;
			f->col = 1;
		} else if (c == ' ' || c == '\t' || c == '\r') {
			f->off++;
			f->col++;
		} else if (c == '#') {
			while (f->off < f->len && f->buf[f->off] != '\n') {
				f->off++;
				f->col++;
			}
		} else
			break;
	}

	t->loc.file = f->name;
	t->loc.line = f->line;
	t->loc.col = f->col;

	if (c == '{' || c == '}') {
		t->type = c == '{' ? TOK_LBRACE : TOK_RBRACE;
		t->text[0] = c;
		t->text[1] = '\0';
		t->len = 1;
		f->off++;
		f->col++;
		return (0);
	}

	if (c == '"') {
		t->type = TOK_STRING;
		f->off++;
		f->col++;
		for (;;) {
			if (f->off >= f->len || f->buf[f->off] == '\n')
				return (cfg_lex_error(lx, &t->loc,
				    "unterminated string"));
			c = f->buf[f->off];
			if (c == '"') {
				f->off++;
				f->col++;
				break;
			}
			if (c == '\\') {
				esc.file = f->name;
				esc.line = f->line;
				esc.col = f->col;
				f->off++;
				f->col++;
				if (f->off >= f->len || f->buf[f->off] == '\n')
					return (cfg_lex_error(lx, &t->loc,
					    "unterminated string"));
				c = f->buf[f->off];
				if (c != '"' && c != '\\') {
					if (c < 0x20 || c >= 0x7f)
						return (cfg_lex_error(lx, &esc,
						    "bad escape in string: "
						    "only \\\" and \\\\ are "
						    "allowed"));
					return (cfg_lex_error(lx, &esc,
					    "bad escape \"\\%c\" in string: "
					    "only \\\" and \\\\ are allowed",
					    c));
				}
			} else if ((c < 0x20 && c != '\t') || c == 0x7f) {
				esc.file = f->name;
				esc.line = f->line;
				esc.col = f->col;
				return (cfg_lex_error(lx, &esc,
				    "control character 0x%02x in string", c));
			}
			if (t->len >= CONFIG_TOKEN_MAX)
				return (cfg_lex_error(lx, &t->loc,
				    "string too long (at most %d bytes)",
				    CONFIG_TOKEN_MAX));
			t->text[t->len++] = c;
			f->off++;
			f->col++;
		}
		t->text[t->len] = '\0';
		return (0);
	}

	if (c < 0x20 || c == 0x7f)
		return (cfg_lex_error(lx, &t->loc, "unexpected control "
		    "character 0x%02x", c));

	t->type = TOK_WORD;
	while (f->off < f->len) {
		c = f->buf[f->off];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
		    c == '{' || c == '}' || c == '"' || c == '#' ||
		    c < 0x20 || c == 0x7f)
			break;
		if (t->len >= CONFIG_TOKEN_MAX)
			return (cfg_lex_error(lx, &t->loc,
			    "word too long (at most %d bytes)",
			    CONFIG_TOKEN_MAX));
		t->text[t->len++] = c;
		f->off++;
		f->col++;
	}
	t->text[t->len] = '\0';
	return (0);
}

/* Look at the next token without taking it. */
int
cfg_lex_peek(struct cfg_lex *lx, struct token **tp)
{
	struct cfile	*f = lx->file;

	if (!f->peeked) {
		if (cfg_lex_token(lx, &f->tok) == -1)
			return (-1);
		f->peeked = 1;
	}
	*tp = &f->tok;
	return (0);
}

/* Take the next token; it stays valid until the next peek or next. */
int
cfg_lex_next(struct cfg_lex *lx, struct token **tp)
{
	if (cfg_lex_peek(lx, tp) == -1)
		return (-1);
	lx->file->peeked = 0;
	return (0);
}

/* The next token must be a value: a word or a string. */
int
cfg_lex_value(struct cfg_lex *lx, struct token **tp, const char *what)
{
	char	 d[CFG_LEX_DESCRIBE_LEN];

	if (cfg_lex_next(lx, tp) == -1)
		return (-1);
	if ((*tp)->type != TOK_WORD && (*tp)->type != TOK_STRING)
		return (cfg_lex_error(lx, &(*tp)->loc, "expected %s, got %s",
		    what, cfg_lex_describe(*tp, d, sizeof d)));
	return (0);
}

/* The next token must be a brace or this exact word. */
int
cfg_lex_expect(struct cfg_lex *lx, enum token_type type, const char *word,
    const char *after)
{
	struct token	*t;
	char		 d[CFG_LEX_DESCRIBE_LEN];

	if (cfg_lex_next(lx, &t) == -1)
		return (-1);
	if (t->type == type &&
	    (word == NULL || strcmp(t->text, word) == 0))
		return (0);
	if (word == NULL)
		word = type == TOK_LBRACE ? "{" : "}";
	return (cfg_lex_error(lx, &t->loc, "expected \"%s\" after %s, got %s",
	    word, after, cfg_lex_describe(t, d, sizeof d)));
}

/* Copy a name into a fixed field: non-empty and short enough. */
int
cfg_lex_name(struct cfg_lex *lx, const struct token *t, char *dst,
    size_t len, const char *what)
{
	if (t->len == 0)
		return (cfg_lex_error(lx, &t->loc, "%s must not be empty",
		    what));
	if (t->len >= len)
		return (cfg_lex_error(lx, &t->loc, "%s is too long (at most "
		    "%zu bytes)", what, len - 1));
	/*
	 * Names reach the terminal, JSON and the history: valid UTF-8 only
	 * (sanitize() keeps exactly that, so a difference is the answer).
	 */
	sanitize(dst, len, t->text, t->len);
	if (strcmp(dst, t->text) != 0)
		return (cfg_lex_error(lx, &t->loc, "%s is not valid UTF-8",
		    what));
	return (0);
}

/* A path value into a malloc'd field, replacing an earlier one. */
int
cfg_lex_path(struct cfg_lex *lx, char **dst, const char *what,
    struct loc *where)
{
	struct token	*t;

	if (cfg_lex_value(lx, &t, what) == -1)
		return (-1);
	if (t->len == 0)
		return (cfg_lex_error(lx, &t->loc, "%s must not be empty",
		    what));
	if (t->len >= PATH_MAX)
		return (cfg_lex_error(lx, &t->loc, "%s is too long (at most "
		    "%d bytes)", what, PATH_MAX - 1));
	free(*dst);
	*dst = xstrdup(t->text);
	if (where != NULL)
		*where = t->loc;
	return (0);
}

/* "a/b/c.conf" -> "a/b"; "c.conf" -> NULL (relative to the cwd). */
static char *
cfg_lex_dirname(const char *name)
{
	const char	*slash;

	if ((slash = strrchr(name, '/')) == NULL)
		return (NULL);
	if (slash == name)
		return (xstrdup("/"));
	return (xstrndup(name, slash - name));
}

/*
 * Read a whole regular file, at most CONFIG_FILE_MAX bytes.  O_NONBLOCK so
 * that a FIFO or a special file can neither block the open nor the read.
 */
int
cfg_lex_read(const char *path, char **bufp, size_t *lenp, dev_t *dev,
    ino_t *ino, const char **why)
{
	struct stat	 st;
	char		*buf;
	size_t		 len = 0, size = 8192;
	ssize_t		 n;
	int		 fd, saved;

	*bufp = NULL;
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC))
	    == -1) {
		*why = strerror(errno);
		return (-1);
	}
	if (fstat(fd, &st) == -1) {
		saved = errno;
		close(fd);
		*why = strerror(saved);
		return (-1);
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		*why = strerror(EISDIR);
		return (-1);
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		*why = "not a regular file";
		return (-1);
	}
	buf = xmalloc(size);
	for (;;) {
		if (len == size) {
			if (size >= CONFIG_FILE_MAX + 1)
				break;
			size *= 2;
			if (size > CONFIG_FILE_MAX + 1)
				size = CONFIG_FILE_MAX + 1;
			buf = xreallocarray(buf, 1, size);
		}
		n = read(fd, buf + len, size - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			saved = errno;
			free(buf);
			close(fd);
			*why = strerror(saved);
			return (-1);
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len > CONFIG_FILE_MAX) {
		free(buf);
		*why = "file too large (more than 4 MiB)";
		return (-1);
	}
	*bufp = buf;
	*lenp = len;
	*dev = st.st_dev;
	*ino = st.st_ino;
	return (0);
}


/* Tokens come from buf (named name in messages) until the matching pop. */
void
cfg_lex_push(struct cfg_lex *lx, const char *name, const char *buf,
    size_t len, int has_id, dev_t dev, ino_t ino)
{
	struct cfile	*f;

	f = xcalloc(1, sizeof *f);
	f->name = name;
	f->dir = cfg_lex_dirname(name);
	f->buf = buf;
	f->len = len;
	f->line = 1;
	f->col = 1;
	f->has_id = has_id;
	f->dev = dev;
	f->ino = ino;
	f->parent = lx->file;
	lx->file = f;
	lx->depth++;
}

/*
 * include "file": relative to the including file's directory.  On success
 * the file is pushed, owning its name and buffer, and the caller pops it.
 */
int
cfg_lex_include(struct cfg_lex *lx, const struct token *t)
{
	struct cfile	*f;
	struct loc	 l;
	char		*path, *buf, q[CFG_LEX_QUOTE_LEN];
	const char	*why;
	size_t		 len;
	dev_t		 dev;
	ino_t		 ino;
	int		 rv;

	l = t->loc;
	if (t->len == 0)
		return (cfg_lex_error(lx, &l, "include file name must not be "
		    "empty"));
	if (t->len >= PATH_MAX)
		return (cfg_lex_error(lx, &l, "include file name is too "
		    "long"));
	if (lx->depth > CONFIG_INCLUDE_MAX)
		return (cfg_lex_error(lx, &l, "include \"%s\" nested too "
		    "deeply (at most %d levels)", cfg_lex_quote(t->text, q,
		    sizeof q), CONFIG_INCLUDE_MAX));
	if (lx->included >= CONFIG_INCLUDED_FILES_MAX)
		return (cfg_lex_error(lx, &l, "include \"%s\": too many "
		    "includes (at most %d files in the whole configuration)",
		    cfg_lex_quote(t->text, q, sizeof q),
		    CONFIG_INCLUDED_FILES_MAX));
	lx->included++;

	if (t->text[0] == '/' || lx->file->dir == NULL)
		path = xstrdup(t->text);
	else
		xasprintf(&path, "%s/%s", lx->file->dir, t->text);

	if (cfg_lex_read(path, &buf, &len, &dev, &ino, &why) == -1) {
		rv = cfg_lex_error(lx, &l, "cannot read include \"%s\": %s",
		    cfg_lex_quote(t->text, q, sizeof q), why);
		free(path);
		return (rv);
	}
	if (len > CONFIG_INCLUDED_BYTES_MAX - lx->included_bytes) {
		rv = cfg_lex_error(lx, &l, "include \"%s\": too much "
		    "included (at most %d MiB in the whole configuration)",
		    cfg_lex_quote(t->text, q, sizeof q),
		    CONFIG_INCLUDED_BYTES_MAX / (1024 * 1024));
		free(buf);
		free(path);
		return (rv);
	}
	lx->included_bytes += len;
	for (f = lx->file; f != NULL; f = f->parent) {
		if (f->has_id && f->dev == dev && f->ino == ino) {
			rv = cfg_lex_error(lx, &l, "include \"%s\" makes a "
			    "cycle: it is already being read",
			    cfg_lex_quote(t->text, q, sizeof q));
			free(buf);
			free(path);
			return (rv);
		}
	}
	cfg_lex_push(lx, path, buf, len, 1, dev, ino);
	lx->file->path = path;
	lx->file->data = buf;
	return (0);
}

/* Back to the including file, if any. */
void
cfg_lex_pop(struct cfg_lex *lx)
{
	struct cfile	*f = lx->file;

	lx->depth--;
	lx->file = f->parent;
	free(f->dir);
	free(f->path);
	free(f->data);
	free(f);
}
