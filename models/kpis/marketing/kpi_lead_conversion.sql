-- One row per reporting period x roll-up of segment and region: the leads created in
-- the period (the cohort) and how many of them, by the as-of date, had converted to an
-- opportunity and had become customers.
{%- set period_columns = 'period_type, period_start, period_end, period_label' %}
{%- set dimensions = ['segment', 'region'] %}
{%- set rollups = [[], ['segment'], ['region'], ['segment', 'region']] %}

with context as (
    select * from {{ ref('dim_reporting_context') }}
),

leads as (
    select * from {{ ref('fct_leads') }}
),

reporting_periods as (
    select * from {{ ref('int_kpi_reporting_periods') }}
),

-- The funnel as it stood on the as-of date: a lead created after it does not exist
-- yet, and a conversion after it has not happened yet. A converted lead without a
-- conversion timestamp is dated at its creation (the earliest it can have converted).
leads_on_as_of_date as (
    select
        leads.*,
        context.as_of_date,
        (
            leads.is_converted
            and coalesce(leads.converted_date, leads.created_date) <= context.as_of_date
        ) as is_converted_by_as_of_date
    from leads
    cross join context
    where leads.created_date <= context.as_of_date
),

-- A lead became a customer when the account it converted to became a customer (first
-- won deal or first paid subscription, dim_accounts.customer_since) on or before the
-- as-of date and not before the lead came in: a lead on an account that was already a
-- customer did not make it one. Segment and region are the converted account's; a
-- lead with no account yet is 'unknown'.
lead_outcomes as (
    select
        lead_id,
        created_date,
        case when is_converted_by_as_of_date then segment else 'unknown' end as segment,
        case when is_converted_by_as_of_date then region else 'unknown' end as region,
        case
            when is_converted_by_as_of_date and has_opportunity then 1 else 0
        end as is_converted_to_opportunity,
        case
            when is_converted_by_as_of_date
                and converted_account_customer_since <= as_of_date
                and converted_account_customer_since >= created_date
                then 1
            else 0
        end as is_converted_to_customer
    from leads_on_as_of_date
),

-- Cohort by creation: a lead created in January that converts in March counts in
-- January.
lead_cohorts as (
    select
        {{ period_columns_of('reporting_periods') }},
        {{ columns_of('lead_outcomes', dimensions) }},
        lead_outcomes.is_converted_to_opportunity,
        lead_outcomes.is_converted_to_customer
    from reporting_periods
    inner join lead_outcomes
        on lead_outcomes.created_date between reporting_periods.period_start and reporting_periods.period_end
),

rolled_up as (
    select
        {{ period_columns }},
        {{ rollup_labels(dimensions) }},
        count(*) as leads_created,
        sum(is_converted_to_opportunity) as leads_converted_to_opportunity,
        sum(is_converted_to_customer) as leads_converted_to_customer
    from lead_cohorts
    {{ rollup_grouping_sets(period_columns, rollups) }}
),

-- A period without a lead keeps its grand-total row: zero counts, NULL rates.
components as (
    {{ rolled_up_with_empty_periods('rolled_up', 'reporting_periods', period_columns, dimensions, [
        'leads_created', 'leads_converted_to_opportunity', 'leads_converted_to_customer'
    ]) }}
),

final as (
    select
        {{ period_columns }},
        {{ dimensions | join(', ') }},
        {{ safe_ratio('leads_converted_to_customer', 'leads_created') }} as lead_to_customer_rate,
        {{ safe_ratio('leads_converted_to_opportunity', 'leads_created') }} as lead_to_opportunity_rate,
        leads_created,
        leads_converted_to_opportunity,
        leads_converted_to_customer
    from components
)

select * from final
