import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { CodeAction, Diagnostic, DocumentSymbol, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import type { GraphSnapshot } from '../../../protocol/lsp';
import { TestLspClient } from './lspClient';

/** Replaces `old` (first occurrence) in `text` by an LSP incremental change. */
function replaceChange(text: string, old: string, replacement: string) {
  const offset = text.indexOf(old);
  assert.ok(offset >= 0, `"${old}" not in text`);
  const position = (at: number) => {
    const before = text.slice(0, at).split('\n');
    return { line: before.length - 1, character: before[before.length - 1]!.length };
  };
  return {
    change: { range: { start: position(offset), end: position(offset + old.length) }, text: replacement },
    text: text.slice(0, offset) + replacement + text.slice(offset + old.length),
  };
}

function positionOf(text: string, needle: string, delta = 0) {
  const offset = text.indexOf(needle) + delta;
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

const CYCLE_DAG = `import pendulum
from airflow import DAG
from airflow.operators.bash import BashOperator

with DAG(
    dag_id="orders",
    schedule="@daily",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    default_args={"retries": 2, "pool": "etl"},
) as dag:
    extract = BashOperator(task_id="extract", bash_command="extract.sh")
    load = BashOperator(task_id="load", bash_command="load.sh", retries=5)
    extract >> load
    load >> extract
`;

let workspace: string;
let client: TestLspClient;

before(async () => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'dagstudio-lsp-'));
  fs.writeFileSync(path.join(workspace, 'existing.py'), `from airflow import DAG\n\nwith DAG(dag_id="shared_id", schedule=None):\n    pass\n`);
  fs.writeFileSync(path.join(workspace, 'not_airflow.py'), 'print("hello")\n');
  client = await TestLspClient.start({ folders: [workspace] });
});

after(async () => {
  await client.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
});

test('publishes rule diagnostics with code, docs link, source, related information and fix data; they disappear when fixed', async () => {
  const uri = pathToFileURL(path.join(workspace, 'orders.py')).href;
  await client.open(uri, CYCLE_DAG, 1);
  const diagnostics = await client.diagnosticsFor(uri, 1);
  const cycle = diagnostics.find((diagnostic) => diagnostic.code === 'dag-cycle');
  assert.ok(cycle, `no dag-cycle diagnostic in ${JSON.stringify(diagnostics)}`);
  assert.equal(cycle.source, 'Airflow DAG Studio');
  assert.match(cycle.codeDescription?.href ?? '', /docs\/rules\/dag-cycle\.md$/);
  assert.ok((cycle.relatedInformation ?? []).length > 0);
  assert.deepEqual(Object.keys(cycle.data as object).sort(), ['fixes', 'ruleId', 'version']);

  const { change } = replaceChange(CYCLE_DAG, '    load >> extract\n', '');
  await client.change(uri, 2, [change]);
  const after = await client.diagnosticsFor(uri, 2);
  assert.equal(after.filter((diagnostic) => diagnostic.code === 'dag-cycle').length, 0);
  await client.close(uri);
});

