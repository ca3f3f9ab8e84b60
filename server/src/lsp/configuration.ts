import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SETTINGS, mergeSettings, readPyprojectConfig, validateSettings, type ConfigProblem, type DagStudioSettings } from '../config/index';

/** The VS Code settings section the extension contributes (`dagstudio.rules.<id>`, `dagstudio.airflowVersion`…). */
export const SETTINGS_SECTION = 'dagstudio';

export interface ConfigurationSources {
  /** The `dagstudio` settings for a document (scoped, so folder settings apply), or undefined when the client cannot say. */
  editorSettings(uri: string): Promise<unknown>;
  /** Called once per distinct set of problems, so a bad value is reported once rather than on every keystroke. */
  reportProblems(problems: readonly ConfigProblem[]): void;
}

/**
 * Resolves the settings of each document the same way the CLI does: defaults, then VS Code settings,
 * then the `[tool.dagstudio]` table of the nearest pyproject.toml (the project file decides, so the
 * editor agrees with `dagstudio check` in CI). Results are cached until `invalidate()`.
 */
export class ConfigurationStore {
  private readonly byDocument = new Map<string, Promise<DagStudioSettings>>();
  private readonly reported = new Set<string>();

  constructor(private readonly sources: ConfigurationSources) {}

  settingsFor(uri: string): Promise<DagStudioSettings> {
    let settings = this.byDocument.get(uri);
    if (!settings) {
      settings = this.resolve(uri);
      this.byDocument.set(uri, settings);
    }
    return settings;
  }

  /** Forgets everything: after `workspace/didChangeConfiguration` or a pyproject.toml change. */
  invalidate(): void {
    this.byDocument.clear();
    this.reported.clear();
  }

  forget(uri: string): void {
    this.byDocument.delete(uri);
  }

  private async resolve(uri: string): Promise<DagStudioSettings> {
    const problems: ConfigProblem[] = [];
    let editor: Partial<DagStudioSettings> = {};
    try {
      const validated = validateSettings(await this.sources.editorSettings(uri), 'vscode');
      editor = validated.settings;
      problems.push(...validated.problems);
    } catch {
      // A client without workspace/configuration: editor settings stay at their defaults.
    }
    let project: Partial<DagStudioSettings> = {};
    const directory = directoryOf(uri);
    if (directory) {
      const pyproject = readPyprojectConfig(directory);
      if (pyproject) {
        project = pyproject.settings;
        problems.push(...pyproject.problems);
      }
    }
    if (problems.length > 0) {
      const key = problems.map((problem) => problem.message).join('\n');
      if (!this.reported.has(key)) {
        this.reported.add(key);
        this.sources.reportProblems(problems);
      }
    }
    return mergeSettings(DEFAULT_SETTINGS, editor, project);
  }
}

/** The folder of a `file:` URI, where the pyproject.toml search starts; null for untitled documents. */
export function directoryOf(uri: string): string | null {
  const file = filePathOf(uri);
  return file ? path.dirname(file) : null;
}

/** The file path of a `file:` URI, or null (untitled buffers, other schemes, malformed URIs). */
export function filePathOf(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return fileURLToPath(uri);
  } catch {
    return null;
  }
}
