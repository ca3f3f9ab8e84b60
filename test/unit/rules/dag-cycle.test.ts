import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EdgeModel } from '../../../server/src/analyzer/model';
import { findCycles } from '../../../server/src/rules/dag-cycle';
import { range } from './model-helpers';

/** Edges from `"a>b"` strings, each declared on its own line in the given order. */
function edges(...pairs: string[]): EdgeModel[] {
  return pairs.map((pair, line) => {
    const [from, to] = pair.split('>') as [string, string];
    return { from, to, label: null, range: range(line, 0, 5), kind: 'explicit' };
  });
}

test('names the cycle from the edge declared last', () => {
  const cycles = findCycles({ edges: edges('extract>transform', 'transform>load', 'load>extract') });
  assert.equal(cycles.length, 1);
  assert.deepEqual(cycles[0]!.path, ['extract', 'transform', 'load', 'extract']);
  assert.deepEqual(cycles[0]!.edges.map((edge) => edge.range.start.line), [0, 1, 2]);
});

test('one cycle per strongly connected component, self-loops included, acyclic parts ignored', () => {
  const cycles = findCycles({ edges: edges('a>b', 'b>a', 'b>c', 'c>d', 'd>c', 'e>e', 'x>y', 'y>z', 'x>z') });
  assert.deepEqual(cycles.map((cycle) => cycle.path.join(' ')).sort(), ['a b a', 'c d c', 'e e']);
});

test('a self-loop inside a larger component does not hide the larger cycle', () => {
  const cycles = findCycles({ edges: edges('a>b', 'b>a', 'a>a') });
  assert.equal(cycles.length, 1);
  assert.deepEqual(cycles[0]!.path, ['a', 'b', 'a']);
});

test('deep chains do not overflow the stack', () => {
  const count = 50_000;
  const long = Array.from({ length: count }, (_, index) => `t${index}>t${index + 1}`);
  assert.equal(findCycles({ edges: edges(...long) }).length, 0);
  const cycles = findCycles({ edges: edges(...long, `t${count}>t0`) });
  assert.equal(cycles.length, 1);
  assert.equal(cycles[0]!.members.length, count + 1);
});
