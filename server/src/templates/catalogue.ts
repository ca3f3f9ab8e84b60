import type { AirflowMajor } from '../rules/rule';

/**
 * What Airflow puts into a template's context, with the versions that have each entry.
 *
 * Taken from Airflow's templates reference and its context definitions (`airflow/utils/context.py` in
 * Airflow 2, `airflow/sdk/definitions/context.py` in Airflow 3) and the macros modules of both. Versions
 * are release numbers (`2.2`, `3.0`); `removedIn` is the first release without the entry.
 */
export interface CatalogueEntry {
  name: string;
  /** Python type as Airflow documents it. */
  type: string;
  /** One line. */
  description: string;
  /** First release that has it, when later than 2.0. */
  since?: string;
  /** First release that no longer has it. */
  removedIn?: string;
  /** For deprecated or removed entries: what to write instead. */
  replacement?: string;
  /** A call signature for callables (`ds_add(ds, days)`). */
  signature?: string;
  /** Words a user may type when looking for it (`date` for `ds`), matched by completion filtering. */
  aliases?: string[];
}

const DATE_TIME = 'pendulum.DateTime';

/** Top-level names of the template context. */
export const CONTEXT_VARIABLES: readonly CatalogueEntry[] = [
  { name: 'data_interval_start', type: DATE_TIME, description: 'Start of the data interval of the DAG run.', since: '2.2' },
  { name: 'data_interval_end', type: DATE_TIME, description: 'End of the data interval of the DAG run.', since: '2.2' },
  { name: 'logical_date', type: DATE_TIME, description: 'The date-time that identifies the DAG run (no real-world meaning; prefer the data interval).', since: '2.2' },
  { name: 'ds', aliases: ['date', 'datestamp'], type: 'str', description: "The DAG run's logical date as YYYY-MM-DD; same as `{{ logical_date | ds }}`." },
  { name: 'ds_nodash', aliases: ['date', 'datestamp'], type: 'str', description: "The DAG run's logical date as YYYYMMDD; same as `{{ logical_date | ds_nodash }}`." },
  { name: 'ts', aliases: ['timestamp', 'datetime'], type: 'str', description: 'The logical date in ISO 8601, e.g. 2018-01-01T00:00:00+00:00; same as `{{ logical_date | ts }}`.' },
  { name: 'ts_nodash', aliases: ['timestamp'], type: 'str', description: 'The logical date as 20180101T000000 (no dashes, colons or time zone).' },
  { name: 'ts_nodash_with_tz', aliases: ['timestamp'], type: 'str', description: 'The logical date as 20180101T000000+0000.' },
  { name: 'prev_data_interval_start_success', type: `${DATE_TIME} | None`, description: 'Start of the data interval of the previous successful DAG run.', since: '2.2' },
  { name: 'prev_data_interval_end_success', type: `${DATE_TIME} | None`, description: 'End of the data interval of the previous successful DAG run.', since: '2.2' },
  { name: 'prev_start_date_success', type: `${DATE_TIME} | None`, description: 'Start date of the previous successful DAG run, if any.' },
  { name: 'prev_end_date_success', type: `${DATE_TIME} | None`, description: 'End date of the previous successful DAG run, if any.' },
  { name: 'start_date', type: DATE_TIME, description: 'When the current task instance started.', since: '3.0' },
  { name: 'dag', type: 'DAG', description: 'The DAG being run.' },
  { name: 'task', type: 'BaseOperator', description: 'The task (operator) being run.' },
  { name: 'task_instance', type: 'TaskInstance', description: 'The running task instance (xcom_pull, try_number, hostname …).' },
  { name: 'ti', aliases: ['task_instance'], type: 'TaskInstance', description: 'Same as `task_instance`.' },
  { name: 'dag_run', type: 'DagRun', description: 'The running DAG run (conf, run_type, logical_date …).' },
  { name: 'run_id', type: 'str', description: 'The run id of the current DAG run.' },
  { name: 'params', type: 'dict[str, Any]', description: "The DAG's and task's params, possibly overridden by the run's conf." },
  { name: 'var', type: 'accessor', description: 'Airflow Variables: `var.value.<key>` as text, `var.json.<key>` parsed as JSON.' },
  { name: 'conn', type: 'accessor', description: 'Airflow Connections: `conn.<conn_id>.host`, `.login`, `.extra_dejson` …' },
  { name: 'macros', type: 'module', description: 'Airflow macros: `macros.ds_add`, `macros.ds_format`, `macros.datetime` …' },
  { name: 'task_instance_key_str', type: 'str', description: 'A unique key of the task instance: {dag_id}__{task_id}__{ds_nodash}.' },
  { name: 'test_mode', type: 'bool', description: 'Whether the task runs through `airflow tasks test`.' },
  { name: 'try_number', type: 'int | None', description: 'The attempt number of the task instance.' },
  { name: 'inlets', type: 'list', description: 'The inlets declared on the task.' },
  { name: 'outlets', type: 'list', description: 'The outlets declared on the task.' },
  { name: 'inlet_events', type: 'dict[str, …]', description: 'Past events of the inlet datasets/assets.', since: '2.10' },
  { name: 'outlet_events', type: 'dict[str, …]', description: 'Accessors to attach information to the asset events this task emits.', since: '2.10' },
  { name: 'triggering_dataset_events', type: 'dict[str, list[DatasetEvent]]', description: 'For dataset-scheduled DAGs: the dataset events that triggered this run.', since: '2.4', removedIn: '3.0', replacement: 'triggering_asset_events' },
  { name: 'triggering_asset_events', type: 'dict[str, list[AssetEvent]]', description: 'For asset-scheduled DAGs: the asset events that triggered this run.', since: '3.0' },
  { name: 'expanded_ti_count', type: 'int | None', description: 'How many task instances a mapped task expanded into (None when not mapped).', since: '2.5' },
  { name: 'map_index_template', type: 'str | None', description: 'Template that names the expanded task instances of a mapped task.', since: '2.9' },
  { name: 'exception', type: 'None | str | BaseException', description: 'The error raised while running the task instance (in callbacks).' },
  { name: 'reason', type: 'str | None', description: 'Why the task instance ended up in its state (in callbacks).' },
  { name: 'templates_dict', type: 'dict | None', description: "The rendered `templates_dict` of a PythonOperator." },
  { name: 'task_reschedule_count', type: 'int', description: 'How many times the task was rescheduled (sensors in reschedule mode).', since: '3.0' },
  { name: 'conf', type: 'AirflowConfigParser', description: 'The Airflow configuration.', removedIn: '3.0', replacement: 'conf from airflow.configuration in Python code' },
  { name: 'execution_date', type: DATE_TIME, description: 'Deprecated name of the logical date.', removedIn: '3.0', replacement: 'logical_date' },
  { name: 'next_execution_date', type: `${DATE_TIME} | None`, description: 'Deprecated: the logical date of the next run.', removedIn: '3.0', replacement: 'data_interval_end' },
  { name: 'prev_execution_date', type: `${DATE_TIME} | None`, description: 'Deprecated: the logical date of the previous run.', removedIn: '3.0', replacement: 'prev_data_interval_start_success' },
  { name: 'prev_execution_date_success', type: `${DATE_TIME} | None`, description: 'Deprecated: the logical date of the previous successful run.', removedIn: '3.0', replacement: 'prev_data_interval_start_success' },
  { name: 'next_ds', type: 'str | None', description: 'Deprecated: the next logical date as YYYY-MM-DD.', removedIn: '3.0', replacement: '{{ data_interval_end | ds }}' },
  { name: 'next_ds_nodash', type: 'str | None', description: 'Deprecated: the next logical date as YYYYMMDD.', removedIn: '3.0', replacement: '{{ data_interval_end | ds_nodash }}' },
  { name: 'prev_ds', type: 'str | None', description: 'Deprecated: the previous logical date as YYYY-MM-DD.', removedIn: '3.0', replacement: '{{ prev_data_interval_start_success | ds }}' },
  { name: 'prev_ds_nodash', type: 'str | None', description: 'Deprecated: the previous logical date as YYYYMMDD.', removedIn: '3.0', replacement: '{{ prev_data_interval_start_success | ds_nodash }}' },
  { name: 'yesterday_ds', type: 'str', description: 'Deprecated: the day before the logical date as YYYY-MM-DD.', removedIn: '3.0', replacement: '{{ macros.ds_add(ds, -1) }}' },
  { name: 'yesterday_ds_nodash', type: 'str', description: 'Deprecated: the day before the logical date as YYYYMMDD.', removedIn: '3.0', replacement: "{{ macros.ds_format(macros.ds_add(ds, -1), '%Y-%m-%d', '%Y%m%d') }}" },
  { name: 'tomorrow_ds', type: 'str', description: 'Deprecated: the day after the logical date as YYYY-MM-DD.', removedIn: '3.0', replacement: '{{ macros.ds_add(ds, 1) }}' },
  { name: 'tomorrow_ds_nodash', type: 'str', description: 'Deprecated: the day after the logical date as YYYYMMDD.', removedIn: '3.0', replacement: "{{ macros.ds_format(macros.ds_add(ds, 1), '%Y-%m-%d', '%Y%m%d') }}" },
];

