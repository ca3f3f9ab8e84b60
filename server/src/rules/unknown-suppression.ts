import type { Rule } from './rule';

/**
 * A suppression comment naming a rule that does not exist. The engine, which knows the registry,
 * reports it while reading the suppression comments; `check` has nothing to do on its own.
 */
export const unknownSuppression: Rule = {
  meta: {
    id: 'unknown-suppression',
    summary: 'A `# dagstudio: ignore[...]` comment names a rule that does not exist.',
    defaultSeverity: 'warning',
    category: 'structure',
    fix: 'none',
    messages: {
      unknown: 'Unknown rule "{id}" in a dagstudio suppression comment; it suppresses nothing.',
      unknownWithSuggestion: 'Unknown rule "{id}" in a dagstudio suppression comment; did you mean "{suggestion}"?',
    },
    docs: {
      whatItDoes: 'Checks that every rule id in a `# dagstudio: ignore[...]` or `# dagstudio: ignore-file[...]` comment names an existing rule.',
      whyIsThisBad:
        'A misspelt id suppresses nothing, so the finding it was meant to silence keeps coming back, or—worse—a later rename leaves stale comments that nobody notices.',
      example: 'extract >> load  # dagstudio: ignore[dag-cycles]',
      useInstead: 'extract >> load  # dagstudio: ignore[dag-cycle]',
    },
  },
  check() {
    // Reported by the engine: see `runRules`.
  },
};
