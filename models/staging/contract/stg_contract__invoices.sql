with source as (
    -- the raw rows that meet the contract (checked once, in base_contract__invoices);
    -- the others are in audit.dq_quarantine
    select * from {{ ref('base_contract__invoices') }}
    where dq_reason is null
),

parsed as (
    select
        -- keys
        {{ clean_text('invoice_id') }} as invoice_id,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('subscription_id') }} as subscription_id,
        -- attributes
        {{ parse_enum('status') }} as status,
        -- money: total includes tax
        {{ parse_money('total') }} as total,
        {{ parse_money('tax') }} as tax,
        {{ parse_currency('currency') }} as currency,
        -- timestamps
        {{ parse_timestamp('issued_at') }} as issued_at,
        {{ parse_timestamp('due_at') }} as due_at,
        {{ parse_timestamp('paid_at') }} as paid_at,
        {{ parse_timestamp('voided_at') }} as voided_at
        -- a source system's source_relation and passthrough columns (var *_passthrough_columns)
        {{ source_system_extra_selects('invoices', 'source', typed=true) }}
    from source
)

select * from parsed
