{#- The value a dimension column holds in a roll-up row ("all segments"). -#}
{% macro rollup_label() -%}
    'all'
{%- endmacro %}
