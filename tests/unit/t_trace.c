/* SPDX-License-Identifier: ISC */
/*
 * Unit tests: trace (W3C Trace Context): traceparent and tracestate
 * parsing, which context a tool call takes (_meta, then headers), a
 * started trace, and the ids in the audit record.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../../src/audit.h"
#include "../../src/cfg.h"
#include "../../src/http.h"
#include "../../src/trace.h"
#include "../../src/util.h"
#include "tap.h"

#define TP	"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
#define TP2	"00-12345678901234567890123456789012-1234567890123456-00"

/* A test's name: the value with control characters shown as '?'. */
static const char *
vis(const char *s)
{
	static char	 b[80];
	size_t		 i;

	for (i = 0; s[i] != '\0' && i < sizeof(b) - 1; i++)
		b[i] = (unsigned char)s[i] < 0x20 ? '?' : s[i];
	b[i] = '\0';
	return b;
}

static int
parent(const char *s, char *out)
{
	return trace_parse_parent(s, s != NULL ? strlen(s) : 0, out);
}

static int
state(const char *s, char *out, size_t outsz)
{
	return trace_parse_state(s, strlen(s), out, outsz);
}

static void
t_parent(void)
{
	char		 out[TRACE_PARENT_LEN + 1], big[700];
	static const char *const bad[] = {
		"",
		"00",
		TP "0",					/* 56 characters */
		"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",
		"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-001",
		"00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
		"00-4bf92f3577b34da6a3ce929d0e0e47361-00f067aa0ba902b7-01",
		"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01",
		"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b71-01",
		"0-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
		"000-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
		"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
		"00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01",
		"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0A",
		"0A-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
		"00-00000000000000000000000000000000-00f067aa0ba902b7-01",
		"00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
		"ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
		".0-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
		"0.-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
		"00-.bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
		"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-.1",
		"00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
		"00-4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7-01",
		"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7_01",
		TP ".",
		TP "-what-the-future-will-be-like",	/* 00 has nothing more */
		"cc-12345678901234567890123456789012-1234567890123456-01."
		    "what-the-future-will-be-like",
		"cc-12345678901234567890123456789012-1234567890123456-0",
		"\v" TP,
		TP "\n",
		TP ", " TP,				/* two headers joined */
		NULL
	};
	size_t		 i;

	ok(parent(TP, out) == 0 && strcmp(out, TP) == 0,
	    "version 00: valid, passed on as it is");
	ok(parent(TP2, out) == 0 && strcmp(out, TP2) == 0,
	    "flags 00 (not sampled) too");
	ok(parent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ff",
	    out) == 0 && strcmp(out + 53, "ff") == 0,
	    "00: unknown flags are not ours to change");
	ok(parent(" \t" TP "\t ", out) == 0 && strcmp(out, TP) == 0,
	    "optional whitespace around the value is dropped");
	for (i = 0; bad[i] != NULL; i++) {
		strcpy(out, "x");
		ok(parent(bad[i], out) == -1 && out[0] == '\0',
		    "invalid: \"%s\"", vis(bad[i]));
	}
	ok(parent(NULL, out) == -1, "NULL: none");
	ok(trace_parse_parent(TP "\0junk", sizeof(TP "\0junk") - 1, out) ==
	    -1, "a NUL inside (a JSON \\u0000) is not cut off: invalid");
	ok(trace_parse_parent("00-4bf92f3577b34da6a3ce929d0e0\0e4736-"
	    "00f067aa0ba902b7-01", TRACE_PARENT_LEN, out) == -1,
	    "a NUL in the trace-id: invalid");

	/* a higher version: the first four fields, sent on as 00 */
	ok(parent("cc-12345678901234567890123456789012-1234567890123456-01",
	    out) == 0 && strcmp(out, "00-12345678901234567890123456789012-"
	    "1234567890123456-01") == 0, "version cc: read, sent as 00");
	ok(parent("cc-12345678901234567890123456789012-1234567890123456-01-"
	    "what-the-future-will-be-like", out) == 0 && strcmp(out,
	    "00-12345678901234567890123456789012-1234567890123456-01") == 0,
	    "version cc with more fields: they are dropped");
	ok(parent("01-12345678901234567890123456789012-1234567890123456-fb-x",
	    out) == 0 && strcmp(out + 53, "03") == 0,
	    "a higher version's flags: only sampled and random kept");
	ok(parent("01-12345678901234567890123456789012-1234567890123456-f0",
	    out) == 0 && strcmp(out + 53, "00") == 0, "... none of them set");
	ok(parent("fe-12345678901234567890123456789012-0000000000000000-01",
	    out) == -1, "a higher version with a zero parent-id: invalid");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "cc-12345678901234567890123456789012-1234567890123456-01-",
	    56);
	ok(parent(big, out) == -1, "a higher version of 699 bytes: refused");
	big[500] = '\0';
	ok(parent(big, out) == 0, "... of 500 bytes: read");
}

