import { allRules } from '../rules/index';
import type { Rule, RuleLevel } from '../rules/rule';
import { RULE_LEVELS, type AirflowVersionSetting, type DagStudioSettings, type OptionValue } from './settings';

/** Where settings came from; decides how keys are named in messages. */
export type ConfigSource = 'vscode' | 'pyproject';

export interface ConfigProblem {
  /** The key as the user wrote it, in the source's notation (`dagstudio.rules.dag-cycle`, `[tool.dagstudio.rules] dag-cycle`). */
  key: string;
  message: string;
}

export interface ValidatedSettings {
  /** Only the keys that were present and valid: merge it over defaults with `mergeSettings`. */
  settings: Partial<DagStudioSettings>;
  problems: ConfigProblem[];
}

export interface ValidateOptions {
  rules?: readonly Rule[];
  /** Top-level keys that other parts of the product read (`exclude`, `trace`…): accepted without checking. */
  otherKeys?: readonly string[];
}

/** Top-level keys owned by other components (CLI, graph, server); not reported as unknown. */
const OTHER_COMPONENT_KEYS = ['exclude', 'include', 'trace', 'graph', 'server', 'enable', 'cli'];

/**
 * Validates a plain object of settings — `getConfiguration('dagstudio')` in the editor, or the
 * `[tool.dagstudio]` table of pyproject.toml — and keeps what is valid. Never throws: every bad value
 * becomes a problem naming its key, and is left out.
 *
 * Keys: `airflowVersion` / `airflow-version` (`"auto"`, 2, 3); `rules` (rule id → level); `options`
 * (VS Code: `ruleOptions`; rule id → option name → value; option names camelCase or kebab-case).
 */
export function validateSettings(raw: unknown, source: ConfigSource, validateOptions: ValidateOptions = {}): ValidatedSettings {
  const rules = validateOptions.rules ?? allRules;
  const problems: ConfigProblem[] = [];
  const settings: Partial<DagStudioSettings> = {};
  const naming = source === 'pyproject' ? pyprojectNaming : vscodeNaming;
  if (raw === undefined || raw === null) return { settings, problems };
  if (!isPlainObject(raw)) {
    problems.push({ key: naming.root, message: `${naming.root}: expected a table of settings, got ${describe(raw)}` });
    return { settings, problems };
  }
  const rulesById = new Map(rules.map((rule) => [rule.meta.id, rule]));
  const otherKeys = new Set([...OTHER_COMPONENT_KEYS, ...(validateOptions.otherKeys ?? [])]);

  for (const [key, value] of Object.entries(raw)) {
    const normalized = camelCase(key);
    if (normalized === 'airflowVersion') {
      const version = parseAirflowVersion(value);
      if (version === null) problems.push(problem(naming.top(key), `expected one of "auto", 2, 3, got ${describe(value)}`));
      else settings.airflowVersion = version;
    } else if (normalized === 'rules') {
      settings.rules = validateRuleLevels(value, rulesById, naming, problems);
    } else if (normalized === 'options' || normalized === 'ruleOptions') {
      settings.options = validateRuleOptions(value, key, rulesById, naming, problems);
    } else if (!otherKeys.has(normalized) && !otherKeys.has(key) && source === 'pyproject') {
      problems.push(problem(naming.top(key), `unknown setting; expected airflow-version, rules or options`));
    }
  }
  return { settings, problems };
}

interface Naming {
  root: string;
  /** An option's name as this source spells it. */
  optionName(name: string): string;
  top(key: string): string;
  rule(rulesKey: string, ruleId: string): string;
  option(optionsKey: string, ruleId: string, option: string): string;
}

