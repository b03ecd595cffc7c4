#!/usr/bin/env bash
# DESIGN.md "Layout" as a test: every #include "..." in the tree must point at a folder its
# own folder may include. Prints each offending file:line and fails; prints the count of
# includes checked when all hold.
#   usage: layering_test.sh SOURCE_DIR
set -euo pipefail
root="${1:?usage: layering_test.sh SOURCE_DIR}"
cd "$root"

# The folder of a file or of an include target ("lib/jose/x.h" and "jose/x.h" are lib/jose).
layer_of() {
  case "$1" in
    lib/*) echo "$1" | cut -d/ -f1-2 ;;
    base/*|jose/*|http/*|state/*|testkit/*) echo "lib/$(echo "$1" | cut -d/ -f1)" ;;
    server/*/*) echo "$1" | cut -d/ -f1-2 ;;
    server/*) echo server ;;
    cli/*) echo cli ;;
    tests/*) echo tests ;;
    bench/*) echo bench ;;
    *) echo "?" ;;
  esac
}

# May folder $1 include folder $2?
allowed() {
  local from="$1" to="$2"
  [[ "$from" == "$to" ]] && return 0
  case "$from" in
    lib/base) return 1 ;;
    lib/jose|lib/http) [[ "$to" == lib/base ]] ;;
    lib/state) [[ "$to" == lib/base || "$to" == lib/jose ]] ;;
    lib/testkit) [[ "$to" == lib/base || "$to" == lib/jose || "$to" == lib/http || "$to" == lib/state ]] ;;
    server|server/*) [[ "$to" == lib/base || "$to" == lib/jose || "$to" == lib/http || "$to" == lib/state ||
                        "$to" == server || "$to" == server/* ]] ;;
    cli) [[ "$to" == lib/* || "$to" == server || "$to" == server/* ]] ;;
    tests|bench) return 0 ;;
    *) return 1 ;;
  esac
}

# Third-party headers by folder: CLI11 only in cli/, cpp-httplib only in server/ and the
# testkit's canary listener (and tests).
library_allowed() {
  local from="$1" file="$2" header="$3"
  case "$header" in
    CLI/*) [[ "$from" == cli || "$from" == tests ]] ;;
    httplib.h) [[ "$from" == server || "$from" == server/* || "$from" == tests || "$from" == bench ||
                  "$file" == lib/testkit/canary_listener.* ]] ;;
    *) return 0 ;;
  esac
}

failures=0 checked=0
while IFS= read -r file; do
  from="$(layer_of "$file")"
  while IFS=: read -r line text; do
    checked=$((checked + 1))
    if [[ "$text" =~ \#include\ *\"([^\"]+)\" ]]; then
      target="${BASH_REMATCH[1]}"
      # A bare name is a neighbour in the same folder.
      [[ "$target" == */* ]] || continue
      to="$(layer_of "$target")"
      if ! allowed "$from" "$to"; then
        echo "$file:$line: $from may not include $target ($to) -- DESIGN.md \"Layout\""
        failures=$((failures + 1))
      fi
    elif [[ "$text" =~ \#include\ *\<([^\>]+)\> ]]; then
      if ! library_allowed "$from" "$file" "${BASH_REMATCH[1]}"; then
        echo "$file:$line: $from may not use <${BASH_REMATCH[1]}> -- DESIGN.md \"Layout\""
        failures=$((failures + 1))
      fi
    fi
  done < <(grep -n '^[[:space:]]*#[[:space:]]*include' "$file" || true)
done < <(git ls-files -co --exclude-standard -- '*.h' '*.cpp' 2>/dev/null ||
         find . \( -name '*.h' -o -name '*.cpp' \) -not -path './build*' | sed 's|^\./||')

if (( failures > 0 )); then
  echo "layering: $failures include(s) break the rules"
  exit 1
fi
echo "layering: $checked includes follow DESIGN.md \"Layout\""
