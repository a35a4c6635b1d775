/* SPDX-License-Identifier: ISC */
/*
 * api_tool: every operation of the document becomes a tool: a name, a
 * description, an input schema from its parameters and request body, an
 * output schema from its first 2xx JSON response, annotations from its
 * method, and the OAuth scopes it requires.  Runs once at start-up.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "audit.h"
#include "log.h"
#include "api.h"
#include "url.h"
#include "util.h"

static const char *const api_methods[] = {
	"get", "put", "post", "delete", "options", "head", "patch", "trace",
	NULL
};

/* One operation while the tool set is built. */
struct api_cand {
	const char		*opid;		/* NULL when absent */
	const char		*method;	/* lower case, as in the doc */
	const char		*path;
	struct json_object	*op;
	struct json_object	*item;		/* the path item */
	char			*name;
	char			*gen;		/* the name before a clash moved
						 * it (unnamed operations) */
	int			 keep;
	int			 named;		/* by x-mcp-name */
};

struct api_build {
	const struct cfg	*cfg;
	struct api_doc		 doc;
	struct api_cand		*cands;
	size_t			 ncands;
	char			**cause;
	struct api_secrets	*secrets;	/* MCP_UPSTREAM_AUTH=static */
	int			 need_client;	/* an operation asks the
						 * provider (api_opauth.c) */
	struct buf		 lent;		/* operations that lend this
						 * server's credentials to
						 * unverified callers */
};

static struct json_object *
obj_get(struct json_object *o, const char *key, enum json_type t)
{
	struct json_object	*v;

	if (o != NULL && json_object_object_get_ex(o, key, &v) &&
	    json_object_is_type(v, t))
		return v;
	return NULL;
}

static const char *
str_get(struct json_object *o, const char *key)
{
	struct json_object	*v = obj_get(o, key, json_type_string);

	return v != NULL ? json_object_get_string(v) : NULL;
}

/* "#/paths/~1items~1{id}/parameters/0" for messages */
static char *
item_where(const struct api_cand *c, const char *tail)
{
	struct buf	 b;

	buf_init(&b);
	buf_puts(&b, "#/paths/");
	api_pointer_escape(&b, c->path);
	buf_printf(&b, "/%s", tail);
	return buf_release(&b);
}

/* "#/paths/~1items~1{id}/get" for messages */
static char *
op_where(const struct api_cand *c, const char *tail)
{
	struct buf	 b;

	buf_init(&b);
	buf_puts(&b, "#/paths/");
	api_pointer_escape(&b, c->path);
	buf_printf(&b, "/%s%s%s", c->method, tail ? "/" : "", tail ? tail : "");
	return buf_release(&b);
}

static int
valid_name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-';
}

/*
 * A valid MCP tool name ([A-Za-z0-9_.-], at most `max` bytes) from the
 * operationId, or from method and path when there is none.  A name that
 * is too long keeps its start and gains a hash of the whole, so two long
 * names that share a prefix stay distinct.
 */
char *
api_tool_name(const char *opid, const char *method, const char *path,
    size_t max)
{
	unsigned char	 h[EVP_MAX_MD_SIZE];
	unsigned int	 hlen;
	struct buf	 b;
	char		*name, *out;
	size_t		 i, n;

	buf_init(&b);
	if (opid != NULL && *opid != '\0') {
		for (i = 0; opid[i] != '\0'; i++)
			buf_putc(&b, valid_name_char(opid[i]) ? opid[i] : '_');
	} else {
		for (i = 0; method[i] != '\0'; i++)
			buf_putc(&b, method[i] >= 'A' && method[i] <= 'Z' ?
			    method[i] + 32 : method[i]);
		for (i = 0; path[i] != '\0'; i++) {
			char	 ch = valid_name_char(path[i]) && path[i] != '.'
			    && path[i] != '-' ? path[i] : '_';

			/* one underscore between words, none at the end */
			if (ch == '_' && b.len > 0 && b.data[b.len - 1] == '_')
				continue;
			buf_putc(&b, ch);
		}
		while (b.len > 0 && b.data[b.len - 1] == '_')
			b.data[--b.len] = '\0';
	}
	if (b.len == 0)
		buf_puts(&b, "operation");
	name = buf_release(&b);
	if ((n = strlen(name)) <= max)
		return name;
	EVP_Digest(name, n, h, &hlen, EVP_sha256(), NULL);
	xasprintf(&out, "%.*s_%02x%02x%02x%02x", (int)(max - 9), name, h[0],
	    h[1], h[2], h[3]);
	free(name);
	return out;
}

/*
 * Names in document order, before any filtering, so that a tool keeps its
 * name whatever the filters say; a clash gets _2, _3 ... and a warning.
 * The names given so far are kept as the keys of a json-c object: one
 * hashed look-up per name, not a scan of all the earlier ones.
 */
static void
assign_names(struct api_build *b)
{
	struct json_object	*taken = json_object_new_object();
	struct api_cand		*c;
	size_t			 i, max = (size_t)b->cfg->tool_name_max;
	char			*alt;
	int			 k;

	/* x-mcp-name first: the operator's names are kept as they are */
	for (i = 0; i < b->ncands; i++)
		if (b->cands[i].named)
			json_object_object_add(taken, b->cands[i].name, NULL);
		else
			b->cands[i].gen = xstrdup(b->cands[i].name);
	for (i = 0; i < b->ncands; i++) {
		c = &b->cands[i];
		if (c->named)
			continue;
		if (!json_object_object_get_ex(taken, c->name, NULL)) {
			json_object_object_add(taken, c->name, NULL);
			continue;
		}
		for (k = 2;; k++) {
			char	 suffix[16];
			size_t	 sl = (size_t)snprintf(suffix, sizeof(suffix),
			    "_%d", k);
			size_t	 bl = strlen(c->name);

			if (bl + sl > max)
				bl = max - sl;
			xasprintf(&alt, "%.*s%s", (int)bl, c->name, suffix);
			if (!json_object_object_get_ex(taken, alt, NULL))
				break;
			free(alt);
		}
		log_msg(LOGL_WARN, "tool name %s of %s %s is already used; "
		    "this operation is the tool %s", c->name, c->method,
		    c->path, alt);
		free(c->name);
		c->name = alt;
		json_object_object_add(taken, c->name, NULL);
	}
	json_object_put(taken);
}

static int
has_tag(const struct api_cand *c, const char *list)
{
	struct json_object	*tags = obj_get(c->op, "tags", json_type_array);
	struct json_object	*t;
	size_t			 i;

	for (i = 0; tags != NULL && i < json_object_array_length(tags); i++) {
		t = json_object_array_get_idx(tags, i);
		if (json_object_is_type(t, json_type_string) &&
		    util_list_contains(list, json_object_get_string(t), 0))
			return 1;
	}
	return 0;
}

static int
names_op(const struct api_cand *c, const char *list)
{
	return (c->opid != NULL && util_list_contains(list, c->opid, 0)) ||
	    util_list_contains(list, c->name, 0);
}

static int
has_opid(const struct api_cand *c, const char *tok)
{
	return c->opid != NULL && strcmp(c->opid, tok) == 0;
}

/*
 * Every entry of a filter list must name something: typos fail loudly.
 * An operation filter's entry must name what it meant for sure.  Not a
 * name that two operations without x-mcp-name generate, or the _2 one of
 * them gets: which is which changes with the document (an exclusion of
 * DELETE /items let it back once DELETE /items/ came first), unless each
 * of them is named by the entry as its operationId, which holds whatever
 * the order.  And in an inclusion, not what names several operations
 * (an operationId used twice: both would be taken).
 */
static int
op_entry_unsure(struct api_build *b, const char *tok, int include)
{
	const struct api_cand	*c, *d;
	size_t			 i, j, n = 0;

	for (i = 0; i < b->ncands; i++)
		if (has_opid(&b->cands[i], tok) ||
		    strcmp(b->cands[i].name, tok) == 0)
			n++;
	if (include && n > 1)
		return 1;
	for (i = 0; i < b->ncands; i++) {
		c = &b->cands[i];
		if (c->named || (strcmp(c->name, tok) != 0 &&
		    strcmp(c->gen, tok) != 0))
			continue;
		for (j = 0; j < b->ncands; j++) {
			d = &b->cands[j];
			if (j != i && !d->named &&
			    strcmp(d->gen, c->gen) == 0 &&
			    !(has_opid(c, tok) && has_opid(d, tok)))
				return 1;
		}
	}
	return 0;
}

static int
check_list(struct api_build *b, const char *var, const char *list, int tags,
    int include)
{
	struct api_cand	 probe;
	char		*copy, *p, *tok;
	size_t		 i;
	int		 found, rc = 0;

	if (list == NULL)
		return 0;
	copy = xstrdup(list);
	for (p = copy; rc == 0 && (tok = strsep(&p, ",")) != NULL;) {
		tok = util_trim(tok);
		if (*tok == '\0')
			continue;
		if (!tags && op_entry_unsure(b, tok, include)) {
			xasprintf(b->cause, "%s: '%s' does not name one "
			    "operation for sure in %s (a generated tool name "
			    "two operations clash on, which goes to the other "
			    "when the document changes, or an operationId used "
			    "twice): give the operation a name of its own with "
			    "x-mcp-name", var, tok, b->doc.where);
			rc = -1;
			break;
		}
		for (found = 0, i = 0; !found && i < b->ncands; i++) {
			probe = b->cands[i];
			found = tags ? has_tag(&probe, tok) :
			    names_op(&probe, tok);
		}
		if (!found) {
			xasprintf(b->cause, "%s: '%s' matches no %s in %s",
			    var, tok, tags ? "tag of any operation" :
			    "operationId or tool name", b->doc.where);
			rc = -1;
		}
	}
	free(copy);
	return rc;
}

/*
 * FastAPI-MCP's filters: the includes (operations, tags) together pick
 * the tools, or all when neither is set; then the excludes drop some.
 * A filter that leaves nothing refuses to start.
 */
static int
apply_filters(struct api_build *b)
{
	const struct cfg	*cfg = b->cfg;
	struct api_cand		*c;
	size_t			 i, kept = 0;
	int			 inc = cfg->include_operations != NULL ||
				    cfg->include_tags != NULL;

	if (check_list(b, "MCP_INCLUDE_OPERATIONS", cfg->include_operations,
	    0, 1) == -1 || check_list(b, "MCP_EXCLUDE_OPERATIONS",
	    cfg->exclude_operations, 0, 0) == -1 || check_list(b,
	    "MCP_INCLUDE_TAGS", cfg->include_tags, 1, 1) == -1 ||
	    check_list(b, "MCP_EXCLUDE_TAGS", cfg->exclude_tags, 1, 0) == -1)
		return -1;
	for (i = 0; i < b->ncands; i++) {
		c = &b->cands[i];
		c->keep = !inc ||
		    (cfg->include_operations != NULL &&
		    names_op(c, cfg->include_operations)) ||
		    (cfg->include_tags != NULL && has_tag(c, cfg->include_tags));
		if ((cfg->exclude_operations != NULL &&
		    names_op(c, cfg->exclude_operations)) ||
		    (cfg->exclude_tags != NULL && has_tag(c, cfg->exclude_tags)))
			c->keep = 0;
		kept += c->keep;
	}
	if (kept == 0) {
		xasprintf(b->cause, "MCP_INCLUDE_*/MCP_EXCLUDE_*: the filters "
		    "leave no operation of %s as a tool", b->doc.where);
		return -1;
	}
	return 0;
}

