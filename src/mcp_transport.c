/* SPDX-License-Identifier: ISC */
/*
 * mcp_transport: the Streamable HTTP rules for /mcp.
 *
 * Order of checks, cheapest and most fundamental first: DNS-rebinding
 * guards (403), method (405), media types (415, 406), JSON (400/-32700),
 * message shape (400/-32600), then the era of the message: a request with
 * the modern _meta version (or the modern header) needs the version header
 * to agree with _meta (-32020), a version we speak (-32022), the mirrored
 * headers (-32020: Mcp-Method, Mcp-Name, Mcp-Param-*) and then the rest
 * of its _meta (-32602); anything else is legacy, whose version comes
 * from the MCP-Protocol-Version header (2025-03-26 when absent), and
 * initialize negotiates its own.
 */
#include "config.h"

#include <ctype.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "guard.h"
#include "log.h"
#include "mcp.h"
#include "metrics.h"
#include "api.h"
#include "ratelimit.h"
#include "breaker.h"
#include "server.h"
#include "upstream.h"
#include "url.h"
#include "util.h"

/* Build the tool registry once; a document that cannot be used stops us. */
static int
mcp_init(const struct cfg *cfg, void **appp, char **cause)
{
	struct mcp_app	*app;
	struct registry	*reg;
	struct rl_state	*rl;
	char		*shown;
	double		 t0 = util_now_mono();

	if (brk_init(cfg, cause) == -1)
		return -1;
	if (audit_open(cfg, cause) == -1) {
		brk_fini();
		return -1;
	}
	if (api_load(cfg, &reg, cause) == -1) {
		audit_close();
		brk_fini();
		return -1;
	}
	if (mcp_rate_limit_init(cfg, reg, &rl, cause) == -1) {
		reg_free(reg);
		audit_close();
		brk_fini();
		return -1;
	}
	/* the document's tree is gone: give its pages back (worker RSS) */
	malloc_trim(0);
	app = xcalloc(1, sizeof(*app));
	app->reg = reg;
	app->auth = auth_new(cfg);
	app->rl = rl;
	met_tools(reg);
	if (cfg->openapi == NULL)
		log_msg(LOGL_WARN, "MCP_OPENAPI is not set: no tools");
	else {
		shown = url_redact(cfg->openapi);
		log_msg(LOGL_INFO, "%zu tools from %s in %.0f ms", reg->ntools,
		    shown, (util_now_mono() - t0) * 1000.0);
		free(shown);
	}
	*appp = app;
	return 0;
}

static void
mcp_fini(void *p)
{
	struct mcp_app	*app = p;

	if (app == NULL)
		return;
	reg_free(app->reg);
	auth_free(app->auth);
	rl_free(app->rl);
	free(app);
	up_cleanup();
	audit_close();
	brk_fini();
	/* the API's tokens and this server's signing key, wiped */
	api_cc_clear();
	api_xc_clear();
	api_assert_free();
}

/* The q parameter of one media range ("...;q=0.5"): 1 when absent. */
static double
accept_q(const char *params, size_t n)
{
	const char	*p = params, *e = params + n;
	char		 num[16];
	size_t		 len;

	while (p < e) {
		while (p < e && (*p == ';' || *p == ' ' || *p == '\t'))
			p++;
		len = strcspn(p, ";");
		if (p + len > e)
			len = (size_t)(e - p);
		if (len > 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
			if (len - 2 >= sizeof(num))
				return 1.0;
			memcpy(num, p + 2, len - 2);
			num[len - 2] = '\0';
			return strtod(num, NULL);
		}
		p += len;
	}
	return 1.0;
}

/*
 * Does an Accept value admit `type` ("application/json")?  The most
 * specific range that matches decides (type/subtype, then type/any, then
 * any/any; RFC 9110 12.5.1), so "application/json;q=0, any/any" refuses
 * JSON; of equally specific ranges, one with q=0 refuses.  A missing
 * header accepts everything.
 */
int
mcp_accepts(const char *accept, const char *type)
{
	const char	*p = accept, *e, *semi;
	size_t		 n, tlen = strcspn(type, "/");
	int		 level, best = 0, ok = 0;

	if (accept == NULL)
		return 1;
	while (*p != '\0') {
		e = p + strcspn(p, ",");
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		semi = memchr(p, ';', (size_t)(e - p));
		n = (size_t)((semi ? semi : e) - p);
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n == strlen(type) && util_strncaseeq(p, type, n))
			level = 3;
		else if (n == tlen + 2 && util_strncaseeq(p, type, tlen + 1) &&
		    p[tlen + 1] == '*')
			level = 2;
		else if (n == 3 && strncmp(p, "*/*", 3) == 0)
			level = 1;
		else
			level = 0;
		if (level > 0 && level >= best) {
			int	 yes = semi == NULL ||
			    accept_q(semi, (size_t)(e - semi)) > 0;

			ok = level > best ? yes : ok && yes;
			best = level;
		}
		p = *e ? e + 1 : e;
	}
	return ok;
}

