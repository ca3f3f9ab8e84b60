/** Settings shared by the editor and the CLI: defaults, validation, pyproject.toml loading. */
export * from './settings';
export * from './validate';
export * from './pyproject';
