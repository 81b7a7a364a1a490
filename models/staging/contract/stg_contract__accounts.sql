with source as (
    select * from {{ contract_source('accounts') }}
),

parsed as (
    select
        -- keys
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('parent_account_id') }} as parent_account_id,
        {{ clean_text('owner_user_id') }} as owner_user_id,
        -- attributes
        {{ clean_text('account_name') }} as account_name,
        {{ clean_text('industry') }} as industry,
        {{ parse_enum('segment') }} as segment,
        {{ clean_text('region') }} as region,
        {{ clean_text('country') }} as country,
        {{ parse_boolean('is_target_account') }} as is_target_account,
        -- timestamps
        {{ parse_timestamp('created_at') }} as created_at
    from source
)

select * from parsed
