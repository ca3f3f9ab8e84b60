import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { parsePython, type Edit, type Parser, type Point, type Tree } from '../analyzer/parser';

/**
 * An open document with its own parser and syntax tree, kept current from LSP incremental changes.
 *
 * Each content change is applied to the text and, at the same time, described to the old tree as a
 * tree-sitter `Edit` (start / old end / new end, as UTF-16 offsets and row/column points, which is how
 * web-tree-sitter counts). The next `tree()` call then reparses with the edited old tree, so tree-sitter
 * reuses every subtree the edits did not touch instead of parsing the whole file again.
 */
export class ParsedDocument {
  private readonly textDocument: TextDocument;
  private currentTree: Tree | null = null;
  /** True when the text changed since `currentTree` was parsed (the tree has been `edit`ed to match). */
  private stale = true;

  constructor(
    readonly uri: string,
    private readonly parser: Parser,
    text: string,
    version: number,
  ) {
    this.textDocument = TextDocument.create(uri, 'python', version, text);
  }

  get version(): number {
    return this.textDocument.version;
  }

  get text(): string {
    return this.textDocument.getText();
  }

  /** The LSP view of the text (offsets and positions by LSP's line rules). */
  get document(): TextDocument {
    return this.textDocument;
  }

  /**
   * Applies changes in order, as LSP sends them. A change without a range replaces the whole text and
   * drops the old tree (nothing can be reused).
   */
  applyChanges(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    for (const change of changes) {
      if ('range' in change && change.range) {
        const edit = describeChange(this.textDocument, change.range, change.text);
        TextDocument.update(this.textDocument, [change], version);
        edit.newEndPosition = pointAt(this.textDocument, edit.newEndIndex);
        this.currentTree?.edit(edit);
      } else {
        TextDocument.update(this.textDocument, [change], version);
        this.dropTree();
      }
      this.stale = true;
    }
    // Tree-sitter counts rows at `\n` only, LSP also at a lone `\r`; the two agree unless the text has a
    // lone `\r`, and then the edited points would be wrong, so reparse from scratch in that rare case.
    if (this.currentTree && changes.length > 0 && this.text.includes('\r') && LONE_CARRIAGE_RETURN.test(this.text)) this.dropTree();
    // Keep the recorded version even when an editor sends an empty change list.
    if (changes.length === 0) TextDocument.update(this.textDocument, [], version);
  }

  /** The syntax tree of the current text, reparsed incrementally when the text changed. */
  tree(): Tree {
    if (!this.currentTree || this.stale) {
      const previous = this.currentTree;
      this.currentTree = parsePython(this.parser, this.text, previous);
      previous?.delete();
      this.stale = false;
    }
    return this.currentTree;
  }

  /** Forgets the tree (for example while the file does not import airflow) so its memory is freed. */
  dropTree(): void {
    this.currentTree?.delete();
    this.currentTree = null;
    this.stale = true;
  }

  dispose(): void {
    this.dropTree();
    this.parser.delete();
  }
}

const LONE_CARRIAGE_RETURN = /\r(?!\n)/;

/** The edit for replacing `range` with `newText`, before it is applied; `newEndPosition` is filled in after. */
function describeChange(
  document: TextDocument,
  range: { start: { line: number; character: number }; end: { line: number; character: number } },
  newText: string,
): Edit {
  const startIndex = document.offsetAt(range.start);
  const oldEndIndex = Math.max(startIndex, document.offsetAt(range.end));
  return {
    startIndex,
    oldEndIndex,
    newEndIndex: startIndex + newText.length,
    startPosition: pointAt(document, startIndex),
    oldEndPosition: pointAt(document, oldEndIndex),
    newEndPosition: { row: 0, column: 0 },
  };
}

function pointAt(document: TextDocument, offset: number): Point {
  const position = document.positionAt(offset);
  return { row: position.line, column: position.character };
}
