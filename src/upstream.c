/* SPDX-License-Identifier: ISC */
/*
 * upstream: one libcurl easy handle per process, kept between transfers
 * so that its connection cache keeps connections to the API open (and
 * its TLS session cache their sessions); plain http (tool calls) goes
 * through hclient instead.
 * Redirects are followed by hand, and only within the origin of the
 * request, so that forwarded credentials never reach another host.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "hclient.h"
#include "upstream.h"
#include "url.h"
#include "util.h"

#define UP_MAX_REDIRECTS	5

static CURL	*up_handle;
/* the last protocols and proxy set on it, to set them only on a change */
static const char *up_protocols, *up_proxy;

/*
 * The environment libcurl would read on every transfer (its proxy
 * variables), read once, when the handle is made: a worker's
 * environment does not change.  Also OpenSSL's variables for trusted CAs, which
 * libcurl does not read (it uses the bundle it was built with):
 * SSL_CERT_FILE and SSL_CERT_DIR name a private CA for an API or a
 * provider behind TLS.
 */
static struct up_env {
	char	*proxy_http;	/* http_proxy, all_proxy, ALL_PROXY, or "" */
	char	*proxy_https;	/* https_proxy, HTTPS_PROXY, then the same */
	char	*no_proxy;	/* no_proxy, NO_PROXY, or "" */
	char	*ca_file;	/* SSL_CERT_FILE or NULL */
	char	*ca_dir;	/* SSL_CERT_DIR or NULL */
} up_env;

/*
 * The sockets libcurl holds, its kept connections and any being made,
 * known from its open and close callbacks.  libcurl (7.88) reuses a kept
 * connection that has bytes waiting on it: bytes a broken API sent after
 * an answer (a body on a 204, a Content-Length too short) would be read
 * as the answer to the next call, maybe another caller's.  Before each
 * transfer each socket is looked at (MSG_PEEK, as hclient does); one with
 * bytes waiting has its reading shut down and the bytes dropped, so that
 * libcurl's own look before reuse finds it closed and connects afresh.
 * Only that connection goes: the TLS session cache stays.  The table has
 * room for more than libcurl keeps (5) and connects at once; a socket it
 * had no room for would make every later transfer use a new connection.
 */
#define UP_SOCKETS	16
static int	 up_socks[UP_SOCKETS];
static size_t	 up_nsocks;
static int	 up_socks_lost;

struct up_xfer {
	const struct up_request	*rq;
	struct up_response	*rs;
	int			 too_large;
	int			 refused;	/* not a public address */
	int			 head_done;	/* what follows: a trailer */
};

/*
 * A public unicast IPv4 address: not "this network", loopback, private
 * (RFC 1918), shared (100.64/10), link-local, IETF protocol assignments
 * (192.0.0/24), benchmarking (198.18/15), multicast or reserved.
 */
static int
v4_public(const unsigned char *a)
{
	return !(a[0] == 0 || a[0] == 10 || a[0] == 127 ||
	    (a[0] == 100 && (a[1] & 0xc0) == 64) ||
	    (a[0] == 169 && a[1] == 254) ||
	    (a[0] == 172 && (a[1] & 0xf0) == 16) ||
	    (a[0] == 192 && a[1] == 168) ||
	    (a[0] == 192 && a[1] == 0 && a[2] == 0) ||
	    (a[0] == 198 && (a[1] & 0xfe) == 18) || a[0] >= 224);
}

/*
 * IPv6 addresses that carry an IPv4 address and reach it: a connection
 * to ::127.0.0.1 or to 64:ff9b::a00:1 (a NAT64 gateway's way to 10.0.0.1)
 * goes where the IPv4 address says, so it is judged as that address.
 */
