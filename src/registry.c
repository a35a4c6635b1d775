/* SPDX-License-Identifier: ISC */
/*
 * registry: an immutable, name-sorted table of tools built once at
 * start-up.  Its digest names the tool set, so pagination cursors from a
 * different set (another document, another build) are recognised as stale.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "jparse.h"
#include "jwrite.h"
#include "tools.h"
#include "util.h"

#define REG_DEF_DEPTH	512

/* A definition: text written at start-up, as deep as a document may be. */
static const struct jp_opts reg_def = { JP_TEXT_MAX, REG_DEF_DEPTH, 0,
    JP_TREE_ANY };

struct registry *
reg_new(void)
{
	return xcalloc(1, sizeof(struct registry));
}

static char *
serialise(struct json_object *o, size_t *len)
{
	struct buf	 b;

	buf_init(&b);
	jw_value(&b, o);
	*len = b.len;
	/* kept for the worker's life: no spare capacity */
	return xrealloc(buf_release(&b), *len + 1);
}

/*
 * Add a tool; `def` (which must carry a string name) is serialised and
 * released.  Returns the entry, valid until the next reg_add().
 */
struct tool *
reg_add(struct registry *r, struct json_object *def, void *impl)
{
	struct json_object	*name;
	struct tool		*t;

	if (!json_object_object_get_ex(def, "name", &name) ||
	    !json_object_is_type(name, json_type_string))
		abort();
	r->tools = xrealloc(r->tools, (r->ntools + 1) * sizeof(*r->tools));
	t = &r->tools[r->ntools++];
	memset(t, 0, sizeof(*t));
	t->name = xstrdup(json_object_get_string(name));
	t->json = serialise(def, &t->json_len);
	if (json_object_object_get_ex(def, "title", NULL) ||
	    json_object_object_get_ex(def, "outputSchema", NULL)) {
		json_object_object_del(def, "title");
		json_object_object_del(def, "outputSchema");
		t->json_old = serialise(def, &t->json_old_len);
		t->raw_old.p = t->json_old;
		t->raw_old.n = t->json_old_len;
	}
	t->raw.p = t->json;
	t->raw.n = t->json_len;
	/* once here, not per call: does a tools/call need Mcp-Param-*? */
	t->param_headers = strstr(t->json, "\"x-mcp-header\"") != NULL;
	t->impl = impl;
	json_object_put(def);
	return t;
}

/*
 * The definition as a JSON tree (a new object the caller releases), or
 * NULL.  Deeply nested schemas are legitimate here: the bound is the one
 * documents are read with, not json-c's default of 32.
 */
struct json_object *
reg_tool_def(const struct tool *t)
{
	struct json_object	*o;
	const char		*cause;

	return jp_parse(t->json, t->json_len, &reg_def, &o, &cause) == 0 ?
	    o : NULL;
}

/* A part of the definition, parsed once and kept in *slot; borrowed. */
static struct json_object *
cached_part(const struct tool *t, const char *key, struct json_object **slot)
{
	struct json_object	*def, *v;

	if (*slot != NULL)
		return *slot;
	if ((def = reg_tool_def(t)) == NULL)
		return NULL;
	if (json_object_object_get_ex(def, key, &v))
		*slot = json_object_get(v);
	json_object_put(def);
	return *slot;
}

/*
 * The input schema, parsed on the tool's first call and kept: a worker
 * pays for the tools that are used, not for all of them (memory), and
 * once per tool, not per call (time).  The cache is the only thing that
 * changes in a registry; workers are single-threaded.  Borrowed; NULL
 * when the definition cannot be parsed.
 */
struct json_object *
reg_tool_input(const struct tool *t)
{
	return cached_part(t, "inputSchema", &((struct tool *)t)->input);
}

/* The output schema, the same way; NULL when the tool has none. */
struct json_object *
reg_tool_output(const struct tool *t)
{
	return cached_part(t, "outputSchema", &((struct tool *)t)->output);
}

/*
 * A placeholder whose serialisation is the stored text, so that a list of
 * tools is pasted, not rebuilt.  `old` picks the pre-2025-06-18 form.
 */
struct json_object *
reg_tool_raw(const struct tool *t, int old)
{
	return jw_raw_node(old && t->json_old != NULL ? &t->raw_old : &t->raw);
}

static int
tool_cmp(const void *a, const void *b)
{
	return strcmp(((const struct tool *)a)->name,
	    ((const struct tool *)b)->name);
}

/* Sort by name (a deterministic order) and compute the digest. */
void
reg_finish(struct registry *r)
{
	EVP_MD_CTX	*md;
	unsigned char	 h[EVP_MAX_MD_SIZE];
	unsigned int	 hlen;
	size_t		 i;

	if (r->ntools > 0)
		qsort(r->tools, r->ntools, sizeof(*r->tools), tool_cmp);
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		abort();
	for (i = 0; i < r->ntools; i++) {
		EVP_DigestUpdate(md, r->tools[i].json, r->tools[i].json_len);
		EVP_DigestUpdate(md, "\n", 1);
	}
	EVP_DigestFinal_ex(md, h, &hlen);
	EVP_MD_CTX_free(md);
	for (i = 0; i < 8; i++)
		snprintf(r->digest + i * 2, 3, "%02x", h[i]);
}

const struct tool *
reg_find(const struct registry *r, const char *name)
{
	struct tool	 key;

	if (r->ntools == 0)
		return NULL;
	key.name = (char *)name;
	return bsearch(&key, r->tools, r->ntools, sizeof(*r->tools),
	    tool_cmp);
}

void
reg_free(struct registry *r)
{
	size_t	 i, j;

	if (r == NULL)
		return;
	for (i = 0; i < r->ntools; i++) {
		free(r->tools[i].name);
		free(r->tools[i].json);
		free(r->tools[i].json_old);
		json_object_put(r->tools[i].input);
		json_object_put(r->tools[i].output);
		for (j = 0; j < r->tools[i].nscopes; j++)
			free(r->tools[i].scopes[j]);
		free(r->tools[i].scopes);
		free(r->tools[i].alt_end);
		if (r->free_impl != NULL)
			r->free_impl(r->tools[i].impl);
	}
	free(r->tools);
	free(r);
}
