-- Contract `opportunities` from Salesforce's Opportunity object: one row per live deal,
-- as text. Deleted deals (is_deleted, _fivetran_deleted) are left out; a live deal of a
-- deleted account is kept, as Salesforce counts it (its account is kept too, flagged
-- deleted: see base_salesforce__contract_accounts). Closed/won come from the deal's stage in
-- OpportunityStage when the stage is known, else from the deal's own flags (so an org
-- whose opportunity_stage is not landed still has closed and won deals); an empty
-- probability takes the stage's default. Single-currency orgs have no currency_iso_code:
-- their deals are in var('reporting_currency'). The amount is taken as ARR, as
-- Salesforce holds it; an empty amount (optional in Salesforce) stays empty, and so
-- does an empty account: the contract keeps such deals.
-- Amount, lost reason and source can be read from other fields (var
-- salesforce_field_map); var salesforce_opportunity_passthrough_columns adds columns.
{%- do require_system_table('salesforce', 'opportunity') %}
{%- do require_custom_columns('salesforce', 'opportunity') %}
with opportunities as (
    select * from {{ system_source('salesforce', 'opportunity', [
        'id', 'account_id', 'created_date', 'stage_name', 'is_closed', 'is_won',
        'currency_iso_code', 'close_date', 'owner_id', 'name', 'type',
        'forecast_category_name', 'forecast_category', 'probability',
        'is_deleted', '_fivetran_deleted']
        + mapped_columns_of('salesforce', 'opportunity')
        + passthrough_source_columns('salesforce', 'opportunity')) }} as opportunities
    where {{ is_live(salesforce_deleted_flags()) }}
),

stages as (
    select
        stage_name,
        {{ parse_boolean('is_closed') }} as is_closed,
        {{ parse_boolean('is_won') }} as is_won,
        {{ clean_text('default_probability') }} as default_probability
    from {{ ref('base_salesforce__contract_opportunity_stages') }} as stages
),

final as (
    select
        {{ clean_text('opportunities.id') }} as opportunity_id,
        {{ clean_text('opportunities.account_id') }} as account_id,
        {{ system_timestamp('opportunities.created_date') }} as created_at,
        {{ clean_text('opportunities.stage_name') }} as stage_name,
        {{ boolean_text("case when stages.stage_name is not null then stages.is_closed else "
                        ~ parse_boolean('opportunities.is_closed') ~ " end") }} as is_closed,
        {{ boolean_text("case when stages.stage_name is not null then stages.is_won else "
                        ~ parse_boolean('opportunities.is_won') ~ " end") }} as is_won,
        {{ mapped_field('salesforce', 'amount', clean_text, 'opportunities') }} as amount,
        coalesce(
            upper({{ clean_text('opportunities.currency_iso_code') }}),
            {{ sql_literal(var("reporting_currency", "USD") | upper) }}
        ) as currency,
        {{ system_timestamp('opportunities.close_date') }} as close_date,
        {{ clean_text('opportunities.owner_id') }} as owner_user_id,
        {{ clean_text('opportunities.name') }} as opportunity_name,
        {{ salesforce_opportunity_type('opportunities.type') }} as opportunity_type,
        {{ mapped_field('salesforce', 'source', clean_text, 'opportunities') }} as source,
        coalesce(
            {{ salesforce_forecast_category('opportunities.forecast_category_name') }},
            {{ salesforce_forecast_category('opportunities.forecast_category') }}
        ) as forecast_category,
        -- 0-100, as the contract has it
        coalesce({{ clean_text('opportunities.probability') }}, stages.default_probability) as probability,
        {{ mapped_field('salesforce', 'lost_reason', parse_enum, 'opportunities') }} as lost_reason,
        {{ source_relation_of('salesforce', clean_text('opportunities.id')) }} as source_relation
        {{- passthrough_selects('salesforce', 'opportunity', 'opportunities') }}
    from opportunities
    left join stages
        on {{ clean_text('opportunities.stage_name') }} = stages.stage_name
)

select * from final
