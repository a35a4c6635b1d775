/* SPDX-License-Identifier: ISC */
/*
 * api_call: one tool call becomes one HTTP request to the API.  Arguments
 * are validated against the tool's input schema first; the request is
 * built with every value encoded for its place (a path segment, the query,
 * a header, the body); the response is mapped by its media type.  Every
 * failure of the API is a tool result with isError, never a JSON-RPC
 * error: the model should see it and can act on it.
 */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "breaker.h"
#include "http.h"
#include "jparse.h"
#include "jsonschema.h"
#include "jwrite.h"
#include "log.h"
#include "api.h"
#include "trace.h"
#include "upstream.h"
#include "url.h"
#include "util.h"

#define API_EXCERPT	2048	/* bytes of an error body shown */
#define API_HEADERS_MAX	64
#define API_JSON_DEPTH	256

/*
 * A JSON answer of the API (map_success holds it to MCP_RESULT_MAX_BYTES
 * first); null is a value, one that is no object.  A member named twice
 * is no structuredContent: the text block beside it is the answer as it
 * came, and a reader of that (a model, a client) would take the first
 * value where the parse kept the last, which the schema checked.
 */
static const struct jp_opts answer_json = { JP_TEXT_MAX, API_JSON_DEPTH,
	JP_NULL | JP_NO_DUP, JP_TREE_MAX };

void
api_op_free(void *p)
{
	struct api_op	*op = p;
	size_t		 i;

	if (op == NULL)
		return;
	for (i = 0; i < op->nparams; i++) {
		free(op->params[i].name);
		free(op->params[i].prop);
	}
	free(op->params);
	for (i = 0; i < op->nbody_props; i++)
		free(op->body_props[i]);
	free(op->body_props);
	free(op->method);
	free(op->path);
	free(op->base_url);
	free(op->body_type);
	free(op->body_prop);
	api_creds_free(op->creds, op->ncreds);
	api_parts_free(op->parts, op->nparts);
	json_object_put(op->fixed);
	json_object_put(op->defaults);
	json_object_put(op->unsent_body);
	json_object_put(op->unsent_query);
	json_object_put(op->body_fixed);
	json_object_put(op->body_defaults);
	json_object_put(op->body_unsent);
	json_object_put(op->form_joined);
	free(op);
}

static void
add_text(struct json_object *content, const char *text, size_t len)
{
	struct json_object	*t = json_object_new_object();
	struct buf		 fixed;

	/* the API's bytes: a JSON text must be UTF-8 (json-c never checks) */
	buf_init(&fixed);
	if (util_utf8_repair(text, len, &fixed)) {
		text = fixed.data;
		len = fixed.len;
	}
	jp_add(t, "type", json_object_new_string("text"));
	jp_add(t, "text",
	    json_object_new_string_len(text, (int)len));
	json_object_array_add(content, t);
	buf_free(&fixed);
}

/* A result with isError and one text block of `len` bytes (NULs too). */
static struct json_object *
error_result(const char *text, size_t len)
{
	struct json_object	*r = json_object_new_object();
	struct json_object	*content = json_object_new_array();

	add_text(content, text, len);
	jp_add(r, "content", content);
	jp_add(r, "isError", json_object_new_boolean(1));
	return r;
}

/* A result with isError and one text block: the message for the model. */
__attribute__((format(printf, 1, 2)))
static struct json_object *
tool_error(const char *fmt, ...)
{
	struct json_object	*r;
	va_list			 ap;
	char			*msg;
	int			 n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	r = error_result(msg, (size_t)n);
	free(msg);
	return r;
}

/*
 * A log notification about the API call, when the client asked for
 * this level (formatted only then: most calls have nobody listening).
 * Never a URL's query or a header: they may carry credentials.
 */
__attribute__((format(printf, 3, 4)))
static void
say(struct tool_call *call, enum tool_log level, const char *fmt, ...)
{
	va_list	 ap;
	char	 text[512];

	if (call->log == NULL || call->log_min == 0 ||
	    (int)level + 1 < call->log_min)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	call->log(call->ctx, (int)level, text);
}

/*
 * A scalar as text for a URL or header: strings as they are, numbers as
 * JSON writes them, booleans as true/false.  -1 for objects and arrays.
 * A number with no fraction below 2^63 (a double holds it exactly) goes
 * as an integer: 1.0, 1e2 and 1e17 pass type integer, and an API reading
 * one from a URL (int(), strconv.Atoi) would refuse them as written.
 */
static int
scalar_text(struct json_object *v, struct buf *out)
{
	double	 d;

	switch (json_object_get_type(v)) {
	case json_type_string:
		buf_append(out, json_object_get_string(v),
		    (size_t)json_object_get_string_len(v));
		return 0;
	case json_type_boolean:
		buf_puts(out, json_object_get_boolean(v) ? "true" : "false");
		return 0;
	case json_type_double:
		d = json_object_get_double(v);
		if (d == floor(d) && fabs(d) < 9223372036854775808.0) {
			buf_printf(out, "%.0f", d);
			return 0;
		}
		/* FALLTHROUGH */
	case json_type_int:
		jw_value(out, v);	/* json-c's plain text, without its
					 * print buffer */
		return 0;
	default:
		return -1;
	}
}

/* Append `v` percent-encoded; nested structures go as JSON text. */
static void
encode_value(struct buf *b, struct json_object *v)
{
	struct buf	 t;

	buf_init(&t);
	if (scalar_text(v, &t) == -1)
		buf_puts(&t, json_object_to_json_string_ext(v,
		    JSON_C_TO_STRING_PLAIN));
	url_encode(b, t.data ? t.data : "", t.len);
	buf_free(&t);
}

/*
 * The one text of a parameter described by `content` (api_content):
 * JSON text for a JSON media type, else a scalar's text.
 */
