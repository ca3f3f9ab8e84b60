// Through a real LSP connection over stdio to dist/server/server.js:
//  1. the time from a one-character edit to the publishDiagnostics for that version, on a generated
//     2,000-task DAG file (p50 / p95 over 200 edits);
//  2. indexing a workspace of 1,000 generated DAG files: time until the index is complete, the
//     server's memory, and edit latency on an open file while the index is being built.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TestLspClient } from '../test/unit/lsp/lspClient';
import { generateDagFile, generateSmallDagFile } from './support/generate';
import { formatMs, median, percentile, printTable } from './support/report';

const EDITS = Number(process.env['BENCH_EDITS'] ?? 200);
const INDEX_FILES = Number(process.env['BENCH_INDEX_FILES'] ?? 1000);

/** One keystroke inside a string literal on line `line`: alternately type a letter and delete it again. */
function keystroke(text: string, line: number, typed: boolean) {
  const lineText = text.split('\n')[line]!;
  const character = lineText.indexOf('.sh') + 1;
  return typed
    ? { range: { start: { line, character }, end: { line, character: character + 1 } }, text: '' }
    : { range: { start: { line, character }, end: { line, character } }, text: 'x' };
}

/** Lines that hold a BashOperator: edits spread over the file like real typing. */
function editableLines(text: string): number[] {
  return text.split('\n').flatMap((line, index) => (line.includes('extract.sh') ? [index] : []));
}

async function editLatencies(client: TestLspClient, uri: string, text: string, count: number, startVersion: number): Promise<number[]> {
  const lines = editableLines(text);
  const latencies: number[] = [];
  let version = startVersion;
  for (let edit = 0; edit < count; edit++) {
    const line = lines[Math.floor(edit / 2) * 37 % lines.length]!;
    const change = keystroke(text, line, edit % 2 === 1);
    version++;
    const sent = performance.now();
    await client.change(uri, version, [change]);
    await client.diagnosticsFor(uri, version);
    latencies.push(performance.now() - sent);
  }
  return latencies;
}

/** Resident and peak resident memory of a process, from /proc (Linux). */
function memoryOf(pid: number): { rss: number; peak: number } | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(/^(\w+):\s+(\d+) kB$/m.exec(status.split('\n').find((line) => line.startsWith(`${name}:`)) ?? '')?.[2] ?? NaN) / 1024;
    return { rss: field('VmRSS'), peak: field('VmHWM') };
  } catch {
    return null;
  }
}

async function benchEditLatency(): Promise<void> {
  const client = await TestLspClient.start();
  try {
    const text = generateDagFile(2000);
    const uri = 'untitled:generated_2000.py';
    const opened = performance.now();
    await client.open(uri, text, 1);
    await client.diagnosticsFor(uri, 1);
    const firstDiagnostics = performance.now() - opened;
    // Warm-up edits (JIT, caches) are not counted.
    await editLatencies(client, uri, text, 10, 1);
    const latencies = await editLatencies(client, uri, text, EDITS, 11);
    printTable('Edit → publishDiagnostics over stdio, 2,000-task DAG file', ['edits', 'first diagnostics after open', 'p50', 'p95', 'max'], [[
      String(latencies.length), formatMs(firstDiagnostics), formatMs(median(latencies)), formatMs(percentile(latencies, 95)), formatMs(Math.max(...latencies)),
    ]]);
    console.log('Target: p95 ≤ 30 ms.');
  } finally {
    await client.stop();
  }
}

const indexDone = (client: TestLspClient) => () => client.notifications.some((n) => n.method === 'dagStudio/indexStatus'
  && !(n.params as { indexing: boolean }).indexing && (n.params as { dags: number }).dags >= INDEX_FILES);

async function benchWorkspaceIndex(): Promise<void> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'dagstudio-index-bench-'));
  for (let index = 0; index < INDEX_FILES; index++) {
    const subfolder = path.join(folder, `team_${index % 20}`);
    fs.mkdirSync(subfolder, { recursive: true });
    fs.writeFileSync(path.join(subfolder, `dag_${index}.py`), generateSmallDagFile(index));
  }
  try {
    // 1. The index alone: from starting the server to a complete index.
    const started = performance.now();
    const quiet = await TestLspClient.start({ folders: [folder] });
    let indexSeconds: number;
    let memory: ReturnType<typeof memoryOf>;
    let status: { dags: number; dagFiles: number };
    try {
      await quiet.waitFor(indexDone(quiet), 300_000, 'index complete');
      indexSeconds = (performance.now() - started) / 1000;
      memory = memoryOf(quiet.process.pid!);
      status = [...quiet.notifications].reverse().find((n) => n.method === 'dagStudio/indexStatus')!.params as { dags: number; dagFiles: number };
    } finally {
      await quiet.stop();
    }

    // 2. Typing in an open 200-task file while the index is built: diagnostics must not wait for it.
    const busy = await TestLspClient.start({ folders: [folder] });
    const duringIndex: number[] = [];
    try {
      const openText = generateDagFile(200, 'open_while_indexing');
      const uri = pathToFileURL(path.join(folder, 'open_while_indexing.py')).href;
      await busy.open(uri, openText, 1);
      await busy.diagnosticsFor(uri, 1);
      let version = 1;
      while (!indexDone(busy)() && duringIndex.length < 400) {
        duringIndex.push(...await editLatencies(busy, uri, openText, 2, version));
        version += 2;
      }
    } finally {
      await busy.stop();
    }

    printTable(`Workspace index, ${INDEX_FILES} generated DAG files`, ['files with DAGs', 'DAGs', 'time to complete index', 'server RSS', 'server peak RSS'], [[
      String(status.dagFiles), String(status.dags), `${indexSeconds.toFixed(2)} s`,
      memory ? `${memory.rss.toFixed(0)} MB` : 'n/a', memory ? `${memory.peak.toFixed(0)} MB` : 'n/a',
    ]]);
    console.log('Targets: index ≤ 10 s, RSS ≤ 300 MB.');
    printTable('Edit → publishDiagnostics on an open 200-task file while the index is built', ['edits', 'p50', 'p95'], [[
      String(duringIndex.length), duringIndex.length ? formatMs(median(duringIndex)) : 'n/a', duringIndex.length ? formatMs(percentile(duringIndex, 95)) : 'n/a',
    ]]);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  await benchEditLatency();
  await benchWorkspaceIndex();
}

void main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
