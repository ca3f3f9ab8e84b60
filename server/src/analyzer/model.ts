/**
 * The semantic model of one Python file, as far as Airflow is concerned.
 *
 * Everything here is plain data built from the syntax tree (no tree-sitter nodes leak out), so rules,
 * the language server, the CLI and the graph panel can all read it, serialise it and compare it.
 * Positions are 0-based lines and UTF-16 columns, exactly as LSP counts them.
 */

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** Something the model could not know without running the code, with where and why. */
export interface DynamicNote {
  reason: string;
  range: Range;
}

/** A Python syntax error that tree-sitter recovered from. */
export interface SyntaxErrorFact {
  message: string;
  range: Range;
}

/** A name bound by an import statement, resolved to the fully qualified name it stands for. */
export interface ImportFact {
  /** The name usable in this file (`D` for `from airflow import DAG as D`, `sdk` for `import airflow.sdk as sdk`). */
  localName: string;
  /** What it refers to: `airflow.DAG`, `airflow.sdk`, `pendulum`. */
  qualifiedName: string;
  /** `module` for `import x`, `symbol` for `from x import y`. */
  kind: 'module' | 'symbol';
  /** The imported name's own range (for fixes that rewrite one name). */
  range: Range;
  /** The whole import statement. */
  statementRange: Range;
}

export type ExprKind =
  | 'string'
  | 'fstring'
  | 'number'
  | 'boolean'
  | 'none'
  | 'name'
  | 'attribute'
  | 'call'
  | 'dict'
  | 'list'
  | 'tuple'
  | 'binary'
  | 'other';

/**
 * An expression as the model sees it: its source text and range, plus whatever could be known
 * statically. `value` is present only when the literal value is certain (module-level constants are
 * followed; anything reassigned or computed is not).
 */
export interface ExprValue {
  kind: ExprKind;
  text: string;
  range: Range;
  /** The literal value, when statically known. */
  value?: string | number | boolean | null;
  /** For calls, names and attributes: the import-resolved qualified name (`pendulum.datetime`, `datetime.datetime.now`). */
  qualifiedName?: string;
  /** For dict literals and `dict(...)` calls: the entries with literal string keys. */
  entries?: Record<string, KeywordArgument>;
  /** For lists and tuples: the items. */
  items?: ExprValue[];
  /** When a name was followed to the module-level assignment that gave it its value: that value's range. */
  resolvedFrom?: Range;
}

/** A keyword argument (`retries=3`) or a dict entry (`"retries": 3`). */
export interface KeywordArgument {
  name: string;
  /** The whole `name=value` or `"name": value` span, for fixes that remove or replace it. */
  range: Range;
  /** The range of the key itself. */
  nameRange: Range;
  value: ExprValue;
}

/** The `default_args` of a DAG, wherever they were written. */
export interface DefaultArgs {
  /** Where the dict is written (the literal or the `dict(...)` call), possibly a module-level variable's value. */
  range: Range;
  /** `literal` for `{...}`, `dict-call` for `dict(...)`, `unknown` when it could not be followed. */
  form: 'literal' | 'dict-call' | 'unknown';
  /** The variable the DAG referred to, when it was given by name. */
  variable: string | null;
  entries: Record<string, KeywordArgument>;
  /** True when the dict is built or changed in ways the model cannot follow (`**other`, `.update`, computed keys). */
  dynamic: boolean;
}

export type TaskKind =
  | 'operator'
  | 'sensor'
  | 'taskflow'
  | 'branch'
  | 'short_circuit'
  | 'empty'
  | 'trigger_dag_run'
  | 'sql';

export interface TaskModel {
  /** The id exactly as Airflow computes it: group prefixes and `__N` suffixes included. */
  taskId: string;
  /** The id as written, before group prefixes. */
  localTaskId: string;
  /** Range of the `task_id` value, or of the TaskFlow function name when the id comes from it. */
  taskIdRange: Range | null;
  /** Short display name: `PythonOperator`, `S3KeySensor`, `@task`, `@task.branch`. */
  operator: string;
  /** The import-resolved class or decorator, when known: `airflow.providers.standard.operators.python.PythonOperator`. */
  qualifiedName: string | null;
  kind: TaskKind;
  /** True for `.partial(...).expand(...)` / `.expand_kwargs(...)` mapped tasks. */
  mapped: boolean;
  /** `setup` / `teardown` tasks (`@setup`, `.as_setup()`, `@task(setup=True)` …). */
  role: 'setup' | 'teardown' | null;
  /** The full id of the innermost TaskGroup, or null at the DAG's top level. */
  group: string | null;
  /** The expression that creates the task (operator call, TaskFlow call). */
  range: Range;
  /** Keyword arguments given to the operator (including `.partial`) or the TaskFlow decorator and `.override`. */
  args: Record<string, KeywordArgument>;
  /** The variable the task was assigned to, when there is exactly one. */
  variable: string | null;
  /** For TaskFlow tasks and `python_callable`s defined in this file: the function's name and range. */
  callable: { name: string; range: Range; bodyRange: Range } | null;
  /** True when the id could not be computed statically (it is then a best-effort placeholder). */
  dynamicId: boolean;
}

