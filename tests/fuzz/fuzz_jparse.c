/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target: the JSON layer (src/jparse.c), the one reader of
 * every JSON text the library sees.  Each input is parsed under every
 * combination of flags and must keep these promises:
 *
 * - the one-pass reader answers as the two passes it replaced did (a
 *   byte scan first, then the grammar with raw bytes taken as they
 *   are): the same success and the same error text;
 * - JP_NO_DUP, JP_OBJECT and JP_NULL only ever refuse, or accept null,
 *   as they say, and keep the tree otherwise identical;
 * - jp_parse_members hands out exactly the members jp_parse builds;
 * - a tree read is written back (jwrite) as a text read the same again;
 * - a failure leaves nothing behind and always says why.
 *
 * Input: the JSON text, exact bytes.
 */
#include "config.h"

#include "../../src/jparse.c"
#include "../../src/jwrite.h"
#include "fuzz.h"

#define FUZZ_FLAGS_ALL	(JP_NULL | JP_OBJECT | JP_NO_DUP | JP_BYTES)

/* The text of a tree ("null" for none); a new string. */
static char *
text_of(struct json_object *o)
{
	struct buf	 b;

	buf_init(&b);
	jw_value(&b, o);
	return buf_release(&b);
}

static int
parse_as(const uint8_t *data, size_t size, int depth, int flags,
    struct json_object **out, const char **cause)
{
	struct jp_opts	 o = { JP_TEXT_MAX, depth, flags };
	int		 rc;

	rc = jp_parse((const char *)data, size, &o, out, cause);
	FUZZ_ASSERT(rc == 0 || (rc == -1 && *out == NULL && *cause != NULL),
	    "a failure with a tree or without a cause");
	return rc;
}

static void
collect(void *ctx, const char *key, struct json_object *v)
{
	json_object_object_add(ctx, key, v);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object	*def, *raw, *o, *got, *other;
	struct jp_opts		 mo = { JP_TEXT_MAX, JP_DEPTH, 0 };
	const char		*dcause, *rcause, *cause, *fault, *want;
	char			*dtext = NULL, *t, *t2;
	int			 flags, rc, rrc, drc;

	/* the default rules, and the two passes they replace */
	rc = parse_as(data, size, JP_DEPTH, 0, &def, &dcause);
	rrc = parse_as(data, size, JP_DEPTH, JP_BYTES | JP_NULL, &raw,
	    &rcause);
	if (size == 0)
		want = "empty body";
	else if ((fault = scan_text(data, size)) != NULL)
		want = fault;
	else if (rrc == -1)
		want = rcause;
	else if (raw == NULL)
		want = "JSON null";
	else
		want = NULL;
	FUZZ_ASSERT((rc == 0) == (want == NULL), "one pass and two disagree");
	drc = rc;
	if (rc == -1)
		FUZZ_ASSERT(strcmp(dcause, want) == 0,
		    "one pass and two give different causes");
	if (rc == 0) {
		dtext = text_of(def);
		t = text_of(raw);
		FUZZ_ASSERT(strcmp(dtext, t) == 0,
		    "UTF-8 checked or not, a valid text reads the same");
		free(t);
		/* written back, read again: the same */
		t = dtext;
		FUZZ_ASSERT(parse_as((const uint8_t *)t, strlen(t), JP_DEPTH, 0,
		    &o, &cause) == 0, "a written tree does not read back");
		t2 = text_of(o);
		FUZZ_ASSERT(strcmp(t, t2) == 0, "read back differently");
		free(t2);
		json_object_put(o);
	}
	json_object_put(raw);

	/* each flag refuses or accepts what it says, nothing else */
	for (flags = 1; flags <= FUZZ_FLAGS_ALL; flags++) {
		if (flags & JP_BYTES)
			continue;	/* compared with the raw reading */
		rrc = parse_as(data, size, JP_DEPTH, flags, &o, &cause);
		if (rrc == 0 && o != NULL) {
			FUZZ_ASSERT(rc == 0, "a flag accepted a refused text");
			t = text_of(o);
			FUZZ_ASSERT(strcmp(t, dtext) == 0,
			    "a flag changed the tree");
			free(t);
		}
		if (rrc == 0 && o == NULL)
			FUZZ_ASSERT((flags & JP_NULL) && rc == -1 &&
			    strcmp(dcause, "JSON null") == 0 &&
			    !(flags & JP_OBJECT), "null without JP_NULL");
		if ((flags & JP_OBJECT) && rrc == 0)
			FUZZ_ASSERT(json_object_is_type(o, json_type_object),
			    "JP_OBJECT let a non-object through");
		if (rrc == -1 && rc == 0)
			FUZZ_ASSERT(((flags & JP_NO_DUP) &&
			    strcmp(cause, "duplicate member name") == 0) ||
			    ((flags & JP_OBJECT) &&
			    strcmp(cause, "not a JSON object") == 0),
			    "a flag refused for a reason not its own");
		json_object_put(o);
	}

	/* the members variant: the same members, the same refusals */
	for (flags = 0; flags <= JP_NO_DUP; flags += JP_NO_DUP) {
		mo.flags = flags | JP_NULL;
		got = json_object_new_object();
		rrc = jp_parse_members((const char *)data, size, &mo, collect,
		    got, &other, &cause);
		rc = parse_as(data, size, JP_DEPTH, flags | JP_NULL, &o,
		    &dcause);
		FUZZ_ASSERT((rrc == -1) == (rc == -1),
		    "members and tree disagree on validity");
		if (rrc == -1)
			FUZZ_ASSERT(other == NULL && strcmp(cause, dcause) == 0,
			    "members and tree give different causes");
		else if (rrc == 1) {
			FUZZ_ASSERT(other == NULL && json_object_is_type(o,
			    json_type_object), "members of no object");
			t = text_of(got);
			t2 = text_of(o);
			FUZZ_ASSERT(strcmp(t, t2) == 0,
			    "members differ from the object");
			free(t);
			free(t2);
		} else
			FUZZ_ASSERT(!json_object_is_type(o, json_type_object),
			    "an object not handed out as members");
		json_object_put(other);
		json_object_put(got);
		json_object_put(o);
	}

	/* a shallow bound refuses only for depth (or what came first) */
	rrc = parse_as(data, size, 2, 0, &o, &cause);
	FUZZ_ASSERT(rrc == -1 || drc == 0, "a smaller bound accepted more");
	json_object_put(o);
	json_object_put(def);
	free(dtext);
	return 0;
}
