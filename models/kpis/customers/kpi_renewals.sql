-- One row per reporting period x roll-up of segment, region: the subscription terms
-- that came up for renewal in the period (renewal date in the period, on or before the
-- as-of date), how many renewed (logo renewal rate) and how much of their ARR renewed,
-- capped at the ARR up for renewal (dollar renewal rate).
-- A term ends (comes up for renewal) on a date D when the subscription bills per
-- quarter or year and D is either
--   - an anniversary of the subscription's start, a whole number of its billing
--     intervals after it, while the subscription is active the day before, or
--   - the day the subscription stops (its last price period ends, and no period of the
--     same subscription starts that day): a cancellation is a term that did not renew.
-- The term renewed when the same subscription is active on D. Monthly billing has no
-- term. A price period that ends mid-term (an upgrade) is not a term end.
{%- set period_columns = 'period_type, period_start, period_end, period_label' %}
{%- set dimensions = ['segment', 'region'] %}
{%- set rollups = [[], ['segment'], ['region'], ['segment', 'region']] %}
{#- candidate term ends are whole quarters after the start: 400 quarters = a century -#}
{%- set max_quarters = 400 %}

with subscriptions as (
    select * from {{ ref('fct_subscriptions') }}
    where mrr_reporting is not null
),

reporting_periods as (
    select * from {{ ref('int_kpi_reporting_periods') }}
),

context as (
    select * from {{ ref('dim_reporting_context') }}
),

quarter_numbers as (
    {{ dbt.generate_series(max_quarters) }}
),

subscription_starts as (
    select
        subscription_id,
        min(period_start) as subscription_start
    from subscriptions
    group by subscription_id
),

-- Every whole quarter after a subscription's start, up to the as-of date (a renewal
-- after the as-of date has not happened yet).
candidate_anniversaries as (
    select
        subscription_starts.subscription_id,
        3 * cast(quarter_numbers.generated_number as {{ dbt.type_int() }}) as months_after_start,
        cast({{ dbt.dateadd(
            'month',
            '3 * cast(quarter_numbers.generated_number as ' ~ dbt.type_int() ~ ')',
            'subscription_starts.subscription_start'
        ) }} as date) as renewal_date
    from subscription_starts
    cross join quarter_numbers
),

-- An anniversary ends a term when the price period covering its eve bills per quarter
-- or year and the anniversary is a whole number of those intervals after the start.
anniversary_term_ends as (
    select
        candidate_anniversaries.subscription_id,
        candidate_anniversaries.renewal_date
    from candidate_anniversaries
    cross join context
    inner join subscriptions as ending_period
        on ending_period.subscription_id = candidate_anniversaries.subscription_id
        and ending_period.period_start < candidate_anniversaries.renewal_date
        and {{ open_ended('ending_period.period_end') }} >= candidate_anniversaries.renewal_date
    where candidate_anniversaries.renewal_date <= context.as_of_date
        and ending_period.billing_interval in ('quarter', 'year')
        and mod(candidate_anniversaries.months_after_start, ending_period.months_per_billing_interval) = 0
),

-- The subscription stops: its price period ends and none of it continues that day.
stopping_term_ends as (
    select
        ending_period.subscription_id,
        ending_period.period_end as renewal_date
    from subscriptions as ending_period
    cross join context
    where ending_period.period_end is not null
        and ending_period.period_end <= context.as_of_date
        and ending_period.billing_interval in ('quarter', 'year')
        and not exists (
            select 1
            from subscriptions as next_period
            where next_period.subscription_id = ending_period.subscription_id
                and next_period.period_start = ending_period.period_end
        )
),

-- A stop on an anniversary is one term end, not two.
term_ends as (
    select subscription_id, renewal_date from anniversary_term_ends
    union
    select subscription_id, renewal_date from stopping_term_ends
),

-- The ARR up for renewal is the ending period's; the renewed ARR is the ARR of the
-- same subscription on the renewal date, capped at the ARR up for renewal.
terms_up_for_renewal as (
    select
        term_ends.subscription_id,
        term_ends.renewal_date,
        coalesce(ending_period.segment, 'unknown') as segment,
        coalesce(ending_period.region, 'unknown') as region,
        12 * ending_period.mrr_reporting as arr_up_for_renewal,
        case when renewed_period.subscription_id is null then 0 else 1 end as is_renewed,
        case
            when renewed_period.subscription_id is null then 0
            when renewed_period.mrr_reporting < ending_period.mrr_reporting then 12 * renewed_period.mrr_reporting
            else 12 * ending_period.mrr_reporting
        end as renewed_arr
    from term_ends
    inner join subscriptions as ending_period
        on ending_period.subscription_id = term_ends.subscription_id
        and ending_period.period_start < term_ends.renewal_date
        and {{ open_ended('ending_period.period_end') }} >= term_ends.renewal_date
    left join subscriptions as renewed_period
        on renewed_period.subscription_id = term_ends.subscription_id
        and renewed_period.period_start <= term_ends.renewal_date
        and {{ open_ended('renewed_period.period_end') }} > term_ends.renewal_date
),

rolled_up as (
    select
        {{ period_columns }},
        {{ rollup_labels(dimensions) }},
        count(*) as subscriptions_up_for_renewal,
        sum(terms_up_for_renewal.is_renewed) as renewed_subscriptions,
        sum(terms_up_for_renewal.arr_up_for_renewal) as arr_up_for_renewal,
        sum(terms_up_for_renewal.renewed_arr) as renewed_arr
    from reporting_periods
    inner join terms_up_for_renewal
        on terms_up_for_renewal.renewal_date >= reporting_periods.period_start
        and terms_up_for_renewal.renewal_date <= reporting_periods.period_end
    {{ rollup_grouping_sets(period_columns, rollups) }}
),

-- A period with no term ending keeps its grand-total row: zero counts, NULL rates.
components as (
    {{ rolled_up_with_empty_periods('rolled_up', 'reporting_periods', period_columns, dimensions, [
        'subscriptions_up_for_renewal', 'renewed_subscriptions', 'arr_up_for_renewal',
        'renewed_arr'
    ]) }}
),

final as (
    select
        {{ period_columns }},
        {{ dimensions | join(', ') }},
        {{ safe_ratio('renewed_subscriptions', 'subscriptions_up_for_renewal') }} as logo_renewal_rate,
        {{ safe_ratio('renewed_arr', 'arr_up_for_renewal') }} as dollar_renewal_rate,
        renewed_subscriptions,
        subscriptions_up_for_renewal,
        renewed_arr,
        arr_up_for_renewal
    from components
)

select * from final
