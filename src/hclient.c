/*
 * hclient: plain HTTP/1.1 to an IP address, one kept-alive connection per
 * process (see hclient.h for why it exists).  A call is: the request head
 * and body in one sendmsg(2), a poll(2) for the answer, a recv(2) or
 * a few; libcurl 7.88 spends about half of a tool call's instructions
 * and seven polls on the same exchange.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdint.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hclient.h"

#define HC_LINE_MAX	4096	/* a chunk-size line */
#define HC_READ		16384	/* bytes asked of recv(2) at a time */
#define HC_INLINE_BODY	16384	/* bodies up to this go with the head */

/* ---------------------------------------------------------------- parser */

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

static int
is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' &&
	    strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Does the comma-separated list v (of n bytes) hold the token t? */
static int
has_token(const char *v, size_t n, const char *t)
{
	size_t	 i = 0, s, e, tl = strlen(t);

	while (i < n) {
		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		s = i;
		while (i < n && v[i] != ',')
			i++;
		e = i;
		while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
			e--;
		if (e - s == tl && util_strncaseeq(v + s, t, tl))
			return 1;
	}
	return 0;
}

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
		if (!is_tchar((unsigned char)l[i]))
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
		if (has_token(v, vl, "close"))
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
	size_t	 i = p->scanned;

	/* an empty line: "\n\n" or "\n\r\n" */
	for (; i < n; i++) {
		if (s[i] != '\n')
			continue;
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
	if (p->head_only || p->status == 204 || p->status == 304)
		p->state = HC_DONE;
	else if (p->chunked) {
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

	for (i = 0; i < n; i++) {
		if (l[i] >= '0' && l[i] <= '9')
			d = l[i] - '0';
		else if ((l[i] | 0x20) >= 'a' && (l[i] | 0x20) <= 'f')
			d = (l[i] | 0x20) - 'a' + 10;
		else
			break;
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

/* ------------------------------------------------------------ transport */

/* the one connection of this process, and the buffers it reuses */
static int		 hc_fd = -1;
static char		 hc_peer[96];	/* "host port" it went to */
static struct buf	 hc_out, hc_in;

void
hc_close(void)
{
	if (hc_fd != -1)
		close(hc_fd);
	hc_fd = -1;
	hc_peer[0] = '\0';
}

/* At exit: the connection and the buffers. */
void
hc_cleanup(void)
{
	hc_close();
	buf_free(&hc_out);
	buf_free(&hc_in);
}

/* libcurl's proxy variables for http:// URLs, looked at once */
static int
proxy_configured(void)
{
	static int	 known, set;
	static const char *const names[] = { "http_proxy", "all_proxy",
	    "ALL_PROXY" };
	const char	*v;
	size_t		 i;

	if (!known) {
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if ((v = getenv(names[i])) != NULL && *v != '\0')
				set = 1;
		known = 1;
	}
	return set;
}

static int
peer_address(const struct url *u, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in	*s4 = (struct sockaddr_in *)(void *)ss;
	struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)(void *)ss;
	char			 h[64];
	size_t			 n = strlen(u->host);
	int			 port = url_default_port(u);

	memset(ss, 0, sizeof(*ss));
	if (n > 2 && u->host[0] == '[' && n - 2 < sizeof(h)) {
		memcpy(h, u->host + 1, n - 2);
		h[n - 2] = '\0';
		if (inet_pton(AF_INET6, h, &s6->sin6_addr) != 1)
			return -1;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((unsigned short)port);
		*len = sizeof(*s6);
		return 0;
	}
	if (inet_pton(AF_INET, u->host, &s4->sin_addr) != 1)
		return -1;
	s4->sin_family = AF_INET;
	s4->sin_port = htons((unsigned short)port);
	*len = sizeof(*s4);
	return 0;
}

/*
 * Can a request to u go this way?  Plain http, an IP address (no name to
 * resolve: a resolver has no timeout), no credentials in the URL, and no
 * proxy that libcurl would have used.
 */
int
hc_usable(const struct url *u)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len;

	return strcmp(u->scheme, "http") == 0 && !u->has_userinfo &&
	    !proxy_configured() && peer_address(u, &ss, &len) == 0;
}

/* ms left before the deadline, at least 0 */
static int
left_ms(double deadline)
{
	double	 d = (deadline - util_now_mono()) * 1000;

	return d <= 0 ? 0 : d > 1e9 ? 1000000000 : (int)d + 1;
}

/* Wait for fd to be ready for ev; 0, or -1 (errno ETIMEDOUT on time). */
static int
wait_fd(int fd, short ev, double deadline)
{
	struct pollfd	 pfd;
	int		 ms, n;

	for (;;) {
		if ((ms = left_ms(deadline)) == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		pfd.fd = fd;
		pfd.events = ev;
		pfd.revents = 0;
		if ((n = poll(&pfd, 1, ms)) > 0)
			return 0;
		if (n == -1 && errno != EINTR)
			return -1;
	}
}

static int
open_conn(const struct url *u, double deadline, struct up_response *rs)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len, elen;
	int			 fd, err = 0, one = 1;

	if (peer_address(u, &ss, &len) == -1) {
		rs->err = UP_CONNECT;
		return -1;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0);
	if (fd == -1) {
		rs->err = UP_OTHER;
		snprintf(rs->errmsg, sizeof(rs->errmsg), "socket: %s",
		    strerror(errno));
		return -1;
	}
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&ss, len) == -1) {
		if (errno != EINPROGRESS)
			err = errno;
		else if (wait_fd(fd, POLLOUT, deadline) == -1)
			err = errno;
		else {
			elen = sizeof(err);
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err,
			    &elen) == -1)
				err = errno;
		}
	}
	if (err != 0) {
		close(fd);
		rs->err = err == ETIMEDOUT ? UP_TIMEOUT : UP_CONNECT;
		return -1;
	}
	return fd;
}

