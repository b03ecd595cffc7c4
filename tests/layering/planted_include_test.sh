#!/usr/bin/env bash
# The layering check must be able to fail: plant bad includes in a scratch tree and expect
# layering_test.sh to exit 1 naming each file and line, and to pass the same tree without them.
set -euo pipefail
check="$(cd "$(dirname "$0")" && pwd)/layering_test.sh"
tree="$(mktemp -d)"
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree/lib/jose" "$tree/lib/testkit" "$tree/server/auth" "$tree/cli"
printf '#include "jose/jws.h"\n#include "base/ascii.h"\n' > "$tree/lib/jose/fine.cpp"
printf '#include "server/auth/auth_guard.h"\n' > "$tree/cli/fine.cpp"
"$check" "$tree" > /dev/null || { echo "a clean tree was refused"; exit 1; }

printf '// planted\n\n#include "server/auth/auth_guard.h"\n' > "$tree/lib/jose/planted.cpp"
printf '#include <CLI/CLI.hpp>\n' > "$tree/server/auth/planted.cpp"
printf '#include "server/web/json_response.h"\n' > "$tree/lib/testkit/planted.cpp"
set +e
output="$("$check" "$tree")"
status=$?
set -e
echo "$output"
[[ $status -eq 1 ]] || { echo "expected exit 1, got $status"; exit 1; }
grep -qx 'lib/jose/planted.cpp:3: lib/jose may not include server/auth/auth_guard.h (server/auth) -- DESIGN.md "Layout"' <<< "$output"
grep -qx 'server/auth/planted.cpp:1: server/auth may not use <CLI/CLI.hpp> -- DESIGN.md "Layout"' <<< "$output"
grep -qx 'lib/testkit/planted.cpp:1: lib/testkit may not include server/web/json_response.h (server/web) -- DESIGN.md "Layout"' <<< "$output"
grep -qx 'layering: 3 include(s) break the rules' <<< "$output"
