/* SPDX-License-Identifier: ISC */
/*
 * The JSON Schema validator (src/jsonschema.c) against the official
 * JSON-Schema-Test-Suite, read where the Debian package
 * json-schema-test-suite installs it (/usr/share/json-schema-test-suite;
 * JSON_SCHEMA_TEST_SUITE=DIR in the environment points elsewhere, e.g.
 * `make check JSON_SCHEMA_TEST_SUITE=DIR`).  Every test of every keyword
 * file the validator claims is one TAP line:
 * "draft7/type.json: <case> / <test>".
 *
 * Draft: the newest the suite has of draft2020-12 (what the validator
 * implements), draft2019-09, draft7.  Debian 12's package (2.0.0) stops at
 * draft7; the keywords the validator claims mean the same there, except
 * that draft7 ignores the siblings of "$ref" (2020-12 applies them) and has
 * no "prefixItems" (its "items" list is the same thing).  Where a draft
 * disagrees with 2020-12 the case is a known exception below, not a pass.
 *
 * Known exceptions are TAP "# TODO" lines: they count neither as passes
 * nor as failures, and one that starts to pass shows up as an unexpected
 * pass (automake fails the run) so the table cannot go stale.
 *
 * Without the suite: under CI (CI=true, as CI sets it) the test fails and
 * says to install the package; otherwise it is skipped (the TAP form of
 * "exit 77": "1..0 # SKIP", which automake's TAP driver counts as a skip),
 * so that a developer without the package can still run `make check`.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "../../src/jsonschema.h"
#include "tap.h"

#define SUITE_DEFAULT	"/usr/share/json-schema-test-suite"
#define MAX_FILES	256
#define PATH_SZ		4096

enum { D7 = 1, D2019 = 2, D2020 = 4, DALL = 7 };

static const struct draft {
	const char	*dir;
	unsigned	 bit;
} drafts[] = {	/* the best match first */
	{ "draft2020-12", D2020 },
	{ "draft2019-09", D2019 },
	{ "draft7", D7 },
};

/*
 * The suite's files (relative to the draft's directory; a directory ends
 * in "/"): run when `why` is NULL, else left out for that reason.  A file
 * in no row is listed as a skip, so a newer suite's additions show.
 */
/* keywords the validator checks, whose newer drafts' files (with cases
 * that use pattern, unevaluated* or $id) have not been run against it:
 * Debian 12's suite stops at draft 7 */
#define R_NEWER	"checked against draft 7's cases only (Debian's suite); " \
	"this draft's are not run yet"

