/* SPDX-License-Identifier: ISC */
/*
 * api_body: request bodies that are not JSON or a urlencoded form.
 *
 * At load, which of an operation's media types is sent (api_body_rank),
 * and what the model must give for it: binary content is a base64 string
 * (contentEncoding/contentMediaType in the inputSchema), whether the
 * whole body (application/octet-stream, image/png ...) or a file part of
 * a multipart/form-data body; a file part gains an optional sibling
 * argument "<name>_filename".
 *
 * At call time, the arguments into bytes: base64 decoded (bounded by
 * MCP_MAX_BODY before anything is sent), parts handed to api_multipart.c.
 * The parts follow OpenAPI 3.x's encoding defaults: a scalar is a text
 * part without Content-Type (text/plain, as browsers send fields), an
 * object is JSON (application/json), an array is one part per element
 * (RFC 7578 §4.3), a file is application/octet-stream unless the
 * document's encoding object or contentMediaType names its type.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "util.h"

#define API_FNAME_SUFFIX	"_filename"

static struct json_object *
get(struct json_object *o, const char *key, enum json_type t)
{
	struct json_object	*v;

	if (o != NULL && json_object_is_type(o, json_type_object) &&
	    json_object_object_get_ex(o, key, &v) && json_object_is_type(v, t))
		return v;
	return NULL;
}

/* Media types whose content a model writes as text. */
static int
textual(const char *t)
{
	static const char *const text[] = {
		"application/xml", "application/yaml", "application/x-yaml",
		"application/javascript", "application/ecmascript",
		"application/x-ndjson", "application/jsonl",
		"application/graphql", "application/sql", "application/csv",
		NULL
	};
	size_t	 i;

	if (api_media_prefix(t, "text/") || api_media_suffix(t, "+xml") ||
	    api_media_suffix(t, "+yaml"))
		return 1;
	for (i = 0; text[i] != NULL; i++)
		if (api_media_is(t, text[i]))
			return 1;
	return 0;
}

/*
 * The rank of a requestBody media type (lower wins; equal ranks go by
 * document order) and how it is sent: JSON, then a urlencoded form, then
 * multipart/form-data, then application/octet-stream, then any other
 * (text as a string, the rest as base64).
 */
int
api_body_rank(const char *type, enum api_body *kind)
{
	if (api_media_is_json(type)) {
		*kind = API_BODY_JSON;
		return 0;
	}
	if (api_media_is(type, "application/x-www-form-urlencoded")) {
		*kind = API_BODY_FORM;
		return 1;
	}
	if (api_media_is(type, "multipart/form-data")) {
		*kind = API_BODY_MULTIPART;
		return 2;
	}
	if (api_media_is(type, "application/octet-stream")) {
		*kind = API_BODY_BINARY;
		return 3;
	}
	*kind = textual(type) ? API_BODY_RAW : API_BODY_BINARY;
	return 4;
}

/* Printable, no wildcard: fit for a Content-Type header line. */
static int
concrete(const char *t)
{
	if (*t == '\0' || strchr(t, '*') != NULL)
		return 0;
	for (; *t != '\0'; t++)
		if ((unsigned char)*t < 0x20 || (unsigned char)*t >= 0x7f)
			return 0;
	return 1;
}

/*
 * The Content-Type sent for a body or part of the documented type `t`:
 * itself, or for a wildcard (image/<any>, <any>/<any>) the generic type.
 */
char *
api_body_send_type(const char *t)
{
	if (concrete(t))
		return xstrdup(t);
	return xstrdup(api_media_prefix(t, "text/") ? "text/plain" :
	    "application/octet-stream");
}

/* The first concrete entry of an encoding's contentType list, or NULL. */
static char *
first_type(const char *list)
{
	char	*copy, *p, *tok, *out = NULL;

	if (list == NULL)
		return NULL;
	copy = xstrdup(list);
	for (p = copy; out == NULL && (tok = strsep(&p, ",")) != NULL;) {
		tok = util_trim(tok);
		if (concrete(tok))
			out = xstrdup(tok);
	}
	free(copy);
	return out;
}

