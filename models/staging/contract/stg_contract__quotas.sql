with source as (
    select * from {{ contract_source('quotas') }}
),

parsed as (
    select
        -- keys
        {{ clean_text('user_id') }} as user_id,
        {{ parse_date('period_start') }} as period_start,
        {{ parse_date('period_end') }} as period_end,
        -- money
        {{ parse_money('amount') }} as amount,
        {{ parse_currency('currency') }} as currency
    from source
)

select * from parsed
