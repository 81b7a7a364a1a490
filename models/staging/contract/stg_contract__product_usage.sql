with source as (
    select * from {{ contract_source('product_usage') }}
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
