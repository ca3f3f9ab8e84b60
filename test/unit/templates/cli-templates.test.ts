import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { diskFileAccess } from '../../../server/src/lsp/templateFeatures';

/** `dagstudio check` reports the template findings the editor shows, from the same rules. */
function check(folder: string, ...args: string[]) {
  const bundle = path.join(process.cwd(), 'dist', 'cli', 'dagstudio.js');
  if (!fs.existsSync(bundle)) spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  return spawnSync(process.execPath, [bundle, 'check', ...args], { cwd: folder, encoding: 'utf8' });
}

test('dagstudio check reports template typos, ignored templates and broken Jinja with their positions', () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'dagstudio-cli-templates-'));
  fs.writeFileSync(path.join(folder, 'exports.py'), `from datetime import datetime
from airflow import DAG
from airflow.operators.bash import BashOperator

with DAG(dag_id="exports", start_date=datetime(2024, 1, 1), schedule="@daily"):
    BashOperator(task_id="typo", bash_command="export.sh {{ ds_nodahs }}")
    BashOperator(task_id="day_{{ ds }}", bash_command="echo done")
    BashOperator(task_id="broken", bash_command="export.sh {{ ds }")
`);
  const result = check(folder, 'exports.py', '--format', 'json');
  fs.rmSync(folder, { recursive: true, force: true });
  const findings = (JSON.parse(result.stdout) as { files: { diagnostics: { rule: string; range: { start: { line: number; character: number } } }[] }[] })
    .files.flatMap((file) => file.diagnostics)
    .filter((finding) => /template/.test(finding.rule))
    .map((finding) => `${finding.rule}@${finding.range.start.line}:${finding.range.start.character}`);
  assert.deepEqual(findings, [
    'unknown-template-variable@5:60',
    'template-in-non-templated-field@6:25',
    'template-syntax-error@7:59',
  ]);
  assert.equal(result.status, 1, 'errors make the check fail');
});

test('dagstudio check follows template files: a missing one and a broken one are reported at the argument', () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'dagstudio-cli-template-files-'));
  fs.mkdirSync(path.join(folder, 'queries'));
  fs.writeFileSync(path.join(folder, 'queries', 'broken.sql'), 'SELECT *\nFROM t\n{% if params.full %}\n');
  fs.writeFileSync(path.join(folder, 'loads.py'), `from datetime import datetime
from airflow import DAG
from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator

with DAG(dag_id="loads", start_date=datetime(2024, 1, 1), schedule="@daily", params={"full": False}):
    SQLExecuteQueryOperator(task_id="missing", conn_id="dwh", sql="queries/missing.sql")
    SQLExecuteQueryOperator(task_id="broken", conn_id="dwh", sql="queries/broken.sql")
`);
  const result = check(folder, 'loads.py', '--format', 'json');
  fs.rmSync(folder, { recursive: true, force: true });
  const findings = (JSON.parse(result.stdout) as { files: { diagnostics: { rule: string; message: string; range: { start: { line: number } } }[] }[] })
    .files.flatMap((file) => file.diagnostics)
    .filter((finding) => /template/.test(finding.rule));
  assert.deepEqual(findings.map((finding) => `${finding.rule}@${finding.range.start.line}`), ['missing-template-file@5', 'template-syntax-error@6']);
  assert.match(findings[1]!.message, /queries\/broken\.sql \(line 3\)/);
});

test('disk file access sees a template file change, and a deleted file as missing', () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'dagstudio-disk-access-'));
  const file = path.join(folder, 'load.sql');
  fs.writeFileSync(file, 'SELECT 1');
  assert.equal(diskFileAccess(path.join(folder, 'dag.py')).readFile(file), 'SELECT 1');
  fs.writeFileSync(file, 'SELECT 22');
  fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
  assert.equal(diskFileAccess(path.join(folder, 'dag.py')).readFile(file), 'SELECT 22');
  fs.rmSync(file);
  assert.equal(diskFileAccess(path.join(folder, 'dag.py')).readFile(file), null);
  assert.equal(diskFileAccess(path.join(folder, 'dag.py')).readFile(folder), null, 'a folder is not a file');
  fs.rmSync(folder, { recursive: true, force: true });
});
