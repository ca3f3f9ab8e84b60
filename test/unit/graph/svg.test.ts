import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fastLayout } from '../../../server/src/graph/layout';
import { escapeXml, graphStylesheet, lightColours, renderGraphDocument, themeVariables } from '../../../server/src/graph/svg';
import { buildVisibleGraph } from '../../../server/src/graph/view';
import { groupedDag, smallDag, task } from '../../webview/sampleGraphs';

const count = (text: string, needle: string): number => text.split(needle).length - 1;

test('the document has one element per node and per edge, and every group', () => {
  const dag = groupedDag();
  const view = buildVisibleGraph(dag, { collapsed: new Set(), lineage: 'all', selectedTaskId: null });
  const svg = renderGraphDocument(view, fastLayout(view, 'RIGHT'), { title: 'regional_sales' });
  assert.equal(count(svg, 'data-node="t:'), dag.tasks.length);
  assert.equal(count(svg, 'data-node="g:'), dag.groups.length);
  assert.equal(count(svg, 'data-edge='), dag.edges.length);
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  assert.ok(svg.includes('<title>regional_sales</title>'));
});

test('task ids, operators and messages are escaped, never markup', () => {
  const dag = smallDag();
  dag.tasks.push(task('<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'operator', { diagnostics: [{ ruleId: 'r', severity: 'error', message: '</title><script>' }] }));
  const view = buildVisibleGraph(dag, { collapsed: new Set(), lineage: 'all', selectedTaskId: null });
  const svg = renderGraphDocument(view, fastLayout(view, 'RIGHT'));
  assert.ok(!svg.includes('<script'));
  assert.ok(!svg.includes('<img'));
  assert.ok(svg.includes('&lt;script&gt;'));
  assert.equal(escapeXml(`<&>"'`), '&lt;&amp;&gt;&quot;&#39;');
});

test('node style follows the kind: mapped tasks are stacked, cycle edges use the error style, diagnostics get a badge', () => {
  const dag = smallDag();
  dag.edges.push({ from: 'join', to: 'check_volume', label: null, kind: 'explicit', inCycle: true });
  const view = buildVisibleGraph(dag, { collapsed: new Set(), lineage: 'all', selectedTaskId: null });
  const svg = renderGraphDocument(view, fastLayout(view, 'RIGHT'));
  assert.equal(count(svg, 'class="stack"'), 2, 'one mapped task, two cards behind it');
  assert.equal(count(svg, 'class="edge cycle'), 1);
  assert.ok(svg.includes('class="badge sev-error"') && svg.includes('class="badge sev-warning"'));
  assert.ok(svg.includes('class="stripe kind-sensor"') && svg.includes('class="stripe kind-branch"'));
  assert.ok(svg.includes('role-setup') && svg.includes('role-teardown'));
});

test('the panel stylesheet reads theme variables; files get plain colours', () => {
  assert.ok(graphStylesheet(themeVariables).includes('var(--vscode-editorError-foreground, #e51400)'));
  assert.ok(!graphStylesheet(lightColours, 'sans-serif').includes('var('));
});
