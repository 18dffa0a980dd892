#!/usr/bin/env bash
# Sets up whatever is missing, builds the package and serves the playground: the page, the
# built package and the mock failure API on 127.0.0.1 (port from $PORT, default 8080).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
exec node www/server.mjs --port "${PORT:-8080}" --pkg dist
