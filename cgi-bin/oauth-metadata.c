/* SPDX-License-Identifier: ISC */
/*
 * oauth-metadata.fcgi: RFC 8414 and RFC 9728 metadata documents.
 */
#include "config.h"

#include "server.h"

int
main(int argc, char **argv)
{
	return srv_main(&srv_prog_metadata, argc, argv);
}
