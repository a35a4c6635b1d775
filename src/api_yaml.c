/* SPDX-License-Identifier: ISC */
/*
 * api_yaml: an OpenAPI document in YAML to the json-c tree the JSON reader
 * builds, through libyaml's event parser (not its document loader, which
 * would build a second, unbounded tree first).
 *
 * What JSON can hold and nothing else:
 * - mapping keys are scalars, taken as their text (so an unquoted
 *   response code 200 is the key "200"); a mapping or sequence as a key,
 *   an empty key, a key with a NUL byte, a repeated key and YAML 1.1
 *   merge keys (<<) are refused;
 * - plain scalars resolve as in YAML 1.2's core schema: null, ~ and
 *   nothing are null; true/false (and True, TRUE, ...) booleans;
 *   decimal, 0o octal and 0x hex integers; decimals and exponents
 *   floats; everything else (yes, no, on, 1.2.3, dates) a string.
 *   .inf and .nan, and numbers beyond a double, are refused: JSON has
 *   no such numbers.  Quoted and block scalars are always strings;
 * - the tags !!str, !!int, !!float, !!bool, !!null, !!map, !!seq and the
 *   non-specific ! are honoured, any other tag is refused by name;
 * - anchors and aliases are supported: an alias is a copy of its node,
 *   and the copies of one document together may add at most
 *   API_YAML_ALIAS_NODES units, a unit being a node or 64 bytes of a
 *   key's or a scalar's text (a "billion laughs" document is refused,
 *   and so is one that copies a long string a million times);
 *   an alias inside the node it names is refused;
 * - one document per stream; nesting at most the caller's depth, the
 *   same bound as JSON, copies of aliases included.
 * Errors say where: "line L column C" from libyaml's marks (1-based) and
 * the JSON pointer of the node.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "api.h"

#define API_YAML_ALIAS_NODES	1000000
#define API_YAML_UNIT_BYTES	64	/* text counted as one more node */

#define YTAG(s)	"tag:yaml.org,2002:" s

/* An open mapping or sequence. */
struct yframe {
	struct json_object	*c;
	int			 map;
	char			*key;		/* mapping: the pending key */
	int			 anchor;	/* its anchor's index, or -1 */
	size_t			 start_nodes;
	int			 height;	/* of the deepest child */
};

struct yanchor {
	struct json_object	*node;		/* a reference */
	size_t			 nodes;
	int			 height;	/* containers levels in it */
	int			 complete;
};

struct yconv {
	const char		*where;
	char			**cause;
	int			 maxdepth;
	struct yframe		*st;
	int			 depth;
	struct json_object	*root;
	int			 have_root;
	size_t			 nodes;
	size_t			 alias_nodes;
	struct json_object	*anchor_idx;	/* name -> index */
	struct yanchor		*an;
	size_t			 nan;
};

/* The JSON pointer of the node being built, `last` appended if set. */
static char *
pointer(const struct yconv *y, const char *last)
{
	struct buf	 b;
	int		 i;

	buf_init(&b);
	buf_putc(&b, '#');
	for (i = 0; i < y->depth; i++) {
		const struct yframe	*f = &y->st[i];

		if (f->map && f->key != NULL) {
			buf_putc(&b, '/');
			api_pointer_escape(&b, f->key);
		} else if (!f->map)
			buf_printf(&b, "/%zu",
			    json_object_array_length(f->c));
	}
	if (last != NULL) {
		buf_putc(&b, '/');
		api_pointer_escape(&b, last);
	}
	return buf_release(&b);
}

__attribute__((format(printf, 4, 5)))
static int
fail(struct yconv *y, const yaml_mark_t *m, const char *last,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*what, *ptr;

	if (*y->cause != NULL)
		return -1;
	va_start(ap, fmt);
	if (vasprintf(&what, fmt, ap) == -1)
		abort();
	va_end(ap);
	ptr = pointer(y, last);
	xasprintf(y->cause, "MCP_OPENAPI: %s: line %zu column %zu: %s: %s",
	    y->where, m->line + 1, m->column + 1, ptr, what);
	free(ptr);
	free(what);
	return -1;
}

/* ----- scalars ---------------------------------------------------- */

static int
all_in(const char *s, size_t n, const char *set)
{
	size_t	 i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] == '\0' || strchr(set, s[i]) == NULL)
			return 0;
	return 1;
}

static int
one_of(const char *s, const char *const *words)
{
	for (; *words != NULL; words++)
		if (strcmp(s, *words) == 0)
			return 1;
	return 0;
}

