import type { AssignmentFact, FileModel, Position, TaskModel } from '../analyzer/model';
import type { Fix, Rule, TextEdit } from './rule';
import { rangeKey } from './support/expressions';
import { nameUses } from './support/name-uses';
import { identifierOccurrences, isIdentifier } from './support/edits';
import { deduplicated } from './support/report';

/**
 * Ruff's AIR001: an operator assigned to a variable whose name differs from its literal `task_id`.
 * The fix renames the variable and every use of it, and is offered only when the uses the model shows
 * account for every occurrence of the name in the file and the new name is free.
 */
export const taskIdMismatch: Rule = {
  meta: {
    id: 'task-id-mismatch',
    summary: 'The variable holding an operator is named differently from its task_id.',
    defaultSeverity: 'hint',
    category: 'structure',
    fix: 'unsafe',
    ruff: ['AIR001'],
    messages: {
      mismatch: 'Task variable "{variable}" should match its task_id "{taskId}".',
    },
    docs: {
      whatItDoes:
        'Finds an operator of Airflow or one of its providers assigned to a variable (`load_task = PythonOperator(task_id="load", ...)`) whose name differs from the literal `task_id` it passes, as Ruff\'s AIR001 does. TaskFlow tasks, your own operator classes, computed ids and tasks not held in a single variable are not checked.',
      whyIsThisBad:
        'In review and in the UI people talk about task ids; the code wires variables. When the two names differ, readers have to map one onto the other to follow `>>` chains, and a log line naming a task id cannot be found by searching the code. This is a matter of consistency, so it is only a hint by default.',
      example: 'load_task = PythonOperator(task_id="load", python_callable=load_rows)',
      useInstead: 'load = PythonOperator(task_id="load", python_callable=load_rows)',
      fixSafety:
        'The fix renames the variable and all its uses in this file. It is offered only when every occurrence of the old name in the file is a use the analyzer understood, and the new name is not used anywhere yet; it is still unsafe because another module importing the variable by name would break.',
    },
  },
  check(checkContext) {
    const context = deduplicated(checkContext);
    const { file, text } = context;
    let assignments: Map<string, AssignmentFact> | undefined;
    for (const dag of file.dags) {
      for (const task of dag.tasks) {
        // As Ruff's AIR001: operators that Airflow or its providers define, not a team's own classes.
        if (task.kind === 'taskflow' || task.dynamicId || !task.variable || !task.qualifiedName?.startsWith('airflow.')) continue;
        // The id the model computed is the literal's value: a variable named like it matches, and its arguments need not be read.
        if (task.variable === task.localTaskId) continue;
        const written = task.args.task_id?.value;
        if (!written || written.kind !== 'string' || typeof written.value !== 'string') continue;
        const taskId = written.value;
        if (task.variable === taskId) continue;
        assignments ??= new Map(file.assignments.map((fact) => [`${fact.target}@${rangeKey(fact.value.range)}`, fact]));
        const assignment = assignments.get(`${task.variable}@${rangeKey(task.range)}`);
        if (!assignment) continue;
        const fix = renameFix(file, text, task, assignment.range.start);
        context.report({
          messageId: 'mismatch',
          args: { variable: task.variable, taskId },
          range: { start: assignment.range.start, end: { line: assignment.range.start.line, character: assignment.range.start.character + task.variable.length } },
          ...(fix ? { fixes: [fix] } : {}),
        });
      }
    }
  },
};

function renameFix(file: FileModel, text: string, task: TaskModel, definition: Position): Fix | null {
  const oldName = task.variable!;
  const newName = task.localTaskId;
  if (!isIdentifier(newName) || identifierOccurrences(text, newName) > 0) return null;
  const uses = nameUses(file, text, oldName);
  const target = { start: definition, end: { line: definition.line, character: definition.character + oldName.length } };
  uses.set(rangeKey(target), target);
  if (uses.size !== identifierOccurrences(text, oldName)) return null;
  const edits: TextEdit[] = [...uses.values()].map((range) => ({ range, newText: newName }));
  return { title: `Rename "${oldName}" to "${newName}"`, edits, safe: false };
}
