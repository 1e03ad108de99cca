/* SPDX-License-Identifier: ISC */
/*
 * Tests for SIGHUP's reload (core/reload.c): a model loaded from a file
 * as peertop -H loads it, the file rewritten, reload_config().  What can
 * change live is applied and reported one line each; what cannot is
 * reported as needing a restart and the model keeps what it had; a file
 * that does not parse changes nothing; a threshold turned off under an
 * open condition is refused.  Each reload leaves its event in the ring.
 * A listener's TLS certificate is read again on every reload, by the
 * listener running (a real httpd here).
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <event2/event.h>

#include "core/config.h"
#include "core/httpd.h"
#include "core/latency-mon.h"
#include "core/model.h"
#include "core/reload.h"
#include "core/util.h"
#include "tests/unit/unit.h"
#include "tests/unit/certs.h"

/* The running configuration; each test rewrites parts of it. */
static const char base_conf[] =
    "bmp listen 127.0.0.1 port 11019 { allow 127.0.0.0/8 max-prefix 1000 }\n"
    "latency { window 5m high 150ms }\n"
    "partner \"isp\" as 64500 {\n"
    "\tsession \"sea-r1\" neighbor 192.0.2.1 router \"r1\" edge sea"
    " role primary\n"
    "}\n"
    "branch \"hq\" {\n"
    "\taddress 192.0.2.100\n"
    "\tlocation 47.6 -122.3\n"
    "\tprefix 198.51.100.0/24 origin 64500\n"
    "\tlatency loss 5%\n"
    "}\n";

static char	 conf_path[256];

static void
conf_write(const char *text)
{
	spit(conf_path, text, strlen(text));
}

/* src with one string replaced by another; caller frees. */
static char *
edit(const char *src, const char *from, const char *to)
{
	const char	*at = strstr(src, from);
	char		*out;

	if (at == NULL)
		fail_msg("\"%s\" is not in the configuration", from);
	xasprintf(&out, "%.*s%s%s", (int)(at - src), src, to,
	    at + strlen(from));
	return (out);
}

static char *
conf_edit(const char *from, const char *to)
{
	return (edit(base_conf, from, to));
}

static struct model *
running(void)
{
	struct model	*m;
	char		*cause = NULL, path[512];

	setenv("PEERTOP_DATADIR", test_path(path, sizeof path, "data", ""),
	    1);
	conf_write(base_conf);
	if ((m = config_load(conf_path, NULL, NULL, &cause)) == NULL)
		fail_msg("%s", cause);
	return (m);
}

/* Reload the file as it is now. */
static int
reload(struct model *m, struct reload_report *rep, char **cause)
{
	memset(rep, 0, sizeof *rep);
	*cause = NULL;
	return (reload_config(m, conf_path, rep, cause));
}

static int
has_line(const struct reload_report *rep, const char *text)
{
	size_t	 i;

	for (i = 0; i < rep->nlines; i++)
		if (strcmp(rep->lines[i], text) == 0)
			return (1);
	return (0);
}

static const struct event *
last_event(const struct model *m)
{
	assert_true(m->nevents > 0);
	return (model_event(m, m->nevents - 1));
}

static void
test_threshold_applied(void **state)
{
	struct model		*m = running();
	struct reload_report	 rep;
	char			*cause, *text;

	text = conf_edit("high 150ms", "high 120ms");
	conf_write(text);
	free(text);
	assert_int_equal(reload(m, &rep, &cause), 0);
	assert_null(cause);
	assert_int_equal(m->lat.th.high_us, 120000);
	assert_int_equal(rep.napplied, 1);
	assert_int_equal(rep.nrestart, 0);
	assert_true(has_line(&rep, "latency high 150 ms -> 120 ms"));
	assert_string_equal(last_event(m)->type, "ConfigReloaded");
	assert_int_equal(last_event(m)->level, LVL_INFO);
	reload_report_free(&rep);

	/* The same file again: nothing to say but that. */
	assert_int_equal(reload(m, &rep, &cause), 0);
	assert_int_equal(rep.nlines, 0);
	assert_string_equal(last_event(m)->summary,
	    "configuration reloaded: no changes");
	reload_report_free(&rep);
	model_free(m);
}

