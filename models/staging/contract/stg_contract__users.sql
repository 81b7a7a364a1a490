with source as (
    -- the raw rows that meet the contract (checked once, in base_contract__users);
    -- the others are in audit.dq_quarantine
    select * from {{ ref('base_contract__users') }}
    where dq_reason is null
),

parsed as (
    select
        -- keys
        {{ clean_text('user_id') }} as user_id,
        {{ clean_text('manager_user_id') }} as manager_user_id,
        -- attributes
        {{ clean_text('user_name') }} as user_name,
        {{ clean_text('email') }} as email,
        {{ clean_text('title') }} as title,
        {{ parse_enum('team') }} as team,
        {{ clean_text('region') }} as region,
        {{ parse_boolean('is_active') }} as is_active,
        -- timestamps
        {{ parse_timestamp('hired_at') }} as hired_at
    from source
)

select * from parsed
