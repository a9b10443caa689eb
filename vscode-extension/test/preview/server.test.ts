// The requests the preview sends, against the real `kozo lsp`: the shapes
// the extension relies on (`kozo/views` {} and `kozo/renderView`
// { viewId, uri }), and that a rendered shape's `data-kozo-source` resolves,
// from the view's file, to its declaration.

import { strict as assert } from 'assert';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

import { charColumnToUtf16, findWorkspaceRoot, parseSource, resolveSourceFile } from '../../src/sourceMap';
import { RenderViewResult, ViewsResult, viewAt } from '../../src/views';

const REPO = path.resolve(__dirname, '..', '..', '..', '..');

function kozoBinary(): string {
  for (const c of [process.env.KOZO_BIN, path.join(REPO, 'target', 'release', 'kozo')]) {
    if (c && fs.existsSync(c)) {
      return c;
    }
  }
  const built = spawnSync('cargo', ['build', '--release', '-p', 'kozo'], { cwd: REPO, stdio: 'inherit' });
  assert.equal(built.status, 0, 'cargo build --release -p kozo failed');
  return path.join(REPO, 'target', 'release', 'kozo');
}

test('kozo/views and kozo/renderView answer what the preview expects', async () => {
  const workspace = path.join(REPO, 'examples', 'smart-building');
  const server = spawn(kozoBinary(), ['lsp'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createMessageConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
  connection.listen();
  try {
    const rootUri = pathToFileURL(workspace).href;
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'smart-building' }],
      capabilities: { general: { positionEncodings: ['utf-16'] } },
    });
    await connection.sendNotification('initialized', {});

    const { views } = await connection.sendRequest<ViewsResult>('kozo/views', {});
    const asset = views.find((v) => v.viewId === 'asset_view');
    assert.ok(asset, `asset_view listed: ${views.map((v) => v.viewId).join(', ')}`);
    const viewFile = fileURLToPath(asset.uri);
    assert.equal(path.basename(viewFile), 'viewpoints.kozo');

    // The cursor inside the declaration finds the view.
    const inside = { line: asset.selectionRange.start.line, character: asset.selectionRange.start.character + 1 };
    assert.equal(viewAt(views, asset.uri, inside)?.viewId, 'asset_view');

    const rendered = await connection.sendRequest<RenderViewResult>('kozo/renderView', {
      viewId: asset.viewId,
      uri: asset.uri,
    });
    assert.equal(rendered.viewId, 'asset_view');
    assert.match(rendered.svg, /data-kozo-view="asset_view"/);

    // Every element's source resolves from the view's workspace root to a
    // line where its name stands at the column.
    const root = findWorkspaceRoot(viewFile, (f) => fs.existsSync(f));
    assert.equal(root, workspace);
    const shapes = [...rendered.svg.matchAll(/data-kozo-path="([^"]+)" data-kozo-kind="[^"]*" data-kozo-source="([^"]+)"/g)];
    assert.ok(shapes.length > 3);
    for (const [, modelPath, source] of shapes) {
      const ref = parseSource(source);
      assert.ok(ref, source);
      const file = resolveSourceFile(root, ref);
      assert.ok(file && fs.existsSync(file), source);
      const line = fs.readFileSync(file, 'utf8').split('\n')[ref.line - 1];
      const name = modelPath.split('.').pop() ?? modelPath;
      assert.ok(line.slice(charColumnToUtf16(line, ref.column)).startsWith(name), `${modelPath} at ${source}: ${line}`);
    }

    await connection.sendRequest('shutdown');
    await connection.sendNotification('exit');
  } finally {
    connection.dispose();
    server.kill();
  }
});
