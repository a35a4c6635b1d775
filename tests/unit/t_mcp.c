/* SPDX-License-Identifier: ISC */
/*
 * Unit tests: the /mcp handler end to end in memory: HTTP rules, era and
 * version decisions, header checks, methods, cursors and event streams.
 * A registry of three test tools stands in for the OpenAPI provider.
 */
#include "config.h"

#include <stdlib.h>

#include "../../src/mcp.h"
#include "../../src/server.h"
#include "tap.h"

static struct cfg	 cfg;
static struct mcp_app	*app;
static int		 calls;	/* test_call invocations */

static int
sink_write(void *ctx, const char *p, size_t n)
{
	buf_append(ctx, p, n);
	return 0;
}

static int
sink_flush(void *ctx)
{
	buf_puts(ctx, "<flush>");
	return 0;
}

/* A tool that reports progress and a log line, then echoes its args. */
static struct json_object *
test_call(void *ctx, struct tool_call *c)
{
	struct json_object	*r = json_object_new_object();
	struct json_object	*content = json_object_new_array();
	struct json_object	*text = json_object_new_object();
	const char		*auth = c->header(c->ctx, "Authorization");

	calls++;
	c->log(c->ctx, MCP_LOG_INFO, "working");
	c->progress(c->ctx, 1, 2, NULL);
	c->progress(c->ctx, 1, 2, NULL);	/* not increasing: dropped */
	c->progress(c->ctx, 2, 2, "done");
	json_object_object_add(text, "type", json_object_new_string("text"));
	json_object_object_add(text, "text", json_object_new_string(
	    auth ? auth : json_object_to_json_string(c->args)));
	json_object_array_add(content, text);
	json_object_object_add(r, "content", content);
	return r;
}

static void
setup(void)
{
	static char	*env[] = { "MCP_PAGE_SIZE=2",
	    "MCP_PUBLIC_URL=https://mcp.example.com", NULL };
	const char	*names[] = { "gamma", "alpha", "beta" };
	char		*cause;
	size_t		 i;
	struct json_object *t;

	if (cfg_load(&cfg, PROG_MCP, env, stderr) == -1 ||
	    srv_prog_mcp.init(&cfg, (void **)&app, &cause) == -1)
		abort();
	reg_free(app->reg);
	app->reg = reg_new();
	for (i = 0; i < 3; i++) {
		t = json_object_new_object();
		json_object_object_add(t, "name",
		    json_object_new_string(names[i]));
		json_object_object_add(t, "title", json_object_new_string("T"));
		json_object_object_add(t, "inputSchema", json_object_new_object());
		reg_add(app->reg, t, NULL);
	}
	app->reg->call = test_call;
	reg_finish(app->reg);
}

struct out {
	int			 status;
	char			*raw;
	struct json_object	*json;	/* body parsed, when JSON */
};

static void
out_free(struct out *o)
{
	free(o->raw);
	json_object_put(o->json);
}

/*
 * Run one request: `hdrs` are extra CGI parameters ("HTTP_X=v", ...);
 * Content-Type and Accept default to the right values unless given.
 */
static struct out
run(const char *method, const char *body, const char *const *hdrs)
{
	struct buf		 sinkbuf;
	struct http_sink	 sink = { sink_write, sink_flush, &sinkbuf };
	char			*env[32];
	struct req		 rq;
	struct resp		 rs;
	struct out		 o;
	size_t			 n = 0, i;
	int			 has_ct = 0, has_acc = 0;
	const char		*p;

	buf_init(&sinkbuf);
	for (i = 0; hdrs != NULL && hdrs[i] != NULL; i++) {
		has_ct |= strncmp(hdrs[i], "CONTENT_TYPE=", 13) == 0;
		has_acc |= strncmp(hdrs[i], "HTTP_ACCEPT=", 12) == 0;
		env[n++] = (char *)hdrs[i];
	}
	if (!has_ct)
		env[n++] = "CONTENT_TYPE=application/json";
	if (!has_acc)
		env[n++] = "HTTP_ACCEPT=application/json, text/event-stream";
	env[n] = NULL;
	memset(&rq, 0, sizeof(rq));
	rq.envp = env;
	req_index(&rq);		/* as the server does */
	rq.method = method;
	rq.body = (char *)body;
	rq.body_len = body ? strlen(body) : 0;
	resp_init(&rs, &sink);
	srv_prog_mcp.handle(app, &cfg, &rq, &rs);
	resp_finish(&rs);
	memset(&o, 0, sizeof(o));
	o.status = rs.status;
	o.raw = buf_release(&sinkbuf);
	if ((p = strstr(o.raw, "\r\n\r\n")) != NULL && (p[4] == '{' || p[4] == '['))
		o.json = json_tokener_parse(p + 4);
	resp_free(&rs);
	return o;
}

