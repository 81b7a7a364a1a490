-- One row per reporting period x roll-up of owner/team, segment, region: the deals
-- closed in the period (won or lost), their win rate by count and by amount, and the
-- counts and amounts behind both ratios.
{%- set period_columns = 'period_type, period_start, period_end, period_label' %}
{%- set dimensions = ['owner_user_id', 'team', 'segment', 'region'] %}
{%- set rollups = [[], ['owner_user_id', 'team'], ['team'], ['segment'], ['region'], ['segment', 'region']] %}

with reporting_periods as (
    select * from {{ ref('int_kpi_reporting_periods') }}
),

-- Each deal as the warehouse saw it on the as-of date: a deal closed (or re-dated,
-- or re-priced) after the as-of date is still open there, so it cannot count.
deal_states_on_as_of_date as (
    select * from {{ ref('int_kpi_deal_states_on_as_of_date') }}
),

-- Closed (won or lost) by the as-of date, with a close date on or before it. Open
-- deals never enter the denominator; duplicates/merges and negative amounts are out.
closed_deals as (
    select
        opportunity_id,
        {{ deal_cuts() }},
        close_date,
        is_won,
        amount_reporting
    from deal_states_on_as_of_date
    where is_closed
        and not is_excluded
        and close_date <= as_of_date
),

closed_deals_by_period as (
    select
        {{ period_columns_of('reporting_periods') }},
        {{ columns_of('closed_deals', dimensions) }},
        closed_deals.is_won,
        closed_deals.amount_reporting
    from reporting_periods
    inner join closed_deals
        on closed_deals.close_date between reporting_periods.period_start and reporting_periods.period_end
),

rolled_up as (
    select
        {{ period_columns }},
        {{ rollup_labels(dimensions) }},
        count(case when is_won then 1 end) as won_deals,
        count(case when not is_won then 1 end) as lost_deals,
        count(*) as closed_deals,
        coalesce(sum(case when is_won then amount_reporting else 0 end), 0) as won_amount,
        coalesce(sum(case when is_won then 0 else amount_reporting end), 0) as lost_amount,
        coalesce(sum(amount_reporting), 0) as closed_amount
    from closed_deals_by_period
    {{ rollup_grouping_sets(period_columns, rollups) }}
),

-- A period without a closed deal keeps its grand-total row: zero counts, NULL rates.
components as (
    {{ rolled_up_with_empty_periods('rolled_up', 'reporting_periods', period_columns, dimensions, [
        'won_deals', 'lost_deals', 'closed_deals', 'won_amount', 'lost_amount', 'closed_amount'
    ]) }}
),

final as (
    select
        {{ period_columns }},
        {{ dimensions | join(', ') }},
        {{ safe_ratio('won_deals', 'closed_deals') }} as win_rate,
        {{ safe_ratio('won_amount', 'closed_amount') }} as win_rate_by_amount,
        won_deals,
        lost_deals,
        closed_deals,
        won_amount,
        lost_amount,
        closed_amount
    from components
)

select * from final
