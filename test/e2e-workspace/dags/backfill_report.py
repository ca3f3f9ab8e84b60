"""Monthly finance close, written with the TaskFlow API and Airflow 3 imports; catch-up was left on."""
from datetime import timedelta

import pendulum
from airflow.sdk import dag, task

from alerts import notify_on_call


@dag(
    schedule="@monthly",
    start_date=pendulum.datetime(2023, 1, 1, tz="Europe/Amsterdam"),
    catchup=True,
    dagrun_timeout=timedelta(hours=6),
    default_args={
        "retries": 2,
        "retry_delay": timedelta(minutes=15),
        "execution_timeout": timedelta(hours=1),
        "on_failure_callback": notify_on_call,
    },
)
def finance_close():
    @task
    def collect_ledgers():
        return ["eu", "us"]

    @task
    def reconcile(ledgers):
        return len(ledgers)

    reconcile(collect_ledgers())


finance_close()
