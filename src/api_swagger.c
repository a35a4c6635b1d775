/* SPDX-License-Identifier: ISC */
/*
 * api_swagger: a Swagger 2.0 document converted on load to the OpenAPI 3.0
 * shape the rest of the tools layer reads.  The common subset:
 *
 * - host, basePath, schemes -> servers (https first; without schemes the
 *   scheme the document was fetched with, else https; without host a
 *   relative basePath, resolved as 3.0 server URLs are);
 * - path, query and header parameters: type, format, items, enum,
 *   default and the other validation keywords go into schema;
 *   collectionFormat becomes style/explode (csv: form or simple, not
 *   exploded; ssv: spaceDelimited; pipes: pipeDelimited; multi: form,
 *   exploded, query only; tsv has no 3.0 form and is refused);
 * - in: body -> requestBody with the operation's (or the document's)
 *   consumes, application/json when none is given;
 * - in: formData -> requestBody, multipart/form-data when consumes says
 *   so or a field is type: file (which becomes format: binary), else
 *   application/x-www-form-urlencoded; collectionFormat -> encoding;
 * - responses: schema -> content for each produces type (default
 *   application/json), examples -> example, headers -> schema;
 * - definitions, parameters, responses -> components/schemas,
 *   parameters, responses, every $ref rewritten; securityDefinitions ->
 *   components/securitySchemes (basic -> http basic, apiKey as it is,
 *   oauth2 flows implicit, password, application -> clientCredentials,
 *   accessCode -> authorizationCode);
 * - x- extensions kept where they were; discriminator (a name) becomes
 *   {propertyName}; x-nullable becomes nullable.
 *
 * What cannot be converted is refused by name with its JSON pointer: a
 * $ref to another file or outside definitions/parameters/responses, a
 * path item $ref, type: file outside formData, collectionFormat tsv or
 * multi where 3.0 has no equivalent, body and formData in one operation.
 * The converted document is bounded (API_SWAGGER_NODES values): a
 * document whose shared parameters and media types multiply is refused.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

#define API_SWAGGER_NODES	1000000

struct sw {
	struct api_doc		 sdoc;		/* the Swagger document */
	char			**cause;
	struct buf		 path;		/* pointer of the node in hand */
	size_t			 nodes;
	int			 over;		/* API_SWAGGER_NODES passed */
	struct json_object	*consumes;	/* the document's, or NULL */
	struct json_object	*produces;
};

static const char *const methods[] = { "get", "put", "post", "delete",
	"options", "head", "patch", NULL };

/* ----- helpers ---------------------------------------------------- */

static size_t
push(struct sw *sw, const char *key)
{
	size_t	 len = sw->path.len;

	buf_putc(&sw->path, '/');
	api_pointer_escape(&sw->path, key);
	return len;
}

static size_t
push_idx(struct sw *sw, size_t i)
{
	size_t	 len = sw->path.len;

	buf_printf(&sw->path, "/%zu", i);
	return len;
}

static void
pop(struct sw *sw, size_t len)
{
	sw->path.len = len;
	if (sw->path.data != NULL)
		sw->path.data[len] = '\0';
}

__attribute__((format(printf, 2, 3)))
static int
fail(struct sw *sw, const char *fmt, ...)
{
	va_list	 ap;
	char	*what;

	if (*sw->cause != NULL)
		return -1;
	va_start(ap, fmt);
	if (vasprintf(&what, fmt, ap) == -1)
		abort();
	va_end(ap);
	xasprintf(sw->cause, "MCP_OPENAPI: %s: %s: %s (converting Swagger "
	    "2.0 to OpenAPI 3.0)", sw->sdoc.where, sw->path.data, what);
	free(what);
	return -1;
}

/* $ref chains followed without a message (a broken one reads as absent). */
static struct json_object *
resolve_quiet(struct sw *sw, struct json_object *p)
{
	struct json_object	*r;
	char			*why = NULL;

	r = api_resolve(&sw->sdoc, p, "", &why);
	free(why);
	return r;
}

static struct json_object *
get(struct json_object *o, const char *key, enum json_type type)
{
	struct json_object	*v;

	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, type))
		return NULL;
	return v;
}

/* The length of an array; 0 for NULL (json-c asserts on it). */
static size_t
alen(struct json_object *a)
{
	return json_object_is_type(a, json_type_array) ?
	    json_object_array_length(a) : 0;
}

static const char *
get_str(struct json_object *o, const char *key)
{
	struct json_object	*v = get(o, key, json_type_string);

	return v != NULL ? json_object_get_string(v) : NULL;
}

static int
str_in(struct json_object *list, const char *s)
{
	size_t	 i;

	for (i = 0; list != NULL && i < json_object_array_length(list); i++)
		if (json_object_is_type(json_object_array_get_idx(list, i),
		    json_type_string) && strcmp(json_object_get_string(
		    json_object_array_get_idx(list, i)), s) == 0)
			return 1;
	return 0;
}

static struct json_object *
new_obj(struct sw *sw)
{
	if (++sw->nodes > API_SWAGGER_NODES)
		sw->over = 1;
	return json_object_new_object();
}