test('changes received together fold into one analysis of the last version', async () => {
  const uri = 'untitled:burst.py';
  await client.open(uri, CYCLE_DAG, 1);
  await client.diagnosticsFor(uri, 1);
  // Five keystrokes written in one go, as they reach the server when the user types faster than it analyses.
  let text = CYCLE_DAG;
  let messages = '';
  for (let version = 2; version <= 6; version++) {
    const edit = replaceChange(text, '.sh"', '_.sh"');
    text = edit.text;
    const body = JSON.stringify({ jsonrpc: '2.0', method: 'textDocument/didChange', params: { textDocument: { uri, version }, contentChanges: [edit.change] } });
    messages += `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  }
  client.process.stdin!.write(messages);
  await client.diagnosticsFor(uri, 6);
  const analysed = (client.diagnostics.get(uri) ?? []).map((published) => published.version).filter((version) => version !== 1);
  assert.deepEqual(analysed, [6]);
  await client.close(uri);
});

test('a syntax error is reported as syntax-error and the server keeps serving', async () => {
  const uri = 'untitled:Broken-1';
  const text = 'from airflow import DAG\n\nwith DAG("broken") as dag:\n    sizes = (1,\n';
  await client.open(uri, text, 1);
  const diagnostics = await client.diagnosticsFor(uri, 1);
  assert.ok(diagnostics.some((diagnostic) => diagnostic.code === 'syntax-error'), JSON.stringify(diagnostics));
  const { change } = replaceChange(text, '(1,', '(1,)');
  await client.change(uri, 2, [change]);
  const fixed = await client.diagnosticsFor(uri, 2);
  assert.equal(fixed.filter((diagnostic) => diagnostic.code === 'syntax-error').length, 0);
  await client.close(uri);
});

test('hover shows a setting a TaskGroup\'s default_args give the task, and when they cannot be read', async () => {
  const text = [
    'from airflow.sdk import DAG, TaskGroup',
    'from airflow.providers.standard.operators.bash import BashOperator',
    'from team.config import team_defaults',
    '',
    'with DAG("grouped", schedule=None, default_args={"retries": 1}):',
    '    with TaskGroup("loads", default_args={"retries": 3}):',
    '        load = BashOperator(task_id="load", bash_command="echo load")',
    '    with TaskGroup("opaque", default_args=team_defaults()):',
    '        hidden = BashOperator(task_id="hidden", bash_command="echo hidden")',
    '',
  ].join('\n');
  const uri = 'untitled:Hover-Groups';
  await client.open(uri, text, 1);
  await client.diagnosticsFor(uri, 1);
  const hoverOn = async (needle: string) => {
    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, needle, 10) });
    return (hover!.contents as MarkupContent).value;
  };
  assert.match(await hoverOn('task_id="load"'), /\| retries \| `3` _\(from TaskGroup default_args\)_ \|/);
  assert.match(await hoverOn('task_id="hidden"'), /\| retries \| _unknown: its TaskGroup default_args cannot be read statically_ \|/);
  await client.close(uri);
});

test('files that do not import airflow get no diagnostics; removing the import clears them', async () => {
  const uri = 'untitled:Plain-1';
  await client.open(uri, CYCLE_DAG, 1);
  assert.ok((await client.diagnosticsFor(uri, 1)).length > 0);
  await client.change(uri, 2, [{ text: 'import os\n\nprint(os.getcwd())\n' }]);
  await client.waitFor(() => client.latestDiagnostics(uri)?.length === 0, 5000, 'cleared diagnostics');
  const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
  assert.deepEqual(symbols, []);
  await client.close(uri);
});

test('hover on a task shows the operator, effective settings after default_args, and its neighbours', async () => {
  const uri = 'untitled:Hover-1';
  await client.open(uri, CYCLE_DAG, 1);
  await client.diagnosticsFor(uri, 1);
  const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(CYCLE_DAG, 'task_id="extract"', 10) });
  assert.ok(hover, 'no hover');
  const value = (hover.contents as MarkupContent).value;
  assert.match(value, /\*\*extract\*\*/);
  assert.match(value, /BashOperator/);
  assert.match(value, /\| retries \| `2` _\(from default_args\)_ \|/);
  assert.match(value, /\| pool \| `"etl"` _\(from default_args\)_ \|/);
  assert.match(value, /\| trigger_rule \| all_success _\(Airflow default\)_ \|/);
  assert.match(value, /\*\*Upstream:\*\* `load`/);
  assert.match(value, /\*\*Downstream:\*\* `load`/);

  const own = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(CYCLE_DAG, 'task_id="load"', 10) });
  assert.match((own!.contents as MarkupContent).value, /\| retries \| `5` \|/);
  const onDag = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(CYCLE_DAG, 'dag_id="orders"', 9) });
  assert.match((onDag!.contents as MarkupContent).value, /\*\*DAG orders\*\*[\s\S]*schedule: `@daily`[\s\S]*2 tasks/);
  const nothing = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 2 } });
  assert.equal(nothing, null);
  await client.close(uri);
});

test('hover on a TaskFlow function name shows the tasks it becomes', async () => {
  const uri = 'untitled:Hover-2';
  const text = `import pendulum
from airflow.sdk import dag, task


@dag(schedule=None, start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), default_args={"retries": 3})
def reports():
    @task(retries=1)
    def render(name: str) -> str:
        return name

    render("a") >> render("b")


reports()
`;
  await client.open(uri, text, 1);
  await client.diagnosticsFor(uri, 1);
  const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, 'def render', 5) });
  assert.ok(hover, 'no hover on the function name');
  const value = (hover.contents as MarkupContent).value;
  assert.match(value, /\*\*render\*\*/);
  assert.match(value, /\| retries \| `1` \|/);
  assert.match(value, /Also runs as `render__1`/);
  await client.close(uri);
});

test('document symbols nest DAG, TaskGroup and task', async () => {
  const uri = 'untitled:Symbols-1';
  const text = `import pendulum
from airflow.sdk import DAG, TaskGroup
from airflow.providers.standard.operators.empty import EmptyOperator

with DAG("grouped", schedule=None, start_date=pendulum.datetime(2024, 1, 1, tz="UTC")):
    start = EmptyOperator(task_id="start")
    with TaskGroup("transform") as transform:
        clean = EmptyOperator(task_id="clean")
        with TaskGroup("checks"):
            EmptyOperator(task_id="row_count")
    start >> transform
`;
  await client.open(uri, text, 1);
  await client.diagnosticsFor(uri, 1);
  const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
  const outline = (list: DocumentSymbol[] | undefined): unknown => (list ?? []).map((symbol) => (symbol.children?.length ? { [symbol.name]: outline(symbol.children) } : symbol.name));
  assert.deepEqual(outline(symbols), [{ grouped: ['start', { transform: ['transform.clean', { 'transform.checks': ['transform.checks.row_count'] }] }] }]);
  for (const symbol of symbols) {
    const contains = (outer: DocumentSymbol) => {
      const { range, selectionRange } = outer;
      assert.ok(range.start.line <= selectionRange.start.line && selectionRange.end.line <= range.end.line, `${outer.name}: selection outside range`);
      for (const child of outer.children ?? []) contains(child);
    };
    contains(symbol);
  }
  await client.close(uri);
});

test('code actions offer ignore comments for a diagnostic; stale fixes are not offered', async () => {
  const uri = 'untitled:Actions-1';
  await client.open(uri, CYCLE_DAG, 1);
  const diagnostics = await client.diagnosticsFor(uri, 1);
  const cycle = diagnostics.find((diagnostic) => diagnostic.code === 'dag-cycle')!;
  const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: cycle.range, context: { diagnostics: [cycle] } });
  const titles = actions.map((action) => action.title);
  assert.ok(titles.includes('Ignore dag-cycle on this line'), titles.join(', '));
  assert.ok(titles.includes('Ignore dag-cycle in this file'), titles.join(', '));
  const onLine = actions.find((action) => action.title === 'Ignore dag-cycle on this line')!;
  const edit = onLine.edit!.changes![uri]![0]!;
  assert.match(edit.newText, /# dagstudio: ignore\[dag-cycle\]/);

  const withStaleFix: Diagnostic = { ...cycle, data: { ruleId: 'dag-cycle', version: 0, fixes: [{ title: 'Stale', safe: true, edits: [] }] } };
  const stale = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: cycle.range, context: { diagnostics: [withStaleFix] } });
  assert.ok(!stale.some((action) => action.title === 'Stale'));
  await client.close(uri);
});

test('quick fixes come from the diagnostic data and apply to the document', async () => {
  const uri = 'untitled:Fix-1';
  const text = `import pendulum
from airflow.sdk import DAG
from airflow.providers.standard.operators.empty import EmptyOperator

with DAG("backfills", schedule="@daily", start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), catchup=True):
    EmptyOperator(task_id="start")
`;
  await client.open(uri, text, 1);
  const diagnostics = await client.diagnosticsFor(uri, 1);
  const catchup = diagnostics.find((diagnostic) => diagnostic.code === 'catchup-enabled');
  assert.ok(catchup, JSON.stringify(diagnostics.map((diagnostic) => diagnostic.code)));
  const fixes = (catchup.data as { fixes: { title: string }[] }).fixes;
  assert.ok(fixes.length > 0);
  const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: catchup.range, context: { diagnostics: [catchup], only: ['quickfix'] } });
  const fix = actions.find((action) => action.title === fixes[0]!.title);
  assert.ok(fix, actions.map((action) => action.title).join(', '));
  assert.equal(fix.kind, 'quickfix');
  assert.deepEqual(fix.diagnostics, [catchup]);
  const edits = fix.edit!.changes![uri]!;
  // Apply the edits (end to start) as the editor would, and check the finding is gone.
  const lines = text.split('\n');
  const offsetOf = (position: { line: number; character: number }) => lines.slice(0, position.line).reduce((sum, line) => sum + line.length + 1, 0) + position.character;
  let fixed = text;
  for (const edit of [...edits].sort((a, b) => offsetOf(b.range.start) - offsetOf(a.range.start))) {
    fixed = fixed.slice(0, offsetOf(edit.range.start)) + edit.newText + fixed.slice(offsetOf(edit.range.end));
  }
  assert.match(fixed, /catchup=False/);
  await client.change(uri, 2, [{ text: fixed }]);
  const after = await client.diagnosticsFor(uri, 2);
  assert.ok(!after.some((diagnostic) => diagnostic.code === 'catchup-enabled'));
  const refactorOnly = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: catchup.range, context: { diagnostics: [catchup], only: ['refactor'] } });
  assert.deepEqual(refactorOnly, []);
  await client.close(uri);
});

test('settings and pyproject.toml decide rule levels, and a change re-analyses open documents', async () => {
  const project = path.join(workspace, 'configured');
  fs.mkdirSync(project, { recursive: true });
  const uri = pathToFileURL(path.join(project, 'looping.py')).href;
  await client.open(uri, CYCLE_DAG.replace('"orders"', '"looping"'), 1);
  const initial = await client.diagnosticsFor(uri, 1);
  assert.equal(initial.find((diagnostic) => diagnostic.code === 'dag-cycle')?.severity, 1);

  // VS Code settings: dag-cycle as a warning.
  client.settings = { rules: { 'dag-cycle': 'warning' } };
  let published = client.diagnostics.get(uri)!.length;
  await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { dagstudio: client.settings } });
  await client.waitFor(() => client.diagnostics.get(uri)!.length > published, 10_000, 're-analysis after a settings change');
  assert.equal(client.latestDiagnostics(uri)!.find((diagnostic) => diagnostic.code === 'dag-cycle')?.severity, 2);

  // The nearest pyproject.toml wins over the editor settings, as in the CLI.
  fs.writeFileSync(path.join(project, 'pyproject.toml'), '[tool.dagstudio.rules]\ndag-cycle = "off"\n');
  published = client.diagnostics.get(uri)!.length;
  await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(path.join(project, 'pyproject.toml')).href, type: 1 }] });
  await client.waitFor(() => client.diagnostics.get(uri)!.length > published, 10_000, 're-analysis after a pyproject.toml change');
  assert.ok(!client.latestDiagnostics(uri)!.some((diagnostic) => diagnostic.code === 'dag-cycle'));
  client.settings = {};
  await client.close(uri);
  fs.rmSync(path.join(project, 'pyproject.toml'));
});

test('creating or deleting a template file beside an open DAG re-checks it', async () => {
  const project = path.join(workspace, 'templated');
  fs.mkdirSync(path.join(project, 'scripts'), { recursive: true });
  const text = [
    'from airflow.sdk import DAG',
    'from airflow.providers.standard.operators.bash import BashOperator',
    '',
    'with DAG("templated", schedule=None):',
    '    run = BashOperator(task_id="run", bash_command="scripts/run.sh")',
    '',
  ].join('\n');
  const uri = pathToFileURL(path.join(project, 'templated.py')).href;
  const script = path.join(project, 'scripts', 'run.sh');
  const missing = () => client.latestDiagnostics(uri)!.some((diagnostic) => diagnostic.code === 'missing-template-file');
  await client.open(uri, text, 1);
  await client.diagnosticsFor(uri, 1);
  assert.ok(missing(), 'the script does not exist yet');

  fs.writeFileSync(script, 'echo "{{ ds }}"\n');
  await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(script).href, type: 1 }] });
  await client.waitFor(() => !missing(), 10_000, 're-check after the template file was created');

  fs.rmSync(script);
  await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(script).href, type: 3 }] });
  await client.waitFor(missing, 10_000, 're-check after the template file was deleted');
  await client.close(uri);
});

test('dagStudio/graph answers the current graph and graphDidChange follows each analysis', async () => {
  const uri = 'untitled:Graph-1';
  await client.open(uri, CYCLE_DAG, 1);
  await client.waitFor(() => client.notifications.some((n) => n.method === 'dagStudio/graphDidChange' && (n.params as { uri: string }).uri === uri), 5000, 'graphDidChange');
  const snapshot = await client.request<GraphSnapshot>('dagStudio/graph', { uri });
  assert.equal(snapshot.version, 1);
  assert.equal(snapshot.dags.length, 1);
  assert.deepEqual(snapshot.dags[0]!.tasks.map((task) => task.taskId).sort(), ['extract', 'load']);
  assert.ok(snapshot.dags[0]!.edges.every((edge) => edge.inCycle));
  const unknown = await client.request<GraphSnapshot>('dagStudio/graph', { uri: 'untitled:NotOpen' });
  assert.deepEqual(unknown.dags, []);
  await client.close(uri);
});

test('duplicate-dag-id: the workspace index links definitions across files and follows changes on disk', async () => {
  await client.waitFor(() => client.notifications.some((n) => n.method === 'dagStudio/indexStatus' && !(n.params as { indexing: boolean }).indexing), 10_000, 'index done');
  const uri = pathToFileURL(path.join(workspace, 'copy.py')).href;
  const text = `from airflow import DAG\n\nwith DAG(dag_id="shared_id", schedule=None):\n    pass\n`;
  await client.open(uri, text, 1);
  const diagnostics = await client.diagnosticsFor(uri, 1);
  const duplicate = diagnostics.find((diagnostic) => diagnostic.code === 'duplicate-dag-id');
  assert.ok(duplicate, JSON.stringify(diagnostics));
  assert.equal(duplicate.severity, 1);
  assert.match(duplicate.message, /existing\.py/);
  assert.equal(duplicate.relatedInformation?.[0]?.location.uri, pathToFileURL(path.join(workspace, 'existing.py')).href);
  assert.deepEqual(duplicate.relatedInformation?.[0]?.location.range.start, { line: 2, character: 16 });

  // The other file is renamed on disk: the watcher reports it and the finding goes away.
  const existing = path.join(workspace, 'existing.py');
  fs.writeFileSync(existing, `from airflow import DAG\n\nwith DAG(dag_id="renamed_id", schedule=None):\n    pass\n`);
  const published = client.diagnostics.get(uri)!.length;
  await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(existing).href, type: 2 }] });
  await client.waitFor(() => client.diagnostics.get(uri)!.length > published && !client.latestDiagnostics(uri)!.some((d) => d.code === 'duplicate-dag-id'), 10_000, 'duplicate cleared');

  // A new file with the same id appears.
  const third = path.join(workspace, 'third.py');
  fs.writeFileSync(third, `from airflow import DAG\nwith DAG("shared_id", schedule=None):\n    pass\n`);
  await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(third).href, type: 1 }] });
  await client.waitFor(() => client.latestDiagnostics(uri)!.some((d) => d.code === 'duplicate-dag-id' && /third\.py/.test(d.message)), 10_000, 'duplicate with third.py');

  // A copy inside a virtual environment in the workspace is not a DAG of this project.
  const venv = path.join(workspace, 'env311', 'lib');
  fs.mkdirSync(venv, { recursive: true });
  fs.writeFileSync(path.join(workspace, 'env311', 'pyvenv.cfg'), 'home = /usr/bin\n');
  fs.writeFileSync(path.join(venv, 'example.py'), `from airflow import DAG\nwith DAG("shared_id", schedule=None):\n    pass\n`);
  const beforeVenv = client.diagnostics.get(uri)!.length;
  await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(path.join(venv, 'example.py')).href, type: 1 }] });
  await new Promise((resolve) => setTimeout(resolve, 1000));
  assert.equal(client.diagnostics.get(uri)!.length, beforeVenv, 'a file in a virtual environment changed the diagnostics');

  // ...and is deleted again.
  fs.rmSync(third);
  await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(third).href, type: 3 }] });
  await client.waitFor(() => !client.latestDiagnostics(uri)!.some((d) => d.code === 'duplicate-dag-id'), 10_000, 'duplicate cleared after delete');
  await client.close(uri);
});

test('survives garbage and out-of-range requests', async () => {
  const uri = 'untitled:Garbage-1';
  let garbage = 'from airflow import DAG\n';
  let seed = 7;
  for (let index = 0; index < 5000; index++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    garbage += String.fromCharCode(seed % 0xd7ff);
  }
  await client.open(uri, garbage, 1);
  await client.diagnosticsFor(uri, 1);
  await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 9999, character: 9999 } });
  await client.change(uri, 2, [{ range: { start: { line: 5000, character: 0 }, end: { line: 6000, character: 3 } }, text: 'with DAG("x"):\n    pass\n' }]);
  await client.diagnosticsFor(uri, 2);
  const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
  assert.ok(Array.isArray(symbols));
  await client.close(uri);
});
