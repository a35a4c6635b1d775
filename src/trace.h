/* SPDX-License-Identifier: ISC */
/*
 * trace: W3C Trace Context (traceparent, tracestate) for tool calls.
 *
 * The context comes from the tools/call request's params._meta (MCP
 * 2026-07-28 reserves the keys "traceparent" and "tracestate" there), or
 * else from the HTTP request's traceparent and tracestate headers, and
 * goes to the API with each call.  fcgi-mcp records no spans, so it is a
 * non-recording intermediary: it passes the caller's traceparent on
 * unchanged (a higher version downgraded to 00) with its tracestate, and
 * writes the trace-id and parent-id in the access line and the audit
 * record.  MCP_TRACE chooses: forward (that), off (nothing), start (that,
 * and a new trace for a call that brings none).
 *
 * Parsing allocates nothing: a struct trace_ctx holds the two values to
 * send, bounded.
 */
#ifndef FCM_TRACE_H
#define FCM_TRACE_H

#include <stddef.h>

struct json_object;
struct req;

#define TRACE_PARENT_LEN	55	/* "00-" 32 hex "-" 16 hex "-" 2 hex */
#define TRACE_ID_LEN		32
#define TRACE_SPAN_LEN		16	/* the parent-id */
#define TRACE_STATE_MAX		512	/* tracestate bytes passed on */
#define TRACE_STATE_MEMBERS	32	/* list-members allowed */
#define TRACE_MEMBER_LONG	128	/* dropped first when cutting */

/* Where the context came from. */
enum trace_source {
	TRACE_NONE,		/* nothing to send */
	TRACE_META,		/* params._meta */
	TRACE_HEADER,		/* the HTTP request's headers */
	TRACE_STARTED,		/* a new trace (MCP_TRACE=start) */
	TRACE_SOURCE__MAX
};

struct trace_ctx {
	int	 source;				/* enum trace_source */
	char	 parent[TRACE_PARENT_LEN + 1];		/* "" if none */
	char	 state[TRACE_STATE_MAX + 1];		/* "" if none */
	char	 trace_id[TRACE_ID_LEN + 1];		/* for the logs */
	char	 parent_id[TRACE_SPAN_LEN + 1];
};

int	 trace_parse_parent(const char *, size_t, char *);
int	 trace_parse_state(const char *, size_t, char *, size_t);
void	 trace_choose(struct trace_ctx *, int, const char *, size_t,
	    const char *, size_t, const char *, const char *);
void	 trace_from_request(struct trace_ctx *, int, struct json_object *,
	    const struct req *);
int	 trace_start(struct trace_ctx *);
const char *trace_parent(const struct trace_ctx *);
const char *trace_state(const struct trace_ctx *);
const char *trace_source_name(int);

#endif
