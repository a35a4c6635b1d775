/* SPDX-License-Identifier: ISC */
/*
 * Unit tests: OpenAPI documents to tools (names, schemas, references,
 * recursion, bodies, filters, scopes, errors), request building (encoding
 * and injection) and response mapping.  api_call.c is included so that its
 * static functions can be reached.
 */
#include "config.h"

#include <stdlib.h>
#include <unistd.h>

#include "../../src/api_call.c"
#include "../../src/auth.h"
#include "../../src/mcp.h"
#include "tap.h"

static char	 fixture_dir[1024];

static const char *
fixture(const char *name)
{
	static char	 path[2048];

	snprintf(path, sizeof(path), "%s/%s", fixture_dir, name);
	return path;
}

/* Load a document with extra NAME=value settings; NULL on failure. */
static struct registry *
load(const char *doc, const char *const *extra, struct cfg *cfg, char **cause)
{
	char		*env[16], *openapi;
	size_t		 n = 0;
	struct registry	*reg = NULL;

	xasprintf(&openapi, "MCP_OPENAPI=%s", fixture(doc));
	env[n++] = openapi;
	for (; extra != NULL && *extra != NULL; extra++)
		env[n++] = (char *)*extra;
	env[n] = NULL;
	*cause = NULL;
	if (cfg_load(cfg, PROG_MCP, env, stderr) == 0 &&
	    api_load(cfg, &reg, cause) == -1)
		reg = NULL;
	free(openapi);
	return reg;
}

/* load(), saying whether it worked (and why not). */
static struct registry *
load_ok(const char *doc, const char *const *extra, struct cfg *cfg)
{
	struct registry	*reg;
	char		*cause;

	reg = load(doc, extra, cfg, &cause);
	ok(reg != NULL, "%s loads (%s)", doc, cause ? cause : "ok");
	free(cause);
	return reg;
}

static const char *
js(struct json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
}

#include "sent.h"

/* A key of a tool's definition, valid until the next call. */
static struct json_object *
def_get(const struct tool *t, const char *key)
{
	static struct json_object	*def;
	struct json_object		*v = NULL;

	json_object_put(def);
	def = t != NULL ? reg_tool_def(t) : NULL;
	if (def != NULL)
		json_object_object_get_ex(def, key, &v);
	return v;
}

static const char *
schema_of(const struct registry *reg, const char *tool)
{
	const struct tool	*t = reg_find(reg, tool);

	return t ? js(def_get(t, "inputSchema")) : "(no tool)";
}

static void
t_edge_document(void)
{
	const char		*base[] = { "MCP_API_BASE_URL=http://api.test/v1",
				    NULL };
	struct cfg		 cfg;
	struct registry		*reg;
	const struct tool	*t;
	struct api_op		*op;
	const char		*s;

	if ((reg = load_ok("edge-3.0.json", base, &cfg)) == NULL)
		return;
	is_int(reg->ntools, 15, "one tool per operation");
	ok(reg_find(reg, "listPets") && reg_find(reg, "createPet") &&
	    reg_find(reg, "getPet"), "names from operationId");
	ok(reg_find(reg, "delete_pets_petId") != NULL,
	    "no operationId: name from method and path");
	ok(reg_find(reg, "tree.create") != NULL, "dots kept in names");
	ok(reg_find(reg, "get_text_") != NULL, "invalid characters replaced");
	ok(reg_find(reg, "dup") && reg_find(reg, "dup_2"),
	    "duplicate operationIds: second becomes dup_2");
	ok(reg_find(reg, "aVeryLongOperationIdentifierThatGoesOnAndOnBeyondTheLimitOfSixtyFourCharacters_one") == NULL,
	    "long names shortened");
	for (size_t i = 0, longs = 0; i < reg->ntools; i++) {
		if (strncmp(reg->tools[i].name, "aVeryLong", 9) == 0) {
			longs++;
			ok(strlen(reg->tools[i].name) == 64,
			    "shortened name is 64 bytes: %s", reg->tools[i].name);
		}
		if (i == reg->ntools - 1)
			is_int(longs, 2, "two long names, still distinct");
	}

	s = schema_of(reg, "listPets");
	ok(strstr(s, "\"limit\":{\"type\":\"integer\",\"minimum\":1,"
	    "\"maximum\":100,\"default\":20,\"description\":\"page size\"}") != NULL,
	    "query parameter: schema, default, description");
	ok(strstr(s, "\"required\":[\"sort\"]") != NULL, "required query param");
	ok(strstr(s, "\"X-Request-Id\":{\"type\":\"string\","
	    "\"x-mcp-header\":\"X-Request-Id\"}") != NULL,
	    "header parameter kept, mirrored as Mcp-Param-X-Request-Id");
	ok(strstr(s, "\"Accept\"") == NULL && strstr(s, "session") == NULL,
	    "Accept header and cookie parameters left out");
	ok(strstr(s, "Content-Length") == NULL && strstr(s, "\"host\"") ==
	    NULL && strstr(s, "Transfer-Encoding") == NULL,
	    "header parameters that frame the message left out (a caller's "
	    "Content-Length would desynchronise a kept connection)");
	t = reg_find(reg, "listPets");
	ok(def_get(t, "outputSchema") == NULL, "array response: no outputSchema");
	s = json_object_get_string(def_get(t, "description"));
	ok(s && strncmp(s, "List pets\n\nReturns every pet.\n\n### Responses:"
	    "\n\n**200**: the pets", 58) == 0, "description: summary, "
	    "description, first 2xx response");
	ok(s && strstr(s, "**Example Response:**") != NULL, "example included");
	ok(s && strstr(s, "**default**") == NULL, "only the first response");
	ok(strstr(js(def_get(t, "annotations")), "\"readOnlyHint\":true") &&
	    strstr(js(def_get(t, "annotations")), "\"idempotentHint\":true"),
	    "GET is read-only and idempotent");
	is_int(t->nscopes, 1, "document-level security applies");
	is_str(t->nscopes ? t->scopes[0] : NULL, "read", "scope read");

	s = schema_of(reg, "createPet");
	ok(strstr(s, "\"properties\":{\"name\":") != NULL &&
	    strstr(s, "\"required\":[\"name\"]") != NULL,
	    "object body flattened to the top level, required kept, "
	    "readOnly id left out");
	ok(strstr(s, "\"nickname\":{\"type\":[\"string\",\"null\"]}") != NULL,
	    "3.0 nullable becomes a type list");
	ok(strstr(s, "x-internal") == NULL, "x- extensions dropped");
	ok(strstr(s, "\"tag\":{\"type\":\"string\",\"enum\":[\"dog\",\"cat\"]}")
	    != NULL, "$ref inlined");
	ok(strstr(s, "\"friends\":{\"type\":\"array\",\"items\":{\"$ref\":"
	    "\"#/$defs/Person\"}}") != NULL, "recursive Person via $defs");
	ok(strstr(s, "\"$defs\":{\"Person\":{\"type\":\"object\"") != NULL,
	    "$defs carries Person");
	t = reg_find(reg, "createPet");
	op = t->impl;
	is_int(op->nbody_props, 4, "four flattened body properties "
	    "(readOnly id is not sent)");
	ok(op->body == API_BODY_JSON && strcmp(op->body_type,
	    "application/json") == 0, "JSON body");
	ok(def_get(t, "outputSchema") != NULL && op->has_output_schema,
	    "object 2xx response: outputSchema");
	ok(strstr(js(def_get(t, "annotations")), "\"destructiveHint\":false") &&
	    strstr(js(def_get(t, "annotations")), "\"idempotentHint\":false"),
	    "POST: not destructive, not idempotent");

	s = schema_of(reg, "getPet");
	ok(strstr(s, "\"petId\":{\"type\":\"integer\",\"exclusiveMinimum\":0,"
	    "\"description\":\"the pet\"}") != NULL,
	    "operation parameter overrides path-level; 3.0 exclusiveMinimum");
	ok(strstr(s, "\"verbose\"") != NULL, "path-level parameter inherited");
	ok(strstr(s, "\"required\":[\"petId\"]") != NULL, "path param required");
	t = reg_find(reg, "delete_pets_petId");
	ok(strstr(js(def_get(t, "annotations")), "\"destructiveHint\":true"),
	    "DELETE is destructive");
	is_str(json_object_get_string(def_get(t, "description")),
	    "DELETE /pets/{petId}\n\n### Responses:\n\n**204**: gone",
	    "description falls back to method and path");

	s = schema_of(reg, "tree.create");
	ok(strstr(s, "\"properties\":{\"value\":{\"type\":\"integer\"},"
	    "\"children\":{\"type\":\"array\",\"items\":{\"$ref\":"
	    "\"#/$defs/Node\"}}}") != NULL, "self-recursive body: $defs");

	t = reg_find(reg, "sendForm");
	op = t->impl;
	ok(op->body == API_BODY_FORM, "form body recognised");
	ok(strstr(schema_of(reg, "sendForm"), "\"required\":[\"To\"]") != NULL,
	    "form fields flattened");

	t = reg_find(reg, "collide");
	op = t->impl;
	is_str(op->body_prop, "body", "colliding body goes under body");
	ok(strstr(schema_of(reg, "collide"), "\"body\":{\"type\":\"object\"")
	    != NULL, "body property holds the schema");

	ok(strstr(schema_of(reg, "refParam"), "\"required\":[\"limit\"]") !=
	    NULL, "parameter $ref resolved");
	t = reg_find(reg, "admin");
	ok(t->nscopes == 2 && strcmp(t->scopes[0], "admin") == 0 &&
	    strcmp(t->scopes[1], "write") == 0, "operation security scopes");
	is_int(reg_find(reg, "public")->nscopes, 0, "security: [] means none");
	op = reg_find(reg, "getPet")->impl;
	is_str(op->base_url, "http://api.test/v1", "MCP_API_BASE_URL wins");
	reg_free(reg);
	cfg_free(&cfg);
}

static void
t_fastapi(void)
{
	const char		*base[] = { "MCP_API_BASE_URL=http://api.test",
				    NULL };
	struct cfg		 cfg;
	struct registry		*reg;
	const struct tool	*t;
	const char		*s;

	if ((reg = load_ok("fastapi-3.1.json", base, &cfg)) == NULL)
		return;
	t = reg_find(reg, "update_item_items__item_id__put");
	ok(t != NULL, "FastAPI operationId kept");
	s = schema_of(reg, "update_item_items__item_id__put");
	ok(strstr(s, "\"q\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":"
	    "\"null\"}],\"title\":\"Q\"}") != NULL, "anyOf null preserved");
	ok(strstr(s, "\"price\":{\"type\":\"number\",\"exclusiveMinimum\":0,"
	    "\"title\":\"Price\"}") != NULL, "3.1 numeric exclusiveMinimum kept");
	ok(strstr(s, "\"required\":[\"item_id\",\"name\",\"price\"]") != NULL,
	    "path param and body requirements merged");
	ok(strstr(js(def_get(t, "outputSchema")), "\"additionalProperties\":"
	    "false") != NULL, "outputSchema keeps 2020-12 keywords");
	ok(strstr(js(def_get(t, "annotations")), "\"idempotentHint\":true"),
	    "PUT is idempotent");
	reg_free(reg);
	cfg_free(&cfg);
}

