import * as fs from 'node:fs';
import * as path from 'node:path';
import { isSkippedDirectory, VIRTUAL_ENVIRONMENT_MARKER } from '../lsp/pythonFiles';

/** A problem the user can fix (a wrong path, a binary file): printed as one line, exit code 2. */
export class UserError extends Error {}

/**
 * The Python files named by the command line: files as given, folders searched recursively for `.py`
 * files (hidden folders, caches and virtual environments skipped), each listed once, in a stable order.
 * A path that does not exist, or a folder without Python files, becomes a one-line problem; the other
 * paths are still expanded, so one typo does not hide the results for the rest.
 */
export function expandPaths(paths: readonly string[], cwd: string): { files: string[]; problems: string[] } {
  const files: string[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const given of paths) {
    const absolute = path.resolve(cwd, given);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(absolute);
    } catch {
      problems.push(`${given}: no such file or directory`);
      continue;
    }
    const found = stat.isDirectory() ? pythonFilesUnder(absolute) : [absolute];
    if (stat.isDirectory() && found.length === 0) problems.push(`${given}: folder contains no Python files`);
    for (const file of found) {
      if (!seen.has(file)) {
        seen.add(file);
        files.push(file);
      }
    }
  }
  return { files, problems };
}

function pythonFilesUnder(folder: string): string[] {
  const found: string[] = [];
  const pending = [folder];
  while (pending.length > 0) {
    const directory = pending.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(directory, { withFileTypes: true });
    } catch {
      continue;
    }
    if (directory !== folder && entries.some((entry) => entry.name === VIRTUAL_ENVIRONMENT_MARKER)) continue;
    for (const entry of entries) {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) {
        if (!isSkippedDirectory(entry.name)) pending.push(full);
      } else if (entry.isFile() && entry.name.endsWith('.py')) {
        found.push(full);
      }
    }
  }
  return found.sort();
}

/**
 * Reads a file as Python source: UTF-8 (a byte-order mark is dropped), not binary. Throws `UserError`
 * with a one-line reason otherwise, naming the file as the user wrote it (`shown`).
 */
export function readSource(file: string, shown: string): string {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${shown}: no such file or directory`);
    if (code === 'EISDIR') throw new UserError(`${shown}: is a folder, not a file`);
    if (code === 'EACCES' || code === 'EPERM') throw new UserError(`${shown}: permission denied`);
    throw new UserError(`${shown}: cannot read (${code ?? 'unknown error'})`);
  }
  if (bytes.includes(0)) throw new UserError(`${shown}: binary file, not Python source`);
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    throw new UserError(`${shown}: not UTF-8 text (Python source must be UTF-8)`);
  }
}

/** How a file is named in output: relative to the working folder when inside it, else absolute. */
export function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return file;
  return relative.split(path.sep).join('/');
}
