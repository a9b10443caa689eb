import { strict as assert } from 'assert';
import * as path from 'path';
import { test } from 'node:test';

import { charColumnToUtf16, findWorkspaceRoot, parseSource, resolveSourceFile } from '../../src/sourceMap';

test('data-kozo-source values parse as file, line and column', () => {
  assert.deepEqual(parseSource('platform.kozo:5:8'), { file: 'platform.kozo', line: 5, column: 8 });
  assert.deepEqual(parseSource('sub/dir/a b.kozo:12:1'), { file: 'sub/dir/a b.kozo', line: 12, column: 1 });
  assert.deepEqual(parseSource('c:/odd:name.kozo:3:4'), { file: 'c:/odd:name.kozo', line: 3, column: 4 });
  for (const bad of ['', 'platform.kozo', 'platform.kozo:5', 'x.kozo:0:1', 'x.kozo:1:0', 'x.kozo:a:1', ':1:1']) {
    assert.equal(parseSource(bad), undefined, bad);
  }
});

test('character columns become UTF-16 offsets', () => {
  assert.equal(charColumnToUtf16('system bms', 8), 7);
  assert.equal(charColumnToUtf16('  建物 x', 6), 5); // BMP: one unit each
  // 𝒳 is outside the BMP: one character, two UTF-16 units.
  assert.equal(charColumnToUtf16('𝒳𝒳 name', 4), 5);
  assert.equal(charColumnToUtf16('abc', 1), 0);
  assert.equal(charColumnToUtf16('abc', 99), 3); // clamped to the end
});

test('the workspace root is the nearest folder with kozo.toml, else the file folder', () => {
  const root = path.resolve('/ws/model');
  const exists = (f: string) => f === path.join(root, 'kozo.toml');
  assert.equal(findWorkspaceRoot(path.join(root, 'a', 'b', 'x.kozo'), exists), root);
  assert.equal(findWorkspaceRoot(path.join(root, 'x.kozo'), exists), root);
  const lonely = path.resolve('/elsewhere/y.kozo');
  assert.equal(findWorkspaceRoot(lonely, exists), path.dirname(lonely));
});

test('source files resolve inside the root only', () => {
  const root = path.resolve('/ws');
  assert.equal(resolveSourceFile(root, { file: 'sub/platform.kozo', line: 1, column: 1 }), path.join(root, 'sub', 'platform.kozo'));
  assert.equal(resolveSourceFile(root, { file: '../etc/passwd', line: 1, column: 1 }), undefined);
  assert.equal(resolveSourceFile(root, { file: '/etc/passwd', line: 1, column: 1 }), undefined);
});
