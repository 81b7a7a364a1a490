-- depends_on: {{ ref('stg_contract__users') }}
-- depends_on: {{ ref('stg_contract__accounts') }}
with source as (
    -- the raw rows that meet the contract; the others are in audit.dq_quarantine
    select * from {{ contract_checked_source('activities') }} as checked
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