/* A counted deep copy; NULL (and sw->over) past the bound. */
static struct json_object *
copy(struct sw *sw, struct json_object *o)
{
	struct json_object	*c;
	size_t			 i;

	if (o == NULL || sw->over)
		return NULL;
	if (++sw->nodes > API_SWAGGER_NODES) {
		sw->over = 1;
		return NULL;
	}
	switch (json_object_get_type(o)) {
	case json_type_object:
		c = json_object_new_object();
		json_object_object_foreach(o, k, v)
			json_object_object_add(c, k, copy(sw, v));
		return c;
	case json_type_array:
		c = json_object_new_array();
		for (i = 0; i < json_object_array_length(o); i++)
			json_object_array_add(c, copy(sw, json_object_array_get_idx(o, i)));
		return c;
	default:
		c = NULL;
		if (json_object_deep_copy(o, &c, NULL) != 0)
			abort();
		return c;
	}
}

static void
put_copy(struct sw *sw, struct json_object *out, const char *key,
    struct json_object *v)
{
	if (v != NULL)
		json_object_object_add(out, key, copy(sw, v));
}

/* Copy the x- extensions of `in` to `out`. */
static void
put_ext(struct sw *sw, struct json_object *out, struct json_object *in)
{
	if (!json_object_is_type(in, json_type_object))
		return;
	json_object_object_foreach(in, k, v)
		if (k[0] == 'x' && k[1] == '-')
			json_object_object_add(out, k, copy(sw, v));
}

/* ----- schemas ---------------------------------------------------- */

static const char *const ref_map[][2] = {
	{ "#/definitions/", "#/components/schemas/" },
	{ "#/parameters/", "#/components/parameters/" },
	{ "#/responses/", "#/components/responses/" },
};

/* A Swagger $ref as its 3.0 equivalent (new), or NULL (reported). */
static struct json_object *
ref(struct sw *sw, struct json_object *v)
{
	const char	*r = json_object_get_string(v);
	char		*s;
	size_t		 i, n;
	struct json_object *o;

	if (!json_object_is_type(v, json_type_string)) {
		fail(sw, "$ref is not a string");
		return NULL;
	}
	if (r[0] != '#') {
		fail(sw, "external $ref '%.200s' cannot be converted; bundle "
		    "the document first", r);
		return NULL;
	}
	for (i = 0; i < sizeof(ref_map) / sizeof(ref_map[0]); i++) {
		n = strlen(ref_map[i][0]);
		if (strncmp(r, ref_map[i][0], n) == 0 && r[n] != '\0') {
			xasprintf(&s, "%s%s", ref_map[i][1], r + n);
			o = json_object_new_string(s);
			free(s);
			sw->nodes++;
			return o;
		}
	}
	fail(sw, "$ref '%.200s' points outside #/definitions, #/parameters "
	    "and #/responses and cannot be converted", r);
	return NULL;
}

static struct json_object *schema(struct sw *, struct json_object *);

/* A map of name -> schema (properties, definitions). */
static struct json_object *
schema_map(struct sw *sw, struct json_object *m)
{
	struct json_object	*out, *s;
	size_t			 at;

	if (!json_object_is_type(m, json_type_object))
		return copy(sw, m);
	out = new_obj(sw);
	json_object_object_foreach(m, k, v) {
		at = push(sw, k);
		s = schema(sw, v);
		pop(sw, at);
		if (*sw->cause != NULL) {
			json_object_put(out);
			return NULL;
		}
		json_object_object_add(out, k, s);
	}
	return out;
}

static struct json_object *
schema_list(struct sw *sw, struct json_object *a)
{
	struct json_object	*out, *s;
	size_t			 i, at;

	if (!json_object_is_type(a, json_type_array))
		return schema(sw, a);
	out = json_object_new_array();
	sw->nodes++;
	for (i = 0; i < json_object_array_length(a); i++) {
		at = push_idx(sw, i);
		s = schema(sw, json_object_array_get_idx(a, i));
		pop(sw, at);
		if (*sw->cause != NULL) {
			json_object_put(out);
			return NULL;
		}
		json_object_array_add(out, s);
	}
	return out;
}

/*
 * A Swagger schema as a 3.0 schema (new).  Only the keywords that hold
 * schemas are walked, so an example or a default that happens to hold a
 * "$ref" member is copied as it is.
 */
static struct json_object *
schema(struct sw *sw, struct json_object *s)
{
	struct json_object	*out, *c;
	size_t			 at;
	int			 file = 0;

	if (!json_object_is_type(s, json_type_object))
		return copy(sw, s);
	if (sw->over)
		return NULL;
	out = new_obj(sw);
	json_object_object_foreach(s, k, v) {
		at = push(sw, k);
		c = NULL;
		if (strcmp(k, "$ref") == 0)
			c = ref(sw, v);
		else if (strcmp(k, "properties") == 0)
			c = schema_map(sw, v);
		else if (strcmp(k, "items") == 0 ||
		    strcmp(k, "allOf") == 0 || strcmp(k, "anyOf") == 0 ||
		    strcmp(k, "oneOf") == 0)
			c = schema_list(sw, v);
		else if (strcmp(k, "additionalProperties") == 0 ||
		    strcmp(k, "not") == 0)
			c = schema(sw, v);
		else if (strcmp(k, "discriminator") == 0 &&
		    json_object_is_type(v, json_type_string)) {
			c = new_obj(sw);
			json_object_object_add(c, "propertyName",
			    copy(sw, v));
		} else if (strcmp(k, "x-nullable") == 0 &&
		    json_object_is_type(v, json_type_boolean)) {
			pop(sw, at);
			json_object_object_add(out, "nullable", copy(sw, v));
			continue;
		} else if (strcmp(k, "type") == 0 &&
		    json_object_is_type(v, json_type_string) &&
		    strcmp(json_object_get_string(v), "file") == 0) {
			file = 1;
			c = json_object_new_string("string");
		} else
			c = copy(sw, v);
		pop(sw, at);
		if (*sw->cause != NULL) {
			json_object_put(c);
			json_object_put(out);
			return NULL;
		}
		json_object_object_add(out, k, c);
	}
	if (file)
		json_object_object_add(out, "format",
		    json_object_new_string("binary"));
	return out;
}

