import type { AssignmentFact, CallFact, ExprValue, FunctionFact, TaskModel } from '../analyzer/model';
import type { RuleContext, Rule } from './rule';
import { lastSegment, tasksOfDags } from './support/expressions';
import { lineIndexOf } from './text';

/**
 * Calls whose result is bulk data: whole files, whole query results, data frames. Listings
 * (`list_keys`) are left out: returning one to feed dynamic task mapping is what XCom is for.
 */
const BULK_METHOD = /\.(read|readlines|fetchall|fetchmany|to_dict|to_records|to_json|to_csv|to_parquet|to_numpy|tolist|get_records|get_pandas_df|get_df|get_polars_df|read_sql|read_sql_query|read_sql_table|to_pandas|toPandas|download_as_bytes|download_as_string|download_as_text|readall|get_file_content)$/;
const BULK_FUNCTION = /^(pandas|polars|pyarrow|dask\.dataframe)\.(read_\w+|DataFrame|concat|from_\w+)$|^(pandas|polars)\.\w*DataFrame$|^json\.load$|^pyarrow\.parquet\.read_table$/;

/** Operators whose pushed XCom is a whole query result or listing. */
const LARGE_OUTPUT_OPERATOR = /(SQLExecuteQuery|Sql|SQL|Postgres|MySql|Mssql|Oracle|Snowflake|Redshift|Trino|Databricks\w*Sql|BigQueryGetData|S3List|GCSListObjects|AzureDataLakeList|WasbList|SFTPList|SimpleHttp|Http|SimpleHttpOperator)\w*Operator$/;

function bulkSource(value: ExprValue): string | null {
  if (value.kind !== 'call') return null;
  const name = value.qualifiedName ?? '';
  if (BULK_FUNCTION.test(name)) return `${calleeOf(value.text) || lastSegment(name)}()`;
  const method = BULK_METHOD.exec(calleeOf(value.text));
  if (method) return `.${method[1]}()`;
  return null;
}

/** The callee of a call written as `text`: everything before its final argument list (`a.b().fetchall`). */
function calleeOf(text: string): string {
  const trimmed = text.trimEnd();
  if (!trimmed.endsWith(')')) return trimmed;
  let depth = 0;
  for (let index = trimmed.length - 1; index >= 0; index--) {
    const char = trimmed[index];
    if (char === ')') depth++;
    else if (char === '(' && --depth === 0) return trimmed.slice(0, index).trimEnd();
  }
  return trimmed;
}

