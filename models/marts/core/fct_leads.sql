-- One row per lead: its source and whether that source counts as marketing (from
-- lead_sources, data not code), its conversion, and whether the account it converted
-- to has become a customer.
with leads as (
    select * from {{ ref('stg_contract__leads') }}
),

lead_sources as (
    select * from {{ ref('stg_contract__lead_sources') }}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

final as (
    select
        -- keys
        leads.lead_id,
        leads.converted_account_id,
        leads.converted_opportunity_id,
        -- attributes
        leads.source,
        lead_sources.channel as source_channel,
        coalesce(lead_sources.is_marketing, false) as is_marketing_sourced,
        leads.status,
        leads.campaign,
        coalesce(accounts.segment, 'unknown') as segment,
        coalesce(accounts.region, 'unknown') as region,
        -- dates
        leads.created_at,
        cast(leads.created_at as date) as created_date,
        leads.converted_at,
        cast(leads.converted_at as date) as converted_date,
        -- funnel
        (leads.converted_at is not null or leads.converted_account_id is not null) as is_converted,
        leads.converted_opportunity_id is not null as has_opportunity,
        accounts.customer_since as converted_account_customer_since,
        accounts.customer_since is not null as became_customer
    from leads
    left join lead_sources
        on leads.source = lead_sources.source
    left join accounts
        on leads.converted_account_id = accounts.account_id
)

select * from final