/** Members of `macros`. */
export const MACROS: readonly CatalogueEntry[] = [
  { name: 'ds_add', type: 'function', signature: 'ds_add(ds, days)', description: "Adds (or, negative, subtracts) days to a YYYY-MM-DD date: `macros.ds_add(ds, -7)`." },
  { name: 'ds_format', type: 'function', signature: 'ds_format(ds, input_format, output_format)', description: "Reformats a date string: `macros.ds_format(ds, '%Y-%m-%d', '%Y/%m/%d')`." },
  { name: 'ds_format_locale', type: 'function', signature: 'ds_format_locale(ds, input_format, output_format, locale=None)', description: 'Reformats a date string with a Babel format and locale.', since: '2.10' },
  { name: 'datetime_diff_for_humans', type: 'function', signature: 'datetime_diff_for_humans(dt, since=None)', description: 'A human-readable difference between two date-times ("3 days ago").' },
  { name: 'datetime', type: 'class', description: "The standard library's `datetime.datetime`." },
  { name: 'timedelta', type: 'class', description: "The standard library's `datetime.timedelta`." },
  { name: 'dateutil', type: 'module', description: 'The `dateutil` package (e.g. `macros.dateutil.relativedelta`).' },
  { name: 'time', type: 'module', description: "The standard library's `time` module." },
  { name: 'uuid', type: 'module', description: "The standard library's `uuid` module." },
  { name: 'random', type: 'function', description: "The standard library's `random.random`." },
  { name: 'json', type: 'module', description: "The standard library's `json` module.", since: '3.0' },
  { name: 'yaml', type: 'module', description: 'A YAML module (`macros.yaml.safe_load` …).', since: '3.0' },
  { name: 'hive', type: 'module', description: 'Hive macros (`max_partition`, `closest_ds_partition`); moved to the Hive provider.', removedIn: '3.0' },
];

