/** Where the project's sources live; kept equal to `repository.url` in package.json (a unit test checks). */
export const REPOSITORY_URL = 'https://github.com/dagstudio/airflow-dag-studio';

/** The documentation page of a rule, for a diagnostic's `codeDescription.href`. */
export function ruleDocsUrl(ruleId: string): string {
  return `${REPOSITORY_URL}/blob/main/docs/rules/${encodeURIComponent(ruleId)}.md`;
}
