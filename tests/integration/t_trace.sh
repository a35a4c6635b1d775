#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# W3C trace context on tool calls (MCP_TRACE): the traceparent and
# tracestate of a tools/call's _meta, else of its HTTP headers, reach the
# API once and valid, through the built-in client (an API at an IP
# address) and through libcurl (an API by host name); invalid values never
# do; the trace-id and parent-id are in the access line and the audit
# record.  The example API's whoAmI answers with the headers it received.
. "$(dirname "$0")/lib.sh"

MCP_FCGI="$top_builddir/cgi-bin/mcp.fcgi"
API_FCGI="$top_builddir/examples/api.fcgi"
DOC="$top_srcdir/examples/openapi.json"
[ -x "$MCP_FCGI" ] && [ -x "$API_FCGI" ] || bail "programs not built"

start_spawn_fcgi "$T_DIR/api.sock" "$T_DIR/api.log" "$API_FCGI"
start_lighttpd api "
fastcgi.server = ( \"/api\" => (( \"socket\" => \"$T_DIR/api.sock\", \"check-local\" => \"disable\" )) )
"
API_PORT=$PORT

# the caller's traceparent and tracestate also copied by
# MCP_FORWARD_HEADERS: trace.c's values must still go out once;
# X-Request-Id for a header forwarded as it came
FWD='MCP_FORWARD_HEADERS=authorization,traceparent,tracestate,x-request-id'
# sayHello's name mirrored in Mcp-Param-Greet, for a call refused early
printf '%s\n' 'overlay: 1.0.0' 'info: {title: t, version: "1"}' 'actions:' \
    "  - target: \"\$.paths['/hello'].get.parameters[?(@.name == 'name')]\"" \
    '    update: {x-mcp-header: Greet}' > "$T_DIR/greet.yaml"
start_spawn_fcgi "$T_DIR/hc.sock" "$T_DIR/hc.log" "$MCP_FCGI" \
    MCP_OPENAPI="$DOC" MCP_API_BASE_URL="http://127.0.0.1:$API_PORT/api" \
    MCP_OPENAPI_OVERLAY="$T_DIR/greet.yaml" \
    MCP_API_CLIENT=auto MCP_AUDIT_LOG="$T_DIR/hc-audit.log" "$FWD"
start_spawn_fcgi "$T_DIR/curl.sock" "$T_DIR/curl.log" "$MCP_FCGI" \
    MCP_OPENAPI="$DOC" MCP_API_BASE_URL="http://localhost:$API_PORT/api" \
    MCP_API_CLIENT=curl MCP_AUDIT_LOG="$T_DIR/curl-audit.log" "$FWD"
start_spawn_fcgi "$T_DIR/start.sock" "$T_DIR/start.log" "$MCP_FCGI" \
    MCP_OPENAPI="$DOC" MCP_API_BASE_URL="http://127.0.0.1:$API_PORT/api" \
    MCP_TRACE=start MCP_AUDIT_LOG="$T_DIR/start-audit.log"
start_spawn_fcgi "$T_DIR/off.sock" "$T_DIR/off.log" "$MCP_FCGI" \
    MCP_OPENAPI="$DOC" MCP_API_BASE_URL="http://127.0.0.1:$API_PORT/api" \
    MCP_TRACE=off MCP_AUDIT_LOG="$T_DIR/off-audit.log"
start_lighttpd mcp "
fastcgi.server = (
	\"/mcp\" => (( \"socket\" => \"$T_DIR/hc.sock\", \"check-local\" => \"disable\" )),
	\"/curl/mcp\" => (( \"socket\" => \"$T_DIR/curl.sock\", \"check-local\" => \"disable\" )),
	\"/start/mcp\" => (( \"socket\" => \"$T_DIR/start.sock\", \"check-local\" => \"disable\" )),
	\"/off/mcp\" => (( \"socket\" => \"$T_DIR/off.sock\", \"check-local\" => \"disable\" )),
)
"
MCP_BASE=$BASE

TP_META='00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'
TP_HDR='00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'
V='MCP-Protocol-Version: 2025-11-25'

whoami() {	# whoami PREFIX META-JSON [curl args]: tools/call whoAmI
	local prefix=$1 meta=$2
	shift 2
	BASE="$MCP_BASE$prefix" mcp "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"whoAmI\",\"arguments\":{}$meta}}" \
	    -H "$V" "$@"
}
got() {		# got HEADER: what the API received ("null": nothing)
	printf '%s' "$BODY" | grep -o "\"structuredContent\":{.*" |
	    grep -oE "\"$1\":(\"[^\"]*\"|null)" | head -1 | sed "s/^\"$1\"://"
}

for client in hc curl; do
	case $client in
	hc) P="" ; L=built-in ;;
	curl) P=/curl ; L=libcurl ;;
	esac

	# 2026-07-28: the keys traceparent and tracestate in params._meta
	BASE="$MCP_BASE$P" mcp "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"whoAmI\",\"arguments\":{},\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{},\"traceparent\":\"$TP_META\",\"tracestate\":\"rojo=00f067aa0ba902b7,congo=t61rcWkgMzE\"}}}" \
	    -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/call' -H 'Mcp-Name: whoAmI'
	is "$STATUS" 200 "$L: 2026-07-28 tools/call 200"
	like "$BODY" '"structuredContent":\{.*\},"resultType":"complete","_meta":\{"io.modelcontextprotocol/serverInfo":\{' \
	    "$L: a JSON answer's result has structuredContent, resultType and _meta"
	is "$(got traceparent)" "\"$TP_META\"" "$L: _meta's traceparent reached the API"
	is "$(got tracestate)" '"rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"' \
	    "$L: ... with _meta's tracestate"

	whoami "$P" '' -H "traceparent: $TP_HDR" -H 'tracestate: congo=t61rcWkgMzE'
	is "$(got traceparent)" "\"$TP_HDR\"" "$L: the HTTP traceparent header alone: passed on, once"
	is "$(got tracestate)" '"congo=t61rcWkgMzE"' "$L: ... with its tracestate"

	whoami "$P" ",\"_meta\":{\"traceparent\":\"$TP_META\"}" \
	    -H "traceparent: $TP_HDR" -H 'tracestate: congo=t61rcWkgMzE'
	is "$(got traceparent)" "\"$TP_META\"" "$L: _meta and header: _meta wins, the header not sent too"
	is "$(got tracestate)" null "$L: ... and not the header's tracestate with it"

	whoami "$P" ',"_meta":{"traceparent":"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"}'
	is "$(got traceparent)" null "$L: an invalid _meta traceparent (uppercase) is not sent"
	whoami "$P" ',"_meta":{"traceparent":"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"}' \
	    -H "traceparent: $TP_HDR"
	is "$(got traceparent)" "\"$TP_HDR\"" "$L: ... the header is used instead"
	whoami "$P" '' -H 'traceparent: 00-00000000000000000000000000000000-b7ad6b7169203331-01' \
	    -H 'tracestate: congo=1'
	is "$(got traceparent)" null "$L: an all-zero trace-id in the header: not forwarded, though MCP_FORWARD_HEADERS names it"
	is "$(got tracestate)" null "$L: ... nor its tracestate"
	whoami "$P" '' -H 'traceparent: ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'
	is "$(got traceparent)" null "$L: version ff: not forwarded"
	whoami "$P" '' -H "traceparent: $TP_HDR" -H 'tracestate: Congo=1,rojo=2'
	is "$(got traceparent)" "\"$TP_HDR\"" "$L: an invalid tracestate: traceparent still sent"
	is "$(got tracestate)" null "$L: ... the tracestate not"
	whoami "$P" '' -H 'traceparent: cc-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-future'
	is "$(got traceparent)" "\"$TP_HDR\"" "$L: a higher version: sent on as 00 from its first four fields"
	whoami "$P" '' -H "traceparent: $TP_HDR" -H "traceparent: $TP_META"
	is "$(got traceparent)" null "$L: two traceparent headers: neither is sent"
	# a header of MCP_FORWARD_HEADERS also sent under a name that the
	# web server passes under the same variable (X_Request-Id): a proxy
	# in front may have checked or set only the one it knows
	whoami "$P" '' -H 'X-Request-Id: r-1'
	is "$(got x_request_id)" '"r-1"' "$L: X-Request-Id forwarded (MCP_FORWARD_HEADERS)"
	whoami "$P" '' -H 'X_Request-Id: evil' -H 'X-Request-Id: r-1'
	like "$STATUS:$BODY" '^200:.*"isError":true' "$L: X_Request-Id beside X-Request-Id: the call is refused"
	like "$BODY" 'header x-request-id more than once' "$L: ... saying why"
	unlike "$BODY" 'evil' "$L: ... and the API was not called with either"
	whoami "$P" ''
	is "$(got traceparent)" null "$L: no context: none invented (MCP_TRACE=forward)"
