import type { DagModel, ExprValue, FileModel, KeywordArgument, Position, TaskModel } from '../analyzer/model';
import type { AirflowMajor } from '../rules/rule';
import { internedName } from '../analyzer/detached';
import { ObjectCache } from './contentCache';
import { containsJinja } from './jinja';
import { stringLiteralOf, type DecodedString } from './pythonString';
import { operatorTemplateSpec, type OperatorTemplateSpec } from './templateFields';
import { rangeContains, type LineIndex } from './textPositions';

/**
 * The string literals passed to operators, with what Airflow will do with them: render them with Jinja
 * (the argument is one of the operator's `template_fields`), pass them through untouched, or — for a
 * custom operator — unknown. Airflow renders nested lists, tuples and dict values of a templated field
 * too, so those strings are collected with the field they belong to.
 */
export interface TaskString {
  task: TaskModel;
  dag: DagModel | null;
  /** The top-level keyword argument the string sits in. */
  argument: KeywordArgument;
  /** The string expression itself (the argument's value, or an item / dict value nested in it). */
  value: ExprValue;
  literal: DecodedString;
  /** The operator's template spec; null for operators the table does not know. */
  spec: OperatorTemplateSpec | null;
  /** True when Airflow renders this argument; null when the operator is unknown. */
  templated: boolean | null;
}

/** Strings longer than this are not examined (keeps one pathological literal from stalling a keystroke). */
const MAX_TEMPLATE_LENGTH = 200_000;

/** Every task of the file with the DAG that owns it (null for tasks the model could not attach to a DAG). */
export function tasksWithDags(file: FileModel): { task: TaskModel; dag: DagModel | null }[] {
  const result: { task: TaskModel; dag: DagModel | null }[] = [];
  for (const dag of file.dags) for (const task of dag.tasks) result.push({ task, dag });
  for (const task of file.tasksWithoutDag) result.push({ task, dag: null });
  return result;
}

/** Which strings to decode: all of them, or only those whose source passes a cheap test. */
export interface StringFilter {
  /** Decode only literals written around this position (completion, hover). */
  at?: Position;
  /** Decode only literals whose source text passes this test (rules skip strings that cannot matter to them). */
  source?: (sourceText: string, spec: OperatorTemplateSpec | null, templated: boolean | null) => boolean;
}

/**
 * String literals in the keyword arguments of operator tasks (TaskFlow calls excluded: their decorator
 * arguments are not templated). Decoding is the costly part on large files, so `filter` can skip
 * literals by position or by their source text before decoding them.
 */
export function collectTaskStrings(file: FileModel, lines: LineIndex | null, filter: StringFilter = {}): TaskString[] {
  const strings: TaskString[] = [];
  const cache = filter.source && !filter.at ? recordCacheFor(filter.source) : null;
  for (const dag of file.dags) for (const task of dag.tasks) collectFromTask(task, dag, lines, filter, cache, strings);
  for (const task of file.tasksWithoutDag) collectFromTask(task, null, lines, filter, cache, strings);
  return strings;
}

/** What a `TaskString` holds that depends only on the argument record, the operator's spec and the filter. */
interface RecordString {
  argument: KeywordArgument;
  value: ExprValue;
  literal: DecodedString;
  templated: boolean | null;
}

/** The strings of one argument record that pass a source filter, for the spec they were chosen with. */
interface RecordStrings {
  /** The operator the strings were chosen for, and its spec. */
  qualifiedName: string | null;
  spec: OperatorTemplateSpec | null;
  strings: readonly RecordString[];
  /** False when a string was followed to a module constant: its source is read from the document, so the entry is not kept. */
  cacheable: boolean;
}

type SourceFilter = NonNullable<StringFilter['source']>;

/**
 * Strings already chosen and decoded, by argument record and filter. The analyzer hands an unchanged
 * statement's records on to the next analysis, so after a keystroke nearly every task is answered from
 * here without reading its arguments again.
 */
const recordCaches = new Map<SourceFilter, ObjectCache<Record<string, KeywordArgument>, RecordStrings>>();

