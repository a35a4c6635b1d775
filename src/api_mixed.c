/* SPDX-License-Identifier: ISC */
/*
 * api_mixed: an API answer in several parts (multipart/mixed, related,
 * alternative ...; RFC 2046 §5.1) becomes one content item per part,
 * each mapped by its own media type the way a whole answer is: text
 * types are text, image types an image, audio types audio, and anything
 * else (JSON
 * included: there is one structuredContent per result, not per part) an
 * embedded resource, with its text when the type is textual, else its
 * bytes in base64.  A resource is named by the part's absolute
 * Content-Location, else by the request URL and "#part-N".
 *
 * The body is the API's, so parsing is bounded: a boundary of at most
 * 70 characters, at most API_MIXED_PARTS parts, API_MIXED_HEAD bytes of
 * headers per part, and a closing delimiter is required (a cut answer
 * is refused, not guessed at).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "jparse.h"
#include "api.h"
#include "util.h"

#define API_MIXED_PARTS	64
#define API_MIXED_HEAD	8192

void
api_mixed_free(struct api_mixed_part *parts, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(parts[i].type);
		free(parts[i].location);
	}
	free(parts);
}

/* The boundary parameter of a Content-Type; NULL if none or unfit. */
static char *
boundary_of(const char *ct)
{
	char	*b = api_media_param(ct, "boundary");
	size_t	 n = b != NULL ? strlen(b) : 0;

	/* RFC 2046: 1 to 70 characters, no trailing space */
	if (b != NULL && (n == 0 || n > 70 || b[n - 1] == ' ')) {
		free(b);
		b = NULL;
	}
	return b;
}

/* Where `needle` (nlen bytes) first occurs in [p, e), or NULL. */
static const char *
find(const char *p, const char *e, const char *needle, size_t nlen)
{
	const char	*q;

	while (p + nlen <= e) {
		if ((q = memchr(p, needle[0], (size_t)(e - p) - nlen + 1)) ==
		    NULL)
			return NULL;
		if (memcmp(q, needle, nlen) == 0)
			return q;
		p = q + 1;
	}
	return NULL;
}

/* A header value without surrounding blanks, as a new string. */
static char *
field_value(const char *v, const char *e)
{
	while (v < e && (*v == ' ' || *v == '\t'))
		v++;
	while (e > v && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	return xstrndup(v, (size_t)(e - v));
}

/* The header lines of one part, [p, e): what we use of them. */
static int
part_headers(const char *p, const char *e, struct api_mixed_part *part,
    char **cause)
{
	const char	*eol, *colon;
	char		*cte;
	size_t		 n;
	int		 ok;

	while (p < e) {
		eol = memchr(p, '\n', (size_t)(e - p));
		if (eol == NULL)
			eol = e;
		colon = memchr(p, ':', (size_t)(eol - p));
		/* folded lines and junk carry nothing we use */
		if (colon != NULL && *p != ' ' && *p != '\t') {
			n = (size_t)(colon - p);
			if (n == 12 && util_strncaseeq(p, "Content-Type", 12) &&
			    part->type == NULL)
				part->type = field_value(colon + 1, eol);
			else if (n == 16 && util_strncaseeq(p,
			    "Content-Location", 16) && part->location == NULL)
				part->location = field_value(colon + 1, eol);
			else if (n == 25 && util_strncaseeq(p,
			    "Content-Transfer-Encoding", 25)) {
				cte = field_value(colon + 1, eol);
				ok = util_strcaseeq(cte, "binary") ||
				    util_strcaseeq(cte, "8bit") ||
				    util_strcaseeq(cte, "7bit");
				if (!ok)
					xasprintf(cause, "a part has "
					    "Content-Transfer-Encoding '%.32s', "
					    "which HTTP does not use", cte);
				free(cte);
				if (!ok)
					return -1;
			}
		}
		p = eol + 1;
	}
	return 0;
}

/*
 * Split a multipart body.  Parts point into `body`; their headers are
 * copies.  Returns 0 with the parts (free with api_mixed_free), or -1
 * with a new *cause.
 */
int
api_mixed_parse(const char *ctype, const char *body, size_t len,
    struct api_mixed_part **partsp, size_t *np, char **cause)
{
	struct api_mixed_part	*parts = NULL, *pt;
	const char		*e = body + len, *p, *q, *h, *b, *lim;
	char			*bnd, *delim = NULL;
	size_t			 n = 0, dlen;
	int			 rc = -1;

	*partsp = NULL;
	*np = 0;
	*cause = NULL;
	if ((bnd = boundary_of(ctype)) == NULL) {
		xasprintf(cause, "its Content-Type has no valid boundary");
		return -1;
	}
	/* "\r\n--boundary": the CRLF before it belongs to the delimiter */
	xasprintf(&delim, "\r\n--%s", bnd);
	dlen = strlen(delim);
	if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0)
		p = body + dlen - 2;
	else if ((p = find(body, e, delim, dlen)) != NULL)
		p += dlen;
	else {
		xasprintf(cause, "no part starts with its boundary");
		goto out;
	}
	for (;;) {
		/* after a delimiter: "--" closes, else blanks and a line end */
		if (e - p >= 2 && p[0] == '-' && p[1] == '-')
			break;
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		if (e - p >= 2 && p[0] == '\r' && p[1] == '\n')
			p += 2;
		else if (p < e && *p == '\n')
			p++;
		else {
			xasprintf(cause, "a boundary is not followed by a "
			    "line end");
			goto out;
		}
		if (n == API_MIXED_PARTS) {
			xasprintf(cause, "more than %d parts", API_MIXED_PARTS);
			goto out;
		}
		/* the headers end at an empty line (at once, if none) */
		lim = e - p > API_MIXED_HEAD + 3 ? p + API_MIXED_HEAD + 3 : e;
		if (e - p >= 2 && p[0] == '\r' && p[1] == '\n') {
			h = p;
			b = p + 2;
		} else if (p < e && p[0] == '\n') {
			h = p;
			b = p + 1;
		} else if ((q = find(p, lim, "\n\r\n", 3)) != NULL &&
		    find(p, q + 1, "\n\n", 2) == NULL) {
			/* the first empty line ends them, whichever its form:
			 * a body's CRLF line must not make its lines headers */
			h = q + 1;
			b = q + 3;
		} else if ((q = find(p, lim, "\n\n", 2)) != NULL) {
			h = q + 1;
			b = q + 2;
		} else {
			xasprintf(cause, "a part's headers do not end within "
			    "%d bytes", API_MIXED_HEAD);
			goto out;
		}
		parts = xrealloc(parts, (n + 1) * sizeof(*parts));
		pt = &parts[n++];
		memset(pt, 0, sizeof(*pt));
		if (h > p && part_headers(p, h, pt, cause) == -1)
			goto out;
		/* from the empty line's CRLF: an empty part shares it with
		 * the delimiter after it */
		if ((q = find(b - 2 >= p ? b - 2 : b, e, delim, dlen)) ==
		    NULL) {
			xasprintf(cause, "it ends before its closing boundary");
			goto out;
		}
		pt->data = b;
		pt->len = q > b ? (size_t)(q - b) : 0;
		p = q + dlen;
	}
	rc = 0;
out:
	free(bnd);
	free(delim);
	if (rc == 0) {
		*partsp = parts;
		*np = n;
	} else
		api_mixed_free(parts, n);
	return rc;
}

