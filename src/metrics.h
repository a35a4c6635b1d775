/* SPDX-License-Identifier: ISC */
/*
 * metrics: Prometheus counters shared by every worker of every program
 * on a host (MCP_METRICS), kept in one file mapped MAP_SHARED, and their
 * text exposition at /mcp/metrics.  metrics.c says how the region is
 * laid out and why a worker killed at any point leaves it valid.
 */
#ifndef FCM_METRICS_H
#define FCM_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "cfg.h"
#include "http.h"

struct audit_rec;
struct registry;

/* fcgimcp_rate_limited_total{kind}: what a refused request exceeded */
enum met_rl { MET_RL_SUBJECT, MET_RL_CLIENT, MET_RL_TOOL, MET_RL_ADDRESS,
    MET_RL__MAX };

/* the documents fetched from the provider */
enum met_doc { MET_DOC_JWKS, MET_DOC_METADATA, MET_DOC__MAX };
enum met_fetch {
	MET_FETCH_OK,
	MET_FETCH_ERROR,	/* no answer, not 200, not a JSON object */
	MET_FETCH_INVALID,	/* an answer we could not use (a bad JWKS) */
	MET_FETCH__MAX
};

#define MET_TOOLS_MAX	256	/* tools with a series of their own */
#define MET_NAME_MAX	136	/* a tool name and its NUL (MCP_TOOL_NAME_MAX
				 * is at most 128) */
#define MET_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* start-up: from srv_main (every program) and mcp_init */
int	 met_init(const struct cfg *, unsigned, int, char **);
int	 met_attach(const char *, char **);
void	 met_detach(void);
void	 met_tools(const struct registry *);
void	 met_tool_names(const char *const *, size_t);
char	*met_default_path(void);

/* the request path: a few relaxed atomic additions, nothing else */
void	 met_request(unsigned, const struct req *, const struct resp *);
void	 met_tool_call(const struct audit_rec *, int);
void	 met_upstream(double);
void	 met_token_check(int, int, const char *);
void	 met_fetched(enum met_doc, enum met_fetch);
void	 met_oauth_error(const char *);
void	 met_rate_limited(enum met_rl);

/* GET /mcp/metrics, and the text it sends */
void	 met_serve(const struct req *, struct resp *);
void	 met_expose(struct buf *);

#endif
