-- Contract `opportunity_stages` from Salesforce's OpportunityStage object: one row per
-- stage, as text. The name is the stage's API name (the value Opportunity.StageName
-- stores), else its master label. Salesforce has no "qualified" flag: a stage is
-- qualified when it is open and its default probability is at least
-- var('qualified_stage_min_probability'), or when it is won. Inactive stages stay (old
-- deals may sit in them); if two stages share a name, the active one with the lowest
-- sort order wins.
with stages as (
    select * from {{ system_source('salesforce', 'opportunity_stage', [
        'id', 'api_name', 'master_label', 'sort_order', 'is_active', 'is_closed', 'is_won',
        'default_probability', '_fivetran_deleted']) }} as stages
    where {{ is_live(['_fivetran_deleted']) }}
),

parsed as (
    select
        coalesce({{ clean_text('api_name') }}, {{ clean_text('master_label') }}) as stage_name,
        {{ clean_text('sort_order') }} as sort_order,
        {{ parse_integer('sort_order') }} as sort_order_number,
        {{ parse_boolean('is_active') }} as is_active,
        {{ parse_boolean('is_closed') }} as is_closed,
        {{ parse_boolean('is_won') }} as is_won,
        {{ clean_text('default_probability') }} as default_probability,
        {{ parse_number('default_probability') }} as default_probability_number,
        {{ clean_text('id') }} as stage_id
    from stages
),

ranked as (
    select
        *,
        row_number() over (
            partition by stage_name
            order by
                case when coalesce(is_active, true) then 0 else 1 end,
                sort_order_number,
                stage_id
        ) as rank_within_name
    from parsed
),

final as (
    select
        stage_name,
        sort_order as stage_order,
        {{ boolean_text(
            "coalesce(is_won, false) or (not coalesce(is_closed, false) and coalesce(default_probability_number >= "
            ~ var('qualified_stage_min_probability', 20) ~ ", false))") }} as is_qualified,
        {{ boolean_text('is_closed') }} as is_closed,
        {{ boolean_text('is_won') }} as is_won,
        default_probability
    from ranked
    where rank_within_name = 1
)

select * from final
