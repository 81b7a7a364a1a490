with source as (
    -- the raw rows that meet the contract (checked once, in base_contract__subscriptions);
    -- the others are in audit.dq_quarantine
    select * from {{ ref('base_contract__subscriptions') }}
    where dq_reason is null
),

parsed as (
    select
        -- keys
        {{ clean_text('subscription_id') }} as subscription_id,
        {{ clean_text('account_id') }} as account_id,
        -- the priced period, half-open: [period_start, period_end); NULL end = active
        {{ parse_date('period_start') }} as period_start,
        {{ parse_date('period_end') }} as period_end,
        -- price: amount is charged once per billing_interval
        {{ parse_money('amount') }} as amount,
        {{ parse_currency('currency') }} as currency,
        {{ parse_enum('billing_interval') }} as billing_interval,
        -- attributes
        {{ clean_text('product') }} as product,
        {{ parse_number('quantity') }} as quantity,
        {{ parse_enum('cancel_reason') }} as cancel_reason
        -- a source system's source_relation and passthrough columns (var *_passthrough_columns)
        {{ source_system_extra_selects('subscriptions', 'source', typed=true) }}
    from source
)

select * from parsed
