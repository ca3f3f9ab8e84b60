; Names bound by import statements. One match per imported name.

; `import airflow.sdk` and `import airflow.sdk as sdk`
(import_statement
  name: [
    (dotted_name) @module @item
    (aliased_import name: (dotted_name) @module alias: (identifier) @alias) @item
  ]) @statement

; `from airflow.sdk import DAG` and `from airflow import DAG as D`
(import_from_statement
  module_name: (_) @from
  name: [
    (dotted_name) @name @item
    (aliased_import name: (dotted_name) @name alias: (identifier) @alias) @item
  ]) @statement
