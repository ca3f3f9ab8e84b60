import type { ImportFact } from './model';
import { compileQuery, type Node, type Tree } from './parser';
import { replacementsIn, type LineIndex, type Syn } from './syntax';
import importsQuerySource from './queries/imports.scm';

/**
 * Import-aware name resolution: every name bound by an import maps to the fully qualified name it
 * stands for, and qualified names are classified into the Airflow constructs the model understands.
 */

/** Local name → qualified name, for every name an import binds. Later imports win, as in Python. */
export type ImportTable = Map<string, string>;

const IMPORT_CONTAINERS = new Set([
  'module', 'block', 'if_statement', 'elif_clause', 'else_clause', 'try_statement', 'except_clause',
  'finally_clause', 'with_statement', 'function_definition', 'decorated_definition', 'class_definition',
]);

function withoutSpaces(text: string): string {
  return text.replace(/\s+/g, '');
}

/** Import statements anywhere a statement can be (functions, `if` and `try` blocks included), from the syntax copy. */
function importStatements(root: Syn): Syn[] {
  const found: Syn[] = [];
  addImportStatements(root, 0, found);
  return found;
}

/**
 * The import statements inside each container node, kept with the node: an unchanged statement keeps
 * its node from one analysis to the next (see `lowerTree`), so after a keystroke only the changed
 * statement is searched.
 */
const importsWithin = new WeakMap<Syn, { depth: number; replacements: number; imports: readonly Syn[] }>();

function addImportStatements(node: Syn, depth: number, found: Syn[]): void {
  if (depth > 64) return;
  for (const child of node.children) {
    if (child.type === 'import_statement' || child.type === 'import_from_statement') {
      found.push(child);
    } else if (IMPORT_CONTAINERS.has(child.type)) {
      let within = importsWithin.get(child);
      if (within === undefined || within.depth !== depth + 1 || within.replacements !== replacementsIn(child)) {
        const imports: Syn[] = [];
        addImportStatements(child, depth + 1, imports);
        within = { depth: depth + 1, replacements: replacementsIn(child), imports };
        importsWithin.set(child, within);
      }
      for (let i = 0; i < within.imports.length; i++) found.push(within.imports[i]!);
    }
  }
}

/**
 * Collects the import facts of a module with the `imports.scm` query, run on each import statement
 * only (they are few; a query over the whole tree would visit every node of a large file).
 */
export function collectImports(root: Syn, tree: Tree, text: string, lines: LineIndex): { facts: ImportFact[]; table: ImportTable } {
  const facts: ImportFact[] = [];
  const table: ImportTable = new Map();
  const query = compileQuery(tree.language, importsQuerySource);
  for (const statement of importStatements(root)) {
    const node = tree.rootNode.descendantForIndex(statement.start, statement.end);
    if (!node || node.startIndex !== statement.start || node.endIndex !== statement.end) continue;
    for (const match of query.matches(node)) {
      const captured: Record<string, Node> = {};
      for (const capture of match.captures) captured[capture.name] = capture.node;
      const { item, alias, module: moduleNode, from, name } = captured;
      if (!item) continue;
      const aliasName = alias ? text.slice(alias.startIndex, alias.endIndex) : null;
      let localName: string;
      let qualifiedName: string;
      let kind: ImportFact['kind'];
      if (moduleNode) {
        qualifiedName = withoutSpaces(text.slice(moduleNode.startIndex, moduleNode.endIndex));
        localName = aliasName ?? qualifiedName;
        kind = 'module';
        // `import a.b` binds `a`; `a.b.C` then resolves through it.
        const head = qualifiedName.split('.')[0]!;
        if (aliasName) table.set(aliasName, qualifiedName);
        else table.set(head, head);
      } else if (from && name) {
        const imported = withoutSpaces(text.slice(name.startIndex, name.endIndex));
        const fromModule = withoutSpaces(text.slice(from.startIndex, from.endIndex));
        qualifiedName = fromModule.endsWith('.') ? `${fromModule}${imported}` : `${fromModule}.${imported}`;
        localName = aliasName ?? imported;
        kind = 'symbol';
        table.set(localName, qualifiedName);
      } else {
        continue;
      }
      facts.push({
        localName, qualifiedName, kind,
        range: lines.range(item.startIndex, item.endIndex),
        statementRange: lines.of(statement),
      });
    }
  }
  return { facts, table };
}

/** True when any import refers to airflow (the file is then analysed). */
export function importsAirflow(facts: ImportFact[]): boolean {
  return facts.some((fact) => fact.qualifiedName === 'airflow' || fact.qualifiedName.startsWith('airflow.'));
}

