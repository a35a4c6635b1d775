/* SPDX-License-Identifier: ISC */
/*
 * metrics: Prometheus counters for every worker of every program of a
 * host, and their text exposition (format 0.0.4) at /mcp/metrics.
 *
 * Workers are separate processes (spawn-fcgi, lighttpd's max-procs,
 * mod_fcgid), so a scrape answered by one worker must see the counts of
 * all of them: the counters live in one file, mapped MAP_SHARED by every
 * program (mcp.fcgi and the four oauth-*.fcgi) at start-up.  The file is
 * MCP_METRICS_PATH, by default /dev/shm/fcgi-mcp-UID-LAYOUT.metrics
 * (memory, gone at reboot; LAYOUT is the hash below, so that two builds
 * with different layouts never share a file by default).
 *
 * The region.  A fixed-size struct met_region: a header (magic, layout
 * version, a hash of the layout's constants and label tables, its size,
 * when it was created, how many tool names are published), then uint64
 * counters only, each a fixed slot: every label value is known at
 * start-up (programs, methods, status codes, outcomes, results), tool
 * names included (below).  A counter is only ever changed with
 * __atomic_fetch_add(..., __ATOMIC_RELAXED): a worker killed with -9 at
 * any instruction has either added or not, and no lock is held on the
 * request path, so nothing can be left half-done or held.  (A histogram
 * observation is two additions, its bucket and its sum: a worker killed
 * between them leaves a sum without that one observation's time, still
 * a valid, monotonic value.)  Counters are never reset: Prometheus
 * handles restarts, and the file outlives every worker.
 *
 * Start-up is the only place that locks: flock(LOCK_EX) on the file
 * while it is created and sized (header written last) or checked, and
 * while tool names are published.  The kernel drops the lock of a
 * process that dies, so a worker killed during start-up blocks nobody.
 * A file whose magic, version, layout hash or size differ (another
 * program's file, an older fcgi-mcp, a truncated file) is refused with a
 * message that names it, and the program does not start (exit 78): it
 * may be in use by workers of another build, which re-creating it would
 * cut off from the counts without telling anyone.  A symbolic link or a
 * non-regular file is refused the same way.  The file is created mode
 * 0600 and must stay ours and not writable by others: programs that
 * share it run as one user (another user could forge the counts, or
 * change the file's size under us).
 *
 * Tool names.  mcp_init hands over the registry; under the lock each
 * name not yet in the region's table is appended (written, then the
 * count store-released), up to MET_TOOLS_MAX; a name already there
 * keeps its slot.  So workers started with different documents share
 * the table safely: each maps its own tools to slots by name, once, into
 * a per-process hash table; a scrape reads the count with acquire and
 * only the names below it, all complete.  A worker killed while
 * appending never bumped the count: the next one writes over its
 * half-written name.  Past MET_TOOLS_MAX (and a name too long) the
 * calls count as tool="(other)"; a call of an unknown tool as
 * tool="(unknown)" (no tool name can contain parentheses).
 *
 * Exposition is done by the worker that answers, from the region (not
 * the request path: it allocates).  Series of the small fixed sets
 * (token checks, fetches, rate limits) are always shown, zero or not;
 * the large ones (requests, tool calls, OAuth outcomes) once non-zero.
 * Access (met_serve): MCP_METRICS_TOKEN set: "Authorization: Bearer"
 * with that secret, compared as SHA-256 digests in constant time, from
 * anywhere (401 without one, 403 with another); unset: only from
 * REMOTE_ADDR 127.0.0.0/8 or ::1 (403 otherwise).  MCP_METRICS=off: no
 * file, every hook does nothing, /mcp/metrics is 404.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "audit.h"
#include "auth.h"
#include "metrics.h"
#include "tools.h"
#include "util.h"

#define MET_MAGIC	"FCMMETR\n"
#define MET_VERSION	1u

/* programs: the bit index of enum cfg_prog */
#define MET_PROG__MAX	5
static const char *const prog_names[MET_PROG__MAX] = {
	"mcp.fcgi", "oauth-metadata.fcgi", "oauth-authorize.fcgi",
	"oauth-register.fcgi", "oauth-token.fcgi",
};

/*
 * The method label: the JSON-RPC method for mcp.fcgi (the ones MCP
 * defines; any other name a client sends is "other": the label set stays
 * bounded), "notifications" for every notification, "batch"; the HTTP
 * method for a request without a JSON-RPC method (the OAuth programs,
 * GET /mcp, a body that did not parse).
 */
