import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ElkEngine, ElkGraphNode } from '../../../server/src/graph/layout';
import { buildVisibleGraph } from '../../../server/src/graph/view';
import { LayoutScheduler } from '../../../webview/src/layoutScheduler';
import { smallDag } from '../../webview/sampleGraphs';

/** An ELK stand-in whose layouts finish only when the test says so, recording what it was asked. */
function controllableElk(): { elk: ElkEngine; started: ElkGraphNode[]; finishNext(): void } {
  const started: ElkGraphNode[] = [];
  const waiting: Array<() => void> = [];
  return {
    started,
    elk: {
      layout: (graph) => {
        started.push(graph);
        return new Promise((resolve) => waiting.push(() => resolve({ ...graph, children: graph.children?.map((child, i) => ({ ...child, x: i * 200, y: 0 })) })));
      },
    },
    finishNext: () => waiting.shift()?.(),
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

test('the latest request wins: superseded requests resolve to null and queued ones never run', async () => {
  const { elk, started, finishNext } = controllableElk();
  const scheduler = new LayoutScheduler(elk);
  const view = buildVisibleGraph(smallDag(), { collapsed: new Set(), lineage: 'all', selectedTaskId: null });
  const first = scheduler.request({ view, direction: 'RIGHT' });
  const second = scheduler.request({ view, direction: 'DOWN' });
  const third = scheduler.request({ view, direction: 'RIGHT' });
  await tick();
  assert.equal(started.length, 1, 'one layout at a time');
  finishNext();
  assert.equal(await first, null, 'the first answer arrived after newer requests');
  assert.equal(await second, null, 'the second was replaced before it started');
  await tick();
  assert.equal(started.length, 2, 'only the newest queued request ran next');
  finishNext();
  const layout = await third;
  assert.ok(layout);
  assert.equal(layout.nodes.size, view.nodes.length);
});

test('without ELK the scheduler uses the fast layout', async () => {
  const scheduler = new LayoutScheduler(null);
  const view = buildVisibleGraph(smallDag(), { collapsed: new Set(), lineage: 'all', selectedTaskId: null });
  const layout = await scheduler.request({ view, direction: 'RIGHT' });
  assert.equal(layout?.engine, 'fast');
});
