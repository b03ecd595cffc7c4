#!/usr/bin/env bash
# Builds the seed corpora of the fuzz targets in OUT/<target>/: the hand-made seeds of
# tests/fuzz/seeds (inputs taken from the test suite), inputs cut from the JOSE vectors when
# SWAPI_VECTORS_DIR names them (the Wycheproof JWS, JWK and JWS-crypto groups, the RFC 7520
# cookbook), and PEM keys of every kind import_pem reads, made with the openssl command (no key
# is committed). Seeds keep stable names, so running it again rewrites the same files; the
# vectors and keys are made once per corpus directory.
#   usage: seed_corpus.sh OUT [TARGET...]   (default: every target)
set -euo pipefail
out=${1:?usage: seed_corpus.sh OUT [TARGET...]}
shift
here=$(cd "$(dirname "$0")" && pwd)
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(jws jwk strict_json base64url pem cache_control loopback_filter token_request)
wanted() { [[ " ${targets[*]} " == *" $1 "* ]]; }

for t in "${targets[@]}"; do
  mkdir -p "$out/$t"
  if [[ -d "$here/seeds/$t" ]]; then cp -f "$here/seeds/$t"/* "$out/$t/"; fi
done

fresh=()
for t in "${targets[@]}"; do [[ -f "$out/.made-$t" ]] || fresh+=("$t"); done
[[ ${#fresh[@]} -gt 0 ]] || exit 0
targets=("${fresh[@]}")

# Reads NUL-separated inputs from jq and writes each as OUT/TARGET/PREFIX-N.
emit() {  # emit TARGET PREFIX
  local i=0 item
  wanted "$1" || { cat >/dev/null; return; }
  while IFS= read -r -d '' item; do
    printf '%s' "$item" >"$out/$1/$2-$i"
    i=$((i + 1))
  done
}

vectors=${SWAPI_VECTORS_DIR:-}
if [[ -n "$vectors" && -d "$vectors" ]] && command -v jq >/dev/null; then
  for file in json_web_signature_test json_web_key_test json_web_crypto_test; do
    path="$vectors/wycheproof/$file.json"
    [[ -f "$path" ]] || continue
    # The group's keys as a JWKS, a newline, the token: signatures can verify (fuzz_jws.cpp).
    jq -j '.testGroups[] | (.public // .private | if has("keys") then . else {keys: [.]} end) as $set
           | .tests[] | select(.jws | type == "string")
           | (($set | tojson) + "\n" + .jws), .jws | . + "\u0000"' "$path" | emit jws "$file"
    jq -j '.testGroups[].tests[] | select(.jws | type == "string") | .jws | split(".")[] | . + "\u0000"' \
      "$path" | emit base64url "$file"
    for t in jwk strict_json; do
      jq -j '.testGroups[] | (.public // .private) | if has("keys") then (., .keys[]) else . end
             | tojson + "\u0000"' "$path" | emit "$t" "$file"
    done
  done
  for path in "$vectors"/jose-cookbook/jwk/*.json; do
    [[ -f "$path" ]] && jq -j 'tojson + "\u0000"' "$path" | emit jwk "cookbook-$(basename "$path" .json)"
  done
  for path in "$vectors"/jose-cookbook/jws/*.json "$vectors"/jose-cookbook/curve25519/jws.json; do
    [[ -f "$path" ]] || continue
    jq -j 'if type == "array" then .[] else . end | select(.output.compact != null)
           | ({keys: [.input.key]} | tojson) + "\n" + .output.compact + "\u0000"' "$path" 2>/dev/null |
      emit jws "cookbook-$(basename "$path" .json)" || true
  done
fi

if wanted pem && command -v openssl >/dev/null; then
  tmp=$(mktemp -d)
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp/rsa" 2>/dev/null
  for curve in P-256 P-384 P-521; do
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:$curve -out "$tmp/$curve" 2>/dev/null
  done
  openssl genpkey -algorithm ED25519 -out "$tmp/ed25519" 2>/dev/null
  for key in rsa P-256 P-384 P-521 ed25519; do
    cp "$tmp/$key" "$out/pem/$key-pkcs8"
    openssl pkey -in "$tmp/$key" -pubout -out "$out/pem/$key-spki" 2>/dev/null
  done
  openssl rsa -in "$tmp/rsa" -traditional -out "$out/pem/rsa-traditional" 2>/dev/null
  openssl rsa -in "$tmp/rsa" -RSAPublicKey_out -out "$out/pem/rsa-public" 2>/dev/null
  openssl ec -in "$tmp/P-256" -out "$out/pem/P-256-traditional" 2>/dev/null
  rm -rf "$tmp"
fi
for t in "${targets[@]}"; do touch "$out/.made-$t"; done
