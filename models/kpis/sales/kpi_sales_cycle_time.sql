-- One row per reporting period x roll-up of owner/team, segment, region: how long the
-- deals won in the period took, from the deal's creation (and from the originating
-- lead's first touch, where a lead links it) to its close date; average and median.
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

opportunities as (
    select * from {{ ref('fct_opportunities') }}
),

won_deals as (
    select
        deal_states_on_as_of_date.opportunity_id,
        {{ deal_cuts('deal_states_on_as_of_date') }},
        deal_states_on_as_of_date.close_date,
        opportunities.created_date,
        cast(opportunities.first_touch_at as date) as first_touch_date
    from deal_states_on_as_of_date
    inner join opportunities
        on deal_states_on_as_of_date.opportunity_id = opportunities.opportunity_id
    where deal_states_on_as_of_date.is_won
        and not deal_states_on_as_of_date.is_excluded
        and deal_states_on_as_of_date.close_date <= deal_states_on_as_of_date.as_of_date
),

cycle_days as (
    select
        *,
        -- a deal entered after it closed (back-filled) spent no time in the pipeline
        case
            when close_date < created_date then 0
            else {{ dbt.datediff('created_date', 'close_date', 'day') }}
        end as days_to_close,
        -- a lead created after the deal closed cannot be where the deal started
        case
            when first_touch_date <= close_date
                then {{ dbt.datediff('first_touch_date', 'close_date', 'day') }}
        end as days_from_first_touch
    from won_deals
),

won_deals_by_period as (
    select
        {{ period_columns_of('reporting_periods') }},
        {{ columns_of('cycle_days', dimensions) }},
        cycle_days.days_to_close,
        cycle_days.days_from_first_touch
    from reporting_periods
    inner join cycle_days
        on cycle_days.close_date between reporting_periods.period_start and reporting_periods.period_end
),

rolled_up as (
    select
        {{ period_columns }},
        {{ rollup_labels(dimensions) }},
        -- medians are not additive: each roll-up row computes its own
        percentile_cont(0.5) within group (order by days_to_close) as median_sales_cycle_days,
        percentile_cont(0.5) within group (order by days_from_first_touch) as median_days_from_first_touch,
        count(*) as won_deals,
        cast(sum(days_to_close) as {{ dbt.type_bigint() }}) as total_sales_cycle_days,
        count(days_from_first_touch) as won_deals_with_first_touch,
        cast(coalesce(sum(days_from_first_touch), 0) as {{ dbt.type_bigint() }}) as total_days_from_first_touch
    from won_deals_by_period
    {{ rollup_grouping_sets(period_columns, rollups) }}
),

-- A period without a won deal keeps its grand-total row: zero counts, NULL averages.
components as (
    {{ rolled_up_with_empty_periods('rolled_up', 'reporting_periods', period_columns, dimensions, [
        ['median_sales_cycle_days', 'cast(null as ' ~ type_double() ~ ')'],
        ['median_days_from_first_touch', 'cast(null as ' ~ type_double() ~ ')'], 'won_deals',
        'total_sales_cycle_days', 'won_deals_with_first_touch', 'total_days_from_first_touch'
    ]) }}
),

final as (
    select
        {{ period_columns }},
        {{ dimensions | join(', ') }},
        {{ safe_ratio('total_sales_cycle_days', 'won_deals') }} as avg_sales_cycle_days,
        median_sales_cycle_days,
        {{ safe_ratio('total_days_from_first_touch', 'won_deals_with_first_touch') }} as avg_days_from_first_touch,
        median_days_from_first_touch,
        won_deals,
        total_sales_cycle_days,
        won_deals_with_first_touch,
        total_days_from_first_touch
    from components
)

select * from final
