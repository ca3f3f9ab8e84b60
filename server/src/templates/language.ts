import type { DagModel, FileModel, Position, Range, TaskModel } from '../analyzer/model';
import type { AirflowMajor, FileAccess } from '../rules/rule';
import {
  AIRFLOW_FILTERS, availableIn, CONNECTION_ATTRIBUTES, CONTEXT_VARIABLES, describeVersions, findAirflowFilter, findContextVariable, findMacro,
  JINJA_FILTERS, JINJA_GLOBALS, JINJA_TESTS, MACROS, VARIABLE_ACCESSORS, type CatalogueEntry,
} from './catalogue';
import { parseTemplate, type JinjaTag, type JinjaTemplate } from './jinja';
import { collectTaskStrings, templateScopeOf, type TaskString, type TemplateScope } from './taskTemplates';
import { findTemplateFile } from './templateFiles';
import { namesTemplateFile, type OperatorTemplateSpec } from './templateFields';
import { lineIndexOf, rangeContains } from './textPositions';

/**
 * Editor features inside Jinja templates of operator arguments — completion, hover and links to
 * template files — as pure functions of the file model, the document text and a position. The language
 * server turns their plain results into LSP types.
 */

export type TemplateItemKind = 'variable' | 'macro' | 'filter' | 'test' | 'param' | 'accessor' | 'attribute' | 'keyword' | 'local';

export interface TemplateCompletionItem {
  label: string;
  kind: TemplateItemKind;
  /** One line: the type and the versions that have it. */
  detail: string;
  /** Markdown. */
  documentation: string;
  /** True for entries deprecated in the target version (shown struck through). */
  deprecated: boolean;
  /** Orders items: lower first. */
  sortText: string;
  /** What completion filtering matches the typed word against: the name plus its aliases (`ds date datestamp`). */
  filterText: string;
}

export interface TemplateCompletions {
  items: TemplateCompletionItem[];
  /** The text the chosen item replaces (the partial name before the cursor). */
  range: Range;
}

export interface TemplateHover {
  /** Markdown. */
  contents: string;
  range: Range;
}

export interface TemplateDocumentLink {
  range: Range;
  /** Absolute path of the file. */
  target: string;
  tooltip: string;
}

/** Where the cursor is: inside which string, which tag, at which offset of the decoded value. */
interface TemplateLocation {
  string: TaskString;
  template: JinjaTemplate;
  tag: JinjaTag;
  offset: number;
  scope: TemplateScope;
}

/** Statement keywords offered right after `{%`. */
const STATEMENT_KEYWORDS = ['if', 'elif', 'else', 'endif', 'for', 'endfor', 'set', 'endset', 'macro', 'endmacro', 'call', 'endcall', 'filter', 'endfilter', 'with', 'endwith', 'raw', 'endraw', 'include', 'import', 'from', 'do', 'autoescape', 'endautoescape', 'block', 'endblock', 'extends'];

/** Frequently used attributes of context objects, for completion after `ti.`, `dag_run.` and the date-times. */
const OBJECT_ATTRIBUTES: Record<string, [string, string][]> = {
  task_instance: [
    ['xcom_pull', "xcom_pull(task_ids=None, key='return_value') — a value another task pushed."],
    ['try_number', 'The attempt number.'], ['task_id', 'The task id.'], ['dag_id', 'The DAG id.'], ['run_id', 'The run id.'],
    ['map_index', 'The index of a mapped task instance (-1 when not mapped).'], ['hostname', 'The worker that runs it.'], ['log_url', 'Link to the log.'],
  ],
  dag_run: [
    ['conf', 'The configuration the run was triggered with.'], ['run_id', 'The run id.'], ['run_type', 'scheduled, manual, backfill or asset_triggered.'],
    ['logical_date', 'The logical date.'], ['data_interval_start', 'Start of the data interval.'], ['data_interval_end', 'End of the data interval.'],
    ['start_date', 'When the run started.'], ['dag_id', 'The DAG id.'],
  ],
  dag: [['dag_id', 'The DAG id.'], ['owner', 'The owner.'], ['tags', 'The tags.'], ['params', 'The DAG params.'], ['folder', 'The folder of the DAG file.']],
  task: [['task_id', 'The task id.'], ['owner', 'The owner.'], ['retries', 'The number of retries.'], ['queue', 'The queue.'], ['pool', 'The pool.']],
  datetime: [
    ['strftime', "strftime(format) — format with % codes: data_interval_start.strftime('%Y/%m/%d')."], ['format', "format(fmt) — pendulum tokens: format('YYYY-MM-DD')."],
    ['in_tz', "in_tz(tz) — the same instant in another time zone: in_tz('Europe/Paris')."], ['add', 'add(days=…, hours=…) — a later date-time.'],
    ['subtract', 'subtract(days=…, hours=…) — an earlier date-time.'], ['start_of', "start_of('month') — the start of a unit."], ['end_of', "end_of('month') — the end of a unit."],
    ['to_date_string', 'As YYYY-MM-DD.'], ['isoformat', 'ISO 8601 text.'], ['int_timestamp', 'Seconds since the epoch.'],
    ['year', 'The year.'], ['month', 'The month.'], ['day', 'The day of the month.'], ['hour', 'The hour.'],
  ],
};
const OBJECT_KIND: Record<string, string> = {
  ti: 'task_instance', task_instance: 'task_instance', dag_run: 'dag_run', dag: 'dag', task: 'task',
  data_interval_start: 'datetime', data_interval_end: 'datetime', logical_date: 'datetime', start_date: 'datetime',
  prev_data_interval_start_success: 'datetime', prev_data_interval_end_success: 'datetime', prev_start_date_success: 'datetime', prev_end_date_success: 'datetime',
};