export const heavyXcom: Rule = {
  meta: {
    id: 'heavy-xcom',
    summary: 'Bulk data (data frames, whole files or query results) goes through XCom, which lives in the metadata database.',
    defaultSeverity: 'warning',
    category: 'performance',
    fix: 'none',
    messages: {
      taskflowReturn: 'Task "{task}" returns {source} as its XCom: the whole result is serialised into Airflow\'s metadata database. Write it to object storage and return the path instead.',
      taskflowReturnVariable: 'Task "{task}" returns {variable}, which holds {source}: the whole result is serialised into Airflow\'s metadata database. Write it to object storage and return the path instead.',
      pushBulk: 'xcom_push of {source} stores the whole result in Airflow\'s metadata database. Write it to object storage and push the path instead.',
      pullInLoop: 'xcom_pull inside a loop in task "{task}": each call is a database round trip. Pull all the ids at once with task_ids=[...], or pass one reference to the data.',
      tooManyPulls: 'Task "{task}" pulls XComs {count} times (more than {limit}): pass one reference (a path, a table name) instead of many values.',
      largeOperatorPush: '{operator} "{task}" sets do_xcom_push=True, so its whole result ({what}) is stored in Airflow\'s metadata database. Write the result to storage and push only its location, or leave do_xcom_push off.',
    },
    options: {
      maxPullsPerTask: { type: 'number', default: 5, description: 'How many `xcom_pull` calls one task may make before the rule reports it.' },
    },
    docs: {
      whatItDoes:
        'Flags bulk data moving through XCom: TaskFlow tasks that return data frames, file contents or whole query results (`.read()`, `fetchall()`, `to_dict()`, `pd.read_*`, `hook.get_records()`…), `xcom_push` of such values, `xcom_pull` inside loops or more times in one task than the `max-pulls-per-task` option allows, and `do_xcom_push=True` on operators that push a whole query result or listing.',
      whyIsThisBad:
        'XComs are stored in Airflow\'s metadata database (unless a custom XCom backend is configured). Airflow\'s documentation describes them as meant for small amounts of data, not for data frames or files: large values bloat the database, slow down the scheduler and the UI for every DAG, and fail with database errors once they outgrow a column. Many small pulls are one database round trip each. Passing a reference — an object storage path, a table name — keeps the metadata database small and the data where it belongs.',
      example: [
        '@task',
        'def extract():',
        '    return pd.read_sql("SELECT * FROM orders", engine)',
        '',
        '@task',
        'def load(orders):',
        '    orders.to_sql("orders_copy", engine)',
      ].join('\n'),
      useInstead: [
        '@task',
        'def extract(ds=None):',
        '    path = f"s3://lake/orders/{ds}.parquet"',
        '    pd.read_sql("SELECT * FROM orders", engine).to_parquet(path)',
        '    return path',
        '',
        '@task',
        'def load(path):',
        '    pd.read_parquet(path).to_sql("orders_copy", engine)',
      ].join('\n'),
    },
  },
  check(context) {
    const { file } = context;
    const assignmentsByFunction = new Map<string, AssignmentFact[]>();
    for (const assignment of file.assignments) {
      const name = assignment.scope.functionName;
      if (!name) continue;
      let list = assignmentsByFunction.get(name);
      if (!list) assignmentsByFunction.set(name, (list = []));
      list.push(assignment);
    }
    const tasks = tasksOfDags(file);
    const tasksByCallable = new Map<string, TaskModel[]>();
    for (const task of tasks) {
      if (!task.callable) continue;
      let list = tasksByCallable.get(task.callable.name);
      if (!list) tasksByCallable.set(task.callable.name, (list = []));
      list.push(task);
    }
    for (const fn of file.functions) checkReturns(context, fn, tasksByCallable.get(fn.name) ?? [], assignmentsByFunction.get(fn.name) ?? []);
    checkPushesAndPulls(context, assignmentsByFunction, tasksByCallable);
    for (const task of tasks) checkOperatorPush(context, task);
  },
};

function isTaskflowFunction(fn: FunctionFact): boolean {
  return fn.decorators.some((decorator) => /^airflow\.(sdk|decorators)\.task(\.|$)/.test(decorator) && !/task_group/.test(decorator));
}

/** The value a name was last assigned inside the function before `before`, if any. */
function assignedValue(assignments: AssignmentFact[], name: string, before: ExprValue): ExprValue | null {
  let found: AssignmentFact | null = null;
  for (const assignment of assignments) {
    if (assignment.target !== name) continue;
    const start = assignment.range.start;
    if (start.line > before.range.start.line || (start.line === before.range.start.line && start.character > before.range.start.character)) continue;
    if (!found || start.line >= found.range.start.line) found = assignment;
  }
  return found ? found.value : null;
}

function checkReturns(context: RuleContext, fn: FunctionFact, tasks: TaskModel[], assignments: AssignmentFact[]): void {
  if (!isTaskflowFunction(fn)) return;
  // Tasks built from this function that turn the XCom off push nothing.
  if (tasks.length > 0 && tasks.every((task) => task.args['do_xcom_push']?.value.value === false)) return;
  const taskName = tasks[0]?.taskId ?? fn.name;
  for (const returned of fn.returns) {
    const direct = bulkSource(returned);
    if (direct) {
      context.report({ messageId: 'taskflowReturn', args: { task: taskName, source: direct }, range: returned.range });
      continue;
    }
    if (returned.kind !== 'name') continue;
    const value = assignedValue(assignments, returned.text, returned);
    const source = value ? bulkSource(value) : null;
    if (source && value) {
      context.report({
        messageId: 'taskflowReturnVariable',
        args: { task: taskName, variable: returned.text, source },
        range: returned.range,
        related: [{ message: `${returned.text} is assigned ${source} here`, range: value.range }],
      });
    }
  }
}

const METHOD_SUFFIXES = { xcom_push: '.xcom_push', xcom_pull: '.xcom_pull' } as const;