/** Members of `var`. */
export const VARIABLE_ACCESSORS: readonly CatalogueEntry[] = [
  { name: 'value', type: 'accessor', description: "An Airflow Variable as text: `var.value.my_key`, or `var.value.get('my.key', 'fallback')`." },
  { name: 'json', type: 'accessor', description: "An Airflow Variable parsed as JSON: `var.json.my_dict.key`, or `var.json.get('key', {})`." },
];

/** Attributes of a connection reached through `conn.<conn_id>`. */
export const CONNECTION_ATTRIBUTES: readonly CatalogueEntry[] = [
  { name: 'host', type: 'str', description: 'The connection host.' },
  { name: 'login', type: 'str', description: 'The connection login.' },
  { name: 'password', type: 'str', description: 'The connection password.' },
  { name: 'schema', type: 'str', description: 'The connection schema.' },
  { name: 'port', type: 'int', description: 'The connection port.' },
  { name: 'conn_type', type: 'str', description: 'The connection type.' },
  { name: 'extra', type: 'str', description: 'The extra field as text.' },
  { name: 'extra_dejson', type: 'dict', description: 'The extra field parsed as JSON: `conn.my_conn.extra_dejson.region_name`.' },
  { name: 'get_uri', type: 'method', signature: 'get_uri()', description: 'The connection as a URI.' },
];

/** Filters Airflow adds to Jinja's. */
export const AIRFLOW_FILTERS: readonly CatalogueEntry[] = [
  { name: 'ds', type: 'filter', description: 'Formats a date-time as YYYY-MM-DD.' },
  { name: 'ds_nodash', type: 'filter', description: 'Formats a date-time as YYYYMMDD.' },
  { name: 'ts', type: 'filter', description: 'Formats a date-time as ISO 8601 (`.isoformat()`), e.g. 2018-01-01T00:00:00+00:00.' },
  { name: 'ts_nodash', type: 'filter', description: 'Formats a date-time as 20180101T000000 (no dashes, colons or time zone).' },
  { name: 'ts_nodash_with_tz', type: 'filter', description: 'Formats a date-time as 20180101T000000+0000.' },
];