/* A schema for base64 content sent as `type`, with `what` said first. */
static void
make_base64(struct json_object *s, const char *type, const char *what)
{
	struct json_object	*d;
	const char		*old;
	char			*desc;

	d = get(s, "description", json_type_string);
	old = d != NULL ? json_object_get_string(d) : NULL;
	xasprintf(&desc, "%s%s%s, base64-encoded (sent as %s).",
	    old != NULL ? old : "", old != NULL && *old != '\0' ? "\n\n" : "",
	    what, type);
	/* length and pattern spoke of bytes, not of their base64 */
	json_object_object_del(s, "format");
	json_object_object_del(s, "minLength");
	json_object_object_del(s, "maxLength");
	json_object_object_del(s, "pattern");
	if (!json_object_object_get_ex(s, "type", NULL))
		json_object_object_add(s, "type",
		    json_object_new_string("string"));
	json_object_object_add(s, "contentEncoding",
	    json_object_new_string("base64"));
	json_object_object_add(s, "contentMediaType",
	    json_object_new_string(type));
	json_object_object_add(s, "description", json_object_new_string(desc));
	free(desc);
}

/*
 * The input schema of a whole body sent as raw bytes of `type` (already
 * what api_body_send_type() gives); `desc` is the requestBody's.
 */
struct json_object *
api_body_binary_schema(const char *type, struct json_object *desc)
{
	struct json_object	*s = json_object_new_object();

	json_object_object_add(s, "type", json_object_new_string("string"));
	if (desc != NULL && json_object_is_type(desc, json_type_string))
		json_object_object_add(s, "description", json_object_get(desc));
	make_base64(s, type, "The request body's content");
	return s;
}

static int
type_includes(struct json_object *s, const char *name)
{
	struct json_object	*t, *e;
	size_t			 i;

	if (!json_object_object_get_ex(s, "type", &t))
		return -1;	/* no type: anything */
	if (json_object_is_type(t, json_type_string))
		return strcmp(json_object_get_string(t), name) == 0;
	if (!json_object_is_type(t, json_type_array))
		return 0;
	for (i = 0; i < json_object_array_length(t); i++) {
		e = json_object_array_get_idx(t, i);
		if (json_object_is_type(e, json_type_string) &&
		    strcmp(json_object_get_string(e), name) == 0)
			return 1;
	}
	return 0;
}

/*
 * A file rather than a field: a string with format binary (OpenAPI 3.0,
 * and many 3.1 documents) or contentMediaType (3.1), or whose encoding
 * says a type that is not text.  Not one with contentEncoding: in 3.1
 * that says the API wants the encoded text itself (the encoding is
 * applied before the part's), so the caller's base64 goes as it is.
 */
static int
is_file(struct json_object *s, const char *enc)
{
	struct json_object	*f;
	int			 str;

	if (!json_object_is_type(s, json_type_object) ||
	    (str = type_includes(s, "string")) == 0)
		return 0;
	if ((f = get(s, "format", json_type_string)) != NULL &&
	    strcmp(json_object_get_string(f), "binary") == 0)
		return 1;
	if (get(s, "contentEncoding", json_type_string) != NULL)
		return 0;
	if (get(s, "contentMediaType", json_type_string) != NULL)
		return 1;
	return str == 1 && enc != NULL && !textual(enc) &&
	    !api_media_is_json(enc);
}

/*
 * Multipart property `k` (schema `s`) with the media type's encoding map
 * `enc`: its encoding contentType in *ctype (NULL: none), its items'
 * schema in *items when it is an array of files; 1 when it is a file or
 * files, 0 when a text field.
 */
static int
part_is_file(struct json_object *enc, const char *k, struct json_object *s,
    const char **ctype, struct json_object **items)
{
	struct json_object	*e, *fs;

	e = get(enc, k, json_type_object);
	*ctype = e != NULL && (fs = get(e, "contentType",
	    json_type_string)) != NULL ? json_object_get_string(fs) : NULL;
	*items = type_includes(s, "array") == 1 ?
	    get(s, "items", json_type_object) : NULL;
	if (*items != NULL && !is_file(*items, *ctype))
		*items = NULL;
	return *items != NULL || is_file(s, *ctype);
}

/*
 * Does a multipart media type's schema (resolved) have a file among its
 * properties?  Then it is sent rather than a urlencoded form the same
 * body offers, which could only carry the file as a plain string.
 */
