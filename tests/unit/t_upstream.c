/* SPDX-License-Identifier: ISC */
/*
 * Unit tests: hclient's response parser (every framing, fed whole and a
 * byte at a time, and what it refuses), url_resolve, and up_perform over
 * both clients against a scripted HTTP server in a child process; host
 * names against a hosts file and a resolver of the test's own.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/hclient.h"
#include "../../src/upstream.h"
#include "../../src/url.h"
#include "../../src/util.h"
#include "tap.h"

struct parsed {
	enum hc_result	 r;
	long		 status;
	int		 keep_alive;
	size_t		 used;
	char		*body;
	char		*ctype;
	char		*location;
	int		 too_large;
	const char	*error;
};

/*
 * Feed text to a parser `step` bytes at a time (0: all at once), the way
 * hclient's loop does (unconsumed bytes are offered again with the next
 * ones), then the end of the connection when eof is set.
 */
static void
feed(const char *text, size_t len, size_t step, int head_only, size_t max,
    int eof, struct parsed *out)
{
	struct hc_parser p;
	struct buf	 body;
	size_t		 avail = 0, off = 0, used;
	enum hc_result	 r = HC_MORE;

	memset(out, 0, sizeof(*out));
	buf_init(&body);
	hc_parser_init(&p, head_only, max);
	while (avail < len) {
		avail = step == 0 || avail + step > len ? len : avail + step;
		r = hc_parse(&p, text + off, avail - off, &used, &body);
		off += used;
		if (r != HC_MORE)
			break;
	}
	if (r == HC_MORE && eof)
		r = hc_parse_eof(&p);
	out->r = r;
	out->status = p.status;
	out->keep_alive = p.keep_alive;
	out->used = off;
	out->body = xstrndup(body.data ? body.data : "", body.len);
	out->ctype = p.content_type ? xstrdup(p.content_type) : NULL;
	out->location = p.location ? xstrdup(p.location) : NULL;
	out->too_large = p.too_large;
	out->error = p.error;
	hc_parser_free(&p);
	buf_free(&body);
}

static void
parsed_free(struct parsed *p)
{
	free(p->body);
	free(p->ctype);
	free(p->location);
}

/* A response that must parse: the same whole and byte by byte. */
static void
good(const char *name, const char *text, int head_only, int eof,
    long status, const char *body, int keep_alive)
{
	struct parsed	 a, b;
	size_t		 len = strlen(text);

	feed(text, len, 0, head_only, 1 << 20, eof, &a);
	feed(text, len, 1, head_only, 1 << 20, eof, &b);
	ok(a.r == HC_COMPLETE && a.status == status &&
	    strcmp(a.body, body) == 0 && a.keep_alive == keep_alive,
	    "%s: status %ld, body, keep-alive %d", name, status, keep_alive);
	if (a.r != HC_COMPLETE)
		printf("#   result %d error %s body \"%s\"\n", a.r,
		    a.error ? a.error : "-", a.body);
	ok(b.r == HC_COMPLETE && b.status == status &&
	    strcmp(b.body, body) == 0 && b.keep_alive == keep_alive &&
	    b.used == a.used, "%s: the same fed a byte at a time", name);
	parsed_free(&a);
	parsed_free(&b);
}

/* A response that must be refused, whole and byte by byte. */
static void
bad(const char *name, const char *text, size_t max, int eof, int too_large)
{
	struct parsed	 a, b;
	size_t		 len = strlen(text);

	feed(text, len, 0, 0, max, eof, &a);
	feed(text, len, 1, 0, max, eof, &b);
	ok(a.r == HC_FAIL && b.r == HC_FAIL && a.too_large == too_large &&
	    b.too_large == too_large && (too_large || (a.error != NULL &&
	    b.error != NULL)), "%s: refused (%s)", name, too_large ?
	    "too large" : a.error ? a.error : "no reason");
	parsed_free(&a);
	parsed_free(&b);
}

