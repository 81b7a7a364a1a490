with source as (
    -- the raw rows that meet the contract (checked once, in base_contract__opportunity_history);
    -- the others are in audit.dq_quarantine
    select * from {{ ref('base_contract__opportunity_history') }}
    where dq_reason is null
),

parsed as (
    select
        -- keys
        {{ clean_text('opportunity_id') }} as opportunity_id,
        {{ parse_timestamp('changed_at') }} as changed_at,
        -- the values after the change; NULL = unchanged
        {{ clean_text('stage_name') }} as stage_name,
        {{ parse_money('amount') }} as amount,
        {{ parse_date('close_date') }} as close_date,
        {{ parse_enum('forecast_category') }} as forecast_category
    from source
)

select * from parsed
