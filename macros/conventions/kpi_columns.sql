{#- Column lists every KPI model writes the same way, written once.

    period_key_of(relation): the period's key, `relation.period_type, relation.period_start`.
    period_columns_of(relation): the period's four columns, qualified by the relation
    (`relation.period_type, relation.period_start, relation.period_end, relation.period_label`).
    deal_cuts(relation): a deal's owner, team, segment and region as the KPIs cut them,
    'unknown' when the deal has none.
    same_period(left, right): the join condition of two relations on one period.
    columns_of(relation, columns): below. -#}

{% macro period_key_of(relation) -%}
    {{ relation }}.period_type, {{ relation }}.period_start
{%- endmacro %}

{% macro period_columns_of(relation) -%}
    {{ relation }}.period_type, {{ relation }}.period_start, {{ relation }}.period_end, {{ relation }}.period_label
{%- endmacro %}

{% macro deal_cuts(relation=none) -%}
    {%- set prefix = relation ~ '.' if relation else '' -%}
    coalesce({{ prefix }}owner_user_id, 'unknown') as owner_user_id,
    coalesce({{ prefix }}owner_team, 'unknown') as team,
    coalesce({{ prefix }}segment, 'unknown') as segment,
    coalesce({{ prefix }}region, 'unknown') as region
{%- endmacro %}

{% macro same_period(left, right) -%}
    {{ left }}.period_type = {{ right }}.period_type and {{ left }}.period_start = {{ right }}.period_start
{%- endmacro %}

{#- columns_of(relation, columns): each of `columns` (a list, such as a KPI's
    `dimensions`) qualified by the relation, comma-separated. -#}
{% macro columns_of(relation, columns) -%}
    {%- for column in columns %}{{ relation }}.{{ column }}{{ ", " if not loop.last }}{% endfor -%}
{%- endmacro %}
