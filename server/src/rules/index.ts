import { unknownTemplateVariable } from './unknown-template-variable';
import { templateSyntaxError } from './template-syntax-error';
import { templateInNonTemplatedField } from './template-in-non-templated-field';
import { missingTemplateFile } from './missing-template-file';
import { catchupEnabled } from './catchup-enabled';
import { missingRetries } from './missing-retries';
import { nonIdempotentTask } from './non-idempotent-task';
import { heavyXcom } from './heavy-xcom';
import { dagCycle } from './dag-cycle';
import { duplicateDagId } from './duplicate-dag-id';
import { branchJoinTriggerRule } from './branch-join-trigger-rule';
import { dependsOnPast } from './depends-on-past';
import { duplicateDependency } from './duplicate-dependency';
import { duplicateTaskId } from './duplicate-task-id';
import { hardcodedSecret } from './hardcoded-secret';
import { missingDagrunTimeout } from './missing-dagrun-timeout';
import { missingExecutionTimeout } from './missing-execution-timeout';
import { missingFailureAlert } from './missing-failure-alert';
import { mixedDependencyDirections } from './mixed-dependency-directions';
import { movedImport } from './moved-import';
import { naiveStartDate } from './naive-start-date';
import { orphanTask } from './orphan-task';
import { removedContextKey } from './removed-context-key';
import { removedOperatorArgument } from './removed-operator-argument';
import { scheduleIntervalDeprecated } from './schedule-interval-deprecated';
import { sensorPokeMode } from './sensor-poke-mode';
import { subdagRemoved } from './subdag-removed';
import { taskIdMismatch } from './task-id-mismatch';
import { taskWithoutDag } from './task-without-dag';
import { topLevelCode } from './top-level-code';
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
  catchupEnabled,
  missingRetries,
  nonIdempotentTask,
  heavyXcom,
  duplicateDagId,
  duplicateTaskId,
  duplicateDependency,
  taskWithoutDag,
  orphanTask,
  branchJoinTriggerRule,
  taskIdMismatch,
  mixedDependencyDirections,
  missingExecutionTimeout,
  missingDagrunTimeout,
  missingFailureAlert,
  sensorPokeMode,
  dependsOnPast,
  naiveStartDate,
  topLevelCode,
  hardcodedSecret,
  scheduleIntervalDeprecated,
  subdagRemoved,
  removedContextKey,
  removedOperatorArgument,
  movedImport,
  unknownSuppression,
];

/** Looks a rule up by id. */
export function findRule(id: string): Rule | undefined {
  return allRules.find((rule) => rule.meta.id === id);
}
