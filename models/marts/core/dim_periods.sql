-- One row per reporting period: fiscal months, quarters and years, each with its
-- first and last day. Every KPI takes its period boundaries from here.
with dates as (
    select * from {{ ref('dim_dates') }}
),

context as (
    select * from {{ ref('dim_reporting_context') }}
),

periods as (
    select distinct
        'month' as period_type,
        month_start as period_start,
        month_end as period_end,
        month_label as period_label
    from dates
    union all
    select distinct
        'quarter',
        fiscal_quarter_start,
        fiscal_quarter_end,
        fiscal_quarter_label
    from dates
    union all
    select distinct
        'year',
        fiscal_year_start,
        fiscal_year_end,
        fiscal_year_label
    from dates
),

final as (
    select
        periods.period_type,
        periods.period_start,
        periods.period_end,
        periods.period_label,
        {{ dbt.datediff('periods.period_start', 'periods.period_end', 'day') }} + 1 as days_in_period,
        -- the periods the data covers, up to the one holding the as-of date
        (
            periods.period_end >= context.first_event_date
            and periods.period_start <= context.as_of_date
        ) as is_reporting_period,
        (context.as_of_date between periods.period_start and periods.period_end) as contains_as_of_date,
        (periods.period_end <= context.as_of_date) as is_complete
    from periods
    cross join context
)

select * from final
