/* SPDX-License-Identifier: ISC */
/*
 * api_jsonpath: the part of JSONPath (RFC 9535) that OpenAPI Overlay
 * targets use in practice: $, .name, ['name'], [n], * and [*], the
 * descendant segment .., and filters comparing one member path of @
 * with a literal by == or !=.  Anything else (unions, slices, functions,
 * logical operators, <, >) is refused by name with its position, so an
 * operator learns at start-up that a target means something else here
 * rather than finding out from the tools.  Compiling and selecting are
 * bounded: the length of an expression, its segments, the nodes a
 * descendant segment visits and the matches.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "util.h"

#define JP_EXPR_MAX	1024	/* bytes of one expression */
#define JP_SEGS_MAX	32	/* segments of one expression */
#define JP_FIELD_MAX	8	/* members in a filter's @ path */
#define JP_VISITS_MAX	2000000	/* nodes one selection may visit */
#define JP_DEPTH_MAX	1024	/* nesting a descendant segment follows */

enum jp_sel { JP_NAME, JP_INDEX, JP_WILD, JP_FILTER };

struct jp_seg {
	enum jp_sel		 sel;
	int			 descend;	/* .. before the selector */
	char			*name;		/* JP_NAME */
	long long		 index;		/* JP_INDEX; < 0 from the end */
	/* JP_FILTER: @.field[0].field[1]... op literal */
	char			*field[JP_FIELD_MAX];
	size_t			 nfield;
	int			 ne;		/* != rather than == */
	struct json_object	*lit;
};

struct api_jp {
	struct jp_seg	 segs[JP_SEGS_MAX];
	size_t		 nsegs;
};

struct jp_parse {
	const char	*s;
	size_t		 i;
	char		**cause;
};

__attribute__((format(printf, 2, 3)))
static int
jp_fail(struct jp_parse *p, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		abort();
	va_end(ap);
	xasprintf(p->cause, "at position %zu: %s", p->i + 1, msg);
	free(msg);
	return -1;
}

static void
jp_space(struct jp_parse *p)
{
	while (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' ||
	    p->s[p->i] == '\r')
		p->i++;
}

/*
 * Member-name shorthand characters: RFC 9535's, plus '-' and '$' after
 * the first (x-mcp-name, $ref) and a leading digit (.responses.200):
 * overlays in the wild write them, and [n] is never written with a dot.
 */
static int
name_char(unsigned char ch, int first)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    ch == '_' || ch >= 0x80 || (ch >= '0' && ch <= '9') ||
	    (!first && (ch == '-' || ch == '$'));
}