static const struct {
	unsigned char	 prefix[12];
	size_t		 len;	/* bytes of the prefix to compare */
	size_t		 v4;	/* where the IPv4 address starts */
} v4_in_v6[] = {
	/* ::/96, IPv4-compatible (RFC 4291); also :: and ::1 */
	{ { 0 }, 12, 12 },
	/* ::ffff:0:0/96, IPv4-mapped (RFC 4291) */
	{ { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff }, 12, 12 },
	/* ::ffff:0:0:0/96, IPv4-translated (RFC 2765) */
	{ { 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0 }, 12, 12 },
	/* 64:ff9b::/96, the well-known NAT64 prefix (RFC 6052) */
	{ { 0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0 }, 12, 12 },
	/* 2002::/16, 6to4 (RFC 3056): the relay is the IPv4 address */
	{ { 0x20, 0x02 }, 2, 2 },
};

/*
 * A public unicast address: for IPv6, not unique local (fc00::/7),
 * link- or site-local (fe80::/9), multicast, documentation (2001:db8::/32)
 * or local-use NAT64 (64:ff9b:1::/48, RFC 8215: never global, and where
 * the IPv4 address sits in it depends on the operator's prefix length);
 * an IPv4 address inside IPv6 (above) is judged as IPv4.
 */
int
up_addr_public(const struct sockaddr *sa)
{
	const unsigned char	*a;
	size_t			 i;

	if (sa->sa_family == AF_INET)
		return v4_public((const unsigned char *)&((const struct
		    sockaddr_in *)(const void *)sa)->sin_addr.s_addr);
	if (sa->sa_family != AF_INET6)
		return 0;
	a = ((const struct sockaddr_in6 *)(const void *)sa)->
	    sin6_addr.s6_addr;
	for (i = 0; i < sizeof(v4_in_v6) / sizeof(v4_in_v6[0]); i++)
		if (memcmp(a, v4_in_v6[i].prefix, v4_in_v6[i].len) == 0)
			return v4_public(a + v4_in_v6[i].v4);
	return !((a[0] & 0xfe) == 0xfc ||
	    (a[0] == 0xfe && (a[1] & 0x80) == 0x80) ||
	    a[0] == 0xff ||
	    (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8) ||
	    (a[0] == 0 && a[1] == 0x64 && a[2] == 0xff && a[3] == 0x9b &&
	    a[4] == 0 && a[5] == 1));
}

/*
 * Checked on the address libcurl is about to connect to, after DNS, so a
 * name that resolves (or re-resolves) to an internal address is refused.
 */
static curl_socket_t
on_opensocket(void *ctx, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct up_xfer	*x = ctx;
	curl_socket_t	 fd;

	(void)purpose;
	if ((x->rq->flags & UP_PUBLIC_ONLY) && !up_addr_public(&a->addr)) {
		x->refused = 1;
		return CURL_SOCKET_BAD;
	}
	if ((fd = socket(a->family, a->socktype, a->protocol)) == -1)
		return CURL_SOCKET_BAD;
	if (up_nsocks < UP_SOCKETS)
		up_socks[up_nsocks++] = fd;
	else
		up_socks_lost = 1;
	return fd;
}

static int
on_closesocket(void *ctx, curl_socket_t fd)
{
	size_t	 i;

	(void)ctx;
	for (i = 0; i < up_nsocks; i++)
		if (up_socks[i] == fd) {
			up_socks[i] = up_socks[--up_nsocks];
			break;
		}
	return close(fd);
}

/* Close (for libcurl) every kept connection with bytes waiting on it. */
static void
drop_unasked(void)
{
	char	 junk[4096];
	size_t	 i;
	ssize_t	 n;

	for (i = 0; i < up_nsocks; i++) {
		if (recv(up_socks[i], junk, 1, MSG_PEEK | MSG_DONTWAIT) <= 0)
			continue;	/* quiet, or closed: libcurl sees it */
		shutdown(up_socks[i], SHUT_RD);
		do
			n = recv(up_socks[i], junk, sizeof(junk),
			    MSG_DONTWAIT);
		while (n > 0);
	}
}

