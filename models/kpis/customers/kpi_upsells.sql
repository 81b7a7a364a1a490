-- One row per reporting period x roll-up of segment, region: customers with MRR at the
-- period's start who expanded during it (at least one expansion movement), their share
-- of the customers active at the start, and the expansion amount.
{%- set period_columns = 'period_type, period_start, period_end, period_label' %}
{%- set dimensions = ['segment', 'region'] %}
{%- set rollups = [[], ['segment'], ['region'], ['segment', 'region']] %}

with mrr_monthly as (
    select * from {{ ref('fct_mrr_monthly') }}
),

-- The months a period reads: its first month up to its last month, or up to the month
-- holding the as-of date (fct_mrr_monthly measures that month on the as-of date).
reporting_periods as (
    select * from {{ ref('int_kpi_reporting_periods') }}
),

-- Each account's MRR at the period's start and its expansions during it.
period_accounts as (
    select
        {{ period_columns }},
        mrr_monthly.account_id,
        coalesce(mrr_monthly.segment, 'unknown') as segment,
        coalesce(mrr_monthly.region, 'unknown') as region,
        sum(case when mrr_monthly.month_start = reporting_periods.period_start then mrr_monthly.previous_mrr else 0 end) as starting_mrr,
        sum(case when mrr_monthly.movement_type = 'expansion' then 1 else 0 end) as expansion_movements,
        sum(mrr_monthly.expansion_mrr) as expansion_mrr
    from reporting_periods
    inner join mrr_monthly
        on mrr_monthly.month_start >= reporting_periods.period_start
        and mrr_monthly.month_start <= reporting_periods.last_month_start
    group by
        {{ period_columns }},
        mrr_monthly.account_id,
        coalesce(mrr_monthly.segment, 'unknown'),
        coalesce(mrr_monthly.region, 'unknown')
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
empty_periods as (
    {{ empty_period_rows('reporting_periods', 'rolled_up', period_columns, dimensions, [
        'customers_at_start', 'upsold_customers', 'upsell_mrr', 'expansion_mrr'
    ]) }}
),

components as (
    select * from rolled_up
    union all
    select * from empty_periods
),

final as (
    select
        {{ period_columns }},
        segment,
        region,
        {{ safe_ratio('upsold_customers', 'customers_at_start') }} as upsell_rate,
        upsell_mrr,
        12 * upsell_mrr as upsell_arr,
        upsold_customers,
        customers_at_start,
        expansion_mrr
    from components
)

select * from final
