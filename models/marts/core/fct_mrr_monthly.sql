-- One row per account and month in which the account had MRR at the month's end or at
-- the previous month's end: MRR at month end, the previous month's, and the movement
-- that connects them. MRR at month end sums the subscriptions active on the month's
-- last day (for the month holding the as-of date: on the as-of date). Each month's
-- change is exactly one movement:
--   new          0 -> >0, and the account never had MRR before
--   reactivation 0 -> >0, after an earlier churn
--   expansion    up, from >0
--   contraction  down, to >0
--   churn        >0 -> 0
-- so starting MRR + new + expansion + reactivation - contraction - churn = ending MRR
-- for any set of rows. Months with no MRR before or after are left out.
-- Incremental (incremental_facts): whole months are replaced, from the month holding
-- the lookback window's start on (the month of the as-of date always among them).
{{ incremental_fact_config(unique_key='month_start') }}

with subscriptions as (
    select * from {{ ref('fct_subscriptions') }}
    where mrr_reporting is not null
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

months as (
    select * from {{ ref('dim_periods') }}
    where period_type = 'month'
),

context as (
    select * from {{ ref('dim_reporting_context') }}
),

measured_months as (
    select
        months.period_start as month_start,
        months.period_end as month_end,
        -- MRR is read on the month's last day, or on the as-of date in its month
        case
            when months.period_end > context.as_of_date then context.as_of_date
            else months.period_end
        end as measured_on
    from months
    cross join context
    where months.period_start <= context.as_of_date
),

account_first_months as (
    select
        account_id,
        min(period_start) as first_period_start
    from subscriptions
    group by account_id
),

account_months as (
    select
        account_first_months.account_id,
        measured_months.month_start,
        measured_months.month_end,
        measured_months.measured_on
    from account_first_months
    inner join measured_months
        on measured_months.month_end >= account_first_months.first_period_start
),

mrr_at_month_end as (
    select
        account_months.account_id,
        account_months.month_start,
        account_months.month_end,
        coalesce(sum(subscriptions.mrr_reporting), 0) as mrr,
        count(subscriptions.subscription_id) as active_subscriptions
    from account_months
    left join subscriptions
        on account_months.account_id = subscriptions.account_id
        and subscriptions.period_start <= account_months.measured_on
        and {{ open_ended('subscriptions.period_end') }} > account_months.measured_on
    group by
        account_months.account_id,
        account_months.month_start,
        account_months.month_end
),

with_previous as (
    select
        *,
        coalesce(lag(mrr) over (partition by account_id order by month_start), 0) as previous_mrr,
        -- did the account have MRR at the end of any earlier month?
        coalesce(
            max(case when mrr > 0 then 1 else 0 end) over (
                partition by account_id
                order by month_start
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) = 1 as had_mrr_before
    from mrr_at_month_end
),

classified as (
    select
        *,
        case
            when previous_mrr = 0 and mrr > 0 and had_mrr_before then 'reactivation'
            when previous_mrr = 0 and mrr > 0 then 'new'
            when previous_mrr > 0 and mrr = 0 then 'churn'
            when previous_mrr > 0 and mrr > previous_mrr then 'expansion'
            when previous_mrr > 0 and mrr < previous_mrr then 'contraction'
            else 'unchanged'
        end as movement_type
    from with_previous
    where mrr > 0 or previous_mrr > 0
),

final as (
    select
        -- keys
        classified.account_id,
        classified.month_start,
        classified.month_end,
        -- dimensions
        accounts.segment,
        accounts.region,
        -- MRR, in the reporting currency
        classified.previous_mrr,
        classified.mrr,
        classified.mrr - classified.previous_mrr as mrr_change,
        classified.movement_type,
        case when classified.movement_type = 'new' then classified.mrr else 0 end as new_mrr,
        case when classified.movement_type = 'expansion' then classified.mrr - classified.previous_mrr else 0 end
            as expansion_mrr,
        case when classified.movement_type = 'reactivation' then classified.mrr else 0 end as reactivation_mrr,
        case when classified.movement_type = 'contraction' then classified.previous_mrr - classified.mrr else 0 end
            as contraction_mrr,
        case when classified.movement_type = 'churn' then classified.previous_mrr else 0 end as churned_mrr,
        -- customers
        classified.previous_mrr > 0 as was_active_at_start,
        classified.mrr > 0 as is_active_at_end,
        classified.active_subscriptions
    from classified
    left join accounts
        on classified.account_id = accounts.account_id
    {%- if is_incremental() %}
    -- every month is still computed (the movement reads the months before it); only the
    -- recent ones are written
    where classified.month_start >= {{ dbt.date_trunc('month', incremental_cutoff('month_start')) }}
    {%- endif %}
)

select * from final
