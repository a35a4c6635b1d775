/* SPDX-License-Identifier: ISC */
/*
 * oauth-metadata.fcgi: RFC 8414 and RFC 9728 metadata documents.
 */
#include "config.h"

#include "oauth.h"
#include "server.h"

static const struct srv_prog prog = {
	"oauth-metadata.fcgi", PROG_META, meta_init, meta_handle, meta_fini,
};

int
main(int argc, char **argv)
{
	return srv_main(&prog, argc, argv);
}