static int
count(const char *hay, const char *needle)
{
	int	 n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

static long long
err_code(struct out *o)
{
	struct json_object	*e, *c;

	if (o->json == NULL || !json_object_object_get_ex(o->json, "error", &e) ||
	    !json_object_object_get_ex(e, "code", &c))
		return 0;
	return json_object_get_int64(c);
}

static const char *
get_path(struct json_object *o, const char *p1, const char *p2)
{
	struct json_object	*a, *b;

	if (o == NULL || !json_object_object_get_ex(o, p1, &a))
		return NULL;
	if (p2 == NULL)
		return json_object_get_string(a);
	if (!json_object_object_get_ex(a, p2, &b))
		return NULL;
	return json_object_get_string(b);
}

#define MODERN_META "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":" \
	"\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{}}"

static void
t_http_rules(void)
{
	const char	*bad_host[] = { "HTTP_HOST=evil.example", NULL };
	const char	*bad_origin[] = { "HTTP_ORIGIN=http://evil.example", NULL };
	const char	*good[] = { "HTTP_HOST=mcp.example.com",
	    "HTTP_ORIGIN=https://mcp.example.com", NULL };
	const char	*text[] = { "CONTENT_TYPE=text/plain", NULL };
	const char	*ct_charset[] = {
	    "CONTENT_TYPE=application/json; charset=utf-8", NULL };
	const char	*acc_json[] = { "HTTP_ACCEPT=application/json", NULL };
	const char	*acc_star[] = { "HTTP_ACCEPT=*/*", NULL };
	const char	*acc_q0[] = { "HTTP_ACCEPT=application/json, "
	    "text/event-stream;q=0", NULL };
	const char	*ping = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
	struct out	 o;

	o = run("POST", ping, bad_host);
	is_int(o.status, 403, "Host not allowed: 403");
	out_free(&o);
	o = run("POST", ping, bad_origin);
	is_int(o.status, 403, "Origin not allowed: 403");
	out_free(&o);
	o = run("POST", ping, good);
	is_int(o.status, 200, "public host and origin: 200");
	out_free(&o);
	o = run("GET", NULL, NULL);
	is_int(o.status, 405, "GET: 405");
	ok(strstr(o.raw, "Allow: POST\r\n") != NULL, "405 carries Allow: POST");
	out_free(&o);
	o = run("DELETE", NULL, NULL);
	is_int(o.status, 405, "DELETE: 405");
	out_free(&o);
	o = run("POST", ping, text);
	is_int(o.status, 415, "text/plain body: 415");
	out_free(&o);
	o = run("POST", ping, ct_charset);
	is_int(o.status, 200, "application/json; charset=utf-8 accepted");
	out_free(&o);
	o = run("POST", ping, acc_json);
	is_int(o.status, 406, "Accept without text/event-stream: 406");
	out_free(&o);
	o = run("POST", ping, acc_star);
	is_int(o.status, 200, "Accept */* admits both");
	out_free(&o);
	o = run("POST", ping, acc_q0);
	is_int(o.status, 406, "q=0 excludes a type");
	out_free(&o);
	o = run("POST", "{\"jsonrpc\":", NULL);
	is_int(o.status, 400, "truncated JSON: 400");
	is_int(err_code(&o), -32700, "parse error -32700");
	ok(strstr(o.raw, "\"id\":null") != NULL, "parse error has id null");
	out_free(&o);
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"method\":7}", NULL);
	is_int(o.status, 400, "invalid request: 400");
	is_int(err_code(&o), -32600, "invalid request -32600");
	ok(strstr(o.raw, "\"id\":\"x\"") != NULL, "readable id echoed");
	out_free(&o);
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"method\":"
	    "\"notifications/initialized\"}", NULL);
	is_int(o.status, 202, "notification: 202");
	ok(strstr(o.raw, "Content-Length: 0\r\n") != NULL, "202 has no body");
	out_free(&o);
	calls = 0;
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"method\":\"tools/call\","
	    "\"params\":{\"name\":\"alpha\"}}", NULL);
	is_int(o.status, 202, "tools/call without an id: 202");
	is_int(calls, 0, "and the tool is not called");
	out_free(&o);
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{}}", NULL);
	is_int(o.status, 202, "client response: 202");
	out_free(&o);
}