static size_t
on_body(char *p, size_t size, size_t n, void *ctx)
{
	struct up_xfer	*x = ctx;
	size_t		 len = size * n;

	if (x->rs->body.len + len > x->rq->max_response) {
		x->too_large = 1;
		return 0;	/* aborts the transfer */
	}
	buf_append(&x->rs->body, p, len);
	return len;
}

static size_t
on_header(char *p, size_t size, size_t n, void *ctx)
{
	struct up_xfer	*x = ctx;
	size_t		 len = size * n, v;

	/*
	 * A new status line (after a 100 Continue, say) resets what we saw.
	 * libcurl hands over a chunked answer's trailer fields too, after
	 * the empty line that ends the head: none may set the answer's
	 * type (RFC 9110, section 6.5.1).  The first Content-Type counts,
	 * as in the built-in client.
	 */
	if (len > 5 && strncmp(p, "HTTP/", 5) == 0) {
		free(x->rs->content_type);
		x->rs->content_type = NULL;
		x->head_done = 0;
	} else if (len <= 2 && (p[0] == '\r' || p[0] == '\n'))
		x->head_done = 1;
	else if (!x->head_done && x->rs->content_type == NULL && len > 13 &&
	    util_strncaseeq(p, "content-type:", 13)) {
		v = 13;
		while (v < len && (p[v] == ' ' || p[v] == '\t'))
			v++;
		while (len > v && (p[len - 1] == '\r' || p[len - 1] == '\n' ||
		    p[len - 1] == ' '))
			len--;
		x->rs->content_type = xstrndup(p + v, len - v);
	}
	return size * n;
}

static int
on_progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
	struct up_xfer	*x = ctx;

	(void)ultotal;
	(void)ulnow;
	if (x->rq->progress != NULL &&
	    x->rq->progress(x->rq->progress_ctx, (double)dlnow,
	    (double)dltotal) != 0)
		return 1;	/* CURLE_ABORTED_BY_CALLBACK */
	return 0;
}

/* "host:port" of url for messages, or "the API" */
static void
where_of(const char *url, char *where, size_t size)
{
	struct url	 u;
	const char	*cause;

	snprintf(where, size, "the API");
	if (url_parse(url, &u, &cause) == 0) {
		snprintf(where, size, "%s:%d", u.host, url_default_port(&u));
		url_free(&u);
	}
}

/*
 * The message of a failed transfer, the same whichever client made it:
 * the API named by host and port, the cause in words.
 */
static void
word_error(struct up_response *rs, enum up_error e, const char *url,
    const struct up_request *rq, const char *detail)
{
	char	 where[280];

	where_of(url, where, sizeof(where));
	rs->err = e;
	switch (e) {
	case UP_TIMEOUT:
		snprintf(rs->errmsg, sizeof(rs->errmsg), "%s did not answer "
		    "within %g second%s", where, rq->timeout_ms / 1000.0,
		    rq->timeout_ms == 1000 ? "" : "s");
		break;
	case UP_CONNECT:
		snprintf(rs->errmsg, sizeof(rs->errmsg), "could not connect to "
		    "%s (connection refused or unreachable)", where);
		break;
	case UP_RESOLVE:
		/* the built-in client's resolver says why (libcurl's words
		 * would only say it again) */
		if (detail == NULL)
			detail = "";
		snprintf(rs->errmsg, sizeof(rs->errmsg), "could not resolve "
		    "the host name of %s%s%s", where, *detail ? ": " : "",
		    detail);
		break;
	case UP_CANCELLED:
		snprintf(rs->errmsg, sizeof(rs->errmsg), "the client went "
		    "away; the call to %s was stopped", where);
		break;
	case UP_TOO_LARGE:
		snprintf(rs->errmsg, sizeof(rs->errmsg), "the response from "
		    "%s is larger than %zu bytes; transfer aborted", where,
		    rq->max_response);
		break;
	default:
		rs->err = UP_OTHER;
		if (detail == NULL)
			detail = "";
		snprintf(rs->errmsg, sizeof(rs->errmsg), "request to %s "
		    "failed: %s", where, detail);
		snprintf(rs->errwhy, sizeof(rs->errwhy), "%s", detail);
		break;
	}
}

