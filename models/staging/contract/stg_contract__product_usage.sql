with source as (
    -- the raw rows that meet the contract (checked once, in base_contract__product_usage);
    -- the others are in audit.dq_quarantine
    select * from {{ ref('base_contract__product_usage') }}
    where dq_reason is null
),

parsed as (
    select
        {{ clean_text('account_id') }} as account_id,
        {{ parse_date('usage_date') }} as usage_date,
        {{ parse_integer('active_users') }} as active_users,
        {{ parse_integer('events') }} as events
    from source
)

select * from parsed
