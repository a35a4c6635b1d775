/* SPDX-License-Identifier: ISC */
/*
 * ceiling: the fastest a FastCGI responder behind the same web server can
 * be.  It reads the request body (as any JSON-RPC server must) and answers
 * every request with a fixed JSON-RPC ping result, with Content-Type and
 * Content-Length, through the reentrant libfcgi API, as mcp.fcgi does.
 * With CEILING_BODY_FILE it answers that file's text instead (run.sh's
 * stand-in token endpoint for the exchange cases).
 * bench/run.sh builds it with: cc -O2 -o ceiling.fcgi ceiling.c -lfcgi
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>

static char body[4096] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}";

static void
on_term(int sig)
{
	(void)sig;
	FCGX_ShutdownPending();
}

int
main(void)
{
	FCGX_Request		 r;
	struct sigaction	 sa;
	char			 in[65536], head[160];
	const char		*file = getenv("CEILING_BODY_FILE");
	FILE			*fp;
	size_t			 len;
	int			 n;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	if (FCGX_Init() != 0 || FCGX_InitRequest(&r, 0, 0) != 0)
		return 1;
	if (file != NULL) {
		if ((fp = fopen(file, "r")) == NULL)
			return 1;
		len = fread(body, 1, sizeof(body) - 1, fp);
		body[len] = '\0';
		fclose(fp);
	}
	len = strlen(body);
	n = snprintf(head, sizeof(head), "Status: 200 OK\r\n"
	    "Content-Type: application/json\r\n"
	    "Content-Length: %zu\r\n\r\n", len);
	while (FCGX_Accept_r(&r) >= 0) {
		while (FCGX_GetStr(in, sizeof(in), r.in) > 0)
			;
		FCGX_PutStr(head, n, r.out);
		FCGX_PutStr(body, (int)len, r.out);
		FCGX_Finish_r(&r);
	}
	return 0;
}
