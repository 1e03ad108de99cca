/* SPDX-License-Identifier: ISC */
/*
 * BGP Roles and OTC (RFC 9234): see bgp-role.h.
 */
#include <string.h>

#include "core/bgp-role.h"

static const char *const bgp_role_names[] = {
	[BGP_ROLE_NONE] = "none",
	[BGP_ROLE_PROVIDER] = "provider",
	[BGP_ROLE_RS] = "rs",
	[BGP_ROLE_RS_CLIENT] = "rs-client",
	[BGP_ROLE_CUSTOMER] = "customer",
	[BGP_ROLE_PEER] = "peer",
	[BGP_ROLE_UNKNOWN] = "unknown",
};

enum bgp_role
bgp_role_from_wire(uint8_t v)
{
	/* RFC 9234 4.1 Table 1: 0 Provider .. 4 Peer. */
	return (v <= 4 ? (enum bgp_role)(v + 1) : BGP_ROLE_UNKNOWN);
}

const char *
bgp_role_name(enum bgp_role r)
{
	if ((unsigned)r >= sizeof bgp_role_names / sizeof bgp_role_names[0])
		return ("unknown");
	return (bgp_role_names[r]);
}

int
bgp_role_parse(const char *s, enum bgp_role *r)
{
	unsigned	i;

	for (i = BGP_ROLE_PROVIDER; i <= BGP_ROLE_PEER; i++) {
		if (strcmp(s, bgp_role_names[i]) == 0) {
			*r = (enum bgp_role)i;
			return (0);
		}
	}
	return (-1);
}

enum bgp_role
bgp_role_mirror(enum bgp_role r)
{
	/* RFC 9234 4.2 Table 2: the allowed pairs. */
	switch (r) {
	case BGP_ROLE_PROVIDER:
		return (BGP_ROLE_CUSTOMER);
	case BGP_ROLE_CUSTOMER:
		return (BGP_ROLE_PROVIDER);
	case BGP_ROLE_RS:
		return (BGP_ROLE_RS_CLIENT);
	case BGP_ROLE_RS_CLIENT:
		return (BGP_ROLE_RS);
	case BGP_ROLE_PEER:
		return (BGP_ROLE_PEER);
	case BGP_ROLE_NONE:
	case BGP_ROLE_UNKNOWN:
		break;
	}
	return (BGP_ROLE_NONE);
}

int
bgp_role_agree(enum bgp_role sent, enum bgp_role received)
{
	if (sent == BGP_ROLE_NONE || received == BGP_ROLE_NONE)
		return (0);
	/* An undefined value agrees with nothing (4.2). */
	return (bgp_role_mirror(sent) == received ? 1 : -1);
}

enum bgp_role
bgp_role_effective(enum bgp_role configured, enum bgp_role received)
{
	if (configured != BGP_ROLE_NONE && configured != BGP_ROLE_UNKNOWN)
		return (configured);
	if (received != BGP_ROLE_NONE && received != BGP_ROLE_UNKNOWN)
		return (received);
	return (BGP_ROLE_PEER);
}

enum bgp_otc_leak
bgp_role_ingress(enum bgp_role neighbor, int has_otc, uint32_t otc,
    uint32_t neighbor_as, uint32_t *otc_out)
{
	*otc_out = has_otc ? otc : 0;
	switch (neighbor) {
	case BGP_ROLE_CUSTOMER:
	case BGP_ROLE_RS_CLIENT:
		/* 5, ingress 1: a customer never sends what came down. */
		return (has_otc ? BGP_OTC_FROM_CUSTOMER : BGP_OTC_OK);
	case BGP_ROLE_PEER:
		/* 5, ingress 2: a peer may only mark its own routes. */
		if (has_otc && otc != neighbor_as)
			return (BGP_OTC_PEER_AS);
		/* FALLTHROUGH */
	case BGP_ROLE_PROVIDER:
	case BGP_ROLE_RS:
		/* 5, ingress 3: routes from above go only down from here. */
		if (!has_otc)
			*otc_out = neighbor_as;
		return (BGP_OTC_OK);
	case BGP_ROLE_NONE:
	case BGP_ROLE_UNKNOWN:
		break;
	}
	return (BGP_OTC_OK);
}

enum bgp_otc_leak
bgp_role_egress(enum bgp_role neighbor, int has_otc, uint32_t otc,
    uint32_t local_as, uint32_t *otc_out)
{
	*otc_out = has_otc ? otc : 0;
	switch (neighbor) {
	case BGP_ROLE_PROVIDER:
	case BGP_ROLE_RS:
		/* 5, egress 2. */
		return (has_otc ? BGP_OTC_TO_PROVIDER : BGP_OTC_OK);
	case BGP_ROLE_PEER:
		if (has_otc)
			return (BGP_OTC_TO_PROVIDER);
		/* FALLTHROUGH */
	case BGP_ROLE_CUSTOMER:
	case BGP_ROLE_RS_CLIENT:
		/* 5, egress 1. */
		if (!has_otc)
			*otc_out = local_as;
		return (BGP_OTC_OK);
	case BGP_ROLE_NONE:
	case BGP_ROLE_UNKNOWN:
		break;
	}
	return (BGP_OTC_OK);
}

const char *
bgp_role_leak_name(enum bgp_otc_leak l)
{
	switch (l) {
	case BGP_OTC_FROM_CUSTOMER:
		return ("route with OTC from a customer (RFC 9234 5)");
	case BGP_OTC_PEER_AS:
		return ("route from a peer with another AS in OTC "
		    "(RFC 9234 5)");
	case BGP_OTC_TO_PROVIDER:
		return ("route with OTC sent to a provider, peer or route "
		    "server (RFC 9234 5)");
	case BGP_OTC_OK:
		break;
	}
	return ("");
}
