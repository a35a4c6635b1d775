-- SPDX-License-Identifier: ISC
-- wrk script for bench/run.sh: one request, sent again and again.
--   WRK_METHOD   POST (default) or GET
--   WRK_BODY     a file holding the request body (a JSON-RPC message)
--   WRK_HEADERS  extra headers, one "Name: value" a line
-- done() prints one machine-readable line that run.sh reads:
--   RESULT requests=N duration_us=N rps=X p50_us=N p99_us=N non2xx=N
--          errors=N (connect+read+write+timeout)
wrk.method = os.getenv("WRK_METHOD") or "POST"

local bodyfile = os.getenv("WRK_BODY")
if bodyfile and bodyfile ~= "" then
	local f = assert(io.open(bodyfile, "rb"))
	wrk.body = f:read("*a")
	f:close()
	wrk.headers["Content-Type"] = "application/json"
end
wrk.headers["Accept"] = "application/json, text/event-stream"
for line in (os.getenv("WRK_HEADERS") or ""):gmatch("[^\n]+") do
	local k, v = line:match("^%s*([^:]+):%s*(.-)%s*$")
	if k then
		wrk.headers[k] = v
	end
end

function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format("RESULT requests=%d duration_us=%d rps=%.1f " ..
	    "p50_us=%d p99_us=%d non2xx=%d errors=%d\n",
	    summary.requests, summary.duration,
	    summary.requests / (summary.duration / 1e6),
	    latency:percentile(50), latency:percentile(99), e.status,
	    e.connect + e.read + e.write + e.timeout))
end
