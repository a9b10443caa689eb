import { strict as assert } from 'assert';
import { test } from 'node:test';

import { RestartPolicy } from '../../src/restart';

test('crashes restart with a growing delay, told once, then give up', () => {
  const p = new RestartPolicy([100, 200, 400], 10_000);
  p.started(0);
  const first = p.crashed(50);
  assert.equal(first.restart, true);
  assert.equal(first.delayMs, 100);
  assert.match(first.message ?? '', /stopped unexpectedly/);
  p.started(150);
  const second = p.crashed(160);
  assert.deepEqual(second, { restart: true, delayMs: 200, message: undefined });
  p.started(400);
  assert.equal(p.crashed(410).delayMs, 400);
  p.started(900);
  const last = p.crashed(910);
  assert.equal(last.restart, false);
  assert.match(last.message ?? '', /4 times in a row/);
});

test('a server that ran for a while starts a new run, without a second message', () => {
  const p = new RestartPolicy([100, 200], 1000);
  p.started(0);
  p.crashed(10);
  p.started(110);
  assert.equal(p.crashed(120).delayMs, 200);
  p.started(320);
  const later = p.crashed(5000);
  assert.equal(later.restart, true);
  assert.equal(later.delayMs, 100);
  assert.equal(later.message, undefined);
});

test('a restart by the user resets the run and the message', () => {
  const p = new RestartPolicy([100], 1000);
  p.started(0);
  p.crashed(1);
  assert.equal(p.crashed(2).restart, false);
  p.reset();
  p.started(3);
  const again = p.crashed(4);
  assert.equal(again.restart, true);
  assert.match(again.message ?? '', /stopped unexpectedly/);
});
