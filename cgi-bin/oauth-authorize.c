/* SPDX-License-Identifier: ISC */
/*
 * oauth-authorize.fcgi: /oauth/authorize, /oauth/callback and the consent page.
 */
#include "config.h"

#include "oauth.h"
#include "server.h"

static const struct srv_prog prog = {
	"oauth-authorize.fcgi", PROG_AUTHZ, authz_init, authz_handle, authz_fini,
};

int
main(int argc, char **argv)
{
	return srv_main(&prog, argc, argv);
}
