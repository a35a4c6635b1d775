/* SPDX-License-Identifier: ISC */
/*
 * jsonrpc: read a request body's JSON-RPC envelope through the JSON layer
 * (jparse), classify JSON-RPC 2.0 messages, and build responses.
 */
#include "config.h"

#include <string.h>

#include "jparse.h"
#include "jsonrpc.h"
#include "jwrite.h"

/*
 * The body of a request: bounded by the server (MCP_MAX_BODY) already.  A
 * member name twice in one object is refused at any depth: a proxy or a
 * firewall in front that reads the first would judge another method,
 * tool or argument than the one we would run.
 */
static const struct jp_opts rpc_body = { JP_TEXT_MAX, RPC_MAX_DEPTH,
    JP_NULL | JP_NO_DUP, JP_TREE_MAX };

/* JSON-RPC ids that MCP allows: strings and integers (never null). */
static int
valid_id(struct json_object *id)
{
	return json_object_is_type(id, json_type_string) ||
	    json_object_is_type(id, json_type_int);
}

/*
 * Keep a member the envelope knows; `v` is a reference this takes over.
 * One that comes twice is noted (rpc_parse_message refuses the body, as
 * the parser does below the top level).  Other members are dropped, and
 * so is whatever a repeat of theirs would mean.
 */
static void
env_member(void *ctx, const char *key, struct json_object *v)
{
	struct rpc_env		*e = ctx;
	struct json_object	**slot = NULL;
	unsigned		 bit = 0;

	if (strcmp(key, "jsonrpc") == 0) {
		e->has_jsonrpc = 1;
		slot = &e->jsonrpc;
		bit = 1;
	} else if (strcmp(key, "id") == 0) {
		e->has_id = 1;	/* "id": null leaves id NULL */
		slot = &e->id;
		bit = 2;
	} else if (strcmp(key, "method") == 0) {
		e->has_method = 1;
		slot = &e->method;
		bit = 4;
	} else if (strcmp(key, "params") == 0) {
		slot = &e->params;
		bit = 8;
	} else if (strcmp(key, "result") == 0) {
		e->has_result = 1;
		bit = 16;
	} else if (strcmp(key, "error") == 0) {
		e->has_error = 1;
		bit = 32;
	}
	e->repeated |= (e->seen & bit) != 0;
	e->seen |= bit;
	if (slot == NULL) {
		json_object_put(v);
		return;
	}
	json_object_put(*slot);
	*slot = v;
}

/* The envelope of a parsed message (a batch element). */
void
rpc_env_of(struct rpc_env *e, struct json_object *o)
{
	memset(e, 0, sizeof(*e));
	if (!json_object_is_type(o, json_type_object)) {
		e->not_object = 1;
		return;
	}
	json_object_object_foreach(o, key, val)
		env_member(e, key, json_object_get(val));
}

void
rpc_env_free(struct rpc_env *e)
{
	json_object_put(e->jsonrpc);
	json_object_put(e->id);
	json_object_put(e->method);
	json_object_put(e->params);
	memset(e, 0, sizeof(*e));
}

/*
 * A request body.  One message (an object) is read into *env without
 * building it: 1.  Anything else (a batch, JSON null, a scalar) comes
 * back in *other: 0, env->not_object set.  -1 with *cause on invalid
 * JSON, and *env then holds nothing.
 */
int
rpc_parse_message(const char *p, size_t n, struct rpc_env *env,
    struct json_object **other, const char **cause)
{
	int	 rc;

	memset(env, 0, sizeof(*env));
	rc = jp_parse_members(p, n, &rpc_body, env_member, env, other, cause);
	if (rc == 1 && env->repeated) {
		*cause = "duplicate member name";
		rc = -1;
	}
	if (rc == -1)
		rpc_env_free(env);
	else if (rc == 0)
		env->not_object = 1;
	return rc;
}

/*
 * Classify one message.  On failure *cause says why and msg->id holds the
 * id when one could be read (so the error can echo it).  Every pointer in
 * `m` borrows from the envelope.
 */
