-- The contract's payments from Stripe: each charge is an attempt (succeeded or
-- failed, with its failure code), and each succeeded refund is a row of its own
-- (status refunded) with the money returned. Without a charge table, payment intents
-- stand in: succeeded, or failed when the last attempt left an error. The invoice is
-- the charge's, else its payment intent's. Left out: pending charges (no outcome yet),
-- charges paying no invoice (one-off charges are not subscription billing), and
-- test-mode rows.
{%- set has_charges = system_table_exists('stripe', 'charge') %}
with payment_intents as (
    select
        {{ clean_text('id') }} as payment_intent_id,
        {{ clean_text('invoice_id') }} as invoice_id,
        amount,
        currency,
        lower({{ clean_text('status') }}) as status,
        {{ clean_text('last_payment_error_code') }} as error_code,
        created,
        livemode
    from {{ system_source('stripe', 'payment_intent', ['id', 'invoice_id', 'amount', 'currency', 'status',
        'last_payment_error_code', 'created', 'livemode']) }} as payment_intent
),

attempts as (
    {% if has_charges -%}
    select
        {{ clean_text('charges.id') }} as payment_id,
        coalesce({{ clean_text('charges.invoice_id') }}, payment_intents.invoice_id) as invoice_id,
        charges.created,
        charges.amount,
        charges.currency,
        lower({{ clean_text('charges.status') }}) as status,
        coalesce({{ clean_text('charges.failure_code') }}, {{ clean_text('charges.failure_message') }}) as failure_reason,
        charges.livemode
    from {{ system_source('stripe', 'charge', ['id', 'invoice_id', 'payment_intent_id', 'amount', 'currency', 'status',
        'failure_code', 'failure_message', 'created', 'livemode']) }} as charges
    left join payment_intents
        on payment_intents.payment_intent_id = {{ clean_text('charges.payment_intent_id') }}
    {%- else -%}
    select
        payment_intent_id as payment_id,
        invoice_id,
        created,
        amount,
        currency,
        case
            when status = 'succeeded' then 'succeeded'
            when error_code is not null then 'failed'
        end as status,
        error_code as failure_reason,
        livemode
    from payment_intents
    {%- endif %}
),

refunds as (
    select
        {{ clean_text('refunds.id') }} as payment_id,
        attempts.invoice_id,
        refunds.created,
        refunds.amount,
        refunds.currency,
        'refunded' as status,
        cast(null as {{ dbt.type_string() }}) as failure_reason,
        attempts.livemode
    from {{ system_source('stripe', 'refund', ['id', 'charge_id', 'payment_intent_id', 'amount', 'currency', 'status',
        'created']) }} as refunds
    -- the refunded charge (or, without charges, payment intent)
    inner join attempts
        on attempts.payment_id = {{ clean_text('refunds.charge_id') }}
        or attempts.payment_id = {{ clean_text('refunds.payment_intent_id') }}
    where coalesce(lower({{ clean_text('refunds.status') }}), 'succeeded') = 'succeeded'
),

payments as (
    select * from attempts
    where status in ('succeeded', 'failed')
    union all
    select * from refunds
)

select
    payments.payment_id,
    payments.invoice_id,
    {{ system_timestamp('payments.created') }} as attempted_at,
    {{ stripe_major_units('payments.amount', 'decimals.decimals') }} as amount,
    upper({{ clean_text('payments.currency') }}) as currency,
    payments.status,
    payments.failure_reason
from payments
left join {{ ref('stripe_currency_decimals') }} as decimals
    on decimals.currency = upper({{ clean_text('payments.currency') }})
where payments.invoice_id is not null
    and coalesce({{ parse_boolean('payments.livemode') }}, true)
