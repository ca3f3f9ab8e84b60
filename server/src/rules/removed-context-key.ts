import type { ExprValue, FileModel, FunctionFact, Range, TaskModel } from '../analyzer/model';
import type { Fix, Rule, RuleContext } from './rule';
import { callAt, forEachWrittenValue, literalString, rangeKey } from './support/expressions';
import { textOf } from './support/edits';
import { NOTHING, PerObjectMemo } from './support/memo';
import { deduplicated } from './support/report';
import { lineIndexOf, type LineIndex } from './text';

/**
 * Template context keys Airflow 2 offered and Airflow 3 removed: the keys of Airflow 2's context that
 * `airflow.sdk.definitions.context.Context` no longer has, with what to use instead.
 */
const REMOVED_KEYS: Record<string, { instead: string; rename?: string }> = {
  execution_date: { instead: 'logical_date (or data_interval_start)', rename: 'logical_date' },
  next_execution_date: { instead: 'data_interval_end', rename: 'data_interval_end' },
  next_ds: { instead: '{{ data_interval_end | ds }}' },
  next_ds_nodash: { instead: '{{ data_interval_end | ds_nodash }}' },
  prev_execution_date: { instead: 'prev_data_interval_start_success, or data_interval_start for the start of this run\'s interval' },
  prev_ds: { instead: '{{ prev_data_interval_start_success | ds }}, or {{ data_interval_start | ds }}' },
  prev_ds_nodash: { instead: '{{ prev_data_interval_start_success | ds_nodash }}' },
  prev_execution_date_success: { instead: 'prev_data_interval_start_success', rename: 'prev_data_interval_start_success' },
  tomorrow_ds: { instead: '{{ macros.ds_add(ds, 1) }}' },
  tomorrow_ds_nodash: { instead: '{{ (logical_date + macros.timedelta(days=1)) | ds_nodash }}' },
  yesterday_ds: { instead: '{{ macros.ds_add(ds, -1) }}' },
  yesterday_ds_nodash: { instead: '{{ (logical_date - macros.timedelta(days=1)) | ds_nodash }}' },
  triggering_dataset_events: { instead: 'triggering_asset_events', rename: 'triggering_asset_events' },
  conf: { instead: 'airflow.configuration.conf in Python code' },
};

/** A removed key written as a name (not as an attribute such as `dag_run.conf`). */
const MENTION = new RegExp(`(?<![\\w.])(?:${Object.keys(REMOVED_KEYS).join('|')})(?!\\w)`);
const JINJA_BLOCK = /\{\{([\s\S]*?)\}\}|\{%([\s\S]*?)%\}/g;
const TASK_DECORATOR = /(^|\.)(task|setup|teardown)(\.\w+)?$/;

/**
 * Removed context keys (`execution_date`, `prev_ds`, `next_ds`, `tomorrow_ds`, `yesterday_ds`, …)
 * used in Jinja templates written in the file, looked up in the task context (`context["..."]`,
 * `kwargs.get("...")`, `get_current_context()[...]`) or asked for as task function parameters.
 */