static const char *const nulls[] = { "", "~", "null", "Null", "NULL", NULL };
static const char *const trues[] = { "true", "True", "TRUE", NULL };
static const char *const falses[] = { "false", "False", "FALSE", NULL };
static const char *const infs[] = { ".inf", ".Inf", ".INF", "+.inf", "+.Inf",
	"+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN", NULL };

#define DIGITS	"0123456789"

/*
 * A core-schema integer: [-+]?[0-9]+, 0o[0-7]+ or 0x[0-9a-fA-F]+.
 * 1 when `s` is one (*out set, or *cause when out of range), else 0.
 */
static int
yaml_int(const char *s, struct json_object **out, const char **cause)
{
	size_t		 n = strlen(s);
	const char	*d = s;
	unsigned long long u;
	char		*e, *t;
	int		 base = 10;

	*out = NULL;
	*cause = NULL;
	if (n > 2 && s[0] == '0' && s[1] == 'o' &&
	    all_in(s + 2, n - 2, "01234567")) {
		base = 8;
		d = s + 2;
	} else if (n > 2 && s[0] == '0' && s[1] == 'x' &&
	    all_in(s + 2, n - 2, DIGITS "abcdefABCDEF")) {
		base = 16;
		d = s + 2;
	} else {
		if (*d == '-' || *d == '+')
			d++;
		if (!all_in(d, strlen(d), DIGITS))
			return 0;
	}
	errno = 0;
	u = strtoull(d, &e, base);
	if (base != 10) {
		if (errno != 0 || u > INT64_MAX)
			*cause = "integer out of range";
		else
			*out = json_object_new_int64((long long)u);
		return 1;
	}
	if (errno == 0 && s[0] != '-' && u > INT64_MAX) {
		*out = json_object_new_uint64(u);
		return 1;
	}
	if (errno == 0 && (u <= INT64_MAX || (s[0] == '-' &&
	    u == (unsigned long long)INT64_MAX + 1))) {
		*out = json_object_new_int64(s[0] == '-' ?
		    (long long)(0 - u) : (long long)u);
		return 1;
	}
	/* beyond 64 bits: a double with its digits, as the JSON reader does */
	while (d[0] == '0' && d[1] != '\0')
		d++;
	xasprintf(&t, "%s%s", s[0] == '-' ? "-" : "", d);
	*out = json_object_new_double_s(strtod(t, NULL), t);
	free(t);
	return 1;
}

/*
 * A core-schema float: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
 * kept as a double with its text rewritten as JSON writes numbers.
 */
static int
yaml_float(const char *s, struct json_object **out, const char **cause)
{
	const char	*p = s, *ip, *fp = NULL;
	size_t		 il, fl = 0;
	struct buf	 t;
	double		 d;

	*out = NULL;
	*cause = NULL;
	if (one_of(s, infs)) {
		*cause = "not a finite number (JSON has no .inf or .nan)";
		return 1;
	}
	if (*p == '-' || *p == '+')
		p++;
	ip = p;
	il = strspn(p, DIGITS);
	p += il;
	if (*p == '.') {
		fp = ++p;
		fl = strspn(p, DIGITS);
		p += fl;
	}
	if (il == 0 && fl == 0)
		return 0;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '-' || *p == '+')
			p++;
		if (strspn(p, DIGITS) == 0)
			return 0;
		p += strspn(p, DIGITS);
	}
	if (*p != '\0')
		return 0;
	buf_init(&t);
	if (s[0] == '-')
		buf_putc(&t, '-');
	while (il > 1 && *ip == '0') {
		ip++;
		il--;
	}
	if (il == 0)
		buf_putc(&t, '0');
	else
		buf_append(&t, ip, il);
	if (fl > 0) {
		buf_putc(&t, '.');
		buf_append(&t, fp, fl);
	}
	buf_puts(&t, (fp != NULL ? fp + fl : ip + il));
	d = strtod(t.data, NULL);
	if (!isfinite(d))
		*cause = "a number beyond the range of a double";
	else
		*out = json_object_new_double_s(d, t.data);
	buf_free(&t);
	return 1;
}

