-- One row per reporting period (month, quarter, year) and roll-up of segment x region,
-- for the invoices ISSUED in the period (a cohort), judged on the as-of date: the money
-- billed but not collected, in four components, each and in total, / billed revenue of
-- the same period; and the recovery rate of failed payments.
-- Each leaking invoice is in exactly one component, first match wins, so the total never
-- counts an invoice twice:
--   voided              voided by the as-of date: its net amount
--   uncollectible       marked uncollectible and not paid: its open balance
--   over 90 days        open more than 90 days past its due date: its open balance
--   unrecovered failure open, with a failed payment no later attempt recovered: its
--                       open balance
-- A paid invoice leaks nothing. Open balances count on the same net-of-tax basis as
-- billed revenue (balance x net / total of the invoice).
{%- set period_columns = 'period_type, period_start, period_end, period_label' %}
{%- set dimensions = ['segment', 'region'] %}
{%- set rollups = [[], ['segment'], ['region'], ['segment', 'region']] %}

with invoice_states_by_date as (
    select * from {{ ref('int_kpi_invoice_states_by_date') }}
),

payments as (
    select * from {{ ref('fct_payments') }}
),

context as (
    select * from {{ ref('dim_reporting_context') }}
),

-- Each reporting period, measured on its last day or the as-of date, whichever is
-- earlier.
measured_periods as (
    select * from {{ ref('int_kpi_reporting_periods') }}
),

-- payments as they stood on the as-of date
visible_payments as (
    select payments.*
    from payments
    cross join context
    where payments.attempted_date <= context.as_of_date
),

last_failures as (
    select
        invoice_id,
        max(attempted_at) as last_failed_at
    from visible_payments
    where status = 'failed'
    group by invoice_id
),

