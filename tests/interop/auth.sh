#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Token checks on /mcp against a real OAuth provider (oidc-provider, pinned
# in tests/interop, started here on loopback): JWTs verified against its
# JWKS (found through its metadata), a key rotation picked up without a
# restart, opaque tokens introspected, scopes and step-up, RFC 6750/9728
# challenges, and failing closed (503) when the provider is down.  What
# the API receives (issue #14): not the MCP token with MCP_AUTH=jwt, and
# with MCP_UPSTREAM_AUTH=client_credentials this server's own token.
. "$(dirname "$0")/../integration/lib.sh"

MCP_FCGI="$top_builddir/cgi-bin/mcp.fcgi"
API_FCGI="$top_builddir/examples/api.fcgi"
[ -x "$MCP_FCGI" ] && [ -x "$API_FCGI" ] || bail "programs not built"
need_node_modules

CID=fcgi-mcp-test
CSEC=test-secret-4711

# lighttpd first: the resources' URLs need its port.
start_lighttpd auth "
fastcgi.server = (
	\"/api\" => (( \"socket\" => \"$T_DIR/api.sock\", \"check-local\" => \"disable\" )),
	\"/jwt/mcp\" => (( \"socket\" => \"$T_DIR/jwt.sock\", \"check-local\" => \"disable\" )),
	\"/cold/mcp\" => (( \"socket\" => \"$T_DIR/cold.sock\", \"check-local\" => \"disable\" )),
	\"/drop/mcp\" => (( \"socket\" => \"$T_DIR/drop.sock\", \"check-local\" => \"disable\" )),
	\"/intro/mcp\" => (( \"socket\" => \"$T_DIR/intro.sock\", \"check-local\" => \"disable\" )),
	\"/introany/mcp\" => (( \"socket\" => \"$T_DIR/introany.sock\", \"check-local\" => \"disable\" )),
	\"/req/mcp\" => (( \"socket\" => \"$T_DIR/req.sock\", \"check-local\" => \"disable\" )),
	\"/cc/mcp\" => (( \"socket\" => \"$T_DIR/cc.sock\", \"check-local\" => \"disable\" )),
	\"/ccdown/mcp\" => (( \"socket\" => \"$T_DIR/ccdown.sock\", \"check-local\" => \"disable\" )),
)
"
start_provider provider --client-id "$CID" \
    --client-secret "$CSEC" --resource "$BASE/jwt/mcp" \
    --resource "$BASE/cold/mcp" --resource "$BASE/drop/mcp" --resource "$BASE/intro/mcp" \
    --resource "$BASE/cc/mcp" --resource "$BASE/api"
ok 0 "oidc-provider up at $ISS"

start_spawn_fcgi "$T_DIR/api.sock" "$T_DIR/api.log" "$API_FCGI"
printf '%s\n' "$CSEC" >"$T_DIR/secret"
COMMON="MCP_OPENAPI=$top_srcdir/examples/openapi.json MCP_API_BASE_URL=$BASE/api MCP_OAUTH_ISSUER=$ISS"
start_spawn_fcgi "$T_DIR/jwt.sock" "$T_DIR/jwt.log" "$MCP_FCGI" $COMMON \
    MCP_AUTH=jwt MCP_PUBLIC_URL="$BASE/jwt" MCP_REQUIRED_SCOPES=read MCP_JWT_TYP=at+jwt
start_spawn_fcgi "$T_DIR/cold.sock" "$T_DIR/cold.log" "$MCP_FCGI" $COMMON \
    MCP_AUTH=jwt MCP_PUBLIC_URL="$BASE/cold"
start_spawn_fcgi "$T_DIR/drop.sock" "$T_DIR/drop.log" "$MCP_FCGI" $COMMON \
    MCP_AUTH=jwt MCP_PUBLIC_URL="$BASE/drop" MCP_JWKS_COOLDOWN=1 MCP_JWKS_TTL=10