function isXcomCall(call: CallFact, method: 'xcom_push' | 'xcom_pull'): boolean {
  return call.calleeText === method || call.calleeText.endsWith(METHOD_SUFFIXES[method]);
}

function checkPushesAndPulls(context: RuleContext, assignmentsByFunction: Map<string, AssignmentFact[]>, tasksByCallable: Map<string, TaskModel[]>): void {
  const { file } = context;
  const limit = context.option<number>('maxPullsPerTask');
  const pullsByTask = new Map<string, CallFact[]>();
  const functionsByName = new Map(file.functions.map((fn) => [fn.name, fn]));
  for (const call of file.calls) {
    if (isXcomCall(call, 'xcom_push')) {
      const value = call.keywords['value']?.value ?? call.positional[1];
      if (!value) continue;
      let source = bulkSource(value);
      let related: { message: string; range: typeof value.range }[] = [];
      if (!source && value.kind === 'name' && call.scope.functionName) {
        const assigned = assignedValue(assignmentsByFunction.get(call.scope.functionName) ?? [], value.text, value);
        source = assigned ? bulkSource(assigned) : null;
        if (source && assigned) related = [{ message: `${value.text} is assigned ${source} here`, range: assigned.range }];
      }
      if (source) context.report({ messageId: 'pushBulk', args: { source }, range: call.range, related });
      continue;
    }
    if (!isXcomCall(call, 'xcom_pull')) continue;
    const owner = call.scope.taskCallable ?? call.scope.functionName;
    if (!owner) continue;
    let list = pullsByTask.get(owner);
    if (!list) pullsByTask.set(owner, (list = []));
    list.push(call);
  }
  for (const [owner, pulls] of pullsByTask) {
    const taskName = tasksByCallable.get(owner)?.[0]?.taskId ?? owner;
    const fn = functionsByName.get(owner);
    const looped = fn ? pulls.filter((pull) => insideLoop(context.text, fn, pull)) : [];
    for (const pull of looped) context.report({ messageId: 'pullInLoop', args: { task: taskName }, range: pull.range });
    if (pulls.length > limit && looped.length === 0) {
      context.report({
        messageId: 'tooManyPulls',
        args: { task: taskName, count: pulls.length, limit },
        range: fn ? fn.nameRange : pulls[limit]!.range,
        related: pulls.slice(0, 20).map((pull) => ({ message: 'xcom_pull', range: pull.range })),
      });
    }
  }
}

/**
 * True when the pull sits in a `for` / `while` body or a comprehension inside the task function. The
 * model has no loop facts, so this reads the indentation of the lines between the function's body
 * start and the call: bounded by the function body, and only done for `xcom_pull` calls.
 */
function insideLoop(text: string, fn: FunctionFact, pull: CallFact): boolean {
  const lines = lineIndexOf(text);
  const pullLine = lines.lineText(pull.range.start.line);
  const afterCall = pullLine.slice(pull.range.end.character);
  if (/\bfor\b[^#]*\bin\b/.test(afterCall)) return true;
  let indent = /^[ \t]*/.exec(pullLine)![0].length;
  for (let line = pull.range.start.line - 1; line >= fn.bodyRange.start.line && line >= pull.range.start.line - 200; line--) {
    const content = lines.lineText(line);
    const trimmed = content.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const lineIndent = /^[ \t]*/.exec(content)![0].length;
    if (lineIndent >= indent) continue;
    indent = lineIndent;
    if (/^(async\s+)?(for|while)\b/.test(trimmed)) return true;
    if (/^(async\s+)?def\b/.test(trimmed)) return false;
  }
  return false;
}

function checkOperatorPush(context: RuleContext, task: TaskModel): void {
  if (task.kind === 'taskflow') return;
  const push = task.args['do_xcom_push'];
  if (!push || push.value.value !== true || !LARGE_OUTPUT_OPERATOR.test(task.operator)) return;
  const what = /List/.test(task.operator) ? 'the full listing' : /Http/.test(task.operator) ? 'the response body' : 'the query result';
  context.report({ messageId: 'largeOperatorPush', args: { operator: task.operator, task: task.taskId, what }, range: push.range });
}

