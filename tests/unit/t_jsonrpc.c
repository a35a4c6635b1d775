/* SPDX-License-Identifier: ISC */
/*
 * Unit tests: JSON-RPC classification and responses, and jwrite (the JSON
 * layer itself: t_jparse).
 */
#include "config.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/jsonrpc.h"
#include "../../src/jwrite.h"
#include "../../src/util.h"
#include "tap.h"

static const struct jp_opts plain = { JP_TEXT_MAX, JP_DEPTH, 0, JP_TREE_MAX };

static struct json_object *
parse(const char *s, const char **cause)
{
	struct json_object	*o;

	return jp_parse(s, strlen(s), &plain, &o, cause) == 0 ? o : NULL;
}

static void
t_classify(void)
{
	struct json_object	*o, *r;
	struct rpc_msg		 m;
	const char		*cause;
	int			 rc;

#define CLASSIFY(s) (o = parse(s, &cause), rpc_classify(o, &m, &cause))
	ok(CLASSIFY("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}") == 0 &&
	    m.kind == RPC_REQUEST && strcmp(m.method, "ping") == 0, "request");
	json_object_put(o);
	ok(CLASSIFY("{\"jsonrpc\":\"2.0\",\"method\":\"n\"}") == 0 &&
	    m.kind == RPC_NOTIFICATION, "notification");
	json_object_put(o);
	ok(CLASSIFY("{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"result\":{}}") == 0 &&
	    m.kind == RPC_RESPONSE, "response");
	json_object_put(o);
	ok(CLASSIFY("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"m\"}") == -1 &&
	    m.id != NULL, "wrong version refused, id still read");
	json_object_put(o);
	ok(CLASSIFY("{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"m\"}") == -1,
	    "fractional id refused");
	json_object_put(o);
	ok(CLASSIFY("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"m\"}") == -1,
	    "null id refused");
	json_object_put(o);
	ok(CLASSIFY("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":5}") == -1,
	    "numeric method refused");
	json_object_put(o);
	ok(CLASSIFY("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\","
	    "\"params\":[1]}") == -1, "array params refused");
	json_object_put(o);
	ok(CLASSIFY("[1]") == -1, "array is not a message");
	json_object_put(o);
	ok(CLASSIFY("{\"jsonrpc\":\"2.0\",\"id\":9007199254740993,"
	    "\"method\":\"m\"}") == 0, "large integer id");
	r = rpc_result(m.id, json_object_new_object());
	ok(strstr(rpc_to_string(r, NULL), "\"id\":9007199254740993") != NULL,
	    "large integer id echoed exactly");
	json_object_put(r);
	json_object_put(o);
	ok(CLASSIFY("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\\u0000x\"}")
	    == -1, "a method with an embedded NUL is refused");
	json_object_put(o);
	ok(CLASSIFY("{\"jsonrpc\":\"2.0\\u0000x\",\"id\":1,\"method\":\"m\"}")
	    == -1, "jsonrpc \"2.0\\0x\" is not 2.0");
	json_object_put(o);
	/* a gateway that reads it as the client's answer lets it by */
	rc = CLASSIFY("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{},"
	    "\"method\":\"tools/call\"}");
	ok(rc == -1 && strstr(cause, "result") != NULL,
	    "a request with result is refused (%s)", cause);
	json_object_put(o);
	ok(CLASSIFY("{\"jsonrpc\":\"2.0\",\"method\":\"n\",\"error\":"
	    "{\"code\":1,\"message\":\"x\"}}") == -1,
	    "a notification with error is refused");
	json_object_put(o);
#undef CLASSIFY
	r = rpc_error(NULL, RPC_PARSE_ERROR, "Parse error", NULL);
	is_str(rpc_to_string(r, NULL), "{\"jsonrpc\":\"2.0\",\"id\":null,"
	    "\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}",
	    "error with null id");
	json_object_put(r);
}

/*
 * A body read as an envelope (rpc_parse_message) is classified exactly
 * as the same body parsed into an object (jp_parse + rpc_classify).
 */
