/* SPDX-License-Identifier: ISC */
/*
 * Reloading the configuration of a running collector (SIGHUP): the file
 * is parsed again into a second model, compared with the running one, and
 * what can change without losing what the running model holds (the RIB,
 * the history, the event ring, open conditions, latency links) is copied
 * over: latency thresholds (global and per branch), a shorter latency
 * window, the recent part and the routing margin, the routes block, and
 * max-prefix and max-routes, and the listeners' TLS certificates, read
 * again every time.  Everything else (collectors, partners,
 * sessions, branches, edges, the history, GeoIP, the prober's settings,
 * retention) is reported as needing a restart and left as it runs: less
 * is applied, but nothing half.
 */
#ifndef PEERTOP_RELOAD_H
#define PEERTOP_RELOAD_H

#include <stddef.h>

struct model;

struct reload_report {
	/* In: -d named the history, so the file's database is not news. */
	int	 database_fixed;
	/*
	 * Out: one line a difference, as logged after "reload: "
	 * ("latency high 150 ms -> 120 ms"); those not applied begin
	 * "needs a restart: ", or "not applied: " when what was given is
	 * bad (a TLS certificate that does not load) and the running one
	 * stays; both are counted in nrestart.  Free with
	 * reload_report_free().
	 */
	char	**lines;
	size_t	 nlines;
	size_t	 napplied;
	size_t	 nrestart;
};

/*
 * Reload path into the running model m (above).  Each line is logged and
 * the whole raised as a ConfigReloaded event (Information; Warning when
 * something needs a restart).  A file that does not load changes nothing:
 * -1 and *cause (caller frees), logged and raised as ConfigReloadFailed
 * (Warning).  0 otherwise, *cause NULL.
 */
int	 reload_config(struct model *m, const char *path,
	    struct reload_report *out, char **cause);
void	 reload_report_free(struct reload_report *);

#endif
