-- One row per reporting period x roll-up of owner/team, segment, region: the deals that
-- were open at the period's start with a close date inside it, and the share of them
-- (by count and by amount) still open at the period's end with a close date after it.
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

-- The cohort: deals open at the opening with a close date inside the period. Amounts
-- are the opening ones, so both shares compare like with like.
due_at_opening as (
    select
        {{ period_columns_of('deal_states_at_opening') }},
        deal_states_at_opening.opportunity_id,
        {{ deal_cuts('deal_states_at_opening') }},
        coalesce(deal_states_at_opening.amount_reporting, 0) as due_amount
    from deal_states_at_opening
    where deal_states_at_opening.is_open
        and not deal_states_at_opening.is_excluded
        and deal_states_at_opening.close_date
            between deal_states_at_opening.period_start and deal_states_at_opening.period_end
),

-- The same deals at the closing. Won and lost deals are outcomes, not slips; a deal
-- re-dated inside the period (or left with a stale date) is not a slip either.
outcomes_at_closing as (
    select
        due_at_opening.*,
        coalesce(
            deal_states_at_closing.is_open and deal_states_at_closing.close_date > due_at_opening.period_end,
            false
        ) as is_slipped,
        coalesce(deal_states_at_closing.is_won, false) as is_won,
        coalesce(deal_states_at_closing.is_closed and not deal_states_at_closing.is_won, false) as is_lost
    from due_at_opening
    left join deal_states_at_closing
        on {{ same_period('due_at_opening', 'deal_states_at_closing') }}
        and due_at_opening.opportunity_id = deal_states_at_closing.opportunity_id
),

rolled_up as (
    select
        {{ period_columns }},
        {{ rollup_labels(dimensions) }},
        count(*) as due_deals,
        sum(due_amount) as due_amount,
        sum(case when is_slipped then 1 else 0 end) as slipped_deals,
        sum(case when is_slipped then due_amount else 0 end) as slipped_amount,
        sum(case when is_won then 1 else 0 end) as won_deals,
        sum(case when is_lost then 1 else 0 end) as lost_deals,
        sum(case when is_slipped or is_won or is_lost then 0 else 1 end) as still_due_deals
    from outcomes_at_closing
    {{ rollup_grouping_sets(period_columns, rollups) }}
),

-- A period with nothing due keeps its grand-total row: zero counts, NULL rates.
components as (
    {{ rolled_up_with_empty_periods('rolled_up', 'reporting_periods', period_columns, dimensions, [
        'due_deals', 'due_amount', 'slipped_deals', 'slipped_amount', 'won_deals', 'lost_deals',
        'still_due_deals'
    ]) }}
),

final as (
    select
        {{ period_columns }},
        {{ dimensions | join(', ') }},
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
