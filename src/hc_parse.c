/* SPDX-License-Identifier: ISC */
/*
 * hc_parse: the HTTP/1.1 response parser of hclient, apart from the I/O so
 * that it can be tested and fuzzed on its own.  It is fed whatever
 * arrived and consumes what it can; every part is bounded (the head and
 * the trailers at 64 KiB, a chunk-size line at 4 KiB, the body at the
 * caller's limit) and anything it does not understand is refused with a
 * reason, never guessed at.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hclient.h"

#define HC_LINE_MAX	4096	/* a chunk-size line */

void
hc_parser_init(struct hc_parser *p, int head_only, size_t max_body)
{
	memset(p, 0, sizeof(*p));
	p->state = HC_HEAD;
	p->head_only = head_only;
	p->max_body = max_body;
}

void
hc_parser_free(struct hc_parser *p)
{
	free(p->content_type);
	free(p->location);
	p->content_type = p->location = NULL;
}

static int
fail(struct hc_parser *p, const char *why)
{
	p->error = why;
	return -1;
}

/* RFC 9110 token characters, by byte */
static const unsigned char tchar[256] = {
	['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1,
	['*'] = 1, ['+'] = 1, ['-'] = 1, ['.'] = 1, ['^'] = 1, ['_'] = 1,
	['`'] = 1, ['|'] = 1, ['~'] = 1,
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
	['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
	['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
	['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
	['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
	['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
	['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
	['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1,
};

static int
name_is(const char *n, size_t nl, const char *want)
{
	return nl == strlen(want) && util_strncaseeq(n, want, nl);
}

/* One header line (without its line end); -1 with p->error. */
static int
header_line(struct hc_parser *p, const char *l, size_t n)
{
	const char		*colon, *v;
	size_t			 nl, vl, i;
	unsigned long long	 len = 0;

	if (l[0] == ' ' || l[0] == '\t')
		return fail(p, "a folded header line");
	if ((colon = memchr(l, ':', n)) == NULL || colon == l)
		return fail(p, "a header line without a name");
	nl = (size_t)(colon - l);
	for (i = 0; i < nl; i++)
		if (!tchar[(unsigned char)l[i]])
			return fail(p, "a header name with characters "
			    "not allowed");
	v = colon + 1;
	vl = n - nl - 1;
	while (vl > 0 && (*v == ' ' || *v == '\t'))
		v++, vl--;
	while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
		vl--;
	for (i = 0; i < vl; i++)
		if (v[i] == '\r' || v[i] == '\0')
			return fail(p, "a header value with a CR or NUL");
	if (name_is(l, nl, "content-length")) {
		if (vl == 0 || vl > 18)
			return fail(p, "an invalid Content-Length");
		for (i = 0; i < vl; i++) {
			if (v[i] < '0' || v[i] > '9')
				return fail(p, "an invalid Content-Length");
			len = len * 10 + (unsigned)(v[i] - '0');
		}
		if (p->has_length && p->length != len)
			return fail(p, "two different Content-Lengths");
		p->has_length = 1;
		p->length = len;
	} else if (name_is(l, nl, "transfer-encoding")) {
		if (vl != 7 || !util_strncaseeq(v, "chunked", 7) || p->chunked)
			return fail(p, "a Transfer-Encoding other than "
			    "chunked");
		p->chunked = 1;
	} else if (name_is(l, nl, "connection")) {
		if (util_list_ncontains(v, vl, "close", 1))
			p->keep_alive = 0;
	} else if (name_is(l, nl, "content-encoding")) {
		if (!(vl == 8 && util_strncaseeq(v, "identity", 8)))
			return fail(p, "a Content-Encoding that was not "
			    "asked for");
	} else if (name_is(l, nl, "content-type")) {
		if (p->content_type == NULL)
			p->content_type = xstrndup(v, vl);
	} else if (name_is(l, nl, "location")) {
		if (p->location == NULL)
			p->location = xstrndup(v, vl);
	}
	return 0;
}

/* The status line: HTTP/1.0 or HTTP/1.1, three digits, a reason. */
static int
status_line(struct hc_parser *p, const char *l, size_t n)
{
	if (n < 12 || memcmp(l, "HTTP/1.", 7) != 0 ||
	    (l[7] != '0' && l[7] != '1') || l[8] != ' ' ||
	    l[9] < '1' || l[9] > '5' || l[10] < '0' || l[10] > '9' ||
	    l[11] < '0' || l[11] > '9' || (n > 12 && l[12] != ' '))
		return fail(p, "no valid HTTP/1.x status line");
	p->status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
	/* HTTP/1.0 connections are closed after the answer */
	p->keep_alive = l[7] == '1';
	return 0;
}

/*
 * The head is complete in s[0..n) (the empty line included): read it.
 * Returns 0, or -1 with p->error.
 */
static int
read_head(struct hc_parser *p, const char *s, size_t n)
{
	const char	*l = s, *end = s + n, *nl;
	size_t		 ll;
	int		 first = 1;

	while (l < end && (nl = memchr(l, '\n', (size_t)(end - l))) != NULL) {
		ll = (size_t)(nl - l);
		if (ll > 0 && l[ll - 1] == '\r')
			ll--;
		if (ll == 0)
			break;
		if (first ? status_line(p, l, ll) : header_line(p, l, ll))
			return -1;
		first = 0;
		l = nl + 1;
	}
	return first ? fail(p, "no status line") : 0;
}

/* The length of the head ending in s, or 0 when it is not all there. */
static size_t
head_end(struct hc_parser *p, const char *s, size_t n)
{
	const char	*nl;
	size_t		 i = p->scanned;

	/* an empty line: "\n\n" or "\n\r\n" */
	for (; i < n; i++) {
		if ((nl = memchr(s + i, '\n', n - i)) == NULL) {
			i = n;
			break;
		}
		i = (size_t)(nl - s);
		if (i + 1 < n && s[i + 1] == '\n')
			return i + 2;
		if (i + 2 < n && s[i + 1] == '\r' && s[i + 2] == '\n')
			return i + 3;
		if (i + 2 >= n)
			break;	/* the empty line may still come */
	}
	p->scanned = i;
	return 0;
}

static void
reset_head(struct hc_parser *p)
{
	free(p->content_type);
	free(p->location);
	p->content_type = p->location = NULL;
	p->scanned = 0;
	p->status = 0;
	p->chunked = p->has_length = 0;
	p->length = 0;
}

/* The head has been read: how does the body end? */
static void
frame_body(struct hc_parser *p)
{
	if (p->head_only || p->status == 204 || p->status == 304) {
		/* a 204 that says a body follows, or a chunked 204 or 304:
		 * whatever comes after must not become the next call's
		 * answer (a 304's length is the representation's, RFC 9110
		 * 8.6: no body follows it) */
		if (!p->head_only && (p->chunked || (p->status == 204 &&
		    p->has_length && p->length > 0)))
			p->keep_alive = 0;
		p->state = HC_DONE;
	} else if (p->chunked) {
		/* a length beside chunked is a smuggling attempt's mark */
		if (p->has_length)
			p->keep_alive = 0;
		p->state = HC_CHUNK_SIZE;
	} else if (p->has_length) {
		p->remaining = p->length;
		p->state = p->length == 0 ? HC_DONE : HC_LENGTH;
	} else {
		p->keep_alive = 0;
		p->state = HC_UNTIL_EOF;
	}
}

static int
take_body(struct hc_parser *p, const char *s, size_t n, struct buf *body)
{
	if (n > p->max_body || body->len > p->max_body - n) {
		p->too_large = 1;
		return -1;
	}
	buf_append(body, s, n);
	return 0;
}

/* A chunk-size line [0..n) without its line end. */
static int
chunk_size(struct hc_parser *p, const char *l, size_t n)
{
	unsigned long long	 size = 0;
	size_t			 i;
	int			 d;

	for (i = 0; i < n && (d = util_hexval((unsigned char)l[i])) != -1;
	    i++) {
		if (i >= 15)
			return fail(p, "a chunk size too large");
		size = size << 4 | (unsigned)d;
	}
	if (i == 0)
		return fail(p, "an invalid chunk size");
	while (i < n && (l[i] == ' ' || l[i] == '\t'))
		i++;
	if (i < n && l[i] != ';')
		return fail(p, "an invalid chunk size");
	p->remaining = size;
	return 0;
}

/*
 * Feed s[0..n): consumes what it can (*used), appending the body's bytes
 * to body.  HC_COMPLETE once a whole response is in; the bytes after it,
 * if any, are not consumed.
 */
enum hc_result
hc_parse(struct hc_parser *p, const char *s, size_t n, size_t *used,
    struct buf *body)
{
	const char	*nl;
	size_t		 pos = 0, k, ll;

	for (;;) {
		switch (p->state) {
		case HC_HEAD:
			if ((k = head_end(p, s + pos, n - pos)) == 0) {
				if (n - pos > HC_HEAD_MAX) {
					fail(p, "a head larger than 64 KiB");
					goto failed;
				}
				goto more;
			}
			if (k > HC_HEAD_MAX) {
				fail(p, "a head larger than 64 KiB");
				goto failed;
			}
			if (read_head(p, s + pos, k) == -1)
				goto failed;
			pos += k;
			if (p->status >= 100 && p->status < 200) {
				if (p->status == 101 ||
				    ++p->interim > HC_INTERIM_MAX) {
					fail(p, p->status == 101 ? "a switch "
					    "of protocols" : "too many 1xx "
					    "answers");
					goto failed;
				}
				reset_head(p);
				break;
			}
			frame_body(p);
			if (p->state == HC_LENGTH &&
			    p->length > p->max_body) {
				p->too_large = 1;
				goto failed;
			}
			break;
		case HC_LENGTH:
		case HC_CHUNK_DATA:
			k = n - pos < p->remaining ? n - pos :
			    (size_t)p->remaining;
			if (k == 0)
				goto more;
			if (take_body(p, s + pos, k, body) == -1)
				goto failed;
			pos += k;
			if ((p->remaining -= k) == 0)
				p->state = p->state == HC_LENGTH ? HC_DONE :
				    HC_CHUNK_END;
			break;
		case HC_CHUNK_SIZE:
		case HC_TRAILER:
			nl = memchr(s + pos, '\n', n - pos);
			if (nl == NULL) {
				if (n - pos > HC_LINE_MAX ||
				    p->extra + (n - pos) > HC_HEAD_MAX) {
					fail(p, "a chunk or trailer line too "
					    "long");
					goto failed;
				}
				goto more;
			}
			ll = (size_t)(nl - (s + pos));
			k = ll + 1;
			if (ll > 0 && s[pos + ll - 1] == '\r')
				ll--;
			if (p->state == HC_TRAILER) {
				if ((p->extra += k) > HC_HEAD_MAX) {
					fail(p, "trailers larger than 64 KiB");
					goto failed;
				}
				pos += k;
				if (ll == 0)
					p->state = HC_DONE;
				break;
			}
			if (ll > HC_LINE_MAX) {
				fail(p, "a chunk line too long");
				goto failed;
			}
			if (chunk_size(p, s + pos, ll) == -1)
				goto failed;
			pos += k;
			if (p->remaining == 0)
				p->state = HC_TRAILER;
			else if (p->remaining > p->max_body - body->len) {
				p->too_large = 1;
				goto failed;
			} else
				p->state = HC_CHUNK_DATA;
			break;
		case HC_CHUNK_END:
			if (pos == n)
				goto more;
			if (s[pos] == '\n') {
				pos++;
			} else if (s[pos] != '\r') {
				fail(p, "no line end after a chunk");
				goto failed;
			} else if (pos + 1 == n) {
				goto more;
			} else if (s[pos + 1] != '\n') {
				fail(p, "no line end after a chunk");
				goto failed;
			} else
				pos += 2;
			p->state = HC_CHUNK_SIZE;
			break;
		case HC_UNTIL_EOF:
			if (pos < n && take_body(p, s + pos, n - pos,
			    body) == -1)
				goto failed;
			pos = n;
			goto more;
		case HC_DONE:
			*used = pos;
			return HC_COMPLETE;
		}
	}
more:
	/* an unfinished head is not consumed: it is read again, whole */
	*used = pos;
	return HC_MORE;
failed:
	*used = pos;
	return HC_FAIL;
}

/* The connection ended: complete if the body runs to its end. */
enum hc_result
hc_parse_eof(struct hc_parser *p)
{
	if (p->state == HC_UNTIL_EOF) {
		p->state = HC_DONE;
		return HC_COMPLETE;
	}
	if (p->state == HC_DONE)
		return HC_COMPLETE;
	p->error = p->state == HC_HEAD ? "the connection closed before a "
	    "whole head" : "the connection closed in the middle of the body";
	return HC_FAIL;
}
