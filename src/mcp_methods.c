/* SPDX-License-Identifier: ISC */
/*
 * mcp_methods: the MCP methods, for both eras.  Each handler returns a
 * result object (new reference) or NULL after mcp_fail(); mcp_dispatch()
 * adds what every modern result carries.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "log.h"
#include "mcp.h"
#include "metrics.h"
#include "trace.h"
#include "util.h"

#define ERA_LEGACY	0x1
#define ERA_MODERN	0x2
#define ERA_BOTH	(ERA_LEGACY | ERA_MODERN)

struct mcp_method {
	const char		*name;
	unsigned		 eras;
	struct json_object	*(*fn)(struct mcp_exchange *);
};

int
mcp_fail(struct mcp_exchange *x, int code, const char *fmt, ...)
{
	va_list		 ap;
	struct buf	 b;
	size_t		 n;

	va_start(ap, fmt);
	vsnprintf(x->err_buf, sizeof(x->err_buf), fmt, ap);
	va_end(ap);
	/* a caller's text cut by "%.64s" may end inside a character: the
	 * message must stay UTF-8 (a strict client refuses the answer) */
	buf_init(&b);
	if (util_utf8_repair(x->err_buf, strlen(x->err_buf), &b) == 1) {
		n = b.len < sizeof(x->err_buf) ? b.len : sizeof(x->err_buf) - 1;
		while (n > 0 && n < b.len &&
		    ((unsigned char)b.data[n] & 0xc0) == 0x80)
			n--;
		memcpy(x->err_buf, b.data, n);
		x->err_buf[n] = '\0';
	}
	buf_free(&b);
	x->err_code = code;
	x->err_msg = x->err_buf;
	return -1;
}

/*
 * Send a notification that belongs to the request being answered.  The
 * first one turns the response into an event stream; without SSE (a
 * batch) notifications are dropped.  Takes ownership of `params`.
 */
int
mcp_notify(struct mcp_exchange *x, const char *method,
    struct json_object *params)
{
	struct json_object	*o;
	int			 rc;

	if (!x->can_stream || x->rs->failed) {
		json_object_put(params);
		return -1;
	}
	if (!x->rs->streaming && resp_sse_begin(x->rs) == -1) {
		json_object_put(params);
		return -1;
	}
	o = json_object_new_object();
	json_object_object_add(o, "jsonrpc", json_object_new_string("2.0"));
	json_object_object_add(o, "method", json_object_new_string(method));
	json_object_object_add(o, "params", params);
	rc = resp_sse_event(x->rs, rpc_to_string(o, NULL));
	json_object_put(o);
	return rc;
}

/* notifications/message, only when the client asked for this level. */
static int
mcp_log(struct mcp_exchange *x, int level, const char *text)
{
	struct json_object	*p;

	if (x->log_level < 0 || level < x->log_level)
		return 0;
	p = json_object_new_object();
	json_object_object_add(p, "level",
	    json_object_new_string(mcp_log_level_name((enum mcp_log)level)));
	json_object_object_add(p, "logger", json_object_new_string(
	    x->cfg->server_name));
	json_object_object_add(p, "data", json_object_new_string(text));
	return mcp_notify(x, "notifications/message", p);
}

static struct json_object *
server_info(const struct cfg *cfg)
{
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, "name",
	    json_object_new_string(cfg->server_name));
	json_object_object_add(o, "version",
	    json_object_new_string(cfg->server_version));
	return o;
}

static struct json_object *
capabilities(void)
{
	struct json_object	*c = json_object_new_object();
	struct json_object	*t = json_object_new_object();

	json_object_object_add(t, "listChanged", json_object_new_boolean(0));
	json_object_object_add(c, "tools", t);
	json_object_object_add(c, "logging", json_object_new_object());
	return c;
}

static const char *
param_string(struct mcp_exchange *x, const char *key, int *present)
{
	struct json_object	*v;

	*present = 0;
	if (x->msg.params == NULL ||
	    !json_object_object_get_ex(x->msg.params, key, &v))
		return NULL;
	*present = 1;
	return jp_string(v);	/* NULL for non-strings and embedded NULs */
}

