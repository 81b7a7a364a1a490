-- Conservation, one layer on: every staging row of a table that has a one-row-per-row
-- conformed table is in it (no join drops or repeats a row). Returns the mismatches.
{%- set one_to_one = [
    ('accounts', 'dim_accounts'), ('users', 'dim_users'), ('leads', 'fct_leads'),
    ('opportunities', 'fct_opportunities'), ('subscriptions', 'fct_subscriptions'),
    ('invoices', 'fct_invoices'), ('payments', 'fct_payments'), ('expenses', 'fct_expenses'),
    ('activities', 'fct_activities'), ('quotas', 'fct_quotas'), ('forecasts', 'fct_forecasts'),
] %}

with counts as (
    {%- for table_name, fact in one_to_one %}
    select
        '{{ table_name }}' as table_name,
        '{{ fact }}' as conformed_table,
        (select count(*) from {{ ref('stg_contract__' ~ table_name) }}) as staging_rows,
        (select count(*) from {{ ref(fact) }}) as conformed_rows
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
    union all
    -- the history collapses to day-level states, but no deal with history is lost
    select
        'opportunity_history',
        'fct_opportunity_history',
        (select count(distinct opportunity_id) from {{ ref('stg_contract__opportunity_history') }}),
        (
            select count(distinct history.opportunity_id)
            from {{ ref('stg_contract__opportunity_history') }} as history
            inner join {{ ref('fct_opportunity_history') }} as states
                on history.opportunity_id = states.opportunity_id
        )
)

select *
from counts
where staging_rows != conformed_rows
