#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# The demo: builds fcgi-mcp and the example API (installing what is
# missing on a fresh Debian 12 machine, as root), then runs lighttpd on
# 127.0.0.1:8000 with
#   /mcp  mcp.fcgi, tools from examples/openapi.json
#   /api  the example API itself
# in the foreground.  Ctrl-C stops everything it started.
#   PORT=8080 examples/demo.sh     another port
#
# examples/demo.sh --oauth: the same API behind OAuth (examples/README.md
# walks through it).  It also installs the npm modules of tests/interop
# (npm ci, from the committed lockfile: oidc-provider and the Node 22 it
# runs on), starts the tests' OpenID provider (tests/interop/provider.mjs)
# on 127.0.0.1:PROVIDER_PORT (default PORT + 1) with one user, DEMO_USER
# and DEMO_PASSWORD (default alice, wonderland), and serves the OAuth
# endpoints in facade mode.  /mcp takes only that provider's tokens
# (MCP_AUTH=jwt); each tool call exchanges the caller's token for one
# meant for the API (MCP_UPSTREAM_AUTH=exchange, RFC 8693), so the API's
# whoAmI tool shows which user called.
#
# For the tests (tests/interop/t_demo_oauth.sh): DEMO_BUILD=DIR runs the
# programs of that build tree as they are (nothing installed or built,
# nothing written there); DEMO_NODE_DIR=DIR is the npm project with
# provider.mjs and node_modules (default tests/interop).
set -u
FCM_TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$FCM_TOP/tests/deps.sh"
die() {
	echo "demo.sh: $*" >&2
	exit 1
}
OAUTH=""
case ${1:-} in
--oauth) OAUTH=1 ;;
"") ;;
*) echo "usage: examples/demo.sh [--oauth]" >&2; exit 2 ;;
esac
PORT=${PORT:-8000}
port_ok() {	# port_ok NAME: the variable NAME holds a port number
	case ${!1} in
	'' | *[!0-9]*) die "$1 must be a port number" ;;
	esac
	[ "${!1}" -ge 1 ] && [ "${!1}" -le 65535 ] || die "$1 must be 1 to 65535"
}
port_ok PORT
PROVIDER_PORT=${PROVIDER_PORT:-$((PORT + 1))}
port_ok PROVIDER_PORT
DEMO_USER=${DEMO_USER:-alice}
DEMO_PASSWORD=${DEMO_PASSWORD:-wonderland}
for v in DEMO_USER DEMO_PASSWORD; do
	case ${!v} in
	'' | *[!A-Za-z0-9._-]*) die "$v: letters, digits, '.', '_' and '-' only" ;;
	esac
done
BASE="http://127.0.0.1:$PORT"

if [ -n "${DEMO_BUILD:-}" ]; then
	BUILD=$(cd "$DEMO_BUILD" && pwd) || exit 1
	[ -x "$BUILD/cgi-bin/mcp.fcgi" ] && [ -x "$BUILD/examples/api.fcgi" ] ||
	    die "DEMO_BUILD=$DEMO_BUILD: the programs are not built there"
else
	BUILD="$FCM_TOP/_build/demo"
	install_debs
	echo "== building in $BUILD"
	fcm_build "$BUILD" || exit 1
fi
LIGHTTPD=$(PATH="$PATH:/usr/sbin" command -v lighttpd) || die "lighttpd not installed"

RUN=$(mktemp -d "${TMPDIR:-/tmp}/fcgi-mcp-demo.XXXXXX")
# lighttpd serves files from here: empty, away from the run directory's
# secrets, store and configuration
mkdir "$RUN/www"
LPID=""
PROV=""
stop() {	# everything started here, then the run directory
	local p workers="" alive _
	# lighttpd's FastCGI workers: it signals them on its way out but
	# does not wait for them, so wait here (5 s, then SIGKILL)
	[ -n "$LPID" ] && workers=$(pgrep -P "$LPID")
	for p in $LPID $PROV; do
		kill "$p" 2>/dev/null
	done
	for p in $LPID $PROV; do
		wait "$p" 2>/dev/null
	done
	for _ in $(seq 1 50); do
		alive=""
		for p in $workers; do	# a zombie left to init has exited
			case $(ps -o stat= -p "$p") in
			'' | Z*) ;;
			*) alive=1 ;;
			esac
		done
		[ -z "$alive" ] && break
		sleep 0.1
	done
	for p in $workers; do
		kill -9 "$p" 2>/dev/null
	done
	rm -rf "$RUN"
}
trap stop EXIT
trap 'exit 0' INT TERM