static void
t_filters_and_errors(void)
{
	const char	*inc_tag[] = { "MCP_API_BASE_URL=http://x", "MCP_INCLUDE_TAGS=admin,misc", NULL };
	const char	*inc_both[] = { "MCP_API_BASE_URL=http://x", "MCP_INCLUDE_TAGS=admin", "MCP_INCLUDE_OPERATIONS=getPet", NULL };
	const char	*exc[] = { "MCP_API_BASE_URL=http://x", "MCP_EXCLUDE_TAGS=write", "MCP_EXCLUDE_OPERATIONS=dup", NULL };
	const char	*typo[] = { "MCP_API_BASE_URL=http://x", "MCP_INCLUDE_OPERATIONS=getPett", NULL };
	const char	*none[] = { "MCP_API_BASE_URL=http://x", "MCP_INCLUDE_TAGS=pets", "MCP_EXCLUDE_OPERATIONS=listPets,createPet,getPet,delete_pets_petId", NULL };
	const char	*nobase[] = { NULL };
	struct cfg	 cfg;
	struct registry	*reg;
	char		*cause;

	reg = load("edge-3.0.json", inc_tag, &cfg, &cause);
	ok(reg && reg->ntools == 2, "include tags: admin and get text!");
	reg_free(reg);
	cfg_free(&cfg);
	reg = load("edge-3.0.json", inc_both, &cfg, &cause);
	ok(reg && reg->ntools == 2 && reg_find(reg, "getPet") &&
	    reg_find(reg, "admin"), "include operations and tags: union");
	reg_free(reg);
	cfg_free(&cfg);
	reg = load("edge-3.0.json", exc, &cfg, &cause);
	ok(reg && reg->ntools == 11 && !reg_find(reg, "createPet") &&
	    !reg_find(reg, "dup") && !reg_find(reg, "dup_2"), "exclude tags "
	    "and operations (an operationId used twice: both)");
	reg_free(reg);
	cfg_free(&cfg);
	reg = load("edge-3.0.json", typo, &cfg, &cause);
	ok(reg == NULL && cause && strstr(cause, "MCP_INCLUDE_OPERATIONS: "
	    "'getPett' matches no operationId") != NULL, "a typo refuses to start");
	free(cause);
	cfg_free(&cfg);
	reg = load("edge-3.0.json", none, &cfg, &cause);
	ok(reg == NULL && cause && strstr(cause, "leave no operation") != NULL,
	    "filters that leave nothing refuse to start");
	free(cause);
	cfg_free(&cfg);
	reg = load("edge-3.0.json", nobase, &cfg, &cause);
	ok(reg == NULL && cause && strstr(cause, "MCP_API_BASE_URL: required")
	    != NULL, "relative server URL of a file needs MCP_API_BASE_URL");
	free(cause);
	cfg_free(&cfg);
	reg = load("swagger-2.0.json", nobase, &cfg, &cause);
	/* converted (t_formats has the rest), then found to be empty */
	ok(reg == NULL && cause && strstr(cause, "swagger-2.0.json: #/paths "
	    "has no operations") != NULL, "an empty Swagger 2.0 document: "
	    "converted, then refused as empty");
	free(cause);
	cfg_free(&cfg);
	reg = load("does-not-exist.json", nobase, &cfg, &cause);
	ok(reg == NULL && cause && strstr(cause, "cannot open") != NULL,
	    "missing file named");
	free(cause);
	cfg_free(&cfg);
}

static void
t_description_cap(void)
{
	const char		*env[] = { "MCP_API_BASE_URL=http://x",
				    "MCP_DESCRIPTION_MAX=128",
				    "MCP_DESCRIBE_ALL_RESPONSES=true", NULL };
	struct cfg		 cfg;
	struct registry		*reg;
	const char		*d;
	char			*cause;

	reg = load("edge-3.0.json", env, &cfg, &cause);
	ok(reg != NULL, "loads with a small MCP_DESCRIPTION_MAX");
	if (reg == NULL)
		return;
	d = json_object_get_string(def_get(reg_find(reg, "listPets"),
	    "description"));
	ok(d != NULL && strlen(d) <= 128, "description capped at 128 bytes");
	ok(d != NULL && (strcmp(d + strlen(d) - 3, "\xe2\x80\xa6") == 0 ||
	    strcmp(d + strlen(d) - 7, "\xe2\x80\xa6\n```") == 0),
	    "cut marked with an ellipsis (and an open code block closed)");
	d = json_object_get_string(def_get(reg_find(reg, "getPet"),
	    "description"));
	ok(d != NULL && strstr(d, "**200**: one pet") != NULL,
	    "response $ref resolved for the description");
	reg_free(reg);
	cfg_free(&cfg);
}

static void
t_bad_refs(void)
{
	struct api_doc	 doc;
	struct json_object *n;
	char		*cause = NULL;

	memset(&doc, 0, sizeof(doc));
	doc.where = "inline";
	doc.root = json_tokener_parse("{\"a\":{\"$ref\":\"#/b\"},\"b\":{\"$ref\":"
	    "\"#/a\"},\"c\":{\"$ref\":\"#/nope\"},\"d\":{\"$ref\":"
	    "\"other.json#/x\"},\"e~f\":{\"x\":1},\"g\":{\"$ref\":\"#/e~0f\"}}");
	json_object_object_get_ex(doc.root, "a", &n);
	ok(api_resolve(&doc, n, "#/a", &cause) == NULL && strstr(cause,
	    "chained $refs") != NULL, "$ref cycle bounded");
	free(cause);
	json_object_object_get_ex(doc.root, "c", &n);
	ok(api_resolve(&doc, n, "#/c", &cause) == NULL && strstr(cause,
	    "'#/nope' does not resolve") != NULL, "dangling $ref named");
	free(cause);
	json_object_object_get_ex(doc.root, "d", &n);
	ok(api_resolve(&doc, n, "#/d", &cause) == NULL && strstr(cause,
	    "external $ref") != NULL, "external $ref refused");
	free(cause);
	json_object_object_get_ex(doc.root, "g", &n);
	ok(api_resolve(&doc, n, "#/g", &cause) != NULL, "~0 escape resolves");
	json_object_put(doc.root);
}

/* Load a document given as text, with one more setting (or NULL). */
static struct registry *
load_text_with(const char *doc, const char *extra, struct cfg *cfg,
    char **cause)
{
	char		 path[] = "/tmp/t_openapi.XXXXXX";
	char		*env[4], *openapi;
	struct registry	*reg = NULL;
	int		 fd;

	if ((fd = mkstemp(path)) == -1 ||
	    write(fd, doc, strlen(doc)) != (ssize_t)strlen(doc))
		return NULL;
	close(fd);
	xasprintf(&openapi, "MCP_OPENAPI=%s", path);
	env[0] = openapi;
	/* the base URL is http://x unless `extra` says otherwise */
	env[1] = "MCP_API_BASE_URL=http://x";
	env[2] = (char *)extra;
	env[3] = NULL;
	if (extra != NULL && strncmp(extra, "MCP_API_BASE_URL=", 17) == 0) {
		env[1] = (char *)extra;
		env[2] = NULL;
	}
	*cause = NULL;
	if (cfg_load(cfg, PROG_MCP, env, stderr) == 0 &&
	    api_load(cfg, &reg, cause) == -1)
		reg = NULL;
	unlink(path);
	free(openapi);
	return reg;
}

/* The start of a test document, up to its "paths" or "components". */
#define DOC_HEAD \
	"{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"t\",\"version\":\"1\"},"

/* Load a document given as text; NULL on failure. */
static struct registry *
load_text(const char *doc, struct cfg *cfg, char **cause)
{
	return load_text_with(doc, NULL, cfg, cause);
}

/*
 * Load a document given as text and say so as a check ("WHAT: loads");
 * NULL, with `cfg` freed, when it does not.
 */
static struct registry *
loaded(const char *doc, struct cfg *cfg, const char *what)
{
	struct registry	*reg;
	char		*cause;

	reg = load_text(doc, cfg, &cause);
	ok(reg != NULL, "%s: loads (%s)", what, cause ? cause : "ok");
	free(cause);
	if (reg == NULL)
		cfg_free(cfg);
	return reg;
}

/*
 * One schema named by every operation is written out whole in each
 * tool: a 28 KB enum and 100 operations make 2.8 MB of definitions in
 * every worker (a thousand operations and a 1 MB schema made 1 GB).
 */
static void
t_tools_budget(void)
{
	struct cfg	 cfg;
	struct registry	*reg;
	struct buf	 d;
	char		*cause;
	int		 i;

	buf_init(&d);
	buf_puts(&d, DOC_HEAD "\"components\":{\"schemas\":{\"E\":{"
	    "\"type\":\"string\",\"enum\":[");
	for (i = 0; i < 2000; i++)
		buf_printf(&d, "%s\"value-%04d\"", i ? "," : "", i);
	buf_puts(&d, "]}}},\"paths\":{");
	for (i = 0; i < 100; i++)
		buf_printf(&d, "%s\"/p%d\":{\"get\":{\"operationId\":"
		    "\"op%03d\",\"parameters\":[{\"name\":\"e\",\"in\":"
		    "\"query\",\"schema\":{\"$ref\":\"#/components/schemas/"
		    "E\"}}],\"responses\":{}}}", i ? "," : "", i, i);
	buf_puts(&d, "}}");
	reg = load_text_with(d.data, "MCP_TOOLS_MAX_BYTES=1048576", &cfg,
	    &cause);
	ok(reg == NULL && cause != NULL &&
	    strstr(cause, "MCP_TOOLS_MAX_BYTES (1048576 bytes)") != NULL &&
	    strstr(cause, "of the document's 100 operations") != NULL &&
	    strstr(cause, "; the largest, op0") != NULL,
	    "tools past MCP_TOOLS_MAX_BYTES: start-up refused, saying why "
	    "(%s)", cause ? cause : "loaded");
	reg_free(reg);
	free(cause);
	cfg_free(&cfg);
	reg = load_text(d.data, &cfg, &cause);
	ok(reg != NULL && reg->ntools == 100, "... and within the default "
	    "(64 MiB) the document loads (%s)", cause ? cause : "ok");
	reg_free(reg);
	free(cause);
	cfg_free(&cfg);
	buf_free(&d);
}

/*
 * A chain of $refs: what is written beside a $ref in the middle of it
 * (OpenAPI 3.1) applies too, a constraint as an allOf, an annotation in
 * place; the outer one wins for an annotation.
 */