static struct json_object *
m_initialize(struct mcp_exchange *x)
{
	struct json_object	*r, *v;
	const char		*req;
	int			 present;

	if ((req = param_string(x, "protocolVersion", &present)) == NULL) {
		mcp_fail(x, RPC_INVALID_PARAMS,
		    "initialize: params.protocolVersion must be a string");
		return NULL;
	}
	if (json_object_object_get_ex(x->msg.params, "capabilities", &v) &&
	    !json_object_is_type(v, json_type_object)) {
		mcp_fail(x, RPC_INVALID_PARAMS,
		    "initialize: params.capabilities must be an object");
		return NULL;
	}
	x->ver = mcp_version_negotiate(req);
	r = json_object_new_object();
	json_object_object_add(r, "protocolVersion",
	    json_object_new_string(mcp_version_name(x->ver)));
	json_object_object_add(r, "capabilities", capabilities());
	json_object_object_add(r, "serverInfo", server_info(x->cfg));
	if (x->cfg->instructions != NULL)
		json_object_object_add(r, "instructions",
		    json_object_new_string(x->cfg->instructions));
	return r;
}

static struct json_object *
m_ping(struct mcp_exchange *x)
{
	return json_object_new_object();
}

static struct json_object *
m_set_level(struct mcp_exchange *x)
{
	const char	*lvl;
	int		 present;

	lvl = param_string(x, "level", &present);
	if (lvl == NULL || mcp_log_level_parse(lvl) < 0) {
		mcp_fail(x, RPC_INVALID_PARAMS, "logging/setLevel: params.level "
		    "must be one of debug, info, notice, warning, error, "
		    "critical, alert, emergency");
		return NULL;
	}
	/*
	 * Nothing is kept between requests, so there is no session to
	 * remember the level in; log notifications are sent for requests
	 * whose _meta asks for them (2026-07-28).
	 */
	return json_object_new_object();
}

/*
 * ttlMs and cacheScope (2026-07-28, caching): "private" when the answer
 * depends on the caller's token, so that no cache shared between tokens
 * keeps it.
 */
static void
add_cache_hints(struct mcp_exchange *x, struct json_object *r, int private)
{
	json_object_object_add(r, "ttlMs",
	    json_object_new_int64(x->cfg->list_ttl_ms));
	json_object_object_add(r, "cacheScope",
	    json_object_new_string(private ? "private" : "public"));
}

static struct json_object *
m_discover(struct mcp_exchange *x)
{
	struct json_object	*r = json_object_new_object();

	json_object_object_add(r, "supportedVersions", mcp_versions_json(0));
	json_object_object_add(r, "capabilities", capabilities());
	if (x->cfg->instructions != NULL)
		json_object_object_add(r, "instructions",
		    json_object_new_string(x->cfg->instructions));
	add_cache_hints(x, r, 0);
	return r;
}

/*
 * Does tools/list show only what the caller's token allows?  Only a
 * verified token has scopes to judge by (MCP_AUTH=jwt or introspect).
 */
static int
list_by_scope(const struct mcp_exchange *x)
{
	return x->cfg->list_tools_by_scope && x->grant != NULL &&
	    x->grant->verified;
}

static int
listed(const struct mcp_exchange *x, const struct tool *t, int filter)
{
	return !filter || auth_tool_allowed(x->grant, t);
}

/*
 * One page from registry position `off`: at most MCP_PAGE_SIZE tools the
 * caller may see, whose definitions (as sent, with a comma between) take
 * at most MCP_PAGE_MAX_BYTES; a tool larger than that goes alone on its
 * page, so every page moves on.  Returns the registry position of the
 * next page, a tool this caller sees (so no page comes back empty), or
 * reg->ntools when the listing is complete.
 */
static size_t
list_page(struct mcp_exchange *x, size_t off, int filter, int old,
    struct json_object *tools)
{
	const struct registry	*reg = x->app->reg;
	const struct tool	*t;
	size_t			 i, count = 0, bytes = 0, n;

	for (i = off; i < reg->ntools; i++) {
		t = &reg->tools[i];
		if (!listed(x, t, filter))
			continue;
		n = (old && t->json_old != NULL ? t->json_old_len :
		    t->json_len) + (count > 0);
		if (count == (size_t)x->cfg->page_size ||
		    (count > 0 && bytes + n > (size_t)x->cfg->page_max_bytes))
			break;
		bytes += n;
		count++;
		json_object_array_add(tools, reg_tool_raw(t, old));
	}
	return i;	/* hidden tools were skipped: i is one to show */
}