static int
is_json_content_type(const char *ct)
{
	return util_media_type_is(ct, "application/json");
}

/* A plain header value: visible ASCII and spaces. */
static int
header_plain(const char *v)
{
	for (; *v != '\0'; v++)
		if ((unsigned char)*v < 0x20 || (unsigned char)*v > 0x7e)
			return 0;
	return 1;
}

/*
 * Decode a header value that may use the =?base64?...?= sentinel for
 * values that are not plain ASCII.  Plain values must be visible ASCII or
 * spaces.  Returns a new string or -1 for invalid characters or encoding.
 */
int
mcp_header_decode(const char *v, char **out)
{
	unsigned char	*raw;
	size_t		 n = strlen(v), rawlen;

	*out = NULL;
	/* 11 bytes at least: "=?base64?" and "?=" around nothing is "" */
	if (n >= 11 && strncmp(v, "=?base64?", 9) == 0 &&
	    strcmp(v + n - 2, "?=") == 0) {
		/* the sentinel carries standard base64 with its padding:
		 * "SGVsbG8" without the "=" is refused (SEP-2243) */
		if ((n - 11) % 4 != 0 ||
		    util_b64_decode(v + 9, n - 11, &raw, &rawlen) == -1)
			return -1;
		if (memchr(raw, '\0', rawlen) != NULL) {
			free(raw);
			return -1;
		}
		*out = xstrndup((char *)raw, rawlen);
		free(raw);
		return 0;
	}
	if (!header_plain(v))
		return -1;
	*out = xstrdup(v);
	return 0;
}

/* Send a JSON-RPC message as the whole response body. */
static void
send_message(struct resp *rs, int status, struct json_object *o)
{
	resp_json(rs, status, o);
	json_object_put(o);
}

/*
 * An error response.  When the id could not be read, JSON-RPC 2.0 says
 * "id": null; from 2025-11-25 on MCP's schema makes the id optional and
 * never null, and strict clients (the TypeScript SDK) refuse a null one,
 * so for a request that names such a version the id is left out.
 */
static struct json_object *
error_reply(const struct req *rq, struct json_object *id, int code,
    const char *msg, struct json_object *data)
{
	struct json_object	*o = rpc_error(id, code, msg, data);
	int			 v;

	v = mcp_version_parse(req_header(rq, "MCP-Protocol-Version"));
	if (id == NULL && v >= (int)MCP_V2025_11_25)
		json_object_object_del(o, "id");
	return o;
}

static void
send_error(const struct req *rq, struct resp *rs, int status,
    struct json_object *id, int code, const char *msg,
    struct json_object *data)
{
	send_message(rs, status, error_reply(rq, id, code, msg, data));
}

static struct json_object *
meta_of(struct json_object *params)
{
	struct json_object	*meta;

	if (params != NULL && json_object_object_get_ex(params, "_meta",
	    &meta) && json_object_is_type(meta, json_type_object))
		return meta;
	return NULL;
}

static const char version_twice[] = "Bad Request: MCP-Protocol-Version "
    "header is sent more than once";

/* -32022's data: the versions a request of its era can name. */
static struct json_object *
unsupported_data(const char *requested, int modern)
{
	struct json_object	*d = json_object_new_object();
	char			 safe[64];

	/* a header's bytes are not UTF-8 text: echo printable ASCII only */
	req_set_note(safe, sizeof(safe), requested ? requested : "");
	json_object_object_add(d, "supported", mcp_versions_json(modern));
	json_object_object_add(d, "requested", json_object_new_string(safe));
	return d;
}

/*
 * A header that must mirror a body value (after base64 decoding).  On a
 * mismatch the exchange is failed with -32020 and 400.
 */
