/* SPDX-License-Identifier: ISC */
/*
 * Unit tests: the JSON layer (jparse.h): the grammar, the one entry point
 * with each of its flags, its bounds and its error texts, the members
 * variant and the small helpers.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/jparse.h"
#include "../../src/util.h"
#include "tap.h"

static const struct jp_opts plain = { JP_TEXT_MAX, JP_DEPTH, 0, JP_TREE_MAX };

/* jp_parse by `o`: the tree, or NULL with *cause. */
static struct json_object *
parse_as(const struct jp_opts *o, const char *s, const char **cause)
{
	struct json_object	*v;

	*cause = NULL;
	if (jp_parse(s, strlen(s), o, &v, cause) == -1) {
		if (v != NULL || *cause == NULL) {
			ok(0, "a failure leaves *out NULL and says why: %s", s);
			json_object_put(v);
		}
		return NULL;
	}
	*cause = "ok";	/* strcmp-able when a test expected a failure */
	return v;
}

static struct json_object *
parse(const char *s, const char **cause)
{
	return parse_as(&plain, s, cause);
}

/* The cause jp_parse gives `s` under `flags`, or "ok". */
static const char *
cause_of(const char *s, size_t n, int flags)
{
	struct jp_opts		 o = { JP_TEXT_MAX, JP_DEPTH, flags,
	    JP_TREE_MAX };
	struct json_object	*v;
	const char		*cause;

	if (jp_parse(s, n, &o, &v, &cause) == 0) {
		json_object_put(v);
		return "ok";
	}
	return v == NULL && cause != NULL ? cause : "broken contract";
}

#define CAUSE(s, flags)	cause_of((s), strlen(s), (flags))
#define NAN_TEXT	"not JSON (NaN and Infinity are not numbers)"

