import {
  AIRFLOW_FILTERS, availableIn, contextVariableNamesIn, findContextVariable, findMacro, JINJA_FILTERS, JINJA_GLOBALS, JINJA_TESTS, MACROS,
  VARIABLE_ACCESSORS, type CatalogueEntry,
} from './catalogue';
import type { JinjaTemplate, Span } from './jinja';
import type { TemplateScope } from './taskTemplates';

/**
 * Names a template uses that Airflow will not have when it renders it. Jinja runs with
 * `StrictUndefined` in Airflow (the DAG's `template_undefined` default), so each of these fails the task
 * at render time instead of printing an empty string.
 */
export type NameProblemKind =
  /** A top-level name that is nowhere: not in the context, not a macro of the DAG, not set by the template. */
  | 'unknownVariable'
  /** A context variable the target Airflow version no longer (or not yet) has. */
  | 'unavailableVariable'
  /** `params.x` where the DAG's and task's params have no `x`. */
  | 'unknownParam'
  /** `var.x` other than `var.value` / `var.json`. */
  | 'unknownVariableAccessor'
  /** `macros.x` that is close to, but not, a known macro. */
  | 'unknownMacro'
  /** A macro removed in the target Airflow version (`macros.hive` in Airflow 3). */
  | 'unavailableMacro'
  | 'unknownFilter'
  | 'unknownTest';

export interface NameProblem extends Span {
  kind: NameProblemKind;
  name: string;
  /** The closest known name, for "did you mean". */
  suggestion: string | null;
  /** For unavailable entries: the catalogue entry (versions, replacement). */
  entry?: CatalogueEntry;
}

/** Methods of the params dict, never reported as missing keys. */
const DICT_METHODS = new Set(['get', 'items', 'keys', 'values', 'update', 'copy', 'pop', 'setdefault', 'dump', 'validate']);

const NOTHING_DEFINED: ReadonlySet<string> = new Set();
const JINJA_GLOBAL_NAMES: ReadonlySet<string> = new Set(JINJA_GLOBALS);
const JINJA_TEST_NAMES: ReadonlySet<string> = new Set(JINJA_TESTS);
/** Filters every template may use: Jinja's own and Airflow's, in suggestion order. */
const BUILT_IN_FILTERS: readonly string[] = [...JINJA_FILTERS, ...AIRFLOW_FILTERS.map((filter) => filter.name)];
const BUILT_IN_FILTER_NAMES: ReadonlySet<string> = new Set(BUILT_IN_FILTERS);
const MACRO_NAMES: readonly string[] = MACROS.map((candidate) => candidate.name);
const VARIABLE_ACCESSOR_NAMES: readonly string[] = VARIABLE_ACCESSORS.map((accessor) => accessor.name);

/**
 * Problems already found, by parsed template and scope contents. Parsed templates are shared by text
 * between analyses, so after a keystroke the unchanged templates of the file are not checked again
 * (which matters when a file has many misspelt names: each costs a search for the closest name).
 */
const problemsByTemplate = new WeakMap<JinjaTemplate, Map<string, readonly NameProblem[]>>();
const scopeKeys = new WeakMap<TemplateScope, string>();
const MAX_SCOPES_PER_TEMPLATE = 32;

/** Everything about a scope that name problems depend on, as a string. */
function scopeKey(scope: TemplateScope): string {
  let key = scopeKeys.get(scope);
  if (key === undefined) {
    const names = (set: ReadonlySet<string> | null) => (set === null ? null : [...set]);
    key = JSON.stringify([scope.airflowVersion, names(scope.params), names(scope.userMacros), names(scope.userFilters)]);
    scopeKeys.set(scope, key);
  }
  return key;
}

/**
 * Finds the problems of one parsed template in the given scope. Skips everything when the DAG
 * customises its Jinja environment. The result is shared: callers must not change it.
 */
export function findNameProblems(template: JinjaTemplate, scope: TemplateScope): readonly NameProblem[] {
  if (scope.customEnvironment) return [];
  let byScope = problemsByTemplate.get(template);
  // A template is usually checked in one scope or a few; the bound only guards against unusual files.
  if (!byScope || byScope.size >= MAX_SCOPES_PER_TEMPLATE) problemsByTemplate.set(template, (byScope = new Map()));
  const key = scopeKey(scope);
  let problems = byScope.get(key);
  if (!problems) byScope.set(key, (problems = computeNameProblems(template, scope)));
  return problems;
}

