/* SPDX-License-Identifier: ISC */
/*
 * Unit tests: MCP_OPENAPI_OVERLAY and curation.  The JSONPath subset
 * (api_jsonpath.c: selectors, refusals with positions, bounds), the
 * Overlay actions (api_overlay.c: merge, append, replace, remove,
 * warnings, errors), and the x-mcp-* extensions on the tools built
 * (api_tool.c, api_call.c: names, descriptions, hidden operations and
 * arguments, fixed values, defaults, annotations and method hints).
 */
#include "config.h"

#include <stdlib.h>
#include <unistd.h>

#include "../../src/api_call.c"
#include "tap.h"

static char	 top[1024];

static const char *
js(struct json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
}

#include "sent.h"

/* How many nodes `expr` selects in `doc`; -1 when refused (*why). */
static long
count(const char *doc, const char *expr, size_t max, char **why)
{
	struct json_object	*root = json_tokener_parse(doc);
	struct api_jp		*jp;
	struct api_jp_match	*m = NULL;
	size_t			 n = 0;
	long			 rc = -1;

	*why = NULL;
	if ((jp = api_jp_compile(expr, why)) != NULL &&
	    api_jp_select(jp, root, max, &m, &n, why) == 0)
		rc = (long)n;
	api_jp_matches_free(m, n);
	api_jp_free(jp);
	json_object_put(root);
	return rc;
}

static const char *const jdoc = "{\"paths\":{"
    "\"/items/{id}\":{\"get\":{\"operationId\":\"getItem\",\"n\":2},"
    "\"delete\":{\"operationId\":\"deleteItem\",\"n\":3,\"ro\":false}},"
    "\"/a\":{\"get\":{\"operationId\":\"a\",\"x\":{\"y\":\"z\"},"
    "\"ro\":true}}},"
    "\"it's\":1,\"arr\":[10,20,30,40,50],"
    "\"tags\":[{\"name\":\"a\"},{\"name\":\"b\"},{\"name\":\"a\"}]}";