/* ----- parameters ------------------------------------------------- */

static const char *const param_keys[] = { "format", "enum", "default",
	"maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
	"maxLength", "minLength", "pattern", "maxItems", "minItems",
	"uniqueItems", "multipleOf", NULL };

/*
 * The schema of a non-body parameter, an items object or a header:
 * its type and validation keywords.  type: file only in a form.
 */
static struct json_object *
param_schema(struct sw *sw, struct json_object *p, int form)
{
	struct json_object	*out, *items, *c;
	const char		*type = get_str(p, "type");
	size_t			 i, at;

	if (!json_object_is_type(p, json_type_object))
		return new_obj(sw);	/* a broken one: no constraint */
	if (get(p, "$ref", json_type_string) != NULL)
		return schema(sw, p);	/* not Swagger, but seen */
	out = new_obj(sw);
	if (type != NULL && strcmp(type, "file") == 0) {
		if (!form) {
			fail(sw, "type: file is only possible in a formData "
			    "parameter");
			json_object_put(out);
			return NULL;
		}
		json_object_object_add(out, "type",
		    json_object_new_string("string"));
		json_object_object_add(out, "format",
		    json_object_new_string("binary"));
		return out;
	}
	if (type != NULL)
		json_object_object_add(out, "type", json_object_new_string(type));
	/* in the document's order, as the JSON Schema it becomes */
	json_object_object_foreach(p, k, v)
		for (i = 0; param_keys[i] != NULL; i++)
			if (strcmp(k, param_keys[i]) == 0)
				put_copy(sw, out, k, v);
	if ((items = get(p, "items", json_type_object)) != NULL) {
		at = push(sw, "items");
		c = param_schema(sw, items, 0);
		pop(sw, at);
		if (c == NULL) {
			json_object_put(out);
			return NULL;
		}
		json_object_object_add(out, "items", c);
	}
	return out;
}

/* collectionFormat as style and explode; -1 when it has none there. */
static int
coll_style(struct sw *sw, struct json_object *p, const char *in,
    const char **style, int *explode)
{
	const char	*cf = get_str(p, "collectionFormat");
	const char	*type = get_str(p, "type");
	int		 q = strcmp(in, "query") == 0 ||
			    strcmp(in, "formData") == 0;

	*style = NULL;
	*explode = 0;
	if (type == NULL || strcmp(type, "array") != 0)
		return 0;
	if (cf == NULL || strcmp(cf, "csv") == 0)
		*style = q ? "form" : "simple";
	else if (strcmp(cf, "multi") == 0) {
		if (!q)
			return fail(sw, "collectionFormat multi is only for "
			    "query and formData parameters, not %s", in);
		*style = "form";
		*explode = 1;
	} else if ((strcmp(cf, "ssv") == 0 || strcmp(cf, "pipes") == 0) &&
	    q)
		*style = strcmp(cf, "ssv") == 0 ? "spaceDelimited" :
		    "pipeDelimited";
	else
		return fail(sw, "collectionFormat %.32s has no OpenAPI 3 "
		    "equivalent in a %s parameter", cf, in);
	return 0;
}

/* A path, query or header parameter (new), or NULL (reported). */
static struct json_object *
param(struct sw *sw, struct json_object *p)
{
	struct json_object	*out, *s;
	const char		*in = get_str(p, "in"), *style;
	size_t			 at;
	int			 explode;

	if (in == NULL || (strcmp(in, "path") != 0 &&
	    strcmp(in, "query") != 0 && strcmp(in, "header") != 0)) {
		fail(sw, "parameter 'in' is %s%.32s%s (path, query, header, "
		    "body and formData are)", in ? "'" : "", in ? in :
		    "missing", in ? "'" : "");
		return NULL;
	}
	if (coll_style(sw, p, in, &style, &explode) == -1)
		return NULL;
	out = new_obj(sw);
	put_copy(sw, out, "name", get(p, "name", json_type_string));
	json_object_object_add(out, "in", json_object_new_string(in));
	put_copy(sw, out, "description", get(p, "description",
	    json_type_string));
	if (strcmp(in, "path") == 0)
		json_object_object_add(out, "required",
		    json_object_new_boolean(1));
	else
		put_copy(sw, out, "required", get(p, "required",
		    json_type_boolean));
	put_copy(sw, out, "allowEmptyValue", get(p, "allowEmptyValue",
	    json_type_boolean));
	if (style != NULL) {
		json_object_object_add(out, "style",
		    json_object_new_string(style));
		json_object_object_add(out, "explode",
		    json_object_new_boolean(explode));
	}
	at = push(sw, "schema");
	s = param_schema(sw, p, 0);
	pop(sw, at);
	if (s == NULL) {
		json_object_put(out);
		return NULL;
	}
	json_object_object_add(out, "schema", s);
	put_ext(sw, out, p);
	return out;
}

