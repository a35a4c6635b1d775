/* SPDX-License-Identifier: ISC */
/*
 * oauth-register.fcgi: /oauth/register, RFC 7591 dynamic client registration.
 */
#include "config.h"

#include "server.h"

int
main(int argc, char **argv)
{
	return srv_main(&srv_prog_register, argc, argv);
}
