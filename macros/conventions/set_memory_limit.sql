{#- The build's memory limit (`revops build --memory-limit 12GB`, which sets
    REVOPS_MEMORY_LIMIT): the first on-run-start hook, so the landing runs inside it too.
    Read at run time only, so a new limit does not make dbt parse the project again.
    Engines other than DuckDB keep their own settings. -#}
{% macro set_memory_limit() %}
    {%- set limit = env_var('REVOPS_MEMORY_LIMIT', '') if execute else '' -%}
    {%- if limit -%}
        {%- do adapter.dispatch('set_memory_limit', 'revops')(limit) -%}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}

{% macro default__set_memory_limit(limit) %}
{% endmacro %}
