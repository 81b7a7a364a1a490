-- The contract's users from HubSpot owners: one row per owner not deleted by the
-- connector. The name is first and last name, else the email, else the owner id.
with owners as (
    select *
    from {{ system_source('hubspot', 'owner', [
        'owner_id', 'email', 'first_name', 'last_name', 'is_active', 'created_at', '_fivetran_deleted',
    ]) }} as owner
    where {{ is_live(['_fivetran_deleted']) }}
        and {{ clean_text('owner_id') }} is not null
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
        {{ clean_text('is_active') }} as is_active,
        {{ hubspot_timestamp('created_at') }} as hired_at
    from named
)

select * from final
