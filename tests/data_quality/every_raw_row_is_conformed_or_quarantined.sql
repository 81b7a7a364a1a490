-- Conservation: for every contract table, each raw row is either in staging (and from
-- there in the conformed tables) or in audit.dq_quarantine, exactly once. Returns the
-- tables where the counts do not add up.
{%- for table_name in contract_tables() %}
-- depends_on: {{ ref('stg_contract__' ~ table_name) }}
{%- endfor %}

with counts as (
    {%- for table_name in contract_tables() %}
    select
        '{{ table_name }}' as table_name,
        (select count(*) from {{ contract_source(table_name) }} as raw_rows) as raw_rows,
        (
            select count(*) from {{ ref('stg_contract__' ~ table_name) }}
            {#- stages derived from the deals have no raw row #}
            {%- if table_name == 'opportunity_stages' %} where not is_derived_from_deals{% endif %}
        ) as conformed_rows,
        (
            select count(*) from {{ ref('dq_quarantine') }}
            where table_name = '{{ table_name }}'
        ) as quarantined_rows
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select *
from counts
where raw_rows != conformed_rows + quarantined_rows
