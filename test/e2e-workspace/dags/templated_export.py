"""Exports the day's orders with templated shell commands; one template has a typo."""
from datetime import timedelta

import pendulum
from airflow import DAG
from airflow.operators.bash import BashOperator

with DAG(
    dag_id="templated_export",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    schedule="@daily",
    catchup=False,
    dagrun_timeout=timedelta(hours=1),
    default_args={"retries": 2, "execution_timeout": timedelta(minutes=20)},
):
    export = BashOperator(task_id="export", bash_command="export.sh --day {{ ds_nodahs }}")
    archive = BashOperator(task_id="archive", bash_command="archive.sh ")
    export >> archive
