// Graph panel speed: layout time (ELK in-process, as the worker runs it, and the fast fallback) and
// time to first paint in headless Chromium for generated DAGs of 50, 200, 1,000 and 3,000 tasks,
// flat and spread over 10 TaskGroups. Targets: first paint ≤ 300 ms at 200 tasks, ≤ 1.5 s at 1,000.
import ELK from 'elkjs/lib/elk.bundled.js';
import * as os from 'node:os';
import { fastLayout, layoutGraph, type ElkEngine } from '../server/src/graph/layout';
import { buildVisibleGraph, defaultCollapsedGroups } from '../server/src/graph/view';
import { generatedDag, snapshotOf } from '../test/webview/sampleGraphs';
import { chromiumAvailable, openPanel, postAndTimePaint, startHost } from '../test/webview/standInHost';
import { formatMs, median, printTable } from './support/report';

const CASES: Array<{ tasks: number; groups: number }> = [
  { tasks: 50, groups: 0 },
  { tasks: 200, groups: 0 },
  { tasks: 1000, groups: 0 },
  { tasks: 3000, groups: 0 },
  { tasks: 50, groups: 10 },
  { tasks: 200, groups: 10 },
  { tasks: 1000, groups: 10 },
  { tasks: 3000, groups: 10 },
];
const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);

const label = ({ tasks, groups }: { tasks: number; groups: number }): string => `${tasks} tasks${groups ? `, ${groups} groups` : ''}`;

async function layoutTimes(): Promise<void> {
  const elk = new ELK() as unknown as ElkEngine;
  const rows: string[][] = [];
  for (const testCase of CASES) {
    const dag = generatedDag(testCase.tasks, testCase.groups);
    const collapsed = defaultCollapsedGroups(dag);
    const view = buildVisibleGraph(dag, { collapsed, lineage: 'all', selectedTaskId: null });
    const elkTimes: number[] = [];
    const fastTimes: number[] = [];
    let engine = '';
    // One unmeasured round warms up the JIT, as the panel's worker is warmed when it starts.
    for (let run = -1; run < RUNS; run++) {
      const start = performance.now();
      const layout = await layoutGraph(view, 'RIGHT', elk);
      const laidOut = performance.now();
      fastLayout(view, 'RIGHT');
      const fast = performance.now();
      engine = layout.engine;
      if (run < 0) continue;
      elkTimes.push(laidOut - start);
      fastTimes.push(fast - laidOut);
    }
    rows.push([label(testCase), String(view.nodes.length), `${collapsed.size}`, engine, formatMs(median(elkTimes)), formatMs(median(fastTimes))]);
  }
  printTable('Graph layout (median, in-process)', ['DAG', 'visible nodes', 'collapsed groups', 'engine', 'layout', 'fast layout'], rows);
}

async function paintTimes(): Promise<void> {
  if (!chromiumAvailable()) {
    console.log('\nTime to first paint: skipped (Chromium is not installed).');
    return;
  }
  const host = await startHost();
  const rows: string[][] = [];
  try {
    for (const testCase of CASES) {
      const firstPaints: number[] = [];
      const finalPaints: number[] = [];
      for (let run = 0; run < Math.max(1, Math.min(RUNS, testCase.tasks >= 3000 ? 1 : RUNS)); run++) {
        const page = await openPanel(host);
        // The panel opens and starts its worker while the extension fetches the graph from the server.
        await page.waitForTimeout(300);
        const message = { type: 'graph/didChange' as const, snapshot: snapshotOf([generatedDag(testCase.tasks, testCase.groups)]), fileName: 'dag.py', dagId: null, locked: false };
        const { first, final } = await postAndTimePaint(page, message, 1);
        firstPaints.push(first);
        finalPaints.push(final);
        await page.close();
      }
      rows.push([label(testCase), formatMs(median(firstPaints)), formatMs(median(finalPaints))]);
    }
  } finally {
    await host.close();
  }
  printTable('Graph panel in Chromium: from receiving the graph to the painted frame (median; a fast layout paints first when ELK needs longer)', ['DAG', 'first paint', 'final layout painted'], rows);
  console.log(`Targets: first paint ≤ 300 ms at 200 tasks, ≤ 1.5 s at 1,000 tasks. Machine: ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}.`);
}

async function main(): Promise<void> {
  await layoutTimes();
  await paintTimes();
}

void main();