static void
test_branch_and_limits(void **state)
{
	struct model		*m = running();
	struct reload_report	 rep;
	struct session		*s;
	char			*cause, *text, *t2;

	t2 = conf_edit("latency loss 5%", "latency loss 2% high 80ms");
	text = edit(t2, "role primary", "role primary max-prefix 50 drop");
	free(t2);
	t2 = text;
	xasprintf(&text, "%sroutes { tolerance 300km roa-expiry 2h }\n", t2);
	free(t2);
	conf_write(text);
	free(text);
	assert_int_equal(reload(m, &rep, &cause), 0);
	assert_int_equal(rep.nrestart, 0);
	assert_true(has_line(&rep, "branch hq latency loss 5% -> 2%"));
	assert_true(has_line(&rep, "branch hq latency high global -> 80 ms"));
	assert_true(has_line(&rep, "routes tolerance 500 km -> 300 km"));
	assert_true(has_line(&rep, "routes roa-expiry 86400s -> 7200s"));
	assert_true(m->route_roa_expiry_ms == 7200 * 1000);
	assert_true(has_line(&rep, "session sea-r1 max-prefix default -> "
	    "50 drop (from the next UPDATE)"));
	assert_int_equal(m->branches[0]->th.high_us, 80000);
	assert_true(m->branches[0]->th.loss_pct == 2);
	assert_true(m->route_tolerance_km == 300);
	assert_non_null(s = model_session_find(m, "sea-r1"));
	assert_int_equal(s->max_prefix.limit, 50);
	assert_true(s->max_prefix.drop);
	reload_report_free(&rep);
	model_free(m);
}

static void
test_session_added_needs_restart(void **state)
{
	struct model		*m = running();
	struct reload_report	 rep;
	char			*cause, *text;

	text = conf_edit("role primary\n", "role primary\n"
	    "\tsession \"lax-r1\" neighbor 192.0.2.9 router \"r2\" edge lax"
	    " role backup\n");
	conf_write(text);
	free(text);
	assert_int_equal(reload(m, &rep, &cause), 0);
	assert_int_equal(rep.napplied, 0);
	assert_true(has_line(&rep, "needs a restart: session lax-r1 added"));
	assert_true(has_line(&rep, "needs a restart: partner isp changed"));
	assert_int_equal(m->nsessions, 1);
	assert_int_equal(m->partners[0]->nsessions, 1);
	assert_null(model_session_find(m, "lax-r1"));
	assert_string_equal(last_event(m)->type, "ConfigReloaded");
	assert_int_equal(last_event(m)->level, LVL_WARNING);
	reload_report_free(&rep);

	/* A listener moved is a restart too, its limits left as they were. */
	text = conf_edit("port 11019 { allow 127.0.0.0/8 max-prefix 1000 }",
	    "port 11020 { allow 127.0.0.0/8 max-prefix 10 }");
	conf_write(text);
	free(text);
	assert_int_equal(reload(m, &rep, &cause), 0);
	assert_int_equal(rep.nrestart, 2);
	assert_true(has_line(&rep,
	    "needs a restart: collector bmp 127.0.0.1:11019 removed"));
	assert_int_equal(m->collectors[0]->port, 11019);
	assert_int_equal(m->collectors[0]->max_prefix.limit, 1000);
	reload_report_free(&rep);
	model_free(m);
}

static void
test_broken_file_changes_nothing(void **state)
{
	struct model		*m = running();
	struct reload_report	 rep;
	char			*cause, *text, *t2;

	t2 = conf_edit("high 150ms", "high 90ms");
	xasprintf(&text, "%sbranch \"x\" {\n", t2);
	free(t2);
	conf_write(text);
	free(text);
	assert_int_equal(reload(m, &rep, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, conf_path));
	assert_int_equal(rep.nlines, 0);
	assert_int_equal(m->lat.th.high_us, 150000);
	assert_int_equal(m->nbranches, 1);
	assert_string_equal(last_event(m)->type, "ConfigReloadFailed");
	assert_int_equal(last_event(m)->level, LVL_WARNING);
	free(cause);
	model_free(m);
}

