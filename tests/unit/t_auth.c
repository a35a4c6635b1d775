/* SPDX-License-Identifier: ISC */
/*
 * Unit tests: bearer token parsing, MCP_AUTH=required through the /mcp
 * handler, RFC 6750/9728 challenges, CORS preflight, per-tool step-up.
 * (JWT verification: t_jwt.c; JWKS and introspection against a real
 * provider: tests/integration/t_auth_http.sh.)
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../src/auth.h"
#include "../../src/log.h"
#include "../../src/mcp.h"
#include "../../src/oauth.h"
#include "../../src/provider.h"
#include "../../src/server.h"
#include "../../src/tools.h"
#include "../../src/util.h"
#include "tap.h"

static int
sink_write(void *ctx, const char *p, size_t n)
{
	buf_append(ctx, p, n);
	return 0;
}

static int
sink_flush(void *ctx)
{
	return 0;
}

static int
bearer(char **env, const char **tok, size_t *len)
{
	struct req	 rq;

	memset(&rq, 0, sizeof(rq));
	rq.envp = env;
	return auth_bearer(&rq, tok, len);
}

static void
t_bearer(void)
{
	char		*ok1[] = { "HTTP_AUTHORIZATION=Bearer abc.DEF-_~+/=", NULL };
	char		*ok2[] = { "HTTP_AUTHORIZATION=bEaReR x", NULL };
	char		*none[] = { NULL };
	char		*basic[] = { "HTTP_AUTHORIZATION=Basic dXNlcjpwdw==", NULL };
	char		*two[] = { "HTTP_AUTHORIZATION=Bearer a",
			    "HTTP_AUTHORIZATION=Bearer b", NULL };
	char		*joined[] = { "HTTP_AUTHORIZATION=Bearer a, Bearer b", NULL };
	char		*space[] = { "HTTP_AUTHORIZATION=Bearer a b", NULL };
	char		*empty[] = { "HTTP_AUTHORIZATION=Bearer ", NULL };
	char		*pad[] = { "HTTP_AUTHORIZATION=Bearer a=b", NULL };
	char		*onlypad[] = { "HTTP_AUTHORIZATION=Bearer ==", NULL };
	char		*big[2] = { NULL, NULL };
	const char	*tok;
	size_t		 len;
	struct buf	 b;
	int		 i;

	ok(bearer(ok1, &tok, &len) == 0 && len == 13, "token68 characters");
	ok(bearer(ok2, &tok, &len) == 0 && strcmp(tok, "x") == 0,
	    "scheme case-insensitive");
	is_int(bearer(none, &tok, &len), -1, "no header: missing");
	is_int(bearer(basic, &tok, &len), -2, "Basic scheme: malformed");
	is_int(bearer(two, &tok, &len), -2, "two Authorization headers refused");
	is_int(bearer(joined, &tok, &len), -2, "joined headers refused");
	is_int(bearer(space, &tok, &len), -2, "space inside the token");
	is_int(bearer(empty, &tok, &len), -2, "empty token");
	is_int(bearer(pad, &tok, &len), -2, "= only at the end");
	is_int(bearer(onlypad, &tok, &len), -2, "padding alone is no token");
	buf_init(&b);
	buf_puts(&b, "HTTP_AUTHORIZATION=Bearer ");
	for (i = 0; i < 65536; i++)
		buf_putc(&b, 'a');
	big[0] = b.data;
	is_int(bearer(big, &tok, &len), -2, "64 KiB token refused");
	buf_free(&b);
}

struct out {
	int	 status;
	char	*raw;
};

static struct out
run(struct mcp_app *app, const struct cfg *cfg, const char *method,
    const char *body, char **extra)
{
	struct buf		 sinkbuf;
	struct http_sink	 sink = { sink_write, sink_flush, &sinkbuf };
	char			*env[16];
	struct req		 rq;
	struct resp		 rs;
	struct out		 o;
	size_t			 n = 0;

	buf_init(&sinkbuf);
	env[n++] = "CONTENT_TYPE=application/json";
	env[n++] = "HTTP_ACCEPT=application/json, text/event-stream";
	env[n++] = "HTTP_MCP_PROTOCOL_VERSION=2025-11-25";
	for (; extra != NULL && *extra != NULL; extra++)
		env[n++] = *extra;
	env[n] = NULL;
	memset(&rq, 0, sizeof(rq));
	rq.envp = env;
	rq.method = method;
	rq.body = (char *)body;
	rq.body_len = body ? strlen(body) : 0;
	snprintf(rq.id, sizeof(rq.id), "test");
	resp_init(&rs, &sink);
	srv_prog_mcp.handle(app, cfg, &rq, &rs);
	resp_finish(&rs);
	o.status = rs.status;
	o.raw = buf_release(&sinkbuf);
	resp_free(&rs);
	return o;
}

static void
t_required(void)
{
	static char	*env[] = { "MCP_AUTH=required",
			    "MCP_PUBLIC_URL=https://mcp.example.com",
			    "MCP_REQUIRED_SCOPES=read, write", NULL };
	char		*tok[] = { "HTTP_AUTHORIZATION=Bearer t0k", NULL };
	char		*bad[] = { "HTTP_AUTHORIZATION=Basic Zm9vOmJhcg==", NULL };
	char		*pre[] = { "HTTP_ORIGIN=http://localhost:6274",
			    "HTTP_ACCESS_CONTROL_REQUEST_METHOD=POST",
			    "HTTP_ACCESS_CONTROL_REQUEST_HEADERS=content-type, "
			    "mcp-param-region,mcp-param-x\r\ny ,traceparent,"
			    "mcp-param-a_b",
			    NULL };
	const char	*ping = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
	struct cfg	 cfg;
	void		*app;
	char		*cause;
	struct out	 o;

	if (cfg_load(&cfg, PROG_MCP, env, stderr) == -1 ||
	    srv_prog_mcp.init(&cfg, &app, &cause) == -1) {
		ok(0, "set-up");
		return;
	}
	o = run(app, &cfg, "POST", ping, NULL);
	is_int(o.status, 401, "no token: 401");
	ok(strstr(o.raw, "WWW-Authenticate: Bearer resource_metadata=\""
	    "https://mcp.example.com/.well-known/oauth-protected-resource/mcp\", "
	    "scope=\"read write\"\r\n") != NULL,
	    "challenge names resource metadata and scopes, no error code");
	ok(strstr(o.raw, "{\"error\":\"unauthorized\"") != NULL, "JSON body");
	free(o.raw);
	o = run(app, &cfg, "POST", ping, bad);
	is_int(o.status, 401, "Basic: 401");
	ok(strstr(o.raw, "error=\"invalid_token\", error_description=") != NULL,
	    "malformed header: invalid_token");
	ok(strchr(strstr(o.raw, "error_description=\"") + 19, '"') ==
	    strstr(o.raw, "expected)\"") + 9, "description without quotes");
	free(o.raw);
	o = run(app, &cfg, "POST", ping, tok);
	is_int(o.status, 200, "required: any well-formed token passes");
	free(o.raw);
	o = run(app, &cfg, "OPTIONS", NULL, pre);
	is_int(o.status, 204, "preflight: 204");
	ok(strstr(o.raw, "Access-Control-Allow-Origin: http://localhost:6274\r\n")
	    && strstr(o.raw, "Access-Control-Allow-Headers: Authorization, "),
	    "preflight allows the origin and Authorization");
	ok(strstr(o.raw, ", traceparent, tracestate, mcp-param-region\r\n") !=
	    NULL, "... the trace context and the Mcp-Param-* asked for, no "
	    "other name");
	ok(strstr(o.raw, "Access-Control-Expose-Headers: WWW-Authenticate, "
	    "Mcp-Protocol-Version, Retry-After\r\n") != NULL,
	    "WWW-Authenticate and Retry-After (rate limits) exposed");
	free(o.raw);
	o = run(app, &cfg, "GET", NULL, NULL);
	is_int(o.status, 401, "GET without a token: 401 first (mcp-remote "
	    "probes with GET before it signs in)");
	free(o.raw);
	o = run(app, &cfg, "GET", NULL, tok);
	is_int(o.status, 405, "GET with a token: 405");
	free(o.raw);
	srv_prog_mcp.fini(app);
	cfg_free(&cfg);
}

static void
t_config(void)
{
	char		*e1[] = { "MCP_AUTH=jwt", NULL };
	char		*e2[] = { "MCP_AUTH=jwt", "MCP_PUBLIC_URL=http://x", NULL };
	char		*e3[] = { "MCP_JWT_ALGORITHMS=RS256,HS256", NULL };
	char		*e4[] = { "MCP_AUTH=introspect", "MCP_PUBLIC_URL=http://x",
			    "MCP_INTROSPECTION_URL=http://p/i", NULL };
	char		*e5[] = { "MCP_PUBLIC_URL=http://h:1/", NULL };
	char		*e6[] = { "MCP_JWT_ALGORITHMS=EdDSA,Ed25519", NULL };
	char		 err[1024];
	struct cfg	 c;
	FILE		*fp;
	int		 rc;

#define LOAD(e) (memset(err, 0, sizeof(err)), fp = fmemopen(err, sizeof(err), \
	"w"), cfg_load(&c, PROG_MCP, e, fp) == 0 ? (fclose(fp), 0) : \
	(fclose(fp), -1))
	ok(LOAD(e1) == -1 && strstr(err, "MCP_PUBLIC_URL: required when "
	    "MCP_AUTH") != NULL, "auth needs MCP_PUBLIC_URL");
	ok(LOAD(e2) == -1 && strstr(err, "MCP_OAUTH_ISSUER: required") != NULL,
	    "jwt needs the issuer");
	ok(LOAD(e3) == -1 && strstr(err, "MCP_JWT_ALGORITHMS: none and HMAC")
	    != NULL, "HS256 refused by name");
	ok(LOAD(e4) == -1 && strstr(err, "MCP_OAUTH_CLIENT_ID") != NULL,
	    "introspection needs client credentials");
	ok(LOAD(e5) == 0 && strcmp(c.oauth_audience, "http://h:1/mcp") == 0,
	    "audience defaults to the resource URL");
	cfg_free(&c);
	rc = LOAD(e6);
	ok(rc == 0, "Ed25519 (RFC 9864's name of EdDSA over Ed25519) may be "
	    "named (%s)", err);
	if (rc == 0)
		cfg_free(&c);
#undef LOAD
}

/* --- introspection against a fake RFC 7662 endpoint ------------------ */

