/* SPDX-License-Identifier: ISC */
/*
 * store_redis: MCP_STORE=redis, a Redis server shared by every host.
 * SET ... NX EX is the claim (atomic in Redis), SET ... EX a put; Redis
 * expires the entries itself.  store_incr is one MULTI/EXEC, pipelined
 * (one round trip), of SET key 0 EX ttl NX and INCRBY for each counter:
 * created with its lifetime, then added to, atomically, with commands
 * every Redis since 2.6.12 has (no script, which a managed Redis may
 * forbid).  One connection per worker, made lazily
 * and again after any error, each command bounded by MCP_STORE_TIMEOUT_MS.
 * While Redis is down every answer is STORE_DOWN: callers fail closed;
 * so too while it may evict keys (keeps_keys).  After a connection fails
 * the worker waits CONNECT_PAUSE before it tries again: a hung Redis
 * would otherwise cost every request a timeout, and the log a line each.
 * A command is sent a second time only when the kept connection was found
 * closed, never after a timeout (may_resend says why).
 */
#include "config.h"

#include <sys/time.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "log.h"
#include "store_be.h"
#include "util.h"

#define KEY_PREFIX	"fcgi-mcp:"
#define CONNECT_PAUSE	1.0	/* seconds without connecting after a failure */

struct redis_store {
	redisContext	*rc;
	char		*host;		/* NULL for a Unix socket */
	char		*socket;
	int		 port;
	char		*password;
	struct timeval	 timeout;
	char		*where;		/* for messages */
	double		 down_until;	/* util_now_mono: no connecting before */
};

static void
disconnect(struct redis_store *r)
{
	if (r->rc != NULL)
		redisFree(r->rc);
	r->rc = NULL;
}

/*
 * 0 when Redis keeps every key until it expires; -1 (logged) when it may
 * evict them under memory pressure (maxmemory set, a policy other than
 * noeviction): a claimed code or refresh token would be forgotten, and
 * pass again, by a flood of other keys.  A Redis that refuses INFO (an
 * ACL) is taken at its word, with a warning once.
 */
static int
keeps_keys(struct redis_store *r)
{
	static int	 warned;
	redisReply	*rep;
	const char	*m, *p;
	char		 policy[32] = "";
	int		 rc = 0;

	rep = redisCommand(r->rc, "INFO memory");
	if (rep == NULL) {
		/* no answer at all: a hung server, not an ACL */
		log_msg(LOGL_ERROR, "store: redis at %s: %s", r->where,
		    r->rc->errstr);
		return -1;
	}
	if (rep->type != REDIS_REPLY_STRING) {
		if (!warned++)
			log_msg(LOGL_WARN, "store: redis at %s answers no INFO: "
			    "it must run with maxmemory-policy noeviction",
			    r->where);
		goto out;
	}
	m = strstr(rep->str, "\nmaxmemory:");
	p = strstr(rep->str, "\nmaxmemory_policy:");
	if (p != NULL)
		sscanf(p, "\nmaxmemory_policy:%31[a-z-]", policy);
	if (m != NULL && strtoll(m + 11, NULL, 10) != 0 &&
	    strcmp(policy, "noeviction") != 0) {
		log_msg(LOGL_ERROR, "store: redis at %s may evict keys "
		    "(maxmemory-policy %s): a used code or refresh token "
		    "could pass again; refused until it runs with "
		    "noeviction", r->where, policy);
		rc = -1;
	}
out:
	if (rep != NULL)
		freeReplyObject(rep);
	return rc;
}

static int
connect_now(struct redis_store *r)
{
	redisReply	*rep;

	if (util_now_mono() < r->down_until)
		return -1;
	r->down_until = util_now_mono() + CONNECT_PAUSE;
	r->rc = r->socket != NULL ?
	    redisConnectUnixWithTimeout(r->socket, r->timeout) :
	    redisConnectWithTimeout(r->host, r->port, r->timeout);
	if (r->rc == NULL || r->rc->err != 0 ||
	    redisSetTimeout(r->rc, r->timeout) != REDIS_OK) {
		log_msg(LOGL_ERROR, "store: redis at %s: %s", r->where,
		    r->rc != NULL ? r->rc->errstr : "cannot connect");
		disconnect(r);
		return -1;
	}
	if (r->password != NULL) {
		rep = redisCommand(r->rc, "AUTH %s", r->password);
		if (rep == NULL || rep->type == REDIS_REPLY_ERROR) {
			log_msg(LOGL_ERROR, "store: redis at %s refused "
			    "MCP_REDIS_PASSWORD", r->where);
			if (rep != NULL)
				freeReplyObject(rep);
			disconnect(r);
			return -1;
		}
		freeReplyObject(rep);
	}
	if (keeps_keys(r) == -1) {
		disconnect(r);
		return -1;
	}
	r->down_until = 0;
	return 0;
}

