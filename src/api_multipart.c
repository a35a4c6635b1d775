/* SPDX-License-Identifier: ISC */
/*
 * api_multipart: the bytes of a multipart/form-data body (RFC 7578) from
 * parts held in memory.  Built here rather than with libcurl's mime API
 * so that both upstream clients (libcurl and hclient.c) send the same
 * bytes with a Content-Length, and a body over the limit is refused
 * before anything is sent.
 *
 * The boundary is random; one that occurs in any part is drawn again.
 * Names and file names are quoted with '"', CR, LF and every other
 * control byte percent-encoded (as browsers do), so no value can end its
 * header line or its quoted string.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "api.h"
#include "util.h"

#define MP_PREFIX	"fcgi-mcp-"
#define MP_RANDOM	16	/* bytes: 32 hex digits after the prefix */
#define MP_TRIES	8	/* boundaries drawn before giving up */

static int
mp_random(unsigned char *p, size_t n)
{
	return RAND_bytes(p, (int)n) == 1 ? 0 : -1;
}

/* Where the boundary's randomness comes from; tests replace it. */
int	(*api_mp_random)(unsigned char *, size_t) = mp_random;

/*
 * A header parameter value between quotes (RFC 7578 §4.2, WHATWG), with
 * what form readers take for syntax inside it encoded too: ';' (Rack 2
 * reads the last "; name=" of the line as the name, even one inside a
 * file name), and in a name '\' (Rack 3 unescapes it: "ad\min" would be
 * "admin", a name the operator hid).  A file name keeps its '\' (a
 * Windows path's).
 */
static void
quoted(struct buf *b, const char *s, int name)
{
	static const char	 hex[] = "0123456789ABCDEF";
	unsigned char		 c;

	buf_putc(b, '"');
	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f || c == '"' || c == ';' ||
		    (name && c == '\\')) {
			buf_putc(b, '%');
			buf_putc(b, hex[c >> 4]);
			buf_putc(b, hex[c & 0xf]);
		} else
			buf_putc(b, (char)c);
	}
	buf_putc(b, '"');
}

static int
occurs(const void *hay, size_t n, const char *needle)
{
	return hay != NULL && memmem(hay, n, needle, strlen(needle)) != NULL;
}

/* A boundary that occurs in no part, or -1. */
static int
pick_boundary(const struct api_mp_part *parts, size_t n, char *out,
    size_t outsz)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 r[MP_RANDOM];
	size_t			 i, k, plen = strlen(MP_PREFIX);
	int			 tries;

	if (outsz < plen + 2 * MP_RANDOM + 1)
		return -1;
	for (tries = 0; tries < MP_TRIES; tries++) {
		if (api_mp_random(r, sizeof(r)) == -1)
			return -1;
		memcpy(out, MP_PREFIX, plen);
		for (k = 0; k < MP_RANDOM; k++) {
			out[plen + 2 * k] = hex[r[k] >> 4];
			out[plen + 2 * k + 1] = hex[r[k] & 0xf];
		}
		out[plen + 2 * MP_RANDOM] = '\0';
		for (i = 0; i < n; i++)
			if (occurs(parts[i].data, parts[i].len, out) ||
			    occurs(parts[i].name, strlen(parts[i].name), out) ||
			    (parts[i].filename != NULL && occurs(
			    parts[i].filename, strlen(parts[i].filename), out)))
				break;
		if (i == n)
			return 0;
	}
	return -1;
}

/*
 * The body of `parts` into `body` (reset first), at most `max` bytes,
 * and its Content-Type (with the boundary) into *ctype, to free.
 * Returns 0, or -1 with *why (to free) and `body` empty.
 */
int
api_mp_build(const struct api_mp_part *parts, size_t n, size_t max,
    struct buf *body, char **ctype, char **why)
{
	char		 bd[64];
	struct buf	 head;
	const char	*t;
	size_t		 i, blen, tail;
	int		 rc = -1;

	*ctype = NULL;
	*why = NULL;
	buf_init(&head);
	buf_reset(body);
	for (i = 0; i < n; i++)
		for (t = parts[i].type; t != NULL && *t != '\0'; t++)
			if ((unsigned char)*t < 0x20 || *t == 0x7f) {
				xasprintf(why, "the part %s has a Content-Type "
				    "with a control character", parts[i].name);
				goto out;
			}
	if (pick_boundary(parts, n, bd, sizeof(bd)) == -1) {
		xasprintf(why, "no multipart boundary could be chosen");
		goto out;
	}
	blen = strlen(bd);
	tail = 2 + blen + 4;	/* "--" boundary "--" CRLF */
	for (i = 0; i < n; i++) {
		buf_reset(&head);
		buf_printf(&head, "--%s\r\nContent-Disposition: form-data; "
		    "name=", bd);
		quoted(&head, parts[i].name, 1);
		if (parts[i].filename != NULL) {
			buf_puts(&head, "; filename=");
			quoted(&head, parts[i].filename, 0);
		}
		buf_puts(&head, "\r\n");
		if (parts[i].type != NULL)
			buf_printf(&head, "Content-Type: %s\r\n", parts[i].type);
		buf_puts(&head, "\r\n");
		/* sized before it is written: nothing is cut */
		if (parts[i].len > max ||
		    head.len + 2 + tail > max - parts[i].len ||
		    body->len > max - parts[i].len - head.len - 2 - tail) {
			xasprintf(why, "the multipart body would be larger "
			    "than MCP_MAX_BODY (%zu bytes)", max);
			goto out;
		}
		buf_append(body, head.data, head.len);
		buf_append(body, parts[i].data, parts[i].len);
		buf_puts(body, "\r\n");
	}
	if (tail > max) {
		xasprintf(why, "the multipart body would be larger than "
		    "MCP_MAX_BODY (%zu bytes)", max);
		goto out;
	}
	/* every part left room for this */
	buf_printf(body, "--%s--\r\n", bd);
	xasprintf(ctype, "multipart/form-data; boundary=%s", bd);
	rc = 0;
out:
	if (rc == -1)
		buf_reset(body);
	buf_free(&head);
	return rc;
}