static volatile int	*intro_calls;	/* shared with the server child */
static int		 intro_port;
static pid_t		 intro_pid;

/* The answer for a token, chosen by its prefix. */
static const char *
intro_answer(const char *tok)
{
	static const struct {
		const char	*prefix, *json;
	} a[] = {
	    { "noaud", "{\"active\":true,\"scope\":\"read\"}" },
	    { "audarr", "{\"active\":true,\"scope\":\"read\",\"aud\":"
		"[\"https://other.example\",\"https://mcp.example.com/mcp\"]}" },
	    { "aud", "{\"active\":true,\"scope\":\"read\",\"aud\":"
		"\"https://mcp.example.com/mcp\"}" },
	    { "res", "{\"active\":true,\"scope\":\"read\",\"resource\":"
		"\"https://mcp.example.com/mcp\"}" },
	    { "other", "{\"active\":true,\"scope\":\"read\",\"aud\":"
		"\"https://other.example\"}" },
	    /* the audience, then a NUL and more: strcmp alone says equal */
	    { "nulaud", "{\"active\":true,\"scope\":\"read\",\"aud\":"
		"[\"https://mcp.example.com/mcp\\u0000.evil\"]}" },
	    { "admin", "{\"active\":true,\"scope\":\"admin offline_access\","
		"\"aud\":\"https://mcp.example.com/mcp\"}" },
	    /* t_tools_by_scope: who the token speaks for, for the audit */
	    { "wr", "{\"active\":true,\"scope\":\"read items:write\","
		"\"sub\":\"alice\",\"client_id\":\"app-1\","
		"\"aud\":\"https://mcp.example.com/mcp\"}" },
	    { "sup", "{\"active\":true,\"scope\":\"read super\","
		"\"sub\":\"root\\\"}\\n{\\\"x\",\"client_id\":\"app-2\","
		"\"aud\":\"https://mcp.example.com/mcp\"}" },
	    { "boss", "{\"active\":true,\"scope\":\"boss\","
		"\"aud\":\"https://mcp.example.com/mcp\"}" },
	    /* scope is space-separated (RFC 6749 3.3): "write,admin" is one */
	    { "comma", "{\"active\":true,\"scope\":\"read write,admin "
		"offline_access\",\"aud\":\"https://mcp.example.com/mcp\"}" },
	    /* exp: a string is no date; a fraction, and the largest int64 */
	    { "expstr", "{\"active\":true,\"scope\":\"read\",\"exp\":"
		"\"never\",\"aud\":\"https://mcp.example.com/mcp\"}" },
	    { "expfrac", "{\"active\":true,\"scope\":\"read\",\"exp\":"
		"1000000000.5,\"aud\":\"https://mcp.example.com/mcp\"}" },
	    { "expbig", "{\"active\":true,\"scope\":\"read\",\"exp\":"
		"9223372036854775807,\"aud\":\"https://mcp.example.com/mcp\"}" },
	    /* exp present: 0 is 1970, not "no end"; nbf in 2100 */
	    { "expzero", "{\"active\":true,\"scope\":\"read\",\"exp\":0,"
		"\"aud\":\"https://mcp.example.com/mcp\"}" },
	    { "nbffut", "{\"active\":true,\"scope\":\"read\",\"nbf\":"
		"4102444800,\"aud\":\"https://mcp.example.com/mcp\"}" },
	    { "nbfpast", "{\"active\":true,\"scope\":\"read\",\"nbf\":"
		"1000000000,\"aud\":\"https://mcp.example.com/mcp\"}" },
	    /* a refresh token, as providers name one */
	    { "rt1", "{\"active\":true,\"scope\":\"read\",\"token_use\":"
		"\"refresh_token\",\"aud\":\"https://mcp.example.com/mcp\"}" },
	    { "rt2", "{\"active\":true,\"scope\":\"read\",\"typ\":"
		"\"Refresh\",\"aud\":\"https://mcp.example.com/mcp\"}" },
	    { "rt3", "{\"active\":true,\"scope\":\"read\",\"token_type\":"
		"\"refresh_token\",\"aud\":\"https://mcp.example.com/mcp\"}" },
	    { "offl", "{\"active\":true,\"scope\":\"read\",\"typ\":"
		"\"Offline\",\"aud\":\"https://mcp.example.com/mcp\"}" },
	    { "idt", "{\"active\":true,\"scope\":\"read\",\"typ\":"
		"\"ID\",\"aud\":\"https://mcp.example.com/mcp\"}" },
	    { "bearer", "{\"active\":true,\"scope\":\"read\",\"token_type\":"
		"\"Bearer\",\"aud\":\"https://mcp.example.com/mcp\"}" },
	    /* bound to a DPoP key (RFC 9449) */
	    { "dpop", "{\"active\":true,\"scope\":\"read\",\"token_type\":"
		"\"DPoP\",\"cnf\":{\"jkt\":\"0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglB\"},"
		"\"aud\":\"https://mcp.example.com/mcp\"}" },
	};
	static char	 many[16384];
	size_t	 i;

	/* 300 distinct scopes, or 2000 repeats of one */
	if (strncmp(tok, "many", 4) == 0 || strncmp(tok, "rep", 3) == 0) {
		size_t	 n = strlen(strcpy(many, "{\"active\":true,\"aud\":"
			    "\"https://mcp.example.com/mcp\",\"scope\":\"read"));

		for (i = 0; i < (*tok == 'm' ? 300 : 2000); i++)
			n += (size_t)snprintf(many + n, sizeof(many) - n,
			    *tok == 'm' ? " s%zu" : " read", i);
		snprintf(many + n, sizeof(many) - n, "\"}");
		return many;
	}
	for (i = 0; i < sizeof(a) / sizeof(a[0]); i++)
		if (strncmp(tok, a[i].prefix, strlen(a[i].prefix)) == 0)
			return a[i].json;
	return "{\"active\":false}";
}

