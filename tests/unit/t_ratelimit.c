/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the rate limits (ratelimit.h): "N/period" parsing and
 * its start-up errors, the window arithmetic, the keys (bounded, no id in
 * clear, one per kind, id, period and window), and rl_check against the
 * LMDB counters' file: N calls pass and the next is refused with the time
 * left, other subjects are not, a refused call gives back what it took
 * from the tool's shared budget, per-tool overrides, several processes
 * counting together, and a store that cannot count (fail open, closed).
 * The diagnostics print what one check costs on each back end.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "ratelimit.h"
#include "store.h"
#include "util.h"

#include "redis.h"
#include "tap.h"

#define WORKERS	5

static int
load_prog(struct cfg *c, unsigned prog, const char *const *vars, char **err)
{
	char	*env[24];
	size_t	 n, len;
	FILE	*fp;
	int	 rc;

	for (n = 0; vars[n] != NULL && n < 23; n++)
		env[n] = (char *)vars[n];
	env[n] = NULL;
	fp = open_memstream(err, &len);
	rc = cfg_load(c, prog, env, fp);
	fclose(fp);
	return rc;
}

static int
load(struct cfg *c, const char *const *vars, char **err)
{
	return load_prog(c, PROG_MCP, vars, err);
}

static void
t_parse(void)
{
	static const struct {
		const char	*s;
		int64_t		 count, period;
	} good[] = {
		{ "60/minute", 60, 60 }, { "10/s", 10, 1 },
		{ "1000/hour", 1000, 3600 }, { "100/10s", 100, 10 },
		{ "5 / 2minutes", 5, 120 }, { "1/day", 1, 86400 },
		{ "1000000000/1d", 1000000000, 86400 }, { "3/5sec", 3, 5 },
		{ "7/h", 7, 3600 }, { "2/24hours", 2, 86400 },
	};
	static const char *const bad[] = {
		"", "60", "60/", "/minute", "x/minute", "0/minute", "-1/minute",
		"60/fortnight", "60/0s", "1000000001/s", "60/minute/x",
		"60/2days", "60/25h", "1.5/s", "60/ms", "60/-1s",
		"1/99999999999999999999s",
	};
	struct rl_limit	 l;
	const char	*why;
	size_t		 i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ok(rl_limit_parse(good[i].s, &l, &why) == 0 &&
		    l.count == good[i].count && l.period == good[i].period,
		    "'%s' is %lld per %lld s", good[i].s,
		    (long long)good[i].count, (long long)good[i].period);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(rl_limit_parse(bad[i], &l, &why) == -1 && why != NULL,
		    "'%s' is refused: %s", bad[i], why);
}

static void
t_config(void)
{
	const char	*v1[] = { "MCP_RATE_LIMIT_SUBJECT=60/fortnight",
	    "MCP_RATE_LIMIT_TOOL=0/s", NULL };
	const char	*v2[] = { "MCP_RATE_LIMIT_TOOLS=getItem=5/s,getItem=off",
	    NULL };
	const char	*v3[] = { "MCP_RATE_LIMIT_TOOLS=getItem", NULL };
	const char	*v4[] = { "MCP_RATE_LIMIT_FAIL=maybe", NULL };
	const char	*v5[] = { "MCP_RATE_LIMIT_SUBJECT=60/minute",
	    "MCP_RATE_LIMIT_CLIENT=10/s", "MCP_RATE_LIMIT_TOOLS=a=1/s, b=off",
	    "MCP_RATE_LIMIT_FAIL=closed", NULL };
	struct cfg	 c;
	char		*err = NULL;

	is_int(load(&c, v1, &err), -1, "bad limits stop the program");
	ok(strstr(err, "MCP_RATE_LIMIT_SUBJECT: '60/fortnight': the period "
	    "must be") != NULL, "... naming the variable, the value and why");
	ok(strstr(err, "MCP_RATE_LIMIT_TOOL: '0/s': the number of calls") !=
	    NULL, "... every bad one");
	free(err);
	is_int(load(&c, v2, &err), -1, "a tool named twice is refused");
	ok(strstr(err, "MCP_RATE_LIMIT_TOOLS: getItem is named twice") != NULL,
	    "... saying so");
	free(err);
	is_int(load(&c, v3, &err), -1, "a tool without its limit is refused");
	ok(strstr(err, "each entry is tool=N/period or tool=off") != NULL,
	    "... saying what is expected");
	free(err);
	is_int(load(&c, v4, &err), -1, "MCP_RATE_LIMIT_FAIL is open or closed");
	free(err);
	is_int(load(&c, v5, &err), 0, "good limits load");
	ok(strstr(err, "warning: MCP_RATE_LIMIT_SUBJECT has no effect unless "
	    "MCP_AUTH is jwt or introspect") != NULL, "... with a warning "
	    "that the subject needs a verified token");
	ok(strstr(err, "warning: MCP_RATE_LIMIT_CLIENT has no effect") != NULL,
	    "... and so does the client id");
	is_int(c.rate_limit_fail, RLFAIL_CLOSED, "MCP_RATE_LIMIT_FAIL=closed");
	free(err);
	cfg_free(&c);
}

