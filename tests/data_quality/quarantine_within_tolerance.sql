-- The severity policy: the build fails when a table has more of its raw rows in
-- quarantine than var dq_max_quarantined_share allows (default 1%), or the per-table
-- share in var dq_max_quarantined_share_by_table ({opportunities: 0.05}). Below the
-- threshold, quarantined rows only warn (quarantine_is_empty). Returns the tables over.
{{ config(severity='error') }}
{%- set default_share = var('dq_max_quarantined_share', 0.01) %}
{%- set by_table = var('dq_max_quarantined_share_by_table', {}) or {} %}

with shares as (
    {%- for table_name in contract_tables() %}
    select
        '{{ table_name }}' as table_name,
        (select count(*) from {{ contract_source(table_name) }} as raw_rows) as raw_rows,
        (
            select count(*) from {{ ref('dq_quarantine') }}
            where table_name = '{{ table_name }}'
        ) as quarantined_rows,
        {{ quarantine_share_limit(by_table.get(table_name, default_share)) }} as max_quarantined_share
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
