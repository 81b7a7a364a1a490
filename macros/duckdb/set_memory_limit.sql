{#- The build's memory limit (`revops build --memory-limit 12GB`, which sets
    REVOPS_MEMORY_LIMIT): the first on-run-start hook, so the landing runs inside it too.
    Past the limit DuckDB spills to its temp folder beside the database file (the
    build's own folder), which is how a build larger than memory finishes. Read at run
    time only, so a new limit does not make dbt parse the project again. Other engines
    have their own settings: nothing to do there. -#}
{% macro set_memory_limit() %}
    {%- set limit = env_var('REVOPS_MEMORY_LIMIT', '') if execute and target.type == 'duckdb' else '' -%}
    {%- if limit -%}
        {%- do run_query("set memory_limit = " ~ sql_literal(limit)) -%}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}
