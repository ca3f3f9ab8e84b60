/**
 * Graph snapshots for the panel's tests, screenshots and benchmarks: a small hand-written DAG, a DAG
 * with nested TaskGroups, and generated DAGs of any size shaped like real pipelines (parallel
 * extract → transform → load chains that fan in to shared steps).
 */
import type { GraphDag, GraphGroup, GraphSnapshot, GraphTask } from '../../protocol/lsp';
import type { Range, TaskKind } from '../../server/src/analyzer/model';

function lineRange(line: number, length = 40): Range {
  return { start: { line, character: 4 }, end: { line, character: 4 + length } };
}

let nextLine = 10;

export function task(taskId: string, operator: string, kind: TaskKind, extra: Partial<GraphTask> = {}): GraphTask {
  return {
    taskId,
    operator,
    kind,
    mapped: false,
    role: null,
    group: null,
    range: lineRange(nextLine++),
    details: { retries: '2', retryDelay: 'timedelta(minutes=5)', executionTimeout: null, triggerRule: null, pool: null },
    diagnostics: [],
    ...extra,
  };
}

export function group(groupId: string, parent: string | null = null): GraphGroup {
  const local = groupId.split('.').pop()!;
  return { groupId, localGroupId: local, parent, range: lineRange(nextLine++), prefixGroupId: true };
}

export function snapshotOf(dags: GraphDag[], version = 1, parseOk = true): GraphSnapshot {
  return { uri: 'file:///work/dags/example.py', version, parseOk, dags };
}

function dag(dagId: string, tasks: GraphTask[], edges: Array<[string, string, string?]>, groups: GraphGroup[] = []): GraphDag {
  return {
    dagId,
    range: lineRange(1),
    tasks,
    edges: edges.map(([from, to, label]) => ({ from, to, label: label ?? null, kind: 'explicit', inCycle: false })),
    groups,
    dynamic: [],
  };
}

/** A daily ingestion DAG of ten tasks: a sensor, TaskFlow, a branch with labelled edges, a mapped task, setup/teardown. */
export function smallDag(): GraphDag {
  return dag(
    'daily_orders',
    [
      task('create_cluster', 'EmrCreateJobFlowOperator', 'operator', { role: 'setup' }),
      task('wait_for_orders', 'S3KeySensor', 'sensor'),
      task('extract_orders', '@task', 'taskflow'),
      task('check_volume', '@task.branch', 'branch', {
        diagnostics: [{ ruleId: 'branch-missing-target', severity: 'warning', message: 'Branch returns "skip_load", which is not a task id.' }],
      }),
      task('transform_partition', '@task', 'taskflow', { mapped: true }),
      task('load_warehouse', 'SQLExecuteQueryOperator', 'sql', { details: { retries: '5', retryDelay: 'timedelta(minutes=2)', executionTimeout: 'timedelta(hours=1)', triggerRule: null, pool: 'warehouse' } }),
      task('skip_load', 'EmptyOperator', 'empty'),
      task('join', 'EmptyOperator', 'empty', { details: { retries: '2', retryDelay: null, executionTimeout: null, triggerRule: 'none_failed_min_one_success', pool: null } }),
      task('notify', 'SlackWebhookOperator', 'operator', {
        diagnostics: [{ ruleId: 'hardcoded-secret', severity: 'error', message: 'A webhook token is written in the DAG file.' }],
      }),
      task('delete_cluster', 'EmrTerminateJobFlowOperator', 'operator', { role: 'teardown' }),
    ],
    [
      ['create_cluster', 'wait_for_orders'],
      ['wait_for_orders', 'extract_orders'],
      ['extract_orders', 'check_volume'],
      ['check_volume', 'transform_partition', 'enough rows'],
      ['check_volume', 'skip_load', 'empty day'],
      ['transform_partition', 'load_warehouse'],
      ['load_warehouse', 'join'],
      ['skip_load', 'join'],
      ['join', 'notify'],
      ['notify', 'delete_cluster'],
    ],
  );
}

