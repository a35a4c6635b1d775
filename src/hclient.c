/* SPDX-License-Identifier: ISC */
/*
 * hclient: plain HTTP/1.1 to an IP address or host name, one kept-alive
 * connection per process (see hclient.h for why it exists).  A call is:
 * the request head and body in one sendmsg(2), then a recv(2) that waits
 * for the answer (the socket is blocking, with SO_RCVTIMEO), and a few
 * more with poll(2) when the answer comes in pieces; libcurl 7.88 spends
 * about half of a tool call's instructions and seven polls on the same
 * exchange.  A host name is looked up by hc_resolve.c.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hclient.h"

#define HC_READ		16384	/* bytes asked of recv(2) at a time */
#define HC_INLINE_BODY	16384	/* bodies up to this go with the head */
#define HC_ADDR_MS	500	/* for one address of a name, when more follow */
#define HC_TICK_MS	1000	/* a watching caller hears this often */

/* the one connection of this process, and the buffers it reuses */
static int		 hc_fd = -1;
static char		 hc_peer[HC_NAME_MAX + 8]; /* "host port" it went to */
static long		 hc_rcvtimeo_ms; /* its SO_RCVTIMEO, 0 when unset */
static struct buf	 hc_out, hc_in;

void
hc_close(void)
{
	if (hc_fd != -1)
		close(hc_fd);
	hc_fd = -1;
	hc_peer[0] = '\0';
	hc_rcvtimeo_ms = 0;
}

