import type { Tree, TreeCursor } from 'web-tree-sitter';

/**
 * A depth-first walk over a tree-sitter tree: the one thing `lowerTree` asks of tree-sitter for every node.
 */
export interface TreeWalk {
  gotoFirstChild(): boolean;
  gotoNextSibling(): boolean;
  gotoParent(): boolean;
  nodeTypeId(): number;
  startIndex(): number;
  endIndex(): number;
  nodeIsMissing(): boolean;
  nodeHasError(): boolean;
  /** Frees the cursor; the walk must not be used afterwards. */
  close(): void;
}

/** The web-tree-sitter runtime's cursor exports, which read and write the cursor in its transfer buffer. */
interface CursorExports {
  _ts_init(): number;
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_start_index_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
  _ts_tree_cursor_current_node_is_missing_wasm(tree: number): number;
  _ts_tree_cursor_current_node_wasm(tree: number): void;
  _ts_node_has_error_wasm(tree: number): number;
  getValue(address: number, type: 'i32'): number;
  setValue(address: number, value: number, type: 'i32'): void;
}

const EXPORTS: readonly (keyof CursorExports)[] = [
  '_ts_init', '_ts_tree_cursor_goto_first_child_wasm', '_ts_tree_cursor_goto_next_sibling_wasm', '_ts_tree_cursor_goto_parent_wasm',
  '_ts_tree_cursor_current_node_type_id_wasm', '_ts_tree_cursor_start_index_wasm', '_ts_tree_cursor_end_index_wasm',
  '_ts_tree_cursor_current_node_is_missing_wasm', '_ts_tree_cursor_current_node_wasm', '_ts_node_has_error_wasm', 'getValue', 'setValue',
];

/** A cursor is four 32-bit words in wasm memory (web-tree-sitter keeps a copy of them in the `TreeCursor` object). */
const CURSOR_WORDS = 4;

let runtime: { exports: CursorExports; transferBuffer: number } | null = null;

/**
 * Lets walks call the runtime's cursor exports directly, given the emscripten module object that
 * `Parser.init` filled in and a small parsed sample. Returns false, and walks keep to the public
 * `TreeCursor`, when the runtime lacks any of the exports or a direct walk over the sample differs from
 * a public one (another web-tree-sitter version could hand the cursor over differently).
 */
export function useDirectWalks(module: object, sample: Tree): boolean {
  const candidate = module as Partial<CursorExports>;
  if (!EXPORTS.every((name) => typeof candidate[name] === 'function')) return false;
  const exports = candidate as CursorExports;
  const direct = { exports, transferBuffer: exports._ts_init() };
  const expected = describeWalk(new CursorWalk(sample.walk()));
  runtime = direct;
  if (describeWalk(walkTree(sample)) === expected) return true;
  runtime = null;
  return false;
}

/** Every node a walk visits, with the answers it gives there. */
function describeWalk(walk: TreeWalk): string {
  const visited: string[] = [];
  try {
    let depth = 0;
    for (;;) {
      visited.push(`${depth}:${walk.nodeTypeId()}:${walk.startIndex()}-${walk.endIndex()}:${walk.nodeIsMissing()}:${walk.nodeHasError()}`);
      if (walk.gotoFirstChild()) {
        depth++;
        continue;
      }
      while (!walk.gotoNextSibling()) {
        if (!walk.gotoParent()) return visited.join(' ');
        depth--;
      }
    }
  } finally {
    walk.close();
  }
}

/** Whether walks call the runtime directly. */
export function directWalksInUse(): boolean {
  return runtime !== null;
}

/** Runs `run` with walks through the public cursor (tests compare both kinds). */
export function withPublicCursor<T>(run: () => T): T {
  const saved = runtime;
  runtime = null;
  try {
    return run();
  } finally {
    runtime = saved;
  }
}

/** A walk over `tree` from its root: direct when the runtime allows it, else through `TreeCursor`. */
export function walkTree(tree: Tree): TreeWalk {
  return runtime ? new DirectWalk(tree, runtime.exports, runtime.transferBuffer) : new CursorWalk(tree.walk());
}

