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

	*cause = NULL;
	if (n == 0 || n > (size_t)INT32_MAX) {
		*cause = "empty body";
		return NULL;
	}
	if ((*cause = scan_text((const unsigned char *)p, n)) != NULL)
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
 * Classify one message.  On failure *cause says why and msg->id holds the
 * id when one could be read (so the error can echo it).
 */
int
rpc_classify(struct json_object *o, struct rpc_msg *m, const char **cause)
{
	struct json_object	*jsonrpc = NULL, *id = NULL, *method = NULL;
	struct json_object	*params = NULL;
	int			 has_jsonrpc = 0, has_id = 0, has_method = 0;
	int			 has_result = 0, has_error = 0;

	memset(m, 0, sizeof(*m));
	*cause = NULL;
	if (!json_object_is_type(o, json_type_object)) {
		*cause = "a JSON-RPC message must be an object";
		return -1;
	}
	/* one pass over the members: cheaper than a hashed look-up each */
	json_object_object_foreach(o, key, val) {
		if (strcmp(key, "jsonrpc") == 0) {
			has_jsonrpc = 1;
			jsonrpc = val;
		} else if (strcmp(key, "id") == 0) {
			has_id = 1;	/* "id": null leaves id NULL */
			id = val;
		} else if (strcmp(key, "method") == 0) {
			has_method = 1;
			method = val;
		} else if (strcmp(key, "params") == 0)
			params = val;
		else if (strcmp(key, "result") == 0)
			has_result = 1;
		else if (strcmp(key, "error") == 0)
			has_error = 1;
	}
	if (has_id && valid_id(id))
		m->id = id;
	if (!has_jsonrpc || rpc_string(jsonrpc) == NULL ||
	    strcmp(rpc_string(jsonrpc), "2.0") != 0) {
		*cause = "jsonrpc must be \"2.0\"";
		return -1;
	}
	if (has_id && !valid_id(id)) {
		*cause = "id must be a string or an integer";
		return -1;
	}
	if (has_method) {
		if ((m->method = rpc_string(method)) == NULL ||
		    *m->method == '\0') {
			*cause = "method must be a non-empty string";
			return -1;
		}
		if (params != NULL) {
			if (!json_object_is_type(params, json_type_object)) {
				*cause = "params must be an object";
				return -1;
			}
			m->params = params;
		}
		m->kind = has_id ? RPC_REQUEST : RPC_NOTIFICATION;
		return 0;
	}
	if (has_result + has_error != 1 || !has_id) {
		*cause = "not a request, notification or response";
		return -1;
	}
	m->kind = RPC_RESPONSE;
	return 0;
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