static void
t_window(void)
{
	int64_t	 left, l2, w, now;
	int	 okay = 1;

	is_int(rl_window(120, 60, 0, &left), 2, "120 s: window 2 of 60 s");
	is_int(left, 60, "... all of it left");
	is_int(rl_window(179, 60, 0, &left), 2, "179 s: still window 2");
	is_int(left, 1, "... 1 s left");
	is_int(rl_window(180, 60, 0, &left), 3, "180 s: window 3");
	is_int(rl_window(120, 60, 30, &left), 2, "offset 30: 120 s is in "
	    "window 2");
	is_int(left, 30, "... which ends 30 s later");
	is_int(rl_window(120, 60, 90, &left), 2, "an offset counts modulo "
	    "the period");
	is_int(left, 30, "... (90 is 30)");
	/* for every second: the window ends exactly `left` seconds later */
	for (now = 1700000000; now < 1700000000 + 130; now++) {
		w = rl_window(now, 7, 12345, &left);
		okay &= left >= 1 && left <= 7 &&
		    rl_window(now + left - 1, 7, 12345, &l2) == w &&
		    rl_window(now + left, 7, 12345, &l2) == w + 1 && l2 == 7;
	}
	ok(okay, "a window's time left is exactly when the next begins");
}

static int
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s <= ' ' || *s > '~')
			return 0;
	return 1;
}

