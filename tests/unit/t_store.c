/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the store (MCP_STORE): claims are once only, also
 * between processes; entries expire; a full LMDB file fails closed and
 * recovers as entries expire, and when a process killed inside a read
 * pinned old pages; a file another user could write is
 * refused; counters (store_incr) add up exactly between processes and
 * keep the lifetime they were created with; a Redis server (started here
 * when redis-server is installed) gives the same answers, and STORE_DOWN
 * while it is stopped; a command is sent again only when Redis closed the
 * connection, never after a timeout.
 */
#include "config.h"

#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hiredis/hiredis.h>
#include <lmdb.h>

#include "cfg.h"
#include "store.h"
#include "util.h"

#include "redis.h"
#include "tap.h"

#define RACERS	6
#define KEYS	40

static struct cfg
config(const char *const *vars)
{
	struct cfg	 c;
	char		*env[16];
	size_t		 n;

	for (n = 0; vars[n] != NULL && n < 15; n++)
		env[n] = (char *)vars[n];
	env[n] = NULL;
	if (cfg_load(&c, PROG_TOKEN, env, stderr) == -1)
		abort();
	return c;
}

/* A store of `vars` into *s and its configuration into *c: 0, or -1
 * reported as a failure to open the `what` store. */
static int
opened(const char *const *vars, struct cfg *c, struct store **s,
    const char *what)
{
	char	*cause = NULL;

	*c = config(vars);
	if (store_open(c, s, &cause) == 0)
		return 0;
	ok(0, "%s store opened: %s", what, cause);
	free(cause);
	cfg_free(c);
	return -1;
}

/* The answers every back end must give. */
static void
t_semantics(struct store *s, const char *name)
{
	struct store_ctr	 c[STORE_CTR_MAX + 1];
	char			 v[STORE_VALUE_MAX + 1], key[64], ck[2][64];
	int			 i;

	snprintf(key, sizeof(key), "t:%ld:%s", (long)getpid(), name);
	/* counters: created at 0 with their lifetime, added to, read back */
	for (i = 0; i < 2; i++)
		snprintf(ck[i], sizeof(ck[i]), "n%d:%ld:%s", i, (long)getpid(),
		    name);
	memset(c, 0, sizeof(c));
	c[0].key = ck[0];
	c[0].ttl = 1;
	c[0].delta = 1;
	c[1].key = ck[1];
	c[1].ttl = 60;
	c[1].delta = 5;
	is_int(store_incr(s, c, 2), STORE_OK, "%s: incr of two counters",
	    name);
	ok(c[0].count == 1 && c[1].count == 5, "%s: new counters start at 0 "
	    "(%lld, %lld)", name, (long long)c[0].count,
	    (long long)c[1].count);
	c[1].delta = -3;
	store_incr(s, c, 2);
	ok(c[0].count == 2 && c[1].count == 2, "%s: then add (negative "
	    "too): %lld, %lld", name, (long long)c[0].count,
	    (long long)c[1].count);
	is_int(store_get(s, ck[0], v), STORE_OK, "%s: a counter can be read",
	    name);
	is_str(v, "2", "%s: ... as a decimal value", name);
	is_int(store_incr(s, c, 0), STORE_DOWN, "%s: incr of nothing is "
	    "refused", name);
	for (i = 0; i <= STORE_CTR_MAX; i++)
		c[i] = c[0];
	is_int(store_incr(s, c, STORE_CTR_MAX + 1), STORE_DOWN, "%s: more "
	    "than STORE_CTR_MAX counters are refused", name);
	c[1].key = "bad key";
	is_int(store_incr(s, c, 2), STORE_DOWN, "%s: incr with a bad key is "
	    "refused", name);
	store_get(s, ck[0], v);
	is_str(v, "2", "%s: ... and changes none of them", name);
	is_int(store_claim(s, key, "first", 60), STORE_OK, "%s: a claim", name);
	is_int(store_claim(s, key, "second", 60), STORE_EXISTS, "%s: the "
	    "same claim again is refused", name);
	is_int(store_get(s, key, v), STORE_OK, "%s: get", name);
	is_str(v, "first", "%s: the first claim's value stays", name);
	is_int(store_put(s, key, "put", 60), STORE_OK, "%s: put", name);
	store_get(s, key, v);
	is_str(v, "put", "%s: put replaces", name);
	is_int(store_del(s, key), STORE_OK, "%s: del", name);
	is_int(store_get(s, key, v), STORE_MISSING, "%s: gone after del",
	    name);
	is_int(store_claim(s, key, "1", 1), STORE_OK, "%s: claimable again "
	    "after del", name);
	is_int(store_claim(s, "bad key", "1", 60), STORE_DOWN, "%s: a key "
	    "with a space is refused", name);
	is_int(store_claim(s, key, "1", 0), STORE_DOWN, "%s: no lifetime is "
	    "refused", name);
	sleep(2);
	is_int(store_get(s, key, v), STORE_MISSING, "%s: expired", name);
	c[0].key = ck[0];
	c[0].delta = 1;
	store_incr(s, c, 1);
	is_int(c[0].count, 1, "%s: adding did not extend a counter's "
	    "lifetime: it expired and starts again", name);
	is_int(store_claim(s, key, "1", 60), STORE_OK, "%s: an expired claim "
	    "can be made again", name);
}

