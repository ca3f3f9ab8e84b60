import type { FileModel } from '../analyzer/model';
import type { AirflowMajor, AnalysisConfig, RuleLevel } from '../rules/rule';

/** The target Airflow version as a user sets it: `auto` decides per file. */
export type AirflowVersionSetting = 'auto' | AirflowMajor;

export type OptionValue = number | string | boolean;

/**
 * Settings as a user writes them, in VS Code or in `[tool.dagstudio]`. They become an
 * `AnalysisConfig` per file once the Airflow version is resolved (`toAnalysisConfig`).
 */
export interface DagStudioSettings {
  airflowVersion: AirflowVersionSetting;
  /** Per-rule level overrides; rules not named run at their default level. */
  rules: Record<string, RuleLevel>;
  /** Per-rule option values, keyed by rule id then option name (as in the rule's metadata). */
  options: Record<string, Record<string, OptionValue>>;
}

export const DEFAULT_SETTINGS: Readonly<DagStudioSettings> = Object.freeze({
  airflowVersion: 'auto',
  rules: {},
  options: {},
});

/** The levels a rule may be set to, in the order the settings UI lists them. */
export const RULE_LEVELS: readonly RuleLevel[] = ['off', 'error', 'warning', 'information', 'hint'];

/**
 * The Airflow major version a file is checked against. `auto` means 3 when the file imports from
 * `airflow.sdk` (the Airflow 3 authoring interface), else 2.
 */
export function resolveAirflowVersion(file: Pick<FileModel, 'imports'>, setting: AirflowVersionSetting): AirflowMajor {
  if (setting !== 'auto') return setting;
  const usesSdk = file.imports.some((fact) => fact.qualifiedName === 'airflow.sdk' || fact.qualifiedName.startsWith('airflow.sdk.'));
  return usesSdk ? 3 : 2;
}

/** The configuration the rule engine runs with for one file. */
export function toAnalysisConfig(settings: DagStudioSettings, file: Pick<FileModel, 'imports'>): AnalysisConfig {
  return {
    airflowVersion: resolveAirflowVersion(file, settings.airflowVersion),
    rules: settings.rules,
    options: settings.options,
  };
}

/**
 * Layers settings: later layers win key by key (a rule level or option set in a later layer replaces
 * the earlier one; everything else is kept). The server and the CLI both use defaults → VS Code
 * settings → `[tool.dagstudio]`, so the project file decides and the editor matches the CLI.
 */
export function mergeSettings(...layers: Partial<DagStudioSettings>[]): DagStudioSettings {
  const merged: DagStudioSettings = { airflowVersion: DEFAULT_SETTINGS.airflowVersion, rules: {}, options: {} };
  for (const layer of layers) {
    if (layer.airflowVersion !== undefined) merged.airflowVersion = layer.airflowVersion;
    Object.assign(merged.rules, layer.rules ?? {});
    for (const [ruleId, values] of Object.entries(layer.options ?? {})) {
      merged.options[ruleId] = { ...(merged.options[ruleId] ?? {}), ...values };
    }
  }
  return merged;
}
