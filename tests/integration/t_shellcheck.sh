#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Every shell script of the project is clean under `shellcheck -S warning`
# (with the top-level .shellcheckrc, which follows what a script sources).
# In a git checkout the scripts are the files git knows of (tracked, or
# new and not ignored) that end in .sh or start with a shell's #!; in a
# release tree, the *.sh files.  One test per script; the warnings are
# printed as TAP comments.
. "$(dirname "$0")/lib.sh"

command -v shellcheck >/dev/null 2>&1 ||
    bail "shellcheck not installed (apt-get install shellcheck)"
cd "$top_srcdir" || bail "cannot enter $top_srcdir"

# is_script FILE: named *.sh, or a #! line that runs a Bourne-style shell
is_script() {
	case $1 in
	*/node_modules/* | node_modules/*) return 1 ;;
	*.sh) return 0 ;;
	esac
	[ -f "$1" ] && head -n1 "$1" 2>/dev/null |
	    grep -Eq '^#![[:space:]]*/[^[:space:]]*(/env[[:space:]]+|/)(ba|da|k)?sh([[:space:]]|$)'
}
# (a release tree unpacked inside a checkout, as make distcheck does, is
# not the checkout: only its own top directory counts)
if [ "$(git rev-parse --show-toplevel 2>/dev/null)" = "$(pwd -P)" ]; then
	git ls-files --cached --others --exclude-standard >"$T_DIR/files"
else
	find . \( -name node_modules -o -name build-aux -o -name _build \
	    -o -name autom4te.cache -o -name .git \) -prune -o \
	    -type f -name '*.sh' -print | sed 's|^\./||' >"$T_DIR/files"
fi
: >"$T_DIR/scripts"
while IFS= read -r f; do
	is_script "$f" && printf '%s\n' "$f" >>"$T_DIR/scripts"
done <"$T_DIR/files"
sort -o "$T_DIR/scripts" "$T_DIR/scripts"
n=$(wc -l <"$T_DIR/scripts")
ok "$([ "$n" -ge 10 ] && grep -qx tests/integration/t_shellcheck.sh "$T_DIR/scripts"; echo $?)" \
    "$n scripts found, this one among them"

# one run over all of them (each follows lib.sh and common.sh: one
# process is much faster than one per script), then a test per script
mapfile -t scripts <"$T_DIR/scripts"
shellcheck -S warning -f gcc "${scripts[@]}" >"$T_DIR/shellcheck.out" 2>&1
rc=$?
[ "$rc" -le 1 ] || { sed 's/^/# /' "$T_DIR/shellcheck.out"; bail "shellcheck failed ($rc)"; }
while IFS= read -r f; do
	if grep -qF -- "$f:" "$T_DIR/shellcheck.out"; then
		ok 1 "$f: shellcheck -S warning"
		grep -F -- "$f:" "$T_DIR/shellcheck.out" | sed 's/^/#   /'
	else
		ok 0 "$f: shellcheck -S warning"
	fi
done <"$T_DIR/scripts"
# a warning about a file not in the list (a sourced one) fails too
others=$(grep -E '^[^:]+:[0-9]+:[0-9]+: ' "$T_DIR/shellcheck.out" | cut -d: -f1 | sort -u |
    grep -vxF -f "$T_DIR/scripts")
is "$others" "" "no warnings about other files"
is "$rc" "$([ "$T_FAILED" -eq 0 ] && echo 0 || echo 1)" "shellcheck's exit status agrees"

done_testing