static void
whole_text(struct json_object *v, const struct api_param *p, struct buf *t)
{
	if (p->content == API_CONTENT_JSON || scalar_text(v, t) == -1)
		buf_puts(t, json_object_to_json_string_ext(v,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}

/*
 * Does the text of `v` (a scalar's, or JSON text) hold a byte of
 * `delims`?
 */
static int
part_has(struct json_object *v, const char *delims)
{
	struct buf	 t;
	size_t		 i;
	int		 found = 0;

	buf_init(&t);
	if (scalar_text(v, &t) == -1)
		buf_puts(&t, json_object_to_json_string_ext(v,
		    JSON_C_TO_STRING_PLAIN));
	for (i = 0; i < t.len && !found; i++)
		found = t.data[i] != '\0' && strchr(delims, t.data[i]) != NULL;
	buf_free(&t);
	return found;
}

/*
 * An array or object whose items are joined with `delims` into one
 * value (a non-exploded query, path or header parameter), with one of
 * them inside an item or key: a reader that decodes before it splits
 * (Python's parse_qsl, Spring; %20 and %7C are what a space and '|'
 * encode to anyway) would see more items or keys than were sent, past
 * maxItems or additionalProperties: false.  NULL, or why not.
 */
static const char *
joined_split(struct json_object *v, const char *delims)
{
	static char	 why[64];
	size_t		 i, n;

	snprintf(why, sizeof(why), "must not hold '%s', which joins its "
	    "items", *delims == ' ' ? "space" : delims);
	if (json_object_is_type(v, json_type_array)) {
		n = json_object_array_length(v);
		for (i = 0; i < n; i++)
			if (part_has(json_object_array_get_idx(v, i), delims))
				return why;
	} else if (json_object_is_type(v, json_type_object)) {
		json_object_object_foreach(v, k, val)
			if (strpbrk(k, delims) != NULL || part_has(val, delims))
				return why;
	}
	return NULL;
}

/*
 * A path parameter as one path segment (style simple).  Every byte that
 * could end or climb out of the segment is encoded, and the dot segments
 * "." and ".." and the empty segment are refused outright, so no value
 * can change which path is called.
 */
static int
path_value(struct json_object *v, const struct api_param *p, struct buf *b,
    const char **why)
{
	struct buf	 one;
	size_t		 i, n, start = b->len;
	const char	*seg;
	int		 first = 1;

	if (p->content == API_CONTENT_NONE && (*why = joined_split(v,
	    json_object_is_type(v, json_type_object) && p->explode ?
	    ",=" : ",")) != NULL)
		return -1;
	if (p->content != API_CONTENT_NONE) {
		buf_init(&one);
		whole_text(v, p, &one);
		url_encode(b, one.data ? one.data : "", one.len);
		buf_free(&one);
	} else if (json_object_is_type(v, json_type_array)) {
		n = json_object_array_length(v);
		for (i = 0; i < n; i++) {
			if (!first)
				buf_putc(b, ',');
			first = 0;
			encode_value(b, json_object_array_get_idx(v, i));
		}
	} else if (json_object_is_type(v, json_type_object)) {
		json_object_object_foreach(v, k, val) {
			if (!first)
				buf_putc(b, ',');
			first = 0;
			url_encode(b, k, strlen(k));
			buf_putc(b, p->explode ? '=' : ',');
			encode_value(b, val);
		}
	} else {
		buf_init(&one);
		if (scalar_text(v, &one) == 0)
			url_encode(b, one.data ? one.data : "", one.len);
		buf_free(&one);
	}
	/*
	 * Whatever the value's shape, the segment it made must be a name.
	 * An encoded slash is refused too: servers (lighttpd among them)
	 * decode %2F before they resolve dot segments, so "../x" would climb
	 * out of the segment after all.
	 */
	seg = b->data != NULL ? b->data + start : "";
	if (b->len == start || strcmp(seg, ".") == 0 || strcmp(seg, "..") == 0) {
		*why = "must be a non-empty value other than . and ..";
		return -1;
	}
	if (strstr(seg, "%2F") != NULL || strstr(seg, "%5C") != NULL) {
		*why = "must not contain / or \\";
		return -1;
	}
	return 0;
}

static void
query_pair(struct buf *q, const char *name, const char *suffix,
    struct json_object *v)
{
	buf_putc(q, q->len ? '&' : '?');
	url_encode(q, name, strlen(name));
	if (suffix != NULL) {
		buf_puts(q, "%5B");
		url_encode(q, suffix, strlen(suffix));
		buf_puts(q, "%5D");
	}
	buf_putc(q, '=');
	encode_value(q, v);
}

/*
 * A query parameter by its style and explode (OpenAPI 3 §4.8.12.4); -1
 * with *why when its items cannot be joined (joined_split).
 */
static int
query_value(struct json_object *v, const struct api_param *p, struct buf *q,
    const char **why)
{
	const char	*sep = p->style == API_STYLE_SPACE ? "%20" :
			    p->style == API_STYLE_PIPE ? "%7C" : ",";
	const char	*delim = p->style == API_STYLE_SPACE ? " " :
			    p->style == API_STYLE_PIPE ? "|" : ",";
	struct buf	 t;
	size_t		 i, n;

	if (p->content != API_CONTENT_NONE) {
		buf_init(&t);
		whole_text(v, p, &t);
		buf_putc(q, q->len ? '&' : '?');
		url_encode(q, p->name, strlen(p->name));
		buf_putc(q, '=');
		url_encode(q, t.data ? t.data : "", t.len);
		buf_free(&t);
		return 0;
	}
	if (!p->explode && p->style != API_STYLE_DEEP &&
	    (*why = joined_split(v, delim)) != NULL)
		return -1;
	if (json_object_is_type(v, json_type_array)) {
		n = json_object_array_length(v);
		if (p->explode) {
			for (i = 0; i < n; i++)
				query_pair(q, p->name, NULL,
				    json_object_array_get_idx(v, i));
			return 0;
		}
		buf_putc(q, q->len ? '&' : '?');
		url_encode(q, p->name, strlen(p->name));
		buf_putc(q, '=');
		for (i = 0; i < n; i++) {
			if (i > 0)
				buf_puts(q, sep);
			encode_value(q, json_object_array_get_idx(v, i));
		}
	} else if (json_object_is_type(v, json_type_object)) {
		if (p->style == API_STYLE_DEEP) {
			/*
			 * name[key]: a key with a bracket would nest deeper
			 * once decoded (qs, PHP, Rack: name[a][role]), and an
			 * empty one is an array push (name[])
			 */
			json_object_object_foreach(v, k0, val0) {
				(void)val0;
				if (*k0 == '\0' || strpbrk(k0, "[]") != NULL) {
					*why = "must not have an empty key or "
					    "one with '[' or ']'";
					return -1;
				}
			}
			json_object_object_foreach(v, k, val)
				query_pair(q, p->name, k, val);
		} else if (p->explode) {
			json_object_object_foreach(v, k2, val2) {
				buf_putc(q, q->len ? '&' : '?');
				url_encode(q, k2, strlen(k2));
				buf_putc(q, '=');
				encode_value(q, val2);
			}
		} else {
			buf_putc(q, q->len ? '&' : '?');
			url_encode(q, p->name, strlen(p->name));
			buf_putc(q, '=');
			n = 0;
			json_object_object_foreach(v, k3, val3) {
				/* R%20100%20G%20200 (OpenAPI's style table) */
				if (n++ > 0)
					buf_puts(q, sep);
				url_encode(q, k3, strlen(k3));
				buf_puts(q, sep);
				encode_value(q, val3);
			}
		}
	} else
		query_pair(q, p->name, NULL, v);
	return 0;
}

/*
 * The next character of a name as a case-blind reader of names sees it,
 * advancing *p: ASCII letters in lower case, and the four non-ASCII
 * letters that such readers take for ASCII ones: the long s (Go, .NET),
 * the Kelvin sign (Go), the dotless i (.NET) and the dotted capital I
 * (Java).  0 at the end, where *p stays.
 */
static int
name_fold(const char **p)
{
	const unsigned char	*s = (const unsigned char *)*p;
	int			 c = *s;

	if (c == 0xc5 && s[1] == 0xbf)
		c = 's', *p += 1;
	else if (c == 0xc4 && (s[1] == 0xb0 || s[1] == 0xb1))
		c = 'i', *p += 1;
	else if (c == 0xe2 && s[1] == 0x84 && s[2] == 0xaa)
		c = 'k', *p += 2;
	else
		c = tolower(c);
	if (c != 0)
		*p += 1;
	return c;
}

/* Are `a` and `b` the same name to a case-blind reader (name_fold)? */
static int
name_same_nocase(const char *a, const char *b)
{
	int	 x;

	while ((x = name_fold(&a)) == name_fold(&b))
		if (x == 0)
			return 1;
	return 0;
}

/*
 * Would an API read query name `k` as `name`, when an unclosed '[' is
 * the end of a name (`php` 0: Rack) or an '_' (`php` 1)?  Frameworks
 * differ: some compare without case (ASP.NET), some read "name[x]",
 * "name[]" and "[name]" as "name" (PHP, Rails, qs), Rack drops any
 * brackets around a name, PHP skips leading spaces and turns "." and " "
 * into "_".
 */
static int
query_name_read_as(const char *k, const char *name, int php)
{
	int	 a, b;

	while (*k == ' ' || *k == '[' || *k == ']')
		k++;
	for (;;) {
		if (*k == ']' || (*k == '[' && (!php ||
		    strchr(k, ']') != NULL)))
			a = '\0';
		else if (*k == '[')
			a = '_', k++;
		else
			a = name_fold(&k);
		b = name_fold(&name);
		a = a == '.' || a == ' ' ? '_' : a;
		b = b == '.' || b == ' ' ? '_' : b;
		if (a != b)
			return 0;
		if (a == '\0')
			return 1;
	}
}

/* Would some API read query name `k` as `name`?  As the most lenient. */
static int
query_name_same(const char *k, const char *name)
{
	return query_name_read_as(k, name, 0) ||
	    query_name_read_as(k, name, 1);
}

/* Is `k` the `same` as one of the names of `set` (keys of an object)? */
static int
in_set(struct json_object *set, const char *k,
    int (*same)(const char *, const char *))
{
	if (set == NULL)
		return 0;
	json_object_object_foreach(set, n, v) {
		(void)v;
		if (same(k, n))
			return 1;
	}
	return 0;
}

/*
 * A name that an API may read as a query parameter of the operation
 * other than `self` (NULL: any): another argument's, one the operator
 * fixed or never sends (x-mcp-hidden), a static credential.  With
 * `operators`, only the last three: names whose values the model must
 * not choose.
 */
static int
query_name_taken(const struct api_op *op, const struct api_param *self,
    const char *k, int operators)
{
	size_t	 i;

	for (i = 0; i < op->nparams; i++)
		if (&op->params[i] != self &&
		    op->params[i].in == API_IN_QUERY &&
		    (!operators || json_object_object_get_ex(op->fixed,
		    op->params[i].prop, NULL)) &&
		    query_name_same(k, op->params[i].name))
			return 1;
	for (i = 0; i < op->ncreds; i++)
		if (op->creds[i].in == API_CRED_QUERY &&
		    query_name_same(k, op->creds[i].name))
			return 1;
	return in_set(op->unsent_query, k, query_name_same);
}

/*
 * A key of an object sent exploded (style form: each key a query name)
 * that an API may read as another query parameter (query_name_taken), or
 * as a body property the operator fixed or never sends: Rails, Spring
 * and Flask's request.values merge the query into the body's names (the
 * query's copy first), PHP's $_REQUEST and Laravel too (the body's).  The
 * API would get the name twice, and frameworks differ on which of the
 * two they take.  NULL when there is none.
 */
static const char *
query_key_taken(const struct api_op *op, const struct api_param *self,
    struct json_object *v)
{
	if (!self->explode || self->style == API_STYLE_DEEP ||
	    self->content != API_CONTENT_NONE ||
	    !json_object_is_type(v, json_type_object))
		return NULL;
	json_object_object_foreach(v, k, val) {
		(void)val;
		if (query_name_taken(op, self, k, 0) ||
		    in_set(op->fixed, k, query_name_same) ||
		    in_set(op->unsent_body, k, query_name_same) ||
		    in_set(op->body_fixed, k, query_name_same) ||
		    in_set(op->body_unsent, k, query_name_same))
			return k;
	}
	return NULL;
}

/*
 * A key of a body (curated: the model's copies of fixed properties are
 * gone) that an API merging the query and the body (above) may read as
 * a query parameter the operator fixed or never sends, or a static query
 * credential.  The operator's own fixed and default properties (`fixed`,
 * `defaults`) may; an ordinary parameter's name gives the model nothing
 * it has not.  NULL when there is none.
 */
static const char *
body_key_taken(const struct api_op *op, struct json_object *body,
    struct json_object *fixed, struct json_object *defaults)
{
	if (!json_object_is_type(body, json_type_object))
		return NULL;
	json_object_object_foreach(body, k, val) {
		(void)val;
		if (!json_object_object_get_ex(fixed, k, NULL) &&
		    !json_object_object_get_ex(defaults, k, NULL) &&
		    query_name_taken(op, NULL, k, 1))
			return k;
	}
	return NULL;
}

/*
 * A query parameter the document declares under the name of a static
 * query credential (Swagger 2.0 documents often list the key both ways):
 * never sent from an argument.  The model's value would come before the
 * key, and many frameworks take the first of two.
 */
static int
query_cred_named(const struct api_op *op, const char *name)
{
	size_t	 i;

	for (i = 0; op->upauth == UPAUTH_STATIC && i < op->ncreds; i++)
		if (op->creds[i].in == API_CRED_QUERY &&
		    query_name_same(name, op->creds[i].name))
			return 1;
	return 0;
}

/*
 * A header value (style simple, or whole: api_content); control
 * characters are refused.
 */
static int
header_value(struct json_object *v, const struct api_param *p, struct buf *h)
{
	struct buf	 t;
	size_t		 i, n;
	int		 rc = 0;

	buf_init(&t);
	if (p->content != API_CONTENT_NONE)
		whole_text(v, p, &t);
	else if (joined_split(v, ",") != NULL)
		rc = -1;
	else if (json_object_is_type(v, json_type_array)) {
		n = json_object_array_length(v);
		for (i = 0; i < n && rc == 0; i++) {
			if (i > 0)
				buf_putc(&t, ',');
			rc = scalar_text(json_object_array_get_idx(v, i), &t);
		}
	} else
		rc = scalar_text(v, &t);
	/* controls (but tab) and DEL are no field-vchar (RFC 9110 5.5) */
	for (i = 0; rc == 0 && i < t.len; i++)
		if (((unsigned char)t.data[i] < 0x20 && t.data[i] != '\t') ||
		    t.data[i] == 0x7f)
			rc = -1;
	if (rc == 0)
		buf_append(h, t.data ? t.data : "", t.len);
	buf_free(&t);
	return rc;
}

/*
 * Headers never passed on, whatever MCP_FORWARD_HEADERS or a document's
 * header parameters say: those that frame the message or route it (a
 * caller's Content-Length or Host would desynchronise the kept connection
 * or reach another virtual host), and those the call sets itself.
 */
int
api_header_reserved(const char *name)
{
	static const char *const hop[] = {
		"connection", "keep-alive", "proxy-authenticate",
		"proxy-authorization", "proxy-connection", "te", "trailer",
		"transfer-encoding", "upgrade", "host", "content-length",
		"content-type", "accept", "accept-encoding", "expect", NULL
	};
	size_t	 i;

	for (i = 0; hop[i] != NULL; i++)
		if (util_strcaseeq(name, hop[i]))
			return 1;
	return 0;
}

/*
 * Headers that carry the caller's credentials: passed on only in
 * passthrough mode (MCP authorization: no token passthrough).
 */
static int
credential_header(const char *name)
{
	return util_strcaseeq(name, "authorization") ||
	    util_strcaseeq(name, "cookie") ||
	    util_strcaseeq(name, "proxy-authorization");
}

/*
 * Form encoding of an object's members.  An array repeats its key, or,
 * when the body's encoding does not explode it (op->form_joined), is one
 * value of its items joined by its style's delimiter, which none of them
 * may hold (joined_split).  NULL, or the member that cannot be joined
 * with *why.
 */
static const char *
form_body(const struct api_op *op, struct json_object *obj, struct buf *b,
    const char **why)
{
	struct json_object	*e, *d;
	const char		*delim;
	size_t			 i;

	json_object_object_foreach(obj, k, v) {
		if (v == NULL)
			continue;
		if (json_object_is_type(v, json_type_array) &&
		    json_object_object_get_ex(op->form_joined, k, &d)) {
			delim = json_object_get_string(d);
			if ((*why = joined_split(v, delim)) != NULL)
				return k;
			if (b->len)
				buf_putc(b, '&');
			url_encode(b, k, strlen(k));
			buf_putc(b, '=');
			for (i = 0; i < json_object_array_length(v); i++) {
				if (i > 0)
					buf_puts(b, *delim == ' ' ? "%20" :
					    *delim == '|' ? "%7C" : ",");
				encode_value(b, json_object_array_get_idx(v,
				    i));
			}
			continue;
		}
		if (json_object_is_type(v, json_type_array)) {
			for (i = 0; i < json_object_array_length(v); i++) {
				e = json_object_array_get_idx(v, i);
				if (b->len)
					buf_putc(b, '&');
				url_encode(b, k, strlen(k));
				buf_putc(b, '=');
				encode_value(b, e);
			}
			continue;
		}
		if (b->len)
			buf_putc(b, '&');
		url_encode(b, k, strlen(k));
		buf_putc(b, '=');
		encode_value(b, v);
	}
	return NULL;
}

/* The request being built. */
struct api_req {
	struct buf	 url;
	struct buf	 query;
	struct buf	 body;
	int		 has_body;
	char		*headers[API_HEADERS_MAX + 1];
	size_t		 nheaders;
	int		 headers_lost;	/* more than API_HEADERS_MAX */
};

static void
req_add_header(struct api_req *r, const char *name, const char *value)
{
	if (r->nheaders < API_HEADERS_MAX)
		r->headers[r->nheaders++] = util_join(name, ": ", value);
	else
		r->headers_lost = 1;
}

/* A request that lost headers (req_add_header) is not sent. */
static struct json_object *
too_many_headers(void)
{
	return tool_error("Invalid arguments: the call would send more than "
	    "%d headers to the API", API_HEADERS_MAX);
}

/*
 * Do a header line's name and `name` reach a CGI or FastCGI API as one
 * variable?  Web servers upper-case letters and turn every other byte
 * into '_' (lighttpd; Apache and nginx drop some such names, others
 * keep them), so X_API_Key, x.api.key and X-API-Key are one header to
 * the API, and the first one sent is the one it reads.
 */
static int
header_line_named(const char *line, const char *name, size_t n)
{
	size_t		 i;
	unsigned char	 a, b;

	for (i = 0; i < n; i++) {
		a = (unsigned char)line[i];
		b = (unsigned char)name[i];
		if (a == ':' || a == '\0')
			return 0;
		if (isalnum(a) || isalnum(b)) {
			if (toupper(a) != toupper(b))
				return 0;
		}
	}
	return line[n] == ':';
}

/* Remove every header of that name, in any spelling (above). */
static void
req_drop_header(struct api_req *r, const char *name)
{
	size_t	 i, n = strlen(name);

	for (i = 0; i < r->nheaders; i++)
		if (header_line_named(r->headers[i], name, n)) {
			explicit_bzero(r->headers[i], strlen(r->headers[i]));
			free(r->headers[i]);
			r->headers[i--] = r->headers[--r->nheaders];
			/* the array ends at a NULL (up_request's headers) */
			r->headers[r->nheaders] = NULL;
		}
}

/* Add a header in place of any of that name (a credential wins). */
static void
req_set_header(struct api_req *r, const char *name, const char *value)
{
	req_drop_header(r, name);
	req_add_header(r, name, value);
}

/*
 * The W3C trace context (trace.c): unless MCP_TRACE is off, traceparent
 * and tracestate are the ones trace.c chose, valid, once each, or none;
 * never a copy MCP_FORWARD_HEADERS made or an argument of that name.
 */
static void
trace_headers(const struct cfg *cfg, const struct tool_call *call,
    struct api_req *r)
{
	const char	*v;

	if (cfg->trace == TRACEM_OFF)
		return;
	req_drop_header(r, "traceparent");
	req_drop_header(r, "tracestate");
	if ((v = trace_parent(call->trace)) != NULL)
		req_add_header(r, "traceparent", v);
	if ((v = trace_state(call->trace)) != NULL)
		req_add_header(r, "tracestate", v);
}

/*
 * Static mode: the operation's credentials where its document says:
 * the query keys (`query`), or the headers and cookies, which replace
 * any header of that name.
 */
static void
static_creds(const struct api_op *op, struct api_req *r, int query)
{
	const struct api_cred	*c;
	struct buf		 cookie;
	size_t			 i;

	buf_init(&cookie);
	for (i = 0; i < op->ncreds; i++) {
		c = &op->creds[i];
		if ((c->in == API_CRED_QUERY) != query)
			continue;
		if (c->in == API_CRED_HEADER)
			req_set_header(r, c->name, c->value);
		else if (c->in == API_CRED_COOKIE)
			buf_printf(&cookie, "%s%s=%s", cookie.len ? "; " : "",
			    c->name, c->value);
		else {
			buf_putc(&r->query, r->query.len ? '&' : '?');
			url_encode(&r->query, c->name, strlen(c->name));
			buf_putc(&r->query, '=');
			url_encode(&r->query, c->value, strlen(c->value));
		}
	}
	if (cookie.len > 0)
		req_set_header(r, "Cookie", cookie.data);
	if (cookie.data != NULL)
		explicit_bzero(cookie.data, cookie.len);
	buf_free(&cookie);
}

static void
api_req_free(struct api_req *r)
{
	size_t	 i;

	/* a static key may be in the query, a token in a header */
	if (r->url.data != NULL)
		explicit_bzero(r->url.data, r->url.len);
	if (r->query.data != NULL)
		explicit_bzero(r->query.data, r->query.len);
	buf_free(&r->url);
	buf_free(&r->query);
	buf_free(&r->body);
	for (i = 0; i < r->nheaders; i++) {
		explicit_bzero(r->headers[i], strlen(r->headers[i]));
		free(r->headers[i]);
	}
}

/*
 * Build URL, headers and body from validated arguments.  Returns NULL, or
 * a tool error result naming the argument that cannot be sent.
 */
static struct json_object *
build_request(const struct cfg *cfg, const struct api_op *op,
    struct tool_call *call, struct api_req *r)
{
	const struct api_param	*p;
	struct json_object	*v, *obj, *result = NULL;
	const char		*s, *e, *why = NULL, *in;
	char			 pname[256];
	char			*copy, *lp, *tok;
	struct buf		 h;
	size_t			 i;

	buf_puts(&r->url, op->base_url);
	for (s = op->path; *s != '\0'; s = e) {
		if (*s != '{' || (e = strchr(s, '}')) == NULL ||
		    (size_t)(e - s - 1) >= sizeof(pname)) {
			e = s + 1;
			buf_putc(&r->url, *s);
			continue;
		}
		memcpy(pname, s + 1, (size_t)(e - s - 1));
		pname[e - s - 1] = '\0';
		e++;
		for (i = 0, p = NULL; i < op->nparams; i++)
			if (op->params[i].in == API_IN_PATH &&
			    strcmp(op->params[i].name, pname) == 0)
				p = &op->params[i];
		if (p == NULL || !json_object_object_get_ex(call->args,
		    p->prop, &v) || v == NULL)
			return tool_error("Invalid arguments: path parameter "
			    "%s is required", p ? p->prop : pname);
		if (path_value(v, p, &r->url, &why) == -1)
			return tool_error("Invalid arguments: arguments.%s %s",
			    p->prop, why);
	}
	for (i = 0; i < op->nparams; i++) {
		p = &op->params[i];
		if (p->in == API_IN_PATH ||
		    !json_object_object_get_ex(call->args, p->prop, &v) ||
		    v == NULL)
			continue;
		if (p->in == API_IN_QUERY && query_cred_named(op, p->name))
			continue;
		if (p->in == API_IN_QUERY &&
		    (s = query_key_taken(op, p, v)) != NULL)
			return tool_error("Invalid arguments: arguments.%s "
			    "cannot have the key '%.64s': the operation has a "
			    "query parameter of that name", p->prop, s);
		if (p->in == API_IN_QUERY) {
			if (query_value(v, p, &r->query, &why) == -1)
				return tool_error("Invalid arguments: "
				    "arguments.%s %s", p->prop, why);
		} else {
			buf_init(&h);
			if (header_value(v, p, &h) == -1) {
				buf_free(&h);
				return tool_error("Invalid arguments: "
				    "arguments.%s cannot be sent as the header "
				    "%s (control characters, not a scalar, or "
				    "an item with ',')", p->prop, p->name);
			}
			req_add_header(r, p->name, h.data ? h.data : "");
			buf_free(&h);
		}
	}
	if (op->upauth == UPAUTH_STATIC)
		static_creds(op, r, 1);
	buf_append(&r->url, r->query.data ? r->query.data : "", r->query.len);

	/*
	 * The caller's headers that the operator named; its credentials
	 * only in passthrough mode.  A header argument of such a name is
	 * not sent, whether the caller sent the header or not: the operator
	 * chose where it comes from (a proxy in front may set it), two
	 * would leave the API to pick one, and the model's alone would pass
	 * for the proxy's.
	 */
	if (cfg->forward_headers != NULL) {
		copy = xstrdup(cfg->forward_headers);
		for (lp = copy; (tok = strsep(&lp, ",")) != NULL;) {
			tok = util_trim(tok);
			if (*tok == '\0' || api_header_reserved(tok) ||
			    (op->upauth != UPAUTH_PASSTHROUGH &&
			    credential_header(tok)))
				continue;
			req_drop_header(r, tok);
			if ((in = call->header(call->ctx, tok)) == NULL)
				continue;
			if (in == tool_header_twice) {
				result = tool_error("The request carries the "
				    "header %.64s more than once (or also under "
				    "another spelling, such as '_' for '-'): "
				    "which one to pass on cannot be known",
				    tok);
				break;
			}
			req_add_header(r, tok, in);
		}
		free(copy);
		if (result != NULL)
			return result;
	}
	if (op->upauth == UPAUTH_STATIC)
		static_creds(op, r, 0);
	trace_headers(cfg, call, r);

	if (op->body != API_BODY_NONE) {
		obj = NULL;
		if (op->body_prop != NULL) {
			json_object_object_get_ex(call->args, op->body_prop,
			    &obj);
			if (obj != NULL && (s = body_key_taken(op, obj,
			    op->body_fixed, op->body_defaults)) != NULL)
				return tool_error("Invalid arguments: "
				    "arguments.%s cannot have the key "
				    "'%.64s': the operation has a query "
				    "parameter of that name", op->body_prop,
				    s);
		} else {
			if (op->body_whole && (s = body_key_taken(op,
			    call->args, op->fixed, op->defaults)) != NULL)
				return tool_error("Invalid arguments: the "
				    "arguments cannot have the key '%.64s': "
				    "the operation has a query parameter of "
				    "that name", s);
			/* body_whole: the arguments are the body, as given */
			obj = op->body_whole ? json_object_get(call->args) :
			    json_object_new_object();
			for (i = 0; i < op->nbody_props; i++)
				if (json_object_object_get_ex(call->args,
				    op->body_props[i], &v))
					json_object_object_add(obj,
					    op->body_props[i],
					    json_object_get(v));
			/* a required body goes even empty: {} or "" */
			if (json_object_object_length(obj) == 0 &&
			    !op->body_required) {
				json_object_put(obj);
				obj = NULL;
			}
		}
		if (obj != NULL && (op->body == API_BODY_MULTIPART ||
		    op->body == API_BODY_BINARY)) {
			/* files from base64, parts: api_body.c */
			char	*ctype, *berr;
			int	 brc;

			brc = api_body_build(op, obj, (size_t)cfg->max_body,
			    &r->body, &ctype, &berr);
			if (op->body_prop == NULL)
				json_object_put(obj);
			if (brc == -1) {
				v = tool_error("Invalid arguments: %s", berr);
				free(berr);
				return v;
			}
			r->has_body = 1;
			req_add_header(r, "Content-Type", ctype);
			free(ctype);
		} else if (obj != NULL) {
			r->has_body = 1;
			if (op->body == API_BODY_FORM &&
			    json_object_is_type(obj, json_type_object)) {
				if ((s = form_body(op, obj, &r->body, &why)) !=
				    NULL) {
					v = tool_error("Invalid arguments: "
					    "arguments.%s%s%.64s %s",
					    op->body_prop ? op->body_prop : "",
					    op->body_prop ? "." : "", s, why);
					if (op->body_prop == NULL)
						json_object_put(obj);
					return v;
				}
			} else if (op->body == API_BODY_RAW &&
			    json_object_is_type(obj, json_type_string))
				buf_append(&r->body, json_object_get_string(obj),
				    (size_t)json_object_get_string_len(obj));
			else
				buf_puts(&r->body, json_object_to_json_string_ext(
				    obj, JSON_C_TO_STRING_PLAIN |
				    JSON_C_TO_STRING_NOSLASHESCAPE));
			req_add_header(r, "Content-Type", op->body_type);
			if (op->body_prop == NULL)
				json_object_put(obj);
		}
	}
	req_add_header(r, "Accept",
	    "application/json, text/*;q=0.9, */*;q=0.8");
	req_add_header(r, "User-Agent", PACKAGE_NAME "/" PACKAGE_VERSION);
	/* not sent without the last ones: the credential, Content-Type */
	return r->headers_lost ? too_many_headers() : NULL;
}

/* Progress from libcurl, passed on at most every 100 ms. */
struct api_progress {
	struct tool_call	*call;
	double			 last_time;
};

/* Bytes arrived; -1 stops the transfer when the client is gone. */
static int
on_progress(void *ctx, double now, double total)
{
	struct api_progress	*pr = ctx;
	double			 t = util_now_mono();

	if (t - pr->last_time < 0.1 && !(total > 0 && now >= total))
		return 0;
	pr->last_time = t;
	return pr->call->progress(pr->call->ctx, now, total, NULL) == -1 ?
	    -1 : 0;
}

/* Answers shown as text (these prefixes, so application/xml-dtd too). */
static int
is_text_media(const char *ct)
{
	return api_media_prefix(ct, "text/") ||
	    api_media_prefix(ct, "application/xml") ||
	    api_media_prefix(ct, "application/yaml") ||
	    api_media_prefix(ct, "application/x-www-form-urlencoded") ||
	    api_media_prefix(ct, "application/javascript");
}

/* The media type without parameters, lower case, for mimeType fields. */
static char *
bare_type(const char *ct, const char *fallback)
{
	if (ct == NULL || *ct == '\0')
		return xstrdup(fallback);
	return api_media_bare(ct);
}

/* A bounded excerpt of an error body, cut on a UTF-8 boundary. */
static void
excerpt(const struct buf *body, struct buf *out)
{
	size_t	 n = body->len;

	if (n > API_EXCERPT) {
		n = API_EXCERPT;
		while (n > 0 && ((unsigned char)body->data[n] & 0xc0) == 0x80)
			n--;
	}
	buf_append(out, body->data, n);
	if (n < body->len)
		buf_puts(out, "\n[\xe2\x80\xa6 truncated]");
}

/*
 * The answer as text, cut at `max` bytes (on a UTF-8 boundary) with a
 * note saying how much was cut (MCP_RESULT_MAX_BYTES).
 */
static void
add_answer(struct json_object *content, const struct buf *body, size_t max)
{
	char	 note[256];
	size_t	 n = body->len;

	if (n <= max) {
		add_text(content, body->data, n);
		return;
	}
	n = max;
	while (n > 0 && ((unsigned char)body->data[n] & 0xc0) == 0x80)
		n--;
	add_text(content, body->data, n);
	snprintf(note, sizeof(note), "[\xe2\x80\xa6 the answer was cut here: "
	    "%zu of %zu bytes shown (MCP_RESULT_MAX_BYTES); no structured "
	    "content]", n, body->len);
	add_text(content, note, strlen(note));
}

static void	 add_media(const struct api_op *, const struct up_response *,
		    size_t, struct json_object *);

/*
 * An answer's text in UTF-8: its body, or the body converted into `tmp`
 * (initialised here, the caller frees it) from the charset its
 * Content-Type names: Latin-1 or UTF-16 read as UTF-8 was U+FFFD.
 */
static const struct buf *
answer_text(const struct up_response *rs, struct buf *tmp)
{
	buf_init(tmp);
	return api_media_utf8(rs->content_type, rs->body.data, rs->body.len,
	    tmp) == 1 ? tmp : &rs->body;
}

/*
 * A successful answer that the tool's outputSchema cannot carry (JSON
 * outside the schema, not JSON, too large).  A result without
 * structuredContent must then have isError (clients reject anything else
 * for a tool with an outputSchema), so it is one, whose first text says
 * the call worked and why, and whose next holds the answer itself.
 */
static struct json_object *
unstructured(const struct api_op *op, const struct up_response *rs,
    size_t max, const char *why)
{
	struct json_object	*r = json_object_new_object();
	struct json_object	*content = json_object_new_array();
	char			*msg;
	struct buf		 tmp;
	int			 text = api_media_is_json(rs->content_type) ||
				    is_text_media(rs->content_type);

	xasprintf(&msg, "HTTP %ld from %s %s: the call worked, but the answer "
	    "is %s. %s", rs->status, op->method, op->path, why, text ?
	    "It follows as text, without structured content." :
	    "It follows as it came, without structured content.");
	add_text(content, msg, strlen(msg));
	free(msg);
	if (text) {
		add_answer(content, answer_text(rs, &tmp), max);
		buf_free(&tmp);
	} else
		add_media(op, rs, max, content);
	jp_add(r, "content", content);
	jp_add(r, "isError", json_object_new_boolean(1));
	return r;
}

/*
 * The URI that names a resource the API answered with: the request's URL
 * without its query, fragment or user information.  The query may carry
 * the API's key (an apiKey in: query), and the model reads this URI.
 */
static char *
resource_uri(const char *url)
{
	struct url	 u;
	struct buf	 b;
	const char	*cause;
	char		 num[24];

	if (url_parse(url, &u, &cause) == -1)
		return xstrdup("about:invalid");
	buf_init(&b);
	buf_puts(&b, u.scheme);
	buf_append(&b, "://", 3);
	buf_puts(&b, u.host);
	if (u.port != -1) {
		num[0] = ':';
		buf_append(&b, num, 1 + util_utoa(num + 1,
		    (unsigned long long)u.port));
	}
	buf_puts(&b, u.path);
	url_free(&u);
	return buf_release(&b);
}

/*
 * The result for a JSON object the API answered: its text, and the object
 * as structuredContent.  Written here, once, into a node that prints as
 * that text (jw_raw_take) rather than built as a tree of four more nodes
 * to be written when the answer goes out.  The text is the answer as it
 * came (UTF-8: jp_parse checked it); structuredContent is the parsed tree
 * written out, so a member named twice keeps the value the schema saw.
 */
static struct json_object *
structured(const struct up_response *rs, struct json_object *sc)
{
	struct buf	 b;

	buf_init(&b);
	/* room for the usual case in one allocation: the text with a few
	 * escapes, and the object written back about as long as it came */
	buf_reserve(&b, rs->body.len * 5 / 2 + 80);
	buf_puts(&b, "{\"content\":[{\"type\":\"text\",\"text\":");
	jw_string(&b, rs->body.data, rs->body.len);
	buf_puts(&b, "}],\"structuredContent\":");
	jw_value(&b, sc);
	buf_putc(&b, '}');
	json_object_put(sc);
	return jw_raw_take(&b);
}

/*
 * A JSON answer as structuredContent: parsed when it fits `max`, an
 * object, and (when the tool has an outputSchema, `schema`, parsed; NULL
 * skips the check) conforming to it.  NULL with `why` otherwise.
 */
static struct json_object *
structured_content(struct json_object *schema, size_t max,
    const struct up_response *rs, char *why, size_t whysz)
{
	struct json_object	*sc = NULL;
	const char		*cause;
	char			 err[512];

	if (rs->body.len > max) {
		snprintf(why, whysz, "larger than MCP_RESULT_MAX_BYTES");
		return NULL;
	}
	/* strict RFC 8259 and UTF-8 (json-c's tokener would take NaN and
	 * print it back, invalid), without locale switching */
	if (jp_parse(rs->body.data, rs->body.len, &answer_json, &sc,
	    &cause) == -1) {
		snprintf(why, whysz, "not read as JSON (%s)", cause);
		return NULL;
	}
	if (!json_object_is_type(sc, json_type_object))
		snprintf(why, whysz, "JSON that is not an object, unlike its "
		    "documented response schema");
	else if (schema != NULL && js_validate_answer(schema, schema, sc,
	    "structuredContent", err, sizeof(err)) == -1)
		snprintf(why, whysz, "outside its documented response schema "
		    "(%s)", err);
	else
		return sc;
	json_object_put(sc);
	return NULL;
}

/*
 * An answer that is neither JSON nor text, as content: an image or audio
 * item, one item per part of a multipart answer, else an embedded
 * resource; a note instead when it is larger than `max`.
 */
static void
add_media(const struct api_op *op, const struct up_response *rs, size_t max,
    struct json_object *content)
{
	struct json_object	*c;
	char			*b64, *type, why[640];
	const char		*ct = rs->content_type;

	if (rs->body.len > max) {
		type = bare_type(ct, "no content type");
		snprintf(why, sizeof(why), "HTTP %ld from %s %s: %zu bytes of %s, "
		    "more than MCP_RESULT_MAX_BYTES (%zu): left out", rs->status,
		    op->method, op->path, rs->body.len, type, max);
		free(type);
		add_text(content, why, strlen(why));
		return;
	}
	if (api_media_prefix(ct, "multipart/") &&
	    !api_media_prefix(ct, "multipart/byteranges")) {
		char	*mcause, *uri = resource_uri(rs->url);
		int	 split;

		/* one content item per part (api_mixed.c) */
		split = api_mixed_content(ct, rs->body.data, rs->body.len, uri,
		    content, &mcause);
		free(uri);
		if (split == 0)
			return;
		snprintf(why, sizeof(why), "HTTP %ld from %s %s: the %s "
		    "answer could not be split into its parts (%s); it "
		    "follows whole", rs->status, op->method, op->path,
		    "multipart", mcause);
		free(mcause);
		add_text(content, why, strlen(why));
	}
	c = json_object_new_object();
	b64 = util_b64_encode((const unsigned char *)rs->body.data,
	    rs->body.len);
	if (api_media_prefix(ct, "image/") || api_media_prefix(ct, "audio/")) {
		json_object_object_add(c, "type", json_object_new_string(
		    api_media_prefix(ct, "image/") ? "image" : "audio"));
		json_object_object_add(c, "data", json_object_new_string(b64));
		json_object_object_add(c, "mimeType", json_object_new_string(
		    type = bare_type(ct, "application/octet-stream")));
	} else {
		struct json_object	*res = json_object_new_object();
		char			*uri = resource_uri(rs->url);

		json_object_object_add(res, "uri", json_object_new_string(uri));
		free(uri);
		json_object_object_add(res, "mimeType", json_object_new_string(
		    type = bare_type(ct, "application/octet-stream")));
		json_object_object_add(res, "blob", json_object_new_string(b64));
		json_object_object_add(c, "type",
		    json_object_new_string("resource"));
		json_object_object_add(c, "resource", res);
	}
	free(type);
	free(b64);
	json_object_array_add(content, c);
}

/*
 * A 2xx answer by its media type.  JSON objects become structuredContent
 * (structured_content says when).
 */
static struct json_object *
map_success(const struct api_op *op, struct json_object *schema, size_t max,
    const struct up_response *rs)
{
	struct json_object	*r, *content, *sc;
	struct buf		 text;
	char			*type, why[640];
	const char		*ct = rs->content_type;
	int			 json = rs->body.len > 0 && api_media_is_json(ct);

	if (json && (sc = structured_content(schema, max, rs, why,
	    sizeof(why))) != NULL)
		return structured(rs, sc);
	r = json_object_new_object();
	content = json_object_new_array();
	jp_add(r, "content", content);
	if (rs->body.len == 0 && op->has_output_schema) {
		json_object_put(r);
		return unstructured(op, rs, max, "empty, not the JSON object "
		    "its document promises");
	}
	if (rs->body.len == 0) {
		char	 msg[128];

		snprintf(msg, sizeof(msg), "HTTP %ld: %s %s succeeded with "
		    "no content", rs->status, op->method, op->path);
		add_text(content, msg, strlen(msg));
		return r;
	}
	if (json) {
		if (op->has_output_schema) {
			json_object_put(r);
			return unstructured(op, rs, max, why);
		}
		add_answer(content, &rs->body, max);
		return r;
	}
	if (op->has_output_schema) {
		json_object_put(r);
		/* printable ASCII only into the text (api_media_bare) */
		type = bare_type(ct, "of no content type");
		snprintf(why, sizeof(why), "%s, not the JSON its document "
		    "promises", type);
		free(type);
		return unstructured(op, rs, max, why);
	}
	if (is_text_media(ct)) {
		add_answer(content, answer_text(rs, &text), max);
		buf_free(&text);
		return r;
	}
	add_media(op, rs, max, content);
	return r;
}

/*
 * For a client of 2024-11-05, whose content has no audio type (it came
 * with 2025-03-26): the audio items of `result` become embedded
 * resources with the same bytes, named by the request URL.
 */
static void
audio_as_resources(struct json_object *result, const char *url)
{
	struct json_object	*content, *c, *type, *data, *mime, *res;
	char			*uri;
	size_t			 i;

	if (!json_object_object_get_ex(result, "content", &content) ||
	    !json_object_is_type(content, json_type_array))
		return;
	for (i = 0; i < json_object_array_length(content); i++) {
		c = json_object_array_get_idx(content, i);
		if (!json_object_object_get_ex(c, "type", &type) ||
		    strcmp(json_object_get_string(type), "audio") != 0 ||
		    !json_object_object_get_ex(c, "data", &data) ||
		    !json_object_object_get_ex(c, "mimeType", &mime))
			continue;
		res = json_object_new_object();
		uri = resource_uri(url);
		json_object_object_add(res, "uri", json_object_new_string(uri));
		free(uri);
		json_object_object_add(res, "mimeType", json_object_get(mime));
		json_object_object_add(res, "blob", json_object_get(data));
		c = json_object_new_object();
		json_object_object_add(c, "type",
		    json_object_new_string("resource"));
		json_object_object_add(c, "resource", res);
		json_object_array_put_idx(content, i, c);
	}
}

static void	 request_path(const char *, char *, size_t);

/*
 * An answer that is no success: the status, the request, a bounded
 * excerpt of the body as it came (a NUL in it too: it is no C string).
 */
static struct json_object *
map_failure(const struct api_op *op, const char *url,
    const struct up_response *rs)
{
	struct json_object	*result;
	struct buf		 msg, tmp;
	char			 line[256];
	const char		*reason = http_reason((int)rs->status);
	int			 known = strcmp(reason, "Unknown") != 0;

	buf_init(&msg);
	request_path(url, line, sizeof(line));
	buf_printf(&msg, "HTTP %ld%s%s from %s %s", rs->status,
	    known ? " " : "", known ? reason : "", op->method, line);
	if (rs->body.len > 0) {
		buf_puts(&msg, ":\n\n");
		excerpt(answer_text(rs, &tmp), &msg);
		buf_free(&tmp);
	}
	result = error_result(msg.data, msg.len);
	buf_free(&msg);
	return result;
}

/* The path of a request URL (no query: it may carry keys), for messages. */
static void
request_path(const char *url, char *out, size_t outsz)
{
	struct url	 u;
	const char	*cause;

	if (url_parse(url, &u, &cause) == -1) {
		snprintf(out, outsz, "?");
		return;
	}
	snprintf(out, outsz, "%s", u.path[0] ? u.path : "/");
	url_free(&u);
}

/* an exponent this far out is as good as any farther: a double ends
 * near 10^308, and a number's digits would fill a gigabyte to reach it */
/*
 * A number as the API will read it: the arguments are validated as
 * doubles, but a number keeps its text (jparse), which the API, reading
 * decimals exactly (BigDecimal, json.Number, Decimal), may read as more:
 * 1e-400 is 0 to the schema (an integer, in range), and so is
 * 100.0000000000000000001 to a maximum of 100.  A text whose value is
 * not its double's is written as the shortest text of that double
 * instead, which reads back as it: what was checked is what is sent.
 */
static struct json_object *
checked_number(struct json_object *v)
{
	double		 d = json_object_get_double(v);
	const char	*t = json_object_to_json_string_ext(v,
			    JSON_C_TO_STRING_PLAIN);
	char		 b[40], bd[40], *td;
	long		 be, te;
	int		 same;

	if (d == floor(d) && fabs(d) < 1e17)
		snprintf(b, sizeof(b), "%.0f", d);	/* 100, not 1e+02 */
	else
		util_dtoa(b, sizeof(b), d);
	td = xmalloc(strlen(t) + 1);
	util_num_digits(t, td, &te);
	util_num_digits(b, bd, &be);
	same = te == be && strcmp(td, bd) == 0;
	free(td);
	return same ? NULL : json_object_new_double_s(d, b);
}

/*
 * NaN and infinities have no JSON form: refused anywhere in `v` (0).
 * Numbers more precise than a double are made what the schema sees.
 */
static int
finite_numbers(struct json_object *v, int depth)
{
	struct json_object	*n;
	size_t			 i;

	if (depth > 256)
		return 0;
	switch (json_object_get_type(v)) {
	case json_type_double:
		return isfinite(json_object_get_double(v));
	case json_type_array:
		for (i = 0; i < json_object_array_length(v); i++) {
			n = json_object_array_get_idx(v, i);
			if (!finite_numbers(n, depth + 1))
				return 0;
			if (json_object_is_type(n, json_type_double) &&
			    (n = checked_number(n)) != NULL)
				json_object_array_put_idx(v, i, n);
		}
		return 1;
	case json_type_object: {
		json_object_object_foreach(v, k, e) {
			if (!finite_numbers(e, depth + 1))
				return 0;
			if (json_object_is_type(e, json_type_double) &&
			    (n = checked_number(e)) != NULL)
				json_object_object_add(v, k, n);
		}
		return 1;
	}
	default:
		return 1;
	}
}

/* `out`, with what is left of `body` after `copied`, becomes the body;
 * the old one, which held a secret, is wiped. */
static void
body_rewritten(struct buf *body, struct buf *out, size_t copied)
{
	buf_append(out, body->data + copied, body->len - copied);
	explicit_bzero(body->data, body->len);
	buf_free(body);
	*body = *out;
}

/* Scratch space that held a secret, wiped and freed. */
static void
buf_wipe(struct buf *b)
{
	if (b->data != NULL)
		explicit_bzero(b->data, b->cap);
	buf_free(b);
}

/*
 * Every `s` (n bytes) in the answer becomes REDACTED: 1 when one was
 * there.  Shorter secrets are left alone: they would match ordinary text.
 */
#define REDACT_MIN	8
#define REDACTED	"[redacted]"

static int
redact_one(struct buf *body, const char *s, size_t n)
{
	struct buf	 out;
	const char	*p, *at, *end;

	if (n < REDACT_MIN || body->len < n || (at = memmem(body->data,
	    body->len, s, n)) == NULL)
		return 0;
	buf_init(&out);
	end = body->data + body->len;
	for (p = body->data; at != NULL; p = at + n,
	    at = memmem(p, (size_t)(end - p), s, n)) {
		buf_append(&out, p, (size_t)(at - p));
		buf_puts(&out, REDACTED);
	}
	body_rewritten(body, &out, (size_t)(p - body->data));
	return 1;
}

/*
 * A secret and the forms an echo may give it: as it is, and with "/"
 * written "\/" (json-c's and PHP's JSON escape it: base64 has slashes).
 */
static int
redact_forms(struct buf *body, const char *s, size_t n)
{
	struct buf	 esc;
	size_t		 i;
	int		 found;

	found = redact_one(body, s, n);
	if (memchr(s, '/', n) == NULL)
		return found;
	buf_init(&esc);
	for (i = 0; i < n; i++) {
		if (s[i] == '/')
			buf_putc(&esc, '\\');
		buf_putc(&esc, s[i]);
	}
	found |= redact_one(body, esc.data, esc.len);
	buf_wipe(&esc);
	return found;
}

/* A secret as it may travel in a URL: percent-encoded, in upper and in
 * lower case hex. */
static int
redact_encoded(struct buf *body, const char *s, size_t n)
{
	struct buf	 enc;
	size_t		 i;
	int		 found = 0;

	buf_init(&enc);
	url_encode(&enc, s, n);
	if (enc.len != n) {
		found = redact_one(body, enc.data, enc.len);
		for (i = 0; i + 2 < enc.len; i++)
			if (enc.data[i] == '%') {
				enc.data[i + 1] = (char)tolower(
				    (unsigned char)enc.data[i + 1]);
				enc.data[i + 2] = (char)tolower(
				    (unsigned char)enc.data[i + 2]);
			}
		found |= redact_one(body, enc.data, enc.len);
	}
	buf_wipe(&enc);
	return found;
}

/* A character of a URL as encoders leave it: RFC 3986's unreserved and
 * sub-delimiters, ':', '@' and '/', and '%' and '+' (a space, in forms). */
static int
url_value_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' &&
	    strchr("-._~%+!$&'()*,;=:@/", c) != NULL);
}

