/* SPDX-License-Identifier: ISC */
/*
 * Unit tests: the shared metrics region.  Counters added by fork()ed
 * children all arrive; a child killed with SIGKILL in the middle of its
 * loop leaves a region that attaches and counts on; a file that is not
 * ours (magic, size, a symbolic link) is refused; tool names are shared
 * by name and bounded; the exposition text (escaping, histogram) and
 * /mcp/metrics access rules.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/audit.h"
#include "../../src/auth.h"
#include "../../src/metrics.h"
#include "tap.h"

static char	 dir[] = "/tmp/t_metrics.XXXXXX";
static char	 path[256];

/* The value of one series in the exposition, or -1 when absent. */
static long long
series(const char *name)
{
	struct buf	 b;
	const char	*p;
	long long	 v = -1;
	size_t		 n = strlen(name);

	buf_init(&b);
	buf_puts(&b, "");
	met_expose(&b);
	for (p = b.data; p != NULL && *p != '\0'; p = strchr(p, '\n'),
	    p = p ? p + 1 : NULL)
		if (strncmp(p, name, n) == 0 && p[n] == ' ') {
			v = strtoll(p + n + 1, NULL, 10);
			break;
		}
	buf_free(&b);
	return v;
}

static int
expose_has(const char *text)
{
	struct buf	 b;
	int		 r;

	buf_init(&b);
	buf_puts(&b, "");
	met_expose(&b);
	r = strstr(b.data, text) != NULL;
	if (!r)
		printf("# no \"%s\" in:\n%s", text, b.data);
	buf_free(&b);
	return r;
}

#define RL_TOOL	"fcgimcp_rate_limited_total{kind=\"tool\"}"
#define MANY	1000000	/* additions per child */

static void
test_fork_counts(void)
{
	pid_t	 pid[4];
	int	 i, j, st, allok = 1, go[2];
	char	 c;

	is_int(met_attach(path, NULL), 0, "attach creates the region");
	is_int(series(RL_TOOL), 0, "a new region counts from 0");
	if (pipe(go) == -1)
		return;
	for (i = 0; i < 4; i++) {
		if ((pid[i] = fork()) == 0) {
			/* each child maps the file on its own, like a worker */
			char	*cause = NULL;

			close(go[1]);
			if (met_attach(path, &cause) == -1)
				_exit(1);
			/* all start together: the additions overlap */
			(void)read(go[0], &c, 1);
			for (j = 0; j < MANY; j++)
				met_rate_limited(MET_RL_TOOL);
			_exit(0);
		}
	}
	close(go[0]);
	usleep(100000);
	close(go[1]);
	for (i = 0; i < 4; i++)
		if (waitpid(pid[i], &st, 0) != pid[i] || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != 0)
			allok = 0;
	ok(allok, "4 children each counted %d times", MANY);
	is_int(series(RL_TOOL), 4 * MANY, "the parent sees every child's "
	    "increments, none lost: exactly 4 x %d", MANY);
	met_rate_limited(MET_RL_SUBJECT);
	met_rate_limited(MET_RL_CLIENT);
	met_rate_limited(MET_RL_CLIENT);
	is_int(series("fcgimcp_rate_limited_total{kind=\"subject\"}"), 1,
	    "met_rate_limited(MET_RL_SUBJECT)");
	is_int(series("fcgimcp_rate_limited_total{kind=\"client\"}"), 2,
	    "met_rate_limited(MET_RL_CLIENT)");
}

static void
test_kill9(void)
{
	long long	 before, mid, after;
	pid_t		 pid;
	char		*cause = NULL;
	int		 st;

	before = series(RL_TOOL);
	if ((pid = fork()) == 0) {
		if (met_attach(path, &cause) == -1)
			_exit(1);
		for (;;)
			met_rate_limited(MET_RL_TOOL);
	}
	usleep(100000);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "the child was killed "
	    "with -9 in the middle of its loop");
	mid = series(RL_TOOL);
	ok(mid > before, "its increments up to the kill are there (%lld)",
	    mid - before);
	/* a new worker attaches to the region the dead one used */
	if ((pid = fork()) == 0) {
		if (met_attach(path, &cause) == -1)
			_exit(1);
		met_rate_limited(MET_RL_TOOL);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a new process attaches "
	    "after the kill");
	after = series(RL_TOOL);
	is_int(after, mid + 1, "and counts exactly on from where the killed "
	    "one stopped");
	is_int(met_attach(path, &cause), 0, "the parent re-attaches");
	is_int(series(RL_TOOL), after, "the value survives re-attaching");
}

