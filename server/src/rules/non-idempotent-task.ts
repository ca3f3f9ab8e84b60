import type { AssignmentFact, CallFact, ExprValue, FileModel, KeywordArgument, TaskModel } from '../analyzer/model';
import { operatorTemplateSpec } from '../templates/templateFields';
import type { Fix, RuleContext, Rule, TextEdit } from './rule';
import { byStartLine, CallsInRanges, enclosing } from './support/call-index';
import { addImport, identifierOccurrences, textOf } from './support/edits';
import { containsRange, tasksOfDags, walkValues } from './support/expressions';

/** Calls that read the wall clock. */
const CLOCK_CALLS = new Set([
  'datetime.datetime.now', 'datetime.datetime.utcnow', 'datetime.datetime.today', 'datetime.date.today',
  'time.time', 'time.time_ns', 'time.localtime', 'time.gmtime',
  'pendulum.now', 'pendulum.today', 'pendulum.yesterday', 'pendulum.tomorrow', 'pendulum.DateTime.now', 'pendulum.DateTime.utcnow', 'pendulum.DateTime.today',
  'airflow.utils.timezone.utcnow', 'airflow.utils.timezone.now', 'airflow.sdk.timezone.utcnow',
  'arrow.now', 'arrow.utcnow',
]);

/** Clock calls whose result is a calendar day: nearly always used to pick the data to process. */
const DAY_CALLS = new Set(['datetime.date.today', 'datetime.datetime.today', 'pendulum.today', 'pendulum.yesterday', 'pendulum.tomorrow', 'pendulum.DateTime.today']);

const DAYS_AGO = new Set(['airflow.utils.dates.days_ago']);

/**
 * Answers per distinct name, remembered: a 2,000-task file has tens of thousands of calls and tasks
 * but only a few dozen callee and operator names, so each regular expression runs once per name.
 */
function memoized(test: (name: string) => boolean): (name: string) => boolean {
  const answers = new Map<string, boolean>();
  return (name) => {
    let answer = answers.get(name);
    if (answer === undefined) {
      if (answers.size > 10_000) answers.clear();
      answer = test(name);
      answers.set(name, answer);
    }
    return answer;
  };
}

function isClockCall(call: CallFact): boolean {
  const name = call.qualifiedName;
  if (!name) return false;
  if (CLOCK_CALLS.has(name) || DAYS_AGO.has(name)) return true;
  // `time.strftime("%Y-%m-%d")` with no time argument formats the current time; only a day matters here.
  return name === 'time.strftime' && call.positional.length === 1 && /%[dYjmF]/.test(String(call.positional[0]!.value ?? ''));
}

const isRandomName = memoized((name) => /^(random|uuid|secrets|numpy\.random)\./.test(name) || name === 'os.urandom');

function isRandomCall(call: CallFact): boolean {
  return call.qualifiedName !== null && isRandomName(call.qualifiedName);
}

/** Methods that turn a point in time into a day, a period or a string: what partitions and paths are made of. */
// Not `isoformat` / `timestamp`: a full timestamp is what audit columns and log lines record.
const FORMATTING = /\.(strftime|date|format|to_date_string|subtract|add|replace|start_of|end_of|floor|ceil)$/;
const LOGGING_CALLEE = /^(print|pprint|logging\.\w+|(\w+\.)*(log|logger|_log|LOG|LOGGER)\.\w+)$/;
const DATE_LIKE_NAME = /(^|_)(date|dates|day|days|ds|dt|partition|period|cutoff|yesterday|today|tomorrow|month|year|week|since|until|window|snapshot|as_?of|watermark|run_date|batch_date|target_date|load_date|report_date|file_date|prefix|path|key|folder|table)(_|$)/i;

/** Arguments that schedule the task rather than choose its data; a dynamic value there is its own finding. */
const SCHEDULING_ARGUMENTS = new Set(['start_date', 'end_date']);

