/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target: an OpenAPI document through api_load(), the way a
 * worker loads MCP_OPENAPI at start-up: api_doc_load (JSON, or YAML
 * through api_yaml.c when the first byte that is not white space is not
 * '{'; Swagger 2.0 converted by api_swagger.c; version, paths), $ref
 * resolution, schema conversion, names, filters and tool definitions.  api_load reads a file, so the input is written to a memfd
 * (one per process, gone with it however it ends) and MCP_OPENAPI names
 * it as /proc/self/fd/N.
 *
 * Two configurations: the defaults, and one that puts every response and
 * the full response schemas in short descriptions with short tool names
 * and a tag filter.  The second runs only when the first loads.
 *
 * Input: the document.
 */
#include "config.h"

#include <sys/mman.h>

#include <unistd.h>

#include "../../src/jparse.h"
#include "../../src/api.h"
#include "fuzz.h"

static char		 path[64];
static int		 fd = -1;
static struct cfg	 cfg_plain, cfg_rich;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char	 openapi[96];
	static char	*env1[] = { openapi,
	    "MCP_API_BASE_URL=http://api.invalid/v1", NULL };
	static char	*env2[] = { openapi,
	    "MCP_API_BASE_URL=http://api.invalid/v1",
	    "MCP_DESCRIBE_ALL_RESPONSES=true",
	    "MCP_DESCRIBE_FULL_RESPONSE_SCHEMA=true",
	    "MCP_TOOL_NAME_MAX=16", "MCP_DESCRIPTION_MAX=128",
	    "MCP_EXCLUDE_TAGS=admin", NULL };

	fuzz_quiet("fuzz_openapi");
	if ((fd = memfd_create("fuzz_openapi.json", MFD_CLOEXEC)) == -1) {
		perror("memfd_create");
		abort();
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	snprintf(openapi, sizeof(openapi), "MCP_OPENAPI=%s", path);
	fuzz_cfg(&cfg_plain, env1);
	fuzz_cfg(&cfg_rich, env2);
	return 0;
}

/* Every tool is a well-formed MCP Tool that a client can list. */
static void
check_registry(const struct cfg *cfg, const struct registry *reg)
{
	static const struct jp_opts def_json = { JP_TEXT_MAX, 512, 0,
	    JP_TREE_ANY };
	struct json_object	*def, *v, *schema;
	const struct api_op	*op;
	const char		*why;
	size_t			 i, j;

	for (i = 0; i < reg->ntools; i++) {
		const struct tool	*t = &reg->tools[i];

		FUZZ_ASSERT(t->name != NULL && *t->name != '\0' &&
		    strlen(t->name) <= (size_t)cfg->tool_name_max,
		    "tool name empty or too long");
		FUZZ_ASSERT(strspn(t->name, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") ==
		    strlen(t->name), "tool name with invalid characters");
		FUZZ_ASSERT(i == 0 || strcmp(reg->tools[i - 1].name,
		    t->name) < 0, "tool names not sorted or not unique");
		FUZZ_ASSERT(reg_find(reg, t->name) == t, "reg_find");
		/*
		 * The stored text is what tools/list pastes and what
		 * tools/call parses back (reg_tool_def): one JSON object.
		 */
		FUZZ_ASSERT(t->json != NULL && strlen(t->json) == t->json_len,
		    "stored definition missing or with a NUL");
		def = reg_tool_def(t);
		FUZZ_ASSERT(def != NULL && json_object_is_type(def,
		    json_type_object), "stored definition is not a JSON object");
		FUZZ_ASSERT(json_object_object_get_ex(def, "name", &v) &&
		    json_object_is_type(v, json_type_string) &&
		    strcmp(json_object_get_string(v), t->name) == 0,
		    "stored definition names another tool");
		FUZZ_ASSERT(json_object_object_get_ex(def, "inputSchema",
		    &schema) && json_object_is_type(schema, json_type_object),
		    "inputSchema missing or not an object");
		FUZZ_ASSERT(json_object_object_get_ex(schema, "type", &v) &&
		    json_object_is_type(v, json_type_string) &&
		    strcmp(json_object_get_string(v), "object") == 0,
		    "inputSchema is not of type object");
		if (json_object_object_get_ex(def, "description", &v))
			FUZZ_ASSERT(json_object_is_type(v, json_type_string) &&
			    (size_t)json_object_get_string_len(v) <=
			    (size_t)cfg->description_max,
			    "description not a string or over the limit");
		json_object_put(def);
		if (t->json_old != NULL) {
			if (jp_parse(t->json_old, t->json_old_len, &def_json,
			    &def, &why) == -1)
				def = NULL;
			FUZZ_ASSERT(def != NULL && strlen(t->json_old) ==
			    t->json_old_len && !json_object_object_get_ex(def,
			    "title", NULL) && !json_object_object_get_ex(def,
			    "outputSchema", NULL),
			    "the pre-2025-06-18 definition is not one");
			json_object_put(def);
		}
		op = t->impl;
		FUZZ_ASSERT(op != NULL && op->method != NULL &&
		    op->path != NULL && op->base_url != NULL, "tool without op");
		for (j = 0; j < op->nparams; j++)
			FUZZ_ASSERT(op->params[j].name != NULL &&
			    op->params[j].prop != NULL &&
			    (unsigned)op->params[j].in < API_IN__MAX,
			    "parameter without name or place");
		for (j = 0; j < t->nscopes; j++)
			FUZZ_ASSERT(t->scopes[j] != NULL, "NULL scope");
	}
}

static int
load(const struct cfg *cfg)
{
	struct registry	*reg;
	char		*cause = NULL;
	int		 rc;

	rc = api_load(cfg, &reg, &cause);
	if (rc == -1) {
		FUZZ_ASSERT(cause != NULL && reg == NULL,
		    "api_load failed without a cause");
		if (fuzz_verbose())
			fprintf(stderr, "%s\n", cause);
		free(cause);
		return -1;
	}
	FUZZ_ASSERT(reg != NULL, "api_load succeeded without a registry");
	check_registry(cfg, reg);
	if (fuzz_verbose())
		fprintf(stderr, "%zu tools, warnings: %s\n", reg->ntools,
		    cause ? cause : "none");
	free(cause);
	reg_free(reg);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (ftruncate(fd, 0) == -1 ||
	    pwrite(fd, data, size, 0) != (ssize_t)size) {
		perror(path);
		abort();
	}
	if (load(&cfg_plain) == 0)
		(void)load(&cfg_rich);
	return 0;
}
