"""Builds the daily sales report: an ordinary, correct DAG that should raise no findings."""
from datetime import timedelta

import pendulum
from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.operators.python import PythonOperator

from alerts import notify_on_call


def summarise_sales():
    print("summarising")


default_args = {
    "owner": "analytics",
    "retries": 3,
    "retry_delay": timedelta(minutes=5),
    "execution_timeout": timedelta(minutes=30),
    "on_failure_callback": notify_on_call,
}

with DAG(
    dag_id="daily_report",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    schedule="@daily",
    catchup=False,
    dagrun_timeout=timedelta(hours=2),
    default_args=default_args,
) as dag:
    fetch_orders = BashOperator(task_id="fetch_orders", bash_command="echo fetch")
    summarise = PythonOperator(task_id="summarise", python_callable=summarise_sales)
    publish = BashOperator(task_id="publish", bash_command="echo publish", retries=1)

    fetch_orders >> summarise >> publish
