with source as (
    -- the raw rows that meet the contract (checked once, in base_contract__payments);
    -- the others are in audit.dq_quarantine
    select * from {{ ref('base_contract__payments') }}
    where dq_reason is null
),

parsed as (
    select
        -- keys
        {{ clean_text('payment_id') }} as payment_id,
        {{ clean_text('invoice_id') }} as invoice_id,
        -- attributes
        {{ parse_enum('status') }} as status,
        {{ parse_enum('failure_reason') }} as failure_reason,
        -- money
        {{ parse_money('amount') }} as amount,
        {{ parse_currency('currency') }} as currency,
        -- timestamps
        {{ parse_timestamp('attempted_at') }} as attempted_at
    from source
)

select * from parsed
