/* SPDX-License-Identifier: ISC */
/*
 * api_media: media types as the OpenAPI layer meets them, in a
 * document's content maps, in the API's Content-Type and in the parts of
 * a multipart answer: "type/subtype" and then parameters ("; charset=..."),
 * compared without regard to case (RFC 9110 §8.3.1).  The "essence" is
 * what comes before the first ';', space or tab (RFC 9110's OWS may
 * precede the ';').  A NULL type is none: every test is false for it.
 *
 * One place for what api_body.c, api_call.c, api_doc.c, api_mixed.c and
 * api_tool.c each used to spell out, so that "is this JSON?" has one
 * answer across the layer.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "util.h"

static size_t
essence_len(const char *t)
{
	return strcspn(t, "; \t");
}

/* Is the essence of `t` exactly `want`? */
int
api_media_is(const char *t, const char *want)
{
	size_t	 n;

	if (t == NULL)
		return 0;
	n = essence_len(t);
	return n == strlen(want) && util_strncaseeq(t, want, n);
}

/* Does `t` start with `prefix` ("text/", "image/": a family)? */
int
api_media_prefix(const char *t, const char *prefix)
{
	return t != NULL && util_strncaseeq(t, prefix, strlen(prefix));
}

/* Does the essence of `t` end in `suffix` ("+json", "+xml")? */
int
api_media_suffix(const char *t, const char *suffix)
{
	size_t	 n, s = strlen(suffix);

	if (t == NULL)
		return 0;
	n = essence_len(t);
	return n > s && util_strncaseeq(t + n - s, suffix, s);
}

/* application/json or any +json type (RFC 6839 §3.1). */
int
api_media_is_json(const char *t)
{
	return api_media_is(t, "application/json") ||
	    api_media_suffix(t, "+json");
}

/* An RFC 9110 token character. */
static int
is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr("!#$%&'*+-.^_`|~",
	    c) != NULL);
}

/*
 * The essence in lower case, for mimeType fields: a new string.  One that
 * is not type/subtype of token characters (the API's bytes, which could be
 * anything, even invalid UTF-8 in the JSON answer) is
 * application/octet-stream.
 */
char *
api_media_bare(const char *t)
{
	char	*s = xstrndup(t, essence_len(t));
	size_t	 i, slash = 0;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '/' && slash == 0 && i > 0)
			slash = i;
		else if (!is_tchar((unsigned char)s[i]))
			break;
		if (s[i] >= 'A' && s[i] <= 'Z')
			s[i] += 'a' - 'A';
	}
	if (s[i] != '\0' || slash == 0 || s[slash + 1] == '\0') {
		free(s);
		s = xstrdup("application/octet-stream");
	}
	return s;
}
