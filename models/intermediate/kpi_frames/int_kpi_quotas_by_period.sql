-- One row per calendar period (period_type, period_start, from dim_periods) x user x
-- team: the user's quota for the period. A quota counts toward a period when its whole
-- quota period lies inside it (quota period_end is exclusive): quarterly quotas add up
-- to the year, and a month inside a quarterly quota has no quota of its own. Nothing is
-- prorated. Managers' roll-up quotas are left out (int_kpi_managers): they would count
-- twice in team and total rows. Every calendar period, so a KPI can read the next one.
with periods as (
    select * from {{ ref('dim_periods') }}
),

quotas as (
    select * from {{ ref('fct_quotas') }}
),

managers as (
    select * from {{ ref('int_kpi_managers') }}
),

final as (
    select
        periods.period_type,
        periods.period_start,
        quotas.user_id,
        coalesce(quotas.team, 'unknown') as team,
        sum(quotas.amount_reporting) as quota_amount
    from periods
    inner join quotas
        on quotas.period_start >= periods.period_start
        and quotas.period_end <= cast({{ dbt.dateadd('day', 1, 'periods.period_end') }} as date)
    where not exists (
        select 1 from managers
        where managers.user_id = quotas.user_id
    )
    group by
        periods.period_type,
        periods.period_start,
        quotas.user_id,
        coalesce(quotas.team, 'unknown')
)

select * from final
