/*
 * What the configuration parser's files share (config.c has the grammar's
 * core, config-latency.c the latency, prober, Prometheus, ingest and agent
 * keywords).  Not for use outside the parser.
 */
#ifndef PEERTOP_CONFIG_PRIVATE_H
#define PEERTOP_CONFIG_PRIVATE_H

#include "core/config-lex.h"
#include "core/model.h"

/* Keyword handlers share one signature; not all use every argument. */
#define CFG_UNUSED	__attribute__((__unused__))

#define CONFIG_COLLECTORS_MAX	256

/* A branch's explicit "partner", resolved once every partner is known. */
struct pending {
	struct branch	*branch;
	char		*file;
	u_int		 line;
	u_int		 col;
};

struct parser {
	struct cfg_lex	 lx;
	struct model	*m;
	struct pending	*pending;
	size_t		 npending;
	unsigned	 blocks;	/* CFG_BLOCK_*: blocks given once */
};
#define CFG_BLOCK_LATENCY	0x01
#define CFG_BLOCK_PROBE		0x02

/* A keyword and its handler; arg is the enclosing object, if any. */
struct keyword {
	const char	*name;
	int		(*fn)(struct parser *, const struct loc *, void *);
};

const struct keyword *cfg_keyword_find(const struct keyword *,
		    const char *);
int		 cfg_unknown(struct parser *, const struct token *,
		    const struct keyword *);
int		 cfg_block(struct parser *, const struct keyword *, void *,
		    const char *, struct token **);
int		 cfg_options(struct parser *, const struct keyword *, void *);
int		 cfg_addr(struct parser *, struct addr *, const char *,
		    struct loc *);
int		 cfg_parse_ms(const char *, int64_t, int64_t, int64_t *);
int		 cfg_parse_uint(const char *, unsigned long, unsigned long *);
struct collector *cfg_collector_new(struct parser *, const struct loc *,
		    const char *);

/* config-latency.c: top-level and branch keywords. */
int	 cfg_latency(struct parser *, const struct loc *, void *);
int	 cfg_probe(struct parser *, const struct loc *, void *);
int	 cfg_prometheus(struct parser *, const struct loc *, void *);
int	 cfg_ingest(struct parser *, const struct loc *, void *);
int	 cfg_agent(struct parser *, const struct loc *, void *);
int	 cfg_branch_probe(struct parser *, const struct loc *, void *);
int	 cfg_branch_latency(struct parser *, const struct loc *, void *);

#endif