start_spawn_fcgi "$T_DIR/intro.sock" "$T_DIR/intro.log" "$MCP_FCGI" $COMMON \
    MCP_AUTH=introspect MCP_PUBLIC_URL="$BASE/intro" MCP_OAUTH_CLIENT_ID="$CID" \
    MCP_OAUTH_CLIENT_SECRET_FILE="$T_DIR/secret"
start_spawn_fcgi "$T_DIR/introany.sock" "$T_DIR/introany.log" "$MCP_FCGI" $COMMON \
    MCP_AUTH=introspect MCP_PUBLIC_URL="$BASE/introany" MCP_OAUTH_CLIENT_ID="$CID" \
    MCP_OAUTH_CLIENT_SECRET_FILE="$T_DIR/secret" MCP_INTROSPECTION_AUDIENCE=any
start_spawn_fcgi "$T_DIR/req.sock" "$T_DIR/req.log" "$MCP_FCGI" $COMMON \
    MCP_AUTH=required MCP_PUBLIC_URL="$BASE/req"
start_spawn_fcgi "$T_DIR/cc.sock" "$T_DIR/cc.log" "$MCP_FCGI" $COMMON \
    MCP_AUTH=jwt MCP_PUBLIC_URL="$BASE/cc" MCP_UPSTREAM_AUTH=client_credentials \
    MCP_OAUTH_CLIENT_ID="$CID" MCP_OAUTH_CLIENT_SECRET_FILE="$T_DIR/secret" \
    MCP_UPSTREAM_SCOPE=read MCP_UPSTREAM_RESOURCE="$BASE/api"
CC_DEAD=$(free_port)
start_spawn_fcgi "$T_DIR/ccdown.sock" "$T_DIR/ccdown.log" "$MCP_FCGI" \
    MCP_OPENAPI="$top_srcdir/examples/openapi.json" MCP_API_BASE_URL="$BASE/api" \
    MCP_AUTH=required MCP_PUBLIC_URL="$BASE/ccdown" \
    MCP_UPSTREAM_AUTH=client_credentials MCP_OAUTH_CLIENT_ID="$CID" \
    MCP_OAUTH_CLIENT_SECRET_FILE="$T_DIR/secret" \
    MCP_OAUTH_TOKEN_URL="http://127.0.0.1:$CC_DEAD/token"

token() {	# token [client-id] form-args...: a real client_credentials grant
	local id=$CID
	case ${1:-} in *-opaque) id=$1; shift ;; esac
	curl -s -u "$id:$CSEC" "$ISS/token" -d grant_type=client_credentials "$@" |
	    sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p'
}
list() {	# list PREFIX [curl args]
	local p=$1
	shift
	http POST "$BASE$p/mcp" -H 'Content-Type: application/json' \
	    -H 'Accept: application/json, text/event-stream' \
	    -H 'MCP-Protocol-Version: 2025-11-25' \
	    --data-binary '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' "$@"
}
call() {	# call PREFIX TOOL ARGS [curl args]
	local p=$1 t=$2 a=$3
	shift 3
	http POST "$BASE$p/mcp" -H 'Content-Type: application/json' \
	    -H 'Accept: application/json, text/event-stream' \
	    -H 'MCP-Protocol-Version: 2025-11-25' \
	    --data-binary "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"$t\",\"arguments\":$a}}" "$@"
}

# --- JWT ---
list /jwt
is "$STATUS" 401 "jwt: no token: 401"
is "$(header WWW-Authenticate)" "Bearer resource_metadata=\"$BASE/jwt/.well-known/oauth-protected-resource/mcp\", scope=\"read\"" \
    "jwt: challenge names the resource metadata and the required scope"
like "$BODY" '^\{"error":"unauthorized","error_description":"a Bearer token is required"\}$' "jwt: JSON error body"
out=$(cd "$IDIR" && timeout 30 "$NODE22" sdk-auth.mjs "$BASE/jwt/mcp" 2>&1)
like "$out" "\"resourceMetadataUrl\":\"$BASE/jwt/.well-known/oauth-protected-resource/mcp\"" \
    "TypeScript SDK client reads resource_metadata from the 401"
like "$out" '"scope":"read"' "TypeScript SDK client reads the scope"

