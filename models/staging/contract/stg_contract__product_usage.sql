-- depends_on: {{ ref('stg_contract__accounts') }}
with source as (
    -- the raw rows that meet the contract; the others are in audit.dq_quarantine
    select * from {{ contract_checked_source('product_usage') }} as checked
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
