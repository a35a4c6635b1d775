/* SPDX-License-Identifier: ISC */
/*
 * http: the request and response objects that handlers see.  A handler
 * reads a struct req and fills a struct resp; only the server loop
 * (server.c) touches FastCGI streams, through a struct http_sink.
 */
#ifndef FCM_HTTP_H
#define FCM_HTTP_H

#include <stddef.h>

#include "util.h"

struct json_object;

/* Where response bytes go: a FastCGI stream, stdout (CGI) or a test. */
struct http_sink {
	int	(*write)(void *, const char *, size_t);
	int	(*flush)(void *);
	void	*ctx;
};

#define REQ_INDEX_MAX	128	/* parameters indexed by name length */
#define REQ_NAME_MAX	64	/* names this long or longer: not indexed */

struct req {
	char		**envp;		/* CGI parameters, NAME=value */
	/*
	 * The parameters chained by the length of their names, so a lookup
	 * compares only names of its length: byname[n] is one more than the
	 * index of the first of length n (0: none), next[i] of the one after
	 * envp[i].  req_index() fills them; what it does not cover (past
	 * REQ_INDEX_MAX; every name for a long one) is scanned.
	 */
	unsigned char	  byname[REQ_NAME_MAX];
	unsigned char	  next[REQ_INDEX_MAX];
	size_t		  nindexed;	/* 0: not indexed, scan envp */
	const char	 *method;
	char		  method_kept[16];	/* its copy, once envp is gone */
	char		 *path;		/* SCRIPT_NAME + PATH_INFO, no query */
	const char	 *query;	/* QUERY_STRING, never logged */
	char		 *body;
	size_t		  body_len;
	char		  id[17];	/* request id for logs */
	double		  start;
	/* filled in by handlers, for the log line */
	char		  rpc_method[64];
	char		  note[128];
	/* tools/call: the tool, whole (MCP_TOOL_NAME_MAX is at most 128) */
	char		  tool[129];
	long		  upstream_status;	/* 0: no upstream call */
	double		  upstream_ms;
	/* tools/call: the W3C trace context's ids (trace.h); "": none */
	char		  trace_id[33];
	char		  parent_id[17];
};

struct resp {
	int		  status;
	struct buf	  headers;	/* "Name: value\r\n" lines */
	struct buf	  body;
	int		  streaming;	/* status and headers already sent */
	int		  failed;	/* the client went away */
	double		  last_out;	/* when the client last heard from
					   us (util_now_mono; the start) */
	struct http_sink *sink;
};

void	 req_index(struct req *);
const char *req_param(const struct req *, const char *);
const char *req_header(const struct req *, const char *);
int	 req_header_count(const struct req *, const char *);
void	 req_set_note(char *, size_t, const char *);

void	 resp_init(struct resp *, struct http_sink *);
void	 resp_free(struct resp *);
int	 resp_header(struct resp *, const char *, const char *);
void	 resp_body(struct resp *, int, const char *, const char *, size_t);
struct buf *resp_json_body(struct resp *, int);		/* borrowed */
void	 resp_json(struct resp *, int, struct json_object *);
void	 resp_error_text(struct resp *, int, const char *);
void	 resp_empty(struct resp *, int);
int	 resp_sse_begin(struct resp *);
int	 resp_sse_event(struct resp *, const char *);
int	 resp_sse_comment(struct resp *);
int	 resp_finish(struct resp *);
const char *http_reason(int);

#endif
