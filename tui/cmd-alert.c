/* SPDX-License-Identifier: ISC */
/*
 * The alert commands: "peertop ack" (acknowledge an event through a
 * running collector's control socket, as this user) and "peertop
 * notify-test" (a test message through a notify block's destinations).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "core/config.h"
#include "core/control-client.h"
#include "core/model.h"
#include "core/notify.h"
#include "core/util.h"
#include "tui/tui.h"

/* peertop ack [-S socket] ID [COMMENT]: as this user, through the socket. */
int
cmd_ack(int argc, char **argv)
{
	struct ctlc	*c;
	json_t		*cmd, *r;
	char		*path, *cause = NULL, *end, comment[160];
	const char	*sock = NULL, *config = NULL;
	long long	 id;
	int		 ch, i;

	while ((ch = getopt(argc, argv, "S:c:")) != -1) {
		switch (ch) {
		case 'S':
			sock = optarg;
			break;
		case 'c':
			config = optarg;
			break;
		default:
			fprintf(stderr, "usage: peertop ack [-c file] [-S socket] "
			    "id [comment]\n");
			return (2);
		}
	}
	errno = 0;
	if (optind >= argc || (id = strtoll(argv[optind], &end, 10)) <= 0 ||
	    *end != '\0' || errno == ERANGE) {
		fprintf(stderr, "usage: peertop ack [-c file] [-S socket] id "
		    "[comment]\n");
		return (2);
	}
	comment[0] = '\0';
	for (i = optind + 1; i < argc; i++) {
		if (comment[0] != '\0')
			strlcpy_pt(comment + strlen(comment), " ",
			    sizeof comment - strlen(comment));
		strlcpy_pt(comment + strlen(comment), argv[i],
		    sizeof comment - strlen(comment));
	}
	path = tui_socket_path(sock, config, NULL);
	if ((c = ctlc_open(path, 5000, NULL, &cause)) == NULL) {
		fprintf(stderr, "peertop: %s\n", cause);
		free(cause);
		free(path);
		return (1);
	}
	free(path);
	cmd = json_pack("{s:s, s:I, s:s}", "cmd", "ack", "event",
	    (json_int_t)id, "comment", comment);
	r = ctlc_request(c, cmd, "ack", 5000, &cause);
	json_decref(cmd);
	ctlc_close(c);
	if (r == NULL) {
		fprintf(stderr, "peertop: ack #%lld: %s\n", id, cause);
		free(cause);
		return (1);
	}
	printf("#%lld acknowledged by %s\n", id,
	    json_string_value(json_object_get(r, "user")) ?: "?");
	json_decref(r);
	return (0);
}

/*
 * peertop notify-test [-c file] NAME[/DEST]: a test message through a
 * notify block's destinations (core/notify-test.c); 0 when delivered.
 */
int
cmd_notify_test(int argc, char **argv)
{
	struct model	*m;
	char		*path, *cause = NULL, *config = NULL;
	int		 ch, status;

	while ((ch = getopt(argc, argv, "c:")) != -1) {
		if (ch != 'c') {
			fprintf(stderr, "usage: peertop notify-test [-c file] "
			    "name[/destination]\n");
			return (2);
		}
		config = optarg;
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: peertop notify-test [-c file] "
		    "name[/destination]\n");
		return (2);
	}
	log_open(NULL, LOG_LVL_INFO);
	log_set_quiet(1);
	path = config != NULL ? xstrdup(config) : config_default_path();
	if (path == NULL) {
		fprintf(stderr, "peertop: no configuration file: use -c FILE\n");
		return (1);
	}
	if ((m = config_load(path, NULL, NULL, &cause)) == NULL) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		free(path);
		return (1);
	}
	m->config_file = path;
	status = notify_test_run(m, argv[optind], stdout);
	model_free(m);
	return (status);
}
