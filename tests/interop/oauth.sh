#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# The OAuth endpoints through lighttpd against real providers started here
# on loopback (tests/interop/provider.mjs, oidc-provider, pinned):
#   facade  fcgi-mcp is the authorization server; oidc-provider (which
#           sends iss on every redirect) is its upstream.  A browser is
#           played with curl: registration, authorize, the provider's
#           login, our callback, the token endpoint, refresh, and every
#           way to misuse a code.  The authorize leg and the callback leg
#           are served by two different worker pools sharing MCP_SECRET.
#   proxy   FastAPI-MCP's mode, against a second provider that does not
#           send iss and whose client is public.
#   custom  a metadata file served as is; a broken one refuses to start.
# Then real clients: mcp-remote (pinned) completes the OAuth flow in both
# modes with a BROWSER script and lists the tools; so does the TypeScript
# SDK client's auth flow (sdk-oauth.mjs).
. "$(dirname "$0")/../integration/lib.sh"

B="$top_builddir/cgi-bin"
API_FCGI="$top_builddir/examples/api.fcgi"
for p in mcp oauth-metadata oauth-authorize oauth-register oauth-token; do
	[ -x "$B/$p.fcgi" ] || bail "programs not built"
done
need_node_modules
command -v openssl >/dev/null || bail "openssl not installed"

SECRET=$(openssl rand -hex 32)
FCID=fcm-facade
FSEC='facade secret with = + / % in it'

routes() {	# routes NAME: the fastcgi.server lines of one fcgi-mcp site
	local n=$1
	cat <<EOR
	"/api" => (( "socket" => "$T_DIR/api.sock", "check-local" => "disable" )),
	"/mcp" => (( "socket" => "$T_DIR/$n-mcp.sock", "check-local" => "disable" )),
	"/.well-known/oauth-protected-resource" => (( "socket" => "$T_DIR/$n-meta.sock", "check-local" => "disable" )),
	"/.well-known/oauth-authorization-server" => (( "socket" => "$T_DIR/$n-meta.sock", "check-local" => "disable" )),
	"/oauth/authorize" => (( "socket" => "$T_DIR/$n-authz.sock", "check-local" => "disable" )),
	"/authorize" => (( "socket" => "$T_DIR/$n-authz.sock", "check-local" => "disable" )),
	"/oauth/callback" => (( "socket" => "$T_DIR/$n-callback.sock", "check-local" => "disable" )),
	"/oauth/token" => (( "socket" => "$T_DIR/$n-token.sock", "check-local" => "disable" )),
	"/token" => (( "socket" => "$T_DIR/$n-token.sock", "check-local" => "disable" )),
	"/oauth/register" => (( "socket" => "$T_DIR/$n-reg.sock", "check-local" => "disable" )),
	"/register" => (( "socket" => "$T_DIR/$n-reg.sock", "check-local" => "disable" )),
EOR
}
start_lighttpd facade "fastcgi.server = (
$(routes f)
)"
F=$BASE
start_lighttpd proxy "fastcgi.server = (
$(routes p)
)"
P=$BASE
MRF=$(free_port)	# mcp-remote's callback ports
MRP=$(free_port)
SDKP=$(free_port)

start_provider prov1 --client-id "$FCID" --client-secret "$FSEC" \
    --redirect-uri "$F/oauth/callback" --resource "$F/mcp" --consent-form
ISS1=$ISS
start_provider prov2 --no-iss --public-client --client-id fcm-proxy \
    --redirect-uri "http://127.0.0.1:9/cb" \
    --redirect-uri "http://127.0.0.1:$MRP/oauth/callback" \
    --redirect-uri "http://127.0.0.1:$SDKP/callback" \
    --resource "$P/mcp"
ISS2=$ISS
ok 0 "providers up: $ISS1 (iss on redirects, login and consent forms), $ISS2 (no iss, public client, login form)"

start_spawn_fcgi "$T_DIR/api.sock" "$T_DIR/api.log" "$API_FCGI"
printf '%s\n' "$SECRET" >"$T_DIR/secret"
FENV="MCP_PUBLIC_URL=$F MCP_OAUTH_MODE=facade MCP_OAUTH_ISSUER=$ISS1
MCP_OAUTH_CLIENT_ID=$FCID MCP_SECRET_FILE=$T_DIR/secret
MCP_OAUTH_DEFAULT_SCOPE=openid MCP_REQUIRED_SCOPES=read
MCP_CIMD_ALLOW_PRIVATE=1 MCP_STORE_PATH=$T_DIR/store.lmdb"
start_spawn_fcgi "$T_DIR/f-mcp.sock" "$T_DIR/f-mcp.log" "$B/mcp.fcgi" \
    MCP_OPENAPI="$top_srcdir/examples/openapi.json" MCP_API_BASE_URL="$F/api" \
    MCP_AUTH=jwt MCP_PUBLIC_URL="$F" MCP_OAUTH_ISSUER="$ISS1" MCP_REQUIRED_SCOPES=read
start_spawn_fcgi "$T_DIR/f-meta.sock" "$T_DIR/f-meta.log" "$B/oauth-metadata.fcgi" \
    MCP_AUTH=jwt $FENV
# two pools of oauth-authorize.fcgi: /oauth/authorize goes to one,
# /oauth/callback to the other; only MCP_SECRET connects them
start_spawn_fcgi "$T_DIR/f-authz.sock" "$T_DIR/f-authz.log" "$B/oauth-authorize.fcgi" $FENV
start_spawn_fcgi "$T_DIR/f-callback.sock" "$T_DIR/f-callback.log" "$B/oauth-authorize.fcgi" $FENV
start_spawn_fcgi "$T_DIR/f-reg.sock" "$T_DIR/f-reg.log" "$B/oauth-register.fcgi" $FENV
start_spawn_fcgi "$T_DIR/f-token.sock" "$T_DIR/f-token.log" "$B/oauth-token.fcgi" $FENV \
    MCP_OAUTH_CLIENT_SECRET="$FSEC"

PENV="MCP_PUBLIC_URL=$P MCP_OAUTH_MODE=proxy MCP_OAUTH_ISSUER=$ISS2
MCP_OAUTH_CLIENT_ID=fcm-proxy MCP_OAUTH_DEFAULT_SCOPE=openid
MCP_OAUTH_METADATA_TTL=10 MCP_SECRET_FILE=$T_DIR/secret"
start_spawn_fcgi "$T_DIR/p-mcp.sock" "$T_DIR/p-mcp.log" "$B/mcp.fcgi" \
    MCP_OPENAPI="$top_srcdir/examples/openapi.json" MCP_API_BASE_URL="$P/api" \
    MCP_AUTH=jwt MCP_PUBLIC_URL="$P" MCP_OAUTH_ISSUER="$ISS2"
start_spawn_fcgi "$T_DIR/p-meta.sock" "$T_DIR/p-meta.log" "$B/oauth-metadata.fcgi" $PENV
start_spawn_fcgi "$T_DIR/p-authz.sock" "$T_DIR/p-authz.log" "$B/oauth-authorize.fcgi" $PENV
start_spawn_fcgi "$T_DIR/p-reg.sock" "$T_DIR/p-reg.log" "$B/oauth-register.fcgi" $PENV
start_spawn_fcgi "$T_DIR/p-token.sock" "$T_DIR/p-token.log" "$B/oauth-token.fcgi" $PENV