static int
check_mirror(struct mcp_exchange *x, const char *hname, const char *body)
{
	const char	*hv = req_header(x->rq, hname);
	char		*dec;
	int		 ok, rc;

	/*
	 * Mcp-Name and Mcp_Name reach us as one CGI name, both: a balancer
	 * may have routed on the one we would not read.
	 */
	if (req_header_count(x->rq, hname) > 1) {
		x->http_status = 400;
		return mcp_fail(x, RPC_HEADER_MISMATCH,
		    "Header mismatch: %s header is sent more than once",
		    hname);
	}
	if (hv == NULL) {
		x->http_status = 400;
		return mcp_fail(x, RPC_HEADER_MISMATCH,
		    "Header mismatch: %s header is required", hname);
	}
	/*
	 * Only Mcp-Name may carry the base64 sentinel (2026-07-28, Value
	 * Encoding): an encoded Mcp-Method is compared as it is, or a
	 * balancer that routes on the header would see another method than
	 * the one we run.
	 */
	if (strcmp(hname, "Mcp-Name") == 0)
		rc = mcp_header_decode(hv, &dec);
	else if ((rc = header_plain(hv) ? 0 : -1) == 0)
		dec = xstrdup(hv);
	if (rc == -1) {
		x->http_status = 400;
		return mcp_fail(x, RPC_HEADER_MISMATCH,
		    "Header mismatch: %s header has invalid characters",
		    hname);
	}
	ok = body != NULL && strcmp(dec, body) == 0;
	free(dec);
	if (!ok) {
		x->http_status = 400;
		return mcp_fail(x, RPC_HEADER_MISMATCH,
		    "Header mismatch: %s header does not match the body",
		    hname);
	}
	return 0;
}

static const char *
exchange_header(void *ctx, const char *name)
{
	const struct req	*rq = ((struct mcp_exchange *)ctx)->rq;

	if (req_header_count(rq, name) > 1)
		return mcp_header_dup;
	return req_header(rq, name);
}

/*
 * tools/call: the Mcp-Param-* headers of the tool's x-mcp-header
 * properties mirror its arguments (mcp_param.c).  An unknown tool is
 * left to the method to refuse.
 */
static int
check_params(struct mcp_exchange *x, const char *tname, int mode)
{
	const struct tool	*t;
	struct json_object	*schema, *args = NULL;
	char			 err[256];

	if (strcmp(x->msg.method, "tools/call") != 0 || tname == NULL ||
	    (t = reg_find(x->app->reg, tname)) == NULL || !t->param_headers)
		return 0;
	if ((schema = reg_tool_input(t)) == NULL)
		return 0;	/* the call fails with -32603 later */
	json_object_object_get_ex(x->msg.params, "arguments", &args);
	if (mcp_param_check(schema, args, exchange_header, x, mode, err,
	    sizeof(err)) == -1) {
		mcp_trace_ids(x->cfg, x->rq, x->msg.params, NULL);
		mcp_audit(x->cfg, x->rq, x->grant, t->name, NULL, NULL, 1,
		    "header_mismatch");
		x->http_status = 400;
		return mcp_fail(x, RPC_HEADER_MISMATCH, "%s", err);
	}
	return 0;
}

/*
 * The modern rules (2026-07-28): headers mirror the body, _meta carries
 * the version and the client's capabilities.
 */
static int
check_modern(struct mcp_exchange *x, const char *hver)
{
	struct json_object	*meta = meta_of(x->msg.params), *v, *name;
	const char		*mver;
	int			 ver, lvl;

	if (hver == NULL) {
		x->http_status = 400;
		return mcp_fail(x, RPC_HEADER_MISMATCH, "Header mismatch: "
		    "MCP-Protocol-Version header is required");
	}
	x->http_status = 400;
	if (meta == NULL || !json_object_object_get_ex(meta, MCP_META_VERSION,
	    &v) || (mver = jp_string(v)) == NULL)
		return mcp_fail(x, RPC_INVALID_PARAMS, "params._meta[\"%s\"] "
		    "is required and must be a string", MCP_META_VERSION);
	if (strcmp(mver, hver) != 0)
		return mcp_fail(x, RPC_HEADER_MISMATCH, "Header mismatch: "
		    "MCP-Protocol-Version header value does not match "
		    "_meta protocolVersion");
	/*
	 * The version (once the header agrees with it) before the mirrored
	 * headers and anything else in _meta: a client of another version
	 * may have other header rules and shape the rest differently, and
	 * what it needs to hear is which versions we speak (-32022), not a
	 * complaint about a header or field its version may not have.
	 */
	ver = mcp_version_parse(mver);
	if (ver < 0 || !mcp_version_is_modern((enum mcp_ver)ver)) {
		/* a legacy one here asked for server/discover (is_modern):
		 * only the modern versions would be answered */
		mcp_fail(x, RPC_UNSUPPORTED_VERSION,
		    "Unsupported protocol version");
		x->err_data = unsupported_data(mver, ver >= 0);
		return -1;
	}
	if (check_mirror(x, "Mcp-Method", x->msg.method) == -1)
		return -1;
	if (strcmp(x->msg.method, "tools/call") == 0 ||
	    strcmp(x->msg.method, "prompts/get") == 0) {
		if (x->msg.params == NULL || !json_object_object_get_ex(
		    x->msg.params, "name", &name))
			name = NULL;
		if (check_mirror(x, "Mcp-Name", jp_string(name)) == -1)
			return -1;
		if (check_params(x, jp_string(name), MCP_PARAM_ALL) == -1)
			return -1;
	} else if (strcmp(x->msg.method, "resources/read") == 0) {
		if (x->msg.params == NULL || !json_object_object_get_ex(
		    x->msg.params, "uri", &name))
			name = NULL;
		if (check_mirror(x, "Mcp-Name", jp_string(name)) == -1)
			return -1;
	}
	if (!json_object_object_get_ex(meta, MCP_META_CAPS, &v) ||
	    !json_object_is_type(v, json_type_object))
		return mcp_fail(x, RPC_INVALID_PARAMS, "params._meta[\"%s\"] "
		    "is required and must be an object", MCP_META_CAPS);
	if (json_object_object_get_ex(meta, MCP_META_CLIENT, &v) &&
	    !json_object_is_type(v, json_type_object))
		return mcp_fail(x, RPC_INVALID_PARAMS, "params._meta[\"%s\"] "
		    "must be an object", MCP_META_CLIENT);
	x->ver = (enum mcp_ver)ver;
	if (json_object_object_get_ex(meta, MCP_META_LOGLEVEL, &v)) {
		if (!json_object_is_type(v, json_type_string) ||
		    (lvl = mcp_log_level_parse(json_object_get_string(v))) < 0)
			return mcp_fail(x, RPC_INVALID_PARAMS, "params._meta"
			    "[\"%s\"] is not a log level", MCP_META_LOGLEVEL);
		x->log_level = lvl;
	}
	x->http_status = 200;
	return 0;
}

