/* SPDX-License-Identifier: ISC */
/*
 * hclient: a small HTTP/1.1 client for tool calls to an API over plain
 * http:// (the API on the same host or network, by IP address or host
 * name): one kept-alive connection per process, the request sent with
 * one system call, the answer usually read with one.  upstream.c chooses
 * it; TLS, proxies and compression stay with libcurl.
 *
 * The response parser (hc_parse.c) is separate from the I/O so that it
 * can be tested and fuzzed on its own: it is fed whatever arrived and
 * consumes what it can, bounded at every step (head, chunk lines,
 * trailers, body).
 */
#ifndef FCM_HCLIENT_H
#define FCM_HCLIENT_H

#include <stddef.h>

#include <sys/socket.h>

#include <netdb.h>

#include "upstream.h"
#include "url.h"
#include "util.h"

#define HC_HEAD_MAX	65536	/* status line and headers, and trailers */
#define HC_INTERIM_MAX	8	/* 1xx answers before the real one */
#define HC_NAME_MAX	253	/* a DNS name, at most */

enum hc_state {
	HC_HEAD,		/* status line and headers */
	HC_LENGTH,		/* Content-Length bytes */
	HC_CHUNK_SIZE,		/* a chunk-size line */
	HC_CHUNK_DATA,
	HC_CHUNK_END,		/* the CRLF after a chunk's data */
	HC_TRAILER,		/* trailer lines up to an empty one */
	HC_UNTIL_EOF,		/* no length: the body ends with the connection */
	HC_DONE
};

enum hc_result {
	HC_MORE,		/* everything given was used; feed more */
	HC_COMPLETE,		/* a whole response; *used says how far */
	HC_FAIL			/* error (text) or too_large */
};

struct hc_parser {
	enum hc_state	 state;
	int		 head_only;	/* answer to HEAD: no body */
	size_t		 max_body;
	size_t		 scanned;	/* head bytes known to hold no end */
	size_t		 extra;		/* trailer bytes so far */
	int		 interim;	/* 1xx answers skipped */
	long		 status;
	int		 keep_alive;	/* the connection may carry another */
	int		 chunked;
	int		 has_length;
	unsigned long long length;	/* Content-Length */
	unsigned long long remaining;	/* of the length or the chunk */
	char		*content_type;
	char		*location;
	int		 too_large;
	const char	*error;		/* static text */
};

void		 hc_parser_init(struct hc_parser *, int, size_t);
void		 hc_parser_free(struct hc_parser *);
enum hc_result	 hc_parse(struct hc_parser *, const char *, size_t, size_t *,
		    struct buf *);
enum hc_result	 hc_parse_eof(struct hc_parser *);

int	 hc_usable(const struct url *);
int	 hc_transfer(const struct up_request *, const struct url *,
	    const char *, const char *, size_t, struct up_response *, char **);
void	 hc_close(void);
void	 hc_cleanup(void);

/* hc_resolve.c */
int	 hc_resolve(const char *, const char *, double,
	    const struct addrinfo **, size_t *, size_t *, const char **);
void	 hc_resolve_good(const struct sockaddr *, socklen_t);
void	 hc_resolve_forget(void);
void	 hc_resolve_cleanup(void);

#endif
