import type { FileModel, ImportFact } from '../analyzer/model';
import type { Fix, Rule, RuleContext, TextEdit } from './rule';
import { countWord, identifierOccurrences, removeArgument, textOf } from './support/edits';
import { nameUses } from './support/name-uses';
import { deduplicated } from './support/report';
import { lineIndexOf } from './text';

interface Move {
  /** Where the name lives in Airflow 3. */
  to: string;
  /** `removed`: the old import fails on Airflow 3; `deprecated`: it still works through a shim. */
  status: 'removed' | 'deprecated';
  /** A replacement that also works on Airflow 2, when there is one. */
  airflow2?: string;
}

const STANDARD = 'airflow.providers.standard';

/**
 * Imports that moved in Airflow 3, checked against Airflow 3.0's source (`airflow.sdk`'s exports,
 * the standard provider's modules and the compatibility shims in `airflow.operators`/`airflow.sensors`).
 */
const MOVES: Record<string, Move> = {
  'airflow.operators.dummy.DummyOperator': { to: `${STANDARD}.operators.empty.EmptyOperator`, status: 'removed', airflow2: 'airflow.operators.empty.EmptyOperator' },
  'airflow.operators.dummy_operator.DummyOperator': { to: `${STANDARD}.operators.empty.EmptyOperator`, status: 'removed', airflow2: 'airflow.operators.empty.EmptyOperator' },
  'airflow.operators.bash_operator.BashOperator': { to: `${STANDARD}.operators.bash.BashOperator`, status: 'removed', airflow2: 'airflow.operators.bash.BashOperator' },
  'airflow.operators.python_operator.PythonOperator': { to: `${STANDARD}.operators.python.PythonOperator`, status: 'removed', airflow2: 'airflow.operators.python.PythonOperator' },
  'airflow.operators.python_operator.BranchPythonOperator': { to: `${STANDARD}.operators.python.BranchPythonOperator`, status: 'removed', airflow2: 'airflow.operators.python.BranchPythonOperator' },
  'airflow.operators.python_operator.ShortCircuitOperator': { to: `${STANDARD}.operators.python.ShortCircuitOperator`, status: 'removed', airflow2: 'airflow.operators.python.ShortCircuitOperator' },
  'airflow.operators.email_operator.EmailOperator': { to: 'airflow.providers.smtp.operators.smtp.EmailOperator', status: 'removed', airflow2: 'airflow.operators.email.EmailOperator' },
  'airflow.operators.dagrun_operator.TriggerDagRunOperator': { to: `${STANDARD}.operators.trigger_dagrun.TriggerDagRunOperator`, status: 'removed', airflow2: 'airflow.operators.trigger_dagrun.TriggerDagRunOperator' },
  'airflow.operators.latest_only_operator.LatestOnlyOperator': { to: `${STANDARD}.operators.latest_only.LatestOnlyOperator`, status: 'removed', airflow2: 'airflow.operators.latest_only.LatestOnlyOperator' },
  'airflow.operators.branch_operator.BaseBranchOperator': { to: `${STANDARD}.operators.branch.BaseBranchOperator`, status: 'removed', airflow2: 'airflow.operators.branch.BaseBranchOperator' },
  'airflow.sensors.external_task_sensor.ExternalTaskSensor': { to: `${STANDARD}.sensors.external_task.ExternalTaskSensor`, status: 'removed', airflow2: 'airflow.sensors.external_task.ExternalTaskSensor' },
  'airflow.sensors.external_task_sensor.ExternalTaskMarker': { to: `${STANDARD}.sensors.external_task.ExternalTaskMarker`, status: 'removed', airflow2: 'airflow.sensors.external_task.ExternalTaskMarker' },
  'airflow.sensors.base_sensor_operator.BaseSensorOperator': { to: 'airflow.sdk.BaseSensorOperator', status: 'removed', airflow2: 'airflow.sensors.base.BaseSensorOperator' },
  'airflow.sensors.date_time_sensor.DateTimeSensor': { to: `${STANDARD}.sensors.date_time.DateTimeSensor`, status: 'removed', airflow2: 'airflow.sensors.date_time.DateTimeSensor' },
  'airflow.sensors.time_delta_sensor.TimeDeltaSensor': { to: `${STANDARD}.sensors.time_delta.TimeDeltaSensor`, status: 'removed', airflow2: 'airflow.sensors.time_delta.TimeDeltaSensor' },
  'airflow.utils.helpers.chain': { to: 'airflow.sdk.chain', status: 'removed', airflow2: 'airflow.models.baseoperator.chain' },
  'airflow.utils.helpers.cross_downstream': { to: 'airflow.sdk.cross_downstream', status: 'removed', airflow2: 'airflow.models.baseoperator.cross_downstream' },
  'airflow.operators.empty.EmptyOperator': { to: `${STANDARD}.operators.empty.EmptyOperator`, status: 'deprecated' },
  'airflow.operators.bash.BashOperator': { to: `${STANDARD}.operators.bash.BashOperator`, status: 'deprecated' },
  'airflow.operators.python.PythonOperator': { to: `${STANDARD}.operators.python.PythonOperator`, status: 'deprecated' },
  'airflow.operators.python.BranchPythonOperator': { to: `${STANDARD}.operators.python.BranchPythonOperator`, status: 'deprecated' },
  'airflow.operators.python.ShortCircuitOperator': { to: `${STANDARD}.operators.python.ShortCircuitOperator`, status: 'deprecated' },
  'airflow.operators.python.PythonVirtualenvOperator': { to: `${STANDARD}.operators.python.PythonVirtualenvOperator`, status: 'deprecated' },
  'airflow.operators.python.ExternalPythonOperator': { to: `${STANDARD}.operators.python.ExternalPythonOperator`, status: 'deprecated' },
  'airflow.operators.python.BranchPythonVirtualenvOperator': { to: `${STANDARD}.operators.python.BranchPythonVirtualenvOperator`, status: 'deprecated' },
  'airflow.operators.python.BranchExternalPythonOperator': { to: `${STANDARD}.operators.python.BranchExternalPythonOperator`, status: 'deprecated' },
  'airflow.operators.python.get_current_context': { to: 'airflow.sdk.get_current_context', status: 'deprecated' },
  'airflow.operators.trigger_dagrun.TriggerDagRunOperator': { to: `${STANDARD}.operators.trigger_dagrun.TriggerDagRunOperator`, status: 'deprecated' },
  'airflow.operators.latest_only.LatestOnlyOperator': { to: `${STANDARD}.operators.latest_only.LatestOnlyOperator`, status: 'deprecated' },
  'airflow.operators.datetime.BranchDateTimeOperator': { to: `${STANDARD}.operators.datetime.BranchDateTimeOperator`, status: 'deprecated' },
  'airflow.operators.weekday.BranchDayOfWeekOperator': { to: `${STANDARD}.operators.weekday.BranchDayOfWeekOperator`, status: 'deprecated' },
  'airflow.operators.email.EmailOperator': { to: 'airflow.providers.smtp.operators.smtp.EmailOperator', status: 'deprecated' },
  'airflow.sensors.external_task.ExternalTaskSensor': { to: `${STANDARD}.sensors.external_task.ExternalTaskSensor`, status: 'deprecated' },
  'airflow.sensors.external_task.ExternalTaskMarker': { to: `${STANDARD}.sensors.external_task.ExternalTaskMarker`, status: 'deprecated' },
  'airflow.sensors.filesystem.FileSensor': { to: `${STANDARD}.sensors.filesystem.FileSensor`, status: 'deprecated' },
  'airflow.sensors.python.PythonSensor': { to: `${STANDARD}.sensors.python.PythonSensor`, status: 'deprecated' },
  'airflow.sensors.bash.BashSensor': { to: `${STANDARD}.sensors.bash.BashSensor`, status: 'deprecated' },
  'airflow.sensors.time_sensor.TimeSensor': { to: `${STANDARD}.sensors.time.TimeSensor`, status: 'deprecated' },
  'airflow.sensors.time_delta.TimeDeltaSensor': { to: `${STANDARD}.sensors.time_delta.TimeDeltaSensor`, status: 'deprecated' },
  'airflow.sensors.date_time.DateTimeSensor': { to: `${STANDARD}.sensors.date_time.DateTimeSensor`, status: 'deprecated' },
  'airflow.sensors.weekday.DayOfWeekSensor': { to: `${STANDARD}.sensors.weekday.DayOfWeekSensor`, status: 'deprecated' },
  'airflow.models.DAG': { to: 'airflow.sdk.DAG', status: 'deprecated' },
  'airflow.models.dag.DAG': { to: 'airflow.sdk.DAG', status: 'deprecated' },
  'airflow.decorators.dag': { to: 'airflow.sdk.dag', status: 'deprecated' },
  'airflow.decorators.task': { to: 'airflow.sdk.task', status: 'deprecated' },
  'airflow.decorators.task_group': { to: 'airflow.sdk.task_group', status: 'deprecated' },
  'airflow.decorators.setup': { to: 'airflow.sdk.setup', status: 'deprecated' },
  'airflow.decorators.teardown': { to: 'airflow.sdk.teardown', status: 'deprecated' },
  'airflow.models.Variable': { to: 'airflow.sdk.Variable', status: 'deprecated' },
  'airflow.models.variable.Variable': { to: 'airflow.sdk.Variable', status: 'deprecated' },
  'airflow.models.Connection': { to: 'airflow.sdk.Connection', status: 'deprecated' },
  'airflow.models.connection.Connection': { to: 'airflow.sdk.Connection', status: 'deprecated' },
  'airflow.models.baseoperator.chain': { to: 'airflow.sdk.chain', status: 'deprecated' },
  'airflow.models.baseoperator.chain_linear': { to: 'airflow.sdk.chain_linear', status: 'deprecated' },
  'airflow.models.baseoperator.cross_downstream': { to: 'airflow.sdk.cross_downstream', status: 'deprecated' },
  'airflow.models.baseoperator.BaseOperator': { to: 'airflow.sdk.BaseOperator', status: 'deprecated' },
  'airflow.models.BaseOperator': { to: 'airflow.sdk.BaseOperator', status: 'deprecated' },
  'airflow.sensors.base.BaseSensorOperator': { to: 'airflow.sdk.BaseSensorOperator', status: 'deprecated' },
  'airflow.models.param.Param': { to: 'airflow.sdk.Param', status: 'deprecated' },
  'airflow.utils.task_group.TaskGroup': { to: 'airflow.sdk.TaskGroup', status: 'deprecated' },
  'airflow.utils.edgemodifier.Label': { to: 'airflow.sdk.Label', status: 'deprecated' },
  'airflow.utils.dag_parsing_context.get_parsing_context': { to: 'airflow.sdk.get_parsing_context', status: 'deprecated' },
  'airflow.Dataset': { to: 'airflow.sdk.Asset', status: 'deprecated' },
  'airflow.datasets.Dataset': { to: 'airflow.sdk.Asset', status: 'deprecated' },
  'airflow.datasets.DatasetAlias': { to: 'airflow.sdk.AssetAlias', status: 'deprecated' },
  'airflow.datasets.DatasetAll': { to: 'airflow.sdk.AssetAll', status: 'deprecated' },
  'airflow.datasets.DatasetAny': { to: 'airflow.sdk.AssetAny', status: 'deprecated' },
};

