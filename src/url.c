/* SPDX-License-Identifier: ISC */
/*
 * url: absolute http(s) URL parsing (RFC 3986 subset), Host header
 * splitting and percent-encoding.  Parsing is bounded and strict: this is
 * what decides which hosts and origins are trusted.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "url.h"

static void
lowercase(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s += 'a' - 'A';
}

static int
is_host_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

/*
 * Check "host[:port]" (IPv6 in brackets) and measure it: *hlen is the
 * length of the host, *port the port (-1 when absent).  Nothing is
 * allocated, so the Host header of every request costs no copy.
 */
int
url_host_span(const char *s, size_t *hlen, int *port)
{
	const char	*p, *hend;
	long		 v;
	size_t		 i;

	*port = -1;
	if (s == NULL || *s == '\0' || strnlen(s, 256) > 255)
		return -1;
	if (*s == '[') {
		if ((hend = strchr(s, ']')) == NULL)
			return -1;
		for (p = s + 1; p < hend; p++)
			if (!(is_host_char((unsigned char)*p) || *p == ':') ||
			    *p == '_')
				return -1;
		if (hend == s + 1)
			return -1;
		hend++;
	} else {
		for (hend = s; is_host_char((unsigned char)*hend); hend++)
			;
		if (hend == s)
			return -1;
	}
	if (*hend == ':') {
		/* one to five digits, 1-65535: no sign, no space, no hex */
		for (i = 1, v = 0; hend[i] >= '0' && hend[i] <= '9' && i <= 5;
		    i++)
			v = v * 10 + (hend[i] - '0');
		if (hend[i] != '\0' || i == 1 || v < 1 || v > 65535)
			return -1;
		*port = (int)v;
	} else if (*hend != '\0')
		return -1;
	*hlen = (size_t)(hend - s);
	return 0;
}

/*
 * Split "host[:port]" into a lower-case host and a port (-1 when absent).
 * Used for URL authorities and for Host values checked against a list.
 */
int
url_host_split(const char *s, char **host, int *port)
{
	size_t	 n;

	*host = NULL;
	if (url_host_span(s, &n, port) == -1)
		return -1;
	*host = xstrndup(s, n);
	lowercase(*host);
	return 0;
}

void
url_free(struct url *u)
{
	free(u->scheme);
	free(u->host);
	free(u->path);
	free(u->query);
	memset(u, 0, sizeof(*u));
	u->port = -1;
}

/*
 * Parse an absolute http or https URL.  Userinfo and fragments are
 * recorded (callers decide whether to refuse them); control characters,
 * spaces and other schemes are refused here.
 */
int
url_parse(const char *s, struct url *u, const char **cause)
{
	const char	*p, *a, *aend;
	char		*auth = NULL;
	size_t		 n;
	int		 rc = -1;

	memset(u, 0, sizeof(*u));
	u->port = -1;
	*cause = NULL;
	if (s == NULL || (n = strlen(s)) == 0 || n > URL_MAX) {
		*cause = "empty or too long";
		goto out;
	}
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p == 0x7f) {
			*cause = "contains spaces or control characters";
			goto out;
		}
	if ((p = strstr(s, "://")) == NULL) {
		*cause = "not an absolute URL";
		goto out;
	}
	u->scheme = xstrndup(s, (size_t)(p - s));
	lowercase(u->scheme);
	if (strcmp(u->scheme, "http") != 0 && strcmp(u->scheme, "https") != 0) {
		*cause = "scheme is not http or https";
		goto out;
	}
	a = p + 3;
	aend = a + strcspn(a, "/?#");
	auth = xstrndup(a, (size_t)(aend - a));
	if (strchr(auth, '@') != NULL) {
		u->has_userinfo = 1;
		memmove(auth, strrchr(auth, '@') + 1,
		    strlen(strrchr(auth, '@') + 1) + 1);
	}
	if (url_host_split(auth, &u->host, &u->port) == -1) {
		*cause = "invalid host or port";
		goto out;
	}
	p = aend;
	n = strcspn(p, "?#");
	u->path = xstrndup(p, n);
	p += n;
	if (*p == '?') {
		n = strcspn(p + 1, "#");
		u->query = xstrndup(p + 1, n);
		p += n + 1;
	}
	if (*p == '#')
		u->has_fragment = 1;
	rc = 0;
out:
	free(auth);
	if (rc == -1)
		url_free(u);
	return rc;
}

int
url_default_port(const struct url *u)
{
	if (u->port != -1)
		return u->port;
	return strcmp(u->scheme, "https") == 0 ? 443 : 80;
}

/* The RFC 6454 serialisation: scheme://host[:port], default port omitted. */
char *
url_origin(const struct url *u)
{
	char	*o;

	if (u->port == -1 || u->port == (strcmp(u->scheme, "https") == 0 ?
	    443 : 80))
		xasprintf(&o, "%s://%s", u->scheme, u->host);
	else
		xasprintf(&o, "%s://%s:%d", u->scheme, u->host, u->port);
	return o;
}

/* Whether two absolute URLs share scheme, host and port (0 when either
 * does not parse). */
