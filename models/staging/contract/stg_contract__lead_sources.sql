with source as (
    -- the raw rows that meet the contract; the others are in audit.dq_quarantine
    select * from {{ contract_checked_source('lead_sources') }} as checked
    where dq_reason is null
),

parsed as (
    select
        {{ parse_enum('source') }} as source,
        {{ parse_boolean('is_marketing') }} as is_marketing,
        {{ parse_enum('channel') }} as channel
    from source
)

select * from parsed
