-- One row per reporting period x roll-up of segment, region: customers with MRR at the
-- period's start who expanded during it (at least one expansion movement), their share
-- of the customers active at the start, and the expansion amount.
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
        sum(case when starting_mrr > 0 and expansion_movements > 0 then 1 else 0 end) as upsold_customers,
        sum(case when starting_mrr > 0 then expansion_mrr else 0 end) as upsell_mrr,
        sum(expansion_mrr) as expansion_mrr
    from period_accounts
    {{ rollup_grouping_sets(period_columns, rollups) }}
),

-- A period without MRR keeps its grand-total row: zero counts, NULL rate.
components as (
    {{ rolled_up_with_empty_periods('rolled_up', 'reporting_periods', period_columns, dimensions, [
        'customers_at_start', 'upsold_customers', 'upsell_mrr', 'expansion_mrr'
    ]) }}
),

final as (
    select
        {{ period_columns }},
        {{ dimensions | join(', ') }},
        {{ safe_ratio('upsold_customers', 'customers_at_start') }} as upsell_rate,
        upsell_mrr,
        12 * upsell_mrr as upsell_arr,
        upsold_customers,
        customers_at_start,
        expansion_mrr
    from components
)

select * from final
