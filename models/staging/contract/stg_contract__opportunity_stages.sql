with source as (
    -- the raw rows that meet the contract (checked once, in base_contract__opportunity_stages);
    -- the others are in audit.dq_quarantine
    select * from {{ ref('base_contract__opportunity_stages') }}
    where dq_reason is null
),

given as (
    select
        {{ clean_text('stage_name') }} as stage_name,
        {{ parse_integer('stage_order') }} as stage_order,
        {{ parse_boolean('is_qualified') }} as is_qualified,
        {{ parse_boolean('is_closed') }} as is_closed,
        {{ parse_boolean('is_won') }} as is_won,
        {{ parse_number('default_probability') }} as default_probability_percent,
        false as is_derived_from_deals
    from source
),

-- No stages table (or an empty one): the stages are the deals' own stage names, closed
-- and won as the deals say. Their order is open stages first, then lost, then won,
-- by name within each: the order a pipeline report reads them in.
deal_stages as (
    select
        {{ clean_text('stage_name') }} as stage_name,
        {{ dbt.bool_or(parse_boolean('is_closed') ~ ' = true') }} as is_closed,
        {{ dbt.bool_or(parse_boolean('is_won') ~ ' = true') }} as is_won
    from {{ contract_source('opportunities') }} as deals
    where {{ clean_text('stage_name') }} is not null
        and not exists (select 1 from given)
    group by {{ clean_text('stage_name') }}
),

derived as (
    select
        stage_name,
        cast(row_number() over (
            order by
                case when is_won then 2 when is_closed then 1 else 0 end,
                stage_name
        ) as {{ dbt.type_bigint() }}) as stage_order,
        -- a deal's own flags are all the CRM said: nothing marks a stage qualified
        cast(null as boolean) as is_qualified,
        is_closed,
        is_won,
        cast(null as {{ type_double() }}) as default_probability_percent,
        true as is_derived_from_deals
    from deal_stages
),

final as (
    select * from given
    union all
    select * from derived
)

select * from final
