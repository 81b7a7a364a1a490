-- depends_on: {{ ref('stg_contract__fx_rates') }}
-- depends_on: {{ ref('currencies') }}
with source as (
    -- the raw rows that meet the contract; the others are in audit.dq_quarantine
    select * from {{ contract_checked_source('expenses') }} as checked
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