enum met_method {
	MM_INITIALIZE, MM_PING, MM_TOOLS_LIST, MM_TOOLS_CALL,
	MM_SERVER_DISCOVER, MM_LOGGING_SETLEVEL, MM_RESOURCES_LIST,
	MM_RESOURCES_TEMPLATES_LIST, MM_RESOURCES_READ, MM_PROMPTS_LIST,
	MM_PROMPTS_GET, MM_COMPLETION_COMPLETE, MM_NOTIFICATIONS, MM_BATCH,
	MM_GET, MM_HEAD, MM_POST, MM_PUT, MM_DELETE, MM_OPTIONS, MM_PATCH,
	MM_OTHER, MM__MAX
};
static const char *const method_names[MM__MAX] = {
	"initialize", "ping", "tools/list", "tools/call", "server/discover",
	"logging/setLevel", "resources/list", "resources/templates/list",
	"resources/read", "prompts/list", "prompts/get",
	"completion/complete", "notifications", "batch", "GET", "HEAD",
	"POST", "PUT", "DELETE", "OPTIONS", "PATCH", "other",
};

/* The status label: these codes exactly, any other by its class. */
static const int status_codes[] = {
	200, 202, 204, 301, 302, 303, 304, 307, 308, 400, 401, 403, 404,
	405, 406, 408, 409, 411, 413, 415, 422, 429, 500, 501, 502, 503, 504,
};
#define MET_NCODES	(sizeof(status_codes) / sizeof(status_codes[0]))
#define MET_STATUS__MAX	(MET_NCODES + 6)	/* + 1xx..5xx, other */
static const char *const status_classes[6] = {
	"1xx", "2xx", "3xx", "4xx", "5xx", "other",
};

/* fcgimcp_tool_calls_total{outcome} */
enum met_outcome {
	MO_OK,			/* a result without isError */
	MO_IS_ERROR,		/* the API answered, the result has isError */
	MO_NOT_SENT,		/* isError before any request: arguments,
				 * no credential for the API */
	MO_TIMEOUT,		/* the API did not answer in MCP_API_TIMEOUT */
	MO_UPSTREAM_ERROR,	/* no answer: refused, unresolved, too large */
	MO_REFUSED,		/* not run: scope, header mismatch, unknown */
	MO_FAILED,		/* an internal error (-32603) */
	MO__MAX
};
static const char *const outcome_names[MO__MAX] = {
	"ok", "is_error", "not_sent", "timeout", "upstream_error", "refused",
	"failed",
};
#define MET_TOOL_OTHER		MET_TOOLS_MAX
#define MET_TOOL_UNKNOWN	(MET_TOOLS_MAX + 1)

/* fcgimcp_token_checks_total{result} */
enum met_tok {
	MT_OK, MT_MISSING, MT_MALFORMED, MT_INVALID, MT_EXPIRED,
	MT_WRONG_ISSUER, MT_WRONG_AUDIENCE, MT_BAD_SIGNATURE,
	MT_UNKNOWN_KEY, MT_INACTIVE, MT_INSUFFICIENT_SCOPE, MT_UNAVAILABLE,
	MT__MAX
};
static const char *const tok_names[MT__MAX] = {
	"ok", "missing", "malformed", "invalid", "expired", "wrong_issuer",
	"wrong_audience", "bad_signature", "unknown_key", "inactive",
	"insufficient_scope", "unavailable",
};

static const char *const doc_names[MET_DOC__MAX] = { "jwks", "metadata" };
static const char *const fetch_names[MET_FETCH__MAX] = {
	"ok", "error", "invalid",
};
static const char *const rl_names[MET_RL__MAX] = {
	"subject", "client", "tool", "address",
};

/* fcgimcp_oauth_requests_total{endpoint,outcome} */
enum met_ep {
	ME_AUTHORIZATION_SERVER, ME_PROTECTED_RESOURCE, ME_AUTHORIZE,
	ME_CALLBACK, ME_REGISTER, ME_TOKEN, ME__MAX
};
static const char *const ep_names[ME__MAX] = {
	"authorization_server_metadata", "protected_resource_metadata",
	"authorize", "callback", "register", "token",
};
/* ok (2xx), redirect (3xx), the OAuth error code of an error body, or
 * the status class when the answer had none */
enum met_oauth {
	MOA_OK, MOA_REDIRECT, MOA_INVALID_REQUEST, MOA_INVALID_CLIENT,
	MOA_INVALID_GRANT, MOA_UNAUTHORIZED_CLIENT,
	MOA_UNSUPPORTED_GRANT_TYPE, MOA_INVALID_SCOPE, MOA_INVALID_TARGET,
	MOA_INVALID_CLIENT_METADATA, MOA_INVALID_REDIRECT_URI,
	MOA_ACCESS_DENIED, MOA_SERVER_ERROR, MOA_TEMPORARILY_UNAVAILABLE,
	MOA_CLIENT_ERROR, MOA__MAX
};
static const char *const oauth_names[MOA__MAX] = {
	"ok", "redirect", "invalid_request", "invalid_client",
	"invalid_grant", "unauthorized_client", "unsupported_grant_type",
	"invalid_scope", "invalid_target", "invalid_client_metadata",
	"invalid_redirect_uri", "access_denied", "server_error",
	"temporarily_unavailable", "client_error",
};

