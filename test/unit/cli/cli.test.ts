import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../../../server/src/cli/cli';

const GROUPED_DAG = `import pendulum
from airflow.sdk import DAG, Label, TaskGroup
from airflow.providers.standard.operators.empty import EmptyOperator

with DAG(dag_id="grouped", schedule="@daily", start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), catchup=False):
    start = EmptyOperator(task_id="start")
    with TaskGroup("transform") as transform:
        clean = EmptyOperator(task_id="clean")
    start >> Label("raw rows") >> transform
`;

const CYCLE_DAG = `from airflow import DAG
from airflow.operators.empty import EmptyOperator

with DAG("looping", schedule=None, catchup=False) as dag:
    a = EmptyOperator(task_id="a")
    b = EmptyOperator(task_id="b")
    a >> b >> a
`;

let folder: string;

/** Runs the CLI in-process from `folder`, capturing output. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { cwd: folder, stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

/** Runs the bundled CLI as a real process (exit codes, no stack traces). */
function bundled(...args: string[]) {
  const bundle = path.join(process.cwd(), 'dist', 'cli', 'dagstudio.js');
  if (!fs.existsSync(bundle)) spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  const result = spawnSync(process.execPath, [bundle, ...args], { cwd: folder, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

before(() => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'dagstudio-cli-'));
  fs.writeFileSync(path.join(folder, 'grouped.py'), GROUPED_DAG);
  fs.writeFileSync(path.join(folder, 'cycle.py'), CYCLE_DAG);
  fs.mkdirSync(path.join(folder, 'empty'));
  fs.writeFileSync(path.join(folder, 'empty', 'notes.txt'), 'no python here');
  fs.writeFileSync(path.join(folder, 'binary.py'), Buffer.from([0x66, 0x00, 0x01, 0x02]));
  fs.writeFileSync(path.join(folder, 'latin1.py'), Buffer.from('# caf\xe9\nimport airflow\n', 'latin1'));
});

after(() => fs.rmSync(folder, { recursive: true, force: true }));

test('graph --format json writes exactly the documented shape', async () => {
  const { code, stdout } = await cli('graph', 'grouped.py', '--format', 'json');
  assert.equal(code, 0);
  const document = JSON.parse(stdout);
  assert.deepEqual(Object.keys(document), ['files']);
  const [file] = document.files;
  assert.deepEqual(Object.keys(file), ['file', 'dags', 'errors']);
  assert.equal(file.file, 'grouped.py');
  assert.deepEqual(file.errors, []);
  const [dag] = file.dags;
  assert.deepEqual(Object.keys(dag), ['dag_id', 'range', 'schedule', 'catchup', 'tasks', 'edges', 'groups', 'dynamic']);
  assert.equal(dag.dag_id, 'grouped');
  assert.equal(dag.schedule, '@daily');
  assert.equal(dag.catchup, false);
  assert.deepEqual(dag.range.start, { line: 4, character: 5 });
  assert.deepEqual(dag.tasks.map((task: { task_id: string; operator: string; group: string | null }) => [task.task_id, task.operator, task.group]), [
    ['start', 'EmptyOperator', null],
    ['transform.clean', 'EmptyOperator', 'transform'],
  ]);
  for (const task of dag.tasks) assert.deepEqual(Object.keys(task), ['task_id', 'operator', 'group', 'range']);
  assert.deepEqual(dag.edges, [{ from: 'start', to: 'transform.clean', label: 'raw rows' }]);
  assert.deepEqual(dag.groups, [{ group_id: 'transform', parent: null }]);
  assert.deepEqual(dag.dynamic, []);
});