static void
curl_error(struct up_response *rs, CURLcode cc, const struct up_xfer *x,
    const char *url)
{
	enum up_error	 e;
	char		 where[280];

	if (x->refused) {
		where_of(url, where, sizeof(where));
		rs->err = UP_CONNECT;
		snprintf(rs->errmsg, sizeof(rs->errmsg), "%s is not a public "
		    "address; not connected", where);
		return;
	}
	e = cc == CURLE_OPERATION_TIMEDOUT ? UP_TIMEOUT :
	    cc == CURLE_COULDNT_CONNECT ? UP_CONNECT :
	    cc == CURLE_COULDNT_RESOLVE_HOST ? UP_RESOLVE :
	    cc == CURLE_WRITE_ERROR && x->too_large ? UP_TOO_LARGE :
	    cc == CURLE_ABORTED_BY_CALLBACK ? UP_CANCELLED : UP_OTHER;
	word_error(rs, e, url, x->rq, e == UP_OTHER ? curl_easy_strerror(cc) :
	    NULL);
}

/* The first of the variables that is set and not empty, or NULL. */
static char *
env_first(const char *const *names)
{
	const char	*v;

	for (; *names != NULL; names++)
		if ((v = getenv(*names)) != NULL && *v != '\0')
			return xstrdup(v);
	return NULL;
}

/*
 * The proxy libcurl would pick from the environment, by its rules: for
 * http, http_proxy (never HTTP_PROXY: a CGI program gets the client's
 * Proxy header there), for https, https_proxy or HTTPS_PROXY; then
 * all_proxy or ALL_PROXY; an empty variable counts as unset.  "" is no
 * proxy.  no_proxy or NO_PROXY is handed to libcurl, which matches it.
 */
static void
env_read(struct up_env *e)
{
	static const char *const http[] = { "http_proxy", "all_proxy",
	    "ALL_PROXY", NULL };
	static const char *const https[] = { "https_proxy", "HTTPS_PROXY",
	    "all_proxy", "ALL_PROXY", NULL };
	static const char *const no[] = { "no_proxy", "NO_PROXY", NULL };
	static const char *const ca_file[] = { "SSL_CERT_FILE", NULL };
	static const char *const ca_dir[] = { "SSL_CERT_DIR", NULL };

	if ((e->proxy_http = env_first(http)) == NULL)
		e->proxy_http = xstrdup("");
	if ((e->proxy_https = env_first(https)) == NULL)
		e->proxy_https = xstrdup("");
	if ((e->no_proxy = env_first(no)) == NULL)
		e->no_proxy = xstrdup("");
	e->ca_file = env_first(ca_file);
	e->ca_dir = env_first(ca_dir);
}

static void
env_free(struct up_env *e)
{
	free(e->proxy_http);
	free(e->proxy_https);
	free(e->no_proxy);
	free(e->ca_file);
	free(e->ca_dir);
	memset(e, 0, sizeof(*e));
}

/* A status whose Location the caller may follow (304 is not one). */
static int
is_redirect(long status)
{
	return status >= 300 && status < 400 && status != 304;
}

/*
 * The handle, made once with the options that never change.  It is not
 * reset between transfers (curl_easy_reset frees and sets again every
 * option, and then libcurl reads its proxy variables again): curl_hop
 * sets every option that differs between requests, each time.  The
 * connection cache and the TLS session cache are the handle's, so the
 * connection to the API and its TLS session are kept between calls.
 */
