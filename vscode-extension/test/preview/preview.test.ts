// The preview page (media/preview.html + preview.js + preview.css, with the
// CSP the extension gives it) in headless Chromium, fed real SVGs made by
// `kozo render`: the diagram is shown, a click on a shape posts the reveal
// message that leads to its declaration, and hostile text runs no script.

import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { after, before, describe, test } from 'node:test';
import { Browser, chromium, Page } from 'playwright-core';

import { renderPreviewHtml } from '../../src/previewHtml';
import { charColumnToUtf16, parseSource, resolveSourceFile } from '../../src/sourceMap';

const EXT = path.resolve(__dirname, '..', '..', '..');
const REPO = path.resolve(EXT, '..');
const ORIGIN = 'https://kozo-preview.test';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HOSTILE = '"</text><script>alert(1)</script>';

function kozoBinary(): string {
  const candidates = [process.env.KOZO_BIN, path.join(REPO, 'target', 'release', 'kozo'), path.join(REPO, 'target', 'debug', 'kozo')];
  for (const c of candidates) {
    if (c && fs.existsSync(c)) {
      return c;
    }
  }
  const built = spawnSync('cargo', ['build', '--release', '-p', 'kozo'], { cwd: REPO, stdio: 'inherit' });
  assert.equal(built.status, 0, 'cargo build --release -p kozo failed');
  return path.join(REPO, 'target', 'release', 'kozo');
}

function render(kozo: string, workspace: string, view: string, engine: string): string {
  const out = spawnSync(kozo, ['render', workspace, '--view', view, '--engine', engine, '--out', '-'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(out.status, 0, `kozo render failed: ${out.stderr}`);
  assert.match(out.stdout, /<svg/);
  return out.stdout;
}

/**
 * Whether Graphviz `dot` runs. With `CI` set, a missing `dot` fails the
 * suite instead of dropping the Graphviz cases; elsewhere the skip is
 * printed in the test output.
 */
function dotInstalled(): boolean {
  const found = spawnSync('dot', ['-V']).status === 0;
  if (!found) {
    if (process.env.CI) {
      throw new Error('Graphviz `dot` is not on PATH, and CI is set: install Graphviz');
    }
    console.warn('warning: Graphviz `dot` is not on PATH; the Graphviz previews are not tested');
  }
  return found;
}

/** Chromium must be there: a missing one fails the suite (it is never skipped). */
function chromiumInstalled(): void {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not at ${CHROMIUM} (set CHROMIUM_PATH): the preview cannot be tested`);
  }
}

interface Posted {
  type: string;
  path?: string;
  source?: string;
  what?: string;
}

declare global {
  interface Window {
    __posted: Posted[];
    __alerts: number;
    __pwned?: unknown;
  }
}

let browser: Browser;
let kozo: string;
let hostileWorkspace: string;
const engines = ['builtin', ...(dotInstalled() ? ['graphviz'] : [])];

before(async () => {
  chromiumInstalled();
  kozo = kozoBinary();
  hostileWorkspace = fs.mkdtempSync(path.join(os.tmpdir(), 'kozo-hostile-'));
  fs.writeFileSync(path.join(hostileWorkspace, 'kozo.toml'), '');
  fs.writeFileSync(
    path.join(hostileWorkspace, 'm.kozo'),
    `use society5\nsystem evil "\\"</text><script>alert(1)</script>" { component c "<img src=x onerror=alert(2)>" }\nview v { include evil, evil.c }\n`,
  );
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close();
  if (hostileWorkspace) {
    fs.rmSync(hostileWorkspace, { recursive: true, force: true });
  }
});

interface Opened {
  page: Page;
  errors: string[];
  outside: string[];
}

/** The preview page as the extension builds it, served from a fake origin. */
async function openPreview(): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors: string[] = [];
  const outside: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', (d) => {
    errors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  const template = fs.readFileSync(path.join(EXT, 'media', 'preview.html'), 'utf8');
  const html = renderPreviewHtml(template, {
    cspSource: ORIGIN,
    nonce: 'testnonce123456789',
    scriptUri: `${ORIGIN}/media/preview.js`,
    styleUri: `${ORIGIN}/media/preview.css`,
  });
  await page.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.origin !== ORIGIN) {
      outside.push(url.href);
      await route.abort();
      return;
    }
    if (url.pathname === '/preview.html') {
      await route.fulfill({ contentType: 'text/html', body: html });
    } else if (url.pathname === '/media/preview.js' || url.pathname === '/media/preview.css') {
      await route.fulfill({
        contentType: url.pathname.endsWith('.js') ? 'text/javascript' : 'text/css',
        body: fs.readFileSync(path.join(EXT, url.pathname)),
      });
    } else {
      outside.push(url.href);
      await route.fulfill({ status: 404, body: '' });
    }
  });
  await page.addInitScript(() => {
    window.__posted = [];
    window.__alerts = 0;
    window.alert = () => {
      window.__alerts += 1;
    };
    (window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => ({
      postMessage: (m: Posted) => window.__posted.push(m),
      getState: () => undefined,
      setState: () => undefined,
    });
  });
  await page.goto(`${ORIGIN}/preview.html`);
  await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'));
  return { page, errors, outside };
}

