-- One row per opportunity (deal), in its current state: amounts in the deal's currency
-- and the reporting currency, days to close, type, source, owner at close and the
-- account's segment and region. Deals lost as duplicates/merges or with a negative
-- amount stay here, flagged by `exclusion_reason`, so every raw deal is accounted for;
-- the KPIs leave them out.
with opportunities as (
    select * from {{ ref('stg_contract__opportunities') }}
),

states as (
    select * from {{ ref('int_opportunity_states') }}
),

stages as (
    select * from {{ ref('stg_contract__opportunity_stages') }}
),

lead_sources as (
    select * from {{ ref('stg_contract__lead_sources') }}
),

leads as (
    select * from {{ ref('stg_contract__leads') }}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

users as (
    select * from {{ ref('dim_users') }}
),

fx_rates as (
    select * from {{ ref('int_fx_rates_daily') }}
),

context as (
    select * from {{ ref('dim_reporting_context') }}
),

stage_reached as (
    select
        opportunity_id,
        max(case when is_qualified_stage or is_won then 1 else 0 end) = 1 as has_reached_qualified_stage
    from states
    group by opportunity_id
),

originating_leads as (
    select
        converted_opportunity_id as opportunity_id,
        min(created_at) as first_touch_at
    from leads
    where converted_opportunity_id is not null
    group by converted_opportunity_id
),

enriched as (
    select
        opportunities.*,
        cast(opportunities.created_at as date) as created_date,
        -- a deal is converted at its (expected) close date, else its creation date
        coalesce(opportunities.close_date, cast(opportunities.created_at as date)) as conversion_date,
        stages.stage_order,
        -- probability is 0-100 in the contract; the stage default fills a missing one
        coalesce(opportunities.probability_percent, stages.default_probability_percent) / 100.0
            as probability,
        lead_sources.channel as source_channel,
        coalesce(lead_sources.is_marketing, false) as is_marketing_sourced,
        coalesce(stage_reached.has_reached_qualified_stage, false) as has_reached_qualified_stage,
        originating_leads.first_touch_at
    from opportunities
    left join stages
        on opportunities.stage_name = stages.stage_name
    left join lead_sources
        on opportunities.source = lead_sources.source
    left join stage_reached
        on opportunities.opportunity_id = stage_reached.opportunity_id
    left join originating_leads
        on opportunities.opportunity_id = originating_leads.opportunity_id
),

final as (
    select
        -- keys
        enriched.opportunity_id,
        enriched.account_id,
        enriched.owner_user_id,
        -- dimensions
        coalesce(owners.team, 'unknown') as owner_team,
        owners.user_name as owner_name,
        coalesce(accounts.segment, 'unknown') as segment,
        coalesce(accounts.region, 'unknown') as region,
        -- attributes
        enriched.opportunity_name,
        coalesce(enriched.opportunity_type, 'unknown') as opportunity_type,
        enriched.source,
        enriched.source_channel,
        enriched.is_marketing_sourced,
        enriched.stage_name,
        enriched.stage_order,
        enriched.forecast_category,
        enriched.probability,
        enriched.lost_reason,
        -- status
        coalesce(enriched.is_closed, false) as is_closed,
        coalesce(enriched.is_won, false) as is_won,
        not coalesce(enriched.is_closed, false) as is_open,
        coalesce(enriched.is_closed, false) and not coalesce(enriched.is_won, false) as is_lost,
        enriched.has_reached_qualified_stage,
        case
            when enriched.lost_reason in ({{ excluded_lost_reasons_list() }}) then 'duplicate_or_merged'
            when enriched.amount < 0 then 'negative_amount'
        end as exclusion_reason,
        (
            coalesce(enriched.lost_reason in ({{ excluded_lost_reasons_list() }}), false)
            or coalesce(enriched.amount < 0, false)
        ) as is_excluded,
        -- dates
        enriched.created_at,
        enriched.created_date,
        enriched.close_date,
        case
            when enriched.is_closed
                then {{ dbt.datediff('enriched.created_date', 'enriched.close_date', 'day') }}
        end as days_to_close,
        enriched.first_touch_at,
        case
            when enriched.is_closed and enriched.first_touch_at is not null
                then {{ dbt.datediff('cast(enriched.first_touch_at as date)', 'enriched.close_date', 'day') }}
        end as days_from_first_touch_to_close,
        (
            not coalesce(enriched.is_closed, false)
            and enriched.close_date < context.as_of_date
        ) as is_past_close_date,
        -- money
        enriched.currency,
        enriched.amount,
        fx_rates.rate_to_reporting as fx_rate_to_reporting,
        cast(enriched.amount * fx_rates.rate_to_reporting as {{ dbt.type_numeric() }}) as amount_reporting
        -- a source system's source_relation and passthrough columns
        {{ source_system_extra_selects('opportunities', 'enriched') }}
    from enriched
    cross join context
    left join accounts
        on enriched.account_id = accounts.account_id
    left join users as owners
        on enriched.owner_user_id = owners.user_id
    left join fx_rates
        on enriched.currency = fx_rates.currency
        and enriched.conversion_date = fx_rates.rate_day
)

select * from final