/* The key as ratelimit.h defines it, made here from the digest. */
static void
want_key(char *out, size_t sz, char kind, const struct rl_limit *l,
    const char *id, int64_t now)
{
	unsigned char	 h[32];
	char		 in[2100], hex[25];
	uint32_t	 off;
	int64_t		 left, w;
	int		 i;

	snprintf(in, sizeof(in), "%c:%s", kind, id);
	util_sha256(in, strlen(in), h);
	off = (uint32_t)h[12] << 24 | (uint32_t)h[13] << 16 |
	    (uint32_t)h[14] << 8 | h[15];
	w = rl_window(now, l->period, off, &left);
	for (i = 0; i < 12; i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
	snprintf(out, sz, "rl:%c:%lld:%lld:%s", kind, (long long)l->period,
	    (long long)w, hex);
}

/* The digests kept between calls give the key a fresh digest gives:
 * for ids seen again, ids that evicted each other, and long ids. */
static void
t_keys_kept(void)
{
	struct rl_limit	 m = { 60, 60 };
	char		 a[RL_KEY_MAX], b[RL_KEY_MAX], id[200];
	int64_t		 now = 1800000000, left;
	int		 i, round, bad = 0;

	for (round = 0; round < 3; round++)
		for (i = 0; i < 500; i++) {
			if (i % 50 == 49) {
				memset(id, 'a' + round, 150);
				snprintf(id + 150, sizeof(id) - 150, "%d", i);
			} else
				snprintf(id, sizeof(id), "user-%d", i);
			rl_key(a, sizeof(a), (enum rl_kind)(i % RL_KIND__MAX),
			    &m, id, now + round * 7, &left);
			want_key(b, sizeof(b), "scta"[i % RL_KIND__MAX], &m,
			    id, now + round * 7);
			if (strcmp(a, b) != 0 && bad++ < 3)
				printf("# %s: %s, want %s\n", id, a, b);
		}
	is_int(bad, 0, "1,500 keys, ids seen again, evicted and long: each "
	    "the key of its own digest");
	ok(rl_key(a, RL_KEY_MAX - 1, RL_TOOL, &m, "t", now, &left) == 0,
	    "a buffer shorter than RL_KEY_MAX gets nothing");
}

static void
t_keys(void)
{
	struct rl_limit	 m = { 60, 60 }, h = { 60, 3600 };
	char		 a[RL_KEY_MAX], b[RL_KEY_MAX], big[2000];
	int64_t		 now = 1800000000, left, left2;
	size_t		 n;

	n = rl_key(a, sizeof(a), RL_SUBJECT, &m, "alice@example.com", now,
	    &left);
	ok(n > 0 && n < RL_KEY_MAX && n <= STORE_KEY_MAX && printable(a),
	    "a key: %s (%zu bytes, printable)", a, n);
	ok(strncmp(a, "rl:s:60:", 8) == 0, "... names the kind and period");
	ok(strstr(a, "alice") == NULL && strstr(a, "example") == NULL,
	    "... and not the subject");
	rl_key(b, sizeof(b), RL_SUBJECT, &m, "alice@example.com", now, &left2);
	ok(strcmp(a, b) == 0 && left == left2, "the same id, the same key");
	rl_key(b, sizeof(b), RL_SUBJECT, &m, "bob@example.com", now, &left2);
	ok(strcmp(a, b) != 0, "another subject, another key");
	rl_key(b, sizeof(b), RL_CLIENT, &m, "alice@example.com", now, &left2);
	ok(strcmp(a, b) != 0 && strncmp(b, "rl:c:", 5) == 0, "a client id "
	    "equal to a sub is another key");
	rl_key(b, sizeof(b), RL_TOOL, &m, "alice@example.com", now, &left2);
	ok(strcmp(a, b) != 0 && strncmp(b, "rl:t:", 5) == 0, "... and a tool");
	rl_key(b, sizeof(b), RL_SUBJECT, &h, "alice@example.com", now, &left2);
	ok(strcmp(a, b) != 0, "another period, another key");
	rl_key(b, sizeof(b), RL_SUBJECT, &m, "alice@example.com",
	    now + left - 1, &left2);
	ok(strcmp(a, b) == 0 && left2 == 1, "the same key until the window "
	    "ends");
	rl_key(b, sizeof(b), RL_SUBJECT, &m, "alice@example.com", now + left,
	    &left2);
	ok(strcmp(a, b) != 0 && left2 == 60, "a new key when it does, with "
	    "the whole period left");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	n = rl_key(b, sizeof(b), RL_SUBJECT, &h, big, now, &left2);
	ok(n < RL_KEY_MAX && printable(b), "a long id makes a short key");
	rl_key(b, sizeof(b), RL_SUBJECT, &m, "carol", now, &left2);
	rl_key(a, sizeof(a), RL_SUBJECT, &m, "dave", now, &left);
	ok(left != left2, "two subjects' windows end at different times "
	    "(%lld, %lld s left)", (long long)left2, (long long)left);
}

static struct rl_state *
limiter(const char *const *vars, struct cfg *c)
{
	struct rl_state	*rl = NULL;
	char		*err = NULL, *cause = NULL;

	if (load(c, vars, &err) == -1) {
		printf("# %s", err);
		abort();
	}
	free(err);
	if (rl_new(c, &rl, &cause) == -1) {
		printf("# %s\n", cause);
		abort();
	}
	return rl;
}

/* Calls until the first refusal (at most max). */
static int
passes(struct rl_state *rl, const char *sub, const char *client,
    const char *tool, int max, struct rl_verdict *v)
{
	int	 i;

	for (i = 0; i < max; i++)
		if (rl_check(rl, sub, client, tool, v) != RL_PASS)
			break;
	return i;
}

static void
t_check(const char *dir)
{
	char		 path[300], sub[64];
	const char	*vars[] = { path, "MCP_AUTH=none",
	    "MCP_RATE_LIMIT_SUBJECT=3/day", "MCP_RATE_LIMIT_CLIENT=5/day",
	    "MCP_RATE_LIMIT_TOOL=8/day",
	    "MCP_RATE_LIMIT_TOOLS=free=off,slow=1/2h", NULL };
	const char	*none[] = { "MCP_AUTH=none", NULL };
	struct rl_verdict v;
	struct rl_state	*rl;
	struct cfg	 c;
	int		 n;

	rl = limiter(none, &c);
	ok(rl == NULL, "no limit set: nothing to check, no store opened");
	is_int(rl_check(rl, "a", "b", "t", &v), RL_PASS, "... every call "
	    "passes");
	cfg_free(&c);

	snprintf(path, sizeof(path), "MCP_RATE_LIMIT_PATH=%s/rl.lmdb", dir);
	rl = limiter(vars, &c);
	snprintf(sub, sizeof(sub), "alice-%ld", (long)getpid());
	/* days: no window ends while the test runs (but once in 10^4) */
	is_int(passes(rl, sub, NULL, "t1", 10, &v), 3, "a subject limit of "
	    "3/day: 3 calls pass");
	is_int(rl_check(rl, sub, NULL, "t1", &v), RL_LIMITED, "... the next "
	    "is refused");
	ok(v.kind == RL_SUBJECT && v.retry_after >= 1 &&
	    v.retry_after <= 86400,
	    "... by the subject limit, retry after %lld s",
	    (long long)v.retry_after);
	is_int(rl_check(rl, sub, NULL, "t2", &v), RL_LIMITED, "... whatever "
	    "the tool");
	is_int(passes(rl, "bob", NULL, "t1", 10, &v), 3, "another subject "
	    "still has its 3");
	/* t1: alice 3 (her 3 refusals given back), bob 3 */
	is_int(passes(rl, "carol", NULL, "t1", 10, &v), 2, "the tool limit "
	    "(8/day) is shared: 2 left, refused calls took none of it");
	ok(v.kind == RL_TOOL, "... then the tool limit refuses");
	is_int(passes(rl, NULL, NULL, "t1", 10, &v), 0, "... a call without "
	    "a subject too");
	is_int(passes(rl, "dave", NULL, "free", 20, &v), 3, "a tool=off "
	    "override: only the subject limit applies");
	is_int(passes(rl, NULL, NULL, "free", 20, &v), 20, "... no limit at "
	    "all without a subject");
	is_int(passes(rl, NULL, NULL, "slow", 5, &v), 1, "a tool=1/2h "
	    "override replaces MCP_RATE_LIMIT_TOOL");
	ok(v.kind == RL_TOOL && v.retry_after >= 1 && v.retry_after <= 7200,
	    "... retry after %lld s, within two hours",
	    (long long)v.retry_after);
	n = passes(rl, "erin", "app-1", "t3", 10, &v);
	n += passes(rl, "frank", "app-1", "t3", 10, &v);
	is_int(n, 5, "a client limit of 5/day over two subjects");
	ok(v.kind == RL_CLIENT, "... refused by the client limit");
	is_int(passes(rl, "gina", "app-2", "t3", 10, &v), 3, "another client "
	    "is not");
	rl_free(rl);
	cfg_free(&c);

	/* a new worker sees the same counts */
	rl = limiter(vars, &c);
	is_int(rl_check(rl, sub, NULL, "t4", &v), RL_LIMITED, "another "
	    "worker (a new handle on the file) still refuses the subject");
	rl_free(rl);
	cfg_free(&c);
}

/*
 * The id of a client address: what MCP_RATE_LIMIT_OAUTH counts.  An IPv6
 * holder rotating the low 64 bits must not get a fresh count each time.
 */
static void
t_address_ids(void)
{
	static const char *const cases[][2] = {
		{ "192.0.2.7", "192.0.2.7" },
		{ "2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64" },
		{ "2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64" },
		{ "2001:DB8:1:2::1", "2001:db8:1:2::/64" },
		{ "2001:db8:1:3::1", "2001:db8:1:3::/64" },
		{ "::1", "::/64" },
		{ "::ffff:192.0.2.7", "192.0.2.7" },
		{ "64:ff9b::192.0.2.7", "192.0.2.7" },
		{ "64:ff9b::198.51.100.1", "198.51.100.1" },
		{ "64:ff9b:1::192.0.2.7", "64:ff9b:1::/64" },
		{ "unix:/run/x.sock", "unix:/run/x.sock" },
		{ "not:an:address", "not:an:address" },
		{ "", "(none)" },
	};
	char	 out[64], tiny[8];
	size_t	 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rl_address_id(cases[i][0], out, sizeof(out));
		is_str(out, cases[i][1], "address id of '%s'", cases[i][0]);
	}
	rl_address_id(NULL, out, sizeof(out));
	is_str(out, "(none)", "no REMOTE_ADDR: one id for all such requests");
	rl_address_id("2001:db8::1", tiny, sizeof(tiny));
	is_str(tiny, "?", "a buffer too small: one id for all, never "
	    "overrun, never empty (an empty id would not be counted)");
}