/* The value of a scalar event; -1 with the error reported. */
static int
scalar(struct yconv *y, const yaml_event_t *ev, struct json_object **out)
{
	const char	*s = (const char *)ev->data.scalar.value;
	const char	*tag = (const char *)ev->data.scalar.tag, *why;
	size_t		 n = ev->data.scalar.length;
	int		 plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;

	*out = NULL;
	if (tag != NULL && strcmp(tag, "!") == 0)
		plain = 0;		/* the non-specific tag: a string */
	else if (tag != NULL && strcmp(tag, YTAG("str")) != 0 &&
	    strcmp(tag, YTAG("int")) != 0 && strcmp(tag, YTAG("float")) != 0 &&
	    strcmp(tag, YTAG("bool")) != 0 && strcmp(tag, YTAG("null")) != 0)
		return fail(y, &ev->start_mark, NULL, "tag %.100s is not "
		    "supported (JSON values only: !!str, !!int, !!float, "
		    "!!bool, !!null)", tag);
	if (tag == NULL ? !plain : strcmp(tag, "!") == 0 ||
	    strcmp(tag, YTAG("str")) == 0) {
		*out = json_object_new_string_len(s, (int)n);
		return 0;
	}
	if (strlen(s) != n)
		return fail(y, &ev->start_mark, NULL, "a NUL byte in a %s",
		    tag ? tag : "plain scalar");
	if (tag == NULL || strcmp(tag, YTAG("null")) == 0) {
		if (one_of(s, nulls))
			return 0;
		if (tag != NULL)
			return fail(y, &ev->start_mark, NULL, "!!null '%.64s' "
			    "is not null", s);
	}
	if (tag == NULL || strcmp(tag, YTAG("bool")) == 0) {
		if (one_of(s, trues) || one_of(s, falses)) {
			*out = json_object_new_boolean(one_of(s, trues));
			return 0;
		}
		if (tag != NULL)
			return fail(y, &ev->start_mark, NULL, "!!bool '%.64s' "
			    "is not true or false", s);
	}
	if (tag == NULL || strcmp(tag, YTAG("int")) == 0 ||
	    strcmp(tag, YTAG("float")) == 0) {
		if (yaml_int(s, out, &why) || yaml_float(s, out, &why)) {
			if (why != NULL)
				return fail(y, &ev->start_mark, NULL, "'%.64s':"
				    " %s", s, why);
			if (tag != NULL && strcmp(tag, YTAG("float")) == 0 &&
			    !json_object_is_type(*out, json_type_double)) {
				double	 d = json_object_get_double(*out);

				json_object_put(*out);
				*out = json_object_new_double(d);
			} else if (tag != NULL && strcmp(tag, YTAG("int")) ==
			    0 && !json_object_is_type(*out, json_type_int)) {
				json_object_put(*out);
				*out = NULL;
				return fail(y, &ev->start_mark, NULL, "!!int "
				    "'%.64s' is not an integer", s);
			}
			return 0;
		}
		if (tag != NULL)
			return fail(y, &ev->start_mark, NULL, "%s '%.64s' is "
			    "not a number", strcmp(tag, YTAG("int")) == 0 ?
			    "!!int" : "!!float", s);
	}
	*out = json_object_new_string_len(s, (int)n);
	return 0;
}

/* ----- the tree --------------------------------------------------- */

static int
anchor_new(struct yconv *y, const yaml_event_t *ev, const char *name,
    struct json_object *node)
{
	struct yanchor	*a;

	if (name == NULL)
		return -1;
	if (y->anchor_idx == NULL)
		y->anchor_idx = json_object_new_object();
	y->an = xrealloc(y->an, (y->nan + 1) * sizeof(*y->an));
	a = &y->an[y->nan];
	a->node = json_object_get(node);
	a->nodes = 1;
	a->height = 0;
	a->complete = 0;
	/* a name used again names the newer node from here on */
	json_object_object_add(y->anchor_idx, name,
	    json_object_new_int64((long long)y->nan));
	return (int)y->nan++;
}

/* Attach a finished node to the open container (or make it the root). */
static int
attach(struct yconv *y, const yaml_mark_t *m, struct json_object *v,
    int height)
{
	struct yframe	*f;

	if (y->depth == 0) {
		y->root = v;
		y->have_root = 1;
		return 0;
	}
	f = &y->st[y->depth - 1];
	if (height > f->height)
		f->height = height;
	if (!f->map) {
		json_object_array_add(f->c, v);
		return 0;
	}
	json_object_object_add(f->c, f->key, v);
	free(f->key);
	f->key = NULL;
	return 0;
}

