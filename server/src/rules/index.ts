import { unknownTemplateVariable } from './unknown-template-variable';
import { templateSyntaxError } from './template-syntax-error';
import { templateInNonTemplatedField } from './template-in-non-templated-field';
import { missingTemplateFile } from './missing-template-file';
import { dagCycle } from './dag-cycle';
import { duplicateDagId } from './duplicate-dag-id';
import type { Rule } from './rule';
import { unknownSuppression } from './unknown-suppression';

/**
 * Every rule, in the order the docs index lists them. To add a rule: one file under `rules/` exporting
 * a `Rule`, one import and one entry here, a fixture folder under `test/fixtures/rules/<id>/`, then
 * `npm run gen` to write its docs page and setting.
 */
export const allRules: Rule[] = [
  unknownTemplateVariable,
  templateInNonTemplatedField,
  templateSyntaxError,
  missingTemplateFile,
  dagCycle,
  duplicateDagId,
  unknownSuppression,
];

/** Looks a rule up by id. */
export function findRule(id: string): Rule | undefined {
  return allRules.find((rule) => rule.meta.id === id);
}