static void
t_parse(void)
{
	static const char *const badnum[] = { "[1.]", "[01]", "[-]", "[.5]",
	    "[1e]", "[1e+]", "[+1]", "[0x10]", "[1.5.]", "[--1]", "[1ee2]" };
	struct json_object	*o;
	const char		*cause;
	struct buf		 b;
	size_t			 i;

	o = parse("{\"a\":1}  \n", &cause);
	ok(o != NULL, "object with trailing whitespace");
	json_object_put(o);
	ok(parse("{\"a\":1} x", &cause) == NULL, "trailing junk refused");
	ok(parse("{\"a\":", &cause) == NULL && strcmp(cause,
	    "truncated JSON") == 0, "truncated JSON");
	ok(parse("{\"a\":\"\xff\"}", &cause) == NULL, "invalid UTF-8 refused");
	ok(parse("", &cause) == NULL, "empty body refused");
	buf_init(&b);
	for (i = 0; i < 100000; i++)
		buf_putc(&b, '[');
	ok(parse(b.data, &cause) == NULL && strstr(cause, "deeply") != NULL,
	    "100,000-deep nesting refused without recursion");
	buf_free(&b);
	ok(parse("{\"a\":\"\xc0\xaf\"}", &cause) == NULL, "overlong UTF-8 refused");
	ok(parse("{\"a\":\"\xed\xa0\x80\"}", &cause) == NULL,
	    "UTF-8-encoded surrogate refused");
	ok(parse("{\"a\":\"\xf4\x90\x80\x80\"}", &cause) == NULL,
	    "above U+10FFFF refused");
	o = parse("{\"a\":\"\xf0\x9f\x98\x80 \xc3\xa9\"}", &cause);
	ok(o != NULL, "valid 4- and 2-byte UTF-8 accepted");
	json_object_put(o);
	ok(parse("{\"a\":\"x\ty\"}", &cause) == NULL, "raw tab in a string refused");
	o = parse("{\"a\":\"x\\ty\"}", &cause);
	ok(o != NULL, "escaped tab accepted");
	json_object_put(o);
	ok(parse("{\"a\":NaN}", &cause) == NULL, "NaN refused");
	ok(parse("{\"a\":-Infinity}", &cause) == NULL, "Infinity refused");
	o = parse("{\"a\":1E3}", &cause);
	ok(o != NULL, "exponent E accepted");
	json_object_put(o);
	o = parse("42", &cause);
	ok(o != NULL && json_object_is_type(o, json_type_int),
	    "a top-level number ends with the input");
	json_object_put(o);
	ok(parse("null", &cause) == NULL && strcmp(cause, "JSON null") == 0,
	    "top-level null reported as such");
	/* numbers as RFC 8259 writes them, exactly */
	o = parse("{\"big\":123456789012345678901234567890,\"u\":"
	    "18446744073709551615,\"i\":-9223372036854775808,\"d\":9.990}",
	    &cause);
	ok(o != NULL, "numbers: parsed");
	is_str(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
	    "{\"big\":123456789012345678901234567890,\"u\":"
	    "18446744073709551615,\"i\":-9223372036854775808,\"d\":9.990}",
	    "numbers: beyond 64 bits and decimals written back as they came");
	json_object_put(o);
	for (i = 0; i < sizeof(badnum) / sizeof(badnum[0]); i++)
		ok(parse(badnum[i], &cause) == NULL, "not a number: %s",
		    badnum[i]);
	o = parse("[\"\\ud83d\\ude00\",\"\\ud800x\",\"a\\u0000b\","
	    "\"\\/\\b\\f\\n\\r\\t\"]", &cause);
	ok(o != NULL, "escapes: parsed");
	is_str(json_object_get_string(json_object_array_get_idx(o, 0)),
	    "\xf0\x9f\x98\x80", "escapes: a surrogate pair");
	is_str(json_object_get_string(json_object_array_get_idx(o, 1)),
	    "\xef\xbf\xbdx", "escapes: a lone surrogate is U+FFFD");
	is_int(json_object_get_string_len(json_object_array_get_idx(o, 2)), 3,
	    "escapes: \\u0000 kept");
	is_str(json_object_get_string(json_object_array_get_idx(o, 3)),
	    "/\b\f\n\r\t", "escapes: the short ones");
	json_object_put(o);
	o = parse("[\"\\ud800\\ud800\\udc00\",\"\\udc00\\ud83d\\ude00\"]", &cause);
	is_str(o ? json_object_get_string(json_object_array_get_idx(o, 0)) :
	    NULL, "\xef\xbf\xbd\xf0\x90\x80\x80", "escapes: a high surrogate "
	    "alone, then a pair: U+FFFD, U+10000");
	is_str(o ? json_object_get_string(json_object_array_get_idx(o, 1)) :
	    NULL, "\xef\xbf\xbd\xf0\x9f\x98\x80", "escapes: a low surrogate "
	    "alone, then a pair");
	json_object_put(o);
	ok(parse("{\"aud\\u0000junk\":\"x\"}", &cause) == NULL &&
	    strcmp(cause, "NUL in a member name") == 0, "a member name with "
	    "\\u0000 is refused (json-c would cut it to \"aud\")");
	ok(parse("{\"a\":{\"b\\u0000\":1}}", &cause) == NULL,
	    "also in a nested object");
	ok(parse("[\"\\x\"]", &cause) == NULL, "escapes: unknown refused");
	ok(parse("[\"\\u12\"]", &cause) == NULL, "escapes: short \\u");
	ok(parse("[1,]", &cause) == NULL, "trailing comma refused");
	ok(parse("{\"a\" 1}", &cause) == NULL, "missing colon refused");
	ok(parse("{1:2}", &cause) == NULL, "non-string key refused");
	ok(parse("[tru]", &cause) == NULL, "bad literal refused");
	ok(parse("tr", &cause) == NULL && strcmp(cause, "truncated JSON") == 0,
	    "a literal cut short is truncated");
	o = parse(" [ true , false , null , { } , [ ] ] ", &cause);
	ok(o != NULL && json_object_array_length(o) == 5, "literals and "
	    "empty containers");
	json_object_put(o);
	o = parse("{\"a\":1,\"a\":2}", &cause);
	ok(o != NULL, "duplicate keys parse (last wins)");
	json_object_put(o);
}


