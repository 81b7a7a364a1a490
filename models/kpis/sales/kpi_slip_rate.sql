-- One row per reporting period x roll-up of owner/team, segment, region: the deals that
-- were open at the period's start with a close date inside it, and the share of them
-- (by count and by amount) still open at the period's end with a close date after it.
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

-- Each period is read at two moments: its opening (the end of the day before it
-- starts, so a change on the first day already happens "during" the period) and its
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

-- The cohort: deals open at the opening with a close date inside the period. Amounts
-- are the opening ones, so both shares compare like with like.
due_at_opening as (
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
        coalesce(opportunity_history.amount_reporting, 0) as due_amount
    from reporting_periods
    inner join opportunity_history
        on opportunity_history.valid_from <= reporting_periods.opening_date
        and (opportunity_history.valid_to is null or opportunity_history.valid_to > reporting_periods.opening_date)
    where opportunity_history.is_open
        and not opportunity_history.is_excluded
        and opportunity_history.close_date between reporting_periods.period_start and reporting_periods.period_end
),

-- The same deals at the closing. Won and lost deals are outcomes, not slips; a deal
-- re-dated inside the period (or left with a stale date) is not a slip either.
outcomes_at_closing as (
    select
        due_at_opening.*,
        coalesce(
            opportunity_history.is_open and opportunity_history.close_date > due_at_opening.period_end,
            false
        ) as is_slipped,
        coalesce(opportunity_history.is_won, false) as is_won,
        coalesce(opportunity_history.is_closed and not opportunity_history.is_won, false) as is_lost
    from due_at_opening
    left join opportunity_history
        on due_at_opening.opportunity_id = opportunity_history.opportunity_id
        and opportunity_history.valid_from <= due_at_opening.closing_date
        and (opportunity_history.valid_to is null or opportunity_history.valid_to > due_at_opening.closing_date)
),

rolled_up as (
    select
        {{ period_columns }},
        coalesce(owner_user_id, {{ rollup_label() }}) as owner_user_id,
        coalesce(team, {{ rollup_label() }}) as team,
        coalesce(segment, {{ rollup_label() }}) as segment,
        coalesce(region, {{ rollup_label() }}) as region,
        count(*) as due_deals,
        sum(due_amount) as due_amount,
        sum(case when is_slipped then 1 else 0 end) as slipped_deals,
        sum(case when is_slipped then due_amount else 0 end) as slipped_amount,
        sum(case when is_won then 1 else 0 end) as won_deals,
        sum(case when is_lost then 1 else 0 end) as lost_deals,
        sum(case when is_slipped or is_won or is_lost then 0 else 1 end) as still_due_deals
    from outcomes_at_closing
    group by grouping sets (
        ({{ period_columns }}),
        ({{ period_columns }}, owner_user_id, team),
        ({{ period_columns }}, team),
        ({{ period_columns }}, segment),
        ({{ period_columns }}, region),
        ({{ period_columns }}, segment, region)
    )
),

-- A period with nothing due keeps its grand-total row: zero counts, NULL rates.
empty_periods as (
    select
        {{ period_columns }},
        {{ rollup_label() }} as owner_user_id,
        {{ rollup_label() }} as team,
        {{ rollup_label() }} as segment,
        {{ rollup_label() }} as region,
        0 as due_deals,
        0 as due_amount,
        0 as slipped_deals,
        0 as slipped_amount,
        0 as won_deals,
        0 as lost_deals,
        0 as still_due_deals
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
        {{ safe_ratio('slipped_deals', 'due_deals') }} as slip_rate,
        {{ safe_ratio('slipped_amount', 'due_amount') }} as slip_rate_by_amount,
        due_deals,
        due_amount,
        slipped_deals,
        slipped_amount,
        won_deals,
        lost_deals,
        still_due_deals
    from components
)

select * from final
