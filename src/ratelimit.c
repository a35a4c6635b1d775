/* SPDX-License-Identifier: ISC */
/*
 * ratelimit: the limits parsed, the keys and windows computed, the
 * counters of one call changed in one store round trip (ratelimit.h says
 * what is counted and why).
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "metrics.h"
#include "ratelimit.h"
#include "store.h"
#include "util.h"

#define TTL_SLACK	5	/* seconds a counter outlives its window: clocks */
#define WARN_EVERY	60	/* seconds between two "store down" warnings */

struct rl_override {
	char		*tool;
	struct rl_limit	 lim;		/* count 0: this tool is not limited */
};

struct rl_state {
	struct store		*store;
	struct rl_limit		 lim[RL_KIND__MAX];	/* [RL_TOOL]: default */
	struct rl_override	*over;
	size_t			 nover;
	const char		*what;		/* what is refused, for the log */
	enum rl_kind		 down_kind;	/* the verdict's, store down */
	int			 fail_closed;
	int64_t			 down_until;	/* do not ask before */
	int64_t			 warned;
};

static const char *const kind_names[RL_KIND__MAX] = {
	"subject", "client", "tool", "address"
};
static const char kind_letters[RL_KIND__MAX] = { 's', 'c', 't', 'a' };

const char *
rl_kind_name(enum rl_kind k)
{
	return k < RL_KIND__MAX ? kind_names[k] : "?";
}

/*
 * "N/period": N from 1 to RL_COUNT_MAX, the period an optional number and
 * a unit (s, sec, second, m, min, minute, h, hour, d, day, and plurals),
 * at most RL_PERIOD_MAX seconds.
 */
int
rl_limit_parse(const char *s, struct rl_limit *l, const char **why)
{
	static const struct {
		const char	*name;
		int64_t		 secs;
	} units[] = {
		{ "s", 1 }, { "sec", 1 }, { "second", 1 }, { "seconds", 1 },
		{ "m", 60 }, { "min", 60 }, { "minute", 60 }, { "minutes", 60 },
		{ "h", 3600 }, { "hour", 3600 }, { "hours", 3600 },
		{ "d", 86400 }, { "day", 86400 }, { "days", 86400 },
	};
	char		 buf[64], *slash, *u, num[16];
	long long	 n, k = 1;
	const char	*e;
	size_t		 i, dl;

	memset(l, 0, sizeof(*l));
	*why = "not N/period (60/minute, 10/second, 1000/hour, 100/10s)";
	if (strlen(s) >= sizeof(buf))
		return -1;
	memcpy(buf, s, strlen(s) + 1);
	if ((slash = strchr(buf, '/')) == NULL)
		return -1;
	*slash = '\0';
	if (util_strtonum(util_trim(buf), 1, RL_COUNT_MAX, &n, &e) == -1) {
		*why = "the number of calls must be 1 to 1000000000";
		return -1;
	}
	u = util_trim(slash + 1);
	if ((dl = strspn(u, "0123456789")) > 0) {
		if (dl >= sizeof(num))
			return -1;
		memcpy(num, u, dl);
		num[dl] = '\0';
		if (util_strtonum(num, 1, RL_PERIOD_MAX, &k, &e) == -1) {
			*why = "the period must be one day at most";
			return -1;
		}
		u += dl;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(u, units[i].name) == 0)
			break;
	if (i == sizeof(units) / sizeof(units[0])) {
		*why = "the period must be second, minute, hour or day (s, "
		    "m, h, d), after an optional number (10s, 5minutes)";
		return -1;
	}
	if (k * units[i].secs > RL_PERIOD_MAX) {
		*why = "the period must be one day at most";
		return -1;
	}
	l->count = n;
	l->period = k * units[i].secs;
	return 0;
}

/*
 * MCP_RATE_LIMIT_TOOLS: "tool=N/period" or "tool=off", comma separated,
 * each tool once.  Fills *ov (the caller frees it with free_over) or
 * says why not.
 */