int
url_same_origin(const char *a, const char *b)
{
	struct url	 ua, ub;
	const char	*cause;
	int		 same = 0;

	if (url_parse(a, &ua, &cause) == -1)
		return 0;
	if (url_parse(b, &ub, &cause) == 0) {
		same = strcmp(ua.scheme, ub.scheme) == 0 &&
		    strcmp(ua.host, ub.host) == 0 &&
		    url_default_port(&ua) == url_default_port(&ub);
		url_free(&ub);
	}
	url_free(&ua);
	return same;
}

/* localhost, 127.0.0.0/8 and [::1] (RFC 8252 §7.3, RFC 6761). */
int
url_is_loopback_host(const char *h)
{
	size_t	 i;
	int	 dots = 0;

	if (strcmp(h, "localhost") == 0 || strcmp(h, "[::1]") == 0)
		return 1;
	if (strncmp(h, "127.", 4) != 0)
		return 0;
	for (i = 4; h[i] != '\0'; i++) {
		if (h[i] == '.')
			dots++;
		else if (h[i] < '0' || h[i] > '9')
			return 0;
	}
	return dots == 2;
}

/* One byte as %XX. */
static void
pct_byte(struct buf *b, unsigned char c)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			 e[3];

	e[0] = '%';
	e[1] = hex[c >> 4];
	e[2] = hex[c & 15];
	buf_append(b, e, 3);
}

/* Percent-encode everything but RFC 3986 unreserved characters. */
void
url_encode(struct buf *b, const char *s, size_t n)
{
	size_t			 i;
	unsigned char		 c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~')
			buf_putc(b, (char)c);
		else
			pct_byte(b, c);
	}
}

/*
 * `s` with the bytes a URI cannot hold (RFC 3986) percent-encoded:
 * controls, space, non-ASCII (raw UTF-8 text, or not even that) and
 * "<>\^`{|}.  '%' stays: it is encoded already.
 */
static char *
escape_raw(const char *s)
{
	struct buf	 b;
	unsigned char	 c;

	buf_init(&b);
	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (c > 0x20 && c < 0x7f && strchr("\"<>\\^`{|}", c) == NULL)
			buf_putc(&b, (char)c);
		else
			pct_byte(&b, c);
	}
	return buf_release(&b);
}

/*
 * ref (a Location header) made absolute against the absolute URL base,
 * as RFC 3986 §5.2 merges them; dot segments are left for the server to
 * remove, bytes a URI cannot hold are percent-encoded (escape_raw): the
 * result goes into a request line and into answers, as JSON text.  A new
 * string.
 */
char *
url_resolve(const char *base, const char *raw)
{
	const char	*auth, *end, *slash;
	char		*out, *ref = escape_raw(raw);
	size_t		 i;

	for (i = 0; ref[i] != '\0' && strchr("/?#", ref[i]) == NULL; i++)
		if (ref[i] == ':')
			return ref;	/* it has a scheme */
	auth = strstr(base, "://");
	auth = auth == NULL ? base : auth + 3;
	end = auth + strcspn(auth, "/?#");	/* the end of the authority */
	if (ref[0] == '/' && ref[1] == '/')
		xasprintf(&out, "%.*s%s", (int)(auth - base - 2), base, ref);
	else if (ref[0] == '/')
		xasprintf(&out, "%.*s%s", (int)(end - base), base, ref);
	else if (ref[0] == '?' || ref[0] == '#' || ref[0] == '\0') {
		i = (size_t)(end - base) + strcspn(end, ref[0] == '?' ?
		    "?#" : "#");
		xasprintf(&out, "%.*s%s", (int)i, base, ref);
	} else {
		/* the base's path up to its last segment, then ref */
		i = strcspn(end, "?#");
		for (slash = end + i; slash > end && slash[-1] != '/'; slash--)
			;
		if (slash == end)
			xasprintf(&out, "%.*s/%s", (int)(end - base), base, ref);
		else
			xasprintf(&out, "%.*s%s", (int)(slash - base), base,
			    ref);
	}
	free(ref);
	return out;
}

/*
 * `s` as a message or a log line may show it: a URL's userinfo (a user
 * and password libcurl sends) and its query (often an api_key) become
 * "***".  Anything without "://" comes back as it is.  A new string.
 */
char *
url_redact(const char *s)
{
	const char	*a, *end, *at, *q;
	struct buf	 b;

	if ((a = strstr(s, "://")) == NULL)
		return xstrdup(s);
	a += 3;
	end = a + strcspn(a, "/?#");
	buf_init(&b);
	buf_append(&b, s, (size_t)(a - s));
	for (at = end; at > a && at[-1] != '@'; at--)
		;
	if (at > a) {
		buf_puts(&b, "***@");
		a = at;
	}
	q = end + strcspn(end, "?#");
	buf_append(&b, a, (size_t)(q - a));
	if (*q == '?') {
		buf_puts(&b, "?***");
		q += 1 + strcspn(q + 1, "#");
	}
	buf_puts(&b, q);
	return buf_release(&b);
}
