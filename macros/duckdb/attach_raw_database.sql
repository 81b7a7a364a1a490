{#- DuckDB only. With var raw_database (a DuckDB file), attach it read-only as
    `raw_input` before any model runs, so raw_source 'schema' can read contract tables
    that a loader wrote into another DuckDB file (the runner builds every warehouse
    into a fresh file, so raw tables cannot live inside it). -#}
{% macro attach_raw_database() %}
    {%- set path = var('raw_database', none) -%}
    {%- if not execute or not path -%}
        {{ return('') }}
    {%- endif -%}
    {%- if target.type != 'duckdb' -%}
        {{ exceptions.raise_compiler_error("var raw_database attaches a DuckDB file; on " ~ target.type
            ~ ", name the database in the contract source instead") }}
    {%- endif -%}
    {%- do run_query("attach if not exists " ~ sql_literal(path) ~ " as raw_input (read_only)") -%}
    {{ return('') }}
{% endmacro %}