/*
 * A threshold turned off while a link has its condition raised: nothing
 * would resolve it, so it is refused; with nothing raised it goes.
 */
static void
test_threshold_off(void **state)
{
	struct model		*m = running();
	struct reload_report	 rep;
	struct latlink		*l;
	char			*cause, *text;

	assert_non_null(l = latency_mon_sample(m, m->branches[0],
	    model_edge_find(m, "sea"), "192.0.2.200", LAT_PROBE,
	    now_wall_ms(), 200000));
	l->flags |= LAT_F_HIGH;
	text = conf_edit("latency { window 5m high 150ms }",
	    "latency { window 5m }");
	conf_write(text);
	free(text);
	assert_int_equal(reload(m, &rep, &cause), 0);
	assert_true(has_line(&rep, "needs a restart: latency high off for "
	    "branch hq: its open LatencyHigh would never be resolved"));
	assert_int_equal(m->lat.th.high_us, 150000);
	reload_report_free(&rep);

	l->flags = 0;
	assert_int_equal(reload(m, &rep, &cause), 0);
	assert_true(has_line(&rep, "latency high 150 ms -> off"));
	assert_int_equal(m->lat.th.high_us, 0);
	/* Judged again on the next pass, not at the next sample. */
	assert_true(l->stale);
	assert_true(m->pending & PENDING_LATENCY);
	reload_report_free(&rep);
	model_free(m);
}

/* The rings hold the window they were made for: shorter only. */
static void
test_window(void **state)
{
	struct model		*m = running();
	struct reload_report	 rep;
	char			*cause, *text;

	text = conf_edit("window 5m", "window 2m");
	conf_write(text);
	free(text);
	assert_int_equal(reload(m, &rep, &cause), 0);
	assert_true(has_line(&rep, "latency window 5 min -> 2 min"));
	assert_int_equal(m->lat.window_ms, 120000);
	reload_report_free(&rep);

	text = conf_edit("window 5m", "window 10m");
	conf_write(text);
	free(text);
	assert_int_equal(reload(m, &rep, &cause), 0);
	assert_true(has_line(&rep, "needs a restart: latency window 2 min -> "
	    "10 min (the links' rings hold the shorter one)"));
	assert_int_equal(m->lat.window_ms, 120000);
	reload_report_free(&rep);
	model_free(m);
}

/* The metrics listener is made at start: a new one is a restart. */
static void
test_metrics(void **state)
{
	struct model		*m = running();
	struct reload_report	 rep;
	char			*cause, *text;

	(void)state;
	xasprintf(&text, "metrics listen 127.0.0.1 port 9100\n%s", base_conf);
	conf_write(text);
	free(text);
	assert_int_equal(reload(m, &rep, &cause), 0);
	assert_true(has_line(&rep, "needs a restart: metrics changed (its "
	    "listener is made at start)"));
	assert_int_equal(m->metrics.enabled, 0);
	reload_report_free(&rep);
	model_free(m);
}

/* -d named the history: the file's database line is not a difference. */
static void
test_database(void **state)
{
	struct model		*m = running();
	struct reload_report	 rep;
	char			*cause, *text;

	xasprintf(&text, "database \"/nonexistent/h.db\"\n%s", base_conf);
	conf_write(text);
	free(text);
	assert_int_equal(reload(m, &rep, &cause), 0);
	assert_true(has_line(&rep,
	    "needs a restart: database none -> /nonexistent/h.db"));
	assert_null(m->database);
	reload_report_free(&rep);

	memset(&rep, 0, sizeof rep);
	rep.database_fixed = 1;
	assert_int_equal(reload_config(m, conf_path, &rep, &cause), 0);
	assert_int_equal(rep.nlines, 0);
	reload_report_free(&rep);
	model_free(m);
}

/* dir/name.pem and .key over dir/live.pem and .key. */
static void
live(const char *dir, const char *name)
{
	static const char	*ext[] = { "pem", "key" };
	char			 from[512], to[512], *data;
	size_t			 i, len;

	for (i = 0; i < nitems(ext); i++) {
		snprintf(from, sizeof from, "%s/%s.%s", dir, name, ext[i]);
		snprintf(to, sizeof to, "%s/live.%s", dir, ext[i]);
		data = slurp(from, &len);
		spit(to, data, len);
		free(data);
	}
}