/* ----- request bodies --------------------------------------------- */

/* The parameters of one operation, sorted by where they go. */
struct sw_params {
	struct json_object	*list;		/* 3.0 parameters */
	struct json_object	*body;		/* borrowed, in: body */
	char			*body_at;	/* its pointer */
	struct json_object	**form;		/* borrowed, in: formData */
	size_t			 nform;
};

static int
is_form_type(const char *s)
{
	return strcmp(s, "application/x-www-form-urlencoded") == 0 ||
	    strcmp(s, "multipart/form-data") == 0;
}

static struct json_object *
body_from_param(struct sw *sw, struct json_object *p,
    struct json_object *consumes)
{
	struct json_object	*rb, *content, *media, *s, *v;
	size_t			 i, n = 0, at;
	const char		*mt;

	rb = new_obj(sw);
	put_copy(sw, rb, "description", get(p, "description",
	    json_type_string));
	put_copy(sw, rb, "required", get(p, "required", json_type_boolean));
	content = new_obj(sw);
	json_object_object_add(rb, "content", content);
	for (i = 0; i <= alen(consumes); i++) {
		if (i < alen(consumes)) {
			v = json_object_array_get_idx(consumes, i);
			if (!json_object_is_type(v, json_type_string) ||
			    is_form_type(json_object_get_string(v)) ||
			    json_object_object_get_ex(content,
			    json_object_get_string(v), NULL))
				continue;
			mt = json_object_get_string(v);
		} else if (n == 0)
			mt = "application/json";
		else
			break;
		n++;
		media = new_obj(sw);
		json_object_object_add(content, mt, media);
		if ((s = get(p, "schema", json_type_object)) != NULL) {
			at = push(sw, "schema");
			s = schema(sw, s);
			pop(sw, at);
			if (s == NULL) {
				json_object_put(rb);
				return NULL;
			}
			json_object_object_add(media, "schema", s);
		}
	}
	put_ext(sw, rb, p);
	return rb;
}

static struct json_object *
body_from_form(struct sw *sw, struct sw_params *sp,
    struct json_object *consumes)
{
	struct json_object	*rb, *content, *obj, *props, *req, *enc;
	struct json_object	*s, *e, *p;
	const char		*name, *type, *style;
	size_t			 i;
	int			 file = 0, multi, url, required = 0, explode;

	obj = new_obj(sw);
	json_object_object_add(obj, "type", json_object_new_string("object"));
	props = new_obj(sw);
	json_object_object_add(obj, "properties", props);
	req = json_object_new_array();
	enc = new_obj(sw);
	for (i = 0; i < sp->nform; i++) {
		p = sp->form[i];
		if ((name = get_str(p, "name")) == NULL)
			continue;
		type = get_str(p, "type");
		if (type != NULL && strcmp(type, "file") == 0)
			file = 1;
		if (coll_style(sw, p, "formData", &style, &explode) == -1 ||
		    (s = param_schema(sw, p, 1)) == NULL)
			goto fail;
		put_copy(sw, s, "description", get(p, "description",
		    json_type_string));
		json_object_object_add(props, name, s);
		if ((e = get(p, "required", json_type_boolean)) != NULL &&
		    json_object_get_boolean(e)) {
			json_object_array_add(req, json_object_new_string(name));
			required = 1;
		}
		if (style != NULL) {
			e = new_obj(sw);
			json_object_object_add(e, "style",
			    json_object_new_string(style));
			json_object_object_add(e, "explode",
			    json_object_new_boolean(explode));
			json_object_object_add(enc, name, e);
		}
	}
	if (json_object_array_length(req) > 0)
		json_object_object_add(obj, "required", json_object_get(req));
	multi = str_in(consumes, "multipart/form-data") || file;
	url = str_in(consumes, "application/x-www-form-urlencoded") && !file;
	if (!multi && !url)
		url = 1;
	rb = new_obj(sw);
	if (required)
		json_object_object_add(rb, "required",
		    json_object_new_boolean(1));
	content = new_obj(sw);
	json_object_object_add(rb, "content", content);
	for (i = 0; i < 2; i++) {
		struct json_object	*media;

		if (!(i == 0 ? url : multi))
			continue;
		media = new_obj(sw);
		json_object_object_add(media, "schema", i == 0 && multi ?
		    copy(sw, obj) : json_object_get(obj));
		if (json_object_object_length(enc) > 0)
			json_object_object_add(media, "encoding", i == 0 &&
			    multi ? copy(sw, enc) : json_object_get(enc));
		json_object_object_add(content, i == 0 ?
		    "application/x-www-form-urlencoded" :
		    "multipart/form-data", media);
	}
	json_object_put(obj);
	json_object_put(req);
	json_object_put(enc);
	return rb;
fail:
	json_object_put(obj);
	json_object_put(req);
	json_object_put(enc);
	return NULL;
}

/*
 * Sort one parameter (the `i`th of a list whose pointer is in sw->path)
 * into sp.  `path_level` parameters are overridden by an operation's own
 * of the same name and place.
 */
