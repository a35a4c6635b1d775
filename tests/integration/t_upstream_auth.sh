#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# What the API receives on a tool call (MCP_UPSTREAM_AUTH, issue #14),
# through lighttpd: passthrough forwards the caller's token, none sends
# no credential, static sends the keys of examples/openapi.json's
# securitySchemes exactly where the document says and only to the
# operations that require them; an empty MCP_FORWARD_HEADERS forwards
# nothing.  client_credentials is in tests/interop/auth.sh.
. "$(dirname "$0")/lib.sh"

MCP_FCGI="$top_builddir/cgi-bin/mcp.fcgi"
API_FCGI="$top_builddir/examples/api.fcgi"
DOC="$top_srcdir/examples/openapi.json"
[ -x "$MCP_FCGI" ] && [ -x "$API_FCGI" ] || bail "programs not built"

start_spawn_fcgi "$T_DIR/api.sock" "$T_DIR/api.log" "$API_FCGI"
# the API's access log says what it received: the tool result no longer
# shows a credential the API echoes (it is redacted)
start_lighttpd api "
server.modules += ( \"mod_accesslog\" )
accesslog.filename = \"$T_DIR/api.access.log\"
accesslog.format = \"%r %{Authorization}i\"
fastcgi.server = ( \"/api\" => (( \"socket\" => \"$T_DIR/api.sock\", \"check-local\" => \"disable\" )) )
"
API="$BASE/api"
cat >"$T_DIR/creds" <<'EOC'
# the demo API's secrets
apiKeyHeader=hk-4711
apiKeyQuery=qk 4711&x
apiKeyCookie=ck-4711
basicAuth=alice:s3cr3t-4711
EOC
chmod 600 "$T_DIR/creds"
COMMON="MCP_OPENAPI=$DOC MCP_API_BASE_URL=$API"
start_spawn_fcgi "$T_DIR/pass.sock" "$T_DIR/pass.log" "$MCP_FCGI" $COMMON \
    MCP_FORWARD_HEADERS=authorization,cookie,x-request-id
start_spawn_fcgi "$T_DIR/none.sock" "$T_DIR/none.log" "$MCP_FCGI" $COMMON \
    MCP_UPSTREAM_AUTH=none MCP_FORWARD_HEADERS=authorization,cookie,x-request-id
start_spawn_fcgi "$T_DIR/empty.sock" "$T_DIR/empty.log" "$MCP_FCGI" $COMMON \
    MCP_FORWARD_HEADERS=
start_spawn_fcgi "$T_DIR/static.sock" "$T_DIR/static.log" "$MCP_FCGI" $COMMON \
    MCP_UPSTREAM_AUTH=static MCP_UPSTREAM_CREDENTIALS_FILE="$T_DIR/creds" \
    MCP_FORWARD_HEADERS=authorization,cookie,x-api-key
# x-mcp-upstream-auth: one document, three credentials: the caller's
# token to whoAmI, the static key to whoAmIWithKey, nothing (the
# document's default) to whoAmIWithBasic
RESP='"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"type":"object"}}}}}'
cat >"$T_DIR/perop.json" <<EOD
{"openapi":"3.1.0","info":{"title":"per operation","version":"1"},
 "x-mcp-upstream-auth":"none",
 "components":{"securitySchemes":{"apiKeyHeader":{"type":"apiKey","in":"header","name":"X-API-Key"}}},
 "paths":{
  "/whoami":{"get":{"operationId":"whoAmI","x-mcp-upstream-auth":"passthrough",$RESP}},
  "/whoami/key":{"get":{"operationId":"whoAmIWithKey","x-mcp-upstream-auth":"static",
    "security":[{"apiKeyHeader":[]}],$RESP}},
  "/whoami/basic":{"get":{"operationId":"whoAmIWithBasic",$RESP}}}}
EOD
start_spawn_fcgi "$T_DIR/perop.sock" "$T_DIR/perop.log" "$MCP_FCGI" \
    MCP_OPENAPI="$T_DIR/perop.json" MCP_API_BASE_URL="$API" \
    MCP_UPSTREAM_CREDENTIALS_FILE="$T_DIR/creds" MCP_AUDIT_LOG="$T_DIR/audit.log" \
    MCP_FORWARD_HEADERS=authorization,cookie,x-request-id
start_lighttpd mcp "
fastcgi.server = (
	\"/perop/mcp\" => (( \"socket\" => \"$T_DIR/perop.sock\", \"check-local\" => \"disable\" )),
	\"/pass/mcp\" => (( \"socket\" => \"$T_DIR/pass.sock\", \"check-local\" => \"disable\" )),
	\"/none/mcp\" => (( \"socket\" => \"$T_DIR/none.sock\", \"check-local\" => \"disable\" )),
	\"/empty/mcp\" => (( \"socket\" => \"$T_DIR/empty.sock\", \"check-local\" => \"disable\" )),
	\"/static/mcp\" => (( \"socket\" => \"$T_DIR/static.sock\", \"check-local\" => \"disable\" )),
)
"
call() {	# call PREFIX TOOL [curl args]: the caller sends its own credentials
	local p=$1 t=$2
	shift 2
	http POST "$BASE$p/mcp" -H 'Content-Type: application/json' \
	    -H 'Accept: application/json, text/event-stream' \
	    -H 'MCP-Protocol-Version: 2025-11-25' \
	    -H 'Authorization: Bearer mcp-token-1' -H 'Cookie: mcp=1' \
	    -H 'X-API-Key: caller-key' -H 'X-Request-Id: rid-1' \
	    --data-binary "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"$t\",\"arguments\":{}}}" "$@"
}

call /pass whoAmI
like "$BODY" '"authorization":"Bearer mcp-token-1","x_request_id":"rid-1","cookie":"mcp=1"' \
    "passthrough (default with MCP_AUTH=none): the caller's token and cookie reach the API"
call /none whoAmI
like "$BODY" '"authorization":null,"x_request_id":"rid-1","cookie":null' \
    "none: no Authorization, no Cookie, other named headers still forwarded"
unlike "$BODY" 'mcp-token-1' "none: the caller's token nowhere"
call /empty whoAmI
like "$BODY" '"authorization":null,"x_request_id":null,"cookie":null' \
    "MCP_FORWARD_HEADERS set but empty: nothing forwarded"

call /static whoAmIWithKey
like "$BODY" '"authorization":null,"x_request_id":null,"cookie":"session=ck-4711","x_api_key":"hk-4711","query":"api_key=\[redacted\]"' \
    "static: the key in the header, the query and the cookie the document names"
unlike "$BODY" 'qk%204711|qk 4711' "... the query key the API echoed is redacted in the result"
wait_line "$T_DIR/api.access.log" 'whoami/key'
like "$(grep 'whoami/key' "$T_DIR/api.access.log" | tail -1)" '^GET /api/whoami/key\?api_key=qk%204711%26x ' \
    "... and reached the API (its access log)"
unlike "$BODY" 'mcp-token-1|caller-key|mcp=1' "static: none of the caller's credentials"
call /static whoAmIWithBasic
like "$BODY" '"authorization":"\[redacted\]","x_request_id":null,"cookie":null,"x_api_key":"caller-key","query":null' \
    "static: http basic where required (X-API-Key forwarded as named, no key scheme here), redacted in the result"
wait_line "$T_DIR/api.access.log" 'whoami/basic'
like "$(grep 'whoami/basic' "$T_DIR/api.access.log" | tail -1)" "^GET /api/whoami/basic HTTP/1.1 Basic $(printf 'alice:s3cr3t-4711' | base64)\$" \
    "... the API got it (its access log)"
call /static whoAmI
like "$BODY" '"authorization":null,"x_request_id":null,"cookie":null,"x_api_key":"caller-key","query":null' \
    "static: an operation that requires nothing gets no credential"
sleep 0.2
like "$(cat "$T_DIR/static.log")" 'warn.*security scheme oauth is not an apiKey or http basic/bearer scheme.*called without it: .*createItem' \
    "static: a start-up warning names the scheme it cannot send and its operations"
unlike "$(cat "$T_DIR/static.log" "$T_DIR/api.log")" 'hk-4711|s3cr3t|ck-4711|qk' "static: no secret in the logs"

call /perop whoAmI
like "$BODY" '"authorization":"Bearer mcp-token-1","x_request_id":"rid-1","cookie":"mcp=1","x_api_key":null' \
    "x-mcp-upstream-auth passthrough on whoAmI: the caller's token"
call /perop whoAmIWithKey
like "$BODY" '"authorization":null,"x_request_id":"rid-1","cookie":null,"x_api_key":"hk-4711"' \
    "... static on whoAmIWithKey of the same document: the API's key, not the caller's token"
call /perop whoAmIWithBasic
like "$BODY" '"authorization":null,"x_request_id":"rid-1","cookie":null,"x_api_key":null' \
    "... whoAmIWithBasic: the document's none, no credential"
sleep 0.2
AUDIT=$(cat "$T_DIR/audit.log" 2>/dev/null)
like "$AUDIT" '"tool":"whoAmI",.*"upstream_auth":"passthrough"' "audit: whoAmI's mode is passthrough"
like "$AUDIT" '"tool":"whoAmIWithKey",.*"upstream_auth":"static"' "audit: whoAmIWithKey's is static"
like "$AUDIT" '"tool":"whoAmIWithBasic",.*"upstream_auth":"none"' "audit: whoAmIWithBasic's is none"

# start-up refusals: exit 78, the operation and the rule named
sed 's/"x-mcp-upstream-auth":"passthrough"/"x-mcp-upstream-auth":"exchange"/' \
    "$T_DIR/perop.json" >"$T_DIR/bad.json"
out=$(env -i PATH="$PATH" MCP_API_BASE_URL="$API" MCP_OPENAPI="$T_DIR/bad.json" MCP_UPSTREAM_CREDENTIALS_FILE="$T_DIR/creds" \
    "$MCP_FCGI" --check-config 2>&1); rc=$?
is "$rc" 78 "an operation's exchange without MCP_AUTH=jwt: exit 78"
like "$out" 'operation whoAmI: x-mcp-upstream-auth of the operation: exchange needs MCP_AUTH=jwt or introspect' \
    "... naming the operation and the rule"
out=$(env -i PATH="$PATH" MCP_API_BASE_URL="$API" MCP_OPENAPI="$T_DIR/perop.json" "$MCP_FCGI" --check-config 2>&1); rc=$?
is "$rc" 78 "an operation's static without MCP_UPSTREAM_CREDENTIALS_FILE: exit 78"
like "$out" 'operation whoAmIWithKey: .*static needs MCP_UPSTREAM_CREDENTIALS_FILE' "... naming it"
out=$(env -i PATH="$PATH" MCP_API_BASE_URL="$API" MCP_OPENAPI="$T_DIR/perop.json" MCP_UPSTREAM_CREDENTIALS_FILE="$T_DIR/creds" \
    MCP_AUTH=jwt MCP_PUBLIC_URL=https://mcp.test MCP_OAUTH_ISSUER=https://idp.test \
    MCP_JWKS_URL=https://idp.test/jwks "$MCP_FCGI" --check-config 2>&1); rc=$?
is "$rc" 78 "an operation's passthrough with MCP_AUTH=jwt: exit 78"
like "$out" 'operation whoAmI: .*needs MCP_ALLOW_TOKEN_PASSTHROUGH=1' "... naming it"

done_testing
