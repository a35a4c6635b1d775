/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target: one whole /mcp request through srv_prog_mcp.handle():
 * the Host and Origin guards, CORS, the token check, media types,
 * JSON-RPC parsing, batches, both protocol eras with their header rules,
 * every method, and tools/call with progress and log notifications on an
 * event stream.
 *
 * The tools are those of examples/openapi.json, but the registry's call
 * function is a stub (no libcurl, no network): it validates the arguments
 * against the tool's inputSchema, reports progress and a log line, and
 * returns a fixed result.  Three workers are set up once: MCP_AUTH=none,
 * MCP_AUTH=required and MCP_AUTH=jwt.  The jwt one gets the fixed JWKS of
 * fuzz_keys.h put straight into its cache (auth.c is included for that),
 * so it never fetches anything, and the stub checks that every call it
 * receives carries a token that verifies, with the scopes the tool needs.
 *
 * Input: header lines "Name: value" (LF or CRLF), an empty line, the body.
 * Header names become CGI parameters as a web server passes them
 * (Content-Type -> CONTENT_TYPE, Mcp-Name -> HTTP_MCP_NAME).  Three
 * pseudo-headers set the request itself: ":method: GET" (default POST),
 * ":path: /healthz" (PATH_INFO) and ":auth: none|required|jwt" (the
 * worker; default none).  Without an empty line the whole input is the
 * body, sent with valid Content-Type and Accept headers.
 */
#include "config.h"

#include "../../src/auth.c"
#include "../../src/jsonschema.h"
#include "../../src/mcp.h"
#include "../../src/server.h"
#include "../../src/trace.h"
#include "fuzz.h"
#include "fuzz_keys.h"

#define MAX_HEADERS	24
#define SINK_MAX	(4 * 1024 * 1024)

enum { MODE_NONE, MODE_REQUIRED, MODE_JWT, MODE__MAX };

static struct cfg	 cfgs[MODE__MAX];
static struct mcp_app	*apps[MODE__MAX];
static int		 mode;		/* of the request being fuzzed */
static int		 stub_calls;

static const char *const jwt_algs[] = { "RS256", "PS256", "ES256", "EdDSA",
	NULL };

static int
sink_write(void *ctx, const char *p, size_t n)
{
	struct buf	*b = ctx;

	if (b->len + n > SINK_MAX)
		return -1;	/* the client went away */
	buf_append(b, p, n);
	return 0;
}

static int
sink_flush(void *ctx)
{
	return 0;
}

static int
has_scope(const struct jwt *t, const char *s)
{
	size_t	 i;

	for (i = 0; i < t->nscopes; i++)
		if (strcmp(t->scopes[i], s) == 0)
			return 1;
	return 0;
}

/* Fail closed: with MCP_AUTH=jwt a tool runs only for a token that
 * verifies on its own, with the required scope and the tool's scopes. */
static void
check_caller(const struct tool_call *c)
{
	const char		*h, *why;
	struct jwt		 t;
	struct jwt_policy	 pol;
	size_t			 i;

	if (mode == MODE_NONE)
		return;
	h = c->header(c->ctx, "Authorization");
	FUZZ_ASSERT(h != NULL && util_strncaseeq(h, "bearer ", 7),
	    "a tool ran without a bearer token");
	if (mode != MODE_JWT)
		return;
	FUZZ_ASSERT(jwt_decode(h + 7, strlen(h + 7), &t, &why) == 0,
	    "a tool ran with a token that does not decode");
	memset(&pol, 0, sizeof(pol));
	pol.algs = jwt_algs;
	pol.issuer = FUZZ_ISS;
	pol.audience = FUZZ_AUD;
	pol.leeway = (long)cfgs[MODE_JWT].jwt_leeway;
	pol.now = util_now_unix();
	FUZZ_ASSERT(jwt_verify(&t, &apps[MODE_JWT]->auth->jwks, &pol,
	    &why) == JWT_OK, "a tool ran with a token that does not verify");
	FUZZ_ASSERT(has_scope(&t, "items:read"),
	    "a tool ran without the required scope");
	for (i = 0; i < c->tool->nscopes; i++)
		FUZZ_ASSERT(has_scope(&t, c->tool->scopes[i]),
		    "a tool ran without a scope it needs");
	jwt_free(&t);
}

