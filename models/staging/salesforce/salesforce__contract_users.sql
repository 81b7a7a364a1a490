-- Contract `users` from Salesforce's User object: one row per live user, as text.
with users as (
    select * from {{ system_source('salesforce', 'user', [
        'id', 'name', 'first_name', 'last_name', 'email', 'title', 'department', 'manager_id',
        'created_date', 'is_active', 'is_deleted', '_fivetran_deleted']) }} as users
    where {{ is_live(salesforce_deleted_flags()) }}
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
        {{ boolean_text(parse_boolean('is_active')) }} as is_active
    from users
)

select * from final
