import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codeLensTitle, findTask, taskAt } from '../../../client/src/graph/snapshotLookup';
import { smallDag, snapshotOf, task } from '../../webview/sampleGraphs';

test('the task under the cursor is the innermost task whose range contains it', () => {
  const dag = smallDag();
  const outer = task('outer', 'PythonOperator', 'operator', { range: { start: { line: 100, character: 0 }, end: { line: 110, character: 1 } } });
  const inner = task('inner', '@task', 'taskflow', { range: { start: { line: 104, character: 8 }, end: { line: 104, character: 30 } } });
  dag.tasks.push(outer, inner);
  const snapshot = snapshotOf([dag]);
  assert.equal(taskAt(snapshot, { line: 104, character: 10 })?.task.taskId, 'inner');
  assert.equal(taskAt(snapshot, { line: 102, character: 3 })?.task.taskId, 'outer');
  assert.equal(taskAt(snapshot, { line: 500, character: 0 }), null);
});

test('a task is looked up in the named DAG first, then in any DAG of the file', () => {
  const first = smallDag();
  const second = { ...smallDag(), dagId: 'other', tasks: [task('only_here', 'BashOperator', 'operator')] };
  const snapshot = snapshotOf([first, second]);
  assert.equal(findTask(snapshot, 'daily_orders', 'join')?.taskId, 'join');
  assert.equal(findTask(snapshot, 'daily_orders', 'only_here')?.taskId, 'only_here');
  assert.equal(findTask(snapshot, null, 'nope'), null);
});

test('the CodeLens counts the DAG\'s tasks', () => {
  assert.equal(codeLensTitle(smallDag()), 'Show graph · 10 tasks');
});