-- an invoice's failed payments are recovered when an attempt at or after its last
-- failure succeeded (the marts' rule: a failed attempt is recovered by a later success)
failures as (
    select
        last_failures.invoice_id,
        max(case when visible_payments.payment_id is not null then 1 else 0 end) as is_recovered
    from last_failures
    left join visible_payments
        on last_failures.invoice_id = visible_payments.invoice_id
        and visible_payments.status = 'succeeded'
        and visible_payments.attempted_at >= last_failures.last_failed_at
    group by last_failures.invoice_id
),

-- every issued invoice as it stood on the as-of date
invoice_states as (
    select
        invoice_states_by_date.invoice_id,
        {{ columns_of('invoice_states_by_date', dimensions) }},
        invoice_states_by_date.status,
        invoice_states_by_date.issued_date,
        invoice_states_by_date.net_amount_reporting,
        invoice_states_by_date.is_voided,
        invoice_states_by_date.is_paid,
        invoice_states_by_date.days_past_due,
        -- open balance in the reporting currency, on the net-of-tax basis
        cast(
            case
                when invoice_states_by_date.total = 0 then 0
                else
                    (invoice_states_by_date.total - coalesce(invoice_states_by_date.amount_received, 0))
                    * (invoice_states_by_date.total - coalesce(invoice_states_by_date.tax_amount, 0))
                    / invoice_states_by_date.total
                    * invoice_states_by_date.fx_rate_to_reporting
            end
            as {{ dbt.type_numeric() }}
        ) as net_balance,
        failures.invoice_id is not null as has_failed_payment,
        coalesce(failures.is_recovered, 0) = 1 as is_recovered
    from invoice_states_by_date
    cross join context
    left join failures
        on invoice_states_by_date.invoice_id = failures.invoice_id
    where invoice_states_by_date.measured_on = context.as_of_date
),

classified as (
    select
        *,
        case
            when is_voided then 'voided'
            when coalesce(is_paid, false) or net_balance <= 0 then null
            when status = 'uncollectible' then 'uncollectible'
            when days_past_due > 90 then 'over_90_days_past_due'
            when has_failed_payment and not is_recovered then 'unrecovered_failed_payment'
        end as leakage_component
    from invoice_states
),

period_rows as (
    select
        {{ period_columns_of('measured_periods') }},
        {{ columns_of('classified', dimensions) }},
        case when classified.is_voided then 0 else classified.net_amount_reporting end as billed_revenue,
        case when classified.leakage_component = 'voided' then classified.net_amount_reporting else 0 end
            as voided_amount,
        case when classified.leakage_component = 'uncollectible' then classified.net_balance else 0 end
            as uncollectible_amount,
        case when classified.leakage_component = 'over_90_days_past_due' then classified.net_balance else 0 end
            as over_90_days_past_due_amount,
        case when classified.leakage_component = 'unrecovered_failed_payment' then classified.net_balance else 0 end
            as unrecovered_failed_payment_amount,
        case when classified.leakage_component is not null then 1 else 0 end as leaking_invoices,
        case when classified.has_failed_payment then 1 else 0 end as failed_payment_invoices,
        case when classified.has_failed_payment and classified.is_recovered then 1 else 0 end
            as recovered_failed_payment_invoices
    from classified
    inner join measured_periods
        on classified.issued_date between measured_periods.period_start and measured_periods.measured_on
),

rolled_up as (
    select
        {{ period_columns }},
        {{ rollup_labels(dimensions) }},
        cast(sum(period_rows.billed_revenue) as {{ dbt.type_numeric() }}) as billed_revenue,
        cast(sum(period_rows.voided_amount) as {{ dbt.type_numeric() }}) as voided_amount,
        cast(sum(period_rows.uncollectible_amount) as {{ dbt.type_numeric() }}) as uncollectible_amount,
        cast(sum(period_rows.over_90_days_past_due_amount) as {{ dbt.type_numeric() }})
            as over_90_days_past_due_amount,
        cast(sum(period_rows.unrecovered_failed_payment_amount) as {{ dbt.type_numeric() }})
            as unrecovered_failed_payment_amount,
        cast(sum(period_rows.leaking_invoices) as {{ dbt.type_bigint() }}) as leaking_invoices,
        cast(sum(period_rows.failed_payment_invoices) as {{ dbt.type_bigint() }}) as failed_payment_invoices,
        cast(sum(period_rows.recovered_failed_payment_invoices) as {{ dbt.type_bigint() }}) as recovered_failed_payment_invoices
    from period_rows
    {{ rollup_grouping_sets(period_columns, rollups) }}
),

-- a period with no invoices still gets its grand-total row: zeros, NULL ratios
all_rows as (
    {{ rolled_up_with_empty_periods('rolled_up', 'measured_periods', period_columns, dimensions, [
        'billed_revenue', 'voided_amount', 'uncollectible_amount',
        'over_90_days_past_due_amount', 'unrecovered_failed_payment_amount', 'leaking_invoices',
        'failed_payment_invoices', 'recovered_failed_payment_invoices'
    ]) }}
),

with_total as (
    select
        *,
        cast(
            voided_amount + uncollectible_amount + over_90_days_past_due_amount + unrecovered_failed_payment_amount
            as {{ dbt.type_numeric() }}
        ) as leakage_amount
    from all_rows
),

final as (
    select
        {{ period_columns }},
        {{ dimensions | join(', ') }},
        -- values
        {{ safe_ratio('leakage_amount', 'billed_revenue') }} as leakage_rate,
        {{ safe_ratio('voided_amount', 'billed_revenue') }} as voided_leakage_rate,
        {{ safe_ratio('uncollectible_amount', 'billed_revenue') }} as uncollectible_leakage_rate,
        {{ safe_ratio('over_90_days_past_due_amount', 'billed_revenue') }} as over_90_days_past_due_leakage_rate,
        {{ safe_ratio('unrecovered_failed_payment_amount', 'billed_revenue') }}
            as unrecovered_failed_payment_leakage_rate,
        {{ safe_ratio('recovered_failed_payment_invoices', 'failed_payment_invoices') }}
            as failed_payment_recovery_rate,
        -- components
        leakage_amount,
        voided_amount,
        uncollectible_amount,
        over_90_days_past_due_amount,
        unrecovered_failed_payment_amount,
        billed_revenue,
        leaking_invoices,
        failed_payment_invoices,
        recovered_failed_payment_invoices
    from with_total
)

select * from final