static void
t_legacy(void)
{
	const char	*v0618[] = { "HTTP_MCP_PROTOCOL_VERSION=2025-06-18", NULL };
	const char	*vbad[] = { "HTTP_MCP_PROTOCOL_VERSION=1999-01-01", NULL };
	const char	*v1125[] = { "HTTP_MCP_PROTOCOL_VERSION=2025-11-25", NULL };
	struct out	 o;
	struct buf	 b;

	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
	    "\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
	    "\"clientInfo\":{\"name\":\"c\",\"version\":\"1\"}}}", NULL);
	is_int(o.status, 200, "initialize: 200");
	is_str(get_path(o.json, "result", "protocolVersion"), "2025-06-18",
	    "supported version echoed");
	ok(strstr(o.raw, "\"serverInfo\":{\"name\":\"fcgi-mcp\"") != NULL,
	    "serverInfo");
	ok(strstr(o.raw, "Mcp-Session-Id") == NULL, "no session id minted");
	out_free(&o);
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
	    "\"params\":{\"protocolVersion\":\"2099-01-01\",\"capabilities\":{}}}",
	    NULL);
	is_str(get_path(o.json, "result", "protocolVersion"), "2025-11-25",
	    "unknown version: newest legacy offered");
	out_free(&o);
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
	    "\"params\":{\"protocolVersion\":\"2026-07-28\",\"capabilities\":{}}}",
	    NULL);
	is_str(get_path(o.json, "result", "protocolVersion"), "2025-11-25",
	    "initialize never selects the modern era");
	out_free(&o);
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
	    "\"params\":{}}", NULL);
	is_int(err_code(&o), -32602, "initialize without protocolVersion");
	out_free(&o);
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":\"p\",\"method\":\"ping\"}",
	    v0618);
	is_str(json_object_to_json_string_ext(o.json, JSON_C_TO_STRING_PLAIN),
	    "{\"jsonrpc\":\"2.0\",\"id\":\"p\",\"result\":{}}", "ping: {}");
	out_free(&o);
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", vbad);
	is_int(o.status, 400, "unsupported header version: 400");
	is_int(err_code(&o), -32022, "-32022");
	ok(strstr(o.raw, "\"supported\":[\"2026-07-28\",\"2025-11-25\"") != NULL,
	    "supported versions listed");
	out_free(&o);
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"nope\"}", v1125);
	is_int(o.status, 200, "legacy unknown method: HTTP 200");
	is_int(err_code(&o), -32601, "-32601");
	out_free(&o);
	/* the message names the method cut at 64 bytes, inside the é */
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\""
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "\\u00e9\"}", v1125);
	buf_init(&b);
	ok(err_code(&o) == -32601 && o.raw != NULL &&
	    util_utf8_repair(o.raw, strlen(o.raw), &b) == 0, "an error message "
	    "cut inside a character is still UTF-8");
	buf_free(&b);
	out_free(&o);
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
	    "\"logging/setLevel\",\"params\":{\"level\":\"debug\"}}", v1125);
	ok(o.json != NULL && strstr(o.raw, "\"result\":{}") != NULL,
	    "logging/setLevel debug");
	out_free(&o);
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
	    "\"logging/setLevel\",\"params\":{\"level\":\"loud\"}}", v1125);
	is_int(err_code(&o), -32602, "bad level: -32602");
	out_free(&o);
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}",
	    v1125);
	ok(strstr(o.raw, "\"ttlMs\"") == NULL && strstr(o.raw,
	    "resultType") == NULL, "legacy list has no modern fields");
	ok(strstr(o.raw, "\"title\":\"T\"") != NULL, "2025-11-25 keeps title");
	out_free(&o);
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}",
	    NULL);
	ok(strstr(o.raw, "\"title\"") == NULL,
	    "no header means 2025-03-26: no title field");
	out_free(&o);
}

