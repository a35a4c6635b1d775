/* SPDX-License-Identifier: ISC */
/*
 * jsregex: the regular expressions of JSON Schema's "pattern" and
 * "patternProperties", which are ECMA-262 ones, matched with PCRE2.  The
 * pattern is rewritten where the two read the same text differently (see
 * jsregex.c), and every match is bounded in work by the subject's length,
 * so that a pattern that backtracks badly cannot be turned against the
 * server by the strings a client sends.
 */
#ifndef FCM_JSREGEX_H
#define FCM_JSREGEX_H

#include <stddef.h>

struct jre;

/* the longest string matched; jsonschema leaves longer ones unchecked */
#define JRE_SUBJECT_MAX	256
/* PCRE2 steps a match of a subject of n bytes may take (n <= the above) */
#define JRE_WORK(n)	(1000u + 100u * (size_t)(n))

/*
 * Compile ECMA-262 pattern `pat` (UTF-8, `len` bytes).  NULL when PCRE2
 * cannot read it, with the reason in err (NUL-terminated, truncated to
 * errsz; err may be NULL when errsz is 0).
 */
struct jre	*jre_compile(const char *pat, size_t len, char *err,
		    size_t errsz);

/*
 * Does the pattern match somewhere in s (`len` bytes of UTF-8)?  1 yes,
 * 0 no, -1 when it could not be told: s is too long for the pattern, the
 * work bound was hit or is more than *budget has left (the bound is taken
 * from *budget), or s is not UTF-8.
 */
int		 jre_match(struct jre *re, const char *s, size_t len,
		    size_t *budget);

void		 jre_free(struct jre *re);

#endif
