"""Hourly order ingestion, Airflow 3 style: the graph panel scenario draws this one."""
from datetime import timedelta

import pendulum
from airflow.providers.standard.operators.bash import BashOperator
from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG

from alerts import notify_on_call


def validate_batch():
    print("validating")


with DAG(
    dag_id="orders_pipeline",
    schedule="@hourly",
    start_date=pendulum.datetime(2024, 6, 1, tz="UTC"),
    catchup=False,
    dagrun_timeout=timedelta(minutes=50),
    default_args={
        "retries": 2,
        "retry_delay": timedelta(minutes=3),
        "execution_timeout": timedelta(minutes=20),
        "on_failure_callback": notify_on_call,
    },
) as dag:
    download = BashOperator(task_id="download", bash_command="echo download")
    validate = PythonOperator(task_id="validate", python_callable=validate_batch)
    load_orders = BashOperator(task_id="load_orders", bash_command="echo load")
    refresh_dashboard = BashOperator(task_id="refresh_dashboard", bash_command="echo refresh")

    download >> validate >> load_orders >> refresh_dashboard
