{#- dbt's not_null for several columns of a model at once: one scan and one dbt node
    instead of one of each per column (dbt's own work is about 30 ms a test; DECISIONLOG).
    Returns a row per column holding NULLs, with how many; dbt counts the NULLs
    (fail_calc), as the column tests counted their rows. -#}
{% test not_null_columns(model, column_names) %}
    {{ config(fail_calc='coalesce(sum(null_rows), 0)') }}
    with null_counts as (
        select
        {%- for column in column_names %}
            sum(case when {{ column }} is null then 1 else 0 end) as nulls_{{ loop.index }}{{ ',' if not loop.last }}
        {%- endfor %}
        from {{ model }}
    )
    {%- for column in column_names %}
    select '{{ column }}' as column_name, nulls_{{ loop.index }} as null_rows
    from null_counts
    where nulls_{{ loop.index }} > 0
    {{- ' union all' if not loop.last }}
    {%- endfor %}
{% endtest %}
