-- The contract's opportunity history from HubSpot deal property history: one row per
-- deal and instant at which the stage, amount, close date or forecast category
-- changed, with the values after the change (NULL = unchanged; several properties
-- changed at one instant are one row). Stage changes come from deal_property_history
-- (name 'dealstage') for a deal that has them there, else from deal_stage, the
-- connector's stage history; amount, close date and forecast category only from
-- deal_property_history. Only deals in base_hubspot__deals have history here. A stage id
-- that names no selected, live stage counts as no change.
with deals as (
    select deal_id from {{ ref('base_hubspot__deals') }}
),

stages as (
    select * from {{ ref('base_hubspot__deal_stages') }}
),

property_history as (
    select
        {{ clean_text('deal_id') }} as deal_id,
        lower({{ clean_text('name') }}) as property_name,
        {{ hubspot_timestamp('timestamp') }} as changed_at,
        {{ clean_text('value') }} as property_value
    from {{ system_source('hubspot', 'deal_property_history', ['deal_id', 'name', 'timestamp', 'value']) }} as deal_property_history
    where lower({{ clean_text('name') }}) in ('dealstage', 'amount', 'closedate', 'hs_forecast_category')
),

deals_with_stage_history as (
    select distinct deal_id
    from property_history
    where property_name = 'dealstage'
),

stage_table_history as (
    select
        {{ clean_text('deal_id') }} as deal_id,
        'dealstage' as property_name,
        {{ hubspot_timestamp('date_entered') }} as changed_at,
        {{ clean_text('value') }} as property_value
    -- every version: deal_stage is a history table, its inactive rows are the stages
    -- a deal left (its active row is the stage it is in)
    from {{ system_source('hubspot', 'deal_stage', ['deal_id', 'date_entered', 'value'], versions='all') }} as deal_stage
),

changes as (
    select * from property_history
    union all
    select * from stage_table_history
    where not exists (
        select 1 from deals_with_stage_history
        where deals_with_stage_history.deal_id = stage_table_history.deal_id
    )
),

-- each change as the contract column it sets
mapped as (
    select
        changes.deal_id,
        changes.changed_at,
        stages.stage_name,
        case when changes.property_name = 'amount' then changes.property_value end as amount,
        case when changes.property_name = 'closedate' then {{ hubspot_timestamp('changes.property_value') }} end as close_date,
        case when changes.property_name = 'hs_forecast_category' then lower(changes.property_value) end
            as forecast_category
    from changes
    inner join deals
        on changes.deal_id = deals.deal_id
    left join stages
        on changes.property_name = 'dealstage'
        and changes.property_value = stages.stage_id
    where changes.changed_at is not null
),

final as (
    select
        deal_id as opportunity_id,
        changed_at,
        max(stage_name) as stage_name,
        max(amount) as amount,
        max(close_date) as close_date,
        max(forecast_category) as forecast_category
    from mapped
    group by deal_id, changed_at
)

select * from final
where stage_name is not null
    or amount is not null
    or close_date is not null
    or forecast_category is not null