/* Resolve `ref` against the absolute URL `base` (RFC 3986 §5.2, enough
 * of it for server URLs). */
static char *
resolve_url(const char *base, const char *ref)
{
	struct url	 u;
	const char	*cause;
	char		*out, *origin, *dir;
	size_t		 n;

	if (strstr(ref, "://") != NULL)
		return xstrdup(ref);
	if (url_parse(base, &u, &cause) == -1)
		return NULL;
	origin = url_origin(&u);
	if (strncmp(ref, "//", 2) == 0)
		xasprintf(&out, "%s:%s", u.scheme, ref);
	else if (ref[0] == '/')
		xasprintf(&out, "%s%s", origin, ref);
	else {
		dir = xstrdup(u.path);
		n = strlen(dir);
		while (n > 0 && dir[n - 1] != '/')
			dir[--n] = '\0';
		xasprintf(&out, "%s%s%s%s", origin, n == 0 ? "/" : "", dir,
		    strncmp(ref, "./", 2) == 0 ? ref + 2 : ref);
		free(dir);
	}
	free(origin);
	url_free(&u);
	return out;
}

/*
 * servers[0].url with its variables replaced by their defaults.  A
 * variable without a default (OpenAPI requires one) is named in *bad
 * (when not NULL; a new string), and NULL returned.
 */
static char *
server_url(struct json_object *servers, char **bad)
{
	struct json_object	*s, *vars, *var;
	const char		*u, *e, *def;
	struct buf		 b;
	char			 name[128];

	if (servers == NULL || json_object_array_length(servers) == 0)
		return NULL;
	s = json_object_array_get_idx(servers, 0);
	if ((u = str_get(s, "url")) == NULL)
		return NULL;
	vars = obj_get(s, "variables", json_type_object);
	buf_init(&b);
	for (; *u != '\0'; u++) {
		if (*u == '{' && (e = strchr(u, '}')) != NULL &&
		    (size_t)(e - u - 1) < sizeof(name)) {
			memcpy(name, u + 1, (size_t)(e - u - 1));
			name[e - u - 1] = '\0';
			var = obj_get(vars, name, json_type_object);
			if ((def = str_get(var, "default")) == NULL &&
			    bad != NULL) {
				*bad = xstrdup(name);
				buf_free(&b);
				return NULL;
			}
			buf_puts(&b, def ? def : "");
			u = e;
		} else
			buf_putc(&b, *u);
	}
	return buf_release(&b);
}

/*
 * A server URL made absolute against the document's URL; NULL when it
 * is relative and the document is a file.
 */
static char *
server_abs(const struct api_build *b, const char *s)
{
	if (strstr(s, "://") != NULL)
		return xstrdup(s);
	if (strncmp(b->doc.where, "http://", 7) == 0 ||
	    strncmp(b->doc.where, "https://", 8) == 0)
		return resolve_url(b->doc.where, s);
	return NULL;
}

/*
 * An operation whose own servers entry names another origin than the
 * document's (a CDN for uploads, a third party) would send it the
 * credential of its mode too, the caller's own token in passthrough
 * mode: said at start-up, so that the operator can
 * curate it (x-mcp-upstream-auth: none) or set MCP_API_BASE_URL.
 */
static void
warn_other_origin(struct api_build *b, const char *label,
    const struct api_op *op)
{
	char	*s, *abs;

	if (b->cfg->api_base_url != NULL || (op->upauth != UPAUTH_STATIC &&
	    op->upauth != UPAUTH_PASSTHROUGH &&
	    !api_op_needs_client(op->upauth)))
		return;
	if ((s = server_url(obj_get(b->doc.root, "servers",
	    json_type_array), NULL)) == NULL)
		s = xstrdup("/");
	if ((abs = server_abs(b, s)) != NULL &&
	    !url_same_origin(abs, op->base_url))
		log_msg(LOGL_WARN, "MCP_OPENAPI: %s: operation %s: its calls "
		    "go to %s, another origin than the API's %s: the "
		    "credential it sends (%s) goes there too; curate it "
		    "(x-mcp-upstream-auth: none) or set MCP_API_BASE_URL",
		    b->doc.where, label, op->base_url, abs,
		    audit_upauth_word(op->upauth));
	free(s);
	free(abs);
}

/*
 * Where calls of this operation go: MCP_API_BASE_URL, else the first
 * servers entry of the operation, its path, or the document (in that
 * order), resolved against the document's URL.
 */
static char *
base_url(struct api_build *b, const struct api_cand *c)
{
	static const char *const level[] = { "the operation's",
	    "the path item's", "the document's" };
	struct json_object	*lists[3];
	char			*s = NULL, *abs = NULL, *bad = NULL;
	struct url		 u;
	const char		*cause;
	size_t			 i, n;

	if (b->cfg->api_base_url != NULL)
		abs = xstrdup(b->cfg->api_base_url);
	else {
		lists[0] = obj_get(c->op, "servers", json_type_array);
		lists[1] = obj_get(c->item, "servers", json_type_array);
		lists[2] = obj_get(b->doc.root, "servers", json_type_array);
		for (i = 0; i < 3 && s == NULL && bad == NULL; i++)
			s = server_url(lists[i], &bad);
		if (bad != NULL) {
			xasprintf(b->cause, "MCP_OPENAPI: %s: %s %s: the "
			    "variable {%.64s} of %s servers[0].url has no "
			    "default; give it one, or set MCP_API_BASE_URL",
			    b->doc.where, c->method, c->path, bad,
			    level[i - 1]);
			free(bad);
			return NULL;
		}
		if (s == NULL)
			s = xstrdup("/");
		if ((abs = server_abs(b, s)) == NULL) {
			xasprintf(b->cause, "MCP_API_BASE_URL: required: the "
			    "server URL '%s' of %s is relative and MCP_OPENAPI "
			    "is a file, not a URL", s, b->doc.where);
			free(s);
			return NULL;
		}
		free(s);
	}
	if (url_parse(abs, &u, &cause) == -1) {
		if (b->cfg->api_base_url != NULL)
			xasprintf(b->cause, "MCP_API_BASE_URL: '%s' (for %s "
			    "%s): %s", abs, c->method, c->path, cause);
		else
			xasprintf(b->cause, "MCP_OPENAPI: %s: %s %s: the "
			    "server URL '%s': %s; fix it, or set "
			    "MCP_API_BASE_URL", b->doc.where, c->method,
			    c->path, abs, cause);
		free(abs);
		return NULL;
	}
	url_free(&u);
	n = strlen(abs);
	while (n > 0 && abs[n - 1] == '/')
		abs[--n] = '\0';
	return abs;
}

/* The tool being built for one operation. */
struct api_tb {
	struct api_build		*b;
	struct api_cand		*c;
	struct api_conv		*conv;
	struct api_op		*op;
	struct json_object	*props;		/* inputSchema.properties */
	struct json_object	*required;	/* inputSchema.required */
	struct json_object	*whole;		/* the body's schema is the
						 * inputSchema (body_whole) */
};

static int
prop_taken(const struct api_tb *t, const char *name)
{
	return json_object_object_get_ex(t->props, name, NULL) ||
	    (t->op->fixed != NULL &&
	    json_object_object_get_ex(t->op->fixed, name, NULL));
}

static struct json_object *
copy_value(struct json_object *v)
{
	struct json_object	*c = NULL;

	if (v != NULL && json_object_deep_copy(v, &c, NULL) != 0)
		abort();
	return c;
}

/* Add a name to a set (a JSON object whose keys are the names). */
static void
name_set_add(struct json_object **set, const char *name)
{
	if (*set == NULL)
		*set = json_object_new_object();
	json_object_object_add(*set, name, NULL);
}

/*
 * Curation of one argument (a parameter, or a property of a flattened
 * body) by the x-mcp-* members of `x`, its node in the document:
 * x-mcp-hidden: true takes it out of the inputSchema and sends
 * x-mcp-value (or the schema's default) every time, so that a fixed
 * tenant id never reaches the model; x-mcp-default adds a default that
 * is sent when the argument is absent.  *hidden: 1 hidden with a value,
 * 2 hidden and never sent.  `schema` is the converted one (borrowed).
 */
static int
curate_arg(struct api_tb *t, struct json_object *x, const char *what,
    const char *prop, struct json_object *schema, int *required, int *hidden)
{
	struct json_object	*h = NULL, *v = NULL, *dv;
	int			 has_value;

	*hidden = 0;
	if (!json_object_is_type(x, json_type_object))
		return 0;
	if (json_object_object_get_ex(x, "x-mcp-hidden", &h) &&
	    !json_object_is_type(h, json_type_boolean)) {
		xasprintf(t->b->cause, "MCP_OPENAPI: %s: %s %s: %s: "
		    "x-mcp-hidden is not a boolean", t->b->doc.where,
		    t->c->method, t->c->path, what);
		return -1;
	}
	has_value = json_object_object_get_ex(x, "x-mcp-value", &v);
	if (h == NULL || !json_object_get_boolean(h)) {
		if (has_value) {
			xasprintf(t->b->cause, "MCP_OPENAPI: %s: %s %s: %s: "
			    "x-mcp-value needs x-mcp-hidden: true",
			    t->b->doc.where, t->c->method, t->c->path, what);
			return -1;
		}
		if (json_object_object_get_ex(x, "x-mcp-default", &dv)) {
			if (json_object_is_type(schema, json_type_object))
				json_object_object_add(schema, "default",
				    copy_value(dv));
			if (t->op->defaults == NULL)
				t->op->defaults = json_object_new_object();
			json_object_object_add(t->op->defaults, prop,
			    copy_value(dv));
			*required = 0;	/* absent is fine: we fill it in */
		}
		return 0;
	}
	if (!has_value && json_object_is_type(schema, json_type_object))
		has_value = json_object_object_get_ex(schema, "default", &v);
	if (!has_value && json_object_object_get_ex(x, "x-mcp-default", &v))
		has_value = 1;
	if (!has_value && *required) {
		xasprintf(t->b->cause, "MCP_OPENAPI: %s: %s %s: %s: "
		    "x-mcp-hidden on a required argument needs x-mcp-value or "
		    "a default", t->b->doc.where, t->c->method, t->c->path,
		    what);
		return -1;
	}
	if (!has_value) {
		*hidden = 2;
		return 0;
	}
	if (t->op->fixed == NULL)
		t->op->fixed = json_object_new_object();
	json_object_object_add(t->op->fixed, prop, copy_value(v));
	*hidden = 1;
	return 0;
}

