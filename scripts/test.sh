#!/usr/bin/env bash
# Runs every test, after installing whatever is missing (scripts/setup.sh).
#   1. cargo fmt --check, clippy -D warnings (native and wasm32)
#   2. cargo test: the core, natively, with the shared vectors
#   3. the retry simulation in --quick mode (asserts its headline results)
#   4. the package build (scripts/build.sh) and its size budget
#   5. wasm-bindgen tests under Node and under headless Chromium
#   6. node:test suites against the packed tarball (ESM, CJS, vectors, README examples)
#   7. browser end-to-end tests (playwright-core + Debian chromium)
#   8. the packed tarball under publint and attw, and in apps built with Vite 5/7/8 (build and
#      dev server), webpack 5, Rollup and esbuild, loaded in Chromium (tests/packaging/)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bash scripts/setup.sh
export PATH="$root/node_modules/.bin:$HOME/.cargo/bin:$PATH"
step() { printf '\n== %s\n' "$*"; }

step "format and lints"
cargo fmt --all -- --check
cargo clippy --quiet --all-targets -- -D warnings
cargo clippy --quiet --lib --tests --target wasm32-unknown-unknown -- -D warnings

step "cargo test (native core + vectors)"
cargo test --quiet 2>&1 | grep -v '^$'

if [ -f examples/retry_sim.rs ]; then
  step "retry simulation (quick)"
  cargo run --quiet --profile sim --example retry_sim -- --quick
fi
if [ -f examples/refresh_sim.rs ]; then
  step "cross-tab refresh simulation (quick)"
  cargo run --quiet --profile sim --example refresh_sim -- --schedules 2000
fi

step "build the package"
bash scripts/build.sh
node scripts/size.mjs

step "wasm-bindgen tests: Node"
cargo test --target wasm32-unknown-unknown --test wasm
step "wasm-bindgen tests: headless Chromium"
WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER=/usr/bin/chromedriver \
  cargo test --target wasm32-unknown-unknown --test wasm

step "JS suites against the packed tarball (Node ESM + CJS) and in Chromium"
node tests/js/run-packed.mjs all

step "packaging: publint, attw, and apps built by each bundler, in Chromium"
node tests/packaging/run.mjs

echo
echo "all tests passed"
