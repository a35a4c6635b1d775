/* SPDX-License-Identifier: ISC */
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

#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jshash.h"
#include "mcp.h"

const char	mcp_header_dup[] = "";

/*
 * The integer a decimal number says exactly, in its shortest form
 * ("-12", "+007" and "4.20e1" say -12, 7 and 42; "-0" is 0), whatever its
 * size; -1 when it says none: a fraction is left, however small
 * ("0.99999999999999999", "1e-400"), or it is no decimal number.
 */
static int
decimal_int(const char *s, char *out, size_t sz)
{
	char		 dig[80];
	const char	*p = s + (*s == '-' || *s == '+');
	size_t		 nd = 0, nfrac = 0, lead;
	long		 e = 0, shift;
	int		 point = 0, eneg = 0, edig = 0, n;

	for (; (*p >= '0' && *p <= '9') || (*p == '.' && !point); p++) {
		if (*p == '.') {
			point = 1;
			continue;
		}
		if (nd == sizeof(dig))
			return -1;
		dig[nd++] = *p;
		nfrac += (size_t)point;
	}
	if (nd == 0)
		return -1;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '-' || *p == '+')
			eneg = *p++ == '-';
		for (; *p >= '0' && *p <= '9'; p++, edig++)
			if (e < 100000)
				e = e * 10 + (*p - '0');
		if (edig == 0)
			return -1;
	}
	if (*p != '\0')
		return -1;
	/* the value is dig * 10^shift: below 0, only zeros may go */
	for (shift = (eneg ? -e : e) - (long)nfrac; shift < 0 && nd > 0;
	    shift++, nd--)
		if (dig[nd - 1] != '0')
			return -1;
	for (lead = 0; lead < nd && dig[lead] == '0'; lead++)
		;
	if (lead == nd) {
		snprintf(out, sz, "0");
		return 0;
	}
	if (shift < 0 || (size_t)shift + (nd - lead) + 2 > sz)
		return -1;
	n = snprintf(out, sz, "%s%.*s", *s == '-' ? "-" : "",
	    (int)(nd - lead), dig + lead);
	memset(out + n, '0', (size_t)shift);
	out[n + shift] = '\0';
	return 0;
}

/*
 * An integer argument, or a double that holds one within 64 bits, in the
 * same form; -1 for any other number.
 */
static int
arg_int(struct json_object *arg, char *out, size_t sz)
{
	uint64_t	 u;
	int		 neg;

	if (jsh_integer(arg, &u, &neg) == -1)
		return -1;
	if (neg)
		snprintf(out, sz, "%" PRId64, (int64_t)u);
	else
		snprintf(out, sz, "%" PRIu64, u);
	return 0;
}

/* Does a (decoded) header value say the same as the argument `arg`? */
static int
same_value(const char *hv, struct json_object *arg)
{
	const char	*s;
	char		*end, hint[32], aint[32];
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
		/*
		 * Numerically ("42.0" and "4.2e1" say 42, the spec's
		 * SHOULD), but an integer exactly, whichever side writes
		 * it: through a double, 2^53 + 1 and 2^53 would be the same
		 * tenant, and "0.99999999999999999" would say 1 (a router's
		 * parseInt reads 0).  Only a number with a fraction left is
		 * compared as a double, with an argument that has one.
		 * Decimal only (strtod takes hex).
		 */
		if (*hv == '\0' || strlen(hv) > 64 ||
		    strspn(hv, "0123456789+-.eE") != strlen(hv))
			return 0;
		if (decimal_int(hv, hint, sizeof(hint)) == 0)
			return arg_int(arg, aint, sizeof(aint)) == 0 &&
			    strcmp(hint, aint) == 0;
		if (arg_int(arg, aint, sizeof(aint)) == 0)
			return 0;
		d = strtod(hv, &end);
		if (*end != '\0' || !isfinite(d) ||
		    fabs(d) >= 9007199254740992.0)
			return 0;
		return d == json_object_get_double(arg);
	default:
		return 0;	/* objects and arrays have no header form */
	}
}

/*
 * Check the Mcp-Param-* headers of one tools/call against its arguments.
 * `schema` is the tool's inputSchema, `args` the call's arguments (NULL:
 * none), `header` looks a request header up by name (NULL: not sent;
 * mcp_header_dup: sent more than once).  `mode` MCP_PARAM_ALL: an
 * argument needs its header (2026-07-28); MCP_PARAM_SENT: only the
 * headers sent are checked (a request of an earlier version, whose
 * client need not know them, but whatever routed on one must not see
 * another value than the API).  Returns 0, or -1 with the reason (for a
 * -32020 HeaderMismatch) in `err`.
 */
int
mcp_param_check(struct json_object *schema, struct json_object *args,
    const char *(*header)(void *, const char *), void *ctx, int mode,
    char *err, size_t errsz)
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
		if (hv == NULL && (!has || mode == MCP_PARAM_SENT))
			continue;
		if (hv == mcp_header_dup) {
			/* which one would a balancer have routed on? */
			snprintf(err, errsz, "Header mismatch: %.140s header "
			    "is sent more than once", hname);
			return -1;
		}
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