static const struct kwfile {
	const char	*name;
	unsigned	 drafts;
	const char	*why;
} files[] = {
	{ "additionalItems.json", D7 | D2019, NULL },
	{ "additionalProperties.json", DALL, NULL },
	{ "allOf.json", DALL, NULL },
	{ "anyOf.json", DALL, NULL },
	{ "boolean_schema.json", DALL, NULL },
	{ "const.json", DALL, NULL },
	{ "contains.json", D7, NULL },
	{ "dependencies.json", D7, NULL },
	{ "default.json", DALL, NULL },	/* an annotation: changes nothing */
	{ "enum.json", DALL, NULL },
	{ "infinite-loop-detection.json", D2019 | D2020, NULL },
	{ "exclusiveMaximum.json", DALL, NULL },
	{ "exclusiveMinimum.json", DALL, NULL },
	{ "if-then-else.json", D7, NULL },
	{ "items.json", DALL, NULL },
	{ "maxItems.json", DALL, NULL },
	{ "maxLength.json", DALL, NULL },
	{ "maxProperties.json", DALL, NULL },
	{ "maximum.json", DALL, NULL },
	{ "minItems.json", DALL, NULL },
	{ "minLength.json", DALL, NULL },
	{ "minProperties.json", DALL, NULL },
	{ "minimum.json", DALL, NULL },
	{ "multipleOf.json", DALL, NULL },
	{ "not.json", DALL, NULL },
	{ "oneOf.json", DALL, NULL },
	{ "prefixItems.json", D2020, NULL },
	{ "properties.json", DALL, NULL },
	{ "propertyNames.json", D7, NULL },
	{ "ref.json", DALL, NULL },
	{ "required.json", DALL, NULL },
	{ "type.json", DALL, NULL },
	{ "uniqueItems.json", DALL, NULL },
	{ "optional/bignum.json", DALL, NULL },
	{ "optional/float-overflow.json", DALL, NULL },
	{ "optional/no-schema.json", DALL, NULL },
	{ "optional/refOfUnknownKeyword.json", DALL, NULL },
	{ "optional/zeroTerminatedFloats.json", DALL, NULL },
	{ "pattern.json", DALL, NULL },
	{ "patternProperties.json", DALL, NULL },
	{ "optional/ecmascript-regex.json", DALL, NULL },
	{ "optional/non-bmp-regex.json", DALL, NULL },

	{ "anchor.json", D2019 | D2020, "\"$anchor\": not supported, the "
	    "converter only writes JSON-pointer references" },
	{ "contains.json", D2019 | D2020, R_NEWER },
	{ "content.json", D2019 | D2020, "contentMediaType, "
	    "contentEncoding: annotations only" },
	{ "defs.json", D2019 | D2020, "validates against the draft's "
	    "meta-schema, a remote reference" },
	{ "definitions.json", D7, "validates against the draft's "
	    "meta-schema, a remote reference" },
	{ "dependentRequired.json", D2019 | D2020, R_NEWER },
	{ "dependentSchemas.json", D2019 | D2020, R_NEWER },
	{ "dynamicRef.json", D2020, "\"$dynamicRef\": not supported, the "
	    "converter never writes it" },
	{ "recursiveRef.json", D2019, "\"$recursiveRef\": not supported" },
	{ "format.json", DALL, "format: annotation only" },
	{ "id.json", D2019 | D2020, "\"$id\" (base URIs): not supported, "
	    "references are local JSON pointers" },
	{ "if-then-else.json", D2019 | D2020, R_NEWER },
	{ "maxContains.json", D2019 | D2020, R_NEWER },
	{ "minContains.json", D2019 | D2020, R_NEWER },
	{ "propertyNames.json", D2019 | D2020, R_NEWER },
	{ "refRemote.json", DALL, "remote references: need a network (and "
	    "the converter resolves them)" },
	{ "unevaluatedItems.json", D2019 | D2020, "unevaluatedItems: not "
	    "supported" },
	{ "unevaluatedProperties.json", D2019 | D2020, "unevaluatedProperties: "
	    "not supported" },
	{ "vocabulary.json", D2019 | D2020, "\"$vocabulary\": meta-schemas "
	    "are not read" },
	{ "optional/anchor.json", DALL, "\"$anchor\": not supported" },
	{ "optional/content.json", D7, "contentMediaType, contentEncoding: "
	    "annotations only" },
	{ "optional/cross-draft.json", DALL, "references to other drafts' "
	    "meta-schemas: remote" },
	{ "optional/dependencies-compatibility.json", DALL, R_NEWER },
	{ "optional/dynamicRef.json", DALL, "\"$dynamicRef\": not supported" },
	{ "optional/format-assertion.json", DALL, "format: annotation only" },
	{ "optional/id.json", DALL, "\"$id\": not supported" },
	{ "optional/unknownKeyword.json", DALL, "\"$id\": not supported" },
	{ "optional/format/", DALL, "format: annotation only" },
	{ "optional/format.json", D2019 | D2020, "format: annotation only" },
};

/*
 * Known exceptions: tests of claimed keywords that the validator gets
 * "wrong", by file, case and test description (NULL: every test of the
 * case), with the reason.
 */
#define R_FORMAT	"format is an annotation only: \"format\": \"regex\" " \
	"does not check that a string is a pattern"
#define R_SIBLING	"draft7 ignores the siblings of \"$ref\"; " \
	"2020-12, which the validator implements, applies them"
