/* SPDX-License-Identifier: ISC */
/*
 * upstream: outgoing HTTP with libcurl, for tool calls and for fetching
 * documents.  One easy handle per process, so connections are reused.
 */
#ifndef FCM_UPSTREAM_H
#define FCM_UPSTREAM_H

#include <stddef.h>

#include "util.h"

enum up_error {
	UP_OK,
	UP_TIMEOUT,
	UP_CONNECT,
	UP_RESOLVE,
	UP_TOO_LARGE,
	UP_REDIRECT,		/* a redirect we would not follow */
	UP_CANCELLED,		/* progress said stop: the client is gone */
	UP_OTHER,
	UP_ERROR__MAX
};

struct up_request {
	const char	 *method;
	const char	 *url;
	const char	**headers;	/* "Name: value", NULL-terminated */
	const char	 *body;
	size_t		  body_len;
	long		  timeout_ms;
	size_t		  max_response;
	unsigned	  flags;	/* UP_* below */
	/* called as bytes arrive, and about once a second while none do:
	 * (ctx, received, total or 0); non-zero stops the transfer
	 * (UP_CANCELLED) */
	int		(*progress)(void *, double, double);
	void		 *progress_ctx;
	/* libcurl: connecting (DNS too) within; 0: within timeout_ms */
	long		  connect_timeout_ms;
};

#define UP_NO_REDIRECT	0x1	/* any redirect is an error */
#define UP_HTTPS_ONLY	0x2
#define UP_PUBLIC_ONLY	0x4	/* refuse loopback, private, link-local ... */
#define UP_DIRECT_OK	0x8	/* plain http may go through hclient */

struct up_response {
	long		 status;
	char		*content_type;	/* NULL when absent */
	char		*url;		/* the URL finally fetched */
	struct buf	 body;
	enum up_error	 err;
	char		 errmsg[512];
	/* UP_OTHER: the cause without the host (a library's or hclient's
	 * words), for up_error_public; "" when there is none */
	char		 errwhy[128];
	double		 seconds;
};

struct sockaddr;

int	 up_perform(const struct up_request *, struct up_response *);
int	 up_addr_public(const struct sockaddr *);
void	 up_response_free(struct up_response *);
const char *up_error_name(enum up_error);
void	 up_error_public(const struct up_response *,
	    const struct up_request *, char *, size_t);
void	 up_cleanup(void);

#endif
