/* SPDX-License-Identifier: ISC */
/*
 * jsonrpc: parse a request body into a JSON tree with a depth limit and
 * UTF-8 validation, classify JSON-RPC 2.0 messages, and build responses.
 */
#include "config.h"

#include <string.h>

#include "jparse.h"
#include "jsonrpc.h"
#include "jwrite.h"

/*
 * One pass first, over the raw text: well-formed UTF-8 (no overlong
 * forms, no surrogates, nothing above U+10FFFF, RFC 3629) and no byte
 * below 0x20 inside a string (RFC 8259 §7); the parser (jparse.c) then
 * checks the grammar.  Outside strings no capital letter but the
 * exponent's E is allowed, so NaN and Infinity get their own message.
 */
static const char *
scan_text(const unsigned char *p, size_t n)
{
	size_t		 i = 0, k, len;
	unsigned int	 cp;
	int		 in_str = 0, esc = 0;

	while (i < n) {
		unsigned char	 c = p[i];

		/* the common run, plain ASCII inside a string, in a tight loop */
		if (in_str && !esc)
			while (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
				if (++i == n)
					return NULL;
				c = p[i];
			}
		if (c < 0x80) {
			if (in_str) {
				if (c < 0x20)
					return "control character in a string";
				if (esc)
					esc = 0;
				else if (c == '\\')
					esc = 1;
				else if (c == '"')
					in_str = 0;
			} else if (c == '"')
				in_str = 1;
			else if (c >= 'A' && c <= 'Z' && c != 'E')
				return "not JSON (NaN and Infinity are not "
				    "numbers)";
			i++;
			continue;
		}
		esc = 0;
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			cp = c & 0x07;
		} else
			return "invalid UTF-8";
		if (i + len > n)
			return "invalid UTF-8";
		for (k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return "invalid UTF-8";
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return "invalid UTF-8";
		i += len;
	}
	return NULL;
}

/* A JSON string as a C string, or NULL when it is not one or holds NUL. */
const char *
rpc_string(struct json_object *o)
{
	const char	*s;

	if (!json_object_is_type(o, json_type_string))
		return NULL;
	s = json_object_get_string(o);
	return strlen(s) == (size_t)json_object_get_string_len(o) ? s : NULL;
}

struct json_object *
rpc_parse(const char *p, size_t n, const char **cause)
{
	return rpc_parse_bounded(p, n, RPC_MAX_DEPTH, cause);
}

/* The checks every body passes first; NULL when it may be parsed. */
static const char *
body_checks(const char *p, size_t n)
{
	if (n == 0 || n > (size_t)INT32_MAX)
		return "empty body";
	return scan_text((const unsigned char *)p, n);
}

/*
 * Parse exactly one JSON value from `p`: nesting at most `depth`, valid
 * UTF-8, no trailing bytes other than whitespace, not JSON null (json-c
 * returns NULL for it, which callers could not tell from a failure).
 * Returns a new tree (the caller owns it) or NULL with *cause set.
 */
struct json_object *
rpc_parse_bounded(const char *p, size_t n, int depth, const char **cause)
{
	struct json_object	*o;

	if ((*cause = body_checks(p, n)) != NULL)
		return NULL;
	if (jp_parse(p, n, depth, &o, cause) == -1)
		return NULL;
	if (o == NULL)
		*cause = "JSON null";
	return o;
}

/* JSON-RPC ids that MCP allows: strings and integers (never null). */
static int
valid_id(struct json_object *id)
{
	return json_object_is_type(id, json_type_string) ||
	    json_object_is_type(id, json_type_int);
}

/*
 * Keep a member the envelope knows (a repeated one replaces the earlier,
 * as in a parsed object); `v` is a reference this takes over.
 */
static void
env_member(void *ctx, const char *key, struct json_object *v)
{
	struct rpc_env		*e = ctx;
	struct json_object	**slot = NULL;

	if (strcmp(key, "jsonrpc") == 0) {
		e->has_jsonrpc = 1;
		slot = &e->jsonrpc;
	} else if (strcmp(key, "id") == 0) {
		e->has_id = 1;	/* "id": null leaves id NULL */
		slot = &e->id;
	} else if (strcmp(key, "method") == 0) {
		e->has_method = 1;
		slot = &e->method;
	} else if (strcmp(key, "params") == 0)
		slot = &e->params;
	else if (strcmp(key, "result") == 0)
		e->has_result = 1;
	else if (strcmp(key, "error") == 0)
		e->has_error = 1;
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
	*other = NULL;
	if ((*cause = body_checks(p, n)) != NULL)
		return -1;
	rc = jp_parse_members(p, n, RPC_MAX_DEPTH, env_member, env, other,
	    cause);
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
	if (!e->has_jsonrpc || rpc_string(e->jsonrpc) == NULL ||
	    strcmp(rpc_string(e->jsonrpc), "2.0") != 0) {
		*cause = "jsonrpc must be \"2.0\"";
		return -1;
	}
	if (e->has_id && !valid_id(e->id)) {
		*cause = "id must be a string or an integer";
		return -1;
	}
	if (e->has_method) {
		if ((m->method = rpc_string(e->method)) == NULL ||
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

	rpc_add(o, "jsonrpc", json_object_new_string("2.0"));
	rpc_add(o, "id", rpc_error_id(id));
	rpc_add(o, "result", result);
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

	rpc_add(e, "code", json_object_new_int(code));
	rpc_add(e, "message", json_object_new_string(message));
	if (data != NULL)
		rpc_add(e, "data", data);
	rpc_add(o, "jsonrpc", json_object_new_string("2.0"));
	rpc_add(o, "id", rpc_error_id(id));
	rpc_add(o, "error", e);
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
