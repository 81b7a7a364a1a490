-- One row per reporting period x roll-up of owner/team, segment, region: the pipeline
-- created in the period (count and amount, whatever the deals' status now) and its
-- quality: the share of it that has reached a qualified stage, and the share of the
-- open pipeline at the period's end that is past its close date or has had no
-- activity on its account in the last `pipeline_no_activity_days` days.
{%- set period_columns = 'period_type, period_start, period_end, period_label' %}
{%- set dimensions = ['owner_user_id', 'team', 'segment', 'region'] %}
{%- set rollups = [[], ['owner_user_id', 'team'], ['team'], ['segment'], ['region'], ['segment', 'region']] %}
{%- set no_activity_days = var('pipeline_no_activity_days', 30) | int %}
{%- if no_activity_days < 1 -%}
    {{ exceptions.raise_compiler_error("var pipeline_no_activity_days must be at least 1, got " ~ no_activity_days) }}
{%- endif %}

with reporting_periods as (
    select * from {{ ref('int_kpi_reporting_periods') }}
),

-- Each deal as the warehouse saw it on the as-of date (see kpi_win_rate).
deal_states_on_as_of_date as (
    select * from {{ ref('int_kpi_deal_states_on_as_of_date') }}
),

-- The open pipeline is looked at on the period's measured-on date: its last day, or
-- the as-of date for the period holding it (nothing after the as-of date is visible).
deal_states_by_period as (
    select * from {{ ref('int_kpi_deal_states_by_period') }}
    where read_at = 'measured_on'
),

context as (
    select * from {{ ref('dim_reporting_context') }}
),

opportunities as (
    select * from {{ ref('fct_opportunities') }}
),

opportunity_history as (
    select * from {{ ref('fct_opportunity_history') }}
),

activities as (
    select * from {{ ref('fct_activities') }}
),

deals as (
    select
        opportunity_id,
        account_id,
        {{ deal_cuts() }},
        created_date
    from opportunities
    where not is_excluded
),

-- Reached a qualified stage (or was won) on or before the as-of date.
deals_qualified_by_as_of_date as (
    select distinct opportunity_history.opportunity_id
    from opportunity_history
    cross join context
    where opportunity_history.valid_from <= context.as_of_date
        and (opportunity_history.is_qualified_stage or opportunity_history.is_won)
),

-- The cohort: every deal created in the period up to the as-of date, won, lost or
-- open, at its amount on the as-of date.
pipeline_created as (
    select
        {{ period_columns_of('reporting_periods') }},
        {{ columns_of('deals', dimensions) }},
        1 as created_deals,
        deal_states_on_as_of_date.amount_reporting as created_amount,
        case when deals_qualified_by_as_of_date.opportunity_id is not null then 1 else 0 end as qualified_deals,
        case
            when deals_qualified_by_as_of_date.opportunity_id is not null
                then deal_states_on_as_of_date.amount_reporting
            else 0
        end as qualified_amount,
        0 as open_deals,
        0 as open_amount,
        0 as past_close_date_deals,
        0 as past_close_date_amount,
        0 as no_recent_activity_deals,
        0 as no_recent_activity_amount
    from reporting_periods
    inner join deals
        on deals.created_date between reporting_periods.period_start and reporting_periods.measured_on
    left join deal_states_on_as_of_date
        on deals.opportunity_id = deal_states_on_as_of_date.opportunity_id
    left join deals_qualified_by_as_of_date
        on deals.opportunity_id = deals_qualified_by_as_of_date.opportunity_id
),

-- The open pipeline on each period's measurement date, with the state it had then.
open_pipeline as (
    select
        {{ period_columns_of('deal_states_by_period') }},
        deal_states_by_period.read_on as measured_on,
        cast({{ dbt.dateadd('day', 1 - no_activity_days, 'deal_states_by_period.read_on') }} as date)
            as activity_window_start,
        deals.opportunity_id,
        deals.account_id,
        {{ columns_of('deals', dimensions) }},
        deal_states_by_period.close_date,
        deal_states_by_period.amount_reporting
    from deal_states_by_period
    inner join deals
        on deal_states_by_period.opportunity_id = deals.opportunity_id
    where not deal_states_by_period.is_closed
),

-- Activities on the deal's account in the N days ending on the measurement date,
-- that day included.
recent_activity as (
    select
        {{ period_key_of('open_pipeline') }},
        open_pipeline.opportunity_id,
        count(*) as recent_activities
    from open_pipeline
    inner join activities
        on activities.account_id = open_pipeline.account_id
        and activities.occurred_date between open_pipeline.activity_window_start and open_pipeline.measured_on
    group by
        {{ period_key_of('open_pipeline') }},
        open_pipeline.opportunity_id
),

open_pipeline_quality as (
    select
        {{ period_columns_of('open_pipeline') }},
        {{ columns_of('open_pipeline', dimensions) }},
        0 as created_deals,
        0 as created_amount,
        0 as qualified_deals,
        0 as qualified_amount,
        1 as open_deals,
        open_pipeline.amount_reporting as open_amount,
        case when open_pipeline.close_date < open_pipeline.measured_on then 1 else 0 end
            as past_close_date_deals,
        case when open_pipeline.close_date < open_pipeline.measured_on then open_pipeline.amount_reporting else 0 end
            as past_close_date_amount,
        case when recent_activity.opportunity_id is null then 1 else 0 end
            as no_recent_activity_deals,
        case when recent_activity.opportunity_id is null then open_pipeline.amount_reporting else 0 end
            as no_recent_activity_amount
    from open_pipeline
    left join recent_activity
        on {{ same_period('open_pipeline', 'recent_activity') }}
        and open_pipeline.opportunity_id = recent_activity.opportunity_id
),

pipeline_facts as (
    select * from pipeline_created
    union all
    select * from open_pipeline_quality
),

rolled_up as (
    select
        {{ period_columns }},
        {{ rollup_labels(dimensions) }},
        coalesce(sum(created_amount), 0) as pipeline_created_amount,
        cast(sum(created_deals) as {{ dbt.type_bigint() }}) as pipeline_created_deals,
        coalesce(sum(qualified_amount), 0) as qualified_amount,
        cast(sum(qualified_deals) as {{ dbt.type_bigint() }}) as qualified_deals,
        coalesce(sum(open_amount), 0) as open_pipeline_amount,
        cast(sum(open_deals) as {{ dbt.type_bigint() }}) as open_pipeline_deals,
        coalesce(sum(past_close_date_amount), 0) as past_close_date_amount,
        cast(sum(past_close_date_deals) as {{ dbt.type_bigint() }}) as past_close_date_deals,
        coalesce(sum(no_recent_activity_amount), 0) as no_recent_activity_amount,
        cast(sum(no_recent_activity_deals) as {{ dbt.type_bigint() }}) as no_recent_activity_deals
    from pipeline_facts
    {{ rollup_grouping_sets(period_columns, rollups) }}
),

-- A period with no deal created and none open keeps its grand-total row: zero counts
-- and amounts, NULL shares.
components as (
    {{ rolled_up_with_empty_periods('rolled_up', 'reporting_periods', period_columns, dimensions, [
        'pipeline_created_amount', 'pipeline_created_deals', 'qualified_amount',
        'qualified_deals', 'open_pipeline_amount', 'open_pipeline_deals',
        'past_close_date_amount', 'past_close_date_deals', 'no_recent_activity_amount',
        'no_recent_activity_deals'
    ]) }}
),

final as (
    select
        {{ period_columns }},
        {{ dimensions | join(', ') }},
        pipeline_created_amount,
        pipeline_created_deals,
        {{ safe_ratio('qualified_amount', 'pipeline_created_amount') }} as qualified_share,
        {{ safe_ratio('qualified_deals', 'pipeline_created_deals') }} as qualified_share_by_count,
        {{ safe_ratio('past_close_date_amount', 'open_pipeline_amount') }} as past_close_date_share,
        {{ safe_ratio('past_close_date_deals', 'open_pipeline_deals') }} as past_close_date_share_by_count,
        {{ safe_ratio('no_recent_activity_amount', 'open_pipeline_amount') }} as no_recent_activity_share,
        {{ safe_ratio('no_recent_activity_deals', 'open_pipeline_deals') }} as no_recent_activity_share_by_count,
        qualified_amount,
        qualified_deals,
        open_pipeline_amount,
        open_pipeline_deals,
        past_close_date_amount,
        past_close_date_deals,
        no_recent_activity_amount,
        no_recent_activity_deals
    from components
)

select * from final