T_READ=$(token -d scope=read -d resource="$BASE/jwt/mcp")
ok "$([ -n "$T_READ" ] && echo 0 || echo 1)" "a JWT access token from a real grant"
list /jwt -H "Authorization: Bearer $T_READ"
is "$STATUS" 200 "jwt: valid token: 200"
like "$BODY" '"name":"getItem"' "jwt: tools listed"
like "$BODY" '"name":"getAdminStats"' "jwt: tools needing more scopes are listed too"
call /jwt whoAmI '{}' -H "Authorization: Bearer $T_READ"
like "$BODY" '"authorization":null' \
    "jwt: the verified token does not reach the API (MCP_UPSTREAM_AUTH none by default)"
unlike "$BODY" "$T_READ" "jwt: the MCP token is nowhere in the result"

call /jwt getAdminStats '{}' -H "Authorization: Bearer $T_READ"
is "$STATUS" 403 "jwt: tool needing admin: 403"
is "$(header WWW-Authenticate)" "Bearer resource_metadata=\"$BASE/jwt/.well-known/oauth-protected-resource/mcp\", scope=\"read admin\", error=\"insufficient_scope\", error_description=\"the token lacks a scope this tool needs\"" \
    "jwt: step-up challenge lists every scope to ask for"
T_ADMIN=$(token -d "scope=read admin" -d resource="$BASE/jwt/mcp")
call /jwt getAdminStats '{}' -H "Authorization: Bearer $T_ADMIN"
is "$STATUS" 200 "jwt: token with admin: 200"
like "$BODY" 'HTTP 401 Unauthorized from GET /api/admin/stats' \
    "jwt: admin tool called; the API, given no token (MCP_UPSTREAM_AUTH none), asks for one"

T_WRITE=$(token -d scope=write -d resource="$BASE/jwt/mcp")
list /jwt -H "Authorization: Bearer $T_WRITE"
is "$STATUS" 403 "jwt: token without the required scope: 403"
like "$(header WWW-Authenticate)" 'error="insufficient_scope"' "jwt: insufficient_scope"
call /jwt getAdminStats '{}' -H "Authorization: Bearer $T_WRITE"
is "$STATUS" 403 "jwt: token without the required scope, calling an admin tool: 403"
like "$(header WWW-Authenticate)" 'scope="read admin", error="insufficient_scope"' \
    "jwt: ... the challenge names the tool's scopes too, not only the required ones"

T_OTHER=$(token -d scope=read -d resource="$BASE/intro/mcp")
list /jwt -H "Authorization: Bearer $T_OTHER"
is "$STATUS" 401 "jwt: token for another resource: 401"
like "$(header WWW-Authenticate)" 'error="invalid_token", error_description="[^"]*audience' "jwt: wrong audience named"

# tamper with the payload: flip one character of the middle part
mid=$(printf '%s' "$T_READ" | cut -d. -f2)
c=${mid:5:1}; [ "$c" = A ] && r=B || r=A
forged="$(printf '%s' "$T_READ" | cut -d. -f1).${mid:0:5}$r${mid:6}.$(printf '%s' "$T_READ" | cut -d. -f3)"
list /jwt -H "Authorization: Bearer $forged"
is "$STATUS" 401 "jwt: tampered token: 401"
list /jwt -H "Authorization: Bearer $(printf '%s' "$T_READ" | cut -d. -f1-2)."
is "$STATUS" 401 "jwt: signature stripped: 401"
none_hdr=$(printf '{"alg":"none","typ":"at+jwt"}' | b64url)
list /jwt -H "Authorization: Bearer $none_hdr.$mid."
is "$STATUS" 401 "jwt: alg none: 401"
list /jwt -H "Authorization: Basic $(printf 'a:b' | base64)"
is "$STATUS" 401 "jwt: Basic scheme: 401"
list /jwt -H "Authorization: Bearer $T_READ" -H "Authorization: Bearer $T_READ"
is "$STATUS" 401 "jwt: two Authorization headers: 401"
sleep 0.2
like "$(cat "$T_DIR/jwt.log")" 'token refused: .*signature' "jwt: the reason is logged"
unlike "$(cat "$T_DIR/jwt.log")" "$mid" "jwt: tokens are never logged"