static void
t_jsonpath(void)
{
	char	*why;
	long	 n;

	is_int(count(jdoc, "$", 100, &why), 1, "$ is the root");
	is_int(count(jdoc, "$.paths['/items/{id}'].get", 100, &why), 1,
	    "quoted name with / and {}");
	is_int(count(jdoc, "$[\"paths\"][\"/a\"].get.x.y", 100, &why), 1,
	    "double quotes, then shorthand");
	is_int(count(jdoc, "$['it\\'s']", 100, &why), 1, "escaped quote");
	is_int(count(jdoc, "$.paths.nothere", 100, &why), 0, "no match: 0");
	is_int(count("{\"r\":{\"200\":{\"x-a\":1}}}", "$.r.200.x-a", 100,
	    &why), 1, "shorthand: a leading digit, a dash");
	is_int(count(jdoc, "$.arr[1]", 100, &why), 1, "index");
	is_int(count(jdoc, "$.arr[-1]", 100, &why), 1, "index from the end");
	is_int(count(jdoc, "$.arr[9]", 100, &why), 0, "index past the end");
	is_int(count(jdoc, "$.arr[*]", 100, &why), 5, "[*] on an array");
	is_int(count(jdoc, "$.paths.*.get", 100, &why), 2, "* then name");
	is_int(count(jdoc, "$..operationId", 100, &why), 3,
	    "descendant segment");
	is_int(count(jdoc, "$..[?(@.operationId == 'getItem')]", 100, &why),
	    1, "descendant filter");
	is_int(count(jdoc, "$.paths.*[?@.n == 2]", 100, &why), 1,
	    "filter without parentheses, number");
	is_int(count(jdoc, "$.paths.*[?(@.n != 2)]", 100, &why), 2,
	    "!= (a missing member differs)");
	is_int(count(jdoc, "$.paths.*[?(@.ro == true)]", 100, &why), 1,
	    "boolean literal");
	is_int(count(jdoc, "$.paths.*[?(@.x.y == \"z\")]", 100, &why), 1,
	    "member path in a filter");
	is_int(count(jdoc, "$.tags[?(@.name == 'a')]", 100, &why), 2,
	    "filter on array elements");

	/* refusals, by name and position */
	n = count(jdoc, "$.arr[0:2]", 100, &why);
	ok(n == -1 && why && strstr(why, "position 8") &&
	    strstr(why, "slices"), "slice refused: %s", why ? why : "");
	free(why);
	n = count(jdoc, "$.arr[1,2]", 100, &why);
	ok(n == -1 && why && strstr(why, "unions"), "union refused: %s",
	    why ? why : "");
	free(why);
	n = count(jdoc, "$.tags[?(@.n > 1)]", 100, &why);
	ok(n == -1 && why && strstr(why, "comparison >"),
	    "> refused: %s", why ? why : "");
	free(why);
	n = count(jdoc, "$.tags[?(@.a == 1 && @.b == 2)]", 100, &why);
	ok(n == -1 && why && strstr(why, "logical operator &&"),
	    "&& refused: %s", why ? why : "");
	free(why);
	n = count(jdoc, "$.tags[?(@.name)]", 100, &why);
	ok(n == -1 && why && strstr(why, "existence"),
	    "existence test refused: %s", why ? why : "");
	free(why);
	n = count(jdoc, "$.tags[?(length(@.name) == 1)]", 100, &why);
	ok(n == -1 && why && strstr(why, "function"),
	    "function refused: %s", why ? why : "");
	free(why);
	n = count(jdoc, "$.tags[?(@.name == @.other)]", 100, &why);
	ok(n == -1 && why && strstr(why, "two paths"),
	    "path comparison refused: %s", why ? why : "");
	free(why);
	n = count(jdoc, "paths.a", 100, &why);
	ok(n == -1 && why && strstr(why, "position 1") &&
	    strstr(why, "start with $"), "no $: %s", why ? why : "");
	free(why);
	n = count(jdoc, "$.paths['/a'", 100, &why);
	ok(n == -1 && why && strstr(why, "] is expected"),
	    "unclosed bracket: %s", why ? why : "");
	free(why);
	n = count(jdoc, "$.paths['/a", 100, &why);
	ok(n == -1 && why && strstr(why, "not closed"),
	    "unclosed string: %s", why ? why : "");
	free(why);
	n = count(jdoc, "$..", 100, &why);
	ok(n == -1 && why != NULL, "bare .. refused: %s", why ? why : "");
	free(why);

	/* bounds */
	{
		char	 big[2100];
		size_t	 i;

		big[0] = '$';
		for (i = 1; i + 2 < sizeof(big); i += 2)
			memcpy(big + i, ".a", 2);
		big[i] = '\0';
		n = count(jdoc, big, 100, &why);
		ok(n == -1 && why && strstr(why, "longer than"),
		    "long expression refused: %s", why ? why : "");
		free(why);
		memcpy(big, "$", 2);
		for (i = 0; i < 33; i++)
			strcat(big, ".a");
		n = count(jdoc, big, 100, &why);
		ok(n == -1 && why && strstr(why, "segments"),
		    "too many segments refused: %s", why ? why : "");
		free(why);
	}
	n = count(jdoc, "$.arr[*]", 3, &why);
	ok(n == -1 && why && strstr(why, "more than 3"),
	    "too many matches refused: %s", why ? why : "");
	free(why);
}

/* Apply an overlay (JSON text) to a document (JSON text). */
static int
apply(const char *doc, const char *ov, char **out, size_t *unmatched,
    char **why)
{
	struct json_object	*root = json_tokener_parse(doc);
	struct json_object	*o = json_tokener_parse(ov);
	int			 rc;

	*why = NULL;
	*out = NULL;
	rc = api_overlay_apply(root, o, "ov.yaml", unmatched, why);
	if (rc == 0)
		*out = xstrdup(js(root));
	json_object_put(root);
	json_object_put(o);
	return rc;
}

#define OV(actions) "{\"overlay\":\"1.0.0\",\"info\":{\"title\":\"t\"," \
	"\"version\":\"1\"},\"actions\":" actions "}"