/* A scalar where a mapping wants its key. */
static int
take_key(struct yconv *y, const yaml_event_t *ev)
{
	struct yframe	*f = &y->st[y->depth - 1];
	const char	*s = (const char *)ev->data.scalar.value;
	size_t		 n = ev->data.scalar.length;
	const char	*tag = (const char *)ev->data.scalar.tag;
	int		 plain = ev->data.scalar.style ==
			    YAML_PLAIN_SCALAR_STYLE && tag == NULL;

	if (strlen(s) != n)
		return fail(y, &ev->start_mark, NULL, "a NUL byte in a "
		    "mapping key");
	if ((plain && (n == 0 || strcmp(s, "~") == 0)) ||
	    (tag != NULL && strcmp(tag, YTAG("null")) == 0))
		return fail(y, &ev->start_mark, NULL, "a mapping key is empty "
		    "(null)");
	if (plain && strcmp(s, "<<") == 0)
		return fail(y, &ev->start_mark, NULL, "merge keys (<<) are not "
		    "supported: write the members out");
	if (json_object_object_get_ex(f->c, s, NULL))
		return fail(y, &ev->start_mark, s, "duplicate key '%.100s'",
		    s);
	f->key = xstrdup(s);
	y->nodes += n / API_YAML_UNIT_BYTES;	/* copied with its mapping */
	if (ev->data.scalar.anchor != NULL) {
		struct json_object	*k = json_object_new_string(s);
		int			 a;

		a = anchor_new(y, ev, (const char *)ev->data.scalar.anchor, k);
		/* an alias of it copies its text: counted as a value's */
		y->an[a].nodes = 1 + n / API_YAML_UNIT_BYTES;
		y->an[a].complete = 1;
		json_object_put(k);
	}
	return 0;
}

static int
open_node(struct yconv *y, const yaml_event_t *ev, int map)
{
	struct yframe	*f;
	const char	*tag, *anchor;

	if (map) {
		tag = (const char *)ev->data.mapping_start.tag;
		anchor = (const char *)ev->data.mapping_start.anchor;
	} else {
		tag = (const char *)ev->data.sequence_start.tag;
		anchor = (const char *)ev->data.sequence_start.anchor;
	}
	if (y->depth > 0 && y->st[y->depth - 1].map &&
	    y->st[y->depth - 1].key == NULL)
		return fail(y, &ev->start_mark, NULL, "a mapping key must be "
		    "a string, not a %s", map ? "mapping" : "sequence");
	if (tag != NULL && strcmp(tag, "!") != 0 &&
	    strcmp(tag, map ? YTAG("map") : YTAG("seq")) != 0)
		return fail(y, &ev->start_mark, NULL, "tag %.100s is not "
		    "supported (JSON values only: !!map, !!seq)", tag);
	if (y->depth >= y->maxdepth)
		return fail(y, &ev->start_mark, NULL, "nested deeper than %d",
		    y->maxdepth);
	y->st = xrealloc(y->st, (size_t)(y->depth + 1) * sizeof(*y->st));
	f = &y->st[y->depth];
	f->c = map ? json_object_new_object() : json_object_new_array();
	f->map = map;
	f->key = NULL;
	f->start_nodes = y->nodes++;
	f->height = 0;
	f->anchor = anchor != NULL ? anchor_new(y, ev, anchor, f->c) : -1;
	y->depth++;
	return 0;
}

static int
close_node(struct yconv *y, const yaml_event_t *ev)
{
	struct yframe	 f = y->st[--y->depth];

	/* the libyaml parser pairs starts and ends, keys and values */
	free(f.key);
	if (f.anchor >= 0) {
		y->an[f.anchor].complete = 1;
		y->an[f.anchor].nodes = y->nodes - f.start_nodes;
		y->an[f.anchor].height = f.height + 1;
	}
	return attach(y, &ev->start_mark, f.c, f.height + 1);
}