/*
 * The request head: request line, Host, the caller's headers (one
 * without a value is left out, as libcurl does), Content-Length.
 * Returns -1 when a header holds a line break.
 */
static int
write_head(const struct url *u, const char *method, const char *body,
    size_t body_len, const char **headers)
{
	const char	*h, *c;
	size_t		 i;
	char		 num[24];

	buf_reset(&hc_out);
	buf_puts(&hc_out, method);
	buf_putc(&hc_out, ' ');
	buf_puts(&hc_out, *u->path == '\0' ? "/" : u->path);
	if (u->query != NULL) {
		buf_putc(&hc_out, '?');
		buf_puts(&hc_out, u->query);
	}
	buf_puts(&hc_out, " HTTP/1.1\r\nHost: ");
	buf_puts(&hc_out, u->host);
	if (u->port != -1 && u->port != 80) {
		buf_putc(&hc_out, ':');
		buf_append(&hc_out, num, util_utoa(num,
		    (unsigned long long)u->port));
	}
	buf_puts(&hc_out, "\r\n");
	for (i = 0; headers != NULL && (h = headers[i]) != NULL; i++) {
		if (strpbrk(h, "\r\n") != NULL)
			return -1;
		if ((c = strchr(h, ':')) == NULL)
			return -1;
		for (c++; *c == ' ' || *c == '\t'; c++)
			;
		if (*c == '\0')
			continue;
		buf_puts(&hc_out, h);
		buf_puts(&hc_out, "\r\n");
	}
	if (body != NULL) {
		buf_puts(&hc_out, "Content-Length: ");
		buf_append(&hc_out, num, util_utoa(num, body_len));
		buf_puts(&hc_out, "\r\n");
	}
	buf_puts(&hc_out, "\r\n");
	if (body != NULL && body_len <= HC_INLINE_BODY)
		buf_append(&hc_out, body, body_len);
	return 0;
}

/* Send the head (and the body if it is not in it); 0 or -1 with errno. */
static int
send_all(int fd, const char *body, size_t body_len, double deadline)
{
	struct iovec	 iov[2];
	struct msghdr	 m;
	size_t		 niov = 1, skip = 0;
	ssize_t		 n;

	iov[0].iov_base = hc_out.data;
	iov[0].iov_len = hc_out.len;
	if (body != NULL && body_len > HC_INLINE_BODY) {
		iov[1].iov_base = (void *)(uintptr_t)body;
		iov[1].iov_len = body_len;
		niov = 2;
	}
	for (;;) {
		memset(&m, 0, sizeof(m));
		m.msg_iov = iov + skip;
		m.msg_iovlen = niov - skip;
		n = sendmsg(fd, &m, MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -1;
			if (wait_fd(fd, POLLOUT, deadline) == -1)
				return -1;
			continue;
		}
		while (skip < niov && (size_t)n >= iov[skip].iov_len) {
			n -= (ssize_t)iov[skip].iov_len;
			skip++;
		}
		if (skip == niov)
			return 0;
		iov[skip].iov_base = (char *)iov[skip].iov_base + n;
		iov[skip].iov_len -= (size_t)n;
	}
}

/*
 * Is a kept connection still fit for a request?  Not when the server has
 * closed it or sent something unasked (a 408 before closing, say): one
 * look without waiting, so that a request is rarely sent into a
 * connection already gone.
 */
static int
idle_ok(int fd)
{
	char	 c;

	return recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == -1 &&
	    (errno == EAGAIN || errno == EWOULDBLOCK);
}

enum { TRY_DONE, TRY_FAILED, TRY_STALE };

/*
 * One exchange on the connection (fresh or reused).  TRY_STALE: a reused
 * connection the server had closed; nothing of an answer came, so the
 * request goes again on a new one (as libcurl does).
 */
static int
exchange(const struct up_request *rq, const char *method, const char *body,
    size_t body_len, int reused, double deadline, struct hc_parser *p,
    struct up_response *rs)
{
	size_t		 off = 0, used, got = 0, before;
	ssize_t		 n;
	enum hc_result	 r;