static void
t_ref_chain(void)
{
	static const char doc[] =
	    DOC_HEAD "\"components\":{\"schemas\":{"
	    "\"Str\":{\"type\":\"string\"},"
	    "\"Code\":{\"$ref\":\"#/components/schemas/Str\","
	    "\"pattern\":\"^[A-Z]{3}$\",\"description\":\"ISO code\"},"
	    "\"Named\":{\"$ref\":\"#/components/schemas/Str\","
	    "\"description\":\"inner\"},"
	    "\"Outer\":{\"$ref\":\"#/components/schemas/Named\","
	    "\"title\":\"T\"}}},"
	    "\"paths\":{\"/c\":{\"get\":{\"operationId\":\"chain\","
	    "\"parameters\":[{\"name\":\"x\",\"in\":\"query\","
	    "\"schema\":{\"$ref\":\"#/components/schemas/Code\"}},"
	    "{\"name\":\"y\",\"in\":\"query\",\"schema\":{\"$ref\":"
	    "\"#/components/schemas/Outer\",\"description\":\"outer\"}}],"
	    "\"responses\":{}}}}}";
	struct cfg	 cfg;
	struct registry	*reg;
	char		*cause;
	const char	*s;

	reg = load_text(doc, &cfg, &cause);
	ok(reg != NULL, "a chain of $refs loads (%s)", cause ? cause : "ok");
	if (reg != NULL) {
		s = schema_of(reg, "chain");
		ok(strstr(s, "\"pattern\":\"^[A-Z]{3}$\"") != NULL &&
		    strstr(s, "\"ISO code\"") != NULL, "the pattern and the "
		    "description beside the chain's middle $ref apply (%s)", s);
		ok(strstr(s, "\"title\":\"T\"") != NULL &&
		    strstr(s, "\"description\":\"outer\"") != NULL &&
		    strstr(s, "inner") == NULL, "annotations along the chain: "
		    "the outermost wins (%s)", s);
	}
	reg_free(reg);
	free(cause);
	cfg_free(&cfg);

	/*
	 * Recursion through the keywords beside a $ref in the chain (a
	 * schema that extends another with a list of itself): expressed
	 * with $defs, not expanded until the depth limit refuses start-up.
	 */
	reg = load_text(DOC_HEAD "\"components\":{\"schemas\":{"
	    "\"Base\":{\"type\":\"object\",\"properties\":{\"id\":{"
	    "\"type\":\"string\"}}},"
	    "\"Tree\":{\"$ref\":\"#/components/schemas/Base\",\"properties\":"
	    "{\"children\":{\"type\":\"array\",\"items\":{\"$ref\":"
	    "\"#/components/schemas/Tree\"}}}}}},\"paths\":{\"/t\":{\"post\":{"
	    "\"operationId\":\"tree\",\"requestBody\":{\"content\":{"
	    "\"application/json\":{\"schema\":{\"$ref\":"
	    "\"#/components/schemas/Tree\"}}}},\"responses\":{}}}}}", &cfg,
	    &cause);
	s = reg != NULL ? schema_of(reg, "tree") : "";
	ok(reg != NULL && strstr(s, "\"children\"") != NULL &&
	    strstr(s, "\"$ref\":\"#/$defs/Tree\"") != NULL, "recursion "
	    "through the keywords beside a $ref: a $defs entry (%s)",
	    reg != NULL ? s : cause);
	reg_free(reg);
	free(cause);
	cfg_free(&cfg);
}

/*
 * A level reached through a $ref is one level, and the hops of a $ref
 * chain are none: 40 levels each naming the next, and 16 levels reaching
 * the next through three bare aliases, load (the first counted twice
 * and the second four times made them past 64 and refused start-up).
 */
static void
t_ref_hops(void)
{
	static const int	 shape[][2] = { { 40, 0 }, { 16, 3 } };
	struct cfg		 cfg;
	struct registry		*reg;
	struct buf		 d;
	char			*cause, to[32];
	size_t			 k;
	int			 i, h, hops, levels;

	for (k = 0; k < sizeof(shape) / sizeof(shape[0]); k++) {
		levels = shape[k][0];
		hops = shape[k][1];
		buf_init(&d);
		buf_printf(&d, DOC_HEAD "\"paths\":{\"/a\":{\"post\":{"
		    "\"operationId\":\"op\",\"responses\":{},"
		    "\"requestBody\":{\"content\":{\"application/json\":{"
		    "\"schema\":{\"$ref\":\"#/components/schemas/L0\"}}}}}}},"
		    "\"components\":{\"schemas\":{\"L%d\":{\"type\":"
		    "\"string\"}", levels);
		for (i = 0; i < levels; i++) {
			if (hops > 0)
				snprintf(to, sizeof(to), "L%d_a0", i);
			else
				snprintf(to, sizeof(to), "L%d", i + 1);
			buf_printf(&d, ",\"L%d\":{\"type\":\"object\","
			    "\"properties\":{\"v\":{\"type\":\"string\"},"
			    "\"c\":{\"$ref\":\"#/components/schemas/%s\"}}}", i,
			    to);
			for (h = 0; h < hops; h++) {
				if (h + 1 < hops)
					snprintf(to, sizeof(to), "L%d_a%d", i,
					    h + 1);
				else
					snprintf(to, sizeof(to), "L%d", i + 1);
				buf_printf(&d, ",\"L%d_a%d\":{\"$ref\":"
				    "\"#/components/schemas/%s\"}", i, h, to);
			}
		}
		buf_puts(&d, "}}}");
		reg = load_text(d.data, &cfg, &cause);
		ok(reg != NULL, "%d levels, %d $ref hops between each two: "
		    "loads (%s)", levels, hops, cause ? cause : "ok");
		reg_free(reg);
		free(cause);
		cfg_free(&cfg);
		buf_free(&d);
	}
}

/* A summary of 1,000 bytes: the title (written twice) is cut. */
static void
t_long_title(void)
{
	struct cfg		 cfg;
	struct registry		*reg;
	struct json_object	*a, *v;
	struct buf		 d;
	char			*cause;
	const char		*title;
	int			 i;

	buf_init(&d);
	buf_puts(&d, DOC_HEAD "\"paths\":{\"/a\":{\"get\":{"
	    "\"operationId\":\"long\",\"responses\":{},\"summary\":\"");
	for (i = 0; i < 500; i++)
		buf_puts(&d, "\xc3\xa9");	/* two bytes each */
	buf_puts(&d, "\"}}}}");
	reg = load_text(d.data, &cfg, &cause);
	title = reg != NULL ? json_object_get_string(def_get(reg_find(reg,
	    "long"), "title")) : NULL;
	ok(title != NULL && strlen(title) <= 256 && strlen(title) > 200 &&
	    strcmp(title + strlen(title) - 3, "\xe2\x80\xa6") == 0,
	    "a 1,000-byte summary: the title is cut at 256 bytes, marked "
	    "(%zu bytes)", title ? strlen(title) : 0);
	a = reg != NULL ? def_get(reg_find(reg, "long"), "annotations") :
	    NULL;
	ok(a != NULL && json_object_object_get_ex(a, "title", &v) &&
	    json_object_get_string_len(v) <= 256, "... and annotations.title");
	reg_free(reg);
	free(cause);
	cfg_free(&cfg);
	buf_free(&d);
}

/* A document whose GET `path` has 256 query parameters, then `more`. */
static void
query_256(struct buf *d, const char *path, const char *more)
{
	int	 i;

	buf_printf(d, DOC_HEAD "\"paths\":{\"%s\":{\"get\":{"
	    "\"operationId\":\"op\",\"responses\":{},\"parameters\":[",
	    path);
	for (i = 0; i < 256; i++)
		buf_printf(d, "{\"name\":\"q%d\",\"in\":\"query\"},", i);
	buf_printf(d, "%s]}}}}", more);
}

/*
 * More parameters than a tool takes (256): the operation is refused by
 * name, not published without the last ones (here a required query
 * parameter and the path's own, which made it one no call can meet).
 */
static void
t_many_params(void)
{
	struct cfg	 cfg;
	struct registry	*reg;
	struct buf	 d;
	char		*cause;
	const char	*s;

	buf_init(&d);
	query_256(&d, "/items/{id}", "{\"name\":\"tenant\",\"in\":\"query\","
	    "\"required\":true},{\"name\":\"id\",\"in\":\"path\","
	    "\"required\":true}");
	reg = load_text(d.data, &cfg, &cause);
	ok(reg == NULL && cause != NULL && strstr(cause,
	    "#/paths/~1items~1{id}/get: more than 256 parameters") != NULL,
	    "258 parameters: refused, naming the operation (%s)",
	    cause ? cause : "loaded");
	reg_free(reg);
	free(cause);
	cfg_free(&cfg);
	/* those never sent (a cookie, an Accept header) do not count */
	buf_reset(&d);
	query_256(&d, "/items", "{\"name\":\"Accept\",\"in\":\"header\"},"
	    "{\"name\":\"sid\",\"in\":\"cookie\"}");
	reg = load_text(d.data, &cfg, &cause);
	ok(reg != NULL && ((const struct api_op *)reg->tools[0].impl)->
	    nparams == 256, "256 parameters and a cookie and an Accept "
	    "header: loads (%s)", cause ? cause : "ok");
	reg_free(reg);
	free(cause);
	cfg_free(&cfg);
	/* an entry of an unknown location whose name and location spell
	 * those of another (the operation's replaces the path item's of
	 * the same name and location): not that one */
	reg = load_text(DOC_HEAD "\"paths\":{\"/f\":{\"parameters\":["
	    "{\"name\":\"a b\",\"in\":\"query\",\"required\":true}],"
	    "\"get\":{\"operationId\":\"getF\",\"responses\":{},"
	    "\"parameters\":[{\"name\":\"b\",\"in\":\"query a\"}]}}}}",
	    &cfg, &cause);
	s = reg != NULL ? schema_of(reg, "getF") : cause;
	ok(reg != NULL && strstr(s, "\"a b\"") != NULL, "a parameter of "
	    "location 'query a' named 'b' does not replace 'a b' in the query "
	    "(%s)", s);
	reg_free(reg);
	free(cause);
	cfg_free(&cfg);
	buf_free(&d);
}

/*
 * A path template naming a variable that no parameter gives: the tool
 * loads (the document is wrong, the others work), and start-up says
 * which operation cannot be called.
 */
