{#- dbt's relationships test, except that it passes when the referenced model is empty.
    Any contract table may be absent (accounts without a users file, activities without
    accounts), and then there is nothing to check a reference against: the value is
    kept as given. Where the referenced table is present, the contract checks have
    already set an optional reference to a missing row to NULL and quarantined a row
    with a broken required one, so this test is the invariant that proves it. -#}
{% test relationships_where_present(model, column_name, to, field) %}
    select child.{{ column_name }} as missing_reference
    from {{ model }} as child
    where child.{{ column_name }} is not null
        and exists (select 1 from {{ to }})
        and not exists (
            select 1 from {{ to }} as parent
            where parent.{{ field }} = child.{{ column_name }}
        )
{% endtest %}
