import type { DagModel, Range } from '../analyzer/model';
import type { RelatedLocation, Rule } from './rule';

/** How many other definitions a finding links to; more are summarised in the message. */
const MAX_RELATED = 10;

/**
 * One `dag_id` defined more than once: twice in this file, or in this file and another file of the
 * workspace (the language server indexes every airflow file of the workspace folders; `dagstudio
 * check` compares the files it is given). Each definition gets its own finding linking to the others.
 * DAGs whose id is computed at run time are left out.
 */
export const duplicateDagId: Rule = {
  meta: {
    id: 'duplicate-dag-id',
    summary: 'The same dag_id is defined more than once, so Airflow keeps only one of the DAGs.',
    defaultSeverity: 'error',
    category: 'structure',
    fix: 'none',
    messages: {
      sameFile: 'DAG id "{dagId}" is defined {count} times in this file; Airflow keeps only the last one and silently drops the others.',
      otherFile: 'DAG id "{dagId}" is also defined in {where}; Airflow loads only one of them and reports an import error (AirflowDagDuplicatedIdException) for the other.',
    },
    docs: {
      whatItDoes:
        'Finds `dag_id`s defined more than once: by two DAGs in the same file, or by DAGs in different files of the workspace. In the editor, every Python file that imports airflow in the open folders is indexed in the background, so a copy-pasted DAG is flagged even when the original is not open; `dagstudio check` compares all the files it checks. Each definition is reported, with related information pointing at the others.',
      whyIsThisBad:
        'Airflow identifies DAGs by id. When two files define the same id, the DAG processor keeps the first it parsed and reports an import error (`AirflowDagDuplicatedIdException`) for the other, so which one runs depends on parse order. Within one file the later DAG object replaces the earlier one without any message. Either way a DAG you wrote never runs, and its run history may mix with another DAG’s.',
      example: [
        '# dags/orders_daily.py',
        'with DAG("orders", schedule="@daily", start_date=pendulum.datetime(2024, 1, 1, tz="UTC")):',
        '    ...',
        '',
        '# dags/orders_hourly.py (copied from orders_daily.py)',
        'with DAG("orders", schedule="@hourly", start_date=pendulum.datetime(2024, 1, 1, tz="UTC")):',
        '    ...',
      ].join('\n'),
      useInstead: [
        '# dags/orders_daily.py',
        'with DAG("orders_daily", schedule="@daily", start_date=pendulum.datetime(2024, 1, 1, tz="UTC")):',
        '    ...',
        '',
        '# dags/orders_hourly.py',
        'with DAG("orders_hourly", schedule="@hourly", start_date=pendulum.datetime(2024, 1, 1, tz="UTC")):',
        '    ...',
      ].join('\n'),
    },
  },
  check(context) {
    const byId = new Map<string, DagModel[]>();
    for (const dag of context.file.dags) {
      if (dag.dagId === null) continue;
      const list = byId.get(dag.dagId) ?? [];
      list.push(dag);
      byId.set(dag.dagId, list);
    }
    for (const [dagId, dags] of byId) {
      const elsewhere = context.workspace?.dagDefinitionsElsewhere(dagId) ?? [];
      const definitions = distinctDefinitions(dags);
      if (definitions.length < 2 && elsewhere.length === 0) continue;
      for (const definition of definitions) {
        const related: RelatedLocation[] = [];
        for (const other of definitions) {
          if (other !== definition) related.push({ message: `Also defines DAG "${dagId}"`, range: other });
        }
        for (const other of elsewhere) related.push({ message: `Also defines DAG "${dagId}"`, range: other.range, file: other.file });
        if (elsewhere.length > 0) {
          const files = [...new Set(elsewhere.map((other) => other.file))];
          const where = files.length === 1 ? baseName(files[0]!) : `${files.length} other files`;
          context.report({ messageId: 'otherFile', args: { dagId, where }, range: definition, related: related.slice(0, MAX_RELATED) });
        } else {
          context.report({ messageId: 'sameFile', args: { dagId, count: definitions.length }, range: definition, related: related.slice(0, MAX_RELATED) });
        }
      }
    }
  },
};

/**
 * The ranges of the definitions, one per place in the source: a DAG created in a loop with a literal
 * id is one definition evaluated several times, reported by the model as several DAGs at one range.
 */
function distinctDefinitions(dags: readonly DagModel[]): Range[] {
  const seen = new Set<string>();
  const ranges: Range[] = [];
  for (const dag of dags) {
    const range = dag.dagIdRange ?? dag.range;
    const key = `${range.start.line}:${range.start.character}:${range.end.line}:${range.end.character}`;
    if (seen.has(key)) continue;
    seen.add(key);
    ranges.push(range);
  }
  return ranges;
}

/** The last path segment of a file path or URI, for a short message (the related location has the full path). */
function baseName(file: string): string {
  const segments = file.split(/[\\/]/);
  return decodeURIComponentSafe(segments[segments.length - 1] || file);
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
