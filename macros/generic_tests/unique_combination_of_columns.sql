{#- The grain test for tables keyed by several columns: no two rows share the
    combination. (dbt_utils has one; packages cannot be installed here.) -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    {%- set columns = combination_of_columns | join(', ') %}
    select
        {{ columns }},
        count(*) as rows_with_this_key
    from {{ model }}
    group by {{ columns }}
    having count(*) > 1
{% endtest %}
