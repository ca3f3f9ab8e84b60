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

/**
 * The lines that differ between two texts, as `-` (removed) and `+` (added) lines under `@@ line N`
 * headers numbered as in `before`: a longest-common-subsequence diff, fine for fixture-sized files.
 */
export function lineDiff(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  const common: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      common[i]![j] = a[i] === b[j] ? common[i + 1]![j + 1]! + 1 : Math.max(common[i + 1]![j]!, common[i]![j + 1]!);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  let inHunk = false;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
      inHunk = false;
      continue;
    }
    if (!inHunk) {
      out.push(`@@ line ${i + 1}`);
      inHunk = true;
    }
    if (i < a.length && (j >= b.length || common[i + 1]![j]! >= common[i]![j + 1]!)) out.push(`- ${a[i++]}`);
    else out.push(`+ ${b[j++]}`);
  }
  return out.length > 0 ? out : ['(no change)'];
}