/*
 * RACERS processes, each with its own connection or mapping, claim the
 * same KEYS keys at once: every key is won exactly once.
 */
static void
t_race(const char *const *vars, const char *name)
{
	pid_t		 pid[RACERS];
	int		 fd[2], i, k, won = 0, status;
	char		 key[64], c;

	if (pipe(fd) == -1)
		abort();
	fflush(stdout);
	for (i = 0; i < RACERS; i++) {
		if ((pid[i] = fork()) == 0) {
			struct cfg	 cfg = config(vars);
			struct store	*s;
			char		*cause;

			close(fd[0]);
			if (store_open(&cfg, &s, &cause) == -1)
				_exit(2);
			for (k = 0; k < KEYS; k++) {
				snprintf(key, sizeof(key), "race:%ld:%d",
				    (long)getppid(), k);
				if (store_claim(s, key, "1", 60) == STORE_OK &&
				    write(fd[1], "w", 1) != 1)
					_exit(3);
			}
			store_close(s);
			cfg_free(&cfg);
			_exit(0);
		}
	}
	close(fd[1]);
	while (read(fd[0], &c, 1) == 1)
		won++;
	close(fd[0]);
	for (i = 0, k = 0; i < RACERS; i++)
		if (waitpid(pid[i], &status, 0) == pid[i] &&
		    WIFEXITED(status) && WEXITSTATUS(status) == 0)
			k++;
	is_int(k, RACERS, "%s: %d processes claimed", name, RACERS);
	is_int(won, KEYS, "%s: each of %d keys won exactly once", name, KEYS);
}

/*
 * RACERS processes add 1 to the same counter INCRS times each, at once:
 * every addition sees a count nobody else saw, and the total is exact.
 */
#define INCRS	50
static void
t_incr_race(const char *const *vars, const char *name)
{
	struct store_ctr	 c;
	struct store		*s;
	struct cfg		 cfg;
	pid_t			 pid[RACERS];
	int			 fd[2], i, k, status, n = 0, dup = 0, bad = 0;
	char			 key[64], *cause = NULL;
	unsigned char		 seen[RACERS * INCRS + 1];
	int32_t			 got;

	if (pipe(fd) == -1)
		abort();
	snprintf(key, sizeof(key), "ctr:%ld:%s", (long)getpid(), name);
	fflush(stdout);
	for (i = 0; i < RACERS; i++) {
		if ((pid[i] = fork()) == 0) {
			close(fd[0]);
			cfg = config(vars);
			if (store_open(&cfg, &s, &cause) == -1)
				_exit(2);
			for (k = 0; k < INCRS; k++) {
				memset(&c, 0, sizeof(c));
				c.key = key;
				c.ttl = 60;
				c.delta = 1;
				got = store_incr(s, &c, 1) == STORE_OK ?
				    (int32_t)c.count : -1;
				if (write(fd[1], &got, sizeof(got)) !=
				    sizeof(got))
					_exit(3);
			}
			store_close(s);
			cfg_free(&cfg);
			_exit(0);
		}
	}
	close(fd[1]);
	memset(seen, 0, sizeof(seen));
	while (read(fd[0], &got, sizeof(got)) == sizeof(got)) {
		n++;
		if (got < 1 || got > RACERS * INCRS)
			bad++;
		else if (seen[got]++)
			dup++;
	}
	close(fd[0]);
	for (i = 0, k = 0; i < RACERS; i++)
		if (waitpid(pid[i], &status, 0) == pid[i] &&
		    WIFEXITED(status) && WEXITSTATUS(status) == 0)
			k++;
	is_int(k, RACERS, "%s: %d processes counted", name, RACERS);
	ok(n == RACERS * INCRS && bad == 0 && dup == 0, "%s: %d additions "
	    "from %d processes saw each count once (%d answers, %d out of "
	    "range, %d seen twice)", name, RACERS * INCRS, RACERS, n, bad,
	    dup);
	cfg = config(vars);
	if (store_open(&cfg, &s, &cause) == 0) {
		memset(&c, 0, sizeof(c));
		c.key = key;
		c.ttl = 60;
		store_incr(s, &c, 1);
		is_int(c.count, RACERS * INCRS, "%s: the total is exact", name);
		store_close(s);
	} else
		free(cause);
	cfg_free(&cfg);
}

