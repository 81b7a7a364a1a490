-- The data's own clock: the first and latest event dates found in the raw data, and
-- the as-of date ("today") every KPI is computed at. The as-of date is the variable
-- `as_of_date` when set, else the latest event date, so the same input gives the same
-- output on any day. Future-dated plans (expected close dates, subscription term ends,
-- quota periods, due dates) are not events and do not move it.
with event_dates as (
    select cast(created_at as date) as event_date from {{ ref('stg_contract__accounts') }}
    union all
    select cast(created_at as date) from {{ ref('stg_contract__leads') }}
    union all
    select cast(converted_at as date) from {{ ref('stg_contract__leads') }}
    union all
    select cast(created_at as date) from {{ ref('stg_contract__opportunities') }}
    union all
    select cast(changed_at as date) from {{ ref('stg_contract__opportunity_history') }}
    union all
    select cast(occurred_at as date) from {{ ref('stg_contract__activities') }}
    union all
    select period_start from {{ ref('stg_contract__subscriptions') }}
    union all
    select cast(issued_at as date) from {{ ref('stg_contract__invoices') }}
    union all
    select cast(paid_at as date) from {{ ref('stg_contract__invoices') }}
    union all
    select cast(attempted_at as date) from {{ ref('stg_contract__payments') }}
    union all
    select spent_on from {{ ref('stg_contract__expenses') }}
    union all
    select cast(submitted_at as date) from {{ ref('stg_contract__forecasts') }}
    union all
    select usage_date from {{ ref('stg_contract__product_usage') }}
),

data_bounds as (
    select
        min(event_date) as first_event_date,
        max(event_date) as latest_event_date
    from event_dates
),

final as (
    select
        first_event_date,
        latest_event_date,
        {% if var('as_of_date') -%}
            cast({{ sql_literal(var("as_of_date")) }} as date) as as_of_date,
            'variable' as as_of_date_source,
        {%- else -%}
            latest_event_date as as_of_date,
            'latest event' as as_of_date_source,
        {%- endif %}
        {{ sql_literal(var("reporting_currency")) }} as reporting_currency,
        {{ var('fiscal_year_start_month') | int }} as fiscal_year_start_month
    from data_bounds
)

select * from final
