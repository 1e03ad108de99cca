/*
 * What core/store.c (the writer) and core/store-report.c (the report
 * reader) must agree on and nobody else needs: the SQLite files' identity.
 */
#ifndef PEERTOP_STORE_PRIVATE_H
#define PEERTOP_STORE_PRIVATE_H

/* "peer" in the header's application_id field (offset 68). */
#define STORE_APPLICATION_ID	0x70656572

#endif
