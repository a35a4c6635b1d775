#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# shellcheck disable=SC2016 # node -e scripts are single-quoted on purpose
# Smoke check of provider.mjs (the test OAuth provider) with curl only:
# client_credentials JWT (at+jwt, iss, aud, scope, kid, signature against
# the JWKS), an opaque token introspected with client_secret_basic, key
# rotation, the authorization code flow with PKCE driven over plain HTTP
# (cookie jar, no browser), the RFC 9207 iss on the redirect, --no-iss, and
# the refusal of the next token request (POST /__test/refuse).
# TAP output; exit 0 when everything passed.  Needs curl, openssl, and
# `npm ci` in tests/interop (the Node 22 of node_modules runs the provider;
# NODE=... overrides).
# KEEP=1 keeps the work directory.
set -u
[ -n "${KEEP:-}" ] && KEEP_TEST_DIR=1
# TAP helpers, start_provider, pkce, urlenc
# shellcheck source=../integration/lib.sh
. "$(dirname "$0")/../integration/lib.sh"
cd "$(dirname "$0")" || exit 1
IDIR=$(pwd)
NODE=${NODE:-$IDIR/node_modules/.bin/node}
NODE22=$NODE	# what lib.sh's start_provider runs
[ -x "$NODE" ] || bail "$NODE missing: run npm ci in $IDIR"
[ -d "$IDIR/node_modules/oidc-provider" ] || bail "oidc-provider not installed: run npm ci in $IDIR"
T=$T_DIR

note() { printf '%s\n' "$@" | sed 's/^/# /'; }