static CURL *
handle(void)
{
	if (up_handle != NULL)
		return up_handle;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if ((up_handle = curl_easy_init()) == NULL)
		abort();
	env_read(&up_env);
	curl_easy_setopt(up_handle, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(up_handle, CURLOPT_OPENSOCKETFUNCTION, on_opensocket);
	curl_easy_setopt(up_handle, CURLOPT_CLOSESOCKETFUNCTION,
	    on_closesocket);
	curl_easy_setopt(up_handle, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(up_handle, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(up_handle, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(up_handle, CURLOPT_ACCEPT_ENCODING, "");
	/* HTTP/1.1 over TLS too: one request at a time gains nothing from
	 * HTTP/2's streams, and its framing costs every call */
	curl_easy_setopt(up_handle, CURLOPT_HTTP_VERSION,
	    (long)CURL_HTTP_VERSION_1_1);
	/* no_proxy as libcurl would read it; "" matches no host */
	curl_easy_setopt(up_handle, CURLOPT_NOPROXY, up_env.no_proxy);
	if (up_env.ca_file != NULL)
		curl_easy_setopt(up_handle, CURLOPT_CAINFO, up_env.ca_file);
	if (up_env.ca_dir != NULL)
		curl_easy_setopt(up_handle, CURLOPT_CAPATH, up_env.ca_dir);
	return up_handle;
}

/*
 * One request with libcurl, no redirect followed; 0 with rs->status and
 * *loc (NULL, or the absolute URL a redirect points to, to be freed),
 * or -1 with rs->err.
 */
static int
curl_hop(const struct up_request *rq, const char *url, const char *method,
    const char *body, size_t body_len, struct curl_slist *hl,
    struct up_response *rs, char **loc)
{
	const char		*want;
	struct up_xfer		 x;
	CURL			*h = handle();
	CURLcode		 cc;
	char			*redirect = NULL;
	int			 fresh;

	*loc = NULL;
	memset(&x, 0, sizeof(x));
	x.rq = rq;
	x.rs = rs;
	curl_easy_setopt(h, CURLOPT_URL, url);
	want = (rq->flags & UP_HTTPS_ONLY) ? "https" : "http,https";
	if (want != up_protocols) {
		curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, want);
		up_protocols = want;
	}
	/*
	 * The proxy libcurl would take from the environment for this URL's
	 * scheme (it still applies no_proxy).  UP_PUBLIC_ONLY: none, to
	 * judge the real peer, on a connection of its own.
	 */
	want = (rq->flags & UP_PUBLIC_ONLY) ? "" :
	    util_strncaseeq(url, "https:", 6) ? up_env.proxy_https :
	    up_env.proxy_http;
	if (want != up_proxy) {
		curl_easy_setopt(h, CURLOPT_PROXY, want);
		up_proxy = want;
	}
	fresh = (rq->flags & UP_PUBLIC_ONLY) || up_socks_lost;
	curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, fresh ? 1L : 0L);
	curl_easy_setopt(h, CURLOPT_FORBID_REUSE, fresh ? 1L : 0L);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &x);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &x);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &x);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, rq->timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
	    rq->connect_timeout_ms > 0 ? rq->connect_timeout_ms : 0L);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	/* libcurl's progress meter costs a call: only when asked for; it
	 * is called about once a second while nothing arrives too */
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, rq->progress != NULL ? 0L : 1L);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, &x);
	/*
	 * The method and body, from a clean state: POSTFIELDS makes the
	 * request a POST, so it goes first; HTTPGET then sets GET and
	 * clears NOBODY and UPLOAD; CUSTOMREQUEST names any other method.
	 */
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, (char *)NULL);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)-1);
	curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0) {
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, (char *)NULL);
		if (method[0] == 'H')
			curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	} else
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	if (body != NULL) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)body_len);
		/* POSTFIELDS made a GET a POST: a read-only tool's call
		 * could then create what it was trusted to read */
		if (strcmp(method, "GET") == 0)
			curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "GET");
	}
	drop_unasked();
	if ((cc = curl_easy_perform(h)) != CURLE_OK) {
		curl_error(rs, cc, &x, url);
		return -1;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &rs->status);
	if (is_redirect(rs->status) && curl_easy_getinfo(h,
	    CURLINFO_REDIRECT_URL, &redirect) == CURLE_OK && redirect != NULL)
		*loc = xstrdup(redirect);
	return 0;
}

