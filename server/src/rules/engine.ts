import type { FileModel } from '../analyzer/model';
import { allRules } from './index';
import type { AnalysisConfig, FileAccess, Finding, Report, Rule, RuleContext, RuleLevel, RuleMeta, Severity, WorkspaceView } from './rule';
import { parseSuppressions, SuppressionIndex, type SuppressionDirective } from './suppression';
import { compareRanges } from './text';
import { unknownSuppression } from './unknown-suppression';

export interface RunRulesOptions {
  /** The rule set; the registry by default (tests pass a subset). */
  rules?: readonly Rule[];
  /**
   * Called when a rule throws. The rule's findings for this file are dropped and the others still
   * run: a bug in one rule must never hide the rest, nor show the user a stack trace.
   */
  onRuleError?: (ruleId: string, error: unknown) => void;
  /** The rest of the workspace, for rules that compare files (`duplicate-dag-id`); absent for a lone file. */
  workspace?: WorkspaceView;
  /** Files beside the document (template files), for rules that follow references to them; absent for unsaved buffers. */
  files?: FileAccess;
}

/** The level a rule runs at under `config`: the user's override, else the rule's default for the target version. */
export function effectiveLevel(meta: RuleMeta, config: AnalysisConfig): RuleLevel {
  return config.rules[meta.id] ?? meta.defaultSeverityByVersion?.[config.airflowVersion] ?? meta.defaultSeverity;
}

/** True when the rule runs at all for this configuration (not `off`, and meant for the target Airflow version). */
export function isRuleEnabled(meta: RuleMeta, config: AnalysisConfig): boolean {
  if (effectiveLevel(meta, config) === 'off') return false;
  return !meta.airflowVersions || meta.airflowVersions.includes(config.airflowVersion);
}

/** Fills `{name}` placeholders; an unknown placeholder is left as written so the gap is visible. */
export function formatMessage(template: string, args: Record<string, string | number> | undefined): string {
  if (!args) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in args ? String(args[name]) : whole));
}

/**
 * Runs every enabled rule over one analysed file and returns its findings in document order, with
 * messages filled in, severities as configured, and suppression comments applied. Pure: it reads
 * only its arguments. Files that never import airflow have no findings.
 */
export function runRules(file: FileModel, text: string, config: AnalysisConfig, options: RunRulesOptions = {}): Finding[] {
  if (!file.importsAirflow) return [];
  const rules = options.rules ?? allRules;
  const directives = parseSuppressions(file.comments);
  const suppressions = new SuppressionIndex(directives);
  const findings: Finding[] = [];

  for (const rule of rules) {
    if (rule === unknownSuppression || !isRuleEnabled(rule.meta, config)) continue;
    const severity = effectiveLevel(rule.meta, config) as Severity;
    const reported: Finding[] = [];
    try {
      rule.check(createContext(rule.meta, file, text, config, (report) => reported.push(toFinding(rule.meta, severity, report)), options.workspace, options.files));
    } catch (error) {
      options.onRuleError?.(rule.meta.id, error);
      continue;
    }
    // One finding per rule and place: a DAG factory called for several DAGs makes the model repeat
    // the same code once per DAG, and its author wants one squiggle there, not one per call.
    const places = new Set<string>();
    for (const finding of reported) {
      const { start, end } = finding.range;
      const place = `${start.line}:${start.character}-${end.line}:${end.character}`;
      if (places.has(place)) continue;
      places.add(place);
      if (!suppressions.isSuppressed(finding.ruleId, finding.range.start.line)) findings.push(finding);
    }
  }

  if (isRuleEnabled(unknownSuppression.meta, config) && directives.length > 0) {
    const severity = effectiveLevel(unknownSuppression.meta, config) as Severity;
    const knownIds = new Set(allRules.map((rule) => rule.meta.id));
    for (const rule of rules) knownIds.add(rule.meta.id);
    for (const report of unknownSuppressionReports(directives, knownIds)) {
      const finding = toFinding(unknownSuppression.meta, severity, report);
      if (!suppressions.isSuppressed(finding.ruleId, finding.range.start.line)) findings.push(finding);
    }
  }

  return findings.sort((a, b) => compareRanges(a.range, b.range) || a.ruleId.localeCompare(b.ruleId));
}

function createContext(
  meta: RuleMeta,
  file: FileModel,
  text: string,
  config: AnalysisConfig,
  report: (report: Report) => void,
  workspace: WorkspaceView | undefined,
  files?: FileAccess,
): RuleContext {
  return {
    file,
    ...(workspace ? { workspace } : {}),
    ...(files ? { files } : {}),
    text,
    config,
    option<T extends number | string | boolean>(name: string): T {
      const configured = config.options[meta.id]?.[name];
      if (configured !== undefined) return configured as T;
      return meta.options?.[name]?.default as T;
    },
    report,
  };
}

function toFinding(meta: RuleMeta, severity: Severity, report: Report): Finding {
  const template = meta.messages[report.messageId] ?? report.messageId;
  return {
    ruleId: meta.id,
    message: formatMessage(template, report.args),
    range: report.range,
    severity,
    related: (report.related ?? []).map((related) => ({ ...related })),
    fixes: report.fixes ?? [],
  };
}

function unknownSuppressionReports(directives: readonly SuppressionDirective[], knownIds: ReadonlySet<string>): Report[] {
  const reports: Report[] = [];
  for (const directive of directives) {
    for (const { id, range } of directive.ruleIds) {
      if (knownIds.has(id)) continue;
      const suggestion = closestId(id, knownIds);
      reports.push(suggestion
        ? { messageId: 'unknownWithSuggestion', args: { id, suggestion }, range }
        : { messageId: 'unknown', args: { id }, range });
    }
  }
  return reports;
}

/** The known id within a small edit distance of `id`, to catch typos (`dag-cycles`). */
function closestId(id: string, knownIds: ReadonlySet<string>): string | null {
  let best: string | null = null;
  let bestDistance = Math.max(2, Math.floor(id.length / 4)) + 1;
  for (const known of knownIds) {
    const distance = editDistance(id, known, bestDistance);
    if (distance < bestDistance) {
      best = known;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance, giving up (returning `limit`) once it must exceed `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, column) => column);
  for (let row = 1; row <= a.length; row++) {
    const current = [row];
    let rowMinimum = row;
    for (let column = 1; column <= b.length; column++) {
      const cost = a[row - 1] === b[column - 1] ? 0 : 1;
      const value = Math.min(previous[column]! + 1, current[column - 1]! + 1, previous[column - 1]! + cost);
      current.push(value);
      rowMinimum = Math.min(rowMinimum, value);
    }
    if (rowMinimum >= limit) return limit;
    previous = current;
  }
  return Math.min(previous[b.length]!, limit);
}
