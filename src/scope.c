/* SPDX-License-Identifier: ISC */
/*
 * scope: MCP_SCOPE_IMPLIES, the operator's scope hierarchy.
 *
 * '=' and ',' separate, never ':': providers name scopes "items:write"
 * (Auth0) or "api://app/Files.Read" (Entra ID), and a rule must be able
 * to name them.  The closure is computed once per verified token (auth.c
 * caches the expanded grant), so a simple worklist over a bounded vector
 * is enough; a scope already present is never added again, which is
 * also what ends a cycle.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "scope.h"
#include "util.h"

struct scope_rule {
	char	 *broad;
	char	**narrow;
	size_t	  nnarrow;
};

struct scope_rules {
	struct scope_rule	*v;
	size_t			 n;
};

/* A scope-token (RFC 6749 §3.3) without our separators , = ; */
static int
scope_token_ok(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;

	if (*p == '\0' || strlen(s) > SCOPE_TOKEN_MAX)
		return 0;
	for (; *p != '\0'; p++)
		if (*p < 0x21 || *p > 0x7e || *p == '"' || *p == '\\' ||
		    *p == ',' || *p == '=' || *p == ';')
			return 0;
	return 1;
}

void
scope_rules_free(struct scope_rules *r)
{
	size_t	 i, j;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++) {
		free(r->v[i].broad);
		for (j = 0; j < r->v[i].nnarrow; j++)
			free(r->v[i].narrow[j]);
		free(r->v[i].narrow);
	}
	free(r->v);
	free(r);
}

/* One "BROAD=NARROW[,NARROW...]" into a new rule of `r`. */
static int
parse_rule(struct scope_rules *r, char *tok, char **cause)
{
	struct scope_rule	*ru;
	char			*eq, *p, *s;
	size_t			 k;

	if ((eq = strchr(tok, '=')) == NULL || strchr(eq + 1, '=') != NULL) {
		xasprintf(cause, "'%.64s': each rule is BROAD=NARROW[,NARROW"
		    "...] with one '=' (rules separated by spaces or ';')",
		    tok);
		return -1;
	}
	*eq = '\0';
	if (!scope_token_ok(tok)) {
		xasprintf(cause, "'%.64s=...': the broad scope is empty or "
		    "not a scope (printable ASCII, no quote, backslash, ',', "
		    "'=' or ';')", tok);
		return -1;
	}
	/* two rules for one scope are merged: one rule per scope, each
	 * implied scope once, keeps the closure's work bounded */
	for (k = 0, ru = NULL; k < r->n && ru == NULL; k++)
		if (strcmp(r->v[k].broad, tok) == 0)
			ru = &r->v[k];
	if (ru == NULL && r->n == SCOPE_RULES_MAX) {
		xasprintf(cause, "more than %d rules", SCOPE_RULES_MAX);
		return -1;
	}
	if (ru == NULL) {
		r->v = xrealloc(r->v, (r->n + 1) * sizeof(*r->v));
		ru = &r->v[r->n++];
		memset(ru, 0, sizeof(*ru));
		ru->broad = xstrdup(tok);
	}
	for (p = eq + 1; (s = strsep(&p, ",")) != NULL;) {
		if (!scope_token_ok(s)) {
			xasprintf(cause, "'%.64s=...': an implied scope is "
			    "empty or not a scope", ru->broad);
			return -1;
		}
		for (k = 0; k < ru->nnarrow; k++)
			if (strcmp(ru->narrow[k], s) == 0)
				break;
		if (k < ru->nnarrow)
			continue;	/* listed twice: once is enough */
		if (ru->nnarrow == SCOPE_NARROW_MAX) {
			xasprintf(cause, "'%.64s=...': more than %d implied "
			    "scopes", ru->broad, SCOPE_NARROW_MAX);
			return -1;
		}
		ru->narrow = xrealloc(ru->narrow, (ru->nnarrow + 1) *
		    sizeof(*ru->narrow));
		ru->narrow[ru->nnarrow++] = xstrdup(s);
	}
	return 0;
}

int
scope_rules_parse(const char *value, struct scope_rules **out, char **cause)
{
	struct scope_rules	*r;
	char			*copy, *p, *tok;
	int			 rc = 0;

	*out = NULL;
	*cause = NULL;
	if (value == NULL)
		return 0;
	r = xcalloc(1, sizeof(*r));
	copy = xstrdup(value);
	for (p = copy; rc == 0 && (tok = strsep(&p, " \t\r\n;")) != NULL;)
		if (*tok != '\0')
			rc = parse_rule(r, tok, cause);
	free(copy);
	if (rc == -1 || r->n == 0) {
		scope_rules_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

static int
vec_has(char *const *v, size_t n, const char *s)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

size_t
scope_expand(const struct scope_rules *r, char ***vp, size_t *np)
{
	const struct scope_rule	*ru;
	char			**v = *vp;
	size_t			  n = *np, i, k, j, added = 0;

	if (r == NULL)
		return 0;
	/* v[i] for i < n is the worklist: each scope is expanded once */
	for (i = 0; i < n; i++) {
		if (vec_has(v, i, v[i]))
			continue;	/* a scope the token lists twice */
		for (k = 0; k < r->n; k++) {
			ru = &r->v[k];
			if (strcmp(ru->broad, v[i]) != 0)
				continue;
			for (j = 0; j < ru->nnarrow; j++) {
				if (n >= SCOPE_CLOSURE_MAX)
					goto out;
				if (vec_has(v, n, ru->narrow[j]))
					continue;
				v = xrealloc(v, (n + 1) * sizeof(*v));
				v[n++] = xstrdup(ru->narrow[j]);
				added++;
			}
		}
	}
out:
	*vp = v;
	*np = n;
	return added;
}