/* The width in p[0..len) of the byte decoded at p[i]: a %XX is three. */
static size_t
enc_width(const char *p, size_t len, size_t i)
{
	return p[i] == '%' && i + 2 < len && util_hexval(p[i + 1]) >= 0 &&
	    util_hexval(p[i + 2]) >= 0 ? 3 : 1;
}

/* The run p[0..len) percent-decoded ('+' a space when `plus`) into dec. */
static void
run_decode(const char *p, size_t len, int plus, struct buf *dec)
{
	size_t	 i, w;

	buf_reset(dec);
	for (i = 0; i < len; i += w)
		if ((w = enc_width(p, len, i)) == 3)
			buf_putc(dec, (char)(util_hexval(p[i + 1]) << 4 |
			    util_hexval(p[i + 2])));
		else
			buf_putc(dec, plus && p[i] == '+' ? ' ' : p[i]);
}

/*
 * The run p[0..len) onto `out`, each place where its decoding (`plus`:
 * '+' read as a space) holds the secret made REDACTED, and only those
 * places: a run may be a line of CSV, or a URL whose host and path are
 * worth keeping.  The places are found in the decoded text and walked to
 * in the run, byte by byte (an offset table would cost eight bytes for
 * each of a long run's).  1 when the secret was there.
 */