async function send(page: Page, viewId: string, svg: string): Promise<void> {
  await page.evaluate(([v, s]) => window.postMessage({ type: 'svg', viewId: v, svg: s }, '*'), [viewId, svg]);
}

async function reveals(page: Page): Promise<Posted[]> {
  return page.evaluate(() => window.__posted.filter((m) => m.type === 'reveal'));
}

for (const engine of engines) {
  describe(`a real SVG (${engine} engine)`, () => {
    test('is shown, and a click on a node or an edge posts its reveal message', async () => {
      const workspace = path.join(REPO, 'examples', 'smart-building');
      const svg = render(kozo, workspace, 'asset_view', engine);
      const { page, errors, outside } = await openPreview();
      try {
        await send(page, 'asset_view', svg);
        await page.waitForSelector('#canvas svg g.kozo-element');
        assert.equal(await page.textContent('#view-name'), 'asset_view');
        const box = await page.locator('#canvas svg').first().boundingBox();
        assert.ok(box && box.width > 50 && box.height > 50, 'the SVG has a size on screen');

        // A node: the edge gateway, clicked on its text like a person would.
        const expected = /data-kozo-path="bms\.edge_gw"[^>]*data-kozo-source="([^"]+)"/.exec(svg);
        assert.ok(expected, 'the SVG carries the source of bms.edge_gw');
        const node = page.locator('#canvas g.kozo-element[data-kozo-path="bms.edge_gw"]');
        await node.locator('text').first().click();
        let posted = await reveals(page);
        assert.deepEqual(posted, [{ type: 'reveal', path: 'bms.edge_gw', what: 'element', source: expected[1] }]);

        // That message leads to the declaration.
        const ref = parseSource(posted[0].source ?? '');
        assert.ok(ref);
        const file = resolveSourceFile(workspace, ref);
        assert.ok(file);
        const line = fs.readFileSync(file, 'utf8').split('\n')[ref.line - 1];
        assert.match(line.slice(charColumnToUtf16(line, ref.column)), /^edge_gw\b/);

        // An edge: clicked at the middle of its line.
        const point = await page.evaluate(() => {
          const edge = document.querySelector('#canvas g.kozo-relationship[data-kozo-source] path');
          if (!(edge instanceof SVGPathElement)) return null;
          const g = edge.closest('g.kozo-relationship');
          const p = edge.getPointAtLength(edge.getTotalLength() / 2);
          const m = edge.getScreenCTM();
          if (!m || !g) return null;
          return {
            x: p.x * m.a + p.y * m.c + m.e,
            y: p.x * m.b + p.y * m.d + m.f,
            path: g.getAttribute('data-kozo-path'),
            source: g.getAttribute('data-kozo-source'),
          };
        });
        assert.ok(point, 'the diagram has a relationship with a source');
        await page.mouse.click(point.x, point.y);
        posted = await reveals(page);
        assert.equal(posted.length, 2);
        assert.deepEqual(posted[1], { type: 'reveal', path: point.path, what: 'relationship', source: point.source });

        assert.deepEqual(errors, []);
        assert.deepEqual(outside, []);
      } finally {
        await page.close();
      }
    });

    test('a hostile label is shown as text and runs no script', async () => {
      const svg = render(kozo, hostileWorkspace, 'v', engine);
      const { page, errors, outside } = await openPreview();
      try {
        await send(page, 'v', svg);
        await page.waitForSelector('#canvas svg g.kozo-element');
        const texts = await page.$$eval('#canvas svg text', (ts) => ts.map((t) => t.textContent ?? ''));
        assert.ok(texts.some((t) => t.includes(HOSTILE)), `label shown as text: ${texts.join(' | ')}`);
        assert.equal(await page.locator('#canvas script, #canvas img, #canvas foreignObject').count(), 0);
        assert.equal(await page.evaluate(() => document.scripts.length), 1);
        await page.locator('#canvas g.kozo-element[data-kozo-path="evil"]').locator('text').first().click();
        await page.waitForTimeout(100);
        assert.equal(await page.evaluate(() => window.__alerts), 0);
        assert.equal((await reveals(page))[0]?.path, 'evil');
        assert.deepEqual(errors, []);
        assert.deepEqual(outside, []);
      } finally {
        await page.close();
      }
    });
  });
}

