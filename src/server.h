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

/*
 * The five programs, each defined by the module that implements it
 * (mcp_transport.c, oauth_meta.c, oauth_authorize.c, oauth_register.c,
 * oauth_token.c); a cgi-bin main() hands one to srv_main, and a test
 * drives one through its init, handle and fini.
 */
extern const struct srv_prog srv_prog_mcp, srv_prog_metadata,
	    srv_prog_authorize, srv_prog_register, srv_prog_token;

int	 srv_main(const struct srv_prog *, int, char **);
void	 srv_harden(void);
int	 srv_read_request(const struct cfg *, struct req *, struct resp *,
	    int (*)(void *, char *, size_t), void *);

#endif