/* Write a row of `n` bytes under `key` straight into the file's keys. */
static int
lmdb_raw(const char *path, const char *key, const char *val, size_t n)
{
	MDB_env		*env;
	MDB_txn		*txn;
	MDB_dbi		 dbi;
	MDB_val		 k = { strlen(key), (void *)key }, v = { n, (void *)val };
	int		 rc;

	if (mdb_env_create(&env) != 0)
		return -1;
	rc = mdb_env_set_maxdbs(env, 2) != 0 ||
	    mdb_env_open(env, path, MDB_NOSUBDIR, 0600) != 0 ||
	    mdb_txn_begin(env, NULL, 0, &txn) != 0;
	if (!rc) {
		rc = mdb_dbi_open(txn, "k", 0, &dbi) != 0 ||
		    mdb_put(txn, dbi, &k, &v, 0) != 0;
		if (rc || mdb_txn_commit(txn) != 0)
			rc = 1;
	}
	mdb_env_close(env);
	return rc ? -1 : 0;
}

/*
 * A row that cannot be read (one too short to hold its expiry, a live
 * one whose value is longer than any the store writes: another writer,
 * damage) is a store that is down, not a key never used: a claim of it
 * must not succeed, nor a read say "absent" (a revoked family would
 * pass).
 */
static void
t_lmdb_damaged(const char **vars, const char *path)
{
	struct store	*s;
	struct cfg	 cfg;
	unsigned char	 row[8 + STORE_VALUE_MAX + 44];
	char		 v[STORE_VALUE_MAX + 1];
	uint64_t	 until = (uint64_t)util_now_unix() + 3600;
	int		 i;

	for (i = 7; i >= 0; i--, until >>= 8)
		row[i] = (unsigned char)(until & 0xff);
	memset(row + 8, 'x', sizeof(row) - 8);
	if (lmdb_raw(path, "damaged", "abc", 3) == -1 ||
	    lmdb_raw(path, "oversized", (const char *)row, sizeof(row)) ==
	    -1) {
		ok(0, "local: damaged rows written");
		return;
	}
	if (opened(vars, &cfg, &s, "local: damaged") == -1)
		return;
	is_int(store_get(s, "damaged", v), STORE_DOWN, "local: a damaged row "
	    "read: STORE_DOWN, not STORE_MISSING");
	is_int(store_get(s, "oversized", v), STORE_DOWN, "local: a live row "
	    "too long to be ours read: STORE_DOWN, not STORE_MISSING");
	is_int(store_claim(s, "damaged", "1", 60), STORE_DOWN, "local: a "
	    "damaged row claimed: STORE_DOWN, not a first use");
	is_int(store_claim(s, "sound", "1", 60), STORE_OK, "local: other "
	    "keys still work");
	store_close(s);
	cfg_free(&cfg);
}

