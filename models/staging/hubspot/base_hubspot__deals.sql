-- One row per deal the project reads: not deleted (is_deleted, _fivetran_deleted), not
-- merged into another deal (its id is a merged_deal.merged_deal_id), and in a selected
-- pipeline (var hubspot_deal_pipelines). The deal and history models read deals only
-- from here, so an excluded deal leaves no trace, history included.
-- Amount, lost reason and source can be read from other properties (var
-- hubspot_field_map); var hubspot_deal_passthrough_columns adds columns.
{%- do require_system_table('hubspot', 'deal') %}
{%- do require_custom_columns('hubspot', 'deal') %}
with deals as (
    select *
    from {{ system_source('hubspot', 'deal', [
        'deal_id', 'deal_pipeline_id', 'deal_pipeline_stage_id', 'owner_id', 'is_deleted', '_fivetran_deleted',
        'property_dealname', 'property_closedate', 'property_createdate', 'property_dealtype',
        'property_deal_currency_code', 'property_hs_forecast_category', 'property_hs_deal_stage_probability',
        'property_hubspot_owner_id',
    ] + mapped_columns_of('hubspot', 'deal') + passthrough_source_columns('hubspot', 'deal')) }} as deal
    where {{ is_live(['is_deleted', '_fivetran_deleted']) }}
        and {{ clean_text('deal_id') }} is not null
        and {{ hubspot_pipeline_filter('deal_pipeline_id') }}
),

merged_deals as (
    select distinct {{ clean_text('merged_deal_id') }} as deal_id
    from {{ system_source('hubspot', 'merged_deal', ['deal_id', 'merged_deal_id']) }} as merged_deal
    where {{ clean_text('merged_deal_id') }} is not null
),

final as (
    select
        {{ clean_text('deals.deal_id') }} as deal_id,
        {{ clean_text('deals.deal_pipeline_id') }} as pipeline_id,
        {{ clean_text('deals.deal_pipeline_stage_id') }} as stage_id,
        coalesce({{ clean_text('deals.owner_id') }}, {{ clean_text('deals.property_hubspot_owner_id') }}) as owner_id,
        {{ clean_text('deals.property_dealname') }} as deal_name,
        {{ mapped_field('hubspot', 'amount', clean_text, 'deals') }} as amount,
        {{ clean_text('deals.property_deal_currency_code') }} as currency_code,
        {{ hubspot_timestamp('deals.property_createdate') }} as created_at,
        {{ hubspot_timestamp('deals.property_closedate') }} as closed_at,
        {{ parse_enum('deals.property_dealtype') }} as deal_type,
        {{ parse_enum('deals.property_hs_forecast_category') }} as forecast_category,
        {{ hubspot_percent('deals.property_hs_deal_stage_probability') }} as probability_percent,
        {{ mapped_field('hubspot', 'lost_reason', parse_enum, 'deals') }} as closed_lost_reason,
        {{ mapped_field('hubspot', 'source', parse_enum, 'deals') }} as analytics_source
        {{- passthrough_selects('hubspot', 'deal', 'deals') }}
    from deals
    where not exists (
        select 1 from merged_deals
        where merged_deals.deal_id = {{ clean_text('deals.deal_id') }}
    )
)

select * from final
