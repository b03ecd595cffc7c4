#!/usr/bin/env bash
# `make deb`'s package, built cheaply from the binary this build tree already has (cpack
# installs and strips it; nothing is compiled): unpacked with dpkg-deb -x into a scratch
# folder, its swapi runs from there, and dpkg-deb -c lists the man pages and the completion.
#   usage: deb_package_test.sh BUILD_DIR VERSION
set -euo pipefail
build="${1:?usage: deb_package_test.sh BUILD_DIR VERSION}"
version="${2:?usage: deb_package_test.sh BUILD_DIR VERSION}"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

fail() { echo "deb_package_test: $*" >&2; exit 1; }

cpack -G DEB --config "$build/CPackConfig.cmake" -B "$scratch/out" >"$scratch/cpack.log" 2>&1 ||
  { cat "$scratch/cpack.log" >&2; fail "cpack -G DEB failed"; }
debs=("$scratch"/out/*.deb)
[[ ${#debs[@]} -eq 1 && -f ${debs[0]} ]] || fail "expected one .deb in $scratch/out, got: ${debs[*]}"
deb=${debs[0]}
[[ $(basename "$deb") == swapi_${version}_*.deb ]] || fail "unexpected package name $(basename "$deb")"

dpkg-deb -x "$deb" "$scratch/root"
got=$("$scratch/root/usr/bin/swapi" --version)
[[ $got == "swapi $version" ]] || fail "swapi --version from the package said '$got'"

listing=$(dpkg-deb -c "$deb")
for file in ./usr/bin/swapi ./usr/share/bash-completion/completions/swapi \
            ./usr/share/man/man1/swapi.1 ./usr/share/man/man1/swapi-serve.1 ./usr/share/man/man1/swapi-keys.1 \
            ./usr/share/man/man1/swapi-token.1 ./usr/share/man/man1/swapi-call.1 ./usr/share/man/man1/swapi-check.1; do
  grep -q " $file\$" <<<"$listing" || fail "$file is not in the package: $listing"
done

# Stripped (CPACK_STRIP_FILES): no debug sections in what is shipped.
if readelf -S "$scratch/root/usr/bin/swapi" | grep -q '\.debug_info'; then fail "the packaged swapi is not stripped"; fi
# The completion in the package is the one the packaged binary prints.
diff <("$scratch/root/usr/bin/swapi" completion bash) "$scratch/root/usr/share/bash-completion/completions/swapi" ||
  fail "the packaged completion differs from 'swapi completion bash'"
grep -q '^Depends:.*libcurl4' < <(dpkg-deb -f "$deb") || fail "the package does not depend on libcurl4 (dlopen'ed)"
echo "deb_package_test: $(basename "$deb") ok"