/* Types whose bytes are text a model can read in a resource's "text". */
static int
textual(const char *t)
{
	return api_media_prefix(t, "text/") || api_media_is_json(t) ||
	    api_media_suffix(t, "+xml") || api_media_is(t, "application/xml") ||
	    api_media_is(t, "application/yaml") ||
	    api_media_is(t, "application/javascript");
}

/* Is `s` an absolute URI (a scheme, RFC 3986 §3.1)? */
static int
absolute_uri(const char *s)
{
	size_t	 i;

	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return 0;
	for (i = 1; s[i] != '\0' && s[i] != ':'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '+' ||
		    s[i] == '-' || s[i] == '.'))
			return 0;
	if (s[i] != ':' || s[i + 1] == '\0')
		return 0;
	/* visible ASCII only: the API's bytes go into the JSON answer */
	for (; s[i] != '\0'; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

/*
 * A part's text as a JSON string: UTF-8 from the charset its type names,
 * whatever the API sent.
 */
static struct json_object *
part_text(const struct api_mixed_part *pt)
{
	struct json_object	*o;
	struct buf		 fixed;

	buf_init(&fixed);
	if (api_media_utf8(pt->type, pt->data, pt->len, &fixed) == 1)
		o = json_object_new_string_len(fixed.data, (int)fixed.len);
	else if (util_utf8_repair(pt->data, pt->len, &fixed))
		o = json_object_new_string_len(fixed.data, (int)fixed.len);
	else
		o = json_object_new_string_len(pt->data, (int)pt->len);
	buf_free(&fixed);
	return o;
}

/* One part as a content item (a new object). */
static struct json_object *
part_item(const struct api_mixed_part *pt, const char *url, size_t idx)
{
	struct json_object	*c = json_object_new_object(), *res;
	const char		*t = pt->type != NULL && *pt->type != '\0' ?
				    pt->type : "text/plain";
	char			*b64, *type, *uri;

	if (api_media_prefix(t, "text/")) {
		jp_add(c, "type", json_object_new_string("text"));
		jp_add(c, "text", part_text(pt));
		return c;
	}
	type = api_media_bare(t);
	if (api_media_prefix(t, "image/") || api_media_prefix(t, "audio/")) {
		b64 = util_b64_encode((const unsigned char *)pt->data, pt->len);
		jp_add(c, "type", json_object_new_string(
		    api_media_prefix(t, "image/") ? "image" : "audio"));
		jp_add(c, "data", json_object_new_string(b64));
		jp_add(c, "mimeType", json_object_new_string(type));
		free(b64);
		free(type);
		return c;
	}
	res = json_object_new_object();
	if (pt->location != NULL && absolute_uri(pt->location))
		uri = xstrdup(pt->location);
	else
		xasprintf(&uri, "%s#part-%zu", url, idx + 1);
	jp_add(res, "uri", json_object_new_string(uri));
	jp_add(res, "mimeType", json_object_new_string(type));
	if (textual(t))
		jp_add(res, "text", part_text(pt));
	else {
		b64 = util_b64_encode((const unsigned char *)pt->data, pt->len);
		jp_add(res, "blob", json_object_new_string(b64));
		free(b64);
	}
	jp_add(c, "type", json_object_new_string("resource"));
	jp_add(c, "resource", res);
	free(uri);
	free(type);
	return c;
}

/*
 * A multipart answer as content items appended to `content`; `url` is
 * the request's without its query (api_call.c's resource_uri), naming
 * parts without a Content-Location.  Returns 0, or -1 with a new *cause
 * and nothing appended.
 */
int
api_mixed_content(const char *ctype, const char *body, size_t len,
    const char *url, struct json_object *content, char **cause)
{
	struct api_mixed_part	*parts;
	size_t			 n, i;

	if (api_mixed_parse(ctype, body, len, &parts, &n, cause) == -1)
		return -1;
	for (i = 0; i < n; i++)
		json_object_array_add(content, part_item(&parts[i], url, i));
	api_mixed_free(parts, n);
	return 0;
}
