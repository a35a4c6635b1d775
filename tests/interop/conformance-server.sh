#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# The official conformance suite's server scenarios, newest version
# (@modelcontextprotocol/conformance 0.2.0-alpha, installed under the npm
# alias conformance-as, pinned), for the 2026-07-28 and the 2025-11-25
# requirement sets, against mcp.fcgi behind lighttpd with the tools of
# tests/fixtures/conformance-openapi.json calling the example API.
#
# Every scenario is classified here.  One a tools gateway can serve must
# pass (no FAILURE check).  One it cannot (README.md, "Conformance")
# must still fail, and only for the reason written down: each failing or
# warning check's message must match the scenario's pattern, so that a
# scenario that starts to pass, or fails for a new reason, shows up here
# instead of hiding in the list.  A scenario the suite adds is reported
# until it is classified.
. "$(dirname "$0")/../integration/lib.sh"

MCP_FCGI="$top_builddir/cgi-bin/mcp.fcgi"
API_FCGI="$top_builddir/examples/api.fcgi"
[ -x "$MCP_FCGI" ] && [ -x "$API_FCGI" ] || bail "programs not built"
need_node_modules
CONF="$IDIR/node_modules/conformance-as/dist/index.js"
[ -f "$CONF" ] || bail "conformance-as not installed (npm ci in tests/interop)"

