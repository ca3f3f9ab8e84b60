import { fileTemplates } from '../templates/analysis';
import { describeVersions } from '../templates/catalogue';
import { findNameProblems, type NameProblem } from '../templates/names';
import type { TemplateScope } from '../templates/taskTemplates';
import { rangeInText } from './template-syntax-error';
import type { Range } from '../analyzer/model';
import type { Fix, Report, Rule } from './rule';

/**
 * A name inside `{{ }}` / `{% %}` that will be undefined when Airflow renders the template: not in the
 * template context of the target Airflow version, not a key of the DAG's `params`, not defined by the
 * template itself (`{% set %}`, loop variables, macros), not a `user_defined_macros` entry.
 */
export const unknownTemplateVariable: Rule = {
  meta: {
    id: 'unknown-template-variable',
    summary: "A name in a Jinja template that Airflow's template context does not have.",
    defaultSeverity: 'error',
    category: 'templates',
    fix: 'unsafe',
    messages: {
      unknownVariable: "'{name}' is not in Airflow's template context, the DAG's user_defined_macros, or set by the template; rendering fails.",
      unknownVariableSuggestion: "'{name}' is not in Airflow's template context; did you mean '{suggestion}'?",
      unavailableVariable: "'{name}' is not available in Airflow {version} ({versions}); use {replacement}.",
      unavailableVariableNoReplacement: "'{name}' is not available in Airflow {version} ({versions}).",
      unknownParam: "params has no key '{name}': the DAG and task params define {keys}.",
      unknownParamSuggestion: "params has no key '{name}'; did you mean '{suggestion}'?",
      unknownVariableAccessor: "'var.{name}' does not exist: Airflow Variables are read as var.value.<key> or var.json.<key>.",
      unknownMacro: "'macros.{name}' is not an Airflow macro; did you mean 'macros.{suggestion}'?",
      unavailableMacro: "'macros.{name}' is not available in Airflow {version} ({versions}).",
      unknownFilter: "No filter named '{name}' in Airflow's Jinja environment or the DAG's user_defined_filters.",
      unknownFilterSuggestion: "No filter named '{name}'; did you mean '{suggestion}'?",
      unknownTest: "No Jinja test named '{name}'.",
      unknownTestSuggestion: "No Jinja test named '{name}'; did you mean '{suggestion}'?",
      inFile: '{file} (line {line}): {detail}',
    },
    docs: {
      whatItDoes:
        "Checks every name used in the Jinja of templated operator arguments and of the template files they name against Airflow's template context for the target Airflow version (`ds`, `data_interval_start`, `ti`, `var.value.*`, `macros.ds_add` …), the DAG's and task's `params` keys, the DAG's `user_defined_macros` and `user_defined_filters`, and the names the template defines itself (`{% set %}`, `{% for %}` variables, macros, imports). Where the DAG's macros or params are computed rather than written out, only near misses of known names are reported.",
      whyIsThisBad:
        "Airflow renders templates with `StrictUndefined`: an unknown name fails the task when it runs, typically after its upstream tasks already did their work. Names removed in Airflow 3 (`execution_date`, `next_ds`, `prev_ds`, `tomorrow_ds` …) fail the same way after an upgrade.",
      example: 'BashOperator(task_id="load", bash_command="load.sh {{ ds_nodahs }}")',
      useInstead: 'BashOperator(task_id="load", bash_command="load.sh {{ ds_nodash }}")',
      fixSafety:
        'The fix replaces the name with the closest known one. It changes what the template renders, so it is offered as a quick fix but not applied by `dagstudio check --fix`.',
    },
  },
  check(context) {
    const templates = fileTemplates(context.file, context.text, context.config.airflowVersion, context.files);
    const seen = new Set<string>();
    for (const { string, template, scope } of templates.inline) {
      for (const problem of findNameProblems(template, scope)) {
        const range = string.literal.rangeOf(problem.start, problem.end);
        const report = reportFor(problem, scope, range, true);
        const key = `${range.start.line}:${range.start.character}:${report.messageId}`;
        if (seen.has(key)) continue;
        seen.add(key);
        context.report(report);
      }
    }
    for (const use of templates.files) {
      if (!use.template || use.lookup?.status !== 'found') continue;
      for (const problem of findNameProblems(use.template, use.scope)) {
        const fileRange = rangeInText(use.lookup.text, problem);
        const inner = reportFor(problem, use.scope, fileRange, false);
        const detail = formatDetail(unknownTemplateVariable.meta.messages[inner.messageId]!, inner.args ?? {});
        context.report({
          messageId: 'inFile',
          args: { file: use.name, line: fileRange.start.line + 1, detail },
          range: use.string.value.range,
          related: [{ message: detail, range: fileRange, file: use.lookup.path }],
        });
      }
    }
  },
};

function formatDetail(template: string, args: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in args ? String(args[name]) : whole));
}

/** The report for one problem; `withFix` adds the "did you mean" replacement (only for text in this document). */
function reportFor(problem: NameProblem, scope: TemplateScope, range: Range, withFix: boolean): Report {
  const { name, suggestion } = problem;
  const fixes: Fix[] = withFix && suggestion
    ? [{ title: `Replace '${name}' with '${suggestion}'`, edits: [{ range, newText: suggestion }], safe: false }]
    : [];
  const version = scope.airflowVersion;
  switch (problem.kind) {
    case 'unknownVariable':
      return suggestion
        ? { messageId: 'unknownVariableSuggestion', args: { name, suggestion }, range, fixes }
        : { messageId: 'unknownVariable', args: { name }, range };
    case 'unavailableVariable': {
      const versions = problem.entry ? describeVersions(problem.entry) : '';
      const replacement = problem.entry?.replacement;
      return replacement
        ? { messageId: 'unavailableVariable', args: { name, version, versions, replacement }, range, fixes }
        : { messageId: 'unavailableVariableNoReplacement', args: { name, version, versions }, range };
    }
    case 'unknownParam':
      return suggestion
        ? { messageId: 'unknownParamSuggestion', args: { name, suggestion }, range, fixes }
        : { messageId: 'unknownParam', args: { name, keys: [...(scope.params ?? [])].map((key) => `'${key}'`).join(', ') || 'no keys' }, range };
    case 'unknownVariableAccessor':
      return { messageId: 'unknownVariableAccessor', args: { name }, range, fixes };
    case 'unknownMacro':
      return { messageId: 'unknownMacro', args: { name, suggestion: suggestion ?? '' }, range, fixes };
    case 'unavailableMacro':
      return { messageId: 'unavailableMacro', args: { name, version, versions: problem.entry ? describeVersions(problem.entry) : '' }, range };
    case 'unknownFilter':
      return suggestion
        ? { messageId: 'unknownFilterSuggestion', args: { name, suggestion }, range, fixes }
        : { messageId: 'unknownFilter', args: { name }, range };
    case 'unknownTest':
      return suggestion
        ? { messageId: 'unknownTestSuggestion', args: { name, suggestion }, range, fixes }
        : { messageId: 'unknownTest', args: { name }, range };
  }
}
