/* SPDX-License-Identifier: ISC */
/*
 * jsonschema: a small JSON Schema validator for tool arguments.  The first
 * failure wins and is reported with the argument's path, e.g.
 * "arguments.tags[2]: expected string, got integer".
 *
 * What is done with odd schemas (the operator's document; see jsonschema.h
 * for why the rule is "ignore"):
 * - A schema that is neither an object nor a boolean takes anything.  So
 *   does a keyword whose value has the wrong JSON type, a "type" that names
 *   an unknown type ("file" from Swagger 2), a count that is not a
 *   non-negative integer, a multipleOf that is not above zero, an empty
 *   allOf/anyOf/oneOf (no valid schema has one).  An empty enum is a
 *   valid schema, which takes nothing.
 * - A "$ref" that is not a local JSON pointer ("other.json#/x", "#anchor"),
 *   or one that does not resolve, takes nothing (MCP: an unresolved $ref
 *   is not permissive); the loader refuses such references anyway.
 * - "nullable": true (OpenAPI 3.0) lets null through the whole schema, not
 *   only its "type": documents write {"nullable": true, "allOf": [{"$ref":
 *   ...}]} and {"nullable": true, "enum": [...]} and mean that null is fine.
 * - A property in "required" whose own schema says "readOnly": true is not
 *   required in a request (OpenAPI 3.0: required applies to responses
 *   only); in an answer (js_validate_answer) it is.
 * - "pattern" is not checked for a string longer than JRE_SUBJECT_MAX, nor
 *   past the value's budget of PCRE2 steps (src/jsregex.c says why).
 * - A "pattern" PCRE2 cannot read (src/jsregex.c) is not checked, and says
 *   so in the log once for each schema that holds it; one among
 *   "patternProperties" also leaves "additionalProperties" unchecked:
 *   nobody knows which members it would have matched.
 * - "oneOf" next to an OpenAPI "discriminator" is checked as "anyOf" in a
 *   request: variants that share their properties would otherwise all
 *   match.  An answer is held to the "oneOf" a client checks it against.
 * - "uniqueItems" and "enum" compare only values whose hashes meet
 *   (src/jshash.c), and those comparisons come from budgets for the whole
 *   value: past its budget "uniqueItems" gives up (passes), and "enum" and
 *   "const" refuse the value.  Hashes keyed per process meet for values
 *   that are equal, and almost never otherwise, so that the budgets are a
 *   bound that legitimate values do not reach.
 * - "multipleOf" is exact: for integers, for doubles in binary (1e308 is
 *   a multiple of 0.5, not of 0.123456789) or else in decimal, on the
 *   shortest texts that read back as the two doubles (0.3 is a multiple
 *   of 0.1, 19.99 of 0.01, though not in binary; 4000000000000001 is no
 *   multiple of 2).
 *
 * Bounds: JS_MAX_DEPTH nested levels (a "$ref" cycle without progress hits
 * it); a budget of validation calls that grows with the size of the value,
 * so that "anyOf" over recursive references cannot take exponential time.
 * Hitting either fails the validation, and "not" or "anyOf" never turn that
 * failure into a success.
 */
#include "config.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>

#include "jshash.h"
#include "jsonschema.h"
#include "jsregex.h"
#include "log.h"
#include "util.h"

#define JS_STEPS_MIN	(1L << 18)	/* validation calls for any value */
#define JS_STEPS_NODE	64L		/* and this many more per value node */
#define JS_NODES_MAX	(1L << 24)	/* counting the value's nodes stops here */
#define JS_EQ_BUDGET	(1L << 22)	/* node comparisons of equal hashes */
#define JS_EQ_NODE	16L		/* and this many more per value node */
#define JS_RE_BUDGET	10000000u	/* PCRE2 steps for a whole value */
#define JS_RE_SECONDS	0.05		/* and time, for what it leaves out */
#define JS_MSG_MAX	512		/* a message before its path */
#define JS_SHOW_MAX	32		/* code points of a string in a message */
#define JS_SHOW_SZ	(JS_SHOW_MAX * 6 + 16)	/* a shown value: \u00XX */
#define ELLIPSIS	"\xe2\x80\xa6"	/* U+2026 */

/* validate() results: 0 valid, JS_INVALID, or JS_FATAL that stops all */
#define JS_INVALID	(-1)
#define JS_FATAL	(-2)

enum js_type {
	JT_STRING,
	JT_INTEGER,
	JT_NUMBER,
	JT_BOOLEAN,
	JT_OBJECT,
	JT_ARRAY,
	JT_NULL,
	JT__MAX
};

/* In the order messages list them: "expected string or null". */
static const char *const js_type_names[JT__MAX] = {
	"string", "integer", "number", "boolean", "object", "array", "null"
};

struct js_ctx {
	struct json_object	*root;
	char			*err;
	size_t			 errsz;
	char			 path[JS_PATH_MAX];
	size_t			 plen;
	int			 ptrunc;	/* path ends in "…" */
	int			 vdepth;	/* value levels in path */
	int			 depth;		/* nested validate() calls */
	int			 quiet;		/* trying branches: no text */
	int			 answer;	/* an API's answer: none of the
						 * relaxations for requests */
	long			 steps;		/* validate() calls left */
	long			 eq_left;	/* enum and const comparisons */
	long			 uniq_left;	/* uniqueItems comparisons */
	size_t			 re_budget;	/* pattern matching's steps */
	double			 re_spent;	/* and its seconds */
	/* the last failure, so that anyOf and oneOf can say something useful */
	int			 err_type;	/* it was a type mismatch ... */
	unsigned		 err_mask;	/* ... and these types would do */
	int			 err_vdepth;	/* ... at this value level */
};

struct js_mark {
	size_t	len;
	int	trunc;
	int	vdepth;
};

/* A message under construction: pieces are appended whole or not at all. */
struct sbuf {
	char	*p;
	size_t	 sz;
	size_t	 len;
};

/*
 * A JSON number.  json-c keeps integers above INT64_MAX as uint64; keep
 * them apart so that comparisons with doubles and bounds stay exact.
 */
enum num_kind {
	N_INT,
	N_UINT,		/* only values above INT64_MAX */
	N_DOUBLE
};

struct num {
	enum num_kind	 kind;
	int64_t		 i;
	uint64_t	 u;
	double		 d;
};

static int	validate(struct js_ctx *, struct json_object *,
		    struct json_object *);

static void
sb_init(struct sbuf *b, char *p, size_t sz)
{
	b->p = p;
	b->sz = sz;
	b->len = 0;
	p[0] = '\0';
}

static int
sb_put(struct sbuf *b, const char *s, size_t n)
{
	if (n >= b->sz - b->len)
		return -1;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

static int
sb_puts(struct sbuf *b, const char *s)
{
	return sb_put(b, s, strlen(s));
}

static int
sb_room_for(const struct sbuf *b, size_t n)
{
	return n < b->sz - b->len ? 0 : -1;
}

/* Length of the UTF-8 sequence that starts at s[0]; 1 for a stray byte. */
static size_t
utf8_len(const char *s, size_t n)
{
	unsigned char	 c = (unsigned char)s[0];
	size_t		 want, i;

	want = c >= 0xf0 && c < 0xf8 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
	if (c >= 0xf8)
		want = 1;
	for (i = 1; i < want && i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			break;
	return i;
}

/*
 * Append s as a JSON string literal, cut after `max` code points with "…"
 * so that one long value cannot crowd out the rest of a message.
 */
static void
sb_quote(struct sbuf *b, const char *s, size_t n, size_t max)
{
	char		 esc[8];
	size_t		 i, k, cp;
	unsigned char	 c;

	sb_put(b, "\"", 1);
	for (i = cp = 0; i < n; i += k, cp++) {
		if (cp == max) {
			sb_puts(b, ELLIPSIS);
			break;
		}
		c = (unsigned char)s[i];
		k = 1;
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			sb_put(b, esc, 2);
		} else if (c < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			sb_puts(b, esc);
		} else {
			k = utf8_len(s + i, n - i);
			sb_put(b, s + i, k);
		}
	}
	sb_put(b, "\"", 1);
}

/* Cut a trailing UTF-8 sequence that truncation left incomplete. */
static void
utf8_trim(char *s)
{
	size_t		 len = strlen(s), i = len, want;
	unsigned char	 c;

	/* back to the lead byte of the last sequence */
	while (i > 0 && len - i < 3 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == 0)
		return;
	c = (unsigned char)s[i - 1];
	want = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
	if (len - (i - 1) < want)
		s[i - 1] = '\0';
}

/*
 * The path: one fixed buffer, extended on the way down and cut back on the
 * way up.  Past JS_PATH_MAX it ends in "…"; the "…" always has room because
 * an uncut path never grows into the last three bytes.
 */
static void
path_put(struct js_ctx *c, const char *s, size_t n)
{
	size_t	 cut = sizeof(c->path) - 1 - 3, i;

	if (c->ptrunc)
		return;
	if (n <= cut - c->plen) {
		memcpy(c->path + c->plen, s, n);
		c->plen += n;
		c->path[c->plen] = '\0';
		return;
	}
	/* s[i] is the first byte dropped: do not split a UTF-8 sequence */
	for (i = cut - c->plen; i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80;
	    i--)
		;
	memcpy(c->path + c->plen, s, i);
	memcpy(c->path + c->plen + i, ELLIPSIS, 3);
	c->plen += i + 3;
	c->path[c->plen] = '\0';
	c->ptrunc = 1;
}

static void
path_save(struct js_ctx *c, struct js_mark *m)
{
	m->len = c->plen;
	m->trunc = c->ptrunc;
	m->vdepth = c->vdepth;
}

static void
path_restore(struct js_ctx *c, const struct js_mark *m)
{
	c->plen = m->len;
	c->ptrunc = m->trunc;
	c->vdepth = m->vdepth;
	c->path[c->plen] = '\0';
}

static void
path_push_index(struct js_ctx *c, size_t i, struct js_mark *m)
{
	char	 seg[32], *p = seg + sizeof(seg);

	path_save(c, m);
	c->vdepth++;
	*--p = ']';
	do {		/* no printf: this runs for every array item */
		*--p = (char)('0' + i % 10);
		i /= 10;
	} while (i > 0);
	*--p = '[';
	path_put(c, p, (size_t)(seg + sizeof(seg) - p));
}

/* Names that read unambiguously after a dot; others are quoted. */
static int
simple_key(const char *k)
{
	const unsigned char	*p = (const unsigned char *)k;

	if (*p == '\0' || (*p >= '0' && *p <= '9') || *p == '-')
		return 0;
	for (; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '$' ||
		    *p == '-' || *p >= 0x80))
			return 0;
	return 1;
}

