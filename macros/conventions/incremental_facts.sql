{#- The large facts (opportunity history, MRR by month, activities, invoices,
    payments) are incremental when the variable incremental_facts is true: each run
    recomputes only the rows a recent change can touch (incremental_lookback_days
    before the latest date the fact already holds) and replaces them by key
    (delete+insert). Off by default; `dbt build --full-refresh` rebuilds them whole.
    An engine that cannot replace rows by key in its tables keeps them as tables
    (macros/spark/incremental_facts.sql). -#}
{% macro incremental_fact_config(unique_key) %}
    {{ return(adapter.dispatch('incremental_fact_config', 'revops')(unique_key)) }}
{% endmacro %}

{% macro default__incremental_fact_config(unique_key) %}
    {%- if checked_var('incremental_facts') -%}
        {{ config(materialized='incremental', unique_key=unique_key, incremental_strategy='delete+insert',
                  on_schema_change='fail') }}
    {%- else -%}
        {{ config(materialized='table') }}
    {%- endif -%}
{% endmacro %}


{#- The first date an incremental run recomputes: incremental_lookback_days before the
    latest `date_column` in the fact as built, as a date. -#}
{% macro incremental_cutoff(date_column) -%}
    (
        select cast({{ dbt.dateadd('day', -1 * checked_var('incremental_lookback_days'), 'max(' ~ date_column ~ ')') }}
            as date)
        from {{ this }}
    )
{%- endmacro %}
