-- One row per reporting period x roll-up of segment, region: the SaaS quick ratio,
-- (new + expansion + reactivation MRR) / (churned + contraction MRR), with the
-- movements behind it (fct_mrr_monthly's monthly movements summed over the period).
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

period_months as (
    select
        {{ period_columns }},
        coalesce(mrr_monthly.segment, 'unknown') as segment,
        coalesce(mrr_monthly.region, 'unknown') as region,
        mrr_monthly.new_mrr,
        mrr_monthly.expansion_mrr,
        mrr_monthly.reactivation_mrr,
        mrr_monthly.contraction_mrr,
        mrr_monthly.churned_mrr
    from reporting_periods
    inner join mrr_monthly
        on mrr_monthly.month_start >= reporting_periods.period_start
        and mrr_monthly.month_start <= reporting_periods.last_month_start
),

rolled_up as (
    select
        {{ period_columns }},
        {{ rollup_labels(dimensions) }},
        sum(new_mrr) as new_mrr,
        sum(expansion_mrr) as expansion_mrr,
        sum(reactivation_mrr) as reactivation_mrr,
        sum(contraction_mrr) as contraction_mrr,
        sum(churned_mrr) as churned_mrr
    from period_months
    {{ rollup_grouping_sets(period_columns, rollups) }}
),

-- A period without MRR keeps its grand-total row: zero amounts, NULL ratio.
empty_periods as (
    {{ empty_period_rows('reporting_periods', 'rolled_up', period_columns, dimensions, [
        'new_mrr', 'expansion_mrr', 'reactivation_mrr', 'contraction_mrr', 'churned_mrr'
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
        {{ safe_ratio(
            'new_mrr + expansion_mrr + reactivation_mrr',
            'churned_mrr + contraction_mrr'
        ) }} as quick_ratio,
        new_mrr + expansion_mrr + reactivation_mrr as gained_mrr,
        churned_mrr + contraction_mrr as lost_mrr,
        new_mrr,
        expansion_mrr,
        reactivation_mrr,
        contraction_mrr,
        churned_mrr
    from components
)

select * from final
