-- One row per opportunity and state: the stage, amount, close date and forecast
-- category in force from `valid_from` up to, not including, `valid_to` (NULL = still in
-- force). The state of every deal on any past date D is the row with
-- valid_from <= D < valid_to; that is what slip, pull-in and pipeline-at-a-date
-- analyses read. Amounts convert at the deal's own rate (see fct_opportunities), so a
-- change of exchange rate never looks like a change of deal size.
-- Incremental (incremental_facts): a deal's whole history is replaced when it changed
-- or was created in the lookback window.
{{ incremental_fact_config(unique_key='opportunity_id') }}
-- the incremental run's deals read these:
-- depends_on: {{ ref('stg_contract__opportunity_history') }}
-- depends_on: {{ ref('stg_contract__opportunities') }}

with states as (
    select * from {{ ref('int_opportunity_states') }}
    {%- if is_incremental() %}
    {%- set cutoff = incremental_cutoff('valid_from') %}
    where opportunity_id in (
        select history.opportunity_id from {{ ref('stg_contract__opportunity_history') }} as history
        where cast(history.changed_at as date) >= {{ cutoff }}
        union all
        select deals.opportunity_id from {{ ref('stg_contract__opportunities') }} as deals
        where cast(deals.created_at as date) >= {{ cutoff }}
    )
    {%- endif %}
),

opportunities as (
    select * from {{ ref('fct_opportunities') }}
),

final as (
    select
        -- keys
        states.opportunity_id,
        states.valid_from,
        states.valid_to,
        opportunities.account_id,
        opportunities.owner_user_id,
        -- dimensions
        opportunities.owner_team,
        opportunities.segment,
        opportunities.region,
        opportunities.opportunity_type,
        opportunities.is_excluded,
        -- the state
        states.stage_name,
        states.stage_order,
        states.is_qualified_stage,
        states.is_closed,
        states.is_won,
        not states.is_closed as is_open,
        states.close_date,
        states.forecast_category,
        -- money
        opportunities.currency,
        states.amount,
        cast(states.amount * opportunities.fx_rate_to_reporting as {{ dbt.type_numeric() }})
            as amount_reporting
    from states
    inner join opportunities
        on states.opportunity_id = opportunities.opportunity_id
)

select * from final
