/* SPDX-License-Identifier: ISC */
/*
 * jwrite: compact JSON text of a json-c tree, appended to a buf.  The
 * output is byte for byte what json-c prints with JSON_C_TO_STRING_PLAIN |
 * JSON_C_TO_STRING_NOSLASHESCAPE (tests/unit/t_jsonrpc.c compares them):
 * members in insertion order, the same escapes, lower-case \u00XX.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jwrite.h"

#define JW_FLAGS	(JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

/* 1: the byte needs an escape in a JSON string (as json-c escapes). */
static const unsigned char jw_esc[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* '"' */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,	/* '\\' */
};

void
jw_string(struct buf *b, const char *s, size_t n)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i;
	unsigned char		 c;
	char			*o;

	/*
	 * Room for every byte escaped in two and the quotes, so the loop
	 * writes without checks; a \u00XX escape (a control byte) makes
	 * its own room.
	 */
	buf_reserve(b, 2 * n + 2);
	o = b->data + b->len;
	*o++ = '"';
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (!jw_esc[c]) {
			*o++ = (char)c;
			continue;
		}
		*o++ = '\\';
		switch (c) {
		case '\b': *o++ = 'b'; break;
		case '\f': *o++ = 'f'; break;
		case '\n': *o++ = 'n'; break;
		case '\r': *o++ = 'r'; break;
		case '\t': *o++ = 't'; break;
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		default:
			b->len = (size_t)(o - b->data);
			buf_reserve(b, 2 * (n - i) + 6);
			o = b->data + b->len;
			memcpy(o, "u00", 3);
			o[3] = hex[c >> 4];
			o[4] = hex[c & 0xf];
			o += 5;
			break;
		}
	}
	*o++ = '"';
	b->len = (size_t)(o - b->data);
	b->data[b->len] = '\0';
}

void
jw_int(struct buf *b, long long v)
{
	char	 d[24];
	size_t	 n = 0;

	if (v < 0) {
		d[n++] = '-';
		/* no overflow on LLONG_MIN: negate in unsigned arithmetic */
		n += util_utoa(d + n, 0ULL - (unsigned long long)v);
	} else
		n = util_utoa(d, (unsigned long long)v);
	buf_append(b, d, n);
}

/* json-c keeps integers above INT64_MAX as unsigned; print those too. */
static void
jw_integer(struct buf *b, struct json_object *o)
{
	int64_t	 v = json_object_get_int64(o);
	char	 d[24];

	if (v == INT64_MAX && json_object_get_uint64(o) > (uint64_t)INT64_MAX)
		buf_append(b, d, util_utoa(d, json_object_get_uint64(o)));
	else
		jw_int(b, v);
}

/*
 * A raw node that got members after it was made (a tool result gets
 * resultType and _meta once the tool has answered): its text, an object,
 * up to its closing brace, so that the members follow inside it.
 * Returns 1 when the text's object is empty (no comma before the first).
 */
static int
jw_raw_open(struct buf *b, const struct jw_text *t)
{
	size_t	 n = t->n;

	while (n > 0 && t->p[n - 1] != '}')
		n--;
	if (n == 0)
		abort();	/* members added to a text that is no object */
	buf_append(b, t->p, --n);
	while (n > 0 && (t->p[n - 1] == ' ' || t->p[n - 1] == '\t' ||
	    t->p[n - 1] == '\n' || t->p[n - 1] == '\r'))
		n--;
	return n > 0 && t->p[n - 1] == '{';
}

void
jw_value(struct buf *b, struct json_object *o)
{
	const struct jw_text	*raw;
	struct json_object	*v;
	size_t			 i, n;
	const char		*s;
	int			 first = 1;

	switch (json_object_get_type(o)) {
	case json_type_null:
		buf_append(b, "null", 4);
		break;
	case json_type_boolean:
		if (json_object_get_boolean(o))
			buf_append(b, "true", 4);
		else
			buf_append(b, "false", 5);
		break;
	case json_type_int:
		jw_integer(b, o);
		break;
	case json_type_string:
		jw_string(b, json_object_get_string(o),
		    (size_t)json_object_get_string_len(o));
		break;
	case json_type_object:
		/* only jw_raw_node() and jw_raw_take() put user data on an
		 * object: its text, with the members added to the node since */
		raw = json_object_get_userdata(o);
		if (raw != NULL && json_object_object_length(o) == 0) {
			buf_append(b, raw->p, raw->n);
			break;
		}
		if (raw != NULL)
			first = jw_raw_open(b, raw);
		else
			buf_putc(b, '{');
		json_object_object_foreach(o, key, val) {
			if (!first)
				buf_putc(b, ',');
			first = 0;
			jw_string(b, key, strlen(key));
			buf_putc(b, ':');
			jw_value(b, val);
		}
		buf_putc(b, '}');
		break;
	case json_type_array:
		buf_putc(b, '[');
		n = json_object_array_length(o);
		for (i = 0; i < n; i++) {
			if (i > 0)
				buf_putc(b, ',');
			v = json_object_array_get_idx(o, i);
			jw_value(b, v);
		}
		buf_putc(b, ']');
		break;
	default:
		/*
		 * Doubles.  A parsed number keeps its text (json-c prints
		 * that); others follow json-c's rules (".0" on integral
		 * values, 17 digits), rare enough to delegate.
		 */
		if (json_object_is_type(o, json_type_double) &&
		    (s = json_object_get_userdata(o)) != NULL)
			buf_append(b, s, strlen(s));
		else {
			s = json_object_to_json_string_length(o, JW_FLAGS, &n);
			buf_append(b, s, n);
		}
		break;
	}
}

static int
jw_raw_print(struct json_object *o, struct printbuf *pb, int level,
    int flags)
{
	struct buf	 b;
	int		 rc;

	(void)level;
	(void)flags;
	/* the text and any members added to the node, as jw_value writes */
	buf_init(&b);
	jw_value(&b, o);
	rc = printbuf_memappend(pb, b.data, (int)b.len);
	buf_free(&b);
	return rc;
}

/*
 * A placeholder object that prints as `t`'s text, both here and through
 * json-c's serialiser.  The user data marks it; nothing else may set user
 * data on an object that jw_value() prints.
 */
struct json_object *
jw_raw_node(const struct jw_text *t)
{
	struct json_object	*o = json_object_new_object();

	json_object_set_serializer(o, jw_raw_print, (void *)t, NULL);
	return o;
}

static void
jw_raw_free(struct json_object *o, void *userdata)
{
	struct jw_text	*t = userdata;

	(void)o;
	free((void *)(uintptr_t)t->p);
	free(t);
}

/* The same, for a text it takes from `b` (left empty) and frees with it. */
struct json_object *
jw_raw_take(struct buf *b)
{
	struct jw_text		*t = xmalloc(sizeof(*t));
	struct json_object	*o = json_object_new_object();

	t->n = b->len;
	t->p = buf_release(b);
	json_object_set_serializer(o, jw_raw_print, t, jw_raw_free);
	return o;
}
