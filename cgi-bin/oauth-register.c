/* SPDX-License-Identifier: ISC */
/*
 * oauth-register.fcgi: /oauth/register, RFC 7591 dynamic client registration.
 */
#include "config.h"

#include "oauth.h"
#include "server.h"

static const struct srv_prog prog = {
	"oauth-register.fcgi", PROG_REG, dcr_init, dcr_handle, dcr_fini,
};

int
main(int argc, char **argv)
{
	return srv_main(&prog, argc, argv);
}