/* The flags, one by one and together. */
static void
t_flags(void)
{
	static const struct jp_opts null_ok = { JP_TEXT_MAX, JP_DEPTH,
	    JP_NULL, JP_TREE_MAX };
	static const struct jp_opts object = { JP_TEXT_MAX, JP_DEPTH,
	    JP_OBJECT, JP_TREE_MAX };
	static const struct jp_opts nodup = { JP_TEXT_MAX, JP_DEPTH,
	    JP_NO_DUP, JP_TREE_MAX };
	static const struct jp_opts bytes = { JP_TEXT_MAX, JP_DEPTH,
	    JP_BYTES, JP_TREE_MAX };
	struct json_object	*o, *v;
	const char		*cause;
	int			 rc;

	/* JSON null: refused unless JP_NULL */
	ok(parse("null", &cause) == NULL && strcmp(cause, "JSON null") == 0,
	    "default: null refused as \"JSON null\"");
	rc = jp_parse(" null ", 6, &null_ok, &o, &cause);
	ok(rc == 0 && o == NULL, "JP_NULL: null is a value (0, *out NULL)");
	o = parse_as(&null_ok, "[null]", &cause);
	ok(o != NULL, "JP_NULL: other values as usual");
	json_object_put(o);
	o = parse("[null]", &cause);
	ok(o != NULL, "default: a null inside is fine");
	json_object_put(o);

	/* JP_OBJECT */
	o = parse_as(&object, "{\"a\":[1]}", &cause);
	ok(o != NULL && json_object_is_type(o, json_type_object),
	    "JP_OBJECT: an object passes");
	json_object_put(o);
	ok(parse_as(&object, "[{}]", &cause) == NULL &&
	    strcmp(cause, "not a JSON object") == 0,
	    "JP_OBJECT: an array is \"not a JSON object\"");
	ok(parse_as(&object, "\"{}\"", &cause) == NULL &&
	    strcmp(cause, "not a JSON object") == 0,
	    "JP_OBJECT: a string is not an object");
	ok(parse_as(&object, "null", &cause) == NULL &&
	    strcmp(cause, "JSON null") == 0, "JP_OBJECT: null is JSON null");
	ok(strcmp(CAUSE("null", JP_OBJECT | JP_NULL),
	    "not a JSON object") == 0, "JP_OBJECT|JP_NULL: null is no object");
	o = parse("[1]", &cause);
	ok(o != NULL, "default: an array passes");
	json_object_put(o);

	/* duplicate member names */
	o = parse("{\"a\":1,\"b\":{\"a\":3},\"a\":2}", &cause);
	ok(o != NULL && json_object_object_get_ex(o, "a", &v) &&
	    json_object_get_int(v) == 2 && json_object_object_length(o) == 2,
	    "default: a repeated name keeps the last value");
	json_object_put(o);
	ok(parse_as(&nodup, "{\"a\":1,\"b\":2,\"a\":1}", &cause) == NULL &&
	    strcmp(cause, "duplicate member name") == 0,
	    "JP_NO_DUP: a repeated name refused");
	ok(parse_as(&nodup, "[{\"x\":{\"k\":1,\"k\":1}}]", &cause) ==
	    NULL && strcmp(cause, "duplicate member name") == 0,
	    "JP_NO_DUP: at any depth");
	ok(parse_as(&nodup, "{\"a\\u0000x\":1,\"a\":2}", &cause) == NULL,
	    "JP_NO_DUP: names json-c would store as one are one");
	o = parse_as(&nodup, "{\"a\":{\"a\":1},\"b\":[{\"a\":1},{\"a\":2}],"
	    "\"A\":0}", &cause);
	ok(o != NULL, "JP_NO_DUP: the same name in different objects, and "
	    "names that differ in case, pass");
	json_object_put(o);
	ok(strcmp(CAUSE("{\"a\":1,\"a\":x", JP_NO_DUP),
	    "duplicate member name") == 0,
	    "JP_NO_DUP: refused before the value is read");

	/* raw bytes in strings */
	ok(parse("[\"\xff\"]", &cause) == NULL &&
	    strcmp(cause, "invalid UTF-8") == 0,
	    "default: invalid UTF-8 refused");
	o = parse_as(&bytes, "[\"a\xff\xc0\xaf" "b\"]", &cause);
	ok(o != NULL && json_object_get_string_len(
	    json_object_array_get_idx(o, 0)) == 5 && memcmp(
	    json_object_get_string(json_object_array_get_idx(o, 0)),
	    "a\xff\xc0\xaf" "b", 5) == 0, "JP_BYTES: bytes kept as they came");
	json_object_put(o);
	ok(parse_as(&bytes, "[\"a\x01\"]", &cause) == NULL &&
	    strcmp(cause, "control character in a string") == 0,
	    "JP_BYTES: control characters still refused");
	ok(parse_as(&bytes, "[\xff]", &cause) == NULL &&
	    strcmp(cause, "invalid JSON") == 0,
	    "JP_BYTES: a byte outside a string is a grammar error");
	ok(strcmp(CAUSE("{\"a\":True}", JP_BYTES), "invalid JSON") == 0,
	    "JP_BYTES: no byte scan, the grammar's cause");

	/* together */
	ok(strcmp(CAUSE("{\"a\":1,\"a\":2}",
	    JP_OBJECT | JP_NO_DUP | JP_BYTES), "duplicate member name") == 0,
	    "JP_OBJECT|JP_NO_DUP|JP_BYTES: the duplicate refused");
	ok(strcmp(CAUSE("{\"a\":\"\xe9\"}",
	    JP_OBJECT | JP_NO_DUP | JP_BYTES), "ok") == 0,
	    "JP_OBJECT|JP_NO_DUP|JP_BYTES: a Latin-1 byte passes");
}

