-- One row per account (company), with its current attributes and the dates it became
-- a customer. Missing segment and region are 'unknown', so every KPI cut adds up.
with accounts as (
    select * from {{ ref('stg_contract__accounts') }}
),

users as (
    select * from {{ ref('stg_contract__users') }}
),

won_deals as (
    select
        account_id,
        min(close_date) as first_won_date
    from {{ ref('stg_contract__opportunities') }}
    where is_won
        and close_date is not null
        and coalesce(lost_reason, '') not in ({{ excluded_lost_reasons_list() }})
    group by account_id
),

subscriptions as (
    select
        account_id,
        min(period_start) as first_subscription_date
    from {{ ref('stg_contract__subscriptions') }}
    where amount > 0
    group by account_id
),

final as (
    select
        -- keys
        accounts.account_id,
        accounts.parent_account_id,
        accounts.owner_user_id,
        -- attributes
        accounts.account_name,
        parents.account_name as parent_account_name,
        owners.user_name as owner_name,
        accounts.industry,
        coalesce(accounts.segment, 'unknown') as segment,
        coalesce(accounts.region, 'unknown') as region,
        accounts.country,
        coalesce(accounts.is_target_account, false) as is_target_account,
        accounts.is_deleted,
        -- lifecycle
        accounts.created_at,
        won_deals.first_won_date,
        subscriptions.first_subscription_date,
        -- a customer from the first won deal or the first paid subscription, whichever
        -- came first
        case
            when won_deals.first_won_date is null then subscriptions.first_subscription_date
            when subscriptions.first_subscription_date is null then won_deals.first_won_date
            when won_deals.first_won_date <= subscriptions.first_subscription_date then won_deals.first_won_date
            else subscriptions.first_subscription_date
        end as customer_since
        -- a source system's source_relation and passthrough columns
        {{ source_system_extra_selects('accounts', 'accounts') }}
    from accounts
    left join accounts as parents
        on accounts.parent_account_id = parents.account_id
    left join users as owners
        on accounts.owner_user_id = owners.user_id
    left join won_deals
        on accounts.account_id = won_deals.account_id
    left join subscriptions
        on accounts.account_id = subscriptions.account_id
)

select * from final
