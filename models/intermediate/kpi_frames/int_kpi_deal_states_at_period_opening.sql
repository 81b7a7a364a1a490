-- One row per reporting period and opportunity that existed at the period's opening
-- (period_type, period_start, opportunity_id): the deal's state in force on the day
-- before the period starts (valid_from <= opening_date < valid_to), with the period's
-- columns. A change on the period's first day happens during the period.
with reporting_periods as (
    select * from {{ ref('int_kpi_reporting_periods') }}
),

opportunity_history as (
    select * from {{ ref('fct_opportunity_history') }}
),

final as (
    select
        reporting_periods.period_type,
        reporting_periods.period_start,
        reporting_periods.period_end,
        reporting_periods.period_label,
        reporting_periods.opening_date,
        reporting_periods.measured_on,
        opportunity_history.*
    from reporting_periods
    inner join opportunity_history
        on opportunity_history.valid_from <= reporting_periods.opening_date
        and (opportunity_history.valid_to is null or opportunity_history.valid_to > reporting_periods.opening_date)
)

select * from final
