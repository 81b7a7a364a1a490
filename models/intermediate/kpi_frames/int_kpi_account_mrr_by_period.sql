-- One row per reporting period and account with MRR months in it (period_type,
-- period_start, account_id): the account's MRR at the period's start (the previous MRR
-- of its first month, i.e. at the end of the month before) and at its end (the MRR of
-- its last month, the one holding the measured-on date, which fct_mrr_monthly measures
-- on the as-of date), its movements summed over the months between, and how many of
-- those months had each movement type. So starting + new + expansion + reactivation -
-- contraction - churned = ending.
with reporting_periods as (
    select * from {{ ref('int_kpi_reporting_periods') }}
),

mrr_monthly as (
    select * from {{ ref('fct_mrr_monthly') }}
),

final as (
    select
        reporting_periods.period_type,
        reporting_periods.period_start,
        reporting_periods.period_end,
        reporting_periods.period_label,
        mrr_monthly.account_id,
        coalesce(mrr_monthly.segment, 'unknown') as segment,
        coalesce(mrr_monthly.region, 'unknown') as region,
        sum(case when mrr_monthly.month_start = reporting_periods.period_start then mrr_monthly.previous_mrr else 0 end)
            as starting_mrr,
        sum(case when mrr_monthly.month_start = reporting_periods.last_month_start then mrr_monthly.mrr else 0 end)
            as ending_mrr,
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
        reporting_periods.period_type,
        reporting_periods.period_start,
        reporting_periods.period_end,
        reporting_periods.period_label,
        mrr_monthly.account_id,
        coalesce(mrr_monthly.segment, 'unknown'),
        coalesce(mrr_monthly.region, 'unknown')
)

select * from final