#define RO_DEPTH	16	/* allOf levels read for readOnly */

/*
 * Is a schema readOnly, itself or through an allOf member (OpenAPI 3.0
 * describes a $ref so: {"allOf": [{"$ref": ...}], "description": ...})?
 */
static int
schema_read_only(struct json_object *s, int depth)
{
	struct json_object	*v, *all;
	size_t			 i;

	if (!json_object_is_type(s, json_type_object) || depth > RO_DEPTH)
		return 0;
	if ((v = obj_get(s, "readOnly", json_type_boolean)) != NULL &&
	    json_object_get_boolean(v))
		return 1;
	all = obj_get(s, "allOf", json_type_array);
	for (i = 0; all != NULL && i < json_object_array_length(all); i++)
		if (schema_read_only(json_object_array_get_idx(all, i),
		    depth + 1))
			return 1;
	return 0;
}

/*
 * A body property that only the API sets: readOnly in the document (its
 * node) or in its converted schema, with no x-mcp-* of the operator's
 * (which then decides).  OpenAPI says a request should not send it, and
 * an API that takes one anyway (an id, an owner, a role) would let the
 * model set it: it is left out of the inputSchema and never sent, as
 * x-mcp-hidden without a value is.
 */
static int
read_only(struct json_object *node, struct json_object *conv)
{
	if (json_object_is_type(node, json_type_object) &&
	    (json_object_object_get_ex(node, "x-mcp-hidden", NULL) ||
	    json_object_object_get_ex(node, "x-mcp-value", NULL) ||
	    json_object_object_get_ex(node, "x-mcp-default", NULL)))
		return 0;
	return schema_read_only(node, 0) || schema_read_only(conv, 0);
}

/* `schema`'s required list without the names in the set `gone`. */
static void
drop_required(struct json_object *schema, struct json_object *gone)
{
	struct json_object	*req, *keep;
	const char		*n;
	size_t			 i;

	if ((req = obj_get(schema, "required", json_type_array)) == NULL)
		return;
	keep = json_object_new_array();
	for (i = 0; i < json_object_array_length(req); i++) {
		n = json_object_get_string(json_object_array_get_idx(req, i));
		if (n == NULL || !json_object_object_get_ex(gone, n, NULL))
			json_object_array_add(keep, json_object_get(
			    json_object_array_get_idx(req, i)));
	}
	/* req is the schema's: replaced (and released) only now */
	if (json_object_array_length(keep) == 0) {
		json_object_object_del(schema, "required");
		json_object_put(keep);
	} else
		json_object_object_add(schema, "required", keep);
}

/*
 * The readOnly properties that the allOf members of a body's converted
 * schema add (Pet = allOf [NewPet, {id: readOnly}], at any allOf depth):
 * out of those members' properties and required, and of `top`'s
 * required, and into the set `unsent`.  (Properties of nested objects
 * are not read.)
 */
static void
read_only_members(struct json_object *s, struct json_object *top,
    struct json_object **unsent, int depth)
{
	struct json_object	*all, *m, *props, *gone;
	size_t			 i;

	if ((all = obj_get(s, "allOf", json_type_array)) == NULL ||
	    depth > RO_DEPTH)
		return;
	for (i = 0; i < json_object_array_length(all); i++) {
		m = json_object_array_get_idx(all, i);
		read_only_members(m, top, unsent, depth + 1);
		if ((props = obj_get(m, "properties", json_type_object)) ==
		    NULL)
			continue;
		gone = json_object_new_object();
		json_object_object_foreach(props, k, v)
			if (schema_read_only(v, 0))
				json_object_object_add(gone, k, NULL);
		json_object_object_foreach(gone, gk, gv) {
			(void)gv;
			json_object_object_del(props, gk);
			name_set_add(unsent, gk);
		}
		drop_required(m, gone);
		drop_required(top, gone);
		json_object_put(gone);
	}
}

/*
 * A property schema as an object, which the SDKs insist on (their
 * ToolSchema rejects a boolean one): true becomes {}, false {"not": {}}.
 * Takes the reference given and returns one.
 */
static struct json_object *
prop_schema(struct json_object *s)
{
	struct json_object	*o;

	if (!json_object_is_type(s, json_type_boolean))
		return s;
	o = json_object_new_object();
	if (!json_object_get_boolean(s))
		json_object_object_add(o, "not", json_object_new_object());
	json_object_put(s);
	return o;
}

static void
add_prop(struct api_tb *t, const char *name, struct json_object *schema,
    int required)
{
	json_object_object_add(t->props, name, prop_schema(schema));
	if (required)
		json_object_array_add(t->required,
		    json_object_new_string(name));
}

static enum api_style
parse_style(const char *s, enum api_in in)
{
	if (s == NULL)
		return in == API_IN_QUERY ? API_STYLE_FORM : API_STYLE_SIMPLE;
	if (strcmp(s, "form") == 0)
		return API_STYLE_FORM;
	if (strcmp(s, "spaceDelimited") == 0)
		return API_STYLE_SPACE;
	if (strcmp(s, "pipeDelimited") == 0)
		return API_STYLE_PIPE;
	if (strcmp(s, "deepObject") == 0)
		return API_STYLE_DEEP;
	return API_STYLE_SIMPLE;
}

/*
 * Parameters the API's framework sets itself (OpenAPI 3 §4.8.12.1: Accept,
 * Content-Type, Authorization), and the headers a call never lets a
 * caller set (api_header_reserved).
 */
static int
ignored_header(const char *name)
{
	return util_strcaseeq(name, "authorization") ||
	    api_header_reserved(name);
}

/*
 * How a parameter described by `content` instead of `schema` is sent
 * (api_content): whole, in its one media type.
 */
static enum api_content
param_content(struct json_object *p)
{
	struct json_object	*content;

	if (obj_get(p, "schema", json_type_object) != NULL ||
	    (content = obj_get(p, "content", json_type_object)) == NULL)
		return API_CONTENT_NONE;
	json_object_object_foreach(content, k, v) {
		(void)v;
		return api_media_is_json(k) ? API_CONTENT_JSON :
		    API_CONTENT_TEXT;
	}
	return API_CONTENT_NONE;
}

/* The schema of a parameter: "schema", or the one media type's. */
static struct json_object *
param_schema(struct api_tb *t, struct json_object *p, const char *where,
    char **cause)
{
	struct json_object	*s, *content, *desc, *ex, *a;

	if ((s = obj_get(p, "schema", json_type_object)) == NULL &&
	    (content = obj_get(p, "content", json_type_object)) != NULL) {
		json_object_object_foreach(content, k, v) {
			(void)k;
			s = obj_get(v, "schema", json_type_object);
			break;
		}
	}
	if (s == NULL)
		return json_object_new_object();
	if ((s = api_conv_schema(t->conv, s, where, cause)) == NULL)
		return NULL;
	if (!json_object_is_type(s, json_type_object))
		return s;
	if ((desc = obj_get(p, "description", json_type_string)) != NULL &&
	    !json_object_object_get_ex(s, "description", NULL))
		json_object_object_add(s, "description", json_object_get(desc));
	if (json_object_object_get_ex(p, "example", &ex) &&
	    !json_object_object_get_ex(s, "examples", NULL)) {
		a = json_object_new_array();
		json_object_array_add(a, json_object_get(ex));
		json_object_object_add(s, "examples", a);
	}
	if ((ex = obj_get(p, "deprecated", json_type_boolean)) != NULL &&
	    json_object_get_boolean(ex))
		json_object_object_add(s, "deprecated",
		    json_object_new_boolean(1));
	return s;
}

/*
 * A header name for x-mcp-header: letters, digits and '-' only, of a
 * sane length.  RFC 9110 allows more (tchar), but web servers pass a
 * header to FastCGI as HTTP_NAME with every other byte turned into '_'
 * (lighttpd, Apache), so a name with '.' or '_' would be read back under
 * a name shared with other spellings, and could not be checked.
 */