static void
path_push_key(struct js_ctx *c, const char *k, struct js_mark *m)
{
	char		 seg[JS_SHOW_SZ + 4];
	struct sbuf	 b;

	path_save(c, m);
	c->vdepth++;
	if (simple_key(k)) {
		if (c->plen > 0)
			path_put(c, ".", 1);
		path_put(c, k, strlen(k));
		return;
	}
	sb_init(&b, seg, sizeof(seg));
	sb_put(&b, "[", 1);
	sb_quote(&b, k, strlen(k), JS_SHOW_MAX);
	sb_put(&b, "]", 1);
	path_put(c, b.p, b.len);
}

/*
 * "path: message" into the caller's buffer.  When both do not fit, the
 * path is cut short ("…") rather than the message.  While
 * branches are tried, only what the failure was is kept: formatting a
 * message for every branch that fails would cost more than the checks.
 */
__attribute__((format(printf, 3, 0), noinline))
static void
vreport(struct js_ctx *c, int force, const char *fmt, va_list ap)
{
	char	 msg[JS_MSG_MAX];
	size_t	 len, keep;
	int	 n;

	c->err_type = 0;
	c->err_vdepth = c->vdepth;
	if (c->errsz == 0 || (c->quiet && !force))
		return;
	if ((n = vsnprintf(msg, sizeof(msg), fmt, ap)) < 0)
		msg[0] = '\0';
	else if ((size_t)n >= sizeof(msg))
		utf8_trim(msg);
	len = strlen(msg);
	if (c->plen == 0)
		n = snprintf(c->err, c->errsz, "%s", msg);
	else if (c->plen + 2 + len < c->errsz ||
	    c->errsz < len + 2 + 3 + 1 + 1)
		n = snprintf(c->err, c->errsz, "%s: %s", c->path, msg);
	else {
		keep = c->errsz - 1 - len - 2 - 3;
		while (keep > 0 &&
		    ((unsigned char)c->path[keep] & 0xc0) == 0x80)
			keep--;
		n = snprintf(c->err, c->errsz, "%.*s" ELLIPSIS ": %s",
		    (int)keep, c->path, msg);
	}
	if (n < 0 || (size_t)n >= c->errsz)
		utf8_trim(c->err);
}

__attribute__((format(printf, 2, 3)))
static int
fail(struct js_ctx *c, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vreport(c, 0, fmt, ap);
	va_end(ap);
	return JS_INVALID;
}

__attribute__((format(printf, 2, 3)))
static int
fatal(struct js_ctx *c, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vreport(c, 1, fmt, ap);
	va_end(ap);
	return JS_FATAL;
}

static const char *
plural(size_t n)
{
	return n == 1 ? "" : "s";
}

/* Exactly an integer?  Without libm: every double beyond 2^53 is one. */
static int
dbl_integral(double d)
{
	if (isnan(d) || isinf(d))
		return 0;
	if (d >= 0x1p53 || d <= -0x1p53)
		return 1;
	return (double)(int64_t)d == d;
}

static int
get_num(struct json_object *o, struct num *n)
{
	memset(n, 0, sizeof(*n));
	if (json_object_is_type(o, json_type_int)) {
		n->kind = N_INT;
		n->i = json_object_get_int64(o);
		/* get_int64 clamps the values json-c holds as uint64 */
		if (n->i == INT64_MAX &&
		    (n->u = json_object_get_uint64(o)) > (uint64_t)INT64_MAX)
			n->kind = N_UINT;
		return 0;
	}
	if (json_object_is_type(o, json_type_double)) {
		n->kind = N_DOUBLE;
		n->d = json_object_get_double(o);
		return 0;
	}
	return -1;
}

static double
num_dbl(const struct num *n)
{
	return n->kind == N_INT ? (double)n->i : n->kind == N_UINT ?
	    (double)n->u : n->d;
}

/* Comparisons return -1, 0, 1, or 2 when unordered (NaN). */
static int
cmp_int_dbl(int64_t i, double d)
{
	int64_t	 t;

	if (isnan(d))
		return 2;
	if (d >= 0x1p63)
		return -1;
	if (d < -0x1p63)
		return 1;
	t = (int64_t)d;		/* exact: truncation of a double in range */
	if (i != t)
		return i < t ? -1 : 1;
	return d > (double)t ? -1 : d < (double)t ? 1 : 0;
}

static int
cmp_uint_dbl(uint64_t u, double d)
{
	uint64_t	 t;

	if (isnan(d))
		return 2;
	if (d >= 0x1p64)
		return -1;
	if (d < 0x1p63)
		return 1;
	t = (uint64_t)d;	/* doubles this large are integers */
	return u < t ? -1 : u > t;
}

static int
num_cmp(const struct num *a, const struct num *b)
{
	int	 r;

	if (a->kind == N_DOUBLE && b->kind == N_DOUBLE) {
		if (isnan(a->d) || isnan(b->d))
			return 2;
		return a->d < b->d ? -1 : a->d > b->d;
	}
	if (a->kind == N_DOUBLE) {
		r = num_cmp(b, a);
		return r == 2 ? 2 : -r;
	}
	if (b->kind == N_DOUBLE)
		return a->kind == N_INT ? cmp_int_dbl(a->i, b->d) :
		    cmp_uint_dbl(a->u, b->d);
	if (a->kind != b->kind)		/* every N_UINT is above every N_INT */
		return a->kind == N_INT ? -1 : 1;
	if (a->kind == N_INT)
		return a->i < b->i ? -1 : a->i > b->i;
	return a->u < b->u ? -1 : a->u > b->u;
}

static int
num_positive(const struct num *n)
{
	return n->kind == N_UINT || (n->kind == N_INT && n->i > 0) ||
	    (n->kind == N_DOUBLE && n->d > 0);
}

/* |n| as odd * 2^exp, exactly (without libm); 0 for 0. */
static uint64_t
num_odd(const struct num *n, int *exp)
{
	uint64_t	 bits, odd;
	int		 e = 0;

	if (n->kind == N_DOUBLE) {
		memcpy(&bits, &n->d, sizeof(bits));
		e = (int)(bits >> 52 & 0x7ff);
		odd = bits & ((UINT64_C(1) << 52) - 1);
		if (e == 0)
			e = 1;		/* subnormal: no implicit bit */
		else
			odd |= UINT64_C(1) << 52;
		e -= 1075;
	} else if (n->kind == N_UINT)
		odd = n->u;
	else	/* |INT64_MIN| without overflow */
		odd = n->i < 0 ? (uint64_t)-(n->i + 1) + 1 : (uint64_t)n->i;
	for (; odd != 0 && (odd & 1) == 0; e++)
		odd >>= 1;
	*exp = e;
	return odd;
}

