with source as (
    select * from {{ contract_source('lead_sources') }}
),

parsed as (
    select
        {{ parse_enum('source') }} as source,
        {{ parse_boolean('is_marketing') }} as is_marketing,
        {{ parse_enum('channel') }} as channel
    from source
)

select * from parsed
