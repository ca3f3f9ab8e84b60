import type {
  DagModel, DefaultArgs, DynamicNote, EdgeKind, GroupModel, KeywordArgument, Range, TaskKind, TaskModel,
} from './model';
import { detached, internedName } from './detached';
import type { ExpressionReader } from './expressions';
import { newArgumentRecord, numberLiteral, stringLiteral } from './expressions';
import { classify, shortName, type AirflowConstruct } from './names';
import { replacementsIn, startingAt, type Syn } from './syntax';

/**
 * Builds the DAG model by evaluating the module abstractly: statements run in order over a small
 * value domain (tasks, groups, DAGs, lists, literals, functions), so that variables, lists, literal
 * loops, comprehensions, helper and factory functions behave as they do when Airflow parses the
 * file. Anything whose value depends on run-time state becomes `unknown`; where that affects the
 * graph a {@link DynamicNote} says so. Work is bounded by a step budget, loop and recursion caps.
 */

/** Evaluation steps (statements and expressions) per file before the analysis stops with a note. */
const MAX_STEPS = 400_000;
/** Tasks per file before the analysis stops with a note (generated files with 5,000 tasks stay well inside). */
const MAX_TASKS = 12_000;
/** Iterations one loop or comprehension is unrolled for. */
const MAX_LOOP_ITERATIONS = 10_000;
/** Nested calls of functions defined in the file (helpers, factories, task groups). */
const MAX_CALL_DEPTH = 12;
/** Expression nesting the evaluator follows. */
const MAX_EXPRESSION_DEPTH = 120;
/** Elements a list value may hold (`range(10**9)` is not unrolled). */
const MAX_LIST_LENGTH = 10_000;

type Value =
  | { k: 'unknown' }
  | { k: 'str'; v: string }
  | { k: 'num'; v: number }
  | { k: 'bool'; v: boolean }
  | { k: 'none' }
  | { k: 'list'; items: Value[] }
  | {
    k: 'dict'; entries: Map<DictKey, Value>; syn: Syn | null; form: 'literal' | 'dict-call'; dynamic: boolean;
    /** Entries written elsewhere and merged in (`**BASE`, `dict(BASE, ...)`), as written there. */
    inherited?: Record<string, KeywordArgument>;
  }
  | { k: 'task'; task: TaskRecord }
  | { k: 'group'; group: GroupRecord }
  | { k: 'dag'; dag: DagRecord }
  | { k: 'label'; text: string | null; ups: TaskRecord[]; downs: TaskRecord[]; viaGroup: boolean }
  | { k: 'ref'; qualifiedName: string }
  | { k: 'function'; fn: FunctionValue }
  | { k: 'class'; name: string; operator: boolean }
  | { k: 'taskflow'; flow: TaskFlowValue }
  | { k: 'group-function'; fn: FunctionValue; decorator: Syn; overrides: Syn[] }
  | { k: 'dag-function'; fn: FunctionValue; decorator: Syn }
  | { k: 'partial'; operator: OperatorSpec | null; flow: TaskFlowValue | null; partialCall: Syn }
  | { k: 'bound-method'; self: Value; name: string };

/** Dict keys the model can follow: strings and numbers (`shards[i] = ...`). */
type DictKey = string | number;

type RefValue = Extract<Value, { k: 'ref' }>;

const UNKNOWN: Value = { k: 'unknown' };

/** The shared empty task list; never pushed to (see {@link TaskRecord.upstream}). */
const NO_TASKS: TaskRecord[] = [];

/** Python builtins the evaluator knows (see `callBuiltin`); a local or imported name shadows them. */
const BUILTINS = new Set(['range', 'enumerate', 'zip', 'dict', 'list', 'tuple', 'str', 'sorted', 'reversed', 'len', 'set']);

function keyOf(value: Value): DictKey | undefined {
  return value.k === 'str' || value.k === 'num' ? value.v : undefined;
}

/**
 * The value of a literal expression (a plain string, a number, `True`, `False`, `None`) exactly as
 * evaluating it gives, or null for anything else.
 */
function literalValue(node: Syn, text: string): Value | null {
  switch (node.type) {
    case 'string': {
      const literal = stringLiteral(node, text);
      return literal === null ? null : { k: 'str', v: literal };
    }
    case 'integer':
    case 'float': {
      const number = numberLiteral(node, text);
      return number === null ? null : { k: 'num', v: number };
    }
    case 'true': return TRUE;
    case 'false': return FALSE;
    case 'none': return NONE;
    default: return null;
  }
}

function keyValue(key: DictKey): Value {
  return typeof key === 'string' ? { k: 'str', v: key } : { k: 'num', v: key };
}
const NONE: Value = { k: 'none' };
/** A literal's value for keeping past this analysis: a string value gets memory of its own (see `detached`). */
function detachedValue(value: Value | null): Value | null {
  return value !== null && value.k === 'str' ? { k: 'str', v: detached(value.v) } : value;
}

const TRUE: Value = { k: 'bool', v: true };
const FALSE: Value = { k: 'bool', v: false };

interface FunctionValue {
  name: string;
  definition: Syn;
  parameters: Syn | null;
  body: Syn;
  closure: Scope;
  /** The {@link TaskModel.callable} of tasks running this function, once one does. */
  callable?: NonNullable<TaskModel['callable']>;
}

interface TaskFlowValue {
  fn: FunctionValue | null;
  decoratorName: string;
  flavour: string;
  role: 'setup' | 'teardown' | null;
  /** The decorator call's argument list, if the decorator was called (`@task(retries=2)`). */
  decoratorArguments: Syn | null;
  /** `.override(...)` argument lists, in order. */
  overrides: Syn[];
}

interface OperatorSpec {
  qualifiedName: string;
  name: string;
  kind: TaskKind;
}

interface TaskRecord {
  model: TaskModel;
  /**
   * True when `model` is a traced block's, shared with other analyses that redid the block: it is
   * copied before anything changes it (see {@link DagModelBuilder.writableModel}).
   */
  sharedModel: boolean;
  dag: DagRecord | null;
  /** The number of this task's id in its DAG ({@link DagRecord.taskIdNumbers}), or -1 outside a DAG. */
  idNumber: number;
  group: GroupRecord | null;
  /**
   * Tasks this one depends on / that depend on it, each once (edges are deduplicated before they get
   * here). {@link NO_TASKS} until the first one: most tasks have one of each, and an empty array grows
   * to room for 17 on its first push.
   */
  upstream: TaskRecord[];
  downstream: TaskRecord[];
}

interface GroupRecord {
  model: GroupModel;
  dag: DagRecord | null;
  parent: GroupRecord | null;
  /** Every task in the group, nested groups included, in creation order. */
  tasks: TaskRecord[];
  /**
   * Counts the changes that can move the group's roots and leaves: a task joining, an edge between two
   * of its tasks, a task's role. Roots and leaves are computed once per value, not once per `>>`.
   */
  shape: number;
  roots: { shape: number; tasks: readonly TaskRecord[] } | null;
  leaves: { shape: number; tasks: readonly TaskRecord[] } | null;
}

interface DagRecord {
  model: DagModel;
  /** The DAG's tasks; their models become `model.tasks` when the evaluation ends (a shared model may be replaced until then). */
  tasks: TaskRecord[];
  /**
   * Every task id in the DAG, numbered densely in order of appearance; tasks sharing an id share its
   * number, so edges can be keyed by a pair of small integers instead of a pair of strings.
   */
  taskIdNumbers: Map<string, number>;
  /** For `__N` suffixes: the highest N seen per id prefix. */
  suffixes: Map<string, number>;
  /** Group ids in the DAG; a new group's id must also avoid the task ids. */
  groupIds: Set<string>;
  /**
   * For `@task_group` functions called again: per prefix P, the highest N of the ids in the DAG (task
   * and group ids) that start with `P__` and end with `__N`. Kept as ids arrive, so a repeated group
   * needs no pass over every id.
   */
  groupSuffixes: Map<string, number>;
  /** Index in the model's edges by {@link edgeKey}. */
  edgeIndexes: Map<number, number>;
  /**
   * Per edge (same index as the model's edges): the expression that declared it, or once a second
   * one does, the {@link DagModelBuilder.spanKey}s of all of them.
   */
  edgeDeclarations: (Syn | Set<number>)[];
}

class Scope {
  readonly vars = new Map<string, Value>();
  constructor(readonly parent: Scope | null) {}