#define R_REMOTE	"a remote reference (the draft's meta-schema) is " \
	"not fetched, and one that does not resolve takes nothing (MCP)"
#define R_ID		"\"$id\" (base URIs) is not supported: references " \
	"resolve against the document's root"
#define R_ID_REF	"\"$id\" (base URIs) is not supported: a reference " \
	"that resolves only against one takes nothing"
#define R_UNEVAL	"unevaluatedProperties is not supported"
#define R_ANCHOR	"location-independent identifiers (\"#foo\") are " \
	"not supported"
#define R_RECURSIVE	"\"$recursiveRef\" is not supported"

static const struct exception {
	unsigned	 drafts;
	const char	*file, *kase, *test, *why;
} exceptions[] = {
	{ DALL, "optional/ecmascript-regex.json", "ECMA 262 regex "
	    "non-compliance", NULL, R_FORMAT },
	{ D7, "ref.json", "ref overrides any sibling keywords", "ref valid, "
	    "maxItems ignored", R_SIBLING },
	{ DALL, "ref.json", "remote ref, containing refs itself", "remote ref "
	    "valid", R_REMOTE },
	{ DALL, "ref.json", "Recursive references between schemas", "valid "
	    "tree", R_ID_REF },
	{ D2019 | D2020, "not.json", "collect annotations inside a 'not', even if "
	    "collection is disabled", "unevaluated property", R_UNEVAL },
	{ D2019 | D2020, "ref.json", "ref creates new scope when adjacent to keywords",
	    "referenced subschema doesn't see annotations from properties",
	    R_UNEVAL },
	{ DALL, "ref.json", "refs with relative uris and defs",
	    "invalid on inner field", R_ID },
	{ DALL, "ref.json", "refs with relative uris and defs",
	    "invalid on outer field", R_ID },
	{ DALL, "ref.json", "relative refs with absolute uris and defs",
	    "invalid on inner field", R_ID },
	{ DALL, "ref.json", "relative refs with absolute uris and defs",
	    "invalid on outer field", R_ID },
	{ DALL, "ref.json", "$id must be resolved against nearest "
	    "parent, not just immediate parent",
	    "non-number is invalid", R_ID },
	{ DALL, "ref.json", "order of evaluation: $id and $ref",
	    "data is invalid against first definition", R_ID },
	{ DALL, "ref.json", "order of evaluation: $id and $anchor and $ref",
	    "data is invalid against first definition", R_ID },
	{ DALL, "ref.json", "order of evaluation: $id and $ref on nested schema",
	    "data is invalid against nested sibling", R_ID },
	{ DALL, "ref.json", "simple URN base URI with $ref via the URN",
	    "invalid under the URN IDed schema", R_ID },
	{ DALL, "ref.json", "URN base URI with URN and JSON pointer ref",
	    "a non-string is invalid", R_ID },
	{ DALL, "ref.json", "URN base URI with URN and anchor ref",
	    "a non-string is invalid", R_ID },
	{ DALL, "ref.json", "URN ref with nested pointer ref",
	    "a non-string is invalid", R_ID },
	{ DALL, "ref.json", "ref to if",
	    "a non-integer is invalid due to the $ref", R_ID },
	{ DALL, "ref.json", "ref to then",
	    "a non-integer is invalid due to the $ref", R_ID },
	{ DALL, "ref.json", "ref to else",
	    "a non-integer is invalid due to the $ref", R_ID },
	{ DALL, "ref.json", "ref with absolute-path-reference",
	    "an integer is invalid", R_ID },
	{ D7, "ref.json", "$ref prevents a sibling $id from changing the base "
	    "uri", "$ref resolves to /definitions/base_foo, data does not "
	    "validate", R_ID },
	{ D7, "ref.json", "Location-independent identifier", "mismatch",
	    R_ANCHOR },
	{ D7, "ref.json", "Reference an anchor with a non-relative URI",
	    "mismatch", R_ANCHOR },
	{ D7, "ref.json", "Location-independent identifier with base URI "
	    "change in subschema", "mismatch", R_ANCHOR },
	{ D2019, "ref.json", "$ref with $recursiveAnchor", "extra items "
	    "disallowed for root", R_RECURSIVE },
};

