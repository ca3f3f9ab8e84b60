import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classify } from '../../../server/src/analyzer/names';

test('qualified names classify into the Airflow constructs the model understands', () => {
  const kinds: [string, string | null, boolean?][] = [
    ['airflow.DAG', 'dag-class'],
    ['airflow.models.DAG', 'dag-class'],
    ['airflow.models.dag.DAG', 'dag-class'],
    ['airflow.sdk.DAG', 'dag-class'],
    ['airflow.decorators.dag', 'dag-decorator'],
    ['airflow.sdk.dag', 'dag-decorator'],
    ['airflow.sdk.task', 'task-decorator'],
    ['airflow.decorators.task.branch', 'task-decorator'],
    ['airflow.sdk.task_group', 'task-group-decorator'],
    ['airflow.utils.task_group.TaskGroup', 'task-group-class'],
    ['airflow.sdk.TaskGroup', 'task-group-class'],
    ['airflow.models.baseoperator.chain', 'chain'],
    ['airflow.sdk.chain_linear', 'chain-linear'],
    ['airflow.models.baseoperator.cross_downstream', 'cross-downstream'],
    ['airflow.utils.edgemodifier.Label', 'label'],
    ['airflow.sdk.setup', 'setup-decorator'],
    ['airflow.decorators.teardown', 'teardown-decorator'],
    ['airflow.operators.bash.BashOperator', 'operator-class'],
    ['airflow.providers.standard.operators.python.PythonOperator', 'operator-class'],
    ['airflow.providers.amazon.aws.sensors.s3.S3KeySensor', 'operator-class'],
    ['airflow.providers.standard.sensors.date_time.DateTimeSensorAsync', 'operator-class'],
    ['airflow.providers.amazon.aws.transfers.s3_to_redshift.S3ToRedshiftOperator', 'operator-class'],
    ['company.plugins.CustomOperator', 'operator-class'],
    ['airflow.providers.standard.sensors.external_task.ExternalTaskMarker', 'operator-class', true],
    ['airflow.providers.standard.sensors.external_task.ExternalTaskMarker', null, false],
    ['airflow.sensors.base.PokeReturnValue', null, false],
    ['airflow.models.baseoperator.BaseOperator', null],
    ['airflow.operators.python.get_current_context', null, true],
    ['airflow.models.Variable', null],
    ['pendulum.datetime', null],
  ];
  for (const [name, kind, hasTaskId] of kinds) {
    assert.equal(classify(name, hasTaskId ?? false)?.kind ?? null, kind, name);
  }
  assert.deepEqual(classify('airflow.sdk.task.virtualenv'), { kind: 'task-decorator', flavour: 'virtualenv' });
  assert.deepEqual(classify('airflow.decorators.task'), { kind: 'task-decorator', flavour: 'python' });
});
