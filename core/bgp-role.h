/* SPDX-License-Identifier: ISC */
/*
 * BGP Roles and the Only to Customer (OTC) attribute (RFC 9234): the
 * role a BGP speaker takes on a session (the Role capability of its
 * OPEN, section 4), the pairs that agree (4.2), and the route leak
 * conditions of section 5 as pure functions, for a monitor that sees a
 * route and the session it crossed.
 *
 * The same five relations are what a session is configured with
 * (`relation customer|peer|provider|rs|rs-client`, the neighbor's
 * relation to the monitored router), and they decide which ASPA procedure
 * applies to a route (core/aspa.h) and what the hop into the monitored
 * router is for the valley-free check (core/asrel.h).
 *
 * Throughout, "neighbor" is the role of the other end of the session as
 * it would announce it: BGP_ROLE_CUSTOMER means the neighbor is our
 * customer.
 */
#ifndef PEERTOP_BGP_ROLE_H
#define PEERTOP_BGP_ROLE_H

#include <stddef.h>
#include <stdint.h>

/* 0 is "none" so that zeroed memory has no role; the wire value is -1. */
enum bgp_role {
	BGP_ROLE_NONE = 0,
	BGP_ROLE_PROVIDER,	/* wire 0 */
	BGP_ROLE_RS,		/* wire 1, route server */
	BGP_ROLE_RS_CLIENT,	/* wire 2 */
	BGP_ROLE_CUSTOMER,	/* wire 3 */
	BGP_ROLE_PEER,		/* wire 4 */
	BGP_ROLE_UNKNOWN,	/* a value RFC 9234 does not define */
};

/* The RFC 9234 section 5 conditions a route breaks. */
enum bgp_otc_leak {
	BGP_OTC_OK = 0,
	BGP_OTC_FROM_CUSTOMER,	/* ingress 1: OTC from a customer or RS client */
	BGP_OTC_PEER_AS,	/* ingress 2: from a peer, OTC not its AS */
	BGP_OTC_TO_PROVIDER,	/* egress 2: OTC sent to provider, peer or RS */
};

/* The capability's value (4.1) as a role; undefined values UNKNOWN. */
enum bgp_role	 bgp_role_from_wire(uint8_t);
/* "provider", "rs", "rs-client", "customer", "peer", "none", "unknown". */
const char	*bgp_role_name(enum bgp_role);
/* The config words above (not "none"/"unknown"); 0 or -1. */
int		 bgp_role_parse(const char *, enum bgp_role *);
/*
 * 4.2 Role Correctness: the role the other end must announce when this
 * end announces role (provider <-> customer, rs <-> rs-client, peer <->
 * peer); BGP_ROLE_NONE for NONE/UNKNOWN.
 */
enum bgp_role	 bgp_role_mirror(enum bgp_role);
/*
 * The session as negotiated from the two OPENs: 1 when both announced
 * agreeing roles, 0 when one (or both) announced none, -1 on a Role
 * Mismatch (4.2: the session would be refused with a NOTIFICATION).
 */
int		 bgp_role_agree(enum bgp_role sent, enum bgp_role received);

/*
 * The neighbor's role on a session: the configured relation if any, else
 * what the neighbor announced in its OPEN if RFC 9234 defines it, else
 * BGP_ROLE_PEER (a partner's session to Microsoft is settlement-free
 * peering).
 */
enum bgp_role	 bgp_role_effective(enum bgp_role configured,
		    enum bgp_role received);

/*
 * Section 5, ingress: a route received from neighbor (its role) whose
 * neighbor AS is neighbor_as, with OTC value otc (has_otc 0 when it
 * has none).  Returns the leak condition it breaks, or BGP_OTC_OK; sets
 * *otc_out to the OTC the route has once accepted (rule 3 adds the
 * neighbor's AS for a route from a provider, peer or RS; 0 none).
 */
enum bgp_otc_leak bgp_role_ingress(enum bgp_role neighbor, int has_otc,
		    uint32_t otc, uint32_t neighbor_as, uint32_t *otc_out);
/*
 * Section 5, egress: a route sent to neighbor by local_as.  A route that
 * has an OTC must not go to a provider, peer or RS (BGP_OTC_TO_PROVIDER);
 * one without gets local_as when sent to a customer, peer or RS client
 * (*otc_out, 0 none).
 */
enum bgp_otc_leak bgp_role_egress(enum bgp_role neighbor, int has_otc,
		    uint32_t otc, uint32_t local_as, uint32_t *otc_out);
/* The condition in words, for an event; "" for BGP_OTC_OK. */
const char	*bgp_role_leak_name(enum bgp_otc_leak);

#endif
