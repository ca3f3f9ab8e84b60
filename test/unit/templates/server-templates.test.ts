import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { CompletionList, DocumentLink, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { TestLspClient } from '../lsp/lspClient';

/**
 * The template features through the real language server: completion, hover, document links and the
 * template diagnostics with their quick fix data.
 */
const DAG = `import pendulum
from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator

with DAG(dag_id="templates", schedule="@daily", start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), params={"region": "emea"}):
    load = BashOperator(task_id="load", bash_command="load.sh {{ da }} {{ ds_nodahs }} {{ ts }}")
    query = SQLExecuteQueryOperator(task_id="query", conn_id="dwh", sql="queries/daily.sql")
    load >> query
`;

function positionOf(text: string, needle: string, delta = 0) {
  const offset = text.indexOf(needle) + delta;
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

let workspace: string;
let client: TestLspClient;
let uri: string;

before(async () => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'dagstudio-templates-'));
  fs.mkdirSync(path.join(workspace, 'queries'));
  fs.writeFileSync(path.join(workspace, 'queries', 'daily.sql'), "SELECT * FROM sales WHERE region = '{{ params.region }}'\n");
  client = await TestLspClient.start({ folders: [workspace] });
  uri = pathToFileURL(path.join(workspace, 'templates.py')).href;
  await client.open(uri, DAG, 1);
  // Requests are answered once the document's settings arrived and it was analysed.
  await client.diagnosticsFor(uri, 1);
});

after(async () => {
  await client.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
});

test('typing {{ da inside bash_command offers ds and data_interval_start', async () => {
  const list = await client.request<CompletionList | null>('textDocument/completion', { textDocument: { uri }, position: positionOf(DAG, '{{ da }}', 5) });
  assert.ok(list, 'a completion list');
  const labels = list.items.map((item) => item.label);
  assert.ok(labels.includes('ds') && labels.includes('data_interval_start'), labels.join(', '));
  const ds = list.items.find((item) => item.label === 'ds')!;
  assert.deepEqual(ds.textEdit && 'range' in ds.textEdit ? ds.textEdit.range : null, { start: positionOf(DAG, '{{ da }}', 3), end: positionOf(DAG, '{{ da }}', 5) });
});

test('a typo in a template is a diagnostic whose fix replaces the name', async () => {
  const diagnostics = await client.diagnosticsFor(uri, 1);
  const typo = diagnostics.find((diagnostic) => diagnostic.code === 'unknown-template-variable' && diagnostic.message.includes('ds_nodahs'));
  assert.ok(typo, JSON.stringify(diagnostics.map((diagnostic) => diagnostic.message)));
  assert.deepEqual(typo.range.start, positionOf(DAG, 'ds_nodahs'));
  assert.match(JSON.stringify(typo.data), /ds_nodash/);
});

test('hover inside a template explains the variable; elsewhere the task hover answers', async () => {
  const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(DAG, '{{ ts }}', 4) });
  assert.match((hover?.contents as MarkupContent).value, /\*\*ts\*\* `str`/);
  const taskHover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(DAG, 'ds_nodahs', 2) });
  assert.match((taskHover?.contents as MarkupContent).value, /BashOperator/);
});

test('the template file named by sql= is a document link', async () => {
  const links = await client.request<DocumentLink[]>('textDocument/documentLink', { textDocument: { uri } });
  assert.deepEqual(links.map((link) => link.target), [pathToFileURL(path.join(workspace, 'queries', 'daily.sql')).href]);
  assert.deepEqual(links[0]!.range.start, positionOf(DAG, 'queries/daily.sql'));
});
