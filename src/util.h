/* SPDX-License-Identifier: ISC */
/*
 * util: allocation, growable buffers, bounded number parsing, base64url,
 * string helpers and time.  Used by every layer; uses nothing above it.
 *
 * The conventions of every module of src/, written once (as jq's jv.h
 * states its ownership rule):
 *
 * Names.  A module's exported functions, types and constants start with
 * its prefix (util_ and x* here, buf_, url_, cfg_, log_, req_/resp_ for
 * http, srv_, guard_, form_, rpc_, jp_, jw_, js_, mcp_, reg_, api_ for the
 * OpenAPI modules, auth_, jwt_, jwk_, scope_, audit_, store_, up_, hc_,
 * prov_, seal_, oauth_ and its sub-modules' own: oauth_meta_,
 * oauth_client_, oauth_consent_; met_, trace_, rl_, brk_, shm_ for
 * metrics, tracing, rate limits, the API's breaker and shared memory;
 * tools.h's types are tool_ and tool_call, the registry's functions
 * reg_); static functions have plain names.  The five programs are
 * srv_prog_* (server.h), each defined by the module that implements it,
 * whose init, handle and fini stay static.
 * Enum constants of the configuration carry the variable's short name
 * (AUTHM_ for MCP_AUTH, OAUTHM_, STOREM_, REGM_, APICLIENT_, UPAUTH_,
 * LOGL_, LOGF_...), never a name a system header may define nor one that
 * reads as another module's prefix (oauth_, store_, reg_, api_).  What only a few files share goes in a header only
 * they include (jwt_int.h, store_be.h, hclient.h), not in the layer's.
 *
 * Errors.  A function that fails returns -1 (or NULL) and says why in
 * one of three ways, chosen by who reads the text:
 * - `char **cause`: a new string the caller frees, for messages built at
 *   start-up or from a document ("MCP_OPENAPI: file: #/paths/...: ...");
 * - `char *why, size_t whysz`: the caller's buffer, on request paths
 *   where the text goes to a tool result or a log line and nothing must
 *   be allocated for it;
 * - `const char **why`: a static string, for refusals from a fixed list
 *   (auth_check's reasons).
 * No message ever holds a token, a secret or a query string.
 *
 * Ownership.  Arguments are borrowed, and what a function returns is
 * the caller's (a char * to free, a json_object reference to put; never
 * a const pointer), unless a comment at the prototype says otherwise in
 * one of three forms: "takes X" (X is the function's from the call on:
 * the caller neither frees nor uses it again), "keeps X" (the function,
 * or what it makes, points to X, which must outlive it), "borrowed"
 * (what it returns or fills in belongs to an argument, a cache or
 * static storage: never freed by the caller, valid as long as its
 * owner, for a cache until the next call).  A json_object handed to json_object_object_add
 * or jp_add is given away, as json-c does.  Text from outside (a
 * request, the API, a document) is bounded where it is read, and
 * secrets are wiped (explicit_bzero) before their memory is freed.
 *
 * Allocation never fails: the x* functions abort, and the process
 * manager starts a new worker.  Each function has one cleanup path
 * (a label at its end) when it holds more than one resource.
 */
#ifndef FCM_UTIL_H
#define FCM_UTIL_H

#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Allocation failure aborts: the process manager restarts the worker. */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
/* a, b and c joined in a new string (printf's "%s%s%s", without it) */
char	*util_join(const char *, const char *, const char *);
int	 xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

/* A growable byte buffer, always NUL-terminated. */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

void	 buf_init(struct buf *);
void	 buf_free(struct buf *);
void	 buf_reset(struct buf *);
void	 buf_reserve(struct buf *, size_t);
void	 buf_append(struct buf *, const void *, size_t);
void	 buf_puts(struct buf *, const char *);
void	 buf_putc(struct buf *, char);
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
char	*buf_release(struct buf *);

/* Bounded integer parsing: the whole string must be a number in range. */
int	 util_strtonum(const char *, long long, long long, long long *,
	    const char **);

/* base64url without padding (RFC 4648 §5). */
char	*util_b64url_encode(const unsigned char *, size_t);
char	*util_b64_encode(const unsigned char *, size_t);
int	 util_b64url_decode(const char *, size_t, unsigned char **, size_t *);
int	 util_b64_decode(const char *, size_t, unsigned char **, size_t *);

/* ASCII helpers that do not depend on the locale. */
int	 util_strcaseeq(const char *, const char *);
int	 util_strncaseeq(const char *, const char *, size_t);
char	*util_trim(char *);			/* borrowed */
int	 util_list_contains(const char *, const char *, int);
int	 util_list_ncontains(const char *, size_t, const char *, int);
int	 util_fd_quiet(int);
int	 util_media_type_is(const char *, const char *);
int	 util_allocate(int, off_t, off_t, int);
FILE	*util_fopen_regular(const char *, const char **);
void	 util_hex_encode(const unsigned char *, size_t, char *);
int	 util_hexval(int);
size_t	 util_utoa(char *, unsigned long long);
void	 util_dtoa(char *, size_t, double);
void	 util_num_digits(const char *, char *, long *);
size_t	 util_utf8_seq(const unsigned char *, size_t, unsigned *);
void	 util_sha256(const void *, size_t, unsigned char *);
int	 util_utf8_repair(const char *, size_t, struct buf *);
void	 util_hex32(char *, uint32_t);

/* Monotonic and wall-clock time. */
double	 util_now_mono(void);
int64_t	 util_now_unix(void);

#endif
