import type { FileModel, Range } from '../analyzer/model';
import type { WorkspaceDagDefinition, WorkspaceView } from '../rules/rule';

/** One DAG definition as the index keeps it: only what workspace rules need, so 1,000 files stay small. */
export interface IndexedDag {
  dagId: string;
  range: Range;
}

/** The DAGs with a statically known id in a model, each at its `dag_id` (else its definition). */
export function indexedDags(file: FileModel): IndexedDag[] {
  if (!file.importsAirflow) return [];
  const dags: IndexedDag[] = [];
  for (const dag of file.dags) {
    if (dag.dagId === null) continue;
    dags.push({ dagId: dag.dagId, range: dag.dagIdRange ?? dag.range });
  }
  return dags;
}

/**
 * Which file defines which DAG ids, across the workspace. Keys are file paths (or URIs for documents
 * without one); values replace wholesale on each update. Every update returns the DAG ids whose set of
 * definitions changed, so the caller re-checks only the documents those ids concern.
 */
export class DagIdIndex {
  private readonly byFile = new Map<string, IndexedDag[]>();
  private readonly filesByDagId = new Map<string, Set<string>>();

  /** Replaces what `file` defines; returns the ids that gained or lost a definition. */
  set(file: string, dags: readonly IndexedDag[]): Set<string> {
    const previous = this.byFile.get(file) ?? [];
    const changed = new Set<string>();
    if (sameDefinitions(previous, dags)) return changed;
    for (const dag of previous) {
      changed.add(dag.dagId);
      const files = this.filesByDagId.get(dag.dagId);
      files?.delete(file);
      if (files && files.size === 0) this.filesByDagId.delete(dag.dagId);
    }
    if (dags.length === 0) {
      this.byFile.delete(file);
    } else {
      this.byFile.set(file, dags.map((dag) => ({ dagId: dag.dagId, range: dag.range })));
      for (const dag of dags) {
        changed.add(dag.dagId);
        let files = this.filesByDagId.get(dag.dagId);
        if (!files) this.filesByDagId.set(dag.dagId, (files = new Set()));
        files.add(file);
      }
    }
    return changed;
  }

  remove(file: string): Set<string> {
    return this.set(file, []);
  }

  /** Removes every file under `folder` (a deleted directory); returns the ids that changed. */
  removeUnder(folder: string, separator: string): Set<string> {
    const prefix = folder.endsWith(separator) ? folder : folder + separator;
    const changed = new Set<string>();
    for (const file of [...this.byFile.keys()]) {
      if (file.startsWith(prefix)) for (const id of this.remove(file)) changed.add(id);
    }
    return changed;
  }

  /** Every definition of `dagId`, ordered by file then position. */
  definitions(dagId: string): WorkspaceDagDefinition[] {
    const files = this.filesByDagId.get(dagId);
    if (!files) return [];
    const result: WorkspaceDagDefinition[] = [];
    for (const file of [...files].sort()) {
      for (const dag of this.byFile.get(file) ?? []) {
        if (dag.dagId === dagId) result.push({ dagId, file, range: dag.range });
      }
    }
    return result;
  }

  /** The view a rule gets while checking `file`: definitions in every other file. */
  viewFor(file: string): WorkspaceView {
    return {
      dagDefinitionsElsewhere: (dagId) => this.definitions(dagId).filter((definition) => definition.file !== file),
    };
  }

  has(file: string): boolean {
    return this.byFile.has(file);
  }

  get fileCount(): number {
    return this.byFile.size;
  }

  get dagCount(): number {
    let count = 0;
    for (const dags of this.byFile.values()) count += dags.length;
    return count;
  }
}

function sameDefinitions(a: readonly IndexedDag[], b: readonly IndexedDag[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((dag, index) => {
    const other = b[index]!;
    return dag.dagId === other.dagId && dag.range.start.line === other.range.start.line && dag.range.start.character === other.range.start.character
      && dag.range.end.line === other.range.end.line && dag.range.end.character === other.range.end.character;
  });
}