/** The table, for tests and docs. */
export const AIRFLOW3_MOVES: Readonly<Record<string, Readonly<Move>>> = MOVES;

export const movedImport: Rule = {
  meta: {
    id: 'moved-import',
    summary: 'An import moved in Airflow 3 (DummyOperator → EmptyOperator, airflow.operators.* → the standard provider, Dataset → Asset, airflow.models.DAG → airflow.sdk.DAG, …).',
    defaultSeverity: 'warning',
    defaultSeverityByVersion: { 2: 'hint', 3: 'warning' },
    category: 'airflow3',
    fix: 'safe',
    ruff: ['AIR301', 'AIR311', 'AIR312'],
    messages: {
      removed: '{old} is removed in Airflow 3; use {new}.',
      deprecated: '{old} moved to {new} in Airflow 3; the old import still works through a deprecation shim that will be removed.',
    },
    docs: {
      whatItDoes:
        'Finds imports of names that Airflow 3 removed or moved: `DummyOperator` (now `EmptyOperator`), the core operators and sensors now in the standard provider (`airflow.operators.python`, `airflow.operators.bash`, `airflow.sensors.external_task`, …), the authoring interface now in `airflow.sdk` (`DAG`, `dag`, `task`, `TaskGroup`, `Variable`, `chain`, …) and datasets renamed assets (`Dataset` → `Asset`). A warning when the target Airflow version is 3. When it is 2, only the names that break on upgrade (`DummyOperator`, the Airflow 1.10 `*_operator` modules) are reported, as hints: the other old paths are the right ones on Airflow 2.',
      whyIsThisBad:
        'Removed names (`DummyOperator`, the Airflow 1.10 `*_operator` modules) make the file fail to import on Airflow 3. Moved names still import through shims that emit deprecation warnings on every parse and will disappear in a later release; `airflow.sdk` is the stable interface DAG authors are meant to use from Airflow 3 on.',
      example: [
        'from airflow.operators.dummy import DummyOperator',
        'from airflow.operators.python import PythonOperator',
        '',
        'start = DummyOperator(task_id="start")',
      ].join('\n'),
      useInstead: [
        'from airflow.providers.standard.operators.empty import EmptyOperator',
        'from airflow.providers.standard.operators.python import PythonOperator',
        '',
        'start = EmptyOperator(task_id="start")',
      ].join('\n'),
      fixSafety:
        'The fix rewrites the import and, when the name changes (`DummyOperator` → `EmptyOperator`, `Dataset` → `Asset`), every use of it; when some use cannot be proven found, it imports the new name under the old one instead (`import EmptyOperator as DummyOperator`). When the target is Airflow 2 only replacements that exist in Airflow 2 are offered (`DummyOperator` → `airflow.operators.empty.EmptyOperator`). The provider modules need `apache-airflow-providers-standard` installed, which Airflow 3 ships with.',
    },
  },
  check(checkContext) {
    const context = deduplicated(checkContext);
    for (const fact of context.file.imports) {
      if (fact.kind !== 'symbol') continue;
      const move = MOVES[fact.qualifiedName];
      // On Airflow 2 the deprecated-but-working paths are the right ones (`airflow.sdk` does not exist
      // there): only names that break on upgrade are worth a hint.
      if (!move || (context.config.airflowVersion === 2 && move.status !== 'removed')) continue;
      const target = context.config.airflowVersion === 3 ? move.to : move.airflow2;
      const fix = target ? importFix(context, fact, target) : null;
      context.report({
        messageId: move.status,
        args: { old: fact.qualifiedName, new: move.to },
        range: fact.range,
        ...(fix ? { fixes: [fix] } : {}),
      });
    }
  },
};

