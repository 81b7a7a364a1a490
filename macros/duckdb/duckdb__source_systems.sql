{#- DuckDB's variants of the dispatched macros in macros/source_systems/source_systems.sql
    (CONTRIBUTING.md: an engine's SQL lives in macros/<engine>/ only). -#}

{% macro duckdb__json_text(column, key) -%}
    json_extract_string(try_cast({{ column }} as json), '$.{{ key }}')
{%- endmacro %}