static struct json_object *
text_result(const char *text, int is_error)
{
	struct json_object	*r = json_object_new_object();
	struct json_object	*content = json_object_new_array();
	struct json_object	*t = json_object_new_object();

	json_object_object_add(t, "type", json_object_new_string("text"));
	json_object_object_add(t, "text", json_object_new_string(text));
	json_object_array_add(content, t);
	json_object_object_add(r, "content", content);
	if (is_error)
		json_object_object_add(r, "isError",
		    json_object_new_boolean(1));
	return r;
}

/*
 * What api_call would send as traceparent and tracestate: valid, and
 * unchanged when parsed again (whatever _meta or the headers held).
 */
static void
check_trace(const struct tool_call *c)
{
	const char	*tp = trace_parent(c->trace), *ts = trace_state(c->trace);
	char		 again[TRACE_STATE_MAX + 1];

	if (tp != NULL)
		FUZZ_ASSERT(strlen(tp) == TRACE_PARENT_LEN &&
		    trace_parse_parent(tp, strlen(tp), again) == 0 &&
		    strcmp(again, tp) == 0 && strncmp(tp, "00-", 3) == 0,
		    "a traceparent to send that is not a valid 00 one");
	if (ts != NULL)
		FUZZ_ASSERT(tp != NULL && strlen(ts) <= TRACE_STATE_MAX &&
		    trace_parse_state(ts, strlen(ts), again, sizeof(again)) ==
		    0 && strcmp(again, ts) == 0,
		    "a tracestate to send that is invalid or alone");
}

/* Stands in for api_call: everything but the HTTP request. */
static struct json_object *
stub_call(void *ctx, struct tool_call *c)
{
	struct json_object	*def, *schema = NULL, *r;
	char			 err[256];

	stub_calls++;
	FUZZ_ASSERT(c->tool != NULL && c->args != NULL &&
	    json_object_is_type(c->args, json_type_object),
	    "a call without a tool or an arguments object");
	check_caller(c);
	check_trace(c);
	if (strcmp(c->tool->name, "failAlways") == 0)
		return NULL;	/* an internal failure */
	/* as api_call does: the stored definition, parsed for the call */
	def = reg_tool_def(c->tool);
	FUZZ_ASSERT(json_object_object_get_ex(def, "inputSchema", &schema),
	    "a tool without inputSchema");
	r = js_validate(schema, schema, c->args, "arguments", err,
	    sizeof(err)) == -1 ? text_result(err, 1) : NULL;
	json_object_put(def);
	if (r != NULL)
		return r;
	c->progress(c->ctx, 0, 0, "GET /stub");
	c->log(c->ctx, MCP_LOG_INFO, "stub: called");
	c->progress(c->ctx, 10, 10, "done");
	c->upstream_status = 200;
	return text_result("{\"ok\":true}", 0);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char	 openapi[4200];
	static char	*env[MODE__MAX][16] = {
		{ openapi, "MCP_PUBLIC_URL=https://mcp.example.com",
		  "MCP_PAGE_SIZE=4", "MCP_INSTRUCTIONS=Fuzz me.",
		  "MCP_API_BASE_URL=http://127.0.0.1:9/api", NULL },
		{ openapi, "MCP_PUBLIC_URL=https://mcp.example.com",
		  "MCP_PAGE_SIZE=4", "MCP_AUTH=required",
		  "MCP_ALLOWED_ORIGINS=https://app.example.com",
		  "MCP_API_BASE_URL=http://127.0.0.1:9/api", NULL },
		{ openapi, "MCP_PUBLIC_URL=https://mcp.example.com",
		  "MCP_PAGE_SIZE=4", "MCP_AUTH=jwt",
		  "MCP_OAUTH_ISSUER=" FUZZ_ISS,
		  "MCP_JWKS_URL=http://127.0.0.1:9/jwks",
		  "MCP_JWT_ALGORITHMS=RS256,PS256,ES256,EdDSA",
		  "MCP_REQUIRED_SCOPES=items:read",
		  "MCP_TOKEN_CACHE_SIZE=0",
		  "MCP_API_BASE_URL=http://127.0.0.1:9/api", NULL },
	};
	struct auth_state	*st;
	char			*cause = NULL;
	int			 m;

	fuzz_quiet("fuzz_mcp_request");
	snprintf(openapi, sizeof(openapi), "MCP_OPENAPI=%s",
	    fuzz_srcfile("examples/openapi.json"));
	for (m = 0; m < MODE__MAX; m++) {
		fuzz_cfg(&cfgs[m], env[m]);
		if (srv_prog_mcp.init(&cfgs[m], (void **)&apps[m],
		    &cause) == -1) {
			fprintf(stderr, "fuzz_mcp_request: %s\n", cause);
			abort();
		}
		apps[m]->reg->call = stub_call;
	}
	/* a JWKS that is never stale and never refetched */
	st = apps[MODE_JWT]->auth;
	if (jwk_set_parse(FUZZ_JWKS, strlen(FUZZ_JWKS), &st->jwks, &cause) ==
	    -1)
		abort();
	st->have_jwks = 1;
	st->jwks_fetched = INT64_MAX / 2;
	st->jwks_tried = INT64_MAX / 2;
	return 0;
}