static int
sort_param(struct sw *sw, struct sw_params *sp, struct json_object *p)
{
	struct json_object	*r, *c;
	const char		*in, *rs;

	if (!json_object_is_type(p, json_type_object))
		return fail(sw, "a parameter is not an object");
	if ((r = api_resolve(&sw->sdoc, p, sw->path.data, sw->cause)) == NULL)
		return -1;
	if ((in = get_str(r, "in")) != NULL && strcmp(in, "body") == 0) {
		if (sp->body != NULL)
			return fail(sw, "a second body parameter");
		sp->body = r;
		free(sp->body_at);
		sp->body_at = xstrdup(sw->path.data);
		return 0;
	}
	if (in != NULL && strcmp(in, "formData") == 0) {
		sp->form = xrealloc(sp->form, (sp->nform + 1) *
		    sizeof(*sp->form));
		sp->form[sp->nform++] = r;
		return 0;
	}
	/* a shared parameter stays shared: its $ref, rewritten */
	if (r != p && (rs = get_str(p, "$ref")) != NULL &&
	    strncmp(rs, "#/parameters/", 13) == 0) {
		if ((c = ref(sw, get(p, "$ref", json_type_string))) == NULL)
			return -1;
		r = new_obj(sw);
		json_object_object_add(r, "$ref", c);
		json_object_array_add(sp->list, r);
		return 0;
	}
	if ((c = param(sw, r)) == NULL)
		return -1;
	json_object_array_add(sp->list, c);
	return 0;
}

/* A parameter's place and name as one key, "" when it lacks either. */
static void
param_key(struct json_object *p, char *key, size_t keysz)
{
	const char	*name = get_str(p, "name"), *in = get_str(p, "in");

	/* "in" is one of five words without ':': "in:name" is one way */
	if (name != NULL && in != NULL)
		snprintf(key, keysz, "%s:%s", in, name);
	else
		key[0] = '\0';
}

/* The operation's own parameters by in:name, to look path ones up in
 * once each (a scan per path parameter is quadratic in big documents). */
static struct json_object *
own_params(struct sw *sw, struct json_object *list)
{
	struct json_object	*own = json_object_new_object(), *q;
	char			 key[512];
	size_t			 i;

	for (i = 0; list != NULL && i < json_object_array_length(list); i++) {
		q = resolve_quiet(sw, json_object_array_get_idx(list, i));
		if (q == NULL)
			continue;
		param_key(q, key, sizeof(key));
		if (key[0] != '\0')
			json_object_object_add(own, key, NULL);
	}
	return own;
}

static int
overridden(struct json_object *own, struct json_object *p)
{
	char	 key[512];

	param_key(p, key, sizeof(key));
	return key[0] != '\0' && json_object_object_get_ex(own, key, NULL);
}

/* ----- responses -------------------------------------------------- */

static struct json_object *
response(struct sw *sw, struct json_object *r, struct json_object *produces)
{
	struct json_object	*out, *content = NULL, *media, *s, *hs, *h, *c;
	struct json_object	*ex, *d, *v;
	size_t			 i, at, at2;

	if ((v = get(r, "$ref", json_type_string)) != NULL) {
		out = new_obj(sw);
		at = push(sw, "$ref");
		c = ref(sw, v);
		pop(sw, at);
		if (c == NULL) {
			json_object_put(out);
			return NULL;
		}
		json_object_object_add(out, "$ref", c);
		return out;
	}
	out = new_obj(sw);
	d = get(r, "description", json_type_string);
	json_object_object_add(out, "description", d != NULL ? copy(sw, d) :
	    json_object_new_string(""));
	if ((hs = get(r, "headers", json_type_object)) != NULL) {
		c = new_obj(sw);
		json_object_object_add(out, "headers", c);
		at = push(sw, "headers");
		json_object_object_foreach(hs, hk, hv) {
			at2 = push(sw, hk);
			h = new_obj(sw);
			json_object_object_add(c, hk, h);
			put_copy(sw, h, "description", get(hv, "description",
			    json_type_string));
			s = param_schema(sw, hv, 0);
			pop(sw, at2);
			if (s == NULL) {
				pop(sw, at);
				json_object_put(out);
				return NULL;
			}
			json_object_object_add(h, "schema", s);
		}
		pop(sw, at);
	}
	s = get(r, "schema", json_type_object);
	ex = get(r, "examples", json_type_object);
	if (s != NULL || ex != NULL) {
		content = new_obj(sw);
		json_object_object_add(out, "content", content);
	}
	for (i = 0; s != NULL && i <= alen(produces);
	    i++) {
		const char	*mt;

		if (i < alen(produces)) {
			v = json_object_array_get_idx(produces, i);
			if (!json_object_is_type(v, json_type_string) ||
			    json_object_object_get_ex(content,
			    json_object_get_string(v), NULL))
				continue;
			mt = json_object_get_string(v);
		} else if (json_object_object_length(content) == 0)
			mt = "application/json";
		else
			break;
		media = new_obj(sw);
		json_object_object_add(content, mt, media);
		at = push(sw, "schema");
		c = schema(sw, s);
		pop(sw, at);
		if (c == NULL) {
			json_object_put(out);
			return NULL;
		}
		json_object_object_add(media, "schema", c);
	}
	if (ex != NULL) {
		json_object_object_foreach(ex, mk, mv) {
			if (!json_object_object_get_ex(content, mk, &media)) {
				media = new_obj(sw);
				json_object_object_add(content, mk, media);
			}
			json_object_object_add(media, "example", copy(sw, mv));
		}
	}
	put_ext(sw, out, r);
	return out;
}