const SQL_OPERATOR = /(Sql|SQL|Postgres|MySql|Mysql|Mssql|MsSql|Oracle|Snowflake|Redshift|Trino|Presto|Vertica|Sqlite|Databricks|Exasol|Teradata|Hive|Jdbc|Odbc|Clickhouse|Druid)\w*Operator$/;
const INSERT = /\binsert\s+(into\b|\w)/i;
const IDEMPOTENT_WRITE = /\bmerge\s+into\b|\bon\s+conflict\b|\bon\s+duplicate\s+key\b|\binsert\s+overwrite\b|\binsert\s+or\s+replace\b|\breplace\s+into\b|\binsert\s+ignore\b|\bdelete\s+from\b|\bdelete\s+\w|\btruncate\b|\bdrop\s+table\b|\bcreate\s+or\s+replace\b|\bwhere\s+not\s+exists\b|\bupsert\b|\bexcept\s+select\b|\bminus\s+select\b|\bon\s+conflict\b|\bswap\s+with\b|\bexchange\s+partition\b/i;

/** Destination keys of transfer operators that write to object or file storage, by destination. */
const STORAGE_DESTINATIONS: [RegExp, string[]][] = [
  [/To(S3|Aws\w*)Operator$/, ['s3_key', 'dest_key', 'dest_s3_key']],
  [/To(GCS|Gcs|GoogleCloudStorage)Operator$/, ['dst', 'filename', 'destination_object', 'object_name', 'destination_path']],
  [/To(Wasb|AzureBlobStorage|AzureDataLakeStorage|ADLS|Adls)Operator$/, ['blob_name', 'dest_path', 'remote_path']],
  [/To(Sftp|SFTP|Ftp|FTP|Local\w*)Operator$/, ['sftp_path', 'remote_filepath', 'output_path', 'dest_path', 'local_path']],
];
const TABLE_DESTINATIONS = ['destination_project_dataset_table', 'destination_table'];

