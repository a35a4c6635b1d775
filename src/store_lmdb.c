/* SPDX-License-Identifier: ISC */
/*
 * store_lmdb: MCP_STORE=local, an LMDB file shared by the workers of the
 * host.  LMDB serialises writers with a robust process-shared mutex and
 * never leaves a half-written transaction, so a worker killed with -9
 * anywhere costs nothing but its own request.
 *
 * Two tables: "k" maps a key to its expiry (8 bytes) and value; "x" maps
 * big-endian expiry + key to nothing, so the expired entries are the
 * first rows of "x" and every write removes a few of them.
 *
 * LMDB copies pages on write, so even a delete needs free pages: a file
 * filled to the last page could never be emptied.  New entries are
 * therefore refused (STORE_DOWN) once the trees use FULL_PERCENT of the
 * map, which leaves the room that purging needs.
 *
 * Counters (store_incr) are entries whose value is a decimal integer.
 * The counters' file (store_open_counters: rate limits) is opened with
 * MDB_NOSYNC: a commit writes its pages and makes no fdatasync (2.7 to 8
 * ms on the ext4 disk this was measured on), about 9 us for a count.
 * Not MDB_WRITEMAP, which would take a third of that: LMDB would write
 * the pages through its mapping of a file it made as long as the map, and
 * a page first written in a hole when the file system is full (anyone
 * can fill /dev/shm) is SIGBUS in the worker, where write() says ENOSPC
 * (STORE_DOWN).  Allocating the file ahead of LMDB is no cure: on tmpfs a
 * fallocate that fails gives back every page it covers that was never
 * written, another worker's allocated pages among them.  A crash
 * of a process loses nothing; a crash of the system may lose or damage
 * that file, whose counts last a minute or an hour: it lives in /dev/shm
 * by default, gone at boot, and never holds what must be remembered.
 * Each kind of counters has a default file of its own (file_of).
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lmdb.h>

#include "log.h"
#include "store_be.h"
#include "util.h"

#define PURGE_PER_WRITE	32	/* expired entries removed by each write */
#define FULL_PERCENT	75
#define LOCK_PREALLOC	((off_t)64 << 10) /* a new lock file's blocks */

struct lmdb_store {
	MDB_env		*env;
	MDB_dbi		 keys;		/* "k" */
	MDB_dbi		 byexp;		/* "x" */
	size_t		 pages;		/* in the whole map */
	int		 lockfd;	/* lock_file's: closed last */
	char		*path;
	int		 last_rc;	/* LMDB's error of the last failure */
	int64_t		 full_warned;	/* "full" last logged */
};

static void
be64(unsigned char *p, int64_t v)
{
	int	 i;

	for (i = 7; i >= 0; i--, v = (int64_t)((uint64_t)v >> 8))
		p[i] = (unsigned char)(v & 0xff);
}

