/* SPDX-License-Identifier: ISC */
/*
 * The FastCGI connection as a web server sees it: mcp.fcgi runs as
 * spawn-fcgi runs it (a listening Unix socket on fd 0) and this test is
 * the web server, writing records by hand.  server.c accepts on its own
 * and reads the end of stdin only from what libfcgi has buffered; these
 * are the cases that could go wrong: a request in one write, the end of
 * stdin held back (the answer must not wait for it), an abort record
 * after the request, a connection that says nothing and closes, one that
 * waits before it speaks, and SIGTERM while idle.  Then the time limit on
 * input (MCP_BODY_TIMEOUT): a body that stops, one that trickles, and a
 * refused body that keeps coming while the answer's connection closes.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

#define T_STDIN		5
#define T_PARAMS	4
#define T_BEGIN		1
#define T_ABORT		2
#define T_STDOUT	6
#define T_END		3

static char	 sock_path[108];

static void
rec(char *out, size_t *len, int type, const void *body, size_t n)
{
	unsigned char	*h = (unsigned char *)out + *len;

	h[0] = 1;
	h[1] = (unsigned char)type;
	h[2] = 0;
	h[3] = 1;		/* request id 1 */
	h[4] = (unsigned char)(n >> 8);
	h[5] = (unsigned char)n;
	h[6] = 0;
	h[7] = 0;
	memcpy(h + 8, body, n);
	*len += 8 + n;
}

static void
param(char *p, size_t *n, const char *name, const char *value)
{
	size_t	 a = strlen(name), b = strlen(value);

	p[(*n)++] = (char)a;
	p[(*n)++] = (char)b;
	memcpy(p + *n, name, a);
	memcpy(p + *n + a, value, b);
	*n += a + b;
}

static const char ping_body[] =
    "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}";

/* The begin record and the params of a POST to /mcp with this length. */
static size_t
head(char *out, size_t content_length)
{
	static const char begin[8] = { 0, 1, 0, 0, 0, 0, 0, 0 };
	char	 p[1024], cl[24];
	size_t	 len = 0, n = 0;

	snprintf(cl, sizeof(cl), "%zu", content_length);
	param(p, &n, "REQUEST_METHOD", "POST");
	param(p, &n, "SCRIPT_NAME", "/mcp");
	param(p, &n, "REQUEST_URI", "/mcp");
	param(p, &n, "SERVER_PROTOCOL", "HTTP/1.1");
	param(p, &n, "REMOTE_ADDR", "127.0.0.1");
	param(p, &n, "SERVER_NAME", "127.0.0.1");
	param(p, &n, "SERVER_PORT", "80");
	param(p, &n, "HTTP_HOST", "127.0.0.1");
	param(p, &n, "CONTENT_TYPE", "application/json");
	param(p, &n, "HTTP_ACCEPT", "application/json, text/event-stream");
	param(p, &n, "CONTENT_LENGTH", cl);
	rec(out, &len, T_BEGIN, begin, sizeof(begin));
	rec(out, &len, T_PARAMS, p, n);
	rec(out, &len, T_PARAMS, "", 0);
	return len;
}

/* Begin, params and the body of a ping; the end of stdin only if asked. */
static size_t
request(char *out, int with_eof)
{
	size_t	 len = head(out, sizeof(ping_body) - 1);

	rec(out, &len, T_STDIN, ping_body, sizeof(ping_body) - 1);
	if (with_eof)
		rec(out, &len, T_STDIN, "", 0);
	return len;
}

static int
dial(void)
{
	struct sockaddr_un	 sa;
	int			 fd;

	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, sock_path, strlen(sock_path) + 1);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Read records until FCGI_END_REQUEST (5 s at most): 1 when the stdout
 * held the status line `status` and the text `want`, 0 otherwise.
 */
static int
answered(int fd, const char *status, const char *want)
{
	static char	 buf[65536], out[65536];
	size_t		 have = 0, olen = 0, n;
	struct pollfd	 pfd = { fd, POLLIN, 0 };
	ssize_t		 r;
	unsigned char	*h;
	int		 ended = 0;

	while (!ended) {
		if (poll(&pfd, 1, 5000) != 1)
			return 0;
		if ((r = read(fd, buf + have, sizeof(buf) - have)) <= 0)
			return 0;
		have += (size_t)r;
		while (have >= 8) {
			h = (unsigned char *)buf;
			n = (size_t)(h[4] << 8 | h[5]) + h[6];
			if (have < 8 + n)
				break;
			if (h[1] == T_STDOUT && olen + n < sizeof(out)) {
				memcpy(out + olen, buf + 8, n - h[6]);
				olen += n - h[6];
			}
			if (h[1] == T_END)
				ended = 1;
			memmove(buf, buf + 8 + n, have - 8 - n);
			have -= 8 + n;
		}
	}
	out[olen] = '\0';
	return strstr(out, status) != NULL && strstr(out, want) != NULL;
}