/** Jinja's built-in filters (Jinja 3.1). */
export const JINJA_FILTERS: readonly string[] = [
  'abs', 'attr', 'batch', 'capitalize', 'center', 'count', 'd', 'default', 'dictsort', 'e', 'escape', 'filesizeformat',
  'first', 'float', 'forceescape', 'format', 'groupby', 'indent', 'int', 'items', 'join', 'last', 'length', 'list', 'lower',
  'map', 'max', 'min', 'pprint', 'random', 'reject', 'rejectattr', 'replace', 'reverse', 'round', 'safe', 'select',
  'selectattr', 'slice', 'sort', 'string', 'striptags', 'sum', 'title', 'tojson', 'trim', 'truncate', 'unique', 'upper',
  'urlencode', 'urlize', 'wordcount', 'wordwrap', 'xmlattr',
];

/** Jinja's built-in tests. */
export const JINJA_TESTS: readonly string[] = [
  'boolean', 'callable', 'defined', 'divisibleby', 'eq', 'equalto', 'escaped', 'even', 'false', 'filter', 'float', 'ge',
  'greaterthan', 'gt', 'in', 'integer', 'iterable', 'le', 'lessthan', 'lower', 'lt', 'mapping', 'ne', 'none', 'number',
  'odd', 'sameas', 'sequence', 'string', 'test', 'true', 'undefined', 'upper',
];

/** Names Jinja itself provides everywhere or inside loops, macros and call blocks. */
export const JINJA_GLOBALS: readonly string[] = [
  'range', 'dict', 'lipsum', 'cycler', 'joiner', 'namespace', 'loop', 'caller', 'varargs', 'kwargs', 'self', 'super',
];

/** Parses "2.10" into comparable numbers. */
function versionParts(version: string): [number, number] {
  const [major, minor] = version.split('.').map((part) => Number.parseInt(part, 10));
  return [major ?? 0, minor ?? 0];
}

function existsInMajor(entry: CatalogueEntry, major: AirflowMajor): boolean {
  if (entry.since && versionParts(entry.since)[0] > major) return false;
  if (entry.removedIn) {
    const [removedMajor, removedMinor] = versionParts(entry.removedIn);
    if (removedMajor < major || (removedMajor === major && removedMinor === 0)) return false;
  }
  return true;
}

/** The answer of `availableIn` per entry and major version, worked out once: it is asked for every name of every template. */
const availability = new WeakMap<CatalogueEntry, Record<AirflowMajor, boolean>>();

/** True when `entry` exists in some release of the given Airflow major version. */
export function availableIn(entry: CatalogueEntry, major: AirflowMajor): boolean {
  let majors = availability.get(entry);
  if (!majors) availability.set(entry, (majors = { 2: existsInMajor(entry, 2), 3: existsInMajor(entry, 3) }));
  return majors[major];
}

const contextVariableNames = new Map<AirflowMajor, readonly string[]>();

/** Names of the context variables the given Airflow major version has, in catalogue order. */
export function contextVariableNamesIn(major: AirflowMajor): readonly string[] {
  let names = contextVariableNames.get(major);
  if (!names) contextVariableNames.set(major, (names = CONTEXT_VARIABLES.filter((entry) => availableIn(entry, major)).map((entry) => entry.name)));
  return names;
}

/** "Airflow 2.2+", "Airflow 2.4 – 2.x (removed in 3.0)", "all Airflow 2 and 3 versions". */
export function describeVersions(entry: CatalogueEntry): string {
  if (entry.removedIn) {
    return `Airflow ${entry.since ?? '2.0'} until ${entry.removedIn} (removed in ${entry.removedIn})`;
  }
  if (entry.since) return `Airflow ${entry.since} and later`;
  return 'all Airflow 2 and 3 versions';
}

const byName = (entries: readonly CatalogueEntry[]) => new Map(entries.map((entry) => [entry.name, entry]));
const variablesByName = byName(CONTEXT_VARIABLES);
const macrosByName = byName(MACROS);
const airflowFiltersByName = byName(AIRFLOW_FILTERS);

export function findContextVariable(name: string): CatalogueEntry | undefined {
  return variablesByName.get(name);
}

export function findMacro(name: string): CatalogueEntry | undefined {
  return macrosByName.get(name);
}

export function findAirflowFilter(name: string): CatalogueEntry | undefined {
  return airflowFiltersByName.get(name);
}
