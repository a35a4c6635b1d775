#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Tools follow the token, and every tool call is audited (issue #14,
# items 2 and 3), with real tokens from a real OAuth provider
# (oidc-provider, pinned in tests/interop, on loopback) through lighttpd:
# MCP_LIST_TOOLS_BY_SCOPE lists only the tools a token's scopes allow
# (cacheScope private in 2026-07-28, cursors that stay consistent),
# MCP_SCOPE_IMPLIES lets a broad scope stand for narrower ones, a hidden
# tool called still gets the 403 step-up, and MCP_AUDIT_LOG writes one
# JSON line per tools/call with the token's sub and client id, never
# the token.  In examples/openapi.json createItem, updateItem and
# deleteItem need items:write, getAdminStats needs admin.
. "$(dirname "$0")/../integration/lib.sh"

MCP_FCGI="$top_builddir/cgi-bin/mcp.fcgi"
API_FCGI="$top_builddir/examples/api.fcgi"
[ -x "$MCP_FCGI" ] && [ -x "$API_FCGI" ] || bail "programs not built"
need_node_modules

# start-up: malformed values stop the program (78), naming the variable
out=$(env -i MCP_SCOPE_IMPLIES="admin:read,write" "$MCP_FCGI" --check-config 2>&1)
is "$?" 78 "MCP_SCOPE_IMPLIES without '=': exit 78"
like "$out" "^MCP_SCOPE_IMPLIES: 'admin:read,write': each rule is BROAD=NARROW" "... naming the variable and the rule"
out=$(env -i MCP_AUDIT_LOG="$T_DIR/no/such/dir/audit.log" "$MCP_FCGI" --check-config 2>&1)
is "$?" 78 "MCP_AUDIT_LOG in a missing directory: exit 78"
like "$out" "^MCP_AUDIT_LOG: cannot open $T_DIR/no/such/dir/audit.log: No such file" "... naming the variable and why"

CID=fcgi-mcp-test
CSEC=test-secret-4711
CB=http://127.0.0.1:9/cb
SCOPED="createItem deleteItem getAdminStats updateItem"

start_lighttpd scopes "
fastcgi.server = (
	\"/api\" => (( \"socket\" => \"$T_DIR/api.sock\", \"check-local\" => \"disable\" )),
	\"/scoped/mcp\" => (( \"socket\" => \"$T_DIR/scoped.sock\", \"check-local\" => \"disable\" )),
	\"/plain/mcp\" => (( \"socket\" => \"$T_DIR/plain.sock\", \"check-local\" => \"disable\" )),
)
"
start_provider provider --client-id "$CID" \
    --client-secret "$CSEC" --redirect-uri "$CB" \
    --resource "$BASE/scoped/mcp" --resource "$BASE/plain/mcp" \
    --resource "$BASE/api" \
    --resource-scopes "read write admin items:write super"
ok 0 "oidc-provider up at $ISS"

start_spawn_fcgi "$T_DIR/api.sock" "$T_DIR/api.log" "$API_FCGI"
printf '%s\n' "$CSEC" >"$T_DIR/secret"
COMMON="MCP_OPENAPI=$top_srcdir/examples/openapi.json MCP_API_BASE_URL=$BASE/api
MCP_OAUTH_ISSUER=$ISS MCP_AUTH=jwt MCP_REQUIRED_SCOPES=read MCP_JWT_TYP=at+jwt"
# /scoped: listing by scope, super implies admin and items:write, pages
# of five, the audit in a file, the API reached with our own token
start_spawn_fcgi "$T_DIR/scoped.sock" "$T_DIR/scoped.log" "$MCP_FCGI" $COMMON \
    MCP_PUBLIC_URL="$BASE/scoped" MCP_LIST_TOOLS_BY_SCOPE=1 \
    MCP_SCOPE_IMPLIES="super=admin,items:write" MCP_PAGE_SIZE=5 \
    MCP_AUDIT_LOG="$T_DIR/audit.log" \
    MCP_UPSTREAM_AUTH=client_credentials MCP_OAUTH_CLIENT_ID="$CID" \
    MCP_OAUTH_CLIENT_SECRET_FILE="$T_DIR/secret" \
    MCP_UPSTREAM_SCOPE=read MCP_UPSTREAM_RESOURCE="$BASE/api"