static int64_t
from_be64(const unsigned char *p)
{
	uint64_t	 v = 0;
	int		 i;

	for (i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return (int64_t)v;
}

static enum store_res
failed(struct lmdb_store *l, const char *what, int rc)
{
	l->last_rc = rc;
	log_msg(LOGL_ERROR, "store: %s: %s: %s%s", l->path, what,
	    mdb_strerror(rc), rc == MDB_MAP_FULL ? " (raise MCP_STORE_SIZE)" :
	    "");
	return STORE_DOWN;
}

/*
 * After a failure: can the operation be tried once more?  A worker killed
 * inside a transaction leaves its reader slot behind (mdb_env_open clears
 * such slots, so they stay until a program starts again): its snapshot
 * keeps every page freed since from being reused, so the file fills
 * (MDB_MAP_FULL) however few entries are live, and the slots run out
 * (MDB_READERS_FULL).  mdb_reader_check frees the slots of dead
 * processes.  A map made larger by another program (MDB_MAP_RESIZED) is
 * taken at its new size.
 */
static int
recovered(struct lmdb_store *l)
{
	int	 dead = 0;

	switch (l->last_rc) {
	case MDB_MAP_RESIZED:
		return mdb_env_set_mapsize(l->env, 0) == 0;
	case MDB_MAP_FULL:
	case MDB_READERS_FULL:
		if (mdb_reader_check(l->env, &dead) != 0 || dead == 0)
			return 0;
		log_msg(LOGL_WARN, "store: %s: cleared %d reader slot%s of "
		    "killed processes", l->path, dead, dead == 1 ? "" : "s");
		return 1;
	default:
		return 0;
	}
}

/*
 * The expiry of a live entry of "k" in *until, or 0 (absent, expired):
 * 0, or LMDB's error.  Only "not found" is absence: a read that failed
 * must not pass for a code or a refresh token never used.
 */
static int
live_until(MDB_txn *txn, struct lmdb_store *l, const char *key, int64_t now,
    MDB_val *data, int64_t *until)
{
	MDB_val	 k = { strlen(key), (void *)key };
	int	 rc;

	*until = 0;
	if ((rc = mdb_get(txn, l->keys, &k, data)) == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	if (data->mv_size < 8)
		return MDB_CORRUPTED;
	if ((*until = from_be64(data->mv_data)) <= now)
		*until = 0;
	return 0;
}

/* Do the trees use more than FULL_PERCENT of the map? */
static int
nearly_full(MDB_txn *txn, struct lmdb_store *l)
{
	MDB_stat	 st;
	size_t		 used = 0;
	MDB_dbi		 dbi[3] = { 1 /* LMDB's MAIN_DBI */, l->keys,
	    l->byexp };
	int		 i;

	for (i = 0; i < 3; i++)
		if (mdb_stat(txn, dbi[i], &st) == 0)
			used += st.ms_branch_pages + st.ms_leaf_pages +
			    st.ms_overflow_pages;
	return used * 100 > l->pages * FULL_PERCENT;
}

/* Remove up to `max` expired entries, oldest first. */
static int
purge(MDB_txn *txn, struct lmdb_store *l, int64_t now, int max)
{
	MDB_cursor	*c;
	MDB_val		 x, none, k, d;
	int		 rc, n = 0;

	if ((rc = mdb_cursor_open(txn, l->byexp, &c)) != 0)
		return rc;
	while (n++ < max && (rc = mdb_cursor_get(c, &x, &none,
	    MDB_FIRST)) == 0 && x.mv_size > 8 &&
	    from_be64(x.mv_data) <= now) {
		k.mv_size = x.mv_size - 8;
		k.mv_data = (unsigned char *)x.mv_data + 8;
		/* the key may have been claimed again since, with a new expiry */
		if (mdb_get(txn, l->keys, &k, &d) == 0 && d.mv_size >= 8 &&
		    memcmp(d.mv_data, x.mv_data, 8) == 0 &&
		    (rc = mdb_del(txn, l->keys, &k, NULL)) != 0)
			break;
		if ((rc = mdb_cursor_del(c, 0)) != 0)
			break;
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND || rc == 0 ? 0 : rc;
}

/*
 * Set `key` = `val` until `until`, in both tables; `old` is the expiry of
 * the live entry it replaces (0: none), whose index row goes unless it
 * stays the same.
 */
static int
put_row(MDB_txn *txn, struct lmdb_store *l, const char *key, const char *val,
    int64_t until, int64_t old)
{
	unsigned char	 xk[8 + STORE_KEY_MAX], dv[8 + STORE_VALUE_MAX];
	MDB_val		 k, d, x, none = { 0, NULL };
	size_t		 kn = strlen(key), vn = strlen(val);
	int		 rc;

	memcpy(xk + 8, key, kn);
	x.mv_size = 8 + kn;
	x.mv_data = xk;
	if (old != 0 && old != until) {
		be64(xk, old);
		if ((rc = mdb_del(txn, l->byexp, &x, NULL)) != 0 &&
		    rc != MDB_NOTFOUND)
			return rc;
	}
	be64(dv, until);
	memcpy(dv + 8, val, vn);
	k.mv_size = kn;
	k.mv_data = (void *)key;
	d.mv_size = 8 + vn;
	d.mv_data = dv;
	if ((rc = mdb_put(txn, l->keys, &k, &d, 0)) != 0 || old == until)
		return rc;
	memcpy(xk, dv, 8);
	return mdb_put(txn, l->byexp, &x, &none, 0);
}

/*
 * Write `key` = `val` until now + ttl, unless `only_new` and a live entry
 * is there.  One write transaction: two workers claiming the same key are
 * serialised by LMDB, and exactly one sees it absent.
 */
static enum store_res
write_once(struct lmdb_store *l, const char *key, const char *val,
    int64_t ttl, int only_new)
{
	MDB_txn		*txn;
	MDB_val		 d;
	int64_t		 now = util_now_unix(), old;
	int		 rc;

	if ((rc = mdb_txn_begin(l->env, NULL, 0, &txn)) != 0)
		return failed(l, "write", rc);
	if ((rc = purge(txn, l, now, PURGE_PER_WRITE)) != 0)
		goto fail;
	if ((rc = live_until(txn, l, key, now, &d, &old)) != 0)
		goto fail;
	/* refused or full: the purge above is still worth keeping */
	if (old != 0 && only_new) {
		if ((rc = mdb_txn_commit(txn)) != 0)
			return failed(l, "commit", rc);
		return STORE_EXISTS;
	}
	if (old == 0 && nearly_full(txn, l)) {
		mdb_txn_commit(txn);
		return failed(l, "write", MDB_MAP_FULL);
	}
	if ((rc = put_row(txn, l, key, val, now + ttl, old)) != 0)
		goto fail;
	if ((rc = mdb_txn_commit(txn)) != 0)
		return failed(l, "commit", rc);
	return STORE_OK;
fail:
	mdb_txn_abort(txn);
	return failed(l, "write", rc);
}

/* The integer a counter's row holds; 0 for anything else. */
static int64_t
count_of(const MDB_val *d)
{
	const char	*p = (const char *)d->mv_data + 8;
	size_t		 n = d->mv_size - 8, i = 0;
	int64_t		 v = 0;
	int		 neg = n > 0 && p[0] == '-';

	if (n > 19)
		return 0;
	for (i = neg; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		v = v * 10 + (p[i] - '0');
	}
	return neg ? -v : v;
}

/*
 * Every counter in one write transaction: the workers' additions are
 * serialised by LMDB, so none is lost, and a counter keeps the expiry it
 * was created with.  A new counter in a nearly full file ends the
 * transaction with nothing written (STORE_FULL), unless `partial`: then
 * the counters there are written and the new ones get a count of -1.
 */
static enum store_res
incr_once(struct lmdb_store *l, struct store_ctr *c, size_t n, int partial)
{
	MDB_txn			*txn;
	MDB_val			 d;
	int64_t			 now = util_now_unix(), until;
	char			 num[24];
	size_t			 i;
	int			 rc, full = 0;

	if ((rc = mdb_txn_begin(l->env, NULL, 0, &txn)) != 0)
		return failed(l, "write", rc);
	if ((rc = purge(txn, l, now, PURGE_PER_WRITE)) != 0)
		goto fail;
	for (i = 0; i < n; i++) {
		c[i].count = c[i].delta;
		if ((rc = live_until(txn, l, c[i].key, now, &d, &until)) != 0)
			goto fail;
		if (until != 0)
			c[i].count += count_of(&d);
		else if (nearly_full(txn, l)) {
			c[i].count = -1;
			full = 1;
			if (partial)
				continue;
			/* none of it, but what purge removed goes */
			mdb_txn_abort(txn);
			if (mdb_txn_begin(l->env, NULL, 0, &txn) == 0) {
				if (purge(txn, l, now, PURGE_PER_WRITE) == 0)
					mdb_txn_commit(txn);
				else
					mdb_txn_abort(txn);
			}
			l->last_rc = MDB_MAP_FULL;
			return STORE_FULL;
		}
		snprintf(num, sizeof(num), "%lld", (long long)c[i].count);
		if ((rc = put_row(txn, l, c[i].key, num, until != 0 ? until :
		    now + c[i].ttl, until)) != 0)
			goto fail;
	}
	if ((rc = mdb_txn_commit(txn)) != 0)
		return failed(l, "commit", rc);
	return full ? STORE_FULL : STORE_OK;
fail:
	mdb_txn_abort(txn);
	return failed(l, "write", rc);
}

static enum store_res
write_entry(struct lmdb_store *l, const char *key, const char *val,
    int64_t ttl, int only_new)
{
	enum store_res	 res = write_once(l, key, val, ttl, only_new);

	if (res == STORE_DOWN && recovered(l))
		res = write_once(l, key, val, ttl, only_new);
	return res;
}

/*
 * A full file may be the work of a killed worker's reader slot
 * (recovered); if not, the counters there still count, so that a file
 * filled by new keys does not stop the limits of those already in it.
 */
static enum store_res
lmdb_incr(void *p, struct store_ctr *c, size_t n)
{
	struct lmdb_store	*l = p;
	enum store_res		 res = incr_once(l, c, n, 0);
	int64_t			 now;

	if ((res == STORE_DOWN || res == STORE_FULL) && recovered(l))
		res = incr_once(l, c, n, 0);
	if (res != STORE_FULL)
		return res;
	if ((now = util_now_unix()) - l->full_warned >= 60) {
		log_msg(LOGL_ERROR, "store: %s: full: no new counters (raise "
		    "MCP_STORE_SIZE)", l->path);
		l->full_warned = now;
	}
	return incr_once(l, c, n, 1);
}

static enum store_res
lmdb_claim(void *p, const char *key, const char *val, int64_t ttl)
{
	return write_entry(p, key, val, ttl, 1);
}

static enum store_res
lmdb_put(void *p, const char *key, const char *val, int64_t ttl)
{
	return write_entry(p, key, val, ttl, 0);
}

static enum store_res
get_once(struct lmdb_store *l, const char *key, char *val)
{
	MDB_txn			*txn;
	MDB_val			 d;
	enum store_res		 res = STORE_MISSING;
	int64_t			 until;
	int			 rc;

	if ((rc = mdb_txn_begin(l->env, NULL, MDB_RDONLY, &txn)) != 0)
		return failed(l, "read", rc);
	if ((rc = live_until(txn, l, key, util_now_unix(), &d, &until)) != 0)
		res = failed(l, "read", rc);
	else if (until != 0 && d.mv_size - 8 <= STORE_VALUE_MAX) {
		memcpy(val, (unsigned char *)d.mv_data + 8, d.mv_size - 8);
		val[d.mv_size - 8] = '\0';
		res = STORE_OK;
	} else if (until != 0)
		/* longer than any value written here: not ours to read, and
		 * not absent either (a revoked family would pass) */
		res = failed(l, "read", MDB_CORRUPTED);
	mdb_txn_abort(txn);
	return res;
}

static enum store_res
lmdb_get(void *p, const char *key, char *val)
{
	enum store_res	 res = get_once(p, key, val);

	if (res == STORE_DOWN && recovered(p))
		res = get_once(p, key, val);
	return res;
}

static enum store_res
del_once(struct lmdb_store *l, const char *key)
{
	MDB_txn			*txn;
	MDB_val			 k = { strlen(key), (void *)key };
	int			 rc;

	if ((rc = mdb_txn_begin(l->env, NULL, 0, &txn)) != 0)
		return failed(l, "write", rc);
	/* its "x" row stays and is purged when it expires */
	if ((rc = mdb_del(txn, l->keys, &k, NULL)) != 0 && rc != MDB_NOTFOUND) {
		mdb_txn_abort(txn);
		return failed(l, "delete", rc);
	}
	if ((rc = mdb_txn_commit(txn)) != 0)
		return failed(l, "commit", rc);
	return STORE_OK;
}

static enum store_res
lmdb_del(void *p, const char *key)
{
	enum store_res	 res = del_once(p, key);

	if (res == STORE_DOWN && recovered(p))
		res = del_once(p, key);
	return res;
}

static void
lmdb_close(void *p)
{
	struct lmdb_store	*l = p;

	if (l == NULL)
		return;
	if (l->env != NULL)
		mdb_env_close(l->env);
	if (l->lockfd != -1)
		close(l->lockfd);
	free(l->path);
	free(l);
}

/*
 * The file and its lock file must be ours and writable by nobody else,
 * checked before LMDB opens them (it follows symbolic links and creates
 * what is missing): under a shared directory such as /var/tmp or
 * /dev/shm another user could have made them first, or made them links
 * to a file of ours that LMDB would then overwrite.  Made here when
 * absent, so what LMDB opens is ours, and the directory's sticky bit
 * keeps it so.
 */
static int
owned(const char *var, const char *path, char **cause)
{
	struct stat	 sb;
	int		 fd;

	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1 && errno == EEXIST)
		fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1) {
		xasprintf(cause, "%s: %s: %s", var, path, errno == ELOOP ?
		    "a symbolic link; remove it or choose another path" :
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_uid != geteuid() || (sb.st_mode & 022) != 0) {
		xasprintf(cause, "%s: %s belongs to another user, is not a "
		    "plain file or is writable by others; remove it or "
		    "choose another path", var, path);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static const struct store_ops lmdb_ops = {
	lmdb_claim, lmdb_put, lmdb_get, lmdb_del, lmdb_incr, lmdb_close,
};

/*
 * The file: the variable's value, else one per user in /var/tmp (the
 * counters' in /dev/shm, memory, where there is one, and one file for
 * each kind of counters, so that browser addresses, which an attacker
 * can have many of, cannot fill the file that limits tools/call).
 */
static char *
file_of(const struct cfg *cfg, const char *counters, const char **var)
{
	struct stat	 sb;
	char		*path;

	*var = counters ? "MCP_RATE_LIMIT_PATH" : "MCP_STORE_PATH";
	if (counters == NULL && cfg->store_path != NULL)
		path = xstrdup(cfg->store_path);
	else if (counters == NULL)
		xasprintf(&path, "/var/tmp/fcgi-mcp-%ld.lmdb",
		    (long)geteuid());
	else if (cfg->rate_limit_path != NULL &&
	    strcmp(counters, STORE_CTR_CALLS) == 0)
		path = xstrdup(cfg->rate_limit_path);
	/* one variable for every program: the OAuth endpoints' address
	 * counters, which anyone can multiply, go beside its file */
	else if (cfg->rate_limit_path != NULL)
		xasprintf(&path, "%s-%s", cfg->rate_limit_path, counters);
	else
		xasprintf(&path, "%s/fcgi-mcp-%ld-%s.lmdb",
		    stat("/dev/shm", &sb) == 0 && S_ISDIR(sb.st_mode) ?
		    "/dev/shm" : "/var/tmp", (long)geteuid(), counters);
	return path;
}

/*
 * LMDB sizes its lock file (the readers' table), maps it, and writes its
 * header and a reader's slot into it: a page that is still a hole,
 * written when the file system is full (anyone can fill /dev/shm), is
 * SIGBUS in that worker.  So the file gets its blocks: a new one before
 * LMDB sizes it (`before`: blocks past its end, which its ftruncate then
 * takes), and whatever LMDB made it after.  The descriptor stays open
 * until LMDB is closed: closing any descriptor of a file drops every
 * fcntl lock the process holds on it, LMDB's among them, and the next
 * program to open the file would take itself for the first and set the
 * locks up again under the workers' feet.
 */
static int
lock_file(struct lmdb_store *l, const char *lock, int before, char **cause)
{
	struct stat	 st;

	if (l->lockfd == -1 &&
	    (l->lockfd = open(lock, O_RDWR | O_NOFOLLOW | O_CLOEXEC)) == -1)
		goto fail;
	if (fstat(l->lockfd, &st) == -1)
		goto fail;
	if (before && st.st_size == 0)
		errno = util_allocate(l->lockfd, 0, LOCK_PREALLOC, 1);
	else if (!before)
		errno = util_allocate(l->lockfd, 0, st.st_size, 0);
	else
		errno = 0;
	if (errno == 0)
		return 0;
fail:
	xasprintf(cause, "%s: cannot allocate it: %s", lock, strerror(errno));
	return -1;
}

int
store_lmdb_open(const struct cfg *cfg, const char *counters,
    const struct store_ops **ops, void **bep, char **cause)
{
	struct lmdb_store	*l = xcalloc(1, sizeof(*l));
	MDB_txn			*txn;
	MDB_stat		 est;
	const char		*var;
	char			*lock = NULL;
	int			 rc, dead;

	l->lockfd = -1;
	l->path = file_of(cfg, counters, &var);
	xasprintf(&lock, "%s-lock", l->path);
	if (owned(var, l->path, cause) == -1 ||
	    owned(var, lock, cause) == -1 ||
	    lock_file(l, lock, 1, cause) == -1)
		goto fail;
	if ((rc = mdb_env_create(&l->env)) != 0 ||
	    (rc = mdb_env_set_maxdbs(l->env, 2)) != 0 ||
	    (rc = mdb_env_set_mapsize(l->env,
	    (size_t)cfg->store_size << 20)) != 0 ||
	    (rc = mdb_env_open(l->env, l->path, MDB_NOSUBDIR |
	    (counters != NULL ? MDB_NOSYNC : 0), 0600)) != 0)
		goto dberr;
	if (lock_file(l, lock, 0, cause) == -1)
		goto fail;
	mdb_env_stat(l->env, &est);
	l->pages = ((size_t)cfg->store_size << 20) / est.ms_psize;
	/* readers left behind by workers that were killed */
	mdb_reader_check(l->env, &dead);
	if ((rc = mdb_txn_begin(l->env, NULL, 0, &txn)) != 0)
		goto dberr;
	if ((rc = mdb_dbi_open(txn, "k", MDB_CREATE, &l->keys)) != 0 ||
	    (rc = mdb_dbi_open(txn, "x", MDB_CREATE, &l->byexp)) != 0) {
		mdb_txn_abort(txn);
		goto dberr;
	}
	if ((rc = mdb_txn_commit(txn)) != 0)
		goto dberr;
	free(lock);
	*ops = &lmdb_ops;
	*bep = l;
	return 0;
dberr:
	xasprintf(cause, "%s: %s: %s", var, l->path, mdb_strerror(rc));
fail:
	free(lock);
	lmdb_close(l);
	return -1;
}