static void
t_parser(void)
{
	struct parsed	 p;
	const char	*text;
	char		*big;
	size_t		 i;

	good("Content-Length", "HTTP/1.1 200 OK\r\nContent-Type: "
	    "application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}", 0, 0,
	    200, "{\"a\":1}", 1);
	text = "HTTP/1.1 200 OK\r\ncontent-type:  text/plain ; q=1 \r\n"
	    "Location: /x\r\nContent-Length: 0\r\n\r\n";
	feed(text, strlen(text), 0, 0, 1024, 0, &p);
	is_str(p.ctype, "text/plain ; q=1", "Content-Type kept, trimmed");
	is_str(p.location, "/x", "Location kept");
	parsed_free(&p);
	good("chunked, extension, trailer", "HTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: Chunked\r\n\r\n4;x=y\r\nWiki\r\n5 \r\npedia\r\n"
	    "0\r\nX-Trailer: 1\r\n\r\n", 0, 0, 200, "Wikipedia", 1);
	good("chunked, LF line ends", "HTTP/1.1 200 OK\n"
	    "Transfer-Encoding: chunked\n\na\nabcdefghij\n0\n\n", 0, 0, 200,
	    "abcdefghij", 1);
	good("until the connection ends", "HTTP/1.1 200 OK\r\n\r\nabc", 0, 1,
	    200, "abc", 0);
	good("HTTP/1.0 closes", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n"
	    "\r\nhi", 0, 0, 200, "hi", 0);
	good("Connection: close", "HTTP/1.1 200 OK\r\nConnection: x, Close\r\n"
	    "Content-Length: 2\r\n\r\nhi", 0, 0, 200, "hi", 0);
	good("100 Continue and 103 before the answer", "HTTP/1.1 100 "
	    "Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
	    "HTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nx", 0, 0, 201,
	    "x", 1);
	good("204 without a length", "HTTP/1.1 204 No Content\r\n\r\n", 0, 0,
	    204, "", 1);
	good("204 saying a body follows: done, then close (what follows is "
	    "no answer)", "HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n"
	    "\r\n", 0, 0, 204, "", 0);
	good("304, chunked: done, then close", "HTTP/1.1 304 Not Modified\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n", 0, 0, 304, "", 0);
	good("304 with the representation's length: kept", "HTTP/1.1 304 Not "
	    "Modified\r\nContent-Length: 120\r\n\r\n", 0, 0, 304, "", 1);
	good("HEAD ignores the length", "HTTP/1.1 200 OK\r\nContent-Length: "
	    "100\r\n\r\n", 1, 0, 200, "", 1);
	good("no reason phrase", "HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n",
	    0, 0, 404, "", 1);
	good("equal Content-Lengths", "HTTP/1.1 200 OK\r\nContent-Length: 1"
	    "\r\nContent-Length: 1\r\n\r\nz", 0, 0, 200, "z", 1);
	good("chunked beside a length: chunked wins, then close",
	    "HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: "
	    "chunked\r\n\r\n1\r\nq\r\n0\r\n\r\n", 0, 0, 200, "q", 0);

	/* what comes after the answer is not consumed */
	text = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiEXTRA";
	feed(text, strlen(text), 0, 0, 1024, 0, &p);
	ok(p.r == HC_COMPLETE && p.used == strlen(text) - 5, "bytes after the answer are "
	    "left (used %zu)", p.used);
	parsed_free(&p);
	/* an unfinished head is not consumed */
	text = "HTTP/1.1 200 OK\r\nContent-";
	feed(text, strlen(text), 0, 0, 1024, 0, &p);
	ok(p.r == HC_MORE && p.used == 0, "an unfinished head waits");
	parsed_free(&p);

	bad("HTTP/2 status line", "HTTP/2 200 OK\r\n\r\n", 1024, 0, 0);
	bad("not HTTP", "SSH-2.0-OpenSSH\r\n\r\n", 1024, 0, 0);
	bad("status 600", "HTTP/1.1 600 X\r\n\r\n", 1024, 0, 0);
	bad("status 099", "HTTP/1.1 099 X\r\n\r\n", 1024, 0, 0);
	bad("status with 4 digits", "HTTP/1.1 2000 X\r\n\r\n", 1024, 0, 0);
	bad("an empty line first", "\r\nHTTP/1.1 200 OK\r\n\r\n", 1024, 0, 0);
	bad("signed Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: +5"
	    "\r\n\r\n12345", 1024, 0, 0);
	bad("listed Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: "
	    "5, 5\r\n\r\n12345", 1024, 0, 0);
	bad("huge Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: "
	    "1234567890123456789012\r\n\r\n", 1024, 0, 0);
	bad("two different Content-Lengths", "HTTP/1.1 200 OK\r\n"
	    "Content-Length: 1\r\nContent-Length: 2\r\n\r\nab", 1024, 0, 0);
	bad("Transfer-Encoding gzip", "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
	    "gzip, chunked\r\n\r\n0\r\n\r\n", 1024, 0, 0);
	bad("Transfer-Encoding twice", "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
	    "chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 1024, 0,
	    0);
	bad("Content-Encoding not asked for", "HTTP/1.1 200 OK\r\n"
	    "Content-Encoding: gzip\r\nContent-Length: 1\r\n\r\nx", 1024, 0, 0);
	bad("folded header", "HTTP/1.1 200 OK\r\nX-A: 1\r\n 2\r\n\r\n", 1024,
	    0, 0);
	bad("space in a header name", "HTTP/1.1 200 OK\r\nX A: 1\r\n\r\n",
	    1024, 0, 0);
	bad("header without a colon", "HTTP/1.1 200 OK\r\nXA\r\n\r\n", 1024,
	    0, 0);
	bad("CR inside a header value", "HTTP/1.1 200 OK\r\nX-A: 1\r2\r\n\r\n",
	    1024, 0, 0);
	bad("101 Switching Protocols", "HTTP/1.1 101 Switching\r\n\r\n", 1024,
	    0, 0);
	bad("nine 100 Continue", "HTTP/1.1 100 C\r\n\r\nHTTP/1.1 100 C\r\n\r\n"
	    "HTTP/1.1 100 C\r\n\r\nHTTP/1.1 100 C\r\n\r\nHTTP/1.1 100 C\r\n\r\n"
	    "HTTP/1.1 100 C\r\n\r\nHTTP/1.1 100 C\r\n\r\nHTTP/1.1 100 C\r\n\r\n"
	    "HTTP/1.1 100 C\r\n\r\nHTTP/1.1 200 OK\r\n\r\n", 1024, 0, 0);
	bad("chunk size not hex", "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
	    "chunked\r\n\r\nzz\r\n", 1024, 0, 0);
	bad("chunk size of 16 hex digits", "HTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n1000000000000000\r\n", 1 << 20,
	    0, 0);
	bad("no line end after chunk data", "HTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n1\r\nab\r\n", 1024, 0, 0);
	bad("Content-Length above the limit", "HTTP/1.1 200 OK\r\n"
	    "Content-Length: 2000\r\n\r\n", 1024, 0, 1);
	bad("chunks above the limit", "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
	    "chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n", 5, 0, 1);
	bad("a body to the end above the limit", "HTTP/1.1 200 OK\r\n\r\n"
	    "abcdef", 5, 1, 1);
	bad("the end in the middle of the body", "HTTP/1.1 200 OK\r\n"
	    "Content-Length: 10\r\n\r\nabc", 1024, 1, 0);
	bad("the end in the middle of the head", "HTTP/1.1 200 OK\r\n", 1024,
	    1, 0);
	bad("the end in the middle of the chunks", "HTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n3\r\nab", 1024, 1, 0);

	/* a head that never ends is refused past 64 KiB */
	big = xmalloc(HC_HEAD_MAX + 200);
	memcpy(big, "HTTP/1.1 200 OK\r\n", 17);
	for (i = 17; i < HC_HEAD_MAX + 100; i += 10)
		memcpy(big + i, "X-A: 123\r\n", 10);
	big[i] = '\0';
	feed(big, i, 0, 0, 1024, 0, &p);
	ok(p.r == HC_FAIL && p.error != NULL, "a head over 64 KiB refused");
	parsed_free(&p);
	feed(big, i, 4096, 0, 1024, 0, &p);
	ok(p.r == HC_FAIL && p.error != NULL, "the same, in 4 KiB reads");
	parsed_free(&p);
	/* long chunk extensions */
	memcpy(big, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;",
	    49);
	memset(big + 49, 'e', 5000);
	big[5049] = '\0';
	feed(big, 5049, 0, 0, 1024, 0, &p);
	ok(p.r == HC_FAIL && p.error != NULL, "a chunk line over 4 KiB "
	    "refused");
	parsed_free(&p);
	free(big);
}

static void
t_resolve(void)
{
	char	*s;

#define RESOLVE(base, ref, want) do {					\
	s = url_resolve(base, ref);					\
	is_str(s, want, "resolve %s against %s", ref, base);		\
	free(s);							\
} while (0)
	RESOLVE("http://h:1/a/b?c", "https://x/y", "https://x/y");
	RESOLVE("http://h:1/a/b?c", "//g/p", "http://g/p");
	RESOLVE("http://h:1/a/b?c", "/p?q", "http://h:1/p?q");
	RESOLVE("http://h:1/a/b?c", "?q", "http://h:1/a/b?q");
	RESOLVE("http://h:1/a/b?c#f", "", "http://h:1/a/b?c");
	RESOLVE("http://h:1/a/b?c", "x/y", "http://h:1/a/x/y");
	RESOLVE("http://h:1/a/", "x", "http://h:1/a/x");
	RESOLVE("http://h:1", "x", "http://h:1/x");
	RESOLVE("http://h:1?q", "x", "http://h:1/x");
#undef RESOLVE
}

/* ------------------------------------------------- the scripted server */

static int	 srv_port;
static pid_t	 srv_pid;

static void
put(int fd, const char *s, size_t n)
{
	ssize_t	 w;

	while (n > 0 && (w = write(fd, s, n)) > 0) {
		s += w;
		n -= (size_t)w;
	}
}

/*
 * One connection: requests read up to the end of their head and their
 * Content-Length, answered by path.  Returns when the connection is to be
 * closed.
 */
