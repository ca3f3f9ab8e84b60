// Full-analysis time per file for generated 200-, 2,000- and 5,000-task DAGs, split into bare
// tree-sitter parse, model building and rules, and analysis as a ratio of the bare parse.
//
// A first analysis keeps most of what it allocates, so its time depends on the young generation's size:
// the figures are measured twice, in a process with the language server's Node options (where a file
// opened in the editor is analysed) and with Node's defaults (the command line).
import { spawnSync } from 'node:child_process';
import { analyze, clearAnalysisCaches } from '../server/src/analyzer/analyze';
import { createPythonParser, parsePython } from '../server/src/analyzer/parser';
import { DEFAULT_SETTINGS, toAnalysisConfig } from '../server/src/config/index';
import { toDiagnostics } from '../server/src/lsp/diagnostics';
import { ParsedDocument } from '../server/src/lsp/parsedDocument';
import { collectFindings } from '../server/src/lsp/pipeline';
import { clearContentCaches } from '../server/src/templates/contentCache';
import { formatMs, median, printTable } from './support/report';
import { generateDagFile } from './support/generate';
import { SERVER_NODE_OPTIONS } from '../protocol/serverProcess';

const SIZES = [200, 2000, 5000];
const RUNS = Number(process.env['BENCH_RUNS'] ?? 15);
/** Set in the measuring processes: `server` or `default`, the heap they run with. */
const HEAP = process.env['BENCH_HEAP'];

/** Runs this benchmark in a process with the server's Node options, then in one with Node's defaults. */
function measureInBothHeaps(): void {
  const script = process.argv[1]!;
  let failed = false;
  for (const [heap, options] of [['server', SERVER_NODE_OPTIONS], ['default', []]] as const) {
    const result = spawnSync(process.execPath, [...options, ...process.execArgv, script], { stdio: 'inherit', env: { ...process.env, BENCH_HEAP: heap } });
    if (result.status !== 0) failed = true;
  }
  process.exitCode = failed ? 1 : 0;
}

async function main(): Promise<void> {
  const parser = await createPythonParser();
  const rows: string[][] = [];
  const texts = SIZES.map((size) => generateDagFile(size));
  // The server has analysed other files before (the workspace index analyses every DAG file at start):
  // the code is compiled by then. Without this the first size measured would pay for the JIT.
  for (let round = 0; round < 5; round++) {
    for (const text of texts) {
      clearAnalysisCaches();
      clearContentCaches();
      const tree = parsePython(parser, text);
      const model = analyze(tree, text);
      collectFindings(model, text, toAnalysisConfig(DEFAULT_SETTINGS, model));
      tree.delete();
    }
  }
  for (const [index, size] of SIZES.entries()) {
    const text = texts[index]!;
    const parseTimes: number[] = [];
    const modelTimes: number[] = [];
    const ruleTimes: number[] = [];
    const warmTimes: number[] = [];
    let tasks = 0;
    let findings = 0;
    // The first rounds warm up the JIT and are not counted.
    for (let run = -3; run < RUNS; run++) {
      // Cold: the analyzer's per-statement caches and the templates' content caches would otherwise make every
      // run after the first a re-analysis.
      clearAnalysisCaches();
      clearContentCaches();
      const parseStart = performance.now();
      const tree = parsePython(parser, text);
      const parsed = performance.now();
      const model = analyze(tree, text);
      const modelled = performance.now();
      const result = collectFindings(model, text, toAnalysisConfig(DEFAULT_SETTINGS, model));
      const checked = performance.now();
      tree.delete();
      // Warm: the same file after a one-character edit, as the server sees it while the user types.
      const edited = text.replace('extract.sh region_0000', `extract.sh region_000${run & 7}x`);
      const editedTree = parsePython(parser, edited);
      const warmStart = performance.now();
      analyze(editedTree, edited);
      const warm = performance.now() - warmStart;
      editedTree.delete();
      if (run < 0) continue;
      warmTimes.push(warm);
      parseTimes.push(parsed - parseStart);
      modelTimes.push(modelled - parsed);
      ruleTimes.push(checked - modelled);
      tasks = model.dags.reduce((sum, dag) => sum + dag.tasks.length, 0);
      findings = result.length;
    }
    const parse = median(parseTimes);
    const model = median(modelTimes);
    const rules = median(ruleTimes);
    rows.push([
      String(size),
      String(tasks),
      `${Math.round(text.length / 1024)} KiB`,
      formatMs(parse),
      formatMs(model),
      formatMs(median(warmTimes)),
      formatMs(rules),
      formatMs(parse + model + rules),
      `${((model + rules) / parse).toFixed(2)}×`,
      `${((parse + model + rules) / parse).toFixed(2)}×`,
      String(findings),
    ]);
  }
  const where = HEAP === 'server'
    ? `in the language server's heap (${SERVER_NODE_OPTIONS.join(' ')})`
    : "with Node's default heap, as the command line runs";
  printTable(
    `Full analysis per file, ${where} (median of ${RUNS} runs)`,
    ['tasks asked', 'tasks found', 'size', 'bare parse', 'model (cold)', 'model after an edit', 'rules', 'total', 'analysis ÷ parse', 'total ÷ parse', 'findings'],
    rows,
  );
  // Keystrokes only happen in the server.
  if (HEAP === 'server') {
    await keystrokeBreakdown();
    await memoryWhileTyping();
  }
  console.log('analysis ÷ parse = (cold model + rules) ÷ bare parse. Target: ≤ 1.5. "model after an edit" reuses the analyzer\'s per-statement cache.');
}