static void
t_state(void)
{
	char		 out[TRACE_STATE_MAX + 1], small[8];
	char		 key[300], val[300], in[20000];
	struct buf	 b;
	size_t		 i;
	static const char *const bad[] = {
		"foo =1", "FOO=1", "foo.bar=1", "@foo=1,bar=2", "_foo=1",
		"foo=", "=1", "foo", "foo=a=b", "foo=1,bar", "foo=a\tb",
		"foo=\x7f", "foo=caf\xc3\xa9", "foo=1,FOO=2", "foo\x01=1",
		"foo=1\n", NULL
	};

	ok(state("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE", out,
	    sizeof(out)) == 0 && strcmp(out,
	    "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE") == 0,
	    "two members: as they came");
	ok(state("foo=1 \t , \t bar=2, \t baz=3", out, sizeof(out)) == 0 &&
	    strcmp(out, "foo=1,bar=2,baz=3") == 0,
	    "optional whitespace around members dropped");
	ok(state("\t foo=1 \t", out, sizeof(out)) == 0 &&
	    strcmp(out, "foo=1") == 0, "... around a single member");
	ok(state("foo=1,,  ,bar=2,", out, sizeof(out)) == 0 &&
	    strcmp(out, "foo=1,bar=2") == 0, "empty members dropped");
	ok(state("", out, sizeof(out)) == 0 && out[0] == '\0',
	    "empty: valid, nothing to send");
	ok(state(" , ,\t", out, sizeof(out)) == 0 && out[0] == '\0',
	    "only empty members: nothing to send");
	ok(state("foo=  x y", out, sizeof(out)) == 0 &&
	    strcmp(out, "foo=  x y") == 0,
	    "a value's leading and inner spaces are kept");
	ok(state("foo=1,foo=2", out, sizeof(out)) == 0 &&
	    strcmp(out, "foo=1,foo=2") == 0,
	    "duplicate keys: passed on as they came");
	ok(state("foo@=1,bar=2,foo@@bar=1,foo@bar@baz=1,t@vvv=x,0a=b",
	    out, sizeof(out)) == 0, "keys with at signs, a leading digit");
	for (i = 0; bad[i] != NULL; i++) {
		strcpy(out, "x");
		ok(state(bad[i], out, sizeof(out)) == -1 && out[0] == '\0',
		    "invalid, dropped whole: \"%s\"", vis(bad[i]));
	}
	ok(state("abcdefghijklmnopqrstuvwxyz0123456789_-*/@a-z0-9_-*/="
	    " !\"#$%&'()*+-./0123456789:;<>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~", out, sizeof(out)) == 0,
	    "every allowed key and value character");

	/* key and value lengths */
	memset(key, 'z', 257);
	key[256] = '\0';
	snprintf(in, sizeof(in), "foo=1,%s=1", key);
	ok(state(in, out, sizeof(out)) == 0 && strcmp(out, in) == 0,
	    "a key of 256 characters");
	key[256] = 'z';
	key[257] = '\0';
	snprintf(in, sizeof(in), "foo=1,%s=1", key);
	ok(state(in, out, sizeof(out)) == -1, "257: the list is dropped");
	memset(key, 't', 241);
	key[241] = '@';
	memset(key + 242, 'v', 14);
	key[256] = '\0';
	snprintf(in, sizeof(in), "%s=1", key);
	ok(state(in, out, sizeof(out)) == 0, "tenant@vendor of 256");
	memset(val, 'v', 256);
	val[256] = '\0';
	snprintf(in, sizeof(in), "a=%s", val);
	ok(state(in, out, sizeof(out)) == 0, "a value of 256 characters");
	snprintf(in, sizeof(in), "a=%sv", val);
	ok(state(in, out, sizeof(out)) == -1, "257: dropped");

	/* 32 members, not 33 */
	buf_init(&b);
	for (i = 1; i <= 32; i++)
		buf_printf(&b, "%sbar%02zu=%02zu", i > 1 ? "," : "", i, i);
	ok(state(b.data, out, sizeof(out)) == 0 && strcmp(out, b.data) == 0,
	    "32 members");
	buf_puts(&b, ",bar33=33");
	ok(state(b.data, out, sizeof(out)) == -1 && out[0] == '\0',
	    "33: dropped");
	buf_reset(&b);
	for (i = 1; i <= 32; i++)
		buf_printf(&b, ",bar%02zu=%02zu,", i, i);
	ok(state(b.data, out, sizeof(out)) == 0, "32 with empty members");
	buf_free(&b);

	/* past 512: whole members cut, long ones first, then from the
	 * right */
	memset(val, 'x', 200);
	val[200] = '\0';
	in[0] = '\0';
	for (i = 0; i < 5; i++) {
		char	 m[300];

		/* 99 characters each, the third 203 */
		snprintf(m, sizeof(m), "%sk%zu=%.*s", i > 0 ? "," : "", i,
		    i == 2 ? 200 : 96, val);
		strcat(in, m);
	}
	ok(state(in, out, sizeof(out)) == 0 && strlen(in) > 512 &&
	    strstr(out, "k2=") == NULL && strstr(out, "k4=") != NULL &&
	    strncmp(out, "k0=", 3) == 0 && strlen(out) == 4 * 99 + 3,
	    "over 512: the member over 128 characters goes first (%zu)",
	    strlen(out));
	in[0] = '\0';
	for (i = 0; i < 6; i++) {
		char	 m[300];

		snprintf(m, sizeof(m), "%sk%zu=%.*s", i > 0 ? "," : "", i,
		    96, val);
		strcat(in, m);
	}
	ok(state(in, out, sizeof(out)) == 0 && strlen(out) <= 512 &&
	    strstr(out, "k5=") == NULL && strstr(out, "k4=") != NULL,
	    "then members from the right (%zu bytes kept)", strlen(out));
	ok(state("a=1,b=2,c=3", small, sizeof(small)) == 0 &&
	    strcmp(small, "a=1,b=2") == 0, "a smaller buffer: cut to fit");
	ok(state("abcdefgh=1", small, sizeof(small)) == 0 &&
	    small[0] == '\0', "... nothing fits: nothing sent");
	ok(trace_parse_state("a=1\0b", 5, out, sizeof(out)) == -1,
	    "a NUL inside: dropped");
}