static struct json_object *
m_tools_list(struct mcp_exchange *x)
{
	const struct registry	*reg = x->app->reg;
	struct json_object	*r, *tools;
	const char		*cursor;
	size_t			 off = 0, end;
	int			 present, filter = list_by_scope(x);
	char			*next;

	/*
	 * A cursor is a position in the registry (sorted by name, the same
	 * for every caller), never in one caller's filtered list: whoever
	 * presents it gets the tools *they* may see from there on, so a
	 * cursor handed to one token neither shows another token a hidden
	 * tool nor makes it skip one.  The position says no more than the
	 * tool count /healthz already tells.
	 */
	cursor = param_string(x, "cursor", &present);
	if (present && (cursor == NULL || (*cursor != '\0' &&
	    mcp_cursor_decode(cursor, reg->digest, reg->ntools, &off) == -1))) {
		mcp_fail(x, RPC_INVALID_PARAMS, "tools/list: invalid cursor");
		return NULL;
	}
	r = json_object_new_object();
	tools = json_object_new_array_ext((int)(reg->ntools - off <
	    (size_t)x->cfg->page_size ? reg->ntools - off :
	    (size_t)x->cfg->page_size));
	end = list_page(x, off, filter, x->ver < MCP_V2025_06_18, tools);
	json_object_object_add(r, "tools", tools);
	if (end < reg->ntools) {
		next = mcp_cursor_encode(end, reg->digest);
		json_object_object_add(r, "nextCursor",
		    json_object_new_string(next));
		free(next);
	}
	if (x->modern)
		add_cache_hints(x, r, filter);
	return r;
}

/* Callbacks a running tool uses to reach the client. */
struct call_state {
	struct mcp_exchange	*x;
	struct json_object	*token;	/* progressToken, borrowed */
	double			 last;
};

/* Seconds without a word to the client before a comment is sent. */
#define CALL_QUIET_MAX	1.0

/*
 * While the API works, a comment on the event stream about once a second:
 * a web server notices that its client left only when it has something
 * to pass on (lighttpd keeps the worker's connection open until then),
 * and a client's disconnect is its cancellation (2026-07-28, Cancellation:
 * a server MUST treat it so).  A request that is not streaming starts its
 * event stream for this after its first quiet second (a server may answer
 * any POST with one; a 2025-03-26 batch too, whose responses then go on
 * it, and which calls this between its messages).  The quiet time is the
 * request's (rs->last_out), not one call's.  -1: the client is gone.
 */
int
mcp_watch(struct mcp_exchange *x)
{
	struct resp	*rs = x->rs;

	if (rs->failed)
		return -1;
	if (!x->watch || util_now_mono() - rs->last_out < CALL_QUIET_MAX)
		return 0;
	if (!rs->streaming && resp_sse_begin(rs) == -1) {
		rs->failed = 1;
		return -1;
	}
	return resp_sse_comment(rs);
}

/* Byte counts print as integers, not as 65536.0. */
static struct json_object *
number(double v)
{
	if (v >= 0 && v < 9007199254740992.0 && v == (double)(int64_t)v)
		return json_object_new_int64((int64_t)v);
	return json_object_new_double(v);
}

/*
 * A progress notification; -1 when the client is gone (its event stream
 * could not be written: 2026-07-28, Cancellation), so that the call stops.
 */
static int
call_progress(void *ctx, double progress, double total, const char *msg)
{
	struct call_state	*cs = ctx;
	struct json_object	*p;

	/* progress must only increase (2025-03-26 and later) */
	if (cs->token == NULL || progress <= cs->last)
		return mcp_watch(cs->x);
	cs->last = progress;
	p = json_object_new_object();
	json_object_object_add(p, "progressToken", json_object_get(cs->token));
	json_object_object_add(p, "progress", number(progress));
	if (total > 0)
		json_object_object_add(p, "total", number(total));
	if (msg != NULL)
		json_object_object_add(p, "message",
		    json_object_new_string(msg));
	/* not streaming (a batch) is no reason to stop, nor a word to the
	 * client: the comments watch it then */
	if (mcp_notify(cs->x, "notifications/progress", p) == -1 &&
	    !cs->x->rs->failed)
		return mcp_watch(cs->x);
	return cs->x->rs->failed ? -1 : 0;
}