const pyprojectNaming: Naming = {
  root: '[tool.dagstudio]',
  optionName: (name) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`),
  top: (key) => `[tool.dagstudio] ${key}`,
  rule: (rulesKey, ruleId) => `[tool.dagstudio.${rulesKey}] ${ruleId}`,
  option: (optionsKey, ruleId, option) => `[tool.dagstudio.${optionsKey}.${ruleId}] ${option}`,
};

const vscodeNaming: Naming = {
  root: 'dagstudio',
  optionName: (name) => name,
  top: (key) => `dagstudio.${key}`,
  rule: (rulesKey, ruleId) => `dagstudio.${rulesKey}.${ruleId}`,
  option: (optionsKey, ruleId, option) => `dagstudio.${optionsKey}.${ruleId}.${option}`,
};

function validateRuleLevels(value: unknown, rulesById: Map<string, Rule>, naming: Naming, problems: ConfigProblem[]): Record<string, RuleLevel> {
  const levels: Record<string, RuleLevel> = {};
  if (!isPlainObject(value)) {
    problems.push(problem(naming.top('rules'), `expected a table of rule ids to levels, got ${describe(value)}`));
    return levels;
  }
  for (const [ruleId, level] of Object.entries(value)) {
    const key = naming.rule('rules', ruleId);
    if (!rulesById.has(ruleId)) {
      problems.push(problem(key, 'unknown rule id'));
      continue;
    }
    // `default` is what the settings UI shows for a rule nobody configured: no override.
    if (level === 'default') continue;
    const normalized = typeof level === 'string' ? normalizeLevel(level) : null;
    if (normalized === null) {
      problems.push(problem(key, `expected one of ${RULE_LEVELS.join(', ')}, got ${describe(level)}`));
      continue;
    }
    levels[ruleId] = normalized;
  }
  return levels;
}

function validateRuleOptions(
  value: unknown,
  optionsKey: string,
  rulesById: Map<string, Rule>,
  naming: Naming,
  problems: ConfigProblem[],
): Record<string, Record<string, OptionValue>> {
  const options: Record<string, Record<string, OptionValue>> = {};
  if (!isPlainObject(value)) {
    problems.push(problem(naming.top(optionsKey), `expected a table of rule ids to option tables, got ${describe(value)}`));
    return options;
  }
  for (const [ruleId, table] of Object.entries(value)) {
    const rule = rulesById.get(ruleId);
    if (!rule) {
      problems.push(problem(`${naming.top(optionsKey)}.${ruleId}`, 'unknown rule id'));
      continue;
    }
    if (!isPlainObject(table)) {
      problems.push(problem(`${naming.top(optionsKey)}.${ruleId}`, `expected a table of options, got ${describe(table)}`));
      continue;
    }
    const declared = rule.meta.options ?? {};
    for (const [name, optionValue] of Object.entries(table)) {
      const key = naming.option(optionsKey, ruleId, name);
      const optionName = camelCase(name);
      const option = declared[optionName];
      if (!option) {
        const known = Object.keys(declared).map((known) => naming.optionName(known));
        problems.push(problem(key, known.length > 0 ? `unknown option; ${ruleId} has ${known.join(', ')}` : `unknown option; ${ruleId} has no options`));
        continue;
      }
      const checked = checkOptionValue(option.type, optionValue);
      if (checked === null) {
        problems.push(problem(key, `expected ${option.type === 'number' ? 'a non-negative number' : `a ${option.type}`}, got ${describe(optionValue)}`));
        continue;
      }
      (options[ruleId] ??= {})[optionName] = checked;
    }
  }
  return options;
}

function checkOptionValue(type: 'number' | 'string' | 'boolean', value: unknown): OptionValue | null {
  if (type === 'number') {
    if (typeof value === 'bigint') return value >= 0n && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : null;
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
  }
  if (type === 'boolean') return typeof value === 'boolean' ? value : null;
  return typeof value === 'string' ? value : null;
}

function parseAirflowVersion(value: unknown): AirflowVersionSetting | null {
  if (value === 'auto') return 'auto';
  if (value === 2 || value === '2' || value === 2n) return 2;
  if (value === 3 || value === '3' || value === 3n) return 3;
  return null;
}

function normalizeLevel(level: string): RuleLevel | null {
  const lower = level.toLowerCase();
  if (lower === 'info') return 'information';
  return (RULE_LEVELS as readonly string[]).includes(lower) ? (lower as RuleLevel) : null;
}

function problem(key: string, message: string): ConfigProblem {
  return { key, message: `${key}: ${message}` };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function camelCase(key: string): string {
  return key.replace(/[-_]([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'a table';
  return String(value);
}
