-- One row per live stage of a selected, live deal pipeline: its id, contract stage name,
-- order and flags. Shared by the stage, deal and deal history models, which all name a
-- stage the same way: its label, or '<pipeline label> / <stage label>' when the label
-- occurs in more than one selected pipeline (so the contract's stage key stays unique).
-- Pipeline and stage ids are shared across portals (several connections, var
-- hubspot_schemas: 'default', 'closedwon'), so one row per id is kept: the first by
-- label and display order.
with landed_pipelines as (
    select
        {{ clean_text('pipeline_id') }} as pipeline_id,
        {{ clean_text('label') }} as pipeline_label,
        {{ parse_integer('display_order') }} as pipeline_display_order
    from {{ system_source('hubspot', 'deal_pipeline', ['pipeline_id', 'label', 'display_order', 'active', '_fivetran_deleted']) }} as deal_pipeline
    where {{ is_live(['_fivetran_deleted']) }}
        and {{ hubspot_pipeline_filter('pipeline_id') }}
),

pipelines as (
    select pipeline_id, pipeline_label, pipeline_display_order
    from (
        select
            landed_pipelines.*,
            row_number() over (
                partition by pipeline_id order by pipeline_label, pipeline_display_order
            ) as rank_within_id
        from landed_pipelines
    ) as ranked
    where rank_within_id = 1
),

landed_stages as (
    select
        {{ clean_text('stage_id') }} as stage_id,
        {{ clean_text('pipeline_id') }} as pipeline_id,
        {{ clean_text('label') }} as stage_label,
        {{ parse_integer('display_order') }} as stage_display_order,
        {{ hubspot_percent('probability') }} as probability_percent,
        {{ parse_boolean('closed_won') }} as closed_won,
        -- newer connector versions land HubSpot's own flag; prefer it when present
        {{ parse_boolean('is_closed') }} as closed_flag
    from {{ system_source('hubspot', 'deal_pipeline_stage', ['stage_id', 'pipeline_id', 'label', 'display_order', 'probability', 'closed_won', 'is_closed', 'active', '_fivetran_deleted']) }} as deal_pipeline_stage
    where {{ is_live(['_fivetran_deleted']) }}
),

stages as (
    select stage_id, pipeline_id, stage_label, stage_display_order, probability_percent, closed_won, closed_flag
    from (
        select
            landed_stages.*,
            row_number() over (
                partition by stage_id, pipeline_id order by stage_label, stage_display_order
            ) as rank_within_id
        from landed_stages
    ) as ranked
    where rank_within_id = 1
),

-- Pipelines in display order, 0 for the first: with several pipelines a stage's order
-- is pipeline position * 100 + its display order, so stages sort pipeline by pipeline.
ranked_pipelines as (
    select
        pipelines.*,
        row_number() over (order by pipelines.pipeline_display_order, pipelines.pipeline_id) - 1 as pipeline_position
    from pipelines
),

pipeline_stages as (
    select
        stages.*,
        ranked_pipelines.pipeline_label,
        ranked_pipelines.pipeline_position
    from stages
    inner join ranked_pipelines
        on stages.pipeline_id = ranked_pipelines.pipeline_id
),

label_counts as (
    select
        stage_label,
        count(distinct pipeline_id) as pipelines_with_label
    from pipeline_stages
    group by stage_label
),

flagged as (
    select
        pipeline_stages.stage_id,
        pipeline_stages.pipeline_id,
        pipeline_stages.pipeline_label,
        pipeline_stages.stage_label,
        case
            when label_counts.pipelines_with_label > 1
                then {{ dbt.concat(['pipeline_stages.pipeline_label', "' / '", 'pipeline_stages.stage_label']) }}
            else pipeline_stages.stage_label
        end as stage_name,
        pipeline_stages.pipeline_position * 100 + pipeline_stages.stage_display_order as stage_order,
        pipeline_stages.probability_percent as default_probability,
        coalesce(pipeline_stages.closed_won, false) as is_won,
        -- HubSpot's closed-lost stages are the ones with probability 0
        coalesce(
            pipeline_stages.closed_flag,
            coalesce(pipeline_stages.closed_won, false) or coalesce(pipeline_stages.probability_percent = 0, false)
        ) as is_closed
    from pipeline_stages
    left join label_counts
        on pipeline_stages.stage_label = label_counts.stage_label
),

final as (
    select
        stage_id,
        pipeline_id,
        pipeline_label,
        stage_label,
        stage_name,
        stage_order,
        default_probability,
        is_won,
        is_closed,
        (
            is_won
            or (
                not is_closed
                and coalesce(default_probability >= {{ var('qualified_stage_min_probability', 20) }}, false)
            )
        ) as is_qualified
    from flagged
)

select * from final
