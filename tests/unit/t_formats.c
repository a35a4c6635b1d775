/* SPDX-License-Identifier: ISC */
/*
 * Unit tests: the formats MCP_OPENAPI accepts besides OpenAPI 3 in JSON.
 * YAML (api_yaml.c): scalar resolution, nesting, keys, tags, anchors and
 * the alias bound, documents, depth, and where errors are.  Swagger 2.0
 * (api_swagger.c): every mapping to OpenAPI 3.0 on small documents, and
 * the refusals.  Then both through api_load() from files.
 */
#include "config.h"

#include <stdlib.h>
#include <unistd.h>

#include "../../src/jparse.h"
#include "../../src/log.h"
#include "../../src/api.h"
#include "tap.h"

static char	 fixture_dir[1024];
static char	*last;		/* the last result or cause */

static const char *
js(struct json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* YAML text to compact JSON, or "ERR <cause>". */
static const char *
y2j(const char *yaml)
{
	struct json_object	*o;
	char			*cause = NULL;

	free(last);
	if ((o = api_yaml_parse(yaml, strlen(yaml), "t.yaml", 512,
	    &cause)) == NULL) {
		xasprintf(&last, "ERR %s", cause ? cause : "(no cause)");
		free(cause);
		return last;
	}
	last = xstrdup(js(o));
	json_object_put(o);
	return last;
}

static void
yaml_is(const char *yaml, const char *want, const char *what)
{
	is_str(y2j(yaml), want, "yaml: %s", what);
}

/* The error names the file, line, column, pointer and what. */
static void
yaml_err(const char *yaml, const char *want, const char *what)
{
	const char	*got = y2j(yaml);

	ok(strncmp(got, "ERR MCP_OPENAPI: t.yaml: ", 25) == 0 &&
	    strstr(got, want) != NULL, "yaml refused: %s", what);
	if (strstr(got, want) == NULL)
		printf("#   got \"%s\"\n#  want \"%s\"\n", got, want);
}

static void
t_yaml_scalars(void)
{
	yaml_is("a: null\nb: ~\nc:\nd: Null\ne: NULL\n",
	    "{\"a\":null,\"b\":null,\"c\":null,\"d\":null,\"e\":null}", "nulls");
	yaml_is("[true, True, TRUE, false, False, FALSE]",
	    "[true,true,true,false,false,false]", "booleans");
	yaml_is("[yes, no, on, off, y, n]",
	    "[\"yes\",\"no\",\"on\",\"off\",\"y\",\"n\"]",
	    "YAML 1.1 booleans are strings (1.2 core schema)");
	yaml_is("[0, 12, -7, +12, 012, 0o17, 0x1F, 0xff]",
	    "[0,12,-7,12,12,15,31,255]", "integers: decimal, octal, hex");
	yaml_is("[9223372036854775807, -9223372036854775808]",
	    "[9223372036854775807,-9223372036854775808]", "int64 limits");
	yaml_is("[18446744073709551615, 123456789012345678901234567890]",
	    "[18446744073709551615,123456789012345678901234567890]",
	    "beyond int64: uint64, then a double keeping its digits");
	yaml_is("[1.5, -0.25, .5, -.5, 1., +2.5, 1e3, 2.5E-3, 007.50]",
	    "[1.5,-0.25,0.5,-0.5,1,2.5,1e3,2.5E-3,7.50]",
	    "floats written as JSON numbers");
	yaml_is("[1.2.3, 0x, 0o8, 1e, 12abc, -, .]",
	    "[\"1.2.3\",\"0x\",\"0o8\",\"1e\",\"12abc\",\"-\",\".\"]",
	    "almost numbers are strings");
	yaml_is("[\"12\", '13', \"true\", 'null', \"\", '']",
	    "[\"12\",\"13\",\"true\",\"null\",\"\",\"\"]",
	    "quoted scalars are strings");
	yaml_is("a: |\n  line 1\n  line 2\nb: >\n  folded\n  text\n"
	    "c: |-\n  12\n", "{\"a\":\"line 1\\nline 2\\n\",\"b\":\"folded "
	    "text\\n\",\"c\":\"12\"}", "block scalars are strings");
	yaml_is("[!!str 12, !!str true, !!int \"7\", !!float 3, !!float \"2.5\","
	    " !!bool \"true\", !!null \"\", ! 12]",
	    "[\"12\",\"true\",7,3.0,2.5,true,null,\"12\"]", "tags honoured");
	yaml_is("version: 3.0.3\nx: 2024-01-01\nd: \"a\\u00e9\\x41\"\n",
	    "{\"version\":\"3.0.3\",\"x\":\"2024-01-01\",\"d\":\"a\u00e9A\"}",
	    "versions and dates stay strings; escapes decoded");
	yaml_is("s: \"a\\0b\"\n", "{\"s\":\"a\\u0000b\"}",
	    "a NUL in a quoted value is kept, as JSON keeps \\u0000");
	yaml_err("[.inf]", "line 1 column 2: #/0: '.inf': not a finite number",
	    ".inf");
	yaml_err("a: [1, -.Inf]", "#/a/1: '-.Inf': not a finite number",
	    "-.Inf");
	yaml_err("a: .nan", "line 1 column 4: #/a: '.nan': not a finite",
	    ".nan");
	yaml_err("a: 1e400", "#/a: '1e400': a number beyond the range",
	    "1e400");
	yaml_err("a: 0x8000000000000000", "integer out of range",
	    "hex beyond int64");
	yaml_err("a: !!int 1.5", "!!int '1.5' is not an integer", "!!int 1.5");
	yaml_err("a: !!bool yes", "!!bool 'yes' is not true or false",
	    "!!bool yes");
	yaml_err("a: !!float abc", "!!float 'abc' is not a number",
	    "!!float abc");
	yaml_err("a: !!binary aGVsbG8=", "#/a: tag tag:yaml.org,2002:binary "
	    "is not supported", "!!binary");
	yaml_err("a: !!timestamp 2001-12-14", "tag:yaml.org,2002:timestamp "
	    "is not supported", "!!timestamp");
	yaml_err("a: !custom x", "#/a: tag !custom is not supported",
	    "a local tag");
	yaml_err("a: !!set {x}", "tag tag:yaml.org,2002:set is not supported",
	    "!!set");
	yaml_err("a: !!omap [x: 1]", "tag:yaml.org,2002:omap is not",
	    "!!omap");
}

static void
t_yaml_structure(void)
{
	yaml_is("openapi: 3.1.0   # comment\n"
	    "paths:\n"
	    "  /items:\n"
	    "    get:\n"
	    "      parameters:\n"
	    "        - name: limit\n"
	    "          in: query\n"
	    "          schema: {type: integer, enum: [1, 2]}\n"
	    "        - {name: tag, in: query}\n"
	    "      responses:\n"
	    "        200:\n"
	    "          description: ok\n"
	    "        '404': {description: no}\n",
	    "{\"openapi\":\"3.1.0\",\"paths\":{\"/items\":{\"get\":{\"parameters"
	    "\":[{\"name\":\"limit\",\"in\":\"query\",\"schema\":{\"type\":\""
	    "integer\",\"enum\":[1,2]}},{\"name\":\"tag\",\"in\":\"query\"}],"
	    "\"responses\":{\"200\":{\"description\":\"ok\"},\"404\":{\""
	    "description\":\"no\"}}}}}}",
	    "block and flow nesting; an unquoted code 200 is the key \"200\"");
	yaml_is("{\"a\": [1, {\"b\": null}], \"c\": \"d\"}",
	    "{\"a\":[1,{\"b\":null}],\"c\":\"d\"}", "JSON is YAML");
	yaml_is("---\na: 1\n...\n", "{\"a\":1}", "--- and ... around one doc");
	yaml_is("%YAML 1.2\n---\n[]\n", "[]", "a %YAML directive");
	yaml_is("? a\n: 1\n", "{\"a\":1}", "explicit key");
	yaml_is("[1, [2, [3, []]], {}]", "[1,[2,[3,[]]],{}]", "empty ones");
	yaml_is("\xef\xbb\xbf" "a: b\n", "{\"a\":\"b\"}", "UTF-8 BOM");
	yaml_is("t: \"\\u00e9\"\nu: \xc3\xa9\n", "{\"t\":\"\u00e9\",\"u\":\""
	    "\u00e9\"}", "UTF-8 text");

	yaml_err("a: 1\nb:\n  c: 2\n  c: 3\n",
	    "t.yaml: line 4 column 3: #/b/c: duplicate key 'c'",
	    "duplicate key, with line, column and pointer");
	yaml_err("\"a\": 1\na: 2\n", "duplicate key 'a'",
	    "duplicate key, one quoted");
	yaml_err("? [a, b]\n: 1\n", "line 1 column 3: #: a mapping key must "
	    "be a string, not a sequence", "a sequence as a key");
	yaml_err("? {a: b}\n: 1\n", "a mapping key must be a string, not a "
	    "mapping", "a mapping as a key");
	yaml_err("x:\n  ? \n  : 1\n", "#/x: a mapping key is empty (null)",
	    "empty key");
	yaml_err("x:\n  !!null : 1\n", "#/x: a mapping key is empty (null)",
	    "!!null key");
	yaml_err("base: &b {a: 1}\nx:\n  <<: *b\n", "line 3 column 3: #/x: "
	    "merge keys (<<) are not supported", "merge key");
	yaml_err("a: 1\n---\nb: 2\n", "line 2 column 1: #: more than one "
	    "document", "two documents");
	yaml_err("", "line 1 column 1: #: the document is empty", "empty");
	yaml_err("# only a comment\n", "the document is empty", "comment only");
	yaml_err("~\n", "the document is null", "null document");
	yaml_err("a: [1, 2\nb: 3\n", "t.yaml: line 2 column 2: #/a/2: did not "
	    "find expected ',' or ']' (while parsing a flow sequence at line "
	    "1 column 4)", "syntax error: libyaml's problem at its mark");
	yaml_err("a:\n  b: 1\n c: 2\n", "line 3 column 2: #: did not find "
	    "expected key", "bad indentation");
	yaml_err("a:\n\tb: 1\n", "line 2 column 1: #/a: found character that "
	    "cannot start any token", "a tab as indentation");
	yaml_err("a: \"unterminated\n", "found unexpected end of stream",
	    "unterminated quote");
	yaml_err("a: b\x01\n", "control characters are not allowed",
	    "a control byte");
	yaml_err("a: \xff\xfe\n", "invalid", "invalid UTF-8");
	yaml_err("\"a\\0b\": 1\n", "line 1 column 1: #: a NUL byte in a "
	    "mapping key", "a NUL in a key");
}

static void
t_yaml_aliases(void)
{
	struct buf	 b;
	const char	*got;
	int		 i;

	yaml_is("def: &d {type: string, enum: [a, b]}\n"
	    "x: *d\ny: [*d, &n 5, *n]\n",
	    "{\"def\":{\"type\":\"string\",\"enum\":[\"a\",\"b\"]},\"x\":{\"type"
	    "\":\"string\",\"enum\":[\"a\",\"b\"]},\"y\":[{\"type\":\"string\","
	    "\"enum\":[\"a\",\"b\"]},5,5]}", "an alias is a copy of its node");
	yaml_is("a: &x 1\nb: &x 2\nc: *x\n", "{\"a\":1,\"b\":2,\"c\":2}",
	    "an anchor redefined names the newer node");
	yaml_is("a: &k key\n*k : v\n", "ERR MCP_OPENAPI: t.yaml: line 2 "
	    "column 1: #: an alias (*k) as a mapping key is not supported",
	    "an alias as a key refused by name");
	yaml_is("n: &z ~\nm: [*z]\n", "{\"n\":null,\"m\":[null]}",
	    "an alias of null");
	yaml_err("a: *nope\n", "line 1 column 4: #/a: alias *nope names no "
	    "anchor", "an undefined alias");
	yaml_err("a: &r [1, *r]\n", "#/a/1: alias *r is inside the node it "
	    "names", "a recursive alias");
	yaml_err("a: &r {b: {c: *r}}\n", "#/a/b/c: alias *r is inside",
	    "a recursive alias, deeper");

	/* billion laughs: 10 levels of 10 copies = 10^10 nodes */
	buf_init(&b);
	buf_puts(&b, "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, "
	    "lol]\n");
	for (i = 1; i < 10; i++)
		buf_printf(&b, "l%d: &l%d [*l%d, *l%d, *l%d, *l%d, *l%d, *l%d, "
		    "*l%d, *l%d, *l%d, *l%d]\n", i, i, i - 1, i - 1, i - 1,
		    i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
	got = y2j(b.data);
	ok(strstr(got, "aliases expand to more than 1000000 nodes or 64 MB "
	    "of text (an alias bomb?)") != NULL && strstr(got, "line 6 column")
	    != NULL, "billion laughs refused where the copies pass the bound: "
	    "%.160s", got);
	/* few nodes, but a long string copied many times */
	buf_reset(&b);
	buf_puts(&b, "s: &s \"");
	for (i = 0; i < 100000; i++)
		buf_puts(&b, "0123456789");
	buf_puts(&b, "\"\nc: [");
	for (i = 0; i < 1000; i++)
		buf_printf(&b, "%s*s", i ? ", " : "");
	buf_puts(&b, "]\n");
	got = y2j(b.data);
	ok(strstr(got, "(an alias bomb?)") != NULL, "a 1 MB string copied "
	    "1000 times (1 GB) is refused: %.100s", got);
	/* the same with the anchor on a key (an explicit "? " key), whose
	 * text counted as one node: 3000 copies of 1 MB took 2 GB */
	buf_reset(&b);
	buf_puts(&b, "? &k \"");
	for (i = 0; i < 100000; i++)
		buf_puts(&b, "0123456789");
	buf_puts(&b, "\"\n: 1\nc: [");
	for (i = 0; i < 1000; i++)
		buf_printf(&b, "%s*k", i ? ", " : "");
	buf_puts(&b, "]\n");
	got = y2j(b.data);
	ok(strstr(got, "(an alias bomb?)") != NULL, "... a 1 MB key's anchor "
	    "copied 1000 times too: %.100s", got);
	/* five levels (10^5 nodes) are within the bound */
	buf_reset(&b);
	buf_puts(&b, "l0: &l0 [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n");
	for (i = 1; i < 5; i++)
		buf_printf(&b, "l%d: &l%d [*l%d, *l%d, *l%d, *l%d, *l%d, *l%d, "
		    "*l%d, *l%d, *l%d, *l%d]\n", i, i, i - 1, i - 1, i - 1,
		    i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
	got = y2j(b.data);
	ok(strncmp(got, "{\"l0\":[1,2,", 11) == 0 && strlen(got) > 200000,
	    "a modest fan-out of aliases is expanded (%zu bytes)", strlen(got));

	/* depth: 512 nested sequences load, 513 do not */
	buf_reset(&b);
	for (i = 0; i < 512; i++)
		buf_putc(&b, '[');
	for (i = 0; i < 512; i++)
		buf_putc(&b, ']');
	got = y2j(b.data);
	ok(strncmp(got, "[[[", 3) == 0, "512 levels of nesting load");
	buf_reset(&b);
	for (i = 0; i < 100000; i++)
		buf_putc(&b, '[');
	got = y2j(b.data);
	ok(strstr(got, "line 1 column 513: ") != NULL &&
	    strstr(got, "nested deeper than 512") != NULL,
	    "100000 levels refused at the 513th: %.80s", got);
	/* an alias may not carry a node deeper than the bound either */
	buf_reset(&b);
	buf_puts(&b, "a: &d ");
	for (i = 0; i < 300; i++)
		buf_putc(&b, '[');
	for (i = 0; i < 300; i++)
		buf_putc(&b, ']');
	buf_puts(&b, "\nb: ");
	for (i = 0; i < 300; i++)
		buf_putc(&b, '[');
	buf_puts(&b, "*d");
	for (i = 0; i < 300; i++)
		buf_putc(&b, ']');
	buf_putc(&b, '\n');
	got = y2j(b.data);
	ok(strstr(got, "alias *d nests deeper than 512") != NULL,
	    "an alias copied below 300 levels refused: %.100s", got);
	buf_free(&b);
}

/* ----- Swagger 2.0 --------------------------------------------------- */

static struct json_object	*conv;

/* Convert a Swagger 2.0 document (JSON text); NULL with `last` set. */
static struct json_object *
sw(const char *doc)
{
	static const struct jp_opts doc_json = { JP_TEXT_MAX, 512, 0,
	    JP_TREE_ANY };
	struct json_object	*src;
	const char		*why;
	char			*cause = NULL;

	json_object_put(conv);
	conv = NULL;
	free(last);
	last = NULL;
	if (jp_parse(doc, strlen(doc), &doc_json, &src, &why) == -1) {
		xasprintf(&last, "ERR test document: %s", why);
		return NULL;
	}
	conv = api_swagger_convert(src, "sw.json", &cause);
	json_object_put(src);
	if (conv == NULL) {
		xasprintf(&last, "ERR %s", cause ? cause : "(no cause)");
		free(cause);
	}
	return conv;
}

/* The converted value at a JSON pointer, as compact JSON. */
static const char *
at(const char *ptr)
{
	struct json_object	*v;

	if (conv == NULL)
		return last;
	if (json_pointer_get(conv, ptr, &v) != 0)
		return "(absent)";
	return js(v);
}

static void
sw_err(const char *doc, const char *want, const char *what)
{
	ok(sw(doc) == NULL && last != NULL && strncmp(last,
	    "ERR MCP_OPENAPI: sw.json: ", 26) == 0 && strstr(last, want) !=
	    NULL, "swagger refused: %s", what);
	if (last == NULL || strstr(last, want) == NULL)
		printf("#   got \"%s\"\n#  want \"%s\"\n", last ? last :
		    "(converted)", want);
}

#define SW(rest)	"{\"swagger\":\"2.0\",\"info\":{\"title\":\"t\"," \
	"\"version\":\"1\"}," rest "}"

static void
t_swagger_servers(void)
{
	sw(SW("\"host\":\"api.test:8080\",\"basePath\":\"/v1/\","
	    "\"schemes\":[\"http\",\"https\"],\"paths\":{}"));
	is_str(at("/openapi"), "\"3.0.3\"", "openapi 3.0.3");
	is_str(at("/info"), "{\"title\":\"t\",\"version\":\"1\"}", "info kept");
	is_str(at("/servers"), "[{\"url\":\"https://api.test:8080/v1\"},"
	    "{\"url\":\"http://api.test:8080/v1\"}]",
	    "host, basePath, schemes -> servers, https first");
	sw(SW("\"host\":\"h\",\"paths\":{}"));
	is_str(at("/servers"), "[{\"url\":\"https://h\"}]",
	    "no schemes, a file: https");
	sw(SW("\"basePath\":\"/api\",\"paths\":{}"));
	is_str(at("/servers"), "[{\"url\":\"/api\"}]",
	    "no host: the basePath, relative");
	sw(SW("\"paths\":{}"));
	is_str(at("/servers"), "(absent)", "neither: no servers");
	sw(SW("\"paths\":{},\"x-logo\":{\"url\":\"l.png\"},\"tags\":[{\"name\":"
	    "\"a\"}],\"externalDocs\":{\"url\":\"u\"},\"security\":[{\"k\":[]}],"
	    "\"unknown\":1"));
	is_str(at("/x-logo"), "{\"url\":\"l.png\"}", "x- extensions kept");
	is_str(at("/tags"), "[{\"name\":\"a\"}]", "tags kept");
	is_str(at("/externalDocs"), "{\"url\":\"u\"}", "externalDocs kept");
	is_str(at("/security"), "[{\"k\":[]}]", "security kept");
	is_str(at("/unknown"), "(absent)", "other members dropped");
	is_str(at("/swagger"), "(absent)", "swagger member dropped");
}

static void
t_swagger_params(void)
{
	sw(SW("\"paths\":{\"/a/{id}\":{\"parameters\":[{\"name\":\"id\","
	    "\"in\":\"path\",\"type\":\"integer\",\"format\":\"int64\","
	    "\"minimum\":1}],\"get\":{\"operationId\":\"getA\","
	    "\"x-op\":true,\"summary\":\"s\",\"tags\":[\"t\"],"
	    "\"deprecated\":true,\"parameters\":["
	    "{\"name\":\"tags\",\"in\":\"query\",\"type\":\"array\","
	    "\"items\":{\"type\":\"string\",\"enum\":[\"a\",\"b\"]}},"
	    "{\"name\":\"multi\",\"in\":\"query\",\"type\":\"array\","
	    "\"collectionFormat\":\"multi\",\"items\":{\"type\":\"integer\"}},"
	    "{\"name\":\"ssv\",\"in\":\"query\",\"type\":\"array\","
	    "\"collectionFormat\":\"ssv\",\"items\":{\"type\":\"string\"}},"
	    "{\"name\":\"pipes\",\"in\":\"query\",\"type\":\"array\","
	    "\"collectionFormat\":\"pipes\",\"items\":{\"type\":\"string\"}},"
	    "{\"name\":\"X-H\",\"in\":\"header\",\"type\":\"array\","
	    "\"required\":true,\"description\":\"d\",\"x-p\":1,"
	    "\"items\":{\"type\":\"string\"}},"
	    "{\"name\":\"n\",\"in\":\"query\",\"type\":\"number\",\"default\":"
	    "1.5,\"maximum\":10,\"exclusiveMaximum\":true,\"multipleOf\":0.5,"
	    "\"allowEmptyValue\":true,\"collectionFormat\":\"csv\"},"
	    "{\"name\":\"s\",\"in\":\"query\",\"type\":\"string\",\"pattern\":"
	    "\"^a\",\"maxLength\":3,\"minLength\":1,\"enum\":[\"a\",\"ab\"]}"
	    "],\"responses\":{\"200\":{\"description\":\"ok\"}}}}}"));
	is_str(at("/paths/~1a~1{id}/parameters"),
	    "[{\"name\":\"id\",\"in\":\"path\",\"required\":true,\"schema\":{"
	    "\"type\":\"integer\",\"format\":\"int64\",\"minimum\":1}}]",
	    "path-level path parameter: required, schema from type/format");
	is_str(at("/paths/~1a~1{id}/get/parameters/0"),
	    "{\"name\":\"tags\",\"in\":\"query\",\"style\":\"form\",\"explode"
	    "\":false,\"schema\":{\"type\":\"array\",\"items\":{\"type\":\""
	    "string\",\"enum\":[\"a\",\"b\"]}}}",
	    "query array: csv by default -> form, not exploded; items, enum");
	is_str(at("/paths/~1a~1{id}/get/parameters/1/style"), "\"form\"",
	    "multi -> form");
	is_str(at("/paths/~1a~1{id}/get/parameters/1/explode"), "true",
	    "multi -> exploded");
	is_str(at("/paths/~1a~1{id}/get/parameters/2/style"),
	    "\"spaceDelimited\"", "ssv -> spaceDelimited");
	is_str(at("/paths/~1a~1{id}/get/parameters/3/style"),
	    "\"pipeDelimited\"", "pipes -> pipeDelimited");
	is_str(at("/paths/~1a~1{id}/get/parameters/4"),
	    "{\"name\":\"X-H\",\"in\":\"header\",\"description\":\"d\","
	    "\"required\":true,\"style\":\"simple\",\"explode\":false,"
	    "\"schema\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
	    "\"x-p\":1}", "header array: simple; description, required, x-");
	is_str(at("/paths/~1a~1{id}/get/parameters/5"),
	    "{\"name\":\"n\",\"in\":\"query\",\"allowEmptyValue\":true,"
	    "\"schema\":{\"type\":\"number\",\"default\":1.5,\"maximum\":10,"
	    "\"exclusiveMaximum\":true,\"multipleOf\":0.5}}",
	    "validation keywords; collectionFormat of a non-array ignored");
	is_str(at("/paths/~1a~1{id}/get/parameters/6/schema"),
	    "{\"type\":\"string\",\"pattern\":\"^a\",\"maxLength\":3,"
	    "\"minLength\":1,\"enum\":[\"a\",\"ab\"]}",
	    "string keywords, in the document's order");
	is_str(at("/paths/~1a~1{id}/get/operationId"), "\"getA\"",
	    "operationId kept");
	is_str(at("/paths/~1a~1{id}/get/x-op"), "true", "operation x- kept");
	is_str(at("/paths/~1a~1{id}/get/deprecated"), "true",
	    "deprecated kept");

	sw_err(SW("\"paths\":{\"/a/{id}\":{\"get\":{\"parameters\":[{\"name\":"
	    "\"q\",\"in\":\"query\"},{\"name\":\"id\",\"in\":\"path\",\"type\":"
	    "\"array\",\"collectionFormat\":\"multi\"}]}}}"),
	    "sw.json: #/paths/~1a~1{id}/get/parameters/1: collectionFormat "
	    "multi is only for query and formData parameters, not path "
	    "(converting Swagger 2.0 to OpenAPI 3.0)", "multi in a path");
	sw_err(SW("\"paths\":{\"/a\":{\"get\":{\"parameters\":[{\"name\":\"h\","
	    "\"in\":\"header\",\"type\":\"array\",\"collectionFormat\":"
	    "\"multi\"}]}}}"), "multi is only for query and formData "
	    "parameters, not header", "multi in a header");
	sw_err(SW("\"paths\":{\"/a\":{\"get\":{\"parameters\":[{\"name\":\"q\","
	    "\"in\":\"query\",\"type\":\"array\",\"collectionFormat\":\"tsv\"}"
	    "]}}}"), "#/paths/~1a/get/parameters/0: collectionFormat tsv has "
	    "no OpenAPI 3 equivalent in a query parameter", "tsv");
	sw_err(SW("\"paths\":{\"/a\":{\"get\":{\"parameters\":[{\"name\":\"h\","
	    "\"in\":\"header\",\"type\":\"array\",\"collectionFormat\":\"pipes\""
	    "}]}}}"), "collectionFormat pipes has no OpenAPI 3 equivalent in a "
	    "header parameter", "pipes in a header");
	sw_err(SW("\"paths\":{\"/a\":{\"get\":{\"parameters\":[{\"name\":\"f\","
	    "\"in\":\"query\",\"type\":\"file\"}]}}}"),
	    "#/paths/~1a/get/parameters/0/schema: type: file is only possible "
	    "in a formData parameter", "type file in a query");
	sw_err(SW("\"paths\":{\"/a\":{\"get\":{\"parameters\":[{\"name\":\"c\","
	    "\"in\":\"cookie\"}]}}}"), "parameter 'in' is 'cookie' (path, "
	    "query, header, body and formData are)", "in: cookie");
	sw_err(SW("\"paths\":{\"/a\":{\"get\":{\"parameters\":[{\"name\":\"c\""
	    "}]}}}"), "parameter 'in' is missing", "no in");
}

static void
t_swagger_bodies(void)
{
	sw(SW("\"consumes\":[\"application/json\",\"application/xml\"],"
	    "\"paths\":{\"/p\":{\"post\":{\"parameters\":[{\"name\":\"b\","
	    "\"in\":\"body\",\"required\":true,\"description\":\"the pet\","
	    "\"schema\":{\"$ref\":\"#/definitions/Pet\"}}]},"
	    "\"put\":{\"consumes\":[\"text/plain\"],\"parameters\":[{\"name\":"
	    "\"b\",\"in\":\"body\",\"schema\":{\"type\":\"string\"}}]}},"
	    "\"/q\":{\"post\":{\"consumes\":[],\"parameters\":[{\"name\":\"b\","
	    "\"in\":\"body\",\"schema\":{\"type\":\"object\"}}]}}},"
	    "\"definitions\":{\"Pet\":{\"type\":\"object\"}}"));
	is_str(at("/paths/~1p/post/requestBody"),
	    "{\"description\":\"the pet\",\"required\":true,\"content\":{"
	    "\"application/json\":{\"schema\":{\"$ref\":\"#/components/"
	    "schemas/Pet\"}},\"application/xml\":{\"schema\":{\"$ref\":\"#/"
	    "components/schemas/Pet\"}}}}",
	    "in: body -> requestBody for each consumes type, $ref rewritten");
	is_str(at("/paths/~1p/put/requestBody/content"),
	    "{\"text/plain\":{\"schema\":{\"type\":\"string\"}}}",
	    "the operation's consumes wins");
	is_str(at("/paths/~1q/post/requestBody/content"),
	    "{\"application/json\":{\"schema\":{\"type\":\"object\"}}}",
	    "no consumes: application/json");
	is_str(at("/paths/~1p/post/parameters"), "(absent)",
	    "the body is not a parameter");

	sw(SW("\"paths\":{\"/f\":{\"post\":{\"parameters\":["
	    "{\"name\":\"To\",\"in\":\"formData\",\"type\":\"string\","
	    "\"required\":true,\"description\":\"who\"},"
	    "{\"name\":\"Media\",\"in\":\"formData\",\"type\":\"array\","
	    "\"items\":{\"type\":\"string\"},\"collectionFormat\":\"multi\"},"
	    "{\"name\":\"q\",\"in\":\"query\",\"type\":\"string\"}]}},"
	    "\"/u\":{\"post\":{\"consumes\":[\"multipart/form-data\"],"
	    "\"parameters\":[{\"name\":\"file\",\"in\":\"formData\",\"type\":"
	    "\"file\",\"required\":true},{\"name\":\"note\",\"in\":\"formData\","
	    "\"type\":\"string\"}]}},"
	    "\"/v\":{\"post\":{\"consumes\":[\"application/x-www-form-urlencoded"
	    "\"],\"parameters\":[{\"name\":\"f\",\"in\":\"formData\",\"type\":"
	    "\"file\"}]}},"
	    "\"/w\":{\"post\":{\"consumes\":[\"application/x-www-form-urlencoded"
	    "\",\"multipart/form-data\"],\"parameters\":[{\"name\":\"a\",\"in\":"
	    "\"formData\",\"type\":\"string\"}]}}}"));
	is_str(at("/paths/~1f/post/requestBody"),
	    "{\"required\":true,\"content\":{\"application/x-www-form-"
	    "urlencoded\":{\"schema\":{\"type\":\"object\",\"properties\":{"
	    "\"To\":{\"type\":\"string\",\"description\":\"who\"},\"Media\":{"
	    "\"type\":\"array\",\"items\":{\"type\":\"string\"}}},\"required\":"
	    "[\"To\"]},\"encoding\":{\"Media\":{\"style\":\"form\",\"explode\":"
	    "true}}}}}", "formData -> a urlencoded form; multi -> encoding");
	is_str(at("/paths/~1f/post/parameters"), "[{\"name\":\"q\",\"in\":\""
	    "query\",\"schema\":{\"type\":\"string\"}}]",
	    "the query parameter stays one");
	is_str(at("/paths/~1u/post/requestBody"),
	    "{\"required\":true,\"content\":{\"multipart/form-data\":{\"schema"
	    "\":{\"type\":\"object\",\"properties\":{\"file\":{\"type\":\""
	    "string\",\"format\":\"binary\"},\"note\":{\"type\":\"string\"}},"
	    "\"required\":[\"file\"]}}}}",
	    "multipart consumes -> multipart/form-data; file -> binary");
	is_str(at("/paths/~1v/post/requestBody/content"),
	    "{\"multipart/form-data\":{\"schema\":{\"type\":\"object\","
	    "\"properties\":{\"f\":{\"type\":\"string\",\"format\":\"binary\"}"
	    "}}}}", "a file cannot go in a urlencoded form: multipart");
	is_str(at("/paths/~1w/post/requestBody/content"),
	    "{\"application/x-www-form-urlencoded\":{\"schema\":{\"type\":"
	    "\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}},"
	    "\"multipart/form-data\":{\"schema\":{\"type\":\"object\","
	    "\"properties\":{\"a\":{\"type\":\"string\"}}}}}",
	    "both form types consumed: both offered");

	/* shared parameters: a body at the path level, $refs to top level */
	sw(SW("\"parameters\":{\"Limit\":{\"name\":\"limit\",\"in\":\"query\","
	    "\"type\":\"integer\"},\"Body\":{\"name\":\"b\",\"in\":\"body\","
	    "\"schema\":{\"$ref\":\"#/definitions/D\"}},\"F\":{\"name\":\"f\","
	    "\"in\":\"formData\",\"type\":\"string\"}},"
	    "\"paths\":{\"/s\":{\"parameters\":[{\"$ref\":\"#/parameters/Body\"}"
	    ",{\"$ref\":\"#/parameters/Limit\"}],\"post\":{\"parameters\":[]},"
	    "\"put\":{\"parameters\":[{\"name\":\"b\",\"in\":\"body\",\"schema\""
	    ":{\"type\":\"string\"}}]}},\"/t\":{\"post\":{\"parameters\":["
	    "{\"$ref\":\"#/parameters/F\"},{\"$ref\":\"#/parameters/Limit\"}]}}"
	    "},\"definitions\":{\"D\":{\"type\":\"object\"}}"));
	is_str(at("/components/parameters"), "{\"Limit\":{\"name\":\"limit\","
	    "\"in\":\"query\",\"schema\":{\"type\":\"integer\"}}}",
	    "top-level parameters -> components (bodies and forms inlined)");
	is_str(at("/paths/~1s/parameters"), "[{\"$ref\":\"#/components/"
	    "parameters/Limit\"}]", "a path-level $ref kept, rewritten");
	is_str(at("/paths/~1s/post/requestBody/content/application~1json/"
	    "schema"), "{\"$ref\":\"#/components/schemas/D\"}",
	    "a path-level body $ref inlined into each operation");
	is_str(at("/paths/~1s/put/requestBody/content/application~1json/"
	    "schema"), "{\"type\":\"string\"}",
	    "an operation's own body overrides the path's");
	is_str(at("/paths/~1t/post/parameters"), "[{\"$ref\":\"#/components/"
	    "parameters/Limit\"}]", "an operation-level $ref kept");
	is_str(at("/paths/~1t/post/requestBody/content/application~1x-www-"
	    "form-urlencoded/schema/properties"), "{\"f\":{\"type\":\"string\""
	    "}}", "a formData $ref inlined into the form");

	sw_err(SW("\"paths\":{\"/a\":{\"post\":{\"parameters\":[{\"name\":\"b\","
	    "\"in\":\"body\",\"schema\":{}},{\"name\":\"f\",\"in\":\"formData\","
	    "\"type\":\"string\"}]}}}"), "#/paths/~1a/post: body and formData "
	    "parameters in one operation", "body and formData");
	sw_err(SW("\"paths\":{\"/a\":{\"post\":{\"parameters\":[{\"name\":\"b\","
	    "\"in\":\"body\",\"schema\":{}},{\"name\":\"c\",\"in\":\"body\","
	    "\"schema\":{}}]}}}"), "#/paths/~1a/post/parameters/1: a second "
	    "body parameter", "two bodies");
	sw_err(SW("\"paths\":{\"/a\":{\"post\":{\"parameters\":[{\"name\":\"b\","
	    "\"in\":\"body\",\"schema\":{\"$ref\":\"other.json#/Pet\"}}]}}}"),
	    "#/paths/~1a/post/parameters/0/schema/$ref: external $ref "
	    "'other.json#/Pet' cannot be converted; bundle the document first",
	    "an external $ref in a body");
	sw_err(SW("\"paths\":{\"/a\":{\"get\":{\"parameters\":[{\"$ref\":"
	    "\"#/parameters/Nope\"}]}}}"), "#/paths/~1a/get/parameters/0: $ref "
	    "'#/parameters/Nope' does not resolve", "a dangling parameter $ref");
	sw_err(SW("\"paths\":{\"/a\":{\"get\":{\"parameters\":[null]}}}"),
	    "#/paths/~1a/get/parameters/0: a parameter is not an object",
	    "a null parameter");
	sw_err(SW("\"paths\":{\"/a\":{\"$ref\":\"other.yaml#/a\"}}"),
	    "#/paths/~1a: a path item $ref cannot be converted",
	    "a path item $ref");
}

static void
t_swagger_responses_and_components(void)
{
	sw(SW("\"produces\":[\"application/json\",\"application/xml\"],"
	    "\"paths\":{\"/r\":{\"get\":{\"responses\":{"
	    "\"200\":{\"description\":\"ok\",\"schema\":{\"type\":\"array\","
	    "\"items\":{\"$ref\":\"#/definitions/Pet\"}},\"headers\":{\"X-Rate\""
	    ":{\"type\":\"integer\",\"description\":\"left\"}},\"examples\":{"
	    "\"application/json\":[{\"id\":1}]},\"x-r\":1},"
	    "\"404\":{\"$ref\":\"#/responses/NotFound\"},"
	    "\"204\":{\"description\":\"none\"},\"default\":{}}},"
	    "\"post\":{\"produces\":[\"application/octet-stream\"],\"responses\":"
	    "{\"200\":{\"description\":\"a file\",\"schema\":{\"type\":\"file\"}"
	    "}}}}},"
	    "\"responses\":{\"NotFound\":{\"description\":\"nf\",\"schema\":{"
	    "\"$ref\":\"#/definitions/Err\"}}},"
	    "\"definitions\":{\"Pet\":{\"type\":\"object\",\"required\":[\"id\"],"
	    "\"discriminator\":\"kind\",\"properties\":{\"id\":{\"type\":"
	    "\"integer\"},\"kind\":{\"type\":\"string\"},\"owner\":{\"$ref\":"
	    "\"#/definitions/Err\",\"x-nullable\":true},\"tags\":{\"type\":"
	    "\"array\",\"items\":{\"$ref\":\"#/definitions/Err\"}},\"map\":{"
	    "\"type\":\"object\",\"additionalProperties\":{\"$ref\":\"#/"
	    "definitions/Err\"}}},\"example\":{\"$ref\":\"not a reference\"}},"
	    "\"Cat\":{\"allOf\":[{\"$ref\":\"#/definitions/Pet\"},{\"type\":"
	    "\"object\"}]},\"Err\":{\"type\":\"object\"}}"));
	is_str(at("/paths/~1r/get/responses/200"),
	    "{\"description\":\"ok\",\"headers\":{\"X-Rate\":{\"description\":"
	    "\"left\",\"schema\":{\"type\":\"integer\"}}},\"content\":{"
	    "\"application/json\":{\"schema\":{\"type\":\"array\",\"items\":{"
	    "\"$ref\":\"#/components/schemas/Pet\"}},\"example\":[{\"id\":1}]},"
	    "\"application/xml\":{\"schema\":{\"type\":\"array\",\"items\":{"
	    "\"$ref\":\"#/components/schemas/Pet\"}}}},\"x-r\":1}",
	    "schema -> content per produces type; examples; headers; x-");
	is_str(at("/paths/~1r/get/responses/404"), "{\"$ref\":\"#/components/"
	    "responses/NotFound\"}", "a response $ref rewritten");
	is_str(at("/paths/~1r/get/responses/204"), "{\"description\":\"none\""
	    "}", "no schema: no content");
	is_str(at("/paths/~1r/get/responses/default"), "{\"description\":\""
	    "\"}", "a description is always there");
	is_str(at("/paths/~1r/post/responses/200/content"), "{\"application/"
	    "octet-stream\":{\"schema\":{\"type\":\"string\",\"format\":\""
	    "binary\"}}}", "a file response: binary, the operation's produces");
	is_str(at("/components/responses/NotFound"), "{\"description\":\"nf\","
	    "\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/"
	    "components/schemas/Err\"}},\"application/xml\":{\"schema\":{"
	    "\"$ref\":\"#/components/schemas/Err\"}}}}",
	    "top-level responses -> components/responses");
	is_str(at("/components/schemas/Pet/discriminator"),
	    "{\"propertyName\":\"kind\"}", "discriminator -> propertyName");
	is_str(at("/components/schemas/Pet/properties/owner"),
	    "{\"$ref\":\"#/components/schemas/Err\",\"nullable\":true}",
	    "x-nullable -> nullable; property $ref");
	is_str(at("/components/schemas/Pet/properties/tags/items/$ref"),
	    "\"#/components/schemas/Err\"", "items $ref");
	is_str(at("/components/schemas/Pet/properties/map/"
	    "additionalProperties/$ref"), "\"#/components/schemas/Err\"",
	    "additionalProperties $ref");
	is_str(at("/components/schemas/Cat/allOf/0/$ref"),
	    "\"#/components/schemas/Pet\"", "allOf $ref");
	is_str(at("/components/schemas/Pet/example"),
	    "{\"$ref\":\"not a reference\"}", "an example is not rewritten");
	is_str(at("/definitions"), "(absent)", "definitions moved");

	sw(SW("\"paths\":{\"/a\":{\"get\":{\"responses\":{\"200\":{"
	    "\"description\":\"x\",\"headers\":{\"X-A\":1}}}}}}"));
	is_str(at("/paths/~1a/get/responses/200/headers"), "{\"X-A\":{"
	    "\"schema\":{}}}", "a header that is not an object: no constraint "
	    "(fuzz)");
	sw_err(SW("\"paths\":{},\"definitions\":{\"A\":{\"properties\":{\"b\":"
	    "{\"$ref\":\"#/paths/~1x\"}}}}"), "#/definitions/A/properties/b/"
	    "$ref: $ref '#/paths/~1x' points outside #/definitions, "
	    "#/parameters and #/responses", "a $ref into paths");
	sw_err(SW("\"paths\":{},\"definitions\":{\"A\":{\"items\":{\"$ref\":"
	    "\"https://example.com/s.json\"}}}"), "#/definitions/A/items/$ref: "
	    "external $ref 'https://example.com/s.json' cannot be converted",
	    "an external $ref in a definition");
}

static void
t_swagger_security(void)
{
	sw(SW("\"paths\":{},\"securityDefinitions\":{"
	    "\"b\":{\"type\":\"basic\",\"description\":\"d\"},"
	    "\"k\":{\"type\":\"apiKey\",\"name\":\"X-Key\",\"in\":\"header\","
	    "\"x-k\":1},"
	    "\"i\":{\"type\":\"oauth2\",\"flow\":\"implicit\",\"authorizationUrl"
	    "\":\"https://a/auth\",\"scopes\":{\"r\":\"read\"}},"
	    "\"p\":{\"type\":\"oauth2\",\"flow\":\"password\",\"tokenUrl\":"
	    "\"https://a/token\",\"scopes\":{}},"
	    "\"c\":{\"type\":\"oauth2\",\"flow\":\"application\",\"tokenUrl\":"
	    "\"https://a/token\"},"
	    "\"a\":{\"type\":\"oauth2\",\"flow\":\"accessCode\","
	    "\"authorizationUrl\":\"https://a/auth\",\"tokenUrl\":"
	    "\"https://a/token\",\"scopes\":{\"w\":\"write\"}}}"));
	is_str(at("/components/securitySchemes/b"), "{\"type\":\"http\","
	    "\"scheme\":\"basic\",\"description\":\"d\"}", "basic -> http basic");
	is_str(at("/components/securitySchemes/k"), "{\"type\":\"apiKey\","
	    "\"name\":\"X-Key\",\"in\":\"header\",\"x-k\":1}", "apiKey kept");
	is_str(at("/components/securitySchemes/i"), "{\"type\":\"oauth2\","
	    "\"flows\":{\"implicit\":{\"authorizationUrl\":\"https://a/auth\","
	    "\"scopes\":{\"r\":\"read\"}}}}", "oauth2 implicit");
	is_str(at("/components/securitySchemes/p/flows"), "{\"password\":{"
	    "\"tokenUrl\":\"https://a/token\",\"scopes\":{}}}",
	    "oauth2 password");
	is_str(at("/components/securitySchemes/c/flows"),
	    "{\"clientCredentials\":{\"tokenUrl\":\"https://a/token\","
	    "\"scopes\":{}}}", "oauth2 application -> clientCredentials");
	is_str(at("/components/securitySchemes/a/flows"),
	    "{\"authorizationCode\":{\"authorizationUrl\":\"https://a/auth\","
	    "\"tokenUrl\":\"https://a/token\",\"scopes\":{\"w\":\"write\"}}}",
	    "oauth2 accessCode -> authorizationCode");
	sw_err(SW("\"paths\":{},\"securityDefinitions\":{\"x\":{\"type\":"
	    "\"mutualTLS\"}}"), "#/securityDefinitions/x: security scheme type "
	    "'mutualTLS' is not one of basic, apiKey, oauth2", "unknown type");
	sw_err(SW("\"paths\":{},\"securityDefinitions\":{\"x\":{\"type\":"
	    "\"oauth2\",\"flow\":\"device\"}}"), "oauth2 flow 'device' is not "
	    "one of implicit, password, application, accessCode",
	    "unknown flow");
	sw_err("{\"swagger\":\"1.2\",\"paths\":{}}", "#/swagger: version '1.2' "
	    "is not supported (Swagger 2.0 and OpenAPI 3.0.x, 3.1.x are)",
	    "Swagger 1.2");
}

/* ----- through api_load ------------------------------------------------ */

static struct registry *
load(const char *doc, const char *base, struct cfg *cfg, char **cause)
{
	char		*env[4], *openapi, *b = NULL;
	size_t		 n = 0;
	struct registry	*reg = NULL;

	xasprintf(&openapi, "MCP_OPENAPI=%s/%s", fixture_dir, doc);
	env[n++] = openapi;
	if (base != NULL) {
		xasprintf(&b, "MCP_API_BASE_URL=%s", base);
		env[n++] = b;
	}
	env[n] = NULL;
	*cause = NULL;
	if (cfg_load(cfg, PROG_MCP, env, stderr) == 0 &&
	    api_load(cfg, &reg, cause) == -1)
		reg = NULL;
	free(openapi);
	free(b);
	return reg;
}

static const char *
tool_schema(const struct registry *reg, const char *name)
{
	const struct tool	*t = reg_find(reg, name);
	static char		*s;
	struct json_object	*def, *v;

	free(s);
	s = NULL;
	if (t == NULL || (def = reg_tool_def(t)) == NULL)
		return "(no tool)";
	if (json_object_object_get_ex(def, "inputSchema", &v))
		s = xstrdup(js(v));
	json_object_put(def);
	return s ? s : "(no schema)";
}

static void
t_load(void)
{
	struct cfg		 cfg;
	struct registry		*reg;
	const struct tool	*t;
	struct api_op		*op;
	char			*cause;
	size_t			 i;

	reg = load("petstore.yaml", NULL, &cfg, &cause);
	ok(reg != NULL, "petstore.yaml loads (%s)", cause ? cause : "ok");
	free(cause);
	if (reg != NULL) {
		is_int(reg->ntools, 3, "three operations");
		t = reg_find(reg, "listPets");
		op = t ? t->impl : NULL;
		ok(op != NULL && strcmp(op->base_url,
		    "https://pets.example/v1") == 0, "server URL from YAML");
		is_str(tool_schema(reg, "listPets"), "{\"type\":\"object\","
		    "\"properties\":{\"limit\":{\"type\":\"integer\",\"maximum\":"
		    "100,\"default\":20,\"description\":\"How many (at most "
		    "100).\\n\"},\"status\":{\"type\":\"string\",\"enum\":[\"available"
		    "\",\"sold\"],\"description\":\"Filter by status.\"}}}",
		    "listPets: anchors, integers, a folded description");
		ok(reg_find(reg, "createPet") && reg_find(reg, "getPet"),
		    "createPet, getPet");
		reg_free(reg);
	}
	cfg_free(&cfg);

	reg = load("swagger-example.yaml", "http://api.test/api", &cfg,
	    &cause);
	ok(reg != NULL, "swagger-example.yaml (Swagger 2.0 in YAML) loads "
	    "(%s)", cause ? cause : "ok");
	free(cause);
	if (reg != NULL) {
		ok(reg->ntools >= 5, "its operations are tools (%zu)",
		    reg->ntools);
		t = reg_find(reg, "sendMessage");
		op = t ? t->impl : NULL;
		ok(op != NULL && op->body == API_BODY_FORM,
		    "sendMessage: a form body");
		t = reg_find(reg, "listItems");
		op = t ? t->impl : NULL;
		for (i = 0; op != NULL && i < op->nparams; i++)
			if (strcmp(op->params[i].name, "X-Trace-Id") == 0)
				ok(op->params[i].in == API_IN_HEADER,
				    "listItems: a header parameter");
		t = reg_find(reg, "createItem");
		op = t ? t->impl : NULL;
		ok(op != NULL && op->body == API_BODY_JSON &&
		    strcmp(op->body_type, "application/json") == 0,
		    "createItem: a JSON body");
		ok(t != NULL && t->nscopes == 1 && strcmp(t->scopes[0],
		    "items:write") == 0, "createItem: its oauth2 scope");
		reg_free(reg);
	}
	cfg_free(&cfg);

	/* nulls where objects must be: named (they failed without a word) */
	for (i = 0; i < 3; i++) {
		static const char *const docs[][2] = {
			{ "openapi: 3.0.3\npaths:\n  /a:\n",
			    "#/paths//a: null where an object is expected" },
			{ "openapi: 3.0.3\npaths:\n  /a:\n    get:\n"
			    "      parameters: [~]\n",
			    "parameters/0: null where an object is expected" },
			{ "{\"openapi\": \"3.0.3\", \"paths\": {\"/a\": {\"get\":"
			    " {\"responses\": {\"200\": null}}}}}",
			    "responses/200: null where an object is expected" },
		};
		char	 tmp[] = "/tmp/t_formats.XXXXXX", *env[3];
		int	 fd = mkstemp(tmp);

		if (fd == -1 || write(fd, docs[i][0], strlen(docs[i][0])) < 0)
			abort();
		close(fd);
		xasprintf(&env[0], "MCP_OPENAPI=%s", tmp);
		env[1] = "MCP_API_BASE_URL=http://x";
		env[2] = NULL;
		cause = NULL;
		reg = NULL;
		if (cfg_load(&cfg, PROG_MCP, env, stderr) == 0 &&
		    api_load(&cfg, &reg, &cause) == 0)
			reg_free(reg);
		ok(cause != NULL && strstr(cause, docs[i][1]) != NULL,
		    "a null: %s", cause ? cause : "(no cause)");
		free(cause);
		free(env[0]);
		cfg_free(&cfg);
		unlink(tmp);
	}

	reg = load("bad.yaml", "http://x", &cfg, &cause);
	ok(reg == NULL && cause != NULL && strstr(cause, "/bad.yaml: line 7 "
	    "column 7: #/paths/~1a/get/summary: duplicate key 'summary'") != NULL,
	    "a bad YAML file: the file, line, column, pointer (%s)",
	    cause ? cause : "loaded");
	free(cause);
	cfg_free(&cfg);
}

int
main(void)
{
	const char	*top = getenv("top_srcdir");

	snprintf(fixture_dir, sizeof(fixture_dir), "%s/tests/fixtures",
	    top ? top : ".");
	log_init("t_formats", LOGL_ERROR, LOGF_TEXT);
	t_yaml_scalars();
	t_yaml_structure();
	t_yaml_aliases();
	t_swagger_servers();
	t_swagger_params();
	t_swagger_bodies();
	t_swagger_responses_and_components();
	t_swagger_security();
	t_load();
	json_object_put(conv);
	free(last);
	return done_testing();
}
