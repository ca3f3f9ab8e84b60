import type { Fix, TextEdit } from './rule';
import { LineIndex } from './text';

export interface AppliedFixes {
  text: string;
  /** The fixes whose edits went in, in document order. */
  applied: Fix[];
  /** The fixes left out because they overlapped an earlier one (a second `--fix` pass may take them). */
  skipped: Fix[];
}

/**
 * Applies fixes to `text`. Each fix goes in whole or not at all; a fix whose edits overlap an already
 * accepted edit (or insert at the same point) is skipped, so the result never depends on edit order.
 */
export function applyFixes(text: string, fixes: readonly Fix[]): AppliedFixes {
  const index = new LineIndex(text);
  const accepted: { start: number; end: number; newText: string }[] = [];
  const applied: Fix[] = [];
  const skipped: Fix[] = [];
  const ordered = fixes
    .map((fix) => ({ fix, spans: fix.edits.map((edit) => toSpan(index, edit)) }))
    .sort((a, b) => firstStart(a.spans) - firstStart(b.spans));
  for (const { fix, spans } of ordered) {
    // Within one fix, several inserts at one point are fine (they go in in order, as LSP applies them).
    const conflicts = spans.some((span, position) =>
      accepted.some((other) => overlaps(span, other)) || spans.some((sibling, otherPosition) => otherPosition < position && sharesText(span, sibling)));
    if (conflicts) {
      skipped.push(fix);
      continue;
    }
    accepted.push(...spans);
    applied.push(fix);
  }
  // Stable: inserts at one point keep their order within the fix.
  accepted.sort((a, b) => a.start - b.start);
  let result = '';
  let cursor = 0;
  for (const span of accepted) {
    result += text.slice(cursor, span.start) + span.newText;
    cursor = span.end;
  }
  result += text.slice(cursor);
  return { text: result, applied, skipped };
}

function toSpan(index: LineIndex, edit: TextEdit): { start: number; end: number; newText: string } {
  const start = index.offsetAt(edit.range.start);
  const end = Math.max(start, index.offsetAt(edit.range.end));
  return { start, end, newText: edit.newText };
}

function firstStart(spans: readonly { start: number }[]): number {
  return spans.reduce((lowest, span) => Math.min(lowest, span.start), Number.POSITIVE_INFINITY);
}

function sharesText(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}

/** Two spans overlap when they share a character, or when both insert at the same point. */
function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  if (a.start === b.start) return true;
  return a.start < b.end && b.start < a.end;
}