static void
test_refused(void)
{
	char		 p[300];
	char		*cause = NULL;
	struct stat	 st;
	int		 fd;

	stat(path, &st);
	snprintf(p, sizeof(p), "%s/foreign", dir);
	fd = open(p, O_RDWR | O_CREAT, 0600);
	(void)ftruncate(fd, st.st_size);
	(void)pwrite(fd, "NOTOURS!", 8, 0);
	close(fd);
	is_int(met_attach(p, &cause), -1, "a file with another magic is "
	    "refused");
	ok(cause != NULL && strstr(cause, p) != NULL &&
	    strstr(cause, "not an fcgi-mcp metrics file") != NULL &&
	    strstr(cause, "MCP_METRICS_PATH") != NULL,
	    "the message names the variable, the file and why: %s", cause);
	free(cause);
	cause = NULL;
	fd = open(p, O_RDWR | O_TRUNC);
	(void)pwrite(fd, "x", 1, 99);
	close(fd);
	is_int(met_attach(p, &cause), -1, "a file of another size is refused");
	ok(cause != NULL && strstr(cause, "size") != NULL, "because of its "
	    "size: %s", cause);
	free(cause);
	cause = NULL;
	/* the same size and a header of another layout (a corrupt one) */
	fd = open(p, O_RDWR | O_TRUNC);
	(void)ftruncate(fd, st.st_size);
	(void)pwrite(fd, "FCMMETR\n\x02\0\0\0", 12, 0);
	close(fd);
	is_int(met_attach(p, &cause), -1, "a region of another version is "
	    "refused");
	ok(cause != NULL && strstr(cause, "another version") != NULL,
	    "because of its version: %s", cause);
	free(cause);
	cause = NULL;
	snprintf(p, sizeof(p), "%s/link", dir);
	(void)symlink(path, p);
	is_int(met_attach(p, &cause), -1, "a symbolic link is refused");
	free(cause);
	cause = NULL;
	/* another local user's file, made before ours: never used */
	snprintf(p, sizeof(p), "%s/planted", dir);
	fd = open(p, O_RDWR | O_CREAT, 0600);
	close(fd);
	chmod(p, 0666);
	is_int(met_attach(p, &cause), -1, "an empty file others may write is "
	    "refused");
	ok(cause != NULL && strstr(cause, "others may write") != NULL,
	    "because of its mode: %s", cause ? cause : "");
	free(cause);
	cause = NULL;
	chmod(p, 0600);
	if (geteuid() == 0 && chown(p, 65534, 65534) == 0) {
		is_int(met_attach(p, &cause), -1, "a file of another user is "
		    "refused");
		ok(cause != NULL && strstr(cause, "another user") != NULL,
		    "because of its owner: %s", cause ? cause : "");
		free(cause);
		cause = NULL;
	}
	/* a region whose creator died before writing its header */
	snprintf(p, sizeof(p), "%s/zeroed", dir);
	fd = open(p, O_RDWR | O_CREAT, 0600);
	(void)ftruncate(fd, st.st_size);
	close(fd);
	is_int(met_attach(p, &cause), 0, "a sized but never initialised "
	    "region (creator killed) is taken over");
	free(cause);
	is_int(met_attach(path, NULL), 0, "back to the test's region");
}