/* fcgimcp_upstream_request_duration_seconds: upper bounds */
static const double buckets[] = {
	0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
	10,
};
#define MET_NBUCKETS	(sizeof(buckets) / sizeof(buckets[0]))

struct met_header {
	char		 magic[8];
	uint32_t	 version;
	uint32_t	 layout;	/* met_layout() */
	uint64_t	 size;		/* sizeof(struct met_region) */
	int64_t		 created;	/* unix time */
	uint32_t	 ntools;	/* tool names published (release) */
	uint32_t	 pad[7];
};

struct met_region {
	struct met_header h;
	uint64_t	 requests[MET_PROG__MAX][MM__MAX][MET_STATUS__MAX];
	uint64_t	 tool_calls[MET_TOOLS_MAX + 2][MO__MAX];
	uint64_t	 upstream_bucket[MET_NBUCKETS + 1];	/* + +Inf */
	uint64_t	 upstream_sum_us;
	uint64_t	 token_checks[MT__MAX];
	uint64_t	 fetches[MET_DOC__MAX][MET_FETCH__MAX];
	uint64_t	 oauth[ME__MAX][MOA__MAX];
	uint64_t	 rate_limited[MET_RL__MAX];
	uint64_t	 worker_starts[MET_PROG__MAX];
	char		 tool_names[MET_TOOLS_MAX][MET_NAME_MAX];
};

/* This process's view: the mapping, and its tools' slots by name. */
struct met_slot {
	char		*name;		/* NULL: empty */
	unsigned	 slot;
};

static struct met_region	*met;		/* NULL: metrics off */
static int			 met_fd = -1;
static struct met_slot		*met_map;	/* open addressing */
static size_t			 met_mapsz;	/* a power of two */
static int			 met_pending = -1; /* OAuth error code */
static int			 met_has_token;
static unsigned char		 met_token_digest[32];

static inline void
add(uint64_t *c, uint64_t n)
{
	__atomic_fetch_add(c, n, __ATOMIC_RELAXED);
}

static inline uint64_t
get(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

static uint32_t
fnv(uint32_t h, const void *p, size_t n)
{
	const unsigned char	*s = p;

	while (n-- > 0)
		h = (h ^ *s++) * 16777619u;
	return h;
}

static uint32_t
fnv_names(uint32_t h, const char *const *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		h = fnv(h, v[i], strlen(v[i]) + 1);
	return h;
}

/*
 * What a region of this build looks like: its size and every label
 * table, so that a build that counts anything differently never reads
 * another's file as its own.
 */
static uint32_t
met_layout(void)
{
	uint64_t	 sz = sizeof(struct met_region);
	uint32_t	 h = 2166136261u;

	h = fnv(h, &sz, sizeof(sz));
	h = fnv(h, status_codes, sizeof(status_codes));
	h = fnv(h, buckets, sizeof(buckets));
	h = fnv_names(h, prog_names, MET_PROG__MAX);
	h = fnv_names(h, method_names, MM__MAX);
	h = fnv_names(h, outcome_names, MO__MAX);
	h = fnv_names(h, tok_names, MT__MAX);
	h = fnv_names(h, fetch_names, MET_FETCH__MAX);
	h = fnv_names(h, rl_names, MET_RL__MAX);
	h = fnv_names(h, ep_names, ME__MAX);
	return fnv_names(h, oauth_names, MOA__MAX);
}

char *
met_default_path(void)
{
	char	*p;

	xasprintf(&p, "/dev/shm/fcgi-mcp-%lu-%08x.metrics",
	    (unsigned long)geteuid(), met_layout());
	return p;
}

/* Is the mapped header ours?  NULL, or why not. */
static const char *
header_problem(const struct met_header *h)
{
	if (memcmp(h->magic, MET_MAGIC, sizeof(h->magic)) != 0)
		return "not an fcgi-mcp metrics file";
	if (h->version != MET_VERSION || h->layout != met_layout())
		return "made by another version of fcgi-mcp (another layout)";
	if (h->size != sizeof(struct met_region))
		return "its header names another size";
	if (__atomic_load_n(&h->ntools, __ATOMIC_ACQUIRE) > MET_TOOLS_MAX)
		return "its tool table is corrupt";
	return NULL;
}

/*
 * Map the region at `path`, creating it when absent or empty.  Under
 * flock, so that two workers starting together agree on one region.
 */
int
met_attach(const char *path, char **cause)
{
	static const char	 zero[8];
	struct met_region	*r = MAP_FAILED;
	struct stat		 st;
	const char		*why = NULL;
	int			 fd;

	met_detach();
	/* created by us, or opened as it is (never O_CREAT on a file that
	 * exists: it may be another user's, checked below) */
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC |
	    O_NOCTTY, 0600);
	if (fd == -1 && errno == EEXIST)
		fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd == -1) {
		xasprintf(cause, "MCP_METRICS_PATH: cannot open %s: %s%s", path,
		    strerror(errno), errno == ELOOP ? " (a symbolic link)" :
		    "");
		return -1;
	}
	if (flock(fd, LOCK_EX) == -1 || fstat(fd, &st) == -1) {
		xasprintf(cause, "MCP_METRICS_PATH: %s: %s", path,
		    strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode))
		why = "not a regular file";
	else if (st.st_uid != geteuid())
		/* another local user's file: its counters could be forged,
		 * its size changed under us (SIGBUS in every worker) */
		why = "it belongs to another user";
	else if (st.st_mode & (S_IWGRP | S_IWOTH))
		why = "others may write it (its mode must be 0600)";
	else if (st.st_size != 0 &&
	    st.st_size != (off_t)sizeof(struct met_region))
		why = "not the size of a metrics region of this version";
	else if ((st.st_size == 0 &&
	    ftruncate(fd, (off_t)sizeof(struct met_region)) == -1) ||
	    (errno = util_allocate(fd, 0,
	    (off_t)sizeof(struct met_region), 0)) != 0) {
		/*
		 * Sized when new, and allocated, new or not (an older file
		 * was only sized): a page first written in a hole of a
		 * mapped file on a full file system (anyone can fill
		 * /dev/shm) is SIGBUS in the worker that counts, not an
		 * error.
		 */
		xasprintf(cause, "MCP_METRICS_PATH: cannot size or allocate "
		    "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (why == NULL && (r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
	    MAP_SHARED, fd, 0)) == MAP_FAILED) {
		xasprintf(cause, "MCP_METRICS_PATH: cannot map %s: %s", path,
		    strerror(errno));
		goto fail;
	}
	if (why == NULL && (st.st_size == 0 ||
	    memcmp(r->h.magic, zero, sizeof(zero)) == 0)) {
		/*
		 * New, or its creator died before the header was written
		 * (nothing can have counted in it): the header, magic last.
		 */
		r->h.version = MET_VERSION;
		r->h.layout = met_layout();
		r->h.size = sizeof(*r);
		r->h.created = util_now_unix();
		memcpy(r->h.magic, MET_MAGIC, sizeof(r->h.magic));
		__atomic_thread_fence(__ATOMIC_RELEASE);
	}
	if (why == NULL)
		why = header_problem(&r->h);
	if (why != NULL) {
		xasprintf(cause, "MCP_METRICS_PATH: %s: %s; refusing to use it "
		    "(remove it if no worker uses it, or name another file)",
		    path, why);
		goto fail;
	}
	(void)flock(fd, LOCK_UN);
	met = r;
	met_fd = fd;
	return 0;