static void
t_envelope(void)
{
	static const char *const bodies[] = {
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}",
		"{\"method\":\"m\",\"jsonrpc\":\"2.0\",\"id\":\"s\",\"params\":{\"a\":[1]}}",
		"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/x\"}",
		"{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"m\"}",
		"{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"m\"}",
		"{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"m\"}",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\"}",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":[1]}",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":null}",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{},\"error\":{}}",
		"{\"jsonrpc\":\"2.0\",\"id\":9007199254740993,\"method\":\"m\"}",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\\u0000b\"}",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"x\":{\"y\":[{}]}}",
		"{}", "5", "\"s\"", "true",
	};
	struct rpc_env		 env;
	struct rpc_msg		 m1, m2;
	struct json_object	*o, *other;
	const char		*c1, *c2, *trunc;
	size_t			 i;
	int			 r1, r2, same;

	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		o = parse(bodies[i], &c1);
		r1 = rpc_classify(o, &m1, &c1);
		ok(rpc_parse_message(bodies[i], strlen(bodies[i]), &env,
		    &other, &c2) >= 0, "read as a message: %s", bodies[i]);
		r2 = rpc_classify_env(&env, &m2, &c2);
		same = r1 == r2 && (c1 == c2 || (c1 && c2 &&
		    strcmp(c1, c2) == 0)) && m1.kind == m2.kind &&
		    (m1.id == NULL) == (m2.id == NULL) &&
		    (m1.params == NULL) == (m2.params == NULL) &&
		    (m1.method == m2.method || (m1.method && m2.method &&
		    strcmp(m1.method, m2.method) == 0));
		if (same && m1.id != NULL)
			same = strcmp(json_object_to_json_string(m1.id),
			    json_object_to_json_string(m2.id)) == 0;
		if (same && m1.params != NULL)
			same = strcmp(json_object_to_json_string(m1.params),
			    json_object_to_json_string(m2.params)) == 0;
		ok(same, "classified the same way (%s)", c1 ? c1 : "valid");
		rpc_env_free(&env);
		json_object_put(other);
		json_object_put(o);
	}
	ok(rpc_parse_message("null", 4, &env, &other, &c2) == 0 &&
	    other == NULL && env.not_object, "null: no message, no value");
	ok(rpc_parse_message("[{}]", 4, &env, &other, &c2) == 0 &&
	    json_object_is_type(other, json_type_array), "a batch is built");
	json_object_put(other);
	trunc = "{\"jsonrpc\":\"2.0\",\"id\":1,";
	ok(rpc_parse_message(trunc, strlen(trunc), &env, &other, &c2) == -1 &&
	    other == NULL && env.id == NULL && env.jsonrpc == NULL &&
	    strcmp(c2, "truncated JSON") == 0,
	    "truncated: error, members handed over are released");
	trunc = "{\"a\":\"\xff\"}";
	ok(rpc_parse_message(trunc, strlen(trunc), &env, &other, &c2) == -1 &&
	    strstr(c2, "UTF-8") != NULL,
	    "invalid UTF-8 refused");
	/*
	 * A member name twice in one object, at any depth: a proxy or a
	 * firewall in front that reads the first would see another method,
	 * tool or argument than the one we run (we took the last).
	 */
	{
		static const char *const dups[] = {
		    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\","
		    "\"method\":\"tools/list\"}",
		    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
		    "\"params\":{\"name\":\"a\",\"name\":\"b\"}}",
		    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
		    "\"params\":{\"name\":\"a\",\"arguments\":{\"x\":{"
		    "\"t\":1,\"t\":2}}}}",
		    "[{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,"
		    "\"method\":\"ping\"}]" };
		size_t	 d;

		for (d = 0; d < sizeof(dups) / sizeof(dups[0]); d++) {
			ok(rpc_parse_message(dups[d], strlen(dups[d]), &env,
			    &other, &c2) == -1 && other == NULL && c2 != NULL &&
			    strstr(c2, "duplicate") != NULL,
			    "a repeated member name refused: %s", dups[d]);
			rpc_env_free(&env);
		}
	}
}

/* jw_value() must print what json-c prints, byte for byte. */
static void
same_as_json_c(struct json_object *o, const char *what)
{
	struct buf	 b;
	const char	*want;

	buf_init(&b);
	jw_value(&b, o);
	want = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	is_str(b.data, want, "%s", what);
	buf_free(&b);
}

