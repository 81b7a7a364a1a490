{#- Every day from var('calendar_start') to var('calendar_end'), inclusive, as one
    column `date_day` (a date). The one place the calendar's extent is decided. -#}
{% macro calendar_day_spine() -%}
    {%- set first_day = "cast('" ~ var('calendar_start') ~ "' as date)" -%}
    {%- set day_after_last = dbt.dateadd('day', 1, "cast('" ~ var('calendar_end') ~ "' as date)") -%}
    select cast(date_day as date) as date_day
    from ({{ dbt.date_spine('day', first_day, day_after_last) }}) as spine
{%- endmacro %}
