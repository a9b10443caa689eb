import { strict as assert } from 'assert';
import { test } from 'node:test';

import { countKozoDiagnostics, statusText } from '../../src/diagnosticCounts';
import { describeUnknownMessage, parseFromWebview, parseSavedPreview } from '../../src/messages';
import { contentSecurityPolicy, makeNonce, renderPreviewHtml } from '../../src/previewHtml';
import { renderFailureMessage, ViewItem, viewAt } from '../../src/views';

test('well-formed webview messages are accepted', () => {
  assert.deepEqual(parseFromWebview({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(
    parseFromWebview({ type: 'reveal', path: 'bms.edge_gw', source: 'platform.kozo:18:13', what: 'element', extra: 1 }),
    { type: 'reveal', path: 'bms.edge_gw', source: 'platform.kozo:18:13', what: 'element' },
  );
  assert.deepEqual(parseFromWebview({ type: 'reveal', path: 'a->b:flows', what: 'relationship' }), {
    type: 'reveal',
    path: 'a->b:flows',
    what: 'relationship',
  });
});

test('malformed or unknown webview messages are dropped', () => {
  for (const bad of [
    null,
    undefined,
    'reveal',
    42,
    {},
    { type: 'eval', code: 'x' },
    { type: 'reveal' },
    { type: 'reveal', path: '', what: 'element' },
    { type: 'reveal', path: 'a', what: 'other' },
    { type: 'reveal', path: 'a', what: 'element', source: 7 },
    { type: 'reveal', path: 'x'.repeat(5000), what: 'element' },
    { type: 'reveal', path: { toString: () => 'a' }, what: 'element' },
  ]) {
    assert.equal(parseFromWebview(bad), undefined, JSON.stringify(bad));
  }
});

test('the preview page gets a strict CSP with a nonce and escaped values', () => {
  const nonce = makeNonce();
  assert.match(nonce, /^[A-Za-z0-9]{16,}$/);
  const csp = contentSecurityPolicy('https://res.test', nonce);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, new RegExp(`script-src 'nonce-${nonce}' https://res.test`));
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  const html = renderPreviewHtml('<meta content="{{csp}}"><script nonce="{{nonce}}" src="{{scriptUri}}"></script>{{styleUri}}', {
    cspSource: 'https://res.test',
    nonce: 'abc',
    scriptUri: 'https://res.test/p.js?a="><script>',
    styleUri: 's.css',
  });
  assert.ok(html.includes('src="https://res.test/p.js?a=&quot;&gt;&lt;script&gt;"'));
  assert.ok(html.includes('nonce="abc"'));
  assert.ok(!html.includes('{{'));
});

const view = (viewId: string, uri: string, l1: number, l2: number): ViewItem => ({
  viewId,
  label: null,
  viewpoint: null,
  uri,
  range: { start: { line: l1, character: 0 }, end: { line: l2, character: 1 } },
  selectionRange: { start: { line: l1, character: 5 }, end: { line: l1, character: 9 } },
  elements: 1,
});

test('the view under the cursor is found by its declaration range', () => {
  const views = [view('a', 'file:///w/v.kozo', 2, 5), view('b', 'file:///w/v.kozo', 7, 9), view('c', 'file:///w/o.kozo', 0, 20)];
  assert.equal(viewAt(views, 'file:///w/v.kozo', { line: 3, character: 4 })?.viewId, 'a');
  assert.equal(viewAt(views, 'file:///w/v.kozo', { line: 9, character: 1 })?.viewId, 'b');
  assert.equal(viewAt(views, 'file:///w/v.kozo', { line: 9, character: 2 }), undefined);
  assert.equal(viewAt(views, 'file:///w/v.kozo', { line: 6, character: 0 }), undefined);
  assert.equal(viewAt(views, 'file:///w/o.kozo', { line: 6, character: 0 })?.viewId, 'c');
});

test('the status bar counts kozo errors and warnings only', () => {
  const counts = countKozoDiagnostics([
    ['/w/a.kozo', [{ severity: 0 }, { severity: 1 }, { severity: 1 }, { severity: 2 }]],
    ['/w/kozo.toml', [{ severity: 0 }]],
    ['/w/b.ts', [{ severity: 0, source: 'ts' }, { severity: 1, source: 'kozo' }]],
  ]);
  assert.deepEqual(counts, { errors: 2, warnings: 3 });
  assert.equal(statusText(counts), 'kozo $(error) 2 $(warning) 3');
});

test('a saved preview is restored only when well formed', () => {
  assert.deepEqual(parseSavedPreview({ viewId: 'asset_view', uri: 'file:///w/v.kozo', extra: 1 }), {
    viewId: 'asset_view',
    uri: 'file:///w/v.kozo',
  });
  assert.equal(parseSavedPreview({ viewId: 'asset_view' }), undefined);
  assert.equal(parseSavedPreview({ viewId: 7, uri: 'file:///w/v.kozo' }), undefined);
  assert.equal(parseSavedPreview({ viewId: 'v', uri: 'x'.repeat(5000) }), undefined);
  assert.equal(parseSavedPreview(undefined), undefined);
  assert.equal(parseSavedPreview('asset_view'), undefined);
});

test('an unknown message is described briefly for the log', () => {
  assert.equal(describeUnknownMessage({ type: 'evil' }), '{"type":"evil"}');
  assert.equal(describeUnknownMessage(undefined), 'undefined');
  assert.ok(describeUnknownMessage({ t: 'x'.repeat(500) }).length <= 121);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.equal(describeUnknownMessage(cyclic), '[object Object]');
});

test('a preview of a view that no longer exists says so', () => {
  const views = [view('a', 'file:///w/v.kozo', 2, 5)];
  assert.match(renderFailureMessage('gone', views, 'no view named gone'), /The view gone no longer exists/);
  assert.match(renderFailureMessage('gone', [], 'x'), /Open Preview to the Side/);
  assert.equal(renderFailureMessage('a', views, 'the server stopped'), 'Cannot draw a: the server stopped');
});