static void
t_batch(void)
{
	const char	*v1125[] = { "HTTP_MCP_PROTOCOL_VERSION=2025-11-25", NULL };
	struct out	 o;

	o = run("POST", "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},"
	    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"},"
	    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}]", NULL);
	is_int(o.status, 200, "2025-03-26 batch: 200");
	ok(o.json != NULL && json_object_is_type(o.json, json_type_array) &&
	    json_object_array_length(o.json) == 2, "two responses for two "
	    "requests");
	out_free(&o);
	o = run("POST", "[{\"jsonrpc\":\"2.0\",\"method\":\"n\"}]", NULL);
	is_int(o.status, 202, "batch of notifications: 202");
	out_free(&o);
	/* a notification's method asked as a request: no such method (it
	 * crashed the worker: its handler answers nothing) */
	o = run("POST", "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
	    "\"notifications/cancelled\"},{\"jsonrpc\":\"2.0\",\"id\":2,"
	    "\"method\":\"ping\"}]", NULL);
	is_int(o.status, 200, "notifications/cancelled with an id in a batch: "
	    "200");
	ok(o.raw != NULL && strstr(o.raw, "{\"jsonrpc\":\"2.0\",\"id\":1,"
	    "\"error\":{\"code\":-32601,") != NULL && strstr(o.raw,
	    "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}}") != NULL,
	    "... -32601 for it, the ping answered");
	out_free(&o);
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
	    "\"notifications/initialized\"}", v1125);
	is_int(o.status, 200, "notifications/initialized with an id: 200");
	is_int(err_code(&o), -32601, "... -32601, no crash");
	out_free(&o);
	o = run("POST", "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]",
	    v1125);
	is_int(o.status, 400, "batch in 2025-11-25: 400");
	is_int(err_code(&o), -32600, "batch refused -32600");
	out_free(&o);
	o = run("POST", "[]", NULL);
	is_int(err_code(&o), -32600, "empty batch -32600");
	out_free(&o);
	o = run("POST", "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
	    "\"params\":{\"protocolVersion\":\"2025-03-26\"}}]", NULL);
	ok(strstr(o.raw, "-32600") != NULL, "initialize in a batch refused");
	out_free(&o);
}

