{#- DuckDB's variants of the dispatched macros in macros/contract/parse_values.sql
    (CONTRIBUTING.md: an engine's SQL lives in macros/<engine>/ only). -#}

{#- DuckDB: try_cast so a bad cell is NULL rather than an aborted build; the profile
    pins the session time zone to UTC, so a value without an offset is read as UTC. -#}
{% macro duckdb__parse_timestamp(column) -%}
    cast(try_cast({{ clean_text(column) }} as timestamp with time zone) as timestamp)
{%- endmacro %}

{% macro duckdb__try_cast(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}

{% macro duckdb__type_double() -%}
    {{ return('double') }}
{%- endmacro %}
