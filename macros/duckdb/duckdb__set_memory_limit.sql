{#- DuckDB: past the limit it spills to its temp folder beside the database file (the
    build's own folder), which is how a build larger than memory finishes. The value is
    a quoted literal. -#}
{% macro duckdb__set_memory_limit(limit) %}
    {%- do run_query("set memory_limit = " ~ sql_literal(limit)) -%}
{% endmacro %}
