/* SPDX-License-Identifier: ISC */
/*
 * What the notifier sends (notify.h): the event as JSON (for the json
 * webhook, exec's stdin and the line of text the rest start from),
 * Slack's and Teams' messages, and Alertmanager's v2 alerts.  A batch
 * becomes one body: a JSON array, or a message with the first
 * NOTIFY_LINES_MAX lines and "and N more".  All through the one JSON
 * writer (core/json.c), so every string is escaped the same way.
 */

#include <sys/types.h>

#include <event2/buffer.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/notify.h"
#include "core/util.h"

#define NOTIFY_LINES_MAX	10	/* lines in a Slack or Teams message */
#define NOTIFY_LINE_MAX		768

static const char	*notify_formats[] = { "json", "slack", "teams" };

static void	 notify_body_title(char *, size_t, const char *,
		    struct notify_item **, size_t);
static char	*notify_slack_escape(char *, size_t, const char *);
static void	 notify_am_labels(struct json_w *, const char *, const char *,
		    const struct event *);

const char *
notify_format_name(enum notify_format f)
{
	return ((size_t)f < nitems(notify_formats) ? notify_formats[f] : "?");
}

int
notify_format_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < nitems(notify_formats); i++)
		if (strcmp(notify_formats[i], name) == 0)
			return ((int)i);
	return (-1);
}

static void
notify_json_opt(struct json_w *j, const char *key, const char *value)
{
	if (value[0] != '\0')
		json_w_string(j, key, value);
	else
		json_w_null(j, key);
}

/* The event, its state in this message, who acknowledged it. */
void
notify_body_event(struct json_w *j, const char *key, const char *block,
    const struct notify_item *it)
{
	const struct event	*e = &it->ev;

	json_w_object(j, key, 0);
	json_w_string(j, "notify", block);
	json_w_string(j, "state", notify_what_name(it->what));
	json_w_int(j, "id", e->id);
	/* Still open after a restart: the earlier run's opener. */
	if (it->follows != 0)
		json_w_int(j, "follows", it->follows);
	else
		json_w_null(j, "follows");
	json_w_string(j, "level", level_name(e->level));
	json_w_string(j, "type", e->type);
	json_w_string(j, "subject", e->subject);
	json_w_string(j, "summary", e->summary);
	json_w_string(j, "details", e->details);
	notify_json_opt(j, "partner", e->rel.partner);
	notify_json_opt(j, "branch", e->rel.branch);
	notify_json_opt(j, "session", e->rel.session);
	notify_json_opt(j, "router", e->rel.router);
	notify_json_opt(j, "prefix", e->rel.prefix);
	json_w_time(j, "raised", e->time_ms, 1);
	if (it->resolved_ms != 0) {
		json_w_time(j, "resolved", it->resolved_ms, 1);
		json_w_int(j, "resolved_by", it->resolved_by);
		json_w_string(j, "resolution", it->resolved_summary);
	} else {
		json_w_null(j, "resolved");
		json_w_null(j, "resolved_by");
		json_w_null(j, "resolution");
	}
	if (e->ack_ms != 0) {
		json_w_time(j, "acknowledged", e->ack_ms, 1);
		json_w_string(j, "acknowledged_by", e->ack_user);
		json_w_string(j, "ack_comment", e->ack_comment);
	} else {
		json_w_null(j, "acknowledged");
		json_w_null(j, "acknowledged_by");
		json_w_null(j, "ack_comment");
	}
	json_w_end(j);
}

/* "[RESOLVED] Error SessionDown session sea-1: ... (#12, ...)". */
char *
notify_line(const struct notify_item *it, char *buf, size_t len)
{
	const struct event	*e = &it->ev;
	char			 state[16], when[TIME_ISO_LEN], ack[64];
	char			 follows[40];
	size_t			 i;

	strlcpy_pt(state, notify_what_name(it->what), sizeof state);
	for (i = 0; state[i] != '\0'; i++)
		if (state[i] >= 'a' && state[i] <= 'z')
			state[i] = (char)(state[i] - 'a' + 'A');
	time_iso(when, sizeof when, it->resolved_ms != 0 ? it->resolved_ms :
	    e->time_ms, 0);
	ack[0] = follows[0] = '\0';
	if (it->follows != 0)
		snprintf(follows, sizeof follows, ", follows #%lld",
		    (long long)it->follows);
	if (e->ack_ms != 0)
		snprintf(ack, sizeof ack, ", acknowledged by %s", e->ack_user);
	snprintf(buf, len, "[%s] %s %s %s: %s (#%lld%s, %s %s%s)", state,
	    level_name(e->level), e->type, e->subject, it->resolved_ms != 0 &&
	    it->resolved_summary[0] != '\0' ? it->resolved_summary :
	    e->summary, (long long)e->id, follows, it->resolved_ms != 0 ?
	    "resolved" : "raised", when, ack);
	return (buf);
}

