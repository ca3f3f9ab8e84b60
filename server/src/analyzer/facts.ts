import type { AssignmentFact, CallFact, CodeScope, ExprValue, FunctionFact } from './model';
import type { ExpressionReader } from './expressions';
import { classify, qualify } from './names';
import { detachStrings, recallFacts, rememberFacts, startCollection, type StatementFacts } from './rememberedFacts';
import type { Syn } from './syntax';

/**
 * The syntactic facts rules read: every call, function definition and simple assignment, each with
 * the {@link CodeScope} it runs in. Collected once per source location (loops are not unrolled here).
 */
export interface SyntacticFacts {
  calls: CallFact[];
  functions: FunctionFact[];
  assignments: AssignmentFact[];
}

/** Deeper nesting is not searched for facts; the syntax copy already stops at a similar depth. */
const MAX_FACT_DEPTH = 150;

/** A function's scope, with what the pass needs on the side (kept out of the published object). */
interface FunctionScope {
  scope: CodeScope;
  parent: FunctionScope | null;
  returns: ExprValue[];
}

/** Qualified decorator name without its call: `@task.branch(...)` → `airflow.sdk.task.branch`. */
export function decoratorName(decorator: Syn, reader: ExpressionReader): string | null {
  let expression = decorator.children[0];
  if (!expression) return null;
  if (expression.type === 'call') expression = expression.children[0];
  return expression ? qualify(expression, reader.text, reader.imports) : null;
}

function isDagWithItem(item: Syn, reader: ExpressionReader, dagVariables: Set<string>): boolean {
  let expression = item.children[0];
  if (expression?.type === 'as_pattern') expression = expression.children[0];
  if (!expression) return false;
  if (expression.type === 'identifier') return dagVariables.has(reader.textOf(expression));
  if (expression.type !== 'call' || !expression.children[0]) return false;
  const name = qualify(expression.children[0], reader.text, reader.imports);
  return name !== null && classify(name)?.kind === 'dag-class';
}

/**
 * The scope of module-level code, one object for every analysis: facts remembered with it can be handed
 * out again as they are (scopes of functions are made afresh, since their `taskCallable` is settled last).
 */
const MODULE_SCOPE: CodeScope = { parseTime: true, taskCallable: null, functionName: null };

function isNamedWithItem(item: Syn): boolean {
  const expression = item.children[0];
  return expression?.type === 'identifier' || (expression?.type === 'as_pattern' && expression.children[0]?.type === 'identifier');
}