function split(qualifiedName: string): { module: string; name: string } {
  const dot = qualifiedName.lastIndexOf('.');
  return { module: qualifiedName.slice(0, dot), name: qualifiedName.slice(dot + 1) };
}

/** Rewrites one `from x import Y` name to `target`, renaming the uses when the name changes. */
function importFix(context: RuleContext, fact: ImportFact, target: string): Fix | null {
  const { file, text } = context;
  const statement = textOf(text, fact.statementRange);
  const header = /^from\s+([\w.]+)\s+import\s+/.exec(statement);
  if (!header) return null;
  const old = split(fact.qualifiedName);
  const next = split(target);
  const aliased = fact.localName !== old.name;
  const renamed = next.name !== old.name && !aliased;
  const title = `Import ${next.name} from ${next.module}`;

  let useEdits: TextEdit[] | null = [];
  let importedAs = aliased ? ` as ${fact.localName}` : '';
  if (renamed) {
    useEdits = renameUses(file, text, fact, next.name);
    if (!useEdits) importedAs = ` as ${fact.localName}`;
  }
  const lines = lineIndexOf(text);
  const entries = statement.slice(header[0].length).replace(/[()\\]/g, ' ').split(',').map((entry) => entry.replace(/#.*$/gm, '').trim()).filter(Boolean);
  const statementStart = lines.offsetAt(fact.statementRange.start);

  const modulePath = { start: lines.positionAt(statementStart + header[0].indexOf(header[1]!)), end: lines.positionAt(statementStart + header[0].indexOf(header[1]!) + header[1]!.length) };
  const wholeStatementMoves = entries.every((entry) => {
    const imported = entry.split(/\s+as\s+/)[0]!.trim();
    const move = MOVES[`${header[1]}.${imported}`];
    const entryTarget = move && (context.config.airflowVersion === 3 ? move.to : move.airflow2);
    return entryTarget !== undefined && split(entryTarget).module === next.module && split(entryTarget).name === imported;
  });
  if (entries.length > 1 && wholeStatementMoves) {
    // `from airflow.operators.python import PythonOperator, BranchPythonOperator`: only the module changes.
    return { title: `Import from ${next.module}`, edits: [{ range: modulePath, newText: next.module }], safe: true };
  }
  if (entries.length === 1) {
    const newStatement = `from ${next.module} import ${next.name}${importedAs}`;
    return { title, edits: [{ range: fact.statementRange, newText: newStatement }, ...(useEdits ?? [])], safe: true };
  }
  // Several names: move this one into its own import below the statement.
  const entryStart = lines.offsetAt(fact.range.start) - statementStart;
  const entryMatch = /^\w+(?:\s+as\s+\w+)?/.exec(statement.slice(entryStart));
  if (!entryMatch) return null;
  const removal = removeArgument(text, { start: fact.range.start, end: lines.positionAt(statementStart + entryStart + entryMatch[0].length) });
  if (!removal) return null;
  const indent = /^[ \t]*/.exec(lines.lineText(fact.statementRange.start.line))![0];
  const insertion: TextEdit = {
    range: { start: fact.statementRange.end, end: fact.statementRange.end },
    newText: `${lines.lineEnding()}${indent}from ${next.module} import ${next.name}${importedAs}`,
  };
  return { title, edits: [removal, insertion, ...(useEdits ?? [])], safe: true };
}

/**
 * Edits renaming every use of the imported name, or null when the uses the model shows do not account
 * for every occurrence of the name (then the fix imports the new name under the old one).
 */
function renameUses(file: FileModel, text: string, fact: ImportFact, newName: string): TextEdit[] | null {
  const name = fact.localName;
  if (identifierOccurrences(text, newName) > 0) return null;
  const uses = nameUses(file, text, name);
  const inImport = countWord(textOf(text, fact.statementRange), name);
  if (uses.size + inImport !== identifierOccurrences(text, name)) return null;
  return [...uses.values()].map((range) => ({ range, newText: newName }));
}
