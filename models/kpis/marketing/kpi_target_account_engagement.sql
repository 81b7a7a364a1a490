-- One row per reporting period x roll-up of segment and region: the target accounts,
-- how many of them had at least one engagement activity (touch) in the period, and the
-- touches on them.
{%- set period_columns = 'period_type, period_start, period_end, period_label' %}
{%- set dimensions = ['segment', 'region'] %}
{%- set rollups = [[], ['segment'], ['region'], ['segment', 'region']] %}
{#- The activity types that count as engagement; none (the default) = every type. -#}
{%- set engagement_activity_types = var('engagement_activity_types', none) %}
{%- if engagement_activity_types is string %}
    {%- set engagement_activity_types = [engagement_activity_types] %}
{%- endif %}

with context as (
    select * from {{ ref('dim_reporting_context') }}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

activities as (
    select * from {{ ref('fct_activities') }}
),

reporting_periods as (
    select * from {{ ref('int_kpi_reporting_periods') }}
),

-- Target accounts (the flag is the account's current one: the contract keeps no
-- history of it) that exist by the as-of date.
target_accounts as (
    select
        accounts.account_id,
        {{ columns_of('accounts', dimensions) }},
        cast(accounts.created_at as date) as created_date
    from accounts
    cross join context
    where accounts.is_target_account
        and (accounts.created_at is null or cast(accounts.created_at as date) <= context.as_of_date)
),

-- The denominator: every target account that existed by the end of the period, touched
-- or not.
target_accounts_by_period as (
    select
        {{ period_columns_of('reporting_periods') }},
        target_accounts.account_id,
        {{ columns_of('target_accounts', dimensions) }}
    from reporting_periods
    inner join target_accounts
        on target_accounts.created_date is null
        or target_accounts.created_date <= reporting_periods.period_end
),

-- Engagement touches up to the as-of date.
engagement_touches as (
    select
        activities.activity_id,
        activities.account_id,
        activities.occurred_date
    from activities
    cross join context
    where activities.occurred_date <= context.as_of_date
    {%- if engagement_activity_types %}
        and activities.activity_type in (
            {%- for activity_type in engagement_activity_types -%}
                {{ sql_literal(activity_type | lower) }}{{ ", " if not loop.last }}
            {%- endfor -%}
        )
    {%- endif %}
),

-- Touches per account and period.
touches_by_period as (
    select
        {{ period_key_of('reporting_periods') }},
        engagement_touches.account_id,
        count(*) as touches
    from reporting_periods
    inner join engagement_touches
        on engagement_touches.occurred_date between reporting_periods.period_start and reporting_periods.period_end
    group by
        {{ period_key_of('reporting_periods') }},
        engagement_touches.account_id
),

-- Only touches on accounts in the denominator count, so engaged <= target accounts.
touches_on_target_accounts as (
    select
        target_accounts_by_period.*,
        coalesce(touches_by_period.touches, 0) as touches
    from target_accounts_by_period
    left join touches_by_period
        on {{ same_period('target_accounts_by_period', 'touches_by_period') }}
        and target_accounts_by_period.account_id = touches_by_period.account_id
),

rolled_up as (
    select
        {{ period_columns }},
        {{ rollup_labels(dimensions) }},
        count(*) as target_accounts,
        sum(case when touches > 0 then 1 else 0 end) as engaged_target_accounts,
        sum(touches) as target_account_touches
    from touches_on_target_accounts
    {{ rollup_grouping_sets(period_columns, rollups) }}
),

-- A period without any target account keeps its grand-total row: zero counts, NULL
-- ratios.
components as (
    {{ rolled_up_with_empty_periods('rolled_up', 'reporting_periods', period_columns, dimensions, [
        'target_accounts', 'engaged_target_accounts', 'target_account_touches'
    ]) }}
),

final as (
    select
        {{ period_columns }},
        {{ dimensions | join(', ') }},
        {{ safe_ratio('engaged_target_accounts', 'target_accounts') }} as target_account_engagement_rate,
        {{ safe_ratio('target_account_touches', 'target_accounts') }} as touches_per_target_account,
        target_accounts,
        engaged_target_accounts,
        target_account_touches
    from components
)

select * from final