static void	 num_fmt(const struct num *, char *, size_t);

/*
 * Is n a multiple of m in decimal, on the shortest texts that read back
 * as them (0.3 of 0.1, 19.99 of 0.01: what was written)?  Their digits
 * as integers scaled to one power of ten, divided exactly.
 */
static int
dec_multiple(const struct num *n, const struct num *m)
{
	char		 tn[40], tm[40], dn[40], dm[40];
	long		 en, em, lo;
	BIGNUM		*a = BN_new(), *b = BN_new(), *p = BN_new();
	BIGNUM		*r = BN_new();
	BN_CTX		*ctx = BN_CTX_new();
	int		 yes = 0;

	num_fmt(n, tn, sizeof(tn));
	num_fmt(m, tm, sizeof(tm));
	util_num_digits(tn, dn, &en);
	util_num_digits(tm, dm, &em);
	if (a == NULL || b == NULL || p == NULL || r == NULL || ctx == NULL)
		abort();
	if (*dn == '\0' || *dm == '\0') {
		yes = *dn == '\0';	/* 0 is a multiple of anything */
		goto out;
	}
	/* value = digits * 10^(exponent of the first - the others) */
	en -= (long)strlen(dn) - 1;
	em -= (long)strlen(dm) - 1;
	lo = en < em ? en : em;
	if (BN_dec2bn(&a, dn) == 0 || BN_dec2bn(&b, dm) == 0 ||
	    !BN_set_word(p, 10) || !BN_set_word(r, (BN_ULONG)(en - lo)) ||
	    !BN_exp(r, p, r, ctx) || !BN_mul(a, a, r, ctx) ||
	    !BN_set_word(r, (BN_ULONG)(em - lo)) || !BN_exp(r, p, r, ctx) ||
	    !BN_mul(b, b, r, ctx) || !BN_mod(r, a, b, ctx))
		abort();
	yes = BN_is_zero(r);
out:
	BN_free(a);
	BN_free(b);
	BN_free(p);
	BN_free(r);
	BN_CTX_free(ctx);
	return yes;
}

/* Is n a multiple of m (m > 0)?  See the top of the file. */
static int
num_multiple(const struct num *n, const struct num *m)
{
	uint64_t	 a, b;
	int		 ea, eb;

	if (n->kind != N_DOUBLE && (m->kind != N_DOUBLE ||
	    (m->d < 0x1p64 && dbl_integral(m->d)))) {
		b = m->kind == N_INT ? (uint64_t)m->i : m->kind == N_UINT ?
		    m->u : (uint64_t)m->d;
		if (n->kind == N_UINT)
			a = n->u;
		else	/* |INT64_MIN| without overflow */
			a = n->i < 0 ? (uint64_t)-(n->i + 1) + 1 :
			    (uint64_t)n->i;
		return a % b == 0;
	}
	if (!isfinite(num_dbl(n)) || !isfinite(num_dbl(m)))
		return 0;	/* 1e999: no number is a multiple of */
	/*
	 * Exactly in binary, as n / m = (odd_n / odd_m) * 2^(e_n - e_m)
	 * with both odd parts below 2^64 (1e308 of 0.5, 7.5 of 2.5); else
	 * exactly in decimal.  No tolerance: one of a few ulp let
	 * 4000000000000001 pass as a multiple of 2.
	 */
	a = num_odd(n, &ea);
	if ((b = num_odd(m, &eb)) == 0)
		return 0;	/* (a multipleOf of 0 is no schema) */
	if (a == 0 || (ea >= eb && a % b == 0))
		return 1;
	return dec_multiple(n, m);
}

static void
num_fmt(const struct num *n, char *buf, size_t sz)
{
	if (n->kind == N_INT) {
		snprintf(buf, sz, "%" PRId64, n->i);
		return;
	}
	if (n->kind == N_UINT) {
		snprintf(buf, sz, "%" PRIu64, n->u);
		return;
	}
	util_dtoa(buf, sz, n->d);
}

/* A value as a message shows it: strings cut short, containers elided. */
static const char *
show(struct json_object *o, char *buf, size_t sz)
{
	struct sbuf	 b;
	struct num	 n;

	sb_init(&b, buf, sz);
	switch (json_object_get_type(o)) {
	case json_type_boolean:
		sb_puts(&b, json_object_get_boolean(o) ? "true" : "false");
		break;
	case json_type_int:
	case json_type_double:
		get_num(o, &n);
		num_fmt(&n, buf, sz);
		break;
	case json_type_string:
		sb_quote(&b, json_object_get_string(o),
		    (size_t)json_object_get_string_len(o), JS_SHOW_MAX);
		break;
	case json_type_object:
		sb_puts(&b, json_object_object_length(o) > 0 ? "{" ELLIPSIS "}" :
		    "{}");
		break;
	case json_type_array:
		sb_puts(&b, json_object_array_length(o) > 0 ? "[" ELLIPSIS "]" :
		    "[]");
		break;
	default:
		sb_puts(&b, "null");
		break;
	}
	return buf;
}

/* The types of js_type_names that a value is an instance of. */
static unsigned
value_types(struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_boolean:
		return 1u << JT_BOOLEAN;
	case json_type_int:
		return 1u << JT_INTEGER | 1u << JT_NUMBER;
	case json_type_double:
		/* JSON Schema: 1.0 is an integer */
		return dbl_integral(json_object_get_double(v)) ?
		    1u << JT_INTEGER | 1u << JT_NUMBER : 1u << JT_NUMBER;
	case json_type_string:
		return 1u << JT_STRING;
	case json_type_object:
		return 1u << JT_OBJECT;
	case json_type_array:
		return 1u << JT_ARRAY;
	default:
		return 1u << JT_NULL;
	}
}

static const char *
value_type_name(struct json_object *v)
{
	unsigned	 m = value_types(v);
	int		 t;

	for (t = 0; t < JT__MAX; t++)
		if (m & 1u << t)
			break;
	return t < JT__MAX ? js_type_names[t] : "null";
}

/* "expected string or null, got integer" */
static int
type_fail(struct js_ctx *c, unsigned want, struct json_object *v)
{
	char		 list[128];
	struct sbuf	 b;
	int		 t, n = 0, total = 0, rc;

	if (want & 1u << JT_NUMBER)	/* "integer or number" says no more */
		want &= ~(1u << JT_INTEGER);
	for (t = 0; t < JT__MAX; t++)
		if (want & 1u << t)
			total++;
	if (total == 0)
		rc = fail(c, "no value is allowed here");
	else {
		sb_init(&b, list, sizeof(list));
		for (t = 0; t < JT__MAX; t++) {
			if (!(want & 1u << t))
				continue;
			if (n > 0)
				sb_puts(&b, n == total - 1 ? " or " : ", ");
			sb_puts(&b, js_type_names[t]);
			n++;
		}
		rc = fail(c, "expected %s, got %s", list, value_type_name(v));
	}
	c->err_type = 1;
	c->err_mask = want;
	return rc;
}

/* A non-negative integer keyword's value `k`: 0 when absent (NULL) or
 * malformed. */
static int
get_count(struct json_object *k, size_t *out)
{
	struct num		 n;

	if (k == NULL || get_num(k, &n) == -1)
		return 0;
	switch (n.kind) {
	case N_INT:
		if (n.i < 0)
			return 0;
		*out = (uint64_t)n.i > SIZE_MAX ? SIZE_MAX : (size_t)n.i;
		break;
	case N_UINT:
		*out = n.u > SIZE_MAX ? SIZE_MAX : (size_t)n.u;
		break;
	default:
		if (!dbl_integral(n.d) || n.d < 0)
			return 0;
		*out = n.d >= 0x1p63 || (uint64_t)n.d > SIZE_MAX ? SIZE_MAX :
		    (size_t)n.d;
		break;
	}
	return 1;
}

/* A keyword's value `k` is true. */
static int
is_true(struct json_object *k)
{
	return json_object_is_type(k, json_type_boolean) &&
	    json_object_get_boolean(k);
}

/*
 * Deep equality with numbers compared by value (1 equals 1.0, which
 * json_object_equal denies).  1 equal, 0 not, -1 when the budget of node
 * comparisons or the depth ran out.
 */
