import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GraphDag, GraphGroup } from '../../../protocol/lsp';
import ELK from 'elkjs/lib/elk.bundled.js';
import { fastLayout, layoutGraph, type ElkEngine } from '../../../server/src/graph/layout';
import { renderGraphDocument } from '../../../server/src/graph/svg';
import { buildVisibleGraph, defaultCollapsedGroups } from '../../../server/src/graph/view';
import { group, task } from '../../webview/sampleGraphs';

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1103515245 + 12345) >>> 0;
    return state / 2 ** 32;
  };
}

const NAMES = ['a', 'b', 'g', 'g.a', 'g.h', 'h', '', 'x<y>', 'é', 'g.g', 'a.b.c', '💥'];

/** A DAG as a half-written file might give: unknown parents, group loops, edges to nowhere, odd ids. */
function damagedDag(next: () => number): GraphDag {
  const pick = (): string => NAMES[Math.floor(next() * NAMES.length)];
  const groups: GraphGroup[] = Array.from({ length: Math.floor(next() * 5) }, () => ({ ...group(pick()), parent: next() < 0.5 ? pick() : null }));
  const tasks = Array.from({ length: Math.floor(next() * 12) }, () => task(pick(), pick(), 'operator', { group: next() < 0.6 ? pick() : null, mapped: next() < 0.2 }));
  const edges = Array.from({ length: Math.floor(next() * 20) }, () => ({ from: pick(), to: pick(), label: next() < 0.3 ? pick() : null, kind: 'explicit' as const, inCycle: next() < 0.2 }));
  return { dagId: next() < 0.2 ? null : pick(), range: task('r', 'r', 'operator').range, tasks, edges, groups, dynamic: [] };
}

test('any damaged graph is laid out and drawn without throwing, with unique node ids', () => {
  const next = random(20251126);
  for (let round = 0; round < 2000; round++) {
    const dag = damagedDag(next);
    for (const collapsed of [new Set<string>(), defaultCollapsedGroups(dag), new Set(NAMES)]) {
      const view = buildVisibleGraph(dag, { collapsed, lineage: next() < 0.5 ? 'all' : 'both', selectedTaskId: dag.tasks[0]?.taskId ?? null });
      const ids = view.nodes.map((node) => node.id);
      assert.equal(new Set(ids).size, ids.length, `round ${round}: duplicate node ids ${ids.join(',')}`);
      const layout = fastLayout(view, next() < 0.5 ? 'RIGHT' : 'DOWN');
      assert.ok(Number.isFinite(layout.width) && Number.isFinite(layout.height));
      const svg = renderGraphDocument(view, layout);
      assert.ok(!svg.includes('<y>'), 'ids are escaped');
    }
  }
});

test('ELK lays out damaged graphs too (group loops, self-loops, edges to nowhere)', async () => {
  const elk = new ELK() as unknown as ElkEngine;
  const next = random(7);
  for (let round = 0; round < 150; round++) {
    const dag = damagedDag(next);
    const view = buildVisibleGraph(dag, { collapsed: new Set(), lineage: 'all', selectedTaskId: null });
    const layout = await layoutGraph(view, 'RIGHT', elk);
    for (const node of view.nodes) assert.ok(layout.nodes.has(node.id), `round ${round}: ${node.id} placed (${layout.engine})`);
  }
});

test('a group that is its own ancestor is drawn at the top level', () => {
  const loop: GraphDag = {
    dagId: 'loop', range: task('r', 'r', 'operator').range, dynamic: [], edges: [],
    groups: [{ ...group('g1'), parent: 'g2' }, { ...group('g2'), parent: 'g1' }],
    tasks: [task('g1.t', 'EmptyOperator', 'empty', { group: 'g1' })],
  };
  const view = buildVisibleGraph(loop, { collapsed: new Set(), lineage: 'all', selectedTaskId: null });
  assert.deepEqual(view.nodes.filter((node) => node.kind === 'group').map((node) => node.parent), [null, null]);
});