int
api_body_has_file(struct json_object *schema, struct json_object *media)
{
	struct json_object	*props, *enc, *items;
	const char		*ctype;

	if ((props = get(schema, "properties", json_type_object)) == NULL)
		return 0;
	enc = get(media, "encoding", json_type_object);
	json_object_object_foreach(props, k, s)
		if (part_is_file(enc, k, s, &ctype, &items))
			return 1;
	return 0;
}

static void
add_part(struct api_op *op, const char *name, char *type, char *fname,
    int binary)
{
	struct api_part	*p;

	op->parts = xrealloc(op->parts, (op->nparts + 1) * sizeof(*op->parts));
	p = &op->parts[op->nparts++];
	p->name = xstrdup(name);
	p->type = type;
	p->fname_prop = fname;
	p->binary = binary;
}

/* The schema of the optional file name argument of the file(s) `k`. */
static struct json_object *
filename_schema(const char *k, int many)
{
	struct json_object	*f = json_object_new_object(), *it;
	char			*d;

	if (many) {
		xasprintf(&d, "The file names of %s, in order (default: %s).",
		    k, k);
		it = json_object_new_object();
		json_object_object_add(it, "type",
		    json_object_new_string("string"));
		json_object_object_add(f, "type",
		    json_object_new_string("array"));
		json_object_object_add(f, "items", it);
	} else {
		xasprintf(&d, "The file name sent with %s (default: %s).", k,
		    k);
		json_object_object_add(f, "type",
		    json_object_new_string("string"));
	}
	json_object_object_add(f, "description", json_object_new_string(d));
	free(d);
	return f;
}

/*
 * A multipart body's schema (converted, changed in place) and what each
 * part needs (op->parts).  `media` is the media type object, for its
 * encoding map.  Files become base64 strings; each gains an optional
 * "<name>_filename" argument unless that name is taken.
 */
void
api_body_parts(struct api_op *op, struct json_object *conv,
    struct json_object *media)
{
	struct json_object	*props, *enc, *items, *cmt;
	struct json_object	*siblings;
	const char		*ctype;
	char			*type, *fname, *what;
	int			 file, many;

	/* no properties (allOf, a $ref into $defs): every field is text */
	if ((props = get(conv, "properties", json_type_object)) == NULL)
		return;
	siblings = json_object_new_object();
	enc = get(media, "encoding", json_type_object);
	json_object_object_foreach(props, k, s) {
		file = part_is_file(enc, k, s, &ctype, &items);
		many = items != NULL;
		type = first_type(ctype);
		if (!file) {
			if (type != NULL)
				add_part(op, k, type, NULL, 0);
			continue;
		}
		if (type == NULL && (cmt = get(many ? items : s,
		    "contentMediaType", json_type_string)) != NULL &&
		    concrete(json_object_get_string(cmt)))
			type = xstrdup(json_object_get_string(cmt));
		if (type == NULL)
			type = xstrdup("application/octet-stream");
		xasprintf(&what, "The content of %s", many ? "each file" :
		    "the file");
		make_base64(many ? items : s, type, what);
		free(what);
		xasprintf(&fname, "%s" API_FNAME_SUFFIX, k);
		if (json_object_object_get_ex(props, fname, NULL) ||
		    json_object_object_get_ex(siblings, fname, NULL)) {
			free(fname);
			fname = NULL;	/* the part's name is its file name */
		} else
			json_object_object_add(siblings, fname,
			    filename_schema(k, many));
		add_part(op, k, type, fname, 1);
	}
	/* added after the walk: props is not changed while it is walked */
	json_object_object_foreach(siblings, sk, sv)
		json_object_object_add(props, sk, json_object_get(sv));
	json_object_put(siblings);
}

void
api_parts_free(struct api_part *parts, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(parts[i].name);
		free(parts[i].type);
		free(parts[i].fname_prop);
	}
	free(parts);
}

/*
 * A base64 argument (standard or URL-safe alphabet, padding optional,
 * white space such as line breaks ignored) decoded, at most `max` bytes.
 * Returns 0; -1 when it is not base64, with *why saying what is wrong;
 * -2, before decoding, when it would be more than `max` bytes (*outlen).
 */
