{#- The mechanical tail every KPI model ends with, written once. A KPI model still reads
    top-down: its `rolled_up` step lists its own measures, and these macros write only
    what is the same everywhere.

    rollup_labels(dimensions): each dimension column, 'all' in the rows that roll it up.
    rollup_grouping_sets(period_columns, rollups): `group by grouping sets`, one set per
    entry of rollups (a list of dimension lists; [] is the period's grand total), each
    with the period's columns.
    empty_period_rows(periods, rolled_up, period_columns, dimensions, measures): the
    grand-total row of every period in `periods` that `rolled_up` has no row for, so a
    series has no holes. A measure is a column name (0 in that row) or a [name, expression] pair.
    Whether an empty period's ratios are NULL stays the KPI's own final step. -#}

{% macro rollup_labels(dimensions) -%}
    {%- for dimension in dimensions %}
        coalesce({{ dimension }}, {{ rollup_label() }}) as {{ dimension }}{{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{% macro rollup_grouping_sets(period_columns, rollups) -%}
    group by grouping sets (
    {%- for rollup in rollups %}
        ({{ ([period_columns] + rollup) | join(', ') }}){{ "," if not loop.last }}
    {%- endfor %}
    )
{%- endmacro %}

{% macro empty_period_rows(periods, rolled_up, period_columns, dimensions, measures) -%}
    select
        {{ period_columns }},
        {%- for dimension in dimensions %}
        {{ rollup_label() }} as {{ dimension }},
        {%- endfor %}
        {%- for measure in measures %}
        {%- if measure is string %}
        0 as {{ measure }}{{ "," if not loop.last }}
        {%- else %}
        {{ measure[1] }} as {{ measure[0] }}{{ "," if not loop.last }}
        {%- endif %}
        {%- endfor %}
    from {{ periods }}
    where not exists (
        select 1
        from {{ rolled_up }}
        where {{ rolled_up }}.period_type = {{ periods }}.period_type
            and {{ rolled_up }}.period_start = {{ periods }}.period_start
    )
{%- endmacro %}

{% macro rolled_up_with_empty_periods(rolled_up, periods, period_columns, dimensions, measures) -%}
    select * from {{ rolled_up }}
    union all
    {{ empty_period_rows(periods, rolled_up, period_columns, dimensions, measures) }}
{%- endmacro %}