fail:
	if (r != MAP_FAILED)
		munmap(r, sizeof(*r));
	close(fd);
	return -1;
}

static void
map_free(void)
{
	size_t	 i;

	for (i = 0; i < met_mapsz; i++)
		free(met_map[i].name);
	free(met_map);
	met_map = NULL;
	met_mapsz = 0;
}

void
met_detach(void)
{
	if (met != NULL)
		munmap(met, sizeof(*met));
	if (met_fd != -1)
		close(met_fd);
	met = NULL;
	met_fd = -1;
	map_free();
	met_pending = -1;
}

/* The slot of `name` in a table, or the empty place it would go. */
static struct met_slot *
map_find(struct met_slot *m, size_t sz, const char *name)
{
	size_t	 i = fnv(2166136261u, name, strlen(name)) & (sz - 1);

	while (m[i].name != NULL && strcmp(m[i].name, name) != 0)
		i = (i + 1) & (sz - 1);
	return &m[i];
}

/*
 * Give each of this worker's tools its slot: the region's slot of the
 * same name, or a new one appended (published with a release store).
 */
void
met_tool_names(const char *const *names, size_t n)
{
	struct met_slot	*known, *s, *ks;
	size_t		 ksz = 2 * MET_TOOLS_MAX, i;
	uint32_t	 have, k;

	map_free();
	if (met == NULL)
		return;
	for (met_mapsz = 16; met_mapsz < 2 * n; met_mapsz *= 2)
		;
	met_map = xcalloc(met_mapsz, sizeof(*met_map));
	known = xcalloc(ksz, sizeof(*known));
	(void)flock(met_fd, LOCK_EX);
	have = __atomic_load_n(&met->h.ntools, __ATOMIC_ACQUIRE);
	if (have > MET_TOOLS_MAX)
		have = MET_TOOLS_MAX;	/* checked at attach; bounded still */
	for (k = 0; k < have; k++) {
		/* written whole, so never true but in a damaged file */
		if (met->tool_names[k][MET_NAME_MAX - 1] != '\0')
			met->tool_names[k][MET_NAME_MAX - 1] = '\0';
		s = map_find(known, ksz, met->tool_names[k]);
		if (s->name == NULL) {
			s->name = met->tool_names[k];	/* borrowed */
			s->slot = k;
		}
	}
	for (i = 0; i < n; i++) {
		if ((s = map_find(met_map, met_mapsz, names[i]))->name != NULL)
			continue;	/* the same name twice */
		s->name = xstrdup(names[i]);
		s->slot = MET_TOOL_OTHER;
		if (strlen(names[i]) >= MET_NAME_MAX)
			continue;
		if ((ks = map_find(known, ksz, names[i]))->name != NULL)
			s->slot = ks->slot;
		else if (have < MET_TOOLS_MAX) {
			memcpy(met->tool_names[have], names[i],
			    strlen(names[i]) + 1);
			ks->name = met->tool_names[have];
			ks->slot = s->slot = have++;
			/* seen by the next worker once its name is whole */
			__atomic_store_n(&met->h.ntools, have,
			    __ATOMIC_RELEASE);
		}
	}
	(void)flock(met_fd, LOCK_UN);
	free(known);
}

