import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyzeSource } from '../../../server/src/analyzer/analyze';
import { toGraphSnapshot } from '../../../server/src/graph/snapshot';
import type { Finding } from '../../../server/src/rules/rule';

const fixture = (name: string): string => fs.readFileSync(path.join(process.cwd(), 'test/fixtures/graph', name), 'utf8');

async function nightlySnapshot(findings: Finding[] = []) {
  const text = fixture('nightly_exports.py');
  const model = await analyzeSource(text);
  return { text, snapshot: toGraphSnapshot(model, findings, 'file:///dags/nightly_exports.py', 7) };
}

test('a snapshot carries the uri, version, DAG, tasks, groups and edges of the model', async () => {
  const { snapshot } = await nightlySnapshot();
  assert.equal(snapshot.uri, 'file:///dags/nightly_exports.py');
  assert.equal(snapshot.version, 7);
  assert.equal(snapshot.parseOk, true);
  assert.equal(snapshot.dags.length, 1);
  const dag = snapshot.dags[0];
  assert.equal(dag.dagId, 'nightly_exports');
  assert.deepEqual(dag.tasks.map((task) => task.taskId).sort(), ['begin', 'done', 'export.dump', 'export.upload', 'list_partitions']);
  assert.deepEqual(dag.groups.map((group) => group.groupId), ['export']);
  assert.equal(dag.tasks.find((task) => task.taskId === 'export.dump')?.group, 'export');
  assert.ok(dag.edges.some((edge) => edge.from === 'export.dump' && edge.to === 'export.upload'));
  assert.ok(dag.edges.every((edge) => !edge.inCycle));
});

test('details are the effective settings: the task\'s own argument, else default_args, else null', async () => {
  const { snapshot } = await nightlySnapshot();
  const byId = new Map(snapshot.dags[0].tasks.map((task) => [task.taskId, task.details]));
  assert.equal(byId.get('begin')?.retries, '3');
  assert.equal(byId.get('begin')?.retryDelay, 'timedelta(minutes=10)');
  assert.equal(byId.get('begin')?.pool, 'exports');
  assert.equal(byId.get('begin')?.triggerRule, null);
  assert.equal(byId.get('export.dump')?.retries, '1');
  assert.equal(byId.get('export.upload')?.executionTimeout, 'timedelta(hours=2)');
  assert.equal(byId.get('done')?.triggerRule, 'none_failed');
});

test('a finding goes to the task whose code contains it, and nowhere else', async () => {
  const { text } = await nightlySnapshot();
  const lines = text.split('\n');
  const uploadLine = lines.findIndex((line) => line.includes('aws s3 cp'));
  const finding: Finding = {
    ruleId: 'example-rule',
    message: 'Example message',
    severity: 'warning',
    range: { start: { line: uploadLine, character: 12 }, end: { line: uploadLine, character: 20 } },
    related: [],
    fixes: [],
  };
  const outside: Finding = { ...finding, ruleId: 'module-level', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } } };
  const { snapshot } = await nightlySnapshot([finding, outside]);
  const withDiagnostics = snapshot.dags[0].tasks.filter((task) => task.diagnostics.length > 0);
  assert.deepEqual(withDiagnostics.map((task) => task.taskId), ['export.upload']);
  assert.deepEqual(withDiagnostics[0].diagnostics, [{ ruleId: 'example-rule', severity: 'warning', message: 'Example message' }]);
});

test('edges on a dependency cycle are marked, the others are not', async () => {
  const text = `from airflow.sdk import DAG
from airflow.providers.standard.operators.empty import EmptyOperator

with DAG(dag_id="loop", schedule=None):
    a = EmptyOperator(task_id="a")
    b = EmptyOperator(task_id="b")
    c = EmptyOperator(task_id="c")
    d = EmptyOperator(task_id="d")
    a >> b >> c >> b
    c >> d
`;
  const snapshot = toGraphSnapshot(await analyzeSource(text), [], 'file:///loop.py', 1);
  const marks = Object.fromEntries(snapshot.dags[0].edges.map((edge) => [`${edge.from}>${edge.to}`, edge.inCycle]));
  assert.deepEqual(marks, { 'a>b': false, 'b>c': true, 'c>b': true, 'c>d': false });
});

test('a file with a syntax error gives a snapshot with parseOk false', async () => {
  const text = fixture('nightly_exports.py').replace('done = EmptyOperator(task_id="done"', 'done = EmptyOperator(task_id="done"(');
  const snapshot = toGraphSnapshot(await analyzeSource(text), [], 'file:///x.py', 2);
  assert.equal(snapshot.parseOk, false);
});

test('task details take settings from TaskGroup default_args before the DAG\'s, and say when they cannot be read', async () => {
  const text = `from datetime import timedelta
from airflow.sdk import DAG, TaskGroup
from airflow.providers.standard.operators.empty import EmptyOperator
from team.config import shared_defaults

GROUP_ARGS = dict(pool="by_variable")

def team_defaults():
    return {"retries": 4}

with DAG("grouped", schedule=None, default_args={"retries": 1, "pool": "shared"}):
    with TaskGroup("loads", default_args={"retries": 3}):
        inner = EmptyOperator(task_id="inner")
        with TaskGroup("deeper", default_args={"pool": "loads"}):
            deepest = EmptyOperator(task_id="deepest", retries=5)
    with TaskGroup("opaque", default_args=shared_defaults()):
        hidden = EmptyOperator(task_id="hidden")
    with TaskGroup("partly", default_args={**shared_defaults(), "retries": 2}):
        known = EmptyOperator(task_id="known")
    with TaskGroup("helper", default_args=team_defaults()):
        helped = EmptyOperator(task_id="helped")
    with TaskGroup("named", default_args=GROUP_ARGS):
        named = EmptyOperator(task_id="named")
    outside = EmptyOperator(task_id="outside")
`;
  const snapshot = toGraphSnapshot(await analyzeSource(text), [], 'file:///grouped.py', 1);
  const details = Object.fromEntries(snapshot.dags[0].tasks.map((task) => [task.taskId, [task.details.retries, task.details.pool]]));
  assert.deepEqual(details, {
    'loads.inner': ['3', 'shared'],
    'loads.deeper.deepest': ['5', 'loads'],
    'opaque.hidden': ['unknown', 'unknown'],
    // What the dict spreads is unknown; what it writes itself is not.
    'partly.known': ['2', 'unknown'],
    // Followed like a DAG's default_args: a helper of the file, a module-level variable.
    'helper.helped': ['4', 'shared'],
    'named.named': ['1', 'by_variable'],
    outside: ['1', 'shared'],
  });
});