/*
 * A request of an earlier version (or in a batch) need not carry the
 * 2026-07-28 routing headers, but those it carries must say what the
 * body says: a balancer in front may route on them whatever the version
 * the body claims, and would otherwise be told one tool or tenant while
 * the API is called for another.
 */
static int
check_sent_mirrors(struct mcp_exchange *x)
{
	struct json_object	*name = NULL;

	if (req_header_count(x->rq, "Mcp-Method") > 0 &&
	    check_mirror(x, "Mcp-Method", x->msg.method) == -1)
		return -1;
	if (strcmp(x->msg.method, "tools/call") != 0)
		return 0;
	if (x->msg.params != NULL)
		json_object_object_get_ex(x->msg.params, "name", &name);
	if (req_header_count(x->rq, "Mcp-Name") > 0 &&
	    check_mirror(x, "Mcp-Name", jp_string(name)) == -1)
		return -1;
	return check_params(x, jp_string(name), MCP_PARAM_SENT);
}

/*
 * Legacy requests: the version comes from the header (absent means
 * 2025-03-26); initialize negotiates its own and ignores the header.
 */
static int
check_legacy(struct mcp_exchange *x, const char *hver)
{
	int	 ver;

	if (check_sent_mirrors(x) == -1)
		return -1;

	/*
	 * A legacy request cannot name a log level, and the level of a
	 * logging/setLevel before it is gone (nothing is kept between
	 * requests): when to log is the operator's choice.
	 */
	if (x->cfg->legacy_log_level > 0)
		x->log_level = x->cfg->legacy_log_level - 1;
	if (strcmp(x->msg.method, "initialize") == 0) {
		x->ver = MCP_VER_LATEST_LEGACY;
		return 0;
	}
	if (hver == NULL) {
		x->ver = MCP_V2025_03_26;
		return 0;
	}
	ver = mcp_version_parse(hver);
	if (ver < 0) {
		x->http_status = 400;
		mcp_fail(x, RPC_UNSUPPORTED_VERSION,
		    "Unsupported protocol version");
		x->err_data = unsupported_data(hver, 0);
		return -1;
	}
	x->ver = (enum mcp_ver)ver;
	return 0;
}

/*
 * Is this a modern message?  Its _meta names a protocol version other
 * than a legacy one we speak (that is a legacy request, whose _meta may
 * hold anything), or the header names a modern version, or it calls a
 * method that only exists in the modern era.
 */
static int
is_modern(struct mcp_exchange *x, const char *hver)
{
	struct json_object	*meta = meta_of(x->msg.params), *mv;
	int			 v;

	if (strcmp(x->msg.method, "initialize") == 0 &&
	    (meta == NULL || !json_object_object_get_ex(meta,
	    MCP_META_VERSION, NULL)))
		return 0;
	if (meta != NULL && json_object_object_get_ex(meta, MCP_META_VERSION,
	    &mv) && ((v = mcp_version_parse(jp_string(mv))) < 0 ||
	    mcp_version_is_modern((enum mcp_ver)v)))
		return 1;
	if (strcmp(x->msg.method, "server/discover") == 0)
		return 1;
	v = mcp_version_parse(hver);
	return v >= 0 && mcp_version_is_modern((enum mcp_ver)v);
}