/* "Mcp-Name" -> "HTTP_MCP_NAME=value", as RFC 3875 §4.1.18 has it. */
static char *
cgi_param(const char *name, size_t nlen, const char *value, size_t vlen)
{
	struct buf	 b;
	size_t		 i;

	buf_init(&b);
	if (!((nlen == 12 && util_strncaseeq(name, "content-type", 12)) ||
	    (nlen == 14 && util_strncaseeq(name, "content-length", 14))))
		buf_puts(&b, "HTTP_");
	for (i = 0; i < nlen; i++)
		buf_putc(&b, name[i] == '-' ? '_' :
		    (name[i] >= 'a' && name[i] <= 'z') ? name[i] - 32 :
		    name[i]);
	buf_putc(&b, '=');
	buf_append(&b, value, vlen);
	return buf_release(&b);
}

/* The response as a client sees it must be well-formed HTTP and JSON. */
static void
check_response(const struct resp *rs, const struct buf *out)
{
	const char		*p = out->data, *end, *body, *cl, *ct;
	struct json_object	*o;
	struct json_tokener	*tok;
	size_t			 blen, i;

	FUZZ_ASSERT(rs->status >= 100 && rs->status <= 599, "bad status");
	if (rs->failed)
		return;
	FUZZ_ASSERT(p != NULL && strncmp(p, "Status: ", 8) == 0,
	    "no status line");
	FUZZ_ASSERT((end = strstr(p, "\r\n\r\n")) != NULL, "no header end");
	for (i = 0; p + i < end; i++)
		FUZZ_ASSERT((p[i] != '\r' || p[i + 1] == '\n') &&
		    (p[i] != '\n' || p[i - 1] == '\r') && p[i] != '\0',
		    "a bare CR, LF or NUL in the response headers");
	body = end + 4;
	blen = out->len - (size_t)(body - p);
	ct = strstr(p, "\r\nContent-Type: ");
	if (rs->streaming) {
		/* events: "event: message\ndata: <json>\n\n" */
		while (blen > 0) {
			FUZZ_ASSERT(blen > 21 && strncmp(body,
			    "event: message\ndata: ", 21) == 0, "bad event");
			body += 21;
			end = strstr(body, "\n\n");
			FUZZ_ASSERT(end != NULL, "unterminated event");
			tok = json_tokener_new();
			o = json_tokener_parse_ex(tok, body, (int)(end - body));
			FUZZ_ASSERT(o != NULL && json_tokener_get_parse_end(tok)
			    == (size_t)(end - body), "an event is not JSON");
			json_object_put(o);
			json_tokener_free(tok);
			blen -= (size_t)(end + 2 - body) + 21;
			body = end + 2;
		}
		return;
	}
	FUZZ_ASSERT((cl = strstr(p, "\r\nContent-Length: ")) == NULL ||
	    cl > end || strtoull(cl + 18, NULL, 10) == blen,
	    "Content-Length does not match the body");
	if (ct != NULL && ct < end && strncmp(ct + 16, "application/json",
	    16) == 0) {
		tok = json_tokener_new();
		o = json_tokener_parse_ex(tok, body, (int)blen);
		FUZZ_ASSERT(o != NULL && json_tokener_get_parse_end(tok) ==
		    blen, "a JSON response body is not JSON");
		json_object_put(o);
		json_tokener_free(tok);
	}
}