static void
t_lmdb(const char *dir)
{
	char		 path[256], var[300], size[] = "MCP_STORE_SIZE=1";
	const char	*vars[] = { var, NULL, NULL };
	struct store	*s;
	struct store_ctr ctr[2];
	struct cfg	 cfg;
	char		*cause = NULL, key[64];
	int		 i, full = -1, rc;

	snprintf(path, sizeof(path), "%s/store.lmdb", dir);
	snprintf(var, sizeof(var), "MCP_STORE_PATH=%s", path);
	cfg = config(vars);
	ok(store_open(&cfg, &s, &cause) == 0, "local: opened (%s)",
	    cause ? cause : "ok");
	if (s == NULL)
		return;
	is_str(store_name(s), "local", "local: the LMDB back end");
	t_semantics(s, "local");
	store_close(s);
	cfg_free(&cfg);
	t_race(vars, "local");
	t_incr_race(vars, "local");
	t_lmdb_damaged(vars, path);

	/* another user could have made the file first */
	chmod(path, 0666);
	cfg = config(vars);
	cause = NULL;
	ok(store_open(&cfg, &s, &cause) == -1 && cause != NULL &&
	    strstr(cause, "writable by others") != NULL, "local: a file "
	    "others can write is refused");
	free(cause);
	cfg_free(&cfg);
	chmod(path, 0600);

	/* or made its lock file a link to a file of ours: refused before
	 * LMDB opens (and so overwrites) it */
	{
		char	 victim[300], lock[300], buf[16] = "";
		int	 fd;

		snprintf(path, sizeof(path), "%s/linked.lmdb", dir);
		snprintf(lock, sizeof(lock), "%s-lock", path);
		snprintf(victim, sizeof(victim), "%s/victim", dir);
		fd = open(victim, O_RDWR | O_CREAT | O_TRUNC, 0600);
		if (write(fd, "precious", 8) != 8)
			abort();
		close(fd);
		(void)symlink(victim, lock);
		snprintf(var, sizeof(var), "MCP_STORE_PATH=%s", path);
		cfg = config(vars);
		cause = NULL;
		ok(store_open(&cfg, &s, &cause) == -1 && cause != NULL &&
		    strstr(cause, "symbolic link") != NULL, "local: a lock "
		    "file that is a symbolic link is refused: %s",
		    cause ? cause : "");
		free(cause);
		cfg_free(&cfg);
		fd = open(victim, O_RDONLY);
		ok(read(fd, buf, sizeof(buf) - 1) == 8 &&
		    strcmp(buf, "precious") == 0, "local: the file it names "
		    "is untouched");
		close(fd);
	}

	/* full: fail closed, then room again as entries expire */
	snprintf(path, sizeof(path), "%s/small.lmdb", dir);
	snprintf(var, sizeof(var), "MCP_STORE_PATH=%s", path);
	vars[1] = size;
	if (opened(vars, &cfg, &s, "local: small") == -1)
		return;
	ctr[0].key = "ctr:there";
	ctr[0].ttl = 60;
	ctr[0].delta = 1;
	store_incr(s, ctr, 1);
	for (i = 0; i < 100000 && full == -1; i++) {
		snprintf(key, sizeof(key), "fill:%06d:0123456789abcdef0123456789"
		    "abcdef", i);
		if (store_claim(s, key, "1", 4) == STORE_DOWN)
			full = i;
	}
	ok(full > 1000, "local: a full file says STORE_DOWN (after %d "
	    "entries in 1 MiB)", full);
	ctr[1] = ctr[0];
	ctr[1].key = "ctr:new";
	rc = store_incr(s, ctr, 2);
	ok(rc == STORE_FULL && ctr[0].count == 2 && ctr[1].count == -1,
	    "local: counters in a full file: the one there counts, no new "
	    "one is made (STORE_FULL; %lld, %lld)", (long long)ctr[0].count,
	    (long long)ctr[1].count);
	sleep(5);
	for (i = 0; i < 400 && store_claim(s, "after-expiry", "1", 60) ==
	    STORE_DOWN; i++)
		;
	ok(i < 400, "local: writes purge expired entries and succeed again");
	store_close(s);
	cfg_free(&cfg);
}

/*
 * A worker killed inside a read leaves its reader slot: its snapshot keeps
 * the pages freed since from being reused, so one key written over and
 * over fills a 1 MiB file, unless the slot of the dead process is cleared.
 */
static void
t_lmdb_stale_reader(const char *dir)
{
	char		 path[256], var[300], size[] = "MCP_STORE_SIZE=1";
	char		 val[STORE_VALUE_MAX + 1];
	const char	*vars[] = { var, size, NULL };
	struct store	*s;
	struct cfg	 cfg;
	pid_t		 pid;
	int		 i, st;

	snprintf(path, sizeof(path), "%s/stale.lmdb", dir);
	snprintf(var, sizeof(var), "MCP_STORE_PATH=%s", path);
	if (opened(vars, &cfg, &s, "local: stale") == -1)
		return;
	memset(val, 'v', STORE_VALUE_MAX);
	val[STORE_VALUE_MAX] = '\0';
	if ((pid = fork()) == 0) {
		MDB_env	*env;
		MDB_txn	*txn;

		if (mdb_env_create(&env) != 0 ||
		    mdb_env_set_maxdbs(env, 2) != 0 ||
		    mdb_env_set_mapsize(env, 1 << 20) != 0 ||
		    mdb_env_open(env, path, MDB_NOSUBDIR, 0600) != 0 ||
		    mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) != 0)
			_exit(2);
		kill(getpid(), SIGKILL);
		_exit(3);
	}
	waitpid(pid, &st, 0);
	ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "local: a process "
	    "killed inside a read");
	for (i = 0; i < 3000; i++)
		if (store_put(s, "same", val, 60) != STORE_OK)
			break;
	is_int(i, 3000, "local: its reader slot is cleared, the file does "
	    "not fill with one key written 3000 times");
	is_int(store_get(s, "same", val), STORE_OK, "local: and reads work");
	store_close(s);
	cfg_free(&cfg);
}

/* A command of our own on a connection of our own; its reply. */
static redisReply *
redis_do(int port, const char *cmd)
{
	redisContext	*rc = redisConnect("127.0.0.1", port);
	redisReply	*rep;

	if (rc == NULL || rc->err != 0 || (rep = redisCommand(rc, cmd)) == NULL)
		abort();
	redisFree(rc);
	return rep;
}

