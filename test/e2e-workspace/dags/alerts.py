"""Shared failure callback for the fixture DAGs (plugins folder style: importable, not a DAG)."""


def notify_on_call(context):
    print("paging the on-call engineer about", context["task_instance"].task_id)
