// Full-analysis time per file for generated 200-, 2,000- and 5,000-task DAGs, split into bare
// tree-sitter parse, model building and rules, and analysis as a ratio of the bare parse.
import { analyze, clearStatementCache } from '../server/src/analyzer/analyze';
import { createPythonParser, parsePython } from '../server/src/analyzer/parser';
import { DEFAULT_SETTINGS, toAnalysisConfig } from '../server/src/config/index';
import { collectFindings } from '../server/src/lsp/pipeline';
import { formatMs, median, printTable } from './support/report';
import { generateDagFile } from './support/generate';

const SIZES = [200, 2000, 5000];
const RUNS = Number(process.env['BENCH_RUNS'] ?? 15);

async function main(): Promise<void> {
  const parser = await createPythonParser();
  const rows: string[][] = [];
  for (const size of SIZES) {
    const text = generateDagFile(size);
    const parseTimes: number[] = [];
    const modelTimes: number[] = [];
    const ruleTimes: number[] = [];
    const warmTimes: number[] = [];
    let tasks = 0;
    let findings = 0;
    // The first rounds warm up the JIT and are not counted.
    for (let run = -3; run < RUNS; run++) {
      // Cold: the analyzer's per-statement cache would otherwise make every run after the first a re-analysis.
      clearStatementCache();
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
  printTable(
    `Full analysis per file (median of ${RUNS} runs)`,
    ['tasks asked', 'tasks found', 'size', 'bare parse', 'model (cold)', 'model after an edit', 'rules', 'total', 'analysis ÷ parse', 'total ÷ parse', 'findings'],
    rows,
  );
  console.log('analysis ÷ parse = (cold model + rules) ÷ bare parse. Target: ≤ 1.5. "model after an edit" reuses the analyzer\'s per-statement cache.');
}

void main();