/*
 * The provider's RFC 8414 metadata for issuer http://127.0.0.1:PORT/good,
 * or, under /evil, a document that names another issuer; nothing else
 * (no OpenID configuration).
 */
static void
intro_metadata(int c, const char *path)
{
	char	 iss[64], doc[512], out[1024];

	/* the good one with a trailing slash, as Auth0's has */
	if (strncmp(path, "good ", 5) == 0)
		snprintf(iss, sizeof(iss), "http://127.0.0.1:%d/good/",
		    intro_port);
	else
		snprintf(iss, sizeof(iss), "https://evil.example");
	snprintf(doc, sizeof(doc), "{\"issuer\":\"%s\","
	    "\"introspection_endpoint\":\"http://127.0.0.1:%d/introspect\"}",
	    iss, intro_port);
	snprintf(out, sizeof(out), "HTTP/1.1 200 OK\r\nContent-Type: "
	    "application/json\r\nContent-Length: %zu\r\nConnection: close"
	    "\r\n\r\n%s", strlen(doc), doc);
	if (write(c, out, strlen(out)) == -1)
		return;
}

static void
intro_conn(int c)
{
	char		 in[8192], out[1024], tok[128];
	const char	*h, *b, *t;
	size_t		 have = 0, len = 0, n;
	ssize_t		 r;

	for (;;) {
		if (have == sizeof(in) - 1 ||
		    (r = read(c, in + have, sizeof(in) - 1 - have)) <= 0)
			return;
		have += (size_t)r;
		in[have] = '\0';
		if ((b = strstr(in, "\r\n\r\n")) == NULL)
			continue;
		b += 4;
		if ((h = strcasestr(in, "\r\nContent-Length:")) != NULL)
			len = strtoul(h + 17, NULL, 10);
		if (have - (size_t)(b - in) >= len)
			break;
	}
	tok[0] = '\0';
	if ((t = strstr(b, "token=")) != NULL) {
		n = strcspn(t + 6, "&");
		if (n >= sizeof(tok))
			n = sizeof(tok) - 1;
		memcpy(tok, t + 6, n);
		tok[n] = '\0';
	}
	if (strncmp(in, "GET /.well-known/oauth-authorization-server/", 44)
	    == 0) {
		intro_metadata(c, in + 44);
		return;
	}
	if (strncmp(in, "GET ", 4) == 0) {
		snprintf(out, sizeof(out), "HTTP/1.1 404 Not Found\r\n"
		    "Content-Length: 0\r\nConnection: close\r\n\r\n");
		if (write(c, out, strlen(out)) == -1)
			return;
		return;
	}
	__sync_fetch_and_add(intro_calls, 1);
	b = intro_answer(tok);
	/* "fail...": the provider is in trouble */
	snprintf(out, sizeof(out), "HTTP/1.1 %s\r\nContent-Type: "
	    "application/json\r\nContent-Length: %zu\r\nConnection: close"
	    "\r\n\r\n", strncmp(tok, "fail", 4) == 0 ?
	    "503 Service Unavailable" : strncmp(tok, "bad", 3) == 0 ?
	    "400 Bad Request" : "200 OK", strlen(b));
	if (write(c, out, strlen(out)) == -1 || write(c, b, strlen(b)) == -1)
		return;
}

