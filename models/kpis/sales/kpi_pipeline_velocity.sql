-- One row per reporting period x roll-up of owner/team, segment, region: pipeline
-- velocity at the period's end (open qualified deals x win rate x average won deal
-- size / average sales cycle days, in money per day), its four inputs over one
-- trailing window, and its change from the previous period of the same type.
{%- set period_columns = 'period_type, period_start, period_end, period_label' %}
{%- set dimensions = ['owner_user_id', 'team', 'segment', 'region'] %}
{%- set rollups = [[], ['owner_user_id', 'team'], ['team'], ['segment'], ['region'], ['segment', 'region']] %}
{%- set dimension_columns = 'owner_user_id, team, segment, region' %}
{%- set window_days = var('pipeline_velocity_window_days', 365) | int %}
{%- if window_days < 1 -%}
    {{ exceptions.raise_compiler_error("var pipeline_velocity_window_days must be >= 1, got " ~ window_days) }}
{%- endif %}

with reporting_periods as (
    select * from {{ ref('int_kpi_reporting_periods') }}
),

-- Every deal as it stood on each period's measured-on date.
deal_states_by_period as (
    select * from {{ ref('int_kpi_deal_states_by_period') }}
    where read_at = 'measured_on'
),

opportunities as (
    select * from {{ ref('fct_opportunities') }}
),

-- Velocity is a snapshot: read at the period's closing (its measured-on date: its last
-- day, or the as-of date in the period holding it), with won/lost/cycle taken over the
-- trailing window of var pipeline_velocity_window_days days ending on that day,
-- whatever the period's length, so months, quarters and years are comparable.
-- Every deal as it stood at the closing.
states_at_closing as (
    select
        {{ period_columns_of('deal_states_by_period') }},
        cast({{ dbt.dateadd('day', -(window_days - 1), 'deal_states_by_period.read_on') }} as date) as window_start,
        deal_states_by_period.read_on as closing_date,
        {{ deal_cuts('deal_states_by_period') }},
        deal_states_by_period.is_open,
        deal_states_by_period.is_qualified_stage,
        deal_states_by_period.is_closed,
        deal_states_by_period.is_won,
        deal_states_by_period.close_date,
        deal_states_by_period.amount_reporting,
        opportunities.created_date
    from deal_states_by_period
    inner join opportunities
        on deal_states_by_period.opportunity_id = opportunities.opportunity_id
    where not deal_states_by_period.is_excluded
),

-- Per deal, what it adds to each input: open qualified deals counted at the closing;
-- won and lost deals closed inside the window; the cycle of the won ones in days from
-- creation to close (as in the sales cycle time KPI).
deal_inputs as (
    select
        {{ period_columns }},
        {{ dimension_columns }},
        case when is_open and is_qualified_stage then 1 else 0 end as open_qualified_deal,
        case when is_closed and is_won then 1 else 0 end as won_deal,
        case when is_closed and not is_won then 1 else 0 end as lost_deal,
        case when is_closed and is_won then coalesce(amount_reporting, 0) else 0 end as won_amount,
        case
            when is_closed and is_won then {{ dbt.datediff('created_date', 'close_date', 'day') }}
            else 0
        end as won_cycle_days
    from states_at_closing
    where (is_open and is_qualified_stage)
        or (is_closed and close_date between window_start and closing_date)
),

rolled_up as (
    select
        {{ period_columns }},
        {{ rollup_labels(dimensions) }},
        sum(open_qualified_deal) as open_qualified_deals,
        sum(won_deal) as won_deals,
        sum(lost_deal) as lost_deals,
        sum(won_deal) + sum(lost_deal) as closed_deals,
        sum(won_amount) as won_amount,
        sum(won_cycle_days) as won_cycle_days
    from deal_inputs
    {{ rollup_grouping_sets(period_columns, rollups) }}
),

-- A period with no open qualified deal and nothing closed in the window keeps its
-- grand-total row: zero counts, NULL velocity.
components as (
    {{ rolled_up_with_empty_periods('rolled_up', 'reporting_periods', period_columns, dimensions, [
        'open_qualified_deals', 'won_deals', 'lost_deals', 'closed_deals', 'won_amount',
        'won_cycle_days'
    ]) }}
),

-- The four inputs, each NULL when it is undefined (no closed or no won deal).
velocity_inputs as (
    select
        *,
        {{ safe_ratio('won_deals', 'closed_deals') }} as win_rate,
        {{ safe_ratio('won_amount', 'won_deals') }} as average_won_deal_size,
        {{ safe_ratio('won_cycle_days', 'won_deals') }} as average_sales_cycle_days
    from components
),

velocity as (
    select
        *,
        -- the pipeline expected to be won, in money: the formula's numerator
        open_qualified_deals * win_rate * average_won_deal_size as expected_won_pipeline,
        -- NULL as well when the average cycle is 0 days (every won deal closed the day it
        -- was created): money per day is undefined there, not infinite
        {{ safe_ratio('open_qualified_deals * win_rate * average_won_deal_size', 'average_sales_cycle_days') }}
            as pipeline_velocity
    from velocity_inputs
),

-- Period-over-period change: the previous period of the same type is the one ending the
-- day before this one starts, in the same roll-up row.
with_previous as (
    select
        velocity.*,
        previous.pipeline_velocity as previous_pipeline_velocity
    from velocity
    left join velocity as previous
        on velocity.period_type = previous.period_type
        and previous.period_end = cast({{ dbt.dateadd('day', -1, 'velocity.period_start') }} as date)
        and velocity.owner_user_id = previous.owner_user_id
        and velocity.team = previous.team
        and velocity.segment = previous.segment
        and velocity.region = previous.region
),

final as (
    select
        {{ period_columns }},
        {{ dimension_columns }},
        pipeline_velocity,
        previous_pipeline_velocity,
        pipeline_velocity - previous_pipeline_velocity as pipeline_velocity_change,
        {{ safe_ratio('pipeline_velocity - previous_pipeline_velocity', 'previous_pipeline_velocity') }}
            as pipeline_velocity_change_rate,
        win_rate,
        average_won_deal_size,
        average_sales_cycle_days,
        expected_won_pipeline,
        open_qualified_deals,
        won_deals,
        lost_deals,
        closed_deals,
        won_amount,
        won_cycle_days
    from with_previous
)

select * from final
