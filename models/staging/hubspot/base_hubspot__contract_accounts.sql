-- The contract's accounts from HubSpot companies: one row per live company (neither
-- is_deleted nor _fivetran_deleted). A company without a name is named after its
-- domain. Segment and region have no standard HubSpot property and stay empty, unless
-- var hubspot_field_map names one; var hubspot_company_passthrough_columns adds columns.
-- Unlike Salesforce, a deleted company is not kept for its deals: HubSpot removes a
-- deleted company's associations, so its deals are on their other companies, or on
-- none (the contract keeps a deal without a company).
{%- do require_custom_columns('hubspot', 'company') %}
with companies as (
    select *
    from {{ system_source('hubspot', 'company', [
        'id', 'is_deleted', '_fivetran_deleted', 'property_name', 'property_domain',
        'property_createdate', 'property_hubspot_owner_id', 'property_hs_parent_company_id',
        'property_hs_is_target_account',
    ] + mapped_columns_of('hubspot', 'company') + passthrough_source_columns('hubspot', 'company')) }} as company
    where {{ is_live(['is_deleted', '_fivetran_deleted']) }}
        and {{ clean_text('id') }} is not null
),

final as (
    select
        {{ clean_text('id') }} as account_id,
        coalesce({{ clean_text('property_name') }}, {{ clean_text('property_domain') }}) as account_name,
        {{ hubspot_timestamp('property_createdate') }} as created_at,
        {{ clean_text('property_hs_parent_company_id') }} as parent_account_id,
        {{ mapped_field('hubspot', 'industry', clean_text) }} as industry,
        {{ mapped_field('hubspot', 'segment', parse_enum) }} as segment,
        {{ mapped_field('hubspot', 'region', clean_text) }} as region,
        {{ mapped_field('hubspot', 'country', clean_text) }} as country,
        {{ clean_text('property_hubspot_owner_id') }} as owner_user_id,
        {{ clean_text('property_hs_is_target_account') }} as is_target_account,
        {{ clean_text('property_domain') }} as domain,
        'false' as is_deleted,
        {{ source_relation_of('hubspot', clean_text('id')) }} as source_relation
        {{- passthrough_selects('hubspot', 'company') }}
    from companies
)

select * from final
