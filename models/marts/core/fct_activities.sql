-- One row per activity (email, call, meeting...) on an account, with the account's
-- target flag, segment and region.
{{ incremental_fact_config(unique_key='activity_id') }}

with activities as (
    select * from {{ ref('stg_contract__activities') }}
    {%- if is_incremental() %}
    -- an incremental run (incremental_facts): the lookback window's activities
    where occurred_at is null
        or cast(occurred_at as date) >= {{ incremental_cutoff('occurred_date') }}
    {%- endif %}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

final as (
    select
        -- keys
        activities.activity_id,
        activities.account_id,
        activities.user_id,
        -- attributes
        activities.activity_type,
        activities.occurred_at,
        cast(activities.occurred_at as date) as occurred_date,
        -- the account
        coalesce(accounts.is_target_account, false) as is_target_account,
        coalesce(accounts.segment, 'unknown') as segment,
        coalesce(accounts.region, 'unknown') as region
    from activities
    left join accounts
        on activities.account_id = accounts.account_id
)

select * from final
