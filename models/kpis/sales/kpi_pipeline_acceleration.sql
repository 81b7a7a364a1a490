-- One row per reporting period x roll-up of owner/team, segment, region: the value of
-- deals pulled into the period during it (close date moved in from a later period),
-- divided by the pipeline due in the period at its start.
{%- set period_columns = 'period_type, period_start, period_end, period_label' %}

with periods as (
    select * from {{ ref('dim_periods') }}
),

context as (
    select * from {{ ref('dim_reporting_context') }}
),

opportunity_history as (
    select * from {{ ref('fct_opportunity_history') }}
),

-- Each period is read at its opening (the end of the day before it starts) and its
-- closing (its last day, or the as-of date in the period holding it). The as-of date,
-- not the calendar's flags, decides which periods exist and where they stop.
reporting_periods as (
    select
        periods.period_type,
        periods.period_start,
        periods.period_end,
        periods.period_label,
        cast({{ dbt.dateadd('day', -1, 'periods.period_start') }} as date) as opening_date,
        case
            when periods.period_end < context.as_of_date then periods.period_end
            else context.as_of_date
        end as closing_date
    from periods
    cross join context
    where periods.is_reporting_period
        and periods.period_start <= context.as_of_date
),

-- Every deal open at the opening, with the close date it had then.
open_at_opening as (
    select
        reporting_periods.period_type,
        reporting_periods.period_start,
        reporting_periods.period_end,
        reporting_periods.period_label,
        reporting_periods.closing_date,
        opportunity_history.opportunity_id,
        coalesce(opportunity_history.owner_user_id, 'unknown') as owner_user_id,
        coalesce(opportunity_history.owner_team, 'unknown') as team,
        coalesce(opportunity_history.segment, 'unknown') as segment,
        coalesce(opportunity_history.region, 'unknown') as region,
        opportunity_history.close_date as opening_close_date,
        coalesce(opportunity_history.amount_reporting, 0) as opening_amount
    from reporting_periods
    inner join opportunity_history
        on opportunity_history.valid_from <= reporting_periods.opening_date
        and (opportunity_history.valid_to is null or opportunity_history.valid_to > reporting_periods.opening_date)
    where opportunity_history.is_open
        and not opportunity_history.is_excluded
),

-- The denominator: pipeline due in the period as it stood at the opening.
due_at_opening as (
    select
        {{ period_columns }},
        owner_user_id,
        team,
        segment,
        region,
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
        open_at_opening.period_type,
        open_at_opening.period_start,
        open_at_opening.period_end,
        open_at_opening.period_label,
        open_at_opening.owner_user_id,
        open_at_opening.team,
        open_at_opening.segment,
        open_at_opening.region,
        0 as due_deal,
        0 as due_amount,
        1 as pulled_in_deal,
        coalesce(opportunity_history.amount_reporting, 0) as pulled_in_amount
    from open_at_opening
    inner join opportunity_history
        on open_at_opening.opportunity_id = opportunity_history.opportunity_id
        and opportunity_history.valid_from <= open_at_opening.closing_date
        and (opportunity_history.valid_to is null or opportunity_history.valid_to > open_at_opening.closing_date)
    where open_at_opening.opening_close_date > open_at_opening.period_end
        and (opportunity_history.is_open or opportunity_history.is_won)
        and opportunity_history.close_date between open_at_opening.period_start and open_at_opening.period_end
),

deal_contributions as (
    select * from due_at_opening
    union all
    select * from pulled_in
),

rolled_up as (
    select
        {{ period_columns }},
        coalesce(owner_user_id, {{ rollup_label() }}) as owner_user_id,
        coalesce(team, {{ rollup_label() }}) as team,
        coalesce(segment, {{ rollup_label() }}) as segment,
        coalesce(region, {{ rollup_label() }}) as region,
        sum(pulled_in_deal) as pulled_in_deals,
        sum(pulled_in_amount) as pulled_in_amount,
        sum(due_deal) as due_deals,
        sum(due_amount) as due_amount
    from deal_contributions
    group by grouping sets (
        ({{ period_columns }}),
        ({{ period_columns }}, owner_user_id, team),
        ({{ period_columns }}, team),
        ({{ period_columns }}, segment),
        ({{ period_columns }}, region),
        ({{ period_columns }}, segment, region)
    )
),

-- A period with nothing due and nothing pulled in keeps its grand-total row.
empty_periods as (
    select
        {{ period_columns }},
        {{ rollup_label() }} as owner_user_id,
        {{ rollup_label() }} as team,
        {{ rollup_label() }} as segment,
        {{ rollup_label() }} as region,
        0 as pulled_in_deals,
        0 as pulled_in_amount,
        0 as due_deals,
        0 as due_amount
    from reporting_periods
    where not exists (
        select 1
        from rolled_up
        where rolled_up.period_type = reporting_periods.period_type
            and rolled_up.period_start = reporting_periods.period_start
    )
),

components as (
    select * from rolled_up
    union all
    select * from empty_periods
),

final as (
    select
        {{ period_columns }},
        owner_user_id,
        team,
        segment,
        region,
        {{ safe_ratio('pulled_in_amount', 'due_amount') }} as pipeline_acceleration,
        pulled_in_amount,
        due_amount,
        pulled_in_deals,
        due_deals
    from components
)

select * from final