/* dir/name into buf, which holds PATH_SZ; too long is a bug in the setup */
static char *
join(char *buf, const char *dir, const char *name)
{
	int	 n = snprintf(buf, PATH_SZ, "%s/%s", dir, name);

	if (n < 0 || n >= PATH_SZ) {
		printf("Bail out! path too long: %s/%s\n", dir, name);
		exit(1);
	}
	return buf;
}

static int
has_suffix(const char *s, const char *suf)
{
	size_t	 n = strlen(s), m = strlen(suf);

	return n >= m && strcmp(s + n - m, suf) == 0;
}

static int
is_dir(const char *path)
{
	struct stat	 st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Add the entries of dir/sub ("sub" "" for the top) to names[]. */
static size_t
list_dir(const char *dir, const char *sub, char **names, size_t n)
{
	char		 path[PATH_SZ], rel[PATH_SZ];
	DIR		*d;
	struct dirent	*e;
	int		 m;

	if ((d = opendir(join(path, dir, sub))) == NULL)
		return n;
	while ((e = readdir(d)) != NULL && n < MAX_FILES) {
		if (e->d_name[0] == '.')
			continue;
		m = snprintf(rel, sizeof(rel) - 1, "%s%s", sub, e->d_name);
		if (m < 0 || (size_t)m >= sizeof(rel) - 1)
			continue;
		if (is_dir(join(path, dir, rel)))
			strncat(rel, "/", sizeof(rel) - strlen(rel) - 1);
		else if (!has_suffix(rel, ".json"))
			continue;
		if ((names[n] = strdup(rel)) == NULL)
			abort();
		n++;
	}
	closedir(d);
	return n;
}

static const struct kwfile *
find_file(const char *name, unsigned draft)
{
	size_t	 i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if ((files[i].drafts & draft) && strcmp(files[i].name, name) == 0)
			return &files[i];
	return NULL;
}

static const char *
find_exception(unsigned draft, const char *file, const char *kase,
    const char *test)
{
	const struct exception	*x;
	size_t			 i;

	for (i = 0; i < sizeof(exceptions) / sizeof(exceptions[0]); i++) {
		x = &exceptions[i];
		if ((x->drafts & draft) && strcmp(x->file, file) == 0 &&
		    strcmp(x->kase, kase) == 0 &&
		    (x->test == NULL || strcmp(x->test, test) == 0))
			return x->why;
	}
	return NULL;
}

static const char *
str_member(struct json_object *o, const char *key)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return "?";
	return json_object_get_string(v);
}