int
rpc_classify_env(const struct rpc_env *e, struct rpc_msg *m,
    const char **cause)
{
	memset(m, 0, sizeof(*m));
	*cause = NULL;
	if (e->not_object) {
		*cause = "a JSON-RPC message must be an object";
		return -1;
	}
	if (e->has_id && valid_id(e->id))
		m->id = e->id;
	if (!e->has_jsonrpc || jp_string(e->jsonrpc) == NULL ||
	    strcmp(jp_string(e->jsonrpc), "2.0") != 0) {
		*cause = "jsonrpc must be \"2.0\"";
		return -1;
	}
	if (e->has_id && !valid_id(e->id)) {
		*cause = "id must be a string or an integer";
		return -1;
	}
	if (e->has_method) {
		/*
		 * Neither a request nor a response (JSON-RPC 2.0 section
		 * 4): one that read it as the client's answer (a gateway
		 * checking requests) would let through what this runs.
		 */
		if (e->has_result || e->has_error) {
			*cause = "a request must not carry result or error";
			return -1;
		}
		if ((m->method = jp_string(e->method)) == NULL ||
		    *m->method == '\0') {
			*cause = "method must be a non-empty string";
			return -1;
		}
		if (e->params != NULL) {
			if (!json_object_is_type(e->params, json_type_object)) {
				*cause = "params must be an object";
				return -1;
			}
			m->params = e->params;
		}
		m->kind = e->has_id ? RPC_REQUEST : RPC_NOTIFICATION;
		return 0;
	}
	if (e->has_result + e->has_error != 1 || !e->has_id) {
		*cause = "not a request, notification or response";
		return -1;
	}
	m->kind = RPC_RESPONSE;
	return 0;
}

/* Classify a parsed message; `m` borrows from `o`. */
int
rpc_classify(struct json_object *o, struct rpc_msg *m, const char **cause)
{
	struct rpc_env	 e;
	int		 rc;

	rpc_env_of(&e, o);
	rc = rpc_classify_env(&e, m, cause);
	rpc_env_free(&e);	/* its references were extra ones on o's */
	return rc;
}

/* The id to echo: a new reference, or JSON null when there is none. */
struct json_object *
rpc_error_id(struct json_object *id)
{
	return id != NULL ? json_object_get(id) : NULL;
}

/* A success response; takes ownership of `result`, borrows `id`. */
struct json_object *
rpc_result(struct json_object *id, struct json_object *result)
{
	struct json_object	*o = json_object_new_object();

	jp_add(o, "jsonrpc", json_object_new_string("2.0"));
	jp_add(o, "id", rpc_error_id(id));
	jp_add(o, "result", result);
	return o;
}

/* The text of rpc_result(id, result), without building it; borrows both. */
void
rpc_write_result(struct buf *b, struct json_object *id,
    struct json_object *result)
{
	buf_append(b, "{\"jsonrpc\":\"2.0\",\"id\":", 22);
	jw_value(b, id);
	buf_append(b, ",\"result\":", 10);
	jw_value(b, result);
	buf_putc(b, '}');
}

/*
 * An error response; borrows `id` (NULL gives "id": null, as JSON-RPC
 * requires when the id could not be read), takes ownership of `data`.
 */
struct json_object *
rpc_error(struct json_object *id, int code, const char *message,
    struct json_object *data)
{
	struct json_object	*o = json_object_new_object();
	struct json_object	*e = json_object_new_object();

	jp_add(e, "code", json_object_new_int(code));
	jp_add(e, "message", json_object_new_string(message));
	if (data != NULL)
		jp_add(e, "data", data);
	jp_add(o, "jsonrpc", json_object_new_string("2.0"));
	jp_add(o, "id", rpc_error_id(id));
	jp_add(o, "error", e);
	return o;
}

/* Compact serialisation; the string lives as long as the object. */
const char *
rpc_to_string(struct json_object *o, size_t *len)
{
	size_t		 n;
	const char	*s;

	s = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE, &n);
	if (len != NULL)
		*len = n;
	return s;
}
