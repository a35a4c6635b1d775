/* SPDX-License-Identifier: ISC */
/*
 * relay: the least a gateway behind the same web server can do, the
 * floor that 4-gateway is compared with.  It speaks FastCGI itself (no
 * libfcgi) on the listening socket the web server hands it (fd 0): one
 * accept4, reads until the end of stdin, then, on one kept TCP connection
 * to the web server, sends a fixed GET (RELAY_PORT on 127.0.0.1, path
 * RELAY_PATH) and reads the answer (Content-Length framing only), and
 * writes a tools/call result with that body twice, as text (escaped) and
 * as structuredContent, in one write, and closes: six system calls a
 * request when every read finds all it needs, two fewer than mcp.fcgi.
 * No JSON is parsed, no schema checked, nothing logged: what is left is
 * the second pass through the web server and the waits.
 * bench/run.sh builds it with: cc -O2 -o relay.fcgi relay.c
 */
#define _GNU_SOURCE	/* strcasestr */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static int	 fd = -1;		/* the kept connection to the API */

static int
dial(int port)
{
	struct sockaddr_in	 sin;
	int			 one = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		close(fd);
		return fd = -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return 0;
}

/* One GET on the kept connection; the body's start and length in buf. */
static int
fetch(int port, const char *req, size_t reqlen, char *buf, size_t cap,
    const char **body, size_t *blen)
{
	size_t		 have = 0, need, head;
	unsigned long	 clen;
	ssize_t		 n;
	const char	*end, *cl;
	char		*e;

	if (fd == -1 && dial(port) == -1)
		return -1;
	if (send(fd, req, reqlen, MSG_NOSIGNAL) != (ssize_t)reqlen)
		goto fail;
	for (;;) {
		if (have == cap - 1 || (n = recv(fd, buf + have,
		    cap - 1 - have, 0)) <= 0)
			goto fail;
		have += (size_t)n;
		buf[have] = '\0';
		if ((end = strstr(buf, "\r\n\r\n")) == NULL)
			continue;
		if ((cl = strcasestr(buf, "\r\nContent-Length:")) == NULL ||
		    cl > end)
			goto fail;
		head = (size_t)(end + 4 - buf);
		errno = 0;
		clen = strtoul(cl + 17, &e, 10);
		if (errno != 0 || e == cl + 17 || clen >= cap - head)
			goto fail;
		need = head + clen;
		while (have < need) {
			if ((n = recv(fd, buf + have, need - have, 0)) <= 0)
				goto fail;
			have += (size_t)n;
		}
		*body = end + 4;
		*blen = need - (size_t)(end + 4 - buf);
		return 0;
	}
fail:
	close(fd);
	fd = -1;
	return -1;
}

/* FastCGI record header (FastCGI 1.0, section 3.3) */
static size_t
record(char *p, int type, int id, size_t len)
{
	p[0] = 1;
	p[1] = (char)type;
	p[2] = (char)(id >> 8);
	p[3] = (char)id;
	p[4] = (char)(len >> 8);
	p[5] = (char)len;
	p[6] = p[7] = 0;
	return 8;
}

/* Reads one request's records into buf until its empty stdin record;
 * returns its id, or -1. */
static int
read_request(int c, char *buf, size_t cap)
{
	size_t		 have = 0, at = 0, clen, rec;
	ssize_t		 n;
	int		 id = -1;
	unsigned char	*h;

	for (;;) {
		while (have - at >= 8) {
			h = (unsigned char *)buf + at;
			clen = (size_t)h[4] << 8 | h[5];
			rec = 8 + clen + h[6];
			if (have - at < rec)
				break;
			if (h[1] == 1)		/* FCGI_BEGIN_REQUEST */
				id = h[2] << 8 | h[3];
			else if (h[1] == 5 && clen == 0)	/* end of stdin */
				return id;
			at += rec;
		}
		if (at > 0) {			/* keep only the partial record */
			memmove(buf, buf + at, have - at);
			have -= at;
			at = 0;
		}
		if (have == cap || (n = read(c, buf + have, cap - have)) <= 0)
			return -1;
		have += (size_t)n;
	}
}

/* The tools/call result for an API body, in res; its length. */
static size_t
result(char *res, size_t cap, const char *body, size_t blen)
{
	const char	*s;
	size_t		 o;

	o = (size_t)snprintf(res, cap, "{\"jsonrpc\":\"2.0\",\"id\":1,"
	    "\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"");
	for (s = body; s < body + blen; s++) {
		if ((unsigned char)*s < 0x20)
			o += (size_t)snprintf(res + o, 7, "\\u%04x",
			    (unsigned)*s);
		else {
			if (*s == '"' || *s == '\\')
				res[o++] = '\\';
			res[o++] = *s;
		}
	}
	o += (size_t)snprintf(res + o, cap - o, "\"}],\"structuredContent\":"
	    "%.*s,\"isError\":false}}", (int)blen, body);
	return o;
}

/* head and res as stdout records, then the end of stdout and the end of
 * the request, in out; its length. */
static size_t
records(char *out, int id, const char *head, size_t hlen, const char *res,
    size_t rlen)
{
	size_t	 o = 0, n, left = hlen + rlen, at = 0;

	while (left > 0) {
		n = left > 65535 ? 65535 : left;
		o += record(out + o, 6, id, n);		/* FCGI_STDOUT */
		for (size_t i = 0; i < n; i++, at++)
			out[o + i] = at < hlen ? head[at] : res[at - hlen];
		o += n;
		left -= n;
	}
	o += record(out + o, 6, id, 0);
	o += record(out + o, 3, id, 8);			/* FCGI_END_REQUEST */
	memset(out + o, 0, 8);				/* status 0, complete */
	return o + 8;
}

int
main(void)
{
	static char	 in[8 + 65535 + 255], buf[65536], res[7 * 65536];
	static char	 out[7 * 65536 + 4096];
	char		 req[512], head[160];
	const char	*path = getenv("RELAY_PATH"), *port_s = getenv("RELAY_PORT");
	const char	*body;
	int		 port = port_s != NULL ? atoi(port_s) : 0, c, id;
	size_t		 reqlen, blen, rlen, hlen, o;

	if (path == NULL || port <= 0 || strlen(path) > 256)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	reqlen = (size_t)snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\n"
	    "Host: 127.0.0.1:%d\r\nAccept: application/json\r\n\r\n",
	    path, port);
	/* fd 0 is the listening socket the web server made (FastCGI 2.2) */
	while ((c = accept4(0, NULL, NULL, SOCK_CLOEXEC)) != -1 ||
	    errno == EINTR || errno == ECONNABORTED) {
		if (c == -1)
			continue;
		if ((id = read_request(c, in, sizeof(in))) == -1) {
			close(c);
			continue;
		}
		/* a kept connection the server closed meanwhile: once more */
		if (fetch(port, req, reqlen, buf, sizeof(buf), &body, &blen) == 0 ||
		    fetch(port, req, reqlen, buf, sizeof(buf), &body, &blen) == 0) {
			rlen = result(res, sizeof(res), body, blen);
			hlen = (size_t)snprintf(head, sizeof(head),
			    "Status: 200 OK\r\nContent-Type: application/json"
			    "\r\nContent-Length: %zu\r\n\r\n", rlen);
		} else {
			rlen = 0;
			hlen = (size_t)snprintf(head, sizeof(head),
			    "Status: 502 Bad Gateway\r\n\r\n");
		}
		o = records(out, id, head, hlen, res, rlen);
		if (write(c, out, o) != (ssize_t)o) {
			/* the web server went away: nothing to do */
		}
		close(c);
	}
	return 1;
}
