/* SPDX-License-Identifier: ISC */
/*
 * mcp_ratelimit: tools/call against the rate limits (ratelimit.h), and
 * the answer to a call over one: HTTP 429 with Retry-After and a JSON-RPC
 * error RL_RPC_CODE whose data says {"retryAfter": seconds, "limit":
 * "subject"|"client"|"tool"}; 503 and -32603 when the store cannot count
 * and MCP_RATE_LIMIT_FAIL=closed.  In a batch (2025-03-26) the other
 * messages go on, so only the element carries the error, and the HTTP
 * status stays 200.
 */
#include "config.h"

#include <stdio.h>

#include "mcp.h"
#include "ratelimit.h"

static const char *const whose[RL_KIND__MAX] = {
	"this token's subject", "this client", "this tool", "this address"
};

static int
tool_known(void *ctx, const char *name)
{
	return reg_find(ctx, name) != NULL;
}

/* The limits, and a store to count in; the tools they name must exist. */
int
mcp_rate_limit_init(const struct cfg *cfg, const struct registry *reg,
    struct rl_state **rlp, char **cause)
{
	if (rl_new(cfg, rlp, cause) == -1)
		return -1;
	if (rl_tools_known(*rlp, tool_known, (void *)reg, cause) == -1) {
		rl_free(*rlp);
		*rlp = NULL;
		return -1;
	}
	return 0;
}

/* 0: go on; -1 after mcp_fail() when the call is refused. */
int
mcp_rate_limit(struct mcp_exchange *x, const struct tool *t)
{
	struct rl_verdict	 v;
	struct json_object	*d;
	const char		*sub = NULL, *client = NULL;
	enum rl_res		 r;
	char			 ra[24], note[32];

	if (x->app->rl == NULL)
		return 0;
	/* only a verified token's sub and client id are worth counting */
	if (x->grant != NULL && x->grant->verified) {
		/* a verified token without sub or client_id (both are
		 * optional claims) is counted with all the others that lack
		 * it, not let through without a count */
		sub = x->grant->sub != NULL && *x->grant->sub != '\0' ?
		    x->grant->sub : "(none)";
		client = x->grant->client_id != NULL &&
		    *x->grant->client_id != '\0' ? x->grant->client_id :
		    "(none)";
	}
	if ((r = rl_check(x->app->rl, sub, client, t->name, &v)) == RL_PASS)
		return 0;
	d = json_object_new_object();
	json_object_object_add(d, "retryAfter",
	    json_object_new_int64(v.retry_after));
	if (r == RL_LIMITED) {
		json_object_object_add(d, "limit",
		    json_object_new_string(rl_kind_name(v.kind)));
		mcp_fail(x, RL_RPC_CODE, "Rate limit exceeded: too many calls "
		    "for %s; retry after %lld s", whose[v.kind],
		    (long long)v.retry_after);
		snprintf(note, sizeof(note), "ratelimit:%s",
		    rl_kind_name(v.kind));
	} else {
		mcp_fail(x, RPC_INTERNAL_ERROR, "Rate limits cannot be "
		    "checked now; retry after %lld s", (long long)v.retry_after);
		snprintf(note, sizeof(note), "ratelimit:unavailable");
	}
	x->err_data = d;
	/* one message whose HTTP answer has not begun (a debug line the
	 * client asked for may have started a stream): the status is its own */
	if (x->can_stream && !x->rs->streaming) {
		x->http_status = r == RL_LIMITED ? 429 : 503;
		snprintf(ra, sizeof(ra), "%lld", (long long)v.retry_after);
		resp_header(x->rs, "Retry-After", ra);
	}
	req_set_note(x->rq->note, sizeof(x->rq->note), note);
	mcp_audit(x->cfg, x->rq, x->grant, t->name, NULL, NULL, 1,
	    r == RL_LIMITED ? "rate_limited" : "rate_limit_unavailable");
	return -1;
}