static void
t_path_vars(void)
{
	static const char doc[] =
	    DOC_HEAD "\"paths\":{\"/d/{id}/x/{rev}\":{\"get\":{"
	    "\"operationId\":\"getD\",\"responses\":{},\"parameters\":["
	    "{\"name\":\"rev\",\"in\":\"path\",\"required\":true}]}}}}";
	char		 logf[] = "/tmp/t_openapi.log.XXXXXX", text[2048];
	struct cfg	 cfg;
	struct registry	*reg;
	char		*cause;
	int		 fd, saved;
	ssize_t		 n;

	if ((fd = mkstemp(logf)) == -1)
		return;
	fflush(stderr);
	saved = dup(2);
	dup2(fd, 2);
	log_init("t_openapi", LOGL_WARN, LOGF_TEXT);
	reg = load_text(doc, &cfg, &cause);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	log_init("t_openapi", LOGL_ERROR, LOGF_TEXT);
	n = pread(fd, text, sizeof(text) - 1, 0);
	text[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(logf);
	ok(reg != NULL && strstr(text, "get /d/{id}/x/{rev}: no path "
	    "parameter 'id': the tool getD cannot be called") != NULL &&
	    strstr(text, "'rev'") == NULL, "a path variable no parameter "
	    "gives: warned at start-up, by operation (%s)", text);
	reg_free(reg);
	free(cause);
	cfg_free(&cfg);
}

/*
 * A server URL's variable without a default: refused, naming it and the
 * document (not MCP_API_BASE_URL, which is not set); was
 * https://.example.com/api, or a port that blamed MCP_API_BASE_URL.
 */
static void
t_server_vars(void)
{
	static const char *const docs[] = {
	    DOC_HEAD "\"servers\":[{\"url\":\"https://{tenant}.example.com/"
	    "api\"}],\"paths\":{\"/a\":{\"get\":{\"operationId\":\"a\","
	    "\"responses\":{}}}}}",
	    DOC_HEAD "\"paths\":{\"/a\":{\"get\":{\"operationId\":\"a\","
	    "\"servers\":[{\"url\":\"https://api.example.com:{port}/v1\","
	    "\"variables\":{\"port\":{\"enum\":[\"443\"]}}}],"
	    "\"responses\":{}}}}}",
	    DOC_HEAD "\"servers\":[{\"url\":\"https://{tenant}.example.com/"
	    "api\",\"variables\":{\"tenant\":{\"default\":\"acme\"}}}],"
	    "\"paths\":{\"/a\":{\"get\":{\"operationId\":\"a\","
	    "\"responses\":{}}}}}"
	};
	static const char *const want[] = {
	    "get /a: the variable {tenant} of the document's servers[0].url "
	    "has no default",
	    "get /a: the variable {port} of the operation's servers[0].url "
	    "has no default",
	    NULL
	};
	struct cfg	 cfg;
	struct registry	*reg;
	char		*cause;
	size_t		 i;

	for (i = 0; i < 3; i++) {
		reg = load_text_with(docs[i], "MCP_API_BASE_URL=", &cfg,
		    &cause);
		if (want[i] != NULL)
			ok(reg == NULL && cause != NULL &&
			    strstr(cause, want[i]) != NULL &&
			    strstr(cause, "MCP_OPENAPI: ") == cause,
			    "a server variable without a default: refused "
			    "(%s)", cause ? cause : "loaded");
		else
			ok(reg != NULL && strcmp(((const struct api_op *)
			    reg->tools[0].impl)->base_url,
			    "https://acme.example.com/api") == 0,
			    "... with one: its default (%s)", cause ? cause :
			    "ok");
		reg_free(reg);
		free(cause);
		cfg_free(&cfg);
	}
}

/* Regressions found by the fuzzers (tests/fuzz/crashes). */
static void
t_fuzz_regressions(void)
{
	struct cfg		 cfg;
	struct registry		*reg;
	struct json_object	*def;
	struct buf		 b;
	char			*cause;
	int			 i;

	reg = load_text("{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"t\","
	    "\"version\":\"1\"},\"paths\":{\"/x\":{\"get\":{\"parameters\":["
	    "{\"name\":\"a\",\"in\":\"header\"},{\"name\":\"query_a\","
	    "\"in\":\"header\"},{\"name\":\"query_a_2\",\"in\":\"header\"},"
	    "{\"name\":\"a\",\"in\":\"query\"}],\"responses\":{}}}}}",
	    &cfg, &cause);
	ok(reg != NULL && strstr(schema_of(reg, "get_x"), "\"query_a_3\"") !=
	    NULL, "colliding parameter names end (query_a_3), no endless loop");
	reg_free(reg);
	cfg_free(&cfg);
	/* tool names: a _2 that a later operation already uses is skipped */
	reg = load_text("{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"t\","
	    "\"version\":\"1\"},\"paths\":{"
	    "\"/a\":{\"get\":{\"operationId\":\"a\",\"responses\":{}},"
	    "\"put\":{\"operationId\":\"a\",\"responses\":{}},"
	    "\"post\":{\"operationId\":\"a_2\",\"responses\":{}}},"
	    "\"/b\":{\"get\":{\"operationId\":\"b_2\",\"responses\":{}},"
	    "\"put\":{\"operationId\":\"b\",\"responses\":{}},"
	    "\"post\":{\"operationId\":\"b\",\"responses\":{}}}}}",
	    &cfg, &cause);
	ok(reg != NULL && reg->ntools == 6 && reg_find(reg, "a") &&
	    reg_find(reg, "a_2") && reg_find(reg, "a_2_2") &&
	    reg_find(reg, "b_2") && reg_find(reg, "b") && reg_find(reg, "b_3"),
	    "clashing tool names: a, a_2, a_2_2; b_2, b, b_3");
	reg_free(reg);
	cfg_free(&cfg);
	buf_init(&b);
	buf_puts(&b, "{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"t\","
	    "\"version\":\"1\"},\"paths\":{\"/x\":{\"post\":{\"operationId\":"
	    "\"deep\",\"requestBody\":{\"content\":{\"application/json\":"
	    "{\"schema\":");
	for (i = 0; i < 40; i++)
		buf_puts(&b, "{\"type\":\"object\",\"properties\":{\"a\":");
	buf_puts(&b, "{\"type\":\"string\"}");
	for (i = 0; i < 40; i++)
		buf_puts(&b, "}}");
	buf_puts(&b, "}}},\"responses\":{}}}}}");
	reg = load_text(b.data, &cfg, &cause);
	buf_free(&b);
	ok(reg != NULL, "a 40-level schema loads (%s)", cause ? cause : "ok");
	def = reg != NULL ? reg_tool_def(reg_find(reg, "deep")) : NULL;
	ok(def != NULL, "and its stored definition parses again");
	json_object_put(def);
	reg_free(reg);
	cfg_free(&cfg);
}

static void
t_names(void)
{
	char	*n;

	n = api_tool_name(NULL, "get", "/users/{id}/posts", 64);
	is_str(n, "get_users_id_posts", "method and path");
	free(n);
	n = api_tool_name("a b/c", "get", "/", 64);
	is_str(n, "a_b_c", "invalid characters");
	free(n);
	n = api_tool_name(NULL, "get", "/", 64);
	is_str(n, "get", "root path");
	free(n);
	n = api_tool_name("abcdefghijklmnopqrstuvwxyz", "get", "/", 16);
	ok(strlen(n) == 16 && strncmp(n, "abcdefg_", 8) == 0, "hash suffix: %s", n);
	free(n);
}

/* Request building with a fake caller. */
static const char *
fake_header(void *ctx, const char *name)
{
	if (util_strcaseeq(name, "authorization"))
		return "Bearer abc";
	if (util_strcaseeq(name, "cookie"))
		return "s=1";
	if (util_strcaseeq(name, "host"))
		return "evil";
	return NULL;
}

static struct json_object *
build(const struct registry *reg, const struct cfg *cfg, const char *tool,
    const char *args, struct api_req *r)
{
	struct tool_call	 call;
	struct json_object	*res;

	memset(&call, 0, sizeof(call));
	memset(r, 0, sizeof(*r));
	call.tool = reg_find(reg, tool);
	call.args = json_tokener_parse(args);
	call.header = fake_header;
	res = build_request(cfg, call.tool->impl, &call, r);
	json_object_put(call.args);
	return res;
}

static int
has_header(const struct api_req *r, const char *h)
{
	size_t	 i;

	for (i = 0; i < r->nheaders; i++)
		if (strcmp(r->headers[i], h) == 0)
			return 1;
	return 0;
}

static void
t_requests(void)
{
	const char	*env[] = { "MCP_API_BASE_URL=http://api.test/v1",
			    "MCP_FORWARD_HEADERS=Authorization, Host, Cookie", NULL };
	struct cfg	 cfg;
	struct registry	*reg;
	struct api_req	 r;
	struct json_object *e;
	char		*cause;

	reg = load("edge-3.0.json", env, &cfg, &cause);
	if (reg == NULL) {
		ok(0, "load for request tests: %s", cause);
		return;
	}
	e = build(reg, &cfg, "getPet", "{\"petId\":7,\"verbose\":true}", &r);
	ok(e == NULL, "getPet builds");
	is_str(r.url.data, "http://api.test/v1/pets/7?verbose=true", "URL");
	ok(has_header(&r, "Authorization: Bearer abc"), "Authorization forwarded");
	ok(has_header(&r, "Cookie: s=1"), "Cookie forwarded when named");
	ok(!has_header(&r, "Host: evil"), "Host never forwarded");
	ok(has_header(&r, "User-Agent: " PACKAGE_NAME "/" PACKAGE_VERSION),
	    "User-Agent with version");
	api_req_free(&r);
	e = build(reg, &cfg, "delete_pets_petId", "{\"petId\":\"a..b?c#d e\"}", &r);
	is_str(r.url.data, "http://api.test/v1/pets/a..b%3Fc%23d%20e",
	    "path value with ? # and space stays one segment");
	api_req_free(&r);
	e = build(reg, &cfg, "delete_pets_petId", "{\"petId\":\"..\"}", &r);
	ok(e != NULL && strstr(js(e), "arguments.petId must be a non-empty "
	    "value other than . and ..") != NULL, "'..' refused as a path value");
	json_object_put(e);
	api_req_free(&r);
	e = build(reg, &cfg, "delete_pets_petId", "{\"petId\":[\"..\"]}", &r);
	ok(e != NULL && strstr(js(e), "other than . and ..") != NULL,
	    "an array that makes the segment '..' is refused");
	json_object_put(e);
	api_req_free(&r);
	e = build(reg, &cfg, "delete_pets_petId", "{\"petId\":\"../admin\"}", &r);
	ok(e != NULL && strstr(js(e), "must not contain /") != NULL,
	    "a slash is refused: servers decode %%2F before dot segments");
	json_object_put(e);
	api_req_free(&r);
	e = build(reg, &cfg, "delete_pets_petId", "{\"petId\":[]}", &r);
	ok(e != NULL, "an empty array (empty segment) is refused");
	json_object_put(e);
	api_req_free(&r);
	e = build(reg, &cfg, "delete_pets_petId", "{\"petId\":{}}", &r);
	ok(e != NULL, "an empty object (empty segment) is refused");
	json_object_put(e);
	api_req_free(&r);
	e = build(reg, &cfg, "delete_pets_petId", "{\"petId\":\"\"}", &r);
	ok(e != NULL && strstr(js(e), "\"isError\":true"), "empty path value refused");
	json_object_put(e);
	api_req_free(&r);
	e = build(reg, &cfg, "listPets", "{\"sort\":\"asc\",\"tags\":[\"a b\","
	    "\"c&d\"],\"limit\":5,\"X-Request-Id\":\"r1\"}", &r);
	is_str(r.url.data, "http://api.test/v1/pets?limit=5&sort=asc&tags=a%20b"
	    "&tags=c%26d", "query: form, explode, encoded");
	ok(has_header(&r, "X-Request-Id: r1"), "header parameter sent");
	api_req_free(&r);
	e = build(reg, &cfg, "listPets", "{\"sort\":\"asc\",\"X-Request-Id\":"
	    "\"r1\\r\\nX-Evil: 1\"}", &r);
	ok(e != NULL && strstr(js(e), "cannot be sent as the header") != NULL,
	    "CR/LF in a header parameter refused");
	json_object_put(e);
	api_req_free(&r);
	/* DEL is no field-vchar either (RFC 9110 5.5) */
	e = build(reg, &cfg, "listPets", "{\"sort\":\"asc\",\"X-Request-Id\":"
	    "\"r1\\u007f\"}", &r);
	ok(e != NULL && strstr(js(e), "cannot be sent as the header") != NULL,
	    "DEL in a header parameter refused");
	json_object_put(e);
	api_req_free(&r);
	e = build(reg, &cfg, "createPet", "{\"name\":\"Rex\",\"tag\":\"dog\"}", &r);
	is_str(r.body.data, "{\"name\":\"Rex\",\"tag\":\"dog\"}",
	    "flattened JSON body rebuilt");
	ok(has_header(&r, "Content-Type: application/json"), "JSON content type");
	api_req_free(&r);
	e = build(reg, &cfg, "sendForm", "{\"To\":\"+1 555\",\"Body\":\"hi & bye\","
	    "\"MediaUrl\":[\"u1\",\"u2\"]}", &r);
	is_str(r.body.data, "To=%2B1%20555&Body=hi%20%26%20bye&MediaUrl=u1&"
	    "MediaUrl=u2", "form body, arrays repeat");
	ok(has_header(&r, "Content-Type: application/x-www-form-urlencoded"),
	    "form content type");
	api_req_free(&r);
	e = build(reg, &cfg, "collide", "{\"name\":\"n\",\"body\":{\"name\":\"x\","
	    "\"size\":2}}", &r);
	is_str(r.url.data, "http://api.test/v1/collide/n", "collide path");
	is_str(r.body.data, "{\"name\":\"x\",\"size\":2}", "body from body prop");
	api_req_free(&r);
	reg_free(reg);
	cfg_free(&cfg);
}

/* A tool's outputSchema as text, or "(none)". */
static const char *
output_of(const struct registry *reg, const char *tool)
{
	struct json_object	*o = def_get(reg_find(reg, tool),
				    "outputSchema");

	return o != NULL ? js(o) : "(none)";
}

/* Issue #15, what vendors' documents do (tests/fixtures/wild-3.1.json). */
static void
t_wild(void)
{
	const char	*base[] = { "MCP_API_BASE_URL=http://api.test", NULL };
	struct cfg	 cfg;
	struct registry	*reg;
	struct api_req	 r;
	struct json_object *e;
	const char	*s;

	if ((reg = load_ok("wild-3.1.json", base, &cfg)) == NULL)
		return;

	/* 1. the schema's required list counts without requestBody.required */
	s = schema_of(reg, "createMessage");
	ok(strstr(s, "\"required\":[\"AccountSid\",\"To\"]") != NULL,
	    "body not marked required, schema requires To: To stays required "
	    "(%s)", s);
	s = schema_of(reg, "createNote");
	ok(strstr(s, "\"required\"") == NULL,
	    "body not marked required, no required list: all optional");
	ok(strstr(s, "\"meta\":{}") != NULL,
	    "a boolean property schema of the body becomes an object (%s)", s);
	s = schema_of(reg, "createThing");
	ok(strstr(s, "\"required\":[\"name\",\"body\"]") != NULL,
	    "unflattened body whose schema requires a field is required (%s)",
	    s);
	e = build(reg, &cfg, "createNote", "{}", &r);
	ok(e == NULL && !r.has_body, "optional body, no fields: nothing sent");
	api_req_free(&r);

	/* 2. a required body with no fields given is sent empty */
	e = build(reg, &cfg, "touchSettings", "{}", &r);
	ok(e == NULL && r.has_body && r.body.data != NULL &&
	    strcmp(r.body.data, "{}") == 0 &&
	    has_header(&r, "Content-Type: application/json"),
	    "required JSON body, no fields: {} sent");
	api_req_free(&r);
	e = build(reg, &cfg, "pingForm", "{}", &r);
	ok(e == NULL && r.has_body && r.body.len == 0 &&
	    has_header(&r, "Content-Type: application/x-www-form-urlencoded"),
	    "required form, no fields: an empty form sent");
	api_req_free(&r);

	/* 4. every outputSchema is "type": "object", or there is none */
	ok(strstr(output_of(reg, "createMessage"), "\"type\":\"object\"") !=
	    NULL, "properties without a type: type object added");
	ok(strstr(output_of(reg, "createNote"), "\"type\":\"object\"") !=
	    NULL, "additionalProperties without a type: type object added");
	ok(strstr(output_of(reg, "createThing"), "\"type\":\"object\"") !=
	    NULL, "required without a type: type object added");
	is_str(output_of(reg, "touchSettings"), "(none)",
	    "array response: no outputSchema");
	is_str(output_of(reg, "pingForm"), "(none)",
	    "scalar response: no outputSchema");
	is_str(output_of(reg, "getStatus"), "(none)",
	    "object or null: no outputSchema");
	is_str(output_of(reg, "getEither"), "(none)",
	    "oneOf of non-objects: no outputSchema");
	is_str(output_of(reg, "getLoose"), "{\"type\":\"object\",\"properties\":"
	    "{\"anything\":{},\"n\":{\"type\":\"integer\"}}}",
	    "a boolean property schema becomes an object schema");
	reg_free(reg);
	cfg_free(&cfg);
}

/* The number of ``` fences in s. */
static int
fences(const char *s)
{
	int	 n = 0;

	for (; (s = strstr(s, "```")) != NULL; s += 3)
		n++;
	return n;
}

/* Issue #15 item 6: schema budgets (b), description cut (d), item 5 off. */
static void
t_sizes(void)
{
	const char	*small[] = { "MCP_API_BASE_URL=http://api.test",
			    "MCP_SCHEMA_MAX_BYTES=1024", NULL };
	const char	*base[] = { "MCP_API_BASE_URL=http://api.test", NULL };
	const char	*off[] = { "MCP_API_BASE_URL=http://api.test",
			    "MCP_OUTPUT_SCHEMA=off", NULL };
	char		 max[64];
	const char	*cap[] = { "MCP_API_BASE_URL=http://x",
			    "MCP_DESCRIBE_ALL_RESPONSES=true",
			    "MCP_DESCRIBE_FULL_RESPONSE_SCHEMA=true", max, NULL };
	struct cfg	 cfg;
	struct registry	*reg;
	const char	*s, *d;
	size_t		 i;
	int		 m, bad = 0, cut = 0;

	if ((reg = load_ok("wild-3.1.json", base, &cfg)) == NULL)
		return;
	ok(strcmp(output_of(reg, "searchRecords"), "(none)") != 0 &&
	    strstr(schema_of(reg, "searchRecords"), "great length") != NULL,
	    "default budget: searchRecords keeps its schemas whole");
	reg_free(reg);
	cfg_free(&cfg);

	if ((reg = load_ok("wild-3.1.json", small, &cfg)) == NULL)
		return;
	is_str(output_of(reg, "searchRecords"), "(none)",
	    "an outputSchema over MCP_SCHEMA_MAX_BYTES is left out");
	ok(!((struct api_op *)reg_find(reg, "searchRecords")->impl)->
	    has_output_schema, "... and its answers are not checked against it");
	s = schema_of(reg, "searchRecords");
	ok(strlen(s) <= 1024, "the inputSchema fits the budget (%zu bytes)",
	    strlen(s));
	ok(strstr(s, "great length") == NULL,
	    "deep descriptions dropped");
	ok(strstr(s, "\"required\":[\"query\"]") != NULL &&
	    strstr(s, "\"required\":[\"from\"]") != NULL &&
	    strstr(s, "\"enum\":[\"name\",\"owner\"]") != NULL &&
	    strstr(s, "\"format\":\"date\"") != NULL,
	    "structure kept: required, enum, format (%s)", s);
	ok(strstr(s, "What to look for") != NULL,
	    "the arguments' own descriptions kept when they fit");
	d = json_object_get_string(def_get(reg_find(reg, "searchRecords"),
	    "description"));
	ok(d != NULL && strstr(d, "output schema") != NULL &&
	    strstr(d, "MCP_SCHEMA_MAX_BYTES") != NULL &&
	    strstr(d, "descriptions and examples") != NULL,
	    "the description says what was dropped (%s)", d ? d : "");
	is_str(schema_of(reg, "getDrifting"), "{\"type\":\"object\","
	    "\"properties\":{\"id\":{\"type\":\"integer\"}},\"required\":"
	    "[\"id\"]}", "a small tool is untouched");
	reg_free(reg);
	cfg_free(&cfg);

	if ((reg = load_ok("wild-3.1.json", off, &cfg)) == NULL)
		return;
	for (i = 0, m = 0; i < reg->ntools; i++)
		m += strstr(reg->tools[i].json, "outputSchema") != NULL;
	is_int(m, 0, "MCP_OUTPUT_SCHEMA=off: no tool has an outputSchema");
	reg_free(reg);
	cfg_free(&cfg);

	/* (d) a description cut at the cap never ends inside ``` */
	for (m = 128; m < 1400; m += 7) {
		snprintf(max, sizeof(max), "MCP_DESCRIPTION_MAX=%d", m);
		if ((reg = load("edge-3.0.json", cap, &cfg, (char **)&d)) ==
		    NULL) {
			bad++;
			continue;
		}
		for (i = 0; i < reg->ntools; i++) {
			d = json_object_get_string(def_get(&reg->tools[i],
			    "description"));
			if (d == NULL || strlen(d) > (size_t)m ||
			    fences(d) % 2 != 0) {
				if (bad++ == 0)
					printf("# max %d, %s: %s\n", m,
					    reg->tools[i].name, d ? d : "");
			}
			if (d != NULL && strstr(d, "\xe2\x80\xa6") != NULL)
				cut++;
		}
		reg_free(reg);
		cfg_free(&cfg);
	}
	is_int(bad, 0, "cut descriptions fit and close every code block");
	ok(cut > 100, "descriptions were cut (%d)", cut);
}

/* Issue #15 items 5 and 6c: answers outside the schema, large answers. */
static void
t_answers(void)
{
	struct api_op		 op;
	struct up_response	 rs;
	struct json_object	*r, *schema;
	const char		*s;
	size_t			 i;

	memset(&op, 0, sizeof(op));
	op.method = "GET";
	op.path = "/items/{id}";
	op.has_output_schema = 1;
	schema = json_tokener_parse("{\"type\":\"object\",\"required\":"
	    "[\"id\"],\"properties\":{\"id\":{\"type\":\"string\"}}}");
	memset(&rs, 0, sizeof(rs));
	rs.status = 200;
	rs.url = "http://api.test/items/1";
	rs.content_type = "application/json";
	buf_init(&rs.body);
	buf_puts(&rs.body, "{\"id\":\"1\",\"name\":\"a\"}");
	r = map_success(&op, schema, 1 << 20, &rs);
	ok(strstr(js(r), "\"structuredContent\":{\"id\":\"1\"") != NULL &&
	    strstr(js(r), "isError") == NULL, "an answer in its schema: "
	    "structured");
	json_object_put(r);
	buf_reset(&rs.body);
	buf_puts(&rs.body, "{\"id\":1,\"name\":\"a\"}");
	r = map_success(&op, schema, 1 << 20, &rs);
	s = js(r);
	ok(strstr(s, "\"isError\":true") != NULL &&
	    strstr(s, "\"structuredContent\":") == NULL,
	    "an answer outside its schema: isError, no structuredContent");
	ok(strstr(s, "structuredContent.id: expected string, got integer") !=
	    NULL && strstr(s, "{\\\"id\\\":1,\\\"name\\\":\\\"a\\\"}") != NULL,
	    "... saying why, with the API's answer as text (%s)", s);
	json_object_put(r);
	buf_reset(&rs.body);
	buf_puts(&rs.body, "[1,2]");
	r = map_success(&op, schema, 1 << 20, &rs);
	ok(strstr(js(r), "\"isError\":true") != NULL &&
	    strstr(js(r), "\"text\":\"[1,2]\"") != NULL,
	    "an array where an object is documented: isError with the answer");
	json_object_put(r);
	buf_reset(&rs.body);
	buf_puts(&rs.body, "plain words");
	rs.content_type = "text/plain";
	r = map_success(&op, schema, 1 << 20, &rs);
	ok(strstr(js(r), "\"isError\":true") != NULL &&
	    strstr(js(r), "\"text\":\"plain words\"") != NULL,
	    "text where JSON is documented: isError with the answer");
	json_object_put(r);
	/* the API's Content-Type, whatever bytes it holds, is not copied
	 * into the text the model reads: its bare media type is */
	rs.content_type = "text/html; x=\"\x1b[31m\xff\"";
	r = map_success(&op, schema, 1 << 20, &rs);
	ok(strstr(js(r), "\"isError\":true") != NULL &&
	    strstr(js(r), "answer is text/html, not the JSON") != NULL &&
	    strstr(js(r), "\\u001b") == NULL, "... its content type bare, "
	    "without the control bytes of its parameters (%s)", js(r));
	json_object_put(r);
	/* no answer at all (204, or an empty 200): the SDK throws on a
	 * result without structuredContent that is not an error */
	buf_reset(&rs.body);
	rs.status = 204;
	rs.content_type = NULL;
	r = map_success(&op, schema, 1 << 20, &rs);
	ok(strstr(js(r), "\"isError\":true") != NULL &&
	    strstr(js(r), "the call worked") != NULL &&
	    strstr(js(r), "empty") != NULL, "an empty answer where an "
	    "object is documented: isError saying the call worked (%s)",
	    js(r));
	json_object_put(r);
	rs.status = 200;
	rs.content_type = "text/plain";

	/* 6c: MCP_RESULT_MAX_BYTES */
	buf_reset(&rs.body);
	buf_puts(&rs.body, "{\"id\":\"");
	for (i = 0; i < 3000; i++)
		buf_putc(&rs.body, 'x');
	buf_puts(&rs.body, "\"}");
	rs.content_type = "application/json";
	r = map_success(&op, schema, 1024, &rs);
	s = js(r);
	ok(strlen(s) < 1600 && strstr(s, "\"structuredContent\":") == NULL &&
	    strstr(s, "\"isError\":true") != NULL &&
	    strstr(s, "3009 bytes") != NULL && strstr(s, "MCP_RESULT_MAX_BYTES")
	    != NULL, "a large answer with an outputSchema: cut, no "
	    "structuredContent, isError (%.300s)", s);
	json_object_put(r);
	op.has_output_schema = 0;
	r = map_success(&op, NULL, 1024, &rs);
	s = js(r);
	ok(strlen(s) < 1600 && strstr(s, "\"structuredContent\":") == NULL &&
	    strstr(s, "isError") == NULL && strstr(s, "1024 of 3009 bytes") !=
	    NULL, "a large JSON answer: text cut with a note, not an error "
	    "(%.300s)", s);
	json_object_put(r);
	rs.content_type = "text/plain";
	r = map_success(&op, NULL, 1024, &rs);
	ok(strlen(js(r)) < 1600 && strstr(js(r), "1024 of 3009 bytes") != NULL,
	    "a large text answer: cut with a note");
	json_object_put(r);
	r = map_success(&op, NULL, 4096, &rs);
	ok(strstr(js(r), "bytes") == NULL, "under the limit: whole");
	json_object_put(r);
	json_object_put(schema);
	buf_free(&rs.body);
}

static void
t_responses(void)
{
	struct api_op		 op;
	struct up_response	 rs;
	struct json_object	*r;
	const char		*png = "\x89PNG\r\n\x1a\n";

	memset(&op, 0, sizeof(op));
	op.method = "GET";
	op.path = "/x";
	memset(&rs, 0, sizeof(rs));
	rs.status = 200;
	rs.url = "http://api.test/x";
	buf_init(&rs.body);
	buf_puts(&rs.body, "{\"a\":1}");
	rs.content_type = "application/json; charset=utf-8";
	r = map_success(&op, NULL, 1 << 20, &rs);
	is_str(js(r), "{\"content\":[{\"type\":\"text\",\"text\":\"{\\\"a\\\":1}\"}],"
	    "\"structuredContent\":{\"a\":1}}", "JSON object: text + structured");
	json_object_put(r);
	/* the text is the answer as it came; structuredContent the tree
	 * that was checked, written out (a member named twice: no
	 * structuredContent, t_content) */
	buf_reset(&rs.body);
	buf_puts(&rs.body, "{ \"a\": 1, \"s\": \"\\u00e9/\" }\n");
	r = map_success(&op, NULL, 1 << 20, &rs);
	is_str(js(r), "{\"content\":[{\"type\":\"text\",\"text\":"
	    "\"{ \\\"a\\\": 1, \\\"s\\\": \\\"\\\\u00e9/\\\" }\\n\"}],"
	    "\"structuredContent\":{\"a\":1,\"s\":\"\xc3\xa9/\"}}",
	    "JSON object with spaces and an escape: text as it came, "
	    "structuredContent as parsed");
	json_object_put(r);
	buf_reset(&rs.body);
	buf_puts(&rs.body, "null");
	op.has_output_schema = 1;
	r = map_success(&op, NULL, 1 << 20, &rs);
	ok(strstr(js(r), "\"isError\":true") != NULL &&
	    strstr(js(r), "not an object") != NULL,
	    "null where an object is promised: isError, not an object (%s)",
	    js(r));
	json_object_put(r);
	op.has_output_schema = 0;
	buf_reset(&rs.body);
	buf_puts(&rs.body, "[1,2]");
	rs.content_type = "application/problem+json";
	r = map_success(&op, NULL, 1 << 20, &rs);
	ok(strstr(js(r), "structuredContent") == NULL, "JSON array: text only");
	json_object_put(r);
	op.has_output_schema = 1;
	r = map_success(&op, NULL, 1 << 20, &rs);
	ok(strstr(js(r), "\"isError\":true") != NULL,
	    "output schema promised but array returned: isError");
	json_object_put(r);
	op.has_output_schema = 0;
	buf_reset(&rs.body);
	buf_puts(&rs.body, "hello");
	rs.content_type = "text/plain";
	r = map_success(&op, NULL, 1 << 20, &rs);
	is_str(js(r), "{\"content\":[{\"type\":\"text\",\"text\":\"hello\"}]}",
	    "text");
	json_object_put(r);
	buf_reset(&rs.body);
	buf_append(&rs.body, png, 8);
	rs.content_type = "Image/PNG";
	r = map_success(&op, NULL, 1 << 20, &rs);
	is_str(js(r), "{\"content\":[{\"type\":\"image\",\"data\":\"iVBORw0KGgo=\","
	    "\"mimeType\":\"image/png\"}]}", "image: base64 and mimeType");
	json_object_put(r);
	rs.content_type = "audio/wav";
	r = map_success(&op, NULL, 1 << 20, &rs);
	ok(strstr(js(r), "\"type\":\"audio\"") && strstr(js(r),
	    "\"mimeType\":\"audio/wav\""), "audio");
	json_object_put(r);
	rs.content_type = "application/pdf";
	r = map_success(&op, NULL, 1 << 20, &rs);
	is_str(js(r), "{\"content\":[{\"type\":\"resource\",\"resource\":{\"uri\":"
	    "\"http://api.test/x\",\"mimeType\":\"application/pdf\",\"blob\":"
	    "\"iVBORw0KGgo=\"}}]}", "other types: embedded resource");
	json_object_put(r);
	buf_reset(&rs.body);
	rs.status = 204;
	r = map_success(&op, NULL, 1 << 20, &rs);
	ok(strstr(js(r), "succeeded with no content") != NULL, "204");
	json_object_put(r);
	buf_free(&rs.body);
}

/* A grant verified with these scopes (space-separated). */
static void
grant_of(struct auth_grant *g, const char *scopes)
{
	char	*copy = xstrdup(scopes), *w, *save = NULL;

	memset(g, 0, sizeof(*g));
	g->verified = 1;
	for (w = strtok_r(copy, " ", &save); w != NULL;
	    w = strtok_r(NULL, " ", &save)) {
		g->scopes = xrealloc(g->scopes, (g->nscopes + 1) *
		    sizeof(char *));
		g->scopes[g->nscopes++] = xstrdup(w);
	}
	free(copy);
}

/* May a token with `scopes` call `tool`? */
static int
allowed(struct registry *reg, const char *tool, const char *scopes)
{
	struct auth_grant	 g;
	int			 yes;

	grant_of(&g, scopes);
	yes = auth_tool_allowed(&g, reg_find(reg, tool));
	auth_grant_free(&g);
	return yes;
}

/*
 * Security alternatives: a token needs every scope of one of them, and
 * an alternative without scopes (an API key, {}) is no way around the
 * scoped ones.  When only the first alternative counted, a read token
 * called keyOrAdmin.
 */
static void
t_scope_alternatives(void)
{
	struct registry	*reg;
	struct cfg	 cfg;
	struct mcp_app	 app;
	char		*s;

	if ((reg = load_ok("scopes-3.1.json", NULL, &cfg)) == NULL)
		return;
	ok(allowed(reg, "inherited", "read") &&
	    !allowed(reg, "inherited", "write"),
	    "the document's requirement: read");
	ok(allowed(reg, "keyOnly", ""), "an API key alone: no scope needed");
	ok(!allowed(reg, "keyOrAdmin", "read") &&
	    !allowed(reg, "keyOrAdmin", ""),
	    "an API key or admin: a read token is refused");
	ok(allowed(reg, "keyOrAdmin", "read admin"), "... an admin one passes");
	ok(!allowed(reg, "openOrRead", "write") &&
	    allowed(reg, "openOrRead", "read"), "{} or read: read needed");
	ok(allowed(reg, "readOrAdminWrite", "read") &&
	    allowed(reg, "readOrAdminWrite", "write admin"),
	    "read, or admin and write: either will do");
	ok(!allowed(reg, "readOrAdminWrite", "admin") &&
	    !allowed(reg, "readOrAdminWrite", "write"),
	    "... but not half of the second");
	ok(auth_tool_allowed(NULL, reg_find(reg, "keyOrAdmin")),
	    "no verified grant (MCP_AUTH=none): nothing to judge");
	/* the step-up names the first alternative only */
	memset(&app, 0, sizeof(app));
	app.auth = auth_new(&cfg);
	s = mcp_tool_scopes(&app, reg_find(reg, "readOrAdminWrite"));
	is_str(s, "read", "step-up for read, or admin and write: read");
	free(s);
	s = mcp_tool_scopes(&app, reg_find(reg, "keyOrAdmin"));
	is_str(s, "admin", "step-up for an API key or admin: admin");
	free(s);
	auth_free(app.auth);
	reg_free(reg);
	cfg_free(&cfg);
}

/*
 * More header parameters than a request holds (64): the call is refused,
 * not sent with the last headers (Content-Type, the credential, the
 * trace context) silently left out.
 */
static void
t_many_headers(void)
{
	struct cfg		 cfg;
	struct registry		*reg;
	struct json_object	*e;
	struct api_req		 r;
	struct buf		 doc, args;
	char			*cause;
	int			 i;

	buf_init(&doc);
	buf_init(&args);
	buf_puts(&doc, "{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"t\","
	    "\"version\":\"1\"},\"paths\":{\"/x\":{\"post\":{\"operationId\":"
	    "\"many\",\"requestBody\":{\"content\":{\"application/json\":"
	    "{\"schema\":{\"type\":\"object\"}}}},\"parameters\":[");
	buf_putc(&args, '{');
	for (i = 0; i < 70; i++) {
		buf_printf(&doc, "%s{\"name\":\"X-H%d\",\"in\":\"header\"}",
		    i ? "," : "", i);
		buf_printf(&args, "%s\"X-H%d\":\"v\"", i ? "," : "", i);
	}
	buf_puts(&doc, "],\"responses\":{}}}}}");
	buf_puts(&args, ",\"body\":{}}");
	reg = load_text(doc.data, &cfg, &cause);
	ok(reg != NULL && reg_find(reg, "many") != NULL,
	    "70 header parameters load");
	if (reg != NULL && reg_find(reg, "many") != NULL) {
		e = build(reg, &cfg, "many", args.data, &r);
		ok(e != NULL && strstr(js(e), "\"isError\":true") != NULL &&
		    strstr(js(e), "headers") != NULL, "... a call that would "
		    "send them all is refused: %s", e ? js(e) : "sent");
		json_object_put(e);
		api_req_free(&r);
	}
	reg_free(reg);
	cfg_free(&cfg);
	buf_free(&doc);
	buf_free(&args);
}

/*
 * Items joined into one value (a query form or space- or pipe-delimited
 * array, a non-exploded object, a path or header array) must not hold
 * the delimiter: a reader that decodes before it splits would see more
 * items, past maxItems or additionalProperties: false.
 */
static void
t_joined(void)
{
	static const char doc[] = DOC_HEAD "\"paths\":{\"/f/{id}\":{"
	    "\"get\":{\"operationId\":\"getF\",\"responses\":{},"
	    "\"parameters\":["
	    "{\"name\":\"id\",\"in\":\"path\",\"required\":true,"
	    "\"schema\":{\"type\":\"array\",\"items\":{}}},"
	    "{\"name\":\"o\",\"in\":\"query\",\"explode\":false,"
	    "\"schema\":{\"type\":\"object\",\"additionalProperties\":"
	    "false,\"properties\":{\"sort\":{\"type\":\"string\"}}}},"
	    "{\"name\":\"ids\",\"in\":\"query\",\"style\":"
	    "\"spaceDelimited\",\"explode\":false,\"schema\":{\"type\":"
	    "\"array\",\"maxItems\":1}},"
	    "{\"name\":\"p\",\"in\":\"query\",\"style\":\"pipeDelimited\","
	    "\"explode\":false,\"schema\":{\"type\":\"array\"}},"
	    "{\"name\":\"e\",\"in\":\"query\",\"schema\":{\"type\":"
	    "\"array\"}},"
	    "{\"name\":\"so\",\"in\":\"query\",\"style\":"
	    "\"spaceDelimited\",\"explode\":false,\"schema\":{\"type\":"
	    "\"object\"}},"
	    "{\"name\":\"X-H\",\"in\":\"header\",\"schema\":{\"type\":"
	    "\"array\"}}]}}}}";
	static const struct {
		const char	*args, *what;
	} bad[] = {
		{ "{\"id\":[\"a,b\"]}", "a path array item with ','" },
		{ "{\"id\":[\"a\"],\"o\":{\"sort\":\"asc,admin,true\"}}",
		    "a non-exploded object's value with ','" },
		{ "{\"id\":[\"a\"],\"ids\":[\"1 2 3\"]}",
		    "a spaceDelimited item with a space" },
		{ "{\"id\":[\"a\"],\"p\":[\"a|b\"]}",
		    "a pipeDelimited item with '|'" },
		{ "{\"id\":[\"a\"],\"X-H\":[\"a,b\"]}",
		    "a header array item with ','" },
		{ "{\"id\":[\"a\"],\"so\":{\"sort\":\"asc admin true\"}}",
		    "a spaceDelimited object's value with a space" },
	};
	struct cfg		 cfg;
	struct registry		*reg;
	struct api_req		 r;
	struct json_object	*e;
	size_t			 i;

	if ((reg = loaded(doc, &cfg, "joined values")) == NULL)
		return;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e = build(reg, &cfg, "getF", bad[i].args, &r);
		ok(e != NULL && strstr(js(e), "\"isError\":true") != NULL,
		    "%s: refused (%s)", bad[i].what, e ? js(e) : r.url.data);
		json_object_put(e);
		api_req_free(&r);
	}
	e = build(reg, &cfg, "getF", "{\"id\":[\"a b\",\"c\"],\"o\":{"
	    "\"sort\":\"a b\"},\"ids\":[\"1,2\",\"3\"],\"e\":[\"a,b\"],"
	    "\"so\":{\"R\":100,\"G\":\"2,0\"},\"X-H\":[\"a b\",\"c\"]}",
	    &r);
	ok(e == NULL && strcmp(r.url.data, "http://x/f/a%20b,c?o=sort,a%20b&"
	    "ids=1%2C2%203&e=a%2Cb&so=R%20100%20G%202%2C0") == 0 &&
	    has_header(&r, "X-H: a b,c"),
	    "other delimiters, and exploded items, are sent (%s)",
	    e ? js(e) : r.url.data);
	json_object_put(e);
	api_req_free(&r);
	reg_free(reg);
	cfg_free(&cfg);
}