export const nonIdempotentTask: Rule = {
  meta: {
    id: 'non-idempotent-task',
    summary: 'A task\'s result depends on when it runs (the wall clock, random ids, plain INSERTs, fixed output paths), so reruns and backfills do not reproduce it.',
    defaultSeverity: 'warning',
    category: 'reliability',
    fix: 'safe',
    messages: {
      clockInTask: '{call} in task "{task}" decides which data to process by the wall clock: a retry, a rerun or a backfill processes a different day. Use the run\'s data_interval_start / logical_date from the task context instead.',
      clockInArgument: '{call} in the {argument} argument of task "{task}" is evaluated when the scheduler parses the file, not when the task runs: every parse changes it, and reruns and backfills get today\'s value. Use a template such as {{ ds }} or {{ data_interval_start }} instead.',
      dynamicStartDate: '{argument}={value} moves every time the scheduler parses the file: the DAG\'s schedule never settles, and runs can be skipped or never created. Use a fixed, timezone-aware date such as pendulum.datetime(2024, 1, 1, tz="UTC").',
      nondeterministicDagId: 'The id of DAG {dag} is computed with {call}: it changes on every parse, so Airflow sees a new DAG each time and loses its history. Use a fixed id.',
      nondeterministicTaskId: 'The id of task {task} is computed with {call}: it changes on every parse, so Airflow loses the task\'s history and state. Use a fixed id.',
      plainInsert: 'The SQL of task "{task}" INSERTs without an upsert, MERGE, delete-first or overwrite: a retry or rerun inserts the same rows again. Delete the run\'s partition first (DELETE … WHERE day = \'{{ ds }}\') or MERGE.',
      fixedOutputPath: 'Task "{task}" writes to {argument}={value} on every run: each run overwrites the previous one, so reruns and backfills clobber newer data. Put the run\'s date in the path, e.g. a {{ ds }} folder.',
      appendToTable: 'Task "{task}" appends to {table} with WRITE_APPEND on every run: a retry or rerun appends the same rows again. Write to the run\'s partition (table${{ ds_nodash }}) with WRITE_TRUNCATE.',
    },
    docs: {
      whatItDoes: [
        'Flags the patterns that make a task\'s result depend on when or how often it runs, each with its own message:',
        '',
        '- `datetime.now()`, `utcnow()`, `today()`, `date.today()`, `time.time()`, `pendulum.now()` inside task code when their value picks the data (formatted into a date or path, shifted by a `timedelta`, stored in a date-like variable); plain timing and logging are left alone;',
        '- the same calls in operator arguments, which run when the scheduler parses the file;',
        '- a dynamic `start_date` / `end_date` (`datetime.now()`, `days_ago(n)`);',
        '- `random`, `uuid` or the clock in DAG or task ids;',
        '- SQL given to SQL operators that `INSERT`s without an upsert, `MERGE`, delete-first or overwrite;',
        '- transfer operators that write every run to the same object path, or append to a table with `WRITE_APPEND`.',
      ].join('\n'),
      whyIsThisBad:
        'Airflow retries failed tasks, lets users clear and rerun old runs, and back-fills past intervals. All of that assumes a task run is a function of its data interval: run it twice for the same interval, get the same result. A task that reads the wall clock processes a different day on a rerun; a plain INSERT duplicates rows on a retry; a fixed output path is overwritten by whichever run ran last; a moving `start_date` keeps the scheduler from ever settling on the first interval.',
      example: [
        '@task',
        'def export_orders():',
        '    day = datetime.now().strftime("%Y-%m-%d")',
        '    run_query(f"SELECT * FROM orders WHERE day = \'{day}\'")',
        '',
        'load = SQLExecuteQueryOperator(',
        '    task_id="load",',
        '    sql="INSERT INTO daily_orders SELECT * FROM staging_orders",',
        ')',
      ].join('\n'),
      useInstead: [
        '@task',
        'def export_orders(data_interval_start=None):',
        '    day = data_interval_start.strftime("%Y-%m-%d")',
        '    run_query(f"SELECT * FROM orders WHERE day = \'{day}\'")',
        '',
        'load = SQLExecuteQueryOperator(',
        '    task_id="load",',
        '    sql=[',
        '        "DELETE FROM daily_orders WHERE day = \'{{ ds }}\'",',
        '        "INSERT INTO daily_orders SELECT * FROM staging_orders WHERE day = \'{{ ds }}\'",',
        '    ],',
        ')',
      ].join('\n'),
      fixSafety:
        'Two fixes are offered. A dynamic `start_date` becomes a fixed `pendulum.datetime(...)` in UTC on the day it evaluated to when the fix was made (adding `import pendulum` when needed): the schedule from then on is the one the DAG already had, minus the drift. An f-string in a templated argument whose only placeholder formats the current day (`f"...{datetime.now():%Y-%m-%d}"`) becomes a template using `{{ ds }}` (or `{{ ds_nodash }}`): the value is now the run\'s logical date rather than the parse day, which is the point of the rule. Both are applied by `--fix`. Moving output paths and rewriting SQL have no automatic fix: readers of those paths and tables need to change too.',
    },
  },
  check(context) {
    const { file } = context;
    const clockCalls = new CallsInRanges(file, isClockCall);
    const randomCalls = new CallsInRanges(file, isRandomCall);
    const tasks = tasksOfDags(file);
    if (clockCalls.size > 0) {
      checkClockInTaskCode(context, clockCalls, tasks);
      checkStartDates(context, clockCalls);
    }
    if (clockCalls.size > 0 || randomCalls.size > 0) checkIds(context, clockCalls, randomCalls);
    for (const dag of file.dags) {
      let cleared: Set<string> | undefined;
      const clearedInDag = () => (cleared ??= clearedTables(dag.tasks));
      for (const task of dag.tasks) {
        if (clockCalls.size > 0) checkClockInArguments(context, clockCalls, task);
        checkSql(context, task, clearedInDag);
        checkOutputs(context, task);
      }
    }
  },
};

function callDisplay(call: CallFact): string {
  return `${call.calleeText}()`;
}

