-- The contract's accounts from HubSpot companies: one row per live company (neither
-- is_deleted nor _fivetran_deleted). A company without a name is named after its
-- domain. Segment and region have no standard HubSpot property and stay empty.
-- Unlike Salesforce, a deleted company is not kept for its deals: HubSpot removes a
-- deleted company's associations, so its deals are on their other companies, or on
-- none (the contract keeps a deal without a company).
with companies as (
    select *
    from {{ system_source('hubspot', 'company', [
        'id', 'is_deleted', '_fivetran_deleted', 'property_name', 'property_domain', 'property_industry',
        'property_country', 'property_createdate', 'property_hubspot_owner_id', 'property_hs_parent_company_id',
        'property_hs_is_target_account',
    ]) }} as company
    where {{ is_live(['is_deleted', '_fivetran_deleted']) }}
        and {{ clean_text('id') }} is not null
),

final as (
    select
        {{ clean_text('id') }} as account_id,
        coalesce({{ clean_text('property_name') }}, {{ clean_text('property_domain') }}) as account_name,
        {{ hubspot_timestamp('property_createdate') }} as created_at,
        {{ clean_text('property_hs_parent_company_id') }} as parent_account_id,
        {{ clean_text('property_industry') }} as industry,
        {{ clean_text('property_country') }} as country,
        {{ clean_text('property_hubspot_owner_id') }} as owner_user_id,
        {{ clean_text('property_hs_is_target_account') }} as is_target_account,
        {{ clean_text('property_domain') }} as domain,
        'false' as is_deleted
    from companies
)

select * from final
