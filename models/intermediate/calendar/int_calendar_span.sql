-- One row: the first and last day of the calendar (dim_dates, the daily FX rates).
-- It covers every date in the staged data, planned ones included (a deal expected to
-- close in three years needs that day's FX rate), and the as-of date variable, and:
--   - starts a whole fiscal year before the fiscal year holding the earliest date:
--     KPIs look back up to a year (the previous period of a fiscal year, the trailing
--     12 months, the month before a period's start);
--   - ends with the fiscal year after the one holding the latest date: next-period
--     pipeline coverage looks one period ahead, and the longest period is a year.
-- var calendar_start / calendar_end widen it further; they never cut data off.
-- A table, not a view: it reads every staged table, and the daily FX rates (a view
-- read by every fact) would otherwise read them all again for each fact.
{{ config(materialized='table') }}
{%- set fiscal_start = var('fiscal_year_start_month') | int %}
{%- set calendar_start = date_var('calendar_start') %}
{%- set calendar_end = date_var('calendar_end') %}
{%- set as_of_variable = date_var('as_of_date') %}
{#- minus the months DAY lies after its fiscal year's first month (0-11), as in dim_dates #}
{%- set months_back = '-1 * mod(cast(extract(month from DAY) as ' ~ dbt.type_int() ~ ') - '
                      ~ fiscal_start ~ ' + 12, 12)' %}

with accounts as (
    select * from {{ ref('stg_contract__accounts') }}
),

users as (
    select * from {{ ref('stg_contract__users') }}
),

leads as (
    select * from {{ ref('stg_contract__leads') }}
),

opportunities as (
    select * from {{ ref('stg_contract__opportunities') }}
),

opportunity_history as (
    select * from {{ ref('stg_contract__opportunity_history') }}
),

forecasts as (
    select * from {{ ref('stg_contract__forecasts') }}
),

quotas as (
    select * from {{ ref('stg_contract__quotas') }}
),

activities as (
    select * from {{ ref('stg_contract__activities') }}
),

subscriptions as (
    select * from {{ ref('stg_contract__subscriptions') }}
),

invoices as (
    select * from {{ ref('stg_contract__invoices') }}
),

payments as (
    select * from {{ ref('stg_contract__payments') }}
),

expenses as (
    select * from {{ ref('stg_contract__expenses') }}
),

fx_rates as (
    select * from {{ ref('stg_contract__fx_rates') }}
),

product_usage as (
    select * from {{ ref('stg_contract__product_usage') }}
),

-- every date and timestamp column of the contract (runner/tests/test_calendar.py checks
-- that none is missing)
data_dates as (
    select cast(created_at as date) as data_date from accounts
    union all
    select cast(hired_at as date) from users
    union all
    select cast(created_at as date) from leads
    union all
    select cast(converted_at as date) from leads
    union all
    select cast(created_at as date) from opportunities
    union all
    select cast(close_date as date) from opportunities
    union all
    select cast(changed_at as date) from opportunity_history
    union all
    select cast(close_date as date) from opportunity_history
    union all
    select cast(period_start as date) from forecasts
    union all
    select cast(submitted_at as date) from forecasts
    union all
    select cast(period_start as date) from quotas
    union all
    select cast(period_end as date) from quotas
    union all
    select cast(occurred_at as date) from activities
    union all
    select cast(period_start as date) from subscriptions
    union all
    select cast(period_end as date) from subscriptions
    union all
    select cast(issued_at as date) from invoices
    union all
    select cast(due_at as date) from invoices
    union all
    select cast(paid_at as date) from invoices
    union all
    select cast(voided_at as date) from invoices
    union all
    select cast(attempted_at as date) from payments
    union all
    select cast(spent_on as date) from expenses
    union all
    select cast(rate_date as date) from fx_rates
    union all
    select cast(usage_date as date) from product_usage
    {%- if as_of_variable %}
    union all
    select {{ as_of_variable }}
    {%- endif %}
),

data_bounds as (
    select
        min(data_date) as earliest_data_date,
        max(data_date) as latest_data_date
    from data_dates
),

-- the first day of the fiscal year holding each bound: its month start, moved back
-- by the months since the fiscal year's first month
fiscal_years as (
    select
        earliest_data_date,
        latest_data_date,
        cast({{ dbt.dateadd('month', months_back | replace('DAY', 'earliest_data_date'),
                            dbt.date_trunc('month', 'earliest_data_date')) }} as date) as earliest_fiscal_year_start,
        cast({{ dbt.dateadd('month', months_back | replace('DAY', 'latest_data_date'),
                            dbt.date_trunc('month', 'latest_data_date')) }} as date) as latest_fiscal_year_start
    from data_bounds
),

with_margins as (
    select
        earliest_data_date,
        latest_data_date,
        cast({{ dbt.dateadd('month', -12, 'earliest_fiscal_year_start') }} as date) as first_day,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 24, 'latest_fiscal_year_start')) }} as date) as last_day
    from fiscal_years
),

final as (
    select
        earliest_data_date,
        latest_data_date,
        {% if calendar_start -%}
            least(first_day, {{ calendar_start }}) as first_day,
        {%- else -%}
            first_day,
        {%- endif %}
        {% if calendar_end -%}
            greatest(last_day, {{ calendar_end }}) as last_day
        {%- else -%}
            last_day
        {%- endif %}
    from with_margins
)

select * from final
