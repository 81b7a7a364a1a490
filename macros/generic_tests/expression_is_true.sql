{#- Fails with every row where the expression is not true (false or NULL). Use it for
    row-level identities and invariants. -#}
{% test expression_is_true(model, expression, column_name=none) %}
    select *
    from {{ model }}
    where not coalesce({{ expression }}, false)
{% endtest %}
