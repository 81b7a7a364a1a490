-- One row per currency and calendar day: the rate that converts one unit of the
-- currency into the reporting currency on that day. The rate in force on a day is the
-- latest rate_date on or before it (input contract); the reporting currency is 1.
-- The days are the calendar's (int_calendar_span: every date in the data, with a
-- margin), so every fact's conversion date has a row. A currency has no row before
-- its first rate, so a conversion there is NULL and the facts' tests report it as a
-- data error.
-- A table: every fact that converts money reads it (seven models and a test).
{{ config(materialized='table') }}

with rates as (
    select * from {{ ref('stg_contract__fx_rates') }}
    where currency is not null
        and rate_date is not null
        and currency != {{ sql_literal(var("reporting_currency")) }}
),

calendar_days as (
    select date_day as rate_day from ({{ calendar_day_spine() }}) as spine
),

rate_ranges as (
    select
        currency,
        rate_date as valid_from,
        lead(rate_date) over (partition by currency order by rate_date) as valid_to,
        rate_to_reporting
    from rates
),

foreign_currency_days as (
    select
        rate_ranges.currency,
        calendar_days.rate_day,
        rate_ranges.rate_to_reporting
    from rate_ranges
    inner join calendar_days
        on calendar_days.rate_day >= rate_ranges.valid_from
        and calendar_days.rate_day < {{ open_ended('rate_ranges.valid_to') }}
),

reporting_currency_days as (
    select
        {{ sql_literal(var("reporting_currency")) }} as currency,
        rate_day,
        cast(1 as {{ type_rate() }}) as rate_to_reporting
    from calendar_days
),

final as (
    select * from foreign_currency_days
    union all
    select * from reporting_currency_days
)

select * from final