static int
call_log(void *ctx, int level, const char *text)
{
	return mcp_log(((struct call_state *)ctx)->x, level, text);
}

const char tool_header_twice[] = "";

static const char *
state_header(void *ctx, const char *name)
{
	const struct req	*rq = ((struct call_state *)ctx)->x->rq;

	if (req_header_count(rq, name) > 1)
		return tool_header_twice;
	return req_header(rq, name);
}

/*
 * Every scope to ask for to call `t`: the required scopes (MCP_REQUIRED_
 * SCOPES) and those of the tool's first alternative, each once, never
 * offline_access.  A new string, never NULL.
 */
char *
mcp_tool_scopes(const struct mcp_app *app, const struct tool *t)
{
	struct buf	 b;
	size_t		 i;

	buf_init(&b);
	buf_puts(&b, "");
	auth_scopes_append(&b, auth_scope_hint(app->auth));
	/* of several alternatives, the first (the document's preferred) */
	for (i = 0; t->nalts > 0 && i < t->alt_end[0]; i++)
		auth_scopes_append(&b, t->scopes[i]);
	return buf_release(&b);
}

/*
 * Per-tool scopes (from the operation's security): a verified token that
 * lacks one gets 403 insufficient_scope naming every scope to ask for, so
 * the client can step up (2025-11-25).  The same for a tool that
 * MCP_LIST_TOOLS_BY_SCOPE hides from this token: not "unknown tool",
 * which would leave the client no way to ask for more.
 */
static int
needs_step_up(struct mcp_exchange *x, const struct tool *t)
{
	char	*scope;

	if (auth_tool_allowed(x->grant, t))
		return 0;
	/* everything to ask for: the required scopes and the tool's */
	scope = mcp_tool_scopes(x->app, t);
	mcp_fail(x, RPC_INVALID_REQUEST, "the token lacks a scope this "
	    "tool needs: %s", scope);
	if (x->can_stream) {
		/* a single request: answer with the HTTP challenge */
		auth_challenge(x->cfg, x->rs, AUTH_FORBIDDEN,
		    "the token lacks a scope this tool needs", scope);
		x->handled = 1;
	}
	req_set_note(x->rq->note, sizeof(x->rq->note), "auth:scope");
	free(scope);
	return 1;
}

/*
 * The W3C trace context of a tools/call (MCP_TRACE), from its params'
 * _meta or the request's headers, into `tc` (NULL: not wanted) and its
 * ids into the request's log fields: the access line and the audit
 * record, a refusal's too, whatever refused it.
 */
void
mcp_trace_ids(const struct cfg *cfg, struct req *rq,
    struct json_object *params, struct trace_ctx *tc)
{
	struct trace_ctx	 own;
	struct json_object	*meta = NULL;

	if (tc == NULL)
		tc = &own;
	if (json_object_is_type(params, json_type_object))
		json_object_object_get_ex(params, "_meta", &meta);
	trace_from_request(tc, cfg->trace, meta, rq);
	memcpy(rq->trace_id, tc->trace_id, sizeof(tc->trace_id));
	memcpy(rq->parent_id, tc->parent_id, sizeof(tc->parent_id));
}

/*
 * The audit record of a tools/call (MCP_AUDIT_LOG): `r` is its result
 * (NULL: not run or failed), `error` our reason when it was refused.
 * Also called by mcp_transport.c for a call refused before it is parsed.
 */
