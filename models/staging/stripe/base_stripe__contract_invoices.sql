-- The contract's invoices from Stripe. Statuses are the contract's own (draft, open,
-- paid, void, uncollectible); amounts come out of the currency's smallest unit. An
-- invoice names its subscription, or its lines do. A subscription left out of the
-- subscriptions (never billed) is not named. Deleted and test-mode invoices are left out.
{%- set invoice_columns = ['id', 'customer_id', 'subscription_id', 'status', 'created', 'due_date', 'total', 'tax',
    'currency', 'status_transitions_finalized_at', 'status_transitions_paid_at', 'status_transitions_voided_at',
    'is_deleted', 'livemode'] + passthrough_source_columns('stripe', 'invoice') %}
{%- do require_custom_columns('stripe', 'invoice') %}
with invoices as (
    select * from {{ system_source('stripe', 'invoice', invoice_columns) }} as invoice
    where {{ is_live(['is_deleted']) }}
        and coalesce({{ parse_boolean('livemode') }}, true)
),

subscription_of_lines as (
    select
        {{ clean_text('invoice_id') }} as invoice_id,
        min({{ clean_text('subscription_id') }}) as subscription_id
    from {{ system_source('stripe', 'invoice_line_item', ['id', 'invoice_id', 'subscription_id']) }} as lines
    group by {{ clean_text('invoice_id') }}
),

decimals as (
    select * from {{ ref('stripe_currency_decimals') }}
)

select
    {{ clean_text('invoices.id') }} as invoice_id,
    customers.account_id,
    {{ system_timestamp('coalesce(invoices.status_transitions_finalized_at, invoices.created)') }} as issued_at,
    {{ stripe_major_units('invoices.total', 'decimals.decimals') }} as total,
    {{ stripe_major_units('invoices.tax', 'decimals.decimals') }} as tax,
    upper({{ clean_text('invoices.currency') }}) as currency,
    lower({{ clean_text('invoices.status') }}) as status,
    subscriptions.subscription_id,
    {{ system_timestamp('invoices.due_date') }} as due_at,
    {{ system_timestamp('invoices.status_transitions_paid_at') }} as paid_at,
    {{ system_timestamp('invoices.status_transitions_voided_at') }} as voided_at,
    {{ source_relation_of('stripe', clean_text('invoices.id')) }} as source_relation
    {{- passthrough_selects('stripe', 'invoice', 'invoices') }}
from invoices
left join {{ ref('base_stripe__customers') }} as customers
    on customers.customer_id = {{ clean_text('invoices.customer_id') }}
left join subscription_of_lines
    on subscription_of_lines.invoice_id = {{ clean_text('invoices.id') }}
left join (
    select distinct subscription_id from {{ ref('base_stripe__contract_subscriptions') }}
) as subscriptions
    on subscriptions.subscription_id = coalesce(
        {{ clean_text('invoices.subscription_id') }}, subscription_of_lines.subscription_id)
left join decimals
    on decimals.currency = upper({{ clean_text('invoices.currency') }})
