-- The contract's subscriptions from Stripe: one priced period per subscription, at its
-- current items and prices. Stripe keeps no history of past prices, so a change of
-- price or quantity moves the whole subscription to the new amount.
--   amount   the items' unit amounts x quantities, from the currency's smallest unit
--            (zero- and three-decimal currencies as Stripe defines them)
--   interval month, quarter (3 months) or year (1 year or 12 months) when every item
--            bills on that cycle; any other cycle (days, weeks, 2 months...) becomes its
--            monthly equivalent, so MRR is right whatever the cycle
--   period   from the start (after any trial) to the end (ended_at, or canceled_at for
--            a canceled subscription); NULL while it runs
-- Left out, as never having been billed: incomplete and incomplete_expired
-- subscriptions (the first payment never succeeded) and those that ended before their
-- trial did.
{%- set subscription_columns = ['id', 'customer_id', 'status', 'created', 'start_date', 'trial_end',
    'canceled_at', 'ended_at', 'cancellation_details_reason', 'livemode'] %}
with subscription_rows as (
    {% if system_table_exists('stripe', 'subscription_history') -%}
    -- Fivetran's history: the version in force now
    select * from {{ system_source('stripe', 'subscription_history', subscription_columns + ['_fivetran_active']) }} as history
    where coalesce({{ parse_boolean('_fivetran_active') }}, true)
    {%- else -%}
    select * from {{ system_source('stripe', 'subscription', subscription_columns) }} as subscription
    {%- endif %}
),

subscriptions as (
    select
        {{ clean_text('subscription_rows.id') }} as subscription_id,
        customers.account_id,
        lower({{ clean_text('subscription_rows.status') }}) as status,
        cast({{ parse_timestamp(system_timestamp('coalesce(subscription_rows.start_date, subscription_rows.created)')) }} as date) as started_on,
        cast({{ parse_timestamp(system_timestamp('subscription_rows.trial_end')) }} as date) as trial_ends_on,
        cast({{ parse_timestamp(system_timestamp(
            "coalesce(subscription_rows.ended_at, case when lower(subscription_rows.status) = 'canceled' then subscription_rows.canceled_at end)")) }} as date) as ended_on,
        lower({{ clean_text('subscription_rows.cancellation_details_reason') }}) as cancellation_reason
    from subscription_rows
    left join {{ ref('base_stripe__customers') }} as customers
        on customers.customer_id = {{ clean_text('subscription_rows.customer_id') }}
    where coalesce({{ parse_boolean('subscription_rows.livemode') }}, true)
        and coalesce(lower({{ clean_text('subscription_rows.status') }}), '') not in ('incomplete', 'incomplete_expired')
),

prices as (
    select
        {{ clean_text('id') }} as price_id,
        {{ try_cast(clean_text('unit_amount'), dbt.type_numeric()) }} as unit_amount,
        upper({{ clean_text('currency') }}) as currency,
        lower({{ clean_text('recurring_interval') }}) as recurring_interval,
        coalesce({{ try_cast(clean_text('recurring_interval_count'), dbt.type_bigint()) }}, 1) as interval_count,
        {{ clean_text('product_id') }} as product_id
    from {{ system_source('stripe', 'price', ['id', 'unit_amount', 'currency', 'recurring_interval',
        'recurring_interval_count', 'product_id']) }} as price
    union all
    select
        {{ clean_text('id') }} as price_id,
        {{ try_cast(clean_text('amount'), dbt.type_numeric()) }} as unit_amount,
        upper({{ clean_text('currency') }}) as currency,
        lower({{ clean_text('interval') }}) as recurring_interval,
        coalesce({{ try_cast(clean_text('interval_count'), dbt.type_bigint()) }}, 1) as interval_count,
        {{ clean_text('product_id') }} as product_id
    from {{ system_source('stripe', 'plan', ['id', 'amount', 'currency', 'interval', 'interval_count', 'product_id']) }} as plan
),

items as (
    select
        {{ clean_text('items.subscription_id') }} as subscription_id,
        coalesce({{ try_cast(clean_text('items.quantity'), dbt.type_numeric()) }}, 1) as quantity,
        prices.unit_amount,
        prices.currency,
        prices.recurring_interval,
        prices.interval_count,
        products.product_name,
        power(10, coalesce(decimals.decimals, 2)) as minor_units_per_unit,
        -- the cycle in the contract's terms, when it is one of them
        case
            when prices.recurring_interval = 'month' and prices.interval_count = 1 then 'month'
            when prices.recurring_interval = 'month' and prices.interval_count = 3 then 'quarter'
            when prices.recurring_interval = 'month' and prices.interval_count = 12 then 'year'
            when prices.recurring_interval = 'year' and prices.interval_count = 1 then 'year'
        end as contract_interval,
        -- the cycle's length in months (a year is 52 weeks or 365 days)
        case prices.recurring_interval
            when 'month' then prices.interval_count
            when 'year' then 12 * prices.interval_count
            when 'week' then prices.interval_count * 12.0 / 52
            when 'day' then prices.interval_count * 12.0 / 365
        end as months_per_cycle
    from {{ system_source('stripe', 'subscription_item', ['id', 'subscription_id', 'price_id', 'plan_id', 'quantity']) }} as items
    left join prices
        on prices.price_id = coalesce({{ clean_text('items.price_id') }}, {{ clean_text('items.plan_id') }})
    left join (
        select {{ clean_text('id') }} as product_id, {{ clean_text('name') }} as product_name
        from {{ system_source('stripe', 'product', ['id', 'name']) }} as product
    ) as products
        on products.product_id = prices.product_id
    left join {{ ref('stripe_currency_decimals') }} as decimals
        on decimals.currency = prices.currency
),

priced as (
    select
        subscription_id,
        min(currency) as currency,
        sum(quantity) as quantity,
        min(product_name) as product,
        -- one contract cycle shared by every item, or none
        case when count(distinct coalesce(contract_interval, 'other')) = 1 then min(contract_interval) end
            as shared_interval,
        sum(unit_amount * quantity / minor_units_per_unit) as amount_per_cycle,
        sum(unit_amount * quantity / minor_units_per_unit / months_per_cycle) as amount_per_month
    from items
    group by subscription_id
)

select
    subscriptions.subscription_id,
    subscriptions.account_id,
    cast(case
        when subscriptions.trial_ends_on > subscriptions.started_on then subscriptions.trial_ends_on
        else subscriptions.started_on
    end as {{ dbt.type_string() }}) as period_start,
    cast(subscriptions.ended_on as {{ dbt.type_string() }}) as period_end,
    cast(cast(
        case when priced.shared_interval is not null then priced.amount_per_cycle else priced.amount_per_month end
        as {{ dbt.type_numeric() }}) as {{ dbt.type_string() }}) as amount,
    coalesce(priced.shared_interval, case when priced.subscription_id is not null then 'month' end) as billing_interval,
    priced.currency,
    priced.product,
    cast(priced.quantity as {{ dbt.type_string() }}) as quantity,
    case
        when subscriptions.ended_on is null then null
        when subscriptions.cancellation_reason in ('payment_failed', 'payment_disputed') then 'involuntary'
        else 'voluntary'
    end as cancel_reason
from subscriptions
left join priced
    on priced.subscription_id = subscriptions.subscription_id
-- ended during its trial: never billed
where subscriptions.ended_on is null
    or subscriptions.trial_ends_on is null
    or subscriptions.ended_on > subscriptions.trial_ends_on
