/* SPDX-License-Identifier: ISC */
/*
 * jsonschema: validate a tool call's arguments against the tool's
 * inputSchema (a JSON Schema 2020-12 subset, as produced from OpenAPI 3.0
 * and 3.1 documents) before the upstream API is called, and an API's
 * answer against the operation's response schema.  Knows nothing of MCP
 * or HTTP.
 *
 * A schema object is read once, on its first use, and what it says is
 * kept with it as its json-c user data (freed with it): a schema must not
 * change once it has been used, and json_object_deep_copy refuses to copy
 * an object with user data, so copy schemas before validating with them
 * (the loaders do: schemas are built at start-up and only read after).
 *
 * Checked: type (a name or a list; "integer" also takes doubles with an
 * integral value), nullable (OpenAPI 3.0), enum, const, required,
 * properties, additionalProperties, minProperties, maxProperties,
 * prefixItems, items (a schema, or a list meaning prefixItems as in drafts
 * before 2020-12, with additionalItems then meaning what items means after
 * prefixItems), minItems, maxItems, uniqueItems, minLength, maxLength
 * (in code points), minimum, maximum, exclusiveMinimum, exclusiveMaximum
 * (numbers, or the OpenAPI 3.0 booleans), multipleOf, allOf, anyOf, oneOf,
 * not, if/then/else, contains, minContains, maxContains, propertyNames,
 * dependentRequired, dependentSchemas, dependencies (draft 7), $ref (local
 * JSON pointers), the boolean schemas, and pattern and patternProperties
 * (ECMA-262 regular expressions, matched with PCRE2: src/jsregex.c).
 *
 * Not checked: format, unevaluated*, $dynamicRef, and the annotations
 * (description, title, default, examples, readOnly, writeOnly, deprecated).
 * A schema keyword of the wrong JSON type is ignored: the schemas come from
 * the operator's document, the upstream API validates again, and refusing
 * every call because of one odd keyword helps nobody.
 */
#ifndef FCM_JSONSCHEMA_H
#define FCM_JSONSCHEMA_H

#include <stddef.h>

#include <json-c/json.h>

/*
 * Nested validation levels (subschemas, $ref hops and array or object
 * members all count one): enough for any value the request parser lets
 * through, and a bound for "$ref" cycles that make no progress.
 */
#define JS_MAX_DEPTH	128
#define JS_PATH_MAX	512	/* longer argument paths end in "…" */

/*
 * Validate `value` against `schema`.  `root` is the schema document that
 * holds "$defs" (local references "#/$defs/Name" and, generally, any local
 * JSON pointer "#/..." are resolved against it, with ~0/~1 and
 * percent-decoding); NULL means `schema` itself.  `path` is the name of the
 * value for messages ("arguments").  Returns 0 when valid; -1 with a
 * message in err (NUL-terminated, truncated to errsz) otherwise.  err may
 * be NULL when errsz is 0.  Borrows everything.
 */
int	 js_validate(struct json_object *root, struct json_object *schema,
	    struct json_object *value, const char *path, char *err,
	    size_t errsz);
/*
 * The same for an API's answer (structuredContent), which a client checks
 * against the outputSchema as plain JSON Schema: without the relaxations
 * OpenAPI gives requests (a readOnly property is still required; a oneOf
 * beside a discriminator is a oneOf).
 */
int	 js_validate_answer(struct json_object *root,
	    struct json_object *schema, struct json_object *value,
	    const char *path, char *err, size_t errsz);

#endif