static void
t_modern(void)
{
	const char	*h_ok[] = { "HTTP_MCP_PROTOCOL_VERSION=2026-07-28",
	    "HTTP_MCP_METHOD=server/discover", NULL };
	const char	*h_list[] = { "HTTP_MCP_PROTOCOL_VERSION=2026-07-28",
	    "HTTP_MCP_METHOD=tools/list", NULL };
	const char	*h_nover[] = { "HTTP_MCP_METHOD=tools/list", NULL };
	const char	*h_nomethod[] = { "HTTP_MCP_PROTOCOL_VERSION=2026-07-28",
	    NULL };
	const char	*h_wrongm[] = { "HTTP_MCP_PROTOCOL_VERSION=2026-07-28",
	    "HTTP_MCP_METHOD=TOOLS/LIST", NULL };
	const char	*h_other[] = { "HTTP_MCP_PROTOCOL_VERSION=2025-11-25",
	    "HTTP_MCP_METHOD=tools/list", NULL };
	const char	*h_call[] = { "HTTP_MCP_PROTOCOL_VERSION=2026-07-28",
	    "HTTP_MCP_METHOD=tools/call", "HTTP_MCP_NAME=alpha",
	    "HTTP_AUTHORIZATION=Bearer tok", NULL };
	const char	*h_call64[] = { "HTTP_MCP_PROTOCOL_VERSION=2026-07-28",
	    "HTTP_MCP_METHOD=tools/call", "HTTP_MCP_NAME==?base64?YWxwaGE=?=",
	    NULL };
	const char	*h_method64[] = { "HTTP_MCP_PROTOCOL_VERSION=2026-07-28",
	    "HTTP_MCP_METHOD==?base64?dG9vbHMvY2FsbA==?=", "HTTP_MCP_NAME=alpha",
	    NULL };
	const char	*h_callbad[] = { "HTTP_MCP_PROTOCOL_VERSION=2026-07-28",
	    "HTTP_MCP_METHOD=tools/call", "HTTP_MCP_NAME=beta", NULL };
	const char	*h_ping[] = { "HTTP_MCP_PROTOCOL_VERSION=2026-07-28",
	    "HTTP_MCP_METHOD=ping", NULL };
	const char	*h_init[] = { "HTTP_MCP_PROTOCOL_VERSION=2026-07-28",
	    "HTTP_MCP_METHOD=notifications/initialized", NULL };
	const char	*h_old[] = { "HTTP_MCP_PROTOCOL_VERSION=1900-01-01",
	    "HTTP_MCP_METHOD=tools/list", NULL };
	/* MCP_Protocol_Version then MCP-Protocol-Version: one CGI name */
	const char	*h_twice[] = { "HTTP_MCP_PROTOCOL_VERSION=2025-06-18",
	    "HTTP_MCP_PROTOCOL_VERSION=2026-07-28",
	    "HTTP_MCP_METHOD=tools/list", NULL };
	const char	*h_twice03[] = { "HTTP_MCP_PROTOCOL_VERSION=2025-03-26",
	    "HTTP_MCP_PROTOCOL_VERSION=2026-07-28", NULL };
	struct out	 o;

	/* a gateway may read the one we would not: refused, whatever the
	 * body is (a legacy body under a modern header skipped the mirror
	 * headers' rules) */
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
	    "\"tools/list\"}", h_twice);
	is_int(o.status, 400, "MCP-Protocol-Version sent twice: 400");
	ok(o.raw != NULL && strstr(o.raw, "more than once") != NULL,
	    "... saying so (%s)", o.raw ? o.raw : "");
	ok(o.raw != NULL && strstr(o.raw, "\"id\":1,") != NULL &&
	    strstr(o.raw, "\"code\":-32600") != NULL, "... a legacy "
	    "request's -32600, its id echoed (%s)", o.raw ? o.raw : "");
	out_free(&o);
	/* a batch: refused whole (a notification in it gets no answer) */
	o = run("POST", "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
	    "\"ping\"},{\"jsonrpc\":\"2.0\",\"method\":"
	    "\"notifications/initialized\"}]", h_twice03);
	ok(o.status == 400 && o.raw != NULL &&
	    strstr(o.raw, "more than once") != NULL &&
	    strstr(o.raw, "[{") == NULL, "... a batch: 400, refused whole, "
	    "no answer per message (%s)", o.raw ? o.raw : "");
	out_free(&o);
	/* a modern one's header rules are broken: -32020, as a mismatch */
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":"
	    "\"tools/list\",\"params\":{" MODERN_META "}}", h_twice);
	ok(o.status == 400 && o.raw != NULL &&
	    strstr(o.raw, "\"id\":7,") != NULL &&
	    strstr(o.raw, "\"code\":-32020") != NULL, "... a modern "
	    "request's -32020, its id echoed (%s)", o.raw ? o.raw : "");
	out_free(&o);

	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
	    "\"server/discover\",\"params\":{" MODERN_META "}}", h_ok);
	is_int(o.status, 200, "server/discover: 200");
	is_str(get_path(o.json, "result", "resultType"), "complete",
	    "resultType complete");
	ok(strstr(o.raw, "\"supportedVersions\":[\"2026-07-28\",\"2025-11-25\","
	    "\"2025-06-18\",\"2025-03-26\",\"2024-11-05\"]") != NULL,
	    "supportedVersions");
	ok(strstr(o.raw, "\"ttlMs\":300000,\"cacheScope\":\"public\"") != NULL,
	    "discover carries cache hints");
	ok(strstr(o.raw, "\"io.modelcontextprotocol/serverInfo\":{") != NULL,
	    "serverInfo in _meta");
	out_free(&o);
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\","
	    "\"params\":{" MODERN_META "}}", h_nover);
	is_int(o.status, 400, "missing MCP-Protocol-Version: 400");
	is_int(err_code(&o), -32020, "HeaderMismatch");
	out_free(&o);
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\","
	    "\"params\":{" MODERN_META "}}", h_nomethod);
	is_int(err_code(&o), -32020, "missing Mcp-Method: -32020");
	out_free(&o);
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\","
	    "\"params\":{" MODERN_META "}}", h_wrongm);
	is_int(err_code(&o), -32020, "Mcp-Method compared case-sensitively");
	out_free(&o);
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\","
	    "\"params\":{" MODERN_META "}}", h_other);
	is_int(o.status, 400, "header version differs from _meta: 400");
	is_int(err_code(&o), -32020, "-32020");
	out_free(&o);
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\","
	    "\"params\":{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":"
	    "\"1900-01-01\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}",
	    h_old);
	is_int(o.status, 400, "unsupported modern version: 400");
	is_int(err_code(&o), -32022, "-32022");
	ok(strstr(o.raw, "\"requested\":\"1900-01-01\"") != NULL,
	    "requested version echoed");
	out_free(&o);
	/* the version is judged before the rest of _meta */
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\","
	    "\"params\":{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":"
	    "\"1900-01-01\",\"io.modelcontextprotocol/clientInfo\":7}}}", h_old);
	is_int(o.status, 400, "unsupported version, no capabilities: 400");
	is_int(err_code(&o), -32022, "-32022 before the _meta field checks");
	out_free(&o);
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\","
	    "\"params\":{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":"
	    "\"2026-07-28\"}}}", h_list);
	is_int(o.status, 400, "missing clientCapabilities: 400");
	is_int(err_code(&o), -32602, "-32602");
	out_free(&o);
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\","
	    "\"params\":{" MODERN_META "}}", h_ping);
	is_int(o.status, 404, "modern ping (removed): 404");
	is_int(err_code(&o), -32601, "-32601");
	out_free(&o);
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
	    "\"notifications/initialized\",\"params\":{" MODERN_META "}}",
	    h_init);
	is_int(o.status, 404, "modern notifications/initialized with an id: "
	    "404");
	is_int(err_code(&o), -32601, "-32601");
	out_free(&o);
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
	    "\"params\":{\"name\":\"alpha\",\"arguments\":{\"x\":1}," MODERN_META
	    "}}", h_call);
	is_int(o.status, 200, "modern tools/call: 200");
	ok(strstr(o.raw, "Bearer tok") != NULL, "tool sees forwarded header");
	ok(strstr(o.raw, "\"resultType\":\"complete\"") != NULL,
	    "call result has resultType");
	ok(strstr(o.raw, "text/event-stream") == NULL,
	    "no progress token, no log level: plain JSON");
	out_free(&o);
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
	    "\"params\":{\"name\":\"alpha\"," MODERN_META "}}", h_call64);
	is_int(o.status, 200, "base64 sentinel Mcp-Name decoded");
	out_free(&o);
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
	    "\"params\":{\"name\":\"alpha\"," MODERN_META "}}", h_method64);
	is_int(o.status, 400, "Mcp-Method in base64 (only Mcp-Name may be): "
	    "400");
	is_int(err_code(&o), -32020, "... -32020, the tool not called");
	out_free(&o);
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
	    "\"params\":{\"name\":\"alpha\"," MODERN_META "}}", h_callbad);
	is_int(err_code(&o), -32020, "Mcp-Name mismatch: -32020");
	out_free(&o);
}

