/* SPDX-License-Identifier: ISC */
/* Unit tests: validating tool arguments against a JSON Schema. */
#include "config.h"

#include <stdlib.h>

#include <json-c/json.h>

#include "../../src/jsonschema.h"
#include "../../src/util.h"
#include "tap.h"

static char	 err[512];

/*
 * Parse test JSON written with single quotes (so that the tests stay
 * readable); a test string that is not JSON is a bug in the test.
 */
static struct json_object *
parse(const char *s)
{
	enum json_tokener_error	 e;
	struct json_object	*o;
	char			 buf[4096];
	size_t			 i;

	for (i = 0; s[i] != '\0' && i < sizeof(buf) - 1; i++)
		buf[i] = s[i] == '\'' ? '"' : s[i];
	buf[i] = '\0';
	o = json_tokener_parse_verbose(buf, &e);
	if (e != json_tokener_success) {
		printf("Bail out! bad test JSON: %s\n", buf);
		exit(1);
	}
	return o;
}

/*
 * Validate against a schema that is its own root: "" when valid, else the
 * message.  A result that disagrees with its message is a failure too.
 */
static const char *
check_in(struct json_object *root, struct json_object *s,
    struct json_object *v, const char *path)
{
	int	 rc;

	memset(err, 'x', sizeof(err));
	rc = js_validate(root, s, v, path, err, sizeof(err));
	if (rc == 0 && err[0] != '\0')
		return "(valid, but a message was left)";
	if (rc == -1 && err[0] == '\0')
		return "(invalid without a message)";
	if (rc != 0 && rc != -1)
		return "(bad return value)";
	return rc == 0 ? "" : err;
}

static const char *
check(const char *schema, const char *value)
{
	struct json_object	*s = parse(schema), *v = parse(value);
	const char		*r;

	r = check_in(NULL, s, v, "arguments");
	json_object_put(s);
	json_object_put(v);
	return r;
}

/* As check, for an API's answer (js_validate_answer). */
static const char *
check_answer(const char *schema, const char *value)
{
	static char		 why[512];
	struct json_object	*s = parse(schema), *v = parse(value);

	if (js_validate_answer(NULL, s, v, "structuredContent", why,
	    sizeof(why)) == 0)
		why[0] = '\0';
	json_object_put(s);
	json_object_put(v);
	return why;
}

#define VALID(s, v, d)		is_str(check(s, v), "", d)
#define INVALID(s, v, m, d)	is_str(check(s, v), m, d)