/* MCP_RATE_LIMIT_OAUTH, for the OAuth programs: per address, /64s. */
static void
t_check_address(const char *dir)
{
	char		 path[300], a1[64], a2[64], a3[64];
	const char	*vars[] = { path, "MCP_RATE_LIMIT_OAUTH=4/day",
	    "MCP_RATE_LIMIT_SUBJECT=1/day", NULL };
	struct rl_verdict v;
	struct rl_state	*rl = NULL;
	struct cfg	 c;
	char		*err = NULL, *cause = NULL;
	int		 i, n;

	snprintf(path, sizeof(path), "MCP_RATE_LIMIT_PATH=%s/oauth.lmdb",
	    dir);
	if (load_prog(&c, PROG_AUTHZ, vars, &err) == -1 ||
	    rl_new_oauth(&c, &rl, &cause) == -1) {
		printf("# %s %s\n", err ? err : "", cause ? cause : "");
		abort();
	}
	free(err);
	ok(rl != NULL, "oauth-authorize.fcgi with MCP_RATE_LIMIT_OAUTH: a "
	    "limiter");
	is_int(rl_check(rl, "s", NULL, NULL, &v), RL_PASS, "... that counts "
	    "no subjects (MCP_RATE_LIMIT_SUBJECT is mcp.fcgi's)");
	snprintf(a1, sizeof(a1), "2001:db8:%x:1::1", (unsigned)getpid());
	snprintf(a2, sizeof(a2), "2001:db8:%x:1::2", (unsigned)getpid());
	snprintf(a3, sizeof(a3), "2001:db8:%x:2::1", (unsigned)getpid());
	for (n = 0, i = 0; i < 10; i++)
		if (rl_check_address(rl, i % 2 ? a1 : a2, &v) == RL_PASS)
			n++;
	is_int(n, 4, "4/day: 4 requests pass from one /64, two addresses "
	    "in it taking turns");
	ok(v.kind == RL_ADDRESS && v.retry_after >= 1 &&
	    v.retry_after <= 86400, "... then refused by the address limit, "
	    "retry after %lld s", (long long)v.retry_after);
	is_int(rl_check_address(rl, a3, &v), RL_PASS, "another /64 is not");
	rl_free(rl);
	cfg_free(&c);

	if (load_prog(&c, PROG_AUTHZ, vars + 2, &err) == -1)
		abort();
	free(err);
	rl = (struct rl_state *)1;
	is_int(rl_new_oauth(&c, &rl, &cause), 0, "without it: no error");
	ok(rl == NULL, "... and no limiter, no store opened");
	is_int(rl_check_address(rl, a1, &v), RL_PASS, "... every request "
	    "passes");
	cfg_free(&c);
}