/*
 * What the API gets is what was validated: a parameter described by
 * `content` goes whole (its object's keys are no query names), a
 * deepObject key cannot nest deeper, a form's array that its encoding
 * does not explode is joined and may not hold the delimiter, a readOnly
 * body property is neither offered nor sent, an integral number goes as
 * an integer.
 */
static void
t_serialised(void)
{
	static const char doc[] = DOC_HEAD "\"paths\":{"
	    "\"/q/{id}\":{\"get\":{\"operationId\":\"q\",\"responses\":{},"
	    "\"parameters\":["
	    "{\"name\":\"id\",\"in\":\"path\",\"required\":true,"
	    "\"content\":{\"application/json\":{\"schema\":{\"type\":"
	    "\"array\"}}}},"
	    "{\"name\":\"filter\",\"in\":\"query\",\"content\":{"
	    "\"application/json\":{\"schema\":{\"type\":\"object\","
	    "\"properties\":{\"status\":{\"enum\":[\"open\"]}}}}}},"
	    "{\"name\":\"word\",\"in\":\"query\",\"content\":{"
	    "\"text/plain\":{\"schema\":{\"type\":\"string\"}}}},"
	    "{\"name\":\"X-F\",\"in\":\"header\",\"content\":{"
	    "\"application/json\":{\"schema\":{\"type\":\"object\"}}}},"
	    "{\"name\":\"d\",\"in\":\"query\",\"style\":\"deepObject\","
	    "\"explode\":true,\"schema\":{\"type\":\"object\","
	    "\"additionalProperties\":{\"type\":\"string\"}}},"
	    "{\"name\":\"n\",\"in\":\"query\",\"schema\":{\"type\":"
	    "\"integer\"}}]}},"
	    "\"/f\":{\"post\":{\"operationId\":\"f\",\"responses\":{},"
	    "\"requestBody\":{\"content\":{"
	    "\"application/x-www-form-urlencoded\":{\"schema\":{\"type\":"
	    "\"object\",\"properties\":{\"csv\":{\"type\":\"array\"},"
	    "\"pipes\":{\"type\":\"array\"},\"multi\":{\"type\":\"array\"},"
	    "\"plain\":{\"type\":\"array\"}}},\"encoding\":{"
	    "\"csv\":{\"style\":\"form\",\"explode\":false},"
	    "\"pipes\":{\"style\":\"pipeDelimited\"},"
	    "\"multi\":{\"style\":\"form\"}}}}}}},"
	    "\"/u\":{\"post\":{\"operationId\":\"u\",\"responses\":{},"
	    "\"requestBody\":{\"content\":{\"application/json\":{"
	    "\"schema\":{\"$ref\":\"#/components/schemas/User\"}}}}}},"
	    "\"/w\":{\"post\":{\"operationId\":\"w\",\"responses\":{},"
	    "\"requestBody\":{\"content\":{\"application/json\":{"
	    "\"schema\":{\"type\":\"object\",\"anyOf\":[{\"required\":"
	    "[\"name\"]}],\"properties\":{\"name\":{\"type\":\"string\"},"
	    "\"id\":{\"type\":\"integer\",\"readOnly\":true},"
	    "\"tag\":{\"type\":\"string\",\"readOnly\":true,"
	    "\"x-mcp-default\":\"t\"}}}}}}}},"
	    "\"/pets\":{\"post\":{\"operationId\":\"pets\",\"responses\":{},"
	    "\"requestBody\":{\"content\":{\"application/json\":{"
	    "\"schema\":{\"$ref\":\"#/components/schemas/Pet\"}}}}}},"
	    "\"/wrap\":{\"post\":{\"operationId\":\"wrap\",\"responses\":{},"
	    "\"requestBody\":{\"content\":{\"application/json\":{"
	    "\"schema\":{\"type\":\"object\",\"properties\":{"
	    "\"name\":{\"type\":\"string\"},\"id\":{\"allOf\":[{\"$ref\":"
	    "\"#/components/schemas/Role\"}],\"description\":\"d\"}}}}}}}}},"
	    "\"components\":{\"schemas\":{"
	    "\"NewPet\":{\"type\":\"object\",\"required\":[\"name\"],"
	    "\"properties\":{\"name\":{\"type\":\"string\"}}},"
	    "\"Pet\":{\"type\":\"object\",\"required\":[\"id\"],\"allOf\":["
	    "{\"$ref\":\"#/components/schemas/NewPet\"},{\"type\":\"object\","
	    "\"required\":[\"owner\"],\"properties\":{\"id\":{\"type\":"
	    "\"integer\",\"readOnly\":true},\"owner\":{\"type\":\"string\","
	    "\"readOnly\":true}}}]},"
	    "\"User\":{\"type\":\"object\","
	    "\"required\":[\"id\",\"name\"],\"properties\":{"
	    "\"id\":{\"type\":\"integer\",\"readOnly\":true},"
	    "\"role\":{\"$ref\":\"#/components/schemas/Role\"},"
	    "\"name\":{\"type\":\"string\"}}},"
	    "\"Role\":{\"type\":\"string\",\"readOnly\":true}}}}";
	static const char swagger[] = "{\"swagger\":\"2.0\",\"info\":{"
	    "\"title\":\"t\",\"version\":\"1\"},\"paths\":{\"/s\":{\"post\":{"
	    "\"operationId\":\"s\",\"consumes\":["
	    "\"application/x-www-form-urlencoded\"],\"parameters\":["
	    "{\"name\":\"tags\",\"in\":\"formData\",\"type\":\"array\","
	    "\"items\":{\"type\":\"string\"}}],\"responses\":{\"200\":{"
	    "\"description\":\"ok\"}}}}}}";
	struct cfg		 cfg;
	struct registry		*reg;
	const char		*a;
	char			*cause, *s;

	if ((reg = loaded(doc, &cfg, "serialisation")) == NULL)
		return;
	s = sent(reg, &cfg, "q", "{\"id\":[\"a\",\"b\"],\"filter\":{"
	    "\"status\":\"open\",\"admin\":\"true\"},\"word\":\"a b\","
	    "\"X-F\":{\"k\":1}}", fake_header);
	is_str(s, "http://x/q/%5B%22a%22%2C%22b%22%5D?filter=%7B%22status"
	    "%22%3A%22open%22%2C%22admin%22%3A%22true%22%7D&word=a%20b ",
	    "a content parameter goes whole, its keys no query names");
	free(s);
	s = sent(reg, &cfg, "q", "{\"id\":[\"x\"],\"d\":{\"a][role\":"
	    "\"admin\"}}", fake_header);
	ok(strncmp(s, "ERROR ", 6) == 0 && strstr(s, "'['") != NULL,
	    "a deepObject key with a bracket is refused: %s", s);
	free(s);
	s = sent(reg, &cfg, "q", "{\"id\":[\"x\"],\"d\":{\"\":\"admin\"}}",
	    fake_header);
	ok(strncmp(s, "ERROR ", 6) == 0 && strstr(s, "'['") != NULL,
	    "an empty deepObject key (name[]) "
	    "is refused: %s", s);
	free(s);
	s = sent(reg, &cfg, "q", "{\"id\":[\"x\"],\"d\":{\"status\":\"a]b\"},"
	    "\"n\":1e2}", fake_header);
	is_str(s, "http://x/q/%5B%22x%22%5D?d%5Bstatus%5D=a%5Db&n=100 ",
	    "a deepObject value may hold one; 1e2 goes as 100");
	free(s);
	s = sent(reg, &cfg, "f", "{\"csv\":[\"a\",\"b c\"],\"pipes\":[\"1\","
	    "\"2\"],\"multi\":[\"x\",\"y\"],\"plain\":[\"p\",\"q\"]}",
	    fake_header);
	is_str(s, "http://x/f csv=a,b%20c&pipes=1%7C2&multi=x&multi=y&"
	    "plain=p&plain=q", "a form's arrays by their encoding");
	free(s);
	s = sent(reg, &cfg, "f", "{\"csv\":[\"a,b,c\"]}", fake_header);
	ok(strncmp(s, "ERROR ", 6) == 0 && strstr(s, "arguments.csv") !=
	    NULL, "a joined form array's item with ',' is refused: %s", s);
	free(s);
	s = sent(reg, &cfg, "f", "{\"pipes\":[\"1|2\"],\"multi\":[\"a,b\"]}",
	    fake_header);
	ok(strncmp(s, "ERROR ", 6) == 0 && strstr(s, "arguments.pipes") !=
	    NULL, "... and a pipeDelimited one's with '|': %s", s);
	free(s);
	a = schema_of(reg, "u");
	ok(strstr(a, "\"id\"") == NULL && strstr(a, "\"role\"") == NULL &&
	    strstr(a, "\"required\":[\"name\"]") != NULL,
	    "readOnly body properties are not offered: %s", a);
	s = sent(reg, &cfg, "u", "{\"name\":\"bob\",\"id\":7,\"ROLE\":"
	    "\"admin\"}", fake_header);
	is_str(s, "http://x/u {\"name\":\"bob\"}", "... nor sent");
	free(s);
	a = schema_of(reg, "w");
	ok(strstr(a, "\"id\"") == NULL && strstr(a, "\"tag\"") != NULL,
	    "a whole body: readOnly left out, unless curated: %s", a);
	s = sent(reg, &cfg, "w", "{\"name\":\"bob\",\"id\":7}", fake_header);
	is_str(s, "http://x/w {\"name\":\"bob\",\"tag\":\"t\"}",
	    "... and its id not sent");
	free(s);
	/* Pet = allOf [NewPet, {id, owner: readOnly}], the usual shape */
	a = schema_of(reg, "pets");
	ok(strstr(a, "\"id\"") == NULL && strstr(a, "\"owner\"") == NULL &&
	    strstr(a, "\"name\"") != NULL, "readOnly properties an allOf "
	    "member adds are not offered, nor required: %s", a);
	s = sent(reg, &cfg, "pets", "{\"name\":\"rex\",\"id\":1,\"Owner\":"
	    "\"admin\"}", fake_header);
	is_str(s, "http://x/pets {\"name\":\"rex\"}", "... nor sent");
	free(s);
	a = schema_of(reg, "wrap");
	ok(strstr(a, "\"id\"") == NULL, "a property wrapping a readOnly "
	    "$ref in allOf is not offered: %s", a);
	s = sent(reg, &cfg, "wrap", "{\"name\":\"b\",\"id\":\"admin\"}",
	    fake_header);
	is_str(s, "http://x/wrap {\"name\":\"b\"}", "... nor sent");
	free(s);
	s = sent(reg, &cfg, "q", "{\"id\":[\"x\"],\"n\":1e17}",
	    fake_header);
	is_str(s, "http://x/q/%5B%22x%22%5D?n=100000000000000000 ",
	    "1e17 goes as an integer too");
	free(s);
	reg_free(reg);
	cfg_free(&cfg);
	reg = load_text(swagger, &cfg, &cause);
	ok(reg != NULL, "swagger formData: loads (%s)", cause ? cause : "ok");
	free(cause);
	if (reg != NULL) {
		s = sent(reg, &cfg, "s", "{\"tags\":[\"a\",\"b\"]}",
		    fake_header);
		is_str(s, "http://x/s tags=a,b", "a csv formData array is "
		    "joined");
		free(s);
		s = sent(reg, &cfg, "s", "{\"tags\":[\"a,b\"]}",
		    fake_header);
		ok(strncmp(s, "ERROR ", 6) == 0, "... and may not hold ',': %s",
		    s);
		free(s);
		reg_free(reg);
	}
	cfg_free(&cfg);
}