static int
is_token(const char *s)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if (i >= 64 || !((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return i > 0;
}

/*
 * SEP-2243 (2026-07-28): the value of a header parameter is mirrored by
 * clients into an Mcp-Param-<name> header, so that whatever routes MCP
 * requests (a balancer choosing a tenant's pool, a firewall) sees what
 * the API will get; mcp_param.c checks that the two agree.  A
 * parameter's own "x-mcp-header" names the header for a parameter in any
 * location, or false keeps a header parameter out.  Only what the spec
 * allows is marked: a string, integer or boolean schema, a token name,
 * unique regardless of case; anything else is left unmarked with a
 * warning when the document asked for it.
 */
static void
mirror_header(struct api_tb *t, struct json_object *p, enum api_in in,
    const char *name, struct json_object *schema)
{
	struct json_object	*x, *ty, *o;
	const char		*h = NULL, *tn = NULL, *why = NULL;

	if (json_object_object_get_ex(p, "x-mcp-header", &x)) {
		if (!json_object_is_type(x, json_type_string))
			return;		/* false: not mirrored */
		h = json_object_get_string(x);
	} else if (in == API_IN_HEADER)
		h = name;
	else
		return;
	if (json_object_is_type(schema, json_type_object) &&
	    json_object_object_get_ex(schema, "type", &ty) &&
	    json_object_is_type(ty, json_type_string))
		tn = json_object_get_string(ty);
	if (!is_token(h))
		why = "not an HTTP header name";
	else if (tn == NULL || (strcmp(tn, "string") != 0 &&
	    strcmp(tn, "integer") != 0 && strcmp(tn, "boolean") != 0))
		why = "only string, integer and boolean parameters can be";
	else {
		json_object_object_foreach(t->props, k, v) {
			(void)k;
			if (json_object_is_type(v, json_type_object) &&
			    json_object_object_get_ex(v, "x-mcp-header", &o) &&
			    util_strcaseeq(json_object_get_string(o), h))
				why = "the same header name is used twice";
		}
	}
	if (why == NULL)
		json_object_object_add(schema, "x-mcp-header",
		    json_object_new_string(h));
	else if (json_object_object_get_ex(p, "x-mcp-header", NULL))
		log_msg(LOGL_WARN, "MCP_OPENAPI: %s: %s %s: parameter '%.64s': "
		    "x-mcp-header '%.64s' left out: %s", t->b->doc.where,
		    t->c->method, t->c->path, name, h, why);
}

/*
 * A parameter's entry with x-mcp-* members beside its $ref (an overlay's
 * update of one operation's entry, the shared parameter left alone): a
 * copy of what the $ref names with those members over it, which the
 * caller puts; NULL when the entry has none, or is no $ref.
 */
static struct json_object *
param_with_siblings(struct json_object *entry, struct json_object *target)
{
	struct json_object	*o = NULL;

	if (entry == target || target == NULL)
		return NULL;
	json_object_object_foreach(entry, k, v) {
		if (strncmp(k, "x-mcp-", 6) != 0)
			continue;
		if (o == NULL) {
			o = json_object_new_object();
			json_object_object_foreach(target, tk, tv)
				json_object_object_add(o, tk,
				    json_object_get(tv));
		}
		json_object_object_add(o, k, json_object_get(v));
	}
	return o;
}

/*
 * Path-level parameters merged with the operation's (the operation wins
 * for the same name and location), in document order.
 */
static int
build_params(struct api_tb *t)
{
	struct json_object	*lists[2], **merged = NULL, *p, *q, *v, *e;
	struct json_object	*own = json_object_new_array();
	struct json_object	*seen = json_object_new_object();
	struct api_param		*op;
	const char		*name, *in;
	char			*where, *tail, *prop;
	size_t			 i, j, n = 0, cap = 0;
	int			 li, req, hidden, rc = -1;

	lists[0] = obj_get(t->c->item, "parameters", json_type_array);
	lists[1] = obj_get(t->c->op, "parameters", json_type_array);
	for (li = 0; li < 2; li++) {
		for (i = 0; lists[li] != NULL &&
		    i < json_object_array_length(lists[li]); i++) {
			xasprintf(&tail, "parameters/%zu", i);
			where = li == 1 ? op_where(t->c, tail) :
			    item_where(t->c, tail);
			free(tail);
			e = json_object_array_get_idx(lists[li], i);
			p = api_resolve(&t->b->doc, e, where, t->b->cause);
			if ((q = param_with_siblings(e, p)) != NULL) {
				json_object_array_add(own, q);
				p = q;
			}
			if (p == NULL || (name = str_get(p, "name")) == NULL ||
			    (in = str_get(p, "in")) == NULL) {
				if (p != NULL)
					xasprintf(t->b->cause, "MCP_OPENAPI: "
					    "%s: %s: a parameter needs name and "
					    "in", t->b->doc.where, where);
				free(where);
				goto out;
			}
			free(where);
			/*
			 * The operation's entry replaces the path item's of
			 * the same name and location, found by a table (a
			 * document may list thousands: cookies, say)
			 */
			xasprintf(&tail, "%zu:%s%s", strlen(in), in, name);
			if (json_object_object_get_ex(seen, tail, &v))
				merged[json_object_get_int64(v)] = p;
			else {
				json_object_object_add(seen, tail,
				    json_object_new_int64((int64_t)n));
				if (n == cap) {
					cap = cap ? 2 * cap : 16;
					merged = xrealloc(merged, cap *
					    sizeof(*merged));
				}
				merged[n++] = p;
			}
			free(tail);
		}
	}
	t->op->params = xcalloc(n, sizeof(*t->op->params));
	for (i = 0; i < n; i++) {
		p = merged[i];
		name = str_get(p, "name");
		in = str_get(p, "in");
		op = &t->op->params[t->op->nparams];
		if (strcmp(in, "path") == 0)
			op->in = API_IN_PATH;
		else if (strcmp(in, "query") == 0)
			op->in = API_IN_QUERY;
		else if (strcmp(in, "header") == 0 && !ignored_header(name))
			op->in = API_IN_HEADER;
		else
			continue;	/* cookies, and headers set for us */
		if (t->op->nparams == API_PARAMS_MAX) {
			/* leaving the rest out would leave out a required
			 * or a path parameter too */
			where = op_where(t->c, NULL);
			xasprintf(t->b->cause, "MCP_OPENAPI: %s: %s: more than "
			    "%d parameters; leave the operation out "
			    "(MCP_EXCLUDE_OPERATIONS)", t->b->doc.where, where,
			    API_PARAMS_MAX);
			free(where);
			goto out;
		}
		op->style = parse_style(str_get(p, "style"), op->in);
		q = obj_get(p, "explode", json_type_boolean);
		op->explode = q != NULL ? json_object_get_boolean(q) :
		    op->style == API_STYLE_FORM;
		op->content = param_content(p);
		/* a clash takes the location as a prefix, then a number */
		prop = xstrdup(name);
		for (j = 0; prop_taken(t, prop); j++) {
			free(prop);
			if (j == 0)
				xasprintf(&prop, "%s_%s", in, name);
			else
				xasprintf(&prop, "%s_%s_%zu", in, name, j + 1);
		}
		where = op_where(t->c, "parameters");
		q = param_schema(t, p, where, t->b->cause);
		free(where);
		if (q == NULL) {
			free(prop);
			goto out;
		}
		req = op->in == API_IN_PATH || ((v = obj_get(p, "required",
		    json_type_boolean)) != NULL && json_object_get_boolean(v));
		xasprintf(&tail, "parameter '%.64s'", name);
		j = curate_arg(t, p, tail, prop, q, &req, &hidden) == -1;
		free(tail);
		if (j || hidden) {
			json_object_put(q);
			if (hidden == 2 && op->in == API_IN_QUERY)
				name_set_add(&t->op->unsent_query, name);
			if (j || hidden == 2) {
				free(prop);
				if (j)
					goto out;
				continue;
			}
		} else {
			mirror_header(t, p, op->in, name, q);
			add_prop(t, prop, q, req);
		}
		op->name = xstrdup(name);
		op->prop = prop;
		t->op->nparams++;
	}
	rc = 0;
out:
	free(merged);
	json_object_put(seen);
	json_object_put(own);	/* what the tool keeps, it copied */
	return rc;
}

/*
 * The keywords an object schema may have when its properties go beside
 * the parameters, each then checked on its own: what describes it, and
 * what the rebuilt body keeps anyway (only listed properties are sent,
 * so additionalProperties cannot be broken).  Any other (not, if,
 * dependentRequired, maxProperties, enum, a combinator...) constrains the
 * properties together and would be lost: such a body stays one schema.
 */
static const char *const flat_keywords[] = {
	"$comment", "$schema", "additionalProperties", "default",
	"deprecated", "description", "discriminator", "example", "examples",
	"externalDocs", "properties", "readOnly", "required", "title", "type",
	"writeOnly", "xml",
};

static int
flat_keyword(const char *k)
{
	size_t	 i;

	if (strncmp(k, "x-", 2) == 0)
		return 1;
	for (i = 0; i < sizeof(flat_keywords) / sizeof(flat_keywords[0]); i++)
		if (strcmp(k, flat_keywords[i]) == 0)
			return 1;
	return 0;
}

/* An object schema whose properties can sit beside the parameters. */
static int
flattenable(struct api_tb *t, struct json_object *s)
{
	struct json_object	*props;

	if (!json_object_is_type(s, json_type_object) ||
	    (props = obj_get(s, "properties", json_type_object)) == NULL)
		return 0;
	json_object_object_foreach(s, kw, kv) {
		(void)kv;
		if (!flat_keyword(kw))
			return 0;
	}
	json_object_object_foreach(props, k, v) {
		(void)v;
		if (prop_taken(t, k))
			return 0;
	}
	return 1;
}

/*
 * A body property's node in the document (for its x-mcp-* members): in
 * the body's schema as written, or what its $ref points at.
 */
static struct json_object *
body_prop_node(struct api_tb *t, struct json_object *schema, const char *name)
{
	struct json_object	*props, *p;
	char			*why = NULL;

	schema = schema != NULL ? api_resolve(&t->b->doc, schema, "requestBody",
	    &why) : NULL;
	if ((props = obj_get(schema, "properties", json_type_object)) == NULL ||
	    (p = obj_get(props, name, json_type_object)) == NULL) {
		free(why);
		return NULL;
	}
	if (!json_object_object_get_ex(p, "x-mcp-hidden", NULL) &&
	    !json_object_object_get_ex(p, "x-mcp-default", NULL) &&
	    !json_object_object_get_ex(p, "x-mcp-value", NULL))
		p = api_resolve(&t->b->doc, p, "requestBody", &why);
	free(why);
	return p;
}

/*
 * Curation of the properties of a body that is the whole inputSchema
 * (body_whole): as for a flattened body, a hidden property leaves the
 * schema's properties and required (the fixed value is merged into the
 * arguments, which are the body), one with x-mcp-default leaves required.
 */
static int
curate_whole(struct api_tb *t, struct json_object *doc_schema,
    struct json_object *conv)
{
	struct json_object	*props, *req, *gone, *node;
	const char		*n;
	char			*where;
	size_t			 i;
	int			 r, hidden, rc = 0;

	read_only_members(conv, conv, &t->op->unsent_body, 0);
	if ((props = obj_get(conv, "properties", json_type_object)) == NULL)
		return 0;
	req = obj_get(conv, "required", json_type_array);
	gone = json_object_new_object();	/* out of required */
	json_object_object_foreach(props, k, v) {
		for (i = 0, r = 0; req != NULL &&
		    i < json_object_array_length(req); i++)
			if ((n = json_object_get_string(
			    json_object_array_get_idx(req, i))) != NULL &&
			    strcmp(n, k) == 0)
				r = 1;
		xasprintf(&where, "body property '%.64s'", k);
		node = body_prop_node(t, doc_schema, k);
		if (read_only(node, v))
			hidden = 2;
		else
			rc = curate_arg(t, node, where, k, v, &r, &hidden);
		free(where);
		if (rc == -1)
			break;
		if (hidden == 2)
			name_set_add(&t->op->unsent_body, k);
		if (hidden != 0)
			json_object_object_add(gone, k, json_object_new_int(1));
		else if (r == 0)
			json_object_object_add(gone, k, NULL);
	}
	if (rc == 0) {
		json_object_object_foreach(gone, gk, gv) {
			if (gv != NULL)
				json_object_object_del(props, gk);
		}
		drop_required(conv, gone);
	}
	json_object_put(gone);
	return rc;
}

/*
 * Curation of the properties of a body sent as one argument: what
 * curate_whole does, with what it records kept for that argument's
 * object (body_fixed, body_defaults, body_unsent) apart from the
 * arguments' own.
 */
static int
curate_one(struct api_tb *t, struct json_object *doc_schema,
    struct json_object *conv)
{
	struct api_op	*op = t->op;
	struct json_object *fixed = op->fixed, *defaults = op->defaults,
			*unsent = op->unsent_body;
	int		 rc;

	op->fixed = op->defaults = op->unsent_body = NULL;
	rc = curate_whole(t, doc_schema, conv);
	op->body_fixed = op->fixed;
	op->body_defaults = op->defaults;
	op->body_unsent = op->unsent_body;
	op->fixed = fixed;
	op->defaults = defaults;
	op->unsent_body = unsent;
	return rc;
}

/*
 * A urlencoded body's encoding map (OpenAPI 3 §4.8.15): an array
 * property it does not explode is sent as one value, its items joined by
 * its style's delimiter (a Swagger 2.0 formData array is csv unless it
 * says multi).  Objects go as JSON text whatever it says.
 */
static void
form_encoding(struct api_op *op, struct json_object *media)
{
	struct json_object	*enc, *x;
	const char		*style, *delim;
	int			 explode;

	if ((enc = obj_get(media, "encoding", json_type_object)) == NULL)
		return;
	json_object_object_foreach(enc, k, e) {
		style = str_get(e, "style");
		x = obj_get(e, "explode", json_type_boolean);
		/* explode defaults to true for style form alone */
		explode = x != NULL ? json_object_get_boolean(x) :
		    style == NULL || strcmp(style, "form") == 0;
		if (explode)
			continue;
		if (style == NULL || strcmp(style, "form") == 0)
			delim = ",";
		else if (strcmp(style, "spaceDelimited") == 0)
			delim = " ";
		else if (strcmp(style, "pipeDelimited") == 0)
			delim = "|";
		else
			continue;	/* deepObject: no array style */
		if (op->form_joined == NULL)
			op->form_joined = json_object_new_object();
		json_object_object_add(op->form_joined, k,
		    json_object_new_string(delim));
	}
}

/*
 * The request body: JSON (or +json) first, then a urlencoded form, then
 * multipart/form-data, then application/octet-stream, then any other
 * type (api_body.c: text as a string, the rest as base64).  An object
 * body's properties go to the top level when none collides with a
 * parameter, else the body is one property.
 */
static int
build_body(struct api_tb *t)
{
	struct json_object	*rb, *content, *media = NULL, *s = NULL, *conv;
	struct json_object	*v, *node;
	struct json_object	*req_list;
	const char		*type = NULL, *pname;
	char			*where;
	size_t			 i;
	int			 required, hidden, best = 0;

	if ((rb = obj_get(t->c->op, "requestBody", json_type_object)) == NULL)
		return 0;
	where = op_where(t->c, "requestBody");
	rb = api_resolve(&t->b->doc, rb, where, t->b->cause);
	if (rb == NULL) {
		free(where);
		return -1;
	}
	if ((content = obj_get(rb, "content", json_type_object)) == NULL) {
		free(where);
		return 0;
	}
	/* the lowest rank wins, the first in document order among equals */
	json_object_object_foreach(content, k1, v1) {
		enum api_body	 kind;
		int		 rank = api_body_rank(k1, &kind);

		if (type == NULL || rank < best) {
			type = k1;
			media = v1;
			best = rank;
			t->op->body = kind;
		}
	}
	if (type == NULL) {
		free(where);
		return 0;
	}
	if (t->op->body == API_BODY_FORM) {
		/* a form cannot carry a file: multipart, if it has one */
		json_object_object_foreach(content, k2, v2) {
			enum api_body	 kind;
			char		*why = NULL;

			if (api_body_rank(k2, &kind) == 2 && api_body_has_file(
			    api_resolve(&t->b->doc, obj_get(v2, "schema",
			    json_type_object), where, &why), v2)) {
				type = k2;
				media = v2;
				t->op->body = kind;
			}
			free(why);
			if (t->op->body != API_BODY_FORM)
				break;
		}
	}
	if (t->op->body == API_BODY_FORM)
		form_encoding(t->op, media);
	t->op->body_type = t->op->body == API_BODY_RAW ||
	    t->op->body == API_BODY_BINARY ? api_body_send_type(type) :
	    xstrdup(type);
	v = obj_get(rb, "required", json_type_boolean);
	t->op->body_required = v != NULL && json_object_get_boolean(v);
	if (t->op->body == API_BODY_RAW) {
		conv = json_object_new_object();
		json_object_object_add(conv, "type",
		    json_object_new_string("string"));
		json_object_object_add(conv, "description",
		    json_object_new_string(type));
	} else if (t->op->body == API_BODY_BINARY)
		conv = api_body_binary_schema(t->op->body_type,
		    obj_get(rb, "description", json_type_string));
	else if ((s = obj_get(media, "schema", json_type_object)) == NULL)
		conv = json_object_new_object();
	else if ((conv = api_conv_schema(t->conv, s, where, t->b->cause)) ==
	    NULL) {
		free(where);
		return -1;
	}
	free(where);
	if (t->op->body == API_BODY_MULTIPART)
		api_body_parts(t->op, conv, media);
	/*
	 * Vendors seldom mark requestBody.required but list the required
	 * properties in the schema: a body whose schema requires some is
	 * meant to be sent, so its list always counts.
	 */
	req_list = json_object_is_type(conv, json_type_object) ?
	    obj_get(conv, "required", json_type_array) : NULL;
	required = t->op->body_required || (req_list != NULL &&
	    json_object_array_length(req_list) > 0);
	if (t->op->body != API_BODY_RAW && t->op->body != API_BODY_BINARY &&
	    flattenable(t, conv)) {
		json_object_object_foreach(obj_get(conv, "properties",
		    json_type_object), k3, v3) {
			int	 r = 0;

			for (i = 0; req_list != NULL &&
			    i < json_object_array_length(req_list); i++) {
				pname = json_object_get_string(
				    json_object_array_get_idx(req_list, i));
				if (pname != NULL && strcmp(pname, k3) == 0)
					r = 1;
			}
			xasprintf(&where, "body property '%.64s'", k3);
			node = body_prop_node(t, s, k3);
			if (read_only(node, v3))
				hidden = 2;
			else if (curate_arg(t, node, where, k3, v3, &r,
			    &hidden) == -1)
				hidden = -1;
			free(where);
			if (hidden == -1) {
				json_object_put(conv);
				return -1;
			}
			if (hidden == 2) {
				/* never sent; its name kept for the query's
				 * keys (query_key_taken) */
				name_set_add(&t->op->unsent_body, k3);
				continue;
			}
			t->op->body_props = xrealloc(t->op->body_props,
			    (t->op->nbody_props + 1) * sizeof(char *));
			t->op->body_props[t->op->nbody_props++] = xstrdup(k3);
			if (hidden == 0)
				add_prop(t, k3, json_object_get(v3), r);
		}
		json_object_put(conv);
		return 0;
	}
	/*
	 * An operation whose only input is a JSON object body that cannot
	 * be flattened (allOf, anyOf, if/then/else at its top): the body's
	 * schema is the inputSchema itself, with every keyword of it
	 * (OpenAPI 3.1 is JSON Schema 2020-12), and the arguments are the
	 * body.  The converted $schema goes back when it names 2020-12.
	 */
	if (t->op->body == API_BODY_JSON && t->op->nparams == 0 &&
	    json_object_object_length(t->props) == 0 &&
	    json_object_is_type(conv, json_type_object) &&
	    (v = obj_get(conv, "type", json_type_string)) != NULL &&
	    strcmp(json_object_get_string(v), "object") == 0) {
		s = api_resolve(&t->b->doc, obj_get(media, "schema",
		    json_type_object), "requestBody", t->b->cause);
		if ((v = obj_get(s, "$schema", json_type_string)) != NULL &&
		    strncmp(json_object_get_string(v), API_DIALECT_2020,
		    strlen(API_DIALECT_2020)) == 0 &&
		    strspn(json_object_get_string(v) +
		    strlen(API_DIALECT_2020), "#") ==
		    strlen(json_object_get_string(v) +
		    strlen(API_DIALECT_2020)))
			json_object_object_add(conv, "$schema",
			    json_object_new_string(API_DIALECT_2020));
		if (!json_object_object_get_ex(conv, "description", NULL) &&
		    (v = obj_get(rb, "description", json_type_string)) != NULL)
			json_object_object_add(conv, "description",
			    json_object_get(v));
		if (curate_whole(t, obj_get(media, "schema", json_type_object),
		    conv) == -1) {
			json_object_put(conv);
			return -1;
		}
		t->op->body_whole = 1;
		t->whole = conv;
		return 0;
	}
	if (curate_one(t, obj_get(media, "schema", json_type_object),
	    conv) == -1) {
		json_object_put(conv);
		return -1;
	}
	pname = prop_taken(t, "body") ? "request_body" : "body";
	t->op->body_prop = xstrdup(pname);
	if (json_object_is_type(conv, json_type_object) &&
	    !json_object_object_get_ex(conv, "description", NULL) &&
	    (v = obj_get(rb, "description", json_type_string)) != NULL)
		json_object_object_add(conv, "description", json_object_get(v));
	add_prop(t, pname, conv, required);
	return 0;
}

/* The 2xx response codes first ("200" < "201" < "2XX"), then the rest. */
static int
response_rank(const char *code)
{
	if (code[0] == '2')
		return 0;
	if (strcmp(code, "default") == 0)
		return 2;
	return 1;
}

/* A JSON media type object of a response, or NULL. */
static struct json_object *
json_media(struct json_object *resp, const char **type)
{
	struct json_object	*content = obj_get(resp, "content",
				    json_type_object);

	if (content == NULL)
		return NULL;
	json_object_object_foreach(content, k, v) {
		if (api_media_is_json(k)) {
			if (type != NULL)
				*type = k;
			return v;
		}
	}
	return NULL;
}

static void
describe_example(struct buf *d, struct json_object *media,
    struct json_object *schema)
{
	struct json_object	*ex = NULL, *examples;

	if (!json_object_object_get_ex(media, "example", &ex) &&
	    (examples = obj_get(media, "examples", json_type_object)) != NULL) {
		json_object_object_foreach(examples, k, v) {
			(void)k;
			json_object_object_get_ex(v, "value", &ex);
			break;
		}
	}
	if (ex == NULL && schema != NULL)
		json_object_object_get_ex(schema, "example", &ex);
	if (ex == NULL && schema != NULL &&
	    (examples = obj_get(schema, "examples", json_type_array)) != NULL &&
	    json_object_array_length(examples) > 0)
		ex = json_object_array_get_idx(examples, 0);
	if (ex == NULL)
		return;
	buf_printf(d, "\n\n**Example Response:**\n```json\n%s\n```",
	    json_object_to_json_string_ext(ex, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
}

/*
 * Make `s` an outputSchema the SDKs take, whose ToolSchema wants the
 * literal "type": "object": a schema that is plainly an object without
 * saying so (properties, additionalProperties or required, and no type)
 * gains it, boolean property schemas become objects.  Returns -1 for
 * anything else (an array, a scalar, object-or-null, a oneOf ...): such
 * a response has no outputSchema.
 */
static int
output_object(struct json_object *s)
{
	struct json_object	*type = NULL, *props, *req;
	size_t			 i;

	if (!json_object_is_type(s, json_type_object))
		return -1;
	if (json_object_object_get_ex(s, "type", &type)) {
		if (!json_object_is_type(type, json_type_string) ||
		    strcmp(json_object_get_string(type), "object") != 0)
			return -1;
	} else if (!json_object_object_get_ex(s, "properties", NULL) &&
	    !json_object_object_get_ex(s, "additionalProperties", NULL) &&
	    !json_object_object_get_ex(s, "required", NULL))
		return -1;
	if (json_object_object_get_ex(s, "properties", &props)) {
		if (!json_object_is_type(props, json_type_object))
			return -1;
		json_object_object_foreach(props, k, v)
			if (json_object_is_type(v, json_type_boolean))
				json_object_object_add(props, k,
				    prop_schema(json_object_get(v)));
	}
	if (json_object_object_get_ex(s, "required", &req)) {
		if (!json_object_is_type(req, json_type_array))
			return -1;
		for (i = 0; i < json_object_array_length(req); i++)
			if (!json_object_is_type(json_object_array_get_idx(req,
			    i), json_type_string))
				return -1;
	}
	if (type == NULL)
		json_object_object_add(s, "type",
		    json_object_new_string("object"));
	return 0;
}

/*
 * The responses part of the description, and the output schema from the
 * first 2xx JSON response whose schema is an object (see output_object).
 */
static int
build_responses(struct api_tb *t, struct buf *d, struct json_object **out)
{
	struct json_object	*resps, *r, *media, *s, *conv;
	struct api_conv		*oconv;
	const char		*codes[64], *tmp, *desc;
	char			*where;
	size_t			 n = 0, i, j;
	int			 first2xx = 1, described = 0;

	*out = NULL;
	if ((resps = obj_get(t->c->op, "responses", json_type_object)) == NULL)
		return 0;
	json_object_object_foreach(resps, code, v0) {
		(void)v0;
		if (n < sizeof(codes) / sizeof(codes[0]))
			codes[n++] = code;
	}
	/* stable sort by rank, keeping document order within a rank */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && response_rank(codes[j - 1]) >
		    response_rank(codes[j]); j--) {
			tmp = codes[j];
			codes[j] = codes[j - 1];
			codes[j - 1] = tmp;
		}
	for (i = 0; i < n; i++) {
		xasprintf(&where, "#/paths/.../responses/%s", codes[i]);
		json_object_object_get_ex(resps, codes[i], &r);
		r = api_resolve(&t->b->doc, r, where, t->b->cause);
		free(where);
		if (r == NULL)
			return -1;
		media = json_media(r, NULL);
		s = media ? obj_get(media, "schema", json_type_object) : NULL;
		if (first2xx && codes[i][0] == '2' && s != NULL) {
			first2xx = 0;
			oconv = api_conv_new(&t->b->doc);
			where = op_where(t->c, "responses");
			conv = api_conv_schema(oconv, s, where, t->b->cause);
			free(where);
			if (conv == NULL) {
				api_conv_free(oconv);
				return -1;
			}
			if (output_object(conv) == 0) {
				struct json_object *defs = api_conv_defs(oconv);

				if (defs != NULL)
					json_object_object_add(conv, "$defs",
					    defs);
				*out = conv;
			} else
				json_object_put(conv);
			api_conv_free(oconv);
		}
		if (described && !t->b->cfg->describe_all_responses)
			continue;
		if (!described)
			buf_puts(d, "\n\n### Responses:");
		described = 1;
		desc = str_get(r, "description");
		buf_printf(d, "\n\n**%s**%s%s", codes[i], desc ? ": " : "",
		    desc ? desc : "");
		if (media != NULL)
			describe_example(d, media, s);
		if (s != NULL && t->b->cfg->describe_full_response_schema) {
			oconv = api_conv_new(&t->b->doc);
			conv = api_conv_schema(oconv, s,
			    "#/paths/.../responses", t->b->cause);
			if (conv != NULL) {
				buf_printf(d, "\n\n**Output Schema:**\n```json\n"
				    "%s\n```", json_object_to_json_string_ext(
				    conv, JSON_C_TO_STRING_PRETTY |
				    JSON_C_TO_STRING_SPACED |
				    JSON_C_TO_STRING_NOSLASHESCAPE));
				json_object_put(conv);
			}
			api_conv_free(oconv);
			if (conv == NULL)
				return -1;
		}
	}
	return 0;
}

/* The number of ``` fences in the first n bytes of s. */
static size_t
count_fences(const char *s, size_t n)
{
	size_t	 i, k = 0;

	for (i = 0; i + 3 <= n; i++)
		if (memcmp(s + i, "```", 3) == 0) {
			k++;
			i += 2;
		}
	return k;
}

/*
 * Cut at `max` bytes without splitting a UTF-8 sequence, marking the cut.
 * A cut inside a ``` code block closes it, so that what follows the
 * description (or a model reading it) is not taken for code.
 */
static void
cap_utf8(struct buf *d, size_t max)
{
	size_t	 n = 0, open = 0;
	int	 pass;

	if (d->len <= max)
		return;
	for (pass = 0; pass < 2; pass++) {
		/* room for the ellipsis, and then for "\n```" */
		n = max - (pass == 0 ? 3 : 7);
		while (n > 0 && ((unsigned char)d->data[n] & 0xc0) == 0x80)
			n--;
		while (n > 0 && d->data[n - 1] == '`')	/* half a fence */
			n--;
		if ((open = count_fences(d->data, n) % 2) == 0)
			break;
	}
	d->len = n;
	d->data[n] = '\0';
	buf_puts(d, "\xe2\x80\xa6");
	if (open)
		buf_puts(d, "\n```");
}

/*
 * Schema keywords whose values are schemas: maps of them, single ones,
 * lists of them.  Used to walk a converted schema without mistaking a
 * property called "description" for the keyword.
 */
static const char *const kw_map[] = {
	"properties", "patternProperties", "$defs", "definitions",
	"dependentSchemas", NULL
};
static const char *const kw_one[] = {
	"items", "additionalProperties", "not", "if", "then", "else",
	"contains", "propertyNames", "additionalItems", "unevaluatedItems",
	"unevaluatedProperties", NULL
};
static const char *const kw_list[] = {
	"allOf", "anyOf", "oneOf", "prefixItems", "items", NULL
};
/* What a model can do without when a schema is too large. */
static const char *const kw_notes[] = {
	"description", "examples", "example", "title", "$comment",
	"externalDocs", NULL
};
/*
 * Left out of outputSchemas, so that a client that checks them (the
 * TypeScript SDK's Ajv checks pattern and format) never rejects an answer
 * let through: what the validator (jsonschema.c) does not check; pattern,
 * which it checks with PCRE2, which is not ECMA-262 in every corner (a
 * pattern PCRE2 cannot read is not checked at all); and the applicators it
 * checks only against draft 7's test suite (contains, propertyNames,
 * dependent*, if/then/else), where a client's validator of another draft
 * may judge otherwise; and two it checks otherwise than JavaScript does:
 * multipleOf within a few ulp (Ajv divides and wants an integer: 19.99
 * is no multiple of 0.01 to it), uniqueItems with integers past 2^53
 * exact (one double each to JavaScript).
 */
static const char *const kw_unchecked[] = {
	"pattern", "format", "contains", "minContains", "maxContains",
	"propertyNames", "dependentRequired", "dependentSchemas",
	"dependencies", "if", "then", "else", "unevaluatedItems",
	"unevaluatedProperties", "multipleOf", "uniqueItems", NULL
};
/*
 * Names every JavaScript object inherits (Object.prototype).  Ajv reads
 * data.constructor of an answer that has none as the inherited function
 * and fails the property's schema, so an outputSchema's properties of
 * these names are given the empty schema.
 */
static const char *const js_inherited[] = {
	"constructor", "hasOwnProperty", "isPrototypeOf",
	"propertyIsEnumerable", "toLocaleString", "toString", "valueOf",
	"__proto__", "__defineGetter__", "__defineSetter__",
	"__lookupGetter__", "__lookupSetter__", NULL
};

static int
kw_in(const char *const *list, const char *k)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, k) == 0)
			return 1;
	return 0;
}