/* WORKERS processes, 10 calls each for one subject with 7/day. */
static void
t_workers(const char *dir)
{
	char		 path[300], sub[64];
	const char	*vars[] = { path, "MCP_RATE_LIMIT_SUBJECT=7/day",
	    "MCP_AUTH=none", NULL };
	struct rl_verdict v;
	pid_t		 pid[WORKERS];
	int		 fd[2], i, passed = 0, exited = 0, status;
	char		 c;

	snprintf(path, sizeof(path), "MCP_RATE_LIMIT_PATH=%s/rl.lmdb", dir);
	snprintf(sub, sizeof(sub), "racer-%ld", (long)getpid());
	if (pipe(fd) == -1)
		abort();
	fflush(stdout);
	for (i = 0; i < WORKERS; i++)
		if ((pid[i] = fork()) == 0) {
			struct cfg	 cfg;
			struct rl_state	*rl = limiter(vars, &cfg);
			int		 k;

			close(fd[0]);
			for (k = 0; k < 10; k++)
				if (rl_check(rl, sub, NULL, "t", &v) == RL_PASS &&
				    write(fd[1], "p", 1) != 1)
					_exit(3);
			rl_free(rl);
			cfg_free(&cfg);
			_exit(0);
		}
	close(fd[1]);
	while (read(fd[0], &c, 1) == 1)
		passed++;
	close(fd[0]);
	for (i = 0; i < WORKERS; i++)
		if (waitpid(pid[i], &status, 0) == pid[i] &&
		    WIFEXITED(status) && WEXITSTATUS(status) == 0)
			exited++;
	is_int(exited, WORKERS, "%d worker processes checked", WORKERS);
	is_int(passed, 7, "together they let exactly 7 calls through");
}