static int
run_redact(const char *p, size_t len, int plus, const char *s, size_t n,
    struct buf *dec, struct buf *out)
{
	const char	*hit;
	size_t		 at = 0, copied = 0, src = 0, k;
	int		 found = 0;

	run_decode(p, len, plus, dec);
	while ((hit = memmem(dec->data + at, dec->len - at, s, n)) != NULL) {
		/* from decoded byte `at` (p[src]) to the hit, then past it */
		for (k = (size_t)(hit - dec->data); at < k; at++)
			src += enc_width(p, len, src);
		buf_append(out, p + copied, src - copied);
		buf_puts(out, REDACTED);
		for (k += n; at < k; at++)
			src += enc_width(p, len, src);
		copied = src;
		found = 1;
	}
	if (found)
		buf_append(out, p + copied, len - copied);
	return found;
}

/*
 * A secret as a URL encoder wrote it, for one reading of '+' (`plus`: a
 * space).  Each run of a URL's characters holding '%' or '+' is decoded
 * (into `dec`, scratch space), and the secret taken out where it is found.
 */
static int
redact_decoded_as(struct buf *body, const char *s, size_t n, int plus,
    struct buf *dec)
{
	struct buf	 out, run;
	const char	*d = body->data;
	size_t		 i = 0, j, copied = 0;
	int		 found = 0;