static void
intro_start(void)
{
	struct sockaddr_in	 sa;
	socklen_t		 len = sizeof(sa);
	int			 s, c;

	intro_calls = mmap(NULL, sizeof(int), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (intro_calls == MAP_FAILED)
		abort();
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(s, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    listen(s, 16) == -1 ||
	    getsockname(s, (struct sockaddr *)&sa, &len) == -1)
		abort();
	intro_port = ntohs(sa.sin_port);
	fflush(stdout);
	if ((intro_pid = fork()) == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);	/* never outlive us */
		signal(SIGPIPE, SIG_IGN);
		for (;;) {
			if ((c = accept(s, NULL, NULL)) == -1)
				continue;
			intro_conn(c);
			close(c);
		}
	}
	close(s);
}

static void
intro_stop(void)
{
	int	 st;

	kill(intro_pid, SIGTERM);
	waitpid(intro_pid, &st, 0);
}

/* A /mcp app with MCP_AUTH=introspect against the fake endpoint. */
static int
intro_app(struct cfg *cfg, void **app, const char *extra1,
    const char *extra2)
{
	static char	 url[128];
	char		*env[12], *cause;
	size_t		 n = 0;

	snprintf(url, sizeof(url), "MCP_INTROSPECTION_URL=http://127.0.0.1:%d"
	    "/introspect", intro_port);
	env[n++] = "MCP_AUTH=introspect";
	env[n++] = "MCP_PUBLIC_URL=https://mcp.example.com";
	env[n++] = url;
	env[n++] = "MCP_OAUTH_CLIENT_ID=rs";
	env[n++] = "MCP_OAUTH_CLIENT_SECRET=rs-secret";
	env[n++] = "MCP_REQUIRED_SCOPES=read";
	if (extra1 != NULL)
		env[n++] = (char *)extra1;
	if (extra2 != NULL)
		env[n++] = (char *)extra2;
	env[n] = NULL;
	if (cfg_load(cfg, PROG_MCP, env, stderr) == -1)
		return -1;
	if (srv_prog_mcp.init(cfg, app, &cause) == -1) {
		cfg_free(cfg);
		return -1;
	}
	return 0;
}

static struct out
with_token(struct mcp_app *app, const struct cfg *cfg, const char *body,
    const char *tok)
{
	char	 h[160];
	char	*extra[] = { h, NULL };

	snprintf(h, sizeof(h), "HTTP_AUTHORIZATION=Bearer %s", tok);
	return run(app, cfg, "POST", body, extra);
}

static const char *const list_body =
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";

/* tools/list with token `tok` answers `want`. */
static void
lists_as(struct mcp_app *app, const struct cfg *cfg, const char *tok,
    int want, const char *msg)
{
	struct out	 o = with_token(app, cfg, list_body, tok);

	is_int(o.status, want, "%s", msg);
	free(o.raw);
}

/* tools/list with token `tok` is refused (401) with `why` in the header. */
static void
refused_for(struct mcp_app *app, const struct cfg *cfg, const char *tok,
    const char *why, const char *msg)
{
	struct out	 o = with_token(app, cfg, list_body, tok);

	is_int(o.status, 401, "%s: 401", msg);
	ok(strstr(o.raw, why) != NULL, "%s: saying why", msg);
	free(o.raw);
}

/* Issue #13: an answer that does not show the token is for us is refused. */
static void
t_introspect_audience(void)
{
	struct cfg	 cfg;
	void		*app;
	struct out	 o;
	int		 before;

	if (intro_app(&cfg, &app, NULL, NULL) == -1) {
		ok(0, "introspect: set-up");
		return;
	}
	lists_as(app, &cfg, "aud-1", 200,
	    "introspect: aud is the resource: 200");
	lists_as(app, &cfg, "audarr-1", 200,
	    "introspect: aud array holding the resource: 200");
	lists_as(app, &cfg, "res-1", 200,
	    "introspect: resource member is the resource: 200");
	lists_as(app, &cfg, "other-1", 401,
	    "introspect: another audience: 401");
	lists_as(app, &cfg, "nulaud-1", 401,
	    "introspect: aud is the resource, a NUL, more: "
	    "another audience: 401");
	o = with_token(app, &cfg, list_body, "noaud-1");
	is_int(o.status, 401, "introspect: an answer without aud: 401");
	ok(strstr(o.raw, "error=\"invalid_token\"") != NULL,
	    "introspect: without aud: invalid_token");
	free(o.raw);
	before = *intro_calls;
	lists_as(app, &cfg, "noaud-1", 401,
	    "introspect: without aud: refused again, never cached as valid");
	is_int(*intro_calls - before, 0, "introspect: a refused token is "
	    "remembered: no second upstream call");

	before = *intro_calls;
	lists_as(app, &cfg, "junk-1", 401, "introspect: inactive: 401");
	lists_as(app, &cfg, "junk-1", 401, "introspect: inactive again: 401");
	is_int(*intro_calls - before, 1, "introspect: a junk token twice "
	    "makes one upstream call");

	/*
	 * A failed call (here a 503) is not made again for AUTH_RETRY_AFTER
	 * (5 s): each new token would hold the worker for the timeout while
	 * the provider is down.  Tokens already checked still pass.
	 */
	/* a 400 about one token pauses nothing for the others */
	lists_as(app, &cfg, "bad-1", 503, "introspect: a 400 for a token: 503");
	lists_as(app, &cfg, "aud-6", 200, "introspect: a new token right "
	    "after a 400: asked, 200");
	before = *intro_calls;
	lists_as(app, &cfg, "fail-1", 503,
	    "introspect: the provider fails: 503");
	lists_as(app, &cfg, "aud-7", 503,
	    "introspect: a new token right after: 503 ...");
	is_int(*intro_calls - before, 1, "introspect: ... without a call");
	lists_as(app, &cfg, "aud-1", 200,
	    "introspect: a token checked before: 200");
	sleep(6);
	lists_as(app, &cfg, "aud-7", 200,
	    "introspect: 6 s later it is asked again: 200");
	is_int(*intro_calls - before, 2, "introspect: ... with one more call");

	o = with_token(app, &cfg, list_body, "expstr-1");
	is_int(o.status, 401, "introspect: exp \"never\": 401, not a token "
	    "that never expires");
	ok(strstr(o.raw, "exp that is not a date") != NULL,
	    "introspect: ... saying why");
	free(o.raw);
	lists_as(app, &cfg, "expfrac-1", 401,
	    "introspect: exp 1000000000.5: expired, 401");
	lists_as(app, &cfg, "expbig-1", 200,
	    "introspect: exp 2^63-1: valid, and no overflow "
	    "adding the leeway (UBSan)");
	lists_as(app, &cfg, "expzero-1", 401,
	    "introspect: exp 0: expired (1970), not a token without end");
	refused_for(app, &cfg, "nbffut-1", "not valid yet",
	    "introspect: nbf in 2100");
	lists_as(app, &cfg, "nbfpast-1", 200, "introspect: nbf in 2001: 200");
	refused_for(app, &cfg, "rt1-1", "refresh or ID token is not an access "
	    "token", "introspect: token_use refresh_token");
	lists_as(app, &cfg, "rt2-1", 401, "introspect: typ Refresh: 401");
	lists_as(app, &cfg, "rt3-1", 401,
	    "introspect: token_type refresh_token: 401");
	lists_as(app, &cfg, "offl-1", 401, "introspect: typ Offline: 401");
	lists_as(app, &cfg, "idt-1", 401, "introspect: typ ID: 401");
	lists_as(app, &cfg, "bearer-1", 200,
	    "introspect: token_type Bearer: 200");
	refused_for(app, &cfg, "dpop-1", "sender-constrained",
	    "introspect: a DPoP-bound token (cnf) presented as Bearer");
	refused_for(app, &cfg, "many-1", "too many scopes",
	    "introspect: 301 distinct scopes");
	lists_as(app, &cfg, "rep-1", 200,
	    "introspect: one scope 2001 times is one scope: 200");
	srv_prog_mcp.fini(app);
	cfg_free(&cfg);
}

