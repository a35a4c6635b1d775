/* SPDX-License-Identifier: ISC */
/*
 * audit: one JSON line per tools/call (MCP_AUDIT_LOG): who called which
 * tool, with which upstream credential mode, and what came of it.  Never
 * a token: only the verified token's sub and client id.
 */
#ifndef FCM_AUDIT_H
#define FCM_AUDIT_H

#include <stddef.h>
#include <time.h>

#include "cfg.h"

#define AUDIT_LINE_MAX		4096	/* one record, newline included */
#define AUDIT_FIELD_MAX		256	/* bytes kept of sub, client id, tool */

/* What a tool call came to. */
enum audit_outcome {
	AUDIT_OK,		/* a result without isError */
	AUDIT_IS_ERROR,		/* a result with isError */
	AUDIT_REFUSED,		/* not run: the token lacks a scope ... */
	AUDIT_FAILED,		/* an internal error (-32603) */
	AUDIT_OUTCOME__MAX
};

struct audit_rec {
	struct timespec	 when;		/* CLOCK_REALTIME */
	const char	*req;		/* request id, as in the access line */
	const char	*sub;		/* NULL: "-" (no verified token) */
	const char	*client_id;	/* client_id or azp; NULL: "-" */
	const char	*tool;
	long		 upstream_status;	/* 0: no HTTP answer */
	const char	*error;		/* why no answer or refused; NULL: "-" */
	const char	*upstream_auth;	/* MCP_UPSTREAM_AUTH's word */
	enum audit_outcome outcome;
	double		 duration_ms;
	double		 upstream_ms;
	/* the W3C trace context's ids (trace.h): written only when set,
	 * never anything of tracestate (vendors' data) */
	const char	*trace_id;	/* NULL or "": none */
	const char	*parent_id;
};

int	 audit_open(const struct cfg *, char **);
void	 audit_close(void);
int	 audit_enabled(void);
size_t	 audit_format(const struct audit_rec *, char *, size_t);
void	 audit_write(const struct audit_rec *);
const char *audit_upstream_auth(const struct cfg *);
const char *audit_upauth_word(int);

#endif