start_spawn_fcgi "$T_DIR/api.sock" "$T_DIR/api.log" "$API_FCGI"
start_lighttpd api "
fastcgi.server = ( \"/api\" => (( \"socket\" => \"$T_DIR/api.sock\", \"check-local\" => \"disable\" )) )
"
API="$BASE/api"
# legacy clients cannot carry a log level, and logging/setLevel is not
# remembered between requests: MCP_LEGACY_LOG_LEVEL is the operator's
# level for them (tools-call-with-logging asks for debug)
start_spawn_fcgi "$T_DIR/conf.sock" "$T_DIR/conf.log" "$MCP_FCGI" \
    MCP_OPENAPI="$top_srcdir/tests/fixtures/conformance-openapi.json" \
    MCP_API_BASE_URL="$API" MCP_LEGACY_LOG_LEVEL=debug
start_lighttpd conf "
fastcgi.server = (
	\"/mcp\" => (( \"socket\" => \"$T_DIR/conf.sock\", \"check-local\" => \"disable\" )),
)
"
URL="$BASE/mcp"

# scenario|pattern: not applicable to a gateway; every FAILURE or
# WARNING check of the scenario must match the pattern (grep -E)
NA_PROMPTS='Method not found: prompts/'
NA_RESOURCES='Method not found: resources/'
NA_INPUT='Unknown tool: test_input_required_result_|Method not found: prompts/get|InputRequiredResult'
NA_TASKS='Unknown tool: |no task was created|got -32601|MUST be advertised|fixture from Check 2 unavailable|spec requires -32021|subscriptions/listen'
NA_2026="server-stateless|diagnostic tool '(test_missing_capability|test_streaming_elicitation)'
caching|-32601: Method not found: (prompts|resources)/
completion-complete|Method not found: completion/complete
resources-list|$NA_RESOURCES
resources-read-text|$NA_RESOURCES
resources-read-binary|$NA_RESOURCES
resources-templates-read|$NA_RESOURCES
prompts-list|$NA_PROMPTS
prompts-get-simple|$NA_PROMPTS
prompts-get-with-args|$NA_PROMPTS
prompts-get-embedded-resource|$NA_PROMPTS
prompts-get-with-image|$NA_PROMPTS
input-required-result-basic-elicitation|$NA_INPUT
input-required-result-basic-sampling|$NA_INPUT
input-required-result-basic-list-roots|$NA_INPUT
input-required-result-request-state|$NA_INPUT
input-required-result-multiple-input-requests|$NA_INPUT
input-required-result-multi-round|$NA_INPUT
input-required-result-missing-input-response|$NA_INPUT|re-requesting via InputRequiredResult
input-required-result-non-tool-request|$NA_INPUT
input-required-result-result-type|$NA_INPUT
input-required-result-tampered-state|$NA_INPUT
input-required-result-capability-check|$NA_INPUT
input-required-result-ignore-extra-params|$NA_INPUT
tasks-lifecycle|$NA_TASKS
tasks-capability-negotiation|$NA_TASKS
tasks-wire-fields|$NA_TASKS
tasks-request-state-removal|$NA_TASKS
tasks-mrtr-input|$NA_TASKS
tasks-request-headers|$NA_TASKS
tasks-dispatch-and-envelope|$NA_TASKS
tasks-status-notifications|$NA_TASKS
tasks-required-task-error|$NA_TASKS
tasks-mrtr-composition|$NA_TASKS"
PASS_2026="tools-list tools-call-simple-text tools-call-image tools-call-audio
tools-call-embedded-resource tools-call-mixed-content tools-call-error
tools-call-with-progress server-sse-multiple-streams sep-2164-resource-not-found
dns-rebinding-protection json-schema-2020-12 http-header-validation
http-custom-header-server-validation input-required-result-unsupported-methods
input-required-result-validate-input"

NA_2025="completion-complete|Method not found: completion/complete
tools-call-sampling|Unknown tool: test_sampling
tools-call-elicitation|Unknown tool: test_elicitation
elicitation-sep1034-defaults|Unknown tool: test_elicitation_sep1034_defaults
elicitation-sep1330-enums|Unknown tool: test_elicitation_sep1330_enums
resources-list|$NA_RESOURCES
resources-read-text|$NA_RESOURCES
resources-read-binary|$NA_RESOURCES
resources-templates-read|$NA_RESOURCES
resources-subscribe|$NA_RESOURCES
resources-unsubscribe|$NA_RESOURCES
prompts-list|$NA_PROMPTS
prompts-get-simple|$NA_PROMPTS
prompts-get-with-args|$NA_PROMPTS
prompts-get-embedded-resource|$NA_PROMPTS
prompts-get-with-image|$NA_PROMPTS"
# server-session-lifecycle, server-sse-polling and (in 2025-11-25)
# server-sse-multiple-streams check sessions and resumable streams, which
# a server that keeps nothing between requests does not offer: the suite
# records that as INFO/WARNING and passes them
PASS_2025="server-initialize logging-set-level ping tools-list
tools-call-simple-text tools-call-image tools-call-audio
tools-call-embedded-resource tools-call-mixed-content tools-call-with-logging
tools-call-error tools-call-with-progress dns-rebinding-protection
json-schema-2020-12 server-sse-multiple-streams server-session-lifecycle
server-sse-polling"

checks() {	# checks FILE: one "STATUS id: message" line per check
	"$NODE22" -e '
		const c = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		for (const k of c) console.log(`${k.status} ${k.id}: ${(k.errorMessage || "").replace(/\s+/g, " ")}`);
	' "$1" 2>&1
}

# run REQUIREMENTS NA-TABLE PASS-LIST
run() {
	local req=$1 na=$2 pass=$3 out dir s f lines bad pat seen=""
	out="$T_DIR/results-$req"
	mkdir -p "$out"
	(cd "$T_DIR" && timeout 300 "$NODE22" "$CONF" server --url "$URL" \
	    --requirements "$req" -o "$out" </dev/null >"$out.log" 2>&1)
	ok "$([ -n "$(ls "$out" 2>/dev/null)" ]; echo $?)" \
	    "$req: the suite ran ($(grep -m1 '^Total:' "$out.log"))"
	for dir in "$out"/server-*/; do
		[ -f "$dir/checks.json" ] || continue
		s=$(basename "$dir" | sed -E 's/^server-//; s/-[0-9]{4}-[0-9]{2}-[0-9]{2}T.*$//')
		seen="$seen $s"
		lines=$(checks "$dir/checks.json")
		pat=$(printf '%s\n' "$na" | grep -m1 "^$s|" | cut -d'|' -f2-)
		if [ -n "$pat" ]; then
			bad=$(printf '%s\n' "$lines" | grep -E '^(FAILURE|WARNING) ' |
			    grep -Ev -- "$pat")
			f=$(printf '%s\n' "$lines" | grep -cE '^(FAILURE|WARNING|SKIPPED) ')
			ok "$([ -z "$bad" ] && [ "$f" -gt 0 ]; echo $?)" \
			    "$req: $s: not applicable, fails for the documented reason only"
			[ "$f" -gt 0 ] || echo "#   it passes now: move it to the passing list and README.md"
			[ -z "$bad" ] || printf '%s\n' "$bad" | sed 's/^/#   /'
		elif printf ' %s ' $pass | grep -q " $s "; then
			bad=$(printf '%s\n' "$lines" | grep '^FAILURE ')
			ok "$([ -z "$bad" ]; echo $?)" "$req: $s ($(printf '%s\n' "$lines" |
			    grep -c '^SUCCESS ') checks passed)"
			printf '%s\n' "$lines" | grep -E '^(FAILURE|WARNING) ' | sed 's/^/#   /'
		else
			ok 1 "$req: $s: a scenario this test does not know: classify it"
			printf '%s\n' "$lines" | sed 's/^/#   /'
		fi
	done
	for s in $pass $(printf '%s\n' "$na" | cut -d'|' -f1); do
		printf ' %s ' $seen | grep -q " $s " ||
		    ok 1 "$req: $s: expected, but the suite did not run it"
	done
}

