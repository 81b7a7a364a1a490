with source as (
    -- the raw rows that meet the contract (checked once, in base_contract__quotas);
    -- the others are in audit.dq_quarantine
    select * from {{ ref('base_contract__quotas') }}
    where dq_reason is null
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