static int
parse_over(const char *list, struct rl_override **ov, size_t *nov,
    char **cause)
{
	char		*copy = xstrdup(list), *p, *tok, *eq, *name;
	const char	*why;
	size_t		 i;
	int		 rc = -1;

	*ov = NULL;
	*nov = 0;
	for (p = copy; (tok = strsep(&p, ",")) != NULL;) {
		tok = util_trim(tok);
		if (*tok == '\0')
			continue;
		if ((eq = strchr(tok, '=')) == NULL) {
			xasprintf(cause, "'%.80s': each entry is tool=N/period "
			    "or tool=off", tok);
			goto done;
		}
		*eq = '\0';
		name = util_trim(tok);
		if (*name == '\0' || strlen(name) > 128) {
			xasprintf(cause, "a tool name must be 1 to 128 "
			    "characters");
			goto done;
		}
		for (i = 0; i < *nov; i++)
			if (strcmp((*ov)[i].tool, name) == 0) {
				xasprintf(cause, "%s is named twice", name);
				goto done;
			}
		*ov = xrealloc(*ov, (*nov + 1) * sizeof(**ov));
		memset(&(*ov)[*nov], 0, sizeof(**ov));
		(*ov)[*nov].tool = xstrdup(name);
		(*nov)++;
		if (strcmp(util_trim(eq + 1), "off") != 0 &&
		    rl_limit_parse(util_trim(eq + 1), &(*ov)[*nov - 1].lim,
		    &why) == -1) {
			xasprintf(cause, "%s: '%.64s': %s", name,
			    util_trim(eq + 1), why);
			goto done;
		}
	}
	rc = 0;
done:
	free(copy);
	return rc;
}

static void
free_over(struct rl_override *ov, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(ov[i].tool);
	free(ov);
}

/* At start-up: every value parses; warn of limits that cannot apply. */
int
rl_cfg_check(const struct cfg *c, FILE *err)
{
	const char *const	 names[RL_KIND__MAX] = { "MCP_RATE_LIMIT_SUBJECT",
	    "MCP_RATE_LIMIT_CLIENT", "MCP_RATE_LIMIT_TOOL",
	    "MCP_RATE_LIMIT_OAUTH" };
	const char		*vals[RL_KIND__MAX];
	struct rl_limit		 l;
	struct rl_override	*ov;
	const char		*why;
	char			*cause = NULL;
	size_t			 nov;
	int			 i, rc = 0;

	vals[RL_SUBJECT] = c->rate_limit_subject;
	vals[RL_CLIENT] = c->rate_limit_client;
	vals[RL_TOOL] = c->rate_limit_tool;
	vals[RL_ADDRESS] = c->rate_limit_oauth;
	for (i = 0; i < RL_KIND__MAX; i++)
		if (vals[i] != NULL && rl_limit_parse(vals[i], &l, &why) == -1) {
			fprintf(err, "%s: '%s': %s\n", names[i], vals[i], why);
			rc = -1;
		}
	if (c->rate_limit_tools != NULL) {
		if (parse_over(c->rate_limit_tools, &ov, &nov, &cause) == -1) {
			fprintf(err, "MCP_RATE_LIMIT_TOOLS: %s\n", cause);
			rc = -1;
		}
		free(cause);
		free_over(ov, nov);
	}
	if (c->auth != AUTHM_JWT && c->auth != AUTHM_INTROSPECT)
		for (i = RL_SUBJECT; i <= RL_CLIENT; i++)
			if (vals[i] != NULL)
				fprintf(err, "warning: %s has no effect unless "
				    "MCP_AUTH is jwt or introspect (only a "
				    "verified token has a %s to count)\n",
				    names[i], i == RL_SUBJECT ? "sub" :
				    "client id");
	return rc;
}

/* A limiter of `what` ("tools/call is"), its limits still to be set. */
static struct rl_state *
state_new(const struct cfg *cfg, const char *what, enum rl_kind down_kind)
{
	struct rl_state	*rl = xcalloc(1, sizeof(*rl));

	rl->what = what;
	rl->down_kind = down_kind;
	rl->fail_closed = cfg->rate_limit_fail == RLFAIL_CLOSED;
	return rl;
}

/*
 * The store that counts, opened for `rl` (`name`: its default file,
 * STORE_CTR_*): 0 with *rlp, or -1 (freed).
 */
static int
state_open(const struct cfg *cfg, struct rl_state *rl, const char *name,
    struct rl_state **rlp, char **cause)
{
	if (store_open_counters(cfg, name, &rl->store, cause) == -1) {
		rl_free(rl);
		return -1;
	}
	*rlp = rl;
	return 0;
}

/*
 * The limits of `cfg`, and the store that counts: *rlp is NULL when no
 * limit is set (nothing is opened, nothing costs).  A local store that
 * cannot be opened stops the program; a Redis that is down does not.
 */
