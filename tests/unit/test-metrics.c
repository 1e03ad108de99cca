/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for core/metrics.c: a small model in OpenMetrics text, its
 * state sets (one sample per state, 1 for the current one), label
 * escaping, seconds and ratios in base units, "# EOF" last, and the
 * Prometheus text flavour without the OpenMetrics-only parts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/collector.h"
#include "core/metrics.h"
#include "core/model.h"

static struct model *
small_model(void)
{
	struct model	*m = model_new();
	struct partner	*p = xcalloc(1, sizeof *p);
	struct session	*s = xcalloc(1, sizeof *s);
	struct branch	*b = xcalloc(1, sizeof *b);
	struct edge	 e = { .code = "lon", .metro = "London",
	    .country = "GB" };

	model_edge_set(m, &e);
	strlcpy_pt(p->name, "contoso \"net\"\\\nx", sizeof p->name);
	p->red = RED_DEGRADED;
	strlcpy_pt(s->name, "lon-r1", sizeof s->name);
	strlcpy_pt(s->router, "r1", sizeof s->router);
	strlcpy_pt(s->edge, "lon", sizeof s->edge);
	addr_parse("2001:db8::1", &s->neighbor);
	s->state = BGP_ESTABLISHED;
	s->since_ms = 1764000000250LL;
	s->role = ROLE_BACKUP;
	s->partner = p;
	s->routes_imported = 7;
	s->routes_exported = 2;
	s->flaps = 3;
	p->sessions = xcalloc(1, sizeof *p->sessions);
	p->sessions[p->nsessions++] = s;
	m->sessions = xcalloc(1, sizeof *m->sessions);
	m->sessions[m->nsessions++] = s;
	m->partners = xcalloc(1, sizeof *m->partners);
	m->partners[m->npartners++] = p;
	strlcpy_pt(b->name, "london-office", sizeof b->name);
	b->nearest = 0;
	b->routed = -1;
	b->suboptimal = 1;
	b->lat_nearest = -1;
	b->lat_main = -1;
	m->branches = xcalloc(1, sizeof *m->branches);
	m->branches[m->nbranches++] = b;
	return (m);
}

static char *
render(const struct model *m, const struct metrics_stats *st,
    enum metrics_format fmt)
{
	struct metrics_stats	 none;
	char			*buf = NULL;
	size_t			 len = 0;
	FILE			*f = open_memstream(&buf, &len);

	assert_non_null(f);
	memset(&none, 0, sizeof none);
	assert_int_equal(metrics_write(f, m, st != NULL ? st : &none, fmt), 0);
	fclose(f);
	return (buf);
}

static void
test_escape(void **state)
{
	char	 buf[32];

	(void)state;
	assert_string_equal(metrics_escape("a\"b\\c\nd", buf, sizeof buf),
	    "a\\\"b\\\\c\\nd");
	/* Cut short, never in the middle of an escape. */
	assert_string_equal(metrics_escape("\"\"\"", buf, 6), "\\\"\\\"");
}

static void
test_session(void **state)
{
	struct model	*m = small_model();
	char		*t = render(m, NULL, METRICS_OPENMETRICS);
	const char	*l = "session=\"lon-r1\",partner=\"contoso \\\"net\\\""
	    "\\\\\\nx\",router=\"r1\",neighbor=\"2001:db8::1\",edge=\"lon\","
	    "role=\"backup\"";
	char		 want[512];

	(void)state;
	assert_non_null(strstr(t, "# TYPE peertop_session_state stateset\n"));
	snprintf(want, sizeof want, "\npeertop_session_state{%s,"
	    "peertop_session_state=\"Established\"} 1\n", l);
	assert_non_null(strstr(t, want));
	snprintf(want, sizeof want, "\npeertop_session_state{%s,"
	    "peertop_session_state=\"Idle\"} 0\n", l);
	assert_non_null(strstr(t, want));
	snprintf(want, sizeof want, "\npeertop_session_prefixes_received{%s} "
	    "7\n", l);
	assert_non_null(strstr(t, want));
	snprintf(want, sizeof want, "\npeertop_session_prefixes_sent{%s} 2\n",
	    l);
	assert_non_null(strstr(t, want));
	snprintf(want, sizeof want, "\npeertop_session_flaps_total{%s} 3\n",
	    l);
	assert_non_null(strstr(t, want));
	assert_non_null(strstr(t, "# TYPE peertop_session_flaps counter\n"));
	snprintf(want, sizeof want, "\npeertop_session_last_change_timestamp_"
	    "seconds{%s} 1764000000.250\n", l);
	assert_non_null(strstr(t, want));
	free(t);
	model_free(m);
}

