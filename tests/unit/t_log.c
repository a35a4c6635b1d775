/* SPDX-License-Identifier: ISC */
/*
 * Unit tests: how the log's lines reach stderr.  stderr is one end of a
 * datagram socket pair here, so every write(2) arrives as one datagram and
 * the test sees how the lines were grouped: the audit record is held
 * until its request's access line and both go out in one write; a
 * message in between writes the record first; nothing is held past the
 * request, whatever the level or the format; lines that would not fit in
 * PIPE_BUF together go out one by one.
 */
#include "config.h"

#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "../../src/cfg.h"
#include "../../src/http.h"
#include "../../src/log.h"
#include "../../src/util.h"
#include "tap.h"

static int	 rd = -1;	/* our end of stderr */

/* The next write as a string ("" when none waits). */
static const char *
next_write(void)
{
	static char	 d[16384];
	ssize_t		 n;

	n = recv(rd, d, sizeof(d) - 1, MSG_DONTWAIT);
	d[n > 0 ? n : 0] = '\0';
	return d;
}

/* got matches the extended regular expression re */
#define like(got, re, ...) do {						\
	const char *g_ = (got);						\
	if (!ok(matches(g_, re), __VA_ARGS__))				\
		printf("#   got \"%s\"\n#  want /%s/\n", g_, re);		\
} while (0)

static int
matches(const char *s, const char *re)
{
	regex_t	 r;
	int	 m;

	if (regcomp(&r, re, REG_EXTENDED | REG_NOSUB) != 0)
		return 0;
	m = regexec(&r, s, 0, NULL, 0) == 0;
	regfree(&r);
	return m;
}

