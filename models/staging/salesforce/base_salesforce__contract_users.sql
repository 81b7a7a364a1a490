-- Contract `users` from Salesforce's User object: one row per live user, as text, plus
-- each deleted user (the loader's flag: Salesforce itself only deactivates users) that
-- live rows still name as owner or manager, as an inactive user. So a live deal keeps
-- its owner, team and region cut. A reference to a user not landed at all is passed
-- through, for the contract to null and report.
with all_users as (
    select
        *,
        not {{ is_live(salesforce_deleted_flags()) }} as user_is_deleted
    from {{ system_source('salesforce', 'user', [
        'id', 'name', 'first_name', 'last_name', 'email', 'title', 'department', 'manager_id',
        'created_date', 'is_active', 'is_deleted', '_fivetran_deleted']) }} as users
),

-- the users live rows name: owners of deals, accounts, tasks and events; managers
referenced_users as (
    {%- for object_name in ['opportunity', 'account', 'task', 'event'] %}
    select {{ clean_text('owner_id') }} as user_id
    from {{ system_source('salesforce', object_name, ['owner_id', 'is_deleted', '_fivetran_deleted']) }} as owned
    where {{ is_live(salesforce_deleted_flags()) }}
    union
    {%- endfor %}
    select {{ clean_text('manager_id') }}
    from all_users
    where not user_is_deleted
),

users as (
    select * from all_users
    where not user_is_deleted
        or {{ clean_text('id') }} in (select user_id from referenced_users where user_id is not null)
),

final as (
    select
        {{ clean_text('id') }} as user_id,
        coalesce(
            {{ clean_text('name') }},
            {{ clean_text(dbt.concat([
                "coalesce(" ~ clean_text('first_name') ~ ", '')",
                "' '",
                "coalesce(" ~ clean_text('last_name') ~ ", '')"])) }}
        ) as user_name,
        {{ clean_text('email') }} as email,
        {{ clean_text('title') }} as title,
        {{ clean_text('department') }} as team,
        {{ clean_text('manager_id') }} as manager_user_id,
        {{ system_timestamp('created_date') }} as hired_at,
        -- a deleted user is no longer active, whatever its last landed state said
        {{ boolean_text("case when user_is_deleted then false else " ~ parse_boolean('is_active') ~ " end") }}
            as is_active
    from users
)

select * from final
