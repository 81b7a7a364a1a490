-- One row per reporting period x channel roll-up: sales and marketing expense in the
-- period, the new customers acquired in it, and their ratio (CAC); per channel, paid
-- CAC = marketing spend booked to the channel / new customers the channel acquired.
-- Expenses carry no account, so there is no segment or region cut: both columns hold
-- 'all' (kept so every KPI model has the same customer dimensions).
{%- set period_columns = 'period_type, period_start, period_end, period_label' %}
{%- set dimensions = ['channel'] %}
{%- set rollups = [[], ['channel']] %}

with context as (
    select * from {{ ref('dim_reporting_context') }}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

opportunities as (
    select * from {{ ref('fct_opportunities') }}
),

leads as (
    select * from {{ ref('fct_leads') }}
),

expenses as (
    select * from {{ ref('fct_expenses') }}
),

reporting_periods as (
    select * from {{ ref('int_kpi_reporting_periods') }}
),

-- Spend up to the as-of date, under the channel it was booked to ('unknown' if none).
spend as (
    select
        expenses.spent_on,
        coalesce(expenses.channel, 'unknown') as channel,
        case when expenses.expense_type = 'sales' then expenses.amount_reporting else 0 end as sales_expense,
        case when expenses.expense_type = 'marketing' then expenses.amount_reporting else 0 end as marketing_expense
    from expenses
    cross join context
    where expenses.spent_on <= context.as_of_date
),

-- New customers: the account's first-ever customer day (first won deal or first paid
-- subscription) on or before the as-of date. A reactivated customer keeps its
-- original customer_since, so it is never new again.
new_customers as (
    select
        accounts.account_id,
        accounts.customer_since
    from accounts
    cross join context
    where accounts.customer_since <= context.as_of_date
),

-- The channel that acquired a customer: the source channel of its first won deal
-- (earliest close date, then earliest creation), else of its earliest converted lead.
won_deals_in_order as (
    select
        opportunities.account_id,
        opportunities.source_channel,
        row_number() over (
            partition by opportunities.account_id
            order by opportunities.close_date, opportunities.created_at, opportunities.opportunity_id
        ) as deal_number
    from opportunities
    cross join context
    where opportunities.is_won
        and not opportunities.is_excluded
        and opportunities.close_date <= context.as_of_date
),

converted_leads_in_order as (
    select
        leads.converted_account_id as account_id,
        leads.source_channel,
        row_number() over (
            partition by leads.converted_account_id
            order by leads.created_at, leads.lead_id
        ) as lead_number
    from leads
    cross join context
    where leads.converted_account_id is not null
        and coalesce(leads.converted_date, leads.created_date) <= context.as_of_date
),

acquired_customers as (
    select
        new_customers.account_id,
        new_customers.customer_since,
        coalesce(won_deals_in_order.source_channel, converted_leads_in_order.source_channel, 'unknown')
            as channel
    from new_customers
    left join won_deals_in_order
        on new_customers.account_id = won_deals_in_order.account_id
        and won_deals_in_order.deal_number = 1
    left join converted_leads_in_order
        on new_customers.account_id = converted_leads_in_order.account_id
        and converted_leads_in_order.lead_number = 1
),

acquisition_events as (
    select
        spent_on as event_date,
        {{ dimensions | join(', ') }},
        sales_expense,
        marketing_expense,
        0 as new_customers
    from spend
    union all
    select
        customer_since,
        {{ dimensions | join(', ') }},
        0,
        0,
        1
    from acquired_customers
),

acquisition_events_by_period as (
    select
        {{ period_columns_of('reporting_periods') }},
        {{ columns_of('acquisition_events', dimensions) }},
        acquisition_events.sales_expense,
        acquisition_events.marketing_expense,
        acquisition_events.new_customers
    from reporting_periods
    inner join acquisition_events
        on acquisition_events.event_date between reporting_periods.period_start and reporting_periods.period_end
),

rolled_up as (
    select
        {{ period_columns }},
        {{ rollup_label() }} as segment,
        {{ rollup_label() }} as region,
        {{ rollup_labels(dimensions) }},
        sum(sales_expense) + sum(marketing_expense) as sales_and_marketing_expense,
        sum(sales_expense) as sales_expense,
        sum(marketing_expense) as marketing_expense,
        sum(new_customers) as new_customers
    from acquisition_events_by_period
    {{ rollup_grouping_sets(period_columns, rollups) }}
),

-- A period without spend or new customers keeps its grand-total row: zero sums,
-- NULL CAC.
components as (
    {{ rolled_up_with_empty_periods('rolled_up', 'reporting_periods', period_columns, ['segment', 'region', 'channel'], [
        'sales_and_marketing_expense', 'sales_expense', 'marketing_expense', 'new_customers'
    ]) }}
),

final as (
    select
        {{ period_columns }},
        segment,
        region,
        {{ dimensions | join(', ') }},
        {{ safe_ratio('sales_and_marketing_expense', 'new_customers') }} as customer_acquisition_cost,
        {{ safe_ratio('marketing_expense', 'new_customers') }} as paid_customer_acquisition_cost,
        sales_and_marketing_expense,
        sales_expense,
        marketing_expense,
        new_customers
    from components
)

select * from final
