-- The contract's accounts from HubSpot companies: one row per live company (neither
-- is_deleted nor _fivetran_deleted), plus each deleted company that a live deal or a
-- live company (as parent) is still associated with, flagged is_deleted: the deal is a
-- row HubSpot counts, so it keeps its company (the same rule as Salesforce's deleted
-- accounts). A company without a name is named after its domain. Segment and region
-- have no standard HubSpot property and stay empty.
with all_companies as (
    select
        *,
        not {{ is_live(['is_deleted', '_fivetran_deleted']) }} as company_is_deleted
    from {{ system_source('hubspot', 'company', [
        'id', 'is_deleted', '_fivetran_deleted', 'property_name', 'property_domain', 'property_industry',
        'property_country', 'property_createdate', 'property_hubspot_owner_id', 'property_hs_parent_company_id',
        'property_hs_is_target_account',
    ]) }} as company
    where {{ clean_text('id') }} is not null
),

-- the companies live rows name: deals' associations and child companies
referenced_companies as (
    select {{ clean_text('deal_company.company_id') }} as company_id
    from {{ system_source('hubspot', 'deal_company', ['deal_id', 'company_id']) }} as deal_company
    inner join {{ ref('hubspot__deals') }} as deals
        on deals.deal_id = {{ clean_text('deal_company.deal_id') }}
    union
    select {{ clean_text('property_hs_parent_company_id') }}
    from all_companies
    where not company_is_deleted
),

companies as (
    select * from all_companies
    where not company_is_deleted
        or {{ clean_text('id') }} in (select company_id from referenced_companies where company_id is not null)
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
        case when company_is_deleted then 'true' else 'false' end as is_deleted
    from companies
)

select * from final