static void
serve_conn(int fd, int conn_no)
{
	static int early;	/* /early413 heads seen, over all connections */
	char	 in[65536], out[70000], *end, *cl, *path;
	size_t	 have = 0, need, body;
	ssize_t	 n;
	int	 req_no = 0;

	for (;;) {
		while ((end = memmem(in, have, "\r\n\r\n", 4)) == NULL) {
			if (have == sizeof(in) - 1 ||
			    (n = read(fd, in + have, sizeof(in) - 1 - have)) <= 0)
				return;
			have += (size_t)n;
		}
		in[have] = '\0';
		body = (cl = strcasestr(in, "\r\ncontent-length: ")) != NULL &&
		    cl < end ? strtoul(cl + 18, NULL, 10) : 0;
		need = (size_t)(end + 4 - in) + body;
		if (strncmp(in, "POST /early413 ", 15) == 0) {
			/* an answer before the body is read (too large),
			 * then the close: the client's send fails */
			snprintf(out, sizeof(out), "HTTP/1.1 413 Content Too "
			    "Large\r\nConnection: close\r\nContent-Length: "
			    "11\r\n\r\n{\"early\":%d}", ++early);
			put(fd, out, strlen(out));
			return;
		}
		while (have < need && have < sizeof(in) - 1) {
			if ((n = read(fd, in + have, sizeof(in) - 1 - have)) <= 0)
				return;
			have += (size_t)n;
		}
		in[have] = '\0';
		req_no++;
		path = strchr(in, ' ') + 1;
		if (strncmp(path, "/to-echo-30", 11) == 0) {
			/* /to-echo-30N: a 30N to /echo, which shows the
			 * method the redirect was followed with (a HEAD
			 * gets no body there) */
			snprintf(out, sizeof(out), "HTTP/1.1 30%c Moved\r\n"
			    "Location: echo\r\nContent-Length: 0\r\n\r\n",
			    path[11]);
			put(fd, out, strlen(out));
		} else if (strncmp(in, "HEAD ", 5) == 0) {
			put(fd, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n",
			    38);
		} else if (strncmp(path, "/drop ", 6) == 0 && req_no > 1) {
			return;	/* a kept connection closed under a request */
		} else if (strncmp(path, "/ok ", 4) == 0 ||
		    strncmp(path, "/drop ", 6) == 0 ||
		    strncmp(path, "/close ", 7) == 0) {
			char	 b[64];

			snprintf(b, sizeof(b), "{\"conn\":%d,\"req\":%d}",
			    conn_no, req_no);
			snprintf(out, sizeof(out), "HTTP/1.1 200 OK\r\n"
			    "Content-Type: application/json\r\n"
			    "Content-Length: %zu\r\n\r\n%s", strlen(b), b);
			put(fd, out, strlen(out));
			if (path[1] == 'c')
				return;	/* closed without saying so */
		} else if (strncmp(path, "/then408 ", 9) == 0) {
			/* an answer, then the 408 some servers send before
			 * closing an idle connection */
			put(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
			    40);
			usleep(100000);
			put(fd, "HTTP/1.1 408 Request Timeout\r\n"
			    "Content-Length: 0\r\n\r\n", 51);
			return;
		} else if (strncmp(path, "/short ", 7) == 0) {
			/* Content-Length 2, then more in a later segment,
			 * framed as an answer of its own */
			put(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
			    40);
			usleep(50000);
			put(fd, "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n"
			    "STOLEN!", 45);
		} else if (strncmp(path, "/always408 ", 11) == 0) {
			/* a 408 as the answer to a request (kept open) */
			char	 b[64];

			snprintf(b, sizeof(b), "{\"conn\":%d,\"req\":%d}",
			    conn_no, req_no);
			snprintf(out, sizeof(out), "HTTP/1.1 408 Request "
			    "Timeout\r\nContent-Length: %zu\r\n\r\n%s",
			    strlen(b), b);
			put(fd, out, strlen(out));
		} else if (strncmp(path, "/dropall ", 9) == 0) {
			return;
		} else if (strncmp(path, "/echo", 5) == 0) {
			/* the request as received, in chunks */
			snprintf(out, sizeof(out), "HTTP/1.1 200 OK\r\n"
			    "Content-Type: text/plain\r\nTransfer-Encoding: "
			    "chunked\r\n\r\n%zx\r\n", need);
			put(fd, out, strlen(out));
			put(fd, in, need);
			put(fd, "\r\n0\r\n\r\n", 7);
		} else if (strncmp(path, "/trailer ", 9) == 0) {
			/* a Content-Type in the trailer, which must not
			 * change the answer's (RFC 9110, section 6.5.1) */
			put(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
			    "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"
			    "0\r\nContent-Type: image/png\r\n\r\n", 113);
		} else if (strncmp(path, "/big ", 5) == 0) {
			snprintf(out, sizeof(out), "HTTP/1.1 200 OK\r\n"
			    "Content-Length: 5000\r\n\r\n");
			memset(out + strlen(out), 'b', 5000);
			put(fd, out, strlen(out) + 5000);
		} else if (strncmp(path, "/redirect ", 10) == 0) {
			snprintf(out, sizeof(out), "HTTP/1.1 302 Found\r\n"
			    "Location: ok\r\nContent-Length: 0\r\n\r\n");
			put(fd, out, strlen(out));

		} else if (strncmp(path, "/rawloc ", 8) == 0) {
			/* a Location with bytes a URI cannot hold */
			snprintf(out, sizeof(out), "HTTP/1.1 302 Found\r\n"
			    "Location: echo?q=\xc3(\xff x\r\n"
			    "Content-Length: 0\r\n\r\n");
			put(fd, out, strlen(out));
		} else if (strncmp(path, "/slowhop ", 9) == 0) {
			/* a redirect to itself, each after 0.4 s */
			usleep(400000);
			snprintf(out, sizeof(out), "HTTP/1.1 307 Temporary "
			    "Redirect\r\nLocation: slowhop\r\n"
			    "Content-Length: 0\r\n\r\n");
			put(fd, out, strlen(out));
		} else if (strncmp(path, "/away ", 6) == 0) {
			snprintf(out, sizeof(out), "HTTP/1.1 302 Found\r\n"
			    "Location: http://192.0.2.1/\r\nContent-Length: 0"
			    "\r\n\r\n");
			put(fd, out, strlen(out));
		} else if (strncmp(path, "/garbage ", 9) == 0) {
			put(fd, "NOT HTTP AT ALL\r\n\r\n", 19);
			return;
		} else if (strncmp(path, "/slow ", 6) == 0) {
			sleep(2);
			return;
		} else if (strncmp(in, "GET http://", 11) == 0) {
			/* asked as a proxy: the request line, and close */
			snprintf(out, sizeof(out), "HTTP/1.1 200 OK\r\n"
			    "Connection: close\r\nContent-Length: %zu\r\n\r\n"
			    "proxied %.*s", strcspn(in, "\r") + 8,
			    (int)strcspn(in, "\r"), in);
			put(fd, out, strlen(out));
			return;
		} else if (strncmp(in, "CONNECT ", 8) == 0) {
			put(fd, "HTTP/1.1 403 Forbidden\r\nContent-Length: 0"
			    "\r\n\r\n", 45);
			return;
		} else {
			put(fd, "HTTP/1.1 404 Not Found\r\nContent-Length: 0"
			    "\r\n\r\n", 45);
		}
		memmove(in, in + need, have - need);
		have -= need;
	}
}

/* An IPv4 socket on addr:port: bound (UDP) or listening with backlog. */
static int
sock_at(int type, const char *addr, int port, int backlog)
{
	struct sockaddr_in	 sa;
	int			 s, one = 1;

	s = socket(AF_INET, type, 0);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	inet_pton(AF_INET, addr, &sa.sin_addr);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    (type == SOCK_STREAM && listen(s, backlog) == -1)) {
		close(s);
		return -1;
	}
	return s;
}

/* The scripted server on addr (dotted IPv4) and port (0: any free one). */
static void
server_start_at(const char *addr, int port)
{
	struct sockaddr_in	 sa;
	socklen_t		 len = sizeof(sa);
	int			 s, c, conn_no = 0;

	if ((s = sock_at(SOCK_STREAM, addr, port, 16)) == -1 ||
	    getsockname(s, (struct sockaddr *)&sa, &len) == -1) {
		perror("server");
		exit(1);
	}
	srv_port = ntohs(sa.sin_port);
	fflush(stdout);
	if ((srv_pid = fork()) == 0) {
		signal(SIGPIPE, SIG_IGN);
		for (;;) {
			if ((c = accept(s, NULL, NULL)) == -1)
				continue;
			serve_conn(c, ++conn_no);
			close(c);
		}
	}
	close(s);
}

static void
server_start(void)
{
	server_start_at("127.0.0.1", 0);
}

static void
server_stop(void)
{
	kill(srv_pid, SIGKILL);
	waitpid(srv_pid, NULL, 0);
}

/* A call to the scripted server's path on host (a name or an address). */
static int
call_host(const char *host, const char *path, unsigned flags,
    const char *method, const char *body, long timeout_ms, size_t max,
    struct up_response *rs)
{
	struct up_request	 rq;
	const char		*headers[] = { "Accept: application/json",
	    "X-Empty: ", "X-Trace: t1", NULL };
	char			 url[300];

	snprintf(url, sizeof(url), "http://%s:%d%s", host, srv_port, path);
	memset(&rq, 0, sizeof(rq));
	rq.method = method;
	rq.url = url;
	rq.headers = headers;
	rq.body = body;
	rq.body_len = body ? strlen(body) : 0;
	rq.timeout_ms = timeout_ms;
	rq.max_response = max;
	rq.flags = flags;
	return up_perform(&rq, rs);
}

static int
call(const char *path, unsigned flags, const char *method, const char *body,
    long timeout_ms, size_t max, struct up_response *rs)
{
	return call_host("127.0.0.1", path, flags, method, body, timeout_ms,
	    max, rs);
}

