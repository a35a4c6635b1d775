/* SPDX-License-Identifier: ISC */
/*
 * api_overlay: MCP_OPENAPI_OVERLAY, an OpenAPI Overlay 1.0 document whose
 * actions are applied in order to the parsed OpenAPI document before any
 * tool is built, so that an operator can rename, describe, hide or fix
 * things (with the x-mcp-* extensions api_tool.c reads) without editing
 * the vendor's document.  Targets are JSONPath (api_jsonpath.c); an
 * update is merged into each node selected (objects recursively, arrays
 * appended, anything else replaced), remove: true takes the nodes out.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "api.h"
#include "url.h"
#include "util.h"

#define OV_ACTIONS_MAX	1000	/* actions in one overlay */
#define OV_MATCHES_MAX	10000	/* nodes one target may select */
#define OV_MERGE_DEPTH	256

static struct json_object *
copy(struct json_object *v)
{
	struct json_object	*c = NULL;

	if (v != NULL && json_object_deep_copy(v, &c, NULL) != 0)
		abort();
	return c;
}

/* Objects merged member by member, arrays appended, the rest replaced. */
static void
merge(struct json_object *dst, struct json_object *upd, int depth)
{
	struct json_object	*cur;
	size_t			 i;

	if (json_object_is_type(dst, json_type_array)) {
		if (json_object_is_type(upd, json_type_array))
			for (i = 0; i < json_object_array_length(upd); i++)
				json_object_array_add(dst, copy(
				    json_object_array_get_idx(upd, i)));
		else
			json_object_array_add(dst, copy(upd));
		return;
	}
	json_object_object_foreach(upd, k, v) {
		if (depth < OV_MERGE_DEPTH &&
		    json_object_object_get_ex(dst, k, &cur) &&
		    ((json_object_is_type(cur, json_type_object) &&
		    json_object_is_type(v, json_type_object)) ||
		    (json_object_is_type(cur, json_type_array) &&
		    json_object_is_type(v, json_type_array))))
			merge(cur, v, depth + 1);
		else
			json_object_object_add(dst, k, copy(v));
	}
}

/* Array elements last to first, so that the indexes stay right. */
static int
by_index_desc(const void *a, const void *b)
{
	const struct api_jp_match	*x = a, *y = b;

	return x->idx < y->idx ? 1 : x->idx > y->idx ? -1 : 0;
}

static void
remove_nodes(struct api_jp_match *m, size_t n)
{
	struct json_object	*v;
	size_t			 i;

	/*
	 * Every parent is held while we delete, so that removing a node
	 * and, later, something inside it touches a detached object
	 * rather than freed memory.
	 */
	for (i = 0; i < n; i++)
		json_object_get(m[i].parent);
	qsort(m, n, sizeof(*m), by_index_desc);
	for (i = 0; i < n; i++) {
		if (m[i].key != NULL) {
			if (json_object_object_get_ex(m[i].parent, m[i].key,
			    &v) && v == m[i].node)
				json_object_object_del(m[i].parent, m[i].key);
		} else if (json_object_array_get_idx(m[i].parent, m[i].idx) ==
		    m[i].node && m[i].node != NULL)
			json_object_array_del_idx(m[i].parent, m[i].idx, 1);
	}
	for (i = 0; i < n; i++)
		json_object_put(m[i].parent);
}

static const char *
type_name(struct json_object *v)
{
	return v == NULL ? "null" : json_type_to_name(json_object_get_type(v));
}

