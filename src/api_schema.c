/* SPDX-License-Identifier: ISC */
/*
 * api_schema: OpenAPI schema objects to self-contained JSON Schema for tool
 * definitions.  References are inlined, except where a schema refers to
 * itself (directly or through others) or a tool grows past a size budget:
 * those become "$ref": "#/$defs/Name" entries of the tool's own $defs,
 * so recursion is expressed, never expanded.  OpenAPI 3.0 dialect
 * (nullable, boolean exclusiveMinimum, example) becomes 2020-12.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "util.h"

struct api_def {
	struct json_object	*target;	/* the referenced schema */
	char			*name;		/* its $defs name */
};

struct api_conv {
	const struct api_doc	*doc;
	struct json_object	*defs;		/* built $defs, or NULL */
	struct api_def		*map;
	size_t			 nmap;
	/* a level of nesting each, and the $ref hops between (a hop is
	 * not a level: API_REF_HOPS bounds a chain) */
	struct json_object	*stack[(API_SCHEMA_DEPTH + 1) *
				    (API_REF_HOPS + 2)];
	size_t			 depth;
	size_t			 hops;		/* of them, $ref hops */
	size_t			 nodes;
	const char		*where;
	char			**cause;
};

struct api_conv *
api_conv_new(const struct api_doc *doc)
{
	struct api_conv	*c = xcalloc(1, sizeof(*c));

	c->doc = doc;
	return c;
}

void
api_conv_free(struct api_conv *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nmap; i++)
		free(c->map[i].name);
	free(c->map);
	json_object_put(c->defs);
	free(c);
}

/* The $defs collected so far (a new reference), or NULL when none. */
struct json_object *
api_conv_defs(struct api_conv *c)
{
	return c->defs != NULL ? json_object_get(c->defs) : NULL;
}

/* JSON null is a NULL json_object, so results come back through **out. */
static int convert(struct api_conv *, struct json_object *,
    struct json_object **);

static int
on_stack(const struct api_conv *c, struct json_object *t)
{
	size_t	 i;

	for (i = 0; i < c->depth; i++)
		if (c->stack[i] == t)
			return 1;
	return 0;
}

/* A $defs name from the last token of the $ref, unique in this tool. */
static char *
def_name(struct api_conv *c, const char *ref)
{
	const char	*last = strrchr(ref, '/');
	char		*base, *name;
	size_t		 i, n;
	int		 k;

	base = xstrdup(last != NULL && last[1] != '\0' ? last + 1 : "schema");
	for (i = 0; base[i] != '\0'; i++)
		if (!((base[i] >= 'a' && base[i] <= 'z') ||
		    (base[i] >= 'A' && base[i] <= 'Z') ||
		    (base[i] >= '0' && base[i] <= '9') || base[i] == '_' ||
		    base[i] == '.' || base[i] == '-'))
			base[i] = '_';
	name = xstrdup(base);
	for (k = 2;; k++) {
		for (n = 0; n < c->nmap; n++)
			if (strcmp(c->map[n].name, name) == 0)
				break;
		if (n == c->nmap)
			break;
		free(name);
		xasprintf(&name, "%s_%d", base, k);
	}
	free(base);
	return name;
}

/* The cause for a schema nested past API_SCHEMA_DEPTH; -1. */
static int
too_deep(struct api_conv *c)
{
	xasprintf(c->cause, "MCP_OPENAPI: %s: %s: schema nested deeper than "
	    "%d levels", c->doc->where, c->where, API_SCHEMA_DEPTH);
	return -1;
}

/* Levels of nesting on the stack (API_SCHEMA_DEPTH bounds them). */
static size_t
levels(const struct api_conv *c)
{
	return c->depth - c->hops;
}

/*
 * Convert what a $ref names with it on the stack (which on_stack looks at
 * for recursion): convert puts a schema there itself, as a level; a
 * target that is a $ref too (a hop of a chain) goes there here, and is
 * not a level.
 */
static int
convert_target(struct api_conv *c, struct json_object *target,
    struct json_object **out)
{
	struct json_object	*ref;
	int			 rc;

	if (!json_object_is_type(target, json_type_object) ||
	    !json_object_object_get_ex(target, "$ref", &ref) ||
	    !json_object_is_type(ref, json_type_string))
		return convert(c, target, out);
	if (c->depth >= sizeof(c->stack) / sizeof(c->stack[0]))
		return too_deep(c);
	c->stack[c->depth++] = target;
	c->hops++;
	rc = convert(c, target, out);
	c->depth--;
	c->hops--;
	return rc;
}

