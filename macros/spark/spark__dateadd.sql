{#- Spark: dbt-spark's dateadd goes through Unix seconds and gives NULL for a date
    moved by months (to_unix_timestamp of a date-only value). timestampadd keeps the
    calendar arithmetic DuckDB and Postgres do (2024-01-31 plus a month is
    2024-02-29) and, like them, returns a timestamp. dbt looks up the root project's
    spark__dateadd before its own. -#}
{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    timestampadd({{ datepart }}, cast({{ interval }} as int), {{ from_date_or_timestamp }})
{%- endmacro %}