#define STRIP_DEPTH	256

static size_t	 json_size(struct json_object *);

/*
 * Walk the schema `s` at nesting `depth`; drop the keywords `drop` from
 * every schema `cut` or more levels deep (none when drop is NULL); add
 * to notes[d] (when not NULL) the bytes the kw_notes of the schemas at
 * level d take; with `output`, empty the schemas of js_inherited
 * properties.  Returns the deepest level seen.
 */
static int
schema_strip(struct json_object *s, int depth, int cut,
    const char *const *drop, size_t *notes, int output)
{
	struct json_object	*e;
	size_t			 i;
	int			 max = depth, m;

	if (!json_object_is_type(s, json_type_object) || depth > STRIP_DEPTH)
		return depth;
	for (i = 0; drop != NULL && depth >= cut && drop[i] != NULL; i++)
		json_object_object_del(s, drop[i]);
	for (i = 0; notes != NULL && kw_notes[i] != NULL; i++)
		if (json_object_object_get_ex(s, kw_notes[i], &e))
			/* "key":value, */
			notes[depth] += strlen(kw_notes[i]) + 4 +
			    json_size(e);
	json_object_object_foreach(s, k, v) {
		m = depth;
		if (output && strcmp(k, "properties") == 0 &&
		    json_object_is_type(v, json_type_object))
			for (i = 0; js_inherited[i] != NULL; i++)
				if (json_object_object_get_ex(v,
				    js_inherited[i], NULL))
					json_object_object_add(v,
					    js_inherited[i],
					    json_object_new_object());
		if (kw_in(kw_map, k) && json_object_is_type(v,
		    json_type_object)) {
			json_object_object_foreach(v, k2, v2) {
				(void)k2;
				m = schema_strip(v2, depth + 1, cut, drop,
				    notes, output);
				max = m > max ? m : max;
			}
		} else if (kw_in(kw_list, k) && json_object_is_type(v,
		    json_type_array)) {
			for (i = 0; i < json_object_array_length(v); i++) {
				e = json_object_array_get_idx(v, i);
				m = schema_strip(e, depth + 1, cut, drop,
				    notes, output);
				max = m > max ? m : max;
			}
		} else if (kw_in(kw_one, k))
			m = schema_strip(v, depth + 1, cut, drop, notes,
			    output);
		max = m > max ? m : max;
	}
	return max;
}

