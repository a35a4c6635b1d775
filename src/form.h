/* SPDX-License-Identifier: ISC */
/*
 * form: application/x-www-form-urlencoded, as OAuth uses it in query
 * strings and request bodies.  Bounded, and strict where OAuth is: a
 * parameter given twice, a broken %-escape or a NUL is an error.
 */
#ifndef FCM_FORM_H
#define FCM_FORM_H

#include <stddef.h>

#include "util.h"

#define FORM_MAX_PAIRS	64
#define FORM_MAX_INPUT	65536

struct form {
	char	*name[FORM_MAX_PAIRS];
	char	*value[FORM_MAX_PAIRS];
	size_t	 n;
};

int	 form_parse(struct form *, const char *, size_t, const char **);
char	*form_decode(const char *, size_t);
const char *form_get(const struct form *, const char *);
void	 form_free(struct form *);
char	*form_basic_header(const char *, const char *);
void	 form_add(struct buf *, const char *, const char *, size_t);

#endif
