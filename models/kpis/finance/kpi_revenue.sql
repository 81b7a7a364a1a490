-- One row per reporting period (month, quarter, year) and roll-up of segment x region:
-- revenue on three bases that are never added together.
--   billed    invoices issued in the period, net of tax; drafts and invoices voided by
--             the as-of date are not billed
--   collected succeeded payments - refunds (a refund is its own payment row), by the
--             date of the attempt
--   recurring MRR at month end summed over the period's months (a month's recurring
--             revenue is its MRR); ending_mrr is the MRR at the period's last measured
--             month end
-- Only events on or before the as-of date count.
{%- set period_columns = 'period_type, period_start, period_end, period_label' %}
{%- set dimensions = ['segment', 'region'] %}
{%- set rollups = [[], ['segment'], ['region'], ['segment', 'region']] %}

with invoices as (
    select * from {{ ref('fct_invoices') }}
),

payments as (
    select * from {{ ref('fct_payments') }}
),

mrr_monthly as (
    select * from {{ ref('fct_mrr_monthly') }}
),

context as (
    select * from {{ ref('dim_reporting_context') }}
),

-- each period counts events up to its last day, or up to the as-of date in the period
-- holding it; the month whose MRR closes it is the month holding that date
measured_periods as (
    select * from {{ ref('int_kpi_reporting_periods') }}
),

-- billed: not a draft, and not voided by the as-of date (a void invoice without a void
-- date is taken as voided on issue)
billed_invoices as (
    select invoices.*
    from invoices
    cross join context
    where invoices.status <> 'draft'
        and not (
            invoices.status = 'void'
            and coalesce(invoices.voided_date, invoices.issued_date) <= context.as_of_date
        )
),

billed_rows as (
    select
        {{ period_columns_of('measured_periods') }},
        {{ columns_of('billed_invoices', dimensions) }},
        billed_invoices.net_amount_reporting as billed_revenue,
        1 as invoices_billed,
        0 as payments_succeeded_amount,
        0 as payments_refunded_amount,
        0 as recurring_revenue,
        0 as ending_mrr
    from billed_invoices
    inner join measured_periods
        on billed_invoices.issued_date between measured_periods.period_start and measured_periods.measured_on
),

-- collected: cash in from succeeded attempts, cash out from refund rows; failed
-- attempts move nothing
payment_rows as (
    select
        {{ period_columns_of('measured_periods') }},
        {{ columns_of('payments', dimensions) }},
        0 as billed_revenue,
        0 as invoices_billed,
        case when payments.status = 'succeeded' then payments.amount_reporting else 0 end
            as payments_succeeded_amount,
        case when payments.status = 'refunded' then payments.amount_reporting else 0 end
            as payments_refunded_amount,
        0 as recurring_revenue,
        0 as ending_mrr
    from payments
    inner join measured_periods
        on payments.attempted_date between measured_periods.period_start and measured_periods.measured_on
    where payments.status in ('succeeded', 'refunded')
),

-- recurring: every month of the period measured by the as-of date adds its month-end
-- MRR (the month holding the as-of date: its MRR on the as-of date)
mrr_rows as (
    select
        {{ period_columns_of('measured_periods') }},
        {{ columns_of('mrr_monthly', dimensions) }},
        0 as billed_revenue,
        0 as invoices_billed,
        0 as payments_succeeded_amount,
        0 as payments_refunded_amount,
        mrr_monthly.mrr as recurring_revenue,
        case
            when mrr_monthly.month_start = measured_periods.last_month_start then mrr_monthly.mrr
            else 0
        end as ending_mrr
    from mrr_monthly
    inner join measured_periods
        on mrr_monthly.month_start between measured_periods.period_start
        and measured_periods.measured_on
),

period_rows as (
    select * from billed_rows
    union all
    select * from payment_rows
    union all
    select * from mrr_rows
),

rolled_up as (
    select
        {{ period_columns }},
        {{ rollup_labels(dimensions) }},
        cast(sum(period_rows.billed_revenue) as {{ dbt.type_numeric() }}) as billed_revenue,
        cast(
            sum(period_rows.payments_succeeded_amount) - sum(period_rows.payments_refunded_amount)
            as {{ dbt.type_numeric() }}
        ) as collected_revenue,
        cast(sum(period_rows.recurring_revenue) as {{ dbt.type_numeric() }}) as recurring_revenue,
        cast(sum(period_rows.ending_mrr) as {{ dbt.type_numeric() }}) as ending_mrr,
        cast(sum(period_rows.invoices_billed) as {{ dbt.type_bigint() }}) as invoices_billed,
        cast(sum(period_rows.payments_succeeded_amount) as {{ dbt.type_numeric() }}) as payments_succeeded_amount,
        cast(sum(period_rows.payments_refunded_amount) as {{ dbt.type_numeric() }}) as payments_refunded_amount
    from period_rows
    {{ rollup_grouping_sets(period_columns, rollups) }}
),

-- a period with no events still gets its grand-total row, with zeros: no holes
final as (
    {{ rolled_up_with_empty_periods('rolled_up', 'measured_periods', period_columns, dimensions, [
        'billed_revenue', 'collected_revenue', 'recurring_revenue', 'ending_mrr',
        'invoices_billed', 'payments_succeeded_amount', 'payments_refunded_amount'
    ]) }}
)

select * from final