/* "#/$defs/Name" for `target`, converting it into $defs the first time. */
static struct json_object *
def_ref(struct api_conv *c, struct json_object *target, const char *ref)
{
	struct json_object	*conv, *o;
	struct buf		 b;
	size_t			 i;
	char			*name = NULL;
	int			 rc;

	for (i = 0; i < c->nmap; i++)
		if (c->map[i].target == target) {
			name = c->map[i].name;
			break;
		}
	if (name == NULL) {
		c->map = xrealloc(c->map, (c->nmap + 1) * sizeof(*c->map));
		c->map[c->nmap].target = target;
		name = c->map[c->nmap].name = def_name(c, ref);
		c->nmap++;
		if (c->defs == NULL)
			c->defs = json_object_new_object();
		/* placeholder first: references met while converting stop */
		json_object_object_add(c->defs, name, json_object_new_object());
		if (levels(c) >= API_SCHEMA_DEPTH) {
			too_deep(c);
			return NULL;
		}
		if ((rc = convert_target(c, target, &conv)) == -1)
			return NULL;
		json_object_object_add(c->defs, name, conv);
	}
	buf_init(&b);
	buf_puts(&b, "#/$defs/");
	api_pointer_escape(&b, name);
	o = json_object_new_object();
	json_object_object_add(o, "$ref", json_object_new_string(b.data));
	buf_free(&b);
	return o;
}

static int	 is_key(const char *, const char *const *);
static size_t	 value_weight(struct json_object *, size_t);

/* Keywords that only describe: beside a $ref, they win over the target's. */
static const char *const annotations[] = {
	"$comment", "default", "deprecated", "description", "example",
	"examples", "readOnly", "summary", "title", "writeOnly", NULL
};

/*
 * Keys beside a $ref (3.1 allows description, title ...) win; they are
 * written out in each inlined copy, so they count toward the budget.
 */
static void
merge_siblings(struct api_conv *c, struct json_object *dst,
    struct json_object *node)
{
	json_object_object_foreach(node, key, val) {
		if (strcmp(key, "$ref") == 0 || strncmp(key, "x-", 2) == 0)
			continue;
		c->nodes += strlen(key) / 64 + value_weight(val,
		    API_SCHEMA_NODES + 1);
		json_object_object_add(dst, key, json_object_get(val));
	}
}

/* Has the node, beside its $ref, keywords that constrain? */
static int
constraining_siblings(struct json_object *node)
{
	json_object_object_foreach(node, key, val) {
		(void)val;
		if (strcmp(key, "$ref") != 0 && strncmp(key, "x-", 2) != 0 &&
		    !is_key(key, annotations))
			return 1;
	}
	return 0;
}

/*
 * The target and the keywords beside its $ref both apply (JSON Schema
 * 2020-12; merged, the siblings replaced the target's properties, enum,
 * maxLength...): {"allOf": [target, siblings]}, the siblings converted
 * as a schema of their own.
 */
static int
with_siblings(struct api_conv *c, struct json_object *node,
    struct json_object **out)
{
	struct json_object	*rest = json_object_new_object(), *conv, *all;

	json_object_object_foreach(node, key, val)
		if (strcmp(key, "$ref") != 0)
			json_object_object_add(rest, key, json_object_get(val));
	if (convert(c, rest, &conv) == -1) {
		json_object_put(rest);
		json_object_put(*out);
		*out = NULL;
		return -1;
	}
	json_object_put(rest);
	all = json_object_new_array();
	json_object_array_add(all, *out);
	json_object_array_add(all, conv);
	*out = json_object_new_object();
	json_object_object_add(*out, "allOf", all);
	return 0;
}

/* The keywords beside one $ref applied to what it names, converted. */
static int
apply_siblings(struct api_conv *c, struct json_object *node,
    struct json_object **out)
{
	if (constraining_siblings(node))
		return with_siblings(c, node, out);
	if (json_object_is_type(*out, json_type_object))
		merge_siblings(c, *out, node);
	return 0;
}

static int
convert_ref(struct api_conv *c, struct json_object *node, const char *ref,
    struct json_object **out)
{
	struct json_object	*target;
	int			 rc = 0;

	*out = NULL;
	/*
	 * One hop at a time: in a chain (A names B, which names C) the
	 * keywords beside each $ref apply, those nearest the target first,
	 * and a schema that names itself through them (B's properties
	 * naming A) is met on the stack like any other recursion.  The
	 * whole chain is walked first, which refuses a cycle of bare $refs.
	 */
	if (api_resolve(c->doc, node, c->where, c->cause) == NULL ||
	    (target = api_resolve_hop(c->doc, node, c->where,
	    c->cause)) == NULL)
		return -1;
	if (on_stack(c, target) || c->nodes > API_SCHEMA_NODES ||
	    levels(c) >= API_SCHEMA_DEPTH) {
		if ((*out = def_ref(c, target, ref)) == NULL)
			rc = -1;
	} else
		rc = convert_target(c, target, out);
	if (rc == 0)
		rc = apply_siblings(c, node, out);
	return rc;
}

