#!/usr/bin/env bash
# Installs what the end-to-end test needs into test/e2e/.tools (ignored by
# git): Node 24 (code-server refuses older ones), code-server 4.139.1 (VS
# Code 1.139.1), and Debian's chromium with the headers code-server's native
# modules build against. Safe to run again: what is there is kept.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tools="$here/.tools"
mkdir -p "$tools"

packages=(libkrb5-dev libxkbfile-dev libsecret-1-dev libx11-dev pkg-config chromium)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "e2e: apt-get install ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  # Another apt run may hold the lock: wait for it rather than fail.
  $SUDO apt-get -o DPkg::Lock::Timeout=900 update -qq
  $SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

node24="$tools/node24/node_modules/node/bin"
if [ ! -x "$node24/node" ]; then
  echo "e2e: npm install node@24"
  mkdir -p "$tools/node24"
  (cd "$tools/node24" && echo '{"private":true}' > package.json && npm install --no-audit --no-fund node@24 >/dev/null)
fi
export PATH="$node24:$PATH"
echo "e2e: node $(node --version)"

if [ ! -x "$tools/code-server/node_modules/.bin/code-server" ]; then
  echo "e2e: npm install code-server@4.139.1"
  mkdir -p "$tools/code-server"
  (cd "$tools/code-server" && echo '{"private":true}' > package.json &&
    npm install --no-audit --no-fund code-server@4.139.1 >/dev/null)
fi
# code-server writes a config file on every start: keep it in the scratch
# folder, not in the home folder.
export XDG_CONFIG_HOME="$tools/xdg-config" XDG_DATA_HOME="$tools/xdg-data"
echo "e2e: code-server $("$tools/code-server/node_modules/.bin/code-server" --version 2>/dev/null | tail -1)"