describe('the sanitiser', () => {
  test('drops scripts, foreignObject, handlers and outside links from a crafted SVG', async () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="200" height="100" onload="window.__pwned='onload'">
<script>window.__pwned = 'script'</script>
<foreignObject width="100" height="50"><div xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="window.__pwned='img'"/></div></foreignObject>
<style>@import url(https://evil.test/x.css);</style>
<g class="kozo-element" data-kozo-path="x" data-kozo-source="m.kozo:1:8" onclick="window.__pwned='onclick'">
<rect x="0" y="0" width="100" height="60" fill="#eee" style="fill:url(https://evil.test/p)"/>
<text x="10" y="30" onmouseover="window.__pwned='hover'">x</text>
<a href="javascript:window.__pwned='link'"><text x="10" y="50">link</text></a>
<image href="https://evil.test/i.png" width="10" height="10"/>
<use xlink:href="https://evil.test/s.svg#a"/>
<use href="#local"/>
<animate attributeName="href" to="javascript:window.__pwned='animate'"/>
</g>
</svg>`;
      const { page, errors, outside } = await openPreview();
      try {
        await send(page, 'crafted', svg);
        await page.waitForSelector('#canvas svg');
        const left = await page.evaluate(() => {
          const root = document.querySelector('#canvas svg');
          if (!root) return null;
          const all = [root, ...Array.from(root.querySelectorAll('*'))];
          return {
            tags: all.map((e) => e.localName),
            handlers: all.flatMap((e) => Array.from(e.attributes).filter((a) => /^on|^style$/i.test(a.name)).map((a) => a.name)),
            links: all.flatMap((e) => Array.from(e.attributes).filter((a) => a.localName === 'href').map((a) => a.value)),
          };
        });
        assert.ok(left);
        for (const tag of ['script', 'foreignObject', 'foreignobject', 'style', 'a', 'image', 'animate', 'div', 'img']) {
          assert.ok(!left.tags.includes(tag), `${tag} removed`);
        }
        assert.deepEqual(left.handlers, []);
        assert.deepEqual(left.links, ['#local']);
        await page.locator('#canvas rect').click();
        await page.locator('#canvas text').first().hover();
        await page.waitForTimeout(100);
        assert.equal(await page.evaluate(() => window.__pwned), undefined);
        assert.deepEqual(await reveals(page), [{ type: 'reveal', path: 'x', what: 'element', source: 'm.kozo:1:8' }]);
        assert.deepEqual(errors, []);
        assert.deepEqual(outside, []);
      } finally {
        await page.close();
      }
    });

    test('text that is not SVG is refused, and zoom and drag work without posting clicks', async () => {
    const { page, errors } = await openPreview();
    try {
      await send(page, 'bad', '<img src=x onerror="window.__pwned=1">');
      await page.waitForFunction(() => (document.getElementById('status')?.textContent ?? '').length > 0);
      assert.equal(await page.locator('#canvas *').count(), 0);
      const svg = render(kozo, path.join(REPO, 'examples', 'smart-building'), 'realisation_view', 'builtin');
      await send(page, 'realisation_view', svg);
      await page.waitForSelector('#canvas svg g.kozo-element');
      const before = await page.evaluate(() => document.getElementById('canvas')?.style.transform ?? '');
      await page.click('#zoom-in');
      const zoomed = await page.evaluate(() => document.getElementById('canvas')?.style.transform ?? '');
      assert.notEqual(zoomed, before);
      const node = await page.locator('#canvas g.kozo-element text').first().boundingBox();
      assert.ok(node);
      await page.mouse.move(node.x + 2, node.y + 2);
      await page.mouse.down();
      await page.mouse.move(node.x + 80, node.y + 60, { steps: 5 });
      await page.mouse.up();
      const panned = await page.evaluate(() => document.getElementById('canvas')?.style.transform ?? '');
      assert.notEqual(panned, zoomed);
      assert.deepEqual(await reveals(page), [], 'a drag is not a click');
      // A redraw of the same size keeps the reader's zoom and pan...
      await send(page, 'realisation_view', svg);
      await page.waitForSelector('#canvas svg g.kozo-element');
      assert.equal(await page.evaluate(() => document.getElementById('canvas')?.style.transform ?? ''), panned);
      // ...and one that changes the diagram's size fits it again.
      const other = render(kozo, path.join(REPO, 'examples', 'smart-building'), 'privacy_view', 'builtin');
      await send(page, 'realisation_view', other);
      await page.waitForSelector('#canvas svg g.kozo-element');
      assert.notEqual(await page.evaluate(() => document.getElementById('canvas')?.style.transform ?? ''), panned);
      assert.equal(await page.evaluate(() => window.__pwned), undefined);
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });
});
