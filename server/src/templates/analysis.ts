import type { DagModel, FileModel, TaskModel } from '../analyzer/model';
import type { AirflowMajor, FileAccess } from '../rules/rule';
import { ContentCache } from './contentCache';
import { parseTemplate, type JinjaTemplate } from './jinja';
import { collectTaskStrings, looksTemplated, mayHoldTemplate, templateScopeOf, type TaskString, type TemplateScope } from './taskTemplates';
import { findTemplateFile, type TemplateFileLookup } from './templateFiles';
import { namesTemplateFile } from './templateFields';
import { lineIndexOf } from './textPositions';

/** A string in a templated argument, parsed as Jinja. */
export interface InlineTemplate {
  string: TaskString;
  template: JinjaTemplate;
  scope: TemplateScope;
}

/** A templated argument naming a template file (`sql="queries/load.sql"`), with what was found there. */
export interface TemplateFileUse {
  string: TaskString;
  /** The name as written (`queries/load.sql`). */
  name: string;
  scope: TemplateScope;
  /** Null when no file access was given (unsaved document, tests without files). */
  lookup: TemplateFileLookup | null;
  /** The file parsed as Jinja, when it was found. */
  template: JinjaTemplate | null;
}

/** Everything the template rules need to know about one file, computed once and shared by them. */
export interface FileTemplates {
  inline: InlineTemplate[];
  files: TemplateFileUse[];
  /** Strings with Jinja in arguments the operator does not render. */
  notRendered: TaskString[];
}

/** Task documentation shown in the UI: braces there are prose about templates, not templates. */
const DOCUMENTATION_ARGUMENTS = new Set(['doc', 'doc_md', 'doc_rst', 'doc_json', 'doc_yaml']);

const cache = new WeakMap<FileModel, Map<string, FileTemplates>>();

/** Parsed templates by their text, shared by consecutive analyses (a keystroke changes one string at most). Parses are never modified. */
const parsedTemplates = new ContentCache<JinjaTemplate>(20_000);

/**
 * The templates of `file` for the target Airflow version. Cached per model object, so the rules of one
 * run share a single parse of each template.
 */
export function fileTemplates(file: FileModel, text: string, airflowVersion: AirflowMajor, files?: FileAccess): FileTemplates {
  const key = `${airflowVersion}\u0000${files?.documentPath ?? ''}`;
  let perFile = cache.get(file);
  if (!perFile) cache.set(file, (perFile = new Map()));
  const cached = perFile.get(key);
  if (cached) return cached;
  const result = computeTemplates(file, text, airflowVersion, files);
  perFile.set(key, result);
  return result;
}

/** Drops the cached templates of `file` (benchmarks measure the uncached work on one model). */
export function forgetTemplates(file: FileModel): void {
  cache.delete(file);
}

function computeTemplates(file: FileModel, text: string, airflowVersion: AirflowMajor, files: FileAccess | undefined): FileTemplates {
  const result: FileTemplates = { inline: [], files: [], notRendered: [] };
  const lines = lineIndexOf(text);
  const fileCache = new Map<string, JinjaTemplate>();
  const scopes = new Map<TaskModel | DagModel, TemplateScope>();
  for (const string of collectTaskStrings(file, lines, { source: mayHoldTemplate })) {
    if (string.templated === null || string.literal.formatted) continue;
    const value = string.literal.value;
    if (!string.templated) {
      if (!DOCUMENTATION_ARGUMENTS.has(string.argument.name) && looksTemplated(string.literal) && hasJinjaTags(parsedTemplates.get(value, parseTemplate))) {
        result.notRendered.push(string);
      }
      continue;
    }
    // A task's scope differs from its DAG's only through its own `params`: tasks without them share one.
    const scopeOwner = string.task.args['params'] || !string.dag ? string.task : string.dag;
    let scope = scopes.get(scopeOwner);
    if (!scope) scopes.set(scopeOwner, (scope = templateScopeOf(string.task, string.dag, airflowVersion)));
    if (scope.customEnvironment) continue;
    if (string.spec && namesTemplateFile(string.spec, value)) {
      const lookup = files ? findTemplateFile(value, files, scope.templateSearchPath) : null;
      let template: JinjaTemplate | null = null;
      if (lookup?.status === 'found') {
        template = fileCache.get(lookup.path) ?? parseTemplate(lookup.text);
        fileCache.set(lookup.path, template);
      }
      result.files.push({ string, name: value, scope, lookup, template });
      continue;
    }
    if (looksTemplated(string.literal)) result.inline.push({ string, template: parsedTemplates.get(value, parseTemplate), scope });
  }
  return result;
}

/** True when the template has at least one `{{ }}` or `{% %}` (a stray `{#` alone is not a sign of intent). */
function hasJinjaTags(template: JinjaTemplate): boolean {
  return template.tags.some((tag) => tag.closed && (tag.kind === 'expression' || tag.kind === 'statement'));
}
