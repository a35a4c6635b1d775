/* SPDX-License-Identifier: ISC */
/*
 * jwrite: compact JSON text of a json-c tree, appended to a buf.
 *
 * The same bytes as json-c's JSON_C_TO_STRING_PLAIN |
 * JSON_C_TO_STRING_NOSLASHESCAPE, written straight into the response
 * buffer: json-c's own serialiser allocates a print buffer on every
 * object it is asked to print and formats integers with printf, which is
 * a measurable share of a small request (bench/README.md).
 */
#ifndef FCM_JWRITE_H
#define FCM_JWRITE_H

#include <stddef.h>

#include <json-c/json.h>

#include "util.h"

/*
 * Text that is already JSON, pasted as a value (a stored tool
 * definition).  It must outlive every node made from it.
 */
struct jw_text {
	const char	*p;
	size_t		 n;
};

void	 jw_value(struct buf *, struct json_object *);
void	 jw_string(struct buf *, const char *, size_t);
void	 jw_int(struct buf *, long long);
struct json_object *jw_raw_node(const struct jw_text *); /* keeps the text */
struct json_object *jw_raw_take(struct buf *);	/* takes the buffer's text */

#endif
