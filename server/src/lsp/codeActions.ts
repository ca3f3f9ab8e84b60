import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit as LspTextEdit } from 'vscode-languageserver';
import type { CommentFact } from '../analyzer/model';
import type { Fix } from '../rules/rule';
import { ignoreInFileFix, ignoreOnLineFix } from '../rules/suppression';
import { DIAGNOSTIC_SOURCE, readDiagnosticData } from './diagnostics';

/** Rule ids that suppression comments cannot silence, so no "Ignore" action is offered for them. */
const UNSUPPRESSIBLE = new Set(['syntax-error']);

export interface CodeActionInput {
  uri: string;
  /** The document's current version: fixes computed for another version are stale and not offered. */
  version: number;
  text: string;
  comments: readonly CommentFact[];
  diagnostics: readonly Diagnostic[];
  /** The kinds the client asked for (`only`), if it restricted them. */
  only?: readonly string[];
}

/**
 * Code actions for the diagnostics under the cursor: each fix carried in the diagnostic's `data`
 * (preferred when it is safe and the only fix), then "Ignore <rule> on this line" and "… in this file".
 * Nothing is re-analysed here; the fixes were computed when the diagnostics were published.
 */
export function codeActionsFor(input: CodeActionInput): CodeAction[] {
  const wantsQuickFix = !input.only || input.only.some((kind) => kind === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(`${kind}.`) || kind === '');
  if (!wantsQuickFix) return [];
  const fixes: CodeAction[] = [];
  const ignores: CodeAction[] = [];
  const offeredIgnores = new Set<string>();
  for (const diagnostic of input.diagnostics) {
    if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
    const data = readDiagnosticData(diagnostic);
    if (!data) continue;
    if (data.version === input.version) {
      for (const fix of data.fixes) {
        if (!isWellFormedFix(fix)) continue;
        fixes.push(action(fix.title, input.uri, fix.edits, diagnostic, fix.safe && data.fixes.length === 1));
      }
    }
    if (UNSUPPRESSIBLE.has(data.ruleId)) continue;
    const line = diagnostic.range.start.line;
    const lineKey = `line:${data.ruleId}:${line}`;
    if (!offeredIgnores.has(lineKey)) {
      offeredIgnores.add(lineKey);
      const onLine = ignoreOnLineFix(input.text, input.comments, data.ruleId, line);
      if (onLine) ignores.push(action(onLine.title, input.uri, onLine.edits, diagnostic, false));
    }
    const fileKey = `file:${data.ruleId}`;
    if (!offeredIgnores.has(fileKey)) {
      offeredIgnores.add(fileKey);
      const inFile = ignoreInFileFix(input.text, input.comments, data.ruleId);
      if (inFile) ignores.push(action(inFile.title, input.uri, inFile.edits, diagnostic, false));
    }
  }
  return [...fixes, ...ignores];
}

function action(title: string, uri: string, edits: LspTextEdit[], diagnostic: Diagnostic, isPreferred: boolean): CodeAction {
  const result: CodeAction = { title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: { changes: { [uri]: edits } } };
  if (isPreferred) result.isPreferred = true;
  return result;
}

/** Diagnostic data comes back from the client; only well-formed fixes are turned into edits. */
function isWellFormedFix(fix: Fix): boolean {
  return typeof fix?.title === 'string' && Array.isArray(fix.edits) && fix.edits.every((edit) => typeof edit?.newText === 'string' && isRange(edit.range));
}

function isRange(value: unknown): boolean {
  const range = value as { start?: { line?: unknown; character?: unknown }; end?: { line?: unknown; character?: unknown } } | null;
  return !!range && typeof range.start?.line === 'number' && typeof range.start.character === 'number'
    && typeof range.end?.line === 'number' && typeof range.end.character === 'number';
}
