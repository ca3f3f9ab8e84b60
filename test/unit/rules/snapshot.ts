import { applyFixes } from '../../../server/src/rules/apply-fixes';
import type { Range } from '../../../server/src/analyzer/model';
import type { Finding } from '../../../server/src/rules/rule';

/**
 * A readable text snapshot of a fixture's findings: range, severity, rule and message; related
 * locations; and each fix as the lines it changes.
 */
export function renderSnapshot(text: string, findings: readonly Finding[]): string {
  if (findings.length === 0) return 'no findings\n';
  const out: string[] = [];
  for (const finding of findings) {
    out.push(`${formatRange(finding.range)} ${finding.severity} [${finding.ruleId}] ${finding.message}`);
    for (const related of finding.related) out.push(`  related ${formatRange(related.range)}: ${related.message}`);
    for (const fix of finding.fixes) {
      out.push(`  fix (${fix.safe ? 'safe' : 'unsafe'}): ${fix.title}`);
      for (const line of lineDiff(text, applyFixes(text, [fix]).text)) out.push(`    ${line}`);
    }
    out.push('');
  }
  return out.join('\n');
}

function formatRange(range: Range): string {
  return `${range.start.line + 1}:${range.start.character + 1}-${range.end.line + 1}:${range.end.character + 1}`;
}

/** The changed block between two texts: the lines removed (`-`) and added (`+`), numbered as in `before`. */
export function lineDiff(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  if (start === endA && start === endB) return ['(no change)'];
  return [
    `@@ line ${start + 1}`,
    ...a.slice(start, endA).map((line) => `- ${line}`),
    ...b.slice(start, endB).map((line) => `+ ${line}`),
  ];
}