/*
 * A notification or response under an MCP-Protocol-Version we do not
 * speak: 400 and -32022 without an id (since 2025-06-18 the transport
 * answers any POST naming one so), where it went by as 202.  NULL when
 * the header is absent or a version we speak.
 */
static struct json_object *
unknown_version_post(struct mcp_exchange *x, const char *hver)
{
	if (hver == NULL || mcp_version_parse(hver) >= 0)
		return NULL;
	x->http_status = 400;
	return error_reply(x->rq, NULL, RPC_UNSUPPORTED_VERSION,
	    "Unsupported protocol version", unsupported_data(hver, 0));
}

/*
 * Answer one message.  Returns a new reference: an error response, or
 * with *bare set the bare result of a success, whose envelope the caller
 * adds (rpc_result) or writes (rpc_write_result); NULL when there is
 * nothing to answer (a notification or a response).  `batch` forbids
 * streaming and initialize.
 */
static struct json_object *
answer(struct mcp_exchange *x, const struct rpc_env *env, int batch,
    int *bare)
{
	struct json_object	*result, *resp;
	const char		*cause, *hver;
	int			 rc;

	*bare = 0;
	if (rpc_classify_env(env, &x->msg, &cause) == -1) {
		x->http_status = 400;
		return error_reply(x->rq, x->msg.id, RPC_INVALID_REQUEST,
		    cause, NULL);
	}
	hver = req_header(x->rq, "MCP-Protocol-Version");
	/*
	 * MCP-Protocol-Version and MCP_Protocol_Version reach us as one CGI
	 * name: a gateway may have read the one we would not, and taken a
	 * legacy body for a modern one whose header rules it left to us.
	 * Refused whatever the message; a modern request's header rules are
	 * broken (-32020).
	 */
	if (req_header_count(x->rq, "MCP-Protocol-Version") > 1) {
		x->http_status = 400;
		return error_reply(x->rq, x->msg.id, x->msg.kind !=
		    RPC_RESPONSE && is_modern(x, hver) ? RPC_HEADER_MISMATCH :
		    RPC_INVALID_REQUEST, version_twice, NULL);
	}
	/* (a batch's header was checked: absent or 2025-03-26) */
	if (x->msg.kind != RPC_REQUEST && !batch &&
	    (resp = unknown_version_post(x, hver)) != NULL)
		return resp;
	if (x->msg.kind == RPC_RESPONSE) {
		/* we send no requests: nothing to match; and 2026-07-28
		 * forbids clients to send responses at all */
		rc = mcp_version_parse(hver);
		if (batch || rc < 0 || !mcp_version_is_modern(
		    (enum mcp_ver)rc))
			return NULL;
		x->http_status = 400;
		return error_reply(x->rq, NULL, RPC_INVALID_REQUEST,
		    "Invalid Request: a client sends no JSON-RPC responses",
		    NULL);
	}
	req_set_note(x->rq->rpc_method, sizeof(x->rq->rpc_method),
	    x->msg.method);
	x->modern = !batch && is_modern(x, hver);
	if (x->msg.kind == RPC_NOTIFICATION) {
		/* no header rules are defined for notification POSTs */
		mcp_dispatch(x, &rc);
		return NULL;
	}
	if (batch && strcmp(x->msg.method, "initialize") == 0) {
		mcp_fail(x, RPC_INVALID_REQUEST,
		    "initialize must not be part of a batch");
		goto error;
	}
	/*
	 * Alone, a modern element would need its headers (-32020) or a
	 * version we speak (-32022); in a batch it has neither, so it is
	 * refused rather than served under the legacy rules.
	 */
	if (batch && is_modern(x, hver)) {
		mcp_fail(x, RPC_INVALID_REQUEST, "a message of a protocol "
		    "version after 2025-03-26 must not be part of a batch");
		goto error;
	}
	rc = x->modern ? check_modern(x, hver) : check_legacy(x, hver);
	if (rc == -1)
		goto error;
	result = mcp_dispatch(x, &rc);
	if (result == NULL)
		goto error;
	*bare = 1;
	return result;
error:
	/* a handler that failed without saying why: never a NULL message */
	if (x->err_msg == NULL)
		mcp_fail(x, RPC_INTERNAL_ERROR, "Internal error");
	resp = error_reply(x->rq, x->msg.id, x->err_code, x->err_msg,
	    x->err_data);
	x->err_data = NULL;
	return resp;
}

static void
exchange_init(struct mcp_exchange *x, struct mcp_app *app,
    const struct cfg *cfg, struct req *rq, struct resp *rs,
    struct auth_grant *grant)
{
	memset(x, 0, sizeof(*x));
	x->grant = grant;
	x->app = app;
	x->cfg = cfg;
	x->rq = rq;
	x->rs = rs;
	x->log_level = -1;
	x->http_status = 200;
}

