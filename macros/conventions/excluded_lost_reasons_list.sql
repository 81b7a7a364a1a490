{#- var('excluded_lost_reasons') as a SQL list of lower-case literals, for
    `not in (...)`: deals lost as duplicates or merges are not real losses. -#}
{% macro excluded_lost_reasons_list() -%}
    {%- set reasons = var('excluded_lost_reasons') -%}
    {%- if reasons is string -%}{%- set reasons = [reasons] -%}{%- endif -%}
    {%- for reason in reasons -%}
        {{ sql_literal(reason | lower) }}{{ ", " if not loop.last }}
    {%- endfor -%}
    {%- if reasons | length == 0 -%}''{%- endif -%}
{%- endmacro %}
