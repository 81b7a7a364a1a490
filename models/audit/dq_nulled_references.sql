-- One row per optional reference that pointed at no row (table_name, source_line,
-- row_key, column_name): an owner, manager, parent, converted account or subscription
-- that does not exist, or was quarantined itself. The row is kept and the value is
-- NULL in staging and everything after it; this table keeps the missing id, so
-- nothing changes silently. A required reference (a payment's invoice) quarantines
-- the row instead (audit.dq_quarantine).
{%- set contract_tables = contract_tables() %}
{#- the rows as checked once per build (base_contract__<table>, contract_checked_source);
    which tables have optional references is only known at run time, so every one is read -#}
{%- for table_name in contract_tables %}
-- depends_on: {{ ref('base_contract__' ~ table_name) }}
{#- the raw relations too: whether a referenced table exists is looked up in them #}
{%- do contract_relation(table_name) %}
{%- endfor %}

with

{%- set selects = [] %}
{% for table_name in contract_tables %}
{%- set columns = contract_columns_of(table_name) %}
{%- set key = contract_primary_key_of(table_name) %}
{%- for reference in contract_optional_references(table_name, columns) %}
{%- set name = 'nulled_' ~ table_name ~ '__' ~ reference.column %}
{%- do selects.append(name) %}
{{ name }} as (
    select
        {{ sql_literal(table_name) }} as table_name,
        _source_line as source_line,
        {{ dbt.concat(intersperse_key(key)) }} as row_key,
        {{ sql_literal(reference.column) }} as column_name,
        {{ reference.column }}__dangling as missing_value,
        {{ sql_literal(reference.target_table ~ '.' ~ reference.target_column) }} as referenced_column,
        {{ sql_literal('no valid ' ~ reference.target_table ~ ' row with this ' ~ reference.target_column
                      ~ ' (missing, or quarantined itself): set to NULL') }} as reason
    from {{ ref('base_contract__' ~ table_name) }} as checked
    where dq_reason is null
        and {{ reference.column }}__dangling is not null
),
{% endfor %}
{%- endfor %}

final as (
    {%- for name in selects %}
    select * from {{ name }}
    union all
    {%- endfor %}
    {#- typed, and the whole result when no table has an optional reference #}
    select
        cast(null as {{ dbt.type_string() }}) as table_name,
        cast(null as {{ dbt.type_bigint() }}) as source_line,
        cast(null as {{ dbt.type_string() }}) as row_key,
        cast(null as {{ dbt.type_string() }}) as column_name,
        cast(null as {{ dbt.type_string() }}) as missing_value,
        cast(null as {{ dbt.type_string() }}) as referenced_column,
        cast(null as {{ dbt.type_string() }}) as reason
    where 1 = 0
)

select * from final
