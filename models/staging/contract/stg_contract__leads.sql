with source as (
    -- the raw rows that meet the contract (checked once, in base_contract__leads);
    -- the others are in audit.dq_quarantine
    select * from {{ ref('base_contract__leads') }}
    where dq_reason is null
),

parsed as (
    select
        -- keys
        {{ clean_text('lead_id') }} as lead_id,
        {{ clean_text('converted_account_id') }} as converted_account_id,
        {{ clean_text('converted_opportunity_id') }} as converted_opportunity_id,
        -- attributes
        {{ parse_enum('source') }} as source,
        {{ parse_enum('status') }} as status,
        {{ clean_text('campaign') }} as campaign,
        -- timestamps
        {{ parse_timestamp('created_at') }} as created_at,
        {{ parse_timestamp('converted_at') }} as converted_at
    from source
)

select * from parsed
