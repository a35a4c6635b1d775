/* SPDX-License-Identifier: ISC */
/*
 * jparse: recursive descent over RFC 8259, bounded by a nesting depth.
 *
 * Numbers: an integer that fits int64 (or, when positive, uint64) becomes
 * a json-c integer; anything else becomes a double that keeps its source
 * text, so a value passed on is written back as it came (json-c does the
 * same).  Strings: escapes decoded, a lone surrogate escape becomes
 * U+FFFD (as json-c does), \u0000 is kept (callers that need C strings
 * use jp_string); raw bytes must be well-formed UTF-8 (RFC 3629), checked
 * as the string is copied, so a valid text is read in one pass.
 *
 * Memory: every value is charged what json-c will take for it (measured
 * with glibc on x86-64, malloc's overhead included), and a parse past
 * the caller's bound (JP_TREE_MAX for texts from outside) stops.  Empty
 * objects and arrays cost 250 and 130 times their text, strings barely
 * more than theirs, so the charge, not the text's length, is what bounds
 * a hostile text.
 *
 * An invalid text is scanned a second time, for its error message only:
 * a byte-level fault (invalid UTF-8, a control character in a string, a
 * capital letter outside one, as in NaN) is named wherever it is, before
 * the first grammar error, so that every caller reports the same cause
 * for the same text.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "jparse.h"
#include "util.h"

/* What json-c allocates, roughly: see "Memory" above. */
#define COST_OBJECT	768	/* its object and a table of 16 entries */
#define COST_ARRAY	384	/* its object and 32 slots */
#define COST_VALUE	64	/* a number, a literal, a string's object */
#define COST_MEMBER	48	/* a table entry and its key's copy */

