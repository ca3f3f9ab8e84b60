import type { CallFact, CommentFact, DagModel, DynamicNote, FileModel, FunctionFact, Range, SyntaxErrorFact } from './model';
import { ExpressionReader, moduleConstants } from './expressions';
import { buildDagModel, clearArgumentPlans } from './dagModel';
import { collectFacts } from './facts';
import { clearFactsCache } from './rememberedFacts';
import { classify, collectImports, importsAirflow } from './names';
import { unclosedBracketAt } from './brackets';
import { compileQuery, createPythonParser, parsePython, type Parser, type Tree } from './parser';
import { clearStatementCache, LineIndex, lowerTree, type RawSyntaxError } from './syntax';
import errorsQuerySource from './queries/errors.scm';

/** Starts the reason of the note recorded when the analyzer itself failed on a file. */
export const INTERNAL_ERROR_PREFIX = 'the analyzer failed on this file';

/** Forgets what earlier analyses left for reuse (statement copies, statement facts, argument plans), so the next one starts cold. */
export function clearAnalysisCaches(): void {
  clearStatementCache();
  clearFactsCache();
  clearArgumentPlans();
}

/** Files longer than this (in UTF-16 code units) are not analysed; no DAG file is anywhere near it. */
const MAX_ANALYSED_LENGTH = 8 * 1024 * 1024;

/** At most this many syntax errors are reported per file; one early error often cascades. */
const MAX_SYNTAX_ERRORS = 50;

/*
 * The pipeline, in order:
 *   1. `lowerTree` copies the tree-sitter tree into plain objects in one cursor walk, reusing unchanged
 *      statements from the previous analysis; comments and syntax errors are collected on the way.
 *   2. `collectImports` runs the `imports.scm` query on each import statement and resolves local names
 *      to qualified ones; files that never import airflow stop here.
 *   3. `collectFacts` records every call, function and assignment with the scope it runs in.
 *   4. `buildDagModel` evaluates the module abstractly to find DAGs, tasks, groups and dependencies;
 *      when the file was analysed before, blocks inside a DAG that did not change are redone from a
 *      trace of what they did last time instead of evaluated again.
 * Queries are used where they find few nodes (imports, syntax errors of skipped files): a query over
 * the whole tree costs a walk of every node, which for calls would be as slow as the copy itself.
 */

/**
 * Analyses one parsed Python file: imports, the DAG model and the facts rules read.
 *
 * Pure and total: any text gives a model (never throws), in bounded time. Files that never import
 * airflow are cut short — only `syntaxErrors` and `lineCount` are filled in.
 */
export function analyze(tree: Tree, text: string): FileModel {
  const lines = new LineIndex(text);
  const empty: FileModel = {
    importsAirflow: false, imports: [], dags: [], tasksWithoutDag: [], calls: [], functions: [],
    assignments: [], comments: [], syntaxErrors: [], dynamic: [], lineCount: lines.lineCount,
  };
  if (!text.includes('airflow')) {
    empty.syntaxErrors = queryErrors(tree, text, lines);
    return empty;
  }
  if (text.length > MAX_ANALYSED_LENGTH) {
    return { ...empty, dynamic: [{ reason: `the file is larger than ${MAX_ANALYSED_LENGTH / (1024 * 1024)} MB and is not analysed`, range: lines.range(0, 0) }] };
  }
  const lowered = lowerTree(tree, text);
  const syntaxErrors = describeErrors(lowered.errors, text, lines);
  const { facts: imports, table } = collectImports(lowered.root, tree, text, lines);
  if (!importsAirflow(imports)) return { ...empty, syntaxErrors };
  const reader = new ExpressionReader(text, lines, table, moduleConstants(lowered.root, text), lowered.reusedStatements > 0);
  let facts: ReturnType<typeof collectFacts>;
  let model: ReturnType<typeof buildDagModel>;
  try {
    facts = collectFacts(lowered.root, reader);
    model = buildDagModel(lowered.root, reader, lowered.reusedStatements > 0);
  } catch (error) {
    // The server must survive any text: a defect here degrades this file's model instead of crashing.
    return { ...empty, importsAirflow: true, imports, syntaxErrors, dynamic: [{ reason: `${INTERNAL_ERROR_PREFIX}: ${(error as Error).message}`, range: lines.range(0, 0) }] };
  }
  const { calls, functions, assignments } = facts;
  const dynamic = [...model.dynamic, ...unbuiltDags(calls, functions, model.dags)];
  const comments: CommentFact[] = lowered.comments.map((comment) => ({ text: text.slice(comment.start, comment.end), range: lines.range(comment.start, comment.end) }));
  return {
    importsAirflow: true,
    imports,
    dags: model.dags,
    tasksWithoutDag: model.tasksWithoutDag,
    calls,
    functions,
    assignments,
    comments,
    syntaxErrors,
    dynamic,
    lineCount: lines.lineCount,
  };
}

let sharedParser: Promise<Parser> | undefined;

/** Parses and analyses `text` in one go (for the CLI and tests; the server keeps its own trees). */
export async function analyzeSource(text: string): Promise<FileModel> {
  sharedParser ??= createPythonParser();
  const parser = await sharedParser;
  const tree = parsePython(parser, text);
  try {
    return analyze(tree, text);
  } finally {
    tree.delete();
  }
}

function rangeKey(range: Range): string {
  return `${range.start.line}:${range.start.character}`;
}

/**
 * DAG constructions the evaluation never reached — inside a method or a function called in a way it
 * cannot follow, or an `@dag` function nobody calls — so that no DAG in the file goes unmentioned.
 */
