import * as path from 'node:path';
import type { FileAccess } from '../rules/rule';

/**
 * Template files, found the way Airflow finds them: the DAG's Jinja environment uses a
 * `FileSystemLoader` over the DAG file's folder followed by `template_searchpath`, and Jinja splits the
 * template name on `/`, dropping empty and `.` segments and refusing `..`. So `sql="queries/load.sql"`
 * is looked up as `<dag folder>/queries/load.sql`, then under each search path entry, and even an
 * absolute `/opt/sql/load.sql` is looked up *relative* to those folders.
 */
export type TemplateFileLookup =
  | { status: 'found'; path: string; text: string }
  /** Not in any folder searched. `certain` is false when some folder of the search path is unknown (relative or computed). */
  | { status: 'missing'; searched: string[]; folders: string[]; certain: boolean }
  /** A name Jinja refuses outright (`..` segments, backslashes). */
  | { status: 'invalid'; reason: string };

/** The folders searched for a DAG's template files, in order. */
export function templateFolders(documentPath: string, searchPath: readonly string[]): string[] {
  const folders = [path.dirname(documentPath)];
  for (const entry of searchPath) folders.push(path.isAbsolute(entry) ? entry : path.resolve(path.dirname(documentPath), entry));
  return folders;
}

/** Jinja's `split_template_path`: the segments of a template name, or null when Jinja would refuse it. */
export function templateNameSegments(name: string): string[] | null {
  const segments: string[] = [];
  for (const piece of name.split('/')) {
    if (piece.includes('\\') || piece === '..') return null;
    if (piece && piece !== '.') segments.push(piece);
  }
  return segments.length > 0 ? segments : null;
}

/**
 * Looks up the template file `name`. `searchPath` is the DAG's `template_searchpath` (null when it is
 * not a literal: then a file not found is not certainly missing).
 */
export function findTemplateFile(name: string, files: FileAccess, searchPath: readonly string[] | null): TemplateFileLookup {
  const segments = templateNameSegments(name);
  if (!segments) return { status: 'invalid', reason: name.includes('..') ? "Jinja refuses '..' in template names" : 'Jinja refuses backslashes in template names' };
  const folders = templateFolders(files.documentPath, searchPath ?? []);
  const searched: string[] = [];
  for (const folder of folders) {
    const candidate = path.join(folder, ...segments);
    searched.push(candidate);
    const text = files.readFile(candidate);
    if (text !== null) return { status: 'found', path: candidate, text };
  }
  // Relative search path entries are resolved by Airflow against the scheduler's working directory, which the editor cannot know.
  const certain = searchPath !== null && searchPath.every((entry) => path.isAbsolute(entry));
  return { status: 'missing', searched, folders, certain };
}