/*
 * Whether a command that failed on a kept connection may be sent again
 * on a new one: only when Redis had closed the connection (it restarted,
 * or its idle timeout closed it before the command came).  A timeout or
 * any other error is final: Redis may have run the command, and a claim
 * sent twice would call a first use a replay, a count sent twice count
 * twice.  Redis can also close a connection between running a command
 * and answering it (CLIENT KILL, a shutdown, client eviction): rare, and
 * the command then runs twice (a claim then reads its key back: set());
 * a pipeline that had begun to answer is not sent again.  Called right
 * after the failure, while errno is hiredis's.
 */
static int
may_resend(const redisContext *rc, int kept)
{
	if (!kept)
		return 0;
	if (rc->err == REDIS_ERR_EOF)
		return 1;
	return rc->err == REDIS_ERR_IO && (errno == ECONNRESET ||
	    errno == EPIPE);
}

/*
 * One command, on the kept connection or a new one; sent once more on a
 * new one when the kept one was found closed (*resent set).  NULL when
 * Redis cannot answer.
 */
static redisReply *
command(struct redis_store *r, int argc, const char **argv, int *resent)
{
	redisReply	*rep = NULL;
	size_t		 lens[6];
	int		 i, kept, again = 1;

	*resent = 0;
	for (i = 0; i < argc; i++)
		lens[i] = strlen(argv[i]);
	while (rep == NULL && again) {
		if (!(kept = r->rc != NULL) && connect_now(r) == -1)
			return NULL;
		if ((rep = redisCommandArgv(r->rc, argc, argv, lens)) == NULL) {
			if (!(again = may_resend(r->rc, kept)))
				log_msg(LOGL_ERROR, "store: redis at %s: %s",
				    r->where, r->rc->errstr);
			*resent = again;
			disconnect(r);
		}
	}
	if (rep != NULL && rep->type == REDIS_REPLY_ERROR) {
		log_msg(LOGL_ERROR, "store: redis at %s: %s", r->where,
		    rep->str);
		/* a replica now (a failover: the name may lead to the new
		 * primary), one loading its data, one without its primary,
		 * one that restarted with a password: connect again */
		if (rep->str != NULL && (strncmp(rep->str, "READONLY", 8) ==
		    0 || strncmp(rep->str, "LOADING", 7) == 0 ||
		    strncmp(rep->str, "MASTERDOWN", 10) == 0 ||
		    strncmp(rep->str, "NOAUTH", 6) == 0))
			disconnect(r);
		freeReplyObject(rep);
		rep = NULL;
	}
	return rep;
}

static enum store_res	redis_get(void *, const char *, char *);

static enum store_res
set(struct redis_store *r, const char *key, const char *val, int64_t ttl,
    int only_new)
{
	const char	*argv[6];
	char		 k[sizeof(KEY_PREFIX) + STORE_KEY_MAX], t[24];
	char		 got[STORE_VALUE_MAX + 1];
	redisReply	*rep;
	enum store_res	 res;
	int		 resent;

	snprintf(k, sizeof(k), KEY_PREFIX "%s", key);
	snprintf(t, sizeof(t), "%lld", (long long)ttl);
	argv[0] = "SET";
	argv[1] = k;
	argv[2] = val;
	argv[3] = "EX";
	argv[4] = t;
	argv[5] = "NX";
	if ((rep = command(r, only_new ? 6 : 5, argv, &resent)) == NULL)
		return STORE_DOWN;
	/* only "+OK" stored it ("+QUEUED" inside a MULTI did not yet) */
	if (rep->type == REDIS_REPLY_STATUS && rep->str != NULL &&
	    strcmp(rep->str, "OK") == 0)
		res = STORE_OK;
	else if (rep->type == REDIS_REPLY_NIL && only_new)
		res = STORE_EXISTS;
	else
		res = STORE_DOWN;
	freeReplyObject(rep);
	/*
	 * Sent again (Redis closed the connection): the first send may
	 * have run and taken the key.  Holding this call's own value, it
	 * is this call's claim (callers claim with values of their own:
	 * a family, a random nonce).
	 */
	if (res == STORE_EXISTS && resent &&
	    redis_get(r, key, got) == STORE_OK && strcmp(got, val) == 0)
		res = STORE_OK;
	return res;
}

