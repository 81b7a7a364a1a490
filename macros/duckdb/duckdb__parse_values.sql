{#- DuckDB's variants of the dispatched macros in macros/contract/parse_values.sql
    (CONTRIBUTING.md: an engine's SQL lives in macros/<engine>/ only). -#}

{#- DuckDB: try_cast so a bad cell is NULL rather than an aborted build; the profile
    pins the session time zone to UTC, so a value without an offset is read as UTC. -#}
{% macro duckdb__parse_timestamp(column) -%}
    cast(try_cast({{ clean_text(column) }} as timestamp with time zone) as timestamp)
{%- endmacro %}

{#- DuckDB reads text into a 128-bit decimal (numeric(28,6)) about fifty times slower
    than into a 64-bit one (69k amounts: 1.1 s against 0.02 s; every money check and
    the staging parse pay it, issue 12). An amount that fits decimal(18,6) goes that
    way; only a wider one (or bad text) takes the wide cast. The same scale rounds the
    same way, so the values are the same. -#}
{% macro duckdb__parse_money(column) -%}
    coalesce(
        cast(try_cast({{ finite_number_text(column) }} as decimal(18, 6)) as {{ dbt.type_numeric() }}),
        try_cast({{ finite_number_text(column) }} as {{ dbt.type_numeric() }})
    )
{%- endmacro %}

{% macro duckdb__try_cast(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}

{% macro duckdb__type_double() -%}
    {{ return('double') }}
{%- endmacro %}
