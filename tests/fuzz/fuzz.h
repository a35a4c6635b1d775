/* SPDX-License-Identifier: ISC */
/*
 * Helpers shared by the libFuzzer targets (tests/fuzz/README).  Everything
 * here is static inline: each target is one translation unit that links
 * src/libfcgimcp.a, and a few include a source file of the library to
 * reach its static functions, as the unit tests do.
 */
#ifndef FCM_FUZZ_H
#define FCM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/cfg.h"
#include "../../src/log.h"
#include "../../src/util.h"

/* Where examples/ and tests/fixtures/ are; FUZZ_TOP_SRCDIR overrides. */
#ifndef FUZZ_TOP_SRCDIR
#define FUZZ_TOP_SRCDIR	"."
#endif

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A file of the source tree, e.g. "examples/openapi.json" (static). */
static inline const char *
fuzz_srcfile(const char *rel)
{
	static char	 path[4096];
	const char	*top = getenv("FUZZ_TOP_SRCDIR");

	snprintf(path, sizeof(path), "%s/%s", top && *top ? top : FUZZ_TOP_SRCDIR,
	    rel);
	return path;
}

/* Diagnostics only for errors: a fuzzer prints enough already. */
static inline void
fuzz_quiet(const char *prog)
{
	log_init(prog, getenv("FUZZ_VERBOSE") ? LOGL_DEBUG : LOGL_ERROR,
	    LOGF_TEXT);
}

static inline int
fuzz_verbose(void)
{
	return getenv("FUZZ_VERBOSE") != NULL;
}

/* A configuration from NAME=value strings, or the fuzzer stops. */
static inline void
fuzz_cfg(struct cfg *cfg, char **env)
{
	if (cfg_load(cfg, PROG_MCP, env, stderr) == -1) {
		fprintf(stderr, "fuzz: the fixed configuration is invalid\n");
		abort();
	}
}

/* The input as a NUL-terminated string (embedded NULs cut it short). */
static inline char *
fuzz_cstr(const uint8_t *data, size_t size)
{
	char	*s = xmalloc(size + 1);

	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* An invariant of the code under test does not hold: a finding. */
#define FUZZ_ASSERT(cond, what) do {					\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz: invariant broken: %s (%s:%d)\n",	\
		    (what), __FILE__, __LINE__);			\
		abort();						\
	}								\
} while (0)

#endif
