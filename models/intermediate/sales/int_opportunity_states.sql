-- One row per opportunity and day its state changed: the stage, amount, close date and
-- forecast category in force from `valid_from` up to, not including, `valid_to`
-- (NULL = still in force). The history holds the values after each change, empty when
-- unchanged, so each field is carried forward from its last change; a field the history
-- never sets takes the deal's current value. A deal with no history has one state,
-- from its creation. Several changes on one day collapse to the day's last state.
-- A table: fct_opportunities, fct_opportunity_history and their tests all read it.
{{ config(materialized='table') }}

with opportunities as (
    select * from {{ ref('stg_contract__opportunities') }}
    where opportunity_id is not null
),

history as (
    select * from {{ ref('stg_contract__opportunity_history') }}
    where opportunity_id is not null
        and changed_at is not null
),

stages as (
    select * from {{ ref('stg_contract__opportunity_stages') }}
),

changes as (
    select
        opportunity_id,
        changed_at,
        stage_name,
        amount,
        close_date,
        forecast_category
    from history
    union all
    -- deals without any history: one change at creation, with the current values
    select
        opportunities.opportunity_id,
        opportunities.created_at,
        opportunities.stage_name,
        opportunities.amount,
        opportunities.close_date,
        opportunities.forecast_category
    from opportunities
    where not exists (
        select 1 from history
        where history.opportunity_id = opportunities.opportunity_id
    )
),

{%- set fields = ['stage_name', 'amount', 'close_date', 'forecast_category'] %}

-- For each field, the running count of values seen so far: all rows sharing a count
-- share the last value set.
grouped as (
    select
        *,
        {%- for field in fields %}
        count({{ field }}) over (
            partition by opportunity_id
            order by changed_at, stage_name, close_date, amount, forecast_category
            rows between unbounded preceding and current row
        ) as {{ field }}_group,
        {%- endfor %}
        row_number() over (
            partition by opportunity_id
            order by changed_at, stage_name, close_date, amount, forecast_category
        ) as change_number
    from changes
),

carried_forward as (
    select
        opportunity_id,
        changed_at,
        change_number,
        {%- for field in fields %}
        coalesce(
            max({{ field }}) over (partition by opportunity_id, {{ field }}_group),
            -- before the field was first set: its first value
            max(case when {{ field }}_group = 1 then {{ field }} end) over (partition by opportunity_id)
        ) as {{ field }}{{ "," if not loop.last }}
        {%- endfor %}
    from grouped
),

last_change_of_day as (
    select
        *,
        cast(changed_at as date) as changed_date,
        row_number() over (
            partition by opportunity_id, cast(changed_at as date)
            order by change_number desc
        ) as rank_in_day
    from carried_forward
),

daily as (
    select * from last_change_of_day
    where rank_in_day = 1
),

states as (
    select
        daily.opportunity_id,
        -- the first state holds from the deal's creation
        case
            when daily.changed_date = min(daily.changed_date) over (partition by daily.opportunity_id)
                and cast(opportunities.created_at as date) < daily.changed_date
                then cast(opportunities.created_at as date)
            else daily.changed_date
        end as valid_from,
        lead(daily.changed_date) over (
            partition by daily.opportunity_id order by daily.changed_date
        ) as valid_to,
        coalesce(daily.stage_name, opportunities.stage_name) as stage_name,
        coalesce(daily.amount, opportunities.amount) as amount,
        coalesce(daily.close_date, opportunities.close_date) as close_date,
        coalesce(daily.forecast_category, opportunities.forecast_category) as forecast_category,
        opportunities.is_closed as is_closed_now,
        opportunities.is_won as is_won_now
    from daily
    inner join opportunities
        on daily.opportunity_id = opportunities.opportunity_id
),

final as (
    select
        states.opportunity_id,
        states.valid_from,
        states.valid_to,
        states.stage_name,
        stages.stage_order,
        coalesce(stages.is_qualified, false) as is_qualified_stage,
        -- a stage the stage table does not know takes the deal's current flags in its
        -- last state, and counts as open before it
        coalesce(stages.is_closed, case when states.valid_to is null then states.is_closed_now end, false)
            as is_closed,
        coalesce(stages.is_won, case when states.valid_to is null then states.is_won_now end, false)
            as is_won,
        states.amount,
        states.close_date,
        states.forecast_category
    from states
    left join stages
        on states.stage_name = stages.stage_name
)

select * from final