/**
 * Every `TreeCursor` call copies the cursor's four words into wasm memory and back, which costs more than
 * the move itself: walking a 2,000-task file took as long as parsing it. A direct walk leaves the cursor
 * in the runtime's transfer buffer for the whole walk and calls the exports that `TreeCursor` wraps, so
 * no other tree-sitter call may run until it is closed (walks are synchronous, so none can), except the
 * one it makes itself, `nodeHasError`, which puts the cursor back afterwards.
 */
class DirectWalk implements TreeWalk {
  private readonly treeAddress: number;
  private readonly cursor: TreeCursor;

  constructor(tree: Tree, private readonly wasm: CursorExports, private readonly transferBuffer: number) {
    this.treeAddress = (tree as unknown as Record<number, number>)[0]!;
    this.cursor = tree.walk();
    // Any cursor getter copies the cursor into the transfer buffer, where the walk then moves it.
    void this.cursor.nodeTypeId;
  }

  gotoFirstChild(): boolean {
    return this.wasm._ts_tree_cursor_goto_first_child_wasm(this.treeAddress) === 1;
  }

  gotoNextSibling(): boolean {
    return this.wasm._ts_tree_cursor_goto_next_sibling_wasm(this.treeAddress) === 1;
  }

  gotoParent(): boolean {
    return this.wasm._ts_tree_cursor_goto_parent_wasm(this.treeAddress) === 1;
  }

  nodeTypeId(): number {
    return this.wasm._ts_tree_cursor_current_node_type_id_wasm(this.treeAddress);
  }

  startIndex(): number {
    return this.wasm._ts_tree_cursor_start_index_wasm(this.treeAddress);
  }

  endIndex(): number {
    return this.wasm._ts_tree_cursor_end_index_wasm(this.treeAddress);
  }

  nodeIsMissing(): boolean {
    return this.wasm._ts_tree_cursor_current_node_is_missing_wasm(this.treeAddress) === 1;
  }

  nodeHasError(): boolean {
    // The node is handed over in the transfer buffer too, over the cursor.
    const saved = this.readCursor();
    this.wasm._ts_tree_cursor_current_node_wasm(this.treeAddress);
    const hasError = this.wasm._ts_node_has_error_wasm(this.treeAddress) === 1;
    for (let i = 0; i < CURSOR_WORDS; i++) this.wasm.setValue(this.transferBuffer + 4 * i, saved[i]!, 'i32');
    return hasError;
  }

  close(): void {
    // The walk may have grown the cursor's stack: `delete` must free the current one.
    const words = this.readCursor();
    const cursor = this.cursor as unknown as Record<number, number>;
    for (let i = 0; i < CURSOR_WORDS; i++) cursor[i] = words[i]!;
    this.cursor.delete();
  }

  private readCursor(): number[] {
    const words: number[] = [];
    for (let i = 0; i < CURSOR_WORDS; i++) words.push(this.wasm.getValue(this.transferBuffer + 4 * i, 'i32'));
    return words;
  }
}

/** The walk through web-tree-sitter's public cursor. */
class CursorWalk implements TreeWalk {
  constructor(private readonly cursor: TreeCursor) {}

  gotoFirstChild(): boolean {
    return this.cursor.gotoFirstChild();
  }

  gotoNextSibling(): boolean {
    return this.cursor.gotoNextSibling();
  }

  gotoParent(): boolean {
    return this.cursor.gotoParent();
  }

  nodeTypeId(): number {
    return this.cursor.nodeTypeId;
  }

  startIndex(): number {
    return this.cursor.startIndex;
  }

  endIndex(): number {
    return this.cursor.endIndex;
  }

  nodeIsMissing(): boolean {
    return this.cursor.nodeIsMissing;
  }

  nodeHasError(): boolean {
    return this.cursor.currentNode.hasError;
  }

  close(): void {
    this.cursor.delete();
  }
}