int
api_b64_arg(const char *s, size_t len, size_t max, unsigned char **out,
    size_t *outlen, const char **why)
{
	char	*t;
	size_t	 i, n = 0, pad = 0;
	int	 rc = -1;

	*out = NULL;
	*outlen = 0;
	t = xmalloc(len + 1);
	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case ' ': case '\t': case '\r': case '\n':
			continue;
		case '-':
			t[n++] = '+';
			break;
		case '_':
			t[n++] = '/';
			break;
		default:
			t[n++] = s[i];
		}
	}
	while (n > 0 && t[n - 1] == '=') {
		n--;
		pad++;
	}
	if (pad > 2 || (pad > 0 && (n + pad) % 4 != 0)) {
		*why = "is not valid base64 (bad padding)";
		goto out;
	}
	/* the size is known before a byte is decoded */
	if (n / 4 * 3 + (n % 4 > 1 ? n % 4 - 1 : 0) > max) {
		*outlen = n / 4 * 3 + (n % 4 > 1 ? n % 4 - 1 : 0);
		*why = "is too large";
		rc = -2;
		goto out;
	}
	if (util_b64_decode(t, n, out, outlen) == -1) {
		*why = "is not valid base64";
		goto out;
	}
	rc = 0;
out:
	free(t);
	return rc;
}

/* api_b64_arg() of a string argument, its errors naming it (`where`). */
static int
b64_arg(struct json_object *v, const char *where, size_t max,
    unsigned char **raw, size_t *rawlen, char **err)
{
	const char	*why;
	int		 rc;

	rc = api_b64_arg(json_object_get_string(v),
	    (size_t)json_object_get_string_len(v), max, raw, rawlen, &why);
	if (rc == -2)
		xasprintf(err, "%s decodes to %zu bytes, more than MCP_MAX_BODY "
		    "(%zu bytes)", where, *rawlen, max);
	else if (rc == -1)
		xasprintf(err, "%s %s", where, why);
	return rc == 0 ? 0 : -1;
}

/* One part being collected; `own` is freed with it. */
struct mp_parts {
	struct api_mp_part	*p;
	void			**own;
	size_t			 n;
};

static void
push(struct mp_parts *mp, const char *name, const char *filename,
    const char *type, const void *data, size_t len, void *own)
{
	mp->p = xrealloc(mp->p, (mp->n + 1) * sizeof(*mp->p));
	mp->own = xrealloc(mp->own, (mp->n + 1) * sizeof(*mp->own));
	mp->p[mp->n].name = name;
	mp->p[mp->n].filename = filename;
	mp->p[mp->n].type = type;
	mp->p[mp->n].data = data;
	mp->p[mp->n].len = len;
	mp->own[mp->n++] = own;
}

/* A field: a string as it is, other scalars as JSON writes them, an
 * object or a nested array as JSON text. */
static void
push_field(struct mp_parts *mp, const char *name, const struct api_part *d,
    struct json_object *v)
{
	const char	*type = d != NULL ? d->type : NULL;
	char		*txt;