static enum store_res
redis_claim(void *p, const char *key, const char *val, int64_t ttl)
{
	return set(p, key, val, ttl, 1);
}

static enum store_res
redis_put(void *p, const char *key, const char *val, int64_t ttl)
{
	return set(p, key, val, ttl, 0);
}

static enum store_res
redis_get(void *p, const char *key, char *val)
{
	const char	*argv[2];
	char		 k[sizeof(KEY_PREFIX) + STORE_KEY_MAX];
	redisReply	*rep;
	enum store_res	 res = STORE_DOWN;
	int		 resent;

	snprintf(k, sizeof(k), KEY_PREFIX "%s", key);
	argv[0] = "GET";
	argv[1] = k;
	if ((rep = command(p, 2, argv, &resent)) == NULL)
		return STORE_DOWN;
	if (rep->type == REDIS_REPLY_NIL)
		res = STORE_MISSING;
	else if (rep->type == REDIS_REPLY_STRING &&
	    rep->len <= STORE_VALUE_MAX) {
		memcpy(val, rep->str, rep->len);
		val[rep->len] = '\0';
		res = STORE_OK;
	}
	freeReplyObject(rep);
	return res;
}

static enum store_res
redis_del(void *p, const char *key)
{
	const char	*argv[2];
	char		 k[sizeof(KEY_PREFIX) + STORE_KEY_MAX];
	redisReply	*rep;
	int		 resent;

	snprintf(k, sizeof(k), KEY_PREFIX "%s", key);
	argv[0] = "DEL";
	argv[1] = k;
	if ((rep = command(p, 2, argv, &resent)) == NULL)
		return STORE_DOWN;
	freeReplyObject(rep);
	return STORE_OK;
}

/* One command of a pipeline. */
struct rcmd {
	int		 argc;
	const char	*argv[6];
	size_t		 len[6];
};

static void
rcmd_set(struct rcmd *c, int argc, ...)
{
	va_list	 ap;
	int	 i;

	va_start(ap, argc);
	for (i = 0; i < argc; i++) {
		c->argv[i] = va_arg(ap, const char *);
		c->len[i] = strlen(c->argv[i]);
	}
	va_end(ap);
	c->argc = argc;
}

/*
 * `n` commands written at once and their replies read at once: one round
 * trip.  Returns the last reply (the caller's), after the others were
 * read and found not to be errors; NULL when Redis cannot answer.  Sent
 * once more on a new connection when the kept one was found closed, as
 * command() does.
 */
static redisReply *
pipeline(struct redis_store *r, struct rcmd *cmd, int n)
{
	redisReply	*last = NULL;
	void		*rep;
	int		 i, kept, again = 1, broke, refused, got;

	while (last == NULL && again) {
		if (!(kept = r->rc != NULL) && connect_now(r) == -1)
			return NULL;
		broke = refused = got = 0;
		for (i = 0; i < n && !broke; i++)
			broke = redisAppendCommandArgv(r->rc, cmd[i].argc,
			    cmd[i].argv, cmd[i].len) != REDIS_OK;
		for (i = 0; i < n && !broke; i++, got++) {
			if (redisGetReply(r->rc, &rep) != REDIS_OK) {
				broke = 1;
				break;
			}
			if (((redisReply *)rep)->type == REDIS_REPLY_ERROR) {
				if (!refused)
					log_msg(LOGL_ERROR, "store: redis at "
					    "%s: %s", r->where,
					    ((redisReply *)rep)->str);
				refused = 1;
			}
			if (i == n - 1 && !refused)
				last = rep;
			else
				freeReplyObject(rep);
		}
		if (refused) {
			if (broke)
				disconnect(r);
			return NULL;
		}
		if (!broke)
			break;
		/* a transaction cut short is discarded by Redis */
		if (!(again = may_resend(r->rc, kept && got == 0)))
			log_msg(LOGL_ERROR, "store: redis at %s: %s",
			    r->where, r->rc->errstr);
		disconnect(r);
	}
	return last;
}

