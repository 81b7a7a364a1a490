-- One row per thing that happened in the data, on the day it happened: the rows the
-- as-of date ("today") is read from. An event is a date the source records as past:
-- a creation, a change, a touch, a close of a closed deal, an invoice issued, paid or
-- voided, a payment attempt, a subscription (price) starting, spend, a forecast call,
-- product usage. Planned dates are not events, because a plan can lie years ahead:
-- open deals' expected close dates (and every close date in the history), due dates,
-- subscription period ends, quota and forecast periods, FX rate dates, hire dates.
-- A table: dim_reporting_context, audit.as_of_date_few_events and a test all read it.
{{ config(materialized='table') }}

with accounts as (
    select * from {{ ref('stg_contract__accounts') }}
),

leads as (
    select * from {{ ref('stg_contract__leads') }}
),

opportunities as (
    select * from {{ ref('stg_contract__opportunities') }}
),

opportunity_history as (
    select * from {{ ref('stg_contract__opportunity_history') }}
),

activities as (
    select * from {{ ref('stg_contract__activities') }}
),

subscriptions as (
    select * from {{ ref('stg_contract__subscriptions') }}
),

invoices as (
    select * from {{ ref('stg_contract__invoices') }}
),

payments as (
    select * from {{ ref('stg_contract__payments') }}
),

expenses as (
    select * from {{ ref('stg_contract__expenses') }}
),

forecasts as (
    select * from {{ ref('stg_contract__forecasts') }}
),

product_usage as (
    select * from {{ ref('stg_contract__product_usage') }}
),

events as (
    select 'accounts' as table_name, account_id as event_key, 'created_at' as event_column,
        cast(created_at as date) as event_date
    from accounts
    union all
    select 'leads', lead_id, 'created_at', cast(created_at as date) from leads
    union all
    select 'leads', lead_id, 'converted_at', cast(converted_at as date) from leads
    union all
    select 'opportunities', opportunity_id, 'created_at', cast(created_at as date) from opportunities
    union all
    -- a closed deal's close date is when it closed; an open deal's is only expected
    select 'opportunities', opportunity_id, 'close_date', close_date from opportunities
    where is_closed
    union all
    select 'opportunity_history', opportunity_id, 'changed_at', cast(changed_at as date) from opportunity_history
    union all
    select 'activities', activity_id, 'occurred_at', cast(occurred_at as date) from activities
    union all
    select 'subscriptions', subscription_id, 'period_start', period_start from subscriptions
    union all
    select 'invoices', invoice_id, 'issued_at', cast(issued_at as date) from invoices
    union all
    select 'invoices', invoice_id, 'paid_at', cast(paid_at as date) from invoices
    union all
    select 'invoices', invoice_id, 'voided_at', cast(voided_at as date) from invoices
    union all
    select 'payments', payment_id, 'attempted_at', cast(attempted_at as date) from payments
    union all
    -- spend has no key of its own: its channel (else its kind) names it
    select 'expenses', coalesce(channel, expense_type), 'spent_on', spent_on from expenses
    union all
    select 'forecasts', user_id, 'submitted_at', cast(submitted_at as date) from forecasts
    union all
    select 'product_usage', account_id, 'usage_date', usage_date from product_usage
),

final as (
    select * from events
    where event_date is not null
)

select * from final
