import type { Range } from '../analyzer/model';
import { fileTemplates } from '../templates/analysis';
import type { JinjaSyntaxError } from '../templates/jinja';
import { LineIndex } from '../templates/textPositions';
import type { Rule } from './rule';

/**
 * Jinja that Airflow cannot compile: an unclosed `{{`, a missing `{% endif %}`, a stray `}`, an unknown
 * tag. Checked in the strings of templated arguments and in the template files they name.
 */
export const templateSyntaxError: Rule = {
  meta: {
    id: 'template-syntax-error',
    summary: 'Jinja in a templated argument or template file that Airflow cannot compile.',
    defaultSeverity: 'error',
    category: 'templates',
    fix: 'none',
    messages: {
      inline: 'Jinja syntax error: {detail} Airflow fails the task when it renders this template.',
      inFile: 'Jinja syntax error in {file} (line {line}): {detail}',
    },
    docs: {
      whatItDoes:
        "Parses the Jinja in templated operator arguments (those in the operator's `template_fields`) and in the template files they name (`sql=\"queries/load.sql\"`), and reports the first syntax error Jinja would stop at: unclosed `{{ }}` or `{% %}`, unbalanced brackets, blocks without their `{% end... %}`, unknown tags. `{% raw %}` blocks and f-strings are left alone.",
      whyIsThisBad:
        'Airflow compiles templates only when the task runs, so a broken template is found in the middle of the night, after upstream tasks did their work, rather than while editing. A bash `${#array[@]}` in a templated `bash_command` is a classic: `{#` opens a Jinja comment.',
      example: 'BashOperator(task_id="load", bash_command="load.sh {{ ds }")',
      useInstead: 'BashOperator(task_id="load", bash_command="load.sh {{ ds }}")',
    },
  },
  check(context) {
    const templates = fileTemplates(context.file, context.text, context.config.airflowVersion, context.files);
    const seen = new Set<string>();
    for (const { string, template } of templates.inline) {
      const error = template.errors[0];
      if (!error) continue;
      const range = string.literal.rangeOf(error.start, Math.max(error.end, error.start + 1));
      const key = `${range.start.line}:${range.start.character}`;
      if (seen.has(key)) continue;
      seen.add(key);
      context.report({ messageId: 'inline', args: { detail: error.message }, range });
    }
    for (const use of templates.files) {
      const error = use.template?.errors[0];
      if (!error || use.lookup?.status !== 'found') continue;
      const fileRange = rangeInText(use.lookup.text, error);
      context.report({
        messageId: 'inFile',
        args: { file: use.name, line: fileRange.start.line + 1, detail: error.message },
        range: use.string.value.range,
        related: [{ message: error.message, range: fileRange, file: use.lookup.path }],
      });
    }
  },
};

/** The range of a template error inside a template file's text. */
export function rangeInText(text: string, span: Pick<JinjaSyntaxError, 'start' | 'end'>): Range {
  const lines = new LineIndex(text);
  return { start: lines.positionAt(span.start), end: lines.positionAt(span.end) };
}
