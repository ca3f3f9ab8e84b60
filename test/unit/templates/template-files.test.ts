import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSource } from '../../../server/src/analyzer/analyze';
import { formatMessage, runRules } from '../../../server/src/rules/engine';
import { missingTemplateFile } from '../../../server/src/rules/missing-template-file';
import type { AnalysisConfig, FileAccess, Report, Rule } from '../../../server/src/rules/rule';
import { templateSyntaxError } from '../../../server/src/rules/template-syntax-error';
import { unknownTemplateVariable } from '../../../server/src/rules/unknown-template-variable';
import { findTemplateFile, templateNameSegments } from '../../../server/src/templates/templateFiles';

const config: AnalysisConfig = { airflowVersion: 2, rules: {}, options: {} };

/** A folder tree in memory: absolute POSIX paths to file contents. */
function filesAt(documentPath: string, tree: Record<string, string>): FileAccess & { reads: string[] } {
  const reads: string[] = [];
  return {
    documentPath,
    reads,
    readFile(absolutePath) {
      reads.push(absolutePath);
      return tree[absolutePath] ?? null;
    },
  };
}

async function check(rule: Rule, text: string, files: FileAccess | undefined) {
  const file = await analyzeSource(text);
  const reports: Report[] = [];
  rule.check({ file, text, config, ...(files ? { files } : {}), option: () => { throw new Error('no options'); }, report: (report) => reports.push(report) });
  return reports.map((report) => ({ ...report, message: formatMessage(rule.meta.messages[report.messageId]!, report.args) }));
}

const DAG = (body: string, dagArgs = '') => `from datetime import datetime
from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator

with DAG(dag_id="sales", start_date=datetime(2024, 1, 1), schedule="@daily"${dagArgs}):
${body}
`;

test('looks template files up like Jinja: the DAG folder, then template_searchpath, absolute names inside them', () => {
  const files = filesAt('/repo/dags/sales.py', { '/opt/sql/queries/load.sql': 'SELECT 1', '/repo/dags/opt/x.sql': 'x' });
  assert.deepEqual(findTemplateFile('queries/load.sql', files, ['/opt/sql']), { status: 'found', path: '/opt/sql/queries/load.sql', text: 'SELECT 1' });
  assert.deepEqual(files.reads, ['/repo/dags/queries/load.sql', '/opt/sql/queries/load.sql']);
  assert.equal(findTemplateFile('/opt/x.sql', files, []).status, 'found');
  const missing = findTemplateFile('/opt/sql/queries/load.sql', files, []);
  assert.equal(missing.status, 'missing');
  assert.equal(findTemplateFile('../shared/load.sql', files, []).status, 'invalid');
  assert.deepEqual(templateNameSegments('./a//b/./c.sql'), ['a', 'b', 'c.sql']);
  const relative = findTemplateFile('nowhere.sql', files, ['sql']);
  assert.ok(relative.status === 'missing' && relative.certain === false, 'a relative search path depends on the working directory');
});

test('missing-template-file reports a file Airflow will not find, with the folders it searched', async () => {
  const text = DAG(`    SQLExecuteQueryOperator(task_id="load", conn_id="dwh", sql="queries/lod.sql")
    SQLExecuteQueryOperator(task_id="ok", conn_id="dwh", sql="queries/load.sql")
    BashOperator(task_id="script", bash_command="/opt/scripts/run.sh")
    BashOperator(task_id="spaced", bash_command="/opt/scripts/run.sh ")
    SQLExecuteQueryOperator(task_id="templated_name", conn_id="dwh", sql="{{ params.file }}.sql")`, ', template_searchpath=["/opt/sql"]');
  const files = filesAt('/repo/dags/sales.py', { '/opt/sql/queries/load.sql': 'SELECT 1', '/opt/scripts/run.sh': 'echo' });
  const reports = await check(missingTemplateFile, text, files);
  assert.deepEqual(reports.map((report) => [report.range.start.line, report.messageId]), [[6, 'missing'], [8, 'missingAbsolute']]);
  assert.equal(reports[0]!.message, "Template file 'queries/lod.sql' not found. Airflow looks for it in: /repo/dags, /opt/sql.");
  assert.deepEqual(await check(missingTemplateFile, text, undefined), []);
});

test('a computed template_searchpath keeps missing files unreported', async () => {
  const text = DAG('    SQLExecuteQueryOperator(task_id="load", conn_id="dwh", sql="queries/load.sql")', ', template_searchpath=SQL_FOLDERS');
  assert.deepEqual(await check(missingTemplateFile, text, filesAt('/repo/dags/sales.py', {})), []);
});

test('syntax errors and unknown names inside template files are reported at the argument, pointing into the file', async () => {
  const text = DAG(`    SQLExecuteQueryOperator(task_id="broken", conn_id="dwh", sql="queries/broken.sql", params={"full": True})
    SQLExecuteQueryOperator(task_id="typo", conn_id="dwh", sql="queries/typo.sql", params={"region": "emea"})`);
  const files = filesAt('/repo/dags/sales.py', {
    '/repo/dags/queries/broken.sql': 'SELECT *\nFROM t\n{% if params.full %}\nWHERE 1 = 1\n',
    '/repo/dags/queries/typo.sql': "SELECT *\nFROM t\nWHERE d = '{{ ds_nodahs }}' AND r = '{{ params.region }}'\n",
  });
  const syntax = await check(templateSyntaxError, text, files);
  assert.equal(syntax.length, 1);
  assert.equal(syntax[0]!.range.start.line, 6);
  assert.match(syntax[0]!.message, /^Jinja syntax error in queries\/broken\.sql \(line 3\): The '\{% if %\}' block is never closed/);
  assert.deepEqual(syntax[0]!.related?.[0]?.file, '/repo/dags/queries/broken.sql');
  assert.equal(syntax[0]!.related?.[0]?.range.start.line, 2);

  const names = await check(unknownTemplateVariable, text, files);
  assert.equal(names.length, 1);
  assert.equal(names[0]!.range.start.line, 7);
  assert.equal(names[0]!.message, "queries/typo.sql (line 3): 'ds_nodahs' is not in Airflow's template context; did you mean 'ds_nodash'?");
  assert.deepEqual(names[0]!.related?.[0]?.range, { start: { line: 2, character: 14 }, end: { line: 2, character: 23 } });
  assert.deepEqual(names[0]!.fixes ?? [], [], 'no edit is offered for text in another file');
});

test('the rule engine hands the file access to the rules', async () => {
  const text = DAG('    SQLExecuteQueryOperator(task_id="load", conn_id="dwh", sql="queries/lod.sql")');
  const file = await analyzeSource(text);
  const files = filesAt('/repo/dags/sales.py', {});
  const rules = [missingTemplateFile];
  assert.deepEqual(runRules(file, text, config, { rules, files }).map((finding) => finding.ruleId), ['missing-template-file']);
  assert.deepEqual(runRules(file, text, config, { rules }), []);
});