/* A member-name shorthand: .name */
static int
jp_shorthand(struct jp_parse *p, char **out)
{
	size_t	 start = p->i;

	if (!name_char((unsigned char)p->s[p->i], 1))
		return jp_fail(p, "a member name, * or [ is expected");
	while (name_char((unsigned char)p->s[p->i], 0))
		p->i++;
	*out = xstrndup(p->s + start, p->i - start);
	return 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

/* A quoted string, '...' or "...", with JSON's escapes and \'. */
static int
jp_quoted(struct jp_parse *p, char **out)
{
	struct buf	 b;
	char		 q = p->s[p->i++], c;
	unsigned int	 u;
	int		 k, h;

	buf_init(&b);
	for (;;) {
		c = p->s[p->i];
		if (c == '\0') {
			buf_free(&b);
			return jp_fail(p, "the string is not closed");
		}
		p->i++;
		if (c == q)
			break;
		if (c != '\\') {
			buf_putc(&b, c);
			continue;
		}
		c = p->s[p->i++];
		switch (c) {
		case '\\': case '/': case '\'': case '"':
			buf_putc(&b, c);
			break;
		case 'b': buf_putc(&b, '\b'); break;
		case 'f': buf_putc(&b, '\f'); break;
		case 'n': buf_putc(&b, '\n'); break;
		case 'r': buf_putc(&b, '\r'); break;
		case 't': buf_putc(&b, '\t'); break;
		case 'u':
			for (u = 0, k = 0; k < 4; k++) {
				if ((h = hexval(p->s[p->i])) < 0) {
					buf_free(&b);
					return jp_fail(p, "a \\u escape needs "
					    "four hex digits");
				}
				u = u * 16 + (unsigned int)h;
				p->i++;
			}
			if (u == 0 || (u >= 0xd800 && u <= 0xdfff)) {
				buf_free(&b);
				return jp_fail(p, "\\u%04x is not supported "
				    "in a name", u);
			}
			if (u < 0x80)
				buf_putc(&b, (char)u);
			else if (u < 0x800) {
				buf_putc(&b, (char)(0xc0 | (u >> 6)));
				buf_putc(&b, (char)(0x80 | (u & 0x3f)));
			} else {
				buf_putc(&b, (char)(0xe0 | (u >> 12)));
				buf_putc(&b, (char)(0x80 | ((u >> 6) & 0x3f)));
				buf_putc(&b, (char)(0x80 | (u & 0x3f)));
			}
			break;
		default:
			p->i--;
			buf_free(&b);
			return jp_fail(p, "unknown escape in a string");
		}
	}
	*out = b.data != NULL ? buf_release(&b) : xstrdup("");
	return 0;
}

/* An integer index, bounded. */
static int
jp_int(struct jp_parse *p, long long *out)
{
	char		*end;
	long long	 v;

	errno = 0;
	v = strtoll(p->s + p->i, &end, 10);
	if (end == p->s + p->i || errno != 0 || v > 1000000000LL ||
	    v < -1000000000LL)
		return jp_fail(p, "an index out of range");
	p->i = (size_t)(end - p->s);
	*out = v;
	return 0;
}

/* The literal a filter compares with: a string, number, true/false/null. */
static int
jp_literal(struct jp_parse *p, struct json_object **out)
{
	const char	*s = p->s + p->i;
	char		*str, *end;
	double		 d;
	size_t		 n;

	if (*s == '\'' || *s == '"') {
		if (jp_quoted(p, &str) == -1)
			return -1;
		*out = json_object_new_string(str);
		free(str);
		return 0;
	}
	if (strncmp(s, "true", 4) == 0 || strncmp(s, "false", 5) == 0) {
		*out = json_object_new_boolean(*s == 't');
		p->i += *s == 't' ? 4 : 5;
		return 0;
	}
	if (strncmp(s, "null", 4) == 0) {
		*out = NULL;
		p->i += 4;
		return 0;
	}
	if (*s == '-' || (*s >= '0' && *s <= '9')) {
		n = strspn(s, "-+0123456789.eE");
		if (n > 64)
			return jp_fail(p, "a number too long");
		str = xstrndup(s, n);
		errno = 0;
		d = strtod(str, &end);
		if (*end != '\0' || errno != 0) {
			free(str);
			return jp_fail(p, "not a number");
		}
		free(str);
		*out = json_object_new_double(d);
		p->i += n;
		return 0;
	}
	if (*s == '@' || *s == '$')
		return jp_fail(p, "comparing two paths is not supported "
		    "(only @.member == or != a literal)");
	return jp_fail(p, "a string, number, true, false or null is "
	    "expected");
}

/* [?(@.a.b == 'x')] or [?@.a == 1]: p->i is just after '?'. */
static int
jp_filter(struct jp_parse *p, struct jp_seg *g)
{
	int	 paren = 0;
	char	*name;

	jp_space(p);
	if (p->s[p->i] == '(') {
		paren = 1;
		p->i++;
		jp_space(p);
	}
	if (p->s[p->i] == '!')
		return jp_fail(p, "the logical operator ! is not supported");
	if (p->s[p->i] == '$')
		return jp_fail(p, "absolute paths in a filter are not "
		    "supported (only @)");
	if (isalpha((unsigned char)p->s[p->i]))
		return jp_fail(p, "function extensions are not supported");
	if (p->s[p->i] != '@')
		return jp_fail(p, "a filter must start with @");
	p->i++;
	for (;;) {
		if (p->s[p->i] == '.' && p->s[p->i + 1] == '.')
			return jp_fail(p, "descendant segments in a filter are "
			    "not supported");
		if (p->s[p->i] == '.') {
			p->i++;
			if (jp_shorthand(p, &name) == -1)
				return -1;
		} else if (p->s[p->i] == '[') {
			p->i++;
			jp_space(p);
			if (p->s[p->i] != '\'' && p->s[p->i] != '"')
				return jp_fail(p, "only quoted member names "
				    "are supported in a filter's path");
			if (jp_quoted(p, &name) == -1)
				return -1;
			jp_space(p);
			if (p->s[p->i] != ']') {
				free(name);
				return jp_fail(p, "] is expected");
			}
			p->i++;
		} else
			break;
		if (g->nfield >= JP_FIELD_MAX) {
			free(name);
			return jp_fail(p, "more than %d members in a filter's "
			    "path", JP_FIELD_MAX);
		}
		g->field[g->nfield++] = name;
	}
	if (g->nfield == 0)
		return jp_fail(p, "a filter needs a member of @ (@.name)");
	jp_space(p);
	if (strncmp(p->s + p->i, "==", 2) == 0)
		g->ne = 0;
	else if (strncmp(p->s + p->i, "!=", 2) == 0)
		g->ne = 1;
	else if (strncmp(p->s + p->i, "&&", 2) == 0 ||
	    strncmp(p->s + p->i, "||", 2) == 0)
		return jp_fail(p, "the logical operator %.2s is not supported",
		    p->s + p->i);
	else if (p->s[p->i] == '<' || p->s[p->i] == '>')
		return jp_fail(p, "the comparison %c is not supported (only "
		    "== and !=)", p->s[p->i]);
	else if (p->s[p->i] == ')' || p->s[p->i] == ']')
		return jp_fail(p, "existence tests are not supported (only "
		    "== and != with a literal)");
	else
		return jp_fail(p, "== or != is expected");
	p->i += 2;
	jp_space(p);
	if (jp_literal(p, &g->lit) == -1)
		return -1;
	jp_space(p);
	if (strncmp(p->s + p->i, "&&", 2) == 0 ||
	    strncmp(p->s + p->i, "||", 2) == 0)
		return jp_fail(p, "the logical operator %.2s is not supported",
		    p->s + p->i);
	if (paren) {
		if (p->s[p->i] != ')')
			return jp_fail(p, ") is expected");
		p->i++;
		jp_space(p);
	}
	g->sel = JP_FILTER;
	return 0;
}

/* A bracketed selector: p->i is just after '['. */
static int
jp_bracket(struct jp_parse *p, struct jp_seg *g)
{
	char	 c;

	jp_space(p);
	c = p->s[p->i];
	if (c == '\'' || c == '"') {
		if (jp_quoted(p, &g->name) == -1)
			return -1;
		g->sel = JP_NAME;
	} else if (c == '*') {
		p->i++;
		g->sel = JP_WILD;
	} else if (c == '?') {
		p->i++;
		if (jp_filter(p, g) == -1)
			return -1;
	} else if (c == '-' || (c >= '0' && c <= '9')) {
		if (jp_int(p, &g->index) == -1)
			return -1;
		g->sel = JP_INDEX;
	} else if (c == ':')
		return jp_fail(p, "array slices are not supported");
	else if (c == '(')
		return jp_fail(p, "script expressions are not supported");
	else
		return jp_fail(p, "a quoted name, an index, * or ?filter is "
		    "expected");
	jp_space(p);
	if (p->s[p->i] == ',')
		return jp_fail(p, "unions (several selectors in one [ ]) are "
		    "not supported; use one action per target");
	if (p->s[p->i] == ':')
		return jp_fail(p, "array slices are not supported");
	if (p->s[p->i] != ']')
		return jp_fail(p, "] is expected");
	p->i++;
	return 0;
}

void
api_jp_free(struct api_jp *jp)
{
	size_t	 i, k;

	if (jp == NULL)
		return;
	for (i = 0; i < jp->nsegs; i++) {
		free(jp->segs[i].name);
		for (k = 0; k < jp->segs[i].nfield; k++)
			free(jp->segs[i].field[k]);
		json_object_put(jp->segs[i].lit);
	}
	free(jp);
}

/*
 * Compile `expr`; NULL with *cause ("at position 7: ...") when it is
 * not in the subset.
 */
struct api_jp *
api_jp_compile(const char *expr, char **cause)
{
	struct jp_parse	 p;
	struct api_jp	*jp = xcalloc(1, sizeof(*jp));
	struct jp_seg	*g;

	p.s = expr;
	p.i = 0;
	p.cause = cause;
	if (strlen(expr) > JP_EXPR_MAX) {
		xasprintf(cause, "longer than %d bytes", JP_EXPR_MAX);
		goto fail;
	}
	if (expr[0] != '$') {
		jp_fail(&p, "a target must start with $");
		goto fail;
	}
	p.i = 1;
	while (p.s[p.i] != '\0') {
		if (jp->nsegs >= JP_SEGS_MAX) {
			jp_fail(&p, "more than %d segments", JP_SEGS_MAX);
			goto fail;
		}
		g = &jp->segs[jp->nsegs++];
		if (p.s[p.i] == '.' && p.s[p.i + 1] == '.') {
			g->descend = 1;
			p.i += 2;
			if (p.s[p.i] == '[') {
				p.i++;
				if (jp_bracket(&p, g) == -1)
					goto fail;
				continue;
			}
		} else if (p.s[p.i] == '.')
			p.i++;
		else if (p.s[p.i] == '[') {
			p.i++;
			if (jp_bracket(&p, g) == -1)
				goto fail;
			continue;
		} else {
			jp_fail(&p, "'.' or '[' is expected");
			goto fail;
		}
		if (p.s[p.i] == '*') {
			p.i++;
			g->sel = JP_WILD;
		} else if (jp_shorthand(&p, &g->name) == -1)
			goto fail;
		else
			g->sel = JP_NAME;
		if (p.s[p.i] == '(') {
			jp_fail(&p, "function extensions are not supported");
			goto fail;
		}
	}
	return jp;
fail:
	api_jp_free(jp);
	return NULL;
}

struct jp_sel_ctx {
	struct api_jp_match	*m;
	size_t			 n, max;
	size_t			 visits;
	int			 over;		/* a bound was hit */
};

static void
jp_add(struct jp_sel_ctx *x, struct json_object *parent, const char *key,
    size_t idx, struct json_object *node)
{
	if (x->over)
		return;
	if (x->n >= x->max) {
		x->over = 1;
		return;
	}
	x->m = xrealloc(x->m, (x->n + 1) * sizeof(*x->m));
	x->m[x->n].parent = parent;
	x->m[x->n].key = key != NULL ? xstrdup(key) : NULL;
	x->m[x->n].idx = idx;
	x->m[x->n].node = node;
	x->n++;
}

/* RFC 9535 §2.3.5.2.2, for the literals we have. */
static int
jp_equal(struct json_object *a, struct json_object *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	if ((json_object_is_type(a, json_type_int) ||
	    json_object_is_type(a, json_type_double)) &&
	    (json_object_is_type(b, json_type_int) ||
	    json_object_is_type(b, json_type_double)))
		return json_object_get_double(a) == json_object_get_double(b);
	if (json_object_get_type(a) != json_object_get_type(b))
		return 0;
	if (json_object_is_type(a, json_type_string))
		return strcmp(json_object_get_string(a),
		    json_object_get_string(b)) == 0;
	if (json_object_is_type(a, json_type_boolean))
		return json_object_get_boolean(a) == json_object_get_boolean(b);
	return 0;
}

static int
jp_test(const struct jp_seg *g, struct json_object *node)
{
	struct json_object	*v = node;
	size_t			 k;
	int			 found = 1;

	for (k = 0; k < g->nfield; k++)
		if (!json_object_is_type(v, json_type_object) ||
		    !json_object_object_get_ex(v, g->field[k], &v)) {
			found = 0;
			break;
		}
	/* a missing member equals nothing (JSON null is a value) */
	if (!found)
		return g->ne;
	if (g->lit == NULL && v == NULL)
		return !g->ne;
	return jp_equal(v, g->lit) ? !g->ne : g->ne;
}

/* The selector of `g` applied to one node. */
static void
jp_apply(const struct jp_seg *g, struct json_object *node,
    struct jp_sel_ctx *x)
{
	struct json_object	*v;
	size_t			 i, n;
	long long		 ix;

	if (json_object_is_type(node, json_type_object)) {
		if (g->sel == JP_NAME) {
			if (json_object_object_get_ex(node, g->name, &v))
				jp_add(x, node, g->name, 0, v);
			return;
		}
		if (g->sel == JP_INDEX)
			return;
		json_object_object_foreach(node, k, val)
			if (g->sel == JP_WILD || jp_test(g, val))
				jp_add(x, node, k, 0, val);
	} else if (json_object_is_type(node, json_type_array)) {
		n = json_object_array_length(node);
		if (g->sel == JP_NAME)
			return;
		if (g->sel == JP_INDEX) {
			ix = g->index < 0 ? (long long)n + g->index : g->index;
			if (ix >= 0 && (size_t)ix < n)
				jp_add(x, node, NULL, (size_t)ix,
				    json_object_array_get_idx(node, (size_t)ix));
			return;
		}
		for (i = 0; i < n; i++) {
			v = json_object_array_get_idx(node, i);
			if (g->sel == JP_WILD || jp_test(g, v))
				jp_add(x, node, NULL, i, v);
		}
	}
}

/* The descendant segment: the node and all below it, in document order. */
static void
jp_descend(const struct jp_seg *g, struct json_object *node, int depth,
    struct jp_sel_ctx *x)
{
	size_t	 i, n;

	if (x->over || node == NULL)
		return;
	if (++x->visits > JP_VISITS_MAX || depth > JP_DEPTH_MAX) {
		x->over = 2;
		return;
	}
	jp_apply(g, node, x);
	if (json_object_is_type(node, json_type_object)) {
		json_object_object_foreach(node, k, v) {
			(void)k;
			jp_descend(g, v, depth + 1, x);
		}
	} else if (json_object_is_type(node, json_type_array)) {
		n = json_object_array_length(node);
		for (i = 0; i < n; i++)
			jp_descend(g, json_object_array_get_idx(node, i),
			    depth + 1, x);
	}
}

void
api_jp_matches_free(struct api_jp_match *m, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(m[i].key);
	free(m);
}

/*
 * The nodes `jp` selects in `root` (borrowed), each with its parent (NULL
 * for the root) and its member name or index.  -1 with *cause past
 * `max` matches or the bound on visited nodes.
 */
int
api_jp_select(const struct api_jp *jp, struct json_object *root, size_t max,
    struct api_jp_match **out, size_t *nout, char **cause)
{
	struct jp_sel_ctx	 cur, next;
	size_t			 s, i;

	memset(&cur, 0, sizeof(cur));
	cur.max = max;
	jp_add(&cur, NULL, NULL, 0, root);
	for (s = 0; s < jp->nsegs; s++) {
		memset(&next, 0, sizeof(next));
		next.max = max;
		next.visits = cur.visits;
		for (i = 0; i < cur.n && !next.over; i++) {
			if (jp->segs[s].descend)
				jp_descend(&jp->segs[s], cur.m[i].node, 0,
				    &next);
			else
				jp_apply(&jp->segs[s], cur.m[i].node, &next);
		}
		api_jp_matches_free(cur.m, cur.n);
		cur = next;
		if (cur.over)
			break;
	}
	if (cur.over) {
		if (cur.over == 2)
			xasprintf(cause, "the descendant segment visits more "
			    "than %d nodes or %d levels", JP_VISITS_MAX,
			    JP_DEPTH_MAX);
		else
			xasprintf(cause, "selects more than %zu nodes", max);
		api_jp_matches_free(cur.m, cur.n);
		return -1;
	}
	*out = cur.m;
	*nout = cur.n;
	return 0;
}
