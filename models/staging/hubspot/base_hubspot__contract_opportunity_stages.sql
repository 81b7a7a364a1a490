-- The contract's opportunity stages from HubSpot deal pipeline stages: one row per live
-- stage of a selected, live pipeline (see base_hubspot__deal_stages for naming and flags).
with stages as (
    select * from {{ ref('base_hubspot__deal_stages') }}
),

final as (
    select
        stage_name,
        cast(stage_order as {{ dbt.type_string() }}) as stage_order,
        case when is_qualified then 'true' else 'false' end as is_qualified,
        case when is_closed then 'true' else 'false' end as is_closed,
        case when is_won then 'true' else 'false' end as is_won,
        cast(default_probability as {{ dbt.type_string() }}) as default_probability
    from stages
)

select * from final
