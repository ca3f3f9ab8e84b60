import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { findNearestPyproject, loadPyprojectConfig, mergeSettings, resolveAirflowVersion, validateSettings } from '../../../server/src/config';
import type { ImportFact } from '../../../server/src/analyzer/model';
import { range } from './model-helpers';

function importOf(qualifiedName: string): ImportFact {
  return { localName: 'x', qualifiedName, kind: 'symbol', range: range(0, 0, 1), statementRange: range(0, 0, 1) };
}

test('reads [tool.dagstudio] with levels, options and the Airflow version', () => {
  const config = loadPyprojectConfig([
    '[project]', 'name = "pipelines"', '',
    '[tool.dagstudio]', 'airflow-version = 3', '',
    '[tool.dagstudio.rules]', '"unknown-suppression" = "error"', '',
  ].join('\n'));
  assert.equal(config.found, true);
  assert.deepEqual(config.problems, []);
  assert.deepEqual(config.settings, { airflowVersion: 3, rules: { 'unknown-suppression': 'error' } });
});

test('bad values get a message naming the key, and are left out', () => {
  const config = loadPyprojectConfig('[tool.dagstudio]\nairflow-version = 4\ncolour = "red"\n[tool.dagstudio.rules]\nunknown-suppression = "loud"\nno-such-rule = "off"\n');
  assert.deepEqual(config.problems.map((problem) => problem.message), [
    '[tool.dagstudio] airflow-version: expected one of "auto", 2, 3, got 4',
    '[tool.dagstudio] colour: unknown setting; expected airflow-version, rules or options',
    '[tool.dagstudio.rules] unknown-suppression: expected one of off, error, warning, information, hint, got "loud"',
    '[tool.dagstudio.rules] no-such-rule: unknown rule id',
  ]);
  assert.deepEqual(config.settings.rules, {});
  assert.equal(config.settings.airflowVersion, undefined);
});

test('invalid TOML is a problem with its line, not an exception', () => {
  const config = loadPyprojectConfig('[tool.dagstudio\nx = 1\n');
  assert.equal(config.found, false);
  assert.match(config.problems[0]!.message, /invalid TOML at line 1/);
});

test('VS Code settings name keys in their own notation', () => {
  const { problems } = validateSettings({ airflowVersion: 'auto', rules: { 'unknown-suppression': 7 }, trace: { server: 'off' } }, 'vscode');
  assert.deepEqual(problems.map((problem) => problem.message), ['dagstudio.rules.unknown-suppression: expected one of off, error, warning, information, hint, got 7']);
});

test('later layers win key by key', () => {
  const merged = mergeSettings({ airflowVersion: 3, rules: { a: 'off', b: 'hint' } }, { rules: { a: 'error' } });
  assert.deepEqual(merged, { airflowVersion: 3, rules: { a: 'error', b: 'hint' }, options: {} });
});

test('auto resolves to 3 for files importing airflow.sdk, else 2', () => {
  assert.equal(resolveAirflowVersion({ imports: [importOf('airflow.sdk.DAG')] }, 'auto'), 3);
  assert.equal(resolveAirflowVersion({ imports: [importOf('airflow.DAG')] }, 'auto'), 2);
  assert.equal(resolveAirflowVersion({ imports: [importOf('airflow.sdk.DAG')] }, 2), 2);
});

test('finds the nearest pyproject.toml that has a [tool.dagstudio] table', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dagstudio-config-'));
  const nested = path.join(root, 'dags', 'team');
  fs.mkdirSync(nested, { recursive: true });
  fs.writeFileSync(path.join(root, 'pyproject.toml'), '[tool.dagstudio.rules]\n');
  fs.writeFileSync(path.join(root, 'dags', 'pyproject.toml'), '[tool.ruff]\n');
  assert.equal(findNearestPyproject(nested), path.join(root, 'pyproject.toml'));
  fs.rmSync(root, { recursive: true, force: true });
});

test('rule options are checked against the rule\'s metadata, in kebab-case or camelCase', () => {
  const config = loadPyprojectConfig([
    '[tool.dagstudio.options.heavy-xcom]',
    'max-pulls-per-task = 8',
    '[tool.dagstudio.options.missing-retries]',
    'retries = "three"',
    'colour = 1',
  ].join('\n'));
  assert.deepEqual(config.settings.options, { 'heavy-xcom': { maxPullsPerTask: 8 } });
  assert.deepEqual(config.problems.map((problem) => problem.message), [
    '[tool.dagstudio.options.missing-retries] retries: expected a non-negative number, got "three"',
    '[tool.dagstudio.options.missing-retries] colour: unknown option; missing-retries has retries, retry-delay-minutes',
  ]);
  const editor = validateSettings({ ruleOptions: { 'heavy-xcom': { maxPullsPerTask: 2 } }, rules: { 'dag-cycle': 'default', 'heavy-xcom': 'Info' } }, 'vscode');
  assert.deepEqual(editor.problems, []);
  assert.deepEqual(editor.settings, { options: { 'heavy-xcom': { maxPullsPerTask: 2 } }, rules: { 'heavy-xcom': 'information' } });
});