/*
 * A 2025-03-26 batch: every element answered in turn, responses in one
 * array.  A call past a second starts an event stream to watch the
 * client, as a single one does (mcp_watch); the responses then go
 * on it, each an event, and a client gone stops the batch: its calls
 * would otherwise hold the worker for up to MCP_MAX_BATCH times
 * MCP_API_TIMEOUT for nobody.
 */
static void
answer_batch(struct mcp_app *app, const struct cfg *cfg, struct req *rq,
    struct resp *rs, struct json_object *arr, struct auth_grant *grant)
{
	struct mcp_exchange	 x;
	struct rpc_env		 env;
	struct json_object	*out = json_object_new_array(), *r;
	size_t			 i, n = json_object_array_length(arr);
	int			 bare;

	for (i = 0; i < n; i++) {
		exchange_init(&x, app, cfg, rq, rs, grant);
		x.watch = 1;
		if (mcp_watch(&x) == -1)
			break;
		rpc_env_of(&env, json_object_array_get_idx(arr, i));
		r = answer(&x, &env, 1, &bare);
		if (r != NULL && bare)
			r = rpc_result(x.msg.id, r);
		rpc_env_free(&env);
		if (r != NULL)
			json_object_array_add(out, r);
	}
	req_set_note(rq->rpc_method, sizeof(rq->rpc_method), "batch");
	if (rs->streaming) {
		n = json_object_array_length(out);
		for (i = 0; i < n && !rs->failed; i++)
			resp_sse_event(rs, rpc_to_string(
			    json_object_array_get_idx(out, i), NULL));
		json_object_put(out);
	} else if (json_object_array_length(out) == 0) {
		resp_empty(rs, 202);
		json_object_put(out);
	} else
		send_message(rs, 200, out);
}

/* The JSON-RPC part: media types, parsing, one message or a batch. */
static void
serve_post(struct mcp_app *app, const struct cfg *cfg, struct req *rq,
    struct resp *rs, struct auth_grant *grant)
{
	struct mcp_exchange	 x;
	struct rpc_env		 env;
	struct json_object	*o, *r;
	const char		*cause, *hver, *accept;
	int			 bare, rc;

	if (!is_json_content_type(req_header(rq, "Content-Type"))) {
		send_error(rq, rs, 415, NULL, RPC_INVALID_REQUEST,
		    "Unsupported Media Type: Content-Type must be "
		    "application/json", NULL);
		return;
	}
	accept = req_header(rq, "Accept");
	if (!mcp_accepts(accept, "application/json") ||
	    !mcp_accepts(accept, "text/event-stream")) {
		send_error(rq, rs, 406, NULL, RPC_INVALID_REQUEST,
		    "Not Acceptable: Accept must include application/json "
		    "and text/event-stream", NULL);
		return;
	}
	/* one message is read without building it; a batch is built */
	rc = rpc_parse_message(rq->body, rq->body_len, &env, &o, &cause);
	if (rc == -1) {
		char	 msg[160];

		snprintf(msg, sizeof(msg), "Parse error: %s",
		    cause ? cause : "invalid JSON");
		send_error(rq, rs, 400, NULL, RPC_PARSE_ERROR, msg, NULL);
		return;
	}
	if (rc == 0 && o == NULL) {
		/* JSON null: JSON, but no message */
		send_error(rq, rs, 400, NULL, RPC_INVALID_REQUEST,
		    "a JSON-RPC message must be an object", NULL);
		return;
	}
	if (rc == 0 && json_object_is_type(o, json_type_array)) {
		hver = req_header(rq, "MCP-Protocol-Version");
		/* the header twice (see answer): refused whole, as no
		 * message of a batch can be told apart by its id */
		if (req_header_count(rq, "MCP-Protocol-Version") > 1)
			send_error(rq, rs, 400, NULL, RPC_INVALID_REQUEST,
			    version_twice, NULL);
		else if (hver != NULL && strcmp(hver, "2025-03-26") != 0)
			send_error(rq, rs, 400, NULL, RPC_INVALID_REQUEST,
			    "JSON-RPC batches are only allowed in protocol "
			    "version 2025-03-26", NULL);
		else if (json_object_array_length(o) == 0)
			send_error(rq, rs, 400, NULL, RPC_INVALID_REQUEST,
			    "empty batch", NULL);
		else if ((long long)json_object_array_length(o) >
		    cfg->max_batch) {
			/* each element is answered, and its answer kept, in
			 * turn: a body of thousands would hold the worker
			 * and its memory for as long as they take */
			char	 msg[96];

			snprintf(msg, sizeof(msg), "a batch holds at most "
			    "%lld messages (MCP_MAX_BATCH)", cfg->max_batch);
			send_error(rq, rs, 400, NULL, RPC_INVALID_REQUEST, msg,
			    NULL);
		} else
			answer_batch(app, cfg, rq, rs, o, grant);
		json_object_put(o);
		return;
	}
	exchange_init(&x, app, cfg, rq, rs, grant);
	x.can_stream = x.watch = 1;
	r = answer(&x, &env, 0, &bare);
	if (x.handled)
		json_object_put(r);
	else if (r == NULL) {
		if (!rs->streaming)
			resp_empty(rs, x.http_status >= 400 ? x.http_status :
			    202);
	} else if (rs->streaming) {
		if (bare)
			r = rpc_result(x.msg.id, r);
		resp_sse_event(rs, rpc_to_string(r, NULL));
		json_object_put(r);
	} else if (bare) {
		/* the envelope written, not built: most answers end here */
		rpc_write_result(resp_json_body(rs, x.http_status), x.msg.id,
		    r);
		json_object_put(r);
	} else
		send_message(rs, x.http_status, r);
	rpc_env_free(&env);
	json_object_put(o);	/* a scalar that was no message, or NULL */
}

