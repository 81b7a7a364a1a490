-- One row per user (seller or manager), with the manager's name and the team.
-- A missing team is 'unknown', so team roll-ups add up.
with users as (
    select * from {{ ref('stg_contract__users') }}
),

final as (
    select
        -- keys
        users.user_id,
        users.manager_user_id,
        -- attributes
        users.user_name,
        users.email,
        users.title,
        coalesce(users.team, 'unknown') as team,
        coalesce(users.region, 'unknown') as region,
        managers.user_name as manager_name,
        coalesce(users.is_active, true) as is_active,
        users.hired_at
    from users
    left join users as managers
        on users.manager_user_id = managers.user_id
)

select * from final
