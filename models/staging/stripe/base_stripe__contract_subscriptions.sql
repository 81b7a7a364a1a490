-- The contract's subscriptions from Stripe: the priced periods of each subscription.
-- Stripe keeps no history of a subscription's items, so the past is rebuilt from the
-- invoice lines (as Fivetran's dbt_stripe does): each billing cycle's subscription lines
-- (period_start, price, quantity) and each positive proration line (a mid-cycle change:
-- the new price from its period_start) is a priced state; the current items replace the
-- last one. Consecutive states at the same price are one period. Without invoice lines
-- with periods (or without the table) a subscription is one period at its current items.
--   discounts recurring coupons (duration forever or repeating, from table discount and
--            coupon) reduce the amount of the states that begin inside the discount's
--            [start, end); once-only coupons and one-off invoice items do not (DECISIONLOG)
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
    'canceled_at', 'ended_at', 'cancellation_details_reason', 'livemode']
    + passthrough_source_columns('stripe', 'subscription') %}
{#- var stripe_subscription_passthrough_columns: carried on every period of the subscription -#}
{%- set passthrough_names = passthrough_columns('stripe', 'subscription') | map(attribute='name') | list %}
{%- do require_custom_columns('stripe', 'subscription') %}
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
        {{- passthrough_selects('stripe', 'subscription', 'subscription_rows') }}
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

invoice_lines as (
    -- the invoice lines that price a cycle or a change: subscription lines, and the
    -- positive half of a proration (the unused time on the old price is its negative half)
    select
        {{ clean_text('lines.id') }} as line_id,
        {{ clean_text('lines.subscription_id') }} as subscription_id,
        {{ clean_text('lines.period_start') }} as period_start_text,
        cast({{ parse_timestamp(system_timestamp('lines.period_start')) }} as date) as effective_from,
        coalesce({{ clean_text('lines.price_id') }}, {{ clean_text('lines.plan_id') }}) as price_id,
        coalesce({{ try_cast(clean_text('lines.quantity'), dbt.type_numeric()) }}, 1) as quantity
    from {{ system_source('stripe', 'invoice_line_item', ['id', 'invoice_id', 'subscription_id', 'price_id',
        'plan_id', 'quantity', 'amount', 'period_start', 'proration', 'type', 'livemode']) }} as lines
    where {{ clean_text('lines.subscription_id') }} is not null
        and {{ clean_text('lines.period_start') }} is not null
        and coalesce(lower({{ clean_text('lines.type') }}), 'subscription') = 'subscription'
        and coalesce({{ parse_boolean('lines.livemode') }}, true)
        and (not coalesce({{ parse_boolean('lines.proration') }}, false)
            or {{ try_cast(clean_text('lines.amount'), dbt.type_numeric()) }} > 0)
),

line_items as (
    -- a line of the trial prices nothing: the paid periods begin when the trial ends
    select invoice_lines.*
    from invoice_lines
    inner join subscriptions
        on subscriptions.subscription_id = invoice_lines.subscription_id
    where invoice_lines.effective_from is not null
        and (subscriptions.trial_ends_on is null or invoice_lines.effective_from >= subscriptions.trial_ends_on)
),

unreadable_lines as (
    -- a line whose period does not parse becomes a row of its own, so the contract
    -- quarantines it with its value and reason (never dropped in silence)
    select invoice_lines.subscription_id, subscriptions.account_id, invoice_lines.period_start_text
    from invoice_lines
    inner join subscriptions
        on subscriptions.subscription_id = invoice_lines.subscription_id
    where invoice_lines.effective_from is null
),

current_items as (
    select
        {{ clean_text('items.subscription_id') }} as subscription_id,
        coalesce({{ clean_text('items.price_id') }}, {{ clean_text('items.plan_id') }}) as price_id,
        coalesce({{ try_cast(clean_text('items.quantity'), dbt.type_numeric()) }}, 1) as quantity
    from {{ system_source('stripe', 'subscription_item', ['id', 'subscription_id', 'price_id', 'plan_id', 'quantity']) }} as items
),

last_line_state as (
    select
        line_items.subscription_id,
        max(line_items.effective_from) as effective_from,
        -- without current items (some landings drop an ended subscription's), the last
        -- invoiced state stands
        max(case when current_subscriptions.subscription_id is null then 1 else 0 end) as keeps_last
    from line_items
    left join (select distinct subscription_id from current_items) as current_subscriptions
        on current_subscriptions.subscription_id = line_items.subscription_id
    group by line_items.subscription_id
),

state_items as (
    -- the past states from the lines, the current items as the last state
    select line_items.subscription_id, line_items.effective_from, line_items.price_id, line_items.quantity
    from line_items
    inner join last_line_state
        on last_line_state.subscription_id = line_items.subscription_id
    where line_items.effective_from < last_line_state.effective_from or last_line_state.keeps_last = 1
    union all
    select current_items.subscription_id, last_line_state.effective_from, current_items.price_id, current_items.quantity
    from current_items
    left join last_line_state
        on last_line_state.subscription_id = current_items.subscription_id
),

items as (
    select
        state_items.subscription_id,
        state_items.effective_from,
        state_items.quantity,
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
    from state_items
    left join prices
        on prices.price_id = state_items.price_id
    left join (
        select {{ clean_text('id') }} as product_id, {{ clean_text('name') }} as product_name
        from {{ system_source('stripe', 'product', ['id', 'name']) }} as product
    ) as products
        on products.product_id = prices.product_id
    left join {{ ref('stripe_currency_decimals') }} as decimals
        on decimals.currency = prices.currency
),

priced_states as (
    select
        subscription_id,
        effective_from,
        min(currency) as currency,
        sum(quantity) as quantity,
        min(product_name) as product,
        -- one contract cycle shared by every item, or none
        case when count(distinct coalesce(contract_interval, 'other')) = 1 then min(contract_interval) end
            as shared_interval,
        sum(unit_amount * quantity / minor_units_per_unit) as amount_per_cycle,
        sum(unit_amount * quantity / minor_units_per_unit / months_per_cycle) as amount_per_month
    from items
    group by subscription_id, effective_from
),

recurring_discounts as (
    -- coupons that recur (forever, or repeating for some months) on a subscription
    select
        {{ clean_text('discounts.subscription_id') }} as subscription_id,
        cast({{ parse_timestamp(system_timestamp('discounts.' ~ adapter.quote('start'))) }} as date) as starts_on,
        cast({{ parse_timestamp(system_timestamp('discounts.' ~ adapter.quote('end'))) }} as date) as ends_on,
        coalesce({{ try_cast(clean_text('coupons.percent_off'), dbt.type_numeric()) }}, 0) as percent_off,
        coalesce({{ try_cast(clean_text('coupons.amount_off'), dbt.type_numeric()) }}, 0)
            / power(10, coalesce(decimals.decimals, 2)) as amount_off
    from {{ system_source('stripe', 'discount', ['id', 'coupon_id', 'subscription_id', 'start', 'end']) }} as discounts
    inner join {{ system_source('stripe', 'coupon', ['id', 'percent_off', 'amount_off', 'currency', 'duration']) }} as coupons
        on {{ clean_text('coupons.id') }} = {{ clean_text('discounts.coupon_id') }}
    left join {{ ref('stripe_currency_decimals') }} as decimals
        on decimals.currency = upper({{ clean_text('coupons.currency') }})
    where lower({{ clean_text('coupons.duration') }}) in ('forever', 'repeating')
),

discounted_states as (
    select
        priced_states.subscription_id,
        priced_states.effective_from,
        priced_states.currency,
        priced_states.quantity,
        priced_states.product,
        priced_states.shared_interval,
        max(priced_states.amount_per_cycle) as gross_per_cycle,
        max(priced_states.amount_per_month) as gross_per_month,
        coalesce(sum(recurring_discounts.percent_off), 0) as percent_off,
        coalesce(sum(recurring_discounts.amount_off), 0) as amount_off
    from priced_states
    left join recurring_discounts
        on recurring_discounts.subscription_id = priced_states.subscription_id
        and recurring_discounts.starts_on <= priced_states.effective_from
        and {{ open_ended('recurring_discounts.ends_on') }} > priced_states.effective_from
    group by priced_states.subscription_id, priced_states.effective_from, priced_states.currency,
        priced_states.quantity, priced_states.product, priced_states.shared_interval
),

net_states as (
    select
        subscription_id,
        effective_from,
        currency,
        quantity,
        product,
        shared_interval,
        -- a percentage, then an amount off each cycle, never below zero
        case when gross_per_cycle > 0 then greatest(gross_per_cycle * (1 - percent_off / 100) - amount_off, 0) end
            as amount_per_cycle,
        case when gross_per_cycle > 0
            then gross_per_month * greatest(gross_per_cycle * (1 - percent_off / 100) - amount_off, 0) / gross_per_cycle
            else gross_per_month end as amount_per_month
    from discounted_states
),

signed_states as (
    select
        net_states.*,
        {{ dbt.concat([
            "coalesce(cast(net_states.amount_per_cycle as " ~ dbt.type_string() ~ "), '')", "'|'",
            "coalesce(cast(net_states.amount_per_month as " ~ dbt.type_string() ~ "), '')", "'|'",
            "coalesce(net_states.shared_interval, '')", "'|'", "coalesce(net_states.currency, '')", "'|'",
            "coalesce(cast(net_states.quantity as " ~ dbt.type_string() ~ "), '')", "'|'",
            "coalesce(net_states.product, '')"]) }} as price_signature
    from net_states
),

changed_states as (
    -- a state at the price of the one before it continues that period
    select
        signed_states.*,
        lag(price_signature) over (partition by subscription_id order by effective_from) as previous_signature,
        row_number() over (partition by subscription_id order by effective_from) as state_number
    from signed_states
),

priced as (
    select
        changed_states.*,
        lead(effective_from) over (partition by subscription_id order by effective_from) as next_effective_from
    from changed_states
    where previous_signature is null or previous_signature <> price_signature
),

periods as (
    select
        subscriptions.subscription_id,
        subscriptions.account_id,
        -- the first period from the start (after any trial), the next from its change
        cast(case
            when priced.state_number > 1 then priced.effective_from
            when subscriptions.trial_ends_on > subscriptions.started_on then subscriptions.trial_ends_on
            else subscriptions.started_on
        end as {{ dbt.type_string() }}) as period_start,
        cast(case
            when priced.next_effective_from < subscriptions.ended_on or subscriptions.ended_on is null
                then priced.next_effective_from
            else subscriptions.ended_on
        end as {{ dbt.type_string() }}) as period_end,
        cast(cast(
            case when priced.shared_interval is not null then priced.amount_per_cycle else priced.amount_per_month end
            as {{ dbt.type_numeric() }}) as {{ dbt.type_string() }}) as amount,
        coalesce(priced.shared_interval, case when priced.subscription_id is not null then 'month' end) as billing_interval,
        priced.currency,
        priced.product,
        cast(priced.quantity as {{ dbt.type_string() }}) as quantity,
        case
            -- on the last period only
            when subscriptions.ended_on is null or priced.next_effective_from < subscriptions.ended_on then null
            when subscriptions.cancellation_reason in ('payment_failed', 'payment_disputed') then 'involuntary'
            else 'voluntary'
        end as cancel_reason,
        {{ source_relation_of('stripe', 'subscriptions.subscription_id') }} as source_relation
        {%- for name in passthrough_names %},
        subscriptions.{{ adapter.quote(name) }}
        {%- endfor %}
    from subscriptions
    left join priced
        on priced.subscription_id = subscriptions.subscription_id
    -- ended during its trial: never billed
    where subscriptions.ended_on is null
        or subscriptions.trial_ends_on is null
        or subscriptions.ended_on > subscriptions.trial_ends_on
),

final as (
    select * from periods
    union all
    -- the unreadable line, with its subscription's latest period, so the one wrong value
    -- is what the contract reports
    select
        latest.subscription_id,
        latest.account_id,
        unreadable_lines.period_start_text as period_start,
        cast(null as {{ dbt.type_string() }}) as period_end,
        latest.amount,
        latest.billing_interval,
        latest.currency,
        latest.product,
        latest.quantity,
        cast(null as {{ dbt.type_string() }}) as cancel_reason,
        latest.source_relation
        {%- for name in passthrough_names %},
        latest.{{ adapter.quote(name) }}
        {%- endfor %}
    from unreadable_lines
    inner join (
        select
            periods.*,
            row_number() over (partition by subscription_id order by period_start desc) as recency
        from periods
    ) as latest
        on latest.subscription_id = unreadable_lines.subscription_id
        and latest.recency = 1
)

select * from final