  lookup(name: string): Value | undefined {
    for (let scope: Scope | null = this; scope; scope = scope.parent) {
      const value = scope.vars.get(name);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  /** The scope `name` is found in from here, if any. */
  holderOf(name: string): Scope | null {
    for (let scope: Scope | null = this; scope; scope = scope.parent) if (scope.vars.has(name)) return scope;
    return null;
  }

  /** Whether names are looked up in `other` from here (it is this scope or an enclosing one). */
  sees(other: Scope): boolean {
    for (let scope: Scope | null = this; scope; scope = scope.parent) if (scope === other) return true;
    return false;
  }
}

/**
 * What evaluating an argument list can know from its text alone: each argument's keyword name and, for
 * literals, its value. A statement whose text did not change keeps its syntax nodes from one analysis
 * to the next (moved in place when text before it changed), so the plan is worked out once per
 * argument list node and reused while the node lives. Its values are never mutated; the fields below
 * `hasDictionarySplat` remember what the last evaluation derived, each checked before it is reused.
 */
interface ArgumentPlan {
  /** Per child: the keyword of a keyword argument with a value, else null. */
  names: (string | null)[];
  /** Per child: the value of a literal argument (a keyword argument with a name, or a positional one), else null. */
  literals: (Value | null)[];
  /** True when no keyword is given twice. */
  distinct: boolean;
  /** True when a `**mapping` is passed, which can add any keyword. */
  hasDictionarySplat: boolean;
  /**
   * The id last made for a task this call created inside a TaskGroup: the same group id and local id
   * give the same full id, which then need not be built (and hashed) again.
   */
  lastGroupId: string | null;
  lastLocalId: string | null;
  lastTaskId: string | null;
  /**
   * The ranges of the call's last task and of its `task_id` value, with their nodes. Ranges are
   * line-based, so they outlive edits elsewhere: the same node (same text) starting at the same line and
   * column has the same range, which is then shared rather than made again.
   */
  callNode: Syn | null;
  callRange: Range | null;
  idNode: Syn | null;
  idRange: Range | null;
}

/**
 * A call's arguments, evaluated. Keywords behave as in a `Map` (a repeated keyword keeps its first place
 * and its last value), but most calls only ever have a few looked up, so their values stay beside the
 * argument list's plan names and a map is made only when one is needed.
 */
class EvaluatedArguments {
  readonly positional: Value[] = [];
  /** True when `*args` / `**kwargs` passed values the evaluation could not list. */
  spread = false;
  /** False when no argument is or holds a task, so none can pass a task's result ({@link mayHoldTasks}). */
  mayPassTasks = false;
  /** Per argument (the plan's names): the keyword's value, undefined for other arguments. */
  private readonly values: (Value | undefined)[];
  private map: Map<string, Value> | null;

  constructor(readonly plan: ArgumentPlan | null) {
    this.values = plan ? new Array<Value | undefined>(plan.names.length) : [];
    // With `**mapping` the keywords are merged in order, which a map does directly.
    this.map = plan && !plan.hasDictionarySplat ? null : new Map();
  }

  /** Records the value of the argument at `index`, whose keyword the plan names. */
  setArgument(index: number, value: Value): void {
    if (this.map) this.map.set(this.plan!.names[index]!, value);
    else this.values[index] = value;
  }

  keyword(name: string): Value | undefined {
    if (this.map) return this.map.get(name);
    const names = this.plan!.names;
    for (let i = names.length - 1; i >= 0; i--) if (names[i] === name && this.values[i] !== undefined) return this.values[i];
    return undefined;
  }

  setKeyword(name: string, value: Value): void {
    this.keywordMap().set(name, value);
  }

  /** Calls `visit` for each keyword, in a map's order. */
  forEachKeyword(visit: (value: Value, name: string) => void): void {
    if (this.map || !this.plan!.distinct) {
      this.keywordMap().forEach(visit);
      return;
    }
    const names = this.plan!.names;
    for (let i = 0; i < names.length; i++) {
      const value = this.values[i];
      if (value !== undefined) visit(value, names[i]!);
    }
  }

  keywordMap(): Map<string, Value> {
    if (!this.map) {
      const map = new Map<string, Value>();
      const names = this.plan!.names;
      for (let i = 0; i < names.length; i++) {
        const value = this.values[i];
        if (value !== undefined) map.set(names[i]!, value);
      }
      this.map = map;
    }
    return this.map;
  }
}

/** Argument plans by argument list node; entries go with their nodes. */
let argumentPlans = new WeakMap<Syn, ArgumentPlan>();

/** Marks an argument list evaluated once, which has no plan yet. */
const EVALUATED_ONCE: ArgumentPlan = {
  names: [], literals: [], distinct: true, hasDictionarySplat: false,
  lastGroupId: null, lastLocalId: null, lastTaskId: null, callNode: null, callRange: null, idNode: null, idRange: null,
};

/** Forgets the argument plans (benchmarks use it to measure cold analyses). */
export function clearArgumentPlans(): void {
  argumentPlans = new WeakMap();
  edgeRanges = new WeakMap();
  blockTraces = new Map();
}

/**
 * The range of each expression that declared an edge, by node, kept from one analysis to the next as
 * task ranges are (see {@link ArgumentPlan.callRange}): most edges of a file are declared by statements a
 * keystroke left alone.
 */
let edgeRanges = new WeakMap<Syn, Range>();

/*
 * Replaying unchanged blocks. A keystroke changes one statement; the others keep their syntax nodes
 * (see `lowerTree`). Evaluating a `with` block inside a DAG — a TaskGroup with its tasks and their
 * dependencies, typically — is then redone from a trace of what it did last time, as long as the block
 * starts at the same place and everything it read from outside holds the same value. A block is only
 * traced while every effect it has is one the trace can redo: creating groups and tasks of the DAG it
 * is in, edges between its own tasks, notes, and binding names in the scope it runs in. Anything else
 * (calling a function defined in the file, TaskFlow tasks, reading a list or dict from outside…) drops
 * the trace, and the block is evaluated as usual.
 */

/** What a name read from outside a traced block held: the block behaves the same when it holds the same again. */
type TracedRead =
  | { k: 'ref'; qualifiedName: string }
  | { k: 'literal'; value: Value }
  | { k: 'function'; body: Syn; at: Range['start'] };

/** A group a traced effect refers to: one the block created (its index), or the context's (-1), or none (-2). */
type GroupSlot = number;
const CONTEXT_GROUP: GroupSlot = -1;
const NO_GROUP: GroupSlot = -2;

/** A value a traced block bound to a name: its own task or group (by index), or a value that holds no object of this analysis. */
type TracedValue = { task: number } | { group: number } | { value: Value };

type TracedEffect =
  | { op: 'group'; model: GroupModel; parent: GroupSlot }
  | { op: 'task'; model: TaskModel; group: GroupSlot }
  | { op: 'edge'; from: number; to: number; label: string | null; node: Syn; kind: EdgeKind; range: Range }
  | { op: 'bind'; name: string; value: TracedValue }
  | { op: 'note'; reason: string; node: Syn; inDag: boolean };

interface BlockTrace {
  /** Where the block started: its text is its node's, so nothing in it moved while it starts there. */
  start: Range['start'];
  /** {@link replacementsIn} the block's node: the effects refer to nodes inside it. */
  replacements: number;
  /** {@link ExpressionReader.context} (imports and constants), which task arguments are read with. */
  readerContext: string;
  /** The TaskGroup the block ran in: its id prefixes the ids made inside. */
  groupId: string | null;
  groupPrefixesIds: boolean;
  /** Names read from outside the block, and what each held (same index). */
  readNames: string[];
  reads: TracedRead[];
  effects: TracedEffect[];
  /**
   * Ids of the tasks the block creates; none may be in the DAG before it (edges are keyed by id). The
   * very strings of the task models, which become the DAG's id keys, so looking them up is quick.
   */
  taskIds: string[];
  /** Evaluation steps the block took, counted again when it is redone (see MAX_STEPS). */
  steps: number;
}

/**
 * Traces by block node, of the blocks the latest analysis that kept traces ran: the next analysis of the
 * same file redoes them, and holding no others bounds their memory by one file's blocks (old versions of
 * a statement stay in the syntax cache much longer). A block that could not be traced is marked so that
 * next time the blocks inside it are traced instead. A trace outlives the analysis that made it, so each
 * string in it is a copy of its own (see `detached`): a slice would keep that version of the document.
 */
let blockTraces = new Map<Syn, BlockTrace | typeof UNTRACEABLE>();
const UNTRACEABLE = 'untraceable';

let lastContext: { source: string; copy: string } | null = null;

/** {@link ExpressionReader.context} for keeping in traces: one copy per context (see `detached`). */
function detachedContext(context: string): string {
  if (lastContext === null || lastContext.source !== context) lastContext = { source: context, copy: detached(context) };
  return lastContext.copy;
}

/** A copy of a task's model for a trace: what it shares with the document is copied (see `detached`). */
function detachedTaskModel(model: TaskModel): TaskModel {
  // Made like every other task model (see `copyOfTask`), so that code reading tasks sees one shape.
  const copy = copyOfTask(model);
  copy.taskId = detached(model.taskId);
  copy.localTaskId = detached(model.localTaskId);
  copy.operator = detached(model.operator);
  copy.qualifiedName = model.qualifiedName === null ? null : internedName(model.qualifiedName);
  copy.group = model.group === null ? null : detached(model.group);
  copy.callable = model.callable === null ? null : { name: detached(model.callable.name), range: model.callable.range, bodyRange: model.callable.bodyRange };
  return copy;
}

/**
 * A copy of a task's model, its fields written out in the order `createOperatorTask` writes them: the
 * copy then has the same shape as the models made by evaluation, and making it is much faster than a
 * spread. (TaskModel has no optional fields, so the type check sees a field missing here.)
 */
function copyOfTask(model: TaskModel): TaskModel {
  return {
    taskId: model.taskId,
    localTaskId: model.localTaskId,
    taskIdRange: model.taskIdRange,
    operator: model.operator,
    qualifiedName: model.qualifiedName,
    kind: model.kind,
    mapped: model.mapped,
    role: model.role,
    group: model.group,
    range: model.range,
    args: model.args,
    variable: model.variable,
    callable: model.callable,
    dynamicId: model.dynamicId,
  };
}

function detachedGroupModel(model: GroupModel): GroupModel {
  return {
    ...model,
    groupId: detached(model.groupId),
    localGroupId: detached(model.localGroupId),
    parent: model.parent === null ? null : detached(model.parent),
  };
}

/** A trace being recorded while its block is evaluated. */
class BlockRecording {
  readonly reads = new Map<string, TracedRead>();
  readonly effects: TracedEffect[] = [];
  /** Names the block bound in its scope so far: reading them later reads the block's own value. */
  readonly bound = new Set<string>();
  readonly tasks = new Map<TaskRecord, number>();
  readonly groups = new Map<GroupRecord, number>();
  /** Set with {@link abandoned} when one of the block's task ids was taken before it: next time may do. */
  idTaken = false;
  /** The effects creating tasks, in the order of {@link tasks}. */
  readonly taskEffects: Extract<TracedEffect, { op: 'task' }>[] = [];
  abandoned = false;

  constructor(
    readonly scope: Scope,
    readonly dag: DagRecord,
    readonly group: GroupRecord | null,
    /** The size of the DAG's id table when the block started. */
    readonly idsBefore: number,
  ) {}

  groupSlot(group: GroupRecord | null): GroupSlot | undefined {
    if (group === this.group) return CONTEXT_GROUP;
    if (group === null) return NO_GROUP;
    return this.groups.get(group);
  }
}

type Completion = { kind: 'normal' } | { kind: 'return'; value: Value } | { kind: 'break' } | { kind: 'continue' };
const NORMAL: Completion = { kind: 'normal' };

class BudgetExceeded extends Error {}

export interface DagModelResult {
  dags: DagModel[];
  tasksWithoutDag: TaskModel[];
  dynamic: DynamicNote[];
}

interface Context {
  dag: DagRecord | null;
  group: GroupRecord | null;
  callDepth: number;
  /** True while evaluating a loop body whose iteration values are unknown. */
  inDynamicLoop: boolean;
}

/** Evaluates the module and returns the DAGs it defines. */
export function buildDagModel(root: Syn, reader: ExpressionReader, traceBlocks = false): DagModelResult {
  const builder = new DagModelBuilder(reader, traceBlocks);
  return builder.run(root);
}

class DagModelBuilder {
  private steps = 0;
  private readonly dags: DagRecord[] = [];
  private readonly orphans: TaskRecord[] = [];
  private readonly notes: DynamicNote[] = [];
  private readonly noteKeys = new Set<string>();
  private readonly module = new Scope(null);
  private context: Context = { dag: null, group: null, callDepth: 0, inDynamicLoop: false };
  private graphChanges = 0;
  private taskCount = 0;
  private readonly ambiguousVariables = new WeakSet<object>();
  private readonly refs = new Map<string, RefValue>();
  private readonly constructs = new Map<string, AirflowConstruct | null>();
  private readonly constructsWithTaskId = new Map<string, AirflowConstruct | null>();
  private readonly operatorSpecs = new Map<string, OperatorSpec>();
  private lastRangeNode: Syn | null = null;
  private lastRange: Range | null = null;
  /** The trace of the block being evaluated, while it can still be kept. */
  private recording: BlockRecording | null = null;
  /** The traces of the blocks this analysis ran, kept for the next one (see {@link blockTraces}). */
  private readonly traces = new Map<Syn, BlockTrace | typeof UNTRACEABLE>();
  private lastTracedContext: string | null = null;
  private lastTracedContextHolds = false;

  /** `traceBlocks`: keep and replay {@link BlockTrace}s (worth it when the file is analysed again and again). */
  constructor(private readonly reader: ExpressionReader, private readonly traceBlocks: boolean) {}

  run(root: Syn): DagModelResult {
    try {
      this.execBlock(root, this.module);
    } catch (error) {
      if (!(error instanceof BudgetExceeded)) throw error;
      this.note('the file is too large or loops too much to analyse completely; the model is partial', root, null);
    }
    if (this.traceBlocks) blockTraces = this.traces;
    for (const dag of this.dags) this.finishDag(dag);
    return {
      dags: this.dags.map((dag) => dag.model),
      tasksWithoutDag: this.orphans.filter((task) => task.dag === null).map((task) => task.model),
      dynamic: this.notes,
    };
  }

  // ---- bookkeeping -------------------------------------------------------------------------------

  private tick(): void {
    if (++this.steps > MAX_STEPS) throw new BudgetExceeded();
  }

  /** The range of `node`; the last one is kept, as one `a >> [b, c, d]` declares several edges at the same node. */
  private range(node: Syn): Range {
    if (node !== this.lastRangeNode) {
      this.lastRange = this.reader.lines.of(node);
      this.lastRangeNode = node;
    }
    return this.lastRange!;
  }

  /** The range of an expression declaring edges: the one an earlier analysis made while it still holds. */
  private edgeRange(node: Syn): Range {
    if (node === this.lastRangeNode) return this.lastRange!;
    const kept = edgeRanges.get(node);
    if (kept !== undefined && this.atSameStart(kept, node)) {
      this.lastRangeNode = node;
      this.lastRange = kept;
      return kept;
    }
    const range = this.range(node);
    edgeRanges.set(node, range);
    return range;
  }

  /**
   * Whether `range`, made for `node` by an earlier analysis, still holds: the node's text is unchanged
   * (it is the same node), so its range is when it starts at the same line and column.
   */
  private atSameStart(range: Range, node: Syn): boolean {
    return this.reader.lines.isAt(range.start, node.start);
  }

  /** Identifies an expression by where it is: one number per (start, end) pair of this file. */
  private spanKey(node: Syn): number {
    return node.start * (this.reader.text.length + 1) + node.end;
  }

  private text(node: Syn): string {
    return this.reader.textOf(node);
  }

  private note(reason: string, node: Syn, dag: DagRecord | null = this.context.dag): void {
    const recording = this.recording;
    if (recording !== null) {
      if (dag === recording.dag || dag === null) recording.effects.push({ op: 'note', reason: detached(reason), node, inDag: dag !== null });
      else recording.abandoned = true;
    }
    const key = `${reason}\u0000${node.start}\u0000${node.end}\u0000${dag ? this.dags.indexOf(dag) : -1}`;
    if (this.noteKeys.has(key)) return;
    this.noteKeys.add(key);
    const note = { reason, range: this.range(node) };
    if (dag) dag.model.dynamic.push(note);
    else this.notes.push(note);
  }

  private finishDag(dag: DagRecord): void {
    const model = dag.model;
    for (const task of dag.tasks) model.tasks.push(task.model);
    model.tasks.sort((a, b) => comparePositions(a.range, b.range));
  }

  // ---- statements --------------------------------------------------------------------------------

  private execBlock(block: Syn, scope: Scope): Completion {
    for (const statement of block.children) {
      const completion = this.execStatement(statement, scope);
      if (completion.kind !== 'normal') return completion;
    }
    return NORMAL;
  }

  private execStatement(statement: Syn, scope: Scope): Completion {
    this.tick();
    switch (statement.type) {
      case 'expression_statement':
        for (const expression of statement.children) this.evalStatementExpression(expression, scope);
        return NORMAL;
      case 'with_statement':
        return this.traceBlocks ? this.execTraced(statement, scope) : this.execWith(statement, scope);
      case 'for_statement':
        return this.execFor(statement, scope);
      case 'while_statement':
        return this.execWhile(statement, scope);
      case 'if_statement':
        return this.execIf(statement, scope);
      case 'try_statement':
        return this.execTry(statement, scope);
      case 'function_definition':
        this.defineFunction(statement, [], scope);
        return NORMAL;
      case 'decorated_definition': {
        const definition = statement.children[statement.children.length - 1];
        const decorators = statement.children.filter((child) => child.type === 'decorator');
        if (definition?.type === 'function_definition') this.defineFunction(definition, decorators, scope);
        else if (definition?.type === 'class_definition') this.defineClass(definition, scope);
        return NORMAL;
      }
      case 'class_definition':
        this.defineClass(statement, scope);
        return NORMAL;
      case 'return_statement': {
        const expression = statement.children[0];
        return { kind: 'return', value: expression ? this.eval(expression, scope) : NONE };
      }
      case 'break_statement':
        return { kind: 'break' };
      case 'continue_statement':
        return { kind: 'continue' };
      case 'block':
        return this.execBlock(statement, scope);
      default:
        return NORMAL;
    }
  }

  private evalStatementExpression(expression: Syn, scope: Scope): void {
    if (expression.type === 'assignment') this.execAssignment(expression, scope);
    else if (expression.type === 'augmented_assignment') this.execAugmented(expression, scope);
    else this.eval(expression, scope);
  }

  private execAssignment(assignment: Syn, scope: Scope): void {
    const [first, firstValue] = assignment.children;
    if (first && firstValue && assignment.children.length === 2 && firstValue.type !== 'assignment' && firstValue.type !== 'type') {
      // `name = value`, by far the most common, without collecting a target list.
      this.bind(first, this.eval(firstValue, scope), scope);
      return;
    }
    const targets: Syn[] = [];
    let current: Syn = assignment;
    for (let i = 0; i < 32 && current.type === 'assignment'; i++) {
      const target = current.children[0];
      const next = current.children[current.children.length - 1];
      if (!target || !next || next === target) return;
      targets.push(target);
      if (next.type === 'type') return;
      current = next;
    }
    const value = this.eval(current, scope);
    for (const target of targets) this.bind(target, value, scope);
  }

  private execAugmented(assignment: Syn, scope: Scope): void {
    // It reads and rebinds the name without evaluating an identifier.
    this.abandonTrace();
    const [target, valueNode] = assignment.children;
    if (!target || !valueNode) return;
    const value = this.eval(valueNode, scope);
    if (target.type !== 'identifier') return;
    const name = this.text(target);
    const existing = scope.lookup(name) ?? UNKNOWN;
    const op = assignment.ops?.[0];
    let result: Value = UNKNOWN;
    if (op === '+=') result = this.add(existing, value);
    if (existing.k === 'list' && result.k === 'list') {
      existing.items.splice(0, existing.items.length, ...result.items);
      return;
    }
    scope.vars.set(name, result);
  }

  private bind(target: Syn, value: Value, scope: Scope): void {
    switch (target.type) {
      case 'identifier':
        this.bindName(this.text(target), value, scope);
        return;
      case 'pattern_list':
      case 'tuple_pattern':
      case 'list_pattern':
      case 'tuple':
      case 'list':
      case 'expression_list': {
        const targets = target.children;
        const items = value.k === 'list' && value.items.length === targets.length ? value.items : null;
        targets.forEach((item, index) => this.bind(item, items ? items[index]! : UNKNOWN, scope));
        return;
      }
      case 'parenthesized_expression':
        if (target.children[0]) this.bind(target.children[0], value, scope);
        return;
      case 'subscript': {
        const [object, key] = target.children;
        if (!object) return;
        const container = this.eval(object, scope);
        if (container.k === 'dict') {
          const dictKey = key ? keyOf(this.eval(key, scope)) : undefined;
          if (dictKey !== undefined) container.entries.set(dictKey, value);
          container.dynamic = true;
        }
        return;
      }
      default:
        return;
    }
  }

  private bindName(name: string, value: Value, scope: Scope): void {
    scope.vars.set(name, value);
    if (value.k === 'task') this.nameTaskVariable(value.task, name);
    else if (value.k === 'dag') this.nameVariable(value.dag.model, name);
    if (this.recording !== null) this.traceBinding(this.recording, name, value, scope);
  }

  private nameTaskVariable(task: TaskRecord, name: string): void {
    const model = task.model;
    if (model.variable === name || (model.variable === null && this.ambiguousVariables.has(model))) return;
    this.nameVariable(this.writableModel(task), name);
  }

  /** The task's model, copied first when it is shared with other analyses (see {@link TaskRecord.sharedModel}). */
  private writableModel(task: TaskRecord): TaskModel {
    if (task.sharedModel) {
      const shared = task.model;
      task.model = copyOfTask(shared);
      task.sharedModel = false;
      if (this.ambiguousVariables.has(shared)) this.ambiguousVariables.add(task.model);
    }
    return task.model;
  }

  /** Records the variable holding a task or DAG; one held by several different names has none. */
  private nameVariable(model: { variable: string | null }, name: string): void {
    if (model.variable === name || (model.variable === null && this.ambiguousVariables.has(model))) return;
    if (model.variable === null) {
      model.variable = name;
    } else {
      model.variable = null;
      this.ambiguousVariables.add(model);
    }
  }

  private execWith(statement: Syn, scope: Scope): Completion {
    const clause = statement.children.find((child) => child.type === 'with_clause');
    const body = statement.children.find((child) => child.type === 'block');
    const saved = this.context;
    let dag = saved.dag;
    let group = saved.group;
    try {
      for (const item of clause?.children ?? []) {
        let expression = item.children[0];
        let target: Syn | undefined;
        if (expression?.type === 'as_pattern') {
          target = expression.children[1]?.children[0] ?? expression.children[1];
          expression = expression.children[0];
        }
        if (!expression) continue;
        const value = this.eval(expression, scope, 0, 'with');
        if (value.k === 'dag') {
          dag = value.dag;
          group = null;
        } else if (value.k === 'group') {
          group = value.group;
          dag = value.group.dag ?? dag;
        }
        if (target) this.bind(target, value, scope);
        // Later items of the same `with` already run inside the earlier ones (`with DAG(...) as d, TaskGroup("g"):`).
        this.context = { ...saved, dag, group };
      }
      return body ? this.execBlock(body, scope) : NORMAL;
    } finally {
      this.context = saved;
    }
  }

  // ---- traced blocks (see BlockTrace) -----------------------------------------------------------

  private abandonTrace(): void {
    if (this.recording !== null) this.recording.abandoned = true;
  }

  /** A `with` statement inside a DAG: replayed from its trace when that still holds, else evaluated and traced. */
  private execTraced(statement: Syn, scope: Scope): Completion {
    const context = this.context;
    const dag = context.dag;
    if (this.recording !== null || dag === null || context.inDynamicLoop) return this.execWith(statement, scope);
    const trace = this.traces.get(statement) ?? blockTraces.get(statement);
    if (trace === UNTRACEABLE) {
      this.traces.set(statement, UNTRACEABLE);
      return this.execWith(statement, scope);
    }
    if (trace !== undefined && this.canReplay(trace, statement, scope, dag)) {
      this.traces.set(statement, trace);
      this.replay(trace, scope, dag);
      return NORMAL;
    }
    const recording = new BlockRecording(scope, dag, context.group, dag.taskIdNumbers.size);
    const stepsBefore = this.steps;
    this.recording = recording;
    let completion: Completion;
    try {
      completion = this.execWith(statement, scope);
    } finally {
      this.recording = null;
    }
    if (recording.abandoned || completion.kind !== 'normal') {
      if (!recording.idTaken) this.traces.set(statement, UNTRACEABLE);
      return completion;
    }
    // The tasks' models as the block leaves them: a replay shares them, and copies one before a later
    // statement changes it.
    const taskIds: string[] = [];
    for (const [task, index] of recording.tasks) {
      const model = detachedTaskModel(task.model);
      recording.taskEffects[index]!.model = model;
      taskIds.push(model.taskId);
    }
    this.traces.set(statement, {
      start: this.reader.lines.position(statement.start),
      replacements: replacementsIn(statement),
      readerContext: detachedContext(this.reader.context),
      groupId: context.group === null ? null : detached(context.group.model.groupId),
      groupPrefixesIds: context.group?.model.prefixGroupId ?? true,
      readNames: [...recording.reads.keys()],
      reads: [...recording.reads.values()],
      effects: recording.effects,
      taskIds,
      steps: this.steps - stepsBefore,
    });
    return completion;
  }

  private canReplay(trace: BlockTrace, statement: Syn, scope: Scope, dag: DagRecord): boolean {
    const group = this.context.group;
    if (!this.reader.lines.isAt(trace.start, statement.start) || replacementsIn(statement) !== trace.replacements) return false;
    if (!this.inSameContext(trace.readerContext)) return false;
    if ((group?.model.groupId ?? null) !== trace.groupId || (group?.model.prefixGroupId ?? true) !== trace.groupPrefixesIds) return false;
    if (this.steps + trace.steps > MAX_STEPS || this.taskCount + trace.taskIds.length > MAX_TASKS) return false;
    const { taskIds, readNames, reads } = trace;
    for (let i = 0; i < taskIds.length; i++) if (dag.taskIdNumbers.has(taskIds[i]!)) return false;
    for (let i = 0; i < reads.length; i++) if (!this.readsAsBefore(reads[i]!, this.valueOfName(readNames[i]!, scope))) return false;
    return true;
  }

  /**
   * Whether a trace's reader context is this analysis' one. The traces made by one analysis share one
   * copy of it, so the comparison of the text is made once for them all.
   */
  private inSameContext(readerContext: string): boolean {
    if (readerContext !== this.lastTracedContext) {
      this.lastTracedContext = readerContext;
      this.lastTracedContextHolds = readerContext === this.reader.context;
    }
    return this.lastTracedContextHolds;
  }

  private readsAsBefore(read: TracedRead, value: Value): boolean {
    switch (read.k) {
      case 'ref':
        return value.k === 'ref' && value.qualifiedName === read.qualifiedName;
      case 'literal':
        return value.k === read.value.k && (value as { v?: unknown }).v === (read.value as { v?: unknown }).v;
      case 'function':
        return value.k === 'function' && value.fn.body === read.body && this.reader.lines.isAt(read.at, value.fn.definition.start);
    }
  }

  /** Redoes what the block did, in the same order, on this analysis' DAG, groups and scope. */
  private replay(trace: BlockTrace, scope: Scope, dag: DagRecord): void {
    this.steps += trace.steps;
    const tasks: TaskRecord[] = [];
    const groups: GroupRecord[] = [];
    const groupIn = (slot: GroupSlot) => (slot === CONTEXT_GROUP ? this.context.group : slot === NO_GROUP ? null : groups[slot]!);
    const effects = trace.effects;
    for (let i = 0; i < effects.length; i++) {
      const effect = effects[i]!;
      switch (effect.op) {
        case 'group':
          groups.push(this.addGroup(effect.model, dag, groupIn(effect.parent)));
          break;
        case 'task':
          tasks.push(this.registerTask(effect.model, dag, groupIn(effect.group), true));
          break;
        case 'edge':
          // The block starts where it did, so the range the edge had then still holds.
          this.addEdge(tasks[effect.from]!, tasks[effect.to]!, effect.label, effect.node, effect.kind, effect.range);
          break;
        case 'bind': {
          const traced = effect.value;
          const value: Value = 'task' in traced ? { k: 'task', task: tasks[traced.task]! }
            : 'group' in traced ? { k: 'group', group: groups[traced.group]! }
            : traced.value.k === 'ref' ? this.ref(traced.value.qualifiedName) : traced.value;
          this.bindName(effect.name, value, scope);
          break;
        }
        case 'note':
          this.note(effect.reason, effect.node, effect.inDag ? dag : null);
          break;
      }
    }
  }

  /** Notes a name the block reads from outside, or drops the trace when its value cannot be compared next time. */
  private traceRead(recording: BlockRecording, name: string, value: Value, scope: Scope): void {
    if (recording.abandoned || recording.reads.has(name)) return;
    const holder = scope.holderOf(name);
    // Bound by the block itself: in its scope, or in a comprehension's inside it.
    if (holder !== null && (holder === recording.scope ? recording.bound.has(name) : !recording.scope.sees(holder))) return;
    let read: TracedRead;
    switch (value.k) {
      case 'ref':
        read = { k: 'ref', qualifiedName: detached(value.qualifiedName) };
        break;
      case 'str':
        read = { k: 'literal', value: { k: 'str', v: detached(value.v) } };
        break;
      case 'num':
      case 'bool':
      case 'none':
      case 'unknown':
        read = { k: 'literal', value };
        break;
      case 'function':
        read = { k: 'function', body: value.fn.body, at: this.reader.lines.position(value.fn.definition.start) };
        break;
      default:
        // Lists, dicts, tasks… from outside may have changed in ways a comparison cannot see.
        recording.abandoned = true;
        return;
    }
    recording.reads.set(detached(name), read);
  }

  private traceBinding(recording: BlockRecording, name: string, value: Value, scope: Scope): void {
    if (recording.abandoned) return;
    if (scope !== recording.scope) {
      // A comprehension's variables stay inside it; a binding in an enclosing scope is not traced.
      if (recording.scope.sees(scope)) recording.abandoned = true;
      return;
    }
    let traced: TracedValue | undefined;
    switch (value.k) {
      case 'task': {
        const index = recording.tasks.get(value.task);
        traced = index === undefined ? undefined : { task: index };
        break;
      }
      case 'group': {
        const index = recording.groups.get(value.group);
        traced = index === undefined ? undefined : { group: index };
        break;
      }
      case 'str':
        traced = { value: { k: 'str', v: detached(value.v) } };
        break;
      case 'ref':
        traced = { value: { k: 'ref', qualifiedName: detached(value.qualifiedName) } };
        break;
      case 'num':
      case 'bool':
      case 'none':
      case 'unknown':
        traced = { value };
        break;
      default:
        traced = undefined;
    }
    if (traced === undefined) {
      recording.abandoned = true;
      return;
    }
    recording.bound.add(name);
    recording.effects.push({ op: 'bind', name: detached(name), value: traced });
  }

  private traceTask(recording: BlockRecording, task: TaskRecord): void {
    if (recording.abandoned) return;
    const slot = recording.groupSlot(task.group);
    const known = task.dag === recording.dag ? recording.dag.taskIdNumbers.get(task.model.taskId) : undefined;
    if (task.dag !== recording.dag || slot === undefined) {
      recording.abandoned = true;
      return;
    }
    // Edges are keyed by task id: a task sharing its id with one from before the block is linked to that
    // one's edges. That passes with the other task (a duplicate id being typed), so the block stays traceable.
    if (known !== undefined && known < recording.idsBefore) {
      recording.abandoned = true;
      recording.idTaken = true;
      return;
    }
    recording.tasks.set(task, recording.tasks.size);
    // The model is copied when the block ends, with the variable its names gave it (see `execTraced`).
    const effect: Extract<TracedEffect, { op: 'task' }> = { op: 'task', model: task.model, group: slot };
    recording.effects.push(effect);
    recording.taskEffects.push(effect);
  }

  private traceGroup(recording: BlockRecording, model: GroupModel, dag: DagRecord | null, parent: GroupRecord | null, addSuffix: boolean): void {
    if (recording.abandoned) return;
    const slot = recording.groupSlot(parent);
    // A suffixed id depends on the ids already in the DAG; `default_args` hold expressions read from the
    // document, which a trace must not keep (traces keep no version of the document alive).
    if (addSuffix || dag !== recording.dag || slot === undefined || model.defaultArgs !== null) {
      recording.abandoned = true;
      return;
    }
    recording.effects.push({ op: 'group', model: detachedGroupModel(model), parent: slot });
  }

  private traceEdge(recording: BlockRecording, from: TaskRecord, to: TaskRecord, label: string | null, node: Syn, kind: EdgeKind): void {
    if (recording.abandoned) return;
    const fromIndex = recording.tasks.get(from);
    const toIndex = recording.tasks.get(to);
    if (fromIndex === undefined || toIndex === undefined) {
      recording.abandoned = true;
      return;
    }
    recording.effects.push({ op: 'edge', from: fromIndex, to: toIndex, label: label === null ? null : detached(label), node, kind, range: this.edgeRange(node) });
  }

  private iterate(value: Value): Value[] | null {
    if (value.k === 'list') return value.items;
    if (value.k === 'dict') return [...value.entries.keys()].map(keyValue);
    if (value.k === 'str') return [...value.v].map((ch) => ({ k: 'str', v: ch }));
    return null;
  }

  private execFor(statement: Syn, scope: Scope): Completion {
    const [target, iterable] = statement.children;
    const body = statement.children.find((child) => child.type === 'block');
    if (!target || !iterable || !body) return NORMAL;
    const items = this.iterate(this.eval(iterable, scope));
    if (items === null || items.length > MAX_LOOP_ITERATIONS) {
      return this.runOnceDynamically(statement, `the loop over \`${clip(this.text(iterable))}\` cannot be unrolled statically; its body was analysed once with unknown values`, () => {
        this.bind(target, UNKNOWN, scope);
        const completion = this.execBlock(body, scope);
        return completion.kind === 'return' ? completion : NORMAL;
      });
    }
    for (const item of items) {
      this.bind(target, item, scope);
      const completion = this.execBlock(body, scope);
      if (completion.kind === 'break') break;
      if (completion.kind === 'return') return completion;
    }
    const orelse = statement.children.find((child) => child.type === 'else_clause');
    const elseBlock = orelse?.children.find((child) => child.type === 'block');
    return elseBlock ? this.execBlock(elseBlock, scope) : NORMAL;
  }

  private execWhile(statement: Syn, scope: Scope): Completion {
    const body = statement.children.find((child) => child.type === 'block');
    if (!body) return NORMAL;
    return this.runOnceDynamically(statement, 'a `while` loop cannot be unrolled statically; its body was analysed once', () => {
      const completion = this.execBlock(body, scope);
      return completion.kind === 'return' ? completion : NORMAL;
    });
  }

  /** Runs `body` once; when it changed the graph, notes that what it built depends on run-time values. */
  private runOnceDynamically(node: Syn, reason: string, body: () => Completion): Completion {
    const before = this.graphChanges;
    const saved = this.context;
    this.context = { ...saved, inDynamicLoop: true };
    try {
      return body();
    } finally {
      this.context = saved;
      if (this.graphChanges !== before) this.note(reason, node);
    }
  }

  private execIf(statement: Syn, scope: Scope): Completion {
    const branches: { condition: Syn | null; block: Syn }[] = [];
    const [condition] = statement.children;
    const consequence = statement.children.find((child) => child.type === 'block');
    if (condition && consequence) branches.push({ condition, block: consequence });
    for (const clause of statement.children) {
      if (clause.type === 'elif_clause') {
        const block = clause.children.find((child) => child.type === 'block');
        if (clause.children[0] && block) branches.push({ condition: clause.children[0], block });
      } else if (clause.type === 'else_clause') {
        const block = clause.children.find((child) => child.type === 'block');
        if (block) branches.push({ condition: null, block });
      }
    }
    const undecided: Syn[] = [];
    for (const branch of branches) {
      const truth = branch.condition ? this.truthiness(this.eval(branch.condition, scope)) : true;
      if (truth === false) continue;
      if (truth === true && undecided.length === 0) return this.execBlock(branch.block, scope);
      undecided.push(branch.block);
      if (truth === true) break;
    }
    if (undecided.length === 0) return NORMAL;
    const before = this.graphChanges;
    let result: Completion = NORMAL;
    let everyBranchReturns = branches[branches.length - 1]?.condition === null;
    for (const block of undecided) {
      const completion = this.execBlock(block, scope);
      if (completion.kind === 'return' && result.kind === 'normal') result = completion;
      if (completion.kind !== 'return') everyBranchReturns = false;
    }
    if (this.graphChanges !== before && condition) {
      this.note(`the condition \`${clip(this.text(condition))}\` cannot be decided statically; every branch was analysed`, statement);
    }
    // Code after the `if` runs unless every possible branch returned; then the first return stands for them.
    return everyBranchReturns ? result : NORMAL;
  }

  private execTry(statement: Syn, scope: Scope): Completion {
    for (const child of statement.children) {
      if (child.type === 'block') {
        const completion = this.execBlock(child, scope);
        if (completion.kind !== 'normal') return completion;
      } else if (child.type === 'else_clause' || child.type === 'finally_clause') {
        const block = child.children.find((grandchild) => grandchild.type === 'block');
        if (block) {
          const completion = this.execBlock(block, scope);
          if (completion.kind !== 'normal') return completion;
        }
      }
    }
    return NORMAL;
  }

  private defineFunction(definition: Syn, decorators: Syn[], scope: Scope): void {
    this.abandonTrace();
    const [nameNode] = definition.children;
    const body = definition.children.find((child) => child.type === 'block');
    if (!nameNode || nameNode.type !== 'identifier' || !body) return;
    const fn: FunctionValue = {
      name: this.text(nameNode),
      definition: decorators.length ? startingAt(definition, decorators[0]!.start) : definition,
      parameters: definition.children.find((child) => child.type === 'parameters') ?? null,
      body,
      closure: scope,
    };
    let value: Value = { k: 'function', fn };
    // Decorators apply bottom-up.
    for (let i = decorators.length - 1; i >= 0; i--) value = this.applyDecorator(decorators[i]!, value, scope);
    scope.vars.set(fn.name, value);
  }

  private applyDecorator(decorator: Syn, target: Value, scope: Scope): Value {
    const expression = decorator.children[0];
    if (!expression) return UNKNOWN;
    const called = expression.type === 'call';
    const callee = called ? expression.children[0] : expression;
    const argumentList = called ? expression.children[1] ?? null : null;
    if (!callee) return UNKNOWN;
    const decoratorValue = this.eval(callee, scope);
    const construct = this.constructOf(decoratorValue);
    const fn = target.k === 'function' ? target.fn : target.k === 'taskflow' ? target.flow.fn : null;
    switch (construct?.kind) {
      case 'task-decorator':
        if (!fn) return target;
        return {
          k: 'taskflow',
          flow: {
            fn,
            decoratorName: decoratorValue.k === 'ref' ? decoratorValue.qualifiedName : this.text(callee),
            flavour: construct.flavour,
            role: target.k === 'taskflow' ? target.flow.role : null,
            decoratorArguments: argumentList,
            overrides: [],
          },
        };
      case 'setup-decorator':
      case 'teardown-decorator': {
        const role = construct.kind === 'setup-decorator' ? 'setup' : 'teardown';
        if (target.k === 'taskflow') return { k: 'taskflow', flow: { ...target.flow, role } };
        if (!fn) return target;
        return {
          k: 'taskflow',
          flow: { fn, decoratorName: this.text(callee), flavour: 'python', role, decoratorArguments: argumentList, overrides: [] },
        };
      }
      case 'task-group-decorator':
        return fn ? { k: 'group-function', fn, decorator, overrides: [] } : target;
      case 'dag-decorator':
        return fn ? { k: 'dag-function', fn, decorator } : target;
      default:
        // Unknown decorators usually wrap and return the function (functools.wraps style).
        return target;
    }
  }

  private defineClass(definition: Syn, scope: Scope): void {
    this.abandonTrace();
    const [nameNode] = definition.children;
    if (!nameNode) return;
    const name = this.text(nameNode);
    const bases = definition.children.find((child) => child.type === 'argument_list');
    let operator = /(Operator|Sensor)(Async)?$/.test(name);
    for (const base of bases?.children ?? []) {
      const value = this.eval(base, scope);
      if (value.k === 'class' && value.operator) operator = true;
      if (value.k === 'ref' && /(Operator|Sensor)(Async)?$/.test(value.qualifiedName)) operator = true;
    }
    scope.vars.set(name, { k: 'class', name, operator });
  }

  // ---- expressions -------------------------------------------------------------------------------

  private valueOfName(name: string, scope: Scope): Value {
    const found = scope.lookup(name);
    if (found !== undefined) return found;
    const imported = this.reader.imports.get(name);
    if (imported !== undefined) return this.ref(imported);
    return BUILTINS.has(name) ? this.ref(name) : UNKNOWN;
  }

  /** The value standing for a qualified name; one per name, as every use of an import evaluates to it. */
  private ref(qualifiedName: string): RefValue {
    let value = this.refs.get(qualifiedName);
    if (value === undefined) {
      value = { k: 'ref', qualifiedName };
      this.refs.set(qualifiedName, value);
    }
    return value;
  }

  private constructOf(value: Value, hasTaskId = false): AirflowConstruct | null {
    if (value.k !== 'ref') return null;
    // Memoised here: `classify` builds a string key per call, and every task evaluates its operator's name.
    const known = hasTaskId ? this.constructsWithTaskId : this.constructs;
    let construct = known.get(value.qualifiedName);
    if (construct === undefined) {
      construct = classify(value.qualifiedName, hasTaskId);
      known.set(value.qualifiedName, construct);
    }
    return construct;
  }

  private truthiness(value: Value): boolean | null {
    switch (value.k) {
      case 'bool': return value.v;
      case 'num': return value.v !== 0;
      case 'str': return value.v.length > 0;
      case 'none': return false;
      case 'list': return value.items.length > 0;
      case 'task': case 'group': case 'dag': case 'function': case 'taskflow': return true;
      default: return null;
    }
  }

  private eval(node: Syn, scope: Scope, depth = 0, position: 'with' | 'value' = 'value'): Value {
    this.tick();
    if (depth > MAX_EXPRESSION_DEPTH) return UNKNOWN;
    // Cases are tried in order: the most frequent types come first.
    switch (node.type) {
      case 'call':
        return this.evalCall(node, scope, depth, position);
      case 'identifier': {
        const name = this.text(node);
        const value = this.valueOfName(name, scope);
        if (this.recording !== null) this.traceRead(this.recording, name, value, scope);
        return value;
      }
      case 'string':
      case 'concatenated_string': {
        const literal = stringLiteral(node, this.reader.text);
        if (literal !== null) return { k: 'str', v: literal };
        return this.evalFString(node, scope, depth);
      }
      case 'integer':
      case 'float': {
        const number = numberLiteral(node, this.reader.text);
        return number === null ? UNKNOWN : { k: 'num', v: number };
      }
      case 'true': return { k: 'bool', v: true };
      case 'false': return { k: 'bool', v: false };
      case 'none': return NONE;
      case 'parenthesized_expression':
        return node.children[0] ? this.eval(node.children[0], scope, depth + 1, position) : UNKNOWN;
      case 'list':
      case 'tuple':
      case 'set':
      case 'expression_list': {
        const items: Value[] = [];
        for (const child of node.children) {
          if (child.type === 'list_splat') {
            const inner = child.children[0] ? this.iterate(this.eval(child.children[0], scope, depth + 1)) : null;
            if (inner) items.push(...inner);
            else items.push(UNKNOWN);
          } else {
            items.push(this.eval(child, scope, depth + 1));
          }
        }
        return { k: 'list', items };
      }
      case 'dictionary':
        return this.evalDict(node, scope, depth);
      case 'list_comprehension':
      case 'generator_expression':
      case 'set_comprehension':
        return this.evalComprehension(node, scope, depth);
      case 'dictionary_comprehension':
        return this.evalComprehension(node, scope, depth);
      case 'binary_operator':
        return this.evalBinary(node, scope, depth);
      case 'unary_operator': {
        const number = numberLiteral(node, this.reader.text);
        if (number !== null) return { k: 'num', v: number };
        if (node.children[0]) this.eval(node.children[0], scope, depth + 1);
        return UNKNOWN;
      }
      case 'not_operator': {
        const inner = node.children[0] ? this.truthiness(this.eval(node.children[0], scope, depth + 1)) : null;
        return inner === null ? UNKNOWN : { k: 'bool', v: !inner };
      }
      case 'boolean_operator':
        return this.evalBooleanOperator(node, scope, depth);
      case 'comparison_operator':
        return this.evalComparison(node, scope, depth);
      case 'conditional_expression': {
        const [whenTrue, condition, whenFalse] = node.children;
        if (!whenTrue || !condition || !whenFalse) return UNKNOWN;
        const truth = this.truthiness(this.eval(condition, scope, depth + 1));
        if (truth === true) return this.eval(whenTrue, scope, depth + 1);
        if (truth === false) return this.eval(whenFalse, scope, depth + 1);
        this.eval(whenTrue, scope, depth + 1);
        this.eval(whenFalse, scope, depth + 1);
        return UNKNOWN;
      }
      case 'attribute':
        return this.evalAttribute(node, scope, depth);
      case 'subscript':
        return this.evalSubscript(node, scope, depth);
      case 'named_expression': {
        const [target, value] = node.children;
        if (!target || !value) return UNKNOWN;
        const result = this.eval(value, scope, depth + 1);
        this.bind(target, result, scope);
        return result;
      }
      case 'lambda':
      case 'await':
        return UNKNOWN;
      default:
        for (const child of node.children) this.eval(child, scope, depth + 1);
        return UNKNOWN;
    }
  }

  private evalFString(node: Syn, scope: Scope, depth: number): Value {
    if (node.type === 'concatenated_string') {
      let result = '';
      for (const part of node.children) {
        const value = this.eval(part, scope, depth + 1);
        if (value.k !== 'str') return UNKNOWN;
        result += value.v;
      }
      return { k: 'str', v: result };
    }
    const raw = this.reader.text.slice(node.start, node.end);
    const match = /^([A-Za-z]*)('''|"""|'|")/.exec(raw);
    if (!match || !match[1]!.toLowerCase().includes('f') || match[1]!.toLowerCase().includes('b')) return UNKNOWN;
    const quote = match[2]!;
    let offset = node.start + match[0].length;
    const bodyEnd = node.end - quote.length;
    let result = '';
    let known = true;
    for (const interpolation of node.children) {
      if (interpolation.type !== 'interpolation') continue;
      result += unescapeFStringText(this.reader.text.slice(offset, interpolation.start));
      offset = interpolation.end;
      const [expression, ...rest] = interpolation.children;
      if (!expression) { known = false; continue; }
      const value = this.eval(expression, scope, depth + 1);
      const spec = rest.find((child) => child.type === 'format_specifier');
      const conversion = rest.find((child) => child.type === 'type_conversion');
      const formatted = formatValue(value, spec ? this.text(spec).replace(/^:/, '') : '', conversion ? this.text(conversion) : '');
      if (formatted === null) known = false;
      else result += formatted;
    }
    result += unescapeFStringText(this.reader.text.slice(offset, Math.max(offset, bodyEnd)));
    return known ? { k: 'str', v: result } : UNKNOWN;
  }

  private evalDict(node: Syn, scope: Scope, depth: number): Value {
    const entries = new Map<DictKey, Value>();
    let dynamic = false;
    let inherited: Record<string, KeywordArgument> | undefined;
    for (const child of node.children) {
      if (child.type === 'pair') {
        const [key, value] = child.children;
        if (!key || !value) continue;
        const dictKey = keyOf(this.eval(key, scope, depth + 1));
        const itemValue = this.eval(value, scope, depth + 1);
        if (dictKey !== undefined) entries.set(dictKey, itemValue);
        else dynamic = true;
      } else if (child.type === 'dictionary_splat') {
        const inner = child.children[0] ? this.eval(child.children[0], scope, depth + 1) : UNKNOWN;
        if (inner.k === 'dict') {
          for (const [key, value] of inner.entries) entries.set(key, value);
          inherited = { ...inherited, ...this.writtenEntries(inner) };
          dynamic ||= inner.dynamic || !inner.syn;
        } else {
          dynamic = true;
        }
      }
    }
    return { k: 'dict', entries, syn: node, form: 'literal', dynamic, ...(inherited ? { inherited } : {}) };
  }

  /** The entries of a dict value as written in the file, merged ones first. */
  private writtenEntries(dict: Extract<Value, { k: 'dict' }>): Record<string, KeywordArgument> {
    if (!dict.syn) return { ...dict.inherited };
    const own = dict.form === 'literal' ? this.reader.dictEntries(dict.syn) : this.reader.keywords(dict.syn);
    return { ...dict.inherited, ...own };
  }

  private evalComprehension(node: Syn, scope: Scope, depth: number): Value {
    const [body, ...clauses] = node.children;
    if (!body) return UNKNOWN;
    const inner = new Scope(scope);
    const results: Value[] = [];
    const entries = new Map<DictKey, Value>();
    let unrolled = true;
    const run = (index: number): void => {
      if (results.length > MAX_LIST_LENGTH) { unrolled = false; return; }
      const clause = clauses[index];
      if (!clause) {
        if (body.type === 'pair') {
          const [keyNode, valueNode] = body.children;
          const key = keyNode ? keyOf(this.eval(keyNode, inner, depth + 1)) : undefined;
          const value = valueNode ? this.eval(valueNode, inner, depth + 1) : UNKNOWN;
          if (key === undefined) unrolled = false;
          else entries.set(key, value);
          results.push(value);
        } else {
          results.push(this.eval(body, inner, depth + 1));
        }
        return;
      }
      if (clause.type === 'for_in_clause') {
        const [target, iterable] = clause.children;
        if (!target || !iterable) return;
        const items = this.iterate(this.eval(iterable, inner, depth + 1));
        if (items === null || items.length > MAX_LOOP_ITERATIONS) {
          unrolled = false;
          const saved = this.context;
          const before = this.graphChanges;
          this.context = { ...saved, inDynamicLoop: true };
          try {
            this.bind(target, UNKNOWN, inner);
            run(index + 1);
          } finally {
            this.context = saved;
          }
          if (this.graphChanges !== before) {
            this.note(`the comprehension over \`${clip(this.text(iterable))}\` cannot be unrolled statically; it was analysed once`, node);
          }
          return;
        }
        for (const item of items) {
          this.bind(target, item, inner);
          run(index + 1);
        }
      } else if (clause.type === 'if_clause') {
        const condition = clause.children[0];
        const truth = condition ? this.truthiness(this.eval(condition, inner, depth + 1)) : null;
        if (truth === false) return;
        if (truth === null) unrolled = false;
        run(index + 1);
      } else {
        run(index + 1);
      }
    };
    run(0);
    if (!unrolled) return UNKNOWN;
    return body.type === 'pair' ? { k: 'dict', entries, syn: null, form: 'literal', dynamic: false } : { k: 'list', items: results };
  }

  private add(left: Value, right: Value): Value {
    if (left.k === 'str' && right.k === 'str') return { k: 'str', v: left.v + right.v };
    if (left.k === 'num' && right.k === 'num') return { k: 'num', v: left.v + right.v };
    if (left.k === 'list' && right.k === 'list') return { k: 'list', items: [...left.items, ...right.items] };
    return UNKNOWN;
  }

  private evalBinary(node: Syn, scope: Scope, depth: number): Value {
    const [leftNode, rightNode] = node.children;
    const op = node.ops?.[0];
    if (!leftNode || !rightNode) return UNKNOWN;
    const left = this.eval(leftNode, scope, depth + 1);
    const right = this.eval(rightNode, scope, depth + 1);
    switch (op) {
      case '>>':
        this.connect(left, right, node, null, leftNode, rightNode);
        return right;
      case '<<':
        this.connect(right, left, node, null, rightNode, leftNode);
        return right;
      case '+':
        return this.add(left, right);
      case '-':
        return left.k === 'num' && right.k === 'num' ? { k: 'num', v: left.v - right.v } : UNKNOWN;
      case '*':
        if (left.k === 'num' && right.k === 'num') return { k: 'num', v: left.v * right.v };
        if (left.k === 'str' && right.k === 'num' && right.v >= 0 && right.v * left.v.length < 10_000) return { k: 'str', v: left.v.repeat(right.v) };
        return UNKNOWN;
      case '//':
        return left.k === 'num' && right.k === 'num' && right.v !== 0 ? { k: 'num', v: Math.floor(left.v / right.v) } : UNKNOWN;
      case '%':
        if (left.k === 'str') return percentFormat(left.v, right);
        return left.k === 'num' && right.k === 'num' && right.v !== 0 ? { k: 'num', v: ((left.v % right.v) + right.v) % right.v } : UNKNOWN;
      default:
        return UNKNOWN;
    }
  }

  private evalBooleanOperator(node: Syn, scope: Scope, depth: number): Value {
    const [leftNode, rightNode] = node.children;
    if (!leftNode || !rightNode) return UNKNOWN;
    const left = this.eval(leftNode, scope, depth + 1);
    const truth = this.truthiness(left);
    const op = node.ops?.[0];
    if (truth === null) {
      this.eval(rightNode, scope, depth + 1);
      return UNKNOWN;
    }
    if (op === 'and') return truth ? this.eval(rightNode, scope, depth + 1) : left;
    return truth ? left : this.eval(rightNode, scope, depth + 1);
  }

  private evalComparison(node: Syn, scope: Scope, depth: number): Value {
    const values = node.children.map((child) => this.eval(child, scope, depth + 1));
    const ops = node.ops ?? [];
    if (values.length !== 2 || ops.length < 1) return UNKNOWN;
    const [left, right] = values as [Value, Value];
    const op = ops.join(' ');
    const a = scalar(left);
    const b = scalar(right);
    if (op === 'in' || op === 'not in') {
      if (a === undefined || right.k !== 'list') return UNKNOWN;
      const items = right.items.map(scalar);
      if (items.some((item) => item === undefined)) return UNKNOWN;
      const found = items.includes(a);
      return { k: 'bool', v: op === 'in' ? found : !found };
    }
    if (a === undefined || b === undefined) return UNKNOWN;
    switch (op) {
      case '==': case 'is': return { k: 'bool', v: a === b };
      case '!=': case 'is not': return { k: 'bool', v: a !== b };
      case '<': return a !== null && b !== null ? { k: 'bool', v: a < b } : UNKNOWN;
      case '<=': return a !== null && b !== null ? { k: 'bool', v: a <= b } : UNKNOWN;
      case '>': return a !== null && b !== null ? { k: 'bool', v: a > b } : UNKNOWN;
      case '>=': return a !== null && b !== null ? { k: 'bool', v: a >= b } : UNKNOWN;
      default: return UNKNOWN;
    }
  }

  private evalAttribute(node: Syn, scope: Scope, depth: number): Value {
    const [objectNode, attributeNode] = node.children;
    if (!objectNode || !attributeNode) return UNKNOWN;
    const object = this.eval(objectNode, scope, depth + 1);
    const name = this.text(attributeNode);
    switch (object.k) {
      case 'ref':
        // `SomeOperator.partial(...)` starts a mapped task; any other attribute extends the dotted name.
        if (name === 'partial' && this.constructOf(object, true)?.kind === 'operator-class') return { k: 'bound-method', self: object, name };
        return this.ref(`${object.qualifiedName}.${name}`);
      case 'task':
        // `op.output` and other attributes of an XComArg still stand for the task in dependencies.
        if (name === 'output') return object;
        return { k: 'bound-method', self: object, name };
      case 'unknown':
        return UNKNOWN;
      default:
        return { k: 'bound-method', self: object, name };
    }
  }

  private evalSubscript(node: Syn, scope: Scope, depth: number): Value {
    const [objectNode, ...keys] = node.children;
    if (!objectNode) return UNKNOWN;
    const object = this.eval(objectNode, scope, depth + 1);
    if (keys.length === 1 && keys[0]!.type === 'slice') return this.evalSlice(object, keys[0]!, scope, depth);
    const key = keys.length === 1 && keys[0] ? this.eval(keys[0], scope, depth + 1) : UNKNOWN;
    if (object.k === 'task') return object;
    if (object.k === 'list' && key.k === 'num' && Number.isInteger(key.v)) {
      const index = key.v < 0 ? object.items.length + key.v : key.v;
      return object.items[index] ?? UNKNOWN;
    }
    const dictKey = keyOf(key);
    if (object.k === 'dict' && dictKey !== undefined) return object.entries.get(dictKey) ?? UNKNOWN;
    return UNKNOWN;
  }

  /** `items[1:]`, `items[:-1]`, `items[::2]` on a known list. */
  private evalSlice(object: Value, slice: Syn, scope: Scope, depth: number): Value {
    const parts = this.text(slice).split(':');
    const bounds: (number | null)[] = [];
    let child = 0;
    for (const part of parts.slice(0, 3)) {
      if (part.trim() === '') { bounds.push(null); continue; }
      const node = slice.children[child++];
      const value = node ? this.eval(node, scope, depth + 1) : UNKNOWN;
      if (value.k !== 'num' || !Number.isInteger(value.v)) return UNKNOWN;
      bounds.push(value.v);
    }
    if (object.k !== 'list' || child !== slice.children.length) return UNKNOWN;
    const [start, stop, step] = bounds;
    const length = object.items.length;
    const clampIndex = (index: number) => Math.min(length, Math.max(0, index < 0 ? length + index : index));
    const stride = step ?? 1;
    if (stride <= 0) return UNKNOWN;
    const items: Value[] = [];
    for (let i = start == null ? 0 : clampIndex(start); i < (stop == null ? length : clampIndex(stop)); i += stride) items.push(object.items[i]!);
    return { k: 'list', items };
  }

  // ---- calls -------------------------------------------------------------------------------------

  private evalArguments(argumentList: Syn | undefined, scope: Scope, depth: number): EvaluatedArguments {
    if (!argumentList || argumentList.type !== 'argument_list') {
      const args = new EvaluatedArguments(null);
      if (argumentList) {
        const value = this.eval(argumentList, scope, depth + 1);
        args.positional.push(value);
        args.mayPassTasks = mayHoldTasks(value);
      }
      return args;
    }
    const plan = this.argumentPlan(argumentList);
    const args = new EvaluatedArguments(plan);
    const positional = args.positional;
    const children = argumentList.children;
    let mayPassTasks = false;
    for (let i = 0; i < children.length; i++) {
      const literal = plan ? plan.literals[i]! : null;
      if (literal !== null) {
        // The plan knows the argument: its node need not be read, and a literal holds no task.
        const evaluated = this.literalArgument(literal, depth);
        if (plan!.names[i] !== null) args.setArgument(i, evaluated);
        else positional.push(evaluated);
        continue;
      }
      const argument = children[i]!;
      if (argument.type === 'keyword_argument') {
        const nameNode = argument.children[0];
        const valueNode = argument.children[1];
        if (!nameNode || !valueNode) continue;
        const evaluated = this.eval(valueNode, scope, depth + 1);
        if (plan) args.setArgument(i, evaluated);
        else args.setKeyword(this.text(nameNode), evaluated);
        mayPassTasks ||= mayHoldTasks(evaluated);
      } else if (argument.type === 'list_splat') {
        const inner = argument.children[0] ? this.iterate(this.eval(argument.children[0], scope, depth + 1)) : null;
        if (inner) positional.push(...inner);
        else args.spread = true;
        mayPassTasks ||= inner !== null && inner.some(mayHoldTasks);
      } else if (argument.type === 'dictionary_splat') {
        const inner = argument.children[0] ? this.eval(argument.children[0], scope, depth + 1) : UNKNOWN;
        if (inner.k === 'dict') for (const [key, value] of inner.entries) if (typeof key === 'string') args.setKeyword(key, value);
        args.spread = true;
        mayPassTasks ||= mayHoldTasks(inner);
      } else {
        const evaluated = this.eval(argument, scope, depth + 1);
        positional.push(evaluated);
        mayPassTasks ||= mayHoldTasks(evaluated);
      }
    }
    args.mayPassTasks = mayPassTasks;
    return args;
  }

  /** An argument's literal value, counted and depth-limited as evaluating its expression would be. */
  private literalArgument(literal: Value, depth: number): Value {
    this.tick();
    return depth + 1 > MAX_EXPRESSION_DEPTH ? UNKNOWN : literal;
  }

  /**
   * The plan of an argument list (see {@link ArgumentPlan}), worked out when the list is evaluated a
   * second time: null the first time, as most lists of a file analysed once are evaluated only once.
   */
  private argumentPlan(argumentList: Syn): ArgumentPlan | null {
    const children = argumentList.children;
    let plan = argumentPlans.get(argumentList);
    if (plan === undefined) {
      argumentPlans.set(argumentList, EVALUATED_ONCE);
      return null;
    }
    if (plan === EVALUATED_ONCE || plan.names.length !== children.length) {
      const names: (string | null)[] = [];
      const literals: (Value | null)[] = [];
      const text = this.reader.text;
      let hasDictionarySplat = false;
      let keywordCount = 0;
      for (const argument of children) {
        if (argument.type === 'keyword_argument') {
          const name = argument.children[0];
          const value = argument.children[1];
          const keyword = name && value ? detached(text.slice(name.start, name.end)) : null;
          if (keyword !== null) keywordCount++;
          names.push(keyword);
          literals.push(keyword !== null ? detachedValue(literalValue(value!, text)) : null);
        } else {
          if (argument.type === 'dictionary_splat') hasDictionarySplat = true;
          names.push(null);
          literals.push(detachedValue(literalValue(argument, text)));
        }
      }
      const distinct = keywordCount < 2 || (names.length <= 16
        ? names.every((name, index) => name === null || names.indexOf(name) === index)
        : new Set(names).size - (keywordCount < names.length ? 1 : 0) === keywordCount);
      plan = { names, literals, distinct, hasDictionarySplat, lastGroupId: null, lastLocalId: null, lastTaskId: null, callNode: null, callRange: null, idNode: null, idRange: null };
      argumentPlans.set(argumentList, plan);
    }
    return plan;
  }

  /**
   * The expression passed as keyword `name` in an argument list (the last one when repeated), found
   * with the list's plan when there is one, else in place: only a few keywords' expressions are ever
   * needed, so none are collected up front.
   */
  private keywordNode(argumentList: Syn | null | undefined, name: string, plan: ArgumentPlan | null = null): Syn | undefined {
    if (!argumentList || argumentList.type !== 'argument_list') return undefined;
    if (plan !== null) {
      // The plan has the names already: no text to compare.
      const names = plan.names;
      for (let i = names.length - 1; i >= 0; i--) if (names[i] === name) return argumentList.children[i]!.children[1];
      return undefined;
    }
    const text = this.reader.text;
    const children = argumentList.children;
    for (let i = children.length - 1; i >= 0; i--) {
      const argument = children[i]!;
      if (argument.type !== 'keyword_argument') continue;
      const [keyword, value] = argument.children;
      if (keyword && value && keyword.end - keyword.start === name.length && text.startsWith(name, keyword.start)) return value;
    }
    return undefined;
  }

  /** Whether an argument list passes keyword `name` (compared in place, without copying names out of the text). */
  private hasKeyword(argumentList: Syn, name: string): boolean {
    const text = this.reader.text;
    for (const argument of argumentList.children) {
      const keyword = argument.type === 'keyword_argument' ? argument.children[0] : undefined;
      if (keyword && keyword.end - keyword.start === name.length && text.startsWith(name, keyword.start)) return true;
    }
    return false;
  }

  /**
   * What calling `callee` builds. A `task_id=` argument can make a class from an operator module an
   * operator; the arguments are searched for it only for names where that decides the kind.
   */
  private constructOfCall(callee: Value, argumentList: Syn | undefined): AirflowConstruct | null {
    const construct = this.constructOf(callee, false);
    if (argumentList === undefined || construct?.kind === this.constructOf(callee, true)?.kind) return construct;
    return this.hasKeyword(argumentList, 'task_id') ? this.constructOf(callee, true) : construct;
  }

  private evalCall(node: Syn, scope: Scope, depth: number, position: 'with' | 'value'): Value {
    const [calleeNode, argumentList] = node.children;
    if (!calleeNode) return UNKNOWN;
    const callee = this.eval(calleeNode, scope, depth + 1);
    const construct = this.constructOfCall(callee, argumentList);
    switch (construct?.kind) {
      case 'dag-class':
        return this.createDag(node, argumentList, scope, depth, position);
      case 'task-group-class':
        return this.createGroup(node, argumentList, scope, depth, false, null);
      case 'operator-class':
        // Only a ref has a construct.
        return this.createOperatorTask(node, argumentList, scope, depth, this.operatorSpec(callee as RefValue), null);
      case 'chain':
      case 'chain-linear':
      case 'cross-downstream': {
        const args = this.evalArguments(argumentList, scope, depth);
        this.chain(construct.kind, args.positional, node);
        return NONE;
      }
      case 'label': {
        const args = this.evalArguments(argumentList, scope, depth);
        const label = args.positional[0] ?? args.keyword('label');
        return { k: 'label', text: label?.k === 'str' ? label.v : null, ups: [], downs: [], viaGroup: false };
      }
      default:
        break;
    }
    switch (callee.k) {
      case 'ref':
        return this.callBuiltin(callee.qualifiedName, argumentList, scope, depth);
      case 'function':
        return this.callFunction(callee.fn, argumentList, scope, depth, node);
      case 'class':
        if (callee.operator) return this.createOperatorTask(node, argumentList, scope, depth, this.operatorSpec(callee), null);
        this.evalArguments(argumentList, scope, depth);
        return UNKNOWN;
      case 'taskflow':
        return this.createTaskFlowTask(node, callee.flow, argumentList, scope, depth, null, null);
      case 'group-function':
        return this.callGroupFunction(node, callee, argumentList, scope, depth, false);
      case 'dag-function':
        return this.callDagFunction(callee.fn, callee.decorator, argumentList, scope, depth);
      case 'bound-method':
        return this.callMethod(node, callee.self, callee.name, argumentList, scope, depth);
      default:
        this.evalArguments(argumentList, scope, depth);
        return UNKNOWN;
    }
  }

  private callBuiltin(name: string, argumentList: Syn | undefined, scope: Scope, depth: number): Value {
    const args = this.evalArguments(argumentList, scope, depth);
    const [first, second] = args.positional;
    switch (name) {
      case 'range': {
        const numbers = args.positional.map((value) => (value.k === 'num' && Number.isInteger(value.v) ? value.v : null));
        if (numbers.length === 0 || numbers.length > 3 || numbers.some((value) => value === null)) return UNKNOWN;
        const [a, b, c] = numbers as number[];
        const [start, stop, step] = numbers.length === 1 ? [0, a!, 1] : [a!, b!, c ?? 1];
        if (step === 0) return UNKNOWN;
        const count = Math.max(0, Math.ceil((stop - start) / step));
        if (count > MAX_LIST_LENGTH) return UNKNOWN;
        const items: Value[] = [];
        for (let i = 0; i < count; i++) items.push({ k: 'num', v: start + i * step });
        return { k: 'list', items };
      }
      case 'enumerate': {
        const items = first ? this.iterate(first) : null;
        const start = second ?? args.keyword('start');
        const offset = start?.k === 'num' ? start.v : 0;
        return items ? { k: 'list', items: items.map((item, index) => ({ k: 'list', items: [{ k: 'num', v: index + offset }, item] })) } : UNKNOWN;
      }
      case 'zip': {
        const lists = args.positional.map((value) => this.iterate(value));
        if (lists.length === 0 || lists.some((list) => list === null)) return UNKNOWN;
        const length = Math.min(...lists.map((list) => list!.length));
        const items: Value[] = [];
        for (let i = 0; i < length; i++) items.push({ k: 'list', items: lists.map((list) => list![i]!) });
        return { k: 'list', items };
      }
      case 'list':
      case 'tuple':
      case 'set':
      case 'sorted': {
        if (!first) return { k: 'list', items: [] };
        const items = this.iterate(first);
        if (!items) return UNKNOWN;
        if (name !== 'sorted') return { k: 'list', items: [...items] };
        const scalars = items.map(scalar);
        if (scalars.some((item) => item === undefined || item === null)) return UNKNOWN;
        return { k: 'list', items: [...items].sort((x, y) => compareScalars(scalar(x)!, scalar(y)!)) };
      }
      case 'reversed': {
        const items = first ? this.iterate(first) : null;
        return items ? { k: 'list', items: [...items].reverse() } : UNKNOWN;
      }
      case 'len': {
        const items = first ? this.iterate(first) : null;
        return items ? { k: 'num', v: items.length } : UNKNOWN;
      }
      case 'str': {
        const formatted = first ? formatValue(first, '', '') : '';
        return formatted === null ? UNKNOWN : { k: 'str', v: formatted };
      }
      case 'dict': {
        const entries = new Map<DictKey, Value>();
        let dynamic = args.spread || args.positional.length > 1;
        let inherited: Record<string, KeywordArgument> | undefined;
        if (first) {
          if (first.k === 'dict') {
            for (const [key, value] of first.entries) entries.set(key, value);
            inherited = this.writtenEntries(first);
            dynamic ||= first.dynamic || !first.syn;
          } else {
            dynamic = true;
          }
        }
        for (const [key, value] of args.keywordMap()) entries.set(key, value);
        return { k: 'dict', entries, syn: argumentList ?? null, form: 'dict-call', dynamic, ...(inherited ? { inherited } : {}) };
      }
      default:
        return UNKNOWN;
    }
  }

  private callMethod(node: Syn, self: Value, name: string, argumentList: Syn | undefined, scope: Scope, depth: number): Value {
    if (self.k === 'task' || self.k === 'group') {
      if (name === 'set_downstream' || name === 'set_upstream') {
        const args = this.evalArguments(argumentList, scope, depth);
        const other = args.positional[0] ?? args.keyword('task_or_task_list') ?? UNKNOWN;
        const modifier = args.keyword('edge_modifier') ?? args.positional[1];
        const label = modifier?.k === 'label' ? modifier.text : null;
        if (name === 'set_downstream') this.connect(self, other, node, label, null, argumentList ?? null);
        else this.connect(other, self, node, label, argumentList ?? null, null);
        return NONE;
      }
      if (self.k === 'task' && (name === 'map' || name === 'zip' || name === 'concat')) {
        // XComArg transformations are still fed by the producing task (and by the other zipped ones).
        const args = this.evalArguments(argumentList, scope, depth);
        if (name === 'map') return self;
        const sources = [self, ...args.positional].filter((value) => value.k === 'task');
        return sources.length === 1 ? self : { k: 'list', items: sources };
      }
      if (self.k === 'task' && (name === 'as_setup' || name === 'as_teardown')) {
        const args = this.evalArguments(argumentList, scope, depth);
        this.abandonTrace();
        this.writableModel(self.task).role = name === 'as_setup' ? 'setup' : 'teardown';
        for (let group = self.task.group; group; group = group.parent) group.shape++;
        if (name === 'as_teardown') {
          const setups = args.keyword('setups');
          if (setups) this.connect(setups, self, node, null, null, null);
        }
        return self;
      }
      this.evalArguments(argumentList, scope, depth);
      return UNKNOWN;
    }
    if (self.k === 'taskflow') {
      if (name === 'override') {
        return { k: 'taskflow', flow: { ...self.flow, overrides: argumentList ? [...self.flow.overrides, argumentList] : self.flow.overrides } };
      }
      if (name === 'partial') return { k: 'partial', operator: null, flow: self.flow, partialCall: node };
      if (name === 'expand' || name === 'expand_kwargs') return this.createTaskFlowTask(node, self.flow, argumentList, scope, depth, null, name);
    }
    if (self.k === 'ref' || self.k === 'class') {
      if (name === 'partial') {
        const spec = this.operatorSpec(self);
        const operator = self.k === 'class' ? self.operator : this.constructOf(self, true)?.kind === 'operator-class';
        if (operator) return { k: 'partial', operator: spec, flow: null, partialCall: node };
      }
    }
    if (self.k === 'partial' && (name === 'expand' || name === 'expand_kwargs')) {
      if (self.operator) return this.createOperatorTask(node, self.partialCall.children[1], scope, depth, self.operator, { call: node, argumentList: argumentList ?? null });
      if (self.flow) return this.createTaskFlowTask(node, self.flow, argumentList, scope, depth, self.partialCall.children[1] ?? null, name);
    }
    if (self.k === 'group-function') {
      if (name === 'override') return { ...self, overrides: argumentList ? [...self.overrides, argumentList] : self.overrides };
      if (name === 'expand' || name === 'expand_kwargs' || name === 'partial') return this.callGroupFunction(node, self, argumentList, scope, depth, true);
    }
    const args = this.evalArguments(argumentList, scope, depth);
    if (self.k === 'dict') {
      if (name === 'update' || name === 'setdefault' || name === 'pop') self.dynamic = true;
      if (name === 'items') return { k: 'list', items: [...self.entries].map(([key, value]) => ({ k: 'list', items: [keyValue(key), value] })) };
      if (name === 'keys') return { k: 'list', items: [...self.entries.keys()].map(keyValue) };
      if (name === 'values') return { k: 'list', items: [...self.entries.values()] };
      const getKey = args.positional[0] ? keyOf(args.positional[0]) : undefined;
      if (name === 'get' && getKey !== undefined) return self.entries.get(getKey) ?? args.positional[1] ?? NONE;
      if (name === 'copy') return { ...self, entries: new Map(self.entries) };
    }
    if (self.k === 'list') {
      if (name === 'append' && args.positional[0]) { self.items.push(args.positional[0]); return NONE; }
      if (name === 'extend' && args.positional[0]) {
        const items = this.iterate(args.positional[0]);
        if (items) self.items.push(...items);
        else self.items.push(UNKNOWN);
        return NONE;
      }
    }
    if (self.k === 'str') {
      const [first, second] = args.positional;
      switch (name) {
        case 'format': return strFormat(self.v, args);
        case 'upper': return { k: 'str', v: self.v.toUpperCase() };
        case 'lower': return { k: 'str', v: self.v.toLowerCase() };
        case 'strip': return { k: 'str', v: self.v.trim() };
        case 'title': return { k: 'str', v: self.v.replace(/\b\w/g, (ch) => ch.toUpperCase()) };
        case 'replace': return first?.k === 'str' && second?.k === 'str' ? { k: 'str', v: self.v.split(first.v).join(second.v) } : UNKNOWN;
        case 'join': {
          const items = first ? this.iterate(first) : null;
          return items && items.every((item) => item.k === 'str') ? { k: 'str', v: items.map((item) => (item as { v: string }).v).join(self.v) } : UNKNOWN;
        }
        default: return UNKNOWN;
      }
    }
    return UNKNOWN;
  }

  /** Runs a function defined in the file with its arguments bound, and returns what it returns. */
  private callFunction(fn: FunctionValue, argumentList: Syn | undefined, scope: Scope, depth: number, node: Syn): Value {
    // The function runs in its closure, which the trace does not follow.
    this.abandonTrace();
    const args = this.evalArguments(argumentList, scope, depth);
    if (this.context.callDepth >= MAX_CALL_DEPTH) {
      this.note(`calls nest deeper than ${MAX_CALL_DEPTH} levels here; \`${fn.name}\` was not followed`, node);
      return UNKNOWN;
    }
    const local = this.bindParameters(fn, args);
    const saved = this.context;
    this.context = { ...saved, callDepth: saved.callDepth + 1 };
    try {
      const completion = this.execBlock(fn.body, local);
      return completion.kind === 'return' ? completion.value : NONE;
    } finally {
      this.context = saved;
    }
  }

  private bindParameters(fn: FunctionValue, args: EvaluatedArguments): Scope {
    const local = new Scope(fn.closure);
    let index = 0;
    for (const parameter of fn.parameters?.children ?? []) {
      switch (parameter.type) {
        case 'identifier': {
          const name = this.text(parameter);
          local.vars.set(name, args.keyword(name) ?? args.positional[index] ?? UNKNOWN);
          index++;
          break;
        }
        case 'typed_parameter': {
          const identifier = parameter.children[0];
          if (identifier?.type === 'identifier') {
            const name = this.text(identifier);
            local.vars.set(name, args.keyword(name) ?? args.positional[index] ?? UNKNOWN);
            index++;
          }
          break;
        }
        case 'default_parameter':
        case 'typed_default_parameter': {
          const identifier = parameter.children[0];
          const defaultNode = parameter.children[parameter.children.length - 1];
          if (identifier?.type === 'identifier') {
            const name = this.text(identifier);
            const given = args.keyword(name) ?? args.positional[index];
            local.vars.set(name, given ?? (defaultNode ? this.eval(defaultNode, fn.closure) : UNKNOWN));
            index++;
          }
          break;
        }
        case 'list_splat_pattern': {
          const identifier = parameter.children[0];
          if (identifier) local.vars.set(this.text(identifier), { k: 'list', items: args.positional.slice(index) });
          index = args.positional.length;
          break;
        }
        case 'dictionary_splat_pattern': {
          const identifier = parameter.children[0];
          if (identifier) local.vars.set(this.text(identifier), { k: 'dict', entries: new Map(args.keywordMap()), syn: null, form: 'literal', dynamic: false });
          break;
        }
        default:
          break;
      }
    }
    return local;
  }

  // ---- DAGs --------------------------------------------------------------------------------------

  private newDag(model: Omit<DagModel, 'tasks' | 'edges' | 'groups' | 'dynamic'>): DagRecord {
    this.abandonTrace();
    const dag: DagRecord = {
      model: { ...model, tasks: [], edges: [], groups: [], dynamic: [] },
      taskIdNumbers: new Map(),
      suffixes: new Map(),
      groupIds: new Set(),
      groupSuffixes: new Map(),
      edgeIndexes: new Map(),
      edgeDeclarations: [],
      tasks: [],
    };
    this.dags.push(dag);
    this.graphChanges++;
    return dag;
  }

  private dagArguments(argumentList: Syn | null, scope: Scope, depth: number, node: Syn, defaultId: string | null): Omit<DagModel, 'tasks' | 'edges' | 'groups' | 'dynamic' | 'declaration' | 'range' | 'functionRange' | 'variable'> & { notes: [string, Syn][] } {
    const args: Record<string, KeywordArgument> = argumentList ? this.reader.keywords(argumentList) : newArgumentRecord();
    const evaluated = this.evalArguments(argumentList ?? undefined, scope, depth);
    const notes: [string, Syn][] = [];
    const idNode = this.keywordNode(argumentList, 'dag_id') ?? argumentList?.children.find((child) => child.type !== 'keyword_argument' && child.type !== 'comment');
    const idValue = evaluated.keyword('dag_id') ?? evaluated.positional[0];
    let dagId: string | null = defaultId;
    let dagIdRange: Range | null = null;
    if (idValue) {
      dagId = idValue.k === 'str' ? idValue.v : null;
      dagIdRange = idNode ? this.range(idNode) : null;
      if (dagId === null && idNode) notes.push([`the DAG id \`${clip(this.text(idNode))}\` is computed at run time`, idNode]);
    }
    const scheduleName = args['schedule'] ? 'schedule' : args['schedule_interval'] ? 'schedule_interval' : args['timetable'] ? 'timetable' : null;
    let schedule: string | null = null;
    if (scheduleName) {
      const value = evaluated.keyword(scheduleName);
      schedule = value?.k === 'str' ? value.v : args[scheduleName]!.value.text;
    }
    const catchupValue = evaluated.keyword('catchup');
    const catchup = catchupValue?.k === 'bool' ? catchupValue.v : null;
    let defaultArgs: DefaultArgs | null = null;
    const defaultArgsNode = this.keywordNode(argumentList, 'default_args');
    if (defaultArgsNode) defaultArgs = this.defaultArgs(defaultArgsNode, evaluated.keyword('default_args') ?? UNKNOWN);
    return { dagId, dagIdRange, argumentsRange: argumentList ? this.range(argumentList) : null, args, defaultArgs, schedule, catchup, notes };
  }

  private defaultArgs(node: Syn, value: Value): DefaultArgs {
    const inner = this.reader.unwrap(node);
    const variable = inner.type === 'identifier' ? this.text(inner) : null;
    if (value.k !== 'dict' || !value.syn) {
      return { range: this.range(node), form: 'unknown', variable, entries: {}, dynamic: true };
    }
    const entries = this.writtenEntries(value);
    const dynamic = value.dynamic;
    const range = value.form === 'dict-call' ? this.dictCallRange(value.syn) : this.range(value.syn);
    return { range, form: value.form, variable, entries, dynamic };
  }

  private dictCallRange(argumentList: Syn): Range {
    // The call is `dict` followed by its argument list; widen back over the callee name.
    const text = this.reader.text;
    let start = argumentList.start;
    while (start > 0 && /\s/.test(text[start - 1]!)) start--;
    if (text.slice(Math.max(0, start - 4), start) === 'dict') start -= 4;
    return this.reader.lines.range(start, argumentList.end);
  }

  private createDag(node: Syn, argumentList: Syn | undefined, scope: Scope, depth: number, position: 'with' | 'value'): Value {
    const info = this.dagArguments(argumentList ?? null, scope, depth, node, null);
    const { notes, ...fields } = info;
    const dag = this.newDag({ ...fields, declaration: position === 'with' ? 'with' : 'assignment', range: this.range(node), functionRange: null, variable: null });
    for (const [reason, at] of notes) this.note(reason, at, dag);
    if (dag.model.dagId === null && !info.dagIdRange) this.note('the DAG has no dag_id', node, dag);
    return { k: 'dag', dag };
  }

  private callDagFunction(fn: FunctionValue, decorator: Syn, argumentList: Syn | undefined, scope: Scope, depth: number): Value {
    this.abandonTrace();
    const expression = decorator.children[0];
    const decoratorArguments = expression?.type === 'call' ? expression.children[1] ?? null : null;
    const info = this.dagArguments(decoratorArguments, fn.closure, depth, decorator, fn.name);
    const { notes, ...fields } = info;
    const dag = this.newDag({
      ...fields,
      dagIdRange: info.dagIdRange ?? this.range(fn.definition.children.find((child) => child.type === 'identifier') ?? fn.definition),
      declaration: 'decorator',
      range: this.range(decorator),
      functionRange: this.range(fn.definition),
      variable: null,
    });
    for (const [reason, at] of notes) this.note(reason, at, dag);
    const args = this.evalArguments(argumentList, scope, depth);
    if (this.context.callDepth >= MAX_CALL_DEPTH) return { k: 'dag', dag };
    const local = this.bindParameters(fn, args);
    const saved = this.context;
    this.context = { ...saved, dag, group: null, callDepth: saved.callDepth + 1 };
    try {
      this.execBlock(fn.body, local);
    } finally {
      this.context = saved;
    }
    return { k: 'dag', dag };
  }

  // ---- groups ------------------------------------------------------------------------------------

  private createGroup(node: Syn, argumentList: Syn | undefined, scope: Scope, depth: number, addSuffix: boolean, fallbackId: string | null, extraArguments: Syn[] = []): Value {
    const evaluated = this.evalArguments(argumentList, scope, depth);
    let groupIdNode = this.keywordNode(argumentList, 'group_id');
    let defaultArgsNode = this.keywordNode(argumentList, 'default_args');
    for (const extra of extraArguments) {
      const more = this.evalArguments(extra, scope, depth);
      more.forEachKeyword((value, key) => evaluated.setKeyword(key, value));
      groupIdNode = this.keywordNode(extra, 'group_id') ?? groupIdNode;
      defaultArgsNode = this.keywordNode(extra, 'default_args') ?? defaultArgsNode;
    }
    const defaultArgs = defaultArgsNode ? this.defaultArgs(defaultArgsNode, evaluated.keyword('default_args') ?? UNKNOWN) : null;
    const idValue = evaluated.keyword('group_id') ?? evaluated.positional[0];
    let localId = fallbackId;
    let dynamicId = false;
    if (idValue) {
      if (idValue.k === 'str') localId = idValue.v;
      else if (idValue.k !== 'none') dynamicId = true;
    }
    const idNode = groupIdNode ?? argumentList?.children.find((child) => child.type !== 'keyword_argument') ?? node;
    if (localId === null) {
      localId = clip(this.text(idNode));
      dynamicId = true;
    }
    const parentValue = evaluated.keyword('parent_group');
    const dagValue = evaluated.keyword('dag');
    const parent = parentValue?.k === 'group' ? parentValue.group : this.context.group;
    const dag = dagValue?.k === 'dag' ? dagValue.dag : parent?.dag ?? this.context.dag;
    const prefixValue = evaluated.keyword('prefix_group_id');
    const prefixGroupId = prefixValue?.k === 'bool' ? prefixValue.v : true;
    let groupId = parent ? childId(parent, localId) : localId;
    if (dag && isIdTaken(dag, groupId) && addSuffix) {
      const base = localId.replace(/__\d+$/, '');
      const basePrefix = parent ? childId(parent, base) : base;
      localId = `${base}__${(dag.groupSuffixes.get(basePrefix) ?? 0) + 1}`;
      groupId = parent ? childId(parent, localId) : localId;
    }
    const model: GroupModel = { groupId, localGroupId: localId, parent: parent?.model.groupId ?? null, range: this.range(node), prefixGroupId, defaultArgs };
    if (this.recording !== null) this.traceGroup(this.recording, model, dag, parent, addSuffix);
    const group = this.addGroup(model, dag, parent);
    if (dynamicId) this.note(`the TaskGroup id \`${clip(this.text(idNode))}\` is computed at run time`, idNode, dag);
    return { k: 'group', group };
  }

  private addGroup(model: GroupModel, dag: DagRecord | null, parent: GroupRecord | null): GroupRecord {
    if (dag) {
      dag.groupIds.add(model.groupId);
      if (model.groupId.includes('__')) recordGroupSuffix(dag, model.groupId);
      dag.model.groups.push(model);
    }
    const group: GroupRecord = { model, dag, parent, tasks: [], shape: 0, roots: null, leaves: null };
    if (this.recording !== null) this.recording.groups.set(group, this.recording.groups.size);
    this.graphChanges++;
    return group;
  }

  private callGroupFunction(node: Syn, callee: Extract<Value, { k: 'group-function' }>, argumentList: Syn | undefined, scope: Scope, depth: number, mapped: boolean): Value {
    this.abandonTrace();
    const expression = callee.decorator.children[0];
    const decoratorArguments = expression?.type === 'call' ? expression.children[1] : undefined;
    const created = this.createGroup(node, decoratorArguments, callee.fn.closure, depth, true, callee.fn.name, callee.overrides);
    if (created.k !== 'group') return UNKNOWN;
    const args = this.evalArguments(argumentList, scope, depth);
    if (this.context.callDepth >= MAX_CALL_DEPTH) return created;
    const local = this.bindParameters(callee.fn, mapped ? new EvaluatedArguments(null) : args);
    const saved = this.context;
    this.context = { ...saved, group: created.group, dag: created.group.dag ?? saved.dag, callDepth: saved.callDepth + 1 };
    let result: Value = NONE;
    try {
      const completion = this.execBlock(callee.fn.body, local);
      if (completion.kind === 'return') result = completion.value;
    } finally {
      this.context = saved;
    }
    // Airflow returns what the function returned when it is a task-like value, else the group itself.
    if (result.k === 'task' || result.k === 'group' || (result.k === 'list' && result.items.length > 0)) return result;
    return created;
  }

  // ---- tasks -------------------------------------------------------------------------------------

  /** The TaskGroup a new task joins from context: none when `dag=` names a DAG the group is not part of. */
  private contextGroupFor(explicitDag: Value | undefined): GroupRecord | null {
    const group = this.context.group;
    if (group && explicitDag?.k === 'dag' && group.dag !== explicitDag.dag) return null;
    return group;
  }

  private owningDag(explicit: Value | undefined, group: GroupRecord | null): DagRecord | null {
    if (explicit?.k === 'dag') return explicit.dag;
    return group?.dag ?? this.context.dag;
  }

  private registerTask(model: TaskModel, dag: DagRecord | null, group: GroupRecord | null, sharedModel = false): TaskRecord {
    if (++this.taskCount > MAX_TASKS) throw new BudgetExceeded();
    const task: TaskRecord = { model, sharedModel, dag, idNumber: -1, group, upstream: NO_TASKS, downstream: NO_TASKS };
    if (this.recording !== null) this.traceTask(this.recording, task);
    if (dag) this.addToDag(task, dag);
    else this.orphans.push(task);
    for (let current = group; current; current = current.parent) {
      current.tasks.push(task);
      current.shape++;
    }
    this.graphChanges++;
    return task;
  }

  private addToDag(task: TaskRecord, dag: DagRecord): void {
    task.dag = dag;
    const id = task.model.taskId;
    let idNumber = dag.taskIdNumbers.get(id);
    if (idNumber === undefined) {
      idNumber = dag.taskIdNumbers.size;
      dag.taskIdNumbers.set(id, idNumber);
    }
    task.idNumber = idNumber;
    if (id.includes('__')) {
      const match = /^(.*)__(\d+)$/.exec(id);
      if (match) dag.suffixes.set(match[1]!, Math.max(dag.suffixes.get(match[1]!) ?? 0, Number(match[2])));
      recordGroupSuffix(dag, id);
    }
    dag.tasks.push(task);
  }

  /** The operator a class value stands for; one spec per class, shared by all of its tasks. */
  private operatorSpec(value: RefValue | Extract<Value, { k: 'class' }>): OperatorSpec {
    const qualifiedName = value.k === 'ref' ? value.qualifiedName : value.name;
    let spec = this.operatorSpecs.get(qualifiedName);
    if (spec === undefined) {
      const name = shortName(qualifiedName);
      spec = { qualifiedName, name, kind: kindOfOperator(name, qualifiedName) };
      this.operatorSpecs.set(qualifiedName, spec);
    }
    return spec;
  }

  private createOperatorTask(node: Syn, argumentList: Syn | undefined, scope: Scope, depth: number, spec: OperatorSpec, expand: { call: Syn; argumentList: Syn | null } | null): Value {
    const evaluated = this.evalArguments(argumentList, scope, depth);
    const expandArgs = expand ? this.evalArguments(expand.argumentList ?? undefined, scope, depth) : null;
    const args = argumentList?.type === 'argument_list' ? this.reader.keywords(argumentList) : newArgumentRecord();
    const groupValue = evaluated.keyword('task_group');
    const dagValue = evaluated.keyword('dag');
    const group = groupValue?.k === 'group' ? groupValue.group : this.contextGroupFor(dagValue);
    const dag = this.owningDag(dagValue, group);
    const idNode = this.keywordNode(argumentList, 'task_id', evaluated.plan);
    const idValue = evaluated.keyword('task_id');
    let localTaskId: string;
    let dynamicId = false;
    if (idValue?.k === 'str') {
      localTaskId = idValue.v;
    } else if (idNode) {
      localTaskId = clip(this.text(idNode));
      dynamicId = true;
      this.note(`the task_id \`${clip(this.text(idNode))}\` is computed at run time`, idNode, dag);
    } else {
      localTaskId = spec.name;
      dynamicId = true;
      this.note(`\`${spec.name}\` has no statically known task_id`, node, dag);
    }
    const callableValue = evaluated.keyword('python_callable');
    const fn = callableValue?.k === 'function' ? callableValue.fn : callableValue?.k === 'taskflow' ? callableValue.flow.fn : null;
    const plan = evaluated.plan;
    let taskIdRange: Range | null = null;
    if (idNode && plan) {
      if (plan.idNode !== idNode || !this.atSameStart(plan.idRange!, idNode)) {
        plan.idNode = idNode;
        plan.idRange = this.range(idNode);
      }
      taskIdRange = plan.idRange;
    } else if (idNode) {
      taskIdRange = this.range(idNode);
    }
    const rangeNode = expand ? expand.call : node;
    let range: Range;
    if (plan) {
      if (plan.callNode !== rangeNode || !this.atSameStart(plan.callRange!, rangeNode)) {
        plan.callNode = rangeNode;
        plan.callRange = this.range(rangeNode);
      }
      range = plan.callRange!;
    } else {
      range = this.range(rangeNode);
    }
    const model: TaskModel = {
      taskId: group ? childTaskId(group, localTaskId, plan) : localTaskId,
      localTaskId,
      taskIdRange,
      operator: spec.name,
      qualifiedName: spec.qualifiedName,
      kind: spec.kind,
      mapped: expand !== null,
      role: null,
      group: group?.model.groupId ?? null,
      range,
      args,
      variable: null,
      callable: fn ? this.callableOf(fn) : null,
      dynamicId: dynamicId || this.context.inDynamicLoop && !idValue,
    };
    const task = this.registerTask(model, dag, group);
    if (evaluated.mayPassTasks) this.dataDependencies(task, node, evaluated);
    if (expandArgs?.mayPassTasks) this.dataDependencies(task, expand!.call, expandArgs, expandArgs.positional);
    return { k: 'task', task };
  }

  /** The callable of a function's tasks; made once per function, as a function often runs many tasks. */
  private callableOf(fn: FunctionValue): TaskModel['callable'] {
    if (!fn.callable) {
      const nameNode = fn.definition.children.find((child) => child.type === 'identifier');
      fn.callable = { name: fn.name, range: this.range(nameNode ?? fn.definition), bodyRange: this.range(fn.body) };
    }
    return fn.callable;
  }

  private createTaskFlowTask(node: Syn, flow: TaskFlowValue, argumentList: Syn | undefined, scope: Scope, depth: number, partialArguments: Syn | null, expandMethod: 'expand' | 'expand_kwargs' | null): Value {
    // Its id depends on the ids already in the DAG (`__N` suffixes), and its arguments on the function's closure.
    this.abandonTrace();
    const evaluated = this.evalArguments(argumentList, scope, depth);
    const partial = partialArguments ? this.evalArguments(partialArguments, scope, depth) : null;
    const decoratorArgs = flow.decoratorArguments ? this.evalArguments(flow.decoratorArguments, flow.fn?.closure ?? scope, depth) : null;
    const args = newArgumentRecord();
    if (flow.decoratorArguments?.type === 'argument_list') Object.assign(args, this.reader.keywords(flow.decoratorArguments));
    let idValue = decoratorArgs?.keyword('task_id');
    let idNode = this.keywordNode(flow.decoratorArguments, 'task_id');
    let groupValue = decoratorArgs?.keyword('task_group');
    let dagValue = decoratorArgs?.keyword('dag');
    for (const override of flow.overrides) {
      Object.assign(args, this.reader.keywords(override));
      const overrideArgs = this.evalArguments(override, scope, depth);
      idValue = overrideArgs.keyword('task_id') ?? idValue;
      idNode = this.keywordNode(override, 'task_id') ?? idNode;
      groupValue = overrideArgs.keyword('task_group') ?? groupValue;
      dagValue = overrideArgs.keyword('dag') ?? dagValue;
    }
    const group = groupValue?.k === 'group' ? groupValue.group : this.contextGroupFor(dagValue);
    const dag = this.owningDag(dagValue, group);
    const functionName = flow.fn?.name ?? 'task';
    let localTaskId = functionName;
    let dynamicId = false;
    if (idValue) {
      if (idValue.k === 'str') localTaskId = idValue.v;
      else {
        dynamicId = true;
        localTaskId = idNode ? clip(this.text(idNode)) : functionName;
        if (idNode) this.note(`the task_id \`${clip(this.text(idNode))}\` is computed at run time`, idNode, dag);
      }
    }
    localTaskId = uniqueTaskId(localTaskId, dag, group);
    const kind: TaskKind = flow.flavour === 'branch' || flow.flavour.startsWith('branch_') ? 'branch'
      : flow.flavour === 'short_circuit' ? 'short_circuit'
        : flow.flavour === 'sensor' ? 'sensor'
          : flow.flavour === 'sql' ? 'sql' : 'taskflow';
    const decoratorShort = flow.decoratorName.includes('.task.') || flow.decoratorName.endsWith('.task')
      ? `@task${flow.flavour === 'python' && !flow.decoratorName.endsWith('.python') ? '' : `.${flow.flavour}`}`
      : `@${shortName(flow.decoratorName)}`;
    const nameNode = flow.fn?.definition.children.find((child) => child.type === 'identifier');
    const model: TaskModel = {
      taskId: group ? childId(group, localTaskId) : localTaskId,
      localTaskId,
      taskIdRange: idNode ? this.range(idNode) : nameNode ? this.range(nameNode) : null,
      operator: decoratorShort,
      qualifiedName: flow.decoratorName,
      kind,
      mapped: expandMethod !== null,
      role: flow.role,
      group: group?.model.groupId ?? null,
      range: this.range(node),
      args,
      variable: null,
      callable: flow.fn ? this.callableOf(flow.fn) : null,
      dynamicId,
    };
    const task = this.registerTask(model, dag, group);
    if (partial && (partial.mayPassTasks || evaluated.mayPassTasks)) {
      this.dataDependencies(task, node, evaluated.positional, evaluated, partial.positional, partial);
    } else if (evaluated.mayPassTasks) {
      this.dataDependencies(task, node, evaluated.positional, evaluated);
    }
    return { k: 'task', task };
  }

  /**
   * TaskFlow results (XComArgs) passed as arguments make the receiving task downstream of their producer.
   * `argumentGroups` are positional and keyword arguments, in the order their producers are linked.
   */
  private dataDependencies(task: TaskRecord, node: Syn, ...argumentGroups: (Value[] | EvaluatedArguments)[]): void {
    let producers: Set<TaskRecord> | null = null;
    for (const group of argumentGroups) {
      if (Array.isArray(group)) {
        for (const value of group) producers = collectProducers(value, producers, 0);
      } else {
        group.forEachKeyword((value, name) => {
          if (name !== 'dag' && name !== 'task_group') producers = collectProducers(value, producers, 0);
        });
      }
    }
    if (producers) for (const producer of producers) if (producer !== task) this.addEdge(producer, task, null, node, 'data');
  }

  // ---- dependencies ------------------------------------------------------------------------------

  /** The tasks a value stands for on one side of an edge: a group's leaves upstream, its roots downstream. */
  private endpoints(value: Value, side: 'up' | 'down', at: Syn | null): { tasks: readonly TaskRecord[]; viaGroup: boolean } {
    if (value.k === 'task') return { tasks: [value.task], viaGroup: false };
    if (value.k === 'group') return { tasks: side === 'up' ? groupLeaves(value.group) : groupRoots(value.group), viaGroup: true };
    const tasks: TaskRecord[] = [];
    let viaGroup = false;
    const visit = (current: Value, level: number) => {
      if (level > 8) return;
      switch (current.k) {
        case 'task':
          tasks.push(current.task);
          return;
        case 'group':
          viaGroup = true;
          tasks.push(...(side === 'up' ? groupLeaves(current.group) : groupRoots(current.group)));
          return;
        case 'list':
          for (const item of current.items) visit(item, level + 1);
          return;
        case 'none':
          return;
        default:
          if (at) this.note(`a dependency on \`${clip(this.text(at))}\` cannot be resolved statically`, at);
      }
    };
    visit(value, 0);
    return { tasks, viaGroup };
  }

  private connect(up: Value, down: Value, node: Syn, label: string | null, upNode: Syn | null, downNode: Syn | null): void {
    if (down.k === 'label') {
      const ups = this.endpoints(up, 'up', upNode);
      down.ups.push(...ups.tasks);
      down.viaGroup ||= ups.viaGroup;
      for (const from of ups.tasks) for (const to of down.downs) this.addEdge(from, to, down.text, node, down.viaGroup ? 'group' : 'explicit');
      return;
    }
    if (up.k === 'label') {
      const downs = this.endpoints(down, 'down', downNode);
      up.downs.push(...downs.tasks);
      up.viaGroup ||= downs.viaGroup;
      for (const from of up.ups) for (const to of downs.tasks) this.addEdge(from, to, up.text, node, up.viaGroup ? 'group' : 'explicit');
      return;
    }
    if (up.k === 'list' && down.k === 'list') {
      this.note('a list cannot be chained to a list with `>>` / `<<` (Python raises a TypeError); use `cross_downstream` or `chain`', node);
      return;
    }
    if (up.k === 'task' && down.k === 'task') {
      // The common `a >> b`: no endpoint lists needed.
      this.addEdge(up.task, down.task, label, node, 'explicit');
      return;
    }
    const ups = this.endpoints(up, 'up', upNode);
    const downs = this.endpoints(down, 'down', downNode);
    const kind: EdgeKind = ups.viaGroup || downs.viaGroup ? 'group' : 'explicit';
    for (const from of ups.tasks) for (const to of downs.tasks) this.addEdge(from, to, label, node, kind);
  }

  private chain(kind: 'chain' | 'chain-linear' | 'cross-downstream', values: Value[], node: Syn): void {
    if (kind === 'cross-downstream') {
      const [from, to] = values;
      if (!from || !to) return;
      for (const up of this.endpoints(from, 'up', node).tasks) {
        for (const down of this.endpoints(to, 'down', node).tasks) this.addEdge(up, down, null, node, 'explicit');
      }
      return;
    }
    for (let i = 0; i + 1 < values.length; i++) {
      const up = values[i]!;
      const down = values[i + 1]!;
      if (kind === 'chain' && up.k === 'list' && down.k === 'list') {
        if (up.items.length !== down.items.length) {
          this.note(`chain() needs lists of equal length (got ${up.items.length} and ${down.items.length}); Airflow raises an error`, node);
          continue;
        }
        up.items.forEach((item, index) => this.connect(item, down.items[index]!, node, null, node, node));
      } else if (kind === 'chain-linear' && (up.k === 'list' || down.k === 'list')) {
        const ups = up.k === 'list' ? up.items : [up];
        const downs = down.k === 'list' ? down.items : [down];
        for (const a of ups) for (const b of downs) this.connect(a, b, node, null, node, node);
      } else {
        this.connect(up, down, node, null, node, node);
      }
    }
  }

  /** `range`: the range of `node` when the caller knows it holds (see {@link edgeRange}). */
  private addEdge(from: TaskRecord, to: TaskRecord, label: string | null, node: Syn, kind: EdgeKind, range: Range | null = null): void {
    if (this.recording !== null) this.traceEdge(this.recording, from, to, label, node, kind);
    // Airflow attaches a task without a DAG to the DAG of the task it is linked to.
    if (!from.dag && to.dag) this.adopt(from, to.dag);
    if (!to.dag && from.dag) this.adopt(to, from.dag);
    const dag = from.dag;
    if (!dag || dag !== to.dag) {
      if (dag && to.dag) this.note(`\`${from.model.taskId}\` and \`${to.model.taskId}\` belong to different DAGs`, node, dag);
      return;
    }
    const key = edgeKey(from, to);
    const existing = dag.edgeIndexes.get(key);
    if (existing !== undefined) {
      const edge = dag.model.edges[existing]!;
      if (edge.label === null && label !== null) edge.label = label;
      this.noteRedeclaration(dag, existing, node);
      return;
    }
    dag.edgeIndexes.set(key, dag.model.edges.length);
    dag.edgeDeclarations.push(node);
    // `t >> t` is a cycle Airflow rejects: the edge is kept for the rules (dag-cycle), out of the traversal lists.
    if (from !== to) {
      if (from.downstream === NO_TASKS) from.downstream = [to];
      else from.downstream.push(to);
      if (to.upstream === NO_TASKS) to.upstream = [from];
      else to.upstream.push(from);
      for (let group = innermostCommonGroup(from, to); group; group = group.parent) group.shape++;
    }
    dag.model.edges.push({ from: from.model.taskId, to: to.model.taskId, label, range: range ?? this.edgeRange(node), kind });
    this.graphChanges++;
  }

  /** Records a later expression declaring an existing edge again; a loop re-running one expression is one declaration. */
  private noteRedeclaration(dag: DagRecord, edgeIndex: number, node: Syn): void {
    let declaredAt = dag.edgeDeclarations[edgeIndex]!;
    if (!(declaredAt instanceof Set)) {
      if (declaredAt.start === node.start && declaredAt.end === node.end) return;
      declaredAt = new Set([this.spanKey(declaredAt)]);
      dag.edgeDeclarations[edgeIndex] = declaredAt;
    }
    const key = this.spanKey(node);
    if (declaredAt.has(key)) return;
    declaredAt.add(key);
    const edge = dag.model.edges[edgeIndex]!;
    (edge.redeclarations ??= []).push(this.range(node));
  }

  private adopt(task: TaskRecord, dag: DagRecord): void {
    this.abandonTrace();
    this.addToDag(task, dag);
  }
}

// ---- helpers -------------------------------------------------------------------------------------

function kindOfOperator(name: string, qualifiedName: string): TaskKind {
  if (name === 'EmptyOperator' || name === 'DummyOperator') return 'empty';
  if (name.startsWith('Branch')) return 'branch';
  if (name === 'ShortCircuitOperator') return 'short_circuit';
  if (name === 'TriggerDagRunOperator') return 'trigger_dag_run';
  if (/(Sensor|SensorAsync)$/.test(name)) return 'sensor';
  if (/SQL|Sql|Postgres|Snowflake/.test(name) || qualifiedName.includes('.common.sql.')) return 'sql';
  return 'operator';
}

/** Airflow's `TaskGroup.child_id`: prefix with the group's id unless it set `prefix_group_id=False`. */
function childId(group: GroupRecord, label: string): string {
  return group.model.prefixGroupId ? `${group.model.groupId}.${label}` : label;
}

/** {@link childId} for a task created by a call with `plan`, reusing the id the call made last time when it is the same. */
function childTaskId(group: GroupRecord, localId: string, plan: ArgumentPlan | null): string {
  if (!plan || !group.model.prefixGroupId) return childId(group, localId);
  const groupId = group.model.groupId;
  if (plan.lastTaskId === null || plan.lastGroupId !== groupId || plan.lastLocalId !== localId) {
    // Plans outlive this version of the document: their strings are copies of their own (see `detached`).
    plan.lastGroupId = detached(groupId);
    plan.lastLocalId = detached(localId);
    plan.lastTaskId = detached(childId(group, localId));
  }
  return plan.lastTaskId;
}

/**
 * Airflow's `get_unique_task_id` for TaskFlow tasks: when the (group-prefixed) id is taken in the DAG,
 * the id's core gets `__N`, one above the highest suffix already used with that prefix.
 */
function uniqueTaskId(taskId: string, dag: DagRecord | null, group: GroupRecord | null): string {
  if (!dag) return taskId;
  const full = group ? childId(group, taskId) : taskId;
  if (!dag.taskIdNumbers.has(full)) return taskId;
  const prefix = full.replace(/__\d+$/, '');
  const core = taskId.replace(/__\d+$/, '');
  return `${core}__${(dag.suffixes.get(prefix) ?? 0) + 1}`;
}

/** Updates {@link DagRecord.groupSuffixes} for an id joining the DAG: every `__` in it ends a prefix the id counts for. */
function recordGroupSuffix(dag: DagRecord, id: string): void {
  const match = /__(\d+)$/.exec(id);
  if (!match) return;
  const suffix = Number(match[1]);
  for (let at = id.indexOf('__'); at !== -1; at = id.indexOf('__', at + 1)) {
    const prefix = id.slice(0, at);
    dag.groupSuffixes.set(prefix, Math.max(dag.groupSuffixes.get(prefix) ?? 0, suffix));
  }
}

/** Whether a value is or may contain a task (lists and dicts are not searched here). */
function mayHoldTasks(value: Value): boolean {
  return value.k === 'task' || value.k === 'list' || value.k === 'dict';
}

/** Adds the tasks `value` stands for to `producers`; the set is made on the first one (most arguments are literals). */
function collectProducers(value: Value, producers: Set<TaskRecord> | null, depth: number): Set<TaskRecord> | null {
  if (depth > 6) return producers;
  if (value.k === 'task') {
    producers ??= new Set();
    producers.add(value.task);
  } else if (value.k === 'list') {
    const items = value.items;
    for (let i = 0; i < items.length && i < 1000; i++) producers = collectProducers(items[i]!, producers, depth + 1);
  } else if (value.k === 'dict') {
    let count = 0;
    for (const item of value.entries.values()) {
      if (count++ === 1000) break;
      producers = collectProducers(item, producers, depth + 1);
    }
  }
  return producers;
}

/** Whether a task or group in the DAG already has `id`. */
function isIdTaken(dag: DagRecord, id: string): boolean {
  return dag.taskIdNumbers.has(id) || dag.groupIds.has(id);
}

/**
 * One number per (upstream id, downstream id) pair of a DAG: id numbers stay below MAX_TASKS (at most
 * that many tasks exist), so the key is exact and small enough to stay a small integer.
 */
function edgeKey(from: TaskRecord, to: TaskRecord): number {
  return from.idNumber * MAX_TASKS + to.idNumber;
}

/** Whether the task is in the group or in a group nested in it (the tasks listed in `group.tasks`). */
function isInGroup(task: TaskRecord, group: GroupRecord): boolean {
  for (let current = task.group; current; current = current.parent) if (current === group) return true;
  return false;
}

/** The innermost TaskGroup holding both tasks, if any. */
function innermostCommonGroup(a: TaskRecord, b: TaskRecord): GroupRecord | null {
  for (let group = a.group; group; group = group.parent) {
    for (let other = b.group; other; other = other.parent) if (other === group) return group;
  }
  return null;
}

/** Airflow's `TaskGroup.get_roots`: tasks of the group with no upstream inside the group. */
function groupRoots(group: GroupRecord): readonly TaskRecord[] {
  if (group.roots?.shape !== group.shape) group.roots = { shape: group.shape, tasks: findRoots(group) };
  return group.roots.tasks;
}

function findRoots(group: GroupRecord): TaskRecord[] {
  return group.tasks.filter((task) => !task.upstream.some((upstream) => isInGroup(upstream, group)));
}

/**
 * Airflow's `TaskGroup.get_leaves`: tasks of the group with no downstream inside the group; a teardown
 * leaf is replaced by the nearest non-teardown tasks upstream of it.
 */
function groupLeaves(group: GroupRecord): readonly TaskRecord[] {
  if (group.leaves?.shape !== group.shape) group.leaves = { shape: group.shape, tasks: findLeaves(group) };
  return group.leaves.tasks;
}

function findLeaves(group: GroupRecord): TaskRecord[] {
  const leaves: TaskRecord[] = [];
  const seen = new Set<TaskRecord>();
  const firstNonTeardown = (task: TaskRecord, depth: number) => {
    if (depth > 50) return;
    for (const upstream of task.upstream) {
      if (!isInGroup(upstream, group) || seen.has(upstream)) continue;
      if (upstream.model.role === 'teardown') firstNonTeardown(upstream, depth + 1);
      else { seen.add(upstream); leaves.push(upstream); }
    }
  };
  for (const task of group.tasks) {
    if (task.downstream.some((downstream) => isInGroup(downstream, group))) continue;
    if (task.model.role !== 'teardown') {
      if (!seen.has(task)) { seen.add(task); leaves.push(task); }
    } else {
      firstNonTeardown(task, 0);
    }
  }
  return leaves;
}

function scalar(value: Value): string | number | boolean | null | undefined {
  switch (value.k) {
    case 'str': case 'num': case 'bool': return value.v;
    case 'none': return null;
    default: return undefined;
  }
}

function compareScalars(a: string | number | boolean, b: string | number | boolean): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePositions(a: Range, b: Range): number {
  return a.start.line - b.start.line || a.start.character - b.start.character;
}

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 60 ? `${oneLine.slice(0, 57)}...` : oneLine;
}

function unescapeFStringText(text: string): string {
  return text.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
}

/** Python's `format(value, spec)` for the specs DAG code uses with ids (`d`, `02d`, `s`, `>3`). */
function formatValue(value: Value, spec: string, conversion: string): string | null {
  let text: string;
  switch (value.k) {
    case 'str': text = conversion === '!r' ? `'${value.v}'` : value.v; break;
    case 'num': text = String(value.v); break;
    case 'bool': text = value.v ? 'True' : 'False'; break;
    case 'none': text = 'None'; break;
    default: return null;
  }
  if (!spec) return text;
  const match = /^(0)?(\d+)?([ds])?$/.exec(spec);
  if (!match) return null;
  const width = match[2] ? Number(match[2]) : 0;
  if (value.k === 'num' && match[1]) return text.padStart(width, '0');
  return value.k === 'num' ? text.padStart(width, ' ') : text.padEnd(width, ' ');
}

function percentFormat(template: string, argument: Value): Value {
  const values = argument.k === 'list' ? argument.items : [argument];
  let index = 0;
  let known = true;
  const result = template.replace(/%(0?\d*)([sdir%])/g, (whole, spec: string, code: string) => {
    if (code === '%') return '%';
    const value = values[index++];
    const formatted = value ? formatValue(value, spec ? `${spec}${code === 's' ? '' : 'd'}` : '', code === 'r' ? '!r' : '') : null;
    if (formatted === null) known = false;
    return formatted ?? whole;
  });
  return known && index === values.length ? { k: 'str', v: result } : UNKNOWN;
}

function strFormat(template: string, args: EvaluatedArguments): Value {
  const positional = args.positional;
  let index = 0;
  let known = true;
  const result = template.replace(/\{\{|\}\}|\{([^{}!:]*)(![rsa])?(?::([^{}]*))?\}/g, (whole, field: string | undefined, conversion: string | undefined, spec: string | undefined) => {
    if (whole === '{{') return '{';
    if (whole === '}}') return '}';
    let value: Value | undefined;
    if (field === undefined || field === '') value = positional[index++];
    else if (/^\d+$/.test(field)) value = positional[Number(field)];
    else value = args.keyword(field);
    const formatted = value ? formatValue(value, spec ?? '', conversion ?? '') : null;
    if (formatted === null) known = false;
    return formatted ?? whole;
  });
  return known ? { k: 'str', v: result } : UNKNOWN;
}
