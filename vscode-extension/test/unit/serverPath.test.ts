import { strict as assert } from 'assert';
import { test } from 'node:test';

import { checkVersionProbe, ServerPathEnv, resolveServerPath } from '../../src/serverPath';

function env(files: string[], over: Partial<ServerPathEnv> = {}): ServerPathEnv {
  const set = new Set(files);
  return {
    configured: undefined,
    extensionPath: '/ext',
    platform: 'linux',
    pathEnv: '/usr/local/bin:/usr/bin',
    homeDir: '/home/me',
    workspaceFolder: '/ws',
    isExecutable: (f) => set.has(f),
    ...over,
  };
}

test('the setting wins over the bundled binary and PATH', () => {
  const r = resolveServerPath(env(['/opt/kozo', '/ext/server/kozo', '/usr/bin/kozo'], { configured: '/opt/kozo' }));
  assert.deepEqual(r, { ok: true, path: '/opt/kozo', source: 'setting' });
});

test('a setting with ~ or a relative path is expanded', () => {
  assert.deepEqual(resolveServerPath(env(['/home/me/bin/kozo'], { configured: '~/bin/kozo' })), {
    ok: true,
    path: '/home/me/bin/kozo',
    source: 'setting',
  });
  assert.deepEqual(resolveServerPath(env(['/ws/target/release/kozo'], { configured: 'target/release/kozo' })), {
    ok: true,
    path: '/ws/target/release/kozo',
    source: 'setting',
  });
});

test('a setting naming no executable is an error naming the setting, with no silent fallback', () => {
  const r = resolveServerPath(env(['/usr/bin/kozo'], { configured: '/nowhere/kozo' }));
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.match(r.message, /kozo\.server\.path/);
    assert.match(r.message, /\/nowhere\/kozo/);
    assert.match(r.message, /Restart server/);
  }
});

test('an empty setting is ignored; the bundled binary comes before PATH', () => {
  const r = resolveServerPath(env(['/ext/server/kozo', '/usr/bin/kozo'], { configured: '  ' }));
  assert.deepEqual(r, { ok: true, path: '/ext/server/kozo', source: 'bundled' });
});

test('PATH is searched in order, skipping relative entries', () => {
  const r = resolveServerPath(env(['/usr/bin/kozo', 'bin/kozo'], { pathEnv: 'bin::/usr/local/bin:/usr/bin' }));
  assert.deepEqual(r, { ok: true, path: '/usr/bin/kozo', source: 'path' });
});

test('nothing found: the message says how to fix it', () => {
  const r = resolveServerPath(env([]));
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.match(r.message, /not found/);
    assert.match(r.message, /cargo install/);
    assert.match(r.message, /kozo\.server\.path/);
  }
});

test('Windows: PATHEXT names and ; separators', () => {
  const r = resolveServerPath(
    env(['C:\\tools\\kozo.EXE'.replace('.EXE', '.exe')], {
      platform: 'win32',
      extensionPath: 'C:\\ext',
      pathEnv: 'C:\\Windows;C:\\tools',
      pathExt: '.COM;.EXE',
    }),
  );
  assert.deepEqual(r, { ok: true, path: 'C:\\tools\\kozo.exe', source: 'path' });
  const bundled = resolveServerPath(
    env(['C:\\ext\\server\\kozo.exe'], { platform: 'win32', extensionPath: 'C:\\ext', pathEnv: '', pathExt: '.EXE' }),
  );
  assert.deepEqual(bundled, { ok: true, path: 'C:\\ext\\server\\kozo.exe', source: 'bundled' });
});

test('a binary that is not kozo is told apart from kozo', () => {
  assert.equal(checkVersionProbe('/usr/bin/kozo', 'path', { status: 0, stdout: 'kozo 0.1.0\n' }), undefined);
  const notKozo = checkVersionProbe('/bin/echo', 'setting', { status: 0, stdout: '--version\n' });
  assert.match(notKozo ?? '', /\/bin\/echo is not a kozo binary/);
  assert.match(notKozo ?? '', /kozo\.server\.path/);
  const failed = checkVersionProbe('/opt/kozo', 'bundled', { status: 2, stdout: '' });
  assert.match(failed ?? '', /printed nothing and exited with status 2/);
  const hung = checkVersionProbe('/opt/kozo', 'path', { status: null, stdout: '' });
  assert.match(hung ?? '', /did not finish/);
  const missing = checkVersionProbe('/opt/kozo', 'setting', { status: null, stdout: '', error: 'ENOENT' });
  assert.match(missing ?? '', /cannot run \/opt\/kozo: ENOENT/);
});