run_lighttpd() {	# in the foreground until Ctrl-C, or until it fails
	"$LIGHTTPD" -D -f "$RUN/lighttpd.conf" &
	LPID=$!
	wait "$LPID"
	LPID=""
	die "lighttpd stopped (is port $PORT in use?)"
}

# --- --oauth -----------------------------------------------------------
# fcgi_route PATH PROGRAM SOCKET NAME=VALUE...: one fastcgi.server entry,
# lighttpd starting PROGRAM with those variables
fcgi_route() {
	local path=$1 prog=$2 sock=$3 kv
	shift 3
	printf '\t"%s" => ((\n\t\t"bin-path" => "%s",\n' "$path" "$BUILD/cgi-bin/$prog"
	printf '\t\t"socket" => "%s",\n\t\t"max-procs" => %d,\n' "$RUN/$sock.sock" \
	    "${ROUTE_PROCS:-1}"
	printf '\t\t"check-local" => "disable",\n\t\t"bin-environment" => (\n'
	for kv in "$@"; do
		printf '\t\t\t"%s" => "%s",\n' "${kv%%=*}" "${kv#*=}"
	done
	printf '\t\t),\n\t)),\n'
}

# conf_head: lighttpd's settings, then fastcgi.server opened with the
# example API's route; the caller adds its routes and the closing ")".
conf_head() {
	cat <<EOC
server.document-root = "$RUN/www"
server.bind = "127.0.0.1"
server.port = $PORT
server.modules += ( "mod_fastcgi", "mod_magnet" )
magnet.attract-raw-url-to = ( "$FCM_TOP/conf/lighttpd/fcgi-mcp-header-names.lua" )
server.stream-response-body = 2
fastcgi.server = (
	"/api" => ((
		"bin-path" => "$BUILD/examples/api.fcgi",
		"socket" => "$RUN/api.sock",
		"max-procs" => 1,
		"check-local" => "disable",
	)),
EOC
}

start_provider() {	# the test OpenID provider; sets ISS
	local nd _
	nd=${DEMO_NODE_DIR:-$FCM_TOP/tests/interop}
	if [ ! -x "$nd/node_modules/.bin/node" ] || [ ! -d "$nd/node_modules/oidc-provider" ]; then
		command -v npm >/dev/null || die "npm not installed"
		echo "== installing the OpenID provider's npm modules (npm ci in $nd)"
		(cd "$nd" && npm ci --no-audit --no-fund) >"$RUN/npm.log" 2>&1 ||
		    { tail -20 "$RUN/npm.log" >&2; die "npm ci failed"; }
	fi
	# the client secret and the password go through the environment,
	# not the command line that ps shows (provider.mjs --help)
	(cd "$nd" && PROVIDER_CLIENT_SECRET=$CSECRET \
	    PROVIDER_USER="$DEMO_USER:$DEMO_PASSWORD" exec node_modules/.bin/node \
	    provider.mjs --port "$PROVIDER_PORT" --client-id fcgi-mcp-demo \
	    --redirect-uri "$BASE/oauth/callback" \
	    --resource "$BASE/mcp" --resource "$BASE/api" --resource-scopes "read items:write admin" \
	    --token-exchange --consent-form \
	    >"$RUN/provider.out" 2>"$RUN/provider.err") &
	PROV=$!
	for _ in $(seq 1 300); do
		ISS=$(sed -n 's/^READY //p' "$RUN/provider.out")
		[ -n "$ISS" ] && return 0
		kill -0 "$PROV" 2>/dev/null || break
		sleep 0.1
	done
	cat "$RUN/provider.err" >&2
	die "the OpenID provider did not start (is port $PROVIDER_PORT in use?)"
}

oauth_demo() {
	local secret=$BUILD/demo-oauth.secret common p
	# MCP_SECRET seals client ids, codes and refresh tokens: kept from one
	# run to the next, so that a client's registration stays valid; a
	# DEMO_BUILD tree (the tests') gets one per run, and keeps no file
	[ -n "${DEMO_BUILD:-}" ] && secret=$RUN/mcp-secret
	if [ ! -s "$secret" ]; then
		(umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$secret") ||
		    die "cannot write $secret"
	fi
	CSECRET=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')
	(umask 077 && printf '%s\n' "$CSECRET" >"$RUN/client-secret")
	echo "== starting the OpenID provider on 127.0.0.1:$PROVIDER_PORT"
	start_provider
	common="MCP_PUBLIC_URL=$BASE MCP_OAUTH_MODE=facade MCP_OAUTH_ISSUER=$ISS
	    MCP_OAUTH_CLIENT_ID=fcgi-mcp-demo MCP_SECRET_FILE=$secret
	    MCP_OAUTH_DEFAULT_SCOPE=openid MCP_STORE_PATH=$RUN/store.lmdb"
	# shellcheck disable=SC2086	# $common: words on purpose
	{
		conf_head
		fcgi_route /mcp mcp.fcgi mcp \
		    MCP_OPENAPI="$FCM_TOP/examples/openapi.json" \
		    MCP_API_BASE_URL="$BASE/api" MCP_PUBLIC_URL="$BASE" \
		    MCP_SERVER_NAME=fcgi-mcp-demo MCP_AUTH=jwt \
		    MCP_OAUTH_ISSUER="$ISS" MCP_REQUIRED_SCOPES=read \
		    MCP_UPSTREAM_AUTH=exchange MCP_UPSTREAM_RESOURCE="$BASE/api" \
		    MCP_UPSTREAM_SCOPE=read MCP_OAUTH_CLIENT_ID=fcgi-mcp-demo \
		    MCP_OAUTH_CLIENT_SECRET_FILE="$RUN/client-secret"
		for p in oauth-protected-resource oauth-authorization-server; do
			fcgi_route "/.well-known/$p" oauth-metadata.fcgi meta \
			    $common MCP_AUTH=jwt MCP_REQUIRED_SCOPES=read
		done
		for p in /oauth/authorize /oauth/callback /authorize; do
			fcgi_route "$p" oauth-authorize.fcgi authorize $common
		done
		for p in /oauth/register /register; do
			fcgi_route "$p" oauth-register.fcgi register $common
		done
		for p in /oauth/token /token; do
			fcgi_route "$p" oauth-token.fcgi token $common \
			    MCP_OAUTH_CLIENT_SECRET_FILE="$RUN/client-secret"
		done
		echo ")"
	} >"$RUN/lighttpd.conf"
	cat <<EOT

fcgi-mcp OAuth demo on $BASE (Ctrl-C stops it)

  MCP endpoint:      $BASE/mcp   (a token of the provider below is needed)
  OpenID provider:   $ISS   (oidc-provider, in memory)
  demo user:         $DEMO_USER   password: $DEMO_PASSWORD
  the example API:   $BASE/api/items

Connect a client:
  npx mcp-remote $BASE/mcp

  1. mcp-remote gets 401 from /mcp, finds this server's OAuth metadata,
     registers, and opens your browser at $BASE/oauth/authorize
     (or prints that URL: open it).
  2. fcgi-mcp's page "Allow access?" names mcp-remote: Allow.
  3. The provider's "Sign in": account id $DEMO_USER, password $DEMO_PASSWORD.
  4. The provider's "Authorize fcgi-mcp-demo": Allow.
  5. Back at mcp-remote: "Authorization successful!", and on its
     stderr "Proxy established successfully".
  6. Paste into mcp-remote's terminal:
{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"me","version":"1"}}}
{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"whoAmI","arguments":{}}}
     The API's answer: token_claims with "sub":"$DEMO_USER", the user who
     signed in, from a token fcgi-mcp got for the API (aud $BASE/api).

