/* SPDX-License-Identifier: ISC */
/*
 * guard: is this Host, is this Origin, one we serve?  A browser tricked by
 * DNS rebinding sends the attacker's host name in Host and the attacker's
 * page in Origin; both are checked against allow-lists that default to the
 * public URL's host and loopback.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "url.h"
#include "util.h"

/* The host part of a Host value, `n` bytes, compared without case. */
static int
host_is(const char *h, size_t n, const char *name)
{
	return name != NULL && strlen(name) == n && util_strncaseeq(h, name, n);
}

static int
default_host(const struct cfg *c, const char *h, size_t n)
{
	return host_is(h, n, "localhost") || host_is(h, n, "127.0.0.1") ||
	    host_is(h, n, "[::1]") || host_is(h, n, c->public_host);
}

/*
 * Entries are "host" (any port), "host:port" (that port) or "*", which
 * matches when `star` is set.
 */
static int
list_has_host(const char *list, const char *host, int port, int star)
{
	char	*copy, *p, *tok, *h;
	int	 eport, found = 0;

	copy = xstrdup(list);
	for (p = copy; !found && (tok = strsep(&p, ",")) != NULL;) {
		tok = util_trim(tok);
		if (strcmp(tok, "*") == 0) {
			found = star;
			continue;
		}
		if (url_host_split(tok, &h, &eport) == -1)
			continue;
		found = strcmp(h, host) == 0 && (eport == -1 || eport == port);
		free(h);
	}
	free(copy);
	return found;
}

/* A missing Host (HTTP/1.0) cannot come from a rebinding browser. */
int
guard_host_ok(const struct cfg *c, const char *value)
{
	char	*host;
	size_t	 n;
	int	 port, ok;

	if (value == NULL)
		return 1;
	if (url_host_span(value, &n, &port) == -1)
		return 0;
	if (c->allowed_hosts == NULL)
		return default_host(c, value, n);
	if (url_host_split(value, &host, &port) == -1)
		return 0;
	ok = list_has_host(c->allowed_hosts, host, port, 1);
	free(host);
	return ok;
}

/*
 * No Origin: not a cross-site browser request, allowed.  "null" (sandboxed
 * frames, file: pages) and anything unparsable are refused.
 */
int
guard_origin_ok(const struct cfg *c, const char *value)
{
	struct url	 u;
	const char	*cause;
	char		*origin;
	int		 ok = 0;

	if (value == NULL)
		return 1;
	if (url_parse(value, &u, &cause) == -1)
		return 0;
	if (u.path[0] != '\0' || u.query != NULL || u.has_userinfo ||
	    u.has_fragment)
		goto out;
	if (c->allowed_origins != NULL) {
		origin = url_origin(&u);
		ok = util_list_contains(c->allowed_origins, "*", 0) ||
		    util_list_contains(c->allowed_origins, origin, 1);
		free(origin);
	} else if ((strcmp(u.scheme, "http") == 0 && u.port == 443) ||
	    (strcmp(u.scheme, "https") == 0 && u.port == 80))
		/* origins taken from hosts: http on 443 or https on 80 is a
		 * page no server of ours serves (a host:443 entry means
		 * https), a plain-http one on the same host, say */
		ok = 0;
	else if (c->allowed_hosts != NULL)
		/* a "*" host (a balancer that rewrites Host, say) is no
		 * reason to let any web page in: its origins are the
		 * default ones, and only MCP_ALLOWED_ORIGINS=* allows all */
		ok = list_has_host(c->allowed_hosts, u.host,
		    url_default_port(&u), 0) ||
		    (util_list_contains(c->allowed_hosts, "*", 0) &&
		    default_host(c, u.host, strlen(u.host)));
	else
		ok = default_host(c, u.host, strlen(u.host));
out:
	url_free(&u);
	return ok;
}
