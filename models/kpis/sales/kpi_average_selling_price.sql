-- One row per reporting period x roll-up of owner/team, segment, region: the average
-- amount of the new-business and expansion deals won in the period, with the sum and
-- count behind it.
{%- set period_columns = 'period_type, period_start, period_end, period_label' %}
{%- set dimensions = ['owner_user_id', 'team', 'segment', 'region'] %}
{%- set rollups = [[], ['owner_user_id', 'team'], ['team'], ['segment'], ['region'], ['segment', 'region']] %}

with reporting_periods as (
    select * from {{ ref('int_kpi_reporting_periods') }}
),

-- Each deal as the warehouse saw it on the as-of date (see kpi_win_rate).
deal_states_on_as_of_date as (
    select * from {{ ref('int_kpi_deal_states_on_as_of_date') }}
),

-- Renewals are not selling; zero and negative amounts would drag the average down.
priced_won_deals as (
    select
        opportunity_id,
        {{ deal_cuts() }},
        close_date,
        amount_reporting
    from deal_states_on_as_of_date
    where is_won
        and not is_excluded
        and close_date <= as_of_date
        and opportunity_type in ('new_business', 'expansion')
        and amount_reporting > 0
),

won_deals_by_period as (
    select
        {{ period_columns_of('reporting_periods') }},
        {{ columns_of('priced_won_deals', dimensions) }},
        priced_won_deals.amount_reporting
    from reporting_periods
    inner join priced_won_deals
        on priced_won_deals.close_date between reporting_periods.period_start and reporting_periods.period_end
),

rolled_up as (
    select
        {{ period_columns }},
        {{ rollup_labels(dimensions) }},
        sum(amount_reporting) as won_amount,
        count(*) as won_deals
    from won_deals_by_period
    {{ rollup_grouping_sets(period_columns, rollups) }}
),

-- A period without such a deal keeps its grand-total row: zero sums, NULL average.
components as (
    {{ rolled_up_with_empty_periods('rolled_up', 'reporting_periods', period_columns, dimensions, [
        'won_amount', 'won_deals'
    ]) }}
),

final as (
    select
        {{ period_columns }},
        {{ dimensions | join(', ') }},
        {{ safe_ratio('won_amount', 'won_deals') }} as average_selling_price,
        won_amount,
        won_deals
    from components
)

select * from final