Without a token:  curl -si -X POST $BASE/mcp    (401, WWW-Authenticate)
examples/README.md explains each step.

EOT
	run_lighttpd
}
if [ -n "$OAUTH" ]; then
	oauth_demo
	exit 1
fi

{
	conf_head
	ROUTE_PROCS=2 fcgi_route /mcp mcp.fcgi mcp \
	    MCP_OPENAPI="$FCM_TOP/examples/openapi.json" \
	    MCP_API_BASE_URL="http://127.0.0.1:$PORT/api" \
	    MCP_PUBLIC_URL="http://127.0.0.1:$PORT" MCP_SERVER_NAME=fcgi-mcp-demo
	echo ")"
} >"$RUN/lighttpd.conf"
cat <<EOT

fcgi-mcp demo on http://127.0.0.1:$PORT (Ctrl-C stops it)

  MCP endpoint:     http://127.0.0.1:$PORT/mcp
  the example API:  http://127.0.0.1:$PORT/api/items

Connect a client:
  npx mcp-remote http://127.0.0.1:$PORT/mcp
  npx @modelcontextprotocol/inspector --cli http://127.0.0.1:$PORT/mcp \\
      --transport http --method tools/list
  npx @modelcontextprotocol/inspector --cli http://127.0.0.1:$PORT/mcp \\
      --transport http --method tools/call --tool-name getItem --tool-arg id=1

EOT
run_lighttpd