/* At exit: the connection and the buffers. */
void
hc_cleanup(void)
{
	hc_close();
	hc_resolve_cleanup();
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
 * A host name hc_resolve may look up: letters, digits, '-', '_' and
 * dots, as in DNS.  Anything else (an international name libcurl would
 * convert, a zone in an IPv6 address) stays with libcurl.
 */
static int
plain_name(const char *h)
{
	size_t	 n = strspn(h, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

	return n > 0 && h[n] == '\0' && n <= HC_NAME_MAX && h[0] != '.' &&
	    h[0] != '-';
}

/*
 * Can a request to u go this way?  Plain http, an IP address or a host
 * name, no credentials in the URL, and no proxy that libcurl would have
 * used.
 */
int
hc_usable(const struct url *u)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len;

	return strcmp(u->scheme, "http") == 0 && !u->has_userinfo &&
	    !proxy_configured() && (peer_address(u, &ss, &len) == 0 ||
	    plain_name(u->host));
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

/*
 * A connection to one address, made by the deadline: the fd, or -1 with
 * *err (an errno value; ETIMEDOUT when the deadline passed).
 */
static int
connect_addr(const struct sockaddr *sa, socklen_t len, double deadline,
    int *err)
{
	socklen_t	 elen;
	int		 fd, one = 1;

	*err = 0;
	fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0);
	if (fd == -1) {
		*err = errno;
		return -1;
	}
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, sa, len) == -1) {
		if (errno != EINPROGRESS)
			*err = errno;
		else if (wait_fd(fd, POLLOUT, deadline) == -1)
			*err = errno;
		else {
			elen = sizeof(*err);
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, err,
			    &elen) == -1)
				*err = errno;
		}
	}
	/* connected: blocking from now on, so that a recv(2) can wait
	 * (sends are MSG_DONTWAIT, and wait with a deadline of their own) */
	if (*err == 0 && fcntl(fd, F_SETFL, 0) == -1)
		*err = errno;
	if (*err != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Out of descriptors or memory: this process's trouble, not the peer's. */
static int
local_error(int err)
{
	return err == EMFILE || err == ENFILE || err == ENOBUFS ||
	    err == ENOMEM;
}

/* The class of a failed connection: the deadline, here, or the peer. */
static void
conn_error(struct up_response *rs, int err)
{
	if (err == ETIMEDOUT)
		rs->err = UP_TIMEOUT;
	else if (local_error(err)) {
		rs->err = UP_OTHER;
		snprintf(rs->errmsg, sizeof(rs->errmsg), "connecting: %s",
		    strerror(err));
	} else
		rs->err = UP_CONNECT;
}

/*
 * A connection to the API: its address, or the addresses its name
 * resolves to, one after the other, the one that took the last
 * connection first.  Each but the last gets HC_ADDR_MS at most (libcurl
 * tries the other address family after 200 ms), and an equal share of
 * the time left when that is less, so that one that does not answer
 * costs a new connection half a second, not the call.  The fd, or -1
 * with rs->err.
 */
static int
open_conn(const struct url *u, const char *port, double deadline,
    struct up_response *rs)
{
	struct sockaddr_storage	 ss;
	const struct addrinfo	*list, *a;
	const char		*why;
	socklen_t		 len;
	size_t			 count, first, i, k;
	double			 now, until;
	int			 fd, err;

	if (peer_address(u, &ss, &len) == 0) {
		if ((fd = connect_addr((struct sockaddr *)&ss, len, deadline,
		    &err)) == -1)
			conn_error(rs, err);
		return fd;
	}
	if (hc_resolve(u->host, port, deadline, &list, &count, &first,
	    &why) == -1) {
		rs->err = UP_RESOLVE;
		snprintf(rs->errmsg, sizeof(rs->errmsg), "%s", why);
		return -1;
	}
	err = ETIMEDOUT;
	for (k = 0; k < count && (now = util_now_mono()) < deadline; k++) {
		for (a = list, i = (first + k) % count; i > 0; i--)
			a = a->ai_next;
		until = deadline;
		if (k + 1 < count) {
			until = now + (deadline - now) / (double)(count - k);
			if (until > now + HC_ADDR_MS / 1000.0)
				until = now + HC_ADDR_MS / 1000.0;
		}
		if ((fd = connect_addr(a->ai_addr, a->ai_addrlen, until,
		    &err)) != -1) {
			hc_resolve_good(a->ai_addr, a->ai_addrlen);
			return fd;
		}
		if (local_error(err))
			break;
	}
	/* the addresses answered nothing: the name is looked up again */
	if (k > 0 && !local_error(err))
		hc_resolve_forget();
	conn_error(rs, err);
	return -1;
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
	/* no Accept-Encoding would let the API compress (RFC 9110
	 * 12.5.3), and hc_parse refuses what it cannot decode */
	buf_puts(&hc_out, "\r\nAccept-Encoding: identity\r\n");
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

/*
 * Send the head (and the body if it is not in it); 0 or -1 with errno.
 * *sent: whether any byte went out.
 */
static int
send_all(int fd, const char *body, size_t body_len, double deadline,
    int *sent)
{
	struct iovec	 iov[2];
	struct msghdr	 m;
	size_t		 niov = 1, skip = 0;
	ssize_t		 n;

	*sent = 0;
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
		n = sendmsg(fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -1;
			if (wait_fd(fd, POLLOUT, deadline) == -1)
				return -1;
			continue;
		}
		if (n > 0)
			*sent = 1;
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

enum { TRY_DONE, TRY_FAILED, TRY_STALE };

/*
 * The first read of an answer waits in recv(2) itself, bounded by the
 * socket's SO_RCVTIMEO (set once per connection to the call's timeout):
 * one system call where poll(2) and recv(2) were two.  Only when the
 * request went out at once (the whole timeout is left, to a millisecond);
 * otherwise, and for the reads after it, poll(2) keeps the deadline.
 */
static int
recv_can_wait(long timeout_ms, double deadline)
{
	struct timeval	 tv;

	if (timeout_ms <= 0 ||
	    (deadline - util_now_mono()) * 1000 < (double)(timeout_ms - 1))
		return 0;
	if (hc_rcvtimeo_ms != timeout_ms) {
		tv.tv_sec = timeout_ms / 1000;
		tv.tv_usec = (timeout_ms % 1000) * 1000;
		if (setsockopt(hc_fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
		    sizeof(tv)) == -1)
			return 0;
		hc_rcvtimeo_ms = timeout_ms;
	}
	return 1;
}

/* One recv(2) of the answer: the first may wait itself (recv_can_wait). */
static ssize_t
recv_some(int *can_wait, double deadline)
{
	ssize_t	 n;

	buf_reserve(&hc_in, HC_READ);
	if (*can_wait) {
		*can_wait = 0;
		n = recv(hc_fd, hc_in.data + hc_in.len, HC_READ, 0);
		/* SO_RCVTIMEO ran out; EINTR goes on with poll(2) */
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			errno = ETIMEDOUT;
		return n;
	}
	if (wait_fd(hc_fd, POLLIN, deadline) == -1)
		return -1;
	return recv(hc_fd, hc_in.data + hc_in.len, HC_READ, MSG_DONTWAIT);
}

/*
 * When to stop waiting for the answer: its deadline, or, for a caller
 * that watches (progress), a second from now if that is sooner, so that
 * it hears about a silent API and can stop it when its client has left.
 */
static double
next_wake(const struct up_request *rq, double deadline)
{
	double	 tick = util_now_mono() + HC_TICK_MS / 1000.0;

	return rq->progress != NULL && tick < deadline ? tick : deadline;
}

/* GET, HEAD, PUT, DELETE, OPTIONS, TRACE (RFC 9110 9.2.2). */
static int
idempotent(const char *m)
{
	static const char *const safe[] = { "GET", "HEAD", "PUT", "DELETE",
	    "OPTIONS", "TRACE" };
	size_t	 i;

	for (i = 0; i < sizeof(safe) / sizeof(safe[0]); i++)
		if (strcmp(m, safe[i]) == 0)
			return 1;
	return 0;
}

/*
 * One exchange on the connection (fresh or reused).  TRY_STALE: a reused
 * connection the server had closed; nothing of an answer came, so the
 * request goes again on a new one.  Once any of it went out, only an
 * idempotent one: the server may have acted on a POST before it closed
 * (RFC 9110 9.2.2; libcurl would send it again).  A server may also
 * answer before it has read the whole request (a 413 for a body too
 * large) and close (RFC 9112 9.6): the send then fails, and that answer
 * is read and is the call's.
 */
static int
exchange(const struct up_request *rq, const char *method, const char *body,
    size_t body_len, int reused, double deadline, struct hc_parser *p,
    struct up_response *rs)
{
	size_t		 off = 0, used, got = 0, before;
	ssize_t		 n;
	enum hc_result	 r;
	double		 wake;
	int		 can_wait, sent, send_err = 0;

	if (send_all(hc_fd, body, body_len, deadline, &sent) == -1) {
		send_err = errno;
		if (reused && !sent &&
		    (send_err == EPIPE || send_err == ECONNRESET))
			return TRY_STALE;
		if (send_err != EPIPE && send_err != ECONNRESET) {
			rs->err = send_err == ETIMEDOUT ? UP_TIMEOUT :
			    UP_OTHER;
			snprintf(rs->errmsg, sizeof(rs->errmsg), "sending the "
			    "request: %s", strerror(send_err));
			return TRY_FAILED;
		}
		/* the server stopped reading: its answer may be here */
	}
	buf_reset(&hc_in);
	hc_parser_init(p, strcmp(method, "HEAD") == 0, rq->max_response);
	wake = next_wake(rq, deadline);
	can_wait = recv_can_wait(wake < deadline ? HC_TICK_MS :
	    rq->timeout_ms, wake);
	for (;;) {
		n = recv_some(&can_wait, wake);
		if (n == -1 && errno == ETIMEDOUT && wake < deadline) {
			/* a second without a byte: the caller may look */
			if (rq->progress(rq->progress_ctx,
			    (double)rs->body.len, p->has_length ?
			    (double)p->length : 0) != 0) {
				rs->err = UP_CANCELLED;
				snprintf(rs->errmsg, sizeof(rs->errmsg),
				    "cancelled");
				return TRY_FAILED;
			}
			wake = next_wake(rq, deadline);
			continue;
		}
		if (n == -1 && (errno == EINTR || errno == EAGAIN ||
		    errno == EWOULDBLOCK))
			continue;
		if (n <= 0 && got == 0 && reused &&
		    (n == 0 || errno == ECONNRESET)) {
			if (idempotent(method))
				return TRY_STALE;
			rs->err = UP_OTHER;
			snprintf(rs->errmsg, sizeof(rs->errmsg), "the connection "
			    "was closed before an answer, after the request "
			    "went out; a %s is not sent twice", method);
			return TRY_FAILED;
		}
		if (n <= 0 && got == 0 && send_err != 0) {
			rs->err = UP_OTHER;
			snprintf(rs->errmsg, sizeof(rs->errmsg), "sending the "
			    "request: %s", strerror(send_err));
			return TRY_FAILED;
		}
		if (n == -1) {
			rs->err = errno == ETIMEDOUT ? UP_TIMEOUT : UP_OTHER;
			snprintf(rs->errmsg, sizeof(rs->errmsg), "%s%s",
			    errno == ETIMEDOUT ? "" : "receiving the answer: ",
			    strerror(errno));
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
		if (rq->progress != NULL && rs->body.len > before &&
		    rq->progress(rq->progress_ctx, (double)rs->body.len,
		    p->has_length ? (double)p->length : 0) != 0) {
			/* the client is gone: the rest is read by nobody */
			rs->err = UP_CANCELLED;
			snprintf(rs->errmsg, sizeof(rs->errmsg), "cancelled");
			return TRY_FAILED;
		}
		if (r == HC_COMPLETE) {
			/* bytes after the answer: the stream is not ours;
			 * a request not sent whole: the stream is broken */
			if (off < hc_in.len || send_err != 0)
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

/* "host port": what a kept connection went to; -1 when it does not fit
 * (longer than any address hc_usable lets through). */
static int
peer_name(char *out, size_t outsz, const char *host, const char *port)
{
	size_t	 h = strlen(host), p = strlen(port);

	if (h + 1 + p + 1 > outsz)
		return -1;
	memcpy(out, host, h);
	out[h] = ' ';
	memcpy(out + h + 1, port, p + 1);
	return 0;
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
	if (peer_name(peer, sizeof(peer), u->host, num) == -1) {
		rs->err = UP_OTHER;
		snprintf(rs->errmsg, sizeof(rs->errmsg), "the API's address "
		    "is too long");
		return -1;
	}
	if (write_head(u, method, body, body_len, rq->headers) == -1) {
		rs->err = UP_OTHER;
		snprintf(rs->errmsg, sizeof(rs->errmsg), "a request header "
		    "holds a line break or no name");
		return -1;
	}
	/*
	 * A kept connection the server closed, or on which it sent something
	 * unasked, is not used: a 408 before an idle close, or bytes after
	 * an answer that a broken API framed wrongly (a body on a 204, a
	 * Content-Length too short), which must not become the answer to the
	 * next call, maybe another caller's.  One look (MSG_PEEK) per call.
	 */
	if (hc_fd != -1 && (strcmp(peer, hc_peer) != 0 ||
	    !util_fd_quiet(hc_fd)))
		hc_close();
	for (attempt = 0; attempt < 2; attempt++) {
		reused = hc_fd != -1;
		if (!reused) {
			if ((hc_fd = open_conn(u, num, deadline, rs)) == -1) {
				r = TRY_FAILED;
				break;
			}
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
	/* the head held the call's credentials: not kept past the call */
	explicit_bzero(hc_out.data, hc_out.len);
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