/* How often Redis has run a command (INFO commandstats). */
static long
redis_calls(int port, const char *cmd)
{
	redisReply	*rep = redis_do(port, "INFO commandstats");
	char		 key[64];
	const char	*p;
	long		 n = 0;

	snprintf(key, sizeof(key), "cmdstat_%s:calls=", cmd);
	if (rep->type == REDIS_REPLY_STRING &&
	    (p = strstr(rep->str, key)) != NULL)
		n = strtol(p + strlen(key), NULL, 10);
	freeReplyObject(rep);
	return n;
}

/*
 * DEBUG SLEEP sent, not waited for, and Redis seen standing still: a
 * PING on another connection goes unanswered for 50 ms.
 */
static redisContext *
redis_sleep(int port, const char *secs)
{
	struct timeval	 tv = { 0, 50000 };
	redisContext	*rc = redisConnect("127.0.0.1", port), *probe;
	redisReply	*rep;
	int		 done = 0, i;

	if (rc == NULL || rc->err != 0 ||
	    redisAppendCommand(rc, "DEBUG SLEEP %s", secs) != REDIS_OK)
		abort();
	while (!done)
		if (redisBufferWrite(rc, &done) != REDIS_OK)
			abort();
	for (i = 0; i < 100; i++) {
		probe = redisConnectWithTimeout("127.0.0.1", port, tv);
		if (probe == NULL || probe->err != 0 ||
		    redisSetTimeout(probe, tv) != REDIS_OK)
			abort();
		rep = redisCommand(probe, "PING");
		redisFree(probe);
		if (rep == NULL)
			return rc;
		freeReplyObject(rep);
	}
	redisFree(rc);
	ok(0, "redis: DEBUG SLEEP did not make Redis stand still (Redis 7 "
	    "with enable-debug-command is needed)");
	return NULL;
}

static void
redis_woken(redisContext *rc)
{
	void	*rep;

	if (redisGetReply(rc, &rep) != REDIS_OK)
		abort();
	freeReplyObject(rep);
	redisFree(rc);
}

/*
 * When is a command sent twice?  Only when Redis had closed the kept
 * connection (a restart, its idle timeout, CLIENT KILL): then it never
 * ran.  After a timeout it may have run, and sending it again would make
 * a first use a replay and count one call twice.  Redis sleeps two
 * seconds, far longer than MCP_STORE_TIMEOUT_MS (300), so that every send
 * times out, also on a loaded machine.  DEBUG needs Redis 7 (see redis.h).
 */
static void
t_redis_resend(struct store *s, int port)
{
	struct store_ctr	 c = { "resend-ctr", 600, 1, 0 };
	char			 v[STORE_VALUE_MAX + 1];
	redisContext		*z;
	enum store_res		 rc;
	long			 n;

	is_int(store_claim(s, "resend-a", "1", 60), STORE_OK, "redis: a "
	    "claim on the kept connection");
	freeReplyObject(redis_do(port, "CLIENT KILL TYPE normal"));
	is_int(store_claim(s, "resend-b", "1", 60), STORE_OK, "redis: the "
	    "kept connection was closed by Redis: the claim is sent again on "
	    "a new one and succeeds");
	ok(store_get(s, "resend-a", v) == STORE_OK, "redis: kept again");
	freeReplyObject(redis_do(port, "CLIENT KILL TYPE normal"));
	ok(store_incr(s, &c, 1) == STORE_OK && c.count == 1, "redis: the "
	    "same for a count (pipelined)");

	n = redis_calls(port, "set");
	if ((z = redis_sleep(port, "2")) == NULL)
		return;
	is_int(store_claim(s, "resend-slow", "1", 60), STORE_DOWN, "redis: a "
	    "claim that timed out is STORE_DOWN");
	redis_woken(z);
	is_int(redis_calls(port, "set") - n, 1, "redis: and it was sent once "
	    "(sent again, it would have answered STORE_EXISTS: a first use "
	    "called a replay)");
	ok(store_get(s, "resend-slow", v) == STORE_OK && strcmp(v, "1") == 0,
	    "redis: it ran when Redis woke");

	n = redis_calls(port, "incrby");
	if ((z = redis_sleep(port, "2")) == NULL)
		return;
	is_int(store_incr(s, &c, 1), STORE_DOWN, "redis: a count that timed "
	    "out is STORE_DOWN");
	redis_woken(z);
	is_int(redis_calls(port, "incrby") - n, 1, "redis: and it was sent "
	    "once");
	rc = store_incr(s, &c, 1);
	ok(rc == STORE_OK && c.count == 3, "redis: so it counted once, not "
	    "twice (%d, count %lld, want 3)", (int)rc, (long long)c.count);
}

/*
 * One client connection through the proxy: bytes both ways, except that
 * every other SET ... NX (the 1st, the 3rd ...: *nx counts them) goes to
 * Redis and its answer is dropped with the connection, as when Redis
 * closes a connection between running a command and answering it.
 */
