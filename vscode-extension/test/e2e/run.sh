#!/usr/bin/env bash
# The extension in a real VS Code: installs code-server 4.139.1 (VS Code
# 1.139.1), Node 24 and Debian's chromium (install.sh, into test/e2e/.tools),
# packages kozo.vsix with the release `kozo` bundled, and runs
# vscode.e2e.ts, which drives the workbench in headless Chromium through
# playwright-core the way a person would. Prints where the screenshots are
# and how long it took.
#
# KOZO_BIN names the kozo binary to bundle (default: target/release/kozo).
set -euo pipefail
started=$SECONDS
here=$(cd "$(dirname "$0")" && pwd)
ext=$(cd "$here/../.." && pwd)
repo=$(cd "$ext/.." && pwd)
kozo="${KOZO_BIN:-$repo/target/release/kozo}"
if [ ! -x "$kozo" ]; then
  echo "e2e: no kozo binary at $kozo; build it first (cargo build --release -p kozo)" >&2
  exit 1
fi

"$here/install.sh"
tools="$here/.tools"
export PATH="$tools/node24/node_modules/node/bin:$PATH"

cd "$ext"
if [ ! -d node_modules/playwright-core ]; then
  npm ci --no-audit --no-fund
fi
echo "e2e: packaging kozo.vsix with $kozo"
KOZO_BIN="$kozo" npm run --silent package >/dev/null
npm run --silent compile

node out/test/e2e/vscode.e2e.js \
  --code-server "$tools/code-server/node_modules/.bin/code-server" \
  --vsix "$ext/kozo.vsix" \
  --kozo "$kozo" \
  --example "$repo/examples/smart-building" \
  --runs "$here/.runs"
echo "e2e: passed in $((SECONDS - started)) s"