static void
t_transfers(void)
{
	struct up_response	 rs;
	char			 want[160];
	double			 t0;
	int			 rc, port;

	server_start();

	rc = call("/ok", UP_DIRECT_OK, "GET", NULL, 2000, 1024, &rs);
	ok(rc == 0 && rs.status == 200 && rs.body.data != NULL &&
	    strcmp(rs.body.data, "{\"conn\":1,\"req\":1}") == 0 &&
	    rs.content_type && strcmp(rs.content_type, "application/json") == 0,
	    "direct: GET answered on a first connection");
	up_response_free(&rs);
	rc = call("/ok", UP_DIRECT_OK, "GET", NULL, 2000, 1024, &rs);
	ok(rc == 0 && rs.body.data != NULL &&
	    strcmp(rs.body.data, "{\"conn\":1,\"req\":2}") == 0,
	    "direct: the connection is kept for the next call");
	up_response_free(&rs);

	rc = call("/echo?a=1", UP_DIRECT_OK, "POST", "{\"x\":1}", 2000, 4096,
	    &rs);
	snprintf(want, sizeof(want), "POST /echo?a=1 HTTP/1.1\r\nHost: "
	    "127.0.0.1:%d\r\nAccept-Encoding: identity\r\n"
	    "Accept: application/json\r\nX-Trace: t1\r\n"
	    "Content-Length: 7\r\n\r\n{\"x\":1}", srv_port);
	ok(rc == 0 && rs.status == 200 && rs.body.data != NULL &&
	    strcmp(rs.body.data, want) == 0, "direct: the request as sent: "
	    "request line, Host with the port, Accept-Encoding identity (no "
	    "compressed answer is read), headers (an empty one left out), "
	    "Content-Length, body");
	if (rc == 0 && rs.body.data != NULL && strcmp(rs.body.data, want))
		printf("#   got: %s\n", rs.body.data);
	up_response_free(&rs);
	up_cleanup();	/* the server serves one connection at a time */
	rc = call("/echo", 0, "GET", NULL, 2000, 4096, &rs);
	ok(rc == 0 && rs.body.data != NULL &&
	    strstr(rs.body.data, "Accept-Encoding") != NULL &&
	    strstr(rs.body.data, "Accept-Encoding: identity") == NULL,
	    "without UP_DIRECT_OK libcurl makes the call (it asks for "
	    "compression)");
	up_response_free(&rs);
	up_cleanup();	/* the server serves one connection at a time */
	rc = call_host("localhost", "/echo", UP_DIRECT_OK, "GET", NULL, 2000,
	    4096, &rs);
	snprintf(want, sizeof(want), "GET /echo HTTP/1.1\r\nHost: localhost:"
	    "%d\r\n", srv_port);
	ok(rc == 0 && rs.body.data != NULL &&
	    strncmp(rs.body.data, want, strlen(want)) == 0 &&
	    strstr(rs.body.data, "Accept-Encoding: identity") != NULL,
	    "direct: an API named by host name (localhost) is called by "
	    "the built-in client: %s", rc == 0 ? "" : rs.errmsg);
	up_response_free(&rs);
	rc = call_host("localhost", "/ok", UP_DIRECT_OK, "GET", NULL, 2000,
	    1024, &rs);
	ok(rc == 0 && rs.body.data != NULL &&
	    strstr(rs.body.data, "\"req\":2}") != NULL,
	    "direct: by host name, the connection is kept too");
	up_response_free(&rs);
	up_cleanup();
	{
		/* a media type from a document, with a line of its own */
		const char		*inj[] = { "Content-Type: text/plain;"
		    "\r\nX-Injected: yes", NULL };
		struct up_request	 rq;
		char			 url[128];

		snprintf(url, sizeof(url), "http://127.0.0.1:%d/echo",
		    srv_port);
		memset(&rq, 0, sizeof(rq));
		rq.method = "GET";
		rq.url = url;
		rq.headers = inj;
		rq.timeout_ms = 2000;
		rq.max_response = 4096;
		rc = up_perform(&rq, &rs);
		ok(rc == -1 && rs.status == 0 && strstr(rs.errmsg,
		    "line break") != NULL, "a header with CR LF in it: not "
		    "sent, by libcurl either");
		up_response_free(&rs);
	}

	/* the server closes after answering, without saying so */
	rc = call("/close", UP_DIRECT_OK, "GET", NULL, 2000, 1024, &rs);
	ok(rc == 0 && rs.status == 200, "direct: an answer before a silent "
	    "close");
	up_response_free(&rs);
	rc = call("/ok", UP_DIRECT_OK, "GET", NULL, 2000, 1024, &rs);
	ok(rc == 0 && rs.body.data != NULL &&
	    strstr(rs.body.data, "\"req\":1}") != NULL,
	    "direct: the stale connection is replaced, the call succeeds");
	up_response_free(&rs);

	/* something unasked on a kept connection: not taken as an answer */
	rc = call("/then408", UP_DIRECT_OK, "GET", NULL, 2000, 1024, &rs);
	ok(rc == 0 && rs.status == 200, "direct: an answer, then a 408 "
	    "unasked");
	up_response_free(&rs);
	usleep(300000);
	rc = call("/ok", UP_DIRECT_OK, "GET", NULL, 2000, 1024, &rs);
	ok(rc == 0 && rs.status == 200 && rs.body.data != NULL &&
	    strstr(rs.body.data, "\"req\":1}") != NULL,
	    "direct: the unasked 408 is not the next call's answer");
	up_response_free(&rs);
	/* a kept connection that closes once the request is sent: an
	 * idempotent request goes again, once, on a new connection */
	rc = call("/drop", UP_DIRECT_OK, "PUT", "{}", 2000, 1024, &rs);
	ok(rc == 0 && rs.status == 200 && rs.body.data != NULL &&
	    strstr(rs.body.data, "\"req\":1}") != NULL,
	    "direct: a kept connection lost under a PUT: sent again on a "
	    "new one");
	up_response_free(&rs);
	/* a POST the server may have acted on is not sent twice */
	rc = call("/ok", UP_DIRECT_OK, "GET", NULL, 2000, 1024, &rs);
	up_response_free(&rs);
	rc = call("/drop", UP_DIRECT_OK, "POST", "{}", 2000, 1024, &rs);
	ok(rc == -1 && strstr(rs.errmsg, "a POST is not sent twice") != NULL,
	    "direct: a kept connection lost under a POST: an error, not sent "
	    "again (%s)", rs.errmsg);
	up_response_free(&rs);
	/* the API answers before it has the body, and closes (RFC 9112
	 * 9.6): its answer is the call's, and the POST goes once */
	{
		char	*big = xmalloc(8 << 20);

		memset(big, 'a', (8 << 20) - 1);
		big[(8 << 20) - 1] = '\0';
		rc = call("/ok", UP_DIRECT_OK, "GET", NULL, 2000, 1024, &rs);
		up_response_free(&rs);
		rc = call("/early413", UP_DIRECT_OK, "POST", big, 5000, 1024,
		    &rs);
		ok(rc == 0 && rs.status == 413 && rs.body.data != NULL &&
		    strcmp(rs.body.data, "{\"early\":1}") == 0, "direct: an "
		    "answer sent before the body was read is the call's, and "
		    "the POST was sent once: %d %s", (int)rs.status,
		    rc == 0 ? (rs.body.data ? rs.body.data : "") : rs.errmsg);
		up_response_free(&rs);
		free(big);
	}
	rc = call("/dropall", UP_DIRECT_OK, "GET", NULL, 2000, 1024, &rs);
	ok(rc == -1 && rs.err == UP_OTHER &&
	    strstr(rs.errmsg, "closed before") != NULL,
	    "direct: no answer on a new connection either: an error, no third "
	    "try: %s", rs.errmsg);
	up_response_free(&rs);

	rc = call("/redirect", UP_DIRECT_OK, "GET", NULL, 2000, 1024, &rs);
	snprintf(want, sizeof(want), "http://127.0.0.1:%d/ok", srv_port);
	ok(rc == 0 && rs.status == 200 && rs.url != NULL &&
	    strcmp(rs.url, want) == 0, "direct: a relative redirect within "
	    "the origin is followed");
	up_response_free(&rs);
	rc = call("/rawloc", UP_DIRECT_OK, "GET", NULL, 2000, 1024, &rs);
	snprintf(want, sizeof(want), "http://127.0.0.1:%d/echo?q=%%C3(%%FF%%20x",
	    srv_port);
	ok(rc == 0 && rs.status == 200 && rs.url != NULL &&
	    strcmp(rs.url, want) == 0 && rs.body.len > 30 &&
	    strncmp(rs.body.data, "GET /echo?q=%C3(%FF%20x HTTP/1.1\r\n", 34) ==
	    0, "direct: a Location's raw bytes are percent-encoded, in the "
	    "request line and the URL (%s)", rs.url != NULL ? rs.url : "none");
	up_response_free(&rs);
	/* RFC 9110 15.4: 301 and 302 may turn a POST into a GET, 303 any
	 * method but HEAD; nothing else changes the method */
	{
		static const struct { const char *path, *method, *want; } rd[] = {
			{ "/to-echo-301", "POST", "GET /echo " },
			{ "/to-echo-302", "POST", "GET /echo " },
			{ "/to-echo-303", "PUT", "GET /echo " },
			{ "/to-echo-307", "POST", "POST /echo " },
			{ "/to-echo-302", "DELETE", "DELETE /echo " },
			{ "/to-echo-301", "PUT", "PUT /echo " },
		};
		size_t	 i;

		for (i = 0; i < sizeof(rd) / sizeof(rd[0]); i++) {
			rc = call(rd[i].path, UP_DIRECT_OK, rd[i].method,
			    strcmp(rd[i].method, "DELETE") == 0 ? NULL :
			    "{}", 2000, 4096, &rs);
			ok(rc == 0 && rs.status == 200 && rs.body.data != NULL &&
			    strncmp(rs.body.data, rd[i].want,
			    strlen(rd[i].want)) == 0, "direct: %s after %s: "
			    "followed with %.*s", rd[i].method, rd[i].path + 9,
			    (int)strcspn(rd[i].want, " "), rd[i].want);
			up_response_free(&rs);
		}
	}
	rc = call("/to-echo-303", UP_DIRECT_OK, "HEAD", NULL, 2000, 1024,
	    &rs);
	ok(rc == 0 && rs.status == 200 && rs.body.len == 0,
	    "direct: a HEAD redirected (303) stays a HEAD: no body (%zu "
	    "bytes)", rs.body.len);
	up_response_free(&rs);
	rc = call("/away", UP_DIRECT_OK, "GET", NULL, 2000, 1024, &rs);
	ok(rc == -1 && rs.err == UP_REDIRECT, "direct: a redirect to another "
	    "origin is refused");
	up_response_free(&rs);
	/* six hops of 0.4 s each would take 2.4 s: the timeout is the
	 * call's, not each hop's (up_perform's, for libcurl's hops too) */
	rc = call("/slowhop", UP_DIRECT_OK, "GET", NULL, 1000, 1024, &rs);
	ok(rc == -1 && rs.err == UP_TIMEOUT && rs.seconds < 1.4,
	    "direct: redirects share the call's timeout (%.2f s: %s)",
	    rs.seconds, rs.errmsg);
	up_response_free(&rs);

	rc = call("/big", UP_DIRECT_OK, "GET", NULL, 2000, 1024, &rs);
	ok(rc == -1 && rs.err == UP_TOO_LARGE &&
	    strstr(rs.errmsg, "larger than 1024 bytes") != NULL,
	    "direct: an answer over the limit: %s", rs.errmsg);
	up_response_free(&rs);
	rc = call("/garbage", UP_DIRECT_OK, "GET", NULL, 2000, 1024, &rs);
	ok(rc == -1 && rs.err == UP_OTHER &&
	    strstr(rs.errmsg, "not valid HTTP") != NULL,
	    "direct: garbage is an error: %s", rs.errmsg);
	up_response_free(&rs);
	t0 = util_now_mono();
	rc = call("/slow", UP_DIRECT_OK, "GET", NULL, 300, 1024, &rs);
	ok(rc == -1 && rs.err == UP_TIMEOUT && util_now_mono() - t0 < 1.5 &&
	    strstr(rs.errmsg, "did not answer") != NULL,
	    "direct: no answer within the timeout: %s", rs.errmsg);
	up_response_free(&rs);
	rc = call("/ok", UP_DIRECT_OK, "GET", NULL, 5000, 1024, &rs);
	ok(rc == 0 && rs.status == 200, "direct: the next call works");
	up_response_free(&rs);
	/* the kept connection waited up to 5 s last time: a shorter
	 * timeout holds on it too (its SO_RCVTIMEO follows the call) */
	t0 = util_now_mono();
	rc = call("/slow", UP_DIRECT_OK, "GET", NULL, 300, 1024, &rs);
	ok(rc == -1 && rs.err == UP_TIMEOUT && util_now_mono() - t0 < 1.5,
	    "direct: a shorter timeout on a kept connection: %s", rs.errmsg);
	up_response_free(&rs);
	/* a 408 that answers the request itself is the answer: a POST is
	 * not sent again (the API may have acted on it) */
	rc = call("/ok", UP_DIRECT_OK, "GET", NULL, 2000, 1024, &rs);
	up_response_free(&rs);
	rc = call("/always408", UP_DIRECT_OK, "POST", "{}", 2000, 1024, &rs);
	ok(rc == 0 && rs.status == 408 && rs.body.data != NULL &&
	    strstr(rs.body.data, "\"req\":2}") != NULL,
	    "direct: a 408 answering a POST on a kept connection is the "
	    "answer, sent once");
	up_response_free(&rs);
	/* bytes after an answer that a broken API framed too short (they
	 * come in a later segment): not the next call's answer */
	rc = call("/short", UP_DIRECT_OK, "GET", NULL, 2000, 1024, &rs);
	ok(rc == 0 && rs.status == 200, "direct: an answer whose length is "
	    "short by what follows");
	up_response_free(&rs);
	usleep(200000);
	rc = call("/ok", UP_DIRECT_OK, "GET", NULL, 2000, 1024, &rs);
	ok(rc == 0 && rs.status == 200 && rs.body.data != NULL &&
	    strstr(rs.body.data, "\"req\":1}") != NULL,
	    "direct: the stray bytes are not the next call's answer");
	up_response_free(&rs);

	rc = call("/trailer", UP_DIRECT_OK, "GET", NULL, 2000, 1024, &rs);
	ok(rc == 0 && rs.content_type != NULL &&
	    strcmp(rs.content_type, "text/plain") == 0,
	    "built-in client: a Content-Type in the trailer is not the "
	    "answer's (%s)", rs.content_type ? rs.content_type : rs.errmsg);
	up_response_free(&rs);
	kill(srv_pid, SIGKILL);
	waitpid(srv_pid, NULL, 0);
	port = srv_port;
	rc = call("/ok", UP_DIRECT_OK, "GET", NULL, 2000, 1024, &rs);
	ok(rc == -1 && (rs.err == UP_CONNECT || rs.err == UP_OTHER),
	    "direct: the server gone (port %d): %s", port, rs.errmsg);
	up_response_free(&rs);
	rc = call("/ok", UP_DIRECT_OK, "GET", NULL, 2000, 1024, &rs);
	ok(rc == -1 && rs.err == UP_CONNECT &&
	    strstr(rs.errmsg, "could not connect") != NULL,
	    "direct: connection refused: %s", rs.errmsg);
	{
		struct up_request	 q = { .timeout_ms = 2000 };
		char			 pub[160], p[16];

		snprintf(p, sizeof(p), "%d", port);
		up_error_public(&rs, &q, pub, sizeof(pub));
		ok(strstr(rs.errmsg, p) != NULL && strstr(pub, p) == NULL &&
		    strstr(pub, "127.0.0.1") == NULL &&
		    strcmp(pub, "could not connect (connection refused or "
		    "unreachable)") == 0, "... in words for the caller, "
		    "without the address the log gets: %s", pub);
		rs.err = UP_TIMEOUT;
		up_error_public(&rs, &q, pub, sizeof(pub));
		is_str(pub, "it did not answer within 2 seconds",
		    "... a timeout, with the time allowed");
		rs.err = UP_OTHER;
		up_error_public(&rs, &q, pub, sizeof(pub));
		is_str(pub, "the request failed (this server's log says why)",
		    "... anything else without a cause in words");
		snprintf(rs.errwhy, sizeof(rs.errwhy), "SSL peer certificate "
		    "or SSH remote key was not OK");
		up_error_public(&rs, &q, pub, sizeof(pub));
		is_str(pub, "the request failed: SSL peer certificate or SSH "
		    "remote key was not OK", "... or with the words of its "
		    "error code");
	}
	up_response_free(&rs);
	up_cleanup();
}