/* Convert each member of an object of schemas, or of an array of them. */
static int
convert_each(struct api_conv *c, struct json_object *v,
    struct json_object **out)
{
	struct json_object	*e;
	size_t			 i, n;

	if (json_object_is_type(v, json_type_object)) {
		*out = json_object_new_object();
		json_object_object_foreach(v, key, val) {
			/* a name is written out in each copy too */
			c->nodes += strlen(key) / 64;
			if (convert(c, val, &e) == -1)
				goto fail;
			json_object_object_add(*out, key, e);
		}
		return 0;
	}
	if (json_object_is_type(v, json_type_array)) {
		n = json_object_array_length(v);
		*out = json_object_new_array_ext((int)n);
		for (i = 0; i < n; i++) {
			if (convert(c, json_object_array_get_idx(v, i), &e) ==
			    -1)
				goto fail;
			json_object_array_add(*out, e);
		}
		return 0;
	}
	*out = json_object_get(v);
	return 0;
fail:
	json_object_put(*out);
	*out = NULL;
	return -1;
}

static int
is_key(const char *k, const char *const *list)
{
	/* the first byte first: called for every key of every schema */
	for (; *list != NULL; list++)
		if (k[0] == (*list)[0] && strcmp(k, *list) == 0)
			return 1;
	return 0;
}

static const char *const one_schema[] = {
	"items", "additionalProperties", "not", "contains", "propertyNames",
	"if", "then", "else", "unevaluatedItems", "unevaluatedProperties",
	"additionalItems", "contentSchema", NULL
};
/* (draft 7's "dependencies": its arrays of names are copied as they are) */
static const char *const many_schemas[] = {
	"properties", "patternProperties", "$defs", "definitions",
	"dependentSchemas", "dependencies", "allOf", "anyOf", "oneOf",
	"prefixItems", NULL
};
/* OpenAPI-only or document-relative keywords that mean nothing here */
static const char *const dropped[] = {
	"xml", "externalDocs", "$id", "$schema", "$anchor",
	"$dynamicAnchor", "nullable", NULL
};

/*
 * 3.0 nullable: type gains "null" (and so does an enum); a schema without
 * a type (allOf of a $ref, say) becomes anyOf itself or null.  Returns
 * the schema to use.
 */
static struct json_object *
apply_nullable(struct json_object *out, struct json_object *node)
{
	struct json_object	*v, *t, *a, *n;
	size_t			 i;

	if (!json_object_object_get_ex(node, "nullable", &v) ||
	    !json_object_is_type(v, json_type_boolean) ||
	    !json_object_get_boolean(v))
		return out;
	if (!json_object_object_get_ex(out, "type", &t) ||
	    !json_object_is_type(t, json_type_string)) {
		n = json_object_new_object();
		json_object_object_add(n, "type", json_object_new_string("null"));
		a = json_object_new_array();
		json_object_array_add(a, out);
		json_object_array_add(a, n);
		n = json_object_new_object();
		json_object_object_add(n, "anyOf", a);
		return n;
	}
	a = json_object_new_array();
	json_object_array_add(a, json_object_get(t));
	json_object_array_add(a, json_object_new_string("null"));
	json_object_object_add(out, "type", a);
	if (json_object_object_get_ex(out, "enum", &t) &&
	    json_object_is_type(t, json_type_array)) {
		a = json_object_new_array();
		json_object_array_add(a, NULL);
		for (i = 0; i < json_object_array_length(t); i++)
			json_object_array_add(a,
			    json_object_get(json_object_array_get_idx(t, i)));
		json_object_object_add(out, "enum", a);
	}
	return out;
}

/* 3.0 boolean exclusiveMinimum/Maximum become the 2020-12 numbers. */
static void
apply_exclusive(struct json_object *out, struct json_object *node,
    const char *ex, const char *bound)
{
	struct json_object	*e, *b;

	if (!json_object_object_get_ex(node, ex, &e) ||
	    !json_object_is_type(e, json_type_boolean))
		return;
	json_object_object_del(out, ex);
	if (json_object_get_boolean(e) &&
	    json_object_object_get_ex(node, bound, &b)) {
		json_object_object_add(out, ex, json_object_get(b));
		json_object_object_del(out, bound);
	}
}

/*
 * $anchor is dropped from schemas in general: an inlined schema may
 * appear twice in one tool, and two equal anchors make the schema
 * invalid.  A definition in $defs appears once, where it was written,
 * so its anchor (a plain name) stays with it.
 */
