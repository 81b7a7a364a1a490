-- One row per reporting period x roll-up of segment, region: gross and net revenue
-- retention of the customers with MRR at the start, over the period and over the
-- trailing 12 months ending at the period's end. Only the two ends of a window are
-- compared: GRR = sum(min(end, start)) / sum(start), NRR = sum(end) / sum(start).
{%- set period_columns = 'period_type, period_start, period_end, period_label' %}
{%- set dimensions = ['segment', 'region'] %}
{%- set rollups = [[], ['segment'], ['region'], ['segment', 'region']] %}

with mrr_monthly as (
    select * from {{ ref('fct_mrr_monthly') }}
),

-- The period's last month (the month holding the as-of date, if the period does).
reporting_periods as (
    select * from {{ ref('int_kpi_reporting_periods') }}
),

-- Two windows per period, both ending at the period's last month: the period itself
-- and the trailing 12 months. A window's starting MRR is the previous MRR of its first
-- month, i.e. MRR at the end of the month before it.
retention_windows as (
    select
        {{ period_columns }},
        'period' as retention_window,
        period_start as first_month_start,
        last_month_start
    from reporting_periods
    union all
    select
        {{ period_columns }},
        'trailing_12_months' as retention_window,
        cast({{ dbt.dateadd('month', -11, 'last_month_start') }} as date) as first_month_start,
        last_month_start
    from reporting_periods
),

-- The customers active at a window's start, with their MRR then and at its end
-- (0 when churned by then).
cohort_accounts as (
    select
        {{ period_columns }},
        retention_windows.retention_window,
        starting.account_id,
        coalesce(starting.segment, 'unknown') as segment,
        coalesce(starting.region, 'unknown') as region,
        starting.previous_mrr as starting_mrr,
        coalesce(ending.mrr, 0) as ending_mrr
    from retention_windows
    inner join mrr_monthly as starting
        on starting.month_start = retention_windows.first_month_start
        and starting.previous_mrr > 0
    left join mrr_monthly as ending
        on ending.account_id = starting.account_id
        and ending.month_start = retention_windows.last_month_start
),

cohort_components as (
    select
        {{ period_columns }},
        account_id,
        {{ dimensions | join(', ') }},
        case when retention_window = 'period' then 1 else 0 end as customers_at_start,
        case when retention_window = 'period' then starting_mrr else 0 end as starting_mrr,
        -- gross retention is capped per customer: expansion never hides a loss
        case
            when retention_window <> 'period' then 0
            when ending_mrr < starting_mrr then ending_mrr
            else starting_mrr
        end as retained_mrr_gross,
        case when retention_window = 'period' then ending_mrr else 0 end as retained_mrr_net,
        case when retention_window = 'trailing_12_months' then 1 else 0 end as customers_at_start_t12m,
        case when retention_window = 'trailing_12_months' then starting_mrr else 0 end as starting_mrr_t12m,
        case
            when retention_window <> 'trailing_12_months' then 0
            when ending_mrr < starting_mrr then ending_mrr
            else starting_mrr
        end as retained_mrr_gross_t12m,
        case when retention_window = 'trailing_12_months' then ending_mrr else 0 end as retained_mrr_net_t12m
    from cohort_accounts
),

rolled_up as (
    select
        {{ period_columns }},
        {{ rollup_labels(dimensions) }},
        sum(customers_at_start) as customers_at_start,
        sum(starting_mrr) as starting_mrr,
        sum(retained_mrr_gross) as retained_mrr_gross,
        sum(retained_mrr_net) as retained_mrr_net,
        sum(customers_at_start_t12m) as customers_at_start_t12m,
        sum(starting_mrr_t12m) as starting_mrr_t12m,
        sum(retained_mrr_gross_t12m) as retained_mrr_gross_t12m,
        sum(retained_mrr_net_t12m) as retained_mrr_net_t12m
    from cohort_components
    {{ rollup_grouping_sets(period_columns, rollups) }}
),

-- A period with no customer at either start keeps its grand-total row: NULL rates.
components as (
    {{ rolled_up_with_empty_periods('rolled_up', 'reporting_periods', period_columns, dimensions, [
        'customers_at_start', 'starting_mrr', 'retained_mrr_gross', 'retained_mrr_net',
        'customers_at_start_t12m', 'starting_mrr_t12m', 'retained_mrr_gross_t12m',
        'retained_mrr_net_t12m'
    ]) }}
),

final as (
    select
        {{ period_columns }},
        {{ dimensions | join(', ') }},
        {{ safe_ratio('retained_mrr_gross', 'starting_mrr') }} as gross_revenue_retention,
        {{ safe_ratio('retained_mrr_net', 'starting_mrr') }} as net_revenue_retention,
        {{ safe_ratio('retained_mrr_gross_t12m', 'starting_mrr_t12m') }} as gross_revenue_retention_t12m,
        {{ safe_ratio('retained_mrr_net_t12m', 'starting_mrr_t12m') }} as net_revenue_retention_t12m,
        customers_at_start,
        starting_mrr,
        retained_mrr_gross,
        retained_mrr_net,
        customers_at_start_t12m,
        starting_mrr_t12m,
        retained_mrr_gross_t12m,
        retained_mrr_net_t12m
    from components
)

select * from final