/* A loopback port nothing listens on. */
static int
dead_port(void)
{
	struct sockaddr_in	 sa;
	socklen_t		 len = sizeof(sa);
	int			 s, port;

	s = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    getsockname(s, (struct sockaddr *)&sa, &len) == -1) {
		perror("dead_port");
		exit(1);
	}
	port = ntohs(sa.sin_port);
	close(s);
	return port;
}

static const char *const proxy_vars[] = { "http_proxy", "HTTP_PROXY",
    "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy",
    "NO_PROXY", NULL };

/*
 * With only the variables of env set ("NAME=value" ...), a GET of url
 * on a new handle: 1 when the test server got it as a proxy, 0 when it
 * went straight to its (dead) port, -1 otherwise (the error in rs).
 */
static int
via_proxy(const char *const *env, const char *url, struct up_response *rs)
{
	struct up_request	 rq;
	const char		*eq;
	char			 name[32], want[160];
	size_t			 i;
	int			 rc;

	for (i = 0; proxy_vars[i] != NULL; i++)
		unsetenv(proxy_vars[i]);
	for (i = 0; env[i] != NULL; i++) {
		eq = strchr(env[i], '=');
		snprintf(name, sizeof(name), "%.*s", (int)(eq - env[i]),
		    env[i]);
		setenv(name, eq + 1, 1);
	}
	up_cleanup();	/* the environment is read with a new handle */
	memset(&rq, 0, sizeof(rq));
	rq.method = "GET";
	rq.url = url;
	rq.timeout_ms = 2000;
	rq.max_response = 4096;
	rc = up_perform(&rq, rs);
	snprintf(want, sizeof(want), "proxied GET %s HTTP/1.1", url);
	if (rc == 0 && rs->body.data != NULL &&
	    strcmp(rs->body.data, want) == 0)
		return 1;
	return rc == -1 && rs->err == UP_CONNECT ? 0 : -1;
}

