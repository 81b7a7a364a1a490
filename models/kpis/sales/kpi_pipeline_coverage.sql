-- One row per reporting period x roll-up of owner/team (quotas are per user, so segment
-- and region are always 'all'): at the period's end, the open pipeline due in the NEXT
-- period of the same type / (the next period's quota - what is already booked for it).
{%- set period_columns = 'period_type, period_start, period_end, period_label' %}
{%- set dimensions = ['owner_user_id', 'team'] %}
{%- set rollups = [[], ['owner_user_id', 'team'], ['team']] %}

-- Each reporting period is read at its closing (its measured-on date: its last day,
-- or the as-of date in the period holding it) and looks at the next period of the same
-- type, which may lie after the as-of date (it is the calendar's, not a reporting period).
with reporting_periods as (
    select * from {{ ref('int_kpi_reporting_periods') }}
),

-- Every deal as it stood at each period's closing.
deal_states_by_period as (
    select * from {{ ref('int_kpi_deal_states_by_period') }}
    where read_at = 'measured_on'
),

-- Each user's quota per calendar period (managers' roll-up quotas left out), as in the
-- quota attainment KPI.
quotas_by_period as (
    select * from {{ ref('int_kpi_quotas_by_period') }}
),

-- Every deal as it stood at the closing, with a close date in the next period: open
-- ones are the pipeline, won ones are already booked for it.
next_period_deals as (
    select
        {{ period_key_of('reporting_periods') }},
        coalesce(deal_states_by_period.owner_user_id, 'unknown') as user_id,
        coalesce(deal_states_by_period.owner_team, 'unknown') as team,
        sum(case when deal_states_by_period.is_open then 1 else 0 end) as pipeline_deals,
        sum(case when deal_states_by_period.is_open then coalesce(deal_states_by_period.amount_reporting, 0) else 0 end)
            as pipeline_amount,
        sum(case when deal_states_by_period.is_won then coalesce(deal_states_by_period.amount_reporting, 0) else 0 end)
            as booked_amount
    from reporting_periods
    inner join deal_states_by_period
        on {{ same_period('reporting_periods', 'deal_states_by_period') }}
    where not deal_states_by_period.is_excluded
        and (deal_states_by_period.is_open or deal_states_by_period.is_won)
        and deal_states_by_period.close_date
            between reporting_periods.next_period_start and reporting_periods.next_period_end
    group by
        {{ period_key_of('reporting_periods') }},
        coalesce(deal_states_by_period.owner_user_id, 'unknown'),
        coalesce(deal_states_by_period.owner_team, 'unknown')
),

-- The next period's quota.
next_period_quotas as (
    select
        {{ period_key_of('reporting_periods') }},
        quotas_by_period.user_id,
        quotas_by_period.team,
        quotas_by_period.quota_amount
    from reporting_periods
    inner join quotas_by_period
        on quotas_by_period.period_type = reporting_periods.period_type
        and quotas_by_period.period_start = reporting_periods.next_period_start
),

-- Every user with next-period pipeline, bookings or quota. All pipeline counts (owners
-- without a quota too), so the total is the company's whole next-period pipeline.
user_periods as (
    select
        coalesce(next_period_quotas.period_type, next_period_deals.period_type) as period_type,
        coalesce(next_period_quotas.period_start, next_period_deals.period_start) as period_start,
        coalesce(next_period_quotas.user_id, next_period_deals.user_id) as owner_user_id,
        coalesce(next_period_quotas.team, next_period_deals.team) as team,
        coalesce(next_period_deals.pipeline_deals, 0) as pipeline_deals,
        coalesce(next_period_deals.pipeline_amount, 0) as pipeline_amount,
        coalesce(next_period_deals.booked_amount, 0) as booked_amount,
        coalesce(next_period_quotas.quota_amount, 0) as quota_amount
    from next_period_quotas
    full outer join next_period_deals
        on {{ same_period('next_period_quotas', 'next_period_deals') }}
        and next_period_quotas.user_id = next_period_deals.user_id
),

user_period_rows as (
    select
        {{ period_columns_of('reporting_periods') }},
        reporting_periods.next_period_start,
        reporting_periods.next_period_end,
        reporting_periods.next_period_label,
        {{ columns_of('user_periods', dimensions) }},
        user_periods.pipeline_deals,
        user_periods.pipeline_amount,
        user_periods.booked_amount,
        user_periods.quota_amount
    from user_periods
    inner join reporting_periods
        on {{ same_period('user_periods', 'reporting_periods') }}
),

{%- set grouped_columns = period_columns ~ ', next_period_start, next_period_end, next_period_label' %}

rolled_up as (
    select
        {{ grouped_columns }},
        {{ rollup_labels(dimensions) }},
        sum(pipeline_deals) as next_period_pipeline_deals,
        sum(pipeline_amount) as next_period_pipeline_amount,
        sum(quota_amount) as next_period_quota_amount,
        sum(booked_amount) as next_period_booked_amount
    from user_period_rows
    {{ rollup_grouping_sets(grouped_columns, rollups) }}
),

-- A period with no next-period pipeline, booking or quota keeps its grand-total row.
unioned as (
    {{ rolled_up_with_empty_periods('rolled_up', 'reporting_periods', grouped_columns, dimensions, [
        'next_period_pipeline_deals', 'next_period_pipeline_amount', 'next_period_quota_amount',
        'next_period_booked_amount'
    ]) }}
),

components as (
    select
        *,
        next_period_quota_amount - next_period_booked_amount as next_period_remaining_quota
    from unioned
),

final as (
    select
        {{ period_columns }},
        {{ dimensions | join(', ') }},
        {{ rollup_label() }} as segment,
        {{ rollup_label() }} as region,
        -- NULL when nothing is left to cover (quota met already, or no quota): coverage
        -- of a zero or negative gap means nothing, and a negative ratio would mislead
        {{ safe_ratio('next_period_pipeline_amount',
                      'case when next_period_remaining_quota > 0 then next_period_remaining_quota end') }}
            as pipeline_coverage,
        next_period_pipeline_amount,
        next_period_remaining_quota,
        next_period_quota_amount,
        next_period_booked_amount,
        next_period_pipeline_deals,
        next_period_start,
        next_period_end,
        next_period_label
    from components
)

select * from final
