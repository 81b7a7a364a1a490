-- One row per reporting period x roll-up of segment, region: MRR at the period's start
-- and end, and the movements between them (summed from fct_mrr_monthly's one movement
-- per account and month), with the customer counts behind them.
-- MRR at the start is MRR at the end of the month before the period (the previous MRR
-- of the period's first month); MRR at the end is read at the period's last month end,
-- or on the as-of date in the period holding it. So, for every row:
--   starting + new + expansion + reactivation - contraction - churned = ending.
-- A customer who churns and comes back within one period shows both movements.
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

-- Each account's months inside the period, summed to one row per period and account.
period_accounts as (
    select
        {{ period_columns }},
        mrr_monthly.account_id,
        coalesce(mrr_monthly.segment, 'unknown') as segment,
        coalesce(mrr_monthly.region, 'unknown') as region,
        sum(case when mrr_monthly.month_start = reporting_periods.period_start then mrr_monthly.previous_mrr else 0 end) as starting_mrr,
        sum(case when mrr_monthly.month_start = reporting_periods.last_month_start then mrr_monthly.mrr else 0 end) as ending_mrr,
        sum(mrr_monthly.new_mrr) as new_mrr,
        sum(mrr_monthly.expansion_mrr) as expansion_mrr,
        sum(mrr_monthly.reactivation_mrr) as reactivation_mrr,
        sum(mrr_monthly.contraction_mrr) as contraction_mrr,
        sum(mrr_monthly.churned_mrr) as churned_mrr,
        sum(case when mrr_monthly.movement_type = 'new' then 1 else 0 end) as new_movements,
        sum(case when mrr_monthly.movement_type = 'expansion' then 1 else 0 end) as expansion_movements,
        sum(case when mrr_monthly.movement_type = 'reactivation' then 1 else 0 end) as reactivation_movements,
        sum(case when mrr_monthly.movement_type = 'contraction' then 1 else 0 end) as contraction_movements,
        sum(case when mrr_monthly.movement_type = 'churn' then 1 else 0 end) as churn_movements
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
        coalesce(segment, {{ rollup_label() }}) as segment,
        coalesce(region, {{ rollup_label() }}) as region,
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
    group by grouping sets (
        ({{ period_columns }}),
        ({{ period_columns }}, segment),
        ({{ period_columns }}, region),
        ({{ period_columns }}, segment, region)
    )
),

-- A period without MRR keeps its grand-total row, with zeros: the series has no holes.
empty_periods as (
    select
        {{ period_columns }},
        {{ rollup_label() }} as segment,
        {{ rollup_label() }} as region,
        0 as starting_mrr,
        0 as new_mrr,
        0 as expansion_mrr,
        0 as reactivation_mrr,
        0 as contraction_mrr,
        0 as churned_mrr,
        0 as ending_mrr,
        0 as customers_at_start,
        0 as customers_at_end,
        0 as new_movements,
        0 as expansion_movements,
        0 as reactivation_movements,
        0 as contraction_movements,
        0 as churn_movements
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
