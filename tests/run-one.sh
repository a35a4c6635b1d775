#!/bin/sh
# SPDX-License-Identifier: ISC
# run-one.sh TEST [ARGS...]: how `make check` runs each test (LOG_COMPILER).
# A test gets FCM_TEST_TIMEOUT seconds (default 900); one that takes longer
# is stopped and counted as an error ("Bail out!") instead of holding the
# whole suite, and CI, until its own limit.  The test's output goes to a
# file first: a server the test started and failed to stop would otherwise
# keep the TAP driver's pipe open, and the driver would wait for it forever.
# Whatever is still running in the test's process group afterwards is
# killed.
limit=${FCM_TEST_TIMEOUT:-900}
out=$(mktemp "${TMPDIR:-/tmp}/fcm-test.XXXXXX") || exit 99
# not in the foreground: timeout makes itself a process group leader and
# signals the whole group when the time is up
timeout -k 10 "$limit" "$@" >"$out" 2>&1 </dev/null &
pid=$!
wait "$pid"
rc=$?
kill -KILL "-$pid" 2>/dev/null
cat "$out"
rm -f "$out"
case $rc in
124|137)
	echo "Bail out! $1 did not finish within $limit s (FCM_TEST_TIMEOUT)"
	;;
esac
exit "$rc"
