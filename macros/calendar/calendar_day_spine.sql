{#- Every day of the calendar, as one column `date_day` (a date): from first_day to
    last_day of int_calendar_span, which covers the data (see there). The one place the
    calendar's days are made.

    Portable and without a compile-time query: a fixed series of day numbers covers
    every day a calendar can need (the contract's dates lie in 1900-2100; with a year
    of margin on each side, 1898-01-01 to 2102-12-31), and the span's bounds select
    from it. 75,000 numbers cost nothing next to a model's overhead. -#}
{% macro calendar_day_spine() -%}
    {%- set series_first_day = "cast('1898-01-01' as date)" -%}
    {%- set series_days = 75000 -%}  {#- 1898-01-01 + 75,000 days = 2103-05-06 -#}
    select numbered_days.date_day
    from (
        select cast({{ dbt.dateadd('day', 'day_numbers.generated_number - 1', series_first_day) }} as date) as date_day
        from ({{ dbt.generate_series(series_days) }}) as day_numbers
    ) as numbered_days
    inner join {{ ref('int_calendar_span') }} as calendar_span
        on numbered_days.date_day between calendar_span.first_day and calendar_span.last_day
{%- endmacro %}
