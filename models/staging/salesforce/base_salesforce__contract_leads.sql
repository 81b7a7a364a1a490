-- Contract `leads` from Salesforce's Lead object: one row per live lead, as text. A
-- lead is converted when is_converted (or, without that column, a converted_date) says
-- so. The converted ids are passed through as Salesforce holds them: a deleted account
-- they name is kept (see base_salesforce__contract_accounts), and an id of a row not landed
-- is the contract's to null and report.
with leads as (
    select * from {{ system_source('salesforce', 'lead', [
        'id', 'created_date', 'lead_source', 'status', 'is_converted', 'converted_date',
        'converted_account_id', 'converted_opportunity_id', 'is_deleted', '_fivetran_deleted']) }} as leads
    where {{ is_live(salesforce_deleted_flags()) }}
),

converted as (
    select
        *,
        coalesce({{ parse_boolean('is_converted') }}, {{ clean_text('converted_date') }} is not null)
            as lead_is_converted
    from leads
),

final as (
    select
        {{ clean_text('id') }} as lead_id,
        {{ system_timestamp('created_date') }} as created_at,
        {{ clean_text('lead_source') }} as source,
        {{ clean_text('status') }} as status,
        case when lead_is_converted then {{ system_timestamp('converted_date') }} end as converted_at,
        case when lead_is_converted then {{ clean_text('converted_account_id') }} end as converted_account_id,
        case when lead_is_converted then {{ clean_text('converted_opportunity_id') }} end as converted_opportunity_id
    from converted
)

select * from final
