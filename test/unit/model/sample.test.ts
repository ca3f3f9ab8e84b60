import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyzeSource } from '../../../server/src/analyzer/analyze';

test('the bundled sample DAG is understood completely (it is the README demo)', async () => {
  const text = fs.readFileSync(path.join(process.cwd(), 'samples', 'example_pipeline.py'), 'utf8');
  const model = await analyzeSource(text);
  assert.deepEqual(model.syntaxErrors, []);
  assert.equal(model.dags.length, 1);
  const dag = model.dags[0]!;
  assert.equal(dag.dagId, 'marketing_attribution');
  assert.equal(dag.schedule, '@daily');
  assert.equal(dag.catchup, false);
  assert.deepEqual(dag.dynamic, []);
  assert.deepEqual(Object.fromEntries(dag.tasks.map((task) => [task.taskId, `${task.operator}${task.group ? ` in ${task.group}` : ''}`])), {
    start: 'EmptyOperator',
    wait_for_orders: 'FileSensor',
    fetch_search_spend: '@task',
    fetch_social_spend: '@task',
    'attribution.join_spend_and_orders': '@task in attribution',
    'attribution.choose_model': '@task.branch in attribution',
    'attribution.fit_markov': 'BashOperator in attribution',
    'attribution.fit_last_touch': 'BashOperator in attribution',
    publish_dashboard: 'BashOperator',
    done: 'EmptyOperator',
  });
  assert.deepEqual(dag.edges.map((edge) => `${edge.from} >> ${edge.to}${edge.label ? ` [${edge.label}]` : ''} (${edge.kind})`).sort(), [
    'attribution.choose_model >> attribution.fit_last_touch (explicit)',
    'attribution.choose_model >> attribution.fit_markov (explicit)',
    'attribution.fit_last_touch >> publish_dashboard (group)',
    'attribution.fit_markov >> publish_dashboard (group)',
    'attribution.join_spend_and_orders >> attribution.choose_model (data)',
    'fetch_search_spend >> attribution.join_spend_and_orders (data)',
    'fetch_social_spend >> attribution.join_spend_and_orders (data)',
    'publish_dashboard >> done (explicit)',
    'start >> fetch_search_spend (explicit)',
    'start >> fetch_social_spend (explicit)',
    'start >> wait_for_orders (explicit)',
    'wait_for_orders >> attribution.join_spend_and_orders [orders ready] (group)',
  ]);
  assert.deepEqual(dag.groups.map((group) => group.groupId), ['attribution']);
});
