import type { FileModel, Range } from '../analyzer/model';

/**
 * The contract every rule implements. A rule is one file under `server/src/rules/` that exports a
 * `Rule`: its metadata is the single source of truth for docs, settings, hover text and links.
 */

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** `off` or a severity: what a user may set per rule. */
export type RuleLevel = Severity | 'off';

export type AirflowMajor = 2 | 3;

export interface RuleDocs {
  whatItDoes: string;
  whyIsThisBad: string;
  /** A short Python snippet that the rule flags. */
  example: string;
  /** The same snippet written correctly. */
  useInstead: string;
  /** Why the fix is safe or not; omit when the rule has no fix. */
  fixSafety?: string;
}

/** A numeric or string threshold a user can tune (`heavy-xcom.maxPullsPerTask`). */
export interface RuleOption {
  type: 'number' | 'string' | 'boolean';
  default: number | string | boolean;
  description: string;
}

export interface RuleMeta {
  /** Stable, kebab-case, named after the pattern flagged: `dag-cycle`. */
  id: string;
  /** One line, shown in the docs index and the settings UI. */
  summary: string;
  defaultSeverity: RuleLevel;
  category: 'structure' | 'reliability' | 'operations' | 'performance' | 'security' | 'airflow3' | 'templates';
  /** `safe` fixes are applied by `dagstudio check --fix` and offered as preferred quick fixes. */
  fix: 'none' | 'safe' | 'unsafe';
  /** Message templates by id; `{name}` placeholders are filled from the finding's `args`. */
  messages: Record<string, string>;
  /** Ruff AIR codes that flag the same thing, if any. */
  ruff?: string[];
  /** Which Airflow major versions the rule applies to (default: both). */
  airflowVersions?: AirflowMajor[];
  /**
   * A default level that depends on the target Airflow version (Airflow 3 readiness rules warn when
   * the target is 3 and only hint when it is 2). Used instead of `defaultSeverity` for the versions it
   * names; a user's own level for the rule still wins.
   */
  defaultSeverityByVersion?: Partial<Record<AirflowMajor, RuleLevel>>;
  options?: Record<string, RuleOption>;
  docs: RuleDocs;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** A safe fix never changes what the DAG does beyond the rule's intent; `--fix` applies only these. */
  safe: boolean;
}

export interface RelatedLocation {
  message: string;
  range: Range;
  /** Another file (for workspace rules); absent means the same file. */
  file?: string;
}

export interface Finding {
  ruleId: string;
  message: string;
  range: Range;
  severity: Severity;
  related: RelatedLocation[];
  fixes: Fix[];
}

/** What a rule reports: a message id from its metadata and the values for its placeholders. */
export interface Report {
  messageId: string;
  args?: Record<string, string | number>;
  range: Range;
  related?: RelatedLocation[];
  fixes?: Fix[];
}

/** Settings shared by the editor and the CLI (VS Code settings or `[tool.dagstudio]`). */
export interface AnalysisConfig {
  airflowVersion: AirflowMajor;
  /** Per-rule level overrides. */
  rules: Record<string, RuleLevel>;
  /** Per-rule option values, keyed by rule id then option name. */
  options: Record<string, Record<string, number | string | boolean>>;
}

/** A DAG definition somewhere in the workspace, as the workspace index knows it. */
export interface WorkspaceDagDefinition {
  dagId: string;
  /** The file defining it (a path in the CLI, a path or URI in the server), as `RelatedLocation.file` takes it. */
  file: string;
  /** The range of the `dag_id` value, else of the DAG definition. */
  range: Range;
}

/** What workspace rules (`duplicate-dag-id`) may know beyond the file being checked. */
export interface WorkspaceView {
  /** Definitions of `dagId` in files other than the one being checked. */
  dagDefinitionsElsewhere(dagId: string): readonly WorkspaceDagDefinition[];
}

/**
 * Read access to files beside the document, for rules that follow a reference to another file (the
 * `.sql` or `.sh` template a task names). The server and the CLI provide it; rules do without it when
 * it is absent (unsaved documents, tests).
 */
export interface FileAccess {
  /** Absolute path of the document being checked. */
  readonly documentPath: string;
  /** The file's text, or null when it does not exist or cannot be read. Synchronous and cheap to repeat (implementations cache). */
  readFile(absolutePath: string): string | null;
}

export interface RuleContext {
  readonly file: FileModel;
  /** Files beside the document, when the caller can read them (see {@link FileAccess}). */
  readonly files?: FileAccess;
  /** The rest of the workspace, when the caller indexed it (the server, `dagstudio check` over several files). */
  readonly workspace?: WorkspaceView;
  /** The document text, for building minimal edits (indentation, line ends). Rules read facts from `file`, not by re-parsing. */
  readonly text: string;
  readonly config: AnalysisConfig;
  /** The option's configured value, or its default from the rule's metadata. */
  option<T extends number | string | boolean>(name: string): T;
  report(report: Report): void;
}

export interface Rule {
  meta: RuleMeta;
  check(context: RuleContext): void;
}
