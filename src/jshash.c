/* SPDX-License-Identifier: ISC */
/*
 * jshash: hashes of JSON values, equal for the values JSON Schema takes
 * for equal (jsonschema.c's json_eq): numbers by their value whatever
 * their form (1, 1.0, 1e0), an object's members in any order.  Sorted by
 * hash, the items of an array meet only their likely twins: "uniqueItems"
 * then costs about n log n instead of n^2 comparisons, and an "enum" a
 * look-up instead of one comparison per member.
 *
 * The hash is keyed with a random seed per process, so that a client
 * cannot choose values whose hashes meet (and so bring the comparisons
 * back).  Values nested deeper than JS_MAX_DEPTH hash alike from there:
 * json_eq gives up at that depth too.
 */
#include "config.h"

#include <sys/random.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jshash.h"
#include "jsonschema.h"
#include "util.h"

/* what kind of value, mixed in first: "1" and 1 differ */
enum { T_NULL = 1, T_BOOL, T_UINT, T_NEG, T_DOUBLE, T_STRING, T_ARRAY,
	T_OBJECT, T_DEEP };

static uint64_t	jsh_seed;
static int	jsh_seeded;

/* One step: x folded into h, every bit of each reaching all of the result. */
static uint64_t
mix(uint64_t h, uint64_t x)
{
	h ^= x;
	h *= UINT64_C(0x9e3779b97f4a7c15);
	h ^= h >> 32;
	h *= UINT64_C(0xd6e8feb86659fd93);
	h ^= h >> 32;
	return h;
}

static uint64_t
seed(void)
{
	if (!jsh_seeded) {
		if (getrandom(&jsh_seed, sizeof(jsh_seed), GRND_NONBLOCK) !=
		    (ssize_t)sizeof(jsh_seed))
			jsh_seed = (uint64_t)time(NULL) ^
			    (uint64_t)getpid() << 32 ^ (uintptr_t)&jsh_seed;
		jsh_seeded = 1;
	}
	return jsh_seed;
}

static uint64_t
bytes(uint64_t h, const char *s, size_t n)
{
	uint64_t	 x;
	size_t		 k;

	h = mix(h, T_STRING ^ (uint64_t)n << 8);
	for (k = 0; k + 8 <= n; k += 8) {
		memcpy(&x, s + k, 8);
		h = mix(h, x);
	}
	if (k < n) {
		x = 0;
		memcpy(&x, s + k, n - k);
		h = mix(h, x);
	}
	return h;
}

/*
 * A JSON number that is an integer within 64 bits, written as one or as a
 * double that holds one (1.0, 1e2; -0.0 is 0): 0, with *neg and *u, the
 * integer (a negative one as int64_t's bits); -1 for any other value.
 * json-c keeps integers past INT64_MAX as unsigned, which
 * json_object_get_int64 clamps.
 */
int
jsh_integer(struct json_object *v, uint64_t *u, int *neg)
{
	int64_t		 i;
	double		 d;

	*neg = 0;
	if (json_object_is_type(v, json_type_int)) {
		i = json_object_get_int64(v);
		if (i == INT64_MAX &&
		    (*u = json_object_get_uint64(v)) > (uint64_t)INT64_MAX)
			return 0;
		*neg = i < 0;
		*u = (uint64_t)i;
		return 0;
	}
	if (!json_object_is_type(v, json_type_double))
		return -1;
	d = json_object_get_double(v);
	if (d != trunc(d))
		return -1;	/* a fraction, or NaN */
	if (d >= 0 && d < 0x1p64)
		*u = (uint64_t)d;
	else if (d < 0 && d >= -0x1p63) {
		*neg = 1;
		*u = (uint64_t)(int64_t)d;
	} else
		return -1;	/* past 64 bits, or infinite */
	return 0;
}

/* A number by its value: an integer as that integer, a double by its bits. */
static uint64_t
number(uint64_t h, struct json_object *v)
{
	uint64_t	 u;
	double		 d;
	int		 neg;

	if (jsh_integer(v, &u, &neg) == 0)
		return mix(mix(h, neg ? T_NEG : T_UINT), u);
	d = json_object_get_double(v);
	memcpy(&u, &d, sizeof(u));
	return mix(mix(h, T_DOUBLE), u);
}

static uint64_t	hash_at(struct json_object *, int);

/* One member of an object: its name and its value, together. */
static uint64_t
member(struct json_object_iterator *it, int depth)
{
	const char	*name = json_object_iter_peek_name(it);

	return mix(bytes(seed(), name, strlen(name)),
	    hash_at(json_object_iter_peek_value(it), depth));
}

static uint64_t
hash_at(struct json_object *v, int depth)
{
	struct json_object_iterator	 it, end;
	uint64_t			 h = seed(), sum = 0;
	size_t				 i, n;

	if (depth > JS_MAX_DEPTH)
		return mix(h, T_DEEP);
	switch (json_object_get_type(v)) {
	case json_type_boolean:
		return mix(h, T_BOOL ^ (uint64_t)!!json_object_get_boolean(v) <<
		    8);
	case json_type_int:
	case json_type_double:
		return number(h, v);
	case json_type_string:
		return bytes(h, json_object_get_string(v),
		    (size_t)json_object_get_string_len(v));
	case json_type_array:
		n = json_object_array_length(v);
		h = mix(h, T_ARRAY ^ (uint64_t)n << 8);
		for (i = 0; i < n; i++)
			h = mix(h, hash_at(json_object_array_get_idx(v, i),
			    depth + 1));
		return h;
	case json_type_object:
		/* a sum: the same whatever the members' order */
		it = json_object_iter_begin(v);
		end = json_object_iter_end(v);
		for (; !json_object_iter_equal(&it, &end);
		    json_object_iter_next(&it))
			sum += member(&it, depth + 1);
		return mix(mix(h, T_OBJECT ^
		    (uint64_t)json_object_object_length(v) << 8), sum);
	default:
		return mix(h, T_NULL);
	}
}

uint64_t
jsh_value(struct json_object *v)
{
	return hash_at(v, 0);
}

static int
by_hash(const void *a, const void *b)
{
	const struct jsh_item	*x = a, *y = b;

	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/*
 * The items of the array `a` by hash, and by position among equal hashes;
 * *n of them.  A new array (one entry for an empty one).
 */
struct jsh_item *
jsh_index(struct json_object *a, size_t *n)
{
	struct jsh_item	*x;
	size_t		 i;

	*n = json_object_array_length(a);
	x = xcalloc(*n > 0 ? *n : 1, sizeof(*x));
	for (i = 0; i < *n; i++) {
		x[i].h = jsh_value(json_object_array_get_idx(a, i));
		x[i].i = i;
	}
	qsort(x, *n, sizeof(*x), by_hash);
	return x;
}

/* The first of the n sorted items with hash h, or where it would be. */
size_t
jsh_find(const struct jsh_item *x, size_t n, uint64_t h)
{
	size_t	 lo = 0, mid;

	while (lo < n) {
		mid = lo + (n - lo) / 2;
		if (x[mid].h < h)
			lo = mid + 1;
		else
			n = mid;
	}
	return lo;
}
