{#- Spark: a quote is escaped with a backslash; '' would end one literal and start
    another, which Spark joins ('it''s' is "its"). -#}
{% macro spark__string_literal(text) -%}
    '{{ text | replace('\\', '\\\\') | replace("'", "\\'") }}'
{%- endmacro %}
