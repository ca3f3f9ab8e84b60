import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSource } from '../../../server/src/analyzer/analyze';
import type { Position } from '../../../server/src/analyzer/model';
import type { FileAccess } from '../../../server/src/rules/rule';
import { templateCompletions, templateDocumentLinks, templateHover } from '../../../server/src/templates/language';

/** The text with the `|` cursor marker removed, and the marker's position. */
function withCursor(marked: string): { text: string; position: Position } {
  const at = marked.indexOf('|CURSOR|');
  assert.ok(at >= 0);
  const text = marked.slice(0, at) + marked.slice(at + '|CURSOR|'.length);
  const before = text.slice(0, at).split('\n');
  return { text, position: { line: before.length - 1, character: before[before.length - 1]!.length } };
}

const HEADER = `from datetime import datetime
from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator

with DAG(dag_id="demo", start_date=datetime(2024, 1, 1), schedule="@daily", params={"region": "emea", "limit": 100}, user_defined_macros={"schema": "dwh"}):
`;

async function complete(body: string, version: 2 | 3 = 2) {
  const { text, position } = withCursor(HEADER + body);
  return templateCompletions(await analyzeSource(text), text, position, version);
}

async function hover(body: string, version: 2 | 3 = 2) {
  const { text, position } = withCursor(HEADER + body);
  return templateHover(await analyzeSource(text), text, position, version);
}

test('typing {{ da inside bash_command offers ds and data_interval_start, replacing the partial name', async () => {
  const result = await complete('    BashOperator(task_id="load", bash_command="load.sh {{ da|CURSOR|")\n');
  assert.ok(result);
  const labels = result.items.map((item) => item.label);
  for (const expected of ['ds', 'data_interval_start', 'data_interval_end', 'dag', 'dag_run', 'ti', 'params', 'macros', 'schema']) assert.ok(labels.includes(expected), expected);
  const ds = result.items.find((item) => item.label === 'ds')!;
  assert.match(ds.detail, /str · all Airflow 2 and 3 versions/);
  assert.match(ds.documentation, /YYYY-MM-DD/);
  // Editors filter by the typed word: `da` must still find `ds` (the date stamp).
  assert.match(ds.filterText, /\bdate\b/);
  assert.deepEqual(result.range, { start: { line: 6, character: 58 }, end: { line: 6, character: 60 } });
});

test('the target Airflow version decides what is offered', async () => {
  const body = '    BashOperator(task_id="load", bash_command="{{ |CURSOR| }}")\n';
  const labels2 = (await complete(body, 2))!.items.map((item) => item.label);
  const labels3 = (await complete(body, 3))!.items.map((item) => item.label);
  assert.ok(labels2.includes('execution_date') && !labels3.includes('execution_date'));
  assert.ok(labels3.includes('triggering_asset_events') && !labels2.includes('triggering_asset_events'));
  assert.equal((await complete(body, 2))!.items.find((item) => item.label === 'execution_date')!.deprecated, true);
});

test('after a dot: params keys from the DAG, macros, var accessors and ti methods', async () => {
  const labelsAfter = async (expression: string) =>
    (await complete(`    BashOperator(task_id="t", bash_command="{{ ${expression}|CURSOR| }}")\n`))?.items.map((item) => item.label) ?? [];
  assert.deepEqual(await labelsAfter('params.'), ['region', 'limit']);
  assert.deepEqual(await labelsAfter("params['"), ['region', 'limit']);
  assert.ok((await labelsAfter('macros.ds')).includes('ds_add'));
  assert.ok((await labelsAfter('macros.')).includes('ds_format'));
  assert.deepEqual(await labelsAfter('var.'), ['value', 'json']);
  assert.ok((await labelsAfter('ti.')).includes('xcom_pull'));
  assert.ok((await labelsAfter('data_interval_start.')).includes('strftime'));
  assert.deepEqual(await labelsAfter('var.value.'), []);
});

