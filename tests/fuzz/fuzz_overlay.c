/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target: MCP_OPENAPI_OVERLAY.  The JSONPath subset
 * (api_jsonpath.c) and the Overlay actions (api_overlay.c) on
 * examples/openapi.json, parsed once.
 *
 * Input: a JSONPath target on the first line, then (optionally) an
 * Overlay document in JSON.  The target is compiled and selected, each
 * match checked against its parent, then applied as an update and as a
 * removal to copies of the document; the overlay, when it parses, is
 * applied to another copy.
 */
#include "config.h"

#include "../../src/jparse.h"
#include "../../src/api.h"
#include "fuzz.h"

static struct json_object	*doc;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	*cause = NULL;

	(void)argc;
	(void)argv;
	fuzz_quiet("fuzz_overlay");
	if (api_doc_read("MCP_OPENAPI", fuzz_srcfile("examples/openapi.json"),
	    10, &doc, &cause) == -1) {
		fprintf(stderr, "fuzz_overlay: %s\n", cause);
		abort();
	}
	return 0;
}

static struct json_object *
copy(struct json_object *v)
{
	struct json_object	*c = NULL;

	if (json_object_deep_copy(v, &c, NULL) != 0)
		abort();
	return c;
}

/* One action with `target`: an update, or remove: true. */
static void
act(const char *target, int remove)
{
	struct json_object	*ov, *a, *acts, *info, *d = copy(doc);
	char			*cause = NULL;
	size_t			 unmatched;

	ov = json_object_new_object();
	json_object_object_add(ov, "overlay", json_object_new_string("1.0.0"));
	info = json_object_new_object();
	json_object_object_add(info, "title", json_object_new_string("f"));
	json_object_object_add(ov, "info", info);
	a = json_object_new_object();
	json_object_object_add(a, "target", json_object_new_string(target));
	if (remove)
		json_object_object_add(a, "remove", json_object_new_boolean(1));
	else {
		struct json_object	*u = json_object_new_object();

		json_object_object_add(u, "x-mcp-hidden",
		    json_object_new_boolean(1));
		json_object_object_add(a, "update", u);
	}
	acts = json_object_new_array();
	json_object_array_add(acts, a);
	json_object_object_add(ov, "actions", acts);
	if (api_overlay_apply(d, ov, "fuzz", &unmatched, &cause) == -1)
		FUZZ_ASSERT(cause != NULL && *cause != '\0',
		    "a refusal without a message");
	/* whatever is left is still one JSON document */
	FUZZ_ASSERT(json_object_to_json_string(d) != NULL, "serialise");
	free(cause);
	json_object_put(ov);
	json_object_put(d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct jp_opts overlay_json = { JP_TEXT_MAX, JP_DEPTH, 0,
	    JP_TREE_MAX };
	struct api_jp		*jp;
	struct api_jp_match	*m = NULL;
	struct json_object	*ov, *d, *v;
	const char		*nl, *jcause;
	char			*target, *cause = NULL;
	size_t			 n = 0, i, tl, unmatched;

	nl = memchr(data, '\n', size);
	tl = nl != NULL ? (size_t)(nl - (const char *)data) : size;
	target = fuzz_cstr(data, tl);
	if ((jp = api_jp_compile(target, &cause)) == NULL)
		FUZZ_ASSERT(cause != NULL && (strstr(cause, "position") !=
		    NULL || strstr(cause, "longer") != NULL),
		    "a refusal without its position");
	else if (api_jp_select(jp, doc, 10000, &m, &n, &cause) == 0) {
		for (i = 0; i < n; i++) {
			if (m[i].parent == NULL) {
				FUZZ_ASSERT(m[i].node == doc, "root match");
				continue;
			}
			if (m[i].key != NULL)
				FUZZ_ASSERT(json_object_object_get_ex(
				    m[i].parent, m[i].key, &v) &&
				    v == m[i].node, "member match");
			else
				FUZZ_ASSERT(json_object_array_get_idx(
				    m[i].parent, m[i].idx) == m[i].node,
				    "element match");
		}
		api_jp_matches_free(m, n);
		act(target, 0);
		act(target, 1);
	}
	free(cause);
	cause = NULL;
	api_jp_free(jp);
	free(target);
	if (nl != NULL && jp_parse(nl + 1, size - tl - 1, &overlay_json, &ov,
	    &jcause) == 0 && ov != NULL) {
		d = copy(doc);
		if (api_overlay_apply(d, ov, "fuzz", &unmatched, &cause) == -1)
			FUZZ_ASSERT(cause != NULL && strncmp(cause,
			    "MCP_OPENAPI_OVERLAY: ", 21) == 0,
			    "a refusal without its variable");
		free(cause);
		json_object_put(d);
		json_object_put(ov);
	}
	return 0;
}