/*
 * libcurl's side: one connection for every call whatever the method
 * (the handle is not reset between transfers, so no option of one call
 * may stay for the next), and the proxy it would take from the
 * environment, chosen once per handle by its rules.
 */
static void
t_curl(void)
{
	struct up_response	 rs;
	char			 url[128], https[128], proxy[64], hp[80];
	char			 ap[80], np[64];
	int			 rc, dead, i;

	for (i = 0; proxy_vars[i] != NULL; i++)
		unsetenv(proxy_vars[i]);
	up_cleanup();
	server_start();
	rc = call("/ok", 0, "GET", NULL, 2000, 1024, &rs);
	ok(rc == 0 && rs.body.data != NULL &&
	    strcmp(rs.body.data, "{\"conn\":1,\"req\":1}") == 0,
	    "libcurl: GET on a first connection");
	up_response_free(&rs);
	rc = call("/echo", 0, "POST", "{\"x\":1}", 2000, 4096, &rs);
	ok(rc == 0 && rs.body.data != NULL &&
	    strncmp(rs.body.data, "POST /echo HTTP/1.1\r\n", 21) == 0 &&
	    strstr(rs.body.data, "\r\nContent-Length: 7\r\n") != NULL &&
	    strstr(rs.body.data, "\r\n\r\n{\"x\":1}") != NULL &&
	    strstr(rs.body.data, "Expect") == NULL,
	    "libcurl: POST with its body, no Expect");
	up_response_free(&rs);
	rc = call("/echo", 0, "GET", NULL, 2000, 4096, &rs);
	ok(rc == 0 && rs.body.data != NULL &&
	    strncmp(rs.body.data, "GET /echo HTTP/1.1\r\n", 20) == 0 &&
	    strstr(rs.body.data, "Content-") == NULL,
	    "libcurl: a GET after a POST has no body or Content-Length");
	up_response_free(&rs);
	rc = call("/echo", 0, "DELETE", NULL, 2000, 4096, &rs);
	ok(rc == 0 && rs.body.data != NULL &&
	    strncmp(rs.body.data, "DELETE /echo HTTP/1.1\r\n", 23) == 0 &&
	    strstr(rs.body.data, "Content-") == NULL,
	    "libcurl: DELETE without a body");
	up_response_free(&rs);
	rc = call("/echo", 0, "HEAD", NULL, 2000, 4096, &rs);
	ok(rc == 0 && rs.status == 200 && rs.body.len == 0,
	    "libcurl: HEAD, no body read");
	up_response_free(&rs);
	rc = call("/echo", 0, "PUT", "ab", 2000, 4096, &rs);
	ok(rc == 0 && rs.body.data != NULL &&
	    strncmp(rs.body.data, "PUT /echo HTTP/1.1\r\n", 20) == 0 &&
	    strstr(rs.body.data, "\r\nContent-Length: 2\r\n") != NULL,
	    "libcurl: PUT after HEAD, with its body");
	up_response_free(&rs);
	rc = call("/ok", 0, "GET", NULL, 2000, 1024, &rs);
	ok(rc == 0 && rs.body.data != NULL &&
	    strcmp(rs.body.data, "{\"conn\":1,\"req\":7}") == 0,
	    "libcurl: the seventh call on the same connection: %s",
	    rs.body.data ? rs.body.data : rs.errmsg);
	up_response_free(&rs);
	/*
	 * libcurl (7.88) reuses a kept connection with unread bytes on
	 * it: what a broken API sent after an answer would be read as the
	 * answer to the next call, maybe another caller's.
	 */
	rc = call("/short", 0, "GET", NULL, 2000, 1024, &rs);
	ok(rc == 0 && rs.status == 200, "libcurl: an answer whose length is "
	    "short by what follows");
	up_response_free(&rs);
	usleep(200000);
	rc = call("/ok", 0, "GET", NULL, 2000, 1024, &rs);
	ok(rc == 0 && rs.status == 200 && rs.body.data != NULL &&
	    strstr(rs.body.data, "\"req\":1}") != NULL,
	    "libcurl: the stray bytes are not the next call's answer (%s)",
	    rs.body.data ? rs.body.data : rs.errmsg);
	up_response_free(&rs);
	rc = call("/ok", 0, "GET", NULL, 2000, 1024, &rs);
	ok(rc == 0 && rs.body.data != NULL &&
	    strstr(rs.body.data, "\"req\":2}") != NULL,
	    "libcurl: ... and the new connection is kept (%s)",
	    rs.body.data ? rs.body.data : rs.errmsg);
	up_response_free(&rs);
	rc = call("/trailer", 0, "GET", NULL, 2000, 1024, &rs);
	ok(rc == 0 && rs.content_type != NULL &&
	    strcmp(rs.content_type, "text/plain") == 0,
	    "libcurl: a Content-Type in the trailer is not the answer's (%s)",
	    rs.content_type ? rs.content_type : rs.errmsg);
	up_response_free(&rs);

	/* the test server as the proxy, the API on a dead port */
	dead = dead_port();
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/ok", dead);
	snprintf(https, sizeof(https), "https://127.0.0.1:%d/ok", dead);
	snprintf(proxy, sizeof(proxy), "http://127.0.0.1:%d", srv_port);
	snprintf(hp, sizeof(hp), "http_proxy=%s", proxy);
	snprintf(ap, sizeof(ap), "all_proxy=%s", proxy);
	snprintf(np, sizeof(np), "no_proxy=127.0.0.1");
	{
		char	 HP[80], AP[80], SP[80], SPU[80];
		const char *const none[] = { NULL };
		const char *const http[] = { hp, NULL };
		const char *const upper[] = { HP, NULL };
		const char *const all[] = { ap, NULL };
		const char *const allu[] = { AP, NULL };
		const char *const empty[] = { "http_proxy=", ap, NULL };
		const char *const no[] = { hp, np, NULL };
		const char *const nou[] = { hp, "NO_PROXY=127.0.0.1", NULL };
		const char *const star[] = { hp, "no_proxy=*", NULL };
		const char *const other[] = { hp, "no_proxy=example.com",
		    NULL };
		const char *const sonly[] = { SP, NULL };
		const char *const su[] = { SPU, NULL };
		const struct {
			const char *const	*env;
			const char		*url;
			int			 want;
			const char		*what;
		} cases[] = {
			{ none, url, 0, "no variable: direct" },
			{ http, url, 1, "http_proxy: proxied" },
			{ upper, url, 0, "HTTP_PROXY alone: direct (libcurl "
			    "never reads it)" },
			{ all, url, 1, "all_proxy: proxied" },
			{ allu, url, 1, "ALL_PROXY: proxied" },
			{ empty, url, 1, "an empty http_proxy is unset: "
			    "all_proxy" },
			{ no, url, 0, "no_proxy names the host: direct" },
			{ nou, url, 0, "NO_PROXY names the host: direct" },
			{ star, url, 0, "no_proxy=*: direct" },
			{ other, url, 1, "no_proxy names another host: "
			    "proxied" },
			{ sonly, url, 0, "https_proxy, http URL: direct" },
			{ none, https, 0, "https, no variable: direct" },
			{ sonly, https, -1, "https_proxy, https URL: a "
			    "CONNECT to the proxy" },
			{ su, https, -1, "HTTPS_PROXY, https URL: a CONNECT "
			    "to the proxy" },
			{ all, https, -1, "all_proxy, https URL: a CONNECT "
			    "to the proxy" },
			{ http, https, 0, "http_proxy, https URL: direct" },
		};
		size_t	 j;

		snprintf(HP, sizeof(HP), "HTTP_PROXY=%s", proxy);
		snprintf(AP, sizeof(AP), "ALL_PROXY=%s", proxy);
		snprintf(SP, sizeof(SP), "https_proxy=%s", proxy);
		snprintf(SPU, sizeof(SPU), "HTTPS_PROXY=%s", proxy);
		for (j = 0; j < sizeof(cases) / sizeof(cases[0]); j++) {
			rc = via_proxy(cases[j].env, cases[j].url, &rs);
			ok(rc == cases[j].want, "proxy from the environment, "
			    "%s: %s", cases[j].what, rc == 1 ? "proxied" :
			    rc == 0 ? "direct" : rs.errmsg);
			up_response_free(&rs);
		}
		/* read once per handle: a change later is not seen */
		rc = via_proxy(none, url, &rs);
		up_response_free(&rs);
		setenv("http_proxy", proxy, 1);
		{
			struct up_request	 rq;

			memset(&rq, 0, sizeof(rq));
			rq.method = "GET";
			rq.url = url;
			rq.timeout_ms = 2000;
			rq.max_response = 4096;
			rc = up_perform(&rq, &rs);
		}
		ok(rc == -1 && rs.err == UP_CONNECT, "the environment is "
		    "read once, with the handle: http_proxy set later is "
		    "not used (%s)", rs.errmsg);
		up_response_free(&rs);
	}
	for (i = 0; proxy_vars[i] != NULL; i++)
		unsetenv(proxy_vars[i]);
	up_cleanup();
	kill(srv_pid, SIGKILL);
	waitpid(srv_pid, NULL, 0);
}