void
met_tools(const struct registry *reg)
{
	const char	**names;
	size_t		 i;

	if (met == NULL || reg == NULL)
		return;
	names = xcalloc(reg->ntools + 1, sizeof(*names));
	for (i = 0; i < reg->ntools; i++)
		names[i] = reg->tools[i].name;
	met_tool_names(names, reg->ntools);
	free(names);
}

/* From srv_main, before the program's own init. */
int
met_init(const struct cfg *cfg, unsigned prog, int serving, char **cause)
{
	char	*path;
	int	 rc;

	met_has_token = 0;
	if (cfg->metrics == 0)
		return 0;
	/* an absolute MCP_METRICS_PATH: cfg checked it (CFG_ABSPATH) */
	path = cfg->metrics_path != NULL ? xstrdup(cfg->metrics_path) :
	    met_default_path();
	rc = met_attach(path, cause);
	free(path);
	if (rc == -1)
		return -1;
	if (cfg->metrics_token != NULL) {
		util_sha256(cfg->metrics_token, strlen(cfg->metrics_token),
		    met_token_digest);
		met_has_token = 1;
	}
	if (serving && prog != 0)
		add(&met->worker_starts[__builtin_ctz(prog) % MET_PROG__MAX], 1);
	return 0;
}

static enum met_method
method_slot(const char *rpc, const char *http)
{
	size_t	 i;

	if (rpc != NULL && rpc[0] != '\0') {
		if (strncmp(rpc, "notifications/", 14) == 0)
			return MM_NOTIFICATIONS;
		for (i = 0; i < MM_GET; i++)
			if (strcmp(rpc, method_names[i]) == 0)
				return (enum met_method)i;
		return MM_OTHER;
	}
	if (http != NULL)
		for (i = MM_GET; i < MM_OTHER; i++)
			if (strcmp(http, method_names[i]) == 0)
				return (enum met_method)i;
	return MM_OTHER;
}

static size_t
status_slot(int status)
{
	size_t	 i;

	for (i = 0; i < MET_NCODES; i++)
		if (status_codes[i] == status)
			return i;
	if (status >= 100 && status <= 599)
		return MET_NCODES + (size_t)(status / 100 - 1);
	return MET_NCODES + 5;
}

static enum met_ep
endpoint_of(unsigned prog, const char *path)
{
	size_t	 n = path != NULL ? strlen(path) : 0;

	switch (prog) {
	case PROG_META:
		return path != NULL && strstr(path,
		    "/.well-known/oauth-protected-resource") != NULL ?
		    ME_PROTECTED_RESOURCE : ME_AUTHORIZATION_SERVER;
	case PROG_AUTHZ:
		return n >= 9 && strcmp(path + n - 9, "/callback") == 0 ?
		    ME_CALLBACK : ME_AUTHORIZE;
	case PROG_REG:
		return ME_REGISTER;
	default:
		return ME_TOKEN;
	}
}

/* The access line's request, counted once its answer is sent. */
void
met_request(unsigned prog, const struct req *rq, const struct resp *rs)
{
	unsigned	 p;
	enum met_oauth	 o;

	if (met == NULL || prog == 0)
		return;
	p = (unsigned)__builtin_ctz(prog) % MET_PROG__MAX;
	add(&met->requests[p][method_slot(rq->rpc_method, rq->method)]
	    [status_slot(rs->status)], 1);
	if (prog & PROG_OAUTH) {
		if (rs->status >= 200 && rs->status < 300)
			o = MOA_OK;
		else if (rs->status >= 300 && rs->status < 400)
			o = MOA_REDIRECT;
		else if (met_pending >= 0)
			o = (enum met_oauth)met_pending;
		else
			o = rs->status >= 500 ? MOA_SERVER_ERROR :
			    MOA_CLIENT_ERROR;
		add(&met->oauth[endpoint_of(prog, rq->path)][o], 1);
	}
	met_pending = -1;
}