static void
t_write(void)
{
	static const char *const docs[] = {
		"{}", "[]", "null", "true", "false", "0", "-1", "[[],{}]",
		"9223372036854775807", "-9223372036854775808",
		"{\"a\":{\"b\":[1,\"x\",null,true,{\"c\":false}]},\"d\":[]}",
		"[1.5,-0.25,1e3,0.1,123456789.125,1E-7]",
		"{\"s\":\"a/b \\\" \\\\ \\b\\f\\n\\r\\t \\u0001\\u001f\\u007f\"}",
		"[\"caf\\u00e9 \\u2603 \\ud83d\\ude00 \xc3\xa9\"]",
		"{\"\\n key\\u0000\":1}",
	};
	struct json_object	*o, *arr;
	struct jw_text		 raw = { "{\"name\":\"t\"}", 12 };
	struct buf		 b;
	const char		*cause;
	char			 s[40];
	size_t			 i;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		o = json_tokener_parse(docs[i]);
		ok(o != NULL || strcmp(docs[i], "null") == 0, "json-c reads %s",
		    docs[i]);
		same_as_json_c(o, docs[i]);
		json_object_put(o);
		o = parse(docs[i], &cause);
		if (o != NULL)
			same_as_json_c(o, "the same, read by jparse");
		json_object_put(o);
	}
	/* every control byte, and the bytes json-c leaves alone */
	for (i = 0; i < 32; i++)
		s[i] = (char)(i + 1);
	memcpy(s + 31, "\x7f\xc3\xa9/", 5);
	o = json_object_new_string_len(s, 35);
	same_as_json_c(o, "all control characters, DEL, UTF-8, slash");
	json_object_put(o);
	o = json_object_new_string_len("a\0b", 3);
	same_as_json_c(o, "an embedded NUL");
	json_object_put(o);
	o = json_object_new_uint64(18446744073709551615ULL);
	same_as_json_c(o, "uint64 beyond INT64_MAX");
	json_object_put(o);
	o = json_object_new_int64(INT64_MIN);
	same_as_json_c(o, "INT64_MIN");
	json_object_put(o);
	o = json_object_new_double(2.0);
	same_as_json_c(o, "a whole double keeps its .0");
	json_object_put(o);
	/* pasted text, through jw_value() and through json-c */
	arr = json_object_new_array();
	json_object_array_add(arr, jw_raw_node(&raw));
	json_object_array_add(arr, jw_raw_node(&raw));
	buf_init(&b);
	jw_value(&b, arr);
	is_str(b.data, "[{\"name\":\"t\"},{\"name\":\"t\"}]",
	    "raw nodes pasted");
	same_as_json_c(arr, "raw nodes through json-c too");
	buf_free(&b);
	json_object_put(arr);
	/* a taken text with members added to its node later (a tool result
	 * gets resultType and _meta): they go inside its object */
	buf_init(&b);
	buf_puts(&b, "{\"content\":[],\"structuredContent\":{\"a\":1}}");
	o = jw_raw_take(&b);
	ok(b.data == NULL && b.len == 0, "jw_raw_take empties the buffer");
	json_object_object_add(o, "resultType", json_object_new_string(
	    "complete"));
	arr = json_object_new_object();
	json_object_object_add(arr, "k", json_object_new_int64(1));
	json_object_object_add(o, "_meta", arr);
	buf_init(&b);
	jw_value(&b, o);
	is_str(b.data, "{\"content\":[],\"structuredContent\":{\"a\":1},"
	    "\"resultType\":\"complete\",\"_meta\":{\"k\":1}}",
	    "members added to a raw node: inside its object");
	same_as_json_c(o, "the same through json-c");
	buf_free(&b);
	json_object_put(o);
	buf_init(&b);
	buf_puts(&b, "{ }\n");
	o = jw_raw_take(&b);
	same_as_json_c(o, "an empty raw object alone: its text");
	json_object_object_add(o, "k", json_object_new_int64(2));
	buf_init(&b);
	jw_value(&b, o);
	is_str(b.data, "{ \"k\":2}", "a member added to an empty raw object: "
	    "no comma before it");
	buf_free(&b);
	json_object_put(o);
	/* the written envelope is the built one, for every kind of id */
	for (i = 0; i < 3; i++) {
		struct json_object	*id, *r;

		id = i == 0 ? NULL : i == 1 ? json_object_new_int64(-7) :
		    json_object_new_string("a\"b");
		o = json_tokener_parse("{\"tools\":[{\"n\":1.25}],\"x\":{}}");
		r = rpc_result(id, json_object_get(o));
		buf_init(&b);
		rpc_write_result(&b, id, o);
		is_str(b.data, rpc_to_string(r, NULL), "envelope written, id %zu",
		    i);
		buf_free(&b);
		json_object_put(r);
		json_object_put(o);
		json_object_put(id);
	}
	buf_init(&b);
	jw_int(&b, LLONG_MIN);
	is_str(b.data, "-9223372036854775808", "jw_int LLONG_MIN");
	buf_free(&b);
}

int
main(void)
{
	t_classify();
	t_envelope();
	t_write();
	return done_testing();
}
