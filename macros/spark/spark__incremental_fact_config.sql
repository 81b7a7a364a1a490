{#- Spark with parquet tables has no row-level delete: insert_overwrite replaces whole
    partitions and merge needs Delta or Iceberg, so the facts stay full tables here. -#}
{% macro spark__incremental_fact_config(unique_key) %}
    {{ config(materialized='table') }}
{% endmacro %}
