import type { ImportFact } from './model';
import type { LineIndex, Syn } from './syntax';

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

function dottedText(node: Syn, text: string): string {
  return text.slice(node.start, node.end).replace(/\s+/g, '');
}

/** Collects the import facts of a module (imports inside functions, `if` and `try` blocks included). */
export function collectImports(root: Syn, text: string, lines: LineIndex): { facts: ImportFact[]; table: ImportTable } {
  const facts: ImportFact[] = [];
  const table: ImportTable = new Map();
  const visit = (node: Syn, depth: number): void => {
    if (depth > 64) return;
    for (const child of node.children) {
      if (child.type === 'import_statement') {
        for (const item of child.children) {
          const dotted = item.type === 'aliased_import' ? item.children[0] : item;
          if (!dotted || dotted.type !== 'dotted_name') continue;
          const qualifiedName = dottedText(dotted, text);
          const alias = item.type === 'aliased_import' ? item.children[1] : undefined;
          const localName = alias ? text.slice(alias.start, alias.end) : qualifiedName;
          facts.push({
            localName, qualifiedName, kind: 'module',
            range: lines.of(item), statementRange: lines.of(child),
          });
          if (alias) table.set(localName, qualifiedName);
          else {
            const head = qualifiedName.split('.')[0]!;
            table.set(head, head);
          }
        }
      } else if (child.type === 'import_from_statement' || child.type === 'future_import_statement') {
        const [moduleNode, ...names] = child.children;
        if (!moduleNode) continue;
        const moduleName = child.type === 'future_import_statement' ? '__future__' : dottedText(moduleNode, text);
        const items = child.type === 'future_import_statement' ? child.children : names;
        for (const item of items) {
          if (item.type === 'wildcard_import') continue;
          const dotted = item.type === 'aliased_import' ? item.children[0] : item;
          if (!dotted || dotted.type !== 'dotted_name') continue;
          const name = dottedText(dotted, text);
          const alias = item.type === 'aliased_import' ? item.children[1] : undefined;
          const localName = alias ? text.slice(alias.start, alias.end) : name;
          const qualifiedName = `${moduleName}.${name}`;
          facts.push({
            localName, qualifiedName, kind: 'symbol',
            range: lines.of(item), statementRange: lines.of(child),
          });
          table.set(localName, qualifiedName);
        }
      } else if (IMPORT_CONTAINERS.has(child.type) || child.type === 'block') {
        visit(child, depth + 1);
      }
    }
  };
  visit(root, 0);
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
