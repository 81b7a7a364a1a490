-- One row per payment attempt. A refund is its own row (status refunded) carrying the
-- money returned, so collected cash = succeeded - refunded. A failed attempt is
-- recovered when a later attempt on the same invoice succeeded.
{{ incremental_fact_config(unique_key='payment_id') }}

with payments as (
    select * from {{ ref('stg_contract__payments') }}
),

invoices as (
    select * from {{ ref('stg_contract__invoices') }}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

fx_rates as (
    select * from {{ ref('int_fx_rates_daily') }}
),

later_successes as (
    select
        failed.payment_id,
        count(succeeded.payment_id) > 0 as is_recovered
    from payments as failed
    left join payments as succeeded
        on failed.invoice_id = succeeded.invoice_id
        and succeeded.status = 'succeeded'
        and succeeded.attempted_at >= failed.attempted_at
    where failed.status = 'failed'
    group by failed.payment_id
),
{%- if is_incremental() %}

-- an incremental run (incremental_facts): every payment of an invoice with an attempt
-- in the lookback window, since a new success recovers the invoice's earlier failures
touched_invoices as (
    select distinct invoice_id
    from payments
    where cast(attempted_at as date) >= {{ incremental_cutoff('attempted_date') }}
),
{%- endif %}

final as (
    select
        -- keys
        payments.payment_id,
        payments.invoice_id,
        invoices.account_id,
        -- dimensions
        accounts.segment,
        accounts.region,
        -- attributes
        payments.status,
        payments.failure_reason,
        later_successes.is_recovered,
        payments.attempted_at,
        cast(payments.attempted_at as date) as attempted_date,
        -- money
        payments.currency,
        payments.amount,
        fx_rates.rate_to_reporting as fx_rate_to_reporting,
        cast(payments.amount * fx_rates.rate_to_reporting as {{ dbt.type_numeric() }}) as amount_reporting,
        -- cash in (+) or out (-); a failed attempt moves nothing
        cast(
            case payments.status
                when 'succeeded' then payments.amount
                when 'refunded' then -1 * payments.amount
                else 0
            end * fx_rates.rate_to_reporting
            as {{ dbt.type_numeric() }}
        ) as collected_amount_reporting
    from payments
    left join invoices
        on payments.invoice_id = invoices.invoice_id
    left join accounts
        on invoices.account_id = accounts.account_id
    left join later_successes
        on payments.payment_id = later_successes.payment_id
    left join fx_rates
        on payments.currency = fx_rates.currency
        and cast(payments.attempted_at as date) = fx_rates.rate_day
    {%- if is_incremental() %}
    where payments.attempted_at is null
        or cast(payments.attempted_at as date) >= {{ incremental_cutoff('attempted_date') }}
        or payments.invoice_id in (select touched_invoices.invoice_id from touched_invoices)
    {%- endif %}
)

select * from final
