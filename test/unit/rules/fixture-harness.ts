import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileModel } from '../../../server/src/analyzer/model';
import { analyzeSource } from '../../../server/src/analyzer/analyze';
import { resolveAirflowVersion, type AirflowVersionSetting } from '../../../server/src/config/settings';
import { runRules } from '../../../server/src/rules/engine';
import { allRules } from '../../../server/src/rules/index';
import type { AnalysisConfig, Finding, RuleLevel } from '../../../server/src/rules/rule';

/**
 * Rule fixtures: `test/fixtures/rules/<rule-id>/*.py`. Expected findings are comments on the lines
 * where they start, `# error: [dag-cycle]`, several per line allowed (`# warning: [a, b]`, or two
 * such comments). A header comment sets the configuration:
 *
 *   # dagstudio-test: airflow-version=2 rules=dag-cycle,heavy-xcom heavy-xcom=hint heavy-xcom.maxPullsPerTask=2
 *
 * `rules=` widens the checked rules beyond the folder's own; `<rule>=<level>` sets a level;
 * `<rule>.<option>=<value>` sets an option; `snapshot=off` keeps the fixture out of snapshots (for
 * fixes that depend on today's date). Only the checked rules' findings are compared.
 */
export const FIXTURES_ROOT = path.join(process.cwd(), 'test', 'fixtures', 'rules');

export interface Fixture {
  ruleId: string;
  /** Path relative to the repository root, for messages. */
  name: string;
  file: string;
  text: string;
}

export interface FixtureSetup {
  config: AnalysisConfig;
  /** False when the header says `snapshot=off` (fixes whose text depends on today's date). */
  snapshot: boolean;
  /** The rules whose findings the fixture pins down. */
  checkedRules: Set<string>;
}

export interface Expectation {
  line: number;
  severity: string;
  ruleId: string;
}

export function listFixtures(): Fixture[] {
  if (!fs.existsSync(FIXTURES_ROOT)) return [];
  const fixtures: Fixture[] = [];
  for (const ruleId of fs.readdirSync(FIXTURES_ROOT).sort()) {
    const folder = path.join(FIXTURES_ROOT, ruleId);
    if (!fs.statSync(folder).isDirectory()) continue;
    for (const name of fs.readdirSync(folder).sort()) {
      if (!name.endsWith('.py')) continue;
      const file = path.join(folder, name);
      fixtures.push({ ruleId, name: path.relative(process.cwd(), file), file, text: fs.readFileSync(file, 'utf8') });
    }
  }
  return fixtures;
}

const HEADER = /#\s*dagstudio-test:(.*)$/m;

/** The configuration a fixture asks for; throws on a malformed header so typos do not pass silently. */
export function fixtureSetup(fixture: Fixture, file: Pick<FileModel, 'imports'>): FixtureSetup {
  let airflowVersion: AirflowVersionSetting = 'auto';
  const rules: Record<string, RuleLevel> = {};
  const options: AnalysisConfig['options'] = {};
  const checkedRules = new Set([fixture.ruleId]);
  let snapshot = true;
  const header = HEADER.exec(fixture.text);
  for (const token of header ? header[1]!.trim().split(/\s+/).filter(Boolean) : []) {
    const [key, value] = token.split('=') as [string, string | undefined];
    if (value === undefined) throw new Error(`${fixture.name}: header item "${token}" is not key=value`);
    if (key === 'airflow-version') {
      if (value !== 'auto' && value !== '2' && value !== '3') throw new Error(`${fixture.name}: airflow-version must be auto, 2 or 3`);
      airflowVersion = value === 'auto' ? 'auto' : (Number(value) as 2 | 3);
    } else if (key === 'snapshot') {
      snapshot = value !== 'off';
    } else if (key === 'rules') {
      for (const id of value.split(',')) checkedRules.add(id);
    } else if (key.includes('.')) {
      const [ruleId, option] = key.split('.') as [string, string];
      const parsed = value === 'true' ? true : value === 'false' ? false : Number.isNaN(Number(value)) ? value : Number(value);
      (options[ruleId] ??= {})[option] = parsed;
    } else {
      rules[key] = value as RuleLevel;
    }
  }
  for (const id of checkedRules) {
    if (!allRules.some((rule) => rule.meta.id === id)) throw new Error(`${fixture.name}: no rule "${id}" is registered`);
  }
  return { config: { airflowVersion: resolveAirflowVersion(file, airflowVersion), rules, options }, checkedRules, snapshot };
}

const EXPECTATION = /#\s*(error|warning|information|hint):\s*\[([^\]]*)\]/g;

/** The expectations written in the fixture's comments. */
export function expectationsOf(file: FileModel): Expectation[] {
  const expectations: Expectation[] = [];
  for (const comment of file.comments) {
    EXPECTATION.lastIndex = 0;
    for (let match = EXPECTATION.exec(comment.text); match; match = EXPECTATION.exec(comment.text)) {
      for (const ruleId of match[2]!.split(',').map((id) => id.trim()).filter(Boolean)) {
        expectations.push({ line: comment.range.start.line, severity: match[1]!, ruleId });
      }
    }
  }
  return expectations;
}

export interface FixtureRun {
  file: FileModel;
  setup: FixtureSetup;
  /** Findings of the checked rules only. */
  findings: Finding[];
  /** Findings of every rule, for checking that a fix introduces nothing new anywhere. */
  allFindings: Finding[];
}

export async function runFixtureText(fixture: Fixture, text: string): Promise<FixtureRun> {
  const file = await analyzeSource(text);
  const setup = fixtureSetup(fixture, file);
  const allFindings = runRules(file, text, setup.config, {
    onRuleError: (ruleId, error) => {
      throw new Error(`${fixture.name}: rule ${ruleId} threw: ${error instanceof Error ? error.stack : String(error)}`);
    },
  });
  const findings = allFindings.filter((finding) => setup.checkedRules.has(finding.ruleId));
  return { file, setup, findings, allFindings };
}

/**
 * Compares findings with expectations as multisets of (line, severity, rule) and describes every
 * difference as `noisy` (found, not expected) or `missing` (expected, not found), with file:line.
 */
export function compareWithExpectations(fixture: Fixture, findings: readonly Finding[], expectations: readonly Expectation[]): string[] {
  const key = (line: number, severity: string, ruleId: string) => `${line}\u0000${severity}\u0000${ruleId}`;
  const remaining = new Map<string, number>();
  for (const expectation of expectations) {
    const id = key(expectation.line, expectation.severity, expectation.ruleId);
    remaining.set(id, (remaining.get(id) ?? 0) + 1);
  }
  const problems: string[] = [];
  for (const finding of findings) {
    const id = key(finding.range.start.line, finding.severity, finding.ruleId);
    const count = remaining.get(id) ?? 0;
    if (count > 0) remaining.set(id, count - 1);
    else problems.push(`noisy: ${fixture.name}:${finding.range.start.line + 1}: ${finding.severity} [${finding.ruleId}] ${finding.message}`);
  }
  for (const [id, count] of remaining) {
    const [line, severity, ruleId] = id.split('\u0000') as [string, string, string];
    for (let index = 0; index < count; index++) problems.push(`missing: ${fixture.name}:${Number(line) + 1}: ${severity} [${ruleId}]`);
  }
  return problems.sort();
}