	if (json_object_is_type(v, json_type_string)) {
		push(mp, name, NULL, type, json_object_get_string(v),
		    (size_t)json_object_get_string_len(v), NULL);
		return;
	}
	txt = xstrdup(json_object_to_json_string_ext(v,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	if (type == NULL && (json_object_is_type(v, json_type_object) ||
	    json_object_is_type(v, json_type_array)))
		type = "application/json";
	push(mp, name, NULL, type, txt, strlen(txt), txt);
}

/* A file part from a base64 string; -1 with *err (to free). */
static int
push_file(struct mp_parts *mp, const char *where, const char *name,
    const struct api_part *d, struct json_object *v, const char *fname,
    size_t max, char **err)
{
	unsigned char	*raw;
	size_t		 rawlen;

	if (!json_object_is_type(v, json_type_string)) {
		xasprintf(err, "%s must be a base64 string", where);
		return -1;
	}
	if (b64_arg(v, where, max, &raw, &rawlen, err) == -1)
		return -1;
	push(mp, name, fname != NULL && *fname != '\0' ? fname : name,
	    d->type, raw, rawlen, raw);
	return 0;
}

static const struct api_part *
part_of(const struct api_op *op, const char *name)
{
	size_t	 i;

	for (i = 0; i < op->nparts; i++)
		if (strcmp(op->parts[i].name, name) == 0)
			return &op->parts[i];
	return NULL;
}

static int
is_fname_prop(const struct api_op *op, const char *name)
{
	size_t	 i;

	for (i = 0; i < op->nparts; i++)
		if (op->parts[i].fname_prop != NULL &&
		    strcmp(op->parts[i].fname_prop, name) == 0)
			return 1;
	return 0;
}

/* The parts of a multipart body from the object of its fields. */
static int
multipart(const struct api_op *op, struct json_object *obj, const char *pre,
    size_t max, struct mp_parts *mp, char **err)
{
	const struct api_part	*d;
	struct json_object	*fn, *e, *f;
	const char		*fname;
	char			*where;
	size_t			 i, n;
	int			 rc = 0;

	json_object_object_foreach(obj, k, v) {
		if (v == NULL || is_fname_prop(op, k))
			continue;	/* null: the field is not sent */
		d = part_of(op, k);
		fn = NULL;
		if (d != NULL && d->fname_prop != NULL)
			json_object_object_get_ex(obj, d->fname_prop, &fn);
		if (json_object_is_type(v, json_type_array)) {
			n = json_object_array_length(v);
			for (i = 0; rc == 0 && i < n; i++) {
				e = json_object_array_get_idx(v, i);
				if (d == NULL || !d->binary) {
					if (e != NULL)
						push_field(mp, k, d, e);
					continue;
				}
				f = json_object_is_type(fn, json_type_array) ?
				    json_object_array_get_idx(fn, i) : NULL;
				fname = json_object_is_type(f,
				    json_type_string) ?
				    json_object_get_string(f) : NULL;
				xasprintf(&where, "%s.%s[%zu]", pre, k, i);
				rc = push_file(mp, where, k, d, e, fname, max,
				    err);
				free(where);
			}
		} else if (d != NULL && d->binary) {
			fname = json_object_is_type(fn, json_type_string) ?
			    json_object_get_string(fn) : NULL;
			xasprintf(&where, "%s.%s", pre, k);
			rc = push_file(mp, where, k, d, v, fname, max, err);
			free(where);
		} else
			push_field(mp, k, d, v);
		if (rc == -1)
			break;
	}
	return rc;
}

/*
 * The body of a multipart or binary operation from `v` (the object of
 * body fields, or the base64 string), at most `max` bytes, into `body`,
 * with its Content-Type into *ctype.  Returns 0, or -1 with *err (to
 * free) naming the argument at fault.
 */
int
api_body_build(const struct api_op *op, struct json_object *v, size_t max,
    struct buf *body, char **ctype, char **err)
{
	struct mp_parts	 mp;
	unsigned char	*raw;
	size_t		 rawlen, i;
	char		*pre, *cause;
	int		 rc = -1;

	*ctype = NULL;
	*err = NULL;
	memset(&mp, 0, sizeof(mp));
	if (op->body_prop != NULL)
		xasprintf(&pre, "arguments.%s", op->body_prop);
	else
		pre = xstrdup("arguments");
	if (op->body == API_BODY_BINARY) {
		if (!json_object_is_type(v, json_type_string)) {
			xasprintf(err, "%s must be a base64 string", pre);
			goto out;
		}
		if (b64_arg(v, pre, max, &raw, &rawlen, err) == -1)
			goto out;
		buf_reset(body);
		buf_append(body, raw, rawlen);
		free(raw);
		*ctype = xstrdup(op->body_type);
		rc = 0;
		goto out;
	}
	if (!json_object_is_type(v, json_type_object)) {
		xasprintf(err, "%s must be an object of form fields", pre);
		goto out;
	}
	if (multipart(op, v, pre, max, &mp, err) == -1)
		goto out;
	if (api_mp_build(mp.p, mp.n, max, body, ctype, &cause) == -1) {
		xasprintf(err, "%s: %s", pre, cause);
		free(cause);
		goto out;
	}
	rc = 0;
out:
	for (i = 0; i < mp.n; i++)
		free(mp.own[i]);
	free(mp.own);
	free(mp.p);
	free(pre);
	return rc;
}
