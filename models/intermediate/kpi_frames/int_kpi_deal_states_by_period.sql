-- One row per reporting period, reading and opportunity that existed then
-- (period_type, period_start, read_at, opportunity_id): the deal's state in force on
-- the date read (valid_from <= read_on < valid_to), with the period's columns. Each
-- period is read twice: at its opening (read_at 'opening': the day before it starts,
-- so a change on its first day happens during it) and on its measured-on date
-- (read_at 'measured_on': its last day, or the as-of date in the period holding it).
with reporting_periods as (
    select * from {{ ref('int_kpi_reporting_periods') }}
),

opportunity_history as (
    select * from {{ ref('fct_opportunity_history') }}
),

readings as (
    select
        period_type,
        period_start,
        period_end,
        period_label,
        'opening' as read_at,
        opening_date as read_on
    from reporting_periods
    union all
    select
        period_type,
        period_start,
        period_end,
        period_label,
        'measured_on' as read_at,
        measured_on as read_on
    from reporting_periods
),

final as (
    select
        readings.*,
        -- the state's columns the sales KPIs and the report read, not all of
        -- fct_opportunity_history: 6M rows at scale 100, so each column costs (issue 12)
        opportunity_history.opportunity_id,
        opportunity_history.valid_from,
        opportunity_history.valid_to,
        opportunity_history.owner_user_id,
        opportunity_history.owner_team,
        opportunity_history.segment,
        opportunity_history.region,
        opportunity_history.is_excluded,
        opportunity_history.stage_name,
        opportunity_history.stage_order,
        opportunity_history.is_qualified_stage,
        opportunity_history.is_open,
        opportunity_history.is_closed,
        opportunity_history.is_won,
        opportunity_history.close_date,
        opportunity_history.amount_reporting
    from readings
    inner join opportunity_history
        on opportunity_history.valid_from <= readings.read_on
        and {{ open_ended('opportunity_history.valid_to') }} > readings.read_on
)

select * from final
