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

#include "tools.h"
#include "util.h"

struct registry *
reg_new(void)
{
	return xcalloc(1, sizeof(struct registry));
}

/* Add a tool; takes ownership of `def`, which must carry a string name. */
void
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
	t->def = def;
	t->name = json_object_get_string(name);
	t->impl = impl;
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
	const char	*s;
	size_t		 i, n;

	if (r->ntools > 0)
		qsort(r->tools, r->ntools, sizeof(*r->tools), tool_cmp);
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		abort();
	for (i = 0; i < r->ntools; i++) {
		s = json_object_to_json_string_length(r->tools[i].def,
		    JSON_C_TO_STRING_PLAIN, &n);
		EVP_DigestUpdate(md, s, n);
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
	key.name = name;
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
		json_object_put(r->tools[i].def);
		for (j = 0; j < r->tools[i].nscopes; j++)
			free(r->tools[i].scopes[j]);
		free(r->tools[i].scopes);
		if (r->free_impl != NULL)
			r->free_impl(r->tools[i].impl);
	}
	free(r->tools);
	free(r);
}