int
rl_new(const struct cfg *cfg, struct rl_state **rlp, char **cause)
{
	struct rl_state	*rl;
	const char	*why;
	char		*c = NULL;

	*rlp = NULL;
	if (cfg->rate_limit_subject == NULL && cfg->rate_limit_client == NULL &&
	    cfg->rate_limit_tool == NULL && cfg->rate_limit_tools == NULL)
		return 0;
	rl = state_new(cfg, "tools/call is", RL_TOOL);
	/* checked by rl_cfg_check at load */
	if ((cfg->rate_limit_subject != NULL && rl_limit_parse(
	    cfg->rate_limit_subject, &rl->lim[RL_SUBJECT], &why) == -1) ||
	    (cfg->rate_limit_client != NULL && rl_limit_parse(
	    cfg->rate_limit_client, &rl->lim[RL_CLIENT], &why) == -1) ||
	    (cfg->rate_limit_tool != NULL && rl_limit_parse(
	    cfg->rate_limit_tool, &rl->lim[RL_TOOL], &why) == -1) ||
	    (cfg->rate_limit_tools != NULL && parse_over(cfg->rate_limit_tools,
	    &rl->over, &rl->nover, &c) == -1)) {
		xasprintf(cause, "MCP_RATE_LIMIT_*: %s", c != NULL ? c : why);
		free(c);
		rl_free(rl);
		return -1;
	}
	return state_open(cfg, rl, STORE_CTR_CALLS, rlp, cause);
}

/* MCP_RATE_LIMIT_OAUTH, for the OAuth programs: *rlp NULL without it. */
int
rl_new_oauth(const struct cfg *cfg, struct rl_state **rlp, char **cause)
{
	struct rl_state	*rl;
	const char	*why;

	*rlp = NULL;
	if (cfg->rate_limit_oauth == NULL)
		return 0;
	rl = state_new(cfg, "OAuth requests are", RL_ADDRESS);
	if (rl_limit_parse(cfg->rate_limit_oauth, &rl->lim[RL_ADDRESS],
	    &why) == -1) {
		xasprintf(cause, "MCP_RATE_LIMIT_OAUTH: %s", why);
		rl_free(rl);
		return -1;
	}
	return state_open(cfg, rl, STORE_CTR_OAUTH, rlp, cause);
}

/* Every tool MCP_RATE_LIMIT_TOOLS names exists (`known` says). */
int
rl_tools_known(const struct rl_state *rl, int (*known)(void *, const char *),
    void *ctx, char **cause)
{
	size_t	 i;

	for (i = 0; rl != NULL && i < rl->nover; i++)
		if (!known(ctx, rl->over[i].tool)) {
			xasprintf(cause, "MCP_RATE_LIMIT_TOOLS: there is no "
			    "tool named %s", rl->over[i].tool);
			return -1;
		}
	return 0;
}

void
rl_free(struct rl_state *rl)
{
	if (rl == NULL)
		return;
	store_close(rl->store);
	free_over(rl->over, rl->nover);
	free(rl);
}

/*
 * The window of `now` for a period shifted by `offset`: its number, and
 * in *left the seconds until it ends (1 to period).
 */
int64_t
rl_window(int64_t now, int64_t period, uint32_t offset, int64_t *left)
{
	int64_t	 pos = now + (int64_t)(offset % (uint64_t)period);

	*left = period - pos % period;
	return pos / period;
}

/*
 * The 24 hex digits of SHA-256("K:" id) and the window offset taken from
 * the same digest, remembered for the last ids seen: a worker sees the
 * same few subjects, clients and tools again and again, and the digest
 * was a third of a limited call's cost.  Direct-mapped by an FNV-1a hash
 * of the id; ids longer than RL_ID_CACHED are not kept.
 */
#define RL_ID_CACHE	64
#define RL_ID_CACHED	128

struct rl_digest {
	char		 kind;		/* 0: empty */
	char		 id[RL_ID_CACHED + 1];
	char		 hex[25];
	uint32_t	 off;
};

static void
id_digest(enum rl_kind kind, const char *id, char hex[25], uint32_t *off)
{
	static struct rl_digest	 cache[RL_ID_CACHE];
	struct rl_digest	*d = NULL;
	unsigned char		 h[32];
	struct buf		 in;
	uint32_t		 fnv = 2166136261u;
	size_t			 len = strlen(id), i;

	if (len <= RL_ID_CACHED) {
		fnv = (fnv ^ (unsigned char)kind_letters[kind]) * 16777619u;
		for (i = 0; i < len; i++)
			fnv = (fnv ^ (unsigned char)id[i]) * 16777619u;
		d = &cache[fnv % RL_ID_CACHE];
		if (d->kind == kind_letters[kind] && strcmp(d->id, id) == 0) {
			memcpy(hex, d->hex, 25);
			*off = d->off;
			return;
		}
	}
	buf_init(&in);
	buf_putc(&in, kind_letters[kind]);
	buf_putc(&in, ':');
	buf_puts(&in, id);
	util_sha256(in.data, in.len, h);
	buf_free(&in);
	*off = (uint32_t)h[12] << 24 | (uint32_t)h[13] << 16 |
	    (uint32_t)h[14] << 8 | h[15];
	util_hex_encode(h, 12, hex);
	if (d != NULL) {
		d->kind = kind_letters[kind];
		memcpy(d->id, id, len + 1);
		memcpy(d->hex, hex, 25);
		d->off = *off;
	}
}

