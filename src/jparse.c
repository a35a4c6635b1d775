/* SPDX-License-Identifier: ISC */
/*
 * jparse: recursive descent over RFC 8259, bounded by a nesting depth.
 *
 * Numbers: an integer that fits int64 (or, when positive, uint64) becomes
 * a json-c integer; anything else becomes a double that keeps its source
 * text, so a value passed on is written back as it came (json-c does the
 * same).  Strings: escapes decoded, a lone surrogate escape becomes
 * U+FFFD (as json-c does), \u0000 is kept (callers that need C strings
 * use rpc_string).  Raw bytes are not checked for UTF-8 here: the caller
 * (rpc_parse_bounded) scans the text first.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "jparse.h"
#include "util.h"

struct jp {
	const char	*p;
	const char	*end;
	int		 depth;
	int		 max;
	const char	*cause;
	struct buf	 sb;		/* string scratch, kept between parses */
	/* jp_parse_members: where the top-level object's members go */
	jp_member_fn	 top_fn;
	void		*top_ctx;
	int		 top_sunk;	/* the top value was such an object */
};

static struct json_object *value(struct jp *);

static void
ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
	    *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int
fail(struct jp *j, const char *cause)
{
	if (j->cause == NULL)
		j->cause = j->p >= j->end ? "truncated JSON" : cause;
	return -1;
}

static int
literal(struct jp *j, const char *word)
{
	size_t	 n = strlen(word), have = (size_t)(j->end - j->p);

	if (have < n) {
		if (memcmp(j->p, word, have) == 0)
			j->p = j->end;	/* a prefix: the input ended */
		return fail(j, "invalid JSON");
	}
	if (memcmp(j->p, word, n) != 0)
		return fail(j, "invalid JSON");
	j->p += n;
	return 0;
}

