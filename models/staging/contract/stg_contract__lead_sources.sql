with source as (
    -- the raw rows that meet the contract (checked once, in base_contract__lead_sources);
    -- the others are in audit.dq_quarantine
    select * from {{ ref('base_contract__lead_sources') }}
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