function unbuiltDags(calls: CallFact[], functions: FunctionFact[], dags: DagModel[]): DynamicNote[] {
  const built = new Set(dags.map((dag) => rangeKey(dag.range)));
  const notes: DynamicNote[] = [];
  for (const call of calls) {
    // Only a name ending in `DAG` can be the DAG class: most calls are ruled out without a lookup.
    if (call.qualifiedName === null || !call.qualifiedName.endsWith('DAG') || classify(call.qualifiedName)?.kind !== 'dag-class' || built.has(rangeKey(call.range))) continue;
    const where = call.scope.functionName ? ` inside \`${call.scope.functionName}\`, which the analysis could not follow to a call` : '';
    notes.push({ reason: `this DAG is built${where}; it is not in the model`, range: call.range });
  }
  const builtFunctions = new Set(dags.filter((dag) => dag.functionRange).map((dag) => rangeKey(dag.functionRange!)));
  for (const fn of functions) {
    if (!fn.decorators.some((decorator) => classify(decorator)?.kind === 'dag-decorator') || builtFunctions.has(rangeKey(fn.range))) continue;
    notes.push({ reason: `\`${fn.name}\` is decorated with @dag but never called here, so Airflow does not create this DAG`, range: fn.nameRange });
  }
  return notes;
}

/** Syntax errors of a file that is not analysed further, found with a query (cheap when there are none). */
function queryErrors(tree: Tree, text: string, lines: LineIndex): SyntaxErrorFact[] {
  if (!tree.rootNode.hasError) return [];
  const query = compileQuery(tree.language, errorsQuerySource);
  const raw: RawSyntaxError[] = [];
  for (const capture of query.captures(tree.rootNode)) {
    const node = capture.node;
    if (capture.name === 'missing') raw.push({ start: node.startIndex, end: node.endIndex, kind: 'missing', token: node.type });
    else raw.push({ start: node.startIndex, end: node.endIndex, kind: 'unexpected', token: firstToken(node.firstChild?.type, text.slice(node.startIndex, Math.min(node.endIndex, node.startIndex + 40))) });
    if (raw.length > MAX_SYNTAX_ERRORS * 4) break;
  }
  return describeErrors(raw, text, lines);
}

function firstToken(childType: string | undefined, snippet: string): string {
  if (childType && !/^[a-z_]+$/.test(childType)) return childType;
  const match = /^\s*([A-Za-z_][A-Za-z0-9_]*|\S)/.exec(snippet);
  return match ? match[1]! : snippet.trim();
}

const TOKEN_NAMES: Record<string, string> = {
  identifier: 'a name',
  block: 'an indented block',
  _indent: 'an indented block',
  _dedent: 'a dedent',
  _newline: 'a line break',
  string_end: 'the end of the string',
};

/** Turns raw errors into messages, outermost first, nested errors inside a reported one dropped. */
function describeErrors(raw: RawSyntaxError[], text: string, lines: LineIndex): SyntaxErrorFact[] {
  return raw.length === 0 ? [] : withUnclosedBracket(describeEach(raw, text, lines), text, lines);
}

/**
 * A bracket left open turns the lines after it into its contents, and the parser reports errors there,
 * none on the bracket's line. Those errors are replaced by one at the bracket, as Python reports it.
 * When the parser found an error on the bracket's own line, its errors stand: that one is precise
 * (`x = [1, 2` gets "Missing ']'" at the end of its line).
 */
function withUnclosedBracket(errors: SyntaxErrorFact[], text: string, lines: LineIndex): SyntaxErrorFact[] {
  const at = unclosedBracketAt(text);
  if (at === null) return errors;
  const opener = lines.position(at);
  if (errors.some((error) => error.range.start.line === opener.line)) return errors;
  const before = errors.filter((error) => error.range.start.line < opener.line);
  if (before.length === errors.length) return errors;
  return [...before, { message: `'${text[at]}' was never closed`, range: lines.range(at, at + 1) }];
}

function describeEach(raw: RawSyntaxError[], text: string, lines: LineIndex): SyntaxErrorFact[] {
  const sorted = [...raw].sort((a, b) => a.start - b.start || b.end - a.end);
  const result: SyntaxErrorFact[] = [];
  let coveredUntil = -1;
  for (const error of sorted) {
    if (result.length >= MAX_SYNTAX_ERRORS) break;
    if (error.kind === 'unexpected' && error.start < coveredUntil) continue;
    if (error.kind === 'unexpected') coveredUntil = error.end;
    let message: string;
    if (error.kind === 'missing') {
      const name = TOKEN_NAMES[error.token] ?? (/^[a-z_]+$/.test(error.token) ? error.token.replace(/_/g, ' ') : `'${error.token}'`);
      message = `Missing ${name}`;
    } else {
      const token = error.token || text.slice(error.start, Math.min(error.end, error.start + 20)).trim();
      message = token ? `Syntax error: unexpected ${/^[a-z_]+$/.test(token) && TOKEN_NAMES[token] ? TOKEN_NAMES[token] : `'${token}'`}` : 'Syntax error';
    }
    // Skipped text can span many lines; its first line is where the reader needs to look.
    const firstLineEnd = text.indexOf('\n', error.start);
    const end = firstLineEnd !== -1 && firstLineEnd < error.end && firstLineEnd > error.start ? firstLineEnd : error.end;
    result.push({ message, range: lines.range(error.start, end) });
  }
  return result;
}