/* oauth_json_error: the code of the error body being sent. */
void
met_oauth_error(const char *code)
{
	size_t	 i;

	met_pending = -1;
	for (i = MOA_INVALID_REQUEST; code != NULL && i < MOA_CLIENT_ERROR;
	    i++)
		if (strcmp(code, oauth_names[i]) == 0)
			met_pending = (int)i;
}

void
met_upstream(double seconds)
{
	size_t	 i;

	if (met == NULL)
		return;
	if (seconds < 0)
		seconds = 0;
	for (i = 0; i < MET_NBUCKETS && seconds > buckets[i]; i++)
		;
	add(&met->upstream_bucket[i], 1);
	add(&met->upstream_sum_us, (uint64_t)(seconds * 1e6 + 0.5));
}

/*
 * One tools/call, from its audit record (mcp_audit); `sent`: a request
 * went to the API (its time is observed).
 */
void
met_tool_call(const struct audit_rec *a, int sent)
{
	const struct met_slot	*s;
	enum met_outcome	 o;
	unsigned		 slot = MET_TOOL_UNKNOWN;

	if (met == NULL)
		return;
	if (a->tool != NULL) {
		slot = MET_TOOL_OTHER;
		if (met_map != NULL && (s = map_find(met_map, met_mapsz,
		    a->tool))->name != NULL)
			slot = s->slot;
	}
	switch (a->outcome) {
	case AUDIT_OK:
		o = MO_OK;
		break;
	case AUDIT_REFUSED:
		o = MO_REFUSED;
		break;
	case AUDIT_IS_ERROR:
		if (a->upstream_status != 0)
			o = MO_IS_ERROR;
		else if (a->error != NULL && strcmp(a->error, "timeout") == 0)
			o = MO_TIMEOUT;
		else if (!sent)
			o = MO_NOT_SENT;
		else
			o = MO_UPSTREAM_ERROR;
		break;
	default:
		o = MO_FAILED;
		break;
	}
	add(&met->tool_calls[slot][o], 1);
	if (sent)
		met_upstream(a->upstream_ms / 1000.0);
}

/*
 * auth_check's answer.  Its reasons are its own texts (auth.c, jwt.c),
 * sorted here by what they say; anything else refused is "invalid".
 */
static enum met_tok
token_result(int status, const char *why)
{
	static const struct {
		const char	*word;
		enum met_tok	 r;
	} words[] = {
		{ "not active", MT_INACTIVE },
		{ "expired", MT_EXPIRED },
		{ "not valid yet", MT_EXPIRED },
		{ "in the future", MT_EXPIRED },
		{ "audience", MT_WRONG_AUDIENCE },
		{ "another resource", MT_WRONG_AUDIENCE },
		{ "this resource", MT_WRONG_AUDIENCE },
		{ "issuer", MT_WRONG_ISSUER },
		{ "kid", MT_UNKNOWN_KEY },
		{ "no key", MT_UNKNOWN_KEY },
		{ "signature", MT_BAD_SIGNATURE },
		{ "alg", MT_BAD_SIGNATURE },
		{ "malformed", MT_MALFORMED },
		{ "compact JWS", MT_MALFORMED },
		{ "base64", MT_MALFORMED },
		{ "JSON", MT_MALFORMED },
		{ "empty token", MT_MALFORMED },
		{ "too long", MT_MALFORMED },
	};
	size_t	 i;

	switch (status) {
	case AUTH_OK:
		return MT_OK;
	case AUTH_MISSING:
		return MT_MISSING;
	case AUTH_FORBIDDEN:
		return MT_INSUFFICIENT_SCOPE;
	case AUTH_UNAVAILABLE:
		return MT_UNAVAILABLE;
	default:
		break;
	}
	for (i = 0; why != NULL && i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(why, words[i].word) != NULL)
			return words[i].r;
	return MT_INVALID;
}

/* `mode`: MCP_AUTH; none checks nothing, and nothing is counted. */
void
met_token_check(int mode, int status, const char *why)
{
	if (met == NULL || mode == AUTHM_NONE)
		return;
	add(&met->token_checks[token_result(status, why)], 1);
}

void
met_fetched(enum met_doc d, enum met_fetch r)
{
	if (met != NULL && (unsigned)d < MET_DOC__MAX &&
	    (unsigned)r < MET_FETCH__MAX)
		add(&met->fetches[d][r], 1);
}

/* For the rate limiter: one refused request, by what it exceeded. */
void
met_rate_limited(enum met_rl kind)
{
	if (met != NULL && (unsigned)kind < MET_RL__MAX)
		add(&met->rate_limited[kind], 1);
}

/* A label value: backslash, double quote and newline escaped. */
static void
put_label(struct buf *b, const char *name, const char *v, size_t max)
{
	size_t	 i;

	buf_puts(b, name);
	buf_puts(b, "=\"");
	for (i = 0; i < max && v[i] != '\0'; i++)
		switch (v[i]) {
		case '\\':
			buf_puts(b, "\\\\");
			break;
		case '"':
			buf_puts(b, "\\\"");
			break;
		case '\n':
			buf_puts(b, "\\n");
			break;
		default:
			buf_putc(b, v[i]);
			break;
		}
	buf_putc(b, '"');
}

