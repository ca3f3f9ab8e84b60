import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import {
  CompletionItemKind,
  CompletionItemTag,
  MarkupKind,
  type CompletionItem,
  type CompletionList,
  type Connection,
  type DocumentLink,
  type Hover,
  type Position,
} from 'vscode-languageserver';
import type { FileModel } from '../analyzer/model';
import type { AirflowMajor, FileAccess } from '../rules/rule';
import { templateCompletions, templateDocumentLinks, templateHover, type TemplateItemKind } from '../templates/language';

/**
 * The language server's side of the Jinja template features: completion, hover and document links
 * inside operator arguments. The features themselves are pure (`templates/language.ts`); this module
 * only converts their results to LSP types and reads template files from disk.
 */

/** What the template features need to know about an open document. */
export interface TemplateDocumentInput {
  model: FileModel;
  text: string;
  airflowVersion: AirflowMajor;
  /** The document's file path; null for untitled buffers (no links to files then). */
  filePath: string | null;
}

/** Server capabilities of the template features, merged into the initialize result. */
export const templateCapabilities = {
  completionProvider: { triggerCharacters: ['{', '.', '|', ' ', '%'] },
  documentLinkProvider: { resolveProvider: false },
};

const ITEM_KINDS: Record<TemplateItemKind, CompletionItemKind> = {
  variable: CompletionItemKind.Variable,
  macro: CompletionItemKind.Function,
  filter: CompletionItemKind.Function,
  test: CompletionItemKind.Function,
  param: CompletionItemKind.Property,
  accessor: CompletionItemKind.Module,
  attribute: CompletionItemKind.Field,
  keyword: CompletionItemKind.Keyword,
  local: CompletionItemKind.Variable,
};

/**
 * Registers completion and document links. `inputFor` gives the current analysis of a document (null
 * when it is not an Airflow file); `guard` is the server's handler guard, so a failure is logged, not fatal.
 */
export function registerTemplateFeatures(
  connection: Connection,
  inputFor: (uri: string) => TemplateDocumentInput | null,
  guard: <T>(what: string, handler: () => T, fallback: T) => T,
): void {
  connection.onCompletion((params) => guard('completion', () => {
    const input = inputFor(params.textDocument.uri);
    return input ? templateCompletionList(input, params.position) : null;
  }, null));
  connection.onDocumentLinks((params) => guard('documentLinks', () => {
    const input = inputFor(params.textDocument.uri);
    return input?.filePath ? templateLinks(input, diskFileAccess(input.filePath)) : [];
  }, []));
}

export function templateCompletionList(input: TemplateDocumentInput, position: Position): CompletionList | null {
  const result = templateCompletions(input.model, input.text, position, input.airflowVersion);
  if (!result) return null;
  const items: CompletionItem[] = result.items.map((item) => ({
    label: item.label,
    kind: ITEM_KINDS[item.kind],
    detail: item.detail,
    documentation: { kind: MarkupKind.Markdown, value: item.documentation },
    sortText: item.sortText,
    filterText: item.filterText,
    ...(item.deprecated ? { tags: [CompletionItemTag.Deprecated] } : {}),
    textEdit: { range: result.range, newText: item.label },
  }));
  return { isIncomplete: false, items };
}

/** The hover for a name inside a template, or null so the caller can fall back to its own hover. */
export function templateHoverAt(input: TemplateDocumentInput, position: Position): Hover | null {
  const hover = templateHover(input.model, input.text, position, input.airflowVersion);
  return hover ? { contents: { kind: MarkupKind.Markdown, value: hover.contents }, range: hover.range } : null;
}

export function templateLinks(input: TemplateDocumentInput, files: FileAccess): DocumentLink[] {
  return templateDocumentLinks(input.model, input.text, files, input.airflowVersion).map((link) => ({
    range: link.range,
    target: pathToFileURL(link.target).toString(),
    tooltip: link.tooltip,
  }));
}

/** Larger files are not template files anyone edits by hand; skipping them keeps a request cheap. */
const MAX_TEMPLATE_FILE_BYTES = 2_000_000;
/** How many template files stay cached between analyses. */
const MAX_CACHED_FILES = 500;

/** Template files read earlier, reused while their size and modification time are unchanged. */
const fileCache = new Map<string, { mtimeMs: number; size: number; text: string }>();

/**
 * Read access to files on disk for one check of `documentPath`. Each file is looked at once per access
 * object (create one per analysis); its text is read again only when its size or modification time
 * changed, so re-checking a DAG on every keystroke costs one `stat` per template file.
 */
export function diskFileAccess(documentPath: string): FileAccess {
  const seen = new Map<string, string | null>();
  return {
    documentPath,
    readFile(absolutePath) {
      if (seen.has(absolutePath)) return seen.get(absolutePath)!;
      const text = readCached(absolutePath);
      seen.set(absolutePath, text);
      return text;
    },
  };
}

function readCached(absolutePath: string): string | null {
  try {
    const stat = fs.statSync(absolutePath);
    if (!stat.isFile() || stat.size > MAX_TEMPLATE_FILE_BYTES) return null;
    const cached = fileCache.get(absolutePath);
    if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.text;
    const text = fs.readFileSync(absolutePath, 'utf8');
    if (fileCache.size >= MAX_CACHED_FILES) fileCache.delete(fileCache.keys().next().value!);
    fileCache.set(absolutePath, { mtimeMs: stat.mtimeMs, size: stat.size, text });
    return text;
  } catch {
    fileCache.delete(absolutePath);
    return null;
  }
}