/*
 * The headers a browser may send: ours, the trace context, and the
 * Mcp-Param-* of the tools' x-mcp-header arguments (2026-07-28), whose
 * names only the preflight's request list says (at most CORS_PARAMS).
 */
#define CORS_PARAMS	32
static void
allow_headers(struct resp *rs, const char *asked)
{
	struct buf	 b;
	const char	*p, *e;
	size_t		 n, i;
	int		 added = 0;

	buf_init(&b);
	buf_puts(&b, "Authorization, Content-Type, Accept, "
	    "MCP-Protocol-Version, Mcp-Method, Mcp-Name, Last-Event-ID, "
	    "traceparent, tracestate");
	for (p = asked; p != NULL && *p != '\0' && added < CORS_PARAMS;
	    p = *e != '\0' ? e + 1 : e) {
		p += strspn(p, " \t");
		e = p + strcspn(p, ",");
		for (n = (size_t)(e - p); n > 0 && (p[n - 1] == ' ' ||
		    p[n - 1] == '\t'); n--)
			;
		if (n <= 10 || n > 128 || !util_strncaseeq(p, "mcp-param-", 10))
			continue;
		for (i = 10; i < n && (isalnum((unsigned char)p[i]) ||
		    p[i] == '-'); i++)
			;
		if (i < n)
			continue;	/* not a name we could have made */
		buf_puts(&b, ", ");
		buf_append(&b, p, n);
		added++;
	}
	resp_header(rs, "Access-Control-Allow-Headers", b.data);
	buf_free(&b);
}

/*
 * CORS for browser clients (the MCP Inspector): an allowed Origin is
 * echoed and may read the headers a client needs; a preflight is
 * answered here.  The Origin was checked by the guard already.
 */
static void
cors(struct req *rq, struct resp *rs)
{
	const char	*origin = req_header(rq, "Origin");

	if (origin == NULL)
		return;
	resp_header(rs, "Access-Control-Allow-Origin", origin);
	resp_header(rs, "Vary", "Origin");
	resp_header(rs, "Access-Control-Expose-Headers",
	    "WWW-Authenticate, Mcp-Protocol-Version, Retry-After");
	if (strcmp(rq->method, "OPTIONS") == 0) {
		resp_header(rs, "Access-Control-Allow-Methods", "POST, OPTIONS");
		allow_headers(rs, req_header(rq,
		    "Access-Control-Request-Headers"));
		resp_header(rs, "Access-Control-Max-Age", "86400");
	}
}

/*
 * GET <endpoint>/healthz, for load balancers: the worker is up and has its
 * tools.  It touches neither the API nor the provider, needs no token and
 * says nothing secret, so it is answered before the Host and Origin checks
 * (a balancer probes with its own Host).
 */
static void
health(struct mcp_app *app, struct req *rq, struct resp *rs)
{
	struct json_object	*o;

	if (strcmp(rq->method, "GET") != 0 && strcmp(rq->method, "HEAD") != 0) {
		resp_header(rs, "Allow", "GET, HEAD");
		resp_error_text(rs, 405, "Method Not Allowed");
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "status", json_object_new_string("ok"));
	json_object_object_add(o, "version",
	    json_object_new_string(PACKAGE_VERSION));
	json_object_object_add(o, "tools",
	    json_object_new_int64((int64_t)app->reg->ntools));
	resp_header(rs, "Cache-Control", "no-store");
	resp_json(rs, 200, o);
	json_object_put(o);
}

/*
 * A valid token that lacks a required scope, calling a tool: the 403
 * names the tool's scopes too, so that one step-up is enough, and the
 * refused call is audited.  NULL when the body is not one tools/call of
 * a known tool.
 */