static void
notify_body_title(char *buf, size_t len, const char *block,
    struct notify_item **items, size_t n)
{
	if (n == 1)
		snprintf(buf, len, "peertop %s: %s %s", block,
		    notify_what_name(items[0]->what), items[0]->ev.type);
	else
		snprintf(buf, len, "peertop %s: %zu notifications", block, n);
}

/* Slack's mrkdwn reserves &, < and >. */
static char *
notify_slack_escape(char *out, size_t len, const char *s)
{
	size_t	 o = 0;
	const char *rep;
	char	 one[2] = { 0, 0 };

	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		default:
			one[0] = *s;
			rep = one;
			break;
		}
		if (o + strlen(rep) + 1 > len)
			break;
		memcpy(out + o, rep, strlen(rep));
		o += strlen(rep);
	}
	out[o] = '\0';
	return (out);
}

/*
 * json: an array of events, always (one receiver, one shape); slack:
 * {"text"}; teams: a message with an Adaptive Card, as Teams' workflow
 * webhooks take.
 */
void
notify_body_webhook(struct evbuffer *out, enum notify_format f,
    const char *block, const char *instance, struct notify_item **items,
    size_t n)
{
	struct json_w	 j;
	char		 title[256], line[NOTIFY_LINE_MAX];
	char		 esc[NOTIFY_LINE_MAX * 2], *text;
	size_t		 i, shown = n < NOTIFY_LINES_MAX ? n : NOTIFY_LINES_MAX;
	size_t		 tlen = 0, cap;

	json_w_init_evbuffer(&j, out, 0);
	if (f == NOTIFY_JSON) {
		json_w_array(&j, NULL, 0);
		for (i = 0; i < n; i++)
			notify_body_event(&j, NULL, block, items[i]);
		json_w_end(&j);
		return;
	}
	notify_body_title(title, sizeof title, block, items, n);
	if (f == NOTIFY_SLACK) {
		cap = sizeof esc * (shown + 2);
		text = xmalloc(cap);
		tlen = (size_t)snprintf(text, cap, "*%s* (%s)",
		    notify_slack_escape(esc, sizeof esc, title), instance);
		for (i = 0; i < shown; i++)
			tlen += (size_t)snprintf(text + tlen, cap - tlen, "\n%s",
			    notify_slack_escape(esc, sizeof esc,
			    notify_line(items[i], line, sizeof line)));
		if (n > shown)
			snprintf(text + tlen, cap - tlen, "\nand %zu more",
			    n - shown);
		json_w_object(&j, NULL, 0);
		json_w_string(&j, "text", text);
		json_w_end(&j);
		free(text);
		return;
	}
	json_w_object(&j, NULL, 0);
	json_w_string(&j, "type", "message");
	json_w_array(&j, "attachments", 0);
	json_w_object(&j, NULL, 0);
	json_w_string(&j, "contentType",
	    "application/vnd.microsoft.card.adaptive");
	json_w_null(&j, "contentUrl");
	json_w_object(&j, "content", 0);
	json_w_string(&j, "$schema",
	    "http://adaptivecards.io/schemas/adaptive-card.json");
	json_w_string(&j, "type", "AdaptiveCard");
	json_w_string(&j, "version", "1.4");
	json_w_array(&j, "body", 0);
	json_w_object(&j, NULL, 0);
	json_w_string(&j, "type", "TextBlock");
	json_w_string(&j, "text", title);
	json_w_string(&j, "weight", "Bolder");
	json_w_string(&j, "size", "Medium");
	json_w_bool(&j, "wrap", 1);
	json_w_end(&j);
	for (i = 0; i <= shown; i++) {
		if (i == shown && n == shown)
			break;
		if (i < shown)
			notify_line(items[i], line, sizeof line);
		else
			snprintf(line, sizeof line, "and %zu more", n - shown);
		json_w_object(&j, NULL, 0);
		json_w_string(&j, "type", "TextBlock");
		json_w_string(&j, "text", line);
		json_w_bool(&j, "wrap", 1);
		json_w_end(&j);
	}
	json_w_end(&j);		/* body */
	json_w_end(&j);		/* content */
	json_w_end(&j);		/* the attachment */
	json_w_end(&j);		/* attachments */
	json_w_end(&j);
}