static int
utf8_valid(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	int			 n, i;

	while (*p != '\0') {
		n = *p < 0x80 ? 1 : *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 :
		    *p >= 0xc0 ? 2 : 0;
		if (n == 0)
			return 0;
		for (i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				return 0;
		p += n;
	}
	return 1;
}

static void
t_type(void)
{
	VALID("{'type':'string'}", "'x'", "string");
	INVALID("{'type':'string'}", "5",
	    "arguments: expected string, got integer", "integer is no string");
	INVALID("{'type':'integer'}", "'5'",
	    "arguments: expected integer, got string", "no coercion of '5'");
	VALID("{'type':'integer'}", "1.0", "1.0 is an integer");
	VALID("{'type':'integer'}", "-9223372036854775808", "INT64_MIN");
	VALID("{'type':'integer'}", "18446744073709551615", "UINT64_MAX");
	INVALID("{'type':'integer'}", "1.5",
	    "arguments: expected integer, got number", "1.5 is not");
	VALID("{'type':'number'}", "1", "an integer is a number");
	VALID("{'type':'number'}", "1.5", "number");
	INVALID("{'type':'number'}", "true",
	    "arguments: expected number, got boolean", "a boolean is not");
	INVALID("{'type':'boolean'}", "0",
	    "arguments: expected boolean, got integer", "0 is no boolean");
	VALID("{'type':'null'}", "null", "null");
	INVALID("{'type':'object'}", "[]",
	    "arguments: expected object, got array", "array is no object");
	INVALID("{'type':'array'}", "{}",
	    "arguments: expected array, got object", "object is no array");
	VALID("{'type':['string','null']}", "null", "type list");
	INVALID("{'type':['string','null']}", "5",
	    "arguments: expected string or null, got integer", "type list");
	INVALID("{'type':['integer','number','boolean','null']}", "'a'",
	    "arguments: expected number, boolean or null, got string",
	    "integer folded into number");
	VALID("{'type':'file'}", "5", "unknown type name ignored");
}

static void
t_nullable(void)
{
	VALID("{'type':'string','nullable':true}", "null", "nullable");
	INVALID("{'type':'string'}", "null",
	    "arguments: expected string, got null", "not nullable");
	INVALID("{'type':'string','nullable':false}", "null",
	    "arguments: expected string, got null", "nullable: false");
	VALID("{'type':'string','nullable':true,'enum':['a']}", "null",
	    "nullable with enum");
	VALID("{'$defs':{'P':{'type':'object'}},'nullable':true,"
	    "'allOf':[{'$ref':'#/$defs/P'}]}", "null",
	    "nullable next to allOf/$ref");
	INVALID("{'type':'string','nullable':true}", "1",
	    "arguments: expected string, got integer", "nullable string");
}

static void
t_enum_const(void)
{
	const char	*s = "{'type':'object','properties':{'sort':"
	    "{'type':'string','enum':['asc','desc']}}}";

	VALID(s, "{'sort':'asc'}", "enum member");
	INVALID(s, "{'sort':'up'}",
	    "arguments.sort: \"up\" is not one of \"asc\", \"desc\"", "enum");
	VALID("{'enum':[1,2]}", "2.0", "enum: 2.0 equals 2");
	VALID("{'enum':[1.0]}", "1", "enum: 1 equals 1.0");
	VALID("{'enum':['x',{'b':2,'a':[1e0]}]}", "{'a':[1],'b':2.0}",
	    "enum: members in any order, numbers by value");
	INVALID("{'enum':[1,'a']}", "[1]", "arguments: [\xe2\x80\xa6] is not "
	    "one of 1, \"a\"", "enum: an array, no member one: not hashed, "
	    "refused");
	VALID("{'enum':[null,'a']}", "null", "enum with null");
	INVALID("{'enum':[true]}", "1", "arguments: 1 is not one of true",
	    "1 is not true");
	VALID("{'enum':[{'a':[1,{'b':null}]}]}", "{'a':[1.0,{'b':null}]}",
	    "deep enum equality");
	INVALID("{'enum':[{'a':[1,2]}]}", "{'a':[2,1]}",
	    "arguments: {\xe2\x80\xa6} is not one of {\xe2\x80\xa6}",
	    "deep enum: order matters in arrays");
	INVALID("{'enum':['a\\\"b']}", "'\\n'",
	    "arguments: \"\\u000a\" is not one of \"a\\\"b\"",
	    "values are shown escaped");
	VALID("{'const':'circle'}", "'circle'", "const");
	INVALID("{'const':'circle'}", "'square'",
	    "arguments: expected \"circle\", got \"square\"", "const");
	VALID("{'const':null}", "null", "const null");
	INVALID("{'const':null}", "0", "arguments: expected null, got 0",
	    "const null is not 0");
	VALID("{'const':5}", "5.0", "const 5 and 5.0");
	VALID("{'const':{'x':[]}}", "{'x':[]}", "const object");
}

static void
t_object(void)
{
	const char	*r;
	const char	*s = "{'type':'object','required':['name'],"
	    "'properties':{'name':{'type':'string'},"
	    "'tags':{'type':'array','items':{'type':'string'}}},"
	    "'additionalProperties':false}";

	VALID(s, "{'name':'x','tags':['a','b']}", "object");
	INVALID(s, "{'tags':[]}", "arguments: missing required property "
	    "\"name\"", "required");
	INVALID(s, "{'name':'x','tags':['a','b',3]}",
	    "arguments.tags[2]: expected string, got integer", "items path");
	INVALID(s, "{'name':'x','colour':'red'}",
	    "arguments: unknown property \"colour\"", "additionalProperties");
	VALID("{'properties':{'a':{'type':'string'}}}", "{'b':1}",
	    "additional properties allowed by default");
	INVALID("{'additionalProperties':{'type':'integer'}}",
	    "{'a':1,'b':'x'}", "arguments.b: expected integer, got string",
	    "additionalProperties schema");
	VALID("{'patternProperties':{'^x-':{}},'additionalProperties':false}",
	    "{'x-a':1}", "a name that matches a pattern is not additional");
	INVALID("{'properties':{'a b':{'type':'string'}}}", "{'a b':1}",
	    "arguments[\"a b\"]: expected string, got integer",
	    "odd names are quoted");
	INVALID("{'properties':{'X-Api-Key':{'type':'string'}}}",
	    "{'X-Api-Key':1}",
	    "arguments.X-Api-Key: expected string, got integer",
	    "header names read plainly");
	INVALID("{'minProperties':1}", "{}",
	    "arguments: expected at least 1 property, got 0", "minProperties");
	INVALID("{'maxProperties':1}", "{'a':1,'b':2}",
	    "arguments: expected at most 1 property, got 2", "maxProperties");
	VALID("{'required':['id','name'],'properties':{'id':{'readOnly':true}}}",
	    "{'name':'n'}", "readOnly properties are not required");
	/* an answer is held to what a client checks: required is required */
	r = check_answer("{'required':['id','name'],'properties':{'id':"
	    "{'readOnly':true}}}", "{'name':'n'}");
	ok(strstr(r, "id") != NULL, "... but in an answer they are (%s)", r);
	VALID("{'required':['a']}", "[1]", "required only applies to objects");
}

static void
t_array(void)
{
	INVALID("{'minItems':1}", "[]",
	    "arguments: expected at least 1 item, got 0", "minItems");
	INVALID("{'maxItems':2}", "[1,2,3]",
	    "arguments: expected at most 2 items, got 3", "maxItems");
	VALID("{'prefixItems':[{'type':'integer'},{'type':'string'}]}",
	    "[1,'a',true]", "prefixItems, rest free");
	INVALID("{'prefixItems':[{'type':'integer'},{'type':'string'}]}",
	    "[1,2]", "arguments[1]: expected string, got integer",
	    "prefixItems");
	INVALID("{'prefixItems':[{'type':'integer'},{'type':'string'}],"
	    "'items':false}", "[1,'a',true]",
	    "arguments: expected at most 2 items, got 3", "items: false");
	INVALID("{'prefixItems':[{'type':'string'}],'items':{'type':'integer'}}",
	    "['a',1,'b']", "arguments[2]: expected integer, got string",
	    "items after prefixItems");
	INVALID("{'items':[{'type':'string'}]}", "[1]",
	    "arguments[0]: expected string, got integer",
	    "a list of items is a tuple");
	/* draft 7: additionalItems is 2020-12's items after such a list */
	INVALID("{'items':[{}],'additionalItems':{'type':'integer'}}",
	    "[null,2,'x']", "arguments[2]: expected integer, got string",
	    "additionalItems after a list of items");
	INVALID("{'items':[{},{}],'additionalItems':false}", "[1,2,3]",
	    "arguments: expected at most 2 items, got 3",
	    "additionalItems: false");
	VALID("{'items':[{},{}],'additionalItems':false}", "[1,2]",
	    "additionalItems: false, no more items");
	VALID("{'items':{},'additionalItems':false}", "[1,2,3]",
	    "additionalItems ignored after an items schema");
	VALID("{'additionalItems':false}", "[1,2,3]",
	    "additionalItems ignored without items");
	INVALID("{'uniqueItems':true}", "[1,2,1]",
	    "arguments: items 0 and 2 are equal", "uniqueItems");
	INVALID("{'uniqueItems':true}", "[1,1.0]",
	    "arguments: items 0 and 1 are equal", "uniqueItems: 1 and 1.0");
	INVALID("{'uniqueItems':true}", "[{'a':[1]},{'a':[1]}]",
	    "arguments: items 0 and 1 are equal", "uniqueItems: deep");
	VALID("{'uniqueItems':true}", "[1,'1',true,null,[1],{'1':1}]",
	    "uniqueItems: different types");
	INVALID("{'uniqueItems':true}", "[{'a':1,'b':[2]},{'b':[2.0],'a':1}]",
	    "arguments: items 0 and 1 are equal", "uniqueItems: members in "
	    "any order, numbers by value");
	INVALID("{'uniqueItems':true}", "[0,5,-0.0]",
	    "arguments: items 0 and 2 are equal", "uniqueItems: -0.0 is 0");
	INVALID("{'uniqueItems':true}", "[2,1e2,3,100]",
	    "arguments: items 1 and 3 are equal", "uniqueItems: 1e2 is 100");
	VALID("{'uniqueItems':true}", "[[1,2],[2,1],{'a':'b'},{'b':'a'},"
	    "9007199254740993,9007199254740992.0,'',[],{}]",
	    "uniqueItems: order in arrays counts, keys are not values, "
	    "integers past 2^53 exact");
	VALID("{'uniqueItems':false}", "[1,1]", "uniqueItems: false");
}

static void
t_string(void)
{
	VALID("{'maxLength':5}", "'h\xc3\xa9llo'", "5 code points, 6 bytes");
	INVALID("{'maxLength':5}", "'h\xc3\xa9llo!'",
	    "arguments: expected at most 5 characters, got 6", "maxLength");
	VALID("{'minLength':2,'maxLength':2}", "'\xf0\x9f\x98\x80\xe2\x82\xac'",
	    "emoji and euro sign are two characters");
	INVALID("{'minLength':1}", "''",
	    "arguments: expected at least 1 character, got 0", "minLength");
	VALID("{'minLength':3}", "5", "minLength only applies to strings");
	VALID("{'format':'email'}", "'nope'", "format is not checked");
}

static void
t_number(void)
{
	INVALID("{'minimum':1}", "0", "arguments: expected a value >= 1, got 0",
	    "minimum");
	VALID("{'minimum':1}", "1", "minimum is inclusive");
	INVALID("{'maximum':100}", "100.5",
	    "arguments: expected a value <= 100, got 100.5", "maximum");
	INVALID("{'exclusiveMinimum':0}", "0",
	    "arguments: expected a value > 0, got 0", "exclusiveMinimum (3.1)");
	VALID("{'exclusiveMinimum':0}", "0.001", "exclusiveMinimum (3.1)");
	INVALID("{'minimum':0,'exclusiveMinimum':true}", "0",
	    "arguments: expected a value > 0, got 0", "exclusiveMinimum (3.0)");
	VALID("{'minimum':0,'exclusiveMinimum':true}", "1e-9",
	    "exclusiveMinimum (3.0)");
	VALID("{'maximum':10,'exclusiveMaximum':false}", "10",
	    "exclusiveMaximum: false");
	INVALID("{'exclusiveMaximum':10}", "10",
	    "arguments: expected a value < 10, got 10", "exclusiveMaximum");
	INVALID("{'minimum':9007199254740993}", "9007199254740992",
	    "arguments: expected a value >= 9007199254740993, "
	    "got 9007199254740992", "integers compare exactly");
	INVALID("{'minimum':0.5}", "0", "arguments: expected a value >= 0.5, "
	    "got 0", "integer against a double bound");
	INVALID("{'maximum':1e19}", "18446744073709551615",
	    "arguments: expected a value <= 1e+19, got 18446744073709551615",
	    "uint64 against a double bound");
	VALID("{'multipleOf':5}", "-10", "multipleOf");
	INVALID("{'multipleOf':5}", "12",
	    "arguments: expected a multiple of 5, got 12", "multipleOf");
	VALID("{'multipleOf':0.1}", "0.3", "0.3 is a multiple of 0.1");
	INVALID("{'multipleOf':0.1}", "0.35",
	    "arguments: expected a multiple of 0.1, got 0.35", "0.35 is not");
	VALID("{'multipleOf':2.5}", "7.5", "7.5 is a multiple of 2.5");
	VALID("{'multipleOf':0}", "3", "multipleOf 0 ignored");
	VALID("{'type':'integer','multipleOf':2}", "-9223372036854775808",
	    "INT64_MIN is a multiple of 2");
	/* quotients too large for a double: checked exactly */
	VALID("{'type':'integer','multipleOf':0.5}", "1e308",
	    "1e308 is a multiple of 0.5");
	INVALID("{'type':'integer','multipleOf':0.123456789}", "1e308",
	    "arguments: expected a multiple of 0.123456789, got 1e+308",
	    "1e308 is not a multiple of 0.123456789");
	VALID("{'multipleOf':9.332636185032189e-302}", "1.2676506002282294e+30",
	    "2^100 is a multiple of 2^-1000");
	VALID("{'multipleOf':2.60750842793813e-310}", "-3",
	    "-3 is a multiple of 3 * 2^-1030 (subnormal)");
	INVALID("{'multipleOf':2.60750842793813e-310}", "5",
	    "arguments: expected a multiple of 2.60750842793813e-310, got 5",
	    "5 is not");
	ok(strstr(check("{'multipleOf':0.5}", "1e999"), "expected a multiple") !=
	    NULL, "1e999 (infinite as a double) is no multiple of anything");
	/* exact, not within a few ulp: large quotients were all taken */
	VALID("{'multipleOf':0.01}", "19.99", "19.99 is a multiple of 0.01");
	VALID("{'multipleOf':0.01}", "12345678901234.56",
	    "12345678901234.56 is a multiple of 0.01");
	INVALID("{'multipleOf':0.01}", "12345678901234.567",
	    "arguments: expected a multiple of 0.01, got 12345678901234.566",
	    "12345678901234.567 is not");
	INVALID("{'multipleOf':1}", "1000000000000000.5",
	    "arguments: expected a multiple of 1, got 1000000000000000.5",
	    "1000000000000000.5 is no multiple of 1");
	INVALID("{'multipleOf':2}", "4000000000000001.0",
	    "arguments: expected a multiple of 2, got 4000000000000001",
	    "4000000000000001.0 is no multiple of 2");
	INVALID("{'multipleOf':3}", "1e16",
	    "arguments: expected a multiple of 3, got 1e+16",
	    "1e16 is no multiple of 3");
	VALID("{'multipleOf':5}", "1e16", "1e16 is a multiple of 5");
	INVALID("{'multipleOf':7}", "1e300",
	    "arguments: expected a multiple of 7, got 1e+300",
	    "1e300 is no multiple of 7");
	INVALID("{'multipleOf':0.1}", "3.0000000000000004",
	    "arguments: expected a multiple of 0.1, got 3.0000000000000004",
	    "3.0000000000000004 is no multiple of 0.1");
	INVALID("{'multipleOf':2.5}", "9223372036854775807",
	    "arguments: expected a multiple of 2.5, got 9223372036854775807",
	    "INT64_MAX is no multiple of 2.5");
	VALID("{'minimum':5}", "'a'", "minimum only applies to numbers");
}

static void
t_combinators(void)
{
	const char	*r;
	const char	*opt = "{'type':'object','properties':{'description':"
	    "{'anyOf':[{'type':'string','maxLength':5},{'type':'null'}]}}}";

	VALID("{'allOf':[{'type':'integer'},{'minimum':1}]}", "3", "allOf");
	INVALID("{'allOf':[{'type':'integer'},{'minimum':1}]}", "0",
	    "arguments: expected a value >= 1, got 0", "allOf: the failure");
	VALID(opt, "{'description':'abc'}", "FastAPI Optional[str]: string");
	VALID(opt, "{'description':null}", "FastAPI Optional[str]: null");
	INVALID(opt, "{'description':5}",
	    "arguments.description: expected string or null, got integer",
	    "anyOf of types: the types that would do");
	INVALID(opt, "{'description':'toolong'}",
	    "arguments.description: expected at most 5 characters, got 7",
	    "anyOf: the one branch that took the type");
	INVALID("{'anyOf':[{'required':['a']},{'required':['b']}]}", "{}",
	    "arguments: does not match any of the allowed schemas",
	    "anyOf: generic");
	VALID("{'oneOf':[{'type':'integer'},{'type':'string'}]}", "'a'",
	    "oneOf");
	INVALID("{'oneOf':[{'type':'integer'},{'type':'number'}]}", "1",
	    "arguments: matches more than one of the allowed schemas",
	    "oneOf: two match");
	VALID("{'oneOf':[{'type':'integer'},{'type':'number'}]}", "1.5",
	    "oneOf: one matches");
	INVALID("{'oneOf':[{'type':'integer'},{'type':'string'}]}", "[]",
	    "arguments: expected string or integer, got array",
	    "oneOf: none matches");
	VALID("{'oneOf':[{'properties':{'k':{}}},{'properties':{'k':{}}}],"
	    "'discriminator':{'propertyName':'k'}}", "{'k':'cat'}",
	    "oneOf with a discriminator is checked as anyOf");
	r = check_answer("{'oneOf':[{'properties':{'k':{}}},{'properties':"
	    "{'k':{}}}],'discriminator':{'propertyName':'k'}}", "{'k':'cat'}");
	ok(*r != '\0', "... but as oneOf in an answer (%s)", r);
	r = check_answer("{'oneOf':[{'properties':{'k':{'const':'dog'}}},"
	    "{'properties':{'k':{'const':'cat'}}}],'discriminator':"
	    "{'propertyName':'k'}}", "{'k':'cat'}");
	is_str(r, "", "... which one variant passes");
	INVALID("{'not':{'type':'string'}}", "'x'",
	    "arguments: matches a disallowed schema", "not");
	VALID("{'not':{'type':'string'}}", "5", "not");
	VALID("true", "{'anything':[1]}", "true schema");
	INVALID("false", "1", "arguments: no value is allowed here",
	    "false schema");
	INVALID("{'properties':{'x':false}}", "{'x':1}",
	    "arguments.x: no value is allowed here", "false property");
	INVALID("{'anyOf':[false,{'type':'string'}]}", "1",
	    "arguments: expected string, got integer", "false in anyOf");
}

static void
t_ref(void)
{
	struct json_object	*root, *s, *v;
	char			 name[601], big[1400];

	VALID("{'$defs':{'a/b':{'type':'string'}},'$ref':'#/$defs/a~1b'}",
	    "'x'", "~1 in a pointer");
	INVALID("{'$defs':{'a/b':{'type':'string'}},'$ref':'#/$defs/a~1b'}",
	    "1", "arguments: expected string, got integer", "~1 resolved");
	INVALID("{'$defs':{'t~x':{'type':'string'}},'$ref':'#/$defs/t~0x'}",
	    "1", "arguments: expected string, got integer", "~0 resolved");
	INVALID("{'$defs':{'c%d e':{'type':'string'}},"
	    "'$ref':'#/$defs/c%25d%20e'}", "1",
	    "arguments: expected string, got integer", "percent-decoding");
	INVALID("{'$defs':{'l':[{'type':'null'},{'type':'string'}]},"
	    "'$ref':'#/$defs/l/1'}", "1",
	    "arguments: expected string, got integer", "array index");
	INVALID("{'components':{'schemas':{'P':{'type':'string'}}},"
	    "'$ref':'#/components/schemas/P'}", "1",
	    "arguments: expected string, got integer", "any local pointer");
	/* MCP: an unresolved $ref is not permissive */
	INVALID("{'$ref':'other.json#/x'}", "1",
	    "arguments: the schema's \"$ref\" other.json#/x does not resolve",
	    "non-local $ref: nothing");
	INVALID("{'$ref':'#/$defs/missing'}", "1",
	    "arguments: the schema's \"$ref\" #/$defs/missing does not "
	    "resolve", "unresolved $ref: nothing");
	INVALID("{'$ref':'#anchor'}", "1",
	    "arguments: the schema's \"$ref\" #anchor does not resolve",
	    "anchor: nothing");
	VALID("{'anyOf':[{'$ref':'#/$defs/missing'},{'type':'integer'}]}",
	    "1", "... a branch of anyOf fails, the others still count");
	/* a reference longer than the paths' buffers: a component's name */
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	snprintf(big, sizeof(big), "{'$defs':{'%s':{'type':'string'}},"
	    "'$ref':'#/$defs/%s'}", name, name);
	INVALID(big, "1", "arguments: expected string, got integer",
	    "a $ref of 600 bytes resolves");
	INVALID("{'$ref':'#/$defs/l/01','$defs':{'l':[true,true]}}", "1",
	    "arguments: the schema's \"$ref\" #/$defs/l/01 does not resolve",
	    "leading zero is no index");
	INVALID("{'$defs':{'s':{'type':'string'}},'$ref':'#/$defs/s',"
	    "'minLength':2}", "'a'",
	    "arguments: expected at least 2 characters, got 1",
	    "keywords next to $ref apply");

	/* a separate root: the tool's inputSchema inside a document */
	root = parse("{'$defs':{'Name':{'type':'string'}}}");
	s = parse("{'properties':{'n':{'$ref':'#/$defs/Name'}}}");
	v = parse("{'n':true}");
	is_str(check_in(root, s, v, "arguments"),
	    "arguments.n: expected string, got boolean", "separate root");
	is_str(check_in(root, s, v, NULL), "n: expected string, got boolean",
	    "no path");
	json_object_put(root);
	json_object_put(s);
	json_object_put(v);
}

/* {"name": "n<i>", "children": [<child>]} nested `depth` levels */
static struct json_object *
tree(int depth, int bad)
{
	struct json_object	*o, *kids;
	char			 name[32];

	o = json_object_new_object();
	if (depth == 0 && bad)
		json_object_object_add(o, "name", json_object_new_int(5));
	else {
		snprintf(name, sizeof(name), "n%d", depth);
		json_object_object_add(o, "name", json_object_new_string(name));
	}
	kids = json_object_new_array();
	if (depth > 0)
		json_object_array_add(kids, tree(depth - 1, bad));
	json_object_object_add(o, "children", kids);
	return o;
}

static void
t_recursion(void)
{
	const char	*node = "{'$ref':'#/$defs/Node','$defs':{'Node':"
	    "{'type':'object','required':['name'],'properties':{"
	    "'name':{'type':'string'},'children':{'type':'array',"
	    "'items':{'$ref':'#/$defs/Node'}}},'additionalProperties':false}}}";
	struct json_object	*s, *v;
	const char		*r;

	VALID(node, "{'name':'a','children':[{'name':'b','children':[]},"
	    "{'name':'c','children':[{'name':'d'}]}]}", "small tree");
	INVALID(node, "{'name':'a','children':[{'name':'b','children':"
	    "[{'name':'c'},{'name':7}]}]}",
	    "arguments.children[0].children[1].name: expected string, "
	    "got integer", "the path of a bad leaf");
	INVALID(node, "{'name':'a','children':[{'name':'b','children':"
	    "[{'name':'c'},{'nom':'d'}]}]}",
	    "arguments.children[0].children[1]: missing required property "
	    "\"name\"", "a missing name deep down");

	s = parse(node);
	v = tree(30, 0);
	is_str(check_in(NULL, s, v, "arguments"), "", "30 levels deep: valid");
	json_object_put(v);
	v = tree(30, 1);
	r = check_in(NULL, s, v, "arguments");
	ok(strncmp(r, "arguments.children[0].children[0]", 33) == 0 &&
	    strstr(r, "].name: expected string, got integer") != NULL,
	    "30 levels deep: the bad leaf (%s)", r);
	json_object_put(v);
	v = tree(50, 0);
	ok(strstr(check_in(NULL, s, v, "arguments"),
	    "schema nesting exceeds 128 levels") != NULL,
	    "deeper than the bound: refused, not crashed");
	json_object_put(v);
	json_object_put(s);

	INVALID("{'$ref':'#'}", "1", "arguments: schema nesting exceeds 128 "
	    "levels (a \"$ref\" cycle?)", "{\"$ref\":\"#\"} stops");
	ok(strstr(check("{'$defs':{'a':{'$ref':'#/$defs/b'},"
	    "'b':{'allOf':[{'$ref':'#/$defs/a'}]}},'$ref':'#/$defs/a'}",
	    "{}"), "nesting exceeds") != NULL, "$defs cycle stops");
	ok(strstr(check("{'not':{'$ref':'#'}}", "1"), "nesting exceeds") !=
	    NULL, "a cycle under not still fails");
	ok(strstr(check("{'anyOf':[{'$ref':'#'},{'type':'integer'}]}", "1"),
	    "nesting exceeds") != NULL, "a cycle in anyOf still fails");
}

static void
t_budget(void)
{
	struct json_object	*s, *v, *a;
	int			 i;

	/* two identical recursive branches: 2^40 paths without a budget */
	s = parse("{'anyOf':[{'type':'array','items':{'$ref':'#'}},"
	    "{'type':'array','items':{'$ref':'#'}}]}");
	v = json_object_new_int(1);
	for (i = 0; i < 40; i++) {
		a = json_object_new_array();
		json_object_array_add(a, v);
		v = a;
	}
	ok(strstr(check_in(NULL, s, v, "arguments"),
	    "the schema is too complex to check") != NULL,
	    "exponential anyOf stops at the budget");
	json_object_put(v);
	json_object_put(s);
}

/* An array of n arrays of m distinct integers; the last ends in a twin. */
static struct json_object *
arrays_of_ints(int n, int m)
{
	struct json_object	*v, *a;
	int			 i, j;

	v = json_object_new_array();
	for (i = 0; i < n; i++) {
		a = json_object_new_array();
		for (j = 0; j < m; j++)
			json_object_array_add(a, json_object_new_int(
			    i == n - 1 && j == m - 1 ? 0 : j));
		json_object_array_add(v, a);
	}
	return v;
}

/*
 * uniqueItems and enum compare only values whose hashes meet: one pair
 * of items after another, or one member after another, let one request
 * of many of them cost a worker seconds of CPU (4 MiB of small arrays
 * with uniqueItems, 39 s), and a budget of comparisons for the whole
 * value instead let one large array switch the check off for the next.
 */
static void
t_compare_budget(void)
{
	struct json_object	*s, *v, *e, *a;
	const char		*r;
	char			 name[8];
	int			 i;

	s = parse("{'type':'array','items':{'type':'array',"
	    "'uniqueItems':true}}");
	v = arrays_of_ints(2, 2000);
	is_str(check_in(NULL, s, v, "arguments"),
	    "arguments[1]: items 0 and 1999 are equal",
	    "uniqueItems: a twin at the end of an array");
	json_object_put(v);
	/* 40 M comparisons, pair by pair */
	v = arrays_of_ints(20, 2000);
	is_str(check_in(NULL, s, v, "arguments"),
	    "arguments[19]: items 0 and 1999 are equal",
	    "uniqueItems: ... of the last of many arrays");
	json_object_put(v);
	json_object_put(s);
	s = parse("{'properties':{'tags':{'type':'array','uniqueItems':"
	    "true},'ids':{'type':'array','uniqueItems':true}}}");
	v = json_object_new_object();
	a = json_object_new_array();
	for (i = 0; i < 100000; i++)
		json_object_array_add(a, json_object_new_int(i));
	json_object_object_add(v, "tags", a);
	json_object_object_add(v, "ids", parse("[7,1,7.0]"));
	is_str(check_in(NULL, s, v, "arguments"),
	    "arguments.ids: items 0 and 2 are equal", "uniqueItems: a large "
	    "array (5 G pairs) leaves the next one checked");
	json_object_array_add(a, json_object_new_double(99999.0));
	json_object_object_del(v, "ids");
	is_str(check_in(NULL, s, v, "arguments"),
	    "arguments.tags: items 99999 and 100000 are equal",
	    "uniqueItems: ... and is checked whole (99999 and 99999.0)");
	json_object_put(v);
	json_object_put(s);

	e = json_object_new_array();
	for (i = 0; i < 250; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		json_object_array_add(e, json_object_new_string(name));
	}
	json_object_array_add(e, json_object_new_int(7));
	s = json_object_new_object();
	json_object_object_add(s, "items", json_object_new_object());
	json_object_object_add(json_object_object_get(s, "items"), "enum", e);
	v = json_object_new_array();
	for (i = 0; i < 100000; i++)
		json_object_array_add(v, json_object_new_string("c249"));
	json_object_array_add(v, json_object_new_double(7.0));
	is_str(check_in(NULL, s, v, "arguments"), "",
	    "enum: 100,000 values against 251 members (25 M pairs)");
	json_object_array_add(v, json_object_new_string("c250"));
	r = check_in(NULL, s, v, "arguments");
	if (!ok(strncmp(r, "arguments[100001]: \"c250\" is not one of \"c0\", "
	    "\"c1\", ", 46) == 0, "enum: ... one that is none of them "
	    "refused, named"))
		printf("# got: %s\n", r);
	json_object_put(v);
	json_object_put(s);
}

static void
t_malformed(void)
{
	VALID("5", "1", "a number as a schema");
	VALID("null", "1", "null as a schema");
	VALID("{'type':5}", "1", "type: 5");
	VALID("{'type':[]}", "1", "type: []");
	VALID("{'required':'name'}", "{}", "required: a string");
	VALID("{'required':[5]}", "{}", "required: [5]");
	VALID("{'properties':[{'type':'string'}]}", "{'0':1}",
	    "properties: a list");
	VALID("{'minLength':'3'}", "''", "minLength: a string");
	VALID("{'minLength':-1,'maxLength':1.5}", "'abc'", "bad counts");
	VALID("{'enum':'x'}", "1", "enum: a string");
	/* a valid schema (2020-12 sets no minItems) that takes nothing */
	INVALID("{'enum':[]}", "1",
	    "arguments: no value is allowed (an empty enum)", "enum: []");
	VALID("{'items':5,'prefixItems':{}}", "[1]", "items: 5");
	VALID("{'allOf':{},'anyOf':[],'oneOf':5,'not':3}", "1",
	    "combinators of the wrong type");
	VALID("{'minimum':'1','maximum':null,'multipleOf':-2}", "0",
	    "numeric keywords of the wrong type");
	VALID("{'$ref':5}", "1", "$ref: 5");
	VALID("{'additionalProperties':null}", "{'a':1}",
	    "additionalProperties: null");
	VALID("{'nullable':'yes','type':'null'}", "null", "nullable: 'yes'");
}

static void
t_messages(void)
{
	struct json_object	*s, *v;
	char			 key[700], small[12];
	int			 rc;

	memset(key, 'k', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	s = parse("{'additionalProperties':{'type':'string'}}");
	v = json_object_new_object();
	json_object_object_add(v, key, json_object_new_int(1));
	check_in(NULL, s, v, "arguments");
	ok(strstr(err, "\xe2\x80\xa6: expected string, got integer") != NULL &&
	    strlen(err) < 512 && strncmp(err, "arguments.kkk", 13) == 0,
	    "a long path ends in an ellipsis");
	json_object_put(v);

	/* a path of two-byte characters, cut without splitting one */
	memset(key, 0, sizeof(key));
	for (rc = 0; rc < 300; rc++)
		memcpy(key + 2 * rc, "\xc3\xa9", 2);
	v = json_object_new_object();
	json_object_object_add(v, key, json_object_new_int(1));
	check_in(NULL, s, v, "arguments");
	ok(utf8_valid(err) && strstr(err, "\xe2\x80\xa6: expected") != NULL,
	    "a long UTF-8 path stays valid UTF-8");
	rc = js_validate(NULL, s, v, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
	    small, 6);
	ok(rc == -1 && utf8_valid(small) && strcmp(small, "\xc3\xa9\xc3\xa9") ==
	    0, "a short buffer is cut between characters (%s)", small);
	json_object_put(v);
	v = parse("{'a':1}");
	rc = js_validate(NULL, s, v, "arguments", small, sizeof(small));
	is_str(small, "arguments.a", "message truncated to errsz");
	is_int(rc, -1, "still invalid");
	is_int(js_validate(NULL, s, v, "arguments", NULL, 0), -1,
	    "no buffer at all");
	json_object_put(v);
	json_object_put(s);
}

/*
 * What a schema says is read on its first use and kept with it: a second
 * use gives the same answers, and a "$ref" is resolved again against
 * another root (the same subschema can sit in two documents).
 */
static void
t_kept(void)
{
	struct json_object	*s = parse("{'$ref':'#/$defs/X'}");
	struct json_object	*a = parse("{'$defs':{'X':{'type':'string'}}}");
	struct json_object	*b = parse("{'$defs':{'X':{'type':'integer',"
				    "'minimum':3}}}");
	struct json_object	*str = parse("'x'"), *two = parse("2");
	struct json_object	*five = parse("5");
	struct json_object	*o = parse("{'type':'object','required':['n'],"
				    "'properties':{'n':{'type':['integer','null'],"
				    "'maximum':9},'t':{'type':'array','items':"
				    "{'type':'string','maxLength':2}}}}");
	struct json_object	*ok1 = parse("{'n':1,'t':['ab','c']}");
	struct json_object	*bad = parse("{'n':1,'t':['ab','cde']}");
	int			 i;

	for (i = 0; i < 2; i++) {
		is_str(check_in(a, s, str, "v"), "", "root A: a string (use %d)",
		    i + 1);
		is_str(check_in(b, s, str, "v"), "v: expected integer, got "
		    "string", "root B: the same $ref, another target (use %d)",
		    i + 1);
		is_str(check_in(b, s, two, "v"), "v: expected a value >= 3, "
		    "got 2", "root B: its minimum (use %d)", i + 1);
		is_str(check_in(b, s, five, "v"), "", "root B: 5 (use %d)",
		    i + 1);
		is_str(check_in(a, s, five, "v"), "v: expected string, got "
		    "integer", "root A again (use %d)", i + 1);
		is_str(check_in(NULL, o, ok1, "a"), "", "an object, kept "
		    "keywords (use %d)", i + 1);
		is_str(check_in(NULL, o, bad, "a"), "a.t[1]: expected at most "
		    "2 characters, got 3", "... its nested limits (use %d)",
		    i + 1);
	}
	json_object_put(s);
	json_object_put(a);
	json_object_put(b);
	json_object_put(str);
	json_object_put(two);
	json_object_put(five);
	json_object_put(o);
	json_object_put(ok1);
	json_object_put(bad);
}

/*
 * The keywords that draft 7's suite does not cover (minContains,
 * maxContains, dependentRequired, dependentSchemas), and the messages of
 * all the applicators added with them.
 */
static void
t_applicators(void)
{
	const char	*c = "{'contains':{'type':'integer'},'minContains':2,"
	    "'maxContains':3}";
	const char	*d = "{'dependentRequired':{'card':['cvc','expiry']},"
	    "'dependentSchemas':{'gift':{'required':['to']}}}";
	const char	*f = "{'if':{'properties':{'kind':{'const':'book'}}},"
	    "'then':{'required':['isbn']},'else':{'required':['sku']}}";

	INVALID("{'contains':{'type':'integer'}}", "['a','b']",
	    "arguments: expected at least 1 item matching \"contains\", got 0",
	    "contains: none matches");
	VALID("{'contains':{'type':'integer'}}", "['a',1]", "contains: one");
	INVALID(c, "['a',1]", "arguments: expected at least 2 items matching "
	    "\"contains\", got 1", "minContains 2, one");
	VALID(c, "[1,'a',2,3]", "minContains 2, maxContains 3: three");
	INVALID(c, "[1,2,3,4]", "arguments: expected at most 3 items matching "
	    "\"contains\", got 4", "maxContains 3: four");
	VALID("{'contains':{'type':'integer'},'minContains':0}", "['a']",
	    "minContains 0: none needed");
	VALID("{'maxContains':0}", "[1]", "maxContains without contains: "
	    "nothing");
	VALID(d, "{'name':'x'}", "dependentRequired: absent, nothing asked");
	INVALID(d, "{'card':'4111','cvc':'1'}", "arguments: missing property "
	    "\"expiry\", required with \"card\"", "dependentRequired");
	INVALID(d, "{'gift':true}", "arguments: missing required property "
	    "\"to\"", "dependentSchemas");
	VALID(d, "{'gift':true,'to':'ann'}", "dependentSchemas: met");
	INVALID("{'propertyNames':{'maxLength':3}}", "{'ok':1,'long':2}",
	    "arguments.long: expected at most 3 characters, got 4",
	    "propertyNames: the name that fails, at its path");
	INVALID(f, "{'kind':'book'}", "arguments: missing required property "
	    "\"isbn\"", "if matched: then");
	INVALID(f, "{'kind':'pen'}", "arguments: missing required property "
	    "\"sku\"", "if failed: else, and the failed if leaves no text");
	VALID(f, "{'kind':'pen','sku':'p1'}", "else met");
	VALID("{'then':{'required':['x']}}", "{}", "then without if: nothing");
}

/* "pattern": ECMA-262 expressions (src/jsregex.c says where PCRE2 is
 * told to read them so) */
static void
t_pattern(void)
{
	struct json_object	*s, *v;
	const char		*r;
	char			*big;
	size_t			 i;
	double			 t0;

	VALID("{'pattern':'^[0-9]+$'}", "'123'", "pattern: a match");
	INVALID("{'pattern':'^[0-9]+$'}", "'12a'",
	    "arguments: does not match the pattern \"^[0-9]+$\"",
	    "pattern: no match, and the pattern is named");
	VALID("{'pattern':'b'}", "'abc'", "pattern: found anywhere, unanchored");
	VALID("{'pattern':'^[0-9]+$'}", "12", "pattern: only for strings");
	INVALID("{'pattern':'^a$'}", "'a\\n'",
	    "arguments: does not match the pattern \"^a$\"",
	    "$ is the very end, not before a final newline");
	VALID("{'pattern':'^.$'}", "'\xc2\x85'", ". matches U+0085");
	VALID("{'pattern':'^.$'}", "'\x0b'", ". matches a vertical tab");
	VALID("{'pattern':'^.$'}", "'\xf0\x9f\x98\x80'",
	    ". matches one code point, an emoji");
	INVALID("{'pattern':'^.$'}", "'\\n'",
	    "arguments: does not match the pattern \"^.$\"",
	    ". does not match a newline");
	INVALID("{'pattern':'^.$'}", "'\xe2\x80\xa8'",
	    "arguments: does not match the pattern \"^.$\"",
	    ". does not match U+2028");
	VALID("{'pattern':'^\\\\s$'}", "'\xc2\xa0'", "\\s matches U+00A0");
	VALID("{'pattern':'^\\\\s$'}", "'\xef\xbb\xbf'",
	    "\\s matches U+FEFF");
	VALID("{'pattern':'^[\\\\s]$'}", "'\xe3\x80\x80'",
	    "\\s in a class matches U+3000");
	INVALID("{'pattern':'^\\\\S$'}", "'\xc2\xa0'",
	    "arguments: does not match the pattern \"^\\\\S$\"",
	    "\\S does not match U+00A0");
	/* a class holding \S: PCRE2's would be ASCII */
	INVALID("{'pattern':'^[\\\\S]+$'}", "'a\xc2\xa0'",
	    "arguments: does not match the pattern \"^[\\\\S]+$\"",
	    "[\\S] does not match U+00A0");
	VALID("{'pattern':'^[a\\\\S]+$'}", "'ab'", "[a\\S] matches a, b");
	VALID("{'pattern':'^[^\\\\S]+$'}", "'\xef\xbb\xbf\xe3\x80\x80 '",
	    "[^\\S] matches U+FEFF, U+3000, a space");
	INVALID("{'pattern':'^[^ \\\\S]$'}", "' '",
	    "arguments: does not match the pattern \"^[^ \\\\S]$\"",
	    "[^ \\S] leaves out the space it names");
	VALID("{'pattern':'^[\\\\s\\\\S]$'}", "'\xe2\x80\xa8'",
	    "[\\s\\S] matches anything");
	VALID("{'pattern':'^[\\\\]\\\\S]$'}", "']'",
	    "an escaped ] in such a class");
	INVALID("{'pattern':'^\\\\d$'}", "'\xd9\xa3'",
	    "arguments: does not match the pattern \"^\\\\d$\"",
	    "\\d: ASCII digits only");
	INVALID("{'pattern':'^\\\\w$'}", "'\xc3\xa9'",
	    "arguments: does not match the pattern \"^\\\\w$\"",
	    "\\w: ASCII only");
	VALID("{'pattern':'^[[:alpha:]]$'}", "':]'",
	    "[[:alpha:]] is a class of '[', ':', letters, then a ']'");
	INVALID("{'pattern':'^[[:alpha:]]$'}", "'a'",
	    "arguments: does not match the pattern \"^[[:alpha:]]$\"",
	    "[[:alpha:]] is not a POSIX class");
	VALID("{'pattern':'^[^]$'}", "'\\n'", "[^] matches anything");
	INVALID("{'pattern':'a[]'}", "'a'",
	    "arguments: does not match the pattern \"a[]\"",
	    "[] matches nothing");
	VALID("{'pattern':'^\\\\u00e9$'}", "'\xc3\xa9'", "\\uhhhh");
	INVALID("{'pattern':'^\\\\u00e9$'}", "'e'",
	    "arguments: does not match the pattern \"^\\\\u00e9$\"",
	    "\\uhhhh is checked");
	VALID("{'pattern':'^\\\\ud83d\\\\ude00$'}", "'\xf0\x9f\x98\x80'",
	    "a surrogate pair is one code point");
	INVALID("{'pattern':'^\\\\ud83d\\\\ude00$'}", "'x'",
	    "arguments: does not match the pattern "
	    "\"^\\\\ud83d\\\\ude00$\"", "and is checked");
	VALID("{'pattern':'^\\\\u{1F600}$'}", "'\xf0\x9f\x98\x80'",
	    "\\u{h...}");
	VALID("{'pattern':'^\\\\x41$'}", "'A'", "\\xhh");
	VALID("{'pattern':'^(a)?\\\\1b$'}", "'b'",
	    "a back-reference to a group that did not match matches empty");
	VALID("{'pattern':'^\\\\p{L}+$'}", "'h\xc3\xa9'", "\\p{L}");
	INVALID("{'pattern':'^\\\\p{L}+$'}", "'h1'",
	    "arguments: does not match the pattern \"^\\\\p{L}+$\"",
	    "\\p{L}: a digit is no letter");
	INVALID("{'pattern':'^\\\\p{Letter}+$'}", "'h1'",
	    "arguments: does not match the pattern \"^\\\\p{Letter}+$\"",
	    "\\p{Letter}: the long name of a category");
	VALID("{'pattern':'^[\\\\P{gc=Decimal_Number}]+$'}", "'h\xc3\xa9'",
	    "\\P{gc=Decimal_Number} in a class");
	INVALID("{'pattern':'^\\\\p{digit}$'}", "'x'",
	    "arguments: does not match the pattern \"^\\\\p{digit}$\"",
	    "\\p{digit}: ECMA-262's alias");
	INVALID("{'pattern':'^\\\\p{gc=Lu}$'}", "'a'",
	    "arguments: does not match the pattern \"^\\\\p{gc=Lu}$\"",
	    "\\p{gc=Lu}: a short name after gc=");
	VALID("{'pattern':'^\\\\p{Script=Greek}$'}", "'\xce\xb1'",
	    "\\p{Script=Greek}");
	VALID("{'pattern':'('}", "'anything'",
	    "a pattern PCRE2 cannot read is not checked");
	VALID("{'pattern':'(?<=a+)b'}", "'xb'",
	    "nor is a look-behind of variable length");
	VALID("{'pattern':'[\\\\s-]'}", "'-'", "\\s then a dash in a class");

	/* the work bound: a catastrophic pattern, a hostile string */
	INVALID("{'pattern':'^(a+)+$'}",
	    "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'",
	    "arguments: too costly to match against the pattern \"^(a+)+$\"",
	    "backtracking is bounded, and no answer is not a match");
	INVALID("{'pattern':'^(a+)+$'}", "'aaaaaaaaaaaaaaaaaa!'",
	    "arguments: too costly to match against the pattern \"^(a+)+$\"",
	    "the bound is that of a short string for a short string");
	VALID("{'pattern':'^(a+)+$'}", "'aaaaaaaaaaaaaaaaaa'",
	    "the same string without the '!' needs no backtracking");
	INVALID("{'not':{'pattern':'^(a+)+$'}}",
	    "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'",
	    "arguments: too costly to match against the pattern \"^(a+)+$\"",
	    "not does not turn \"could not tell\" into a success");
	INVALID("{'anyOf':[{'pattern':'^(a+)+$'},{'type':'string'}]}",
	    "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'",
	    "arguments: too costly to match against the pattern \"^(a+)+$\"",
	    "nor does anyOf");
	/*
	 * A pattern that is not anchored is tried at every start, each with
	 * the whole bound (PCRE2 counts again at each): an array of 541
	 * strings that each match "[a-z0-9]+[a-z0-9-]*$" only at their end
	 * took 10 s of one worker.  Matching stops after 50 ms of a value
	 * (the rest is left to the API).  A bound on what one request may
	 * cost, with six times that as the margin, not a measure of speed.
	 */
	big = malloc(200);
	memset(big, 'a', 173);
	memcpy(big + 173, "!a", 3);
	s = parse("{'items':{'pattern':'[a-z0-9]+[a-z0-9-]*$'}}");
	v = json_object_new_array();
	for (i = 0; i < 541; i++)
		json_object_array_add(v, json_object_new_string(big));
	t0 = util_now_mono();
	is_str(check_in(NULL, s, v, "arguments"), "", "strings that match an "
	    "unanchored pattern slowly, at their end");
	ok(util_now_mono() - t0 < 0.3, "... stop being matched after the "
	    "value's 50 ms (%.2f s)", util_now_mono() - t0);
	json_object_put(v);
	json_object_put(s);
	VALID("{'pattern':'[a-z0-9]+[a-z0-9-]*$'}",
	    "'verylongsubdomainnamepart1234567890.example.com'",
	    "... an ordinary host name of 47 bytes still matches");
	VALID("{'pattern':'(\\\\w+\\\\s?)+$'}",
	    "'my-service-name-in-production-eu-west-1'",
	    "... and a name against (\\w+\\s?)+$");
	free(big);
	/*
	 * Backtracking within a repeat of one character is not counted by
	 * PCRE2: 541 strings of 198 digits, 'x' and a digit, which match
	 * "\d+\.?\d*$" at their end only, took 1 s (2 ms each).  Matching
	 * stops after 50 ms of a value (the rest is left to the API).  A
	 * bound on what one request may cost, with six times that as the
	 * margin, not a measure of speed.
	 */
	s = parse("{'items':{'pattern':'\\\\d+\\\\.?\\\\d*$'}}");
	v = json_object_new_array();
	big = malloc(257);
	memset(big, '1', 198);
	memcpy(big + 198, "x1", 3);
	for (i = 0; i < 541; i++)
		json_object_array_add(v, json_object_new_string(big));
	t0 = util_now_mono();
	is_str(check_in(NULL, s, v, "arguments"), "", "strings that match "
	    "a pattern slowly, backtracking in repeats of one character");
	ok(util_now_mono() - t0 < 0.3, "... stops matching a value after "
	    "its 50 ms (%.2f s)", util_now_mono() - t0);
	json_object_put(v);
	json_object_put(s);
	free(big);
	/* at most JRE_SUBJECT_MAX (256) bytes are matched: PCRE2 can take
	 * polynomial time ("[a-z]*[a-z]*[0-9]": 9 s on 4 KiB); a longer
	 * string is left to the API */
	big = malloc(10000);
	for (i = 0; i < 10000; i++)
		big[i] = (char)('a' + i % 26);
	big[255] = '1';
	s = parse("{'pattern':'^[a-z]+$'}");
	v = json_object_new_string_len(big, 256);
	is_str(check_in(NULL, s, v, "arguments"), "arguments: does not match "
	    "the pattern \"^[a-z]+$\"", "256 bytes: checked");
	json_object_put(v);
	big[256] = '1';
	v = json_object_new_string_len(big, 257);
	is_str(check_in(NULL, s, v, "arguments"), "",
	    "257 bytes: not checked");
	json_object_put(v);
	json_object_put(s);
	s = parse("{'pattern':'[a-z]*[a-z]*[0-9]'}");
	v = json_object_new_string_len(big, 4096);
	is_str(check_in(NULL, s, v, "arguments"), "",
	    "a polynomial pattern is not tried on 4 KiB");
	json_object_put(v);
	json_object_put(s);
	/* one budget of steps for the whole value: past it, the rest is
	 * not checked (1,000 + 100 per byte a match, of 10,000,000) */
	memset(big, 'a', 100);
	s = parse("{'items':{'pattern':'^a+$'}}");
	v = json_object_new_array();
	json_object_array_add(v, json_object_new_string("b"));
	for (i = 0; i < 2000; i++)
		json_object_array_add(v, json_object_new_string_len(big, 100));
	json_object_array_add(v, json_object_new_string("b"));
	r = check_in(NULL, s, v, "arguments");
	is_str(r, "arguments[0]: does not match the pattern \"^a+$\"",
	    "the first strings of a large value are checked");
	json_object_array_del_idx(v, 0, 1);
	r = check_in(NULL, s, v, "arguments");
	is_str(r, "", "those past the budget are not (about 900 here)");
	json_object_put(v);
	json_object_put(s);
	free(big);
	INVALID("{'pattern':'^\\\\v$'}", "'\\r'",
	    "arguments: does not match the pattern \"^\\\\v$\"",
	    "\\v is a vertical tab only");
	VALID("{'pattern':'^\\\\v$'}", "'\x0b'", "\\v matches it");
}

static void
t_pattern_properties(void)
{
	const char	*s = "{'properties':{'id':{'type':'integer'}},"
	    "'patternProperties':{'^x-':{'type':'string'},'^x-n':"
	    "{'minLength':3}},'additionalProperties':false}";

	VALID(s, "{'id':1,'x-a':'s','x-nb':'abc'}", "patternProperties: met");
	INVALID(s, "{'x-a':1}", "arguments.x-a: expected string, got integer",
	    "patternProperties: the member against its pattern's schema");
	INVALID(s, "{'x-nb':'ab'}",
	    "arguments.x-nb: expected at least 3 characters, got 2",
	    "patternProperties: every pattern that matches applies");
	INVALID(s, "{'id':1,'y':1}", "arguments: unknown property \"y\"",
	    "additionalProperties: a name matched by nothing");
	INVALID("{'properties':{'x-a':{'type':'string'}},"
	    "'patternProperties':{'^x':{'minLength':3}}}", "{'x-a':'ab'}",
	    "arguments.x-a: expected at least 3 characters, got 2",
	    "properties and patternProperties both apply");
	VALID("{'patternProperties':{'(':{'type':'string'}},"
	    "'additionalProperties':false}", "{'z':1}",
	    "a pattern PCRE2 cannot read leaves additionalProperties unchecked");
	INVALID("{'patternProperties':{'(':{},'^a':{'type':'string'}}}",
	    "{'ab':1}", "arguments.ab: expected string, got integer",
	    "and the other patterns checked");
	INVALID("{'patternProperties':{'^(a+)+$':{}}}",
	    "{'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!':1}",
	    "arguments: the name \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xe2\x80\xa6\" "
	    "is too costly to match against patternProperties",
	    "patternProperties: the work bound");
	INVALID("{'propertyNames':{'pattern':'^[a-z]+$'}}", "{'ok':1,'Ab':2}",
	    "arguments.Ab: does not match the pattern \"^[a-z]+$\"",
	    "propertyNames with a pattern");
}

int
main(void)
{
	t_type();
	t_nullable();
	t_enum_const();
	t_object();
	t_array();
	t_string();
	t_number();
	t_combinators();
	t_ref();
	t_recursion();
	t_budget();
	t_compare_budget();
	t_malformed();
	t_messages();
	t_kept();
	t_applicators();
	t_pattern();
	t_pattern_properties();
	return done_testing();
}
