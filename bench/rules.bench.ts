// Time per rule on the generated 2,000-task file, to find the rule that eats the edit budget
// (edit → diagnostics p95 ≤ 30 ms covers parse, model and every rule together).
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
  const model = analyze(tree, text);
  const config = toAnalysisConfig(DEFAULT_SETTINGS, model);
  const rows: { id: string; time: number; findings: number }[] = [];
  for (const rule of allRules) {
    const times: number[] = [];
    let findings = 0;
    for (let run = -3; run < RUNS; run++) {
      const start = performance.now();
      findings = runRules(model, text, config, { rules: [rule] }).length;
      if (run >= 0) times.push(performance.now() - start);
    }
    rows.push({ id: rule.meta.id, time: median(times), findings });
  }
  const allTimes: number[] = [];
  for (let run = -3; run < RUNS; run++) {
    const start = performance.now();
    runRules(model, text, config);
    if (run >= 0) allTimes.push(performance.now() - start);
  }
  rows.sort((a, b) => b.time - a.time);
  printTable(`Rules on the generated 2,000-task file (median of ${RUNS} runs)`, ['rule', 'time', 'findings'], [
    ...rows.map((row) => [row.id, formatMs(row.time), String(row.findings)]),
    ['all rules together', formatMs(median(allTimes)), ''],
  ]);
  tree.delete();
}

void main();