static void
test_partner_branch(void **state)
{
	struct model	*m = small_model();
	char		*t = render(m, NULL, METRICS_OPENMETRICS);
	const char	*lines[] = {
		"\npeertop_partner_redundancy{partner=\"contoso \\\"net\\\""
		    "\\\\\\nx\",peertop_partner_redundancy=\"DEGRADED\"} 1\n",
		"\npeertop_partner_redundancy{partner=\"contoso \\\"net\\\""
		    "\\\\\\nx\",peertop_partner_redundancy=\"REDUNDANT\"} 0\n",
		"\npeertop_branch_nearest_edge{branch=\"london-office\","
		    "edge=\"lon\"} 1\n",
		"\npeertop_branch_suboptimal_routing{branch=\"london-office\"} "
		    "1\n",
		"\npeertop_conditions_open{level=\"Critical\"} 0\n",
	};
	size_t		 i;

	(void)state;
	for (i = 0; i < nitems(lines); i++)
		if (strstr(t, lines[i]) == NULL)
			fail_msg("missing: %s", lines[i] + 1);
	/* Routed edge unknown: no sample at all. */
	assert_null(strstr(t, "\npeertop_branch_routed_edge{"));
	free(t);
	model_free(m);
}

static void
test_latency_stats(void **state)
{
	struct model		*m = small_model();
	struct latlink		*ll = xcalloc(1, sizeof *ll);
	struct branch		*b = m->branches[0];
	struct metrics_stats	 st;
	char			*t;

	(void)state;
	ll->branch = b;
	ll->edge_idx = 0;
	strlcpy_pt(ll->target, "192.0.2.1", sizeof ll->target);
	ll->sent = 10;
	ll->received = 9;
	ll->loss_pct = 10;
	ll->median_us = 23500;
	ll->p95_us = 40000;
	b->links = xcalloc(1, sizeof *b->links);
	b->links[b->nlinks++] = ll;
	memset(&st, 0, sizeof st);
	st.have_rib = st.have_store = 1;
	st.rib.routes = 12;
	st.rib.attr_bytes = 4096;
	st.store.queued = 5;
	st.store.flush_ms = 1764000001500LL;
	t = render(m, &st, METRICS_OPENMETRICS);
	assert_non_null(strstr(t, "\npeertop_latency_loss_ratio{branch="
	    "\"london-office\",edge=\"lon\",target=\"192.0.2.1\"} 0.1\n"));
	assert_non_null(strstr(t, "\npeertop_latency_median_seconds{branch="
	    "\"london-office\",edge=\"lon\",target=\"192.0.2.1\"} 0.0235\n"));
	assert_non_null(strstr(t, "\npeertop_latency_p95_seconds{branch="
	    "\"london-office\",edge=\"lon\",target=\"192.0.2.1\"} 0.04\n"));
	assert_non_null(strstr(t, "# UNIT peertop_latency_p95_seconds "
	    "seconds\n"));
	assert_non_null(strstr(t, "\npeertop_rib_routes 12\n"));
	assert_non_null(strstr(t, "\npeertop_rib_attribute_bytes 4096\n"));
	assert_non_null(strstr(t, "\npeertop_history_queue_rows 5\n"));
	assert_non_null(strstr(t, "\npeertop_history_last_flush_timestamp_"
	    "seconds 1764000001.500\n"));
	free(t);
	model_free(m);
}

static void
test_eof_and_text(void **state)
{
	struct model	*m = small_model();
	char		*om = render(m, NULL, METRICS_OPENMETRICS);
	char		*txt = render(m, NULL, METRICS_TEXT);
	size_t		 n = strlen(om);

	(void)state;
	assert_true(n > 6);
	assert_string_equal(om + n - 6, "# EOF\n");
	assert_int_equal(strstr(om, "# EOF") - om, (ptrdiff_t)(n - 6));
	/* Without the history and the RIB, their families are left out. */
	assert_null(strstr(om, "peertop_rib_"));
	assert_null(strstr(om, "peertop_history_"));
	/* Prometheus text: no state sets, units or EOF; counters by sample. */
	assert_null(strstr(txt, "# EOF"));
	assert_null(strstr(txt, "stateset"));
	assert_null(strstr(txt, "# UNIT"));
	assert_non_null(strstr(txt, "# TYPE peertop_session_state gauge\n"));
	assert_non_null(strstr(txt,
	    "# TYPE peertop_session_flaps_total counter\n"));
	free(om);
	free(txt);
	model_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_session),
		cmocka_unit_test(test_partner_branch),
		cmocka_unit_test(test_latency_stats),
		cmocka_unit_test(test_eof_and_text),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