static int
alias(struct yconv *y, const yaml_event_t *ev)
{
	const char		*name = (const char *)ev->data.alias.anchor;
	struct json_object	*ix, *copy = NULL;
	struct yanchor		*a;

	if (y->depth > 0 && y->st[y->depth - 1].map &&
	    y->st[y->depth - 1].key == NULL)
		return fail(y, &ev->start_mark, NULL, "an alias (*%.64s) as a "
		    "mapping key is not supported", name);
	if (y->anchor_idx == NULL ||
	    !json_object_object_get_ex(y->anchor_idx, name, &ix))
		return fail(y, &ev->start_mark, NULL, "alias *%.64s names no "
		    "anchor", name);
	a = &y->an[json_object_get_int64(ix)];
	if (!a->complete)
		return fail(y, &ev->start_mark, NULL, "alias *%.64s is inside "
		    "the node it names (a recursive structure)", name);
	if (a->nodes > API_YAML_ALIAS_NODES - y->alias_nodes)
		return fail(y, &ev->start_mark, NULL, "aliases expand to more "
		    "than %d nodes or %d MB of text (an alias bomb?)",
		    API_YAML_ALIAS_NODES, API_YAML_ALIAS_NODES /
		    (1000000 / API_YAML_UNIT_BYTES));
	if (y->depth + a->height > y->maxdepth)
		return fail(y, &ev->start_mark, NULL, "alias *%.64s nests "
		    "deeper than %d", name, y->maxdepth);
	if (a->node != NULL && json_object_deep_copy(a->node, &copy,
	    NULL) != 0)
		abort();
	y->alias_nodes += a->nodes;
	y->nodes += a->nodes;
	return attach(y, &ev->start_mark, copy, a->height);
}

static int
on_scalar(struct yconv *y, const yaml_event_t *ev)
{
	struct json_object	*v;
	size_t			 units;
	int			 a;

	if (y->depth > 0 && y->st[y->depth - 1].map &&
	    y->st[y->depth - 1].key == NULL)
		return take_key(y, ev);
	if (scalar(y, ev, &v) == -1)
		return -1;
	units = 1 + ev->data.scalar.length / API_YAML_UNIT_BYTES;
	y->nodes += units;
	if (ev->data.scalar.anchor != NULL) {
		a = anchor_new(y, ev, (const char *)ev->data.scalar.anchor, v);
		y->an[a].complete = 1;
		y->an[a].nodes = units;
	}
	return attach(y, &ev->start_mark, v, 0);
}

static int
parse_error(struct yconv *y, const yaml_parser_t *p)
{
	const yaml_mark_t	*m = p->problem ? &p->problem_mark :
				    &p->context_mark;
	const char		*what = p->problem ? p->problem :
				    "not YAML";

	if (p->error == YAML_MEMORY_ERROR)
		abort();
	if (p->context != NULL)
		return fail(y, m, NULL, "%s (%s at line %zu column %zu)", what,
		    p->context, p->context_mark.line + 1,
		    p->context_mark.column + 1);
	return fail(y, m, NULL, "%s", what);
}

/*
 * Parse `len` bytes of YAML into a new json-c tree (the caller owns it).
 * JSON null at the top is refused like an empty document.  `where`
 * names the document in messages; nesting is at most `maxdepth`.
 */
struct json_object *
api_yaml_parse(const char *data, size_t len, const char *where, int maxdepth,
    char **cause)
{
	yaml_parser_t		 p;
	yaml_event_t		 ev;
	struct yconv		 y;
	yaml_mark_t		 end = { 0, 0, 0 };
	int			 done = 0, docs = 0, rc = 0;
	size_t			 i;

	memset(&y, 0, sizeof(y));
	y.where = where;
	y.cause = cause;
	y.maxdepth = maxdepth;
	*cause = NULL;
	if (!yaml_parser_initialize(&p))
		abort();
	yaml_parser_set_input_string(&p, (const unsigned char *)data, len);
	while (!done && rc == 0) {
		if (!yaml_parser_parse(&p, &ev)) {
			rc = parse_error(&y, &p);
			break;
		}
		end = ev.end_mark;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1)
				rc = fail(&y, &ev.start_mark, NULL, "more than "
				    "one document in the stream");
			break;
		case YAML_SCALAR_EVENT:
			rc = on_scalar(&y, &ev);
			break;
		case YAML_ALIAS_EVENT:
			rc = alias(&y, &ev);
			break;
		case YAML_MAPPING_START_EVENT:
			rc = open_node(&y, &ev, 1);
			break;
		case YAML_SEQUENCE_START_EVENT:
			rc = open_node(&y, &ev, 0);
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			rc = close_node(&y, &ev);
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	if (rc == 0 && y.root == NULL)
		rc = fail(&y, &end, NULL, y.have_root ? "the document is null" :
		    "the document is empty");
	yaml_parser_delete(&p);
	while (y.depth > 0) {
		y.depth--;
		json_object_put(y.st[y.depth].c);
		free(y.st[y.depth].key);
	}
	free(y.st);
	for (i = 0; i < y.nan; i++)
		json_object_put(y.an[i].node);
	free(y.an);
	json_object_put(y.anchor_idx);
	if (rc != 0) {
		json_object_put(y.root);
		return NULL;
	}
	return y.root;
}
