import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buildVisibleGraph,
  COLLAPSE_ALL_ABOVE_TASKS,
  defaultCollapsedGroups,
  estimateTextWidth,
  fitText,
  lineageOf,
  taskLabel,
} from '../../../server/src/graph/view';
import { generatedDag, groupedDag, smallDag } from '../../webview/sampleGraphs';

const all = { lineage: 'all' as const, selectedTaskId: null };

test('with every group expanded, each task and group is a node and each edge is kept', () => {
  const dag = groupedDag();
  const view = buildVisibleGraph(dag, { collapsed: new Set(), ...all });
  assert.equal(view.nodes.filter((node) => node.kind === 'task').length, dag.tasks.length);
  assert.equal(view.nodes.filter((node) => node.kind === 'group').length, dag.groups.length);
  assert.equal(view.edges.length, dag.edges.length);
  const nested = view.nodes.find((node) => node.id === 't:us.quality.row_count');
  assert.equal(nested?.parent, 'g:us.quality');
  assert.equal(view.nodes.find((node) => node.id === 'g:us.quality')?.parent, 'g:us');
});

test('a collapsed group stands for its tasks: inner edges vanish, edges across its border are merged', () => {
  const dag = groupedDag();
  const view = buildVisibleGraph(dag, { collapsed: new Set(['us']), ...all });
  const ids = view.nodes.map((node) => node.id);
  assert.ok(ids.includes('g:us'));
  assert.ok(!ids.some((id) => id.startsWith('t:us.') || id === 'g:us.quality'), 'tasks and nested groups of a collapsed group are hidden');
  assert.equal(view.representative.get('us.quality.freshness'), 'g:us');
  const group = view.nodes.find((node) => node.id === 'g:us');
  assert.equal(group?.kind === 'group' && group.taskCount, 5);
  assert.equal(group?.kind === 'group' && group.worstSeverity, 'information');
  const intoPublish = view.edges.filter((edge) => edge.to === 't:publish' && edge.from === 'g:us');
  assert.equal(intoPublish.length, 1);
  assert.equal(intoPublish[0].count, 2);
  assert.ok(!view.edges.some((edge) => edge.from === 'g:us' && edge.to === 'g:us'));
});

test('a label survives merging only when every merged edge carries the same one', () => {
  const dag = smallDag();
  const view = buildVisibleGraph(dag, { collapsed: new Set(), ...all });
  assert.equal(view.edges.find((edge) => edge.to === 't:skip_load')?.label, 'empty day');
});

test('edges naming tasks the DAG does not have are dropped rather than drawn to nowhere', () => {
  const dag = smallDag();
  dag.edges.push({ from: 'join', to: 'missing_task', label: null, kind: 'explicit', inCycle: false });
  const view = buildVisibleGraph(dag, { collapsed: new Set(), ...all });
  assert.equal(view.edges.length, dag.edges.length - 1);
});

test('big groups and every group of a big DAG start collapsed', () => {
  assert.deepEqual(defaultCollapsedGroups(groupedDag()), new Set());
  const big = generatedDag(COLLAPSE_ALL_ABOVE_TASKS + 50, 5);
  assert.equal(defaultCollapsedGroups(big).size, 5);
});

test('10,000 tasks in 40 groups open as a few dozen nodes', () => {
  const dag = generatedDag(10_000, 40);
  const view = buildVisibleGraph(dag, { collapsed: defaultCollapsedGroups(dag), ...all });
  assert.ok(view.nodes.length < 400, `${view.nodes.length} nodes`);
});

test('the lineage filter keeps only the selection\'s upstream, downstream or both', () => {
  const dag = smallDag();
  assert.deepEqual([...lineageOf(dag, 'load_warehouse', 'upstream')].sort(), ['check_volume', 'create_cluster', 'extract_orders', 'load_warehouse', 'transform_partition', 'wait_for_orders']);
  const down = buildVisibleGraph(dag, { collapsed: new Set(), lineage: 'downstream', selectedTaskId: 'skip_load' });
  assert.deepEqual(down.nodes.map((node) => node.id), ['t:skip_load', 't:join', 't:notify', 't:delete_cluster']);
  assert.equal(down.edges.length, 3);
});

test('tasks inside a group are labelled without the group prefix', () => {
  const task = groupedDag().tasks.find((candidate) => candidate.taskId === 'us.quality.row_count')!;
  assert.equal(taskLabel(task), 'row_count');
});

test('text fitting never exceeds the width and ends with an ellipsis when cut', () => {
  const long = 'a_really_long_task_identifier_that_goes_on_and_on_forever';
  const fitted = fitText(long, 13, 120);
  assert.ok(fitted.endsWith('…'));
  assert.ok(estimateTextWidth(fitted, 13) <= 120);
  assert.equal(fitText('short', 13, 120), 'short');
});

test('a duplicated task id or group id is drawn once, so node ids stay unique', () => {
  const dag = groupedDag();
  dag.tasks.push({ ...dag.tasks[1] }, { ...dag.tasks[1] });
  dag.groups.push({ ...dag.groups[0] });
  const view = buildVisibleGraph(dag, { collapsed: new Set(), ...all });
  const ids = view.nodes.map((node) => node.id);
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(ids.length, groupedDag().tasks.length + groupedDag().groups.length);
});
