// Jinja template work on the generated 2,000-task file: the template analysis the four template rules
// share (uncached), and one completion and one hover request
// inside a `bash_command`, as the editor sends them while the user types.
import { analyze } from '../server/src/analyzer/analyze';
import { createPythonParser, parsePython } from '../server/src/analyzer/parser';
import { fileTemplates, forgetTemplates } from '../server/src/templates/analysis';
import { templateCompletions, templateHover } from '../server/src/templates/language';
import { formatMs, median, printTable } from './support/report';
import { generateDagFile } from './support/generate';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 15);

async function main(): Promise<void> {
  const parser = await createPythonParser();
  const text = generateDagFile(2000);
  const model = analyze(parsePython(parser, text), text);
  const lines = text.split('\n');
  const line = lines.findIndex((candidate) => candidate.includes('{{ ds }}'));
  if (line < 0) throw new Error('the generated file has no template');
  const position = { line, character: lines[line]!.indexOf('{{ ds }}') + 4 };

  const analysisTimes: number[] = [];
  const completionTimes: number[] = [];
  const hoverTimes: number[] = [];
  let templates = 0;
  let items = 0;
  for (let run = -3; run < RUNS; run++) {
    // The analysis is cached per model object: forget it so each run does the work.
    forgetTemplates(model);
    const start = performance.now();
    const result = fileTemplates(model, text, 3);
    const analysed = performance.now();
    items = templateCompletions(model, text, position, 3)?.items.length ?? 0;
    const completed = performance.now();
    if (!templateHover(model, text, position, 3)) throw new Error('no hover on {{ ds }}');
    const hovered = performance.now();
    if (run < 0) continue;
    templates = result.inline.length;
    analysisTimes.push(analysed - start);
    completionTimes.push(completed - analysed);
    hoverTimes.push(hovered - completed);
  }
  printTable(`Templates on the generated 2,000-task file (median of ${RUNS} runs)`, ['step', 'time', 'count'], [
    ['template analysis shared by the template rules', formatMs(median(analysisTimes)), `${templates} templates`],
    ['completion inside {{ }}', formatMs(median(completionTimes)), `${items} items`],
    ['hover inside {{ }}', formatMs(median(hoverTimes)), ''],
  ]);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
