#!/usr/bin/env bash
# Builds the libFuzzer targets with clang into BUILD (SWAPI_FUZZ=ON: ASan + UBSan + coverage)
# and runs each for SECONDS on its corpus, niced, one at a time. Prints one line per target:
# executions, coverage (cov = edges, ft = features), corpus size; a crash, leak or timeout
# fails the run and leaves the input in BUILD/artifacts/.
#   usage: run.sh [--build-only | --no-build] BUILD SECONDS [TARGET...]
# Exits 77 (ctest's "skipped") with a message when clang++ or libFuzzer is not installed.
set -euo pipefail
mode=all
case "${1:-}" in --build-only | --no-build) mode=${1#--}; shift ;; esac
build=${1:?usage: run.sh [--build-only|--no-build] BUILD SECONDS [TARGET...]}
seconds=${2:-10}
shift 2 || shift $#
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
all_targets=(jws jwk strict_json base64url pem cache_control loopback_filter token_request)
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${all_targets[@]}")

cxx=${SWAPI_FUZZ_CXX:-clang++}
skip() { echo "fuzz: skipped: $1 (scripts/setup installs clang and libclang-rt-dev)"; exit 77; }
command -v "$cxx" >/dev/null || skip "$cxx is not installed"

if [[ $mode != no-build ]]; then
  # libFuzzer ships in the compiler-rt package; without it -fsanitize=fuzzer does not link.
  probe=$(mktemp -d)
  trap 'rm -rf "$probe"' EXIT
  echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' >"$probe/p.cpp"
  "$cxx" -fsanitize=fuzzer,address,undefined "$probe/p.cpp" -o "$probe/p" 2>/dev/null ||
    skip "$cxx cannot link -fsanitize=fuzzer (libFuzzer missing)"
  launcher=()
  if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
  CXX=$cxx cmake -S "$source_dir" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSWAPI_FUZZ=ON \
    -DSWAPI_WERROR="${SWAPI_WERROR:+ON}" "${launcher[@]}" >/dev/null
  # `make fuzz` builds swapi too, so every source file, not only those the targets link, is
  # proved to build with clang; the ctest smoke run (--build-only) keeps to the targets, so
  # that `make test` stays inside its time on two cores.
  build_targets=(fuzz_targets)
  [[ $mode == all ]] && build_targets+=(swapi)
  nice -n 19 cmake --build "$build" --target "${build_targets[@]}" -j "${SWAPI_FUZZ_JOBS:-2}" >"$build/build.log" 2>&1 ||
    { grep -E -A5 'error|Error' "$build/build.log" | head -80; echo "fuzz: the clang build failed"; exit 1; }
  echo "fuzz: built ${#all_targets[@]} targets with $("$cxx" --version | head -1)"
fi
[[ $mode == build-only ]] && exit 0

for t in "${targets[@]}"; do
  [[ -x "$build/tests/fuzz/fuzz_$t" ]] || skip "fuzz_$t is not built (the clang build was skipped)"
done
"$here/seed_corpus.sh" "$build/corpus" "${targets[@]}"
mkdir -p "$build/artifacts"
status=0
for t in "${targets[@]}"; do
  log="$build/fuzz_$t.log"
  # The first directory collects new inputs; -timeout: one input taking over 30 s is a finding
  # (generous: the machine is shared and the run is niced).
  if ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
     nice -n 19 "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 \
       -max_len=16384 -print_final_stats=1 -artifact_prefix="$build/artifacts/${t}-" \
       "$build/corpus/$t" >"$log" 2>&1; then
    verdict=ok
  else
    verdict=FAILED; status=1
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last"); ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
  corp=$(sed -nE 's/.* corp: ([0-9]+).*/\1/p' <<<"$last")
  printf 'fuzz: %-16s %s: %s s, %s execs, cov %s, ft %s, corpus %s\n' "$t" "$verdict" "$seconds" \
    "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}"
  if [[ $verdict != ok ]]; then grep -A40 -E '^==[0-9]+==|runtime error|deadly signal|uncaught|Timeout|leak' "$log" | head -80; fi
done
exit $status