/*
 * The introspection endpoint discovered from the issuer's metadata, which
 * must name that issuer (RFC 8414 3.3): a document that names another is
 * another server's, and its endpoint is not asked.
 */
static void
t_introspect_discovered(void)
{
	static const char *const sub[] = { "good", "evil" };
	char		 iss[128], *env[8], *cause;
	struct cfg	 cfg;
	void		*app;
	int		 i, before;

	for (i = 0; i < 2; i++) {
		prov_cache_clear();
		snprintf(iss, sizeof(iss), "MCP_OAUTH_ISSUER=http://127.0.0.1:"
		    "%d/%s", intro_port, sub[i]);
		env[0] = "MCP_AUTH=introspect";
		env[1] = "MCP_PUBLIC_URL=https://mcp.example.com";
		env[2] = iss;
		env[3] = "MCP_OAUTH_CLIENT_ID=rs";
		env[4] = "MCP_OAUTH_CLIENT_SECRET=rs-secret";
		env[5] = NULL;
		if (cfg_load(&cfg, PROG_MCP, env, stderr) == -1 ||
		    srv_prog_mcp.init(&cfg, &app, &cause) == -1) {
			ok(0, "discovered: set-up");
			return;
		}
		before = *intro_calls;
		lists_as(app, &cfg, "aud-1", i == 0 ? 200 : 503, i == 0 ?
		    "discovered: metadata naming the issuer: its endpoint "
		    "is used" : "discovered: metadata naming another issuer: "
		    "not used, 503");
		is_int(*intro_calls - before, i == 0 ? 1 : 0, "discovered: "
		    "%s introspection call", i == 0 ? "one" : "no");
		srv_prog_mcp.fini(app);
		cfg_free(&cfg);
	}
	prov_cache_clear();
}

/* MCP_INTROSPECTION_AUDIENCE=any: the operator's explicit opt-out. */
static void
t_introspect_any(void)
{
	struct cfg	 cfg;
	void		*app;
	struct out	 o;
	char		 logbuf[2048];
	FILE		*tmp;
	size_t		 n;
	int		 saved, before, rc;
	char		*e1[] = { "MCP_AUTH=introspect",
			    "MCP_PUBLIC_URL=http://x", "MCP_OAUTH_CLIENT_ID=a",
			    "MCP_OAUTH_CLIENT_SECRET=b",
			    "MCP_INTROSPECTION_URL=http://p/i",
			    "MCP_INTROSPECTION_AUDIENCE=maybe", NULL };

	ok(cfg_load(&cfg, PROG_MCP, e1, fopen("/dev/null", "w")) == -1,
	    "MCP_INTROSPECTION_AUDIENCE: only required or any");

	/* the start-up warning, on stderr */
	fflush(stderr);
	saved = dup(2);
	tmp = tmpfile();
	dup2(fileno(tmp), 2);
	log_init("t_auth", LOGL_WARN, LOGF_TEXT);
	rc = intro_app(&cfg, &app, "MCP_INTROSPECTION_AUDIENCE=any",
	    "MCP_INTROSPECTION_TTL=1");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	log_init("t_auth", LOGL_ERROR, LOGF_TEXT);
	rewind(tmp);
	n = fread(logbuf, 1, sizeof(logbuf) - 1, tmp);
	logbuf[n] = '\0';
	fclose(tmp);
	if (rc == -1) {
		ok(0, "introspect any: set-up");
		return;
	}
	ok(strstr(logbuf, "MCP_INTROSPECTION_AUDIENCE=any") != NULL &&
	    strstr(logbuf, "another") != NULL, "any: a start-up warning names "
	    "the risk");
	o = with_token(app, &cfg, list_body, "noaud-2");
	is_int(o.status, 200, "any: an answer without aud: 200");
	free(o.raw);
	o = with_token(app, &cfg, list_body, "other-2");
	is_int(o.status, 401, "any: an aud for another resource: still 401");
	free(o.raw);

	/* the negative cache lives MCP_INTROSPECTION_TTL at most */
	before = *intro_calls;
	o = with_token(app, &cfg, list_body, "junk-2");
	free(o.raw);
	o = with_token(app, &cfg, list_body, "junk-2");
	free(o.raw);
	is_int(*intro_calls - before, 1, "junk token twice: one call");
	sleep(2);
	o = with_token(app, &cfg, list_body, "junk-2");
	is_int(o.status, 401, "junk token later: 401");
	free(o.raw);
	is_int(*intro_calls - before, 2, "junk token after the time: asked "
	    "again");
	srv_prog_mcp.fini(app);
	cfg_free(&cfg);
}

/* The tool's scopes, all of them, as its one security alternative. */
static void
one_alternative(struct tool *t)
{
	t->alt_end = xcalloc(1, sizeof(size_t));
	t->alt_end[t->nalts++] = t->nscopes;
}