static void
test_tools(void)
{
	const char	*a[] = { "list_items", "get\"item\\x\ny", "delete_item" };
	const char	*b[] = { "delete_item", "other_doc_tool" };
	struct audit_rec r;
	char		 name[32];
	const char	**many;
	size_t		 i;

	met_tool_names(a, 3);
	memset(&r, 0, sizeof(r));
	r.tool = "get\"item\\x\ny";
	r.outcome = AUDIT_OK;
	r.upstream_status = 200;
	r.upstream_ms = 0.5;
	met_tool_call(&r, 1);
	ok(expose_has("fcgimcp_tool_calls_total{tool=\"get\\\"item\\\\x\\ny\","
	    "outcome=\"ok\"} 1\n"), "a tool name's \\, \" and newline are "
	    "escaped in its label");
	r.tool = "delete_item";
	r.outcome = AUDIT_IS_ERROR;
	r.upstream_status = 0;
	r.error = "timeout";
	r.upstream_ms = 3000;
	met_tool_call(&r, 1);
	r.error = "connect";
	r.upstream_ms = 20000;
	met_tool_call(&r, 1);
	r.error = "not_sent";
	met_tool_call(&r, 0);
	r.outcome = AUDIT_IS_ERROR;
	r.upstream_status = 404;
	r.upstream_ms = 3;
	met_tool_call(&r, 1);
	r.outcome = AUDIT_REFUSED;
	met_tool_call(&r, 0);
	r.outcome = AUDIT_FAILED;
	met_tool_call(&r, 0);
	is_int(series("fcgimcp_tool_calls_total{tool=\"delete_item\","
	    "outcome=\"timeout\"}"), 1, "outcome timeout");
	is_int(series("fcgimcp_tool_calls_total{tool=\"delete_item\","
	    "outcome=\"upstream_error\"}"), 1, "outcome upstream_error");
	is_int(series("fcgimcp_tool_calls_total{tool=\"delete_item\","
	    "outcome=\"not_sent\"}"), 1, "outcome not_sent");
	is_int(series("fcgimcp_tool_calls_total{tool=\"delete_item\","
	    "outcome=\"is_error\"}"), 1, "outcome is_error");
	is_int(series("fcgimcp_tool_calls_total{tool=\"delete_item\","
	    "outcome=\"refused\"}"), 1, "outcome refused");
	is_int(series("fcgimcp_tool_calls_total{tool=\"delete_item\","
	    "outcome=\"failed\"}"), 1, "outcome failed");
	r.tool = NULL;
	r.outcome = AUDIT_REFUSED;
	met_tool_call(&r, 0);
	is_int(series("fcgimcp_tool_calls_total{tool=\"(unknown)\","
	    "outcome=\"refused\"}"), 1, "an unknown tool is (unknown)");

	/* histogram: 0.5 ms, 3 s, 20 s, 3 ms were observed */
	is_int(series("fcgimcp_upstream_request_duration_seconds_bucket"
	    "{le=\"0.001\"}"), 1, "le=0.001 holds the 0.5 ms call");
	is_int(series("fcgimcp_upstream_request_duration_seconds_bucket"
	    "{le=\"0.0025\"}"), 1, "le=0.0025");
	is_int(series("fcgimcp_upstream_request_duration_seconds_bucket"
	    "{le=\"0.005\"}"), 2, "le=0.005: cumulative, + the 3 ms call");
	is_int(series("fcgimcp_upstream_request_duration_seconds_bucket"
	    "{le=\"2.5\"}"), 2, "le=2.5");
	is_int(series("fcgimcp_upstream_request_duration_seconds_bucket"
	    "{le=\"5\"}"), 3, "le=5: + the 3 s timeout");
	is_int(series("fcgimcp_upstream_request_duration_seconds_bucket"
	    "{le=\"10\"}"), 3, "le=10");
	is_int(series("fcgimcp_upstream_request_duration_seconds_bucket"
	    "{le=\"+Inf\"}"), 4, "le=+Inf: every observation");
	is_int(series("fcgimcp_upstream_request_duration_seconds_count"), 4,
	    "_count equals the +Inf bucket");
	ok(expose_has("fcgimcp_upstream_request_duration_seconds_sum "
	    "23.003500\n"), "_sum in seconds");

	/* another worker with another document: shared names keep slots */
	met_tool_names(b, 2);
	r.tool = "other_doc_tool";
	r.outcome = AUDIT_OK;
	met_tool_call(&r, 0);
	r.tool = "delete_item";
	met_tool_call(&r, 0);
	is_int(series("fcgimcp_tool_calls_total{tool=\"other_doc_tool\","
	    "outcome=\"ok\"}"), 1, "a second document's tool gets a slot");
	is_int(series("fcgimcp_tool_calls_total{tool=\"delete_item\","
	    "outcome=\"ok\"}"), 1, "a tool in both documents keeps one "
	    "series");
	r.tool = "list_items";
	met_tool_call(&r, 0);
	is_int(series("fcgimcp_tool_calls_total{tool=\"(other)\","
	    "outcome=\"ok\"}"), 1, "a tool this worker does not know is "
	    "(other)");

	/* bounded: past MET_TOOLS_MAX names, (other) */
	many = calloc(MET_TOOLS_MAX + 10, sizeof(*many));
	for (i = 0; i < MET_TOOLS_MAX + 10; i++) {
		snprintf(name, sizeof(name), "t%04zu", i);
		many[i] = strdup(name);
	}
	met_tool_names(many, MET_TOOLS_MAX + 10);
	r.tool = "t0000";
	met_tool_call(&r, 0);
	snprintf(name, sizeof(name), "t%04d", MET_TOOLS_MAX + 5);
	r.tool = name;
	met_tool_call(&r, 0);
	is_int(series("fcgimcp_tool_calls_total{tool=\"t0000\","
	    "outcome=\"ok\"}"), 1, "the first new names get slots");
	is_int(series("fcgimcp_tool_calls_total{tool=\"(other)\","
	    "outcome=\"ok\"}"), 2, "a name past the table counts as (other)");
	for (i = 0; i < MET_TOOLS_MAX + 10; i++)
		free((char *)many[i]);
	free(many);
}