/* The decimal digits of v >= 0 at p; past them. */
static char *
put_dec(char *p, int64_t v)
{
	char	 tmp[24];
	size_t	 n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	while (n > 0)
		*p++ = tmp[--n];
	return p;
}

/*
 * The store key of the counter of `id` (a sub, client id or tool name)
 * under limit `l` at `now`, into buf (at least RL_KEY_MAX bytes); its
 * length, and in *left the seconds its window has left.
 */
size_t
rl_key(char *buf, size_t sz, enum rl_kind kind, const struct rl_limit *l,
    const char *id, int64_t now, int64_t *left)
{
	char		 hex[25], *p = buf;
	uint32_t	 off;
	int64_t		 w;

	if (sz < RL_KEY_MAX)
		return 0;
	id_digest(kind, id, hex, &off);
	w = rl_window(now, l->period, off, left);
	/* "rl:K:PERIOD:WINDOW:HEX": 3+2+6+1+20+1+24+1 < RL_KEY_MAX */
	memcpy(p, "rl:", 3);
	p += 3;
	*p++ = kind_letters[kind];
	*p++ = ':';
	p = put_dec(p, l->period);
	*p++ = ':';
	p = put_dec(p, w < 0 ? 0 : w);
	*p++ = ':';
	memcpy(p, hex, 25);
	return (size_t)(p + 24 - buf);
}

/* The limit of calls to `tool`: its own, else MCP_RATE_LIMIT_TOOL. */
static const struct rl_limit *
tool_limit(const struct rl_state *rl, const char *tool)
{
	size_t	 i;

	for (i = 0; i < rl->nover; i++)
		if (strcmp(rl->over[i].tool, tool) == 0)
			return &rl->over[i].lim;
	return &rl->lim[RL_TOOL];
}

/* A refusal, counted (fcgimcp_rate_limited_total{kind}). */
static void
refused(enum rl_kind kind)
{
	static const enum met_rl met[RL_KIND__MAX] = {
		MET_RL_SUBJECT, MET_RL_CLIENT, MET_RL_TOOL, MET_RL_ADDRESS
	};

	met_rate_limited(met[kind]);
}

static enum rl_res
store_down(struct rl_state *rl, int64_t now, struct rl_verdict *v)
{
	if (now - rl->warned >= WARN_EVERY) {
		log_msg(LOGL_WARN, "ratelimit: the store (%s) cannot count: "
		    "%s %s until it can", store_name(rl->store), rl->what,
		    rl->fail_closed ? "refused (MCP_RATE_LIMIT_FAIL=closed)" :
		    "served without limits (MCP_RATE_LIMIT_FAIL=open)");
		rl->warned = now;
	}
	if (!rl->fail_closed)
		return RL_PASS;
	v->kind = rl->down_kind;
	v->retry_after = rl->down_until > now ? rl->down_until - now : 1;
	return RL_UNAVAILABLE;
}

/*
 * Count one request against the limit of each kind whose id is set, in
 * one store round trip.  RL_LIMITED fills *v with the first limit
 * exceeded (in the order of enum rl_kind) and the longest wait of those
 * exceeded.
 */
