/**
 * The graph panel in headless Chromium, against the built bundle (`dist/webview/`) in a stand-in host
 * that serves the extension's own HTML and CSP and fakes `acquireVsCodeApi`.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { GraphDag } from '../../protocol/lsp';
import { GraphDidChange, SelectionDidChange, type GraphDidChangeMessage } from '../../protocol/webview';
import { generatedDag, groupedDag, smallDag, snapshotOf, task } from './sampleGraphs';
import { chromiumAvailable, openPanel, post, posted, startHost, waitForVersion, type StandInHost } from './standInHost';
import type { ThemeName } from './themes';

const skip = chromiumAvailable() ? false : 'Chromium is not installed (apt-get install chromium)';

function graphMessage(dag: GraphDag, version = 1, parseOk = true): GraphDidChangeMessage {
  return { type: GraphDidChange, snapshot: snapshotOf([dag], version, parseOk), fileName: 'dags/example.py', dagId: null, locked: false };
}

async function dataset(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => ({ ...document.querySelector<HTMLElement>('.canvas')!.dataset }) as Record<string, string>);
}

async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
}

async function showGraph(host: StandInHost, dag: GraphDag, theme: ThemeName = 'light', size?: { width: number; height: number }): Promise<Page> {
  const page = await openPanel(host, { theme, ...size });
  await post(page, graphMessage(dag));
  await waitForVersion(page, 1, 'elk');
  return page;
}

describe('graph panel', { skip }, () => {
  let host: StandInHost;
  before(async () => {
    host = await startHost();
  });
  after(async () => {
    await host?.close();
  });

  test('node and edge counts match the snapshot', async () => {
    const page = await showGraph(host, smallDag());
    assert.equal(await page.locator('[data-node^="t:"]').count(), 10);
    assert.equal(await page.locator('[data-edge]').count(), 10);
    await page.close();

    const grouped = groupedDag();
    const groupedPage = await showGraph(host, grouped);
    assert.equal(await groupedPage.locator('[data-node^="t:"]').count(), grouped.tasks.length);
    assert.equal(await groupedPage.locator('[data-node^="g:"]').count(), grouped.groups.length);
    assert.equal(await groupedPage.locator('[data-edge]').count(), grouped.edges.length);
    assert.deepEqual(await cspViolations(groupedPage), []);
    await groupedPage.close();
  });

  test('no two nodes overlap on screen', async () => {
    const page = await showGraph(host, groupedDag());
    const boxes = await page.$$eval('[data-node^="t:"] .node-box', (elements) =>
      elements.map((element) => {
        const rect = element.getBoundingClientRect();
        return { id: element.parentElement!.getAttribute('data-node'), x: rect.x, y: rect.y, width: rect.width, height: rect.height };
      }),
    );
    assert.equal(boxes.length, 13);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        const overlaps = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
        assert.ok(!overlaps, `${a.id} overlaps ${b.id}`);
      }
    }
    await page.close();
  });

  test('groups collapse and expand, and the choice is saved with setState', async () => {
    const page = await showGraph(host, groupedDag());
    await page.click('[data-node="g:us"] [data-toggle]');
    await page.waitForSelector('[data-node="g:us"].collapsed');
    assert.equal(await page.locator('[data-node^="t:us."]').count(), 0);
    assert.equal(await page.locator('[data-node="g:us.quality"]').count(), 0);
    const saved = await page.evaluate(() => JSON.parse(sessionStorage.getItem('panelState') ?? 'null'));
    assert.deepEqual(saved.collapsed.at(-1)[1], ['us']);
    await page.click('[data-node="g:us"]');
    await page.waitForSelector('[data-node="g:us"].expanded');
    assert.equal(await page.locator('[data-node^="t:us."]').count(), 5);
    await page.close();
  });

  test('a click on a task posts task/reveal and highlights its lineage', async () => {
    const page = await showGraph(host, smallDag());
    await page.click('[data-node="t:load_warehouse"]');
    await page.waitForSelector('[data-node="t:load_warehouse"].selected');
    const reveal = (await posted(page)).find((message) => message.type === 'task/reveal');
    assert.deepEqual(reveal, { type: 'task/reveal', taskId: 'load_warehouse', dagId: 'daily_orders', preserveFocus: false });
    assert.equal(await page.locator('[data-node="t:create_cluster"].active').count(), 1, 'upstream is highlighted');
    assert.equal(await page.locator('[data-node="t:delete_cluster"].active').count(), 1, 'downstream is highlighted');
    assert.equal(await page.locator('[data-node="t:skip_load"].active').count(), 0, 'a parallel branch is not');
    await page.close();
  });

  test('an update preserves the viewport, whether or not the shape changes', async () => {
    const page = await showGraph(host, smallDag());
    await page.click('button[data-action="zoom-in"]');
    const canvas = (await page.locator('.canvas').boundingBox())!;
    await page.mouse.move(canvas.x + 60, canvas.y + 60);
    await page.mouse.down();
    await page.mouse.move(canvas.x + 160, canvas.y + 110, { steps: 5 });
    await page.mouse.up();
    const before = (await dataset(page)).viewport;
    const sameShape = smallDag();
    sameShape.tasks[0].details.retries = '7';
    await post(page, graphMessage(sameShape, 2));
    await waitForVersion(page, 2);
    assert.equal((await dataset(page)).viewport, before);
    const newShape = smallDag();
    newShape.tasks.push(task('archive', 'S3CopyObjectOperator', 'operator'));
    newShape.edges.push({ from: 'notify', to: 'archive', label: null, kind: 'explicit', inCycle: false });
    await post(page, graphMessage(newShape, 3));
    await waitForVersion(page, 3, 'elk');
    assert.equal((await dataset(page)).viewport, before);
    assert.equal(await page.locator('[data-node="t:archive"]').count(), 1);
    await page.close();
  });

  test('an older version arriving late is ignored', async () => {
    const page = await showGraph(host, smallDag());
    const newer = smallDag();
    newer.tasks.push(task('archive', 'S3CopyObjectOperator', 'operator'));
    await post(page, graphMessage(newer, 5));
    await waitForVersion(page, 5, 'elk');
    await post(page, graphMessage(smallDag(), 4));
    await page.waitForTimeout(300);
    assert.equal((await dataset(page)).version, '5');
    await page.close();
  });

  test('while the file has a syntax error the last good graph stays, with a banner', async () => {
    const page = await showGraph(host, smallDag());
    const broken = smallDag();
    broken.tasks = broken.tasks.slice(0, 2);
    await post(page, graphMessage(broken, 2, false));
    await page.waitForSelector('.banner.visible.error');
    assert.equal(await page.locator('[data-node^="t:"]').count(), 10);
    await post(page, graphMessage(smallDag(), 3));
    await waitForVersion(page, 3);
    assert.equal(await page.locator('.banner.visible').count(), 0);
    await page.close();
  });

  test('the editor cursor on a task selects its node without echoing a reveal', async () => {
    const page = await showGraph(host, smallDag());
    await post(page, { type: SelectionDidChange, taskId: 'notify' });
    await page.waitForSelector('[data-node="t:notify"].selected');
    assert.ok(!(await posted(page)).some((message) => message.type === 'task/reveal'));
    await page.close();
  });

  test('arrow keys move along edges and Enter reveals', async () => {
    const page = await showGraph(host, smallDag());
    await page.click('[data-node="t:check_volume"]');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.querySelector('[data-node].selected')?.getAttribute('data-node') !== 't:check_volume');
    const selected = await page.getAttribute('[data-node].selected', 'data-node');
    assert.ok(selected === 't:transform_partition' || selected === 't:skip_load', `moved downstream, got ${selected}`);
    await page.keyboard.press('ArrowLeft');
    await page.waitForSelector('[data-node="t:check_volume"].selected');
    await page.keyboard.press('Enter');
    const reveals = (await posted(page)).filter((message) => message.type === 'task/reveal');
    assert.equal(reveals.at(-1)?.taskId, 'check_volume');
    assert.equal(reveals.at(-1)?.preserveFocus, false);
    await page.close();
  });

  test('search highlights matching tasks and the lineage filter hides the rest', async () => {
    const page = await showGraph(host, smallDag());
    await page.fill('input.search', 'cluster');
    await page.waitForFunction(() => document.querySelectorAll('[data-node].match').length === 2);
    assert.match((await page.textContent('.toolbar .count')) ?? '', /of 2/);
    await page.fill('input.search', '');
    await page.click('[data-node="t:skip_load"]');
    await page.selectOption('select.lineage', 'downstream');
    await page.waitForFunction(() => document.querySelectorAll('[data-node^="t:"]').length === 4);
    await page.selectOption('select.lineage', 'all');
    await page.waitForFunction(() => document.querySelectorAll('[data-node^="t:"]').length === 10);
    await page.close();
  });

  test('export posts an SVG document and a PNG image', async () => {
    const page = await showGraph(host, groupedDag());
    await page.click('button[data-action="export-svg"]');
    await page.click('button[data-action="export-png"]');
    await page.waitForFunction(() => (window as unknown as { __posted: Array<{ type: string }> }).__posted.filter((m) => m.type === 'export/save').length === 2, undefined, { timeout: 20_000 });
    const exports = (await posted(page)).filter((message) => message.type === 'export/save');
    const svg = exports.find((message) => message.format === 'svg')!;
    assert.ok(String(svg.data).startsWith('<svg'));
    assert.equal(String(svg.data).split('data-node="t:').length - 1, 13);
    assert.equal(svg.suggestedName, 'regional_sales.svg');
    const png = exports.find((message) => message.format === 'png')!;
    assert.ok(Buffer.from(String(png.data), 'base64').subarray(1, 4).toString() === 'PNG');
    assert.deepEqual(await cspViolations(page), []);
    await page.close();
  });

  test('a reload restores the viewport, collapsed groups and selection', async () => {
    const page = await showGraph(host, groupedDag());
    await page.click('[data-node="g:eu"] [data-toggle]');
    await page.waitForSelector('[data-node="g:eu"].collapsed');
    await page.click('[data-node="t:publish"]');
    await page.click('button[data-action="zoom-out"]');
    await page.waitForTimeout(300);
    const before = (await dataset(page)).viewport;
    await page.reload();
    await page.waitForFunction(() => (window as unknown as { __posted: Array<{ type: string }> }).__posted.some((m) => m.type === 'ready'));
    await post(page, graphMessage(groupedDag(), 1));
    await waitForVersion(page, 1, 'elk');
    assert.equal((await dataset(page)).viewport, before);
    assert.equal(await page.locator('[data-node="g:eu"].collapsed').count(), 1);
    assert.equal(await page.locator('[data-node="t:publish"].selected').count(), 1);
    await page.close();
  });

  test('a file with several DAGs offers a picker; the host can ask for one DAG', async () => {
    const page = await openPanel(host);
    const message = { ...graphMessage(smallDag()), snapshot: snapshotOf([smallDag(), groupedDag()]), dagId: 'regional_sales' };
    await post(page, message);
    await waitForVersion(page, 1, 'elk');
    assert.equal(await page.locator('[data-node="t:publish"]').count(), 1, 'the requested DAG is shown');
    assert.equal(await page.isVisible('select.dag-picker'), true);
    await page.selectOption('select.dag-picker', '0');
    await page.waitForSelector('[data-node="t:create_cluster"]');
    assert.deepEqual((await posted(page)).filter((m) => m.type === 'dag/didSelect').map((m) => m.dagId), ['regional_sales', 'daily_orders']);
    await page.close();
  });

  test('following another file shows its graph whole, whatever the previous zoom', async () => {
    const page = await showGraph(host, smallDag());
    for (let i = 0; i < 4; i++) await page.click('button[data-action="zoom-in"]');
    const other: GraphDidChangeMessage = { ...graphMessage(groupedDag()), snapshot: { ...snapshotOf([groupedDag()]), uri: 'file:///work/dags/regional.py' } };
    await post(page, other);
    await page.waitForSelector('[data-node="t:publish"]');
    await waitForVersion(page, 1, 'elk');
    await page.waitForTimeout(100);
    const canvas = (await page.locator('.canvas').boundingBox())!;
    const boxes = await page.$$eval('[data-node^="t:"] .node-box', (elements) => elements.map((element) => element.getBoundingClientRect().toJSON() as DOMRect));
    assert.equal(boxes.length, 13);
    for (const box of boxes) assert.ok(box.left >= canvas.x - 1 && box.right <= canvas.x + canvas.width + 1 && box.top >= canvas.y - 1 && box.bottom <= canvas.y + canvas.height + 1, 'every node is on screen');
    await page.close();
  });

  test('10,000 tasks stay usable: groups start collapsed, off-screen nodes are not drawn', async () => {
    const page = await openPanel(host);
    await post(page, graphMessage(generatedDag(10_000, 40)));
    await waitForVersion(page, 1);
    const data = await dataset(page);
    assert.ok(Number(data.layoutNodes) < 400, `${data.layoutNodes} nodes laid out`);
    await page.close();

    const flat = await openPanel(host);
    await post(flat, graphMessage(generatedDag(5000)));
    await waitForVersion(flat, 1, 'fast');
    for (let i = 0; i < 8; i++) await flat.click('button[data-action="zoom-in"]');
    await flat.waitForFunction(() => Number(document.querySelector<HTMLElement>('.canvas')!.dataset.renderedNodes) < 1000);
    assert.ok(Number((await dataset(flat)).renderedNodes) > 0);
    await flat.close();
  });

  test('screenshots of a small, a grouped and a large DAG in light and dark themes (and high contrast)', async () => {
    const folder = path.join(process.cwd(), 'docs', 'screenshots');
    fs.mkdirSync(folder, { recursive: true });
    const large = generatedDag(1000, 10);
    const cases: Array<[string, GraphDag, { width: number; height: number }]> = [
      ['small', smallDag(), { width: 1280, height: 420 }],
      ['grouped', groupedDag(), { width: 1100, height: 620 }],
      ['large', large, { width: 1280, height: 720 }],
    ];
    for (const theme of ['light', 'dark'] as const) {
      for (const [name, dag, size] of cases) {
        const page = await showGraph(host, dag, theme, size);
        if (name === 'small') {
          await page.hover('[data-node="t:load_warehouse"]');
          await page.waitForSelector('.hover-card.visible');
        }
        if (name === 'large') {
          // 1,000 tasks open with their ten groups collapsed; selecting a join shows its lineage.
          await page.click('[data-node="t:join_6"]');
          await page.waitForSelector('[data-node="t:join_6"].selected');
        }
        const file = path.join(folder, `${name}-${theme}.png`);
        await page.screenshot({ path: file });
        assert.ok(fs.statSync(file).size > 5000);
        await page.close();
      }
    }
    const highContrast = await showGraph(host, groupedDag(), 'high-contrast', { width: 1100, height: 620 });
    await highContrast.click('[data-node="t:us.load"]');
    await highContrast.screenshot({ path: path.join(folder, 'grouped-high-contrast.png') });
    await highContrast.close();
  });
});
