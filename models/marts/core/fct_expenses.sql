-- One row per day, kind of spend (marketing, sales), channel and campaign, in the
-- reporting currency at the rate in force on the day.
with expenses as (
    select * from {{ ref('stg_contract__expenses') }}
),

fx_rates as (
    select * from {{ ref('int_fx_rates_daily') }}
),

final as (
    select
        -- keys
        {{ surrogate_key(['expenses.spent_on', 'expenses.expense_type', 'expenses.channel', 'expenses.campaign', 'expenses.currency']) }}
            as expense_key,
        -- attributes
        expenses.spent_on,
        expenses.expense_type,
        expenses.channel,
        expenses.campaign,
        -- money
        expenses.currency,
        expenses.amount,
        fx_rates.rate_to_reporting as fx_rate_to_reporting,
        cast(expenses.amount * fx_rates.rate_to_reporting as {{ dbt.type_numeric() }}) as amount_reporting
    from expenses
    left join fx_rates
        on expenses.currency = fx_rates.currency
        and expenses.spent_on = fx_rates.rate_day
)

select * from final
