-- The contract's activities from HubSpot engagements: one row per live engagement
-- (active, not _fivetran_deleted) and live company it is associated with
-- (engagement_company). The id is the engagement id, or '<engagement id>-<company id>'
-- when the engagement touches several companies. Engagements with no live company are
-- not account touches and are left out (contacts-only emails, notes on deals...).
with engagements as (
    select
        {{ clean_text('id') }} as engagement_id,
        {{ parse_enum('type') }} as activity_type,
        coalesce({{ hubspot_timestamp('timestamp') }}, {{ hubspot_timestamp('created_at') }}) as occurred_at,
        {{ clean_text('owner_id') }} as owner_id
    from {{ system_source('hubspot', 'engagement', ['id', 'type', 'timestamp', 'owner_id', 'created_at', 'active', '_fivetran_deleted']) }} as engagement
    where {{ is_live(['_fivetran_deleted']) }}
        and coalesce({{ parse_boolean('active') }}, true)
        and {{ clean_text('id') }} is not null
),

companies as (
    select account_id from {{ ref('base_hubspot__contract_accounts') }}
),

touches as (
    select distinct
        {{ clean_text('engagement_company.engagement_id') }} as engagement_id,
        {{ clean_text('engagement_company.company_id') }} as company_id
    from {{ system_source('hubspot', 'engagement_company', ['engagement_id', 'company_id']) }} as engagement_company
    inner join companies
        on {{ clean_text('engagement_company.company_id') }} = companies.account_id
),

companies_per_engagement as (
    select
        engagement_id,
        count(*) as company_count
    from touches
    group by engagement_id
),

final as (
    select
        case
            when companies_per_engagement.company_count > 1
                then {{ dbt.concat(['engagements.engagement_id', "'-'", 'touches.company_id']) }}
            else engagements.engagement_id
        end as activity_id,
        touches.company_id as account_id,
        engagements.occurred_at,
        engagements.owner_id as user_id,
        engagements.activity_type
    from engagements
    inner join touches
        on engagements.engagement_id = touches.engagement_id
    inner join companies_per_engagement
        on engagements.engagement_id = companies_per_engagement.engagement_id
)

select * from final
