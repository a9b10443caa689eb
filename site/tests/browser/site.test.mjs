// The site `kozo site` writes, opened from file:// in headless Chromium:
// a click on a diagram shape (or Enter on a focused one) lands on the
// element's page, the language switch shows the Japanese labels and is
// remembered across pages, search finds as you type and its result is
// followed, no page logs a console error or a CSP violation — also
// for a workspace whose labels are hostile markup — and the Changes page
// of `--since` shows its highlighted views.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

import { CHROMIUM, LAUNCH, REPO, kozoBinary } from './helpers.mjs';

/** Folders the tests made, removed at the end. */
const made = [];

function buildSite(kozo, workspace, args = []) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'kozo-site-'));
  made.push(out);
  fs.rmSync(out, { recursive: true });
  const run = spawnSync(kozo, ['site', workspace, '--out', out, '--engine', 'builtin', ...args], { encoding: 'utf8' });
  assert.equal(run.status, 0, `kozo site failed: ${run.stderr}`);
  return out;
}

function pages(dir) {
  const found = [];
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.html')) found.push(p);
    }
  };
  walk(dir);
  return found.sort();
}

const url = (dir, page) => pathToFileURL(path.join(dir, page)).href;

let browser;
let kozo;
let site;

before(async () => {
  kozo = kozoBinary();
  site = buildSite(kozo, path.join(REPO, 'examples', 'smart-building'), ['--lang', 'en']);
  browser = await chromium.launch(LAUNCH);
});

after(async () => {
  await browser?.close();
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** A new page that records console errors, page errors, CSP violations and dialogs. */
async function watchedPage() {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', async (d) => {
    problems.push(`dialog: ${d.message()}`);
    await d.dismiss();
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return { page, problems, context };
}

describe('kozo site in Chromium, from file://', () => {
  test('a click on a shape in a view lands on the element page; so does Enter', async () => {
    const { page, problems, context } = await watchedPage();
    await page.goto(url(site, 'views/building_data_view.html'));
    const shape = page.locator('div.diagram:visible g.kozo-element[data-kozo-path="bms.edge_gw"]');
    await shape.click();
    await page.waitForURL(/elements\/bms\.edge_gw\.html$/);
    assert.match(await page.locator('h1').innerText(), /Edge gateway/i);

    await page.goto(url(site, 'views/building_data_view.html'));
    const focused = page.locator('div.diagram:visible g.kozo-element[data-kozo-path="bms"]');
    assert.equal(await focused.getAttribute('tabindex'), '0', 'shapes are keyboard-focusable');
    await focused.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/elements\/bms\.html$/);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('the language switch shows the Japanese label and is remembered across pages', async () => {
    const { page, problems, context } = await watchedPage();
    await page.goto(url(site, 'elements/bms.html'));
    assert.equal(await page.locator('h1').innerText(), 'Building management system (BMS)');
    await page.getByRole('button', { name: '日本語' }).click();
    assert.equal(await page.locator('h1').innerText(), 'ビル管理システム（BMS）');
    await page.goto(url(site, 'views/building_data_view.html'));
    assert.equal(await page.locator('html').getAttribute('lang'), 'ja');
    const visible = page.locator('div.diagram:visible');
    assert.equal(await visible.count(), 1, 'one diagram is shown');
    assert.match(await visible.innerText(), /ビル管理システム/);
    await page.getByRole('button', { name: 'English' }).click();
    assert.match(await page.locator('div.diagram:visible').innerText(), /Building management system/);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('search finds as you type and its result is followed', async () => {
    const { page, problems, context } = await watchedPage();
    await page.goto(url(site, 'index.html'));
    await page.locator('#kozo-search').pressSequentially('edge gate');
    const first = page.locator('#kozo-results a').first();
    await first.waitFor();
    assert.match(await first.innerText(), /Edge gateway/i);
    await first.click();
    await page.waitForURL(/elements\/bms\.edge_gw\.html$/);
    // Japanese labels are searched too.
    await page.locator('#kozo-search').pressSequentially('ビル管理');
    await page.locator('#kozo-results a').first().waitFor();
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('no page logs a console error or a CSP violation', async () => {
    const { page, problems, context } = await watchedPage();
    const all = pages(site);
    assert.ok(all.length > 60, `${all.length} pages`);
    for (const file of all) {
      await page.goto(pathToFileURL(file).href);
      await page.locator('#kozo-search').focus();
      await page.waitForFunction(() => Array.isArray(window.KOZO_SEARCH));
      assert.deepEqual(problems, [], path.relative(site, file));
    }
    await context.close();
  });

  test('the Changes page of --since loads its highlighted views with no console error', async () => {
    const old = fs.mkdtempSync(path.join(os.tmpdir(), 'kozo-old-'));
    const now = fs.mkdtempSync(path.join(os.tmpdir(), 'kozo-new-'));
    made.push(old, now);
    const head = 'use society5\nconcern c "Energy"\nstakeholder s "Owner" { concerns c }\nviewpoint vp "Assets" { frames c }\n';
    for (const [dir, body] of [
      [old, 'system a "A"\nsystem b "B"\nview v of vp "V" { include a, b }\n'],
      [now, 'system a "A2"\nsystem d "D"\nview v of vp "V" { include a, d }\n'],
    ]) {
      fs.writeFileSync(path.join(dir, 'kozo.toml'), '');
      fs.writeFileSync(path.join(dir, 'm.kozo'), head + body);
    }
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'kozo-site-'));
    made.push(out);
    fs.rmSync(out, { recursive: true });
    const run = spawnSync(kozo, ['site', '.', '--out', out, '--engine', 'builtin', '--since', old], { cwd: now, encoding: 'utf8' });
    assert.equal(run.status, 0, `kozo site --since failed: ${run.stderr}`);
    const { page, problems, context } = await watchedPage();
    await page.goto(url(out, 'index.html'));
    await page.locator('header nav a[href="changes.html"]').click();
    await page.waitForURL(/changes\.html$/);
    const img = page.locator('#diagrams img').first();
    await img.waitFor();
    assert.ok(await img.evaluate((i) => i.complete && i.naturalWidth > 0), 'the highlighted view loads');
    assert.match(await page.locator('#review').innerText(), /Owner/);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('hostile labels run nothing', async () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'kozo-hostile-'));
    made.push(ws);
    const h = '\\"</text><script>alert(1)</script><img src=x onerror=alert(2)>';
    fs.writeFileSync(path.join(ws, 'kozo.toml'), '');
    fs.writeFileSync(
      path.join(ws, 'm.kozo'),
      `use society5\n/// ${h}\nsystem evil "${h}" { label ja "${h}" component c "${h}" }\nsystem b "b"\nevil -> b "${h}"\nview v "${h}" { include evil, evil.c, b }\n`,
    );
    const hostile = buildSite(kozo, ws);
    const { page, problems, context } = await watchedPage();
    for (const file of pages(hostile)) {
      await page.goto(pathToFileURL(file).href);
      await page.locator('#kozo-search').pressSequentially('script');
      await page.locator('#kozo-results a').first().waitFor({ timeout: 5000 }).catch(async (e) => {
        throw new Error(`${file}: ${e.message}; ${page.url()} ${await page.evaluate(() => [typeof window.KOZO_SEARCH, document.getElementById('kozo-search').value, document.querySelector('h1').outerHTML])}`);
      });
      assert.equal(await page.evaluate(() => document.querySelectorAll('img[src="x"]').length), 0);
    }
    assert.deepEqual(problems, []);
    await context.close();
  });
});