static struct json_object *
responses(struct sw *sw, struct json_object *rs, struct json_object *produces)
{
	struct json_object	*out = new_obj(sw), *r;
	size_t			 at;

	json_object_object_foreach(rs, k, v) {
		at = push(sw, k);
		if (k[0] == 'x' && k[1] == '-')
			r = copy(sw, v);
		else
			r = response(sw, v, produces);
		pop(sw, at);
		if (*sw->cause != NULL) {
			json_object_put(r);
			json_object_put(out);
			return NULL;
		}
		json_object_object_add(out, k, r);
	}
	return out;
}

/* ----- operations and paths --------------------------------------- */

static const char *const op_keys[] = { "tags", "summary", "description",
	"externalDocs", "operationId", "deprecated", "security", NULL };

static struct json_object *
operation(struct sw *sw, struct json_object *op, struct json_object *shared)
{
	struct sw_params	 sp;
	struct json_object	*out, *list, *consumes, *produces, *rb = NULL;
	struct json_object	*v, *p, *own = NULL;
	size_t			 i, at, at2;

	memset(&sp, 0, sizeof(sp));
	out = new_obj(sw);
	sp.list = json_object_new_array();
	for (i = 0; op_keys[i] != NULL; i++)
		if (json_object_object_get_ex(op, op_keys[i], &v))
			put_copy(sw, out, op_keys[i], v);
	if ((consumes = get(op, "consumes", json_type_array)) == NULL)
		consumes = sw->consumes;
	if ((produces = get(op, "produces", json_type_array)) == NULL)
		produces = sw->produces;
	list = get(op, "parameters", json_type_array);
	at = push(sw, "parameters");
	for (i = 0; list != NULL && i < json_object_array_length(list); i++) {
		at2 = push_idx(sw, i);
		if (sort_param(sw, &sp, json_object_array_get_idx(list, i)) ==
		    -1)
			goto fail;
		pop(sw, at2);
	}
	pop(sw, at);
	/* the path's body and form fields, unless overridden here */
	own = shared != NULL ? own_params(sw, list) : NULL;
	for (i = 0; shared != NULL && i < json_object_array_length(shared);
	    i++) {
		const char	*in;

		p = resolve_quiet(sw, json_object_array_get_idx(shared, i));
		if (p == NULL || (in = get_str(p, "in")) == NULL ||
		    (strcmp(in, "body") != 0 && strcmp(in, "formData") != 0) ||
		    overridden(own, p))
			continue;
		if (sort_param(sw, &sp, p) == -1)
			goto fail;
	}
	json_object_put(own);
	own = NULL;
	if (sp.body != NULL && sp.nform > 0) {
		fail(sw, "body and formData parameters in one operation");
		goto fail;
	}
	if (json_object_array_length(sp.list) > 0)
		json_object_object_add(out, "parameters",
		    json_object_get(sp.list));
	if (sp.body != NULL) {
		/* messages name the body parameter */
		char	*here = xstrdup(sw->path.data);

		buf_reset(&sw->path);
		buf_puts(&sw->path, sp.body_at);
		rb = body_from_param(sw, sp.body, consumes);
		buf_reset(&sw->path);
		buf_puts(&sw->path, here);
		free(here);
	} else if (sp.nform > 0) {
		at = push(sw, "parameters");
		rb = body_from_form(sw, &sp, consumes);
		pop(sw, at);
	}
	if (*sw->cause != NULL)
		goto fail;
	if (rb != NULL)
		json_object_object_add(out, "requestBody", rb);
	rb = NULL;
	if ((v = get(op, "responses", json_type_object)) != NULL) {
		at = push(sw, "responses");
		p = responses(sw, v, produces);
		pop(sw, at);
		if (p == NULL)
			goto fail;
		json_object_object_add(out, "responses", p);
	}
	put_ext(sw, out, op);
	json_object_put(sp.list);
	free(sp.body_at);
	free(sp.form);
	return out;
fail:
	json_object_put(own);
	json_object_put(rb);
	json_object_put(sp.list);
	json_object_put(out);
	free(sp.body_at);
	free(sp.form);
	return NULL;
}

static struct json_object *
path_item(struct sw *sw, struct json_object *item)
{
	struct json_object	*out, *shared, *list, *o, *v, *c;
	size_t			 i, at, at2;
	const char		*in;

	if (!json_object_is_type(item, json_type_object))
		return copy(sw, item);
	if (get(item, "$ref", json_type_string) != NULL) {
		fail(sw, "a path item $ref cannot be converted; bundle the "
		    "document first");
		return NULL;
	}
	out = new_obj(sw);
	shared = get(item, "parameters", json_type_array);
	list = json_object_new_array();
	at = push(sw, "parameters");
	for (i = 0; shared != NULL && i < json_object_array_length(shared);
	    i++) {
		v = json_object_array_get_idx(shared, i);
		at2 = push_idx(sw, i);
		o = api_resolve(&sw->sdoc, v, sw->path.data, sw->cause);
		if (o != NULL && (in = get_str(o, "in")) != NULL &&
		    (strcmp(in, "body") == 0 || strcmp(in, "formData") == 0)) {
			pop(sw, at2);
			continue;	/* into each operation's body */
		}
		c = NULL;
		if (o != NULL && o != v && strncmp(get_str(v, "$ref"),
		    "#/parameters/", 13) == 0) {
			if ((c = ref(sw, get(v, "$ref", json_type_string))) !=
			    NULL) {
				o = new_obj(sw);
				json_object_object_add(o, "$ref", c);
				c = o;
			}
		} else if (o != NULL)
			c = param(sw, o);
		pop(sw, at2);
		if (c == NULL)
			goto fail;
		json_object_array_add(list, c);
	}
	pop(sw, at);
	if (json_object_array_length(list) > 0)
		json_object_object_add(out, "parameters", json_object_get(list));
	for (i = 0; methods[i] != NULL; i++) {
		if ((v = get(item, methods[i], json_type_object)) == NULL)
			continue;
		at = push(sw, methods[i]);
		o = operation(sw, v, shared);
		pop(sw, at);
		if (o == NULL)
			goto fail;
		json_object_object_add(out, methods[i], o);
	}
	put_copy(sw, out, "summary", get(item, "summary", json_type_string));
	put_copy(sw, out, "description", get(item, "description",
	    json_type_string));
	put_ext(sw, out, item);
	json_object_put(list);
	return out;
fail:
	json_object_put(list);
	json_object_put(out);
	return NULL;
}