static void
drop_proxy_conn(int c, int redis_port, int *nx)
{
	struct sockaddr_in	 a;
	struct pollfd		 pf[2];
	char			 b[65536];
	ssize_t			 n;
	int			 r = socket(AF_INET, SOCK_STREAM, 0);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(redis_port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(r, (struct sockaddr *)&a, sizeof(a)) == -1)
		goto out;
	pf[0].fd = c;
	pf[1].fd = r;
	pf[0].events = pf[1].events = POLLIN;
	while (poll(pf, 2, -1) > 0) {
		if (pf[0].revents != 0) {
			if ((n = read(c, b, sizeof(b))) <= 0 ||
			    write(r, b, (size_t)n) != n)
				goto out;
			if (memmem(b, (size_t)n, "\r\nNX\r\n", 6) != NULL &&
			    (*nx)++ % 2 == 0) {
				(void)read(r, b, sizeof(b));	/* ran */
				goto out;
			}
		}
		if (pf[1].revents != 0 && ((n = read(r, b, sizeof(b))) <= 0 ||
		    write(c, b, (size_t)n) != n))
			goto out;
	}
out:
	close(r);
	close(c);
}

/* The proxy of drop_proxy_conn on its own port (*port), in a child. */
static pid_t
drop_proxy(int redis_port, int *port)
{
	struct sockaddr_in	 a;
	socklen_t		 len = sizeof(a);
	pid_t			 pid;
	int			 s = socket(AF_INET, SOCK_STREAM, 0), c, nx = 0;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) == -1 ||
	    listen(s, 8) == -1 ||
	    getsockname(s, (struct sockaddr *)&a, &len) == -1)
		abort();
	*port = ntohs(a.sin_port);
	if ((pid = fork()) == -1)
		abort();
	if (pid == 0) {
		while ((c = accept(s, NULL, NULL)) != -1)
			drop_proxy_conn(c, redis_port, &nx);
		_exit(0);
	}
	close(s);
	return pid;
}

/*
 * Redis ran a claim and closed the connection before answering: the
 * claim goes again on a new connection and finds its key taken.  The
 * value it finds is its own, so the claim is the caller's (STORE_OK),
 * not a replay; a key another caller claimed, with its own value, stays
 * STORE_EXISTS.
 */
static void
t_redis_resent_claim(int redis_port)
{
	char		 addr[64], v[STORE_VALUE_MAX + 1];
	const char	*vars[] = { "MCP_STORE=redis", addr,
	    "MCP_STORE_TIMEOUT_MS=1000", NULL };
	struct store	*s;
	struct cfg	 cfg;
	pid_t		 pid;
	int		 port;

	pid = drop_proxy(redis_port, &port);
	snprintf(addr, sizeof(addr), "MCP_REDIS_ADDRESS=127.0.0.1:%d", port);
	if (opened(vars, &cfg, &s, "redis: the proxy's") == -1)
		goto out;
	store_get(s, "warm", v);	/* a kept connection */
	is_int(store_claim(s, "resent-mine", "mine-4711", 60), STORE_OK,
	    "redis: a claim Redis ran and did not answer, sent again: ours");
	freeReplyObject(redis_do(redis_port,
	    "SET fcgi-mcp:resent-theirs theirs-0815 EX 60"));
	is_int(store_claim(s, "resent-theirs", "mine-4712", 60), STORE_EXISTS,
	    "redis: ... one that another caller had made: still taken");
	store_close(s);
	cfg_free(&cfg);
out:
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* Connections Redis has taken so far (this one included). */
static long
redis_conns(int port)
{
	redisReply	*rep = redis_do(port, "INFO stats");
	const char	*p;
	long		 n = -1;

	if (rep->type == REDIS_REPLY_STRING && (p = strstr(rep->str,
	    "total_connections_received:")) != NULL)
		n = strtol(p + 27, NULL, 10);
	freeReplyObject(rep);
	return n;
}

/*
 * A Redis that became a replica (a failover moved the primary away, and
 * a name such as a managed service's now names another server) answers
 * writes with READONLY: the worker connects again at the next command,
 * looking the name up again, rather than stay on the replica for good.
 */
static void
t_redis_readonly(struct store *s, int port)
{
	long	 before;

	before = redis_conns(port);
	freeReplyObject(redis_do(port, "REPLICAOF 127.0.0.1 1"));
	is_int(store_claim(s, "ro-a", "1", 60), STORE_DOWN, "redis: a "
	    "replica answers READONLY: STORE_DOWN");
	freeReplyObject(redis_do(port, "REPLICAOF NO ONE"));
	is_int(store_claim(s, "ro-b", "1", 60), STORE_OK, "redis: a primary "
	    "again: served");
	/* redis_conns twice, REPLICAOF twice, and the store's new one */
	is_int(redis_conns(port) - before, 4, "redis: ... on a new "
	    "connection, opened after READONLY");
}

/*
 * A Redis that takes connections and never answers (a hung server, or
 * one behind a dead load balancer): each connection costs a worker a
 * timeout and a log line.  After one fails, the worker waits a second
 * before it tries again, answering STORE_DOWN meanwhile.  The listener
 * accepts nothing: the kernel completes each connection into its
 * backlog, where they are counted afterwards.
 */
static void
t_redis_pause(void)
{
	struct sockaddr_in	 a;
	socklen_t		 len = sizeof(a);
	char			 addr[64], v[STORE_VALUE_MAX + 1];
	const char		*vars[] = { "MCP_STORE=redis", addr,
	    "MCP_STORE_TIMEOUT_MS=20", NULL };
	struct store		*s;
	struct cfg		 cfg;
	int			 l = socket(AF_INET, SOCK_STREAM, 0), c, i, n;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) == -1 ||
	    listen(l, 64) == -1 || fcntl(l, F_SETFL, O_NONBLOCK) == -1 ||
	    getsockname(l, (struct sockaddr *)&a, &len) == -1)
		abort();
	snprintf(addr, sizeof(addr), "MCP_REDIS_ADDRESS=127.0.0.1:%d",
	    ntohs(a.sin_port));
	if (opened(vars, &cfg, &s, "redis: a silent server's") == -1)
		goto out;
	for (i = 0, n = 0; i < 5; i++)
		n += store_get(s, "silent", v) == STORE_DOWN;
	is_int(n, 5, "redis: a server that never answers: STORE_DOWN");
	for (n = 0; (c = accept(l, NULL, NULL)) != -1; n++)
		close(c);
	is_int(n, 1, "redis: ... five requests made one connection, not "
	    "one each");
	usleep(1100 * 1000);
	is_int(store_get(s, "silent", v), STORE_DOWN, "redis: a second "
	    "later: tried again");
	for (n = 0; (c = accept(l, NULL, NULL)) != -1; n++)
		close(c);
	is_int(n, 1, "redis: ... on a new connection");
	store_close(s);
	cfg_free(&cfg);
