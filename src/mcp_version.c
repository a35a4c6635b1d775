/* SPDX-License-Identifier: ISC */
/*
 * mcp_version: the protocol versions this server speaks and how a legacy
 * initialize is negotiated.
 */
#include "config.h"

#include <string.h>

#include "mcp.h"

static const char *const mcp_versions[MCP_VER__MAX] = {
	"2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28",
};

static const char *const mcp_log_levels[MCP_LOG__MAX] = {
	"debug", "info", "notice", "warning", "error", "critical", "alert",
	"emergency",
};

int
mcp_version_parse(const char *s)
{
	int	 i;

	for (i = 0; s != NULL && i < MCP_VER__MAX; i++)
		if (strcmp(s, mcp_versions[i]) == 0)
			return i;
	return -1;
}

const char *
mcp_version_name(enum mcp_ver v)
{
	return mcp_versions[v];
}

/* Modern versions carry their version in every request's _meta. */
int
mcp_version_is_modern(enum mcp_ver v)
{
	return v >= MCP_VER_FIRST_MODERN;
}

/*
 * The supported versions, or only the modern ones, newest first (a new
 * array; caller owns it).
 */
struct json_object *
mcp_versions_json(int modern)
{
	struct json_object	*a = json_object_new_array();
	int			 i, last = modern ? MCP_VER_FIRST_MODERN : 0;

	for (i = MCP_VER__MAX - 1; i >= last; i--)
		json_object_array_add(a, json_object_new_string(mcp_versions[i]));
	return a;
}

/*
 * initialize selects legacy semantics: answer with the requested version
 * when it is a legacy one we speak, else with the newest legacy version
 * (the client then decides whether it can use it).
 */
enum mcp_ver
mcp_version_negotiate(const char *requested)
{
	int	 v = mcp_version_parse(requested);

	if (v >= 0 && !mcp_version_is_modern((enum mcp_ver)v))
		return (enum mcp_ver)v;
	return MCP_VER_LATEST_LEGACY;
}

int
mcp_log_level_parse(const char *s)
{
	int	 i;

	for (i = 0; s != NULL && i < MCP_LOG__MAX; i++)
		if (strcmp(s, mcp_log_levels[i]) == 0)
			return i;
	return -1;
}

const char *
mcp_log_level_name(enum mcp_log l)
{
	return mcp_log_levels[l];
}
