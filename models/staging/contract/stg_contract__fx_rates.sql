with source as (
    select * from {{ contract_source('fx_rates') }}
),

parsed as (
    select
        {{ parse_date('rate_date') }} as rate_date,
        {{ parse_currency('currency') }} as currency,
        {{ parse_rate('rate_to_reporting') }} as rate_to_reporting
    from source
)

select * from parsed
