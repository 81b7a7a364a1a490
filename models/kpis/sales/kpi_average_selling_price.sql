-- One row per reporting period x roll-up of owner/team, segment, region: the average
-- amount of the new-business and expansion deals won in the period, with the sum and
-- count behind it.
{%- set period_columns = 'period_type, period_start, period_end, period_label' %}

with periods as (
    select * from {{ ref('dim_periods') }}
),

context as (
    select * from {{ ref('dim_reporting_context') }}
),

opportunity_history as (
    select * from {{ ref('fct_opportunity_history') }}
),

reporting_periods as (
    select
        period_type,
        period_start,
        period_end,
        period_label
    from periods
    where is_reporting_period
),

-- Each deal as the warehouse saw it on the as-of date (see kpi_win_rate).
deal_states_on_as_of_date as (
    select
        opportunity_history.*,
        context.as_of_date
    from opportunity_history
    cross join context
    where opportunity_history.valid_from <= context.as_of_date
        and (opportunity_history.valid_to is null or opportunity_history.valid_to > context.as_of_date)
),

-- Renewals are not selling; zero and negative amounts would drag the average down.
priced_won_deals as (
    select
        opportunity_id,
        coalesce(owner_user_id, 'unknown') as owner_user_id,
        coalesce(owner_team, 'unknown') as team,
        coalesce(segment, 'unknown') as segment,
        coalesce(region, 'unknown') as region,
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
        reporting_periods.*,
        priced_won_deals.owner_user_id,
        priced_won_deals.team,
        priced_won_deals.segment,
        priced_won_deals.region,
        priced_won_deals.amount_reporting
    from reporting_periods
    inner join priced_won_deals
        on priced_won_deals.close_date between reporting_periods.period_start and reporting_periods.period_end
),

rolled_up as (
    select
        {{ period_columns }},
        coalesce(owner_user_id, {{ rollup_label() }}) as owner_user_id,
        coalesce(team, {{ rollup_label() }}) as team,
        coalesce(segment, {{ rollup_label() }}) as segment,
        coalesce(region, {{ rollup_label() }}) as region,
        sum(amount_reporting) as won_amount,
        count(*) as won_deals
    from won_deals_by_period
    group by grouping sets (
        ({{ period_columns }}),
        ({{ period_columns }}, owner_user_id, team),
        ({{ period_columns }}, team),
        ({{ period_columns }}, segment),
        ({{ period_columns }}, region),
        ({{ period_columns }}, segment, region)
    )
),

-- A period without such a deal keeps its grand-total row: zero sums, NULL average.
empty_periods as (
    select
        {{ period_columns }},
        {{ rollup_label() }} as owner_user_id,
        {{ rollup_label() }} as team,
        {{ rollup_label() }} as segment,
        {{ rollup_label() }} as region,
        0 as won_amount,
        0 as won_deals
    from reporting_periods
    where not exists (
        select 1
        from rolled_up
        where rolled_up.period_type = reporting_periods.period_type
            and rolled_up.period_start = reporting_periods.period_start
    )
),

components as (
    select * from rolled_up
    union all
    select * from empty_periods
),

final as (
    select
        {{ period_columns }},
        owner_user_id,
        team,
        segment,
        region,
        {{ safe_ratio('won_amount', 'won_deals') }} as average_selling_price,
        won_amount,
        won_deals
    from components
)

select * from final
