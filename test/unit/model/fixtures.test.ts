import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyzeSource } from '../../../server/src/analyzer/analyze';
import type { DagModel, FileModel, Range, TaskModel } from '../../../server/src/analyzer/model';

/**
 * Every `test/fixtures/model/NAME.py` is analysed and compared with `NAME.expected.json`, a readable
 * description of the graph Airflow builds from it:
 *
 *   tasks   — task id → operator display name, or an object naming the fields to check
 *             (`operator`, `group`, `kind`, `mapped`, `role`, `dynamicId`, `variable`, `callable`);
 *   edges   — `"up >> down"`, with `" [label]"` for labelled edges and `" (data)"` / `" (group)"` for
 *             data and group edges when the fixture cares (`edgeKinds: true`);
 *   redeclared — edges declared again by other expressions, with how many times;
 *   groups  — group id → parent group id;
 *   dynamic — substrings of the reasons the model gives for what it could not resolve.
 */

const fixtureDir = path.join(process.cwd(), 'test', 'fixtures', 'model');

interface ExpectedDag {
  dag_id: string | null;
  declaration?: DagModel['declaration'];
  variable?: string | null;
  schedule?: string | null;
  catchup?: boolean | null;
  default_args?: string[] | null;
  default_args_dynamic?: boolean;
  default_args_form?: string;
  tasks: Record<string, string | Partial<Record<keyof TaskModel, unknown>>>;
  groups?: Record<string, string | null>;
  edges: string[];
  edgeKinds?: boolean;
  /** Edges declared more than once (by different expressions), as `"up >> down"` with the number of repeats. */
  redeclared?: Record<string, number>;
  dynamic?: string[];
}

interface Expected {
  dags: ExpectedDag[];
  tasksWithoutDag?: string[];
  dynamic?: string[];
  importsAirflow?: boolean;
}

function edgeText(edge: DagModel['edges'][number], withKinds: boolean): string {
  let text = `${edge.from} >> ${edge.to}`;
  if (edge.label !== null) text += ` [${edge.label}]`;
  if (withKinds && edge.kind !== 'explicit') text += ` (${edge.kind})`;
  return text;
}

function checkDynamic(actual: { reason: string }[], expected: string[] | undefined, where: string): void {
  const reasons = actual.map((note) => note.reason);
  for (const fragment of expected ?? []) {
    assert.ok(reasons.some((reason) => reason.includes(fragment)), `${where}: expected a dynamic note containing "${fragment}", got ${JSON.stringify(reasons)}`);
  }
  if ((expected ?? []).length === 0) assert.deepEqual(reasons, [], `${where}: expected no dynamic notes`);
}

function checkRangeInside(range: Range, model: FileModel, where: string): void {
  assert.ok(range.start.line >= 0 && range.end.line < model.lineCount, `${where}: range outside the document`);
}

function compareDag(actual: DagModel, expected: ExpectedDag, model: FileModel): void {
  const where = `DAG ${expected.dag_id}`;
  if (expected.declaration) assert.equal(actual.declaration, expected.declaration, `${where}: declaration`);
  if ('variable' in expected) assert.equal(actual.variable, expected.variable, `${where}: variable`);
  if ('schedule' in expected) assert.equal(actual.schedule, expected.schedule, `${where}: schedule`);
  if ('catchup' in expected) assert.equal(actual.catchup, expected.catchup, `${where}: catchup`);
  if ('default_args' in expected) {
    assert.deepEqual(actual.defaultArgs ? Object.keys(actual.defaultArgs.entries).sort() : null, expected.default_args ? [...expected.default_args].sort() : null, `${where}: default_args keys`);
  }
  if ('default_args_dynamic' in expected) assert.equal(actual.defaultArgs?.dynamic, expected.default_args_dynamic, `${where}: default_args dynamic`);
  if ('default_args_form' in expected) assert.equal(actual.defaultArgs?.form, expected.default_args_form, `${where}: default_args form`);
  assert.deepEqual(actual.tasks.map((task) => task.taskId).sort(), Object.keys(expected.tasks).sort(), `${where}: task ids`);
  for (const [taskId, description] of Object.entries(expected.tasks)) {
    const task = actual.tasks.find((candidate) => candidate.taskId === taskId)!;
    checkRangeInside(task.range, model, `${where} task ${taskId}`);
    if (typeof description === 'string') {
      assert.equal(task.operator, description, `${where} task ${taskId}: operator`);
      continue;
    }
    for (const [field, value] of Object.entries(description)) {
      const actualValue = field === 'callable' ? task.callable?.name ?? null : task[field as keyof TaskModel];
      assert.deepEqual(actualValue, value, `${where} task ${taskId}: ${field}`);
    }
  }
  if (expected.groups) {
    assert.deepEqual(Object.fromEntries(actual.groups.map((group) => [group.groupId, group.parent])), expected.groups, `${where}: groups`);
  }
  assert.deepEqual(actual.edges.map((edge) => edgeText(edge, expected.edgeKinds ?? false)).sort(), [...expected.edges].sort(), `${where}: edges`);
  if (expected.redeclared) {
    const repeated = actual.edges.filter((edge) => edge.redeclarations?.length).map((edge) => [`${edge.from} >> ${edge.to}`, edge.redeclarations!.length]);
    assert.deepEqual(Object.fromEntries(repeated), expected.redeclared, `${where}: redeclared edges`);
  }
  checkDynamic(actual.dynamic, expected.dynamic, where);
}

const fixtures = fs.existsSync(fixtureDir) ? fs.readdirSync(fixtureDir).filter((name) => name.endsWith('.py')).sort() : [];

test('there are model fixtures to check', () => {
  assert.ok(fixtures.length > 0);
});

for (const name of fixtures) {
  const expectedPath = path.join(fixtureDir, name.replace(/\.py$/, '.expected.json'));
  test(`model fixture ${name}`, async () => {
    assert.ok(fs.existsSync(expectedPath), `${name} has no .expected.json`);
    const expected = JSON.parse(fs.readFileSync(expectedPath, 'utf8')) as Expected;
    const model = await analyzeSource(fs.readFileSync(path.join(fixtureDir, name), 'utf8'));
    assert.deepEqual(model.syntaxErrors, [], 'fixture parses cleanly');
    if ('importsAirflow' in expected) assert.equal(model.importsAirflow, expected.importsAirflow);
    assert.deepEqual(model.dags.map((dag) => dag.dagId), expected.dags.map((dag) => dag.dag_id), 'DAG ids in order');
    model.dags.forEach((dag, index) => compareDag(dag, expected.dags[index]!, model));
    assert.deepEqual(model.tasksWithoutDag.map((task) => task.taskId).sort(), [...(expected.tasksWithoutDag ?? [])].sort(), 'tasks without a DAG');
    checkDynamic(model.dynamic, expected.dynamic, 'file');
  });
}
