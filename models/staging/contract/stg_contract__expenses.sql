with source as (
    select * from {{ contract_source('expenses') }}
),

parsed as (
    select
        {{ parse_date('spent_on') }} as spent_on,
        {{ parse_enum('expense_type') }} as expense_type,
        {{ parse_enum('channel') }} as channel,
        {{ clean_text('campaign') }} as campaign,
        {{ parse_money('amount') }} as amount,
        {{ parse_currency('currency') }} as currency
    from source
)

select * from parsed
