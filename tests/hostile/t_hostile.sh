#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Hostile input over real HTTP (issue 7, "Hostile input"): one lighttpd
# serves the example API at /api and mcp.fcgi workers (spawn-fcgi, one
# worker per socket) at several prefixes:
#
#   /mcp         W1: examples/openapi.json, MCP_MAX_BODY=4 MiB
#   /stream/mcp  W1 again, with lighttpd streaming request bodies, so the
#                worker itself sees lying Content-Lengths and slow bodies
#   /pool/mcp    two workers (PA, PB), streaming: a slow client holds one
#   /path/mcp    WP: the same document with a string item id, so path
#                values reach the path encoder instead of the type check
#   /req/mcp     WR: MCP_AUTH=required
#   /jwt/mcp     WJ: MCP_AUTH=jwt, JWKS (made here with openssl) from lighttpd
#   /down/mcp    WD: MCP_AUTH=jwt, JWKS on a port with nothing on it (503)
#
# Each hostile request is followed by a ping on the same worker; at the
# end every worker must still be the process that was started (same PID,
# one "ready" line), and no worker log may hold a secret marker, a token
# or a query string.  Raw requests go through bash's /dev/tcp.
#
# The bugs this test found (tests/hostile/README) are fixed; each check
# asserts the correct behaviour.  MCP_FCGI picks the mcp.fcgi to test (the
# ASan build, say).
. "$(dirname "$0")/../integration/lib.sh"
export LC_ALL=C

MCP_FCGI=${MCP_FCGI:-$top_builddir/cgi-bin/mcp.fcgi}
export -n MCP_FCGI	# ours, not the workers' (they warn about unknown MCP_*)
API_FCGI="$top_builddir/examples/api.fcgi"
DOC="$top_srcdir/examples/openapi.json"
[ -x "$MCP_FCGI" ] || bail "$MCP_FCGI not built"
[ -x "$API_FCGI" ] || bail "$API_FCGI not built"
[ -x "$LIGHTTPD" ] || bail "lighttpd not installed (apt-get install lighttpd)"
command -v openssl >/dev/null || bail "openssl not installed"

SECRET="hx${$}s3cr3t${RANDOM}"	# in tokens, queries, bodies: never logged
V='MCP-Protocol-Version: 2025-11-25'
A='Accept: application/json, text/event-stream'
J='Content-Type: application/json'

# ---------------------------------------------------------------- keys
KEY="$T_DIR/jwt-key.pem"
KEY2="$T_DIR/jwt-other.pem"
rsa_key "$KEY" || bail "openssl genpkey failed"
rsa_key "$KEY2" || bail "openssl genpkey failed"
N=$(rsa_jwk_n "$KEY") || bail "openssl rsa failed"
printf '{"keys":[{"kty":"RSA","kid":"k1","use":"sig","alg":"RS256","n":"%s","e":"AQAB"}]}\n' \
    "$N" >"$T_DIR/jwks.json"
jwt() {	# jwt HEADER-JSON CLAIMS-JSON [KEY]: signed with KEY (default $KEY)
	jws_rs256 "${3:-$KEY}" "$1" "$2"
}
ISS="http://127.0.0.1:1/"
AUD="https://mcp.test/mcp"
NOW=$(date +%s)
HDR='{"alg":"RS256","typ":"JWT","kid":"k1"}'
claims() {	# claims [EXTRA-MEMBERS]
	printf '{"iss":"%s","aud":"%s","sub":"%s","iat":%d,"exp":%d%s}' \
	    "$ISS" "$AUD" "$SECRET" "$NOW" $((NOW + 3600)) "${1:+,$1}"
}
GOOD=$(jwt "$HDR" "$(claims '"scope":"items:write admin"')")

# ---------------------------------------------------------------- servers
start_lighttpd hostile "
server.max-request-field-size = 65535
\$HTTP[\"url\"] =~ \"^/(stream|pool)/\" {
	server.stream-request-body = 2
}
fastcgi.server = (
	\"/api\" => (( \"socket\" => \"$T_DIR/api.sock\", \"check-local\" => \"disable\" )),
	\"/mcp\" => (( \"socket\" => \"$T_DIR/w1.sock\", \"check-local\" => \"disable\" )),
	\"/stream/mcp\" => (( \"socket\" => \"$T_DIR/w1.sock\", \"check-local\" => \"disable\" )),
	\"/pool/mcp\" => (
		( \"socket\" => \"$T_DIR/pa.sock\", \"check-local\" => \"disable\" ),
		( \"socket\" => \"$T_DIR/pb.sock\", \"check-local\" => \"disable\" ),
	),
	\"/path/mcp\" => (( \"socket\" => \"$T_DIR/wp.sock\", \"check-local\" => \"disable\" )),
	\"/req/mcp\" => (( \"socket\" => \"$T_DIR/wr.sock\", \"check-local\" => \"disable\" )),
	\"/jwt/mcp\" => (( \"socket\" => \"$T_DIR/wj.sock\", \"check-local\" => \"disable\" )),
	\"/down/mcp\" => (( \"socket\" => \"$T_DIR/wd.sock\", \"check-local\" => \"disable\" )),
	\"/hang/mcp\" => (( \"socket\" => \"$T_DIR/wh.sock\", \"check-local\" => \"disable\" )),
)
"
start_spawn_fcgi "$T_DIR/api.sock" "$T_DIR/api.log" "$API_FCGI"
DEAD_PORT=$(free_port)		# nothing listens there: the provider is down
# a JWKS server that stops answering (accepts, never replies) once
# $T_DIR/hang exists: a provider that hangs
HANG_PORT=$(free_port)
node -e '
const http = require("http"), fs = require("fs");
const [dir, port] = process.argv.slice(1);
http.createServer((q, r) => {
	if (fs.existsSync(dir + "/hang")) return;
	r.writeHead(200, { "Content-Type": "application/json" });
	r.end(fs.readFileSync(dir + "/jwks.json"));
}).listen(+port, "127.0.0.1");
' "$T_DIR" "$HANG_PORT" >"$T_DIR/hang.log" 2>&1 &
T_PIDS="$T_PIDS $!"
wait_port "$HANG_PORT" || bail "the JWKS server did not start"

# The document with a string item id: path values are encoded, not typed.
sed '/"name": "id"/,/"type": "integer"/ s/"type": "integer"/"type": "string"/' \
    "$DOC" >"$T_DIR/openapi-strid.json"

declare -A WPID
WORKERS=""
start_worker() {	# start_worker NAME [NAME=value ...]
	local name=$1
	shift
	start_spawn_fcgi "$T_DIR/$name.sock" "$T_DIR/$name.log" "$MCP_FCGI" \
	    MCP_OPENAPI="$DOC" MCP_API_BASE_URL="$BASE/api" "$@"
	WPID[$name]=${T_PIDS##* }
	WORKERS="$WORKERS $name"
}
start_worker w1 MCP_MAX_BODY=4194304
start_worker pa
start_worker pb
start_worker wp MCP_OPENAPI="$T_DIR/openapi-strid.json"
start_worker wr MCP_AUTH=required MCP_PUBLIC_URL=https://mcp.test
start_worker wj MCP_AUTH=jwt MCP_PUBLIC_URL=https://mcp.test \
    MCP_OAUTH_ISSUER="$ISS" MCP_JWKS_URL="$BASE/jwks.json" \
    MCP_JWT_ALGORITHMS=RS256
start_worker wd MCP_AUTH=jwt MCP_PUBLIC_URL=https://mcp.test \
    MCP_OAUTH_ISSUER="$ISS" MCP_JWKS_URL="http://127.0.0.1:$DEAD_PORT/jwks.json" \
    MCP_JWT_ALGORITHMS=RS256
start_worker wh MCP_AUTH=jwt MCP_PUBLIC_URL=https://mcp.test \
    MCP_OAUTH_ISSUER="$ISS" MCP_JWKS_URL="http://127.0.0.1:$HANG_PORT/jwks.json" \
    MCP_JWT_ALGORITHMS=RS256 MCP_JWKS_TTL=10 MCP_JWKS_COOLDOWN=2 MCP_API_TIMEOUT=10
for w in $WORKERS; do
	for i in $(seq 1 200); do
		grep -q 'ready (pid' "$T_DIR/$w.log" 2>/dev/null && break
		sleep 0.05
	done
	grep -q 'ready (pid' "$T_DIR/$w.log" || bail "worker $w did not start"
done

# ---------------------------------------------------------------- helpers
EP=/mcp			# the endpoint under test
AUTH=()			# extra curl arguments for the survival ping
N_REQ=0			# hostile requests sent
FIVEXX=""		# unexpected 5xx answers, injected headers
PROBE_FAIL=""		# hostile requests after which the worker did not answer

post() {	# post BODY [curl args]: POST to $BASE$EP
	local body=$1
	shift
	http POST "$BASE$EP" -H "$J" -H "$A" --data-binary "$body" "$@"
	seen "$@"
}
postf() {	# postf FILE [curl args]
	local f=$1
	shift
	http POST "$BASE$EP" -H "$J" -H "$A" --data-binary "@$f" "$@"
	seen "$@"
}
# NULL_ID: how an error whose id could not be read shows it: left out
# for a request that names 2025-11-25 or later (their schema has no
# null id), "id":null (JSON-RPC) otherwise.
null_id_of() {	# null_id_of [curl args]
	NULL_ID='"id":null,'
	case " $* " in
	*" MCP-Protocol-Version: 2025-11-25 "*|*" MCP-Protocol-Version: 2026-07-28 "*)
		NULL_ID='' ;;
	esac
}
seen() {	# seen [curl args]: every answer: no 5xx but 503, no injected
	# header; then probe
	null_id_of "$@"
	N_REQ=$((N_REQ + 1))
	case $STATUS in
	5??) [ "$STATUS" = 503 ] || FIVEXX="$FIVEXX $EP:$STATUS" ;;
	esac
	if printf '%s\n' "$HEADERS" | grep -qi '^x-injected'; then
		FIVEXX="$FIVEXX injected-header@$EP"
	fi
	probe
}
# After every hostile request, a ping on the same endpoint (one worker
# each but /pool) must succeed; /down (provider down) answers healthz.
# Leaves STATUS, BODY and $T_DIR/b alone.
probe() {
	local out
	if [ "$EP" = /down/mcp ]; then
		out=$(curl -s --max-time 20 "$BASE/down/mcp/healthz")
		case $out in '{"status":"ok"'*) return ;; esac
	else
		out=$(curl -s --max-time 20 -H "$J" -H "$A" ${AUTH[@]+"${AUTH[@]}"} \
		    --data-binary '{"jsonrpc":"2.0","id":"probe","method":"ping"}' "$BASE$EP")
		[ "$out" = '{"jsonrpc":"2.0","id":"probe","result":{}}' ] && return
	fi
	PROBE_FAIL="$PROBE_FAIL $EP@$N_REQ"
}
modern() {	# modern METHOD BODY [curl args]: 2026-07-28 headers
	local m=$1 body=$2
	shift 2
	post "$body" -H 'MCP-Protocol-Version: 2026-07-28' -H "Mcp-Method: $m" "$@"
}
call() {	# call TOOL ARGS-JSON [curl args]: a legacy tools/call
	local tool=$1 args=$2
	shift 2
	post "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"$tool\",\"arguments\":$args}}" \
	    -H "$V" "$@"
}
utf8_valid() {	# utf8_valid FILE: valid UTF-8 (no overlongs, surrogates, > U+10FFFF)
	! LC_ALL=C.UTF-8 grep -qaxv '.*' "$1"
}
rpc_err() {	# rpc_err LABEL STATUS CODE [ID]: a JSON-RPC error answer
	local id=${4:-null} idm
	idm="\"id\":$id,"
	[ "$id" = null ] && idm=$NULL_ID
	like "$STATUS $BODY" "^$2 \\{\"jsonrpc\":\"2.0\",$idm\"error\":\\{\"code\":$3," \
	    "$1: HTTP $2, error $3, id ${idm:-left out}"
}
alive() {	# alive LABEL: the next request on the same worker succeeds
	http POST "$BASE$EP" -H "$J" -H "$A" \
	    --data-binary '{"jsonrpc":"2.0","id":"alive","method":"ping"}' \
	    ${AUTH[@]+"${AUTH[@]}"}
	is "$STATUS $BODY" '200 {"jsonrpc":"2.0","id":"alive","result":{}}' \
	    "$1: then a ping on the same worker succeeds"
}
api_lines() { wc -l <"$T_DIR/api.log"; }
rep() {	# rep N STRING: STRING N times
	local s
	s=$(printf '%*s' "$1" '')
	printf '%s' "${s// /$2}"
}

