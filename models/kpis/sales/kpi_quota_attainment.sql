-- One row per reporting period x roll-up of owner/team (quotas are per user, so segment
-- and region are always 'all'): bookings credited to the owner at close / the owner's
-- quota for the period, and the team view, the share of reps at or above 100%.
{%- set period_columns = 'period_type, period_start, period_end, period_label' %}
{%- set dimensions = ['owner_user_id', 'team'] %}
{%- set rollups = [[], ['owner_user_id', 'team'], ['team']] %}

with reporting_periods as (
    select * from {{ ref('int_kpi_reporting_periods') }}
),

-- Each deal as the warehouse saw it on the as-of date (see kpi_win_rate).
deal_states_on_as_of_date as (
    select * from {{ ref('int_kpi_deal_states_on_as_of_date') }}
),

-- Each user's quota per period: the quotas lying wholly inside it, nothing prorated,
-- managers' roll-up quotas left out (they would count twice in team and total rows).
quotas_by_user as (
    select * from {{ ref('int_kpi_quotas_by_period') }}
),

-- Bookings: deals closed-won as the warehouse saw them on the as-of date (a deal won
-- later is not booked yet), credited to the deal's owner (the owner at close).
bookings as (
    select
        coalesce(owner_user_id, 'unknown') as user_id,
        coalesce(owner_team, 'unknown') as team,
        close_date,
        coalesce(amount_reporting, 0) as amount_reporting
    from deal_states_on_as_of_date
    where is_won
        and not is_excluded
        and close_date <= as_of_date
),

bookings_by_user as (
    select
        {{ period_key_of('reporting_periods') }},
        bookings.user_id,
        bookings.team,
        sum(bookings.amount_reporting) as bookings_amount
    from reporting_periods
    inner join bookings
        on bookings.close_date between reporting_periods.period_start and reporting_periods.period_end
    group by
        {{ period_key_of('reporting_periods') }},
        bookings.user_id,
        bookings.team
),

-- Every user with a quota or bookings in the period. All bookings count (owners with
-- no quota too), so the totals reconcile with the bookings KPI; only users with a
-- positive quota are reps in the team view.
user_periods as (
    select
        coalesce(quotas_by_user.period_type, bookings_by_user.period_type) as period_type,
        coalesce(quotas_by_user.period_start, bookings_by_user.period_start) as period_start,
        coalesce(quotas_by_user.user_id, bookings_by_user.user_id) as owner_user_id,
        coalesce(quotas_by_user.team, bookings_by_user.team) as team,
        coalesce(bookings_by_user.bookings_amount, 0) as bookings_amount,
        coalesce(quotas_by_user.quota_amount, 0) as quota_amount
    from quotas_by_user
    full outer join bookings_by_user
        on {{ same_period('quotas_by_user', 'bookings_by_user') }}
        and quotas_by_user.user_id = bookings_by_user.user_id
),

rep_results as (
    select
        {{ period_columns_of('reporting_periods') }},
        {{ columns_of('user_periods', dimensions) }},
        user_periods.bookings_amount,
        user_periods.quota_amount,
        case when user_periods.quota_amount > 0 then 1 else 0 end as is_rep_with_quota,
        -- compared as exact amounts, not through a float ratio: exactly 100% counts
        case
            when user_periods.quota_amount > 0
                and user_periods.bookings_amount >= user_periods.quota_amount then 1
            else 0
        end as is_at_or_above_quota
    from user_periods
    inner join reporting_periods
        on {{ same_period('user_periods', 'reporting_periods') }}
),

rolled_up as (
    select
        {{ period_columns }},
        {{ rollup_labels(dimensions) }},
        sum(bookings_amount) as bookings_amount,
        sum(quota_amount) as quota_amount,
        sum(is_at_or_above_quota) as reps_at_or_above_quota,
        sum(is_rep_with_quota) as reps_with_quota
    from rep_results
    {{ rollup_grouping_sets(period_columns, rollups) }}
),

-- A period with no quota and no bookings keeps its grand-total row.
components as (
    {{ rolled_up_with_empty_periods('rolled_up', 'reporting_periods', period_columns, dimensions, [
        'bookings_amount', 'quota_amount', 'reps_at_or_above_quota', 'reps_with_quota'
    ]) }}
),

final as (
    select
        {{ period_columns }},
        {{ dimensions | join(', ') }},
        {{ rollup_label() }} as segment,
        {{ rollup_label() }} as region,
        {{ safe_ratio('bookings_amount', 'quota_amount') }} as quota_attainment,
        {{ safe_ratio('reps_at_or_above_quota', 'reps_with_quota') }} as share_of_reps_at_or_above_quota,
        bookings_amount,
        quota_amount,
        reps_at_or_above_quota,
        reps_with_quota
    from components
)

select * from final
