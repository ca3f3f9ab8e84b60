import type { DagModel, ExprValue, FileModel, KeywordArgument, Position, TaskModel } from '../analyzer/model';
import type { AirflowMajor } from '../rules/rule';
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
  const nested: ExprValue[] = [];
  const visit = (task: TaskModel, dag: DagModel | null) => {
    if (task.kind === 'taskflow') return;
    const spec = operatorTemplateSpec(task.qualifiedName);
    const consider = (argument: KeywordArgument, value: ExprValue, templated: boolean | null) => {
      if (filter.at && !rangeContains(value.resolvedFrom ?? value.range, filter.at)) return;
      if (filter.source && !filter.source(sourceTextOf(value, lines), spec, templated)) return;
      const literal = stringLiteralOf(value, lines);
      if (!literal || literal.value.length > MAX_TEMPLATE_LENGTH) return;
      strings.push({ task, dag, argument, value, literal, spec, templated });
    };
    // Object.keys: the model's argument records have no prototype, and V8 enumerates such objects faster this way than with for-in.
    for (const name of Object.keys(task.args)) {
      const argument = task.args[name]!;
      const value = argument.value;
      // Most arguments are a single value: only lists and dicts need the depth-first collection.
      if (isStringLike(value)) {
        consider(argument, value, spec ? spec.templateFields.includes(argument.name) : null);
        continue;
      }
      if (!value.items && !value.entries) continue;
      nested.length = 0;
      stringValues(value, nested, 0);
      if (nested.length === 0) continue;
      const templated = spec ? spec.templateFields.includes(argument.name) : null;
      for (const item of nested) consider(argument, item, templated);
    }
  };
  for (const dag of file.dags) for (const task of dag.tasks) visit(task, dag);
  for (const task of file.tasksWithoutDag) visit(task, null);
  return strings;
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