static void
head(struct buf *b, const char *name, const char *type, const char *help)
{
	buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
value(struct buf *b, uint64_t v)
{
	char	 num[24];

	num[util_utoa(num, v)] = '\0';
	buf_putc(b, ' ');
	buf_puts(b, num);
	buf_putc(b, '\n');
}

/* name{label="v"} n, for a one-label counter family */
static void
family1(struct buf *b, const char *name, const char *label,
    const char *const *names, const uint64_t *c, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		buf_puts(b, name);
		buf_putc(b, '{');
		put_label(b, label, names[i], SIZE_MAX);
		buf_putc(b, '}');
		value(b, get(&c[i]));
	}
}

static void
expose_requests(struct buf *b)
{
	char		 code[8];
	const char	*st;
	size_t		 p, m, s;
	uint64_t	 v;

	head(b, "fcgimcp_requests_total", "counter", "Requests answered, by "
	    "program, method (the JSON-RPC method for mcp.fcgi, else the "
	    "HTTP method) and HTTP status.");
	for (p = 0; p < MET_PROG__MAX; p++)
		for (m = 0; m < MM__MAX; m++)
			for (s = 0; s < MET_STATUS__MAX; s++) {
				if ((v = get(&met->requests[p][m][s])) == 0)
					continue;
				if (s < MET_NCODES) {
					snprintf(code, sizeof(code), "%d",
					    status_codes[s]);
					st = code;
				} else
					st = status_classes[s - MET_NCODES];
				buf_puts(b, "fcgimcp_requests_total{");
				put_label(b, "program", prog_names[p],
				    SIZE_MAX);
				buf_putc(b, ',');
				put_label(b, "method", method_names[m],
				    SIZE_MAX);
				buf_putc(b, ',');
				put_label(b, "status", st, SIZE_MAX);
				buf_putc(b, '}');
				value(b, v);
			}
}

static void
expose_tools(struct buf *b)
{
	const char	*name;
	uint32_t	 n = __atomic_load_n(&met->h.ntools, __ATOMIC_ACQUIRE);
	size_t		 t, o;
	uint64_t	 v;

	if (n > MET_TOOLS_MAX)
		n = MET_TOOLS_MAX;
	head(b, "fcgimcp_tool_calls_total", "counter", "tools/call requests, "
	    "by tool and outcome.");
	for (t = 0; t < MET_TOOLS_MAX + 2; t++) {
		if (t < MET_TOOLS_MAX && t >= n)
			continue;
		name = t == MET_TOOL_OTHER ? "(other)" : t == MET_TOOL_UNKNOWN ?
		    "(unknown)" : met->tool_names[t];
		for (o = 0; o < MO__MAX; o++) {
			if ((v = get(&met->tool_calls[t][o])) == 0)
				continue;
			buf_puts(b, "fcgimcp_tool_calls_total{");
			put_label(b, "tool", name, MET_NAME_MAX - 1);
			buf_putc(b, ',');
			put_label(b, "outcome", outcome_names[o], SIZE_MAX);
			buf_putc(b, '}');
			value(b, v);
		}
	}
}

static void
expose_histogram(struct buf *b)
{
	const char	*name = "fcgimcp_upstream_request_duration_seconds";
	uint64_t	 cum = 0, sum = get(&met->upstream_sum_us);
	size_t		 i;

	head(b, name, "histogram", "Time of the API request of a tools/call "
	    "(sent requests only, failed ones included).");
	for (i = 0; i <= MET_NBUCKETS; i++) {
		cum += get(&met->upstream_bucket[i]);
		if (i < MET_NBUCKETS)
			buf_printf(b, "%s_bucket{le=\"%g\"}", name, buckets[i]);
		else
			buf_printf(b, "%s_bucket{le=\"+Inf\"}", name);
		value(b, cum);
	}
	buf_printf(b, "%s_sum %llu.%06llu\n", name,
	    (unsigned long long)(sum / 1000000),
	    (unsigned long long)(sum % 1000000));
	buf_printf(b, "%s_count", name);
	value(b, cum);
}