# key rotation at the provider: a new kid, picked up without a restart
rot=$(curl -s -X POST "${ISS%/}/__test/rotate")
like "$rot" '"kid":' "provider rotated its key"
T_NEW=$(token -d scope=read -d resource="$BASE/jwt/mcp")
ok "$([ "$(printf '%s' "$T_NEW" | cut -d. -f1)" != "$(printf '%s' "$T_READ" | cut -d. -f1)" ] && echo 0 || echo 1)" \
    "the new token names another key"
list /jwt -H "Authorization: Bearer $T_NEW"
is "$STATUS" 200 "jwt: token signed with the rotated key: 200, no restart"
list /jwt -H "Authorization: Bearer $T_READ"
is "$STATUS" 200 "jwt: token signed with the old key still valid"

# unknown key ids: one JWKS fetch at most per MCP_JWKS_COOLDOWN (30 s)
before=$(grep -c 'auth: [0-9]* keys from' "$T_DIR/jwt.log")
for k in 1 2 3 4 5; do
	h=$(printf '{"alg":"RS256","typ":"at+jwt","kid":"nope-%s"}' "$k" | b64url)
	list /jwt -H "Authorization: Bearer $h.$mid.$(printf '%s' "$T_READ" | cut -d. -f3)"
done
is "$STATUS" 401 "jwt: unknown kid: 401"
like "$(header WWW-Authenticate)" 'error_description="[^"]*key' "jwt: unknown key named"
after=$(grep -c 'auth: [0-9]* keys from' "$T_DIR/jwt.log")
ok "$([ $((after - before)) -le 1 ] && echo 0 || echo 1)" \
    "a flood of unknown kids fetches the JWKS at most once ($((after - before)))"

# --- introspection ---
T_OPAQUE=$(token "$CID-opaque" -d scope=read -d resource="$BASE/intro/mcp")
ok "$([ -n "$T_OPAQUE" ] && [ "$(printf '%s' "$T_OPAQUE" | tr -cd . | wc -c)" -eq 0 ] && echo 0 || echo 1)" \
    "an opaque access token from a real grant"
list /intro -H "Authorization: Bearer $T_OPAQUE"
is "$STATUS" 200 "introspect: active token: 200 (secret from MCP_OAUTH_CLIENT_SECRET_FILE)"
list /intro -H "Authorization: Bearer not-a-real-token"
is "$STATUS" 401 "introspect: unknown token: 401"
like "$(header WWW-Authenticate)" 'error_description="token is not active"' "introspect: not active"
T_OPAQUE_OTHER=$(token "$CID-opaque" -d scope=read -d resource="$BASE/jwt/mcp")
list /intro -H "Authorization: Bearer $T_OPAQUE_OTHER"
is "$STATUS" 401 "introspect: active token for another audience: 401"

# an active token whose answer has no aud (a client-credentials grant
# without a resource indicator) is not shown to be for /mcp (issue #13)
T_NOAUD=$(token "$CID-opaque" -d scope=read)
ok "$([ -n "$T_NOAUD" ] && echo 0 || echo 1)" "an opaque token without a resource"
intro=$(curl -s -u "$CID:$CSEC" "$ISS/token/introspection" -d token="$T_NOAUD")
like "$intro" '"active":true' "the provider calls it active"
unlike "$intro" '"aud"' "... and its answer has no aud"
list /intro -H "Authorization: Bearer $T_NOAUD"
is "$STATUS" 401 "introspect: active token without aud: 401"
like "$(header WWW-Authenticate)" 'error="invalid_token", error_description="[^"]*no aud' \
    "introspect: without aud: invalid_token, reason named"
list /introany -H "Authorization: Bearer $T_NOAUD"
is "$STATUS" 200 "MCP_INTROSPECTION_AUDIENCE=any: the token without aud: 200"
list /introany -H "Authorization: Bearer $T_OPAQUE_OTHER"
is "$STATUS" 401 "MCP_INTROSPECTION_AUDIENCE=any: another audience still 401"
like "$(cat "$T_DIR/introany.log")" 'warn.*MCP_INTROSPECTION_AUDIENCE=any.*another client' \
    "MCP_INTROSPECTION_AUDIENCE=any: a start-up warning names the risk"