/* One action, its index `ai` for messages. */
static int
apply_action(struct json_object *root, struct json_object *a, size_t ai,
    const char *where, size_t *unmatched, char **cause)
{
	struct json_object	*target, *upd = NULL, *rm;
	struct api_jp		*jp = NULL;
	struct api_jp_match	*m = NULL;
	size_t			 n = 0, i;
	char			*why = NULL;
	int			 remove = 0, rc = -1;

	if (!json_object_is_type(a, json_type_object)) {
		xasprintf(cause, "MCP_OPENAPI_OVERLAY: %s: actions[%zu]: not "
		    "an object", where, ai);
		return -1;
	}
	if (!json_object_object_get_ex(a, "target", &target) ||
	    !json_object_is_type(target, json_type_string)) {
		xasprintf(cause, "MCP_OPENAPI_OVERLAY: %s: actions[%zu].target: "
		    "missing or not a string", where, ai);
		return -1;
	}
	if (json_object_object_get_ex(a, "remove", &rm)) {
		if (!json_object_is_type(rm, json_type_boolean)) {
			xasprintf(cause, "MCP_OPENAPI_OVERLAY: %s: actions[%zu]."
			    "remove: not a boolean", where, ai);
			return -1;
		}
		remove = json_object_get_boolean(rm);
	}
	if (json_object_object_get_ex(a, "copy", NULL)) {
		xasprintf(cause, "MCP_OPENAPI_OVERLAY: %s: actions[%zu].copy: "
		    "not part of Overlay 1.0", where, ai);
		return -1;
	}
	if (!remove && !json_object_object_get_ex(a, "update", &upd)) {
		xasprintf(cause, "MCP_OPENAPI_OVERLAY: %s: actions[%zu]: needs "
		    "update, or remove: true", where, ai);
		return -1;
	}
	if ((jp = api_jp_compile(json_object_get_string(target), &why)) ==
	    NULL || api_jp_select(jp, root, OV_MATCHES_MAX, &m, &n, &why) ==
	    -1) {
		xasprintf(cause, "MCP_OPENAPI_OVERLAY: %s: actions[%zu].target: "
		    "'%.200s': %s", where, ai, json_object_get_string(target),
		    why);
		goto out;
	}
	if (n == 0) {
		/* the specification asks for a warning, not an error */
		log_msg(LOGL_WARN, "MCP_OPENAPI_OVERLAY: %s: actions[%zu]: "
		    "target '%.200s' matches nothing", where, ai,
		    json_object_get_string(target));
		(*unmatched)++;
		rc = 0;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (m[i].parent == NULL && remove) {
			xasprintf(cause, "MCP_OPENAPI_OVERLAY: %s: actions[%zu]: "
			    "the whole document cannot be removed", where, ai);
			goto out;
		}
		if (remove)
			continue;
		if (json_object_is_type(m[i].node, json_type_array) ||
		    (json_object_is_type(m[i].node, json_type_object) &&
		    json_object_is_type(upd, json_type_object)))
			continue;
		xasprintf(cause, "MCP_OPENAPI_OVERLAY: %s: actions[%zu].update: "
		    "the target selects %s %s; an update merges an object into "
		    "an object or appends to an array", where, ai,
		    json_object_is_type(m[i].node, json_type_object) ? "an" :
		    "a", json_object_is_type(m[i].node, json_type_object) ?
		    "object, and the update is not one" : type_name(m[i].node));
		goto out;
	}
	if (remove)
		remove_nodes(m, n);
	else
		for (i = 0; i < n; i++)
			merge(m[i].node, upd, 0);
	rc = 0;
out:
	free(why);
	api_jp_free(jp);
	api_jp_matches_free(m, n);
	return rc;
}

/*
 * Apply the overlay `ov` (borrowed) to `root` in place.  `where` names
 * the overlay for messages; *unmatched counts the actions that selected
 * nothing (each warned about).
 */
int
api_overlay_apply(struct json_object *root, struct json_object *ov,
    const char *where, size_t *unmatched, char **cause)
{
	struct json_object	*v, *actions;
	const char		*ver;
	size_t			 i, n;

	*unmatched = 0;
	if (!json_object_is_type(ov, json_type_object)) {
		xasprintf(cause, "MCP_OPENAPI_OVERLAY: %s: not an object (a "
		    "mapping)", where);
		return -1;
	}
	if (!json_object_object_get_ex(ov, "overlay", &v) ||
	    !json_object_is_type(v, json_type_string)) {
		xasprintf(cause, "MCP_OPENAPI_OVERLAY: %s: overlay: missing; "
		    "not an Overlay document", where);
		return -1;
	}
	ver = json_object_get_string(v);
	if (strncmp(ver, "1.0.", 4) != 0 || ver[4] == '\0' ||
	    strspn(ver + 4, "0123456789") != strlen(ver + 4)) {
		xasprintf(cause, "MCP_OPENAPI_OVERLAY: %s: overlay: version "
		    "%.32s is not supported (1.0.x is)", where, ver);
		return -1;
	}
	if (!json_object_object_get_ex(ov, "info", &v) ||
	    !json_object_is_type(v, json_type_object)) {
		xasprintf(cause, "MCP_OPENAPI_OVERLAY: %s: info: missing or "
		    "not an object", where);
		return -1;
	}
	if (!json_object_object_get_ex(ov, "actions", &actions) ||
	    !json_object_is_type(actions, json_type_array) ||
	    (n = json_object_array_length(actions)) == 0) {
		xasprintf(cause, "MCP_OPENAPI_OVERLAY: %s: actions: missing, "
		    "empty or not an array", where);
		return -1;
	}
	if (n > OV_ACTIONS_MAX) {
		xasprintf(cause, "MCP_OPENAPI_OVERLAY: %s: actions: more than "
		    "%d", where, OV_ACTIONS_MAX);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (apply_action(root, json_object_array_get_idx(actions, i), i,
		    where, unmatched, cause) == -1)
			return -1;
	return 0;
}

/* Read MCP_OPENAPI_OVERLAY (a file or URL, JSON or YAML) and apply it. */
int
api_overlay_load(const char *where, long long timeout,
    struct json_object *root, char **cause)
{
	struct json_object	*ov = NULL;
	size_t			 unmatched;
	char			*shown;
	int			 rc;

	if (api_doc_read("MCP_OPENAPI_OVERLAY", where, timeout, &ov, cause) ==
	    -1)
		return -1;
	shown = url_redact(where);
	rc = api_overlay_apply(root, ov, shown, &unmatched, cause);
	free(shown);
	json_object_put(ov);
	return rc;
}
