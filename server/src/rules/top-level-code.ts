import type { CallFact, FileModel, ImportFact } from '../analyzer/model';
import type { Fix, Rule, RuleContext } from './rule';
import { lastSegment, literalString, rangeKey, walkValues } from './support/expressions';
import { deduplicated } from './support/report';

/** What a parse-time call costs, by message id. */
type CallKind = 'variable' | 'connection' | 'hook' | 'http' | 'database';

const HTTP_CALLS = new Set([
  'requests.get', 'requests.post', 'requests.put', 'requests.patch', 'requests.delete', 'requests.head', 'requests.options', 'requests.request',
  'httpx.get', 'httpx.post', 'httpx.put', 'httpx.patch', 'httpx.delete', 'httpx.head', 'httpx.request',
  'urllib.request.urlopen', 'urllib3.request',
]);

const DATABASE_CALLS = new Set([
  'psycopg2.connect', 'psycopg.connect', 'pymysql.connect', 'MySQLdb.connect', 'mysql.connector.connect', 'sqlite3.connect',
  'snowflake.connector.connect', 'cx_Oracle.connect', 'oracledb.connect', 'pyodbc.connect', 'pymssql.connect',
  'sqlalchemy.create_engine', 'pymongo.MongoClient', 'clickhouse_driver.Client', 'redshift_connector.connect',
  'pandas.read_sql', 'pandas.read_sql_query', 'pandas.read_sql_table', 'pandas.read_gbq',
]);

/**
 * Fields that Airflow renders as templates, for the operators whose `Variable.get` argument the fix
 * can turn into `{{ var.value.<key> }}` (from their `template_fields`).
 */
const TEMPLATED_FIELDS: Record<string, readonly string[]> = {
  BashOperator: ['bash_command', 'env', 'cwd'],
  PythonOperator: ['op_args', 'op_kwargs', 'templates_dict'],
  BranchPythonOperator: ['op_args', 'op_kwargs', 'templates_dict'],
  ShortCircuitOperator: ['op_args', 'op_kwargs', 'templates_dict'],
  PythonVirtualenvOperator: ['op_args', 'op_kwargs', 'templates_dict'],
  ExternalPythonOperator: ['op_args', 'op_kwargs', 'templates_dict'],
  SQLExecuteQueryOperator: ['sql', 'parameters'],
  PostgresOperator: ['sql', 'parameters'],
  EmailOperator: ['to', 'subject', 'html_content'],
  TriggerDagRunOperator: ['trigger_dag_id', 'conf'],
};

const DEFAULT_HEAVY_MODULES = 'pandas,numpy,scipy,sklearn,tensorflow,torch,keras,transformers,xgboost,lightgbm,polars,pyarrow,pyspark,dask,matplotlib,seaborn,plotly,spacy,nltk,cv2';

/**
 * Work the scheduler repeats on every parse of the file (every 30 seconds by default, for every
 * file): reading Variables and Connections, creating hooks, HTTP requests, database connections at
 * module level or in a DAG body; and heavy libraries imported at module level though only task code
 * uses them.
 */
export const topLevelCode: Rule = {
  meta: {
    id: 'top-level-code',
    summary: 'Work done at parse time (Variables, connections, hooks, HTTP, databases, heavy imports) slows every parse of the file.',
    defaultSeverity: 'warning',
    category: 'performance',
    fix: 'safe',
    ruff: ['AIR003'],
    options: {
      heavyModules: {
        type: 'string',
        default: DEFAULT_HEAVY_MODULES,
        description: 'Comma-separated top-level packages whose module-level import is reported when only task code uses them.',
      },
    },
    messages: {
      variable: '{callee}() runs every time the scheduler parses this file and queries the metadata database (or secrets backend) each time. Read it inside the task, or use the template "{{ var.value.<key> }}" in a templated field.',
      connection: '{callee}() runs every time the scheduler parses this file and looks the connection up each time. Get the connection inside the task.',
      hook: '{callee} is created every time the scheduler parses this file; create hooks inside the task that uses them.',
      http: '{callee}() makes an HTTP request every time the scheduler parses this file; make it inside a task.',
      database: '{callee}() opens a database connection every time the scheduler parses this file; connect inside a task.',
      heavyImport: '"{module}" is imported at module level but used only inside tasks: the scheduler pays for the import on every parse. Import it inside the task functions.',
    },
    docs: {
      whatItDoes:
        'Finds code that runs when the scheduler parses the DAG file rather than when a task runs: `Variable.get`, `BaseHook.get_connection` / `Connection.get`, hook instances, HTTP requests (`requests`, `httpx`, `urllib`) and database connections (DB-API `connect`, `create_engine`, `pandas.read_sql`) at module level, in a `with DAG(...)` body or in an `@dag` function body. Also finds heavy libraries (the `heavy-modules` option: pandas, numpy, TensorFlow, PyTorch, scikit-learn, …) imported at module level when every use of them is inside task code.',
      whyIsThisBad:
        'The DAG processor re-imports every DAG file every `min_file_process_interval` (30 s by default). Top-level work is repeated each time: a Variable read is a metadata-database query (or a secrets-backend API call), a connection lookup or HTTP call adds latency and load, and a slow parse hits `dagbag_import_timeout` and makes the DAG disappear. Heavy imports such as pandas or TensorFlow add seconds to every parse although only the worker running the task needs them.',
      example: [
        'bucket = Variable.get("export_bucket")',
        '',
        'upload = BashOperator(task_id="upload", bash_command=f"aws s3 cp out.csv s3://{bucket}/")',
      ].join('\n'),
      useInstead: 'upload = BashOperator(task_id="upload", bash_command="aws s3 cp out.csv s3://{{ var.value.export_bucket }}/")',
      fixSafety:
        'For `Variable.get("key")` passed directly (or inside a list or dict) to a templated field of a well-known operator, the fix writes `"{{ var.value.key }}"`: the value is then read when the task runs instead of at every parse, with the same result. Calls with `default_var` or `deserialize_json` have no fix.',
    },
  },
  check(checkContext) {
    const context = deduplicated(checkContext);
    const { file } = context;
    // Thousands of calls share a few callees (one per operator class): classify each callee once.
    const kinds = new Map<string, CallKind | null>();
    let templatedCalls: Set<string> | undefined;
    const callsInTemplatedFields = () => (templatedCalls ??= templatedFieldCalls(file));
    for (const call of file.calls) {
      if (!call.scope.parseTime || !call.qualifiedName) continue;
      let kind = kinds.get(call.qualifiedName);
      if (kind === undefined) kinds.set(call.qualifiedName, (kind = classify(call.qualifiedName)));
      if (!kind) continue;
      const fix = kind === 'variable' ? templateFix(call, callsInTemplatedFields) : null;
      context.report({
        messageId: kind,
        args: { callee: call.calleeText },
        range: call.range,
        ...(fix ? { fixes: [fix] } : {}),
      });
    }
    checkHeavyImports(context);
  },
};