static void
t_choose(void)
{
	struct trace_ctx	 t, u;
	char			 again[TRACE_PARENT_LEN + 1];
	int			 i, even_t, even_p;
	static const char	 other[] =
	    "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

	trace_choose(&t, TRACEM_FORWARD, TP, strlen(TP), "m=1", 3,
	    other, "h=1");
	ok(t.source == TRACE_META && strcmp(trace_parent(&t), TP) == 0 &&
	    strcmp(trace_state(&t), "m=1") == 0,
	    "_meta and headers: _meta wins, with its own tracestate");
	is_str(t.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736", "trace-id");
	is_str(t.parent_id, "00f067aa0ba902b7", "parent-id");
	is_str(trace_source_name(t.source), "meta", "source: meta");
	trace_choose(&t, TRACEM_FORWARD, TP, strlen(TP), NULL, 0, other,
	    "h=1");
	ok(t.source == TRACE_META && trace_state(&t) == NULL,
	    "_meta without tracestate: never the header's tracestate");
	trace_choose(&t, TRACEM_FORWARD, "00-bad", 6, "m=1", 3, other,
	    "h=1");
	ok(t.source == TRACE_HEADER && strcmp(trace_parent(&t), other) == 0 &&
	    strcmp(trace_state(&t), "h=1") == 0,
	    "_meta's traceparent invalid: ignored, the headers' used");
	is_str(t.trace_id, "0af7651916cd43dd8448eb211c80319c",
	    "... its trace-id");
	trace_choose(&t, TRACEM_FORWARD, NULL, 0, NULL, 0, other, "H=1");
	ok(t.source == TRACE_HEADER && trace_state(&t) == NULL,
	    "a header tracestate that is invalid: not sent");
	trace_choose(&t, TRACEM_FORWARD, NULL, 0, "m=1", 3, NULL, NULL);
	ok(t.source == TRACE_NONE && trace_parent(&t) == NULL &&
	    trace_state(&t) == NULL && t.trace_id[0] == '\0',
	    "tracestate alone: nothing");
	trace_choose(&t, TRACEM_FORWARD, "00-bad", 6, NULL, 0, "junk", NULL);
	ok(t.source == TRACE_NONE && trace_parent(&t) == NULL,
	    "forward, nothing valid: nothing sent");
	trace_choose(&t, TRACEM_OFF, TP, strlen(TP), "m=1", 3, other,
	    NULL);
	ok(t.source == TRACE_NONE && trace_parent(&t) == NULL &&
	    t.trace_id[0] == '\0', "off: nothing, whatever came");
	trace_choose(&t, TRACEM_START, TP, strlen(TP), NULL, 0, NULL, NULL);
	ok(t.source == TRACE_META && strcmp(trace_parent(&t), TP) == 0,
	    "start with a context: it is passed on");
	trace_choose(&t, TRACEM_START, NULL, 0, NULL, 0, "junk", "a=1");
	ok(t.source == TRACE_STARTED && trace_parse_parent(t.parent,
	    strlen(t.parent), again) == 0 && strcmp(again, t.parent) == 0,
	    "start without one: a new, valid traceparent (%s)", t.parent);
	ok(strcmp(t.parent + 53, "03") == 0 && trace_state(&t) == NULL,
	    "... sampled and random, no tracestate");
	ok(strncmp(t.parent + 3, t.trace_id, TRACE_ID_LEN) == 0 &&
	    strncmp(t.parent + 36, t.parent_id, TRACE_SPAN_LEN) == 0,
	    "... its ids for the logs");
	trace_choose(&u, TRACEM_START, NULL, 0, NULL, 0, NULL, NULL);
	ok(strcmp(t.trace_id, u.trace_id) != 0 &&
	    strcmp(t.parent_id, u.parent_id) != 0, "... new ids each time");
	/* every bit random, the last too (samplers read the trace-id's
	 * last 56 bits): over 64 new traces, one of each parity at least
	 * (a false failure once in 2^63) */
	for (i = 0, even_t = even_p = 0; i < 64; i++) {
		trace_choose(&u, TRACEM_START, NULL, 0, NULL, 0, NULL, NULL);
		even_t += strchr("02468ace", u.trace_id[31]) != NULL;
		even_p += strchr("02468ace", u.parent_id[15]) != NULL;
	}
	ok(even_t > 0 && even_t < 64 && even_p > 0 && even_p < 64,
	    "... the ids' last bits random too (%d and %d even of 64)",
	    even_t, even_p);
	ok(trace_parent(NULL) == NULL && trace_state(NULL) == NULL,
	    "no context: NULL");
}

static void
t_request(void)
{
	struct trace_ctx	 t;
	struct json_object	*meta;
	struct req		 rq;
	char			*env[8];

	memset(&rq, 0, sizeof(rq));
	env[0] = "HTTP_TRACEPARENT=" TP2;
	env[1] = "HTTP_TRACESTATE=congo=t61rcWkgMzE";
	env[2] = NULL;
	rq.envp = env;
	meta = json_tokener_parse("{\"traceparent\":\"" TP "\","
	    "\"tracestate\":\"rojo=1\",\"progressToken\":1}");
	trace_from_request(&t, TRACEM_FORWARD, meta, &rq);
	ok(t.source == TRACE_META && strcmp(t.parent, TP) == 0 &&
	    strcmp(t.state, "rojo=1") == 0, "_meta before the headers");
	json_object_put(meta);
	trace_from_request(&t, TRACEM_FORWARD, NULL, &rq);
	ok(t.source == TRACE_HEADER && strcmp(t.parent, TP2) == 0 &&
	    strcmp(t.state, "congo=t61rcWkgMzE") == 0,
	    "no _meta: the traceparent and tracestate headers");
	meta = json_tokener_parse("{\"traceparent\":42,\"tracestate\":[]}");
	trace_from_request(&t, TRACEM_FORWARD, meta, &rq);
	ok(t.source == TRACE_HEADER, "_meta values that are not strings: "
	    "ignored");
	json_object_put(meta);
	meta = json_tokener_parse("[\"" TP "\"]");
	trace_from_request(&t, TRACEM_FORWARD, meta, &rq);
	ok(t.source == TRACE_HEADER, "_meta not an object: ignored");
	json_object_put(meta);
	meta = json_tokener_parse("{\"traceparent\":\"" TP "\\u0000\"}");
	trace_from_request(&t, TRACEM_FORWARD, meta, &rq);
	ok(t.source == TRACE_HEADER,
	    "_meta's traceparent with a \\u0000: invalid, not cut");
	json_object_put(meta);
	env[2] = "HTTP_TRACEPARENT=" TP;
	env[3] = NULL;
	trace_from_request(&t, TRACEM_FORWARD, NULL, &rq);
	ok(t.source == TRACE_NONE,
	    "two traceparent headers passed apart: neither used");
	env[2] = "HTTP_TRACESTATE=rojo=2";
	trace_from_request(&t, TRACEM_FORWARD, NULL, &rq);
	ok(t.source == TRACE_HEADER && t.state[0] == '\0',
	    "two tracestate parameters: not sent, traceparent kept");
	trace_from_request(&t, TRACEM_OFF, NULL, &rq);
	ok(t.source == TRACE_NONE, "off: the headers are not read");
	env[0] = "HTTP_X=1";
	env[1] = NULL;
	trace_from_request(&t, TRACEM_FORWARD, NULL, &rq);
	ok(t.source == TRACE_NONE, "no context anywhere: none");
}

static void
t_audit(void)
{
	struct audit_rec	 a;
	struct json_object	*o, *v;
	char			 line[AUDIT_LINE_MAX];
	size_t			 n;

	memset(&a, 0, sizeof(a));
	a.req = "0123456789abcdef";
	a.tool = "getItem";
	a.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
	a.parent_id = "00f067aa0ba902b7";
	n = audit_format(&a, line, sizeof(line));
	line[n] = '\0';
	ok(strstr(line, ",\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\","
	    "\"parent_id\":\"00f067aa0ba902b7\"}\n") != NULL,
	    "the audit record ends with trace_id and parent_id");
	o = json_tokener_parse(line);
	ok(o != NULL && json_object_object_length(o) == 14 &&
	    json_object_object_get_ex(o, "trace_id", &v),
	    "... and parses, 14 members");
	json_object_put(o);
	a.trace_id = "";
	n = audit_format(&a, line, sizeof(line));
	line[n] = '\0';
	ok(strstr(line, "trace_id") == NULL && strstr(line, "parent_id") ==
	    NULL, "no trace context: neither field");
}

int
main(void)
{
	t_parent();
	t_state();
	t_choose();
	t_request();
	t_audit();
	return done_testing();
}