# /plain: every tool listed, the audit on stderr (the default)
start_spawn_fcgi "$T_DIR/plain.sock" "$T_DIR/plain.log" "$MCP_FCGI" $COMMON \
    MCP_PUBLIC_URL="$BASE/plain"

token() {	# token RESOURCE SCOPE: a real client_credentials grant
	curl -s -u "$CID:$CSEC" "$ISS/token" -d grant_type=client_credentials \
	    --data-urlencode "scope=$2" --data-urlencode "resource=$1" |
	    sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p'
}
# user_token RESOURCE SCOPE: alice signs in (tests/interop/browser.sh),
# the code is redeemed with PKCE: a token with a person's sub
user_token() {
	local loc code
	pkce
	loc=$(BROWSER_STOP=$CB BROWSER_JAR="$T_DIR/jar" "$IDIR/browser.sh" \
	    "$ISS/auth?response_type=code&client_id=$CID&redirect_uri=$(urlenc "$CB")&state=s&code_challenge=$CHALLENGE&code_challenge_method=S256&scope=$(urlenc "$2")&resource=$(urlenc "$1")")
	code=$(printf '%s\n' "$loc" | sed -n 's/.*[?&]code=\([^&#]*\).*/\1/p')
	curl -s -u "$CID:$CSEC" "$ISS/token" -d grant_type=authorization_code \
	    --data-urlencode "code=$code" --data-urlencode "redirect_uri=$CB" \
	    --data-urlencode "code_verifier=$VERIFIER" |
	    sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p'
}
list() {	# list PREFIX TOKEN [CURSOR]: legacy tools/list
	local p=$1 t=$2 params=""
	[ -n "${3:-}" ] && params=",\"params\":{\"cursor\":\"$3\"}"
	http POST "$BASE$p/mcp" -H 'Content-Type: application/json' \
	    -H 'Accept: application/json, text/event-stream' \
	    -H 'MCP-Protocol-Version: 2025-11-25' -H "Authorization: Bearer $t" \
	    --data-binary "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"$params}"
}
list_modern() {	# list_modern PREFIX TOKEN [CURSOR]: 2026-07-28 tools/list
	local p=$1 t=$2 c=""
	[ -n "${3:-}" ] && c="\"cursor\":\"$3\","
	http POST "$BASE$p/mcp" -H 'Content-Type: application/json' \
	    -H 'Accept: application/json, text/event-stream' \
	    -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/list' \
	    -H "Authorization: Bearer $t" \
	    --data-binary "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{$c$MODERN_META}}"
}
call() {	# call PREFIX TOKEN TOOL ARGS
	http POST "$BASE$1/mcp" -H 'Content-Type: application/json' \
	    -H 'Accept: application/json, text/event-stream' \
	    -H 'MCP-Protocol-Version: 2025-11-25' -H "Authorization: Bearer $2" \
	    --data-binary "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"$3\",\"arguments\":$4}}"
}
jsel() {	# jsel EXPR: evaluate EXPR on r, the parsed $BODY
	printf '%s' "$BODY" | "$NODE22" -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const r=JSON.parse(s);const v=($1);console.log(v===undefined?'':v);})"
}
names() { jsel "r.result.tools.map(t=>t.name).join(' ')"; }
next_cursor() { jsel "r.result.nextCursor"; }
walk() {	# walk PREFIX TOKEN: every page; sets ALL and PAGES (sizes)
	local c="" n
	ALL="" PAGES=""
	for i in $(seq 1 20); do
		list "$1" "$2" "$c"
		[ "$STATUS" = 200 ] || { PAGES="$PAGES status$STATUS"; return; }
		n=$(names)
		ALL="$ALL $n"
		PAGES="$PAGES $(printf '%s\n' $n | grep -c .)"
		c=$(next_cursor)
		[ -n "$c" ] || break
	done
	ALL=$(printf '%s\n' $ALL | sort | tr '\n' ' ')
}
without() {	# without "LIST" "REMOVE": LIST without the words of REMOVE, sorted
	printf '%s\n' $1 | grep -vxF -f <(printf '%s\n' $2) | sort | tr '\n' ' '
}