static void
t_actions(void)
{
	char	*out = NULL, *why = NULL;
	size_t	 um = 0;

	ok(apply("{\"a\":{\"b\":1,\"c\":[1],\"d\":{\"e\":1}}}",
	    OV("[{\"target\":\"$.a\",\"update\":{\"b\":2,\"c\":[2],"
	    "\"d\":{\"f\":2},\"g\":\"new\"}}]"), &out, &um, &why) == 0 &&
	    strcmp(out, "{\"a\":{\"b\":2,\"c\":[1,2],\"d\":{\"e\":1,\"f\":2},"
	    "\"g\":\"new\"}}") == 0 && um == 0,
	    "merge: primitive replaced, array appended, object merged: %s",
	    out ? out : why ? why : "");
	free(out);
	free(why);
	out = why = NULL;
	ok(apply("{\"tags\":[{\"name\":\"x\"}]}",
	    OV("[{\"target\":\"$.tags\",\"update\":[{\"name\":\"y\"}]},"
	    "{\"target\":\"$.tags\",\"update\":{\"name\":\"z\"}}]"),
	    &out, &um, &why) == 0 && strcmp(out, "{\"tags\":[{\"name\":\"x\"},"
	    "{\"name\":\"y\"},{\"name\":\"z\"}]}") == 0,
	    "update of an array appends: %s", out ? out : why ? why : "");
	free(out);
	free(why);
	out = why = NULL;
	ok(apply("{\"t\":[{\"n\":\"a\"},{\"n\":\"b\"},{\"n\":\"a\"},"
	    "{\"n\":\"c\"}],\"p\":{\"/x\":{},\"/y\":{}}}",
	    OV("[{\"target\":\"$.t[?(@.n == 'a')]\",\"remove\":true},"
	    "{\"target\":\"$.p['/x']\",\"remove\":true}]"),
	    &out, &um, &why) == 0 && strcmp(out, "{\"t\":[{\"n\":\"b\"},"
	    "{\"n\":\"c\"}],\"p\":{\"/y\":{}}}") == 0,
	    "remove: array elements and members: %s", out ? out : why ? why : "");
	free(out);
	free(why);
	out = why = NULL;
	ok(apply("{\"a\":{\"b\":{\"c\":1}}}",
	    OV("[{\"target\":\"$..*\",\"remove\":true}]"),
	    &out, &um, &why) == 0 && strcmp(out, "{}") == 0,
	    "remove of nested matches: %s", out ? out : why ? why : "");
	free(out);
	free(why);
	out = why = NULL;
	ok(apply("{\"a\":{}}", OV("[{\"target\":\"$.a\",\"update\":{\"x\":1}},"
	    "{\"target\":\"$.nothing\",\"update\":{}},"
	    "{\"target\":\"$.a\",\"remove\":true}]"), &out, &um, &why) == 0 &&
	    um == 1 && strcmp(out, "{}") == 0,
	    "in order; an unmatched target is a warning, counted: %zu", um);
	free(out);
	free(why);
	out = why = NULL;

	/* errors name the action */
	ok(apply("{}", OV("[{\"target\":\"$\",\"update\":{}},"
	    "{\"target\":\"$.a[0:1]\",\"update\":{}}]"), &out, &um, &why) ==
	    -1 && why && strstr(why, "MCP_OPENAPI_OVERLAY: ov.yaml: "
	    "actions[1].target: '$.a[0:1]': at position 6"),
	    "bad target: %s", why ? why : "");
	free(why);
	out = why = NULL;
	ok(apply("{\"a\":\"s\"}", OV("[{\"target\":\"$.a\",\"update\":{}}]"),
	    &out, &um, &why) == -1 && why && strstr(why, "actions[0].update"),
	    "update of a string refused: %s", why ? why : "");
	free(why);
	out = why = NULL;
	ok(apply("{}", OV("[{\"target\":\"$\",\"remove\":true}]"),
	    &out, &um, &why) == -1 && why && strstr(why, "whole document"),
	    "removing the root refused: %s", why ? why : "");
	free(why);
	out = why = NULL;
	ok(apply("{}", OV("[{\"target\":\"$\"}]"), &out, &um, &why) == -1 &&
	    why && strstr(why, "actions[0]: needs update"),
	    "an action without update or remove: %s", why ? why : "");
	free(why);
	out = why = NULL;
	ok(apply("{}", "{\"overlay\":\"2.0.0\",\"info\":{},\"actions\":[]}",
	    &out, &um, &why) == -1 && why && strstr(why, "2.0.0"),
	    "version refused: %s", why ? why : "");
	free(why);
	out = why = NULL;
	ok(apply("{}", "{\"overlay\":\"1.0.0\",\"info\":{},\"actions\":[]}",
	    &out, &um, &why) == -1 && why && strstr(why, "actions"),
	    "empty actions refused: %s", why ? why : "");
	free(why);
	out = why = NULL;
	ok(apply("{}", OV("[{\"target\":1,\"update\":{}}]"), &out, &um,
	    &why) == -1 && why && strstr(why, "actions[0].target"),
	    "target not a string: %s", why ? why : "");
	free(why);
	out = why = NULL;
}

/* Load a document (a path) with an overlay (a path or NULL) and extras. */
static struct registry *
load(const char *doc, const char *ov, const char *extra, struct cfg *cfg,
    char **cause)
{
	char		*env[8], *e1, *e2 = NULL;
	size_t		 n = 0;
	struct registry	*reg = NULL;

	xasprintf(&e1, "MCP_OPENAPI=%s", doc);
	env[n++] = e1;
	if (ov != NULL) {
		xasprintf(&e2, "MCP_OPENAPI_OVERLAY=%s", ov);
		env[n++] = e2;
	}
	env[n++] = "MCP_API_BASE_URL=http://api.test";
	if (extra != NULL)
		env[n++] = (char *)extra;
	env[n] = NULL;
	*cause = NULL;
	memset(cfg, 0, sizeof(*cfg));
	if (cfg_load(cfg, PROG_MCP, env, stderr) == 0 &&
	    api_load(cfg, &reg, cause) == -1)
		reg = NULL;
	free(e1);
	free(e2);
	return reg;
}

