import * as fs from 'node:fs';
import * as path from 'node:path';
import type { parse as ParseToml, TomlError as TomlErrorClass } from 'smol-toml' with { 'resolution-mode': 'import' };
import type { ConfigProblem, ValidatedSettings } from './validate';
import { validateSettings } from './validate';

// smol-toml ships a CommonJS build, but its type declarations are ESM-only: hence the typed require.
const { parse, TomlError } = require('smol-toml') as { parse: typeof ParseToml; TomlError: typeof TomlErrorClass };

export interface PyprojectConfig extends ValidatedSettings {
  /** False when the file has no `[tool.dagstudio]` table (settings are then empty). */
  found: boolean;
}

/**
 * Reads the `[tool.dagstudio]` table from the text of a pyproject.toml. Pure and total: invalid TOML
 * or bad values become problems with the line or key, never exceptions.
 */
export function loadPyprojectConfig(text: string): PyprojectConfig {
  let document: Record<string, unknown>;
  try {
    document = parse(text) as Record<string, unknown>;
  } catch (error) {
    const where = error instanceof TomlError ? ` at line ${error.line}, column ${error.column}` : '';
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    const problems: ConfigProblem[] = [{ key: 'pyproject.toml', message: `pyproject.toml: invalid TOML${where}: ${reason}` }];
    return { found: false, settings: {}, problems };
  }
  const tool = document['tool'];
  const table = typeof tool === 'object' && tool !== null ? (tool as Record<string, unknown>)['dagstudio'] : undefined;
  if (table === undefined) return { found: false, settings: {}, problems: [] };
  return { found: true, ...validateSettings(table, 'pyproject') };
}

const DAGSTUDIO_TABLE = /^\s*\[\s*tool\s*\.\s*dagstudio\s*[\].]/m;

/**
 * The nearest pyproject.toml at or above `startDir` that has a `[tool.dagstudio]` table, or null.
 * Like other Python tools, a pyproject.toml without our table does not stop the search.
 */
export function findNearestPyproject(startDir: string): string | null {
  let directory = path.resolve(startDir);
  for (let depth = 0; depth < 64; depth++) {
    const candidate = path.join(directory, 'pyproject.toml');
    try {
      if (fs.statSync(candidate).isFile() && DAGSTUDIO_TABLE.test(fs.readFileSync(candidate, 'utf8'))) return candidate;
    } catch {
      // Missing or unreadable: keep walking up.
    }
    const parent = path.dirname(directory);
    if (parent === directory) break;
    directory = parent;
  }
  return null;
}

/** Finds and loads the configuration that applies to files in `startDir`; null when there is none. */
export function readPyprojectConfig(startDir: string): (PyprojectConfig & { path: string }) | null {
  const found = findNearestPyproject(startDir);
  if (!found) return null;
  try {
    return { path: found, ...loadPyprojectConfig(fs.readFileSync(found, 'utf8')) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { path: found, found: false, settings: {}, problems: [{ key: found, message: `${found}: cannot read: ${reason}` }] };
  }
}
