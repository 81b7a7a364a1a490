-- One row per forecast call: a user's forecast for the period starting period_start,
-- in one category, submitted at submitted_at. Converted at the rate in force on the
-- period's first day, the same basis as the bookings it is compared with.
with forecasts as (
    select * from {{ ref('stg_contract__forecasts') }}
),

users as (
    select * from {{ ref('dim_users') }}
),

fx_rates as (
    select * from {{ ref('int_fx_rates_daily') }}
),

final as (
    select
        -- keys
        {{ surrogate_key(['forecasts.user_id', 'forecasts.period_start', 'forecasts.submitted_at', 'forecasts.forecast_category']) }}
            as forecast_key,
        forecasts.user_id,
        -- dimensions
        users.team,
        -- the call
        forecasts.period_start,
        forecasts.forecast_category,
        forecasts.submitted_at,
        -- money
        forecasts.currency,
        forecasts.amount,
        fx_rates.rate_to_reporting as fx_rate_to_reporting,
        cast(forecasts.amount * fx_rates.rate_to_reporting as {{ dbt.type_numeric() }}) as amount_reporting
    from forecasts
    left join users
        on forecasts.user_id = users.user_id
    left join fx_rates
        on forecasts.currency = fx_rates.currency
        and forecasts.period_start = fx_rates.rate_day
)

select * from final
