-- The data's own clock: the first and latest event dates found in the data, and the
-- as-of date ("today") every KPI is computed at. The as-of date is the variable
-- `as_of_date` when set, else the latest event date, so the same input gives the same
-- output on any day. What counts as an event (and why planned dates do not) is
-- int_dated_events'. How many events fall after the previous month end tells whether
-- "today" rests on the data's normal flow or on a few stray rows (see
-- audit.as_of_date_few_events).
{%- set as_of_variable = date_var('as_of_date') %}

with events as (
    select * from {{ ref('int_dated_events') }}
),

data_bounds as (
    select
        min(event_date) as first_event_date,
        max(event_date) as latest_event_date
    from events
),

as_of as (
    select
        first_event_date,
        latest_event_date,
        {% if as_of_variable -%}
            {{ as_of_variable }} as as_of_date,
            'variable' as as_of_date_source
        {%- else -%}
            latest_event_date as as_of_date,
            'latest event' as as_of_date_source
        {%- endif %}
    from data_bounds
),

with_previous_month_end as (
    select
        *,
        cast({{ dbt.dateadd('day', -1, dbt.date_trunc('month', 'as_of_date')) }} as date) as previous_month_end
    from as_of
),

-- the events of the as-of date's month up to it: what "today" rests on
events_since_month_start as (
    select count(*) as events_after_previous_month_end
    from events
    cross join with_previous_month_end as context
    where events.event_date > context.previous_month_end
        and events.event_date <= context.as_of_date
),

final as (
    select
        context.first_event_date,
        context.latest_event_date,
        context.as_of_date,
        context.as_of_date_source,
        context.previous_month_end,
        recent.events_after_previous_month_end,
        {{ sql_literal(var("reporting_currency")) }} as reporting_currency,
        {{ var('fiscal_year_start_month') | int }} as fiscal_year_start_month
    from with_previous_month_end as context
    cross join events_since_month_start as recent
)

select * from final