/* The length and the depth bounds. */
static void
t_bounds(void)
{
	static const struct jp_opts small = { 8, 3, 0, JP_TREE_MAX };
	struct json_object	*o;
	struct jp_opts		 deep = { JP_TEXT_MAX, 1000, 0, JP_TREE_MAX };
	struct buf		 b;
	const char		*cause;
	size_t			 i;

	o = parse_as(&small, "[1,[2,[]]]", &cause);	/* 10 bytes */
	ok(o == NULL && strcmp(cause, "JSON text too large") == 0,
	    "over the length: \"JSON text too large\"");
	o = parse_as(&small, "[[[1]]] ", &cause);	/* 8 bytes */
	ok(o != NULL, "exactly the length, exactly the depth");
	json_object_put(o);
	ok(parse_as(&small, "[[[[]]]]", &cause) == NULL &&
	    strcmp(cause, "JSON nested too deeply") == 0,
	    "one level deeper: \"JSON nested too deeply\"");
	o = parse_as(&small, "{\"a\":{}}", &cause);
	ok(o != NULL, "objects count as levels too (2 of 3)");
	json_object_put(o);
	ok(strcmp(cause_of("", 0, 0), "empty body") == 0,
	    "no text: \"empty body\"");
	ok(strcmp(cause_of(NULL, 0, JP_NULL), "empty body") == 0,
	    "no text and no pointer: \"empty body\"");
	ok(strcmp(CAUSE("  \n", 0), "truncated JSON") == 0,
	    "only whitespace: \"truncated JSON\"");
	ok(strcmp(cause_of("[1]", (size_t)JP_TEXT_MAX + 1, 0),
	    "JSON text too large") == 0,
	    "beyond JP_TEXT_MAX refused before a byte is read");
	/* deep but allowed, then the bound, without recursion trouble */
	buf_init(&b);
	for (i = 0; i < 1000; i++)
		buf_putc(&b, '[');
	for (i = 0; i < 1000; i++)
		buf_putc(&b, ']');
	ok(jp_parse(b.data, b.len, &deep, &o, &cause) == 0,
	    "1,000 levels under a bound of 1,000");
	json_object_put(o);
	deep.depth = 999;
	ok(jp_parse(b.data, b.len, &deep, &o, &cause) == -1 &&
	    strcmp(cause, "JSON nested too deeply") == 0,
	    "1,000 levels under a bound of 999");
	buf_free(&b);
}

/*
 * Error texts: a fault in the bytes is named wherever it is, before the
 * first grammar error (the texts callers put on the wire).
 */