void
met_expose(struct buf *b)
{
	size_t		 d, e, o;
	uint64_t	 v;

	if (met == NULL)
		return;
	expose_requests(b);
	expose_tools(b);
	expose_histogram(b);
	head(b, "fcgimcp_token_checks_total", "counter", "Bearer token checks "
	    "on /mcp (MCP_AUTH other than none), by result.");
	family1(b, "fcgimcp_token_checks_total", "result", tok_names,
	    met->token_checks, MT__MAX);
	for (d = 0; d < MET_DOC__MAX; d++) {
		char	 name[64], help[96];

		snprintf(name, sizeof(name), "fcgimcp_%s_fetches_total",
		    doc_names[d]);
		snprintf(help, sizeof(help), "Fetches of the provider's %s, "
		    "by result.", d == MET_DOC_JWKS ? "JWKS" : "metadata");
		head(b, name, "counter", help);
		family1(b, name, "result", fetch_names, met->fetches[d],
		    MET_FETCH__MAX);
	}
	head(b, "fcgimcp_oauth_requests_total", "counter", "Requests to the "
	    "OAuth endpoints, by endpoint and outcome (ok, redirect, the "
	    "OAuth error code, or client_error/server_error).");
	for (e = 0; e < ME__MAX; e++)
		for (o = 0; o < MOA__MAX; o++) {
			if ((v = get(&met->oauth[e][o])) == 0)
				continue;
			buf_puts(b, "fcgimcp_oauth_requests_total{");
			put_label(b, "endpoint", ep_names[e], SIZE_MAX);
			buf_putc(b, ',');
			put_label(b, "outcome", oauth_names[o], SIZE_MAX);
			buf_putc(b, '}');
			value(b, v);
		}
	head(b, "fcgimcp_rate_limited_total", "counter", "Requests refused by "
	    "a rate limit, by the kind of limit.");
	family1(b, "fcgimcp_rate_limited_total", "kind", rl_names,
	    met->rate_limited, MET_RL__MAX);
	head(b, "fcgimcp_worker_starts_total", "counter", "Workers started, "
	    "by program (a restarted worker counts again).");
	family1(b, "fcgimcp_worker_starts_total", "program", prog_names,
	    met->worker_starts, MET_PROG__MAX);
	head(b, "fcgimcp_metrics_created_seconds", "gauge", "When the "
	    "shared counters were created (unix time): they count from "
	    "then.");
	buf_printf(b, "fcgimcp_metrics_created_seconds %lld\n",
	    (long long)met->h.created);
	head(b, "fcgimcp_build_info", "gauge", "The build of the worker "
	    "that answered.");
	buf_puts(b, "fcgimcp_build_info{");
	put_label(b, "version", PACKAGE_VERSION, SIZE_MAX);
	buf_printf(b, ",layout=\"%08x\"} 1\n", met_layout());
}

/* 127.0.0.0/8, ::1, and 127.x mapped into IPv6. */
static int
is_loopback(const char *a)
{
	unsigned char	 v4[4], v6[16];
	static const unsigned char one[16] = { [15] = 1 };
	static const unsigned char mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (a == NULL)
		return 0;
	if (inet_pton(AF_INET, a, v4) == 1)
		return v4[0] == 127;
	if (inet_pton(AF_INET6, a, v6) != 1)
		return 0;
	return memcmp(v6, one, 16) == 0 ||
	    (memcmp(v6, mapped, 12) == 0 && v6[12] == 127);
}

/* Is the request's bearer token MCP_METRICS_TOKEN?  -1: none sent. */
static int
token_ok(const struct req *rq)
{
	const char	*h = req_header(rq, "Authorization");
	unsigned char	 d[32];
	size_t		 n;

	if (h == NULL)
		return -1;
	while (*h == ' ' || *h == '\t')
		h++;
	if (!util_strncaseeq(h, "Bearer ", 7))
		return -1;
	for (h += 7; *h == ' '; h++)
		;
	for (n = strlen(h); n > 0 && (h[n - 1] == ' ' || h[n - 1] == '\t');)
		n--;
	util_sha256(h, n, d);
	return CRYPTO_memcmp(d, met_token_digest, sizeof(d)) == 0;
}

/* GET /mcp/metrics */
void
met_serve(const struct req *rq, struct resp *rs)
{
	int	 t;

	if (met == NULL) {
		resp_error_text(rs, 404, "Not Found");
		return;
	}
	if (strcmp(rq->method, "GET") != 0) {
		resp_header(rs, "Allow", "GET");
		resp_error_text(rs, 405, "Method Not Allowed");
		return;
	}
	if (met_has_token) {
		if ((t = token_ok(rq)) != 1) {
			if (t == -1)
				resp_header(rs, "WWW-Authenticate",
				    "Bearer realm=\"metrics\"");
			resp_error_text(rs, t == -1 ? 401 : 403, t == -1 ?
			    "a Bearer token is required" : "Forbidden");
			return;
		}
	} else if (!is_loopback(req_param(rq, "REMOTE_ADDR"))) {
		resp_error_text(rs, 403, "Forbidden: metrics are served to "
		    "loopback addresses only (or set MCP_METRICS_TOKEN)");
		return;
	}
	resp_header(rs, "Content-Type", MET_CONTENT_TYPE);
	resp_header(rs, "Cache-Control", "no-store");
	rs->status = 200;
	buf_reset(&rs->body);
	met_expose(&rs->body);
}
