#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# t_tools_http.sh again with MCP_API_CLIENT=curl: the same tool calls,
# error paths and progress events when libcurl reaches the API (as it
# does for https, host names and proxies) instead of the built-in client.
T_API_CLIENT=curl exec bash "$(dirname "$0")/t_tools_http.sh"