static void
t_tools(void)
{
	const char	*v[] = { "HTTP_MCP_PROTOCOL_VERSION=2025-11-25", NULL };
	struct out	 o;
	const char	*cursor;
	char		 body[512];

	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}",
	    v);
	ok(strstr(o.raw, "\"name\":\"alpha\"") != NULL && strstr(o.raw,
	    "\"name\":\"beta\"") != NULL && strstr(o.raw, "gamma") == NULL,
	    "first page: alpha, beta in name order");
	cursor = get_path(o.json, "result", "nextCursor");
	ok(cursor != NULL, "nextCursor on a partial page");
	snprintf(body, sizeof(body), "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":"
	    "\"tools/list\",\"params\":{\"cursor\":\"%s\"}}", cursor ? cursor : "");
	out_free(&o);
	o = run("POST", body, v);
	ok(strstr(o.raw, "\"name\":\"gamma\"") != NULL &&
	    strstr(o.raw, "nextCursor") == NULL, "second page: gamma, last");
	out_free(&o);
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\","
	    "\"params\":{\"cursor\":\"djE6MjpkZWFkYmVlZg\"}}", v);
	is_int(err_code(&o), -32602, "cursor of another tool set: -32602");
	out_free(&o);
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\","
	    "\"params\":{\"cursor\":\"!!\"}}", v);
	is_int(err_code(&o), -32602, "garbage cursor: -32602");
	out_free(&o);
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\","
	    "\"params\":{\"cursor\":5}}", v);
	is_int(err_code(&o), -32602, "numeric cursor: -32602");
	out_free(&o);
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
	    "\"params\":{\"name\":\"nope\"}}", v);
	is_int(err_code(&o), -32602, "unknown tool: -32602");
	out_free(&o);
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
	    "\"params\":{\"name\":\"alpha\",\"arguments\":[]}}", v);
	is_int(err_code(&o), -32602, "array arguments: -32602");
	out_free(&o);
	/* progress: an event stream with increasing progress, then the result */
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\","
	    "\"params\":{\"name\":\"beta\",\"_meta\":{\"progressToken\":\"pt\"}}}",
	    v);
	ok(strstr(o.raw, "Content-Type: text/event-stream\r\n") != NULL &&
	    strstr(o.raw, "X-Accel-Buffering: no\r\n") != NULL,
	    "progress token: event stream");
	ok(strstr(o.raw, "data: {\"jsonrpc\":\"2.0\",\"method\":"
	    "\"notifications/progress\",\"params\":{\"progressToken\":\"pt\","
	    "\"progress\":1") != NULL, "first progress event");
	ok(strstr(o.raw, "\"progress\":2") != NULL &&
	    count(o.raw, "notifications/progress") == 2,
	    "non-increasing progress dropped");
	ok(strstr(o.raw, "data: {\"jsonrpc\":\"2.0\",\"id\":9,\"result\"") !=
	    NULL, "result is the last event");
	ok(strstr(o.raw, "notifications/message") == NULL,
	    "no log events unless asked");
	ok(strstr(o.raw, "Content-Length") == NULL, "stream has no length");
	out_free(&o);
}

