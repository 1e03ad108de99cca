/* SPDX-License-Identifier: ISC */
/*
 * What the configuration parser's files share: config.c has the
 * grammar's core (top level, edge, geoip, routes, include), config-value.c
 * the values' parsers, config-collect.c the bird and bmp blocks,
 * config-partner.c partners, sessions and branches, config-latency.c the
 * latency, prober, Prometheus, ingest and agent keywords.  Not for use
 * outside the parser.
 */
#ifndef PEERTOP_CONFIG_PRIVATE_H
#define PEERTOP_CONFIG_PRIVATE_H

#include "core/config-lex.h"
#include "core/model.h"

/* Keyword handlers share one signature; not all use every argument. */
#define CFG_UNUSED	__attribute__((__unused__))

#define CONFIG_COLLECTORS_MAX	256

/*
 * A branch's explicit "partner", or a notify block's partner or branch
 * (branch NULL, ref the keyword, name the name), resolved once every
 * partner and branch is known.
 */
struct pending {
	struct branch	*branch;
	const char	*ref;
	char		 name[NAME_MAX_PT];
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
void		 cfg_keyword_list(const struct keyword *, char *, size_t);
int		 cfg_unknown(struct parser *, const struct token *,
		    const struct keyword *);
int		 cfg_block(struct parser *, const struct keyword *, void *,
		    const char *, struct token **);
int		 cfg_options(struct parser *, const struct keyword *, void *);
/* A warning, "file:line:col: text", into the model's config_warnings. */
void		 cfg_warn(struct parser *, const struct loc *, const char *,
		    ...) printflike(3, 4);
/*
 * A listener (what: "bmp", "ingest") on addr:port, at l: a warning when
 * the address is not loopback and guarded is 0 (guard: the keyword that
 * would restrict it, "allow"; can: what any host could then do).
 */
void		 cfg_listen_check(struct parser *, const struct loc *,
		    const char *what, const struct addr *, int port,
		    int guarded, const char *guard, const char *can);
/* 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104: this host only. */
int		 cfg_loopback(const struct addr *);

/* config-value.c: values, range-checked, errors at the token. */
int		 cfg_addr(struct parser *, struct addr *, const char *,
		    struct loc *);
int		 cfg_parse_ms(const char *, int64_t, int64_t, int64_t *);
int		 cfg_parse_uint(const char *, unsigned long, unsigned long *);
int		 cfg_parse_asn(const char *, uint32_t *);
int		 cfg_parse_duration(const char *, int *);
int		 cfg_asn(struct parser *, uint32_t *, const char *);
int		 cfg_new_name(struct parser *, const struct token *,
		    const char *, const char *, int, size_t, size_t);
void		 cfg_missing(char *, size_t, int, const char *);
int		 cfg_location(struct parser *, double *, double *);
int		 cfg_prefix_mask(const char *, char *, size_t);
int		 cfg_max_prefix(struct parser *, const struct loc *,
		    struct max_prefix *, const char *);
/* The value after word: a duration in [min, max] ms, a number in
 * [min, max], a port, a string into a fixed buffer. */
int		 cfg_span(struct parser *, const char *, int64_t, int64_t,
		    int64_t *);
int		 cfg_number(struct parser *, const char *, unsigned long,
		    unsigned long, unsigned long *);
int		 cfg_port(struct parser *, int *);
int		 cfg_string(struct parser *, const char *, char *, size_t);

/* config-collect.c: top-level collector blocks. */
struct collector *cfg_collector_new(struct parser *, const struct loc *,
		    const char *);
int	 cfg_bird(struct parser *, const struct loc *, void *);
int	 cfg_bmp(struct parser *, const struct loc *, void *);
int	 cfg_rpki(struct parser *, const struct loc *, void *);
/* config-collect.c: a collector's interval (what names it). */
int	 cfg_interval(struct parser *, const char *, int *);

/* config-partner.c: top-level keywords, and branches' partners at the end. */
int	 cfg_partner(struct parser *, const struct loc *, void *);
int	 cfg_branch(struct parser *, const struct loc *, void *);
int	 cfg_resolve(struct parser *);
int	 cfg_turnup(struct parser *, const struct loc *, void *);	/* config-turnup.c */

/* config-latency.c: top-level and branch keywords. */
int	 cfg_latency(struct parser *, const struct loc *, void *);
int	 cfg_probe(struct parser *, const struct loc *, void *);
int	 cfg_prometheus(struct parser *, const struct loc *, void *);
int	 cfg_ingest(struct parser *, const struct loc *, void *);
int	 cfg_agent(struct parser *, const struct loc *, void *);
int	 cfg_control(struct parser *, const struct loc *, void *);	/* config-control.c */
int	 cfg_api(struct parser *, const struct loc *, void *);	/* config-api.c */
int	 cfg_metrics(struct parser *, const struct loc *, void *);	/* config-metrics.c */
int	 cfg_notify(struct parser *, const struct loc *, void *);	/* config-notify.c */
/*
 * config-tls.c: the tls block after its keyword kw, into tc; client: the
 * agent's (ca, certificate, key).  where ("api") names it in messages.
 */
int	 cfg_tls(struct parser *, const struct loc *kw, struct tls_conf *,
	    int client, const char *where);
/* A listener reachable from other hosts without tls: a warning at l. */
void	 cfg_tls_check(struct parser *, const struct loc *l, const char *,
	    const struct addr *, const struct tls_conf *, const char *can);
int	 cfg_branch_probe(struct parser *, const struct loc *, void *);
int	 cfg_branch_latency(struct parser *, const struct loc *, void *);

#endif