	buf_init(&out);
	buf_init(&run);
	while (i < body->len) {
		if (!url_value_char((unsigned char)d[i])) {
			i++;
			continue;
		}
		for (j = i + 1; j < body->len &&
		    url_value_char((unsigned char)d[j]); j++)
			;
		buf_reset(&run);
		if (j - i >= n && (memchr(d + i, '%', j - i) != NULL ||
		    memchr(d + i, '+', j - i) != NULL) &&
		    run_redact(d + i, j - i, plus, s, n, dec, &run)) {
			buf_append(&out, d + copied, i - copied);
			buf_append(&out, run.data, run.len);
			copied = j;
			found = 1;
		}
		i = j;
	}
	if (found)
		body_rewritten(body, &out, copied);
	else
		buf_free(&out);
	buf_free(&run);
	return found;
}

/*
 * A secret as any URL encoder may write it.  Encoders differ in what they
 * leave alone (WHATWG and Java write a space '+' and '~' "%7E", JavaScript
 * leaves "!'()*" as they are, Go's PathEscape '=' and '+'), so no one
 * encoded form finds them all: the URLs of the answer are decoded instead,
 * once with '+' as a space and once as itself (two echoes of one secret
 * may need one each).
 */
static int
redact_decoded(struct buf *body, const char *s, size_t n)
{
	struct buf	 dec;
	int		 found;

	if (n < REDACT_MIN)
		return 0;
	buf_init(&dec);
	found = redact_decoded_as(body, s, n, 1, &dec);
	found |= redact_decoded_as(body, s, n, 0, &dec);
	buf_wipe(&dec);
	return found;
}

