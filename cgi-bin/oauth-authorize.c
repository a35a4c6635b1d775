/* SPDX-License-Identifier: ISC */
/*
 * oauth-authorize.fcgi: /oauth/authorize, /oauth/callback and the consent page.
 */
#include "config.h"

#include "server.h"

int
main(int argc, char **argv)
{
	return srv_main(&srv_prog_authorize, argc, argv);
}
