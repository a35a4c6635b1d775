/* SPDX-License-Identifier: ISC */
/*
 * breaker: the circuit breaker, the concurrency cap and the retry rule
 * for calls to the API (see breaker.h).
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "breaker.h"
#include "log.h"
#include "shm.h"
#include "upstream.h"
#include "util.h"

#define BRK_MAGIC	0x42524b31	/* "BRK1" */
#define BRK_VERSION	2	/* 2: a slot holds a pid and its start */

/* One API.  key 0: a free entry; an entry once claimed stays its API's. */
struct brk_api {
	uint64_t	key;		/* FNV-1a of the origin, never 0 */
	uint32_t	failures;	/* in a row, from every worker */
	uint32_t	pad;
	int64_t		open_until;	/* 0: closed; else unix time */
	int64_t		probe_until;	/* a probe is out until then */
};

/*
 * A slot holds its holder: the pid in the low 32 bits, the low 32 bits
 * of the process's start (clock ticks since boot, /proc/PID/stat) above:
 * a holder killed with -9 whose pid has gone to another process (or a
 * pid of another PID namespace) is then still seen to be gone.  0: free.
 */
struct brk_state {
	struct brk_api	apis[BRK_APIS];
	uint64_t	slots[BRK_SLOTS_MAX];
};

static struct {
	struct shm_region	 region;
	struct brk_state	*st;		/* NULL: nothing shared */
	uint32_t		 threshold;	/* 0: no breaker */
	int64_t			 open_s;
	int64_t			 probe_s;	/* a probe's longest call */
	int			 slots;		/* 0: no cap */
	int32_t			 pid;		/* ours */
	uint64_t		 me;		/* ours: a slot's holder */
	int			 atfork;	/* brk_forked registered */
	char			*retry;		/* ",GET,HEAD," */
} bs;

/*
 * When process `pid` (0: this one) started (field 22 of /proc/PID/stat,
 * clock ticks since boot), in 32 bits; 0 when there is no such process
 * (or no /proc), -1 when it cannot be told (out of descriptors, say).
 * This one's through /proc/self: in a PID namespace of its own,
 * /proc/getpid() may be another process.
 */
static int64_t
proc_start(int32_t pid)
{
	char			 path[48], st[1024], *p;
	ssize_t			 n;
	int			 fd, field;

	if (pid == 0)
		snprintf(path, sizeof(path), "/proc/self/stat");
	else
		snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return errno == ENOENT || errno == ESRCH ? 0 : -1;
	n = read(fd, st, sizeof(st) - 1);
	close(fd);
	if (n <= 0)	/* ESRCH: gone since the open */
		return n == -1 && errno == ESRCH ? 0 : -1;
	st[n] = '\0';
	/* the name (field 2) may hold anything: count after its ')' */
	if ((p = strrchr(st, ')')) == NULL)
		return -1;
	for (field = 2; field < 22 && p != NULL; field++)
		p = strchr(p + 1, ' ');
	return p != NULL ? (int64_t)(uint32_t)strtoull(p + 1, NULL, 10) : -1;
}

static void
brk_me(void)
{
	int64_t	 start = proc_start(0);

	bs.pid = (int32_t)getpid();
	bs.me = (uint64_t)(start > 0 ? start : 0) << 32 | (uint32_t)bs.pid;
}

static void
brk_forked(void)
{
	brk_me();
}

/* ",GET,HEAD," from "GET, head": methods are tokens of letters. */
static int
retry_methods(const char *list, char **out, char **cause)
{
	struct buf	 b;
	const char	*p;
	size_t		 n;

	buf_init(&b);
	buf_putc(&b, ',');
	for (p = list; *p != '\0'; p += n) {
		p += strspn(p, ", \t");
		if ((n = strcspn(p, ", \t")) == 0)
			break;
		if (n > 16 || strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz") < n) {
			xasprintf(cause, "MCP_API_RETRY_METHODS: '%.*s' is "
			    "not an HTTP method", (int)(n > 16 ? 16 : n), p);
			buf_free(&b);
			return -1;
		}
		for (size_t i = 0; i < n; i++)
			buf_putc(&b, (char)(p[i] >= 'a' && p[i] <= 'z' ?
			    p[i] - 'a' + 'A' : p[i]));
		buf_putc(&b, ',');
	}
	*out = buf_release(&b);
	return 0;
}

static char *
default_path(void)
{
	char	*p;

	xasprintf(&p, "/dev/shm/fcgi-mcp-api-%lu",
	    (unsigned long)geteuid());
	return p;
}

