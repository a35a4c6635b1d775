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

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
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

/*
 * The value of parameter `name` of a media type, quoted or not (a quoted
 * one without its backslash escapes, which no charset or boundary
 * needs); NULL if it has none.
 */
char *
api_media_param(const char *t, const char *name)
{
	const char	*p = t, *v;
	size_t		 n, nl = strlen(name);

	while (p != NULL && (p = strchr(p, ';')) != NULL) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!util_strncaseeq(p, name, nl) || p[nl] != '=')
			continue;
		v = p + nl + 1;
		if (*v == '"') {
			v++;
			n = strcspn(v, "\"");
			if (v[n] != '"')
				return NULL;
		} else
			n = strcspn(v, "; \t");
		return xstrndup(v, n);
	}
	return NULL;
}

/*
 * The code unit of a charset iconv may name: a byte that is no character
 * is skipped, but a UTF-16 or UTF-32 one must be skipped whole, or every
 * character after it is read out of step.
 */
static size_t
code_unit(const char *cs)
{
	static const char *const two[] = { "utf-16", "utf16", "ucs-2",
	    "ucs2", "unicode", NULL };
	static const char *const four[] = { "utf-32", "utf32", "ucs-4",
	    "ucs4", "wchar_t", NULL };
	size_t	 i;

	for (i = 0; two[i] != NULL; i++)
		if (util_strncaseeq(cs, two[i], strlen(two[i])))
			return 2;
	for (i = 0; four[i] != NULL; i++)
		if (util_strncaseeq(cs, four[i], strlen(four[i])))
			return 4;
	return 1;
}

/*
 * A text in the charset its media type `t` names, as UTF-8 into `out`
 * (a byte that is no character of it becomes U+FFFD).  1 when converted;
 * 0 when there is nothing to do (no charset, UTF-8 or US-ASCII: the
 * caller repairs what is no UTF-8); -1 for a charset iconv does not
 * know, left as it is too.
 */
int
api_media_utf8(const char *t, const char *in, size_t len, struct buf *out)
{
	static const char	 fffd[] = "\xef\xbf\xbd";
	char			*cs, *ip = (char *)(uintptr_t)in, *op;
	size_t			 il = len, ol, done, start = out->len, unit;
	struct buf		 fixed;
	iconv_t			 cd;

	if (t == NULL || (cs = api_media_param(t, "charset")) == NULL)
		return 0;
	if (util_strcaseeq(cs, "utf-8") || util_strcaseeq(cs, "utf8") ||
	    util_strcaseeq(cs, "us-ascii") || *cs == '\0') {
		free(cs);
		return 0;
	}
	cd = iconv_open("UTF-8", cs);
	unit = code_unit(cs);
	free(cs);
	if (cd == (iconv_t)-1)
		return -1;
	buf_reserve(out, len + len / 2 + 16);
	while (il > 0) {
		/* (a byte makes at most 4 of UTF-8; E2BIG comes back here) */
		buf_reserve(out, il * 2 + 16);
		op = out->data + out->len;
		ol = out->cap - out->len - 1;	/* (the NUL's place) */
		done = iconv(cd, &ip, &il, &op, &ol);
		out->len = (size_t)(op - out->data);
		if (done != (size_t)-1 || errno == E2BIG)
			continue;
		/* EILSEQ, or EINVAL at the end: one unit, replaced */
		buf_append(out, fffd, 3);
		done = unit < il ? unit : il;
		ip += done;
		il -= done;
	}
	/* what a decoder held back (windows-1258 waits for a mark) */
	buf_reserve(out, 16);
	op = out->data + out->len;
	ol = out->cap - out->len - 1;
	(void)iconv(cd, NULL, NULL, &op, &ol);
	out->len = (size_t)(op - out->data);
	out->data[out->len] = '\0';
	iconv_close(cd);
	/* iconv's UTF-8 is not always UTF-8 (UCS-4 past U+10FFFF) */
	buf_init(&fixed);
	if (util_utf8_repair(out->data + start, out->len - start, &fixed)) {
		out->len = start;
		buf_append(out, fixed.data, fixed.len);
	}
	buf_free(&fixed);
	return 1;
}