/** Completion items at `position`, or null when the position is not inside a Jinja tag of an operator argument. */
export function templateCompletions(file: FileModel, text: string, position: Position, airflowVersion: AirflowMajor): TemplateCompletions | null {
  const location = locate(file, text, position, airflowVersion);
  if (!location || (location.tag.kind !== 'expression' && location.tag.kind !== 'statement')) return null;
  const { string, template, tag, offset, scope } = location;
  const before = template.source.slice(tag.content.start, offset);
  const partial = /[A-Za-z_]\w*$/.exec(before)?.[0] ?? '';
  const range = string.literal.rangeOf(offset - partial.length, offset);
  const head = before.slice(0, before.length - partial.length);
  const items = itemsFor(head, tag, template, scope, string);
  return items ? { items, range } : null;
}

function itemsFor(head: string, tag: JinjaTag, template: JinjaTemplate, scope: TemplateScope, string: TaskString): TemplateCompletionItem[] | null {
  if (/\|\s*$/.test(head)) return filterItems(scope);
  if (/\bis\s+(?:not\s+)?$/.test(head)) return JINJA_TESTS.map((name) => item(name, 'test', 'Jinja test', `Jinja's built-in \`${name}\` test.`, false, 2));
  const chain = /([A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*)\s*\.\s*$/.exec(head);
  if (chain) return attributeItems(chain[1]!.split(/\s*\.\s*/), scope, string);
  if (/\bparams\s*\[\s*['"]$/.test(head)) return paramItems(string, scope);
  if (/\[\s*['"]$/.test(head)) return null;
  if (tag.kind === 'statement' && /^[-+]?\s*$/.test(head)) {
    return STATEMENT_KEYWORDS.map((keyword) => item(keyword, 'keyword', 'Jinja statement', `\`{% ${keyword} %}\``, false, 1));
  }
  if (/[\w)\]'"]\s+$/.test(head) && !/\b(?:and|or|not|in|is|if|else|set|for|elif|do|with|call|import|as|include|from)\s+$/.test(head)) return null;
  return rootItems(template, scope);
}

function rootItems(template: JinjaTemplate, scope: TemplateScope): TemplateCompletionItem[] {
  const items: TemplateCompletionItem[] = [];
  const seen = new Set<string>();
  const add = (entry: TemplateCompletionItem) => {
    if (!seen.has(entry.label)) items.push(entry);
    seen.add(entry.label);
  };
  for (const definition of template.definitions) add(item(definition.name, 'local', `set by {% ${definition.binder} %}`, `Defined in this template by \`{% ${definition.binder} %}\`.`, false, 0));
  for (const name of scope.userMacros ?? []) add(item(name, 'macro', 'user_defined_macros', "Defined in the DAG's `user_defined_macros`.", false, 0));
  for (const entry of CONTEXT_VARIABLES) {
    if (!availableIn(entry, scope.airflowVersion)) continue;
    add(catalogueItem(entry, entry.name === 'macros' || entry.name === 'var' || entry.name === 'conn' ? 'accessor' : 'variable', Boolean(entry.removedIn), entry.removedIn ? 3 : 1));
  }
  for (const name of JINJA_GLOBALS.slice(0, 6)) add(item(name, 'keyword', 'Jinja global', `Jinja's built-in \`${name}\`.`, false, 4));
  return items;
}

function attributeItems(chain: string[], scope: TemplateScope, string: TaskString): TemplateCompletionItem[] | null {
  const [root, ...rest] = chain;
  if (root === 'params' && rest.length === 0) return paramItems(string, scope);
  if (root === 'macros' && rest.length === 0) {
    return MACROS.filter((macro) => availableIn(macro, scope.airflowVersion)).map((macro) => catalogueItem(macro, 'macro', false, 1));
  }
  if (root === 'var' && rest.length === 0) return VARIABLE_ACCESSORS.map((accessor) => catalogueItem(accessor, 'accessor', false, 1));
  if (root === 'conn' && rest.length === 1) return CONNECTION_ATTRIBUTES.map((attribute) => catalogueItem(attribute, 'attribute', false, 1));
  const kind = rest.length === 0 ? OBJECT_KIND[root!] : root === 'dag_run' && rest.length === 1 && rest[0] !== 'conf' ? OBJECT_KIND[rest[0]!] : undefined;
  const attributes = kind ? OBJECT_ATTRIBUTES[kind] : undefined;
  return attributes ? attributes.map(([name, description]) => item(name, 'attribute', kind!, description, false, 1)) : null;
}

function paramItems(string: TaskString, scope: TemplateScope): TemplateCompletionItem[] {
  const values = paramValues(string.task, string.dag);
  return [...(scope.params ?? values.keys())].map((name) => {
    const value = values.get(name);
    return item(name, 'param', value ? `= ${value}` : 'param', `DAG param \`${name}\`${value ? ` (default \`${value}\`)` : ''}.`, false, 0);
  });
}

/** The params' default values as written, for completion details and hover. */
function paramValues(task: TaskModel, dag: DagModel | null): Map<string, string> {
  const values = new Map<string, string>();
  for (const source of [dag?.args['params']?.value, dag?.defaultArgs?.entries['params']?.value, task.args['params']?.value]) {
    for (const [key, entry] of Object.entries(source?.entries ?? {})) values.set(key, shorten(entry.value.text));
  }
  return values;
}

function filterItems(scope: TemplateScope): TemplateCompletionItem[] {
  return [
    ...AIRFLOW_FILTERS.map((filter) => catalogueItem(filter, 'filter', false, 0)),
    ...[...(scope.userFilters ?? [])].map((name) => item(name, 'filter', 'user_defined_filters', "Defined in the DAG's `user_defined_filters`.", false, 0)),
    ...JINJA_FILTERS.map((name) => item(name, 'filter', 'Jinja filter', `Jinja's built-in \`${name}\` filter.`, false, 2)),
  ];
}

function catalogueItem(entry: CatalogueEntry, kind: TemplateItemKind, deprecated: boolean, rank: number): TemplateCompletionItem {
  const detail = `${entry.signature ? `${entry.signature} · ` : ''}${entry.type} · ${describeVersions(entry)}`;
  return { ...item(entry.name, kind, detail, documentationOf(entry), deprecated, rank), filterText: [entry.name, ...(entry.aliases ?? [])].join(' ') };
}

function item(label: string, kind: TemplateItemKind, detail: string, documentation: string, deprecated: boolean, rank: number): TemplateCompletionItem {
  return { label, kind, detail, documentation, deprecated, sortText: `${rank}${label}`, filterText: label };
}

function documentationOf(entry: CatalogueEntry): string {
  const lines = [entry.signature ? `\`${entry.signature}\`\n\n${entry.description}` : entry.description, '', `*Available in:* ${describeVersions(entry)}.`];
  if (entry.replacement) lines.push(`*Instead:* \`${entry.replacement}\``);
  return lines.join('\n');
}

/** Hover text for the name under `position` inside a template, or null. */
export function templateHover(file: FileModel, text: string, position: Position, airflowVersion: AirflowMajor): TemplateHover | null {
  const location = locate(file, text, position, airflowVersion);
  if (!location) return null;
  const { string, template, offset, scope } = location;
  const within = (span: { start: number; end: number }) => span.start <= offset && offset <= span.end;
  const range = (span: { start: number; end: number }) => string.literal.rangeOf(span.start, span.end);
  for (const reference of template.references) {
    if (within(reference)) return rootHover(reference.name, template, scope, string, range(reference));
    const index = reference.path.findIndex((segment) => within(segment));
    if (index < 0) continue;
    const segment = reference.path[index]!;
    const contents = memberHover(reference.name, reference.path.slice(0, index).map((part) => part.name), segment.name, string);
    return contents ? { contents, range: range(segment) } : null;
  }
  for (const filter of template.filters) {
    if (!within(filter)) continue;
    const entry = findAirflowFilter(filter.name);
    const contents = entry
      ? `**${entry.name}** *(Airflow filter)*\n\n${documentationOf(entry)}`
      : scope.userFilters?.has(filter.name) ? `**${filter.name}** *(user_defined_filters)*` : JINJA_FILTERS.includes(filter.name) ? `**${filter.name}** *(Jinja filter)*` : null;
    return contents ? { contents, range: range(filter) } : null;
  }
  return null;
}

function rootHover(name: string, template: JinjaTemplate, scope: TemplateScope, string: TaskString, range: Range): TemplateHover | null {
  const definition = template.definitions.find((candidate) => candidate.name === name);
  if (definition) return { contents: `**${name}** — set in this template by \`{% ${definition.binder} %}\``, range };
  if (scope.userMacros?.has(name)) return { contents: `**${name}** — from the DAG's \`user_defined_macros\``, range };
  const entry = findContextVariable(name);
  if (!entry) return JINJA_GLOBALS.includes(name) ? { contents: `**${name}** *(Jinja global)*`, range } : null;
  const warning = availableIn(entry, scope.airflowVersion) ? '' : `\n\n⚠ Not available in Airflow ${scope.airflowVersion}.`;
  const params = name === 'params' ? paramsSummary(string) : '';
  return { contents: `**${entry.name}** \`${entry.type}\`\n\n${documentationOf(entry)}${params}${warning}`, range };
}

function paramsSummary(string: TaskString): string {
  const values = paramValues(string.task, string.dag);
  if (values.size === 0) return '';
  return `\n\nThis task's params: ${[...values].map(([key, value]) => `\`${key}\` = \`${value}\``).join(', ')}`;
}

function memberHover(root: string, before: string[], name: string, string: TaskString): string | null {
  if (root === 'macros' && before.length === 0) {
    const macro = findMacro(name);
    return macro ? `**macros.${macro.name}** \`${macro.type}\`\n\n${documentationOf(macro)}` : null;
  }
  if (root === 'var' && before.length === 0) {
    const accessor = VARIABLE_ACCESSORS.find((candidate) => candidate.name === name);
    return accessor ? `**var.${accessor.name}**\n\n${accessor.description}` : null;
  }
  if (root === 'var' && before.length === 1) return `**${name}** — the Airflow Variable \`${name}\`${before[0] === 'json' ? ', parsed as JSON' : ''}, read when the task runs.`;
  if (root === 'conn' && before.length === 0) return `**${name}** — the Airflow Connection \`${name}\`, looked up when the task runs.`;
  if (root === 'params' && before.length === 0) {
    const value = paramValues(string.task, string.dag).get(name);
    return value !== undefined ? `**params.${name}** — default \`${value}\`` : null;
  }
  return null;
}

/**
 * Links from templated arguments to the files they name: template files (`sql="queries/load.sql"`,
 * looked up like Airflow does) and scripts run by path (`bash_command="scripts/run.sh "`, the trailing
 * space telling Airflow not to template them). Only files that exist are linked.
 */
export function templateDocumentLinks(file: FileModel, text: string, files: FileAccess, airflowVersion: AirflowMajor): TemplateDocumentLink[] {
  const links: TemplateDocumentLink[] = [];
  const mayNameFile = (source: string, spec: OperatorTemplateSpec | null, templated: boolean | null) =>
    templated === true && spec !== null && spec.templateExt.some((extension) => source.includes(extension));
  for (const string of collectTaskStrings(file, lineIndexOf(text), { source: mayNameFile })) {
    if (!string.templated || !string.spec || string.literal.formatted) continue;
    const value = string.literal.value;
    const scope = templateScopeOf(string.task, string.dag, airflowVersion);
    if (namesTemplateFile(string.spec, value)) {
      const lookup = findTemplateFile(value, files, scope.templateSearchPath);
      if (lookup.status === 'found') links.push({ range: string.literal.rangeOf(0, value.length), target: lookup.path, tooltip: `Template file ${lookup.path}` });
      continue;
    }
    const script = /(\S+)\s+$/.exec(value);
    if (!script || !namesTemplateFile(string.spec, script[1]!)) continue;
    const name = script[1]!;
    const start = script.index;
    const lookup = findTemplateFile(name, files, scope.templateSearchPath);
    const target = lookup.status === 'found' ? lookup.path : name.startsWith('/') && files.readFile(name) !== null ? name : null;
    if (target) links.push({ range: string.literal.rangeOf(start, start + name.length), target, tooltip: `Script ${target} (run by path, not templated)` });
  }
  return links;
}

/** The templated string and Jinja tag under `position`. */
function locate(file: FileModel, text: string, position: Position, airflowVersion: AirflowMajor): TemplateLocation | null {
  if (!file.importsAirflow) return null;
  for (const string of collectTaskStrings(file, lineIndexOf(text), { at: position })) {
    if (string.templated === false || string.literal.formatted) continue;
    const literalRange = string.value.resolvedFrom ?? string.value.range;
    if (!rangeContains(literalRange, position)) continue;
    const offset = string.literal.valueOffsetAt(position);
    if (offset === null) continue;
    const template = parseTemplate(string.literal.value);
    const tag = template.tags.find((candidate) => candidate.content.start <= offset && offset <= candidate.content.end);
    if (!tag) return null;
    return { string, template, tag, offset, scope: templateScopeOf(string.task, string.dag, airflowVersion) };
  }
  return null;
}

function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > 40 ? `${oneLine.slice(0, 37)}…` : oneLine;
}
