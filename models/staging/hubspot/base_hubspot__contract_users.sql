-- The contract's users from HubSpot owners: one row per owner not deleted by the
-- connector, plus each deleted owner that a live deal or company still names, as an
-- inactive user (so the deal keeps its owner and team cut; the same rule as
-- Salesforce). The name is first and last name, else the email, else the owner id.
with all_owners as (
    select
        *,
        not {{ is_live(['_fivetran_deleted']) }} as owner_is_deleted
    from {{ system_source('hubspot', 'owner', [
        'owner_id', 'email', 'first_name', 'last_name', 'is_active', 'created_at', '_fivetran_deleted',
    ]) }} as owner
    where {{ clean_text('owner_id') }} is not null
),

referenced_owners as (
    select owner_id from {{ ref('base_hubspot__deals') }} as deals
    union
    select {{ clean_text('property_hubspot_owner_id') }}
    from {{ system_source('hubspot', 'company', [
        'property_hubspot_owner_id', 'is_deleted', '_fivetran_deleted']) }} as company
    where {{ is_live(['is_deleted', '_fivetran_deleted']) }}
),

owners as (
    select * from all_owners
    where not owner_is_deleted
        or {{ clean_text('owner_id') }} in (select owner_id from referenced_owners where owner_id is not null)
),

named as (
    select
        owners.*,
        {{ clean_text(dbt.concat([
            "coalesce(" ~ clean_text('first_name') ~ ", '')", "' '", "coalesce(" ~ clean_text('last_name') ~ ", '')"
        ])) }} as full_name
    from owners
),

final as (
    select
        {{ clean_text('owner_id') }} as user_id,
        coalesce(full_name, {{ clean_text('email') }}, {{ clean_text('owner_id') }}) as user_name,
        {{ clean_text('email') }} as email,
        case when owner_is_deleted then 'false' else {{ clean_text('is_active') }} end as is_active,
        {{ hubspot_timestamp('created_at') }} as hired_at
    from named
)

select * from final