static size_t
lines(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

static void
request(struct req *rq, struct resp *rs, const char *id)
{
	memset(rq, 0, sizeof(*rq));
	memset(rs, 0, sizeof(*rs));
	snprintf(rq->id, sizeof(rq->id), "%s", id);
	rq->method = "POST";
	rq->path = (char *)"/mcp";
	rq->start = util_now_mono();
	snprintf(rq->rpc_method, sizeof(rq->rpc_method), "tools/call");
	rs->status = 200;
}

static void
t_text(void)
{
	struct req	 rq;
	struct resp	 rs;
	const char	*w;
	char		 big[9300];

	log_init("t_log", LOGL_INFO, LOGF_TEXT);
	request(&rq, &rs, "r1");
	log_record("{\"event\":\"tools/call\"}\n", 23);
	is_str(next_write(), "", "the audit record waits for the access line");
	log_request(&rq, &rs);
	w = next_write();
	is_int((int)lines(w), 2, "record and access line in one write");
	like(w, "^[0-9T:.-]+Z audit t_log: \\{\"event\":\"tools/call\"\\}\n"
	    "[0-9T:.-]+Z info t_log: req=r1 POST /mcp rpc=tools/call "
	    "status=200 ", "the record first, in the text log's form");
	is_str(next_write(), "", "nothing more");

	log_record("{\"n\":2}\n", 8);
	log_msg(LOGL_WARN, "the API's breaker opens");
	like(next_write(), "^[^\n]* audit t_log: \\{\"n\":2\\}\n$",
	    "a message in between: the held record goes first, alone");
	like(next_write(), " warn t_log: the API's breaker opens\n$",
	    "then the message");
	log_request(&rq, &rs);
	w = next_write();
	ok(lines(w) == 1 && strstr(w, " info t_log: req=r1 ") != NULL,
	    "then the access line alone");

	/* a path the web server decoded ("%0A" in the URL, as Apache's
	 * proxy-fcgi-pathinfo=unescape does): one line, nothing forged */
	rq.path = (char *)"/mcp/x\n2026-12-05T00:00:00.000Z audit t_log: "
	    "{\"sub\":\"alice\"}\r\x7f%0A";
	rq.method = "GET\tX";
	snprintf(rq.rpc_method, sizeof(rq.rpc_method), "a\nb");
	log_request(&rq, &rs);
	w = next_write();
	is_int((int)lines(w), 1, "control bytes in a path: still one line");
	like(w, " req=r1 GET%09X /mcp/x%0A2026-12-05T00:00:00.000Z%20audit"
	    "%20t_log:%20\\{\"sub\":\"alice\"\\}%0D%7F%250A rpc=a%0Ab status=",
	    "the client's fields percent-encoded");
	/* Unicode's line breaks (NEL, LS, PS): some log readers split
	 * there (Python's splitlines); other bytes above ASCII alike */
	rq.path = (char *)"/mcp/\xc2\x85" "a\xe2\x80\xa8" "b\xe2\x80\xa9" "c\xff";
	log_request(&rq, &rs);
	like(next_write(), " /mcp/%C2%85a%E2%80%A8b%E2%80%A9c%FF rpc=",
	    "bytes above ASCII in a field: percent-encoded");
	/* a message carrying a value a client chose (a client_id URL) */
	log_msg(LOGL_WARN, "client %s", "https://x/\r\n2026 audit \x1b[1m");
	w = next_write();
	ok(lines(w) == 1 && strstr(w, "https://x/%0D%0A2026 audit %1B[1m\n") !=
	    NULL, "a message: control bytes percent-encoded, one line (%s)",
	    w);
	request(&rq, &rs, "r1");

	/* together over PIPE_BUF: a pipe could mix them with another
	 * worker's lines, so they go one by one */
	memset(big, 'x', sizeof(big));
	memcpy(big, "{\"s\":\"", 6);
	memcpy(big + PIPE_BUF - 80, "\"}\n", 3);
	log_record(big, PIPE_BUF - 77);
	log_request(&rq, &rs);
	w = next_write();
	ok(lines(w) == 1 && strstr(w, " audit t_log: {\"s\":\"xx") != NULL,
	    "a record near PIPE_BUF: written alone");
	like(next_write(), " info t_log: req=r1 ", "and the access line after");

	/* larger than what can be held: written at once */
	memset(big + PIPE_BUF - 80, 'x', 3);
	memcpy(big + sizeof(big) - 3, "\"}\n", 3);
	log_record(big, sizeof(big));
	ok(lines(next_write()) == 1, "a record of %zu bytes: written at once",
	    sizeof(big));
	log_request(&rq, &rs);
	(void)next_write();
	log_init("t_log", LOGL_WARN, LOGF_TEXT);
	log_record("{\"n\":3}\n", 8);
	is_str(next_write(), "", "MCP_LOG_LEVEL=warn: held too");
	log_request(&rq, &rs);
	like(next_write(), "^[^\n]* audit t_log: \\{\"n\":3\\}\n$",
	    "and written at the end of the request, without an access line");
	is_str(next_write(), "", "nothing more");
}

/*
 * What readers take for a line break (U+2028, U+2029, U+0085) or a
 * terminal's control (C1) in a client's path: percent-encoded, as in the
 * text log, and a long path cut, so that the line stays one record and
 * one write of at most PIPE_BUF bytes.
 */
static void
t_json_breaks(void)
{
	static char	 big[8001], method[600];
	struct json_object *o, *v;
	struct req	 rq;
	struct resp	 rs;
	const char	*w;

	request(&rq, &rs, "r4");
	rq.path = (char *)"/mcp/a\xe2\x80\xa8" "b\xe2\x80\xa9" "c\xc2\x85"
	    "d\xc2\x9b" "31m\xc3\xa9";
	log_request(&rq, &rs);
	w = next_write();
	ok(lines(w) == 1 && strstr(w, "\xe2\x80\xa8") == NULL &&
	    strstr(w, "\xe2\x80\xa9") == NULL && strstr(w, "\xc2\x85") ==
	    NULL && strstr(w, "\xc2\x9b") == NULL, "JSON log: no raw line "
	    "separator, NEL or C1 control in the path");
	o = json_tokener_parse(w);
	ok(o != NULL && json_object_object_get_ex(o, "path", &v) &&
	    strcmp(json_object_get_string(v),
	    "/mcp/a%E2%80%A8b%E2%80%A9c%C2%85d%C2%9B31m\xc3\xa9") == 0,
	    "... percent-encoded as the text log writes them, other text kept");
	json_object_put(o);
	memset(big, 'A', sizeof(big) - 1);
	memcpy(big, "/mcp/", 5);
	rq.path = big;
	log_request(&rq, &rs);
	w = next_write();
	ok(lines(w) == 1 && strlen(w) <= PIPE_BUF && strstr(w, "A...\"") !=
	    NULL, "JSON log: an 8,000-byte path is cut, the line one write "
	    "within PIPE_BUF (%zu bytes)", strlen(w));
	/* what json-c writes longer than it reads, at every field's most */
	memset(big, '\x01', 1000);
	big[1000] = '\0';
	memset(method, '"', sizeof(method) - 1);
	rq.method = method;
	memset(rq.rpc_method, '"', sizeof(rq.rpc_method) - 1);
	memset(rq.tool, '\\', sizeof(rq.tool) - 1);
	memset(rq.note, '"', sizeof(rq.note) - 1);
	snprintf(rq.trace_id, sizeof(rq.trace_id), "%032x", 1);
	snprintf(rq.parent_id, sizeof(rq.parent_id), "%016x", 1);
	log_request(&rq, &rs);
	w = next_write();
	o = json_tokener_parse(w);
	ok(lines(w) == 1 && strlen(w) <= PIPE_BUF && o != NULL,
	    "JSON log: control bytes and quotes in every field a client "
	    "chooses: one line within PIPE_BUF (%zu bytes)", strlen(w));
	json_object_put(o);
}

static void
t_json(void)
{
	struct req	 rq;
	struct resp	 rs;
	char		 name[129];

	log_init("t_log", LOGL_INFO, LOGF_JSON);
	request(&rq, &rs, "r2");
	log_record("{\"event\":\"tools/call\"}\n", 23);
	is_str(next_write(), "", "JSON log: the record waits too");
	log_request(&rq, &rs);
	is_str(next_write(), "{\"event\":\"tools/call\"}\n",
	    "and is written as it is");
	like(next_write(), "^\\{\"time\":\"[^\"]*\",\"level\":\"info\",.*"
	    "\"req\":\"r2\".*\"duration_ms\":[0-9]+\\.[0-9]{3}[,}]",
	    "then the access line, milliseconds with three decimals");
	/* a path with a lone byte (lighttpd decodes %c3): still UTF-8 */
	request(&rq, &rs, "r3");
	rq.path = (char *)"/mcp/\xc3";
	log_request(&rq, &rs);
	like(next_write(), "\"path\":\"/mcp/\xef\xbf\xbd\"", "JSON log: a "
	    "path's invalid UTF-8 is replaced by U+FFFD");
	/* a message carrying a value a client chose, with a byte that is
	 * no UTF-8: JSON readers refuse the whole line */
	log_msg(LOGL_WARN, "client %s", "https://x/\xff\xfe");
	like(next_write(), "\"msg\":\"client https://x/\xef\xbf\xbd\xef\xbf\xbd\"",
	    "JSON log: a message's invalid UTF-8 is replaced by U+FFFD");
	request(&rq, &rs, "r5");
	snprintf(rq.tool, sizeof(rq.tool), "getItem");
	rq.upstream_status = 200;
	rq.upstream_ms = 0.071;
	log_request(&rq, &rs);
	like(next_write(), "\"upstream_ms\":0\\.071[,}]", "JSON log: "
	    "0.071 ms written so, not as json-c writes the double");
	/* the longest tool name MCP_TOOL_NAME_MAX allows, whole: the audit
	 * record and the metrics have it so */
	request(&rq, &rs, "r6");
	memset(name, 'n', 127);
	name[127] = 'Z';
	name[128] = '\0';
	req_set_note(rq.tool, sizeof(rq.tool), name);
	log_request(&rq, &rs);
	like(next_write(), "\"tool\":\"n{127}Z\"", "JSON log: a tool name "
	    "of 128 characters whole");
	t_json_breaks();
}

int
main(void)
{
	int	 sv[2];

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == -1 ||
	    dup2(sv[1], STDERR_FILENO) == -1)
		return 1;
	rd = sv[0];
	setvbuf(stderr, NULL, _IONBF, 0);
	t_text();
	t_json();
	return done_testing();
}
