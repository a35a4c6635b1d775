#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# A browser for the OAuth tests, made of curl: it follows the redirects
# from URL, signs in at the test provider's login form (account
# BROWSER_LOGIN, default alice; password BROWSER_PASSWORD, form-encoded,
# default x) and approves its consent form, and
# fcgi-mcp's own consent page (BROWSER_CONSENT=deny denies it), keeping
# cookies in BROWSER_JAR.  It stops before requesting a URL that starts
# with BROWSER_STOP and prints that URL; without BROWSER_STOP it requests
# everything to the end (the client's own listener) and prints the last
# URL.  mcp-remote runs it as BROWSER with the URL as its only argument;
# oauth.sh and sdk-oauth.mjs run it with BROWSER_STOP set.
set -u
url=$1
stop=${BROWSER_STOP:-}
jar=${BROWSER_JAR:-$(mktemp)}
login=${BROWSER_LOGIN:-alice}
body=$(mktemp)
trap 'rm -f "$body"' EXIT
[ -n "${BROWSER_LOG:-}" ] && printf '%s\n' "$url" >>"$BROWSER_LOG"

# a client listening on a loopback redirect URI may not listen yet
port=$(printf '%s' "$url" | sed -n 's/.*[?&]redirect_uri=http%3A%2F%2F127\.0\.0\.1%3A\([0-9]*\).*/\1/p')
if [ -z "$stop" ] && [ -n "$port" ]; then
	for _ in $(seq 1 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
		sleep 0.1
	done
fi

form_action() {	# form_action NAME: the action of the form posting to .../NAME
	sed -n "s/.*<form method=\"post\" action=\"\\([^\"]*\\/$1\\)\".*/\\1/p" "$body" | head -1
}
method=GET
data=""
for _ in $(seq 1 30); do
	case $url in
	"$stop"*) [ -n "$stop" ] && { printf '%s\n' "$url"; exit 0; } ;;
	esac
	if [ "$method" = POST ]; then
		out=$(curl -s -b "$jar" -c "$jar" -o "$body" -w '%{http_code} %{redirect_url}' \
		    --max-time 20 --data-binary "$data" "$url")
	else
		out=$(curl -s -b "$jar" -c "$jar" -o "$body" -w '%{http_code} %{redirect_url}' \
		    --max-time 20 "$url")
	fi
	next=${out#* }
	method=GET
	data=""
	if [ -n "$next" ]; then
		url=$next
		continue
	fi
	origin=$(printf '%s' "$url" | sed -E 's#^(https?://[^/]+).*#\1#')
	consent=$(sed -n 's/.*name="consent" value="\([^"]*\)".*/\1/p' "$body" | head -1)
	if [ -n "$consent" ] && [ -n "$(form_action authorize)" ]; then
		# fcgi-mcp's own consent page: allow (BROWSER_CONSENT=deny: deny)
		url=$(form_action authorize)
		method=POST
		data="decision=${BROWSER_CONSENT:-approve}&consent=$consent"
	elif [ -n "$(form_action login)" ]; then
		url=$origin$(form_action login)
		method=POST
		data="login=$login&password=${BROWSER_PASSWORD:-x}"
	elif [ -n "$(form_action confirm)" ]; then
		url=$origin$(form_action confirm)
		method=POST
	else
		printf '%s\n' "$url"
		case ${out%% *} in 2??) exit 0 ;; *) exit 1 ;; esac
	fi
done
echo "too many steps" >&2
exit 1