/* ----- the document ----------------------------------------------- */

static struct json_object *
security_scheme(struct sw *sw, struct json_object *d)
{
	static const char *const flows[][2] = {
		{ "implicit", "implicit" }, { "password", "password" },
		{ "application", "clientCredentials" },
		{ "accessCode", "authorizationCode" },
	};
	struct json_object	*out, *f, *fl, *scopes;
	const char		*type = get_str(d, "type"), *flow;
	size_t			 i;

	if (type == NULL || (strcmp(type, "basic") != 0 &&
	    strcmp(type, "apiKey") != 0 && strcmp(type, "oauth2") != 0)) {
		fail(sw, "security scheme type %s%.32s%s is not one of basic, "
		    "apiKey, oauth2", type ? "'" : "", type ? type : "missing",
		    type ? "'" : "");
		return NULL;
	}
	out = new_obj(sw);
	if (strcmp(type, "basic") == 0) {
		json_object_object_add(out, "type",
		    json_object_new_string("http"));
		json_object_object_add(out, "scheme",
		    json_object_new_string("basic"));
	} else if (strcmp(type, "apiKey") == 0) {
		json_object_object_add(out, "type",
		    json_object_new_string("apiKey"));
		put_copy(sw, out, "name", get(d, "name", json_type_string));
		put_copy(sw, out, "in", get(d, "in", json_type_string));
	} else {
		flow = get_str(d, "flow");
		for (i = 0; flow != NULL && i < 4; i++)
			if (strcmp(flow, flows[i][0]) == 0)
				break;
		if (flow == NULL || i == 4) {
			fail(sw, "oauth2 flow %s%.32s%s is not one of implicit,"
			    " password, application, accessCode", flow ? "'" :
			    "", flow ? flow : "missing", flow ? "'" : "");
			json_object_put(out);
			return NULL;
		}
		json_object_object_add(out, "type",
		    json_object_new_string("oauth2"));
		fl = new_obj(sw);
		f = new_obj(sw);
		json_object_object_add(out, "flows", fl);
		json_object_object_add(fl, flows[i][1], f);
		if (i == 0 || i == 3)
			put_copy(sw, f, "authorizationUrl", get(d,
			    "authorizationUrl", json_type_string));
		if (i != 0)
			put_copy(sw, f, "tokenUrl", get(d, "tokenUrl",
			    json_type_string));
		scopes = get(d, "scopes", json_type_object);
		json_object_object_add(f, "scopes", scopes != NULL ?
		    copy(sw, scopes) : new_obj(sw));
	}
	put_copy(sw, out, "description", get(d, "description",
	    json_type_string));
	put_ext(sw, out, d);
	return out;
}

/* host, basePath and schemes as servers; NULL when there is nothing. */
static struct json_object *
servers(struct sw *sw, struct json_object *src)
{
	struct json_object	*out, *sv, *schemes;
	const char		*host = get_str(src, "host");
	const char		*base = get_str(src, "basePath");
	const char		*want[2] = { "https", "http" };
	char			*url;
	size_t			 n, i;
	int			 any = 0;

	n = base != NULL ? strlen(base) : 0;
	while (n > 0 && base[n - 1] == '/')
		n--;
	if (host == NULL && n == 0)
		return NULL;
	out = json_object_new_array();
	if (host == NULL) {
		sv = new_obj(sw);
		json_object_object_add(sv, "url",
		    json_object_new_string_len(base, (int)n));
		json_object_array_add(out, sv);
		return out;
	}
	schemes = get(src, "schemes", json_type_array);
	for (i = 0; i < 3; i++) {
		const char	*sch;

		if (i < 2 && schemes != NULL && !str_in(schemes, want[i]))
			continue;
		if (i < 2 && schemes == NULL)
			continue;
		if (i == 2 && any)
			break;
		if (i < 2)
			sch = want[i];
		else	/* the scheme the document itself came by */
			sch = strncmp(sw->sdoc.where, "http://", 7) == 0 ?
			    "http" : "https";
		/* Swagger says basePath starts with '/'; some omit it */
		xasprintf(&url, "%s://%s%s%.*s", sch, host, n > 0 &&
		    base[0] != '/' ? "/" : "", (int)n, base ? base : "");
		sv = new_obj(sw);
		json_object_object_add(sv, "url", json_object_new_string(url));
		json_object_array_add(out, sv);
		free(url);
		any = 1;
	}
	return out;
}