/* Challenges list every scope an operation needs, never offline_access. */
static void
t_scope_challenges(void)
{
	static char	*renv[] = { "MCP_AUTH=required",
			    "MCP_PUBLIC_URL=https://mcp.example.com",
			    "MCP_REQUIRED_SCOPES=read,offline_access", NULL };
	static char	*menv[] = { "MCP_OAUTH_MODE=proxy",
			    "MCP_AUTH=jwt",
			    "MCP_PUBLIC_URL=https://mcp.example.com",
			    "MCP_OAUTH_ISSUER=https://idp.example",
			    "MCP_REQUIRED_SCOPES=read offline_access", NULL };
	const char	*call = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":"
			    "\"tools/call\",\"params\":{\"name\":\"admin\","
			    "\"arguments\":{}}}";
	struct json_object *t, *o, *v = NULL;
	struct mcp_app	*app;
	struct tool	*tl;
	struct cfg	 cfg;
	struct out	 r;
	char		*cause;

	/* B: the 401 of MCP_AUTH=required */
	if (cfg_load(&cfg, PROG_MCP, renv, stderr) == -1 ||
	    srv_prog_mcp.init(&cfg, (void **)&app, &cause) == -1) {
		ok(0, "scopes: set-up");
		return;
	}
	r = run(app, &cfg, "POST", list_body, NULL);
	ok(strstr(r.raw, "scope=\"read\"\r\n") != NULL, "401: scope=\"read\", "
	    "no offline_access");
	free(r.raw);
	srv_prog_mcp.fini(app);
	cfg_free(&cfg);

	/* B: RFC 9728 scopes_supported */
	if (cfg_load(&cfg, PROG_META, menv, stderr) == -1) {
		ok(0, "scopes: metadata set-up");
		return;
	}
	o = oauth_meta_resource(&cfg);
	ok(json_object_object_get_ex(o, "scopes_supported", &v) &&
	    strcmp(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN),
	    "[\"read\"]") == 0, "9728 scopes_supported without offline_access "
	    "(%s)", json_object_to_json_string(o));
	json_object_put(o);
	cfg_free(&cfg);

	/* C: step-up lists the required scopes and all of the tool's */
	if (intro_app(&cfg, (void **)&app, NULL, NULL) == -1) {
		ok(0, "scopes: introspect set-up");
		return;
	}
	reg_free(app->reg);
	app->reg = reg_new();
	t = json_object_new_object();
	json_object_object_add(t, "name", json_object_new_string("admin"));
	json_object_object_add(t, "inputSchema", json_object_new_object());
	tl = reg_add(app->reg, t, NULL);
	tl->scopes = xcalloc(3, sizeof(char *));
	tl->scopes[tl->nscopes++] = xstrdup("admin");
	tl->scopes[tl->nscopes++] = xstrdup("write");
	tl->scopes[tl->nscopes++] = xstrdup("offline_access");
	one_alternative(tl);
	reg_finish(app->reg);

	r = with_token(app, &cfg, call, "aud-3");
	is_int(r.status, 403, "step-up: token with read only: 403");
	ok(strstr(r.raw, "scope=\"read admin write\", error=\"insufficient_"
	    "scope\"") != NULL, "step-up: every scope of the operation, no "
	    "offline_access");
	free(r.raw);
	r = with_token(app, &cfg, call, "admin-3");
	is_int(r.status, 403, "token without a required scope, calling a "
	    "tool: 403");
	ok(strstr(r.raw, "scope=\"read admin write\", error=\"insufficient_"
	    "scope\"") != NULL, "... names the tool's scopes too, not only the "
	    "required ones");
	free(r.raw);
	r = with_token(app, &cfg, call, "comma-3");
	is_int(r.status, 403, "introspected scope \"read write,admin "
	    "offline_access\": no admin, no write: 403");
	free(r.raw);
	r = with_token(app, &cfg, list_body, "admin-4");
	is_int(r.status, 403, "token without a required scope, tools/list: "
	    "403");
	ok(strstr(r.raw, "scope=\"read\", error=\"insufficient_scope\"") !=
	    NULL, "... names the required scopes");
	free(r.raw);
	srv_prog_mcp.fini(app);
	cfg_free(&cfg);
}

/* --- MCP_LIST_TOOLS_BY_SCOPE, MCP_SCOPE_IMPLIES, MCP_AUDIT_LOG ------- */

static struct json_object *
canned_call(void *ctx, struct tool_call *call)
{
	struct json_object	*r = json_object_new_object();

	call->upstream_status = 200;
	json_object_object_add(r, "content", json_object_new_array());
	return r;
}

/* Five tools: two for anyone, two needing admin, one items:write. */
static int
scoped_app(struct cfg *cfg, struct mcp_app **app, const char *more[])
{
	static const struct {
		const char	*name, *scope;
	} tl[] = {
		{ "a_pub", NULL }, { "b_admin", "admin" },
		{ "c_write", "items:write" }, { "d_pub", NULL },
		{ "e_admin", "admin" },
	};
	static char	 url[128];
	struct json_object *t;
	struct tool	*tool;
	char		*env[16], *cause;
	size_t		 n = 0, i;

	snprintf(url, sizeof(url), "MCP_INTROSPECTION_URL=http://127.0.0.1:%d"
	    "/introspect", intro_port);
	env[n++] = "MCP_AUTH=introspect";
	env[n++] = "MCP_PUBLIC_URL=https://mcp.example.com";
	env[n++] = url;
	env[n++] = "MCP_OAUTH_CLIENT_ID=rs";
	env[n++] = "MCP_OAUTH_CLIENT_SECRET=rs-secret";
	env[n++] = "MCP_REQUIRED_SCOPES=read";
	env[n++] = "MCP_SCOPE_IMPLIES=super=admin,items:write boss=read";
	for (; more != NULL && *more != NULL; more++)
		env[n++] = (char *)*more;
	env[n] = NULL;
	if (cfg_load(cfg, PROG_MCP, env, stderr) == -1)
		return -1;
	if (srv_prog_mcp.init(cfg, (void **)app, &cause) == -1) {
		free(cause);
		cfg_free(cfg);
		return -1;
	}
	reg_free((*app)->reg);
	(*app)->reg = reg_new();
	for (i = 0; i < sizeof(tl) / sizeof(tl[0]); i++) {
		t = json_object_new_object();
		json_object_object_add(t, "name",
		    json_object_new_string(tl[i].name));
		json_object_object_add(t, "inputSchema",
		    json_object_new_object());
		tool = reg_add((*app)->reg, t, NULL);
		if (tl[i].scope != NULL) {
			tool->scopes = xcalloc(1, sizeof(char *));
			tool->scopes[tool->nscopes++] = xstrdup(tl[i].scope);
			one_alternative(tool);
		}
	}
	reg_finish((*app)->reg);
	(*app)->reg->call = canned_call;
	return 0;
}

