#!/usr/bin/env bash
# `make serve` shows the build's progress and the banner, not make's chatter: the top Makefile
# run over a stub CMake project (its "swapi" a script printing a banner), so nothing real is
# built. Every line must be CMake progress or the banner; no "make[N]: Entering directory".
#   usage: make_serve_quiet_test.sh SOURCE_DIR
set -euo pipefail
source_dir="${1:?usage: make_serve_quiet_test.sh SOURCE_DIR}"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

mkdir -p "$scratch/scripts"
cp "$source_dir/Makefile" "$scratch/"
printf '#!/bin/sh\nexit 0\n' >"$scratch/scripts/setup"  # the dependencies are installed
chmod +x "$scratch/scripts/setup"
cat >"$scratch/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.22)
project(stub NONE)
set(used "${SWAPI_WERROR}${CMAKE_CXX_COMPILER_LAUNCHER}")
file(WRITE ${CMAKE_BINARY_DIR}/swapi "#!/bin/sh\necho \"swapi serve: listening, args: $*\"\n")
file(CHMOD ${CMAKE_BINARY_DIR}/swapi PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE)
add_custom_target(part COMMAND ${CMAKE_COMMAND} -E true COMMENT "Building a part")
add_custom_target(swapi COMMAND ${CMAKE_COMMAND} -E true COMMENT "Building the stub")
add_dependencies(swapi part)
CMAKE

# Not the flags of a make that runs this test (make test): the Makefile must be quiet on its own.
output=$(cd "$scratch" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make serve ARGS="--port 0" 2>&1)
if grep -q "Entering directory\|Leaving directory" <<<"$output"; then
  echo "make serve printed make's directory chatter:" >&2
  echo "$output" >&2
  exit 1
fi
grep -qx "swapi serve: listening, args: serve --port 0" <<<"$output" || { echo "no banner in: $output" >&2; exit 1; }
while IFS= read -r line; do
  case "$line" in
    "swapi serve: listening"* | "["*"%]"* | "Built target "* | "Consolidate compiler generated dependencies"*) ;;
    *) echo "make serve printed an unexpected line: '$line'" >&2; echo "$output" >&2; exit 1 ;;
  esac
done <<<"$output"
echo "make_serve_quiet_test: ok"
