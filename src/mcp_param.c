/*
 * mcp_param: custom headers from tool parameters (2026-07-28, SEP-2243).
 * A property of a tool's inputSchema whose schema carries
 * "x-mcp-header": "Name" is mirrored by the client into an
 * Mcp-Param-Name header, so that balancers and firewalls can route on it
 * without reading the body.  This server reads the body, so it must check
 * that the two agree: otherwise whatever routed on the header and the API
 * call made from the body would act on different values.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp.h"

/* Does a (decoded) header value say the same as the argument `arg`? */
static int
same_value(const char *hv, struct json_object *arg)
{
	const char	*s;
	char		*end;
	double		 d;

	switch (json_object_get_type(arg)) {
	case json_type_string:
		s = json_object_get_string(arg);
		return (size_t)json_object_get_string_len(arg) == strlen(hv) &&
		    strcmp(s, hv) == 0;
	case json_type_boolean:
		return strcmp(hv, json_object_get_boolean(arg) ? "true" :
		    "false") == 0;
	case json_type_int:
	case json_type_double:
		/* numerically: "42.0" says 42 (the spec's SHOULD) */
		if (*hv == '\0' || strlen(hv) > 64)
			return 0;
		d = strtod(hv, &end);
		if (*end != '\0' || !isfinite(d))
			return 0;
		if (json_object_is_type(arg, json_type_int))
			return d == (double)json_object_get_int64(arg);
		return d == json_object_get_double(arg);
	default:
		return 0;	/* objects and arrays have no header form */
	}
}

/*
 * Check the Mcp-Param-* headers of one tools/call against its arguments.
 * `schema` is the tool's inputSchema, `args` the call's arguments (NULL:
 * none), `header` looks a request header up by name.  Returns 0, or -1
 * with the reason (for a -32020 HeaderMismatch) in `err`.
 */
int
mcp_param_check(struct json_object *schema, struct json_object *args,
    const char *(*header)(void *, const char *), void *ctx, char *err,
    size_t errsz)
{
	struct json_object	*props, *xh, *arg;
	const char		*hv, *name;
	char			 hname[160], *dec;
	int			 has, same;

	if (!json_object_is_type(schema, json_type_object) ||
	    !json_object_object_get_ex(schema, "properties", &props) ||
	    !json_object_is_type(props, json_type_object))
		return 0;
	json_object_object_foreach(props, key, ps) {
		if (!json_object_is_type(ps, json_type_object) ||
		    !json_object_object_get_ex(ps, "x-mcp-header", &xh) ||
		    !json_object_is_type(xh, json_type_string))
			continue;
		name = json_object_get_string(xh);
		if ((size_t)snprintf(hname, sizeof(hname), "Mcp-Param-%s",
		    name) >= sizeof(hname))
			continue;	/* never one of ours */
		hv = header(ctx, hname);
		/* a null argument is no value: no header is expected */
		has = json_object_is_type(args, json_type_object) &&
		    json_object_object_get_ex(args, key, &arg) && arg != NULL;
		if (!has && hv == NULL)
			continue;
		if (!has) {
			snprintf(err, errsz, "Header mismatch: %.140s header "
			    "is set, but the argument '%.64s' is not in the "
			    "body", hname, key);
			return -1;
		}
		if (hv == NULL) {
			snprintf(err, errsz, "Header mismatch: %.140s header "
			    "is required: the argument '%.64s' is in the body",
			    hname, key);
			return -1;
		}
		if (mcp_header_decode(hv, &dec) == -1) {
			snprintf(err, errsz, "Header mismatch: %.140s header "
			    "has invalid characters or invalid base64", hname);
			return -1;
		}
		same = same_value(dec, arg);
		free(dec);
		if (!same) {
			snprintf(err, errsz, "Header mismatch: %.140s header "
			    "does not match the argument '%.64s' in the body",
			    hname, key);
			return -1;
		}
	}
	return 0;
}
