"""Daily marketing attribution pipeline.

Pulls ad spend from two networks, waits for the orders export, builds the attribution model in a
TaskGroup and publishes the results. A realistic mix of TaskFlow functions and classic operators,
written against Airflow 3 (`airflow.sdk` and the standard provider).
"""
from datetime import timedelta

import pendulum
from airflow.sdk import DAG, Label, TaskGroup, chain, task
from airflow.providers.standard.operators.bash import BashOperator
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.providers.standard.sensors.filesystem import FileSensor

AD_NETWORKS = ["search", "social"]


def alert_on_call(context):
    """Page the marketing-data rotation with the failed task and run."""
    print(f"paging: {context['task_instance'].task_id} failed in {context['run_id']}")


default_args = {
    "owner": "marketing-data",
    "retries": 2,
    "retry_delay": timedelta(minutes=10),
    "execution_timeout": timedelta(hours=1),
    "on_failure_callback": alert_on_call,
}

with DAG(
    dag_id="marketing_attribution",
    schedule="@daily",
    start_date=pendulum.datetime(2024, 6, 1, tz="UTC"),
    catchup=False,
    default_args=default_args,
    dagrun_timeout=timedelta(hours=4),
    tags=["marketing", "attribution"],
) as dag:
    start = EmptyOperator(task_id="start")

    wait_for_orders = FileSensor(
        task_id="wait_for_orders",
        filepath="/data/exports/orders/{{ ds }}.csv",
        mode="reschedule",
        poke_interval=300,
        timeout=6 * 60 * 60,
    )

    @task
    def fetch_spend(network: str) -> dict:
        """Download yesterday's spend for one ad network."""
        return {"network": network, "rows": 0}

    spend = [fetch_spend.override(task_id=f"fetch_{network}_spend")(network) for network in AD_NETWORKS]

    with TaskGroup("attribution", tooltip="Join spend with orders and fit the model") as attribution:

        @task
        def join_spend_and_orders(spend_batches: list) -> str:
            return "/tmp/joined.parquet"

        @task.branch
        def choose_model(joined_path: str) -> str:
            return "attribution.fit_markov" if joined_path else "attribution.fit_last_touch"

        fit_markov = BashOperator(task_id="fit_markov", bash_command="python -m models.markov {{ ds }}")
        fit_last_touch = BashOperator(task_id="fit_last_touch", bash_command="python -m models.last_touch {{ ds }}")

        joined = join_spend_and_orders(spend)
        choose_model(joined) >> [fit_markov, fit_last_touch]

    publish_dashboard = BashOperator(
        task_id="publish_dashboard",
        bash_command="publish.sh attribution {{ ds }}",
        trigger_rule="none_failed_min_one_success",
    )
    done = EmptyOperator(task_id="done")

    start >> [wait_for_orders, *spend]
    wait_for_orders >> Label("orders ready") >> attribution
    chain(attribution, publish_dashboard, done)