/**
 * The qualified name of a name or attribute chain (`sdk.DAG` → `airflow.sdk.DAG`), or null when the
 * expression is not a plain dotted name. Names no import binds stay as written.
 */
export function qualify(node: Syn, text: string, imports: ImportTable): string | null {
  if (node.type === 'identifier') {
    const name = text.slice(node.start, node.end);
    return imports.get(name) ?? name;
  }
  if (node.type === 'attribute') {
    const [object, attribute] = node.children;
    if (!object || !attribute) return null;
    const base = qualify(object, text, imports);
    return base === null ? null : `${base}.${text.slice(attribute.start, attribute.end)}`;
  }
  return null;
}

/** What an Airflow name is, as far as building the DAG model goes. */
export type AirflowConstruct =
  | { kind: 'dag-class' }
  | { kind: 'dag-decorator' }
  | { kind: 'task-decorator'; flavour: string }
  | { kind: 'setup-decorator' }
  | { kind: 'teardown-decorator' }
  | { kind: 'task-group-class' }
  | { kind: 'task-group-decorator' }
  | { kind: 'chain' }
  | { kind: 'chain-linear' }
  | { kind: 'cross-downstream' }
  | { kind: 'label' }
  | { kind: 'operator-class' };

const CLASS_NAME = /^[A-Z][A-Za-z0-9_]*$/;
const OPERATOR_SUFFIX = /(Operator|Sensor)(Async)?$/;
const OPERATOR_MODULE_SEGMENTS = new Set(['operators', 'sensors', 'transfers']);

/**
 * Classifies a qualified name.
 *
 * The operator rule: a class (capitalised name) is an operator or sensor when its name ends in
 * `Operator` or `Sensor` (optionally followed by `Async`, as in `DateTimeSensorAsync`) — Airflow core
 * and every provider follow that convention — or when it comes from an `operators` / `sensors` /
 * `transfers` module *and* is given a `task_id` (which catches the few exceptions such as
 * `ExternalTaskMarker` without mistaking helper classes like `PokeReturnValue` for tasks).
 * `BaseOperator` and `BaseSensorOperator` themselves are excluded: they are only ever subclassed.
 */
export function classify(qualifiedName: string, hasTaskId = false): AirflowConstruct | null {
  const key = hasTaskId ? `${qualifiedName}\u0000` : qualifiedName;
  let construct = classified.get(key);
  if (construct === undefined) {
    if (classified.size > 10_000) classified.clear();
    construct = classifyUncached(qualifiedName, hasTaskId);
    classified.set(key, construct);
  }
  return construct;
}

const classified = new Map<string, AirflowConstruct | null>();

function classifyUncached(qualifiedName: string, hasTaskId: boolean): AirflowConstruct | null {
  const segments = qualifiedName.split('.');
  const last = segments[segments.length - 1] ?? '';
  const fromAirflow = segments[0] === 'airflow' && segments.length > 1;
  if (fromAirflow) {
    if (last === 'DAG') return { kind: 'dag-class' };
    if (last === 'dag') return { kind: 'dag-decorator' };
    if (last === 'setup') return { kind: 'setup-decorator' };
    if (last === 'teardown') return { kind: 'teardown-decorator' };
    if (last === 'TaskGroup') return { kind: 'task-group-class' };
    if (last === 'task_group') return { kind: 'task-group-decorator' };
    if (last === 'chain') return { kind: 'chain' };
    if (last === 'chain_linear') return { kind: 'chain-linear' };
    if (last === 'cross_downstream') return { kind: 'cross-downstream' };
    if (last === 'Label') return { kind: 'label' };
    if (last === 'task') return { kind: 'task-decorator', flavour: 'python' };
    if (last === 'python_task') return { kind: 'task-decorator', flavour: 'python' };
    const taskIndex = segments.lastIndexOf('task');
    if (taskIndex >= 1 && taskIndex === segments.length - 2) return { kind: 'task-decorator', flavour: last };
  }
  if (!CLASS_NAME.test(last) || last === 'BaseOperator' || last === 'BaseSensorOperator') return null;
  if (OPERATOR_SUFFIX.test(last)) return { kind: 'operator-class' };
  if (hasTaskId && segments.slice(0, -1).some((segment) => OPERATOR_MODULE_SEGMENTS.has(segment))) {
    return { kind: 'operator-class' };
  }
  return null;
}

/** The short display name of a qualified name: its last segment. */
export function shortName(qualifiedName: string): string {
  const dot = qualifiedName.lastIndexOf('.');
  return dot === -1 ? qualifiedName : qualifiedName.slice(dot + 1);
}
