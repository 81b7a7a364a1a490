-- The severity policy: the build fails when a table has more of its raw rows in
-- quarantine than var dq_max_quarantined_share allows (default 1%), or the per-table
-- share in var dq_max_quarantined_share_by_table ({opportunities: 0.05}). Below the
-- threshold, quarantined rows only warn (quarantine_is_empty). Returns the tables over.
{{ config(severity='error') }}
{#- both checked as numbers from 0 to 1 by check_variables() (macros/conventions/variables.sql) #}
{%- set default_share = checked_var('dq_max_quarantined_share') %}
{%- set by_table = checked_var('dq_max_quarantined_share_by_table') or {} %}

with shares as (
    {%- for table_name in contract_tables() %}
    select
        '{{ table_name }}' as table_name,
        (select count(*) from {{ contract_source(table_name) }} as raw_rows) as raw_rows,
        (
            select count(*) from {{ ref('dq_quarantine') }}
            where table_name = '{{ table_name }}'
        ) as quarantined_rows,
        {{ by_table.get(table_name, default_share) | float }} as max_quarantined_share
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select
    table_name,
    raw_rows,
    quarantined_rows,
    max_quarantined_share
from shares
where quarantined_rows > max_quarantined_share * raw_rows