export const removedContextKey: Rule = {
  meta: {
    id: 'removed-context-key',
    summary: 'A template or task uses a context key removed in Airflow 3 (execution_date, prev_ds, next_ds, …).',
    defaultSeverity: 'warning',
    defaultSeverityByVersion: { 2: 'hint', 3: 'warning' },
    category: 'airflow3',
    fix: 'safe',
    ruff: ['AIR301'],
    messages: {
      template: '"{key}" is not in the template context of Airflow 3; use {instead}.',
      lookup: 'The context key "{key}" is removed in Airflow 3; use {instead}.',
      parameter: 'Parameter "{key}" asks for a context key removed in Airflow 3; it will not be passed. Use {instead}.',
    },
    docs: {
      whatItDoes:
        'Finds template context keys that Airflow 3 removed — `execution_date`, `next_execution_date`, `next_ds`, `next_ds_nodash`, `prev_execution_date`, `prev_ds`, `prev_ds_nodash`, `prev_execution_date_success`, `tomorrow_ds`, `tomorrow_ds_nodash`, `yesterday_ds`, `yesterday_ds_nodash`, `triggering_dataset_events`, `conf` — in Jinja expressions of strings written in the file, in look-ups on the task context (`context["execution_date"]`, `kwargs.get("prev_ds")`, `get_current_context()[...]`) and as parameters of task functions. A warning when the target Airflow version is 3, a hint when it is 2.',
      whyIsThisBad:
        'These keys were deprecated during Airflow 2 and are gone from the Airflow 3 context: a template using one fails to render (or renders empty), a look-up raises `KeyError`, and a parameter named after one is simply not passed. The replacements (`logical_date`, `data_interval_start` / `data_interval_end`, `prev_data_interval_start_success`, `macros.ds_add`) exist in Airflow 2.2 and later, so the code can be migrated first.',
      example: 'BashOperator(task_id="export", bash_command="export.sh --day {{ execution_date | ds }} --next {{ next_ds }}")',
      useInstead: 'BashOperator(task_id="export", bash_command="export.sh --day {{ logical_date | ds }} --next {{ data_interval_end | ds }}")',
      fixSafety:
        'Only one-to-one renames get a fix (`execution_date` → `logical_date`, `next_execution_date` → `data_interval_end`, `prev_execution_date_success` → `prev_data_interval_start_success`, `triggering_dataset_events` → `triggering_asset_events`) in templates and context look-ups; on Airflow 2.2 and later the new key holds the same value. Parameters and keys without an exact equivalent are reported without a fix.',
    },
  },
  check(checkContext) {
    const context = deduplicated(checkContext);
    const { file } = context;
    const reported = new Set<string>();
    const report = (range: Range, messageId: string, key: string) => {
      if (reported.has(rangeKey(range))) return;
      reported.add(rangeKey(range));
      const removed = REMOVED_KEYS[key]!;
      const fix: Fix | undefined = removed.rename && messageId !== 'parameter'
        ? { title: `Use "${removed.rename}"`, edits: [{ range, newText: removed.rename }], safe: true }
        : undefined;
      context.report({ messageId, args: { key, instead: removed.instead }, range, ...(fix ? { fixes: [fix] } : {}) });
    };
    // One pass over the text first: most files mention none of the removed keys at all.
    if (!MENTION.test(context.text)) return;
    const lines = lineIndexOf(context.text);
    forEachWrittenValue(file, (_name, value) => {
      // A value followed to a constant holds the constant's text at the use's range: not kept, as the
      // positions then depend on the text around the use.
      const uses = value.resolvedFrom ? removedKeysOf(value, lines) : removedKeysIn.get(value, lines);
      for (let i = 0; i < uses.length; i++) report(uses[i]!.range, 'template', uses[i]!.key);
    });
    const contextVariables = new Map<string, string[]>();
    for (const assignment of file.assignments) {
      const owner = assignment.scope.functionName;
      if (owner === null || !/(^|\.)get_current_context$/.test(assignment.value.qualifiedName ?? '')) continue;
      contextVariables.set(owner, [...(contextVariables.get(owner) ?? []), assignment.target]);
    }
    for (const task of taskFunctions(file)) checkTaskFunction(context, task, contextVariables.get(task.fn.name) ?? [], report);
  },
};

type Reporter = (range: Range, messageId: string, key: string) => void;

/** A removed key used in a template. */
interface KeyUse {
  range: Range;
  key: string;
}

/**
 * Removed keys used as variables in the `{{ }}` / `{% %}` blocks of a string literal. For a literal
 * written where it is used, a function of the value alone (its text and range; the line index only
 * turns offsets inside it into positions), so worked out once per value object ({@link removedKeysIn}).
 */
