-- One row per date a reporting period is measured on and invoice issued by then, drafts
-- left out (measured_on, invoice_id): the invoice as it stood that day. Its dates are
-- rebuilt from dates, never from today's status, with the gaps closed so that nothing
-- stays open forever by accident: no due date, due on issue; paid or void without a
-- date, on issue. With whether it was paid or voided by then, its days past due then,
-- and the net cash received on it by then (succeeded in, refunds out; NULL when none),
-- in the invoice's currency. The as-of date is one of the dates: it measures the period
-- holding it.
with invoices as (
    select * from {{ ref('fct_invoices') }}
),

payments as (
    select * from {{ ref('fct_payments') }}
),

reporting_periods as (
    select * from {{ ref('int_kpi_reporting_periods') }}
),

measurement_dates as (
    select distinct measured_on
    from reporting_periods
),

invoice_dates as (
    select
        invoice_id,
        segment,
        region,
        status,
        issued_date,
        coalesce(due_date, issued_date) as due_date,
        case when status = 'paid' then coalesce(paid_date, issued_date) else paid_date end as paid_date,
        case when status = 'void' then coalesce(voided_date, issued_date) end as voided_date,
        total,
        tax_amount,
        fx_rate_to_reporting,
        net_amount_reporting
    from invoices
    where status <> 'draft'
),

cash_received as (
    select
        measurement_dates.measured_on,
        payments.invoice_id,
        sum(
            case
                when payments.status = 'succeeded' then payments.amount
                when payments.status = 'refunded' then -1 * payments.amount
                else 0
            end
        ) as amount_received
    from payments
    inner join measurement_dates
        on payments.attempted_date <= measurement_dates.measured_on
    where payments.status in ('succeeded', 'refunded')
    group by
        measurement_dates.measured_on,
        payments.invoice_id
),

final as (
    select
        measurement_dates.measured_on,
        invoice_dates.invoice_id,
        invoice_dates.segment,
        invoice_dates.region,
        invoice_dates.status,
        invoice_dates.issued_date,
        invoice_dates.due_date,
        invoice_dates.paid_date,
        invoice_dates.voided_date,
        coalesce(invoice_dates.paid_date <= measurement_dates.measured_on, false) as is_paid,
        coalesce(invoice_dates.voided_date <= measurement_dates.measured_on, false) as is_voided,
        {{ dbt.datediff('invoice_dates.due_date', 'measurement_dates.measured_on', 'day') }} as days_past_due,
        invoice_dates.total,
        invoice_dates.tax_amount,
        invoice_dates.fx_rate_to_reporting,
        invoice_dates.net_amount_reporting,
        cash_received.amount_received
    from invoice_dates
    inner join measurement_dates
        on invoice_dates.issued_date <= measurement_dates.measured_on
    left join cash_received
        on invoice_dates.invoice_id = cash_received.invoice_id
        and measurement_dates.measured_on = cash_received.measured_on
)

select * from final
