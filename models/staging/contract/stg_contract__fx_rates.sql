with source as (
    -- the raw rows that meet the contract (checked once, in base_contract__fx_rates);
    -- the others are in audit.dq_quarantine
    select * from {{ ref('base_contract__fx_rates') }}
    where dq_reason is null
),

parsed as (
    select
        {{ parse_date('rate_date') }} as rate_date,
        {{ parse_currency('currency') }} as currency,
        {{ parse_rate('rate_to_reporting') }} as rate_to_reporting
    from source
)

select * from parsed
