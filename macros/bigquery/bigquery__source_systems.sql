{#- Bigquery's variants of the dispatched macros in macros/source_systems/source_systems.sql
    (CONTRIBUTING.md: an engine's SQL lives in macros/<engine>/ only). -#}

{% macro bigquery__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ pattern }}, {{ replacement }})
{%- endmacro %}

{% macro bigquery__json_text(column, key) -%}
    json_value({{ column }}, '$.{{ key }}')
{%- endmacro %}