done

sleep 0.2
like "$(cat "$T_DIR/hc.log")" "rpc=tools/call status=200 duration_ms=[0-9.]+ tool=whoAmI upstream_status=200 upstream_ms=[0-9.]+ trace_id=4bf92f3577b34da6a3ce929d0e0e4736 parent_id=00f067aa0ba902b7" \
    "the access line has trace_id and parent_id"
like "$(cat "$T_DIR/hc-audit.log")" '"tool":"whoAmI".*"trace_id":"0af7651916cd43dd8448eb211c80319c","parent_id":"b7ad6b7169203331"\}' \
    "the audit record has them too"
like "$(cat "$T_DIR/curl-audit.log")" '"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","parent_id":"00f067aa0ba902b7"\}' \
    "... for the libcurl client's calls as well"
unlike "$(cat "$T_DIR/hc-audit.log" "$T_DIR/hc.log")" 'rojo|congo|t61rcWkgMzE' \
    "nothing of tracestate in the logs"
unlike "$(cat "$T_DIR/hc.log")" 'trace_id=0{32}' "an invalid trace-id is never logged"

# an unknown tool: refused, the audit record still has the trace-id
whoami "" ",\"_meta\":{\"traceparent\":\"$TP_META\"}" >/dev/null
BASE="$MCP_BASE" mcp "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"noSuchTool\",\"_meta\":{\"traceparent\":\"00-11111111111111111111111111111111-2222222222222222-01\"}}}" -H "$V"
sleep 0.2
like "$(cat "$T_DIR/hc-audit.log")" '"outcome":"refused".*"trace_id":"11111111111111111111111111111111","parent_id":"2222222222222222"' \
    "a refused call's audit record has the trace-id"
