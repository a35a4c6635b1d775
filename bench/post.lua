-- SPDX-License-Identifier: ISC
-- wrk script for bench/run.sh: one request, sent again and again.
--   WRK_METHOD   POST (default) or GET
--   WRK_BODY     a file holding the request body (a JSON-RPC message)
--   WRK_HEADERS  extra headers, one "Name: value" a line
--   WRK_TOKENS   a file of Bearer tokens, one a line: every request
--                carries the next one (a cold token each time); thread k
--                of WRK_THREADS takes tokens k, k+n, k+2n..., so no two
--                threads send the same token at about the same time
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

local tokfile = os.getenv("WRK_TOKENS")
if tokfile and tokfile ~= "" then
	local tokens = {}
	for t in io.lines(tokfile) do
		if t ~= "" then
			tokens[#tokens + 1] = "Bearer " .. t
		end
	end
	assert(#tokens > 0, "WRK_TOKENS: no token in " .. tokfile)
	local nthreads = 0
	local step = tonumber(os.getenv("WRK_THREADS") or "1") or 1
	local pos = 0

	-- setup() runs in the main state, once per thread, before it starts
	function setup(thread)
		thread:set("tid", nthreads)
		nthreads = nthreads + 1
	end

	function init(args)
		pos = tid or 0
	end

	-- a request built per call (wrk then sends each one as it is made)
	function request()
		wrk.headers["Authorization"] = tokens[pos % #tokens + 1]
		pos = pos + step
		return wrk.format()
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