T_READ=$(token "$BASE/scoped/mcp" read)
T_ADMIN=$(token "$BASE/scoped/mcp" "read admin")
T_SUPER=$(token "$BASE/scoped/mcp" "read super")
T_PLAIN=$(token "$BASE/plain/mcp" "read")
ok "$([ -n "$T_READ" ] && [ -n "$T_ADMIN" ] && [ -n "$T_SUPER" ] && [ -n "$T_PLAIN" ] && echo 0 || echo 1)" \
    "JWT access tokens from real grants (read; read admin; read super)"

# every tool, from the instance that lists them all
list /plain "$T_PLAIN"
is "$STATUS" 200 "plain: tools/list 200"
# shellcheck disable=SC2046 # one name a line
FULL=$(printf '%s\n' $(names) | sort | tr '\n' ' ')
like "$FULL" 'getAdminStats.*updateItem' "plain: every tool listed to a read token, the admin one too"

# --- listing by scope ---
walk /scoped "$T_READ"
is "$ALL" "$(without "$FULL" "$SCOPED")" \
    "read: every tool but the four that need admin or items:write, across pages"
unlike "$PAGES" '(^| )0( |$)' "read: no page is empty (pages of$PAGES)"
walk /scoped "$T_ADMIN"
is "$ALL" "$(without "$FULL" "createItem deleteItem updateItem")" \
    "read admin: getAdminStats appears, the items:write tools do not"
walk /scoped "$T_SUPER"
is "$ALL" "$FULL" "read super: super implies admin and items:write: every tool"
like "$PAGES" '^ 5 5 5' "super: full pages of five"

# a cursor handed to one token, presented by another
list /scoped "$T_SUPER"
C1=$(next_cursor)
list /scoped "$T_SUPER" "$C1"
SUPER_P2=$(names)
list /scoped "$T_READ" "$C1"
is "$STATUS" 200 "read with super's cursor: 200"
READ_P2=$(names)
is "$(printf '%s\n' $READ_P2 | grep -cxF -f <(printf '%s\n' $SCOPED))" 0 \
    "... shows no hidden tool"
first=$(printf '%s\n' $SUPER_P2 | grep -vxF -f <(printf '%s\n' $SCOPED) | head -1)
is "$(printf '%s\n' $READ_P2 | head -1)" "$first" \
    "... and starts where super's page two starts, skipping nothing read may see"
list /scoped "$T_READ" "djE6MzpkZWFkYmVlZg"
like "$BODY" '"code":-32602' "a forged cursor: -32602"

# --- 2026-07-28: cacheScope ---
list_modern /scoped "$T_READ"
is "$STATUS" 200 "2026-07-28 listing by scope: 200"
is "$(jsel 'r.result.cacheScope')" private "2026-07-28: cacheScope private when the list depends on the token"
is "$(jsel 'typeof r.result.ttlMs')" number "... with ttlMs"
list_modern /scoped "$T_READ" "$(next_cursor)"
is "$(jsel 'r.result.cacheScope')" private "... on the next page too"
list_modern /plain "$T_PLAIN"
is "$(jsel 'r.result.cacheScope')" public "without MCP_LIST_TOOLS_BY_SCOPE: cacheScope public"
list /scoped "$T_READ"
is "$(jsel "'cacheScope' in r.result")" false "2025-11-25: no cacheScope"

# --- calling ---
call /scoped "$T_READ" getAdminStats '{}'
is "$STATUS" 403 "read calls the hidden getAdminStats: 403, not unknown tool"
is "$(header WWW-Authenticate)" "Bearer resource_metadata=\"$BASE/scoped/.well-known/oauth-protected-resource/mcp\", scope=\"read admin\", error=\"insufficient_scope\", error_description=\"the token lacks a scope this tool needs\"" \
    "... a step-up challenge naming admin"
call /scoped "$T_SUPER" getAdminStats '{}'
is "$STATUS" 200 "super (implies admin) calls getAdminStats: 200"
like "$BODY" '"structuredContent":\{"items":[0-9]+,"requests":[0-9]+\}' \
    "... the API answers it (our own token reaches /admin/stats)"
T_SUPERONLY=$(token "$BASE/scoped/mcp" "super")
list /scoped "$T_SUPERONLY"
is "$STATUS" 403 "super alone does not imply read (MCP_REQUIRED_SCOPES): 403"
like "$(header WWW-Authenticate)" 'scope="read", error="insufficient_scope"' "... named in the challenge"