	if (send_all(hc_fd, body, body_len, deadline) == -1) {
		if (reused && (errno == EPIPE || errno == ECONNRESET))
			return TRY_STALE;
		rs->err = errno == ETIMEDOUT ? UP_TIMEOUT : UP_OTHER;
		snprintf(rs->errmsg, sizeof(rs->errmsg), "sending the "
		    "request: %s", strerror(errno));
		return TRY_FAILED;
	}
	buf_reset(&hc_in);
	hc_parser_init(p, strcmp(method, "HEAD") == 0, rq->max_response);
	for (;;) {
		if (wait_fd(hc_fd, POLLIN, deadline) == -1) {
			rs->err = errno == ETIMEDOUT ? UP_TIMEOUT : UP_OTHER;
			snprintf(rs->errmsg, sizeof(rs->errmsg), "%s",
			    strerror(errno));
			return TRY_FAILED;
		}
		buf_reserve(&hc_in, HC_READ);
		n = recv(hc_fd, hc_in.data + hc_in.len, HC_READ, 0);
		if (n == -1 && (errno == EINTR || errno == EAGAIN ||
		    errno == EWOULDBLOCK))
			continue;
		if (n <= 0 && got == 0 && reused &&
		    (n == 0 || errno == ECONNRESET))
			return TRY_STALE;
		if (n == -1) {
			rs->err = UP_OTHER;
			snprintf(rs->errmsg, sizeof(rs->errmsg), "receiving "
			    "the answer: %s", strerror(errno));
			return TRY_FAILED;
		}
		before = rs->body.len;
		if (n == 0)
			r = hc_parse_eof(p);
		else {
			got += (size_t)n;
			hc_in.len += (size_t)n;
			r = hc_parse(p, hc_in.data + off, hc_in.len - off,
			    &used, &rs->body);
			off += used;
		}
		if (r == HC_FAIL) {
			rs->err = p->too_large ? UP_TOO_LARGE : UP_OTHER;
			snprintf(rs->errmsg, sizeof(rs->errmsg), "%s%s",
			    n == 0 ? "" : "the API's answer is not valid "
			    "HTTP/1.1: ", p->too_large ? "too large" : p->error);
			return TRY_FAILED;
		}
		if (rq->progress != NULL && rs->body.len > before)
			rq->progress(rq->progress_ctx, (double)rs->body.len,
			    p->has_length ? (double)p->length : 0);
		if (r == HC_COMPLETE) {
			/* bytes after the answer: the stream is not ours */
			if (off < hc_in.len)
				p->keep_alive = 0;
			return TRY_DONE;
		}
		/* keep the unread tail only */
		if (off == hc_in.len) {
			hc_in.len = 0;
			off = 0;
		} else if (off > 0) {
			memmove(hc_in.data, hc_in.data + off, hc_in.len - off);
			hc_in.len -= off;
			off = 0;
		}
	}
}

/*
 * One request to u (no redirects followed: up_perform does that).
 * Returns 0 with rs->status, rs->content_type, the body and *location
 * (NULL or the Location header, to be freed); -1 with rs->err and a
 * detail in rs->errmsg (upstream.c words the message).
 */
int
hc_transfer(const struct up_request *rq, const struct url *u,
    const char *method, const char *body, size_t body_len,
    struct up_response *rs, char **location)
{
	struct hc_parser p;
	char		 peer[sizeof(hc_peer)], num[24];
	double		 deadline = util_now_mono() + rq->timeout_ms / 1000.0;
	int		 attempt, reused, r = TRY_FAILED;

	*location = NULL;
	hc_parser_init(&p, 0, rq->max_response);
	util_utoa(num, (unsigned long long)url_default_port(u));
	snprintf(peer, sizeof(peer), "%s %s", u->host, num);
	if (write_head(u, method, body, body_len, rq->headers) == -1) {
		rs->err = UP_OTHER;
		snprintf(rs->errmsg, sizeof(rs->errmsg), "a request header "
		    "holds a line break or no name");
		return -1;
	}
	if (hc_fd != -1 && (strcmp(peer, hc_peer) != 0 || !idle_ok(hc_fd)))
		hc_close();
	for (attempt = 0; attempt < 2; attempt++) {
		reused = hc_fd != -1;
		if (!reused) {
			if ((hc_fd = open_conn(u, deadline, rs)) == -1)
				return -1;
			memcpy(hc_peer, peer, sizeof(hc_peer));
		}
		hc_parser_free(&p);
		r = exchange(rq, method, body, body_len, reused, deadline, &p,
		    rs);
		if (r != TRY_STALE)
			break;
		hc_close();
		buf_reset(&rs->body);
	}
	/* (the second try is on a new connection: never TRY_STALE) */
	if (r != TRY_DONE) {
		hc_close();
		hc_parser_free(&p);
		return -1;
	}
	if (!p.keep_alive)
		hc_close();
	rs->status = p.status;
	rs->content_type = p.content_type;
	*location = p.location;
	p.content_type = p.location = NULL;
	return 0;
}