void
mcp_audit(const struct cfg *cfg, const struct req *rq,
    const struct auth_grant *g, const char *tool,
    const struct tool_call *call, struct json_object *r, int refused,
    const char *error)
{
	struct audit_rec	 a;
	struct json_object	*v;

	/* the record also feeds fcgimcp_tool_calls_total (metrics.c) */
	memset(&a, 0, sizeof(a));
	clock_gettime(CLOCK_REALTIME, &a.when);
	a.req = rq->id;
	a.trace_id = rq->trace_id;
	a.parent_id = rq->parent_id;
	if (g != NULL && g->verified) {
		a.sub = g->sub;
		a.client_id = g->client_id;
	}
	a.tool = tool;
	/* the operation's own mode once the call ran (x-mcp-upstream-auth) */
	a.upstream_auth = call != NULL && call->upstream_auth != UPAUTH_AUTO ?
	    audit_upauth_word(call->upstream_auth) : audit_upstream_auth(cfg);
	a.duration_ms = (util_now_mono() - rq->start) * 1000.0;
	a.error = error;
	if (refused)
		a.outcome = AUDIT_REFUSED;
	else if (r == NULL) {
		a.outcome = AUDIT_FAILED;
		a.error = "internal";
	} else if (json_object_object_get_ex(r, "isError", &v) &&
	    json_object_is_type(v, json_type_boolean) &&
	    json_object_get_boolean(v))
		a.outcome = AUDIT_IS_ERROR;
	else
		a.outcome = AUDIT_OK;
	if (call != NULL) {
		a.upstream_status = call->upstream_status;
		a.upstream_ms = call->upstream_seconds * 1000.0;
		/* no HTTP answer: why (a transport failure, or never sent:
		 * arguments refused, no credential for the API) */
		if (a.error == NULL && call->upstream_status == 0)
			a.error = call->upstream_error != NULL ?
			    call->upstream_error : "not_sent";
	}
	met_tool_call(&a, call != NULL && call->upstream_sent);
	if (audit_enabled())
		audit_write(&a);
}

/*
 * The rate limits, once the call is one the API would get (ratelimit.h).
 * Nothing is sent before the verdict: a debug line would start the event
 * stream, and a refusal could no longer be a 429.
 */
static int
call_gate(void *ctx, const struct tool *t)
{
	struct mcp_exchange	*x = ((struct call_state *)ctx)->x;
	char			 line[160];

	if (mcp_rate_limit(x, t) == -1)
		return -1;
	/* the line only when the client asked for debug messages */
	if (x->log_level >= 0 && MCP_LOG_DEBUG >= x->log_level) {
		snprintf(line, sizeof(line), "calling tool %s", t->name);
		mcp_log(x, MCP_LOG_DEBUG, line);
	}
	return 0;
}

static struct json_object *
m_tools_call(struct mcp_exchange *x)
{
	const struct registry	*reg = x->app->reg;
	struct json_object	*args = NULL, *meta, *tok, *r;
	struct tool_call	 call;
	struct call_state	 cs;
	struct trace_ctx	 tc;
	const char		*name;
	size_t			 len;
	int			 present;

	if ((name = param_string(x, "name", &present)) == NULL) {
		mcp_fail(x, RPC_INVALID_PARAMS,
		    "tools/call: params.name must be a string");
		return NULL;
	}
	if (json_object_object_get_ex(x->msg.params, "arguments", &args) &&
	    args != NULL && !json_object_is_type(args, json_type_object)) {
		mcp_fail(x, RPC_INVALID_PARAMS,
		    "tools/call: params.arguments must be an object");
		return NULL;
	}
	memset(&call, 0, sizeof(call));
	/* the W3C trace context, also in the audit record of a refusal */
	mcp_trace_ids(x->cfg, x->rq, x->msg.params, &tc);
	call.trace = &tc;
	meta = NULL;	/* (its progressToken) */
	json_object_object_get_ex(x->msg.params, "_meta", &meta);
	if ((call.tool = reg_find(reg, name)) == NULL) {
		mcp_fail(x, RPC_INVALID_PARAMS, "Unknown tool: %.128s", name);
		/* not the name: it is the caller's text, not a tool */
		mcp_audit(x->cfg, x->rq, x->grant, NULL, NULL, NULL, 1,
		    "unknown_tool");
		return NULL;
	}
	if (needs_step_up(x, call.tool)) {
		mcp_audit(x->cfg, x->rq, x->grant, call.tool->name, NULL,
		    NULL, 1, "insufficient_scope");
		return NULL;
	}
	memset(&cs, 0, sizeof(cs));
	cs.x = x;
	cs.last = -1;	/* a first report of 0 is a valid start */
	if (meta != NULL &&
	    json_object_object_get_ex(meta, "progressToken", &tok) &&
	    (json_object_is_type(tok, json_type_string) ||
	    json_object_is_type(tok, json_type_int)))
		cs.token = tok;
	args = args != NULL ? json_object_get(args) : json_object_new_object();
	call.args = args;
	call.header = state_header;
	call.progress = call_progress;
	call.wants_progress = cs.token != NULL;
	call.no_audio = x->ver < MCP_V2025_03_26;
	call.log = call_log;
	call.gate = call_gate;
	call.log_min = x->log_level + 1;	/* -1 (none) becomes 0 */
	call.ctx = &cs;
	/* the verified token, for MCP_UPSTREAM_AUTH=exchange */
	if (x->grant != NULL && x->grant->verified &&
	    auth_bearer(x->rq, &call.subject, &len) == 0) {
		call.subject_exp = x->grant->exp;
		call.subject_digest = x->grant->token_digest;
	}
	r = reg->call != NULL ? reg->call(reg->ctx, &call) : NULL;
	json_object_put(args);
	if (call.gated)		/* answered and audited by the gate */
		return NULL;
	req_set_note(x->rq->tool, sizeof(x->rq->tool), call.tool->name);
	x->rq->upstream_status = call.upstream_status;
	x->rq->upstream_ms = call.upstream_seconds * 1000.0;
	mcp_audit(x->cfg, x->rq, x->grant, call.tool->name, &call, r, 0,
	    NULL);
	if (r == NULL)
		mcp_fail(x, RPC_INTERNAL_ERROR, "tools/call: internal error");
	return r;
}

