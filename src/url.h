/* SPDX-License-Identifier: ISC */
/*
 * url: bounded parsing of absolute http(s) URLs and of Host/Origin values,
 * and percent-encoding.  Used by config, the transport checks and OAuth.
 */
#ifndef FCM_URL_H
#define FCM_URL_H

#include "util.h"

#define URL_MAX	8192

struct url {
	char	*scheme;	/* lower case: "http" or "https" */
	char	*host;		/* lower case; IPv6 keeps its brackets */
	int	 port;		/* explicit port, or -1 */
	char	*path;		/* "" when absent */
	char	*query;		/* NULL when absent */
	int	 has_userinfo;
	int	 has_fragment;
};

int	 url_parse(const char *, struct url *, const char **);
void	 url_free(struct url *);
int	 url_default_port(const struct url *);
char	*url_origin(const struct url *);
int	 url_same_origin(const char *, const char *);
char	*url_resolve(const char *, const char *);
int	 url_host_span(const char *, size_t *, int *);
int	 url_host_split(const char *, char **, int *);
int	 url_is_loopback_host(const char *);
void	 url_encode(struct buf *, const char *, size_t);
char	*url_redact(const char *);

#endif
