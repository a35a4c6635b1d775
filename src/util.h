/*
 * util: allocation, growable buffers, bounded number parsing, base64url,
 * string helpers and time.  Used by every layer; uses nothing above it.
 */
#ifndef FCM_UTIL_H
#define FCM_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Allocation failure aborts: the process manager restarts the worker. */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
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
char	*b64url_encode(const unsigned char *, size_t);
char	*b64_encode(const unsigned char *, size_t);
int	 b64url_decode(const char *, size_t, unsigned char **, size_t *);
int	 b64_decode(const char *, size_t, unsigned char **, size_t *);

/* ASCII helpers that do not depend on the locale. */
int	 util_strcaseeq(const char *, const char *);
int	 util_strncaseeq(const char *, const char *, size_t);
char	*util_trim(char *);
int	 util_list_contains(const char *, const char *, int);
int	 util_list_ncontains(const char *, size_t, const char *, int);
int	 util_fd_quiet(int);
int	 util_hexval(int);
size_t	 util_utoa(char *, unsigned long long);
size_t	 util_utf8_seq(const unsigned char *, size_t, unsigned *);
void	 util_sha256(const void *, size_t, unsigned char *);
int	 util_utf8_repair(const char *, size_t, struct buf *);
void	 util_hex32(char *, uint32_t);

/* Monotonic and wall-clock time. */
double	 util_now_mono(void);
int64_t	 util_now_unix(void);

#endif