/*
 * The credentials this call sent, as plain values (into sv/sl, room for
 * 3 per static credential and one per header): a static credential, the
 * token of a "Scheme token" value, the user:password of a Basic one; the
 * provider's token (client_credentials, exchange).  The caller's own
 * token in passthrough mode is the caller's to see.  Decoded copies go
 * to own[] too, for the caller to wipe and free.
 */
static size_t
call_secrets(const struct api_op *op, const struct api_req *r,
    const char **sv, size_t *sl, struct buf *own)
{
	const char	*v, *sp;
	unsigned char	*raw;
	size_t		 i, n = 0, rawlen;

	for (i = 0; op->upauth == UPAUTH_STATIC && i < op->ncreds; i++) {
		v = op->creds[i].value;
		sv[n] = v;
		sl[n++] = strlen(v);
		if ((sp = strrchr(v, ' ')) != NULL) {
			sv[n] = sp + 1;
			sl[n++] = strlen(sp + 1);
		}
		if (util_strncaseeq(v, "Basic ", 6) && util_b64_decode(v + 6,
		    strlen(v + 6), &raw, &rawlen) == 0) {
			/* own[i] keeps it; sv and sl name it */
			own[i].data = (char *)raw;
			own[i].len = own[i].cap = rawlen;
			sv[n] = own[i].data;
			sl[n++] = rawlen;
		}
	}
	for (i = 0; api_op_needs_client(op->upauth) && i < r->nheaders; i++)
		if (util_strncaseeq(r->headers[i], "Authorization: Bearer ",
		    22)) {
			sv[n] = r->headers[i] + 22;
			sl[n++] = strlen(r->headers[i] + 22);
		}
	return n;
}