static int
json_eq(struct json_object *a, struct json_object *b, int depth, long *budget)
{
	struct json_object_iterator	 it, end;
	struct json_object		*bv;
	struct num			 na, nb;
	size_t				 i, n;
	int				 r;

	if (depth > JS_MAX_DEPTH || --*budget < 0)
		return -1;
	if (get_num(a, &na) == 0 && get_num(b, &nb) == 0)
		return num_cmp(&na, &nb) == 0;
	if (json_object_get_type(a) != json_object_get_type(b))
		return 0;
	switch (json_object_get_type(a)) {
	case json_type_boolean:
		return !json_object_get_boolean(a) == !json_object_get_boolean(b);
	case json_type_string:
		return json_object_get_string_len(a) ==
		    json_object_get_string_len(b) &&
		    memcmp(json_object_get_string(a), json_object_get_string(b),
		    (size_t)json_object_get_string_len(a)) == 0;
	case json_type_array:
		if ((n = json_object_array_length(a)) !=
		    json_object_array_length(b))
			return 0;
		for (i = 0; i < n; i++)
			if ((r = json_eq(json_object_array_get_idx(a, i),
			    json_object_array_get_idx(b, i), depth + 1,
			    budget)) != 1)
				return r;
		return 1;
	case json_type_object:
		if (json_object_object_length(a) != json_object_object_length(b))
			return 0;
		it = json_object_iter_begin(a);
		end = json_object_iter_end(a);
		for (; !json_object_iter_equal(&it, &end);
		    json_object_iter_next(&it)) {
			if (!json_object_object_get_ex(b,
			    json_object_iter_peek_name(&it), &bv))
				return 0;
			if ((r = json_eq(json_object_iter_peek_value(&it), bv,
			    depth + 1, budget)) != 1)
				return r;
		}
		return 1;
	default:
		return 1;	/* both null */
	}
}

/* Undo percent-encoding (RFC 6901 section 6); a stray '%' stays. */
static int
pct_decode(const char *s, char *out, size_t sz, size_t *len)
{
	size_t	 n = 0;
	int	 hi, lo;

	for (; *s != '\0'; s++) {
		if (n + 1 >= sz)
			return -1;
		if (s[0] == '%' && (hi = util_hexval(s[1])) >= 0 &&
		    (lo = util_hexval(s[2])) >= 0) {
			out[n++] = (char)(hi << 4 | lo);
			s += 2;
		} else
			out[n++] = *s;
	}
	out[n] = '\0';
	*len = n;
	return 0;
}

/*
 * The schema a local reference points to, or NULL when the reference is
 * not local ("other.json#/x", "#anchor") or does not resolve (see the top
 * of the file).  Its buffers are the reference's length: a component's
 * long name makes a long one.
 */
static struct json_object *
resolve(struct json_object *root, const char *ref)
{
	char			*buf = NULL, *tok = NULL;
	struct json_object	*o = root;
	size_t			 i, j, n, idx, sz = strlen(ref) + 1;

	if (ref[0] != '#')
		return NULL;
	buf = xmalloc(sz);
	tok = xmalloc(sz);
	if (pct_decode(ref + 1, buf, sz, &n) == -1 || (n > 0 &&
	    buf[0] != '/')) {
		o = NULL;
		goto out;
	}
	for (i = 1; n > 0; i++) {
		/* one reference token, with ~1 and ~0 undone (RFC 6901) */
		for (j = 0; i < n && buf[i] != '/'; i++) {
			if (buf[i] != '~')
				tok[j++] = buf[i];
			else if (i + 1 < n && (buf[i + 1] == '0' ||
			    buf[i + 1] == '1'))
				tok[j++] = buf[++i] == '0' ? '~' : '/';
			else {
				o = NULL;
				goto out;
			}
		}
		tok[j] = '\0';
		/* a "%00" cannot name a member: json-c keys end at NUL */
		if (strlen(tok) != j)
			o = NULL;
		else if (json_object_is_type(o, json_type_object)) {
			if (!json_object_object_get_ex(o, tok, &o))
				o = NULL;
		} else if (json_object_is_type(o, json_type_array)) {
			/* digits without a leading zero, within the array */
			if (j == 0 || j > 18 || (tok[0] == '0' && j > 1) ||
			    strspn(tok, "0123456789") != j)
				o = NULL;
			else {
				for (idx = 0, j = 0; tok[j] != '\0'; j++)
					idx = idx * 10 + (size_t)(tok[j] - '0');
				o = idx < json_object_array_length(o) ?
				    json_object_array_get_idx(o, idx) : NULL;
			}
		} else
			o = NULL;
		if (o == NULL || i >= n)
			break;
	}
out:
	free(buf);
	free(tok);
	return o;
}

static int
type_bit(struct json_object *t, unsigned *bit)
{
	int	 i;

	if (!json_object_is_type(t, json_type_string))
		return -1;
	for (i = 0; i < JT__MAX; i++)
		if (strcmp(json_object_get_string(t), js_type_names[i]) == 0) {
			*bit = 1u << i;
			return 0;
		}
	return -1;
}

/*
 * The types "type" allows, as bits: a name or a non-empty list of names;
 * 0 (anything) for an empty list or an unknown name.
 */
static unsigned
type_mask(struct json_object *t)
{
	unsigned	 want = 0, bit;
	size_t		 i, n;

	if (json_object_is_type(t, json_type_array)) {
		n = json_object_array_length(t);
		for (i = 0; i < n; i++) {
			if (type_bit(json_object_array_get_idx(t, i), &bit) == -1)
				return 0;
			want |= bit;
		}
	} else if (type_bit(t, &want) == -1)
		return 0;
	return want;
}

/* "type", as type_mask() read it. */
static int
v_type(struct js_ctx *c, unsigned want, struct json_object *v)
{
	if (want == 0 || (value_types(v) & want))
		return 0;
	return type_fail(c, want, v);
}

/* An "enum"'s members by hash, made on its first use and kept. */
struct enum_idx {
	struct jsh_item	*items;
	size_t		 n;
	int		 containers;	/* members that are arrays or objects */
};

static int
is_container(struct json_object *v)
{
	return json_object_is_type(v, json_type_array) ||
	    json_object_is_type(v, json_type_object);
}

/*
 * "arguments.sort: "up" is not one of "asc", "desc"".  An array or object
 * is hashed only when some member is one: a recursive schema would hash
 * a value's every level once more at each.
 */
__attribute__((noinline))	/* keep its buffers off the recursion */
static int
v_enum(struct js_ctx *c, struct json_object *e, struct enum_idx *x,
    struct json_object *v)
{
	char		 msg[JS_MSG_MAX], one[JS_SHOW_SZ];
	struct sbuf	 b;
	uint64_t	 h;
	size_t		 i, n;
	int		 r;

	if (!json_object_is_type(e, json_type_array))
		return 0;
	/* a valid schema (no minItems in 2020-12's meta-schema) that
	 * takes nothing */
	if ((n = json_object_array_length(e)) == 0)
		return fail(c, "no value is allowed (an empty enum)");
	if (x->items == NULL) {
		x->items = jsh_index(e, &x->n);
		for (i = 0; i < n; i++)
			x->containers += is_container(
			    json_object_array_get_idx(e, i));
	}
	if (!is_container(v) || x->containers > 0) {
		h = jsh_value(v);
		for (i = jsh_find(x->items, x->n, h); i < x->n &&
		    x->items[i].h == h; i++)
			if ((r = json_eq(json_object_array_get_idx(e,
			    x->items[i].i), v, 0, &c->eq_left)) == 1)
				return 0;
			else if (r == -1)
				return fatal(c, "the value is too costly to "
				    "compare with \"enum\"");
	}
	sb_init(&b, msg, sizeof(msg));
	sb_puts(&b, show(v, one, sizeof(one)));
	sb_puts(&b, " is not one of ");
	for (i = 0; i < n; i++) {
		show(json_object_array_get_idx(e, i), one, sizeof(one));
		/* leave room for ", …" in case the next one does not fit */
		if (sb_room_for(&b, strlen(one) + 2 + strlen(", " ELLIPSIS)) ==
		    -1) {
			sb_puts(&b, i > 0 ? ", " ELLIPSIS : ELLIPSIS);
			break;
		}
		if (i > 0)
			sb_puts(&b, ", ");
		sb_puts(&b, one);
	}
	return fail(c, "%s", msg);
}

__attribute__((noinline))	/* keep its buffers off the recursion */
static int
v_const(struct js_ctx *c, struct json_object *k, struct json_object *v)
{
	char	 want[JS_SHOW_SZ], got[JS_SHOW_SZ];
	int	 r;

	if ((r = json_eq(k, v, 0, &c->eq_left)) == 1)
		return 0;
	if (r == -1)
		return fatal(c, "the value is too costly to compare with "
		    "\"const\"");
	return fail(c, "expected %s, got %s", show(k, want, sizeof(want)),
	    show(v, got, sizeof(got)));
}