static int
components(struct sw *sw, struct json_object *src, struct json_object *out)
{
	struct json_object	*comp = new_obj(sw), *m, *c, *o;
	const char		*in;
	size_t			 at, at2;

	json_object_object_add(out, "components", comp);
	if ((m = get(src, "definitions", json_type_object)) != NULL) {
		at = push(sw, "definitions");
		c = schema_map(sw, m);
		pop(sw, at);
		if (c == NULL)
			return -1;
		json_object_object_add(comp, "schemas", c);
	}
	if ((m = get(src, "parameters", json_type_object)) != NULL) {
		c = new_obj(sw);
		json_object_object_add(comp, "parameters", c);
		at = push(sw, "parameters");
		json_object_object_foreach(m, k, v) {
			/* bodies and form fields are inlined where used */
			if ((in = get_str(v, "in")) != NULL &&
			    (strcmp(in, "body") == 0 ||
			    strcmp(in, "formData") == 0))
				continue;
			at2 = push(sw, k);
			o = param(sw, v);
			pop(sw, at2);
			if (o == NULL)
				return -1;
			json_object_object_add(c, k, o);
		}
		pop(sw, at);
	}
	if ((m = get(src, "responses", json_type_object)) != NULL) {
		c = new_obj(sw);
		json_object_object_add(comp, "responses", c);
		at = push(sw, "responses");
		json_object_object_foreach(m, k2, v2) {
			at2 = push(sw, k2);
			o = response(sw, v2, sw->produces);
			pop(sw, at2);
			if (o == NULL)
				return -1;
			json_object_object_add(c, k2, o);
		}
		pop(sw, at);
	}
	if ((m = get(src, "securityDefinitions", json_type_object)) != NULL) {
		c = new_obj(sw);
		json_object_object_add(comp, "securitySchemes", c);
		at = push(sw, "securityDefinitions");
		json_object_object_foreach(m, k3, v3) {
			at2 = push(sw, k3);
			o = security_scheme(sw, v3);
			pop(sw, at2);
			if (o == NULL)
				return -1;
			json_object_object_add(c, k3, o);
		}
		pop(sw, at);
	}
	return 0;
}

/*
 * Convert the Swagger 2.0 document `src` (not changed) into a new
 * OpenAPI 3.0 tree, which the caller owns; NULL with *cause set when
 * something cannot be converted.
 */
struct json_object *
api_swagger_convert(struct json_object *src, const char *where, char **cause)
{
	struct sw		 sw;
	struct json_object	*out, *paths, *po, *v, *s;
	const char		*ver = get_str(src, "swagger");
	size_t			 at;

	memset(&sw, 0, sizeof(sw));
	sw.sdoc.root = src;
	sw.sdoc.where = where;
	sw.cause = cause;
	*cause = NULL;
	if (ver == NULL && get(src, "swagger", json_type_double) != NULL) {
		/* YAML's plain 2.0 is a number */
		xasprintf(cause, "MCP_OPENAPI: %s: #/swagger: a number; the "
		    "version is a string: write swagger: \"2.0\"", where);
		return NULL;
	}
	if (ver == NULL || strcmp(ver, "2.0") != 0) {
		xasprintf(cause, "MCP_OPENAPI: %s: #/swagger: version %s%.32s%s "
		    "is not supported (Swagger 2.0 and OpenAPI 3.0.x, 3.1.x "
		    "are)", where, ver ? "'" : "", ver ? ver : "(not a string)",
		    ver ? "'" : "");
		return NULL;
	}
	buf_init(&sw.path);
	buf_puts(&sw.path, "#");
	sw.consumes = get(src, "consumes", json_type_array);
	sw.produces = get(src, "produces", json_type_array);
	out = new_obj(&sw);
	json_object_object_add(out, "openapi", json_object_new_string("3.0.3"));
	put_copy(&sw, out, "info", get(src, "info", json_type_object));
	if ((s = servers(&sw, src)) != NULL)
		json_object_object_add(out, "servers", s);
	put_copy(&sw, out, "tags", get(src, "tags", json_type_array));
	put_copy(&sw, out, "externalDocs", get(src, "externalDocs",
	    json_type_object));
	put_copy(&sw, out, "security", get(src, "security", json_type_array));
	if ((paths = get(src, "paths", json_type_object)) != NULL) {
		po = new_obj(&sw);
		json_object_object_add(out, "paths", po);
		at = push(&sw, "paths");
		json_object_object_foreach(paths, k, item) {
			size_t	 at2 = push(&sw, k);

			if (k[0] == 'x' && k[1] == '-')
				v = copy(&sw, item);
			else
				v = path_item(&sw, item);
			pop(&sw, at2);
			if (*cause != NULL)
				goto fail;
			json_object_object_add(po, k, v);
		}
		pop(&sw, at);
	}
	if (components(&sw, src, out) == -1)
		goto fail;
	put_ext(&sw, out, src);
	if (sw.over)
		goto fail;
	buf_free(&sw.path);
	return out;
fail:
	/* past the bound, work stops where it is: say why, not where */
	if (*cause == NULL) {
		pop(&sw, 1);
		fail(&sw, "the converted document would hold more than %d "
		    "values", API_SWAGGER_NODES);
	}
	buf_free(&sw.path);
	json_object_put(out);
	return NULL;
}