static void
test_requests(void)
{
	char		*env[] = { "REQUEST_METHOD=POST", NULL };
	struct req	 rq;
	struct resp	 rs;

	memset(&rq, 0, sizeof(rq));
	memset(&rs, 0, sizeof(rs));
	rq.envp = env;
	rq.method = "POST";
	strcpy(rq.rpc_method, "tools/call");
	rs.status = 200;
	met_request(PROG_MCP, &rq, &rs);
	met_request(PROG_MCP, &rq, &rs);
	is_int(series("fcgimcp_requests_total{program=\"mcp.fcgi\","
	    "method=\"tools/call\",status=\"200\"}"), 2, "requests by "
	    "method and status");
	strcpy(rq.rpc_method, "evil/\"method");
	rs.status = 418;
	met_request(PROG_MCP, &rq, &rs);
	is_int(series("fcgimcp_requests_total{program=\"mcp.fcgi\","
	    "method=\"other\",status=\"4xx\"}"), 1, "an unknown method is "
	    "other, an unlisted status its class");
	strcpy(rq.rpc_method, "notifications/initialized");
	rs.status = 202;
	met_request(PROG_MCP, &rq, &rs);
	is_int(series("fcgimcp_requests_total{program=\"mcp.fcgi\","
	    "method=\"notifications\",status=\"202\"}"), 1, "notifications");
	rq.rpc_method[0] = '\0';
	rq.method = "GET";
	rs.status = 405;
	met_request(PROG_MCP, &rq, &rs);
	is_int(series("fcgimcp_requests_total{program=\"mcp.fcgi\","
	    "method=\"GET\",status=\"405\"}"), 1, "no JSON-RPC method: the "
	    "HTTP method");

	/* OAuth: the error code of the body, else the status */
	rq.method = "POST";
	rq.path = "/oauth/token";
	rs.status = 400;
	met_oauth_error("invalid_grant");
	met_request(PROG_TOKEN, &rq, &rs);
	met_oauth_error("made_up_code");
	met_request(PROG_TOKEN, &rq, &rs);
	rs.status = 200;
	met_request(PROG_TOKEN, &rq, &rs);
	rq.method = "GET";
	rq.path = "/oauth/callback";
	rs.status = 302;
	met_request(PROG_AUTHZ, &rq, &rs);
	rq.path = "/.well-known/oauth-protected-resource/mcp";
	rs.status = 200;
	met_request(PROG_META, &rq, &rs);
	is_int(series("fcgimcp_oauth_requests_total{endpoint=\"token\","
	    "outcome=\"invalid_grant\"}"), 1, "token: invalid_grant");
	is_int(series("fcgimcp_oauth_requests_total{endpoint=\"token\","
	    "outcome=\"client_error\"}"), 1, "an unknown code: client_error");
	is_int(series("fcgimcp_oauth_requests_total{endpoint=\"token\","
	    "outcome=\"ok\"}"), 1, "token: ok");
	is_int(series("fcgimcp_oauth_requests_total{endpoint=\"callback\","
	    "outcome=\"redirect\"}"), 1, "callback: redirect");
	is_int(series("fcgimcp_oauth_requests_total{endpoint="
	    "\"protected_resource_metadata\",outcome=\"ok\"}"), 1,
	    "protected resource metadata");
	is_int(series("fcgimcp_requests_total{program=\"oauth-token.fcgi\","
	    "method=\"POST\",status=\"400\"}"), 2, "OAuth programs: requests "
	    "by HTTP method");

	/* token checks, by auth.c's and jwt.c's reasons */
	met_token_check(AUTHM_NONE, AUTH_OK, NULL);
	is_int(series("fcgimcp_token_checks_total{result=\"ok\"}"), 0,
	    "MCP_AUTH=none checks nothing");
	met_token_check(AUTHM_JWT, AUTH_OK, NULL);
	met_token_check(AUTHM_JWT, AUTH_MISSING, "a Bearer token is required");
	met_token_check(AUTHM_JWT, AUTH_INVALID, "token expired");
	met_token_check(AUTHM_JWT, AUTH_INVALID, "audience does not match");
	met_token_check(AUTHM_JWT, AUTH_INVALID, "issuer does not match");
	met_token_check(AUTHM_JWT, AUTH_INVALID, "signature does not verify");
	met_token_check(AUTHM_JWT, AUTH_INVALID, "no key with this kid");
	met_token_check(AUTHM_JWT, AUTH_INVALID,
	    "not a compact JWS (three parts)");
	met_token_check(AUTHM_INTROSPECT, AUTH_INVALID, "token is not active");
	met_token_check(AUTHM_JWT, AUTH_INVALID, "something else");
	met_token_check(AUTHM_JWT, AUTH_FORBIDDEN, "lacks a required scope");
	met_token_check(AUTHM_JWT, AUTH_UNAVAILABLE, "cannot be fetched");
	ok(series("fcgimcp_token_checks_total{result=\"ok\"}") == 1 &&
	    series("fcgimcp_token_checks_total{result=\"missing\"}") == 1 &&
	    series("fcgimcp_token_checks_total{result=\"expired\"}") == 1 &&
	    series("fcgimcp_token_checks_total{result=\"wrong_audience\"}")
	    == 1 &&
	    series("fcgimcp_token_checks_total{result=\"wrong_issuer\"}")
	    == 1 &&
	    series("fcgimcp_token_checks_total{result=\"bad_signature\"}")
	    == 1 &&
	    series("fcgimcp_token_checks_total{result=\"unknown_key\"}")
	    == 1 &&
	    series("fcgimcp_token_checks_total{result=\"malformed\"}") == 1 &&
	    series("fcgimcp_token_checks_total{result=\"inactive\"}") == 1 &&
	    series("fcgimcp_token_checks_total{result=\"invalid\"}") == 1 &&
	    series("fcgimcp_token_checks_total{result=\"insufficient_scope\"}")
	    == 1 &&
	    series("fcgimcp_token_checks_total{result=\"unavailable\"}") == 1,
	    "token check results, one each");
	met_fetched(MET_DOC_JWKS, MET_FETCH_OK);
	met_fetched(MET_DOC_JWKS, MET_FETCH_INVALID);
	met_fetched(MET_DOC_METADATA, MET_FETCH_ERROR);
	ok(series("fcgimcp_jwks_fetches_total{result=\"ok\"}") == 1 &&
	    series("fcgimcp_jwks_fetches_total{result=\"invalid\"}") == 1 &&
	    series("fcgimcp_jwks_fetches_total{result=\"error\"}") == 0 &&
	    series("fcgimcp_metadata_fetches_total{result=\"error\"}") == 1,
	    "JWKS and metadata fetches by result (zeros shown)");
	ok(expose_has("# TYPE fcgimcp_requests_total counter\n") &&
	    expose_has("# TYPE fcgimcp_upstream_request_duration_seconds "
	    "histogram\n") && expose_has("fcgimcp_build_info{version=\""
	    PACKAGE_VERSION "\""), "HELP/TYPE lines and build info");
}