int
brk_init(const struct cfg *cfg, char **cause)
{
	char	*path = NULL;
	int	 rc = -1;

	brk_fini();
	bs.threshold = (uint32_t)cfg->api_breaker_failures;
	bs.open_s = cfg->api_breaker_open;
	bs.probe_s = cfg->api_timeout + 1;
	bs.slots = (int)cfg->api_max_concurrent;
	if (retry_methods(cfg->api_retry_methods, &bs.retry, cause) == -1)
		goto out;
	if (bs.threshold == 0 && bs.slots == 0) {
		rc = 0;		/* nothing to share */
		goto out;
	}
	if (cfg->api_state_file != NULL && cfg->api_state_file[0] != '\0') {
		if (shm_attach(cfg->api_state_file, sizeof(struct brk_state),
		    BRK_MAGIC, BRK_VERSION, &bs.region, cause) == -1) {
			char	*why = *cause;

			xasprintf(cause, "MCP_API_STATE_FILE: %s", why);
			free(why);
			goto out;
		}
	} else {
		path = default_path();
		if (shm_attach(path, sizeof(struct brk_state), BRK_MAGIC,
		    BRK_VERSION, &bs.region, cause) == -1) {
			struct stat	 sb;

			/* a file there refused (another user's): refuse to
			 * start rather than let a cap become one per worker */
			if (stat("/dev/shm", &sb) == 0 && S_ISDIR(sb.st_mode)) {
				char	*why = *cause;

				xasprintf(cause, "MCP_API_STATE_FILE (default): "
				    "%s", why);
				free(why);
				goto out;
			}
			/* no /dev/shm: each worker counts for itself */
			log_msg(LOGL_WARN, "the API's breaker and cap: %s; "
			    "each worker keeps its own (set "
			    "MCP_API_STATE_FILE)", *cause);
			free(*cause);
			*cause = NULL;
			if (shm_private(sizeof(struct brk_state), BRK_MAGIC,
			    BRK_VERSION, &bs.region) == -1) {
				xasprintf(cause, "the API's breaker: mmap: %s",
				    strerror(errno));
				goto out;
			}
		}
	}
	bs.st = shm_data(&bs.region);
	/* kept (getpid is a system call), and made again in a child */
	brk_me();
	if (!bs.atfork && pthread_atfork(NULL, NULL, brk_forked) == 0)
		bs.atfork = 1;
	rc = 0;
out:
	free(path);
	return rc;
}

void
brk_fini(void)
{
	shm_detach(&bs.region);
	bs.st = NULL;
	free(bs.retry);
	bs.retry = NULL;
}

/* The origin is what precedes the path: "https://api.example.com:8443". */
static uint64_t
origin_key(const char *url)
{
	const char	*p = strstr(url, "://");
	uint64_t	 h = 1469598103934665603ULL;

	p = p != NULL ? p + 3 : url;
	p += strcspn(p, "/?#");
	for (; url < p; url++) {
		h ^= (unsigned char)*url;
		h *= 1099511628211ULL;
	}
	return h != 0 ? h : 1;
}

