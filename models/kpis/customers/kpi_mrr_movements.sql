-- One row per reporting period x roll-up of segment, region: MRR at the period's start
-- and end, and the movements between them (summed from fct_mrr_monthly's one movement
-- per account and month), with the customer counts behind them.
-- MRR at the start is MRR at the end of the month before the period (the previous MRR
-- of the period's first month); MRR at the end is read at the period's last month end,
-- or on the as-of date in the period holding it. So, for every row:
--   starting + new + expansion + reactivation - contraction - churned = ending.
-- A customer who churns and comes back within one period shows both movements.
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
        sum(starting_mrr) as starting_mrr,
        sum(new_mrr) as new_mrr,
        sum(expansion_mrr) as expansion_mrr,
        sum(reactivation_mrr) as reactivation_mrr,
        sum(contraction_mrr) as contraction_mrr,
        sum(churned_mrr) as churned_mrr,
        sum(ending_mrr) as ending_mrr,
        sum(case when starting_mrr > 0 then 1 else 0 end) as customers_at_start,
        sum(case when ending_mrr > 0 then 1 else 0 end) as customers_at_end,
        sum(new_movements) as new_movements,
        sum(expansion_movements) as expansion_movements,
        sum(reactivation_movements) as reactivation_movements,
        sum(contraction_movements) as contraction_movements,
        sum(churn_movements) as churn_movements
    from period_accounts
    {{ rollup_grouping_sets(period_columns, rollups) }}
),

-- A period without MRR keeps its grand-total row, with zeros: the series has no holes.
components as (
    {{ rolled_up_with_empty_periods('rolled_up', 'reporting_periods', period_columns, dimensions, [
        'starting_mrr', 'new_mrr', 'expansion_mrr', 'reactivation_mrr', 'contraction_mrr',
        'churned_mrr', 'ending_mrr', 'customers_at_start', 'customers_at_end', 'new_movements',
        'expansion_movements', 'reactivation_movements', 'contraction_movements',
        'churn_movements'
    ]) }}
),

final as (
    select
        {{ period_columns }},
        {{ dimensions | join(', ') }},
        -- the KPI values
        ending_mrr,
        new_mrr + expansion_mrr + reactivation_mrr - contraction_mrr - churned_mrr as net_new_mrr,
        -- the MRR bridge
        starting_mrr,
        new_mrr,
        expansion_mrr,
        reactivation_mrr,
        contraction_mrr,
        churned_mrr,
        -- customers: customers_at_start + new + reactivation - churn movements = customers_at_end
        customers_at_start,
        customers_at_end,
        new_movements,
        expansion_movements,
        reactivation_movements,
        contraction_movements,
        churn_movements
    from components
)

select * from final