/* A full LMDB file cannot count: served (open) or refused (closed). */
static void
t_down(const char *dir)
{
	char		 path[300], key[80];
	const char	*open_[] = { path, "MCP_STORE_SIZE=1", "MCP_AUTH=none",
	    "MCP_RATE_LIMIT_TOOL=1/minute", NULL };
	const char	*closed[] = { path, "MCP_STORE_SIZE=1", "MCP_AUTH=none",
	    "MCP_RATE_LIMIT_TOOL=1/minute", "MCP_RATE_LIMIT_FAIL=closed", NULL };
	struct rl_verdict v;
	struct rl_state	*rl;
	struct store	*s;
	struct cfg	 c;
	char		*cause;
	int		 i;

	snprintf(path, sizeof(path), "MCP_RATE_LIMIT_PATH=%s/full.lmdb", dir);
	rl = limiter(open_, &c);
	if (store_open_counters(&c, STORE_CTR_CALLS, &s, &cause) == -1)
		abort();
	is_int(passes(rl, NULL, NULL, "old", 3, &v), 1, "a tool at its "
	    "limit before the file fills");
	for (i = 0; i < 100000; i++) {
		snprintf(key, sizeof(key), "fill:%06d:0123456789abcdef", i);
		if (store_claim(s, key, "1", 600) == STORE_DOWN)
			break;
	}
	ok(i < 100000, "the counters' file is full after %d entries", i);
	is_int(passes(rl, NULL, NULL, "t", 3, &v), 3, "fail open: calls that "
	    "would need a new counter are served while the file is full");
	/* a full file is not a store that is down: the counters it has
	 * still count (before, one new key in a full file switched the
	 * limits off, or with fail closed on, for everyone) */
	is_int(rl_check(rl, NULL, NULL, "old", &v), RL_LIMITED, "... a tool "
	    "whose counter is there is still over its limit");
	rl_free(rl);
	cfg_free(&c);
	rl = limiter(closed, &c);
	is_int(rl_check(rl, NULL, NULL, "t", &v), RL_UNAVAILABLE, "fail "
	    "closed: a call that needs a new counter is refused");
	ok(v.retry_after >= 1 && v.retry_after <= RL_DOWN_PAUSE, "... retry "
	    "after %lld s", (long long)v.retry_after);
	is_int(rl_check(rl, NULL, NULL, "old", &v), RL_LIMITED, "... and the "
	    "one over its limit is told so, not that the store is down");
	rl_free(rl);
	store_close(s);
	cfg_free(&c);
}

/*
 * One MCP_RATE_LIMIT_PATH for every program, as one set of variables
 * gives it: oauth-authorize.fcgi's address counters, which anyone can
 * multiply, must not fill the file that limits tools/call.
 */