unlike "$(cat "$T_DIR/intro.log")" 'MCP_INTROSPECTION_AUDIENCE=any' \
    "no warning with the default"

# a junk token is introspected once, then remembered for a while
introspections() { curl -s "$ISS/__test/stats" | sed -n 's/.*"introspection":\([0-9]*\).*/\1/p'; }
before=$(introspections)
for k in 1 2 3; do
	list /intro -H "Authorization: Bearer junk-token-4711"
done
is "$STATUS" 401 "introspect: junk token: 401"
after=$(introspections)
is "$((after - before))" 1 "introspect: a junk token three times: one introspection call"
# (asked once more first: the refusals are a table of one slot per
# digest, and the junk token's may have taken the one T_NOAUD had)
list /intro -H "Authorization: Bearer $T_NOAUD"
before=$(introspections)
list /intro -H "Authorization: Bearer $T_NOAUD"
is "$STATUS" 401 "introspect: without aud again: 401 (not cached as valid)"
is "$(( $(introspections) - before ))" 0 "introspect: a refused token is not introspected again"

# --- required ---
list /req
is "$STATUS" 401 "required: no token: 401"
call /req whoAmI '{}' -H 'Authorization: Bearer anything-goes'
is "$STATUS" 200 "required: any bearer token passes"
like "$BODY" '"authorization":"Bearer anything-goes"' "required: token passed through"

# --- client_credentials: the API gets this server's own token ---
T_CC=$(token -d scope=read -d resource="$BASE/cc/mcp")
call /cc whoAmI '{}' -H "Authorization: Bearer $T_CC"
is "$STATUS" 200 "client_credentials: the call succeeds"
# the API echoes the token it got, and what it decodes of it: the token
# itself is redacted in the result (the model must not get it), the
# claims the API read from it are not
like "$BODY" '"structuredContent":\{"authorization":"Bearer \[redacted\]"' \
    "client_credentials: the API receives a bearer token, redacted in the result"
unlike "$BODY" "$T_CC" "client_credentials: the MCP token is nowhere in the result"
claims=$(printf '%s' "$BODY" | grep -o '"structuredContent":{.*' | grep -o '"token_claims":{[^}]*}')
like "$claims" '"sub":"fcgi-mcp-test"' "client_credentials: a JWT whose claims the API read (not the MCP token's)"
like "$claims" "\"aud\":\"$BASE/api\"" "client_credentials: its audience is the API (MCP_UPSTREAM_RESOURCE)"
like "$claims" "\"client_id\":\"$CID\"" "client_credentials: issued to this server's client"
like "$claims" '"scope":"read"' "client_credentials: with MCP_UPSTREAM_SCOPE"
unlike "$claims" '"sub":"[^"]*user' "client_credentials: no user subject"
JTI=$(printf '%s' "$claims" | sed -n 's/.*"jti":"\([^"]*\)".*/\1/p')
call /cc whoAmI '{}' -H "Authorization: Bearer $T_CC"
like "$BODY" "\"token_claims\":\\{\"jti\":\"$JTI\"" "client_credentials: the token is kept for the next call (its jti $JTI)"
sleep 0.2
unlike "$(cat "$T_DIR/cc.log")" "$CSEC|$T_CC" "client_credentials: no token or secret in the log"
unlike "$(cat "$T_DIR/cc.log")" 'Bearer [A-Za-z0-9_-]{20}' "... not the API's either"
call /ccdown whoAmI '{}' -H "Authorization: Bearer anything"
is "$STATUS" 200 "client_credentials, token endpoint down: the JSON-RPC call succeeds"
like "$BODY" '"isError":true' "... as a tool error"
like "$BODY" "The API call GET /whoami was not made: this server has no token for the API: the OAuth provider's token endpoint cannot be reached: could not connect" \
    "... that says what failed"
