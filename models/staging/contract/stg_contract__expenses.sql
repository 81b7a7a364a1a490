with source as (
    -- the raw rows that meet the contract (checked once, in base_contract__expenses);
    -- the others are in audit.dq_quarantine
    select * from {{ ref('base_contract__expenses') }}
    where dq_reason is null
),

parsed as (
    select
        {{ parse_date('spent_on') }} as spent_on,
        {{ parse_enum('expense_type') }} as expense_type,
        {{ parse_enum('channel') }} as channel,
        {{ clean_text('campaign') }} as campaign,
        {{ parse_money('amount') }} as amount,
        {{ parse_currency('currency') }} as currency
    from source
)

select * from parsed