test('after a pipe: Airflow filters first, then Jinja filters; statements offer tag names', async () => {
  const filters = await complete('    BashOperator(task_id="t", bash_command="{{ logical_date | |CURSOR| }}")\n');
  assert.equal(filters!.items[0]!.label, 'ds');
  assert.ok(filters!.items.some((item) => item.label === 'ts_nodash'));
  assert.ok(filters!.items.some((item) => item.label === 'upper'));
  const statement = await complete('    BashOperator(task_id="t", bash_command="{% |CURSOR| %}")\n');
  assert.ok(statement!.items.some((item) => item.label === 'for'));
});

test('names set in the template are offered too', async () => {
  const result = await complete('    BashOperator(task_id="t", bash_command="{% set day = ds %}{% for table in params.tables %}{{ |CURSOR| }}{% endfor %}")\n');
  const labels = result!.items.map((item) => item.label);
  assert.ok(labels.includes('day') && labels.includes('table'));
});

test('no completion outside tags, in f-strings, in non-templated arguments or outside strings', async () => {
  assert.equal(await complete('    BashOperator(task_id="t", bash_command="echo |CURSOR|{{ ds }}")\n'), null);
  assert.equal(await complete('    BashOperator(task_id="t", bash_command=f"{{ da|CURSOR| }}")\n'), null);
  assert.equal(await complete('    BashOperator(task_id="t_{{ da|CURSOR| }}", bash_command="x")\n'), null);
  assert.equal(await complete('    BashOperator(task_id="t", bash_command="{{ ds }}", retries=|CURSOR|3)\n'), null);
});

test('completion follows escapes and implicit concatenation to the right place', async () => {
  const result = await complete('    SQLExecuteQueryOperator(task_id="q", conn_id="c", sql=(\n        "SELECT\\t*\\n"\n        "WHERE d = \'{{ data_int|CURSOR| }}\'"))\n');
  assert.ok(result);
  assert.deepEqual(result.range, { start: { line: 8, character: 23 }, end: { line: 8, character: 31 } });
});

test('hover explains context variables with their versions, macros, params and filters', async () => {
  const body = (expression: string) => `    BashOperator(task_id="t", bash_command="run.sh {{ ${expression} }}")\n`;
  const ds = await hover(body('d|CURSOR|s'));
  assert.match(ds!.contents, /\*\*ds\*\* `str`/);
  assert.match(ds!.contents, /all Airflow 2 and 3 versions/);
  const interval = await hover(body('data_interval_st|CURSOR|art'));
  assert.match(interval!.contents, /Airflow 2\.2 and later/);
  const macro = await hover(body('macros.ds_a|CURSOR|dd(ds, 1)'));
  assert.match(macro!.contents, /ds_add\(ds, days\)/);
  const param = await hover(body('params.regi|CURSOR|on'));
  assert.match(param!.contents, /default `"emea"`/);
  const filter = await hover(body('logical_date | ts_no|CURSOR|dash'));
  assert.match(filter!.contents, /20180101T000000/);
  const removed = await hover(body('next_d|CURSOR|s'), 3);
  assert.match(removed!.contents, /Not available in Airflow 3/);
  assert.equal(await hover(body('unknown_na|CURSOR|me')), null);
});

test('document links point to template files found like Airflow does, and to scripts run by path', async () => {
  const text = `${HEADER}    SQLExecuteQueryOperator(task_id="q", conn_id="c", sql="queries/load.sql")
    SQLExecuteQueryOperator(task_id="missing", conn_id="c", sql="queries/nope.sql")
    BashOperator(task_id="s", bash_command="bash scripts/run.sh ")
    BashOperator(task_id="inline", bash_command="echo {{ ds }}")
`;
  const tree: Record<string, string> = { '/repo/dags/queries/load.sql': 'SELECT 1', '/repo/dags/scripts/run.sh': 'echo' };
  const files: FileAccess = { documentPath: '/repo/dags/demo.py', readFile: (file) => tree[file] ?? null };
  const links = templateDocumentLinks(await analyzeSource(text), text, files, 2);
  assert.deepEqual(links.map((link) => [link.target, link.range.start.line, link.range.start.character, link.range.end.character]), [
    ['/repo/dags/queries/load.sql', 6, 59, 75],
    ['/repo/dags/scripts/run.sh', 8, 49, 63],
  ]);
});
