with source as (
    -- the raw rows that meet the contract; the others are in audit.dq_quarantine
    select * from {{ contract_checked_source('opportunity_stages') }} as checked
    where dq_reason is null
),

parsed as (
    select
        {{ clean_text('stage_name') }} as stage_name,
        {{ parse_integer('stage_order') }} as stage_order,
        {{ parse_boolean('is_qualified') }} as is_qualified,
        {{ parse_boolean('is_closed') }} as is_closed,
        {{ parse_boolean('is_won') }} as is_won,
        {{ parse_number('default_probability') }} as default_probability_percent
    from source
)

select * from parsed