# --- audit ---
T_ALICE=$(user_token "$BASE/scoped/mcp" "openid read items:write")
ok "$([ -n "$T_ALICE" ] && echo 0 || echo 1)" "a user's token from a real code grant (alice)"
payload=$(printf '%s' "$T_ALICE" | cut -d. -f2 | tr '_-' '/+')
while [ $(( ${#payload} % 4 )) -ne 0 ]; do payload="$payload="; done
like "$(printf '%s' "$payload" | base64 -d 2>/dev/null)" '"sub":"alice"' "... its sub is alice"
records() {	# records: lines in the audit file so far
	if [ -f "$T_DIR/audit.log" ]; then wc -l <"$T_DIR/audit.log"; else echo 0; fi
}
before=$(records)
call /scoped "$T_ALICE" listItems '{}'
is "$STATUS" 200 "alice calls listItems: 200"
sleep 0.2
after=$(records)
is "$((after - before))" 1 "one call, one audit record"
REC=$(tail -n 1 "$T_DIR/audit.log")
BODY=$REC
is "$(jsel 'r.event')" tools/call "the record: event tools/call"
like "$(jsel 'r.time')" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$' "... time in RFC 3339 UTC"
is "$(jsel 'r.sub')" alice "... sub: the verified token's subject"
is "$(jsel 'r.client_id')" "$CID" "... client_id: the client the token was issued to"
is "$(jsel 'r.tool')" listItems "... tool"
is "$(jsel 'r.upstream_status')" 200 "... the API's status"
is "$(jsel 'r.upstream_auth')" client_credentials "... the upstream credential mode"
is "$(jsel 'r.outcome')" ok "... outcome ok"
like "$(jsel 'r.duration_ms')" '^[0-9]+(\.[0-9]+)?$' "... duration in ms"
call /scoped "$T_ALICE" getAdminStats '{}'
is "$STATUS" 403 "alice (no admin) calls getAdminStats: 403"
sleep 0.2
BODY=$(tail -n 1 "$T_DIR/audit.log")
is "$(jsel 'r.outcome + " " + r.error + " " + r.tool + " " + r.sub')" \
    "refused insufficient_scope getAdminStats alice" "... audited as refused, with the reason"
call /scoped "$T_ALICE" failAlways '{}'
sleep 0.2
BODY=$(tail -n 1 "$T_DIR/audit.log")
is "$(jsel 'r.outcome + " " + r.upstream_status')" "isError 500" \
    "a failing API call: isError with the API's status"
call /scoped "$T_READ" whoAmI '{}'
sleep 0.2
BODY=$(tail -n 1 "$T_DIR/audit.log")
is "$(jsel 'r.client_id')" "$CID" "a client_credentials token: its client id"
call /plain "$T_PLAIN" sayHello '{}'
is "$STATUS" 200 "plain: a call"
sleep 0.2
like "$(grep '"event":"tools/call"' "$T_DIR/plain.log" | tail -n 1)" \
    "\"client_id\":\"$CID\",\"tool\":\"sayHello\",\"upstream_status\":200,\"error\":\"-\",\"upstream_auth\":\"none\",\"outcome\":\"ok\"" \
    "MCP_AUDIT_LOG default: the record on stderr, beside the access lines"
like "$(grep '"event":"tools/call"' "$T_DIR/plain.log" | tail -n 1)" \
    '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z audit mcp\.fcgi: \{"time":' \
    "... after the log's time, like every line of a text log"
unlike "$(cat "$T_DIR/scoped.log")" '"event":"tools/call"' "a file given: nothing on stderr"

# no token, nowhere
for t in "$T_READ" "$T_ADMIN" "$T_SUPER" "$T_PLAIN" "$T_ALICE"; do
	sig=$(printf '%s' "$t" | cut -d. -f3)
	mid=$(printf '%s' "$t" | cut -d. -f2)
	unlike "$(cat "$T_DIR"/*.log)" "$sig|$mid" "no part of a token in any log (${t:0:12}...)"
done
unlike "$(cat "$T_DIR"/*.log)" "$CSEC" "no client secret in any log"

done_testing