static enum store_res
redis_incr(void *p, struct store_ctr *c, size_t n)
{
	struct redis_store	*r = p;
	struct rcmd		 cmd[2 + 3 * STORE_CTR_MAX], fix;
	char			 k[STORE_CTR_MAX][sizeof(KEY_PREFIX) +
				    STORE_KEY_MAX];
	char			 t[STORE_CTR_MAX][24], d[STORE_CTR_MAX][24];
	redisReply		*rep, *e;
	enum store_res		 res = STORE_DOWN;
	size_t			 i;
	int			 m = 0;

	rcmd_set(&cmd[m++], 1, "MULTI");
	for (i = 0; i < n; i++) {
		snprintf(k[i], sizeof(k[i]), KEY_PREFIX "%s", c[i].key);
		snprintf(t[i], sizeof(t[i]), "%lld", (long long)c[i].ttl);
		snprintf(d[i], sizeof(d[i]), "%lld", (long long)c[i].delta);
		rcmd_set(&cmd[m++], 6, "SET", k[i], "0", "EX", t[i], "NX");
		rcmd_set(&cmd[m++], 3, "INCRBY", k[i], d[i]);
		rcmd_set(&cmd[m++], 2, "TTL", k[i]);
	}
	rcmd_set(&cmd[m++], 1, "EXEC");
	if ((rep = pipeline(r, cmd, m)) == NULL)
		return STORE_DOWN;
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 3 * n)
		goto done;
	for (i = 0; i < n; i++) {
		if ((e = rep->element[3 * i + 1])->type != REDIS_REPLY_INTEGER)
			goto done;
		c[i].count = e->integer;
		/*
		 * No lifetime: the key expired between SET and INCRBY, and
		 * INCRBY made a new one (Redis keeps its clock still within
		 * an EXEC since 7.0, but not before).  It gets one now.
		 */
		e = rep->element[3 * i + 2];
		if (e->type == REDIS_REPLY_INTEGER && e->integer == -1) {
			rcmd_set(&fix, 3, "EXPIRE", k[i], t[i]);
			if ((e = pipeline(r, &fix, 1)) != NULL)
				freeReplyObject(e);
		}
	}
	res = STORE_OK;
done:
	freeReplyObject(rep);
	return res;
}

static void
redis_close(void *p)
{
	struct redis_store	*r = p;

	if (r == NULL)
		return;
	disconnect(r);
	free(r->host);
	free(r->socket);
	if (r->password != NULL)
		explicit_bzero(r->password, strlen(r->password));
	free(r->password);
	free(r->where);
	free(r);
}

/*
 * MCP_REDIS_ADDRESS: /path/to/socket, host:port, [v6]:port, or a host
 * alone (port 6379).
 */
static int
parse_address(struct redis_store *r, const char *a, char **cause)
{
	const char	*colon, *end;
	long long	 port = 6379;
	const char	*why;

	if (*a == '/') {
		r->socket = xstrdup(a);
		return 0;
	}
	if (*a == '[') {
		if ((end = strchr(a, ']')) == NULL || end == a + 1)
			goto bad;
		r->host = xstrndup(a + 1, (size_t)(end - a - 1));
		colon = end[1] == ':' ? end + 1 : NULL;
		if (end[1] != '\0' && colon == NULL)
			goto bad;
	} else {
		colon = strrchr(a, ':');
		if (colon == a || (colon != NULL && strchr(a, ':') != colon))
			goto bad;
		r->host = colon != NULL ? xstrndup(a, (size_t)(colon - a)) :
		    xstrdup(a);
	}
	if (colon != NULL && util_strtonum(colon + 1, 1, 65535, &port,
	    &why) == -1)
		goto bad;
	r->port = (int)port;
	return 0;
bad:
	xasprintf(cause, "MCP_REDIS_ADDRESS: \"%s\" is not host:port, "
	    "[address]:port or /path/to/socket", a);
	return -1;
}

static const struct store_ops redis_ops = {
	redis_claim, redis_put, redis_get, redis_del, redis_incr, redis_close,
};

int
store_redis_open(const struct cfg *cfg, const struct store_ops **ops,
    void **bep, char **cause)
{
	struct redis_store	*r = xcalloc(1, sizeof(*r));

	if (parse_address(r, cfg->redis_address, cause) == -1) {
		redis_close(r);
		return -1;
	}
	r->where = xstrdup(cfg->redis_address);
	if (cfg->redis_password != NULL)
		r->password = xstrdup(cfg->redis_password);
	r->timeout.tv_sec = cfg->store_timeout_ms / 1000;
	r->timeout.tv_usec = (cfg->store_timeout_ms % 1000) * 1000;
	/* down at start-up is not fatal: requests try again */
	if (connect_now(r) == -1)
		log_msg(LOGL_WARN, "store: redis at %s cannot be reached now; "
		    "requests try again, at most once a second", r->where);
	*ops = &redis_ops;
	*bep = r;
	return 0;
}
