import type { FileModel } from '../analyzer/model';
import { runRules, type RunRulesOptions } from '../rules/engine';
import type { AnalysisConfig, FileAccess, Finding, WorkspaceView } from '../rules/rule';

/**
 * From a file's model to its findings, the same way in the language server and the CLI: the rules
 * (levels and suppressions applied by the engine), plus one `syntax-error` finding for each syntax
 * error the parser recovered from, since those can hide or distort what the model sees.
 *
 * Pure: imports no editor or LSP code.
 */
export const SYNTAX_ERROR_RULE_ID = 'syntax-error';

export interface FindingsOptions {
  workspace?: WorkspaceView;
  /** Files beside the document (template files), for rules that check them. */
  files?: FileAccess;
  onRuleError?: (ruleId: string, error: unknown) => void;
}

export function collectFindings(file: FileModel, text: string, config: AnalysisConfig, options: FindingsOptions = {}): Finding[] {
  if (!file.importsAirflow) return [];
  const engineOptions: RunRulesOptions & { files?: FileAccess } = { workspace: options.workspace, files: options.files, onRuleError: options.onRuleError };
  const findings = runRules(file, text, config, engineOptions);
  if (findings.some((finding) => finding.ruleId === SYNTAX_ERROR_RULE_ID)) return findings;
  const syntaxFindings: Finding[] = file.syntaxErrors.map((error) => ({
    ruleId: SYNTAX_ERROR_RULE_ID,
    message: error.message,
    range: error.range,
    severity: 'error',
    related: [],
    fixes: [],
  }));
  return syntaxFindings.length === 0 ? findings : mergeByPosition(syntaxFindings, findings);
}

function mergeByPosition(a: Finding[], b: Finding[]): Finding[] {
  return [...a, ...b].sort((x, y) => x.range.start.line - y.range.start.line || x.range.start.character - y.range.start.character);
}
