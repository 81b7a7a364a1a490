-- depends_on: {{ ref('stg_contract__opportunities') }}
with source as (
    -- the raw rows that meet the contract; the others are in audit.dq_quarantine
    select * from {{ contract_checked_source('opportunity_history') }} as checked
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