static size_t
json_size(struct json_object *o)
{
	return strlen(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
}

/*
 * MCP_SCHEMA_MAX_BYTES for the tool's schemas (`*out` may become NULL);
 * what was dropped is said in `note`.  An outputSchema is all or nothing;
 * an inputSchema loses its descriptions and examples, the deepest first,
 * never its structure: the arguments' own descriptions go last.
 */
static void
schema_budget(const struct cfg *cfg, struct json_object *in,
    struct json_object **out, struct buf *note)
{
	size_t	 max = (size_t)cfg->schema_max_bytes, n, was, gain;
	size_t	 notes[STRIP_DEPTH + 2];
	int	 cut, deepest;

	if (*out != NULL && cfg->output_schema == OUTPUT_SCHEMA_OFF) {
		json_object_put(*out);
		*out = NULL;
	}
	if (*out != NULL) {
		schema_strip(*out, 0, 0, kw_unchecked, NULL, 1);
		if ((n = json_size(*out)) > max) {
			buf_printf(note, "the output schema (%zu bytes)", n);
			json_object_put(*out);
			*out = NULL;
		}
	}
	if ((was = n = json_size(in)) > max) {
		/*
		 * The deepest level to cut from that is enough, from what
		 * each level's notes take (measured once, not by writing
		 * the schema out again for each level: a large one nested
		 * deep cost seconds), then measured; cut from one level
		 * higher while it is still over.
		 */
		memset(notes, 0, sizeof(notes));
		deepest = schema_strip(in, 0, 0, NULL, notes, 0);
		for (cut = deepest, gain = notes[cut]; cut > 1 &&
		    gain < n && n - gain > max; gain += notes[--cut])
			continue;
		for (; cut >= 1 && n > max; cut--) {
			schema_strip(in, 0, cut, kw_notes, NULL, 0);
			n = json_size(in);
		}
		buf_printf(note, "%sdescriptions and examples nested %d or "
		    "more levels deep in the input schema (%zu bytes, now "
		    "%zu)", note->len ? "; " : "", cut + 1, was, n);
	}
}

/*
 * MCP_TOOLS_MAX_BYTES, checked as each tool is added, so that a document
 * whose schemas multiply across its operations (one large schema named
 * by a thousand operations is written out whole in each tool) is refused
 * before every worker holds gigabytes of it.
 */
static int
tools_over_budget(const struct cfg *cfg, const struct api_build *b,
    const struct registry *reg, size_t *total, char **cause)
{
	const struct tool	*t = &reg->tools[reg->ntools - 1];
	size_t			 i, big = 0;

	*total += t->json_len + t->json_old_len;
	if (*total <= (size_t)cfg->tools_max_bytes)
		return 0;
	for (i = 1; i < reg->ntools; i++)
		if (reg->tools[i].json_len > reg->tools[big].json_len)
			big = i;
	xasprintf(cause, "MCP_OPENAPI: %s: the definitions of the first %zu "
	    "tools (of the document's %zu operations) come to more than "
	    "MCP_TOOLS_MAX_BYTES (%lld bytes); the largest, %s, is %zu "
	    "bytes: pick fewer operations (MCP_INCLUDE_OPERATIONS, "
	    "MCP_INCLUDE_TAGS) or raise MCP_TOOLS_MAX_BYTES", b->doc.where,
	    reg->ntools, b->ncands, cfg->tools_max_bytes,
	    reg->tools[big].name, reg->tools[big].json_len);
	return 1;
}

/*
 * The hints from the method's semantics (RFC 9110 §9.2): GET, HEAD,
 * OPTIONS and TRACE are safe, so read-only and idempotent; PUT and
 * DELETE are idempotent, DELETE destructive; POST and PATCH neither.
 * The operation's x-mcp-annotations are merged last: the operator knows
 * better (a POST that only searches, say).
 */
static struct json_object *
annotations(const struct api_cand *c, const char *title)
{
	struct json_object	*a = json_object_new_object(), *x;
	int			 safe = strcmp(c->method, "get") == 0 ||
				    strcmp(c->method, "head") == 0 ||
				    strcmp(c->method, "options") == 0 ||
				    strcmp(c->method, "trace") == 0;

	json_object_object_add(a, "title", json_object_new_string(title));
	json_object_object_add(a, "readOnlyHint", json_object_new_boolean(safe));
	if (!safe)
		json_object_object_add(a, "destructiveHint",
		    json_object_new_boolean(strcmp(c->method, "delete") == 0));
	json_object_object_add(a, "idempotentHint", json_object_new_boolean(
	    safe || strcmp(c->method, "put") == 0 ||
	    strcmp(c->method, "delete") == 0));
	json_object_object_add(a, "openWorldHint", json_object_new_boolean(1));
	if ((x = obj_get(c->op, "x-mcp-annotations", json_type_object)) !=
	    NULL) {
		json_object_object_foreach(x, k, v)
			json_object_object_add(a, k, copy_value(v));
	}
	return a;
}

/*
 * The scopes a token must carry to call the operation: those of one of
 * its security alternatives (or the document's when it has none).  An
 * alternative that names no scope (an API key, an empty requirement {})
 * does not count while another names some: the API key is this server's
 * own, and an unscoped way in beside a scoped one would let any token
 * through.  No alternative with scopes: none needed.
 */
static void
collect_scopes(struct api_build *b, const struct api_cand *c, struct tool *t)
{
	struct json_object	*sec, *req, *s;
	size_t			 i, k, start;

	if ((sec = obj_get(c->op, "security", json_type_array)) == NULL)
		sec = obj_get(b->doc.root, "security", json_type_array);
	for (k = 0; sec != NULL && k < json_object_array_length(sec); k++) {
		req = json_object_array_get_idx(sec, k);
		if (!json_object_is_type(req, json_type_object))
			continue;
		start = t->nscopes;
		json_object_object_foreach(req, scheme, list) {
			(void)scheme;
			if (!json_object_is_type(list, json_type_array))
				continue;
			for (i = 0; i < json_object_array_length(list); i++) {
				s = json_object_array_get_idx(list, i);
				if (!json_object_is_type(s, json_type_string))
					continue;
				t->scopes = xrealloc(t->scopes,
				    (t->nscopes + 1) * sizeof(char *));
				t->scopes[t->nscopes++] =
				    xstrdup(json_object_get_string(s));
			}
		}
		if (t->nscopes == start)
			continue;
		t->alt_end = xrealloc(t->alt_end,
		    (t->nalts + 1) * sizeof(size_t));
		t->alt_end[t->nalts++] = t->nscopes;
	}
}

/*
 * The converter's $defs (recursive or large references) into a body
 * schema that may have $defs of its own.  Its references were all
 * inlined or point at the converter's entries, so on a clash of names
 * the converter's entry is the one that must stay.  Takes `defs`.
 */
static void
whole_defs(struct json_object *schema, struct json_object *defs)
{
	struct json_object	*own;

	if (defs == NULL)
		return;
	if ((own = obj_get(schema, "$defs", json_type_object)) == NULL) {
		json_object_object_add(schema, "$defs", defs);
		return;
	}
	json_object_object_foreach(defs, k, v)
		json_object_object_add(own, k, json_object_get(v));
	json_object_put(defs);
}

/*
 * Each {name} of the path template needs a path parameter of that name
 * (OpenAPI requires it); without one every call is refused with "path
 * parameter name is required", which no argument can meet.  A document
 * that forgot it still loads: the operator is told which operation.
 */
static void
path_vars_check(const struct api_tb *t)
{
	const char	*s, *e;
	size_t		 i, len;

	for (s = t->op->path; (s = strchr(s, '{')) != NULL; s = e) {
		if ((e = strchr(s, '}')) == NULL)
			break;
		len = (size_t)(e - s - 1);
		for (i = 0; i < t->op->nparams; i++)
			if (t->op->params[i].in == API_IN_PATH &&
			    strlen(t->op->params[i].name) == len &&
			    memcmp(t->op->params[i].name, s + 1, len) == 0)
				break;
		if (i == t->op->nparams)
			log_msg(LOGL_WARN, "MCP_OPENAPI: %s: %s %s: no path "
			    "parameter '%.*s': the tool %s cannot be called",
			    t->b->doc.where, t->c->method, t->c->path,
			    (int)(len > 64 ? 64 : len), s + 1, t->c->name);
	}
}

/* One operation into one tool. */
static int
build_tool(struct api_build *b, struct api_cand *c, struct registry *reg)
{
	struct api_tb		 t;
	struct json_object	*def = NULL, *schema, *outschema = NULL, *defs;
	const char		*summary, *description, *label;
	const char		*xdesc;		/* x-mcp-description */
	struct buf		 d, note, title;
	size_t			 i, max;
	int			 rc = -1;

	memset(&t, 0, sizeof(t));
	t.b = b;
	t.c = c;
	buf_init(&note);
	buf_init(&title);
	t.conv = api_conv_new(&b->doc);
	t.op = xcalloc(1, sizeof(*t.op));
	t.op->method = xstrdup(c->method);
	for (i = 0; t.op->method[i] != '\0'; i++)
		if (t.op->method[i] >= 'a' && t.op->method[i] <= 'z')
			t.op->method[i] -= 32;
	t.op->path = xstrdup(c->path);
	t.props = json_object_new_object();
	t.required = json_object_new_array();
	buf_init(&d);
	if ((t.op->base_url = base_url(b, c)) == NULL ||
	    build_params(&t) == -1 || build_body(&t) == -1)
		goto out;
	path_vars_check(&t);
	/* what the API receives: MCP_UPSTREAM_AUTH or x-mcp-upstream-auth */
	label = c->opid != NULL ? c->opid : c->name;
	if (api_op_upauth(b->cfg, &b->doc, c->op, label, &t.op->upauth,
	    b->cause) == -1)
		goto out;
	b->need_client |= api_op_needs_client(t.op->upauth);
	warn_other_origin(b, label, t.op);
	if (api_op_lends(b->cfg, t.op->upauth) &&
	    t.op->upauth != b->cfg->upstream_auth)
		buf_printf(&b->lent, "%s%s", b->lent.len ? ", " : "", label);
	if (t.op->upauth == UPAUTH_STATIC && b->secrets != NULL &&
	    api_cred_bind(b->secrets, &b->doc, c->op, c->name, t.op) == -1 &&
	    b->cfg->upstream_auth != UPAUTH_STATIC) {
		xasprintf(b->cause, "MCP_OPENAPI: %s: operation %s: "
		    "x-mcp-upstream-auth static: no security requirement of "
		    "the operation can be met from "
		    "MCP_UPSTREAM_CREDENTIALS_FILE (see the warning above)",
		    b->doc.where, label);
		api_secrets_report(b->secrets);
		goto out;
	}
	summary = str_get(c->op, "summary");
	description = str_get(c->op, "description");
	if ((xdesc = str_get(c->op, "x-mcp-description")) != NULL &&
	    *xdesc == '\0')
		xdesc = NULL;
	if (xdesc != NULL)
		buf_puts(&d, xdesc);	/* the operator's words instead */
	else {
		if (summary != NULL && *summary != '\0')
			buf_puts(&d, summary);
		if (description != NULL && *description != '\0' &&
		    (summary == NULL || strcmp(summary, description) != 0))
			buf_printf(&d, "%s%s", d.len ? "\n\n" : "",
			    description);
	}
	if (d.len == 0)
		buf_printf(&d, "%s %s", t.op->method, c->path);
	if (build_responses(&t, &d, &outschema) == -1)
		goto out;
	if (xdesc != NULL) {
		/* x-mcp-description is the whole text, as the operator
		 * wrote it: the responses are not described after it */
		buf_free(&d);
		buf_init(&d);
		buf_puts(&d, xdesc);
	}
	schema = json_object_new_object();
	json_object_object_add(schema, "type", json_object_new_string("object"));
	json_object_object_add(schema, "properties", t.props);
	t.props = NULL;
	if (json_object_array_length(t.required) > 0)
		json_object_object_add(schema, "required",
		    json_object_get(t.required));
	if (t.whole != NULL) {
		/* the body is the input (build_body): its schema as is */
		json_object_put(schema);
		schema = t.whole;
		t.whole = NULL;
		whole_defs(schema, api_conv_defs(t.conv));
	} else if ((defs = api_conv_defs(t.conv)) != NULL)
		json_object_object_add(schema, "$defs", defs);
	schema_budget(b->cfg, schema, &outschema, &note);
	if (note.len > 0) {
		/* the note survives the cap: it says what the schemas lack */
		buf_puts(&note, ".]");
		max = (size_t)b->cfg->description_max;
		if (note.len + 64 + 56 < max)
			cap_utf8(&d, max - note.len - 56);
		buf_printf(&d, "\n\n[Left out to stay within "
		    "MCP_SCHEMA_MAX_BYTES: %s", note.data);
	}
	cap_utf8(&d, (size_t)b->cfg->description_max);
	/* a title is a label, written twice: a long summary is cut here
	 * (the description starts with it as well) */
	buf_puts(&title, summary != NULL && *summary != '\0' ? summary :
	    c->name);
	cap_utf8(&title, API_TITLE_MAX);
	def = json_object_new_object();
	json_object_object_add(def, "name", json_object_new_string(c->name));
	json_object_object_add(def, "title",
	    json_object_new_string(title.data));
	json_object_object_add(def, "description",
	    json_object_new_string(d.data));
	json_object_object_add(def, "inputSchema", schema);
	if (outschema != NULL) {
		json_object_object_add(def, "outputSchema", outschema);
		t.op->has_output_schema = 1;
		outschema = NULL;
	}
	json_object_object_add(def, "annotations", annotations(c,
	    title.data));
	collect_scopes(b, c, reg_add(reg, def, t.op));
	t.op = NULL;
	rc = 0;
out:
	json_object_put(t.props);
	json_object_put(t.required);
	json_object_put(t.whole);
	json_object_put(outschema);
	api_conv_free(t.conv);
	api_op_free(t.op);
	buf_free(&d);
	buf_free(&note);
	buf_free(&title);
	return rc;
}

/*
 * x-mcp-name: a tool name as the operator wants it, checked as generated
 * names are (characters, length) and unique among the x-mcp-names.
 */
static int
explicit_name(struct api_build *b, struct api_cand *c, struct json_object *x,
    struct json_object *seen)
{
	const char	*n;
	char		*where;
	size_t		 i, len;
	int		 rc = -1;

	where = op_where(c, "x-mcp-name");
	if (!json_object_is_type(x, json_type_string)) {
		xasprintf(b->cause, "MCP_OPENAPI: %s: %s: not a string",
		    b->doc.where, where);
		goto out;
	}
	n = json_object_get_string(x);
	len = strlen(n);
	for (i = 0; i < len && valid_name_char(n[i]); i++)
		;
	if (len == 0 || i < len || len > (size_t)b->cfg->tool_name_max) {
		xasprintf(b->cause, "MCP_OPENAPI: %s: %s: '%.80s' is not a "
		    "tool name (1 to %lld of A-Z a-z 0-9 _ . -)",
		    b->doc.where, where, n, (long long)b->cfg->tool_name_max);
		goto out;
	}
	if (json_object_object_get_ex(seen, n, NULL)) {
		xasprintf(b->cause, "MCP_OPENAPI: %s: %s: '%s' names another "
		    "operation too", b->doc.where, where, n);
		goto out;
	}
	json_object_object_add(seen, n, NULL);
	free(c->name);
	c->name = xstrdup(n);
	c->named = 1;
	rc = 0;
out:
	free(where);
	return rc;
}

/* Every operation of every path, in document order. */
static int
collect_ops(struct api_build *b)
{
	struct json_object	*paths, *item, *op, *x, *seen;
	struct api_cand		*c;
	char			*where;
	size_t			 i;
	int			 rc = -1;

	/* an overlay may have taken it out */
	if ((paths = obj_get(b->doc.root, "paths", json_type_object)) ==
	    NULL) {
		xasprintf(b->cause, "MCP_OPENAPI: %s: #/paths is missing or "
		    "not an object (after MCP_OPENAPI_OVERLAY)", b->doc.where);
		return -1;
	}
	seen = json_object_new_object();
	json_object_object_foreach(paths, path, item0) {
		if (path[0] != '/') {
			if (strncmp(path, "x-", 2) == 0)
				continue;
			xasprintf(b->cause, "MCP_OPENAPI: %s: #/paths: '%s' "
			    "does not start with '/'", b->doc.where, path);
			goto out;
		}
		xasprintf(&where, "#/paths/%s", path);
		item = api_resolve(&b->doc, item0, where, b->cause);
		free(where);
		if (item == NULL)
			goto out;
		if (!json_object_is_type(item, json_type_object))
			continue;
		for (i = 0; api_methods[i] != NULL; i++) {
			if ((op = obj_get(item, api_methods[i],
			    json_type_object)) == NULL)
				continue;
			/* x-mcp-hidden: true: the operation is no tool */
			if (json_object_object_get_ex(op, "x-mcp-hidden", &x)) {
				if (!json_object_is_type(x,
				    json_type_boolean)) {
					xasprintf(b->cause, "MCP_OPENAPI: %s: "
					    "%s %s: x-mcp-hidden is not a "
					    "boolean", b->doc.where,
					    api_methods[i], path);
					goto out;
				}
				if (json_object_get_boolean(x))
					continue;
			}
			b->cands = xrealloc(b->cands,
			    (b->ncands + 1) * sizeof(*b->cands));
			c = &b->cands[b->ncands++];
			memset(c, 0, sizeof(*c));
			c->opid = str_get(op, "operationId");
			c->method = api_methods[i];
			c->path = path;
			c->op = op;
			c->item = item;
			c->name = api_tool_name(c->opid, c->method, c->path,
			    (size_t)b->cfg->tool_name_max);
			if (json_object_object_get_ex(op, "x-mcp-name", &x) &&
			    explicit_name(b, c, x, seen) == -1)
				goto out;
		}
	}
	if (b->ncands == 0) {
		xasprintf(b->cause, "MCP_OPENAPI: %s: #/paths has no "
		    "operations", b->doc.where);
		goto out;
	}
	rc = 0;
out:
	json_object_put(seen);
	return rc;
}

/*
 * Build the tool registry from MCP_OPENAPI.  Without MCP_OPENAPI the
 * registry is empty (the endpoint still answers, with no tools).
 */
int
api_load(const struct cfg *cfg, struct registry **regp, char **cause)
{
	struct api_build	 b;
	struct registry	*reg = reg_new();
	size_t		 i, total = 0;
	int		 rc = -1;

	memset(&b, 0, sizeof(b));
	buf_init(&b.lent);
	b.cfg = cfg;
	b.cause = cause;
	*regp = NULL;
	reg->call = api_call;
	reg->free_impl = api_op_free;
	reg->ctx = (void *)cfg;
	/* private_key_jwt: the key is read once, and a bad one stops us */
	if ((cfg->upstream_auth == UPAUTH_CLIENT_CREDENTIALS ||
	    cfg->upstream_auth == UPAUTH_EXCHANGE) &&
	    cfg->upstream_client_key_file != NULL &&
	    api_assert_load(cfg->upstream_client_key_file,
	    cfg->upstream_client_key_id, cause) == -1)
		goto out;
	if (cfg->openapi == NULL) {
		rc = 0;
		goto out;
	}
	if (api_doc_load(cfg->openapi, cfg->api_timeout, &b.doc, cause) == -1 ||
	    (cfg->openapi_overlay != NULL && api_overlay_load(
	    cfg->openapi_overlay, cfg->api_timeout, b.doc.root, cause) == -1) ||
	    collect_ops(&b) == -1)
		goto out;
	assign_names(&b);
	if (apply_filters(&b) == -1)
		goto out;
	/* the file goes with static, MCP_UPSTREAM_AUTH's or an operation's */
	if (cfg->upstream_credentials_file != NULL && (b.secrets =
	    api_secrets_load(cfg->upstream_credentials_file, cause)) == NULL)
		goto out;
	for (i = 0; i < b.ncands; i++) {
		if (!b.cands[i].keep)
			continue;
		if (build_tool(&b, &b.cands[i], reg) == -1 ||
		    tools_over_budget(cfg, &b, reg, &total, cause))
			goto out;
	}
	if (b.need_client && !api_op_needs_client(cfg->upstream_auth) &&
	    cfg->upstream_client_key_file != NULL &&
	    api_assert_load(cfg->upstream_client_key_file,
	    cfg->upstream_client_key_id, cause) == -1)
		goto out;
	if (b.secrets != NULL)
		api_secrets_report(b.secrets);
	/* MCP_UPSTREAM_AUTH itself is warned about by cfg.c */
	if (b.lent.len > 0)
		log_msg(LOGL_WARN, "x-mcp-upstream-auth: MCP_AUTH=%s verifies "
		    "no token, so anyone who reaches the endpoint calls these "
		    "operations with this server's credentials: %s",
		    cfg->auth == AUTHM_NONE ? "none" : "required", b.lent.data);
	rc = 0;
out:
	buf_free(&b.lent);
	api_secrets_free(b.secrets);
	for (i = 0; i < b.ncands; i++) {
		free(b.cands[i].name);
		free(b.cands[i].gen);
	}
	free(b.cands);
	json_object_put(b.doc.root);
	free(b.doc.where_own);
	if (rc == 0) {
		reg_finish(reg);
		*regp = reg;
	} else
		reg_free(reg);
	return rc;
}