/* tools/list as `tok`, legacy or 2026-07-28: names and nextCursor. */
static struct out
list_as(struct mcp_app *app, const struct cfg *cfg, const char *tok,
    const char *cursor, int modern, char *names, size_t sz, char *next,
    size_t nextsz)
{
	struct buf		 sinkbuf, body;
	struct http_sink	 sink = { sink_write, sink_flush, &sinkbuf };
	struct json_object	*o = NULL, *res, *arr, *v;
	char			 auth[160], *env[8];
	const char		*p;
	struct req		 rq;
	struct resp		 rs;
	struct out		 r;
	size_t			 n = 0, i;

	buf_init(&body);
	buf_printf(&body, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
	    "\"tools/list\",\"params\":{");
	if (cursor != NULL)
		buf_printf(&body, "\"cursor\":\"%s\"%s", cursor,
		    modern ? "," : "");
	if (modern)
		buf_puts(&body, "\"_meta\":{\"io.modelcontextprotocol/"
		    "protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol"
		    "/clientCapabilities\":{}}");
	buf_puts(&body, "}}");
	snprintf(auth, sizeof(auth), "HTTP_AUTHORIZATION=Bearer %s", tok);
	env[n++] = "CONTENT_TYPE=application/json";
	env[n++] = "HTTP_ACCEPT=application/json, text/event-stream";
	env[n++] = modern ? "HTTP_MCP_PROTOCOL_VERSION=2026-07-28" :
	    "HTTP_MCP_PROTOCOL_VERSION=2025-11-25";
	if (modern)
		env[n++] = "HTTP_MCP_METHOD=tools/list";
	env[n++] = auth;
	env[n] = NULL;
	buf_init(&sinkbuf);
	memset(&rq, 0, sizeof(rq));
	rq.envp = env;
	rq.method = "POST";
	rq.body = body.data;
	rq.body_len = body.len;
	snprintf(rq.id, sizeof(rq.id), "list");
	resp_init(&rs, &sink);
	srv_prog_mcp.handle(app, cfg, &rq, &rs);
	resp_finish(&rs);
	r.status = rs.status;
	r.raw = buf_release(&sinkbuf);
	resp_free(&rs);
	buf_free(&body);
	names[0] = next[0] = '\0';
	if ((p = strstr(r.raw, "\r\n\r\n")) != NULL)
		o = json_tokener_parse(p + 4);
	if (o != NULL && json_object_object_get_ex(o, "result", &res)) {
		if (json_object_object_get_ex(res, "tools", &arr))
			for (i = 0; i < json_object_array_length(arr); i++) {
				v = json_object_array_get_idx(arr, i);
				json_object_object_get_ex(v, "name", &v);
				snprintf(names + strlen(names), sz -
				    strlen(names), "%s%s", i ? " " : "",
				    json_object_get_string(v));
			}
		if (json_object_object_get_ex(res, "nextCursor", &v))
			snprintf(next, nextsz, "%s", json_object_get_string(v));
	}
	json_object_put(o);
	return r;
}

