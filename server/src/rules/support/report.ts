import type { Report, RuleContext } from '../rule';
import { rangeKey } from './expressions';

/**
 * The same context, reporting each message at each place once. A DAG built in a loop or a factory
 * called several times is one piece of code that the model sees as several DAGs; the user should see
 * one finding where the code is, not one per iteration.
 */
export function deduplicated(context: RuleContext): RuleContext {
  const seen = new Set<string>();
  return {
    file: context.file,
    text: context.text,
    config: context.config,
    ...(context.workspace ? { workspace: context.workspace } : {}),
    option: (name) => context.option(name),
    report(report: Report) {
      const key = `${report.messageId}@${rangeKey(report.range)}`;
      if (seen.has(key)) return;
      seen.add(key);
      context.report(report);
    },
  };
}