static char *
forbidden_scopes(const struct mcp_app *app, const struct cfg *cfg,
    struct req *rq, const struct auth_grant *g)
{
	struct rpc_env		 env;
	struct json_object	*other, *name;
	const struct tool	*t;
	const char		*cause;
	char			*s = NULL;

	if (strcmp(rq->method, "POST") != 0 || rq->body == NULL ||
	    rpc_parse_message(rq->body, rq->body_len, &env, &other,
	    &cause) != 1)
		return NULL;
	if (env.method != NULL &&
	    json_object_is_type(env.method, json_type_string) &&
	    strcmp(json_object_get_string(env.method), "tools/call") == 0 &&
	    env.params != NULL &&
	    json_object_is_type(env.params, json_type_object) &&
	    json_object_object_get_ex(env.params, "name", &name) &&
	    json_object_is_type(name, json_type_string) &&
	    (t = reg_find(app->reg, json_object_get_string(name))) != NULL) {
		s = mcp_tool_scopes(app, t);
		mcp_trace_ids(cfg, rq, env.params, NULL);
		mcp_audit(cfg, rq, g, t->name, NULL, NULL, 1,
		    "insufficient_scope");
	}
	rpc_env_free(&env);
	json_object_put(other);
	return s;
}

static void
mcp_handle(void *p, const struct cfg *cfg, struct req *rq, struct resp *rs)
{
	struct mcp_app		*app = p;
	struct auth_grant	 grant;
	enum auth_status	 st;
	const char		*pi, *why;
	char			 note[128], *scope;

	pi = req_param(rq, "PATH_INFO");
	if (pi != NULL && strcmp(pi, "/healthz") == 0) {
		health(app, rq, rs);
		return;
	}
	if (pi != NULL && strcmp(pi, "/metrics") == 0) {
		/* like /healthz: for a scraper, with its own access rule;
		 * loopback-only also wants a Host of ours, or a page in a
		 * browser on this host could read it by DNS rebinding */
		if (cfg->metrics_token == NULL &&
		    !guard_host_ok(cfg, req_header(rq, "Host")))
			resp_error_text(rs, 403, "Forbidden: Host not allowed");
		else
			met_serve(rq, rs);
		return;
	}
	if (!guard_host_ok(cfg, req_header(rq, "Host"))) {
		send_error(rq, rs, 403, NULL, RPC_INVALID_REQUEST,
		    "Forbidden: Host not allowed", NULL);
		return;
	}
	if (!guard_origin_ok(cfg, req_header(rq, "Origin"))) {
		send_error(rq, rs, 403, NULL, RPC_INVALID_REQUEST,
		    "Forbidden: Origin not allowed", NULL);
		return;
	}
	if (pi != NULL && *pi != '\0' && strcmp(pi, "/") != 0) {
		/* a prefix match in the web server, not our endpoint */
		resp_error_text(rs, 404, "Not Found");
		return;
	}
	cors(rq, rs);
	if (strcmp(rq->method, "OPTIONS") == 0) {
		resp_header(rs, "Allow", "POST, OPTIONS");
		resp_empty(rs, 204);
		return;
	}
	/*
	 * The token before the method: without one, every request learns
	 * only where to get one (clients such as mcp-remote probe with GET
	 * and expect 401 before they start their sign-in).
	 */
	st = auth_check(app->auth, rq, &grant, &why);
	met_token_check(cfg->auth, st, why);
	if (st != AUTH_OK) {
		/* why is our own text; the token is never logged */
		snprintf(note, sizeof(note), "auth: %s", why ? why : "refused");
		req_set_note(rq->note, sizeof(rq->note), note);
		log_msg(LOGL_INFO, "req=%s token refused: %s", rq->id,
		    why ? why : "refused");
		scope = st == AUTH_FORBIDDEN ? forbidden_scopes(app, cfg, rq,
		    &grant) : NULL;
		auth_challenge(cfg, rs, st, why, scope != NULL ? scope :
		    auth_scope_hint(app->auth));
		free(scope);
		auth_grant_free(&grant);	/* a valid token may lack a scope */
		return;
	}
	if (strcmp(rq->method, "POST") != 0) {
		resp_header(rs, "Allow", "POST");
		send_error(rq, rs, 405, NULL, RPC_INVALID_REQUEST,
		    "Method Not Allowed: this endpoint keeps no sessions "
		    "and offers no GET stream; use POST", NULL);
		auth_grant_free(&grant);
		return;
	}
	serve_post(app, cfg, rq, rs, &grant);
	auth_grant_free(&grant);
}

const struct srv_prog srv_prog_mcp = {
	"mcp.fcgi", PROG_MCP, mcp_init, mcp_handle, mcp_fini,
};
