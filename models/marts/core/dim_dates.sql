{%- set fiscal_start = var('fiscal_year_start_month') | int -%}
{%- if fiscal_start < 1 or fiscal_start > 12 -%}
    {{ exceptions.raise_compiler_error("var fiscal_year_start_month must be 1-12, got " ~ fiscal_start) }}
{%- endif -%}

with days as (
    {{ calendar_day_spine() }}
),

calendar as (
    select
        date_day,
        cast(extract(year from date_day) as {{ dbt.type_int() }}) as calendar_year,
        cast(extract(month from date_day) as {{ dbt.type_int() }}) as calendar_month,
        cast(extract(day from date_day) as {{ dbt.type_int() }}) as day_of_month,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start,
        cast({{ dbt.last_day('date_day', 'month') }} as date) as month_end
    from days
),

placed_in_fiscal_year as (
    select
        *,
        -- 0 for the fiscal year's first month, 11 for its last
        mod(calendar_month - {{ fiscal_start }} + 12, 12) as months_into_fiscal_year
    from calendar
),

fiscal as (
    select
        *,
        months_into_fiscal_year + 1 as fiscal_month,
        cast(floor(months_into_fiscal_year / 3) as {{ dbt.type_int() }}) + 1 as fiscal_quarter,
        -- a fiscal year is named after the calendar year in which it ends
        calendar_year
        + case when {{ fiscal_start }} > 1 and calendar_month >= {{ fiscal_start }} then 1 else 0 end
            as fiscal_year,
        cast({{ dbt.dateadd('month', '-1 * months_into_fiscal_year', 'month_start') }} as date)
            as fiscal_year_start,
        cast({{ dbt.dateadd('month', '-1 * mod(months_into_fiscal_year, 3)', 'month_start') }} as date)
            as fiscal_quarter_start
    from placed_in_fiscal_year
),

final as (
    select
        date_day,
        -- calendar
        calendar_year,
        calendar_month,
        day_of_month,
        month_start,
        month_end,
        {{ dbt.concat(["cast(calendar_year as " ~ dbt.type_string() ~ ")", "'-'",
                       "lpad(cast(calendar_month as " ~ dbt.type_string() ~ "), 2, '0')"]) }} as month_label,
        -- fiscal
        fiscal_year,
        fiscal_quarter,
        fiscal_month,
        fiscal_quarter_start,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 3, 'fiscal_quarter_start')) }} as date)
            as fiscal_quarter_end,
        fiscal_year_start,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 12, 'fiscal_year_start')) }} as date)
            as fiscal_year_end,
        {{ dbt.concat(["'FY'", "cast(fiscal_year as " ~ dbt.type_string() ~ ")",
                       "'-Q'", "cast(fiscal_quarter as " ~ dbt.type_string() ~ ")"]) }} as fiscal_quarter_label,
        {{ dbt.concat(["'FY'", "cast(fiscal_year as " ~ dbt.type_string() ~ ")"]) }} as fiscal_year_label
    from fiscal
)

select * from final
