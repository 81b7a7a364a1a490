-- One row per reporting period x roll-up of segment, region: ARPA at the period's end,
-- the monthly logo churn rate over the six months ending with the period's last month
-- (pooled), and customer lifetime value = ARPA x gross margin / that churn rate.
-- Gross margin is the variable `gross_margin` (default 0.8).
{%- set period_columns = 'period_type, period_start, period_end, period_label' %}
{%- set dimensions = ['segment', 'region'] %}
{%- set rollups = [[], ['segment'], ['region'], ['segment', 'region']] %}
{%- set gross_margin = var('gross_margin', 0.8) %}
{%- set churn_window_months = 6 %}

with mrr_monthly as (
    select * from {{ ref('fct_mrr_monthly') }}
),

-- The period's last month (the month holding the as-of date, if the period does) and
-- the first month of the six-month churn window that ends with it.
reporting_periods as (
    select * from {{ ref('int_kpi_reporting_periods') }}
),

churn_windows as (
    select
        *,
        cast({{ dbt.dateadd('month', 1 - churn_window_months, 'last_month_start') }} as date) as churn_window_start
    from reporting_periods
),

-- Per account: MRR at the period's end, and over the churn window the months it
-- started with MRR and the months it churned.
period_accounts as (
    select
        {{ period_columns }},
        mrr_monthly.account_id,
        coalesce(mrr_monthly.segment, 'unknown') as segment,
        coalesce(mrr_monthly.region, 'unknown') as region,
        sum(case when mrr_monthly.month_start = churn_windows.last_month_start then mrr_monthly.mrr else 0 end) as ending_mrr,
        sum(case when mrr_monthly.previous_mrr > 0 then 1 else 0 end) as customer_months_at_start,
        sum(case when mrr_monthly.movement_type = 'churn' then 1 else 0 end) as churned_customers
    from churn_windows
    inner join mrr_monthly
        on mrr_monthly.month_start >= churn_windows.churn_window_start
        and mrr_monthly.month_start <= churn_windows.last_month_start
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
        sum(ending_mrr) as ending_mrr,
        sum(case when ending_mrr > 0 then 1 else 0 end) as customers_at_end,
        sum(churned_customers) as churned_customers_t6m,
        sum(customer_months_at_start) as customer_months_at_start_t6m
    from period_accounts
    {{ rollup_grouping_sets(period_columns, rollups) }}
),

-- A period without MRR keeps its grand-total row: zero counts, NULL values.
components as (
    {{ rolled_up_with_empty_periods('rolled_up', 'reporting_periods', period_columns, dimensions, [
        'ending_mrr', 'customers_at_end', 'churned_customers_t6m',
        'customer_months_at_start_t6m'
    ]) }}
),

with_rates as (
    select
        *,
        {{ safe_ratio('ending_mrr', 'customers_at_end') }} as arpa,
        {{ safe_ratio('churned_customers_t6m', 'customer_months_at_start_t6m') }} as monthly_logo_churn_rate_t6m,
        cast({{ gross_margin }} as {{ dbt.type_numeric() }}) as gross_margin
    from components
),

final as (
    select
        {{ period_columns }},
        {{ dimensions | join(', ') }},
        -- NULL while churn is zero: an endless lifetime is not a number
        {{ safe_ratio('arpa * gross_margin', 'monthly_logo_churn_rate_t6m') }} as customer_lifetime_value,
        arpa,
        monthly_logo_churn_rate_t6m,
        gross_margin,
        ending_mrr,
        customers_at_end,
        churned_customers_t6m,
        customer_months_at_start_t6m
    from with_rates
)

select * from final