/*
 * A key of a tool's definition, valid for the next three calls (several
 * in one expression); def_key(NULL, ...) lets them all go.
 */
static struct json_object *
def_key(const struct tool *t, const char *key)
{
	static struct json_object	*ring[4];
	static size_t			 k;
	struct json_object		*v = NULL;
	size_t				 i;

	if (t == NULL) {
		for (i = 0; i < 4; i++) {
			json_object_put(ring[i]);
			ring[i] = NULL;
		}
		return NULL;
	}
	k = (k + 1) % 4;
	json_object_put(ring[k]);
	ring[k] = reg_tool_def(t);
	if (ring[k] != NULL)
		json_object_object_get_ex(ring[k], key, &v);
	return v;
}

static const char *
no_header(void *ctx, const char *name)
{
	(void)ctx;
	(void)name;
	return NULL;
}

/* The request api_call would send: curated arguments, then built. */
static char *
request(const struct registry *reg, const struct cfg *cfg, const char *tool,
    const char *args)
{
	return sent(reg, cfg, tool, args, no_header);
}

static void
t_curation(void)
{
	struct cfg		 cfg;
	struct registry		*reg;
	const struct tool	*t;
	char			 doc[1100], ov[1100], *cause, *s;

	snprintf(doc, sizeof(doc), "%s/examples/openapi.json", top);
	snprintf(ov, sizeof(ov), "%s/tests/fixtures/curation-overlay.yaml",
	    top);
	reg = load(doc, ov, NULL, &cfg, &cause);
	ok(reg != NULL, "the example with the curation overlay loads (%s)",
	    cause ? cause : "ok");
	free(cause);
	if (reg == NULL)
		return;
	ok(reg_find(reg, "sayHello") == NULL &&
	    (t = reg_find(reg, "greet_tenant")) != NULL, "x-mcp-name renames");
	is_str(json_object_get_string(def_key(t, "description")),
	    "Greets the tenant this server is set up for.",
	    "x-mcp-description replaces the description");
	ok(strstr(js(def_key(t, "annotations")), "\"openWorldHint\":false") &&
	    strstr(js(def_key(t, "annotations")), "\"readOnlyHint\":true"),
	    "x-mcp-annotations merged: %s", js(def_key(t, "annotations")));
	ok(strstr(js(def_key(t, "inputSchema")), "\"name\"") == NULL,
	    "the hidden argument is not in the inputSchema: %s",
	    js(def_key(t, "inputSchema")));
	s = request(reg, &cfg, "greet_tenant", "{}");
	ok(strstr(s, "/hello?name=tenant-42") != NULL, "fixed value sent: %s",
	    s);
	free(s);
	s = request(reg, &cfg, "greet_tenant", "{\"name\":\"mallory\"}");
	ok(strstr(s, "name=tenant-42") != NULL && !strstr(s, "mallory"),
	    "the fixed value wins over a sent one: %s", s);
	free(s);
	ok(reg_find(reg, "failAlways") == NULL, "x-mcp-hidden hides a tool");
	ok(reg_find(reg, "getAdminStats") == NULL, "remove: no tool");
	t = reg_find(reg, "echoForm");
	ok(t != NULL && strstr(js(def_key(t, "inputSchema")),
	    "\"default\":\"set by the overlay\"") != NULL,
	    "x-mcp-default in the schema");
	s = request(reg, &cfg, "echoForm", "{}");
	ok(strstr(s, "note=set+by+the+overlay") != NULL ||
	    strstr(s, "note=set%20by%20the%20overlay") != NULL,
	    "the default is sent when absent: %s", s);
	free(s);
	s = request(reg, &cfg, "echoForm", "{\"note\":\"mine\"}");
	ok(strstr(s, "note=mine") != NULL, "not when given: %s", s);
	free(s);
	t = reg_find(reg, "getItem");
	is_str(json_object_get_string(def_key(t, "title")), "Fetch one item",
	    "a plain update rewrites the summary");
	ok(t != NULL && strstr(json_object_get_string(def_key(t,
	    "description")), "(curated)") != NULL, "and the description");
	def_key(NULL, "");
	reg_free(reg);
	cfg_free(&cfg);
}

