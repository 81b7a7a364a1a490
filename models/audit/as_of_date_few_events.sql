-- The events "today" rests on when there are suspiciously few of them: one row per
-- event after the previous month end (up to the as-of date) when the as-of date comes
-- from the data and fewer than var as_of_min_events_after_previous_month_end events
-- fall there; else no rows. One activity mistyped as next year moves "today" a year
-- and every KPI with it; a real month in progress has many events. The test
-- tests/as_of_date_rests_on_enough_events.sql warns on any row, and `revops build`
-- prints them.
{%- set min_events = var('as_of_min_events_after_previous_month_end', 3) | int %}

with context as (
    select * from {{ ref('dim_reporting_context') }}
),

events as (
    select * from {{ ref('int_dated_events') }}
),

thinly_supported as (
    select *
    from context
    where as_of_date_source = 'latest event'
        and events_after_previous_month_end < {{ min_events }}
),

final as (
    select
        events.table_name,
        events.event_key,
        events.event_column,
        events.event_date,
        thinly_supported.as_of_date,
        thinly_supported.previous_month_end,
        thinly_supported.events_after_previous_month_end
    from thinly_supported
    inner join events
        on events.event_date > thinly_supported.previous_month_end
        and events.event_date <= thinly_supported.as_of_date
)

select * from final
