-- One row per reporting period x roll-up of owner/team, segment, region: the value of
-- deals pulled into the period during it (close date moved in from a later period),
-- divided by the pipeline due in the period at its start.
{%- set period_columns = 'period_type, period_start, period_end, period_label' %}
{%- set dimensions = ['owner_user_id', 'team', 'segment', 'region'] %}
{%- set rollups = [[], ['owner_user_id', 'team'], ['team'], ['segment'], ['region'], ['segment', 'region']] %}

with reporting_periods as (
    select * from {{ ref('int_kpi_reporting_periods') }}
),

-- Each period is read at two moments: its opening (the end of the day before it
-- starts, so a change on the first day already happens "during" the period) and its
-- closing (its measured-on date: its last day, or the as-of date in the period holding
-- it).
deal_states_at_opening as (
    select * from {{ ref('int_kpi_deal_states_by_period') }}
    where read_at = 'opening'
),

deal_states_at_closing as (
    select * from {{ ref('int_kpi_deal_states_by_period') }}
    where read_at = 'measured_on'
),

-- Every deal open at the opening, with the close date it had then.
open_at_opening as (
    select
        {{ period_columns_of('deal_states_at_opening') }},
        deal_states_at_opening.opportunity_id,
        {{ deal_cuts('deal_states_at_opening') }},
        deal_states_at_opening.close_date as opening_close_date,
        coalesce(deal_states_at_opening.amount_reporting, 0) as opening_amount
    from deal_states_at_opening
    where deal_states_at_opening.is_open
        and not deal_states_at_opening.is_excluded
),

-- The denominator: pipeline due in the period as it stood at the opening.
due_at_opening as (
    select
        {{ period_columns }},
        {{ dimensions | join(', ') }},
        1 as due_deal,
        opening_amount as due_amount,
        0 as pulled_in_deal,
        0 as pulled_in_amount
    from open_at_opening
    where opening_close_date between period_start and period_end
),

-- The numerator: deals whose close date at the opening lay in a LATER period and at
-- the closing lies inside this one, still open or already won (a pull-in that closed
-- won is the acceleration, not a reason to drop it); lost deals are not acceleration.
-- Valued at the closing amount. A deal that was overdue, undated or not yet created at
-- the opening is not a pull-in.
pulled_in as (
    select
        {{ period_columns_of('open_at_opening') }},
        {{ columns_of('open_at_opening', dimensions) }},
        0 as due_deal,
        0 as due_amount,
        1 as pulled_in_deal,
        coalesce(deal_states_at_closing.amount_reporting, 0) as pulled_in_amount
    from open_at_opening
    inner join deal_states_at_closing
        on {{ same_period('open_at_opening', 'deal_states_at_closing') }}
        and open_at_opening.opportunity_id = deal_states_at_closing.opportunity_id
    where open_at_opening.opening_close_date > open_at_opening.period_end
        and (deal_states_at_closing.is_open or deal_states_at_closing.is_won)
        and deal_states_at_closing.close_date between open_at_opening.period_start and open_at_opening.period_end
),

deal_contributions as (
    select * from due_at_opening
    union all
    select * from pulled_in
),

rolled_up as (
    select
        {{ period_columns }},
        {{ rollup_labels(dimensions) }},
        sum(pulled_in_deal) as pulled_in_deals,
        sum(pulled_in_amount) as pulled_in_amount,
        sum(due_deal) as due_deals,
        sum(due_amount) as due_amount
    from deal_contributions
    {{ rollup_grouping_sets(period_columns, rollups) }}
),

-- A period with nothing due and nothing pulled in keeps its grand-total row.
components as (
    {{ rolled_up_with_empty_periods('rolled_up', 'reporting_periods', period_columns, dimensions, [
        'pulled_in_deals', 'pulled_in_amount', 'due_deals', 'due_amount'
    ]) }}
),

final as (
    select
        {{ period_columns }},
        {{ dimensions | join(', ') }},
        {{ safe_ratio('pulled_in_amount', 'due_amount') }} as pipeline_acceleration,
        pulled_in_amount,
        due_amount,
        pulled_in_deals,
        due_deals
    from components
)

select * from final