# jget JSON PATH: a value from JSON (PATH like .a.b or .keys[0].kid);
# strings raw, other values as JSON, missing as empty.
jget() {
	printf '%s' "$1" | "$NODE" -e '
		let v; try { v = JSON.parse(require("fs").readFileSync(0, "utf8")); } catch { process.exit(0); }
		for (const k of process.argv[1].split(/[.\[\]]+/).filter(Boolean)) v = v?.[k];
		if (v !== undefined) console.log(typeof v === "string" ? v : JSON.stringify(v));' "$2"
}
# jwt TOKEN JWKS-JSON: prints {"header":..,"claims":..,"verified":bool}
# (signature checked with node:crypto against the key named by kid).
jwt() {
	"$NODE" -e '
		const crypto = require("crypto");
		const [tok, jwks] = process.argv.slice(1);
		const [h, p, s] = tok.split(".");
		const dec = (x) => JSON.parse(Buffer.from(x, "base64url").toString());
		const header = dec(h), claims = dec(p);
		const jwk = JSON.parse(jwks).keys.find((k) => k.kid === header.kid);
		let verified = false;
		if (jwk) {
			const key = crypto.createPublicKey({ key: jwk, format: "jwk" });
			const data = Buffer.from(`${h}.${p}`), sig = Buffer.from(s, "base64url");
			const alg = header.alg;
			if (alg === "RS256") verified = crypto.verify("sha256", data, key, sig);
			else if (alg === "PS256") verified = crypto.verify("sha256", data, { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, sig);
			else if (alg === "ES256") verified = crypto.verify("sha256", data, { key, dsaEncoding: "ieee-p1363" }, sig);
			else if (alg === "EdDSA" || alg === "Ed25519") verified = crypto.verify(null, data, key, sig);
		}
		console.log(JSON.stringify({ header, claims, verified }));' "$1" "$2"
}
# request METHOD URL [curl args]: sets STATUS, LOCATION and BODY
request() {
	local m=$1 u=$2 out
	shift 2
	out=$(curl -sS -X "$m" -o "$T/body" -w '%{http_code} %{redirect_url}' "$@" "$u") || out="000 "
	STATUS=${out%% *}
	LOCATION=${out#* }
	BODY=$(cat "$T/body" 2>/dev/null)
}

# stop_provider: SIGTERM to the provider start_provider (lib.sh) started
# last; returns its exit status.
stop_provider() {
	local rc
	kill -TERM "$PROV_PID"
	wait "$PROV_PID"
	rc=$?
	T_PIDS=${T_PIDS/ $PROV_PID/}
	return $rc
}

# The MCP resource need not be listening: the provider only names it.
RES=http://127.0.0.1:9/mcp
OTHER=http://127.0.0.1:9/other
CID=mcp-facade
CSEC='s3cr=t +/%'	# characters that client_secret_basic must form-encode
REDIR=http://127.0.0.1:9/oauth/callback
BASIC=$(printf '%s:%s' "$(urlenc "$CID")" "$(urlenc "$CSEC")" | openssl base64 -A)
AUTHZ="Authorization: Basic $BASIC"

start_provider main --resource "$RES" --opaque-resource "$OTHER" \
    --client-id "$CID" --client-secret "$CSEC" --redirect-uri "$REDIR"
note "provider $ISS (pid $PROV_PID), node $("$NODE" --version)"

# ---- metadata
request GET "$ISS/.well-known/openid-configuration"
META=$BODY
is "$STATUS" 200 "OpenID configuration served"
is "$(jget "$META" .issuer)" "$ISS" "metadata issuer"
is "$(jget "$META" .authorization_response_iss_parameter_supported)" true "metadata: iss on authorization responses"
for k in authorization_endpoint token_endpoint jwks_uri introspection_endpoint revocation_endpoint; do
	note "$k: $(jget "$META" .$k)"
done
request GET "$ISS/.well-known/oauth-authorization-server"
is "$(jget "$BODY" .token_endpoint)" "$ISS/token" "RFC 8414 metadata served too"
TOKEN_EP=$(jget "$META" .token_endpoint)
INTRO_EP=$(jget "$META" .introspection_endpoint)
JWKS_URI=$(jget "$META" .jwks_uri)

# ---- JWT access token: client_credentials with resource
request POST "$TOKEN_EP" -H "$AUTHZ" -d grant_type=client_credentials \
    --data-urlencode "scope=read write" --data-urlencode "resource=$RES"
is "$STATUS" 200 "client_credentials with resource"
AT1=$(jget "$BODY" .access_token)
is "$(jget "$BODY" .scope)" "read write" "granted scope"
JWKS=$(curl -sS "$JWKS_URI")
J=$(jwt "$AT1" "$JWKS")
note "header: $(jget "$J" .header)" "claims: $(jget "$J" .claims)"
is "$(jget "$J" .header.typ)" "at+jwt" "typ at+jwt"
is "$(jget "$J" .header.alg)" RS256 "alg RS256"
is "$(jget "$J" .claims.iss)" "$ISS" "iss is the issuer"
is "$(jget "$J" .claims.aud)" "$RES" "aud is the resource"
is "$(jget "$J" .claims.scope)" "read write" "scope claim"
is "$(jget "$J" .claims.client_id)" "$CID" "client_id claim"
EXP=$(jget "$J" .claims.exp)
[ "$EXP" -gt "$(date +%s)" ]; ok $? "exp in the future ($EXP)"
KID1=$(jget "$J" .header.kid)
is "$(jget "$JWKS" .keys[0].kid)" "$KID1" "kid $KID1 is in the JWKS"
is "$(jget "$J" .verified)" true "signature verifies against the JWKS"

request POST "$TOKEN_EP" -H "$AUTHZ" -d grant_type=client_credentials \
    -d scope=read --data-urlencode "resource=http://127.0.0.1:9/unknown"
is "$(jget "$BODY" .error)" invalid_target "unknown resource: invalid_target"

# ---- POST /__test/refuse: the next token request only is refused
for s in 400 503; do
	request POST "$ISS/__test/refuse?status=$s"
	request POST "$TOKEN_EP" -H "$AUTHZ" -d grant_type=client_credentials \
	    -d scope=read --data-urlencode "resource=$RES"
	is "$STATUS" "$s" "/__test/refuse?status=$s: the next token request gets $s"
	request POST "$TOKEN_EP" -H "$AUTHZ" -d grant_type=client_credentials \
	    -d scope=read --data-urlencode "resource=$RES"
	is "$STATUS" 200 "... and the one after it is served"
done

# ---- opaque tokens and introspection (client_secret_basic)
request GET "$ISS/__test/token?scope=read&opaque=1&resource=$(urlenc "$RES")"
OPAQ=$(jget "$BODY" .access_token)
like "$OPAQ" '^[A-Za-z0-9_-]{20,}$' "opaque token from /__test/token?opaque=1 (twin client $CID-opaque)"
request POST "$INTRO_EP" -H "$AUTHZ" --data-urlencode "token=$OPAQ"
note "introspection: $BODY"
is "$(jget "$BODY" .active)" true "introspection: active"
is "$(jget "$BODY" .aud)" "$RES" "introspection: aud is the resource"
is "$(jget "$BODY" .scope)" read "introspection: scope"
is "$(jget "$BODY" .iss)" "$ISS" "introspection: iss"
request POST "$TOKEN_EP" -H "$AUTHZ" -d grant_type=client_credentials \
    -d scope=admin --data-urlencode "resource=$OTHER"
OPAQ2=$(jget "$BODY" .access_token)
request POST "$INTRO_EP" -H "$AUTHZ" --data-urlencode "token=$OPAQ2"
is "$(jget "$BODY" .aud),$(jget "$BODY" .active)" "$OTHER,true" "--opaque-resource: opaque token for another audience"
request POST "$TOKEN_EP" -H "$AUTHZ" -d grant_type=client_credentials -d scope=write
OPAQ3=$(jget "$BODY" .access_token)
request POST "$INTRO_EP" -H "$AUTHZ" --data-urlencode "token=$OPAQ3"
is "$(jget "$BODY" .active),$(jget "$BODY" .aud),$(jget "$BODY" .scope)" "true,,write" "no resource: opaque token without aud"
request POST "$INTRO_EP" -H "$AUTHZ" --data-urlencode "token=$AT1"
is "$(jget "$BODY" .error)" unsupported_token_type "JWT access tokens cannot be introspected"
request POST "$INTRO_EP" -u "$CID:wrong" --data-urlencode "token=$OPAQ"
is "$STATUS" 401 "introspection with a wrong secret: 401"
request POST "$(jget "$META" .revocation_endpoint)" -H "$AUTHZ" --data-urlencode "token=$OPAQ3"
is "$STATUS" 200 "revocation"
request POST "$INTRO_EP" -H "$AUTHZ" --data-urlencode "token=$OPAQ3"
is "$BODY" '{"active":false}' "revoked token: active false"

# ---- key rotation
request POST "$ISS/__test/rotate"
note "rotate: $BODY"
KID2=$(jget "$BODY" .kid)
[ -n "$KID2" ] && [ "$KID2" != "$KID1" ]; ok $? "rotate: new kid $KID2"
request GET "$ISS/__test/token?scope=read&resource=$(urlenc "$RES")"
AT2=$(jget "$BODY" .access_token)
JWKS=$(curl -sS "$JWKS_URI")
J2=$(jwt "$AT2" "$JWKS")
is "$(jget "$J2" .header.kid)" "$KID2" "a new token is signed with the new kid"
is "$(jget "$J2" .verified)" true "new token verifies"
is "$(jget "$JWKS" .keys[0].kid) $(jget "$JWKS" .keys[1].kid)" "$KID2 $KID1" "JWKS has both kids"
is "$(jget "$(jwt "$AT1" "$JWKS")" .verified)" true "the old token still verifies"
request POST "$INTRO_EP" -H "$AUTHZ" --data-urlencode "token=$OPAQ"
is "$(jget "$BODY" .active)" true "tokens issued before the rotation are still known"
request POST "$ISS/__test/rotate?drop=1"
KID3=$(jget "$BODY" .kid)
JWKS=$(curl -sS "$JWKS_URI")
is "$(jget "$JWKS" .keys.length) $(jget "$JWKS" .keys[0].kid)" "1 $KID3" "rotate?drop=1 leaves only the new key"

# ---- authorization code + PKCE, scripted
# authorize JAR EXTRA-QUERY: GET /auth, the login form (POST login=alice)
# when asked, then redirects until one leaves for the redirect URI; sets
# CALLBACK (the redirect_uri?code=... URL) and STEPS.
authorize() {
	local jar=$1 extra=$2 url _
	url="$ISS/auth?response_type=code&client_id=$(urlenc "$CID")&redirect_uri=$(urlenc "$REDIR")&scope=openid+read+write&state=st4te&resource=$(urlenc "$RES")$extra"
	CALLBACK="" STEPS=""
	for _ in $(seq 1 10); do
		request GET "$url" -c "$jar" -b "$jar"
		STEPS="$STEPS GET:${url#"$ISS"}->$STATUS"
		if [ "$STATUS" = 200 ] && printf '%s' "$BODY" | grep -q 'name="login"'; then
			# the login form: <form method="post" action="/interaction/UID/login">
			url=$ISS$(printf '%s' "$BODY" | sed -n 's/.*<form method="post" action="\([^"]*\)".*/\1/p' | head -1)
			request POST "$url" -c "$jar" -b "$jar" -d login=alice -d password=x
			STEPS="$STEPS POST:${url#"$ISS"}->$STATUS"
		fi
		case $STATUS in 30[12378]) ;; *) return 1 ;; esac
		case $LOCATION in "$REDIR"*) CALLBACK=$LOCATION; return 0 ;; esac
		url=$LOCATION
	done
	return 1
}
qparam() { # qparam URL NAME
	"$NODE" -e 'const v = new URL(process.argv[1]).searchParams.get(process.argv[2]); if (v !== null) console.log(v)' "$1" "$2"
}