function classify(qualifiedName: string): CallKind | null {
  if (qualifiedName.startsWith('airflow.')) {
    if (/(^|\.)Variable\.get$/.test(qualifiedName)) return 'variable';
    if (/(^|\.)(BaseHook\.get_connection|Connection\.get|Connection\.get_connection_from_secrets)$/.test(qualifiedName)) return 'connection';
    if (/Hook$/.test(lastSegment(qualifiedName)) && !/\.get_hook$/.test(qualifiedName)) return 'hook';
    return null;
  }
  if (HTTP_CALLS.has(qualifiedName)) return 'http';
  if (DATABASE_CALLS.has(qualifiedName)) return 'database';
  return null;
}

/** `Variable.get("key")` passed to a templated field: the same value as a template rendered at run time. */
function templateFix(call: CallFact, callsInTemplatedFields: () => ReadonlySet<string>): Fix | null {
  if (call.positional.length !== 1 || Object.keys(call.keywords).length > 0) return null;
  const key = literalString(call.positional[0]);
  if (key === null || !/^[\w.-]+$/.test(key)) return null;
  if (!callsInTemplatedFields().has(rangeKey(call.range))) return null;
  const reference = /^[A-Za-z_]\w*$/.test(key) ? `var.value.${key}` : `var.value['${key}']`;
  return { title: `Use the template "{{ ${reference} }}"`, edits: [{ range: call.range, newText: `"{{ ${reference} }}"` }], safe: true };
}

/**
 * The ranges of the calls written in templated fields of the file's tasks. Gathered once per check:
 * a DAG may read a Variable for each of thousands of tasks, and walking every task for each read is quadratic.
 */
function templatedFieldCalls(file: FileModel): Set<string> {
  const ranges = new Set<string>();
  for (const dag of file.dags) {
    for (const task of dag.tasks) {
      const fields = TEMPLATED_FIELDS[lastSegment(task.qualifiedName ?? task.operator)];
      if (!fields) continue;
      for (const field of fields) {
        const argument = task.args[field];
        if (!argument) continue;
        for (const value of walkValues(argument.value)) {
          if (value.kind === 'call') ranges.add(rangeKey(value.range));
        }
      }
    }
  }
  return ranges;
}

function checkHeavyImports(context: RuleContext): void {
  const { file } = context;
  const heavy = new Set(context.option<string>('heavyModules').split(',').map((name) => name.trim()).filter(Boolean));
  for (const fact of file.imports) {
    if (fact.statementRange.start.character !== 0) continue;
    const root = fact.qualifiedName.split('.')[0]!;
    if (!heavy.has(root)) continue;
    const uses = callsUsing(file, fact);
    if (uses.length === 0 || uses.some((call) => call.scope.parseTime)) continue;
    context.report({ messageId: 'heavyImport', args: { module: fact.qualifiedName }, range: fact.range });
  }
}

function callsUsing(file: FileModel, fact: ImportFact): CallFact[] {
  const name = fact.qualifiedName;
  return file.calls.filter((call) => {
    const callee = call.qualifiedName;
    if (!callee) return false;
    return callee === name || callee.startsWith(`${name}.`);
  });
}
