import assert from 'node:assert/strict';
import { test } from 'node:test';
import { edgesOnCycles } from '../../../server/src/graph/cycles';

const edges = (pairs: string): Array<{ from: string; to: string }> => pairs.split(' ').map((pair) => {
  const [from, to] = pair.split('>');
  return { from, to };
});

test('no edge of a diamond lies on a cycle', () => {
  assert.deepEqual(edgesOnCycles(edges('a>b a>c b>d c>d')), [false, false, false, false]);
});

test('the edges of a cycle are marked, edges leading in and out are not', () => {
  assert.deepEqual(edgesOnCycles(edges('s>a a>b b>c c>a c>t')), [false, true, true, true, false]);
});

test('a self-loop is a cycle', () => {
  assert.deepEqual(edgesOnCycles(edges('a>a a>b')), [true, false]);
});

test('a 20,000-task chain closed into a ring is handled without deep recursion', () => {
  const pairs = Array.from({ length: 20_000 }, (_, i) => ({ from: `t${i}`, to: `t${(i + 1) % 20_000}` }));
  assert.ok(edgesOnCycles(pairs).every(Boolean));
  assert.ok(edgesOnCycles(pairs.slice(0, -1)).every((onCycle) => !onCycle));
});