# raw REQUEST-FILE [SECONDS]: send the bytes as they are, read until the
# server closes or SECONDS pass; RAW (CRs dropped), RAW_STATUS, RAW_HEAD.
raw() {
	timeout "${2:-5}" bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0" || exit 1
		cat "$1" >&3; cat <&3' "$PORT" "$1" >"$T_DIR/raw.out" 2>/dev/null
	RAW_HEAD=$(tr -d '\r' <"$T_DIR/raw.out" | sed '/^$/q')
	RAW=$(tr -d '\r' <"$T_DIR/raw.out" | tr '\n' ' ')	# one line, for like
	RAW_STATUS=$(printf '%s\n' "$RAW_HEAD" | head -1 | cut -d' ' -f2)
	if printf '%s\n' "$RAW_HEAD" | grep -qi '^x-injected'; then
		FIVEXX="$FIVEXX injected-header@raw"
	fi
	case $RAW_STATUS in
	5??) [ "$RAW_STATUS" = 503 ] || FIVEXX="$FIVEXX raw:$RAW_STATUS" ;;
	esac
	N_REQ=$((N_REQ + 1))
	probe
}
rawreq() {	# rawreq PATH BODY [HEADER-LINE ...] > file: a POST, Connection: close
	local path=$1 body=$2 h	# header lines may hold printf %b escapes (\r, \x00)
	shift 2
	printf 'POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' "$path"
	printf 'Accept: application/json, text/event-stream\r\nConnection: close\r\n'
	for h in "$@"; do
		printf '%b\r\n' "$h"
	done
	printf '\r\n%s' "$body"
}
PING='{"jsonrpc":"2.0","id":1,"method":"ping"}'
raw_tokens() {	# raw_tokens: tokens with CR, LF, NUL on $EP: lighttpd refuses them
	local h
	for h in 'Bearer a\rb' 'Bearer a\x00b' 'Bearer a\nX-Injected: 1'; do
		rawreq "$EP" "$PING" "Content-Length: ${#PING}" "Authorization: $h" >"$T_DIR/r.txt"
		raw "$T_DIR/r.txt"
		is "$RAW_STATUS" 400 "$EP: a token with CR, LF or NUL ($h): 400"
	done
}

# =============================================== 1. truncated, invalid JSON
EP=/mcp
i=0
while IFS= read -r line; do
	i=$((i + 1))
	printf '%b' "$line" >"$T_DIR/bad$i.json"
	postf "$T_DIR/bad$i.json" -H "$V"
	rpc_err "invalid JSON $i ($(printf '%s' "$line" | head -c 40 | tr -d '#'))" 400 -32700