/* Every test of one keyword file; counts into *pass and *todo. */
static void
run_file(const char *dir, const struct draft *d, const char *name,
    int *pass, int *todo)
{
	char			 path[PATH_SZ], err[512];
	struct json_object	*doc, *c, *schema, *tests, *t, *data, *want;
	const char		*kase, *test, *why;
	size_t			 i, j;
	int			 rc, good;

	if ((doc = json_object_from_file(join(path, dir, name))) == NULL ||
	    !json_object_is_type(doc, json_type_array)) {
		ok(0, "%s/%s: read as a JSON array (%s)", d->dir, name,
		    json_util_get_last_err());
		json_object_put(doc);
		return;
	}
	for (i = 0; i < json_object_array_length(doc); i++) {
		c = json_object_array_get_idx(doc, i);
		kase = str_member(c, "description");
		if (!json_object_object_get_ex(c, "schema", &schema) ||
		    !json_object_object_get_ex(c, "tests", &tests) ||
		    !json_object_is_type(tests, json_type_array)) {
			ok(0, "%s/%s: %s: a case with a schema and tests",
			    d->dir, name, kase);
			continue;
		}
		for (j = 0; j < json_object_array_length(tests); j++) {
			t = json_object_array_get_idx(tests, j);
			test = str_member(t, "description");
			if (!json_object_object_get_ex(t, "data", &data) ||
			    !json_object_object_get_ex(t, "valid", &want) ||
			    !json_object_is_type(want, json_type_boolean)) {
				ok(0, "%s/%s: %s / %s: has \"data\" and "
				    "\"valid\"", d->dir, name, kase, test);
				continue;
			}
			memset(err, 'x', sizeof(err));
			rc = js_validate(NULL, schema, data, "data", err,
			    sizeof(err));
			/* and a message exactly when invalid */
			good = (rc == 0) == json_object_get_boolean(want) &&
			    (rc == 0 ? err[0] == '\0' : err[0] != '\0');
			why = find_exception(d->bit, name, kase, test);
			if (why != NULL) {
				printf("%s %d - %s/%s: %s / %s # TODO %s\n",
				    good ? "ok" : "not ok", ++tap_n, d->dir,
				    name, kase, test, why);
				(*todo)++;
				continue;
			}
			if (!ok(good, "%s/%s: %s / %s", d->dir, name, kase,
			    test))
				printf("#   want %s, got %s%s%s\n",
				    json_object_get_boolean(want) ? "valid" :
				    "invalid", rc == 0 ? "valid" : "invalid: ",
				    rc == 0 ? "" : err, rc == 0 && err[0] != '\0'
				    ? " (with a message left)" : "");
			else
				(*pass)++;
		}
	}
	json_object_put(doc);
}

int
main(void)
{
	char			 base[PATH_SZ], dir[PATH_SZ], *names[MAX_FILES];
	const char		*suite, *ci;
	const struct draft	*d = NULL;
	const struct kwfile	*f;
	size_t			 i, n = 0;
	int			 pass = 0, todo = 0;

	if ((suite = getenv("JSON_SCHEMA_TEST_SUITE")) == NULL ||
	    suite[0] == '\0')
		suite = SUITE_DEFAULT;
	join(base, suite, "tests");
	for (i = 0; i < sizeof(drafts) / sizeof(drafts[0]); i++) {
		if (is_dir(join(dir, base, drafts[i].dir))) {
			d = &drafts[i];
			break;
		}
	}
	if (d == NULL) {
		ci = getenv("CI");
		if (ci == NULL || strcmp(ci, "true") != 0) {
			printf("1..0 # SKIP no JSON-Schema-Test-Suite in %s "
			    "(apt-get install json-schema-test-suite)\n", base);
			return 0;
		}
		ok(0, "JSON-Schema-Test-Suite in %s: under CI it must be "
		    "there (apt-get install json-schema-test-suite, see "
		    "tests/deps.sh)", base);
		return done_testing();
	}
	printf("# %s\n", dir);
	n = list_dir(dir, "", names, n);
	n = list_dir(dir, "optional/", names, n);
	qsort(names, n, sizeof(names[0]), cmp_str);
	for (i = 0; i < n; i++) {
		if (strcmp(names[i], "optional/") == 0)
			continue;
		if ((f = find_file(names[i], d->bit)) == NULL)
			ok(1, "%s/%s # SKIP not in this test's list of "
			    "files", d->dir, names[i]);
		else if (f->why != NULL)
			printf("# %s/%s: left out: %s\n", d->dir, names[i],
			    f->why);
		else
			run_file(dir, d, names[i], &pass, &todo);
	}
	/*
	 * A keyword file the validator claims that the suite lacks fails;
	 * optional files come and go between versions of the suite.
	 */
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (files[i].why != NULL || !(files[i].drafts & d->bit) ||
		    bsearch(&files[i].name, names, n, sizeof(names[0]),
		    cmp_str) != NULL)
			continue;
		if (strncmp(files[i].name, "optional/", 9) == 0)
			printf("# %s/%s: not in this suite\n", d->dir,
			    files[i].name);
		else
			ok(0, "%s/%s: in the suite", d->dir, files[i].name);
	}
	printf("# %d passed, %d known exceptions (TODO)\n", pass, todo);
	for (i = 0; i < n; i++)
		free(names[i]);
	return done_testing();
}
