import type { Range } from '../analyzer/model';
import type { Rule } from './rule';
import { comparePositions } from './text';
import { rangeKey } from './support/expressions';
import { textOf } from './support/edits';
import { deduplicated } from './support/report';

/** One statement that wires dependencies with both `>>` and `<<`. */
export const mixedDependencyDirections: Rule = {
  meta: {
    id: 'mixed-dependency-directions',
    summary: 'A statement mixes `>>` and `<<`, which makes the direction of its dependencies hard to read.',
    defaultSeverity: 'warning',
    category: 'structure',
    fix: 'none',
    messages: {
      mixed: 'This statement uses both >> and <<; split it or write every dependency in one direction so the flow reads left to right.',
    },
    docs: {
      whatItDoes: 'Finds a dependency statement that uses both the `>>` and the `<<` operator, such as `extract >> transform << validate`.',
      whyIsThisBad:
        'Bitshift chains are read left to right as a flow. Mixing the directions in one statement (`a >> b << c`) is legal but easy to misread — reviewers routinely take `c` for a downstream task — and a mistake there silently changes the order in which tasks run. One direction per statement keeps the graph obvious from the code.',
      example: 'extract >> transform << validate',
      useInstead: [
        'extract >> transform',
        'validate >> transform',
      ].join('\n'),
    },
  },
  check(checkContext) {
    const context = deduplicated(checkContext);
    const { text } = context;
    // Without a single `<<` in the file no statement can mix directions.
    if (!text.includes('<<')) return;
    for (const dag of context.file.dags) {
      const ranges = new Map<string, Range>();
      for (const edge of dag.edges) if (edge.kind === 'explicit') ranges.set(rangeKey(edge.range), edge.range);
      // Start ascending, end descending: a range is nested in an earlier one exactly when it ends no later.
      const sorted = [...ranges.values()].sort((a, b) => comparePositions(a.start, b.start) || comparePositions(b.end, a.end));
      let outerEnd: Range['end'] | null = null;
      for (const range of sorted) {
        if (outerEnd && comparePositions(range.end, outerEnd) <= 0) continue;
        outerEnd = range.end;
        const source = textOf(text, range)
          .replace(/"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*'/g, '""')
          .replace(/#[^\r\n]*/g, '');
        if (source.includes('>>') && source.includes('<<')) context.report({ messageId: 'mixed', range });
      }
    }
  },
};