/*
 * What one schema object says, read in one pass over its members on its
 * first use and kept with it (json-c user data) for every later one:
 * most schemas have two or three keywords, and a hashed look-up of each
 * keyword that could be there, on every call, was most of checking an
 * API's answer.  A keyword whose value is null reads as absent: every
 * check below treats the two alike.
 */
struct kw_pprop {
	struct jre		*re;
	struct json_object	*schema;
};

struct kw {
	struct json_object	*type, *enumv, *constv, *ref, *all, *any;
	struct json_object	*one, *not;
	struct json_object	*min_len, *max_len, *pattern;	/* KW_STRING */
	struct json_object	*minimum, *xminimum, *maximum, *xmaximum;
	struct json_object	*multiple;			/* KW_NUMBER */
	struct json_object	*props, *required, *addl;	/* KW_OBJECT */
	struct json_object	*min_props, *max_props, *pattern_props;
	struct json_object	*items, *addl_items;		/* KW_ARRAY */
	struct json_object	*min_items, *max_items, *prefix, *unique;
	struct json_object	*contains, *min_contains, *max_contains;
	struct json_object	*prop_names, *dep_required, *dep_schemas;
	struct json_object	*dependencies;			/* draft 7 */
	struct json_object	*if_s, *then_s, *else_s;
	int			 nullable, discriminator, read_only;
	unsigned		 types;	/* "type", as type_mask() read it */
	unsigned		 fam;	/* KW_STRING ... that are present */
	unsigned		 has;	/* HAS_TYPE ...: present (null too) */
	/* "$ref"'s target, resolved against ref_root */
	struct json_object	*ref_root, *ref_target;
	/* the patterns, compiled; NULL and _bad when PCRE2 cannot read one */
	struct jre		*re;
	struct kw_pprop		*pp;		/* patternProperties */
	size_t			 npp;
	int			 pp_bad;
	struct enum_idx		 enum_idx;	/* v_enum's */
};
#define KW_STRING	0x1	/* minLength, maxLength, pattern */
#define KW_NUMBER	0x2	/* minimum ... multipleOf */
#define KW_OBJECT	0x4	/* properties, required, additionalProperties */
#define KW_ARRAY	0x8	/* items, additionalItems */
#define KW_OBJ_COUNT	0x10	/* minProperties, maxProperties */
#define KW_OBJ_PATTERN	0x20
#define KW_ARR_COUNT	0x40	/* minItems, maxItems */
#define KW_ARR_MORE	0x80	/* prefixItems, uniqueItems */
#define KW_ARR_CONTAINS	0x100	/* contains, minContains, maxContains */
#define KW_OBJ_MORE	0x200	/* propertyNames, dependent*, dependencies */
#define KW_OBJECTS	(KW_OBJECT | KW_OBJ_COUNT | KW_OBJ_PATTERN | \
			 KW_OBJ_MORE)
#define KW_ARRAYS	(KW_ARRAY | KW_ARR_COUNT | KW_ARR_MORE | \
			 KW_ARR_CONTAINS)
#define HAS_TYPE	0x01
#define HAS_ENUM	0x02
#define HAS_CONST	0x04
#define HAS_REF		0x08
#define HAS_ALL		0x10
#define HAS_ANY		0x20
#define HAS_ONE		0x40
#define HAS_NOT		0x80
#define HAS_IF		0x100	/* "if" (then and else mean nothing alone) */

static struct kw	*kw_of(struct json_object *);

static int
v_ref(struct js_ctx *c, struct kw *w, struct json_object *v)
{
	if (!json_object_is_type(w->ref, json_type_string))
		return 0;
	if (w->ref_root != c->root || w->ref_target == NULL) {
		w->ref_root = c->root;
		w->ref_target = resolve(c->root,
		    json_object_get_string(w->ref));
	}
	/* no schema to hold the value to: refused, not taken (MCP's
	 * schema rules: an unresolved $ref is not permissive) */
	if (w->ref_target == NULL)
		return fail(c, "the schema's \"$ref\" %.64s does not resolve",
		    json_object_get_string(w->ref));
	return validate(c, w->ref_target, v);
}

/*
 * A match drawn from the value's budgets: PCRE2's steps, and time, as
 * PCRE2 does not count backtracking within a repeat of one character
 * (src/jsregex.c): 1, 0, or -1 when it could not tell.
 */
static int
re_try(struct js_ctx *c, struct jre *re, const char *s, size_t len)
{
	double	 t0;
	int	 m;

	if (c->re_spent >= JS_RE_SECONDS)
		return -1;
	t0 = util_now_mono();
	m = jre_match(re, s, len, &c->re_budget);
	c->re_spent += util_now_mono() - t0;
	return m;
}

/*
 * s against a compiled pattern (its text in `pat`, for the message).  A
 * match that exceeds its work bound is fatal: "not" and "anyOf" must not
 * turn "could not tell" into a success.
 */
static int
v_pattern(struct js_ctx *c, struct jre *re, struct json_object *pat,
    const char *s, size_t len)
{
	char		 q[JS_SHOW_SZ];
	struct sbuf	 b;
	int		 m;

	/*
	 * A long string, or one past the budgets of the value (steps, or
	 * 50 ms), is not checked: PCRE2 could take polynomial time
	 * (src/jsregex.c), and the API checks its arguments again.
	 */
	if (len > JRE_SUBJECT_MAX || c->re_budget < JRE_WORK(len) ||
	    c->re_spent >= JS_RE_SECONDS)
		return 0;
	if ((m = re_try(c, re, s, len)) == 1)
		return 0;
	sb_init(&b, q, sizeof(q));
	sb_quote(&b, json_object_get_string(pat),
	    (size_t)json_object_get_string_len(pat), JS_SHOW_MAX);
	if (m == 0)
		return fail(c, "does not match the pattern %s", q);
	return fatal(c, "too costly to match against the pattern %s", q);
}

/* minLength and maxLength count code points, not bytes. */
static int
v_string(struct js_ctx *c, const struct kw *w, struct json_object *v)
{
	const char	*p = json_object_get_string(v);
	size_t		 len = (size_t)json_object_get_string_len(v);
	size_t		 i, cp = 0, lim;

	for (i = 0; i < len; i++)
		if (((unsigned char)p[i] & 0xc0) != 0x80)
			cp++;
	if (get_count(w->min_len, &lim) && cp < lim)
		return fail(c, "expected at least %zu character%s, got %zu",
		    lim, plural(lim), cp);
	if (get_count(w->max_len, &lim) && cp > lim)
		return fail(c, "expected at most %zu character%s, got %zu",
		    lim, plural(lim), cp);
	if (w->re != NULL)
		return v_pattern(c, w->re, w->pattern, p, len);
	return 0;
}

/*
 * One bound: fail when the value compares as `bad` (or equal, when the
 * bound is exclusive) against it.  A NaN on either side compares as 2 and
 * passes: the strict request parser never produces one.
 */
static int
bound(struct js_ctx *c, const struct num *n, struct json_object *k,
    int bad, int excl)
{
	struct num	 lim;
	char		 a[40], b[40];
	int		 r;

	if (get_num(k, &lim) == -1)
		return 0;
	r = num_cmp(n, &lim);
	if (r != bad && !(excl && r == 0))
		return 0;
	num_fmt(&lim, a, sizeof(a));
	num_fmt(n, b, sizeof(b));
	return fail(c, "expected a value %s%s %s, got %s", bad < 0 ? ">" : "<",
	    excl ? "" : "=", a, b);
}

static int
v_number(struct js_ctx *c, const struct kw *w, struct json_object *v)
{
	struct num		 n, m;
	char			 a[40], b[40];
	int			 rc;

	get_num(v, &n);
	/* OpenAPI 3.0 writes "exclusiveMinimum": true next to "minimum" */
	if (w->minimum != NULL &&
	    (rc = bound(c, &n, w->minimum, -1, is_true(w->xminimum))) != 0)
		return rc;
	if (w->xminimum != NULL &&
	    (rc = bound(c, &n, w->xminimum, -1, 1)) != 0)
		return rc;
	if (w->maximum != NULL &&
	    (rc = bound(c, &n, w->maximum, 1, is_true(w->xmaximum))) != 0)
		return rc;
	if (w->xmaximum != NULL &&
	    (rc = bound(c, &n, w->xmaximum, 1, 1)) != 0)
		return rc;
	if (w->multiple != NULL && get_num(w->multiple, &m) == 0 &&
	    num_positive(&m) && !num_multiple(&n, &m)) {
		num_fmt(&m, a, sizeof(a));
		num_fmt(&n, b, sizeof(b));
		return fail(c, "expected a multiple of %s, got %s", a, b);
	}
	return 0;
}