struct jp {
	const char	*p;
	const char	*end;
	size_t		 cost;		/* charged so far, <= tree */
	size_t		 tree;		/* the caller's bound on it */
	int		 depth;
	int		 max;
	int		 flags;		/* JP_* */
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

/* Charge n bytes of tree; -1 past the bound (the cause is set). */
static int
charge(struct jp *j, size_t n)
{
	if (n > j->tree - j->cost) {
		if (j->cause == NULL)
			j->cause = "JSON text would take too much memory";
		return -1;
	}
	j->cost += n;
	return 0;
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

/*
 * The plain run of a string from j->p: no quote, backslash or control
 * byte, and (unless JP_BYTES) only well-formed UTF-8.  Returns where the
 * run stops, or NULL on invalid UTF-8 (j->p then at the faulty byte).
 */
static const char *
plain_run(struct jp *j)
{
	const unsigned char	*p = (const unsigned char *)j->p;
	const unsigned char	*end = (const unsigned char *)j->end;
	unsigned		 cp;
	size_t			 k;

	for (;;) {
		/* ASCII, the common case, in a tight loop */
		while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' &&
		    *p != '\\')
			p++;
		if (p == end || *p < 0x80)
			return (const char *)p;
		if (j->flags & JP_BYTES)
			k = 1;
		else if ((k = util_utf8_seq(p, (size_t)(end - p), &cp)) == 0) {
			j->p = (const char *)p;
			return NULL;
		}
		p += k;
	}
}

/* A string after its opening quote, into j->sb; -1 on error. */
static int
string(struct jp *j)
{
	const char	*s, *e;
	uint32_t	 cp, lo;

	buf_reset(&j->sb);
	for (;;) {
		/* copy the plain run in one go */
		s = j->p;
		if ((e = plain_run(j)) == NULL)
			return fail(j, "invalid UTF-8");
		j->p = e;
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
			/* a high surrogate pairs with the low one after it;
			 * alone it is U+FFFD, and the escape after it is read
			 * for itself (it may be the high half of a pair) */
			while (cp >= 0xd800 && cp <= 0xdbff &&
			    j->end - j->p >= 6 && j->p[0] == '\\' &&
			    j->p[1] == 'u') {
				j->p += 2;
				if (hex4(j, &lo) == -1)
					return -1;
				if (lo >= 0xdc00 && lo <= 0xdfff) {
					cp = 0x10000 + ((cp - 0xd800) << 10) +
					    (lo - 0xdc00);
					break;
				}
				put_utf8(&j->sb, 0xfffd);
				cp = lo;
			}
			if (cp >= 0xd800 && cp <= 0xdfff)
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
			if (string(j) == -1 ||
			    charge(j, COST_MEMBER + j->sb.len) == -1)
				goto err;
			/* json-c keys are C strings: "a\u0000x" would be read
			 * as "a", another name than the text says */
			if (j->sb.len > 0 && memchr(j->sb.data, 0, j->sb.len)) {
				fail(j, "NUL in a member name");
				goto err;
			}
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
			/* JP_NO_DUP: the members handed out are the
			 * member function's to check (jparse.h) */
			if ((j->flags & JP_NO_DUP) && !sink &&
			    json_object_object_get_ex(c, key, NULL)) {
				fail(j, "duplicate member name");
				if (key != kbuf)
					free(key);
				goto err;
			}
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
	if (charge(j, *j->p == '{' ? COST_OBJECT : *j->p == '[' ?
	    COST_ARRAY : COST_VALUE) == -1)
		return NULL;
	switch (*j->p) {
	case '{':
		j->p++;
		return container(j, 1);
	case '[':
		j->p++;
		return container(j, 0);
	case '"':
		j->p++;
		if (string(j) == -1 || charge(j, j->sb.len) == -1)
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
 * A text's first byte-level fault, or NULL: ill-formed UTF-8 (overlong
 * forms, surrogates, beyond U+10FFFF: RFC 3629), a byte below 0x20 in a
 * string (RFC 8259 §7), a capital letter outside strings other than the
 * exponent's E (so NaN and Infinity get a message of their own).  Only
 * run on a text the parser refused: every valid text passes it.
 */
static const char *
scan_text(const unsigned char *p, size_t n)
{
	size_t		 i = 0, k;
	unsigned	 cp;
	int		 in_str = 0, esc = 0;

	while (i < n) {
		unsigned char	 c = p[i];

		if (c < 0x80) {
			if (in_str) {
				if (c < 0x20)
					return "control character in a string";
				if (esc)
					esc = 0;
				else if (c == '\\')
					esc = 1;
				else if (c == '"')
					in_str = 0;
			} else if (c == '"')
				in_str = 1;
			else if (c >= 'A' && c <= 'Z' && c != 'E')
				return "not JSON (NaN and Infinity are not "
				    "numbers)";
			i++;
			continue;
		}
		esc = 0;
		if ((k = util_utf8_seq(p + i, n - i, &cp)) == 0)
			return "invalid UTF-8";
		i += k;
	}
	return NULL;
}

/* What the parses since the last jp_built_take() charged (jparse.h). */
static size_t	 jp_built;

size_t
jp_built_take(void)
{
	size_t	 n = jp_built;

	jp_built = 0;
	return n;
}

/*
 * Parse exactly one JSON value from p[0..n) by the caller's rules: at
 * most o->max bytes, nesting at most o->depth, only whitespace around
 * it, and o->flags.  Returns 0 with *out the tree (the caller owns it;
 * NULL for JSON null under JP_NULL, or when jp_parse_members handed the
 * members out), or -1 with *out NULL and *cause a static text.
 */
static int
jp_run(struct jp *j, const char *p, size_t n, const struct jp_opts *o,
    struct json_object **out, const char **cause)
{
	/* the string scratch outlives a parse: one allocation per worker */
	static struct buf	 scratch;
	const char		*fault;
	int			 rc = -1;

	*out = NULL;
	*cause = NULL;
	if (n == 0) {
		*cause = "empty body";
		return -1;
	}
	if (n > o->max || n > JP_TEXT_MAX) {
		*cause = "JSON text too large";
		return -1;
	}
	j->p = p;
	j->end = p + n;
	j->max = o->depth;
	j->flags = o->flags;
	j->tree = o->tree;
	j->sb = scratch;
	ws(j);
	*out = value(j);
	if (j->cause == NULL) {
		ws(j);
		if (j->p < j->end)
			j->cause = "trailing data after the JSON value";
		else if (*out == NULL && !j->top_sunk &&
		    !(o->flags & JP_NULL))
			j->cause = "JSON null";
		else if ((o->flags & JP_OBJECT) && !j->top_sunk &&
		    !json_object_is_type(*out, json_type_object))
			j->cause = "not a JSON object";
		else
			rc = 0;
	}
	if (rc == -1) {
		json_object_put(*out);
		*out = NULL;
		*cause = j->cause;
		/* a fault in the bytes is named before the grammar's */
		if (!(o->flags & JP_BYTES) &&
		    (fault = scan_text((const unsigned char *)p, n)) != NULL)
			*cause = fault;
	}
	if (j->sb.cap > 65536)
		buf_free(&j->sb);	/* not kept after a huge string */
	scratch = j->sb;
	jp_built += j->cost;	/* freed or not: the heap grew by it */
	return rc;
}

/* The one way to read a JSON text: see jp_run for the rules. */
int
jp_parse(const char *p, size_t n, const struct jp_opts *o,
    struct json_object **out, const char **cause)
{
	struct jp	 j;

	memset(&j, 0, sizeof(j));
	return jp_run(&j, p, n, o, out, cause);
}

/*
 * Like jp_parse, but when the text is an object its members are handed to
 * `fn` one by one (the key, and the value as a new reference that `fn`
 * owns) and no object is built: 1.  Any other value comes back in *out:
 * 0.  On an error (-1) some members may have been handed over already.
 * The request body's reader: one pass, no tree for the envelope.
 */
int
jp_parse_members(const char *p, size_t n, const struct jp_opts *o,
    jp_member_fn fn, void *ctx, struct json_object **out, const char **cause)
{
	struct jp	 j;

	memset(&j, 0, sizeof(j));
	j.top_fn = fn;
	j.top_ctx = ctx;
	if (jp_run(&j, p, n, o, out, cause) == -1)
		return -1;
	return j.top_sunk;
}

/*
 * The text of a string literal after its opening quote, its closing quote
 * the last of the n bytes, decoded as jp_parse decodes strings: into
 * `out`, which it replaces; -1 when it is not one.  For a search of a
 * text's strings that builds no tree.
 */
int
jp_unescape(const char *p, size_t n, struct buf *out)
{
	struct jp	 j;
	int		 rc;

	memset(&j, 0, sizeof(j));
	j.p = p;
	j.end = p + n;
	j.flags = JP_BYTES;	/* the search needs no valid UTF-8 */
	j.sb = *out;
	rc = string(&j) == 0 && j.p == j.end ? 0 : -1;
	*out = j.sb;
	return rc;
}

/* A JSON string as a C string, or NULL when it is not one or holds NUL. */
const char *
jp_string(struct json_object *o)
{
	const char	*s;

	if (!json_object_is_type(o, json_type_string))
		return NULL;
	s = json_object_get_string(o);
	return strlen(s) == (size_t)json_object_get_string_len(o) ? s : NULL;
}