static void
t_shared_path(const char *dir)
{
	char		 path[300], key[80];
	const char	*vars[] = { path, "MCP_STORE_SIZE=1", "MCP_AUTH=none",
	    "MCP_RATE_LIMIT_TOOL=3/minute", "MCP_RATE_LIMIT_OAUTH=10/day",
	    NULL };
	struct rl_verdict v;
	struct rl_state	*rl;
	struct store	*s;
	struct cfg	 c, ca;
	char		*cause, *err = NULL;
	int		 i;

	snprintf(path, sizeof(path), "MCP_RATE_LIMIT_PATH=%s/shared.lmdb",
	    dir);
	rl = limiter(vars, &c);
	if (load_prog(&ca, PROG_AUTHZ, vars, &err) == -1 ||
	    store_open_counters(&ca, STORE_CTR_OAUTH, &s, &cause) == -1)
		abort();
	free(err);
	for (i = 0; i < 100000; i++) {
		snprintf(key, sizeof(key), "fill:%06d:0123456789abcdef", i);
		if (store_claim(s, key, "1", 600) == STORE_DOWN)
			break;
	}
	ok(i < 100000, "the OAuth endpoints' counters fill up after %d "
	    "addresses", i);
	is_int(passes(rl, NULL, NULL, "fresh", 10, &v), 3, "... and a tool's "
	    "new counter is still made: 3/minute holds");
	rl_free(rl);
	store_close(s);
	cfg_free(&ca);
	cfg_free(&c);
}

/* How many checks a second, the subject, client and tool limits each. */
static void
bench(const char *const *vars, const char *name)
{
	struct rl_verdict v;
	struct rl_state	*rl;
	struct cfg	 c;
	double		 t0, t;
	int		 n = 0, pass = 0;
	char		 sub[32];

	rl = limiter(vars, &c);
	t0 = util_now_mono();
	do {
		snprintf(sub, sizeof(sub), "s%d", n % 100);
		pass += rl_check(rl, sub, "client", "tool", &v) == RL_PASS;
		n++;
	} while ((t = util_now_mono() - t0) < 0.5);
	ok(pass == n, "%s: %d checks passed", name, n);
	printf("# %s: %.0f checks/s (%.1f us each; 3 counters per check)\n",
	    name, n / t, t * 1e6 / n);
	rl_free(rl);
	cfg_free(&c);
}

static void
t_bench(const char *dir)
{
	char		 path[300], addr[64];
	const char	*local[] = { path, "MCP_RATE_LIMIT_SUBJECT=1000000/s",
	    "MCP_RATE_LIMIT_CLIENT=1000000/s", "MCP_RATE_LIMIT_TOOL=1000000/s",
	    "MCP_AUTH=none", NULL };
	const char	*redis[] = { "MCP_STORE=redis", addr,
	    "MCP_RATE_LIMIT_SUBJECT=1000000/s", "MCP_RATE_LIMIT_CLIENT=1000000/s",
	    "MCP_RATE_LIMIT_TOOL=1000000/s", "MCP_AUTH=none", NULL };
	pid_t		 pid;
	int		 port;

	snprintf(path, sizeof(path), "MCP_RATE_LIMIT_PATH=%s/bench.lmdb", dir);
	bench(local, "local (LMDB, no fsync)");
	if (system("command -v redis-server >/dev/null 2>&1") != 0) {
		ok(1, "# SKIP redis-server is not installed");
		return;
	}
	port = free_port();
	snprintf(addr, sizeof(addr), "MCP_REDIS_ADDRESS=127.0.0.1:%d", port);
	pid = redis_start(port);
	bench(redis, "redis (loopback TCP, one MULTI/EXEC)");
	redis_stop(pid);
}

int
main(void)
{
	char	 dir[] = "/tmp/t_ratelimit.XXXXXX", cmd[64];

	if (mkdtemp(dir) == NULL)
		return 1;
	t_parse();
	t_config();
	t_window();
	t_keys();
	t_keys_kept();
	t_check(dir);
	t_address_ids();
	t_check_address(dir);
	t_workers(dir);
	t_down(dir);
	t_shared_path(dir);
	t_bench(dir);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return done_testing();
}