/* Write `text` to a temporary file; its path, to unlink and free. */
static char *
tmpdoc(const char *text, const char *ext)
{
	char	*path;
	int	 fd;
	FILE	*fp;

	xasprintf(&path, "/tmp/t_overlay_XXXXXX%s", ext);
	if ((fd = mkstemps(path, (int)strlen(ext))) == -1 ||
	    (fp = fdopen(fd, "w")) == NULL)
		abort();
	fputs(text, fp);
	fclose(fp);
	return path;
}

#define DOC(paths) "{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"t\"," \
	"\"version\":\"1\"},\"paths\":{" paths "}}"

static void
t_extensions(void)
{
	struct cfg		 cfg;
	struct registry		*reg;
	const struct tool	*t;
	char			*d, *cause, *s;
	const char		*a;

	d = tmpdoc(DOC(
	    "\"/o\":{\"options\":{\"operationId\":\"opt\",\"responses\":{}},"
	    "\"head\":{\"operationId\":\"hd\",\"responses\":{}},"
	    "\"trace\":{\"operationId\":\"tr\",\"responses\":{}},"
	    "\"put\":{\"operationId\":\"pt\",\"responses\":{}},"
	    "\"delete\":{\"operationId\":\"dl\",\"responses\":{}},"
	    "\"patch\":{\"operationId\":\"pa\",\"responses\":{}},"
	    "\"post\":{\"operationId\":\"po\",\"x-mcp-annotations\":"
	    "{\"readOnlyHint\":true,\"destructiveHint\":false},"
	    "\"responses\":{}}},"
	    "\"/t/{tenant}\":{\"get\":{\"operationId\":\"tq\","
	    "\"parameters\":[{\"name\":\"tenant\",\"in\":\"path\","
	    "\"required\":true,\"schema\":{\"type\":\"string\"},"
	    "\"x-mcp-hidden\":true,\"x-mcp-value\":\"acme\"},"
	    "{\"name\":\"q\",\"in\":\"query\",\"required\":true,"
	    "\"schema\":{\"type\":\"integer\"},\"x-mcp-default\":5},"
	    "{\"name\":\"opt\",\"in\":\"query\",\"x-mcp-hidden\":true,"
	    "\"schema\":{\"type\":\"string\"}}],\"responses\":{}},"
	    "\"post\":{\"operationId\":\"getItem\",\"x-mcp-name\":\"tq\","
	    "\"responses\":{}}},"
	    "\"/b\":{\"post\":{\"operationId\":\"bd\",\"requestBody\":"
	    "{\"content\":{\"application/json\":{\"schema\":{\"type\":"
	    "\"object\",\"required\":[\"org\",\"text\"],\"properties\":{"
	    "\"org\":{\"type\":\"string\",\"x-mcp-hidden\":true,"
	    "\"x-mcp-value\":\"org-7\"},\"text\":{\"type\":\"string\"}}}}}},"
	    "\"responses\":{}}},"
	    "\"/w\":{\"post\":{\"operationId\":\"wh\",\"requestBody\":"
	    "{\"content\":{\"application/json\":{\"schema\":{\"type\":"
	    "\"object\",\"required\":[\"org\",\"lang\"],\"anyOf\":[{"
	    "\"required\":[\"a\"]},{\"required\":[\"b\"]}],\"properties\":{"
	    "\"org\":{\"type\":\"string\",\"x-mcp-hidden\":true,"
	    "\"x-mcp-value\":\"org-9\"},\"lang\":{\"type\":\"string\","
	    "\"x-mcp-default\":\"en\"},\"a\":{\"type\":\"string\"},"
	    "\"b\":{\"type\":\"string\"}}}}}},\"responses\":{}}}"), ".json");
	reg = load(d, NULL, NULL, &cfg, &cause);
	ok(reg != NULL, "extensions load (%s)", cause ? cause : "ok");
	free(cause);
	if (reg != NULL) {
		a = js(def_key(reg_find(reg, "opt"), "annotations"));
		ok(strstr(a, "\"readOnlyHint\":true") &&
		    strstr(a, "\"idempotentHint\":true") &&
		    !strstr(a, "destructiveHint"), "OPTIONS: %s", a);
		a = js(def_key(reg_find(reg, "tr"), "annotations"));
		ok(strstr(a, "\"readOnlyHint\":true") &&
		    strstr(a, "\"idempotentHint\":true"), "TRACE: %s", a);
		a = js(def_key(reg_find(reg, "hd"), "annotations"));
		ok(strstr(a, "\"readOnlyHint\":true"), "HEAD: %s", a);
		a = js(def_key(reg_find(reg, "pt"), "annotations"));
		ok(strstr(a, "\"readOnlyHint\":false") &&
		    strstr(a, "\"destructiveHint\":false") &&
		    strstr(a, "\"idempotentHint\":true"), "PUT: %s", a);
		a = js(def_key(reg_find(reg, "dl"), "annotations"));
		ok(strstr(a, "\"destructiveHint\":true") &&
		    strstr(a, "\"idempotentHint\":true"), "DELETE: %s", a);
		a = js(def_key(reg_find(reg, "pa"), "annotations"));
		ok(strstr(a, "\"readOnlyHint\":false") &&
		    strstr(a, "\"destructiveHint\":false") &&
		    strstr(a, "\"idempotentHint\":false"), "PATCH: %s", a);
		a = js(def_key(reg_find(reg, "po"), "annotations"));
		ok(strstr(a, "\"readOnlyHint\":true") &&
		    strstr(a, "\"destructiveHint\":false") &&
		    strstr(a, "\"idempotentHint\":false"),
		    "POST with x-mcp-annotations: %s", a);
		/* x-mcp-name wins; the generated name moves aside */
		t = reg_find(reg, "tq");
		ok(t != NULL && strcmp(((struct api_op *)t->impl)->method,
		    "POST") == 0, "x-mcp-name keeps its name");
		ok(reg_find(reg, "tq_2") != NULL, "the generated one gets _2");
		a = js(def_key(reg_find(reg, "tq_2"), "inputSchema"));
		ok(!strstr(a, "tenant") && !strstr(a, "\"opt\"") &&
		    strstr(a, "\"default\":5") && !strstr(a, "\"required\""),
		    "hidden and defaulted path/query parameters: %s", a);
		s = request(reg, &cfg, "tq_2", "{\"opt\":\"x\"}");
		ok(strstr(s, "/t/acme?q=5") != NULL && !strstr(s, "opt="),
		    "fixed path value and default sent, hidden without "
		    "a value never: %s", s);
		free(s);
		a = js(def_key(reg_find(reg, "bd"), "inputSchema"));
		ok(!strstr(a, "org") && strstr(a, "\"required\":[\"text\"]"),
		    "a hidden body property: out of the schema: %s", a);
		s = request(reg, &cfg, "bd", "{\"text\":\"hi\",\"org\":\"x\"}");
		ok(strstr(s, "\"org\":\"org-7\"") && strstr(s,
		    "\"text\":\"hi\"") && !strstr(s, "\"x\""),
		    "and sent with its fixed value: %s", s);
		free(s);
		/* a body that is the whole inputSchema (anyOf at its top) */
		a = js(def_key(reg_find(reg, "wh"), "inputSchema"));
		ok(strstr(a, "anyOf") && !strstr(a, "org") &&
		    strstr(a, "\"default\":\"en\"") && !strstr(a, "\"required\":"
		    "[\"org\"") && !strstr(a, "\"lang\"]"), "a whole-body schema: "
		    "hidden property out, defaulted one optional: %s", a);
		s = request(reg, &cfg, "wh", "{\"a\":\"1\",\"org\":\"x\"}");
		ok(strstr(s, "\"org\":\"org-9\"") && strstr(s,
		    "\"lang\":\"en\"") && strstr(s, "\"a\":\"1\""),
		    "... the fixed value and the default in the body: %s", s);
		free(s);
		def_key(NULL, "");
		reg_free(reg);
	}
	cfg_free(&cfg);
	unlink(d);
	free(d);

	/*
	 * x-mcp-* beside a parameter's $ref (an overlay's update of the
	 * operation's list entry): the operator's word, not the shared
	 * parameter's.  Before, the target alone was read, and the model
	 * chose the tenant the operator fixed.
	 */
	d = tmpdoc("{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"t\","
	    "\"version\":\"1\"},\"paths\":{\"/items\":{\"get\":{"
	    "\"operationId\":\"items\",\"parameters\":[{\"$ref\":"
	    "\"#/components/parameters/Tenant\",\"x-mcp-hidden\":true,"
	    "\"x-mcp-value\":\"acme\"},{\"$ref\":"
	    "\"#/components/parameters/Lang\",\"x-mcp-default\":\"en\"}],"
	    "\"responses\":{}}}},\"components\":{\"parameters\":{"
	    "\"Tenant\":{\"name\":\"tenant\",\"in\":\"query\","
	    "\"required\":true,\"schema\":{\"type\":\"string\"}},"
	    "\"Lang\":{\"name\":\"lang\",\"in\":\"query\",\"required\":"
	    "true,\"schema\":{\"type\":\"string\"}}}}}", ".json");
	reg = load(d, NULL, NULL, &cfg, &cause);
	ok(reg != NULL, "x-mcp-* beside a parameter's $ref loads (%s)",
	    cause ? cause : "ok");
	free(cause);
	if (reg != NULL) {
		a = js(def_key(reg_find(reg, "items"), "inputSchema"));
		ok(!strstr(a, "tenant") && strstr(a, "\"default\":\"en\"") &&
		    !strstr(a, "\"required\""), "... hidden and defaulted "
		    "as written beside the $ref: %s", a);
		s = request(reg, &cfg, "items", "{\"tenant\":\"victim\"}");
		ok(strstr(s, "tenant=acme") != NULL && !strstr(s, "victim") &&
		    strstr(s, "lang=en") != NULL, "... the fixed value sent, "
		    "the model's never: %s", s);
		free(s);
		def_key(NULL, "");
		reg_free(reg);
	}
	cfg_free(&cfg);
	unlink(d);
	free(d);

	/*
	 * Filters that name an operation two share: a generated name that
	 * clashed (a document update added DELETE /items/ before DELETE
	 * /items, which became delete_items_2: an exclusion of delete_items
	 * now dropped the new one and let the old back), or an operationId
	 * used twice (an inclusion took both).  Refused: say which.
	 */
	d = tmpdoc(DOC("\"/items/\":{\"delete\":{\"summary\":\"new\","
	    "\"responses\":{}}},\"/items\":{\"delete\":{\"summary\":"
	    "\"DELETE ALL ITEMS\",\"responses\":{}},\"get\":{\"operationId\":"
	    "\"listItems\",\"responses\":{}}},\"/other\":{\"delete\":{"
	    "\"operationId\":\"listItems\",\"responses\":{}}},\"/solo\":{"
	    "\"get\":{\"operationId\":\"solo\",\"responses\":{}}}"), ".json");
	reg = load(d, NULL, "MCP_EXCLUDE_OPERATIONS=delete_items", &cfg,
	    &cause);
	ok(reg == NULL && cause && strstr(cause, "'delete_items'") &&
	    strstr(cause, "not name one operation"), "an exclusion by a "
	    "generated name two operations clash on: refused (%s)",
	    cause ? cause : "loaded");
	reg_free(reg);
	free(cause);
	cfg_free(&cfg);
	reg = load(d, NULL, "MCP_INCLUDE_OPERATIONS=listItems", &cfg, &cause);
	ok(reg == NULL && cause && strstr(cause, "'listItems'") &&
	    strstr(cause, "not name one operation"), "an inclusion by an "
	    "operationId used twice: refused (%s)", cause ? cause : "loaded");
	reg_free(reg);
	free(cause);
	cfg_free(&cfg);
	reg = load(d, NULL, "MCP_EXCLUDE_OPERATIONS=delete_items_2", &cfg,
	    &cause);
	ok(reg == NULL && cause && strstr(cause, "'delete_items_2'"),
	    "... or by the _2 name the clash gave (%s)", cause ? cause :
	    "loaded");
	reg_free(reg);
	free(cause);
	cfg_free(&cfg);
	reg = load(d, NULL, "MCP_EXCLUDE_OPERATIONS=listItems", &cfg, &cause);
	ok(reg != NULL && reg_find(reg, "listItems") == NULL &&
	    reg_find(reg, "listItems_2") == NULL, "an exclusion by an "
	    "operationId used twice: both out, whatever the order (%s)",
	    cause ? cause : "ok");
	reg_free(reg);
	free(cause);
	cfg_free(&cfg);
	reg = load(d, NULL, "MCP_EXCLUDE_OPERATIONS=solo", &cfg, &cause);
	ok(reg != NULL && reg_find(reg, "solo") == NULL &&
	    reg_find(reg, "delete_items") != NULL, "a name no clash touched: "
	    "as before (%s)", cause ? cause : "ok");
	reg_free(reg);
	free(cause);
	cfg_free(&cfg);
	unlink(d);
	free(d);

	/*
	 * An operationId that is also the name another operation generates
	 * (X: operationId delete_items; Y: DELETE /items): an entry naming
	 * it took X by its operationId and whichever held the name, Y in
	 * one order, X itself in the other.  A name an x-mcp-name holds is
	 * the operator's and stays put: no refusal.
	 */
	d = tmpdoc(DOC("\"/items\":{\"delete\":{\"summary\":\"DELETE "
	    "ALL\",\"responses\":{}}},\"/other\":{\"delete\":{"
	    "\"operationId\":\"delete_items\",\"responses\":{}}},"
	    "\"/a\":{\"get\":{\"x-mcp-name\":\"get_b\",\"responses\":{}}},"
	    "\"/b\":{\"get\":{\"responses\":{}}}"), ".json");
	reg = load(d, NULL, "MCP_INCLUDE_OPERATIONS=delete_items", &cfg,
	    &cause);
	ok(reg == NULL && cause && strstr(cause, "'delete_items'"), "an "
	    "operationId another operation's generated name clashes with: "
	    "refused (%s)", cause ? cause : "loaded");
	reg_free(reg);
	free(cause);
	cfg_free(&cfg);
	reg = load(d, NULL, "MCP_EXCLUDE_OPERATIONS=get_b", &cfg, &cause);
	ok(reg != NULL && reg_find(reg, "get_b") == NULL &&
	    reg_find(reg, "get_b_2") != NULL, "a name an x-mcp-name holds: "
	    "sure (%s)", cause ? cause : "ok");
	reg_free(reg);
	free(cause);
	cfg_free(&cfg);
	unlink(d);
	free(d);

	/* refusals */
	d = tmpdoc(DOC("\"/t/{id}\":{\"get\":{\"parameters\":[{\"name\":"
	    "\"id\",\"in\":\"path\",\"required\":true,\"x-mcp-hidden\":true,"
	    "\"schema\":{\"type\":\"string\"}}],\"responses\":{}}}"), ".json");
	reg = load(d, NULL, NULL, &cfg, &cause);
	ok(reg == NULL && cause && strstr(cause, "parameter 'id'") &&
	    strstr(cause, "needs x-mcp-value or a default"),
	    "hidden required without a value: %s", cause ? cause : "");
	free(cause);
	cfg_free(&cfg);
	unlink(d);
	free(d);
	d = tmpdoc(DOC("\"/a\":{\"get\":{\"x-mcp-name\":\"bad name\","
	    "\"responses\":{}}}"), ".json");
	reg = load(d, NULL, NULL, &cfg, &cause);
	ok(reg == NULL && cause && strstr(cause, "x-mcp-name") &&
	    strstr(cause, "not a tool name"), "bad x-mcp-name: %s",
	    cause ? cause : "");
	free(cause);
	cfg_free(&cfg);
	unlink(d);
	free(d);
	d = tmpdoc(DOC("\"/a\":{\"get\":{\"x-mcp-name\":\"x\",\"responses\""
	    ":{}},\"put\":{\"x-mcp-name\":\"x\",\"responses\":{}}}"), ".json");
	reg = load(d, NULL, NULL, &cfg, &cause);
	ok(reg == NULL && cause && strstr(cause, "names another operation"),
	    "duplicate x-mcp-name: %s", cause ? cause : "");
	free(cause);
	cfg_free(&cfg);
	unlink(d);
	free(d);

	/* an overlay in JSON, with an error in action 1 */
	d = tmpdoc(DOC("\"/a\":{\"get\":{\"responses\":{}}}"), ".json");
	{
		char	*o = tmpdoc("{\"overlay\":\"1.0.0\",\"info\":{\"title\":"
		    "\"t\",\"version\":\"1\"},\"actions\":[{\"target\":\"$\","
		    "\"update\":{}},{\"target\":\"$.paths[?(@.a < 1)]\","
		    "\"update\":{}}]}", ".json");

		reg = load(d, o, NULL, &cfg, &cause);
		ok(reg == NULL && cause && strstr(cause,
		    "MCP_OPENAPI_OVERLAY: ") && strstr(cause,
		    "actions[1].target") && strstr(cause, "comparison <"),
		    "overlay error at start-up: %s", cause ? cause : "");
		free(cause);
		cfg_free(&cfg);
		unlink(o);
		free(o);
		o = tmpdoc("overlay: 1.0.0\ninfo: {title: t, version: '1'}\n"
		    "actions:\n  - target: $.paths\n    remove: true\n", ".yaml");
		reg = load(d, o, NULL, &cfg, &cause);
		ok(reg == NULL && cause && strstr(cause, "#/paths is missing"),
		    "an overlay that removes the paths: %s",
		    cause ? cause : "");
		free(cause);
		cfg_free(&cfg);
		unlink(o);
		free(o);
		reg = load(d, "/nonexistent/ov.yaml", NULL, &cfg, &cause);
		ok(reg == NULL && cause && strncmp(cause,
		    "MCP_OPENAPI_OVERLAY: cannot open", 32) == 0,
		    "a missing overlay file: %s", cause ? cause : "");
		free(cause);
		cfg_free(&cfg);
	}
	unlink(d);
	free(d);
}

int
main(void)
{
	const char	*t = getenv("top_srcdir");

	snprintf(top, sizeof(top), "%s", t != NULL ? t : "../..");
	t_jsonpath();
	t_actions();
	t_curation();
	t_extensions();
	return done_testing();
}
