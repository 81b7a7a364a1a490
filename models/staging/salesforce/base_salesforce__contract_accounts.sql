-- Contract `accounts` from Salesforce's Account object: one row per live account, as
-- text, plus each deleted account (is_deleted, _fivetran_deleted) that live rows still
-- refer to, flagged is_deleted. A live deal, touch or lead of a deleted account is a
-- row Salesforce counts, so it is kept (as Fivetran's packages keep it) and keeps its
-- account's name, segment and owner. References are passed through as Salesforce holds
-- them: one to an account that is not landed at all is the contract's to null and
-- report. Region stays NULL: Salesforce has no region field (billing_state is not a
-- region). Segment, region, industry and country can be read from other fields (var
-- salesforce_field_map), and var salesforce_account_passthrough_columns adds columns.
{%- do require_custom_columns('salesforce', 'account') %}
with all_accounts as (
    select
        *,
        not {{ is_live(salesforce_deleted_flags()) }} as account_is_deleted
    from {{ system_source('salesforce', 'account', [
        'id', 'name', 'created_date', 'parent_id', 'website', 'owner_id', 'is_deleted', '_fivetran_deleted']
        + mapped_columns_of('salesforce', 'account')
        + passthrough_source_columns('salesforce', 'account')) }} as accounts
),

-- the accounts live rows name: deals, tasks, events, converted leads, child accounts
referenced_accounts as (
    select {{ clean_text('account_id') }} as account_id
    from {{ system_source('salesforce', 'opportunity', ['account_id', 'is_deleted', '_fivetran_deleted']) }} as deals
    where {{ is_live(salesforce_deleted_flags()) }}
    union
    select {{ clean_text('account_id') }}
    from {{ system_source('salesforce', 'task', ['account_id', 'is_deleted', '_fivetran_deleted']) }} as tasks
    where {{ is_live(salesforce_deleted_flags()) }}
    union
    select {{ clean_text('account_id') }}
    from {{ system_source('salesforce', 'event', ['account_id', 'is_deleted', '_fivetran_deleted']) }} as events
    where {{ is_live(salesforce_deleted_flags()) }}
    union
    select {{ clean_text('converted_account_id') }}
    from {{ system_source('salesforce', 'lead', ['converted_account_id', 'is_deleted', '_fivetran_deleted']) }} as leads
    where {{ is_live(salesforce_deleted_flags()) }}
    union
    select {{ clean_text('parent_id') }}
    from all_accounts
    where not account_is_deleted
),

accounts as (
    select * from all_accounts
    where not account_is_deleted
        or {{ clean_text('id') }} in (
            select account_id from referenced_accounts where account_id is not null)
),

final as (
    select
        {{ clean_text('id') }} as account_id,
        {{ clean_text('name') }} as account_name,
        {{ system_timestamp('created_date') }} as created_at,
        {{ clean_text('parent_id') }} as parent_account_id,
        {{ mapped_field('salesforce', 'industry', clean_text) }} as industry,
        {{ mapped_field('salesforce', 'segment', parse_enum) }} as segment,
        {{ mapped_field('salesforce', 'region', clean_text) }} as region,
        {{ mapped_field('salesforce', 'country', clean_text) }} as country,
        {{ clean_text('owner_id') }} as owner_user_id,
        {{ clean_text('website') }} as domain,
        {{ boolean_text('account_is_deleted') }} as is_deleted,
        {{ source_relation_of('salesforce', clean_text('id')) }} as source_relation
        {{- passthrough_selects('salesforce', 'account') }}
    from accounts
)

select * from final
