import type { Rule, RuleMeta } from './rule';
import { RULE_LEVELS } from '../config/settings';
import { ruleDocsUrl } from './docs-url';

/**
 * Everything generated from rule metadata: one docs page per rule, the docs index (with the
 * configuration reference), and the settings schema in package.json. `npm run gen` writes them; a unit
 * test fails when what is committed differs from what the metadata says.
 */

/** Settings keys this module owns in `contributes.configuration.properties`; others are left alone. */
export function isGeneratedSettingKey(key: string): boolean {
  return key === 'dagstudio.airflowVersion' || key.startsWith('dagstudio.rules.') || key.startsWith('dagstudio.ruleOptions.');
}

/** The docs files, by path relative to the repository root. */
export function generatedDocs(rules: readonly Rule[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const rule of rules) files.set(`docs/rules/${rule.meta.id}.md`, renderRuleDoc(rule.meta));
  files.set('docs/rules/README.md', renderRulesIndex(rules));
  return files;
}

function levelDescription(meta: RuleMeta): string {
  const byVersion = meta.defaultSeverityByVersion ?? {};
  const versions = Object.entries(byVersion).filter(([, level]) => level !== meta.defaultSeverity);
  if (versions.length === 0) return meta.defaultSeverity;
  return `${meta.defaultSeverity} (${versions.map(([version, level]) => `${level} when targeting Airflow ${version}`).join(', ')})`;
}

function fixDescription(meta: RuleMeta): string {
  if (meta.fix === 'safe') return 'safe (applied by `dagstudio check --fix`)';
  if (meta.fix === 'unsafe') return 'available, not applied automatically';
  return 'none';
}

function versionsDescription(meta: RuleMeta): string {
  return meta.airflowVersions ? meta.airflowVersions.map((version) => `Airflow ${version}`).join(', ') : 'Airflow 2 and 3';
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

function tomlValue(value: number | string | boolean): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** The markdown page of one rule. */
export function renderRuleDoc(meta: RuleMeta): string {
  const lines: string[] = [
    `# ${meta.id}`,
    '',
    `${meta.summary}`,
    '',
    '| | |',
    '| --- | --- |',
    `| Rule id | \`${meta.id}\` |`,
    `| Default severity | ${levelDescription(meta)} |`,
    `| Category | ${meta.category} |`,
    `| Fix | ${fixDescription(meta)} |`,
    `| Applies to | ${versionsDescription(meta)} |`,
    `| Ruff overlap | ${meta.ruff && meta.ruff.length > 0 ? meta.ruff.map((code) => `\`${code}\``).join(', ') : 'none'} |`,
    '',
    '## What it does',
    '',
    meta.docs.whatItDoes,
    '',
    '## Why is this bad?',
    '',
    meta.docs.whyIsThisBad,
    '',
    '## Example',
    '',
    '```python',
    meta.docs.example,
    '```',
    '',
    '## Use instead',
    '',
    '```python',
    meta.docs.useInstead,
    '```',
    '',
  ];
  if (meta.fix !== 'none') {
    lines.push('## Fix safety', '', meta.docs.fixSafety ?? (meta.fix === 'safe' ? 'The fix is safe.' : 'The fix may change behaviour; review it before applying.'), '');
  }
  const options = Object.entries(meta.options ?? {});
  if (options.length > 0) {
    lines.push('## Options', '', '| Option | Type | Default | Description |', '| --- | --- | --- | --- |');
    for (const [name, option] of options) lines.push(`| \`${kebab(name)}\` | ${option.type} | \`${tomlValue(option.default)}\` | ${option.description} |`);
    lines.push('');
  }
  lines.push('## Messages', '');
  for (const message of Object.values(meta.messages)) lines.push(`- ${message}`);
  lines.push('', '## Configuration', '', '```toml', '[tool.dagstudio.rules]', `${meta.id} = "warning"  # or off, error, information, hint`);
  if (options.length > 0) {
    lines.push('', `[tool.dagstudio.options.${meta.id}]`);
    for (const [name, option] of options) lines.push(`${kebab(name)} = ${tomlValue(option.default)}`);
  }
  lines.push('```', '', `Silence it on one line with \`# dagstudio: ignore[${meta.id}]\`, or in a whole file with \`# dagstudio: ignore-file[${meta.id}]\`.`, '');
  return lines.join('\n');
}

/** Index sections, in reading order: what breaks the DAG first, migration last. */
const CATEGORY_TITLES: [RuleMeta['category'], string][] = [
  ['structure', 'Structure'],
  ['reliability', 'Reliability'],
  ['operations', 'Operations'],
  ['performance', 'Performance'],
  ['security', 'Security'],
  ['templates', 'Templates'],
  ['airflow3', 'Airflow 3 readiness'],
];