/*
 * One request with hclient when the caller allows it and the URL is one
 * it serves (plain http, no proxy, no credentials); 1 when not, so that
 * libcurl makes it.  Otherwise as curl_hop.
 */
static int
direct_hop(const struct up_request *rq, const char *url, const char *method,
    const char *body, size_t body_len, struct up_response *rs, char **loc)
{
	struct url	 u;
	const char	*cause;
	char		*location = NULL, detail[sizeof(rs->errmsg)];
	int		 rc = 1;

	*loc = NULL;
	if (!(rq->flags & UP_DIRECT_OK) ||
	    (rq->flags & (UP_HTTPS_ONLY | UP_PUBLIC_ONLY)) ||
	    !util_strncaseeq(url, "http://", 7) ||
	    url_parse(url, &u, &cause) == -1)
		return 1;
	if (!hc_usable(&u))
		goto out;
	if ((rc = hc_transfer(rq, &u, method, body, body_len, rs,
	    &location)) == -1) {
		snprintf(detail, sizeof(detail), "%s", rs->errmsg);
		word_error(rs, rs->err, url, rq, detail);
		goto out;
	}
	if (location != NULL && is_redirect(rs->status))
		*loc = url_resolve(url, location);
out:
	free(location);
	url_free(&u);
	return rc;
}

/*
 * One transfer.  A redirect within the origin is followed (up to five);
 * 301/302/303 turn into GET without a body, as browsers do.  Returns 0
 * when an HTTP response arrived (whatever its status), -1 with rs->err.
 */
int
up_perform(const struct up_request *rq, struct up_response *rs)
{
	struct curl_slist	*hl = NULL;
	struct up_request	 hr = *rq;	/* with the time left */
	const char		*method = rq->method, *body = rq->body;
	char			*loc = NULL;
	char			*url = xstrdup(rq->url);
	size_t			 i, body_len = rq->body_len;
	double			 start = util_now_mono();
	long			 left;
	int			 hops, rc = -1, hop;

	memset(rs, 0, sizeof(*rs));
	buf_init(&rs->body);
	/*
	 * A header line is one line.  hclient refuses a CR or LF in one;
	 * libcurl would send it as it is, and a media type or parameter
	 * name from a document could then add headers of its own.
	 */
	for (i = 0; rq->headers != NULL && rq->headers[i] != NULL; i++)
		if (strpbrk(rq->headers[i], "\r\n") != NULL) {
			rs->err = UP_OTHER;
			snprintf(rs->errmsg, sizeof(rs->errmsg), "a request "
			    "header holds a line break; nothing was sent");
			goto out;
		}
	for (hops = 0;; hops++) {
		buf_reset(&rs->body);
		free(rs->content_type);
		rs->content_type = NULL;
		rs->status = 0;
		/* the timeout is the call's: a redirect gets what is left */
		left = rq->timeout_ms -
		    (long)((util_now_mono() - start) * 1000.0);
		if (hops > 0 && left <= 0) {
			word_error(rs, UP_TIMEOUT, url, rq, NULL);
			goto out;
		}
		hr.timeout_ms = hops > 0 ? left : rq->timeout_ms;
		if ((hop = direct_hop(&hr, url, method, body, body_len, rs,
		    &loc)) == 1) {
			if (hl == NULL) {
				for (i = 0; rq->headers != NULL &&
				    rq->headers[i] != NULL; i++)
					hl = curl_slist_append(hl,
					    rq->headers[i]);
				/* no "Expect: 100-continue" round trip */
				if (body != NULL)
					hl = curl_slist_append(hl, "Expect:");
			}
			hop = curl_hop(&hr, url, method, body, body_len, hl,
			    rs, &loc);
		}
		if (hop == -1) {
			if (rs->err == UP_TIMEOUT)	/* the call's, in words */
				word_error(rs, UP_TIMEOUT, url, rq, NULL);
			goto out;
		}
		if (loc == NULL)
			break;
		if ((rq->flags & UP_NO_REDIRECT) || !url_same_origin(url, loc) ||
		    hops >= UP_MAX_REDIRECTS) {
			rs->err = UP_REDIRECT;
			snprintf(rs->errmsg, sizeof(rs->errmsg), "the API "
			    "answered %ld with a redirect %s; not followed",
			    rs->status, hops >= UP_MAX_REDIRECTS ?
			    "after too many redirects" : "to another origin");
			goto out;
		}
		free(url);
		url = loc;
		loc = NULL;
		/* RFC 9110 15.4: a 301 or 302 may turn a POST into a
		 * GET, as browsers do, and a 303 anything but a HEAD;
		 * every other method stays what it was */
		if ((rs->status == 303 && strcmp(method, "HEAD") != 0) ||
		    ((rs->status == 301 || rs->status == 302) &&
		    strcmp(method, "POST") == 0)) {
			method = "GET";
			body = NULL;
			body_len = 0;
		}
	}
	rc = 0;
out:
	free(loc);
	rs->url = url;
	rs->seconds = util_now_mono() - start;
	curl_slist_free_all(hl);
	return rc;
}