/* A property whose own schema says readOnly need not be sent. */
static int
read_only(struct json_object *props, const char *name)
{
	struct json_object	*ps;

	return props != NULL && json_object_object_get_ex(props, name, &ps) &&
	    json_object_is_type(ps, json_type_object) && kw_of(ps)->read_only;
}

/* A subschema: an object or a boolean; anything else is malformed. */
static int
is_schema(struct json_object *s)
{
	return json_object_is_type(s, json_type_object) ||
	    json_object_is_type(s, json_type_boolean);
}

/* Every name of `names` (a list) is a member of v, since `by` is. */
static int
v_needs(struct js_ctx *c, struct json_object *v, const char *by,
    struct json_object *names)
{
	struct json_object	*n;
	char			 q[JS_SHOW_SZ], r[JS_SHOW_SZ];
	struct sbuf		 b;
	size_t			 i;

	for (i = 0; i < json_object_array_length(names); i++) {
		n = json_object_array_get_idx(names, i);
		if (!json_object_is_type(n, json_type_string) ||
		    json_object_object_get_ex(v, json_object_get_string(n),
		    NULL))
			continue;
		sb_init(&b, q, sizeof(q));
		sb_quote(&b, json_object_get_string(n),
		    (size_t)json_object_get_string_len(n), JS_SHOW_MAX);
		sb_init(&b, r, sizeof(r));
		sb_quote(&b, by, strlen(by), JS_SHOW_MAX);
		return fail(c, "missing property %s, required with %s", q, r);
	}
	return 0;
}

/*
 * propertyNames (each name, as a string, against a schema), and what a
 * present member asks of the others: dependentRequired (names),
 * dependentSchemas (a schema for the whole object), and draft 7's
 * dependencies, which is either, member by member.
 */
