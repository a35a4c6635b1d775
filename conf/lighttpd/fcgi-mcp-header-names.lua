-- SPDX-License-Identifier: ISC
-- Request headers whose names hold anything but letters, digits and '-'
-- ('_', '.', '~', '!' ...) are dropped before the request goes on, as
-- nginx (ignore_invalid_headers, underscores_in_headers off) and Apache
-- do.
--
-- lighttpd passes a header to a FastCGI program as HTTP_ and its name
-- with every character but letters and digits made '_', so Mcp_Name,
-- Mcp.Name, Mcp~Name and Mcp-Name all arrive as HTTP_MCP_NAME.  A proxy
-- in front that routes or filters on Mcp-Method, Mcp-Name or Mcp-Param-*
-- (MCP 2026-07-28), or that sets a header passed on to the API
-- (MCP_FORWARD_HEADERS), would not see such a twin, and mcp.fcgi could
-- not tell it from the real one.
--
-- Loaded by mod_magnet (Debian: lighttpd-modules-lua) from the shipped
-- fcgi-mcp-binpath.conf and fcgi-mcp-spawn.conf.
local names = {}
for k, _ in pairs(lighty.r.req_header) do
	if string.find(k, "[^%w%-]") then
		names[#names + 1] = k
	end
end
for _, k in ipairs(names) do
	lighty.r.req_header[k] = nil
end
return 0