/** The wall clock inside TaskFlow functions and `python_callable`s, when its value picks data. */
function checkClockInTaskCode(context: RuleContext, clockCalls: CallsInRanges, tasks: TaskModel[]): void {
  const { file } = context;
  const inTasks = clockCalls.all().filter((call) => call.scope.taskCallable !== null);
  if (inTasks.length === 0) return;
  const callsByLine = byStartLine(file.calls);
  const assignmentsByLine = byStartLine(file.assignments);
  const taskByCallable = new Map<string, string>();
  for (const task of tasks) if (task.callable && !taskByCallable.has(task.callable.name)) taskByCallable.set(task.callable.name, task.taskId);
  for (const call of inTasks) {
    if (DAYS_AGO.has(call.qualifiedName ?? '')) continue;
    if (!picksData(call, enclosing(callsByLine, call.range), enclosing(assignmentsByLine, call.range))) continue;
    const callable = call.scope.taskCallable!;
    context.report({ messageId: 'clockInTask', args: { call: callDisplay(call), task: taskByCallable.get(callable) ?? callable }, range: call.range });
  }
}

/**
 * True when the clock value is used to choose data rather than to time or log something: formatted
 * into a day or string, shifted, stored under a date-like name, passed as a date-like argument.
 */
function picksData(call: CallFact, around: CallFact[], assignments: AssignmentFact[]): boolean {
  for (const outer of around) {
    if (LOGGING_CALLEE.test(outer.calleeText) || outer.qualifiedName === 'print') return false;
  }
  if (DAY_CALLS.has(call.qualifiedName ?? '') || call.qualifiedName === 'time.strftime') return true;
  for (const outer of around) {
    if (outer.calleeText.startsWith(call.calleeText) && FORMATTING.test(outer.calleeText)) return true;
    for (const keyword of Object.values(outer.keywords)) {
      if (containsRange(keyword.value.range, call.range) && DATE_LIKE_NAME.test(keyword.name)) return true;
    }
  }
  for (const assignment of assignments) {
    if (DATE_LIKE_NAME.test(assignment.target)) return true;
    if (mixesWithDates(assignment.value)) return true;
  }
  return false;
}

/** `now() - timedelta(days=1)`, `f"orders/{now():%Y-%m-%d}.csv"`: a clock value turned into a day or a path. */
function mixesWithDates(value: ExprValue): boolean {
  if (value.kind === 'fstring') return true;
  if (value.kind === 'binary') return /timedelta|duration|relativedelta|days\s*=|hours\s*=/.test(value.text);
  return false;
}

/** The clock in operator arguments: evaluated at parse time. */
function checkClockInArguments(context: RuleContext, clockCalls: CallsInRanges, task: TaskModel): void {
  if (task.kind === 'taskflow') return;
  for (const argument of Object.values(task.args)) {
    if (SCHEDULING_ARGUMENTS.has(argument.name)) continue;
    const calls = clockCalls.within(argument.value.range).filter((call) => call.scope.parseTime && !DAYS_AGO.has(call.qualifiedName ?? ''));
    if (calls.length === 0) continue;
    const fix = templateFix(context, task, argument, calls[0]!);
    context.report({
      messageId: 'clockInArgument',
      args: { call: callDisplay(calls[0]!), argument: argument.name, task: task.taskId },
      range: calls[0]!.range,
      fixes: fix ? [fix] : [],
    });
  }
}

const DAY_FORMATS: Record<string, string> = { '%Y-%m-%d': '{{ ds }}', '%Y%m%d': '{{ ds_nodash }}' };

/**
 * For a templated argument written as an f-string whose only placeholder formats the current day,
 * the same string as a template: `f"run --day {datetime.now():%Y-%m-%d}"` → `"run --day {{ ds }}"`.
 */
