import ELK from 'elkjs/lib/elk.bundled.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fastLayout, layoutGraph, type ElkEngine, type GraphLayout, type PositionedNode } from '../../../server/src/graph/layout';
import { buildVisibleGraph, defaultCollapsedGroups, type VisibleGraph } from '../../../server/src/graph/view';
import { generatedDag, groupedDag, smallDag } from '../../webview/sampleGraphs';
import type { GraphDag } from '../../../protocol/lsp';

const elk = new ELK() as unknown as ElkEngine;

function overlap(a: PositionedNode, b: PositionedNode): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** Nodes that share a parent must not overlap; a node must lie inside its expanded group's frame. */
function assertNoOverlaps(view: VisibleGraph, layout: GraphLayout): void {
  const byParent = new Map<string | null, PositionedNode[]>();
  for (const node of view.nodes) {
    const box = layout.nodes.get(node.id);
    assert.ok(box, `node ${node.id} was laid out`);
    byParent.set(node.parent, [...(byParent.get(node.parent) ?? []), box]);
    if (node.parent !== null) {
      const frame = layout.nodes.get(node.parent)!;
      assert.ok(box.x >= frame.x && box.y >= frame.y && box.x + box.width <= frame.x + frame.width + 0.5 && box.y + box.height <= frame.y + frame.height + 0.5, `${node.id} lies inside ${node.parent}`);
    }
  }
  for (const siblings of byParent.values()) {
    for (let i = 0; i < siblings.length; i++) {
      for (let j = i + 1; j < siblings.length; j++) assert.ok(!overlap(siblings[i], siblings[j]), `${siblings[i].id} overlaps ${siblings[j].id}`);
    }
  }
}

const view = (dag: GraphDag, collapsed = new Set<string>()): VisibleGraph => buildVisibleGraph(dag, { collapsed, lineage: 'all', selectedTaskId: null });

test('ELK lays out every node and edge without overlaps, nested groups included', async () => {
  for (const dag of [smallDag(), groupedDag()]) {
    for (const direction of ['RIGHT', 'DOWN'] as const) {
      const visible = view(dag);
      const layout = await layoutGraph(visible, direction, elk);
      assert.equal(layout.engine, 'elk');
      assert.equal(layout.nodes.size, visible.nodes.length);
      assertNoOverlaps(visible, layout);
      for (const edge of visible.edges) assert.ok((layout.edges.get(edge.id)?.points.length ?? 0) >= 2, `edge ${edge.id} is routed`);
    }
  }
});

test('the drawing starts at the origin and its size covers every node', async () => {
  const visible = view(groupedDag());
  const layout = await layoutGraph(visible, 'RIGHT', elk);
  const boxes = [...layout.nodes.values()];
  assert.equal(Math.min(...boxes.map((box) => box.x)), 0);
  assert.ok(boxes.every((box) => box.x + box.width <= layout.width + 0.01 && box.y + box.height <= layout.height + 0.01));
});

test('left-to-right flows along x, top-to-bottom along y', async () => {
  const dag = smallDag();
  const right = await layoutGraph(view(dag), 'RIGHT', elk);
  const down = await layoutGraph(view(dag), 'DOWN', elk);
  assert.ok(right.nodes.get('t:notify')!.x > right.nodes.get('t:create_cluster')!.x);
  assert.ok(down.nodes.get('t:notify')!.y > down.nodes.get('t:create_cluster')!.y);
});

test('the same graph gives the same positions: an edit that keeps the shape moves nothing', async () => {
  const first = await layoutGraph(view(groupedDag()), 'RIGHT', elk);
  const changed = groupedDag();
  changed.tasks[1].details.retries = '9';
  changed.tasks[1].diagnostics = [{ ruleId: 'x', severity: 'error', message: 'y' }];
  const second = await layoutGraph(view(changed), 'RIGHT', elk);
  for (const [id, box] of first.nodes) assert.deepEqual(second.nodes.get(id), box);
});

test('a failing ELK falls back to the fast layout', async () => {
  const broken: ElkEngine = { layout: () => Promise.reject(new Error('worker died')) };
  const visible = view(smallDag());
  const layout = await layoutGraph(visible, 'RIGHT', broken);
  assert.equal(layout.engine, 'fast');
  assertNoOverlaps(visible, layout);
});

test('the fast layout handles 10,000 tasks with cycles, without overlaps', () => {
  const dag = generatedDag(10_000);
  dag.edges.push({ from: dag.tasks[500].taskId, to: dag.tasks[20].taskId, label: null, kind: 'explicit', inCycle: true });
  const visible = view(dag);
  const layout = fastLayout(visible, 'RIGHT');
  assert.equal(layout.nodes.size, 10_000);
  assertNoOverlaps({ ...visible, nodes: visible.nodes.slice(0, 2000) }, layout);
});

test('collapsed groups of a large DAG lay out with ELK', async () => {
  const dag = generatedDag(1000, 10);
  const visible = view(dag, defaultCollapsedGroups(dag));
  const layout = await layoutGraph(visible, 'RIGHT', elk);
  assert.equal(layout.engine, 'elk');
  assertNoOverlaps(visible, layout);
});
