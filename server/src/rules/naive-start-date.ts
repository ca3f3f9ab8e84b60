import type { AssignmentFact, CallFact, ExprValue, FileModel, KeywordArgument } from '../analyzer/model';
import type { Fix, Rule, RuleContext, TextEdit } from './rule';
import { callAt, rangeKey } from './support/expressions';
import { addImport, insertKeywordArgument, moduleAlias, textOf } from './support/edits';
import { deduplicated } from './support/report';

const NAIVE_CONSTRUCTORS = new Set(['datetime.datetime']);

/**
 * A `start_date` (on the DAG, in `default_args` or on a task) built with `datetime(...)` and no
 * `tzinfo`, followed through a module-level constant when it is given by name.
 */
export const naiveStartDate: Rule = {
  meta: {
    id: 'naive-start-date',
    summary: 'start_date is a naive datetime without a timezone.',
    defaultSeverity: 'warning',
    category: 'reliability',
    fix: 'unsafe',
    options: {
      timezone: {
        type: 'string',
        default: 'UTC',
        description: 'The timezone the fix writes into `pendulum.datetime(..., tz=...)`.',
      },
    },
    messages: {
      naive: 'start_date {written} has no timezone; Airflow reads it in the deployment\'s default timezone. Use pendulum.datetime(..., tz="{timezone}").',
    },
    docs: {
      whatItDoes:
        'Finds a `start_date` written as `datetime(...)` without `tzinfo` — on the DAG, in `default_args` or on a task, directly or through a module-level constant.',
      whyIsThisBad:
        'Airflow stores and compares dates in UTC. A naive `start_date` is interpreted in the deployment\'s `default_timezone`, so the same file schedules differently on a laptop, in staging and in production, and daylight-saving changes shift the runs of a DAG meant to follow local time. A timezone-aware date says which one you mean.',
      example: 'with DAG("exports", start_date=datetime(2024, 1, 1), schedule="@daily", catchup=False):',
      useInstead: 'with DAG("exports", start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), schedule="@daily", catchup=False):',
      fixSafety:
        'The fix rewrites the call as `pendulum.datetime(<same arguments>, tz="UTC")` (the timezone is the `timezone` option) and adds `import pendulum` when needed. It keeps the schedule only if the deployment\'s default timezone is the one written; that cannot be known from the file, so the fix is unsafe.',
    },
  },
  check(checkContext) {
    const context = deduplicated(checkContext);
    const { file } = context;
    const reported = new Set<string>();
    // Module-level assignments by name, gathered on the first `start_date=NAME`: every task of a large
    // DAG may name the same constant, and scanning all assignments for each of them is quadratic.
    let moduleAssignments: Map<string, AssignmentFact[]> | undefined;
    const assignedAtModuleLevel = (name: string): readonly AssignmentFact[] => {
      if (!moduleAssignments) {
        moduleAssignments = new Map();
        for (const fact of file.assignments) {
          if (fact.scope.functionName !== null) continue;
          const facts = moduleAssignments.get(fact.target);
          if (facts) facts.push(fact);
          else moduleAssignments.set(fact.target, [fact]);
        }
      }
      return moduleAssignments.get(name) ?? [];
    };
    const check = (argument: KeywordArgument | undefined) => {
      if (!argument) return;
      const call = naiveCall(file, argument.value, assignedAtModuleLevel);
      if (!call || reported.has(rangeKey(call.range))) return;
      reported.add(rangeKey(call.range));
      const timezone = context.option<string>('timezone');
      const fix = pendulumFix(context, call, timezone);
      context.report({
        messageId: 'naive',
        args: { written: compact(textOf(context.text, call.range)), timezone },
        range: call.range,
        ...(fix ? { fixes: [fix] } : {}),
      });
    };
    for (const dag of file.dags) {
      check(dag.args.start_date);
      check(dag.defaultArgs?.entries.start_date);
      for (const task of dag.tasks) check(task.args.start_date);
    }
  },
};

/** The naive `datetime(...)` call a value is, or names through one module-level assignment. */
function naiveCall(file: FileModel, value: ExprValue, assignedAtModuleLevel: (name: string) => readonly AssignmentFact[]): CallFact | null {
  let written: ExprValue | undefined = value;
  if (value.kind === 'name') {
    const candidates = assignedAtModuleLevel(value.text);
    written = candidates.length === 1 ? candidates[0]!.value : undefined;
  }
  if (!written || written.kind !== 'call' || !NAIVE_CONSTRUCTORS.has(written.qualifiedName ?? '')) return null;
  const call = callAt(file, written.range);
  if (!call || call.keywords.tzinfo || call.positional.length >= 8) return null;
  if (Object.keys(call.keywords).some((name) => name.startsWith('**')) || /\*/.test(call.positional.map((item) => item.text).join(''))) return null;
  return call;
}

function pendulumFix(context: RuleContext, call: CallFact, timezone: string): Fix | null {
  const { file, text } = context;
  if (call.positional.length === 0 && Object.keys(call.keywords).length === 0) return null;
  const tz = insertKeywordArgument(file, text, call.range, `tz=${JSON.stringify(timezone)}`);
  if (!tz) return null;
  const alias = moduleAlias(file, 'pendulum');
  const callee = { start: call.range.start, end: { line: call.range.start.line, character: call.range.start.character + call.calleeText.length } };
  if (textOf(text, callee) !== call.calleeText) return null;
  const edits: TextEdit[] = [{ range: callee, newText: `${alias ?? 'pendulum'}.datetime` }, ...tz];
  if (!alias) edits.push(addImport(file, text, 'import pendulum'));
  return { title: `Use pendulum.datetime(..., tz="${timezone}")`, edits, safe: false };
}

/** A call as one short line for a message: comments dropped, whitespace folded. */
function compact(source: string): string {
  const folded = source.replace(/#[^\r\n]*/g, '').replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/,? \)/g, ')');
  return folded.length > 60 ? `${folded.slice(0, 57)}...` : folded;
}