run 2026-07-28 "$NA_2026" "$PASS_2026"
run 2025-11-25 "$NA_2025" "$PASS_2025"

# What the suite does not look at.  A modern request that asks for a log
# level hears about the API call; one that does not, hears nothing.
META='"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}'
H=(-H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream'
   -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/call')
http POST "$URL" "${H[@]}" -H 'Mcp-Name: test_logging_tool' --data-binary \
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"test_logging_tool\",\"arguments\":{},$META,\"io.modelcontextprotocol/logLevel\":\"info\"}}}"
like "$BODY" '"level":"info",[^}]*"data":"calling the API: GET /api/status"' \
    "logLevel info: the API call is logged"
like "$BODY" '"data":"the API answered 200 \(application/json, [0-9]+ bytes\) in [0-9.]+ ms"' \
    "logLevel info: and its answer"
unlike "$BODY" '"level":"debug"' "logLevel info: nothing below info"
# a header parameter's value travels in Mcp-Param-X-Request-Id too: the
# API gets the body's value, and a header that disagrees is refused
http POST "$URL" "${H[@]}" -H 'Mcp-Name: echo_request_headers' \
    -H 'Mcp-Param-X-Request-Id: =?base64?cmVxIDE=?=' --data-binary \
    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"echo_request_headers\",\"arguments\":{\"X-Request-Id\":\"req 1\"},$META}}}"
like "$BODY" '"x_request_id":"req 1"' "Mcp-Param header matches (base64): the API gets the value"
http POST "$URL" "${H[@]}" -H 'Mcp-Name: echo_request_headers' \
    -H 'Mcp-Param-X-Request-Id: req-2' --data-binary \
    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"echo_request_headers\",\"arguments\":{\"X-Request-Id\":\"req-1\"},$META}}}"
is "$STATUS" 400 "Mcp-Param header that disagrees: 400"
like "$BODY" '"code":-32020,"message":"Header mismatch: Mcp-Param-X-Request-Id header does not match' \
    "and -32020 HeaderMismatch naming the header"
# The attacker's ways round the check.  lighttpd hands Mcp_Param_X_Request_Id
# and Mcp-Param-X-Request-Id to FastCGI under one name, both: a balancer
# routing on the dash spelling must not see another value than the API.
CALL1="{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"echo_request_headers\",\"arguments\":{\"X-Request-Id\":\"eu\"},$META}}}"
http POST "$URL" "${H[@]}" -H 'Mcp-Name: echo_request_headers' \
    -H 'Mcp_Param_X_Request_Id: eu' -H 'Mcp-Param-X-Request-Id: us' \
    --data-binary "$CALL1"
is "$STATUS" 400 "Mcp-Param header twice (one spelled with '_'): 400"
like "$BODY" 'Mcp-Param-X-Request-Id header is sent more than once' "... saying so"
unlike "$BODY" '"x_request_id"' "... and the API was not called"
http POST "$URL" "${H[@]}" -H 'Mcp_Name: echo_request_headers' \
    -H 'Mcp-Name: test_logging_tool' -H 'Mcp-Param-X-Request-Id: eu' \
    --data-binary "$CALL1"
is "$STATUS" 400 "Mcp-Name twice (one spelled with '_'): 400"
like "$BODY" 'Mcp-Name header is sent more than once' "... saying so"
# a request that claims an earlier version need not send these headers,
# but those it sends must agree with the body
LEG=(-H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream'
   -H 'MCP-Protocol-Version: 2025-06-18')
CALL2='{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"echo_request_headers","arguments":{"X-Request-Id":"eu"}}}'
http POST "$URL" "${LEG[@]}" -H 'Mcp-Name: test_logging_tool' --data-binary "$CALL2"
is "$STATUS" 400 "2025-06-18 request with an Mcp-Name that disagrees: 400"
http POST "$URL" "${LEG[@]}" -H 'Mcp-Param-X-Request-Id: us' --data-binary "$CALL2"
is "$STATUS" 400 "2025-06-18 request with an Mcp-Param header that disagrees: 400"
like "$BODY" '"code":-32020' "... -32020"
http POST "$URL" "${LEG[@]}" --data-binary "$CALL2"
like "$BODY" '"x_request_id":"eu"' "2025-06-18 request without the headers: served"
http POST "$URL" "${LEG[@]}" -H 'Mcp-Name: echo_request_headers' \
    -H 'Mcp-Param-X-Request-Id: eu' --data-binary "$CALL2"
like "$BODY" '"x_request_id":"eu"' "2025-06-18 request with headers that agree: served"

done_testing