static void
put_utf8(struct buf *b, uint32_t cp)
{
	char	 u[4];

	if (cp < 0x80) {
		buf_putc(b, (char)cp);
		return;
	}
	if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		buf_append(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		buf_append(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		buf_append(b, u, 4);
	}
}

static int
hex4(struct jp *j, uint32_t *out)
{
	int	 i, v;

	if (j->end - j->p < 4)
		return (j->p = j->end, fail(j, "truncated JSON"));
	*out = 0;
	for (i = 0; i < 4; i++) {
		if ((v = util_hexval((unsigned char)j->p[i])) < 0)
			return fail(j, "invalid \\u escape");
		*out = *out << 4 | (uint32_t)v;
	}
	j->p += 4;
	return 0;
}

/* A string after its opening quote, into j->sb; -1 on error. */
static int
string(struct jp *j)
{
	const char	*s;
	uint32_t	 cp, lo;

	buf_reset(&j->sb);
	for (;;) {
		/* copy the plain run in one go */
		for (s = j->p; j->p < j->end && *j->p != '"' &&
		    *j->p != '\\' && (unsigned char)*j->p >= 0x20; j->p++)
			;
		buf_append(&j->sb, s, (size_t)(j->p - s));
		if (j->p >= j->end)
			return fail(j, "truncated JSON");
		if (*j->p == '"') {
			j->p++;
			return 0;
		}
		if (*j->p != '\\')
			return fail(j, "control character in a string");
		if (++j->p >= j->end)
			return fail(j, "truncated JSON");
		switch (*j->p++) {
		case '"': buf_putc(&j->sb, '"'); break;
		case '\\': buf_putc(&j->sb, '\\'); break;
		case '/': buf_putc(&j->sb, '/'); break;
		case 'b': buf_putc(&j->sb, '\b'); break;
		case 'f': buf_putc(&j->sb, '\f'); break;
		case 'n': buf_putc(&j->sb, '\n'); break;
		case 'r': buf_putc(&j->sb, '\r'); break;
		case 't': buf_putc(&j->sb, '\t'); break;
		case 'u':
			if (hex4(j, &cp) == -1)
				return -1;
			if (cp >= 0xd800 && cp <= 0xdbff && j->end - j->p >= 6 &&
			    j->p[0] == '\\' && j->p[1] == 'u') {
				j->p += 2;
				if (hex4(j, &lo) == -1)
					return -1;
				if (lo >= 0xdc00 && lo <= 0xdfff)
					cp = 0x10000 + ((cp - 0xd800) << 10) +
					    (lo - 0xdc00);
				else {
					/* a high surrogate alone, then lo */
					put_utf8(&j->sb, 0xfffd);
					cp = lo >= 0xd800 && lo <= 0xdfff ?
					    0xfffd : lo;
				}
			} else if (cp >= 0xd800 && cp <= 0xdfff)
				cp = 0xfffd;
			put_utf8(&j->sb, cp);
			break;
		default:
			j->p--;
			return fail(j, "invalid escape in a string");
		}
	}
}

static int
digits(struct jp *j)
{
	const char	*s = j->p;

	while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > s ? 0 : fail(j, "invalid number");
}

static struct json_object *
number(struct jp *j)
{
	const char	*s = j->p;
	char		 text[64], *big = NULL, *t, *e;
	int		 integral = 1;
	long long	 ll;
	unsigned long long ull;
	double		 d;
	size_t		 n;
	struct json_object *o;

	if (*j->p == '-')
		j->p++;
	if (j->p < j->end && *j->p == '0')
		j->p++;
	else if (digits(j) == -1)
		return NULL;
	if (j->p < j->end && *j->p == '.') {
		integral = 0;
		j->p++;
		if (digits(j) == -1)
			return NULL;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		integral = 0;
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (digits(j) == -1)
			return NULL;
	}
	n = (size_t)(j->p - s);
	t = n < sizeof(text) ? text : (big = xmalloc(n + 1));
	memcpy(t, s, n);
	t[n] = '\0';
	if (integral) {
		errno = 0;
		ll = strtoll(t, &e, 10);
		if (errno == 0 && *e == '\0') {
			free(big);
			return json_object_new_int64(ll);
		}
		if (t[0] != '-') {
			errno = 0;
			ull = strtoull(t, &e, 10);
			if (errno == 0 && *e == '\0') {
				free(big);
				return json_object_new_uint64(ull);
			}
		}
	}
	/* beyond 64 bits, or a fraction: a double that keeps its text */
	d = strtod(t, &e);
	o = json_object_new_double_s(d, t);
	free(big);
	return o;
}

static struct json_object *
container(struct jp *j, int obj)
{
	struct json_object	*c = NULL, *v;
	char			*key, kbuf[64];
	int			 sink;

	if (++j->depth > j->max) {
		fail(j, "JSON nested too deeply");
		return NULL;
	}
	/* the top-level object of jp_parse_members is never built */
	sink = obj && j->depth == 1 && j->top_fn != NULL;
	j->top_sunk |= sink;
	if (!sink)
		c = obj ? json_object_new_object() : json_object_new_array();
	ws(j);
	if (j->p < j->end && *j->p == (obj ? '}' : ']')) {
		j->p++;
		j->depth--;
		return c;
	}
	for (;;) {
		key = NULL;
		if (obj) {
			if (j->p >= j->end || *j->p != '"') {
				fail(j, "expected a member name");
				goto err;
			}
			j->p++;
			if (string(j) == -1)
				goto err;
			/* a short key on the stack: no allocation of our own
			 * (json-c copies it anyway) */
			if (j->sb.len < sizeof(kbuf)) {
				memcpy(kbuf, j->sb.data ? j->sb.data : "",
				    j->sb.len + 1);
				key = kbuf;
			} else
				key = xstrndup(j->sb.data, j->sb.len);
			ws(j);
			if (j->p >= j->end || *j->p != ':') {
				fail(j, "expected ':'");
				if (key != kbuf)
					free(key);
				goto err;
			}
			j->p++;
			ws(j);
		}
		v = value(j);
		if (j->cause != NULL) {
			if (key != kbuf)
				free(key);
			goto err;
		}
		if (obj) {
			if (sink)
				j->top_fn(j->top_ctx, key, v);
			else
				json_object_object_add(c, key, v);
			if (key != kbuf)
				free(key);
		} else
			json_object_array_add(c, v);
		ws(j);
		if (j->p >= j->end) {
			fail(j, "truncated JSON");
			goto err;
		}
		if (*j->p == ',') {
			j->p++;
			ws(j);
			continue;
		}
		if (*j->p == (obj ? '}' : ']')) {
			j->p++;
			j->depth--;
			return c;
		}
		fail(j, obj ? "expected ',' or '}'" : "expected ',' or ']'");
		goto err;
	}
err:
	json_object_put(c);
	return NULL;
}

/* One value at j->p (whitespace skipped); NULL is JSON null or an error. */
static struct json_object *
value(struct jp *j)
{
	if (j->p >= j->end) {
		fail(j, "truncated JSON");
		return NULL;
	}
	switch (*j->p) {
	case '{':
		j->p++;
		return container(j, 1);
	case '[':
		j->p++;
		return container(j, 0);
	case '"':
		j->p++;
		if (string(j) == -1)
			return NULL;
		return json_object_new_string_len(j->sb.data ? j->sb.data :
		    "", (int)j->sb.len);
	case 't':
		return literal(j, "true") == 0 ?
		    json_object_new_boolean(1) : NULL;
	case 'f':
		return literal(j, "false") == 0 ?
		    json_object_new_boolean(0) : NULL;
	case 'n':
		literal(j, "null");
		return NULL;
	default:
		if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9'))
			return number(j);
		fail(j, "invalid JSON");
		return NULL;
	}
}

/*
 * Parse exactly one JSON value from p[0..n): nesting at most `depth`,
 * only whitespace around it.  Returns 0 with *out the tree (NULL for
 * JSON null; the caller owns it), or -1 with *cause.
 */
static int
jp_run(struct jp *j, const char *p, size_t n, int depth,
    struct json_object **out, const char **cause)
{
	/* the string scratch outlives a parse: one allocation per worker */
	static struct buf	 scratch;
	int			 rc = -1;

	*out = NULL;
	j->p = p;
	j->end = p + n;
	j->max = depth;
	j->sb = scratch;
	ws(j);
	*out = value(j);
	if (j->cause == NULL) {
		ws(j);
		if (j->p < j->end)
			j->cause = "trailing data after the JSON value";
		else
			rc = 0;
	}
	if (rc == -1) {
		json_object_put(*out);
		*out = NULL;
		*cause = j->cause;
	}
	if (j->sb.cap > 65536)
		buf_free(&j->sb);	/* not kept after a huge string */
	scratch = j->sb;
	return rc;
}

int
jp_parse(const char *p, size_t n, int depth, struct json_object **out,
    const char **cause)
{
	struct jp	 j;

	memset(&j, 0, sizeof(j));
	return jp_run(&j, p, n, depth, out, cause);
}

/*
 * Like jp_parse, but when the text is an object its members are handed to
 * `fn` one by one (the key, and the value as a new reference that `fn`
 * owns) and no object is built: 1.  Any other value comes back in *out:
 * 0.  On an error (-1) some members may have been handed over already.
 */
int
jp_parse_members(const char *p, size_t n, int depth, jp_member_fn fn,
    void *ctx, struct json_object **out, const char **cause)
{
	struct jp	 j;

	memset(&j, 0, sizeof(j));
	j.top_fn = fn;
	j.top_ctx = ctx;
	if (jp_run(&j, p, n, depth, out, cause) == -1)
		return -1;
	return j.top_sunk;
}