export type EdgeKind = 'explicit' | 'data' | 'group';

export interface EdgeModel {
  /** Upstream task id. */
  from: string;
  /** Downstream task id. */
  to: string;
  /** Text of a `Label("...")` on the edge. */
  label: string | null;
  /** The expression that declared the edge (the `>>` expression, the `chain(...)` call, the argument passing data). */
  range: Range;
  /** `explicit` for `>>`/`chain`/`set_*`, `data` for TaskFlow results passed on, `group` for TaskGroup edges expanded to tasks. */
  kind: EdgeKind;
  /**
   * Other expressions that declared the same edge again after `range`, in document order (a loop
   * running one declaration several times adds nothing here). Absent when the edge is declared once.
   */
  redeclarations?: Range[];
}

export interface GroupModel {
  /** Full id, parents' prefixes included (unless they set `prefix_group_id=False`). */
  groupId: string;
  localGroupId: string;
  parent: string | null;
  range: Range;
  prefixGroupId: boolean;
  /** The group's `default_args`, read as a DAG's are (a dict, `dict(...)` or a module-level variable); null when it passes none. */
  defaultArgs: DefaultArgs | null;
}

export interface DagModel {
  /** The DAG id, or null when it is computed at run time (see `dynamic`). */
  dagId: string | null;
  dagIdRange: Range | null;
  /** How it is declared: `with DAG(...)`, `x = DAG(...)`, or an `@dag` function. */
  declaration: 'with' | 'assignment' | 'decorator';
  /** The `DAG(...)` call, or the `@dag(...)` decorator. */
  range: Range;
  /** The argument list `( ... )` of that call, for fixes that insert keywords; null for a bare `@dag`. */
  argumentsRange: Range | null;
  /** For `@dag`: the decorated function. */
  functionRange: Range | null;
  /** The variable holding the DAG (`dag` in `with DAG(...) as dag`), when there is one. */
  variable: string | null;
  args: Record<string, KeywordArgument>;
  defaultArgs: DefaultArgs | null;
  /** `schedule`, else `schedule_interval`, else `timetable`: the literal string, or the source text when not a literal; null when absent. */
  schedule: string | null;
  /** Literal `catchup`, null when absent or not a literal. */
  catchup: boolean | null;
  tasks: TaskModel[];
  edges: EdgeModel[];
  groups: GroupModel[];
  dynamic: DynamicNote[];
}

/** Where a piece of code runs, which decides what rules may say about it. */
export interface CodeScope {
  /** True when the scheduler runs this code each time it parses the file (module level, DAG bodies, `@dag` and `@task_group` bodies). */
  parseTime: boolean;
  /** The TaskFlow function or `python_callable` this code belongs to (runs inside a task), if any. */
  taskCallable: string | null;
  /** The innermost enclosing function name, if any. */
  functionName: string | null;
}

/** A call expression anywhere in the file, with its callee resolved through imports. */
export interface CallFact {
  /** Import-resolved callee: `datetime.datetime.now`, `airflow.models.Variable.get`; for local names the bare name. */
  qualifiedName: string | null;
  /** The callee as written. */
  calleeText: string;
  range: Range;
  positional: ExprValue[];
  keywords: Record<string, KeywordArgument>;
  scope: CodeScope;
}

/** A function definition with its decorators resolved. */
export interface FunctionFact {
  name: string;
  range: Range;
  nameRange: Range;
  bodyRange: Range;
  /** Import-resolved decorators: `airflow.sdk.task`, `airflow.decorators.task.branch`. */
  decorators: string[];
  parameters: string[];
  /** The expressions after each `return`. */
  returns: ExprValue[];
  scope: CodeScope;
}

/** A simple assignment `name = value` (also inside functions), for rules that look at literals. */
export interface AssignmentFact {
  target: string;
  range: Range;
  value: ExprValue;
  scope: CodeScope;
}

export interface CommentFact {
  text: string;
  range: Range;
}

/** Everything the analyzer knows about one file. */
export interface FileModel {
  /** False when the file never imports airflow: the rest is then left empty, and rules are skipped. */
  importsAirflow: boolean;
  imports: ImportFact[];
  dags: DagModel[];
  /** Operators and TaskFlow calls attached to no DAG. */
  tasksWithoutDag: TaskModel[];
  calls: CallFact[];
  functions: FunctionFact[];
  assignments: AssignmentFact[];
  comments: CommentFact[];
  syntaxErrors: SyntaxErrorFact[];
  /** Dynamic constructs outside any DAG. */
  dynamic: DynamicNote[];
  /** Number of lines in the document, so consumers can bound ranges. */
  lineCount: number;
}