static void
t_modern_log(void)
{
	const char	*h[] = { "HTTP_MCP_PROTOCOL_VERSION=2026-07-28",
	    "HTTP_MCP_METHOD=tools/call", "HTTP_MCP_NAME=gamma", NULL };
	struct out	 o;

	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
	    "\"params\":{\"name\":\"gamma\",\"_meta\":{"
	    "\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
	    "\"io.modelcontextprotocol/clientCapabilities\":{},"
	    "\"io.modelcontextprotocol/logLevel\":\"info\"}}}", h);
	ok(strstr(o.raw, "\"method\":\"notifications/message\",\"params\":{"
	    "\"level\":\"info\"") != NULL, "logLevel info: info message sent");
	ok(strstr(o.raw, "calling tool gamma") == NULL, "debug below level");
	out_free(&o);
	o = run("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
	    "\"params\":{\"name\":\"gamma\",\"_meta\":{"
	    "\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
	    "\"io.modelcontextprotocol/clientCapabilities\":{},"
	    "\"io.modelcontextprotocol/logLevel\":\"shout\"}}}", h);
	is_int(err_code(&o), -32602, "invalid logLevel: -32602");
	out_free(&o);
}

static void
t_helpers(void)
{
	char	*s;

	ok(mcp_header_decode("=?base64?w6k=?=", &s) == 0 &&
	    strcmp(s, "\xc3\xa9") == 0, "sentinel decodes UTF-8");
	free(s);
	ok(mcp_header_decode("caf\xc3\xa9", &s) == -1, "raw non-ASCII refused");
	ok(mcp_header_decode("=?base64?***?=", &s) == -1, "bad base64 refused");
	/* the empty string, as a client may encode it (SEP-2243); split
	 * so that no "??=" trigraph is written */
	ok(mcp_header_decode("=?base64?" "?=", &s) == 0 && s != NULL &&
	    strcmp(s, "") == 0, "=?base64?" "?= decodes to the empty string");
	free(s);
	ok(mcp_accepts(NULL, "text/event-stream"), "no Accept: anything");
	ok(mcp_accepts("application/*", "application/json"), "type wildcard");
	ok(!mcp_accepts("application/jsonx", "application/json"), "exact only");
	ok(mcp_accepts("text/html, application/json;q=0.5", "application/json"),
	    "q>0 accepted");
	/* RFC 9110 12.5.1: the most specific range decides, wherever it is */
	ok(!mcp_accepts("application/json;q=0, text/event-stream, */*",
	    "application/json"), "q=0 on the type beats */*");
	ok(!mcp_accepts("*/*, application/*;q=0", "application/json"),
	    "q=0 on type/* beats */*");
	ok(mcp_accepts("application/*;q=0, application/json",
	    "application/json"), "the type beats a refused type/*");
	ok(!mcp_accepts("application/json, application/JSON;q=0.0",
	    "application/json"), "the type refused in either case");
	ok(mcp_accepts("*/*;q=0.1", "text/event-stream"), "*/* alone");
	ok(!mcp_accepts("*/*;q=0", "text/event-stream"), "*/* refused");
}