/* The whole 200 answer to the ping. */
static int
answer(int fd)
{
	return answered(fd, "Status: 200", "\"id\":7,\"result\":{}");
}

/* The end of the stream (the worker closed or shut down its side). */
static int
reads_eof(int fd)
{
	struct pollfd	 pfd = { fd, POLLIN, 0 };
	char		 c;

	return poll(&pfd, 1, 5000) == 1 && read(fd, &c, 1) == 0;
}

static int
one_request(const char *extra, size_t extra_len)
{
	char	 out[4096];
	size_t	 n = request(out, 1);
	int	 fd, rc;

	if ((fd = dial()) == -1)
		return 0;
	memcpy(out + n, extra, extra_len);
	rc = write(fd, out, n + extra_len) == (ssize_t)(n + extra_len) &&
	    answer(fd) && reads_eof(fd);
	close(fd);
	return rc;
}

/*
 * mcp.fcgi on a new listening socket at sock_path, as spawn-fcgi runs it;
 * `limited`: one second for input, bodies up to 1 KiB.
 */
static pid_t
start_worker(int limited)
{
	const char	*top = getenv("top_builddir"), *src = getenv("top_srcdir");
	char		 prog[4096], doc[4096];
	struct sockaddr_un sa;
	int		 lfd;
	pid_t		 pid;

	snprintf(prog, sizeof(prog), "%s/cgi-bin/mcp.fcgi", top ? top : ".");
	snprintf(doc, sizeof(doc), "%s/examples/openapi.json", src ? src : ".");
	unlink(sock_path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, sock_path, strlen(sock_path) + 1);
	if (lfd == -1 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    listen(lfd, 16) == -1) {
		printf("Bail out! cannot listen on %s: %s\n", sock_path,
		    strerror(errno));
		exit(1);
	}
	if ((pid = fork()) == 0) {
		dup2(lfd, 0);
		close(lfd);
		setenv("MCP_OPENAPI", doc, 1);
		setenv("MCP_API_BASE_URL", "http://127.0.0.1:9/api", 1);
		setenv("MCP_LOG_LEVEL", limited ? "error" : "warn", 1);
		if (limited) {
			setenv("MCP_BODY_TIMEOUT", "1", 1);
			setenv("MCP_MAX_BODY", "1024", 1);
		}
		execl(prog, "mcp.fcgi", (char *)NULL);
		_exit(127);
	}
	close(lfd);
	return pid;
}

/*
 * A child writes `n` bytes of `p` to `fd` one at a time, one every 200 ms,
 * until they are out or the worker closes its end.
 */
static pid_t
trickle(int fd, const char *p, size_t n)
{
	struct timespec	 gap = { 0, 200000000 };
	pid_t		 pid;

	if ((pid = fork()) != 0)
		return pid;
	signal(SIGPIPE, SIG_IGN);
	while (n-- > 0 && write(fd, p++, 1) == 1)
		nanosleep(&gap, NULL);
	_exit(0);
}