static void
t_usable(void)
{
	struct url	 u;
	const char	*cause;
	static const struct {
		const char	*url;
		int		 usable;
	} cases[] = {
		{ "http://127.0.0.1:8080/api", 1 },
		{ "http://10.1.2.3/", 1 },
		{ "http://[::1]:9000/x", 1 },
		{ "https://127.0.0.1/", 0 },
		{ "http://localhost:8080/", 1 },
		{ "http://api.example.com/", 1 },
		{ "http://api_1.internal./v1", 1 },
		{ "http://-x.example/", 0 },
		{ "http://b\xc3\xbc" "cher.example/", 0 },
		{ "http://user:pw@127.0.0.1/", 0 },
		{ "http://[fe80::1%25eth0]/", 0 },
	};
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (url_parse(cases[i].url, &u, &cause) == -1) {
			ok(!cases[i].usable, "%s does not parse", cases[i].url);
			continue;
		}
		is_int(hc_usable(&u), cases[i].usable, "%s %s the built-in "
		    "client", cases[i].url, cases[i].usable ? "goes to" :
		    "does not go to");
		url_free(&u);
	}
}

/* ------------------------------------------------------- host names */

/*
 * A file of text put over target in this mount namespace (the file
 * itself is removed at once: the mount keeps it).
 */
static int
bind_file(const char *target, const char *text)
{
	char	 path[64];
	int	 fd, rc = -1;

	snprintf(path, sizeof(path), "/tmp/t_upstream.XXXXXX");
	if ((fd = mkstemp(path)) == -1)
		return -1;
	if (write(fd, text, strlen(text)) == (ssize_t)strlen(text) &&
	    fchmod(fd, 0644) == 0)
		rc = mount(path, target, NULL, MS_BIND, NULL);
	close(fd);
	unlink(path);
	return rc;
}

/* A connection begun to addr:port, not waited for. */
static int
connect_begun(const char *addr, int port)
{
	struct sockaddr_in	 sa;
	int			 s;

	s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	inet_pton(AF_INET, addr, &sa.sin_addr);
	(void)connect(s, (struct sockaddr *)&sa, sizeof(sa));
	return s;
}

/*
 * A name server on 127.0.0.86:53 that answers every question 0.6 s
 * late: an A question with 127.0.0.1, any other with no record.  In a
 * child process; its pid.
 */
static pid_t
late_dns(void)
{
	unsigned char		 q[512];
	struct sockaddr_in	 from;
	socklen_t		 flen;
	ssize_t			 n;
	size_t			 end;
	pid_t			 pid;
	int			 s;

	if ((s = sock_at(SOCK_DGRAM, "127.0.0.86", 53, 0)) == -1)
		return -1;
	fflush(stdout);
	if ((pid = fork()) != 0) {
		close(s);
		return pid;
	}
	for (;;) {
		flen = sizeof(from);
		n = recvfrom(s, q, sizeof(q) - 16, 0,
		    (struct sockaddr *)&from, &flen);
		if (n < 17)
			continue;
		/* the question: a name, then type and class */
		for (end = 12; end < (size_t)n && q[end] != 0;
		    end += q[end] + 1)
			;
		end += 5;
		if (end > (size_t)n)
			continue;
		usleep(600000);
		q[2] = 0x81;	/* an answer, recursion desired */
		q[3] = 0x80;	/* recursion available, no error */
		q[6] = q[7] = q[8] = q[9] = q[10] = q[11] = 0;
		if (q[end - 4] == 0 && q[end - 3] == 1) {	/* A */
			static const unsigned char a[] = { 0xc0, 12, 0, 1,
			    0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1 };

			q[7] = 1;
			memcpy(q + end, a, sizeof(a));
			end += sizeof(a);
		}
		(void)sendto(s, q, end, 0, (struct sockaddr *)&from, flen);
	}
}

/*
 * The built-in client with host names: the lookup bounded by the call's
 * deadline, its failures worded, every address of a name tried in turn
 * (half a second at most for one that does not answer), the one that
 * answered first next time, a resolver that does not answer, and one
 * that answers late.  Run in a child process (in_child): it gets a mount
 * namespace of its own with its own /etc/hosts, /etc/resolv.conf and
 * /etc/nsswitch.conf (root only: skipped otherwise).
 */