out:
	close(l);
}

/* Redis's memory settings, then its clients dropped: they connect again. */
static void
redis_memory(int port, const char *max, const char *policy)
{
	char	 cmd[128];

	snprintf(cmd, sizeof(cmd), "CONFIG SET maxmemory %s", max);
	freeReplyObject(redis_do(port, cmd));
	snprintf(cmd, sizeof(cmd), "CONFIG SET maxmemory-policy %s", policy);
	freeReplyObject(redis_do(port, cmd));
	freeReplyObject(redis_do(port, "CLIENT KILL TYPE normal"));
}

static void
t_redis(void)
{
	char		 addr[64], v[STORE_VALUE_MAX + 1];
	const char	*vars[] = { "MCP_STORE=redis", addr,
	    "MCP_STORE_TIMEOUT_MS=300", NULL };
	struct store	*s;
	struct cfg	 cfg;
	char		*cause = NULL;
	pid_t		 pid;
	int		 port;

	if (system("command -v redis-server >/dev/null 2>&1") != 0) {
		ok(1, "# SKIP redis-server is not installed");
		return;
	}
	port = free_port();
	snprintf(addr, sizeof(addr), "MCP_REDIS_ADDRESS=127.0.0.1:%d", port);
	pid = redis_start(port);
	cfg = config(vars);
	ok(store_open(&cfg, &s, &cause) == 0, "redis: opened");
	is_str(store_name(s), "redis", "redis: the Redis back end");
	t_semantics(s, "redis");
	t_race(vars, "redis");
	t_incr_race(vars, "redis");
	t_redis_resend(s, port);
	t_redis_readonly(s, port);
	t_redis_resent_claim(port);
	t_redis_pause();

	store_claim(s, "kept", "1", 600);
	redis_stop(pid);
	is_int(store_claim(s, "while-down", "1", 60), STORE_DOWN, "redis: "
	    "stopped: a claim is STORE_DOWN (fail closed)");
	is_int(store_get(s, "kept", v), STORE_DOWN, "redis: stopped: a get "
	    "is STORE_DOWN, not STORE_MISSING");
	pid = redis_start(port);
	usleep(1100 * 1000);	/* the pause after a failed connection */
	is_int(store_claim(s, "while-down", "1", 60), STORE_OK, "redis: "
	    "started again: the worker reconnects by itself");

	/*
	 * A Redis that may evict keys (maxmemory with an LRU policy, the
	 * default of many managed ones) would forget a used refresh token
	 * under a flood of other keys: refused, checked on each connection
	 * (CLIENT KILL makes the worker connect again).
	 */
	redis_memory(port, "64mb", "volatile-lru");
	is_int(store_claim(s, "evicting", "1", 60), STORE_DOWN, "redis: "
	    "maxmemory-policy volatile-lru: STORE_DOWN (fail closed)");
	redis_memory(port, "64mb", "noeviction");
	usleep(1100 * 1000);
	is_int(store_claim(s, "evicting", "1", 60), STORE_OK, "redis: "
	    "noeviction: served again");
	redis_memory(port, "0", "allkeys-lru");
	is_int(store_claim(s, "no-limit", "1", 60), STORE_OK, "redis: an "
	    "LRU policy without maxmemory evicts nothing: served");
	store_close(s);
	cfg_free(&cfg);
	redis_stop(pid);

	/* down at start-up is not fatal: every request tries again */
	cfg = config(vars);
	ok(store_open(&cfg, &s, &cause) == 0 && store_claim(s, "x", "1",
	    60) == STORE_DOWN, "redis: not running at start: opens, answers "
	    "STORE_DOWN");
	store_close(s);
	cfg_free(&cfg);
}

