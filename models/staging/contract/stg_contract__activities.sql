with source as (
    -- the raw rows that meet the contract (checked once, in base_contract__activities);
    -- the others are in audit.dq_quarantine
    select * from {{ ref('base_contract__activities') }}
    where dq_reason is null
),

parsed as (
    select
        -- keys
        {{ clean_text('activity_id') }} as activity_id,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('user_id') }} as user_id,
        -- attributes
        {{ parse_enum('activity_type') }} as activity_type,
        {{ parse_timestamp('occurred_at') }} as occurred_at
    from source
)

select * from parsed
