-- One row per user and quota period: the quota in the reporting currency, at the rate
-- in force on the period's first day. period_end is the first day no longer covered.
with quotas as (
    select * from {{ ref('stg_contract__quotas') }}
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
        quotas.user_id,
        quotas.period_start,
        -- dimensions
        users.team,
        -- the period, half-open
        quotas.period_end,
        -- money
        quotas.currency,
        quotas.amount,
        fx_rates.rate_to_reporting as fx_rate_to_reporting,
        cast(quotas.amount * fx_rates.rate_to_reporting as {{ dbt.type_numeric() }}) as amount_reporting
    from quotas
    left join users
        on quotas.user_id = users.user_id
    left join fx_rates
        on quotas.currency = fx_rates.currency
        and quotas.period_start = fx_rates.rate_day
)

select * from final