/** Collects calls, functions and assignments from the whole file. */
export function collectFacts(root: Syn, reader: ExpressionReader): SyntacticFacts {
  const calls: CallFact[] = [];
  const functions: FunctionFact[] = [];
  const assignments: AssignmentFact[] = [];
  const pythonCallables = new Set<string>();
  const functionScopes: FunctionScope[] = [];
  const dagVariables = new Set<string>();
  const dagBodyScopes = new Map<CodeScope, CodeScope>();
  const context = reader.context;
  const collection = startCollection();
  /** Every name added to `pythonCallables` / `dagVariables`, in order, so a statement's additions can be replayed. */
  const callableLog: string[] = [];
  const dagVariableLog: string[] = [];
  /** Bumped whenever a construct is visited that gives facts a scope of their own. */
  let scopeChanges = 0;
  /** True when facts made by an earlier analysis were reused: this one re-analyses a file seen before. */
  let recalledAny = false;
  const newlyRemembered: StatementFacts[] = [];

  const parseTimeVariant = (scope: CodeScope): CodeScope => {
    if (scope.parseTime) return scope;
    let variant = dagBodyScopes.get(scope);
    if (!variant) {
      variant = { parseTime: true, taskCallable: scope.taskCallable, functionName: scope.functionName };
      dagBodyScopes.set(scope, variant);
    }
    return variant;
  };

  /** Visits a statement, reusing the facts it gave in an earlier analysis when nothing they depend on changed. */
  const visitStatement = (statement: Syn, key: string, scope: CodeScope, functionScope: FunctionScope | null, depth: number): void => {
    const line = reader.lines.position(statement.start).line;
    const remembered = recallFacts(key, line, depth, context);
    if (remembered) {
      // Repeated statements of a file seen for the first time share facts made in this very collection.
      if (remembered.madeIn !== collection) recalledAny = true;
      // Facts are never changed once made, so those of the same scope are handed out again as they are
      // (once per analysis: two statements with the same text on one line each need their own).
      if (remembered.scope === scope && remembered.usedIn !== collection) {
        for (const call of remembered.calls) calls.push(call);
        for (const assignment of remembered.assignments) assignments.push(assignment);
      } else {
        for (const call of remembered.calls) {
          calls.push({ qualifiedName: call.qualifiedName, calleeText: call.calleeText, range: call.range, positional: call.positional, keywords: call.keywords, scope });
        }
        for (const assignment of remembered.assignments) assignments.push({ target: assignment.target, range: assignment.range, value: assignment.value, scope });
      }
      remembered.usedIn = collection;
      for (const name of remembered.pythonCallables) {
        pythonCallables.add(name);
        callableLog.push(name);
      }
      for (const name of remembered.dagVariables) {
        dagVariables.add(name);
        dagVariableLog.push(name);
      }
      return;
    }
    const firstCall = calls.length;
    const firstAssignment = assignments.length;
    const firstCallable = callableLog.length;
    const firstDagVariable = dagVariableLog.length;
    const changesBefore = scopeChanges;
    visitNode(statement, scope, functionScope, depth);
    // Statements without facts (`a >> b`) are cheap to visit again; only those with facts are kept.
    if (scopeChanges !== changesBefore || (calls.length === firstCall && assignments.length === firstAssignment)) return;
    const remembering: StatementFacts = {
      depth,
      context,
      scope,
      usedIn: collection,
      madeIn: collection,
      calls: calls.slice(firstCall),
      assignments: assignments.slice(firstAssignment),
      pythonCallables: callableLog.slice(firstCallable),
      dagVariables: dagVariableLog.slice(firstDagVariable),
    };
    rememberFacts(key, line, remembering);
    newlyRemembered.push(remembering);
  };

  const visit = (node: Syn, scope: CodeScope, functionScope: FunctionScope | null, depth: number): void => {
    if (node.contentKey !== undefined && depth <= MAX_FACT_DEPTH) visitStatement(node, node.contentKey, scope, functionScope, depth);
    else visitNode(node, scope, functionScope, depth);
  };

  const visitNode = (node: Syn, scope: CodeScope, functionScope: FunctionScope | null, depth: number): void => {
    if (depth > MAX_FACT_DEPTH) return;
    switch (node.type) {
      case 'call': {
        const [callee, argumentList] = node.children;
        if (callee && argumentList) {
          const fact: CallFact = {
            qualifiedName: qualify(callee, reader.text, reader.imports),
            calleeText: reader.textOf(callee),
            range: reader.lines.of(node),
            positional: argumentList.type === 'argument_list' ? reader.positional(argumentList) : [],
            keywords: argumentList.type === 'argument_list' ? reader.keywords(argumentList) : {},
            scope,
          };
          calls.push(fact);
          const callable = fact.keywords['python_callable']?.value;
          if (callable?.kind === 'name') {
            pythonCallables.add(callable.text);
            callableLog.push(callable.text);
          }
        }
        break;
      }
      case 'assignment': {
        const [target] = node.children;
        const value = node.children[node.children.length - 1];
        if (target?.type === 'identifier' && value && value !== target && value.type !== 'type') {
          assignments.push({ target: reader.textOf(target), range: reader.lines.of(node), value: reader.value(value), scope });
          // `dag = DAG(...)` anywhere (factories included) makes a later `with dag:` body parse-time code.
          if (value.type === 'call' && value.children[0]) {
            const name = qualify(value.children[0], reader.text, reader.imports);
            if (name !== null && classify(name)?.kind === 'dag-class') {
              dagVariables.add(reader.textOf(target));
              dagVariableLog.push(reader.textOf(target));
            }
          }
        }
        break;
      }
      case 'with_statement': {
        const clause = node.children.find((child) => child.type === 'with_clause');
        const isDag = clause?.children.some((item) => isDagWithItem(item, reader, dagVariables)) ?? false;
        // A DAG's body gets a scope of its own; and `with name:` depends on which names hold DAGs, which
        // the statement's text does not tell. Other `with` statements (TaskGroups) can be remembered whole.
        if (isDag || clause?.children.some(isNamedWithItem)) scopeChanges++;
        for (const child of node.children) {
          visit(child, child.type === 'block' && isDag ? parseTimeVariant(scope) : scope, functionScope, depth + 1);
        }
        return;
      }
      case 'return_statement': {
        scopeChanges++;
        if (functionScope && node.children[0]) functionScope.returns.push(reader.value(node.children[0]));
        break;
      }
      case 'decorated_definition': {
        scopeChanges++;
        const definition = node.children[node.children.length - 1];
        const decorators = node.children.filter((child) => child.type === 'decorator');
        for (const decorator of decorators) visit(decorator, scope, functionScope, depth + 1);
        if (definition?.type === 'function_definition') visitFunction(definition, decorators, scope, functionScope, depth + 1);
        else if (definition) visit(definition, scope, functionScope, depth + 1);
        return;
      }
      case 'function_definition':
        scopeChanges++;
        visitFunction(node, [], scope, functionScope, depth + 1);
        return;
      case 'lambda':
        scopeChanges++;
        return visitChildren(node, { parseTime: false, taskCallable: scope.taskCallable, functionName: scope.functionName }, functionScope, depth);
    }
    visitChildren(node, scope, functionScope, depth);
  };

  const visitChildren = (node: Syn, scope: CodeScope, functionScope: FunctionScope | null, depth: number) => {
    const children = node.children;
    for (let i = 0; i < children.length; i++) {
      const child = children[i]!;
      // Names, strings and numbers make no facts; a bare `return` is the one leaf that changes scope.
      if (child.children.length > 0 || child.type === 'return_statement') visit(child, scope, functionScope, depth + 1);
    }
  };

  const visitFunction = (definition: Syn, decorators: Syn[], outer: CodeScope, outerFunction: FunctionScope | null, depth: number) => {
    const [nameNode] = definition.children;
    const parameters = definition.children.find((child) => child.type === 'parameters');
    const body = definition.children.find((child) => child.type === 'block');
    if (!nameNode || !body) return;
    const name = reader.textOf(nameNode);
    const decoratorNames = decorators.map((decorator) => decoratorName(decorator, reader) ?? reader.textOf(decorator).slice(1));
    const kinds = decoratorNames.map((decorator) => classify(decorator)?.kind);
    const isTask = kinds.some((kind) => kind === 'task-decorator' || kind === 'setup-decorator' || kind === 'teardown-decorator');
    const isParseTime = kinds.some((kind) => kind === 'dag-decorator' || kind === 'task-group-decorator');
    const taskCallable = isTask ? name : outer.taskCallable;
    const scope: CodeScope = { parseTime: isParseTime, taskCallable, functionName: name };
    const returns: ExprValue[] = [];
    const functionScope: FunctionScope = { scope, parent: outerFunction, returns };
    functionScopes.push(functionScope);
    if (parameters) visit(parameters, outer, outerFunction, depth + 1);
    const parameterNames: string[] = [];
    for (const parameter of parameters?.children ?? []) {
      const identifier = parameter.type === 'identifier' ? parameter : parameter.children.find((child) => child.type === 'identifier');
      if (identifier) parameterNames.push(reader.textOf(identifier));
    }
    functions.push({
      name,
      range: reader.lines.range(decorators.length ? decorators[0]!.start : definition.start, definition.end),
      nameRange: reader.lines.of(nameNode),
      bodyRange: reader.lines.of(body),
      decorators: decoratorNames,
      parameters: parameterNames,
      returns,
      scope: outer,
    });
    visit(body, scope, functionScope, depth + 1);
  };

  visitChildren(root, MODULE_SCOPE, null, 0);
  // Facts newly remembered while re-analysing an edited file must not keep this version of it alive.
  if (recalledAny) for (const remembering of newlyRemembered) detachStrings(remembering);

  // A function passed as `python_callable` runs inside a task, wherever it is defined.
  for (const { scope, parent } of functionScopes) {
    if (scope.taskCallable) continue;
    if (scope.functionName && pythonCallables.has(scope.functionName)) {
      scope.taskCallable = scope.functionName;
      continue;
    }
    for (let current = parent; current; current = current.parent) {
      const name = current.scope.functionName;
      if (name && pythonCallables.has(name)) {
        scope.taskCallable = name;
        break;
      }
    }
    const variant = dagBodyScopes.get(scope);
    if (variant) variant.taskCallable = scope.taskCallable;
  }
  return { calls, functions, assignments };
}
