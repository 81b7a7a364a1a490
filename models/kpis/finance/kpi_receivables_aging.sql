-- One row per reporting period (month, quarter, year) and roll-up of segment x region:
-- accounts receivable at the period's end (on the as-of date for the period holding it)
-- by days past due (current, 1-30, 31-60, 61-90, over 90), and DSO = open receivables
-- / billed revenue of the period x days in the period.
-- The balance at a past date is rebuilt from dates, never from today's status: issued by
-- then, not a draft, not voided by then, not paid by then, less the cash received on
-- it by then. Uncollectible invoices are written off: out of AR and DSO, reported
-- beside them as uncollectible_balance.
{%- set period_columns = 'period_type, period_start, period_end, period_label' %}
{%- set dimensions = ['segment', 'region'] %}
{%- set rollups = [[], ['segment'], ['region'], ['segment', 'region']] %}

with invoice_states_by_date as (
    select * from {{ ref('int_kpi_invoice_states_by_date') }}
),

context as (
    select * from {{ ref('dim_reporting_context') }}
),

-- each period is measured on its last day, or on the as-of date in the period holding it
measured_periods as (
    select * from {{ ref('int_kpi_reporting_periods') }}
),

-- DSO's days: the days measured, so a period-to-date is not diluted by days to come
measured_periods_with_days as (
    select
        *,
        {{ dbt.datediff('period_start', 'measured_on', 'day') }} + 1 as days_in_period
    from measured_periods
),

-- every invoice on every measurement date by which it was issued and neither paid nor
-- voided
open_invoices as (
    select
        {{ period_columns_of('measured_periods') }},
        invoice_states_by_date.invoice_id,
        {{ columns_of('invoice_states_by_date', dimensions) }},
        invoice_states_by_date.status,
        invoice_states_by_date.days_past_due,
        cast(
            (invoice_states_by_date.total - coalesce(invoice_states_by_date.amount_received, 0))
            * invoice_states_by_date.fx_rate_to_reporting
            as {{ dbt.type_numeric() }}
        ) as balance
    from invoice_states_by_date
    inner join measured_periods
        on invoice_states_by_date.measured_on = measured_periods.measured_on
    where not invoice_states_by_date.is_paid
        and not invoice_states_by_date.is_voided
),

receivable_rows as (
    select
        {{ period_columns }},
        {{ dimensions | join(', ') }},
        case when status <> 'uncollectible' then 1 else 0 end as open_invoices,
        case when status <> 'uncollectible' then balance else 0 end as open_receivables,
        case when status <> 'uncollectible' and days_past_due <= 0 then balance else 0 end as ar_current,
        case when status <> 'uncollectible' and days_past_due between 1 and 30 then balance else 0 end
            as ar_1_30_days,
        case when status <> 'uncollectible' and days_past_due between 31 and 60 then balance else 0 end
            as ar_31_60_days,
        case when status <> 'uncollectible' and days_past_due between 61 and 90 then balance else 0 end
            as ar_61_90_days,
        case when status <> 'uncollectible' and days_past_due > 90 then balance else 0 end as ar_over_90_days,
        case when status = 'uncollectible' then balance else 0 end as uncollectible_balance,
        0 as billed_revenue
    from open_invoices
    -- fully paid by cash though not (yet) marked paid: nothing is owed
    where balance > 0
),

-- DSO's denominator: billed revenue of the period, as in kpi_revenue
billed_rows as (
    select
        {{ period_columns_of('measured_periods') }},
        {{ columns_of('invoice_states_by_date', dimensions) }},
        0 as open_invoices,
        0 as open_receivables,
        0 as ar_current,
        0 as ar_1_30_days,
        0 as ar_31_60_days,
        0 as ar_61_90_days,
        0 as ar_over_90_days,
        0 as uncollectible_balance,
        invoice_states_by_date.net_amount_reporting as billed_revenue
    from invoice_states_by_date
    cross join context
    inner join measured_periods
        on invoice_states_by_date.measured_on = measured_periods.measured_on
        and invoice_states_by_date.issued_date >= measured_periods.period_start
    where invoice_states_by_date.voided_date is null
        or invoice_states_by_date.voided_date > context.as_of_date
),

period_rows as (
    select * from receivable_rows
    union all
    select * from billed_rows
),

rolled_up as (
    select
        {{ period_columns }},
        {{ rollup_labels(dimensions) }},
        cast(sum(period_rows.open_invoices) as {{ dbt.type_bigint() }}) as open_invoices,
        cast(sum(period_rows.open_receivables) as {{ dbt.type_numeric() }}) as open_receivables,
        cast(sum(period_rows.ar_current) as {{ dbt.type_numeric() }}) as ar_current,
        cast(sum(period_rows.ar_1_30_days) as {{ dbt.type_numeric() }}) as ar_1_30_days,
        cast(sum(period_rows.ar_31_60_days) as {{ dbt.type_numeric() }}) as ar_31_60_days,
        cast(sum(period_rows.ar_61_90_days) as {{ dbt.type_numeric() }}) as ar_61_90_days,
        cast(sum(period_rows.ar_over_90_days) as {{ dbt.type_numeric() }}) as ar_over_90_days,
        cast(sum(period_rows.uncollectible_balance) as {{ dbt.type_numeric() }}) as uncollectible_balance,
        cast(sum(period_rows.billed_revenue) as {{ dbt.type_numeric() }}) as billed_revenue
    from period_rows
    {{ rollup_grouping_sets(period_columns, rollups) }}
),

-- a period with nothing open and nothing billed still gets its grand-total row
all_rows as (
    {{ rolled_up_with_empty_periods('rolled_up', 'measured_periods', period_columns, dimensions, [
        'open_invoices', 'open_receivables', 'ar_current', 'ar_1_30_days', 'ar_31_60_days',
        'ar_61_90_days', 'ar_over_90_days', 'uncollectible_balance', 'billed_revenue'
    ]) }}
),

with_components as (
    select
        all_rows.*,
        cast(
            all_rows.ar_1_30_days + all_rows.ar_31_60_days + all_rows.ar_61_90_days + all_rows.ar_over_90_days
            as {{ dbt.type_numeric() }}
        ) as past_due_receivables,
        cast(measured_periods_with_days.days_in_period as {{ dbt.type_bigint() }}) as days_in_period,
        cast(
            all_rows.open_receivables * measured_periods_with_days.days_in_period
            as {{ dbt.type_numeric() }}
        ) as open_receivables_x_days
    from all_rows
    inner join measured_periods_with_days
        on {{ same_period('all_rows', 'measured_periods_with_days') }}
),

final as (
    select
        {{ period_columns }},
        {{ dimensions | join(', ') }},
        -- values
        {{ safe_ratio('open_receivables_x_days', 'billed_revenue') }} as dso,
        {{ safe_ratio('past_due_receivables', 'open_receivables') }} as past_due_share,
        open_receivables,
        ar_current,
        ar_1_30_days,
        ar_31_60_days,
        ar_61_90_days,
        ar_over_90_days,
        uncollectible_balance,
        -- components
        open_invoices,
        past_due_receivables,
        billed_revenue,
        days_in_period,
        open_receivables_x_days
    from with_components
)

select * from final
