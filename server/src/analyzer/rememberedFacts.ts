import type { AssignmentFact, CallFact, CodeScope, ExprValue, KeywordArgument } from './model';
import { shiftLines } from './compactRange';
import { detached } from './detached';
import { detachExpression, detachKeywords, newArgumentRecord } from './expressions';

/**
 * The facts one statement produced, kept so the next analysis of the file can reuse them: after a
 * keystroke nearly every statement is unchanged, and its facts are too. They are a function of the
 * statement's content key (type, column, text), its first line (facts hold line-based ranges, never
 * offsets), its nesting depth and what the reader resolves names with (imports and literal constants).
 * Only statements that stay in the scope they start in are kept: no function, lambda, DAG body or
 * `return` inside, since those give their facts scopes of their own. The scope is attached again on reuse.
 */
export interface StatementFacts {
  depth: number;
  context: string;
  /** The scope the facts were made with; facts reused in the same scope object are handed out unchanged. */
  scope: CodeScope;
  /** The `collectFacts` call that last handed these facts out. */
  usedIn: number;
  /** The `collectFacts` call that first made them (kept when they are moved to another line). */
  madeIn: number;
  calls: CallFact[];
  assignments: AssignmentFact[];
  pythonCallables: string[];
  dagVariables: string[];
}

/**
 * Remembered facts of one statement text, by the line the statement starts on: most texts occur on one
 * line only, so the first line is kept inline and a map is made only for texts seen on several.
 */
interface RememberedText {
  line: number;
  facts: StatementFacts;
  otherLines: Map<number, StatementFacts> | null;
  /** The `collectFacts` call that last used it, to forget the least recently used texts first. */
  lastUsed: number;
  /** What it counts towards the limit: the facts kept for all its lines. */
  weight: number;
}

/** Facts of one statement, as counted towards the limit (the same text has the same number of facts on every line). */
function weightOf(facts: StatementFacts): number {
  return Math.max(1, facts.calls.length + facts.assignments.length);
}

const rememberedFacts = new Map<string, RememberedText>();
let rememberedCount = 0;
let factsCollections = 0;

/** Counts `collectFacts` calls: each remembered text records the last one that used it. */
export function startCollection(): number {
  return ++factsCollections;
}
/**
 * At most about this many facts are remembered (a statement counts for the calls and assignments in it,
 * at least one), least recently used texts first out: several large files.
 */
const MAX_REMEMBERED = 60_000;
/** Lines remembered per statement text (a line of code repeated across a generated file). */
const MAX_LINES_PER_TEXT = 512;

/** Forgets remembered statement facts (benchmarks use it to measure cold analyses). */
export function clearFactsCache(): void {
  rememberedFacts.clear();
  rememberedCount = 0;
}

export function recallFacts(key: string, line: number, depth: number, context: string): StatementFacts | undefined {
  const remembered = rememberedFacts.get(key);
  if (!remembered) return undefined;
  remembered.lastUsed = factsCollections;
  const exact = remembered.line === line ? remembered.facts : remembered.otherLines?.get(line);
  if (exact && exact.depth === depth && exact.context === context) return exact;
  // The same statement on another line (repeated, or lines were inserted above it): move its facts.
  const source = remembered.facts.depth === depth && remembered.facts.context === context ? remembered : null;
  if (!source) return undefined;
  const moved = moveFacts(source.facts, line - source.line);
  rememberFacts(key, line, moved);
  return moved;
}

export function rememberFacts(key: string, line: number, facts: StatementFacts): void {
  const remembered = rememberedFacts.get(key);
  const weight = weightOf(facts);
  if (!remembered) {
    rememberedFacts.set(key, { line, facts, otherLines: null, lastUsed: factsCollections, weight });
    rememberedCount += weight;
  } else if (remembered.line === line) {
    remembered.facts = facts;
  } else {
    const otherLines = (remembered.otherLines ??= new Map());
    if (!otherLines.has(line)) {
      rememberedCount += weight;
      remembered.weight += weight;
      if (otherLines.size >= MAX_LINES_PER_TEXT) {
        otherLines.delete(otherLines.keys().next().value!);
        rememberedCount -= weight;
        remembered.weight -= weight;
      }
    }
    otherLines.set(line, facts);
  }
  if (rememberedCount > MAX_REMEMBERED) forgetLeastRecentlyUsed();
}

/** Forgets the least recently used statement texts until three quarters of the limit are left, in one go. */
function forgetLeastRecentlyUsed(): void {
  const byAge = [...rememberedFacts].sort(([, a], [, b]) => a.lastUsed - b.lastUsed);
  for (const [key, remembered] of byAge) {
    if (rememberedCount <= MAX_REMEMBERED * 0.75) break;
    rememberedFacts.delete(key);
    rememberedCount -= remembered.weight;
  }
}

/** An expression's facts moved down `lines` lines; `resolvedFrom` points at a constant elsewhere and stays. */
function moveExpression(value: ExprValue, lines: number): ExprValue {
  const moved: ExprValue = { ...value, range: shiftLines(value.range, lines) };
  if (value.entries) moved.entries = moveKeywords(value.entries, lines);
  if (value.items) moved.items = value.items.map((item) => moveExpression(item, lines));
  return moved;
}

function moveKeywords(keywords: Record<string, KeywordArgument>, lines: number): Record<string, KeywordArgument> {
  const moved = newArgumentRecord();
  for (const name in keywords) {
    const argument = keywords[name]!;
    moved[name] = { name: argument.name, range: shiftLines(argument.range, lines), nameRange: shiftLines(argument.nameRange, lines), value: moveExpression(argument.value, lines) };
  }
  return moved;
}

function moveFacts(facts: StatementFacts, lines: number): StatementFacts {
  return {
    ...facts,
    usedIn: 0,
    calls: facts.calls.map((call) => ({
      ...call,
      range: shiftLines(call.range, lines),
      positional: call.positional.map((value) => moveExpression(value, lines)),
      keywords: moveKeywords(call.keywords, lines),
    })),
    assignments: facts.assignments.map((assignment) => ({ ...assignment, range: shiftLines(assignment.range, lines), value: moveExpression(assignment.value, lines) })),
  };
}

/**
 * Gives the strings of remembered facts memory of their own (equal strings, so nothing that reads the
 * facts can tell). Facts remembered while re-analysing an edited file would otherwise each keep that
 * version of the file alive; a first analysis shares one version, which is the file as it is anyway.
 */
export function detachStrings(facts: StatementFacts): void {
  for (const call of facts.calls) {
    call.calleeText = detached(call.calleeText);
    if (call.qualifiedName !== null) call.qualifiedName = detached(call.qualifiedName);
    for (const value of call.positional) detachExpression(value);
    detachKeywords(call.keywords);
  }
  for (const assignment of facts.assignments) {
    assignment.target = detached(assignment.target);
    detachExpression(assignment.value);
  }
  facts.pythonCallables = facts.pythonCallables.map(detached);
  facts.dagVariables = facts.dagVariables.map(detached);
}