static void
keep_anchors(struct json_object *conv, struct json_object *src)
{
	struct json_object	*d, *a;
	const char		*n;
	size_t			 i;

	if (!json_object_is_type(conv, json_type_object) ||
	    !json_object_is_type(src, json_type_object))
		return;
	json_object_object_foreach(src, k, v) {
		if (!json_object_is_type(v, json_type_object) ||
		    !json_object_object_get_ex(v, "$anchor", &a) ||
		    !json_object_is_type(a, json_type_string) ||
		    json_object_object_get_ex(v, "$ref", NULL) ||
		    !json_object_object_get_ex(conv, k, &d) ||
		    !json_object_is_type(d, json_type_object))
			continue;
		n = json_object_get_string(a);
		/* 2020-12: ^[A-Za-z_][-A-Za-z0-9._]*$ */
		for (i = 0; n[i] != '\0'; i++)
			if (!((n[i] >= 'a' && n[i] <= 'z') ||
			    (n[i] >= 'A' && n[i] <= 'Z') || n[i] == '_' ||
			    (i > 0 && ((n[i] >= '0' && n[i] <= '9') ||
			    n[i] == '-' || n[i] == '.'))))
				break;
		if (i > 0 && n[i] == '\0')
			json_object_object_add(d, "$anchor",
			    json_object_get(a));
	}
}

/*
 * What a keyword's value (enum, default, examples, a description) adds to
 * a tool: shared with the document, not copied, but written out whole in
 * every inlined copy of its schema.  A node for each value in it and for
 * each 64 bytes of text; the count stops at `cap`.
 */
static size_t
value_weight(struct json_object *v, size_t cap)
{
	size_t	 n = 1, i, len;

	switch (json_object_get_type(v)) {
	case json_type_string:
		n += (size_t)json_object_get_string_len(v) / 64;
		break;
	case json_type_array:
		len = json_object_array_length(v);
		for (i = 0; i < len && n < cap; i++)
			n += value_weight(json_object_array_get_idx(v, i),
			    cap - n);
		break;
	case json_type_object: {
		json_object_object_foreach(v, key, val) {
			if (n >= cap)
				break;
			n += strlen(key) / 64 + value_weight(val, cap - n);
		}
		break;
	}
	default:
		break;
	}
	return n;
}

static int
convert(struct api_conv *c, struct json_object *node, struct json_object **outp)
{
	struct json_object	*out, *ref, *e;
	int			 rc;

	*outp = NULL;
	if (!json_object_is_type(node, json_type_object)) {
		*outp = json_object_get(node);	/* booleans, null, junk */
		return 0;
	}
	if (levels(c) >= API_SCHEMA_DEPTH ||
	    c->depth >= sizeof(c->stack) / sizeof(c->stack[0]))
		return too_deep(c);
	if (json_object_object_get_ex(node, "$ref", &ref) &&
	    json_object_is_type(ref, json_type_string))
		return convert_ref(c, node, json_object_get_string(ref), outp);
	c->nodes++;
	out = json_object_new_object();
	c->stack[c->depth++] = node;
	json_object_object_foreach(node, key, val) {
		if (strncmp(key, "x-", 2) == 0 || is_key(key, dropped))
			continue;
		if (strcmp(key, "example") == 0) {
			if (!json_object_object_get_ex(node, "examples", NULL)) {
				c->nodes += value_weight(val,
				    API_SCHEMA_NODES + 1);
				e = json_object_new_array();
				json_object_array_add(e, json_object_get(val));
				json_object_object_add(out, "examples", e);
			}
			continue;
		}
		rc = 0;
		if (is_key(key, one_schema))
			rc = json_object_is_type(val, json_type_array) ?
			    convert_each(c, val, &e) : convert(c, val, &e);
		else if (is_key(key, many_schemas))
			rc = convert_each(c, val, &e);
		else {
			/* an unknown keyword's name is copied as well */
			e = json_object_get(val);
			c->nodes += strlen(key) / 64 + value_weight(val,
			    API_SCHEMA_NODES + 1);
		}
		if (rc == -1) {
			c->depth--;
			json_object_put(out);
			return -1;
		}
		if (strcmp(key, "$defs") == 0)
			keep_anchors(e, val);
		json_object_object_add(out, key, e);
	}
	c->depth--;
	if (!c->doc->v31) {
		apply_exclusive(out, node, "exclusiveMinimum", "minimum");
		apply_exclusive(out, node, "exclusiveMaximum", "maximum");
	}
	*outp = apply_nullable(out, node);
	return 0;
}

/*
 * Convert one schema for the tool being built; `where` names it in error
 * messages.  Returns a new reference or NULL with *cause set.
 */
struct json_object *
api_conv_schema(struct api_conv *c, struct json_object *node,
    const char *where, char **cause)
{
	struct json_object	*out;

	c->where = where;
	c->cause = cause;
	if (convert(c, node, &out) == -1)
		return NULL;
	/* a schema that is JSON null means nothing; say "anything" */
	return out != NULL ? out : json_object_new_object();
}