function removedKeysOf(value: ExprValue, lines: LineIndex): readonly KeyUse[] {
  if (value.kind !== 'string' || literalString(value) === null) return NOTHING;
  const source = value.text;
  if (!source.includes('{{') && !source.includes('{%')) return NOTHING;
  const base = lines.offsetAt(value.range.start);
  const locallySet = new Set([...source.matchAll(/\{%-?\s*set\s+(\w+)/g)].map((match) => match[1]!));
  const uses: KeyUse[] = [];
  for (const block of source.matchAll(JINJA_BLOCK)) {
    const inner = block[1] ?? block[2] ?? '';
    const innerStart = block.index! + 2;
    const blanked = inner.replace(/'[^']*'|"[^"]*"/g, (literal) => ' '.repeat(literal.length));
    for (const name of blanked.matchAll(/(?<![\w.])([A-Za-z_]\w*)(?!\s*=[^=])/g)) {
      const key = name[1]!;
      if (!(key in REMOVED_KEYS) || locallySet.has(key)) continue;
      const start = base + innerStart + name.index!;
      uses.push({ range: { start: lines.positionAt(start), end: lines.positionAt(start + key.length) }, key });
    }
  }
  return uses.length > 0 ? uses : NOTHING;
}

const removedKeysIn = new PerObjectMemo<ExprValue, readonly KeyUse[], LineIndex>(removedKeysOf);

/** Functions that run as tasks: TaskFlow functions and the `python_callable`s of tasks. */
/** A function that runs as a task, with the parameters its callers fill in themselves. */
interface TaskFunction {
  fn: FunctionFact;
  /** Parameter names given values by the DAG code (`op_kwargs`, arguments of the TaskFlow call), which Airflow then leaves alone. */
  supplied: Set<string>;
}

/** Functions that run as tasks: TaskFlow functions and the `python_callable`s of tasks. */
function taskFunctions(file: FileModel): TaskFunction[] {
  const supplied = new Map<string, Set<string>>();
  const note = (task: TaskModel) => {
    if (!task.callable) return;
    const key = rangeKey(task.callable.range);
    let names = supplied.get(key);
    if (!names) supplied.set(key, (names = new Set()));
    for (const name of Object.keys(task.args.op_kwargs?.value.entries ?? {})) names.add(name);
    const call = task.kind === 'taskflow' ? callAt(file, task.range) : undefined;
    if (call) for (const name of Object.keys(call.keywords)) names.add(name);
  };
  for (const dag of file.dags) dag.tasks.forEach(note);
  file.tasksWithoutDag.forEach(note);
  const functions: TaskFunction[] = [];
  for (const fn of file.functions) {
    const names = supplied.get(rangeKey(fn.nameRange)) ?? supplied.get(rangeKey(fn.range));
    if (names || fn.decorators.some((decorator) => TASK_DECORATOR.test(decorator) && decorator.startsWith('airflow.'))) {
      functions.push({ fn, supplied: names ?? new Set() });
    }
  }
  return functions;
}

function checkTaskFunction(context: RuleContext, { fn, supplied }: TaskFunction, contextVariables: readonly string[], report: Reporter): void {
  const { text } = context;
  const lines = lineIndexOf(text);
  const signatureRange = { start: fn.nameRange.end, end: fn.bodyRange.start };
  const signature = textOf(text, signatureRange);
  const signatureBase = lines.offsetAt(signatureRange.start);
  for (const raw of fn.parameters) {
    const name = raw.replace(/^\*+/, '').replace(/[:=].*$/, '').trim();
    // `conf` is too common a parameter name to mean the removed key; supplied parameters are the caller's.
    if (raw.startsWith('*') || !(name in REMOVED_KEYS) || name === 'conf' || supplied.has(name)) continue;
    const match = new RegExp(`(?<![\\w.*])${name}(?!\\w)`).exec(signature);
    if (match) report({ start: lines.positionAt(signatureBase + match.index), end: lines.positionAt(signatureBase + match.index + name.length) }, 'parameter', name);
  }

  const receivers = new Set<string>();
  for (const match of signature.matchAll(/\*\*\s*(\w+)/g)) receivers.add(match[1]!);
  if (fn.parameters.some((parameter) => parameter.replace(/^\*+/, '') === 'context')) receivers.add('context');
  for (const name of contextVariables) receivers.add(name);
  if (receivers.size === 0) return;
  const body = textOf(text, fn.bodyRange);
  const bodyBase = lines.offsetAt(fn.bodyRange.start);
  const names = [...receivers].join('|');
  const lookup = new RegExp(`(?<![\\w.])(?:${names})\\s*(?:\\[\\s*|\\.get\\(\\s*)(["'])(\\w+)\\1`, 'g');
  for (const match of body.matchAll(lookup)) {
    const key = match[2]!;
    if (!(key in REMOVED_KEYS)) continue;
    const lineStart = body.lastIndexOf('\n', match.index!) + 1;
    if (body.slice(lineStart, match.index!).includes('#')) continue;
    const keyStart = bodyBase + match.index! + match[0].length - key.length - 1;
    report({ start: lines.positionAt(keyStart), end: lines.positionAt(keyStart + key.length) }, 'lookup', key);
  }
}
