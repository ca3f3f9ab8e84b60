import { pathToFileURL } from 'node:url';
import {
  DiagnosticSeverity,
  type Diagnostic,
  type DiagnosticRelatedInformation,
} from 'vscode-languageserver';
import { ruleDocsUrl } from '../rules/docs-url';
import { findRule } from '../rules/index';
import type { Finding, Fix, Severity } from '../rules/rule';

/** Shown as the diagnostic's source in the Problems panel. */
export const DIAGNOSTIC_SOURCE = 'Airflow DAG Studio';

/** What a published diagnostic carries in `data`, so code actions never re-analyse. */
export interface DiagnosticData {
  ruleId: string;
  /** The document version the fixes were computed for; fixes are offered only while it is current. */
  version: number;
  fixes: Fix[];
}

const SEVERITIES: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** Converts findings of one document into LSP diagnostics. `documentUri` resolves same-file related locations. */
export function toDiagnostics(findings: readonly Finding[], documentUri: string, version: number): Diagnostic[] {
  return findings.map((finding) => {
    const diagnostic: Diagnostic = {
      range: finding.range,
      severity: SEVERITIES[finding.severity],
      code: finding.ruleId,
      source: DIAGNOSTIC_SOURCE,
      message: finding.message,
    };
    // Only rules have documentation pages; `syntax-error` is reported by the parser, not a rule.
    if (findRule(finding.ruleId)) diagnostic.codeDescription = { href: ruleDocsUrl(finding.ruleId) };
    if (finding.related.length > 0) {
      diagnostic.relatedInformation = finding.related.map((related): DiagnosticRelatedInformation => ({
        location: { uri: related.file ? toUri(related.file) : documentUri, range: related.range },
        message: related.message,
      }));
    }
    const data: DiagnosticData = { ruleId: finding.ruleId, version, fixes: finding.fixes };
    diagnostic.data = data;
    return diagnostic;
  });
}

/** A file path or a URI, as a URI. */
export function toUri(fileOrUri: string): string {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]+:/.test(fileOrUri) && !/^[a-zA-Z]:[\\/]/.test(fileOrUri)) return fileOrUri;
  return pathToFileURL(fileOrUri).href;
}

/** Reads `DiagnosticData` back from a diagnostic the client returned, or null when it is not ours or malformed. */
export function readDiagnosticData(diagnostic: Diagnostic): DiagnosticData | null {
  const data = diagnostic.data as Partial<DiagnosticData> | undefined;
  if (!data || typeof data !== 'object' || typeof data.ruleId !== 'string' || !Array.isArray(data.fixes)) return null;
  return { ruleId: data.ruleId, version: typeof data.version === 'number' ? data.version : -1, fixes: data.fixes };
}
