#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# A full /dev/shm (any local user can fill it; so can an accident): the
# metrics region, the API's breaker and cap state and the rate-limit
# counters all live there by default, in files that are mapped.  A page
# first written in a hole of a mapped file on a full file system is
# SIGBUS, not an error: every worker that touched one would die, with
# the call sent to the API and its audit line lost.  The files are
# allocated when made (and the counters' file ahead of its writes), so
# a full /dev/shm leaves the existing files working and the counters
# store down (MCP_RATE_LIMIT_FAIL=open serves the call).  Seen in a
# /dev/shm of the test's own (a private mount namespace); skipped where
# namespaces are not allowed.  mcp.fcgi runs as a one-shot CGI program,
# a new process per request, as a worker started afresh would.
. "$(dirname "$0")/lib.sh"

P=$top_builddir/cgi-bin/mcp.fcgi
[ -x "$P" ] || bail "$P not built"

cat >"$T_DIR/inner.sh" <<'EOF'
# in the namespace: $1 the program, $2 the OpenAPI document
mount -t tmpfs -o size=4m fcgi-mcp-test /dev/shm || exit 1
run() {	# run LABEL BODY: one request; prints LABEL, the exit and status
	printf '%s' "$2" | env -i PATH="$PATH" \
	    MCP_OPENAPI="$DOC" MCP_API_BASE_URL=http://127.0.0.1:9/api \
	    MCP_RATE_LIMIT_TOOL=100000/minute MCP_AUDIT_LOG=off \
	    MCP_API_MAX_CONCURRENT=4 MCP_API_BREAKER_FAILURES=1000 \
	    REQUEST_METHOD=POST SCRIPT_NAME=/mcp REMOTE_ADDR=127.0.0.1 \
	    HTTP_HOST=localhost CONTENT_TYPE=application/json \
	    CONTENT_LENGTH=${#2} HTTP_MCP_PROTOCOL_VERSION=2025-11-25 \
	    HTTP_ACCEPT='application/json, text/event-stream' "$PROG" \
	    >"$TMP/out" 2>>"$TMP/err"
	rc=$?
	echo "$1 exit=$rc $(head -1 "$TMP/out" | tr -d '\r')"
}
PROG=$1 DOC=$2 TMP=$3
call='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"listItems","arguments":{}}}'
run first "$call"
ls /dev/shm | sort | tr '\n' ' '
echo
dd if=/dev/zero of=/dev/shm/fill bs=4k >/dev/null 2>&1
echo "free=$(df -k /dev/shm | awk 'NR==2 {print $4}')"
run method '{"jsonrpc":"2.0","id":2,"method":"no/such"}'
i=0
while [ $i -lt 40 ]; do
	run "call$i" "$call"
	i=$((i + 1))
done
EOF

r=-rm	# not root: in a user namespace of its own too
[ "$(id -u)" = 0 ] && r=-m
if ! unshare "$r" sh -c 'mount -t tmpfs t /dev/shm' >/dev/null 2>&1; then
	ok 0 "# SKIP no private mount namespace here"
	done_testing
fi
out=$(unshare "$r" sh "$T_DIR/inner.sh" "$P" \
    "$top_srcdir/examples/openapi.json" "$T_DIR" 2>&1)
printf '%s\n' "$out" | sed 's/^/# /' | head -8
like "$out" 'first exit=0 Status: 200' "a tool call before /dev/shm is full: served"
like "$out" 'fcgi-mcp-[0-9]+-[0-9a-f]+\.metrics' "... which made the metrics region in /dev/shm"
like "$out" 'fcgi-mcp-api-' "... the API's state"
like "$out" 'fcgi-mcp-[0-9]+-ratelimit.lmdb ' "... and the counters' file"
like "$out" 'free=0$' "then /dev/shm is full"
like "$out" 'method exit=0 Status: 200' "a request counted where nothing was counted before: answered"
is "$(printf '%s\n' "$out" | grep -c '^call[0-9]* exit=0 Status: 200')" 40 \
    "40 tool calls (their counts need new pages): all answered 200"
unlike "$out" 'exit=13[0-9]' "no program killed by a signal (SIGBUS is 135)"
done_testing