static void
t_tools_by_scope(void)
{
	const char	*on[] = { "MCP_LIST_TOOLS_BY_SCOPE=1",
			    "MCP_PAGE_SIZE=2", NULL, NULL };
	const char	*off[] = { "MCP_AUDIT_LOG=off", NULL };
	const char	*call_admin = "{\"jsonrpc\":\"2.0\",\"id\":2,"
			    "\"method\":\"tools/call\",\"params\":{\"name\":"
			    "\"b_admin\",\"arguments\":{}}}";
	const char	*call_write = "{\"jsonrpc\":\"2.0\",\"id\":2,"
			    "\"method\":\"tools/call\",\"params\":{\"name\":"
			    "\"c_write\",\"arguments\":{}}}";
	char		 names[256], c1[128], c2[128], path[] =
			    "/tmp/t_auth_audit.XXXXXX", logenv[64],
			    lines[8192], *l, *nl;
	struct json_object *rec[8], *v;
	struct mcp_app	*app;
	struct cfg	 cfg;
	struct out	 r;
	size_t		 nrec = 0, i;
	FILE		*fp;
	int		 fd;

	if ((fd = mkstemp(path)) == -1) {
		ok(0, "by scope: temporary file");
		return;
	}
	close(fd);
	snprintf(logenv, sizeof(logenv), "MCP_AUDIT_LOG=%s", path);
	on[2] = logenv;
	if (scoped_app(&cfg, &app, on) == -1) {
		ok(0, "by scope: set-up");
		return;
	}
	r = list_as(app, &cfg, "aud-10", NULL, 0, names, sizeof(names), c1,
	    sizeof(c1));
	is_int(r.status, 200, "by scope: token with read: 200");
	is_str(names, "a_pub d_pub", "by scope: read sees only the tools "
	    "that need nothing more");
	is_str(c1, "", "... on one page: no cursor to a page of hidden tools");
	free(r.raw);

	r = list_as(app, &cfg, "wr-10", NULL, 0, names, sizeof(names), c1,
	    sizeof(c1));
	is_str(names, "a_pub c_write", "by scope: items:write adds its tool");
	free(r.raw);
	r = list_as(app, &cfg, "wr-10", c1, 0, names, sizeof(names), c2,
	    sizeof(c2));
	is_str(names, "d_pub", "... page two");
	is_str(c2, "", "... and no page of admin tools after it");
	free(r.raw);

	r = list_as(app, &cfg, "sup-10", NULL, 0, names, sizeof(names), c1,
	    sizeof(c1));
	is_str(names, "a_pub b_admin", "implied: super counts as admin and "
	    "items:write, page one");
	free(r.raw);
	r = list_as(app, &cfg, "sup-10", c1, 0, names, sizeof(names), c2,
	    sizeof(c2));
	is_str(names, "c_write d_pub", "... page two");
	free(r.raw);
	r = list_as(app, &cfg, "sup-10", c2, 0, names, sizeof(names), c2,
	    sizeof(c2));
	is_str(names, "e_admin", "... page three");
	is_str(c2, "", "... the last");
	free(r.raw);

	/* the cursor of a broader token, presented by a narrower one */
	r = list_as(app, &cfg, "aud-10", c1, 0, names, sizeof(names), c2,
	    sizeof(c2));
	is_int(r.status, 200, "another token's cursor is valid");
	is_str(names, "d_pub", "... and shows only what this token may see "
	    "from there: no hidden tool leaks, none it may see is skipped");
	free(r.raw);

	r = list_as(app, &cfg, "boss-10", NULL, 0, names, sizeof(names), c1,
	    sizeof(c1));
	is_int(r.status, 200, "implied scope satisfies MCP_REQUIRED_SCOPES "
	    "(boss=read)");
	is_str(names, "a_pub d_pub", "... and lists like read");
	free(r.raw);

	r = list_as(app, &cfg, "aud-10", NULL, 1, names, sizeof(names), c1,
	    sizeof(c1));
	is_int(r.status, 200, "2026-07-28 list by scope: 200");
	ok(strstr(r.raw, "\"cacheScope\":\"private\"") != NULL &&
	    strstr(r.raw, "\"public\"") == NULL, "2026-07-28: cacheScope "
	    "private: the list depends on the token");
	free(r.raw);
	r = list_as(app, &cfg, "sup-10", c1, 1, names, sizeof(names), c2,
	    sizeof(c2));
	ok(strstr(r.raw, "\"cacheScope\":\"private\"") != NULL,
	    "... on every page");
	free(r.raw);
	r = list_as(app, &cfg, "aud-10", NULL, 0, names, sizeof(names), c1,
	    sizeof(c1));
	ok(strstr(r.raw, "cacheScope") == NULL && strstr(r.raw, "ttlMs") ==
	    NULL, "2025-11-25: no cache hints");
	free(r.raw);

	r = with_token(app, &cfg, call_admin, "aud-11");
	is_int(r.status, 403, "a hidden tool called: 403, not unknown tool");
	ok(strstr(r.raw, "scope=\"read admin\", error=\"insufficient_scope\"")
	    != NULL, "... the step-up challenge names its scopes");
	free(r.raw);
	r = with_token(app, &cfg, call_admin, "sup-11");
	is_int(r.status, 200, "implied admin calls the admin tool");
	ok(strstr(r.raw, "\"content\":[]") != NULL, "... and it runs");
	free(r.raw);
	r = with_token(app, &cfg, call_write, "wr-11");
	is_int(r.status, 200, "items:write calls its tool");
	free(r.raw);
	r = with_token(app, &cfg, call_write, "admin-11");
	is_int(r.status, 403, "without the required scope: 403 at the gate");
	free(r.raw);
	srv_prog_mcp.fini(app);
	cfg_free(&cfg);

	/* the records: one line each, the token's who, never the token */
	memset(lines, 0, sizeof(lines));
	if ((fp = fopen(path, "r")) != NULL) {
		if (fread(lines, 1, sizeof(lines) - 1, fp) == 0)
			lines[0] = '\0';
		fclose(fp);
	}
	unlink(path);
	for (l = lines; nrec < 8 && (nl = strchr(l, '\n')) != NULL;
	    l = nl + 1) {
		*nl = '\0';
		rec[nrec++] = json_tokener_parse(l);
	}
	is_int(nrec, 4, "four tools/call, four audit records");
	for (i = 0; i < nrec; i++)
		ok(rec[i] != NULL, "record %zu is one JSON object", i);
	if (nrec == 4 && rec[0] && rec[1] && rec[2] && rec[3]) {
		ok(json_object_object_get_ex(rec[0], "outcome", &v) &&
		    strcmp(json_object_get_string(v), "refused") == 0 &&
		    json_object_object_get_ex(rec[0], "error", &v) &&
		    strcmp(json_object_get_string(v), "insufficient_scope") ==
		    0, "hidden tool: refused, insufficient_scope");
		ok(json_object_object_get_ex(rec[1], "sub", &v) &&
		    strcmp(json_object_get_string(v), "root\"}\n{\"x") == 0,
		    "a hostile sub is kept in its string");
		ok(json_object_object_get_ex(rec[2], "sub", &v) &&
		    strcmp(json_object_get_string(v), "alice") == 0 &&
		    json_object_object_get_ex(rec[2], "client_id", &v) &&
		    strcmp(json_object_get_string(v), "app-1") == 0 &&
		    json_object_object_get_ex(rec[2], "tool", &v) &&
		    strcmp(json_object_get_string(v), "c_write") == 0 &&
		    json_object_object_get_ex(rec[2], "upstream_status", &v) &&
		    json_object_get_int(v) == 200 &&
		    json_object_object_get_ex(rec[2], "upstream_auth", &v) &&
		    strcmp(json_object_get_string(v), "none") == 0 &&
		    json_object_object_get_ex(rec[2], "outcome", &v) &&
		    strcmp(json_object_get_string(v), "ok") == 0,
		    "sub, client id, tool, status, mode, outcome of a call");
		ok(json_object_object_get_ex(rec[3], "outcome", &v) &&
		    strcmp(json_object_get_string(v), "refused") == 0 &&
		    json_object_object_get_ex(rec[3], "tool", &v) &&
		    strcmp(json_object_get_string(v), "c_write") == 0,
		    "refused at the gate (required scope): audited too");
	}
	ok(strstr(lines, "wr-11") == NULL && strstr(lines, "sup-11") == NULL &&
	    strstr(lines, "aud-11") == NULL, "no token in the records");
	for (i = 0; i < nrec; i++)
		json_object_put(rec[i]);

	/* off: every tool, public cache hints */
	if (scoped_app(&cfg, &app, off) == -1) {
		ok(0, "by scope off: set-up");
		return;
	}
	r = list_as(app, &cfg, "aud-10", NULL, 1, names, sizeof(names), c1,
	    sizeof(c1));
	is_str(names, "a_pub b_admin c_write d_pub e_admin", "without "
	    "MCP_LIST_TOOLS_BY_SCOPE every tool is listed");
	ok(strstr(r.raw, "\"cacheScope\":\"public\"") != NULL,
	    "... cacheScope public");
	free(r.raw);
	srv_prog_mcp.fini(app);
	cfg_free(&cfg);
}

int
main(void)
{
	log_init("t_auth", LOGL_ERROR, LOGF_TEXT);
	t_bearer();
	t_required();
	t_config();
	intro_start();
	t_introspect_audience();
	t_introspect_discovered();
	t_introspect_any();
	t_scope_challenges();
	t_tools_by_scope();
	intro_stop();
	return done_testing();
}