static void
reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* Signal `sig` to an idle worker: 1 when it exits with 0 within 5 s. */
static int
stops_on(pid_t pid, int sig)
{
	struct timespec	 pause = { 0, 300000000 }, tick = { 0, 100000000 };
	int		 i, status = -1;

	nanosleep(&pause, NULL);
	kill(pid, sig);
	for (i = 0; i < 50 && waitpid(pid, &status, WNOHANG) == 0; i++)
		nanosleep(&tick, NULL);
	if (i == 50) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return 0;
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/*
 * SIGTERM while a request's body is coming in (a web server that streams
 * bodies): 1 when that request is answered whole and the worker then
 * exits with 0.
 */
static int
term_mid_body(pid_t pid)
{
	struct timespec	 pause = { 0, 300000000 }, tick = { 0, 100000000 };
	char		 out[4096];
	size_t		 n;
	int		 fd, served, i, status = -1;

	if ((fd = dial()) == -1)
		return 0;
	n = head(out, sizeof(ping_body) - 1);
	rec(out, &n, T_STDIN, ping_body, 10);
	served = write(fd, out, n) == (ssize_t)n;
	nanosleep(&pause, NULL);	/* the worker waits in read(2) */
	kill(pid, SIGTERM);
	nanosleep(&pause, NULL);
	n = 0;
	rec(out, &n, T_STDIN, ping_body + 10, sizeof(ping_body) - 1 - 10);
	rec(out, &n, T_STDIN, "", 0);
	served = served && write(fd, out, n) == (ssize_t)n && answer(fd);
	close(fd);
	for (i = 0; i < 50 && waitpid(pid, &status, WNOHANG) == 0; i++)
		nanosleep(&tick, NULL);
	if (i == 50)
		reap(pid);
	return served && i < 50 && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0;
}

int
main(void)
{
	static char	 junk[1000];
	char		 out[4096], abort_rec[16];
	struct timespec	 pause = { 0, 300000000 };
	size_t		 n, alen = 0;
	int		 fd, i;
	pid_t		 pid, child;

	snprintf(sock_path, sizeof(sock_path), "/tmp/t_fcgi.%ld.sock",
	    (long)getpid());
	pid = start_worker(0);

	ok(one_request("", 0), "a request in one write: the whole answer, "
	    "then the end of the connection");

	/* the end of stdin held back until the answer is read: it must not
	 * be waited for (a worker that blocked on it would never answer) */
	fd = dial();
	n = request(out, 0);
	ok(fd != -1 && write(fd, out, n) == (ssize_t)n && answer(fd),
	    "the end of stdin held back: the answer comes without it");
	n = 0;
	rec(out, &n, T_STDIN, "", 0);
	ok(write(fd, out, n) == (ssize_t)n && reads_eof(fd),
	    "then sent: the connection ends");
	close(fd);
	ok(one_request("", 0), "the next request is served");

	/* an abort record after the request, in the same write */
	rec(abort_rec, &alen, T_ABORT, "", 0);
	ok(one_request(abort_rec, alen), "an abort record after the end of "
	    "stdin: the whole answer still arrives");

	/* a connection that says nothing and closes */
	if ((fd = dial()) != -1)
		close(fd);
	ok(one_request("", 0), "a silent connection closed at once: the next "
	    "request is served");

	/* a connection that waits before it speaks */
	fd = dial();
	nanosleep(&pause, NULL);
	n = request(out, 1);
	ok(fd != -1 && write(fd, out, n) == (ssize_t)n && answer(fd),
	    "a connection that speaks after 0.3 s is served");
	close(fd);

	for (i = 0; i < 20; i++)
		if (!one_request("", 0))
			break;
	ok(i == 20, "20 requests in a row");
	ok(term_mid_body(pid), "SIGTERM while a body comes in: that request "
	    "is answered whole, then the worker exits with 0");
	pid = start_worker(0);

	/* signals while idle in accept(2): SIGTERM, and libfcgi's SIGUSR1 */
	ok(stops_on(pid, SIGTERM), "SIGTERM while idle: the worker exits "
	    "with 0");
	pid = start_worker(0);
	ok(one_request("", 0), "a new worker serves");
	ok(stops_on(pid, SIGUSR1), "SIGUSR1 (libfcgi's graceful stop) while "
	    "idle: the worker exits with 0");

	/*
	 * MCP_BODY_TIMEOUT=1.  Only the web server connects, but a web
	 * server that streams bodies (Apache's mod_proxy_fcgi) passes a
	 * slow client's pace on: without a limit one client held a worker
	 * as long as it kept sending.
	 */
	pid = start_worker(1);
	ok(one_request("", 0), "MCP_BODY_TIMEOUT=1: a ping is served");

	fd = dial();
	n = head(out, sizeof(ping_body) - 1);
	rec(out, &n, T_STDIN, ping_body, 10);
	ok(fd != -1 && write(fd, out, n) == (ssize_t)n &&
	    answered(fd, "Status: 408", "request body") && reads_eof(fd),
	    "a body that stops after 10 of its 41 bytes: 408 within the "
	    "second, then the connection ends");
	close(fd);
	ok(one_request("", 0), "the next request is served");

	memset(junk, ' ', sizeof(junk));
	fd = dial();
	n = head(out, sizeof(junk));
	memcpy(out + n, "\1\5\0\1\3\350\0\0", 8);	/* stdin, 1000 bytes */
	n += 8;
	child = -1;
	if (fd != -1 && write(fd, out, n) == (ssize_t)n)
		child = trickle(fd, junk, sizeof(junk));
	ok(child > 0 && answered(fd, "Status: 408", "request body"),
	    "a body sent a byte every 200 ms: 408 within the second");
	if (child > 0)
		reap(child);
	close(fd);
	ok(one_request("", 0), "the next request is served");

	/* refused before it is read (413), the body keeps coming: the
	 * worker's close waits for the web server's end, not forever */
	fd = dial();
	n = head(out, 100000);
	memcpy(out + n, "\1\5\0\1\3\350\0\0", 8);
	n += 8;
	child = -1;
	if (fd != -1 && write(fd, out, n) == (ssize_t)n)
		child = trickle(fd, junk, sizeof(junk));
	ok(child > 0 && answered(fd, "Status: 413", "too large"),
	    "a body over MCP_MAX_BODY: 413 at once");
	ok(one_request("", 0), "while that body still comes, the next "
	    "request is served");
	if (child > 0)
		reap(child);
	close(fd);
	ok(stops_on(pid, SIGTERM), "the limited worker stops");
	unlink(sock_path);
	done_testing();
}