function recordCacheFor(filter: SourceFilter): ObjectCache<Record<string, KeywordArgument>, RecordStrings> {
  let cache = recordCaches.get(filter);
  if (!cache) {
    // The filters are a few module-level functions; a caller passing a new closure each time must not grow the map.
    if (recordCaches.size >= 8) recordCaches.clear();
    recordCaches.set(filter, (cache = new ObjectCache()));
  }
  return cache;
}

/** The strings of one task, appended to `strings`. */
function collectFromTask(
  task: TaskModel,
  dag: DagModel | null,
  lines: LineIndex | null,
  filter: StringFilter,
  cache: ObjectCache<Record<string, KeywordArgument>, RecordStrings> | null,
  strings: TaskString[],
): void {
  if (task.kind === 'taskflow') return;
  let found = cache?.get(task.args);
  // The same operator name as last time (usually the very same string) has the same spec.
  if (!found || found.qualifiedName !== task.qualifiedName) {
    found = recordStrings(task.args, operatorTemplateSpec(task.qualifiedName), task.qualifiedName, lines, filter);
    if (cache && found.cacheable) cache.set(task.args, found);
  }
  const spec = found.spec;
  // Indexed: this runs for every task on every keystroke, and for-of would allocate an iterator each time.
  const recorded = found.strings;
  for (let i = 0; i < recorded.length; i++) {
    const { argument, value, literal, templated } = recorded[i]!;
    strings.push({ task, dag, argument, value, literal, spec, templated });
  }
}

const NO_STRINGS: readonly RecordString[] = [];

/**
 * The strings in one argument record that pass the filter, decoded: the arguments' own values and the
 * items and dict values nested in them, in order.
 */
function recordStrings(args: Record<string, KeywordArgument>, spec: OperatorTemplateSpec | null, qualifiedName: string | null, lines: LineIndex | null, filter: StringFilter): RecordStrings {
  // Kept past this analysis: a copy of its own, the one redone tasks have too (see `internedName`).
  const found: RecordStrings = { qualifiedName: qualifiedName === null ? null : internedName(qualifiedName), spec, strings: NO_STRINGS, cacheable: true };
  // for-in reads the record's cached key list; `Object.keys` would copy it for every task.
  for (const name in args) {
    const argument = args[name]!;
    const value = argument.value;
    // Most arguments are a single value: only lists and dicts need the depth-first collection.
    if (isStringLike(value)) {
      considerString(argument, value, spec ? spec.templateFields.includes(argument.name) : null, lines, filter, found);
      continue;
    }
    if (!value.items && !value.entries) continue;
    const nested: ExprValue[] = [];
    stringValues(value, nested, 0);
    if (nested.length === 0) continue;
    const templated = spec ? spec.templateFields.includes(argument.name) : null;
    for (const item of nested) considerString(argument, item, templated, lines, filter, found);
  }
  return found;
}

function considerString(argument: KeywordArgument, value: ExprValue, templated: boolean | null, lines: LineIndex | null, filter: StringFilter, found: RecordStrings): void {
  if (filter.at && !rangeContains(value.resolvedFrom ?? value.range, filter.at)) return;
  if (value.resolvedFrom) found.cacheable = false;
  if (filter.source && !filter.source(sourceTextOf(value, lines), found.spec, templated)) return;
  const literal = stringLiteralOf(value, lines);
  if (!literal || literal.value.length > MAX_TEMPLATE_LENGTH) return;
  if (found.strings === NO_STRINGS) found.strings = [];
  (found.strings as RecordString[]).push({ argument, value, literal, templated });
}

/** The literal's source text: the expression, or the constant's value it was followed to. */
function sourceTextOf(value: ExprValue, lines: LineIndex | null): string {
  return value.resolvedFrom && lines ? lines.slice(value.resolvedFrom) : value.text;
}

/**
 * A cheap test on a literal's source for the template rules: it may hold Jinja (a brace, or an escape
 * that could decode to one) or, in a templated field, name a template file.
 */