/* Parameter look-up, indexed (as served) and not, must agree. */
static void
t_params(void)
{
	static char	 longname[100], longval[120];
	char		*env[160], num[150][24];
	struct req	 rq;
	size_t		 n = 0, i;
	int		 idx, good = 1;

	memset(longname, 'X', 80);
	snprintf(longval, sizeof(longval), "%.80s=long", longname);
	env[n++] = "HTTP_X_DUP=first";
	env[n++] = "CONTENT_TYPE=text/plain";
	env[n++] = "HTTP_X_DUP=second";
	env[n++] = "NOEQUALS";
	env[n++] = "=novalue";
	env[n++] = longval;
	env[n++] = "HTTP_ACCEPT=a/b";
	for (i = 0; i < 140; i++) {	/* past the index's reach */
		snprintf(num[i], sizeof(num[i]), "P%zu=%zu", i, i);
		env[n++] = num[i];
	}
	env[n++] = "HTTP_LATE=late";
	env[n] = NULL;
	for (idx = 0; idx < 2; idx++) {
		memset(&rq, 0, sizeof(rq));
		rq.envp = env;
		if (idx)
			req_index(&rq);
		good &= req_header(&rq, "x-dup") != NULL &&
		    strcmp(req_header(&rq, "X-Dup"), "first") == 0;
		good &= req_header_count(&rq, "x-dup") == 2;
		good &= req_header(&rq, "content-type") != NULL &&
		    strcmp(req_header(&rq, "Content-Type"), "text/plain") == 0;
		good &= strcmp(req_header(&rq, "accept"), "a/b") == 0;
		good &= req_param(&rq, longname) != NULL &&
		    strcmp(req_param(&rq, longname), "long") == 0;
		good &= req_param(&rq, "NOEQUALS") == NULL;
		good &= req_param(&rq, "P0") != NULL &&
		    strcmp(req_param(&rq, "P139"), "139") == 0;
		good &= strcmp(req_header(&rq, "late"), "late") == 0;
		good &= req_header(&rq, "missing") == NULL &&
		    req_header_count(&rq, "missing") == 0;
		ok(good, "parameters found the same way %s the index",
		    idx ? "with" : "without");
	}
}

/* The tool names of a tools/list answer, in order, and its nextCursor. */
static void
list_page(const char *cursor, char *names, size_t sz, char *next,
    size_t nsz)
{
	const char	*v[] = { "HTTP_MCP_PROTOCOL_VERSION=2025-11-25", NULL };
	struct json_object *tools, *res, *t, *n;
	char		 body[512];
	struct out	 o;
	size_t		 i;

	snprintf(body, sizeof(body), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
	    "\"tools/list\"%s%s%s}", cursor ? ",\"params\":{\"cursor\":\"" : "",
	    cursor ? cursor : "", cursor ? "\"}" : "");
	o = run("POST", body, v);
	names[0] = next[0] = '\0';
	if (o.json != NULL && json_object_object_get_ex(o.json, "result", &res) &&
	    json_object_object_get_ex(res, "tools", &tools))
		for (i = 0; i < json_object_array_length(tools); i++) {
			t = json_object_array_get_idx(tools, i);
			if (json_object_object_get_ex(t, "name", &n))
				snprintf(names + strlen(names), sz - strlen(names),
				    "%s%s", i ? "," : "", json_object_get_string(n));
		}
	if (get_path(o.json, "result", "nextCursor") != NULL)
		snprintf(next, nsz, "%s", get_path(o.json, "result",
		    "nextCursor"));
	out_free(&o);
}

/* Issue #15 item 6a: pages bounded by bytes as well as by count. */
static void
t_page_bytes(void)
{
	long long	 saved = cfg.page_max_bytes, saved_n = cfg.page_size;
	char		 names[256], next[256], cur[256];
	struct buf	 all;
	int		 pages = 0;

	cfg.page_size = 100;
	cfg.page_max_bytes = 1;	/* every tool is larger than this */
	buf_init(&all);
	buf_puts(&all, "");
	cur[0] = '\0';
	do {
		list_page(pages ? cur : NULL, names, sizeof(names), next,
		    sizeof(next));
		pages++;
		if (strchr(names, ',') != NULL)
			break;
		buf_printf(&all, "%s%s", pages > 1 ? "," : "", names);
		memcpy(cur, next, sizeof(cur));
	} while (next[0] != '\0' && pages < 10);
	is_str(all.data, "alpha,beta,gamma", "a tool larger than the byte "
	    "budget goes alone on its page; the cursors walk every tool once");
	is_int(pages, 3, "three pages of one");
	buf_free(&all);
	cfg.page_max_bytes = (long long)(reg_find(app->reg, "alpha")->json_len +
	    reg_find(app->reg, "beta")->json_len + 1);
	list_page(NULL, names, sizeof(names), next, sizeof(next));
	is_str(names, "alpha,beta", "two tools fit the budget");
	ok(next[0] != '\0', "... and a cursor for the rest");
	list_page(next, names, sizeof(names), cur, sizeof(cur));
	ok(strcmp(names, "gamma") == 0 && cur[0] == '\0', "last page");
	cfg.page_max_bytes = saved;
	cfg.page_size = saved_n;
}

int
main(void)
{
	setup();
	t_params();
	t_http_rules();
	t_legacy();
	t_batch();
	t_modern();
	t_tools();
	t_page_bytes();
	t_modern_log();
	t_helpers();
	srv_prog_mcp.fini(app);
	cfg_free(&cfg);
	return done_testing();
}
