import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyzeSource } from '../../server/src/analyzer/analyze';
import { DEFAULT_SETTINGS, toAnalysisConfig } from '../../server/src/config/settings';
import { runRules } from '../../server/src/rules/engine';

/**
 * Quiet by default: every DAG in `test/fixtures/quiet/` is correct, idiomatic Airflow written the ways
 * teams write it (classic operators, TaskFlow, TaskGroups, mapping, factories, sensors, assets,
 * Airflow 2 and 3 imports, setup/teardown, branching). With the default settings — every registered
 * rule at its default level, the target Airflow version detected per file — none may get a warning
 * or an error. Information and hints are allowed: they never show up as problems.
 */
const quietDir = path.join(process.cwd(), 'test', 'fixtures', 'quiet');
const fixtures = fs.existsSync(quietDir) ? fs.readdirSync(quietDir).filter((name) => name.endsWith('.py')).sort() : [];

test('the quiet corpus has at least 30 DAG files', () => {
  assert.ok(fixtures.length >= 30, `only ${fixtures.length} quiet fixtures`);
});

for (const name of fixtures) {
  test(`no warning or error on ${name}`, async () => {
    const text = fs.readFileSync(path.join(quietDir, name), 'utf8');
    const file = await analyzeSource(text);
    assert.equal(file.importsAirflow, true, `${name} does not import airflow, so nothing was checked`);
    assert.ok(file.dags.length > 0, `${name}: no DAG was found, so the DAG rules checked nothing`);
    assert.deepEqual(file.syntaxErrors.map((error) => error.message), [], `${name} has syntax errors`);
    const errors: string[] = [];
    const findings = runRules(file, text, toAnalysisConfig(DEFAULT_SETTINGS, file), {
      onRuleError: (ruleId, error) => errors.push(`${ruleId} threw: ${error instanceof Error ? error.message : String(error)}`),
    });
    const noisy = findings
      .filter((finding) => finding.severity === 'error' || finding.severity === 'warning')
      .map((finding) => `test/fixtures/quiet/${name}:${finding.range.start.line + 1}: ${finding.severity} [${finding.ruleId}] ${finding.message}`);
    assert.deepEqual([...errors, ...noisy], [], `\n${[...errors, ...noisy].join('\n')}`);
  });
}
