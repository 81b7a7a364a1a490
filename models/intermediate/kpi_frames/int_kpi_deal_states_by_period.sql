-- One row per reporting period and opportunity that existed on the period's
-- measured-on date (period_type, period_start, opportunity_id): the deal's state in
-- force that day (valid_from <= measured_on < valid_to), with the period's columns.
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
        reporting_periods.measured_on,
        opportunity_history.*
    from reporting_periods
    inner join opportunity_history
        on opportunity_history.valid_from <= reporting_periods.measured_on
        and (opportunity_history.valid_to is null or opportunity_history.valid_to > reporting_periods.measured_on)
)

select * from final
