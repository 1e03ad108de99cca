/*
 * What core/store.c (the writer) and its readers, core/store-report.c
 * and core/store-replay.c, must agree on and nobody else needs: the
 * SQLite files' identity, and the readers' check of a file handed over.
 */
#ifndef PEERTOP_STORE_PRIVATE_H
#define PEERTOP_STORE_PRIVATE_H

/* "peer" in the header's application_id field (offset 68). */
#define STORE_APPLICATION_ID	0x70656572

/*
 * Before a reader lets SQLite at a file: 0, or -1 and *cause (one line
 * naming the file) when it is missing, not a regular file, empty, not
 * SQLite, or shorter than its pages (core/store-report.c).
 */
int	 store_check_history(const char *, char **);

/*
 * A read that failed (rc) only for want of a writable -shm, with no -wal
 * beside the file: it can be read as immutable, through the URI
 * store_immutable_uri() makes (malloc'd).  core/store.c.
 */
int	 store_immutable_ok(const char *, int rc);
char	*store_immutable_uri(const char *);

#endif
