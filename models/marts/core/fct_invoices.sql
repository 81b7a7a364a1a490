-- One row per invoice: billed amounts (total includes tax; net = total - tax), what
-- was paid, what is still outstanding at the as-of date, and lateness. Converted at
-- the rate in force on the issue date.
{{ incremental_fact_config(unique_key='invoice_id') }}

with payments as (
    select * from {{ ref('stg_contract__payments') }}
),

invoices as (
    select * from {{ ref('stg_contract__invoices') }}
    {%- if is_incremental() %}
    -- an incremental run (incremental_facts): the invoices issued, paid, voided or paid
    -- at in the lookback window, and every unpaid one (its lateness moves with as_of)
    {%- set cutoff = incremental_cutoff('issued_date') %}
    where status in ('open', 'uncollectible')
        or issued_at is null
        or cast(issued_at as date) >= {{ cutoff }}
        or cast(paid_at as date) >= {{ cutoff }}
        or cast(voided_at as date) >= {{ cutoff }}
        or invoice_id in (
            select payments.invoice_id from payments
            where cast(payments.attempted_at as date) >= {{ cutoff }}
        )
    {%- endif %}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

fx_rates as (
    select * from {{ ref('int_fx_rates_daily') }}
),

context as (
    select * from {{ ref('dim_reporting_context') }}
),

payments_per_invoice as (
    select
        invoice_id,
        sum(case when status = 'succeeded' then amount else 0 end)
        - sum(case when status = 'refunded' then amount else 0 end) as amount_paid,
        sum(case when status = 'failed' then 1 else 0 end) as failed_attempts,
        sum(case when status = 'refunded' then 1 else 0 end) as refunds
    from payments
    group by invoice_id
),

dated as (
    select
        invoices.*,
        cast(invoices.issued_at as date) as issued_date,
        cast(invoices.due_at as date) as due_date,
        cast(invoices.paid_at as date) as paid_date,
        cast(invoices.voided_at as date) as voided_date,
        coalesce(invoices.tax, 0) as tax_amount,
        coalesce(payments_per_invoice.amount_paid, 0) as amount_paid,
        coalesce(payments_per_invoice.failed_attempts, 0) as failed_attempts,
        coalesce(payments_per_invoice.refunds, 0) as refunds
    from invoices
    left join payments_per_invoice
        on invoices.invoice_id = payments_per_invoice.invoice_id
),

final as (
    select
        -- keys
        dated.invoice_id,
        dated.account_id,
        dated.subscription_id,
        -- dimensions
        accounts.segment,
        accounts.region,
        -- status
        dated.status,
        dated.status not in ('draft', 'void') as is_billed,
        dated.status in ('open', 'uncollectible') as is_unpaid,
        dated.paid_date > dated.due_date as is_paid_late,
        -- dates
        dated.issued_at,
        dated.issued_date,
        dated.due_date,
        dated.paid_date,
        dated.voided_date,
        case
            when dated.paid_date is not null
                then {{ dbt.datediff('dated.issued_date', 'dated.paid_date', 'day') }}
        end as days_to_pay,
        -- days past due: at payment for paid invoices, at the as-of date for unpaid ones
        case
            when dated.paid_date is not null and dated.paid_date > dated.due_date
                then {{ dbt.datediff('dated.due_date', 'dated.paid_date', 'day') }}
            when dated.paid_date is not null then 0
            when dated.status in ('open', 'uncollectible') and dated.due_date < context.as_of_date
                then {{ dbt.datediff('dated.due_date', 'context.as_of_date', 'day') }}
            when dated.status in ('open', 'uncollectible') then 0
        end as days_late,
        dated.failed_attempts,
        dated.refunds,
        -- money, in the invoice's currency
        dated.currency,
        dated.total,
        dated.tax_amount,
        dated.total - dated.tax_amount as net_amount,
        dated.amount_paid,
        case
            when dated.status in ('open', 'uncollectible') then dated.total - dated.amount_paid
            else 0
        end as amount_outstanding,
        -- money, in the reporting currency
        fx_rates.rate_to_reporting as fx_rate_to_reporting,
        cast(dated.total * fx_rates.rate_to_reporting as {{ dbt.type_numeric() }}) as total_reporting,
        cast((dated.total - dated.tax_amount) * fx_rates.rate_to_reporting as {{ dbt.type_numeric() }})
            as net_amount_reporting,
        cast(dated.amount_paid * fx_rates.rate_to_reporting as {{ dbt.type_numeric() }}) as amount_paid_reporting,
        cast(
            case
                when dated.status in ('open', 'uncollectible') then dated.total - dated.amount_paid
                else 0
            end * fx_rates.rate_to_reporting
            as {{ dbt.type_numeric() }}
        ) as amount_outstanding_reporting
        -- a source system's source_relation and passthrough columns
        {{ source_system_extra_selects('invoices', 'dated') }}
    from dated
    cross join context
    left join accounts
        on dated.account_id = accounts.account_id
    left join fx_rates
        on dated.currency = fx_rates.currency
        and dated.issued_date = fx_rates.rate_day
)

select * from final
