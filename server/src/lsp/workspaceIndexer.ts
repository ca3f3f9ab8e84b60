import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze } from '../analyzer/analyze';
import { parsePython, type Parser } from '../analyzer/parser';
import { DagIdIndex, indexedDags } from './dagIdIndex';
import { isSkippedDirectory, VIRTUAL_ENVIRONMENT_MARKER } from './pythonFiles';

/** Bounds so that a huge checkout never makes the server crawl for minutes or hold too much. */
const MAX_FILES = 20_000;
const MAX_FILE_BYTES = 2 * 1024 * 1024;
/** How long the indexer works before letting pending LSP messages (edits, hovers) run. */
const SLICE_MS = 4;

export interface IndexProgress {
  indexing: boolean;
  filesDone: number;
  filesTotal: number;
}

export interface WorkspaceIndexerHooks {
  /** True when the live buffer of this file is open in the editor: the buffer, not the disk, is indexed then. */
  isOpen(file: string): boolean;
  /** DAG ids whose definitions changed, batched per slice of work. */
  onDagIdsChanged(ids: ReadonlySet<string>): void;
  onProgress(progress: IndexProgress): void;
  log(message: string): void;
}

/**
 * Indexes the DAG ids of every Python file that imports airflow in the workspace folders, in the
 * background: the work is cut into slices of a few milliseconds with the event loop free in between,
 * so edits, hovers and diagnostics of open documents are served while a large folder is indexed.
 */
export class WorkspaceIndexer {
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private draining = false;
  private filesDone = 0;
  private filesTotal = 0;
  private disposed = false;

  constructor(
    readonly index: DagIdIndex,
    private readonly parser: Parser,
    private readonly hooks: WorkspaceIndexerHooks,
  ) {}

  /** Finds the Python files under `folders` and indexes them in the background. Resolves when the crawl has queued them. */
  async indexFolders(folders: readonly string[]): Promise<void> {
    const files: string[] = [];
    for (const folder of folders) await this.collectPythonFiles(folder, files);
    this.enqueue(files);
  }

  /** Queues files to be (re)read from disk, e.g. after `workspace/didChangeWatchedFiles`. */
  enqueue(files: readonly string[]): void {
    for (const file of files) {
      if (this.queued.has(file)) continue;
      this.queued.add(file);
      this.queue.push(file);
      this.filesTotal++;
    }
    if (!this.draining && this.queue.length > 0) void this.drain();
  }

  /** Forgets a deleted file or folder. */
  remove(fileOrFolder: string): void {
    const changed = this.index.remove(fileOrFolder);
    for (const id of this.index.removeUnder(fileOrFolder, path.sep)) changed.add(id);
    if (changed.size > 0) this.hooks.onDagIdsChanged(changed);
  }

  /** Resolves when the queue is empty (tests and the benchmark wait on it). */
  async idle(): Promise<void> {
    while (this.draining || this.queue.length > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  dispose(): void {
    this.disposed = true;
    this.queue.length = 0;
    this.queued.clear();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    this.hooks.onProgress({ indexing: true, filesDone: this.filesDone, filesTotal: this.filesTotal });
    let lastProgress = Date.now();
    try {
      while (this.queue.length > 0 && !this.disposed) {
        const sliceStart = performance.now();
        const changed = new Set<string>();
        while (this.queue.length > 0 && performance.now() - sliceStart < SLICE_MS) {
          const file = this.queue.shift()!;
          this.queued.delete(file);
          for (const id of await this.indexFile(file)) changed.add(id);
          this.filesDone++;
        }
        if (changed.size > 0) this.hooks.onDagIdsChanged(changed);
        if (Date.now() - lastProgress > 100) {
          lastProgress = Date.now();
          this.hooks.onProgress({ indexing: true, filesDone: this.filesDone, filesTotal: this.filesTotal });
        }
        await yieldToEventLoop();
      }
    } finally {
      this.draining = false;
      this.hooks.onProgress({ indexing: false, filesDone: this.filesDone, filesTotal: this.filesTotal });
      this.filesDone = 0;
      this.filesTotal = 0;
    }
  }

  /** Reads one file from disk and records its DAG ids; any failure just leaves the file out. */
  private async indexFile(file: string): Promise<Set<string>> {
    if (this.hooks.isOpen(file)) return new Set();
    let text: string;
    try {
      const stat = await fs.promises.stat(file);
      if (!stat.isFile() || stat.size > MAX_FILE_BYTES) return this.index.remove(file);
      text = await fs.promises.readFile(file, 'utf8');
    } catch {
      return this.index.remove(file);
    }
    // The file may have been opened while it was read; the buffer wins then.
    if (this.hooks.isOpen(file)) return new Set();
    if (!text.includes('airflow')) return this.index.remove(file);
    try {
      const tree = parsePython(this.parser, text);
      try {
        return this.index.set(file, indexedDags(analyze(tree, text)));
      } finally {
        tree.delete();
      }
    } catch (error) {
      this.hooks.log(`Indexing ${file} failed: ${error instanceof Error ? error.message : String(error)}`);
      return this.index.remove(file);
    }
  }

  private async collectPythonFiles(folder: string, out: string[]): Promise<void> {
    const pending = [folder];
    let visited = 0;
    while (pending.length > 0 && out.length < MAX_FILES && !this.disposed) {
      const directory = pending.pop()!;
      let entries: fs.Dirent[];
      try {
        entries = await fs.promises.readdir(directory, { withFileTypes: true });
      } catch {
        continue;
      }
      if (entries.some((entry) => entry.name === VIRTUAL_ENVIRONMENT_MARKER)) continue;
      for (const entry of entries) {
        const full = path.join(directory, entry.name);
        if (entry.isDirectory()) {
          if (!isSkippedDirectory(entry.name)) pending.push(full);
        } else if (entry.isFile() && entry.name.endsWith('.py')) {
          out.push(full);
          if (out.length >= MAX_FILES) {
            this.hooks.log(`Workspace index stops at ${MAX_FILES} Python files.`);
            break;
          }
        }
      }
      if (++visited % 50 === 0) await yieldToEventLoop();
    }
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