pkce
authorize "$T/jar" "&code_challenge=$CHALLENGE&code_challenge_method=S256"
ok $? "authorization code flow reached the redirect URI"
note "steps:$STEPS" "redirect: $CALLBACK"
CODE=$(qparam "$CALLBACK" code)
[ -n "$CODE" ]; ok $? "redirect has a code"
is "$(qparam "$CALLBACK" state)" st4te "redirect has the state"
is "$(qparam "$CALLBACK" iss)" "$ISS" "redirect has iss = issuer (RFC 9207)"
request POST "$TOKEN_EP" -H "$AUTHZ" -d grant_type=authorization_code \
    --data-urlencode "code=$CODE" --data-urlencode "redirect_uri=$REDIR" \
    --data-urlencode "code_verifier=$VERIFIER"
is "$STATUS" 200 "code exchanged with the code_verifier"
TOK=$BODY
J=$(jwt "$(jget "$TOK" .access_token)" "$JWKS")
note "token response keys: $("$NODE" -e 'console.log(Object.keys(JSON.parse(process.argv[1])).join(" "))' "$TOK")" "access token claims: $(jget "$J" .claims)"
is "$(jget "$J" .header.typ),$(jget "$J" .claims.aud),$(jget "$J" .claims.sub)" "at+jwt,$RES,alice" "code grant: JWT for the resource, sub alice"
is "$(jget "$J" .claims.scope)" "read write" "code grant: scope"
is "$(jget "$J" .verified)" true "code grant: signature verifies"
RT=$(jget "$TOK" .refresh_token)
[ -n "$RT" ] && [ -n "$(jget "$TOK" .id_token)" ]; ok $? "refresh_token and id_token issued"
request POST "$TOKEN_EP" -H "$AUTHZ" -d grant_type=refresh_token --data-urlencode "refresh_token=$RT"
J=$(jwt "$(jget "$BODY" .access_token)" "$JWKS")
is "$(jget "$J" .claims.aud),$(jget "$J" .claims.scope)" "$RES,read write" "refresh_token grant: JWT for the resource"
RT=$(jget "$BODY" .refresh_token)
request POST "$TOKEN_EP" -H "$AUTHZ" --data-urlencode "code=$CODE" -d grant_type=authorization_code \
    --data-urlencode "redirect_uri=$REDIR" --data-urlencode "code_verifier=$VERIFIER"
