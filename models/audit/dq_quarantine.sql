-- One row per raw row that breaks the input contract (table_name, source_line,
-- row_key): the table, the file and line in the user's files where known (a line the
-- CSV reader could not parse has the line's text as its value), the row's key, the
-- first offending column and value, and the reason. These rows are kept out of the
-- conformed tables, never silently dropped: every raw row is in staging or here,
-- exactly once (tests/data_quality/every_raw_row_is_conformed_or_quarantined.sql).
{%- set contract_tables = contract_tables() %}
{#- the rows as checked once per build (base_contract__<table>, contract_checked_source) #}

with

{% for table_name in contract_tables %}
{%- set columns = contract_columns_of(table_name) %}
{%- set key = contract_primary_key_of(table_name) %}
quarantined_{{ table_name }} as (
    select
        '{{ table_name }}' as table_name,
        _source_line as source_line,
        _source_file as source_file,
        {% if key -%}
        {{ dbt.concat(intersperse_key(key)) }}
        {%- else -%}
        cast(null as {{ dbt.type_string() }})
        {%- endif %} as row_key,
        dq_column as column_name,
        case dq_column
            {%- for column in columns %}
            when '{{ column.name }}' then {{ column.name }}
            {%- endfor %}
            when '_source_text' then _source_text
        end as value,
        dq_reason as reason
    from {{ ref('base_contract__' ~ table_name) }} as checked
    where dq_reason is not null
),

{% endfor %}
final as (
    {%- for table_name in contract_tables %}
    select * from quarantined_{{ table_name }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select * from final
