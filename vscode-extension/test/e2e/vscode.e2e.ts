// The packaged extension in a real VS Code (code-server), operated through
// headless Chromium the way a person would: open the workspace, look at the
// Problems count, type, go to a definition, open the preview, click a shape,
// edit, reload. Run by run.sh, which installs what it needs; every step
// leaves a screenshot in the run's folder, named in the output.

import { strict as assert } from 'assert';
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';
import { Browser, chromium, Frame, Page } from 'playwright-core';

interface Args {
  codeServer: string;
  vsix: string;
  kozo: string;
  example: string;
  runs: string;
}

function parseArgs(argv: string[]): Args {
  const get = (name: string): string => {
    const i = argv.indexOf(`--${name}`);
    if (i < 0 || i + 1 >= argv.length) {
      throw new Error(`missing --${name}`);
    }
    return path.resolve(argv[i + 1]);
  };
  return {
    codeServer: get('code-server'),
    vsix: get('vsix'),
    kozo: get('kozo'),
    example: get('example'),
    runs: get('runs'),
  };
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const STEP_TIMEOUT = 60_000;

/** The defect added to the example: a relationship to an element that does not exist. */
const DEFECT = '\n// Added by the end-to-end test: an undefined element.\ntower.ahu -> nowhere_gw : flows\n';

function log(message: string): void {
  process.stdout.write(`e2e: ${message}\n`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function httpOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 500);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => {
      req.destroy();
      resolve(false);
    });
  });
}

