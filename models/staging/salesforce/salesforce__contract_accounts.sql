-- Contract `accounts` from Salesforce's Account object: one row per live account, as
-- text. Deleted accounts (is_deleted, _fivetran_deleted) are left out, and a parent
-- that is deleted becomes NULL. Region stays NULL: Salesforce has no region field
-- (billing_state is not a region).
with all_accounts as (
    select * from {{ system_source('salesforce', 'account', [
        'id', 'name', 'created_date', 'parent_id', 'industry', 'billing_country', 'website',
        'owner_id', 'segment__c', 'is_deleted', '_fivetran_deleted']) }} as accounts
),

accounts as (
    select * from all_accounts
    where {{ is_live(salesforce_deleted_flags()) }}
),

deleted_accounts as (
    select {{ clean_text('id') }} as account_id
    from all_accounts
    where not {{ is_live(salesforce_deleted_flags()) }}
        and {{ clean_text('id') }} is not null
),

final as (
    select
        {{ clean_text('accounts.id') }} as account_id,
        {{ clean_text('accounts.name') }} as account_name,
        {{ system_timestamp('accounts.created_date') }} as created_at,
        case
            when {{ clean_text('accounts.parent_id') }} in (select account_id from deleted_accounts) then null
            else {{ clean_text('accounts.parent_id') }}
        end as parent_account_id,
        {{ clean_text('accounts.industry') }} as industry,
        {{ parse_enum('accounts.segment__c') }} as segment,
        {{ clean_text('accounts.billing_country') }} as country,
        {{ clean_text('accounts.owner_id') }} as owner_user_id,
        {{ clean_text('accounts.website') }} as domain
    from accounts
)

select * from final