/*
 * The child of t_lmdb_full_fs, in a tmpfs of its own: 0 when counting,
 * once the file system is full, is STORE_DOWN (at once, or when the
 * file's free pages are used up), with what was counted before still
 * readable, also by a worker that starts then; 77 when no namespace can
 * be made.
 */
static int
full_fs_child(void)
{
	char		 dir[] = "/tmp/t_store_fs.XXXXXX", path[128], key[32];
	char		 var[128], v[STORE_VALUE_MAX + 1], chunk[65536];
	char		*env[] = { "MCP_STORE=local", var, NULL };
	struct store_ctr c = { key, 600, 1, 0 };
	struct store	*s;
	struct cfg	 cfg;
	char		*cause = NULL;
	int		 fd, i;

	if (unshare(CLONE_NEWNS) == -1 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1 ||
	    mkdtemp(dir) == NULL ||
	    mount("t_store", dir, "tmpfs", 0, "size=3m") == -1)
		return 77;
	/* mcp.fcgi's variables: MCP_RATE_LIMIT_PATH is one */
	snprintf(var, sizeof(var), "MCP_RATE_LIMIT_PATH=%s/c.lmdb", dir);
	if (cfg_load(&cfg, PROG_MCP, env, stderr) == -1 ||
	    strncmp(cfg.rate_limit_path, dir, strlen(dir)) != 0 ||
	    store_open_counters(&cfg, STORE_CTR_CALLS, &s, &cause) == -1)
		return 2;
	snprintf(key, sizeof(key), "before");
	if (store_incr(s, &c, 1) != STORE_OK)
		return 8;
	snprintf(path, sizeof(path), "%s/fill", dir);
	memset(chunk, 'x', sizeof(chunk));
	if ((fd = open(path, O_WRONLY | O_CREAT, 0600)) == -1)
		return 3;
	while (write(fd, chunk, sizeof(chunk)) > 0)
		;
	close(fd);
	for (i = 0; i < 1000000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		if (store_incr(s, &c, 1) != STORE_OK)
			break;
	}
	if (i == 1000000)
		return 4;	/* never full */
	if (store_get(s, "before", v) != STORE_OK || strcmp(v, "1") != 0)
		return 5;
	/* a worker started now opens the file, and reads it */
	store_close(s);
	if (store_open_counters(&cfg, STORE_CTR_CALLS, &s, &cause) == -1)
		return 6;
	if (store_get(s, "before", v) != STORE_OK)
		return 7;
	store_close(s);
	cfg_free(&cfg);
	return 0;
}

/*
 * A full /dev/shm makes counting STORE_DOWN (and MCP_RATE_LIMIT_FAIL
 * decides), never kills the worker: written through its mapping
 * (MDB_WRITEMAP), a page first written in a hole of a full file system
 * would be SIGBUS.
 */
static void
t_lmdb_full_fs(void)
{
	pid_t	 pid;
	int	 st = 0;

	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(full_fs_child());
	waitpid(pid, &st, 0);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 77) {
		ok(1, "# SKIP no private mount namespace here");
		return;
	}
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "lmdb: counters on a file "
	    "system that fills up: counted, then STORE_DOWN, never SIGBUS "
	    "(exit %d, signal %d)", WIFEXITED(st) ? WEXITSTATUS(st) : -1,
	    WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

int
main(void)
{
	char	 dir[] = "/tmp/t_store.XXXXXX", cmd[64];

	if (mkdtemp(dir) == NULL)
		return 1;
	t_lmdb(dir);
	t_lmdb_stale_reader(dir);
	t_lmdb_full_fs();
	t_redis();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return done_testing();
}
