import assert from 'node:assert/strict';
import { test } from 'node:test';
import { availableIn, CONTEXT_VARIABLES, describeVersions, findContextVariable } from '../../../server/src/templates/catalogue';
import { parseTemplate } from '../../../server/src/templates/jinja';
import { closestName, findNameProblems } from '../../../server/src/templates/names';
import type { TemplateScope } from '../../../server/src/templates/taskTemplates';

const scope = (overrides: Partial<TemplateScope> = {}): TemplateScope => ({
  airflowVersion: 2, params: new Set(['region', 'limit']), userMacros: new Set(['schema']), userFilters: new Set(), customEnvironment: false, templateSearchPath: [], ...overrides,
});
const problems = (source: string, overrides: Partial<TemplateScope> = {}) =>
  findNameProblems(parseTemplate(source), scope(overrides)).map((problem) => `${problem.kind}:${problem.name}${problem.suggestion ? `->${problem.suggestion}` : ''}`);

test('the catalogue knows what each Airflow version has', () => {
  const ds = findContextVariable('ds')!;
  assert.ok(availableIn(ds, 2) && availableIn(ds, 3));
  const removed = findContextVariable('execution_date')!;
  assert.ok(availableIn(removed, 2) && !availableIn(removed, 3));
  const added = findContextVariable('triggering_asset_events')!;
  assert.ok(!availableIn(added, 2) && availableIn(added, 3));
  assert.equal(describeVersions(findContextVariable('data_interval_start')!), 'Airflow 2.2 and later');
  for (const name of ['ds', 'ds_nodash', 'ts', 'data_interval_start', 'data_interval_end', 'logical_date', 'run_id', 'dag', 'task', 'ti', 'params', 'var', 'conn', 'macros']) {
    assert.ok(CONTEXT_VARIABLES.some((entry) => entry.name === name), name);
  }
});

test('typos get the closest name; transpositions count as one edit', () => {
  assert.equal(closestName('ds_nodahs', ['ds', 'ds_nodash', 'ts_nodash']), 'ds_nodash');
  assert.equal(closestName('dta_interval_start', ['data_interval_start', 'data_interval_end']), 'data_interval_start');
  assert.equal(closestName('xyz', ['ds', 'ts']), null);
  assert.equal(closestName('t', ['ti', 'ts']), 'ti');
});

test('reports unknown names, params keys, var accessors, macros, filters and tests', () => {
  assert.deepEqual(problems('{{ ds_nodahs }} {{ params.regoin }} {{ var.vaule.x }} {{ macros.ds_ad(ds, 1) }} {{ ds | upperr }} {{ x is definedd }}'), [
    'unknownVariable:ds_nodahs->ds_nodash', 'unknownParam:regoin->region', 'unknownVariableAccessor:vaule->value', 'unknownMacro:ds_ad->ds_add',
    'unknownFilter:upperr->upper', 'unknownVariable:x', 'unknownTest:definedd->defined',
  ]);
});

test('accepts what the template, the DAG and Jinja define', () => {
  assert.deepEqual(problems("{% set day = ds %}{% for t in params['region'] %}{{ loop.index }}{{ t }}{{ day }}{% endfor %}{{ schema }}{{ params.get('x') }}{{ range(3) | list }}"), []);
  assert.deepEqual(problems('{% macro m(a, b=1) %}{{ a }}{{ b }}{{ caller() }}{% endmacro %}{% import "lib.sql" as lib %}{{ lib.f() }}'), []);
  assert.deepEqual(problems('{{ macros.my_plugin.helper() }} {{ conn.any_conn.host }} {{ var.json.anything.deep }}'), []);
});

test('unknown DAG macros or params only allow near misses of Airflow names', () => {
  assert.deepEqual(problems('{{ custom }} {{ params.whatever }} {{ ts_nodahs }}', { userMacros: null, params: null }), ['unknownVariable:ts_nodahs->ts_nodash']);
});

test('versions: Airflow 3 only names are unknown in Airflow 2; removed names are left to removed-context-key', () => {
  assert.deepEqual(problems('{{ triggering_asset_events }} {{ start_date }}'), ['unavailableVariable:triggering_asset_events', 'unavailableVariable:start_date']);
  assert.deepEqual(problems('{{ execution_date }} {{ next_ds }}', { airflowVersion: 3 }), []);
  assert.deepEqual(problems('{{ macros.hive.max_partition("t") }}', { airflowVersion: 3 }), ['unavailableMacro:hive']);
});

test('a customised Jinja environment turns the checks off', () => {
  assert.deepEqual(problems('{{ anything_goes }}', { customEnvironment: true }), []);
});