/* Every form of every secret out of `b`: 1 when one was there. */
static int
redact_all(struct buf *b, const char *const *sv, const size_t *sl, size_t n)
{
	size_t	 i;
	int	 found = 0;

	for (i = 0; i < n; i++) {
		found |= redact_forms(b, sv[i], sl[i]);
		found |= redact_encoded(b, sv[i], sl[i]);
		found |= redact_decoded(b, sv[i], sl[i]);
	}
	return found;
}

/*
 * The string literals of a JSON text that hold an escape, each decoded
 * and searched, and written again redacted when a secret was in it.  One
 * string at a time in one pass: the answer's tree, built instead before,
 * took a quarter of a GiB for 16 MiB of small values, and an answer past
 * the parser's memory bound was not searched at all.  Keys are strings
 * too; a text that is not valid JSON is searched as far as its strings
 * can be told.
 */
static void
redact_literals(struct buf *body, const char *const *sv, const size_t *sl,
    size_t n)
{
	struct buf	 out, lit;
	size_t		 i, open, copied = 0;
	int		 esc;

	buf_init(&out);
	buf_init(&lit);
	for (i = 0; i < body->len; i++) {
		if (body->data[i] != '"')
			continue;
		open = i;
		for (esc = 0, i++; i < body->len && body->data[i] != '"'; i++)
			if (body->data[i] == '\\') {
				esc = 1;
				i++;
			}
		if (i >= body->len)
			break;
		if (!esc || jp_unescape(body->data + open + 1, i - open,
		    &lit) == -1 || !redact_all(&lit, sv, sl, n))
			continue;
		buf_append(&out, body->data + copied, open - copied);
		jw_string(&out, lit.data, lit.len);
		copied = i + 1;
	}
	if (copied > 0)
		body_rewritten(body, &out, copied);
	else
		buf_free(&out);
	buf_wipe(&lit);
}

/*
 * The credentials this call sent (call_secrets), taken out of the API's
 * answer before the model sees it: APIs echo them (a "next" link with
 * the key in its query, a debug endpoint echoing the request), as they
 * are, percent-encoded, or in JSON with "\/" for "/".  A JSON answer may
 * also write any character as \u and four hex digits, which no search of
 * its text finds: when it has such an escape (or a secret has a character
 * JSON must escape), its strings are also searched decoded.
 */
static void
redact_answer(const struct api_op *op, const struct api_req *r,
    const char *ctype, struct buf *body)
{
	const char	**sv;
	struct buf	 *own;
	size_t		 *sl, n, i, k = 3 * op->ncreds + r->nheaders + 1;
	int		  deep;

	if (body->len == 0 || (op->upauth != UPAUTH_STATIC &&
	    !api_op_needs_client(op->upauth)))
		return;
	sv = xcalloc(k, sizeof(*sv));
	sl = xcalloc(k, sizeof(*sl));
	own = xcalloc(op->ncreds + 1, sizeof(*own));
	n = call_secrets(op, r, sv, sl, own);
	redact_all(body, sv, sl, n);
	deep = memmem(body->data, body->len, "\\u", 2) != NULL;
	for (i = 0; i < n && !deep; i++)
		deep = memchr(sv[i], '"', sl[i]) != NULL ||
		    memchr(sv[i], '\\', sl[i]) != NULL;
	if (deep && api_media_is_json(ctype))
		redact_literals(body, sv, sl, n);
	for (i = 0; i < op->ncreds; i++)
		if (own[i].data != NULL) {
			explicit_bzero(own[i].data, own[i].len);
			free(own[i].data);
		}
	free(own);
	free(sv);
	free(sl);
}

/*
 * client_credentials and exchange: the provider's token for the API in
 * Authorization (`renew`: the API refused the last one).  NULL, or a tool
 * error saying why there is none.
 */
static struct json_object *
provider_token(const struct cfg *cfg, const struct api_op *op,
    const struct tool_call *call, struct api_req *r, int renew)
{
	const char	*tok;
	char		 err[512], *bearer;

	err[0] = '\0';
	if ((tok = api_upstream_token(cfg, op->upauth, call, renew, err,
	    sizeof(err))) == NULL)
		return tool_error(renew ? "The API refused the call %s %s "
		    "with the token from the provider (HTTP 401), and there "
		    "is no new one: %s" : "The API call %s %s was not made: "
		    "this server has no token for the API: %s", op->method,
		    op->path, err);
	bearer = util_join("Bearer ", tok, "");
	req_set_header(r, "Authorization", bearer);
	explicit_bzero(bearer, strlen(bearer));
	free(bearer);
	return r->headers_lost ? too_many_headers() : NULL;
}

/*
 * The arguments with the operator's curation (api_tool.c, x-mcp-*): the
 * hidden ones always set to their fixed value, whatever came, and the
 * defaults where nothing came.  A new object; `args` is not changed.
 */