function computeNameProblems(template: JinjaTemplate, scope: TemplateScope): NameProblem[] {
  const problems: NameProblem[] = [];
  const defined: ReadonlySet<string> = template.definitions.length === 0 ? NOTHING_DEFINED : new Set(template.definitions.map((definition) => definition.name));
  // Most templates only use known names: the candidates for "did you mean" are gathered when one is not.
  const rootCandidates = () => [...contextVariableNamesIn(scope.airflowVersion), ...defined, ...(scope.userMacros ?? []), ...JINJA_GLOBALS];

  for (const reference of template.references) {
    const { name } = reference;
    if (defined.has(name) || JINJA_GLOBAL_NAMES.has(name) || scope.userMacros?.has(name)) continue;
    const entry = findContextVariable(name);
    // Keys Airflow 3 removed are the `removed-context-key` rule's to report, with their migration advice.
    if (entry?.removedIn) continue;
    if (entry && !availableIn(entry, scope.airflowVersion)) {
      problems.push({ kind: 'unavailableVariable', name, start: reference.start, end: reference.end, suggestion: entry.replacement && /^\w+$/.test(entry.replacement) ? entry.replacement : null, entry });
      continue;
    }
    if (!entry) {
      const suggestion = closestName(name, rootCandidates());
      // Names could come from user_defined_macros the model cannot see: then only near misses are worth a word.
      if (scope.userMacros !== null || suggestion !== null) {
        problems.push({ kind: 'unknownVariable', name, start: reference.start, end: reference.end, suggestion });
      }
      continue;
    }
    const first = reference.path[0];
    if (!first) continue;
    if (name === 'params' && scope.params !== null) {
      // `params.get(...)` and friends are dict methods; `params['get']` is a key.
      const isKey = first.subscript || !DICT_METHODS.has(first.name);
      if (isKey && !scope.params.has(first.name)) {
        problems.push({ kind: 'unknownParam', name: first.name, start: first.start, end: first.end, suggestion: closestName(first.name, [...scope.params]) });
      }
    } else if (name === 'var' && !first.subscript) {
      if (!VARIABLE_ACCESSOR_NAMES.includes(first.name) && !DICT_METHODS.has(first.name)) {
        problems.push({ kind: 'unknownVariableAccessor', name: first.name, start: first.start, end: first.end, suggestion: closestName(first.name, VARIABLE_ACCESSOR_NAMES) });
      }
    } else if (name === 'macros' && !first.subscript) {
      const macro = findMacro(first.name);
      if (macro && macro.removedIn && !availableIn(macro, scope.airflowVersion)) {
        problems.push({ kind: 'unavailableMacro', name: first.name, start: first.start, end: first.end, suggestion: null, entry: macro });
      } else if (!macro) {
        // Plugins add their own modules under `macros.<plugin>`, so only near misses of built-in macros are reported.
        const suggestion = closestName(first.name, MACRO_NAMES);
        if (suggestion) problems.push({ kind: 'unknownMacro', name: first.name, start: first.start, end: first.end, suggestion });
      }
    }
  }

  for (const filter of template.filters) {
    if (BUILT_IN_FILTER_NAMES.has(filter.name) || scope.userFilters?.has(filter.name)) continue;
    const suggestion = closestName(filter.name, [...BUILT_IN_FILTERS, ...(scope.userFilters ?? [])]);
    if (scope.userFilters !== null || suggestion !== null) problems.push({ kind: 'unknownFilter', name: filter.name, start: filter.start, end: filter.end, suggestion });
  }
  for (const test of template.tests) {
    if (JINJA_TEST_NAMES.has(test.name)) continue;
    problems.push({ kind: 'unknownTest', name: test.name, start: test.start, end: test.end, suggestion: closestName(test.name, JINJA_TESTS) });
  }
  return problems.sort((a, b) => a.start - b.start);
}

/**
 * The candidate closest to `name` when it is close enough to be a typo: at most one edit for short
 * names, two for longer ones (transpositions count as one edit, as `ds_nodahs` → `ds_nodash`).
 */
export function closestName(name: string, candidates: Iterable<string>): string | null {
  const limit = name.length <= 4 ? 1 : 2;
  let best: string | null = null;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const distance = editDistance(name, candidate, limit + 1);
    if (distance > limit) continue;
    if (distance < bestDistance || (distance === bestDistance && best !== null && candidate < best)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit ? best : null;
}

/**
 * Optimal string alignment distance (Levenshtein plus adjacent transpositions), capped at `limit`.
 * Keeps only the three rows the recurrence reads: it runs for every candidate of every unknown name.
 */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  const columns = b.length + 1;
  let beforePrevious: number[] = new Array<number>(columns).fill(0);
  let previous: number[] = Array.from({ length: columns }, (_, column) => column);
  let current: number[] = new Array<number>(columns).fill(0);
  for (let row = 1; row <= a.length; row++) {
    current[0] = row;
    let rowMinimum = Infinity;
    for (let column = 1; column < columns; column++) {
      const cost = a[row - 1] === b[column - 1] ? 0 : 1;
      let value = Math.min(previous[column]! + 1, current[column - 1]! + 1, previous[column - 1]! + cost);
      if (row > 1 && column > 1 && a[row - 1] === b[column - 2] && a[row - 2] === b[column - 1]) {
        value = Math.min(value, beforePrevious[column - 2]! + 1);
      }
      current[column] = value;
      rowMinimum = Math.min(rowMinimum, value);
    }
    if (rowMinimum >= limit) return limit;
    const recycled = beforePrevious;
    beforePrevious = previous;
    previous = current;
    current = recycled;
  }
  return Math.min(previous[b.length]!, limit);
}
