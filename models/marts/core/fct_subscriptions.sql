-- One row per priced period of a subscription (subscription_id, period_start): the
-- half-open span [period_start, period_end) at one price, with the price normalised to
-- a month (MRR): a quarterly charge / 3, an annual charge / 12. Converted to the
-- reporting currency at the rate in force on period_start, so an exchange-rate move
-- never shows up as expansion or contraction.
with subscriptions as (
    select * from {{ ref('stg_contract__subscriptions') }}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

fx_rates as (
    select * from {{ ref('int_fx_rates_daily') }}
),

normalised as (
    select
        *,
        case billing_interval
            when 'month' then 1
            when 'quarter' then 3
            when 'year' then 12
        end as months_per_billing_interval
    from subscriptions
),

final as (
    select
        -- keys
        normalised.subscription_id,
        normalised.period_start,
        normalised.account_id,
        -- dimensions
        accounts.segment,
        accounts.region,
        -- the priced period
        normalised.period_end,
        normalised.period_end is null as is_open_ended,
        normalised.billing_interval,
        normalised.months_per_billing_interval,
        normalised.product,
        normalised.quantity,
        normalised.cancel_reason,
        -- money: the charge per billing interval, and per month
        normalised.currency,
        normalised.amount,
        cast(normalised.amount / normalised.months_per_billing_interval as {{ dbt.type_numeric() }}) as mrr,
        fx_rates.rate_to_reporting as fx_rate_to_reporting,
        cast(
            normalised.amount / normalised.months_per_billing_interval * fx_rates.rate_to_reporting
            as {{ dbt.type_numeric() }}
        ) as mrr_reporting
        -- a source system's source_relation and passthrough columns
        {{ source_system_extra_selects('subscriptions', 'normalised') }}
    from normalised
    left join accounts
        on normalised.account_id = accounts.account_id
    left join fx_rates
        on normalised.currency = fx_rates.currency
        and normalised.period_start = fx_rates.rate_day
)

select * from final
