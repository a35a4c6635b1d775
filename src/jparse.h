/* SPDX-License-Identifier: ISC */
/*
 * jparse: the JSON layer.  Every JSON text the library reads (a request
 * body, an API's answer, a provider's document, a token's parts, a sealed
 * value, the OpenAPI document) goes through jp_parse: strict RFC 8259,
 * well-formed UTF-8, nesting and length bounded, building json-c trees.
 * json-c's own tokener switches locales around every call (a fifth of a
 * ping), saturates integers beyond 64 bits, accepts "1.", NaN, single
 * quotes and trailing bytes; this parser does none of that.  Also the
 * small helpers every module that builds or reads JSON shares.
 * JSON-RPC lives above this, in jsonrpc.h.
 */
#ifndef FCM_JPARSE_H
#define FCM_JPARSE_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

/*
 * What differs between callers (jp_opts.flags); without a flag the text
 * must be one JSON value other than null, in well-formed UTF-8.
 */
#define JP_NULL		0x01	/* null is a value: 0 with *out NULL */
#define JP_OBJECT	0x02	/* anything else: "not a JSON object" */
#define JP_NO_DUP	0x04	/* a member name twice in one object: refused
				   (jp_parse_members: in the objects it
				   builds; the member function sees the
				   top level's names and checks them) */
#define JP_BYTES	0x08	/* strings may hold any bytes >= 0x80 (text we
				   wrote ourselves: no UTF-8 check) */

#define JP_DEPTH	64		/* the usual bound on nesting */
#define JP_TEXT_MAX	INT32_MAX	/* json-c lengths are ints */
/*
 * The most memory one parse may build from a text that came from outside,
 * as estimated by jparse.c (json-c takes about 800 bytes for an empty
 * object, 400 for an empty array): past it the text is refused, so that
 * 4 MiB of "{}," cannot become a gigabyte of tree in a worker.
 */
#define JP_TREE_MAX	((size_t)256 << 20)
#define JP_TREE_ANY	SIZE_MAX	/* the operator's own document */

/* A caller's rules, usually one static const per kind of text. */
struct jp_opts {
	size_t	 max;		/* longest text (else "JSON text too large") */
	int	 depth;		/* deepest nesting of arrays and objects */
	int	 flags;		/* JP_* */
	size_t	 tree;		/* most memory the tree may take, else
				   "too much memory": JP_TREE_MAX or _ANY */
};

struct buf;

/* One member of a top-level object; the value is the callee's. */
typedef void (*jp_member_fn)(void *, const char *, struct json_object *);

int	 jp_parse(const char *, size_t, const struct jp_opts *,
	    struct json_object **, const char **);
int	 jp_parse_members(const char *, size_t, const struct jp_opts *,
	    jp_member_fn, void *, struct json_object **, const char **);
const char *jp_string(struct json_object *);
int	 jp_unescape(const char *, size_t, struct buf *);
/*
 * The tree memory the parses charged since the last call (or the start),
 * and start again from 0: what a request may have grown the heap by.
 */
size_t	 jp_built_take(void);

/*
 * Add a member whose key is a string literal not yet in the object: json-c
 * neither copies the key nor looks it up first.  Only for objects being
 * built, where the key cannot be there already.
 */
#define jp_add(o, lit, v)	json_object_object_add_ex((o), "" lit "", (v), \
	    JSON_C_OBJECT_ADD_KEY_IS_NEW | JSON_C_OBJECT_KEY_IS_CONSTANT)

#endif