/* A short word for a failure class, for logs and audit records. */
const char *
up_error_name(enum up_error e)
{
	static const char *const names[UP_ERROR__MAX] = {
		"ok", "timeout", "connect", "resolve", "too_large",
		"redirect", "cancelled", "other",
	};

	return (unsigned)e < UP_ERROR__MAX ? names[e] : "other";
}

/*
 * The cause of a failed transfer in words for whoever called the tool:
 * the kind of failure without the host and port that errmsg gives the
 * log (where the API lives is the operator's business, and may be an
 * internal address); for others, libcurl's generic words for its error
 * code, or the built-in client's, which name no host.
 */
void
up_error_public(const struct up_response *rs, const struct up_request *rq,
    char *buf, size_t sz)
{
	switch (rs->err) {
	case UP_TIMEOUT:
		snprintf(buf, sz, "it did not answer within %g second%s",
		    rq->timeout_ms / 1000.0, rq->timeout_ms == 1000 ? "" :
		    "s");
		break;
	case UP_CONNECT:
		snprintf(buf, sz, "could not connect (connection refused or "
		    "unreachable)");
		break;
	case UP_RESOLVE:
		snprintf(buf, sz, "its host name could not be resolved");
		break;
	case UP_TOO_LARGE:
		snprintf(buf, sz, "the response is larger than %zu bytes; "
		    "transfer aborted", rq->max_response);
		break;
	case UP_REDIRECT:
		snprintf(buf, sz, "it answered with a redirect, which is not "
		    "followed");
		break;
	case UP_CANCELLED:
		snprintf(buf, sz, "the client went away; the call was "
		    "stopped");
		break;
	default:
		if (rs->errwhy[0] != '\0')
			snprintf(buf, sz, "the request failed: %s", rs->errwhy);
		else
			snprintf(buf, sz, "the request failed (this server's "
			    "log says why)");
		break;
	}
}

void
up_response_free(struct up_response *rs)
{
	free(rs->content_type);
	free(rs->url);
	buf_free(&rs->body);
	memset(rs, 0, sizeof(*rs));
}

void
up_cleanup(void)
{
	hc_cleanup();
	env_free(&up_env);
	if (up_handle != NULL) {
		curl_easy_cleanup(up_handle);
		up_handle = NULL;
		up_protocols = up_proxy = NULL;
		/* closed through on_closesocket: none is left to look at */
		up_nsocks = 0;
		up_socks_lost = 0;
		curl_global_cleanup();
	}
}
