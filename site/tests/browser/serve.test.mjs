// `kozo site --serve` in Chromium: the open page reloads by itself when a
// `.kozo` file changes, and shows the new build.

import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { chromium } from 'playwright-core';

import { LAUNCH, kozoBinary } from './helpers.mjs';

const MODEL = 'use society5\nsystem bms "Building management" { label ja "ビル管理" }\nview v { include bms }\n';

test('the open page reloads when the model changes', async () => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'kozo-serve-'));
  fs.writeFileSync(path.join(ws, 'kozo.toml'), '');
  fs.writeFileSync(path.join(ws, 'm.kozo'), MODEL);
  const server = spawn(kozoBinary(), ['site', ws, '--serve', '--port', '0', '--engine', 'builtin'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const browser = await chromium.launch(LAUNCH);
  try {
    const address = await new Promise((resolve, reject) => {
      let text = '';
      server.stdout.on('data', (chunk) => {
        text += chunk;
        const found = /http:\/\/127\.0\.0\.1:\d+\//.exec(text);
        if (found) resolve(found[0]);
      });
      server.on('exit', (code) => reject(new Error(`kozo site --serve exited with ${code}`)));
    });
    const page = await browser.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    await page.goto(`${address}elements/bms.html`);
    assert.equal(await page.locator('h1').innerText(), 'Building management');
    fs.writeFileSync(path.join(ws, 'm.kozo'), MODEL.replace('Building management', 'Tower control'));
    await page.waitForFunction(() => document.querySelector('h1')?.innerText === 'Tower control', null, { timeout: 20000 });
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    server.kill();
    fs.rmSync(ws, { recursive: true, force: true });
  }
});
