-- One row per reporting period (period_type, period_start): its boundaries, the as-of
-- date, its opening (the day before it starts, so a change on its first day happens
-- during it), the date it is measured on (its last day, or the as-of date for the
-- period holding it: nothing after the as-of date is visible), the first day of the
-- last month it reads, and the next period of the same type (which may lie after the
-- as-of date: it is the calendar's, not a reporting period).
with periods as (
    select * from {{ ref('dim_periods') }}
),

context as (
    select * from {{ ref('dim_reporting_context') }}
),

reporting_periods as (
    select
        periods.period_type,
        periods.period_start,
        periods.period_end,
        periods.period_label,
        context.as_of_date,
        cast({{ dbt.dateadd('day', -1, 'periods.period_start') }} as date) as opening_date,
        case
            when periods.period_end < context.as_of_date then periods.period_end
            else context.as_of_date
        end as measured_on
    from periods
    cross join context
    where periods.is_reporting_period
),

with_last_month as (
    select
        *,
        cast({{ dbt.date_trunc('month', 'measured_on') }} as date) as last_month_start
    from reporting_periods
),

final as (
    select
        with_last_month.period_type,
        with_last_month.period_start,
        with_last_month.period_end,
        with_last_month.period_label,
        with_last_month.as_of_date,
        with_last_month.opening_date,
        with_last_month.measured_on,
        with_last_month.last_month_start,
        next_periods.period_start as next_period_start,
        next_periods.period_end as next_period_end,
        next_periods.period_label as next_period_label
    from with_last_month
    -- left join: a period at the calendar's end still has its row, with no next period
    left join periods as next_periods
        on with_last_month.period_type = next_periods.period_type
        and next_periods.period_start = cast({{ dbt.dateadd('day', 1, 'with_last_month.period_end') }} as date)
)

select * from final