static void
notify_am_label(struct json_w *j, const char *key, const char *value)
{
	/* Alertmanager takes an empty label for an absent one. */
	if (value[0] != '\0')
		json_w_string(j, key, value);
}

/* The same labels in every post of one alert: they are its identity. */
static void
notify_am_labels(struct json_w *j, const char *block, const char *instance,
    const struct event *e)
{
	char	 sev[16];
	size_t	 i;

	strlcpy_pt(sev, level_name(e->level), sizeof sev);
	for (i = 0; sev[i] != '\0'; i++)
		if (sev[i] >= 'A' && sev[i] <= 'Z')
			sev[i] = (char)(sev[i] - 'A' + 'a');
	if (e->level == LVL_INFO)
		strlcpy_pt(sev, "info", sizeof sev);
	json_w_object(j, "labels", 0);
	json_w_string(j, "alertname", e->type);
	json_w_string(j, "severity", sev);
	notify_am_label(j, "subject", e->subject);
	notify_am_label(j, "partner", e->rel.partner);
	/* One branch routes; several are the annotation "branches". */
	if (strchr(e->rel.branch, ' ') == NULL)
		notify_am_label(j, "branch", e->rel.branch);
	notify_am_label(j, "session", e->rel.session);
	notify_am_label(j, "instance", instance);
	notify_am_label(j, "notify", block);
	json_w_end(j);
}

/*
 * POST /api/v2/alerts: firing alerts end 4 resends from now (re-posted
 * every resend while open), a resolved one at its restoration, one
 * raised again at another level now (its successor has its own labels).
 */
void
notify_body_alertmanager(struct evbuffer *out, const char *block,
    const char *instance, struct notify_item **items, size_t n,
    int64_t now_ms)
{
	struct json_w		 j;
	const struct notify_item *it;
	const struct event	*e;
	char			 id[32];
	int64_t			 ends;
	size_t			 i;

	json_w_init_evbuffer(&j, out, 0);
	json_w_array(&j, NULL, 0);
	for (i = 0; i < n; i++) {
		it = items[i];
		e = &it->ev;
		switch (it->what) {
		case NOTIFY_RESOLVED:
			ends = it->resolved_ms;
			break;
		case NOTIFY_SUPERSEDED:
			ends = now_ms;
			break;
		default:
			ends = now_ms + 4 * NOTIFY_AM_RESEND_MS;
			break;
		}
		if (ends < e->time_ms)
			ends = e->time_ms;
		json_w_object(&j, NULL, 0);
		notify_am_labels(&j, block, instance, e);
		json_w_object(&j, "annotations", 0);
		json_w_string(&j, "summary", e->summary);
		if (e->details[0] != '\0')
			json_w_string(&j, "description", e->details);
		if (strchr(e->rel.branch, ' ') != NULL)
			json_w_string(&j, "branches", e->rel.branch);
		snprintf(id, sizeof id, "%lld", (long long)e->id);
		json_w_string(&j, "event_id", id);
		if (it->follows != 0) {
			snprintf(id, sizeof id, "%lld", (long long)it->follows);
			json_w_string(&j, "follows", id);
		}
		json_w_string(&j, "level", level_name(e->level));
		if (it->resolved_ms != 0)
			json_w_string(&j, "resolution", it->resolved_summary);
		if (e->ack_ms != 0)
			json_w_string(&j, "acknowledged_by", e->ack_user);
		json_w_end(&j);
		json_w_time(&j, "startsAt", e->time_ms, 1);
		json_w_time(&j, "endsAt", ends, 1);
		json_w_end(&j);
	}
	json_w_end(&j);
}
