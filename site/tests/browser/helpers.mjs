// What the browser tests share: the repository, Chromium and the kozo binary.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, '..', '..', '..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const LAUNCH = {
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};

export function kozoBinary() {
  const candidates = [process.env.KOZO_BIN, path.join(REPO, 'target', 'release', 'kozo'), path.join(REPO, 'target', 'debug', 'kozo')];
  for (const c of candidates) {
    if (c && fs.existsSync(c)) return c;
  }
  const built = spawnSync('cargo', ['build', '-p', 'kozo'], { cwd: REPO, stdio: 'inherit' });
  assert.equal(built.status, 0, 'cargo build -p kozo failed');
  return path.join(REPO, 'target', 'debug', 'kozo');
}

