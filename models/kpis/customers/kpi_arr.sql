-- One row per reporting period x roll-up of segment, region: ARR at the period's end
-- (12 x MRR), net new ARR and expansion ARR over the period, and the ARR bridge behind
-- them. Movements are fct_mrr_monthly's monthly movements summed over the period;
-- MRR at the start/end is read as in kpi_mrr_movements.
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
        sum(ending_mrr) as ending_mrr,
        sum(new_mrr) as new_mrr,
        sum(expansion_mrr) as expansion_mrr,
        sum(reactivation_mrr) as reactivation_mrr,
        sum(contraction_mrr) as contraction_mrr,
        sum(churned_mrr) as churned_mrr
    from period_accounts
    {{ rollup_grouping_sets(period_columns, rollups) }}
),

-- A period without MRR keeps its grand-total row, with zeros: the series has no holes.
components as (
    {{ rolled_up_with_empty_periods('rolled_up', 'reporting_periods', period_columns, dimensions, [
        'starting_mrr', 'ending_mrr', 'new_mrr', 'expansion_mrr', 'reactivation_mrr',
        'contraction_mrr', 'churned_mrr'
    ]) }}
),

final as (
    select
        {{ period_columns }},
        {{ dimensions | join(', ') }},
        -- the KPI values: ARR is the run rate of MRR at the period's end
        12 * ending_mrr as arr,
        12 * (new_mrr + expansion_mrr + reactivation_mrr - contraction_mrr - churned_mrr) as net_new_arr,
        -- increases of customers that already had MRR; a comeback is not expansion
        12 * expansion_mrr as expansion_arr,
        -- the ARR bridge: starting_arr + net_new_arr = arr
        12 * starting_mrr as starting_arr,
        12 * new_mrr as new_arr,
        12 * reactivation_mrr as reactivation_arr,
        12 * contraction_mrr as contraction_arr,
        12 * churned_mrr as churned_arr,
        -- the MRR the ARR is read from
        starting_mrr,
        ending_mrr
    from components
)

select * from final
