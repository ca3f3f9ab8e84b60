import type { Range } from '../analyzer/model';
import { ruleDocsUrl, REPOSITORY_URL } from '../rules/docs-url';
import { allRules } from '../rules/index';
import type { Finding, Severity } from '../rules/rule';

/** The findings of one checked file, as `dagstudio check` reports them. */
export interface CheckedFile {
  /** As shown to the user (relative to the working folder when inside it). */
  file: string;
  findings: Finding[];
}

export type CheckFormat = 'text' | 'json' | 'sarif';

export const CHECK_FORMATS: readonly CheckFormat[] = ['text', 'json', 'sarif'];

/** Severities from most to least severe; `--fail-on X` fails for X and everything before it. */
export const SEVERITY_ORDER: readonly Severity[] = ['error', 'warning', 'information', 'hint'];

export function isAtLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_ORDER.indexOf(severity) <= SEVERITY_ORDER.indexOf(threshold);
}

/** `path:line:col: severity [rule-id] message`, 1-based like compilers print, then a summary line. */
export function formatText(files: readonly CheckedFile[]): string {
  const lines: string[] = [];
  const counts: Record<Severity, number> = { error: 0, warning: 0, information: 0, hint: 0 };
  let filesWithFindings = 0;
  for (const { file, findings } of files) {
    if (findings.length > 0) filesWithFindings++;
    for (const finding of findings) {
      counts[finding.severity]++;
      const { line, character } = finding.range.start;
      lines.push(`${file}:${line + 1}:${character + 1}: ${finding.severity} [${finding.ruleId}] ${finding.message.replace(/\r?\n/g, ' ')}`);
    }
  }
  const total = SEVERITY_ORDER.reduce((sum, severity) => sum + counts[severity], 0);
  const checked = `${files.length} file${files.length === 1 ? '' : 's'} checked`;
  if (total === 0) {
    lines.push(`No problems found (${checked}).`);
  } else {
    const parts = SEVERITY_ORDER.filter((severity) => counts[severity] > 0).map((severity) => plural(counts[severity], severity));
    lines.push(`${plural(total, 'problem')} (${parts.join(', ')}) in ${plural(filesWithFindings, 'file')} (${checked}).`);
  }
  return `${lines.join('\n')}\n`;
}

function plural(count: number, noun: string): string {
  if (noun === 'information' || noun === 'hint') return `${count} ${noun}${noun === 'hint' && count !== 1 ? 's' : ''}`;
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** `{"files":[{"file","diagnostics":[{"rule","severity","message","range"}]}]}`, 0-based LSP ranges. */
export function formatJson(files: readonly CheckedFile[]): string {
  const document = {
    files: files.map(({ file, findings }) => ({
      file,
      diagnostics: findings.map((finding) => ({ rule: finding.ruleId, severity: finding.severity, message: finding.message, range: finding.range })),
    })),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

const SARIF_LEVELS: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

/**
 * SARIF 2.1.0, as GitHub code scanning and other CI viewers read it: every rule with its docs link,
 * each finding with its location (1-based lines and UTF-16 columns, SARIF's default column kind) and
 * related locations.
 */
export function formatSarif(files: readonly CheckedFile[], version: string): string {
  const usedRuleIds = new Set(files.flatMap(({ findings }) => findings.map((finding) => finding.ruleId)));
  const rules = allRules.map((rule) => ({
    id: rule.meta.id,
    shortDescription: { text: rule.meta.summary },
    helpUri: ruleDocsUrl(rule.meta.id),
    defaultConfiguration: { level: rule.meta.defaultSeverity === 'off' ? 'none' : SARIF_LEVELS[rule.meta.defaultSeverity] },
    properties: { category: rule.meta.category },
  }));
  for (const ruleId of usedRuleIds) {
    if (!rules.some((rule) => rule.id === ruleId)) {
      rules.push({ id: ruleId, shortDescription: { text: ruleId }, helpUri: REPOSITORY_URL, defaultConfiguration: { level: 'error' }, properties: { category: 'structure' } });
    }
  }
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const results = files.flatMap(({ file, findings }) => findings.map((finding) => {
    const result: Record<string, unknown> = {
      ruleId: finding.ruleId,
      ruleIndex: ruleIndex.get(finding.ruleId),
      level: SARIF_LEVELS[finding.severity],
      message: { text: finding.message },
      locations: [location(file, finding.range)],
    };
    if (finding.related.length > 0) {
      result['relatedLocations'] = finding.related.map((related, index) => ({
        id: index,
        ...location(related.file ?? file, related.range),
        message: { text: related.message },
      }));
    }
    return result;
  }));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'dagstudio', fullName: 'Airflow DAG Studio', version, informationUri: REPOSITORY_URL, rules } },
      columnKind: 'utf16CodeUnits',
      results,
    }],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function location(file: string, range: Range) {
  return {
    physicalLocation: {
      artifactLocation: { uri: file.split('\\').join('/') },
      region: {
        startLine: range.start.line + 1,
        startColumn: range.start.character + 1,
        endLine: range.end.line + 1,
        endColumn: range.end.character + 1,
      },
    },
  };
}