# refused before the call is parsed (an Mcp-Param-* header that says
# another value than the body): the same
BASE="$MCP_BASE" mcp "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"sayHello\",\"arguments\":{\"name\":\"bob\"},\"_meta\":{\"traceparent\":\"00-33333333333333333333333333333333-4444444444444444-01\"}}}" \
    -H "$V" -H 'Mcp-Param-Greet: alice'
like "$STATUS:$BODY" '^400:.*-32020' "a header that does not match the body: 400 -32020"
sleep 0.2
like "$(cat "$T_DIR/hc-audit.log")" '"error":"header_mismatch".*"trace_id":"33333333333333333333333333333333","parent_id":"4444444444444444"' \
    "... its audit record has the trace-id"
like "$(grep 'status=400' "$T_DIR/hc.log")" 'trace_id=33333333333333333333333333333333' \
    "... and its access line"

# MCP_TRACE=start: a call without a context starts a trace
whoami /start ''
tp=$(got traceparent)
like "$tp" '^"00-[0-9a-f]{32}-[0-9a-f]{16}-03"$' "start: a new traceparent sent (sampled, random)"
tid=$(printf '%s' "$tp" | cut -c5-36)
sleep 0.2
like "$(cat "$T_DIR/start.log")" "trace_id=$tid " "start: its trace-id in the access line"
like "$(cat "$T_DIR/start-audit.log")" "\"trace_id\":\"$tid\"" "start: and in the audit record"
whoami /start ''
unlike "$(got traceparent)" "$tid" "start: another trace for the next call"
whoami /start ",\"_meta\":{\"traceparent\":\"$TP_META\"}"
is "$(got traceparent)" "\"$TP_META\"" "start: a call with a context keeps it"

# MCP_TRACE=off: nothing sent, nothing logged
whoami /off ",\"_meta\":{\"traceparent\":\"$TP_META\"}" -H "traceparent: $TP_HDR"
is "$(got traceparent)" null "off: no traceparent sent"
sleep 0.2
unlike "$(cat "$T_DIR/off.log" "$T_DIR/off-audit.log")" 'trace_id' "off: no trace_id logged"

MCP_TRACE=bogus "$MCP_FCGI" --check-config >"$T_DIR/cc.out" 2>&1
rc=$?
is "$rc" 78 "MCP_TRACE=bogus: refused at start-up (exit 78)"
like "$(cat "$T_DIR/cc.out")" 'MCP_TRACE' "... naming the variable"

done_testing
