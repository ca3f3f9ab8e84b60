"""Nightly warehouse sync: catches up on every missed day, and its dependencies loop back on themselves."""
from datetime import timedelta

import pendulum
from airflow import DAG
from airflow.operators.bash import BashOperator

from alerts import notify_on_call

default_args = {
    "owner": "warehouse",
    "retries": 2,
    "retry_delay": timedelta(minutes=10),
    "execution_timeout": timedelta(hours=1),
    "on_failure_callback": notify_on_call,
}

with DAG(
    dag_id="warehouse_sync",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    schedule="@daily",
    catchup=True,
    dagrun_timeout=timedelta(hours=4),
    default_args=default_args,
) as dag:
    extract = BashOperator(task_id="extract", bash_command="echo extract")
    transform = BashOperator(task_id="transform", bash_command="echo transform")
    load = BashOperator(task_id="load", bash_command="echo load")

    extract >> transform >> load
    load >> extract