export function mayHoldTemplate(sourceText: string, spec: OperatorTemplateSpec | null, templated: boolean | null): boolean {
  if (sourceText.includes('{') || sourceText.includes('\\')) return true;
  return templated === true && spec !== null && spec.templateExt.some((extension) => sourceText.includes(extension));
}

/** Collects the string-like values in an argument into `out`: itself, list/tuple items and dict values, depth first. */
function stringValues(value: ExprValue, out: ExprValue[], depth: number): void {
  if (depth > 8) return;
  if (isStringLike(value)) {
    out.push(value);
    return;
  }
  if (value.items) for (const item of value.items) stringValues(item, out, depth + 1);
  if (value.entries) for (const key of Object.keys(value.entries)) stringValues(value.entries[key]!.value, out, depth + 1);
}

/** A string literal, an f-string, or a name followed to a module-level string constant. */
function isStringLike(value: ExprValue): boolean {
  return value.kind === 'string' || value.kind === 'fstring' || (!!value.resolvedFrom && typeof value.value === 'string');
}

/** True when the decoded string would be treated as a Jinja template (and it is not an f-string, where `{{` means a brace). */
export function looksTemplated(literal: DecodedString): boolean {
  return !literal.formatted && containsJinja(literal.value);
}

/**
 * What a template may refer to besides Airflow's context, as far as the DAG file says. `null` means
 * "cannot be known statically" (a variable, a function call, `**spread`): rules then stay quiet about
 * names that could come from there.
 */
export interface TemplateScope {
  airflowVersion: AirflowMajor;
  /** Keys of `params` (DAG params, `default_args["params"]` and the task's own). */
  params: ReadonlySet<string> | null;
  /** Keys of the DAG's `user_defined_macros`. */
  userMacros: ReadonlySet<string> | null;
  /** Keys of the DAG's `user_defined_filters`. */
  userFilters: ReadonlySet<string> | null;
  /** True when the DAG changes its Jinja environment (`jinja_environment_kwargs`): delimiters and extensions may differ. */
  customEnvironment: boolean;
  /** Folders Airflow searches for template files: the DAG file's folder first, then `template_searchpath`; null when not literal. */
  templateSearchPath: readonly string[] | null;
}

/** The template scope of one task. */
export function templateScopeOf(task: TaskModel, dag: DagModel | null, airflowVersion: AirflowMajor): TemplateScope {
  if (!dag) {
    return { airflowVersion, params: null, userMacros: null, userFilters: null, customEnvironment: false, templateSearchPath: null };
  }
  return {
    airflowVersion,
    params: mergeKeys([dag.args['params']?.value, dag.defaultArgs?.entries['params']?.value, task.args['params']?.value], dag.defaultArgs?.dynamic === true),
    userMacros: mergeKeys([dag.args['user_defined_macros']?.value], false),
    userFilters: mergeKeys([dag.args['user_defined_filters']?.value], false),
    customEnvironment: dag.args['jinja_environment_kwargs'] !== undefined,
    templateSearchPath: searchPathOf(dag.args['template_searchpath']?.value),
  };
}

/** Union of the literal keys of the given dicts; null as soon as one of them is not a plain literal dict. */
function mergeKeys(values: (ExprValue | undefined)[], dynamicDefaults: boolean): ReadonlySet<string> | null {
  const keys = new Set<string>();
  for (const value of values) {
    if (!value) continue;
    if (value.kind === 'none') continue;
    if (!value.entries || value.text.includes('**')) return null;
    for (const key of Object.keys(value.entries)) keys.add(key);
  }
  if (dynamicDefaults && values[1] === undefined) return null;
  return keys;
}

function searchPathOf(value: ExprValue | undefined): readonly string[] | null {
  if (!value) return [];
  if (typeof value.value === 'string') return [value.value];
  if (value.items) {
    const paths: string[] = [];
    for (const item of value.items) {
      if (typeof item.value !== 'string') return null;
      paths.push(item.value);
    }
    return paths;
  }
  return null;
}
