import { fileTemplates } from '../templates/analysis';
import type { Rule } from './rule';

/**
 * Jinja written into an argument the operator never renders: it reaches the operator as the literal
 * text `{{ ds }}`.
 */
export const templateInNonTemplatedField: Rule = {
  meta: {
    id: 'template-in-non-templated-field',
    summary: "Jinja passed to an argument that is not in the operator's template_fields, so it is never rendered.",
    defaultSeverity: 'warning',
    category: 'templates',
    fix: 'none',
    messages: {
      notTemplated: "'{argument}' is not a templated field of {operator}: this Jinja is passed on as literal text. Templated fields: {fields}.",
      noTemplatedFields: "{operator} renders no arguments: this Jinja in '{argument}' is passed on as literal text.",
      params: "Values in 'params' are not rendered: this Jinja reaches the task as literal text. Use the template in a templated field instead, e.g. {{ ds }} directly.",
    },
    docs: {
      whatItDoes:
        "Knows the `template_fields` of the commonly used operators of Airflow core and the standard, common-sql, postgres, http, amazon, google and cncf-kubernetes providers, and reports Jinja (`{{ }}`, `{% %}`) in any other argument of those operators, nested lists and dicts included. Task documentation (`doc_md` and the other `doc*` arguments) is prose and is not checked, and neither are custom operators: their template fields are not known.",
      whyIsThisBad:
        "Airflow renders only the attributes listed in the operator's `template_fields`. Anywhere else the template stays literal text: a task id containing `{{ ds }}`, a `params` value that was meant to be a date, a file name with braces in it. Nothing fails; the task silently does the wrong thing.",
      example: 'PythonOperator(task_id="report", python_callable=report, params={"day": "{{ ds }}"})',
      useInstead: 'PythonOperator(task_id="report", python_callable=report, op_kwargs={"day": "{{ ds }}"})',
    },
  },
  check(context) {
    const templates = fileTemplates(context.file, context.text, context.config.airflowVersion, context.files);
    for (const string of templates.notRendered) {
      const fields = string.spec?.templateFields ?? [];
      const operator = string.task.operator;
      if (string.argument.name === 'params') {
        context.report({ messageId: 'params', range: string.value.range });
      } else if (fields.length === 0) {
        context.report({ messageId: 'noTemplatedFields', args: { operator, argument: string.argument.name }, range: string.value.range });
      } else {
        context.report({ messageId: 'notTemplated', args: { operator, argument: string.argument.name, fields: fields.join(', ') }, range: string.value.range });
      }
    }
  },
};