done <<'EOF'
{
{"jsonrpc":
{"jsonrpc":"2.0","id":1,"method":"ping"}}
{"jsonrpc":"2.0","id":1,"method":"ping"} {"jsonrpc":"2.0","id":2,"method":"ping"}
{"jsonrpc":"2.0","id":1,"method":"ping"}x
{'jsonrpc':'2.0','id':1,'method':'ping'}
{jsonrpc:"2.0",id:1,method:"ping"}
{"jsonrpc":"2.0","id":1,"method":"ping",}
{"jsonrpc":"2.0","id":[1,],"method":"ping"}
{"jsonrpc":"2.0","id":-,"method":"ping"}
{"jsonrpc":"2.0","id":01,"method":"ping"}
{"jsonrpc":"2.0","id":.5,"method":"ping"}
{"jsonrpc":"2.0","id":0x10,"method":"ping"}
{"jsonrpc":"2.0","id":"\\x41","method":"ping"}
{"jsonrpc":"2.0","id":"\\u12","method":"ping"}
{"jsonrpc":"2.0","id":"\\uZZZZ","method":"ping"}
{"jsonrpc":"2.0","id":1,"method":"ping"\x00}
{"jsonrpc":"2.0",/* c */"id":1,"method":"ping"}
{"jsonrpc":"2.0","id":1,"method":"ping"}//
{"jsonrpc":"2.0","id":tru,"method":"ping"}
{"jsonrpc":"2.0","id":nul,"method":"ping"}
{"jsonrpc":"2.0" "id":1,"method":"ping"}
{"jsonrpc":"2.0","id":1,"method":"ping"
{"jsonrpc":"2.0","id":1,"method":"pi
"
[
]
\x20\x20\r\n
EOF
alive "invalid JSON"
# not JSON either, though json-c took them (BUG-6, BUG-7)
i=0
while IFS= read -r line; do
	i=$((i + 1))
	printf '%b' "$line" >"$T_DIR/lenient$i.json"
	postf "$T_DIR/lenient$i.json" -H "$V"
	rpc_err "not JSON: $(printf '%s' "$line" | cut -c18-34)" 400 -32700
done <<EOF
{"jsonrpc":"2.0","id":NaN,"method":"ping"}
{"jsonrpc":"2.0","id":-Infinity,"method":"ping"}
{"jsonrpc":"2.0","id":1.,"method":"ping"}
{"jsonrpc":"2.0","id":"a\\tb","method":"ping"}
{"jsonrpc":"2.0","id":"a\\nb","method":"ping"}
{"jsonrpc":"2.0","id":"a\\x01b","method":"ping"}
{"jsonrpc":"2.0","id":"a\\x1fb","method":"ping"}
EOF
alive "lenient JSON"

# every proper prefix of a real request is a parse error, never a request
req='{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"getItem","arguments":{"id":1},"_meta":{"progressToken":"p"}}}'
bad=""
for n in $(seq 1 $((${#req} - 1))); do
	printf '%s' "${req:0:n}" >"$T_DIR/prefix.json"
	postf "$T_DIR/prefix.json" -H "$V"
	printf '%s %s' "$STATUS" "$BODY" |
	    grep -q '^400 {"jsonrpc":"2.0","error":{"code":-32700' ||
	    bad="$bad $n"
done
is "$bad" "" "all ${#req} proper prefixes of a tools/call: 400 -32700"
# an empty body (Content-Length: 0)
post '' -H "$V"
rpc_err "empty body" 400 -32700
alive "truncated bodies"

# ================================================================ 2. UTF-8
post "$(printf '{"jsonrpc":"2.0","id":"\xc3\xa9\xf0\x9f\x98\x80\\u00e9\\ud83d\\ude00","method":"ping"}')" -H "$V"
is "$STATUS $BODY" "$(printf '200 {"jsonrpc":"2.0","id":"\xc3\xa9\xf0\x9f\x98\x80\xc3\xa9\xf0\x9f\x98\x80","result":{}}')" \
    "valid UTF-8 and escaped surrogate pairs: id echoed as the same text"
for c in 'ff:\xff' 'fe:\xfe' 'lone continuation:\x80' 'truncated 2-byte:\xc3' \
    'truncated 4-byte:\xf0\x9f\x98' '5-byte form:\xf8\x88\x80\x80\x80' \
    'BOM before the body:BOM'; do
	what=${c%%:*} bytes=${c#*:}
	if [ "$bytes" = BOM ]; then
		printf '\xef\xbb\xbf%s' "$PING" >"$T_DIR/u.json"
	else
		printf "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"s\":\"a${bytes}b\"}}" >"$T_DIR/u.json"
	fi
	postf "$T_DIR/u.json" -H "$V"
	rpc_err "invalid UTF-8 in a string ($what)" 400 -32700
done
printf '{"jsonrpc":"2.0","id":1,"method":"ping","params":{"k\xffey":1}}' >"$T_DIR/u.json"
postf "$T_DIR/u.json" -H "$V"
rpc_err "invalid UTF-8 in a key" 400 -32700
printf '{"jsonrpc":"2.0","id":1,"method":"pi\xe9ng"}' >"$T_DIR/u.json"
postf "$T_DIR/u.json" -H "$V"
rpc_err "Latin-1 byte in the method" 400 -32700
alive "invalid UTF-8"

# overlong forms, encoded surrogates and code points above U+10FFFF are
# invalid UTF-8 (RFC 3629) and must be refused like the rest
for c in 'overlong slash:\xc0\xaf' 'overlong NUL:\xc0\x80' \
    'overlong 3-byte:\xe0\x80\xaf' 'overlong 4-byte:\xf0\x80\x80\xaf' \
    'encoded surrogate:\xed\xa0\x80' 'encoded surrogate pair:\xed\xa0\xbd\xed\xb8\x80' \
    'above U+10FFFF:\xf4\x90\x80\x80'; do
	what=${c%%:*} bytes=${c#*:}
	printf "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"s\":\"a${bytes}b\"}}" >"$T_DIR/u.json"
	postf "$T_DIR/u.json" -H "$V"
	rpc_err "invalid UTF-8 in a string ($what)" 400 -32700
done
printf '{"jsonrpc":"2.0","id":1,"method":"ping","params":{"k\xc0\xafey":1}}' >"$T_DIR/u.json"
postf "$T_DIR/u.json" -H "$V"
rpc_err "overlong UTF-8 in a key" 400 -32700
# echoed: the answer itself would not be UTF-8
printf '{"jsonrpc":"2.0","id":"\xc0\xae\xc0\xae\xed\xa0\x80","method":"ping"}' >"$T_DIR/u.json"
postf "$T_DIR/u.json" -H "$V"
ok "$(utf8_valid "$T_DIR/b" && echo 0 || echo 1)" \
    "an id with overlong bytes and a surrogate: the answer is valid UTF-8"
alive "overlong UTF-8"
# escaped lone surrogates: replaced or refused, never invalid output
for s in '\\ud800' '\\udc00' '\\udc00\\ud800' '\\ud800x'; do
	post "$(printf '{"jsonrpc":"2.0","id":"a%sb","method":"ping"}' "$s")" -H "$V"
	ok "$( { [ "$STATUS" = 200 ] || [ "$STATUS" = 400 ]; } && utf8_valid "$T_DIR/b" && echo 0 || echo 1)" \
	    "escaped lone surrogate $s in the id: 200 or 400, answer valid UTF-8 ($STATUS)"
done
alive "escaped surrogates"

# ============================================================== 3. nesting
rep 100000 '[' >"$T_DIR/deep1.json"
postf "$T_DIR/deep1.json" -H "$V"
rpc_err "100,000 nested arrays" 400 -32700
like "$BODY" 'nested too deeply' "100,000 nested arrays: says why"
{ rep 100000 '{"a":'; printf 1; rep 100000 '}'; } >"$T_DIR/deep2.json"
postf "$T_DIR/deep2.json" -H "$V"
rpc_err "100,000 nested objects (complete)" 400 -32700
{ printf '{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":'; rep 100000 '['; rep 100000 ']'; printf '}}'; } >"$T_DIR/deep3.json"
postf "$T_DIR/deep3.json" -H "$V"
rpc_err "100,000 nested arrays in params" 400 -32700
{ printf '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"createItem","arguments":{"name":"n","price":1,"tags":'; rep 50000 '[{"a":'; printf 1; rep 50000 '}]'; printf '}}}'; } >"$T_DIR/deep4.json"
postf "$T_DIR/deep4.json" -H "$V"
rpc_err "100,000 levels of arrays and objects in tool arguments" 400 -32700
{ printf '['; rep 100000 '{"jsonrpc":"2.0","id":1,"method":'; printf '"ping"'; rep 100000 '}'; printf ']'; } >"$T_DIR/deep5.json"
postf "$T_DIR/deep5.json"
rpc_err "100,000 nested objects in a batch" 400 -32700
alive "deep nesting"
# a 4 MiB body of empty objects was a gigabyte of json-c tree in a worker
# (800 bytes an object); the parser charges what it builds and stops
{ printf '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"createItem","arguments":{"name":"n","price":1,"tags":['
  yes '{},' | head -n 1390000 | tr -d '\n'; printf '{}]}}}'; } >"$T_DIR/wide.json"
postf "$T_DIR/wide.json" -H "$V"
rpc_err "1,390,000 empty objects in tool arguments (4 MiB)" 400 -32700
like "$BODY" 'too much memory' "1,390,000 empty objects: says why"
alive "a body that would take a gigabyte of tree"
# the quarter GiB it did build is given back, not held by the worker
# (not under ASan: its allocator keeps freed memory in quarantine)
rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/${WPID[w1]}/status")
if ldd "$MCP_FCGI" 2>/dev/null | grep -q libasan; then
	ok 0 "# SKIP the worker's memory after it: an ASan build (RSS ${rss:-?} kB)"
else
	ok "$([ "${rss:-999999}" -lt 65536 ] && echo 0 || echo 1)" \
	    "... and the worker gives the memory back (RSS ${rss:-?} kB after it)"
fi
post "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"x\":$(rep 50 '[')$(rep 50 ']')}}" -H "$V"
is "$STATUS $BODY" '200 {"jsonrpc":"2.0","id":1,"result":{}}' "50 levels in params: still a request"
call createItem "{\"name\":\"n\",\"price\":1,\"tags\":$(rep 50 '[')$(rep 50 ']')}"
like "$STATUS $BODY" '^200 .*Invalid arguments: arguments.tags' "50 levels in an argument: refused by the schema"

# ====================================================== 4. huge numbers
for id in 1e999999 -1e999999 1.5 1E2 0.0 1e-999999; do
	post "{\"jsonrpc\":\"2.0\",\"id\":$id,\"method\":\"ping\"}" -H "$V"
	rpc_err "id $id" 400 -32600
done
for id in 9223372036854775807 -9223372036854775808 18446744073709551615; do
	post "{\"jsonrpc\":\"2.0\",\"id\":$id,\"method\":\"ping\"}" -H "$V"
	is "$STATUS $BODY" "200 {\"jsonrpc\":\"2.0\",\"id\":$id,\"result\":{}}" "id $id echoed exactly"
done
for id in 123456789012345678901234567890 -123456789012345678901234567890 18446744073709551616; do
	post "{\"jsonrpc\":\"2.0\",\"id\":$id,\"method\":\"ping\"}" -H "$V"
	like "$STATUS $BODY" "^(200 \\{\"jsonrpc\":\"2.0\",\"id\":$id,\"result\"|400 \\{\"jsonrpc\":\"2.0\",$NULL_ID\"error\":\\{\"code\":-32600)" \
	    "id $id: echoed exactly or refused, never another id"
done
alive "huge ids"
call listItems '{"limit":1e999999}'
like "$STATUS $BODY" '^200 .*Invalid arguments: (arguments.limit|NaN and infinite).*"isError":true' "argument 1e999999 for an integer: refused"
call listItems '{"limit":123456789012345678901234567890}'
like "$STATUS $BODY" '^200 .*Invalid arguments: arguments.limit.*"isError":true' "argument 123456789012345678901234567890: refused (above maximum)"
call sayHello '{"name":123456789012345678901234567890}'
like "$STATUS $BODY" '^200 .*Invalid arguments: arguments.name.*"isError":true' "huge number for a string: refused"
for v in 1e999999 NaN Infinity; do
	n0=$(api_lines)
	call updateItem "{\"id\":1,\"price\":$v}"
	like "$STATUS $BODY" '^(200 .*Invalid arguments: (arguments.price|NaN and infinite).*"isError":true|[24]00 \{"jsonrpc":"2.0",("id":1,)?"error")' \
	    "price $v (no finite double): refused by mcp.fcgi"
	is "$(api_lines)" "$n0" "price $v: no request reaches the API (its body would not be JSON)"
done
call updateItem '{"id":1,"price":-1e999999}'
like "$STATUS $BODY" '^200 .*Invalid arguments: (arguments.price|NaN and infinite).*"isError":true' "price -1e999999: refused (below minimum)"
# a number beyond 64 bits is passed on as written (t_jsonrpc checks the
# text); the example API, which parses with json-c, saturates it on its
# side, so its echo cannot show what was sent
call updateItem '{"id":1,"price":123456789012345678901234567890}'
is "$STATUS" 200 "price 123456789012345678901234567890: passed on, answered"
alive "huge numbers"

# ====================================================== 5. huge strings
head -c 3145728 /dev/zero | tr '\0' a >"$T_DIR/3m.txt"
{ printf '{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"%s","s":"' "$SECRET"; cat "$T_DIR/3m.txt"; printf '"}}'; } >"$T_DIR/big1.json"
postf "$T_DIR/big1.json" -H "$V"
is "$STATUS $BODY" '200 {"jsonrpc":"2.0","id":1,"result":{}}' "3 MiB string in params (under the 4 MiB limit): served"
{ printf '{"jsonrpc":"2.0","id":"'; cat "$T_DIR/3m.txt"; printf '","method":"ping"}'; } >"$T_DIR/big2.json"
postf "$T_DIR/big2.json" -H "$V"
pre='{"jsonrpc":"2.0","id":"' suf='","result":{}}'
is "$STATUS ${#BODY}" "200 $((3145728 + ${#pre} + ${#suf}))" "3 MiB string id: echoed whole"
{ printf '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"createItem","arguments":{"price":1,"name":"'; cat "$T_DIR/3m.txt"; printf '"}}}'; } >"$T_DIR/big3.json"
postf "$T_DIR/big3.json" -H "$V"
like "$STATUS $BODY" '^200 .*Invalid arguments: arguments.name: expected at most 100 characters' "3 MiB argument over maxLength: refused"
ok "$([ "${#BODY}" -lt 4096 ] && echo 0 || echo 1)" "3 MiB argument: the refusal does not echo it (${#BODY} bytes)"
{ printf '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"sayHello","arguments":{"name":"'; cat "$T_DIR/3m.txt"; printf '"}}}'; } >"$T_DIR/big4.json"
postf "$T_DIR/big4.json" -H "$V"
like "$STATUS $BODY" '^200 .*"isError":true' "3 MiB query argument: an isError result"
ok "$([ "${#BODY}" -lt 8192 ] && echo 0 || echo 1)" "3 MiB query argument: the answer is bounded (${#BODY} bytes)"
{ printf '{"jsonrpc":"2.0","id":1,"method":"'; cat "$T_DIR/3m.txt"; printf '"}'; } >"$T_DIR/big5.json"
postf "$T_DIR/big5.json" -H "$V"
rpc_err "3 MiB method name" 200 -32601 1
ok "$([ "${#BODY}" -lt 512 ] && echo 0 || echo 1)" "3 MiB method name: message truncated (${#BODY} bytes)"
{ printf '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"'; cat "$T_DIR/3m.txt"; printf '"}}'; } >"$T_DIR/big6.json"
postf "$T_DIR/big6.json" -H "$V"
rpc_err "3 MiB tool name" 200 -32602 1
ok "$([ "${#BODY}" -lt 512 ] && echo 0 || echo 1)" "3 MiB tool name: message truncated (${#BODY} bytes)"
long=$(head -c 60000 /dev/zero | tr '\0' m)
modern "$long" "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"$long\",\"params\":{$MODERN_META}}"
rpc_err "60 KB method in body and Mcp-Method (modern)" 404 -32601 2
modern tools/call "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"$long\",$MODERN_META}}" -H "Mcp-Name: $long"
rpc_err "60 KB tool name in body and Mcp-Name (modern)" 200 -32602 3
alive "huge strings"
sleep 0.2
ok "$(awk 'length > 2048 { bad = 1 } END { exit bad }' "$T_DIR/w1.log" && echo 0 || echo 1)" \
    "huge method and tool names: every log line stays under 2 KiB"

# ================================================ 6. bodies over the limit
pre='{"jsonrpc":"2.0","id":1,"method":"ping","params":{"s":"' suf='"}}'
{ printf '%s' "$pre"; head -c $((4194304 - ${#pre} - ${#suf})) /dev/zero | tr '\0' b; printf '%s' "$suf"; } >"$T_DIR/exact.json"
is "$(wc -c <"$T_DIR/exact.json")" 4194304 "(a body of exactly MCP_MAX_BODY bytes)"
postf "$T_DIR/exact.json" -H "$V"
is "$STATUS $BODY" '200 {"jsonrpc":"2.0","id":1,"result":{}}' "exactly MCP_MAX_BODY (4 MiB): served"
printf ' ' >>"$T_DIR/exact.json"
postf "$T_DIR/exact.json" -H "$V"
is "$STATUS $BODY" '413 {"error":"request body too large"}' "MCP_MAX_BODY + 1: 413"
head -c 20000000 /dev/zero | tr '\0' c >"$T_DIR/20m.json"
postf "$T_DIR/20m.json" -H "$V"
is "$STATUS $BODY" '413 {"error":"request body too large"}' "20 MB: 413"
alive "over the limit"
# streamed to the worker: 413 before a byte of the body is read
rawreq /stream/mcp '' 'Content-Length: 5000000' >"$T_DIR/r.txt"
t0=$(date +%s)
raw "$T_DIR/r.txt" 10
is "$RAW_STATUS" 413 "Content-Length 5000000 with no body, streamed: 413"
ok "$([ $(( $(date +%s) - t0 )) -le 3 ] && echo 0 || echo 1)" "... at once, without waiting for the body"
like "$RAW" '\{"error":"request body too large"\}' "... with a JSON error body"
alive "413 before reading"

# =================================== 7. duplicate keys: refused at any depth
# (a proxy or a firewall in front that reads the first of two members
# would judge another method, tool or argument than the one that runs)
post '{"jsonrpc":"2.0","id":1,"id":2,"method":"ping"}' -H "$V"
rpc_err "two ids" 400 -32700
post '{"jsonrpc":"2.0","id":1,"method":"tools/list","method":"ping"}' -H "$V"
rpc_err "two methods" 400 -32700
post '{"jsonrpc":"2.0","jsonrpc":"1.0","id":1,"method":"ping"}' -H "$V"
rpc_err "jsonrpc 2.0 then 1.0" 400 -32700
modern tools/list "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"method\":\"tools/list\",\"params\":{$MODERN_META}}"
rpc_err "two methods, Mcp-Method names the last" 400 -32700
modern tools/call "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"sayHello\",\"name\":\"failAlways\",$MODERN_META}}" -H 'Mcp-Name: failAlways'
rpc_err "two tool names, Mcp-Name names the last" 400 -32700
n0=$(api_lines)
call getItem '{"id":1,"id":"../admin"}'
rpc_err "two argument values" 400 -32700
like "$BODY" 'duplicate member name' "... a parse error that says why"
is "$(api_lines)" "$n0" "... and the API was not called"
alive "duplicate keys"

# ============================================ 8. wrong types for every field
while IFS='|' read -r what body want code id; do
	post "$body" -H "$V"
	rpc_err "$what" "$want" "$code" "$id"
done <<'EOF'
top-level string|"ping"|400|-32600|null
jsonrpc number|{"jsonrpc":2.0,"id":1,"method":"ping"}|400|-32600|1
jsonrpc null|{"jsonrpc":null,"id":1,"method":"ping"}|400|-32600|1
jsonrpc array|{"jsonrpc":["2.0"],"id":1,"method":"ping"}|400|-32600|1
jsonrpc object|{"jsonrpc":{"v":"2.0"},"id":1,"method":"ping"}|400|-32600|1
jsonrpc with a space|{"jsonrpc":"2.0 ","id":1,"method":"ping"}|400|-32600|1
jsonrpc missing|{"id":1,"method":"ping"}|400|-32600|1
id object|{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}|400|-32600|null
id array|{"jsonrpc":"2.0","id":[1],"method":"ping"}|400|-32600|null
id true|{"jsonrpc":"2.0","id":true,"method":"ping"}|400|-32600|null
id float|{"jsonrpc":"2.0","id":2.5,"method":"ping"}|400|-32600|null
id null|{"jsonrpc":"2.0","id":null,"method":"ping"}|400|-32600|null
method number|{"jsonrpc":"2.0","id":1,"method":7}|400|-32600|1
method null|{"jsonrpc":"2.0","id":1,"method":null}|400|-32600|1
method array|{"jsonrpc":"2.0","id":1,"method":["ping"]}|400|-32600|1
method object|{"jsonrpc":"2.0","id":1,"method":{}}|400|-32600|1
method true|{"jsonrpc":"2.0","id":1,"method":true}|400|-32600|1
method empty|{"jsonrpc":"2.0","id":1,"method":""}|400|-32600|1
params array|{"jsonrpc":"2.0","id":1,"method":"ping","params":[1]}|400|-32600|1
params string|{"jsonrpc":"2.0","id":1,"method":"ping","params":"x"}|400|-32600|1
params number|{"jsonrpc":"2.0","id":1,"method":"ping","params":1}|400|-32600|1
params false|{"jsonrpc":"2.0","id":1,"method":"ping","params":false}|400|-32600|1
notification with a number method|{"jsonrpc":"2.0","method":7}|400|-32600|null
result and error together|{"jsonrpc":"2.0","id":1,"result":{},"error":{}}|400|-32600|1
response without id|{"jsonrpc":"2.0","result":{}}|400|-32600|null
protocolVersion number|{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":20251125,"capabilities":{}}}|200|-32602|1
protocolVersion null|{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":null,"capabilities":{}}}|200|-32602|1
capabilities array|{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":[]}}|200|-32602|1
arguments array|{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"sayHello","arguments":["x"]}}|200|-32602|1
arguments string|{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"sayHello","arguments":"name=x"}}|200|-32602|1
arguments number|{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"sayHello","arguments":1}}|200|-32602|1
cursor number|{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"cursor":5}}|200|-32602|1
cursor object|{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"cursor":{"o":1}}}|200|-32602|1
cursor null|{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"cursor":null}}|200|-32602|1
cursor junk|{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"cursor":"!!!%00"}}|200|-32602|1
name number|{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":7,"arguments":{}}}|200|-32602|1
name null|{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":null}}|200|-32602|1
name array|{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":["sayHello"]}}|200|-32602|1
name missing|{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{}}|200|-32602|1
level number|{"jsonrpc":"2.0","id":1,"method":"logging/setLevel","params":{"level":3}}|200|-32602|1
level object|{"jsonrpc":"2.0","id":1,"method":"logging/setLevel","params":{"level":{}}}|200|-32602|1
EOF
for v in 42 -1 null true false; do
	post "$v" -H "$V"
	rpc_err "top-level $v (JSON, not a message)" 400 -32600
done
post '42 ' -H "$V"
rpc_err "top-level 42 followed by a space (JSON, not a message)" 400 -32600
# arguments null and params null count as absent
call sayHello 'null'
like "$STATUS $BODY" '^200 .*(Hello, world!|"code":-32602)' "arguments null: as if absent (or -32602)"
post '{"jsonrpc":"2.0","id":1,"method":"ping","params":null}' -H "$V"
like "$STATUS $BODY" '^(200 \{"jsonrpc":"2.0","id":1,"result":\{\}\}|400 .*"code":-32600)' "params null: as if absent (or -32600)"
# _meta and progressToken of the wrong type are ignored: no stream
for meta in '[1]' '"m"' '7' 'null' '{"progressToken":{"a":1}}' '{"progressToken":[1]}' \
    '{"progressToken":1.5}' '{"progressToken":true}' '{"progressToken":null}'; do
	post "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"sayHello\",\"arguments\":{},\"_meta\":$meta}}" -H "$V"
	is "$STATUS $(header Content-Type) $BODY" \
	    '200 application/json {"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"Hello, world!"}]}}' \
	    "_meta $meta: ignored, a plain JSON answer"
done
alive "wrong types (legacy)"
# the modern era checks its _meta
MV='"io.modelcontextprotocol/protocolVersion"'
MC='"io.modelcontextprotocol/clientCapabilities"'
while IFS='|' read -r what params want code; do
	modern tools/list "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/list\",\"params\":$params}"
	rpc_err "modern: $what" "$want" "$code" 9
done <<EOF
_meta array|{"_meta":[1]}|400|-32602
_meta string|{"_meta":"2026-07-28"}|400|-32602
protocolVersion number in _meta|{"_meta":{$MV:20260728,$MC:{}}}|400|-32602
protocolVersion object in _meta|{"_meta":{$MV:{},$MC:{}}}|400|-32602
clientCapabilities array|{"_meta":{$MV:"2026-07-28",$MC:[]}}|400|-32602
clientCapabilities missing|{"_meta":{$MV:"2026-07-28"}}|400|-32602
clientInfo string|{"_meta":{$MV:"2026-07-28",$MC:{},"io.modelcontextprotocol/clientInfo":"me"}}|400|-32602
logLevel number|{"_meta":{$MV:"2026-07-28",$MC:{},"io.modelcontextprotocol/logLevel":3}}|400|-32602
logLevel unknown|{"_meta":{$MV:"2026-07-28",$MC:{},"io.modelcontextprotocol/logLevel":"loud"}}|400|-32602
cursor number|{"cursor":5,"_meta":{$MV:"2026-07-28",$MC:{}}}|200|-32602
EOF
modern tools/call "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":7,$MODERN_META}}" -H 'Mcp-Name: 7'
rpc_err "modern: name number (Mcp-Name cannot mirror it)" 400 -32020 9
alive "wrong types (modern)"

# NUL inside a JSON string: the whole string is the value, not its C prefix
post '{"jsonrpc":"2.0","id":1,"method":"ping\u0000junk"}' -H "$V"
rpc_err "method \"ping\\u0000junk\" is no method name" 400 -32600 1
post '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"sayHello\u0000junk","arguments":{}}}' -H "$V"
rpc_err "tool \"sayHello\\u0000junk\" is unknown" 200 -32602 1
post '{"jsonrpc":"2.0\u0000x","id":1,"method":"ping"}' -H "$V"
rpc_err "jsonrpc \"2.0\\u0000x\" is not 2.0" 400 -32600 1
modern tools/list "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\\u0000x\",\"params\":{$MODERN_META}}"
like "$STATUS $BODY" '^(400 .*"code":-32020|400 .*"code":-32600|404 .*"code":-32601)' "Mcp-Method tools/list does not mirror \"tools/list\\u0000x\""
alive "NUL in strings"

# a notification's method asked with an id: its handler answers nothing,
# which crashed the worker (alive, and section 18's check that no worker
# was ever replaced, see to that)
for m in notifications/initialized notifications/cancelled; do
	post "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$m\"}" -H "$V"
	rpc_err "$m with an id: no such method" 200 -32601 1
	alive "$m with an id"
done

# =========================================== 9. batches (2025-03-26 only)
batch_of() {	# batch_of N MESSAGE-WITHOUT-ID FILE: a batch of N messages
	{ printf '['; for i in $(seq 1 "$1"); do [ "$i" = 1 ] || printf ','; printf '{"id":%d,%s}' "$i" "$2"; done; printf ']'; } >"$3"
}
# every message of a batch is answered and its answer kept: a body of
# thousands (a 4 MiB batch of tools/list made a worker grow to 2.7 GB, one
# of tools/call as many API calls) is refused before any is answered
batch_of 10000 '"jsonrpc":"2.0","method":"tools/list"' "$T_DIR/batch.json"
n0=$(api_lines)
t0=$(date +%s)
postf "$T_DIR/batch.json"
rpc_err "a batch of 10,000 messages (MCP_MAX_BATCH 32)" 400 -32600
like "$BODY" 'at most 32 messages' "... saying what the limit is"
ok "$([ $(( $(date +%s) - t0 )) -le 5 ] && echo 0 || echo 1)" "... at once"
batch_of 33 '"jsonrpc":"2.0","method":"tools/call","params":{"name":"sayHello","arguments":{}}' "$T_DIR/batch.json"
postf "$T_DIR/batch.json"
rpc_err "a batch of 33 tool calls" 400 -32600
is "$(api_lines)" "$n0" "... and the API called for none of them"
batch_of 32 '"jsonrpc":"2.0","method":"ping"' "$T_DIR/batch.json"
postf "$T_DIR/batch.json"
is "$STATUS $(printf '%s' "$BODY" | grep -o '"result":{}' | wc -l)" "200 32" "a batch of 32 pings: 32 answers"
post '[1,"x",null,[],{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-03-26","capabilities":{}}},{"jsonrpc":"2.0","id":2,"method":"ping"}]'
like "$STATUS $BODY" '^200 \[(\{"jsonrpc":"2.0","id":null,"error":\{"code":-32600[^]]*){4}\{"jsonrpc":"2.0","id":1,"error":\{"code":-32600.*\{"jsonrpc":"2.0","id":2,"result":\{\}\}\]$' \
    "a batch of junk: one -32600 per element, initialize refused, the ping answered"
post '[[[[[]]]]]'
like "$STATUS $BODY" '^200 \[\{"jsonrpc":"2.0","id":null,"error":\{"code":-32600' "a batch of nested arrays: -32600 for the element"
alive "batches"

# ============================ 10. Content-Length: missing, lying, chunked
rawreq /mcp "$PING" | sed '1s/HTTP\/1.1/HTTP\/1.0/' >"$T_DIR/r.txt"
raw "$T_DIR/r.txt"
is "$RAW_STATUS" 411 "HTTP/1.0 POST without Content-Length: 411"
rawreq /mcp "$PING" >"$T_DIR/r.txt"
raw "$T_DIR/r.txt"
is "$RAW_STATUS" 411 "HTTP/1.1 POST without Content-Length or chunking: 411"
{ rawreq /mcp '' 'Transfer-Encoding: chunked'; printf '7\r\n{"jsonr\r\n%x\r\n%s\r\n0\r\n\r\n' $((${#PING} - 7)) "${PING:7}"; } >"$T_DIR/r.txt"
raw "$T_DIR/r.txt"
is "$RAW_STATUS" 200 "chunked request body: 200"
like "$RAW" '\{"jsonrpc":"2.0","id":1,"result":\{\}\}' "chunked request body: the ping answered"
{ rawreq /mcp '' 'Transfer-Encoding: chunked'; printf 'zz\r\n%s\r\n0\r\n\r\n' "$PING"; } >"$T_DIR/r.txt"
raw "$T_DIR/r.txt"
is "$RAW_STATUS" 400 "chunked body with a bad chunk size: 400"
{ rawreq /mcp '' 'Transfer-Encoding: chunked'; printf '%x\r\n%s\r\n' 1000 "$PING"; } >"$T_DIR/r.txt"
raw "$T_DIR/r.txt" 2
ok "$(case $RAW_STATUS in ''|4??) echo 0 ;; *) echo 1 ;; esac)" "chunk shorter than announced, client gone: no answer or 4xx ($RAW_STATUS)"
rawreq /mcp "$PING" "Content-Length: 20" >"$T_DIR/r.txt"
raw "$T_DIR/r.txt"
is "$RAW_STATUS" 400 "Content-Length shorter than the body: 400"
like "$RAW" '"id":null,"error":\{"code":-32700' "... the cut body is a parse error, -32700"
rawreq /mcp "${PING}GARBAGE" "Content-Length: ${#PING}" >"$T_DIR/r.txt"
raw "$T_DIR/r.txt"
is "$RAW_STATUS" 200 "Content-Length covering one message, junk after it: the message is answered"
unlike "$RAW" 'GARBAGE' "... and the junk is never treated as part of it"
rawreq /mcp "$PING" "Content-Length: 200" >"$T_DIR/r.txt"
raw "$T_DIR/r.txt" 2
ok "$(case $RAW_STATUS in ''|4??) echo 0 ;; *) echo 1 ;; esac)" "Content-Length longer than the body: no answer or 4xx ($RAW_STATUS)"
for cl in -1 abc 1e3 99999999999999999999999 ' 5' '0x20'; do
	rawreq /mcp "$PING" "Content-Length: $cl" >"$T_DIR/r.txt"
	raw "$T_DIR/r.txt" 3
	ok "$(case $RAW_STATUS in 4??) echo 0 ;; *) echo 1 ;; esac)" "Content-Length '$cl': 4xx ($RAW_STATUS)"
done
rawreq /mcp "$PING" "Content-Length: ${#PING}" "Content-Length: 5" >"$T_DIR/r.txt"
raw "$T_DIR/r.txt"
is "$RAW_STATUS" 400 "two different Content-Lengths: 400"
rawreq /mcp "$PING" "Content-Length: 5" "Transfer-Encoding: chunked" >"$T_DIR/r.txt"
raw "$T_DIR/r.txt"
is "$RAW_STATUS" 400 "Content-Length with Transfer-Encoding: 400"
alive "Content-Length (buffered by lighttpd)"
# streamed: the worker itself reads the body
rawreq /stream/mcp "$PING" "Content-Length: 20" >"$T_DIR/r.txt"
raw "$T_DIR/r.txt"
like "$RAW_STATUS $RAW" '^400 .*"code":-32700' "streamed, Content-Length shorter: 400 -32700"
rawreq /stream/mcp "$PING" "Content-Length: 200" >"$T_DIR/r.txt"
raw "$T_DIR/r.txt" 2
ok "$(case $RAW_STATUS in ''|4??) echo 0 ;; *) echo 1 ;; esac)" "streamed, Content-Length longer, client gone: no answer or 4xx ($RAW_STATUS)"
sleep 0.3
like "$(tail -3 "$T_DIR/w1.log")" 'POST /stream/mcp rpc=- status=400 ' \
    "... the worker saw a short body and let it go (400)"
{ rawreq /stream/mcp '' 'Transfer-Encoding: chunked'; printf '%x\r\n%s\r\n0\r\n\r\n' ${#PING} "$PING"; } >"$T_DIR/r.txt"
raw "$T_DIR/r.txt"
ok "$(case $RAW_STATUS in 200|411) echo 0 ;; *) echo 1 ;; esac)" "streamed, chunked: 200 or 411 ($RAW_STATUS)"
EP=/stream/mcp alive "Content-Length (streamed)"
alive "Content-Length (streamed, buffered path)"

# ========================================================= 11. slow clients
slow_post() {	# slow_post PATH BODY DELAY OUT: headers now, then one byte per DELAY
	(
		exec 3<>"/dev/tcp/127.0.0.1/$PORT" || exit 1
		printf 'POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nConnection: close\r\nContent-Length: %d\r\n\r\n' \
		    "$1" "${#2}" >&3
		for ((k = 0; k < ${#2}; k++)); do
			printf '%s' "${2:k:1}" >&3
			sleep "$3"
		done
		timeout 10 cat <&3 >"$4"
	) &
	SLOW_PID=$!
}
SLOW='{"jsonrpc":"2.0","id":"slow","method":"ping"}'
# buffered by lighttpd: no worker is held, the one worker serves on
slow_post /mcp "$SLOW" 0.1 "$T_DIR/slow1.out"
sleep 0.5
fast=0 okn=0
for i in 1 2 3 4 5; do
	t0=$(date +%s%N)
	post "$PING" -H "$V"
	[ "$STATUS $BODY" = '200 {"jsonrpc":"2.0","id":1,"result":{}}' ] && okn=$((okn + 1))
	[ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 1000 ] && fast=$((fast + 1))
	sleep 0.3
done
kill -0 "$SLOW_PID" 2>/dev/null
ok $? "a slow client (one byte every 0.1 s) is still sending"
is "$okn/$fast" "5/5" "meanwhile its one worker answers 5 pings, each within 1 s"
wait "$SLOW_PID"
like "$(tr -d '\r' <"$T_DIR/slow1.out" | tr '\n' ' ')" '^HTTP/1.1 200 .*\{"jsonrpc":"2.0","id":"slow","result":\{\}\}' \
    "the slow request is answered in the end"
# streamed to a pool of two: the slow body holds one worker, the other serves
EP=/pool/mcp
slow_post /pool/mcp "$SLOW" 0.1 "$T_DIR/slow2.out"
sleep 0.5
fast=0 okn=0
for i in 1 2 3 4 5; do
	t0=$(date +%s%N)
	post "$PING" -H "$V"
	[ "$STATUS $BODY" = '200 {"jsonrpc":"2.0","id":1,"result":{}}' ] && okn=$((okn + 1))
	[ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 1000 ] && fast=$((fast + 1))
	sleep 0.3
done
kill -0 "$SLOW_PID" 2>/dev/null
ok $? "a slow streamed client is still sending"
is "$okn/$fast" "5/5" "meanwhile the other worker of the pool answers 5 pings, each within 1 s"
wait "$SLOW_PID"
like "$(tr -d '\r' <"$T_DIR/slow2.out" | tr '\n' ' ')" '^HTTP/1.1 200 .*\{"jsonrpc":"2.0","id":"slow","result":\{\}\}' \
    "the slow streamed request is answered in the end"
sleep 0.2
slowlog=$(grep -h 'POST /pool/mcp rpc=ping status=200 duration_ms=[0-9]\{4,\}' "$T_DIR/pa.log" "$T_DIR/pb.log" | wc -l)
is "$slowlog" 1 "one pool worker spent seconds reading the slow body"
# a slow client that gives up half-way
(
	exec 3<>"/dev/tcp/127.0.0.1/$PORT" || exit 1
	printf 'POST /pool/mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: */*\r\nContent-Length: 100\r\n\r\n{"jsonrpc":' >&3
	sleep 1
) &
wait $!
alive "slow clients (pool)"
# a client that leaves during an event stream
EP=/mcp
http POST "$BASE/mcp" -H "$J" -H "$A" -H "$V" --max-time 1 \
    --data-binary '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"slowDownload","arguments":{"chunks":6,"delay_ms":300},"_meta":{"progressToken":"gone"}}}'
like "$BODY" '"progressToken":"gone"' "a client that leaves during a progress stream got its first events"
# its call is stopped, not read to the end for nobody (2026-07-28,
# Cancellation): the audit record says so
wait_line "$T_DIR/w1.log" '"tool":"slowDownload".*"error":"cancelled"'
like "$(grep '"tool":"slowDownload"' "$T_DIR/w1.log" | tail -1)" '"error":"cancelled"' \
    "... and its API call is stopped (cancelled in the audit record)"
alive "client gone during a stream"

# ================================================= 12. header injection
b64() { printf '%s' "$1" | base64 -w0; }
M26='MCP-Protocol-Version: 2026-07-28'
post "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\\r\\nX-Injected: 1\",\"params\":{$MODERN_META}}" \
    -H "$M26" -H "Mcp-Method: =?base64?$(b64 $'ping\r\nX-Injected: 1')?="
rpc_err "CR LF in the method, mirrored by a base64 Mcp-Method (never decoded)" 400 -32020 1
is "$(header X-Injected)" "" "... no injected header"
modern tools/call "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"sayHello\",$MODERN_META}}" \
    -H "Mcp-Name: =?base64?$(b64 $'sayHello\r\nX-Injected: 1')?="
rpc_err "CR LF in a base64 Mcp-Name" 400 -32020 1
modern tools/call "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"x\\r\\nX-Injected: 1\",$MODERN_META}}" \
    -H "Mcp-Name: =?base64?$(b64 $'x\r\nX-Injected: 1')?="
rpc_err "CR LF in the tool name, mirrored" 200 -32602 1
for m in '=?base64?cGluZwBY?=' '=?base64?!!!?=' '=?base64?cGluZw?=x' '=?base64??='; do
	post "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{$MODERN_META}}" \
	    -H "$M26" -H "Mcp-Method: $m"
	rpc_err "Mcp-Method '$m' (NUL, broken or empty base64)" 400 -32020 1
done
alive "injection through Mcp-Method and Mcp-Name"
# raw CR, LF and NUL in the headers mcp.fcgi reads: lighttpd refuses them
for h in 'MCP-Protocol-Version: 2025-11-25\rX-Injected: 1' \
    'MCP-Protocol-Version: 2025-11-25\nX-Injected: 1' \
    'Mcp-Method: ping\rX-Injected: 1' 'Mcp-Method: ping\x00X-Injected: 1' \
    'Origin: http://127.0.0.1\rX-Injected: 1'; do
	rawreq /mcp "$PING" "Content-Length: ${#PING}" "$h" >"$T_DIR/r.txt"
	raw "$T_DIR/r.txt"
	is "$RAW_STATUS" 400 "raw header '$h': 400"
done
# folded lines reach mcp.fcgi as one value with spaces
rawreq /mcp "$PING" "Content-Length: ${#PING}" "MCP-Protocol-Version: 2025-11-25" " X-Injected: 1" >"$T_DIR/r.txt"
raw "$T_DIR/r.txt"
like "$RAW_STATUS $RAW" '^400 .*"code":-32022' "a folded MCP-Protocol-Version line: 400 -32022, one value"
rawreq /mcp "$PING" "Content-Length: ${#PING}" "Origin: http://127.0.0.1" " X-Injected: 1" >"$T_DIR/r.txt"
raw "$T_DIR/r.txt"
is "$RAW_STATUS" 403 "a folded Origin line: 403"
unlike "$(printf '%s' "$RAW_HEAD" | tr 'A-Z' 'a-z')" 'access-control-allow-origin' "... and no CORS header built from it"
body="{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{$MODERN_META}}"
rawreq /mcp "$body" "Content-Length: ${#body}" "$M26" "Mcp-Method: tools/list" " X-Injected: 1" >"$T_DIR/r.txt"
raw "$T_DIR/r.txt"
like "$RAW_STATUS $RAW" '^400 .*"code":-32020' "a folded Mcp-Method line: 400 -32020"
for h in 'MCP-Protocol-Version: 2025\xff\xfe-11-25' 'MCP-Protocol-Version: \xc0\xae\xc0\xae'; do
	rawreq /mcp "$PING" "Content-Length: ${#PING}" "$h" >"$T_DIR/r.txt"
	raw "$T_DIR/r.txt"
	sed '1,/^\r*$/d' "$T_DIR/raw.out" >"$T_DIR/raw.body"
	ok "$( [ "$RAW_STATUS" = 400 ] && utf8_valid "$T_DIR/raw.body" && echo 0 || echo 1)" \
	    "raw header '$h': 400, and the answer is valid UTF-8"
done
alive "raw header injection"
# tool arguments that become headers (listItems' X-Trace-Id)
n0=$(api_lines)
for v in '"a\nX-Injected: 1"' '"a\rX-Injected: 1"' '"a\r\n\r\nGET /api/admin/stats HTTP/1.1"' \
    '"a\u0000b"' '"\u000b"' '"\u001b[0m"' '["ok","b\r\nX-Injected: 1"]' '{"a":"b"}'; do
	call listItems "{\"X-Trace-Id\":$v}"
	like "$STATUS $BODY" '^200 .*(cannot be sent as the header X-Trace-Id|Invalid arguments: arguments.X-Trace-Id).*"isError":true' \
	    "X-Trace-Id $v: refused before any request"
done
is "$(api_lines)" "$n0" "no refused header value reached the API"
call listItems "{\"X-Trace-Id\":\"$(rep 257 t)\"}"
like "$BODY" 'Invalid arguments: arguments.X-Trace-Id' "X-Trace-Id of 257 characters: over maxLength"
call listItems '{"X-Trace-Id":"a\tb"}'
like "$BODY" '"trace_id":"a\\tb"' "a tab is allowed in a header value and arrives inside it"
call listItems '{"X-Trace-Id":"caf\u00e9\u007f"}'
like "$STATUS $BODY" '^200 .*"isError":true' "non-ASCII and DEL in X-Trace-Id: the API refuses, an isError result"
# the forwarded Authorization header cannot carry a second header
body='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"whoAmI","arguments":{}}}'
rawreq /mcp "$body" "Content-Length: ${#body}" "$V" "Authorization: Bearer t-$SECRET" " X-Request-Id: INJECTED" >"$T_DIR/r.txt"
raw "$T_DIR/r.txt"
like "$RAW" '"x_request_id":null' "a folded Authorization line does not become X-Request-Id at the API"
# SSE: nothing a client or the API sends can start an event of its own
post '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"sayHello","arguments":{},"_meta":{"progressToken":"t\r\n\r\ndata: INJECTED\n\nevent: x"}}}' -H "$V"
is "$(header Content-Type)" text/event-stream "progressToken with CR LF: an event stream"
unlike "$BODY" '^(data: INJECTED|event: x)' "... whose token cannot start an event"
post '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"createItem","arguments":{"name":"n\r\n\r\ndata: INJECTED\r\n\r\n","price":1},"_meta":{"progressToken":1}}}' -H "$V"
like "$BODY" 'data: \{"jsonrpc":"2.0","id":1,"result"' "API output with CR LF in an event stream: the result event"
unlike "$BODY" '^data: INJECTED' "... cannot start an event"
alive "header and event injection"

# ================================================ 13. path traversal
n0=$(api_lines)
for id in '"../admin"' '".."' '"%2e%2e"' '"/"' '"?x"' '"#x"' '"1/../../admin/stats"' '"1.5"' '0' '-1'; do
	call getItem "{\"id\":$id}"
	like "$STATUS $BODY" '^200 .*Invalid arguments: arguments.id.*"isError":true' \
	    "integer id $(printf '%s' "$id" | tr '#' 'H'): refused by the schema"
done
is "$(api_lines)" "$n0" "the API received none of them"
EP=/path/mcp
for id in '".."' '"."' '""' '"\u002e\u002e"'; do
	call getItem "{\"id\":$id}"
	like "$STATUS $BODY" '^200 .*Invalid arguments: arguments.id must be a non-empty value other than . and ...*"isError":true' \
	    "string id $id: refused"
done
is "$(api_lines)" "$n0" "dot segments and the empty segment never reach the API"
# Every other value is sent as one segment; the API (behind lighttpd with
# its defaults, which decode %2F and then remove dot segments) must get
# GET /items/<one segment> or nothing at all.
traverse() {	# traverse ID-JSON: call getItem, check what the API received
	local n0 lines
	n0=$(api_lines)
	call getItem "{\"id\":$1}"
	like "$STATUS $BODY" '^200 .*"isError":true' "string id $(printf '%s' "$1" | tr '#' 'H'): an isError result"
	sleep 0.05
	lines=$(tail -n +"$((n0 + 1))" "$T_DIR/api.log")
	ok "$(printf '%s\n' "$lines" | grep -Evq '^(api: GET /items/[^/]+ [0-9]{3})?$' && echo 1 || echo 0)" \
	    "string id $(printf '%s' "$1" | tr '#' 'H'): the API got $(printf '%s' "${lines:-nothing}" | tr '\n' ' ')"
}
for id in '"%2e%2e"' '"%2e%2e%2fadmin"' '"..%2f..%2fadmin"' '"?x"' '"#x"' '"..;"' \
    '"..\\admin"' '"1?limit=1"' '"1#frag"' '" .."' '"%00"' '".%2e"' '"..\u0000"' \
    '"a\r\nb"' '"\u00e9"'; do
	traverse "$id"
done
for id in '"../admin"' '"../admin/stats"' '"a/../../admin/stats"' '"/"' '"//"' \
    '".../"' '"1/"' '"x/../../admin"'; do
	traverse "$id"
done
# what it means: with the caller's token forwarded (the default), a tool
# without scopes reads another operation's data (getAdminStats needs
# "admin")
call getItem '{"id":"../admin/stats"}' -H "Authorization: Bearer fwd-$SECRET"
unlike "$BODY" '"requests":[0-9]' "getItem with id ../admin/stats and a token never returns the admin statistics"
# query and form values cannot add parameters
EP=/mcp
call sayHello '{"name":"x&name=evil#frag?y=1"}'
like "$BODY" '"text":"Hello, x&name=evil#frag\?y=1!"' "a query value with & # ? arrives as one value"
call sendMessage '{"To":"a&Body=evil","Body":"b&To=c","MediaUrl":["u&v=w"]}'
like "$BODY" '"to":"a&Body=evil","body":"b&To=c","media":\["u&v=w"\]' "form values with & arrive as one value each"
alive "path traversal"

# ========================================= 14. junk around the endpoint
http POST "$BASE/mcp?access_token=$SECRET&code=$SECRET" -H "$J" -H "$A" --data-binary "$PING"
seen
is "$STATUS" 200 "a query string with secrets on /mcp: served"
http GET "$BASE/mcp/healthz?token=$SECRET"
seen
like "$STATUS $BODY" '^200 \{"status":"ok"' "healthz with a query: 200"
http POST "$BASE/mcp/healthz" -H "$J" --data-binary "$PING"
seen
is "$STATUS" 405 "POST healthz: 405"
http POST "$BASE/mcp/%2e%2e/admin" -H "$J" -H "$A" --data-binary "$PING"
seen
ok "$(case $STATUS in 4??) echo 0 ;; *) echo 1 ;; esac)" "a dot segment under /mcp: 4xx ($STATUS)"
http POST "$BASE/mcp/x" -H "$J" -H "$A" --data-binary "$PING"
seen
is "$STATUS" 404 "another path under /mcp: 404"
http POST "$BASE/mcp" -H "$J" -H "$V" --data-binary "$PING" \
    -H "Accept: $(rep 5000 'a/b;q=0.5, ')application/json;q=abc, text/event-stream;q=1e999999"
seen
ok "$(case $STATUS in 200|406) echo 0 ;; *) echo 1 ;; esac)" "a 60 KB Accept header with odd q values: 200 or 406 ($STATUS)"
http POST "$BASE/mcp" -H 'Content-Type: application/json; charset=x; boundary="\' -H "$A" -H "$V" --data-binary "$PING"
seen
is "$STATUS" 200 "odd Content-Type parameters: the media type decides"
http POST "$BASE/mcp" -H 'Content-Type: application/json-seq' -H "$A" --data-binary "$PING"
seen
is "$STATUS" 415 "application/json-seq: 415"
http PUT "$BASE/mcp" -H "$J" -H "$A" --data-binary "$PING"
seen
is "$STATUS" 405 "PUT: 405"
http OPTIONS "$BASE/mcp" -H "Origin: http://evil.example" -H 'Access-Control-Request-Method: POST'
seen
is "$STATUS $(header Access-Control-Allow-Origin)" "403 " "a preflight from a foreign origin: 403, no CORS grant"
alive "junk around the endpoint"

# ===================================================== 15. MCP_AUTH=required
EP=/req/mcp
AUTH=(-H "Authorization: Bearer alive-$SECRET")
unauth() {	# unauth LABEL [ERROR]: 401 with a Bearer challenge and a JSON body
	local err=${2:-invalid_token}
	like "$STATUS $(header WWW-Authenticate)" '^401 Bearer resource_metadata="https://mcp.test/.well-known/oauth-protected-resource/mcp"' \
	    "$1: 401 with a Bearer challenge"
	like "$(header Content-Type) $BODY" "^application/json \\{\"error\":\"$err\"" "$1: JSON error $err"
}
post "$PING"
unauth "no Authorization" unauthorized
for h in 'Bearer' 'Bearer ' 'bearer' 'Bearer  two-spaces' $'Bearer\ttab' 'Basic dXNlcjpwYXNz' \
    'Token abc' 'Bearer a b' 'Bearer a,b' 'Bearer "quoted"' "Bearer t$(printf '\xc3\xb6')k" \
    "Bearer t$(printf '\xff')k" 'Bearer a=b' 'Bearer ab==c' 'Bearer a%20b'; do
	post "$PING" -H "Authorization: $h"
	unauth "Authorization '$(printf '%s' "$h" | tr -c '[:print:]' '?')'"
done
for h in 'Bearer =' 'Bearer ===='; do
	post "$PING" -H "Authorization: $h"
	unauth "Authorization '$h' (padding only, not a token68)"
done
post "$PING" -H "Authorization: Bearer one-$SECRET" -H "Authorization: Bearer two-$SECRET"
unauth "two Authorization headers"
post "$PING" -H "Authorization: Bearer ..."
is "$STATUS" 200 "Bearer ... (a token68): accepted, not verified in required mode"
post "$PING" -H "Authorization: BEARER x-$SECRET=="
is "$STATUS" 200 "scheme in capitals, padded token: accepted"
tok=$(rep 16384 k)
post "$PING" -H "Authorization: Bearer $tok"
is "$STATUS" 200 "a 16 KiB token (the limit): accepted"
post "$PING" -H "Authorization: Bearer ${tok}k"
unauth "a token of 16 KiB + 1"
post "$PING" -H "Authorization: Bearer $(rep 40000 k)"
unauth "a 40 KB token"
post "$PING" -H "Authorization: Bearer $(rep 65536 k)"
ok "$(case $STATUS in 4??) echo 0 ;; *) echo 1 ;; esac)" "a 64 KiB token: 4xx ($STATUS, lighttpd's header limit)"
raw_tokens
rawreq /req/mcp "$PING" "Content-Length: ${#PING}" "Authorization: Bearer a-$SECRET" " b" >"$T_DIR/r.txt"
raw "$T_DIR/r.txt"
is "$RAW_STATUS" 401 "a folded Authorization line: 401"
call whoAmI '{}' -H "Authorization: Bearer fwd-$SECRET"
like "$BODY" "\"authorization\":\"Bearer fwd-$SECRET\"" "the token still reaches the API (passthrough)"
alive "MCP_AUTH=required"

# ========================================================= 16. MCP_AUTH=jwt
EP=/jwt/mcp
AUTH=(-H "Authorization: Bearer $GOOD")
alive "a valid RS256 token"
hdr() { printf '%s' "$1" | b64url; }
p64=$(claims '"scope":"admin"' | b64url)
sig=${GOOD##*.}
junk=$(head -c 600 /dev/urandom | b64url)
# from now, not from the start: the tests before may take over a minute
soon=$(($(date +%s) + 600))
# label|reason (error_description)|token
bad_tokens=(
	"three dots|more than three parts|..."
	"two dots|header is not base64url|.."
	"one part|three parts|$junk"
	"four parts|more than three parts|a.b.c.d"
	"base64 junk in three parts|header is not JSON|${junk:0:200}.${junk:200:200}.${junk:400}"
	"header not JSON|header is not JSON|$(hdr 'not json').$p64.$sig"
	"header an array|header is not a JSON object|$(hdr '[1]').$p64.$sig"
	"header nested 5000 deep|header is not JSON|$(hdr "$(rep 5000 '[')").$p64.$sig"
	"alg none|is never accepted|$(hdr '{"alg":"none","typ":"JWT"}').$p64."
	"alg none with a signature|is never accepted|$(hdr '{"alg":"none","kid":"k1"}').$p64.$sig"
	"alg NONE|none|$(hdr '{"alg":"NONE","kid":"k1"}').$p64."
	"alg HS256 keyed with the JWKS n|HMAC algorithms are never accepted|$(hdr '{"alg":"HS256","kid":"k1"}').$p64.$(printf '%s' "$(hdr '{"alg":"HS256","kid":"k1"}').$p64" | openssl dgst -sha256 -hmac "$N" -binary | b64url)"
	"alg number|alg missing or not a string|$(hdr '{"alg":256,"kid":"k1"}').$p64.$sig"
	"alg missing|alg missing or not a string|$(hdr '{"kid":"k1"}').$p64.$sig"
	"alg RS512, not allowed|alg|$(hdr '{"alg":"RS512","kid":"k1"}').$p64.$sig"
	"kid object|kid is not a string|$(hdr '{"alg":"RS256","kid":{}}').$p64.$sig"
	"crit header|critical header extension not understood|$(hdr '{"alg":"RS256","kid":"k1","crit":["x"],"x":1}').$p64.$sig"
	"signature stripped|signature|${GOOD%.*}."
	"signature not base64url|signature is not base64url|${GOOD%.*}.++//"
	"payload swapped|signature does not verify|$(hdr "$HDR").$p64.$sig"
	"other key, same kid|signature does not verify|$(jwt "$HDR" "$(claims)" "$KEY2")"
	"unknown kid|no key with this kid|$(jwt '{"alg":"RS256","kid":"nope"}' "$(claims)")"
	"expired|token expired|$(jwt "$HDR" "{\"iss\":\"$ISS\",\"aud\":\"$AUD\",\"exp\":$((NOW - 3600))}")"
	"exp missing|exp missing|$(jwt "$HDR" "{\"iss\":\"$ISS\",\"aud\":\"$AUD\"}")"
	"exp 1e999999|exp is not a number|$(jwt "$HDR" "{\"iss\":\"$ISS\",\"aud\":\"$AUD\",\"exp\":1e999999}")"
	"exp a string|exp is not a number|$(jwt "$HDR" "{\"iss\":\"$ISS\",\"aud\":\"$AUD\",\"exp\":\"$soon\"}")"
	"nbf at the end of time|not valid yet|$(jwt "$HDR" "$(claims '"nbf":9223372036854775807')")"
	"wrong audience|audience does not match|$(jwt "$HDR" "{\"iss\":\"$ISS\",\"aud\":\"https://evil/mcp\",\"exp\":$soon}")"
	"audience an object|audience does not match|$(jwt "$HDR" "{\"iss\":\"$ISS\",\"aud\":{\"$AUD\":1},\"exp\":$soon}")"
	"wrong issuer|issuer does not match|$(jwt "$HDR" "{\"iss\":\"http://127.0.0.1:1\",\"aud\":\"$AUD\",\"exp\":$soon}")"
	"issuer with a NUL after it|iss|$(jwt "$HDR" "{\"iss\":\"${ISS}\\u0000x\",\"aud\":\"$AUD\",\"exp\":$soon}")"
	"audience with a NUL after it|audience does not match|$(jwt "$HDR" "{\"iss\":\"$ISS\",\"aud\":\"${AUD}\\u0000x\",\"exp\":$soon}")"
	"an ID token (Keycloak's typ claim)|a refresh or ID token is not an access token|$(jwt "$HDR" "$(claims '"typ":"ID"')")"
	"an ID token (Cognito's token_use)|a refresh or ID token is not an access token|$(jwt "$HDR" "$(claims '"token_use":"id"')")"
	"a back-channel logout token|typ names another kind of JWT|$(jwt '{"alg":"RS256","typ":"logout+jwt","kid":"k1"}' "$(claims '"events":{"http://schemas.openid.net/event/backchannel-logout":{}}')")"
	"claims nested 10000 deep|payload is not JSON|$(jwt "$HDR" "$(rep 10000 '[')")"
	"300 distinct scopes|too many scopes|$(jwt "$HDR" "$(claims "\"scope\":\"$(seq -f 's%g' 1 300 | tr '\n' ' ')\"")")"
)
for e in "${bad_tokens[@]}"; do
	what=${e%%|*} rest=${e#*|}
	post "$PING" -H "Authorization: Bearer ${rest#*|}"
	unauth "jwt: $what"
	like "$BODY" "\"error_description\":\"([^\"\\\\]|\\\\.)*${rest%%|*}" "jwt: $what: refused because: ${rest%%|*}"
done
post "$PING" -H "Authorization: Bearer $(rep 16385 k)"
unauth "jwt: a token over 16 KiB"
post "$PING" -H "Authorization: Bearer $(rep 40000 k)"
unauth "jwt: a 40 KB token"
post "$PING" -H "Authorization: Bearer $(rep 65536 k)"
ok "$(case $STATUS in 4??) echo 0 ;; *) echo 1 ;; esac)" "jwt: a 64 KiB token: 4xx ($STATUS, lighttpd's header limit)"
post "$PING" -H "Authorization: Bearer ${GOOD:0:20}$(printf '\xc3\xa9\xff')${GOOD:20}"
unauth "jwt: a token with non-ASCII bytes"
raw_tokens
post "$PING" -H "Authorization: Bearer"
unauth "jwt: Bearer without a token"
post "$PING"
unauth "jwt: no token" unauthorized
post "$PING" -H "Authorization: Bearer $(jwt "$HDR" "{\"iss\":\"$ISS\",\"aud\":\"$AUD\",\"exp\":$soon,\"x\":\"\\\"\\\\\\r\\n\"}")"
is "$STATUS" 200 "a valid token whose claims hold quotes, backslashes and CR LF: accepted"
alive "malformed JWTs"

# ================================================== 17. provider down: 503
EP=/down/mcp
post "$PING" -H "Authorization: Bearer $GOOD"
is "$STATUS $(header Retry-After)" "503 5" "JWKS unreachable, a well-formed token: 503 with Retry-After"
like "$BODY" '^\{"error":"temporarily_unavailable"' "... and a JSON error body"
post "$PING" -H "Authorization: Bearer $(hdr '{"alg":"none"}').$p64."
ok "$(case $STATUS in 401|503) echo 0 ;; *) echo 1 ;; esac)" "JWKS unreachable, alg none: 401 or 503, never 200 ($STATUS)"
post "$PING" -H "Authorization: Bearer ..."
unauth "JWKS unreachable, junk token (refused before any fetch)"
post "$PING" -H "Authorization: Bearer $(rep 16385 k)"
unauth "JWKS unreachable, oversized token"
post "$PING" -H "Authorization: Bearer $GOOD"
is "$STATUS" 503 "JWKS still unreachable: 503 again, never accepted unverified"
http GET "$BASE/down/mcp/healthz"
is "$STATUS" 200 "the worker of the unreachable provider still answers healthz"
echo "# note: $(grep -c 'could not connect' "$T_DIR/wd.log") JWKS fetch attempts for $(grep -c 'status=503' "$T_DIR/wd.log") requests answered 503 (at most one per MCP_JWKS_COOLDOWN)"

# ========================= 17b. the provider hangs: cached tokens go on
# The set is fetched again when MCP_JWKS_TTL is over, by whichever request
# finds it due, cached token or not (so that a removed key is noticed);
# while a set is held, that fetch waits 2 s at most, not MCP_API_TIMEOUT.
# The cool-down (2 s, whole seconds) counts from the failed fetch's end:
# counted from its start it would be over when the fetch ends.
ping_ms() {	# ping_ms PREFIX: ping with $GOOD; sets STATUS and MS
	local t0
	t0=$(date +%s%N)
	http POST "$BASE$1/mcp" -H "$J" -H "$A" -H "Authorization: Bearer $GOOD" \
	    --data-binary "$PING"
	MS=$((($(date +%s%N) - t0) / 1000000))
}
ping_ms /hang
is "$STATUS" 200 "JWKS served: a token verified (and cached)"
fetched=$(date +%s)
: >"$T_DIR/hang"
sleep $((fetched + 11 - $(date +%s)))
ping_ms /hang
is "$STATUS" 200 "provider hangs, the set due: the cached token is served"
ok "$([ "$MS" -lt 4000 ]; echo $?)" "... after the refresh's 2 s at most, not MCP_API_TIMEOUT's 10 ($MS ms)"
ping_ms /hang
ok "$([ "$STATUS" = 200 ] && [ "$MS" -lt 900 ]; echo $?)" \
    "... and the next request is not held again: the cool-down counts from the failed fetch's end ($MS ms)"
# A token with a kid the set lacks makes the set be fetched again (a
# rotated key): with the same bounds, or anyone could hold each worker
# for MCP_API_TIMEOUT while the provider hangs, once per cool-down.
GOOD_SAVED=$GOOD
GOOD=$(jwt '{"alg":"RS256","typ":"JWT","kid":"rotated"}' "$(claims '"scope":"items:write"')")
ping_ms /hang
ok "$([ "$STATUS" = 401 ] && [ "$MS" -lt 900 ]; echo $?)" \
    "provider hangs, a token of an unknown kid within the cool-down: 401, the set not fetched again ($STATUS, $MS ms)"
sleep 2.2
ping_ms /hang
ok "$([ "$STATUS" = 401 ] && [ "$MS" -lt 4000 ]; echo $?)" \
    "... after it: fetched again for 2 s at most, not MCP_API_TIMEOUT's 10 ($STATUS, $MS ms)"
GOOD=$GOOD_SAVED
ping_ms /hang
ok "$([ "$STATUS" = 200 ] && [ "$MS" -lt 900 ]; echo $?)" \
    "... and that failure starts the cool-down: the next request is not held ($MS ms)"
rm -f "$T_DIR/hang"

# ============================ 17c. the provider serves a set of no key
# It verifies nothing: the set held keeps serving (counted invalid), as
# when the provider cannot be reached, not every token refused with 401
# (which a client takes for "throw the token away"); but not past twice
# MCP_JWKS_TTL (10 s here) from the held set's fetch, as a provider may
# mean to withdraw every key.  First a set held since before 17b's
# fetched, then one fetched just now.
UNKNOWN=$(jwt '{"alg":"RS256","typ":"JWT","kid":"rotated"}' "$(claims '"scope":"items:write"')")
unknown_then_known() {	# the set fetched for an unknown kid (its status in
			# U_STATUS), then the known key's token (STATUS)
	GOOD=$UNKNOWN
	ping_ms /hang
	U_STATUS=$STATUS
	GOOD=$GOOD_SAVED
	ping_ms /hang
}
cp "$T_DIR/jwks.json" "$T_DIR/jwks.good"
printf '{"keys":[]}\n' >"$T_DIR/jwks.json"
sleep $((fetched + 21 - $(date +%s)))
unknown_then_known
is "$STATUS" 401 "a set of no key served, the set held older than twice MCP_JWKS_TTL: taken, every token refused"
like "$(cat "$T_DIR/wh.log")" 'no usable key in the set, which is taken' "... said in the log"
cp "$T_DIR/jwks.good" "$T_DIR/jwks.json"
sleep 2.2
unknown_then_known
is "$STATUS" 200 "a token of an unknown kid made the worker fetch the set again"
printf '{"keys":[]}\n' >"$T_DIR/jwks.json"
sleep 2.2
unknown_then_known
is "$U_STATUS" 401 "a set of no key served now: a token of an unknown kid fetched it, and is refused"
is "$STATUS" 200 "... while the set held keeps serving the known key"
like "$(cat "$T_DIR/wh.log")" 'no usable key in the set: the one held keeps serving' "... and the log says why"
cp "$T_DIR/jwks.good" "$T_DIR/jwks.json"

# ===================================================== 18. the workers
sleep 0.3
is "$FIVEXX" "" "no 5xx other than 503, and no injected header, in any of $N_REQ answers"
is "$PROBE_FAIL" "" "after each of the $N_REQ hostile requests, the next request on the worker succeeded"
for w in $WORKERS; do
	kill -0 "${WPID[$w]}" 2>/dev/null
	ok $? "worker $w: still the process that was started (pid ${WPID[$w]})"
	is "$(grep -c 'ready (pid' "$T_DIR/$w.log")" 1 "worker $w: started once, never replaced"
	is "$(grep -c "ready (pid ${WPID[$w]})" "$T_DIR/$w.log")" 1 "worker $w: its ready line has that pid"
done
logs=""
for w in $WORKERS; do logs="$logs $T_DIR/$w.log"; done
# nothing logged that should not be
# shellcheck disable=SC2086
leaks=$(cat $logs | grep -c -e "$SECRET" -e "$sig" -e "${GOOD%%.*}" -e "$p64" \
    -e 'access_token' -e 'INJECTED' -e 'dXNlcjpwYXNz' -e "$(rep 100 k)" -e "$(rep 100 a)")
is "$leaks" 0 "no secret, token, Authorization value, query string or body in the worker logs"
split=0
for w in $WORKERS; do
	n=$(sed '1,/ready (pid/d' "$T_DIR/$w.log" | grep -vcE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T')
	split=$((split + n))
done
is "$split" 0 "after start-up every worker log line starts with a timestamp (none split by client input)"
like "$(cat "$T_DIR/wj.log")" 'token refused: ' "refusals are logged, with the reason"

done_testing