test('graph --format dot draws clusters and labelled edges; --out writes a file', async () => {
  const dot = await cli('graph', 'grouped.py', '--format=dot');
  assert.equal(dot.code, 0);
  assert.match(dot.stdout, /digraph "grouped" \{/);
  assert.match(dot.stdout, /subgraph "cluster_0" \{\n\s+label="transform";\n\s+"transform.clean"/);
  assert.match(dot.stdout, /"start" -> "transform.clean" \[label="raw rows"\];/);

  const written = await cli('graph', 'grouped.py', 'cycle.py', '--out', 'out/graph.json');
  assert.equal(written.code, 0);
  assert.equal(written.stdout, '');
  const document = JSON.parse(fs.readFileSync(path.join(folder, 'out', 'graph.json'), 'utf8'));
  assert.deepEqual(document.files.map((file: { file: string }) => file.file), ['grouped.py', 'cycle.py']);
});

test('check: exit 0 when clean, 1 for findings at or above --fail-on, text lines as path:line:col', async () => {
  const clean = await cli('check', 'grouped.py', '--fail-on', 'error');
  assert.equal(clean.code, 0, clean.stdout + clean.stderr);

  // Other rules may add warnings to these small files; the assertions are about the error.
  const failing = await cli('check', 'cycle.py', '--fail-on', 'error');
  assert.equal(failing.code, 1);
  assert.match(failing.stdout, /^cycle\.py:7:\d+: error \[dag-cycle\] /m);
  assert.match(failing.stdout, /problems? \(1 error[,)].* in 1 file \(1 file checked\)\.\n$/);
});

test('check --format json and sarif', async () => {
  const json = JSON.parse((await cli('check', 'cycle.py', '--format', 'json')).stdout);
  assert.deepEqual(Object.keys(json.files[0]), ['file', 'diagnostics']);
  const diagnostic = json.files[0].diagnostics.find((d: { rule: string }) => d.rule === 'dag-cycle');
  assert.deepEqual(Object.keys(diagnostic), ['rule', 'severity', 'message', 'range']);
  assert.equal(diagnostic.severity, 'error');
  assert.equal(diagnostic.range.start.line, 6);

  const sarif = JSON.parse((await cli('check', 'cycle.py', '--format', 'sarif')).stdout);
  assert.equal(sarif.version, '2.1.0');
  const run = sarif.runs[0];
  assert.equal(run.tool.driver.name, 'dagstudio');
  const result = run.results.find((r: { ruleId: string }) => r.ruleId === 'dag-cycle');
  assert.equal(result.level, 'error');
  assert.equal(result.locations[0].physicalLocation.region.startLine, 7);
  assert.equal(run.tool.driver.rules[result.ruleIndex].id, 'dag-cycle');
});

test('check --config applies [tool.dagstudio] to every file; the nearest pyproject.toml applies by default', async () => {
  fs.writeFileSync(path.join(folder, 'quiet.toml'), '[tool.dagstudio.rules]\ndag-cycle = "off"\n');
  const configured = await cli('check', 'cycle.py', '--config', 'quiet.toml', '--fail-on', 'error');
  assert.equal(configured.code, 0, configured.stdout);

  const project = path.join(folder, 'project');
  fs.mkdirSync(path.join(project, 'dags'), { recursive: true });
  fs.writeFileSync(path.join(project, 'pyproject.toml'), '[tool.dagstudio.rules]\ndag-cycle = "warning"\n');
  fs.writeFileSync(path.join(project, 'dags', 'cycle.py'), CYCLE_DAG);
  const nearest = await cli('check', 'project', '--fail-on', 'error');
  assert.equal(nearest.code, 0);
  assert.match(nearest.stdout, /warning \[dag-cycle\]/);

  const missing = await cli('check', 'cycle.py', '--config', 'nope.toml');
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.toml/);
});

test('check compares the files it is given for duplicate dag ids', async () => {
  const pair = path.join(folder, 'pair');
  fs.mkdirSync(pair);
  const source = (schedule: string) => `from airflow import DAG\n\nwith DAG(dag_id="orders", schedule="${schedule}", catchup=False):\n    pass\n`;
  fs.writeFileSync(path.join(pair, 'daily.py'), source('@daily'));
  fs.writeFileSync(path.join(pair, 'hourly.py'), source('@hourly'));
  const result = await cli('check', 'pair', '--format', 'json');
  const files = JSON.parse(result.stdout).files as { file: string; diagnostics: { rule: string; message: string }[] }[];
  for (const file of files) {
    const duplicate = file.diagnostics.find((d) => d.rule === 'duplicate-dag-id');
    assert.ok(duplicate, `${file.file}: ${JSON.stringify(file.diagnostics)}`);
    assert.match(duplicate.message, file.file.endsWith('daily.py') && !file.file.endsWith('hourly.py') ? /hourly\.py/ : /daily\.py/);
  }
  assert.equal(result.code, 1);
});

test('user errors are one clear line with exit code 2 and no stack trace', () => {
  const cases: [string[], RegExp][] = [
    [['check', 'missing.py'], /^dagstudio: missing\.py: no such file or directory\n$/],
    [['check', 'empty'], /^dagstudio: empty: folder contains no Python files\n$/],
    [['graph', 'binary.py'], /^dagstudio: binary\.py: binary file, not Python source\n$/],
    [['check', 'latin1.py'], /^dagstudio: latin1\.py: not UTF-8 text/],
    [['check', 'cycle.py', '--format', 'xml'], /unknown check format 'xml'/],
    [['check', 'cycle.py', '--bogus'], /unknown option '--bogus'/],
    [['check'], /check needs at least one PATH/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ];
  for (const [args, expected] of cases) {
    const result = bundled(...args);
    assert.equal(result.code, 2, `${args.join(' ')}: exit ${result.code}`);
    assert.match(result.stderr, expected, args.join(' '));
    assert.doesNotMatch(result.stderr, /\n\s+at /, `${args.join(' ')} printed a stack trace`);
    assert.equal(result.stdout, '', `${args.join(' ')} wrote to stdout`);
  }
});

test('--version and --help', () => {
  const packageVersion = JSON.parse(fs.readFileSync(path.join(process.cwd(), 'package.json'), 'utf8')).version;
  const version = bundled('--version');
  assert.equal(version.code, 0);
  assert.equal(version.stdout.trim(), packageVersion);
  const help = bundled('--help');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /dagstudio graph FILE/);
  assert.match(help.stdout, /dagstudio check PATH/);
});

test('check --fix applies safe fixes in place, reports what is left, and a second run changes nothing', async () => {
  const file = path.join(folder, 'fixable.py');
  fs.writeFileSync(file, `import pendulum
from airflow.sdk import DAG
from airflow.providers.standard.operators.empty import EmptyOperator

with DAG("fixable", schedule="@daily", start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), catchup=True):
    EmptyOperator(task_id="start")
`);
  const before = await cli('check', 'fixable.py', '--format', 'json');
  assert.ok(JSON.parse(before.stdout).files[0].diagnostics.some((d: { rule: string }) => d.rule === 'catchup-enabled'));

  const fixed = await cli('check', 'fixable.py', '--fix', '--format', 'json');
  assert.match(fixed.stderr, /^Fixed \d+ problems? in 1 file\.\n$/);
  const text = fs.readFileSync(file, 'utf8');
  assert.match(text, /catchup=False\):\n/);
  assert.ok(!JSON.parse(fixed.stdout).files[0].diagnostics.some((d: { rule: string }) => d.rule === 'catchup-enabled'));

  const again = await cli('check', 'fixable.py', '--fix', '--format', 'json');
  assert.equal(again.stderr, '');
  assert.equal(fs.readFileSync(file, 'utf8'), text);
});

test('an unreadable path among good ones: the good files are still reported, exit code 2', async () => {
  const result = await cli('check', 'grouped.py', 'missing.py', '--format', 'json');
  assert.equal(result.code, 2);
  assert.match(result.stderr, /missing\.py: no such file or directory/);
  assert.deepEqual(JSON.parse(result.stdout).files.map((file: { file: string }) => file.file), ['grouped.py']);
  const mixed = await cli('check', 'grouped.py', 'binary.py', '--format', 'json');
  assert.equal(mixed.code, 2);
  assert.deepEqual(JSON.parse(mixed.stdout).files.map((file: { file: string }) => file.file), ['grouped.py']);
});
