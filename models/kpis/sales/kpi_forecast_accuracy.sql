-- One row per reporting period x roll-up of owner/team (forecasts are per user, so
-- segment and region are always 'all'): the commit forecast (each user's last call
-- before the checkpoint) against the bookings it forecast, as accuracy
-- 1 - |forecast - actual| / actual and signed bias (forecast - actual) / actual.
{%- set period_columns = 'period_type, period_start, period_end, period_label' %}
{%- set dimensions = ['owner_user_id', 'team'] %}
{%- set rollups = [[], ['owner_user_id', 'team'], ['team']] %}
{%- set forecast_period_type = var('forecast_period_type', 'quarter') %}
{%- set checkpoint_days = var('forecast_checkpoint_days', 0) | int %}
{%- if forecast_period_type not in ['month', 'quarter', 'year'] -%}
    {{ exceptions.raise_compiler_error("var forecast_period_type must be month, quarter or year, got " ~ forecast_period_type) }}
{%- endif %}

with periods as (
    select * from {{ ref('dim_periods') }}
),

context as (
    select * from {{ ref('dim_reporting_context') }}
),

reporting_periods as (
    select * from {{ ref('int_kpi_reporting_periods') }}
),

-- Each deal as the warehouse saw it on the as-of date (see kpi_win_rate).
deal_states_on_as_of_date as (
    select * from {{ ref('int_kpi_deal_states_on_as_of_date') }}
),

forecasts as (
    select * from {{ ref('fct_forecasts') }}
),

-- Users who manage others call their team's number: their call is a roll-up of their
-- reports' calls (and they book little themselves), so it would count twice in team
-- and total rows. Only individual contributors' calls are compared.
managers as (
    select * from {{ ref('int_kpi_managers') }}
),

-- The periods a call forecasts: a call's period_start names a period of type var
-- forecast_period_type (default quarter). Periods not yet begun at the as-of date have
-- no bookings to compare with yet.
forecast_periods as (
    select
        periods.period_start as forecast_period_start,
        periods.period_end as forecast_period_end,
        -- the checkpoint: calls must be submitted before it (var forecast_checkpoint_days
        -- after the period starts; default 0, before the period starts)
        cast({{ dbt.dateadd('day', checkpoint_days, 'periods.period_start') }} as {{ dbt.type_timestamp() }})
            as checkpoint_at
    from periods
    cross join context
    where periods.period_type = '{{ forecast_period_type }}'
        and periods.period_start <= context.as_of_date
),

-- Commit calls made before the checkpoint and on or before the as-of date (a call
-- submitted later is not visible yet), by individual contributors, newest first per
-- user and period.
eligible_calls as (
    select
        forecasts.user_id,
        coalesce(forecasts.team, 'unknown') as team,
        forecast_periods.forecast_period_start,
        forecast_periods.forecast_period_end,
        forecasts.amount_reporting,
        row_number() over (
            partition by forecasts.user_id, forecast_periods.forecast_period_start
            order by forecasts.submitted_at desc, forecasts.forecast_key desc
        ) as recency_rank
    from forecasts
    cross join context
    inner join forecast_periods
        on forecasts.period_start = forecast_periods.forecast_period_start
    where forecasts.forecast_category = 'commit'
        and forecasts.submitted_at < forecast_periods.checkpoint_at
        and cast(forecasts.submitted_at as date) <= context.as_of_date
        and not exists (
            select 1 from managers
            where managers.user_id = forecasts.user_id
        )
),

last_calls as (
    select * from eligible_calls
    where recency_rank = 1
),

-- Bookings on the same basis: deals closed-won as seen on the as-of date, in the
-- reporting currency, credited to the owner at close.
bookings as (
    select
        owner_user_id as user_id,
        close_date,
        coalesce(amount_reporting, 0) as amount_reporting
    from deal_states_on_as_of_date
    where is_won
        and not is_excluded
        and close_date <= as_of_date
),

-- Each call with what its user booked in the forecast period (to date, in the period
-- holding the as-of date). Users without a call are not forecast, so not compared.
calls_with_actuals as (
    select
        last_calls.user_id,
        last_calls.team,
        last_calls.forecast_period_start,
        last_calls.forecast_period_end,
        last_calls.amount_reporting as forecast_amount,
        coalesce(sum(bookings.amount_reporting), 0) as actual_amount
    from last_calls
    left join bookings
        on last_calls.user_id = bookings.user_id
        and bookings.close_date between last_calls.forecast_period_start and last_calls.forecast_period_end
    group by
        last_calls.user_id,
        last_calls.team,
        last_calls.forecast_period_start,
        last_calls.forecast_period_end,
        last_calls.amount_reporting
),

-- A reporting period holds the forecast periods that lie wholly inside it (a year sums
-- its quarters' calls; a month inside a quarterly forecast has no call of its own).
calls_by_period as (
    select
        {{ period_columns_of('reporting_periods') }},
        calls_with_actuals.user_id as owner_user_id,
        calls_with_actuals.team,
        calls_with_actuals.forecast_amount,
        calls_with_actuals.actual_amount
    from reporting_periods
    inner join calls_with_actuals
        on calls_with_actuals.forecast_period_start >= reporting_periods.period_start
        and calls_with_actuals.forecast_period_end <= reporting_periods.period_end
),

rolled_up as (
    select
        {{ period_columns }},
        {{ rollup_labels(dimensions) }},
        sum(forecast_amount) as forecast_amount,
        sum(actual_amount) as actual_amount,
        count(*) as forecast_calls
    from calls_by_period
    {{ rollup_grouping_sets(period_columns, rollups) }}
),

-- A period with no call keeps its grand-total row: zero amounts, NULL accuracy.
components as (
    {{ rolled_up_with_empty_periods('rolled_up', 'reporting_periods', period_columns, dimensions, [
        'forecast_amount', 'actual_amount', 'forecast_calls'
    ]) }}
),

final as (
    select
        {{ period_columns }},
        {{ dimensions | join(', ') }},
        {{ rollup_label() }} as segment,
        {{ rollup_label() }} as region,
        -- NULL when nothing was booked: accuracy against zero is undefined
        1 - {{ safe_ratio('abs(forecast_amount - actual_amount)', 'actual_amount') }} as forecast_accuracy,
        {{ safe_ratio('forecast_amount - actual_amount', 'actual_amount') }} as forecast_bias,
        forecast_amount,
        actual_amount,
        forecast_amount - actual_amount as forecast_error,
        abs(forecast_amount - actual_amount) as forecast_absolute_error,
        forecast_calls
    from components
)

select * from final