static void
test_tls(void **state)
{
	char			 dir[] = "/tmp/peertop-reload-tls-XXXXXX";
	char			*cause = NULL, *text, *api, want[512];
	struct event_base	*base;
	struct httpd_conf	 hc;
	struct httpd		*h;
	struct model		*m;
	struct reload_report	 rep;

	(void)state;
	assert_non_null(mkdtemp(dir));
	test_certs_make(dir);
	live(dir, "server");
	xasprintf(&api, "api listen 127.0.0.1 port 9999 { tls { certificate "
	    "\"%1$s/live.pem\" key \"%1$s/live.key\" } }\n", dir);
	xasprintf(&text, "%s%s", base_conf, api);
	conf_write(text);
	free(text);
	m = config_load(conf_path, NULL, NULL, &cause);
	assert_non_null(m);
	/* The API's listener, as api_start() makes it. */
	base = event_base_new();
	memset(&hc, 0, sizeof hc);
	hc.name = "api";
	hc.port = -1;
	hc.max_conns = 4;
	hc.request_timeout_ms = 1000;
	hc.tls = &m->api.tls;
	h = httpd_new(base, &hc, &cause);
	if (h == NULL)
		fail_msg("%s", cause);

	/* The same files, the same certificate: nothing to say. */
	assert_int_equal(reload(m, &rep, &cause), 0);
	assert_int_equal(rep.nlines, 0);
	reload_report_free(&rep);

	/* Renewed in place: read again, said so. */
	live(dir, "server2");
	assert_int_equal(reload(m, &rep, &cause), 0);
	snprintf(want, sizeof want, "api tls: certificate %s/live.pem loaded "
	    "(a new one)", dir);
	assert_true(has_line(&rep, want));
	assert_int_equal(rep.napplied, 1);
	assert_int_equal(rep.nrestart, 0);
	reload_report_free(&rep);

	/* A bad key fails the reload, naming it; the listener keeps its. */
	snprintf(want, sizeof want, "%s/live.key", dir);
	spit(want, "not a key\n", 10);
	assert_int_equal(reload(m, &rep, &cause), -1);
	assert_non_null(strstr(cause, "live.key: no PEM private key in it"));
	free(cause);
	reload_report_free(&rep);
	live(dir, "server2");

	/* Taking tls away remakes the listener: a restart. */
	xasprintf(&text, "%sapi listen 127.0.0.1 port 9999\n", base_conf);
	conf_write(text);
	free(text);
	assert_int_equal(reload(m, &rep, &cause), 0);
	assert_true(has_line(&rep, "needs a restart: api tls removed (its "
	    "listener is made at start)"));
	assert_true(m->api.tls.enabled);
	reload_report_free(&rep);

	httpd_free(h);
	event_base_free(base);
	model_free(m);
	free(api);
	unlink(want);
	snprintf(want, sizeof want, "%s/live.pem", dir);
	unlink(want);
	test_certs_remove(dir);
}

static int
setup(void **state)
{
	char	 dir[] = "/tmp/peertop-reload-XXXXXX";

	if (mkdtemp(dir) == NULL)
		return (-1);
	snprintf(conf_path, sizeof conf_path, "%s/peertop.conf", dir);
	log_open("/dev/null", LOG_LVL_INFO);
	return (0);
}

static int
teardown(void **state)
{
	char	*dir;

	unlink(conf_path);
	dir = xstrdup(conf_path);
	*strrchr(dir, '/') = '\0';
	rmdir(dir);
	free(dir);
	return (0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threshold_applied),
		cmocka_unit_test(test_branch_and_limits),
		cmocka_unit_test(test_session_added_needs_restart),
		cmocka_unit_test(test_broken_file_changes_nothing),
		cmocka_unit_test(test_threshold_off),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_database),
		cmocka_unit_test(test_metrics),
		cmocka_unit_test(test_tls),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
