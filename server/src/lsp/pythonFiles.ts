/**
 * Which folders a crawl for DAG files skips, shared by the workspace index and `dagstudio check DIR`:
 * hidden folders, caches and virtual environments hold thousands of Python files and never a team's DAGs.
 */
const SKIPPED_DIRECTORIES = new Set(['node_modules', '__pycache__', 'site-packages', 'dist-packages', 'venv', 'env', '.venv', '.tox', '.nox', '.git']);

/** True when a folder of this name is not searched for DAG files. */
export function isSkippedDirectory(name: string): boolean {
  return name.startsWith('.') || SKIPPED_DIRECTORIES.has(name);
}

/** A virtual environment announces itself with `pyvenv.cfg`, whatever the folder is called. */
export const VIRTUAL_ENVIRONMENT_MARKER = 'pyvenv.cfg';
