import * as fs from 'node:fs';
import * as path from 'node:path';
import { Language, Parser, Query, type Tree } from 'web-tree-sitter';
import { useDirectWalks } from './treeWalk';

/**
 * Loads tree-sitter and the Python grammar once per process.
 *
 * The wasm files are looked up next to the running bundle first (the shipped extension and CLI
 * copy them into `dist/`), then in `node_modules` (tests and scripts run from source).
 */
let loading: Promise<Language> | undefined;

function locateWasm(fileName: string, packageSpecifier: string): string {
  const besideBundle = path.join(__dirname, fileName);
  if (fs.existsSync(besideBundle)) return besideBundle;
  return require.resolve(packageSpecifier);
}

/** Python with nested nodes, a missing token and an error: what a walk must answer alike both ways. */
const WALK_SAMPLE = 'with DAG("d") as dag:\n    a = f(x=[1, "s"]) >> b\nif (x:\n    pass\n';

/** Resolves to the Python grammar, initialising the tree-sitter runtime on first use. */
export function loadPython(): Promise<Language> {
  loading ??= (async () => {
    const runtimeWasm = locateWasm('tree-sitter.wasm', 'web-tree-sitter/tree-sitter.wasm');
    // Emscripten fills in the options object as the runtime's module, whose exports the syntax copy calls.
    const runtime = { locateFile: () => runtimeWasm };
    await Parser.init(runtime);
    const language = await Language.load(locateWasm('tree-sitter-python.wasm', 'tree-sitter-python/tree-sitter-python.wasm'));
    const parser = new Parser();
    parser.setLanguage(language);
    const sample = parsePython(parser, WALK_SAMPLE);
    useDirectWalks(runtime, sample);
    sample.delete();
    parser.delete();
    return language;
  })();
  return loading;
}

/** A parser for Python source, ready to use. Each open document owns one so old trees can be reused. */
export async function createPythonParser(): Promise<Parser> {
  const language = await loadPython();
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

/**
 * How much text tree-sitter is handed each time it asks. Given the whole string, web-tree-sitter copies
 * up to 5,000 characters into wasm memory per request, and an incremental reparse makes a few hundred
 * requests to read a few characters each (to check which old subtrees it can reuse): small chunks
 * make that copy ten times cheaper, and a full parse no slower.
 */
const PARSE_CHUNK_LENGTH = 256;

/**
 * Parses `text`, reusing `oldTree` (already `edit`ed) for an incremental reparse.
 * Never returns null: tree-sitter only gives up when cancelled, which we never ask for.
 */
export function parsePython(parser: Parser, text: string, oldTree?: Tree | null): Tree {
  const tree = parser.parse((index) => text.slice(index, index + PARSE_CHUNK_LENGTH), oldTree ?? null);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return tree;
}

/** Compiles a query against the Python grammar; compiled queries are cached by source. */
const queryCache = new Map<string, Query>();
export function compileQuery(language: Language, source: string): Query {
  let query = queryCache.get(source);
  if (!query) {
    query = new Query(language, source);
    queryCache.set(source, query);
  }
  return query;
}

export type { Language, Node, Parser, Query, Tree, Edit, Point } from 'web-tree-sitter';
