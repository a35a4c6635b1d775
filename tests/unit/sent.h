/* SPDX-License-Identifier: ISC */
/*
 * The request api_call would send for `args` to `tool`: the arguments
 * curated as it curates them, then the request built.  "URL BODY", or
 * "ERROR " and the error result.  For tests that include
 * src/api_call.c and define js().
 */
#ifndef T_SENT_H
#define T_SENT_H

static char *
sent(const struct registry *reg, const struct cfg *cfg, const char *tool,
    const char *args, const char *(*header)(void *, const char *))
{
	struct tool_call	 call;
	struct json_object	*a, *res;
	const struct api_op	*op;
	struct api_req		 r;
	char			*s;

	memset(&call, 0, sizeof(call));
	memset(&r, 0, sizeof(r));
	if ((call.tool = reg_find(reg, tool)) == NULL)
		return xstrdup("(no tool)");
	op = call.tool->impl;
	call.header = header;
	a = json_tokener_parse(args);
	call.args = needs_curation(op) ? curated_args(op, a) :
	    json_object_get(a);
	if ((res = build_request(cfg, op, &call, &r)) != NULL)
		xasprintf(&s, "ERROR %s", js(res));
	else
		xasprintf(&s, "%s %s", r.url.data, r.body.data ? r.body.data :
		    "");
	json_object_put(res);
	json_object_put(call.args);
	json_object_put(a);
	api_req_free(&r);
	return s;
}

#endif
