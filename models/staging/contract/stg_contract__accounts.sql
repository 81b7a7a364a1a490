with source as (
    -- the raw rows that meet the contract (checked once, in base_contract__accounts);
    -- the others are in audit.dq_quarantine
    select * from {{ ref('base_contract__accounts') }}
    where dq_reason is null
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
        -- deleted at the source, kept because rows that count (billing, deals) hang off it
        coalesce({{ parse_boolean('is_deleted') }}, false) as is_deleted,
        -- 'https://www.acme.com/' and 'acme.com' are both acme.com
        {{ web_domain('domain') }} as domain,
        -- timestamps
        {{ parse_timestamp('created_at') }} as created_at
        -- a source system's source_relation and passthrough columns (var *_passthrough_columns)
        {{ source_system_extra_selects('accounts', 'source', typed=true) }}
    from source
)

select * from parsed
