/* SPDX-License-Identifier: ISC */
/*
 * mcp_cursor: opaque pagination cursors.  A cursor is base64url of
 * "v1:<offset>:<registry digest>", so any worker on any host serving the
 * same tool set can continue a listing, and a cursor for another tool set
 * or a forged offset is refused with -32602.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp.h"
#include "util.h"

#define CURSOR_MAX	128

char *
mcp_cursor_encode(size_t offset, const char *digest)
{
	char	 raw[CURSOR_MAX];
	int	 n;

	n = snprintf(raw, sizeof(raw), "v1:%zu:%s", offset, digest);
	return util_b64url_encode((const unsigned char *)raw, (size_t)n);
}

/*
 * Decode a cursor for the tool set `digest` of `count` tools.  The offset
 * must point inside the set: an offset at or past the end was never
 * handed out, because the last page carries no cursor.
 */
int
mcp_cursor_decode(const char *cursor, const char *digest, size_t count,
    size_t *offset)
{
	unsigned char	*raw = NULL;
	size_t		 rawlen;
	char		*s = NULL, *num, *dig;
	const char	*err;
	long long	 v;
	int		 rc = -1;

	if (strlen(cursor) > CURSOR_MAX ||
	    util_b64url_decode(cursor, strlen(cursor), &raw, &rawlen) == -1 ||
	    rawlen == 0 || memchr(raw, '\0', rawlen) != NULL)
		goto out;
	s = xstrndup((const char *)raw, rawlen);
	if (strncmp(s, "v1:", 3) != 0)
		goto out;
	num = s + 3;
	if ((dig = strchr(num, ':')) == NULL)
		goto out;
	*dig++ = '\0';
	if (strcmp(dig, digest) != 0 ||
	    util_strtonum(num, 1, (long long)count - 1, &v, &err) == -1 ||
	    num[0] == '0')
		goto out;
	*offset = (size_t)v;
	rc = 0;
out:
	free(raw);
	free(s);
	return rc;
}