is "$(jget "$BODY" .error)" invalid_grant "a code is used once"
request POST "$TOKEN_EP" -H "$AUTHZ" -d grant_type=refresh_token --data-urlencode "refresh_token=$RT"
is "$(jget "$BODY" .error)" invalid_grant "replaying the code revoked the grant's refresh token"

# second round in the same jar: session and grant remembered, no form
pkce
authorize "$T/jar" "&code_challenge=$CHALLENGE&code_challenge_method=S256"
ok $? "second authorization with the session cookie"
is "$(printf '%s' "$STEPS" | grep -c 'POST:')" 0 "no login form the second time"
request POST "$TOKEN_EP" -H "$AUTHZ" -d grant_type=authorization_code \
    --data-urlencode "code=$(qparam "$CALLBACK" code)" --data-urlencode "redirect_uri=$REDIR" \
    --data-urlencode "code_verifier=wrong-verifier-wrong-verifier-wrong-verifier-00"
is "$(jget "$BODY" .error)" invalid_grant "wrong code_verifier: invalid_grant"

authorize "$T/jar2" ""
is "$(qparam "$CALLBACK" error)" invalid_request "no code_challenge (PKCE required): error redirect"
is "$(qparam "$CALLBACK" iss)" "$ISS" "error redirect has iss too"

stop_provider
is $? 0 "provider exits 0 on SIGTERM"

# ---- --no-iss, --auto-login, ES256, --no-rfc8414
start_provider noiss --resource "$RES" --client-id "$CID" --client-secret "$CSEC" \
    --redirect-uri "$REDIR" --no-iss --auto-login bob --alg ES256 --no-rfc8414
request GET "$ISS/.well-known/oauth-authorization-server"
is "$STATUS" 404 "--no-rfc8414: OpenID configuration only"
request GET "$ISS/.well-known/openid-configuration"
is "$(jget "$BODY" .authorization_response_iss_parameter_supported)" false "--no-iss: metadata says false"
TOKEN_EP=$(jget "$BODY" .token_endpoint)
pkce
authorize "$T/jar3" "&code_challenge=$CHALLENGE&code_challenge_method=S256"
ok $? "--auto-login: redirects only"
note "steps:$STEPS" "redirect: $CALLBACK"
is "$(qparam "$CALLBACK" iss)" "" "--no-iss: no iss on the redirect"
request POST "$TOKEN_EP" -H "$AUTHZ" -d grant_type=authorization_code \
    --data-urlencode "code=$(qparam "$CALLBACK" code)" --data-urlencode "redirect_uri=$REDIR" \
    --data-urlencode "code_verifier=$VERIFIER"
J=$(jwt "$(jget "$BODY" .access_token)" "$(curl -sS "$ISS/jwks")")
is "$(jget "$J" .header.alg),$(jget "$J" .claims.sub),$(jget "$J" .verified)" "ES256,bob,true" "--alg ES256 token for bob verifies"
stop_provider
is $? 0 "provider exits 0 on SIGTERM"

echo "1..$T_N"
echo "$((T_N - T_FAILED)) passed, $T_FAILED failed"
[ "$T_FAILED" -eq 0 ]
