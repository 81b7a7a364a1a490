-- One row per user who manages others (user_id). Managers carry their team's number:
-- their quota and their forecast call are roll-ups of their reports' and would count
-- twice in team and total rows, so the quota and forecast KPIs leave them out.
with users as (
    select * from {{ ref('dim_users') }}
),

final as (
    select distinct manager_user_id as user_id
    from users
    where manager_user_id is not null
)

select * from final
