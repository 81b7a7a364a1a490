-- One row per reporting period x roll-up of segment, region: the SaaS quick ratio,
-- (new + expansion + reactivation MRR) / (churned + contraction MRR), with the
-- movements behind it (fct_mrr_monthly's monthly movements summed over the period).
{%- set period_columns = 'period_type, period_start, period_end, period_label' %}

with mrr_monthly as (
    select * from {{ ref('fct_mrr_monthly') }}
),

periods as (
    select * from {{ ref('dim_periods') }}
),

context as (
    select * from {{ ref('dim_reporting_context') }}
),

-- The months a period reads: its first month up to its last month, or up to the month
-- holding the as-of date (fct_mrr_monthly measures that month on the as-of date).
reporting_periods as (
    select
        periods.period_type,
        periods.period_start,
        periods.period_end,
        periods.period_label,
        cast({{ dbt.date_trunc(
            'month',
            'case when periods.period_end > context.as_of_date then context.as_of_date else periods.period_end end'
        ) }} as date) as last_month_start
    from periods
    cross join context
    where periods.is_reporting_period
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
        coalesce(segment, {{ rollup_label() }}) as segment,
        coalesce(region, {{ rollup_label() }}) as region,
        sum(new_mrr) as new_mrr,
        sum(expansion_mrr) as expansion_mrr,
        sum(reactivation_mrr) as reactivation_mrr,
        sum(contraction_mrr) as contraction_mrr,
        sum(churned_mrr) as churned_mrr
    from period_months
    group by grouping sets (
        ({{ period_columns }}),
        ({{ period_columns }}, segment),
        ({{ period_columns }}, region),
        ({{ period_columns }}, segment, region)
    )
),

-- A period without MRR keeps its grand-total row: zero amounts, NULL ratio.
empty_periods as (
    select
        {{ period_columns }},
        {{ rollup_label() }} as segment,
        {{ rollup_label() }} as region,
        0 as new_mrr,
        0 as expansion_mrr,
        0 as reactivation_mrr,
        0 as contraction_mrr,
        0 as churned_mrr
    from reporting_periods
    where not exists (
        select 1
        from rolled_up
        where rolled_up.period_type = reporting_periods.period_type
            and rolled_up.period_start = reporting_periods.period_start
    )
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
