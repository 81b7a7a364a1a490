-- One row per reporting period x roll-up of segment, region: customer (logo) churn
-- rate (customers with MRR at the start and none at the end / customers with MRR at
-- the start) and gross MRR churn rate ((churned + contraction MRR) / starting MRR),
-- with the counts and amounts behind both.
{%- set period_columns = 'period_type, period_start, period_end, period_label' %}
{%- set dimensions = ['segment', 'region'] %}
{%- set rollups = [[], ['segment'], ['region'], ['segment', 'region']] %}

with reporting_periods as (
    select * from {{ ref('int_kpi_reporting_periods') }}
),

-- Each account's MRR at the period's start and end and its movements in between.
period_accounts as (
    select * from {{ ref('int_kpi_account_mrr_by_period') }}
),

rolled_up as (
    select
        {{ period_columns }},
        {{ rollup_labels(dimensions) }},
        sum(case when starting_mrr > 0 then 1 else 0 end) as customers_at_start,
        -- only the two ends count: churned and back inside the period is retained
        sum(case when starting_mrr > 0 and ending_mrr = 0 then 1 else 0 end) as churned_customers,
        sum(starting_mrr) as starting_mrr,
        sum(churned_mrr) as churned_mrr,
        sum(contraction_mrr) as contraction_mrr
    from period_accounts
    {{ rollup_grouping_sets(period_columns, rollups) }}
),

-- A period without MRR keeps its grand-total row: zero counts, NULL rates.
components as (
    {{ rolled_up_with_empty_periods('rolled_up', 'reporting_periods', period_columns, dimensions, [
        'customers_at_start', 'churned_customers', 'starting_mrr', 'churned_mrr',
        'contraction_mrr'
    ]) }}
),

final as (
    select
        {{ period_columns }},
        {{ dimensions | join(', ') }},
        {{ safe_ratio('churned_customers', 'customers_at_start') }} as logo_churn_rate,
        {{ safe_ratio('churned_mrr + contraction_mrr', 'starting_mrr') }} as gross_mrr_churn_rate,
        churned_customers,
        customers_at_start,
        churned_mrr + contraction_mrr as gross_churned_mrr,
        churned_mrr,
        contraction_mrr,
        starting_mrr
    from components
)

select * from final
