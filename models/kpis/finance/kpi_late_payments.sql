-- One row per reporting period (month, quarter, year) and roll-up of segment x region:
-- the invoices PAID in the period (paid date in the period and on or before the as-of
-- date), the share paid after their due date, and the average days from issue to
-- payment. Paid on the due date is on time; an invoice without a due date is due on
-- issue. Invoices still unpaid are not in the denominator (their lateness is in
-- kpi_receivables_aging).
{%- set period_columns = 'period_type, period_start, period_end, period_label' %}
{%- set dimensions = ['segment', 'region'] %}
{%- set rollups = [[], ['segment'], ['region'], ['segment', 'region']] %}

with invoices as (
    select * from {{ ref('fct_invoices') }}
),

-- Each reporting period, measured on its last day or the as-of date, whichever is
-- earlier.
measured_periods as (
    select * from {{ ref('int_kpi_reporting_periods') }}
),

-- a payment is a fact once made: a paid invoice counts even if voided later
paid_invoices as (
    select
        invoice_id,
        {{ dimensions | join(', ') }},
        paid_date,
        {{ dbt.datediff('issued_date', 'paid_date', 'day') }} as days_to_pay,
        {{ dbt.datediff('coalesce(due_date, issued_date)', 'paid_date', 'day') }} as days_after_due
    from invoices
    where paid_date is not null
        and status <> 'draft'
),

period_rows as (
    select
        {{ period_columns_of('measured_periods') }},
        {{ columns_of('paid_invoices', dimensions) }},
        1 as invoices_paid,
        case when paid_invoices.days_after_due > 0 then 1 else 0 end as invoices_paid_late,
        paid_invoices.days_to_pay,
        case when paid_invoices.days_after_due > 0 then paid_invoices.days_after_due else 0 end as days_late
    from paid_invoices
    inner join measured_periods
        on paid_invoices.paid_date between measured_periods.period_start and measured_periods.measured_on
),

rolled_up as (
    select
        {{ period_columns }},
        {{ rollup_labels(dimensions) }},
        cast(sum(period_rows.invoices_paid) as {{ dbt.type_bigint() }}) as invoices_paid,
        cast(sum(period_rows.invoices_paid_late) as {{ dbt.type_bigint() }}) as invoices_paid_late,
        cast(sum(period_rows.days_to_pay) as {{ dbt.type_bigint() }}) as days_to_pay_total,
        cast(sum(period_rows.days_late) as {{ dbt.type_bigint() }}) as days_late_total
    from period_rows
    {{ rollup_grouping_sets(period_columns, rollups) }}
),

-- a period with no payments still gets its grand-total row: zero counts, NULL ratios
all_rows as (
    {{ rolled_up_with_empty_periods('rolled_up', 'measured_periods', period_columns, dimensions, [
        'invoices_paid', 'invoices_paid_late', 'days_to_pay_total', 'days_late_total'
    ]) }}
),

final as (
    select
        {{ period_columns }},
        {{ dimensions | join(', ') }},
        -- values
        {{ safe_ratio('invoices_paid_late', 'invoices_paid') }} as late_payment_rate,
        {{ safe_ratio('days_to_pay_total', 'invoices_paid') }} as avg_days_to_pay,
        {{ safe_ratio('days_late_total', 'invoices_paid_late') }} as avg_days_late,
        -- components
        invoices_paid,
        invoices_paid_late,
        days_to_pay_total,
        days_late_total
    from all_rows
)

select * from final