static void
pause_ms(long ms)
{
	struct timespec	 ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The breaker's and the cap's word on this call: NULL to go on. */
static struct json_object *
admit(const struct cfg *cfg, struct tool_call *call, const char *url,
    struct brk_call *bc)
{
	int64_t	 now = util_now_unix();

	if (brk_admit(url, now, bc) == BRK_OPEN) {
		call->upstream_error = "breaker_open";
		/* not where it is: the log has that (brk_done) */
		return tool_error("The API is unavailable: the last %u calls "
		    "to it failed. It will be tried again in %lld s; try "
		    "this tool again after that.", bc->failures,
		    (long long)(bc->retry_at > now ? bc->retry_at - now : 1));
	}
	if (brk_acquire(bc, cfg->api_timeout * 1000) == -1) {
		call->upstream_error = "busy";
		brk_done(bc, -1, 0);
		return tool_error("The API is busy: this server already has "
		    "MCP_API_MAX_CONCURRENT=%lld calls to it in progress. "
		    "Try again shortly.", cfg->api_max_concurrent);
	}
	return NULL;
}

/* Does a call of `op` need curated_args? */
static int
needs_curation(const struct api_op *op)
{
	return op->fixed != NULL || op->defaults != NULL ||
	    op->unsent_body != NULL || op->body_fixed != NULL ||
	    op->body_defaults != NULL || op->body_unsent != NULL;
}

/*
 * An object of arguments with what is fixed put in, what is never sent
 * taken out, the defaults of what is absent added.  A caller's key that
 * is the `same` as a fixed or never-sent one is dropped too: a body goes
 * out as it is, and many JSON readers (Go, ASP.NET) match names without
 * case, so {"Role": ...} or a second "TENANT" would get through.
 */
static struct json_object *
curate(struct json_object *args, struct json_object *fixed,
    struct json_object *defaults, struct json_object *unsent,
    int (*same)(const char *, const char *))
{
	struct json_object	*out = json_object_new_object();

	json_object_object_foreach(args, k, v)
		if (!in_set(fixed, k, same) && !in_set(unsent, k, same))
			json_object_object_add(out, k, json_object_get(v));
	if (defaults != NULL) {
		json_object_object_foreach(defaults, dk, dv)
			if (!json_object_object_get_ex(out, dk, NULL))
				json_object_object_add(out, dk,
				    json_object_get(dv));
	}
	if (fixed != NULL) {
		json_object_object_foreach(fixed, fk, fv)
			json_object_object_add(out, fk, json_object_get(fv));
	}
	return out;
}

/*
 * The arguments as sent: curated, and so is a body sent as one of them,
 * made if the model left it out and the operator fixed some of it (as a
 * flattened body is).  A form's names are compared as the most lenient
 * readers do (qs, PHP and Rails read "[tenant]" and "tenant[]" as
 * "tenant"); the others without case.
 */
static struct json_object *
curated_args(const struct api_op *op, struct json_object *args)
{
	struct json_object	*out, *body = NULL;
	int			 (*same)(const char *, const char *);

	same = op->body == API_BODY_FORM || op->body == API_BODY_MULTIPART ?
	    query_name_same : name_same_nocase;
	out = curate(args, op->fixed, op->defaults, op->unsent_body,
	    op->body_whole ? same : name_same_nocase);
	if (op->body_prop == NULL)
		return out;
	if (!json_object_object_get_ex(out, op->body_prop, &body) &&
	    op->body_fixed != NULL)
		json_object_object_add(out, op->body_prop, body =
		    json_object_new_object());
	if (json_object_is_type(body, json_type_object))
		json_object_object_add(out, op->body_prop, curate(body,
		    op->body_fixed, op->body_defaults, op->body_unsent, same));
	return out;
}

/* Called by the registry for every tools/call of an OpenAPI tool. */
struct json_object *
api_call(void *ctx, struct tool_call *call)
{
	const struct cfg	*cfg = ctx;
	const struct api_op	*op = call->tool->impl;
	struct json_object	*schema, *result;
	struct up_request	 urq;
	int			 rc;
	struct up_response	 urs;
	struct api_progress	 pr;
	struct api_req		 r;
	char			 err[512], line[256], upath[256];
	int			 fetched, renewed = 0, tries = 0;
	struct json_object	*given = call->args, *curated = NULL;
	struct brk_call		 bc = { .slot = -1 };

	/* this operation's mode (api_opauth.c), for the audit record */
	call->upstream_auth = op->upauth;
	if (!finite_numbers(call->args, 0))
		return tool_error("Invalid arguments: NaN and infinite numbers "
		    "cannot be sent");
	if ((schema = reg_tool_input(call->tool)) == NULL)
		return NULL;	/* an internal error: -32603 */
	rc = js_validate(schema, schema, call->args, "arguments", err,
	    sizeof(err));
	if (rc == -1)
		return tool_error("Invalid arguments: %s", err);
	memset(&r, 0, sizeof(r));
	buf_init(&r.url);
	buf_init(&r.query);
	buf_init(&r.body);
	if (needs_curation(op))
		call->args = curated = curated_args(op, call->args);
	if ((result = build_request(cfg, op, call, &r)) != NULL)
		goto out;
	/* counted only now: a call refused for its arguments costs the
	 * API nothing, and must not use up a tool's shared limit */
	if (call->gate != NULL && call->gate(call->ctx, call->tool) == -1) {
		call->gated = 1;
		goto out;
	}
	/* before a token is fetched for it: a call that will not go out */
	if ((result = admit(cfg, call, r.url.data, &bc)) != NULL)
		goto out;
	fetched = api_op_needs_client(op->upauth);
	if (fetched && (result = provider_token(cfg, op, call, &r, 0)) != NULL)
		goto out;
	memset(&urq, 0, sizeof(urq));
	urq.method = op->method;
	urq.url = r.url.data;
	urq.headers = (const char **)r.headers;
	urq.body = r.has_body ? (r.body.data ? r.body.data : "") : NULL;
	urq.body_len = r.body.len;
	urq.timeout_ms = cfg->api_timeout * 1000;
	urq.max_response = (size_t)cfg->api_max_response;
	if (cfg->api_client == APICLIENT_AUTO)
		urq.flags |= UP_DIRECT_OK;
	pr.call = call;
	pr.last_time = 0;
	/* progress, and about once a second while the API is silent: a
	 * chance to see whether the client is still there */
	urq.progress = on_progress;
	urq.progress_ctx = &pr;
	if (call->wants_progress) {
		snprintf(line, sizeof(line), "%s %s", op->method, op->path);
		call->progress(call->ctx, 0, 0, line);
	}
again:
	if (call->log_min > 0) {
		request_path(r.url.data, upath, sizeof(upath));
		say(call, TOOL_LOG_INFO, "calling the API: %s %s", op->method,
		    upath);
	}
	call->upstream_sent = 1;
	if (up_perform(&urq, &urs) == -1) {
		if (urs.err == UP_CONNECT && tries < cfg->api_retries &&
		    brk_may_retry(op->method)) {
			/* nothing reached the API: an idempotent call may go
			 * again, after 100, 200, 400 ... ms */
			log_msg(LOGL_INFO, "tool %s: %s %s: %s; trying again "
			    "(%d of %lld)", call->tool->name, op->method,
			    op->path, urs.errmsg, tries + 1, cfg->api_retries);
			up_response_free(&urs);
			pause_ms(100L << tries++);
			goto again;
		}
		brk_done(&bc, brk_outcome(urs.err, 0), util_now_unix());
		call->upstream_seconds = urs.seconds;
		call->upstream_error = up_error_name(urs.err);
		/* the log names the API's address; the caller gets words */
		log_msg(LOGL_INFO, "tool %s: %s %s failed after %.3f s: %s",
		    call->tool->name, op->method, op->path, urs.seconds,
		    urs.errmsg);
		up_error_public(&urs, &urq, line, sizeof(line));
		say(call, TOOL_LOG_ERROR, "the API call %s %s failed after "
		    "%.1f ms: %s", op->method, op->path, urs.seconds * 1000.0,
		    line);
		result = tool_error("The API call %s %s failed: %s%s",
		    op->method, op->path, line, urs.err == UP_CONNECT ?
		    "; is the API running?" : "");
		up_response_free(&urs);
		goto out;
	}
	if (urs.status == 401 && fetched && !renewed) {
		/* the provider's token was refused (revoked, or expired
		 * early): a new one, and the request once more, never twice */
		call->upstream_status = urs.status;	/* if no new one */
		call->upstream_seconds = urs.seconds;
		up_response_free(&urs);
		renewed = 1;
		log_msg(LOGL_INFO, "tool %s: the API answered 401 to the token "
		    "from the provider; trying once more with a new one",
		    call->tool->name);
		say(call, TOOL_LOG_NOTICE, "the API refused the provider's "
		    "token (401): trying once more with a new one");
		if ((result = provider_token(cfg, op, call, &r, 1)) != NULL)
			goto out;
		goto again;
	}
	brk_done(&bc, brk_outcome(UP_OK, urs.status), util_now_unix());
	redact_answer(op, &r, urs.content_type, &urs.body);
	call->upstream_status = urs.status;
	call->upstream_seconds = urs.seconds;
	call->progress(call->ctx, (double)urs.body.len,
	    (double)urs.body.len, "done");
	log_msg(LOGL_DEBUG, "tool %s: %s %s -> %ld in %.3f s",
	    call->tool->name, op->method, op->path, urs.status, urs.seconds);
	if (call->log_min > 0) {
		/* the API's media type: printable ASCII only into the text */
		char	*mt = bare_type(urs.content_type, "no content type");

		req_set_note(upath, sizeof(upath), mt);
		free(mt);
		say(call, urs.status >= 200 && urs.status < 300 ?
		    TOOL_LOG_INFO : TOOL_LOG_WARNING, "the API answered %ld (%s, %zu bytes) in "
		    "%.1f ms", urs.status, upath, urs.body.len,
		    urs.seconds * 1000.0);
	}
	if (urs.status >= 200 && urs.status < 300) {
		result = map_success(op, op->has_output_schema ?
		    reg_tool_output(call->tool) : NULL,
		    (size_t)cfg->result_max_bytes, &urs);
		if (call->no_audio)
			audio_as_resources(result, urs.url);
	} else
		result = map_failure(op, r.url.data, &urs);
	up_response_free(&urs);
out:
	brk_done(&bc, -1, 0);	/* a slot or probe a failure left held */
	call->args = given;
	json_object_put(curated);
	api_req_free(&r);
	return result;
}