/* One header line; pseudo-headers set the request's method, path, mode. */
static void
header_line(const char *line, size_t llen, char **env, size_t *n,
    char *method, size_t msz, char **path_info)
{
	const char	*sep, *v;
	size_t		 vlen;

	if (llen < 2 || (sep = memchr(line + 1, ':', llen - 1)) == NULL)
		return;
	v = sep + 1;
	vlen = llen - (size_t)(v - line);
	while (vlen > 0 && *v == ' ') {
		v++;
		vlen--;
	}
	if (line[0] != ':') {
		if (*n < MAX_HEADERS)
			env[(*n)++] = cgi_param(line, (size_t)(sep - line), v,
			    vlen);
	} else if (sep - line == 7 && memcmp(line, ":method", 7) == 0)
		snprintf(method, msz, "%.*s", (int)vlen, v);
	else if (sep - line == 5 && memcmp(line, ":path", 5) == 0) {
		free(*path_info);
		*path_info = xstrndup(v, vlen);
	} else if (sep - line == 5 && memcmp(line, ":auth", 5) == 0)
		mode = vlen == 3 && memcmp(v, "jwt", 3) == 0 ? MODE_JWT :
		    vlen == 8 && memcmp(v, "required", 8) == 0 ?
		    MODE_REQUIRED : MODE_NONE;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char		 script[] = "/mcp";
	const char		*in = (const char *)data, *e;
	char			*env[MAX_HEADERS + 4], *path_info = NULL;
	char			 method[16] = "POST";
	size_t			 n = 0, i, pos, llen, hend = 0, skip = 0;
	int			 blank = 0;
	struct buf		 out;
	struct http_sink	 sink = { sink_write, sink_flush, &out };
	struct req		 rq;
	struct resp		 rs;

	if (size > 256 * 1024)
		return -1;
	mode = MODE_NONE;
	/* the header block ends at the first empty line */
	for (pos = 0; pos < size; pos = (size_t)(e - in) + 1) {
		if ((e = memchr(in + pos, '\n', size - pos)) == NULL)
			break;
		llen = (size_t)(e - in) - pos;
		if (llen > 0 && in[pos + llen - 1] == '\r')
			llen--;
		if (llen == 0) {
			blank = 1;
			hend = pos;
			skip = (size_t)(e - in) + 1;
			break;
		}
	}
	if (!blank) {
		env[n++] = xstrdup("CONTENT_TYPE=application/json");
		env[n++] = xstrdup("HTTP_ACCEPT=application/json, "
		    "text/event-stream");
	} else
		for (pos = 0; pos < hend; pos = (size_t)(e - in) + 1) {
			e = memchr(in + pos, '\n', hend - pos);
			llen = (size_t)(e - in) - pos;
			if (llen > 0 && in[pos + llen - 1] == '\r')
				llen--;
			header_line(in + pos, llen, env, &n, method,
			    sizeof(method), &path_info);
		}
	if (path_info != NULL) {
		xasprintf(&env[n++], "PATH_INFO=%s", path_info);
		free(path_info);
	}
	env[n] = NULL;

	memset(&rq, 0, sizeof(rq));
	rq.envp = env;
	rq.method = method;
	rq.path = script;
	rq.body = xmalloc(size - skip + 1);	/* as server.c reads it */
	memcpy(rq.body, in + skip, size - skip);
	rq.body[size - skip] = '\0';
	rq.body_len = size - skip;
	snprintf(rq.id, sizeof(rq.id), "fuzz");
	buf_init(&out);
	resp_init(&rs, &sink);
	stub_calls = 0;
	srv_prog_mcp.handle(apps[mode], &cfgs[mode], &rq, &rs);
	resp_finish(&rs);
	if (fuzz_verbose())
		fprintf(stderr, "mode %d, %d tool calls\n%s\n", mode,
		    stub_calls, out.data ? out.data : "");
	check_response(&rs, &out);
	resp_free(&rs);
	buf_free(&out);
	free(rq.body);
	for (i = 0; i < n; i++)
		free(env[i]);
	return 0;
}