static void
t_causes(void)
{
	static const struct {
		const char	*text, *cause;
	} c[] = {
		{ "{\"a\":1,,\"b\":\"\xff\"}", "invalid UTF-8" },
		{ "[1,] \"\x1f\"", "control character in a string" },
		{ "{\"a\":True}", NAN_TEXT },
		{ "{\"a\":tRue}", NAN_TEXT },
		{ "[NaN]", NAN_TEXT },
		{ "{A:1}", NAN_TEXT },
		{ "[\"NaN\",1E5]", "ok" },
		{ "{\xc3\xa9}", "expected a member name" },
		{ "[\xc3]", "invalid UTF-8" },
		{ "[\"\xe2\x82\"]", "invalid UTF-8" },
		{ "[\"\xf0\x9f\x98\x80\xc3\xa9\xe2\x82\xac\"]", "ok" },
		{ "[\"\xed\xbf\xbf\"]", "invalid UTF-8" },
		{ "[\"\xc1\xbf\"]", "invalid UTF-8" },
		{ "[1 2]", "expected ',' or ']'" },
		{ "{\"a\" 1}", "expected ':'" },
		{ "{\"a\":1 \"b\"}", "expected ',' or '}'" },
		{ "[1.]", "invalid number" },
		{ "[\"\\q\"]", "invalid escape in a string" },
		{ "[\"\\u12g4\"]", "invalid \\u escape" },
		{ "{} {}", "trailing data after the JSON value" },
		{ "[1,", "truncated JSON" },
		{ "[x]", "invalid JSON" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		is_str(CAUSE(c[i].text, 0), c[i].cause,
		    "cause of text %zu", i);
	is_str(cause_of("a\0b", 3, 0), "invalid JSON", "a NUL outside strings");
	is_str(cause_of("[\"a\0b\"]", 7, 0), "control character in a string",
	    "a raw NUL in a string");
}

struct seen {
	struct json_object	*obj;
	int			 n;
};

static void
collect(void *ctx, const char *key, struct json_object *v)
{
	struct seen	*s = ctx;

	s->n++;
	json_object_object_add(s->obj, key, v);
}

/* jp_parse_members: the same rules, the members handed out. */
static void
t_members(void)
{
	static const struct jp_opts body = { JP_TEXT_MAX, JP_DEPTH, JP_NULL,
	    JP_TREE_MAX };
	static const struct jp_opts strict = { 64, 2, JP_NO_DUP | JP_OBJECT,
	    JP_TREE_MAX };
	struct seen		 s;
	struct json_object	*other, *o;
	const char		*cause, *t;
	int			 rc;

	s.obj = json_object_new_object();
	s.n = 0;
	t = "{\"a\":[1],\"b\":{\"c\":null},\"a\":2}";
	rc = jp_parse_members(t, strlen(t), &body, collect, &s, &other, &cause);
	o = parse(t, &cause);
	ok(rc == 1 && other == NULL && s.n == 3 && strcmp(
	    json_object_to_json_string(s.obj), json_object_to_json_string(o))
	    == 0, "members handed out one by one, as jp_parse builds them");
	json_object_put(o);
	json_object_put(s.obj);
	s.obj = json_object_new_object();
	rc = jp_parse_members("null", 4, &body, collect, &s, &other, &cause);
	ok(rc == 0 && other == NULL, "JP_NULL: null is 0 and no value");
	rc = jp_parse_members("[1]", 3, &body, collect, &s, &other, &cause);
	ok(rc == 0 && json_object_is_type(other, json_type_array),
	    "an array comes back built");
	json_object_put(other);
	rc = jp_parse_members("[1]", 3, &strict, collect, &s, &other, &cause);
	ok(rc == -1 && other == NULL && strcmp(cause, "not a JSON object") == 0,
	    "JP_OBJECT: the array refused");
	/* the top level's names are the member function's to check */
	t = "{\"a\":1,\"a\":1,\"b\":{\"c\":1,\"c\":2}}";
	rc = jp_parse_members(t, strlen(t), &strict, collect, &s, &other,
	    &cause);
	ok(rc == -1 && strcmp(cause, "duplicate member name") == 0,
	    "JP_NO_DUP: a repeated name below the top refused");
	t = "{\"a\":{\"b\":[]}}";
	rc = jp_parse_members(t, strlen(t), &strict, collect, &s, &other,
	    &cause);
	ok(rc == -1 && strcmp(cause, "JSON nested too deeply") == 0,
	    "the depth bound counts the top object");
	t = "{\"a\":{\"b\":1}}";
	rc = jp_parse_members(t, strlen(t), &strict, collect, &s, &other,
	    &cause);
	ok(rc == 1, "within the depth bound");
	t = "{\"a\":1,\"b\":\"\xff\"}";
	rc = jp_parse_members(t, strlen(t), &body, collect, &s, &other,
	    &cause);
	ok(rc == -1 && strcmp(cause, "invalid UTF-8") == 0,
	    "invalid UTF-8 after a member was handed out");
	json_object_put(s.obj);
}

static void
t_helpers(void)
{
	struct json_object	*o;

	o = json_object_new_string_len("a\0b", 3);
	ok(jp_string(o) == NULL, "jp_string: an embedded NUL is no C string");
	json_object_put(o);
	o = json_object_new_string("ab");
	is_str(jp_string(o), "ab", "jp_string: a string");
	json_object_put(o);
	o = json_object_new_int(1);
	ok(jp_string(o) == NULL && jp_string(NULL) == NULL,
	    "jp_string: not a string");
	json_object_put(o);
	o = json_object_new_object();
	jp_add(o, "k", json_object_new_int(7));
	is_str(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
	    "{\"k\":7}", "jp_add adds a member");
	json_object_put(o);
}

/* `n` copies of `unit` in an array: [u,u,...,u]. */
static void
array_of(struct buf *b, const char *unit, size_t n)
{
	size_t	 i;

	buf_init(b);
	buf_putc(b, '[');
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(b, ',');
		buf_puts(b, unit);
	}
	buf_putc(b, ']');
}

/* pre, `n` times c, post */
static void
run_of(struct buf *b, const char *pre, char c, size_t n, const char *post)
{
	buf_init(b);
	buf_puts(b, pre);
	while (n-- > 0)
		buf_putc(b, c);
	buf_puts(b, post);
}

#define TOO_MUCH	"JSON text would take too much memory"

/* b's text is refused under `o` for the memory it would take; b freed. */
static int
too_costly(const struct jp_opts *o, struct buf *b)
{
	struct json_object	*v;
	const char		*cause;
	int			 rc;

	rc = jp_parse(b->data, b->len, o, &v, &cause) == -1 && v == NULL &&
	    strcmp(cause, TOO_MUCH) == 0;
	json_object_put(v);
	buf_free(b);
	return rc;
}

/* The memory bound: what a text would build, not its length. */
static void
t_tree(void)
{
	static const struct jp_opts tiny = { JP_TEXT_MAX, JP_DEPTH, 0,
	    64 * 1024 };
	static const struct jp_opts doc = { JP_TEXT_MAX, JP_DEPTH, 0,
	    JP_TREE_ANY };
	struct json_object	*o;
	struct buf		 b;
	const char		*cause;
	size_t			 i;

	/* 64 KiB holds an array and 80 empty objects (768 bytes each) */
	array_of(&b, "{}", 80);
	ok(jp_parse(b.data, b.len, &tiny, &o, &cause) == 0 &&
	    json_object_array_length(o) == 80, "80 empty objects fit 64 KiB");
	json_object_put(o);
	buf_free(&b);
	array_of(&b, "{}", 90);
	ok(too_costly(&tiny, &b),
	    "90 empty objects (270 bytes of text) do not");
	/* nested ones count as much as flat ones */
	buf_init(&b);
	for (i = 0; i < 60; i++)
		buf_puts(&b, "[{},");
	buf_puts(&b, "1");
	for (i = 0; i < 60; i++)
		buf_putc(&b, ']');
	ok(too_costly(&tiny, &b),
	    "60 arrays each holding an object and the next: refused");
	/* a string costs its length, and so does a member name */
	run_of(&b, "\"", 'x', 70000, "\"");
	ok(jp_parse(b.data, b.len, &doc, &o, &cause) == 0 &&
	    json_object_get_string_len(o) == 70000,
	    "a 70,000-byte string: no bound on the operator's document");
	json_object_put(o);
	ok(too_costly(&tiny, &b), "but over 64 KiB");
	run_of(&b, "{\"", 'k', 70000, "\":1}");
	ok(too_costly(&tiny, &b), "a 70,000-byte member name: over 64 KiB");
	/* a byte fault anywhere is named first, as for every other cause */
	array_of(&b, "{}", 90);
	buf_puts(&b, "\"\xff\"");
	ok(jp_parse(b.data, b.len, &tiny, &o, &cause) == -1 &&
	    strcmp(cause, TOO_MUCH) != 0 && strstr(cause, "UTF-8") != NULL,
	    "over the bound with invalid UTF-8 after it: the UTF-8 is named");
	buf_free(&b);

	/*
	 * JP_TREE_MAX against the texts of a 4 MiB body: "{}," would be a
	 * gigabyte of tree, and is refused; 1.4 MB of records of two members
	 * (about 70 times their text: up to 3.8 MB of them fit) and 4 MB of
	 * strings pass.
	 */
	array_of(&b, "{}", 1398100);
	ok(b.len < 4u << 20 && too_costly(&plain, &b),
	    "4 MiB of empty objects: refused under JP_TREE_MAX");
	array_of(&b, "[]", 1398100);
	ok(too_costly(&plain, &b), "4 MiB of empty arrays: refused");
	array_of(&b, "{\"a\":1,\"b\":2}", 100000);
	ok(jp_parse(b.data, b.len, &plain, &o, &cause) == 0 &&
	    json_object_array_length(o) == 100000,
	    "1.4 MB of records of two members: built");
	json_object_put(o);
	buf_free(&b);
	array_of(&b, "\"0123456789abcdef0123456789abcdef\"", 120000);
	ok(b.len > 4000000 && jp_parse(b.data, b.len, &plain, &o,
	    &cause) == 0, "4 MB of strings: built");
	json_object_put(o);
	buf_free(&b);
}

int
main(void)
{
	t_parse();
	t_flags();
	t_bounds();
	t_causes();
	t_members();
	t_helpers();
	t_tree();
	return done_testing();
}
