/* SPDX-License-Identifier: ISC */
/*
 * scope: scope hierarchies the operator declares (MCP_SCOPE_IMPLIES): a
 * token with a broad scope counts as having the narrower ones it implies,
 * transitively.  Parsing and the closure only; auth.c applies it to every
 * verified token.  Uses util only, so cfg.c can check a value at start-up.
 */
#ifndef FCM_SCOPE_H
#define FCM_SCOPE_H

#include <stddef.h>

#define SCOPE_RULES_MAX		256	/* BROAD=... rules in one value */
#define SCOPE_NARROW_MAX	64	/* scopes one rule implies */
#define SCOPE_TOKEN_MAX		256	/* bytes of one scope in a rule */
#define SCOPE_CLOSURE_MAX	1024	/* scopes of a token after closure */

struct scope_rules;

/*
 * Parse "BROAD=NARROW[,NARROW...]" rules separated by white space or ';'
 * ("admin=read,write write=read").  An empty or NULL value is no rules:
 * 0 with *out NULL.  -1 with *cause (allocated, names the rule) otherwise.
 */
int	 scope_rules_parse(const char *, struct scope_rules **, char **);
void	 scope_rules_free(struct scope_rules *);

/*
 * Add to the vector (*v, *n; allocated strings) every scope that its
 * scopes imply, each once, until nothing more is implied (cycles end
 * there) or the vector holds SCOPE_CLOSURE_MAX scopes.  Returns the
 * number added.
 */
size_t	 scope_expand(const struct scope_rules *, char ***, size_t *);

#endif
