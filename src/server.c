/* SPDX-License-Identifier: ISC */
/*
 * server: option handling, configuration, and the request loop.
 *
 * Under spawn-fcgi or a web server's process manager, file descriptor 0 is
 * the FastCGI listening socket and requests come through the reentrant
 * libfcgi API.  Started any other way (plain CGI, a test), the same program
 * answers the one request described by its environment and stdin.
 */
#include "config.h"

#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "deadline.h"
#include "http.h"
#include "jparse.h"
#include "log.h"
#include "metrics.h"
#include "server.h"

/* JSON tree bytes a request may build before its memory is given back */
#define SRV_TRIM_AFTER	((size_t)16 << 20)

extern char **environ;

static volatile sig_atomic_t	 srv_terminate;
static uint32_t			 srv_id_seed;
static uint32_t			 srv_id_counter;
static int			 srv_listen_unix;	/* fd 0 is AF_UNIX */
static int			 srv_conn_fd = -1;	/* FastCGI, or -1 */
static int			 srv_body_late;	/* answered 408 */

/*
 * SIGTERM: stop accepting.  A request in flight finishes first: the loop
 * only looks at the flag between requests, and the signal is blocked
 * while one is served (srv_stop_signals), so that it cannot cut a read of
 * the body short (libfcgi does not read again after EINTR, and the body
 * would be taken for one shorter than Content-Length); an idle accept()
 * returns with EINTR (no SA_RESTART) and libfcgi gives up because of
 * FCGX_ShutdownPending().
 */
static void
srv_on_term(int sig)
{
	(void)sig;
	srv_terminate = 1;
	FCGX_ShutdownPending();
}