static void
t_names(void)
{
	struct up_response	 rs;
	struct addrinfo		 hints, *res;
	char			 first[16], second[16], name[32];
	double			 t0, el;
	pid_t			 dns;
	int			 rc, dead, fill[2], udp, i;

	/* nothing from the environment changes what the resolver does */
	unsetenv("LOCALDOMAIN");
	unsetenv("RES_OPTIONS");
	unsetenv("HOSTALIASES");
	if (geteuid() != 0 || access("/run/nscd/socket", F_OK) == 0 ||
	    unshare(CLONE_NEWNS) == -1 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1 ||
	    bind_file("/etc/nsswitch.conf", "hosts: files dns\n") == -1 ||
	    bind_file("/etc/hosts", "127.0.0.1 localhost one.test\n"
	    "127.0.0.2 two.test\n127.0.0.3 two.test\n") == -1 ||
	    bind_file("/etc/resolv.conf", "nameserver 127.0.0.86\n"
	    "options timeout:2 attempts:1\n") == -1) {
		ok(1, "# SKIP host names against a resolver of the test's "
		    "own: needs root, a mount namespace and no nscd");
		return;
	}

	/* no name server at all (nothing on its port): at once */
	srv_port = 80;
	t0 = util_now_mono();
	rc = call_host("nowhere.test.", "/ok", UP_DIRECT_OK, "GET", NULL,
	    2000, 1024, &rs);
	ok(rc == -1 && rs.err == UP_RESOLVE && util_now_mono() - t0 < 1.5 &&
	    strstr(rs.errmsg, "could not resolve the host name of "
	    "nowhere.test.:80: the name has no address") != NULL,
	    "a name that does not resolve: %s", rs.errmsg);
	up_response_free(&rs);

	/*
	 * two.test: the first of its addresses (in the order the resolver
	 * gives them) takes no connection (a full backlog drops the SYN),
	 * the second serves.
	 */
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo("two.test", NULL, &hints, &res);
	ok(rc == 0 && res->ai_next != NULL, "the hosts file is ours");
	if (rc != 0 || res->ai_next == NULL) {
		if (rc == 0)
			freeaddrinfo(res);
		return;
	}
	inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)res->ai_addr)->
	    sin_addr, first, sizeof(first));
	inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)res->ai_next->
	    ai_addr)->sin_addr, second, sizeof(second));
	freeaddrinfo(res);
	server_start_at(second, 0);
	dead = sock_at(SOCK_STREAM, first, srv_port, 0);
	fill[0] = connect_begun(first, srv_port);
	usleep(50000);
	fill[1] = connect_begun(first, srv_port);
	t0 = util_now_mono();
	rc = call_host("two.test", "/ok", UP_DIRECT_OK, "GET", NULL, 4000,
	    1024, &rs);
	el = util_now_mono() - t0;
	ok(dead != -1 && rc == 0 && rs.status == 200 && el > 0.4 && el < 1.5,
	    "two addresses, the first silent: it gets half a second, the "
	    "second answers (%.2f s) %s", el, rc == 0 ? "" : rs.errmsg);
	up_response_free(&rs);
	rc = call_host("two.test", "/close", UP_DIRECT_OK, "GET", NULL, 2000,
	    1024, &rs);
	up_response_free(&rs);
	t0 = util_now_mono();
	rc = call_host("two.test", "/ok", UP_DIRECT_OK, "GET", NULL, 2000,
	    1024, &rs);
	el = util_now_mono() - t0;
	ok(rc == 0 && rs.status == 200 && el < 0.3, "a new connection goes "
	    "to the address that answered first (%.2f s)", el);
	up_response_free(&rs);
	close(fill[0]);
	close(fill[1]);
	close(dead);
	server_stop();
	up_cleanup();

	/* a name server that takes the question and never answers (the
	 * names end with a dot: no search domain adds lookups) */
	udp = sock_at(SOCK_DGRAM, "127.0.0.86", 53, 0);
	ok(udp != -1, "a silent name server on 127.0.0.86:53");
	for (i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "silent%d.test.", i);
		t0 = util_now_mono();
		rc = call_host(name, "/ok", UP_DIRECT_OK, "GET", NULL, 300,
		    1024, &rs);
		el = util_now_mono() - t0;
		ok(rc == -1 && rs.err == UP_RESOLVE && el < 1.0 &&
		    strstr(rs.errmsg, "did not answer in time") != NULL,
		    "a lookup the resolver does not answer ends with the "
		    "call's 0.3 s (%.2f s): %s", el, rs.errmsg);
		up_response_free(&rs);
	}
	t0 = util_now_mono();
	rc = call_host("silent4.test.", "/ok", UP_DIRECT_OK, "GET", NULL, 300,
	    1024, &rs);
	el = util_now_mono() - t0;
	ok(rc == -1 && rs.err == UP_RESOLVE && el < 0.2 &&
	    strstr(rs.errmsg, "earlier lookups have not ended") != NULL,
	    "with four lookups still hanging, a fifth is not begun (%.2f s): "
	    "%s", el, rs.errmsg);
	up_response_free(&rs);
	/* the resolver gives up on them after its 2 s: lookups again */
	server_start();
	for (i = 0; i < 100; i++) {
		rc = call_host("one.test", "/ok", UP_DIRECT_OK, "GET", NULL,
		    2000, 1024, &rs);
		if (rc == 0)
			break;
		up_response_free(&rs);
		usleep(100000);
	}
	ok(rc == 0 && rs.status == 200 && i > 0, "once they ended, names "
	    "resolve again (after %d tries)", i);
	up_response_free(&rs);
	close(udp);
	hc_close();	/* not to be inherited by the name server's process */

	/* a name server slower than the call: its answer, come late, is
	 * kept for the calls after it */
	dns = late_dns();
	ok(dns > 0, "a name server that answers 0.6 s late");
	rc = call_host("late.test.", "/ok", UP_DIRECT_OK, "GET", NULL, 300,
	    1024, &rs);
	ok(rc == -1 && rs.err == UP_RESOLVE, "a lookup slower than the call: "
	    "%s", rs.errmsg);
	up_response_free(&rs);
	sleep(2);	/* the answers to A and AAAA: 1.2 s */
	t0 = util_now_mono();
	rc = call_host("late.test.", "/ok", UP_DIRECT_OK, "GET", NULL, 300,
	    1024, &rs);
	el = util_now_mono() - t0;
	ok(rc == 0 && rs.status == 200 && el < 0.3, "the next call uses its "
	    "answer, no new lookup (%.2f s) %s", el, rc == 0 ? "" : rs.errmsg);
	up_response_free(&rs);
	if (dns > 0) {
		kill(dns, SIGKILL);
		waitpid(dns, NULL, 0);
	}
	server_stop();
	up_cleanup();
}

/*
 * fn in a child process, its TAP lines numbered on from ours: a mount
 * namespace is a thread's, and glibc's resolver threads would keep the
 * old one, so the test that changes /etc runs where no thread was made.
 */
static void
in_child(void (*fn)(void))
{
	int	 p[2], counts[2];
	pid_t	 pid;

	fflush(stdout);
	if (pipe(p) == -1 || (pid = fork()) == -1) {
		ok(0, "fork: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		close(p[0]);
		fn();
		counts[0] = tap_n;
		counts[1] = tap_failed;
		fflush(stdout);
		if (write(p[1], counts, sizeof(counts)) != sizeof(counts))
			exit(1);
		exit(0);
	}
	close(p[1]);
	if (read(p[0], counts, sizeof(counts)) == sizeof(counts)) {
		tap_n = counts[0];
		tap_failed = counts[1];
	} else
		ok(0, "the child testing host names ended early");
	close(p[0]);
	waitpid(pid, NULL, 0);
}

int
main(void)
{
	unsetenv("http_proxy");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	t_parser();
	t_resolve();
	t_usable();
	t_transfers();
	t_curl();
	in_child(t_names);
	return done_testing();
}