/**
 * Where the time of one keystroke goes on the 2,000-task file, stage by stage as the server runs them
 * (in process, without the JSON-RPC hop): applying the change and editing the tree, the incremental
 * reparse, the model, the rules, the conversion to LSP diagnostics.
 */
async function keystrokeBreakdown(): Promise<void> {
  const text = generateDagFile(2000);
  const document = new ParsedDocument('untitled:generated_2000.py', await createPythonParser(), text, 1);
  document.tree();
  const lines = text.split('\n');
  const line = lines.findIndex((candidate) => candidate.includes('extract.sh'));
  const character = lines[line]!.indexOf('.sh') + 1;
  const stages: Record<string, number[]> = { 'apply change': [], 'incremental parse': [], model: [], rules: [], diagnostics: [] };
  for (let version = 2; version < 2 + 10 + RUNS * 2; version++) {
    const typed = version % 2 === 0;
    const change = typed
      ? { range: { start: { line, character }, end: { line, character } }, text: 'x' }
      : { range: { start: { line, character }, end: { line, character: character + 1 } }, text: '' };
    let last = performance.now();
    const lap = (stage: string) => {
      const now = performance.now();
      if (version >= 12) stages[stage]!.push(now - last);
      last = now;
    };
    document.applyChanges([change], version);
    lap('apply change');
    const tree = document.tree();
    lap('incremental parse');
    const model = analyze(tree, document.text);
    lap('model');
    const findings = collectFindings(model, document.text, toAnalysisConfig(DEFAULT_SETTINGS, model));
    lap('rules');
    toDiagnostics(findings, 'untitled:generated_2000.py', version);
    lap('diagnostics');
  }
  document.dispose();
  const names = Object.keys(stages);
  printTable('One keystroke on the 2,000-task file, by stage (median, in process)', names, [names.map((name) => formatMs(median(stages[name]!)))]);
}

/**
 * The heap while typing on the 2,000-task file, a character at a time in different places, analysed and
 * checked after each one: what the analyzer keeps between analyses (statement copies, facts, content
 * caches) must stay bounded and must not keep old versions of the document alive.
 */
async function memoryWhileTyping(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    console.log('(heap while typing: run with --expose-gc, as `npm run bench` does)');
    return;
  }
  clearAnalysisCaches();
  clearContentCaches();
  const text = generateDagFile(2000);
  const document = new ParsedDocument('untitled:generated_2000.py', await createPythonParser(), text, 1);
  const lines = text.split('\n');
  const editable = lines.flatMap((line, index) => (line.includes('extract.sh') ? [index] : []));
  const rows: string[][] = [];
  const heap = () => {
    gc();
    return process.memoryUsage().heapUsed / (1024 * 1024);
  };
  let model = analyze(document.tree(), document.text);
  collectFindings(model, document.text, toAnalysisConfig(DEFAULT_SETTINGS, model));
  const start = heap();
  const EDITS = 3000;
  for (let edit = 1; edit <= EDITS; edit++) {
    const line = editable[(edit * 37) % editable.length]!;
    const character = lines[line]!.indexOf('.sh') + 1;
    document.applyChanges([{ range: { start: { line, character }, end: { line, character } }, text: 'x' }], edit + 1);
    model = analyze(document.tree(), document.text);
    collectFindings(model, document.text, toAnalysisConfig(DEFAULT_SETTINGS, model));
    if (edit % 1000 === 0) rows.push([String(edit), `${heap().toFixed(0)} MB`, `${(heap() - start).toFixed(0)} MB`]);
  }
  document.dispose();
  printTable(`Heap while typing on the 2,000-task file (after the first analysis: ${start.toFixed(0)} MB; document ${Math.round(text.length / 1024)} KiB)`, ['keystrokes', 'heap', 'growth'], rows);
}

if (HEAP === undefined) measureInBothHeaps();
else void main();