async function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until it returns a value accepted by `ok`, or fails with the last value seen. */
async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, timeout = STEP_TIMEOUT): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (ok(last)) {
        return last;
      }
    } catch (e) {
      lastError = e;
    }
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(last)}${lastError ? `; last error: ${String(lastError)}` : ''}`);
}

function copyDir(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    if (entry.name === 'diagrams' || entry.name.startsWith('.')) {
      continue;
    }
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) {
      copyDir(src, dst);
    } else if (entry.isFile()) {
      fs.copyFileSync(src, dst);
    }
  }
}

/** Errors + warnings + infos, as `kozo check --format json` reports them. */
function expectedProblems(kozo: string, workspace: string): number {
  const out = spawnSync(kozo, ['check', workspace, '--format', 'json'], { encoding: 'utf8' });
  const report = JSON.parse(out.stdout);
  const s = report.summary;
  return s.errors + s.warnings + s.infos;
}

class Run {
  private shot = 0;
  private server: ChildProcess | undefined;
  private browser: Browser | undefined;
  page!: Page;
  url = '';

  constructor(
    readonly args: Args,
    readonly dir: string,
  ) {}

  get workspace(): string {
    return path.join(this.dir, 'workspace');
  }

  get screenshots(): string {
    return path.join(this.dir, 'screenshots');
  }

  private env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      XDG_CONFIG_HOME: path.join(this.dir, 'xdg', 'config'),
      XDG_DATA_HOME: path.join(this.dir, 'xdg', 'data'),
      XDG_CACHE_HOME: path.join(this.dir, 'xdg', 'cache'),
    };
  }

  private codeServerArgs(): string[] {
    return ['--user-data-dir', path.join(this.dir, 'user-data'), '--extensions-dir', path.join(this.dir, 'extensions')];
  }

  prepare(): void {
    fs.mkdirSync(this.screenshots, { recursive: true });
    copyDir(this.args.example, this.workspace);
    fs.appendFileSync(path.join(this.workspace, 'building.kozo'), DEFECT);
    const settings = path.join(this.dir, 'user-data', 'User', 'settings.json');
    fs.mkdirSync(path.dirname(settings), { recursive: true });
    fs.writeFileSync(
      settings,
      JSON.stringify(
        {
          'security.workspace.trust.enabled': false,
          'workbench.startupEditor': 'none',
          'workbench.tips.enabled': false,
          'workbench.enableExperiments': false,
          'extensions.autoCheckUpdates': false,
          'extensions.autoUpdate': false,
          'update.mode': 'none',
          'telemetry.telemetryLevel': 'off',
          'editor.minimap.enabled': false,
          'workbench.editor.restoreViewState': true,
          'window.restoreWindows': 'all',
          'chat.disableAIFeatures': true,
          'git.openRepositoryInParentFolders': 'never',
          'workbench.secondarySideBar.defaultVisibility': 'hidden',
        },
        null,
        2,
      ),
    );
    const installed = spawnSync(this.args.codeServer, [...this.codeServerArgs(), '--install-extension', this.args.vsix], {
      encoding: 'utf8',
      env: this.env(),
    });
    assert.equal(installed.status, 0, `installing the extension failed:\n${installed.stdout}\n${installed.stderr}`);
    log(`installed ${path.basename(this.args.vsix)}`);
  }

  async start(): Promise<void> {
    const port = await freePort();
    const logFile = fs.openSync(path.join(this.dir, 'code-server.log'), 'w');
    this.server = spawn(
      this.args.codeServer,
      [
        ...this.codeServerArgs(),
        '--auth',
        'none',
        '--bind-addr',
        `127.0.0.1:${port}`,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        this.workspace,
      ],
      { env: this.env(), stdio: ['ignore', logFile, logFile], detached: true },
    );
    const base = `http://127.0.0.1:${port}`;
    await until('code-server to listen', () => httpOk(`${base}/healthz`), (ok) => ok, 60_000);
    this.url = `${base}/?folder=${encodeURIComponent(this.workspace)}`;
    this.browser = await chromium.launch({
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
    const context = await this.browser.newContext({ viewport: { width: 1600, height: 1000 } });
    this.page = await context.newPage();
    await this.page.goto(this.url);
    await this.workbench();
  }

  async workbench(): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    await this.page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ timeout: 90_000 }).catch(() => undefined);
  }

  /**
   * The pids of the language servers (`.../server/kozo lsp`) this run's
   * code-server started: processes of its process group only.
   */
  languageServers(): number[] {
    const group = this.server?.pid;
    const out: number[] = [];
    if (!group) {
      return out;
    }
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) {
        continue;
      }
      try {
        const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        const pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
        if (pgid === group && cmdline[0].endsWith('/server/kozo') && cmdline[1] === 'lsp') {
          out.push(Number(entry));
        }
      } catch {
        // Gone meanwhile.
      }
    }
    return out;
  }

  async stop(): Promise<void> {
    await this.browser?.close().catch(() => undefined);
    if (this.server?.pid) {
      try {
        // The server and its children (extension host, language server) form one group.
        process.kill(-this.server.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
      await sleep(500);
      try {
        process.kill(-this.server.pid, 'SIGKILL');
      } catch {
        // Gone.
      }
    }
  }

  async screenshot(name: string): Promise<void> {
    this.shot += 1;
    const file = path.join(this.screenshots, `${String(this.shot).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path: file }).catch(() => undefined);
  }

  /** Runs a command from the command palette by its title. */
  async command(title: string): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${title}`);
    const row = this.page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: title }).first();
    await row.waitFor();
    await this.page.keyboard.press('Enter');
  }

  /** Opens a workspace file through Quick Open and waits for its editor. */
  async openFile(name: string): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(name);
    // Enter only once the filtered list has the file in focus (the list of
    // recent files shown before the filter applies may hold it too).
    await this.page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: name }).first().waitFor();
    await this.page.keyboard.press('Enter');
    await until('the editor of ' + name, () => this.activeTab(), (t) => t === name);
    await this.focusEditor();
  }

  /** Puts the keyboard focus in the active editor, as a click would. */
  async focusEditor(): Promise<void> {
    const focused = () => this.page.evaluate(() => !!document.activeElement?.closest('.editor-group-container.active .monaco-editor'));
    if (await focused()) {
      return;
    }
    const area = this.page.locator('.editor-group-container.active .monaco-editor .editor-scrollable').first();
    await area.click({ position: { x: 60, y: 10 } });
    await until(
      'the editor to have the focus',
      focused,
      (yes) => yes,
      10_000,
    );
  }

  async activeTab(): Promise<string> {
    const tab = this.page.locator('.editor-group-container.active .tab.active').first();
    const label = (await tab.getAttribute('aria-label', { timeout: 2000 })) ?? '';
    // "building.kozo, 1 problem in this file": the name comes first.
    return label.split(',')[0].trim();
  }

  /** Moves the cursor of the active editor (1-based line and column). */
  async goTo(line: number, column: number): Promise<void> {
    await this.focusEditor();
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    // Go to Line opens Quick Open with ":"; filling replaces it.
    await input.fill(`:${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await until(`the cursor at ${line}:${column}`, () => this.cursor(), (c) => c.line === line);
  }

  /** The cursor of the active editor, from the status bar. */
  async cursor(): Promise<{ line: number; column: number }> {
    const text = (await this.page.locator('[id="status.editor.selection"]').first().textContent({ timeout: 2000 })) ?? '';
    const m = /Ln (\d+), Col (\d+)/.exec(text);
    return m ? { line: Number(m[1]), column: Number(m[2]) } : { line: -1, column: -1 };
  }

  /** The sum of the counts in the status bar's problems item. */
  async problems(): Promise<number> {
    const item = this.page.locator('[id="status.problems"]').first();
    const label = (await item.getAttribute('aria-label', { timeout: 2000 })) ?? (await item.textContent()) ?? '';
    return (label.match(/\d+/g) ?? []).map(Number).reduce((a, b) => a + b, 0);
  }

  /** Error notifications on screen. */
  async errorToasts(): Promise<string[]> {
    const toasts = this.page.locator('.notification-toast');
    const out: string[] = [];
    for (let i = 0; i < (await toasts.count()); i++) {
      const toast = toasts.nth(i);
      if ((await toast.locator('.codicon-error').count()) > 0) {
        out.push(((await toast.textContent()) ?? '').trim());
      }
    }
    return out;
  }

  /** The frame of the preview webview once it shows a diagram. */
  async previewFrame(): Promise<Frame> {
    return until(
      'the preview to show an SVG',
      async () => {
        for (const frame of this.page.frames()) {
          if ((await frame.locator('#canvas svg').count().catch(() => 0)) > 0) {
            return frame;
          }
        }
        return undefined;
      },
      (f) => f !== undefined,
    ) as Promise<Frame>;
  }
}

function lineOf(file: string, needle: string): number {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `${needle} not in ${file}`);
  return i + 1;
}

async function scenario(run: Run): Promise<void> {
  const { page } = run;
  const ws = run.workspace;

  // The extension activates (the workspace holds kozo files) and reports
  // no error.
  await run.openFile('building.kozo');
  await until('the kozo status bar item', async () => page.locator('.statusbar-item', { hasText: /kozo/i }).count(), (n) => n > 0);
  await run.screenshot('activated');

  // The Problems count equals `kozo check`'s.
  const expected = expectedProblems(run.args.kozo, ws);
  assert.ok(expected > 0, 'the copied example has no defect');
  await until(`the Problems count to be ${expected}`, () => run.problems(), (n) => n === expected, 90_000);
  log(`Problems count ${expected}, as kozo check --format json says`);
  assert.deepEqual(await run.errorToasts(), [], 'an error notification is shown');
  await run.screenshot('problems');

  // Typing the first letters of an element's name on a new line shows a
  // completion list holding it.
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  // Typed, never asked for with Ctrl+Space. On a loaded machine VS Code's
  // quick suggestions now and then miss the first keystrokes (the widget
  // never opens); a person would type the word again, and so does the test,
  // up to three times.
  const suggest = page.locator('.editor-widget.suggest-widget.visible');
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.type('ener', { delay: 80 });
    try {
      await suggest.waitFor({ timeout: 10_000 });
      break;
    } catch (e) {
      if (attempt === 3) {
        throw e;
      }
      log(`no completion list after typing (attempt ${attempt}); typing again`);
      await page.keyboard.press('Escape');
      for (let i = 0; i < 4; i++) {
        await page.keyboard.press('Backspace');
      }
      await sleep(1000);
    }
  }
  await until(
    'energy_manager in the completion list',
    async () => (await suggest.locator('.monaco-list-row').allTextContents()).join(' | '),
    (t) => t.includes('energy_manager'),
    20_000,
  );
  await run.screenshot('completion');
  await page.keyboard.press('Escape');
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press('Backspace');
  }
  log('completion while typing lists energy_manager');

  // Go to definition on a relationship end opens the element.
  const building = path.join(ws, 'building.kozo');
  const relLine = lineOf(building, 'tower.occupancy_sensors -> bms.edge_gw');
  const relText = fs.readFileSync(building, 'utf8').split('\n')[relLine - 1];
  await run.goTo(relLine, relText.indexOf('edge_gw') + 3);
  await page.keyboard.press('F12');
  const declared = lineOf(path.join(ws, 'platform.kozo'), 'component edge_gw');
  await until('platform.kozo to open', () => run.activeTab(), (t) => t === 'platform.kozo');
  await until(`the cursor on line ${declared}`, () => run.cursor(), (c) => c.line === declared);
  await run.screenshot('definition');
  log(`go to definition opened platform.kozo:${declared}`);

  // Go to definition on a built-in relation kind opens the metamodel, read-only.
  await run.openFile('building.kozo');
  await run.goTo(relLine, relText.indexOf(': flows') + 4);
  await page.keyboard.press('F12');
  await until('society5.kozo to open', () => run.activeTab(), (t) => t === 'society5.kozo');
  const society5 = path.resolve(run.args.example, '..', '..', 'engine', 'src', 'builtin', 'society5.kozo');
  const flowsLine = lineOf(society5, 'relation flows "');
  await until(`the cursor on line ${flowsLine}`, () => run.cursor(), (c) => c.line === flowsLine);
  await run.focusEditor();
  await page.keyboard.type('x');
  await page.locator('.monaco-editor-overlaymessage', { hasText: /read-only/ }).first().waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('.editor-group-container.active .tab.active.dirty').count(), 0, 'the built-in metamodel was edited');
  await run.screenshot('builtin-read-only');
  log('go to definition on flows opened the built-in metamodel, read-only');

  // The link of a problem opens its rule's explanation, on the rule.
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+Shift+M');
  const link = page.locator('.markers-panel a', { hasText: 'undefined-reference' }).first();
  await link.waitFor({ timeout: 20_000 });
  await link.click();
  await until('the rule to open', () => run.activeTab(), (t) => t === 'undefined-reference.md');
  // The editor draws spaces as no-break spaces.
  const ruleText = ((await page.locator('.editor-group-container.active .view-lines').first().textContent()) ?? '').replace(/\u00a0/g, ' ');
  assert.match(ruleText, /^\s*## undefined-reference/, 'the rule page starts with the rule');
  await run.screenshot('rule');
  await page.keyboard.press('Control+J');
  log('the link of the problem opened undefined-reference.md');

  // "kozo: Open Preview to the Side" on a view shows its diagram.
  await run.openFile('viewpoints.kozo');
  await run.goTo(lineOf(path.join(ws, 'viewpoints.kozo'), 'view asset_view'), 7);
  await run.command('kozo: Open Preview to the Side');
  let frame = await run.previewFrame();
  const before = await frame.locator('g.kozo-element').count();
  assert.ok(before > 3, `only ${before} nodes in the preview`);
  await run.screenshot('preview');
  log(`the preview shows asset_view with ${before} nodes`);

  // A click on a node moves the cursor to its declaration.
  const ahuLine = lineOf(building, 'device ahu');
  await frame.locator('g.kozo-element[data-kozo-path="tower.ahu"]').first().click();
  await until('building.kozo to open', () => run.activeTab(), (t) => t === 'building.kozo');
  await until(`the cursor on line ${ahuLine}`, () => run.cursor(), (c) => c.line === ahuLine);
  await run.screenshot('click');
  log(`a click on tower.ahu revealed building.kozo:${ahuLine}`);

  // An edit adds a node to the preview.
  const towerLine = lineOf(building, 'facility tower');
  await run.goTo(towerLine, 200);
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('sensor e2e_probe', { delay: 20 });
  await page.keyboard.press('Escape');
  frame = await run.previewFrame();
  // The preview may redraw while the name is half typed: wait for the
  // whole name, then count.
  await until(
    'the new node in the preview',
    async () => frame.locator('g.kozo-element[data-kozo-path="tower.e2e_probe"]').count(),
    (n) => n === 1,
  );
  assert.equal(await frame.locator('g.kozo-element').count(), before + 1);
  await run.screenshot('edit');
  log('an edit added tower.e2e_probe to the preview');
  await page.keyboard.press('Control+S');
  await sleep(1000);

  // After a reload the preview comes back, and no editor group is empty.
  await page.reload();
  await run.workbench();
  frame = await run.previewFrame();
  const after = await frame.locator('g.kozo-element').count();
  assert.equal(after, before + 1, 'the restored preview shows the saved model');
  const groups = page.locator('.editor-group-container');
  const empty = await until(
    'every editor group to hold an editor',
    async () => {
      let n = 0;
      for (let i = 0; i < (await groups.count()); i++) {
        if ((await groups.nth(i).locator('.tab').count()) === 0) {
          n++;
        }
      }
      return n;
    },
    (n) => n === 0,
  );
  assert.equal(empty, 0);
  await run.screenshot('reloaded');
  assert.deepEqual(await run.errorToasts(), [], 'an error notification is shown');
  log('after a reload the preview came back');

  // A language server that dies is restarted, and the user is told once.
  const servers = await until('the language server process', async () => run.languageServers(), (p) => p.length === 1);
  process.kill(servers[0], 'SIGKILL');
  await page.locator('.notification-toast', { hasText: 'stopped unexpectedly' }).first().waitFor({ timeout: 30_000 });
  await until(
    'a new language server process',
    async () => run.languageServers(),
    (p) => p.length === 1 && p[0] !== servers[0],
  );
  await run.screenshot('restarted');
  // The restarted server draws the preview again after an edit.
  await run.openFile('building.kozo');
  await run.goTo(lineOf(building, 'facility tower'), 200);
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('sensor e2e_probe_2', { delay: 20 });
  await page.keyboard.press('Escape');
  frame = await run.previewFrame();
  await until(
    'the preview to draw after the restart',
    async () => frame.locator('g.kozo-element[data-kozo-path="tower.e2e_probe_2"]').count(),
    (n) => n === 1,
  );
  // Told once: no second toast (the first may have timed out by now).
  assert.ok((await page.locator('.notification-toast', { hasText: 'stopped unexpectedly' }).count()) <= 1, 'told more than once');
  await run.screenshot('after-restart');
  log(`a killed language server (pid ${servers[0]}) was restarted, and the user told once`);
}

/** Keeps the newest `keep` run folders. */
function pruneRuns(runs: string, keep: number): void {
  if (!fs.existsSync(runs)) {
    return;
  }
  const old = fs.readdirSync(runs).sort().reverse().slice(keep);
  for (const name of old) {
    fs.rmSync(path.join(runs, name), { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  pruneRuns(args.runs, 4);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = path.join(args.runs, stamp);
  fs.mkdirSync(dir, { recursive: true });
  const run = new Run(args, dir);
  log(`screenshots go to ${run.screenshots}`);
  const started = Date.now();
  let failed: unknown;
  try {
    run.prepare();
    await run.start();
    await scenario(run);
  } catch (e) {
    failed = e;
    await run.screenshot('failure');
  } finally {
    await run.stop();
  }
  log(`scenario took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (!failed) {
    // The installed extension and the editor's state are only needed to
    // investigate a failure.
    for (const name of ['extensions', 'user-data', 'xdg']) {
      fs.rmSync(path.join(dir, name), { recursive: true, force: true });
    }
  }
  if (failed) {
    process.stderr.write(`e2e: FAILED: ${failed instanceof Error ? failed.stack : String(failed)}\n`);
    process.stderr.write(`e2e: screenshots and code-server.log in ${dir}\n`);
    process.exit(1);
  }
}

void main();