/*
 * A draft 7 "dependencies" member that is a schema is converted like any
 * subschema: a $ref in it is followed, not left naming the document's
 * components, where it would not resolve in the tool's schema (and refuse
 * every call that has the property).
 */
static void
t_dependencies(void)
{
	static const char doc[] = DOC_HEAD "\"paths\":{\"/d\":{\"post\":{"
	    "\"operationId\":\"d\",\"responses\":{},\"requestBody\":{"
	    "\"content\":{\"application/json\":{\"schema\":{\"$ref\":"
	    "\"#/components/schemas/Body\"}}}}}}},\"components\":{"
	    "\"schemas\":{\"Body\":{\"type\":\"object\",\"properties\":{"
	    "\"a\":{\"type\":\"string\"},\"b\":{\"type\":\"string\"}},"
	    "\"dependencies\":{\"a\":{\"$ref\":"
	    "\"#/components/schemas/Dep\"},\"b\":[\"a\"]}},"
	    "\"Dep\":{\"required\":[\"b\"]}}}}";
	struct cfg		 cfg;
	struct registry		*reg;
	struct json_object	*in, *args;
	const char		*a;
	char			 err[256];

	if ((reg = loaded(doc, &cfg, "dependencies")) == NULL)
		return;
	a = schema_of(reg, "d");
	ok(strstr(a, "components") == NULL &&
	    strstr(a, "\"a\":{\"required\":[\"b\"]}") != NULL &&
	    strstr(a, "\"b\":[\"a\"]") != NULL,
	    "a schema member converted, a list copied: %s", a);
	in = reg_tool_input(reg_find(reg, "d"));
	/* (the body is the arguments: "dependencies" keeps it whole) */
	args = json_tokener_parse("{\"a\":\"x\",\"b\":\"y\"}");
	ok(in != NULL && js_validate(in, in, args, "arguments", err,
	    sizeof(err)) == 0, "... and a call with both passes (%s)", err);
	json_object_put(args);
	args = json_tokener_parse("{\"a\":\"x\"}");
	ok(in != NULL && js_validate(in, in, args, "arguments", err,
	    sizeof(err)) == -1, "... one with a alone does not (%s)", err);
	json_object_put(args);
	reg_free(reg);
	cfg_free(&cfg);
}