static int
v_object_more(struct js_ctx *c, const struct kw *w, struct json_object *v)
{
	struct json_object	*name;
	struct js_mark		 m;
	int			 rc;

	if (is_schema(w->prop_names)) {
		json_object_object_foreach(v, key, val) {
			(void)val;
			name = json_object_new_string(key);
			path_push_key(c, key, &m);
			rc = validate(c, w->prop_names, name);
			path_restore(c, &m);
			json_object_put(name);
			if (rc != 0)
				return rc;
		}
	}
	if (json_object_is_type(w->dep_required, json_type_object)) {
		json_object_object_foreach(w->dep_required, key, names)
			if (json_object_is_type(names, json_type_array) &&
			    json_object_object_get_ex(v, key, NULL) &&
			    (rc = v_needs(c, v, key, names)) != 0)
				return rc;
	}
	if (json_object_is_type(w->dep_schemas, json_type_object)) {
		json_object_object_foreach(w->dep_schemas, key, sub)
			if (is_schema(sub) &&
			    json_object_object_get_ex(v, key, NULL) &&
			    (rc = validate(c, sub, v)) != 0)
				return rc;
	}
	if (json_object_is_type(w->dependencies, json_type_object)) {
		json_object_object_foreach(w->dependencies, key, dep) {
			if (!json_object_object_get_ex(v, key, NULL))
				continue;
			if (json_object_is_type(dep, json_type_array))
				rc = v_needs(c, v, key, dep);
			else
				rc = is_schema(dep) ? validate(c, dep, v) : 0;
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

/* Member `name` of an object, whose value is v, against schema s. */
static int
v_member(struct js_ctx *c, struct json_object *s, const char *name,
    struct json_object *v)
{
	struct js_mark	 m;
	int		 rc;

	path_push_key(c, name, &m);
	rc = validate(c, s, v);
	path_restore(c, &m);
	return rc;
}

static int
v_object(struct js_ctx *c, const struct kw *w, struct json_object *v)
{
	struct json_object_iterator	 it, end;
	struct json_object		*props = NULL, *addl = w->addl, *k, *sub;
	struct json_object		*val;
	char				 q[JS_SHOW_SZ];
	struct sbuf			 b;
	const char			*name;
	size_t				 i, n, lim;
	int				 has_addl, matched, rc;

	n = (size_t)json_object_object_length(v);
	if (get_count(w->min_props, &lim) && n < lim)
		return fail(c, "expected at least %zu propert%s, got %zu", lim,
		    lim == 1 ? "y" : "ies", n);
	if (get_count(w->max_props, &lim) && n > lim)
		return fail(c, "expected at most %zu propert%s, got %zu", lim,
		    lim == 1 ? "y" : "ies", n);
	if ((w->fam & KW_OBJ_MORE) && (rc = v_object_more(c, w, v)) != 0)
		return rc;
	if (json_object_is_type(w->props, json_type_object))
		props = w->props;
	if (json_object_is_type((k = w->required), json_type_array)) {
		for (i = 0; i < json_object_array_length(k); i++) {
			sub = json_object_array_get_idx(k, i);
			if (!json_object_is_type(sub, json_type_string))
				continue;
			name = json_object_get_string(sub);
			if (json_object_object_get_ex(v, name, NULL) ||
			    (!c->answer && read_only(props, name)))
				continue;
			sb_init(&b, q, sizeof(q));
			sb_quote(&b, name, (size_t)json_object_get_string_len(sub),
			    JS_SHOW_MAX);
			return fail(c, "missing required property %s", q);
		}
	}
	/* additional: matched by neither properties nor a pattern */
	has_addl = addl != NULL && !w->pp_bad;
	if (props == NULL && !has_addl && w->npp == 0)
		return 0;
	it = json_object_iter_begin(v);
	end = json_object_iter_end(v);
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		name = json_object_iter_peek_name(&it);
		val = json_object_iter_peek_value(&it);
		matched = props != NULL &&
		    json_object_object_get_ex(props, name, &sub);
		if (matched && (rc = v_member(c, sub, name, val)) != 0)
			return rc;
		for (i = 0; i < w->npp; i++) {
			if ((rc = re_try(c, w->pp[i].re, name,
			    strlen(name))) == 0)
				continue;
			if (rc < 0) {
				sb_init(&b, q, sizeof(q));
				sb_quote(&b, name, strlen(name), JS_SHOW_MAX);
				return fatal(c, "the name %s is too costly to "
				    "match against patternProperties", q);
			}
			matched = 1;
			if ((rc = v_member(c, w->pp[i].schema, name,
			    val)) != 0)
				return rc;
		}
		if (matched || !has_addl)
			continue;
		if (json_object_is_type(addl, json_type_boolean) &&
		    !json_object_get_boolean(addl)) {
			sb_init(&b, q, sizeof(q));
			sb_quote(&b, name, strlen(name), JS_SHOW_MAX);
			return fail(c, "unknown property %s", q);
		}
		if ((rc = v_member(c, addl, name, val)) != 0)
			return rc;
	}
	return 0;
}

/*
 * contains: at least minContains (1 unless said) and at most maxContains
 * items match its schema; the items are tried quietly, like anyOf's
 * branches.
 */
static int
v_contains(struct js_ctx *c, const struct kw *w, struct json_object *v)
{
	size_t	 i, n = json_object_array_length(v), got = 0, lo = 1, hi;
	int	 rc;

	if (!is_schema(w->contains))
		return 0;
	(void)get_count(w->min_contains, &lo);
	c->quiet++;
	for (i = 0; i < n; i++) {
		if ((rc = validate(c, w->contains,
		    json_object_array_get_idx(v, i))) == JS_FATAL) {
			c->quiet--;
			return rc;
		}
		got += rc == 0;
	}
	c->quiet--;
	if (got < lo)
		return fail(c, "expected at least %zu item%s matching "
		    "\"contains\", got %zu", lo, plural(lo), got);
	if (get_count(w->max_contains, &hi) && got > hi)
		return fail(c, "expected at most %zu item%s matching "
		    "\"contains\", got %zu", hi, plural(hi), got);
	return 0;
}

/*
 * In the run x[a..end) of items with one hash, in their order, the first
 * pair of equal items whose first comes before *bi: into *bi and *bj.
 * -1 when the budget of comparisons ran out.
 */
static int
run_pair(struct js_ctx *c, struct json_object *v, const struct jsh_item *x,
    size_t a, size_t end, size_t *bi, size_t *bj)
{
	size_t	 i, j;
	int	 r;

	for (i = a; i + 1 < end && x[i].i < *bi; i++)
		for (j = i + 1; j < end; j++) {
			r = json_eq(json_object_array_get_idx(v, x[i].i),
			    json_object_array_get_idx(v, x[j].i), 0,
			    &c->uniq_left);
			if (r == -1)
				return -1;
			if (r == 1) {
				*bi = x[i].i;
				*bj = x[j].i;
				return 0;
			}
		}
	return 0;
}

/*
 * "uniqueItems": the first pair of equal items, as a look at every pair
 * in order would find it (the lowest first index, then the lowest second),
 * among the items whose hashes meet.  Past the value's budget, a pair
 * found is still told, else the check gives up.
 */
static int
v_unique(struct js_ctx *c, struct json_object *v)
{
	struct jsh_item	*x;
	size_t		 n, a, end, bi = SIZE_MAX, bj = 0;
	int		 r = 0;

	x = jsh_index(v, &n);
	for (a = 0; a < n && r != -1; a = end) {
		for (end = a + 1; end < n && x[end].h == x[a].h; end++)
			;
		r = run_pair(c, v, x, a, end, &bi, &bj);
	}
	free(x);
	if (bi != SIZE_MAX)
		return fail(c, "items %zu and %zu are equal", bi, bj);
	return 0;	/* unique, or too costly: see the top */
}

static int
v_array(struct js_ctx *c, const struct kw *w, struct json_object *v)
{
	struct json_object	*pre = NULL, *items = w->items, *sub;
	struct js_mark		 m;
	size_t			 i, n, np = 0, lim;
	int			 has_items, rc;

	n = json_object_array_length(v);
	if (get_count(w->min_items, &lim) && n < lim)
		return fail(c, "expected at least %zu item%s, got %zu", lim,
		    plural(lim), n);
	if (get_count(w->max_items, &lim) && n > lim)
		return fail(c, "expected at most %zu item%s, got %zu", lim,
		    plural(lim), n);
	if ((w->fam & KW_ARR_CONTAINS) && (rc = v_contains(c, w, v)) != 0)
		return rc;
	if (json_object_is_type(w->prefix, json_type_array))
		pre = w->prefix;
	has_items = items != NULL;
	/*
	 * Before 2020-12 a list of "items" was what prefixItems is now, and
	 * "additionalItems" what "items" is after it.
	 */
	if (has_items && pre == NULL &&
	    json_object_is_type(items, json_type_array)) {
		pre = items;
		items = w->addl_items;
		has_items = items != NULL;
	}
	if (pre != NULL)
		np = json_object_array_length(pre);
	for (i = 0; i < n; i++) {
		if (i < np)
			sub = json_object_array_get_idx(pre, i);
		else if (!has_items)
			break;
		else if (json_object_is_type(items, json_type_boolean) &&
		    !json_object_get_boolean(items))
			return fail(c, "expected at most %zu item%s, got %zu",
			    np, plural(np), n);
		else
			sub = items;
		path_push_index(c, i, &m);
		rc = validate(c, sub, json_object_array_get_idx(v, i));
		path_restore(c, &m);
		if (rc != 0)
			return rc;
	}
	if (!is_true(w->unique) || n < 2)
		return 0;
	return v_unique(c, v);
}

/*
 * anyOf, and oneOf when `one`.  When no branch takes the value: if every
 * branch wanted another type, say which types would do ("expected string
 * or null, got integer" for FastAPI's Optional[str]); if exactly one
 * branch took the type but failed inside, that is the branch the caller
 * meant, so run it again for its message (unless an outer anyOf is still
 * trying its own branches and wants no text); otherwise there is nothing
 * better than a generic line.
 */
static int
v_of(struct js_ctx *c, struct json_object *list, struct json_object *v,
    int one)
{
	struct json_object	*sub;
	size_t			 i, n, cand = 0, ncand = 0, nmatch = 0;
	unsigned		 mask = 0;
	int			 rc = 0;

	if (!json_object_is_type(list, json_type_array) ||
	    (n = json_object_array_length(list)) == 0)
		return 0;
	c->quiet++;
	for (i = 0; i < n; i++) {
		sub = json_object_array_get_idx(list, i);
		if ((rc = validate(c, sub, v)) == JS_FATAL)
			break;
		if (rc == 0) {
			if (!one || ++nmatch > 1)
				break;
		} else if (c->err_type && c->err_vdepth == c->vdepth)
			mask |= c->err_mask;
		else {
			cand = i;
			ncand++;
		}
	}
	c->quiet--;
	if (rc == JS_FATAL || (rc == 0 && !one))
		return rc;
	if (nmatch > 1)
		return fail(c, "matches more than one of the allowed schemas");
	if (nmatch == 1)
		return 0;
	if (ncand == 0)
		return type_fail(c, mask, v);
	if (ncand == 1 && !c->quiet && (rc = validate(c,
	    json_object_array_get_idx(list, cand), v)) != 0)
		return rc;
	return fail(c, "does not match any of the allowed schemas");
}

/*
 * The schema keywords, each with where it goes in struct kw, its family
 * (which kind of value it applies to) and its bit in `has`.
 */
#define KW_AT(f)	offsetof(struct kw, f)
static const struct {
	const char	*name;
	size_t		 at;
	unsigned	 fam, has;
} kw_table[] = {
	{ "$ref", KW_AT(ref), 0, HAS_REF },
	{ "additionalItems", KW_AT(addl_items), KW_ARRAY, 0 },
	{ "additionalProperties", KW_AT(addl), KW_OBJECT, 0 },
	{ "allOf", KW_AT(all), 0, HAS_ALL },
	{ "anyOf", KW_AT(any), 0, HAS_ANY },
	{ "const", KW_AT(constv), 0, HAS_CONST },
	{ "contains", KW_AT(contains), KW_ARR_CONTAINS, 0 },
	{ "dependencies", KW_AT(dependencies), KW_OBJ_MORE, 0 },
	{ "dependentRequired", KW_AT(dep_required), KW_OBJ_MORE, 0 },
	{ "dependentSchemas", KW_AT(dep_schemas), KW_OBJ_MORE, 0 },
	{ "else", KW_AT(else_s), 0, 0 },
	{ "enum", KW_AT(enumv), 0, HAS_ENUM },
	{ "exclusiveMaximum", KW_AT(xmaximum), KW_NUMBER, 0 },
	{ "exclusiveMinimum", KW_AT(xminimum), KW_NUMBER, 0 },
	{ "if", KW_AT(if_s), 0, HAS_IF },
	{ "items", KW_AT(items), KW_ARRAY, 0 },
	{ "maxContains", KW_AT(max_contains), 0, 0 },
	{ "maxItems", KW_AT(max_items), KW_ARR_COUNT, 0 },
	{ "maxLength", KW_AT(max_len), KW_STRING, 0 },
	{ "maxProperties", KW_AT(max_props), KW_OBJ_COUNT, 0 },
	{ "maximum", KW_AT(maximum), KW_NUMBER, 0 },
	{ "minContains", KW_AT(min_contains), 0, 0 },
	{ "minItems", KW_AT(min_items), KW_ARR_COUNT, 0 },
	{ "minLength", KW_AT(min_len), KW_STRING, 0 },
	{ "minProperties", KW_AT(min_props), KW_OBJ_COUNT, 0 },
	{ "minimum", KW_AT(minimum), KW_NUMBER, 0 },
	{ "multipleOf", KW_AT(multiple), KW_NUMBER, 0 },
	{ "not", KW_AT(not), 0, HAS_NOT },
	{ "oneOf", KW_AT(one), 0, HAS_ONE },
	{ "pattern", KW_AT(pattern), KW_STRING, 0 },
	{ "patternProperties", KW_AT(pattern_props), KW_OBJ_PATTERN, 0 },
	{ "prefixItems", KW_AT(prefix), KW_ARR_MORE, 0 },
	{ "properties", KW_AT(props), KW_OBJECT, 0 },
	{ "propertyNames", KW_AT(prop_names), KW_OBJ_MORE, 0 },
	{ "required", KW_AT(required), KW_OBJECT, 0 },
	{ "then", KW_AT(then_s), 0, 0 },
	{ "type", KW_AT(type), 0, HAS_TYPE },
	{ "uniqueItems", KW_AT(unique), KW_ARR_MORE, 0 },
};

/* Note keyword `k` with value `val` in `w`; unknown keywords are left. */
static void
kw_note(struct kw *w, const char *k, struct json_object *val)
{
	size_t	 lo = 0, hi = sizeof(kw_table) / sizeof(kw_table[0]), mid;
	int	 d;

	if (strcmp(k, "nullable") == 0) {
		w->nullable = is_true(val);
		return;
	}
	if (strcmp(k, "discriminator") == 0) {
		w->discriminator = 1;
		return;
	}
	if (strcmp(k, "readOnly") == 0) {
		w->read_only = is_true(val);
		return;
	}
	while (lo < hi) {	/* the table is in strcmp order */
		mid = (lo + hi) / 2;
		if ((d = strcmp(k, kw_table[mid].name)) == 0) {
			*(struct json_object **)(void *)((char *)w +
			    kw_table[mid].at) = val;
			w->has |= kw_table[mid].has;
			w->fam |= kw_table[mid].fam;
			return;
		}
		if (d < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
}

static void
kw_drop(struct json_object *o, void *p)
{
	struct kw	*w = p;
	size_t		 i;

	(void)o;
	for (i = 0; i < w->npp; i++)
		jre_free(w->pp[i].re);
	free(w->pp);
	jre_free(w->re);
	free(w->enum_idx.items);
	free(w);
}

/*
 * Compile "pattern" and the names of "patternProperties".  A pattern PCRE2
 * cannot read is not checked, like any other malformed keyword; one among
 * patternProperties also leaves additionalProperties unchecked, since
 * nobody can tell which members it would have matched.
 */
static struct jre *
kw_compile(const char *kw, const char *pat, size_t len)
{
	struct jre	*re;
	struct sbuf	 b;
	char		 q[JS_SHOW_SZ], why[128];

	if ((re = jre_compile(pat, len, why, sizeof(why))) == NULL) {
		sb_init(&b, q, sizeof(q));
		sb_quote(&b, pat, len, JS_SHOW_MAX);
		log_msg(LOGL_WARN, "JSON Schema: the %s %s is not checked: "
		    "PCRE2 cannot read it (%s)", kw, q, why);
	}
	return re;
}

static void
kw_patterns(struct kw *w)
{
	size_t	 n;

	if (json_object_is_type(w->pattern, json_type_string))
		w->re = kw_compile("pattern", json_object_get_string(w->pattern),
		    (size_t)json_object_get_string_len(w->pattern));
	if (!json_object_is_type(w->pattern_props, json_type_object) ||
	    (n = (size_t)json_object_object_length(w->pattern_props)) == 0)
		return;
	w->pp = xcalloc(n, sizeof(*w->pp));
	json_object_object_foreach(w->pattern_props, key, sub) {
		if ((w->pp[w->npp].re = kw_compile("patternProperties name",
		    key, strlen(key))) == NULL) {
			w->pp_bad = 1;
			continue;
		}
		w->pp[w->npp++].schema = sub;
	}
}

/*
 * The keywords of schema object `s`, read on its first use and kept as
 * its json-c user data: schemas do not change once loaded (jsonschema.h).
 */
static struct kw *
kw_of(struct json_object *s)
{
	struct kw	*w;

	if ((w = json_object_get_userdata(s)) != NULL)
		return w;
	w = xcalloc(1, sizeof(*w));
	json_object_object_foreach(s, key, val)
		kw_note(w, key, val);
	w->types = type_mask(w->type);
	kw_patterns(w);
	json_object_set_userdata(s, w, kw_drop);
	return w;
}

static int
v_schema(struct js_ctx *c, struct json_object *s, struct json_object *v)
{
	struct kw		*w = kw_of(s);
	struct json_object	*sub;
	size_t			 i;
	int			 rc = 0;

	/* OpenAPI 3.0: see the top of the file */
	if (v == NULL && w->nullable)
		return 0;
	if ((w->has & HAS_TYPE) && (rc = v_type(c, w->types, v)) != 0)
		return rc;
	if ((w->has & HAS_ENUM) && (rc = v_enum(c, w->enumv, &w->enum_idx,
	    v)) != 0)
		return rc;
	if ((w->has & HAS_CONST) && (rc = v_const(c, w->constv, v)) != 0)
		return rc;
	switch (json_object_get_type(v)) {
	case json_type_string:
		if (w->fam & KW_STRING)
			rc = v_string(c, w, v);
		break;
	case json_type_int:
	case json_type_double:
		if (w->fam & KW_NUMBER)
			rc = v_number(c, w, v);
		break;
	case json_type_object:
		if (w->fam & KW_OBJECTS)
			rc = v_object(c, w, v);
		break;
	case json_type_array:
		if (w->fam & KW_ARRAYS)
			rc = v_array(c, w, v);
		break;
	default:
		break;
	}
	if (rc != 0)
		return rc;
	/* 2020-12: keywords next to "$ref" apply too */
	if ((w->has & HAS_REF) && (rc = v_ref(c, w, v)) != 0)
		return rc;
	if ((w->has & HAS_ALL) && json_object_is_type(w->all, json_type_array)) {
		for (i = 0; i < json_object_array_length(w->all); i++)
			if ((rc = validate(c, json_object_array_get_idx(w->all,
			    i), v)) != 0)
				return rc;
	}
	if ((w->has & HAS_ANY) && (rc = v_of(c, w->any, v, 0)) != 0)
		return rc;
	if ((w->has & HAS_ONE) &&
	    (rc = v_of(c, w->one, v, c->answer || !w->discriminator)) != 0)
		return rc;
	if ((w->has & HAS_NOT) && is_schema(w->not)) {
		c->quiet++;
		rc = validate(c, w->not, v);
		c->quiet--;
		if (rc == JS_FATAL)
			return rc;
		if (rc == 0)
			return fail(c, "matches a disallowed schema");
	}
	/* if: quietly; then its then, or else its else */
	if ((w->has & HAS_IF) && is_schema(w->if_s)) {
		c->quiet++;
		rc = validate(c, w->if_s, v);
		c->quiet--;
		if (rc == JS_FATAL)
			return rc;
		sub = rc == 0 ? w->then_s : w->else_s;
		if (is_schema(sub) && (rc = validate(c, sub, v)) != 0)
			return rc;
	}
	return 0;
}

static int
validate(struct js_ctx *c, struct json_object *s, struct json_object *v)
{
	int	 rc;

	if (json_object_is_type(s, json_type_boolean)) {
		if (json_object_get_boolean(s))
			return 0;
		/* a type failure that no type would fix: see v_of() */
		return type_fail(c, 0, v);
	}
	/* anything else that is not an object is a malformed schema */
	if (!json_object_is_type(s, json_type_object))
		return 0;
	if (c->depth >= JS_MAX_DEPTH)
		return fatal(c, "schema nesting exceeds %d levels (a \"$ref\" "
		    "cycle?)", JS_MAX_DEPTH);
	if (c->steps-- <= 0)
		return fatal(c, "the schema is too complex to check");
	c->depth++;
	rc = v_schema(c, s, v);
	c->depth--;
	return rc;
}

/* Nodes of a value, to size the work budget; deep parts are not counted. */
static long
count_nodes(struct json_object *v, int depth, long n)
{
	struct json_object_iterator	 it, end;
	size_t				 i, len;

	if (++n >= JS_NODES_MAX || depth >= JS_MAX_DEPTH)
		return n;
	if (json_object_is_type(v, json_type_array)) {
		len = json_object_array_length(v);
		for (i = 0; i < len && n < JS_NODES_MAX; i++)
			n = count_nodes(json_object_array_get_idx(v, i),
			    depth + 1, n);
	} else if (json_object_is_type(v, json_type_object)) {
		it = json_object_iter_begin(v);
		end = json_object_iter_end(v);
		for (; !json_object_iter_equal(&it, &end) && n < JS_NODES_MAX;
		    json_object_iter_next(&it))
			n = count_nodes(json_object_iter_peek_value(&it),
			    depth + 1, n);
	}
	return n;
}

static int
run(struct json_object *root, struct json_object *schema,
    struct json_object *value, const char *path, char *err, size_t errsz,
    int answer)
{
	struct js_ctx	 c;
	long		 nodes;
	int		 rc;

	memset(&c, 0, sizeof(c));
	c.answer = answer;
	c.root = root != NULL ? root : schema;
	c.err = err;
	c.errsz = err != NULL ? errsz : 0;
	nodes = count_nodes(value, 0, 0);
	c.steps = JS_STEPS_MIN + JS_STEPS_NODE * nodes;
	c.eq_left = c.uniq_left = JS_EQ_BUDGET + JS_EQ_NODE * nodes;
	c.re_budget = JS_RE_BUDGET;
	if (c.errsz > 0)
		err[0] = '\0';
	if (path != NULL)
		path_put(&c, path, strlen(path));
	rc = validate(&c, schema, value);
	/* failed anyOf branches and passed "not"s leave text behind */
	if (rc == 0 && c.errsz > 0)
		err[0] = '\0';
	return rc == 0 ? 0 : -1;
}

int
js_validate(struct json_object *root, struct json_object *schema,
    struct json_object *value, const char *path, char *err, size_t errsz)
{
	return run(root, schema, value, path, err, errsz, 0);
}

int
js_validate_answer(struct json_object *root, struct json_object *schema,
    struct json_object *value, const char *path, char *err, size_t errsz)
{
	return run(root, schema, value, path, err, errsz, 1);
}
