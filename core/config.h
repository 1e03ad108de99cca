/* SPDX-License-Identifier: ISC */
/*
 * The configuration language (peertop.conf(5)): BIRD/OpenBGPD-style
 * keywords, quoted strings, brace blocks, # comments and include.  The
 * parser fills a struct model (edges from the catalogue are loaded by the
 * caller first, so "edge" blocks in the file can override them and session
 * edge codes can be checked).
 */
#ifndef PEERTOP_CONFIG_H
#define PEERTOP_CONFIG_H

#include "core/model.h"

/*
 * Parse path into m.  On error returns -1 and sets *cause (caller frees)
 * to "file:line:column: what was expected".  Errors: unknown keywords, bad
 * addresses, prefixes with host bits, unknown edge codes, duplicate names,
 * unreadable includes, bad numbers/durations, missing braces.
 */
int	 config_parse(struct model *m, const char *path, char **cause);

/* Same, from a buffer (name is used in messages); for tests and fuzzing. */
int	 config_parse_buffer(struct model *m, const char *name,
	    const char *buf, size_t len, char **cause);

/*
 * The configuration text buf (len bytes, named name) with the value of
 * every keyword naming a secret (token, password, secret, key, *-key,
 * ...) replaced by "<redacted>", every other byte kept; for the history
 * (config-redact.c).  Malloc'd, NUL-terminated, length in *outlen; NULL
 * when the text does not lex (store nothing then).
 */
char	*config_redact(const char *name, const char *buf, size_t len,
	    size_t *outlen);

/*
 * A model from the configuration file path over the edge catalogue in
 * datadir (NULL: $PEERTOP_DATADIR, else the installed one), again over
 * the file's own datadir when it names another.
 * NULL and *cause (caller frees) on error; *used, when not NULL, gets
 * the datadir in effect (caller frees).
 */
struct model *config_load(const char *path, const char *datadir,
	    char **used, char **cause);

/*
 * The default search path, first readable wins: $PEERTOP_CONF,
 * ~/.config/peertop/peertop.conf, SYSCONFDIR/peertop.conf.  Returns a
 * malloc'd path or NULL.
 */
char	*config_default_path(void);

#endif
