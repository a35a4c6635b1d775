/*
 * Unit tests: bearer token parsing, MCP_AUTH=required through the /mcp
 * handler, RFC 6750/9728 challenges, CORS preflight, per-tool step-up.
 * (JWT verification: t_jwt.c; JWKS and introspection against a real
 * provider: tests/integration/t_auth_http.sh.)
 */
#include "config.h"

#include <stdlib.h>

#include "../../src/auth.h"
#include "../../src/log.h"
#include "../../src/mcp.h"
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
	mcp_handle(app, cfg, &rq, &rs);
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
			    "HTTP_ACCESS_CONTROL_REQUEST_METHOD=POST", NULL };
	const char	*ping = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
	struct cfg	 cfg;
	void		*app;
	char		*cause;
	struct out	 o;

	if (cfg_load(&cfg, PROG_MCP, env, stderr) == -1 ||
	    mcp_init(&cfg, &app, &cause) == -1) {
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
	ok(strstr(o.raw, "Access-Control-Expose-Headers: WWW-Authenticate, "
	    "Mcp-Protocol-Version\r\n") != NULL, "WWW-Authenticate exposed");
	free(o.raw);
	o = run(app, &cfg, "GET", NULL, NULL);
	is_int(o.status, 401, "GET without a token: 401 first (mcp-remote "
	    "probes with GET before it signs in)");
	free(o.raw);
	o = run(app, &cfg, "GET", NULL, tok);
	is_int(o.status, 405, "GET with a token: 405");
	free(o.raw);
	mcp_fini(app);
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
	char		 err[1024];
	struct cfg	 c;
	FILE		*fp;

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
#undef LOAD
}

int
main(void)
{
	log_init("t_auth", LOG_ERROR, LOGF_TEXT);
	t_bearer();
	t_required();
	t_config();
	return done_testing();
}
