/* SPDX-License-Identifier: ISC */
/*
 * jshash: a hash of a JSON value that JSON Schema's equality keeps (1 and
 * 1.0 hash alike, members in any order), so that "uniqueItems" and "enum"
 * compare only the values whose hashes meet.
 */
#ifndef FCM_JSHASH_H
#define FCM_JSHASH_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

/* One item of an array: its hash and its position. */
struct jsh_item {
	uint64_t	 h;
	size_t		 i;
};

int		 jsh_integer(struct json_object *, uint64_t *, int *);
uint64_t	 jsh_value(struct json_object *);
struct jsh_item	*jsh_index(struct json_object *, size_t *);
size_t		 jsh_find(const struct jsh_item *, size_t, uint64_t);

#endif
