// Time per rule on the generated 2,000-task file, to find the rule that eats the edit budget
// (edit → diagnostics p95 ≤ 30 ms covers parse, model and every rule together).
//
// The server builds a new model on every keystroke, so every run here starts from a fresh model too:
// work the rules share per model (the file's templates, the call index, the DAG graphs) is then paid
// once per run, by the first rule in registry order that asks for it, and the per-rule times add up to
// what all rules together cost. Measuring on one reused model would hide that shared work.
import { analyze } from '../server/src/analyzer/analyze';
import { createPythonParser, parsePython } from '../server/src/analyzer/parser';
import { DEFAULT_SETTINGS, toAnalysisConfig } from '../server/src/config/index';
import { runRules } from '../server/src/rules/engine';
import { allRules } from '../server/src/rules/index';
import { formatMs, median, printTable } from './support/report';
import { generateDagFile } from './support/generate';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 15);

async function main(): Promise<void> {
  const parser = await createPythonParser();
  const text = generateDagFile(2000);
  const tree = parsePython(parser, text);
  const config = toAnalysisConfig(DEFAULT_SETTINGS, analyze(tree, text));

  const coldModel = analyze(tree, text);
  let start = performance.now();
  runRules(coldModel, text, config);
  const cold = performance.now() - start;

  const times = new Map<string, number[]>(allRules.map((rule) => [rule.meta.id, []]));
  const findings = new Map<string, number>();
  const allTimes: number[] = [];
  for (let run = -3; run < RUNS; run++) {
    const model = analyze(tree, text);
    for (const rule of allRules) {
      start = performance.now();
      findings.set(rule.meta.id, runRules(model, text, config, { rules: [rule] }).length);
      if (run >= 0) times.get(rule.meta.id)!.push(performance.now() - start);
    }
    const freshModel = analyze(tree, text);
    start = performance.now();
    runRules(freshModel, text, config);
    if (run >= 0) allTimes.push(performance.now() - start);
  }
  const rows = allRules.map((rule) => ({ id: rule.meta.id, time: median(times.get(rule.meta.id)!), findings: findings.get(rule.meta.id)! }));
  rows.sort((a, b) => b.time - a.time);
  printTable(`Rules on a fresh model of the generated 2,000-task file (median of ${RUNS} runs)`, ['rule', 'time', 'findings'], [
    ...rows.map((row) => [row.id, formatMs(row.time), String(row.findings)]),
    ['sum of the rules', formatMs(rows.reduce((sum, row) => sum + row.time, 0)), ''],
    ['all rules together', formatMs(median(allTimes)), ''],
    ['all rules together, first run in the process', formatMs(cold), ''],
  ]);
  tree.delete();
}

void main();
