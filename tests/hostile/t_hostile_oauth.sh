#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Hostile input for every OAuth endpoint, over real HTTP through lighttpd:
# oauth-metadata.fcgi, oauth-authorize.fcgi, oauth-register.fcgi and
# oauth-token.fcgi in facade mode (one worker each, the provider on a port
# where nothing listens), and oauth-authorize.fcgi in proxy mode.  Each
# junk request gets a 4xx (or a 503 for the missing provider), never a
# redirect to a place it names, and the next request on the same worker
# succeeds; at the end every worker is still the process that was started
# and no log holds a secret marker.  OAUTH_BINDIR picks the programs (the
# ASan build, say).
. "$(dirname "$0")/../integration/lib.sh"
export LC_ALL=C

D=${OAUTH_BINDIR:-$top_builddir/cgi-bin}
for p in oauth-metadata oauth-authorize oauth-register oauth-token; do
	[ -x "$D/$p.fcgi" ] || bail "$D/$p.fcgi not built"
done
command -v openssl >/dev/null || bail "openssl not installed"

MARK="hx${$}m4rk${RANDOM}"	# in secrets, codes, bodies: never logged
start_lighttpd hostile-oauth "
server.max-request-field-size = 65535
fastcgi.server = (
	\"/.well-known/oauth-authorization-server\" => (( \"socket\" => \"$T_DIR/meta.sock\", \"check-local\" => \"disable\" )),
	\"/.well-known/oauth-protected-resource\" => (( \"socket\" => \"$T_DIR/meta.sock\", \"check-local\" => \"disable\" )),
	\"/oauth/authorize\" => (( \"socket\" => \"$T_DIR/authz.sock\", \"check-local\" => \"disable\" )),
	\"/oauth/callback\" => (( \"socket\" => \"$T_DIR/authz.sock\", \"check-local\" => \"disable\" )),
	\"/oauth/register\" => (( \"socket\" => \"$T_DIR/reg.sock\", \"check-local\" => \"disable\" )),
	\"/oauth/token\" => (( \"socket\" => \"$T_DIR/token.sock\", \"check-local\" => \"disable\" )),
	\"/proxy/oauth/authorize\" => (( \"socket\" => \"$T_DIR/pauthz.sock\", \"check-local\" => \"disable\" )),
)
"
DEAD=$(free_port)
ENVS="MCP_STORE_PATH=$T_DIR/store.lmdb MCP_PUBLIC_URL=$BASE MCP_OAUTH_MODE=facade MCP_OAUTH_CLIENT_ID=gw
MCP_OAUTH_AUTHORIZE_URL=http://127.0.0.1:$DEAD/authorize
MCP_OAUTH_TOKEN_URL=http://127.0.0.1:$DEAD/token
MCP_OAUTH_ISSUER=http://127.0.0.1:$DEAD MCP_API_TIMEOUT=2"
printf '%s%s\n' "$MARK" "$(openssl rand -hex 16)" >"$T_DIR/secret"
declare -A WPID
start() {	# start NAME PROGRAM VAR=value...
	local n=$1 p=$2
	shift 2
	# shellcheck disable=SC2086
	start_spawn_fcgi "$T_DIR/$n.sock" "$T_DIR/$n.log" "$D/$p.fcgi" "$@"
	WPID[$n]=${T_PIDS##* }
}
# shellcheck disable=SC2086
start meta oauth-metadata $ENVS MCP_AUTH=jwt
# shellcheck disable=SC2086
start authz oauth-authorize $ENVS MCP_SECRET_FILE="$T_DIR/secret"
# shellcheck disable=SC2086
start reg oauth-register $ENVS MCP_SECRET_FILE="$T_DIR/secret"
# shellcheck disable=SC2086
start token oauth-token $ENVS MCP_SECRET_FILE="$T_DIR/secret" \
    MCP_OAUTH_CLIENT_SECRET="${MARK}client"
start pauthz oauth-authorize MCP_PUBLIC_URL="$BASE/proxy" MCP_OAUTH_MODE=proxy \
    MCP_OAUTH_AUTHORIZE_URL=https://provider.example/authorize \
    MCP_SECRET_FILE="$T_DIR/secret" \
    MCP_OAUTH_ISSUER=https://provider.example
for w in "${!WPID[@]}"; do
	for i in $(seq 1 200); do
		grep -q 'ready (pid' "$T_DIR/$w.log" 2>/dev/null && break
		sleep 0.05
	done
done

N_REQ=0
BAD=""		# 5xx other than 503, redirects to named places, injected headers
PROBE_FAIL=""
seen() {	# seen WORKER: check the answer, then the worker still serves
	local w=$1 loc out
	N_REQ=$((N_REQ + 1))
	case $STATUS in
	5??) [ "$STATUS" = 503 ] || BAD="$BAD $w:$STATUS@$N_REQ" ;;
	2??|3??|4??) ;;
	*) BAD="$BAD $w:status-$STATUS@$N_REQ" ;;
	esac
	loc=$(header Location)
	case $loc in
	""|http://127.0.0.1:9/cb*|http://127.0.0.1:"$DEAD"/authorize*|https://provider.example/authorize*) ;;
	*) BAD="$BAD $w:redirect-to:${loc:0:60}@$N_REQ" ;;
	esac
	printf '%s\n' "$HEADERS" | grep -qi '^x-injected' && BAD="$BAD $w:injected@$N_REQ"
	case $w in
	meta) out=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/.well-known/oauth-authorization-server") ;;
	authz) out=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/oauth/authorize?client_id=probe") ;;
	pauthz) out=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/proxy/oauth/authorize?redirect_uri=x") ;;
	reg) out=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
	    --data-binary '{"redirect_uris":["http://127.0.0.1:9/cb"]}' "$BASE/oauth/register") ;;
	token) out=$(curl -s -o /dev/null -w '%{http_code}' -d grant_type=x "$BASE/oauth/token") ;;
	esac
	case $w:$out in meta:200|authz:400|pauthz:400|reg:201|token:400) ;;
	*) PROBE_FAIL="$PROBE_FAIL $w@$N_REQ:$out" ;;
	esac
}
get() {	# get WORKER PATH-AND-QUERY [curl args]
	local w=$1 u=$2
	shift 2
	http GET "$BASE$u" "$@"
	seen "$w"
}
postform() {	# postform WORKER PATH BODY [curl args]
	local w=$1 u=$2 b=$3
	shift 3
	http POST "$BASE$u" -H 'Content-Type: application/x-www-form-urlencoded' \
	    --data-binary "$b" "$@"
	seen "$w"
}
postjson() {	# postjson WORKER BODY-FILE
	http POST "$BASE/oauth/register" -H 'Content-Type: application/json' \
	    --data-binary "@$2"
	seen "$1"
}
rep() { head -c "$1" /dev/zero | tr '\0' "$2"; }
paged() {	# paged LABEL: an error page (400), not a redirect
	ok "$([ "$STATUS" = 400 ] && [ -z "$(header Location)" ]; echo $?)" "$1"
}
CH=$(printf 'x%.0s' $(seq 1 43))
CH=${CH//x/A}

# a real client, for requests that get past the client check
http POST "$BASE/oauth/register" -H 'Content-Type: application/json' \
    --data-binary '{"redirect_uris":["http://127.0.0.1:9/cb"],"token_endpoint_auth_method":"none"}'
CID=$(printf '%s' "$BODY" | sed -n 's/.*"client_id":"\([^"]*\)".*/\1/p')
[ -n "$CID" ] || bail "registration failed: $BODY"
Q="response_type=code&client_id=$CID&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb&code_challenge=$CH&code_challenge_method=S256"

# ------------------------------------------------------------ metadata
for m in PUT DELETE PATCH; do
	http "$m" "$BASE/.well-known/oauth-authorization-server" -d x; seen meta
	is "$STATUS" 405 "metadata: $m is 405"
done
get meta "/.well-known/oauth-authorization-server/$(rep 3000 a)"
is "$STATUS" 404 "metadata: a long unknown suffix is 404"
get meta "/.well-known/oauth-authorization-server?$(rep 4000 q)=x%20y&a=%C3%A9"
is "$STATUS" 200 "metadata: a junk query is ignored"
get meta "/.well-known/oauth-protected-resource/%ff%fe"
ok "$([ "${STATUS:0:1}" = 4 ]; echo $?)" "metadata: invalid UTF-8 in the path (4xx)"
get meta "/.well-known/oauth-authorization-server" -H "Host: evil.example"
unlike "$BODY" 'evil' "metadata: Host never makes it into a URL"

# ------------------------------------------------------------ authorize
get authz "/oauth/authorize"
is "$STATUS" 400 "authorize: no parameters: an error page"
get authz "/oauth/authorize?$(for i in $(seq 1 80); do printf 'p%d=1&' "$i"; done)"
is "$STATUS" 400 "authorize: 80 parameters refused"
get authz "/oauth/authorize?client_id=%zz"
is "$STATUS" 400 "authorize: broken %-escape refused"
get authz "/oauth/authorize?client_id=a%00b"
is "$STATUS" 400 "authorize: NUL refused"
get authz "/oauth/authorize?client_id=$(rep 20000 A)"
is "$STATUS" 400 "authorize: a 20 kB client_id refused"
get authz "/oauth/authorize?client_id=$MARK$(rep 300 B)"
is "$STATUS" 400 "authorize: a forged sealed-looking client_id refused"
for ru in 'javascript:alert(1)' 'data:text/html,x' 'http://127.0.0.1@evil.example/cb' \
    'http://127.0.0.1.evil.example/cb' 'https://evil.example\@127.0.0.1/cb' \
    'http://127.0.0.1:9/cb#frag' '//evil.example/cb' 'http://127.0.0.1:9/cb/../../x' \
    "http://127.0.0.1:9/cb%0d%0aX-Injected:%201"; do
	get authz "/oauth/authorize?$Q&state=s" --get --data-urlencode "redirect_uri=$ru" -o /dev/null
	ok "$([ -z "$(header Location)" ] || header Location | grep -q '^http://127.0.0.1:9/cb?'; echo $?)" \
	    "authorize: redirect_uri $ru never redirected to"
done
get authz "/oauth/authorize?$Q&state=%0d%0aX-Injected:%201"
ok "$([ "${STATUS:0:1}" = 4 ] || [ "$STATUS" = 302 ]; echo $?)" "authorize: CRLF in state (lighttpd refuses it)"
unlike "$HEADERS" '^X-Injected' "authorize: no header injected"
get authz "/oauth/authorize?$Q&state=%22%3E%3Cscript%3E%27%20"
ok "$([ "$STATUS" = 200 ] && ! printf '%s' "$BODY" | grep -q '<script'; echo $?)" \
    "authorize: markup in state is carried sealed in the consent form, never shown"
unlike "$(header Location)" '<|>|"' "authorize: nothing raw in Location"
get authz "/oauth/authorize?$Q&state=$(rep 5000 s)"
like "$(header Location)" '^http://127.0.0.1:9/cb\?error=invalid_request' "authorize: an overlong state refused by redirect"
get authz "/oauth/authorize?$Q&resource=https%3A%2F%2Fevil.example%2F"
like "$(header Location)" 'error=invalid_target' "authorize: a foreign resource refused"
get authz "/oauth/authorize?$Q&scope=$(rep 3000 s)"
like "$(header Location)" 'error=invalid_request' "authorize: an overlong scope refused"
# RFC 9700 4.11.2: anyone can register https://evil.example/ and send a
# broken request to bounce a user there from this host; without the user's
# consent to that client and URI, the error is a page, not a redirect
http POST "$BASE/oauth/register" -H 'Content-Type: application/json' \
    --data-binary '{"redirect_uris":["https://evil.example/phish"],"client_name":"Claude","token_endpoint_auth_method":"none"}'
EVIL=$(printf '%s' "$BODY" | sed -n 's/.*"client_id":"\([^"]*\)".*/\1/p')
[ -n "$EVIL" ] || bail "registration failed: $BODY"
EQ="client_id=$EVIL&redirect_uri=https%3A%2F%2Fevil.example%2Fphish&state=x"
get authz "/oauth/authorize?$EQ"
paged "authorize: a broken request for a URI without consent gets a page"
get authz "/oauth/authorize?$EQ&response_type=code&code_challenge=$CH&code_challenge_method=S256&resource=https%3A%2F%2Fx.example%2F"
paged "authorize: so does a foreign resource"
get authz "/oauth/authorize?$EQ&response_type=code&code_challenge=$CH&code_challenge_method=S256"
ok "$([ "$STATUS" = 200 ] && [ -z "$(header Location)" ]; echo $?)" \
    "authorize: a good request for it gets the consent page"
postform authz /oauth/authorize "decision=approve"
is "$STATUS" 400 "consent: a post without the sealed form"
postform authz /oauth/authorize "decision=approve&consent=$MARK$(rep 400 C)"
is "$STATUS" 400 "consent: a forged form"
http POST "$BASE/oauth/authorize" -H 'Content-Type: application/json' --data-binary '{}'; seen authz
is "$STATUS" 400 "consent: a JSON body"
postform authz /oauth/authorize "$(rep 70000 a)"
ok "$([ "$STATUS" = 400 ] || [ "$STATUS" = 413 ]; echo $?)" "consent: a 70 kB body refused"
http PUT "$BASE/oauth/authorize" -d x; seen authz
is "$STATUS" 405 "authorize: PUT is 405"

# ------------------------------------------------------------ callback
get authz "/oauth/callback"
is "$STATUS" 400 "callback: nothing"
get authz "/oauth/callback?state=$MARK&code=$MARK"
is "$STATUS" 400 "callback: a forged state"
get authz "/oauth/callback?state=$(rep 9000 A)&code=x"
is "$STATUS" 400 "callback: a 9 kB state"
get authz "/oauth/callback?error=%0d%0aX-Injected:%201&state=x"
ok "$([ "$STATUS" = 400 ] && ! printf '%s' "$HEADERS" | grep -qi '^x-injected'; echo $?)" "callback: error with CRLF"
http POST "$BASE/oauth/callback" -d x; seen authz
is "$STATUS" 405 "callback: POST is 405"

# ------------------------------------------------------------ proxy authorize
get pauthz "/proxy/oauth/authorize?redirect_uri=http%3A%2F%2Fevil.example%2F&client_id=c"
is "$STATUS" 400 "proxy: http off loopback gets a page"
get pauthz "/proxy/oauth/authorize?redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb&client_id=c&code_challenge=$CH&code_challenge_method=S256&response_type=code&scope=$(rep 2000 x)"
ok "$([ "$STATUS" = 200 ] && printf '%s' "$BODY" | grep -q "$(rep 2000 x)"; echo $?)" \
    "proxy: a long scope shown whole on the consent page"
get pauthz "/proxy/oauth/callback"
ok "$([ "${STATUS:0:1}" = 4 ]; echo $?)" "proxy: no callback route (4xx)"
# RFC 9700 4.11.2 in proxy mode too: every https URI passes, so an error
# found before consent goes back only to a loopback URI or to one this
# browser approved (for that client id); anything else gets a page
PQ="redirect_uri=https%3A%2F%2Fapp.example%2Fcb&state=s"
get pauthz "/proxy/oauth/authorize?$PQ&client_id=c"
paged "proxy: a broken request for an https URI without consent gets a page"
get pauthz "/proxy/oauth/authorize?$PQ"
paged "proxy: so does one without client_id"
get pauthz "/proxy/oauth/authorize?redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb&state=s&client_id=c"
like "$(header Location)" '^http://127.0.0.1:9/cb\?error=invalid_request' \
    "proxy: a loopback URI gets the error back"
: >"$T_DIR/pjar"
get pauthz "/proxy/oauth/authorize?$PQ&client_id=c&response_type=code&code_challenge=$CH&code_challenge_method=S256" \
    -c "$T_DIR/pjar"
PCONSENT=$(printf '%s' "$BODY" | sed -n 's/.*name="consent" value="\([^"]*\)".*/\1/p')
postform pauthz /proxy/oauth/authorize "decision=approve&consent=$PCONSENT" \
    -b "$T_DIR/pjar" -c "$T_DIR/pjar"
like "$(header Location)" '^https://provider.example/authorize\?' \
    "proxy consent: approved, on to the provider"
# (not seen: these redirects go to the app, which seen counts as bad)
http GET "$BASE/proxy/oauth/authorize?$PQ&client_id=c" -b "$T_DIR/pjar"
like "$(header Location)" '^https://app.example/cb\?error=invalid_request' \
    "proxy: the browser that approved it gets the error back"
get pauthz "/proxy/oauth/authorize?$PQ&client_id=d" -b "$T_DIR/pjar"
paged "proxy: for another client id, a page in that browser too"
get pauthz "/proxy/oauth/authorize?$PQ" -b "$T_DIR/pjar"
paged "proxy: and without client_id"

# ------------------------------------------------------------ register
printf '%s' "$(rep 100000 '[')" >"$T_DIR/deep.json"
postjson reg "$T_DIR/deep.json"
is "$STATUS" 400 "register: 100,000-deep nesting"
printf '{"redirect_uris":["http://127.0.0.1:9/cb"],"client_name":"%s"}' "$(rep 300 n)" >"$T_DIR/j"
postjson reg "$T_DIR/j"
is "$STATUS" 400 "register: an overlong client_name"
printf '{"redirect_uris":["http://127.0.0.1:9/cb"],"client_name":"a\\u0000b"}' >"$T_DIR/j"
postjson reg "$T_DIR/j"
is "$STATUS" 400 "register: NUL in client_name"
printf '{"redirect_uris":["http://127.0.0.1:9/cb"],"client_name":"\xff\xfe"}' >"$T_DIR/j"
postjson reg "$T_DIR/j"
is "$STATUS" 400 "register: invalid UTF-8"
printf '{"redirect_uris":[%s"x"]}' "$(for i in $(seq 1 1000); do printf '"http://127.0.0.1:9/%d",' "$i"; done)" >"$T_DIR/j"
postjson reg "$T_DIR/j"
is "$STATUS" 400 "register: 1,000 redirect URIs"
printf '{"redirect_uris":[%s"http://127.0.0.1:9/8%s"]}' "$(for i in $(seq 1 7); do printf '"http://127.0.0.1:9/%d%s",' "$i" "$(rep 2000 a)"; done)" "$(rep 2000 a)" >"$T_DIR/j"
postjson reg "$T_DIR/j"
is "$STATUS" 400 "register: metadata too large for any usable client id"
like "$BODY" '"error":"invalid_client_metadata"' "register: ... is invalid_client_metadata"
for j in 'null' '"x"' '[]' '{"redirect_uris":"http://127.0.0.1:9/cb"}' '{"redirect_uris":[null]}' \
    '{"redirect_uris":[{}]}' '{"redirect_uris":["http://127.0.0.1:9/cb"],"token_endpoint_auth_method":5}' \
    '{"redirect_uris":["http://127.0.0.1:9/cb"],"grant_types":"authorization_code"}'; do
	printf '%s' "$j" >"$T_DIR/j"
	postjson reg "$T_DIR/j"
	is "$STATUS" 400 "register: $j"
done
printf '{"redirect_uris":["http://127.0.0.1:9/cb"],"token_endpoint_auth_method":"none","client_secret":"%s","client_id":"mine","client_id_issued_at":1}' "$MARK" >"$T_DIR/j"
postjson reg "$T_DIR/j"
is "$STATUS" 201 "register: server-assigned members in the request"
unlike "$BODY" "$MARK|\"mine\"|\"client_id_issued_at\":1[,}]" "register: none of them echoed as if issued"
printf '{"redirect_uris":["http://127.0.0.1:9/cb"],"client_name":"%s<script>"}' "$MARK" >"$T_DIR/j"
postjson reg "$T_DIR/j"
is "$STATUS" 201 "register: markup in a name is only data"
http POST "$BASE/oauth/register" -H 'Content-Type: application/json' \
    -H "Content-Length: 5" --data-binary '{"redirect_uris":[]}'; seen reg
ok "$([ "${STATUS:0:1}" = 4 ]; echo $?)" "register: a lying Content-Length (4xx)"

# ------------------------------------------------------------ token
postform token /oauth/token ""
is "$STATUS" 400 "token: empty body"
postform token /oauth/token "grant_type=authorization_code&code=$(rep 9000 A)"
is "$(printf '%s' "$BODY" | sed -n 's/.*"error":"\([^"]*\)".*/\1/p')" invalid_grant "token: a 9 kB code"
postform token /oauth/token "grant_type=authorization_code&code=$MARK&client_id=$CID&code_verifier=$MARK"
is "$STATUS" 400 "token: a forged code"
postform token /oauth/token "grant_type=refresh_token&refresh_token=$MARK&client_id=$CID"
is "$STATUS" 400 "token: a forged refresh token"
for h in 'Basic' 'Basic !!!' "Basic $(printf 'nocolon' | base64)" "Basic $(printf 'a\0b:c' | base64)" \
    "Bearer $MARK" "Basic $(rep 6000 Q)"; do
	postform token /oauth/token "grant_type=refresh_token&refresh_token=x" -H "Authorization: $h"
	is "$STATUS" 401 "token: Authorization '${h:0:20}' is invalid_client"
done
postform token /oauth/token "grant_type=refresh_token&refresh_token=x&client_secret=$MARK" -u "a:b"
is "$STATUS" 401 "token: a secret both ways"
postform token /oauth/token "grant_type=authorization_code&grant_type=refresh_token"
is "$STATUS" 400 "token: a repeated parameter"
http POST "$BASE/oauth/token" -H 'Content-Type: application/json' --data-binary "{\"grant_type\":\"$MARK\"}"; seen token
is "$STATUS" 400 "token: a JSON body"
postform token /oauth/token "$(rep 70000 z)"
ok "$([ "$STATUS" = 400 ] || [ "$STATUS" = 413 ]; echo $?)" "token: a 70 kB body"

# ------------------------------------------------------------ the workers
is "$BAD" "" "no 5xx other than 503, no redirect to a named place, no injected header in $N_REQ answers"
is "$PROBE_FAIL" "" "after each of the $N_REQ requests, the next one on the worker succeeded"
for w in "${!WPID[@]}"; do
	kill -0 "${WPID[$w]}" 2>/dev/null
	ok $? "worker $w: still the process that was started"
	is "$(grep -c 'ready (pid' "$T_DIR/$w.log")" 1 "worker $w: started once"
done
is "$(cat "$T_DIR"/*.log | grep -c "$MARK")" 0 "no secret, code or body marker in any log"

done_testing