/** The docs index: every rule by category, then the configuration reference. */
export function renderRulesIndex(rules: readonly Rule[]): string {
  const lines = [
    '# Rules',
    '',
    'Every rule Airflow DAG Studio checks, with its default severity and whether it has an automatic fix.',
    'This page and the rule pages are generated from the rules\' metadata (`npm run gen`).',
  ];
  for (const [category, title] of CATEGORY_TITLES) {
    const inCategory = rules.filter(({ meta }) => meta.category === category).sort((a, b) => a.meta.id.localeCompare(b.meta.id));
    if (inCategory.length === 0) continue;
    lines.push('', `## ${title}`, '', '| Rule | Summary | Default | Fix | Ruff |', '| --- | --- | --- | --- | --- |');
    for (const { meta } of inCategory) {
      const ruff = meta.ruff && meta.ruff.length > 0 ? meta.ruff.join(', ') : '';
      lines.push(`| [\`${meta.id}\`](${meta.id}.md) | ${meta.summary.replace(/\|/g, '\\|')} | ${levelDescription(meta)} | ${meta.fix} | ${ruff} |`);
    }
  }
  lines.push(
    '',
    '## Configuration',
    '',
    'The editor and `dagstudio check` read the same settings. In VS Code they are the `dagstudio.*` settings;',
    'in a project they live in a `[tool.dagstudio]` table of the nearest `pyproject.toml` (searching upwards',
    'from the checked file), which wins over the editor settings so the editor and the CLI agree.',
    '',
    '```toml',
    '[tool.dagstudio]',
    '# "auto" (default): Airflow 3 for files importing airflow.sdk, else Airflow 2.',
    'airflow-version = 3',
    '',
    '[tool.dagstudio.rules]',
    '# off, error, warning, information or hint',
    'dag-cycle = "error"',
    'missing-retries = "off"',
    '',
    '[tool.dagstudio.options.heavy-xcom]',
    'max-pulls-per-task = 5',
    '```',
    '',
    '| Key | Values | VS Code setting |',
    '| --- | --- | --- |',
    '| `airflow-version` | `"auto"`, `2`, `3` | `dagstudio.airflowVersion` |',
    '| `rules.<rule-id>` | `off`, `error`, `warning`, `information`, `hint` | `dagstudio.rules.<rule-id>` |',
    '| `options.<rule-id>.<option>` | see the rule\'s page | `dagstudio.ruleOptions.<rule-id>.<option>` |',
    '',
    'A bad value is reported with its key (`[tool.dagstudio.rules] dag-cycle: expected one of off, error,',
    'warning, information, hint, got "loud"`) and ignored; the rest of the table still applies.',
    '',
    '## Suppression comments',
    '',
    '- `# dagstudio: ignore[rule-id]` at the end of a line silences that rule for findings starting on the line;',
    '  `ignore[a, b]` names several, a bare `# dagstudio: ignore` silences every rule there.',
    '- `# dagstudio: ignore-file[rule-id]` anywhere in a file silences the rule in the whole file; a bare',
    '  `# dagstudio: ignore-file` silences every rule there (for generated files).',
    '- A suppression naming an unknown rule is reported as [`unknown-suppression`](unknown-suppression.md).',
    '',
  );
  return lines.join('\n');
}

/** The `contributes.configuration.properties` entries owned by the rules, in a stable order. */
export function settingsProperties(rules: readonly Rule[]): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    'dagstudio.airflowVersion': {
      type: 'string',
      enum: ['auto', '2', '3'],
      enumDescriptions: [
        'Airflow 3 for files that import from `airflow.sdk`, Airflow 2 otherwise.',
        'Check every file against Airflow 2.',
        'Check every file against Airflow 3.',
      ],
      default: 'auto',
      scope: 'resource',
      order: 0,
      markdownDescription: 'The Airflow major version DAG files are checked against. Overridden by `airflow-version` in `[tool.dagstudio]` of the nearest `pyproject.toml`.',
    },
  };
  const ordered = [...rules].sort((a, b) => a.meta.id.localeCompare(b.meta.id));
  for (const { meta } of ordered) {
    properties[`dagstudio.rules.${meta.id}`] = {
      type: 'string',
      enum: ['default', ...RULE_LEVELS],
      enumDescriptions: [
        `The rule's default: ${levelDescription(meta)}.`,
        'Do not run this rule.',
        'Report findings as errors.',
        'Report findings as warnings.',
        'Report findings as information.',
        'Report findings as hints (shown faintly, not in the Problems panel count).',
      ],
      default: 'default',
      scope: 'resource',
      order: 1,
      markdownDescription: `${meta.summary} [Documentation](${ruleDocsUrl(meta.id)})`,
    };
  }
  for (const { meta } of ordered) {
    for (const [name, option] of Object.entries(meta.options ?? {})) {
      properties[`dagstudio.ruleOptions.${meta.id}.${name}`] = {
        type: option.type,
        default: option.default,
        ...(option.type === 'number' ? { minimum: 0 } : {}),
        scope: 'resource',
        order: 2,
        markdownDescription: `\`${meta.id}\`: ${option.description}`,
      };
    }
  }
  return properties;
}

/**
 * The manifest with its rule settings regenerated: keys this module owns are replaced, all other
 * settings keep their place and content.
 */
export function withGeneratedSettings<T extends { contributes?: { configuration?: { properties?: Record<string, unknown> } } }>(manifest: T, rules: readonly Rule[]): T {
  const contributes = manifest.contributes ?? {};
  const configuration = contributes.configuration ?? {};
  const kept = Object.entries(configuration.properties ?? {}).filter(([key]) => !isGeneratedSettingKey(key));
  const properties = { ...Object.fromEntries(kept), ...settingsProperties(rules) };
  return { ...manifest, contributes: { ...contributes, configuration: { ...configuration, properties } } };
}