function templateFix(context: RuleContext, task: TaskModel, argument: KeywordArgument, call: CallFact): Fix | null {
  const spec = operatorTemplateSpec(task.qualifiedName);
  if (!spec || !spec.templateFields.includes(argument.name) || argument.value.kind !== 'fstring') return null;
  const written = textOf(context.text, argument.value.range);
  const prefix = /^[A-Za-z]*/.exec(written)![0];
  if (!/f/i.test(prefix) || /b/i.test(prefix)) return null;
  const body = written.slice(prefix.length);
  if (body.includes('{{') || body.includes('}}')) return null;
  const placeholders = body.match(/\{[^{}]*\}/g) ?? [];
  if (placeholders.length !== 1) return null;
  const inner = placeholders[0]!.slice(1, -1).trim();
  const callText = textOf(context.text, call.range);
  if (!inner.startsWith(callText)) return null;
  const rest = inner.slice(callText.length).trim();
  let template: string | undefined;
  const formatSpec = /^:\s*(%Y-?%m-?%d)$/.exec(rest);
  const strftime = /^\.strftime\(\s*(['"])(%Y-?%m-?%d)\1\s*\)$/.exec(rest);
  if (formatSpec) template = DAY_FORMATS[formatSpec[1]!];
  else if (strftime) template = DAY_FORMATS[strftime[2]!];
  else if ((rest === '' && DAY_CALLS.has(call.qualifiedName ?? '')) || rest === '.date()' || rest === '.to_date_string()' || (rest === '.isoformat()' && call.qualifiedName === 'datetime.date.today')) template = '{{ ds }}';
  if (!template) return null;
  const newPrefix = prefix.replace(/f/i, '');
  return {
    title: `Use ${template} instead of ${callDisplay(call)}`,
    safe: true,
    edits: [{ range: argument.value.range, newText: `${newPrefix}${body.replace(placeholders[0]!, template)}` }],
  };
}

/** `start_date` / `end_date` computed from the clock, wherever they are written. */
function checkStartDates(context: RuleContext, clockCalls: CallsInRanges): void {
  const { file } = context;
  const seen = new Set<string>();
  const candidates: KeywordArgument[] = [];
  for (const dag of file.dags) {
    for (const name of SCHEDULING_ARGUMENTS) {
      const fromDag = dag.args[name];
      const fromDefaults = dag.defaultArgs?.entries[name];
      if (fromDag) candidates.push(fromDag);
      if (fromDefaults) candidates.push(fromDefaults);
      for (const task of dag.tasks) if (task.args[name]) candidates.push(task.args[name]!);
    }
  }
  for (const argument of candidates) {
    const key = `${argument.range.start.line}:${argument.range.start.character}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const calls = clockCalls.within(argument.value.range);
    if (calls.length === 0) continue;
    const fix = staticDateFix(context, argument, calls[0]!);
    context.report({
      messageId: 'dynamicStartDate',
      args: { argument: argument.name, value: compact(argument.value.text) },
      range: argument.value.range,
      fixes: fix ? [fix] : [],
    });
  }
}

function compact(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > 60 ? `${oneLine.slice(0, 57)}...` : oneLine;
}

/** Replaces a moving date with the fixed UTC day it evaluates to now (`days_ago(2)` → two days back). */
function staticDateFix(context: RuleContext, argument: KeywordArgument, call: CallFact): Fix | null {
  const { file, text } = context;
  let daysBack = 0;
  if (DAYS_AGO.has(call.qualifiedName ?? '')) {
    const days = call.positional[0]?.value ?? call.keywords['n']?.value.value;
    if (typeof days !== 'number') return null;
    daysBack = days;
  } else {
    const shift = /(?:timedelta|duration)\(\s*(?:days\s*=\s*)?(\d+)\s*\)/.exec(argument.value.text);
    if (argument.value.kind === 'binary') {
      if (!shift || !/-/.test(argument.value.text)) return null;
      daysBack = Number(shift[1]);
    } else if (argument.value.range.start.line !== call.range.start.line || textOf(text, argument.value.range) !== textOf(text, call.range)) {
      // Something more than a bare clock call (`.replace(...)`, arithmetic we cannot read): no fix.
      if (!/^\s*\.replace\(\s*hour\s*=\s*0\s*,\s*minute\s*=\s*0\s*,\s*second\s*=\s*0\s*(,\s*microsecond\s*=\s*0\s*)?\)\s*$/.test(textOf(text, argument.value.range).slice(textOf(text, call.range).length))) return null;
    }
  }
  const day = new Date(Date.now() - daysBack * 86_400_000);
  const edits: TextEdit[] = [];
  const pendulum = file.imports.find((fact) => fact.kind === 'module' && fact.qualifiedName === 'pendulum');
  let alias = pendulum?.localName;
  if (!alias) {
    if (identifierOccurrences(text, 'pendulum') > 0) return null;
    alias = 'pendulum';
    edits.push(addImport(file, text, 'import pendulum'));
  }
  const value = `${alias}.datetime(${day.getUTCFullYear()}, ${day.getUTCMonth() + 1}, ${day.getUTCDate()}, tz="UTC")`;
  edits.push({ range: argument.value.range, newText: value });
  return { title: `Use a fixed start date: ${value}`, safe: true, edits };
}

/** Random values or the clock in DAG and task ids. */
function checkIds(context: RuleContext, clockCalls: CallsInRanges, randomCalls: CallsInRanges): void {
  const idCalls = (range: Parameters<CallsInRanges['within']>[0]) => [...randomCalls.within(range), ...clockCalls.within(range)];
  for (const dag of context.file.dags) {
    const idRange = dag.args['dag_id']?.value.range ?? dag.dagIdRange;
    if (idRange) {
      const calls = idCalls(idRange);
      if (calls.length > 0) {
        context.report({ messageId: 'nondeterministicDagId', args: { dag: dag.dagId ?? compact(textOf(context.text, idRange)), call: callDisplay(calls[0]!) }, range: calls[0]!.range });
      }
    }
    for (const task of dag.tasks) {
      const taskIdRange = task.args['task_id']?.value.range ?? task.taskIdRange;
      if (!taskIdRange) continue;
      const calls = idCalls(taskIdRange);
      const name = task.dynamicId ? compact(textOf(context.text, taskIdRange)) : `"${task.taskId}"`;
      if (calls.length > 0) context.report({ messageId: 'nondeterministicTaskId', args: { task: name, call: callDisplay(calls[0]!) }, range: calls[0]!.range });
    }
  }
}

/** The SQL text of a task, from `sql=` (a string or a list of statements) or a nested `query` entry. */
function sqlStrings(task: TaskModel): { text: string; value: ExprValue }[] {
  const found: { text: string; value: ExprValue }[] = [];
  for (const name of ['sql', 'configuration']) {
    const argument = task.args[name];
    if (!argument) continue;
    for (const value of walkValues(argument.value)) {
      if (typeof value.value !== 'string') continue;
      if (name === 'configuration' && !value.text) continue;
      found.push({ text: value.value, value });
    }
  }
  return found;
}

const isSqlOperator = memoized((operator) => SQL_OPERATOR.test(operator) || operator === 'BigQueryInsertJobOperator');

function isSqlTask(task: TaskModel): boolean {
  return task.kind === 'sql' || isSqlOperator(task.operator);
}

const destinationsOf = (() => {
  const answers = new Map<string, string[] | null>();
  return (operator: string): string[] | null => {
    let answer = answers.get(operator);
    if (answer === undefined) {
      if (answers.size > 10_000) answers.clear();
      answer = STORAGE_DESTINATIONS.find(([pattern]) => pattern.test(operator))?.[1] ?? null;
      answers.set(operator, answer);
    }
    return answer;
  };
})();

/** Strips SQL comments, so a commented-out DELETE does not count. */
function withoutSqlComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, ' ').replace(/\/\*[\s\S]*?\*\//g, ' ');
}

const INSERT_TARGET = /\binsert\s+(?:into\s+)?([\w.`"\[\]]+)/gi;
const CLEARED_TABLE = /\b(?:delete\s+from|delete|truncate\s+table|truncate|drop\s+table\s+if\s+exists|drop\s+table)\s+([\w.`"\[\]]+)/gi;

function tableName(written: string): string {
  return written.replace(/[`"[\]]/g, '').toLowerCase();
}

/**
 * Tables that some SQL task of the DAG deletes from or truncates: a separate "clear the partition"
 * task before the INSERT is the same delete-first pattern, split in two tasks.
 */
function clearedTables(tasks: readonly TaskModel[]): Set<string> {
  const cleared = new Set<string>();
  for (const task of tasks) {
    if (!isSqlTask(task)) continue;
    for (const { text } of sqlStrings(task)) {
      for (const match of withoutSqlComments(text).matchAll(CLEARED_TABLE)) cleared.add(tableName(match[1]!));
    }
  }
  return cleared;
}

function checkSql(context: RuleContext, task: TaskModel, cleared: () => Set<string>): void {
  if (!isSqlTask(task)) return;
  const statements = sqlStrings(task).filter(({ text }) => !/\.sql\s*$/i.test(text));
  if (statements.length === 0) return;
  const all = statements.map(({ text }) => withoutSqlComments(text)).join(';\n');
  if (!INSERT.test(all) || IDEMPOTENT_WRITE.test(all)) return;
  const targets = [...all.matchAll(INSERT_TARGET)].map((match) => tableName(match[1]!));
  if (targets.length > 0 && targets.every((table) => cleared().has(table))) return;
  const inserting = statements.find(({ text }) => INSERT.test(withoutSqlComments(text)))!;
  const argument = task.args['sql'] ?? task.args['configuration']!;
  const range = argument.value.kind === 'name' ? argument.range : inserting.value.range;
  context.report({
    messageId: 'plainInsert',
    args: { task: task.taskId },
    range,
    related: inserting.value.resolvedFrom ? [{ message: 'the SQL is written here', range: inserting.value.resolvedFrom }] : [],
  });
}

function checkOutputs(context: RuleContext, task: TaskModel): void {
  const destination = destinationsOf(task.operator);
  if (destination) {
    for (const name of destination) {
      const argument = task.args[name];
      const path = argument && typeof argument.value.value === 'string' ? argument.value.value : null;
      if (!argument || path === null || argument.value.kind !== 'string') continue;
      if (path.includes('{{') || path.includes('{%') || path.endsWith('/') || path.trim() === '') continue;
      const fix = datedPathFix(context, task, argument, path);
      context.report({
        messageId: 'fixedOutputPath',
        args: { task: task.taskId, argument: name, value: compact(argument.value.text) },
        range: argument.value.range,
        fixes: fix ? [fix] : [],
      });
    }
  }
  const disposition = task.args['write_disposition']?.value.value;
  if (disposition === 'WRITE_APPEND') {
    for (const name of TABLE_DESTINATIONS) {
      const argument = task.args[name];
      const table = argument && typeof argument.value.value === 'string' ? argument.value.value : null;
      if (!argument || table === null || table.includes('{{') || table.includes('$')) continue;
      context.report({ messageId: 'appendToTable', args: { task: task.taskId, table }, range: argument.value.range });
    }
  }
}

/** `"exports/orders.csv"` → `"exports/{{ ds }}/orders.csv"`, for templated path arguments. */
function datedPathFix(context: RuleContext, task: TaskModel, argument: KeywordArgument, path: string): Fix | null {
  const spec = operatorTemplateSpec(task.qualifiedName);
  if (spec && !spec.templateFields.includes(argument.name)) return null;
  const written = textOf(context.text, argument.value.range);
  const quote = /^[rRuU]?(['"])/.exec(written);
  if (!quote || written.length < 2 || written.includes('\\')) return null;
  const slash = path.lastIndexOf('/');
  const dated = slash < 0 ? `{{ ds }}/${path}` : `${path.slice(0, slash)}/{{ ds }}${path.slice(slash)}`;
  const prefix = written.slice(0, written.indexOf(quote[1]!));
  const newText = `${prefix}${quote[1]}${dated}${quote[1]}`;
  if (!written.endsWith(quote[1]!) || written.startsWith(`${prefix}${quote[1]!.repeat(3)}`)) return null;
  return { title: `Write to a folder per run: ${dated}`, safe: false, edits: [{ range: argument.value.range, newText }] };
}
