#!/bin/sh
# SPDX-License-Identifier: ISC
# Run every libFuzzer target for a fixed time from its committed corpus.
#
#   tests/fuzz/run.sh [-t SECONDS] [-o DIR] BUILDDIR [TARGET ...]
#
# BUILDDIR was configured with CC=clang ./configure --enable-fuzzing and
# its targets are built (make fuzz-targets); this script builds nothing.
# Each target runs for SECONDS (default 30, or $FUZZ_SECONDS) on a copy of
# tests/fuzz/corpus/<target> (the committed corpus is never modified),
# with its dictionary.  Output is TAP: one "ok" or "not ok" per target,
# then the plan.  A crash, leak, timeout, out-of-memory or sanitizer report
# is "not ok" with the path of the reproducer, and the exit status is 1.
# Reproducers and logs go to DIR (default BUILDDIR/tests/fuzz/artifacts).
#
# Extra libFuzzer options can be given in $FUZZ_ARGS (e.g. "-jobs=4
# -workers=4", or "-max_len=65536"); set FUZZ_KEEP_CORPUS=DIR to keep the
# grown corpora there (DIR/<target>) instead of discarding them.

set -u

usage() {
	echo "usage: $0 [-t SECONDS] [-o DIR] BUILDDIR [TARGET ...]" >&2
	exit 2
}

seconds=${FUZZ_SECONDS:-30}
out=
while getopts t:o:h opt; do
	case $opt in
	t) seconds=$OPTARG ;;
	o) out=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage
case $seconds in
''|*[!0-9]*) echo "$0: -t wants a whole number of seconds" >&2; exit 2 ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" 2>/dev/null && pwd) || { echo "$0: no directory $1" >&2; exit 2; }
shift
out=${out:-$build/tests/fuzz/artifacts}
mkdir -p "$out" || exit 2
out=$(cd "$out" && pwd)

if [ $# -gt 0 ]; then
	targets=$*
else
	targets=
	for f in "$here"/fuzz_*.c; do
		f=${f##*/}
		targets="$targets ${f%.c}"
	done
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fcm-fuzz.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# UBSan: stop at the first report so that libFuzzer records it as a crash
# (the fuzzing build does not pass -fno-sanitize-recover).
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}
# the targets find examples/ and tests/fixtures/ here
FUZZ_TOP_SRCDIR=$(cd "$here/../.." && pwd)
export ASAN_OPTIONS UBSAN_OPTIONS FUZZ_TOP_SRCDIR

n=0
failed=0
for t in $targets; do
	n=$((n + 1))
	bin=$build/tests/fuzz/$t
	if [ ! -x "$bin" ]; then
		echo "not ok $n - $t: $bin is not built (make fuzz-targets)"
		failed=$((failed + 1))
		continue
	fi
	corpus=$tmp/$t
	mkdir -p "$corpus" "$out/$t"
	if [ -d "$here/corpus/$t" ]; then
		cp -R "$here/corpus/$t/." "$corpus/"
	fi
	dict=
	[ -f "$here/$t.dict" ] && dict=-dict=$here/$t.dict
	log=$out/$t.log
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="$out/$t/" \
	    $dict ${FUZZ_ARGS:-} "$corpus" >"$log" 2>&1
	rc=$?
	stats=$(awk '/^stat::number_of_executed_units:/ { e = $2 }
	    /^#[0-9]+:?[ \t].*cov: / {
		n = $1
		gsub(/[^0-9]/, "", n)
		for (i = 1; i < NF; i++) {
			if ($i == "cov:") c = $(i + 1)
			if ($i == "ft:") f = $(i + 1)
		}
	    }
	    END { printf "%s executions, cov: %s, ft: %s", e ? e : n, c, f }' "$log")
	if [ -n "${FUZZ_KEEP_CORPUS:-}" ]; then
		mkdir -p "$FUZZ_KEEP_CORPUS/$t" &&
		    cp -R "$corpus/." "$FUZZ_KEEP_CORPUS/$t/"
	fi
	repro=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
	if [ $rc -eq 0 ] && [ -z "$repro" ]; then
		echo "ok $n - $t: $seconds s, $stats"
		continue
	fi
	failed=$((failed + 1))
	what=$(grep -E -m1 '^(==[0-9]+== ?ERROR|SUMMARY|fuzz: invariant|.*runtime error:)' "$log" |
	    sed 's/^==[0-9]*==//')
	echo "not ok $n - $t: ${what:-exit status $rc}"
	echo "# reproducer: ${repro:-none written}"
	echo "# log: $log"
	[ -n "$repro" ] && echo "# rerun: FUZZ_TOP_SRCDIR=$FUZZ_TOP_SRCDIR $bin $repro"
	grep -E -A12 '^(==[0-9]+== ?ERROR|fuzz: invariant|.*runtime error:)' "$log" |
	    head -24 | sed 's/^/#   /'
done
echo "1..$n"
[ $failed -eq 0 ]
