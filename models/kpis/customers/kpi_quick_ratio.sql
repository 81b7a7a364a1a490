-- One row per reporting period x roll-up of segment, region: the SaaS quick ratio,
-- (new + expansion + reactivation MRR) / (churned + contraction MRR), with the
-- movements behind it (fct_mrr_monthly's monthly movements summed over the period).
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
        sum(new_mrr) as new_mrr,
        sum(expansion_mrr) as expansion_mrr,
        sum(reactivation_mrr) as reactivation_mrr,
        sum(contraction_mrr) as contraction_mrr,
        sum(churned_mrr) as churned_mrr
    from period_accounts
    {{ rollup_grouping_sets(period_columns, rollups) }}
),

-- A period without MRR keeps its grand-total row: zero amounts, NULL ratio.
components as (
    {{ rolled_up_with_empty_periods('rolled_up', 'reporting_periods', period_columns, dimensions, [
        'new_mrr', 'expansion_mrr', 'reactivation_mrr', 'contraction_mrr', 'churned_mrr'
    ]) }}
),

final as (
    select
        {{ period_columns }},
        {{ dimensions | join(', ') }},
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
