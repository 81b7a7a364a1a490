with source as (
    -- the raw rows that meet the contract (checked once, in base_contract__opportunities);
    -- the others are in audit.dq_quarantine
    select * from {{ ref('base_contract__opportunities') }}
    where dq_reason is null
),

parsed as (
    select
        -- keys
        {{ clean_text('opportunity_id') }} as opportunity_id,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('owner_user_id') }} as owner_user_id,
        -- attributes
        {{ clean_text('opportunity_name') }} as opportunity_name,
        {{ clean_text('stage_name') }} as stage_name,
        {{ parse_boolean('is_closed') }} as is_closed,
        {{ parse_boolean('is_won') }} as is_won,
        {{ parse_enum('opportunity_type') }} as opportunity_type,
        {{ parse_enum('source') }} as source,
        {{ parse_enum('forecast_category') }} as forecast_category,
        {{ parse_enum('lost_reason') }} as lost_reason,
        -- the contract's 0-100 scale, as given; fct_opportunities normalises it
        {{ parse_number('probability') }} as probability_percent,
        -- money, in the deal's own currency
        {{ parse_money('amount') }} as amount,
        {{ parse_currency('currency') }} as currency,
        -- dates
        {{ parse_timestamp('created_at') }} as created_at,
        {{ parse_date('close_date') }} as close_date
        -- a source system's source_relation and passthrough columns (var *_passthrough_columns)
        {{ source_system_extra_selects('opportunities', 'source', typed=true) }}
    from source
)

select * from parsed
