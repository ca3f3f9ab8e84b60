import { fileTemplates } from '../templates/analysis';
import type { Rule } from './rule';

/**
 * A templated argument ending in one of the operator's template extensions (`.sql`, `.sh` …) names a
 * template file that is not where Airflow will look for it.
 */
export const missingTemplateFile: Rule = {
  meta: {
    id: 'missing-template-file',
    summary: "A templated argument names a template file that Airflow's search path does not contain.",
    defaultSeverity: 'error',
    category: 'templates',
    fix: 'none',
    messages: {
      missing: "Template file '{name}' not found. Airflow looks for it in: {folders}.",
      missingAbsolute: "Template file '{name}' not found. Jinja looks up even absolute names inside the template folders ({folders}); add the folder to template_searchpath and use a relative name.",
      missingScript: "Template file '{name}' not found in {folders}. To run a script by path without templating it, end the command with a space: \"{name} \".",
      invalid: "Template file '{name}' cannot be loaded: {reason}.",
    },
    docs: {
      whatItDoes:
        "When a templated argument ends with one of the operator's `template_ext` (`.sql` for SQL operators, `.sh`/`.bash` for `bash_command` …), Airflow loads that file as the template. This rule looks for the file the way Airflow's Jinja loader does: in the DAG file's folder, then in each folder of the DAG's `template_searchpath`, splitting the name on `/`. It stays quiet when the search path is computed or relative, or the name itself contains Jinja.",
      whyIsThisBad:
        'A missing template file fails the task with `TemplateNotFound` at run time. Absolute paths are a common trap: Jinja resolves them inside the search folders, so `/opt/sql/load.sql` is not found even though the file exists.',
      example: 'SQLExecuteQueryOperator(task_id="load", conn_id="warehouse", sql="queries/lod.sql")',
      useInstead: 'SQLExecuteQueryOperator(task_id="load", conn_id="warehouse", sql="queries/load.sql")',
    },
  },
  check(context) {
    const templates = fileTemplates(context.file, context.text, context.config.airflowVersion, context.files);
    for (const use of templates.files) {
      const lookup = use.lookup;
      if (!lookup || use.name.includes('{{') || use.name.includes('{%')) continue;
      if (lookup.status === 'invalid') {
        context.report({ messageId: 'invalid', args: { name: use.name, reason: lookup.reason }, range: use.string.value.range });
      } else if (lookup.status === 'missing' && lookup.certain) {
        const folders = lookup.folders.join(', ');
        const messageId = use.name.startsWith('/') ? 'missingAbsolute' : use.string.argument.name === 'bash_command' ? 'missingScript' : 'missing';
        context.report({ messageId, args: { name: use.name, folders }, range: use.string.value.range });
      }
    }
  },
};