static struct brk_api *
api_entry(uint64_t key)
{
	struct brk_api	*a;
	uint64_t	 k;
	size_t		 i;

	for (i = 0; i < BRK_APIS; i++) {
		a = &bs.st->apis[i];
		k = __atomic_load_n(&a->key, __ATOMIC_ACQUIRE);
		if (k == 0) {
			if (__atomic_compare_exchange_n(&a->key, &k, key, 0,
			    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
				return a;
			/* k is now what another worker wrote */
		}
		if (k == key)
			return a;
	}
	return NULL;
}

enum brk_verdict
brk_admit(const char *url, int64_t now, struct brk_call *c)
{
	struct brk_api	*a;
	int64_t		 until, probe;

	memset(c, 0, sizeof(*c));
	c->slot = -1;
	if (bs.st == NULL || bs.threshold == 0)
		return BRK_GO;
	if ((a = api_entry(origin_key(url))) == NULL)
		return BRK_GO;
	c->api = a;
	until = __atomic_load_n(&a->open_until, __ATOMIC_ACQUIRE);
	if (until == 0)
		return BRK_GO;
	c->failures = __atomic_load_n(&a->failures, __ATOMIC_RELAXED);
	/*
	 * A time further off than the breaker ever sets means the clock
	 * went back: over, or the API would stay refused for the step.  One
	 * second more, since another worker may have read the clock a
	 * second later than this one.
	 */
	if (now < until && until - now <= bs.open_s + 1) {
		c->retry_at = until;
		return BRK_OPEN;
	}
	/* half-open: one call, of one worker, finds out */
	probe = __atomic_load_n(&a->probe_until, __ATOMIC_ACQUIRE);
	if ((probe > now && probe - now <= bs.probe_s + 1) ||
	    !__atomic_compare_exchange_n(&a->probe_until,
	    &probe, now + bs.probe_s, 0, __ATOMIC_ACQ_REL,
	    __ATOMIC_ACQUIRE)) {
		c->retry_at = probe > now ? probe : now + 1;
		return BRK_OPEN;
	}
	c->probe = 1;
	return BRK_PROBE;
}

static int
take(uint64_t *slot, uint64_t from, uint64_t to)
{
	return __atomic_compare_exchange_n(slot, &from, to, 0,
	    __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
}

/* Is the process that took a slot as `holder` still there? */
static int
holder_alive(uint64_t holder)
{
	int32_t		 pid = (int32_t)(uint32_t)holder;
	int64_t		 start = (int64_t)(holder >> 32), now;

	if (holder == bs.me)
		return 0;	/* us: a slot this process never gave back */
	if (start == 0)		/* taken where there was no /proc */
		return kill(pid, 0) == 0 || errno != ESRCH;
	if ((now = proc_start(pid)) == -1)
		return 1;	/* cannot tell: not taken */
	return now == start;
}

/* Slots held by a process that is gone (killed with -9 during a call). */
static int
take_stale(uint64_t me)
{
	uint64_t	 holder;
	int		 i;

	for (i = 0; i < bs.slots; i++) {
		holder = __atomic_load_n(&bs.st->slots[i], __ATOMIC_RELAXED);
		if (holder == 0 || holder_alive(holder))
			continue;
		if (take(&bs.st->slots[i], holder, me)) {
			if (holder != me)
				log_msg(LOGL_WARN, "the API's concurrency "
				    "cap: slot of gone process %ld taken "
				    "back", (long)(int32_t)(uint32_t)holder);
			return i;
		}
	}
	return -1;
}

int
brk_acquire(struct brk_call *c, long wait_ms)
{
	struct timespec	 ms = { 0, 1000000L };
	uint64_t	 me = bs.me;
	long		 waited;
	int		 i;

	if (bs.st == NULL || bs.slots == 0)
		return 0;
	for (waited = 0; ; waited++) {
		for (i = 0; i < bs.slots; i++)
			if (__atomic_load_n(&bs.st->slots[i],
			    __ATOMIC_RELAXED) == 0 &&
			    take(&bs.st->slots[i], 0, me)) {
				c->slot = i;
				return 0;
			}
		/* /proc for each slot: not on every millisecond */
		if (waited % 100 == 0 && (i = take_stale(me)) != -1) {
			c->slot = i;
			return 0;
		}
		if (waited >= wait_ms)
			return -1;
		nanosleep(&ms, NULL);
	}
}

void
brk_done(struct brk_call *c, int ok, int64_t now)
{
	struct brk_api	*a = c->api;
	uint32_t	 n;
	int64_t		 zero = 0;

	if (a != NULL && ok == 1) {
		/* writes only when something changes: a healthy API's calls
		 * read the entry and leave its cache line alone */
		if (__atomic_load_n(&a->failures, __ATOMIC_RELAXED) != 0)
			__atomic_store_n(&a->failures, 0, __ATOMIC_RELAXED);
		if (__atomic_load_n(&a->open_until, __ATOMIC_RELAXED) != 0)
			__atomic_store_n(&a->open_until, 0, __ATOMIC_RELEASE);
		if (c->probe)
			__atomic_store_n(&a->probe_until, 0, __ATOMIC_RELEASE);
	} else if (a != NULL && ok == 0) {
		n = __atomic_add_fetch(&a->failures, 1, __ATOMIC_RELAXED);
		if (c->probe) {
			__atomic_store_n(&a->open_until, now + bs.open_s,
			    __ATOMIC_RELEASE);
			__atomic_store_n(&a->probe_until, 0, __ATOMIC_RELEASE);
		} else if (n >= bs.threshold &&
		    __atomic_compare_exchange_n(&a->open_until, &zero,
		    now + bs.open_s, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			log_msg(LOGL_WARN, "the API's breaker opens after %u "
			    "failures in a row, for %lld s", n,
			    (long long)bs.open_s);
	} else if (a != NULL && c->probe)
		/* a probe that never reached the API: let another try */
		__atomic_store_n(&a->probe_until, 0, __ATOMIC_RELEASE);
	if (c->slot >= 0)
		take(&bs.st->slots[c->slot], bs.me, 0);
	c->api = NULL;
	c->probe = 0;
	c->slot = -1;
}

int
brk_outcome(int err, long status)
{
	switch (err) {
	case UP_OK:
		return status == 502 || status == 503 || status == 504 ? 0 : 1;
	case UP_TIMEOUT:
	case UP_CONNECT:
	case UP_RESOLVE:
	case UP_OTHER:
		return 0;
	case UP_CANCELLED:
		/* the client left, maybe while the API was silent: that
		 * tells nothing of the API, and a client that leaves must
		 * not close the breaker or clear the failures before it */
		return -1;
	default:
		/* too large, a redirect refused: the API answered */
		return 1;
	}
}

int
brk_may_retry(const char *method)
{
	char	 pat[20];

	if (bs.retry == NULL || strlen(method) > 16)
		return 0;
	snprintf(pat, sizeof(pat), ",%s,", method);
	for (char *p = pat; *p != '\0'; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	return strstr(bs.retry, pat) != NULL;
}
