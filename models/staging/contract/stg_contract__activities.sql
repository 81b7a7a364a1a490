with source as (
    select * from {{ contract_source('activities') }}
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