/*
 * An outputSchema keeps nothing that a client checking answers with Ajv
 * (the TypeScript SDK) would judge otherwise than this server: no
 * multipleOf (19.99 is no multiple of 0.01 to Ajv), no uniqueItems
 * (integers past 2^53 are one double to JavaScript), and no schema for
 * a property named like an inherited member (data.constructor of an
 * answer without one is a function to Ajv).  Inputs keep them.
 */
static void
t_output_for_ajv(void)
{
	static const char doc[] = DOC_HEAD "\"paths\":{\"/p\":{\"post\":{"
	    "\"operationId\":\"p\",\"requestBody\":{\"content\":{"
	    "\"application/json\":{\"schema\":{\"$ref\":"
	    "\"#/components/schemas/P\"}}}},\"responses\":{\"200\":{"
	    "\"description\":\"ok\",\"content\":{\"application/json\":{"
	    "\"schema\":{\"$ref\":\"#/components/schemas/P\"}}}}}}}},"
	    "\"components\":{\"schemas\":{\"P\":{\"type\":\"object\","
	    "\"properties\":{\"price\":{\"type\":\"number\",\"multipleOf\":"
	    "0.01},\"u\":{\"type\":\"array\",\"uniqueItems\":true},"
	    "\"constructor\":{\"type\":\"string\"},\"inner\":{\"type\":"
	    "\"object\",\"properties\":{\"toString\":{\"type\":"
	    "\"string\"}}}}}}}}";
	struct cfg		 cfg;
	struct registry		*reg;
	const char		*o, *i;

	if ((reg = loaded(doc, &cfg, "output for Ajv")) == NULL)
		return;
	o = output_of(reg, "p");
	ok(strstr(o, "\"price\":{\"type\":\"number\"}") != NULL &&
	    strstr(o, "uniqueItems") == NULL &&
	    strstr(o, "\"constructor\":{}") != NULL &&
	    strstr(o, "\"toString\":{}") != NULL,
	    "outputSchema without multipleOf, uniqueItems, inherited "
	    "names' schemas: %s", o);
	i = schema_of(reg, "p");
	ok(strstr(i, "\"multipleOf\":0.01") != NULL &&
	    strstr(i, "\"uniqueItems\":true") != NULL &&
	    strstr(i, "\"constructor\":{\"type\":\"string\"}") != NULL,
	    "the inputSchema keeps them: %s", i);
	reg_free(reg);
	cfg_free(&cfg);
}

int
main(void)
{
	const char	*top = getenv("top_srcdir");

	snprintf(fixture_dir, sizeof(fixture_dir), "%s/tests/fixtures",
	    top ? top : ".");
	log_init("t_openapi", LOGL_ERROR, LOGF_TEXT);
	t_edge_document();
	t_fastapi();
	t_filters_and_errors();
	t_description_cap();
	t_bad_refs();
	t_fuzz_regressions();
	t_names();
	t_requests();
	t_serialised();
	t_output_for_ajv();
	t_dependencies();
	t_many_headers();
	t_wild();
	t_sizes();
	t_tools_budget();
	t_ref_chain();
	t_ref_hops();
	t_long_title();
	t_many_params();
	t_path_vars();
	t_server_vars();
	t_joined();
	t_answers();
	t_responses();
	t_scope_alternatives();
	return done_testing();
}