static enum rl_res
count(struct rl_state *rl, const struct rl_limit *const *lim,
    const char *const *id, struct rl_verdict *v)
{
	struct store_ctr	 c[RL_KIND__MAX], back[RL_KIND__MAX];
	char			 keys[RL_KIND__MAX][RL_KEY_MAX];
	int64_t			 now = util_now_unix(), left[RL_KIND__MAX];
	enum rl_kind		 kind[RL_KIND__MAX];
	enum store_res		 r;
	enum rl_res		 res;
	size_t			 n = 0, nb = 0, i;
	int			 k, over = 0, uncounted = 0;

	for (k = 0; k < RL_KIND__MAX; k++) {
		if (lim[k] == NULL || lim[k]->count == 0 || id[k] == NULL ||
		    *id[k] == '\0')
			continue;
		rl_key(keys[n], RL_KEY_MAX, (enum rl_kind)k, lim[k], id[k],
		    now, &left[n]);
		c[n].key = keys[n];
		c[n].ttl = left[n] + TTL_SLACK;
		c[n].delta = 1;
		c[n].count = 0;
		kind[n++] = (enum rl_kind)k;
	}
	if (n == 0)
		return RL_PASS;
	if (now < rl->down_until)
		return store_down(rl, now, v);
	if ((r = store_incr(rl->store, c, n)) != STORE_OK &&
	    r != STORE_FULL) {
		rl->down_until = now + RL_DOWN_PAUSE;
		return store_down(rl, now, v);
	}
	for (i = 0; i < n; i++) {
		if (c[i].count < 0)
			uncounted = 1;	/* no room for its counter */
		else if (c[i].count <= lim[kind[i]]->count) {
			back[nb] = c[i];
			back[nb++].delta = -1;
		} else {
			if (!over)
				v->kind = kind[i];
			if (!over || left[i] > v->retry_after)
				v->retry_after = left[i];
			over = 1;
		}
	}
	/* a counter the full file had no room for: the store cannot count
	 * it, so MCP_RATE_LIMIT_FAIL decides (for this call only) */
	if (!over && uncounted) {
		res = store_down(rl, now, v);
		if (res == RL_PASS)
			return RL_PASS;
		v->retry_after = RL_DOWN_PAUSE;
	} else if (!over)
		return RL_PASS;
	else
		res = RL_LIMITED;
	/* best effort: a failure only leaves the other counters one high */
	if (nb > 0)
		store_incr(rl->store, back, nb);
	if (res == RL_LIMITED)
		refused(v->kind);
	return res;
}

/*
 * Count a call of `tool` by `sub` with `client` (either NULL: not
 * counted) against every limit that applies.
 */
enum rl_res
rl_check(struct rl_state *rl, const char *sub, const char *client,
    const char *tool, struct rl_verdict *v)
{
	const struct rl_limit	*lim[RL_KIND__MAX] = { NULL };
	const char		*id[RL_KIND__MAX] = { NULL };

	if (rl == NULL)
		return RL_PASS;
	lim[RL_SUBJECT] = &rl->lim[RL_SUBJECT];
	lim[RL_CLIENT] = &rl->lim[RL_CLIENT];
	lim[RL_TOOL] = tool != NULL ? tool_limit(rl, tool) : NULL;
	id[RL_SUBJECT] = sub;
	id[RL_CLIENT] = client;
	id[RL_TOOL] = tool;
	return count(rl, lim, id, v);
}

/*
 * The id of a client address: an IPv6 address by its /64 (a subscriber
 * or a host gets a whole /64, so counting each address would count
 * nothing), an IPv4-mapped one, or one in NAT64's well-known prefix
 * 64:ff9b::/96 (RFC 6052: every IPv4 client of a translator would
 * otherwise share one count), as the IPv4 address, anything else (an
 * IPv4 address, or what a web server sets on a Unix socket) as it is.
 */
void
rl_address_id(const char *addr, char *out, size_t sz)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0xff, 0xff };
	static const unsigned char nat64[12] = { 0, 0x64, 0xff, 0x9b, 0, 0,
	    0, 0, 0, 0, 0, 0 };
	unsigned char	 a[16];

	if (addr == NULL || *addr == '\0')
		addr = "(none)";
	if (sz < INET6_ADDRSTRLEN + 4) {
		/* one id for all: counted, never let through uncounted */
		if (sz > 1)
			memcpy(out, "?", 2);
		return;
	}
	if (strchr(addr, ':') == NULL || inet_pton(AF_INET6, addr, a) != 1) {
		snprintf(out, sz, "%s", addr);
		return;
	}
	if (memcmp(a, mapped, sizeof(mapped)) == 0 ||
	    memcmp(a, nat64, sizeof(nat64)) == 0) {
		inet_ntop(AF_INET, a + 12, out, (socklen_t)sz);
		return;
	}
	memset(a + 8, 0, 8);
	inet_ntop(AF_INET6, a, out, (socklen_t)sz);
	strcat(out, "/64");
}

/* A request from `addr` (REMOTE_ADDR), against MCP_RATE_LIMIT_OAUTH. */
enum rl_res
rl_check_address(struct rl_state *rl, const char *addr, struct rl_verdict *v)
{
	const struct rl_limit	*lim[RL_KIND__MAX] = { NULL };
	const char		*id[RL_KIND__MAX] = { NULL };
	char			 a[INET6_ADDRSTRLEN + 4];

	if (rl == NULL)
		return RL_PASS;
	rl_address_id(addr, a, sizeof(a));
	lim[RL_ADDRESS] = &rl->lim[RL_ADDRESS];
	id[RL_ADDRESS] = a;
	return count(rl, lim, id, v);
}