/** Three regional TaskGroups (one with a nested group) between a start and an end task. */
export function groupedDag(): GraphDag {
  const groups = [group('eu'), group('us'), group('apac'), group('us.quality', 'us')];
  const tasks: GraphTask[] = [task('start', 'EmptyOperator', 'empty')];
  const edges: Array<[string, string, string?]> = [];
  for (const region of ['eu', 'us', 'apac']) {
    tasks.push(
      task(`${region}.extract`, 'PythonOperator', 'operator', { group: region }),
      task(`${region}.transform`, '@task', 'taskflow', { group: region }),
      task(`${region}.load`, 'BigQueryInsertJobOperator', 'operator', { group: region }),
    );
    edges.push(['start', `${region}.extract`], [`${region}.extract`, `${region}.transform`], [`${region}.transform`, `${region}.load`]);
  }
  tasks.push(
    task('us.quality.row_count', 'SQLCheckOperator', 'sql', { group: 'us.quality' }),
    task('us.quality.freshness', 'SqlSensor', 'sensor', { group: 'us.quality', diagnostics: [{ ruleId: 'sensor-poke-long-timeout', severity: 'information', message: 'A poking sensor with a long timeout holds a worker slot.' }] }),
    task('publish', 'TriggerDagRunOperator', 'trigger_dag_run'),
  );
  edges.push(['us.load', 'us.quality.row_count'], ['us.load', 'us.quality.freshness'], ['us.quality.row_count', 'publish'], ['us.quality.freshness', 'publish'], ['eu.load', 'publish'], ['apac.load', 'publish']);
  return dag('regional_sales', tasks, edges, groups);
}

/** A tiny deterministic random generator, so generated DAGs are the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const OPERATORS: Array<[string, TaskKind]> = [
  ['PythonOperator', 'operator'],
  ['@task', 'taskflow'],
  ['BashOperator', 'operator'],
  ['S3KeySensor', 'sensor'],
  ['SQLExecuteQueryOperator', 'sql'],
  ['EmptyOperator', 'empty'],
  ['@task.branch', 'branch'],
];

/**
 * A generated DAG of `taskCount` tasks: chains of 4–8 steps that start from a shared source, some
 * fanning into a join every few chains, spread over `groupCount` TaskGroups (0 for none).
 */
export function generatedDag(taskCount: number, groupCount = 0, seed = 7): GraphDag {
  const next = random(seed);
  const groups = Array.from({ length: groupCount }, (_, i) => group(`stage_${String(i + 1).padStart(2, '0')}`));
  const tasks: GraphTask[] = [task('start', 'EmptyOperator', 'empty')];
  const edges: Array<[string, string, string?]> = [];
  let chain = 0;
  // Consecutive chains share a group, as a stage of a pipeline would.
  const chainsPerGroup = Math.max(1, Math.ceil(taskCount / 6.5 / Math.max(1, groupCount)));
  let previousJoin = 'start';
  const chainEnds: string[] = [];
  while (tasks.length < taskCount) {
    const length = 4 + Math.floor(next() * 5);
    const groupModel = groupCount > 0 ? groups[Math.min(groupCount - 1, Math.floor(chain / chainsPerGroup))] : null;
    const prefix = groupModel ? `${groupModel.groupId}.` : '';
    let previous = previousJoin;
    for (let step = 0; step < length && tasks.length < taskCount; step++) {
      const [operator, kind] = OPERATORS[Math.floor(next() * OPERATORS.length)];
      const taskId = `${prefix}table_${chain}_step_${step}`;
      tasks.push(task(taskId, operator, kind, { group: groupModel?.groupId ?? null, mapped: next() < 0.05 }));
      edges.push([previous, taskId]);
      previous = taskId;
    }
    chainEnds.push(previous);
    chain++;
    if (chain % 6 === 0 && tasks.length < taskCount) {
      const join = `join_${chain / 6}`;
      tasks.push(task(join, 'EmptyOperator', 'empty'));
      for (const end of chainEnds.slice(-6)) edges.push([end, join]);
      previousJoin = join;
    }
  }
  return dag(`generated_${taskCount}${groupCount ? `_g${groupCount}` : ''}`, tasks, edges, groups);
}
