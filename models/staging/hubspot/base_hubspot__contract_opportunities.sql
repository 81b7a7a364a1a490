-- The contract's opportunities from HubSpot deals: one row per deal in base_hubspot__deals
-- (deleted, merged and unselected-pipeline deals are out). The account is the deal's
-- primary company association (deal_company.type_id 5), else its lowest company id,
-- among live companies. Stage name, closed and won flags come from the deal's stage.
{%- set primary_deal_to_company_type_id = 5 %}
with deals as (
    select * from {{ ref('base_hubspot__deals') }}
),

stages as (
    select * from {{ ref('base_hubspot__deal_stages') }}
),

companies as (
    select account_id from {{ ref('base_hubspot__contract_accounts') }}
),

associations as (
    select
        {{ clean_text('deal_id') }} as deal_id,
        {{ clean_text('company_id') }} as company_id,
        {{ parse_integer('type_id') }} as type_id
    from {{ system_source('hubspot', 'deal_company', ['deal_id', 'company_id', 'type_id']) }} as deal_company
),

ranked_associations as (
    select
        associations.deal_id,
        associations.company_id,
        row_number() over (
            partition by associations.deal_id
            order by
                case when associations.type_id = {{ primary_deal_to_company_type_id }} then 0 else 1 end,
                {{ try_cast('associations.company_id', dbt.type_bigint()) }},
                associations.company_id
        ) as association_rank
    from associations
    inner join companies
        on associations.company_id = companies.account_id
),

deal_accounts as (
    select
        deal_id,
        company_id as account_id
    from ranked_associations
    where association_rank = 1
),

final as (
    select
        deals.deal_id as opportunity_id,
        deal_accounts.account_id,
        deals.created_at,
        stages.stage_name,
        case when stages.is_closed then 'true' when not stages.is_closed then 'false' end as is_closed,
        case when stages.is_won then 'true' when not stages.is_won then 'false' end as is_won,
        deals.amount,
        coalesce(upper(deals.currency_code), {{ sql_literal(var("reporting_currency")) }}) as currency,
        deals.closed_at as close_date,
        deals.owner_id as owner_user_id,
        deals.deal_name as opportunity_name,
        case
            when deals.deal_type in ('newbusiness', 'new_business') then 'new_business'
            when deals.deal_type in ('existingbusiness', 'expansion') then 'expansion'
            when deals.deal_type = 'renewal' then 'renewal'
        end as opportunity_type,
        deals.analytics_source as source,
        deals.forecast_category,
        cast(coalesce(deals.probability_percent, stages.default_probability) as {{ dbt.type_string() }}) as probability,
        deals.closed_lost_reason as lost_reason,
        {{ source_relation_of('hubspot', 'deals.deal_id') }} as source_relation
        {%- for column in passthrough_columns('hubspot', 'deal') %},
        deals.{{ adapter.quote(column.name) }}
        {%- endfor %}
    from deals
    left join stages
        on deals.stage_id = stages.stage_id
    left join deal_accounts
        on deals.deal_id = deal_accounts.deal_id
)

select * from final
