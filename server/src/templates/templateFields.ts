/**
 * Which arguments of common operators Airflow renders with Jinja (`template_fields`) and which file
 * extensions make it load a template file instead (`template_ext`).
 *
 * The lists are copied from the operators' source in Airflow 2.10 (core operators), Airflow 3.0 with the
 * standard provider, and the provider releases named in `source`. When a field was added or removed
 * between releases, the list holds the union: an argument that some supported release renders is treated
 * as templated, so a template is never reported as ignored when the user's release does render it.
 */
export interface OperatorTemplateSpec {
  className: string;
  /** Modules the class is imported from, Airflow 2 and 3 spellings. */
  modules: readonly string[];
  templateFields: readonly string[];
  templateExt: readonly string[];
  /** The packages and releases the lists were taken from. */
  source: string;
}

const STANDARD = (...paths: string[]) => paths.flatMap((path) => [`airflow.${path}`, `airflow.providers.standard.${path}`]);
const AWS_BASE = ['aws_conn_id', 'region_name', 'verify', 'botocore_config'];
const PYTHON_FIELDS = ['templates_dict', 'op_args', 'op_kwargs'];
const CORE = 'apache-airflow 2.10 core and apache-airflow-providers-standard 1.x (Airflow 3.0)';

/** The table of known operators. */
export const OPERATOR_TEMPLATES: readonly OperatorTemplateSpec[] = [
  // Airflow core / standard provider
  { className: 'BashOperator', modules: STANDARD('operators.bash', 'operators.bash_operator'), templateFields: ['bash_command', 'env', 'cwd'], templateExt: ['.sh', '.bash'], source: CORE },
  { className: 'PythonOperator', modules: STANDARD('operators.python', 'operators.python_operator'), templateFields: PYTHON_FIELDS, templateExt: [], source: CORE },
  { className: 'BranchPythonOperator', modules: STANDARD('operators.python', 'operators.python_operator'), templateFields: PYTHON_FIELDS, templateExt: [], source: CORE },
  { className: 'ShortCircuitOperator', modules: STANDARD('operators.python', 'operators.python_operator'), templateFields: PYTHON_FIELDS, templateExt: [], source: CORE },
  { className: 'PythonVirtualenvOperator', modules: STANDARD('operators.python'), templateFields: [...PYTHON_FIELDS, 'requirements', 'index_urls', 'venv_cache_path'], templateExt: ['.txt'], source: CORE },
  { className: 'BranchPythonVirtualenvOperator', modules: STANDARD('operators.python'), templateFields: [...PYTHON_FIELDS, 'requirements', 'index_urls', 'venv_cache_path'], templateExt: ['.txt'], source: CORE },
  { className: 'ExternalPythonOperator', modules: STANDARD('operators.python'), templateFields: [...PYTHON_FIELDS, 'python'], templateExt: [], source: CORE },
  { className: 'BranchExternalPythonOperator', modules: STANDARD('operators.python'), templateFields: [...PYTHON_FIELDS, 'python'], templateExt: [], source: CORE },
  { className: 'EmptyOperator', modules: STANDARD('operators.empty'), templateFields: [], templateExt: [], source: CORE },
  { className: 'DummyOperator', modules: ['airflow.operators.dummy', 'airflow.operators.dummy_operator'], templateFields: [], templateExt: [], source: 'apache-airflow 2.x (removed in 3.0)' },
  {
    className: 'EmailOperator', modules: [...STANDARD('operators.email', 'operators.email_operator'), 'airflow.providers.smtp.operators.smtp'],
    templateFields: ['to', 'from_email', 'subject', 'html_content', 'files', 'cc', 'bcc', 'mime_subtype', 'mime_charset', 'conn_id', 'custom_headers'],
    templateExt: ['.html'], source: `${CORE}; apache-airflow-providers-smtp 1.x`,
  },
  {
    className: 'TriggerDagRunOperator', modules: STANDARD('operators.trigger_dagrun', 'operators.dagrun_operator'),
    templateFields: ['trigger_dag_id', 'trigger_run_id', 'logical_date', 'execution_date', 'conf', 'wait_for_completion', 'skip_when_already_exists'],
    templateExt: [], source: CORE,
  },
  { className: 'BashSensor', modules: STANDARD('sensors.bash'), templateFields: ['bash_command', 'env'], templateExt: [], source: CORE },
  { className: 'PythonSensor', modules: STANDARD('sensors.python'), templateFields: PYTHON_FIELDS, templateExt: [], source: CORE },
  { className: 'FileSensor', modules: STANDARD('sensors.filesystem'), templateFields: ['filepath'], templateExt: [], source: CORE },
  { className: 'DateTimeSensor', modules: STANDARD('sensors.date_time'), templateFields: ['target_time'], templateExt: [], source: CORE },
  { className: 'DateTimeSensorAsync', modules: STANDARD('sensors.date_time'), templateFields: ['target_time'], templateExt: [], source: CORE },
  { className: 'TimeDeltaSensor', modules: STANDARD('sensors.time_delta'), templateFields: [], templateExt: [], source: CORE },
  { className: 'TimeSensor', modules: STANDARD('sensors.time_sensor', 'sensors.time'), templateFields: [], templateExt: [], source: CORE },
  {
    className: 'ExternalTaskSensor', modules: STANDARD('sensors.external_task'),
    templateFields: ['external_dag_id', 'external_task_id', 'external_task_ids', 'external_task_group_id'], templateExt: [], source: CORE,
  },
  { className: 'ExternalTaskMarker', modules: STANDARD('sensors.external_task'), templateFields: ['external_dag_id', 'external_task_id', 'logical_date', 'execution_date'], templateExt: [], source: CORE },
  { className: 'LatestOnlyOperator', modules: STANDARD('operators.latest_only'), templateFields: [], templateExt: [], source: CORE },

  // HTTP
  { className: 'HttpOperator', modules: ['airflow.providers.http.operators.http'], templateFields: ['endpoint', 'data', 'headers'], templateExt: [], source: 'apache-airflow-providers-http 4.x–5.x' },
  { className: 'SimpleHttpOperator', modules: ['airflow.providers.http.operators.http', 'airflow.operators.http_operator'], templateFields: ['endpoint', 'data', 'headers'], templateExt: [], source: 'apache-airflow-providers-http 4.x' },
  { className: 'HttpSensor', modules: ['airflow.providers.http.sensors.http', 'airflow.sensors.http_sensor'], templateFields: ['endpoint', 'request_params', 'headers'], templateExt: [], source: 'apache-airflow-providers-http 4.x–5.x' },

  // common.sql and postgres
  {
    className: 'SQLExecuteQueryOperator', modules: ['airflow.providers.common.sql.operators.sql'],
    templateFields: ['conn_id', 'sql', 'parameters', 'database', 'hook_params'], templateExt: ['.sql', '.json'], source: 'apache-airflow-providers-common-sql 1.x',
  },
  { className: 'SQLCheckOperator', modules: ['airflow.providers.common.sql.operators.sql', 'airflow.operators.sql'], templateFields: ['sql', 'conn_id', 'database', 'hook_params'], templateExt: ['.hql', '.sql'], source: 'apache-airflow-providers-common-sql 1.x' },
  { className: 'SQLValueCheckOperator', modules: ['airflow.providers.common.sql.operators.sql', 'airflow.operators.sql'], templateFields: ['sql', 'pass_value', 'conn_id', 'database', 'hook_params'], templateExt: ['.hql', '.sql'], source: 'apache-airflow-providers-common-sql 1.x' },
  { className: 'SQLIntervalCheckOperator', modules: ['airflow.providers.common.sql.operators.sql', 'airflow.operators.sql'], templateFields: ['sql1', 'sql2', 'conn_id', 'database', 'hook_params'], templateExt: ['.hql', '.sql'], source: 'apache-airflow-providers-common-sql 1.x' },
  { className: 'SQLThresholdCheckOperator', modules: ['airflow.providers.common.sql.operators.sql', 'airflow.operators.sql'], templateFields: ['sql', 'min_threshold', 'max_threshold', 'conn_id', 'database', 'hook_params'], templateExt: ['.hql', '.sql'], source: 'apache-airflow-providers-common-sql 1.x' },
  { className: 'SQLColumnCheckOperator', modules: ['airflow.providers.common.sql.operators.sql'], templateFields: ['partition_clause', 'table', 'sql', 'conn_id', 'database', 'hook_params'], templateExt: [], source: 'apache-airflow-providers-common-sql 1.x' },
  { className: 'SQLTableCheckOperator', modules: ['airflow.providers.common.sql.operators.sql'], templateFields: ['partition_clause', 'table', 'sql', 'conn_id', 'database', 'hook_params'], templateExt: [], source: 'apache-airflow-providers-common-sql 1.x' },
  { className: 'BranchSQLOperator', modules: ['airflow.providers.common.sql.operators.sql', 'airflow.operators.sql'], templateFields: ['sql', 'conn_id', 'database', 'hook_params'], templateExt: ['.sql'], source: 'apache-airflow-providers-common-sql 1.x' },
  { className: 'SqlSensor', modules: ['airflow.providers.common.sql.sensors.sql', 'airflow.sensors.sql'], templateFields: ['sql', 'hook_params', 'parameters'], templateExt: ['.hql', '.sql'], source: 'apache-airflow-providers-common-sql 1.x' },
  {
    className: 'PostgresOperator', modules: ['airflow.providers.postgres.operators.postgres', 'airflow.operators.postgres_operator'],
    templateFields: ['sql', 'conn_id', 'parameters', 'database', 'hook_params'], templateExt: ['.sql', '.json'], source: 'apache-airflow-providers-postgres 5.x (deprecated, removed in 6.0)',
  },

  // Amazon
  { className: 'S3KeySensor', modules: ['airflow.providers.amazon.aws.sensors.s3'], templateFields: ['bucket_key', 'bucket_name', ...AWS_BASE], templateExt: [], source: 'apache-airflow-providers-amazon 8.x–9.x' },
  { className: 'S3CreateObjectOperator', modules: ['airflow.providers.amazon.aws.operators.s3'], templateFields: ['s3_bucket', 's3_key', 'data', ...AWS_BASE], templateExt: [], source: 'apache-airflow-providers-amazon 8.x–9.x' },
  { className: 'S3CopyObjectOperator', modules: ['airflow.providers.amazon.aws.operators.s3'], templateFields: ['source_bucket_key', 'dest_bucket_key', 'source_bucket_name', 'dest_bucket_name', ...AWS_BASE], templateExt: [], source: 'apache-airflow-providers-amazon 8.x–9.x' },
  { className: 'S3DeleteObjectsOperator', modules: ['airflow.providers.amazon.aws.operators.s3'], templateFields: ['keys', 'bucket', 'prefix', 'from_datetime', 'to_datetime', ...AWS_BASE], templateExt: [], source: 'apache-airflow-providers-amazon 8.x–9.x' },
  { className: 'S3ListOperator', modules: ['airflow.providers.amazon.aws.operators.s3'], templateFields: ['bucket', 'prefix', 'delimiter', ...AWS_BASE], templateExt: [], source: 'apache-airflow-providers-amazon 8.x–9.x' },
  {
    className: 'S3ToRedshiftOperator', modules: ['airflow.providers.amazon.aws.transfers.s3_to_redshift'],
    templateFields: ['s3_bucket', 's3_key', 'schema', 'table', 'column_list', 'copy_options', 'redshift_conn_id', 'method', 'aws_conn_id'], templateExt: [], source: 'apache-airflow-providers-amazon 8.x–9.x',
  },
  {
    className: 'RedshiftToS3Operator', modules: ['airflow.providers.amazon.aws.transfers.redshift_to_s3'],
    templateFields: ['s3_bucket', 's3_key', 'schema', 'table', 'unload_options', 'select_query', 'redshift_conn_id', 'redshift_data_api_kwargs'], templateExt: ['.sql'], source: 'apache-airflow-providers-amazon 8.x–9.x',
  },
  { className: 'SqlToS3Operator', modules: ['airflow.providers.amazon.aws.transfers.sql_to_s3'], templateFields: ['s3_bucket', 's3_key', 'query', 'sql_conn_id'], templateExt: ['.sql'], source: 'apache-airflow-providers-amazon 8.x–9.x' },
  {
    className: 'AthenaOperator', modules: ['airflow.providers.amazon.aws.operators.athena'],
    templateFields: ['query', 'database', 'output_location', 'workgroup', 'catalog', ...AWS_BASE], templateExt: ['.sql'], source: 'apache-airflow-providers-amazon 8.x–9.x',
  },
  {
    className: 'GlueJobOperator', modules: ['airflow.providers.amazon.aws.operators.glue'],
    templateFields: ['job_name', 'script_location', 'script_args', 'create_job_kwargs', 's3_bucket', 'iam_role_name', 'iam_role_arn', ...AWS_BASE], templateExt: [], source: 'apache-airflow-providers-amazon 8.x–9.x',
  },
  {
    className: 'LambdaInvokeFunctionOperator', modules: ['airflow.providers.amazon.aws.operators.lambda_function'],
    templateFields: ['function_name', 'payload', 'qualifier', 'invocation_type', ...AWS_BASE], templateExt: [], source: 'apache-airflow-providers-amazon 8.x–9.x',
  },
  {
    className: 'RedshiftDataOperator', modules: ['airflow.providers.amazon.aws.operators.redshift_data'],
    templateFields: ['cluster_identifier', 'database', 'sql', 'db_user', 'parameters', 'statement_name', 'workgroup_name', 'session_id', ...AWS_BASE], templateExt: [], source: 'apache-airflow-providers-amazon 8.x–9.x',
  },
  {
    className: 'EmrAddStepsOperator', modules: ['airflow.providers.amazon.aws.operators.emr'],
    templateFields: ['job_flow_id', 'job_flow_name', 'cluster_states', 'steps', 'execution_role_arn', ...AWS_BASE], templateExt: ['.json'], source: 'apache-airflow-providers-amazon 8.x–9.x',
  },

  // Google
  {
    className: 'BigQueryInsertJobOperator', modules: ['airflow.providers.google.cloud.operators.bigquery'],
    templateFields: ['configuration', 'job_id', 'gcp_conn_id', 'impersonation_chain', 'project_id'], templateExt: ['.json', '.sql'], source: 'apache-airflow-providers-google 10.x',
  },
  {
    className: 'BigQueryCheckOperator', modules: ['airflow.providers.google.cloud.operators.bigquery'],
    templateFields: ['sql', 'gcp_conn_id', 'impersonation_chain', 'labels'], templateExt: ['.sql'], source: 'apache-airflow-providers-google 10.x',
  },
  {
    className: 'BigQueryValueCheckOperator', modules: ['airflow.providers.google.cloud.operators.bigquery'],
    templateFields: ['sql', 'gcp_conn_id', 'pass_value', 'impersonation_chain', 'labels'], templateExt: ['.sql'], source: 'apache-airflow-providers-google 10.x',
  },
  {
    className: 'BigQueryGetDataOperator', modules: ['airflow.providers.google.cloud.operators.bigquery'],
    templateFields: ['dataset_id', 'table_id', 'table_project_id', 'job_project_id', 'max_results', 'selected_fields', 'impersonation_chain', 'project_id'], templateExt: [], source: 'apache-airflow-providers-google 10.x',
  },
  {
    className: 'GCSToBigQueryOperator', modules: ['airflow.providers.google.cloud.transfers.gcs_to_bigquery'],
    templateFields: ['bucket', 'source_objects', 'schema_object', 'schema_object_bucket', 'destination_project_dataset_table', 'impersonation_chain', 'src_fmt_configs'], templateExt: [], source: 'apache-airflow-providers-google 10.x',
  },
  {
    className: 'BigQueryToGCSOperator', modules: ['airflow.providers.google.cloud.transfers.bigquery_to_gcs'],
    templateFields: ['source_project_dataset_table', 'destination_cloud_storage_uris', 'export_format', 'labels', 'impersonation_chain'], templateExt: [], source: 'apache-airflow-providers-google 10.x',
  },
  {
    className: 'GCSCreateBucketOperator', modules: ['airflow.providers.google.cloud.operators.gcs'],
    templateFields: ['bucket_name', 'storage_class', 'location', 'project_id', 'impersonation_chain'], templateExt: [], source: 'apache-airflow-providers-google 10.x',
  },
  {
    className: 'GCSDeleteObjectsOperator', modules: ['airflow.providers.google.cloud.operators.gcs'],
    templateFields: ['bucket_name', 'prefix', 'objects', 'gcp_conn_id', 'impersonation_chain'], templateExt: [], source: 'apache-airflow-providers-google 10.x',
  },
  {
    className: 'GCSToGCSOperator', modules: ['airflow.providers.google.cloud.transfers.gcs_to_gcs'],
    templateFields: ['source_bucket', 'source_object', 'source_objects', 'destination_bucket', 'destination_object', 'delimiter', 'impersonation_chain'], templateExt: [], source: 'apache-airflow-providers-google 10.x',
  },
  {
    className: 'LocalFilesystemToGCSOperator', modules: ['airflow.providers.google.cloud.transfers.local_to_gcs'],
    templateFields: ['src', 'dst', 'bucket', 'impersonation_chain'], templateExt: [], source: 'apache-airflow-providers-google 10.x',
  },
  {
    className: 'GCSObjectExistenceSensor', modules: ['airflow.providers.google.cloud.sensors.gcs'],
    templateFields: ['bucket', 'object', 'impersonation_chain'], templateExt: [], source: 'apache-airflow-providers-google 10.x',
  },
  {
    className: 'DataprocSubmitJobOperator', modules: ['airflow.providers.google.cloud.operators.dataproc'],
    templateFields: ['project_id', 'region', 'job', 'gcp_conn_id', 'impersonation_chain', 'request_id'], templateExt: [], source: 'apache-airflow-providers-google 10.x',
  },

  // cncf.kubernetes
  {
    className: 'KubernetesPodOperator', modules: ['airflow.providers.cncf.kubernetes.operators.pod', 'airflow.providers.cncf.kubernetes.operators.kubernetes_pod', 'airflow.contrib.operators.kubernetes_pod_operator'],
    templateFields: ['image', 'cmds', 'annotations', 'arguments', 'env_vars', 'labels', 'config_file', 'pod_template_file', 'pod_template_dict', 'namespace', 'container_resources', 'volumes', 'volume_mounts', 'cluster_context', 'env_from'],
    templateExt: [], source: 'apache-airflow-providers-cncf-kubernetes 7.x–10.x',
  },
  {
    className: 'SparkKubernetesOperator', modules: ['airflow.providers.cncf.kubernetes.operators.spark_kubernetes'],
    templateFields: ['application_file', 'namespace', 'template_spec', 'kubernetes_conn_id'], templateExt: ['yaml', 'yml', 'json'], source: 'apache-airflow-providers-cncf-kubernetes 8.x–10.x',
  },
];

