#!/usr/bin/env bash
# Builds the npm package into dist/ (offline once dependencies are fetched):
#   1. the Rust crate to wasm32 (release profile: opt-level z, panic=abort, lto, 1 codegen unit)
#   2. wasm-bindgen (pinned 0.2.130) -> JS glue for the `web` target in build/glue/
#   3. wasm-opt -Oz from npm `binaryen` (never Debian's 108, which breaks the module)
#   4. scripts/package.mjs: declarations (tsc) + entry bundles (esbuild) + package.json
# Reproducible: paths are remapped out of the module and the toolchain versions are pinned.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export PATH="$root/node_modules/.bin:$HOME/.cargo/bin:$PATH"

want_bindgen=$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' Cargo.toml)
have_bindgen=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')
if [ "$want_bindgen" != "$have_bindgen" ]; then
  echo "build: wasm-bindgen CLI $have_bindgen does not match the crate pin $want_bindgen; run scripts/setup.sh" >&2
  exit 1
fi
case "$(command -v wasm-opt)" in
  "$root"/node_modules/.bin/*) ;;
  *) echo "build: wasm-opt must come from npm binaryen (node_modules/.bin); run scripts/setup.sh" >&2; exit 1 ;;
esac

echo "build: cargo (wasm32, release)"
RUSTFLAGS="--remap-path-prefix=$root=faultline --remap-path-prefix=$HOME/.cargo=cargo --remap-path-prefix=$HOME/.rustup=rustup" \
  cargo build --quiet --release --lib --target wasm32-unknown-unknown

echo "build: wasm-bindgen --target web"
rm -rf build/glue dist
mkdir -p build/glue dist
wasm-bindgen --target web --out-dir build/glue --out-name faultline \
  target/wasm32-unknown-unknown/release/faultline.wasm

# -Oz: the module is sized for download (HACKING.md, "Release profile"); WASM_OPT_LEVEL
# overrides it to compare.
echo "build: wasm-opt ${WASM_OPT_LEVEL:--Oz}"
wasm-opt "${WASM_OPT_LEVEL:--Oz}" --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
  build/glue/faultline_bg.wasm -o dist/faultline_bg.wasm

echo "build: package"
node scripts/package.mjs
echo "build: done -> dist/ ($(wc -c < dist/faultline_bg.wasm) bytes of wasm)"
