// Copies the kozo binary into server/ so that the packaged extension runs
// its own language server (see src/serverPath.ts for the lookup order).
// The binary is the one `cargo build --release -p kozo` builds, or the file
// named by KOZO_BIN. Without one, the package is built without a server and
// the extension falls back to `kozo.server.path` or `kozo` on PATH.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const exe = process.platform === 'win32' ? 'kozo.exe' : 'kozo';
const source = process.env.KOZO_BIN || path.join(__dirname, '..', '..', 'target', 'release', exe);
const targetDir = path.join(__dirname, '..', 'server');
const target = path.join(targetDir, exe);

if (!fs.existsSync(source)) {
  console.warn(`bundle-server: no kozo binary at ${source}; packaging without a bundled server.`);
  console.warn('bundle-server: run `cargo build --release -p kozo` first to bundle one.');
  fs.rmSync(targetDir, { recursive: true, force: true });
  process.exit(0);
}
fs.mkdirSync(targetDir, { recursive: true });
fs.copyFileSync(source, target);
fs.chmodSync(target, 0o755);
console.log(`bundle-server: bundled ${source} as server/${exe}`);
