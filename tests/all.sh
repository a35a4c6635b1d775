#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# The one test command.  On a fresh Debian 12 machine (as root) it installs
# what is missing (apt-get; npm ci from the committed lockfile), builds,
# and runs every test: unit, integration through lighttpd, interop with
# real MCP clients, the whole suite again under ASan+UBSan, every libFuzzer
# target for a short time, and make distcheck.  The last line is "N passed, N failed".
#
#   tests/all.sh            everything
#   tests/all.sh --quick    one build, make check only
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
quick=0
[ "${1:-}" = "--quick" ] && quick=1
FCM_TOP=$top
# shellcheck source=deps.sh
. "$top/tests/deps.sh"
# make distcheck's copy of the tree runs the interop tests with these
export FCM_NODE_MODULES_FROM="$top/tests/interop"
# each stage's start, with the minutes since the start of the run
stage() {
	echo "== $1 ($(date -u +%H:%M:%S), $((SECONDS / 60)) min)"
}

install_npm() {
	local d=tests/interop
	if [ -x "$d/node_modules/.bin/node" ] &&
	    [ "$d/node_modules/.package-lock.json" -nt "$d/package-lock.json" ]; then
		return 0
	fi
	echo "== npm ci in $d"
	(cd "$d" && npm ci --no-audit --no-fund </dev/null >/dev/null) ||
	    { echo "npm ci failed" >&2; exit 1; }
}

passed=0
failed=0
# Add the counts of one build's test-suite.log to the totals.
count() {
	local log=$1 p f e x
	if [ ! -f "$log" ]; then
		failed=$((failed + 1))
		return
	fi
	p=$(sed -n 's/^# PASS: *//p' "$log" | head -1)
	f=$(sed -n 's/^# FAIL: *//p' "$log" | head -1)
	e=$(sed -n 's/^# ERROR: *//p' "$log" | head -1)
	x=$(sed -n 's/^# XPASS: *//p' "$log" | head -1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0} + ${e:-0} + ${x:-0}))
}

build() {
	rm -f "$1/Makefile"	# configure afresh: the options may differ
	fcm_build "$@"
}

# check DIR [make args]: run the suite; print the summary and failures.
check() {
	local dir=$1
	shift
	make -C "$dir" -j1 check "$@" >"$dir/check.out" 2>&1
	grep -E '^(# (TOTAL|PASS|SKIP|XFAIL|FAIL|XPASS|ERROR)|(FAIL|ERROR):)' \
	    "$dir/check.out" | sed "s|^|$dir: |"
	count "$dir/test-suite.log"
}

install_debs "$FCM_DEBS $FCM_TEST_DEBS"
install_npm

stage "build and make check"
if build _build/main --enable-werror; then
	check _build/main
else
	failed=$((failed + 1))
fi

if [ "$quick" -eq 0 ]; then
	stage "ASan + UBSan build, unit and integration tests"
	if build _build/asan --enable-asan --enable-ubsan --enable-werror; then
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		    check _build/asan TESTS='$(UNIT_TESTS) tests/integration/t_config.sh tests/integration/t_mcp_http.sh tests/integration/t_tools_http.sh tests/integration/t_upstream_auth.sh tests/integration/t_trace.sh tests/integration/t_breaker.sh tests/integration/t_ratelimit.sh tests/integration/t_oauth_ratelimit.sh tests/integration/t_full_shm.sh tests/integration/t_metrics.sh tests/integration/t_curl_reuse.sh tests/interop/auth.sh tests/interop/scopes.sh tests/interop/exchange.sh tests/interop/oauth.sh tests/hostile/t_hostile.sh tests/hostile/t_hostile_oauth.sh'
	else
		failed=$((failed + 1))
	fi

	stage "libFuzzer targets, ${FUZZ_SECONDS:-20} s each from their corpora"
	if CC=clang build _build/fuzz --enable-fuzzing &&
	    make -C _build/fuzz fuzz-targets >_build/fuzz/fuzz-build.out 2>&1; then
		tests/fuzz/run.sh -t "${FUZZ_SECONDS:-20}" _build/fuzz \
		    >_build/fuzz/fuzz.out 2>&1
		grep -E '^(ok|not ok)' _build/fuzz/fuzz.out | sed 's|^|_build/fuzz: |'
		passed=$((passed + $(grep -c '^ok' _build/fuzz/fuzz.out)))
		failed=$((failed + $(grep -c '^not ok' _build/fuzz/fuzz.out)))
	else
		tail -20 _build/fuzz/fuzz-build.out 2>/dev/null
		failed=$((failed + 1))
	fi

	stage "make distcheck"
	# bounded, so a stuck step fails here rather than taking CI's time
	if timeout -k 30 2400 make -C _build/main distcheck \
	    >_build/main/distcheck.out 2>&1; then
		passed=$((passed + 1))
		echo "_build/main: distcheck OK"
	else
		grep -E '^(FAIL|ERROR):|Bail out!' _build/main/distcheck.out
		tail -30 _build/main/distcheck.out
		failed=$((failed + 1))
	fi
fi

stage "done"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
