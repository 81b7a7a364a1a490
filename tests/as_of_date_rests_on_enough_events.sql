-- Warns (never fails) when the as-of date taken from the data rests on fewer than var
-- as_of_min_events_after_previous_month_end events after the previous month end: a
-- stray or mistyped date may have moved "today". The rows name the events.
{{ config(severity='warn') }}

select * from {{ ref('as_of_date_few_events') }}