unlike "$BODY" "$CSEC|anything|$(printf '%s:%s' "$CID" "$CSEC" | base64)" "... without the secret or a token"
sleep 0.2
like "$(cat "$T_DIR/ccdown.log")" 'warn.*MCP_UPSTREAM_AUTH=client_credentials: .*cannot be reached' \
    "... and logged"
unlike "$(cat "$T_DIR/ccdown.log")" "$CSEC|$(printf '%s:%s' "$CID" "$CSEC" | base64)" "... without the secret"

# --- a key removed from the provider's JWKS (a compromised key, say) ---
# A token verified with it must stop working once the worker has the new
# set, even though its digest is cached until the token's own exp.  Last
# before the provider goes: the other workers keep their keys.
T_D1=$(token -d scope=read -d resource="$BASE/drop/mcp")
list /drop -H "Authorization: Bearer $T_D1"
is "$STATUS" 200 "key removal: a token verified (and cached)"
curl -s -X POST "${ISS%/}/__test/rotate?drop=1" >/dev/null
T_D2=$(token -d scope=read -d resource="$BASE/drop/mcp")
ok "$([ "$(printf '%s' "$T_D2" | cut -d. -f1)" != "$(printf '%s' "$T_D1" | cut -d. -f1)" ] && echo 0 || echo 1)" \
    "key removal: the provider signs with a new key, the old one dropped"
list /drop -H "Authorization: Bearer $T_D2"
is "$STATUS" 200 "key removal: the new key's token fetches the new set"
list /drop -H "Authorization: Bearer $T_D1"
is "$STATUS" 401 "key removal: the cached token of the removed key is refused"
like "$(header WWW-Authenticate)" 'error_description="[^"]*key' "... for its unknown key"
# and without a token of a new key to make the worker look: the set is
# fetched again when MCP_JWKS_TTL (10 s here) is over, even while every
# request finds its token in the cache
t_fetch=$(date +%s)
list /drop -H "Authorization: Bearer $T_D2"
is "$STATUS" 200 "key removal: the new key's token, cached"
curl -s -X POST "${ISS%/}/__test/rotate?drop=1" >/dev/null
while [ $(($(date +%s) - t_fetch)) -lt 11 ]; do
	list /drop -H "Authorization: Bearer $T_D2"
	[ "$STATUS" = 200 ] || break
	sleep 1
done
list /drop -H "Authorization: Bearer $T_D2"
is "$STATUS" 401 "key removal: refused once MCP_JWKS_TTL is over, cache or not"

# --- the provider goes away ---
kill "$PROV_PID"
wait "$PROV_PID" 2>/dev/null
list /jwt -H "Authorization: Bearer $T_NEW"
is "$STATUS" 200 "provider down: a verified token keeps working (cache)"
T_FRESH_HDR=$(printf '%s' "$T_ADMIN")
list /cold -H "Authorization: Bearer $T_FRESH_HDR"
is "$STATUS" 503 "provider down, no keys fetched yet: 503, never accepted"
is "$(header Retry-After)" 5 "503 carries Retry-After"
tries=$(grep -c "auth: http://127.0.0.1:.*/jwks\|auth: .*well-known.*: could not connect" "$T_DIR/cold.log")
list /cold -H "Authorization: Bearer $T_FRESH_HDR"
list /cold -H "Authorization: Bearer $T_FRESH_HDR"
is "$STATUS" 503 "provider still down: 503"
is "$(grep -c "auth: http://127.0.0.1:.*/jwks\|auth: .*well-known.*: could not connect" "$T_DIR/cold.log")" "$tries" \
    "and the provider is not asked again within the cool-down"
list /intro -H "Authorization: Bearer $T_OPAQUE"
is "$STATUS" 200 "provider down: a cached introspection result keeps working"
list /intro -H "Authorization: Bearer some-other-token"
is "$STATUS" 503 "provider down: introspection fails closed with 503"
call /cc whoAmI '{}' -H "Authorization: Bearer $T_CC"
like "$BODY" "\"token_claims\":\\{\"jti\":\"$JTI\"" "provider down: client_credentials keeps its token until it expires"

done_testing