static void
srv_signals(void)
{
	struct sigaction	 sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = srv_on_term;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

/* Hold SIGTERM and SIGINT back (SIG_BLOCK) or let them in (SIG_UNBLOCK). */
static void
srv_stop_signals(int how)
{
	sigset_t	 set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(how, &set, NULL);
}

static void
srv_new_id(struct req *rq)
{
	util_hex32(rq->id, (uint32_t)srv_id_seed);
	util_hex32(rq->id + 8, (uint32_t)++srv_id_counter);
	rq->id[16] = '\0';
}

static char *
srv_path(struct req *rq)
{
	const char	*sn, *pi, *uri;

	sn = req_param(rq, "SCRIPT_NAME");
	pi = req_param(rq, "PATH_INFO");
	if ((sn != NULL && *sn != '\0') || (pi != NULL && *pi != '\0')) {
		size_t	 a = sn ? strlen(sn) : 0, b = pi ? strlen(pi) : 0;
		char	*p = xmalloc(a + b + 1);

		memcpy(p, sn ? sn : "", a);
		memcpy(p + a, pi ? pi : "", b);
		p[a + b] = '\0';
		return p;
	}
	if ((uri = req_param(rq, "REQUEST_URI")) != NULL)
		return xstrndup(uri, strcspn(uri, "?"));
	return xstrdup("/");
}

/*
 * Fill in the request and read its body, enforcing the limits before a
 * byte of the body is read, and MCP_BODY_TIMEOUT while it is read from a
 * FastCGI connection.  Returns 0 to go on, -1 when `rs` already holds the
 * answer (411, 413, 400, 408).
 */
int
srv_read_request(const struct cfg *cfg, struct req *rq, struct resp *rs,
    int (*rd)(void *, char *, size_t), void *rctx)
{
	const char	*cl, *err;
	long long	 len = 0;
	size_t		 got = 0;
	int		 n;

	rq->start = util_now_mono();
	srv_new_id(rq);
	rq->method = req_param(rq, "REQUEST_METHOD");
	if (rq->method == NULL)
		rq->method = "GET";
	rq->path = srv_path(rq);
	rq->query = req_param(rq, "QUERY_STRING");
	cl = req_param(rq, "CONTENT_LENGTH");
	if (cl == NULL || *cl == '\0') {
		if (strcmp(rq->method, "POST") == 0 ||
		    strcmp(rq->method, "PUT") == 0) {
			resp_error_text(rs, 411, "Content-Length required");
			return -1;
		}
		return 0;
	}
	if (util_strtonum(cl, 0, INT64_MAX, &len, &err) == -1) {
		resp_error_text(rs, 400, "invalid Content-Length");
		return -1;
	}
	if (len > cfg->max_body) {
		resp_error_text(rs, 413, "request body too large");
		return -1;
	}
	rq->body = xmalloc((size_t)len + 1);
	if (len > 0)
		dl_arm(srv_conn_fd, cfg->body_timeout, DL_SHUT_READ);
	while (got < (size_t)len) {
		n = rd(rctx, rq->body + got, (size_t)len - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	dl_disarm();
	rq->body[got] = '\0';
	rq->body_len = got;
	if (got < (size_t)len && dl_expired()) {
		srv_body_late = 1;
		resp_error_text(rs, 408, "request body not received within "
		    "MCP_BODY_TIMEOUT");
		return -1;
	}
	if (got < (size_t)len) {
		resp_error_text(rs, 400, "request body shorter than "
		    "Content-Length");
		return -1;
	}
	return 0;
}

static void
srv_request_free(struct req *rq)
{
	free(rq->path);
	free(rq->body);
}

/*
 * One request, whatever carried it, up to its answer: the answer is
 * handed to the sink, and the request is left for srv_done.
 */
static void
srv_serve(const struct srv_prog *p, void *app, const struct cfg *cfg,
    char **envp, int (*rd)(void *, char *, size_t), void *rctx,
    struct req *rq, struct resp *rs)
{
	memset(rq, 0, sizeof(*rq));
	rq->envp = envp;
	req_index(rq);
	if (srv_read_request(cfg, rq, rs, rd, rctx) == 0)
		p->handle(app, cfg, rq, rs);
	if (resp_finish(rs) == -1)
		req_set_note(rq->note, sizeof(rq->note), "client-gone");
}

/*
 * The parameters are about to go (libfcgi frees them when it ends the
 * request): keep what the log and the metrics still read.
 */
static void
srv_forget_params(struct req *rq)
{
	size_t	 n = strlen(rq->method);

	if (n >= sizeof(rq->method_kept))
		n = sizeof(rq->method_kept) - 1;
	memcpy(rq->method_kept, rq->method, n);
	rq->method_kept[n] = '\0';
	rq->method = rq->method_kept;
	rq->envp = NULL;
	rq->query = NULL;
}

/*
 * After the answer went out: count it, log it, release the request.  A
 * request that built large JSON trees (a hostile 4 MiB body can take a
 * quarter of a GiB, an API's answer as much) leaves that memory in the
 * heap, freed but held, json-c's small blocks keeping it from going back
 * by itself: it is handed back to the system, so that one request per
 * worker cannot keep every worker of a pool that large.
 */
static void
srv_done(const struct srv_prog *p, struct req *rq, struct resp *rs)
{
	met_request(p->prog, rq, rs);
	log_request(rq, rs);
	resp_free(rs);
	srv_request_free(rq);
	if (jp_built_take() > SRV_TRIM_AFTER)
		malloc_trim(0);
}

/* FastCGI streams. */
static int
fcgi_read(void *ctx, char *p, size_t n)
{
	return FCGX_GetStr(p, n > 65536 ? 65536 : (int)n, (FCGX_Stream *)ctx);
}

static int
fcgi_write(void *ctx, const char *p, size_t n)
{
	while (n > 0) {
		int	 chunk = n > 65536 ? 65536 : (int)n;

		if (FCGX_PutStr(p, chunk, (FCGX_Stream *)ctx) != chunk)
			return -1;
		p += chunk;
		n -= (size_t)chunk;
	}
	return 0;
}

static int
fcgi_flush(void *ctx)
{
	return FCGX_FFlush((FCGX_Stream *)ctx) == -1 ? -1 : 0;
}

/* CGI: stdin and stdout. */
static int
cgi_read(void *ctx, char *p, size_t n)
{
	size_t	 got = fread(p, 1, n, stdin);

	(void)ctx;
	return got == 0 ? -1 : (int)got;
}

static int
cgi_write(void *ctx, const char *p, size_t n)
{
	(void)ctx;
	return fwrite(p, 1, n, stdout) == n ? 0 : -1;
}

static int
cgi_flush(void *ctx)
{
	(void)ctx;
	return fflush(stdout) == 0 ? 0 : -1;
}

/*
 * libfcgi ends every connection with a lingering close: shutdown, then
 * wait until the web server has read the answer and closed its end.  The
 * wait keeps the worker from its next request for a round of the
 * server's event loop.  It protects answers from being reset when
 * unread input remains (TCP resets a connection closed with unread
 * data; the peer may drop what it had not read yet), so it is skipped
 * only when the whole input was read: libfcgi saw the end of stdin and
 * nothing more waits in the socket.  libfcgi closes without lingering
 * a connection marked detached.
 */
static int
srv_nothing_unread(FCGX_Request *r)
{
	char	 c;
	int	 n, fd;

	if (r->ipcFd < 0 || FCGX_GetError(r->in) != 0)
		return 0;
	if (FCGX_HasSeenEOF(r->in) != EOF) {
		/*
		 * The body was read up to its length; the end-of-stdin record
		 * is usually in libfcgi's buffer already.  Look for it there
		 * only: libfcgi reads through the request's ipcFd, so with
		 * that hidden a read it would need fails at once (EBADF) and
		 * breaks the stream, which is then closed the lingering way.
		 * (Two fcntl(2) calls for a non-blocking read cost more than
		 * the rest of this look.)
		 */
		fd = r->ipcFd;
		r->ipcFd = -1;
		n = FCGX_GetStr(&c, 1, r->in);
		r->ipcFd = fd;
		if (n != 0 || FCGX_GetError(r->in) != 0)
			return 0;
	}
	/*
	 * All of stdin was read.  What could still come is an abort record
	 * (the client went away).  On a Unix socket it cannot cost the web
	 * server the answer: the kernel hands it the data queued for it
	 * before the reset (unix_stream_read_generic), so there is nothing
	 * to look for.
	 */
	return srv_listen_unix || util_fd_quiet(r->ipcFd);
}

/*
 * On a Unix socket the connection is accepted here, not by libfcgi,
 * which follows each accept with a poll(2) of up to two seconds for the
 * first bytes: a guard against a Linux 2.0 fault (a connection given up
 * before it was accepted blocked the first read).  Current kernels end
 * such a read at once, and a system call is a microsecond on some
 * virtual machines.  A connection that stays silent now holds its worker
 * until it speaks or closes, as one that sends half a record always did
 * (only the web server may connect: the socket's permissions).  libfcgi
 * takes a connection it finds open (ipcFd not -1); keepConnection keeps
 * the first step of FCGX_Accept_r, finishing the previous request, from
 * closing it, and is then set from the web server's begin-request record.
 * When accept fails, a signal included, libfcgi accepts instead and
 * handles that as it always did (SIGUSR1, libfcgi's graceful stop, ends
 * its accept).
 */
static void
srv_accept(FCGX_Request *r)
{
	int	 fd;

	if (!srv_listen_unix || r->ipcFd >= 0)
		return;
	if ((fd = accept4(r->listen_sock, NULL, NULL, SOCK_CLOEXEC)) == -1)
		return;
	r->ipcFd = fd;
	r->keepConnection = 1;
}

/* Is the listening socket, fd 0, a Unix socket?  (spawn-fcgi -s, or a
 * web server that starts the workers itself) */
static int
srv_is_unix_listener(void)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);

	return getsockname(0, (struct sockaddr *)&ss, &len) == 0 &&
	    ss.ss_family == AF_UNIX;
}

static void
srv_loop(const struct srv_prog *p, void *app, const struct cfg *cfg)
{
	FCGX_Request		 r;
	struct http_sink	 sink;
	struct req		 rq;
	struct resp		 rs;

	if (FCGX_Init() != 0 || FCGX_InitRequest(&r, 0, 0) != 0) {
		log_msg(LOGL_ERROR, "cannot initialise libfcgi");
		return;
	}
	if (dl_init() == -1) {
		log_msg(LOGL_ERROR, "cannot set up MCP_BODY_TIMEOUT: %s",
		    strerror(errno));
		return;
	}
	/* FCGX_Init installs its own SIGPIPE handler: ignore it again */
	signal(SIGPIPE, SIG_IGN);
	srv_listen_unix = srv_is_unix_listener();
	log_msg(LOGL_INFO, "ready (pid %ld)", (long)getpid());
	while (!srv_terminate) {
		srv_accept(&r);
		/* SIGTERM in accept(2); a connection taken is still served */
		if ((srv_terminate && r.ipcFd < 0) || FCGX_Accept_r(&r) < 0)
			break;
		srv_stop_signals(SIG_BLOCK);
		sink.write = fcgi_write;
		sink.flush = fcgi_flush;
		sink.ctx = r.out;
		resp_init(&rs, &sink);
		srv_conn_fd = r.ipcFd;
		srv_serve(p, app, cfg, r.envp, fcgi_read, r.in, &rq, &rs);
		srv_conn_fd = -1;
		/* a body that ran out of time: no waiting for its rest */
		r.detached = srv_body_late || srv_nothing_unread(&r);
		srv_body_late = 0;
		srv_forget_params(&rq);
		/*
		 * The answer leaves (libfcgi's last records, the close)
		 * before the log line and the metrics are written: they
		 * are not what the client waits for.  The closing wait for
		 * unread input gets MCP_BODY_TIMEOUT too.
		 */
		if (!r.detached)
			dl_arm(r.ipcFd, cfg->body_timeout, DL_DROP);
		FCGX_Finish_r(&r);
		dl_disarm();
		srv_done(p, &rq, &rs);
		/* one that came meanwhile is handled here, and ends the loop */
		srv_stop_signals(SIG_UNBLOCK);
	}
	log_msg(LOGL_INFO, "exiting (pid %ld)", (long)getpid());
}

static void
srv_id_init(void)
{
	if (getrandom(&srv_id_seed, sizeof(srv_id_seed), 0) !=
	    sizeof(srv_id_seed))
		srv_id_seed = (uint32_t)getpid() * 2654435761u;
}

/*
 * Workers hold secrets (MCP_SECRET, client secrets, the Redis password)
 * in their environment, which /proc/PID/environ shows, and in memory:
 * whatever else runs as their user (often the web server's, its other
 * FastCGI and CGI programs) could read both.  A process that is not
 * "dumpable" has its /proc files owned by root and cannot be traced
 * or dumped by its own user.
 */
void
srv_harden(void)
{
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		log_msg(LOGL_WARN, "cannot keep /proc/%ld/environ from the "
		    "program's user: %s", (long)getpid(), strerror(errno));
}

int
srv_main(const struct srv_prog *p, int argc, char **argv)
{
	struct cfg		 cfg;
	struct http_sink	 sink = { cgi_write, cgi_flush, NULL };
	struct req		 rq;
	struct resp		 rs;
	void			*app = NULL;
	char			*cause = NULL;
	int			 check = 0;

	if (argc > 2) {
		cfg_usage(p->name, p->prog, stderr);
		return 64;
	}
	if (argc == 2) {
		if (strcmp(argv[1], "--version") == 0 ||
		    strcmp(argv[1], "-V") == 0) {
			printf("%s (%s) %s\n", p->name, PACKAGE_NAME,
			    PACKAGE_VERSION);
			return 0;
		}
		if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
			cfg_usage(p->name, p->prog, stdout);
			return 0;
		}
		if (strcmp(argv[1], "--check-config") != 0) {
			cfg_usage(p->name, p->prog, stderr);
			return 64;
		}
		check = 1;
	}
	srv_harden();
	if (cfg_load(&cfg, p->prog, environ, stderr) == -1) {
		fprintf(stderr, "%s: invalid configuration, not starting\n",
		    p->name);
		return CFG_EXIT_CONFIG;
	}
	log_init(p->name, cfg.log_level, cfg.log_format);
	/* the shared counters first: mcp_init names its tools in them */
	if (met_init(&cfg, p->prog, !check, &cause) == -1 ||
	    (p->init != NULL && p->init(&cfg, &app, &cause) == -1)) {
		fprintf(stderr, "%s\n%s: invalid configuration, not starting\n",
		    cause ? cause : "initialisation failed", p->name);
		free(cause);
		cfg_free(&cfg);
		return CFG_EXIT_CONFIG;
	}
	if (check) {
		cfg_print(&cfg, p->prog, stdout);
		printf("%s: configuration OK\n", p->name);
	} else {
		srv_id_init();
		srv_signals();
		if (FCGX_IsCGI()) {
			resp_init(&rs, &sink);
			srv_serve(p, app, &cfg, environ, cgi_read, NULL, &rq,
			    &rs);
			srv_done(p, &rq, &rs);
		} else
			srv_loop(p, app, &cfg);
	}
	if (p->fini != NULL)
		p->fini(app);
	met_detach();
	cfg_free(&cfg);
	return 0;
}
