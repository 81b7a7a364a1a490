-- depends_on: {{ ref('stg_contract__fx_rates') }}
-- depends_on: {{ ref('stg_contract__users') }}
-- depends_on: {{ ref('currencies') }}
with source as (
    -- the raw rows that meet the contract; the others are in audit.dq_quarantine
    select * from {{ contract_checked_source('quotas') }} as checked
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
