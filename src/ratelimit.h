/* SPDX-License-Identifier: ISC */
/*
 * ratelimit: how many tools/call a subject, a client and a tool may make,
 * and how many OAuth requests an address may (MCP_RATE_LIMIT_*), counted
 * in the store (store.h) so that the workers of a host, and with
 * MCP_STORE=redis every host, count together.
 *
 * Windows.  Fixed windows: "N/period" lets N calls through in each window
 * of `period` seconds and refuses the others until the window ends;
 * Retry-After is the time left in it.  Bursts: N calls at the end of one
 * window and N at the start of the next are allowed, so at most 2N in any
 * `period` seconds (a sliding window would need a second counter read on
 * every call).  Each counter's windows are shifted by an offset from the
 * hash of its key, so that callers refused together do not all come back
 * in the same second, and every host computes the same window from its
 * own clock (keep the clocks in step, NTP).
 *
 * What counts.  Only tools/call, the one method that costs the API a
 * request; ping, tools/list, initialize and server/discover are answered
 * from memory and cost no more than the web server's own limits protect.
 * A call is counted once it names a known tool the token may call and its
 * arguments are valid, before the API is asked: a call refused for its
 * arguments never reaches the API and must not use up a tool's limit,
 * which every caller shares.  The subject and client limits apply to verified
 * tokens only (MCP_AUTH=jwt or introspect): without one (MCP_AUTH=none,
 * or required, whose token nobody checked) there is no subject or client
 * to trust, and only the tool limits apply.
 *
 * Cost.  One store round trip per tools/call for all the limits that
 * apply (one LMDB write transaction, or one pipelined MULTI/EXEC), and a
 * second one only for a refused call: the counters it did not exceed
 * are given back, so that a caller over its own limit does not use up a
 * tool's budget shared with everybody else.  Nothing when no limit is set.
 *
 * Keys.  "rl:" KIND ":" PERIOD ":" WINDOW ":" 24 hex digits of SHA-256 of
 * the kind and the sub, client id or tool name: never a token, and no
 * sub or client id in clear in the store.
 *
 * OAuth endpoints.  MCP_RATE_LIMIT_OAUTH counts the requests of each
 * browser address (REMOTE_ADDR; IPv6 by its /64, which one subscriber
 * holds whole) to oauth-authorize.fcgi: a sign-in started and called
 * back without the provider writes a used state to the store, so that a
 * flood from one place could fill it and stop every sign-in
 * (MCP_STORE_SIZE).  Not counted: oauth-token.fcgi, whose callers are
 * often a hosted client's few servers speaking for all its users (a code
 * comes from a callback counted here, a refresh needs a sign-in);
 * oauth-register.fcgi, which writes nothing and asks nobody; and the
 * metadata.
 *
 * The store down.  MCP_RATE_LIMIT_FAIL=open (the default) serves the call
 * and warns once a minute per worker, so that an outage of the store does
 * not take the API down; closed refuses it with 503.  After a failure the
 * store is not asked again for RL_DOWN_PAUSE seconds, so that a store
 * that times out does not slow every call.
 */
#ifndef FCM_RATELIMIT_H
#define FCM_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cfg.h"

/*
 * The JSON-RPC error code of a refusal: application-defined, outside the
 * range JSON-RPC and MCP reserve (-32768 to -32000; MCP 2026-07-28, Error
 * Codes: new codes SHOULD be allocated outside it).
 */
#define RL_RPC_CODE	(-31429)
#define RL_KEY_MAX	64
#define RL_DOWN_PAUSE	5	/* seconds without asking a store that failed */
#define RL_PERIOD_MAX	86400
#define RL_COUNT_MAX	1000000000LL

enum rl_kind { RL_SUBJECT, RL_CLIENT, RL_TOOL, RL_ADDRESS, RL_KIND__MAX };

struct rl_limit {
	int64_t	 count;		/* calls per window; 0: no limit */
	int64_t	 period;	/* seconds */
};

enum rl_res {
	RL_PASS,		/* go on (also: store down, fail open) */
	RL_LIMITED,		/* 429 */
	RL_UNAVAILABLE,		/* store down, fail closed: 503 */
	RL_RES__MAX
};

/* Why a call was refused, and for how long. */
struct rl_verdict {
	enum rl_kind	 kind;
	int64_t		 retry_after;	/* seconds, at least 1 */
};

struct rl_state;

int	 rl_limit_parse(const char *, struct rl_limit *, const char **);
int	 rl_cfg_check(const struct cfg *, FILE *);
int	 rl_new(const struct cfg *, struct rl_state **, char **);
int	 rl_new_oauth(const struct cfg *, struct rl_state **, char **);
int	 rl_tools_known(const struct rl_state *,
	    int (*)(void *, const char *), void *, char **);
void	 rl_free(struct rl_state *);
enum rl_res rl_check(struct rl_state *, const char *, const char *,
	    const char *, struct rl_verdict *);
enum rl_res rl_check_address(struct rl_state *, const char *,
	    struct rl_verdict *);
const char *rl_kind_name(enum rl_kind);
/* A client address as counted: IPv6 by its /64, IPv4-mapped as IPv4. */
void	 rl_address_id(const char *, char *, size_t);
/* the arithmetic, for tests */
int64_t	 rl_window(int64_t, int64_t, uint32_t, int64_t *);
size_t	 rl_key(char *, size_t, enum rl_kind, const struct rl_limit *,
	    const char *, int64_t, int64_t *);

#endif
