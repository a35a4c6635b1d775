-- SPDX-License-Identifier: ISC
-- wrk for tests/load/t_fleet.sh: POST the tools/call in $WRK_BODY with
-- the bearer token in $WRK_TOKEN, $WRK_DELAY_MS (default 0) between two
-- requests of a connection, and sort every answer:
--   ok       200 with a tool result that is not isError
--   limited  429 with Retry-After in seconds and the JSON-RPC error -31429
--   bad429   a 429 without them
--   other    anything else (its status is listed)
-- done() prints one line, "FLEET ok=... limited=... bad429=... other=...
-- connect=... read=... write=... timeout=... statuses=...", for the test.
wrk.method = "POST"
wrk.body = os.getenv("WRK_BODY")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
wrk.headers["MCP-Protocol-Version"] = "2025-11-25"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("WRK_TOKEN") or "")

local threads = {}
local pause = tonumber(os.getenv("WRK_DELAY_MS") or "0") or 0

function setup(thread)
	table.insert(threads, thread)
end

function init(args)
	ok, limited, bad429, other, statuses = 0, 0, 0, 0, ""
end

if pause > 0 then
	function delay()
		return pause
	end
end

function response(status, headers, body)
	if status == 200 then
		if body:find('"result":{', 1, true) and
		    not body:find('"isError":true', 1, true) then
			ok = ok + 1
			return
		end
	elseif status == 429 then
		local ra = headers["Retry-After"] or headers["retry-after"]
		if ra ~= nil and ra:match("^[1-9][0-9]*$") and
		    body:find('"code":-31429', 1, true) then
			limited = limited + 1
		else
			bad429 = bad429 + 1
		end
		return
	end
	other = other + 1
	if #statuses < 200 then
		statuses = statuses .. " " .. status
	end
end

function done(summary, latency, requests)
	local t = { ok = 0, limited = 0, bad429 = 0, other = 0 }
	local st = ""
	for _, th in ipairs(threads) do
		for k, _ in pairs(t) do
			t[k] = t[k] + th:get(k)
		end
		st = st .. th:get("statuses")
	end
	local e = summary.errors
	io.write(string.format("FLEET ok=%d limited=%d bad429=%d other=%d " ..
	    "connect=%d read=%d write=%d timeout=%d statuses=%s\n", t.ok,
	    t.limited, t.bad429, t.other, e.connect, e.read, e.write,
	    e.timeout, st == "" and "-" or st))
end
