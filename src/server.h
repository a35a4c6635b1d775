/* SPDX-License-Identifier: ISC */
/*
 * server: the program shell every cgi-bin main() hands itself to: options,
 * configuration, signals, and the FastCGI (or one-shot CGI) request loop.
 */
#ifndef FCM_SERVER_H
#define FCM_SERVER_H

#include "cfg.h"
#include "http.h"

struct srv_prog {
	const char	*name;		/* "mcp.fcgi" */
	unsigned	 prog;		/* enum cfg_prog bit */
	/* once at start-up; a failure refuses to start (exit 78) */
	int		(*init)(const struct cfg *, void **, char **);
	/* once per request; fills the response */
	void		(*handle)(void *, const struct cfg *, struct req *,
			    struct resp *);
	void		(*fini)(void *);
};

int	 srv_main(const struct srv_prog *, int, char **);
int	 srv_read_request(const struct cfg *, struct req *, struct resp *,
	    int (*)(void *, char *, size_t), void *);

#endif
