with source as (
    select * from {{ contract_source('opportunity_stages') }}
),

parsed as (
    select
        {{ clean_text('stage_name') }} as stage_name,
        {{ parse_integer('stage_order') }} as stage_order,
        {{ parse_boolean('is_qualified') }} as is_qualified,
        {{ parse_boolean('is_closed') }} as is_closed,
        {{ parse_boolean('is_won') }} as is_won,
        {{ parse_number('default_probability') }} as default_probability_percent
    from source
)

select * from parsed