static struct json_object *
m_notification(struct mcp_exchange *x)
{
	return NULL;
}

static const struct mcp_method mcp_methods[] = {
	{ "initialize", ERA_LEGACY, m_initialize },
	{ "ping", ERA_LEGACY, m_ping },
	{ "logging/setLevel", ERA_LEGACY, m_set_level },
	{ "server/discover", ERA_MODERN, m_discover },
	{ "tools/list", ERA_BOTH, m_tools_list },
	{ "tools/call", ERA_BOTH, m_tools_call },
	{ "notifications/initialized", ERA_BOTH, m_notification },
	{ "notifications/cancelled", ERA_BOTH, m_notification },
};

static int
is_notification(const struct mcp_method *m)
{
	return strncmp(m->name, "notifications/", 14) == 0;
}

/*
 * Run the method of x->msg.  Returns the result (new reference) or NULL:
 * always for notifications, and after mcp_fail() for errors (*failed set).
 */
struct json_object *
mcp_dispatch(struct mcp_exchange *x, int *failed)
{
	const struct mcp_method	*m = NULL;
	struct json_object	*r, *meta;
	size_t			 i;
	unsigned		 era = x->modern ? ERA_MODERN : ERA_LEGACY;

	*failed = 0;
	for (i = 0; i < sizeof(mcp_methods) / sizeof(mcp_methods[0]); i++)
		if (strcmp(mcp_methods[i].name, x->msg.method) == 0 &&
		    (mcp_methods[i].eras & era)) {
			m = &mcp_methods[i];
			break;
		}
	if (x->msg.kind == RPC_NOTIFICATION) {
		/*
		 * Notifications get no answer, and only the notification
		 * methods run: a "tools/call" without an id must not call
		 * the API (nobody would see the result).  Unknown ones are
		 * ignored (JSON-RPC).
		 */
		if (m != NULL && is_notification(m))
			json_object_put(m->fn(x));
		return NULL;
	}
	/* a notification's method asked with an id has no answer to give */
	if (m == NULL || is_notification(m)) {
		if (x->modern)
			x->http_status = 404;
		*failed = 1;
		mcp_fail(x, RPC_METHOD_NOT_FOUND, "Method not found: %.64s",
		    x->msg.method);
		return NULL;
	}
	if ((r = m->fn(x)) == NULL) {
		*failed = 1;
		return NULL;
	}
	if (x->modern) {
		json_object_object_add(r, "resultType",
		    json_object_new_string("complete"));
		if (!json_object_object_get_ex(r, "_meta", &meta)) {
			meta = json_object_new_object();
			json_object_object_add(r, "_meta", meta);
		}
		json_object_object_add(meta, MCP_META_SERVER,
		    server_info(x->cfg));
	}
	return r;
}