# --- helpers ---------------------------------------------------------
jstr() {	# jstr NAME: a string member of $BODY
	printf '%s' "$BODY" | sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"
}
urldecode() {
	local s=${1//+/ }
	printf '%b' "${s//%/\\x}"
}
qparam() {	# qparam URL NAME: a query parameter, decoded
	urldecode "$(printf '%s\n' "$1" | sed -n "s/.*[?&]$2=\([^&#]*\).*/\1/p")"
}
follow() {	# follow URL STOP: a browser (browser.sh) until a URL starts with STOP
	BROWSER_STOP=$2 BROWSER_JAR="$T_DIR/jar" "$IDIR/browser.sh" "$1"
}
list_tools() {	# list_tools BASE TOKEN
	http POST "$1/mcp" -H 'Content-Type: application/json' \
	    -H 'Accept: application/json, text/event-stream' \
	    -H 'MCP-Protocol-Version: 2025-11-25' -H "Authorization: Bearer $2" \
	    --data-binary '{"jsonrpc":"2.0","id":1,"method":"tools/list"}'
}
refresh_at() {	# refresh_at REFRESH-TOKEN CLIENT: a refresh at the facade
	http POST "$F/oauth/token" -d grant_type=refresh_token \
	    --data-urlencode "refresh_token=$1" --data-urlencode "client_id=$2"
}
register() {	# register BASE JSON: sets CLIENT (and CSECRET)
	http POST "$1/oauth/register" -H 'Content-Type: application/json' \
	    --data-binary "$2"
	CLIENT=$(jstr client_id)
	CSECRET=$(jstr client_secret)
}
# authorize_url CLIENT REDIRECT STATE: a facade authorization request
authorize_url() {
	printf '%s' "$F/oauth/authorize?response_type=code&client_id=$(urlenc "$1")&redirect_uri=$(urlenc "$2")&state=$3&code_challenge=$CHALLENGE&code_challenge_method=S256&scope=read&resource=$(urlenc "$F/mcp")"
}
# facade_code CLIENT REDIRECT [STATE]: authorize (our consent page
# allowed), provider, callback; sets CODE_URL (where the browser lands),
# CALLBACK_URL and VERIFIER
facade_code() {
	local cid=$1 ru=$2 st=${3:-st-$RANDOM}
	pkce
	CALLBACK_URL=$(follow "$(authorize_url "$cid" "$ru" "$st")" "$F/oauth/callback")
	CODE_URL=$(follow "$CALLBACK_URL" "$ru")
}
jar_cookies() {	# jar_cookies JAR: its cookies as a Cookie header value
	awk -F'\t' '(!/^#/ || /^#HttpOnly_/) && NF >= 7 { printf "%s%s=%s", n++ ? "; " : "", $6, $7 }' "$1"
}
# cgi_token "VARS" BODY: oauth-token.fcgi run once as CGI, as another host
# would run it (VARS added to the facade's); sets STATUS and BODY
cgi_token() {
	local out
	# shellcheck disable=SC2086
	out=$(printf '%s' "$2" | env -i PATH="$PATH" $FENV $1 \
	    MCP_OAUTH_CLIENT_SECRET="$FSEC" GATEWAY_INTERFACE=CGI/1.1 \
	    REQUEST_METHOD=POST SCRIPT_NAME=/oauth/token HTTP_HOST=127.0.0.1 \
	    CONTENT_TYPE=application/x-www-form-urlencoded CONTENT_LENGTH=${#2} \
	    "$B/oauth-token.fcgi" 2>>"$T_DIR/cgi.err" | tr -d '\r')
	STATUS=$(printf '%s\n' "$out" | sed -n 's/^Status: \([0-9]*\).*/\1/p' | head -1)
	STATUS=${STATUS:-200}
	BODY=$(printf '%s\n' "$out" | sed '1,/^$/d')
}
# cgi_callback "VARS" QUERY COOKIES: the callback answered by a one-shot
# CGI run (another host); prints the answer's head
cgi_callback() {
	# shellcheck disable=SC2086
	env -i PATH="$PATH" $FENV $1 GATEWAY_INTERFACE=CGI/1.1 \
	    REQUEST_METHOD=GET SCRIPT_NAME=/oauth/callback HTTP_HOST=127.0.0.1 \
	    QUERY_STRING="$2" HTTP_COOKIE="$3" \
	    "$B/oauth-authorize.fcgi" </dev/null 2>>"$T_DIR/cgi.err" | tr -d '\r' |
	    sed '/^$/q'
}

# --- facade: metadata -------------------------------------------------
http GET "$F/.well-known/oauth-authorization-server"
is "$STATUS" 200 "facade metadata: 200"
is "$(jstr issuer)" "$F" "facade metadata: our issuer"
is "$(jstr token_endpoint)" "$F/oauth/token" "facade metadata: our token endpoint"
is "$(jstr registration_endpoint)" "$F/oauth/register" "facade metadata: our registration"
like "$BODY" '"code_challenge_methods_supported":\["S256"\]' "facade metadata: S256 only"
like "$BODY" '"authorization_response_iss_parameter_supported":true' "facade metadata: iss"
like "$BODY" '"client_id_metadata_document_supported":true' "facade metadata: CIMD"
like "$BODY" '"token_endpoint_auth_methods_supported":\["none"' "facade metadata: public clients"
http GET "$F/.well-known/oauth-authorization-server" -H "Host: evil.example:1"
unlike "$BODY" 'evil' "metadata URLs never come from Host"
http GET "$F/.well-known/oauth-protected-resource/mcp"
is "$STATUS" 200 "RFC 9728 path-aware URL"
is "$(jstr resource)" "$F/mcp" "protected resource: resource"
like "$BODY" "\"authorization_servers\":\[\"$F\"\]" "protected resource: this server"
like "$BODY" '"scopes_supported":\["read"\]' "protected resource: scopes"
http GET "$F/.well-known/oauth-protected-resource"
is "$STATUS" 200 "RFC 9728 root URL"
http GET "$F/.well-known/oauth-protected-resource/other"
is "$STATUS" 404 "another resource: 404"
http OPTIONS "$F/.well-known/oauth-authorization-server" -H 'Origin: http://inspector.example' \
    -H 'Access-Control-Request-Method: GET'
is "$STATUS" 204 "metadata: CORS preflight"
is "$(header Access-Control-Allow-Origin)" "*" "metadata: CORS origin"
http OPTIONS "$F/oauth/token" -H 'Origin: http://inspector.example' \
    -H 'Access-Control-Request-Method: POST'
ok "$([ "$STATUS" = 204 ] && header Access-Control-Allow-Methods | grep -q POST; echo $?)" "token: CORS preflight"
http POST "$F/.well-known/oauth-authorization-server" -d x
is "$STATUS" 405 "metadata: POST is 405"

# --- facade: registration --------------------------------------------
register "$F" '{"redirect_uris":["http://127.0.0.1:9/cb"],"token_endpoint_auth_method":"none","client_name":"curl"}'
is "$STATUS" 201 "register: 201 Created"
ok "$([ ${#CLIENT} -gt 40 ] && [ -z "$CSECRET" ]; echo $?)" "register: a stateless id, no secret for none"
like "$BODY" '"client_id_issued_at":[0-9]+' "register: issued_at"
like "$BODY" '"redirect_uris":\["http://127.0.0.1:9/cb"\]' "register: metadata echoed"
is "$(header Cache-Control)" "no-store" "register: no-store"
PUB=$CLIENT
http POST "$F/register" -H 'Content-Type: application/json' \
    --data-binary '{"redirect_uris":["http://evil.example/cb"]}'
is "$STATUS" 400 "register (root fallback path): http off loopback is 400"
is "$(jstr error)" "invalid_redirect_uri" "register: invalid_redirect_uri"
http POST "$F/oauth/register" -H 'Content-Type: application/json' --data-binary '{"redirect_uris":'
is "$(jstr error)" "invalid_client_metadata" "register: broken JSON"
http POST "$F/oauth/register" -H 'Content-Type: text/plain' --data-binary '{}'
is "$STATUS" 400 "register: wrong content type"
http GET "$F/oauth/register"
is "$STATUS" 405 "register: GET is 405"

# --- facade: the flow, authorize on one pool, callback on the other ---
facade_code "$PUB" "http://127.0.0.1:9/cb" state-1
CODE=$(qparam "$CODE_URL" code)
ok "$([ -n "$CODE" ]; echo $?)" "facade: the browser comes back with a code"
is "$(qparam "$CODE_URL" state)" "state-1" "facade: the client's state"
is "$(qparam "$CODE_URL" iss)" "$F" "facade: iss is ours (RFC 9207)"
like "$(cat "$T_DIR/f-authz.log")" '/oauth/authorize .*status=302' "two pools: authorize served by pool A"
like "$(cat "$T_DIR/f-callback.log")" 'GET /oauth/callback .*status=302' "two pools: callback served by pool B"
unlike "$(cat "$T_DIR/f-authz.log")" 'GET /oauth/callback' "two pools: pool A never saw the callback"
# only MCP_SECRET connects the legs: a worker run anywhere (here as CGI)
# with the same secret finishes a flow, one with another secret cannot
SAVED_VERIFIER=$VERIFIER
pkce
PURL=$(follow "$(authorize_url "$PUB" http://127.0.0.1:9/cb cgi)" "$ISS1/")
ST=$(qparam "$PURL" state)
CQ="code=c1&state=$(urlenc "$ST")&iss=$(urlenc "$ISS1")"
openssl rand -hex 32 >"$T_DIR/other-secret"
like "$(cgi_callback "MCP_SECRET_FILE=$T_DIR/other-secret" "$CQ" "$(jar_cookies "$T_DIR/jar")")" \
    '^Status: 400' "a host with another MCP_SECRET cannot finish the flow"
like "$(cgi_callback "" "$CQ" "$(jar_cookies "$T_DIR/jar")")" '^Location: http://127.0.0.1:9/cb\?code=' \
    "another host with the same MCP_SECRET (and store) finishes the flow"
out=$(cgi_callback "" "$CQ" "$(jar_cookies "$T_DIR/jar")")
ok "$(printf '%s' "$out" | grep -q '^Status: 400' && ! printf '%s' "$out" | grep -q '^Location'; echo $?)" \
    "state replay: the same state a second time mints no second code"
VERIFIER=$SAVED_VERIFIER
http POST "$F/oauth/token" -d grant_type=authorization_code --data-urlencode "code=$CODE" \
    -d redirect_uri=http://127.0.0.1:9/cb --data-urlencode "client_id=$PUB" -d code_verifier=wrong-verifier-wrong-verifier-wrong-verifier-0
is "$STATUS" 400 "token: wrong verifier refused"
is "$(jstr error)" "invalid_grant" "token: wrong verifier is invalid_grant"
http POST "$F/oauth/token" -d grant_type=authorization_code --data-urlencode "code=$CODE" \
    -d redirect_uri=http://127.0.0.1:8/cb --data-urlencode "client_id=$PUB" -d "code_verifier=$VERIFIER"
is "$(jstr error)" "invalid_grant" "token: another redirect_uri refused"
register "$F" '{"redirect_uris":["http://127.0.0.1:9/cb"],"token_endpoint_auth_method":"none"}'
OTHER=$CLIENT
http POST "$F/oauth/token" -d grant_type=authorization_code --data-urlencode "code=$CODE" \
    -d redirect_uri=http://127.0.0.1:9/cb --data-urlencode "client_id=$OTHER" -d "code_verifier=$VERIFIER"
is "$(jstr error)" "invalid_grant" "token: the code used by another client refused"
# one character in the middle changed (never to itself)
c=${CODE:20:1}
[ "$c" = A ] && c=B || c=A
http POST "$F/oauth/token" -d grant_type=authorization_code --data-urlencode "code=${CODE:0:20}$c${CODE:21}" \
    -d redirect_uri=http://127.0.0.1:9/cb --data-urlencode "client_id=$PUB" -d "code_verifier=$VERIFIER"
is "$(jstr error)" "invalid_grant" "token: a tampered code refused"
http POST "$F/token" -d grant_type=authorization_code --data-urlencode "code=$CODE" \
    -d redirect_uri=http://127.0.0.1:9/cb --data-urlencode "client_id=$PUB" -d "code_verifier=$VERIFIER"
is "$STATUS" 200 "token (root fallback path): 200"
is "$(header Cache-Control)" "no-store" "token: Cache-Control no-store"
AT=$(jstr access_token)
RT=$(jstr refresh_token)
unlike "$BODY" 'id_token' "token: the provider's ID token is not passed on"
ok "$([ -n "$AT" ] && [ -n "$RT" ]; echo $?)" "token: access and refresh token"
cat "$T_DIR"/f-*.log "$T_DIR/facade.error.log" | grep -qF -e "$FSEC" -e "$SECRET" \
    -e "${AT:-no-token}" -e "${RT:-no-token}" -e "$VERIFIER" -e "$CODE"
ok "$([ $? = 1 ]; echo $?)" "logs hold no secret, token, code or verifier"
list_tools "$F" "$AT"
is "$STATUS" 200 "the facade's token opens /mcp"
like "$BODY" '"name":"getItem"' "tools listed with it"
http POST "$F/oauth/token" -d grant_type=authorization_code --data-urlencode "code=$CODE" \
    -d redirect_uri=http://127.0.0.1:9/cb --data-urlencode "client_id=$PUB" -d "code_verifier=$VERIFIER"
is "$STATUS" 400 "token: a code replayed is refused"
is "$(jstr error)" "invalid_grant" "token: replay is invalid_grant"
like "$(jstr error_description)" 'already used' "token: ... refused here, not sent to the provider again"
refresh_at "$RT" "$PUB"
# RFC 6749 §4.1.2: what a replayed code gave is revoked
is "$(jstr error)" "invalid_grant" "refresh after the code replay: its family is revoked"

# a clean flow for refresh
facade_code "$PUB" "http://127.0.0.1:7/cb" s2
is "$(qparam "$CODE_URL" state)" "s2" "loopback redirect on another port accepted (RFC 8252)"
http POST "$F/oauth/token" -d grant_type=authorization_code --data-urlencode "code=$(qparam "$CODE_URL" code)" \
    -d redirect_uri=http://127.0.0.1:7/cb --data-urlencode "client_id=$PUB" -d "code_verifier=$VERIFIER"
RT=$(jstr refresh_token)
refresh_at "$RT" "$OTHER"
is "$(jstr error)" "invalid_grant" "refresh: bound to its client"
http POST "$F/oauth/token" -d grant_type=refresh_token --data-urlencode "client_id=$PUB"
is "$STATUS $(jstr error)" "400 invalid_request" "refresh without refresh_token: invalid_request"
# a scope the sign-in never had (consented to for this client): refused
# here (RFC 6749 section 6), before the provider, which may hold grants
# other clients of this server got; the client's mistake, not a used
# token, so the same token works on the retry (no revocation)
http POST "$F/oauth/token" -d grant_type=refresh_token --data-urlencode "refresh_token=$RT" \
    --data-urlencode "client_id=$PUB" -d scope='read never-granted'
is "$STATUS $(jstr error)" "400 invalid_scope" "refresh for a scope never granted: invalid_scope"
like "$(jstr error_description)" 'never-granted.*not granted' "... refused here, not by the provider"
# a part of what was granted: sent on
http POST "$F/oauth/token" -d grant_type=refresh_token --data-urlencode "refresh_token=$RT" \
    --data-urlencode "client_id=$PUB" -d scope=read
is "$STATUS $(jstr scope)" "200 read" "refresh for a part of the granted scope: that part"
RT=$(jstr refresh_token)
refresh_at "$RT" "$PUB"
is "$STATUS" 200 "refresh: 200 (the same token, after the refused scope)"
RT2=$(jstr refresh_token)
list_tools "$F" "$(jstr access_token)"
is "$STATUS" 200 "refreshed token opens /mcp"
ok "$([ -n "$RT2" ] && [ "$RT2" != "$RT" ]; echo $?)" "refresh: a new refresh token each time (rotation)"
refresh_at "$RT2" "$PUB"
is "$STATUS" 200 "refresh: the new one works"
RT3=$(jstr refresh_token)
# the resource in the client's spelling (scheme and host in any case, RFC
# 3986) goes to the provider as this server's own, as at the code exchange
http POST "$F/oauth/token" -d grant_type=refresh_token --data-urlencode "refresh_token=$RT3" \
    --data-urlencode "client_id=$PUB" --data-urlencode "resource=HTTP${F#http}/mcp"
is "$STATUS" 200 "refresh with the resource spelt HTTP://: 200 ($(jstr error_description))"
RT3=$(jstr refresh_token)
list_tools "$F" "$(jstr access_token)"
is "$STATUS" 200 "... and its token opens /mcp"
refresh_at "$RT" "$PUB"
is "$(jstr error)" "invalid_grant" "refresh replay: a used refresh token is refused"
refresh_at "$RT3" "$PUB"
is "$(jstr error)" "invalid_grant" "refresh replay: ... and its whole family is revoked (RFC 9700)"
like "$(cat "$T_DIR/f-token.log")" 'used refresh token came back' "refresh replay: logged"
http POST "$F/oauth/token" -d grant_type=password -d username=a -d password=b
is "$(jstr error)" "unsupported_grant_type" "token: password grant unsupported"
http POST "$F/oauth/token" -H 'Content-Type: application/json' --data-binary '{}'
is "$(jstr error)" "invalid_request" "token: JSON body refused"
http GET "$F/oauth/token"
is "$STATUS" 405 "token: GET is 405"

# confidential client: a derived secret
register "$F" '{"redirect_uris":["http://127.0.0.1:9/cb"],"token_endpoint_auth_method":"client_secret_basic"}'
ok "$([ -n "$CSECRET" ]; echo $?)" "register: a secret for client_secret_basic"
CONF=$CLIENT
CONFSEC=$CSECRET
facade_code "$CONF" "http://127.0.0.1:9/cb"
C=$(qparam "$CODE_URL" code)
http POST "$F/oauth/token" -d grant_type=authorization_code --data-urlencode "code=$C" \
    -d redirect_uri=http://127.0.0.1:9/cb --data-urlencode "client_id=$CONF" -d "code_verifier=$VERIFIER"
is "$STATUS" 401 "confidential client without its secret: 401"
is "$(jstr error)" "invalid_client" "invalid_client"
http POST "$F/oauth/token" -u "$CONF:wrong" -d grant_type=authorization_code --data-urlencode "code=$C" \
    -d redirect_uri=http://127.0.0.1:9/cb -d "code_verifier=$VERIFIER"
is "$STATUS" 401 "wrong secret: 401"
http POST "$F/oauth/token" -u "$CONF:$CONFSEC" -d grant_type=authorization_code --data-urlencode "code=$C" \
    -d redirect_uri=http://127.0.0.1:9/cb -d "code_verifier=$VERIFIER"
is "$STATUS" 200 "confidential client with Basic: 200"

# --- facade: hostile authorize requests -------------------------------
pkce
AQ="response_type=code&code_challenge=$CHALLENGE&code_challenge_method=S256&state=s"
http GET "$F/oauth/authorize?$AQ&client_id=$(urlenc "$PUB")&redirect_uri=$(urlenc https://evil.example/cb)"
ok "$([ "$STATUS" = 400 ] && [ -z "$(header Location)" ]; echo $?)" "open redirect: unregistered URI gets a page"
http GET "$F/oauth/authorize?$AQ&client_id=forged-client&redirect_uri=$(urlenc http://127.0.0.1:9/cb)"
ok "$([ "$STATUS" = 400 ] && [ -z "$(header Location)" ]; echo $?)" "forged client id gets a page"
http GET "$F/oauth/authorize?response_type=code&state=s&client_id=$(urlenc "$PUB")&redirect_uri=$(urlenc http://127.0.0.1:9/cb)"
is "$(qparam "$(header Location)" error)" "invalid_request" "PKCE missing: error redirect"
http GET "$F/oauth/authorize?response_type=code&state=s&code_challenge=$VERIFIER&code_challenge_method=plain&client_id=$(urlenc "$PUB")&redirect_uri=$(urlenc http://127.0.0.1:9/cb)"
is "$(qparam "$(header Location)" error)" "invalid_request" "PKCE plain: error redirect"
is "$(qparam "$(header Location)" iss)" "$F" "error redirects carry iss"
http GET "$F/oauth/callback?code=x&state=forged"
ok "$([ "$STATUS" = 400 ] && [ -z "$(header Location)" ]; echo $?)" "callback: forged state gets a page"
http GET "$F/oauth/authorize?$AQ&client_id=$(urlenc "$PUB")&client_id=x"
is "$STATUS" 400 "repeated parameters refused"

# --- facade: the flow is bound to the browser that started it --------
# The attacker allows his own client in his browser and hands the
# provider URL (carrying our sealed state) to a victim signed in there.
pkce
: >"$T_DIR/ajar"
: >"$T_DIR/vjar"
AURL=$(BROWSER_STOP="$ISS1/" BROWSER_JAR="$T_DIR/ajar" "$IDIR/browser.sh" \
    "$(authorize_url "$PUB" http://127.0.0.1:9/cb evil)")
like "$AURL" "^$ISS1/" "consent bypass: the attacker holds a provider URL with our state"
VCB=$(BROWSER_STOP="$F/oauth/callback" BROWSER_JAR="$T_DIR/vjar" BROWSER_LOGIN=bob \
    "$IDIR/browser.sh" "$AURL")
like "$VCB" "^$F/oauth/callback\\?.*code=" "consent bypass: the victim signs in and comes back"
http GET "$VCB" -b "$T_DIR/vjar"
ok "$([ "$STATUS" = 403 ] && [ -z "$(header Location)" ]; echo $?)" \
    "consent bypass: the victim's browser gets a page, no code for the attacker"
like "$BODY" 'another browser' "consent bypass: ... that says why"
# a state used once at the callback is not used again
pkce
CALLBACK_URL=$(follow "$(authorize_url "$PUB" http://127.0.0.1:9/cb once)" "$F/oauth/callback")
cp "$T_DIR/jar" "$T_DIR/jar-before"
CODE_URL=$(follow "$CALLBACK_URL" http://127.0.0.1:9/cb)
ok "$([ -n "$(qparam "$CODE_URL" code)" ]; echo $?)" "state replay: the first use gives a code"
http GET "$CALLBACK_URL" -b "$T_DIR/jar-before"
ok "$([ "$STATUS" = 400 ] && [ -z "$(header Location)" ]; echo $?)" \
    "state replay: the callback again with the flow cookie mints no code"

# --- facade: consent for a redirect URI that is not loopback ----------
register "$F" '{"redirect_uris":["https://app.example/cb"],"token_endpoint_auth_method":"none","client_name":"Web <App>"}'
WEB=$CLIENT
: >"$T_DIR/cjar"
STATUS=$(curl -s -c "$T_DIR/cjar" -o "$T_DIR/consent.html" -w '%{http_code}' \
    "$F/oauth/authorize?$AQ&client_id=$(urlenc "$WEB")&redirect_uri=$(urlenc https://app.example/cb)&scope=read")
is "$STATUS" 200 "consent: a page"
like "$(cat "$T_DIR/consent.html")" 'Web &lt;App&gt;' "consent: client name escaped"
like "$(cat "$T_DIR/consent.html")" 'app.example' "consent: redirect host shown"
CONSENT=$(sed -n 's/.*name="consent" value="\([^"]*\)".*/\1/p' "$T_DIR/consent.html")
http POST "$F/oauth/authorize" -d decision=approve --data-urlencode "consent=$CONSENT"
ok "$([ "$STATUS" = 403 ] && [ -z "$(header Location)" ]; echo $?)" "consent CSRF: a post without the cookie is refused"
http POST "$F/oauth/authorize" -b "$T_DIR/cjar" -c "$T_DIR/cjar" -d decision=approve --data-urlencode "consent=$CONSENT"
is "$STATUS" 302 "consent: approved with the cookie"
loc=$(follow "$(header Location)" "$F/oauth/callback")
loc=$(follow "$loc" "https://app.example/cb")
ok "$([ -n "$(qparam "$loc" code)" ]; echo $?)" "consent: the flow ends at the web app with a code"
# an error before consent goes back to a URI that is not loopback only in
# the browser that approved it (RFC 9700 4.11.2); another browser gets a page
BROKEN="$F/oauth/authorize?client_id=$(urlenc "$WEB")&redirect_uri=$(urlenc https://app.example/cb)&state=s"
http GET "$BROKEN" -b "$T_DIR/cjar"
like "$(header Location)" '^https://app.example/cb\?error=invalid_request' "consented browser: the error goes back to the app"
http GET "$BROKEN"
ok "$([ "$STATUS" = 400 ] && [ -z "$(header Location)" ]; echo $?)" "another browser: the same error is a page"

# --- facade: a Client ID Metadata Document ----------------------------
CIMD_PORT=$(free_port)
cat >"$T_DIR/cimd.mjs" <<EOJ
import http from 'node:http';
const doc = JSON.stringify({ client_id: 'http://127.0.0.1:$CIMD_PORT/client.json',
  client_name: 'CIMD client', redirect_uris: ['http://127.0.0.1:9/cb'],
  token_endpoint_auth_method: 'none' });
const real = JSON.stringify({ client_id: 'http://127.0.0.1:$CIMD_PORT/real.json',
  client_name: 'Real client', redirect_uris: ['http://127.0.0.1:9/cb'],
  token_endpoint_auth_method: 'none' });
const nameless = JSON.stringify({ client_id: 'http://127.0.0.1:$CIMD_PORT/nameless.json',
  redirect_uris: ['http://127.0.0.1:9/cb'], token_endpoint_auth_method: 'none' });
http.createServer((q, r) => {
  if (q.url === '/client.json') { r.setHeader('Content-Type', 'application/json'); r.end(doc); }
  else if (q.url === '/real.json') { r.setHeader('Content-Type', 'application/json'); r.end(real); }
  else if (q.url === '/liar.json') { r.setHeader('Content-Type', 'application/json'); r.end(doc); }
  else if (q.url === '/nameless.json') { r.setHeader('Content-Type', 'application/json'); r.end(nameless); }
  else if (q.url === '/silent.json') { /* a host that never answers */ }
  else if (q.url === '/moved.json') { r.writeHead(302, { Location: '/client.json' }); r.end(); }
  else { r.writeHead(404); r.end(); }
}).listen($CIMD_PORT, '127.0.0.1');
EOJ
"$NODE22" "$T_DIR/cimd.mjs" &
T_PIDS="$T_PIDS $!"
wait_port "$CIMD_PORT" || bail "CIMD server did not start"
facade_code "http://127.0.0.1:$CIMD_PORT/client.json" "http://127.0.0.1:9/cb"
ok "$([ -n "$(qparam "$CODE_URL" code)" ]; echo $?)" "CIMD: a URL client id completes the flow"
http GET "$F/oauth/authorize?$AQ&client_id=$(urlenc "http://127.0.0.1:$CIMD_PORT/liar.json")&redirect_uri=$(urlenc http://127.0.0.1:9/cb)"
is "$STATUS" 400 "CIMD: a document whose client_id is another URL is refused"
http GET "$F/oauth/authorize?$AQ&client_id=$(urlenc "http://127.0.0.1:$CIMD_PORT/moved.json")&redirect_uri=$(urlenc http://127.0.0.1:9/cb)"
is "$STATUS" 400 "CIMD: redirects are not followed"
http GET "$F/oauth/authorize?$AQ&client_id=$(urlenc "http://127.0.0.1:$CIMD_PORT/nameless.json")&redirect_uri=$(urlenc http://127.0.0.1:9/cb)"
is "$STATUS" 400 "CIMD: a document without client_name is refused"
like "$BODY" 'no client_name' "CIMD: ... saying which member is missing"
t0=$(date +%s%N)
http GET "$F/oauth/authorize?$AQ&client_id=$(urlenc "http://127.0.0.1:$CIMD_PORT/silent.json")&redirect_uri=$(urlenc http://127.0.0.1:9/cb)"
ms=$((($(date +%s%N) - t0) / 1000000))
is "$STATUS" 400 "CIMD: a host that never answers gets an error page"
ok "$([ "$ms" -lt 3000 ]; echo $?)" "CIMD: ... within 3 s, not a worker held for longer (${ms} ms)"
# the same URL again: refused at once for 30 s, so that a URL that leads
# nowhere cannot hold the worker over and over; but not the host's other
# documents, or anyone could shut out a real client by naming a slow
# path on its host
t0=$(date +%s%N)
http GET "$F/oauth/authorize?$AQ&client_id=$(urlenc "http://127.0.0.1:$CIMD_PORT/silent.json")&redirect_uri=$(urlenc http://127.0.0.1:9/cb)"
ms=$((($(date +%s%N) - t0) / 1000000))
ok "$([ "$STATUS" = 400 ] && [ "$ms" -lt 1000 ]; echo $?)" \
    "CIMD: then the URL that did not answer: 400 at once (${ms} ms)"
like "$BODY" 'did not answer a moment ago' "CIMD: ... saying why"
facade_code "http://127.0.0.1:$CIMD_PORT/real.json" "http://127.0.0.1:9/cb"
ok "$([ -n "$(qparam "$CODE_URL" code)" ]; echo $?)" \
    "CIMD: another client's document on that host still completes the flow"

# --- several hosts sharing one Redis (MCP_STORE=redis) ----------------
# Each one-shot CGI run below is a host of its own: a process that shares
# nothing with the others but MCP_SECRET and the Redis server.
command -v redis-server >/dev/null || bail "redis-server not installed"
RPORT=$(free_port)
start_redis() {
	redis-server --port "$RPORT" --bind 127.0.0.1 --save '' --appendonly no \
	    >>"$T_DIR/redis.log" 2>&1 &
	RPID=$!
	T_PIDS="$T_PIDS $RPID"
	wait_port "$RPORT" || bail "redis-server did not start"
}
start_redis
HA="MCP_STORE=redis MCP_REDIS_ADDRESS=127.0.0.1:$RPORT MCP_STORE_PATH=$T_DIR/a.lmdb"
HB="MCP_STORE=redis MCP_REDIS_ADDRESS=127.0.0.1:$RPORT MCP_STORE_PATH=$T_DIR/b.lmdb"
redis_flow() {	# redis_flow STATE: to our callback; sets CBQ (its query) and CK
	pkce
	CBQ=$(follow "$(authorize_url "$PUB" http://127.0.0.1:9/cb "$1")" "$F/oauth/callback")
	CBQ=${CBQ#*\?}
	CK=$(jar_cookies "$T_DIR/jar")
}
code_body() {	# code_body CODE: a token request for it
	printf 'grant_type=authorization_code&code=%s&redirect_uri=%s&client_id=%s&code_verifier=%s' \
	    "$(urlenc "$1")" "$(urlenc http://127.0.0.1:9/cb)" "$(urlenc "$PUB")" "$VERIFIER"
}
refresh_body() {	# refresh_body RT
	printf 'grant_type=refresh_token&refresh_token=%s&client_id=%s' "$(urlenc "$1")" "$(urlenc "$PUB")"
}
signed_in() {	# signed_in STATE: a sign-in finished and its code (RCODE) redeemed at host A; RT
	redis_flow "$1"
	RCODE=$(qparam "$(cgi_callback "$HA" "$CBQ" "$CK" | sed -n 's/^Location: //p')" code)
	cgi_token "$HA" "$(code_body "$RCODE")"
	RT=$(jstr refresh_token)
}
redis_flow r1
out=$(cgi_callback "$HA" "$CBQ" "$CK")
like "$out" '^Location: http://127.0.0.1:9/cb\?code=' "two hosts: host A finishes the flow"
RCODE=$(qparam "$(printf '%s\n' "$out" | sed -n 's/^Location: //p')" code)
out=$(cgi_callback "$HB" "$CBQ" "$CK")
ok "$(printf '%s' "$out" | grep -q '^Status: 400' && ! printf '%s' "$out" | grep -q '^Location'; echo $?)" \
    "two hosts: the same state at host B mints no second code"
cgi_token "$HB" "$(code_body "$RCODE")"
is "$STATUS" 200 "two hosts: host B redeems the code"
RT1=$(jstr refresh_token)
cgi_token "$HA" "$(refresh_body "$RT1")"
is "$STATUS" 200 "two hosts: host A refreshes"
RT2=$(jstr refresh_token)
cgi_token "$HB" "$(refresh_body "$RT1")"
is "$(jstr error)" "invalid_grant" "two hosts: the used refresh token at host B is refused"
cgi_token "$HA" "$(refresh_body "$RT2")"
is "$(jstr error)" "invalid_grant" "two hosts: ... and the family is revoked on host A too"
signed_in r2
RT1=$RT
cgi_token "$HB" "$(code_body "$RCODE")"
is "$(jstr error)" "invalid_grant" "two hosts: a code redeemed again at host B is refused"
cgi_token "$HA" "$(refresh_body "$RT1")"
is "$(jstr error)" "invalid_grant" "two hosts: ... and what the code gave is revoked"

# A refresh-token family takes four entries at most (current:F and its
# last move's), whatever its number of refreshes: a used token is caught
# because it is not the family's current one, and its mark (against two
# refreshes at once) lives minutes, not MCP_OAUTH_REFRESH_TTL (30 days),
# so that refreshing in a loop cannot fill the store.
rcli() { redis-cli -p "$RPORT" "$@"; }
mark_ttl() {	# mark_ttl: the longest TTL of the marks of used refresh tokens
	local k t max=0
	for k in $(rcli --scan --pattern 'fcgi-mcp:refresh:*'); do
		t=$(rcli TTL "$k")
		[ "$t" -gt "$max" ] && max=$t
	done
	echo "$max"
}
rdel() {	# rdel PATTERN: Redis's keys that match it deleted
	local k
	for k in $(rcli --scan --pattern "$1"); do rcli DEL "$k" >/dev/null; done
}
lone_family() {	# lone_family STATE: signed_in, its family the store's only one; FK its current:F key
	rdel 'fcgi-mcp:current:*'
	signed_in "$1"
	FK=$(rcli --scan --pattern 'fcgi-mcp:current:*')
	[ -n "$FK" ] && [ "$(printf '%s\n' "$FK" | wc -l)" = 1 ] ||
	    bail "not one family in the store: $(rcli --scan --pattern 'fcgi-mcp:*')"
}
signed_in r4
RT_OLD=$RT
for i in 1 2 3 4 5 6; do
	if [ $((i % 2)) = 1 ]; then h=$HA; else h=$HB; fi
	cgi_token "$h" "$(refresh_body "$RT")"
	[ "$STATUS" = 200 ] || break
	RT=$(jstr refresh_token)
done
is "$STATUS" 200 "one family: six refreshes on two hosts"
ttl=$(mark_ttl)
ok "$([ "$ttl" -le 600 ]; echo $?)" "a used refresh token's mark lives minutes, not 30 days (longest TTL: $ttl s)"
rdel 'fcgi-mcp:refresh:*'
cgi_token "$HB" "$(refresh_body "$RT_OLD")"
is "$(jstr error)" "invalid_grant" "a used refresh token, its mark gone, is still refused (not the family's current one)"
cgi_token "$HA" "$(refresh_body "$RT")"
is "$(jstr error)" "invalid_grant" "... and its family is revoked"
# a family recorded by an older fcgi-mcp (family:F = "live", a mark per
# used token) still refreshes; it moves to current:F, its used token is
# marked as the older version did, and family:F goes, so that a host of
# that version sharing the store refuses the family rather than a replay
# getting past it
lone_family r5
RT_OLD=$RT
OLDK=fcgi-mcp:family:${FK#fcgi-mcp:current:}
rcli RENAME "$FK" "$OLDK" >/dev/null
rcli SET "$OLDK" live KEEPTTL >/dev/null
cgi_token "$HB" "$(refresh_body "$RT_OLD")"
is "$STATUS" 200 "a family of an older version: refreshed"
is "$(rcli EXISTS "$OLDK"):$(rcli EXISTS "$FK")" "0:1" "... and moved (an older host would now refuse it)"
ttl=$(mark_ttl)
ok "$([ "$ttl" -gt 86400 ]; echo $?)" "... its used token marked for MCP_OAUTH_REFRESH_TTL, as the older version does ($ttl s)"
RT=$(jstr refresh_token)
cgi_token "$HA" "$(refresh_body "$RT_OLD")"
is "$(jstr error)" "invalid_grant" "... its used token refused"
cgi_token "$HA" "$(refresh_body "$RT")"
is "$(jstr error)" "invalid_grant" "... and the family revoked"

# The provider's answer to a refresh decides the family: down for a
# moment (503), the token stays good for a retry; invalid_grant (its
# grant is gone), the family ends, even for a copy of the token that
# comes back once its claim has expired (the claim is deleted here) to a
# provider that would take it now (the refusal left its grant alone)
refuse() { curl -s -o /dev/null -X POST "$ISS1/__test/refuse?status=$1"; }
signed_in r6
refuse 503
cgi_token "$HB" "$(refresh_body "$RT")"
is "$STATUS" 503 "provider down for a moment: the refresh is a 503"
cgi_token "$HA" "$(refresh_body "$RT")"
is "$STATUS" 200 "... and the same refresh token works once it is back"
RT=$(jstr refresh_token)
# a rate limit's 429 without an OAuth error (a gateway's, a WAF's): the
# provider said nothing about the token, which stays good
refuse 429
cgi_token "$HB" "$(refresh_body "$RT")"
is "$STATUS $(jstr error)" "503 temporarily_unavailable" \
    "a 4xx from the provider without an OAuth error: 503, try again"
cgi_token "$HA" "$(refresh_body "$RT")"
is "$STATUS" 200 "... and the same refresh token works then"
RT=$(jstr refresh_token)
refuse 400
cgi_token "$HB" "$(refresh_body "$RT")"
is "$STATUS $(jstr error)" "400 invalid_grant" "the provider refuses a refresh: invalid_grant"
rdel 'fcgi-mcp:refresh:*'
cgi_token "$HA" "$(refresh_body "$RT")"
is "$STATUS $(jstr error)" "400 invalid_grant" "... and the family has ended: the same token, its claim gone, is refused"
# a code likewise: the provider down for a moment leaves it good for a
# retry (at another host too), not used up and taken for a replay; a
# provider that refuses it (invalid_grant) has used it up
redis_flow r8
RCODE=$(qparam "$(cgi_callback "$HA" "$CBQ" "$CK" | sed -n 's/^Location: //p')" code)
n0=$(wc -l < "$T_DIR/cgi.err")
refuse 503
cgi_token "$HA" "$(code_body "$RCODE")"
is "$STATUS $(jstr error)" "503 temporarily_unavailable" "provider down for a moment: the code's redemption is a 503"
cgi_token "$HB" "$(code_body "$RCODE")"
is "$STATUS" 200 "... and the same code is redeemed once it is back"
unlike "$(tail -n "+$((n0 + 1))" "$T_DIR/cgi.err")" 'code came back' "... not taken for a replay"
redis_flow r9
RCODE=$(qparam "$(cgi_callback "$HA" "$CBQ" "$CK" | sed -n 's/^Location: //p')" code)
refuse 400
cgi_token "$HA" "$(code_body "$RCODE")"
is "$STATUS $(jstr error)" "400 invalid_grant" "the provider refuses a code: invalid_grant"
cgi_token "$HB" "$(code_body "$RCODE")"
is "$(jstr error_description)" "the authorization code was already used" "... and it is used up"

# A claim of the family's current token that is still held (a refresh
# under way, or one whose store write timed out after Redis ran it, or
# whose provider failure could not be undone) is not a replay: 503, try
# again, the family kept; once the claim is gone the refresh goes on
lone_family r7
J=$(rcli GET "$FK")
rcli SET "fcgi-mcp:refresh:$J" 1 EX 60 >/dev/null
cgi_token "$HB" "$(refresh_body "$RT")"
is "$STATUS $(jstr error)" "503 temporarily_unavailable" "the current token's claim still held: 503, try again"
is "$(rcli EXISTS "fcgi-mcp:revoked:${FK#fcgi-mcp:current:}")" 0 "... the family not revoked"
rcli DEL "fcgi-mcp:refresh:$J" >/dev/null
cgi_token "$HA" "$(refresh_body "$RT")"
is "$STATUS" 200 "... and the same token refreshes once the claim is gone"

# A refresh answered without a new refresh token because a store write
# of its move failed, or timed out after Redis made it (current:F then
# names a token never handed out): the client keeps the token it used
# (RFC 6749 section 5.1), which is no replay unless its move was marked
# sent and not unsent
lone_family r11
J=$(rcli GET "$FK")
FID=${FK#fcgi-mcp:current:}
PK=fcgi-mcp:pending:$FID
rcli SET "$FK" never-handed-out KEEPTTL >/dev/null
rcli SET "$PK" "$J n1" EX 600 >/dev/null
# ... while a refresh with it is still under way (its claim held), whose
# successor may go out in a moment, a copy changes nothing: 503
rcli SET "fcgi-mcp:refresh:$J" 1 EX 60 >/dev/null
cgi_token "$HA" "$(refresh_body "$RT")"
is "$STATUS $(rcli GET "$FK")" "503 never-handed-out" \
    "a refresh with it under way: 503, the family not set back to it"
rcli DEL "fcgi-mcp:refresh:$J" >/dev/null
cgi_token "$HB" "$(refresh_body "$RT")"
is "$STATUS" 200 "a token whose successor was never handed out refreshes: no replay"
is "$(rcli EXISTS "fcgi-mcp:revoked:$FID")" 0 "... the family not revoked"
RT_OLD=$RT
RT=$(jstr refresh_token)
is "$(rcli GET "fcgi-mcp:sent:$FID")" "$(rcli GET "$PK" | cut -d' ' -f2)" \
    "... its own move marked sent before its successor went out"
cgi_token "$HA" "$(refresh_body "$RT")"
is "$STATUS" 200 "... and that successor refreshes"
cgi_token "$HB" "$(refresh_body "$RT_OLD")"
is "$(jstr error)" "invalid_grant" "... while the token it replaced, back again, is a replay"
# the mark sent arriving after the mark unsent (two connections: the
# store may make a write after the one sent after it): unsent wins
lone_family r12
J=$(rcli GET "$FK")
FID=${FK#fcgi-mcp:current:}
rcli SET "$FK" never-handed-out KEEPTTL >/dev/null
rcli SET "fcgi-mcp:pending:$FID" "$J n2" EX 600 >/dev/null
rcli SET "fcgi-mcp:unsent:$FID" n2 EX 600 >/dev/null
rcli SET "fcgi-mcp:sent:$FID" n2 EX 600 >/dev/null
cgi_token "$HA" "$(refresh_body "$RT")"
is "$STATUS $(rcli EXISTS "fcgi-mcp:revoked:$FID")" "200 0" \
    "a move marked unsent, then sent late: the token kept refreshes, nothing revoked"

# A used token back while the store takes no new key (Redis at its
# memory limit with noeviction, as a flood of sign-ins may bring about; a
# full LMDB file likewise): the revocation mark cannot be written, so the
# family's entries are deleted, and the current token no longer refreshes
lone_family r10
RT_OLD=$RT
cgi_token "$HA" "$(refresh_body "$RT")"
is "$STATUS" 200 "store full: the family refreshed once before"
RT=$(jstr refresh_token)
rcli CONFIG SET maxmemory 1 >/dev/null
cgi_token "$HB" "$(refresh_body "$RT_OLD")"
is "$(jstr error)" "invalid_grant" "store full: the used token refused"
rcli CONFIG SET maxmemory 0 >/dev/null
is "$(rcli EXISTS "$FK")" 0 "... its family's current entry deleted, for want of the mark"
cgi_token "$HA" "$(refresh_body "$RT")"
is "$(jstr error)" "invalid_grant" "... and the family's current token refused too"

# Redis stopped: everything that needs it fails closed
redis_flow r3
kill "$RPID"
wait "$RPID" 2>/dev/null
out=$(cgi_callback "$HA" "$CBQ" "$CK")
ok "$(printf '%s' "$out" | grep -q '^Status: 503' && ! printf '%s' "$out" | grep -q '^Location'; echo $?)" \
    "Redis down: the callback is a 503 page, no code"
unlike "$out" 'Set-Cookie: fcm_flow_' "Redis down: the flow cookie is kept for a retry"
cgi_token "$HA" "$(refresh_body "$RT2")"
ok "$([ "$STATUS" = 503 ] && [ "$(jstr error)" = temporarily_unavailable ]; echo $?)" \
    "Redis down: refresh is 503 temporarily_unavailable"
like "$(cat "$T_DIR/cgi.err")" 'store: redis at 127.0.0.1:[0-9]+: .*refused' "Redis down: logged"
start_redis
out=$(cgi_callback "$HA" "$CBQ" "$CK")
like "$out" '^Location: http://127.0.0.1:9/cb\?code=' "Redis back: the same sign-in finishes"

# --- proxy ------------------------------------------------------------
http GET "$P/.well-known/oauth-authorization-server"
is "$STATUS" 200 "proxy metadata: 200"
is "$(jstr issuer)" "$P" "proxy metadata: issuer rewritten to where it is served"
is "$(jstr authorization_endpoint)" "$P/oauth/authorize" "proxy metadata: our authorize"
is "$(jstr registration_endpoint)" "$P/oauth/register" "proxy metadata: our register"
is "$(jstr token_endpoint)" "$ISS2/token" "proxy metadata: the provider's token endpoint kept"
is "$(jstr jwks_uri)" "$ISS2/jwks" "proxy metadata: jwks_uri kept"
like "$BODY" '"code_challenge_methods_supported":\[[^]]*"S256"' "proxy metadata: S256"
like "$BODY" '"userinfo_endpoint"' "proxy metadata: other fields kept"
register "$P" '{"redirect_uris":["http://127.0.0.1:9/cb"],"token_endpoint_auth_method":"none"}'
is "$STATUS" 201 "proxy register: 201"
is "$CLIENT" "fcm-proxy" "proxy register: the configured client id"
pkce
PAQ="$P/oauth/authorize?response_type=code&client_id=fcm-proxy&redirect_uri=$(urlenc http://127.0.0.1:9/cb)&state=ps&code_challenge=$CHALLENGE&code_challenge_method=S256&scope=read&resource=$(urlenc "$P/mcp")"
http GET "$PAQ"
ok "$([ "$STATUS" = 200 ] && [ -z "$(header Location)" ]; echo $?)" \
    "proxy authorize: a consent page first (one client id for every client)"
like "$BODY" 'http://127.0.0.1:9/cb' "proxy consent: the redirect URI shown"
like "$BODY" '<code>read openid</code>' "proxy consent: the scopes the provider will be asked for"
LOC=$(follow "$PAQ" "$ISS2/")
like "$LOC" "^$ISS2/auth\\?" "proxy authorize: to the provider"
is "$(qparam "$LOC" scope)" "read openid" "proxy authorize: default scope added"
is "$(qparam "$LOC" audience)" "$P/mcp" "proxy authorize: audience added"
unlike "$LOC" '=None(&|$)' "proxy authorize: nothing sent as None"
loc=$(follow "$LOC" "http://127.0.0.1:9/cb")
is "$(qparam "$loc" state)" "ps" "proxy: the provider sends the browser to the client"
unlike "$loc" '[?&]iss=' "proxy: this provider sends no iss"
http POST "$ISS2/token" -d grant_type=authorization_code --data-urlencode "code=$(qparam "$loc" code)" \
    -d redirect_uri=http://127.0.0.1:9/cb -d client_id=fcm-proxy -d "code_verifier=$VERIFIER"
is "$STATUS" 200 "proxy: the client redeems the code at the provider"
list_tools "$P" "$(jstr access_token)"
is "$STATUS" 200 "proxy: the provider's token opens /mcp"
http GET "$P/oauth/authorize?response_type=code&client_id=fcm-proxy&redirect_uri=$(urlenc http://evil.example/)&state=s"
ok "$([ "$STATUS" = 400 ] && [ -z "$(header Location)" ]; echo $?)" "proxy: bad redirect_uri gets a page"
http POST "$P/oauth/token" -d grant_type=authorization_code
is "$STATUS" 404 "proxy: no token endpoint here"
# a provider that sends its own iss on the redirect (prov1) cannot be proxied
for prog in oauth-authorize oauth-metadata; do
	out=$(env -i PATH="$PATH" MCP_PUBLIC_URL="$P" MCP_OAUTH_MODE=proxy MCP_OAUTH_ISSUER="$ISS1" \
	    MCP_OAUTH_CLIENT_ID=x MCP_SECRET_FILE="$T_DIR/secret" "$B/$prog.fcgi" --check-config 2>&1)
	is "$?" 78 "proxy in front of a provider that sends iss: $prog refuses to start"
	like "$out" 'RFC 9207.*MCP_OAUTH_MODE=facade' "... and points to facade mode ($prog)"
done

# --- real clients -----------------------------------------------------
cat >"$T_DIR/browser.sh" <<EOB
#!/bin/sh
# mcp-remote's BROWSER: the test browser with a jar of its own
BROWSER_JAR="$T_DIR/bjar" BROWSER_LOG="$T_DIR/browser.log" exec "$IDIR/browser.sh" "\$1" >>"$T_DIR/browser.log" 2>&1
EOB
chmod +x "$T_DIR/browser.sh"
remote() {	# remote NAME URL PORT: mcp-remote's client with a BROWSER script
	local n=$1 url=$2 port=$3 i
	mkdir -p "$T_DIR/$n-auth"
	mkfifo "$T_DIR/$n.in"
	(cd "$IDIR" && BROWSER="$T_DIR/browser.sh" MCP_REMOTE_CONFIG_DIR="$T_DIR/$n-auth" \
	    timeout 90 "$NODE22" node_modules/mcp-remote/dist/client.js "$url" "$port" \
	    --host 127.0.0.1 <"$T_DIR/$n.in" >"$T_DIR/$n.out" 2>&1; echo $? >"$T_DIR/$n.rc") &
	exec 4>"$T_DIR/$n.in"
	for i in $(seq 1 900); do
		grep -q '\] Tools: {' "$T_DIR/$n.out" 2>/dev/null && break
		[ -e "$T_DIR/$n.rc" ] && break
		sleep 0.1
	done
	exec 4>&-
	wait_file "$T_DIR/$n.rc"
}
remote mr-facade "$F/mcp" "$MRF"
is "$(cat "$T_DIR/mr-facade.rc")" 0 "mcp-remote (facade): exits 0"
like "$(cat "$T_DIR/mr-facade.out")" '\] Tools: \{' "mcp-remote (facade): OAuth done, tools listed"
like "$(cat "$T_DIR/mr-facade.out")" 'getItem' "mcp-remote (facade): the example API's tools"
[ "$(cat "$T_DIR/mr-facade.rc")" = 0 ] || tail -30 "$T_DIR/mr-facade.out" | sed 's/^/# /'
remote mr-proxy "$P/mcp" "$MRP"
is "$(cat "$T_DIR/mr-proxy.rc")" 0 "mcp-remote (proxy, provider without iss): exits 0"
like "$(cat "$T_DIR/mr-proxy.out")" '\] Tools: \{' "mcp-remote (proxy): OAuth done, tools listed"
[ "$(cat "$T_DIR/mr-proxy.rc")" = 0 ] || tail -30 "$T_DIR/mr-proxy.out" | sed 's/^/# /'

out=$(cd "$IDIR" && BROWSER_JAR="$T_DIR/sdkjar" timeout 60 "$NODE22" sdk-oauth.mjs "$F/mcp" "http://127.0.0.1:$(free_port)/callback" 2>&1)
like "$out" '"ok":true' "TypeScript SDK auth flow (facade)"
like "$out" '"getItem"' "SDK (facade): tools listed"
out=$(cd "$IDIR" && BROWSER_JAR="$T_DIR/sdkjar" timeout 60 "$NODE22" sdk-oauth.mjs "$P/mcp" "http://127.0.0.1:$SDKP/callback" 2>&1)
like "$out" '"ok":true' "TypeScript SDK auth flow (proxy)"

# --- the provider goes away -------------------------------------------
# shellcheck disable=SC2154 # start_provider sets NAME_PID
kill "$prov2_PID"
wait "$prov2_PID" 2>/dev/null
sleep 11	# past MCP_OAUTH_METADATA_TTL=10
http GET "$P/.well-known/oauth-authorization-server"
is "$STATUS" 200 "proxy: provider down, metadata served from the cache"
is "$(header Cache-Control)" "no-cache" "proxy: a stale copy is marked no-cache"
is "$(jstr token_endpoint)" "$ISS2/token" "proxy: the stale copy is the provider's"

# --- custom -----------------------------------------------------------
cat >"$T_DIR/as.json" <<EOJ
{"issuer":"https://auth.example","authorization_endpoint":"https://auth.example/authorize",
 "token_endpoint":"https://auth.example/token","response_types_supported":["code"],
 "code_challenge_methods_supported":["S256"],"x-custom":true}
EOJ
out=$(env MCP_PUBLIC_URL=https://mcp.example MCP_OAUTH_MODE=custom \
    MCP_OAUTH_METADATA_FILE="$T_DIR/as.json" "$B/oauth-metadata.fcgi" --check-config 2>&1)
is "$?" 0 "custom: a valid file passes --check-config"
sed -i 's/"S256"/"plain"/' "$T_DIR/as.json"
out=$(env MCP_PUBLIC_URL=https://mcp.example MCP_OAUTH_MODE=custom \
    MCP_OAUTH_METADATA_FILE="$T_DIR/as.json" "$B/oauth-metadata.fcgi" --check-config 2>&1)
is "$?" 78 "custom: an invalid file refuses to start (78)"
like "$out" 'MCP_OAUTH_METADATA_FILE: .*code_challenge_methods_supported' "custom: the field is named"
sed -i 's/"plain"/"S256"/' "$T_DIR/as.json"
out=$(printf '' | env GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET \
    SCRIPT_NAME=/.well-known/oauth-authorization-server MCP_PUBLIC_URL=https://mcp.example \
    MCP_OAUTH_MODE=custom MCP_OAUTH_METADATA_FILE="$T_DIR/as.json" HTTP_HOST=mcp.example \
    "$B/oauth-metadata.fcgi" 2>&1)
like "$out" '"x-custom":true' "custom: the file is served as is"

done_testing
