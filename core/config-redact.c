/* SPDX-License-Identifier: ISC */
/*
 * The configuration's text with its secrets taken out, for the history's
 * run row (store_run_begin(); issue 13): the value after every keyword
 * that names a secret (token, password, secret, key, or a keyword ending
 * in one of these after '-' or '_', such as api-key) becomes
 * "<redacted>", and every other byte stays as it was.  The values are
 * found by the configuration lexer (config-lex.c) rather than a pattern,
 * so a keyword in a comment or inside a quoted string, a quoted value
 * with \" in it, or odd spacing cannot hide a secret from it.  A comment
 * that names a secret (an old token kept as "# token ...") has its text
 * replaced too.  An include is not followed: only the file's own text is
 * stored.
 */

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/config.h"
#include "core/config-lex.h"
#include "core/util.h"

#define CONFIG_REDACTED	"\"<redacted>\""

static const char *const config_secrets[] = {
	"token", "password", "passwd", "secret", "key"
};

static int	config_redact_keyword(const struct token *);
static int	config_redact_names(const char *, size_t);
static char	*config_redact_comments(char *, size_t, size_t *);
static size_t	config_redact_end(const char *, size_t, size_t,
		    const struct token *);

/* Does this word name a secret? */
static int
config_redact_keyword(const struct token *t)
{
	const char	*secret;
	size_t		 i, n;

	if (t->type != TOK_WORD)
		return (0);
	for (i = 0; i < nitems(config_secrets); i++) {
		secret = config_secrets[i];
		n = strlen(secret);
		if (strcasecmp(t->text, secret) == 0)
			return (1);
		if (t->len > n && strcasecmp(t->text + t->len - n,
		    secret) == 0 && (t->text[t->len - n - 1] == '-' ||
		    t->text[t->len - n - 1] == '_'))
			return (1);
	}
	return (0);
}

/* Does a comment's text name a secret anywhere, in any case? */
static int
config_redact_names(const char *text, size_t len)
{
	size_t	 i, j, n;

	for (i = 0; i < nitems(config_secrets); i++) {
		n = strlen(config_secrets[i]);
		for (j = 0; j + n <= len; j++) {
			if (strncasecmp(text + j, config_secrets[i], n) == 0)
				return (1);
		}
	}
	return (0);
}

/*
 * The lexer skips comments, so a secret in one is found here: the text
 * of every comment naming a secret becomes " <redacted>".  Strings do
 * not span lines, and a '#' in one is no comment.  Frees in.
 */
static char *
config_redact_comments(char *in, size_t len, size_t *outlen)
{
	static const char	 mark[] = " <redacted>";
	char			*out;
	size_t			 i, end, o = 0, alloc = len + 1;
	int			 quoted = 0;

	out = xmalloc(alloc);
	for (i = 0; i < len; i++) {
		if (quoted) {
			if (in[i] == '\\' && i + 1 < len && in[i + 1] != '\n')
				out[o++] = in[i++];
			else if (in[i] == '"' || in[i] == '\n')
				quoted = 0;
		} else if (in[i] == '"')
			quoted = 1;
		else if (in[i] == '#') {
			for (end = i + 1; end < len && in[end] != '\n'; end++)
				;
			if (config_redact_names(in + i + 1, end - i - 1)) {
				alloc += sizeof mark;
				out = xreallocarray(out, alloc, 1);
				out[o++] = '#';
				memcpy(out + o, mark, sizeof mark - 1);
				o += sizeof mark - 1;
				i = end - 1;
				continue;
			}
		}
		out[o++] = in[i];
	}
	out[o] = '\0';
	free(in);
	*outlen = o;
	return (out);
}

/*
 * Where the value token starting at off ends in buf: a word is its text,
 * a string runs to its closing quote (the lexer has checked that there
 * is one on this line), \" and \\ taken as escapes.
 */
static size_t
config_redact_end(const char *buf, size_t len, size_t off,
    const struct token *t)
{
	size_t	 i;

	if (t->type == TOK_WORD)
		return (off + t->len);
	for (i = off + 1; i < len && buf[i] != '"'; i++) {
		if (buf[i] == '\\')
			i++;
	}
	return (i < len ? i + 1 : len);
}

char *
config_redact(const char *name, const char *buf, size_t len, size_t *outlen)
{
	struct cfg_lex	 lx;
	struct token	*t;
	char		*out;
	size_t		 o = 0, copied = 0, line_off = 0, off, end, alloc;
	u_int		 line = 1;
	int		 secret = 0;

	memset(&lx, 0, sizeof lx);
	cfg_lex_push(&lx, name, buf, len, 0, 0, 0);
	alloc = len + 1;
	out = xmalloc(alloc);
	for (;;) {
		if (cfg_lex_next(&lx, &t) == -1) {
			/* Not what was parsed: store nothing rather than guess. */
			free(lx.cause);
			free(out);
			cfg_lex_pop(&lx);
			return (NULL);
		}
		if (t->type == TOK_EOF)
			break;
		if (!secret || (t->type != TOK_WORD && t->type != TOK_STRING)) {
			secret = config_redact_keyword(t);
			continue;
		}
		secret = 0;
		/* The lexer counts a column per byte: back to an offset. */
		while (line < t->loc.line && line_off < len) {
			if (buf[line_off++] == '\n')
				line++;
		}
		off = line_off + t->loc.col - 1;
		end = config_redact_end(buf, len, off, t);
		alloc += sizeof CONFIG_REDACTED;
		out = xreallocarray(out, alloc, 1);
		memcpy(out + o, buf + copied, off - copied);
		o += off - copied;
		memcpy(out + o, CONFIG_REDACTED, sizeof CONFIG_REDACTED - 1);
		o += sizeof CONFIG_REDACTED - 1;
		copied = end;
	}
	cfg_lex_pop(&lx);
	memcpy(out + o, buf + copied, len - copied);
	o += len - copied;
	out[o] = '\0';
	return (config_redact_comments(out, o, outlen));
}