const byQualifiedName = new Map<string, OperatorTemplateSpec>();
for (const spec of OPERATOR_TEMPLATES) {
  for (const module of spec.modules) byQualifiedName.set(`${module}.${spec.className}`, spec);
}

/**
 * The template spec of an import-resolved operator class, or null when the class is not in the table
 * (a custom operator: its template fields are unknown, so nothing may be said about them).
 */
export function operatorTemplateSpec(qualifiedName: string | null): OperatorTemplateSpec | null {
  if (!qualifiedName) return null;
  return byQualifiedName.get(qualifiedName) ?? null;
}

/** True when `fileName` ends with one of the spec's template extensions (the way Airflow tests it: `str.endswith`). */
export function namesTemplateFile(spec: OperatorTemplateSpec, value: string): boolean {
  return spec.templateExt.some((extension) => value.endsWith(extension));
}

/** Every extension some known operator loads a template file for (`.sql`, `.sh`, `.json` …), without the dot. */
export function templateFileExtensions(): string[] {
  const extensions = new Set<string>();
  for (const spec of OPERATOR_TEMPLATES) for (const extension of spec.templateExt) extensions.add(extension.replace(/^\./, ''));
  return [...extensions].filter((extension) => /^[\w.-]+$/.test(extension)).sort();
}
