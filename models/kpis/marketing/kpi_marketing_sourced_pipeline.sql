-- One row per reporting period x roll-up of segment and region: pipeline created and
-- bookings in the period, in total and from marketing-sourced opportunities, and the
-- marketing-sourced share of each. Whether a source is marketing comes from the
-- lead_sources data (fct_opportunities.is_marketing_sourced), never from a list here.
{%- set period_columns = 'period_type, period_start, period_end, period_label' %}
{%- set dimensions = ['segment', 'region'] %}
{%- set rollups = [[], ['segment'], ['region'], ['segment', 'region']] %}

with opportunities as (
    select * from {{ ref('fct_opportunities') }}
),

-- Each deal as the warehouse saw it on the as-of date (see kpi_win_rate).
deal_states_on_as_of_date as (
    select * from {{ ref('int_kpi_deal_states_on_as_of_date') }}
),

reporting_periods as (
    select * from {{ ref('int_kpi_reporting_periods') }}
),

-- Each deal created by the as-of date, as the warehouse saw it on that date: its
-- amount then, and whether it was won by then. A deal won (or re-priced) after the
-- as-of date is not won (or re-priced) yet. Duplicates/merges and negative amounts
-- are out.
deals_on_as_of_date as (
    select
        deal_states_on_as_of_date.opportunity_id,
        {{ columns_of('opportunities', dimensions) }},
        deal_states_on_as_of_date.is_won,
        deal_states_on_as_of_date.close_date,
        deal_states_on_as_of_date.amount_reporting,
        opportunities.created_date,
        opportunities.is_marketing_sourced,
        deal_states_on_as_of_date.as_of_date
    from deal_states_on_as_of_date
    inner join opportunities
        on deal_states_on_as_of_date.opportunity_id = opportunities.opportunity_id
    where opportunities.created_date <= deal_states_on_as_of_date.as_of_date
        and not opportunities.is_excluded
),

-- Two kinds of event per deal: its creation (pipeline created, whatever its status
-- now) and, once won by the as-of date, its close (a booking).
pipeline_events as (
    select
        created_date as event_date,
        {{ dimensions | join(', ') }},
        is_marketing_sourced,
        1 as opportunities_created,
        amount_reporting as pipeline_created_amount,
        0 as deals_won,
        0 as bookings_amount
    from deals_on_as_of_date
    union all
    select
        close_date,
        {{ dimensions | join(', ') }},
        is_marketing_sourced,
        0,
        0,
        1,
        amount_reporting
    from deals_on_as_of_date
    where is_won
        and close_date <= as_of_date
),

pipeline_events_by_period as (
    select
        {{ period_columns_of('reporting_periods') }},
        {{ columns_of('pipeline_events', dimensions) }},
        pipeline_events.is_marketing_sourced,
        pipeline_events.opportunities_created,
        pipeline_events.pipeline_created_amount,
        pipeline_events.deals_won,
        pipeline_events.bookings_amount
    from reporting_periods
    inner join pipeline_events
        on pipeline_events.event_date between reporting_periods.period_start and reporting_periods.period_end
),

rolled_up as (
    select
        {{ period_columns }},
        {{ rollup_labels(dimensions) }},
        sum(case when is_marketing_sourced then opportunities_created else 0 end)
            as marketing_sourced_opportunities_created,
        sum(opportunities_created) as opportunities_created,
        coalesce(sum(case when is_marketing_sourced then pipeline_created_amount else 0 end), 0)
            as marketing_sourced_pipeline_amount,
        coalesce(sum(pipeline_created_amount), 0) as pipeline_created_amount,
        sum(case when is_marketing_sourced then deals_won else 0 end) as marketing_sourced_deals_won,
        sum(deals_won) as deals_won,
        coalesce(sum(case when is_marketing_sourced then bookings_amount else 0 end), 0)
            as marketing_sourced_bookings_amount,
        coalesce(sum(bookings_amount), 0) as bookings_amount
    from pipeline_events_by_period
    {{ rollup_grouping_sets(period_columns, rollups) }}
),

-- A period without a created or won deal keeps its grand-total row: zero sums, NULL
-- shares.
components as (
    {{ rolled_up_with_empty_periods('rolled_up', 'reporting_periods', period_columns, dimensions, [
        'marketing_sourced_opportunities_created', 'opportunities_created',
        'marketing_sourced_pipeline_amount', 'pipeline_created_amount',
        'marketing_sourced_deals_won', 'deals_won', 'marketing_sourced_bookings_amount',
        'bookings_amount'
    ]) }}
),

final as (
    select
        {{ period_columns }},
        {{ dimensions | join(', ') }},
        {{ safe_ratio('marketing_sourced_pipeline_amount', 'pipeline_created_amount') }}
            as marketing_sourced_pipeline_share,
        {{ safe_ratio('marketing_sourced_opportunities_created', 'opportunities_created') }}
            as marketing_sourced_opportunity_share,
        {{ safe_ratio('marketing_sourced_bookings_amount', 'bookings_amount') }}
            as marketing_sourced_bookings_share,
        marketing_sourced_pipeline_amount,
        pipeline_created_amount,
        marketing_sourced_opportunities_created,
        opportunities_created,
        marketing_sourced_bookings_amount,
        bookings_amount,
        marketing_sourced_deals_won,
        deals_won
    from components
)

select * from final