/* met_serve: a request with these CGI parameters; returns the status. */
static int
scrape(const char *method, const char *addr, const char *authz,
    struct buf *body)
{
	char		 m[64], a[64], z[256];
	char		*env[4];
	struct req	 rq;
	struct resp	 rs;
	int		 n = 0, status;

	snprintf(m, sizeof(m), "REQUEST_METHOD=%s", method);
	env[n++] = m;
	snprintf(a, sizeof(a), "REMOTE_ADDR=%s", addr);
	env[n++] = a;
	if (authz != NULL) {
		snprintf(z, sizeof(z), "HTTP_AUTHORIZATION=%s", authz);
		env[n++] = z;
	}
	env[n] = NULL;
	memset(&rq, 0, sizeof(rq));
	rq.envp = env;
	req_index(&rq);
	rq.method = method;
	resp_init(&rs, NULL);
	met_serve(&rq, &rs);
	status = rs.status;
	if (body != NULL)
		buf_append(body, rs.body.data ? rs.body.data : "", rs.body.len);
	resp_free(&rs);
	return status;
}

static void
test_serve(void)
{
	struct cfg	 c;
	struct buf	 b;
	char		*cause = NULL;

	memset(&c, 0, sizeof(c));
	c.metrics = 1;
	c.metrics_path = path;
	is_int(met_init(&c, PROG_MCP, 1, &cause), 0, "met_init");
	is_int(series("fcgimcp_worker_starts_total{program=\"mcp.fcgi\"}"), 1,
	    "a serving start counts as a worker start");
	is_int(scrape("GET", "127.0.0.1", NULL, NULL), 200, "loopback: 200");
	is_int(scrape("GET", "127.9.8.7", NULL, NULL), 200, "127.0.0.0/8");
	is_int(scrape("GET", "::1", NULL, NULL), 200, "::1");
	is_int(scrape("GET", "::ffff:127.0.0.1", NULL, NULL), 200,
	    "IPv4-mapped loopback");
	is_int(scrape("GET", "192.0.2.7", NULL, NULL), 403, "another "
	    "address: 403");
	is_int(scrape("GET", "::2", NULL, NULL), 403, "::2: 403");
	is_int(scrape("POST", "127.0.0.1", NULL, NULL), 405, "POST: 405");
	buf_init(&b);
	scrape("GET", "127.0.0.1", NULL, &b);
	ok(b.data != NULL && strstr(b.data, RL_TOOL) != NULL, "the body is "
	    "the exposition");
	buf_free(&b);

	c.metrics_token = "0123456789abcdef-metrics";
	is_int(met_init(&c, PROG_MCP, 0, &cause), 0, "met_init with a token");
	is_int(scrape("GET", "127.0.0.1", NULL, NULL), 401, "token mode: "
	    "none sent, even from loopback: 401");
	is_int(scrape("GET", "192.0.2.7", "Bearer wrong-token-xxxxxxxx",
	    NULL), 403, "a wrong token: 403");
	is_int(scrape("GET", "192.0.2.7", "Bearer 0123456789abcdef-metric",
	    NULL), 403, "a prefix of the token: 403");
	is_int(scrape("GET", "192.0.2.7", "Basic 0123456789abcdef-metrics",
	    NULL), 401, "not Bearer: 401");
	is_int(scrape("GET", "192.0.2.7", "Bearer 0123456789abcdef-metrics",
	    NULL), 200, "the token, from anywhere: 200");
	is_int(scrape("GET", "192.0.2.7", "bearer  0123456789abcdef-metrics",
	    NULL), 200, "the scheme is case-insensitive");

	c.metrics = 0;
	is_int(met_init(&c, PROG_MCP, 0, &cause), 0, "MCP_METRICS=off");
	met_detach();
	is_int(scrape("GET", "127.0.0.1", NULL, NULL), 404, "off: 404");
	met_rate_limited(MET_RL_TOOL);	/* no region: nothing happens */
	/* a relative MCP_METRICS_PATH: refused by cfg (t_config) */
}

int
main(void)
{
	char	*p;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/region", dir);
	p = met_default_path();
	ok(strncmp(p, "/dev/shm/fcgi-mcp-", 18) == 0 &&
	    strstr(p, ".metrics") != NULL, "default path %s", p);
	free(p);
	test_fork_counts();
	test_kill9();
	test_refused();
	test_tools();
	test_requests();
	test_serve();
	met_detach();
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	if (system(path) != 0)
		return 1;
	return done_testing();
}
