-- SPDX-License-Identifier: ISC
-- wrk: POST the JSON-RPC body in $WRK_BODY with the headers an MCP client
-- sends.  wrk's own summary ("Non-2xx or 3xx responses", "Socket errors")
-- is what the load test reads.
wrk.method = "POST"
wrk.body = os.getenv("WRK_BODY")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
wrk.headers["MCP-Protocol-Version"] = "2025-11-25"
